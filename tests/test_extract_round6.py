# ruff: noqa: E501  (remittance tables are printed wider than 100 columns)
"""Round 6 regressions: more layouts and phrasings of real mail the generator never makes.

Web exports with snake_case keys and pipe-separated records, state Medicaid remittances
with claim lines over their service lines, printed 835s with dot leaders and wrapped
amounts, EOBs printed with their service lines as columns, pasted e-mail threads, terse
notices, a practice's statement to its patient, portal printouts. Every snippet here was
written for these tests (no corpus or evaluation document is pasted); names and
identifiers are invented.
"""

from __future__ import annotations

from datetime import date

from pipeline.datamodel import DocumentType
from pipeline.extract import extract
from pipeline.normalize import find_money, parse_money
from pipeline.tables import detect_claim_columns, detect_header, parse_tables

# --- web exports -----------------------------------------------------------------------------

KEY_VALUE_EXPORT = """TESTFORD HEALTH PLAN - REMITTANCE DETAIL (web export)

remit_date: 2026-04-02
payer: Testford Health Plan
payee: Quillon Test Spine Center

[claim 1]
claim_id: QT0402-1101
patient: DOE, JANEY
member_id: QTM55501234
claim_status: DENIED
  [line 1]
  service_date: 2026-03-20
  procedure: 64490
  units: 1
  billed: 900.00
  allowed: 0.00
  paid: 0.00
  adjustment: CO 119 900.00

[claim 2]
claim_id: QT0402-1188
patient: ROE, MARCO
member_id: QTM55509876
claim_status: PAID
  [line 1]
  service_date: 2026-03-23
  procedure: 99213
  units: 1
  billed: 150.00
  allowed: 90.00
  paid: 70.00
  adjustment: CO 45 60.00
  adjustment: PR 3 20.00
"""


def test_snake_case_keys_read_as_labels() -> None:
    ex = extract(KEY_VALUE_EXPORT)
    assert ex.claim_number == "QT0402-1101"
    assert ex.member_id == "QTM55501234"
    assert ex.letter_date == date(2026, 4, 2)


def test_bracketed_line_heading_and_lowercase_keys_keep_one_service_line() -> None:
    first = [a for a in extract(KEY_VALUE_EXPORT).adjustments if a.claim_number == "QT0402-1101"]
    assert len(first) == 1
    assert (first[0].cpt, first[0].group, first[0].carc) == ("64490", "CO", "119")
    assert first[0].billed == 900.0


def test_labelled_code_of_another_claims_service_line_is_not_the_documents() -> None:
    ex = extract(KEY_VALUE_EXPORT)
    assert ex.codes.cpt == ["64490"]
    assert ex.service_dates == [date(2026, 3, 20)]


PIPE_EXPORT = """QUENTARA HEALTH PLANS|ELECTRONIC REMITTANCE EXPORT|RUN DATE 04/11/2026|PAGE 1
PAYEE|MORROW TEST COUNSELING GROUP|NPI 1234567893|TIN XX-XXX0000

REC|CLAIM_NO|PATIENT|MEMBER_ID|DX|DOS|CPT|UNITS|BILLED|ALLOWED|PAID|GRP|RSN|ADJ_AMT|RARC
SVC|QH2604110001|LAKE, ODETTE|QHP10000001-02|F41.1|03/02/2026|90834|1|160.00|0.00|0.00|PR|32|160.00|N129
"""


def test_snake_case_column_names_of_a_pipe_export() -> None:
    cols = detect_claim_columns(PIPE_EXPORT.split("\n")[3])
    assert cols is not None and "claim" in cols.names and "member" in cols.names
    ex = extract(PIPE_EXPORT)
    assert ex.claim_number == "QH2604110001"
    assert ex.member_id == "QHP10000001-02"


def test_pipe_separated_letterhead_and_payee_cells() -> None:
    ex = extract(PIPE_EXPORT)
    assert ex.payer == "Quentara Health Plans"
    assert ex.provider is not None and ex.provider.lower() == "morrow test counseling group"


# --- state Medicaid remittances ------------------------------------------------------------

