"""The training flow under prefect_test_harness: corpus -> model that loads."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.prefect
def test_training_flow_writes_a_model_that_loads_and_beats_nothing_silently(
    tmp_path: Path,
) -> None:
    from prefect.testing.utilities import prefect_test_harness

    from flows.train import train_classifier
    from pipeline.classify import load_classifier

    with prefect_test_harness(server_startup_timeout=120):
        summary = train_classifier(out_dir=str(tmp_path / "model"),
                                   corpus_dir=str(tmp_path / "corpus"), n=400, small=True,
                                   forms=["text"])
    assert summary["n_train"] + summary["n_held_out"] == 400
    assert summary["n_held_out"] > 0 and 0.0 <= summary["model_macro_f1"] <= 1.0
    clf = load_classifier(tmp_path / "model" / "denial_classifier.skops")
    assert clf.metadata["training_data_sha256"] == summary["training_data_sha256"]
    assert clf.metadata["held_out_families"]  # whole families held out, named
