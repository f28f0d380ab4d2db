"""Round 3 regressions: amounts (billed / patient responsibility), multi-claim focus,
wrapped table headers and wrapped provider sentences. Every snippet here was written
for these tests (no corpus document is pasted)."""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract
from pipeline.tables import detect_header, merge_wrapped_header, parse_tables

# a member EOB: claim summary over one line of amounts, a service table whose header
# wraps ("Plan discount", "Copay/ Coins", "Not covered", "Plan paid"), payer remark codes
MEMBER_EOB = """Explanation of Benefits
THIS IS NOT A BILL
Member: Ann Sample Member ID: ZZQ100200300
Statement date: 03/02/2026 Claim number: 26X0000001R11
Provider: Maple Test Clinic Received: 02/20/2026
Amount billed Your plan paid You may owe
$1,150.00 $60.00 $15.00
Date Service Code Billed Plan Deductible Copay/ Not Plan Remark
discount Coins covered paid
02/01/2026 Office visit 99213 $150.00 $75.00 $0.00 $15.00 $0.00 $60.00 Q1
02/01/2026 Lumbar MRI 72148 $1,000.00 $0.00 $0.00 $0.00 $1,000.00 $0.00 Q2
Remark codes
Q1 This amount is the discount for using a network provider. You do not owe it.
Q2 We need approval before this service. (Standard code CO-197)
"""


def test_wrapped_two_line_header_maps_amounts_in_order() -> None:
    lines = MEMBER_EOB.splitlines()
    rows = parse_tables(lines).rows
    assert [r.proc for r in rows] == ["99213", "72148"]
    assert rows[1].amounts["billed"] == 1000.0
    assert rows[1].amounts["noncovered"] == 1000.0
    assert rows[1].amounts["paid"] == 0.0
    assert rows[0].amounts["paid"] == 60.0


def test_wrapped_header_positional_merge_keeps_columns() -> None:
    head = "Date      Code   Billed   Plan      Not covered  Plan paid"
    wrap = "                           discount"
    h = detect_header(head)
    assert h is not None
    merged = merge_wrapped_header(h, head, wrap)
    assert merged is not None
    assert [f for _, _, f in merged.money_fields()] == ["billed", "adjamt", "noncovered", "paid"]


def test_slash_joined_cost_share_header_is_one_column() -> None:
    h = detect_header("Date Service Code Billed Allowed Deductible Copay/Coins Plan paid")
    assert h is not None
    assert [f for _, _, f in h.money_fields()] == [
        "billed", "allowed", "deductible", "copay", "paid"
    ]
    text = (
        "Date Service Code Billed Allowed Deductible Copay/Coins Plan paid\n"
        "01/05/26 Office visit 99213 $90.00 $61.00 $0.00 $20.00 $41.00\n"
    )
    ex = extract(text)
    assert ex.amount_billed == 90.0  # the one line's charge (nothing denied)


def test_claim_summary_you_may_owe_column_is_patient_responsibility() -> None:
    ex = extract(MEMBER_EOB)
    # not the first amount under the labels ($1,150.00), the "You may owe" column
    assert ex.patient_responsibility == 15.0


def test_paid_line_with_discount_remark_is_not_denied() -> None:
    ex = extract(MEMBER_EOB)
    # only the MRI line is denied (its "Not covered" is its charge): its charge alone
    assert ex.amount_billed == 1000.0
    assert ex.codes.cpt == ["72148"]


def test_several_denied_lines_without_printed_total_give_no_billed_amount() -> None:
    text = (
        "Claim Number: 26Y0000002R22\n"
        "Line DOS Code Billed Allowed Paid Reason\n"
        "1 01/10/2026 97110 $120.00 $0.00 $0.00 CO-50\n"
        "2 01/10/2026 97140 $80.00 $0.00 $0.00 CO-50\n"
    )
    assert extract(text).amount_billed is None
    printed = text.replace("Claim Number:", "Total billed: $200.00\nClaim Number:")
    assert extract(printed).amount_billed == 200.0


def test_denied_payment_of_amount_in_letter_is_amount_billed() -> None:
    text = (
        "Notice of Denial of Medical Coverage (or Payment)\n"
        "We have denied payment of $412.50 for the medical services listed below that you\n"
        "received from Birch Test Surgery Center on 05-06-2025 (claim 2025050600001):\n"
    )
    assert extract(text).amount_billed == 412.5


