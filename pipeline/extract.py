"""Extraction stage: document text -> :class:`pipeline.datamodel.Extraction`.

``extract(text)`` is a pure function of the document's text (pages joined by
``"\\n\\f\\n"``). It never raises: any internal failure degrades to a partial or empty
``Extraction`` and is logged without letter text (counts only; PHI never reaches logs).

What is read, and from where
----------------------------
* **Service lines** (``adjustments``) by :mod:`pipeline.tables` (grid rows, wrapped
  rows, key-value blocks, vouchers). ``denied`` is False for payment adjustments
  (CO-45, PR-1/2/3 and the other "payment_adjustment" CARCs), True for any other
  adjustment reason, and for uncoded lines True only when the line says so ("denied",
  "not covered") or nothing was allowed or paid.
* **Codes** (``codes``): CARC/RARC/group codes of denied or reduced lines plus those
  stated in prose ("CO-197", "Reason code 50", "remark code N706") and in the document's
  code legend. Payment-adjustment codes are reported only when the document holds no
  denial code at all (so a paid EOB reports nothing, and a letter about a CO-45
  underpayment still reports CO-45). CPT/HCPCS only from service lines or right after a
  keyword ("CPT", "HCPCS", "procedure", "service code", "code" - not "ZIP code",
  "reason code", ...). ICD-10-CM when dotted anywhere, or undotted after a diagnosis
  keyword; always validated with ``simple_icd_10_cm``. NDC only when labelled NDC or
  on a line about a drug.
* **Legend**: payer-specific codes ("7J", "X4") defined in the document's own code
  legend go to ``legend``; standard CARC/RARC definitions found there feed ``codes``.

Fields
------
* ``patient_name`` is normalised to **"First Last"**: "LAST, FIRST M" and "First M. Last"
  both become "First Last" (middle initials dropped, all-caps words capitalised, a
  "Jr."/"III" suffix kept). Read from a labelled field ("Patient:", "Name:", or a label
  cell with no colon on a line of its own), a voucher NAME column, then the salutation.
* Label values (provider, payer, patient) stop at the next label on the same line
  ("... Date of service:", "... Provider NPI:") and take a short capitalised fragment
  left alone on the next line as the wrapped end of the value.
* ``service_dates`` come from the denied service lines when any line is denied (all
  lines otherwise) plus dates stated in prose ("Date of service", "Service: X on <date>",
  "received from <provider> on <date>").
* Only ASCII digits count in codes, dates, amounts and IDs; an amount over 12 integer
  digits is not money.

Document type rule
------------------
Decided by the title zone (first lines) first, then by the whole text:

* ``remittance``: provider-facing payment advice ("Remittance Advice", ERA, provider
  payment voucher, check/EFT trace, payee).
* ``eob``: member-facing claim statement ("Explanation of Benefits", "This is not a
  bill", Medicare Summary Notice).
* ``denial_letter``: any letter about a specific claim, service, drug or authorisation
  decision or its appeal - denials, partial approvals, *approvals*, appeal
  acknowledgements and decisions, requests for records. The form is the same; whether
  it is a denial at all is the classifier's job (``not_a_denial``).
* ``other``: everything else (newsletters, policy bulletins, ID-card or marketing mail,
  empty or unreadable text).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from pipeline.datamodel import Adjustment, Codes, DocumentType, Extraction
from pipeline.normalize import (
    GROUP_CARC_RE,
    find_dates,
    find_money,
    fix_id_ocr,
    is_modifier,
    isdigits,
    norm_carc,
    norm_group,
    norm_icd10,
    norm_ndc,
    norm_proc,
    norm_rarc,
    ocr_icd10,
    parse_date,
    parse_group_carc,
    scrubbed_exc_info,
)
from pipeline.tables import Row, TableResult, parse_tables

logger = logging.getLogger(__name__)

__all__ = ["extract", "is_payment_adjustment", "person_name", "PAYMENT_ADJUSTMENT_CARCS"]

PAGE_BREAK = "\n\f\n"

#: CARCs that are normal payment adjustments, not denials (reference §1.2).
PAYMENT_ADJUSTMENT_CARCS = frozenset(
    [
        "1",
        "2",
        "3",
        "23",
        "24",
        "45",
        "59",
        "66",
        "94",
        "100",
        "101",
        "104",
        "131",
        "133",
        "147",
        "172",
        "187",
        "209",
        "246",
        "253",
        "303",
    ]
)

# ---------------------------------------------------------------------------
# Optional code table (pipeline/codes.py, written by another engineer)
# ---------------------------------------------------------------------------

_code_table: dict[tuple[str, str], object] | None = None
_code_table_loaded = False


def _codes() -> dict[tuple[str, str], object] | None:
    global _code_table, _code_table_loaded
    if not _code_table_loaded:
        _code_table_loaded = True
        try:
            from pipeline.codes import load_code_table  # type: ignore[import-not-found]

            _code_table = dict(load_code_table())
        except Exception:
            _code_table = None
            logger.debug("code table unavailable; CARC/RARC checked by format only")
    return _code_table


def _known(kind: str, code: str) -> bool:
    """True if the code is in the code table, or the table is unavailable/empty."""
    table = _codes()
    if not table:
        return True
    return (kind, code) in table


def is_payment_adjustment(group: str | None, carc: str) -> bool:
    """CO-45, PR-1/2/3 and similar: the claim was paid, just adjusted."""
    table = _codes()
    if table:
        info = table.get(("CARC", carc))
        cat = getattr(info, "category", None)
        if cat is not None:
            return str(cat) in ("payment_adjustment", "not_a_denial")
    return carc in PAYMENT_ADJUSTMENT_CARCS


# ---------------------------------------------------------------------------
# Regexes for prose
# ---------------------------------------------------------------------------

_CARC_LIST_CODE = (
    r"(?:(?:CO|PR|OA|PI|CR|C0)\s?[-‐–]?\s?)?(?:[ABDPWY][0-9]{1,2}|[0-9OIl]{1,3}|MA[0-9]{2,3}|[MN][0-9]{1,3})"
    r"(?![\w]|[.,][0-9])"
)
_REASON_LABEL_RE = re.compile(
    r"(?i:\b(?:claim\s+)?(?:adj(?:ustment)?\.?\s+)?reason\s+codes?|\bCARCs?\b|"
    r"\badj(?:ustment)?\.?\s+reason(?:\s+codes?)?|\bdenial\s+codes?|\badj(?:ustment)?\s+codes?|"
    r"\bgroup\s*/\s*reason(?:\s+codes?)?)"
    r"\s*(?:\(s\))?\s*(?:[:#=]|-(?![0-9])|\bis\b|\bof\b)?\s*"
    rf"(?P<list>{_CARC_LIST_CODE}(?:\s*(?:,|/|&|;|\band\b)\s*{_CARC_LIST_CODE})*)"
)
_GROUP_AFTER_RE = re.compile(r"\s*\(\s*group\s*:?\s*(CO|PR|OA|PI|CR)\s*\)")
#: "Code: 198 (group CO)": a code with its group in parentheses needs no label
_CODE_GROUP_PAREN_RE = re.compile(
    r"(?<![\w.$/,-])(?P<c>[0-9]{1,3}|[ABDPWY][0-9]{1,2})\s*\(\s*group\s*:?\s*(?P<g>CO|PR|OA|PI|CR)\s*\)"
)
_RARC_CODE = r"(?:MA[0-9OIl]{2,3}|[MN][0-9OIl]{1,3})(?![\w]|[.,][0-9])"
_PAYER_CODE = r"(?:[A-Z0-9]{1,5})"
_REMARK_LABEL_RE = re.compile(
    r"(?i:\bremark\s+codes?|\bRARCs?\b|\bremarks?|\bLQ\*HE\*?|\bREM\b|\bmessage\s+codes?)"
    r"\s*(?:\(s\))?\s*[:#=-]?\s*"
    rf"(?P<list>{_PAYER_CODE}(?![\w])(?:\s*(?:,|/|&|;|\band\b)\s*{_PAYER_CODE}(?![\w]))*)"
)
_RARC_AFTER_CARC_RE = re.compile(
    rf"(?:CO|PR|OA|PI|CR)\s?-?\s?(?:[ABDPWY][0-9]{{1,2}}|[0-9]{{1,3}})\s*(?:[/,+&]|\band\b|\bwith\b)\s*"
    rf"(?P<r>{_RARC_CODE})"
)
_PROC_IN_LIST = (
    r"(?:[0-9OIl]{4}[0-9FTUOIl]|[A-CEGHJ-MP-V][0-9OIlSsB]{4})(?:\s?[-:]\s?[A-Z0-9]{2}){0,4}"
    r"(?:\s+[A-Z0-9]{2}(?=[\s,;.)]|$)){0,2}"
)
_PROC_KEYWORD_RE = re.compile(
    r"(?P<kw>\b(?i:CPT(?:®|\(R\))?(?:\s*/\s*HCPCS)?|HCPCS(?:\s*/\s*CPT)?|procedur[ea]s?|"
    r"service\s+codes?|(?:requested\s+|approved\s+|denied\s+)?services?(?:\s+billed)?(?=\s*[:;])|"
    r"proc\.?|"
    r"item(?=\s*:)|"
    r"(?P<codeword>codes?)))"
    r"(?i:\s*(?:\(s\))?\s*(?:codes?|numbers?|no\.?)?\s*(?:\(s\))?)\s*(?:[:#]|(?<=[Ss]ervice);)?\s*(?:#\s*)?"
    rf"(?P<list>{_PROC_IN_LIST}(?:\s*(?:,|/|&|;|\band\b|\bor\b)\s*{_PROC_IN_LIST})*)"
    r"(?![\w.,/-][0-9]|\w)"
)
_NOT_PROC_CODE_WORDS = {
    "zip",
    "postal",
    "area",
    "reason",
    "remark",
    "diagnosis",
    "diagnostic",
    "icd",
    "icd-10",
    "adjustment",
    "group",
    "access",
    "pin",
    "bar",
    "ndc",
    "revenue",
    "denial",
    "claim",
    "message",
    "security",
    "promo",
    "country",
    "state",
    "tax",
    "discount",
    "status",
    "place",
    "pos",
    "dx",
    "rarc",
    "carc",
    "authorization",
    "auth",
    "reference",
    "member",
    "verification",
    "payer",
    "plan",
    "bin",
    "pcn",
    "employer",
}
_ICD_DOTTED_RE = re.compile(
    r"(?<![\w.$-])([A-TV-Z][0-9OIl][0-9A-Z]\.[0-9A-Z]{1,4})(?![\w]|\.[0-9])"
)
_ICD_CODE = r"[A-TV-Z][0-9OIl][0-9A-Z](?:\.?[0-9A-Z]{1,4})?"
_ICD_KEYWORD_RE = re.compile(
    r"(?i:\b(?:diagnos[ie]s(?:\s+codes?)?|dx(?:\s+codes?)?|ICD[-\s]?10(?:[-\s]?CM)?(?:\s+codes?)?|"
    r"ICD(?:\s+codes?)?|diag(?:\s+codes?)?))"
    r"\s*(?:\(s\))?\s*(?:[0-9]\s*)?[:#]?\s*"
    rf"(?P<list>{_ICD_CODE}(?![\w])(?:\s*(?:,|/|&|;|\band\b)\s*{_ICD_CODE}(?![\w]))*)"
)
#: one diagnosis code right after its label, as fax OCR garbles it ("Diagnosis: MS54.16",
#: "Diagnosis on request: M47,816", "DIAG MS4.50"); repaired only to a valid code
_ICD_OCR_LABEL_RE = re.compile(
    r"(?i:\b(?:diagnosis|diag|dx)(?:\s+(?:codes?|on\s+(?:the\s+)?(?:claim|request)))?\s*[:;]?)"
    r"[ \t]*(?P<tok>[A-Za-z0-9][A-Za-z0-9|]{2,3}(?:[.,]{1,2}|[.,] )(?:[0-9A-Za-z|)\]]|\(\)){1,4})"
    r"(?![\w.,])"
)
_NDC_FORM = r"[0-9]{4,5}\s?[-‐–]\s?[0-9]{3,4}\s?[-‐–]\s?[0-9]{1,2}|[0-9]{11}"
_NDC_LABEL_RE = re.compile(
    rf"(?i:\bNDC\b(?:\s*(?:code|number|#|no\.?))?|\bN4)\s*[:#]?\s*(?P<v>{_NDC_FORM})(?![0-9-])"
)
_NDC_HYPHEN_RE = re.compile(r"(?<![0-9-])([0-9]{4,5}-[0-9]{3,4}-[0-9]{1,2})(?![0-9-])")
_DRUG_CONTEXT_RE = re.compile(
    r"(?i)\b(?:drug|medication|medicine|injection|vial|tablets?|capsules?|mg|mcg|ml|"
    r"prescription|rx|pharmacy|formulary|dose|patch(?:es)?|infusion|syringe|pen)\b"
)

# ---------------------------------------------------------------------------
# Legend
# ---------------------------------------------------------------------------

_LEGEND_HEAD_RE = re.compile(
    r"(?i)^\s*(?:[*=#]{2,}\s*)?(?:(?:explanation|description|definitions?|meaning)\s+of\s+)?"
    r"(?:(?:claim\s+)?(?:adjustment\s+)?(?:remark|reason|adjustment|message|denial|payer|"
    r"explanation|service|eob|note|group)\s*(?:/\s*\w+\s*)?codes?(?:\s+(?:descriptions?|"
    r"explanations?|legend|glossary|key))?|codes?\s+(?:legend|key|descriptions?|explanations?|"
    r"glossary)|legend|glossary|what\s+(?:the|these)\s+(?:[a-z]+\s+){0,2}codes\s+mean|notes?|remarks?)"
    r"\s*(?:[*=#]{2,}\s*)?(?:$|:(?P<rest>.*)$)"
)
_LEGEND_ENTRY_RE = re.compile(
    r"^\s*[\(\[]?(?P<code>(?:(?:CO|PR|OA|PI|CR)\s?[-‐–]?\s?)?[A-Z0-9]{1,5})[\)\]]?"
    r"(?:\s*[-‐–—:=]\s*|\s{2,}|\s(?=[A-Z\"'(]))(?P<meaning>[A-Za-z\"'(].{3,})$"
)


class _Legend:
    def __init__(self) -> None:
        self.payer: dict[str, str] = {}
        self.carc: list[tuple[str | None, str]] = []  # (group, carc)
        self.rarc: list[str] = []
        self.meanings: dict[str, str] = {}  # code (and group-code) -> meaning
        self.lines: set[int] = set()
        self.groups: list[str] = []  # group codes the legend defines ("CO Contractual ...")


def _classify_legend_code(raw: str) -> tuple[str, str | None, str] | None:
    """('CARC', group, code) | ('RARC', None, code) | ('PAYER', None, code) | None."""
    s = re.sub(r"\s+", "", raw.upper())
    m = re.fullmatch(r"(CO|PR|OA|PI|CR)[-‐–]?([A-Z0-9]{1,3})", s)
    if m:
        c = norm_carc(m.group(2))
        return ("CARC", m.group(1), c) if c else None
    r = norm_rarc(s) if re.fullmatch(r"(MA|M|N)[0-9]{1,3}", s) else None
    if r:
        return ("RARC", None, r)
    if re.fullmatch(r"[0-9]{1,3}", s):
        c = norm_carc(s)
        if c and _known("CARC", c):
            return ("CARC", None, c)
        return ("PAYER", None, s)
    if re.fullmatch(r"[ABDPWY][0-9]{1,2}", s) and _codes() and _known("CARC", s):
        return ("CARC", None, s)
    if s in ("C0", "0A", "CO", "PR", "OA", "PI", "CR"):
        return None
    if 2 <= len(s) <= 4 and re.fullmatch(r"[A-Z0-9]+", s):
        return ("PAYER", None, s)
    return None


def _parse_legend(lines: list[str], skip: set[int]) -> _Legend:
    leg = _Legend()
    in_block = False
    misses = 0
    last_code: str | None = None
    for i, line in enumerate(lines):
        if i in skip:
            in_block = False
            continue
        head = _LEGEND_HEAD_RE.match(line)
        if head and len(line.strip()) < 80:
            in_block, misses, last_code = True, 0, None
            rest = (head.group("rest") or "").strip()
            if rest:
                last_code = _legend_entry(rest, leg, i, in_block=True)
            else:
                leg.lines.add(i)
            continue
        if not line.strip():
            # OCR puts blank lines between entries: one blank line does not end the
            # block, two in a row do
            if in_block and i > 0 and not lines[i - 1].strip():
                in_block = False
            last_code = None
            continue
        code = _legend_entry(line, leg, i, in_block=in_block)
        if code is not None:
            misses, last_code = 0, code
            continue
        if (
            in_block
            and last_code is not None
            and (
                line[:1].isspace()
                or line.strip()[:1].islower()
                # a meaning cut mid-sentence: "... send it to Brightwater" / "Health Cooperative."
                or not re.search(r"[.!?):]\s*$", leg.meanings.get(last_code, "."))
            )
        ):
            # wrapped meaning
            leg.meanings[last_code] = (leg.meanings[last_code] + " " + line.strip())[:300]
            if last_code in leg.payer:
                leg.payer[last_code] = leg.meanings[last_code]
            leg.lines.add(i)
            continue
        if in_block:
            misses += 1
            if misses >= 2:
                in_block = False
        last_code = None
    for group, code in list(leg.carc):
        meaning = leg.meanings.get(code, "")
        if group is None and any(c != code for _, c in _standard_codes(meaning)[0]):
            # "23 No approval on file ... (Standard code CO-197)": a payer's own code
            # that looks like a CARC, defined by the standard code it stands for
            leg.carc.remove((group, code))
            leg.payer[code] = meaning
    return leg


#: a legend entry defining a group code, told by its meaning (OCR often garbles the code
#: itself: "(ale) Contractual obligation", "20 CONTRACTUAL OBLIGATION")
_GROUP_ENTRY_RE = re.compile(
    r"(?i)^\s*\S{1,5}\s+(?P<meaning>(?:(?P<CO>contractual\s+obligations?)|(?P<PR>patient\s+responsibility)|"
    r"(?P<OA>other\s+adjustments?)|(?P<PI>payer\s+initiated\s+reductions?)|"
    r"(?P<CR>corrections?\s+(?:and|&)\s+reversals?)))\s*\.?\s*$"
)


def _legend_entry(line: str, leg: _Legend, i: int, in_block: bool) -> str | None:
    gm = _GROUP_ENTRY_RE.match(line) if in_block else None
    if gm:
        g = next(k for k in ("CO", "PR", "OA", "PI", "CR") if gm.group(k))
        if g not in leg.groups:
            leg.groups.append(g)
        leg.meanings[g] = gm.group("meaning").strip()[:300]
        leg.lines.add(i)
        return g
    m = _LEGEND_ENTRY_RE.match(line)
    if not m:
        return None
    kind = _classify_legend_code(m.group("code"))
    if kind is None:
        return None
    meaning = m.group("meaning").strip()[:300]
    k, group, code = kind
    gm = _GROUP_AFTER_RE.match(meaning)
    if gm and k in ("CARC", "PAYER") and group is None and norm_carc(code):
        # "279 (group PR) (not a preferred provider)": the entry names its group
        k, group, code = "CARC", gm.group(1), norm_carc(code) or code
        meaning = meaning[gm.end() :].strip() or meaning
    if not in_block:
        # outside an explicit legend only unambiguous code forms count
        if not (k == "RARC" or (k == "CARC" and group)):
            return None
        if find_money(meaning) or len(meaning) < 8:
            return None
    if k == "PAYER":
        if not any(isdigits(c) for c in code) and len(code) > 3:
            return None
        leg.payer[code] = meaning
    elif k == "CARC":
        leg.carc.append((group, code))
    else:
        leg.rarc.append(code)
    key = f"{group}-{code}" if group else code
    leg.meanings[key] = meaning
    leg.lines.add(i)
    return key


# ---------------------------------------------------------------------------
# Document type and plan type
# ---------------------------------------------------------------------------

_REMIT_RE = re.compile(
    r"(?i)\b(?:remittance\s+advice|electronic\s+remittance|\bERA\b|provider\s+remittance|"
    r"remittance\s+(?:summary|voucher|notice)|payment\s+voucher|provider\s+payment\s+"
    r"(?:summary|voucher|advice)|provider\s+voucher|check\s*/\s*eft|eft\s+(?:trace|number|#)|"
    r"check\s+(?:number|no\.?|#)|payee\s+(?:name|id|npi)|\bpayee\b|prov\s+pd|"
    r"claim\s+totals|provider\s+adj(?:ustment)?s?\s+(?:summary|details))"
)
_REMIT_TITLE_RE = re.compile(
    r"(?i)\b(?:remittance\s+advice|electronic\s+remittance|provider\s+remittance|remittance\s+"
    r"(?:summary|voucher)|payment\s+voucher|provider\s+payment\s+(?:summary|voucher|advice)|ERA|"
    # a bill review's explanation of review (workers' comp, auto PIP): the carrier's remit
    r"explanation\s+of\s+review)\b"
)
_EOB_RE = re.compile(
    r"(?i)\b(?:explanation\s+of\s+benefits|this\s+is\s+not\s+a\s+bill|\bEOB\b|medicare\s+summary"
    r"\s+notice|what\s+you\s+(?:may\s+)?owe|amount\s+you\s+(?:may\s+)?owe|your\s+share|"
    r"member\s+statement|claim\s+summary\s+for)"
)
_EOB_TITLE_RE = re.compile(
    r"(?i)\b(?:explanation\s+of\s+benefits|this\s+is\s+not\s+a\s+bill|medicare\s+summary\s+notice|"
    r"EOB|member\s+claim\s+details?)\b"
)
_LETTER_RE = re.compile(
    r"(?i)\b(?:dear\b|sincerely|denied|denial|adverse\s+(?:benefit\s+)?determination|"
    r"not\s+(?:approved|covered|medically\s+necessary)|we\s+(?:have\s+)?(?:reviewed|received|"
    r"approved|decided)|your\s+(?:appeal|request|claim)|appeal(?:s|ed)?|reconsideration|"
    r"redetermination|prior\s+authori[sz]ation|pre-?certification|coverage\s+determination|"
    r"decision|approved|approval|request\s+for\s+(?:information|records))\b"
)
_LETTER_TITLE_RE = re.compile(
    r"(?i)\b(?:notice\s+of\s+(?:denial|adverse|action|decision|determination|non-?coverage)|"
    r"adverse\s+(?:benefit\s+)?determination|denial\s+(?:notice|letter)|"
    r"(?:coverage|authori[sz]ation|appeal|utili[sz]ation\s+review)\s+(?:determination|decision)|"
    r"integrated\s+denial\s+notice|dear\b)"
)


_ADVERSE_RE = re.compile(
    r"(?i)\b(?:we\s+(?:have\s+)?(?:denied|deny|reduced|did\s+not\s+approve|will\s+not\s+(?:pay|cover)|"
    r"cannot\s+(?:approve|cover|authori[sz]e)|are\s+(?:unable|not\s+able)\s+to\s+(?:approve|pay|cover))|"
    r"(?:was|is|has\s+been|were|are|have\s+been)\s+(?:denied|reduced|rejected|non-?certified|"
    r"not\s+(?:approved|covered|certified|medically\s+necessary|payable|a\s+covered))|"
    r"adverse\s+(?:benefit\s+)?determination|notice\s+of\s+(?:denial|non-?coverage)|"
    r"non-?certified|not\s+medically\s+necessary|denial\s+(?:notice|letter|of\s+(?:coverage|payment|"
    r"your))|decision\s*:?\s*denied|(?:upheld|uphold)\s+(?:our|the)\s+(?:original\s+)?(?:decision|denial)|"
    r"(?:decision|determination|denial)\s+(?:is|was|has\s+been|remains)\s+upheld|"
    r"remains?\s+(?:unpaid|denied|not\s+covered)|"
    r"integrated\s+denial\s+notice|excluded\s+(?:under|from)\s+your|"
    r"(?:could|can)\s*not\s+approve|we\s+(?:do|will)\s+not\s+(?:cover|pay|approve)|"
    r"not\s+certified|claim\s+(?:denial|rejection)|rejection\s+notice|"
    r"(?:decision|determination|result|outcome|status)\s*:\s*(?:not\s+certified|non-?certified|"
    r"not\s+approved|denied|not\s+covered)|"
    r"we\s+are\s+dismissing|(?:was|is|has\s+been)\s+dismissed|notice\s+of\s+dismissal|"
    r"(?:are|is|was|were)\s+not\s+eligible\s+for\s+(?:reimbursement|payment|coverage)|"
    # "It was closed on 2/24/2026 with no payment"
    r"(?:was|were|has\s+been|have\s+been)\s+(?:closed|processed|finali[sz]ed|adjudicated)\b"
    r"[^.\n]{0,30}?\bwith\s+(?:no|zero|\$0(?:\.00)?)\s+payment|"
    r"closed\s+without\s+(?:any\s+)?payment|"
    r"(?:was|were|is|are|has\s+been|have\s+been)\s+not\s+paid|"
    r"we(?:'re|\s+are)\s+(?:unable|not\s+able)\s+to\s+(?:pay|approve|cover)|"
    r"we\s+(?:can't|cannot|can\s+not|couldn't|could\s+not)\s+(?:pay|cover|approve))\b"
)
_APPROVAL_RE = re.compile(
    r"(?i)\b(?:(?:was|is|has\s+been|have\s+been)\s+approved|we\s+(?:have\s+)?approved|"
    r"request\s+(?:is|was)\s+approved|approval\s+(?:letter|notice)|good\s+news|"
    r"(?:revers(?:ed|ing)|overturn(?:ed|ing))\s+(?:our|the)\s+(?:earlier\s+|original\s+|"
    r"previous\s+|prior\s+|initial\s+)?(?:decision|determination|denial)|"
    r"(?:decided|decision)\s+(?:is\s+)?in\s+your\s+favou?r|fully\s+favou?rable|"
    r"accept(?:s|ed)?\s+(?:your|the)\s+claim|claim\s+(?:is|was|has\s+been)\s+accepted|"
    r"notice\s+of\s+compensation\s+payable|"
    # a payment notice ("the drug line has now been paid ... No action is needed")
    r"no\s+action\s+is\s+(?:needed|required)|(?:has|have)\s+now\s+been\s+paid)\b"
)
#: A decision reversed in full: the earlier denial it recounts is not this letter's.
_REVERSAL_RE = re.compile(
    r"(?i)\b(?:revers(?:ed|ing)|overturn(?:ed|ing))\s+(?:our|the)\s+(?:earlier\s+|original\s+|"
    r"previous\s+|prior\s+|initial\s+)?(?:decision|determination|denial)|fully\s+favou?rable\b"
)
_PARTIAL_RE = re.compile(
    r"(?i)\b(?:partially\s+favou?rable|in\s+part\b|partly|upheld|uphold|remains?\s+(?:denied|"
    r"unpaid|not\s+covered))"
)
_ACK_RE = re.compile(
    r"(?i)\b(?:we\s+(?:have\s+)?(?:received|got)\s+(?:your|the|a(?:\s+new)?)\s+(?:appeal|request|grievance|"
    r"reconsideration|claim)|acknowledg(?:e|es|ing|ment)\s+(?:of\s+)?(?:receipt|your)|"
    r"claim\s+acknowledge?ment)"
)
_PENDING_RE = re.compile(
    r"(?i)\bwill\s+(?:send\s+you\s+(?:our|a)\s+decision|review\s+your|look\s+at\s+your|"
    r"make\s+a\s+decision|decide)|\baccepted\s+for\s+processing\b|"
    r"\bnot\s+a\s+payment\s+decision\b|\bwhen\s+processing\s+is\s+complete\b|"
    # "We got a new claim and we're working on it", "Status: Received - in process"
    r"\bwe(?:'re|’re|\s+are)\s+(?:working\s+on|processing)\s+(?:it|your\s+claim)\b|"
    r"\bstatus\s*:\s*(?:received|pending)\b"
)


#: Review rights are offered only against an adverse decision: an appeal, a provider's
#: reconsideration request, a workers' comp utilization review's independent medical review.
_APPEAL_RIGHTS_RE = re.compile(
    r"(?i)\b(?:your\s+right\s+to\s+(?:appeal|a\s+(?:review|reconsideration))|"
    r"if\s+you\s+disagree\b|"
    r"you\s+(?:may|can)\s+(?:ask\s+for|request|file)\s+an?\s+(?:[\w-]+\s+){0,2}appeal|"
    r"\b(?:member|patient|enrollee|prescriber|provider)\b[^.]{0,60}\bmay\s+appeal\b|"
    r"\bappeals?\s+must\s+(?:reach\s+us|be\s+(?:received|filed|sent|made))|"
    r"\bask\s+(?:us\s+)?(?:for\s+)?a\s+review\s+of\s+this\s+decision|"
    r"\bask\s+us\s+to\s+take\s+another\s+look|\bthis\s+is\s+called\s+an\s+appeal|"
    r"(?:request|ask\s+for|apply\s+for|application\s+for)\s+(?:an?\s+)?independent\s+"
    r"(?:medical\s+)?review|"
    r"(?:send|submit|file)\s+(?:your|a)\s+(?:reconsideration|redetermination)\s+request|"
    r"to\s+send\s+your\s+(?:reconsideration|redetermination|appeal)\b)"
)


def _adverse_count(text: str) -> int:
    """Adverse-decision statements of the letter itself (quotes and boilerplate left out)."""
    body = re.sub(r"[\"“][^\"”]{0,600}[\"”]", " ", text)
    n = 0
    for sent in _sentences(body):
        if _BOILERPLATE_RE.search(sent):
            continue
        if re.search(
            r"(?i)\b(?:will|may|could|might)\s+be\s+denied|to\s+avoid|if\s+(?:we|your)|"
            r"(?:original|earlier|previous|prior)\s+(?:decision|determination|denial)\s+"
            r"(?:said|was|stated|found)|"
            # what happened to a claim this one replaces
            r"\b(?:on|for|in)\s+the\s+(?:original|earlier|previous|prior|replaced)\s+claim\b|"
            # negated: "it does not mean that any claim has been denied"
            r"\bdoes\s+not\s+mean\b|\b(?:has|have|was|were)\s+not\s+(?:yet\s+)?been\s+denied|"
            r"\bno\s+(?:claim|decision)\s+has\s+(?:yet\s+)?been\b", sent
        ):
            continue
        # a label with nothing under it ("Non-certified items: None") states no decision
        n += sum(1 for m in _ADVERSE_RE.finditer(sent)
                 if not re.match(r"(?i)[\w\s]{0,20}:\s*(?:none|n/?a|0)\b", sent[m.end():]))
    return n


_STATEMENT_TITLE_RE = re.compile(
    r"(?im)^[ \t]*(?:patient\s+|billing\s+|account\s+)?statement(?:\s+of\s+account)?[ \t]*$|"
    r"^[ \t]*statement\s+of\s+account\b"
)
_EOB_REFERENCE_RE = re.compile(
    r"(?i)\b(?:an|the|your|a\s+new|the\s+new|your\s+next|a\s+separate)\s+$"
)


def _document_type(text: str, lines: list[str], table: TableResult) -> DocumentType:
    head = "\n".join(lines[:15])
    # an acknowledgement of mail still pending decides nothing, whatever it mentions
    if (_ACK_RE.search(text) and _PENDING_RE.search(text) and not _adverse_count(text)
            and not any(_row_is_denied(r) for r in table.rows)):
        return DocumentType.OTHER
    firsts: list[tuple[int, DocumentType]] = []
    for rx, dt in ((_REMIT_TITLE_RE, DocumentType.REMITTANCE), (_EOB_TITLE_RE, DocumentType.EOB)):
        m = next((m for m in rx.finditer(head) if dt != DocumentType.EOB
                  or not _EOB_REFERENCE_RE.search(head[max(0, m.start() - 20) : m.start()])), None)
        if m:
            firsts.append((m.start(), dt))
    if firsts:
        return min(firsts, key=lambda t: t[0])[1]
    # a letter that approves or reverses, denies nothing and has no claim table: an EOB
    # it promises ("you will receive a new Explanation of Benefits") does not make it one
    if not table.rows and _APPROVAL_RE.search(text) and not _adverse_count(text):
        return DocumentType.OTHER
    # a decision reversed in full recounts the denial it reverses
    if (not table.rows and _REVERSAL_RE.search(text) and not _PARTIAL_RE.search(text)):
        return DocumentType.OTHER
    n_remit = len(_REMIT_RE.findall(text))
    n_eob = len(_EOB_RE.findall(text))
    # an EOB mentioned as another paper ("send you an Explanation of Benefits", "as shown
    # on the Explanation of Benefits that Oriel sent you") does not make this one
    if re.search(r"(?i)this\s+is\s+not\s+a\s+bill", text) or any(
        not _EOB_REFERENCE_RE.search(text[max(0, m.start() - 20) : m.start()])
        for m in re.finditer(r"(?i)explanation\s+of\s+benefits", text)
    ):
        return DocumentType.EOB
    if n_remit >= 2 or (n_remit and table.rows and not _LETTER_TITLE_RE.search(head)):
        return DocumentType.REMITTANCE
    if n_eob and table.rows and n_eob >= 2:
        return DocumentType.EOB
    # letters: only an adverse decision makes a denial letter; approvals, appeal
    # acknowledgements, newsletters and other mail are "other"
    adverse = _adverse_count(text)
    if _ACK_RE.search(text) and _PENDING_RE.search(text) and adverse <= 1:
        return DocumentType.OTHER
    if adverse or any(_row_is_denied(r) for r in table.rows):
        return DocumentType.DENIAL_LETTER
    if _APPEAL_RIGHTS_RE.search(text) and not _APPROVAL_RE.search(text):
        return DocumentType.DENIAL_LETTER
    if _STATEMENT_TITLE_RE.search(head):
        # a practice's bill to its patient lists its visits, but is neither EOB nor remit
        return DocumentType.OTHER
    if table.rows and not _APPROVAL_RE.search(text) and not _LETTER_RE.search(head):
        return DocumentType.REMITTANCE if n_remit else DocumentType.EOB
    return DocumentType.OTHER


_PLAN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "workers_comp",
        re.compile(
            r"(?i)\bworkers['’]?\s*comp(?:ensation)?\b|\bwork(?:ers)?\s+comp\b|\binjured\s+worker\b|"
            r"\bdate\s+of\s+injury\b|\bWCAB\b|\bindustrial\s+(?:injury|insurance)\b"
        ),
    ),
    (
        "part_d",
        re.compile(
            r"(?i)\bpart\s+d\b|\bprescription\s+drug\s+plan\b|\bPDP\b|\bMedicare\s+drug\s+"
            r"(?:coverage|plan)\b|\bMAPD\b"
        ),
    ),
    (
        "medicare_advantage",
        re.compile(
            r"(?i)\bmedicare\s+advantage\b|\bpart\s+c\b|\bMA\s+plan\b|\bMAPD\b|\bMedicare\s+(?:HMO|PPO)\b|"
            r"\bnotice\s+of\s+denial\s+of\s+(?:medical\s+coverage|payment)\b|\bintegrated\s+denial\s+notice\b|"
            r"\bD-?SNP\b|\bdual\s+special\s+needs\b"
        ),
    ),
    (
        "medicare",
        re.compile(
            r"(?i)\bmedicare\b(?!\s+advantage)|\bMAC\b|\bmedicare\s+administrative\s+contractor\b|"
            r"\bredetermination\b|\bmedicare\s+summary\s+notice\b|\bpart\s+[ab]\b|\bMBI\b|\bHICN?\b|"
            r"\bnoridian\b|\bnovitas\b|\bpalmetto\s+gba\b|\bwps\b|\bcgs\s+administrators\b|\bfirst\s+coast\b"
        ),
    ),
    (
        "medicaid",
        re.compile(
            r"(?i)\bmedicaid\b|\bmedi-cal\b|\bCHIP\b|\bstate\s+fair\s+hearing\b|\bmasshealth\b|"
            r"\bapple\s+health\b|\bsoonercare\b|\bhusky\b|\btenncare\b|\bbadgercare\b|\bmedical\s+assistance\s+program\b"
        ),
    ),
    (
        "commercial",
        re.compile(
            r"(?i)\bERISA\b|\bemployer[-\s](?:sponsored|group)\b|\bgroup\s+health\s+plan\b|"
            r"\bsummary\s+plan\s+description\b|\bcertificate\s+of\s+coverage\b|\bAffordable\s+Care\s+Act\b|"
            r"\bcommercial\b|\bmarketplace\b|\bindividual\s+(?:and\s+family\s+)?plan\b|"
            r"\bdepartment\s+of\s+labor\b|\bstate\s+(?:department|division)\s+of\s+insurance\b|"
            r"\bexternal\s+review\b|\bself[-\s]funded\b|\bPPO\b|\bEPO\b|\bHMO\b|\bPOS\s+plan\b"
        ),
    ),
]
# Lines that mention a programme without being about it (taglines, nondiscrimination).
_BOILERPLATE_RE = re.compile(
    r"(?i)discriminat|civil\s+rights|language\s+assistance|interpret(?:er|ing)|TTY|atenci[oó]n|"
    r"free\s+of\s+charge|aids\s+and\s+services|1557|section\s+504|taglines?|ch[uú]\s+[yý]|"
    r"注意|주의|если|si\s+habla|hablamos|language\s+services"
)


_WC_STRONG_RE = re.compile(
    r"(?i)\binjured\s+worker\b|\bdate\s+of\s+injury\b|\bWCAB\b|\bemployer\s*:|"
    r"\bworkers['’]?\s*comp(?:ensation)?\s+(?:claim|insurance|carrier\s+for\s+this\s+claim|board)\b"
)
_MEDICARE_FFS_RE = re.compile(
    r"(?i)\bmedicare\s+administrative\s+contractor\b|\bmedicare\s+summary\s+notice\b|"
    r"\bpart\s+[ab]\b|\bMBI\b|\bHICN?\b|\bredetermination\b|\boriginal\s+medicare\b|"
    r"\bnoridian\b|\bnovitas\b|\bpalmetto\s+gba\b|\bcgs\s+administrators\b|\bfirst\s+coast\b|"
    r"\bwps\b|\bNGS\b|\bnational\s+government\s+services\b"
)


def _plan_type(text: str, default_commercial: bool = False, payer: str | None = None) -> str | None:
    """Plan type from the document's words; a claim document naming no public programme
    (Medicare, Medicaid, workers' comp) is taken as commercial when ``default_commercial``."""
    body = "\n".join(ln for ln in text.splitlines() if not _BOILERPLATE_RE.search(ln))
    scores = {name: len(rx.findall(body)) for name, rx in _PLAN_PATTERNS}
    if scores["workers_comp"] >= 2 or _WC_STRONG_RE.search(body):
        return "workers_comp"
    if scores["part_d"] and (
        scores["medicare"] or scores["medicare_advantage"] or scores["part_d"] > 1
    ):
        return "part_d"
    if scores["medicare_advantage"]:
        return "medicare_advantage"
    if scores["medicare"] and scores["medicare"] >= scores["medicaid"]:
        # a private plan carrying "Medicare" in its name is a Medicare Advantage plan
        if (
            payer
            and re.search(r"(?i)\bmedicare\b", payer)
            and payer.strip().lower() != "medicare"
            and not _MEDICARE_FFS_RE.search(body)
        ):
            return "medicare_advantage"
        return "medicare"
    if scores["medicaid"]:
        return "medicaid"
    if scores["part_d"]:
        return "part_d"
    if scores["commercial"]:
        return "commercial"
    return "commercial" if default_commercial else None


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------

_ID_VALUE = r"(?P<val>[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9])"
_CLAIM_RE = re.compile(
    r"(?i:\b(?:payer\s+)?claim\s*(?:number|no\.?|num|#|id|control\s*(?:number|no\.?|#)|"
    # "Claim number (DCN): 2125..."; a CCN in parentheses after a name is the provider's
    r"reference\s*(?:number|no\.?|#)?|ref\.?\s*(?:no\.?|#)?)(?:\s*\([A-Z]{2,5}\))?|\bICN\b|"
    r"(?<!\()\bCCN\b|\bDCN\b)"
    rf"\s*[:#.]?\s*(?:#\s*)?{_ID_VALUE}"
    r"|(?i:\bclaim)\s*:?\s+(?P<val2>[A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])(?![\w-])"
)
_MEMBER_RE = re.compile(
    r"(?i:\b(?:member|subscriber|enrollee|patient|insured|beneficiary|recipient)(?:'s)?\s*"
    r"(?:id(?:entification)?|#|number|no\.?)(?:\s*(?:number|no\.?|#))?|\b(?:medicare|medicaid)\s+"
    r"(?:number|id|#)|\bMBI\b|\bHICN?\b|\bpolicy\s*(?:number|no\.?|#)|\bID\s*(?:number|no\.?|#)|"
    r"\bidentification\s*(?:number|no\.?|#)|"
    # a practice's statement: "Insurance ID: VZD281348199" (the member's ID with that plan)
    r"\binsurance\s+(?:id|member\s+id|#|number|no\.?))"
    rf"\s*[:#.]?\s*(?:#\s*)?{_ID_VALUE}"
)
_NAME = r"[A-Z][A-Za-z'’.\-]*(?:,?[ \t][A-Z][A-Za-z'’.\-]*){1,4}"
#: a terse notice's "..., member Z5950917404: 62323 ..." / "Re: Ann Lee (ID 36186613T)":
#: the member's ID right after the word, or alone in parentheses after the patient's name
_MEMBER_BARE_RE = re.compile(
    r"(?i:\bmember)[ \t]+(?P<val>(?=[A-Z0-9-]*[0-9])[A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])(?![\w-])"
    r"|(?<=[A-Za-z])[ \t]*\((?i:ID)[ \t]*[:#]?[ \t]*(?P<val2>[A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])\)"
)
#: "Recipient: MOSSBERG, EVANDER     ID CD60193377": the ID printed on the patient's own
#: line is the member's, before any other "... ID" of the page (a provider's Medicaid ID)
_PATIENT_LINE_ID_RE = re.compile(
    r"(?im)^[ \t]*(?:patient|member|recipient|beneficiary|subscriber|insured|enrollee)"
    r"(?:'s)?(?:\s+name)?[ \t]*:[ \t]*(?-i:[A-Z][A-Za-z'’\-]+,?[ \t]+[A-Z][A-Za-z'’\-]+"
    r"(?:[ \t]+[A-Z]\.?)?)[ \t]{2,}(?:member[ \t]+|recip(?:ient)?[ \t]+)?ID[ \t]*[:#]?[ \t]*"
    r"(?P<val>[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9])\b"
)
_PATIENT_RE = re.compile(
    r"(?i:\b(?:patient|member|enrollee|beneficiary|subscriber|insured|claimant|injured\s+worker|"
    r"recipient|(?:eligible\s+)?injured\s+(?:person|party|employee)|employee)(?:'s)?"
    r"(?:\s+name)?|^\s*name|\bre)"
    rf"\s*:\s*(?P<name>{_NAME})",
    re.MULTILINE,
)
#: "claim W26-0211 for Ingeborg Salcedo (member ID WPA-...)": a person named beside the
#: member ID in parentheses (an e-mail's or a note's prose)
_NAME_THEN_ID_RE = re.compile(
    r"\b(?:for|patient|member)\s+(?P<name>[A-Z][a-z'’\-]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z'’\-]+"
    r"(?:-[A-Z][a-z'’]+)?)\s*\(\s*(?i:member|subscriber|patient|ID)\b"
)
#: a notice in capitals: "CLAIM 2024122119807 FOR ROSA ESPOSITO, MEMBER F3255647002"
_CAPS_NAME_ID_RE = re.compile(
    r"\b(?i:for)[ \t]+(?P<name>[A-Z][A-Z'’\-]+(?:[ \t]+[A-Z]\.?)?[ \t]+[A-Z][A-Z'’\-]+),?[ \t]+"
    r"(?:MEMBER|ID|\((?i:ID|member))\b"
)
#: "Insurance:  Oriel Health Insurance Co.  ID OHX44920183": the member's ID with the plan
_INSURANCE_LINE_ID_RE = re.compile(
    r"(?im)^[ \t]*(?:primary\s+)?insurance[ \t]*:[^\n]{3,60}?[ \t]{2,}(?:member[ \t]+)?ID"
    r"[ \t]*[:#]?[ \t]*(?P<val>[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9])\b"
)
#: "02/19/2026   Karolina Weatherspoon, ID FHI-7730-41882, Request ...": a name, then its ID
_NAME_COMMA_ID_RE = re.compile(
    r"(?m)(?:^|\s{2,})(?P<name>[A-Z][a-z'’\-]+(?:[ \t]+[A-Z]\.)?[ \t]+[A-Z][a-z'’\-]+),[ \t]+"
    r"(?:member[ \t]+)?ID[ \t]*[:#]?[ \t]*(?P<val>[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9])\b"
)

#: "Florian Lichtenfeld  |  Member ID GWH77301845  |  Plan: ...": a portal's member line
_NAME_CELL_ID_RE = re.compile(
    r"(?m)^[ \t]*(?P<name>[A-Z][a-z'’\-]+(?:[ \t]+[A-Z]\.)?[ \t]+[A-Z][a-z'’\-]+)[ \t]*"
    r"(?:\||[ \t]{3,})[ \t]*(?i:member|subscriber)\s+(?:ID|number|no\.?)\b"
)
_VOUCHER_NAME_RE = re.compile(
    r"(?m)^\s*NAME\s+(?P<name>[A-Z][A-Z'\-]+,\s?[A-Z][A-Z'\-]+(?: [A-Z])?)\b"
)
#: "Patient   Carlos R. Holloway" - a label cell with no colon and a line holding only the name
_PATIENT_BARE_RE = re.compile(
    r"(?im)^[ \t]*(?:patient|member|enrollee|beneficiary|subscriber|claimant)(?:\s+name)?[ \t]+"
    rf"(?-i:(?P<name>{_NAME}))[ \t]*$"
)
_NOT_NAME_WORD_RE = re.compile(
    r"(?i)\b(?:services?|department|responsibility|information|handbook|portal|rights|id|"
    r"number|name|health|plan|center|care|support|advocate|summary|statement)\b"
)
_DEAR_RE = re.compile(
    r"(?m)^\s*Dear\s+(?:(?P<title>Mr\.?|Ms\.?|Mrs\.?|Mx\.?|Miss|Dr\.?)\s+)?"
    r"(?P<name>[A-Z][a-z'’\-]+(?:-[A-Z][a-z'’]+)?(?:\s+[A-Z]\.)?"
    r"(?:\s+[A-Z][a-z'’\-]+(?:-[A-Z][a-z'’]+)?){0,3})\s*[:,]"
)
_NAME_STOP = re.compile(
    r"(?i)\s+(?:member|id|dob|date|claim|group|policy|account|acct|provider|npi|plan|"
    r"subscriber|patient|number|no\.?|#|phone|address|icn|hic|mbi|medicare|medicaid)\b.*$"
)
_NOT_A_NAME = re.compile(
    r"(?i)^(?:provider|member|patient|sir|madam|doctor|physician|customer|policyholder|"
    r"subscriber|enrollee|beneficiary|valued|to\s+whom|appeals?|claims?|office|billing|"
    r"health|plan|unknown|n/?a|none|see|same)\b"
)
_PROVIDER_RE = re.compile(
    r"(?<!Dear)(?<!Dear )(?i:\b(?:rendering|servicing|treating|billing|attending|ordering|"
    r"referring|performing)?\s*(?:provider|physician|doctor|practitioner|prescriber|facility|payee)"
    r"(?:\s+name)?|\b(?:provided|rendered)\s+by|(?m:^)[ \t]*pay\s+to)"
    r"\s*:\s*(?P<name>[A-Z][^\n]{1,80})"
)
#: "Provider   Summit Pain Center" - a label cell with no colon, at the start of a line
_PROVIDER_BARE_RE = re.compile(
    r"(?im)^[ \t]*(?:(?:rendering|servicing|treating|billing)\s+)?(?:provider|facility)"
    r"(?:\s+name)?[ \t]+(?P<name>[A-Z][^\n]{1,80})"
)
#: Words a field label starts with ("Provider NPI:", "Date of service:", "Received:").
_LABEL_HEAD = (
    r"(?:Date|Dates|DOS|DOB|Provider|Member|Claim|Patient|Received|Name|ID|NPI|TIN|Tax|Phone|"
    r"Fax|Amount|Account|Acct|Reference|Ref|Group|Policy|Subscriber|Payer|Payor|Plan|Check|"
    r"EFT|Payment|Paid|Billed|Allowed|Total|Status|Decision|Notice|Letter|Service|Procedure|"
    r"Code|CPT|Diagnosis|Medicare|Medicaid|Attn|Address|Birth|Issued|Mailed|Page)"
)
_NEXT_LABEL_RE = re.compile(
    rf"\s+{_LABEL_HEAD}(?:\s+(?:[a-z]+|[A-Z]{{2,5}}|\(s\)|#|No\.?)){{0,3}}\s*[:#](?:\s|$)"
)
#: A short capitalised fragment alone on the next line: the end of a wrapped cell value.
_WRAP_TAIL_RE = re.compile(
    r"[ \t]*(?P<tail>(?:[A-Z][A-Za-z'’.-]*|&|and|of|the)(?:[ \t]+(?:[A-Z][A-Za-z'’.-]*|&|and|of|"
    r"the)){0,2})[ \t]*(?:[a-z]+(?:[ \t]+[a-z]+){0,2}:[ \t]*)?(?:\n|$)"
)


#: A label whose colon wrapped to the next line, beside its value: "... Date of 08/24/2025".
_WRAPPED_LABEL_RE = re.compile(
    rf"\s+{_LABEL_HEAD}(?:\s+[a-z]+){{0,3}}\s+(?=[0-9$]|[A-Z][a-z]{{2}}\.?\s+[0-9])"
)


def _with_wrap(text: str, m: re.Match[str], group: str) -> str:
    """A label's value, stopped at the next label on its line and joined with a wrapped
    tail ("Provider: Harbor Point Ambulatory Surgery Provider NPI: 1221290954" + "Center")."""
    val = m.group(group)
    cut = _NEXT_LABEL_RE.search(val) or _WRAPPED_LABEL_RE.search(val)
    if cut:
        val = val[: cut.start()]
    line_end = text.find("\n", m.end(group))
    if line_end < 0 and m.end(group) < len(text):
        return val
    nxt = _WRAP_TAIL_RE.match(text, (line_end if line_end >= 0 else len(text)) + 1)
    if nxt and nxt.group("tail") and not _TITLE_WORDS_RE.search(nxt.group("tail")):
        tail = nxt.group("tail")
        if not re.match(rf"{_LABEL_HEAD}\b", tail) and len(tail) <= 30:
            val = val.rstrip() + " " + tail
    return val


_PAYER_BEHALF_RE = re.compile(
    r"(?i:\bon\s+behalf\s+of)\s+(?:(?i:your\s+(?:health\s+)?plan|the\s+plan),?\s+)?(?i:the\s+)?"
    r"(?P<name>[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z][\w&'’.\-]*|of|and|&|the|for)){0,7}"
    r"(?:[ \t]+\([A-Z][\w&'’.\- ]{1,40}\))?)"
)
_PAYER_LABEL_RE = re.compile(
    r"(?i:\b(?:payer|payor|health\s+plan|insurance\s+(?:company|carrier|on\s+file)|insurer|"
    r"carrier|plan\s+name|health\s+insurer|primary\s+insurance)|"
    # a practice's statement: "Insurance:        Oriel Health Insurance Co.  ID OHX449"
    r"(?m:^)[ \t]*(?i:insurance))(?:\s+name)?\s*:\s*"
    r"(?P<name>[A-Z][^\n]{1,80})"
)
_PAYERISH_RE = re.compile(
    r"(?i)\b(?:health|insurance|healthcare|health\s+care|assurance|blue\s+cross|blue\s+shield|"
    r"aetna|cigna|united\s*health\w*|humana|kaiser|anthem|medicare|medicaid|mutual|life|"
    r"plan|wellcare|centene|molina|ambetter|oscar|highmark|tricare|caresource|elevance|"
    r"bcbs|carefirst|premera|regence|geisinger|harvard\s+pilgrim|tufts|emblem|fidelis|"
    r"amerigroup|optum|benefits|administrators?|casualty|indemnity|workers'?\s+insurance)\b"
)
_TITLE_WORDS_RE = re.compile(
    r"(?i)\b(?:explanation|remittance|notice|advice|summary|statement|denial|determination|"
    r"letter|page|date|this\s+is\s+not|important|urgent|re:|dear|voucher|member\s+services|"
    r"appeal|www\.|\.com|phone|fax|p\.?o\.?\s+box)\b|[0-9]{3,}"
)
_LETTER_DATE_LABEL_RE = re.compile(
    r"(?i)\b(?:date\s+of\s+(?:this\s+)?(?:notice|letter|decision|determination)|notice\s+date|"
    r"letter\s+date|decision\s+date|date\s+(?:mailed|issued|sent|of\s+issue)|mail(?:ing|ed)?\s+date|"
    r"issue\s+date|print(?:ed)?\s+date|statement\s+date|(?:invoice|billing|bill)\s+date|remit(?:tance)?\s+date|voucher\s+date|"
    r"(?:check|eft|payment)(?:\s*/\s*eft)?\s+date|production\s+date|run\s+date|processed\s+date|"
    # a remittance's or review's own date ("RA DATE", "EOR date", "EOB date"); a bulletin's
    r"(?:ra|era|eor|eob|eop|rmt|remit)\s+date|date\s+of\s+(?:remittance|review|statement)|"
    r"(?<![\w ])\s*(?:published|issued)(?:\s+on)?|date\s+prepared|"
    # a portal page's print stamp or its claim's processed date ("Printed 02/24/2026")
    r"(?:(?<=\n)|^|(?<=\s\s))(?:printed|processed)(?:\s+on)?(?=[ \t]+[0-9])|"
    # an e-mail's header: "Sent: Thursday, February 26, 2026 11:07 AM"
    r"(?:(?<=\n)|^)sent(?=\s*:))"
    r"\s*[:#]?\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
)
_DATE_OF_HEAD_RE = re.compile(r"(?i)^\s*date\s+of\s+")
_DATE_OF_TAIL_RE = re.compile(
    r"(?i)^\s*(?:this\s+)?(?:notice|letter|decision|determination|issue)\s*:"
)
_DATE_LABEL_RE = re.compile(
    # "DATE      02/24/2026": a voucher's label cell without a colon
    r"(?i)(?:^\s{0,8}|(?<=\s\s)|(?<=\|)|(?<=\|\s))date(?:\s*:\s*|[ \t]{3,}(?=[0-9]))"
    # an e-mail header's weekday: "Date: Wed, 4 Mar 2026 06:15:22 -0500"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?\s+)?"
)
_SERVICE_DATE_RE = re.compile(
    r"(?i)\b(?:dates?\s*(?:\(s\))?\s+of\s+service|service\s+dates?(?:\s*\(s\))?|\bDOS\b|date\s+of\s+svc|"
    r"service\s+(?:from|period)|from\s+date|(?:services?|care|treatment|visit|transport)\s+(?:you\s+)?"
    r"(?:provided|rendered|received|performed|had)?\s*on|you\s+received\s+on|planned\s+for|"
    r"valid(?:\s+from)?\s*:|(?:approved|authori[sz]ed|certified)\s+period\s*:|"
    r"date\s+(?:submitted|filled)(?:\s+at\s+(?:the\s+)?pharmacy)?|"
    # "Service: 97140 on 05/27/2025", "you received from <provider> on 06/08/25"
    r"service\s*:[^\n:]{0,100}?\bon|service\s*:[^\n:]{0,90}\n[ \t]+on|date\s+of\s+visit|"
    r"visit\s+date|received\s+from\s+[^\n.:;]{1,80}?(?:\n[^\n.:;]{1,80}?)?\s+on)"
    r"\s*[:#]?\s*"
)
_BILLED_RE = re.compile(
    r"(?i)\b(?:amount\s+billed|billed\s+amount|total\s+(?:billed|charges?)|amount\s+charged|"
    r"submitted\s+charges?|total\s+submitted|billed\s+charges?|charges?|billed|"
    r"amount\s+in\s+(?:dispute|question)|"
    # "We have denied payment of $1,097.75 for the medical services listed below"
    r"denied\s+(?:payment|charges?)|denied\s+the\s+charges?)\s*[:#]?\s*(?:of\s+)?"
    # "The billed charge was $1,875.00"
    r"(?:(?<=charge\s)|(?<=charges\s))?(?:(?:was|were|is|came\s+to|totals?|totaled)\s+)?"
)
_PATRESP_RE = re.compile(
    r"(?i)\b(?P<total>total\s+)?(?:patient\s+resp(?:onsibility)?|pt\.?\s+resp\.?|member\s+"
    r"responsibility|your\s+(?:total\s+)?responsibility|"
    r"amount\s+you\s+(?:may\s+)?owe(?:\s+(?:to\s+)?the\s+provider)?|"
    r"you\s+(?:may\s+)?owe(?:\s+(?:to\s+)?the\s+provider)?|what\s+you\s+owe(?:\s+the\s+provider)?|"
    r"your\s+share|you\s+may\s+be\s+billed|you\s+(?:may|might|could)\s+be\s+responsible\s+for|"
    r"(?:recip(?:ient)?|member|patient)\s+liab(?:ility|\.)?|patient\s+portion|"
    # a practice's statement to its patient
    r"please\s+pay\s+this\s+amount|balance\s+due\s+from\s+(?:you|patient)|"
    r"(?:member|patient|your)\s+cost[- ]share(?:\s+for\s+this\s+(?:service|claim))?|"
    # an auto PIP review's "Claimant coinsurance (20%): 36.56"
    r"claimant\s+(?:coinsurance|responsibility|share)(?:\s*\([0-9]{1,3}\s*%\))?)"
    r"\s*(?:total)?\s*[:#]?\s*(?:is\s*)?(?:up\s+to\s+)?"
)

_NUMBER_WORDS = {
    "thirty": 30,
    "forty-five": 45,
    "forty five": 45,
    "sixty": 60,
    "ninety": 90,
    "one hundred twenty": 120,
    "one hundred and twenty": 120,
    "one hundred eighty": 180,
    "one hundred and eighty": 180,
    "fifteen": 15,
    "ten": 10,
    "fourteen": 14,
    "twenty": 20,
    "seven": 7,
    "five": 5,
    "sixty-five": 65,
    "sixty five": 65,
    "forty": 40,
}
_DEADLINE_REL_RE = re.compile(
    r"(?i)(?:\bwithin|\byou\s+have|\bno\s+later\s+than|\bup\s+to)\s+"
    r"(?:(?P<words>[a-z\- ]{1,40}?)\s*)?(?:\(?\s*(?P<n>[0-9]{1,3})\s*\)?\s*)?"
    r"(?P<unit>calendar\s+days|business\s+days|days|months?|years?)\s+"
    r"(?P<rest>(?:of|from|after)\s+[^.;\n)]{3,120})"
)
_NOTICE_BASE_RE = re.compile(
    r"(?i)^(?:of|from|after)\s+(?:the\s+)?(?:date\s+(?:of|on)\s+)?(?:this|the|our)\s+"
    r"(?:notice|letter|denial|decision|determination|adverse\s+(?:benefit\s+)?determination|"
    # "within 90 days of the date of this EOR", "... of this remittance advice"
    r"EOR|EOB|ERA|remittance(?:\s+advice)?|explanation\s+of\s+(?:review|benefits|payment))"
    r"(?:\s+(?:letter|notice))?\b(?!\s+(?:was\s+)?received|\s+you\s+receive)"
)
_NOTICE_BASE2_RE = re.compile(
    r"(?i)^(?:of|from|after)\s+the\s+(?:notice|letter)\s+date\b|^(?:of|from|after)\s+the\s+date\s+"
    r"(?:shown|printed)\s+(?:above|on\s+this\s+(?:notice|letter))"
)
_DEADLINE_DATE_RE = re.compile(
    # "Appeal deadline for this claim: 07/21/2026"
    r"(?i)(?:\bno\s+later\s+than|\bby(?:\s*:)?|\bbefore|\bon\s+or\s+before|\bdeadline(?:\s+(?:is|date)|"
    r"\s+for\s+(?:this|your)\s+(?:claim|appeal|request|service))?\s*:?|"
    r"\bmust\s+be\s+(?:received|postmarked|filed|submitted)\s+(?:by|before|on\s+or\s+before))\s+"
)
_APPEAL_WORD_RE = re.compile(
    r"(?i)\b(?:appeal|reconsider|redetermination|grievance|review|dispute|fair\s+hearing)"
)
_DECISION_CLOCK_RE = re.compile(
    r"(?i)\b(?:we|the\s+plan|reviewer|it)\s+will\s+(?:make|give|send|decide|notify|respond|"
    r"review|issue|mail|tell)|\bdecision\s+within|\brespond\s+within|\bresolve"
)

_REASON_TRIGGER_RE = re.compile(
    r"(?i)\b(?:because|due\s+to|reason\s+(?:for|is|was)|the\s+reason|denied|not\s+(?:been\s+)?"
    r"(?:medically\s+necessary|covered|approved|eligible|payable|allowed|a\s+covered)|does\s+not\s+"
    r"(?:meet|show|support|cover)|did\s+not\s+(?:meet|receive|show|include|obtain)|"
    r"(?:prior|pre-?)\s*(?:authori[sz]ation|certification)|no\s+authori[sz]ation|"
    r"experimental|investigational|unproven|exceed(?:s|ed)?|maximum|out[-\s]of[-\s]network|"
    r"not\s+in\s+(?:your\s+plan'?s\s+)?network|duplicate|timely\s+filing|filing\s+(?:limit|deadline)|"
    r"inconsistent|criteria|step\s+therapy|must\s+(?:first\s+)?try|formulary|excluded|exclusion|"
    r"coordination\s+of\s+benefits|other\s+insurance|primary\s+(?:payer|insurance)|"
    r"records?\s+(?:were|was)\s+not|missing|invalid|incomplete|not\s+received|terminated|"
    r"bundled|included\s+in|modifier|limit|cosmetic|frequency|documentation|policy)\b"
)
_REASON_EXCLUDE_RE = re.compile(
    r"(?i)\b(?:you\s+(?:have\s+the\s+right|may\s+(?:request|ask|appeal|file|call|have|also|get))|"
    r"right\s+to\s+(?:appeal|request|an?\s+external)|how\s+to\s+(?:appeal|file)|to\s+(?:file|"
    r"request)\s+an?\s+(?:appeal|review|grievance)|if\s+you\s+(?:disagree|have\s+questions|"
    r"want|need|would\s+like)|call\s+(?:us|member|customer)|this\s+is\s+not\s+a\s+bill|"
    r"within\s+[0-9]+\s+days|copy\s+of\s+(?:the|any)|free\s+of\s+charge|external\s+review|"
    r"independent\s+review|sincerely|department\s+of\s+(?:labor|insurance))"
)
_REASON_HEAD_RE = re.compile(
    r"(?i)^\s*(?:reason(?:\s+for\s+(?:the\s+)?(?:denial|decision|determination))?|why\s+"
    r"(?:we|your)\s+[^:]{0,40}|rationale|(?:clinical\s+)?basis\s+for\s+(?:the\s+)?(?:decision|"
    r"denial)|explanation|decision|denial\s+reason|determination)\s*:\s*(?P<rest>.*)$"
)


def _first(rx: re.Pattern[str], text: str, group: str = "val") -> str | None:
    for m in rx.finditer(text):
        v = m.group(group)
        if v:
            return v
    return None


def _id_value(rx: re.Pattern[str], text: str, min_digits: int = 3) -> str | None:
    for m in rx.finditer(text):
        raw = m.group("val") or (m.groupdict().get("val2") or "")
        if not raw:
            continue
        if m.groupdict().get("val2") and sum(isdigits(c) for c in raw) < 6:
            continue
        val = fix_id_ocr(raw).upper().strip("-")
        if sum(isdigits(c) for c in val) >= min_digits and not re.fullmatch(
            r"[0-9]{1,2}/[0-9]{1,2}", val
        ):
            return val
    return None


#: A Medicare Beneficiary Identifier (11 characters, fixed letter/digit positions, no
#: S/L/O/I/B/Z), on a line that says Medicare: the label often wraps away from it in PDFs.
_MBI_L = "[AC-HJKMNP-RT-Y]"
_MBI_A = "[AC-HJKMNP-RT-Y0-9]"
_MBI = rf"[1-9]{_MBI_L}{_MBI_A}[0-9]{_MBI_L}{_MBI_A}[0-9]{_MBI_L}{{2}}[0-9]{{2}}"
_MBI_LINE_RE = re.compile(
    rf"(?m)^(?=[^\n]*\b(?i:medicare)\b)[^\n]*?(?<![\w-])(?P<val>{_MBI})(?![\w-])"
)


def _mbi(text: str) -> str | None:
    m = _MBI_LINE_RE.search(text)
    return m.group("val") if m else None


def _clean_name(raw: str) -> str | None:
    name = raw.strip()
    name = re.split(r"\s{2,}|\t|\|", name)[0]
    name = _NAME_STOP.sub("", name).strip(" ,.;:-")
    if not name or _NOT_A_NAME.match(name) or len(name) < 3:
        return None
    if sum(isdigits(c) for c in name) > 0:
        return None
    return name[:80]


def _clean_org(raw: str) -> str | None:
    s = re.split(r"\s{2,}|\t|\||\s+(?:NPI|TIN|ID|Tax\s+ID|Phone|Fax)\b", raw.strip())[0]
    # an identifier in parentheses after the name: "(payer id 51877)", "(CCN 28-0117)"
    s = re.sub(r"(?i)\s*\((?:payer\s+id|id|npi|tin|ccn|ptan|provider\s+(?:no|id))\b[^)]*\)\s*$",
               "", s)
    # "Insurance Co.", "Benefits Inc.": the abbreviation keeps its dot
    abbr = re.search(r"(?i)\b(?:co|inc|corp|ltd)\.\s*$", s.rstrip(" ,;:-"))
    s = s.strip(" ,.;:-") + ("." if abbr else "")
    s = re.sub(r"\s+", " ", s)
    if len(s) < 3 or not re.search(r"[A-Za-z]{2}", s):
        return None
    return s[:100]


_NAME_SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv"])


def _cap_word(w: str) -> str:
    """'RAMIREZ-COLE' -> 'Ramirez-Cole', "O'NEIL" -> "O'Neil" (mixed case kept as printed)."""
    if any(c.islower() for c in w):
        return w
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), w)


