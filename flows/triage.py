"""Prefect flow: triage a batch of documents, one task per document.

Thin by design: every step is a library call from ``pipeline``. Each task reads,
extracts, classifies and recommends for one document and returns its record as
its results.jsonl line (one string: see ``pipeline.batch.triage_line``); the flow
writes records as they complete and keeps none of them (``ResultWriter``). Tasks
run on a thread pool bounded by ``workers``. For a batch of at least
``PROCESS_POOL_MIN_DOCS`` documents the library call itself runs in a pool of
``workers`` processes (one model load each): text-PDF parsing, extraction and
classification are pure Python and would otherwise share one core under the GIL
(measured: the thread-only flow took 2.6x the time of a plain process pool on text
PDFs; see docs/performance.md). Tesseract runs as a subprocess either way.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.batch import (
    Progress,
    collect_inputs,
    pending,
    read_request,
    summarise,
    triage_line,
    write_request,
)
from pipeline.errors import DenialsError
from pipeline.output import ResultWriter
from pipeline.settings import Settings
from pipeline.triage import Triager, failed_result, record_for, warm_worker

#: Task threads per worker process. With worker processes a task thread mostly waits:
#: on its process, and on Prefect's state round-trips to its server before and after.
#: With 2 threads per worker the processes sat idle between tasks: 1,000 text PDFs took
#: 87.8 s; with 8, 64.5 s (docs/performance.md). In-process work is still bounded by
#: ``workers`` (_in_process_slot).
THREADS_PER_WORKER = 8

T = TypeVar("T")

#: Documents submitted and not yet written, per worker process: twice the task threads,
#: so a thread always has the next document. A batch keeps no more futures than that
#: (each holds its task's states and its record) instead of one per document: on
#: 10,000 text PDFs the peak of the process tree went from 1,636 to 1,609 MiB, with
#: the same time per document (bench/bench_scale.py).
IN_FLIGHT_PER_WORKER = 2 * THREADS_PER_WORKER


def completed_in_window(
    submissions: Iterable[tuple[PrefectFuture[Any], T]], window: int,
) -> Iterator[tuple[PrefectFuture[Any], T]]:
    """Each (future, tag) of ``submissions`` once done, drawing the next submission only
    while fewer than ``window`` are in flight; a yielded future is forgotten."""
    in_flight: dict[PrefectFuture[Any], T] = {}
    for future, tag in submissions:
        in_flight[future] = tag
        while len(in_flight) >= window:
            done = next(iter(as_completed(list(in_flight))))
            yield done, in_flight.pop(done)
    while in_flight:
        done = next(iter(as_completed(list(in_flight))))
        yield done, in_flight.pop(done)


#: Smaller batches run in-process: starting the worker processes (imports, model
#: load) costs about as much as a few dozen text PDFs.
PROCESS_POOL_MIN_DOCS = 16

_POOL: ProcessPoolExecutor | None = None  # set by triage_batch for the thread runner
_POOL_LOCK = threading.Lock()
#: pools started ahead of their batch by ``prestart_processes``, by worker count
_WARM: dict[int, ProcessPoolExecutor] = {}


class _DropCompletedTaskRunLines(logging.Filter):
    """Drop Prefect's per-task "Finished in state Completed()" INFO line.

    One line per document, to the terminal and to the API's log table: with
    ``PREFECT_LOGGING_LEVEL=INFO`` (``denials triage`` without ``-q``) it cost about
    1.5 ms of CPU per document (main process and server, 300 text PDFs side by side).
    Retry notices and failures (other messages, or ERROR) are kept; the task's
    Completed state is still recorded and shown in the UI.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO
                    and str(record.msg).startswith("Finished in state Completed"))


if not any(isinstance(f, _DropCompletedTaskRunLines)
           for f in logging.getLogger("prefect.task_runs").filters):
    logging.getLogger("prefect.task_runs").addFilter(_DropCompletedTaskRunLines())


@lru_cache(maxsize=4)
def _triager(settings_json: str) -> Triager:
    # one per worker process and settings: the OCR probe and model load happen once
    return Triager(settings=Settings.model_validate_json(settings_json))


