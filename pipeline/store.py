"""The durable store: documents, results, adjustments and recommendations (SQLAlchemy 2).

SQLite file by default (embedded, nothing to start), PostgreSQL by URL
(``postgresql+psycopg://user@host/db``). The schema is managed by Alembic
(``pipeline/migrations``) and brought up to date when a store is opened, so a
fresh SQLite file just works.

Idempotency and sharing work between processes rest on one row per distinct
content (``documents``, unique ``sha256``) that doubles as a claim:

- :meth:`Store.claim` atomically takes a document for processing (``working``,
  with an owner and a lease), or says it is ``done`` already or ``busy``
  elsewhere. Any number of runs, on any number of machines sharing the
  database, can offer the same files: each document is processed once.
- :meth:`Store.record` writes a result with its adjustments and
  recommendations and releases the claim, in one transaction: a run killed
  with ``kill -9`` loses nothing that had been recorded, and a document it was
  working on is taken again by the next run (its owner process is dead, or its
  lease has expired). A live run renews the leases of what it is working on
  (:meth:`Store.keep_leases`), so a document longer than a lease is not taken
  from it and processed twice.
- Results are never overwritten: ``reprocess`` adds a new result, the latest
  one is what :func:`export` writes.

The database holds PHI (the full records): a SQLite file is created readable by
the owner only. Nothing here logs identifiers or letter text.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .datamodel import Result
from .errors import ConfigError

log = logging.getLogger(__name__)

ENV_URL = "DENIALS_DATABASE_URL"
DEFAULT_LEASE_S = 15 * 60.0


def default_url() -> str:
    """``DENIALS_DATABASE_URL``, else a SQLite file in the user's data directory."""
    env = os.environ.get(ENV_URL)
    if env:
        return env
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'denials' / 'denials.db'}"


def utcnow() -> datetime:
    """Naive UTC (the same in SQLite and PostgreSQL ``timestamp without time zone``)."""
    return datetime.now(UTC).replace(tzinfo=None)


# --- models -----------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class DocState(StrEnum):
    WORKING = "working"
    DONE = "done"
    FAILED = "failed"


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)  # counts only, JSON


class Document(Base):
    """One distinct content (by sha256); also the processing claim."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    first_source: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    results: Mapped[list[ResultRow]] = relationship(back_populates="document")


class ResultRow(Base):
    """One processing of a document. Never updated; the latest per document counts."""

    __tablename__ = "results"
    __table_args__ = (Index("ix_results_document_id_id", "document_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(Text)
    document_type: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text, index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    worker: Mapped[str] = mapped_column(Text)
    pipeline_version: Mapped[str] = mapped_column(Text)
    record: Mapped[str] = mapped_column(Text)  # the Result as published (JSON)

    document: Mapped[Document] = relationship(back_populates="results")
    adjustments: Mapped[list[AdjustmentRow]] = relationship(cascade="all, delete-orphan")
    recommendations: Mapped[list[RecommendationRow]] = relationship(
        cascade="all, delete-orphan"
    )


class AdjustmentRow(Base):
    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    result_id: Mapped[int] = mapped_column(
        ForeignKey("results.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    claim_number: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    service_date: Mapped[date | None] = mapped_column(Date)
    cpt: Mapped[str | None] = mapped_column(Text)
    modifiers: Mapped[str | None] = mapped_column(Text)
    billed: Mapped[float | None] = mapped_column(Float)
    allowed: Mapped[float | None] = mapped_column(Float)
    paid: Mapped[float | None] = mapped_column(Float)
    group_code: Mapped[str | None] = mapped_column(Text)
    carc: Mapped[str | None] = mapped_column(Text)
    rarc: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    denied: Mapped[bool | None] = mapped_column(Boolean)


class RecommendationRow(Base):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    result_id: Mapped[int] = mapped_column(
        ForeignKey("results.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date)


# --- opening, migrations ------------------------------------------------------------


def _prepare_sqlite_file(url: str) -> None:
    """Create the SQLite file (and its folder) owner-only before SQLite does."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # also tighten a file created by someone else's umask


