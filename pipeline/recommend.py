"""Next steps: category playbooks (refined by codes and plan type) -> recommendations.

The wording and the decision table live in ``pipeline/data/playbooks.yaml``; the
schema is documented in ``docs/playbooks.md`` and validated here at load time.
Deadlines come from :mod:`pipeline.deadlines`.

Nothing in this module logs letter text, names or identifiers.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.datamodel import Category, Classification, Extraction, Recommendation, Result, Who
from pipeline.deadlines import (
    DATA_DIR,
    DataFileError,
    Deadline,
    DeadlineRules,
    PlanType,
    appeal_deadline,
    earliest_service_date,
    load_deadline_rules,
    load_packaged,
    load_yaml_model,
    normalise_carcs,
    normalise_plan_type,
    normalise_rarcs,
    reopening_deadline,
    resubmission_deadline,
    stage_of,
)

__all__ = [
    "NextSteps",
    "Playbooks",
    "DataFileError",
    "load_playbooks",
    "recommend",
    "urgency_score",
    "worklist_row",
    "WORKLIST_COLUMNS",
]

logger = logging.getLogger(__name__)

DEFAULT_PLAYBOOKS_PATH = DATA_DIR / "playbooks.yaml"

Audience = Literal["billing_office", "patient"]
AUDIENCES: tuple[Audience, ...] = ("billing_office", "patient")
UNCLASSIFIED = "unclassified"
CategoryKey = Category | Literal["unclassified"]
PlanKey = PlanType | Literal["unknown"]  # the deadline rules' plan types, or none found
Anchor = Literal[
    "letter_date",
    "service_date",
    "today",
    "appeal_deadline",
    "resubmission_deadline",
    "reopening_deadline",
]
#: anchors that are hard deadlines (missing them loses rights), used for days_left.
HARD_ANCHORS: frozenset[str] = frozenset(
    {"appeal_deadline", "resubmission_deadline", "reopening_deadline"}
)

_RARC_RE = re.compile(r"^(MA\d{2,3}|M\d{1,3}|N\d{1,3})$")
_CARC_RE = re.compile(r"^(\d{1,3}|[A-Z]\d{1,2})$")
_EXPEDITED_RE = re.compile(
    r"\b(expedited|urgent|fast[- ]track|72[- ]hours?|24[- ]hours?)\b", re.IGNORECASE
)


# --------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Voice(_Strict):
    """The same text in the two voices."""

    billing_office: str = Field(min_length=1)
    patient: str = Field(min_length=1)

    def get(self, audience: Audience) -> str:
        return self.billing_office if audience == "billing_office" else self.patient


class Condition(_Strict):
    """All given fields must hold (AND); within a list any value may match (OR)."""

    carc_any: list[str] = Field(default_factory=list)
    rarc_any: list[str] = Field(default_factory=list)
    codes_any: list[str] = Field(
        default_factory=list, description="CARCs or RARCs; any one present matches."
    )
    group_any: list[Literal["CO", "PR", "OA", "PI", "CR"]] = Field(default_factory=list)
    plan_types: list[PlanKey] = Field(default_factory=list)
    not_plan_types: list[PlanKey] = Field(default_factory=list)
    deadline_known: bool | None = None
    needs_review: bool | None = None
    appeal_advised: bool | None = None
    expedited: bool | None = None

    @field_validator("codes_any")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        out = [str(c).strip().upper() for c in v]
        for c in out:
            if not (_CARC_RE.match(c) or _RARC_RE.match(c)):
                raise ValueError(f"not a CARC or RARC: {c!r}")
        return out

    @field_validator("carc_any")
    @classmethod
    def _carcs(cls, v: list[str]) -> list[str]:
        out = [str(c).strip().upper() for c in v]
        for c in out:
            if not _CARC_RE.match(c):
                raise ValueError(f"not a CARC (write it without group prefix): {c!r}")
        return out

    @field_validator("rarc_any")
    @classmethod
    def _rarcs(cls, v: list[str]) -> list[str]:
        out = [str(c).strip().upper() for c in v]
        for c in out:
            if not _RARC_RE.match(c):
                raise ValueError(f"not a RARC: {c!r}")
        return out

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_fields_set:
            raise ValueError("empty 'when' block: omit it instead")
        return self


class DueCandidate(_Strict):
    anchor: Anchor
    days: int = 0


class Questions(_Strict):
    plan: list[str] = Field(default_factory=list)
    provider: list[str] = Field(default_factory=list)


class ActionSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    who: Who
    title: Voice
    detail: Voice
    documents: list[str] = Field(default_factory=list)
    documents_from_rarc: bool = Field(
        default=False, description="Prepend the record names mapped from the document's RARCs."
    )
    include_questions: Literal["plan", "provider"] | None = Field(
        default=None, description="Append the patient questions for the plan or the provider."
    )
    due: list[DueCandidate] = Field(
        default_factory=list, description="Due = the earliest candidate whose anchor is known."
    )
    when: Condition | None = None
    audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES), min_length=1)
    sources: list[str] = Field(
        default_factory=list,
        description="Citations behind the action, tagged [src] or [mem]; not shown to users.",
    )

    @field_validator("sources")
    @classmethod
    def _tagged(cls, v: list[str]) -> list[str]:
        for src in v:
            if "[src" not in src and "[mem" not in src:
                raise ValueError(f"source must carry a [src] or [mem] tag: {src!r}")
        return v


class CommonAction(ActionSpec):
    position: Literal["first", "last"] = "last"


class Playbook(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    categories: list[CategoryKey] = Field(
        default_factory=list, description="Empty = any category (a code-driven override)."
    )
    when: Condition | None = None
    appeal_advised: bool
    appeal_rights: bool = Field(
        default=True, description="False: the denial has no appeal rights (e.g. MA130)."
    )
    report_appeal_deadline: bool = Field(
        default=True, description="False: don't report the payer's appeal clock (not a denial)."
    )
    deadline_stage: Literal["initial", "upheld"] | None = None
    urgency_weight: float = Field(default=1.0, ge=0, le=1)
    summary: Voice
    questions: Questions = Field(default_factory=Questions)
    actions: list[ActionSpec] = Field(min_length=1)

    @field_validator("actions")
    @classmethod
    def _unique_actions(cls, v: list[ActionSpec]) -> list[ActionSpec]:
        ids = [a.id for a in v]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate action id(s): {sorted(dup)}")
        return v


class Playbooks(_Strict):
    version: Literal[1]
    record_names: dict[str, str] = Field(default_factory=dict)
    patient_questions: Questions = Field(default_factory=Questions)
    common_actions: list[CommonAction] = Field(default_factory=list)
    playbooks: list[Playbook] = Field(min_length=1)

    @field_validator("record_names")
    @classmethod
    def _record_keys(cls, v: dict[str, str]) -> dict[str, str]:
        for k in v:
            if not _RARC_RE.match(k):
                raise ValueError(f"record_names key is not a RARC: {k!r}")
        return v

    @model_validator(mode="after")
    def _coverage(self) -> Playbooks:
        ids = [p.id for p in self.playbooks]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate playbook id(s): {dup}")
        missing = []
        for cat in [c.value for c in Category] + [UNCLASSIFIED]:
            if not any(p.when is None and cat in p.categories for p in self.playbooks):
                missing.append(cat)
        if missing:
            raise ValueError(
                f"no default playbook (one listing the category and without 'when') for: {missing}"
            )
        return self


def load_playbooks(path: Path | str | None = None) -> Playbooks:
    """Load and validate playbooks (the packaged file by default, cached)."""
    if path is None:
        return load_packaged(DEFAULT_PLAYBOOKS_PATH, Playbooks)
    return load_yaml_model(path, Playbooks)


# --------------------------------------------------------------------------- output


class NextSteps(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recommendations: list[Recommendation] = Field(default_factory=list)
    appeal_deadline: date | None = None
    deadline_basis: str | None = Field(
        default=None,
        description="'stated', 'stated_rule', 'stated_rule_receipt' or the deadline rule name.",
    )
    appeal_advised: bool = False
    days_left: int | None = Field(
        default=None,
        description="Days until the earliest hard deadline the recommended path depends on.",
    )
    urgency: float = Field(default=0.0, ge=0, le=1)
    playbook: str | None = Field(default=None, description="Id of the playbook applied.")
    summary: str | None = None
    deadline_citation: str | None = None


# --------------------------------------------------------------------------- matching


@dataclass
class _Context:
    category: str
    carcs: set[str]
    rarcs: set[str]
    groups: set[str]
    plan: str
    needs_review: bool
    deadline_known: bool = False
    appeal_advised: bool = False
    expedited: bool = False
    rarc_order: list[str] = field(default_factory=list)


def _matches(cond: Condition | None, ctx: _Context) -> bool:
    if cond is None:
        return True
    if cond.carc_any and not ctx.carcs.intersection(cond.carc_any):
        return False
    if cond.rarc_any and not ctx.rarcs.intersection(cond.rarc_any):
        return False
    if cond.codes_any and not (ctx.carcs | ctx.rarcs).intersection(cond.codes_any):
        return False
    if cond.group_any and not ctx.groups.intersection(cond.group_any):
        return False
    if cond.plan_types and ctx.plan not in cond.plan_types:
        return False
    if cond.not_plan_types and ctx.plan in cond.not_plan_types:
        return False
    if cond.deadline_known is not None and cond.deadline_known != ctx.deadline_known:
        return False
    if cond.needs_review is not None and cond.needs_review != ctx.needs_review:
        return False
    if cond.expedited is not None and cond.expedited != ctx.expedited:
        return False
    return cond.appeal_advised is None or cond.appeal_advised == ctx.appeal_advised


def select_playbook(playbooks: Playbooks, ctx: _Context) -> Playbook:
    for pb in playbooks.playbooks:
        if pb.categories and ctx.category not in pb.categories:
            continue
        if _matches(pb.when, ctx):
            return pb
    raise LookupError(f"no playbook for category {ctx.category!r}")  # excluded by validation


def _groups(extraction: Extraction) -> set[str]:
    groups = {g.strip().upper() for g in extraction.codes.group if g}
    groups |= {a.group.strip().upper() for a in extraction.adjustments if a.group}
    return groups


# --------------------------------------------------------------------------- urgency


def has_expedited_language(*texts: str | None) -> bool:
    return any(t and _EXPEDITED_RE.search(t) for t in texts)


def urgency_score(
    days_left: int | None,
    amount: float | None,
    *,
    expedited: bool = False,
    needs_review: bool = False,
    weight: float = 1.0,
) -> float:
    """Urgency in [0, 1]; formula documented in docs/playbooks.md.

    time   = 0.5 if days_left is unknown, 1 if due or overdue, else 30 / (30 + days_left)
    money  = min(1, log10(1 + amount) / 5)   ($100k or more -> 1)
    score  = weight * (0.50 time + 0.25 money + 0.15 expedited + 0.10 needs_review)
    """
    if days_left is None:
        t = 0.5
    elif days_left <= 0:
        t = 1.0
    else:
        t = 30.0 / (30.0 + days_left)
    money = 0.0 if not amount or amount <= 0 else min(1.0, math.log10(1.0 + amount) / 5.0)
    raw = 0.50 * t + 0.25 * money + 0.15 * float(expedited) + 0.10 * float(needs_review)
    return round(max(0.0, min(1.0, weight * raw)), 3)


# --------------------------------------------------------------------------- recommend


def _due(
    candidates: Iterable[DueCandidate], anchors: dict[str, date | None], today: date
) -> date | None:
    computed: list[date] = []
    hard: list[date] = []
    for c in candidates:
        base = anchors.get(c.anchor)
        if base is None:
            continue
        computed.append(base + timedelta(days=c.days))
        if c.anchor in HARD_ANCHORS:
            hard.append(base)
    if not computed:
        return None
    due = min(computed)
    # A working target already in the past becomes "today" while the hard deadline
    # (if any) is still open; once the hard deadline has passed, show the real date.
    if due < today and (not hard or min(hard) >= today):
        due = today
    return due


def _render(
    spec: ActionSpec,
    audience: Audience,
    anchors: dict[str, date | None],
    today: date,
    ctx: _Context,
    playbooks: Playbooks,
    pb: Playbook,
) -> Recommendation:
    detail = spec.detail.get(audience)
    if spec.include_questions:
        qs = list(getattr(playbooks.patient_questions, spec.include_questions))
        qs += getattr(pb.questions, spec.include_questions)
        if qs:
            detail = detail.rstrip() + "\n" + "\n".join(f"- {q}" for q in qs)
    docs: list[str] = []
    if spec.documents_from_rarc:
        docs += [playbooks.record_names[r] for r in ctx.rarc_order if r in playbooks.record_names]
    docs += [d for d in spec.documents if d not in docs]
    return Recommendation(
        action=spec.id,
        title=spec.title.get(audience),
        detail=detail,
        who=spec.who,
        due=_due(spec.due, anchors, today),
        documents=docs,
    )


def recommend(
    extraction: Extraction,
    classification: Classification,
    *,
    today: date | None = None,
    audience: Literal["billing_office", "patient"] = "billing_office",
    playbooks: Playbooks | None = None,
    rules: DeadlineRules | None = None,
) -> NextSteps:
    """Recommended next steps, deadlines and urgency for one document."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}")
    today = today or date.today()
    playbooks = playbooks or load_playbooks()
    rules = rules or load_deadline_rules()

    rarc_order = normalise_rarcs(extraction)
    ctx = _Context(
        category=classification.category.value if classification.category else UNCLASSIFIED,
        carcs=set(normalise_carcs(extraction)),
        rarcs=set(rarc_order),
        groups=_groups(extraction),
        plan=normalise_plan_type(extraction.plan_type) or "unknown",
        needs_review=classification.needs_review,
        rarc_order=rarc_order,
        expedited=has_expedited_language(extraction.reason_text, extraction.deadline_text),
    )
    pb = select_playbook(playbooks, ctx)
    ctx.appeal_advised = pb.appeal_advised

    stage = pb.deadline_stage or stage_of(extraction)
    appeal: Deadline | None = (
        appeal_deadline(extraction, stage=stage, rules=rules)
        if pb.appeal_rights and pb.report_appeal_deadline
        else None
    )
    resub = resubmission_deadline(extraction, rules=rules)
    reopen = reopening_deadline(extraction, rules=rules)
    ctx.deadline_known = appeal is not None and appeal.date is not None

    anchors: dict[str, date | None] = {
        "letter_date": extraction.letter_date,
        "service_date": earliest_service_date(extraction),
        "today": today,
        "appeal_deadline": appeal.date if appeal else None,
        "resubmission_deadline": resub.date,
        "reopening_deadline": reopen.date,
    }

    specs: list[ActionSpec] = [
        a for a in playbooks.common_actions if a.position == "first" and _matches(a.when, ctx)
    ]
    specs += [a for a in pb.actions if _matches(a.when, ctx)]
    specs += [a for a in playbooks.common_actions if a.position == "last" and _matches(a.when, ctx)]
    specs = [s for s in specs if audience in s.audiences]
    recs = [_render(s, audience, anchors, today, ctx, playbooks, pb) for s in specs]

    # Hard deadlines the chosen path depends on -> days left.
    used = {c.anchor for s in specs for c in s.due} & HARD_ANCHORS
    if pb.appeal_advised:
        used.add("appeal_deadline")
    hard: list[date] = [d for a in sorted(used) if (d := anchors.get(a)) is not None]
    days_left = (min(hard) - today).days if hard else None

    urgency = urgency_score(
        days_left,
        extraction.amount_billed,
        expedited=ctx.expedited,
        needs_review=classification.needs_review,
        weight=pb.urgency_weight,
    )
    logger.debug(
        "playbook=%s category=%s plan=%s actions=%d days_left=%s",
        pb.id,
        ctx.category,
        ctx.plan,
        len(recs),
        days_left,
    )
    return NextSteps(
        recommendations=recs,
        appeal_deadline=appeal.date if appeal else None,
        deadline_basis=appeal.basis if appeal else None,
        appeal_advised=pb.appeal_advised,
        days_left=days_left,
        urgency=urgency,
        playbook=pb.id,
        summary=pb.summary.get(audience),
        deadline_citation=appeal.citation if appeal else None,
    )


