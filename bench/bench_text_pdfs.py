"""Text PDFs: `denials triage` (the Prefect flow) vs the same library calls in a plain
process pool, documents per second (targets: >= 20 docs/s on 1,000 documents on 2 cores,
flow time <= 1.3x the pool's).

    .venv/bin/python bench/bench_text_pdfs.py [--n 1000] [--repeat 2] [--workers 2]

Each measurement runs in a fresh process. Start-up (imports, Prefect's temporary
server, model load, pool start) is measured and reported separately: each side first
processes a 2-document warm-up batch (and the flow's worker processes are started and
loaded, as `denials triage` does while its server starts), then the timed batch of N
documents into a new output directory (records appended as they finish, then worklist,
drafts and report).
The whole `denials triage` command (start-up included) is also timed once per repeat.
Flow and pool alternate, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, ROOT, denials_cmd, generate_corpus, median, save, timed_run  # noqa: E402


def _child(mode: str, corpus: Path, out: Path, workers: int) -> dict:
    t0 = time.perf_counter()
    docs = sorted(str(p) for p in corpus.iterdir() if p.name.startswith("doc_"))
    warm = out / "warm-in"
    warm.mkdir(parents=True)
    for p in docs[:2]:
        shutil.copy(p, warm)
    if mode == "flow":
        from pipeline.cli import _prefect_env

        _prefect_env(quiet=True)  # the environment `denials triage -q` runs the flow in
        from flows.triage import prestart_processes, run_triage
        from pipeline.settings import Settings

        settings = Settings(workers=workers).model_dump()
        run_triage([str(warm)], str(out / "warm-out"), workers=workers, settings=settings)
        # the batch's worker processes loaded before the clock starts, as the pool's are
        # (`denials triage` loads them while Prefect's server starts): their start-up
        # is start-up, not batch time
        for loading in prestart_processes(workers, Settings(**settings).model_dump_json()):
            loading.result()
        t1, c1, a1 = time.perf_counter(), _cpu(), _tree_cpu()
        run_triage([str(corpus)], str(out / "out"), workers=workers, settings=settings)
        t2, c2, a2 = time.perf_counter(), _cpu(), _tree_cpu()
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        from pipeline.batch import triage_line
        from pipeline.output import ResultWriter
        from pipeline.settings import Settings
        from pipeline.triage import triage_record, warm_worker

        sj = Settings(workers=workers).model_dump_json()
        with ProcessPoolExecutor(workers, initializer=warm_worker, initargs=(sj,)) as pool:
            warm_out = str(out / "warm-out")
            list(pool.map(triage_record, docs[:2 * workers], [sj] * (2 * workers),
                          [warm_out] * (2 * workers)))  # every worker loaded
            t1, c1, a1 = time.perf_counter(), _cpu(), _tree_cpu()
            writer = ResultWriter(out / "out")
            # the same library call as the flow's task: the record (as its JSON line),
            # and its appeal drafts written by the worker
            futures = [pool.submit(triage_line, p, sj, str(out / "out")) for p in docs]
            for f in as_completed(futures):
                writer.append(f.result())
            tf = time.perf_counter()
            writer.finalize()  # worklist, missing drafts (none), report
            t2, c2, a2 = time.perf_counter(), _cpu(), _tree_cpu()
        return {"startup_s": t1 - t0, "batch_s": t2 - t1, "finalize_s": t2 - tf,
                "main_cpu_s": c2 - c1, "batch_cpu_s": a2 - a1, "n": len(docs)}
    return {"startup_s": t1 - t0, "batch_s": t2 - t1, "main_cpu_s": c2 - c1,
            "batch_cpu_s": a2 - a1, "n": len(docs)}


def _cpu() -> float:
    """CPU seconds of this process (all its threads; not its worker processes)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _tree_cpu() -> float:
    """CPU seconds of this process and all its descendants, live or waited for.

    Less sensitive to other jobs on the machine than wall time: with the machine
    shared, compare the flow's and the pool's CPU per document as well.
    """
    import resource

    me = os.getpid()
    parent: dict[int, int] = {}
    stat: dict[int, list[str]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent[int(d)], stat[int(d)] = int(fields[1]), fields
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid, fields in stat.items():
        p = pid
        while p not in (0, 1, me) and p in parent:
            p = parent[p]
        if p == me and pid != me:  # utime, stime, cutime, cstime of a live descendant
            total += sum(int(x) for x in fields[11:15]) / tick
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):  # self, and waited children
        ru = resource.getrusage(who)
        total += ru.ru_utime + ru.ru_stime
    return total


