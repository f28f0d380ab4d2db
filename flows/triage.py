"""Prefect flow: triage a batch of documents, one task per document.

Thin by design: every step is a library call from ``pipeline``. Each task reads,
extracts, classifies and recommends for one document and returns its record (a
small dict); the flow writes records as they complete. Tesseract runs as a
subprocess, so a thread pool bounded by the core count keeps both cores busy
without oversubscribing them (PDFium calls are serialised inside the library).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.batch import Progress, collect_inputs, pending, summarise
from pipeline.errors import DenialsError
from pipeline.output import ResultWriter
from pipeline.settings import Settings
from pipeline.triage import Triager, failed_result


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
def triage_document_task(path: str, index: int, settings_json: str) -> dict:
    result = _triager(settings_json).triage(path, raise_retryable=True)
    return result.model_dump(mode="json")


@flow(name="triage-batch", persist_result=False, log_prints=False)
def triage_batch(
    paths: list[str],
    out_dir: str,
    workers: int | None = None,
    settings: dict | None = None,
    progress: bool = False,
) -> dict:
    """Triage every document under ``paths`` into ``out_dir``; returns a summary."""
    logger = get_run_logger()
    cfg = Settings(**(settings or {}))
    writer = ResultWriter(out_dir)
    inputs = collect_inputs(paths, exclude=[out_dir])
    todo, done = pending(inputs, writer)
    logger.info("batch: %d input(s), %d to process, %d already done", len(inputs), len(todo),
                len(done))
    settings_json = cfg.model_dump_json()
    futures = {
        triage_document_task.submit(path, i, settings_json): path for i, path in enumerate(todo)
    }
    bar = Progress(len(futures), enabled=progress)
    try:
        for future in as_completed(list(futures)):
            try:
                record = future.result()
            except Exception as exc:  # retries exhausted: the document fails, the batch goes on
                record = failed_result(futures[future], exc).model_dump(mode="json")
            writer.append(record)
            bar.advance()
    finally:
        bar.close()
        writer.finalize()
    batch = [writer.records[s] for s in inputs if s in writer.records]
    summary = summarise(batch)
    summary.update(out_dir=str(Path(out_dir)), processed=len(todo), skipped=len(done))
    _publish(summary)
    return summary


def _publish(summary: dict) -> None:
    """Batch artifacts for the Prefect UI: counts only, never identifiers."""
    create_table_artifact(
        key="triage-by-category",
        table=[{"category": k, "documents": v} for k, v in summary["by_category"].items()],
        description="Documents triaged in this run, by denial category",
    )
    create_markdown_artifact(
        key="triage-summary",
        markdown=(
            f"# Triage batch\n\n| documents | ok | failed | needs review | skipped |\n"
            f"|---|---|---|---|---|\n| {summary['documents']} | {summary['ok']} | "
            f"{summary['failed']} | {summary['needs_review']} | {summary['skipped']} |\n"
        ),
        description="Batch summary",
    )


def run_triage(
    paths: list[str], out_dir: str, workers: int, settings: dict | None = None,
    progress: bool = False,
) -> dict:
    """Run the flow with a thread pool of ``workers`` threads."""
    runner = ThreadPoolTaskRunner(max_workers=workers)
    return triage_batch.with_options(task_runner=runner)(
        paths=paths, out_dir=out_dir, workers=workers, settings=settings, progress=progress
    )