def is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only errors marked retryable (e.g. an OCR timeout under load)."""
    try:
        state.result()
    except DenialsError as exc:
        return exc.retryable
    except Exception:
        return False
    return False


@task(
    name="triage-document",
    task_run_name="doc-{index}",  # never the file name: names can carry PHI
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=is_transient,
    cache_policy=NO_CACHE,
    persist_result=False,  # results hold PHI: they go to our output only
)
def triage_document_task(path: str, index: int, settings_json: str,
                         out_dir: str | None = None) -> str:
    """The document's record as its JSON line. One string, not a dict: Prefect keeps a
    task's return value in its flow run's bookkeeping until the run ends, an entry for
    each top-level value of a dict (about 7 KB a document in the flow's process)."""
    # the library call also writes the document's appeal drafts into out_dir
    pool = _POOL
    if pool is not None:
        try:
            return pool.submit(triage_line, path, settings_json, out_dir).result()
        except BrokenProcessPool:
            # a worker died (e.g. killed for memory): one more try in a fresh pool;
            # a document that kills it again fails alone, as a failed record
            return _fresh_pool(pool).submit(triage_line, path, settings_json,
                                            out_dir).result()
    with _in_process_slot(settings_json):
        record = record_for(_triager(settings_json), path, out_dir)
    return json.dumps(record, ensure_ascii=False)


@lru_cache(maxsize=4)
def _slots(workers: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(max(1, workers))


def _in_process_slot(settings_json: str) -> threading.BoundedSemaphore:
    """At most ``workers`` documents at once in this process (tesseract per core)."""
    return _slots(Settings.model_validate_json(settings_json).workers)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: this process runs Prefect's threads (and its temporary server)
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"))


def _fresh_pool(broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            _POOL = _new_pool(broken._max_workers)  # type: ignore[attr-defined]
        return _POOL if _POOL is not None else broken


def prestart_processes(workers: int, settings_json: str) -> list[Future[None]]:
    """Start the next batch's worker processes (imports, model load) in the background.

    Called before the flow starts, so the workers load while Prefect starts its
    temporary server (about 5 s) instead of inside the batch. The batch that
    qualifies for processes takes this pool; ``discard_prestarted`` shuts down one
    left unused (e.g. a re-run with little left to do). Returns the loading calls
    (none when this pool was already started), for a caller that must wait for them.
    """
    with _POOL_LOCK:
        if workers in _WARM:
            return []
        pool = _new_pool(workers)
        # spawn start: one process per submitted call, at once
        loading = [pool.submit(warm_worker, settings_json) for _ in range(workers)]
        _WARM[workers] = pool
        return loading


def discard_prestarted() -> None:
    with _POOL_LOCK:
        pools = list(_WARM.values())
        _WARM.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _document_processes(workers: int, n_docs: int) -> Iterator[None]:
    """Worker processes for the library calls of this batch, when worth it."""
    global _POOL
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    threads = ctx is not None and isinstance(ctx.task_runner, ThreadPoolTaskRunner)
    if not threads or workers < 2 or n_docs < PROCESS_POOL_MIN_DOCS or _POOL is not None:
        yield
        return
    with _POOL_LOCK:
        _POOL = _WARM.pop(workers, None) or _new_pool(workers)
    try:
        yield
    finally:
        with _POOL_LOCK:
            pool, _POOL = _POOL, None
        if pool is not None:
            # every task is done: the workers exit (interpreter tear-down, 0.3 to 0.8 s
            # measured) while the flow writes the worklist, the report and its artifacts,
            # instead of before; the process still waits for them when it exits
            pool.shutdown(wait=False, cancel_futures=True)


@flow(name="triage-batch", persist_result=False, log_prints=False)
def triage_batch(
    paths: list[str] | None = None,
    out_dir: str = "out",
    workers: int | None = None,
    settings: dict | None = None,
    progress: bool = False,
    db_url: str | None = None,
    reprocess: bool = False,
    request_file: str | None = None,
) -> dict:
    """Triage every document under ``paths`` into ``out_dir``; returns a summary.

    Flow parameters are stored by Prefect (its database, its UI), which is not a
    PHI store: file names can name patients and a database URL can hold a
    password. Callers (the CLI) therefore pass them in ``request_file``, an
    owner-only JSON file in ``out_dir`` (see ``pipeline.batch.write_request``).

    With ``db_url`` results also go to the store (``pipeline/store.py``): a
    content the store already holds is not processed again, under any name,
    unless ``reprocess`` (which keeps the old result as history).
    """
    logger = get_run_logger()
    if request_file:
        request = read_request(request_file)
        paths, db_url = request["paths"], request.get("db_url") or db_url
    if not paths:
        raise ValueError("triage_batch needs paths or a request_file")
    cfg = Settings(**(settings or {}))
    writer = ResultWriter(out_dir)
    inputs = collect_inputs(paths, exclude=[out_dir])
    todo, done = (inputs, []) if reprocess else pending(inputs, writer)
    logger.info("batch: %d input(s), %d to process, %d already done", len(inputs), len(todo),
                len(done))
    settings_json = cfg.model_dump_json()
    bar = Progress(len(todo), enabled=progress)
    try:
        if db_url:  # the store decides what is new by content, and records every result
            from flows.inbox import triage_into_store

            triage_into_store(todo, db_url, writer, settings_json=settings_json,
                              window=workers or cfg.workers, reprocess=reprocess,
                              advance=bar.advance)
        else:
            n_workers = workers or cfg.workers
            with _document_processes(n_workers, len(todo)):
                submitted = (
                    (triage_document_task.submit(path, i, settings_json, out_dir), path)
                    for i, path in enumerate(todo)
                )
                for future, path in completed_in_window(
                        submitted, IN_FLIGHT_PER_WORKER * n_workers):
                    try:
                        line: str | dict = future.result()
                    except Exception as exc:  # retries exhausted: the document fails
                        line = failed_result(path, exc).model_dump(mode="json")
                    writer.append(line)  # on disk; not kept in memory
                    bar.advance()
    finally:
        bar.close()
        writer.finalize()
    # this batch's records, read back from results.jsonl one at a time
    sources = set(inputs)
    summary = summarise(writer.iter_records(sources))
    summary.update(out_dir=str(Path(out_dir)), processed=len(todo), skipped=len(done))
    _publish(summary, writer.iter_records(sources))
    return summary


def _publish(summary: dict, batch: Iterable[dict]) -> None:
    """Batch artifacts for the Prefect UI: counts only, never names, IDs or file names.

    Prefect's database is not our PHI store: payer names, claim numbers, patients and
    file names stay in the output directory (report.html, worklist.csv).
    """
    from pipeline.report import artifact_tables, batch_stats

    stats = batch_stats(batch)
    tables = artifact_tables(stats)
    create_table_artifact(
        key="triage-by-category",
        table=tables["by_category"],
        description="Documents triaged in this run, by denial category: appeal drafts, "
        "documents needing review, money at stake",
    )

    def md_table(rows: list[dict]) -> str:
        if not rows:
            return "_none_\n"
        cols = list(rows[0])
        out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        out += ["| " + " | ".join(_md_cell(r[c]) for c in cols) + " |" for r in rows]
        return "\n".join(out) + "\n"

    create_markdown_artifact(
        key="triage-summary",
        markdown=(
            f"# Triage batch\n\n| documents | ok | failed | needs review | skipped | "
            f"denials | appeal drafts | money at stake |\n|---|---|---|---|---|---|---|---|\n"
            f"| {summary['documents']} | {summary['ok']} | {summary['failed']} | "
            f"{summary['needs_review']} | {summary['skipped']} | {stats.denials} | "
            f"{stats.appeals_advised} | ${stats.money_total:,.2f} |\n\n"
            f"## Deadlines (denials)\n\n{md_table(tables['deadlines'])}\n"
            f"## Needing review\n\n{md_table(tables['review'])}\n"
            f"## By category\n\n{md_table(tables['by_category'])}\n"
            "The full report with charts is `report.html` in the output directory.\n"
        ),
        description="Batch summary (counts only)",
    )


def _md_cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value).replace("|", "/")


def _run_settings() -> contextlib.AbstractContextManager[Any]:
    """Prefect settings for a batch's flow run.

    Without ``PREFECT_API_URL`` the flow runs against Prefect's temporary server, which
    stops with this process: no flow-run heartbeats then. They exist so that a server
    can tell a crashed run, and this one cannot outlive the run; their thread wakes
    once a second, so the end of every flow run waited up to 1 s (0.4 s on average,
    measured) for it. With a server configured they are kept.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    if PREFECT_API_URL.value():
        return contextlib.nullcontext()
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def run_triage(
    paths: list[str], out_dir: str, workers: int, settings: dict | None = None,
    progress: bool = False, db_url: str | None = None, reprocess: bool = False,
    dask: str | None = None,
) -> dict:
    """Run the flow on a thread pool (``workers`` documents at once) or on Dask, by address."""
    if dask:
        from flows.inbox import make_task_runner

        runner: Any = make_task_runner(workers, dask)
    else:
        # more threads than workers: with worker processes (big batches) a thread only
        # waits on its process, and the extra ones keep the processes fed while Prefect
        # records task states; in-process work is still bounded by `workers`
        runner = ThreadPoolTaskRunner(max_workers=THREADS_PER_WORKER * workers)
    request = write_request(out_dir, paths=paths, db_url=db_url)
    try:
        if (not dask and not db_url and workers >= 2
                and len(collect_inputs(paths, exclude=[out_dir])) >= PROCESS_POOL_MIN_DOCS):
            prestart_processes(workers, Settings(**(settings or {})).model_dump_json())
        with _run_settings():
            return triage_batch.with_options(task_runner=runner)(
                out_dir=out_dir, workers=workers, settings=settings, progress=progress,
                reprocess=reprocess, request_file=str(request),
            )
    finally:
        request.unlink(missing_ok=True)
        discard_prestarted()
