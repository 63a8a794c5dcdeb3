"""Concurrent writers lose no update; a writer killed mid-batch leaves every commit and no half batch."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import text

from pledgelab.ledger import Conflict, Ledger

SRC = ["https://example.org/source"]
WRITERS = 6
ROUNDS = 4


def _claim(led: Ledger) -> None:
    led.add("claim", {"id": "counter", "claimant": "test", "said_on": dt.date(2026, 1, 1), "measure": "other",
                      "amount_usd": 0, "quote": "a counter", "sources": SRC,
                      "verified": dt.date(2026, 1, 1)}, actor="test")


def _increments(led: Ledger, *, versioned: bool) -> float:
    """Every writer reads the counter, waits for the others, then writes it plus 1; returns the end value.

    The barrier makes every round a real race: all writers read the same value before any writes.
    """
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(ROUNDS):
                cur = led.get("claim", "counter")
                value = cur["amount_usd"] + 1
                barrier.wait(timeout=60)
                while True:
                    try:
                        # versioned: the version read with the value; naive: whatever is current now
                        version = cur["version"] if versioned else led.get("claim", "counter")["version"]
                        led.update("claim", "counter", {"amount_usd": value}, version=version, actor="w")
                        break
                    except Conflict:
                        if versioned:  # read again and redo the change, as a client must on 409
                            cur = led.get("claim", "counter")
                            value = cur["amount_usd"] + 1
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return float(led.get("claim", "counter")["amount_usd"])


def test_concurrent_writers_lose_no_update(ledger: Ledger) -> None:
    _claim(ledger)
    assert _increments(ledger, versioned=True) == WRITERS * ROUNDS
    assert ledger.get("claim", "counter")["version"] == 1 + WRITERS * ROUNDS
    assert ledger.audit(record_id="counter").total == 1 + WRITERS * ROUNDS


def test_the_race_is_real_without_versions(ledger: Ledger) -> None:
    """The same race with the version read at write time (no optimistic check) does lose updates.

    This is what the test above would see if the ledger ignored versions: it can fail.
    """
    _claim(ledger)
    assert _increments(ledger, versioned=False) < WRITERS * ROUNDS


CHILD = textwrap.dedent("""
    import datetime as dt, sys
    from pledgelab.ledger import Ledger, Where
    led = Ledger(sys.argv[1])
    src = ["https://example.org/source"]
    def claim(i, prefix):
        return ("claim", {"id": f"{prefix}-{i}", "claimant": "child", "said_on": dt.date(2026, 1, 1),
                          "measure": "other", "quote": "q", "sources": src,
                          "verified": dt.date(2026, 1, 1)}, Where())
    for i in range(int(sys.argv[2])):
        led.add(*claim(i, "single")[:2], actor="child")
        print(f"single-{i}", flush=True)
    print("batch", flush=True)
    j = 0
    while True:  # batches of 400 records, one transaction each, until killed
        led.apply([claim(i, f"batch{j}") for i in range(400)], actor="child")
        print(f"committed-batch{j}", flush=True)
        j += 1
""")


def test_sigkill_mid_batch_keeps_every_commit_and_no_partial_batch(db_url: str) -> None:
    led = Ledger(db_url)
    led.init(seed=False)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, db_url, "15"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    committed: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.strip()
        if line == "batch":
            break
        committed.append(line)
    time.sleep(0.4)  # inside a batch (each takes longer than this to write and commit)
    os.kill(proc.pid, signal.SIGKILL)
    rest, _ = proc.communicate(timeout=30)
    batches = [ln.removeprefix("committed-") for ln in rest.split() if ln.startswith("committed-")]
    assert proc.returncode == -signal.SIGKILL
    assert len(committed) == 15
    got: set[str] = set()
    offset = 0
    while True:
        page = led.list("claim", limit=500, offset=offset)
        got |= {c["id"] for c in page.items}
        offset += 500
        if offset >= page.total:
            break
    assert set(committed) <= got  # every acknowledged commit is there
    singles = {i for i in got if i.startswith("single-")}
    assert singles == set(committed)
    by_batch: dict[str, int] = {}
    for i in got - singles:
        by_batch[i.split("-")[0]] = by_batch.get(i.split("-")[0], 0) + 1
    assert all(n == 400 for n in by_batch.values()), by_batch  # no half batch
    assert set(batches) <= set(by_batch)
    # every record has its audit entry, and the database checks out
    assert led.audit(limit=1).total == len(got)
    if db_url.startswith("sqlite"):
        with led.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    led.close()


@pytest.mark.parametrize("n", [3])
def test_batch_is_all_or_nothing(ledger: Ledger, n: int) -> None:
    from pledgelab._errors import InputError
    from pledgelab.ledger import Where

    before = ledger.release()
    good = {"claimant": "x", "said_on": dt.date(2026, 1, 1), "measure": "other", "quote": "q",
            "sources": SRC, "verified": dt.date(2026, 1, 1)}
    records = [("claim", {**good, "id": f"ok-{i}"}, Where(file="batch", line=i + 1)) for i in range(n)]
    records.append(("claim", {**good, "id": "bad", "measure": "nonsense"}, Where(file="batch", line=9)))
    with pytest.raises(InputError, match=r"batch:9: claim\.measure"):
        ledger.apply(records, actor="t")
    assert ledger.release() == before
