"""One document end to end: read -> extract -> classify -> recommend -> Result.

This is the one place where an exception raised while processing a document
becomes an outcome: a ``failed`` Result that says what is wrong. Transient
errors can be re-raised instead (``raise_retryable=True``) so an orchestrator
may retry them; it then turns the final failure into a record with
:func:`failed_result`, the same function used here.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from .datamodel import (
    Classification,
    DocumentText,
    ErrorInfo,
    Extraction,
    PageMethod,
    Result,
)
from .errors import DenialsError, OcrUnavailable, describe
from .ocr import OcrEngine, TesseractEngine, TesserocrEngine
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Triager:
    """Holds what processing needs and is costly to build: OCR engine, classifier."""

    settings: Settings = field(default_factory=Settings)
    engine: OcrEngine | None = None
    classifier: object | None = None
    today: date | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _model_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _engine_checked: bool = field(default=False, repr=False)

    def ocr_engine(self) -> OcrEngine | None:
        """The OCR engine, or None when tesseract is unavailable (pages needing it fail)."""
        with self._lock:
            if self.engine is None and not self._engine_checked:
                self._engine_checked = True
                self.engine = _make_engine(self.settings)
            return self.engine

    def get_classifier(self):  # type: ignore[no-untyped-def]
        # its own lock: reading a document (OCR probe) need not wait for the model load
        with self._model_lock:
            if self.classifier is None:
                from .classify import default_classifier

                self.classifier = default_classifier()
            return self.classifier

    def triage(self, path: Path | str, *, raise_retryable: bool = False) -> Result:
        return triage_document(path, self, raise_retryable=raise_retryable)


def _make_engine(settings: Settings) -> OcrEngine | None:
    """tesserocr (in-process) when installed and allowed, else the tesseract command."""
    kw = {"language": settings.ocr_language, "psm": settings.ocr_psm,
          "timeout_s": settings.ocr_timeout_s}
    if settings.ocr_engine != "cli":
        fast = TesserocrEngine(**kw, any_version=settings.ocr_engine == "tesserocr")  # type: ignore[arg-type]
        try:
            fast.check()
            if settings.ocr_engine == "auto":
                fast._cli.check()  # the command is its fallback (and does orientation)
            return fast
        except OcrUnavailable as exc:
            level = logging.WARNING if settings.ocr_engine == "tesserocr" else logging.DEBUG
            log.log(level, "tesserocr not used (%s): OCR runs the tesseract command",
                    exc.message)
    cli = TesseractEngine(**kw)  # type: ignore[arg-type]
    try:
        cli.check()
        return cli
    except OcrUnavailable as exc:
        log.warning("OCR unavailable: %s", exc.message)
        return None


@lru_cache(maxsize=4)
def _cached_triager(settings_json: str) -> Triager:
    return Triager(settings=Settings.model_validate_json(settings_json))


def triage_record(path: str, settings_json: str, out_dir: str | None = None) -> dict:
    """One document's record as JSON-ready dict, with one Triager per process and settings.

    The unit of work a worker process runs (see ``flows/triage.py``): the OCR probe
    and the model load happen once per process. Retryable errors are raised. With
    ``out_dir``, the document's appeal drafts are written there too (see
    :func:`record_for`).
    """
    return record_for(_cached_triager(settings_json), path, out_dir)


def warm_worker(settings_json: str) -> None:
    """Load what :func:`triage_record` needs (OCR probe, model) in this worker process."""
    triager = _cached_triager(settings_json)
    triager.ocr_engine()
    triager.get_classifier()


def record_for(triager: Triager, path: str, out_dir: str | None = None) -> dict:
    """Triage one document (retryable errors raised) and return its record as a dict.

    With ``out_dir``, an advised appeal's drafts (text and PDF, both voices) are
    written there by this worker, as the document finishes, instead of one after
    the other at the end of the batch (``ResultWriter.finalize`` writes only what is
    still missing). The record is returned only after its drafts exist.
    """
    result = triager.triage(path, raise_retryable=True)
    if out_dir is not None and result.appeal_draft:
        from .appeal import write_record_drafts

        write_record_drafts(result, Path(out_dir), today=triager.today)
    return result.model_dump(mode="json")


def triage_document(
    path: Path | str, triager: Triager, *, raise_retryable: bool = False
) -> Result:
    """Triage one file. Never raises for a bad document: returns a failed Result."""
    source = str(path)
    sha: str | None = None
    try:
        from .read import read_document

        doc = read_document(Path(path), triager.ocr_engine(), triager.settings, source=source)
        sha = doc.sha256
        return analyse(doc, triager)
    except DenialsError as exc:
        if raise_retryable and exc.retryable:
            raise
        return failed_result(source, exc, sha)
    except Exception as exc:  # the per-document boundary: the batch must go on
        log.error("internal error on a document (%s)", type(exc).__name__, exc_info=False)
        return failed_result(source, exc, sha)


def analyse(doc: DocumentText, triager: Triager) -> Result:
    """Extraction, classification and next steps for a document already read."""
    from .appeal import draft_relpath
    from .extract import extract
    from .recommend import recommend

    text = doc.text
    extraction: Extraction = extract(text)
    classification: Classification = triager.get_classifier().classify(text, extraction)
    steps = recommend(extraction, classification, today=triager.today)
    page_problem = any(p.method is PageMethod.ERROR for p in doc.pages)
    # a CARC, RARC or group code that had to be repaired decides category and next steps
    repaired_decision_code = any(
        entry.startswith(("carc:", "rarc:", "group:")) for entry in extraction.low_confidence
    )
    result = Result(
        source=doc.source,
        sha256=doc.sha256,
        status="ok",
        error=None,
        document_type=extraction.document_type,
        category=classification.category,
        secondary_categories=classification.secondary_categories,
        confidence=classification.confidence,
        needs_review=classification.needs_review or page_problem or repaired_decision_code,
        evidence=classification.evidence,
        low_confidence=extraction.low_confidence,
        codes=extraction.codes,
        adjustments=extraction.adjustments,
        legend=extraction.legend,
        claim_number=extraction.claim_number,
        member_id=extraction.member_id,
        patient_name=extraction.patient_name,
        payer=extraction.payer,
        provider=extraction.provider,
        letter_date=extraction.letter_date,
        service_dates=extraction.service_dates,
        amount_billed=extraction.amount_billed,
        patient_responsibility=extraction.patient_responsibility,
        plan_type=extraction.plan_type,
        appeal_deadline=steps.appeal_deadline,
        deadline_basis=steps.deadline_basis,
        reason_text=extraction.reason_text,
        recommendations=steps.recommendations,
        # The one place the draft is decided: written by record_for (in the worker)
        # or, when still missing, by ResultWriter.finalize.
        appeal_draft=draft_relpath(doc.sha256) if steps.appeal_advised else None,
        pages=doc.pages,
    )
    log.info(
        "triaged sha256=%s category=%s confidence=%s review=%s",
        doc.sha256[:12], result.category, result.confidence, result.needs_review,
    )
    return result


def failed_result(source: str, exc: BaseException, sha256: str | None = None) -> Result:
    """The record for a document that could not be processed."""
    kind, message = describe(exc)
    if sha256 is None:
        try:
            from .read import sha256_file

            sha256 = sha256_file(Path(source))
        except OSError:
            sha256 = None
    log.warning("document failed sha256=%s kind=%s", (sha256 or "-")[:12], kind)
    return Result(
        source=source,
        sha256=sha256,
        status="failed",
        error=ErrorInfo(kind=kind, message=message),
        needs_review=True,
    )