MEDICAID_RA = """OSTERLAND DEPARTMENT OF HEALTH CARE SERVICES        OSTERLAND MEDICAID - FEE FOR SERVICE
MEDICAL ASSISTANCE REMITTANCE ADVICE                              RUN DATE 03/13/2026

ICN            RECIPIENT NAME         RECIP ID     FROM     TO
  LN PROC  MOD UNITS   BILLED   ALLOWED      PAID  GRP RSN RMK
2026070000111  TESTER, NOLA           90001112223  02/08/26 02/08/26
  01 A0428 RJ     1    500.00      0.00      0.00  CO  197
"""


def test_claim_line_recipient_id_and_from_date_under_claim_columns() -> None:
    ex = extract(MEDICAID_RA)
    assert ex.claim_number == "2026070000111"
    assert ex.member_id == "90001112223"
    assert ex.patient_name == "Nola Tester"
    assert ex.service_dates == [date(2026, 2, 8)]


def test_program_name_preferred_to_state_agency_in_letterhead() -> None:
    assert extract(MEDICAID_RA).payer == "Osterland Medicaid"


def test_era_inside_a_word_is_not_a_title() -> None:
    text = "MONTERA STATE MEDICAID  /  DIVISION OF MEDICAL ASSISTANCE\nPROVIDER NOTICE\n"
    assert extract(text).payer == "Montera State Medicaid"


def test_recipient_label_and_the_id_on_the_patients_line() -> None:
    text = """TEST STATE MEDICAID
Provider         HOLLOW TEST ANESTHESIA
Medicaid ID      5550001    NPI 1234567893

  ICN .................. 6120000000458
  Recipient ............ PARSONS, ELOISE     ID TD60000001
"""
    ex = extract(text)
    assert ex.patient_name == "Eloise Parsons"
    assert ex.member_id == "TD60000001"


# --- printed 835 -----------------------------------------------------------------------------

PRINTED_835 = """TESTVALE MEDICARE ADVANTAGE (HMO)
PROVIDER REMITTANCE ADVICE - PRINTED FROM ELECTRONIC REMITTANCE (835)

Remittance date ..... 03/13/2026
Payee ............... Ardent Test Pain Center

CLAIM 1 OF 2
Payer claim no .. TV26000000001        Patient acct ... AT-1
Patient ......... ARCHER, LENA         Member ID ...... TVM5500000001
Filing indicator  16  HMO MEDICARE RISK          Diagnosis ...... M47.812
Rendering ....... Iris Tester, MD

  SVC  HC:64490     DOS 02/27/2026   UNITS 1   CHARGE    980.00   PAID   273.03
       ALLOWED  318.60
       ADJ  CO  45   661.40
       ADJ  PR   3    40.00

CLAIM 2 OF 2
Payer claim no .. TV26000000017        Patient acct ... AT-2
Patient ......... BELL, OSKAR          Member ID ...... TVM5500000002
Filing indicator  16  HMO MEDICARE RISK          Diagnosis ...... M54.2
Rendering ....... Iris Tester, MD

  SVC  HC:99214     DOS 03/03/2026   UNITS 1   CHARGE    245.00   PAID   106.23
       ALLOWED  128.40
       ADJ  CO  45   116.60
"""


def test_short_and_second_column_dot_leaders() -> None:
    ex = extract(PRINTED_835)
    assert ex.claim_number == "TV26000000001"
    assert ex.member_id == "TVM5500000001"


def test_amount_line_between_a_service_line_and_its_adjustments() -> None:
    res = parse_tables(PRINTED_835.split("\n"))
    first = next(r for r in res.rows if r.proc == "64490")
    assert ("CO", "45", 661.40) in first.adjs
    assert first.amounts.get("allowed") == 318.60


def test_paid_remit_has_no_payment_adjustment_codes_and_is_about_its_first_claim() -> None:
    ex = extract(PRINTED_835)
    assert ex.codes.carc == []
    assert ex.codes.cpt == ["64490"]
    assert ex.codes.icd10 == ["M47.812"]
    assert ex.service_dates == [date(2026, 2, 27)]
    assert ex.amount_billed == 980.0


# --- an EOB printed with its service lines as columns --------------------------------------

