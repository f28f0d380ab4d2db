"""Synthetic, seeded corpus of denial letters, EOBs and remittance advice.

``generate_corpus(out_dir, n, seed)`` writes ``n`` documents (text PDFs,
image-only scanned PDFs, fax TIFFs, phone-photo JPEGs and plain text) plus
``out_dir/ground_truth.jsonl`` with one record per document: the expected
result-contract fields (document type, category, codes, ids, dates, amounts,
deadline, reason text, adjustments) as printed in that document.

Conventions of the ground truth
* ``codes`` are the codes of the lines the document is about: the denied or
  reduced lines (never CO-45 / PR-1/2/3 payment adjustments); for documents with
  no denial, the services it covers; only codes that are printed are listed
  (e.g. a CARC without group prefix in the text gives no ``group``).
* ``patient_name`` is "First Last" (documents print it with a middle initial,
  upper case or "LAST, FIRST").
* ``appeal_deadline`` is set only when the document states a date or "within N
  days of the date of this notice"; deadlines counted from receipt give null.
* ``amount_billed`` is the billed total of the denied lines (pre-service and
  pharmacy requests: null; non-denials: the claim total), and only when the document
  prints that figure (one line's charge, or a printed total): a sum of several line
  charges that is printed nowhere gives null.
* Every other scored value (ids, payer, provider, dates, ``patient_responsibility``)
  is likewise set only when the document prints it; ``tests/test_corpus.py`` checks
  this on every family (a value the document does not print is a truth error).

Same seed => byte-identical files and identical ground truth. Rendering lives
in :mod:`pipeline.corpus.render`; wording and layout in
:mod:`pipeline.corpus.families` and :mod:`pipeline.corpus.families_more` (one
``FAMILIES`` list, in ``families``).

``generate_document(out_dir, family, reason="md_records", form="text_pdf")`` writes
one document for a chosen denial reason (a key of ``catalog.REASON_BY_KEY``, or a
predicate on :class:`~pipeline.corpus.catalog.Reason` with an explicit category) and
optionally a chosen plan type; the tests of the next-step playbooks use it to get a
real document for each code refinement.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from .catalog import CATEGORIES, REASON_BY_KEY, Reason
from .doc import to_text
from .families import FAMILIES, FAMILY_BY_ID
from .scenario import forcing

log = logging.getLogger(__name__)

FORMS = ("text_pdf", "scan_pdf", "fax_fine", "fax_normal", "photo_jpeg", "text")
EXT = {
    "text_pdf": ".pdf",
    "scan_pdf": ".pdf",
    "fax_fine": ".tif",
    "fax_normal": ".tif",
    "photo_jpeg": ".jpg",
    "text": ".txt",
}

__all__ = [
    "CATEGORIES",
    "FAMILIES",
    "FORMS",
    "forcing",
    "generate_corpus",
    "generate_document",
    "main",
    "plan_corpus",
]


def plan_corpus(
    n: int, seed: int = 0, forms: Sequence[str] | None = None, families: Sequence[str] | None = None
) -> list[tuple[str, str, str]]:
    """Decide (family, category, form) for each document, balancing coverage.

    Families rotate in shuffled rounds; each document takes the least-used category its
    family supports and the least-used form, so small corpora still cover everything.
    """
    forms = list(forms or FORMS)
    bad = [f for f in forms if f not in FORMS]
    if bad:
        raise ValueError(f"unknown form(s): {bad}; choose from {FORMS}")
    fams = [FAMILY_BY_ID[f] for f in families] if families else list(FAMILIES)
    rng = random.Random(f"plan:{seed}")
    cat_n: Counter[str] = Counter()
    form_n: Counter[str] = Counter()
    out = []
    order: list = []
    for i in range(n):
        if i % len(fams) == 0:
            order = fams[:]
            rng.shuffle(order)
        fam = order[i % len(fams)]
        low = min(cat_n[c] for c in fam.categories)
        cat = rng.choice([c for c in fam.categories if cat_n[c] == low])
        cat_n[cat] += 1
        lowf = min(form_n[f] for f in forms)
        form = rng.choice([f for f in forms if form_n[f] == lowf])
        form_n[form] += 1
        out.append((fam.id, cat, form))
    return out


def _fax_header(rec: dict, rng: random.Random) -> str:
    from datetime import date

    sent = date.fromisoformat(rec["letter_date"]) + timedelta(days=rng.randint(0, 4))
    return (
        f"{sent:%m/%d/%Y} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}  FROM: "
        f"{rng.randint(200, 989)}-555-{rng.randint(1000, 9999)}  TO: "
        f"{rng.randint(200, 989)}-555-{rng.randint(1000, 9999)}"
    )


def _make_one(args: tuple[int, int | str, str, str, str, str]) -> tuple[dict, bytes]:
    """Build and render document ``i``; returns (ground-truth record, file bytes)."""
    from . import render

    i, seed, fam_id, category, form, name = args
    fam = FAMILY_BY_ID[fam_id]
    rng = random.Random(f"{seed}:{i}:{fam_id}:{category}")
    compact = form == "photo_jpeg"
    doc, truth = fam.build(rng, category, compact)
    rrng = random.Random(f"render:{seed}:{i}")
    meta: dict = {}
    data: bytes
    if form == "text":
        data = to_text(doc).encode("utf-8")
    else:
        pdf = render.render_pdf(doc)
        if form == "photo_jpeg":
            tries = 0
            while render.page_count(pdf) > 1 and tries < 4:
                tries += 1
                st = doc.style
                doc.style = replace(st, size=max(st.size - 0.8, 6.5), margin=max(st.margin - 8, 28))
                pdf = render.render_pdf(doc)
            if render.page_count(pdf) > 1:
                log.info("doc %d: does not fit one photo; rendering as scan_pdf", i)
                form = "scan_pdf"
                name = name.rsplit(".", 1)[0] + ".pdf"
        meta["pages"] = render.page_count(pdf)
        if form == "text_pdf":
            data = pdf
        elif form == "scan_pdf":
            data, m = render.scan_pdf(pdf, rrng)
            meta.update(m)
        elif form in ("fax_fine", "fax_normal"):
            data, m = render.fax_tiff(pdf, rrng, form == "fax_fine", _fax_header(truth, rrng))
            meta.update(m)
        elif form == "photo_jpeg":
            data, m = render.photo_jpeg(pdf, rrng)
            meta.update(m)
        else:  # pragma: no cover
            raise ValueError(form)
    rec = {"file": name, "index": i, "family": fam_id, "form": form}
    rec.update(truth)
    rec["render"] = meta
    return rec, data


def generate_corpus(
    out_dir: Path,
    n: int,
    seed: int = 0,
    forms: Sequence[str] | None = None,
    *,
    families: Sequence[str] | None = None,
    workers: int = 1,
    clean: bool = False,
) -> list[dict]:
    """Write ``n`` synthetic documents and ``ground_truth.jsonl`` into ``out_dir``.

    Returns the ground-truth records (also written, one JSON object per line).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if clean:
        for p in out_dir.glob("doc_*"):
            if p.suffix in (".pdf", ".tif", ".jpg", ".txt"):
                p.unlink()
    t0 = time.perf_counter()
    plan = plan_corpus(n, seed, forms, families)
    width = max(4, len(str(n)))
    jobs = [
        (i, seed, fam, cat, form, f"doc_{i + 1:0{width}d}{EXT[form]}")
        for i, (fam, cat, form) in enumerate(plan)
    ]
    records: list[dict] = []

    def _write(rec: dict, data: bytes) -> None:
        (out_dir / rec["file"]).write_bytes(data)
        records.append(rec)

    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            for rec, data in ex.map(_make_one, jobs, chunksize=4):
                _write(rec, data)
    else:
        for job in jobs:
            _write(*_make_one(job))
    with open(out_dir / "ground_truth.jsonl", "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    log.info(
        "wrote %d documents to %s in %.1f s (forms: %s)",
        len(records),
        out_dir,
        time.perf_counter() - t0,
        dict(Counter(r["form"] for r in records)),
    )
    return records