def person_name(raw: str | None) -> str | None:
    """A patient's name as "First Last": "LAST, FIRST M" and "First M. Last" both become
    "First Last" (middle initials dropped, all-caps words capitalised, a suffix kept)."""
    if not raw:
        return None
    s = re.sub(r"\s+", " ", raw).strip(" ,;")
    if "," in s:
        last, _, given = s.partition(",")
        if given.strip().rstrip(".").lower() in _NAME_SUFFIXES:  # "John Smith, Jr."
            return _cap_words(s)
        s = f"{given.strip()} {last.strip()}"
    words = s.split(" ")
    if len(words) > 2:
        words = (
            [words[0]]
            + [w for w in words[1:-1] if not re.fullmatch(r"[A-Za-z]\.?", w)]
            + [words[-1]]
        )
    return _cap_words(" ".join(words)) or None


def _cap_words(s: str) -> str:
    return " ".join(_cap_word(w) for w in s.split(" ") if w)


def _patient_name(text: str, doc_type: DocumentType) -> str | None:
    return person_name(_patient_name_raw(text))


def _patient_name_raw(text: str) -> str | None:
    found = [(fm, n) for fm in _PATIENT_RE.finditer(text) if (n := _clean_name(fm.group("name")))]
    # "Employee: Tobiah R." over "Patient: Henrietta R. (daughter)": the patient's own label
    # before a subscriber's or an employee's
    own = [n for fm, n in found if re.match(r"(?i)\s*patient\b", fm.group(0))]
    if own or found:
        return (own or [found[0][1]])[0]
    m = _VOUCHER_NAME_RE.search(text)
    if m:
        return _clean_name(m.group("name"))
    m = (_NAME_THEN_ID_RE.search(text) or _NAME_COMMA_ID_RE.search(text)
         or _NAME_CELL_ID_RE.search(text) or _CAPS_NAME_ID_RE.search(text))
    if m:
        n = _clean_name(m.group("name"))
        if n:
            return n
    for fm in _PATIENT_BARE_RE.finditer(text):
        if not _NOT_NAME_WORD_RE.search(fm.group("name")):
            n = _clean_name(fm.group("name"))
            if n:
                return n
    m = _DEAR_RE.search(text)
    dear = m.group("name") if m and (m.group("title") or "").rstrip(".").lower() != "dr" else None
    addressee = _addressee_person(text.split("\n")[:25])
    if addressee and (
        dear is None
        or addressee.casefold() == dear.casefold()
        # "Dear Mr. Sorensen": the full name is the addressee's
        or (len(dear.split()) == 1 and addressee.split()[-1].casefold() == dear.casefold())
    ):
        return _clean_name(addressee)
    if dear:
        return _clean_name(dear)
    return None