COLUMN_EOB = """BRACKENRIDGE TEST HEALTH PLAN
Explanation of Benefits                               THIS IS NOT A BILL

Issued: March 22, 2026
Member: Ada Testwell                   Identification no.: ZZA000011122

Claim no. BT26-0000-00111      Patient: Ada Testwell
Emergency ground ambulance transport on 03/03/2026

                                  A0427 ALS       A0425 mileage     Claim
                                  emergency       (10 miles)        total
Amount billed                     $1,500.00         $200.00      $1,700.00
Plan paid                           $900.00         $100.00      $1,000.00
Your share                          $600.00         $100.00        $700.00

Appeal deadline for this claim: 09/18/2026.
"""


def test_column_heads_leading_with_codes() -> None:
    assert extract(COLUMN_EOB).codes.hcpcs == ["A0427", "A0425"]


def test_total_column_of_a_labelled_row() -> None:
    ex = extract(COLUMN_EOB)
    assert ex.amount_billed == 1700.0
    assert ex.patient_responsibility == 700.0


def test_issued_identification_no_transport_on_and_deadline_for_this_claim() -> None:
    ex = extract(COLUMN_EOB)
    assert ex.letter_date == date(2026, 3, 22)
    assert ex.member_id == "ZZA000011122"
    assert ex.service_dates == [date(2026, 3, 3)]
    assert ex.appeal_deadline == date(2026, 9, 18)


# --- e-mail threads ----------------------------------------------------------------------------

EMAIL = """From: Claims Support <claims@brindlefordplanadmin.example>
Sent: Tuesday, March 10, 2026 9:12 AM
To: billing@quarrytestpain.example
Subject: RE: Claim BR26-0300-1111

Hello,

I looked at claim BR26-0300-1111 for Tamsin Oldacre (member ID
BPA-0000-1111-01). It was closed on 3/8/2026 with no payment, code OA-18.

It duplicates a claim already paid for the same procedure (20552, billed
$250.00).

Thanks,
Ivo Pell
Claims Examiner, Brindleford Plan Administrators

-----Original Message-----
From: Dana Test <billing@quarrytestpain.example>
Hi, can you tell us why this claim for Quarry Test Pain Associates did not pay?
"""


def test_email_sent_date_and_patient_before_member_id() -> None:
    ex = extract(EMAIL)
    assert ex.letter_date == date(2026, 3, 10)
    assert ex.patient_name == "Tamsin Oldacre"


def test_email_parties_from_their_mail_domains() -> None:
    ex = extract(EMAIL)
    assert ex.payer == "Brindleford Plan Administrators"
    assert ex.provider == "Quarry Test Pain Associates"


def test_closed_with_no_payment_is_a_denial() -> None:
    assert extract(EMAIL).document_type == DocumentType.DENIAL_LETTER


def test_code_in_parentheses_with_its_charge_and_an_amount_closing_a_parenthesis() -> None:
    ex = extract(EMAIL)
    assert ex.codes.cpt == ["20552"]
    assert ex.amount_billed == 250.0
    assert parse_money("$250.00)") == 250.0
    assert [v for _a, _b, v in find_money("(20552, billed $250.00)")] == [250.0]


def test_email_header_date_with_weekday_and_received_claim_notice_is_other() -> None:
    text = """From: Hollins Test Health <no-reply@notify.hollinstesthealth.example>
Date: Wed, 4 Mar 2026 06:15:22 -0500
To: member@mailbox.example
Subject: We received a claim for you

We got a new claim and we're working on it. Nothing is needed from you.

  Claim number:   HT-260304-00001
  Status:         Received - in process

When it's done, your Explanation of Benefits will be in the member app.
Hollins Test Health
"""
    ex = extract(text)
    assert ex.letter_date == date(2026, 3, 4)
    assert ex.payer == "Hollins Test Health"
    assert ex.document_type == DocumentType.OTHER


# --- document types ----------------------------------------------------------------------------


def test_an_eob_mentioned_as_another_paper_does_not_make_an_eob() -> None:
    text = """GLENDOWER TEST HEALTH
Notice of privacy practices

We use your information to pay claims and to send you an Explanation of Benefits.
You may ask for a copy of your records.
"""
    assert extract(text).document_type == DocumentType.OTHER


