"""Round 4 regressions: procedure and diagnosis codes on scanned and faxed mail.

OCR reads a two-column key-value block label column first, splits a table into its code
columns and its amount columns, drops a request table's header, and garbles digits in
diagnosis codes. Every snippet here was written for these tests (no corpus document is
pasted); names and identifiers are invented.
"""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract
from pipeline.normalize import icd10_billable, norm_proc, ocr_icd10
from pipeline.tables import detect_header, parse_row, parse_tables

# --- key-value remittance read label column first ---------------------------------------

#: the labels of each service line first, their values further down ("orphan" values)
KV_LABELS_APART = """Remittance Advice
Claim ID: C0000000001 Received: 02-Mar-26
Claim charge: $1,600.00 Claim paid: $200.00
Service line 1:
Charge / Allowed / Paid:
Adjustment:
Remark:
Service line 2:
Charge / Allowed / Paid:
Adjustment:
Adjustment:

Test Payer Health

02-Mar-26 62321 units 1 dx M50.121

$1,400.00 / $0.00 / $0.00
CO-16 $1,400.00

N290

02-Mar-26 99204-25 units 1 dx G89.29

$200.00 / $160.00 / $120.00

CO-45 $40.00
PR-3 $40.00

Adjustment and remark code descriptions
16 Claim lacks information or has billing errors
"""


def test_key_value_values_read_apart_from_labels_make_service_lines() -> None:
    ex = extract(KV_LABELS_APART)
    assert ex.codes.cpt == ["62321"]
    # the paid line's diagnosis is not the denial's
    assert ex.codes.icd10 == ["M50.121"]
    denied = [a for a in ex.adjustments if a.denied]
    assert [(a.cpt, a.carc, a.billed, a.allowed, a.paid) for a in denied] == [
        ("62321", "16", 1400.0, 0.0, 0.0)
    ]
    assert denied[0].service_date == date(2026, 3, 2)
    assert denied[0].rarc == ["N290"]
    # read apart from its label: recorded as a low-confidence reading
    assert "cpt:62321 (service line value read apart from its label)" in ex.low_confidence


