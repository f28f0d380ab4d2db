"""Text layer: `pipeline.read.page_text` against pdfplumber's own `page.extract_text()`.

    .venv/bin/python bench/check_text_layer.py [DIR_OR_PDF ...]

Default inputs: `sample_letters/`, the generated text-PDF corpora in `bench/.cache/`
and the PDFs under `tests/`. Every page of every PDF is read both ways; the script
prints how many pages are identical and the time per page of each (side by side,
same process), and exits 1 if any page differs. Only counts and times are printed,
never text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, ROOT, save  # noqa: E402


def pdfs(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.is_file() and _is_pdf(q))
        elif p.is_file() and _is_pdf(p):
            out.append(p)
    return out


def _is_pdf(p: Path) -> bool:
    with p.open("rb") as fh:
        return b"%PDF-" in fh.read(1024)


def main() -> int:
    import pdfplumber

    from pipeline.read import page_text

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--no-save", action="store_true", help="do not write bench/results.json")
    args = ap.parse_args()
    paths = args.paths or [ROOT / "sample_letters", ROOT / "tests", *sorted(
        p for p in CACHE.glob("text_pdf_*") if "copies" not in p.name)]  # not bench_scale's
    files = pdfs(paths)
    pages = same = failed = 0
    t_ours = t_theirs = 0.0
    for f in files:
        try:
            a, b = pdfplumber.open(f), pdfplumber.open(f)
        except Exception:  # damaged test files: the reader's own error handling covers them
            failed += 1
            continue
        with a, b:
            for pa, pb in zip(a.pages, b.pages, strict=True):
                try:
                    t0 = time.perf_counter()
                    ours = page_text(pa)
                    t1 = time.perf_counter()
                    theirs = pb.extract_text() or ""
                    t2 = time.perf_counter()
                except Exception:
                    failed += 1
                    continue
                t_ours += t1 - t0
                t_theirs += t2 - t1
                pages += 1
                same += ours == theirs
    figures = {
        "pdfs": len(files), "pages": pages, "identical_pages": same,
        "unreadable_skipped": failed,
        "page_text_ms_per_page": round(t_ours / max(pages, 1) * 1000, 2),
        "extract_text_ms_per_page": round(t_theirs / max(pages, 1) * 1000, 2),
    }
    print(f"{len(files)} PDFs, {pages} pages: {same} identical "
          f"({failed} unreadable skipped); page_text {figures['page_text_ms_per_page']:.1f} "
          f"ms/page vs pdfplumber extract_text {figures['extract_text_ms_per_page']:.1f} ms/page")
    if not args.no_save:
        save("text_layer", figures)
    return 0 if same == pages else 1


if __name__ == "__main__":
    sys.exit(main())