def test_not_eligible_for_reimbursement_is_adverse() -> None:
    text = """PENWICK TEST HEALTH INSURANCE COMPANY
Payment Policy Review

Re: Reimbursement determination
    Member:   Ola Testing        Member ID: PTH700000001
    Claim:    PT-26-0000001

    81225   CYP2C19 gene analysis     $420.00
    81226   CYP2D6 gene analysis      $560.00

Dear Laboratory Director:

These services are not eligible for reimbursement under our policy.
"""
    assert extract(text).document_type == DocumentType.DENIAL_LETTER


STATEMENT = """Harrowgate Test Physical Therapy
12 Quay Lane, Suite C, Elmfield, ME 04000
Billing office 207-555-0100

STATEMENT OF ACCOUNT

Statement date:   03/10/2026               Account:  HT-10000
Patient:          Mina Testcase            Due date: 04/09/2026
Insurance:        Oriole Test Insurance Co.  ID OTX40000001

Date        Code   Description                           Charge    Credit
02/03/2026  97110  Therapeutic exercise, 2 units         150.00
03/02/2026         Oriole Test Insurance Co. payment               120.00

                                     PLEASE PAY THIS AMOUNT:    $30.00
"""


def test_practice_statement_is_other_with_insurer_and_practice_read() -> None:
    ex = extract(STATEMENT)
    assert ex.document_type == DocumentType.OTHER
    assert ex.payer == "Oriole Test Insurance Co."
    assert ex.member_id == "OTX40000001"
    assert ex.provider == "Harrowgate Test Physical Therapy"
    assert ex.patient_responsibility == 30.0


# --- terse notices and portal printouts ------------------------------------------------------


def test_terse_notice_date_name_id_requested_by_and_appeal_by() -> None:
    text = """FALLOWTEST HEALTH INSURANCE COMPANY   -   NOTICE OF COVERAGE DECISION

03/19/2026   Petra Testerman, ID FTH-0000-11111, Request PR-26-000001
Requested by Greywell Test Surgery: laparoscopic sleeve gastrectomy (CPT 43775).

Decision: NOT APPROVED. Your plan does not include benefits for this surgery.

Appeal by: September 15, 2026. Write to Fallowtest Appeals.
"""
    ex = extract(text)
    assert ex.letter_date == date(2026, 3, 19)
    assert ex.member_id == "FTH-0000-11111"
    assert ex.patient_name == "Petra Testerman"
    assert ex.provider == "Greywell Test Surgery"
    assert ex.appeal_deadline == date(2026, 9, 15)


def test_portal_print_stamp_processed_and_prepared_dates() -> None:
    assert extract(
        "myTestplan  >  Claims  >  Claim details                 Printed 02/24/2026\n\n"
        "Claim TP-000001\n"
    ).letter_date == date(2026, 2, 24)
    assert extract(
        "Test BlueCare | Provider Connect\n\nClaim Number          TB000001\n"
        "Received              01/21/2026\nProcessed             02/04/2026\n"
    ).letter_date == date(2026, 2, 4)
    assert extract(
        "TEST HEALTH PLAN\nMara Testwood                 Date prepared: 02/03/2026\n"
    ).letter_date == date(2026, 2, 3)


def test_voucher_date_cell_without_colon() -> None:
    text = """TEST MUTUAL INSURANCE COMPANY                       EXPLANATION OF PAYMENT
PO BOX 1000  TESTVILLE, WV 26000                     PROVIDER COPY
                                                     DATE      02/24/2026
PAY TO: TEST FALLS PAIN CLINIC                       CHECK NO  000000001

CLAIM NO: TM26-0219-00001            RECEIVED: 02/19/2026
"""
    assert extract(text).letter_date == date(2026, 2, 24)


def test_identifier_in_parentheses_and_pdp_suffix_cut_from_names() -> None:
    ex = extract("Payer: TESTWOOD HEALTH INSURANCE COMPANY (payer id 50000)\n")
    assert ex.payer == "Testwood Health Insurance Company"
    ex = extract("Larkmoor Test Medicare Rx (PDP)\nPart D Explanation of Benefits\n")
    assert ex.payer == "Larkmoor Test Medicare Rx"


