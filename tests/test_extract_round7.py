"""Round 7 extraction fixes: the generator's new kinds of mail (portal claim status, raw and
printed 835s, premium bills, pended-claim letters, terse notices, secure messages).

Every snippet here is invented for the test (names, IDs and numbers are made up)."""

from datetime import date

from pipeline.extract import extract


def test_invoice_date_is_the_letter_date():
    text = (
        "QUAILBROOK HEALTH PLAN\nPremium Invoice\n\nInvoice date: May 3, 2026\n"
        "Invoice number: INV1234567\nSubscriber: Nora Pettibone\nMember ID: 555K12345\n"
        "Payment due: Jun 1, 2026\n"
    )
    assert extract(text).letter_date == date(2026, 5, 3)


def test_service_date_s_label():
    text = (
        "Additional Information Needed\n\nPatient: Nora Pettibone\nMember ID: 555K12345\n"
        "Claim number: 99Q1234567\nService date(s): 02/11/2026\nServices: 72148\n"
    )
    assert extract(text).service_dates == [date(2026, 2, 11)]


def test_long_service_line_then_its_date():
    text = (
        "Member ID: 555K12345\nClaim number: 99Q1234567\n"
        "Service: Acupuncture, each additional 15 minutes (97811) on 02-24-2025\n"
    )
    assert extract(text).service_dates == [date(2025, 2, 24)]


def test_code_told_with_its_date_and_provider_in_a_sentence():
    text = (
        "NOTICE OF CLAIM ACTION\n\nClaim 2025999912345 for Nora Pettibone, member Q1234567890: "
        "62323 on 05/15/2025 from\nMaplecrest Surgery Center, billed $1,200.00, was denied.\n"
    )
    ex = extract(text)
    assert "62323" in ex.codes.cpt
    assert ex.service_dates == [date(2025, 5, 15)]
    assert ex.provider == "Maplecrest Surgery Center"


def test_code_with_date_and_provider_in_parentheses_in_capitals():
    text = (
        "PAYMENT NOTICE\nCLAIM C1234567890 FOR NORA PETTIBONE, MEMBER 12345678X: SERVICE 20553 "
        "(07/18/2025,\nMAPLECREST SPINE CENTER, $376.00) IS NOT PAYABLE.\n"
    )
    ex = extract(text)
    assert "20553" in ex.codes.cpt
    assert ex.service_dates == [date(2025, 7, 18)]
    assert ex.provider == "Maplecrest Spine Center"


def test_one_line_letterhead_with_phone_and_date():
    text = (
        "QUAILBROOK HEALTH INSURANCE COMPANY   1-888-555-0199   06/10/2025\n\n"
        "CLAIM NOTICE\n\nClaim 2025999912345 was denied. Appeals must reach us by 12/07/2025.\n"
    )
    ex = extract(text)
    assert ex.payer == "Quailbrook Health Insurance Company"
    assert ex.letter_date == date(2025, 6, 10)


def test_member_id_right_after_the_word_member():
    text = "Claim 2025999912345 for Nora Pettibone, member Q1234567890: 62323 was denied.\n"
    assert extract(text).member_id == "Q1234567890"


def test_member_id_alone_in_parentheses_after_the_name():
    text = "Re: Nora Pettibone (ID 12345678T), claim 2025999912345. The charge was not paid.\n"
    assert extract(text).member_id == "12345678T"


def test_patient_named_in_capitals_before_member():
    text = "CLAIM 2025999912345 FOR NORA PETTIBONE, MEMBER Q1234567890: 62321 WAS DENIED.\n"
    assert extract(text).patient_name == "Nora Pettibone"


def test_portal_key_pipe_value_rows():
    text = (
        "Claim Inquiry Result\n\nClaim Number | Q25-111-22222\nClaim Status | Denied\n"
        "Patient | Nora J. Pettibone Member ID | 987X65432\n"
        "Billing Provider | Maplecrest Medical Supply\nNPI | 1234567893\n"
    )
    ex = extract(text)
    assert ex.claim_number == "Q25-111-22222"
    assert ex.member_id == "987X65432"
    assert ex.patient_name == "Nora Pettibone"
    assert ex.provider == "Maplecrest Medical Supply"


