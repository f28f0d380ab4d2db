"""PHI stays where it belongs: in the output directory (and the store), owner-only.

A batch of letters carrying distinctive identifiers (patient names, member IDs,
claim numbers, letter sentences -- some in the file names too) plus broken
files runs through the Prefect flow under ``prefect_test_harness``. Every log
record any logger emits (ours, Prefect's, library loggers; captured below the
propagation layer, so loggers that do not propagate are seen too), everything
written to stdout/stderr, and what the Prefect API holds (run logs, task-run
names, flow-run parameters, artifacts) is searched for those identifiers.

The model-file checks in tests/test_classify.py cover a flipped byte (digest)
and a consistent file holding an extra sklearn type; here the tampering is the
dangerous kind: a function reference injected into the skops schema, with the
metadata digest updated to match, as an attacker with write access would do.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import make_text_pdf

ROOT = Path(__file__).resolve().parents[1]

PATIENTS = [
    {"name": "Zebulon Quartermaine", "member": "QXM77120934", "claim": "ZCL-88231-774",
     "sentence": "The requested arthroscopic meniscectomy was not found medically necessary"},
    {"name": "Philippa Vantongeren", "member": "VTG55031872", "claim": "PVC-40917-326",
     "sentence": "Prior authorization for the cervical fusion was never obtained by your surgeon"},
]


def _letter(p: dict[str, str]) -> list[str]:
    return [
        "Northfield Mutual Health Plan",
        "Date: March 2, 2026",
        f"Member ID: {p['member']}   Claim Number: {p['claim']}",
        f"Patient: {p['name']}",
        f"Dear {p['name']},",
        "We have denied this claim. Reason code CO-197. CPT 62323 on 02/11/2026.",
        f"{p['sentence']}.",
        "You may appeal within 180 days of the date of this notice.",
    ]


def identifiers() -> list[str]:
    out: list[str] = []
    for p in PATIENTS:
        first, last = p["name"].split()
        out += [p["name"], first, last, p["member"], p["claim"], p["sentence"][:40],
                p["sentence"][-30:]]
    return out


def _leaks(text: str) -> list[str]:
    low = text.lower()
    return [s for s in identifiers() if s.lower() in low]


def make_inbox(inbox: Path) -> list[Path]:
    """Letters (PDF and text), some named after the patient, and broken files."""
    inbox.mkdir(parents=True)
    a, b = PATIENTS
    files = [
        make_text_pdf(inbox / f"{a['name']} denial.pdf", [_letter(a)]),
        make_text_pdf(inbox / "letter2.pdf", [_letter(b)]),
    ]
    (inbox / f"{b['member']}.txt").write_text("\n".join(_letter(b)))
    files.append(inbox / f"{b['member']}.txt")
    (inbox / f"{a['claim']} truncated.pdf").write_bytes(files[0].read_bytes()[:400])
    files.append(inbox / f"{a['claim']} truncated.pdf")
    (inbox / f"{b['name']}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    files.append(inbox / f"{b['name']}.png")
    (inbox / f"{a['name']} empty.pdf").write_bytes(b"")
    files.append(inbox / f"{a['name']} empty.pdf")
    return files


class _Everything(logging.Handler):
    """Formats every record, with its traceback, whatever logger emitted it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception as exc:  # a record that cannot format is still a finding
            self.lines.append(f"unformattable record from {record.name}: {exc!r}")


