"""Service-line table parser for EOBs, remittance advice and letter claim summaries.

OCR rarely keeps column alignment, so rows are read by *token shape* first (dates,
procedure codes + modifiers, amounts, group/reason codes, remark codes) and the header
row is used only to decide which amount is which (by order when the counts agree,
by horizontal position otherwise). Four shapes are handled:

* grid rows (fixed width, pipes, or collapsed spacing) under an optional header;
* continuation lines below a row ("REM: N54", a wrapped "CO-197 1,250.00");
* key-value blocks ("Service Date: ...", "Procedure: ...", "Billed: ...");
* dense all-caps vouchers (Medicare-style ``PERF PROV SERV DATE ... GRP/RC-AMT``).

OCR layouts handled on top (each rebuilt line is recorded in ``Row.ocr_fixed``):

* a key-value block read label column first: the "date code units N dx ..." values
  further down, with their "$a / $b / $c" amounts and code lines ("orphan" values);
* a table read as two blocks, its code columns' rows then, under a header of amount
  columns only, its amount columns' rows: paired again in order when none is missing;
* a request table's row whose header was lost, closing with its decision cell;
* a row's code wrapped below it with the description ("... injection   62321").

The claim number in force (from "Claim #", "ICN", "Claim Number" lines) is stamped on
each row so multi-claim remittances keep lines apart.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from pipeline.codes import lookup
from pipeline.normalize import (
    GROUP_CARC_LOOSE_RE,
    GROUP_CARC_RE,
    find_dates,
    find_money,
    is_modifier,
    isdigits,
    norm_carc,
    norm_group,
    norm_icd10,
    norm_proc,
    norm_rarc,
    ocr_icd10,
    parse_group_carc,
    parse_money,
    scrubbed_exc_info,
)

logger = logging.getLogger(__name__)

MONEY_FIELDS = (
    "billed", "allowed", "deductible", "coins", "copay", "adjamt", "noncovered", "patresp", "paid"
)

# Header vocabulary: (field, regex). Longer phrases first inside each alternative.
_HEADER_FIELDS: list[tuple[str, str]] = [
    (
        "patresp",
        r"pat(?:ient)?\.?\s*resp(?:onsibility|\.)?|pt\.?\s*resp\.?|member\s+resp\w*|"
        r"(?:what\s+|amount\s+)?you\s+(?:may\s+)?owe|your\s+(?:share|responsibility|cost)|"
        # "What you" over "may owe": the head's second line
        r"may\s+owe",
    ),
    (
        "paid",
        r"prov(?:ider)?\.?\s*pd|prov(?:ider)?\s+paid|plan\s+paid|net\s+paid|amount\s+paid|"
        r"paid\s+(?:amt|amount|to\s+provider)|plan\s+pays?|we\s+paid|paid|payment\s+amount|"
        r"payment|benefit\s+amount|pd\s+amt",
    ),
    (
        "billed",
        r"amount\s+billed|amt\s+billed|billed\s+(?:amt|amount)|billed|total\s+charges?|"
        r"charges?|submitted(?:\s+(?:amt|amount|charges?))?|charged",
    ),
    (
        "allowed",
        r"allowed\s+(?:amt|amount)|allowed|allowable|approved(?:\s+amount)?|eligible|"
        r"plan\s+allows|plan\s+allowance|covered\s+amount|contracted\s+rate",
    ),
    ("deductible", r"deduct(?:ible)?"),
    ("coins", r"co-?insurance|coins|co-?ins"),
    ("copay", r"co-?pay(?:ment)?"),
    (
        "adjamt",
        r"grp\s*/\s*rc\s*-?\s*amt|adj(?:ustment)?\s+(?:amt|amount)|contractual(?:\s+adj\w*)?|"
        r"discount|write[-\s]?off|amount\s+not\s+allowed|"
        r"disallowed|other\s+adj\w*|adjustments?",
    ),
    # a member EOB's "Not covered" column: the part of the charge the plan denied
    ("noncovered", r"not\s+covered(?:\s+amount)?|non-?covered(?:\s+amount)?"),
    ("group", r"grp(?:\s+code)?|group(?:\s+code)?"),
    (
        "reason",
        r"adj\.?\s*reason(?:\s+codes?)?|reason(?:\s+codes?)?|carcs?|rc|adj\.?\s+codes?|"
        r"denial\s+codes?|adj|ansi(?:\s+codes?)?",
    ),
    ("remark", r"remarks?(?:\s+codes?)?|rem|rarcs?|message\s+codes?|msg|notes?"),
    (
        "proc",
        r"cpt\s*/\s*hcpcs|hcpcs\s*/\s*cpt|cpt(?:\s+code)?|hcpcs(?:\s+code)?|"
        r"proc(?:edure)?(?:\s+code)?|service\s+code|svc\s+code|code",
    ),
    ("mod", r"mods?|modifiers?"),
    (
        "dos",
        r"dates?\s+of\s+service|dates?\s+of\s+svc|service\s+dates?|serv\s+date|svc\s+date|"
        r"dos|from(?:\s+date)?|date",
    ),
    ("line", r"line(?:\s*#|\s+no\.?)?|ln"),
    ("patient", r"patient(?:\s+name)?|member\s+name|name"),
    ("claim", r"claim\s*(?:no\.?|#|number|id)|claim|icn|ccn"),
    ("units", r"units|nos|qty|days/units"),
    ("pos", r"pos|place\s+of\s+service"),
    ("dx", r"dx|diag(?:nosis)?(?:\s+codes?)?|icd(?:-?10)?"),
    ("status", r"decision|status|determination|outcome"),
    (
        "desc",
        r"description|service\s+description|requested\s+(?:treatment|service)|treatment|"
        r"service|svc",
    ),
]
_HEADER_RE = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{rx})\b)" for name, rx in _HEADER_FIELDS), re.IGNORECASE
)

# Key-value labels of a service line ("Service Date: 03/14/2026").
_KV_LABELS: list[tuple[str, str]] = [
    ("dos", r"dates?(?:\s*\(s\))?\s+of\s+service|service\s+dates?|dos|date\s+of\s+svc|svc\s+date"),
    (
        "proc",
        r"procedure(?:\s+code)?|cpt(?:\s*/\s*hcpcs)?(?:\s+code)?|hcpcs(?:\s+code)?|"
        r"service\s+code|proc(?:\s+code)?|service\s+billed|service",
    ),
    ("mod", r"modifiers?|mods?"),
    (
        "billed",
        r"amount\s+billed|billed\s+amount|billed|charges?|total\s+charges|submitted\s+charges?|"
        r"amount\s+charged",
    ),
    ("allowed", r"allowed(?:\s+amount)?|approved\s+amount|plan\s+allowance"),
    ("paid", r"(?:plan\s+|amount\s+)?paid(?:\s+amount)?|payment(?:\s+amount)?|plan\s+payment"),
    (
        "patresp",
        r"patient\s+responsibility|member\s+responsibility|you\s+owe|your\s+responsibility",
    ),
    (
        "code",
        r"(?:adj(?:ustment)?\s+)?reason\s+codes?|adj(?:ustment)?(?:\s+codes?)?|carcs?|"
        r"denial\s+codes?|group\s*/\s*reason(?:\s+codes?)?",
    ),
    ("remark", r"remarks?(?:\s+codes?)?|rarcs?|remark\s+codes?"),
    ("line", r"(?:service\s+)?line(?:\s+(?:no\.?|number|#))?"),
]
_KV_START_RE = re.compile(
    r"^\s*(?:" + "|".join(rf"(?P<{n}>{rx})" for n, rx in _KV_LABELS) + r")\s*(?:\(s\))?\s*[:#]",
    re.IGNORECASE,
)
_KV_ANY_RE = re.compile(
    r"(?:^\s*|(?<=\s\s)|(?<=\|)|(?<=\|\s)|(?<=;)|(?<=;\s))(?:"
    + "|".join(rf"(?P<{n}>{rx})" for n, rx in _KV_LABELS)
    + r")\s*(?:\(s\))?\s*[:#]\s*",
    re.IGNORECASE,
)

CLAIM_LABEL_RE = re.compile(
    r"(?:payer\s+)?(?:claim\s*(?:number|no\.?|num|#|id|control\s*(?:number|no\.?|#)|ref(?:erence)?"
    r"(?:\s*(?:number|no\.?|#))?)|claim(?=\s*:)|\bICN\b|\bCCN\b|\bDCN\b)"
    # "Payer claim no .. HS2602", "ICN ........ 6126": a dot leader before the value
    r"\s*(?:[:#.]|(?:\.[ \t]?){2,})?\s*(?:#\s*)?"
    r"(?P<val>[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9])",
    re.IGNORECASE,
)

_PROC_TOKEN_RE = re.compile(
    r"(?<![\w$.,/-])(?:HC[:\s])?(?P<code>[0-9OIl]{4}[0-9FTUOIl]|[A-CEGHJ-MP-V][0-9OIlSsB]{4})"
    r"(?P<mods>(?:(?:[-:]|\s{1,10})[A-Z0-9]{2}(?![\w.,/]))*)(?![\w,/]|\.[\w.,])"
)
_RARC_TOKEN_RE = re.compile(r"(?<![\w-])(MA[0-9OIl]{2,3}|[MN][0-9OIl]{1,3})(?![\w.,/]|-[0-9])")
_LABEL_BEFORE_RE = re.compile(
    r"(?:ICN|ACNT|ACCT|ACCOUNT|CLAIM|CLM|NPI|ID|MEMBER|HIC|MBI|PCN|ZIP|TIN|TAX|PHONE|FAX|"
    r"CHECK|EFT|TRACE|GROUP|POLICY|REF|#|NO\.?|NUMBER)\s*[:#]?\s*$",
    re.IGNORECASE,
)
#: "Service line 2:" (also as OCR reads it: "Sarvice line", "Service tine", "Service Iine")
_LINE_HEAD_RE = re.compile(
    r"^\s*\[?\s*(?:(?:s[ae]rv[il1]ce\s+)?line|s[ae]rv[il1]ce\s+[tI1|]ine)\s*(?:#|no\.?)?\s*"
    # an export's section heading: "[line 1]"
    r"([0-9]{1,3})(?:\s*\](?=\s*$))?\s*(?:[:;.-]\s*(?P<rest>.*))?$",
    re.I,
)
_GENERIC_KV_RE = re.compile(r"^\s*[A-Za-z][\w /()#'.-]{1,40}:\s*\S")  # "Units: 1", "units: 1"
_TOTAL_RE = re.compile(r"\b(?:totals?|balance|subtotal|check\s+amount|net\s+payment)\b", re.I)
_DENIED_WORD_RE = re.compile(
    r"\b(?:denied|deny|not\s+covered|rejected|disallowed|non-?certified|not\s+certified|"
    r"not\s+approved|not\s+medically\s+necessary)\b",
    re.I,
)
_ICD_OCR_ROW_RE = re.compile(
    r"(?<![\w.$-])([A-Z][A-Za-z0-9|]{2,3}(?:[.,]{1,2}|[.,] )[0-9A-Z)\]|]{1,4})(?![\w]|[.,][0-9])"
)
#: "()" glued to a code is how OCR reads a 0 ("M54.5()" for M54.50); same length as "0 "
_PAREN_ZERO_RE = re.compile(r"(?<=[0-9A-Z])\(\)")
_ICD_ROW_RE = re.compile(r"(?<![\w.$-])([A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4})(?![\w]|\.[0-9])")
_PROSE_WORD_RE = re.compile(r"\b[a-z]{3,}\b")


#: "HARGROVE, ETHAN" / "CASTELLANO," (first name wrapped to the next line) in a row
_ROW_PATIENT_RE = re.compile(
    r"(?<![\w-])(?P<last>[A-Z][A-Z'’\-]+(?:\s[A-Z][A-Z'’\-]+)?),(?:[ \t]?(?P<first>[A-Z][A-Z'’\-]+"
    r"(?:[ \t][A-Z]\.?)?)(?![\w-]))?"
)
_NAME_ONLY_LINE_RE = re.compile(r"^\s*(?P<first>[A-Z][A-Z'’\-]+(?:[ \t][A-Z]\.?)?)\s*$")
#: A claim block's patient line: "NAME HARGROVE, DARNELL   MID 74653164M   ICN C1125485642"
_BLOCK_PATIENT_RE = re.compile(
    r"^\s*(?i:NAME|PATIENT(?:\s+NAME)?)\s*(?::|(?:\.[ \t]?){2,})?\s+"
    r"(?P<name>[A-Z][A-Z'’\-]+,\s?[A-Z][A-Z'’\-]+"
    r"(?:\s[A-Z]\b\.?)?)"
)
_BLOCK_MEMBER_RE = re.compile(
    r"\b(?:MID|MEMBER\s*(?:ID|NO\.?|#|NUMBER)|SUBSCRIBER\s+ID|HIC|MBI|ID(?=\s*:))"
    r"\s*(?:[:#]|(?:\.[ \t]?){2,})?\s*"
    r"(?P<mid>[A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])\b"
)


@dataclass
class Row:
    """One service line as read, before conversion to datamodel.Adjustment."""

    claim_number: str | None = None
    line: int | None = None
    service_date: date | None = None
    proc: str | None = None
    modifiers: list[str] = field(default_factory=list)
    amounts: dict[str, float] = field(default_factory=dict)
    adjs: list[tuple[str | None, str, float | None]] = field(default_factory=list)
    rarcs: list[str] = field(default_factory=list)
    payer_codes: list[str] = field(default_factory=list)  # the payer's own remark codes
    icd: list[str] = field(default_factory=list)
    denied_word: bool = False
    source_lines: list[int] = field(default_factory=list)
    patient: str | None = None  # as printed, e.g. "HARGROVE, ETHAN"
    member_id: str | None = None
    #: group-reason codes read through an OCR repair ("cos55" -> CO-55): low confidence
    ocr_fixed: list[str] = field(default_factory=list)


@dataclass
class TableResult:
    rows: list[Row] = field(default_factory=list)
    lines_used: set[int] = field(default_factory=set)
    header_lines: set[int] = field(default_factory=set)
    #: a claim summary printed as a header of amount columns over one line of amounts
    #: ("Amount billed  Your plan paid  You may owe" / "$1,601.00  $509.65  $127.41"):
    #: column -> amount (the first summary of the document)
    summary: dict[str, float] = field(default_factory=dict)
    #: line index -> the claim number in force there (its claim's block), where one is
    claim_at: dict[int, str] = field(default_factory=dict)


@dataclass
class _Header:
    fields: list[tuple[int, int, str]]  # (start, end, field)
    #: for a pipe-separated header, the column names of each cell (cells are matched
    #: by index: the pipes of a row rarely line up with the header's in a text PDF)
    cells: list[set[str]] | None = None

    def has(self, name: str) -> bool:
        return any(f == name for _, _, f in self.fields)

    def money_fields(self) -> list[tuple[int, int, str]]:
        return [t for t in self.fields if t[2] in MONEY_FIELDS]


def _clean(line: str) -> str:
    # pipes become spaces (same length, so header/row positions still line up)
    return line.replace("|", " ").replace("\t", "    ")


_COST_SHARE = frozenset(("deductible", "coins", "copay"))


def detect_header(line: str) -> _Header | None:
    """A header row names >= 3 table columns, one of them an amount or procedure column.
    An export's snake_case column names ("CLAIM_NO", "ADJ_AMT") read as words."""
    s = re.sub(r"(?<=[A-Za-z])_(?=[A-Za-z])", " ", _clean(line))
    if len(s) > 400 or find_money(s) or find_dates(s):
        return None
    fields: list[tuple[int, int, str]] = []
    for m in _HEADER_RE.finditer(s):
        name = m.lastgroup or ""
        if (
            fields
            and name in _COST_SHARE
            and fields[-1][2] in _COST_SHARE
            and re.fullmatch(r"\s*/\s*", s[fields[-1][1] : m.start()])
        ):
            # "Copay/Coins", "Copay/ Coins": one cost-share column named twice, not two
            fields[-1] = (fields[-1][0], m.end(), fields[-1][2])
            continue
        fields.append((m.start(), m.end(), name))
    names = {f for _, _, f in fields}
    if len(fields) < 3 or not (names & set(MONEY_FIELDS) or "proc" in names):
        return None
    if not (names & {"billed", "paid", "allowed", "adjamt", "proc", "reason", "group"}):
        return None
    # prose with a few table words is not a header: most of a header's letters are
    # column names, and it holds no codes
    letters = sum(c.isalpha() for c in s)
    covered = sum(sum(c.isalpha() for c in s[a:b]) for a, b, _ in fields)
    if letters == 0 or covered < 0.6 * letters:
        return None
    has_rarc = any(norm_rarc(m.group(1)) for m in _RARC_TOKEN_RE.finditer(s))
    has_carc = any(parse_group_carc(m) for m in GROUP_CARC_RE.finditer(s))
    if has_carc or has_rarc or s.count(":") > 1:
        return None
    money_ends = [b for _a, b, f in fields if f in MONEY_FIELDS]
    for k, (a, b, _f) in enumerate(fields):
        # "Service date  Description  Charge  Allowed  Plan paid  Code": a bare "Code"
        # column after the amounts (the codes are in the description) holds reason codes
        if (
            _f == "proc"
            and re.fullmatch(r"(?i)codes?", s[a:b])
            and money_ends
            and a > max(money_ends)
            and "reason" not in names
            and "desc" in names
        ):
            fields[k] = (a, b, "reason")
            names = {f for _, _, f in fields}
    reasons = [t for t in fields if t[2] == "reason"]
    if len(reasons) >= 2 and "adjamt" not in names:
        # "... ALLOWED  ADJ  PAID  CARC  RARC": with the codes in their own column, a bare
        # "ADJ" column holds the adjusted amount
        for k, (a, b, _f) in enumerate(fields):
            if _f == "reason" and re.fullmatch(r"(?i)adj(?:ustment)?s?\.?", s[a:b]):
                fields[k] = (a, b, "adjamt")
                break
    cells = None
    if line.count("|") >= 3:
        cells = []
        pos = 0
        for cell in line.split("|"):
            end = pos + len(cell)
            cells.append({f for a, b, f in fields if a >= pos and b <= end})
            pos = end + 1
    return _Header(fields, cells)


