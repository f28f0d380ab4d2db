"""Denial category classification: a keyword baseline and a trained model.

Both implement :class:`Classifier`: ``classify(text, extraction) -> Classification``.

* :class:`RuleClassifier` — the keyword baseline: the code table plus regexes per
  category over the reason-bearing sentences. Confidence is the share of evidence
  that went to the top category.
* :class:`ModelClassifier` — a scikit-learn pipeline (TF-IDF of reason sentences and
  of the whole document, plus extracted-code tokens) with calibrated probabilities,
  loaded only through :func:`load_classifier` (skops with an explicit trusted-type
  list, a metadata file, a digest check and a version check).

Nothing here logs letter text: only counts, categories and code identifiers.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pipeline.codes import (
    RARC_REQUIRED_CARCS,
    category_for_codes,
    category_for_ncpdp,
    lookup,
    normalize_code,
)
from pipeline.datamodel import Adjustment, Category, Classification, DocumentType, Extraction
from pipeline.errors import ModelError

logger = logging.getLogger(__name__)

RULE_MODEL_NAME = "rule-baseline-v1"
MODEL_FILENAME = "denial_classifier.skops"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / MODEL_FILENAME
LABELS: tuple[str, ...] = tuple(c.value for c in Category)

MAX_EVIDENCE = 6
_SNIPPET_MAX = 60


@runtime_checkable
class Classifier(Protocol):
    def classify(self, text: str, extraction: Extraction) -> Classification: ...


# --------------------------------------------------------------------------------------
# Text: boilerplate vs reason-bearing sentences
# --------------------------------------------------------------------------------------

_I = re.IGNORECASE

#: Headings that open a boilerplate section (appeal rights, notices, taglines).
_BOILERPLATE_HEADING = re.compile(
    r"appeal rights|right to appeal|your rights|how to (file an )?appeal|if you disagree|"
    r"what (if|can) (i|you)|external review|grievance|non-?discrimination|discrimination is "
    r"against|language (assistance|services)|interpret|multi-?language|taglines?|"
    r"important (information|notice)|privacy|help in other languages|for assistance|"
    r"questions\??$|contact us|getting help",
    _I,
)

#: Sentences that are boilerplate wherever they occur.
_BOILERPLATE_SENTENCE = [
    re.compile(p, _I)
    for p in (
        r"\b(right to|you (may|can|have the right to)|may also) (file |submit |request )?"
        r"(an? )?(appeal|grievance|external review|independent review|fair hearing|"
        r"reconsideration|redetermination)",
        r"\bright to ask\b.{0,60}\b(appeal|review|reconsideration|redetermination)\b",
        r"\bexternal review\b",
        r"\bindependent review (organization|entity)\b",
        r"\bstate fair hearing\b",
        r"\bombudsman\b",
        r"\bemployee benefits security administration\b|\bsection 502\(a\)|\bERISA\b",
        r"\bconsumer assistance program\b",
        r"\binsurance (department|commissioner|division)\b|\bdepartment of (insurance|labor)\b",
        r"\bexpedited (appeal|review|decision)\b",
        r"\bfree of charge\b.{0,40}\b(copies|documents|records)\b",
        r"\bdiscriminat",
        r"\bcivil rights\b|\bsection 1557\b|\bnational origin\b",
        r"\bauxiliary aids\b|\blanguage (assistance|services)\b|\binterpreters?\b",
        r"\bTTY\b|\bTDD\b|\brelay service\b",
        r"\bsi habla\b|\bespañol\b|\batenci[óo]n\b|\btagalog\b|\bkreyòl\b|\bfrançais\b",
        r"\bthis is not a bill\b",
        r"\bkeep (this|it) for your records\b",
        r"\b(to|you may) (request|obtain) (a copy of )?the (clinical )?(criteria|guideline|"
        r"rule|protocol)s?\b.{0,40}\b(free|no cost|upon request)",
    )
]

_PUNCT_SENT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"'(\[])")
_TABULAR = re.compile(r"\S(\s{2,}|\t|\s\|\s)\S.*\S(\s{2,}|\t|\s\|\s)\S")
_WORD = re.compile(r"[A-Za-z]")


def _non_ascii_share(s: str) -> float:
    letters = [ch for ch in s if not ch.isspace()]
    if not letters:
        return 0.0
    return sum(ord(ch) > 127 for ch in letters) / len(letters)


def _is_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 70 or not _WORD.search(s):
        return False
    if s.endswith(":"):
        return True
    words = s.split()
    return len(words) <= 8 and not s.endswith((".", ",", ";")) and (
        s.isupper() or all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    )


def is_boilerplate_sentence(sentence: str) -> bool:
    if _non_ascii_share(sentence) > 0.2:
        return True
    return any(p.search(sentence) for p in _BOILERPLATE_SENTENCE)


def _starts_boilerplate(line: str) -> bool:
    s = line.strip()
    return s[:1].isupper() and is_boilerplate_sentence(s)


def split_sentences(text: str) -> list[tuple[str, bool]]:
    """Split into (sentence, is_boilerplate) pairs, in document order.

    Sections under an appeal-rights / nondiscrimination / language-help heading are
    boilerplate until the next other heading. Table rows stay one "sentence" each.
    """
    return list(_split_sentences(text))


#: Classifying one document splits its text four times (model features, code tokens,
#: the decision's keyword support); the last few texts' splits are kept.
@lru_cache(maxsize=4)
def _split_sentences(text: str) -> tuple[tuple[str, bool], ...]:
    out: list[tuple[str, bool]] = []
    in_boiler = False
    para: list[str] = []

    def flush() -> None:
        if not para:
            return
        joined = " ".join(x.strip() for x in para)
        for s in _PUNCT_SENT.split(joined):
            s = s.strip()
            if s:
                out.append((s, in_boiler or is_boilerplate_sentence(s)))
        para.clear()

    for raw in text.replace("\f", "\n").splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if _is_heading(line):
            flush()
            in_boiler = bool(_BOILERPLATE_HEADING.search(line))
            out.append((line.strip(), in_boiler))
            continue
        if _TABULAR.search(line):
            flush()
            s = " ".join(line.split())
            out.append((s, in_boiler or is_boilerplate_sentence(s)))
            continue
        if para and _starts_boilerplate(line):
            # a line of its own that opens boilerplate ("You have the right to appeal
            # our decision") ends the sentence before it, even when OCR read that
            # sentence's full stop as a comma: the reason must not drown in it
            flush()
        para.append(line)
    flush()
    return tuple(out)


def reason_text(text: str) -> str:
    """The reason-bearing part of a document (boilerplate removed)."""
    return "\n".join(s for s, boiler in split_sentences(text) if not boiler)


# --------------------------------------------------------------------------------------
# Keyword lexicon (denial wording per category)
# --------------------------------------------------------------------------------------

_KEYWORDS_RAW: dict[Category, tuple[str, ...]] = {
    Category.PRIOR_AUTHORIZATION: (
        r"\bprior (authori[sz]ation|approval|auth)\b",
        r"\bpre-?(authori[sz]ation|certification|cert|approval)\b",
        r"\b(authori[sz]ation|referral|approval|precertification)s? (was |were |is |had )?"
        r"(not (been )?(obtained|requested|received|on file)|absent|missing|required|expired)",
        r"\bno (valid |approved )?(prior )?(authori[sz]ation|referral|precertification)",
        r"\bno (prior )?approval on file\b|\brequires? approval in advance\b",
        r"\bwithout (a |an |the )?(valid |required )?(prior )?(authori[sz]ation|referral|"
        r"approval|precertification)",
        r"\b(do|does|did) not match (the )?(services? )?(that (were|was) )?authori[sz]ed",
        r"\bexceed(s|ed)? (the )?(number of )?(approved|authori[sz]ed) "
        r"(visits|units|days|services)",
        r"\bauthori[sz]ation (number|period) (does not|did not)",
    ),
    Category.MEDICAL_NECESSITY: (
        r"\bmedical(ly)? necess",
        r"\bnot medically (necessary|appropriate|indicated)",
        r"\b(interqual|milliman|mcg care guidelines|evicore|carecore)\b",
        r"\b(clinical|medical|coverage) (policy|criteria|guidelines?)\b.{0,40}\bnot (met|satisf)",
        r"\bdoes not (meet|satisfy) (the |our )?(clinical |coverage |medical )?(criteria|"
        r"guidelines?)",
        r"\blevel of (care|service) (is |was )?not (supported|appropriate|justified)",
        r"\bconservative (care|treatment|therapy|management)",
        r"\b(physician|clinical|medical) reviewer\b",
        r"\b(local|national) coverage determination\b",
        r"\bfrequency (of (the )?services? )?(is |was )?not supported",
        r"\bnot supported by the (clinical )?(information|documentation|records)",
        r"\b(information|documentation|records|notes) (submitted |provided )?(does|do) not "
        r"(support|show|document)",
    ),
    Category.STEP_THERAPY: (
        r"\bstep[- ]?therapy\b",
        r"\bfail[- ]first\b",
        r"\b(must|need to|needs to|required to|should) (first )?(try|trial|use|have tried)\b",
        r"\b(trial|tried) and fail",
        r"\b(preferred|formulary|first[- ]line) (drug|alternative|agent|medication|product|"
        r"therap)",
        r"\balternative (drug|medication|therap)",
        r"\balternatives? (was|were) available\b|\bshould have been (tried|used) (first|before)\b",
        r"\breject(ion)? (code )?608\b",
        r"\bprerequisite (drug|medication|therap)",
    ),
    Category.MISSING_DOCUMENTATION: (
        r"\b(medical )?records? (were |was |have |has )?(not (been )?received|requested)",
        r"\b(did|have|has) not (yet )?receive[d]?\b",
        r"\badditional (information|documentation|records)\b",
        r"\b(submit|send|provide) (the |a |copies of |us )?(operative|progress|clinical|office|"
        r"visit|therapy) (notes?|reports?)",
        r"\battachments? (was |were )?(not received|missing|incomplete)",
        r"\bmissing (documentation|records|attachment|information)\b",
        r"\billegible\b",
        r"\bdocumentation (was |is )?(not received|incomplete|missing|insufficient)",
        r"\brequest(ed)? (for )?(medical )?records\b",
        r"\bplan of care\b",
    ),
    Category.CODING_ERROR: (
        r"\bmodifiers?\b",
        r"\b(inconsistent|incompatible|does not match) with (the )?(diagnosis|procedure|"
        r"modifier|place of service|patient'?s (age|gender|sex))",
        r"\bbundl(ed|ing)\b|\bunbundl|\bincidental to\b",
        r"\bincluded in (the )?(payment|allowance|reimbursement) (for|of) (another|the primary)",
        r"\bNCCI\b|\bcorrect coding\b|\bmutually exclusive\b",
        r"\b(invalid|missing|incorrect|incomplete) (procedure|diagnosis|CPT|HCPCS|ICD|NPI|"
        r"place of service|revenue|billing)( code)?",
        r"\bcorrected claim\b|\breplacement claim\b",
        r"\bunprocessable\b",
        r"\bcoding (error|guidelines?)\b",
        r"\bnot valid (for|on) the date of service\b",
        r"\b(specificity|laterality)\b",
    ),
    Category.NOT_COVERED: (
        r"\bnot (a )?covered (benefit|service)",
        r"\bnot covered under (your|the|this) (plan|policy|benefits?|contract)",
        r"\b(specifically |is |are )?excluded (from|under|by)\b|\bexclusions?\b",
        r"\b(evidence|certificate) of coverage\b|\bsummary plan description\b",
        r"\bstatutor(y|ily) exclu",
        r"\bcosmetic\b",
        r"\broutine (foot care|eye|vision|hearing|physical|exam|screening)",
        r"\bself-administered\b",
        r"\bnon-?formulary\b|\bnot on (the |our |your )?(drug list|formulary)",
        r"\bno coverage for\b|\bdoes not (cover|provide coverage|include coverage)\b",
    ),
    Category.EXPERIMENTAL_INVESTIGATIONAL: (
        r"\bexperimental\b",
        r"\binvestigational\b",
        r"\bunproven\b",
        r"\bpeer[- ]reviewed (medical |scientific )?(literature|evidence|studies)",
        r"\bnot (been )?(fda[- ])?approved (by the fda )?for (this|the|your) "
        r"(indication|use|condition|diagnosis)",
        r"\boff[- ]label\b",
        r"\bclinical trials?\b",
        r"\binsufficient (scientific |clinical )?evidence\b",
    ),
    Category.BENEFIT_LIMIT: (
        r"\b(benefit|visit|annual|lifetime|plan|calendar[- ]year|yearly) "
        r"(maximum|max|limit|cap)s?\b",
        r"\bmaximum (number )?of \d+ (visits|sessions|units|days|treatments)",
        r"\b(reached|exceeded|exhausted|met|used) (the |your |all )?(allowed |annual |yearly |"
        r"lifetime |benefit |plan |visit )?(maximum|limit|max|visits|benefits?)\b",
        r"\bquantity (limit|exceeds)\b",
        r"\brefill too soon\b",
        r"\bonce (per|every|in a|in) \d* ?(calendar )?(months?|years?|lifetime)",
        r"\bbenefits? (have|has) been (exhausted|used)",
        r"\b\d+ (visits|sessions) per (calendar |benefit |plan )?year\b",
        r"\bup to \d+ ([\w-]+ ){0,3}(visits|sessions|treatments)\b",
        r"\b(visits|sessions|treatments) (per|each|a|every) (calendar |benefit |plan )?year\b",
        r"\bbeyond (what|the number) (the|your) plan (pays|allows|covers)\b",
    ),
    Category.OUT_OF_NETWORK: (
        r"\bout[- ]of[- ]network\b",
        r"\bnon-?(participating|contracted|network)\b",
        r"\bnot (in|part of|a member of) (your |the |our )?(plan'?s? |health plan'?s? )?network",
        r"\bnot (a |an )?(participating|contracted|network|in-network) (provider|facility|"
        r"physician|pharmacy)",
        r"\bnarrow network\b",
        r"\bin-network (exception|provider)s?\b",
    ),
    Category.TIMELY_FILING: (
        r"\btimely filing\b",
        r"\bfiling (deadline|limit|time limit|period)\b",
        r"\b(received|submitted|filed) (after|past|beyond|outside) (the )?(\d+[- ]day )?"
        r"(filing|submission|claim) (deadline|limit|time limit|period|window)",
        r"\btime limit for (filing|submitting|submission)\b",
        r"\blate filing\b",
        r"\bnot (filed|submitted|received) (with)?in \d+ days (of|from|after) the (date of service|"
        r"service date)",
        r"\b(filed|submitted|received) (more than )?\d+ days (after|from|past) the (date of "
        r"service|service date)",
        r"\b(was|were|is|are) (filed|submitted|received|sent) (too )?late\b|\bfiling late\b|"
        r"\buntimely\b|\bgood cause for (filing )?(late|the delay)",
    ),
    Category.DUPLICATE_CLAIM: (
        r"\bduplicates?\b",
        r"\bpreviously (paid|processed|submitted|adjudicated|billed|considered)",
        r"\balready (been )?(paid|processed|submitted|adjudicated)",
        r"\bsame (service|claim)s? (was |were )?(billed|submitted|processed) (more than once|"
        r"twice|again|by another)",
    ),
    Category.ELIGIBILITY: (
        r"\bnot eligible\b|\bineligible\b|\beligibility\b",
        r"\bcoverage (was |had |has |had been |has been )?(terminated|ended|cancell?ed|not in "
        r"effect|inactive|lapsed)",
        r"\b(no|not) (active |in effect )?coverage (on|for) the date",
        r"\bnot (an? )?(active |enrolled |covered )?(member|enrollee)\b",
        r"\bunable to (identify|locate|find|verify) (the )?(patient|member|enrollee)",
        r"\bnot (an )?eligible dependent\b",
        r"\bgrace period\b",
        r"\bbefore (the |your )?(coverage|effective) (date|began)|\bafter (the |your )?coverage "
        r"(ended|terminated)",
    ),
    Category.COORDINATION_OF_BENEFITS: (
        r"\bcoordination of benefits\b",
        r"\bCOB\b",
        r"\bother (health )?(insurance|coverage|carrier|payer)\b",
        r"\bprimary (payer|insurance|carrier|plan|insurer)\b",
        r"\b(bill|submit|send|file|billed|submitted|sent)\b.{0,40}\b(workers'? comp(ensation)?|"
        r"no-fault|auto(mobile)? (insurance|carrier)|liability (carrier|insurer))",
        r"\bwork[- ]related (injury|illness|accident)\b|\b(car|auto|motor vehicle) accident\b",
        r"\b(send|submit|bill|file|forward) (this |the )?(claim )?to (the )?(correct|appropriate|"
        r"proper|other|primary) (payer|carrier|plan|insurer)",
        r"\bsecondary payer\b",
    ),
    Category.NOT_A_DENIAL: (
        r"\bapplied to (your |the )?(annual )?deductible\b",
        r"\bcontractual (adjustment|write[- ]?off|discount|obligation)\b",
        r"\b(paid|processed|approved) (in full|as billed)\b",
        r"\bthis claim (was|has been) (paid|approved|processed)\b",
        r"\b(coinsurance|co-?pay(ment)?|deductible) (amount|applied)\b",
        r"\bpatient responsibility\b",
        r"\b(has|have|was|were) been (approved|certified|authori[sz]ed)\b|\bwe (have )?approved\b",
        r"\bapproval (letter|notice)\b|\b(request|appeal) (is|was|has been) (approved|"
        r"overturned|received)\b",
        r"\bnewsletter\b|\bpolicy (update|change)s?\b|\bprovider (bulletin|update)\b",
    ),
}

KEYWORDS: dict[Category, tuple[re.Pattern[str], ...]] = {
    cat: tuple(re.compile(p, _I) for p in pats) for cat, pats in _KEYWORDS_RAW.items()
}

_DENIAL_MARKER = re.compile(
    r"\bden(ied|ial|y)\b|\bnot (be )?(paid|covered|approved|payable)\b|\breject|\badverse\b|"
    r"\b(unable to|could not|cannot|can not|will not) (approve|pay|cover)\b|\bnon-?covered\b|"
    r"\bnot (medically necessary|certified|eligible)\b",
    _I,
)
_NCPDP_IN_TEXT = re.compile(
    r"\breject(?:ion)?(?:\s+code)?\s*[:#]?\s*(\d{2,3}|MR)\b", _I
)
#: CARCs that say a line is pending, not decided
PENDING_CARCS = frozenset({"133"})
_VISIT_MAX = re.compile(r"\bvisit (maximum|max|limit)|\bmaximum (number )?of \d+ visits", _I)


#: Conditional or announcement wording: a rule stated for the future, not a reason given.
_HEDGED = re.compile(
    r"\b(will|may|might|could) (need|require|be (denied|required))\b|\bsome services\b|"
    r"\bbeginning (on )?\w+ \d|\bif (a|an|the) (service|claim|request)\b|"
    r"\b(original|earlier|previous|prior) (decision|determination) (said|was|stated)\b",
    _I,
)


def is_hedged(sentence: str) -> bool:
    return bool(_HEDGED.search(sentence))


def keyword_hits(sentence: str) -> list[tuple[Category, str]]:
    """(category, matched phrase) for every keyword regex that matches the sentence."""
    hits: list[tuple[Category, str]] = []
    for cat, pats in KEYWORDS.items():
        for p in pats:
            m = p.search(sentence)
            if m:
                hits.append((cat, m.group(0)[:_SNIPPET_MAX]))
                break
    return hits


# --------------------------------------------------------------------------------------
# Codes: per-adjustment categories from the extraction
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeEvidence:
    label: str  # e.g. "CO-197" or "RARC N115" or "NCPDP 608": codes only, never text
    category: Category | None
    #: dollars of the service line this code denies (None: not a line, or no amount read)
    amount: float | None = None


def _line_amount(adj: Adjustment) -> float | None:
    """Denied dollars of a service line (none for a payment adjustment)."""
    return None if adj.denied is False else adj.dollars()


def _remark_category(meaning: str) -> Category | None:
    """The one denial category a payer remark's legend meaning states, if exactly one."""
    cats = {c for c, _ in keyword_hits(meaning) if c is not Category.NOT_A_DENIAL}
    return cats.pop() if len(cats) == 1 else None


