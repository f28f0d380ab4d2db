"""Coverage-guided fuzzing (atheris) of the text -> record path.

Bytes are decoded the way the reader decodes a plain-text file
(``pipeline.read.decode_text``), then go through ``pipeline.triage.analyse``:
extraction, classification, next steps, the ``Result`` record and its JSON. A
crash is any exception escaping that path, or a record whose values break their
own formats (codes regexes, real dates, finite money).

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python bench/fuzz_extract.py -max_total_time=120          # 2 minutes
    .venv/bin/python bench/fuzz_extract.py -max_total_time=120 -timeout=10

Seeds are the extraction fixtures in tests/data/extract/ (copied into
``bench/.fuzz_corpus/``, which keeps what the fuzzer learns between runs). A
crash is written as ``crash-<sha1>`` in the working directory; turn it into a
regression test in tests/test_fuzz.py (``@example(...)`` on the property it
breaks, or an xfail(strict=True) test until the owner fixes it). Inputs that
exceed ``-timeout`` seconds are reported the same way (``timeout-<sha1>``).

Nothing is printed about the inputs themselves beyond libFuzzer's own
statistics: the fuzzer works on synthetic bytes, never on real mail.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["pipeline"]):
    # everything analyse() imports lazily is imported here, so it is instrumented
    import pipeline.deadlines
    import pipeline.extract
    import pipeline.recommend
    import pipeline.tables  # noqa: F401
    from pipeline import normalize as nz
    from pipeline.classify import RuleClassifier
    from pipeline.datamodel import DocumentText, FileFormat, Page, PageMethod, Result
    from pipeline.read import decode_text
    from pipeline.settings import Settings
    from pipeline.triage import Triager, analyse

A = re.ASCII
FORMATS = {
    "carc": re.compile(nz.CARC_RE.pattern, A),
    "rarc": re.compile(nz.RARC_RE.pattern, A),
    "group": re.compile(nz.GROUP_RE.pattern, A),
    "cpt": re.compile(nz.CPT_RE.pattern, A),
    "hcpcs": re.compile(nz.HCPCS_RE.pattern, A),
    "icd10": re.compile(nz.ICD10_RE.pattern, A),
    "ndc": re.compile(nz.NDC11_RE.pattern, A),
}
MAX_CHARS = 20_000  # keep one iteration cheap; long-line blow-ups show up far below this

TRIAGER = Triager(settings=Settings(workers=1), classifier=RuleClassifier(),
                  today=date(2026, 3, 20))


def _finite(v: float | None) -> bool:
    return v is None or math.isfinite(v)


def _good_date(d: date | None) -> bool:
    return d is None or 1900 <= d.year <= 2100


def check(result: Result) -> None:
    for kind, rx in FORMATS.items():
        for code in getattr(result.codes, kind):
            if not rx.match(code):
                raise AssertionError(f"{kind} code outside its format")
    money = [result.amount_billed, result.patient_responsibility]
    for a in result.adjustments:
        money += [a.billed, a.allowed, a.paid, a.amount]
        if a.carc is not None and not FORMATS["carc"].match(a.carc):
            raise AssertionError("adjustment CARC outside its format")
    if not all(_finite(v) for v in money):
        raise AssertionError("non-finite amount")
    dates = [result.letter_date, result.appeal_deadline, *result.service_dates]
    dates += [a.service_date for a in result.adjustments]
    if not all(_good_date(d) for d in dates):
        raise AssertionError("date out of range")
    result.model_dump_json()


def one_input(data: bytes) -> None:
    text = decode_text(data)[:MAX_CHARS]
    doc = DocumentText(
        source="fuzz", sha256="0" * 64, format=FileFormat.TEXT,
        pages=[Page(number=1, method=PageMethod.TEXT, text=text)],
    )
    check(analyse(doc, TRIAGER))


def main() -> None:
    corpus = ROOT / "bench" / ".fuzz_corpus"
    if not corpus.is_dir():
        corpus.mkdir(parents=True)
        for seed in sorted((ROOT / "tests" / "data" / "extract").glob("*.txt")):
            shutil.copy(seed, corpus / seed.name)
    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(str(corpus))
    if not any(a.startswith("-max_len") for a in args):
        args.append("-max_len=8192")
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
