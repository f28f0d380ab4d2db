"""The evaluation harness, checked by hand on a tiny corpus (not model scores)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.datamodel import Category, Classification
from pipeline.errors import ConfigError
from pipeline.evaluate import (
    category_scores,
    code_scores,
    field_matches,
    format_report,
    load_truth,
    prf,
    report,
    run_corpus,
)
from pipeline.settings import Settings
from pipeline.triage import Triager


def test_prf_by_hand() -> None:
    assert prf(2, 1, 0) == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    assert prf(0, 0, 1) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert prf(0, 0, 0)["f1"] == 1.0  # nothing to find, nothing found


def test_category_scores_by_hand() -> None:
    s = category_scores(["a", "b", "a"], ["a", "a", "a"])
    assert s["accuracy"] == 0.6667
    assert s["per_category"]["a"]["f1"] == 0.8 and s["per_category"]["b"]["f1"] == 0.0
    assert s["macro_f1"] == 0.4
    assert s["confusion"] == {"a": {"a": 2}, "b": {"a": 1}}


def test_code_scores_count_pairs_and_merge_cpt_with_hcpcs() -> None:
    s = code_scores([
        ({"carc": ["197", "50"], "cpt": ["62323"], "hcpcs": ["J3490"]},
         {"carc": ["197", "16"], "cpt": ["62323", "J3490"], "hcpcs": []}),
    ])
    assert (s["carc"]["precision"], s["carc"]["recall"]) == (0.5, 0.5)
    assert s["cpt"]["precision"] == 0.5 and s["cpt"]["recall"] == 1.0
    assert s["cpt_hcpcs"]["f1"] == 1.0  # J3490 found, only filed under the other kind


def test_field_matches_normalise_case_space_numbers_and_lists() -> None:
    truth = {"payer": "Acme  Health", "amount_billed": 1250.0, "service_dates": ["2026-01-02",
             "2026-01-01"], "appeal_deadline": None, "member_id": "X1"}
    got = {"payer": "ACME health", "amount_billed": 1250.004, "service_dates": ["2026-01-01",
           "2026-01-02"], "appeal_deadline": "2026-05-01", "deadline_basis": "stated",
           "member_id": "X1"}
    assert field_matches(truth, got) == {"payer": True, "amount_billed": True,
                                         "service_dates": True, "appeal_deadline": False,
                                         "member_id": True}


class AlwaysPriorAuth:
    name = "always-pa"
    metadata = {"held_out_families": ["fam_b"], "held_out_payers": []}

    def classify(self, text, extraction):  # type: ignore[no-untyped-def]
        return Classification(category=Category.PRIOR_AUTHORIZATION, confidence=0.9,
                              needs_review="review me" in text)


def _tiny_corpus(tmp_path: Path) -> Path:
    docs = [
        ("a.txt", "fam_a", "prior_authorization", "Claim RA1. CO-197 no authorization on file."),
        ("b.txt", "fam_b", "medical_necessity", "CO-50 not medically necessary. review me"),
        ("c.txt", "fam_a", "prior_authorization", "Precertification was not obtained."),
    ]
    truth = []
    for name, fam, cat, text in docs:
        (tmp_path / name).write_text(text)
        truth.append({"file": name, "family": fam, "payer": "P", "form": "text",
                      "category": cat, "document_type": "denial_letter",
                      "codes": {"carc": ["197"] if "197" in text else
                                ["50"] if "CO-50" in text else []}})
    (tmp_path / "missing.txt").unlink(missing_ok=True)
    truth.append({"file": "missing.txt", "family": "fam_a", "payer": "P", "form": "text",
                  "category": "timely_filing", "codes": {}})
    (tmp_path / "ground_truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in truth))
    return tmp_path


def test_harness_on_a_tiny_hand_checked_corpus(tmp_path: Path) -> None:
    corpus = _tiny_corpus(tmp_path)
    triager = Triager(settings=Settings(workers=1), classifier=AlwaysPriorAuth())
    scored = run_corpus(corpus, load_truth(corpus), triager, workers=2)
    rep = report(scored, ({"fam_b"}, set()))
    a = rep["all"]
    assert a["documents"] == 4 and a["processed"] == 3
    assert a["failed"] == [{"file": "missing.txt", "kind": "unreadable_file"}]
    assert a["category"]["accuracy"] == 0.5  # a, c right; b and the failure wrong
    assert a["codes"]["carc"]["recall"] == 1.0  # 197 and 50 both found
    assert a["review"]["flagged_share"] == 0.5  # b asked for review, the failure too
    assert a["review"]["accuracy_unflagged"] == 1.0
    assert rep["held_out"]["documents"] == 1 and rep["held_out"]["category"]["accuracy"] == 0.0
    assert rep["in_family"]["documents"] == 3
    assert set(rep["by_form"]) == {"text"}
    # the keyword baseline ran on the same documents
    assert a["baseline_category"]["n"] == 4
    text = format_report(rep)
    assert "held-out families/payers: 1 documents" in text
    assert "missing.txt (unreadable_file)" in text


def test_a_corpus_without_ground_truth_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ground_truth.jsonl"):
        load_truth(tmp_path)


@pytest.mark.tesseract
def test_denials_eval_runs_on_the_committed_sample_set(tmp_path: Path, capsys) -> None:
    """`denials eval` end to end on the bundled samples (every form among the first 15)."""
    from pipeline.cli import main

    samples = Path(__file__).resolve().parent.parent / "sample_letters"
    truth = load_truth(samples)[:15]
    out = tmp_path / "eval.json"
    assert main(["eval", str(samples), "--limit", "15", "--json", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert rep["all"]["documents"] == 15
    forms = {t["form"] for t in truth}
    assert len(forms) >= 4
    assert sum(s["documents"] for s in rep["by_form"].values()) == 15
    for s in (rep["all"], *rep["by_form"].values()):
        assert 0 <= s["category"]["accuracy"] <= 1
        assert s["baseline_category"]["n"] == s["documents"]
    assert "held_out" in rep  # the shipped model names its held-out families
    printed = capsys.readouterr().out
    assert "keyword baseline" in printed and "== all documents: 15 documents" in printed


def test_derived_deadline_is_not_scored_as_a_stated_one() -> None:
    # bug: eval_scored_rule_deadlines_as_extracted. A record whose deadline came from the
    # plan-type rule was compared with the truth's stated deadline (null) and failed.
    from pipeline.evaluate import field_matches

    truth = {"appeal_deadline": None}
    derived = {"appeal_deadline": "2026-09-01", "deadline_basis": "erisa_aca_internal_appeal"}
    stated = {"appeal_deadline": "2026-09-01", "deadline_basis": "stated"}
    assert field_matches(truth, derived)["appeal_deadline"] is True
    assert field_matches(truth, stated)["appeal_deadline"] is False
    assert field_matches({"appeal_deadline": "2026-09-01"}, stated)["appeal_deadline"] is True
    assert field_matches({"appeal_deadline": "2026-09-01"}, derived)["appeal_deadline"] is False
