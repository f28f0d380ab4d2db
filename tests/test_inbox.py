"""Inbox runs: ready files, processed/quarantine moves, idempotent re-runs, kill -9 recovery."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from pipeline.inbox import Inbox, is_temporary, list_ready, move_processed, move_quarantine
from pipeline.output import RESULTS, WORKLIST
from pipeline.schema import published_schema
from pipeline.store import Store

from .conftest import LETTER_LINES, make_scanned_pdf, make_text_pdf, render_lines


@pytest.mark.parametrize("name", ["scan.part", "a.PDF.tmp", "~$letter.docx", ".hidden.pdf",
                                  "x.crdownload", "fax.partial", "y.filepart"])
def test_temporary_names_are_not_taken(name: str) -> None:
    assert is_temporary(name)


@pytest.mark.parametrize("name", ["letter.pdf", "scan_0001.tif", "note.txt", "part.pdf"])
def test_ordinary_names_are_taken(name: str) -> None:
    assert not is_temporary(name)


def test_files_still_being_written_wait_for_the_next_run(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "processed").mkdir(parents=True)
    (inbox / "sub").mkdir()
    (inbox / "done.pdf").write_bytes(b"%PDF-1.4 complete")
    (inbox / "sub" / "deep.txt").write_text("text")
    (inbox / "growing.pdf").write_bytes(b"%PDF-1.4 first half")
    (inbox / "upload.pdf.part").write_bytes(b"partial")
    (inbox / "processed" / "old.pdf").write_bytes(b"already handled")

    def scanner_keeps_writing(_seconds: float) -> None:
        with (inbox / "growing.pdf").open("ab") as fh:
            fh.write(b" second half")

    look = list_ready(Inbox.at(inbox), settle_s=5, sleep=scanner_keeps_writing)
    assert sorted(p.relative_to(inbox).as_posix() for p in look.ready) == ["done.pdf",
                                                                          "sub/deep.txt"]
    assert [p.name for p in look.waiting] == ["growing.pdf"]


def test_moves_keep_sub_folders_and_never_overwrite(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "a").mkdir(parents=True)
    box = Inbox.at(inbox)
    (inbox / "a" / "x.pdf").write_bytes(b"one")
    first = move_processed(box, inbox / "a" / "x.pdf", "1" * 64)
    (inbox / "a" / "x.pdf").write_bytes(b"two")
    second = move_processed(box, inbox / "a" / "x.pdf", "2" * 64)
    assert first == inbox / "processed" / "a" / "x.pdf" and first.read_bytes() == b"one"
    assert second is not None and second.parent == first.parent and second.read_bytes() == b"two"
    assert move_processed(box, inbox / "a" / "x.pdf") is None  # moved by another run: fine

    (inbox / "bad.pdf").write_bytes(b"")
    dest = move_quarantine(box, inbox / "bad.pdf", "empty_file", "re-scan it", "3" * 64, "b1")
    assert dest == inbox / "quarantine" / "bad.pdf"
    sidecar = json.loads((inbox / "quarantine" / "bad.pdf.error.json").read_text())
    assert sidecar["error"] == {"kind": "empty_file", "message": "re-scan it"}
    assert sidecar["sha256"] == "3" * 64 and sidecar["batch"] == "b1"
    assert ((inbox / "quarantine" / "bad.pdf.error.json").stat().st_mode & 0o777) == 0o600


@pytest.fixture(scope="module")
def harness():  # type: ignore[no-untyped-def]
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _records(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / RESULTS).read_text().splitlines()]


@pytest.mark.prefect
def test_inbox_run_moves_quarantines_and_reruns_idempotently(harness, tmp_path: Path) -> None:
    from flows.inbox import triage_inbox
    from pipeline.cli import main

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    (inbox / "sub").mkdir(parents=True)
    db = f"sqlite:///{tmp_path / 'denials.db'}"
    make_text_pdf(inbox / "letter.pdf", [LETTER_LINES])
    shutil.copy(inbox / "letter.pdf", inbox / "copy of letter.pdf")  # same content, twice
    (inbox / "note.txt").write_text("\n".join(LETTER_LINES))
    (inbox / "sub" / "other.txt").write_text("\n".join(LETTER_LINES[:-1]))
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "junk.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    (inbox / "scan.pdf.part").write_bytes(b"%PDF-1.4 still uploading")

    s1 = triage_inbox(inbox=str(inbox), out_dir=str(out), db_url=db, workers=2, settle_s=0.1)
    assert (s1["processed"], s1["skipped"], s1["ok"], s1["failed"]) == (5, 1, 3, 2)
    left = sorted(p.name for p in inbox.iterdir() if p.is_file())
    assert left == ["scan.pdf.part"]
    processed = sorted(p.relative_to(inbox / "processed").as_posix()
                       for p in (inbox / "processed").rglob("*") if p.is_file())
    assert processed == ["copy of letter.pdf", "letter.pdf", "note.txt", "sub/other.txt"]
    for name, kind in [("empty.pdf", "empty_file"), ("junk.png", "corrupt_document")]:
        assert (inbox / "quarantine" / name).exists()
        why = json.loads((inbox / "quarantine" / f"{name}.error.json").read_text())
        assert why["error"]["kind"] == kind and why["error"]["message"]
    records = _records(out)
    assert len(records) == 5  # one per distinct document
    for rec in records:
        jsonschema.validate(rec, published_schema())
    with Store(db) as store:
        assert set(store.results_per_document().values()) == {1}

    # the same letter arrives again under another name: recognised, not processed
    shutil.copy(inbox / "processed" / "letter.pdf", inbox / "letter (2).pdf")
    s2 = triage_inbox(inbox=str(inbox), out_dir=str(out), db_url=db, workers=2, settle_s=0.1)
    assert (s2["processed"], s2["skipped"]) == (0, 1)
    assert not (inbox / "letter (2).pdf").exists()
    assert (inbox / "processed" / "letter (2).pdf").exists()
    with Store(db) as store:
        assert set(store.results_per_document().values()) == {1}

    # --reprocess (a new model): processed again, history kept, export shows the latest
    shutil.copy(inbox / "processed" / "letter.pdf", inbox / "letter (3).pdf")
    s3 = triage_inbox(inbox=str(inbox), out_dir=str(out), db_url=db, workers=2, settle_s=0.1,
                      reprocess=True)
    assert s3["processed"] == 1
    with Store(db) as store:
        history = store.results_per_document()
    assert sorted(history.values()) == [1, 1, 1, 1, 2]
    records = _records(out)
    assert len(records) == 5
    assert any(r["source"].endswith("letter (3).pdf") for r in records)

    # the export command: one batch, a date range, owner-only files
    assert main(["export", "--out", str(tmp_path / "b3"), "--db", db,
                 "--batch", s3["batch_id"]]) == 0
    assert len(_records(tmp_path / "b3")) == 1
    assert main(["export", "--out", str(tmp_path / "all"), "--db", db,
                 "--since", "2000-01-01"]) == 0
    assert len(_records(tmp_path / "all")) == 5
    assert len((tmp_path / "all" / WORKLIST).read_text().splitlines()) == 1 + 5
    assert ((tmp_path / "all" / RESULTS).stat().st_mode & 0o777) == 0o600


@pytest.mark.prefect
@pytest.mark.tesseract
def test_kill_9_mid_batch_loses_nothing_and_the_next_run_completes_without_duplicates(
    harness, tmp_path: Path
) -> None:
    """A real `denials inbox` process is killed with SIGKILL while OCR is running."""
    from prefect.settings import PREFECT_API_URL

    from flows.inbox import triage_inbox

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    db = f"sqlite:///{tmp_path / 'denials.db'}"
    n_docs = 6
    for i in range(n_docs):  # scanned letters: about a second of OCR each
        lines = [*LETTER_LINES[:3], f"Claim Number: RA2603-{11873 + i}", *LETTER_LINES[4:]]
        make_scanned_pdf(inbox / f"scan{i}.pdf", [render_lines(lines)])

    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()),
               PREFECT_LOGGING_LEVEL="WARNING")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "inbox", str(inbox), "--out", str(out),
         "--db", db, "--workers", "1", "--settle", "0.1", "-q"],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    done_before_kill = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if (tmp_path / "denials.db").exists():
                with Store(db) as store:
                    done_before_kill = store.counts()["results"]
                if done_before_kill >= 2:
                    break
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole process group, tesseract too
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (
        f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}"
    )
    assert 2 <= done_before_kill < n_docs
    with Store(db) as store:
        assert store.counts()["results"] >= done_before_kill  # nothing finished was lost
        assert store.counts().get("state_working", 0) >= 1  # it died holding a document

    summary = triage_inbox(inbox=str(inbox), out_dir=str(out), db_url=db, workers=2,
                           settle_s=0.1)
    assert summary["processed"] + summary["skipped"] + 0 >= n_docs - done_before_kill
    with Store(db) as store:
        per_doc = store.results_per_document()
        assert store.counts().get("state_working", 0) == 0
    assert len(per_doc) == n_docs and set(per_doc.values()) == {1}  # no duplicates
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == []
    assert len(list((inbox / "processed").iterdir())) == n_docs
    records = _records(out)  # complete, parseable output
    assert len(records) == n_docs and all(r["status"] == "ok" for r in records)
    assert not list(out.glob(".*.tmp"))
