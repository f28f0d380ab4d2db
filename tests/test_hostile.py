"""Hostile and broken input: a corpus generated here, run as one batch.

Every file yields exactly one record (a clear per-document failure, a page-level
error, or an ok record), the batch completes, and the good documents come out
exactly as they do from a clean run. OCR is the fake engine from conftest: the
point here is the reading stage and the batch, not tesseract.

Regression tests for bugs fixed in read.py/batch.py are named ``test_bug_*``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from pipeline.batch import collect_inputs, pending
from pipeline.datamodel import Classification
from pipeline.output import RESULTS, ResultWriter
from pipeline.read import read_document, sha256_file
from pipeline.settings import Settings
from pipeline.triage import Triager

from .conftest import LETTER_LINES, FakeEngine, make_text_pdf, render_lines

ROOT = Path(__file__).resolve().parents[1]
LETTER = "\n".join(LETTER_LINES)
OK = "ok"


def _settings(**kw) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(**{"workers": 2, "max_pages": 50, **kw})


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret-password")
    c.drawString(72, 720, "Claim denied, CO-197")
    c.save()
    return path


def _pdf_pages(path: Path, n: int, size: tuple[float, float] = (612, 792),
               lines: list[str] | None = None) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=size, invariant=1)
    for _ in range(n):
        for i, line in enumerate(lines or []):
            c.drawString(72, size[1] - 72 - 20 * i, line)
        c.showPage()
    c.save()
    return path


def _tiff_frames(path: Path, n: int, size: tuple[int, int] = (64, 80)) -> Path:
    frame = Image.new("L", size, 255)
    frame.save(path, save_all=True, append_images=[frame.copy() for _ in range(n - 1)],
               dpi=(200, 200))
    return path


GOOD = {  # name -> how it is made; each must come out ok and identical to a clean run
    "good.pdf": lambda p: make_text_pdf(p, [LETTER_LINES]),
    "good.txt": lambda p: p.write_text(LETTER, encoding="utf-8"),
    "scan.tif": lambda p: render_lines(LETTER_LINES, dpi=100).save(p, dpi=(100, 100)),
    "my letter (copy) ü 名前 $(touch pwned); `id` | & ' \" *.pdf":
        lambda p: make_text_pdf(p, [LETTER_LINES]),
    "-rf --help.txt": lambda p: p.write_text(LETTER),
    "utf16_bom.txt": lambda p: p.write_bytes(LETTER.encode("utf-16")),
    "utf16le_no_bom.txt": lambda p: p.write_bytes(LETTER.encode("utf-16-le")),
    "latin1.txt": lambda p: p.write_bytes((LETTER + "\nCafé, Zürich").encode("latin-1")),
    "nul_bytes.txt": lambda p: p.write_bytes(LETTER.encode().replace(b" ", b" \x00", 5)),
    "giant_page_with_text.pdf": lambda p: _pdf_pages(p, 1, (200 * 72, 200 * 72), LETTER_LINES),
    "forty_frames.tif": lambda p: _tiff_frames(p, 40),
}


def _bad(inbox: Path) -> dict[str, str]:
    """Write the hostile files; name -> expected error kind (inputs that are not files too)."""
    good_pdf = make_text_pdf(inbox / ".tmp_source.pdf", [LETTER_LINES])
    data = good_pdf.read_bytes()
    good_pdf.unlink()
    rnd = os.urandom(8192).replace(b"%PDF", b"%PDX")
    out: dict[str, str] = {}

    def put(name: str, kind: str, content: bytes | Callable[[Path], object]) -> None:
        p = inbox / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            content(p)
        out[name] = kind

    put("zero.pdf", "empty_file", b"")
    put("zero.png", "empty_file", b"")
    put("truncated.pdf", "corrupt_document", data[: len(data) // 3])
    put("header_only.pdf", "corrupt_document", b"%PDF-1.7\n" + rnd[:2000])
    put("locked.pdf", "encrypted_pdf", _encrypted_pdf)
    put("random.pdf", "unsupported_format", b"\x01" + rnd)
    put("random.png", "unsupported_format", b"\x02" + rnd)
    put("png_magic_then_junk.png", "corrupt_document", b"\x89PNG\r\n\x1a\n" + rnd[:500])
    put("mostly_nul.txt", "unsupported_format", b"\x00" * 4000 + b"CO-197")
    put("zip_named.pdf", "unsupported_format", b"PK\x03\x04" + rnd[:100])
    put("thousands_of_pages.pdf", "too_many_pages", lambda p: _pdf_pages(p, 2000))
    put("enormous_blank_page.pdf", "no_text",  # needs OCR, too large even at 50 dpi
        lambda p: _pdf_pages(p, 1, (1000 * 72, 1000 * 72)))
    put("bomb.png", "image_too_large",  # 400 MP in a few kB
        lambda p: Image.new("1", (20_000, 20_000)).save(p))
    put("fax_dpi_bomb.tif", "no_text",  # 2000x1 dpi: "square pixels" would be 2 GB
        lambda p: Image.new("L", (1000, 1000), 255).save(p, dpi=(2000, 1)))
    put("hundreds_of_frames.tif", "too_many_pages", lambda p: _tiff_frames(p, 300))
    put("huge_text.txt", "file_too_large", b"CO-197 denied. " * 80_000)  # 1.2 MB > limit

    def link(name: str, target: str | Path, kind: str) -> None:
        os.symlink(target, inbox / name)
        out[name] = kind

    link("link_to_good.pdf", inbox / "good.pdf", "unreadable_file")
    link("link_to_passwd.txt", "/etc/passwd", "unreadable_file")
    link("dangling.pdf", inbox / "no-such-file.pdf", "unreadable_file")
    link("loop_a", inbox / "loop_b", "unreadable_file")
    link("loop_b", inbox / "loop_a", "unreadable_file")
    link("self_loop", inbox / "self_loop", "unreadable_file")
    (inbox / "sub").mkdir()
    make_text_pdf(inbox / "sub" / "nested.pdf", [LETTER_LINES])
    out["sub/nested.pdf"] = OK
    link("linked_dir", inbox / "sub", "unreadable_file")
    link("sub/up", "..", "unreadable_file")  # a directory loop
    os.mkfifo(inbox / "a_fifo.pdf")
    out["a_fifo.pdf"] = "unreadable_file"
    put("vanishing.pdf", "unreadable_file", data)  # deleted after listing (see run_batch)
    return out


def build_corpus(inbox: Path) -> dict[str, str]:
    inbox.mkdir(parents=True)
    expected = {}
    for name, make in GOOD.items():
        make(inbox / name)
        expected[name] = OK
    expected.update(_bad(inbox))
    return expected


class StubClassifier:
    """Classification is not the point of these tests (and the model costs time)."""

    def classify(self, text, extraction):  # type: ignore[no-untyped-def]
        return Classification(category=None, needs_review=True, model="stub")


def run_batch(inbox: Path, out: Path, triager: Triager, *, workers: int = 2,
              after_listing: Callable[[list[str]], None] | None = None) -> dict[str, dict]:
    """What the flow does, without Prefect: list, skip done, triage on threads, write."""
    writer = ResultWriter(out)
    inputs = collect_inputs([inbox], exclude=[out])
    if after_listing:
        after_listing(inputs)
    todo, _done = pending(inputs, writer)
    with ThreadPoolExecutor(workers) as pool:
        for result in pool.map(triager.triage, todo):
            writer.append(result)
    writer.finalize()
    lines = (out / RESULTS).read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines]
    assert len(records) == len(inputs), "exactly one record per input"
    by_source = {r["source"]: r for r in records}
    assert sorted(by_source) == sorted(inputs)
    return {str(Path(s).relative_to(inbox)): r for s, r in by_source.items()}


def _triager(engine: FakeEngine | None = None, **kw) -> Triager:  # type: ignore[no-untyped-def]
    return Triager(settings=_settings(**{"max_text_bytes": 1_000_000, **kw}),
                   engine=engine or FakeEngine(), classifier=StubClassifier())


def _comparable(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k != "source"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, dict]]:
    base = tmp_path_factory.mktemp("hostile")
    expected = build_corpus(base / "inbox")

    def vanish(inputs: list[str]) -> None:
        assert str(base / "inbox" / "vanishing.pdf") in inputs
        (base / "inbox" / "vanishing.pdf").unlink()

    records = run_batch(base / "inbox", base / "out", _triager(), after_listing=vanish)
    return expected, records


def test_every_hostile_file_yields_exactly_one_record_with_the_expected_outcome(
    hostile: tuple[dict[str, str], dict[str, dict]]
) -> None:
    expected, records = hostile
    assert sorted(records) == sorted(expected)
    wrong = {}
    for name, kind in expected.items():
        rec = records[name]
        got = OK if rec["status"] == "ok" else rec["error"]["kind"]
        if got != kind:
            wrong[name] = (kind, got, rec.get("error"))
    assert not wrong


def test_failed_records_say_what_to_do_and_carry_no_traceback(
    hostile: tuple[dict[str, str], dict[str, dict]]
) -> None:
    _, records = hostile
    for name, rec in records.items():
        if rec["status"] == "failed":
            msg = rec["error"]["message"]
            assert 20 < len(msg) < 400, name
            assert "Traceback" not in msg and "File \"" not in msg, name
            assert rec["needs_review"] is True and rec["category"] is None
            assert rec["error"]["kind"] != "internal_error", (name, msg)


def test_limits_name_their_setting(hostile: tuple[dict[str, str], dict[str, dict]]) -> None:
    _, r = hostile
    assert "DENIALS_MAX_PAGES" in r["thousands_of_pages.pdf"]["error"]["message"]
    assert "DENIALS_MAX_PAGES" in r["hundreds_of_frames.tif"]["error"]["message"]
    assert "DENIALS_MAX_TEXT_BYTES" in r["huge_text.txt"]["error"]["message"]
    assert "decompression-bomb" in r["bomb.png"]["error"]["message"]
    assert "image_too_large" in r["enormous_blank_page.pdf"]["error"]["message"]
    assert "image_too_large" in r["fax_dpi_bomb.tif"]["error"]["message"]
    assert "symbolic link" in r["link_to_passwd.txt"]["error"]["message"]
    assert "disappeared" in r["vanishing.pdf"]["error"]["message"]
    assert "regular file" in r["a_fifo.pdf"]["error"]["message"]


def test_good_documents_match_a_clean_run(
    hostile: tuple[dict[str, str], dict[str, dict]], tmp_path: Path
) -> None:
    _, records = hostile
    clean = tmp_path / "clean"
    clean.mkdir()
    for name, make in GOOD.items():
        make(clean / name)
    make_text_pdf(clean / "nested.pdf", [LETTER_LINES])
    baseline = run_batch(clean, tmp_path / "out", _triager())
    assert baseline["good.pdf"]["codes"]["carc"] == ["197"]
    for name in GOOD:
        assert baseline[name]["status"] == "ok", name
        assert _comparable(records[name]) == _comparable(baseline[name]), name
    assert _comparable(records["sub/nested.pdf"]) == _comparable(baseline["nested.pdf"])
    # the text variants all read the same letter
    for name in ("utf16_bom.txt", "utf16le_no_bom.txt", "latin1.txt", "nul_bytes.txt"):
        assert records[name]["codes"] == records["good.txt"]["codes"], name
        assert records[name]["claim_number"] == records["good.txt"]["claim_number"], name


def test_a_rerun_keeps_one_record_per_file(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    expected = build_corpus(inbox)
    del expected["vanishing.pdf"]
    (inbox / "vanishing.pdf").unlink()
    first = run_batch(inbox, tmp_path / "out", _triager())
    again = run_batch(inbox, tmp_path / "out", _triager())
    assert sorted(first) == sorted(again) == sorted(expected)
    for name in GOOD:
        assert _comparable(first[name]) == _comparable(again[name])


# --- regression tests for the bugs fixed in read.py / batch.py ----------------------


def test_bug_fax_dpi_rescale_bypasses_pixel_limit(tmp_path: Path) -> None:
    """A 1000x1000 TIFF claiming 2000x1 dpi was stretched to 1000x2,000,000 (2 GB, ~25 s)."""
    path = tmp_path / "fax.tif"
    Image.new("L", (1000, 1000), 255).save(path, dpi=(2000, 1))
    engine = FakeEngine()
    result = _triager(engine).triage(path)
    assert result.status == "failed" and "image_too_large" in result.error.message
    assert engine.calls == 0
    # a real fax resolution is still squared up
    path2 = tmp_path / "fax_ok.tif"
    Image.new("L", (1728, 1100), 255).save(path2, dpi=(204, 98))
    doc = read_document(path2, engine, _settings())
    assert doc.pages[0].method == "ocr" and engine.sizes[-1] == (1728, 2290)


def test_bug_fifo_in_inbox_hangs_batch(tmp_path: Path) -> None:
    """A named pipe made pending() and failed_result() block forever on open()."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "pipe.pdf")
    make_text_pdf(inbox / "good.pdf", [LETTER_LINES])
    with pytest.raises(OSError):
        sha256_file(inbox / "pipe.pdf")
    records = run_batch(inbox, tmp_path / "out", _triager())
    assert records["pipe.pdf"]["error"]["kind"] == "unreadable_file"
    assert records["pipe.pdf"]["sha256"] is None
    assert records["good.pdf"]["status"] == "ok"


