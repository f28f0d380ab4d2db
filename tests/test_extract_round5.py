"""Round 5 regressions: layouts the synthetic generator never produces.

Payer remark-code legends under a plain-language heading, column headers wrapped over
two lines, procedure codes in prose, paid claims' diagnoses on a remittance, claim
columns of pipe-delimited and fixed-width remittances, dot-leader fields, letterhead and
provider conventions, and amounts in sentences. Every snippet here was written for these
tests (no corpus or evaluation document is pasted); names and identifiers are invented.
"""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract
from pipeline.normalize import find_money
from pipeline.tables import detect_header, merge_header_above, parse_tables

# --- codes ---------------------------------------------------------------------------------

MEMBER_EOB_WRAPPED = """NORTHWIND TEST HEALTH                    EXPLANATION OF BENEFITS
Statement date: 04/02/2026
Member number:  TST1234567          Claim number:  CLMX00000001
Provided by:   Hilltop Test Physical Therapy   (in network)

Date of     Service                      Amount     Plan       Plan      You      Remark
service     (code)                       billed     allows     paid      owe
04/01/2026  Gait training (97116)         120.00     80.00     64.00     16.00    AB
04/08/2026  Gait training (97116)         120.00      0.00      0.00    120.00    XQ7

WHAT THE REMARK CODES MEAN
  AB   Network savings. The provider agreed to accept the plan's allowed
       amount. You do not owe the difference.
  XQ7  Your plan pays for a limited number of therapy visits each year.
       This visit was beyond that limit.

YOUR SUMMARY
  You owe Hilltop Test Physical Therapy:          $136.00
"""


def test_plain_language_remark_legend_is_parsed_and_attached_to_lines() -> None:
    ex = extract(MEMBER_EOB_WRAPPED)
    assert set(ex.legend) == {"AB", "XQ7"}
    assert ex.legend["AB"].endswith("You do not owe the difference.")
    assert [a.payer_codes for a in ex.adjustments] == [["AB"], ["XQ7"]]


def test_column_header_wrapped_over_two_lines_keeps_allowed_and_paid_apart() -> None:
    ex = extract(MEMBER_EOB_WRAPPED)
    first, second = ex.adjustments
    assert (first.billed, first.allowed, first.paid) == (120.0, 80.0, 64.0)
    assert (second.allowed, second.paid, second.denied) == (0.0, 0.0, True)
    assert ex.codes.cpt == ["97116"]


def test_merge_header_above_joins_first_words_to_their_columns() -> None:
    upper = "Date of     Amount     Plan       Plan      You"
    lower = "service     billed     allows     paid      owe"
    h = detect_header(lower)
    assert h is not None
    merged = merge_header_above(upper, h, lower)
    assert merged is not None
    assert [f for _, _, f in merged.fields][-4:] == ["billed", "allowed", "paid", "patresp"]
    # prose above a header is not part of it
    assert merge_header_above("Your claims this month were as follows:", h, lower) is None


def test_cpt_codes_in_parentheses_after_the_service_described() -> None:
    text = """Test Valley Health Plan
Member ID: TVX0000001
Claim number: TV-00-0000001

We received a claim for spinal manipulation (98940) and therapeutic
activities (97530) on the dates above. Another request covered nerve blocks,
lumbar (64493, 64494). Send records to PO Box (12345) if needed.
"""
    ex = extract(text)
    assert ex.codes.cpt == ["98940", "97530", "64493", "64494"]


def test_code_led_service_lines_with_units() -> None:
    text = """Test Auto Insurance Co.
PIP claim number: PA-0000-000000

Bills reviewed:
  Date of service   Codes                        Amount
  03/02/2026        97112 x3, 97035, 97010       $190.00
  03/04/2026        97112 x2, 97035              $150.00
"""
    ex = extract(text)
    assert set(ex.codes.cpt) == {"97112", "97035", "97010"}
    request = """TEST REVIEW SERVICES
Claim number:   WC00-000001

Requested treatment                                Decision
97530 therapeutic activities, 8 visits             NOT CERTIFIED
12345 Main Street
"""
    assert extract(request).codes.cpt == ["97530"]


def test_unlabelled_codes_of_a_bulletin_are_not_a_claims() -> None:
    text = """Test Valley Health Plan
POLICY BULLETIN
Starting June 1, 2026, facet injections (64490, 64491) need prior authorization.
"""
    ex = extract(text)
    assert ex.codes.cpt == []


