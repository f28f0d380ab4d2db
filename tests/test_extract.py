"""Tests for the extraction stage (pipeline/extract.py, tables.py, normalize.py).

All letters below and under tests/data/extract/ are synthetic; names, IDs and numbers
are made up.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.datamodel import DocumentType, Extraction
from pipeline.extract import extract
from pipeline.normalize import (
    CARC_RE,
    CPT_RE,
    GROUP_RE,
    HCPCS_RE,
    ICD10_RE,
    MODIFIER_RE,
    NDC11_RE,
    RARC_RE,
    find_dates,
    find_money,
    norm_icd10,
    norm_ndc,
    parse_money,
)

DATA = Path(__file__).parent / "data" / "extract"


def load(name: str) -> Extraction:
    return extract((DATA / name).read_text(encoding="utf-8"))


def denied(ex: Extraction) -> list:
    return [a for a in ex.adjustments if a.denied]


def assert_formats(ex: Extraction) -> None:
    c = ex.codes
    assert all(CARC_RE.match(x) for x in c.carc), c.carc
    assert all(RARC_RE.match(x) for x in c.rarc), c.rarc
    assert all(GROUP_RE.match(x) for x in c.group), c.group
    assert all(CPT_RE.match(x) for x in c.cpt), c.cpt
    assert all(HCPCS_RE.match(x) for x in c.hcpcs), c.hcpcs
    assert all(ICD10_RE.match(x) for x in c.icd10), c.icd10
    assert all(NDC11_RE.match(x) for x in c.ndc), c.ndc
    for a in ex.adjustments:
        assert a.carc is None or CARC_RE.match(a.carc)
        assert a.group is None or GROUP_RE.match(a.group)
        assert a.cpt is None or CPT_RE.match(a.cpt) or HCPCS_RE.match(a.cpt)
        assert all(RARC_RE.match(r) for r in a.rarc)
        assert all(MODIFIER_RE.match(m) for m in a.modifiers) and len(a.modifiers) <= 4


# ---------------------------------------------------------------------------
# normalize helpers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("03/14/2026", date(2026, 3, 14)),
        ("3/14/26", date(2026, 3, 14)),
        ("March 14, 2026", date(2026, 3, 14)),
        ("Mar 14 2026", date(2026, 3, 14)),
        ("Mar. 14th, 2026", date(2026, 3, 14)),
        ("14-Mar-26", date(2026, 3, 14)),
        ("14 March 2026", date(2026, 3, 14)),
        ("2026-03-14", date(2026, 3, 14)),
        ("03-14-2026", date(2026, 3, 14)),
        ("O3/l4/2O26", date(2026, 3, 14)),  # OCR O/0, l/1
        ("Apri1 2, 2026", date(2026, 4, 2)),  # OCR 1 for l
    ],
)
def test_dates(text: str, expected: date) -> None:
    ds = find_dates(text)
    assert ds and ds[0][2] == expected


def test_compact_dates_only_when_asked() -> None:
    assert find_dates("DOS 031426") == []
    assert find_dates("DOS 031426", compact=True)[0][2] == date(2026, 3, 14)


def test_invalid_dates_are_ignored() -> None:
    assert find_dates("13/45/2026 and 02/30/2026") == []
    assert find_dates("call 800-555-1212") == []


@pytest.mark.parametrize(
    "token,value",
    [
        ("$1,250.00", 1250.0),
        ("1,250.00", 1250.0),
        ("1,250.00-", -1250.0),
        ("(1,250.00)", -1250.0),
        ("-$20.00", -20.0),
        ("$85", 85.0),
        ("1,25O.00", 1250.0),
    ],
)
def test_money(token: str, value: float) -> None:
    assert parse_money(token) == value


def test_find_money_needs_cents_or_dollar_sign() -> None:
    vals = [v for _, _, v in find_money("ZIP 80202, claim 123456, $1,250.00 and 0.00 and 45.5")]
    assert vals == [1250.0, 0.0]


@pytest.mark.parametrize(
    "raw,code",
    [
        ("M5416", "M54.16"),
        ("M54.16", "M54.16"),
        ("m54.l6", "M54.16"),
        ("MS4.16", "M54.16"),
        ("S52521A", "S52.521A"),
        ("G8929", "G89.29"),
        ("J3490", None),
        ("Z99.999", None),
    ],
)
def test_icd10_normalisation(raw: str, code: str | None) -> None:
    assert norm_icd10(raw) == code


@pytest.mark.parametrize(
    "raw,ndc",
    [
        ("0409-4888-02", "00409488802"),
        ("12345-678-90", "12345067890"),
        ("12345-6789-1", "12345678901"),
        ("12345-6789-01", "12345678901"),
        ("12345678901", "12345678901"),
        ("800-555-1212", None),
        ("1234567890", None),
    ],
)
def test_ndc_normalisation(raw: str, ndc: str | None) -> None:
    assert norm_ndc(raw) == ndc


# ---------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------


def test_commercial_pa_letter() -> None:
    ex = load("letter_pa_commercial.txt")
    assert ex.document_type == DocumentType.DENIAL_LETTER
    assert ex.codes.carc == ["197"] and ex.codes.group == ["CO"]
    assert ex.codes.rarc == ["N54"]
    assert ex.codes.cpt == ["64483"]
    assert ex.codes.icd10 == ["M54.16"]
    # traps: ZIPs 80202/62704, phone numbers, street number, claim number
    assert "80202" not in ex.codes.cpt and "62704" not in ex.codes.cpt
    assert ex.claim_number == "2026031400123"
    assert ex.member_id == "XKZ482913307"
    assert ex.patient_name == "Jane Sample"  # contract: "First Last", middle initial dropped
    assert ex.payer == "Summit Health Insurance Company"
    assert ex.provider == "Lakeside Pain Specialists"
    assert ex.letter_date == date(2026, 3, 20)
    assert ex.service_dates == [date(2026, 3, 14)]
    assert ex.amount_billed == 1250.0
    assert ex.appeal_deadline == date(2026, 9, 16)  # 180 days after 2026-03-20
    assert ex.deadline_text and "180" in ex.deadline_text
    assert ex.plan_type == "commercial"
    assert ex.reason_text and "prior authorization" in ex.reason_text
    assert "discriminate" not in ex.reason_text and "appeal" not in ex.reason_text.lower()
    (adj,) = ex.adjustments
    assert (adj.cpt, adj.modifiers, adj.group, adj.carc, adj.denied) == (
        "64483",
        ["RT"],
        "CO",
        "197",
        True,
    )
    assert_formats(ex)


def test_ma_letter_ocr_damage_and_vendor() -> None:
    ex = load("letter_ma_ocr.txt")
    assert ex.document_type == DocumentType.DENIAL_LETTER
    assert ex.payer == "Humana Gold Plus"  # eviCore writes on behalf of the plan
    assert ex.plan_type == "medicare_advantage"
    assert ex.codes.carc == ["50"] and ex.codes.group == ["CO"]  # printed "C0-5O"
    assert ex.codes.rarc == ["N115"]
    assert ex.codes.cpt == ["72148"]  # printed "72l48" after "CPT" on the previous line
    assert ex.codes.icd10 == ["M54.16"]
    # traps: tracking number 72148993, ZIP 72148, phone numbers
    assert ex.codes.hcpcs == []
    assert ex.letter_date == date(2026, 4, 2)  # "Apri1 2, 2026"
    assert ex.claim_number == "002611770045"
    assert ex.service_dates == [date(2026, 3, 18)]
    assert ex.appeal_deadline == date(2026, 6, 1)  # 60 days from the notice date
    assert "decision within 30 days" not in (ex.deadline_text or "")
    assert ex.provider == "Dr. Amy Lee"
    assert ex.reason_text and "conservative treatment" in ex.reason_text
    assert_formats(ex)


def test_part_d_letter_ndc_and_receipt_rule() -> None:
    ex = load("letter_partd_ndc.txt")
    assert ex.plan_type == "part_d"
    assert ex.codes.ndc == ["00071101568", "59762502301"]
    assert ex.codes.cpt == [] and ex.codes.hcpcs == []  # BIN 610502 is no code
    assert ex.appeal_deadline is None  # "from the date you receive" -> not computed
    assert ex.deadline_text and "65 days" in ex.deadline_text
    assert ex.reason_text and "step therapy" in ex.reason_text


def test_medicaid_letter_stated_deadline_and_bare_reason() -> None:
    ex = load("letter_medicaid_deadline.txt")
    assert ex.plan_type == "medicaid"
    assert ex.appeal_deadline == date(2026, 4, 4)
    assert ex.letter_date == date(2026, 2, 3)
    assert ex.codes.carc == ["50"]  # "Adj reason 50"
    assert ex.codes.rarc == ["N386", "N115"]
    assert ex.codes.hcpcs == ["E0720"]
    assert ex.service_dates == [date(2026, 1, 12)]
    assert ex.provider == "Plains Family Clinic"


def test_workers_comp_letter() -> None:
    ex = load("letter_workcomp.txt")
    assert ex.plan_type == "workers_comp"
    assert ex.letter_date == date(2026, 3, 14)  # 14-Mar-26
    assert ex.claim_number == "WC-2026-004417"
    assert ex.patient_name == "Pat Example"
    assert ex.provider == "Dr. Greene"
    assert set(ex.codes.cpt) == {"97112", "97140"}
    # CARC 45 (fee schedule) is a payment adjustment; the denial code is 119
    assert ex.codes.carc == ["119"]
    assert ex.appeal_deadline is None and "receipt" in (ex.deadline_text or "")


def test_approval_letter_is_other_mail() -> None:
    ex = load("letter_approval.txt")
    assert ex.document_type == DocumentType.OTHER
    assert ex.codes.carc == [] and ex.codes.cpt == ["97110"]
    assert ex.reason_text is None
    assert ex.service_dates == []  # an authorised period is not a service date


def test_newsletter_is_other() -> None:
    ex = load("newsletter_other.txt")
    assert ex.document_type == DocumentType.OTHER
    assert ex.codes.model_dump() == extract("").codes.model_dump()  # ZIP/phones are no codes
    assert ex.adjustments == []


# ---------------------------------------------------------------------------
# EOBs and remittances
# ---------------------------------------------------------------------------


def test_eob_grid_with_payment_adjustments_and_legend() -> None:
    ex = load("eob_grid.txt")
    assert ex.document_type == DocumentType.EOB
    assert len(ex.adjustments) == 4
    by = {(a.line, a.group, a.carc): a for a in ex.adjustments}
    co45, pr2 = by[(1, "CO", "45")], by[(1, "PR", "2")]
    assert co45.denied is False and pr2.denied is False
    assert (co45.amount, pr2.amount) == (70.0, 36.0)
    assert co45.cpt == "99214" and co45.modifiers == ["25"]
    d = by[(2, "CO", "197")]
    assert (d.denied, d.cpt, d.modifiers, d.billed, d.allowed, d.paid, d.amount) == (
        True,
        "64483",
        ["RT"],
        1250.0,
        0.0,
        0.0,
        1250.0,
    )
    nc = by[(3, "PR", "204")]
    assert nc.denied is True and nc.cpt == "J1040" and nc.rarc == ["N130"]
    # only denied lines' codes are reported
    assert ex.codes.carc == ["197", "204"]
    assert "45" not in ex.codes.carc and "2" not in ex.codes.carc
    assert ex.codes.group == ["CO", "PR"]
    # procedure codes of the denied lines only (the paid 99214 line is not reported)
    assert ex.codes.cpt == ["64483"] and ex.codes.hcpcs == ["J1040"]
    assert "84130" not in ex.codes.cpt  # ZIP
    assert ex.legend == {
        "7J": "This service requires prior authorization. None was on file.",
        "X4": "Paid at the in-network rate.",
    }
    # two denied lines (1,250.00 + 85.00) whose total the EOB prints nowhere: amount_billed
    # is a figure the document states, so null (each line's charge is on its adjustment)
    assert ex.amount_billed is None
    assert ex.patient_responsibility == 121.0
    assert ex.claim_number == "EB2026-0419-7781"
    assert ex.letter_date == date(2026, 4, 2)
    assert ex.appeal_deadline is None and "receiving" in (ex.deadline_text or "")
    assert all(a.claim_number == "EB2026-0419-7781" for a in ex.adjustments)
    assert_formats(ex)


def test_eob_key_value_blocks() -> None:
    ex = load("eob_kv.txt")
    assert ex.document_type == DocumentType.EOB
    lines = {a.line for a in ex.adjustments}
    assert lines == {1, 2}
    l2 = [a for a in ex.adjustments if a.line == 2]
    assert len(l2) == 1
    a = l2[0]
    assert (a.cpt, a.modifiers, a.group, a.carc, a.amount, a.denied) == (
        "97530",
        ["GP", "59"],
        "CO",
        "119",
        140.0,
        True,
    )
    assert a.rarc == ["N640", "N362"]
    assert a.service_date == date(2026, 2, 11)
    l1 = [a for a in ex.adjustments if a.line == 1]
    assert {(x.group, x.carc, x.amount, x.denied) for x in l1} == {
        ("CO", "45", 35.0, False),
        ("PR", "2", 17.0, False),
    }
    assert ex.codes.carc == ["119"] and ex.codes.rarc == ["N640", "N362"]
    assert ex.patient_responsibility == 17.0
    assert ex.amount_billed == 140.0


def test_medicare_voucher_multi_claim() -> None:
    ex = load("remit_voucher.txt")
    assert ex.document_type == DocumentType.REMITTANCE
    assert ex.plan_type == "medicare"
    assert ex.payer == "Noridian Healthcare Solutions"  # all-caps letterhead, title-cased
    assert ex.provider == "LAKESIDE PAIN SPECIALISTS"
    assert ex.letter_date == date(2026, 4, 10)
    claims = {a.claim_number for a in ex.adjustments}
    assert claims == {"0226084123450", "0226084123999"}
    first = [a for a in ex.adjustments if a.cpt == "64483"][0]
    assert (first.group, first.carc, first.amount, first.denied) == ("CO", "197", 1250.0, True)
    assert first.rarc == ["N54", "M127"]  # wrapped "REM:" line
    assert first.service_date == date(2026, 3, 14)
    assert first.modifiers == ["RT"]
    adj77003 = {(a.group, a.carc): a for a in ex.adjustments if a.cpt == "77003"}
    assert adj77003[("CO", "45")].amount == 91.6 and not adj77003[("CO", "45")].denied
    assert adj77003[("PR", "2")].amount == 23.68  # wrapped continuation line
    second = [a for a in ex.adjustments if a.claim_number == "0226084123999"]
    assert [(a.cpt, a.carc, a.rarc) for a in second] == [("97110", "119", ["N640"])]
    assert ex.codes.carc == ["197", "119"]
    assert ex.codes.rarc == ["N54", "M127", "N640"]
    # traps: NPI 1234567893, account 55012, ICN, check number are no codes;
    # 77003 was paid (CO-45/PR-2 only), so it is not among the codes
    assert ex.codes.cpt == ["64483", "97110"]
    assert "55012" not in ex.codes.cpt
    # denied 1,250.00 (claim 1) + 150.00 (claim 2): a total printed nowhere, so null
    assert ex.amount_billed is None
    assert ex.service_dates == [date(2026, 3, 14), date(2026, 3, 20)]
    assert_formats(ex)


def test_pipe_remittance_separate_group_and_reason_columns() -> None:
    ex = load("remit_pipes.txt")
    assert ex.document_type == DocumentType.REMITTANCE
    assert ex.payer == "Acme Commercial Insurance"
    assert ex.provider == "Northside Orthopedics LLC"
    got = [
        (a.claim_number, a.line, a.cpt, a.modifiers, a.group, a.carc, a.rarc, a.denied)
        for a in ex.adjustments
    ]
    assert got == [
        ("77120045-01", 1, "20610", ["LT"], "CO", "50", ["N115"], True),
        ("77120045-01", 2, "99213", ["25"], "PR", "3", [], False),
        ("77120045-01", 3, "J3301", [], "CO", "97", ["M15"], True),
        ("77120046-01", 1, "72148", [], "CO", "16", ["MA130"], True),
    ]
    assert ex.adjustments[1].amount == 24.0  # copay = allowed - paid
    assert ex.codes.carc == ["50", "97", "16"]
    assert ex.codes.rarc == ["N115", "M15", "MA130"]
    assert "90210" not in ex.codes.cpt  # patient account number
    assert ex.letter_date == date(2026, 4, 15)


# ---------------------------------------------------------------------------
# Inline traps and odd forms
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "snippet,group,carc",
    [
        ("Denied: CO-197 precertification absent.", "CO", "197"),
        ("Adjustment CO197 applied.", "CO", "197"),
        ("Group/reason CO 197.", "CO", "197"),
        ("The claim adjustment is CO-A1 with remark N706.", "CO", "A1"),
        ("Patient responsibility PR-204: not covered.", "PR", "204"),
        ("Denial code C0-l97 applies.", "CO", "197"),
        ("Reason code 197 applies to this claim.", None, "197"),
        ("CARC: 96, remark N425.", None, "96"),
        ("Adj reason 50", None, "50"),
        ("Old remit: CR-18 duplicate.", "CR", "18"),
        ("OA-18 exact duplicate claim.", "OA", "18"),
    ],
)
def test_carc_forms(snippet: str, group: str | None, carc: str) -> None:
    ex = extract("Dear Provider,\n" + snippet + "\n")
    assert carc in ex.codes.carc
    if group:
        assert group in ex.codes.group
    assert_formats(ex)


def test_trap_numbers_are_not_codes() -> None:
    text = (
        "Lakeside Pain Specialists, 1200 Main St, Boulder, CO 80302\n"
        "Phone 303-555-0142  Fax (303) 555-0143  NPI 1234567893  Tax ID 84-1234567\n"
        "Claim number 64483  Member ID 99213  Account 97110\n"
        "Date of service 03/14/2026. Amount billed $64,483.00 and 72148.00.\n"
        "Our ZIP code 80202 and reference code 12345 changed.\n"
        "Please call 1-800-555-7214, option 2 for 99213 inquiries.\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == [] and ex.codes.hcpcs == []
    assert ex.codes.carc == []  # "CO 80302" is a state and ZIP
    assert ex.codes.ndc == [] and ex.codes.icd10 == []
    assert ex.claim_number == "64483"  # labelled value, not a CPT


def test_cpt_keyword_forms() -> None:
    text = (
        "Dear Provider,\n"
        "We denied CPT codes 64483-RT, 64484 and 77003 and HCPCS J3490.\n"
        "Procedure code: 0213T was also reviewed; quality code 3074F was billed.\n"
        "Service code G0260 (SI joint injection) is excluded.\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["64483", "64484", "77003", "0213T", "3074F"]
    assert ex.codes.hcpcs == ["J3490", "G0260"]
    assert ex.codes.icd10 == []  # J3490 is not read as a diagnosis


def test_icd_contexts() -> None:
    text = (
        "Diagnosis codes: M5416, G8929 and Z79.891.\n"
        "The dotted code M47.816 is valid anywhere; M99.999 is not a code.\n"
        "Room 12B, Suite A12 and version V2.10 are not diagnoses.\n"
    )
    ex = extract(text)
    assert ex.codes.icd10 == ["M54.16", "G89.29", "Z79.891", "M47.816"]


def test_ndc_needs_label_or_drug_context() -> None:
    text = (
        "Claim reference 12345-6789-01 was reviewed.\n"
        "Ketamine 50 mg/mL vial 0409-2051-05 was billed with J3490, NDC 00409205105.\n"
        "N4 12345678901 qualifier shown on the claim.\n"
    )
    ex = extract(text)
    assert ex.codes.ndc == ["00409205105", "12345678901"]


def test_rarc_in_prose_and_legend_only() -> None:
    text = (
        "Dear Member,\nYour claim was denied (CO-252/N706). Remark codes: M127, MA130.\n"
        "Your account N123 Main Street is unrelated.\n"
    )
    ex = extract(text)
    assert ex.codes.rarc == ["N706", "M127", "MA130"]
    assert ex.codes.carc == ["252"]


def test_bare_legend_codes_when_table_has_no_codes() -> None:
    text = (
        "EXPLANATION OF BENEFITS\nThis is not a bill.\n"
        "Date of Service  Procedure  Billed    Paid\n"
        "03/14/2026       64483      1,250.00  0.00\n\n"
        "Reason Codes\n"
        "197 - Precertification/authorization absent.\n"
        "N54 - Claim information is inconsistent with pre-certified services.\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["197"]
    assert ex.codes.rarc == ["N54"]
    (a,) = ex.adjustments
    assert (a.cpt, a.billed, a.paid, a.denied) == ("64483", 1250.0, 0.0, True)
    assert ex.legend == {}


def test_paid_eob_reports_no_denial_codes() -> None:
    text = (
        "Explanation of Benefits - THIS IS NOT A BILL\n"
        "Service Date  CPT    Billed   Allowed  Paid     Adj\n"
        "01/05/2026    99213  $200.00  $120.00  $96.00   CO-45 PR-2\n"
        "Total you owe: $24.00\n"
    )
    ex = extract(text)
    assert ex.codes.carc == [] and ex.codes.group == []
    assert all(a.denied is False for a in ex.adjustments)
    assert ex.patient_responsibility == 24.0


def test_adj_column_with_bare_codes_and_negative_amounts() -> None:
    text = (
        "PROVIDER REMITTANCE ADVICE\n"
        "Claim Number: 55501230001\n"
        "LINE DOS       PROC   MOD BILLED    PAID   ADJ AMT     GROUP ADJ\n"
        "1    031426    64483  RT  1,250.00  0.00   1,250.00-   CO    197\n"
        "2    031426    77003      210.00    94.72  (91.60)     CO    45\n"
    )
    ex = extract(text)
    got = [
        (a.line, a.service_date, a.cpt, a.group, a.carc, a.denied, a.paid) for a in ex.adjustments
    ]
    assert got == [
        (1, date(2026, 3, 14), "64483", "CO", "197", True, 0.0),
        (2, date(2026, 3, 14), "77003", "CO", "45", False, 94.72),
    ]
    assert ex.codes.carc == ["197"]


def test_collapsed_spacing_ocr_row() -> None:
    # OCR lost the column alignment entirely
    text = (
        "Remittance Advice\nClaim # 99887766\n"
        "Line DOS CPT Mod Billed Allowed Paid Group/Reason Remark\n"
        "1 03/14/2026 64483 RT 1,250.00 0.00 0.00 CO-197 N54\n"
    )
    ex = extract(text)
    (a,) = ex.adjustments
    assert (a.line, a.cpt, a.modifiers, a.billed, a.allowed, a.paid, a.carc, a.rarc) == (
        1,
        "64483",
        ["RT"],
        1250.0,
        0.0,
        0.0,
        "197",
        ["N54"],
    )
    assert a.claim_number == "99887766"


def test_deadline_rules() -> None:
    base = "Date: March 1, 2026\nDear Member,\nYour claim was denied.\n"
    ex = extract(base + "You may appeal within sixty (60) days of the date of this letter.\n")
    assert ex.appeal_deadline == date(2026, 4, 30)
    ex = extract(base + "Your appeal must be filed within 180 days from receipt of this notice.\n")
    assert ex.appeal_deadline is None and ex.deadline_text and "receipt" in ex.deadline_text
    ex = extract(base + "Send your appeal by 04/15/2026.\n")
    assert ex.appeal_deadline == date(2026, 4, 15)
    ex = extract(base + "We will make a decision within 30 days of the date of this letter.\n")
    assert ex.appeal_deadline is None and ex.deadline_text is None


def test_multi_page_text() -> None:
    page1 = (DATA / "letter_pa_commercial.txt").read_text(encoding="utf-8")
    page2 = "Page 2\nAdditional remark: N706 missing documentation, CO-252.\n"
    ex = extract(page1 + "\n\f\n" + page2)
    assert "252" in ex.codes.carc and "N706" in ex.codes.rarc
    assert ex.codes.carc[0] == "197"


@pytest.mark.parametrize("text", ["", "   \n\f\n  ", "\x00\x01", "CO-", "|||", "$$$,.--"])
def test_degenerate_inputs(text: str) -> None:
    ex = extract(text)
    assert isinstance(ex, Extraction)


def test_no_phi_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    load("letter_pa_commercial.txt")
    logged = " ".join(r.getMessage() for r in caplog.records)
    for secret in ("Sample", "XKZ482913307", "2026031400123", "Lakeside"):
        assert secret not in logged


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------

_TOKENS = st.sampled_from(
    [
        "CO-197",
        "PR 2",
        "CO45",
        "C0-l97",
        "N706",
        "MA130",
        "M127",
        "64483",
        "J3490",
        "RT",
        "25",
        "M5416",
        "M54.16",
        "NDC",
        "0409-4888-02",
        "$1,250.00",
        "(20.00)",
        "1,250.00-",
        "03/14/2026",
        "031426",
        "Billed",
        "Allowed",
        "Paid",
        "Reason",
        "Group",
        "Adj",
        "Remark",
        "CPT",
        "code",
        "Claim #",
        "Member ID:",
        "within 60 days of the date of this notice",
        "\n",
        "\n\f\n",
        "  ",
        "|",
        ":",
        "-",
        "Explanation of Benefits",
        "Remittance Advice",
        "7J",
        "X4",
        "Legend",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=60).map(" ".join))
def test_property_token_soup(text: str) -> None:
    ex = extract(text)
    assert_formats(ex)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_property_arbitrary_text(text: str) -> None:
    ex = extract(text)
    assert_formats(ex)
    for v in ex.legend:
        assert re.fullmatch(r"[A-Z0-9]{1,5}", v)


# ---------------------------------------------------------------------------
# Shapes added after measuring on the synthetic corpus
# ---------------------------------------------------------------------------


def test_payer_code_resolved_through_legend_to_standard_codes() -> None:
    text = (
        "Explanation of Benefits\n"
        "Date       Service       Code   Billed  Not covered  Plan paid  Remark\n"
        "12-Oct-25  Chiropractic  98941  $78.00  $78.00       $0.00      W7\n"
        "           spinal manipulation\n\n"
        "Remark codes\n\n"
        "W7  The claim did not include the spinal level being treated, which is needed to\n"
        "process it. (Standard code Adj CO/16, remark M122)\n\n"
        "KQ  This amount is the discount for using a network provider.\n"
    )
    ex = extract(text)
    assert ex.codes.carc == ["16"] and ex.codes.group == ["CO"] and ex.codes.rarc == ["M122"]
    (a,) = ex.adjustments
    assert (a.cpt, a.group, a.carc, a.rarc, a.denied) == ("98941", "CO", "16", ["M122"], True)
    assert set(ex.legend) == {"W7", "KQ"}


def test_claim_number_column_and_denied_claim_preferred() -> None:
    text = (
        "ACME HEALTH - PAYMENT VOUCHER\n"
        "PATIENT       CLAIM NO       DOS       PROC   BILLED    ALLOWED  PAID    CARC\n"
        "DOE, JANE     2026040325070  03/31/26  99213  180.00    120.00   96.00   CO45\n"
        "ROE, RICH     2026040325999  03/31/26  64635  3,022.75  0.00     0.00    CO119\n"
    )
    ex = extract(text)
    assert [a.claim_number for a in ex.adjustments] == ["2026040325070", "2026040325999"]
    assert ex.claim_number == "2026040325999"  # the claim the denial is about
    assert ex.document_type == DocumentType.REMITTANCE


def test_utilization_review_table_without_amounts() -> None:
    text = (
        "Injured worker: Pat Example\nClaim number: WC25-399695\nDate of injury: 02-02-2025\n\n"
        "Code   Requested treatment                                 Qty  Decision\n"
        "-----------------------------------------------------------------------\n"
        "64625  Radiofrequency ablation of sacroiliac joint nerves  1    NON-CERTIFIED\n"
    )
    ex = extract(text)
    assert ex.codes.cpt == ["64625"]
    assert ex.adjustments[0].denied is True
    assert ex.document_type == DocumentType.DENIAL_LETTER
    assert ex.plan_type == "workers_comp"


def test_appeal_acknowledgement_is_other() -> None:
    text = (
        "Feb 18, 2026\nWe received your appeal\nMember: Rosa Example\n"
        "We received your request on Feb 15, 2026 to review our earlier decision. The original "
        'decision said: "We cannot pay the claim without the records."\n'
        "A reviewer will look at your appeal. We will send you our decision within 30 days.\n"
    )
    assert extract(text).document_type == DocumentType.OTHER


def test_all_caps_letterhead_payer_and_medicare_named_plan() -> None:
    text = (
        "LANTERNWAY HEALTH MEDICARE PLANS\nPO Box 1\n\n05/01/2026\n"
        "Dear Member:\nWe denied your request because it is not medically necessary.\n"
    )
    ex = extract(text)
    assert ex.payer == "Lanternway Health Medicare Plans"
    assert ex.plan_type == "medicare_advantage"  # a private plan named "... Medicare ..."


# ---------------------------------------------------------------------------
# Field bugs found measuring a generated corpus (seed 11; synthetic names)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,name",
    [
        ("DOE, JANE Q", "Jane Doe"),
        ("Jane Q. Doe", "Jane Doe"),
        ("RAMIREZ-COLE, INGRID", "Ingrid Ramirez-Cole"),
        ("PAT EXAMPLE", "Pat Example"),
        ("Pat Example", "Pat Example"),
    ],
)
def test_patient_name_contract_first_last(raw: str, name: str) -> None:
    from pipeline.extract import person_name

    assert person_name(raw) == name


def test_bug_patient_label_without_colon() -> None:
    ex = extract("Claim decision\nPatient    Carla R. Example\nProvider    Summit Pain Center\n")
    assert ex.patient_name == "Carla Example"
    assert ex.provider == "Summit Pain Center"


def test_bug_patient_name_runs_into_medicare_number_and_is_not_the_payer() -> None:
    ex = extract("Name: ELEANOR N. EXAMPLE Medicare 5U65HY0VM56\nWe denied your claim.\n")
    assert ex.patient_name == "Eleanor Example"
    assert ex.payer is None


def test_bug_provider_value_stops_at_next_label() -> None:
    ex = extract("Provider: Eastside Infusion Suites Date of service: 12/12/2025\n")
    assert ex.provider == "Eastside Infusion Suites"
    assert ex.service_dates == [date(2025, 12, 12)]


def test_bug_provider_value_wrapped_onto_next_line() -> None:
    ex = extract(
        "Claim number: E25-099-45675 Provider: Harbor Point Ambulatory Surgery\nCenter\n"
        "Provider: Harbor Point Ambulatory Surgery Provider NPI: 1221290954\nCenter\n"
    )
    assert ex.provider == "Harbor Point Ambulatory Surgery Center"


def test_bug_service_date_in_prose_forms() -> None:
    assert extract("Service: 97140 on 05/27/2025\n").service_dates == [date(2025, 5, 27)]
    ex = extract("You received from Lakeshore Physical Therapy on 06/08/25 (claim 123).\n")
    assert ex.service_dates == [date(2025, 6, 8)]


def test_bug_service_dates_only_of_denied_lines() -> None:
    text = (
        "Remittance Advice\n"
        "Line DOS        CPT    Billed   Allowed  Paid     Adj\n"
        "1    02/15/2026 99213  $200.00  $120.00  $96.00   CO-45\n"
        "2    02/25/2026 64483  $900.00  $0.00    $0.00    CO-197\n"
    )
    assert extract(text).service_dates == [date(2026, 2, 25)]


def test_swallowed_step_logs_type_and_location_only(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import pipeline.extract as ex_mod

    def boom(*_a: object) -> None:
        raise ValueError("member XKZ482913307")

    caplog.set_level(logging.DEBUG, logger="pipeline.extract")
    assert ex_mod._safe(boom, default=1) == 1
    (rec,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert rec.exc_info and rec.exc_info[0].__name__ == "ValueError"  # still visibly swallowed
    shown = logging.Formatter().format(rec)
    assert "XKZ482913307" not in shown and "ValueError" in shown and "boom" in shown


def test_unicode_digits_are_not_codes_dates_or_money() -> None:
    from pipeline.normalize import norm_proc, parse_date

    assert norm_proc("\u0661\u0662\u0663\u0664\u0665") is None
    assert parse_date("\u00b2" * 6) is None
    assert parse_money("$" + "9" * 400) is None
    assert find_dates("\u0660\u0663/\u0661\u0664/\u0662\u0660\u0662\u0666") == []