def test_bug_symlink_in_inbox_reads_any_file(tmp_path: Path) -> None:
    """A link in the inbox was followed anywhere (e.g. to another patient's file)."""
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(LETTER)
    link = tmp_path / "inbox.txt"
    link.symlink_to(outside)
    result = _triager().triage(link)
    assert result.status == "failed" and "symbolic link" in result.error.message
    assert result.claim_number is None
    allowed = _triager(follow_symlinks=True).triage(link)
    assert allowed.status == "ok" and allowed.codes.carc == ["197"]
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    looped = _triager(follow_symlinks=True).triage(loop)
    assert looped.error.kind == "unreadable_file" and "loop" in looped.error.message
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nothing")
    gone = _triager(follow_symlinks=True).triage(dangling)
    assert "does not exist" in gone.error.message


def test_bug_symlinked_folder_vanishes_without_record(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "real").mkdir(parents=True)
    (inbox / "real" / "a.txt").write_text(LETTER)
    (inbox / "alias").symlink_to(inbox / "real")
    (inbox / "real" / "back").symlink_to(inbox)  # a loop through the folder tree
    got = collect_inputs([inbox])
    assert got == [str(inbox / "alias"), str(inbox / "real" / "a.txt"),
                   str(inbox / "real" / "back")]


def test_bug_utf16_without_bom_rejected_as_binary(tmp_path: Path) -> None:
    for enc in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(LETTER.encode(enc))
        doc = read_document(path, None, _settings())
        assert doc.text == LETTER


