"""Train the denial classifier on a generated corpus; held out by template family and payer.

Usage::

    python -m pipeline.train CORPUS_DIR OUT_DIR [--seed 13]

``CORPUS_DIR`` holds ``ground_truth.jsonl`` (one record per document: ``file``,
``family``, ``payer``, ``category``, ...) and the documents it names. The split never
puts documents of one template family or one payer on both sides
(:func:`split_by_family`). Writes ``denial_classifier.skops``, ``denial_classifier.json``
(metadata) and ``denial_classifier.md`` (model card) into ``OUT_DIR``.

Reproducible: same corpus + same seed -> same split, same model, same scores.
Letter text is never logged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify import (
    LABELS,
    MODEL_FILENAME,
    Classifier,
    ModelClassifier,
    RuleClassifier,
    feature_matrix,
    library_versions,
    make_pipeline,
    metadata_path,
    save_model,
)
from pipeline.datamodel import Extraction

logger = logging.getLogger(__name__)

NO_LABEL = "none"
HOLD_OUT_SHARE = 0.2
TARGET_PRECISION = 0.97  # accuracy wanted among documents not flagged for review (issue 5)
#: The threshold is chosen on one sample of documents; one only just reaching the target
#: there misses it on new mail about half the time. The margin is about one standard
#: error of an accuracy near 0.97 measured on 150 documents (an evaluation's held-out set).
THRESHOLD_MARGIN = 0.015


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Doc:
    record: dict[str, Any]
    text: str
    extraction: Extraction

    @property
    def label(self) -> str:
        return str(self.record["category"])


def read_ground_truth(corpus_dir: Path) -> list[dict[str, Any]]:
    gt = corpus_dir / "ground_truth.jsonl"
    if not gt.is_file():
        raise FileNotFoundError(f"{gt} not found: generate a corpus first")
    records = []
    with gt.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if "file" not in rec or "category" not in rec:
                raise ValueError(f"ground_truth.jsonl:{lineno}: needs 'file' and 'category'")
            if rec["category"] not in LABELS:
                raise ValueError(f"ground_truth.jsonl:{lineno}: unknown category")
            records.append(rec)
    records.sort(key=lambda r: str(r["file"]))
    return records


class CorpusReader:
    """Text of corpus documents, read exactly as `denials triage` reads them.

    Plain text directly; anything else through ``pipeline.read`` with OCR, in
    ``workers`` threads (tesseract runs as a subprocess), through a
    :class:`~pipeline.readcache.ReadCache` when ``cache_dir`` is given so a corpus
    of scans is OCR'd once, not at every training run.
    """

    def __init__(self, cache_dir: Path | None = None, workers: int | None = None) -> None:
        from pipeline.settings import Settings

        self.settings = Settings()
        self.workers = workers or self.settings.workers
        self.cache = None
        if cache_dir is not None:
            from pipeline.readcache import ReadCache

            self.cache = ReadCache(cache_dir)
        self._engine: Any = None

    def engine(self) -> Any:
        if self._engine is None:
            from pipeline.triage import Triager

            self._engine = Triager(settings=self.settings).ocr_engine()
        return self._engine

    def text(self, path: Path) -> str:
        if path.suffix.lower() in {".txt", ".text"}:
            return path.read_text(encoding="utf-8", errors="replace")
        if self.cache is not None:
            return self.cache.read(path, self.engine(), self.settings).text
        from pipeline.read import read_document

        return read_document(path, self.engine(), self.settings).text

    def texts(self, paths: Sequence[Path]) -> list[str]:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            return list(pool.map(self.text, paths))


def default_extractor() -> Callable[[str], Extraction]:
    try:
        from pipeline.extract import extract
    except ImportError:
        logger.warning("pipeline.extract not available: training on text with empty extractions")
        return lambda _text: Extraction()
    return extract


def load_docs(
    roots: Sequence[Path], records: Sequence[dict[str, Any]],
    extractor: Callable[[str], Extraction], reader: CorpusReader | None = None,
) -> list[Doc]:
    """Read and extract every record; ``record["corpus"]`` indexes ``roots``."""
    reader = reader or CorpusReader()
    texts = reader.texts([roots[int(r.get("corpus", 0))] / str(r["file"]) for r in records])
    return [Doc(rec, text, extractor(text)) for rec, text in zip(records, texts, strict=True)]


def _doc_id(rec: dict[str, Any]) -> str:
    """Stable id of a record across corpora (no machine paths, so digests reproduce).

    The file's stem, not its name: a corpus of scans and the same corpus kept as the
    text its OCR gave (``doc_0007.tif`` / ``doc_0007.txt``) are the same training data
    and get the same digest when the texts are the same.
    """
    return f"{int(rec.get('corpus', 0))}/{Path(str(rec['file'])).stem}"


def data_digest(docs: Sequence[Doc]) -> str:
    h = hashlib.sha256()
    for d in docs:
        h.update(_doc_id(d.record).encode())
        h.update(b"\0")
        h.update(hashlib.sha256(d.text.encode("utf-8")).digest())
        h.update(d.label.encode())
        h.update(b"\n")
    return h.hexdigest()


# --------------------------------------------------------------------------------------
# Split
# --------------------------------------------------------------------------------------


def _family(rec: dict[str, Any]) -> str:
    return str(rec.get("family") or "unknown")


def _payer(rec: dict[str, Any]) -> str:
    return str(rec.get("payer") or "unknown")


def _pick_held_out(
    records: Sequence[dict[str, Any]], key: Callable[[dict[str, Any]], str],
    blocked: set[str], share: float, rng: random.Random,
    keep: Callable[[dict[str, Any]], bool],
) -> set[str]:
    """Greedily hold out ~share of the groups while every category keeps training data."""
    groups = sorted({key(r) for r in records})
    rng.shuffle(groups)
    want = max(1, math.floor(len(groups) * share)) if len(groups) >= 3 else 0
    held: set[str] = set()
    train_counts = Counter(r["category"] for r in records if keep(r))
    by_group: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        if keep(r):
            by_group[key(r)][r["category"]] += 1
    for g in groups:
        if len(held) >= want:
            break
        if g in blocked:
            continue
        after = train_counts - by_group[g]
        if all(after[c] > 0 for c in train_counts):
            held.add(g)
            train_counts = after
    return held


def split_by_family(
    records: Sequence[dict[str, Any]], seed: int, share: float = HOLD_OUT_SHARE
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, held_out): whole template families and whole payers held out, never documents.

    About ``share`` of the families and of the payers are held out (chosen with ``seed``,
    keeping at least one training family for every category). A document is held out if
    its family *or* its payer is, so no held-out family or payer is seen in training.
    """
    rng = random.Random(seed)
    fams = _pick_held_out(records, _family, set(), share, rng, lambda r: True)
    payers = _pick_held_out(
        records, _payer, set(), share, rng, lambda r: _family(r) not in fams
    )
    train = [r for r in records if _family(r) not in fams and _payer(r) not in payers]
    test = [r for r in records if _family(r) in fams or _payer(r) in payers]
    logger.info(
        "split: %d train / %d held-out documents; %d families and %d payers held out",
        len(train), len(test), len(fams), len(payers),
    )
    return train, test