_PERSON_LINE_RE = re.compile(
    r"^\s*(?:(?:Mr|Ms|Mrs|Mx|Miss)\.?\s+)?(?P<name>[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
    r"(?:\s+[A-Z]\.?)?(?:\s+[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?){1,2})\s*$"
)
_CITY_STATE_ZIP_RE = re.compile(r",?\s+[A-Z]{2}\s+[0-9]{5}(?:-[0-9]{4})?\s*$")


def _addressee_person(lines: list[str]) -> str | None:
    """The person a letter is mailed to, from its address block near the top: a line
    holding only a person's name, over a street line and a "City, ST 12345" line (a
    member letter's patient). A practice or a clinician is not taken."""
    for i, full in enumerate(lines[:-2]):
        # a right-hand column beside the name ("Ottoline Garber      Member number: X")
        line = re.split(r"\s{3,}", full.strip())[0] if full.strip() else full
        m = _PERSON_LINE_RE.match(line)
        if not m or _PRACTICE_WORD_RE.search(line) or _NOT_NAME_WORD_RE.search(line):
            continue
        if _ADDRESS_LINE_RE.match(lines[i + 1]) and _CITY_STATE_ZIP_RE.search(lines[i + 2]):
            return m.group("name")
    return None


#: Credentials after a clinician's name ("Frank Zelinski, PT, DPT").
_CREDENTIALS = (
    r"(?:MD|DO|DC|DPT|PT|OT|NP|PA|PA-C|RN|CRNA|DDS|DMD|DPM|OD|PhD|PsyD|LCSW|LAc|L\.Ac\.|"
    r"FNP|APRN|CNP|MPH|FACP|DABPM)"
)
_CRED_TAIL_RE = re.compile(rf"(?:,\s*{_CREDENTIALS}\b\.?)+\s*$")
#: A person with credentials followed by the practice: "Frank Zelinski, PT, DPT / Lakeshore PT"
#: or "(Samuel Ramirez-Cole, MD, Westbrook Pain and Wellness)".
_PERSON_THEN_ORG_RE = re.compile(
    rf"^(?:Dr\.?\s+)?[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{0,3}}(?:,\s*{_CREDENTIALS}\b\.?)+"
    r"\s*(?:/|,|-|–|\bat\b)\s*(?P<org>[A-Z].*)$"
)
_DOCTOR_PAREN_RE = re.compile(
    rf"\((?:Dr\.?\s+)?[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{0,3}}(?:,\s*{_CREDENTIALS}\b\.?)+"
    r",\s*(?P<org>[A-Z][^()\n]{2,80}(?:\n[^()\n]{1,60})?)\)"
)
#: Words of a practice's or facility's name.
_PRACTICE_WORD_RE = re.compile(
    r"(?i)\b(?:clinic|center|centre|institute|associates|suites?|studio|spine|pain|therapy|"
    r"services|wellness|surgery|surgical|hospital|medical|practice|rehabilitation|rehab|"
    r"orthopa?edics?|neuro\w*|imaging|radiology|infusion|physicians?|health|care|group|"
    r"chiropractic|acupuncture|pharmacy|laboratory|lab|partners|specialists|pllc|llc|pc|pa)\b"
)
#: "PAYEE WESTBROOK PAIN AND WELLNESS    NPI 1162036887" (voucher cells without colons, or
#: an export's pipe-separated cells: "PAYEE|WESTBROOK PAIN AND WELLNESS|NPI 1162036887")
_PAYEE_BARE_RE = re.compile(
    r"(?m)(?:^|[\s|])PAYEE(?:\s+NAME)?(?:\s+|\s*\|\s*)(?P<name>[A-Z][A-Z&'.,\- ]{2,80}?)"
    r"(?:\s+|\s*\|\s*)(?:NPI|TIN|ID|TAX)\b"
)
#: "NORTHGATE ACUPUNCTURE STUDIO    NPI: 1703699789": a name opening a line, then its NPI
_NAME_NPI_RE = re.compile(
    r"(?m)^[ \t]*(?P<name>[A-Z][A-Za-z&'.,\- ]{2,80}?)[ \t]+NPI\s*[:#]?\s*[0-9]{10}\b"
)
#: MSN claim block: "Oakmont Chiropractic Clinic, 1803 Willow Bend, Suite 270, ... Claim number"
_ORG_ADDRESS_CLAIM_RE = re.compile(
    r"(?m)^[ \t]*(?P<name>[A-Z][A-Za-z&'.\- ]{2,80}?),[ \t]+[0-9]{1,6}[ \t]+[A-Z][^\n]{0,120}?"
    r"(?:\n[^\n]{0,120}?)?\bclaim\s+(?:number|no\.?|#)",
    re.IGNORECASE,
)
#: "... services that you received from Eastside Infusion Suites on Mar 25, 2025"
_RECEIVED_FROM_RE = re.compile(
    # the name may wrap onto the next line ("... received from Harbor Point Ambulatory" /
    # "Surgery Center on 04-28-2025")
    r"\b(?:received|got|had)(?:\s+the\s+following)?\s+from\s+"
    r"(?P<org>[A-Z][\w&'’.\-]*(?:(?:[ \t]+\n?|\n)[ \t]*"
    r"(?:[A-Z][\w&'’.\-]*|of|and|&|the)){0,7})(?:\s+on\b|:)"
)
#: "We received a claim from Glasswing Physical Therapy for physical therapy you had"
_CLAIM_FROM_RE = re.compile(
    r"\b(?i:received|got)\s+(?i:a\s+|the\s+|two\s+|[0-9]\s+)?(?i:claims?|bills?)\s+from\s+"
    r"(?P<org>[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z][\w&'’.\-]*|of|and|&|the)){0,7})\s+(?:for|on)\b"
)
#: "Your treating provider is Westmere Occupational Health, 480 Slate Gate ..."
_PROVIDER_IS_RE = re.compile(
    r"\b(?i:treating|rendering|your)\s+(?i:provider|physician|doctor|clinic)\s+is\s+"
    r"(?P<org>[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z][\w&'’.\-]*|of|and|&|the)){0,7})"
    r"(?=[,.(]|\s+(?:at|in|on)\b)"
)
_ADDRESS_LINE_RE = re.compile(r"^\s*(?:[0-9]{1,6}\s+[A-Z]|p\.?\s*o\.?\s+box\b)", re.IGNORECASE)
_STANDALONE_DATE_RE = re.compile(r"^\s*\S.{0,30}$")


