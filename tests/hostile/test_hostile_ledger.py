"""The ledger under hostile writes (issue 16): the audit log cannot be rewritten (REPLACE, TRUNCATE,
UPDATE, DELETE) on SQLite or PostgreSQL; every pair of the status table is allowed or refused as
the table says; deal ids are never paths; the same actor limit on both backends; over HTTP a deep
body gets 422 and reads keep working, a date-time is not a date, and a write that meets a busy
database gets 503 with Retry-After, not 500."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from pledgelab import InputError
from pledgelab.ledger import STATUSES, TRANSITIONS, Ledger

SRC = ["https://example.org/hostile"]


def _count(led: Ledger) -> int:
    with led.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit")).scalar_one())


REWRITES = {
    "sqlite": [
        "REPLACE INTO audit (id, at, actor, action, kind, record_id) "
        "SELECT id, at, 'mallory', action, kind, record_id FROM audit WHERE id = (SELECT min(id) FROM audit)",
        "INSERT OR REPLACE INTO audit (id, at, actor, action, kind, record_id) "
        "SELECT id, at, 'mallory', 'delete', kind, record_id FROM audit "
        "WHERE id = (SELECT max(id) FROM audit)",
        "UPDATE audit SET actor = 'mallory'",
        "UPDATE OR REPLACE audit SET id = id + 1000000",
        "DELETE FROM audit",
    ],
    "postgresql": [
        "TRUNCATE audit",
        "TRUNCATE audit CASCADE",
        "INSERT INTO audit (id, at, actor, action, kind, record_id) "
        "SELECT id, at, 'mallory', action, kind, record_id FROM audit WHERE id = (SELECT min(id) FROM audit) "
        "ON CONFLICT (id) DO UPDATE SET actor = 'mallory'",
        "UPDATE audit SET actor = 'mallory'",
        "DELETE FROM audit",
    ],
}


def test_the_audit_log_cannot_be_rewritten(seeded: Ledger) -> None:
    dialect = seeded.engine.dialect.name
    before = _count(seeded)
    assert before > 0
    for sql in REWRITES[dialect]:
        with pytest.raises(Exception, match="append-only"), seeded.engine.begin() as conn:
            conn.execute(text(sql))
        assert _count(seeded) == before, sql
    with seeded.engine.connect() as conn:
        assert "mallory" not in {r[0] for r in conn.execute(text("SELECT actor FROM audit"))}


def test_the_same_actor_limit_on_both_backends(seeded: Ledger) -> None:
    rec = {"pledge_id": "KR-2025-11", "date": "2026-01-05", "event": "hostile", "text": "x",
           "sources": SRC, "verified": "2026-01-06"}
    before = _count(seeded)
    for actor in ("a" * 81, "a" * 100_000, "", "bad\x00actor"):
        with pytest.raises(InputError, match="actor"):
            seeded.add("milestone", rec, actor=actor)
    assert _count(seeded) == before
    seeded.add("milestone", rec, actor="a" * 80)  # the limit itself is fine
    assert _count(seeded) == before + 1


DEAL_PATHS = ["../../etc/passwd", "/etc/passwd", "/nonexistent/x.yaml",
              "src/pledgelab/data/deals/us-korea-2025-11.yaml", "us-korea-2025-11.yaml", "no-such-deal",
              "pyproject.toml"]


def test_a_deal_id_is_never_a_path(seeded: Ledger) -> None:
    for deal_id in DEAL_PATHS:
        rec = {"id": "hx-pledge", "country": "KR", "investor": "KR", "title": "x", "deal_id": deal_id,
               "sources": SRC, "verified": "2026-01-06"}
        with pytest.raises(InputError) as err:
            seeded.add("pledge", rec, actor="hostile")
        message = str(err.value)
        assert "pledge.deal_id" in message and "is not a shipped deal or scenario id" in message
        # the same words whether or not the path exists: nothing about the file system
        words = message.replace(repr(deal_id)[:60], "<id>")
        assert "exist" not in words and "no such file" not in words.lower() and "cannot read" not in words


def test_every_pair_of_the_status_table(seeded: Ledger) -> None:
    """Each (from, to) pair is allowed exactly when the one table lists it (money-only statuses
    aside), checked through the ledger's public writes on a fresh project per pair start."""
    from pledgelab.ledger import allowed_next, transition

    pairs = [(a, b) for a in STATUSES for b in STATUSES if a != b]
    for a, b in pairs:
        allowed = b in TRANSITIONS[a]
        assert (transition(a, b) == []) is allowed, (a, b)
        assert (b in allowed_next(a)) is allowed
    # through the ledger, from a project at 'interest' (created by hand) to every status
    for n, b in enumerate(s for s in STATUSES if s != "interest"):
        pid = f"hx-t{n}"
        seeded.add("project", {"id": pid, "pledge_id": "KR-2025-11", "name": pid, "sector": "energy",
                               "status": "interest", "status_date": "2026-01-05", "sources": SRC,
                               "verified": "2026-01-06"}, actor="hostile")
        change = {"project_id": pid, "status": b, "date": "2026-02-01", "sources": SRC,
                  "verified": "2026-02-02", "version": 1}
        if b in TRANSITIONS["interest"]:
            seeded.add("status", change, actor="hostile")
            assert seeded.get("project", pid)["status"] == b
        else:
            with pytest.raises(InputError):
                seeded.add("status", change, actor="hostile")
            assert seeded.get("project", pid)["status"] == "interest"
        with pytest.raises(InputError):  # a status change without the version read
            seeded.add("status", {k: v for k, v in change.items() if k != "version"}, actor="hostile")


