"""Batch helpers shared by the CLI and the flows: which files, what is left, summaries."""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from .output import ResultWriter

log = logging.getLogger(__name__)

# Files in an input folder that are not mail: corpus ground truth sits beside the letters.
IGNORED_NAMES = frozenset({"ground_truth.jsonl"})


def collect_inputs(
    paths: Sequence[str | Path], exclude: Sequence[str | Path] = ()
) -> list[str]:
    """Expand folders (recursively, sorted) into files; files are taken as given.

    Hidden files and folders (``.name``), corpus metadata and the ``exclude``
    folders (the output directory, when it sits inside an input folder) are
    skipped inside folders. A path that does not exist is kept, so it ends as a
    failed record rather than vanishing. Each path appears once.
    """
    out: list[str] = []
    seen: set[str] = set()
    excluded = {Path(e).resolve() for e in exclude}

    def add(p: str) -> None:
        if p not in seen:
            seen.add(p)
            out.append(p)

    # A folder that cannot be listed becomes an input of its own, so it ends as a
    # failed record instead of its files vanishing silently.
    unlisted: list[str] = []

    def unlistable(exc: OSError) -> None:
        unlisted.append(str(exc.filename))

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=False, onerror=unlistable):
                for f in unlisted:
                    add(f)
                unlisted.clear()
                # A symlinked folder is not descended (it could point anywhere, or at
                # itself); it is kept as an input so it yields one (failed) record.
                # (bug: symlinked_folder_vanishes_without_record)
                linked = {d for d in dirs if (Path(root) / d).is_symlink()}
                files = [*files, *linked]
                dirs[:] = sorted(
                    d for d in dirs
                    if d not in linked
                    and not d.startswith(".") and (Path(root) / d).resolve() not in excluded
                )
                for name in sorted(files):
                    if name.startswith(".") or name in IGNORED_NAMES:
                        continue
                    add(str(Path(root) / name))
            for f in unlisted:
                add(f)
            unlisted.clear()
        else:
            add(str(raw))
    return out


def write_request(out_dir: str | Path, **request: object) -> Path:
    """Save a batch request (paths, database URL) owner-only in ``out_dir``.

    Orchestrators store their run parameters where PHI must not go; the request
    file keeps file names and credentials in the output directory instead.
    """
    import json
    import uuid

    from .output import atomic_write

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f".request-{uuid.uuid4().hex}.json"
    atomic_write(path, json.dumps(request))
    return path


def read_request(path: str | Path) -> dict:
    import json

    return json.loads(Path(path).read_text(encoding="utf-8"))


def pending(inputs: Iterable[str], writer: ResultWriter) -> tuple[list[str], list[str]]:
    """Split inputs into (to process, already done with the same content)."""
    from .read import sha256_file

    todo, done = [], []
    for source in inputs:
        try:
            sha = sha256_file(Path(source))
        except OSError:
            sha = None
        (done if writer.is_done(source, sha) else todo).append(source)
    return todo, done


def triage_line(path: str, settings_json: str, out_dir: str | None = None) -> str:
    """``pipeline.triage.triage_record``, as its results.jsonl line (JSON text, no newline).

    The unit of work of the flow's worker processes: the record is serialised where
    it was made, and the flow hands one string to the writer (``ResultWriter.append``)
    instead of a nested dict. (A Prefect task's return value is remembered by its flow
    run until the run ends, with an entry for each top-level value of a dict: one
    string per document keeps that small.)
    """
    import json

    from .triage import triage_record

    return json.dumps(triage_record(path, settings_json, out_dir), ensure_ascii=False)


class Counts:
    """The figures of ``summarise``, counted one record at a time (nothing is kept)."""

    def __init__(self) -> None:
        self.documents = self.needs_review = 0
        self.status: Counter[str | None] = Counter()
        self.categories: Counter[str] = Counter()

    def add(self, record: dict) -> None:
        self.documents += 1
        self.status[record.get("status")] += 1
        if record.get("status") == "ok":
            self.categories[record.get("category") or "-"] += 1
        self.needs_review += bool(record.get("needs_review"))

    def summary(self) -> dict:
        return {
            "documents": self.documents,
            "ok": self.status.get("ok", 0),
            "failed": self.status.get("failed", 0),
            "needs_review": self.needs_review,
            "by_category": dict(sorted(self.categories.items())),
        }


def summarise(records: Iterable[dict]) -> dict:
    """Counts by status and category of ``records`` (read once, one at a time)."""
    counts = Counts()
    for rec in records:
        counts.add(rec)
    return counts.summary()


class Progress:
    """A progress bar on a terminal, silence elsewhere."""

    def __init__(self, total: int, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress = None
        if self.enabled and total:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._progress = RichProgress(
                TextColumn("triage"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                transient=False,
            )
            self._task = self._progress.add_task("triage", total=total)
            self._progress.start()

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