def test_you_may_be_billed_up_to_is_patient_responsibility() -> None:
    text = (
        "We are not able to pay this claim.\n"
        "You may be billed up to $270.25 for this service.\n"
    )
    assert extract(text).patient_responsibility == 270.25


def test_provider_and_service_date_wrapped_across_lines() -> None:
    text = (
        "We have denied payment of $99.00 for the medical services listed below that you "
        "received from Harbor Test Ambulatory\n"
        "Surgery Center on 04-28-2025 (claim 2025050100002):\n"
    )
    ex = extract(text)
    assert ex.provider == "Harbor Test Ambulatory Surgery Center"
    assert ex.service_dates == [date(2025, 4, 28)]


MULTI_CLAIM = """Provider Payment Summary - Multiple Claims
Payee: Test Chiropractic Clinic NPI: 1234567893
Payment date: 06/22/2025 Total paid: $0.00
Patient: DOE, JANE ID: 111A22233 Claim: 25C0000001R01 Pt resp: $40.00
Ln DOS Proc Mod Dx Billed Allowed Paid Adjustments Remarks
1 04/23/2025 99214 M54.50 $100.00 $40.00 $0.00 CO-45 $60.00, PR-1 $40.00
Patient: ROE, RICHARD ID: BBB222333444 Claim: 25A0000002R02 Pt resp: $0.00
Ln DOS Proc Mod Dx Billed Allowed Paid Adjustments Remarks
1 05/11/2025 98940 AT M54.50 $103.00 $0.00 $0.00 CO-236 $103.00
"""


def test_multi_claim_remit_claim_colon_label_and_mixed_case_patient_block() -> None:
    ex = extract(MULTI_CLAIM)
    # the document is about the first claim with a denied line (the second block)
    assert ex.claim_number == "25A0000002R02"
    assert ex.member_id == "BBB222333444"
    assert ex.patient_name == "Richard Roe"
    assert ex.amount_billed == 103.0


def test_multi_claim_remit_patient_responsibility_of_focus_claim() -> None:
    # "Pt resp" of the focus claim's block, not the first claim's
    assert extract(MULTI_CLAIM).patient_responsibility == 0.0


def test_pr_group_code_without_printed_amount_gives_no_patient_responsibility() -> None:
    text = (
        "Provider Claim Denial\n"
        "Claim number: 26Z0000003R33 Total billed: $500.00\n"
        "Ln DOS Code Mod Dx Billed Allowed Paid Reason\n"
        "1 11/24/2025 64483 LT M48.062 $500.00 $0.00 $0.00 PR 242\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["242"]
    # the PR amount would have to be derived from the charge: the letter prints none
    assert ex.patient_responsibility is None


def test_composite_charge_allowed_paid_line_of_key_value_remit() -> None:
    text = (
        "Remittance Advice\n"
        "Claim ID: 25F0000004R44\n"
        "Claim charge: $1,300.00 Claim paid: $0.00\n"
        "Service line 1: Nov 30, 2025 96365 units 1\n"
        "Charge / Allowed / Paid: $1,046.00 / $0.00 / $0.00\n"
        "Adjustment: 55 (group CO) $1,046.00\n"
        "Service line 2: Nov 30, 2025 99214-25 units 1\n"
        "Charge / Allowed / Paid: $254.00 / $140.36 / $0.00\n"
        "Adjustment: CO-45 $113.64\n"
        "Adjustment: PR-1 $140.36\n"
    )
    ex = extract(text)
    first = [a for a in ex.adjustments if a.cpt == "96365"][0]
    assert (first.billed, first.allowed, first.paid) == (1046.0, 0.0, 0.0)
    # the denied line's charge, not the claim charge
    assert ex.amount_billed == 1046.0


def test_line_with_nothing_allowed_and_unreadable_paid_cell_is_denied() -> None:
    # fax OCR turned the paid cell into "@.00" and garbled the group/reason cell:
    # nothing allowed on a billed line still says the line was denied, so its codes count
    text = (
        "Claim # | Patient | Ln | DOS | Proc | Mod | Dx | Billed | Allowed | Paid | Adj | Remark\n"
        "2026030100005 | DOE, JANE | 1 | 03/01/2026 | 99213 | | M54.2 | 90.00 | 61.00 | 61.00 "
        "| CO-45 29.00 |\n"
        "2026030100005 | DOE, JANE | 2 | 03/01/2026 | 64490 | LT | M54.2 | 118.00 | 0.00 | @.00 "
        "| coa52 118.00 | M127\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["64490"]
    assert ex.codes.rarc == ["M127"]
