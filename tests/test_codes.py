from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.codes import (
    RARC_REQUIRED_CARCS,
    CodeTableError,
    category_for_codes,
    category_for_ncpdp,
    load_code_table,
    lookup,
    normalize_code,
)
from pipeline.datamodel import Category

C = Category


def test_table_loads_and_is_cached() -> None:
    t1 = load_code_table()
    assert load_code_table() is t1
    kinds = {k for k, _ in t1}
    assert kinds == {"GROUP", "CARC", "RARC", "NCPDP"}
    assert len(t1) > 350
    assert t1[("CARC", "197")].category is C.PRIOR_AUTHORIZATION
    assert t1[("GROUP", "CO")].category is None


def test_codes_needing_a_remark_have_no_category_of_their_own() -> None:
    t = load_code_table()
    for code in ("16", "96", "A1", "125"):
        assert t[("CARC", code)].category is None
    assert all(("CARC", c) in t for c in RARC_REQUIRED_CARCS)


def test_payment_adjustments_are_not_denials() -> None:
    t = load_code_table()
    for code in ("1", "2", "3", "45", "59", "253", "131"):
        assert t[("CARC", code)].category is C.NOT_A_DENIAL


@pytest.mark.parametrize(
    ("group", "carc", "rarcs", "expected"),
    [
        ("CO", "96", ["N425"], C.NOT_COVERED),
        ("CO", "16", ["N290"], C.CODING_ERROR),
        ("CO", "16", ["M127"], C.MISSING_DOCUMENTATION),  # RARC outranks CARC 16
        ("CO", "252", ["M127"], C.MISSING_DOCUMENTATION),
        ("CO", "96", ["N386"], C.MEDICAL_NECESSITY),
        ("CO", "A1", ["N1", "N383"], C.NOT_COVERED),  # alert RARC skipped
        ("CO", "A1", [], None),  # generic denial with no remark: unknown
        ("CO", "16", [], C.CODING_ERROR),  # fallback when no remark came with it
        ("CO", "96", [], C.NOT_COVERED),
        ("CO", "167", ["N115"], C.MEDICAL_NECESSITY),
        ("CO", "11", ["N386"], C.MEDICAL_NECESSITY),
        ("CO", "167", [], C.NOT_COVERED),
        ("CO", "11", [], C.CODING_ERROR),
        ("CO", "45", ["N381"], C.NOT_A_DENIAL),
        ("PR", "1", [], C.NOT_A_DENIAL),
        ("PR", "2", [], C.NOT_A_DENIAL),
        ("PR", "3", [], C.NOT_A_DENIAL),
        ("CO", "197", ["N115"], C.PRIOR_AUTHORIZATION),  # CARC with own meaning wins
        ("PR", "204", [], C.NOT_COVERED),
        ("CO", "29", [], C.TIMELY_FILING),
        ("OA", "18", [], C.DUPLICATE_CLAIM),
        ("CO", "B8", [], C.STEP_THERAPY),
        ("CO", "193", [], None),
        (None, None, ["N640"], C.BENEFIT_LIMIT),
        (None, "999", ["N52"], C.OUT_OF_NETWORK),  # unknown CARC: remark decides
    ],
)
def test_category_for_codes(group, carc, rarcs, expected) -> None:  # type: ignore[no-untyped-def]
    assert category_for_codes(group, carc, rarcs) is expected


def test_normalization_accepts_prefixed_and_lowercase_codes() -> None:
    assert normalize_code("CO-197") == "197"
    assert normalize_code("pr-1") == "1"
    assert category_for_codes("co", "co-96", ["n425"]) is C.NOT_COVERED
    assert lookup("CARC", "co-50").category is C.MEDICAL_NECESSITY  # type: ignore[union-attr]


def test_ncpdp() -> None:
    assert category_for_ncpdp("608") is C.STEP_THERAPY
    assert category_for_ncpdp("75") is C.PRIOR_AUTHORIZATION
    assert category_for_ncpdp("mr") is C.NOT_COVERED


def _write(tmp_path: Path, rows: list[list[str]]) -> Path:
    p = tmp_path / "codes.csv"
    with p.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["kind", "code", "description", "category"])
        w.writerows(rows)
    return p


@pytest.mark.parametrize(
    ("rows", "msg"),
    [
        ([["CARC", "1", "a", "not_a_denial"], ["CARC", "1", "b", "not_a_denial"]], "duplicate"),
        ([["CPT", "1", "a", ""]], "unknown kind"),
        ([["CARC", "1", "a", "payment_adjustment"]], "unknown category"),
        ([["CARC", "", "a", ""]], "empty code"),
        ([["GROUP", "CO", "a", "coding_error"]], "must have no category"),
    ],
)
def test_bad_table_gives_clear_error(tmp_path: Path, rows: list[list[str]], msg: str) -> None:
    with pytest.raises(CodeTableError, match=msg):
        load_code_table(_write(tmp_path, rows))


def test_bad_header(tmp_path: Path) -> None:
    p = tmp_path / "codes.csv"
    p.write_text("kind,code,desc\nCARC,1,x\n")
    with pytest.raises(CodeTableError, match="header"):
        load_code_table(p)


def test_shipped_csv_is_consistent_with_enum() -> None:
    path = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "codes.csv"
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    valid = {c.value for c in Category} | {""}
    assert all(r["category"] in valid for r in rows)
    assert len({(r["kind"], r["code"]) for r in rows}) == len(rows)