def code_evidence(text: str, extraction: Extraction) -> list[CodeEvidence]:
    """Categories implied by the extracted codes, one entry per adjustment or code.

    A service line that prints only the payer's own remark code (no CARC/RARC) is read
    through the document's legend: its meaning's keyword category, when it names one.
    """
    out: list[CodeEvidence] = []
    seen_carcs: set[str] = set()
    mentions_visit_max = bool(_VISIT_MAX.search(text))
    for adj in extraction.adjustments:
        if not adj.carc and not adj.rarc:
            for code in adj.payer_codes:
                meaning = extraction.legend.get(code)
                cat = _remark_category(meaning) if meaning else None
                if cat is not None:
                    out.append(CodeEvidence(f"remark {code}", cat, _line_amount(adj)))
            continue
        carc = normalize_code(adj.carc) if adj.carc else None
        cat = category_for_codes(adj.group, carc, adj.rarc)
        if carc == "151" and mentions_visit_max:
            cat = Category.BENEFIT_LIMIT
        if carc:
            seen_carcs.add(carc)
        label = f"{adj.group}-{carc}" if adj.group and carc else (carc or "")
        if adj.rarc:
            label = (label + " " + "/".join(normalize_code(r) for r in adj.rarc)).strip()
        out.append(CodeEvidence(label, cat, _line_amount(adj)))
    codes = extraction.codes
    groups = [g.strip().upper() for g in codes.group if g.strip()]
    group = groups[0] if len(set(groups)) == 1 else None
    rarcs = [normalize_code(r) for r in codes.rarc]
    for raw in codes.carc:
        carc = normalize_code(raw)
        if carc in seen_carcs:
            continue
        seen_carcs.add(carc)
        # Unpaired remarks explain only CARCs that ask for one (or the diagnosis rule).
        paired = rarcs if (carc in RARC_REQUIRED_CARCS or carc in {"167", "11"}) else []
        cat = category_for_codes(group, carc, paired)
        if carc == "151" and mentions_visit_max:
            cat = Category.BENEFIT_LIMIT
        label = f"{group}-{carc}" if group else f"CARC {carc}"
        out.append(CodeEvidence(label, cat))
    if not codes.carc and not extraction.adjustments:
        for r in rarcs:
            info = lookup("RARC", r)
            if info is not None and info.category is not None and not info.informational:
                out.append(CodeEvidence(f"RARC {r}", info.category))
    for m in _NCPDP_IN_TEXT.finditer(text):
        cat = category_for_ncpdp(m.group(1))
        if cat is not None:
            out.append(CodeEvidence(f"NCPDP {m.group(1).upper()}", cat))
    return out


