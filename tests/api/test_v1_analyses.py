"""The /v1 analysis jobs (sensitivity, solve, frontier) give the library's own results for the
same inputs, name the field of a bad outcome or clause path (422), and cancel; they share the
simulations' pool."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'pledgelab[web]'")
pytest.importorskip("SALib", reason="needs the analysis extra: pip install 'pledgelab[analysis]'")

from fastapi.testclient import TestClient
from v1_jobs import v1_client, wait

import pledgelab

DEAL = "us-korea-2025-11"
PIPE = "korea-illustrative"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with v1_client(tmp_path) as c:
        yield c


def _run(c: TestClient, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    r = c.post(f"/v1/{kind}", json=body)
    assert r.status_code == 202, r.text
    assert r.headers["Location"] == f"/v1/{kind}/{r.json()['id']}"
    s = wait(c, f"/v1/{kind}/{r.json()['id']}", until=("done", "error", "cancelled"))
    assert s["status"] == "done", s
    assert s["kind"] == kind and s["progress"]["fraction"] == 1.0
    return s["result"]  # type: ignore[no-any-return]


def _same(a: float | None, b: float) -> bool:
    if a is None:
        return not math.isfinite(b)
    return bool(a == pytest.approx(b, rel=1e-12, abs=1e-12))


def test_sensitivity_job_equals_the_library(client: TestClient) -> None:
    # Morris with 4 trajectories of one clause: 11 deterministic runs (Sobol' would need 27)
    body = {"deal": DEAL, "method": "morris", "samples": 4, "clauses": ["timeline.funding_lag"],
            "outcomes": ["KR.npv"]}
    got = _run(client, "sensitivity", body)
    lib = pledgelab.sensitivity(DEAL, pipeline=PIPE, method="morris", samples=4,
                                clauses=["timeline.funding_lag"], outcomes=["KR.npv"])
    assert (got["deal"], got["pipeline"], got["runs"], got["samples"]) == (DEAL, PIPE, lib.runs, 4)
    [out] = got["outcomes"]
    assert out["name"] == "KR.npv" and out["summary"] == lib.summary["KR.npv"]
    assert _same(out["base"], lib.base["KR.npv"])
    want = lib.ranking["KR.npv"]
    assert [i["path"] for i in out["ranking"]] == [i.factor.path for i in want] == ["timeline.funding_lag"]
    for g, w in zip(out["ranking"], want, strict=True):
        for k in ("s1", "s1_conf", "st", "st_conf", "low", "high"):
            assert _same(g[k], getattr(w, k)), k
        assert (g["why"], g["matters"], g["low_at"], g["high_at"]) == (w.why, w.matters, w.low_at, w.high_at)
    # the same body again is the cached job, not a second run
    again = client.post("/v1/sensitivity", json=body).json()
    assert again["cached"] and again["status"] == "done"


def test_archetype_parameters_as_factors_equal_the_library(client: TestClient) -> None:
    pipe = pledgelab.load_pipeline(PIPE)
    arch = next(p.archetype for p in pipe.projects if p.series is None and p.decision == "fund")
    path = f"archetypes.{arch}.operating_yield"
    body = {"deal": DEAL, "method": "morris", "samples": 4, "clauses": [path], "outcomes": ["KR.npv"]}
    got = _run(client, "sensitivity", body)
    lib = pledgelab.sensitivity(DEAL, pipeline=PIPE, method="morris", samples=4, clauses=[path],
                                outcomes=["KR.npv"])
    [out] = got["outcomes"]
    assert [i["path"] for i in out["ranking"]] == [path]
    assert _same(out["ranking"][0]["st"], lib.ranking["KR.npv"][0].st)
    # every assumed archetype parameter the pipeline uses, beside the deal's clauses
    r = client.post("/v1/sensitivity", json={"deal": DEAL, "archetypes": True, "samples": 8})
    assert r.status_code == 202, r.text
    client.delete(f"/v1/sensitivity/{r.json()['id']}")


def test_solve_job_equals_the_library(client: TestClient) -> None:
    # a target between KR's NPV at the bracket's ends (-$41.58B at a $19B cap, -$40.52B at $21B on the
    # pipeline as re-based in issue 14 F; it was -$45B inside the old pipeline's range)
    body = {"deal": DEAL, "vary": "timeline.annual_cap", "target": "KR.npv=-41e9", "xtol": 1e9,
            "bracket": [19e9, 21e9]}
    got = _run(client, "solve", body)
    lib = pledgelab.solve(DEAL, pipeline=PIPE, vary="timeline.annual_cap", target="KR.npv=-41e9", xtol=1e9,
                          bracket=(19e9, 21e9))
    assert lib.status == "solved" and got["status"] == "solved"
    assert (got["path"], got["outcome"], got["target"], got["message"]) == \
        (lib.path, lib.outcome, lib.target, lib.message)
    assert got["bracket"] == list(lib.bracket) and got["evaluations"] == lib.evaluations
    assert lib.value is not None and lib.achieved is not None
    assert _same(got["value"], lib.value) and _same(got["achieved"], lib.achieved)
    # no root: the status and the message in words, no value
    far = _run(client, "solve", {**body, "target": "KR.npv=0"})
    lib0 = pledgelab.solve(DEAL, pipeline=PIPE, vary="timeline.annual_cap", target="KR.npv=0", xtol=1e9,
                           bracket=(19e9, 21e9))
    assert (far["status"], far["message"], far["value"]) == (lib0.status, lib0.message, None) == \
        ("no-root", lib0.message, None)


def test_frontier_job_equals_the_library(client: TestClient) -> None:
    vary, objs = ["timeline.annual_cap=10e9:25e9:4"], ["KR.npv", "US.npv"]
    got = _run(client, "frontier", {"deal": DEAL, "vary": vary, "objectives": objs,
                                     "positions": ["us-korea-2025-11", "us-proposal-2025-10"]})
    lib = pledgelab.frontier(DEAL, pipeline=PIPE, vary=vary, objectives=objs,
                             positions=["us-korea-2025-11", "us-proposal-2025-10"])
    assert got["outcomes"] == list(lib.outcomes)
    assert got["pareto"] == [i for i, p in enumerate(lib.pareto) if p]
    assert got["zone"] == [i for i, z in enumerate(lib.zone) if z]
    assert [v["label"] for v in got["variants"]] == [lib.label(i) for i in range(len(lib.variants))]
    for i, v in enumerate(got["variants"]):
        for k, name in enumerate(lib.outcomes):
            assert _same(v["outcomes"][name], float(lib.values[i, k]))
    assert [r["outcome"] for r in got["reservations"]] == [r.outcome for r in lib.reservations]
    assert [(p["id"], p["feasible"], p["in_zone"], p["dominated_by"]) for p in got["positions"]] == \
        [(p.id, p.feasible, p.in_zone, p.dominated_by) for p in lib.positions]


def test_sampled_frontier_job_equals_the_library(client: TestClient) -> None:
    vary, objs = ["timeline.annual_cap=10e9:25e9", "distribution.deemed_spread=0:0.02"], ["KR.npv", "US.npv"]
    got = _run(client, "frontier", {"deal": DEAL, "vary": vary, "objectives": objs, "positions": [],
                                     "sample": 8, "sampler": "lhs", "seed": 2})
    lib = pledgelab.frontier(DEAL, pipeline=PIPE, vary=vary, objectives=objs, positions=(), sample=8,
                             sampler="lhs", seed=2)
    assert [v["label"] for v in got["variants"]] == [lib.label(i) for i in range(len(lib.variants))]
    assert got["pareto"] == [i for i, p in enumerate(lib.pareto) if p]
    bad = client.post("/v1/frontier", json={"deal": DEAL, "vary": vary, "objectives": objs, "sample": 12})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "sample"


@pytest.mark.parametrize(("kind", "body", "field"), [
    ("sensitivity", {"outcomes": ["KR.nonsense"]}, "outcomes[0]"),
    ("sensitivity", {"outcomes": ["XX.npv"]}, "outcomes[0]"),
    ("sensitivity", {"clauses": ["timeline.no_such_clause"]}, "clauses[0]"),
    ("sensitivity", {"clauses": ["archetypes.no-such.operating_yield"]}, "clauses[0]"),
    ("solve", {"vary": "archetypes.no-such.operating_yield", "target": "KR.npv=0"}, "vary"),
    ("frontier", {"vary": ["archetypes.no-such.build_months=12,24"], "objectives": ["KR.npv", "US.npv"]},
     "vary[0]"),
    ("solve", {"vary": "timeline.no_such_clause", "target": "KR.npv=0"}, "vary"),
    ("solve", {"vary": "timeline.annual_cap", "target": "KR.nonsense=0"}, "target"),
    ("frontier", {"vary": ["timeline.no_such_clause=1:2"], "objectives": ["KR.npv", "US.npv"]}, "vary[0]"),
    ("frontier", {"vary": ["timeline.annual_cap=1e10:2e10:3"], "objectives": ["KR.npv", "XX.npv"]},
     "objectives[1]"),
    ("frontier", {"vary": ["timeline.annual_cap=1e10:2e10:3"], "objectives": ["KR.npv", "US.npv"],
                  "constraints": ["KR.nonsense<=1"]}, "constraints[0]"),
])
def test_bad_outcome_or_clause_is_422_naming_the_field(client: TestClient, kind: str, body: dict[str, Any],
                                                       field: str) -> None:
    r = client.post(f"/v1/{kind}", json={"deal": DEAL, **body})
    assert r.status_code == 422, r.text
    assert [p["field"] for p in r.json()["detail"]] == [field]


def test_ceilings_refuse_long_requests(client: TestClient) -> None:
    assert client.post("/v1/sensitivity", json={"deal": DEAL, "samples": 4096}).status_code == 422
    assert client.post("/v1/sensitivity", json={"deal": DEAL, "paths": 100_000}).status_code == 422
    r = client.post("/v1/frontier", json={"deal": DEAL, "objectives": ["KR.npv", "US.npv"],
                                          "vary": ["timeline.annual_cap=1e10:2e10:30",
                                                   "timeline.funding_lag=0:90:30"]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "vary"


def test_cancel_a_queued_job_and_kinds_are_separate(tmp_path: Path) -> None:
    with v1_client(tmp_path, sim_workers=1, sim_queue=1) as c:
        gate = threading.Event()
        jobs = c.app.state.jobs  # type: ignore[attr-defined]
        blocker, _ = jobs.submit("test-blocker", 1, lambda progress: gate.wait(60) and {})
        try:
            r = c.post("/v1/solve", json={"deal": DEAL, "vary": "timeline.annual_cap", "target": "KR.npv=0"})
            assert r.status_code == 202 and r.json()["status"] == "queued"
            job = r.json()["id"]
            # the pool is the simulations' own: one running, one waiting, the next is refused
            full = c.post("/v1/frontier", json={"deal": DEAL, "vary": ["timeline.annual_cap=1e10:2e10:3"],
                                                "objectives": ["KR.npv", "US.npv"]})
            assert full.status_code == 429 and "Retry-After" in full.headers
            assert c.get(f"/v1/sensitivity/{job}").status_code == 404  # a solve job is not a sensitivity
            assert c.delete(f"/v1/solve/{job}").json()["status"] == "cancelled"
        finally:
            gate.set()
        for _ in range(1200):
            if jobs.get(blocker.id).status != "running":
                break
            time.sleep(0.05)
        assert c.get(f"/v1/solve/{job}").json()["status"] == "cancelled"
