"""The Prefect flow end to end under prefect_test_harness, and the published schema."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import jsonschema
import pytest

from pipeline.output import RESULTS, WORKLIST
from pipeline.schema import published_schema, result_schema

from .conftest import LETTER_LINES, make_scanned_pdf, make_text_pdf, render_lines


def test_published_schema_is_in_step_with_the_data_model() -> None:
    assert published_schema() == result_schema(), (
        "regenerate with `make schema` after changing pipeline/datamodel.py"
    )


@pytest.fixture(scope="module")
def harness():  # type: ignore[no-untyped-def]
    from prefect.testing.utilities import prefect_test_harness

    from pipeline.cli import _prefect_env

    saved = dict(os.environ)
    _prefect_env()  # the server settings `denials triage` runs Prefect's server with
    try:
        with prefect_test_harness(server_startup_timeout=120):
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.mark.prefect
def test_flow_writes_one_valid_record_per_file_and_reruns_without_duplicates(
    harness, tmp_path: Path
) -> None:
    from flows.triage import run_triage

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_text_pdf(inbox / "letter.pdf", [LETTER_LINES])
    make_scanned_pdf(inbox / "scan.pdf", [render_lines(LETTER_LINES)])
    (inbox / "note.txt").write_text("\n".join(LETTER_LINES))
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "junk.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    out = tmp_path / "out"

    summary = run_triage([str(inbox)], str(out), workers=2)
    records = [json.loads(x) for x in (out / RESULTS).read_text().splitlines()]
    by_name = {Path(r["source"]).name: r for r in records}
    assert sorted(by_name) == ["empty.pdf", "junk.png", "letter.pdf", "note.txt", "scan.pdf"]
    schema = published_schema()
    for rec in records:
        jsonschema.validate(rec, schema)
    assert by_name["empty.pdf"]["error"]["kind"] == "empty_file"
    assert by_name["junk.png"]["error"]["kind"] == "corrupt_document"
    assert by_name["letter.pdf"]["status"] == "ok"
    assert by_name["letter.pdf"]["pages"] == [
        {"number": 1, "method": "text", "ocr_confidence": None, "rotation": None, "error": None}
    ]
    assert by_name["scan.pdf"]["pages"][0]["method"] == "ocr"  # real tesseract
    for name in ("letter.pdf", "scan.pdf", "note.txt"):
        assert "197" in by_name[name]["codes"]["carc"], name
    assert summary["documents"] == 5 and summary["failed"] == 2 and summary["processed"] == 5
    worklist = (out / WORKLIST).read_text().splitlines()
    assert len(worklist) == 1 + 5

    # a re-run skips what is done, retries the failures, never duplicates
    again = run_triage([str(inbox)], str(out), workers=2)
    assert again["processed"] == 2 and again["skipped"] == 3
    records2 = [json.loads(x) for x in (out / RESULTS).read_text().splitlines()]
    assert len(records2) == 5
    assert {r["source"] for r in records2} == {r["source"] for r in records}


@pytest.mark.prefect
@pytest.mark.tesseract
def test_sample_letters_triage_to_one_valid_record_each(harness, tmp_path: Path) -> None:
    """The README's `make run`: every bundled sample document gets one valid record."""
    from flows.triage import run_triage

    samples = Path(__file__).resolve().parent.parent / "sample_letters"
    files = sorted(p.name for p in samples.iterdir() if p.name != "ground_truth.jsonl")
    assert len(files) >= 50
    summary = run_triage([str(samples)], str(tmp_path / "o"), workers=2)
    records = [json.loads(x) for x in (tmp_path / "o" / RESULTS).read_text().splitlines()]
    assert sorted(Path(r["source"]).name for r in records) == files
    schema = published_schema()
    for rec in records:
        jsonschema.validate(rec, schema)
    failed = [(Path(r["source"]).name, r["error"]) for r in records if r["status"] != "ok"]
    assert failed == []
    assert summary["ok"] == len(files)
    # every rendered form was read the way it should be
    methods = {Path(r["source"]).suffix: {p["method"] for p in r["pages"]} for r in records}
    assert methods[".txt"] == {"text"} and methods[".jpg"] == {"ocr"} and methods[".tif"] == {"ocr"}


@pytest.mark.prefect
def test_every_document_is_one_completed_task_run_in_prefect(harness, tmp_path: Path) -> None:
    """The server's batched task-run recorder (``_prefect_env``) still records each
    document as its own task run, named by index, Completed (on the process-pool path)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    from flows.triage import PROCESS_POOL_MIN_DOCS, run_triage

    inbox = tmp_path / "in"
    inbox.mkdir()
    n = PROCESS_POOL_MIN_DOCS + 2
    for i in range(n):
        make_text_pdf(inbox / f"letter{i:02d}.pdf", [LETTER_LINES])
    assert run_triage([str(inbox)], str(tmp_path / "out"), workers=2)["ok"] == n

    async def task_runs() -> list:
        async with get_client() as client:
            run = (await client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1))[0]
            return await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])), limit=200)

    deadline = time.monotonic() + 30  # the recorder flushes every 2 s
    while True:
        runs = asyncio.run(task_runs())
        if sum(r.state_name == "Completed" for r in runs) == n or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert sorted(r.name for r in runs) == sorted(f"doc-{i}" for i in range(n))
    assert {r.state_name for r in runs} == {"Completed"}


def test_a_task_returns_its_record_as_one_json_line(tmp_path: Path) -> None:
    """Prefect keeps every task's return value in its flow run's bookkeeping until the
    run ends, an entry for each top-level value of a dict: the task returns one string
    per document (the record's results.jsonl line), which the writer appends as is."""
    from flows.triage import triage_document_task
    from pipeline.datamodel import Result
    from pipeline.settings import Settings

    pdf = make_text_pdf(tmp_path / "letter.pdf", [LETTER_LINES])
    line = triage_document_task.fn(str(pdf), 0, Settings().model_dump_json(),
                                   str(tmp_path / "out"))
    assert isinstance(line, str) and "\n" not in line
    rec = Result.model_validate(json.loads(line))
    assert rec.source == str(pdf) and rec.status == "ok"


@pytest.mark.prefect
def test_flow_run_heartbeats_only_when_a_server_outlives_the_run(
    harness, monkeypatch
) -> None:
    """Prefect's temporary server stops with the command, so nothing could act on a
    heartbeat: without PREFECT_API_URL the flow runs without them (their thread held
    the end of every run for up to 1 s); with a server configured they are kept."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.triage import _run_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    default = get_current_settings().flows.heartbeat_frequency
    with temporary_settings(updates={PREFECT_API_URL: None}):  # ephemeral mode
        with _run_settings():
            assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().flows.heartbeat_frequency == default
    server = {PREFECT_API_URL: "http://127.0.0.1:4200/api"}
    with temporary_settings(updates=server), _run_settings():
        assert get_current_settings().flows.heartbeat_frequency == default
