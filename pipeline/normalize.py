"""Small, pure helpers for the extraction stage: dates, money, OCR confusions, code formats.

Everything here works on short strings (tokens or single lines) and never raises on
arbitrary input; parsers return ``None`` when the text is not what they look for.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# Logging a swallowed exception without its message
# ---------------------------------------------------------------------------


def scrubbed_exc_info(exc: BaseException) -> tuple[tuple[type, BaseException, None], str]:
    """(exc_info, where) safe to log for an exception raised while reading a letter.

    An exception's message (and so its traceback text) may quote the letter ("invalid
    literal for int(): 'QXM771...'"). The returned ``exc_info`` keeps only the exception's
    *type name* (a stand-in class of the same name, no args, no traceback), so log
    handlers still see that an exception was swallowed; ``where`` is the innermost
    frame as ``file.py:line in function`` (code locations only, no values).
    """
    cls = type(exc)
    stand_in = type(cls.__name__, (Exception,), {"__module__": cls.__module__})
    tb = exc.__traceback__
    where = "?"
    while tb is not None:
        code = tb.tb_frame.f_code
        where = f"{Path(code.co_filename).name}:{tb.tb_lineno} in {code.co_name}"
        tb = tb.tb_next
    return (stand_in, stand_in(), None), where


# ---------------------------------------------------------------------------
# Code format regexes (reference §7.1). Every code the stage reports satisfies one.
# ---------------------------------------------------------------------------

CARC_RE = re.compile(r"^(?:[1-9][0-9]{0,2}|[ABDPWY][0-9]{1,2})$")
RARC_RE = re.compile(r"^(?:MA[0-9]{2,3}|M[0-9]{1,3}|N[0-9]{1,3})$")
GROUP_RE = re.compile(r"^(?:CO|PR|OA|PI|CR)$")
CPT_RE = re.compile(r"^(?:[0-9]{5}|[0-9]{4}[FTU])$")
HCPCS_RE = re.compile(r"^[A-CEGHJ-MP-V][0-9]{4}$")
ICD10_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")
NDC11_RE = re.compile(r"^[0-9]{11}$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")

GROUPS = ("CO", "PR", "OA", "PI", "CR")

# Numeric modifiers that really exist (so a bare "11" after a code is not taken as one).
NUMERIC_MODIFIERS = frozenset(
    [
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "32",
        "33",
        "47",
        "50",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "59",
        "62",
        "63",
        "66",
        "73",
        "74",
        "76",
        "77",
        "78",
        "79",
        "80",
        "81",
        "82",
        "90",
        "91",
        "92",
        "93",
        "95",
        "96",
        "97",
        "99",
    ]
)
# Tokens that look like modifiers but are common words/labels in service tables.
_NOT_MODIFIERS = frozenset(
    [
        "OF",
        "TO",
        "IN",
        "ON",
        "AT",
        "BY",
        "OR",
        "IS",
        "IT",
        "NO",
        "ID",
        "AN",
        "AS",
        "BE",
        "DO",
        "GO",
        "HE",
        "IF",
        "ME",
        "MY",
        "OK",
        "SO",
        "UP",
        "US",
        "WE",
        "DX",
        "RX",
        "MA",
        "MC",
    ]
)

# ---------------------------------------------------------------------------
# OCR confusions
# ---------------------------------------------------------------------------

_TO_DIGIT = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
    }
)
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"})
DIGITISH = r"[0-9OoIl|SB]"


def ocr_digits(s: str) -> str:
    """Map letters OCR commonly confuses with digits back to digits (O→0, I/l→1, S→5, B→8)."""
    return s.translate(_TO_DIGIT)


def ocr_letter(ch: str) -> str:
    """Map a digit OCR produced in a letter position back to its letter."""
    return ch.translate(_TO_LETTER)


def isdigits(s: str) -> bool:
    """True when ``s`` is non-empty and all ASCII digits.

    ``str.isdigit`` is Unicode-aware (superscripts, Arabic-Indic digits...), and
    ``int()`` rejects some of those: only 0-9 count anywhere a code, date or amount
    is parsed.
    """
    return s.isascii() and s.isdigit()


def has_real_digit(s: str) -> bool:
    return any(isdigits(c) for c in s)


# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------

# An amount: optional sign/paren, optional $, digits with thousands separators and cents.
# Bare amounts need cents; "$" amounts may omit them.
MONEY_PATTERN = (
    r"(?<![\w.,/])(?:\(\s*)?-?\s?"
    r"(?:\$\s?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{2})?|(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.[0-9]{2})"
    r"(?:\s*\))?-?(?![\w]|\.[\w.]|,[0-9])"
)
MONEY_RE = re.compile(MONEY_PATTERN)
#: Integer digits an amount may have (up to $999,999,999,999.99); longer runs are not money.
MAX_MONEY_DIGITS = 12


def parse_money(token: str) -> float | None:
    """Parse '$1,250.00', '1,250.00-', '(1,250.00)', '-$20' -> float; None if not money."""
    if not token:
        return None
    t = token.strip()
    if not t:
        return None
    neg = False
    if t.startswith("(") and t.endswith(")"):
        neg, t = True, t[1:-1].strip()
    elif t.endswith(")"):  # the amount closes a parenthesis: "(20553, billed $340.00)"
        t = t[:-1].strip()
    elif t.startswith("("):  # ... or opens one: "($340.00 billed)"
        t = t[1:].strip()
    if t.endswith("-"):
        neg, t = True, t[:-1].strip()
    if t.startswith("-"):
        neg, t = True, t[1:].strip()
    t = t.replace("$", "").replace(" ", "")
    # OCR: 'O' for zero inside an amount that is otherwise numeric
    if re.fullmatch(r"[0-9Oo,]+\.[0-9Oo]{2}", t):
        t = t.replace("O", "0").replace("o", "0")
    if not re.fullmatch(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?", t):
        return None
    if len(t.replace(",", "").split(".")[0]) > MAX_MONEY_DIGITS:
        return None  # no letter bills a trillion dollars: a digit run, not an amount
    try:
        v = float(t.replace(",", ""))
    except (ValueError, OverflowError):
        return None
    if not math.isfinite(v):
        return None
    return -v if neg else v


def find_money(text: str) -> list[tuple[int, int, float]]:
    """All amounts in ``text`` as (start, end, value)."""
    out: list[tuple[int, int, float]] = []
    for m in MONEY_RE.finditer(text):
        v = parse_money(m.group(0))
        if v is not None:
            out.append((m.start(), m.end(), v))
    return out


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAMES = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_D = DIGITISH
DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 2026-03-14
    (
        "ymd",
        re.compile(r"(?<![\w/.-])([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![\w/-]|\.[0-9])"),
    ),
    # 03/14/2026, 3/14/26, 03-14-2026, 03.14.2026 (OCR tolerant digits)
    (
        "mdy",
        re.compile(
            rf"(?<![\w/.-])({_D}{{1,2}})\s?([/.-])\s?({_D}{{1,2}})\s?\2\s?({_D}{{4}}|{_D}{{2}})"
            rf"(?![\w/]|\.[0-9]|-[0-9])"
        ),
    ),
    # March 14, 2026 / Mar. 14 2026 / Mar 14th, 2026
    (
        "mon_d_y",
        re.compile(
            rf"(?<![A-Za-z])({_MONTH_NAMES})\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+([0-9]{{4}})(?![0-9])",
            re.IGNORECASE,
        ),
    ),
    # 14 March 2026 / 14-Mar-26 / 14-MAR-2026
    (
        "d_mon_y",
        re.compile(
            rf"(?<![\w])([0-9]{{1,2}})[\s-]({_MONTH_NAMES})\.?,?[\s-]([0-9]{{4}}|[0-9]{{2}})(?![0-9])",
            re.IGNORECASE,
        ),
    ),
]
COMPACT_DATE_RE = re.compile(r"(?<![\w./-])([0-9]{6}|[0-9]{8})(?![\w./-])")


# OCR'd month names ("Apri1", "Ju1y", "0ctober", "Ju1"), repaired in place (same length).
_MONTH_OCR_RE = re.compile(
    r"(?<![A-Za-z])(?:Apri[1I|]|Ju[1I|]y|Ju[1I|](?=\s)|[0O]ct(?:ober)?|Jan[uv]ary|"
    r"Fcb(?:ruary)?|Ju[nm]e|Sep[tf](?:ember)?)(?![A-Za-z])"
)


def _fix_month_ocr(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        w = re.sub(r"^Apri[1I|]$", "April", w)
        w = re.sub(r"^Ju[1I|]y$", "July", w)
        w = re.sub(r"^Ju[1I|]$", "Jul", w)
        w = re.sub(r"^0ct", "Oct", w)
        w = w.replace("Janvary", "January").replace("Fcb", "Feb").replace("Jume", "June")
        return w.replace("Sepf", "Sept")

    return _MONTH_OCR_RE.sub(fix, text)


def fix_id_ocr(val: str) -> str:
    """An identifier that is digits apart from a few O/I/l confusions -> all digits."""
    bad = sum(c in "OoIl" for c in val)
    digits = sum(isdigits(c) for c in val)
    if 0 < bad <= 2 and digits >= 6 and all(isdigits(c) or c in "OoIl-" for c in val):
        return ocr_digits(val)
    return val


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        n += 2000 if n < 70 else 1900
    return n


def make_date(y: int, m: int, d: int) -> date | None:
    if not (1900 <= y <= 2100):
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _from_match(kind: str, m: re.Match[str]) -> date | None:
    try:
        if kind == "ymd":
            return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if kind == "mdy":
            raw = [m.group(1), m.group(3), m.group(4)]
            if not all(has_real_digit(p) for p in raw):
                return None
            mo, dd, yy = (ocr_digits(p) for p in raw)
            if not (isdigits(mo) and isdigits(dd) and isdigits(yy)):
                return None
            return make_date(_year(yy), int(mo), int(dd))
        if kind == "mon_d_y":
            mon = MONTHS.get(m.group(1)[:3].lower())
            if mon is None:
                return None
            return make_date(int(m.group(3)), mon, int(m.group(2)))
        if kind == "d_mon_y":
            mon = MONTHS.get(m.group(2)[:3].lower())
            if mon is None:
                return None
            return make_date(_year(m.group(3)), mon, int(m.group(1)))
    except (ValueError, IndexError):
        return None
    return None


def find_dates(text: str, compact: bool = False) -> list[tuple[int, int, date]]:
    """All dates in ``text`` as (start, end, date), in order; ``compact`` also accepts
    MMDDYY / MMDDYYYY digit runs (only safe inside service tables)."""
    found: list[tuple[int, int, date]] = []
    text = _fix_month_ocr(text)
    # characters already read as a date (a mask, so long lines stay linear)
    taken = bytearray(len(text) + 1)

    def free(m: re.Match[str]) -> bool:
        return 1 not in taken[m.start() : m.end()]

    def take(m: re.Match[str], d: date) -> None:
        found.append((m.start(), m.end(), d))
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())

    for kind, rx in DATE_PATTERNS:
        for m in rx.finditer(text):
            if free(m) and (d := _from_match(kind, m)) is not None:
                take(m, d)
    if compact:
        for m in COMPACT_DATE_RE.finditer(text):
            if free(m) and (d := parse_compact_date(m.group(1))) is not None:
                take(m, d)
    found.sort(key=lambda t: t[0])
    return found


def parse_compact_date(s: str) -> date | None:
    """'031426' -> 2026-03-14; '03142026' -> 2026-03-14."""
    if not isdigits(s):
        return None
    if len(s) == 6:
        return make_date(_year(s[4:]), int(s[:2]), int(s[2:4]))
    if len(s) == 8:
        return make_date(int(s[4:]), int(s[:2]), int(s[2:4]))
    return None


def parse_date(text: str) -> date | None:
    """The first date in ``text`` (any supported format), or None."""
    ds = find_dates(text)
    if ds:
        return ds[0][2]
    s = text.strip()
    return parse_compact_date(s) if isdigits(s) else None


# ---------------------------------------------------------------------------
# Code normalisation
# ---------------------------------------------------------------------------


def norm_carc(raw: str) -> str | None:
    """'197' / 'l97' / '045' / 'A1' -> canonical CARC, or None if it cannot be one."""
    s = raw.strip().upper()
    if not s:
        return None
    if re.fullmatch(r"[ABDPWY][0-9]{1,2}", s):
        return s
    if not has_real_digit(raw):
        return None
    d = ocr_digits(raw.strip())
    if not isdigits(d) or len(d) > 3:
        return None
    d = d.lstrip("0")
    return d if d and CARC_RE.match(d) else None


def norm_rarc(raw: str) -> str | None:
    """'N706' / 'N7O6' / 'MA13O' / 'M-127' -> canonical RARC, or None."""
    s = raw.strip().replace("-", "").replace(" ", "")
    m = re.fullmatch(r"(MA|M|N)([0-9OoIlSB]{1,3})", s)
    if not m or not has_real_digit(m.group(2)):
        return None
    code = m.group(1) + ocr_digits(m.group(2))
    return code if RARC_RE.match(code) else None


def norm_group(raw: str) -> str | None:
    s = raw.strip().upper().replace("0", "O")
    return s if s in GROUPS else None


def norm_proc(raw: str) -> str | None:
    """A CPT (#####, ####F/T/U) or HCPCS Level II (A1234) code, OCR-corrected, or None."""
    s = raw.strip().upper()
    if len(s) != 5:
        return None
    if CPT_RE.match(s) or HCPCS_RE.match(s):
        return s
    # CPT with O/I/l/S confusions in digit positions (need >=3 real digits to be safe);
    # never a group code and reason code run together ("CO197" is CO-197, not C0197)
    if sum(isdigits(c) for c in s) >= 3 and not (s[:2] in ("CO", "PI") and s[1].isalpha()):
        head = ocr_digits(raw.strip()[:4])
        tail = raw.strip()[4].upper()
        cand = head + (tail if tail in "FTU" else ocr_digits(tail))
        if CPT_RE.match(cand):
            return cand
        cand = s[0] + ocr_digits(raw.strip()[1:])
        if HCPCS_RE.match(cand):
            return cand
    return None


def is_cpt(code: str) -> bool:
    return bool(CPT_RE.match(code))


def is_hcpcs(code: str) -> bool:
    return bool(HCPCS_RE.match(code))


def is_modifier(tok: str) -> bool:
    t = tok.upper()
    if not MODIFIER_RE.match(t) or t in _NOT_MODIFIERS:
        return False
    if isdigits(t):
        return t in NUMERIC_MODIFIERS
    return True


def norm_ndc(raw: str) -> str | None:
    """NDC in 4-4-2, 5-3-2, 5-4-1, 5-4-2 or 11 digits -> 11 digits (5-4-2), else None."""
    s = raw.strip().replace(" ", "")
    parts = re.split(r"[-‐–]", s)
    if len(parts) == 3 and all(isdigits(p) for p in parts):
        a, b, c = parts
        lens = (len(a), len(b), len(c))
        if lens == (4, 4, 2):
            a = "0" + a
        elif lens == (5, 3, 2):
            b = "0" + b
        elif lens == (5, 4, 1):
            c = "0" + c
        elif lens != (5, 4, 2):
            return None
        return a + b + c
    if len(parts) == 1 and isdigits(s) and len(s) == 11:
        return s
    return None


@lru_cache(maxsize=1)
def icd10_code_set() -> frozenset[str]:
    """Every ICD-10-CM item (without dots) from the code list simple_icd_10_cm ships.

    Read straight from the package's data file: importing the package parses its
    10 MB XML tabular (3 to 5 s), while this set answers the same question
    (``is_valid_item``, checked equal over all 98,466 items) in about 25 ms.
    """
    spec = importlib.util.find_spec("simple_icd_10_cm")
    locations = list(spec.submodule_search_locations or []) if spec else []
    lists = sorted(Path(locations[0], "data").glob("code-list-*.txt")) if locations else []
    if not lists:  # pragma: no cover - the package is a hard dependency
        logger.warning("ICD-10-CM code list not found; ICD-10 codes checked by format only")
        return frozenset()
    text = lists[-1].read_text(encoding="utf-8")
    return frozenset(line.split(" ")[0] for line in text.splitlines() if line.strip())


def _icd_valid(code: str) -> bool:
    codes = icd10_code_set()
    return not codes or code.replace(".", "").upper() in codes


def norm_icd10(raw: str) -> str | None:
    """'M5416' / 'm54.16' / 'M54.l6' -> 'M54.16' when it is a valid ICD-10-CM item."""
    s = raw.strip().upper().replace(" ", "")
    if not s or len(s) > 8:
        return None
    body = s.replace(".", "")
    if not (3 <= len(body) <= 7) or not body[0].isalpha():
        return None
    # second char must be a digit; fix OCR confusions there and in a numeric-looking tail
    second = ocr_digits(body[1]) if not isdigits(body[1]) else body[1]
    body = body[0] + second + body[2:]
    candidates = [body]
    fixed = body[:3] + "".join(
        {"O": "0", "I": "1", "L": "1"}.get(c, c) if i < 2 else c for i, c in enumerate(body[3:])
    )
    if fixed != body:
        candidates.append(fixed)
    for b in candidates:
        code = b[:3] + ("." + b[3:] if len(b) > 3 else "")
        if ICD10_RE.match(code) and _icd_valid(code):
            return code
    return None


_ICD_OCR_FIRST = {"6": "G", "5": "S", "8": "B"}
#: what fax OCR prints for a digit inside a diagnosis code ("MA7.816", "M17.)1", "M96.|")
_ICD_OCR_DIGIT = {"A": "4", ")": "1", "]": "1", "|": "1", "I": "1", "l": "1", "i": "1",
                  "O": "0", "o": "0", "Q": "0", "D": "0", "S": "5", "s": "5", "B": "8",
                  "Z": "2", "z": "2", "g": "98"}


@lru_cache(maxsize=1)
def _icd10_parents() -> frozenset[str]:
    """ICD-10-CM items (without dots) that have sub-codes: not billable on a claim."""
    return frozenset(c[:k] for c in icd10_code_set() for k in range(3, len(c)))


def icd10_billable(code: str) -> bool:
    """True for a valid ICD-10-CM code with no sub-codes (a claim's diagnosis is one)."""
    body = code.replace(".", "").upper()
    return _icd_valid(code) and body not in _icd10_parents()


def _icd_readings(chars: str, limit: int = 64) -> list[str]:
    """Every reading of a code fragment with each OCR-confusable character as printed or
    as the digit it may stand for (bounded)."""
    out = [""]
    for ch in chars:
        alts = {ch.upper()} if ch.isalnum() else set()
        alts.update(_ICD_OCR_DIGIT.get(ch, ""))
        if not alts:
            return []
        out = [o + a for o in out for a in sorted(alts)][:limit]
    return out


def ocr_icd10(raw: str, digit_start: bool = False) -> str | None:
    """An ICD-10-CM code as fax OCR garbles it, when exactly one reading is a valid code:
    a comma for the dot ("M62,830", "M54,.50"), a blank after the dot ("G89. 29"), a stray
    letter after the first ("MS54.16", "MI17.11"), S/g/O/I/A/|/) for digits ("MS4.12",
    "Mg6.1", "MA7.816", "M17.)1", "M96.|"), "()" for 0 ("M54.5()"). Several valid readings
    are narrowed to the billable ones (a claim's diagnosis has no sub-codes). With
    ``digit_start`` (only right after a diagnosis label) a leading 6/5/8 may stand for
    G/S/B ("690.522")."""
    s = re.sub(r"\s+", "", raw.strip()).replace("()", "0")
    s = re.sub(r"[.,]{2}", ".", s).replace(",", ".")
    if s.count(".") != 1 or len(s) > 10:
        return None
    head, tail = s.split(".")
    if not (3 <= len(head) <= 4) or not (1 <= len(tail) <= 4):
        return None
    if not tail.isalnum() and not re.fullmatch(r"[0-9A-Za-z)\]|]+", tail):
        return None
    first = head[0].upper()
    if not first.isalpha():
        first = _ICD_OCR_FIRST.get(first, "") if digit_start else ""
        if not first:
            return None
    bodies = [head[1:]] if len(head) == 3 else []
    if len(head) == 4 and head[1] in "SIl|":
        bodies.append(head[2:])
    found: set[str] = set()
    for body in bodies:
        # the category's second character is always a digit; its third a digit or letter
        for d1 in _icd_readings(body[0]):
            if not isdigits(d1):
                continue
            for d2 in _icd_readings(body[1]):
                for t in _icd_readings(tail):
                    code = f"{first}{d1}{d2}.{t}"
                    if ICD10_RE.match(code) and _icd_valid(code):
                        found.add(code)
    if len(found) > 1:
        found = {c for c in found if icd10_billable(c)}
    return found.pop() if len(found) == 1 else None


# ---------------------------------------------------------------------------
# Group code + CARC as printed: CO-197, CO197, CO 197, C0-l97, PR-204, CO-A1
# ---------------------------------------------------------------------------

#: OCR also gives "cO", "Co", "c0" for CO (case-folded by norm_group); only CO and PR,
#: the two group codes that are not also common lowercase words when hyphenated
_GROUP_TOKEN = r"(CO|PR|OA|PI|CR|C0|0A|[Cc][Oo0](?=[-‐–—]?[0-9])|P[r](?=[-‐–—]?[0-9]))"
_CARC_TOKEN = r"([ABDPWY][0-9]{1,2}|[0-9OIlSB]{1,3})"
#: strict form for prose: at most one space/dash between group and code
#: (a code is not followed by "-" and four or more digits that are no amount: "Request
#: PR-26-004913" is a reference number, "PR-27-210.00" a code and its amount)
GROUP_CARC_RE = re.compile(
    rf"(?<![A-Za-z0-9]){_GROUP_TOKEN}\s?[-‐–—:/]?\s?{_CARC_TOKEN}"
    r"(?![0-9A-Za-z]|[.,][0-9]|[-‐–][0-9]{4,}(?![0-9.,]))"
)
#: loose form for table rows: any whitespace between separate Group and Reason cells
GROUP_CARC_LOOSE_RE = re.compile(
    rf"(?<![A-Za-z0-9]){_GROUP_TOKEN}\s*[-‐–—:/|]?\s*{_CARC_TOKEN}"
    r"(?![0-9A-Za-z]|[.,][0-9]|[-‐–][0-9]{4,}(?![0-9.,]))"
)


def parse_group_carc(m: re.Match[str]) -> tuple[str, str] | None:
    g = norm_group(m.group(1))
    c = norm_carc(m.group(2))
    if g is None or c is None:
        return None
    return g, c
