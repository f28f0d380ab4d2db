"""Documents as read, kept on disk by content, so a corpus is OCR'd once, not every run.

`denials eval` and `denials train` read every document of a corpus exactly as
`denials triage` does; on scans and faxes OCR makes that minutes per hundred
documents. With a cache directory (``--read-cache DIR``) a document already read
by the *same reader* is taken from the cache instead.

The key is the file's SHA-256 together with a fingerprint of the reader: the
source of ``pipeline/read.py`` and ``pipeline/ocr.py``, the OCR engine and its
version, and every reading setting. Change any of these and every entry misses,
so a cached read is always the read the current code would make.

The cache holds document text. It is meant for our synthetic corpora; pointed
at real mail it holds PHI, so the directory is owner-only (0700) and each entry
is written owner-only (0600), atomically. Nothing here is logged but digests.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from .datamodel import DocumentText
from .settings import Settings

log = logging.getLogger(__name__)

_READER_SETTINGS = (
    "max_file_bytes", "max_text_bytes", "max_pages", "max_image_pixels", "min_text_chars",
    "follow_symlinks", "ocr_dpi", "ocr_timeout_s", "ocr_language", "ocr_psm",
    "detect_rotation",
)


def reader_fingerprint(engine: Any, settings: Settings) -> str:
    """Digest of everything that decides what reading a file gives."""
    from . import ocr, read

    h = hashlib.sha256()
    for module in (read, ocr):
        h.update(Path(module.__file__ or "").read_bytes())
    h.update(type(engine).__name__.encode() if engine is not None else b"no-ocr")
    if engine is not None:
        try:
            h.update(ocr.probe().version.encode())
        except Exception:  # no tesseract: the engine name alone separates the entries
            h.update(b"unknown")
    dumped = settings.model_dump()
    h.update(json.dumps({k: dumped.get(k) for k in _READER_SETTINGS}, sort_keys=True,
                        default=str).encode())
    return h.hexdigest()


class ReadCache:
    """``read(path, engine, settings, source)`` through an on-disk cache (see module doc)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o700)
        self.hits = 0
        self.misses = 0
        self._fingerprints: dict[tuple[str, Settings], str] = {}

    def _fingerprint(self, engine: Any, settings: Settings) -> str:
        key = (type(engine).__name__, settings)  # frozen settings hash by value
        if key not in self._fingerprints:
            self._fingerprints[key] = reader_fingerprint(engine, settings)
        return self._fingerprints[key]

    def entry(self, path: Path, engine: Any, settings: Settings) -> Path:
        from .read import sha256_file

        key = hashlib.sha256(
            (sha256_file(path) + self._fingerprint(engine, settings)).encode()
        ).hexdigest()
        return self.directory / f"{key}.json"

    def read(self, path: Path, engine: Any, settings: Settings,
             source: str | None = None) -> DocumentText:
        from .output import atomic_write
        from .read import read_document

        entry = self.entry(path, engine, settings)
        if entry.is_file():
            stored = json.loads(entry.read_text(encoding="utf-8"))
            doc = DocumentText.model_validate(stored["document"])
            for page, text in zip(doc.pages, stored["texts"], strict=True):
                page.text = text
            self.hits += 1
            return doc.model_copy(update={"source": source or str(path)})
        doc = read_document(path, engine, settings, source=source)
        atomic_write(entry, json.dumps({
            "document": doc.model_dump(mode="json"),
            "texts": [p.text for p in doc.pages],
        }))
        self.misses += 1
        return doc
