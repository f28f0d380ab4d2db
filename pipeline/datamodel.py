"""The one data model shared by every stage.

document (pages) -> extraction -> classification -> recommendations -> result.

`Result` is the published contract (``results.jsonl``); its JSON Schema is
generated from this module (``denials schema``) and committed under
``pipeline/schema/``. Keep field names stable; bump ``SCHEMA_VERSION`` when the
shape changes.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# 1.1: Result.low_confidence; 1.2: Adjustment.payer_codes, Result.legend; 1.3: deadline_basis
# "stated_rule_receipt" (a window counted from receipt) split from "stated_rule" (older ones read)
SCHEMA_VERSION = "1.3"


class Category(StrEnum):
    PRIOR_AUTHORIZATION = "prior_authorization"
    MEDICAL_NECESSITY = "medical_necessity"
    STEP_THERAPY = "step_therapy"
    MISSING_DOCUMENTATION = "missing_documentation"
    CODING_ERROR = "coding_error"
    NOT_COVERED = "not_covered"
    EXPERIMENTAL_INVESTIGATIONAL = "experimental_investigational"
    BENEFIT_LIMIT = "benefit_limit"
    OUT_OF_NETWORK = "out_of_network"
    TIMELY_FILING = "timely_filing"
    DUPLICATE_CLAIM = "duplicate_claim"
    ELIGIBILITY = "eligibility"
    COORDINATION_OF_BENEFITS = "coordination_of_benefits"
    NOT_A_DENIAL = "not_a_denial"


class DocumentType(StrEnum):
    DENIAL_LETTER = "denial_letter"
    EOB = "eob"
    REMITTANCE = "remittance"
    OTHER = "other"


class FileFormat(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"
    TEXT = "text"


class PageMethod(StrEnum):
    TEXT = "text"  # text layer of a PDF, or a plain-text file
    OCR = "ocr"  # rasterised / image page read by the OCR engine
    ERROR = "error"  # the page could not be read; see Page.error


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorInfo(_Model):
    """Why a document (or one page) failed, in words a user can act on."""

    kind: str = Field(description="Stable machine-readable error kind, e.g. 'encrypted_pdf'.")
    message: str = Field(description="What is wrong and what to do about it. Never letter text.")


class Page(_Model):
    """One page as read. ``text`` stays in memory and is never written out."""

    number: int = Field(ge=1)
    method: PageMethod
    ocr_confidence: float | None = Field(
        default=None, ge=0, le=100, description="Tesseract mean word confidence (0-100)."
    )
    rotation: int | None = Field(
        default=None, description="Degrees the page image was rotated to make it upright."
    )
    error: ErrorInfo | None = None
    text: str = Field(default="", exclude=True, repr=False)


class DocumentText(_Model):
    """A document after reading: its pages' text, in order."""

    source: str
    sha256: str
    format: FileFormat
    pages: list[Page]

    @property
    def text(self) -> str:
        return "\n\f\n".join(p.text for p in self.pages if p.text)


class Codes(_Model):
    carc: list[str] = Field(default_factory=list, description="CARCs without group prefix.")
    rarc: list[str] = Field(default_factory=list)
    group: list[str] = Field(default_factory=list, description="CO, PR, OA, PI (CR on old remits).")
    cpt: list[str] = Field(default_factory=list)
    hcpcs: list[str] = Field(default_factory=list)
    icd10: list[str] = Field(default_factory=list, description="ICD-10-CM with the dot.")
    ndc: list[str] = Field(default_factory=list, description="NDC normalised to 11 digits.")


class Adjustment(_Model):
    """One service line of an EOB or remittance with its adjustment."""

    claim_number: str | None = None
    line: int | None = None
    service_date: date | None = None
    cpt: str | None = Field(default=None, description="CPT or HCPCS code of the line.")
    modifiers: list[str] = Field(default_factory=list)
    billed: float | None = None
    allowed: float | None = None
    paid: float | None = None
    group: str | None = None
    carc: str | None = None
    rarc: list[str] = Field(default_factory=list)
    payer_codes: list[str] = Field(
        default_factory=list,
        description="The payer's own remark codes printed on this line (e.g. 'W7'); their "
        "meanings are in the document's legend (Extraction.legend).",
    )
    amount: float | None = Field(default=None, description="Adjusted amount.")
    denied: bool | None = Field(
        default=None, description="True for denied/reduced lines, False for payment adjustments."
    )

    def dollars(self) -> float | None:
        """What a denial of this line holds: its adjusted amount, else its charge."""
        return self.amount if self.amount is not None else self.billed


