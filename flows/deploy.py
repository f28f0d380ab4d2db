"""Deploy the inbox flow to a Prefect work pool (several machines, one batch shared).

    prefect work-pool create denials --type process
    denials serve INBOX --pool denials --cron "0 2 * * *"     # registers the deployment
    prefect worker start --pool denials --limit 1             # on each machine

Each worker runs flow runs of ``flows/inbox.py:triage_inbox`` from this
checkout (the same path on every machine, or a shared folder). Start several
runs at once (``prefect deployment run triage-inbox/inbox`` or the UI's "Run")
and they share the inbox: documents are claimed one at a time in the store, so
none is processed twice. The database URL is not a parameter (the UI shows
parameters): give each worker ``DENIALS_DATABASE_URL`` in its environment.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import Flow

from flows.inbox import DEPLOYMENT, triage_inbox

log = logging.getLogger(__name__)

SOURCE = Path(__file__).resolve().parent.parent
ENTRYPOINT = "flows/inbox.py:triage_inbox"


def deploy_to_pool(
    pool: str, inbox: str, *, name: str = DEPLOYMENT, cron: str | None = None,
    out_dir: str | None = None, workers: int | None = None, dask: str | None = None,
    settle_s: float = 2.0, concurrency_limit: int | None = None,
) -> UUID:
    """Register (or update) the inbox deployment on work pool ``pool``; returns its id.

    ``concurrency_limit`` caps the flow runs of this deployment running at once
    across all workers (None: one per free worker slot).
    """
    params: dict[str, Any] = {
        "inbox": str(Path(inbox).resolve()),
        "out_dir": str(Path(out_dir).resolve()) if out_dir else None,
        "workers": workers, "dask": dask, "settle_s": settle_s,
    }
    flow = cast(Flow, triage_inbox.from_source(source=str(SOURCE), entrypoint=ENTRYPOINT))
    return cast(UUID, flow.deploy(
        name=name, work_pool_name=pool, cron=cron, parameters=params, build=False,
        push=False, concurrency_limit=concurrency_limit, print_next_steps=False,
        description="Triage new files of an inbox folder into the denials store",
        tags=["denials"],
    ))
