"""Scale: a 10,000-document batch (peak memory < 1.5 GiB, time <= 11x that of 1,000
documents) and one 2,000-page PDF (peak memory < 1 GiB, pages streamed).

    .venv/bin/python bench/bench_scale.py [--docs 10000] [--pages 2000] [--skip-batch]
                                          [--skip-pdf] [--workers 2] [--trace]

Batch: the 1,000 generated one-page text PDFs of `bench_text_pdfs.py`, and 10,000 made
from them by copying each ten times with a distinct trailing PDF comment (so every
copy has its own content hash and its own appeal drafts; the text is the same).
Each batch runs through the flow (`run_triage`, as `denials triage` does) in a fresh
process after a 2-document warm-up, like `bench_text_pdfs.py`; the 1,000 and the
10,000 run one after the other in the same invocation. Peak memory is the highest
sum of the resident set sizes of the whole process tree (the flow's process,
Prefect's temporary server, the worker processes), sampled every 0.2 s from /proc.
Also recorded, to tell which process grows with the batch: the tree's resident size
by role (``main``: the flow's process, ``server``: Prefect's temporary server,
``worker``: the worker processes, ``resource_tracker``, ``other``) at the moment of
that peak, and each process's own peak (the kernel's ``VmHWM``), by role; ``--trace``
prints the resident size by role every 5 s.

PDF: one text PDF of `--pages` letter pages (the sample letter text, repeated),
through `denials triage FILE` with `DENIALS_MAX_PAGES` raised to fit; the same
sampling of the process tree's memory. Prints only times, counts and sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, RESULTS, ROOT, denials_cmd, generate_corpus, save  # noqa: E402

GIB = 1024 ** 3


def _role(pid: int, root: int) -> str:
    """What a process of the tree is, from its command line (no arguments kept)."""
    if pid == root:
        return "main"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().split(b"\0")
    except OSError:
        return "other"
    if b"uvicorn" in argv:
        return "server"  # Prefect's temporary server (python -m uvicorn ...)
    if any(b"resource_tracker" in a for a in argv):
        return "resource_tracker"
    if any(b"multiprocessing" in a or b"spawn_main" in a for a in argv):
        return "worker"
    return "other"


def _tree(root: int) -> dict[int, int]:
    """Resident bytes of ``root`` and each of its descendants, by pid (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
        rss[int(d)] = pages * page
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in rss:
            out[pid] = rss[pid]
        todo += children.get(pid, [])
    return out


def _tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and all its descendants (Linux /proc)."""
    return sum(_tree(root).values())


def _hwm(pid: int) -> int:
    """The kernel's peak resident size of one process (VmHWM), bytes; 0 once gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class Sampled:
    """A command's wall time, stdout and memory: the peak of the tree's total resident
    size (sampled), each process's own peak (VmHWM, by role) and the tree's resident
    size by role at the moment of the total's peak."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.out = ""
        self.peak = 0  # bytes, the highest sampled sum over the tree
        self.at_peak: dict[str, int] = {}  # bytes by role when the sum peaked
        self.proc_peak: dict[int, tuple[str, int]] = {}  # pid: (role, VmHWM bytes)
        self.trace: list[tuple[float, dict[str, int]]] = []  # (s, bytes by role) every 5 s

    def by_role(self) -> dict[str, list[int]]:
        """Peak MiB of each process, by role (workers in start order)."""
        roles: dict[str, list[int]] = {}
        for pid in sorted(self.proc_peak):
            role, hwm = self.proc_peak[pid]
            roles.setdefault(role, []).append(round(hwm / 2**20))
        return roles


def run_sampled(cmd: list[str], env: dict | None = None) -> Sampled:
    """Run a command, sampling its process tree's memory every 0.2 s."""
    res = Sampled()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    stop = threading.Event()
    roles: dict[int, str] = {}

    def sample() -> None:
        next_trace = 0.0
        while not stop.is_set():
            tree = _tree(proc.pid)
            by_role: dict[str, int] = {}
            for pid, rss in tree.items():
                if pid not in roles or roles[pid] == "other":
                    roles[pid] = _role(pid, proc.pid)  # re-read: a spawned child's
                    # command line is set just after it starts
                by_role[roles[pid]] = by_role.get(roles[pid], 0) + rss
                hwm = _hwm(pid)
                if hwm:
                    res.proc_peak[pid] = (roles[pid], max(hwm, res.proc_peak.get(
                        pid, ("", 0))[1]))
            total = sum(tree.values())
            if total > res.peak:
                res.peak, res.at_peak = total, by_role
            now = time.perf_counter() - t0
            if now >= next_trace:
                res.trace.append((round(now, 1), by_role))
                next_trace = now + 5
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    res.out, _ = proc.communicate()
    res.wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if proc.returncode not in (0, 1):  # 1: some documents failed (counted by the caller)
        raise SystemExit(f"benchmark command failed with exit code {proc.returncode}")
    return res


def _mib(by_role: dict[str, int]) -> dict[str, int]:
    return {k: round(v / 2**20) for k, v in sorted(by_role.items())}


def copies(src: list[Path], out: Path, n: int) -> Path:
    """``n`` PDFs from ``src``: each copied with a distinct trailing comment."""
    marker = out / f".complete-{n}"
    if marker.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    i = 0
    while i < n:
        for p in src:
            if i >= n:
                break
            data = p.read_bytes() + f"\n%copy {i}\n".encode()
            (out / f"doc_{i:05d}.pdf").write_bytes(data)
            i += 1
    marker.touch()
    return out


def big_pdf(path: Path, pages: int) -> Path:
    if path.exists():
        return path
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    texts = sorted((ROOT / "sample_letters").glob("*.txt"))  # synthetic sample mail
    lines = [ln for ln in texts[0].read_text().splitlines() if ln.strip()] if texts else []
    lines = lines or [f"Line {i} of a long remittance: claim, service date, CARC 45, "
                      f"amount $120.00" for i in range(40)]
    c = canvas.Canvas(str(path), pagesize=letter)
    for page in range(pages):
        y = 740
        c.setFont("Helvetica", 10)
        c.drawString(72, 760, f"Page {page + 1} of {pages}")
        for line in lines[:52]:
            c.drawString(72, y, line[:100])
            y -= 13
        c.showPage()
    c.save()
    return path


def batch(corpus: Path, workers: int, trace: bool = False) -> dict:
    cmd = [sys.executable, str(ROOT / "bench" / "bench_text_pdfs.py"), "--child", "flow",
           "--corpus", str(corpus), "--workers", str(workers)]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        run = run_sampled([*cmd, "--out", tmp])
        res = json.loads(run.out.splitlines()[-1])
        records = failed = 0
        with (Path(tmp) / "out" / "results.jsonl").open() as fh:
            for line in fh:
                if line.strip():
                    records += 1
                    failed += json.loads(line)["status"] == "failed"
    if trace:  # resident MiB by role every 5 s (to see what grows with the batch)
        for t, by_role in run.trace:
            print(f"    {t:7.1f} s  {_mib(by_role)}", flush=True)
    res.update(wall_s=run.wall, peak_rss_bytes=run.peak, records=records, failed=failed,
               peak_by_process_mib=run.by_role(), at_peak_mib=_mib(run.at_peak))
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--skip-pdf", action="store_true")
    ap.add_argument("--trace", action="store_true",
                    help="print the resident memory by role every 5 s")
    args = ap.parse_args()
    figures: dict = {"workers": args.workers}
    if not args.skip_pdf:
        pdf = big_pdf(CACHE / f"long_{args.pages}.pdf", args.pages)
        env = dict(os.environ, DENIALS_MAX_PAGES=str(args.pages),
                   PREFECT_SERVER_ANALYTICS_ENABLED="false")
        with tempfile.TemporaryDirectory(prefix="bench-scale-pdf-") as tmp:
            run = run_sampled([*denials_cmd(), "triage", str(pdf), "--out", tmp,
                               "-q", "--workers", str(args.workers)], env=env)
            wall, peak = run.wall, run.peak
            rec = json.loads((Path(tmp) / "results.jsonl").read_text().splitlines()[0])
        figures["long_pdf"] = {
            "pages": args.pages, "status": rec["status"], "pages_read": len(rec["pages"]),
            "wall_s": round(wall, 1), "peak_rss_mib": round(peak / 2**20),
            "peak_by_process_mib": run.by_role(), "at_peak_mib": _mib(run.at_peak),
            "target_peak_mib": 1024, "meets_target": peak < GIB and rec["status"] == "ok",
        }
        print(f"{args.pages}-page text PDF through denials triage: {wall:.1f} s, status "
              f"{rec['status']}, peak memory {peak / 2**20:.0f} MiB (target < 1024 MiB)",
              flush=True)
    if not args.skip_batch:
        base = generate_corpus(CACHE / "text_pdf_1000", 1000, ["text_pdf"])
        base = [p for p in base if p.suffix == ".pdf"]
        big = copies(base, CACHE / f"text_pdf_copies_{args.docs}", args.docs)
        small = batch(CACHE / "text_pdf_1000", args.workers, args.trace)
        print(f"  1,000 docs: batch {small['batch_s']:.1f} s, whole {small['wall_s']:.1f} s, "
              f"peak {small['peak_rss_bytes'] / 2**20:.0f} MiB (at the peak, by role: "
              f"{small['at_peak_mib']}; each process's own peak: "
              f"{small['peak_by_process_mib']})", flush=True)
        large = batch(big, args.workers, args.trace)
        print(f"  {args.docs:,} docs: batch {large['batch_s']:.1f} s, whole "
              f"{large['wall_s']:.1f} s, peak {large['peak_rss_bytes'] / 2**20:.0f} MiB "
              f"(at the peak, by role: {large['at_peak_mib']}; each process's own peak: "
              f"{large['peak_by_process_mib']})", flush=True)
        ratio = large["batch_s"] / small["batch_s"]
        figures["batch"] = {
            "documents": [small["records"], large["records"]],
            "failed": [small["failed"], large["failed"]],
            "batch_s": [round(small["batch_s"], 1), round(large["batch_s"], 1)],
            "startup_s": [round(small["startup_s"], 1), round(large["startup_s"], 1)],
            "whole_s": [round(small["wall_s"], 1), round(large["wall_s"], 1)],
            "peak_rss_mib": [round(small["peak_rss_bytes"] / 2**20),
                             round(large["peak_rss_bytes"] / 2**20)],
            # resident MiB by role (main, server, worker, ...) when the tree's sum peaked
            "at_peak_mib": [small["at_peak_mib"], large["at_peak_mib"]],
            # each process's own peak (VmHWM), MiB, by role; workers in start order
            "peak_by_process_mib": [small["peak_by_process_mib"],
                                    large["peak_by_process_mib"]],
            "time_ratio": round(ratio, 2),
            # CPU of every process of the tree during the batch, per document: less
            # sensitive than wall time to other jobs on a shared machine
            "cpu_ms_per_doc": [round(small["batch_cpu_s"] / small["records"] * 1000, 1),
                               round(large["batch_cpu_s"] / large["records"] * 1000, 1)],
            "docs_per_s": [round(small["records"] / small["batch_s"], 2),
                           round(large["records"] / large["batch_s"], 2)],
            "targets": {"peak_mib_max": 1536, "time_ratio_max": 11 * args.docs / 10_000},
        }
        figures["batch"]["meets_target"] = (
            large["peak_rss_bytes"] < 1.5 * GIB and ratio <= 11 * args.docs / 10_000)
        print(f"{args.docs:,} vs 1,000 text PDFs: batch time {ratio:.2f}x (target <= "
              f"{11 * args.docs / 10_000:g}x), peak memory "
              f"{large['peak_rss_bytes'] / 2**20:.0f} MiB (target < 1536 MiB)")
    # --skip-pdf / --skip-batch runs keep the other part's last figures
    previous = json.loads(RESULTS.read_text()).get("scale", {}) if RESULTS.exists() else {}
    for part in ("long_pdf", "batch"):
        if part not in figures and part in previous:
            figures[part] = previous[part]
            figures[f"{part}_command"] = previous.get(f"{part}_command", previous.get("command"))
            figures[f"{part}_machine"] = previous.get(f"{part}_machine", previous.get("machine"))
    save("scale", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
