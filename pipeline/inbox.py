"""An inbox folder of incoming mail: what is ready, and where originals go afterwards.

Scanners, fax servers and sync clients write files over seconds or minutes.
A file is *ready* when it is not a temporary name (``*.part``, ``*.tmp``,
``~$*``, hidden files, ...) and its size and modification time did not change
between two looks ``settle_s`` seconds apart; anything else is left for the
next run. After triage the original is moved (never copied, never deleted) to
``processed/`` or, when it failed, to ``quarantine/`` beside a sidecar
``<name>.error.json`` that says why. Relative sub-folders are kept.

No letter text or identifiers are logged; file names are not logged either
(scanners name files after patients).
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .batch import IGNORED_NAMES
from .output import atomic_write

log = logging.getLogger(__name__)

PROCESSED = "processed"
QUARANTINE = "quarantine"
SIDECAR_SUFFIX = ".error.json"

# Names of files that are still being written or are not mail.
TEMPORARY_PATTERNS: tuple[str, ...] = (
    "*.part", "*.partial", "*.tmp", "*.temp", "*.crdownload", "*.download", "*.filepart",
    "*.swp", "~$*", "~*.tmp", ".*",
)


def is_temporary(name: str) -> bool:
    """True for names that belong to a file still being written (or a hidden file)."""
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, p) for p in TEMPORARY_PATTERNS)


@dataclass(frozen=True)
class Inbox:
    """An inbox folder and where its originals go after triage."""

    root: Path
    processed: Path
    quarantine: Path
    exclude: tuple[Path, ...] = ()

    @classmethod
    def at(
        cls, root: Path | str, processed: Path | str | None = None,
        quarantine: Path | str | None = None, exclude: Iterable[Path | str] = (),
    ) -> Inbox:
        root = Path(root)
        if not root.is_dir():
            from .errors import ConfigError

            raise ConfigError(f"the inbox folder does not exist: {root}")
        return cls(
            root=root,
            processed=Path(processed) if processed else root / PROCESSED,
            quarantine=Path(quarantine) if quarantine else root / QUARANTINE,
            exclude=tuple(Path(e) for e in exclude),
        )

    def _skipped_dirs(self) -> set[Path]:
        return {p.resolve() for p in (self.processed, self.quarantine, *self.exclude)}

    def candidates(self) -> list[Path]:
        """Files in the inbox (recursively, sorted), minus temporary names and outputs."""
        skipped = self._skipped_dirs()
        out: list[Path] = []
        for root, dirs, files in os.walk(self.root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and (Path(root) / d).resolve() not in skipped)
            for name in sorted(files):
                if name in IGNORED_NAMES or is_temporary(name):
                    continue
                path = Path(root) / name
                if path.is_file() and not path.is_symlink():
                    out.append(path)
        return out

    def relative(self, path: Path) -> Path:
        try:
            return path.relative_to(self.root)
        except ValueError:
            return Path(path.name)


@dataclass
class Look:
    """The outcome of looking at an inbox twice."""

    ready: list[Path] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)  # still being written: next run


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def list_ready(
    inbox: Inbox, *, settle_s: float = 2.0, sleep: Callable[[float], None] = time.sleep,
) -> Look:
    """Files whose size and mtime did not change over ``settle_s`` seconds.

    One pause for the whole inbox, not one per file. Files that appeared
    between the two looks are left for the next run.
    """
    first = {p: _stat(p) for p in inbox.candidates()}
    if first and settle_s > 0:
        sleep(settle_s)
    look = Look()
    for path, before in first.items():
        after = _stat(path)
        if after is None:
            continue  # gone (moved by another run)
        (look.ready if before == after else look.waiting).append(path)
    if look.waiting:
        log.info("inbox: %d file(s) still being written, left for the next run",
                 len(look.waiting))
    return look


def _destination(folder: Path, rel: Path, tag: str) -> Path:
    """A free path for ``rel`` under ``folder``: the same name, else one tagged."""
    dest = folder / rel
    if not dest.exists():
        return dest
    stem, suffix = dest.stem, dest.suffix
    candidate = dest.with_name(f"{stem}.{tag}{suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = dest.with_name(f"{stem}.{tag}-{n}{suffix}")
    return candidate


def _move(path: Path, dest: Path) -> Path | None:
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.replace(path, dest)  # atomic on one filesystem
    except FileNotFoundError:
        return None  # another run moved it already
    except OSError as exc:
        import errno

        if exc.errno != errno.EXDEV:
            raise
        shutil.move(str(path), str(dest))  # another filesystem: copy then delete
    return dest


def move_processed(inbox: Inbox, path: Path, sha256: str | None = None) -> Path | None:
    """Move an original to ``processed/``; None when it is no longer there."""
    dest = _destination(inbox.processed, inbox.relative(path), (sha256 or "dup")[:10])
    return _move(path, dest)


def move_quarantine(
    inbox: Inbox, path: Path, kind: str, message: str, sha256: str | None = None,
    batch_id: str | None = None,
) -> Path | None:
    """Move a failed original to ``quarantine/`` with ``<name>.error.json`` beside it.

    The sidecar is written first (atomically), so a crash in between leaves a
    reason and the file still in the inbox, never a quarantined file without one.
    """
    if not path.exists():
        return None
    dest = _destination(inbox.quarantine, inbox.relative(path), (sha256 or "bad")[:10])
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    sidecar = dest.with_name(dest.name + SIDECAR_SUFFIX)
    atomic_write(sidecar, json.dumps({
        "file": dest.name,
        "sha256": sha256,
        "error": {"kind": kind, "message": message},
        "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "batch": batch_id,
        "what_to_do": "fix the problem the message describes, then put the file back "
                      "into the inbox (delete this sidecar)",
    }, indent=2) + "\n")
    moved = _move(path, dest)
    if moved is None:
        with contextlib.suppress(OSError):
            sidecar.unlink()
    return moved
