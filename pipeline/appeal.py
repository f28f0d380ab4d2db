"""Appeal / reconsideration letter drafts (text and PDF) from a triaged Result.

A draft is filled only from what was extracted from the document (payer, claim
number, member ID, patient, provider, dates, codes, amounts, the payer's stated
reason) and from the recommendations (enclosures to gather). Anything the
writer has to supply, above all every clinical fact, is a placeholder in
square brackets and capitals, e.g. ``[DESCRIBE THE PATIENT'S SYMPTOMS ...]``.
The draft never states a diagnosis, symptom, treatment history or outcome on
its own: :data:`PLACEHOLDER_RE` finds what is left to fill in.

Two voices: ``billing_office`` (the provider's billing office writing to the
payer) and ``patient`` (the member, or an advocate on their behalf).

Where the draft goes is decided once, in :func:`pipeline.triage.analyse`: an
advised appeal gets ``appeal_draft = draft_relpath(sha256)``; the files are
written by the worker that triaged the document, as it finishes
(:func:`write_record_drafts`, via :func:`pipeline.triage.triage_record`), and any
still missing by :meth:`pipeline.output.ResultWriter.finalize` (:func:`write_drafts`),
never over an existing draft (the writer may have edited it).

Nothing here logs letter text, names or identifiers.
"""

from __future__ import annotations

import io
import logging
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from .datamodel import Category, DocumentType, Result

log = logging.getLogger(__name__)

__all__ = [
    "APPEALS_DIR",
    "PLACEHOLDER_RE",
    "AppealDraft",
    "amount_at_stake",
    "Voice",
    "VOICES",
    "draft_appeal",
    "draft_pdf",
    "draft_relpath",
    "draft_paths",
    "write_drafts",
    "write_record_drafts",
]

Voice = Literal["billing_office", "patient"]
VOICES: tuple[Voice, ...] = ("billing_office", "patient")
APPEALS_DIR = "appeals"

#: A placeholder: capitals in square brackets. Everything the writer must supply.
PLACEHOLDER_RE = re.compile(r"\[[A-Z0-9][^\[\]]*\]")  # may wrap across lines

_WIDTH = 78
_SAFE_REL_RE = re.compile(rf"^{APPEALS_DIR}/[0-9a-f]{{1,64}}\.txt$")
UPHELD_CARC = "193"
#: Actions whose documents belong to a later appeal level, not to this letter.
_LATER_LEVEL_ACTIONS = frozenset({"external_review", "later_review_levels"})


# --------------------------------------------------------------------------- paths


def draft_key(sha256: str) -> str:
    """The file stem of a document's drafts: content hash, never a name or an ID."""
    return sha256[:16]


def draft_relpath(sha256: str) -> str:
    """``appeal_draft`` for a document: the billing-office text draft, relative to DIR."""
    return f"{APPEALS_DIR}/{draft_key(sha256)}.txt"


def draft_paths(relpath: str) -> dict[tuple[Voice, str], str]:
    """All four files of a draft, from the ``appeal_draft`` path: (voice, ext) -> relpath."""
    stem = relpath[: -len(".txt")] if relpath.endswith(".txt") else relpath
    return {
        ("billing_office", "txt"): f"{stem}.txt",
        ("billing_office", "pdf"): f"{stem}.pdf",
        ("patient", "txt"): f"{stem}.patient.txt",
        ("patient", "pdf"): f"{stem}.patient.pdf",
    }


# --------------------------------------------------------------------------- wording