def _run_child(mode: str, corpus: Path, workers: int) -> dict:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--corpus", str(corpus),
             "--out", tmp, "--workers", str(workers)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = json.loads(out.splitlines()[-1])
    # CPU of the whole process tree (workers, Prefect's server), start-up included
    res["tree_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--no-cli", action="store_true", help="skip the whole-command timing")
    ap.add_argument("--child", choices=["flow", "pool"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.corpus, args.out, args.workers)))
        return 0

    corpus = CACHE / f"text_pdf_{args.n}"
    docs = generate_corpus(corpus, args.n, ["text_pdf"])
    n = len(docs)
    runs: dict[str, list[dict]] = {"flow": [], "pool": []}
    cli: list[float] = []
    for r in range(args.repeat):
        for mode in ("flow", "pool") if r % 2 == 0 else ("pool", "flow"):
            res = _run_child(mode, corpus, args.workers)
            runs[mode].append(res)
            print(f"  run {r + 1} {mode}: start-up {res['startup_s']:.1f} s, batch "
                  f"{res['batch_s']:.1f} s = {n / res['batch_s']:.1f} docs/s; CPU during the "
                  f"batch: {res['batch_cpu_s']:.1f} s in all processes, "
                  f"{res['main_cpu_s']:.1f} s in the main one", flush=True)
        if not args.no_cli:
            with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
                cli.append(timed_run([*denials_cmd(), "triage", str(corpus), "--out", tmp,
                                      "-q", "--workers", str(args.workers)]))
            print(f"  run {r + 1} denials triage (whole command): {cli[-1]:.1f} s", flush=True)
    flow_b = median([x["batch_s"] for x in runs["flow"]])
    pool_b = median([x["batch_s"] for x in runs["pool"]])
    figures = {
        "documents": n,
        "workers": args.workers,
        "flow_docs_per_s": round(n / flow_b, 2),
        "pool_docs_per_s": round(n / pool_b, 2),
        "flow_over_pool": round(flow_b / pool_b, 3),
        "flow_startup_s": round(median([x["startup_s"] for x in runs["flow"]]), 2),
        "pool_startup_s": round(median([x["startup_s"] for x in runs["pool"]]), 2),
        "cli_total_s": round(median(cli), 2) if cli else None,
        "pool_finalize_s": round(median([x["finalize_s"] for x in runs["pool"]]), 2),
        "flow_cpu_ms_per_doc": round(median([x["batch_cpu_s"] for x in runs["flow"]]) / n
                                     * 1000, 1),
        "pool_cpu_ms_per_doc": round(median([x["batch_cpu_s"] for x in runs["pool"]]) / n
                                     * 1000, 1),
        "runs": runs,
        "targets": {"flow_docs_per_s": 20, "flow_over_pool_max": 1.3},
    }
    print(f"{n} one-page text PDFs, {args.workers} workers, medians of {args.repeat}:")
    print(f"  flow (denials triage): {figures['flow_docs_per_s']:.1f} docs/s "
          f"(start-up {figures['flow_startup_s']:.1f} s); target >= 20")
    print(f"  plain process pool:    {figures['pool_docs_per_s']:.1f} docs/s "
          f"(start-up {figures['pool_startup_s']:.1f} s)")
    print(f"    of which finalize (worklist, drafts, report): {figures['pool_finalize_s']:.1f} s")
    print(f"  flow / pool time:      {figures['flow_over_pool']:.2f}x; target <= 1.3x")
    print(f"  CPU per document (all processes, during the batch): flow "
          f"{figures['flow_cpu_ms_per_doc']:.0f} ms, pool {figures['pool_cpu_ms_per_doc']:.0f} ms"
          f" = {figures['flow_cpu_ms_per_doc'] / figures['pool_cpu_ms_per_doc']:.2f}x")
    if cli:
        print(f"  denials triage whole command: {figures['cli_total_s']:.1f} s")
    save("text_pdfs", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
