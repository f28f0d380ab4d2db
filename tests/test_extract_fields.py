# ruff: noqa: E501  (service tables are printed wider than 100 columns)
"""Regression tests for field and table extraction bugs (issue 4), one per bug found.

Every snippet is invented for the test; names, IDs and addresses are fictitious.
"""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract


def test_letterhead_payer_with_city_on_the_same_line() -> None:
    # a text PDF joins the letterhead's name and the city line: "Name City, ST ZIP"
    text = (
        "PO Box 1200\n"
        "Brambleton Health Plans Santa Fe, NM 87001\n"
        "1-800-555-0101\n"
        "brambleton.example\n"
        "03/02/2026\n"
        "Notice of Claim Action\n"
    )
    assert extract(text).payer == "Brambleton Health Plans"


def test_letterhead_payer_city_one_word() -> None:
    text = "PO Box 9\nHollowmere Ridge Medicare Rx Reno, NV 89501\nhollowmererx.example\n"
    assert extract(text).payer == "Hollowmere Ridge Medicare Rx"


def test_letterhead_tagline_not_the_payer() -> None:
    text = (
        "PO Box 77\nOtterbrook Benefit Company Wichita, KS 67201\n1-877-555-0190\n"
        "Caring for families since 1950 otterbrook.example\nElectronic Remittance Advice\n"
    )
    assert extract(text).payer == "Otterbrook Benefit Company"


def test_payer_before_document_title_on_first_line() -> None:
    text = "MEDICARE PROVIDER REMITTANCE ADVICE\nDATE: 04/14/2026\n"
    assert extract(text).payer == "Medicare"


def test_medicare_summary_notice_payer_is_medicare() -> None:
    text = (
        "JANE Q. SAMPLE | Medicare Summary Notice | Nov 1, 2025\n"
        "Claims processed by: Example Medicare Services\n"
    )
    assert extract(text).payer == "Medicare"


def test_payer_on_behalf_keeps_parenthesised_part_of_name() -> None:
    text = "Utilization management on behalf of Lindenfall Health (Medicare Plans)\n"
    assert extract(text).payer == "Lindenfall Health (Medicare Plans)"


def test_pbm_letter_payer_from_administered_by() -> None:
    text = "Your prescription benefit is administered by Wicklow Rx Services for your plan.\n"
    assert extract(text).payer == "Wicklow Rx Services"


def test_provider_after_clinician_and_slash() -> None:
    text = "Requesting provider: Ana Ortiz, PT, DPT / Fernhill Physical Therapy\n"
    assert extract(text).provider == "Fernhill Physical Therapy"


def test_provider_from_payee_cell_without_colon() -> None:
    text = "VOUCHER DATE 06/18/2025    PAYEE ELMWOOD PAIN CENTER    NPI 1234567893\n"
    ex = extract(text)
    assert ex.provider == "ELMWOOD PAIN CENTER"
    assert ex.letter_date == date(2025, 6, 18)


def test_provider_letter_addressee_with_attn_line() -> None:
    text = (
        "ACME HEALTH PLAN\nPO Box 1\nMobile, AL 36601\n\n05-21-2025\n\n"
        "Quarry Lane Infusion Suites\nAttn: Billing Office\n12 Foundry Ln, Suite 4\n"
        "Oxford, MS 38655\n\nNotice of Claim Action\n"
    )
    assert extract(text).provider == "Quarry Lane Infusion Suites"


def test_provider_manual_sentence_not_a_provider() -> None:
    text = (
        "Claims without an approved authorization will be denied. Refer to the\n"
        "Provider Manual for the current list of services.\n"
        "PROVIDER MAY NOT BILL MEMBER FOR AMOUNTS UNDER GROUP CO.\n"
        "Provider News - January 2025\n"
    )
    assert extract(text).provider is None


def test_provider_value_cut_at_wrapped_label_beside_it() -> None:
    # two-column PDF: "Date of service:" wrapped, its colon on the next line
    text = (
        "Provider: Stillwater Ambulatory Surgery Date of 08/24/2025\n"
        "Center service:\nAmount billed: $2,894.00\n"
    )
    assert extract(text).provider == "Stillwater Ambulatory Surgery Center"