_HEADER_WORD_RE = re.compile(r"[A-Za-z][A-Za-z.#-]*/?")


def merge_wrapped_header(header: _Header, line: str, nxt: str) -> _Header | None:
    """The header ``line`` with the column names that wrapped onto ``nxt`` put back
    ("Billed  Plan  Deductible  Copay/  Not  Plan  Remark" over "discount Coins covered
    paid" is one header of "Plan discount", "Copay/ Coins", "Not covered", "Plan paid").
    A wrapped word belongs to the head word above it when the spacing is kept, else to
    the next head word that is not a column name on its own ("Plan", "Not", "Copay/"),
    in order, when those are exactly as many as the wrapped words. None when ``nxt``
    is not such a line."""
    s1, s2 = _clean(line), _clean(nxt)
    if header.cells is not None or not s2.strip() or len(s2) > 200:
        return None
    if find_money(s2) or find_dates(s2):
        return None
    toks1 = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", s1)]
    toks2 = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", s2)]
    if len(toks2) > len(toks1) or not all(_HEADER_WORD_RE.fullmatch(t) for _, _, t in toks2):
        return None
    pairs: list[tuple[int, str]] | None = None
    if "  " in s1.strip():
        pairs = []
        for a2, b2, t2 in toks2:
            over = [k for k, (a1, b1, _) in enumerate(toks1) if a1 < b2 and a2 < b1]
            if len(over) != 1:
                pairs = None
                break
            pairs.append((over[0], t2))
    if pairs is None:
        # a head word: one that ends in "/" or is part of no column name
        heads = [
            k
            for k, (a, b, t) in enumerate(toks1)
            if t.endswith("/") or not any(fa < b and a < fb for fa, fb, _ in header.fields)
        ]
        if len(heads) != len(toks2):
            return None
        pairs = [(k, t2) for k, (_, _, t2) in zip(heads, toks2, strict=True)]
    merged = {k for k, _ in pairs}
    if len(merged) != len(pairs):
        return None
    spans = [(toks1[k][0], toks1[k][1]) for k in merged]
    fields = [f for f in header.fields if not any(a <= f[0] < b for a, b in spans)]
    for k, t2 in pairs:
        a, b, t1 = toks1[k]
        m = _HEADER_RE.search(f"{t1} {t2}")
        if m is not None:
            fields.append((a, b, m.lastgroup or ""))
    fields.sort()
    return _Header(fields)