#: How long a new connection keeps trying to switch a fresh database file to WAL.
WAL_SWITCH_TIMEOUT_S = 30.0


def _set_wal(cur: Any) -> None:
    """``PRAGMA journal_mode=WAL``, retried while another connection holds the lock.

    Switching the journal mode needs the database to itself, and SQLite answers
    "database is locked" at once rather than waiting for the busy timeout: four
    processes opening a new store together failed about one time in fifteen. The mode
    is stored in the file, so only the first switch of a new database contends.
    """
    deadline = time.monotonic() + WAL_SWITCH_TIMEOUT_S
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # several processes may write
    _set_wal(cur)
    cur.execute("PRAGMA synchronous=FULL")  # a recorded result survives power loss
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - any parse problem is a usage error
        raise ConfigError(
            "the database URL is not valid: use e.g. sqlite:////path/denials.db or "
            "postgresql+psycopg://user@host/dbname"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(url)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver we ship
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except ImportError as exc:
        raise ConfigError(
            f"no database driver for {parsed.drivername}: install the extra, "
            "e.g. pip install 'denials[postgres]'"
        ) from exc


def _alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                        .replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (safe with concurrent openers)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # one migrator at a time across machines; released at commit
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(736101)")
        elif engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # take SQLite's write lock now
        if MigrationContext.configure(conn).get_current_revision() != head:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            log.info("database schema migrated to %s", head)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_is_dead_here(owner: str | None) -> bool:
    """True when ``owner`` is a process of this host that no longer exists."""
    if not owner:
        return False
    host, _, rest = owner.partition("/")
    pid_text = rest.partition("/")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    return int(pid_text) != os.getpid() and not _pid_alive(int(pid_text))


def _pipeline_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("denials")
    except PackageNotFoundError:
        return "unknown"


class ClaimState(StrEnum):
    CLAIMED = "claimed"  # yours to process; call Store.record when done
    DONE = "done"  # already processed with this content; nothing to do
    BUSY = "busy"  # another live run is on it, or failed it during this run


@dataclass(frozen=True)
class Claim:
    state: ClaimState
    document_id: int | None
    sha256: str


class Store:
    """Repository over one database. Use from one thread (the flow's main thread);
    ``keep_leases`` renews from a thread of its own."""

    def __init__(
        self, url: str | None = None, *, lease_s: float = DEFAULT_LEASE_S,
        owner: str | None = None, migrate_schema: bool = True,
    ) -> None:
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        self.lease = timedelta(seconds=lease_s)
        self.owner = owner or f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        self._version = _pipeline_version()
        if migrate_schema:
            migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    # --- batches ---

    def start_batch(self, kind: str) -> str:
        batch_id = uuid.uuid4().hex
        with self.session() as s:
            s.add(Batch(id=batch_id, kind=kind, started_at=utcnow(), owner=self.owner))
        return batch_id

    def finish_batch(self, batch_id: str, summary: dict) -> None:
        counts = {k: v for k, v in summary.items() if isinstance(v, int | dict)}
        with self.session() as s:
            s.execute(update(Batch).where(Batch.id == batch_id).values(
                finished_at=utcnow(), summary=json.dumps(counts)))

    # --- claims ---

    def claim(
        self, sha256: str, source: str, size: int | None = None, *,
        reprocess: bool = False, since: datetime | None = None,
    ) -> Claim:
        """Take the document with this content for processing, if it needs it.

        ``since`` is when the calling run started: a failure recorded before it
        is tried again, and with ``reprocess`` a result recorded before it is
        redone; what was recorded during the run is never taken twice.
        """
        now = utcnow()
        since = since or now
        lease_until = now + self.lease
        try:
            with self.session() as s:
                doc_id = s.execute(insert(Document).values(
                    sha256=sha256, size=size, first_source=source, first_seen_at=now,
                    state=DocState.WORKING, owner=self.owner, lease_until=lease_until,
                    updated_at=now,
                ).returning(Document.id)).scalar_one()
            return Claim(ClaimState.CLAIMED, doc_id, sha256)
        except IntegrityError:
            pass  # known content: take it only if it needs (re)processing
        takeable = (
            ((Document.state == DocState.FAILED) & (Document.updated_at < since))
            | ((Document.state == DocState.WORKING) & (Document.lease_until < now))
        )
        if reprocess:
            takeable = takeable | (
                (Document.state == DocState.DONE) & (Document.updated_at < since))
        with self.session() as s:
            row = s.execute(select(Document.id, Document.state, Document.owner)
                            .where(Document.sha256 == sha256)).one()
            if row.state == DocState.WORKING and _owner_is_dead_here(row.owner):
                # its process was killed: take it over (only if nobody else just did)
                takeable = takeable | (Document.owner == row.owner)
            got = cast(CursorResult, s.execute(
                update(Document).where(Document.sha256 == sha256, takeable).values(
                    state=DocState.WORKING, owner=self.owner, lease_until=lease_until,
                    updated_at=now,
                )
            )).rowcount
        if got == 1:
            return Claim(ClaimState.CLAIMED, row.id, sha256)
        with self.session() as s:
            state = s.execute(select(Document.state).where(Document.sha256 == sha256)).scalar()
        return Claim(ClaimState.DONE if state == DocState.DONE else ClaimState.BUSY,
                     row.id, sha256)

    def renew(self, document_ids: Iterable[int]) -> int:
        """Extend this owner's leases on documents it is still working on."""
        ids = list(document_ids)
        if not ids:
            return 0
        with self.session() as s:
            return cast(CursorResult, s.execute(
                update(Document)
                .where(Document.id.in_(ids), Document.owner == self.owner,
                       Document.state == DocState.WORKING)
                .values(lease_until=utcnow() + self.lease)
            )).rowcount

    @contextlib.contextmanager
    def keep_leases(self, working: Callable[[], Iterable[int]],
                    every_s: float | None = None) -> Iterator[None]:
        """Renew the leases of ``working()`` documents every third of a lease, meanwhile.

        A document that takes longer than a lease (a 2,000-page scan) stays claimed
        while its run is alive; a killed run stops renewing and its claims expire.
        The renewing thread has its own database sessions.
        """
        stop = threading.Event()
        period = every_s if every_s is not None else max(1.0, self.lease.total_seconds() / 3)

        def beat() -> None:
            while not stop.wait(period):
                try:
                    self.renew(working())
                except Exception as exc:  # a missed beat is retried at the next one
                    log.warning("lease renewal failed (%s)", type(exc).__name__)

        thread = threading.Thread(target=beat, name="store-lease-renewal", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def release(self) -> int:
        """Give back this owner's unfinished claims (on an orderly abort)."""
        with self.session() as s:
            return cast(CursorResult, s.execute(
                update(Document)
                .where(Document.owner == self.owner, Document.state == DocState.WORKING)
                .values(lease_until=utcnow() - timedelta(seconds=1))
            )).rowcount

    # --- results ---

    def record(self, result: Result | dict, document_id: int, batch_id: str | None) -> int:
        """Store one result and release its document's claim, atomically."""
        res = result if isinstance(result, Result) else Result.model_validate(result)
        rec = result if isinstance(result, dict) else result.model_dump(mode="json")
        now = utcnow()
        row = ResultRow(
            document_id=document_id, batch_id=batch_id, created_at=now, source=res.source,
            status=res.status, error_kind=res.error.kind if res.error else None,
            document_type=res.document_type, category=res.category,
            confidence=res.confidence, needs_review=res.needs_review,
            appeal_deadline=res.appeal_deadline, worker=self.owner,
            pipeline_version=self._version, record=json.dumps(rec, ensure_ascii=False),
            adjustments=[
                AdjustmentRow(
                    position=i, claim_number=a.claim_number, line=a.line,
                    service_date=a.service_date, cpt=a.cpt,
                    modifiers=" ".join(a.modifiers) or None, billed=a.billed,
                    allowed=a.allowed, paid=a.paid, group_code=a.group, carc=a.carc,
                    rarc=" ".join(a.rarc) or None, amount=a.amount, denied=a.denied,
                )
                for i, a in enumerate(res.adjustments)
            ],
            recommendations=[
                RecommendationRow(position=i, action=r.action, title=r.title, who=r.who,
                                  due=r.due)
                for i, r in enumerate(res.recommendations)
            ],
        )
        with self.session() as s:
            s.add(row)
            s.execute(update(Document).where(Document.id == document_id).values(
                state=DocState.DONE if res.status == "ok" else DocState.FAILED,
                owner=None, lease_until=None, updated_at=now,
            ))
            s.flush()
            return row.id

    def latest(self, sha256: str) -> dict | None:
        """The latest recorded result for this content, or None."""
        with self.session() as s:
            rec = s.execute(
                select(ResultRow.record).join(Document)
                .where(Document.sha256 == sha256).order_by(ResultRow.id.desc()).limit(1)
            ).scalar()
        return json.loads(rec) if rec else None

    def latest_results(
        self, *, since: datetime | date | None = None, until: datetime | date | None = None,
        batch_id: str | None = None,
    ) -> list[dict]:
        """One record per distinct document: its latest result among those selected.

        ``since``/``until`` bound when results were recorded (a date means the
        whole day, UTC; ``until`` is inclusive); ``batch_id`` selects one run.
        """
        conds = []
        if since is not None:
            conds.append(ResultRow.created_at >= _as_datetime(since))
        if until is not None:
            end = _as_datetime(until)
            if not isinstance(until, datetime):
                end += timedelta(days=1)
                conds.append(ResultRow.created_at < end)
            else:
                conds.append(ResultRow.created_at <= end)
        if batch_id is not None:
            conds.append(ResultRow.batch_id == batch_id)
        latest = (select(func.max(ResultRow.id).label("rid")).where(*conds)
                  .group_by(ResultRow.document_id).subquery())
        with self.session() as s:
            recs = s.execute(select(ResultRow.record).join(latest, ResultRow.id == latest.c.rid)
                             .order_by(ResultRow.id)).scalars().all()
        return [json.loads(r) for r in recs]

    def counts(self) -> dict[str, int]:
        """Rows per table and documents per state (for tests and operators)."""
        with self.session() as s:
            out = {
                "documents": s.scalar(select(func.count()).select_from(Document)) or 0,
                "results": s.scalar(select(func.count()).select_from(ResultRow)) or 0,
                "adjustments": s.scalar(select(func.count()).select_from(AdjustmentRow)) or 0,
                "recommendations": s.scalar(
                    select(func.count()).select_from(RecommendationRow)) or 0,
            }
            for state, n in s.execute(select(Document.state, func.count())
                                      .group_by(Document.state)):
                out[f"state_{state}"] = n
        return out

    def results_per_document(self) -> dict[str, int]:
        """sha256 -> number of results recorded (history length)."""
        with self.session() as s:
            rows = s.execute(select(Document.sha256, func.count(ResultRow.id))
                             .join(ResultRow).group_by(Document.sha256)).all()
        return {sha: n for sha, n in rows}

    def workers_by_document(self) -> dict[str, list[str]]:
        """sha256 -> the owners that recorded its results (for scale-out checks)."""
        with self.session() as s:
            rows = s.execute(select(Document.sha256, ResultRow.worker).join(ResultRow)
                             .order_by(ResultRow.id)).all()
        out: dict[str, list[str]] = {}
        for sha, worker in rows:
            out.setdefault(sha, []).append(worker)
        return out


def _as_datetime(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return datetime(value.year, value.month, value.day)


def export(
    store: Store, out_dir: Path | str, *, since: datetime | date | None = None,
    until: datetime | date | None = None, batch_id: str | None = None,
    today: date | None = None,
) -> int:
    """Write results.jsonl and worklist.csv from the store (atomic); returns the count."""
    from .output import ResultWriter

    records = store.latest_results(since=since, until=until, batch_id=batch_id)
    writer = ResultWriter(out_dir)
    # keyed by content, not by path: two documents may have arrived under one name
    writer.records = {rec.get("sha256") or f"row{i}": rec for i, rec in enumerate(records)}
    writer.finalize(today)
    return len(records)