def _code_categories(ev: Sequence[CodeEvidence]) -> Counter[Category]:
    return Counter(e.category for e in ev if e.category is not None)


def _denial_code_categories(ev: Sequence[CodeEvidence]) -> set[Category]:
    return {e.category for e in ev if e.category not in (None, Category.NOT_A_DENIAL)}


def denied_dollars(ev: Sequence[CodeEvidence]) -> dict[Category, float]:
    """Denied dollars per denial category, over the service lines whose codes say why."""
    out: dict[Category, float] = {}
    for e in ev:
        if e.category not in (None, Category.NOT_A_DENIAL) and e.amount:
            out[e.category] = out.get(e.category, 0.0) + e.amount  # type: ignore[index]
    return out


# --------------------------------------------------------------------------------------
# Rule baseline
# --------------------------------------------------------------------------------------


class RuleClassifier:
    """Keyword baseline: code table + keyword regexes over reason-bearing sentences.

    Scoring: each denial code category gets ``code_weight`` per adjustment; each
    reason sentence gives one point split across the categories it matches (capped
    per category); payer legend meanings count like sentences. Payment-adjustment
    codes count only when nothing points at a denial.
    """

    name = RULE_MODEL_NAME

    def __init__(
        self,
        code_weight: float = 3.0,
        sentence_cap: float = 4.0,
        min_confidence: float = 0.6,
        min_evidence: float = 1.0,
    ) -> None:
        self.code_weight = code_weight
        self.sentence_cap = sentence_cap
        self.min_confidence = min_confidence
        self.min_evidence = min_evidence

    def scores(
        self, text: str, extraction: Extraction
    ) -> tuple[dict[Category, float], dict[Category, float], list[str]]:
        """(code scores, text scores, evidence strings)."""
        evidence: list[str] = []
        code_scores: dict[Category, float] = defaultdict(float)
        for e in code_evidence(text, extraction):
            if e.category is None:
                continue
            w = self.code_weight if e.category is not Category.NOT_A_DENIAL else 1.0
            code_scores[e.category] += w
            evidence.append(f"code {e.label}: {e.category.value}")
        text_scores: dict[Category, float] = defaultdict(float)
        sentences = [
            s for s, boiler in split_sentences(text) if not boiler and not is_hedged(s)
        ]
        sentences += [m for m in extraction.legend.values() if m]
        if extraction.reason_text:
            sentences.append(extraction.reason_text)
        for s in sentences:
            hits = keyword_hits(s)
            if not hits:
                continue
            share = 1.0 / len(hits)
            for cat, phrase in hits:
                if text_scores[cat] < self.sentence_cap:
                    text_scores[cat] = min(self.sentence_cap, text_scores[cat] + share)
                    evidence.append(f"text '{phrase.lower()}': {cat.value}")
        # Payment wording alone does not outweigh any denial wording.
        if any(c is not Category.NOT_A_DENIAL and v > 0 for c, v in text_scores.items()):
            text_scores.pop(Category.NOT_A_DENIAL, None)
        return dict(code_scores), dict(text_scores), evidence

    def classify(self, text: str, extraction: Extraction) -> Classification:
        code_s, text_s, evidence = self.scores(text, extraction)
        denial_codes = {c for c in code_s if c is not Category.NOT_A_DENIAL}
        if denial_codes:
            code_s.pop(Category.NOT_A_DENIAL, None)
        total: dict[Category, float] = defaultdict(float)
        for src in (code_s, text_s):
            for c, v in src.items():
                total[c] += v
        # a document that shows any denial reason is not "not a denial"
        shows_denial = denial_codes or any(c is not Category.NOT_A_DENIAL for c in text_s)
        if (
            shows_denial
            and Category.NOT_A_DENIAL in total
            and (denial_codes or _DENIAL_MARKER.search(reason_text(text)))
        ):
            total.pop(Category.NOT_A_DENIAL)
        denial_signal = bool(denial_codes) or any(
            _DENIAL_MARKER.search(x)
            for x, boiler in split_sentences(text)
            if not boiler and not is_hedged(x)
        )
        others = sum(v for c, v in total.items() if c is not Category.NOT_A_DENIAL)
        payment_doc = bool(total.get(Category.NOT_A_DENIAL)) or extraction.document_type in (
            DocumentType.EOB, DocumentType.REMITTANCE,
        )
        if not denial_signal and others == 0 and payment_doc:
            # nothing in the document says no: approvals, paid EOBs, notices
            return Classification(
                category=Category.NOT_A_DENIAL, confidence=0.6, needs_review=False,
                evidence=["no denial wording or denial codes"] + [
                    e for e in evidence if e.endswith(Category.NOT_A_DENIAL.value)
                ][:3],
                model=self.name,
            )
        if not total:
            return Classification(
                category=None, confidence=None, needs_review=True,
                evidence=["no code or keyword evidence"], model=self.name,
            )
        ranked = sorted(total.items(), key=lambda kv: (-kv[1], LABELS.index(kv[0].value)))
        top, top_score = ranked[0]
        s = sum(total.values())
        confidence = top_score / s if s else 0.0
        code_top = max(code_s.items(), key=lambda kv: kv[1])[0] if code_s else None
        text_top = max(text_s.items(), key=lambda kv: kv[1])[0] if text_s else None
        conflict = (
            code_top is not None and text_top is not None and code_top != text_top
            and text_s.get(code_top, 0.0) == 0.0
        )
        secondary = [
            c for c, v in ranked[1:]
            if v >= max(1.5, 0.5 * top_score) and c is not Category.NOT_A_DENIAL
        ][:2]
        needs_review = confidence < self.min_confidence or s < self.min_evidence or conflict
        ev = [e for e in evidence if e.endswith(top.value)][: MAX_EVIDENCE - 1]
        if conflict:
            ev.append(f"conflict: codes say {code_top.value}, text says {text_top.value}")
        return Classification(
            category=top,
            secondary_categories=secondary,
            confidence=round(confidence, 4),
            needs_review=needs_review,
            evidence=_dedupe(ev)[:MAX_EVIDENCE],
            model=self.name,
        )


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


