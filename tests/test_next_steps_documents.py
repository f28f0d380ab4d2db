"""Next steps on real generated documents: one letter per category, triaged end to end.

Each document is written by the corpus generator (a provider letter; a paid EOB for
`not_a_denial`), read, extracted and classified by the shipped model, and given its
recommendations; the test checks the category's key action and the due dates.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from pipeline.corpus import CATEGORIES, FAMILY_BY_ID
from pipeline.corpus.doc import to_text
from pipeline.triage import Triager

TODAY = date(2026, 11, 26)

# the action that must be among the recommendations for each category
KEY_ACTION = {
    "prior_authorization": {"reconcile_authorization", "check_authorization",
                            "retro_authorization", "appeal_with_lmn"},
    "medical_necessity": {"request_criteria"},
    "step_therapy": {"step_therapy_exception"},
    "missing_documentation": {"send_records"},
    "coding_error": {"corrected_claim"},
    "not_covered": {"verify_exclusion"},
    "experimental_investigational": {"gather_evidence"},
    "benefit_limit": {"verify_count"},
    "out_of_network": {"verify_network_status"},
    "timely_filing": {"find_proof_of_timely_filing"},
    "duplicate_claim": {"do_not_resubmit"},
    "eligibility": {"verify_coverage_on_dos"},
    "coordination_of_benefits": {"route_to_correct_payer", "send_primary_eob",
                                 "determine_primary"},
    "not_a_denial": {"post_payment"},
}


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager(today=TODAY)


def _document(tmp_path: Path, category: str) -> tuple[Path, dict]:
    family = "nondenial_eob_paid" if category == "not_a_denial" else "commercial_provider_letter"
    doc, truth = FAMILY_BY_ID[family].build(random.Random(f"t:{category}:0"), category, False)
    path = tmp_path / f"{category}.txt"
    path.write_text(to_text(doc))
    return path, truth


def test_every_category_has_a_key_action() -> None:
    assert set(KEY_ACTION) == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_recommended_action_and_due_dates_on_a_generated_document(
    tmp_path: Path, triager: Triager, category: str
) -> None:
    path, truth = _document(tmp_path, category)
    result = triager.triage(path)
    assert result.status == "ok"
    assert result.category == category
    actions = [r.action for r in result.recommendations]
    assert KEY_ACTION[category] & set(actions), actions
    if truth.get("appeal_deadline"):  # a deadline the letter states wins
        assert result.appeal_deadline == date.fromisoformat(truth["appeal_deadline"])
        assert result.deadline_basis in ("stated", "stated_rule")
    for rec in result.recommendations:
        if rec.due is None:
            continue
        if result.letter_date:
            assert rec.due >= result.letter_date, rec.action
        if result.appeal_deadline and result.appeal_deadline >= TODAY:
            assert rec.due <= result.appeal_deadline, rec.action  # never after the deadline
    if category == "not_a_denial":
        assert result.appeal_draft is None