@pytest.fixture
def all_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Everything]:
    """Capture every LogRecord handled by any logger, at DEBUG, propagating or not."""
    grab = _Everything()
    original = logging.Logger.handle

    def handle(self: logging.Logger, record: logging.LogRecord) -> None:
        grab.handle(record)
        original(self, record)

    monkeypatch.setattr(logging.Logger, "handle", handle)
    levels = {}
    for name in ("", "pipeline", "flows", "prefect"):
        lg = logging.getLogger(name)
        levels[name] = lg.level
        lg.setLevel(logging.DEBUG)
    try:
        yield grab
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture(scope="module")
def harness():  # type: ignore[no-untyped-def]
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _prefect_api_text() -> tuple[str, str]:
    """(run logs + task-run names + artifacts, flow-run parameters) from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # run logs are shipped in batches: send what is queued first
    with get_client(sync_client=True) as client:
        logs = client.read_logs()
        tasks = client.read_task_runs()
        flows = client.read_flow_runs()
        artifacts = client.read_artifacts()
    parts = [log.message for log in logs]
    parts += [t.name for t in tasks]
    parts += [json.dumps(a.data, default=str) + str(a.description) for a in artifacts]
    params = [json.dumps(f.parameters, default=str) for f in flows]
    assert logs, "the Prefect API returned no run logs: the search would be vacuous"
    return "\n".join(parts), "\n".join(params)


def _owner_only(root: Path) -> list[str]:
    bad = []
    for p in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(p.lstat().st_mode)
        if mode & 0o077:
            bad.append(f"{p.relative_to(root.parent)} {oct(mode)}")
    return bad


@pytest.mark.prefect
def test_flow_logs_and_prefect_api_hold_no_identifiers(
    harness, all_logs: _Everything, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from flows.triage import run_triage

    inbox = tmp_path / "inbox"
    make_inbox(inbox)
    out = tmp_path / "out"
    old = os.umask(0o022)  # a typical umask: files would be world-readable by default
    try:
        summary = run_triage([str(inbox)], str(out), workers=2)
    finally:
        os.umask(old)
    assert summary["documents"] == 6 and summary["ok"] == 3
    assert not _owner_only(out), "output files hold PHI: owner-only"

    # the identifiers really are in the output (else the search below proves nothing)
    results = (out / "results.jsonl").read_text(encoding="utf-8")
    for p in PATIENTS:
        assert p["member"] in results and p["claim"] in results

    assert len(all_logs.lines) > 5
    leaked = {line: _leaks(line) for line in all_logs.lines if _leaks(line)}
    assert not leaked, leaked
    captured = capfd.readouterr()
    assert not _leaks(captured.out + captured.err)
    api_text, _params = _prefect_api_text()
    assert not _leaks(api_text)


@pytest.mark.prefect
def test_file_names_given_explicitly_stay_out_of_prefect(harness, tmp_path: Path) -> None:
    from flows.triage import run_triage

    files = make_inbox(tmp_path / "inbox")
    run_triage([str(files[0])], str(tmp_path / "out"), workers=1)
    _, params = _prefect_api_text()
    assert not _leaks(params)


@pytest.mark.prefect
def test_store_and_its_output_are_owner_only(harness, tmp_path: Path) -> None:
    from flows.triage import run_triage

    try:
        import pipeline.store  # noqa: F401
    except ImportError:
        pytest.skip("no store in this tree")
    make_inbox(tmp_path / "inbox")
    old = os.umask(0o022)
    try:
        db_dir = tmp_path / "db"
        db_dir.mkdir(mode=0o700)
        url = f"sqlite:///{db_dir / 'denials.db'}"
        run_triage([str(tmp_path / "inbox")], str(tmp_path / "out2"), workers=2, db_url=url)
    finally:
        os.umask(old)
    assert (db_dir / "denials.db").is_file()
    assert not _owner_only(db_dir), "the SQLite file and its -wal/-shm journals hold PHI"
    assert not _owner_only(tmp_path / "out2")


def test_foreign_exception_text_never_reaches_the_record_or_the_log(
    all_logs: _Everything, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library exception quoting the letter (as pdfminer/int() errors do) stays out."""
    import pipeline.triage as triage_mod
    from pipeline.settings import Settings

    p = PATIENTS[0]
    path = tmp_path / "x.txt"
    path.write_text("\n".join(_letter(p)))

    def boom(doc, triager):  # type: ignore[no-untyped-def]
        raise ValueError(f"invalid literal for int() with base 10: '{p['member']} {p['name']}'")

    monkeypatch.setattr(triage_mod, "analyse", boom)
    result = triage_mod.Triager(settings=Settings(workers=1)).triage(path)
    assert result.error.kind == "internal_error"
    assert not _leaks(result.model_dump_json())
    assert not [line for line in all_logs.lines if _leaks(line)]


def test_extraction_errors_are_logged_without_their_message(
    all_logs: _Everything, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.extract as ex

    p = PATIENTS[0]

    def boom(text: str) -> Any:
        raise ValueError(f"invalid literal for int() with base 10: '{p['member']}'")

    monkeypatch.setattr(ex, "_extract", boom)
    ex.extract("\n".join(_letter(p)))
    assert not [line for line in all_logs.lines if _leaks(line)]


# --- the model file ---------------------------------------------------------------------


def test_model_with_injected_function_type_is_refused_even_with_a_matching_digest(
    tmp_path: Path,
) -> None:
    """An attacker who can write the model dir swaps a node for `os.system` and re-hashes."""
    import shutil

    from pipeline.classify import (
        TRUSTED_TYPES,
        UntrustedModelError,
        load_classifier,
        metadata_path,
        sha256_path,
    )

    src = ROOT / "models" / "denial_classifier.skops"
    if not src.is_file():
        pytest.skip("no trained model in models/")
    model = tmp_path / src.name
    shutil.copy(src, model)
    shutil.copy(metadata_path(src), metadata_path(model))

    with zipfile.ZipFile(model) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    schema = json.loads(members["schema.json"])

    def inject(node: Any, depth: int = 0) -> bool:
        """Turn the first scikit-learn object below the root into a reference to os.system."""
        if isinstance(node, dict):
            if (depth and node.get("__loader__") == "ObjectNode"
                    and str(node.get("__module__", "")).startswith("sklearn.")):
                node["__module__"], node["__class__"] = "os", "system"
                return True
            return any(inject(v, depth + 1) for v in node.values())
        if isinstance(node, list):
            return any(inject(v, depth + 1) for v in node)
        return False

    assert inject(schema), "model layout changed: update the test"
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(model, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    meta = json.loads(metadata_path(model).read_text())
    meta["model_sha256"] = sha256_path(model)  # the digest check alone would not catch it
    metadata_path(model).write_text(json.dumps(meta))

    import skops.io as sio

    assert any("os" in t for t in sio.get_untrusted_types(file=model))
    with pytest.raises(UntrustedModelError, match="trusted"):
        load_classifier(model)
    assert not [t for t in TRUSTED_TYPES if t.split(".")[0] in {"os", "builtins", "subprocess",
                                                                 "posix", "sys", "shutil"}]


def test_shipped_model_needs_no_type_beyond_the_trusted_list() -> None:
    import skops.io as sio

    from pipeline.classify import TRUSTED_TYPES, load_classifier

    src = ROOT / "models" / "denial_classifier.skops"
    if not src.is_file():
        pytest.skip("no trained model in models/")
    assert set(sio.get_untrusted_types(file=src)) <= set(TRUSTED_TYPES)
    load_classifier(src)