def _provider_value(raw: str | None) -> str | None:
    """A labelled provider value: "Dr. X, MD / Practice" -> the practice; credentials cut."""
    if not raw:
        return None
    v = raw.strip()
    m = _PERSON_THEN_ORG_RE.match(v)
    if m:
        v = m.group("org")
    # what follows the practice's name: "(in network)", its street address, the clinician
    # ("Crossroads PT, Aaron Lee, PT, DPT"), the office ("..., Billing Department")
    v = _PROVIDER_TAIL_RE.sub("", v)
    p = _clean_org(v)
    if not p:
        return None
    if re.match(r"(?i)(?:id|npi|number|no\b|#|tax|network|services|manual|news|directory|"
                r"portal|relations|bulletin|appeals?|disputes?|unit|department|contracting|"
                r"enrollment|hotline|line)\b", p):
        return None
    if re.search(
        r"(?i)\b(?:unit|department|dept|team|desk)$|\b(?:reconsiderations?|grievances?)\b", p
    ):
        return None  # the payer's own office ("Provider Reconsiderations Unit")
    return p


_PROVIDER_TAIL_RE = re.compile(
    r"\s*\((?:in|out[- ]of)[- ]network\)|,\s*[0-9]{1,6}\s+[A-Z][^\n]*$|"
    rf",\s*(?:Dr\.?\s+)?[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{1,3}}(?:,\s*{_CREDENTIALS}\b\.?)+\s*$|"
    r",\s*(?:billing|business|accounts?\s+receivable|reimbursement|appeals?)\s+"
    r"(?:department|office|unit)\s*$",
    re.IGNORECASE,
)
#: "About your visit with Harborview Spine Associates", "your appointment at X on ..."
_VISIT_WITH_RE = re.compile(
    r"\b(?:visit|appointment|care|services?|stay)\s+(?:with|at|to)\s+(?P<org>[A-Z][\w&'’.\-]*"
    r"(?:[ \t]+(?:[A-Z][\w&'’.\-]*|of|and|&|the)){0,7})"
)
#: "To: Palmetto Grove Pain Specialists, Billing Department"
_TO_ORG_RE = re.compile(r"(?im)^[ \t]*to[ \t]*:[ \t]*(?P<org>[A-Z][^\n]{2,100})$")


#: "Requested by Greystone Metabolic Surgery: laparoscopic ..."
_REQUESTED_BY_ORG_RE = re.compile(
    r"\b(?i:requested|ordered|submitted|referred)\s+by\s+(?P<org>[A-Z][\w&'’.\-]*"
    r"(?:[ \t]+(?:[A-Z][\w&'’.\-]*|of|and|&|the)){1,6})(?=\s*[:,(]|\s+(?:on|for)\b)"
)


def _attn_org(lines: list[str]) -> str | None:
    """The practice over an "ATTN:" line in an inside address (with a right-hand column
    beside it: "GANTRY HILL ORTHOPEDIC & PAIN      PROVIDER #: 1366019472")."""
    cells = [re.split(r"\s{3,}", ln.strip())[0] if ln.strip() else "" for ln in lines[:30]]
    for i, c in enumerate(cells):
        if not re.match(r"(?i)attn\b", c):
            continue
        prev = next((x for x in reversed(cells[:i]) if x), "")
        if (
            _org_like(prev)
            and not _TITLE_WORDS_RE.search(prev)
            and _PRACTICE_WORD_RE.search(prev)
            and not _PAYERISH_RE.search(re.sub(r"(?i)\b(?:health|care)\b", "", prev))
        ):
            return _clean_org(prev)
        return None
    return None


def _practice_letterhead(lines: list[str]) -> str | None:
    """A practice's own paper (a statement to its patient): the first line names the
    practice ("Saddlebrook Physical Therapy"), not an insurer, over its street address."""
    nonblank = [ln.strip() for ln in lines[:6] if ln.strip()]
    if len(nonblank) < 2:
        return None
    name, after = nonblank[0], nonblank[1]
    if (
        _org_like(name)
        and not _TITLE_WORDS_RE.search(name)
        and _PRACTICE_WORD_RE.search(name)
        and not _PAYERISH_RE.search(name)
        and _ADDRESS_LINE_RE.match(after)
    ):
        return _clean_org(name)
    return None


