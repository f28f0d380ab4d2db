"""Deadline rules: exact dates per plan type, precedence, data-file validation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.datamodel import Adjustment, Codes, Extraction
from pipeline.deadlines import (
    DEFAULT_RULES_PATH,
    DataFileError,
    add_months,
    appeal_deadline,
    load_deadline_rules,
    parse_stated_rule,
    reopening_deadline,
    resubmission_deadline,
    stage_of,
)
from pipeline.errors import ConfigError

LETTER = date(2026, 3, 2)


def ex(**kw) -> Extraction:
    kw.setdefault("letter_date", LETTER)
    return Extraction(**kw)


@pytest.mark.parametrize(
    ("plan_type", "expected", "basis"),
    [
        ("commercial", LETTER + timedelta(days=180), "erisa_aca_internal_appeal"),
        ("medicare", LETTER + timedelta(days=5 + 120), "medicare_ab_redetermination"),
        ("medicare_advantage", LETTER + timedelta(days=65), "medicare_advantage_reconsideration"),
        ("part_d", LETTER + timedelta(days=5 + 60), "part_d_redetermination"),
        ("medicaid", LETTER + timedelta(days=60), "medicaid_managed_care_plan_appeal"),
    ],
)
def test_first_level_appeal_per_plan_type(plan_type: str, expected: date, basis: str) -> None:
    d = appeal_deadline(ex(plan_type=plan_type))
    assert (d.date, d.basis) == (expected, basis)
    assert d.citation


def test_exact_calendar_dates() -> None:
    assert appeal_deadline(ex(plan_type="medicare")).date == date(2026, 7, 5)
    assert appeal_deadline(ex(plan_type="commercial")).date == date(2026, 8, 29)
    assert appeal_deadline(ex(plan_type="medicare_advantage")).date == date(2026, 5, 6)
    assert appeal_deadline(ex(plan_type="part_d")).date == date(2026, 5, 6)
    assert appeal_deadline(ex(plan_type="medicaid")).date == date(2026, 5, 1)


def test_workers_comp_is_state_specific_and_null() -> None:
    d = appeal_deadline(ex(plan_type="workers_comp"))
    assert d.date is None
    assert d.basis == "workers_comp_state_specific"


def test_unknown_plan_type_gives_no_deadline() -> None:
    d = appeal_deadline(ex(plan_type=None))
    assert (d.date, d.basis) == (None, None)


def test_no_letter_date_never_uses_today() -> None:
    d = appeal_deadline(Extraction(plan_type="commercial"))
    assert d.date is None
    assert d.basis is None


def test_stated_date_wins_over_rules() -> None:
    d = appeal_deadline(ex(plan_type="medicare", appeal_deadline=date(2026, 4, 1)))
    assert (d.date, d.basis) == (date(2026, 4, 1), "stated")


def test_stated_rule_text_applies_to_letter_date() -> None:
    d = appeal_deadline(
        ex(plan_type="medicare", deadline_text="within 90 days of the date of this notice")
    )
    assert (d.date, d.basis) == (LETTER + timedelta(days=90), "stated_rule")
    d = appeal_deadline(ex(deadline_text="You may request external review within 4 months"))
    assert (d.date, d.basis) == (date(2026, 7, 2), "stated_rule")


@pytest.mark.parametrize(
    "text",
    [
        "You have 90 days from the day you receive this letter to send your request",
        "within 180 days of receipt of this notice",
        "You must appeal within 60 days after you get this notice",
        "within 120 days following your receipt of this notice",
        "Your request must be filed within 180 days of receiving this notice",
        "file the application within 30 days after the employee receives this decision",
        "must be filed within 120 days after the date the initial determination is received",
    ],
)
def test_window_counted_from_receipt_has_its_own_basis(text: str) -> None:
    d = appeal_deadline(ex(deadline_text=text))
    n = parse_stated_rule(text)[0]  # type: ignore[index]
    # the day of receipt is unknown: counted from the letter date, the earliest it closes
    assert (d.date, d.basis) == (LETTER + timedelta(days=n), "stated_rule_receipt")
    assert "receipt" in (d.note or "")


def test_window_counted_from_the_notice_date_is_a_stated_rule() -> None:
    for text in ("within 60 days of the date of this notice",
                 "You must ask within 65 days of the date on this letter"):
        assert appeal_deadline(ex(deadline_text=text)).basis == "stated_rule"


def test_stated_rule_without_letter_date_falls_through_to_nothing() -> None:
    d = appeal_deadline(Extraction(plan_type="commercial", deadline_text="within 180 days"))
    assert d.date is None


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("within 180 days of the date of this notice", (180, "days")),
        ("WITHIN 60 CALENDAR DAYS", (60, "days")),
        ("within sixty days", (60, "days")),
        ("within 4 months after", (4, "months")),
        ("as soon as possible", None),
        (None, None),
    ],
)
def test_parse_stated_rule(text: str | None, parsed: tuple[int, str] | None) -> None:
    assert parse_stated_rule(text) == parsed


def test_upheld_appeal_commercial_external_review_four_months() -> None:
    e = ex(plan_type="commercial", letter_date=date(2026, 3, 31), codes=Codes(carc=["193"]))
    assert stage_of(e) == "upheld"
    d = appeal_deadline(e)
    assert (d.date, d.basis) == (date(2026, 7, 31), "aca_external_review")


def test_upheld_appeal_month_end_clamps() -> None:
    e = ex(plan_type="commercial", letter_date=date(2026, 10, 31), codes=Codes(carc=["CO-193"]))
    assert appeal_deadline(e).date == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("plan_type", "expected", "basis"),
    [
        ("medicare", LETTER + timedelta(days=5 + 180), "medicare_qic_reconsideration"),
        ("medicaid", LETTER + timedelta(days=120), "medicaid_state_fair_hearing"),
        ("part_d", LETTER + timedelta(days=60), "part_d_ire_reconsideration"),
        ("medicare_advantage", None, "medicare_advantage_ire_auto_forward"),
        ("workers_comp", None, "workers_comp_state_specific"),
    ],
)
def test_upheld_appeal_next_level(plan_type: str, expected: date | None, basis: str) -> None:
    e = ex(
        plan_type=plan_type,
        adjustments=[Adjustment(group="CO", carc="193", service_date=date(2026, 1, 5))],
    )
    d = appeal_deadline(e)
    assert (d.date, d.basis) == (expected, basis)


def test_medicare_resubmission_window_is_12_months_from_earliest_service() -> None:
    e = ex(
        plan_type="medicare",
        service_dates=[date(2026, 1, 20)],
        adjustments=[Adjustment(service_date=date(2026, 1, 15))],
    )
    d = resubmission_deadline(e)
    assert (d.date, d.basis) == (date(2027, 1, 15), "medicare_timely_filing")


def test_medicare_reopening_one_year_from_initial_determination() -> None:
    d = reopening_deadline(ex(plan_type="medicare"))
    assert (d.date, d.basis) == (date(2027, 3, 2), "medicare_clerical_reopening")


def test_commercial_resubmission_window_is_payer_specific() -> None:
    d = resubmission_deadline(ex(plan_type="commercial", service_dates=[date(2026, 1, 15)]))
    assert d.date is None
    assert d.basis == "payer_specific_resubmission"


def test_resubmission_without_service_date_is_null() -> None:
    assert resubmission_deadline(ex(plan_type="medicare")).date is None


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 2), 12) == date(2027, 3, 2)


def test_packaged_rules_load_and_mem_facts_are_tagged() -> None:
    rules = load_deadline_rules(DEFAULT_RULES_PATH)
    names = {r.name for r in rules.rules}
    assert {"medicare_ab_redetermination", "aca_external_review"} <= names
    for r in rules.rules:
        assert f"[{r.confidence}" in r.citation


# --------------------------------------------------------------------------- malformed files

GOOD_RULE = """
  - name: ok_rule
    kind: appeal
    plan_types: [commercial]
    days: 180
    description: fine
    citation: "somewhere [src]"
    confidence: src
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "deadline_rules.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "version: 1\nrules:\n  - name: [unclosed\n")
    with pytest.raises(DataFileError, match=r"deadline_rules\.yaml: YAML syntax error at line"):
        load_deadline_rules(p)


def test_schema_error_names_the_bad_entry(tmp_path: Path) -> None:
    bad = """
  - name: broken_rule
    kind: appeal
    plan_types: [commercial]
    days: 180
    months: 4
    description: both days and months
    citation: "x [src]"
    confidence: src
"""
    p = _write(tmp_path, "version: 1\nrules:" + GOOD_RULE + bad)
    with pytest.raises(DataFileError) as err:
        load_deadline_rules(p)
    msg = str(err.value)
    assert "deadline_rules.yaml" in msg
    assert "rules[1] (name='broken_rule')" in msg
    assert "exactly one of 'days' or 'months'" in msg
    assert isinstance(err.value, ConfigError)


def test_unknown_key_and_bad_plan_type_rejected(tmp_path: Path) -> None:
    p = _write(tmp_path, "version: 1\nrules:" + GOOD_RULE.replace("days: 180", "dayz: 180"))
    with pytest.raises(DataFileError, match=r"rules\[0\] \(name='ok_rule'\)\.dayz"):
        load_deadline_rules(p)
    p = _write(tmp_path, "version: 1\nrules:" + GOOD_RULE.replace("[commercial]", "[medicare_x]"))
    with pytest.raises(DataFileError, match=r"plan_types\[0\]"):
        load_deadline_rules(p)


def test_mem_fact_must_be_tagged_in_citation(tmp_path: Path) -> None:
    p = _write(
        tmp_path, "version: 1\nrules:" + GOOD_RULE.replace("confidence: src", "confidence: mem")
    )
    with pytest.raises(DataFileError, match=r"confidence tag '\[mem'"):
        load_deadline_rules(p)


def test_duplicate_rule_names_rejected(tmp_path: Path) -> None:
    p = _write(tmp_path, "version: 1\nrules:" + GOOD_RULE + GOOD_RULE)
    with pytest.raises(DataFileError, match="duplicate rule name 'ok_rule'"):
        load_deadline_rules(p)


def test_top_level_must_be_mapping_and_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="expected a mapping"):
        load_deadline_rules(_write(tmp_path, "- just\n- a list\n"))
    with pytest.raises(DataFileError, match="cannot read file"):
        load_deadline_rules(tmp_path / "missing.yaml")


def test_custom_rules_are_used(tmp_path: Path) -> None:
    rules = load_deadline_rules(_write(tmp_path, "version: 1\nrules:" + GOOD_RULE))
    d = appeal_deadline(ex(plan_type="commercial"), rules=rules)
    assert (d.date, d.basis) == (LETTER + timedelta(days=180), "ok_rule")
    assert appeal_deadline(ex(plan_type="medicare"), rules=rules).date is None


def test_plan_type_spelling_is_normalised() -> None:
    assert appeal_deadline(ex(plan_type="Medicare")).basis == "medicare_ab_redetermination"
    assert appeal_deadline(ex(plan_type="Medicare Advantage")).date == LETTER + timedelta(days=65)
    assert appeal_deadline(ex(plan_type="tricare")).date is None
