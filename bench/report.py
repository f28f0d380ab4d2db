"""Write the results table of docs/performance.md from bench/results.json.

    .venv/bin/python bench/report.py

Replaces what lies between the `<!-- bench:begin -->` and `<!-- bench:end -->` lines
of docs/performance.md: one row per figure, each next to its baseline from the same
run, with the target, the command and the machine facts of that run (load included).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, ROOT  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _met(ok: bool | None, machine: dict | None = None) -> str:
    """Met / not met; a wall-time figure taken at a load above the core count is flagged.

    The load is the one when the script started (other jobs), where recorded: at the
    end of a run it also counts the benchmark's own server and workers."""
    if ok is None:
        return ""
    out = "**met**" if ok else "**not met**"
    load = (machine or {}).get("load_at_start") or (machine or {}).get("load_avg")
    if load and load[0] > (machine or {}).get("cpus", 1):
        out += " (measured at load above the core count: not conclusive)"
    return out


def _machine(m: dict) -> str:
    load, start = m.get("load_avg"), m.get("load_at_start")
    out = f"{m.get('date', '?')}, {m.get('cpus')} CPUs"
    if start:
        out += f", load at start {start[0]:.1f}"
    if load:
        out += f", load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}" + (" at end" if start else "")
    return out


def rows(r: dict) -> list[tuple[str, str, str, str, str]]:
    """(figure, value, same-run baseline, target, run) rows."""
    out = []
    if s := r.get("show"):
        st = s["stages_s_median"]
        out.append((
            "`denials show` on a text PDF, Python start included (median)",
            f"{s['show_s_median']:.2f} s (all: {', '.join(f'{x:.2f}' for x in s['show_s_all'])})",
            f"`python -c pass` {s['python_start_s_median']:.3f} s; in-process: pipeline "
            f"imports {st['import_pipeline_s']:.2f} s, read {st['read_s']:.2f} s, analysis "
            f"imports {st['import_analysis_s']:.2f} s, extract {st['extract_s']:.2f} s, "
            f"model import + load {st['model_load_s']:.2f} s, first classify "
            f"{st['first_classify_s']:.2f} s. Classifier {s['model_s']:.2f} s, the rest of "
            f"show {s['rest_of_show_s']:.2f} s: **classifier budget "
            f"{s['model_budget_s']:.2f} s**",
            f"< 2 s {_met(s['meets_target'], s['machine'])}",
            f"`{s['command']}`; {_machine(s['machine'])}"))
    if t := r.get("text_layer"):
        out.append((
            "PDF text layer: `page_text` (ours) vs pdfplumber `extract_text`",
            f"{t['page_text_ms_per_page']:.1f} ms/page; identical text on "
            f"{t['identical_pages']} of {t['pages']} pages",
            f"pdfplumber {t['extract_text_ms_per_page']:.1f} ms/page",
            "identical text", f"`{t['command']}`; {_machine(t['machine'])}"))
    if t := r.get("text_pdfs"):
        n = t["documents"]
        out.append((
            f"{n:,} one-page text PDFs through the flow (start-up excluded)",
            f"{t['flow_docs_per_s']:.1f} docs/s (start-up {t['flow_startup_s']:.1f} s)",
            f"plain process pool, same library calls: {t['pool_docs_per_s']:.1f} docs/s "
            f"(start-up {t['pool_startup_s']:.1f} s)",
            f">= 20 docs/s {_met(t['flow_docs_per_s'] >= 20, t['machine'])}",
            f"`{t['command']}`; {_machine(t['machine'])}"))
        out.append((
            "flow time / pool time", f"{t['flow_over_pool']:.2f}x", "(ratio of the two above)",
            f"<= 1.3x {_met(t['flow_over_pool'] <= 1.3, t['machine'])}", "same run"))
        if t.get("flow_cpu_ms_per_doc"):
            out.append((
                "CPU per document during the batch, all processes (less sensitive to load)",
                f"flow {t['flow_cpu_ms_per_doc']:.0f} ms = "
                f"{t['flow_cpu_ms_per_doc'] / t['pool_cpu_ms_per_doc']:.2f}x the pool's",
                f"pool {t['pool_cpu_ms_per_doc']:.0f} ms", "", "same run"))
        if t.get("cli_total_s"):
            out.append((f"whole `denials triage` command on {n:,} text PDFs",
                        f"{t['cli_total_s']:.1f} s", "", "", "same run"))
    if s := r.get("scans"):
        raw = s["raw_tesseract_pages_per_min"]
        out.append((
            f"scanned pages through the flow ({s['pages']} pages, {s['documents']} PDFs, "
            f"{s.get('ocr_engine', '?')}, {s.get('ocr_dpi', 300)} dpi)",
            f"{s['flow_pages_per_min']:.0f} pages/min = {s['flow_over_raw_throughput']:.2f}x raw",
            f"raw `tesseract` CLI, 300 dpi, {s['workers']} processes: {raw:.0f} pages/min",
            f">= 1.0x {_met(s['flow_over_raw_throughput'] >= 1.0, s['machine'])}",
            f"`{s['command']}`; {_machine(s['machine'])}"))
        pool = f"{s['pool_pages_per_min']:.0f} pages/min = {s['pool_over_raw_throughput']:.2f}x"
        if "pool_cli_pages_per_min" in s:
            pool += (f"; with the tesseract command: {s['pool_cli_pages_per_min']:.0f} pages/min"
                     f" = {s['pool_cli_over_raw_throughput']:.2f}x")
        out.append(("the same pages, library in a plain process pool", pool,
                    f"raw: {raw:.0f} pages/min", "", "same run"))
    if sc := r.get("scale"):
        if b := sc.get("batch"):
            out.append((
                f"{b['documents'][1]:,}-document batch (text PDFs) through the flow",
                f"{b['batch_s'][1]:.0f} s = {b['time_ratio']:.2f}x the 1,000; peak memory "
                f"{b['peak_rss_mib'][1]} MiB (process tree); {b['failed'][1]} failed",
                f"1,000 documents: {b['batch_s'][0]:.0f} s, peak {b['peak_rss_mib'][0]} MiB",
                f"memory < 1536 MiB {_met(b['peak_rss_mib'][1] < 1536)}; time <= "
                f"{b['targets']['time_ratio_max']:g}x "
                + _met(b["time_ratio"] <= b["targets"]["time_ratio_max"],
                       sc.get("batch_machine", sc["machine"])),
                f"`{sc.get('batch_command', sc['command'])}`; "
                f"{_machine(sc.get('batch_machine', sc['machine']))}"))
            if at := b.get("at_peak_mib"):
                def roles(d: dict) -> str:
                    return ", ".join(f"{k} {v}" for k, v in d.items())

                procs = b.get("peak_by_process_mib") or [{}, {}]
                out.append((
                    "the same batches' memory by process (MiB): resident at the tree's peak; "
                    "each process's own peak",
                    f"{b['documents'][1]:,}: {roles(at[1])}; own peaks: {roles(procs[1])}",
                    f"1,000: {roles(at[0])}; own peaks: {roles(procs[0])}", "", "same run"))
        if p := sc.get("long_pdf"):
            out.append((
                f"one {p['pages']:,}-page text PDF through `denials triage`",
                f"peak memory {p['peak_rss_mib']} MiB (process tree); {p['wall_s']:.0f} s; "
                f"status {p['status']}, {p['pages_read']} pages read", "",
                f"< 1024 MiB {_met(p['meets_target'])}",
                f"`{sc.get('long_pdf_command', sc['command'])}`; "
                f"{_machine(sc.get('long_pdf_machine', sc['machine']))}"))
    return out


def main() -> int:
    results = json.loads(RESULTS.read_text())
    table = ["| figure | value | baseline (same run) | target | command; machine (date, "
             "CPUs, load 1/5/15 min) |", "|---|---|---|---|---|"]
    table += ["| " + " | ".join(cells) + " |" for cells in rows(results)]
    doc = DOC.read_text()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{DOC} has no {BEGIN} ... {END} section")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(head + BEGIN + "\n" + "\n".join(table) + "\n" + END + tail)
    print(f"wrote {len(table) - 2} rows to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