def merge_header_above(upper: str, header: _Header, line: str) -> _Header | None:
    """The header ``line`` with the first words of its column names, printed on the line
    above, put back: "Amount  Plan  Plan  You" over "billed  allows  paid  owe" is the
    header "Amount billed", "Plan allows", "Plan paid", "You owe" (read alone, the lower
    line makes the "allows" column part of "paid"). Each word above joins the column word
    below it that it overlaps. None when ``upper`` is not such a line or changes nothing."""
    s1, s2 = _clean(upper), _clean(line)
    if header.cells is not None or not s1.strip() or len(s1) > 300:
        return None
    if find_money(s1) or find_dates(s1) or ":" in s1:
        return None
    toks1 = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", s1)]
    toks2 = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", s2)]
    if len(toks1) < 2 or not all(
        _HEADER_WORD_RE.fullmatch(t.strip("()")) for _, _, t in toks1
    ):
        return None
    above: dict[int, list[str]] = {}
    for a1, b1, t1 in toks1:
        under = [k for k, (a2, b2, _) in enumerate(toks2) if a1 < b2 and a2 < b1]
        if len(under) > 1:
            return None
        if under:
            above.setdefault(under[0], []).append(t1)
        elif not _HEADER_RE.fullmatch(t1):
            return None  # a word above no column that is no column name: not a header
    fields = list(header.fields)
    changed = False
    for k, words in above.items():
        a2, b2, t2 = toks2[k]
        phrase = " ".join(words)
        m = _HEADER_RE.search(f"{phrase} {t2}")
        if m is None or m.start() >= len(phrase) or m.end() <= len(phrase) + 1:
            continue  # the words above do not make a column name with this one
        name = m.lastgroup or ""
        fields = [f for f in fields if not (f[0] < b2 and a2 < f[1])]
        fields.append((a2, b2, name))
        changed = True
    if not changed:
        return None
    fields.sort()
    return _Header(fields)


_CLAIM_COL_NAMES: list[tuple[str, re.Pattern[str]]] = [
    ("patient_member", re.compile(
        r"(?i)^(?:patient|member|recipient|insured|subscriber)\s+name\s*/\s*(?:id|no\.?|#)$")),
    ("claim", re.compile(
        r"(?i)^(?:payer\s+)?(?:claim|clm)\s*(?:no\.?|number|#|id)?$|^(?:icn|ccn|dcn)$")),
    ("patient", re.compile(
        r"(?i)^(?:(?:patient|member|recipient|insured|subscriber)\s+)?name$|^patient$")),
    ("member", re.compile(
        r"(?i)^(?:member|subscriber|insured|recip(?:ient)?|patient)\s*(?:id|no\.?|number|#)$|^mid$")),
    # a claim line's first date of service ("ICN  RECIPIENT NAME  RECIP ID  FROM  TO")
    ("from", re.compile(r"(?i)^(?:from|from\s+date|dos\s+from|service\s+from|from\s+dos)$")),
]
_CLAIM_ID_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9]$")


@dataclass
class _ClaimColumns:
    """A header naming a claim's own columns (patient, member ID, claim number): either
    the pipe-separated cells' names, or the start of each column of a fixed-width header
    ("ACCT NO   PATIENT NAME   SUBSCRIBER ID   CLAIM NO ...")."""

    names: list[str | None]
    starts: list[int] | None = None  # fixed width; None: pipe cells


def detect_claim_columns(line: str) -> _ClaimColumns | None:
    """Claim-level columns of a header line: a claim number column and a member ID
    column (perhaps shared with the name), no amounts or dates on the line."""
    if len(line) > 400 or find_money(line) or find_dates(line):
        return None
    if line.count("|") >= 3:
        labels = [re.sub(r"(?<=[A-Za-z])_(?=[A-Za-z])", " ", c.strip()) for c in line.split("|")]
        starts = None
    else:
        ms = list(re.finditer(r"\S+(?: \S+)*", line))
        if len(ms) < 3:
            return None
        labels = [m.group() for m in ms]
        starts = [m.start() for m in ms]
    names: list[str | None] = []
    for lab in labels:
        names.append(next((n for n, rx in _CLAIM_COL_NAMES if rx.match(lab)), None))
    found = set(names) - {None}
    if "claim" not in found or not found & {"member", "patient_member"}:
        return None
    return _ClaimColumns(names, starts)


def claim_column_values(line: str, cols: _ClaimColumns) -> dict[str, str]:
    """The claim-level values a line prints under ``cols`` (claim, patient, member), when
    its claim cell holds a claim-number-shaped value; else {}."""
    if cols.starts is None:
        cells = [c.strip() for c in line.split("|")]
        if line.count("|") < 3 or len(cells) != len(cols.names):
            return {}
        vals = {n: v for n, v in zip(cols.names, cells, strict=True) if n and v}
    else:
        vals = {}
        for m in re.finditer(r"\S+(?: \S+)*", line):
            k = max((j for j, st in enumerate(cols.starts) if st <= m.start() + 2), default=None)
            if k is None:
                continue
            name = cols.names[k]
            if name:  # a cell's words spaced apart ("MARSH, ELLA    QX0001") stay together
                vals[name] = f"{vals[name]} {m.group()}" if name in vals else m.group()
    out: dict[str, str] = {}
    claim = vals.get("claim", "")
    if not _CLAIM_ID_RE.match(claim) or sum(c.isdigit() for c in claim) < 4:
        return {}
    out["claim"] = claim
    both = vals.get("patient_member", "")
    bm = re.match(r"^(?P<name>.*?)\s+(?P<id>[A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])$", both)
    if bm and any(c.isdigit() for c in bm.group("id")):
        vals.setdefault("patient", bm.group("name"))
        vals.setdefault("member", bm.group("id"))
    pm = _ROW_PATIENT_RE.fullmatch(vals.get("patient", "").strip()) or re.fullmatch(
        r"(?P<last>[A-Z][A-Z'’\-]+),\s?(?P<first>[A-Z][A-Z'’\-]+)(?:\s[A-Z]\.?)?",
        vals.get("patient", "").strip(),
    )
    if pm and pm.group("first"):
        out["patient"] = vals["patient"].strip()
    mid = vals.get("member", "")
    if _CLAIM_ID_RE.match(mid) and any(c.isdigit() for c in mid) and mid != claim:
        out["member"] = mid
    ds = find_dates(vals.get("from", ""))
    if ds and ds[0][0] == 0:
        out["from"] = vals["from"][: ds[0][1]]
    return out


