"""`denials` command line. The one place where errors become exit codes.

Exit codes: 0 all documents processed; 1 the batch ran but some documents
failed (see their records); 2 usage or configuration error; 5 OCR unavailable;
6 model problem; 130 interrupted. Prefect is imported only by commands that
run flows, so `denials show` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from pathlib import Path

from .errors import ConfigError, DenialsError

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

log = logging.getLogger("denials")


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from .settings import Settings

    overrides = {}
    if getattr(args, "workers", None):
        overrides["workers"] = args.workers
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc.errors()[0]['msg']} "
                          f"({'.'.join(map(str, exc.errors()[0]['loc']))})") from exc


def cmd_triage(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _prefect_env(args.quiet)
    from flows.triage import run_triage

    summary = run_triage(
        [str(p) for p in args.paths], str(args.out), workers=settings.workers,
        settings=settings.model_dump(), progress=sys.stderr.isatty() and not args.quiet,
        db_url=_db_url(args, required=False), reprocess=args.reprocess, dask=args.dask,
    )
    _print_summary(Path(args.out))
    return EXIT_SOME_FAILED if summary["failed"] else EXIT_OK


def _db_url(args: argparse.Namespace, *, required: bool = True) -> str | None:
    """``--db``, else ``DENIALS_DATABASE_URL``, else (when required) the default SQLite file."""
    from .store import ENV_URL, default_url

    url = getattr(args, "db", None) or os.environ.get(ENV_URL)
    return url or (default_url() if required else None)


def _prefect_env(quiet: bool = False) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING" if quiet else "INFO")
    # Prefect's temporary server (it inherits this environment) writes each task-run
    # state event in its own transaction by default (batch size 1): 3 per document, its
    # largest cost. Batched (up to 300 events, flushed every 2 s, and at shutdown), the
    # server's CPU went from 26-31 to 10-11 ms per document (300 text PDFs, side by
    # side), the whole flow's from 98 to 77 ms (1,000; the plain pool: 59-60 ms); every
    # task run still reaches the UI, at most 2 s later.
    os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE", "300")
    os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL", "2")
    # Two of its services read every event a second and third time: the event persister
    # (Prefect's event feed: each event and its resources written again, in their own
    # tables) and the automation triggers. A server this process starts lives as long as
    # the batch; runs, task runs, states, logs and artifacts are still recorded (the
    # task-run recorder is a separate reader). Together 5 to 6 ms of the server's CPU
    # per document (docs/performance.md). A server of your own (PREFECT_API_URL) is
    # not affected: these only configure a server started here.
    os.environ.setdefault("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "false")


def cmd_inbox(args: argparse.Namespace) -> int:
    """Run the inbox flow once, now."""
    settings = _settings(args)
    _prefect_env(args.quiet)
    from flows.inbox import triage_inbox

    summary = triage_inbox(
        inbox=str(args.inbox), out_dir=str(args.out) if args.out else None,
        db_url=_db_url(args), workers=settings.workers, dask=args.dask,
        reprocess=args.reprocess, settle_s=args.settle, settings=settings.model_dump(),
    )
    print(json.dumps({k: v for k, v in summary.items() if k != "by_category"}))
    return EXIT_SOME_FAILED if summary["failed"] else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the inbox flow on a schedule (blocks until interrupted)."""
    from .store import ENV_URL

    settings = _settings(args)
    _prefect_env()
    # the URL goes to the flow runs through the environment, never into deployment
    # parameters (the Prefect UI shows those, and a URL may carry a password)
    os.environ[ENV_URL] = _db_url(args) or ""
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():  # Prefect's ephemeral mode has no scheduler
        raise ConfigError(
            "serve needs a Prefect server for its schedule: run `prefect server start` "
            "and set PREFECT_API_URL=http://127.0.0.1:4200/api (or use `denials inbox` "
            "from cron)")
    if args.pool:  # register on a work pool; `prefect worker start --pool` runs it
        from flows.deploy import deploy_to_pool

        dep = deploy_to_pool(args.pool, str(args.inbox), name=args.name, cron=args.cron or None,
                             out_dir=str(args.out) if args.out else None,
                             workers=args.workers, dask=args.dask, settle_s=args.settle)
        print(f"deployment triage-inbox/{args.name} ({dep}) on work pool {args.pool}; start "
              f"workers with: prefect worker start --pool {args.pool} --limit 1")
        return EXIT_OK
    from flows.inbox import serve

    serve(str(args.inbox), cron=args.cron, out_dir=str(args.out) if args.out else None,
          workers=settings.workers, dask=args.dask, settle_s=args.settle, name=args.name)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """results.jsonl / worklist.csv from the store: the latest result per document."""
    from .store import Store, export

    with Store(_db_url(args)) as store:
        n = export(store, args.out, since=args.since, until=args.until, batch_id=args.batch)
    print(f"exported {n} document(s) to {args.out}")
    return EXIT_OK


