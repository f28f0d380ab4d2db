# ruff: noqa: E501  (service tables are printed wider than 100 columns)
"""Regression tests for extraction bugs found on generated documents (issue 4, round 2),
one per bug. Every snippet is invented for the test; names, IDs and addresses are fictitious.
"""

from __future__ import annotations

from datetime import date

from pipeline.deadlines import appeal_deadline
from pipeline.extract import extract

_HEAD = (
    "Quarrybrook Health Plan\n"
    "PO Box 4410\n"
    "Tulsa, OK 74101\n"
    "04/02/2026\n"
    "Provider Claim Denial\n"
    "Patient: Dana Whitlock Member ID: QBH20441187\n"
)


def test_reason_cell_wrapped_label_and_number_on_next_line() -> None:
    # a text PDF wraps the Reason cell: "reason code" ends the row, "252 M127" starts the next line
    text = _HEAD + (
        "Ln DOS Code Mod Dx Billed Allowed Paid Reason\n"
        "1 03-11-26 64493 LT M47.816 $912.40 $0.00 $0.00 reason code\n"
        "252 M127\n"
        "Explanation: Medical records were not received.\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["252"]
    assert ex.codes.rarc == ["M127"]
    assert ex.codes.cpt == ["64493"]


def test_reason_cell_wrapped_with_month_date_cell() -> None:
    # the date cell and the Reason cell both wrap: "February 28," / "2026 11"
    text = _HEAD + (
        "Ln DOS Code Mod Dx Billed Allowed Paid Reason\n"
        "1 February 28, 64483 LT M54.2 $1,640.00 $0.00 $0.00 reason code\n"
        "2026 11\n"
        "2 February 28, 99214 25 M54.50 $180.00 $92.10 $51.10 Paid\n"
        "2026\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["11"]
    assert ex.codes.cpt == ["64483"]
    assert date(2026, 2, 28) in ex.service_dates


def test_reason_cell_wrapped_with_cut_amount_and_cut_date() -> None:
    # "$10,822.0" / "0" and "06-14-202" / "5": the wrap line holds the ends of three cells
    text = _HEAD + (
        "Ln DOS Code Mod Dx Billed Allowed Paid Reason\n"
        "1 12/18/25 63650 G89.4 $10,822.0 $0.00 $0.00 reason\n"
        "0 code 242\n"
        "N859\n"
        "2 06-14-202 97110 GP M54.16 $270.00 $0.00 $0.00 CARC:\n"
        "5 50\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["242", "50"]
    assert ex.codes.rarc == ["N859"]
    assert ex.adjustments[0].billed == 10822.00
    assert ex.adjustments[1].service_date == date(2025, 6, 14)


def test_wrapped_row_merge_leaves_unrelated_next_line_alone() -> None:
    # a complete row followed by a plain number line: nothing is merged
    text = _HEAD + (
        "Ln DOS Code Mod Billed Allowed Paid Reason\n"
        "1 03/02/26 99213 $120.00 $80.00 $60.00 CO-45\n"
        "2\n"
    )
    ex = extract(text)
    assert [(a.group, a.carc, a.billed) for a in ex.adjustments] == [("CO", "45", 120.00)]


def test_days_from_receipt_is_a_stated_rule_not_a_date() -> None:
    text = _HEAD + (
        "\nClaim QB-5521907 was denied because the records we asked for were not received.\n\n"
        "Reconsideration: You have 90 days from the day you receive this letter to send your\n"
        "reconsideration request.\n"
    )
    ex = extract(text)
    assert ex.appeal_deadline is None
    assert ex.deadline_text is not None and ex.deadline_text.startswith("You have 90 days")
    d = appeal_deadline(ex)
    # the recommendation stage counts from the letter date (receipt is later: conservative)
    assert d.basis == "stated_rule_receipt" and d.date == date(2026, 7, 1)


def test_unnamed_plan_on_a_claim_document_is_taken_as_commercial() -> None:
    # a remittance from a plan that never says what kind of plan it is: most such mail
    # is commercial, and the 180-day clock applies (a decision; see docs/playbooks.md)
    text = (
        "Copperbend Community Health Plan\n"
        "Remittance Advice\n"
        "Remit date: 01/06/2026 Check number: 5521907\n"
        "Service line 1: 12/03/2025 72141 units 1\n"
        "Charge / Allowed / Paid: $1,200.00 / $0.00 / $0.00\n"
        "Adjustment: CO 50 $1,200.00\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["50"]
    assert ex.plan_type == "commercial"


def test_plan_type_commercial_when_plan_kind_named() -> None:
    text = "Copperbend Health Network\nHMO and EPO plans\nRemittance Advice\nAdjustment: CO 50 $1,200.00\n"
    assert extract(text).plan_type == "commercial"


def test_medicare_remit_logo_website_is_not_the_payer() -> None:
    # the logo block of a Medicare remit prints a website; the payer is Medicare, plan FFS
    text = (
        "PO Box 12001\n"
        "Medicare Baltimore, MD 21201\n"
        "MC\n"
        "1-800-555-0100\n"
        "medicare.example\n"
        "Remittance Advice\n"
        "Provider: Fernhill Spine Clinic Provider NPI: 1234567893\n"
        "Remit date: 08/15/2025 Check number: 1188234\n"
        "Service line 1: 05/31/2025 64633-RT units 1 dx M47.812\n"
        "Charge / Allowed / Paid: $2,100.00 / $0.00 / $0.00\n"
        "Adjustment: CO 11 $2,100.00\n"
        "Remark: N115\n"
    )
    ex = extract(text)
    assert ex.payer == "Medicare"
    assert ex.plan_type == "medicare"


def test_letter_date_label_wrapped_in_two_column_header() -> None:
    # "Date of decision:" wrapped: the date sits after "Date of", "decision:" on the next line
    text = (
        "Ironvale Casualty Mutual\n"
        "Workers' compensation claims\n"
        "UTILIZATION REVIEW DETERMINATION\n"
        "Date of 05/05/25 Injured Dana Whitlock\n"
        "decision: worker:\n"
        "Claim 24-118822 Employer: Tollgate Builders\n"
        "number:\n"
        "Date of 07/01/24 Requesting Lee Park, DO\n"
        "injury: physician:\n"
    )
    assert extract(text).letter_date == date(2025, 5, 5)


def test_ur_request_row_with_long_description_is_not_prose() -> None:
    text = (
        "UTILIZATION REVIEW DETERMINATION\n"
        "Code Requested treatment Qty Decision\n"
        "62323 Lumbar epidural steroid injection (interlaminar, with imaging) 1 NON-CERTIFIED\n"
        "Clinical rationale\n"
    )
    assert extract(text).codes.cpt == ["62323"]


def test_group_in_parentheses_after_denial_code_label() -> None:
    text = (
        "Dear Member,\n\nWe denied this claim.\n"
        "Diagnosis, treatment and denial codes\n"
        "Procedure: 72148.\n"
        "Denial code: 279 (group PR) (provider outside the preferred network).\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["279"] and ex.codes.group == ["PR"]


def test_code_with_group_in_parentheses_needs_no_reason_label() -> None:
    text = "Dear Member,\n\nWe denied this claim.\nCode: 198 (group CO); remark N54 (visits exceeded).\n"
    ex = extract(text)
    assert ex.codes.carc == ["198"] and ex.codes.group == ["CO"]
    assert ex.codes.rarc == ["N54"]


def test_reason_cell_wrapped_inside_group_parentheses() -> None:
    text = _HEAD + (
        "Ln DOS Code Mod Dx Billed Allowed Paid Reason\n"
        "1 05/12/2026 64490 LT M47.812 $1,190.25 $0.00 $0.00 284 (group\n"
        "CO) N54\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["284"] and ex.codes.group == ["CO"] and ex.codes.rarc == ["N54"]


_PIPE_HEAD = (
    "Tallbrook Benefit Company\n"
    "Electronic Remittance Advice - Detail\n"
    "Payee: Fernhill Spine Clinic NPI: 1234567893\n"
    "CLAIM | PATIENT | LN | DOS | PROC | MOD | DX | CHARGE | ALLOWED | PAID | ADJ (GRP RC AMT) | REMARKS\n"
)


def test_paid_multi_claim_remit_reports_the_first_claims_codes() -> None:
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 04/13/2026 | 72148 | | M54.41 | 2,000.00 | 1,500.00 | 1,200.00 | CO45 500.00;PR2 300.00 |\n"
        "C1000067890 | ROE, RICHARD | 1 | 04/06/2026 | 99214 | | M54.16 | 272.50 | 135.26 | 108.21 | CO45 137.24;PR2 27.05 |\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["72148"]
    assert ex.codes.icd10 == ["M54.41"]


def test_payer_legend_meaning_cut_mid_sentence_keeps_its_standard_code() -> None:
    text = (
        "Explanation of Benefits\n"
        "Date      Service       Code   Billed     Plan paid  Remark\n"
        "04/21/26  Stimulator    63650  $2,511.00  $0.00      KQ\n"
        "\n"
        "Remark codes\n"
        "\n"
        "KQ  A permanent stimulator is covered after a successful trial. (Standard code 50 (group\n"
        "CO), remark N98)\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["50"] and ex.codes.group == ["CO"] and "N98" in ex.codes.rarc


def test_ocr_service_label_with_semicolon() -> None:
    # fax OCR reads "Service:" as "Service;"
    text = "Dear Provider,\n\nWe received your appeal.\nService;   72148 on Nov 21, 2025\n"
    assert extract(text).codes.cpt == ["72148"]


def test_ocr_msn_code_in_parentheses_after_blank_line() -> None:
    text = (
        "Medicare Summary Notice\n"
        "Service provided & billing code   Service   Amount   Medicare-approved   Medicare paid   See\n"
        "Trigger point injections, three or more   $403.25   $0.00   $0.00   $0.00 A\n"
        "\n"
        "muscles (20553)\n"
    )
    assert extract(text).codes.cpt == ["20553"]


# ---- OCR repairs (fax text) ----


def test_ocr_group_reason_cell_with_hyphen_read_as_letter() -> None:
    # "CO-55" came out of the fax as "cos55"
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 01/20/2026 | 96365 | | G89.29 | 1,531.00 | 0.00 | 0.00 | cos55 1531.00 | N623\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["55"] and ex.codes.group == ["CO"]
    assert any(x.startswith("carc:55") for x in ex.low_confidence)


def test_ocr_group_reason_cell_with_doubled_c_and_g_for_8() -> None:
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 02/01/2026 | 64405 | | G89.29 | 612.50 | 0.00 | 0.00 | co2g4 612.50 | N54\n"
        "C1000012345 | DOE, JANE | 2 | 02/01/2026 | 99214 | 25 | G89.29 | 235.25 | 136.19 | 0.00 | Cco45 99.06 |\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["284"]
    assert [(a.group, a.carc) for a in ex.adjustments] == [("CO", "284"), ("CO", "45")]


def test_ocr_garbled_word_is_not_a_group_code() -> None:
    # "coss" holds no digit: nothing is read from it
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 03/02/2026 | 98941 | | M54.2 | 104.00 | 0.00 | 0.00 | coss |\n"
    )
    ex = extract(text)
    assert ex.codes.carc == [] and ex.low_confidence == []


_LEGEND = (
    "\n"
    "Code descriptions\n"
    "co   Contractual obligation\n"
    "\n"
    "16   Claim lacks information needed for processing\n"
    "\n"
    "M122   Level of subluxation missing or invalid\n"
)


def test_legend_supplies_code_of_unreadable_service_line() -> None:
    # the line's code cell is unreadable ("colé"); the legend (lower-case group, blank
    # lines between entries, as OCR gives it) names the one denial code
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 11/19/2025 | 98940 | AT | M99.03 | 99.50 | 0.00 | 0.00 | colé 99.50 |\n"
        + _LEGEND
    )
    ex = extract(text)
    assert ex.codes.carc == ["16"] and ex.codes.group == ["CO"]
    assert ex.codes.rarc == ["M122"]
    assert any(x.startswith("carc:16") for x in ex.low_confidence)


def test_legend_replaces_misread_reason_code() -> None:
    # "PR-204" read as "PRI04" -> PR-104 (a payment adjustment); the legend defines 204
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 07/02/2025 | 97811 | | M54.2 | 63.50 | 0.00 | 0.00 | PRI04 63.50 | N130\n"
        "\nCode descriptions\n"
        "PR   Patient responsibility\n"
        "204   Not covered under the patient's benefit plan\n"
        "N130   See plan benefit documents for restrictions\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["204"] and ex.codes.group == ["PR"]


def test_legend_group_entry_with_garbled_code_is_not_a_carc() -> None:
    # OCR read the group "CO" of the legend as "20"
    text = (
        "PAYMENT VOUCHER\n"
        "PATIENT   CLAIM NO   DOS   PROC   BILLED   ALLOWED   ADJ   PAID   CARC   RARC\n"
        "DOE, JANE   2025082959320   08/12/25   64405   367.75   0.00   367.75   0.00   CO50   N661\n"
        "ADJUSTMENT REASON CODES\n"
        "20 CONTRACTUAL OBLIGATION\n"
        "50 NOT MEDICALLY NECESSARY\n"
        "N661 RECORDS DO NOT SUPPORT THAT THE SERVICE WAS MEDICALLY NECESSARY\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["50"]


def test_clean_remit_with_full_legend_has_no_low_confidence() -> None:
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 11/19/2025 | 98940 | AT | M99.03 | 99.50 | 0.00 | 0.00 | CO16 99.50 | M122\n"
        + _LEGEND
    )
    ex = extract(text)
    assert ex.codes.carc == ["16"] and ex.low_confidence == []


def test_ocr_diagnosis_after_label_repaired_to_a_valid_code() -> None:
    # a stray "S" after the letter, a comma for the dot, a leading 6 for G
    for printed, code in (("MS54.16", "M54.16"), ("M47,816", "M47.816"), ("690.522", "G90.522")):
        ex = extract(f"Dear Provider,\n\nWe reviewed the request.\nDiagnosis:   {printed}\n")
        assert ex.codes.icd10 == [code], printed
        assert any(x.startswith(f"icd10:{code}") for x in ex.low_confidence)


def test_ocr_diagnosis_repair_refuses_ambiguous_or_invalid() -> None:
    # "Mg1.0" could be M81.0 or M91.0 (both billable); "ME459" is no code shape; a bare
    # amount is no code. ("Mg6.1" reads as M96.1: M86.1 has sub-codes, no claim carries it.)
    for printed in ("Mg1.0", "ME459", "125.10"):
        ex = extract(f"Dear Provider,\n\nWe reviewed the request.\nDiagnosis:   {printed}\n")
        assert ex.codes.icd10 == [], printed


def test_ocr_dx_cell_repaired_in_service_line() -> None:
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 11/19/2025 | 98940 | AT | M99,03 | 99.50 | 0.00 | 0.00 | CO16 99.50 |\n"
    )
    ex = extract(text)
    assert ex.codes.icd10 == ["M99.03"]


def test_amount_in_service_line_is_not_a_repaired_diagnosis() -> None:
    text = _PIPE_HEAD + (
        "C1000012345 | DOE, JANE | 1 | 11/19/2025 | 98940 | AT | M99.03 | 125.10 | 0.00 | 0.00 | CO16 125.10 |\n"
    )
    ex = extract(text)
    assert ex.codes.icd10 == ["M99.03"] and ex.low_confidence == []


def test_garbled_claim_number_in_pipe_row_is_not_the_procedure() -> None:
    # "£25-335~38933": OCR turned the claim number's hyphen into "~"; the PROC cell holds 98940
    text = _PIPE_HEAD + (
        "£25-335~38933 | DOE, JANE | 1 | 11/19/2025 | 98940 | AT | M99.03 | 99.50 | 0.00 | 0.00 | CO16 99.50 |\n"
    )
    assert extract(text).codes.cpt == ["98940"]


def test_repaired_reason_code_sets_needs_review() -> None:
    # a CARC read from an OCR-garbled cell decides the category and next steps: the
    # record says which code was repaired and asks a person to look
    from pipeline.datamodel import (
        Category,
        Classification,
        DocumentText,
        FileFormat,
        Page,
        PageMethod,
    )
    from pipeline.triage import Triager, analyse

    class Sure:  # a classifier that never asks for review: only the repair can
        def classify(self, text, extraction):  # type: ignore[no-untyped-def]
            return Classification(category=Category.EXPERIMENTAL_INVESTIGATIONAL,
                                  confidence=0.99, needs_review=False)

    def triage(cell: str):  # type: ignore[no-untyped-def]
        text = (
            "Remittance Advice\nRemit date: 01/06/2026\nClaim 77120034\n"
            "Ln DOS Proc Billed Allowed Paid Group/Reason\n"
            f"1 12/03/2025 72141 $1,200.00 $0.00 $0.00 {cell}\n"
        )
        doc = DocumentText(source="x.txt", sha256="0" * 64, format=FileFormat.TEXT,
                           pages=[Page(number=1, method=PageMethod.TEXT, text=text)])
        return extract(text), analyse(doc, Triager(classifier=Sure()))

    ex, result = triage("cos55")
    assert any(e.startswith("carc:55") for e in ex.low_confidence)
    assert result.low_confidence == ex.low_confidence
    assert result.needs_review is True
    clean_ex, clean = triage("CO-55")
    assert clean_ex.codes.carc == ["55"] and clean.low_confidence == []
    assert clean.needs_review is False