def _cell_fields(line: str, header: _Header | None):  # type: ignore[no-untyped-def]
    """pos -> column names of the pipe cell holding pos, when the row's cells match the
    header's one to one; None otherwise."""
    if header is None or header.cells is None or line.count("|") + 1 != len(header.cells):
        return None
    bounds: list[int] = []
    pos = 0
    for cell in line.split("|"):
        pos += len(cell)
        bounds.append(pos)
        pos += 1
    cells = header.cells

    def at(p: int) -> set[str]:
        return cells[min(bisect_left(bounds, p), len(cells) - 1)]

    return at


# "18 (group CO)", "reason code 151", "CARC 50" inside a table cell
_WORDY_CODE_RE = re.compile(
    r"(?i)(?:\b(?:reason\s+code|carc|adj(?:ustment)?\s+code)\s*:?\s*)?"
    r"(?<![\w.$/-])(?P<c>[0-9]{1,3}|[ABDPWY][0-9]{1,2})(?:\s*\(\s*group\s*:?\s*(?P<g>CO|PR|OA|PI|CR)\s*\))"
    r"|(?i:\b(?:reason\s+code|carc)\s*:?\s*)(?P<c2>[0-9]{1,3}|[ABDPWY][0-9]{1,2})(?![\w.,/])"
)


def _wordy_code(m: re.Match[str]) -> tuple[str | None, str] | None:
    raw = m.group("c") or m.group("c2")
    c = norm_carc(raw) if raw else None
    if c is None:
        return None
    g = m.group("g")
    return (g.upper() if g else None), c


def _claim_on_line(line: str) -> str | None:
    for m in CLAIM_LABEL_RE.finditer(line):
        val = m.group("val")
        if sum(isdigits(c) for c in val) >= 4:
            return val.upper()
    return None


def _is_prose(line: str) -> bool:
    return len(_PROSE_WORD_RE.findall(line)) >= 6


def _find_proc(s: str, where=None) -> tuple[str, list[str], int, int] | None:  # type: ignore[no-untyped-def]
    """First procedure code (+ modifiers) in a row that is not a labelled identifier
    (and, with ``where``, whose position ``where`` accepts)."""
    for m in _PROC_TOKEN_RE.finditer(s):
        if where is not None and not where(m.start("code")):
            continue
        raw = m.group("code")
        code = norm_proc(raw)
        if code is None:
            continue
        if _LABEL_BEFORE_RE.search(s[max(0, m.start() - 12) : m.start()]):
            continue
        if re.fullmatch(r"[A-Za-z0-9][^\sA-Za-z0-9|(\[:#]", s[max(0, m.start() - 2) : m.start()]):
            # the tail of a longer identifier OCR broke with a stray mark ("E26-062°60653")
            continue
        mods: list[str] = []
        for tok in re.split(r"[-:\s]+", m.group("mods")):
            t = tok.upper()
            if not t:
                continue
            if not is_modifier(t) or norm_group(t) and re.match(r"\s*[-\s]?[0-9]", s[m.end() :]):
                break
            mods.append(t)
            if len(mods) == 4:
                break
        return code, mods, m.start(), m.end()
    return None


def _nearest_field(header: _Header, start: int, end: int, allowed: set[str]) -> str | None:
    best: tuple[float, str] | None = None
    for fs, fe, name in header.fields:
        if name not in allowed:
            continue
        # amounts are usually right-aligned under their heading: compare right edges too
        d = min(abs((fs + fe) / 2 - (start + end) / 2), abs(fe - end))
        if best is None or d < best[0]:
            best = (d, name)
    return best[1] if best else None


class _Spans:
    """Character positions of one line already read as a token (set/test in O(1))."""

    def __init__(self, n: int) -> None:
        self._mask = bytearray(n + 1)

    def add(self, start: int, end: int) -> None:
        self._mask[start:end] = b"\x01" * max(0, end - start)

    def __contains__(self, pos: int) -> bool:
        return 0 <= pos < len(self._mask) and self._mask[pos] == 1


#: Longest line read as a service-line row: real rows are a few hundred characters; a
#: longer "line" is a text run with no line breaks (a hostile or broken file).
MAX_ROW_CHARS = 2_000


#: a group + reason cell garbled by OCR: a doubled "C" ("Cco45"), a hyphen read as a
#: letter ("cos55", "co~18"), "g" for 8 or 9 ("co2g4"). Read only inside a service line,
#: after its procedure code, and kept only when the code is in the code table.
_OCR_GROUP_CARC_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:[Cc](?=[Cc][Oo0]))?(?P<g>[Cc][Oo0]|P[Rr]|[Oo0][Aa])[sS~=_.]?"
    r"(?P<c>[0-9OIlSBg]{1,3})(?![0-9A-Za-z]|[.,][0-9])"
)


def _ocr_group_carc(m: re.Match[str]) -> tuple[str, str] | None:
    g = norm_group(m.group("g").upper().replace("0", "O"))
    raw = m.group("c")
    if g is None or sum(isdigits(ch) for ch in raw) < max(1, len(raw) - 1):
        return None
    cands = {c for r in {raw.replace("g", "8"), raw.replace("g", "9")} if (c := norm_carc(r))}
    known = [c for c in cands if lookup("CARC", c) is not None]
    return (g, known[0]) if len(known) == 1 else None


_CODE_FIRST_RE = re.compile(
    r"^\s*(?:[0-9]{1,3}[.)]?\s+)?(?:[0-9]{4}[0-9FTU]|[A-CEGHJ-MP-V][0-9]{4})(?:[-\s][A-Z0-9]{2})*\s+[A-Z]"
)


#: a request table's decision cell closing a row ("...  NON-CERTIFIED")
_DECISION_CELL_RE = re.compile(
    r"(?:\s{2,}|\|\s*)(?:non-?\s?certified|not\s+certified|certified|approved|denied|"
    r"partially\s+approved|modified|pended)\s*\|?\s*$",
    re.I,
)


def _code_first_row(s: str, header: _Header | None) -> bool:
    """A row opening with its procedure code under a header with a code column: its long
    description ("62323  Lumbar epidural steroid injection (interlaminar, ...)") is not prose.
    Without a header (OCR lost it) the row must also close with a decision cell:
    "64483   Transforaminal epidural injection, lumbar ...   NON-CERTIFIED"."""
    if not _CODE_FIRST_RE.match(s):
        return False
    if header is not None and header.has("proc"):
        return True
    return bool(_DECISION_CELL_RE.search(s))


def _proc_fixed(code: str, why: str) -> str:
    """A low-confidence note for a procedure code ("cpt:97140 (...)", "hcpcs:A4595 (...)")."""
    return f"{'cpt' if isdigits(code[0]) else 'hcpcs'}:{code} ({why})"