def test_addressee_with_a_right_hand_column_and_portal_member_line() -> None:
    text = """Testmere Medicare Rx
Date of this notice: March 6, 2026
Odile Testcase                               Member number: LWP00000001
3 Coachlamp Terrace
Brierfield, SC 29000
"""
    assert extract(text).patient_name == "Odile Testcase"
    text = "TEST HEALTH - MEMBER CLAIM DETAILS\n\n" \
           "Fabian Testmann  |  Member ID GWH00000001  |  Plan: Test Flex PPO\n"
    assert extract(text).patient_name == "Fabian Testmann"


# --- EOB columns and labels ---------------------------------------------------------------------

TPA_EOB = """CORVALE TEST ADMINISTRATORS
EXPLANATION OF BENEFITS                              Date: 03/04/2026

Employee:   Torben Testing                    Employee ID:  CTA-000001
Patient:    Hedda Testing (daughter)          Member ID:    CTA-000001-03
Claim:      CT2600000001                      Provider:     Testmere Urgent Care

Service date  Description                       Charge   Allowed   Plan paid   Code
01/24/2026    New patient visit (99204)        $310.00     $0.00       $0.00    227
              Claim totals                     $310.00     $0.00       $0.00

Amount you may owe the provider: $310.00
"""


def test_bare_code_column_after_the_amounts_holds_reason_codes() -> None:
    h = detect_header(TPA_EOB.split("\n")[7])
    assert h is not None and h.has("reason")
    ex = extract(TPA_EOB)
    assert ex.codes.carc == ["227"]
    assert ex.codes.cpt == ["99204"]


def test_patient_label_before_employee_and_amount_owed_the_provider() -> None:
    ex = extract(TPA_EOB)
    assert ex.patient_name == "Hedda Testing"
    assert ex.patient_responsibility == 310.0


# --- bill reviews, member letters and their providers ---------------------------------------

EOR = """                         EXPLANATION OF REVIEW
        Testbridge Bill Review Services, on behalf of the carrier
                  TESTRIDGE INSURANCE COMPANY

EOR DATE: 03/02/2026                       BILL ID: TB-26-0001
CARRIER CLAIM NO: TRW-24-0000001           DATE OF INJURY: 04/22/2025
HEALTH CARE PROVIDER: TESTGATE OCCUPATIONAL HEALTH   NPI 1234567893

LN DOS       CPT   MOD UNITS  CHARGE  ALLOWED   PAID  ANSI  RSN    ADJUSTMENT
01 06/03/25  97110 GP    3    210.00     0.00   0.00   18   DP01       210.00

RECONSIDERATION: send a written request with any proof of earlier submission (a
report dated within 95 days of the service) within 90 days of the date of this EOR.
"""


def test_explanation_of_review_is_a_remittance_with_an_ansi_code_column() -> None:
    ex = extract(EOR)
    assert ex.document_type == DocumentType.REMITTANCE
    assert ex.codes.carc == ["18"]


def test_window_counted_from_the_eor_among_several_windows() -> None:
    assert extract(EOR).appeal_deadline == date(2026, 5, 31)


def test_pay_to_label_and_claimant_coinsurance() -> None:
    text = """TESTMOOR INSURANCE COMPANY                 EXPLANATION OF PAYMENT
PAY TO: TESTFALLS PAIN CLINIC                       CHECK NO  000000002
Claimant coinsurance (20%):           36.56
"""
    ex = extract(text)
    assert ex.provider is not None and ex.provider.lower() == "testfalls pain clinic"
    assert ex.patient_responsibility == 36.56


def test_item_label_code_and_ordering_physician_behind_the_addressed_supplier() -> None:
    text = """TESTWOOD MEDICAID HEALTH PLAN
Provider Claims Resolution

02/20/2026

Gildmore Test Medical Supply
Attn: Billing Department
2040 Kiln Yard Road
Testwick, GA 31000

Member ID:            TWM0000001
Claim number:         TW-2602-000001
Item:                 L0637 lumbar-sacral orthosis, prefabricated
Ordering physician:   Pia Testwell, MD
"""
    ex = extract(text)
    assert ex.codes.hcpcs == ["L0637"]
    assert ex.provider == "Gildmore Test Medical Supply"