def test_provider_in_doctor_parenthesis_across_lines() -> None:
    text = (
        "We have denied the services that you or your doctor (Mara Quill, DO, Birchfield Spine &\n"
        "Pain Associates) requested:\n"
    )
    assert extract(text).provider == "Birchfield Spine & Pain Associates"


def test_provider_of_msn_claim_block() -> None:
    text = (
        "Your Claims for Part B (Medical Insurance)\n"
        "Cedar Hollow Chiropractic Clinic, 18 Willow Bend, Suite 2, Madison, GA. Claim number\n"
        "2025082594466. Service date Aug 20, 2025.\n"
    )
    assert extract(text).provider == "Cedar Hollow Chiropractic Clinic"


MSN = """\
JOHN Q. EXAMPLE | Medicare Summary Notice | 01/28/2025
Name: JOHN Q. EXAMPLE Medicare 7RF1D79VQ86
Number:
Total you may be billed: $0.00

Service       Service       Amount        Medicare-approved  Medicare      Maximum you   See notes
provided &    approved?     provider      amount        paid          may be
billing code                charged                     provider      billed
--------------------------------------------------------------------------------------
Trigger       No            $326.25       $0.00         $0.00         $0.00         A
point
injections,
(20553)
Office visit  Yes           $377.00       $164.85       $131.88       $32.97        B
(99204)
"""


def test_msn_wrapped_description_with_code_in_parentheses() -> None:
    ex = extract(MSN)
    assert ex.codes.cpt == ["20553"]  # the paid 99204 line is not a denied line
    assert ex.amount_billed == 326.25
    assert {a.cpt for a in ex.adjustments} == {"20553", "99204"}
    paid = [a for a in ex.adjustments if a.cpt == "99204"][0]
    assert (paid.allowed, paid.paid) == (164.85, 131.88)


def test_msn_total_you_may_be_billed_is_patient_responsibility() -> None:
    assert extract(MSN).patient_responsibility == 0.0


def test_mbi_with_label_wrapped_to_next_line() -> None:
    assert extract(MSN).member_id == "7RF1D79VQ86"


PIPES = """\
Electronic Remittance Advice - Detail
CLAIM | PATIENT | LN | DOS | PROC | MOD | DX | CHARGE | ALLOWED | PAID | ADJ (GRP RC AMT) | REMARKS
2025090192938 | QUILL, ETHAN | 1 | 08/29/2025 | 63650 | | G89.4 | 8,567.50 | 0.00 | 0.00 | CO18 8567.50 |
2025090192938 | QUILL, ETHAN | 2 | 08/29/2025 | 99204 | 25 | M54.2 | 332.00 | 240.73 | 0.00 | CO45 91.27;PR1 240.73 |
C7578623856 | MARSH, AISHA | 1 | 08/10/2025 | 20553 | | M79.7 | 438.75 | 259.27 | 0.00 | CO45 179.48 |
"""


def test_pipe_cells_mapped_by_index_not_position() -> None:
    ex = extract(PIPES)
    first = ex.adjustments[0]
    assert (first.billed, first.allowed, first.paid, first.amount) == (8567.5, 0.0, 0.0, 8567.5)
    assert first.claim_number == "2025090192938"
    assert {a.claim_number for a in ex.adjustments} == {"2025090192938", "C7578623856"}
    assert ex.claim_number == "2025090192938"
    assert ex.amount_billed == 8567.5


def test_remittance_patient_from_patient_column() -> None:
    # "LAST, FIRST" in the row of the denied claim, in the record's "First Last" form
    assert extract(PIPES).patient_name == "Ethan Quill"


VOUCHER = """\
ACME SENIOR ADVANTAGE - PAYMENT VOUCHER

VOUCHER DATE 01/06/2025    PAYEE ELMWOOD PAIN CENTER    NPI 1234567893

PATIENT       CLAIM NO      DOS       PROC   BILLED    ALLOWED  ADJ       PAID  CARC      RARC
--------------------------------------------------------------------------------------
SAMPLETON,    2024110980450  11/02/24  64624  3,236.00  0.00     3,236.00  0.00  CO55      N623
GLORIA
"""


def test_voucher_bare_adj_column_is_an_amount_and_wrapped_first_name() -> None:
    ex = extract(VOUCHER)
    a = ex.adjustments[0]
    assert (a.billed, a.allowed, a.paid) == (3236.0, 0.0, 0.0)
    assert (a.group, a.carc, a.rarc, a.denied) == ("CO", "55", ["N623"], True)
    assert ex.patient_name == "Gloria Sampleton"
    assert ex.claim_number == "2024110980450"
    assert ex.letter_date == date(2025, 1, 6)