REMIT_PAID_AND_DENIED = """TEST RIVER HEALTH PLAN                   REMITTANCE ADVICE
RA DATE 03/10/2026

ICN            PATIENT NAME / ID           DOS        PROC  BILLED  ALLOWED   PAID  ADJ
2026000000011  QUILL, OTTO    QX00000011   02/10/2026 97110   90.00   60.00  60.00  CO-45 30.00
               DX M25.511

2026000000012  MARSH, ELLA    QX00000012   02/11/2026 97110   90.00    0.00   0.00  CO-50 90.00
               DX M54.41
"""


def test_diagnosis_printed_beside_a_paid_claim_is_not_the_denials() -> None:
    ex = extract(REMIT_PAID_AND_DENIED)
    assert ex.codes.icd10 == ["M54.41"]
    assert ex.codes.carc == ["50"]


def test_remittance_name_id_column_gives_member_and_ra_date_is_letter_date() -> None:
    ex = extract(REMIT_PAID_AND_DENIED)
    assert ex.claim_number == "2026000000012"
    assert ex.member_id == "QX00000012"
    assert ex.patient_name == "Ella Marsh"
    assert ex.letter_date == date(2026, 3, 10)


# --- claim number, member ID, patient ------------------------------------------------------

def test_pipe_delimited_claim_record_gives_claim_member_and_patient() -> None:
    text = """TEST HARBOR INSURANCE CO. -- 835 DETAIL
HDR|SEQ|PATIENT NAME|MEMBER ID|PAYER CLAIM NO|STATUS|FROM DOS|PROC|CHARGE|ALLOWED|PAID|ADJ|RMK
CLM|001|BRISK, NOLA A|THX00000001|2026000000101|4-DENIED|||300.00|0.00|0.00||
SVC|001-1|||||01/05/2026|97161|300.00|0.00|0.00|PR-27-300.00|
"""
    ex = extract(text)
    assert ex.claim_number == "2026000000101"
    assert ex.member_id == "THX00000001"
    assert ex.patient_name == "Nola Brisk"
    assert ex.payer == "Test Harbor Insurance Co."


def test_fixed_width_claim_header_line_gives_claim_member_and_patient() -> None:
    text = """TEST PINE HEALTH PLAN                     PAPER REMITTANCE ADVICE
ACCT NO   PATIENT NAME            SUBSCRIBER ID    CLAIM NO          DX
 LN SVC DATE  PROC  MOD UNT    CHARGE   ALLOWED     PAID  GRP RSN   ADJ AMT
A-00001   LARK, PETRA             TPX000000001     26000A0000001     M47.816
 01 01/12/26  64635  LT   1   2000.00      0.00     0.00  CO  29   2000.00
"""
    table = parse_tables(text.split("\n"))
    assert [r.claim_number for r in table.rows] == ["26000A0000001"]
    ex = extract(text)
    assert (ex.claim_number, ex.member_id, ex.patient_name) == (
        "26000A0000001", "TPX000000001", "Petra Lark")
    assert ex.codes.icd10 == ["M47.816"]


def test_dot_leader_fields_are_read_as_labelled() -> None:
    text = """TEST COVE HMO

Notice date ........ 02/03/2026
Patient ............ FENN, ARLO J
Member ID .......... TCH00000042
Claim no. .......... 26-0000-00042
Rendering provider . Mara Quist, MD, Test Cove Pain Clinic
Date of visit ...... 01/15/2026
Service ............ Office visit, established patient (99213)
Charge ............. $180.00
"""
    ex = extract(text)
    assert ex.member_id == "TCH00000042"
    assert ex.claim_number == "26-0000-00042"
    assert ex.patient_name == "Arlo Fenn"
    assert ex.provider == "Test Cove Pain Clinic"
    assert ex.letter_date == date(2026, 2, 3)
    assert ex.service_dates == [date(2026, 1, 15)]
    assert ex.amount_billed == 180.0
    assert ex.codes.cpt == ["99213"]


def test_patient_from_address_block_when_greeting_gives_surname_only() -> None:
    text = """TEST MEADOW HEALTH PLAN

March 3, 2026

Percival Quint
12 Elm Court
Springvale, KS 66999

Member ID: TMH000000077
Claim number: TMH-26-000077

Dear Mr. Quint,
"""
    assert extract(text).patient_name == "Percival Quint"


def test_injured_person_label_and_hyphenated_greeting() -> None:
    assert extract("Eligible injured person:  Rufus Pell\n").patient_name == "Rufus Pell"
    assert extract("Member ID: X0000001\n\nDear Ines Vale-Mora,\n").patient_name == (
        "Ines Vale-Mora")