def _group_folds(docs: Sequence[Doc], n: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train_idx, test_idx) folds grouped by family, deterministic."""
    fams = sorted({_family(d.record) for d in docs})
    random.Random(seed).shuffle(fams)
    n = max(2, min(n, len(fams)))
    fold_of = {f: i % n for i, f in enumerate(fams)}
    folds = []
    idx = np.arange(len(docs))
    which = np.array([fold_of[_family(d.record)] for d in docs])
    for k in range(n):
        te = idx[which == k]
        tr = idx[which != k]
        if len(te) and len(set(docs[i].label for i in tr)) >= 2:
            folds.append((tr, te))
    return folds


# --------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------


def scores(y_true: Sequence[str], y_pred: Sequence[str], flagged: Sequence[bool]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = sorted(set(y_true))
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    kept = [i for i, fl in enumerate(flagged) if not fl]
    acc_kept = (
        float(np.mean([y_true[i] == y_pred[i] for i in kept])) if kept else None
    )
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(
            float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4
        ),
        "needs_review_rate": round(float(np.mean(flagged)), 4) if flagged else 0.0,
        "accuracy_not_flagged": round(acc_kept, 4) if acc_kept is not None else None,
        "per_category": {
            lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                  "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, lab in enumerate(labels)
        },
    }


def confusion(y_true: Sequence[str], y_pred: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    labels = sorted(set(y_true) | set(y_pred))
    pos = {lab: i for i, lab in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred, strict=True):
        m[pos[t]][pos[p]] += 1
    return labels, m


def evaluate(clf: Classifier, docs: Sequence[Doc]) -> tuple[dict[str, Any], list[str]]:
    preds, flags = [], []
    for d in docs:
        c = clf.classify(d.text, d.extraction)
        preds.append(c.category.value if c.category else NO_LABEL)
        flags.append(c.needs_review)
    return scores([d.label for d in docs], preds, flags), preds


def _decision_arrays(clf: ModelClassifier, docs: Sequence[Doc]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(confidence, correct, code conflict) of ``clf``'s decisions on ``docs``."""
    decided = clf.decisions((d.text, d.extraction) for d in docs)
    return (np.array([d.confidence for d in decided]),
            np.array([d.category.value == doc.label for d, doc in zip(decided, docs,
                                                                       strict=True)]),
            np.array([d.conflict for d in decided]))


