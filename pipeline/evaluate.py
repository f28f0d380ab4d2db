"""`denials eval`: run the real pipeline on a corpus with ground truth and score it.

Every document is read (OCR included), extracted, classified and given next
steps exactly as `denials triage` does. The keyword-rules baseline classifies
the same extracted text, so every figure stands next to the baseline's on the
same documents. Figures are reported for the whole corpus, for each rendered
form (text PDF, scan, fax, photo, text), and, when the classifier's metadata
names the template families and payers it held out in training, separately
for in-family and held-out documents.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CODE_KINDS = ("carc", "rarc", "group", "cpt", "hcpcs", "icd10", "ndc")
FIELDS = (
    "claim_number", "member_id", "patient_name", "payer", "provider", "letter_date",
    "service_dates", "amount_billed", "patient_responsibility", "appeal_deadline",
)
FORM_GROUPS = {
    "text_pdf": "text_pdf", "text": "text", "scan_pdf": "scan",
    "fax_fine": "fax", "fax_normal": "fax", "photo_jpeg": "photo",
}


@dataclass
class Scored:
    """One document's outcome next to its truth."""

    truth: dict[str, Any]
    result: dict[str, Any]
    baseline_category: str | None


# --- corpus ------------------------------------------------------------------------------


def load_truth(corpus_dir: Path) -> list[dict[str, Any]]:
    path = corpus_dir / "ground_truth.jsonl"
    if not path.is_file():
        from .errors import ConfigError

        raise ConfigError(f"{path} not found: a corpus needs its ground_truth.jsonl "
                          "(generate one with `denials corpus`)")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run_corpus(
    corpus_dir: Path, truth: Sequence[dict[str, Any]], triager: Any, workers: int = 1,
    progress: Callable[[], None] | None = None, read_cache: Path | None = None,
) -> list[Scored]:
    """Triage every document of the corpus; baseline-classify the same text.

    With ``read_cache``, documents already read by the same reader code are taken
    from that cache (:mod:`pipeline.readcache`): re-scoring after a change to
    extraction or the classifier does not OCR again.
    """
    from .classify import RuleClassifier
    from .extract import extract
    from .read import read_document
    from .triage import analyse, failed_result

    baseline = RuleClassifier()
    if read_cache is not None:
        from .readcache import ReadCache

        read = ReadCache(read_cache).read
    else:
        read = read_document

    def one(rec: dict[str, Any]) -> Scored:
        path = corpus_dir / rec["file"]
        try:
            doc = read(path, triager.ocr_engine(), triager.settings, source=str(path))
            result = analyse(doc, triager)
            base = baseline.classify(doc.text, extract(doc.text)).category
        except Exception as exc:  # the same outcome `denials triage` records
            result, base = failed_result(str(path), exc), None
        if progress:
            progress()
        return Scored(rec, result.model_dump(mode="json"), base.value if base else None)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, truth))


# --- metrics -----------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "support": tp + fn}