def _long(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _money(x: float) -> str:
    return f"${x:,.2f}"


def _or(value: object, placeholder: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return placeholder
    return value.isoformat() if isinstance(value, date) else str(value)


def _plan_kind(result: Result) -> str:
    return (result.plan_type or "unknown").strip().lower()


def _upheld(result: Result) -> bool:
    return UPHELD_CARC in result.codes.carc or any(
        a.carc == UPHELD_CARC for a in result.adjustments
    )


_TITLES: dict[str, tuple[str, str]] = {
    # plan type -> (billing office, patient)
    "medicare": ("Request for Redetermination", "Request for Redetermination"),
    "medicare_advantage": ("Request for Reconsideration", "Request for Reconsideration"),
    "part_d": ("Request for Redetermination (Medicare Part D)",
               "Request for Redetermination (Medicare Part D)"),
    "medicaid": ("Request for Plan Appeal", "Request for Plan Appeal"),
    "workers_comp": ("Request for Reconsideration", "Request for Reconsideration"),
}


def _title(result: Result, voice: Voice) -> str:
    if _upheld(result):
        return "Request for Next-Level Review of an Upheld Denial"
    bo, pt = _TITLES.get(
        _plan_kind(result),
        ("Request for Reconsideration and Appeal", "Request for Internal Appeal"),
    )
    return bo if voice == "billing_office" else pt


# Per category: (billing office, patient). Clinical content is always a placeholder.
_ARGUMENT: dict[str, tuple[str, str]] = {
    Category.PRIOR_AUTHORIZATION: (
        "The claim was denied because no prior authorization was on file. "
        "[CHOOSE ONE AND DELETE THE OTHER: AUTHORIZATION WAS OBTAINED - GIVE THE "
        "AUTHORIZATION NUMBER, APPROVAL DATE AND THE SERVICES AND DATES IT COVERS, AND "
        "ENCLOSE IT / AUTHORIZATION COULD NOT BE OBTAINED BEFOREHAND - EXPLAIN WHY, FROM "
        "THE RECORD]. We ask the plan to review the service on its clinical merits and to "
        "grant retroactive authorization where its rules allow. The enclosed letter of "
        "medical necessity and records explain why the service was needed: "
        "[SUMMARISE THE CLINICAL REASON FOR THE SERVICE, FROM THE MEDICAL RECORD].",
        "You denied this claim because approval was not obtained in advance. "
        "[EXPLAIN WHAT YOU KNOW: WHETHER YOUR PROVIDER ASKED FOR APPROVAL, OR WHY THERE WAS "
        "NO TIME TO ASK - ASK YOUR PROVIDER'S OFFICE IF UNSURE]. I ask you to review the "
        "care on its merits. My provider's letter and records, enclosed, explain why I "
        "needed it.",
    ),
    Category.MEDICAL_NECESSITY: (
        "The plan decided that the service was not medically necessary. We disagree. "
        "[SUMMARISE THE PATIENT'S DIAGNOSIS, SYMPTOMS AND FUNCTIONAL LIMITS, FROM THE "
        "MEDICAL RECORD]. [LIST THE TREATMENTS ALREADY TRIED, WITH DATES AND RESULTS]. "
        "[FOR EACH CRITERION OF THE PLAN'S POLICY, STATE HOW THE RECORD MEETS IT, WITH "
        "PAGE REFERENCES TO THE ENCLOSURES]. Please send us the clinical criteria, "
        "guideline or policy used for this decision. If a peer-to-peer discussion with "
        "the reviewing physician is available, we request one with "
        "[TREATING PROVIDER'S NAME AND DIRECT PHONE NUMBER].",
        "You decided that this care was not medically necessary. I disagree. My "
        "provider's enclosed letter and records explain my condition and why I need this "
        "care. [OPTIONAL: IN YOUR OWN WORDS, DESCRIBE HOW YOUR CONDITION AFFECTS YOUR "
        "DAILY LIFE]. Please send me, free of charge, the criteria or policy you used to "
        "decide, and the qualifications of the reviewer.",
    ),
    Category.STEP_THERAPY: (
        "The plan requires other treatments to be tried first. We request an exception to "
        "this step-therapy requirement. [FOR EACH REQUIRED EARLIER TREATMENT, STATE "
        "WHETHER IT WAS TRIED - DATES, DOSE AND RESULT - OR WHY IT IS NOT APPROPRIATE FOR "
        "THIS PATIENT, FROM THE RECORD]. [STATE THE EXCEPTION GROUND THAT APPLIES UNDER "
        "THE PLAN OR STATE STEP-THERAPY LAW]. Where state law sets an exception process "
        "and decision deadline, we ask that this request be handled under it.",
        "You require me to try other treatments first. I ask for an exception. "
        "[LIST THE TREATMENTS YOU HAVE ALREADY TRIED AND WHAT HAPPENED, OR ASK YOUR "
        "PROVIDER WHY THEY ARE NOT RIGHT FOR YOU]. My provider's enclosed statement "
        "explains the medical reasons.",
    ),
    Category.NOT_COVERED: (
        "The plan states that the service is not covered under the member's benefits. "
        "[CITE THE PLAN PROVISION THE DENIAL RELIES ON AND EXPLAIN WHY THE SERVICE IS "
        "WITHIN THE COVERED BENEFITS OR AN EXCEPTION TO THE EXCLUSION]. Please send us "
        "the plan provision relied on.",
        "You said this service is not covered by my plan. [EXPLAIN WHY YOU BELIEVE IT IS "
        "COVERED - E.G. THE SECTION OF YOUR PLAN DOCUMENTS THAT COVERS IT]. Please send "
        "me, free of charge, the exact plan language you relied on.",
    ),
    Category.EXPERIMENTAL_INVESTIGATIONAL: (
        "The plan considers the service experimental or investigational. "
        "[STATE THE REGULATORY STATUS OF THE SERVICE FOR THIS USE - E.G. FDA APPROVAL OR "
        "COMPENDIA LISTING - AND VERIFY IT]. [CITE THE PEER-REVIEWED STUDIES AND CLINICAL "
        "GUIDELINES THAT SUPPORT THIS USE]. [EXPLAIN WHY STANDARD TREATMENTS ARE NOT "
        "APPROPRIATE FOR THIS PATIENT, FROM THE RECORD]. If this denial is upheld we will "
        "request review by an independent reviewer where available.",
        "You said this treatment is experimental or investigational. My provider's "
        "enclosed letter and the studies it cites explain why this treatment is "
        "appropriate for me. [OPTIONAL: ADD WHY OTHER TREATMENTS ARE NOT AN OPTION FOR YOU, "
        "AS YOUR PROVIDER EXPLAINED IT]. If you uphold the denial, I ask how to request an "
        "independent external review.",
    ),
    Category.OUT_OF_NETWORK: (
        "The claim was processed as out of network. [STATE WHY IN-NETWORK CARE WAS NOT A "
        "REASONABLE OPTION - E.G. AN EMERGENCY, A PROVIDER THE PATIENT DID NOT CHOOSE AT "
        "AN IN-NETWORK FACILITY, OR NO IN-NETWORK PROVIDER WITHIN REASONABLE TIME OR "
        "DISTANCE]. We ask the plan to process the claim at the in-network benefit level "
        "(network-gap exception) and, where the No Surprises Act applies, under its "
        "protections.",
        "You processed this claim as out of network. [EXPLAIN WHY YOU COULD NOT USE AN "
        "IN-NETWORK PROVIDER - E.G. AN EMERGENCY, NO IN-NETWORK PROVIDER AVAILABLE, OR YOU "
        "DID NOT CHOOSE THIS PROVIDER]. I ask you to cover it at the in-network level and, "
        "if the No Surprises Act applies, to apply its protections.",
    ),
    Category.TIMELY_FILING: (
        "The claim was denied as filed after the plan's filing limit. It was filed on "
        "time: [GIVE THE DATE OF THE FIRST SUBMISSION AND HOW IT WAS SENT]. The enclosed "
        "proof of timely filing shows this.",
        "You denied this claim as filed too late. [ASK YOUR PROVIDER FOR THE DATE THE "
        "CLAIM WAS FIRST SENT AND THEIR PROOF OF TIMELY FILING]. Under my provider's "
        "contract a late-filing denial is usually not billable to me; please confirm what "
        "I owe.",
    ),
    Category.MISSING_DOCUMENTATION: (
        "The plan did not receive the documentation it requested. The requested "
        "documentation is enclosed; please reprocess the claim.",
        "You said you did not receive records you needed. The records are enclosed "
        "[OR: MY PROVIDER HAS SENT THEM ON (DATE)]; please reprocess the claim.",
    ),
    Category.CODING_ERROR: (
        "The denial relates to the codes billed and the coverage policy for the service. "
        "[STATE THE DIAGNOSIS DOCUMENTED IN THE RECORD, WHERE IT IS DOCUMENTED, AND HOW "
        "THE SERVICE MEETS THE COVERAGE POLICY (LCD/NCD OR PLAN POLICY)].",
        "You denied this claim because of how it was coded. [ASK YOUR PROVIDER WHETHER "
        "THEY WILL CORRECT THE CLAIM OR SUPPORT THIS APPEAL].",
    ),
    Category.BENEFIT_LIMIT: (
        "The plan applied a benefit limit. [STATE WHY THE LIMIT DOES NOT APPLY, WAS "
        "COUNTED INCORRECTLY, OR WHY AN EXCEPTION IS MEDICALLY NEEDED, FROM THE RECORD].",
        "You said I reached a limit on this benefit. [STATE WHY THE COUNT IS WRONG OR WHY "
        "YOU NEED MORE, AS YOUR PROVIDER EXPLAINED IT].",
    ),
    Category.DUPLICATE_CLAIM: (
        "The claim was denied as a duplicate. [EXPLAIN HOW THIS SERVICE DIFFERS FROM THE "
        "ONE ALREADY PROCESSED - DATE, SITE, UNITS OR A SEPARATE SESSION - AND GIVE THE "
        "OTHER CLAIM NUMBER].",
        "You denied this claim as a duplicate. [EXPLAIN WHY IT IS A DIFFERENT SERVICE, "
        "AS YOUR PROVIDER EXPLAINED IT].",
    ),
    Category.ELIGIBILITY: (
        "The claim was denied for eligibility. [STATE THE COVERAGE DATES ON FILE FOR THE "
        "DATE OF SERVICE AND ENCLOSE THE ELIGIBILITY RESPONSE].",
        "You said I was not covered on the date of service. [GIVE YOUR COVERAGE DATES "
        "AND ENCLOSE YOUR INSURANCE CARD].",
    ),
    Category.COORDINATION_OF_BENEFITS: (
        "The claim was denied for coordination of benefits. [STATE WHICH PAYER IS "
        "PRIMARY FOR THE DATE OF SERVICE]; the primary payer's EOB is enclosed.",
        "You denied this claim because of other insurance. [STATE WHICH INSURANCE IS "
        "PRIMARY, OR THAT YOU HAVE NO OTHER COVERAGE].",
    ),
    Category.NOT_A_DENIAL: (
        "[EXPLAIN WHAT IS BEING DISPUTED ON THIS NOTICE].",
        "[EXPLAIN WHAT YOU ARE DISPUTING ON THIS NOTICE].",
    ),
}
_ARGUMENT_DEFAULT = (
    "[EXPLAIN WHY THE DENIAL IS INCORRECT, ADDRESSING THE STATED REASON POINT BY POINT "
    "AND CITING THE ENCLOSURES].",
    "[EXPLAIN IN YOUR OWN WORDS WHY YOU BELIEVE THE DENIAL IS WRONG].",
)

_CATEGORY_WORDS: dict[str, str] = {
    Category.PRIOR_AUTHORIZATION: "prior authorization",
    Category.MEDICAL_NECESSITY: "medical necessity",
    Category.STEP_THERAPY: "step therapy",
    Category.MISSING_DOCUMENTATION: "missing documentation",
    Category.CODING_ERROR: "coding",
    Category.NOT_COVERED: "non-covered service",
    Category.EXPERIMENTAL_INVESTIGATIONAL: "experimental or investigational service",
    Category.BENEFIT_LIMIT: "benefit limit",
    Category.OUT_OF_NETWORK: "out-of-network",
    Category.TIMELY_FILING: "timely filing",
    Category.DUPLICATE_CLAIM: "duplicate claim",
    Category.ELIGIBILITY: "eligibility",
    Category.COORDINATION_OF_BENEFITS: "coordination of benefits",
    Category.NOT_A_DENIAL: "payment",
}

_DOC_WORDS = {
    DocumentType.DENIAL_LETTER: "denial letter",
    DocumentType.EOB: "Explanation of Benefits",
    DocumentType.REMITTANCE: "remittance advice",
    DocumentType.OTHER: "notice",
}


# --------------------------------------------------------------------------- model


@dataclass
class AppealDraft:
    """One letter draft. ``notes`` are for the writer and are not part of the letter."""

    voice: Voice
    title: str
    notes: list[str]
    header: list[str]  # sender, date, addressee
    subject: list[tuple[str, str]]  # (label, value) lines of the RE: block
    body: list[str]  # paragraphs
    enclosures: list[str]
    closing: list[str]
    placeholders: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        out: list[str] = ["NOTES FOR THE WRITER (delete this block before sending)"]
        out += [textwrap.fill(n, _WIDTH, initial_indent="- ", subsequent_indent="  ")
                for n in self.notes]
        out += ["-" * _WIDTH, ""]
        out += self.header + [""]
        out.append(f"RE: {self.title}")
        width = max(len(label) for label, _ in self.subject) + 1
        for label, value in self.subject:
            out.append(textwrap.fill(
                value, _WIDTH, initial_indent=f"    {label + ':':<{width}} ",
                subsequent_indent=" " * (width + 5), break_on_hyphens=False))
        out.append("")
        for para in self.body:
            out += [textwrap.fill(para, _WIDTH, break_on_hyphens=False), ""]
        out.append("Enclosures:")
        out += [textwrap.fill(e, _WIDTH, initial_indent=f"  {i}. ",
                              subsequent_indent=" " * (len(str(i)) + 4), break_on_hyphens=False)
                for i, e in enumerate(self.enclosures, 1)]
        out.append("")
        out += self.closing
        return "\n".join(out) + "\n"


def _code_lines(result: Result) -> list[str]:
    """Each denial code once, with the group when known and our short description."""
    from .codes import lookup

    labels: list[tuple[str, str]] = []  # (label, kind+code)
    seen: set[str] = set()
    for a in result.adjustments:
        if a.carc and a.carc not in seen and a.denied is not False:
            seen.add(a.carc)
            labels.append((f"{a.group}-{a.carc}" if a.group else a.carc, a.carc))
    groups = sorted(set(result.codes.group))
    for c in result.codes.carc:
        if c not in seen:
            seen.add(c)
            labels.append((f"{groups[0]}-{c}" if len(groups) == 1 else c, c))
    out = []
    for label, code in labels:
        info = lookup("CARC", code)
        out.append(f"{label} ({info.description})" if info else label)
    rarcs: list[str] = []
    for r in list(result.codes.rarc) + [x for a in result.adjustments for x in a.rarc]:
        if r not in rarcs:
            rarcs.append(r)
    for r in rarcs:
        info = lookup("RARC", r)
        out.append(f"{r} ({info.description})" if info else r)
    return out


def _services(result: Result) -> str | None:
    lines = [a for a in result.adjustments if a.denied and (a.cpt or a.amount)]
    if lines:
        parts = []
        for a in lines:
            bits = [a.cpt or "service"]
            if a.modifiers:
                bits.append("modifier " + "/".join(a.modifiers))
            if a.service_date:
                bits.append(f"on {a.service_date.isoformat()}")
            if a.amount is not None:
                bits.append(f"{_money(a.amount)} denied")
            parts.append(" ".join(bits))
        return "; ".join(parts)
    codes = list(dict.fromkeys(result.codes.cpt + result.codes.hcpcs))
    return ", ".join(codes) if codes else None


def amount_at_stake(result: Result) -> float | None:
    """Money at stake: the denied service lines' amounts (else their charges) when known,
    else the amount billed."""
    denied = [x for a in result.adjustments if a.denied and (x := a.dollars())]
    if denied:
        return round(sum(denied), 2)
    return result.amount_billed


def _deadline_phrase(result: Result) -> str | None:
    if result.appeal_deadline is None:
        return None
    d = _long(result.appeal_deadline)
    if result.deadline_basis == "stated":
        return f"{d} (the deadline stated in the notice)"
    if result.deadline_basis == "stated_rule":
        return f"{d} (from the time limit stated in the notice)"
    if result.deadline_basis == "stated_rule_receipt":
        return (f"{d} (the time limit stated in the notice, counted from its date; it runs "
                "from receipt, so it cannot close earlier)")
    return f"{d} (derived from the rule {result.deadline_basis}; not stated in the notice)"


def _enclosures(result: Result) -> list[str]:
    doc_word = _DOC_WORDS.get(result.document_type or DocumentType.OTHER, "notice")
    when = f" dated {_long(result.letter_date)}" if result.letter_date else ""
    out = [f"Copy of the {doc_word}{when}"]
    seen = {out[0].lower(), "copy of the denial"}
    upheld = _upheld(result)
    for rec in result.recommendations:
        if rec.action in _LATER_LEVEL_ACTIONS and not upheld:
            continue
        for d in rec.documents:
            low = d.lower()
            # "X" and "X with dates and outcomes" are one enclosure: keep the first
            if not any(low.startswith(s) or s.startswith(low) for s in seen):
                seen.add(low)
                out.append(d)
    out.append("[ANY OTHER ENCLOSURE - OR DELETE THIS LINE]")
    return out


def draft_appeal(
    result: Result, *, voice: Voice = "billing_office", today: date | None = None
) -> AppealDraft:
    """The letter draft for an ``ok`` Result, in the given voice."""
    if voice not in VOICES:
        raise ValueError(f"voice must be one of {VOICES}")
    if result.status != "ok":
        raise ValueError("no appeal draft for a failed document")
    today = today or date.today()
    bo = voice == "billing_office"
    title = _title(result, voice)
    category = result.category
    doc_word = _DOC_WORDS.get(result.document_type or DocumentType.OTHER, "notice")
    deadline = _deadline_phrase(result)
    services = _services(result)
    stake = amount_at_stake(result)
    codes = _code_lines(result)

    # --- notes for the writer
    notes = [
        "This is a draft generated from the extracted fields. Check every field against "
        "the original notice, fill in every bracketed item in capitals, and remove any "
        "sentence that does not apply. Do not add clinical facts that are not in the "
        "medical record.",
    ]
    if result.appeal_deadline:
        notes.append(
            f"Send by {result.appeal_deadline.isoformat()}: appeal deadline "
            f"({result.deadline_basis}); the payer must RECEIVE it by then, allow for mail."
        )
    else:
        notes.append("Appeal deadline unknown: find it in the notice or the plan documents.")
    if result.needs_review:
        notes.append("The triage of this document needs review: confirm the denial category "
                     f"({category.value if category else 'unclassified'}) before using "
                     "this draft.")
    if _plan_kind(result) == "medicare" and not _upheld(result):
        notes.append("Original Medicare: this letter or form CMS-20027 may be used; send it "
                     "to the contractor address on the notice.")
    notes.append("Send it the way the notice says (address, fax or portal) and keep proof "
                 "of the date sent.")

    # --- header
    provider = result.provider
    if bo:
        header = [_or(provider, "[PRACTICE / BILLING OFFICE NAME]"),
                  "[ADDRESS, PHONE, NPI, TAX ID]"]
    else:
        header = [_or(result.patient_name, "[YOUR NAME]"), "[YOUR ADDRESS AND PHONE]"]
    header += ["", _long(today), "",
               _or(result.payer, "[PAYER NAME]"),
               "Appeals / Reconsideration Department" if bo else "Appeals and Grievances",
               "[APPEALS ADDRESS OR FAX FROM THE NOTICE]"]

    # --- RE: block
    subject: list[tuple[str, str]] = [
        ("Patient" if bo else "Member", _or(result.patient_name, "[PATIENT NAME]")),
        ("Member ID", _or(result.member_id, "[MEMBER ID]")),
        ("Claim number", _or(result.claim_number, "[CLAIM NUMBER]")),
        ("Date(s) of service",
         ", ".join(d.isoformat() for d in result.service_dates) or "[DATE OF SERVICE]"),
    ]
    if not bo:
        subject.append(("Provider", _or(provider, "[PROVIDER NAME]")))
    subject.append(("Service(s)", services or "[SERVICE / PROCEDURE CODES]"))
    if stake is not None:
        subject.append(("Amount in dispute", _money(stake)))
    subject.append(("Date of notice", _or(result.letter_date, "[DATE OF THE NOTICE]")))
    if codes:
        subject.append(("Denial codes", "; ".join(codes)))
    subject.append(("Appeal deadline", deadline or "[APPEAL DEADLINE]"))

    # --- body
    salutation = "Dear Appeals Reviewer," if bo else "To the Appeals Department:"
    what = f"the {_CATEGORY_WORDS[category]} denial" if category in _CATEGORY_WORDS \
        else "the denial"
    notice = f"the {doc_word}" + (f" dated {_long(result.letter_date)}"
                                  if result.letter_date else "")
    if _upheld(result):
        opening = (
            f"{'We' if bo else 'I'} request the next level of review of the decision in "
            f"{notice}, which maintained the original denial of the claim above."
        )
    elif bo:
        opening = (
            f"On behalf of our patient, we request reconsideration of {what} of the claim "
            f"above, as set out in {notice}."
        )
    else:
        opening = f"I am writing to appeal {what} of the claim above, as set out in {notice}."
    if deadline:
        opening += (" This request is made within the appeal period."
                    if result.appeal_deadline and result.appeal_deadline >= today
                    else " [THE DEADLINE ABOVE HAS PASSED: GIVE THE GOOD CAUSE FOR LATE "
                         "FILING, OR DELETE THIS LETTER].")
    reason = (result.reason_text or "").strip()
    if reason:
        stated = ("The stated reason for the denial is: "
                  f"\u201c{reason}\u201d [CHECK THIS QUOTATION AGAINST THE NOTICE].")
    else:
        stated = ("The stated reason for the denial is: [QUOTE THE REASON EXACTLY AS IT "
                  "APPEARS IN THE NOTICE].")
    if codes:
        stated += " Denial codes: " + "; ".join(c.split(" (")[0] for c in codes) + "."
    argument = _ARGUMENT.get(category, _ARGUMENT_DEFAULT) if category else _ARGUMENT_DEFAULT
    body = [salutation, opening, stated, argument[0] if bo else argument[1]]
    if bo:
        body.append(
            "For these reasons we ask the plan to reverse the denial and process the claim "
            "for payment. Please contact [CONTACT NAME, PHONE AND EMAIL] with any questions "
            "or if anything further is needed."
        )
    else:
        body.append(
            "I ask you to reverse this decision and cover the claim. Please send me, free "
            "of charge, copies of all documents, records and criteria relevant to my claim. "
            "[IF WAITING COULD SERIOUSLY HARM YOUR HEALTH: I ASK FOR AN EXPEDITED (FAST) "
            "REVIEW - OTHERWISE DELETE THIS SENTENCE]. You can reach me at [YOUR PHONE "
            "NUMBER]."
        )
    closing = ["Sincerely,", "", "[SIGNATURE]",
               "[NAME, TITLE]" if bo else _or(result.patient_name, "[YOUR NAME]")]
    if not bo:
        closing.append("[IF AN ADVOCATE OR FAMILY MEMBER SIGNS: NAME, RELATIONSHIP, AND "
                       "ENCLOSE THE SIGNED AUTHORIZATION]")

    draft = AppealDraft(
        voice=voice, title=title, notes=notes, header=header, subject=subject, body=body,
        enclosures=_enclosures(result), closing=closing,
    )
    found = (" ".join(p.split()) for p in PLACEHOLDER_RE.findall(draft.text))
    draft.placeholders = list(dict.fromkeys(found))
    return draft


# --------------------------------------------------------------------------- PDF


def _markup(text: str) -> str:
    """Escape for reportlab paragraphs; highlight the placeholders."""
    parts, last = [], 0
    for m in PLACEHOLDER_RE.finditer(text):
        parts.append(escape(text[last:m.start()]))
        parts.append(f'<font backColor="#fff3a0">{escape(m.group(0))}</font>')
        last = m.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def draft_pdf(draft: AppealDraft) -> bytes:
    """The draft as a letter-size PDF (placeholders highlighted), deterministic bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    base = ParagraphStyle("base", fontName="Helvetica", fontSize=10.5, leading=14)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11,
                           textColor=colors.HexColor("#5a3d00"))
    bold = ParagraphStyle("bold", parent=base, fontName="Helvetica-Bold")
    para = ParagraphStyle("para", parent=base, spaceAfter=8)

    story: list = []
    note_rows = [[Paragraph("<b>Draft: notes for the writer (not part of the letter)</b>",
                            small)]]
    note_rows += [[Paragraph("\u2022 " + _markup(n), small)] for n in draft.notes]
    notes = Table(note_rows, colWidths=[6.5 * inch], hAlign="LEFT")
    notes.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff8e1")),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#e0b000")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    story += [notes, Spacer(1, 14)]
    for line in draft.header:
        story.append(Paragraph(_markup(line), base) if line else Spacer(1, 8))
    story.append(Spacer(1, 12))
    story.append(Paragraph(f"RE: {_markup(draft.title)}", bold))
    rows = [[Paragraph(escape(label), base), Paragraph(_markup(value), base)]
            for label, value in draft.subject]
    table = Table(rows, colWidths=[1.45 * inch, 5.05 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    story += [Spacer(1, 4), table, Spacer(1, 12)]
    story += [Paragraph(_markup(p), para) for p in draft.body]
    enc = [Paragraph("Enclosures:", bold)]
    enc += [Paragraph(f"{i}. {_markup(e)}", base) for i, e in enumerate(draft.enclosures, 1)]
    story += [KeepTogether(enc), Spacer(1, 14)]
    story += [Paragraph(_markup(line), base) if line else Spacer(1, 18)
              for line in draft.closing]

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=letter, leftMargin=inch, rightMargin=inch, topMargin=0.8 * inch,
        bottomMargin=0.8 * inch, title=draft.title, author="", subject="", creator="",
        producer="", invariant=1,
    )
    doc.build(story)
    return buf.getvalue()


# --------------------------------------------------------------------------- files


def write_drafts(
    records: Iterable[dict], out_dir: Path, *, today: date | None = None
) -> int:
    """Write the missing draft files for records whose ``appeal_draft`` is set.

    Existing files are left alone: the writer may have edited them (delete a draft
    to have it generated again). Returns the number of files written.
    """
    written = sum(write_record_drafts(rec, out_dir, today=today) for rec in records)
    if written:
        log.info("appeal drafts written: %d file(s)", written)
    return written


def write_record_drafts(
    record: Result | dict, out_dir: Path, *, today: date | None = None
) -> int:
    """Write the missing draft files of one record (a ``Result`` or its JSON dict).

    Called by the worker that triaged the document, as soon as it is done (so the
    PDFs are rendered in parallel), and again by ``ResultWriter.finalize`` for any
    that are still missing. Never raises for a bad record: it is logged (without
    the record's content) and the batch goes on. Returns the number of files written.
    """
    from .output import atomic_write

    if isinstance(record, Result):
        rel, status = record.appeal_draft, record.status
    else:
        rel, status = record.get("appeal_draft"), record.get("status")
    if not rel or status != "ok":
        return 0
    if not _SAFE_REL_RE.match(rel):  # only ever appeals/<hex>.txt, never outside DIR
        log.warning("ignored an appeal_draft path that is not ours")
        return 0
    out_dir = Path(out_dir)
    todo = {k: out_dir / p for k, p in draft_paths(rel).items() if not (out_dir / p).exists()}
    if not todo:
        return 0
    written = 0
    try:  # one bad record must not cost the batch its other drafts and its report
        (out_dir / APPEALS_DIR).mkdir(mode=0o700, exist_ok=True)
        result = record if isinstance(record, Result) else Result.model_validate(record)
        for voice in VOICES:
            need = [(ext, path) for (v, ext), path in todo.items() if v == voice]
            if not need:
                continue
            draft = draft_appeal(result, voice=voice, today=today)
            for ext, path in need:
                atomic_write(path, draft.text if ext == "txt" else draft_pdf(draft))
                written += 1
    except Exception as exc:  # logged without the record's content
        log.error("appeal draft not written for %s (%s)", draft_key(rel.split("/")[-1]),
                  type(exc).__name__)
    return written