def test_voucher_claim_column_with_collapsed_spacing() -> None:
    text = (
        "PATIENT CLAIM NO DOS PROC BILLED ALLOWED ADJ PAID CARC RARC\n"
        "SAMPLE, GRACE C4703695910 02/07/26 20553 342.00 0.00 342.00 0.00 CO109 N418\n"
    )
    ex = extract(text)
    assert ex.claim_number == "C4703695910"
    assert ex.amount_billed == 342.0


def test_block_member_id_of_denied_claim() -> None:
    text = (
        "PERF PROV   SERV-DATE  POS NOS PROC  MODS   BILLED   ALLOWED  DEDUCT   COINS  GRP/RC-AMT   PROV PD\n"
        "NAME GREEN, RAJ        MID 28286974V      ACNT 50180  ICN E26-080-63787\n"
        "1881549947  031226     11   1  64490 RT       1161.00   0.00   0.00   0.00  OA-22  1161.00  0.00\n"
        "NAME PENN, GRACE       MID 54893044A      ACNT 38026  ICN E26-080-91007\n"
        "1881549947  022426     11   1  G0480          315.50 237.95 150.00 40.00  CO-45  77.55  47.95\n"
    )
    ex = extract(text)
    assert ex.member_id == "28286974V"
    assert ex.patient_name == "Raj Green"
    assert ex.claim_number == "E26-080-63787"


def test_peer_to_peer_window_is_not_an_appeal_deadline() -> None:
    text = (
        "Date of notice: 06/29/2025\n\n"
        "Your doctor may ask for a peer-to-peer conversation with the reviewer within 14 days "
        "of this notice. A peer-to-peer conversation is not an appeal.\n"
    )
    assert extract(text).appeal_deadline is None


def test_service_date_not_from_already_paid_sentence() -> None:
    text = (
        "Date of service: 11/20/2024\n\nA  We already paid for this service on Dec 6, 2024.\n"
        "We asked for the medical records for this service on Dec 4, 2024.\n"
    )
    assert extract(text).service_dates == [date(2024, 11, 20)]


def test_service_date_wrapped_after_you_received_on() -> None:
    text = "We denied payment for the device (code 63685) you received on Dec 5,\n2024.\n"
    assert extract(text).service_dates == [date(2024, 12, 5)]


def test_service_date_labels_of_pharmacy_and_planned_service() -> None:
    assert extract("Date submitted at pharmacy: 07/13/2025\n").service_dates == [date(2025, 7, 13)]
    assert extract("  Injection, code 20553, planned for 06-Feb-26\n").service_dates == [
        date(2026, 2, 6)
    ]
    assert extract("Valid: 05-05-2026 through 11-01-2026\n").service_dates == [date(2026, 5, 5)]


def test_eob_service_date_cell_wrapped_over_two_lines() -> None:
    text = (
        "Date          Service       Code   Billed     Allowed    Deductible  Copay/Coins  Plan paid\n"
        "August 10,    Office        99214  $263.00    $141.24    $141.24     $0.00        $0.00\n"
        "2025          visit\n\n"
        "Total you may owe the provider: $141.24\n"
    )
    ex = extract(text)
    assert ex.adjustments[0].service_date == date(2025, 8, 10)
    assert ex.patient_responsibility == 141.24
    assert ex.amount_billed == 263.0  # nothing denied: the claim's charges


def test_amount_label_column_with_blanks_before_value() -> None:
    assert extract("Amount charged      $1,823.00\n").amount_billed == 1823.0


def test_ocr_lowercase_group_code() -> None:
    text = (
        "PERF PROV   SERV-DATE   POS NOS PROC MODS   BILLED   ALLOWED   DEDUCT   COINS  GRP/RC-AMT  PROV PD\n"
        "1659539260   081425   11   1 64490 50   1073.25   0.00   0.00   0.00   cO-197   1073.25  0.00\n"
    )
    ex = extract(text)
    assert ex.codes.group == ["CO"] and ex.codes.carc == ["197"]


def test_company_word_not_a_group_code() -> None:
    assert extract("Pay the co 2 forms by Friday.\n").codes.group == []