def _addressee_org(lines: list[str]) -> str | None:
    """The practice a provider letter is addressed to: the first name after the letter's
    date in the inside address, followed by "Attn:", a clinician or a street address."""
    n = min(len(lines), 30)
    for i in range(n):
        s = lines[i].strip()
        ds = find_dates(s) if s else []
        if not ds or len(s) - (ds[0][1] - ds[0][0]) > 3:
            continue
        rest = [ln.strip() for ln in lines[i + 1 : i + 8] if ln.strip()]
        if len(rest) < 2:
            return None
        name, after = rest[0], rest[1]
        if not _org_like(name) or _TITLE_WORDS_RE.search(name):
            return None
        is_practice = bool(_PRACTICE_WORD_RE.search(name))
        followed = (
            re.match(r"(?i)attn\b|(?:patient\s+financial\s+services|billing\s+(?:department|office)|"
                     r"business\s+office|revenue\s+cycle|accounts\s+receivable)\s*$", after)
            or _CRED_TAIL_RE.search(after)
            or (is_practice and _ADDRESS_LINE_RE.match(after))
        )
        return _clean_org(name) if followed and is_practice else None
    return None


#: "All prescriptions were filled at Gable Street Pharmacy (network pharmacy)."
_FILLED_AT_RE = re.compile(
    r"\b(?i:filled|dispensed)\s+(?i:at|by)\s+(?P<org>[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z][\w&'’.\-]*|"
    r"of|and|&|the)){0,6})"
)


def _provider(text: str, lines: list[str] | None = None) -> str | None:
    # a pharmacy claim's provider is the pharmacy that filled it, not its prescriber
    m = _FILLED_AT_RE.search(text)
    if m and re.search(r"(?i)\bpharmacy\b", m.group("org")):
        return _clean_org(m.group("org"))
    # an ordering or referring clinician is not the provider who billed, when the letter
    # is addressed to a practice ("Gilded Oak Medical Supply / Attn: Billing")
    for fm in _PROVIDER_RE.finditer(text):
        p = _provider_value(_with_wrap(text, fm, "name"))
        if p and re.match(r"(?i)\s*(?:ordering|referring)\b", fm.group(0)) and lines is not None:
            return _addressee_org(lines) or p
        if p:
            return p
    m = _PAYEE_BARE_RE.search(text)
    if m:
        p = _provider_value(m.group("name"))
        if p:
            return p
    for fm in _PROVIDER_BARE_RE.finditer(text):
        # a label cell with no colon: only a short name, not a sentence ("Provider Manual
        # for ...", "PROVIDER MAY NOT BILL MEMBER ...") or a heading ("Provider News - May")
        raw = _with_wrap(text, fm, "name")
        cut = _clean_org(raw) or ""
        if (
            _TITLE_WORDS_RE.search(cut)
            or not _org_like(cut)
            or re.search(r"(?i)\b(?:may|not|will|must|is|are|can|should|manual|news|for)\b", cut)
        ):
            continue
        p = _provider_value(raw)
        if p:
            return p
    if lines is not None:
        p = _addressee_org(lines)
        if p:
            return p
    p = _email_party(text, payer=False)
    if p:
        return p
    p = _attn_org(lines) if lines is not None else None
    if p:
        return p
    for m in _NAME_NPI_RE.finditer(text):
        name = m.group("name").strip()
        if (
            _org_like(name)
            and not re.match(rf"(?i){_LABEL_HEAD}\b", name)
            and _PRACTICE_WORD_RE.search(name)
        ):
            return _clean_org(name)
    m = _ORG_ADDRESS_CLAIM_RE.search(text)
    if m and _org_like(m.group("name").strip()):
        return _clean_org(m.group("name"))
    m = (_RECEIVED_FROM_RE.search(text) or _CLAIM_FROM_RE.search(text)
         or _PROVIDER_IS_RE.search(text))
    org = " ".join(m.group("org").split()) if m else ""
    if m and _org_like(org) and _PRACTICE_WORD_RE.search(org):
        return _clean_org(org)
    for _code, _d, org in _proc_on_date(text):
        if org and _org_like(org) and _PRACTICE_WORD_RE.search(org) and not _PAYERISH_RE.search(
            re.sub(r"(?i)\bhealth\b", "", org)
        ):
            return _payer_case(_clean_org(org)) if org.isupper() else _clean_org(org)
    for rx in (_TO_ORG_RE, _VISIT_WITH_RE):
        for m in rx.finditer(text):
            org = _PROVIDER_TAIL_RE.sub("", " ".join(m.group("org").split()))
            if _org_like(org) and _PRACTICE_WORD_RE.search(org) and not _PAYERISH_RE.search(
                re.sub(r"(?i)\bhealth\b", "", org)
            ):
                return _clean_org(org)
    m = _DOCTOR_PAREN_RE.search(text)
    if m:
        p = _provider_value(m.group("org"))
        if p:
            return p
    m = _REQUESTED_BY_ORG_RE.search(text)
    if m and _PRACTICE_WORD_RE.search(m.group("org")) and not _PAYERISH_RE.search(
        re.sub(r"(?i)\bhealth\b", "", m.group("org"))
    ):
        return _clean_org(m.group("org"))
    if lines is not None:
        p = _practice_letterhead(lines)
        if p:
            return p
    m = _DEAR_RE.search(text)
    if m and (m.group("title") or "").rstrip(".").lower() == "dr":
        return "Dr. " + m.group("name")
    m = re.search(
        r"\b(?:requested|ordered|prescribed|performed|provided|submitted|billed)\s+by\s+"
        r"(?P<name>Dr\.?\s+[A-Z][\w.'\-]*(?:[ \t]+[A-Z][\w.'\-]*){0,3})",
        text,
    )
    if m:
        return _clean_org(m.group("name"))
    return None


_KEEP_UPPER = frozenset(
    [
        "HMO",
        "PPO",
        "EPO",
        "POS",
        "BCBS",
        "USA",
        "UHC",
        "LLC",
        "PBM",
        "PC",
        "PA",
        "NA",
        "II",
        "III",
        "IV",
    ]
)


def _payer_case(name: str | None) -> str | None:
    """'STONECREST HEALTH INSURANCE COMPANY' -> 'Stonecrest Health Insurance Company'."""
    if not name or any(c.islower() for c in name):
        return name
    small = {"of", "and", "the", "for", "in"}
    words = []
    for i, w in enumerate(name.split(" ")):
        if w in _KEEP_UPPER or not w.isalpha() and not re.fullmatch(r"[A-Z]+['’&.-][A-Z]*", w):
            words.append(w)
        elif i and w.lower() in small:
            words.append(w.lower())
        else:
            words.append(w.capitalize())
    return " ".join(words)


#: A "Label: value" segment (a field of the letter, not a letterhead naming the payer).
_LABELLED_SEG_RE = re.compile(r"^[A-Za-z][A-Za-z .'#/()-]{0,30}:(?:\s|$)")


#: "(Medicare Plans)" is part of a name; "(HMO)" is the plan's product type
_PRODUCT_SUFFIX_RE = re.compile(
    r"\s*\((?:HMO|PPO|EPO|POS|PFFS|SNP|D-SNP|C-SNP|I-SNP|HMO-POS|HMO\s+SNP|HMO\s+D-SNP|PPO\s+SNP|"
    r"PDP|MAPD)\)$",
    re.IGNORECASE,
)
#: a Medicare Administrative Contractor's letter: Medicare is the payer
_MAC_RE = re.compile(
    r"(?i)\bmedicare\s+administrative\s+contractor\b|"
    # a MAC's remittance heading: "JURISDICTION T - PART B"
    r"^[ \t]*jurisdiction\s+[A-Z0-9]{1,2}\s*[-–]\s*part\s+[AB]\b",
    re.MULTILINE,
)
#: "Utilization Review Agent for <plan>": a review vendor writes for the payer
_AGENT_FOR_RE = re.compile(
    r"(?i:\b(?:review|UR)\s+(?:agent|vendor|organi[sz]ation|company)\s+for|"
    # "Delegated utilization management for Saxby Health Plan"
    r"\b(?:delegated\s+)?(?:utili[sz]ation|UM|UR)\s+(?:management|review)\s+(?:vendor\s+)?for)"
    r"\s+(?i:the\s+)?"
    r"(?P<name>[A-Z][\w&'’.\-]*(?:[ \t]+(?:[A-Z][\w&'’.\-]*|of|and|&|the|for)){0,7})"
)


_EMAIL_HEAD_RE = re.compile(
    r"(?im)^[ \t]*(?P<k>from|to)[ \t]*:[^\n@]*?[\w.+-]+@(?P<dom>[a-z0-9][a-z0-9.-]*)\.[a-z]{2,}\b"
)
_ORG_PHRASE_RE = re.compile(
    r"(?<![\w@.])[A-Z][\w&'’\-]*(?:[ \t]+(?:[A-Z][\w&'’\-]*|of|and|&|the)){1,6}"
)


def _email_orgs(text: str) -> tuple[str | None, str | None]:
    """(sender's, recipient's) organisation of a pasted e-mail: the name in the text whose
    first words spell the start of the sender's (recipient's) mail domain ("Wardlow Plan
    Administrators" for claims@wardlowplanadmin.example)."""
    head = "\n".join(text.split("\n")[:8])
    if not re.match(r"(?i)\s*from\s*:", head):
        return None, None
    doms: dict[str, str] = {}
    for m in _EMAIL_HEAD_RE.finditer(head):
        doms.setdefault(m.group("k").lower(), m.group("dom").split(".")[-1].replace("-", ""))
    body = re.sub(r"[\w.+-]+@[\w.-]+", " ", text)
    out: list[str | None] = []
    for k in ("from", "to"):
        dom, best = doms.get(k, ""), None
        for m in _ORG_PHRASE_RE.finditer(body) if dom else ():
            words = m.group(0).split()
            while words and words[-1].lower() in _ORG_SMALL:
                words.pop()
            lead = words[0].lower()
            if len(lead) < 4 or not dom.startswith(lead):
                continue
            seg = " ".join(words)
            if _org_like(seg) and not _TITLE_WORDS_RE.search(seg) and (
                _ORG_END_RE.search(seg) or _PRACTICE_WORD_RE.search(seg)
            ) and (best is None or len(seg) > len(best)):
                best = seg
        out.append(best)
    return out[0], out[1]


def _email_party(text: str, payer: bool) -> str | None:
    """The payer (or the provider) of an e-mail thread between them: the sender's or the
    recipient's organisation, the one with an insurer's word (or a practice's)."""
    orgs = [o for o in _email_orgs(text) if o]
    for o in orgs:
        is_payer = bool(_PAYERISH_RE.search(o)) and not _PRACTICE_WORD_RE.search(
            re.sub(r"(?i)\b(?:health|care|services|group|partners)\b", "", o))
        if is_payer == payer and (payer or _PRACTICE_WORD_RE.search(o)):
            return o
    return None


#: a passage about the member's other coverage: the insurer it names is not the payer
_OTHER_COVERAGE_RE = re.compile(
    r"(?i)\b(?:other|another|second(?:ary)?)\s+(?:health\s+)?(?:insurance|coverage)\b|"
    r"\balso\s+have\s+(?:health\s+)?(?:insurance|coverage)\b"
)


def _payer(text: str, lines: list[str]) -> str | None:
    name = _payer_case(_payer_raw(text, lines))
    return _PRODUCT_SUFFIX_RE.sub("", name) if name else name


def _payer_raw(text: str, lines: list[str]) -> str | None:
    if _MSN_RE.search(text) or _MAC_RE.search(text):
        return "Medicare"
    m = _PAYER_BEHALF_RE.search(text) or _AGENT_FOR_RE.search(text)
    if m:
        name = _PRODUCT_SUFFIX_RE.sub("", m.group("name"))
        p = _clean_org(name)
        if p and not re.match(r"(?i)(?:you|your|the\s+patient|a\s)", p) and _PAYERISH_RE.search(p):
            return p
    # "Larkspur Mutual Health Plan: Message Inbox": a name ending in "Health Plan" over a
    # page title, not the label "Health plan:"
    m = next((m for m in _PAYER_LABEL_RE.finditer(text) if not _OTHER_COVERAGE_RE.search(
        text[max(0, m.start() - 300) : m.start()]) and not re.search(
        r"[A-Z][A-Za-z&'’.\-]*[ \t]+$", text[text.rfind("\n", 0, m.start()) + 1 : m.start()])),
        None)
    if m:
        # a column gap ends the value ("Insurance on file: X Health Plan    ID: ...")
        gap = re.search(r"\S\s{3,}\S", m.group("name"))
        p = _clean_org(m.group("name")[: gap.start() + 1] if gap else _with_wrap(text, m, "name"))
        if p:
            return p
    head = _letterhead(lines)
    if head:
        return head
    mail = _email_party(text, payer=True)
    if mail:
        return mail
    m = _ADMINISTERED_BY_RE.search(text)
    if m:
        return _clean_org(m.group("name"))
    return None


#: A Medicare Summary Notice is Medicare's own statement (the contractor only processes it).
_MSN_RE = re.compile(r"(?i)\bmedicare\s+summary\s+notice\b")
#: "Your prescription benefit is administered by Kestrel Rx Services for your plan."
_ADMINISTERED_BY_RE = re.compile(
    r"(?i:\b(?:administered|managed|processed)\s+by)\s+(?P<name>[A-Z][\w&'’.\-]*"
    r"(?:[ \t]+(?:[A-Z][\w&'’.\-]*|of|and|&)){1,6})"
)
#: ", FL 17086" / ", NM 18001-1234" ending a letterhead line after the city's name
_STATE_ZIP_RE = re.compile(r",\s*[A-Z]{2}\s+[0-9]{5}(?:-[0-9]{4})?\s*$")
#: Last words of an organisation's name (to tell "Juniper Ridge Medicare Rx" from "Reno, NV").
_ORG_END_RE = re.compile(
    r"(?i)\b(?:plans?|company|co|inc|llc|rx|health|healthcare|care|cooperative|alliance|assurance|"
    r"administrators?|network|services|insurance|mutual|casualty|benefits?|advantage|medicare|"
    r"medicaid|group|partners|trust|fund|association|corporation|corp|solutions|indemnity)\.?$|"
    r"\([^)]*\)$"
)
_PO_BOX_RE = re.compile(
    r"(?i)^\s*p\.?\s*o\.?\s+box\s+[0-9]+\s*|\s*\bp\.?\s*o\.?\s+box\s+[0-9]+\s*$"
)
_DOMAIN_RE = re.compile(
    r"(?i)\b(?:www\.)?([a-z0-9][a-z0-9-]{2,40})\.(?:example|com|org|net|gov|us)\b"
)
#: A document title printed after the payer's name on its first line
#: ("QUILLFIELD SENIOR ADVANTAGE - PAYMENT VOUCHER", "MEDICARE PROVIDER REMITTANCE ADVICE").
_TITLE_AFTER_NAME_RE = re.compile(
    r"(?i)\s*(?:[-–—|:]\s*)?\b(?:provider\s+|electronic\s+)?(?:remittance\s+advice|payment\s+voucher|"
    r"explanation\s+of\s+benefits|remittance\s+(?:summary|voucher)|era\b|eob\b)"
)
_ORG_SMALL = frozenset(["of", "and", "&", "the", "for", "de", "la"])
_ORG_WORD_RE = re.compile(r"[A-Z][\w'’.\-]*|\([A-Z][\w'’.\- ]*\)|[A-Z]{2,}")


def _org_like(seg: str) -> bool:
    """Words of an organisation's name: capitalised words (and of/and/&), no digits."""
    if not seg or any(isdigits(c) for c in seg) or len(seg) > 70 or ":" in seg:
        return False
    words = re.findall(r"\([^)]*\)|\S+", seg)
    if not words or len(words) > 8:
        return False
    caps = 0
    for w in words:
        if w.lower() in _ORG_SMALL:
            continue
        if not _ORG_WORD_RE.fullmatch(w.rstrip(",.")):
            return False
        caps += 1
    return caps >= 1


#: a line of business printed beside the plan's name ("- MEDICAID MANAGED CARE"), not a name
_PROGRAM_RE = re.compile(
    r"(?i)(?:medicaid|medicare|commercial|chip)\s+(?:managed\s+care|advantage|plans?|programs?|"
    r"products?|part\s+[a-d])"
)


#: a government department or division ("Department of Health Care Services")
_AGENCY_RE = re.compile(r"(?i)\b(?:department|dept\.?|division|agency|bureau)\s+of\b")


def _letterhead_score(seg: str, domains: list[str]) -> int | None:
    seg = seg.strip(" ,;|-–—")
    if not _org_like(seg) or _TITLE_WORDS_RE.search(seg) or _PROGRAM_RE.fullmatch(seg):
        return None
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", seg)]
    if not words:
        return None
    score = 0
    if any(d.startswith(words[0]) and len(words[0]) >= 4 for d in domains) or any(
        d.startswith("".join(w[0] for w in words)) for d in domains if len(words) >= 3
    ):
        score += 4
    if _PAYERISH_RE.search(seg):
        score += 2
    if _ORG_END_RE.search(seg):
        score += 2
    if len(words) == 1 and seg.lower() != "medicare":
        score -= 3
    if _AGENCY_RE.search(seg):
        # a state agency beside its program's name ("X DEPARTMENT OF HEALTH CARE SERVICES
        # ... X MEDICAID"): the program is the payer
        score -= 1
    return score if score >= 2 else None


_PHONE_TAIL_RE = re.compile(r"\s+(?:1[-. ])?\(?[0-9]{3}\)?[-. ][0-9]{3}[-.][0-9]{4}\b.*$")


_PORTAL_TAIL_RE = re.compile(
    r"(?i)\s+(?:provider|member|secure)\s+(?:portal|center|centre|connect|hub|access|online|"
    r"messages?|message\s+center)\b.*$"
)


def _letterhead(lines: list[str]) -> str | None:
    """The payer's name in the letterhead: the first lines before the letter proper,
    a capitalised name (a trailing "City, ST ZIP" or PO box cut off), preferring the one
    the letterhead's web address is named after, then one with an insurer's word."""
    zone: list[str] = []
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if re.fullmatch(r"[A-Z&](?: [A-Z&])+(?: {2,}[A-Z&](?: [A-Z&])+)+", s):
            # a letterhead set in spaced capitals: "P E T R E L   P H A R M A C Y"
            s = " ".join(w.replace(" ", "") for w in re.split(r" {2,}", s))
        if re.match(r"(?i)(?:dear\b|re\s*:|date\s*:)", s) or len(zone) >= 10:
            break
        zone.append(s)
    if not zone:
        return None
    domains = [d.lower().replace("-", "") for d in _DOMAIN_RE.findall("\n".join(zone))]
    best: tuple[int, int, str] | None = None
    for i, line in enumerate(zone):
        first_title = _TITLE_AFTER_NAME_RE.search(line) if i == 0 else None
        if first_title and first_title.start() > 0:
            cands = [line[: first_title.start()]] + re.split(
                r"\s{2,}|\s(?:[-–—|]|--)\s|\t", line[first_title.end() :].strip()
            )
        else:
            # cells of a pipe-separated export's first line ("NAME|REMITTANCE EXPORT|...")
            # "Larkspur Mutual Health Plan: Message Inbox": a banner's name, then its page
            cands = re.split(r"\s{2,}|\s(?:[-–—|]|--)\s|\t|(?<=\S)\|(?=\S)|(?<=[a-z]):\s+(?=[A-Z])",
                             line)
        for raw in cands:
            raw = _PO_BOX_RE.sub("", _DOMAIN_RE.sub("", raw)).strip(" ,;|-–—")
            # "STONECREST HEALTH INSURANCE COMPANY 1-888-555-0150 06/10/2025": the phone
            # number and the date after the name on a one-line letterhead
            raw = _PHONE_TAIL_RE.sub("", raw).strip(" ,;|-–—")
            # a portal's banner: "Thistledown Health Plan Provider Center | Claims | ..."
            raw = _PORTAL_TAIL_RE.sub("", raw)
            variants = [raw]
            sz = _STATE_ZIP_RE.search(raw)
            if sz:  # "Name City, ST 12345": the city is the last one to three words
                words = raw[: sz.start()].split()
                variants = [" ".join(words[:-k]) for k in (1, 2, 3) if len(words) > k]
            for seg in variants:
                sc = _letterhead_score(seg, domains)
                if sc is not None and (best is None or sc > best[0]):
                    best = (sc, -i, seg)
    if best is None:
        return None
    return _clean_org(best[2])


