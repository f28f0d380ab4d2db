"""Payer-specific remark codes on EOB service lines, read through the document's legend."""

from __future__ import annotations

from pipeline.classify import code_evidence, denied_dollars
from pipeline.datamodel import Category
from pipeline.extract import extract

EOB = """Explanation of Benefits
THIS IS NOT A BILL
Member: Test Person   Member ID: ABC123456
Claim number: 2025122514643

Date      Service        Code   Billed     Plan discount  Not covered  Plan paid  Remark
08/04/25  Epidural       62321  $1,318.00  $0.00          $1,318.00    $0.00      {first}
08/04/25  Manipulation   98941  $130.00    $0.00          $130.00      $0.00      {second}
08/04/25  Office visit   99214  $200.00    $50.00         $0.00        $150.00    Z3

Remark codes

W7  This claim was submitted more than 90 days after the date of service.
DN4  Your Evidence of Coverage lists this as a service we do not pay for.
Z3  This amount is the discount for using a network provider. You do not owe it.
"""


def _lines(text: str) -> dict[str, list[str]]:
    return {a.cpt: a.payer_codes for a in extract(text).adjustments if a.cpt}


def test_service_lines_carry_the_payer_remark_codes_they_print() -> None:
    assert _lines(EOB.format(first="W7", second="DN4")) == {
        "62321": ["W7"], "98941": ["DN4"], "99214": ["Z3"]}


def test_ocr_garbled_remark_column_is_matched_to_exactly_one_legend_code() -> None:
    # "DN4" read as "0N4", "W7" as "VV7" (not one legend code: left out)
    assert _lines(EOB.format(first="VV7", second="0N4")) == {
        "62321": [], "98941": ["DN4"], "99214": ["Z3"]}


def test_denied_dollars_rank_the_remark_reasons_of_an_eob() -> None:
    text = EOB.format(first="W7", second="DN4")
    ext = extract(text)
    assert denied_dollars(code_evidence(text, ext)) == {
        Category.TIMELY_FILING: 1318.0, Category.NOT_COVERED: 130.0}


def test_numeric_payer_code_defined_by_a_standard_code_is_not_read_as_that_carc() -> None:
    # bug: payer code "23" was taken for CARC 23 and the CO-197 it stands for was lost
    text = """Explanation of Benefits
Claim number: C6733960712

Date        Service                  Code   Billed     Not covered  Plan paid  Remark
03/29/2026  MRI cervical spine       72141  $2,211.75  $2,211.75    $0.00      23

Remark codes
23 Our records show no approval on file for this service before the date it was
provided. Your plan requires approval in advance for this type of care. (Standard code CO197)
TQ This amount is the discount for using a network provider. You do not owe it.
"""
    ext = extract(text)
    assert ext.codes.carc == ["197"] and ext.codes.group == ["CO"]
    (line,) = ext.adjustments
    assert (line.group, line.carc, line.payer_codes, line.denied) == ("CO", "197", ["23"], True)


def test_the_record_names_each_lines_payer_codes_and_their_meanings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pipeline.triage import Triager

    path = tmp_path / "eob.txt"
    path.write_text(EOB.format(first="W7", second="DN4"), encoding="utf-8")
    result = Triager().triage(path)
    assert result.schema_version == "1.3"
    assert [a.payer_codes for a in result.adjustments] == [["W7"], ["DN4"], ["Z3"]]
    assert set(result.legend) == {"W7", "DN4", "Z3"}
    assert result.legend["W7"].startswith("This claim was submitted more than 90 days")
    # the larger denied line (timely filing, $1,318) is the document's reason
    assert result.category is Category.TIMELY_FILING
