"""The output directory: ``results.jsonl`` (the contract), ``worklist.csv``,
``report.html`` and the appeal drafts under ``appeals/`` (see docs/outputs.md).

Records are appended (and fsync'd) as each document finishes, so a killed run
loses nothing that had finished. They are not kept in memory: the writer indexes
where each source's latest line starts, and reads records back from the file when
asked (``records``, ``iter_records``, ``finalize``), so a batch's memory does not
grow with its size. At the start and the end of a batch the file
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
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple

from .datamodel import Result

log = logging.getLogger(__name__)

RESULTS = "results.jsonl"
WORKLIST = "worklist.csv"
REPORT = "report.html"


def atomic_write(path: Path, data: str | bytes | Iterable[bytes]) -> None:
    """Write ``data`` to ``path`` via a temporary file and rename (never half-written).

    The file is readable by the owner only. ``str`` is written as UTF-8; an iterable
    of ``bytes`` chunks is written as it is produced (never held whole).
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, str | bytes):
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            else:
                for chunk in data:
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class _Entry(NamedTuple):
    """Where a record's line starts in results.jsonl, and what ``is_done`` needs."""

    offset: int
    status: str | None
    sha256: str | None


class _Records(Mapping[str, dict]):
    """A writer's records by source, read from results.jsonl when asked for."""

    def __init__(self, writer: ResultWriter) -> None:
        self._writer = writer

    def __getitem__(self, key: str) -> dict:
        entry = self._writer._index[key]
        with self._writer.path.open("rb") as fh:
            fh.seek(entry.offset)
            return json.loads(fh.readline())

    def __iter__(self) -> Iterator[str]:
        return iter(self._writer._index)

    def __len__(self) -> int:
        return len(self._writer._index)

    def __contains__(self, key: object) -> bool:
        return key in self._writer._index


class ResultWriter:
    """Owns one output directory; used by a single writer (the flow's main thread).

    Only an index is kept in memory (per source: the offset of its latest line, its
    status and content hash), never the records themselves: 10,000 records were about
    110 MB of dicts in the flow's process (``bench/bench_scale.py``).
    """

    def __init__(self, out_dir: Path | str) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.out_dir / RESULTS
        # by source, in order of first appearance (a later record of the same source
        # keeps its place, as compaction keeps it)
        self._index: dict[str, _Entry] = {}
        self._load()
        self.compact()

    @property
    def records(self) -> Mapping[str, dict]:
        """The latest record of each source, read from results.jsonl on access."""
        return _Records(self)

    @records.setter
    def records(self, records: Mapping[str, dict]) -> None:
        """Replace results.jsonl with exactly these records (atomic), in this order.

        The keys are the index's keys (``pipeline.store.export`` keys them by content).
        """
        index: dict[str, _Entry] = {}

        def lines() -> Iterator[bytes]:
            offset = 0
            for key, rec in records.items():
                line = _line(rec)
                index[key] = _Entry(offset, rec.get("status"), rec.get("sha256"))
                offset += len(line)
                yield line

        atomic_write(self.path, lines())
        self._index = index

    def _load(self) -> None:
        if not self.path.exists():
            return
        bad = offset = 0
        with self.path.open("rb") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                    self._index[rec["source"]] = _Entry(offset, rec.get("status"),
                                                        rec.get("sha256"))
                except (ValueError, KeyError, TypeError):
                    bad += 1  # e.g. the last line of a run that was killed mid-write
                offset += len(line)
        if bad:
            log.warning("ignored %d unreadable line(s) in %s", bad, self.path.name)

    def is_done(self, source: str, sha256: str | None) -> bool:
        """True when this path already has an ``ok`` record for the same content."""
        entry = self._index.get(source)
        return bool(entry and entry.status == "ok" and sha256 and entry.sha256 == sha256)

    def append(self, result: Result | dict | str) -> None:
        """Append one record (fsync'd): a ``Result``, its JSON dict, or its JSON text
        (one line, as ``pipeline.batch.triage_line`` returns it: not parsed again
        beyond what the index needs)."""
        if isinstance(result, str):
            text = result.rstrip("\n")
            if "\n" in text:
                raise ValueError("a record's JSON text must be one line")
            rec = json.loads(text)
            line = (text + "\n").encode("utf-8")
        else:
            rec = result.model_dump(mode="json") if isinstance(result, Result) else result
            line = _line(rec)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            offset = os.fstat(fd).st_size  # single writer: where this line will start
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._index[rec["source"]] = _Entry(offset, rec.get("status"), rec.get("sha256"))

    def iter_records(self, sources: Collection[str] | None = None) -> Iterator[dict]:
        """The latest record of each source (of ``sources`` only, when given), read one
        at a time from results.jsonl in file order."""
        latest = {e.offset for e in self._index.values()}
        if not latest:
            return
        with self.path.open("rb") as fh:
            offset = 0
            for line in fh:
                here, offset = offset, offset + len(line)
                if here not in latest:
                    continue
                rec = json.loads(line)
                if sources is None or rec.get("source") in sources:
                    yield rec

    def compact(self) -> None:
        """Rewrite results.jsonl with one record per source (atomic), streamed."""
        if not self.path.exists():
            return  # nothing appended yet (the index is empty)
        index: dict[str, _Entry] = {}
        with self.path.open("rb") as src:

            def lines() -> Iterator[bytes]:
                offset = 0
                for key, entry in self._index.items():
                    src.seek(entry.offset)
                    line = src.readline()
                    if not line.endswith(b"\n"):
                        line += b"\n"
                    index[key] = entry._replace(offset=offset)
                    offset += len(line)
                    yield line

            atomic_write(self.path, lines())
        self._index = index

    def finalize(self, today: date | None = None) -> None:
        """Compact, then write the worklist, the missing appeal drafts and the report,
        each from records streamed from results.jsonl."""
        from .appeal import write_drafts
        from .report import render_report

        self.compact()
        atomic_write(self.out_dir / WORKLIST, worklist_csv(self.iter_records(), today))
        write_drafts(self.iter_records(), self.out_dir, today=today)
        atomic_write(self.out_dir / REPORT, render_report(self.iter_records(), today=today))


def _line(rec: dict) -> bytes:
    return (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")


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