class Extraction(_Model):
    """Everything read out of the document's text by the extraction stage."""

    document_type: DocumentType = DocumentType.OTHER
    codes: Codes = Field(default_factory=Codes)
    adjustments: list[Adjustment] = Field(default_factory=list)
    claim_number: str | None = None
    member_id: str | None = None
    patient_name: str | None = None
    payer: str | None = None
    provider: str | None = None
    letter_date: date | None = None
    service_dates: list[date] = Field(default_factory=list)
    amount_billed: float | None = None
    patient_responsibility: float | None = None
    appeal_deadline: date | None = Field(
        default=None, description="Deadline stated in the document, if any."
    )
    deadline_text: str | None = Field(
        default=None,
        description="The document's own deadline rule when it is not a date, e.g. "
        "'within 180 days of the date of this notice'.",
    )
    plan_type: str | None = Field(
        default=None,
        description="Plan type detected in the document: commercial, medicare, "
        "medicare_advantage, part_d, medicaid, workers_comp, or null.",
    )
    reason_text: str | None = None
    legend: dict[str, str] = Field(
        default_factory=dict, description="Payer-specific remark codes and their meaning."
    )
    low_confidence: list[str] = Field(
        default_factory=list,
        description="Values read through a repair rather than as printed (an OCR-garbled "
        "group/reason cell, a code taken from the document's code legend because its "
        "service line was unreadable), e.g. 'carc:55 (...)'. Codes only, never letter text.",
    )
    adverse_statements: int = Field(
        default=0,
        description="How many times the document itself states an adverse decision ('we "
        "cannot approve', 'non-certified', 'claim denied'); quoted earlier decisions, "
        "conditionals, negations and boilerplate are not counted.",
    )


class Classification(_Model):
    category: Category | None = None
    secondary_categories: list[Category] = Field(default_factory=list)
    confidence: float | None = Field(default=None, ge=0, le=1)
    needs_review: bool = True
    evidence: list[str] = Field(default_factory=list)
    model: str | None = Field(default=None, description="Which classifier decided.")


Who = Literal["billing_office", "provider", "patient"]


class Recommendation(_Model):
    action: str = Field(description="Stable action id, e.g. 'corrected_claim'.")
    title: str
    detail: str
    who: Who = "billing_office"
    due: date | None = None
    documents: list[str] = Field(default_factory=list)


class Result(_Model):
    """One record of ``results.jsonl``: the published contract."""

    schema_version: Literal["1.0", "1.1", "1.2", "1.3"] = SCHEMA_VERSION
    source: str = Field(description="The input path as given.")
    sha256: str | None = Field(description="Hex digest of the file's bytes; null if unreadable.")
    status: Literal["ok", "failed"]
    error: ErrorInfo | None = None
    document_type: DocumentType | None = None
    category: Category | None = None
    secondary_categories: list[Category] = Field(default_factory=list)
    confidence: float | None = Field(default=None, ge=0, le=1)
    needs_review: bool = True
    evidence: list[str] = Field(default_factory=list)
    low_confidence: list[str] = Field(
        default_factory=list,
        description="Codes read through a repair rather than as printed (OCR-garbled cells, "
        "codes taken from the document's legend), e.g. 'carc:55 (...)'. A repaired "
        "CARC, RARC or group code sets needs_review. Codes only, never letter text.",
    )
    codes: Codes = Field(default_factory=Codes)
    adjustments: list[Adjustment] = Field(default_factory=list)
    legend: dict[str, str] = Field(
        default_factory=dict,
        description="The payer's own remark codes the document defines, with their meaning "
        "as printed (the service lines' payer_codes refer to them).",
    )
    claim_number: str | None = None
    member_id: str | None = None
    patient_name: str | None = None
    payer: str | None = None
    provider: str | None = None
    letter_date: date | None = None
    service_dates: list[date] = Field(default_factory=list)
    amount_billed: float | None = None
    patient_responsibility: float | None = None
    plan_type: str | None = Field(
        default=None, description="Plan type detected in the document (drives deadline rules)."
    )
    appeal_deadline: date | None = None
    deadline_basis: str | None = Field(
        default=None,
        description="'stated' (a date in the document), 'stated_rule' (a window the document "
        "states, counted from its date), 'stated_rule_receipt' (a window counted from receipt, "
        "counted here from the document's date) or the name of the rule the deadline came from.",
    )
    reason_text: str | None = None
    recommendations: list[Recommendation] = Field(default_factory=list)
    appeal_draft: str | None = None
    pages: list[Page] = Field(default_factory=list)