def _print_summary(out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    from .batch import summarise
    from .output import RESULTS, WORKLIST

    records = [json.loads(line) for line in (out / RESULTS).read_text().splitlines() if line]
    s = summarise(records)
    table = Table(title=f"Triage of {s['documents']} document(s): {s['ok']} ok, "
                        f"{s['failed']} failed, {s['needs_review']} to review")
    table.add_column("category")
    table.add_column("documents", justify="right")
    for cat, n in s["by_category"].items():
        table.add_row(cat, str(n))
    failures: dict[str, int] = {}
    for r in records:
        if r["status"] == "failed":
            failures[r["error"]["kind"]] = failures.get(r["error"]["kind"], 0) + 1
    for kind, n in sorted(failures.items()):
        table.add_row(f"[red]failed: {kind}[/red]", str(n))
    console = Console()
    console.print(table)
    console.print(f"results: {out / RESULTS}\nworklist: {out / WORKLIST}")


def cmd_show(args: argparse.Namespace) -> int:
    """One document, interactively: start-up time is most of it (docs/performance.md).

    The cyclic garbage collector runs less often during the command: importing
    scikit-learn and skops allocates hundreds of thousands of objects, and the
    default thresholds made the collector pass over them for 0.2 to 0.3 s. (It still
    runs, so a long document's memory stays bounded. Loading the model in a
    background thread while the document is read gained nothing: both hold the GIL.)
    """
    import gc

    from .triage import Triager

    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 20, 100)
    try:
        result = Triager(settings=_settings(args)).triage(args.file)
    finally:
        gc.set_threshold(*thresholds)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        _print_result(result)
    return EXIT_OK if result.status == "ok" else EXIT_SOME_FAILED


def _print_result(r) -> None:  # type: ignore[no-untyped-def]
    """Human-readable triage of one document (on the user's own terminal)."""
    if r.status == "failed":
        print(f"FAILED ({r.error.kind}): {r.error.message}")
        return
    conf = f"{r.confidence:.2f}" if r.confidence is not None else "-"
    lines = [
        f"document type : {r.document_type}",
        f"category      : {r.category}  (confidence {conf}"
        f"{', NEEDS REVIEW' if r.needs_review else ''})",
    ]
    if r.secondary_categories:
        lines.append(f"also          : {', '.join(r.secondary_categories)}")
    codes = {k: v for k, v in r.codes.model_dump().items() if v}
    lines.append("codes         : " + ("; ".join(f"{k} {' '.join(v)}" for k, v in codes.items())
                                      or "-"))
    for label, value in [("payer", r.payer), ("claim", r.claim_number),
                         ("letter date", r.letter_date), ("amount billed", r.amount_billed),
                         ("appeal by", f"{r.appeal_deadline} ({r.deadline_basis})"
                          if r.appeal_deadline else None)]:
        if value is not None:
            lines.append(f"{label:<14}: {value}")
    if r.reason_text:
        lines.append(f"reason        : {r.reason_text}")
    for rec in r.recommendations:
        due = f" (by {rec.due})" if rec.due else ""
        lines.append(f"next step     : {rec.title}{due}")
    lines.append("pages         : " + ", ".join(
        f"{p.number}:{p.method}" + (f"@{p.ocr_confidence:.0f}" if p.ocr_confidence else "")
        for p in r.pages))
    print("\n".join(lines))


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import result_schema

    text = json.dumps(result_schema(), indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from .batch import Progress
    from .evaluate import format_report, held_out_sets, load_truth, report, run_corpus
    from .output import atomic_write
    from .triage import Triager

    settings = _settings(args)
    truth = load_truth(args.corpus)
    if args.limit:
        truth = truth[: args.limit]
    triager = Triager(settings=settings)
    bar = Progress(len(truth))
    try:
        scored = run_corpus(args.corpus, truth, triager, workers=settings.workers,
                            progress=bar.advance, read_cache=args.read_cache)
    finally:
        bar.close()
    rep = report(scored, held_out_sets(triager.get_classifier()))
    rep["corpus"] = str(args.corpus)
    rep["classifier"] = getattr(triager.get_classifier(), "name", type(
        triager.get_classifier()).__name__)
    print(format_report(rep))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.json, json.dumps(rep, indent=2) + "\n")
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from .train import main as train_main

    return train_main(args.rest)


