"""The hand-written sets (eval/): mail in layouts the generator never makes.

The development set guards what was fixed from it: every code it prints is read and
every document is triaged. The test set is only checked for being well formed and
processable: its scores are measured, never asserted, so nobody tunes on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import load_truth, run_corpus, summarise_scored
from pipeline.triage import Triager

ROOT = Path(__file__).resolve().parent.parent / "eval"


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager()


SIZES = {"handwritten": 24, "handwritten_test": 24, "handwritten2": 40, "handwritten_test2": 40}
TEST_SETS = ["handwritten_test", "handwritten_test2"]


@pytest.mark.parametrize("name", sorted(SIZES))
def test_set_is_well_formed(name: str) -> None:
    folder = ROOT / name
    truth = load_truth(folder)
    files = {p.name for p in folder.glob("*.txt")}
    assert len(truth) == SIZES[name] and {t["file"] for t in truth} == files
    keys = {k for t in truth for k in t}
    dev_keys = {k for t in load_truth(ROOT / "handwritten") for k in t}
    assert keys == dev_keys
    assert all(json.dumps(t) for t in truth)


def test_development_set_codes_are_all_read(triager: Triager) -> None:
    folder = ROOT / "handwritten"
    summary = summarise_scored(run_corpus(folder, load_truth(folder), triager, workers=2))
    assert summary["processed"] == 24 and summary["failed"] == []
    for kind in ("carc", "rarc", "group", "cpt_hcpcs", "icd10"):
        assert summary["codes"][kind]["f1"] >= 0.95, kind
    assert summary["fields"]["claim_number"] >= 0.95
    assert summary["fields"]["payer"] >= 0.95


@pytest.mark.parametrize("name", TEST_SETS)
def test_every_test_set_document_is_triaged(triager: Triager, name: str) -> None:
    folder = ROOT / name
    scored = run_corpus(folder, load_truth(folder), triager, workers=2)
    assert [s.result["status"] for s in scored] == ["ok"] * SIZES[name]
