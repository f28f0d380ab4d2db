"""Deadlines: appeal windows and claim-resubmission windows, from data.

The rules live in ``pipeline/data/deadline_rules.yaml`` (schema documented in
``docs/playbooks.md``) so that a wrong number can be fixed without touching code.

Precedence for the appeal deadline:

1. a date stated in the document (``Extraction.appeal_deadline``) -> basis ``"stated"``;
2. a rule stated in the document as text, e.g. "within 180 days of the date of this
   notice" (``Extraction.deadline_text``) applied to the letter date -> basis ``"stated_rule"``;
   a rule counted from the day the notice is received ("90 days from the day you receive
   this letter") is applied to the letter date too, since the day of receipt is not
   known: the earliest the window can close -> basis ``"stated_rule_receipt"``;
3. the first rule in the YAML whose plan type and stage match -> basis = the rule name.

Without a letter date (or service date, for rules anchored on it) no date is
derived: the result is ``None``, never today's date.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.datamodel import Extraction
from pipeline.errors import ConfigError

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_RULES_PATH = DATA_DIR / "deadline_rules.yaml"

PlanType = Literal[
    "commercial", "medicare", "medicare_advantage", "part_d", "medicaid", "workers_comp"
]
PLAN_TYPES: tuple[str, ...] = get_args(PlanType)
DeadlineKind = Literal["appeal", "resubmission", "reopening"]
Stage = Literal["initial", "upheld", "any"]

#: CARC 193: "original payment decision is being maintained" = an upheld appeal.
UPHELD_CARCS = frozenset({"193"})


# --------------------------------------------------------------------------- errors / YAML


class DataFileError(ConfigError, ValueError):
    """A data file (YAML) is missing, unparsable or does not match its schema.

    The message names the file and the offending entry; it never contains letter text.
    A ``ConfigError`` (kind ``config_error``) for the CLI, and a ``ValueError``.
    """


M = TypeVar("M", bound=BaseModel)


def _entry_label(raw: Any, loc: Sequence[int | str]) -> str:
    """Render a pydantic error location as ``rules[3] (name='x').days``."""
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and 0 <= key < len(node):
                node = node[key]
                if isinstance(node, dict):
                    ident = node.get("id", node.get("name"))
                    if ident is not None:
                        label += f" ({'id' if 'id' in node else 'name'}={ident!r})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "<top level>"


def load_yaml_model(path: Path | str, model: type[M]) -> M:
    """Read a YAML file and validate it against ``model``; raise ``DataFileError`` on failure."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{name}: cannot read file ({exc.strerror or exc})") from exc
    try:
        # libyaml's C parser when present (same result, 10x faster: 0.13 s -> 0.01 s)
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DataFileError(f"{name}: YAML syntax error{where}: {problem}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(
            f"{name}: expected a mapping at the top level, got {type(raw).__name__}"
        )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            lines.append(f"  {_entry_label(raw, err['loc'])}: {err['msg']}")
        raise DataFileError(
            f"{name}: {exc.error_count()} schema error(s):\n" + "\n".join(lines)
        ) from exc


