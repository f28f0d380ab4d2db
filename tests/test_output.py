"""The output directory: append as finished, one record per input, atomic, owner-only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from pipeline.batch import collect_inputs, pending
from pipeline.datamodel import ErrorInfo, Result
from pipeline.output import RESULTS, ResultWriter


def _rec(source: str, sha: str = "a" * 64, status: str = "ok") -> Result:
    error = None if status == "ok" else ErrorInfo(kind="corrupt_document", message="damaged")
    return Result(source=source, sha256=sha, status=status, error=error)  # type: ignore[arg-type]


def _lines(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / RESULTS).read_text().splitlines()]


def test_records_are_appended_and_compacted_to_one_per_source(tmp_path: Path) -> None:
    w = ResultWriter(tmp_path)
    w.append(_rec("a.pdf", status="failed"))
    w.append(_rec("b.pdf"))
    w.append(_rec("a.pdf"))  # a retry of a.pdf succeeded
    assert len(_lines(tmp_path)) == 3  # appended as they finished
    w.compact()
    recs = _lines(tmp_path)
    assert [(r["source"], r["status"]) for r in recs] == [("a.pdf", "ok"), ("b.pdf", "ok")]


def test_a_half_written_last_line_from_a_killed_run_is_dropped(tmp_path: Path) -> None:
    w = ResultWriter(tmp_path)
    w.append(_rec("a.pdf"))
    with (tmp_path / RESULTS).open("a") as fh:
        fh.write('{"source": "b.pdf", "sha2')  # killed mid-write
    w2 = ResultWriter(tmp_path)
    assert list(w2.records) == ["a.pdf"]
    w2.append(_rec("c.pdf"))
    assert [r["source"] for r in _lines(tmp_path)] == ["a.pdf", "c.pdf"]


def test_output_files_are_readable_by_owner_only(tmp_path: Path) -> None:
    w = ResultWriter(tmp_path / "out")
    w.append(_rec("a.pdf"))
    w.finalize()
    for name in ("results.jsonl", "worklist.csv"):
        mode = stat.S_IMODE((tmp_path / "out" / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_pending_skips_same_content_and_retries_failures_and_changes(tmp_path: Path) -> None:
    from pipeline.read import sha256_file

    for name in ("same.txt", "changed.txt", "failed.txt", "new.txt"):
        (tmp_path / name).write_text(f"letter {name}")
    w = ResultWriter(tmp_path / "out")
    w.append(_rec(str(tmp_path / "same.txt"), sha256_file(tmp_path / "same.txt")))
    w.append(_rec(str(tmp_path / "changed.txt"), "0" * 64))
    w.append(_rec(str(tmp_path / "failed.txt"), sha256_file(tmp_path / "failed.txt"), "failed"))
    todo, done = pending(collect_inputs([tmp_path], exclude=[tmp_path / "out"]), w)
    assert [Path(p).name for p in done] == ["same.txt"]
    assert sorted(Path(p).name for p in todo) == ["changed.txt", "failed.txt", "new.txt"]


def test_collect_inputs_walks_folders_skips_hidden_and_keeps_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.pdf").write_text("x")
    (tmp_path / "a.png").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "ground_truth.jsonl").write_text("{}")
    missing = str(tmp_path / "gone.pdf")
    got = collect_inputs([tmp_path, missing, tmp_path / "a.png"])
    assert got == [str(tmp_path / "a.png"), str(tmp_path / "sub" / "b.pdf"), missing]


def test_records_of_schema_1_0_are_still_read() -> None:
    # 1.1 added Result.low_confidence; results.jsonl written by 1.0 must still load
    # (an output directory is compacted and re-exported across versions)
    from pipeline.datamodel import SCHEMA_VERSION, Result

    old = {"schema_version": "1.0", "source": "a.pdf", "sha256": "0" * 64, "status": "ok"}
    r = Result.model_validate(old)
    assert r.low_confidence == [] and r.schema_version == "1.0"
    assert Result(source="b.pdf", sha256=None, status="failed").schema_version == SCHEMA_VERSION