# --- letter date, payer, provider ----------------------------------------------------------

def test_remit_and_review_date_labels_are_the_letter_date() -> None:
    assert extract("EOR date:   02/09/2026    Bill ID: X-1\n").letter_date == date(2026, 2, 9)
    assert extract("RA NUMBER 0001   RA DATE 03/01/2026\n").letter_date == date(2026, 3, 1)
    assert extract("TEST BULLETIN\nPublished April 2, 2026 | For providers\n").letter_date == (
        date(2026, 4, 2))


def test_medicare_contractor_letter_payer_is_medicare() -> None:
    text = """Test Ridge Medicare Services, LLC
Medicare Administrative Contractor - Part B
"""
    assert extract(text).payer == "Medicare"


def test_payer_not_a_product_type_program_or_billing_office() -> None:
    assert extract("Test Crest Medicare Advantage (HMO)\nPO Box 1, Town, AZ 85000\n").payer == (
        "Test Crest Medicare Advantage")
    assert extract("TEST BAY COMMUNITY CARE  -  MEDICAID MANAGED CARE\nREMITTANCE ADVICE\n"
                   ).payer == "Test Bay Community Care"
    stmt = """TEST REGIONAL MEDICAL CENTER
Patient Financial Services
Insurance on file: Test Shore Health Plan    ID: TSH000000001
"""
    assert extract(stmt).payer == "Test Shore Health Plan"
    ur = """TEST REVIEW SERVICES
Utilization Review Agent for Test State Workers' Insurance Fund
"""
    assert extract(ur).payer == "Test State Workers' Insurance Fund"
    assert extract("TEST CASUALTY & INDEMNITY\nWorkers' Compensation Bill Review\n").payer == (
        "Test Casualty & Indemnity")


def test_provider_not_a_sentence_department_or_trailing_detail() -> None:
    letter = """March 9, 2026

Test Hollow Spine Clinic
Attn: Appeals Coordinator
1 Mill Road
Town, PA 17000

Dear Provider:

We have completed the review you requested for the claim listed above.
"""
    assert extract(letter).provider == "Test Hollow Spine Clinic"
    appeal = letter + "\nSincerely,\nProvider Appeals Unit\n"
    assert extract(appeal).provider == "Test Hollow Spine Clinic"
    assert extract("Provider:   Test Rehab Group, 7 Pier Row, Town, TX 77000\n").provider == (
        "Test Rehab Group")
    assert extract("Provider: Test Joint Clinic (in network)\n").provider == "Test Joint Clinic"
    assert extract("Requesting provider:   Test Physical Therapy, Ann Roe, PT, DPT\n"
                   ).provider == "Test Physical Therapy"
    assert extract("To: Test Grove Pain Specialists, Billing Department\n").provider == (
        "Test Grove Pain Specialists")
    assert extract("About your visit with Test Harbor Spine Associates\n").provider == (
        "Test Harbor Spine Associates")


# --- amounts and dates ----------------------------------------------------------------------

def test_amounts_ending_a_sentence_are_money() -> None:
    assert [v for _, _, v in find_money("The charge was $1,250.00. The plan paid")] == [1250.0]
    assert find_money("version 1.25.3") == []
    ex = extract("The billed charge was $875.00. The plan paid nothing.\n"
                 "Amount you owe: $0.00. Your provider may not bill you.\n")
    assert (ex.amount_billed, ex.patient_responsibility) == (875.0, 0.0)
    assert extract("Amount in dispute:      $640.00\n").amount_billed == 640.0


def test_patient_responsibility_phrasings() -> None:
    assert extract("You may be responsible for up to $98.00. Call us.\n"
                   ).patient_responsibility == 98.0
    assert extract("What you owe the provider: $12.40\n").patient_responsibility == 12.4
    assert extract("DX M54.5    RECIP LIAB 0.00\n").patient_responsibility == 0.0


def test_service_dates_listed_and_before_the_service() -> None:
    ex = extract("Dates of service: 05/01/2025 and 05/08/2025\n")
    assert ex.service_dates == [date(2025, 5, 1), date(2025, 5, 8)]
    ex = extract("On March 4, 2026 you received the following from Test Clinic:\n")
    assert ex.service_dates == [date(2026, 3, 4)]
    ex = extract("Service:       Lumbar injections (64483)\n               on June 2, 2025\n")
    assert ex.service_dates == [date(2025, 6, 2)]
