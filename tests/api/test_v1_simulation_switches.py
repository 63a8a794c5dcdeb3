"""/v1/simulations with the workforce and FX-safeguard switches: the job equals
``pledgelab.simulate`` with the same arguments and seed (the workforce's delays read from the
library's result, not from the API's table), and an unknown policy or safeguard is a 422 naming the
field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'pledgelab[web]'")

from fastapi.testclient import TestClient
from v1_jobs import v1_client, wait

import pledgelab
from pledgelab.pipeline import default_pipeline
from pledgelab.report import as_json, simulation_summary

DEAL = "us-korea-2025-11"


def _wait(c: TestClient, job: str) -> dict[str, Any]:
    return wait(c, f"/v1/simulations/{job}")


def test_workforce_job_equals_the_library(tmp_path: Path) -> None:
    with v1_client(tmp_path) as c:
        body = {"deal": DEAL, "paths": 64, "seed": 5, "chunk_size": 32, "workforce_policy": "post-raid-2025"}
        r = c.post("/v1/simulations", json=body)
        assert r.status_code == 202, r.text
        done = _wait(c, r.json()["id"])
        assert done["status"] == "done", done
        plain = c.post("/v1/simulations", json={**body, "workforce_policy": None}).json()
        assert plain["id"] != r.json()["id"]  # the policy is part of the cache digest
    deal = pledgelab.load_deal(DEAL)
    pipe = default_pipeline(deal.investor)
    assert pipe is not None
    res = pledgelab.simulate(deal, pipeline=pipe, paths=64, seed=5, chunk_size=32,
                             workforce_policy="post-raid-2025")
    assert res.workforce is not None
    lib = as_json([simulation_summary(res)])[0]
    assert done["result"]["summary"]["rows"] == lib["rows"]
    wf = done["result"]["workforce"]
    assert wf["policy"] == "post-raid-2025"
    assert wf["rows"][0][2] == float(np.mean(res.workforce.delay))
    assert f"{float(np.mean(res.workforce.hit)):.2%}" in wf["notes"][0]
    assert "fx" not in done["result"]


@pytest.mark.parametrize(("body", "field"), [
    ({"deal": DEAL, "workforce_policy": "no-such-policy"}, "workforce_policy"),
    ({"deal": DEAL, "fx_feedback": "no-such-safeguard"}, "fx_feedback"),
])
def test_unknown_switch_is_a_422_naming_the_field(tmp_path: Path, body: dict[str, Any], field: str) -> None:
    with v1_client(tmp_path) as c:
        r = c.post("/v1/simulations", json=body)
    assert r.status_code == 422, r.text
    assert field in json.dumps(r.json())


def test_fx_feedback_job_equals_the_library(tmp_path: Path) -> None:
    from pledgelab.macro.safeguard import safeguard_for

    with v1_client(tmp_path) as c:
        r = c.post("/v1/simulations", json={"deal": DEAL, "paths": 64, "seed": 2, "fx_feedback": True})
        assert r.status_code == 202, r.text
        done = _wait(c, r.json()["id"])
    assert done["status"] == "done", done
    deal = pledgelab.load_deal(DEAL)
    pipe = default_pipeline(deal.investor)
    assert pipe is not None
    res = pledgelab.simulate(deal, pipeline=pipe, paths=64, seed=2, fx_feedback=safeguard_for(deal.investor))
    assert res.fx is not None
    assert done["result"]["summary"]["rows"] == as_json([simulation_summary(res)])[0]["rows"]
    assert done["result"]["fx"]["currency"] == res.fx.currency and done["result"]["fx"]["rows"]