# --------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeadlineRule(_Strict):
    """One filing window. Exactly one of ``days``/``months``, or ``fixed: false``."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: DeadlineKind
    plan_types: list[PlanType] = Field(min_length=1)
    stage: Stage = "initial"
    anchor: Literal["letter_date", "service_date"] = "letter_date"
    receipt_days: int = Field(default=0, ge=0, le=30)
    days: int | None = Field(default=None, gt=0)
    months: int | None = Field(default=None, gt=0)
    fixed: bool = Field(
        default=True,
        description="False: no fixed window (state- or payer-specific); the date stays null.",
    )
    description: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    confidence: Literal["src", "mem"]

    @model_validator(mode="after")
    def _check(self) -> DeadlineRule:
        if self.fixed and (self.days is None) == (self.months is None):
            raise ValueError("a fixed rule needs exactly one of 'days' or 'months'")
        if not self.fixed and (self.days is not None or self.months is not None):
            raise ValueError("a rule with fixed: false must not set 'days' or 'months'")
        if f"[{self.confidence}" not in self.citation:
            raise ValueError(
                f"citation must carry the confidence tag '[{self.confidence}' "
                "(reference.md convention)"
            )
        return self


class DeadlineRules(_Strict):
    version: Literal[1]
    rules: list[DeadlineRule] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _unique(cls, rules: list[DeadlineRule]) -> list[DeadlineRule]:
        seen: set[str] = set()
        for r in rules:
            if r.name in seen:
                raise ValueError(f"duplicate rule name {r.name!r}")
            seen.add(r.name)
        return rules

    def find(self, kind: DeadlineKind, plan_type: str | None, stage: str) -> DeadlineRule | None:
        """First rule of ``kind`` for ``plan_type`` and ``stage`` (rules with stage any match)."""
        if plan_type is None:
            return None
        for r in self.rules:
            if r.kind == kind and plan_type in r.plan_types and r.stage in (stage, "any"):
                return r
        return None


def load_deadline_rules(path: Path | str | None = None) -> DeadlineRules:
    """Load and validate deadline rules (the packaged file by default, cached)."""
    if path is None:
        return load_packaged(DEFAULT_RULES_PATH, DeadlineRules)
    return load_yaml_model(path, DeadlineRules)


@lru_cache(maxsize=8)
def load_packaged(path: Path, model: type[M]) -> M:
    """A rule file shipped with the package, read and validated once per process."""
    return load_yaml_model(path, model)


# --------------------------------------------------------------------------- date arithmetic


def add_months(d: date, months: int) -> date:
    """``d`` plus calendar months, clamped to the end of a shorter month."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def apply_rule(rule: DeadlineRule, anchor: date) -> date | None:
    if not rule.fixed:
        return None
    start = anchor + timedelta(days=rule.receipt_days)
    if rule.days is not None:
        return start + timedelta(days=rule.days)
    assert rule.months is not None
    return add_months(start, rule.months)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Deadline:
    """A derived (or stated) deadline. ``date`` is None when it cannot be determined."""

    kind: DeadlineKind
    date: date | None
    basis: str | None
    citation: str | None = None
    note: str | None = None


_STATED_RULE_RE = re.compile(
    r"(?:\bwithin|\byou\s+have|\bno\s+later\s+than|\bup\s+to)\s+(?P<n>\d{1,3}|sixty|ninety|thirty)\s+(?P<cal>calendar\s+)?(?P<unit>days?|months?)",
    re.IGNORECASE,
)
_WORDS = {"thirty": 30, "sixty": 60, "ninety": 90}
#: What a stated window counts from, when it is the day the notice arrives.
_RECEIPT_ANCHOR_RE = re.compile(
    r"\b(?:from|after|of|following)\s+(?:the\s+(?:day|date)\s+)?(?:(?:you|the\s+(?:employee|"
    r"member|patient|enrollee|beneficiary|provider|claimant))\s+(?:receives?|gets?)|receiving|"
    r"(?:your\s+)?receipt|it\s+is\s+received|"
    # "after the date the initial determination is received"
    r"(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,3}\s+is\s+received)\b",
    re.IGNORECASE,
)


def counts_from_receipt(text: str | None) -> bool:
    """True when a stated window runs from receipt of the notice, not from its date."""
    return bool(text and _RECEIPT_ANCHOR_RE.search(text))


def parse_stated_rule(text: str | None) -> tuple[int, str] | None:
    """Parse "within 180 days ..." / "within 4 months ..." -> (180, "days")."""
    if not text:
        return None
    m = _STATED_RULE_RE.search(text)
    if not m:
        return None
    raw = m.group("n").lower()
    n = _WORDS.get(raw) or int(raw)
    unit = "months" if m.group("unit").lower().startswith("month") else "days"
    return n, unit


def stage_of(extraction: Extraction) -> Literal["initial", "upheld"]:
    """``upheld`` when the document reports an upheld appeal (CARC 193), else ``initial``."""
    carcs = set(normalise_carcs(extraction))
    return "upheld" if carcs & UPHELD_CARCS else "initial"