def _review_figures(conf: np.ndarray, correct: np.ndarray, conflict: np.ndarray,
                    threshold: float) -> dict[str, Any]:
    keep = (conf >= threshold) & ~conflict
    return {"n": int(len(conf)), "accuracy": round(float(correct.mean()), 4),
            "flagged": round(float(1 - keep.mean()), 4),
            "accuracy_not_flagged": round(float(correct[keep].mean()), 4) if keep.any() else None}


def choose_threshold(confidence: np.ndarray, correct: np.ndarray,
                     flagged: np.ndarray | None = None) -> float:
    """Lowest confidence threshold at which accepted decisions reach TARGET_PRECISION
    with THRESHOLD_MARGIN to spare.

    ``flagged``: decisions sent to review whatever their confidence (codes and the
    decision disagree); they are never counted as accepted. When no threshold up to
    0.95 reaches the target, the most cautious one tried.
    """
    forced = np.zeros(len(confidence), bool) if flagged is None else np.asarray(flagged)
    grid = np.round(np.arange(0.30, 0.96, 0.025), 3)
    for t in grid:
        keep = (confidence >= t) & ~forced
        if keep.sum() == 0:
            break
        if correct[keep].mean() >= TARGET_PRECISION + THRESHOLD_MARGIN:
            return float(t)
    return float(grid[-1])


# --------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------


#: Model families compared by ``denials train --compare`` on the same split and features:
#: (name, estimator factory, calibration method). The first is the shipped one.
def candidate_models(seed: int) -> list[tuple[str, Callable[[], Any], str]]:
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    return [
        ("linear SVM, temperature", lambda: LinearSVC(C=0.5, random_state=seed), "temperature"),
        ("linear SVM, sigmoid", lambda: LinearSVC(C=0.5, random_state=seed), "sigmoid"),
        ("logistic regression C=10, sigmoid",
         lambda: LogisticRegression(C=10.0, max_iter=3000, random_state=seed), "sigmoid"),
        ("logistic regression C=10, temperature",
         lambda: LogisticRegression(C=10.0, max_iter=3000, random_state=seed), "temperature"),
        ("SGD modified Huber, temperature",
         lambda: SGDClassifier(loss="modified_huber", alpha=1e-5, max_iter=50,
                               random_state=seed), "temperature"),
        ("complement naive Bayes, temperature", lambda: ComplementNB(alpha=0.3),
         "temperature"),
    ]


def expected_calibration_error(proba: np.ndarray, y_true: Sequence[str],
                               classes: Sequence[str], bins: int = 10) -> float:
    """Mean gap between confidence and accuracy over 10 equal-width confidence bins."""
    conf = proba.max(axis=1)
    correct = np.array(classes)[proba.argmax(axis=1)] == np.asarray(y_true)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    return float(sum(
        (which == b).mean() * abs(correct[which == b].mean() - conf[which == b].mean())
        for b in range(bins) if (which == b).any()
    ))