def parse_row(line: str, header: _Header | None, claim: str | None) -> Row | None:
    """Read one grid row; None if the line is not a service line."""
    if len(line) > MAX_ROW_CHARS:
        return None
    s = _clean(line)
    if _TOTAL_RE.search(s) or (_is_prose(s) and not _code_first_row(s, header)):
        return None
    proc = _find_proc(s)
    cell_at = _cell_fields(line, header)
    if proc is not None and cell_at is not None and "proc" not in cell_at(proc[2]):
        # pipe cells that match the header: the code of the procedure cell, not a
        # code-shaped piece of a garbled claim number ("£25-335~38933")
        proc = _find_proc(s, lambda pos: "proc" in cell_at(pos)) or proc
    dates = find_dates(s, compact=True)
    if proc is not None:
        dates = [d for d in dates if d[1] <= proc[2] or d[0] >= proc[3]]
    adj_matches: list[tuple[re.Match[str], tuple[str | None, str]]] = [
        (m, gc) for m in GROUP_CARC_LOOSE_RE.finditer(s) if (gc := parse_group_carc(m)) is not None
    ]
    if not adj_matches:
        adj_matches = [(m, wc) for m in _WORDY_CODE_RE.finditer(s) if (wc := _wordy_code(m))]
    if proc is not None:
        adj_matches = [
            (m, gc) for m, gc in adj_matches if m.start() >= proc[3] or m.end() <= proc[2]
        ]
    ocr_fixed: list[str] = []
    if header is not None and proc is not None:
        # group+reason cells as fax OCR garbles them: "Cco45", "cos55", "co2g4"
        taken = [(m.start(), m.end()) for m, _ in adj_matches]
        for m in _OCR_GROUP_CARC_RE.finditer(s, proc[3]):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            gc = _ocr_group_carc(m)
            if gc is not None:
                adj_matches.append((m, gc))
                ocr_fixed.append(
                    f"carc:{gc[1]} (read as {gc[0]}-{gc[1]} from an OCR-garbled group/reason cell)"
                )
        adj_matches.sort(key=lambda t: t[0].start())
    money = find_money(s)
    if proc is None and not (dates and adj_matches and money):
        return None
    if proc is not None and not (money or adj_matches):
        # a request table (UR decision) has no amounts: code first, a decision word
        lead = s[: proc[2]].strip()
        decided = re.search(
            r"(?i)\b(?:certified|approved|denied|non-?certified|partial|modified|pended)\b", s
        )
        # under a request table's own header ("Code  Requested treatment  Qty  Decision")
        # a code-first row with its description is a row even when OCR lost its decision
        request_row = (
            header is not None
            and header.has("proc")
            and header.has("desc")
            and not header.money_fields()
            and bool(_CODE_FIRST_RE.match(s))
        )
        if not (
            (header is not None and header.has("proc") or _code_first_row(s, None))
            and (not lead or re.fullmatch(r"[0-9]{1,3}[.)]?", lead) or dates)
            and (decided or request_row)
        ):
            return None
    row = Row(claim_number=claim, proc=proc[0] if proc else None, modifiers=proc[1] if proc else [])
    printed = re.match(r"(?:HC[:\s])?(\S{5})", s[proc[2] : proc[3]]) if proc else None
    if proc and printed and printed.group(1).upper() != proc[0]:
        ocr_fixed.append(_proc_fixed(proc[0], "OCR-garbled procedure code repaired"))
    row.ocr_fixed = ocr_fixed
    if dates:
        row.service_date = dates[0][2]
    # character positions already read as something (a mask: linear in the line length,
    # where a list of spans rescanned per token was quadratic)
    consumed = _Spans(len(s))
    if proc:
        consumed.add(proc[2], proc[3])
    for d in dates:
        consumed.add(d[0], d[1])
    # group/reason codes, each with the amount printed right after it (if any)
    money_used: set[int] = set()
    money_starts = [ms for ms, _me, _v in money]
    for m, (g, c) in adj_matches:
        amt = None
        consumed.add(m.start(), m.end())
        # the first amount at or after the code, if only blanks lie between them
        i = bisect_left(money_starts, m.end())
        if (
            i < len(money)
            and not s[m.end() : money[i][0]].strip()
            and (
                header is None
                or header.has("adjamt")
                or not header.money_fields()
                or (cell_at is not None and cell_at(money[i][0]) & {"reason", "group"})
            )
        ):
            amt = money[i][2]
            money_used.add(i)
        row.adjs.append((g, c, amt))
    # remark codes
    for m in _RARC_TOKEN_RE.finditer(s):
        if m.start() in consumed:
            continue
        r = norm_rarc(m.group(1))
        if r and r not in row.rarcs:
            row.rarcs.append(r)
            consumed.add(m.start(), m.end())
    # line number: a small integer opening the row
    lm = re.match(r"\s*([0-9]{1,3})[.)]?\s+(?=\S)", s)
    if lm and (
        header is None or header.has("line") or not header.fields or header.fields[0][2] == "line"
    ):
        row.line = int(lm.group(1))
        consumed.add(lm.start(1), lm.end(1))
    # bare reason code under a Reason/Adj column (group printed in its own column or absent)
    if not row.adjs and header is not None and header.has("reason"):
        int_fields = {"reason", "line", "units", "pos", "group", "mod", "remark"}
        lone_group = None
        for m in re.finditer(r"(?<![\w-])(CO|PR|OA|PI|CR)(?![\w-])", s):
            lone_group = m.group(1)
            consumed.add(m.start(), m.end())
        for m in re.finditer(r"(?<![\w.,/$-])([0-9]{1,3}|[ABDPWY][0-9]{1,2})(?![\w.,/]|-[0-9])", s):
            if m.start() in consumed:
                continue
            if _nearest_field(header, m.start(), m.end(), int_fields) == "reason":
                carc = norm_carc(m.group(1))
                if carc:
                    row.adjs.append((lone_group, carc, None))
                    consumed.add(m.start(), m.end())
    # amounts -> columns
    rest = [(ms, me, v) for i, (ms, me, v) in enumerate(money) if i not in money_used]
    rest = [t for t in rest if t[0] not in consumed]
    if cell_at is not None:
        for ms, _me, v in rest:
            names = cell_at(ms) & set(MONEY_FIELDS)
            if len(names) == 1:
                row.amounts.setdefault(names.pop(), v)
    else:
        _assign_amounts(row, rest, header)
    if cell_at is not None and header is not None and header.has("claim"):
        for m in re.finditer(r"(?<![\w/.-])([A-Z0-9][A-Z0-9-]{5,}[A-Z0-9])(?![\w/.-])", s):
            if "claim" in cell_at(m.start()) and sum(isdigits(c) for c in m.group(1)) >= 5:
                row.claim_number = m.group(1)
                break
    elif header is not None and header.has("claim"):
        cands = [
            m
            for m in re.finditer(r"(?<![\w/.-])([A-Z0-9][A-Z0-9-]{5,}[A-Z0-9])(?![\w/.-])", s)
            if sum(isdigits(c) for c in m.group(1)) >= 5 and m.start() not in consumed
        ]
        for m in cands:
            near = _nearest_field(header, m.start(), m.end(), {f for _, _, f in header.fields})
            if near == "claim":
                row.claim_number = m.group(1)
                break
        else:
            # collapsed spacing (text PDF, OCR): the row's one claim-shaped identifier
            if len(cands) == 1 and not header.has("npi"):
                row.claim_number = cands[0].group(1)
    row.denied_word = bool(_DENIED_WORD_RE.search(s))
    if header is not None and header.has("patient"):
        pm = _ROW_PATIENT_RE.search(s)
        if pm and pm.start() not in consumed:
            row.patient = pm.group(0).strip()
    sd = _PAREN_ZERO_RE.sub("0 ", s)
    for m in _ICD_ROW_RE.finditer(sd):
        if m.start() not in consumed:
            row.icd.append(m.group(1))
            consumed.add(m.start(), m.end())
            if sd[m.start() : m.end()] != s[m.start() : m.end()]:
                row.ocr_fixed.append(f"icd10:{m.group(1)} (OCR-garbled diagnosis code repaired)")
    if header is not None and header.has("dx") and proc is not None:
        # a Dx cell as fax OCR garbles it ("MS54.16", "M99,03"): repaired to a valid code
        for m in _ICD_OCR_ROW_RE.finditer(sd, proc[3]):
            if m.start() in consumed:
                continue
            # norm_icd10 already reads "MS4.12" (S for 5 in the second place), which the
            # strict pattern above does not take
            c = norm_icd10(m.group(1)) or ocr_icd10(m.group(1))
            if c and c not in row.icd:
                row.icd.append(c)
                row.ocr_fixed.append(f"icd10:{c} (OCR-garbled diagnosis code repaired)")
    return row


def _assign_amounts(row: Row, money: list[tuple[int, int, float]], header: _Header | None) -> None:
    if not money:
        return
    cols = header.money_fields() if header else []
    if row.adjs and any(a[2] is not None for a in row.adjs):
        cols = [c for c in cols if c[2] != "adjamt"]
    if cols and len(cols) == len(money):
        for (_, _, name), (_, _, v) in zip(cols, money, strict=True):
            row.amounts.setdefault(name, v)
        return
    if cols:
        names = {c[2] for c in cols}
        for ms, me, v in money:
            col = _nearest_field(header, ms, me, names) if header else None
            if col and col not in row.amounts:
                row.amounts[col] = v
        return
    vals = [v for _, _, v in money]
    row.amounts["billed"] = vals[0]
    if len(vals) == 4:
        # the usual order of a statement's four amount columns: charged, approved,
        # paid, what the patient may owe
        row.amounts["allowed"], row.amounts["paid"], row.amounts["patresp"] = vals[1:]
        return
    if len(vals) >= 3:
        row.amounts["allowed"] = vals[1]
    if len(vals) >= 2:
        row.amounts["paid"] = vals[-1]


_AMOUNT_ONLY_NAMES = {"allowed": "allowed", "paid": "paid", "charge": "billed", "billed": "billed"}
_AMOUNT_ONLY_LINE_RE = re.compile(
    r"(?i)^\s*(allowed|paid|charge|billed)\s*:?\s*\$?[0-9][0-9,]*\.[0-9]{2}\s*$"
)


def _continuation(line: str, row: Row) -> bool:
    """Attach codes from a wrapped line ("REM: N54", "CO-197 1,250.00") to ``row``."""
    if len(line) > MAX_ROW_CHARS:
        return False
    s = _clean(line)
    if not s.strip() or _is_prose(s) or _find_proc(s) or _TOTAL_RE.search(s):
        return False
    if _claim_on_line(s):
        return False
    adjs = [(m, gc) for m in GROUP_CARC_LOOSE_RE.finditer(s) if (gc := parse_group_carc(m))]
    rarcs = [r for m in _RARC_TOKEN_RE.finditer(s) if (r := norm_rarc(m.group(1)))]
    if not adjs and not rarcs:
        # a printed 835's service line wraps its amounts: "SVC HC:64490 ... PAID 273.03" over
        # "ALLOWED 318.60", then its "ADJ CO 45 661.40" lines
        am = _AMOUNT_ONLY_LINE_RE.match(s)
        money = find_money(s)
        if am and len(money) == 1:
            name = _AMOUNT_ONLY_NAMES[am.group(1).lower()]
            row.amounts.setdefault(name, money[0][2])
            return True
        return False
    # only code-ish content allowed (labels like REM:, amounts, codes)
    leftovers = GROUP_CARC_LOOSE_RE.sub(" ", s)
    leftovers = _RARC_TOKEN_RE.sub(" ", leftovers)
    words = re.findall(r"[A-Za-z]{2,}", leftovers)
    if len(words) > 4:
        return False
    money = find_money(s)
    for m, (g, c) in adjs:
        amt = None
        for ms, _me, v in money:
            if ms >= m.end() and not s[m.end() : ms].strip():
                amt = v
                break
        row.adjs.append((g, c, amt))
    for r in rarcs:
        if r not in row.rarcs:
            row.rarcs.append(r)
    return True


