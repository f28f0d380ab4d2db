"""Prefect flow: triage what arrived in an inbox folder, exactly once, into the store.

``triage_inbox`` looks at the inbox twice (files still being written wait for
the next run), claims each file's content in the store, triages it with the
same task as ``flows/triage.py``, records the result, and moves the original
to ``processed/`` or ``quarantine/`` (with ``<name>.error.json``). Claims are
taken one at a time as task slots free up, so several runs of this flow (on
several workers, sharing the inbox folder and the database) share one inbox
without processing a document twice. A file whose content is already in the
store (another name, another day) is moved to ``processed/`` without
processing; ``reprocess=True`` processes it again and keeps the old result.

The outer flow picks the task runner (a bounded thread pool, or a Dask
cluster by address) and runs the batch as a subflow, because a deployment's
task runner cannot be chosen by a parameter.

``serve`` starts a long-lived deployment with a cron schedule (``denials serve``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, tags
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.triage import completed_in_window, triage_document_task
from pipeline.batch import Counts
from pipeline.inbox import Inbox, list_ready, move_processed, move_quarantine
from pipeline.output import ResultWriter
from pipeline.settings import Settings, default_workers
from pipeline.store import ClaimState, Store, export, utcnow
from pipeline.triage import failed_result

OCR_TAG = "denials-ocr"  # a Prefect tag concurrency limit on it caps OCR across all runs
DEPLOYMENT = "inbox"

Callback = Callable[[str, dict], None]
KnownCallback = Callable[[str, str, "dict | None"], None]


def make_task_runner(workers: int | None = None, dask: str | None = None) -> TaskRunner[Any]:
    """The task runner for a batch: ``workers`` threads, or a Dask cluster.

    ``dask`` is a scheduler address (``tcp://host:8786``) or ``local`` for a
    local cluster of ``workers`` single-threaded processes. Each document's OCR
    is one single-threaded tesseract at a time, so ``workers`` (default: the
    cores) bounds CPU use.
    """
    n = workers or default_workers()
    if not dask:
        return ThreadPoolTaskRunner(max_workers=n)
    from prefect_dask import DaskTaskRunner  # optional extra: pip install 'denials[dask]'

    if dask == "local":
        return DaskTaskRunner(cluster_kwargs={
            "n_workers": n, "threads_per_worker": 1, "processes": True,
            "dashboard_address": None,
        })
    return DaskTaskRunner(address=dask)


@dataclass
class _Tally:
    ready: int = 0
    waiting: int = 0
    processed: int = 0
    known: int = 0  # content already in the store: moved without processing
    busy: int = 0  # taken by another run: left alone
    vanished: int = 0
    counts: Counts = field(default_factory=Counts)  # of the records (none is kept)


def process_files(
    paths: list[str], store: Store, *, batch_id: str, settings_json: str, window: int,
    reprocess: bool = False, on_record: Callback | None = None,
    on_known: KnownCallback | None = None,
    on_unreadable: Callable[[str, OSError], None] | None = None,
) -> _Tally:
    """Claim, triage and record ``paths``; call back as each finishes.

    ``on_record(path, record)`` after a result is recorded; ``on_known(path,
    sha256, record)`` for a file whose content needs nothing (done already, or
    processed in this run under another name); ``on_unreadable(path, error)``
    for a file that could not be hashed (gone, or no permission). At most
    ``window`` documents are claimed and in flight at once, so concurrent runs
    share the work.
    """
    from pipeline.read import sha256_file

    since = utcnow()
    tally = _Tally()
    working: set[int] = set()  # documents claimed and submitted, not yet recorded
    twins: dict[str, list[str]] = {}  # same content under other names in this run

    def submissions() -> Iterator[tuple[PrefectFuture, tuple[str, str, int]]]:
        """Claim each file and submit what needs processing (lazily: see window)."""
        for index, path in enumerate(paths):
            try:
                size = Path(path).stat().st_size
                sha = sha256_file(Path(path))
            except OSError as exc:
                tally.vanished += 1  # moved by another run, or unreadable
                if on_unreadable:
                    on_unreadable(path, exc)
                continue
            if sha in twins:
                twins[sha].append(path)
                continue
            claim = store.claim(sha, path, size, reprocess=reprocess, since=since)
            if claim.state is ClaimState.DONE:
                tally.known += 1
                if on_known:
                    on_known(path, sha, store.latest(sha))
                continue
            if claim.state is ClaimState.BUSY:
                tally.busy += 1
                continue
            assert claim.document_id is not None
            twins[sha] = []
            working.add(claim.document_id)
            with tags(OCR_TAG):
                future = triage_document_task.submit(path, index, settings_json)
            yield future, (path, sha, claim.document_id)

    # a document that outlasts its lease (a 2,000-page scan) stays ours while we live
    with store.keep_leases(lambda: list(working)):
        try:
            for future, (path, sha, doc_id) in completed_in_window(submissions(), window):
                try:
                    record = json.loads(future.result())  # the record's JSON line
                except Exception as exc:  # retries exhausted: the document fails
                    record = failed_result(path, exc, sha).model_dump(mode="json")
                store.record(record, doc_id, batch_id)
                working.discard(doc_id)
                tally.processed += 1
                tally.counts.add(record)
                if on_record:
                    on_record(path, record)
                for twin in twins.pop(sha, []):
                    tally.known += 1
                    if on_known:
                        on_known(twin, sha, record)
        finally:
            if working:
                store.release()  # orderly abort: let the next run take them at once
    return tally


def triage_into_store(
    paths: list[str], db_url: str | None, writer: ResultWriter, *, settings_json: str,
    window: int, reprocess: bool = False, advance: Callable[[], None] | None = None,
) -> _Tally:
    """``triage_batch`` with a store: one record per path in ``writer``, each content once.

    A file whose content the store already holds gets the stored record (with
    this path as ``source``) instead of being processed again.
    """
    def on_record(path: str, record: dict) -> None:
        writer.append(record)
        if advance:
            advance()

    def on_known(path: str, sha: str, record: dict | None) -> None:
        if record is not None:
            writer.append(dict(record, source=path))
        if advance:
            advance()

    def on_unreadable(path: str, exc: OSError) -> None:
        writer.append(failed_result(path, exc).model_dump(mode="json"))

    with Store(db_url) as store:
        batch_id = store.start_batch("triage")
        tally = process_files(paths, store, batch_id=batch_id, settings_json=settings_json,
                              window=window, reprocess=reprocess, on_record=on_record,
                              on_known=on_known, on_unreadable=on_unreadable)
        store.finish_batch(batch_id, {"processed": tally.processed, "skipped": tally.known,
                                      "busy": tally.busy})
    return tally


@flow(name="triage-inbox-batch", persist_result=False, log_prints=False)
def triage_inbox_batch(
    inbox: str, out_dir: str | None, db_url: str | None, workers: int, reprocess: bool,
    settle_s: float, processed: str | None, quarantine: str | None, settings: dict | None,
) -> dict:
    logger = get_run_logger()
    cfg = Settings(**(settings or {}))
    box = Inbox.at(inbox, processed, quarantine, exclude=[out_dir] if out_dir else [])
    with Store(db_url) as store:
        look = list_ready(box, settle_s=settle_s)
        batch_id = store.start_batch("inbox")
        logger.info("inbox: %d file(s) ready, %d still being written; batch %s",
                    len(look.ready), len(look.waiting), batch_id)

        def on_record(path: str, record: dict) -> None:
            if record["status"] == "ok":
                move_processed(box, Path(path), record.get("sha256"))
            else:
                err = record.get("error") or {}
                move_quarantine(box, Path(path), err.get("kind", "error"),
                                err.get("message", ""), record.get("sha256"), batch_id)

        def on_known(path: str, sha: str, record: dict | None) -> None:
            if record and record.get("status") == "failed":
                err = record.get("error") or {}
                move_quarantine(box, Path(path), err.get("kind", "error"),
                                err.get("message", ""), sha, batch_id)
            else:
                move_processed(box, Path(path), sha)

        tally = process_files(
            [str(p) for p in look.ready], store, batch_id=batch_id,
            settings_json=cfg.model_dump_json(), window=workers, reprocess=reprocess,
            on_record=on_record, on_known=on_known,
        )
        summary = tally.counts.summary()
        summary.update(
            batch_id=batch_id, ready=len(look.ready), waiting=len(look.waiting),
            processed=tally.processed, skipped=tally.known, busy=tally.busy,
            vanished=tally.vanished,
        )
        if out_dir:
            summary["exported"] = export(store, out_dir)
        store.finish_batch(batch_id, summary)
    logger.info("inbox: processed %d, already known %d, taken by another run %d, "
                "failed %d", tally.processed, tally.known, tally.busy, summary["failed"])
    _publish(summary)
    return summary


def _publish(summary: dict) -> None:
    """Inbox-run artifacts for the Prefect UI: counts only, never names or identifiers."""
    create_table_artifact(
        key="inbox-by-category",
        table=[{"category": k, "documents": v} for k, v in summary["by_category"].items()],
        description="Documents triaged in this inbox run, by denial category",
    )
    cols = ["ready", "waiting", "processed", "ok", "failed", "needs_review", "skipped", "busy"]
    create_markdown_artifact(
        key="inbox-summary",
        markdown=(
            "# Inbox run\n\n| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n| "
            + " | ".join(str(summary.get(c, 0)) for c in cols) + " |\n\n"
            "ready: files taken; waiting: still being written (next run); failed: moved "
            "to quarantine/ with a reason; skipped: content already in the store; busy: "
            "taken by another run.\n"
        ),
        description="Inbox run summary (counts only)",
    )


@flow(name="triage-inbox", persist_result=False, log_prints=False)
def triage_inbox(
    inbox: str,
    out_dir: str | None = None,
    db_url: str | None = None,
    workers: int | None = None,
    dask: str | None = None,
    reprocess: bool = False,
    settle_s: float = 2.0,
    processed: str | None = None,
    quarantine: str | None = None,
    settings: dict | None = None,
) -> dict:
    """Triage the new files of ``inbox`` into the store (and ``out_dir``, if given).

    ``db_url`` defaults to ``DENIALS_DATABASE_URL`` or the user's SQLite file;
    ``dask`` is a Dask scheduler address or ``local``; ``workers`` bounds the
    documents processed at once (default: the cores).
    """
    n = workers or Settings(**(settings or {})).workers
    runner: Any = make_task_runner(n, dask)
    return triage_inbox_batch.with_options(task_runner=runner)(
        inbox=inbox, out_dir=out_dir, db_url=db_url, workers=n, reprocess=reprocess,
        settle_s=settle_s, processed=processed, quarantine=quarantine, settings=settings,
    )


def serve(
    inbox: str, *, cron: str | None = "*/15 * * * *", out_dir: str | None = None,
    db_url: str | None = None, workers: int | None = None, dask: str | None = None,
    settle_s: float = 2.0, name: str = DEPLOYMENT,
) -> None:
    """Serve the inbox flow as a deployment: on ``cron`` and on demand (blocks).

    One run at a time in this process (``limit=1``): a run that overlaps the
    next tick makes that tick wait instead of doubling the CPU load.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    params: dict[str, Any] = {
        "inbox": str(Path(inbox).resolve()), "out_dir": str(Path(out_dir).resolve())
        if out_dir else None, "db_url": db_url, "workers": workers, "dask": dask,
        "settle_s": settle_s,
    }
    triage_inbox.serve(
        name=name, cron=cron, parameters=params, limit=1,
        description="Triage new files of an inbox folder into the denials store",
        tags=["denials"],
    )
