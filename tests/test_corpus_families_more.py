"""Tests specific to the families of ``pipeline.corpus.families_more``.

The generic corpus tests (``tests/test_corpus.py``) already run over every family:
truth printed, result contract, determinism of whole corpora. These check what each
new family is for: non-denials that say nothing is denied and carry no denial codes,
denials in new layouts that print their reason and codes, and the registry.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from pipeline.corpus import FORMS, generate_corpus, generate_document, plan_corpus
from pipeline.corpus.doc import Para, to_text
from pipeline.corpus.families import FAMILIES, FAMILY_BY_ID
from pipeline.corpus.families_more import MORE_FAMILIES

NEW_IDS = [f.id for f in MORE_FAMILIES]
NON_DENIAL = [f for f in MORE_FAMILIES if f.categories == ("not_a_denial",)]
DENIAL = [f for f in MORE_FAMILIES if "not_a_denial" not in f.categories]

# A sentence of the document itself saying that something was denied (as opposed to
# "will be denied" in a policy bulletin or "has not been decided").
ASSERTED_DENIAL = re.compile(
    r"(?i)\b(?:we|has been|have been|was|were|is|are)\s+denied\b|\bdenial\s+(?:notice|letter)\b|"
    r"\badverse\s+(?:benefit\s+)?determination\b|\bstatus\s*[:|]\s*denied\b|\bnot\s+payable\b"
)
DENY_WORD = re.compile(r"(?i)\bden(?:y|ies|ied|ial|ials)\b")
PAYMENT_CARCS = {"45", "1", "2", "3", "253"}


def _builds(fam, n: int = 4):
    """(doc, truth, text) for n seeds x full/compact x each category of the family."""
    for category in fam.categories:
        for i in range(n):
            for compact in (False, True):
                doc, truth = fam.build(
                    random.Random(f"more:{fam.id}:{category}:{i}"), category, compact
                )
                yield doc, truth, to_text(doc)


def _flat(text: str) -> str:
    """One line; a word broken after its hyphen by the text wrapper is joined again."""
    return " ".join(text.split()).replace("- ", "-")


# --------------------------------------------------------------------------- registry


def test_new_families_are_registered_once_in_the_one_list():
    ids = [f.id for f in FAMILIES]
    assert len(MORE_FAMILIES) >= 8
    assert len(ids) == len(set(ids))
    assert set(NEW_IDS) <= set(ids)
    assert set(FAMILY_BY_ID) == set(ids)
    for f in MORE_FAMILIES:
        assert FAMILY_BY_ID[f.id] is f
    assert len(NON_DENIAL) >= 6 and len(DENIAL) >= 3


def test_each_new_family_appears_in_the_plan_of_a_moderate_corpus():
    plan = plan_corpus(120, seed=0)
    assert set(NEW_IDS) <= {fam for fam, _, _ in plan}
    only_new = Counter(fam for fam, _, _ in plan_corpus(60, seed=1, families=NEW_IDS))
    assert set(only_new) == set(NEW_IDS)
    assert min(only_new.values()) >= 60 // len(NEW_IDS)


# --------------------------------------------------------------------------- non-denials


@pytest.mark.parametrize("fam", NON_DENIAL, ids=lambda f: f.id)
def test_non_denial_family_says_nothing_is_denied_and_has_no_denial_codes(fam):
    for _doc, truth, text in _builds(fam):
        assert truth["category"] == "not_a_denial"
        assert truth["document_type"] == fam.doc_type
        assert truth["secondary_categories"] == []
        assert truth["reason_text"] is None and truth["appeal_deadline"] is None
        assert truth["codes"]["carc"] == [] and truth["codes"]["rarc"] == []
        assert truth["codes"]["group"] == []
        for a in truth["adjustments"]:
            assert a["denied"] is False
            assert a["carc"] is None or a["carc"] in PAYMENT_CARCS
        m = ASSERTED_DENIAL.search(_flat(text))
        assert m is None, (fam.id, m.group() if m else None)


def test_paid_835_lists_only_payment_adjustments_that_add_up():
    fam = FAMILY_BY_ID["remit_835_paid"]
    for _doc, truth, text in _builds(fam, 8):
        assert truth["document_type"] == "remittance"
        by_line: dict[tuple[str, int], list[dict]] = {}
        for a in truth["adjustments"]:
            assert (a["group"], a["carc"]) in {("CO", "45"), ("PR", "1"), ("PR", "2"), ("PR", "3")}
            by_line.setdefault((a["claim_number"], a["line"]), []).append(a)
        pr_first = 0.0
        for (claim, _), adjs in by_line.items():
            a0 = adjs[0]
            co = sum(x["amount"] for x in adjs if x["group"] == "CO")
            pr = sum(x["amount"] for x in adjs if x["group"] == "PR")
            assert abs(a0["billed"] - a0["allowed"] - co) < 0.011
            assert abs(a0["allowed"] - pr - a0["paid"]) < 0.011
            if claim == truth["claim_number"]:
                pr_first += pr
        assert abs(pr_first - truth["patient_responsibility"]) < 0.011
        # the 835 view prints the CAS group and reason of every adjustment
        for a in truth["adjustments"]:
            assert re.search(rf"{a['group']}[-*]{a['carc']}\b", text), a


def test_patient_statement_balance_is_charges_less_insurance():
    fam = FAMILY_BY_ID["nondenial_patient_statement"]
    for _doc, truth, text in _builds(fam, 8):
        flat = _flat(text)
        assert truth["provider"] and truth["provider"].upper() in flat.upper()
        assert f"Insurance on file: {truth['payer']}" in flat
        assert truth["amount_billed"] is not None and truth["patient_responsibility"] is not None
        m = re.search(r"Insurance payments and adjustments: -\$([\d,]+\.\d\d)", flat)
        assert m is not None
        paid_adj = float(m.group(1).replace(",", ""))
        assert abs(truth["amount_billed"] - paid_adj - truth["patient_responsibility"]) < 0.011
        if truth["claim_number"] is None:
            assert "Insurance claim" not in flat


def test_claim_ack_and_pended_claim_print_codes_and_decide_nothing():
    for fid in ("nondenial_claim_ack", "nondenial_pended_info"):
        for _doc, truth, text in _builds(FAMILY_BY_ID[fid], 6):
            flat = _flat(text)
            assert truth["claim_number"] in flat
            assert truth["codes"]["cpt"] or truth["codes"]["hcpcs"]
            assert re.search(
                r"(?i)not a payment decision|no (?:payment )?decision|not been decided|"
                r"nothing on this claim has been decided|pending|on hold|processing",
                flat,
            ), (fid, flat[:300])
            if fid == "nondenial_pended_info":
                # asks for something by a date: that date is not an appeal deadline
                assert re.search(r"(?i)\bby\b", flat) and truth["appeal_deadline"] is None


def test_appeal_overturned_quotes_the_original_reason_without_denying():
    fam = FAMILY_BY_ID["nondenial_appeal_overturned"]
    for _doc, truth, text in _builds(fam, 8):
        flat = _flat(text)
        quoted = re.search(r'"([^"]{20,})"', flat)
        assert quoted, flat[:400]
        assert re.search(r"(?i)reversed|overturned|in your favor|changed our decision", flat)
        assert truth["reason_text"] is None and truth["codes"]["carc"] == []
        assert truth["claim_number"] in flat and truth["codes"]["cpt"] + truth["codes"]["hcpcs"]


def test_policy_bulletin_talks_like_a_denial_but_has_no_ids_or_codes():
    fam = FAMILY_BY_ID["nondenial_policy_bulletin"]
    texts = []
    for _doc, truth, text in _builds(fam, 6):
        texts.append(text)
        assert all(v == [] for v in truth["codes"].values())
        for k in ("claim_number", "member_id", "patient_name", "provider", "amount_billed"):
            assert truth[k] is None
        assert re.search(r"(?i)prior authorization|medically necessary|medical necessity", text)
        assert re.search(r"\b\d{5}\b|\b[A-Z]\d{4}\b", text)  # names procedure codes
    assert any(re.search(r"(?i)will be denied|will not be paid", t) for t in texts)


def test_premium_bill_is_not_about_a_claim():
    fam = FAMILY_BY_ID["nondenial_premium_bill"]
    for _doc, truth, text in _builds(fam, 6):
        assert re.search(r"Total amount due: \$[\d,]+\.\d\d", text)
        assert truth["member_id"] in text and truth["payer"] in text
        # a premium is not a charge for a service nor a patient's share of one
        for k in ("claim_number", "provider", "amount_billed", "patient_responsibility"):
            assert truth[k] is None
        assert truth["service_dates"] == [] and all(v == [] for v in truth["codes"].values())


# --------------------------------------------------------------------------- denials


@pytest.mark.parametrize("fam", DENIAL, ids=lambda f: f.id)
def test_new_denial_family_prints_its_reason_and_codes(fam):
    seen_carc = False
    for _doc, truth, text in _builds(fam, 3):
        flat = _flat(text)
        assert truth["category"] in fam.categories and truth["category"] != "not_a_denial"
        assert truth["reason_text"] and _flat(truth["reason_text"]) in flat
        assert truth["claim_number"] in flat
        for code in truth["codes"]["carc"] + truth["codes"]["rarc"]:
            seen_carc = True
            assert re.search(rf"(?<![0-9A-Za-z])(?:CO|PR|OA|PI)?-?{re.escape(code)}\b", flat)
        for code in truth["codes"]["cpt"] + truth["codes"]["hcpcs"]:
            assert code in flat
    assert seen_carc, fam.id


def test_portal_status_page_marks_denied_lines_with_their_codes():
    fam = FAMILY_BY_ID["portal_claim_status"]
    for _doc, truth, text in _builds(fam, 2):
        assert truth["document_type"] == "remittance"
        assert re.search(r"Claim Status\s*[:|]\s*\S", text)
        denied = [a for a in truth["adjustments"] if a["denied"]]
        assert denied
        for a in denied:
            row = next(
                ln
                for ln in text.splitlines()
                if re.match(rf"{a['line']}\s+\S", ln) and a["cpt"] in ln
            )
            assert "Denied" in row and f"{a['group']}-{a['carc']}" in row
        assert set(truth["codes"]["carc"]) == {a["carc"] for a in denied}


def test_secure_message_never_uses_the_word_denied():
    fam = FAMILY_BY_ID["secure_message_notice"]
    for _doc, truth, text in _builds(fam, 3):
        assert DENY_WORD.search(text) is None, DENY_WORD.search(text)
        assert truth["document_type"] == "denial_letter"
        assert re.search(
            r"(?i)unable to pay|not approved|closed without payment|can't pay", _flat(text)
        )
        assert re.search(r"(?m)^(?:From|Subject)\s*:", text)


def test_terse_notice_is_one_short_paragraph():
    fam = FAMILY_BY_ID["terse_notice"]
    for doc, truth, text in _builds(fam, 3):
        paras = [b for b in doc.blocks if isinstance(b, Para)]
        assert len(paras) <= 5
        body = max(paras, key=lambda p: len(p.text))
        assert truth["claim_number"] in body.text
        assert _flat(truth["reason_text"]).casefold() in _flat(body.text).casefold()
        assert len(text.split()) < 220


# --------------------------------------------------------------------------- determinism, forms


def test_new_families_are_deterministic(tmp_path):
    a = generate_corpus(tmp_path / "a", 20, seed=3, forms=["text", "text_pdf"], families=NEW_IDS)
    b = generate_corpus(tmp_path / "b", 20, seed=3, forms=["text", "text_pdf"], families=NEW_IDS)
    assert a == b
    for r in a:
        assert (tmp_path / "a" / r["file"]).read_bytes() == (
            tmp_path / "b" / r["file"]
        ).read_bytes()
    assert {r["family"] for r in a} == set(NEW_IDS)


def test_each_new_family_renders_in_some_image_form(tmp_path):
    forms = [f for f in FORMS if f != "text"]
    for i, fid in enumerate(NEW_IDS):
        fam = FAMILY_BY_ID[fid]
        form = forms[i % len(forms)]
        rec = generate_document(tmp_path, fid, fam.categories[0], seed=i, form=form)
        assert (tmp_path / rec["file"]).stat().st_size > 1000
        assert rec["family"] == fid and rec["document_type"] == fam.doc_type