# --------------------------------------------------------------------------------------
# Model features
# --------------------------------------------------------------------------------------

#: Column order of the feature matrix passed to the scikit-learn pipeline.
FEATURE_COLUMNS = ("reason_text", "document_text", "code_tokens")


def code_tokens(text: str, extraction: Extraction) -> str:
    """Whitespace-separated feature tokens for codes, their categories and keyword hits."""
    toks: list[str] = [f"DOCTYPE_{extraction.document_type.value}"]
    codes = extraction.codes
    for g in codes.group:
        toks.append(f"GROUP_{g.strip().upper()}")
    for c in codes.carc:
        toks.append(f"CARC_{normalize_code(c)}")
    for r in codes.rarc:
        toks.append(f"RARC_{normalize_code(r)}")
    for adj in extraction.adjustments:
        if adj.carc:
            toks.append(f"GC_{(adj.group or 'NA').upper()}_{normalize_code(adj.carc)}")
        if adj.denied is True:
            toks.append("LINE_DENIED")
        elif adj.denied is False:
            toks.append("LINE_ADJUSTED")
        if adj.paid is not None and adj.paid == 0:
            toks.append("LINE_PAID_ZERO")
    ev = code_evidence(text, extraction)
    for e in ev:
        toks.append(f"CODECAT_{e.category.value if e.category else 'none'}")
    if not ev:
        toks.append("NO_CODES")
    for meaning in extraction.legend.values():
        for cat, _ in keyword_hits(meaning):
            toks.append(f"LEGENDCAT_{cat.value}")
    n_reason = 0
    for s, boiler in split_sentences(text):
        if boiler:
            continue
        n_reason += 1
        prefix = "KWH_" if is_hedged(s) else "KW_"
        for cat, _ in keyword_hits(s):
            toks.append(f"{prefix}{cat.value}")
    if _DENIAL_MARKER.search(reason_text(text)):
        toks.append("DENIAL_MARKER")
    if n_reason == 0:
        toks.append("NO_REASON_TEXT")
    return " ".join(toks)


