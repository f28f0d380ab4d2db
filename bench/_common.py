"""Shared helpers for the benchmarks: timing, machine facts, results.json.

Benchmarks print figures only (times, counts, ratios), never letter text, names or IDs.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"
CACHE = ROOT / "bench" / ".cache"  # generated synthetic corpora (git-ignored)


def denials_cmd() -> list[str]:
    exe = VENV_BIN / "denials"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline.cli"]


def _load_now() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


#: The load when the script started: the load at the end includes the benchmark's own
#: processes (a temporary server, two workers), so it says little about other jobs.
LOAD_AT_START = _load_now()


def machine() -> dict:
    facts = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    if (load := _load_now()) is not None:
        facts["load_avg"] = load
    if LOAD_AT_START is not None:
        facts["load_at_start"] = LOAD_AT_START
    try:
        facts["tesseract"] = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        facts["tesseract"] = None
    return facts


def timed_run(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    """Wall seconds of a command; its output is discarded (it may hold PHI)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   cwd=cwd, check=False)
    return time.perf_counter() - t0


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def generate_corpus(out: Path, n: int, forms: list[str], seed: int = 7) -> list[Path]:
    """``n`` synthetic documents of ``forms`` in ``out`` (reused when already there)."""
    marker = out / f".complete-{n}-{'-'.join(forms)}-{seed}"
    if not marker.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pipeline.corpus", "--out", str(out), "--n", str(n),
             "--seed", str(seed), "--forms", *forms, "--clean", "--workers",
             str(os.cpu_count() or 1)],
            check=True, stdout=subprocess.DEVNULL, cwd=ROOT,
        )
        marker.touch()
    return sorted(p for p in out.iterdir() if p.name.startswith("doc_"))


def save(name: str, figures: dict) -> None:
    """Merge ``figures`` under ``name`` into bench/results.json (with machine facts)."""
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    figures = {"machine": machine(), "command": " ".join([Path(sys.argv[0]).as_posix(),
                                                          *sys.argv[1:]]), **figures}
    data[name] = figures
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
