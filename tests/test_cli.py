"""The command line itself: argument handling that sits in front of every command."""

from __future__ import annotations

import json

from pipeline.cli import main, parse


def test_corpus_command_accepts_options_first(tmp_path):
    # bug: cli_remainder_refused_leading_option. `denials corpus --out D ...` (the
    # documented form) was rejected, because argparse's REMAINDER cannot start with
    # an option.
    out = tmp_path / "c"
    assert main(["corpus", "--out", str(out), "--n", "2", "--seed", "3", "--forms", "text"]) == 0
    lines = (out / "ground_truth.jsonl").read_text().splitlines()
    assert len(lines) == 2
    assert all((out / json.loads(line)["file"]).is_file() for line in lines)


def test_passthrough_commands_keep_their_arguments_in_order():
    args = parse(["-v", "train", "--seed", "7", "corpus_dir", "out_dir"])
    assert args.verbose and args.command == "train"
    assert args.rest == ["--seed", "7", "corpus_dir", "out_dir"]
    # other commands still go through the main parser
    assert parse(["show", "x.pdf", "--json"]).json is True