#: The classifier reads at most this much of a document's text (extraction reads it
#: all). A denial states its reason in the first pages; a 2,000-page packet's 4.7 MB
#: of text turned into character n-grams took about 700 MB at once. Every document
#: of our corpora is far shorter, so their features are unchanged by the cap.
CLASSIFIER_MAX_CHARS = 200_000


#: A fax machine's transmission line ("03/24/2026 14:33 FROM: 348-555-7381 TO: ...
#: P.001/002"): it says how the page travelled, not what it says.
_FAX_HEADER = re.compile(
    r"(?im)^.*\bFROM\b.{0,60}\bTO\b.{0,60}\bP\s?\.?\s?\d{1,3}\s?/\s?\d{1,3}.*$"
)
_DIGIT = re.compile(r"\d")


def model_text(text: str) -> str:
    """The words the model reads: fax transmission lines dropped, every digit read as 0.

    Numbers on a letter are identifiers (phone, claim, member and NPI numbers, dates,
    amounts); as words they only let a model remember one template's phone number.
    Keyword rules and code features read the original text, digits included.
    """
    return _DIGIT.sub("0", _FAX_HEADER.sub("", text))


def build_features(text: str, extraction: Extraction) -> list[str]:
    """One row of model input: [reason text + legend meanings, whole text, code tokens]."""
    text = text[:CLASSIFIER_MAX_CHARS]
    reason = reason_text(text)
    extra = [m for m in extraction.legend.values() if m]
    if extraction.reason_text:
        extra.append(extraction.reason_text)
    if extra:
        reason = reason + "\n" + "\n".join(extra)
    return [model_text(reason), model_text(text), code_tokens(text, extraction)]