#: "Charge / Allowed / Paid:" ("Pald", "Pa1d" as OCR reads it)
_COMPOSITE_RE = re.compile(
    r"^\s*((?:charges?|billed|allowed|pa[il1]d|payment|patient\s+resp\w*)"
    r"(?:\s*/\s*(?:charges?|billed|allowed|pa[il1]d|payment|patient\s+resp\w*)){1,4})\s*:\s*(.*)$",
    re.I,
)


_COMPOSITE_FIELDS = {
    "charge": "billed", "charges": "billed", "billed": "billed", "allowed": "allowed",
    "paid": "paid", "payment": "paid",
}


def _composite_field(name: str) -> str:
    n = re.sub(r"pa[il1]d", "paid", re.sub(r"\s+", " ", name.strip().lower()))
    return _COMPOSITE_FIELDS.get(n, "patresp")


def _kv_pairs(line: str) -> list[tuple[str, str]]:
    """('dos', '03/14/2026'), ('proc', '64483 RT') ... from a key-value line."""
    cm = _COMPOSITE_RE.match(line)
    if cm:
        names = cm.group(1).split("/")
        vals = [v.strip() for v in cm.group(2).split("/")]
        if len(names) == len(vals):
            return [(_composite_field(n), v) for n, v in zip(names, vals, strict=True)]
    ms = list(_KV_ANY_RE.finditer(line))
    out: list[tuple[str, str]] = []
    for i, m in enumerate(ms):
        end = ms[i + 1].start() if i + 1 < len(ms) else len(line)
        out.append((m.lastgroup or "", line[m.end() : end].strip()))
    return out


def _apply_kv(row: Row, name: str, val: str) -> None:
    if name == "dos":
        ds = find_dates(val, compact=True)
        if ds:
            row.service_date = ds[0][2]
    elif name == "proc":
        p = _find_proc(val)
        if p:
            row.proc, row.modifiers = p[0], p[1] or row.modifiers
    elif name == "mod":
        mods = [t.upper() for t in re.split(r"[\s,/-]+", val) if is_modifier(t.upper())]
        row.modifiers = mods[:4]
    elif name in ("billed", "allowed", "paid", "patresp"):
        ms = find_money(val)
        v = ms[0][2] if ms else parse_money(val.split()[0]) if val.split() else None
        if v is not None:
            row.amounts[name] = v
    elif name == "code":
        found = False
        gm = re.search(r"(?i)\bgroup\s*:?\s*(CO|PR|OA|PI|CR)\b", val)
        if gm:
            val = val[: gm.start()] + " " + val[gm.end() :]
        for m in GROUP_CARC_RE.finditer(val):
            gc = parse_group_carc(m)
            if gc:
                money = find_money(val[m.end() :])
                row.adjs.append((gc[0], gc[1], money[0][2] if money else None))
                found = True
        if not found:
            bare = val
            for ms, me, _v in reversed(find_money(val)):
                # an amount's digits are no code ("PR-! $212.83" is not CARC 212)
                bare = bare[:ms] + " " + bare[me:]
            for tok in re.findall(r"\b[A-Z0-9]{1,4}\b", bare.upper()):
                r = norm_rarc(tok)
                if r:
                    row.rarcs.append(r)
                    continue
                c = norm_carc(tok) if re.fullmatch(r"[0-9]{1,3}|[ABDPWY][0-9]{1,2}", tok) else None
                if c:
                    money = find_money(val)
                    grp = gm.group(1).upper() if gm else None
                    row.adjs.append((grp, c, money[0][2] if money else None))
                    break
        row.denied_word = row.denied_word or bool(_DENIED_WORD_RE.search(val))
    elif name == "remark":
        for tok in re.findall(r"\b[A-Z0-9]{2,5}\b", val.upper()):
            r = norm_rarc(tok)
            if r and r not in row.rarcs:
                row.rarcs.append(r)
    elif name == "line":
        lm = re.match(r"\s*([0-9]{1,3})\b", val)
        if lm:
            row.line = int(lm.group(1))


def _apply_inline(row: Row, rest: str) -> None:
    """'March 12, 2025  97810  units 1  dx G89.29' after a 'Service line 1:' label."""
    ds = find_dates(rest, compact=True)
    if ds:
        row.service_date = ds[0][2]
        rest = rest[: ds[0][0]] + " " * (ds[0][1] - ds[0][0]) + rest[ds[0][1] :]
    p = _find_proc(rest)
    if p:
        row.proc, row.modifiers = p[0], p[1]
    for m in _ICD_ROW_RE.finditer(rest):
        row.icd.append(m.group(1))
    if not row.icd:
        # "dx M54,.50": the diagnosis after its label as OCR garbled it, repaired to a valid code
        dm = re.search(
            r"(?i)\b(?:dx|diag)\s*:?\s*(?P<tok>[A-Z][A-Za-z0-9|]{2,3}[.,]{1,2} ?\S{1,4})", rest
        )
        c = ocr_icd10(dm.group("tok")) if dm else None
        if c:
            row.icd.append(c)
            row.ocr_fixed.append(f"icd10:{c} (OCR-garbled diagnosis code repaired)")
    money = find_money(rest)
    if money:
        row.amounts.setdefault("billed", money[0][2])


#: A key-value service line's value as OCR reads it when the label column went first:
#: "20-Apr-25 62321 units 1 dx M50.121" with its "Service line 1:" label lines above.
#: A date, then a procedure code with its modifiers, then its units: a service line.
_ORPHAN_INLINE_RE = re.compile(
    r"^\s*(?P<date>\S+(?:\s+[0-9]{1,2},?)?(?:\s+[0-9]{2,4})?)\s+"
    r"(?P<proc>(?:[0-9OIl]{4}[0-9FTUOIl]|[A-CEGHJ-MP-V][0-9OIl]{4})(?:-[A-Z0-9]{2}){0,4})\s+"
    r"(?i:units?)\s*[0-9|Il]{1,3}(?:\s+(?i:dx|diag)\s*:?\s*\S+(?:\s*,\s*\S+){0,3})?\s*$"
)
#: a numeric date OCR garbled past parsing ("41/03/2024" for 11/03/2024)
_DATE_SHAPE_RE = re.compile(r"[0-9OIl]{1,2}[-/][0-9OIl]{1,2}[-/](?:[0-9]{2}|[0-9]{4})")
#: "$1,587.75 / $0.00 / $0.00": the values of a "Charge / Allowed / Paid:" label read apart
_SLASH_AMOUNTS_RE = re.compile(
    r"^\s*\$?[0-9][0-9,]*\.[0-9]{2}(?:\s*/\s*\$?[0-9][0-9,]*\.[0-9]{2}){1,4}\s*$"
)
#: the words an adjustment/remark value line may hold besides its codes and amount
_CODE_LINE_WORDS = frozenset(
    {"group", "reason", "code", "codes", "adj", "adjustment", "carc", "rarc", "remark", "remarks"}
)


def _orphan_inline_row(line: str, claim: str | None) -> Row | None:
    """A service line's "date code units N dx ..." value standing alone (see above)."""
    if len(line) > 200:
        return None
    m = _ORPHAN_INLINE_RE.match(line)
    if not m or not (
        find_dates(m.group("date"), compact=True) or _DATE_SHAPE_RE.fullmatch(m.group("date"))
    ):
        return None
    row = Row(claim_number=claim)
    _apply_inline(row, line)
    return row if row.proc else None


def _orphan_value_line(line: str, row: Row, names: list[str]) -> bool:
    """Attach a value line of an orphan service line: its slash-joined amounts (in the
    order of the document's "Charge / Allowed / Paid:" label) or its adjustment/remark
    codes ("CO-16 $1,587.75", "226 (group CO) $337.00", "N290")."""
    s = line.strip()
    if _SLASH_AMOUNTS_RE.match(s):
        vals = [parse_money(v.strip()) for v in s.split("/")]
        if len(names) != len(vals):
            names = ["billed", "allowed", "paid"] if len(vals) == 3 else []
        if not names:
            return False
        for n, v in zip(names, vals, strict=True):
            if v is not None:
                row.amounts.setdefault(n, v)
        return True
    if not s or len(s) > 80 or _find_proc(s):
        return False
    rest = s
    for ms, me, _v in reversed(find_money(s)):
        rest = rest[:ms] + " " + rest[me:]
    toks = re.findall(r"[A-Za-z0-9]+", rest)
    codes = [t for t in toks if t.lower() not in _CODE_LINE_WORDS]
    if not codes or not all(
        re.fullmatch(r"(?:CO|PR|OA|PI|CR)?(?:[0-9]{1,3}|[ABDPWY][0-9]{1,2})|CO|PR|OA|PI|CR|"
                     r"MA[0-9]{2,3}|[MN][0-9]{1,3}", t)
        for t in codes
    ):
        return False
    before = (len(row.adjs), len(row.rarcs))
    _apply_kv(row, "code", s)
    return (len(row.adjs), len(row.rarcs)) != before


