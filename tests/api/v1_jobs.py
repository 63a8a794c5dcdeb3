"""Helpers of the /v1 suites: a client on a throwaway SQLite ledger, and waiting for a job."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from pledgelab.api import create_app

DONE = ("done", "error", "cancelled")


def v1_client(tmp: Path, **kw: Any) -> TestClient:
    """The application on a fresh SQLite ledger in ``tmp`` (``kw``: create_app's options)."""
    return TestClient(create_app(f"sqlite:///{tmp / 'ledger.sqlite'}", **kw))


def wait(c: TestClient, url: str, *, until: tuple[str, ...] = DONE,
         seen: list[int] | None = None) -> dict[str, Any]:
    """Poll a job at ``url`` until its status is one of ``until`` (about a minute at most);
    ``seen`` collects the progress read at each poll."""
    for _ in range(1200):
        s: dict[str, Any] = c.get(url).json()
        if seen is not None:
            seen.append(s["progress"]["paths_done"])
        if s["status"] in until:
            return s
        time.sleep(0.05)
    raise AssertionError(f"{url} never reached {until}")
