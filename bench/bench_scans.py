"""Scanned pages: pipeline throughput vs the raw `tesseract` CLI at 300 dpi with 2
processes on the same pages, `OMP_THREAD_LIMIT=1` (target: pipeline >= 1.0x).

    .venv/bin/python bench/bench_scans.py [--n 40] [--repeat 2] [--workers 2]

The pages are synthetic scanned PDFs (`python -m pipeline.corpus --forms scan_pdf`).
Baseline: every page rendered once (PDFium, 300 dpi, greyscale PNG, not timed), then
`tesseract PAGE.png stdout` over all pages, `workers` at a time. Pipeline: the same
PDFs through the `denials triage` flow (start-up excluded, measured after a warm-up
batch) and through the library in a plain process pool, with the default OCR engine
(tesserocr when installed) and, for reference, with the tesseract command
(`DENIALS_OCR_ENGINE=cli`). Run side by side, alternating.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, generate_corpus, median, save  # noqa: E402
from bench_text_pdfs import _run_child  # noqa: E402


def render_pages(docs: list[Path], out: Path, dpi: int = 300) -> list[Path]:
    import pypdfium2 as pdfium

    pages = []
    for doc in docs:
        pdf = pdfium.PdfDocument(str(doc))
        for i in range(len(pdf)):
            img = pdf[i].render(scale=dpi / 72, grayscale=True).to_pil()
            p = out / f"{doc.stem}-{i + 1}.png"
            img.save(p, dpi=(dpi, dpi))
            pages.append(p)
        pdf.close()
    return pages


def raw_tesseract(pages: list[Path], workers: int) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(p: Path) -> None:
        subprocess.run(["tesseract", str(p), "stdout"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="scanned PDF documents")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-cli-pool", action="store_true",
                    help="skip the library pool run with the tesseract command")
    args = ap.parse_args()
    corpus = CACHE / f"scan_pdf_{args.n}"
    docs = [p for p in generate_corpus(corpus, args.n, ["scan_pdf"]) if p.suffix == ".pdf"]
    from pipeline.triage import Triager

    engine = type(Triager().ocr_engine()).__name__
    raw, flow, pool, pool_cli = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        pages = render_pages(docs, Path(tmp))
        n = len(pages)
        for r in range(args.repeat):
            raw.append(raw_tesseract(pages, args.workers))
            flow.append(_run_child("flow", corpus, args.workers)["batch_s"])
            pool.append(_run_child("pool", corpus, args.workers)["batch_s"])
            if not args.no_cli_pool:  # the library with the tesseract command, for reference
                os.environ["DENIALS_OCR_ENGINE"] = "cli"
                try:
                    pool_cli.append(_run_child("pool", corpus, args.workers)["batch_s"])
                finally:
                    del os.environ["DENIALS_OCR_ENGINE"]
            print(f"  run {r + 1}: raw tesseract {n / raw[-1] * 60:.0f} pages/min, flow "
                  f"{n / flow[-1] * 60:.0f}, library pool {n / pool[-1] * 60:.0f}"
                  + (f", library pool with the tesseract command "
                     f"{n / pool_cli[-1] * 60:.0f}" if pool_cli else ""), flush=True)
    figures = {
        "documents": len(docs), "pages": n, "workers": args.workers, "ocr_engine": engine,
        "ocr_dpi": Triager().settings.ocr_dpi,
        "raw_tesseract_pages_per_min": round(n / median(raw) * 60, 1),
        "flow_pages_per_min": round(n / median(flow) * 60, 1),
        "pool_pages_per_min": round(n / median(pool) * 60, 1),
        "flow_over_raw_throughput": round(median(raw) / median(flow), 3),
        "pool_over_raw_throughput": round(median(raw) / median(pool), 3),
        "runs_s": {"raw": raw, "flow": flow, "pool": pool, "pool_cli": pool_cli},
        "target_min_ratio": 1.0,
    }
    if pool_cli:
        figures["pool_cli_pages_per_min"] = round(n / median(pool_cli) * 60, 1)
        figures["pool_cli_over_raw_throughput"] = round(median(raw) / median(pool_cli), 3)
    print(f"{n} scanned pages ({len(docs)} PDFs), {args.workers} processes/workers, "
          f"medians of {args.repeat}:")
    print(f"  raw tesseract CLI 300 dpi: {figures['raw_tesseract_pages_per_min']:.0f} pages/min")
    print(f"  denials triage flow:       {figures['flow_pages_per_min']:.0f} pages/min = "
          f"{figures['flow_over_raw_throughput']:.2f}x raw; target >= 1.0x")
    print(f"  library in process pool:   {figures['pool_pages_per_min']:.0f} pages/min = "
          f"{figures['pool_over_raw_throughput']:.2f}x raw ({engine})")
    if pool_cli:
        print(f"  same, tesseract command:   {figures['pool_cli_pages_per_min']:.0f} pages/min "
              f"= {figures['pool_cli_over_raw_throughput']:.2f}x raw")
    save("scans", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