_LETTER_DATE_STOP_RE = re.compile(
    r"(?i)\b(?:service|dos|birth|dob|due|by|until|before|through|thru|from|to|received|effective|"
    r"period|paid|expires?)\b[^0-9]{0,20}$"
)


def _letter_date(lines: list[str], text: str) -> date | None:
    for fm in _LETTER_DATE_LABEL_RE.finditer(text):
        ds = find_dates(text[fm.end() : fm.end() + 40])
        if ds and ds[0][0] <= 2:
            return ds[0][2]
    # a two-column label cell wrapped by a text PDF: "Date of 05/05/25 ..." over "decision:"
    for i, line in enumerate(lines[:60]):
        m = _DATE_OF_HEAD_RE.match(line)
        if m and i + 1 < len(lines) and _DATE_OF_TAIL_RE.match(lines[i + 1]):
            ds = find_dates(line[m.end() : m.end() + 40])
            if ds and ds[0][0] <= 2:
                return ds[0][2]
    for line in lines[:60]:
        m = _DATE_LABEL_RE.search(line)
        if m:
            ds = find_dates(line[m.end() : m.end() + 40])
            if ds and ds[0][0] <= 2:
                return ds[0][2]
    # a date opening a terse notice's first line of facts ("02/19/2026   Karolina W., ID ...")
    for line in lines[:8]:
        ds = find_dates(line)
        if ds and ds[0][0] == len(line) - len(line.lstrip()) and re.match(
            r"[ \t]{3,}[A-Z]", line[ds[0][1] :]
        ) and not find_money(line):
            return ds[0][2]
    # a date closing the document's first line, after the sender's name and phone
    # ("ORCHARD VALLEY COMMUNITY CARE   1-800-555-0171   04/08/2025")
    first = next((ln for ln in lines[:5] if ln.strip()), "")
    ds = find_dates(first)
    if ds and ds[-1][1] == len(first.rstrip()) and re.search(r"[A-Za-z]{3}", first[: ds[-1][0]]) \
            and not _LETTER_DATE_STOP_RE.search(first[: ds[-1][0]]):
        return ds[-1][2]
    # a date standing alone near the top of the first page
    for line in lines[:25]:
        s = line.strip()
        if not s:
            continue
        ds = find_dates(s)
        if ds and len(s) - (ds[0][1] - ds[0][0]) <= 3:
            return ds[0][2]
    return None


def _service_dates(text: str, rows: Iterable[Row]) -> list[date]:
    out: set[date] = set()
    for r in rows:
        if r.service_date:
            out.add(r.service_date)
    for m in _SERVICE_DATE_RE.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        if re.search(r"(?i)\b(?:paid|records|information|asked)\b[^.\n]{0,25}$", before):
            continue  # "we already paid for this service on ...", "records for this service on"
        seg = text[m.end() : m.end() + 60]
        seg = seg.split("\n")[0] if re.search(r"\n\s*\n", seg[:30]) else seg.replace("\n", " ")
        ds = find_dates(seg, compact=True)
        if not ds or ds[0][0] > 3:
            continue
        out.add(ds[0][2])
        # a range "03/14/2026 - 03/16/2026" / "through" (a validity period counts from its start)
        if len(ds) > 1 and not re.match(
            r"(?i)valid|approved|authori|certified", m.group(0)) and re.fullmatch(
            r"\s*(?:-|–|to|thru|through|and|&|,)\s*", seg[ds[0][1] : ds[1][0]], re.I
        ):
            # a range, or two dates listed ("09/30/2025 and 10/07/2025")
            out.add(ds[1][2])
    for m in _DATE_THEN_SERVICE_RE.finditer(text):
        d = parse_date(m.group("d"))
        if d:
            out.add(d)
    for _code, d, _org in _proc_on_date(text):
        if d:
            out.add(d)
    return sorted(out)


#: "On December 3, 2025 you received the following from ...": the date before the service
_DATE_THEN_SERVICE_RE = re.compile(
    r"(?i)\bon\s+(?P<d>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
    r"[0-9]{1,2},?\s+[0-9]{4}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4})\s*,?\s+you\s+(?:received|had|got|visited)\b"
)


def _deadline(text: str, letter_date: date | None) -> tuple[date | None, str | None]:
    sentences = _sentences(text)
    rel_text: str | None = None
    rel_date: date | None = None
    prev = ""
    for sent in sentences:
        context, prev = prev + " " + sent, sent
        if not _APPEAL_WORD_RE.search(context) or _DECISION_CLOCK_RE.search(sent):
            continue
        if re.search(r"(?i)peer[-\s]to[-\s]peer", sent):
            continue  # a peer-to-peer window is not an appeal deadline
        if re.search(r"(?i)\b(?:keep|keeping|continue|continuing)\s+(?:to\s+get\s+)?(?:your\s+)?"
                     r"(?:services|benefits|coverage|stay|care)\b[^.]{0,60}\b(?:during|while)\b|"
                     r"\bduring\s+the\s+appeal\s*:", sent):
            continue  # the window to keep services during an appeal is not the appeal's
        if (
            re.search(
                r"(?i)external\s+review|independent\s+review|fair\s+hearing|"
                r"next\s+level|if\s+we\s+(?:uphold|deny)",
                sent,
            )
            and rel_text is not None
        ):
            continue
        # explicit date
        for fm in _DEADLINE_DATE_RE.finditer(sent):
            ds = find_dates(sent[fm.end() : fm.end() + 30])
            if ds and ds[0][0] <= 2:
                return ds[0][2], None
        if rel_text is None:
            # "(a report dated within 95 days of the service) within 90 days of the date of
            # this EOR": the window counted from the notice, when the sentence has one
            rels = list(_DEADLINE_REL_RE.finditer(sent))
            m = next((r for r in rels if _NOTICE_BASE_RE.match(r.group("rest"))
                      or _NOTICE_BASE2_RE.match(r.group("rest"))), rels[0] if rels else None)
            if m:
                n = (
                    int(m.group("n"))
                    if m.group("n")
                    else _NUMBER_WORDS.get((m.group("words") or "").strip().lower())
                )
                phrase = re.sub(r"\s+", " ", m.group(0)).strip()[:160]
                rel_text = phrase
                unit = m.group("unit").lower()
                rest = m.group("rest")
                if (
                    n
                    and unit in ("days", "calendar days")
                    and letter_date is not None
                    and (_NOTICE_BASE_RE.match(rest) or _NOTICE_BASE2_RE.match(rest))
                ):
                    rel_date = letter_date + timedelta(days=n)
    return rel_date, rel_text


