"""The output directory: ``results.jsonl`` (the contract), ``worklist.csv``,
``report.html`` and the appeal drafts under ``appeals/`` (see docs/outputs.md).

Records are appended (and fsync'd) as each document finishes, so a killed run
loses nothing that had finished. At the start and the end of a batch the file
is compacted atomically to exactly one record per input path (the latest), so
a re-run on the same folder never duplicates records: documents already
processed with the same content are skipped, failed ones are tried again.
Files are created readable by the owner only (they hold PHI).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from .datamodel import Result

log = logging.getLogger(__name__)

RESULTS = "results.jsonl"
WORKLIST = "worklist.csv"
REPORT = "report.html"


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and rename (never half-written).

    The file is readable by the owner only. ``str`` is written as UTF-8.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class ResultWriter:
    """Owns one output directory; used by a single writer (the flow's main thread)."""

    def __init__(self, out_dir: Path | str) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.out_dir / RESULTS
        self.records: dict[str, dict] = {}
        self._load()
        self.compact()

    def _load(self) -> None:
        if not self.path.exists():
            return
        bad = 0
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                    self.records[rec["source"]] = rec
                except (ValueError, KeyError, TypeError):
                    bad += 1  # e.g. the last line of a run that was killed mid-write
        if bad:
            log.warning("ignored %d unreadable line(s) in %s", bad, self.path.name)

    def is_done(self, source: str, sha256: str | None) -> bool:
        """True when this path already has an ``ok`` record for the same content."""
        rec = self.records.get(source)
        return bool(rec and rec.get("status") == "ok" and sha256 and rec.get("sha256") == sha256)

    def append(self, result: Result | dict) -> None:
        rec = result.model_dump(mode="json") if isinstance(result, Result) else result
        line = json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        self.records[rec["source"]] = rec

    def compact(self) -> None:
        """Rewrite results.jsonl with one record per source (atomic)."""
        if not self.records and not self.path.exists():
            return
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records.values())
        atomic_write(self.path, data)

    def finalize(self, today: date | None = None) -> None:
        """Compact, then write the worklist, the missing appeal drafts and the report."""
        from .appeal import write_drafts
        from .report import render_report

        self.compact()
        records = list(self.records.values())
        atomic_write(self.out_dir / WORKLIST, worklist_csv(records, today))
        write_drafts(records, self.out_dir, today=today)
        atomic_write(self.out_dir / REPORT, render_report(records, today=today))


def worklist_csv(records: Iterable[dict], today: date | None = None) -> str:
    """One row per document, most urgent first."""
    from .recommend import WORKLIST_COLUMNS, worklist_row

    rows = [worklist_row(Result.model_validate(r), today=today) for r in records]
    rows.sort(key=lambda r: -float(r.get("urgency") or 0))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(WORKLIST_COLUMNS))
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return buf.getvalue()


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Payer, patient and file names come from letters and uploads (CSV injection).
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