# --------------------------------------------------------------------------- worklist

WORKLIST_COLUMNS: tuple[str, ...] = (
    "status",
    "payer",
    "claim_number",
    "patient",
    "category",
    "carc",
    "rarc",
    "amount",
    "deadline",
    "deadline_basis",
    "days_left",
    "first_action",
    "first_action_due",
    "next_due",
    "needs_review",
    "urgency",
    "source",
    "error",
)


def _carc_labels(result: Result) -> list[str]:
    labels: list[str] = []
    for a in result.adjustments:
        if a.carc:
            lab = f"{a.group.upper()}-{a.carc}" if a.group else a.carc
            if lab not in labels:
                labels.append(lab)
    seen = {lab.split("-")[-1] for lab in labels}
    single_group = result.codes.group[0].upper() if len(set(result.codes.group)) == 1 else None
    for c in result.codes.carc:
        if c not in seen:
            labels.append(f"{single_group}-{c}" if single_group else c)
            seen.add(c)
    return labels


def worklist_row(result: Result, *, today: date | None = None) -> dict[str, object]:
    """One row of the billing-office worklist (keys = ``WORKLIST_COLUMNS``).

    ``deadline`` is the result's appeal deadline; ``days_left`` counts to it, or to the
    earliest recommendation due date when there is no appeal deadline. Pass ``today``
    for deterministic output.
    """
    today = today or date.today()
    rarcs: list[str] = []
    for r in list(result.codes.rarc) + [x for a in result.adjustments for x in a.rarc]:
        if r not in rarcs:
            rarcs.append(r)
    recs = result.recommendations
    dues = [r.due for r in recs if r.due is not None]
    next_due = min(dues) if dues else None
    target = result.appeal_deadline or next_due
    days_left = (target - today).days if target else None
    first = recs[0] if recs else None
    weight = 0.2 if result.category == Category.NOT_A_DENIAL else 1.0
    return {
        "status": result.status,
        "payer": result.payer,
        "claim_number": result.claim_number,
        "patient": result.patient_name,
        "category": result.category.value if result.category else None,
        "carc": "; ".join(_carc_labels(result)),
        "rarc": "; ".join(rarcs),
        "amount": result.amount_billed,
        "deadline": result.appeal_deadline.isoformat() if result.appeal_deadline else None,
        "deadline_basis": result.deadline_basis,
        "days_left": days_left,
        "first_action": first.title if first else None,
        "first_action_due": first.due.isoformat() if first and first.due else None,
        "next_due": next_due.isoformat() if next_due else None,
        "needs_review": result.needs_review,
        "urgency": urgency_score(
            days_left,
            result.amount_billed,
            expedited=has_expedited_language(result.reason_text),
            needs_review=result.needs_review,
            weight=weight,
        ),
        "source": result.source,
        "error": result.error.kind if result.error else None,
    }