def test_member_letter_codes_before_descriptions_and_claim_from_a_practice() -> None:
    text = """TEST VALLEY HEALTH PLAN
Member ID: TVH000001

We received a claim from Glasstest Physical Therapy for physical therapy you
had in January:

  01/14/2026    97110 exercise, 97140 manual therapy    $157.00
"""
    ex = extract(text)
    assert ex.codes.cpt == ["97110", "97140"]
    assert ex.provider == "Glasstest Physical Therapy"


def test_window_to_keep_services_during_an_appeal_is_not_the_deadline() -> None:
    text = """TEST HEALTH PARTNERS
March 9, 2026
Member ID: GHM00000001

About your stay at Lantern Test Recovery Center

Your right to appeal
You must ask for an appeal within 60 days from the date on this notice.

Keeping your services during the appeal: if you want your stay to continue while we
decide your appeal, you must ask within 10 days of the date of this notice, or before
March 10, 2026, whichever is later.
"""
    ex = extract(text)
    assert ex.appeal_deadline == date(2026, 5, 8)
    assert ex.provider == "Lantern Test Recovery Center"


def test_treating_provider_is_named_in_a_sentence() -> None:
    text = """TEST MUTUAL CASUALTY
Claim number: WC-26-000001
- Your treating provider is Westtest Occupational Health, 480 Slate Gate Road.
"""
    assert extract(text).provider == "Westtest Occupational Health"


# --- letters about a decision that is not a denial, and MAC remittances ----------------------


def test_services_billed_label() -> None:
    text = """TESTWETHER HEALTH INSURANCE COMPANY
March 13, 2026

REQUEST FOR MEDICAL RECORDS - CLAIM ON HOLD

Member ID:        MWT00000001
Claim number:     MT2600000001
Services billed:  63650 x 2 (spinal cord stimulator trial)
"""
    assert extract(text).codes.cpt == ["63650"]


def test_reversed_decision_drops_the_earlier_denials_codes() -> None:
    text = """TESTWELL MEDICARE ADVANTAGE (PPO)
Provider Reconsiderations
February 26, 2026

Kingstest Pain Specialists
Attn: Denials and Appeals
900 Paloverde Terrace, Suite 3

RE: Reconsideration decision - FULLY FAVORABLE
Claim number:          RW-25-0000001
Services:              64635-RT, 64636-RT (lumbar facet ablation)
Amount in question:    $2,960.00

On 12/02/2025 we denied payment with adjustment code CO-50 and remark code N115.
We are reversing our original decision in full.

Provider Reconsiderations Unit
"""
    ex = extract(text)
    assert ex.codes.carc == [] and ex.codes.rarc == []
    assert ex.codes.cpt == ["64635", "64636"]
    assert ex.amount_billed == 2960.0
    assert ex.provider == "Kingstest Pain Specialists"


MAC_REMIT = """TESTLANE MEDICARE SOLUTIONS, LLC                               MEDICARE
JURISDICTION T - PART B                                          REMITTANCE
P.O. BOX 10000                                                   NOTICE

GANTRY TEST ORTHOPEDIC & PAIN                                    PROVIDER #: 1234567893
ATTN: BILLING OFFICE                                             PAGE #: 1 OF 1
215 FOUNDERS WALK                                                DATE: 02/06/2026

PERF PROV   SERV DATE    POS NOS PROC  MODS     BILLED   ALLOWED  DEDUCT   COINS  GRP/RC-AMT       PROV PD
NAME TESTER, OBED           MID 6HR3VK7MW42  ACNT GH-1          ICN 2226000000001  ASG Y  MOA MA130
1234567893  0122 012226  11  1   64454 RT      620.00      0.00    0.00    0.00  CO-16   620.00      0.00
   REM: N769
PT RESP        0.00         CLAIM TOTALS      620.00      0.00    0.00    0.00          620.00      0.00
NAME TESTER, WILMA          MID 2QF7N84TC31  ACNT GH-2          ICN 2226000000002  ASG Y  MOA MA01
1234567893  0127 012726  11  1   99213 25      190.00     98.42    0.00   19.68  CO-45     91.58     77.17
PT RESP       19.68         CLAIM TOTALS      190.00     98.42    0.00   19.68           91.58     77.17

GLOSSARY: GROUP, REASON, MOA AND REMARK CODES
CO     Contractual obligation.
16     The claim or service is missing information or has a billing error.
45     Charge is above the fee schedule or maximum allowable amount.
MA01   If you do not agree with this determination, you may appeal.
MA130  The claim has missing or invalid information and cannot be processed.
N769   A lateral diagnosis is required for this service.
"""


