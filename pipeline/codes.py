"""The code table (group codes, CARCs, RARCs, NCPDP rejects) and the code->category rules.

The table lives in ``pipeline/data/codes.csv`` (columns ``kind,code,description,category``).
Descriptions are our own short wording; the category column holds one of the
:class:`~pipeline.datamodel.Category` values, or is empty when a code has no category
of its own (group codes, and CARCs such as 16/96/A1 whose meaning is carried by a
remark code).

:func:`category_for_codes` applies the rules of thumb that a flat table cannot express:

* a remark code (RARC) outranks the CARC when the CARC says "see the remark code"
  (16, 96, 125, 129, 148, 226, 227, 234, 237, 250-252, A1);
* CARC 167 / 11 with an LCD/NCD remark (N115, N386) is a medical-necessity denial;
* payment adjustments (CO-45, PR-1/2/3, 59, 253 ...) are ``not_a_denial``;
* informational "Alert" remark codes never decide a category when another code does.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.datamodel import Category

logger = logging.getLogger(__name__)

KINDS = ("GROUP", "CARC", "RARC", "NCPDP")
GROUP_CODES = frozenset({"CO", "PR", "OA", "PI", "CR"})

#: CARCs whose X12 definition asks for a remark code that carries the actual reason.
RARC_REQUIRED_CARCS = frozenset(
    {"16", "96", "125", "129", "148", "226", "227", "234", "237", "250", "251", "252", "A1"}
)

#: What a RARC-requiring CARC means when no usable remark code came with it.
#: Codes absent here (e.g. A1) give no category on their own.
RARC_REQUIRED_FALLBACK: dict[str, Category] = {
    "16": Category.CODING_ERROR,
    "125": Category.CODING_ERROR,
    "129": Category.CODING_ERROR,
    "234": Category.CODING_ERROR,
    "96": Category.NOT_COVERED,
    "148": Category.MISSING_DOCUMENTATION,
    "226": Category.MISSING_DOCUMENTATION,
    "227": Category.MISSING_DOCUMENTATION,
    "250": Category.MISSING_DOCUMENTATION,
    "251": Category.MISSING_DOCUMENTATION,
    "252": Category.MISSING_DOCUMENTATION,
    "237": Category.NOT_A_DENIAL,
}

#: LCD / NCD remark codes that turn a diagnosis-based CARC into a medical-necessity denial.
COVERAGE_DETERMINATION_RARCS = frozenset({"N115", "N386"})
DIAGNOSIS_CARCS = frozenset({"167", "11"})

#: CARC 193: the original decision was upheld on appeal; it names no reason of its own.
UPHELD_ON_APPEAL_CARC = "193"

_DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "codes.csv"


class CodeTableError(ValueError):
    """The code table file is malformed; the message says which line and why."""


@dataclass(frozen=True, slots=True)
class CodeInfo:
    kind: str
    code: str
    description: str
    category: Category | None

    @property
    def informational(self) -> bool:
        """True for "Alert:" remark codes and payment-adjustment remarks.

        They describe the remittance, not a reason for a denial, so they never
        outrank a substantive code.
        """
        return self.kind == "RARC" and (
            self.description.lower().startswith("alert:")
            or self.category is Category.NOT_A_DENIAL
        )


def normalize_code(code: str) -> str:
    """Upper-case, strip blanks and a leading group prefix ('CO-197' -> '197')."""
    c = code.strip().upper().replace(" ", "")
    if len(c) > 3 and c[:2] in GROUP_CODES and c[2] in "-:":
        c = c[3:]
    return c


def _parse_table(lines: Iterable[str], source: str) -> dict[tuple[str, str], CodeInfo]:
    reader = csv.DictReader(lines)
    expected = ["kind", "code", "description", "category"]
    if reader.fieldnames != expected:
        raise CodeTableError(
            f"{source}: header must be {','.join(expected)}, got {reader.fieldnames!r}"
        )
    valid = {c.value for c in Category}
    table: dict[tuple[str, str], CodeInfo] = {}
    for lineno, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise CodeTableError(f"{source}:{lineno}: expected 4 columns")
        kind = row["kind"].strip()
        code = row["code"].strip().upper()
        desc = row["description"].strip()
        cat = row["category"].strip()
        if kind not in KINDS:
            raise CodeTableError(f"{source}:{lineno}: unknown kind {kind!r} (known: {KINDS})")
        if not code:
            raise CodeTableError(f"{source}:{lineno}: empty code")
        if not desc:
            raise CodeTableError(f"{source}:{lineno}: empty description for {kind} {code}")
        if cat and cat not in valid:
            raise CodeTableError(
                f"{source}:{lineno}: unknown category {cat!r} for {kind} {code}"
            )
        if kind == "GROUP" and cat:
            raise CodeTableError(f"{source}:{lineno}: group code {code} must have no category")
        key = (kind, code)
        if key in table:
            raise CodeTableError(f"{source}:{lineno}: duplicate entry {kind} {code}")
        table[key] = CodeInfo(kind, code, desc, Category(cat) if cat else None)
    if not table:
        raise CodeTableError(f"{source}: the code table is empty")
    return table


def load_code_table(path: str | Path | None = None) -> dict[tuple[str, str], CodeInfo]:
    """Return ``{(kind, code): CodeInfo}``; validated; cached per path.

    Raises :class:`CodeTableError` on a malformed file.
    """
    return _load_cached(str(Path(path).resolve()) if path is not None else "")


@lru_cache(maxsize=8)
def _load_cached(path: str) -> dict[tuple[str, str], CodeInfo]:
    if path:
        p = Path(path)
        with p.open(encoding="utf-8", newline="") as fh:
            table = _parse_table(fh, p.name)
    else:
        ref = resources.files("pipeline").joinpath("data/codes.csv")
        with ref.open("r", encoding="utf-8", newline="") as fh:
            table = _parse_table(fh, "codes.csv")
    logger.debug("code table loaded: %d entries", len(table))
    return table


def lookup(kind: str, code: str) -> CodeInfo | None:
    return load_code_table().get((kind, normalize_code(code)))


def category_of(kind: str, code: str) -> Category | None:
    info = lookup(kind, code)
    return info.category if info else None


def category_for_ncpdp(code: str) -> Category | None:
    return category_of("NCPDP", code)


def _rarc_category(rarcs: Iterable[str]) -> Category | None:
    """The category the substantive remark codes agree on most (ties: first listed)."""
    table = load_code_table()
    votes: Counter[Category] = Counter()
    order: list[Category] = []
    for r in rarcs:
        info = table.get(("RARC", normalize_code(r)))
        if info is None or info.category is None or info.informational:
            continue
        votes[info.category] += 1
        if info.category not in order:
            order.append(info.category)
    if not votes:
        return None
    best = max(votes.values())
    return next(c for c in order if votes[c] == best)


def category_for_codes(
    group: str | None, carc: str | None, rarcs: Iterable[str] = ()
) -> Category | None:
    """Category of one adjustment (group + CARC + its remark codes), or None if unknown.

    ``group`` may be None when the document does not pair it with the CARC.
    """
    table = load_code_table()
    g = (group or "").strip().upper() or None
    c = normalize_code(carc) if carc else None
    rarc_list = [normalize_code(r) for r in rarcs if r and r.strip()]
    rarc_cat = _rarc_category(rarc_list)

    if c is None or c == UPHELD_ON_APPEAL_CARC:
        return rarc_cat

    info = table.get(("CARC", c))
    # PR-1/2/3, CO-45, 59, 253 ...: payment adjustments whatever the remark says.
    if info is not None and info.category is Category.NOT_A_DENIAL and c not in RARC_REQUIRED_CARCS:
        return Category.NOT_A_DENIAL

    if c in DIAGNOSIS_CARCS and COVERAGE_DETERMINATION_RARCS.intersection(rarc_list):
        return Category.MEDICAL_NECESSITY

    if c in RARC_REQUIRED_CARCS:
        if rarc_cat is not None:
            return rarc_cat
        return RARC_REQUIRED_FALLBACK.get(c)

    if info is None:
        logger.debug("unknown CARC (group %s); falling back to remark codes", g)
        return rarc_cat
    return info.category


__all__ = [
    "CodeInfo",
    "CodeTableError",
    "RARC_REQUIRED_CARCS",
    "category_for_codes",
    "category_for_ncpdp",
    "category_of",
    "load_code_table",
    "lookup",
    "normalize_code",
]
