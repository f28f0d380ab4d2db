"""The output directory: append as finished, one record per input, atomic, owner-only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pipeline.batch import collect_inputs, pending
from pipeline.datamodel import ErrorInfo, Result
from pipeline.output import RESULTS, ResultWriter


def _rec(source: str, sha: str = "a" * 64, status: str = "ok") -> Result:
    error = None if status == "ok" else ErrorInfo(kind="corrupt_document", message="damaged")
    return Result(source=source, sha256=sha, status=status, error=error)  # type: ignore[arg-type]


def _lines(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / RESULTS).read_text().splitlines()]


def test_records_are_appended_and_compacted_to_one_per_source(tmp_path: Path) -> None:
    w = ResultWriter(tmp_path)
    w.append(_rec("a.pdf", status="failed"))
    w.append(_rec("b.pdf"))
    w.append(_rec("a.pdf"))  # a retry of a.pdf succeeded
    assert len(_lines(tmp_path)) == 3  # appended as they finished
    w.compact()
    recs = _lines(tmp_path)
    assert [(r["source"], r["status"]) for r in recs] == [("a.pdf", "ok"), ("b.pdf", "ok")]


def test_a_half_written_last_line_from_a_killed_run_is_dropped(tmp_path: Path) -> None:
    w = ResultWriter(tmp_path)
    w.append(_rec("a.pdf"))
    with (tmp_path / RESULTS).open("a") as fh:
        fh.write('{"source": "b.pdf", "sha2')  # killed mid-write
    w2 = ResultWriter(tmp_path)
    assert list(w2.records) == ["a.pdf"]
    w2.append(_rec("c.pdf"))
    assert [r["source"] for r in _lines(tmp_path)] == ["a.pdf", "c.pdf"]


def test_output_files_are_readable_by_owner_only(tmp_path: Path) -> None:
    w = ResultWriter(tmp_path / "out")
    w.append(_rec("a.pdf"))
    w.finalize()
    for name in ("results.jsonl", "worklist.csv"):
        mode = stat.S_IMODE((tmp_path / "out" / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_pending_skips_same_content_and_retries_failures_and_changes(tmp_path: Path) -> None:
    from pipeline.read import sha256_file

    for name in ("same.txt", "changed.txt", "failed.txt", "new.txt"):
        (tmp_path / name).write_text(f"letter {name}")
    w = ResultWriter(tmp_path / "out")
    w.append(_rec(str(tmp_path / "same.txt"), sha256_file(tmp_path / "same.txt")))
    w.append(_rec(str(tmp_path / "changed.txt"), "0" * 64))
    w.append(_rec(str(tmp_path / "failed.txt"), sha256_file(tmp_path / "failed.txt"), "failed"))
    todo, done = pending(collect_inputs([tmp_path], exclude=[tmp_path / "out"]), w)
    assert [Path(p).name for p in done] == ["same.txt"]
    assert sorted(Path(p).name for p in todo) == ["changed.txt", "failed.txt", "new.txt"]


def test_collect_inputs_walks_folders_skips_hidden_and_keeps_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.pdf").write_text("x")
    (tmp_path / "a.png").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "ground_truth.jsonl").write_text("{}")
    missing = str(tmp_path / "gone.pdf")
    got = collect_inputs([tmp_path, missing, tmp_path / "a.png"])
    assert got == [str(tmp_path / "a.png"), str(tmp_path / "sub" / "b.pdf"), missing]


def test_records_of_schema_1_0_are_still_read() -> None:
    # 1.1 added Result.low_confidence; results.jsonl written by 1.0 must still load
    # (an output directory is compacted and re-exported across versions)
    from pipeline.datamodel import SCHEMA_VERSION, Result

    old = {"schema_version": "1.0", "source": "a.pdf", "sha256": "0" * 64, "status": "ok"}
    r = Result.model_validate(old)
    assert r.low_confidence == [] and r.schema_version == "1.0"
    assert Result(source="b.pdf", sha256=None, status="failed").schema_version == SCHEMA_VERSION


class _Record(dict):
    """A record dict that can be watched with a weak reference."""


def test_appended_records_are_on_disk_and_not_kept_in_memory(tmp_path: Path) -> None:
    import gc
    import weakref

    w = ResultWriter(tmp_path)
    recs = [_Record(_rec(f"{i}.pdf", sha=f"{i:064x}").model_dump(mode="json"))
            for i in range(3)]
    watch = [weakref.ref(r) for r in recs]
    for r in recs:
        w.append(r)
    del recs, r
    gc.collect()
    assert all(ref() is None for ref in watch)  # the writer holds no record
    # ... and still answers from the file: what was appended, the latest per source
    w.append(_rec("1.pdf", sha="f" * 64, status="failed"))
    assert w.is_done("0.pdf", f"{0:064x}") and not w.is_done("1.pdf", f"{1:064x}")
    assert w.records["1.pdf"]["status"] == "failed" and len(w.records) == 3
    assert [(r["source"], r["status"]) for r in w.iter_records()] == [
        ("0.pdf", "ok"), ("2.pdf", "ok"), ("1.pdf", "failed")]  # file order, latest only
    assert [r["source"] for r in w.iter_records({"2.pdf", "1.pdf", "x.pdf"})] == [
        "2.pdf", "1.pdf"]
    w.finalize()
    assert [r["source"] for r in _lines(tmp_path)] == ["0.pdf", "1.pdf", "2.pdf"]
    assert w.records["1.pdf"]["status"] == "failed"  # offsets follow the compaction
    assert sum(1 for _ in (tmp_path / "worklist.csv").open()) == 4  # header + 3


def test_a_record_given_as_its_json_line_is_written_as_is(tmp_path: Path) -> None:
    w = ResultWriter(tmp_path)
    line = _rec("é.pdf").model_dump_json()
    w.append(line)
    assert (tmp_path / RESULTS).read_text(encoding="utf-8") == line + "\n"
    assert w.is_done("é.pdf", "a" * 64)
    with pytest.raises(ValueError):
        w.append(line + "\n" + line)  # one record, one line


def test_assigning_records_replaces_the_file(tmp_path: Path) -> None:
    # pipeline.store.export hands the writer the store's records, keyed by content
    w = ResultWriter(tmp_path)
    w.append(_rec("old.pdf"))
    w.records = {"k1": _rec("a.pdf").model_dump(mode="json"),
                 "k2": _rec("b.pdf", status="failed").model_dump(mode="json")}
    assert [r["source"] for r in _lines(tmp_path)] == ["a.pdf", "b.pdf"]
    assert w.records["k2"]["source"] == "b.pdf"
    w.finalize()
    assert [r["source"] for r in _lines(tmp_path)] == ["a.pdf", "b.pdf"]


def test_summarise_reads_its_records_once_one_at_a_time() -> None:
    from pipeline.batch import summarise

    recs = (r.model_dump(mode="json") for r in
            [_rec("a"), _rec("b", status="failed"), _rec("c")])  # a generator: one pass
    assert summarise(recs) == {"documents": 3, "ok": 2, "failed": 1, "needs_review": 3,
                               "by_category": {"-": 2}}


def test_triage_line_is_the_record_as_one_json_line(tmp_path: Path) -> None:
    from pipeline.batch import triage_line
    from pipeline.settings import Settings

    letter = tmp_path / "letter.txt"
    letter.write_text("Claim denied. CARC CO-50: not medically necessary.\n")
    line = triage_line(str(letter), Settings().model_dump_json())
    assert "\n" not in line
    rec = json.loads(line)
    assert rec["source"] == str(letter) and rec["status"] == "ok"
    Result.model_validate(rec)