def test_mac_jurisdiction_heading_means_medicare_and_attn_names_the_practice() -> None:
    ex = extract(MAC_REMIT)
    assert ex.payer == "Medicare"
    assert ex.provider is not None and ex.provider.lower() == "gantry test orthopedic & pain"


def test_legend_remark_printed_on_another_claims_header_line_is_that_claims() -> None:
    ex = extract(MAC_REMIT)
    assert "MA01" not in ex.codes.rarc
    assert set(ex.codes.rarc) == {"MA130", "N769"}


# --- bulletins, prose codes, replacement claims ---------------------------------------------


def test_bulletin_about_no_claim_lists_no_adjustment_codes() -> None:
    text = """TESTMERE HEALTH PARTNERS
Network Notes - Provider Bulletin PB-2026-01
February 25, 2026

Corrected claims must be received within 90 days of the date on the original
remittance. Corrected claims received after that window are returned with
adjustment code CO-29.
"""
    ex = extract(text)
    assert ex.codes.carc == [] and ex.codes.group == []


def test_zip_code_under_a_state_is_not_a_procedure_code() -> None:
    text = """TEST HEALTH
Claim number:     KT-26-01-000001
Member ID:        KT0000001
We are writing about your claim (office visit 99213 and trigger point injections 20552,
diagnosis M62.830). Write to Appeals, PO Box 1000, Corbridge, KS
66999, or call us.
"""
    ex = extract(text)
    assert ex.codes.cpt == ["99213", "20552"]


def test_claim_number_with_a_parenthesised_label_and_a_ccn_beside_a_name() -> None:
    text = """TEST FEDERAL CLAIMS SERVICES, LLC
Provider:                    Linthtest Memorial Hospital (CCN 28-0000)
Claim number (DCN):          2125000000001
Revenue code / HCPCS:        0360 / 62321 (cervical epidural injection)
"""
    ex = extract(text)
    assert ex.claim_number == "2125000000001"
    assert ex.provider == "Linthtest Memorial Hospital"
    assert ex.codes.cpt == ["62321"]


REPLACEMENT = """Bellwood Test Health Plan
Medicaid Managed Care - Provider Claims

February 27, 2026

Greystone Test Medical Center
Patient Financial Services
12 Infirmary Hill
Port Testby, LA 70000

CLAIM ADJUSTMENT NOTICE - REPLACEMENT CLAIM PROCESSED

Member:                 Connie Testhart
Member ID:              BFT00000001
Original claim:         BT-26-0115-00001 (paid 01/30/2026)
Replacement claim:      BT-26-0212-00002 (received 02/12/2026, frequency 7)

                          ORIGINAL CLAIM            REPLACEMENT CLAIM
                          BT-26-0115-00001          BT-26-0212-00002
Procedure line 1          62322   billed 2,850.00   62323   billed 3,340.00
Drug line 2               J1100   billed    60.00   J1100   billed    60.00
                                  CO-16 / M119
Total billed                             2,910.00                  3,400.00

On the original claim the drug line was not paid (CO-16, remark M119). The drug
line has now been paid.

Member cost share for this service: $0.00.

No action is needed. If you disagree with how the replacement claim was paid, you
may request a payment dispute.
"""


def test_original_claims_column_of_a_comparison_is_not_read() -> None:
    ex = extract(REPLACEMENT)
    assert ex.codes.cpt == ["62323"] and ex.codes.hcpcs == ["J1100"]
    assert ex.amount_billed == 3400.0