def generate_document(
    out_dir: Path,
    family: str,
    category: str | None = None,
    *,
    reason: str | Callable[[Reason], bool] | None = None,
    plan_type: str | tuple[str, ...] | None = None,
    seed: int | str = 0,
    form: str = "text_pdf",
    name: str | None = None,
) -> dict:
    """Write one document of ``family`` into ``out_dir``; return its ground-truth record.

    ``reason``: a reason key (``"ce_bundled"``; the category is then the reason's) or a
    predicate on reasons (``lambda r: r.carc == "16"``; give ``category`` too).
    ``plan_type``: restrict the payer to this plan type (or tuple of types). A
    combination the family cannot produce raises ``ValueError``. The record has the
    same fields as a line of ``ground_truth.jsonl``; ``record["file"]`` is the file name.
    """
    if family not in FAMILY_BY_ID:
        raise ValueError(f"unknown family {family!r}; choose from {sorted(FAMILY_BY_ID)}")
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; choose from {FORMS}")
    if isinstance(reason, str):
        if reason not in REASON_BY_KEY:
            raise ValueError(f"unknown reason {reason!r}")
        own = REASON_BY_KEY[reason].category
        if category not in (None, own):
            raise ValueError(f"reason {reason!r} belongs to {own!r}, not {category!r}")
        category = own
    if category not in CATEGORIES:
        raise ValueError(f"a category is needed (one of {CATEGORIES}), got {category!r}")
    label = reason if isinstance(reason, str) else category
    name = name or f"{family}_{label}_{seed}{EXT[form]}"
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with forcing(reason, plan_type):
        rec, data = _make_one((0, seed, family, category, form, name))
    (out_dir / rec["file"]).write_bytes(data)
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m pipeline.corpus", description="Generate the synthetic denial-mail corpus."
    )
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--n", type=int, default=60, help="number of documents")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--forms",
        nargs="+",
        choices=FORMS,
        default=None,
        help="restrict to these forms (default: all)",
    )
    ap.add_argument("--families", nargs="+", choices=sorted(FAMILY_BY_ID), default=None)
    ap.add_argument("--workers", type=int, default=1, help="processes (output is identical)")
    ap.add_argument(
        "--clean", action="store_true", help="delete existing doc_* files in --out first"
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if a.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    recs = generate_corpus(
        a.out, a.n, a.seed, a.forms, families=a.families, workers=a.workers, clean=a.clean
    )
    print(f"wrote {len(recs)} documents and ground_truth.jsonl to {a.out}")
    return 0