def test_bug_file_deleted_while_reading_is_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleted after its first bytes were read: was 'internal_error', now says so."""
    import pipeline.read as read

    path = make_text_pdf(tmp_path / "going.pdf", [LETTER_LINES])
    real = read.sha256_file

    def delete_then_hash(p: Path) -> str:
        digest = real(p)
        p.unlink()
        return digest

    monkeypatch.setattr(read, "sha256_file", delete_then_hash)
    result = _triager().triage(path)
    assert result.error.kind == "unreadable_file"
    assert "disappeared" in result.error.message


def test_bug_huge_text_file_unbounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2000 + b"\n")
    assert _triager(max_text_bytes=1000).triage(path).error.kind == "file_too_large"
    assert _triager(max_text_bytes=5000).triage(path).status == "ok"
    assert Settings().max_text_bytes == 10 * 1024 * 1024


# --- scale and memory ----------------------------------------------------------------


def test_ten_thousand_files_one_record_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.output as output

    monkeypatch.setattr(output.os, "fsync", lambda fd: None)  # durability is not the point
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    kinds = [b"", b"\x89PNG\r\n\x1a\njunk", os.urandom(32).replace(b"%PDF", b"xxxx"),
             b"\x00" * 64]
    for i in range(10_000):
        # every 100th is a small good note; the rest fail fast in different ways
        content = b"Short note %d, CO-197" % i if i % 100 == 0 else kinds[i % 4]
        (inbox / f"doc {i:05d}.txt").write_bytes(content)
    make_text_pdf(inbox / "zz_good.pdf", [LETTER_LINES])
    records = run_batch(inbox, tmp_path / "out", _triager())
    assert len(records) == 10_001
    assert records["zz_good.pdf"]["status"] == "ok"
    assert records["zz_good.pdf"]["codes"]["carc"] == ["197"]
    ok = [name for name, r in records.items() if r["status"] == "ok"]
    assert len(ok) == 101
    assert records["doc 00001.txt"]["error"]["kind"] == "corrupt_document"


def test_peak_memory_under_one_gib_with_default_limits(tmp_path: Path) -> None:
    """The heaviest legal inputs, and the bombs, in a fresh process with default limits."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # just under the default pixel limit: decoded, converted and handed to (fake) OCR
    from pipeline.settings import Settings

    limit = Settings().max_image_pixels
    Image.new("1", (10_000, limit // 10_000 - 100), 1).save(inbox / "big_but_legal.png")
    Image.new("1", (20_000, 20_000)).save(inbox / "bomb.png")
    Image.new("L", (1000, 1000), 255).save(inbox / "fax_bomb.tif", dpi=(2000, 1))
    _pdf_pages(inbox / "enormous_scan.pdf", 1, (150 * 72, 150 * 72))  # rendered to budget
    make_text_pdf(inbox / "good.pdf", [LETTER_LINES])
    script = textwrap.dedent(f"""
        import json, resource, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from tests.conftest import FakeEngine
        from tests.test_hostile import StubClassifier, run_batch
        from pipeline.settings import Settings
        from pipeline.triage import Triager
        t = Triager(settings=Settings(workers=2), engine=FakeEngine(),
                    classifier=StubClassifier())
        recs = run_batch(Path({str(inbox)!r}), Path({str(tmp_path / "out")!r}), t)
        # VmHWM belongs to this process's own address space; ru_maxrss would also
        # carry the forked parent's high-water mark across exec (a large pytest
        # process made this child look 1 GiB big)
        status = Path("/proc/self/status").read_text()
        hwm = [line for line in status.splitlines() if line.startswith("VmHWM:")]
        peak = (int(hwm[0].split()[1]) * 1024 if hwm
                else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        print(json.dumps({{"peak": peak, "status": {{k: v["status"] for k, v in recs.items()}}}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=240, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["status"] == {"big_but_legal.png": "ok", "bomb.png": "failed",
                             "fax_bomb.tif": "failed", "enormous_scan.pdf": "ok",
                             "good.pdf": "ok"}
    assert got["peak"] < 1024**3, f"peak RSS {got['peak'] / 2**20:.0f} MiB"


def test_worklist_cells_cannot_start_a_formula() -> None:
    import csv
    import io

    from pipeline.datamodel import Result
    from pipeline.output import worklist_csv

    rec = Result(source="=cmd|'/c calc'!A1.pdf", sha256="0" * 64, status="ok",
                 payer='=HYPERLINK("http://example.invalid","Pay here")', patient_name="@SUM(1)")
    rows = list(csv.reader(io.StringIO(worklist_csv([rec.model_dump(mode="json")]))))
    assert not [c for c in rows[1] if c[:1] in ("=", "+", "-", "@")]