#: A procedure code in parentheses closing a wrapped description cell: "regions (98941)".
_PAREN_PROC_RE = re.compile(
    r"\((?P<code>[0-9OIl]{4}[0-9FTUOIl]|[A-CEGHJ-MP-V][0-9OIl]{4})(?:[-\s](?P<mod>[A-Z0-9]{2}))*\)"
)


_TRAILING_PROC_RE = re.compile(
    r"^\s*[A-Za-z][A-Za-z,/()' -]{5,60}?[^\w$]{0,3}\s+"
    r"(?P<code>[0-9OIl]{4}[0-9FTUOIl]|[A-CEGHJ-MP-V][0-9OIlSsB]{4})\s*$"
)


def _wrapped_code_row(
    lines: list[str], i: int, header: _Header | None, claim: str | None,
    code_column: bool = False,
) -> Row | None:
    """A row whose description cell wraps and ends with its code in parentheses a few
    lines down (Medicare Summary Notice style): "Trigger  No  $326.25  $0.00 ..." then
    "point" / "injections," / "(20553)". The amounts line holds no code of its own."""
    s = _clean(lines[i])
    if len(s) > MAX_ROW_CHARS or _TOTAL_RE.search(s) or _find_proc(s):
        return None
    if len(find_money(s)) < 2:
        return None
    for j in range(i + 1, min(len(lines), i + 8)):
        nxt = lines[j]
        if not nxt.strip():
            if j > i + 1 and not lines[j - 1].strip():
                return None
            continue  # OCR puts a blank line between the wrapped pieces
        if find_money(nxt) or len(nxt.strip()) > 80:
            return None
        m = _PAREN_PROC_RE.search(nxt)
        if m is None and (code_column or header is not None and header.has("proc")):
            # "Cervical epidural steroid injection   62321": the description cell and
            # the code cell of the row above, wrapped (OCR) onto a line of their own
            m = _TRAILING_PROC_RE.match(nxt)
            if m and re.search(r"(?:^|[\s,])[A-Z]{2}[^\w]{0,3}\s+\S+\s*$", nxt):
                m = None  # "Springfield, IL 62321": a city, state and ZIP code
        if m:
            code = norm_proc(m.group("code"))
            if code is None:
                return None
            row = parse_row(f"{s} {code}", header, claim)
            if row is not None:
                row.source_lines.extend(range(i + 1, j + 1))
            return row
    return None


#: A row's cells that a text PDF wrapped onto the next line: a truncated amount
#: ("$10,822.0" / "0"), a truncated numeric date ("06-14-202" / "5"), a month-name date
#: missing its year ("February 28," / "2025") and a Reason cell ending in its label
#: ("reason code" / "252 M127", "reason" / "code 242", "CARC:" / "11").
_CUT_MONEY_RE = re.compile(r"^\$?[0-9][0-9,]*\.(?P<d>[0-9]?)$")
_CUT_DATE_RE = re.compile(r"^[0-9]{1,2}[-/][0-9]{1,2}[-/](?P<y>[0-9]|[0-9]{3})$")
_MONTH_TOKEN_RE = re.compile(
    r"(?i)^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$"
)
_DANGLING_REASON_RE = re.compile(
    r"(?i)(?:\b(?:reason|reason\s+codes?|carcs?|adj(?:ustment)?(?:\s+codes?)?|denial\s+codes?)"
    r"\s*[:#]?|\bcode\s*[:#]?|\(\s*group\s*:?)\s*$"
)
_WRAP_TOKEN_RE = re.compile(
    r"^(?:[0-9]{1,4}|(?i:codes?|reason)\s*:?|:|[A-Z]{1,2}[0-9]{1,3}|[A-Z]{2}|(?:CO|PR|OA|PI|CR)\))$"
)


def _merge_wrapped_cells(line: str, nxt: str) -> str | None:
    """``line`` with the cell fragments of ``nxt`` put back in place, when ``nxt`` holds
    nothing but the wrapped ends of ``line``'s cells; None otherwise."""
    if len(line) > MAX_ROW_CHARS or len(nxt) > 80 or "|" in line:
        return None
    frags = nxt.split()
    if not frags or len(frags) > 6 or not all(_WRAP_TOKEN_RE.match(f) for f in frags):
        return None
    toks = line.split()
    # (token index, what completes it)
    slots: list[tuple[int, re.Pattern[str], str]] = []
    for k, t in enumerate(toks):
        mm = _CUT_MONEY_RE.match(t)
        if mm and "." in t:
            need = 2 - len(mm.group("d"))
            slots.append((k, re.compile(rf"^[0-9]{{{need}}}$"), ""))
            continue
        dm = _CUT_DATE_RE.match(t)
        if dm:
            need = 4 - len(dm.group("y"))
            slots.append((k, re.compile(rf"^[0-9]{{{need}}}$"), ""))
            continue
        if (
            k >= 1
            and re.fullmatch(r"[0-9]{1,2},", t)
            and _MONTH_TOKEN_RE.match(toks[k - 1])
            and not (k + 1 < len(toks) and re.fullmatch(r"(?:19|20)[0-9]{2}", toks[k + 1]))
        ):
            slots.append((k, re.compile(r"^(?:19|20)[0-9]{2}$"), " "))
    dangling = bool(_DANGLING_REASON_RE.search(line))
    if not slots and not dangling:
        return None
    j = 0
    for k, rx, sep in slots:
        if j < len(frags) and rx.match(frags[j]):
            toks[k] = toks[k] + sep + frags[j]
            j += 1
    rest = frags[j:]
    if rest and not dangling:
        return None
    code_like = r"[0-9]{1,3}|[A-Z]{1,2}[0-9]{1,3}|[A-Z]{2}\)"
    if j == 0 and not (dangling and any(re.fullmatch(code_like, f) for f in rest)):
        return None
    return " ".join(toks + rest)


_MONTH_DAY_START_RE = re.compile(
    r"^\s*(?P<md>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+[0-9]{1,2}),?(?=\s)",
    re.IGNORECASE,
)
_YEAR_START_RE = re.compile(r"^\s*(?P<y>(?:19|20)[0-9]{2})(?!\S)")


def _wrapped_year(row: Row, line: str, nxt: str, j: int) -> None:
    """"August 10,   Office  99214 ..." over "2025   visit, ...": a date cell wrapped."""
    md = _MONTH_DAY_START_RE.match(line)
    y = _YEAR_START_RE.match(nxt) if md else None
    if md and y:
        ds = find_dates(f"{md.group('md')}, {y.group('y')}")
        if ds:
            row.service_date = ds[0][2]
            row.source_lines.append(j)


def _code_only_line(line: str, header: _Header) -> bool:
    """A row of a table's code columns alone ("1  06/10/2025  97140  GP  M54.2") under a
    header with a code column and no amount column: OCR read the amount columns apart."""
    if not header.has("proc") or header.money_fields() or len(line) > 200:
        return False
    s = _clean(line)
    return (
        _find_proc(s) is not None
        and bool(find_dates(s, compact=True))
        and not find_money(s)
        and not _is_prose(s)
    )


def _split_complete(left: list[tuple[int, str, _Header]]) -> bool:
    """The code rows of a split table pair with its amount rows only when none is missing:
    numbered 1, 2, 3 ... when the table has a line-number column."""
    if not left[0][2].has("line"):
        return True
    nums = [re.match(r"\s*([0-9]{1,3})[.)]?\s", ln) for _, ln, _ in left]
    return all(m and int(m.group(1)) == k for k, m in enumerate(nums, start=1))


def _split_row(
    lines: list[str], i: int, left: tuple[int, str, _Header], right: _Header, claim: str | None
) -> Row | None:
    """The row of a split table whose amount part is line ``i`` (with a wrapped reason
    cell on the next line), joined to its code part ``left``."""
    line = lines[i]
    if len(line) > 200 or _find_proc(_clean(line)) or _is_prose(_clean(line)):
        return None
    used = [i]
    if i + 1 < len(lines):
        merged = _merge_wrapped_cells(line, lines[i + 1])
        if merged is not None:
            line, used = merged, [i, i + 1]
    if not find_money(line):
        return None
    li, lline, lh = left
    width = max([len(lline)] + [fe for _, fe, _ in lh.fields]) + 4
    head = _Header(fields=lh.fields + [(fs + width, fe + width, n) for fs, fe, n in right.fields])
    row = parse_row(lline.ljust(width) + line, head, claim)
    if row is None or row.proc is None:
        return None
    row.source_lines = [li, *used]
    row.ocr_fixed.append(
        _proc_fixed(row.proc, "service line rebuilt from a table read in two blocks")
    )
    return row


_RULE_LINE_RE = re.compile(r"^\s*[-=_|+ ]{3,}\s*$")