# -- over HTTP --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str], Ledger]]:
    """One seeded SQLite ledger behind the API for the HTTP checks (they do not depend on the
    backend; the audit, actor and deal-id checks above run on both)."""
    pytest.importorskip("fastapi", reason="needs the web extra: pip install 'pledgelab[web]'")
    from fastapi.testclient import TestClient

    from pledgelab.api import create_app

    led = Ledger(f"sqlite:///{tmp_path_factory.mktemp('hostile-api') / 'ledger.sqlite'}")
    led.init()
    token = {"Authorization": "Bearer " + led.create_token(name="hostile-editor", role="editor")}
    with TestClient(create_app(led), raise_server_exceptions=False) as c:
        yield c, token, led
    led.close()


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"label": value}
    return value


PLEDGE = {"id": "hx-deep", "country": "KR", "investor": "KR", "title": "deep", "sources": SRC,
          "verified": "2026-01-06"}


@pytest.mark.parametrize("depth", [20, 300, 900])
def test_a_deep_body_gets_422_and_reads_keep_working(client: Any, depth: int) -> None:
    c, token, _ = client
    for where in ("mechanism_reason", "extra"):
        body = {**PLEDGE, "composition": [{"label": "x", "component": "loans", "mechanism": "none",
                                            "mechanism_reason": "y", where: _nested(depth)}]}
        r = c.post("/pledges", json=body, headers=token)
        assert r.status_code == 422, r.text
    for path in ("/pledges", "/pledges?limit=500", "/report", "/projects"):
        assert c.get(path).status_code == 200