def category_scores(y_true: Sequence[str], y_pred: Sequence[str | None]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the categories in the truth, per-category P/R/F1, confusion."""
    labels = sorted(set(y_true))
    per = {}
    for c in labels:
        tp = sum(t == c and p == c for t, p in zip(y_true, y_pred, strict=True))
        fp = sum(t != c and p == c for t, p in zip(y_true, y_pred, strict=True))
        fn = sum(t == c and p != c for t, p in zip(y_true, y_pred, strict=True))
        per[c] = prf(tp, fp, fn)
    n = len(y_true)
    confusion: dict[str, dict[str, int]] = defaultdict(dict)
    for t, p in zip(y_true, y_pred, strict=True):
        confusion[t][p or "-"] = confusion[t].get(p or "-", 0) + 1
    return {
        "n": n,
        "accuracy": (round(sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / n, 4)
                     if n else None),
        "macro_f1": round(sum(v["f1"] for v in per.values()) / len(per), 4) if per else None,
        "per_category": per,
        "confusion": {t: dict(sorted(row.items())) for t, row in sorted(confusion.items())},
    }


def code_scores(pairs: Iterable[tuple[dict, dict]]) -> dict[str, dict[str, float]]:
    """Micro P/R/F1 per code kind over (document, code) pairs; CPT+HCPCS also together."""
    counts: dict[str, list[int]] = {k: [0, 0, 0] for k in (*CODE_KINDS, "cpt_hcpcs")}
    for truth_codes, got_codes in pairs:
        for kind in (*CODE_KINDS, "cpt_hcpcs"):
            if kind == "cpt_hcpcs":
                t = set(truth_codes.get("cpt", [])) | set(truth_codes.get("hcpcs", []))
                g = set(got_codes.get("cpt", [])) | set(got_codes.get("hcpcs", []))
            else:
                t, g = set(truth_codes.get(kind, [])), set(got_codes.get(kind, []))
            c = counts[kind]
            c[0] += len(t & g)
            c[1] += len(g - t)
            c[2] += len(t - g)
    return {k: prf(*v) for k, v in counts.items()}


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, float | int) and not isinstance(value, bool):
        return round(float(value), 2)
    if isinstance(value, list):
        return sorted(_norm(v) for v in value)
    return value


def _canonical(field: str, value: Any) -> Any:
    """A field in the record's canonical form before comparison. Patient names are
    "First Last" (``pipeline.extract.person_name``: "LAST, FIRST M" and "First M. Last"
    both become "First Last"), so a truth or a result in the printed order is compared
    in that form; every other field is compared as is."""
    if field == "patient_name" and isinstance(value, str):
        from .extract import person_name

        return person_name(value)
    return value


def _extracted(field: str, result: dict[str, Any]) -> Any:
    """The record's value of ``field`` as extraction gave it. ``appeal_deadline`` is the
    deadline the document states (a date, or "within N days of this notice" counted from
    the letter date): a record whose deadline was derived from a rule (plan type) or from
    a window counted from receipt states none, so its derived date is not scored as
    extracted."""
    if field == "appeal_deadline" and result.get("deadline_basis") not in ("stated",
                                                                           "stated_rule"):
        return None
    return result.get(field)


def field_matches(truth: dict[str, Any], result: dict[str, Any]) -> dict[str, bool]:
    """Exact match per field of canonical forms (whitespace/case-insensitive for text;
    null must match null)."""
    return {
        f: _norm(_canonical(f, truth.get(f))) == _norm(_canonical(f, _extracted(f, result)))
        for f in FIELDS
        if f in truth
    }


def summarise_scored(scored: Sequence[Scored]) -> dict[str, Any]:
    ok = [s for s in scored if s.result["status"] == "ok"]
    y_true = [s.truth["category"] for s in scored]
    y_pred = [s.result.get("category") for s in scored]
    y_base = [s.baseline_category for s in scored]
    matches: dict[str, list[bool]] = defaultdict(list)
    for s in ok:
        for f, m in field_matches(s.truth, s.result).items():
            matches[f].append(m)
    unflagged = [s for s in scored if not s.result.get("needs_review")]
    return {
        "documents": len(scored),
        "processed": len(ok),
        "failed": [{"file": s.truth["file"], "kind": (s.result.get("error") or {}).get("kind")}
                   for s in scored if s.result["status"] != "ok"],
        "category": category_scores(y_true, y_pred),
        "baseline_category": category_scores(y_true, y_base),
        "document_type_accuracy": round(
            sum(s.truth.get("document_type") == s.result.get("document_type") for s in scored)
            / len(scored), 4) if scored else None,
        "codes": code_scores((s.truth.get("codes", {}), s.result.get("codes", {})) for s in ok),
        "fields": {f: round(sum(v) / len(v), 4) for f, v in sorted(matches.items())},
        "review": {
            "flagged_share": round(1 - len(unflagged) / len(scored), 4) if scored else None,
            "accuracy_unflagged": round(
                sum(s.truth["category"] == s.result.get("category") for s in unflagged)
                / len(unflagged), 4) if unflagged else None,
        },
    }


def held_out_sets(classifier: Any) -> tuple[set[str], set[str]] | None:
    meta = getattr(classifier, "metadata", None) or {}
    fams, payers = meta.get("held_out_families"), meta.get("held_out_payers")
    if fams is None and payers is None:
        return None
    return set(fams or ()), set(payers or ())


def report(scored: Sequence[Scored], held_out: tuple[set[str], set[str]] | None) -> dict:
    out: dict[str, Any] = {"all": summarise_scored(scored), "by_form": {}}
    forms: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        forms[FORM_GROUPS.get(s.truth.get("form", ""), s.truth.get("form", "unknown"))].append(s)
    out["by_form"] = {f: summarise_scored(v) for f, v in sorted(forms.items())}
    if held_out is not None:
        fams, payers = held_out
        is_held = [s.truth.get("family") in fams or s.truth.get("payer") in payers
                   for s in scored]
        held = [s for s, h in zip(scored, is_held, strict=True) if h]
        seen = [s for s, h in zip(scored, is_held, strict=True) if not h]
        out["held_out"] = summarise_scored(held) if held else None
        out["in_family"] = summarise_scored(seen) if seen else None
        held_forms: dict[str, list[Scored]] = defaultdict(list)
        for s in held:
            held_forms[FORM_GROUPS.get(s.truth.get("form", ""), "unknown")].append(s)
        out["held_out_by_form"] = {f: summarise_scored(v) for f, v in sorted(held_forms.items())}
    return out


# --- presentation ------------------------------------------------------------------------


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_report(rep: dict[str, Any]) -> str:
    lines: list[str] = []

    def section(title: str, s: dict[str, Any]) -> None:
        c, b = s["category"], s["baseline_category"]
        lines.append(f"== {title}: {s['documents']} documents, {s['processed']} processed, "
                     f"{len(s['failed'])} failed")
        lines.append(f"category  accuracy {_f(c['accuracy'])}  macro-F1 {_f(c['macro_f1'])}   "
                     f"(keyword baseline: accuracy {_f(b['accuracy'])}  "
                     f"macro-F1 {_f(b['macro_f1'])})")
        lines.append(f"document type accuracy {_f(s['document_type_accuracy'])}   "
                     f"needs_review {_f(s['review']['flagged_share'])} of documents, "
                     f"accuracy of the rest {_f(s['review']['accuracy_unflagged'])}")
        lines.append("codes (P/R/F1): " + "  ".join(
            f"{k} {_f(v['precision'])}/{_f(v['recall'])}/{_f(v['f1'])}"
            for k, v in s["codes"].items() if v["support"] or v["precision"] < 1))
        lines.append("fields (exact): " + "  ".join(f"{k} {_f(v)}" for k, v in s["fields"].items()))

    section("all documents", rep["all"])
    lines.append("")
    lines.append(f"{'category':<30} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}   baseline F1")
    base = rep["all"]["baseline_category"]["per_category"]
    for cat, v in rep["all"]["category"]["per_category"].items():
        lines.append(f"{cat:<30} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} "
                     f"{v['support']:5d}   {base[cat]['f1']:.3f}")
    lines.append("")
    lines.append("confusion (truth -> predicted: count)")
    for truth, row in rep["all"]["category"]["confusion"].items():
        wrong = {p: n for p, n in row.items() if p != truth}
        if wrong:
            lines.append(f"  {truth}: " + ", ".join(f"{p} {n}" for p, n in wrong.items()))
    for key, title in (("in_family", "in-family"), ("held_out", "held-out families/payers")):
        if rep.get(key):
            lines.append("")
            section(title, rep[key])
    for form, s in rep["by_form"].items():
        lines.append("")
        section(f"form {form}", s)
    for form, s in (rep.get("held_out_by_form") or {}).items():
        lines.append("")
        section(f"held-out, form {form}", s)
    if rep["all"]["failed"]:
        lines.append("")
        lines.append("failures: " + ", ".join(f"{f['file']} ({f['kind']})"
                                               for f in rep["all"]["failed"]))
    return "\n".join(lines)