def _summary_values(
    lines: list[str], i: int, header: _Header
) -> tuple[int, dict[str, float]] | None:
    """(line index, column -> amount) when the header at ``i`` is a claim summary: the
    next line (past a rule line) holds nothing but one amount per amount column."""
    cols = header.money_fields()
    if not cols or header.has("proc") or header.has("dos"):
        return None
    for j in range(i + 1, min(len(lines), i + 3)):
        s = _clean(lines[j])
        if not s.strip() or _RULE_LINE_RE.match(s):
            continue
        if len(s) > 200:
            return None
        money = find_money(s)
        rest = s
        for ms, me, _v in reversed(money):
            rest = rest[:ms] + rest[me:]
        if len(money) != len(cols) or rest.strip():
            return None
        return j, {name: v for (_, _, name), (_, _, v) in zip(cols, money, strict=True)}
    return None


def parse_tables(lines: list[str]) -> TableResult:
    """Find the service lines in a document's lines."""
    res = TableResult()
    header: _Header | None = None
    claim: str | None = None
    last: Row | None = None
    kv: Row | None = None
    kv_seen: set[str] = set()

    # a table OCR read as two blocks: its code columns' rows, then (under a header of
    # amount columns only) its amount columns' rows; paired again in order
    table_start = 0  # the first row read under the header in force
    split_left: list[tuple[int, str, _Header]] = []
    split_right: _Header | None = None
    orphan = False  # the key-value row in progress was read from its values alone
    composite: list[str] = []  # the names of the last "Charge / Allowed / Paid:" label
    #: labelled service lines whose "date code units" value OCR put elsewhere
    no_value: list[Row] = []

    def flush_kv() -> None:
        nonlocal kv, kv_seen
        parts = [kv.proc, kv.service_date, kv.amounts, kv.adjs] if kv is not None else []
        if kv is not None and orphan and not kv.amounts and no_value:
            # a value standing alone, with no amounts of its own: the value of the first
            # labelled service line that has its amounts and codes but no procedure
            target = no_value.pop(0)
            target.proc, target.modifiers = kv.proc, kv.modifiers
            target.service_date = target.service_date or kv.service_date
            target.icd.extend(kv.icd)
            target.ocr_fixed.extend(kv.ocr_fixed)
            target.adjs.extend(kv.adjs)
            target.rarcs.extend(r for r in kv.rarcs if r not in target.rarcs)
            target.source_lines.extend(kv.source_lines)
            res.lines_used.update(kv.source_lines)
            if kv.proc:
                target.ocr_fixed.append(
                    _proc_fixed(kv.proc, "service line value read apart from its label")
                )
        elif kv is not None and (kv.proc or kv.adjs) and sum(1 for p in parts if p) >= 2:
            if orphan and kv.proc:
                kv.ocr_fixed.append(
                    _proc_fixed(kv.proc, "service line value read apart from its label")
                )
            res.rows.append(kv)
            res.lines_used.update(kv.source_lines)
            if not orphan and kv.proc is None and kv.line is not None:
                no_value.append(kv)
        kv, kv_seen = None, set()

    patient: str | None = None
    member: str | None = None
    claim_cols: _ClaimColumns | None = None
    claim_from: date | None = None  # the claim line's "FROM" date, for lines printing none
    for i, line in enumerate(lines):
        try:
            c = _claim_on_line(line)
            if c:
                claim = c
            bp = _BLOCK_PATIENT_RE.match(line)
            if bp:
                patient = bp.group("name")
                bm = _BLOCK_MEMBER_RE.search(line)
                member = bm.group("mid") if bm else None
            elif c:
                patient = member = None
            if c or bp:
                claim_from = None
            cc = detect_claim_columns(line)
            if cc is not None:
                claim_cols = cc
            elif claim_cols is not None and not c and not bp:
                # a claim's own line under a header of claim columns: its claim number,
                # patient and member ID hold for the service lines below it
                got = claim_column_values(line, claim_cols)
                if got:
                    claim = got["claim"]
                    patient, member = got.get("patient"), got.get("member")
                    fd = find_dates(got.get("from", ""))
                    claim_from = fd[0][2] if fd else None
            if claim:
                res.claim_at[i] = claim
            if i in res.lines_used:
                continue
            if kv is not None and orphan and _orphan_value_line(line, kv, composite):
                kv.source_lines.append(i)
                continue
            if kv is None or orphan or not (kv.proc or kv.service_date):
                om = _orphan_inline_row(line, claim)
                if om is not None:
                    flush_kv()
                    kv, orphan = om, True
                    kv.source_lines.append(i)
                    last = None
                    continue
            lm = _LINE_HEAD_RE.match(line)
            if lm:
                flush_kv()
                orphan = False
                kv = Row(claim_number=claim, line=int(lm.group(1)))
                kv.source_lines.append(i)
                rest = lm.group("rest") or ""
                if rest.strip():
                    _apply_inline(kv, rest)
                last = None
                continue
            if _KV_START_RE.match(line) or _COMPOSITE_RE.match(line):
                cm = _COMPOSITE_RE.match(line)
                if cm and not cm.group(2).strip():
                    # a label whose values OCR put elsewhere: remember the column order
                    composite = [_composite_field(n) for n in cm.group(1).split("/")]
                if orphan:
                    flush_kv()
                    orphan = False
                pairs = _kv_pairs(line)
                names = [n for n, _ in pairs]
                if kv is not None and (set(names) & kv_seen - {"code", "remark"}):
                    flush_kv()
                if kv is None:
                    kv = Row(claim_number=claim)
                for n, v in pairs:
                    _apply_kv(kv, n, v)
                kv_seen.update(names)
                kv.source_lines.append(i)
                last = None
                continue
            if kv is not None and (not line.strip() or _GENERIC_KV_RE.match(line)):
                continue
            if kv is not None and c is None:
                flush_kv()
                orphan = False
            if header is not None and i - 1 in res.header_lines and last is None:
                wrapped = merge_wrapped_header(header, lines[i - 1], line)
                if wrapped is not None:
                    header = wrapped
                    res.header_lines.add(i)
                    continue
            h = detect_header(line)
            if h is not None and i > 0 and i - 1 not in res.lines_used | res.header_lines:
                h = merge_header_above(lines[i - 1], h, line) or h
            if h is not None:
                if h.has("proc"):
                    split_left, split_right = [], None
                elif split_left and h.money_fields() and not h.has("dos"):
                    # pair only when no code row is missing (see _split_complete)
                    split_right = h if _split_complete(split_left) else None
                header = h
                res.header_lines.add(i)
                table_start = len(res.rows)
                last = None
                sm = _summary_values(lines, i, h)
                if sm is not None:
                    j, values = sm
                    if not res.summary:
                        res.summary = values
                    res.lines_used.add(j)
                continue
            if not line.strip():
                # a blank line ends continuation but not the table
                last = None
                continue
            if split_right is not None and split_left:
                paired = _split_row(lines, i, split_left[0], split_right, claim)
                if paired is not None:
                    split_left.pop(0)
                    res.rows.append(paired)
                    res.lines_used.update(paired.source_lines)
                    last = paired
                    continue
            row = None
            if i + 1 < len(lines) and header is not None:
                merged = _merge_wrapped_cells(line, lines[i + 1])
                if merged is not None:
                    row = parse_row(merged, header, claim)
                    if row is not None:
                        row.source_lines.append(i + 1)
            if row is None:
                row = parse_row(line, header, claim)
            if row is None:
                # the table's rows carry codes (a header with a code column, or a row
                # above with its code): a code alone below a row is that row's
                code_column = any(r.proc for r in res.rows[table_start:])
                row = _wrapped_code_row(lines, i, header, claim, code_column)
            elif row.service_date is None and i + 1 < len(lines):
                _wrapped_year(row, line, lines[i + 1], i + 1)
            if row is not None:
                if (row.service_date is None and claim_from is not None
                        and row.claim_number == claim):
                    row.service_date = claim_from
                if row.patient is None:
                    row.patient, row.member_id = patient, member
                elif row.member_id is None and member and row.patient == patient:
                    row.member_id = member
                elif row.patient.endswith(",") and i + 1 < len(lines):
                    fm = _NAME_ONLY_LINE_RE.match(lines[i + 1])
                    if fm:
                        row.patient = f"{row.patient} {fm.group('first')}"
                        row.source_lines.append(i + 1)
                row.source_lines.insert(0, i)
                res.rows.append(row)
                res.lines_used.update(row.source_lines)
                last = row
                continue
            if last is not None and _continuation(line, last):
                last.source_lines.append(i)
                res.lines_used.add(i)
                continue
            if header is not None and _code_only_line(line, header):
                split_left.append((i, line, header))
            last = None
        except Exception as e:  # one odd line must never sink the document
            exc_info, where = scrubbed_exc_info(e)
            logger.debug(
                "table parser skipped a line (%s at %s)",
                exc_info[0].__name__,
                where,
                exc_info=exc_info,
            )
            last = None
    flush_kv()
    logger.debug("service lines found: %d", len(res.rows))
    return res


__all__ = [
    "Row",
    "TableResult",
    "detect_header",
    "merge_wrapped_header",
    "parse_row",
    "parse_tables",
    "MONEY_FIELDS",
]
