"""The HTTP API: open reads, token-guarded writes, 409 on stale versions, 413, rules, audit."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from sqlalchemy import text

SRC = ["https://example.org/source"]


def _project(**kw: Any) -> dict[str, Any]:
    return {"id": "kr-api", "pledge_id": "KR-2025-11", "name": "API plant", "sector": "energy",
            "status": "selected", "status_date": "2026-03-02", "sources": SRC, "verified": "2026-11-29",
            "amounts": [{"amount_usd": 3e9, "basis": "as reported", "as_of": "2026-03-02", "preferred": True,
                         "sources": SRC}],
            **kw}


def test_reads_are_open_and_paginated(api: Any) -> None:
    c: Any = api.client
    r = c.get("/projects", params={"limit": 3, "pledge_id": "JP-2025-09"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 15 and len(body["items"]) == 3 and "offset=3" in body["next"]
    ids = [p["id"] for p in body["items"]]
    while body["next"]:
        body = c.get(body["next"]).json()
        ids += [p["id"] for p in body["items"]]
    assert len(ids) == len(set(ids)) == 15
    assert c.get("/projects", params={"limit": 501}).status_code == 422
    assert c.get("/pledges/KR-2025-11").json()["milestones"]
    assert c.get("/pledges/nope").status_code == 404
    report = c.get("/pledges/JP-2025-09/report").json()
    assert report["now"]["amounts_usd"]["selected"] == 36e9 and report["claims"]
    assert c.get("/report", params={"as_of": "2026-03-01"}).json()["pledges"]
    assert "/projects/{parent_id}/status" in c.get("/openapi.json").json()["paths"]
    assert c.get("/docs").status_code == 200


def test_writes_need_a_token_of_the_right_role(api: Any) -> None:
    c: Any = api.client
    assert c.post("/projects", json=_project()).status_code == 401
    wrong = {"Authorization": "Bearer plg_wrong"}
    assert c.post("/projects", json=_project(), headers=wrong).status_code == 401
    assert c.post("/projects", json=_project(), headers=api.viewer).status_code == 403
    assert c.get("/audit").status_code == 401
    assert c.post("/tokens", json={"name": "bob", "role": "editor"}, headers=api.editor).status_code == 403
    r = c.post("/projects", json=_project(), headers=api.editor)
    assert r.status_code == 201, r.text
    assert c.get("/projects/kr-api").json()["amounts"][0]["amount_usd"] == 3e9
    entry = c.get("/audit", params={"record_id": "kr-api"}, headers=api.viewer).json()["items"][0]
    assert entry["actor"] == "t-editor" and entry["before"] is None and entry["after"]["id"] == "kr-api"
    new = c.post("/tokens", json={"name": "bob", "role": "editor"}, headers=api.admin).json()["token"]
    assert c.delete("/tokens/bob", headers=api.admin).status_code == 204
    assert c.post("/claims", json={}, headers={"Authorization": f"Bearer {new}"}).status_code == 401


def test_tokens_are_never_stored_in_clear(api: Any) -> None:
    token = api.editor["Authorization"].removeprefix("Bearer ")
    with api.ledger.engine.connect() as conn:
        rows = conn.execute(text("SELECT name, token_hash FROM tokens")).all()
        audit = json.dumps([list(r) for r in conn.execute(text("SELECT * FROM audit")).all()], default=str)
    assert ("t-editor", hashlib.sha256(token.encode()).hexdigest()) in [tuple(r) for r in rows]
    assert all(token not in str(r) for r in rows) and token not in audit


def test_stale_version_gets_409_and_no_lost_update(api: Any) -> None:
    c: Any = api.client
    claim = c.get("/claims/kr-wi-not-cash").json()
    v = claim["version"]
    ok = c.patch("/claims/kr-wi-not-cash", json={"version": v, "note": "first"}, headers=api.editor)
    assert ok.status_code == 200 and ok.json()["version"] == v + 1
    stale = c.patch("/claims/kr-wi-not-cash", json={"version": v, "note": "second"}, headers=api.editor)
    assert stale.status_code == 409
    assert c.get("/claims/kr-wi-not-cash").json()["note"] == "first"
    assert c.patch("/claims/kr-wi-not-cash", json={"note": "x"}, headers=api.editor).status_code == 422
    assert c.patch("/projects/jp-portsmouth-gas", json={"version": 1, "status": "operating"},
                   headers=api.editor).status_code == 422  # status changes only by a dated event


def test_concurrent_patches_over_http(api: Any) -> None:
    c: Any = api.client
    v = c.get("/claims/kr-wi-not-cash").json()["version"]
    codes: list[int] = []
    barrier = threading.Barrier(4)

    def write(i: int) -> None:
        barrier.wait(10)
        codes.append(c.patch("/claims/kr-wi-not-cash", json={"version": v, "note": f"w{i}"},
                             headers=api.editor).status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409, 409, 409]
    assert c.get("/claims/kr-wi-not-cash").json()["version"] == v + 1


def test_rule_violation_is_422_with_the_clause_unless_overridden(api: Any) -> None:
    c: Any = api.client
    assert c.post("/projects", json=_project(), headers=api.editor).status_code == 201
    call = {"id": "call-1", "project_id": "kr-api", "notice_date": "2026-03-02", "funding_date": "2026-03-04",
            "amount_usd": 1e9, "sources": SRC, "verified": "2026-11-29"}
    r = c.post("/calls", json=call, headers=api.editor)
    assert r.status_code == 422
    v = r.json()["violations"][0]
    assert v["clause"] == "timeline.funding_lag" and "https://" in v["citation"]
    r = c.post("/calls", json={**call, "override": "paid early by agreement"}, headers=api.editor)
    assert r.status_code == 201 and r.json()["overrides"][0]["override"] == "paid early by agreement"
    assert c.post("/calls", json={**call, "override": "again"}, headers=api.editor).status_code == 409
    assert c.get("/projects/kr-api").json()["status"] == "notice"  # the call noticed it
    status = {"status": "declined", "date": "2026-04-01", "sources": SRC, "verified": "2026-11-29"}
    assert c.post("/projects/kr-api/status", json=status, headers=api.editor).status_code == 422  # no version
    r = c.post("/projects/kr-api/status", json={**status, "version": 2}, headers=api.editor)
    assert r.status_code == 201 and r.json()["consequences"]
    r = c.post("/projects/kr-api/status", json={**status, "status": "cancelled", "version": 2},
               headers=api.editor)
    assert r.status_code == 409  # the project moved on to version 3
    r = c.post("/projects/kr-api/status", json={**status, "status": "cancelled", "version": 3},
               headers=api.editor)
    assert r.status_code == 422 and r.json()["violations"][0]["clause"] == "ledger.status_transitions"


def test_request_size_limit(api: Any) -> None:
    c: Any = api.client
    big = _project(note="x" * 70_000)
    assert c.post("/projects", json=big, headers=api.editor).status_code == 413

    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 1024

    r = c.post("/projects", content=chunks(), headers={**api.editor, "Content-Type": "application/json"})
    assert r.status_code == 413


def test_bad_input_is_422_never_500(api: Any) -> None:
    c: Any = api.client
    for body in (_project(amounts=[{"amount_usd": float("inf"), "basis": "x", "sources": SRC}]),
                 _project(name="bad\x00name"), _project(sector="spaceships"), _project(state="Texas"),
                 _project(pledge_id="NOPE"), _project(sources=["ftp://x"]), {"id": "x"}):
        r = c.post("/projects", content=json.dumps(body), headers={**api.editor,
                                                                 "Content-Type": "application/json"})
        assert r.status_code in (404, 422), (body, r.status_code, r.text)


def test_measures_claims_and_the_status_table_are_served(api: Any) -> None:
    c: Any = api.client
    report = c.get("/report").json()
    assert report["as_of"] == "2026-03-12"  # the newest record (the Special Act), not today
    kr = next(p for p in report["pledges"] if p["pledge"] == "KR-2025-11")
    assert kr["measurable_base_usd"] == 200e9 and kr["at_work_usd"] == 0
    assert [p["measurable"] for p in kr["parts"]] == [True, False]
    assert kr["parts"][1]["not_measurable_because"]
    eu = next(p for p in report["pledges"] if p["pledge"] == "EU-2025")
    assert eu["at_work_share"] is None and eu["measurable_base_usd"] is None
    jp = c.get("/report", params={"as_of": "2026-02-28", "ceilings": "false"}).json()["pledges"]
    assert next(p for p in jp if p["pledge"] == "JP-2025-09")["amounts_usd"]["interest"] == 36e9
    checked = {x["id"]: x for x in c.get("/claims/checked").json()["items"]}
    assert checked["kr-trump-up-front"]["verdict"] == "false"
    assert checked["kr-wi-not-cash"]["verdict"] == "accurate"
    review = c.get("/claims/kr-wi-not-cash/review").json()
    assert review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"] == "Accurate"
    assert all(r["@type"] == "ClaimReview" for r in c.get("/claims/review").json())
    assert c.get("/claims/nope/review").status_code == 404
    table = c.get("/statuses").json()
    assert table["transitions"]["selected"] == ["notice", "declined", "cancelled", "paused"]
    assert c.get("/sources", params={"limit": 500}).json()["total"] > 40
    r = c.post("/projects/jp-texas-gulflink/amounts", json={"amount_usd": 2.5e9, "basis": "revised",
               "as_of": "2026-05-01", "preferred": True, "sources": SRC, "verified": "2026-11-29"},
               headers=api.editor)
    assert r.status_code == 201, r.text


def test_duplicates_links_and_source_marks_over_http(api: Any) -> None:
    c: Any = api.client
    plant = {"company": "Acme Batteries Inc.", "state": "GA", "site": "Ellabell"}
    assert c.post("/projects", json=_project(**plant), headers=api.editor).status_code == 201
    twin = _project(id="jp-api", pledge_id="JP-2025-09", **plant)
    r = c.post("/projects", json=twin, headers=api.editor)
    assert r.status_code == 422 and r.json()["violations"][0]["clause"] == "ledger.no_double_counting"
    twin["company"] = "Acme Batteries (Japan arm)"
    assert c.post("/projects", json=twin, headers=api.editor).status_code == 201
    link = {"id": "l-api", "relation": "same-money", "from_kind": "project", "from_id": "jp-api",
            "to_kind": "project", "to_id": "kr-api", "sources": SRC, "verified": "2026-11-29"}
    assert c.post("/links", json=link, headers=api.editor).status_code == 201
    assert c.post("/links", json={**link, "id": "l-self", "to_id": "jp-api"},
                  headers=api.editor).status_code == 422
    missing = c.post("/links", json={**link, "id": "l-x", "to_id": "nope"}, headers=api.editor)
    assert missing.status_code == 404
    mark = {"url": "https://example.org/source", "reliability": "primary", "checked_on": "2026-11-29"}
    assert c.post("/sources", json=mark, headers=api.editor).status_code == 201
    assert c.post("/sources", json=mark, headers=api.editor).status_code == 409
    assert c.get("/links").json()["items"][-1]["id"] == "l-api"