def feature_matrix(rows: Iterable[tuple[str, Extraction]]) -> np.ndarray:
    data = [build_features(t, e) for t, e in rows]
    arr = np.empty((len(data), len(FEATURE_COLUMNS)), dtype=object)
    for i, row in enumerate(data):
        arr[i, :] = row
    return arr


def make_pipeline(seed: int = 0, small: bool = False) -> Any:
    """The unfitted scikit-learn pipeline. ``small`` shrinks vocabularies (tests)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import (
        HashingVectorizer,
        TfidfTransformer,
        TfidfVectorizer,
    )
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    k = 0.1 if small else 1.0
    features = ColumnTransformer(
        [
            (
                "reason_word",
                TfidfVectorizer(
                    ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True,
                    max_features=int(40000 * k), dtype=np.float64,
                ),
                0,
            ),
            (
                # Hashed, not a vocabulary: tens of thousands of char n-grams stored as
                # a dict made the skops file slow to load (several seconds); hashing
                # keeps only the idf vector. Char features are never shown as evidence.
                "reason_char",
                Pipeline([
                    ("hash", HashingVectorizer(
                        analyzer="char_wb", ngram_range=(3, 5), n_features=2 ** (14 if small
                                                                                  else 18),
                        alternate_sign=False, norm=None, dtype=np.float64,
                    )),
                    ("tfidf", TfidfTransformer(sublinear_tf=True)),
                ]),
                0,
            ),
            (
                "document_word",
                TfidfVectorizer(
                    ngram_range=(1, 1), min_df=2, max_df=0.9, sublinear_tf=True,
                    max_features=int(20000 * k), dtype=np.float64,
                ),
                1,
            ),
            (
                "codes",
                TfidfVectorizer(
                    token_pattern=r"\S+", lowercase=False, use_idf=False, sublinear_tf=True,
                    dtype=np.float64,
                ),
                2,
            ),
        ],
        transformer_weights={
            "reason_word": 1.0, "reason_char": 0.8, "document_word": 0.3, "codes": 1.2,
        },
        sparse_threshold=1.0,
    )
    # A linear SVM with temperature scaling: on the family/payer held-out split of text
    # and OCR'd documents it beat logistic regression (C=10, sigmoid) on macro-F1 (0.928
    # vs 0.896) and on calibration (ECE 0.05 vs 0.19), and fits in a tenth of the time
    # (docs/evaluation.md, "Model families"). One temperature for all classes keeps the
    # SVM's ranking and makes the top probability a usable confidence.
    clf = CalibratedClassifierCV(
        LinearSVC(C=0.5, random_state=seed),
        method="temperature",
        cv=3,
        ensemble=False,
    )
    return Pipeline([("features", features), ("clf", clf)])


# --------------------------------------------------------------------------------------
# Model classifier
# --------------------------------------------------------------------------------------


class ModelLoadError(ModelError):
    kind = "model_load_error"


class UntrustedModelError(ModelError):
    kind = "model_untrusted"


class ModelVersionError(ModelError):
    kind = "model_version_mismatch"


class ModelIntegrityError(ModelError):
    kind = "model_integrity"


#: The only types a model file may contain beyond skops' own defaults.
TRUSTED_TYPES: tuple[str, ...] = (
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.calibration._TemperatureScaling",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.utils._bunch.Bunch",
)


def skops_io() -> Any:
    """``skops.io``, imported so that it trusts only what :data:`TRUSTED_TYPES` names.

    On import, skops lists every scikit-learn estimator (``all_estimators`` walks
    and imports the whole of scikit-learn, most of a second) and trusts them all by
    default, beside the caller's list. Our list is explicit, so that default is
    neither wanted nor paid for: the listing is replaced by an empty one while
    skops.io is first imported. Loading then trusts only our types and skops'
    primitives (skops is pinned; tests/test_classify.py checks the strictness).
    """
    import sys

    if "skops.io" not in sys.modules:
        import sklearn.utils

        listing = sklearn.utils.all_estimators
        sklearn.utils.all_estimators = lambda *a, **k: []
        try:
            import skops.io  # noqa: F401
        finally:
            sklearn.utils.all_estimators = listing
    return sys.modules["skops.io"]


def sha256_path(path: Path) -> str:
    """Hex digest of the model file (the reader's own file digest)."""
    from .read import sha256_file

    return sha256_file(path)


def library_versions() -> dict[str, str]:
    import scipy
    import sklearn
    import skops

    return {
        "python": ".".join(map(str, sys.version_info[:3])),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def metadata_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


_STOP = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "before", "because", "by", "for", "from",
        "has", "have", "in", "is", "it", "its", "no", "not", "of", "on", "or", "our", "that",
        "the", "this", "to", "was", "we", "were", "with", "you", "your",
    }
)


def feature_names(features: Any) -> list[str]:
    """``name__feature`` for every column; hashed columns get ``name__#index``."""
    names: list[str] = []
    for name, trans, _cols in features.transformers_:
        if name == "remainder" or trans == "drop":
            continue
        try:
            names.extend(f"{name}__{f}" for f in trans.get_feature_names_out())
        except AttributeError:  # hashing: no names, only a width
            width = trans[-1].idf_.shape[0]
            names.extend(f"{name}__#{i}" for i in range(width))
    return names


