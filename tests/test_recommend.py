"""Next-step playbooks: action and due date per category and code refinement."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.datamodel import (
    Adjustment,
    Category,
    Classification,
    Codes,
    Extraction,
    Recommendation,
    Result,
)
from pipeline.recommend import (
    DEFAULT_PLAYBOOKS_PATH,
    WORKLIST_COLUMNS,
    DataFileError,
    NextSteps,
    load_playbooks,
    recommend,
    urgency_score,
    worklist_row,
)

LETTER = date(2026, 3, 2)
TODAY = date(2026, 3, 5)
DOS = date(2026, 2, 10)
COMMERCIAL_DEADLINE = LETTER + timedelta(days=180)  # 2026-08-29
MEDICARE_DEADLINE = LETTER + timedelta(days=125)  # 2026-07-05
MA_DEADLINE = LETTER + timedelta(days=65)  # 2026-05-06


def ex(carc: list[str] | None = None, rarc: list[str] | None = None, **kw) -> Extraction:
    kw.setdefault("letter_date", LETTER)
    kw.setdefault("plan_type", "commercial")
    kw.setdefault("service_dates", [DOS])
    groups = kw.pop("group", ["CO"])
    return Extraction(codes=Codes(carc=carc or [], rarc=rarc or [], group=groups), **kw)


def cl(category: Category | str | None, needs_review: bool = False) -> Classification:
    return Classification(category=category, confidence=0.9, needs_review=needs_review)


def run(extraction: Extraction, category: Category | str | None, **kw) -> NextSteps:
    kw.setdefault("today", TODAY)
    needs_review = kw.pop("needs_review", False)
    return recommend(extraction, cl(category, needs_review), **kw)


def act(steps: NextSteps, action: str) -> Recommendation:
    for r in steps.recommendations:
        if r.action == action:
            return r
    raise AssertionError(f"{action} not in {[r.action for r in steps.recommendations]}")


def ids(steps: NextSteps) -> list[str]:
    return [r.action for r in steps.recommendations]


APPEAL_IDS = {
    "appeal_with_lmn",
    "criterion_appeal",
    "appeal_with_evidence",
    "appeal_with_proof",
    "appeal_if_misapplied",
    "network_gap_exception",
}


# --------------------------------------------------------------------------- prior authorization


def test_prior_authorization_commercial_retro_auth_then_appeal() -> None:
    s = run(ex(["197"]), Category.PRIOR_AUTHORIZATION)
    assert s.playbook == "prior_authorization"
    assert s.appeal_advised
    assert (s.appeal_deadline, s.deadline_basis) == (
        COMMERCIAL_DEADLINE,
        "erisa_aca_internal_appeal",
    )
    assert ids(s)[:3] == ["check_authorization", "retro_authorization", "appeal_with_lmn"]
    assert act(s, "check_authorization").due == LETTER + timedelta(days=5)
    assert act(s, "retro_authorization").due == LETTER + timedelta(days=14)
    lmn = act(s, "appeal_with_lmn")
    assert lmn.due == COMMERCIAL_DEADLINE - timedelta(days=14)
    assert "Letter of medical necessity" in lmn.documents
    assert s.days_left == (COMMERCIAL_DEADLINE - TODAY).days


def test_prior_authorization_medicare_advantage_has_no_retro_auth() -> None:
    s = run(ex(["197"], plan_type="medicare_advantage"), Category.PRIOR_AUTHORIZATION)
    assert "retro_authorization" not in ids(s)
    assert act(s, "appeal_with_lmn").due == MA_DEADLINE - timedelta(days=14)
    assert s.deadline_basis == "medicare_advantage_reconsideration"


def test_prior_authorization_mismatch_is_a_corrected_claim() -> None:
    s = run(ex(["197"], ["N54"]), Category.PRIOR_AUTHORIZATION)
    assert s.playbook == "pa_auth_mismatch"
    assert not s.appeal_advised
    assert act(s, "reconcile_authorization").due == LETTER + timedelta(days=7)
    assert act(s, "corrected_claim_with_auth").due == LETTER + timedelta(days=21)


# --------------------------------------------------------------------------- medical necessity


def test_medical_necessity_commercial_sequence() -> None:
    s = run(ex(["50"]), Category.MEDICAL_NECESSITY)
    assert s.playbook == "medical_necessity"
    assert ids(s) == ["request_criteria", "peer_to_peer", "criterion_appeal", "external_review"]
    # criteria well before the appeal deadline; P2P inside its short window
    assert act(s, "request_criteria").due == LETTER + timedelta(days=10)
    assert act(s, "peer_to_peer").due == LETTER + timedelta(days=7)
    assert act(s, "peer_to_peer").who == "provider"
    assert act(s, "criterion_appeal").due == COMMERCIAL_DEADLINE - timedelta(days=14)
    assert act(s, "external_review").due is None


def test_medical_necessity_criteria_request_capped_by_short_deadline() -> None:
    stated = date(2026, 3, 20)
    s = run(ex(["50"], appeal_deadline=stated), Category.MEDICAL_NECESSITY)
    assert s.deadline_basis == "stated"
    # letter+10 = 03-12 vs deadline-45 = 02-03 (past) -> "now" while the deadline is open
    assert act(s, "request_criteria").due == TODAY
    assert act(s, "criterion_appeal").due == stated - timedelta(days=14)
    assert s.days_left == 15


def test_medical_necessity_medicare_no_p2p_and_later_levels() -> None:
    s = run(ex(["50"], plan_type="medicare"), Category.MEDICAL_NECESSITY)
    assert "peer_to_peer" not in ids(s)
    assert "external_review" not in ids(s)
    assert "later_review_levels" in ids(s)
    assert act(s, "criterion_appeal").due == MEDICARE_DEADLINE - timedelta(days=14)


def test_medical_necessity_lcd_refinement() -> None:
    s = run(ex(["50"], ["N115"], plan_type="medicare"), Category.MEDICAL_NECESSITY)
    assert s.playbook == "medical_necessity_lcd_ncd"
    assert ids(s)[0] == "identify_coverage_policy"
    assert act(s, "identify_coverage_policy").due == LETTER + timedelta(days=10)
    assert "check_abn" in ids(s)


# --------------------------------------------------------------------------- step therapy


def test_step_therapy_commercial_exception_request() -> None:
    s = run(ex(["B8"]), Category.STEP_THERAPY)
    assert s.playbook == "step_therapy"
    exc = act(s, "step_therapy_exception")
    assert exc.due == LETTER + timedelta(days=7)
    assert "state step-therapy statute" in exc.detail
    assert act(s, "document_prior_trials").due == LETTER + timedelta(days=5)


def test_step_therapy_part_d_formulary_exception() -> None:
    s = run(ex([], plan_type="part_d"), Category.STEP_THERAPY)
    assert s.playbook == "step_therapy_part_d"
    fe = act(s, "formulary_exception")
    assert fe.who == "provider"
    assert fe.due == LETTER + timedelta(days=7)
    assert "Prescriber supporting statement" in fe.documents
    part_d_deadline = LETTER + timedelta(days=65)
    assert act(s, "part_d_redetermination").due == part_d_deadline - timedelta(days=14)


# --------------------------------------------------------------------------- missing documentation


@pytest.mark.parametrize(
    ("category", "carc", "rarc", "record"),
    [
        (Category.MISSING_DOCUMENTATION, "252", "M127", "Medical record for the date of service"),
        (
            Category.CODING_ERROR,
            "16",
            "N706",
            "The documentation named in the payer's request letter",
        ),
        (Category.MISSING_DOCUMENTATION, "16", "M127", "Medical record for the date of service"),
    ],
)
def test_records_requested_sends_named_records(
    category: Category, carc: str, rarc: str, record: str
) -> None:
    s = run(ex([carc], [rarc]), category)
    assert s.playbook == "records_requested"
    assert not s.appeal_advised
    send = act(s, "send_records")
    assert send.documents[0] == record
    assert send.due == LETTER + timedelta(days=14)
    assert not APPEAL_IDS & set(ids(s))


def test_records_names_follow_rarcs_from_service_lines() -> None:
    e = ex(adjustments=[Adjustment(group="CO", carc="252", rarc=["M127", "M29"])])
    s = run(e, Category.MISSING_DOCUMENTATION)
    assert act(s, "send_records").documents[:2] == [
        "Medical record for the date of service",
        "Operative note / procedure report",
    ]


def test_missing_documentation_default() -> None:
    s = run(ex(["252"], ["N26"]), Category.MISSING_DOCUMENTATION)
    assert s.playbook == "missing_documentation"
    assert act(s, "identify_request").due == LETTER + timedelta(days=5)
    assert act(s, "send_records").documents[0] == "Itemized bill"


# --------------------------------------------------------------------------- coding errors


@pytest.mark.parametrize(
    ("carc", "rarc", "playbook"),
    [
        ("4", [], "coding_modifier"),
        ("11", [], "coding_diagnosis"),
        ("97", [], "coding_bundling"),
        ("16", ["N519"], "coding_modifier"),
        ("16", ["N290"], "coding_error"),
    ],
)
def test_coding_errors_get_replacement_claim_not_appeal(
    carc: str, rarc: list[str], playbook: str
) -> None:
    s = run(ex([carc], rarc), Category.CODING_ERROR)
    assert s.playbook == playbook
    assert not s.appeal_advised
    cc = act(s, "corrected_claim")
    assert "frequency code 7" in cc.detail
    assert "original claim number" in cc.detail
    # commercial corrected-claim window is payer-specific -> working target letter+30
    assert cc.due == LETTER + timedelta(days=30)
    assert not APPEAL_IDS & set(ids(s))
    assert "clerical_reopening" not in ids(s)


def test_coding_error_medicare_uses_reopening_and_timely_filing_window() -> None:
    old_dos = date(2025, 3, 20)  # 12-month window ends 2026-03-20
    s = run(ex(["97"], plan_type="medicare", service_dates=[old_dos]), Category.CODING_ERROR)
    assert "corrected_claim" not in ids(s)
    reopen = act(s, "clerical_reopening")
    assert reopen.due == date(2026, 3, 20) - timedelta(days=14)
    assert s.days_left == (date(2026, 3, 20) - TODAY).days
    # the appeal clock is still reported, but the path is not an appeal
    assert s.deadline_basis == "medicare_ab_redetermination"


def test_diagnosis_denial_under_lcd_is_an_appeal() -> None:
    s = run(ex(["11"], ["N115"], plan_type="medicare"), Category.CODING_ERROR)
    assert s.playbook == "lcd_ncd_diagnosis"
    assert s.appeal_advised
    assert act(s, "criterion_appeal").due == MEDICARE_DEADLINE - timedelta(days=14)


def test_ma130_new_claim_no_appeal_rights_whatever_the_category() -> None:
    for category in (Category.CODING_ERROR, Category.MISSING_DOCUMENTATION, None):
        e = ex(["16"], ["MA130", "N290"], plan_type="medicare", service_dates=[DOS])
        s = run(e, category)
        assert s.playbook == "unprocessable_ma130"
        assert s.appeal_deadline is None and s.deadline_basis is None
        assert not s.appeal_advised
        new = act(s, "submit_new_claim")
        assert "no appeal rights" in new.detail
        assert new.due == LETTER + timedelta(days=30)
        assert s.days_left == (date(2027, 2, 10) - TODAY).days


# --------------------------------------------------------------------------- other categories


def test_duplicate_do_not_resubmit_check_original() -> None:
    s = run(ex(["18"]), Category.DUPLICATE_CLAIM)
    assert ids(s)[0] == "do_not_resubmit"
    assert act(s, "do_not_resubmit").due is None
    assert act(s, "check_original_claim").due == LETTER + timedelta(days=14)
    assert not s.appeal_advised
    assert s.days_left is None  # no hard deadline on this path (commercial)


def test_eligibility_verify_coverage_on_dos_and_bill_right_payer() -> None:
    s = run(ex(["27"]), Category.ELIGIBILITY)
    v = act(s, "verify_coverage_on_dos")
    assert v.due == LETTER + timedelta(days=7)
    assert "Eligibility response (271) for the date of service" in v.documents
    assert act(s, "bill_correct_payer").due == LETTER + timedelta(days=21)
    assert not s.appeal_advised


def test_cob_send_primary_eob() -> None:
    s = run(ex(["22"]), Category.COORDINATION_OF_BENEFITS)
    eob = act(s, "send_primary_eob")
    assert eob.documents == ["Primary payer's EOB or remittance advice"]
    assert eob.due == LETTER + timedelta(days=21)
    assert act(s, "update_cob_with_plan").who == "patient"


def test_cob_misrouted_claim_routes_to_correct_payer() -> None:
    s = run(ex(["109"]), Category.COORDINATION_OF_BENEFITS)
    assert s.playbook == "cob_misrouted"
    assert act(s, "route_to_correct_payer").due == LETTER + timedelta(days=14)


def test_experimental_evidence_and_external_review() -> None:
    s = run(ex(["55"], ["N623"]), Category.EXPERIMENTAL_INVESTIGATIONAL)
    ev = act(s, "gather_evidence")
    assert ev.due == LETTER + timedelta(days=21)
    assert any("Peer-reviewed" in d for d in ev.documents)
    assert act(s, "appeal_with_evidence").due == COMMERCIAL_DEADLINE - timedelta(days=14)
    assert "external_review" in ids(s)
    assert s.appeal_advised


def test_benefit_limit_verify_count_then_exception() -> None:
    s = run(ex(["119"], ["N640"]), Category.BENEFIT_LIMIT)
    assert act(s, "verify_count").due == LETTER + timedelta(days=10)
    assert act(s, "request_benefit_exception").due == LETTER + timedelta(days=14)
    assert "medicare_therapy_kx" not in ids(s)
    m = run(ex(["119"], plan_type="medicare"), Category.BENEFIT_LIMIT)
    assert "medicare_therapy_kx" in ids(m)


def test_out_of_network_gap_exception_and_nsa_check() -> None:
    s = run(ex(["242"]), Category.OUT_OF_NETWORK)
    assert act(s, "check_no_surprises_act").due == LETTER + timedelta(days=7)
    assert act(s, "network_gap_exception").due == COMMERCIAL_DEADLINE - timedelta(days=14)
    assert s.appeal_advised


def test_out_of_network_no_surprises_act_applies() -> None:
    s = run(ex(["242"], ["N830"]), Category.OUT_OF_NETWORK)
    assert s.playbook == "out_of_network_nsa"
    assert ids(s)[0] == "no_balance_billing"
    assert act(s, "open_negotiation").due == LETTER + timedelta(days=30)


def test_timely_filing_proof() -> None:
    s = run(ex(["29"]), Category.TIMELY_FILING)
    proof = act(s, "find_proof_of_timely_filing")
    assert proof.due == LETTER + timedelta(days=10)
    assert any("999" in d for d in proof.documents)
    assert act(s, "appeal_with_proof").due == COMMERCIAL_DEADLINE - timedelta(days=14)


def test_not_covered_default_and_patient_liability() -> None:
    s = run(ex(["204"]), Category.NOT_COVERED)
    assert s.playbook == "not_covered"
    assert act(s, "verify_exclusion").due == LETTER + timedelta(days=10)
    assert act(s, "appeal_if_misapplied").due == COMMERCIAL_DEADLINE - timedelta(days=14)
    pr = run(ex(["204"], group=["PR"]), Category.NOT_COVERED)
    assert pr.playbook == "not_covered_patient_responsibility"
    assert act(pr, "bill_patient").due == LETTER + timedelta(days=30)


def test_not_a_denial_no_action_and_no_deadline() -> None:
    s = run(ex(["45"]), Category.NOT_A_DENIAL)
    assert ids(s) == ["post_payment", "bill_patient_responsibility"]
    assert s.appeal_deadline is None and s.days_left is None
    assert not s.appeal_advised
    assert s.urgency < 0.2
    p = run(ex(["45"]), Category.NOT_A_DENIAL, audience="patient")
    assert "post_payment" not in ids(p)
    pended = run(ex(["133"], group=["OA"]), Category.NOT_A_DENIAL)
    assert act(pended, "await_decision").due == LETTER + timedelta(days=30)


def test_upheld_appeal_escalates_to_external_review() -> None:
    s = run(ex(["50", "193"]), Category.MEDICAL_NECESSITY)
    assert s.playbook == "upheld_appeal"
    assert s.deadline_basis == "aca_external_review"
    assert s.appeal_deadline == date(2026, 7, 2)
    assert act(s, "external_review").due == date(2026, 7, 2) - timedelta(days=21)
    m = run(ex(["50", "193"], plan_type="medicare"), Category.MEDICAL_NECESSITY)
    assert "medicare_reconsideration" in ids(m) and "external_review" not in ids(m)


# --------------------------------------------------------------------------- cross-cutting


def test_unclassified_gets_manual_review_and_deadline_check() -> None:
    s = run(ex([], plan_type=None), None)
    assert s.playbook == "unclassified"
    assert ids(s)[:2] == ["confirm_deadline", "manual_review"]
    assert act(s, "confirm_deadline").due == LETTER + timedelta(days=5)
    assert s.appeal_deadline is None


def test_workers_comp_deadline_null_and_flagged() -> None:
    s = run(ex(["50"], plan_type="workers_comp"), Category.MEDICAL_NECESSITY)
    assert s.appeal_deadline is None
    assert s.deadline_basis == "workers_comp_state_specific"
    assert ids(s)[0] == "confirm_deadline"


def test_needs_review_puts_review_first() -> None:
    s = run(ex(["50"]), Category.MEDICAL_NECESSITY, needs_review=True)
    assert ids(s)[0] == "review_classification"
    assert act(s, "review_classification").due == TODAY  # letter+3 already past


def test_expedited_language_adds_expedited_request_and_raises_urgency() -> None:
    base = run(ex(["50"]), Category.MEDICAL_NECESSITY)
    urgent = run(ex(["50"], reason_text="expedited review available"), Category.MEDICAL_NECESSITY)
    assert "request_expedited_review" in ids(urgent)
    assert "request_expedited_review" not in ids(base)
    assert urgent.urgency > base.urgency


def test_no_letter_date_gives_no_dates_not_today() -> None:
    s = run(ex(["197"], letter_date=None), Category.PRIOR_AUTHORIZATION)
    assert s.appeal_deadline is None
    assert all(r.due is None for r in s.recommendations if r.action != "confirm_deadline")
    assert act(s, "confirm_deadline").due is None
    assert s.days_left is None


def test_overdue_hard_deadline_keeps_the_real_date() -> None:
    late = date(2026, 9, 30)
    s = run(ex(["50"]), Category.MEDICAL_NECESSITY, today=late)
    assert s.days_left == (COMMERCIAL_DEADLINE - late).days < 0
    assert act(s, "criterion_appeal").due == COMMERCIAL_DEADLINE - timedelta(days=14)
    assert s.urgency >= 0.5


def test_patient_voice_and_questions() -> None:
    b = run(ex(["50"]), Category.MEDICAL_NECESSITY)
    p = run(ex(["50"]), Category.MEDICAL_NECESSITY, audience="patient")
    assert act(p, "request_criteria").title != act(b, "request_criteria").title
    assert p.summary != b.summary
    plan_q = act(p, "ask_plan").detail
    for needle in ("covered", "prerequisites", "owe", "alternatives", "InterQual"):
        assert needle in plan_q
    assert "alternative" in act(p, "ask_provider").detail
    assert "ask_plan" not in ids(b)


@pytest.mark.parametrize("category", [*Category, None])
@pytest.mark.parametrize("audience", ["billing_office", "patient"])
def test_every_category_has_steps_in_both_voices(category: Category | None, audience: str) -> None:
    s = run(ex(["50"]), category, audience=audience)
    assert s.recommendations
    assert s.summary
    assert 0 <= s.urgency <= 1
    for r in s.recommendations:
        assert r.title and r.detail and r.who in ("billing_office", "provider", "patient")


def test_bad_audience_rejected() -> None:
    with pytest.raises(ValueError, match="audience"):
        run(ex(["50"]), Category.MEDICAL_NECESSITY, audience="insurer")


# --------------------------------------------------------------------------- urgency


def test_urgency_formula() -> None:
    assert urgency_score(None, None) == 0.25
    assert urgency_score(0, None) == 0.5
    assert urgency_score(30, None) == 0.25
    assert urgency_score(0, 99_999, expedited=True, needs_review=True) == 1.0
    assert urgency_score(10, 500) > urgency_score(100, 500)
    assert urgency_score(30, 50_000) > urgency_score(30, 50)
    assert urgency_score(30, 500, weight=0.2) < urgency_score(30, 500)


# --------------------------------------------------------------------------- worklist


def _result(**kw) -> Result:
    base = dict(
        source="in/letter.pdf",
        sha256="0" * 64,
        status="ok",
        category=Category.MEDICAL_NECESSITY,
        needs_review=False,
        payer="Example Health",
        claim_number="CLM-1",
        patient_name="Test Patient",
        codes=Codes(carc=["50"], rarc=["N115"], group=["CO"]),
        amount_billed=1250.0,
        appeal_deadline=date(2026, 3, 25),
        deadline_basis="stated",
        recommendations=[
            Recommendation(action="request_criteria", title="Request", detail="d", due=TODAY),
            Recommendation(
                action="criterion_appeal", title="Appeal", detail="d", due=date(2026, 3, 11)
            ),
        ],
    )
    base.update(kw)
    return Result(**base)


def test_worklist_row_columns_and_values() -> None:
    row = worklist_row(_result(), today=TODAY)
    assert tuple(row) == WORKLIST_COLUMNS
    assert row["carc"] == "CO-50"
    assert row["rarc"] == "N115"
    assert row["deadline"] == "2026-03-25"
    assert row["days_left"] == 20
    assert row["first_action"] == "Request"
    assert row["first_action_due"] == TODAY.isoformat()
    assert row["next_due"] == TODAY.isoformat()
    assert row["needs_review"] is False
    assert 0 < row["urgency"] <= 1


def test_worklist_row_uses_line_level_groups_and_handles_failed() -> None:
    r = _result(
        codes=Codes(carc=["97", "45"], group=["CO"]),
        adjustments=[Adjustment(group="CO", carc="97"), Adjustment(group="PR", carc="2")],
        appeal_deadline=None,
    )
    row = worklist_row(r, today=TODAY)
    assert row["carc"] == "CO-97; PR-2; CO-45"
    assert row["days_left"] == (TODAY - TODAY).days  # earliest due is today
    failed = Result(source="x.pdf", sha256=None, status="failed")
    frow = worklist_row(failed, today=TODAY)
    assert frow["category"] is None and frow["first_action"] is None and frow["days_left"] is None


def test_worklist_row_from_recommend_output() -> None:
    e = ex(["197"], payer="Example Health", claim_number="CLM-2", amount_billed=900.0)
    s = run(e, Category.PRIOR_AUTHORIZATION)
    r = _result(
        category=Category.PRIOR_AUTHORIZATION,
        codes=e.codes,
        appeal_deadline=s.appeal_deadline,
        deadline_basis=s.deadline_basis,
        recommendations=s.recommendations,
    )
    row = worklist_row(r, today=TODAY)
    assert row["days_left"] == s.days_left
    assert row["deadline_basis"] == "erisa_aca_internal_appeal"
    assert row["first_action"] == "Check whether an authorization exists"


# --------------------------------------------------------------------------- malformed playbooks


def _bad_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_PLAYBOOKS_PATH.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "playbooks.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def test_packaged_playbooks_load() -> None:
    pb = load_playbooks(DEFAULT_PLAYBOOKS_PATH)
    assert pb.playbooks[0].id == "unprocessable_ma130"


def test_malformed_playbook_names_file_and_entry(tmp_path: Path) -> None:
    p = _bad_copy(
        tmp_path,
        "    who: billing_office\n    when: {needs_review: true}",
        "    who: billing_office\n    when: {needs_review: true, colour: red}",
    )
    with pytest.raises(DataFileError) as err:
        load_playbooks(p)
    msg = str(err.value)
    assert msg.startswith("playbooks.yaml:")
    assert "common_actions[0] (id='review_classification').when.colour" in msg


def test_bad_code_and_bad_who_are_reported(tmp_path: Path) -> None:
    p = _bad_copy(tmp_path, "when: {rarc_any: [MA130]}", "when: {rarc_any: [XX130]}")
    with pytest.raises(
        DataFileError, match=r"playbooks\[0\] \(id='unprocessable_ma130'\)\.when\.rarc_any"
    ):
        load_playbooks(p)
    p = _bad_copy(
        tmp_path,
        "      - id: fix_claim_data\n        who: billing_office",
        "      - id: fix_claim_data\n        who: insurer",
    )
    with pytest.raises(DataFileError, match=r"actions\[0\] \(id='fix_claim_data'\)\.who"):
        load_playbooks(p)


def test_missing_category_default_is_reported(tmp_path: Path) -> None:
    p = _bad_copy(
        tmp_path,
        "  - id: duplicate_claim\n    categories: [duplicate_claim]",
        "  - id: duplicate_claim\n    categories: [eligibility]",
    )
    with pytest.raises(DataFileError, match=r"no default playbook.*duplicate_claim"):
        load_playbooks(p)


def test_yaml_syntax_error_in_playbooks(tmp_path: Path) -> None:
    p = tmp_path / "playbooks.yaml"
    p.write_text("version: 1\nplaybooks:\n  - id: x\n    summary: {billing_office: [\n")
    with pytest.raises(DataFileError, match=r"playbooks\.yaml: YAML syntax error at line \d+"):
        load_playbooks(p)


def test_missing_voice_is_reported(tmp_path: Path) -> None:
    p = _bad_copy(tmp_path, "      patient: Have someone double-check what this letter says\n", "")
    with pytest.raises(
        DataFileError, match=r"common_actions\[0\] \(id='review_classification'\)\.title\.patient"
    ):
        load_playbooks(p)


def test_untagged_source_is_reported(tmp_path: Path) -> None:
    p = _bad_copy(
        tmp_path,
        '"42 CFR 438.408(f) [mem]"\n        due:',
        '"42 CFR 438.408(f)"\n        due:',
    )
    with pytest.raises(DataFileError, match=r"\(id='state_fair_hearing'\)\.sources"):
        load_playbooks(p)