def _sentences(text: str) -> list[str]:
    """Paragraph-joined sentences (line breaks inside a paragraph are undone)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\f", text):
        joined = re.sub(r"(\w)-\n\s*([a-z])", r"\1\2", para)
        joined = re.sub(r"\s*\n\s*", " ", joined).strip()
        if not joined:
            continue
        buf = ""
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z(\"'])", joined):
            buf = f"{buf} {piece}" if buf else piece
            if _ABBREV_END_RE.search(buf):
                continue
            out.append(buf.strip())
            buf = ""
        if buf.strip():
            out.append(buf.strip())
    return out


_ABBREV_END_RE = re.compile(
    r"(?i)(?:\b(?:dr|mr|mrs|ms|mx|no|st|inc|co|corp|ltd|jr|sr|vs|etc|approx|dept|ref|fig|p\.o)|"
    r"\b[a-z]\.[a-z]|\b[A-Z])\.$"
)


def _reason_text(
    text: str, lines: list[str], skip: set[int], legend: _Legend, denied_keys: list[str]
) -> str | None:
    prose = "\n".join("" if i in skip else ln for i, ln in enumerate(lines))
    picked: list[str] = []
    # explicit "Reason for denial:" sections first
    for i, line in enumerate(lines):
        if i in skip:
            continue
        m = _REASON_HEAD_RE.match(line)
        if m:
            chunk = [m.group("rest").strip()]
            for nxt in lines[i + 1 : i + 6]:
                if (
                    not nxt.strip()
                    or _REASON_HEAD_RE.match(nxt)
                    or re.match(r"^\s*[A-Z][\w ]{2,40}:\s*\S", nxt)
                ):
                    break
                chunk.append(nxt.strip())
            sents = _sentences(" ".join(chunk))
            keep = [x for k, x in enumerate(sents) if k == 0 or _REASON_TRIGGER_RE.search(x)]
            s = " ".join(keep).strip()
            if len(s) > 15 and not _BOILERPLATE_RE.search(s):
                picked.append(s)
    for sent in _sentences(prose):
        if len(picked) >= 6:
            break
        if len(sent) < 20 or len(sent) > 600:
            continue
        if _BOILERPLATE_RE.search(sent) or _REASON_EXCLUDE_RE.search(sent):
            continue
        if re.match(r"(?i)re\s*:", sent) or len(re.findall(r"\b[A-Z][\w ]{1,25}:\s", sent)) >= 2:
            continue
        sent = re.sub(r"^(?i:reason|rationale|explanation|decision)[^:]{0,30}:\s*", "", sent)
        if not _REASON_TRIGGER_RE.search(sent):
            continue
        if any(sent[:60] in p or p[:60] in sent for p in picked):
            continue
        if sum(c.isalpha() for c in sent) < 0.5 * len(sent):
            continue
        picked.append(sent)
    if not picked:
        for key in denied_keys:
            meaning = legend.meanings.get(key) or legend.meanings.get(key.split("-")[-1])
            if meaning and meaning not in picked:
                picked.append(meaning)
        table_text = "\n".join(lines[i] for i in sorted(skip - legend.lines) if i < len(lines))
        for code, meaning in legend.payer.items():
            used = re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", table_text)
            if used and meaning not in picked and _REASON_TRIGGER_RE.search(meaning):
                picked.append(meaning)
    if not picked:
        return None
    return " ".join(picked)[:1500]


# ---------------------------------------------------------------------------
# Codes in prose
# ---------------------------------------------------------------------------


class _PosSink:
    """Codes found in one logical line, with their positions."""

    def __init__(self) -> None:
        self.carc: list[tuple[int, tuple[str | None, str]]] = []
        self.rarc: list[tuple[int, str]] = []
        self.cpt: list[tuple[int, str]] = []
        self.hcpcs: list[tuple[int, str]] = []
        self.icd: list[tuple[int, str]] = []
        self.ndc: list[tuple[int, str]] = []
        self.fixed: list[str] = []  # low-confidence readings (OCR repairs)


class _CodeSink:
    def __init__(self) -> None:
        self.carc: list[tuple[str | None, str]] = []
        self.rarc: list[str] = []
        self.cpt: list[str] = []
        self.hcpcs: list[str] = []
        self.icd: list[str] = []
        self.ndc: list[str] = []
        self.fixed: list[str] = []
        #: unlabelled procedure codes, with the code-led line's index (_weak_proc_codes)
        self.weak_proc: list[tuple[int | None, str]] = []

    def add_proc(self, code: str) -> None:
        if isdigits(code[0]):
            self.cpt.append(code)
        else:
            self.hcpcs.append(code)


def _logical_lines(lines: list[str], table_lines: set[int]) -> list[tuple[str, bool]]:
    """Table lines one by one; prose lines joined per paragraph (codes wrap lines)."""
    out: list[tuple[str, bool]] = []
    buf: list[str] = []
    for i, line in enumerate(lines):
        if i in table_lines or not line.strip():
            if buf:
                out.append((" ".join(buf), False))
                buf = []
            if i in table_lines:
                out.append((line, True))
            continue
        buf.append(line.strip())
    if buf:
        out.append((" ".join(buf), False))
    return out


#: a procedure code as printed (no OCR repair: these readings have no label to vouch for them)
_BARE_PROC = r"(?:[0-9]{5}|[0-9]{4}[FTU]|[A-CEGHJ-MP-V][0-9]{4})"
#: "manual therapy (97140)", "injections, lumbar (64483, 64484)": a service described in
#: words with its code(s) in parentheses after it
_PAREN_PROC_RE = re.compile(
    r"(?P<word>[A-Za-z][A-Za-z'-]{2,}),?[ \t]+\((?:(?i:CPT|HCPCS|code)s?[ \t:#]*)?"
    rf"(?P<list>{_BARE_PROC}(?:\s*(?:,|/|&|\band\b)\s*{_BARE_PROC})*)"
    # "procedure (20553, billed $340.00)": the code first, then its charge
    r"(?:\)|,\s*(?:billed|charged?|charges)\b[^()\n]{0,30}\))"
)
_PAREN_NOT_SERVICE_WORDS = frozenset(
    {"box", "zip", "suite", "ste", "npi", "tin", "ein", "fein", "icn", "id", "number", "no",
     "code", "claim", "account", "acct", "reference", "ref", "member", "policy", "group",
     "extension", "ext", "phone", "fax", "tty", "bill", "invoice", "check", "eft", "trace"}
)
#: a line led by its procedure code(s): "97110 therapeutic exercise, 12 visits",
#: "11/04/2025   97110 x2, 97140, 97014   $245.00" (a code list with units, a description
#: in lower case, or an amount after a column gap; never "12345 Main Street")
_CODE_LED_LINE_RE = re.compile(
    r"^\s*(?:[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}\s+)?"
    rf"(?P<list>{_BARE_PROC}(?:\s*x\s*[0-9]{{1,2}})?(?:\s*,\s*{_BARE_PROC}(?:\s*x\s*[0-9]{{1,2}})?)*)"
    # "63650   Percutaneous implantation of ...": a list of services under its heading
    r"(?P<after>\s*,?\s+[a-z]|\s*x\s*[0-9]|\s{2,}\$?[0-9][0-9,]*\.[0-9]{2}\b|"
    r"\s{3,}[A-Z][a-z]+\s+[a-z]+)"
)


_PROSE_DATE = (
    r"[0-9]{1,2}[/-][0-9]{1,2}[/-][0-9]{2,4}|(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)[a-z]*\.?[ \t]+[0-9]{1,2},?[ \t]+[0-9]{4})"
)
#: a service told in a sentence by its code, then who gave it and when: "62323 on 05/15/2025
#: from Harbor Point ASC", "(code 64405) on 02/20/26", "for 63685 by Riverbend Spine & Pain
#: Associates on 03/06/2025", "SERVICE 64483 (01/22/2026, RIVERBEND SPINE, $1,463.00)"
_PROC_ON_DATE_RE = re.compile(
    rf"(?<![\w$.,/#:-])(?:\((?i:code[ \t]+)?)?(?P<code>{_BARE_PROC})(?:-[A-Z0-9]{{2}})*\)?"
    r"(?:(?:[ \t]+(?i:you[ \t]+(?:received|had|got)))?[ \t]+(?i:by|from)[ \t]+"
    r"(?P<org>[A-Z][^\n$,;:()]{2,60}?))?"
    rf"(?:\s+(?i:on)[ \t]+(?P<d>{_PROSE_DATE})"
    r"(?:,?\s+(?i:from)\s+(?P<org3>[A-Z][^\n$,;:()]{2,60}?)"
    r"(?=,|\.|\s+(?i:was|is|were)\b))?"
    rf"|[ \t]*\((?P<d2>{_PROSE_DATE}),\s*(?P<org2>[A-Z][^\n$,;:()]{{2,60}}),)"
)
_NOT_PROC_BEFORE_RE = re.compile(
    r"(?i)(?:claim|id|number|no\.?|#|box|suite|ste|account|acct|ref(?:erence)?|invoice|npi|zip)"
    r"[ \t]*[:#.]?[ \t]*\(?$"
)


def _proc_on_date(text: str) -> list[tuple[str, date | None, str | None]]:
    """(code, service date, provider) of each service told in a sentence by its code
    followed by its date ("... 62323 on 05/15/2025 from X", "SERVICE 64483 (01/22/2026, X,")."""
    out: list[tuple[str, date | None, str | None]] = []
    for m in _PROC_ON_DATE_RE.finditer(text):
        code = m.group("code")
        before = text[max(0, m.start() - 14) : m.start()]
        if norm_proc(code) != code or _NOT_PROC_BEFORE_RE.search(before):
            continue
        d = parse_date(m.group("d") or m.group("d2") or "")
        org = m.group("org") or m.group("org2") or m.group("org3")
        out.append((code, d, " ".join(org.split()) if org else None))
    return out


def _weak_proc_codes(lines: list[str], table_lines: set[int]) -> list[tuple[int | None, str]]:
    """Procedure codes printed without a label: in parentheses after the service's
    description, or leading a line of a list of services (with the line's index: on a
    table row, "97110 x2, 97140, 97014" are all that row's codes). Only kept for a
    document about a claim or a request (see ``_extract``): a bulletin's codes are no
    claim's."""
    out: list[tuple[int | None, str]] = []
    for i, line in enumerate(lines):
        m = _CODE_LED_LINE_RE.match(line) if line.strip() else None
        if m and i > 0 and re.search(r"(?:^|[\s,])[A-Z]{2}[ \t]*$", lines[i - 1]):
            m = None  # a ZIP code wrapped under its "City, ST" ("KS" / "66999, or call")
        if m:
            for tok in re.findall(_BARE_PROC, m.group("list")):
                if norm_proc(tok) == tok:
                    out.append((i, tok))
            # "97110 exercise, 97140 manual therapy": each code before its description
            for tok in re.findall(rf"(?<=,\s)({_BARE_PROC})(?=\s+[a-z])", line[m.end("list") :]):
                if norm_proc(tok) == tok:
                    out.append((i, tok))
    for i, line in enumerate(lines):
        # a table printed with its service lines as columns: the column heads lead with
        # the codes ("A0427 ALS     A0425 mileage     Claim"), amount rows below
        cells = re.split(r"\s{2,}", line.strip()) if i not in table_lines else []
        led = [c for c in cells if re.match(rf"{_BARE_PROC}\b", c)]
        if len(led) < 2 or len(cells) > len(led) + 2 or not all(
            c in led or re.fullmatch(r"[A-Za-z][A-Za-z ]{0,20}", c) for c in cells
        ):
            continue
        if any(len(find_money(ln)) >= 2 for ln in lines[i + 1 : i + 5]):
            for c in led:
                tok = c.split()[0]
                if norm_proc(tok) == tok:
                    out.append((i, tok))
    prose = "\n".join("" if i in table_lines else ln for i, ln in enumerate(lines))
    out += [(None, code) for code, _d, _o in _proc_on_date(prose)]
    for line, _in_table in _logical_lines(lines, table_lines):
        if _in_table:
            continue
        # "(office visit 99213 and trigger point injections 20552, diagnosis M62.830)"
        for par in re.finditer(r"\(([^()]{5,200})\)", line):
            for tok in re.findall(rf"(?<=[a-z]\s)({_BARE_PROC})(?=[\s,;]|$)", par.group(1)):
                if norm_proc(tok) == tok:
                    out.append((None, tok))
        # a UB-04 line's "Revenue code / HCPCS: 0360 / 62321"
        for rm in re.finditer(rf"(?i:revenue\s+code\s*/\s*(?:hcpcs|cpt))\s*:\s*[0-9]{{3,4}}\s*/\s*"
                              rf"({_BARE_PROC})\b", line):
            if norm_proc(rm.group(1)) == rm.group(1):
                out.append((None, rm.group(1)))
        for m in _PAREN_PROC_RE.finditer(line):
            if m.group("word").lower() in _PAREN_NOT_SERVICE_WORDS:
                continue
            for tok in re.findall(_BARE_PROC, m.group("list")):
                if norm_proc(tok) == tok:
                    out.append((None, tok))
    return out


def _prose_codes(lines: list[str], table_lines: set[int], sink: _CodeSink) -> None:
    for line, in_table in _logical_lines(lines, table_lines):
        local = _PosSink()
        _line_codes(line, in_table, local)
        for name in ("carc", "rarc", "cpt", "hcpcs", "icd", "ndc"):
            items = sorted(getattr(local, name), key=lambda t: t[0])
            getattr(sink, name).extend(v for _, v in items)
        sink.fixed.extend(local.fixed)
    sink.weak_proc.extend(_weak_proc_codes(lines, table_lines))


def _line_codes(line: str, in_table: bool, sink: _PosSink) -> None:
    """Codes of one logical line; list items are (position, value) here, sorted later."""
    if not in_table:
        for m in GROUP_CARC_RE.finditer(line):
            gc = parse_group_carc(m)
            if gc:
                sink.carc.append((m.start(), gc))
        for m in _REASON_LABEL_RE.finditer(line):
            pos = m.start("list")
            toks = re.split(r"\s*(?:,|/|&|;|\band\b)\s*", m.group("list"))
            # "Denial code: 279 (group PR)": the group printed after a lone code
            gm = _GROUP_AFTER_RE.match(line, m.end()) if len(toks) == 1 else None
            if gm and re.fullmatch(r"[0-9]{1,3}|[ABDPWY][0-9]{1,2}", toks[0].strip()):
                toks = [f"{gm.group(1)}-{toks[0].strip()}"]
            for tok in toks:
                _add_listed_code(tok, pos, sink)
                pos += 1
        for m in _CODE_GROUP_PAREN_RE.finditer(line):
            c = norm_carc(m.group("c"))
            if c and _known("CARC", c):
                sink.carc.append((m.start(), (m.group("g"), c)))
        for m in _RARC_AFTER_CARC_RE.finditer(line):
            r = norm_rarc(m.group("r"))
            if r:
                sink.rarc.append((m.start("r"), r))
    for m in _REMARK_LABEL_RE.finditer(line):
        pos = m.start("list")
        for tok in re.split(r"\s*(?:,|/|&|;|\band\b)\s*", m.group("list")):
            r = norm_rarc(tok) if re.fullmatch(r"(?:MA|M|N)[0-9OIl]{1,3}", tok) else None
            if r:
                sink.rarc.append((pos, r))
            pos += 1
    for m in _PROC_KEYWORD_RE.finditer(line):
        if m.group("codeword"):
            prev = re.findall(r"[\w-]+", line[: m.start("kw")])[-1:]
            if prev and prev[0].lower() in _NOT_PROC_CODE_WORDS:
                continue
        pos = m.start("list")
        for part in re.split(r"\s*(?:,|/|&|;|\band\b|\bor\b)\s*", m.group("list")):
            code = norm_proc(re.split(r"[-:\s]", part.strip())[0])
            if code:
                (sink.cpt if isdigits(code[0]) else sink.hcpcs).append((pos, code))
            pos += 1
    for m in _ICD_DOTTED_RE.finditer("" if in_table else line):
        c = norm_icd10(m.group(1))
        if c:
            sink.icd.append((m.start(), c))
    for m in _ICD_KEYWORD_RE.finditer("" if in_table else line):
        pos = m.start("list")
        for tok in re.split(r"\s*(?:,|/|&|;|\band\b)\s*", m.group("list")):
            c = norm_icd10(tok)
            if c:
                sink.icd.append((pos, c))
            pos += 1
    for m in _ICD_OCR_LABEL_RE.finditer(line):
        tok = m.group("tok")
        # "G89. 29": a blank after the dot, valid once closed up; the strict reading
        # of the label's list stopped at the blank ("G89")
        spaced = norm_icd10(tok) if " " in tok else None
        if spaced is not None or norm_icd10(tok) is None:
            c = spaced or ocr_icd10(tok, digit_start=True)
            if c:
                # "M47,816", "M54.5()": the strict reading stopped short ("M47", "M54.5")
                body = c.replace(".", "")
                sink.icd = [
                    (p, x) for p, x in sink.icd
                    if p != m.start("tok") and not body.startswith(x.replace(".", ""))
                ]
                sink.icd.append((m.start("tok"), c))
                sink.fixed.append(f"icd10:{c} (OCR-garbled diagnosis code repaired)")
    for m in _NDC_LABEL_RE.finditer(line):
        n = norm_ndc(re.sub(r"\s", "", m.group("v")))
        if n:
            sink.ndc.append((m.start("v"), n))
    for m in _NDC_HYPHEN_RE.finditer(line):
        window = line[max(0, m.start() - 50) : m.end() + 50]
        if _DRUG_CONTEXT_RE.search(window) and not re.search(
            r"(?i)\b(?:claim|ref(?:erence)?|account|acct|member|id|tax|phone|fax)\b[^.0-9]{0,15}$",
            line[max(0, m.start() - 30) : m.start()],
        ):
            n = norm_ndc(m.group(1))
            if n:
                sink.ndc.append((m.start(1), n))


def _add_listed_code(tok: str, pos: int, sink: _PosSink) -> None:
    t = tok.strip()
    m = re.fullmatch(r"(CO|PR|OA|PI|CR|C0)\s?[-‐–]?\s?([A-Z0-9]{1,3})", t)
    if m:
        g, c = norm_group(m.group(1)), norm_carc(m.group(2))
        if g and c:
            sink.carc.append((pos, (g, c)))
        return
    if re.fullmatch(r"(?:MA|M|N)[0-9OIl]{1,3}", t):
        r = norm_rarc(t)
        if r:
            sink.rarc.append((pos, r))
        return
    c = norm_carc(t)
    if c and _known("CARC", c):
        sink.carc.append((pos, (None, c)))


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------


def _row_denied(row: Row, group: str | None, carc: str | None) -> bool | None:
    if carc is not None:
        return not is_payment_adjustment(group, carc)
    if row.denied_word:
        return True
    if "noncovered" in row.amounts:
        # a member EOB's "Not covered" column says it: some of the charge was denied
        return row.amounts["noncovered"] > 0
    billed = row.amounts.get("billed")
    paid = row.amounts.get("paid")
    allowed = row.amounts.get("allowed")
    if billed and billed > 0 and paid == 0 and (allowed in (None, 0)):
        return True
    if billed and billed > 0 and allowed == 0 and paid is None and row.proc is not None:
        # nothing allowed, the paid cell unreadable (OCR): the line was denied
        return True
    return None


def _row_is_denied(row: Row) -> bool:
    if row.adjs:
        return any(_row_denied(row, g, c) for g, c, _ in row.adjs)
    return bool(_row_denied(row, None, None))


def _adjustments(rows: list[Row]) -> list[Adjustment]:
    out: list[Adjustment] = []
    for row in rows:
        base: dict[str, Any] = {
            "claim_number": row.claim_number,
            "line": row.line,
            "service_date": row.service_date,
            "cpt": row.proc,
            "modifiers": [m for m in row.modifiers if is_modifier(m)][:4],
            "billed": row.amounts.get("billed"),
            "allowed": row.amounts.get("allowed"),
            "paid": row.amounts.get("paid"),
            "rarc": list(dict.fromkeys(row.rarcs)),
            "payer_codes": list(row.payer_codes),
        }
        if not row.adjs:
            out.append(Adjustment(**base, denied=_row_denied(row, None, None)))
            continue
        single = len(row.adjs) == 1
        n_pr = sum(1 for g, _, _ in row.adjs if g == "PR")
        for group, carc, amount in row.adjs:
            if amount is None and single:
                amount = row.amounts.get("noncovered") or row.amounts.get("adjamt")
            if amount is None and (
                single or (n_pr <= 1 if group == "PR" else len(row.adjs) - n_pr == 1)
            ):
                amount = _derived_amount(row, group)
            out.append(
                Adjustment(
                    **base,
                    group=group,
                    carc=carc,
                    amount=amount,
                    denied=_row_denied(row, group, carc),
                )
            )
    return out


def _derived_amount(row: Row, group: str | None) -> float | None:
    """The adjusted amount of a line's only adjustment, when the line's amounts fix it."""
    b, a, p = (row.amounts.get(k) for k in ("billed", "allowed", "paid"))
    if b is not None and p == 0 and a in (None, 0):
        return b
    if group == "PR" and row.amounts.get("patresp"):
        return row.amounts["patresp"]
    if group == "PR" and a is not None and p is not None and a - p > 0:
        return round(a - p, 2)
    if group in ("CO", "PI", "OA") and b is not None and a is not None and b - a > 0:
        return round(b - a, 2)
    return None


#: a bulletin's or newsletter's title
_BULLETIN_RE = re.compile(
    r"(?i)\b(?:bulletin|newsletter|network\s+notes|provider\s+(?:news|update)s?|announcement)\b"
)


def _not_this_decision_codes(text: str) -> set[str]:
    """CARCs and RARCs the text prints only about a decision that is not this document's:
    in a letter reversing an earlier decision in full, that decision's; in a notice of a
    replacement claim, the original claim's. (The code a pended claim *would* be denied
    with stays: the classifier sends that denial to review, see test_real_mail_round6.)"""
    reversal = bool(_REVERSAL_RE.search(text)) and not _PARTIAL_RE.search(text)
    seen: dict[str, bool] = {}  # code -> printed in a sentence that is this decision's
    for sent in _sentences(text):
        codes = [c for m in GROUP_CARC_RE.finditer(sent) if (gc := parse_group_carc(m))
                 for c in (gc[1],)]
        codes += [
            r for m in re.finditer(rf"(?<![\w-]){_RARC_CODE}", sent) if (r := norm_rarc(m.group(0)))
        ]
        if not codes:
            continue
        # "On the original claim the drug line was not paid (CO-16, remark M119)": the
        # claim a replacement reversed
        other = reversal or bool(re.search(
            r"(?i)\b(?:on|for|of)\s+the\s+(?:original|previous|prior|earlier|reversed)\s+claim\b",
            sent))
        for c in codes:
            seen[c] = seen.get(c, False) or not other
    return {c for c, own in seen.items() if not own}


def _other_claim_lines(table: TableResult, about: list[Row]) -> set[int]:
    """Lines in the block of a claim the document is not about: a claim with service lines
    of its own, its number in force there (from its "Claim no" line to the next claim's)."""
    about_claims = {r.claim_number for r in about}
    if not about or None in about_claims:
        return set()
    others = {r.claim_number for r in table.rows if r.claim_number} - about_claims
    if not others:
        return set()
    own = {i for r in about for i in r.source_lines}
    return {i for i, c in table.claim_at.items() if c in others and i not in own}


def _only_in_lines(code: str, lines: list[str], where: set[int]) -> bool:
    """A code printed only on the lines ``where``."""
    body = code.replace(".", "")
    rx = re.compile(rf"(?<![\w.]){re.escape(body[:3])}\.?{re.escape(body[3:])}(?![\w])")
    at = [i for i, ln in enumerate(lines) if rx.search(ln)]
    return bool(at) and all(i in where for i in at)


def _token_only_in(
    code: str, lines: list[str], where: set[int], among: set[int] | None = None
) -> bool:
    """A code printed (as a whole token) only on the lines ``where`` (of the lines
    ``among``, when given)."""
    rx = re.compile(rf"(?<![\w.]){re.escape(code)}(?![\w])")
    at = [i for i, ln in enumerate(lines) if rx.search(ln) and (among is None or i in among)]
    return bool(at) and all(i in where for i in at)


def _blank_lines(text: str, where: set[int]) -> str:
    """``text`` with the lines ``where`` emptied (line numbers kept)."""
    return "\n".join("" if i in where else ln for i, ln in enumerate(text.split("\n")))


def _icd_of_other_claims(
    icd: list[str], lines: list[str], rows: list[Row], about: list[Row]
) -> list[str] | None:
    """The diagnosis codes read outside the table, less those printed only beside the
    service lines of a claim the document is not about (a remittance's paid claim: its
    "DX" cell on the claim's header line above its lines or on a line just below them),
    when the claim it is about prints its own beside its lines. None when there is
    nothing to drop."""
    others = [r for r in rows if r not in about]
    if not about or not others or not icd:
        return None
    about_ids = {id(r) for r in about}
    row_at: dict[int, bool] = {}  # line index -> the row there is one the document is about
    for r in rows:
        for i in r.source_lines:
            row_at[i] = row_at.get(i, False) or id(r) in about_ids

    def nearest(i: int) -> bool | None:
        # a line just below a service line is that line's ("DX: M54.16" under its row);
        # else the line just above one (a claim's header line holding its "DX" cell)
        for d in (1, 2):
            for j in (i - d, i + d):
                between = range(min(i, j) + 1, max(i, j))
                if j in row_at and all(lines[k].strip() for k in between):
                    return row_at[j]
        return None

    keep: list[str] = []
    own = any(r.icd for r in about)  # the claim the document is about prints its own
    for code in icd:
        body = code.replace(".", "")
        rx = re.compile(rf"(?<![\w.]){re.escape(body[:3])}\.?{re.escape(body[3:])}(?![\w])")
        where = [i for i, ln in enumerate(lines) if rx.search(ln)]
        near = [nearest(i) for i in where if i not in row_at]
        own = own or True in near
        if where and len(near) == len(where) and all(n is False for n in near):
            continue
        keep.append(code)
    # only when the claim the document is about prints a diagnosis of its own are the
    # codes beside another claim's lines that claim's (one diagnosis line for the
    # remittance may stand anywhere)
    return keep if own and len(keep) < len(icd) else None


#: "Member ID ........ X", "Rendering provider . X": a label and its value joined by a
#: dot leader (three or more dots, or one dot standing alone between blanks)
_DOT_LEADER_RE = re.compile(
    # a label opening a line, or a second column's after a gap ("Patient ..... X    Member
    # ID ...... Y"); leaders of three dots or more, or two before a value ("claim no .. X")
    r"(?m)(?:^|(?<=\S[ \t]{2}))(?P<label>[ \t]*[A-Za-z][A-Za-z0-9 '’/#&()-]{0,40}?"
    r"(?:[A-Za-z#)]|\bno\.))[ \t]*(?:(?:\.[ \t]?){3,}|\.\.[ \t])[ \t]*(?=\S)"
    r"|^(?P<label2>[ \t]*[A-Za-z][A-Za-z0-9 '’/#&()-]{0,40}?[A-Za-z#)])[ \t]+\.[ \t]+(?=\S)"
)


#: "member_id: X", "remit_date: 2026-03-11" - a web export's snake_case keys
_SNAKE_KEY_RE = re.compile(r"(?m)^(?P<lead>[ \t]*)(?P<key>[A-Za-z]+(?:_[A-Za-z]+)+)(?=[ \t]*:)")


def _snake_keys(text: str) -> str:
    """Key: value lines of a web or portal export with snake_case keys read as labels
    ("claim_id: X" is "claim id: X"); the lines stay the same."""
    return _SNAKE_KEY_RE.sub(lambda m: m.group("lead") + m.group("key").replace("_", " "), text)


_REPLACED_HEAD_RE = re.compile(
    r"(?i)\b(?:original|previous|prior|initial)\s+claim\b.*?"
    r"\b(?P<new>(?:replacement|corrected|adjusted|new)\s+claim)\b"
)


def _drop_replaced_column(text: str) -> str:
    """A comparison of a claim and its replacement ("ORIGINAL CLAIM   REPLACEMENT CLAIM"
    over columns of codes and amounts): the original's column is a reversed claim's, so its
    cells are blanked (to the table's first blank line; the lines stay the same)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = _REPLACED_HEAD_RE.search(line)
        if not m or line[: m.start()].strip() or len(line) > 200:
            continue  # a heading row: the two column heads only, label column blank
        a, b = m.start(), m.start("new")
        for j in range(i + 1, min(len(lines), i + 40)):
            ln = lines[j]
            if not ln.strip():
                break
            if len(ln) > a:
                lines[j] = ln[:a] + " " * (min(len(ln), b) - a) + ln[b:]
        return "\n".join(lines)
    return text


def _dot_leaders(text: str) -> str:
    return _DOT_LEADER_RE.sub(lambda m: (m.group("label") or m.group("label2")) + ": ", text)


#: a portal page's "Key | value" rows ("Claim Number | E25-291-93631", two to a line when
#: a text PDF joins its columns: "Patient | Ann Lee Member ID | 61585724V")
_PIPE_KEY_RE = re.compile(
    rf"(?:^|(?<=[ \t]))(?P<label>(?:(?:Billing|Rendering|Servicing|Treating|Insurance|Processed|"
    rf"Payee)[ \t]+)?{_LABEL_HEAD}(?:[ \t]+(?:[A-Z][a-z]+|ID|#|No\.?|\(s\))){{0,3}})[ \t]*\|[ \t]+"
    rf"(?=\S)(?!{_LABEL_HEAD}\b)",
    re.MULTILINE,
)


def _pipe_keys(text: str) -> str:
    """"Key | value" rows read as "Key: value" (a line with at most three pipes, each with
    a space before its value: a pipe-delimited table's rows are left alone)."""
    # a printed 835's labels name their segment: "Production date (DTM*405): 06/17/25"
    text = re.sub(r"[ \t]*\([A-Z][A-Z0-9]{1,2}(?:\*[A-Z0-9]{1,4})?\)(?=[ \t]*:)", "", text)
    return "\n".join(
        _PIPE_KEY_RE.sub(lambda m: m.group("label") + ": ", ln) if 0 < ln.count("|") <= 3 else ln
        for ln in text.split("\n")
    )


_X12_SEG_RE = re.compile(r"(?m)(?:^|~)[ \t]*(?P<id>[A-Z][A-Z0-9]{1,2})\*(?P<body>[^~\n]*)~")


def _x12_835(text: str) -> dict[str, Any]:
    """Facts of a raw 835 file printed in the document (its segments "CLP*...~"): the
    production date (DTM*405), payer (N1*PR), payee (N1*PE), and the first claim's
    patient and member ID (NM1*QC), procedure codes (SVC) and service dates (DTM*472)."""
    out: dict[str, Any] = {"procs": [], "dates": []}
    if "CLP*" not in text:
        return out
    claims = 0
    svcs: list[list[Any]] = []  # [code, denied] of the first claim's service lines
    for m in _X12_SEG_RE.finditer(text):
        sid, el = m.group("id"), m.group("body").split("*")
        if sid == "CLP":
            claims += 1
        elif sid == "DTM" and len(el) > 1 and re.fullmatch(r"[0-9]{8}", el[1]):
            d = parse_date(f"{el[1][4:6]}/{el[1][6:8]}/{el[1][:4]}")
            if el[0] == "405" and "letter_date" not in out:
                out["letter_date"] = d
            elif el[0] in ("472", "150") and claims == 1 and d:
                out["dates"].append(d)
        elif sid == "N1" and len(el) > 1 and el[0] in ("PR", "PE"):
            out.setdefault("payer" if el[0] == "PR" else "provider", el[1].strip())
        elif sid == "NM1" and claims == 1 and el and el[0] == "QC" and "patient" not in out:
            if len(el) > 3 and el[2] and el[3]:
                out["patient"] = f"{el[2].strip()}, {el[3].strip()}"
            if len(el) > 8 and el[7] in ("MI", "HN", "MR") and el[8].strip():
                out["member_id"] = el[8].strip()
        elif sid == "SVC" and claims == 1 and el:
            parts = el[0].split(":")
            ok = len(parts) > 1 and parts[0] in ("HC", "AD", "ZZ")
            ok = ok and norm_proc(parts[1]) == parts[1]
            svcs.append([parts[1] if ok else None, False])
        elif sid == "CAS" and claims == 1 and svcs and len(el) > 1 and not (
            is_payment_adjustment(el[0], el[1])
        ):
            svcs[-1][1] = True
    # the lines the document is about: its denied lines, or every line of a paid claim
    denied = [c for c, d in svcs if d]
    out["procs"] = [c for c in (denied if any(d for _c, d in svcs) else [c for c, _d in svcs]) if c]
    return out


def _uniq(xs: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(x for x in xs if x))


def _lines_of(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "").split("\n")


def extract(text: str) -> Extraction:
    """Read codes, service lines and claim facts out of a document's text. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return Extraction()
    try:
        return _extract(text[:2_000_000])
    except Exception as e:  # never log the message/traceback: it may quote the letter
        exc_info, where = scrubbed_exc_info(e)
        logger.error(
            "extraction failed (%s at %s); returning an empty extraction",
            exc_info[0].__name__,
            where,
            exc_info=exc_info,
        )
        return Extraction()


def _safe(fn, *args, default=None):  # type: ignore[no-untyped-def]
    try:
        return fn(*args)
    except Exception as e:  # type and location only (see scrubbed_exc_info)
        exc_info, where = scrubbed_exc_info(e)
        logger.warning(
            "extraction step %s failed (%s at %s)",
            getattr(fn, "__name__", "?"),
            exc_info[0].__name__,
            where,
            exc_info=exc_info,
        )
        return default


def _standard_codes(meaning: str) -> tuple[list[tuple[str | None, str]], list[str]]:
    """Standard CARC/RARC a payer's own code stands for ("... (Standard code PR 27)")."""
    sink = _PosSink()
    _line_codes(meaning, False, sink)
    return [gc for _, gc in sink.carc], [r for _, r in sink.rarc]


#: characters OCR confuses in short codes, each class read as one ("R15" printed, "RIS" read)
_OCR_CODE_CLASSES = str.maketrans("OQDILSZBG|", "0001152861")


def _payer_codes_in(row_lines: list[str], codes: Sequence[str]) -> list[str]:
    """The legend's payer codes a service line prints.

    As printed, anywhere on the line; else, with OCR's usual confusions (O/0, I/1, S/5,
    Z/2, B/8), the last token of a physical line (the remark column), when it reads as
    exactly one legend code.
    """
    text = " ".join(row_lines)
    found = [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    if found:
        return found
    canon = {c: c.upper().translate(_OCR_CODE_CLASSES) for c in codes}
    for line in row_lines:
        tokens = line.split()
        last = tokens[-1].strip(".,;:_~-—'\"|") if tokens else ""
        if not 2 <= len(last) <= 4 or find_money(tokens[-1]):
            continue
        key = last.upper().translate(_OCR_CODE_CLASSES)
        hits = [c for c, k in canon.items() if k == key]
        if len(hits) == 1:
            found.append(hits[0])
    return list(dict.fromkeys(found))


def _apply_payer_legend(rows: list[Row], lines: list[str], legend: _Legend) -> None:
    """Record the payer codes each service line prints; a line without standard codes
    gets the standard codes its payer code's legend entry names."""
    if not legend.payer:
        return
    mapped = {code: _standard_codes(meaning) for code, meaning in legend.payer.items()}
    for row in rows:
        row.payer_codes = _payer_codes_in(
            [lines[i] for i in row.source_lines if i < len(lines)], list(legend.payer))
        if row.adjs:
            continue
        for code in row.payer_codes:
            carcs, rarcs = mapped[code]
            for g, c in carcs:
                row.adjs.append((g, c, None))
            for r in rarcs:
                if r not in row.rarcs:
                    row.rarcs.append(r)


def _legend_repair(
    adjustments: list[Adjustment], legend: _Legend, legend_group: str | None, uncertain: list[str]
) -> tuple[set[str], list[tuple[str | None, str]]] | None:
    """A remit's legend defines the codes its lines use. When a denied line's reason code
    is missing or is not among them (OCR garbled it: "cos55", "co12" for CO-11) and the
    legend defines denial codes no line shows, those are the line's codes.

    Returns (CARCs read wrongly, legend codes to report), or None when nothing is to repair.
    """
    if not legend.carc or not adjustments:
        return None
    legend_codes = [c for _, c in legend.carc]
    shown = {a.carc for a in adjustments if a.carc}
    missing = [
        gc for gc in dict.fromkeys(legend.carc)
        if gc[1] not in shown and not is_payment_adjustment(gc[0], gc[1])
    ]
    if not missing:
        return None
    bad = [a for a in adjustments if a.carc and a.carc not in legend_codes]
    uncoded = [a for a in adjustments if a.denied and not a.carc]
    if not bad and not uncoded:
        return None
    bad_groups = {a.group for a in bad if a.group}
    group = next(iter(bad_groups)) if len(bad_groups) == 1 else legend_group
    found = [(g or group, c) for g, c in missing]
    uncertain.extend(
        f"carc:{c} (from the code legend: its service line is unreadable)" for _, c in found
    )
    return {a.carc for a in bad if a.carc}, found


def _extract(text: str) -> Extraction:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # bound whitespace runs so no pattern can go quadratic on blank space
    text = re.sub(r"[ \t]{61,}", " " * 60, text)
    text = _snake_keys(text)
    text = _safe(_drop_replaced_column, text, default=text)
    lines = _lines_of(text)
    flat = "\n".join(lines)
    table: TableResult = _safe(parse_tables, lines, default=TableResult())
    skip = table.lines_used | table.header_lines
    legend: _Legend = _safe(_parse_legend, lines, skip, default=_Legend())
    sink = _CodeSink()
    _safe(
        _prose_codes, [("" if i in legend.lines else ln) for i, ln in enumerate(lines)], skip, sink
    )
    _safe(_apply_payer_legend, table.rows, lines, legend)
    adjustments: list[Adjustment] = _safe(_adjustments, table.rows, default=[])

    # ---- codes ----
    denied_adj = [a for a in adjustments if a.denied]
    rows_have_codes = any(a.carc for a in adjustments)
    carc_mentions: list[tuple[str | None, str]] = [(a.group, a.carc) for a in denied_adj if a.carc]
    rarcs: list[str] = [r for a in denied_adj for r in a.rarc]
    # uncoded denied rows: their RARCs still count
    prose_carc = [gc for gc in sink.carc if _known("CARC", gc[1])]
    legend_group = legend.groups[0] if len(legend.groups) == 1 else None
    legend_carc = [(g or legend_group, c) for g, c in legend.carc if not rows_have_codes]
    other = [gc for gc in prose_carc + legend_carc if not is_payment_adjustment(gc[0], gc[1])]
    carc_mentions += other
    uncertain: list[str] = [x for r in table.rows for x in r.ocr_fixed] + sink.fixed
    repaired = _safe(_legend_repair, adjustments, legend, legend_group, uncertain)
    if repaired:
        wrong, found = repaired
        carc_mentions = [gc for gc in carc_mentions if gc[1] not in wrong] + found
    if not carc_mentions:
        carc_mentions = [gc for gc in prose_carc if is_payment_adjustment(gc[0], gc[1])]
    # codes the prose gives only for the earlier decision a letter reverses in full, or for
    # the original of a replacement claim, are not this document's
    if not denied_adj:
        dropped = _safe(_not_this_decision_codes, flat, default=set())
        if dropped:
            carc_mentions = [gc for gc in carc_mentions if gc[1] not in dropped]
            sink.rarc = [r for r in sink.rarc if r not in dropped]
    rarcs += [r for r in sink.rarc if _known("RARC", r)]
    if not rows_have_codes or denied_adj:
        # a legend remark no service line shows belongs to a line OCR garbled
        shown_rarcs = {r for a in adjustments for r in a.rarc}
        rarcs += [
            r
            for r in legend.rarc
            if not rows_have_codes
            or r in rarcs
            or repaired
            or (denied_adj and r not in shown_rarcs)
        ]
    procs = _CodeSink()
    row_icd: list[str] = []
    about = [r for r in table.rows if _row_is_denied(r)]
    if not about and table.rows:
        # nothing denied (a paid remit): the document is about its first claim
        first = table.rows[0].claim_number
        about = [r for r in table.rows if r.claim_number in (None, first)]
    for r in about:
        if r.proc:
            procs.add_proc(r.proc)
        row_icd += [c for raw in r.icd if (c := norm_icd10(raw))]
    prose_icd = _safe(_icd_of_other_claims, sink.icd, lines, table.rows, about, default=None)
    other_block: set[int] = _safe(_other_claim_lines, table, about, default=set())
    own_block = {i for i, c in table.claim_at.items() if i not in other_block}
    kept = sink.icd if prose_icd is None else prose_icd
    # a diagnosis printed only in the header block of another claim with service lines of
    # its own (a remittance's paid claim: "Diagnosis ..... M54.2" in "CLAIM 2 OF 2"), away
    # from its lines (a "DX:" line beside a service line is left to _icd_of_other_claims),
    # when the claim the document is about prints its own in its block
    near_rows = {j for r in table.rows for i in r.source_lines for j in range(i - 2, i + 3)}
    other_head = other_block - near_rows
    if other_head and any(_only_in_lines(c, lines, own_block) for c in kept):
        prose_icd = [c for c in kept if not _only_in_lines(c, lines, other_head)]
    # a legend's remark printed outside the legend only in another claim's block (its
    # "MOA MA01" on the paid claim's header line) is that claim's, not a garbled line's
    if other_block:
        outside = set(range(len(lines))) - legend.lines
        # the other claims' own header lines (the line printing the claim's number)
        heads = {i for i in other_block if table.claim_at.get(i, "") in lines[i]}
        rarcs = [
            r for r in rarcs
            if not (r in legend.rarc and _token_only_in(r, lines, heads, outside))
        ]
    # a labelled code ("procedure: 99213") printed only on the service lines of a claim the
    # document is not about (a remittance export's paid claim) is that claim's
    other_rows = {i for r in table.rows if r not in about for i in r.source_lines}
    if other_rows and about:
        sink.cpt = [c for c in sink.cpt if not _token_only_in(c, lines, other_rows)]
        sink.hcpcs = [c for c in sink.hcpcs if not _token_only_in(c, lines, other_rows)]
    codes = Codes(
        carc=_uniq(c for _, c in carc_mentions),
        rarc=_uniq(rarcs),
        group=_uniq(g for g, _ in carc_mentions if g),
        cpt=_uniq(procs.cpt + sink.cpt),
        hcpcs=_uniq(procs.hcpcs + sink.hcpcs),
        icd10=_uniq(row_icd + (sink.icd if prose_icd is None else prose_icd)),
        ndc=_uniq(sink.ndc),
    )

    # ---- fields ----
    doc_type = _safe(_document_type, flat, lines, table, default=DocumentType.OTHER)
    # the labelled fields read with dot leaders as colons ("Member ID ...... X" is
    # "Member ID: X"); same lines, so line indexes still hold
    ftext = _safe(_dot_leaders, flat, default=flat)
    ftext = _safe(_pipe_keys, ftext, default=ftext)
    flines = ftext.split("\n") if ftext.count("\n") == flat.count("\n") else lines
    x12: dict[str, Any] = _safe(_x12_835, flat, default=None) or {"procs": [], "dates": []}
    letter_date = x12.get("letter_date") or _safe(_letter_date, flines, ftext)
    claim_number = next((a.claim_number for a in adjustments if a.claim_number and a.denied), None)
    claim_number = claim_number or next(
        (a.claim_number for a in adjustments if a.claim_number), None
    )
    claim_number = claim_number or _safe(_id_value, _CLAIM_RE, ftext, 4)
    member_id = (
        _safe(_id_value, _PATIENT_LINE_ID_RE, ftext, 3)
        or _safe(_id_value, _INSURANCE_LINE_ID_RE, ftext, 3)
        or _safe(_id_value, _NAME_COMMA_ID_RE, ftext, 3)
        or _safe(_id_value, _MEMBER_RE, ftext, 3)
        or _safe(_mbi, flat)
        or x12.get("member_id")
        or _safe(_id_value, _MEMBER_BARE_RE, ftext, 3)
    )
    if member_id and member_id == claim_number:
        member_id = None
    # unlabelled codes count on a document about a claim or a request: those of a table
    # row the document is about, or any when no service line was read as a table (a
    # table says which of its lines were denied)
    about_lines = {i for r in about for i in r.source_lines}
    weak = [
        c for i, c in sink.weak_proc
        if ((i in about_lines) if table.rows else (claim_number or member_id))
    ]
    if weak:
        codes.cpt = _uniq(codes.cpt + [c for c in weak if isdigits(c[0])])
        codes.hcpcs = _uniq(codes.hcpcs + [c for c in weak if not isdigits(c[0])])
    deadline, deadline_text = _safe(_deadline, flat, letter_date, default=(None, None))
    payer = (_payer_case(x12["payer"]) if x12.get("payer") else None) or _safe(
        _payer, ftext, flines)
    if x12["procs"]:
        codes.cpt = _uniq(codes.cpt + [c for c in x12["procs"] if isdigits(c[0])])
        codes.hcpcs = _uniq(codes.hcpcs + [c for c in x12["procs"] if not isdigits(c[0])])

    # a multi-claim remittance is about the first claim with a denied line: its claim
    # number, patient, member ID and denied charges are the document's
    focus_row = next((r for r in table.rows if _row_is_denied(r)), None) or next(
        iter(table.rows), None
    )
    focus_claim = focus_row.claim_number if focus_row is not None else None
    if focus_row is not None and focus_row.member_id and member_id != focus_row.member_id:
        member_id = fix_id_ocr(focus_row.member_id)
    amount_billed = _amount_billed(ftext, flines, table, focus_claim)
    patient_resp = _patient_resp(ftext, flines, table, focus_claim)

    patient = (
        person_name(focus_row.patient)
        if focus_row is not None and focus_row.patient
        else (person_name(x12["patient"]) if x12.get("patient") else None)
        or _safe(_patient_name, ftext, doc_type)
    )
    if (
        doc_type == DocumentType.OTHER
        and not (table.rows or claim_number or member_id or patient)
        and _BULLETIN_RE.search("\n".join(lines[:10]))
    ):
        # a bulletin or notice about no claim and no person: the adjustment codes its prose
        # cites ("returned with adjustment code CO-29") are policy, no decision's
        codes.carc, codes.rarc, codes.group = [], [], []
    denied_keys = [f"{a.group}-{a.carc}" if a.group else (a.carc or "") for a in denied_adj]
    denied_keys += list(dict.fromkeys(r for a in denied_adj for r in a.rarc))
    ex = Extraction(
        document_type=doc_type,
        adverse_statements=_safe(_adverse_count, flat, default=0),
        codes=codes,
        adjustments=adjustments,
        claim_number=claim_number,
        member_id=member_id,
        patient_name=patient,
        payer=payer,
        provider=(_payer_case(x12["provider"]) if x12.get("provider") else None)
        or _safe(_provider, ftext, flines),
        letter_date=letter_date,
        service_dates=sorted(set(x12["dates"])) or _safe(
            _service_dates, _blank_lines(ftext, other_block) if other_block else ftext, about,
            default=[],
        ),
        amount_billed=amount_billed,
        patient_responsibility=patient_resp,
        appeal_deadline=deadline,
        deadline_text=deadline_text,
        plan_type=_safe(
            _plan_type, flat, doc_type != DocumentType.OTHER or payer is not None, payer
        ),
        reason_text=_safe(_reason_text, flat, lines, skip | legend.lines, legend, denied_keys),
        legend=dict(legend.payer),
        low_confidence=list(dict.fromkeys(uncertain)),
    )
    logger.info(
        "extracted: type=%s adjustments=%d carc=%d rarc=%d cpt=%d hcpcs=%d icd10=%d ndc=%d "
        "legend=%d",
        ex.document_type,
        len(ex.adjustments),
        len(codes.carc),
        len(codes.rarc),
        len(codes.cpt),
        len(codes.hcpcs),
        len(codes.icd10),
        len(codes.ndc),
        len(ex.legend),
    )
    return ex


def _row_total(text: str, start: int) -> float | None:
    """The last amount of a label's line when it is the sum of the amounts before it: a
    table printed with its service lines as columns and a total column ("Amount billed
    $1,850.00  $264.00  $2,114.00")."""
    end = text.find("\n", start)
    ms = find_money(text[start : end if end >= 0 else len(text)])
    if len(ms) >= 3 and abs(sum(v for _a, _b, v in ms[:-1]) - ms[-1][2]) < 0.005:
        return ms[-1][2]
    return None


def _labelled_money(rx: re.Pattern[str], text: str) -> float | None:
    for m in rx.finditer(text):
        seg = text[m.end() : m.end() + 40]
        ms = find_money(seg)
        # the amount right after the label, or across the blanks of a label column
        if ms and (ms[0][0] <= 2 or not seg[: ms[0][0]].strip(" \t")):
            total = _row_total(text, m.end())
            return total if total is not None else ms[0][2]
    return None


def _amount_billed(
    text: str, lines: list[str], table: TableResult, focus_claim: str | None
) -> float | None:
    """The billed amount of what the document is about, as the document prints it.

    Rule (what a billing office reads off the page as "the amount in dispute"):

    * the lines the document is about are its denied service lines (on any claim of a
      remittance), or, when nothing is denied, the lines of its (first) claim;
    * one such line: that line's charge;
    * several: their total, but only when the document prints that total somewhere (a
      claim total, "Amount billed", "We have denied payment of $X"); a sum printed
      nowhere is not a figure of the document, so it is null;
    * no service lines read (a letter), or a line whose charge was unreadable (OCR):
      the labelled figure ("Amount billed: $X", "Total charges", "denied payment of $X").
    """
    about = [r for r in table.rows if _row_is_denied(r)]
    if not about:
        about = [
            r
            for r in table.rows
            if not (focus_claim and r.claim_number not in (None, focus_claim))
        ]
    labelled = table.summary.get("billed")
    if labelled is None:
        labelled = _labelled_money(_BILLED_RE, text)
    charges = [r.amounts.get("billed") for r in about]
    if not about or any(c is None for c in charges):
        return labelled
    total = round(sum(c for c in charges if c is not None), 2)
    if len(about) == 1:
        return total
    row_lines = {i for r in table.rows for i in r.source_lines}
    printed = {
        round(v, 2)
        for i, ln in enumerate(lines)
        if i not in row_lines
        for _a, _b, v in find_money(ln)
    }
    return total if total in printed else None


def _patient_resp(
    text: str, lines: list[str], table: TableResult, focus_claim: str | None
) -> float | None:
    """What the patient owes on the claim the document is about, as printed.

    In order: a claim summary's "You may owe" column; a "Total ..." patient
    responsibility label; on a remittance with several claims, the "Pt resp" printed on
    the focus claim's line (the first claim with a denied line); the per-line patient
    responsibility column summed over several lines; the first labelled figure ("You
    may owe $X", "You may be billed up to $X"); the printed amounts of the PR
    adjustments. An amount the document does not print (a PR adjustment whose amount
    would have to be derived from other columns) is not used.
    """
    if "patresp" in table.summary:
        return table.summary["patresp"]
    rows = table.rows
    claims = {r.claim_number for r in rows if r.claim_number}
    if focus_claim and len(claims) > 1:
        rows = [r for r in rows if r.claim_number in (None, focus_claim)]
        for ln in lines:
            if focus_claim in ln:
                for m in _PATRESP_RE.finditer(ln):
                    ms = find_money(ln[m.end() : m.end() + 25])
                    if ms and ms[0][0] <= 2:
                        return ms[0][2]
    first: float | None = None
    for m in _PATRESP_RE.finditer(text):
        seg = text[m.end() : m.end() + 25]
        ms = find_money(seg)
        if not ms or ms[0][0] > 2:
            continue
        if m.group("total"):
            return ms[0][2]
        if first is None:
            total = _row_total(text, m.end())
            first = total if total is not None else ms[0][2]
    row_resp = [r.amounts["patresp"] for r in rows if "patresp" in r.amounts]
    if row_resp and len(row_resp) > 1:
        return round(sum(row_resp), 2)
    if first is not None:
        return first
    pr = [
        amt if amt is not None else r.amounts["adjamt"]
        for r in rows
        for g, _c, amt in r.adjs
        if g == "PR" and (amt is not None or (len(r.adjs) == 1 and "adjamt" in r.amounts))
    ]
    pr += [r.amounts["patresp"] for r in rows if "patresp" in r.amounts and not r.adjs]
    if pr:
        return round(sum(pr), 2)
    return None
