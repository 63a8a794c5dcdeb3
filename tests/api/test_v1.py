"""The /v1 API that computes: runs and comparisons equal the library, simulation jobs report
monotone progress, cancel, refuse when the pool is full, give the CLI's numbers for the same
seed, and are cached by digest; bad input is a 4xx naming the field; /docs needs no network."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'pledgelab[web]'")

from fastapi.testclient import TestClient
from v1_jobs import DONE, v1_client, wait

from pledgelab.analysis import compare
from pledgelab.cli import main
from pledgelab.engine import CONTRIBUTIONS, run
from pledgelab.pipeline import load_pipeline
from pledgelab.terms import apply_overrides, load_deal, override, shipped

DEAL = "us-korea-2025-11"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with v1_client(tmp_path) as c:
        yield c


def _wait(c: TestClient, job: str, *, until: tuple[str, ...] = DONE,
          seen: list[int] | None = None) -> dict[str, Any]:
    return wait(c, f"/v1/simulations/{job}", until=until, seen=seen)


def test_deals_list_and_one_deal(client: TestClient) -> None:
    ids = [d["id"] for d in client.get("/v1/deals").json()["items"]]
    assert ids == [*shipped("deals"), *shipped("scenarios")]
    d = client.get("/v1/deals/korea-cap-15b").json()
    cap = next(c for c in d["clauses"] if c["path"] == "timeline.annual_cap")
    assert (cap["value"], cap["status"], cap["replaced"]["value"]) == (15e9, "scenario", 20e9)
    assert cap["references"] and all(r["url"].startswith("https://") for r in cap["references"])
    assert client.get("/v1/deals/no-such-deal").status_code == 404
    assert client.get("/v1/deals/" + "x" * 500).status_code == 422


def test_runs_equal_the_library(client: TestClient) -> None:
    body = {"deal": DEAL, "overrides": {"timeline.annual_cap": 15e9,
                                        "distribution.deemed_spread": {"value": 0.01, "reason": "test"}}}
    got = client.post("/v1/runs", json=body).json()
    deal = apply_overrides(load_deal(DEAL), [override("timeline.annual_cap", 15e9),
                                             override("distribution.deemed_spread", 0.01)])
    res = run(deal, load_pipeline("korea-illustrative"))
    rate = 0.04  # the deemed benchmark, the default discount rate
    assert got["discount_rate"] == rate and got["pipeline"] == "korea-illustrative"
    assert set(got["deal"]["scenario_clauses"]) == {"timeline.annual_cap", "distribution.deemed_spread"}
    for p in got["parties"]:
        lines = [x for x in res.lines if x.party == p["party"]]
        paid = -sum(float(x.values.sum()) for x in lines if x.kind in CONTRIBUTIONS)
        received = sum(float(x.values.sum()) for x in lines if x.kind not in CONTRIBUTIONS)
        net = res.net(p["party"])
        npv = sum(float(v) / (1 + rate) ** (t / 12) for t, v in enumerate(net))
        assert p["contributed_usd"] == pytest.approx(paid, rel=1e-9, abs=1e-3)
        assert p["received_usd"] == pytest.approx(received, rel=1e-9, abs=1e-3)
        assert p["npv_usd"] == pytest.approx(npv, rel=1e-9, abs=1e-3)
    years = got["outcome"]["investor_calls_by_year_usd"]
    assert max(years.values()) <= 15e9 + 1e-3
    for r in got["cash_flows"]["rows"]:
        if r["kind"] == "total":
            assert r["total_usd"] == pytest.approx(float(res.net(r["party"]).sum()), rel=1e-9, abs=1e-3)
            assert sum(r["values_usd"]) == pytest.approx(r["total_usd"], rel=1e-9, abs=1e-3)


def test_compare_equals_the_library(client: TestClient) -> None:
    got = client.post("/v1/compare", json={"deals": [DEAL, "korea-cap-15b"]}).json()
    want = compare([load_deal(DEAL), load_deal("korea-cap-15b")], load_pipeline("korea-illustrative"))
    assert [c["deal"]["id"] for c in got["columns"]] == [w.deal.id for w in want]
    for c, w in zip(got["columns"], want, strict=True):
        assert c["points"] == w.points
        for p, o in zip(c["parties"], w.parties, strict=True):
            assert p["npv_usd"] == pytest.approx(o.npv, rel=1e-12)
    sw = client.post("/v1/compare", json={"deals": [DEAL], "sweep": {"path": "timeline.annual_cap",
                                                                     "values": [10e9, 20e9, None]}}).json()
    peaks = [c["peak_calendar_year_funding_usd"] for c in sw["columns"]]
    assert peaks[0] <= 10e9 + 1e-3 and peaks[1] <= 20e9 + 1e-3 and peaks[2] > 20e9


@pytest.mark.parametrize(("body", "field"), [
    ({"deal": DEAL, "overrides": {"timeline.anual_cap": 1e9}}, "overrides.timeline.anual_cap"),
    ({"deal": DEAL, "overrides": {"timeline.annual_cap": -1}}, "overrides.timeline.annual_cap.value"),
    ({"deal": DEAL, "overrides": {"distribution.deemed_spread": "two"}},
     "overrides.distribution.deemed_spread.value"),
    ({"deal": DEAL, "overrides": {"timeline.funding_lag": 4.5}}, "overrides.timeline.funding_lag.value"),
    ({"deal": DEAL, "overrides": {"x" * 5000: 1}}, "overrides"),
    ({"deal": DEAL, "discount_rate": 5}, "discount_rate"),
    ({"deal": DEAL, "surprise": 1}, "surprise"),
])
def test_bad_runs_name_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    r = client.post("/v1/runs", json=body)
    assert r.status_code == 422, r.text
    assert field in json.dumps(r.json())


def test_malformed_and_oversized_input(client: TestClient) -> None:
    r = client.post("/v1/runs", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/v1/simulations", json={"deal": DEAL, "paths": 10**9})
    assert r.status_code == 422 and "paths" in r.text
    r = client.post("/v1/compare", json={"deals": [DEAL], "sweep": {"path": "timeline.annual_cap",
                                                                    "values": [1e9]}})
    assert r.status_code == 422 and "values" in r.text
    r = client.post("/v1/compare", json={"deals": [DEAL], "sweep": {"path": "timeline.annual_cap",
                                                                    "values": list(range(1000))}})
    assert r.status_code == 422 and "values" in r.text
    assert client.post("/v1/runs", json={"deal": "no-such-deal"}).status_code == 404
    assert client.get("/v1/simulations/0123abcd").status_code == 404


@pytest.mark.slow
def test_simulation_job_gives_the_clis_numbers(client: TestClient,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    body = {"deal": DEAL, "paths": 600, "seed": 11, "chunk_size": 64, "fan": ["KR"]}
    r = client.post("/v1/simulations", json=body)
    assert r.status_code == 202 and r.headers["location"].endswith(r.json()["id"])
    seen: list[int] = []
    done = _wait(client, r.json()["id"], seen=seen)
    assert done["status"] == "done"
    assert seen == sorted(seen) and seen[-1] == 600  # progress is monotone and ends at every path
    assert main(["simulate", DEAL, "--paths", "600", "--seed", "11", "--chunk-size", "64", "--fan", "KR",
                 "--quiet", "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    api = done["result"]["summary"]
    assert (api["title"], api["columns"], api["rows"]) == (cli[0]["title"], cli[0]["columns"], cli[0]["rows"])
    fan = next(t for t in cli if "cumulative net cash of KR" in t["title"])
    assert done["result"]["fans"]["KR"]["rows"] == fan["rows"]
    again = client.post("/v1/simulations", json=body).json()  # cached by digest
    assert again["id"] == r.json()["id"] and again["cached"] and again["status"] == "done"


def test_cancel_stops_a_job(tmp_path: Path) -> None:
    with v1_client(tmp_path, sim_workers=1, sim_queue=0) as c:
        r = c.post("/v1/simulations", json={"deal": DEAL, "paths": 20_000, "seed": 1, "chunk_size": 32})
        job = r.json()["id"]
        _wait(c, job, until=("running", "done"))
        assert c.post("/v1/simulations", json={"deal": DEAL, "paths": 50, "seed": 2}).status_code == 429
        full = c.post("/v1/simulations", json={"deal": DEAL, "paths": 50, "seed": 3})
        assert full.status_code == 429 and int(full.headers["retry-after"]) > 0
        assert c.delete(f"/v1/simulations/{job}").status_code == 200
        end = _wait(c, job)
        assert end["status"] == "cancelled" and end["progress"]["paths_done"] < 20_000
        assert "result" not in end
        ok = c.post("/v1/simulations", json={"deal": DEAL, "paths": 50, "seed": 2})
        assert ok.status_code == 202  # the pool has room again


def test_docs_reference_no_external_host(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200
        hosts = re.findall(r"""(?:src|href)\s*=\s*["'](https?://[^"']+)""", r.text)
        assert not hosts, hosts
        for asset in re.findall(r"""["'](/static-docs/[^"']+)["']""", r.text):
            assert client.get(asset).status_code == 200
    assert "/v1/runs" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(("url", "body", "status", "field"), [
    ("/v1/runs", {"deal": DEAL, "overrides": {"timeline.annual_cap": "x" * 100_000}}, 422,
     "overrides.timeline.annual_cap"),
    ("/v1/runs", {"deal": DEAL, "overrides": {"distribution.review_shares": {"KR": 0.6, "US": 0.5}}}, 422,
     "overrides.distribution.review_shares.value"),
    ("/v1/runs", {"deal": DEAL, "pipeline": "nope"}, 404, "pipeline"),
    ("/v1/simulations", {"deal": DEAL, "paths": 10, "drivers": "nope"}, 404, "driver"),
    ("/v1/compare", {"deals": [DEAL, "us-japan-2025-09"]}, 422, "pipeline"),
])
def test_more_bad_input_is_a_4xx(client: TestClient, url: str, body: dict[str, Any], status: int,
                                 field: str) -> None:
    r = client.post(url, json=body)
    assert r.status_code == status, r.text
    assert field in r.text and len(r.text) < 2000


def test_deeply_nested_json_is_refused_not_a_500(client: TestClient) -> None:
    deep = "[" * 5000 + "]" * 5000
    body = '{"deal": "' + DEAL + '", "overrides": {"distribution.tiers": ' + deep + "}}"
    r = client.post("/v1/runs", content=body.encode(), headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500