def test_codes_of_the_original_claim_and_a_payment_notice_is_other() -> None:
    ex = extract(REPLACEMENT)
    assert ex.codes.carc == [] and ex.codes.rarc == []
    assert ex.document_type == DocumentType.OTHER


def test_addressee_over_a_department_line_and_member_cost_share() -> None:
    ex = extract(REPLACEMENT)
    assert ex.provider == "Greystone Test Medical Center"
    assert ex.patient_responsibility == 0.0


# --- UM vendors, PBM faxes, wrapped column heads -----------------------------------------------

UM_VENDOR = """Northtest Specialty Review Partners
Delegated utilization management for Saxtest Health Plan
500 Beacon Mill Road, Suite 12, Harwick, NC 27000

March 5, 2026

Kittest Neuromodulation Center
Attn: Surgical Scheduling / Authorizations
1320 Pondview Parkway
Harwick, NC 27001

PRIOR AUTHORIZATION DETERMINATION

Determination:          CERTIFIED (approved as requested)
Member ID:              SXT00000001
Ordering physician:     Delia Testhout, MD
Facility:               Pondtest Surgery Center (in network)
Approved period:        03/16/2026 through 06/13/2026

Services approved
  63650   Percutaneous implantation of neurostimulator electrode array
  L8680   Implantable neurostimulator electrode, each          16 units
"""


def test_delegated_um_vendor_writes_for_the_plan() -> None:
    assert extract(UM_VENDOR).payer == "Saxtest Health Plan"


def test_service_list_with_capitalised_descriptions_and_approved_period_start() -> None:
    ex = extract(UM_VENDOR)
    assert ex.codes.cpt == ["63650"] and ex.codes.hcpcs == ["L8680"]
    assert ex.service_dates == [date(2026, 3, 16)]


def test_ordering_physician_yields_to_the_addressed_practice() -> None:
    assert extract(UM_VENDOR).provider == "Kittest Neuromodulation Center"


def test_letterhead_in_spaced_capitals() -> None:
    text = """03/17/2026 09:42  FROM: TESTREL RX CLINICAL   1-855-555-0100     P.001/002

        T E S T R E L   P H A R M A C Y   S E R V I C E S
        Pharmacy benefit manager for the Testleigh Works Employee Health Plan

        COVERAGE REVIEW RESULT - PRESCRIBER NOTIFICATION
"""
    assert extract(text).payer == "Testrel Pharmacy Services"


def test_may_owe_column_head_wrapped_under_what_you() -> None:
    text = """TEST SELECT HEALTH
Explanation of Benefits
Claim number: TS-000001

                                    Amount      Plan       Your plan   What you
Date of service  Service            billed      discount   paid        may owe    Note
01/30/2026       Drug screen (80307)  $265.00   $0.00      $0.00       $265.00    K7
01/30/2026       Drug test (G0483)  $1,480.00   $0.00      $0.00       $1,480.00  K7
Total                               $1,745.00   $0.00      $0.00       $1,745.00
"""
    assert extract(text).patient_responsibility == 1745.0


def test_insurer_named_as_the_members_other_coverage_is_not_the_payer() -> None:
    text = """Bellwick Test Family Health Plan
Medicaid Managed Care

Do you have other health insurance?

Dear Rosa Testing,

We got information that you may also have health insurance through an employer:

   Employer:          Thimble Test Logistics
   Insurance company: Crestwood Test Health
"""
    assert extract(text).payer == "Bellwick Test Family Health Plan"


def test_pharmacy_that_filled_the_prescriptions_is_the_provider() -> None:
    text = """Larktest Medicare Rx (PDP)
Part D Explanation of Benefits

All prescriptions were filled at Gable Test Pharmacy (network pharmacy).
Prescriber: Caspar Testwold, MD
"""
    assert extract(text).provider == "Gable Test Pharmacy"


def test_member_claim_details_page_is_an_eob() -> None:
    text = """myTest  >  Claims  >  Claim details                         Printed 02/24/2026

TESTWAY HEALTH INSURANCE - MEMBER CLAIM DETAILS

Claim GW-260219-00001                              Status: Processed 02/24/2026
This visit is over the limit and was not covered.
"""
    assert extract(text).document_type == DocumentType.EOB