def cmd_corpus(args: argparse.Namespace) -> int:
    from .corpus import main as corpus_main

    return corpus_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="denials", description=__doc__.splitlines()[0])
    p.add_argument("-v", "--verbose", action="store_true", help="log progress (no PHI)")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("triage", help="triage files and folders into an output directory")
    t.add_argument("paths", nargs="+", type=Path, help="files or folders of incoming mail")
    t.add_argument("--out", required=True, type=Path, help="output directory")
    t.add_argument("--workers", type=int, help="documents processed at once (default: cores)")
    t.add_argument("-q", "--quiet", action="store_true", help="no progress bar or flow logs")
    _store_options(t, "also record results in this database (default: none, or "
                      "DENIALS_DATABASE_URL)")
    t.add_argument("--reprocess", action="store_true",
                   help="process again what is already done (keeps the old results)")
    t.add_argument("--dask", metavar="ADDRESS",
                   help="run the documents on a Dask cluster: tcp://host:8786, or 'local'")
    t.set_defaults(func=cmd_triage)

    ib = sub.add_parser("inbox", help="triage the new files of an inbox folder once, now")
    _inbox_options(ib)
    ib.add_argument("--reprocess", action="store_true",
                    help="process again content already in the store (keeps history)")
    ib.add_argument("-q", "--quiet", action="store_true", help="no flow logs")
    ib.set_defaults(func=cmd_inbox)

    sv = sub.add_parser("serve", help="serve the inbox flow on a schedule (Prefect deployment)")
    _inbox_options(sv)
    sv.add_argument("--cron", default="*/15 * * * *",
                    help="schedule, cron syntax (default: every 15 minutes)")
    sv.add_argument("--name", default="inbox", help="deployment name (default: inbox)")
    sv.add_argument("--pool", metavar="WORK_POOL",
                    help="register the deployment on this Prefect work pool and return, "
                         "instead of serving it from this process")
    sv.set_defaults(func=cmd_serve)

    ex = sub.add_parser("export", help="write results.jsonl and worklist.csv from the store")
    ex.add_argument("--out", required=True, type=Path, help="output directory")
    ex.add_argument("--since", type=_date, help="results recorded on or after DATE (UTC)")
    ex.add_argument("--until", type=_date, help="results recorded on or before DATE (UTC)")
    ex.add_argument("--batch", help="only results of this batch (run) id")
    _store_options(ex)
    ex.set_defaults(func=cmd_export)

    s = sub.add_parser("show", help="triage one file and print it (no Prefect)")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true", help="print the full result record")
    s.set_defaults(func=cmd_show)

    sc = sub.add_parser("schema", help="print the result record's JSON Schema")
    sc.add_argument("--out", type=Path)
    sc.set_defaults(func=cmd_schema)

    e = sub.add_parser("eval", help="score the pipeline on a corpus with ground truth")
    e.add_argument("corpus", type=Path, help="folder with documents and ground_truth.jsonl")
    e.add_argument("--json", type=Path, help="also write the figures as JSON here")
    e.add_argument("--workers", type=int, help="documents processed at once (default: cores)")
    e.add_argument("--limit", type=int, help="only the first N documents")
    e.add_argument("--read-cache", type=Path, metavar="DIR",
                   help="keep documents as read (OCR) here and reuse them while the reader "
                        "code is unchanged: re-scoring then skips OCR (holds document text)")
    e.set_defaults(func=cmd_eval)

    tr = sub.add_parser("train", help="retrain the classifier on a corpus (CORPUS_DIR OUT_DIR "
                        "[--seed N])", add_help=False)
    tr.add_argument("rest", nargs=argparse.REMAINDER)
    tr.set_defaults(func=cmd_train)

    c = sub.add_parser("corpus", help="generate the synthetic sample-mail corpus",
                       add_help=False)
    c.add_argument("rest", nargs=argparse.REMAINDER)
    c.set_defaults(func=cmd_corpus)
    return p


def _store_options(p: argparse.ArgumentParser, help_text: str | None = None) -> None:
    p.add_argument("--db", metavar="URL", help=help_text or (
        "database URL (default: DENIALS_DATABASE_URL, else "
        "~/.local/share/denials/denials.db); e.g. postgresql+psycopg://user@host/denials"))


def _inbox_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("inbox", type=Path, help="folder where new mail arrives")
    p.add_argument("--out", type=Path, help="also export results.jsonl/worklist.csv here")
    p.add_argument("--workers", type=int, help="documents processed at once (default: cores)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run the documents on a Dask cluster: tcp://host:8786, or 'local'")
    p.add_argument("--settle", type=float, default=2.0, metavar="SECONDS",
                   help="a file must keep its size this long to be taken (default: 2)")
    _store_options(p)


def _date(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


# commands with their own argument parser: everything after the command name is theirs
_PASSTHROUGH = ("train", "corpus")


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; `train` and `corpus` get their arguments untouched.

    (argparse's REMAINDER cannot start with an option, so `denials corpus --out D`
    would be refused if the sub-command's arguments went through this parser.)
    """
    parser = build_parser()
    cmd = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if cmd is not None and argv[cmd] in _PASSTHROUGH:
        args = parser.parse_args(argv[: cmd + 1])
        args.rest = argv[cmd + 1:]
        return args
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        code = int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except DenialsError as exc:
        print(f"denials: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # last resort: no traceback (may carry PHI), just the type
        print(f"denials: internal error ({type(exc).__name__}); rerun with -v and report it",
              file=sys.stderr)
        if args.verbose:
            raise
        return 1
    if argv is None and args.command in _FAST_EXIT:
        _exit_now(code)
    return code


#: Commands that leave nothing to clean up: as a process of their own (the console
#: script) they exit without tearing down the interpreter, which takes about 0.3 s
#: once scikit-learn is loaded (measured; docs/performance.md).
_FAST_EXIT = frozenset({"show"})


def _exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # e.g. a closed pipe
            stream.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
