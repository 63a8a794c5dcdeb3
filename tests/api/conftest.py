"""Fixtures of the API suite: the ledger databases of tests/ledger, and a client with tokens."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "ledger"))

from ledgerdb import db_url, pg_server, seeded  # noqa: F401

from pledgelab.ledger import Ledger


@dataclass
class Api:
    client: object
    ledger: Ledger
    editor: dict[str, str]
    viewer: dict[str, str]
    admin: dict[str, str]


@pytest.fixture
def api(seeded: Ledger) -> Iterator[Api]:  # noqa: F811  (the fixture imported above)
    pytest.importorskip("fastapi", reason="needs the web extra: pip install 'pledgelab[web]'")
    from fastapi.testclient import TestClient

    from pledgelab.api import create_app

    led = seeded

    tokens = {role: {"Authorization": "Bearer " + led.create_token(name=f"t-{role}", role=role)}
              for role in ("viewer", "editor", "admin")}
    with TestClient(create_app(led, max_body=64 * 1024)) as client:
        yield Api(client=client, ledger=led, editor=tokens["editor"], viewer=tokens["viewer"],
                  admin=tokens["admin"])
