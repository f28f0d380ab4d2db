"""The scorer compares patient names in the record's canonical "First Last" form."""

from __future__ import annotations

from pipeline.evaluate import field_matches


def test_patient_name_compared_in_canonical_first_last_form() -> None:
    truth = {"patient_name": "Gloria Sampleton"}
    assert field_matches(truth, {"patient_name": "SAMPLETON, GLORIA M"})["patient_name"]
    assert field_matches(truth, {"patient_name": "Gloria M. Sampleton"})["patient_name"]


def test_patient_name_canonical_form_still_catches_wrong_names() -> None:
    truth = {"patient_name": "Gloria Sampleton"}
    assert not field_matches(truth, {"patient_name": "Sampleton Gloria"})["patient_name"]
    assert not field_matches(truth, {"patient_name": "Grace Sampleton"})["patient_name"]
    assert not field_matches(truth, {"patient_name": None})["patient_name"]
    assert field_matches({"patient_name": None}, {"patient_name": None})["patient_name"]