def normalise_carcs(extraction: Extraction) -> list[str]:
    codes: list[str] = list(extraction.codes.carc)
    codes += [a.carc for a in extraction.adjustments if a.carc]
    return _dedupe(_norm_carc(c) for c in codes)


def normalise_rarcs(extraction: Extraction) -> list[str]:
    codes: list[str] = list(extraction.codes.rarc)
    for a in extraction.adjustments:
        codes += a.rarc
    return _dedupe(c.strip().upper() for c in codes if c and c.strip())


def _norm_carc(code: str) -> str:
    c = code.strip().upper()
    c = re.sub(r"^(CO|PR|OA|PI|CR)[\s\-]*", "", c)
    return (c.lstrip("0") or c) if c.isdigit() else c


def _dedupe(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i and i not in out:
            out.append(i)
    return out


def appeal_deadline(
    extraction: Extraction,
    *,
    stage: Literal["initial", "upheld"] | None = None,
    rules: DeadlineRules | None = None,
) -> Deadline:
    """The appeal (or next-level review) deadline for this document."""
    if extraction.appeal_deadline is not None:
        return Deadline("appeal", extraction.appeal_deadline, "stated", note="date in document")
    stated = parse_stated_rule(extraction.deadline_text)
    if stated is not None and extraction.letter_date is not None:
        n, unit = stated
        when = (
            extraction.letter_date + timedelta(days=n)
            if unit == "days"
            else add_months(extraction.letter_date, n)
        )
        if counts_from_receipt(extraction.deadline_text):
            return Deadline(
                "appeal", when, "stated_rule_receipt",
                note=f"document rule: {n} {unit} from receipt, counted from the letter date "
                "(the day of receipt is not known; the window cannot close earlier)",
            )
        return Deadline(
            "appeal", when, "stated_rule", note=f"document rule: {n} {unit} from the letter date"
        )
    rules = rules or load_deadline_rules()
    stage = stage or stage_of(extraction)
    return _derive("appeal", extraction, stage, rules)


def resubmission_deadline(
    extraction: Extraction, *, rules: DeadlineRules | None = None
) -> Deadline:
    """Window for a new or corrected (replacement) claim, e.g. Medicare 12 months from DOS."""
    return _derive("resubmission", extraction, "any", rules or load_deadline_rules())


def reopening_deadline(extraction: Extraction, *, rules: DeadlineRules | None = None) -> Deadline:
    """Window for a clerical-error reopening (Medicare)."""
    return _derive("reopening", extraction, "any", rules or load_deadline_rules())


def normalise_plan_type(plan_type: str | None) -> str | None:
    """A known plan type (lower-case) or None."""
    if not plan_type:
        return None
    p = plan_type.strip().lower().replace("-", "_").replace(" ", "_")
    return p if p in PLAN_TYPES else None


def _derive(
    kind: DeadlineKind, extraction: Extraction, stage: str, rules: DeadlineRules
) -> Deadline:
    rule = rules.find(kind, normalise_plan_type(extraction.plan_type), stage)
    if rule is None:
        logger.debug("no %s rule for plan type %r / stage %s", kind, extraction.plan_type, stage)
        return Deadline(kind, None, None, note="no rule for this plan type")
    if not rule.fixed:
        return Deadline(kind, None, rule.name, rule.citation, note=rule.description)
    anchor = (
        extraction.letter_date
        if rule.anchor == "letter_date"
        else earliest_service_date(extraction)
    )
    if anchor is None:
        # Never fall back to today: an invented deadline is worse than none.
        return Deadline(
            kind, None, None, rule.citation, note=f"rule {rule.name} needs {rule.anchor}"
        )
    return Deadline(kind, apply_rule(rule, anchor), rule.name, rule.citation, note=rule.description)


def earliest_service_date(extraction: Extraction) -> date | None:
    """Earliest date of service in the document (header dates and service lines)."""
    dates = list(extraction.service_dates)
    dates += [a.service_date for a in extraction.adjustments if a.service_date]
    return min(dates) if dates else None