def test_name_pipe_labelled_cell_is_not_a_key():
    text = "Quailbrook Mutual Health Plan | Member ID QMH123456789\n\nDear Nora Pettibone:\n"
    assert extract(text).payer == "Quailbrook Mutual Health Plan"


def test_portal_banner_payer_without_its_portal_name():
    text = (
        "https://provider.quailbrookhp.example/claims\n"
        "Quailbrook Health Plan Provider Center | Eligibility | Claims\nClaim Status Detail\n"
    )
    assert extract(text).payer == "Quailbrook Health Plan"


def test_raw_835_segments():
    text = (
        "ERA 835 print\n\nISA*00*          *00*~\nST*835*0001~\nDTM*405*20250612~\n"
        "N1*PR*QUAILBROOK SENIOR ADVANTAGE~\nN1*PE*MAPLECREST PAIN AND WELLNESS*XX*1234567893~\n"
        "CLP*12345*1*500.00*300.00*50.00*12*2025051099999~\n"
        "NM1*QC*1*PETTIBONE*NORA****MI*Q1234567890~\nSVC*HC:64483:50*400.00*250.00**1~\n"
        "DTM*472*20250429~\nCAS*CO*45*100.00~\nSVC*HC:99204*100.00*50.00**1~\n"
        "DTM*472*20250429~\nSE*12*0001~\n"
    )
    ex = extract(text)
    assert ex.letter_date == date(2025, 6, 12)
    assert ex.payer == "Quailbrook Senior Advantage"
    assert ex.provider == "Maplecrest Pain and Wellness"
    assert ex.patient_name == "Nora Pettibone"
    assert ex.member_id == "Q1234567890"
    assert set(ex.codes.cpt) == {"64483", "99204"}
    assert ex.service_dates == [date(2025, 4, 29)]


def test_printed_835_labels_naming_their_segment():
    text = (
        "Claim Payment Detail - 835\n\nPayer (N1*PR): Quailbrook Health Plans\n"
        "Payee (N1*PE): Maplecrest Pain Center  NPI 1234567893\n"
        "Production date (DTM*405): 10-Apr-26\n"
    )
    ex = extract(text)
    assert ex.letter_date == date(2026, 4, 10)
    assert ex.payer == "Quailbrook Health Plans"


def test_message_banner_name_before_its_page_title():
    text = (
        "quailbrookhealth.example | Secure Messages\n"
        "Quailbrook Mutual Health Plan: Message Inbox\n"
        "From: Member Care <noreply@quailbrookhealth.example>\n"
    )
    assert extract(text).payer == "Quailbrook Mutual Health Plan"


def test_raw_835_reports_only_the_denied_line_of_a_claim_with_one():
    text = (
        "ST*835*0001~\nDTM*405*20250612~\nN1*PR*QUAILBROOK SENIOR ADVANTAGE~\n"
        "CLP*12345*1*500.00*50.00*0.00*12*2025051099999~\n"
        "NM1*QC*1*PETTIBONE*NORA****MI*Q1234567890~\n"
        "SVC*HC:80307*180.00*50.00**1~\nDTM*472*20250429~\nCAS*CO*45*130.00~\n"
        "SVC*HC:99204*320.00*0.00**1~\nDTM*472*20250429~\nCAS*CO*50*320.00~\nSE*12*0001~\n"
    )
    ex = extract(text)
    assert "80307" not in ex.codes.cpt
    assert ex.letter_date == date(2025, 6, 12)


def test_insurance_id_is_the_member_id():
    text = (
        "MAPLECREST PAIN CENTER\nYour bill\n\nStatement date: 12/04/25\nAccount number: PT123456\n"
        "Patient: Nora Pettibone\nInsurance on file: Quailbrook Health Plan\n"
        "Insurance ID: QHP123456789\n"
    )
    assert extract(text).member_id == "QHP123456789"

