"""Prefect flow: regenerate a corpus and retrain the classifier, so retraining can be
scheduled and tracked. Thin: both steps are library calls; the figures become an
artifact (scores only, the corpus is synthetic and holds no PHI)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE


@task(cache_policy=NO_CACHE, persist_result=False)
def generate(corpus_dir: str, n: int, seed: int, forms: list[str]) -> int:
    from pipeline.corpus import generate_corpus

    return len(generate_corpus(Path(corpus_dir), n, seed=seed, forms=forms, clean=True))


@task(cache_policy=NO_CACHE, persist_result=False)
def fit(corpus_dir: str, out_dir: str, seed: int, small: bool = False) -> dict:
    from pipeline.train import train

    meta = train(corpus_dir, out_dir, seed, small=small)
    scores = meta["held_out_scores"]
    return {
        "model_macro_f1": scores["model"]["macro_f1"],
        "baseline_macro_f1": scores["rule_baseline"]["macro_f1"],
        "n_train": meta["n_train"],
        "n_held_out": meta["n_held_out"],
        "training_data_sha256": meta["training_data_sha256"],
    }


@flow(name="train-classifier", persist_result=False)
def train_classifier(
    out_dir: str = "models", corpus_dir: str = "/tmp/denials_train_corpus", n: int = 2000,
    corpus_seed: int = 0, seed: int = 13, forms: list[str] | None = None, small: bool = False,
) -> dict:
    """Generate the training corpus (text forms by default) and retrain into ``out_dir``."""
    logger = get_run_logger()
    count = generate(corpus_dir, n, corpus_seed, forms or ["text_pdf", "text"])
    logger.info("corpus: %d documents", count)
    summary = fit(corpus_dir, out_dir, seed, small)
    create_markdown_artifact(
        key="classifier-training",
        markdown=(
            "# Classifier training\n\n| held-out macro-F1 | keyword baseline | train | held out |\n"
            f"|---|---|---|---|\n| {summary['model_macro_f1']:.3f} | "
            f"{summary['baseline_macro_f1']:.3f} | {summary['n_train']} | "
            f"{summary['n_held_out']} |\n"
        ),
        description="Held-out scores of the retrained classifier",
    )
    return summary