def test_a_very_deep_json_body_is_refused_not_500(client: Any) -> None:
    c, token, _ = client
    raw = '{"id": "hx-deep", "composition": ' + "[" * 20_000 + "]" * 20_000 + "}"
    r = c.post("/pledges", content=raw, headers={**token, "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, r.status_code
    assert c.get("/pledges").status_code == 200


@pytest.mark.parametrize("field,value", [
    ("date", "2026-01-10T00:00:00"), ("date", "2026-01-10 00:00"), ("date", "2026-02-30"),
    ("date", "9999-12-31"), ("date", "0001-01-01"), ("verified", "2026-01-06T12:00:00Z"),
])
def test_the_api_refuses_what_is_not_a_date(client: Any, field: str, value: str) -> None:
    c, token, _ = client
    body = {"pledge_id": "KR-2025-11", "date": "2026-01-05", "event": "hostile", "text": "x",
            "sources": SRC, "verified": "2026-01-06", field: value}
    r = c.post("/milestones", json=body, headers=token)
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("deal_id", ["../../etc/passwd", "/etc/passwd", "us-korea-2025-11.yaml",
                                     "nope-not-a-deal"])
def test_the_api_refuses_a_deal_path_alike(client: Any, deal_id: str) -> None:
    c, token, _ = client
    r = c.post("/pledges", json={**PLEDGE, "id": "hx-path", "deal_id": deal_id}, headers=token)
    assert r.status_code == 422
    assert "passwd" not in r.text or "exist" not in r.text


def test_a_write_on_a_busy_database_gets_503_not_500(client: Any) -> None:
    c, token, led = client
    from pledgelab.api._busy import bound_busy_wait

    bound_busy_wait(led.engine, 0.3)  # keep the test short: the app's own wait is a few seconds
    path = led.engine.url.database
    assert path
    holder = sqlite3.connect(path, timeout=0.1, isolation_level=None)  # a long import holding the lock
    holder.execute("BEGIN IMMEDIATE")
    try:
        body = {"pledge_id": "KR-2025-11", "date": "2026-01-05", "event": "busy", "text": "x",
                "sources": SRC, "verified": "2026-01-06"}
        r = c.post("/milestones", json=body, headers=token)
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) > 0
        assert c.get("/pledges").status_code == 200  # reads do not wait for the writer (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    r = c.post("/milestones", json={**body, "event": "after"}, headers=token)
    assert r.status_code == 201, r.text


def test_a_csv_keeps_every_column_it_is_given(client: Any, tmp_path: Any) -> None:
    """A claim's amount_usd imports as given (it once imported as NULL with exit 0); an unknown
    column is refused, not dropped."""
    from pledgelab.ledger import import_file

    seeded = client[2]
    claims = tmp_path / "claims.csv"
    claims.write_text("id,pledge_id,claimant,said_on,measure,scope,amount_usd,quote,sources,verified\n"
                      "hx-claim,KR-2025-11,A minister,2026-01-05,headline,pledge,350000000000,"
                      "\"$350B\",https://example.org/q,2026-01-06\n", encoding="utf-8")
    assert import_file(seeded, claims, actor="hostile") == 1
    assert seeded.get("claim", "hx-claim")["amount_usd"] == 350e9
    extra = tmp_path / "extra.csv"
    extra.write_text(claims.read_text(encoding="utf-8").replace("verified\n", "verified,colour\n")
                     .replace("2026-01-06\n", "2026-01-06,red\n").replace("hx-claim", "hx-claim-2"),
                     encoding="utf-8")
    with pytest.raises(InputError, match="colour"):
        import_file(seeded, extra, actor="hostile")


def test_a_call_csv_imports_with_its_amount(client: Any, tmp_path: Any) -> None:
    """A call CSV could never import: its amount_usd column was dropped for every record kind."""
    from pledgelab.ledger import import_file

    seeded = client[2]
    calls = tmp_path / "calls.csv"
    calls.write_text("id,project_id,notice_date,funding_date,amount_usd,sources,verified\n"
                     "hx-call,jp-portsmouth-gas,2026-03-02,2026-04-20,1000000000,https://example.org/c,"
                     "2026-04-21\n", encoding="utf-8")
    assert import_file(seeded, calls, actor="hostile") == 1
    assert seeded.get("call", "hx-call")["amount_usd"] == 1e9


@pytest.mark.parametrize("name", ["pyproject.toml", "README.md", "absent.yaml", "us-korea-2025-11.yaml",
                                  "..", "x.yml"])
def test_v1_deal_names_are_shipped_ids_never_files(client: Any, name: str) -> None:
    """A file in the server's working folder and a missing one get the same answer."""
    c, _, _ = client
    for r in (c.get(f"/v1/deals/{name}"), c.post("/v1/runs", json={"deal": name}),
              c.post("/v1/runs", json={"deal": "us-korea-2025-11", "pipeline": name})):
        assert r.status_code in (404, 422), r.text
        assert "no such file" not in r.text and "cannot read" not in r.text and "<file>" not in r.text


_DEEP = "[" * 5000 + "]" * 5000
API_BODIES: list[tuple[str, str, str]] = [
    # (id, path, raw JSON body): each refused with a 4xx, never a 5xx
    ("pledge-nan-headline", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"headline_usd": NaN, "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-inf-headline", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"headline_usd": Infinity, "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-1e309-headline", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"headline_usd": 1e309, "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-1.7e308-headline", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"headline_usd": 1.7e308, "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-id-traversal", "/pledges", '{"id": "../../x", "country": "KR", "investor": "KR", "title": "t", '
     '"sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-nul-title", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", '
     '"title": "a\\u0000b", '
     '"sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-lone-surrogate", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", '
     '"title": "a\\ud800b", "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-long-title", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "'
     + "x" * 20_000 + '", "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-composition-deep", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"composition": ' + _DEEP + ', "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-composition-wide", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"composition": [' + ",".join(['{"label": "x"}'] * 5000) + '], "sources": ["https://e.org/x"], '
     '"verified": "2026-01-06"}'),
    ("pledge-deal-path", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"deal_id": "../../etc/passwd", "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-extra-field", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"owner": "me", "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("pledge-not-https", "/pledges", '{"id": "hx-b", "country": "KR", "investor": "KR", "title": "t", '
     '"sources": ["file:///etc/passwd"], "verified": "2026-01-06"}'),
    ("body-array", "/pledges", "[1, 2, 3]"),
    ("body-not-json", "/pledges", "this is not json"),
    ("body-empty", "/pledges", ""),
    ("body-deep", "/pledges", _DEEP),
    ("body-string", "/milestones", '"x"'),
    ("milestone-date-time", "/milestones", '{"pledge_id": "KR-2025-11", "date": "2026-01-05T00:00:00", '
     '"event": "e", "text": "t", "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("milestone-date-int", "/milestones", '{"pledge_id": "KR-2025-11", "date": 20260105, '
     '"event": "e", "text": "t", "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("milestone-unknown-pledge", "/milestones", '{"pledge_id": "nope", "date": "2026-01-05", '
     '"event": "e", "text": "t", "sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("project-negative-amount", "/projects", '{"id": "hx-p", "pledge_id": "KR-2025-11", "name": "n", '
     '"sector": "energy", "status": "interest", "status_date": "2026-01-05", "sources": ["https://e.org/x"], '
     '"verified": "2026-01-06", "amounts": [{"amount_usd": -5, "basis": "b", "as_of": "2026-01-05"}]}'),
    ("project-status-by-money", "/projects", '{"id": "hx-p2", "pledge_id": "KR-2025-11", "name": "n", '
     '"sector": "energy", "status": "funded", "status_date": "2026-01-05", "sources": ["https://e.org/x"], '
     '"verified": "2026-01-06"}'),
    ("status-without-version", "/projects/kr-api/status", '{"status": "cancelled", "date": "2026-01-05", '
     '"sources": ["https://e.org/x"], "verified": "2026-01-06"}'),
    ("claim-amount-string", "/claims", '{"id": "hx-c", "claimant": "c", "said_on": "2026-01-05", '
     '"measure": "headline", "amount_usd": "lots", "sources": ["https://e.org/x"], '
     '"verified": "2026-01-06"}'),
    ("v1-run-deal-path", "/v1/runs", '{"deal": "../../etc/passwd"}'),
    ("v1-run-deal-file", "/v1/runs", '{"deal": "pyproject.toml"}'),
    ("v1-run-discount-nan", "/v1/runs", '{"deal": "us-korea-2025-11", "discount_rate": NaN}'),
    ("v1-run-override-nan", "/v1/runs", '{"deal": "us-korea-2025-11", "overrides": '
     '{"timeline.annual_cap": NaN}}'),
    ("v1-run-override-huge", "/v1/runs", '{"deal": "us-korea-2025-11", "overrides": '
     '{"amount.headline": 1.7e308}}'),
    ("v1-run-override-unknown", "/v1/runs", '{"deal": "us-korea-2025-11", "overrides": {"nope.nope": 1}}'),
    ("v1-compare-no-deals", "/v1/compare", '{"deals": []}'),
    ("v1-simulation-paths-huge", "/v1/simulations", '{"deal": "us-korea-2025-11", "paths": 1000000000000}'),
    ("v1-simulation-seed-negative", "/v1/simulations", '{"deal": "us-korea-2025-11", "seed": -1}'),
]


@pytest.mark.parametrize("path,raw", [(p, r) for _, p, r in API_BODIES], ids=[i for i, _, _ in API_BODIES])
def test_hostile_bodies_get_4xx_and_reads_keep_working(client: Any, path: str, raw: str) -> None:
    c, token, _ = client
    r = c.post(path, content=raw.encode("utf-8", "surrogatepass"),
               headers={**token, "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert c.get("/pledges").status_code == 200