def compare_models(
    corpus_dir: str | Path | Sequence[str | Path], seed: int = 13, *,
    read_cache: str | Path | None = None, workers: int | None = None,
    extractor: Callable[[str], Extraction] | None = None, small: bool = False,
) -> list[dict[str, Any]]:
    """Fit every :func:`candidate_models` entry on the training split, score the held-out.

    Same split, same features, same calibration folds; held-out macro-F1 overall and
    for text and OCR'd documents, expected calibration error, and the share of
    documents that must be flagged for the rest to be 97% right (an oracle threshold,
    for comparing models only).
    """
    import time

    train_docs, test_docs = load_split(corpus_dir, seed, extractor, read_cache, workers)
    X_test = feature_matrix((d.text, d.extraction) for d in test_docs)
    y_test = np.array([d.label for d in test_docs])
    ocr = np.array([_is_ocr_form(d.record) for d in test_docs])
    rows = []
    for name, factory, method in candidate_models(seed):
        start = time.perf_counter()
        pipe = _fit(train_docs, seed, small, estimator=factory(), method=method)
        fit_s = time.perf_counter() - start
        proba = pipe.predict_proba(X_test)
        classes = [str(c) for c in pipe.classes_]
        pred = np.array(classes)[proba.argmax(axis=1)]
        conf, correct = proba.max(axis=1), pred == y_test
        flag = 1.0
        for t in np.arange(0.0, 1.0, 0.01):
            keep = conf >= t
            if keep.any() and correct[keep].mean() >= TARGET_PRECISION:
                flag = float(1 - keep.mean())
                break
        row = {"model": name, "fit_seconds": round(fit_s, 1),
               "expected_calibration_error": round(
                   expected_calibration_error(proba, y_test, classes), 3),
               "flagged_for_97pct": round(flag, 3)}
        for part, mask in (("all", np.ones_like(ocr)), ("text", ~ocr), ("ocr", ocr)):
            if mask.any():
                row[f"macro_f1_{part}"] = scores(list(y_test[mask]), list(pred[mask]),
                                                 [False] * int(mask.sum()))["macro_f1"]
        logger.info("compared %s: %s", name, row)
        rows.append(row)
    return rows


def _is_ocr_form(rec: dict[str, Any]) -> bool:
    return str(rec.get("form", "")) not in {"text_pdf", "text", ""}


def _fit(docs: Sequence[Doc], seed: int, small: bool, *, estimator: Any = None,
         method: str | None = None) -> Any:
    X = feature_matrix((d.text, d.extraction) for d in docs)
    y = [d.label for d in docs]
    pipe = make_pipeline(seed=seed, small=small)
    if estimator is not None:
        pipe.set_params(clf__estimator=estimator)
    if method is not None:
        pipe.set_params(clf__method=method)
    folds = _group_folds(docs, 3, seed)
    # calibrate on families unseen by each fold's fit, not on random documents
    if len(folds) >= 2 and all(
        len(set(y[i] for i in tr)) == len(set(y)) for tr, _ in folds
    ):
        pipe.set_params(clf__cv=folds)
    pipe.fit(X, y)
    pipe.set_params(clf__cv=len(folds) if len(folds) >= 2 else 3)  # don't ship fold indices
    return pipe


def load_split(
    corpus_dir: str | Path | Sequence[str | Path], seed: int,
    extractor: Callable[[str], Extraction] | None = None,
    read_cache: str | Path | None = None, workers: int | None = None,
) -> tuple[list[Doc], list[Doc]]:
    """(training, held-out) documents of one or more corpora, read and extracted."""
    roots = [Path(corpus_dir)] if isinstance(corpus_dir, str | Path) else [
        Path(c) for c in corpus_dir]
    train_recs, test_recs = split_by_family(read_corpora(roots), seed)
    if not train_recs or not test_recs:
        raise ValueError("the corpus has too few families/payers for a held-out split")
    extractor = extractor or default_extractor()
    reader = CorpusReader(Path(read_cache) if read_cache else None, workers)
    return (load_docs(roots, train_recs, extractor, reader),
            load_docs(roots, test_recs, extractor, reader))


def read_corpora(roots: Sequence[Path]) -> list[dict[str, Any]]:
    """Ground truth of one or more corpora; each record notes its corpus's index."""
    records = [
        {**rec, "corpus": i} for i, root in enumerate(roots) for rec in read_ground_truth(root)
    ]
    records.sort(key=_doc_id)
    return records


