"""`denials show FILE` wall time on a text PDF, Python start included (target < 2 s).

    .venv/bin/python bench/bench_show.py [--file sample_letters/doc_0003.pdf] [--repeat 5]

Also times a bare interpreter start (`python -c pass`) and the one-document stages
in-process (imports, read, model load, first classification), side by side in one run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, denials_cmd, median, save, timed_run  # noqa: E402

STAGES = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from pipeline.triage import Triager, analyse
from pipeline.read import read_document
t1 = time.perf_counter()
tr = Triager()
doc = read_document(Path(sys.argv[1]), tr.ocr_engine(), tr.settings)
t2 = time.perf_counter()
tr.get_classifier()
t3 = time.perf_counter()
analyse(doc, tr)
t4 = time.perf_counter()
analyse(doc, tr)
t5 = time.perf_counter()
print(json.dumps({"import_pipeline_s": t1 - t0, "read_s": t2 - t1, "model_load_s": t3 - t2,
                  "first_analyse_s": t4 - t3, "next_analyse_s": t5 - t4}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=ROOT / "sample_letters" / "doc_0003.pdf")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cmd = [*denials_cmd(), "show", str(args.file)]
    timed_run(cmd)  # warm the page cache
    show, bare, stages = [], [], []
    for _ in range(args.repeat):  # interleaved: same machine state for each figure
        show.append(timed_run(cmd))
        bare.append(timed_run([sys.executable, "-c", "pass"]))
        out = subprocess.run([sys.executable, "-c", STAGES, str(args.file)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        stages.append(json.loads(out.splitlines()[-1]))
    figures = {
        "show_s_median": round(median(show), 3),
        "show_s_all": [round(x, 3) for x in show],
        "python_start_s_median": round(median(bare), 3),
        "stages_s_median": {k: round(median([s[k] for s in stages]), 3) for k in stages[0]},
        "target_s": 2.0,
    }
    figures["meets_target"] = figures["show_s_median"] < 2.0
    print(f"denials show (text PDF): median {figures['show_s_median']:.2f} s over "
          f"{args.repeat} runs (all: {figures['show_s_all']}); target < 2 s")
    print(f"python -c pass: {figures['python_start_s_median']:.3f} s")
    for k, v in figures["stages_s_median"].items():
        print(f"  {k:<18} {v:.3f} s")
    save("show", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
