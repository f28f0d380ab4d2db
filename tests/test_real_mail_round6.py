"""Round 6 regressions: how real mail says (or does not say) that something was denied.

Found on the second hand-written development set (eval/handwritten2/): a reference
number shaped like a group code and CARC, approvals with an empty "non-certified"
label, decisions reversed in full that recount the denial they reverse, notices that
say no claim was denied, accepted workers' comp claims, "RESULT: NOT APPROVED" and
dismissed appeals, and timely-filing wording of a dismissal. Every snippet was written
for these tests (no evaluation document is pasted); names and identifiers are invented.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.classify import KEYWORDS, ModelClassifier, default_classifier
from pipeline.datamodel import Category, DocumentType
from pipeline.extract import extract


def _type(text: str) -> DocumentType:
    return extract(text).document_type


# --- codes ---------------------------------------------------------------------------------


def test_reference_number_shaped_like_a_group_code_is_not_a_carc() -> None:
    text = ("NOTICE OF COVERAGE DECISION\nMember ID TST-0001  Request PR-26-118842\n"
            "Decision: NOT APPROVED. The plan excludes this surgery.")
    assert extract(text).codes.carc == []


def test_group_code_carc_and_amount_joined_by_dashes_is_still_a_code() -> None:
    text = ("SVC|1|02/02/2026|97110|GP|2|150.00|0.00|0.00|PR-27-150.00|\n"
            "27 Expenses incurred after coverage terminated.")
    codes = extract(text).codes
    assert "27" in codes.carc and "PR" in codes.group


# --- document type -------------------------------------------------------------------------

APPROVAL_WITH_EMPTY_LABEL = """Utilization review determination
Determination: CERTIFIED (approved as requested)
Non-certified items: None
Authorization number: AUTH-TEST-0001
Your request was approved for the dates below.
"""

FULL_REVERSAL = """RE: Reconsideration decision - FULLY FAVORABLE
Dear Provider:
We have completed our review of your request for reconsideration.
Background
On 01/05/2026 we denied payment for the service with adjustment code CO-50, because the
notes did not show the required relief from the diagnostic blocks.
Decision
A reviewer who was not involved in the first decision found the criteria met. We are
reversing our original decision in full, and the claim has been sent back for payment.
"""

PARTIAL_REVERSAL = FULL_REVERSAL.replace(
    "We are\nreversing our original decision in full",
    "We are\nreversing our original decision for the first line; the second line remains "
    "denied",
)


def test_an_empty_non_certified_label_is_no_adverse_decision() -> None:
    assert _type(APPROVAL_WITH_EMPTY_LABEL) is DocumentType.OTHER


def test_a_decision_reversed_in_full_is_not_a_denial_letter() -> None:
    assert _type(FULL_REVERSAL) is DocumentType.OTHER


def test_a_decision_reversed_in_part_is_still_a_denial_letter() -> None:
    assert _type(PARTIAL_REVERSAL) is DocumentType.DENIAL_LETTER


def test_a_notice_that_says_no_claim_was_denied_is_not_a_denial_letter() -> None:
    text = ("Premium statement for March 2026\nAmount due: $412.00 by 03/01/2026.\n"
            "This notice is sent to all members; it does not mean that any claim has been "
            "denied.\nPay online or by mail.")
    assert _type(text) is DocumentType.OTHER


def test_an_accepted_workers_comp_claim_is_not_a_denial_letter() -> None:
    text = ("NOTICE OF COMPENSATION PAYABLE\nDear Ms. Tester,\nThe insurer accepts your claim "
            "for the injury described above. Reasonable medical treatment will be paid.\n"
            "If you disagree with anything in this notice, call your adjuster.")
    assert _type(text) is DocumentType.OTHER


@pytest.mark.parametrize("text", [
    "COVERAGE REVIEW RESULT\nDrug: test drug 10 mg\nRESULT:  NOT APPROVED\n"
    "Reason: a preferred product must be tried first.",
    "NOTICE OF DISMISSAL - REQUEST FOR REDETERMINATION\nWe are dismissing your request for a "
    "redetermination of the claim above.",
])
def test_not_approved_results_and_dismissals_are_denial_letters(text: str) -> None:
    assert _type(text) is DocumentType.DENIAL_LETTER


def test_a_late_appeal_request_reads_as_timely_filing() -> None:
    sentence = "Your request was received late and did not show good cause for the delay."
    assert any(p.search(sentence) for p in KEYWORDS[Category.TIMELY_FILING])


# --- decision ------------------------------------------------------------------------------


def test_a_denial_read_from_a_document_stating_no_adverse_decision_goes_to_review() -> None:
    """A pended claim's letter prints the code it *would* be denied with: the rule that
    makes "other" mail not a denial cannot apply (it has a denial code), so the model's
    denial goes to review instead of out as certain."""
    clf = default_classifier()
    assert isinstance(clf, ModelClassifier)
    text = ("REQUEST FOR MEDICAL RECORDS - CLAIM ON HOLD\nClaim number: CLMTEST0001\n"
            "This claim was selected for review before payment. To finish the review we "
            "need the operative notes. If we do not receive the records by 04/30/2026, you "
            "will receive a remittance with adjustment code CO-252.")
    ext = extract(text)
    assert ext.document_type is DocumentType.OTHER and "252" in ext.codes.carc
    classes = list(clf._classes)
    proba = np.full(len(classes), 0.01)
    proba[classes.index(Category.MISSING_DOCUMENTATION)] = 0.99
    d = clf.decide(proba, text, ext)
    assert d.category is Category.MISSING_DOCUMENTATION
    assert d.conflict and d.conflict_note and "no adverse decision" in d.conflict_note


def test_a_denial_read_from_a_paid_statement_goes_to_review() -> None:
    """An EOB with no denial code and no adverse statement: a denial the model reads
    from its words (a drug list, "prior authorization" in the fine print) is sent to
    review; the same EOB with a denied line is not held back by this rule."""
    clf = default_classifier()
    assert isinstance(clf, ModelClassifier)
    paid = ("EXPLANATION OF BENEFITS\nThis is not a bill.\nMember ID: TST0001\n"
            "Drug                      Cost     Plan paid   You paid\n"
            "test drug 10 mg           $84.10   $74.10      $10.00\n"
            "Some drugs on the plan's drug list need prior authorization.")
    ext = extract(paid)
    assert ext.document_type is DocumentType.EOB and ext.adverse_statements == 0
    classes = list(clf._classes)
    proba = np.full(len(classes), 0.01)
    proba[classes.index(Category.NOT_COVERED)] = 0.99
    d = clf.decide(proba, paid, ext)
    assert d.conflict and d.conflict_note and "no adverse decision" in d.conflict_note

    denied = paid + "\nThe claim for this drug was denied: it is not covered by your plan."
    ext2 = extract(denied)
    assert ext2.adverse_statements >= 1
    assert not clf.decide(proba, denied, ext2).conflict


@pytest.mark.parametrize("text", [
    "Subject: your claim\nHi Sam,\nThe claim for your visit on 01/02/2026 was closed without "
    "payment.\nYou or your doctor can ask for a review of this decision within 180 days.",
    "Hi Sam,\nWe finished looking at the claim for your visit. Unfortunately we're unable to "
    "pay it. If you think we got this wrong, you can ask us to take another look.",
    "CLAIM NOTICE\nThe charge of $98.00 for 98941 on 01/02/2026 was not paid.\nWhy: the plan "
    "has no benefit for this service. Appeals must reach us by 06/01/2026.",
])
def test_plain_language_denials_in_messages_and_postcards_are_denial_letters(text: str) -> None:
    assert _type(text) is DocumentType.DENIAL_LETTER


def test_what_happened_on_a_replaced_claim_is_not_this_letters_decision() -> None:
    text = ("REPLACEMENT CLAIM PROCESSED\nWe processed your replacement claim.\n"
            "On the original claim the drug line was not paid because the NDC was missing. "
            "The replacement claim includes the NDC, and the line has now been paid.")
    assert extract(text).adverse_statements == 0


def test_a_claim_pended_with_carc_133_and_nothing_denied_is_not_a_denial() -> None:
    clf = default_classifier()
    assert isinstance(clf, ModelClassifier)
    text = ("EXPLANATION OF BENEFITS\nThis is not a bill.\nClaim number: CLMTEST0002\n"
            "Service      Billed    Paid   Code\n97110        $120.00   $0.00  OA-133\n"
            "OA-133: The disposition of this service line is pending further review.")
    ext = extract(text)
    assert [a.carc for a in ext.adjustments] == ["133"] and ext.adverse_statements == 0
    classes = list(clf._classes)
    proba = np.full(len(classes), 0.01)
    proba[classes.index(Category.COORDINATION_OF_BENEFITS)] = 0.9
    d = clf.decide(proba, text, ext)
    assert d.category is Category.NOT_A_DENIAL
    assert d.confidence == pytest.approx(0.01)  # the model's own: sent to review