def train(
    corpus_dir: str | Path | Sequence[str | Path], out_dir: str | Path, seed: int = 13, *,
    extractor: Callable[[str], Extraction] | None = None, small: bool = False,
    read_cache: str | Path | None = None, workers: int | None = None,
) -> dict[str, Any]:
    """Fit on the non-held-out families, write model + metadata + card; return metadata.

    ``corpus_dir`` may be several corpora (e.g. text documents and OCR'd scans): their
    families and payers are split together, so a held-out family is held out in all.
    """
    out_dir = Path(out_dir)
    extractor = extractor or default_extractor()
    train_docs, test_docs = load_split(corpus_dir, seed, extractor, read_cache, workers)
    all_docs = sorted(train_docs + test_docs, key=lambda d: _doc_id(d.record))

    # Leave-family-out: every training document decided once by a model that never saw
    # its template family (4 family-grouped folds). Reported, not used for the threshold:
    # a fold without the only newsletter (or approval, MSN ...) family cannot know that
    # layout at all, so this is the pessimistic figure for mail unlike all our families.
    n = len(train_docs)
    oof_conf, oof_correct, oof_conflict = np.zeros(n), np.zeros(n, bool), np.zeros(n, bool)
    for val_tr, val_te in _group_folds(train_docs, 4, seed + 1):
        fold = ModelClassifier(_fit([train_docs[i] for i in val_tr], seed, small), {})
        c, ok, cf = _decision_arrays(fold, [train_docs[i] for i in val_te])
        oof_conf[val_te], oof_correct[val_te], oof_conflict[val_te] = c, ok, cf

    pipe = _fit(train_docs, seed, small)
    # The review threshold: on the held-out split (families and payers the model was not
    # fitted on; `denials eval` then scores a corpus of other documents), the lowest
    # confidence at which the decisions not flagged are TARGET_PRECISION right.
    held_conf, held_correct, held_conflict = _decision_arrays(ModelClassifier(pipe, {}),
                                                              test_docs)
    threshold = choose_threshold(held_conf, held_correct, held_conflict)
    logger.info("review threshold %.3f chosen on %d held-out documents", threshold,
                len(test_docs))
    meta: dict[str, Any] = {
        "model_name": "tfidf-codes-svm-v2",
        "versions": library_versions(),
        "labels": [str(c) for c in pipe.classes_],
        "all_categories": list(LABELS),
        "threshold": threshold,
        "threshold_chosen_on": "held-out split",
        "leave_family_out": _review_figures(oof_conf, oof_correct, oof_conflict, threshold),
        "secondary_min_probability": 0.2,
        "seed": seed,
        "training_data_sha256": data_digest(all_docs),
        "n_train": len(train_docs),
        "n_held_out": len(test_docs),
        "held_out_families": sorted({_family(d.record) for d in test_docs}
                                    - {_family(d.record) for d in train_docs}),
        "held_out_payers": sorted({_payer(d.record) for d in test_docs}
                                  - {_payer(d.record) for d in train_docs}),
        "train_label_counts": dict(sorted(Counter(d.label for d in train_docs).items())),
        "extractor": getattr(extractor, "__module__", "unknown"),
    }
    model = ModelClassifier(pipe, meta)
    model_scores, model_pred = evaluate(model, test_docs)
    base_scores, base_pred = evaluate(RuleClassifier(), test_docs)
    meta["held_out_scores"] = {"model": model_scores, "rule_baseline": base_scores}
    meta["held_out_scores_by_form"] = {
        part: {"model": evaluate(model, subset)[0],
               "rule_baseline": evaluate(RuleClassifier(), subset)[0]}
        for part, subset in (
            ("text", [d for d in test_docs if not _is_ocr_form(d.record)]),
            ("ocr", [d for d in test_docs if _is_ocr_form(d.record)]),
        ) if subset
    }
    labels, matrix = confusion([d.label for d in test_docs], model_pred)
    meta["confusion"] = {"labels": labels, "matrix": matrix}

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_FILENAME
    meta = save_model(pipe, path, meta)
    (out_dir / "denial_classifier.md").write_text(model_card(meta), encoding="utf-8")
    (out_dir / CONFUSION_SVG).write_text(
        confusion_svg(meta["confusion"]["labels"], meta["confusion"]["matrix"]),
        encoding="utf-8")
    logger.info(
        "held-out macro-F1 model=%.4f baseline=%.4f (n=%d)",
        model_scores["macro_f1"], base_scores["macro_f1"], len(test_docs),
    )
    return meta


# --------------------------------------------------------------------------------------
# Model card
# --------------------------------------------------------------------------------------