def test_wordy_reason_code_value_line_of_orphan_service_line() -> None:
    text = (
        "Service line 1:\nCharge / Allowed / Paid:\nAdjustment:\n\n"
        "01/16/2025 62321 units 1 dx M54.16\n"
        "$1,779.00 / $0.00 / $0.00\n"
        "reason code 11 group CO $1,779.00\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["62321"]
    assert ex.codes.carc == ["11"] and ex.codes.group == ["CO"]


def test_orphan_value_without_amounts_fills_its_labelled_service_line() -> None:
    # "Service line 1:" kept its amounts and adjustment; its "date code units" value
    # went below the block: it is that line's procedure, not a new paid line
    text = (
        "Service line 1:\n\n"
        "Charge / Allowed / Paid:   $950.00 / $0.00 / $0.00\n"
        "Adjustment:   CO 11 $950.00\n"
        "Service line 2:   11/21/2025 99214-25 units 1 dx M54.16\n"
        "Charge / Allowed / Paid:   $290.00 / $141.83 / $113.46\n"
        "Adjustment:   CO-45 $148.17\n\n"
        "Adjustment and remark code descriptions\n"
        "11 Diagnosis inconsistent with the procedure\n\n"
        "11/21/2025 64490-LT units 1 dx M54.16\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["64490"]
    assert ex.codes.icd10 == ["M54.16"]
    first = [a for a in ex.adjustments if a.line == 1][0]
    assert (first.cpt, first.carc, first.denied) == ("64490", "11", True)


def test_orphan_value_with_garbled_date_is_still_a_service_line() -> None:
    text = (
        "Service line 1:\nCharge / Allowed / Paid:\nAdjustment:\n\n"
        "41/03/2024 63685 units 1 dx M96.1\n"
        "$31,982.00 / $0.00 / $0.00\n"
        "279 (group PR) $31,982.00\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["63685"] and ex.codes.carc == ["279"]


def test_ocr_garbled_service_line_label_and_paid_label() -> None:
    text = (
        "Sarvice line 1:   Mar 21, 2025 63685 units 1 dx G89.4\n"
        "Charge / Allowed / Pald:   $37,000.00 / $0.00 / $0.00\n"
        "Adjustment:   OA-22 $37,000.00\n"
        "Service tine 2;   Mar 21, 2025 A4595 units 1 dx M54,.50\n"
        "Charge / Allowed / Pald:   $41.00 / $0.00 / $0.00\n"
        "Adjustment:   PR-204 $41.00\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["63685"] and ex.codes.hcpcs == ["A4595"]
    assert sorted(ex.codes.icd10) == ["G89.4", "M54.50"]
    first = [a for a in ex.adjustments if a.cpt == "63685"][0]
    assert (first.billed, first.allowed, first.paid) == (37000.0, 0.0, 0.0)
    assert any(x.startswith("icd10:M54.50") for x in ex.low_confidence)


def test_amount_digits_in_adjustment_value_are_no_reason_code() -> None:
    # "PR-!" (OCR for PR-1) does not parse; "$212.83" must not become CARC 212
    text = (
        "Service line 1:   12/08/2024 99204-25 units 1 dx G89.29\n"
        "Charge / Allowed / Paid:   $272.00 / $212.83 / $0.00\n"
        "Adjustment:   CO-45 $59.17\n"
        "Adjustment:   PR-! $212.83\n"
    )
    ex = extract(text)
    assert all(a.carc != "212" for a in ex.adjustments)
    assert "212" not in ex.codes.carc


# --- request (UR) tables -----------------------------------------------------------------


def test_request_row_without_header_closes_with_decision_cell() -> None:
    text = (
        "UTILIZATION REVIEW DETERMINATION\n"
        "Diagnosis:   M51.26\n\n"
        "64483   Transforaminal epidural injection, lumbar/sacral, single level   NON-CERTIFIED\n\n"
        "Clinical rationale\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["64483"]


def test_code_first_prose_sentence_is_no_request_row() -> None:
    text = "97110 therapeutic exercise was reviewed by our team and it was approved.\n"
    assert extract(text).codes.cpt == []


def test_request_table_row_that_lost_its_decision_cell() -> None:
    text = (
        "Diagnosis:   M96.1\n\n"
        "Code   Requested treatment   Qty   Decision\n\n"
        "63685   Implantable pulse generator for spinal cord stimulation\n"
    )
    assert extract(text).codes.cpt == ["63685"]


# --- tables -----------------------------------------------------------------------------


def test_table_read_as_code_block_then_amount_block_is_paired_again() -> None:
    text = (
        "Claim Determination\n"
        "Ln   DOS   Code   Mod   Dx\n"
        "1   06/10/2025   97140   GP   M54.2\n"
        "2   06/10/2025   97530   GP   M54.50\n\n"
        "Explanation: Claim received 12/17/2025: beyond filing limit.\n"
        "Claim number:\n"
        "2025121700001\n"
        "Allowed   Paid   Reason\n"
        "$0.00   $0.00 reason code\n"
        "29\n"
        "$81.31   $0.00 Paid\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["97140"]
    assert ex.codes.icd10 == ["M54.2"]
    assert ex.codes.carc == ["29"]
    assert any(x.startswith("cpt:97140 (service line rebuilt") for x in ex.low_confidence)


def test_split_table_with_a_code_row_missing_is_not_paired() -> None:
    # row 1's code is unreadable: pairing row 2 with row 1's amounts would be wrong
    text = (
        "Ln   DOS   Code   Mod   Dx\n"
        "1   04/12/2026   64A8?   50   M48.062\n"
        "2   04/12/2026   99204   25   M54.16\n"
        "Claim number:\n"
        "Allowed   Paid   Reason\n"
        "$0.00   $0.00 Adj CO/288\n"
        "$162.86   $122.86 Paid\n"
    )
    ex = extract(text)
    assert "99204" not in ex.codes.cpt


def test_code_wrapped_below_its_row_with_the_description() -> None:
    # the header's "Code" column was lost; the row above shows the table's rows carry codes
    text = (
        "Billed   Plan   Deductible Copay/   Not   Plan paid Remark\n\n"
        "10-11-2025 Office visit 99213   $150.00   $0.00   $0.00   $0.00   $150.00   $0.00 Z3\n"
        "10-11-2025   $170.00   $0.00   $0.00   $0.00   $170.00   $0.00 Z3\n\n"
        "Cervical epidural steroid injection ¢   62321\n\n"
        "Remark codes\n"
    )
    assert extract(text).codes.cpt == ["99213", "62321"]


def test_description_line_below_a_table_without_codes_gives_no_code() -> None:
    text = (
        "Billed   Plan   Deductible Copay/   Not   Plan paid Remark\n\n"
        "10-11-2025   $170.00   $0.00   $0.00   $0.00   $170.00   $0.00 Z3\n\n"
        "Mail your appeal to Suite 400, Springfield   62321\n"
    )
    assert extract(text).codes.cpt == []
    # below a table whose rows carry codes, a city, state and ZIP code is still no code
    text = (
        "Billed   Plan   Deductible Copay/   Not   Plan paid Remark\n\n"
        "10-11-2025 Office visit 99213   $150.00   $0.00   $0.00   $0.00   $150.00   $0.00 Z3\n"
        "10-11-2025   $170.00   $0.00   $0.00   $0.00   $170.00   $0.00 Z3\n\n"
        "Springfield, IL 62321\n"
    )
    assert extract(text).codes.cpt == ["99213"]


def test_code_shaped_tail_of_broken_claim_number_is_no_procedure() -> None:
    h = detect_header("CLAIM | PATIENT | DOS | PROC | DX | CHARGE | ALLOWED | PAID")
    row = parse_row(
        "E26-062°60653 | DOE, JANE | 02/22/2026 | A4S95 | G89.29 | 69.00 | 0.00 | 0.00 |",
        h, None,
    )
    assert row is not None and row.proc == "A4595"
    assert row.ocr_fixed == ["hcpcs:A4595 (OCR-garbled procedure code repaired)"]


def test_procedure_code_followed_by_a_stray_period() -> None:
    h = detect_header("Ln DOS Proc Mod Dx Billed Allowed Paid Adjustments")
    row = parse_row(
        "1 02/21/2025 64483. RT M54.17 $1,922.75 $0.00 $0.00 CO-50 $1,922.75", h, None
    )
    assert row is not None and row.proc == "64483"
    # an amount with its cents is still no code
    row = parse_row("1 02/21/2025 12345.00 99213 12345.00 0.00 0.00 CO-50 12345.00", h, None)
    assert row is not None and row.proc == "99213"


def test_group_and_reason_run_together_are_no_hcpcs_code() -> None:
    assert norm_proc("CO197") is None
    assert norm_proc("C0197") == "C0197"  # as printed, a C-code shape stays one
    ex = extract("Prior authorization was required. (Standard code CO197)\n")
    assert ex.codes.hcpcs == []


def test_hcpcs_code_with_s_for_5() -> None:
    assert norm_proc("A4s95") == "A4595"
    ex = extract("HCPCS: A4S95 was denied.\n")
    assert ex.codes.hcpcs == ["A4595"]


def test_procedure_label_as_ocr_reads_it() -> None:
    assert extract("Procedura: 98941.\n").codes.cpt == ["98941"]


# --- diagnosis codes as fax OCR garbles them ------------------------------------------------


def test_ocr_icd10_repairs_are_validated_and_prefer_billable_codes() -> None:
    assert ocr_icd10("M54.5()") == "M54.50"  # "()" for 0
    assert ocr_icd10("M17.)1") == "M17.11"  # ")" for 1; M17.1 is a category
    assert ocr_icd10("M96. |") == "M96.1"
    assert ocr_icd10("MA7.816") == "M47.816"  # A for 4
    assert ocr_icd10("M54,.50") == "M54.50"
    assert ocr_icd10("G89. 29") == "G89.29"
    assert ocr_icd10("ZZ9.99") is None
    assert ocr_icd10("Mg6.1") == "M96.1"  # M86.1 has sub-codes: no claim carries it
    assert ocr_icd10("Mg1.0") is None  # M81.0 and M91.0 are both billable
    assert icd10_billable("M54.50") and not icd10_billable("M54.5")


def test_diagnosis_label_with_blank_after_the_dot() -> None:
    ex = extract("MEMBER NO 1234567 PATIENT RESP 0.00 DIAG G89. 29\n")
    assert ex.codes.icd10 == ["G89.29"]


def test_diagnosis_label_with_bar_for_one() -> None:
    ex = extract("Diagnosis:   M96. |\n\nRequested treatment\n")
    assert ex.codes.icd10 == ["M96.1"]
    assert any(x.startswith("icd10:M96.1") for x in ex.low_confidence)


def test_dx_cell_with_parentheses_for_zero() -> None:
    h = detect_header("Ln DOS Proc Mod Dx Billed Allowed Paid Adjustments")
    row = parse_row("1 14-Aug-25 98940 AT M54.5() $103.00 $0.00 $0.00 PR-242 $103.00", h, None)
    assert row is not None and row.icd == ["M54.50"]
    assert row.ocr_fixed


def test_dx_cell_with_s_for_5_in_second_place() -> None:
    h = detect_header("Ln DOS Proc Mod Dx Billed Allowed Paid Adjustments Remarks")
    row = parse_row(
        "1 01/16/2026 62321 MS4.12 $1,774.75 $0.00 $0.00 CO-31 $1,774.75 N382", h, None
    )
    assert row is not None and row.icd == ["M54.12"]


def test_dx_cell_with_a_for_4() -> None:
    h = detect_header("Ln DOS Proc Mod Dx Billed Allowed Paid Adjustments Remarks")
    row = parse_row(
        "1 Oct 12, 2025 64635 LT MA7.816 $2,890.00 $0.00 $0.00 CO-16 $2,890.00 M81", h, None
    )
    assert row is not None and row.icd == ["M47.816"]


def test_parse_tables_keeps_text_pdf_key_value_block() -> None:
    # the labelled form (text PDFs) is read as before
    lines = (
        "Service line 1: 20-Apr-25 62321 units 1 dx M50.121\n"
        "Charge / Allowed / Paid: $1,587.75 / $0.00 / $0.00\n"
        "Adjustment: CO-16 $1,587.75\n"
        "Remark: N290\n"
    ).splitlines()
    rows = parse_tables(lines).rows
    assert [(r.line, r.proc, r.icd, r.adjs, r.rarcs) for r in rows] == [
        (1, "62321", ["M50.121"], [("CO", "16", 1587.75)], ["N290"])
    ]
