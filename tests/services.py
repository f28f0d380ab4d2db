"""Real services for the store and scale-out tests: PostgreSQL, a Prefect server, free ports.

Nothing here skips: when a service cannot be started the test fails and says why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PG_SCRIPT = REPO / "scripts" / "start-postgres.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster; yields its SQLAlchemy URL (database ``denials``)."""
    if os.environ.get("DENIALS_TEST_POSTGRES_URL"):  # a server started by CI
        yield os.environ["DENIALS_TEST_POSTGRES_URL"]
        return
    # not under pytest's tmp_path: as root the cluster runs as `postgres`, which
    # must be able to reach its directory
    workdir = tempfile.mkdtemp(prefix="denials-pg-")
    port = free_port()
    proc = subprocess.run(["bash", str(PG_SCRIPT), "start", workdir, str(port)],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(
            "could not start PostgreSQL for the store tests (install it with "
            f"`bash scripts/start-postgres.sh install`):\n{proc.stderr[-2000:]}",
            pytrace=False,
        )
    try:
        yield proc.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(PG_SCRIPT), "stop", workdir], capture_output=True,
                       timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(url: str, name: str) -> str:
    """A fresh database beside ``url``'s; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def wait_for_http(url: str, timeout: float, proc: subprocess.Popen | None = None,
                  log: Path | None = None) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - localhost
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"service at {url} did not come up in {timeout:.0f} s:\n{tail}", pytrace=False)
