"""Scale-out, for real: a batch on a local Dask cluster, and a Prefect server with two
workers sharing one inbox against PostgreSQL with no document processed twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.output import RESULTS
from pipeline.store import Store

from .conftest import LETTER_LINES, make_scanned_pdf, make_text_pdf, render_lines
from .services import REPO, create_database, free_port, postgres_server, wait_for_http

BIN = Path(sys.executable).parent


def _records(out: Path) -> dict[str, dict]:
    return {json.loads(x)["source"]: json.loads(x) for x in (out / RESULTS).read_text()
            .splitlines()}


def _scans(folder: Path, n: int, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        lines = [*LETTER_LINES[:3], f"Claim Number: RA2603-{20000 + i}", *LETTER_LINES[4:]]
        make_scanned_pdf(folder / f"scan{i:02d}.pdf", [render_lines(lines)])


@pytest.mark.prefect
@pytest.mark.tesseract
def test_a_batch_on_a_local_dask_cluster_gives_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from flows.triage import run_triage

    inbox = tmp_path / "in"
    _scans(inbox, 1)
    make_text_pdf(inbox / "letter.pdf", [LETTER_LINES])
    (inbox / "note.txt").write_text("\n".join(LETTER_LINES))
    (inbox / "empty.pdf").write_bytes(b"")
    with prefect_test_harness(server_startup_timeout=120):
        # Dask worker processes report to the same API instead of each starting a server
        monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
        threads = run_triage([str(inbox)], str(tmp_path / "threads"), workers=2,
                             db_url=f"sqlite:///{tmp_path / 'a.db'}")
        dask = run_triage([str(inbox)], str(tmp_path / "dask"), workers=2, dask="local",
                          db_url=f"sqlite:///{tmp_path / 'b.db'}")
    assert threads["documents"] == dask["documents"] == 4
    a, b = _records(tmp_path / "threads"), _records(tmp_path / "dask")
    assert a == b  # byte-for-byte the same records, OCR included
    assert sum(r["status"] == "ok" for r in a.values()) == 3
    for db in ("a.db", "b.db"):
        with Store(f"sqlite:///{tmp_path / db}") as store:
            assert store.counts()["results"] == 4


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


@pytest.mark.prefect
@pytest.mark.tesseract
def test_two_workers_share_one_inbox_on_postgres_without_duplicates(tmp_path: Path) -> None:
    """Server + work pool + two process workers; two flow runs of one deployment at once."""
    n_docs = 8
    inbox = tmp_path / "inbox"
    _scans(inbox, n_docs)
    procs: list[subprocess.Popen] = []
    with postgres_server() as pg:
        store_url = create_database(pg, "store")
        prefect_db = create_database(pg, "prefect").replace("+psycopg", "+asyncpg")
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        env = dict(
            os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=api,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_SERVER_DATABASE_CONNECTION_URL=prefect_db,
            PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_LOGGING_LEVEL="INFO",
            DENIALS_DATABASE_URL=store_url,
        )
        try:
            server_log = tmp_path / "server.log"
            procs.append(subprocess.Popen(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                 str(port), "--no-ui", "--no-services"],
                env=env, stdout=server_log.open("w"), stderr=subprocess.STDOUT,
                start_new_session=True, cwd=tmp_path,
            ))
            wait_for_http(f"{api}/health", 120, procs[0], server_log)
            subprocess.run([str(BIN / "prefect"), "work-pool", "create", "denials-test",
                            "--type", "process"], env=env, check=True, capture_output=True,
                           timeout=60)
            dep = subprocess.run(
                [sys.executable, "-m", "pipeline.cli", "serve", str(inbox), "--pool",
                 "denials-test", "--cron", "", "--workers", "1", "--settle", "0.2",
                 "--out", str(tmp_path / "out")],
                env=env, capture_output=True, text=True, timeout=120, cwd=REPO,
            )
            assert dep.returncode == 0, dep.stderr[-2000:]
            worker_logs = [tmp_path / f"worker{i}.log" for i in (1, 2)]
            for i, log in enumerate(worker_logs, 1):
                procs.append(subprocess.Popen(
                    [str(BIN / "prefect"), "worker", "start", "--pool", "denials-test",
                     "--limit", "1", "--name", f"w{i}"],
                    env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                    start_new_session=True, cwd=tmp_path,
                ))
            run_ids = [_run_deployment(env, api) for _ in range(2)]
            states = _wait_for_runs(api, run_ids, timeout=240)
            logs = "\n".join(p.read_text() for p in worker_logs)
            assert all(s == "COMPLETED" for s in states.values()), (states, logs[-4000:])
        finally:
            for proc in reversed(procs):
                _stop(proc)

        with Store(store_url) as store:
            per_doc = store.results_per_document()
            owners = store.workers_by_document()
    assert len(per_doc) == n_docs and set(per_doc.values()) == {1}  # none processed twice
    runs_that_worked = {owners[sha][0].rsplit("/", 1)[0] for sha in owners}
    assert len(runs_that_worked) == 2, "both flow runs should have processed documents"
    ran_by = [p.read_text().count("Beginning flow run") for p in worker_logs]
    assert ran_by == [1, 1], f"each worker should have run one flow run: {ran_by}"
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == []
    assert len(list((inbox / "processed").iterdir())) == n_docs


def _run_deployment(env: dict, api: str) -> str:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api}):
        return str(run_deployment("triage-inbox/inbox", timeout=0).id)


def _wait_for_runs(api: str, run_ids: list[str], timeout: float) -> dict[str, str]:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as c:
        while time.monotonic() < deadline:
            states = {rid: c.read_flow_run(UUID(rid)).state.type.value for rid in run_ids}
            if all(s in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} for s in states.values()):
                return states
            time.sleep(1)
    return states