class ModelClassifier:
    """The trained pipeline plus its metadata (labels, review threshold)."""

    def __init__(self, pipeline: Any, metadata: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.metadata = metadata
        self.threshold = float(metadata.get("threshold", 0.5))
        self.secondary_min = float(metadata.get("secondary_min_probability", 0.2))
        self.name = str(metadata.get("model_name", "tfidf-codes-model"))
        self._classes = [Category(c) for c in pipeline.classes_]
        self._explain: tuple[list[str], np.ndarray, set[int]] | None = None

    # -- explanation helpers ----------------------------------------------------------
    def _explainer(self) -> tuple[list[str], np.ndarray, set[int]]:
        """Feature names, per-class coefficients, and the indices allowed in evidence.

        Only word and code features that are among a class's strongest weights are
        ever shown, so identifiers that occur in a few letters cannot surface.
        """
        if self._explain is None:
            names = feature_names(self.pipeline.named_steps["features"])
            clf = self.pipeline.named_steps["clf"]
            lr = clf.calibrated_classifiers_[0].estimator
            coef = np.asarray(lr.coef_)
            if coef.shape[0] == 1:  # binary problem: one row for the positive class
                coef = np.vstack([-coef[0], coef[0]])
            allowed: set[int] = set()
            for row in coef:
                # the 300 strongest weights of the class (a set: their order is not used);
                # argpartition, not a full argsort over ~280,000 columns: 0.7 s -> 0.05 s
                order = np.argpartition(-row, 299)[:300] if row.size > 300 else range(row.size)
                for j in order:
                    n = names[j]
                    if n.startswith(("reason_word__", "codes__")) and row[j] > 0:
                        allowed.add(int(j))
            self._explain = (names, coef, allowed)
        return self._explain

    def _top_features(self, x: Any, cls_index: int, k: int = 4) -> list[str]:
        names, coef, allowed = self._explainer()
        row = x.tocsr() if hasattr(x, "tocsr") else x
        idx = row.indices
        vals = row.data
        contrib = vals * coef[cls_index, idx]
        order = np.argsort(-contrib)
        out: list[str] = []
        for o in order:
            j = int(idx[o])
            if contrib[o] <= 0:
                break
            if j not in allowed:
                continue
            prefix, _, feat = names[j].partition("__")
            if prefix != "codes" and all(w in _STOP for w in feat.split()):
                continue
            if prefix == "codes":
                out.append(f"feature {feat}")
            else:
                out.append(f"text '{feat[:_SNIPPET_MAX]}'")
            if len(out) >= k:
                break
        return out

    # -- classification ---------------------------------------------------------------
    def predict_proba(self, rows: Sequence[tuple[str, Extraction]]) -> np.ndarray:
        return np.asarray(self.pipeline.predict_proba(feature_matrix(rows)))

    def decide(self, proba: np.ndarray, text: str, extraction: Extraction) -> Decision:
        """The decision for one document from its class probabilities and its codes.

        Used by ``classify`` and by training, which chooses the review threshold on
        out-of-fold decisions made exactly this way.
        """
        order = np.argsort(-proba, kind="stable")
        top_i = int(order[0])
        top = self._classes[top_i]
        conf = float(proba[top_i])

        ev_codes = code_evidence(text, extraction)
        denial_codes = _denial_code_categories(ev_codes)
        text_cats = {
            c for s, boiler in split_sentences(text) if not boiler for c, _ in keyword_hits(s)
        }
        supported = denial_codes | text_cats
        # Codes name denial reasons and the text-driven decision is none of them.
        conflict = bool(denial_codes) and top not in denial_codes
        evidence: list[str] = []
        # Mail that states no adverse decision, denies no service line, prints no denial
        # code and offers no appeal (document type "other": approvals, acknowledgements,
        # newsletters) is not a denial, whatever its words: a layout the model never saw
        # still says "prior authorization". Confidence is the model's own for "not a
        # denial", so a document the model read as a denial is sent to review.
        # A claim pended for review (CARC 133: "disposition pending") with no denial code
        # and no adverse statement is undecided, not denied: the same rule.
        pended = PENDING_CARCS & {normalize_code(c) for c in [
            *extraction.codes.carc, *(a.carc for a in extraction.adjustments if a.carc)]}
        undecided = None
        if not denial_codes and extraction.document_type is DocumentType.OTHER:
            undecided = "no adverse decision, denied line or appeal rights"
        elif not denial_codes and pended and not extraction.adverse_statements:
            undecided = f"claim pended (CARC {min(pended)}), no denial code or adverse decision"
        if (undecided and top is not Category.NOT_A_DENIAL
                and Category.NOT_A_DENIAL in self._classes):
            evidence.append(f"{undecided} (the words read as {top.value})")
            top_i = self._classes.index(Category.NOT_A_DENIAL)
            top, conf = Category.NOT_A_DENIAL, float(proba[top_i])
        # Lines denied for different reasons: the reason holding the most denied dollars
        # is the document's category, when the model's choice is one of the lines'
        # reasons (the model picks among what the lines say; the money ranks them).
        # Confidence is then the model's probability of the two together.
        dollars = denied_dollars(ev_codes)
        if top in dollars:
            most = max(dollars, key=lambda c: (dollars[c], c is top))
            if most is not top and most in self._classes:
                most_i = self._classes.index(most)
                conf = min(1.0, conf + float(proba[most_i]))
                evidence.append(f"largest denied amount: {most.value} "
                                f"(${dollars[most]:,.2f} against ${dollars[top]:,.2f})")
                top, top_i = most, most_i
        # secondary: the other reasons lines were denied for (most dollars first), then
        # what the model finds likely and the document supports
        by_dollars = sorted(dollars, key=lambda c: -dollars[c])
        # (mail that is not a denial states no second reason: only a denied line gives one)
        likely = [self._classes[int(i)] for i in order[:4]
                  if proba[int(i)] >= self.secondary_min and self._classes[int(i)] in supported
                  and top is not Category.NOT_A_DENIAL]
        secondary = [c for c in dict.fromkeys(by_dollars + likely)
                     if c is not top and c is not Category.NOT_A_DENIAL][:3]
        evidence += [f"code {e.label}: {e.category.value}" for e in ev_codes
                     if e.category is top][:2]
        conflict_note = ("conflict: codes say " + ",".join(sorted(c.value for c in denial_codes))
                         if conflict else None)
        # The decision is a denial, but the document does not say so: a letter stating no
        # adverse decision and offering no appeal (its codes kept the rule above from
        # applying: a pended claim's "will be denied with CO-252", a reversed decision's
        # earlier codes), or an EOB or remittance with no denial code and no adverse
        # statement (a paid statement in words the model never saw). Sent to review.
        silent = (extraction.document_type is DocumentType.OTHER
                  or (extraction.document_type in (DocumentType.EOB, DocumentType.REMITTANCE)
                      and not denial_codes and not extraction.adverse_statements))
        if silent and top is not Category.NOT_A_DENIAL:
            conflict = True
            conflict_note = ((conflict_note + "; ") if conflict_note else "") + (
                "conflict: the document states no adverse decision")
        return Decision(top, top_i, conf, conflict, secondary, evidence, conflict_note)

    def decisions(self, rows: Sequence[tuple[str, Extraction]]) -> list[Decision]:
        """``decide`` for many documents, their probabilities computed in one batch."""
        rows = list(rows)
        proba = self.predict_proba(rows)
        return [self.decide(p, t, e) for p, (t, e) in zip(proba, rows, strict=True)]

    def classify(self, text: str, extraction: Extraction) -> Classification:
        X = feature_matrix([(text, extraction)])
        # features once, for the probabilities and the explanation (was computed twice)
        Xt = self.pipeline.named_steps["features"].transform(X)
        proba = np.asarray(self.pipeline.named_steps["clf"].predict_proba(Xt))[0]
        d = self.decide(proba, text, extraction)
        evidence = list(d.evidence)
        try:
            evidence += self._top_features(Xt[0], d.index, k=MAX_EVIDENCE - len(evidence))
        except Exception:  # explanation must never break classification
            logger.exception("could not explain the model decision")
        if d.conflict_note:
            evidence.append(d.conflict_note)
        return Classification(
            category=d.category,
            secondary_categories=d.secondary,
            confidence=round(min(1.0, max(0.0, d.confidence)), 4),
            needs_review=d.confidence < self.threshold or d.conflict,
            evidence=_dedupe(evidence)[: MAX_EVIDENCE + 1],
            model=self.name,
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """A model decision before its explanation: what ``needs_review`` is made of."""

    category: Category
    index: int  # the category's column in the model's probabilities
    confidence: float
    conflict: bool  # codes name denial reasons and the decision is none of them
    secondary: list[Category]
    evidence: list[str]
    conflict_note: str | None


def _plain_vocabularies(pipeline: Any) -> None:
    """Vocabulary indices as Python ints, not numpy.int64 (same model, same predictions).

    skops writes every numpy scalar as its own array file in the ZIP: ~14,000 of them
    made loading take about 1 s; plain ints are JSON numbers (load about 0.3 s).
    """
    features = getattr(pipeline, "named_steps", {}).get("features")
    for _name, trans, _cols in getattr(features, "transformers_", []):
        vocab = getattr(trans, "vocabulary_", None)
        if isinstance(vocab, dict):
            trans.vocabulary_ = {k: int(v) for k, v in vocab.items()}


def save_model(pipeline: Any, path: Path, metadata: dict[str, Any]) -> dict[str, Any]:
    """Write ``path`` (skops, ZIP_DEFLATED) and its metadata JSON beside it."""
    import zipfile

    sio = skops_io()

    path.parent.mkdir(parents=True, exist_ok=True)
    _plain_vocabularies(pipeline)
    sio.dump(pipeline, path, compression=zipfile.ZIP_DEFLATED)
    meta = dict(metadata)
    meta["model_file"] = path.name
    meta["model_sha256"] = sha256_path(path)
    meta.setdefault("versions", library_versions())
    meta.setdefault("labels", [str(c) for c in pipeline.classes_])
    meta["trusted_types"] = list(TRUSTED_TYPES)
    metadata_path(path).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


def load_classifier(path: str | Path) -> ModelClassifier:
    """Load a model file written by :func:`save_model`, refusing anything doubtful.

    Checks, in order: metadata present; trained with this scikit-learn minor version;
    file digest matches the metadata; no types outside :data:`TRUSTED_TYPES`; label set
    is ours. Raises a :class:`~pipeline.errors.ModelError` subclass with a clear message.
    """
    import sklearn
    sio = skops_io()

    p = Path(path)
    mp = metadata_path(p)
    if not p.is_file():
        raise ModelLoadError(f"model file {p.name} not found")
    if not mp.is_file():
        raise ModelLoadError(
            f"model metadata {mp.name} is missing beside {p.name}; retrain or restore it"
        )
    try:
        meta = json.loads(mp.read_text(encoding="utf-8"))
        trained_with = str(meta["versions"]["scikit-learn"])
        expected_digest = str(meta["model_sha256"])
        labels = list(meta["labels"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"model metadata {mp.name} is unreadable or incomplete") from exc
    if _minor(trained_with) != _minor(sklearn.__version__):
        raise ModelVersionError(
            f"model {p.name} was trained with scikit-learn {trained_with}, but "
            f"{sklearn.__version__} is installed; retrain it (python -m pipeline.train) or "
            f"install scikit-learn {_minor(trained_with)}.x"
        )
    if sha256_path(p) != expected_digest:
        raise ModelIntegrityError(
            f"model file {p.name} does not match the digest in {mp.name}; refusing to load"
        )
    unknown_labels = set(labels) - set(LABELS)
    if unknown_labels:
        raise ModelLoadError(f"model labels not in our category set: {sorted(unknown_labels)}")
    # One pass over the file: skops.io.load refuses any type outside the list itself
    # (parsing the tree a second time for get_untrusted_types doubled the load time).
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        pipeline = sio.load(p, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        raise UntrustedModelError(
            f"model file {p.name} contains types outside the trusted list: {exc}"
        ) from exc
    except Exception as exc:
        raise ModelLoadError(f"model file {p.name} could not be loaded ({type(exc).__name__})"
                             ) from exc
    classes = [str(c) for c in getattr(pipeline, "classes_", [])]
    if classes != labels:
        raise ModelLoadError(f"model {p.name} classes do not match its metadata label set")
    if not hasattr(pipeline, "predict_proba"):
        raise ModelLoadError(f"model {p.name} has no predict_proba")
    logger.info("loaded classifier %s (labels=%d)", p.name, len(classes))
    return ModelClassifier(pipeline, meta)


def default_classifier(model_path: str | Path | None = None) -> Classifier:
    """The trained model from ``models/denial_classifier.skops`` if present, else the rules.

    A model file that is present but refused raises (a silent fallback would hide it).
    """
    p = Path(model_path) if model_path is not None else DEFAULT_MODEL_PATH
    if p.is_file():
        return load_classifier(p)
    logger.info("no trained model at %s; using the keyword baseline", p.name)
    return RuleClassifier()


__all__ = [
    "Classifier",
    "KEYWORDS",
    "ModelClassifier",
    "ModelIntegrityError",
    "ModelLoadError",
    "ModelVersionError",
    "RuleClassifier",
    "TRUSTED_TYPES",
    "UntrustedModelError",
    "build_features",
    "code_evidence",
    "default_classifier",
    "feature_matrix",
    "keyword_hits",
    "load_classifier",
    "make_pipeline",
    "reason_text",
    "save_model",
    "split_sentences",
]