def _leave_family_out_lines(meta: dict[str, Any]) -> list[str]:
    lfo = meta.get("leave_family_out")
    if not lfo:
        return []
    return [
        "* **Mail unlike every training family is riskier.** Leave-family-out (each training "
        f"document decided by a model without its family, {lfo['n']} documents): accuracy "
        f"{_fmt(lfo['accuracy'])}; at the shipped threshold {_fmt(lfo['flagged'])} flagged "
        f"and {_fmt(lfo['accuracy_not_flagged'])} right when not flagged. Unseen non-denial "
        "layouts (a newsletter, an approval) are the hardest: the model has no generic "
        "'this is not a denial' signal.",
    ]


def model_card(meta: dict[str, Any]) -> str:
    s = meta["held_out_scores"]
    m, b = s["model"], s["rule_baseline"]
    lines = [
        "# Denial category classifier",
        "",
        f"Model `{meta['model_name']}` — TF-IDF (reason sentences: word 1-2-grams and char "
        "3-5-grams; whole document: words, down-weighted) plus extracted-code tokens "
        "(CARC/RARC with group, code-table categories, payer legend meanings, document type), "
        "a linear SVM with temperature scaling fitted on family-grouped folds.",
        "",
        "## Intended use",
        "",
        "Triage of insurance denial letters, EOBs and remittance advice into one of our 14 "
        "denial categories, to route work and suggest next steps. A person reviews every "
        "document flagged `needs_review` and remains responsible for the appeal decision. "
        "Not for adjudicating claims or deciding coverage.",
        "",
        "## Limits",
        "",
        "* Trained and evaluated on a **synthetic** corpus; real letters use wording, layouts "
        "and OCR noise the generator does not produce. Scores below are an upper bound.",
        "* Held-out data are whole template families and payers never seen in training; a "
        "new payer's template may still be out of distribution.",
        "* `confidence` is the calibrated top probability (after the denied-dollars rule: "
        "the two line reasons together); `needs_review` is set below "
        f"{meta['threshold']:.3f} (the lowest threshold at which the held-out split's "
        f"unflagged decisions are {TARGET_PRECISION + THRESHOLD_MARGIN:.1%} right: the "
        f"{TARGET_PRECISION:.0%} wanted, with a margin for sampling) or when codes and the "
        "decision disagree. Mail that states no adverse decision, denies no line and offers "
        "no appeal is read as not a denial, with the model's own confidence for that.",
        *_leave_family_out_lines(meta),
        "* English only; boilerplate (appeal rights, notices, taglines) is down-weighted by "
        "regex rules, not learned.",
        "",
        "## Data",
        "",
        f"* training documents: {meta['n_train']}; held-out documents: {meta['n_held_out']}",
        f"* held-out families: {len(meta['held_out_families'])}; "
        f"held-out payers: {len(meta['held_out_payers'])}",
        f"* training-data digest: `{meta['training_data_sha256']}`; seed {meta['seed']}",
        "* libraries: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        "",
        "## Held-out results",
        "",
        "The review threshold was chosen on this split, so its needs_review figures are "
        "the ones the threshold was fitted to; `denials eval` (docs/evaluation.md) "
        "measures them on other documents.",
        "",
        "| classifier | macro-F1 | accuracy | needs_review rate | accuracy when not flagged |",
        "|---|---|---|---|---|",
        f"| model | {m['macro_f1']:.3f} | {m['accuracy']:.3f} | {m['needs_review_rate']:.3f} | "
        f"{_fmt(m['accuracy_not_flagged'])} |",
        f"| keyword baseline | {b['macro_f1']:.3f} | {b['accuracy']:.3f} | "
        f"{b['needs_review_rate']:.3f} | {_fmt(b['accuracy_not_flagged'])} |",
        "",
        "By form (text: text PDFs and plain text; OCR: scans, faxes and photos, read by "
        "tesseract through the pipeline's reader):",
        "",
        "| form | documents | model macro-F1 | baseline macro-F1 | needs_review rate | "
        "accuracy when not flagged |",
        "|---|---|---|---|---|---|",
        *[
            f"| {part} | {v['model']['n']} | {v['model']['macro_f1']:.3f} | "
            f"{v['rule_baseline']['macro_f1']:.3f} | {v['model']['needs_review_rate']:.3f} | "
            f"{_fmt(v['model']['accuracy_not_flagged'])} |"
            for part, v in meta.get("held_out_scores_by_form", {}).items()
        ],
        "",
        "Reproduce: the commands in docs/evaluation.md (`denials corpus` for the training "
        "corpora, then `denials train ... --also ... --read-cache ...`); same corpus and "
        "seed give the same scores.",
        "",
        "### Per category (model / baseline F1)",
        "",
        "| category | support | precision | recall | F1 | baseline F1 |",
        "|---|---|---|---|---|---|",
    ]
    for cat, v in m["per_category"].items():
        bf = b["per_category"].get(cat, {}).get("f1", 0.0)
        lines.append(
            f"| {cat} | {v['support']} | {v['precision']:.3f} | {v['recall']:.3f} | "
            f"{v['f1']:.3f} | {bf:.3f} |"
        )
    labels, matrix = meta["confusion"]["labels"], meta["confusion"]["matrix"]
    short = [lab[:12] for lab in labels]
    lines += [
        "",
        "### Confusion matrix (rows = truth, columns = model)",
        "",
        f"![Held-out confusion matrix]({CONFUSION_SVG})",
        "",
        "| truth \\ predicted | " + " | ".join(short) + " |",
        "|---" * (len(labels) + 1) + "|",
    ]
    for lab, row in zip(labels, matrix, strict=True):
        lines.append(f"| {lab} | " + " | ".join(str(x) for x in row) + " |")
    lines.append("")
    return "\n".join(lines)


CONFUSION_SVG = "denial_classifier_confusion.svg"


def confusion_svg(labels: Sequence[str], matrix: Sequence[Sequence[int]]) -> str:
    """The confusion matrix as a self-contained SVG heat map (rows truth, columns model).

    Each row is shaded by its share of the row (recall on the diagonal), so a small
    category's errors show as clearly as a large one's; every cell prints its count.
    """
    from html import escape

    cell, left, top = 34, 210, 200
    n = len(labels)
    w, h = left + cell * n + 10, top + cell * n + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="14" font-size="13">Held-out confusion matrix '
        "(rows: truth, columns: model)</text>",
    ]
    for j, lab in enumerate(labels):
        x = left + j * cell + cell / 2
        out.append(f'<text transform="translate({x + 4},{top - 6}) rotate(-60)">'
                   f"{escape(lab)}</text>")
    for i, (lab, row) in enumerate(zip(labels, matrix, strict=True)):
        y = top + i * cell
        total = sum(row) or 1
        out.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">'
                   f"{escape(lab)}</text>")
        for j, count in enumerate(row):
            share = count / total
            colour = (f"rgb({int(255 - 200 * share)},{int(255 - 120 * share)},255)" if i == j
                      else f"rgb(255,{int(255 - 180 * share)},{int(255 - 180 * share)})")
            x = left + j * cell
            out.append(f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                       f'fill="{colour}"><title>{escape(lab)} as {escape(labels[j])}: '
                       f"{count}</title></rect>")
            if count:
                out.append(f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" '
                           f'text-anchor="middle">{count}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus_dir", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--also", type=Path, action="append", default=[], metavar="CORPUS_DIR",
                    help="another corpus to train on with the first (e.g. scans and faxes)")
    ap.add_argument("--read-cache", type=Path, metavar="DIR",
                    help="keep documents as read (OCR) here and reuse them (pipeline.readcache)")
    ap.add_argument("--workers", type=int, help="documents read at once (default: cores)")
    ap.add_argument("--compare", action="store_true",
                    help="compare model families on the held-out split; write nothing but "
                         "OUT_DIR/model_comparison.json")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.compare:
        rows = compare_models([args.corpus_dir, *args.also], args.seed,
                              read_cache=args.read_cache, workers=args.workers)
        args.out_dir.mkdir(parents=True, exist_ok=True)
        comparison = json.dumps(rows, indent=2) + "\n"
        (args.out_dir / "model_comparison.json").write_text(comparison, encoding="utf-8")
        print(comparison)
        return 0
    meta = train([args.corpus_dir, *args.also], args.out_dir, args.seed,
                 read_cache=args.read_cache, workers=args.workers)
    s = meta["held_out_scores"]
    print(json.dumps({
        "model_macro_f1": s["model"]["macro_f1"],
        "baseline_macro_f1": s["rule_baseline"]["macro_f1"],
        "n_train": meta["n_train"], "n_held_out": meta["n_held_out"],
        "metadata": str(metadata_path(args.out_dir / MODEL_FILENAME)),
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
