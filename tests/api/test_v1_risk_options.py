"""/v1/simulations: ``fx_impact`` (``simulate --fx-impact``) and the workforce attribution (the second
run without the delays that ``simulate --workforce-policy`` adds).

The independent side: the library's per-path NPV arrays of two plain ``pledgelab.simulate`` runs,
reduced here with numpy (means and quantiles of the path-by-path change), and the CLI's output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'pledgelab[web]'")

from fastapi.testclient import TestClient
from v1_jobs import v1_client, wait

import pledgelab
from pledgelab.macro.safeguard import safeguard_for
from pledgelab.pipeline import default_pipeline
from pledgelab.report import as_json, simulation_summary

DEAL = "us-korea-2025-11"
PLEDGELAB = str(Path(sys.executable).with_name("pledgelab"))


def _done(c: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    r = c.post("/v1/simulations", json=body)
    assert r.status_code == 202, r.text
    done = wait(c, f"/v1/simulations/{r.json()['id']}")
    assert done["status"] == "done", done
    return done


def test_fx_impact_job_equals_the_library_at_that_impact(tmp_path: Path) -> None:
    with v1_client(tmp_path) as c:
        body = {"deal": DEAL, "paths": 48, "seed": 1, "fx_feedback": True, "fx_impact": 0.05}
        done = _done(c, body)
        plain = c.post("/v1/simulations", json={**body, "fx_impact": None}).json()
        assert plain["id"] != done["id"]  # the impact is part of the cache digest
    deal = pledgelab.load_deal(DEAL)
    pipe = default_pipeline(deal.investor)
    sg = safeguard_for(deal.investor)
    assert pipe is not None and sg is not None and float(sg.impact.value) != 0.05
    res = pledgelab.simulate(deal, pipeline=pipe, paths=48, seed=1, fx_feedback=sg.with_impact(0.05))
    assert done["result"]["summary"]["rows"] == as_json([simulation_summary(res)])[0]["rows"]
    assert done["result"]["fx"]["impact"] == 0.05
    assert any("impact 0.05 log-points" in n for n in done["result"]["fx"]["notes"])


@pytest.mark.parametrize(("body", "says"), [
    ({"fx_impact": 0.01}, "fx_impact needs fx_feedback"),
    ({"fx_feedback": True, "fx_impact": 1.5}, "less than or equal to 1"),
    ({"fx_feedback": True, "fx_impact": -0.1}, "greater than or equal to 0"),
    ({"fx_feedback": True, "fx_impact": "abc"}, "valid number"),
])
def test_a_bad_fx_impact_is_a_422_naming_the_field(tmp_path: Path, body: dict[str, Any], says: str) -> None:
    with v1_client(tmp_path) as c:
        r = c.post("/v1/simulations", json={"deal": DEAL, "paths": 8, **body})
    assert r.status_code == 422, r.text
    text = json.dumps(r.json())
    assert "fx_impact" in text and says in text


def test_workforce_attribution_equals_two_library_runs_and_the_cli(tmp_path: Path) -> None:
    with v1_client(tmp_path) as c:
        done = _done(c, {"deal": DEAL, "paths": 40, "seed": 4, "chunk_size": 16,
                         "workforce_policy": "post-raid-2025"})
    assert done["progress"]["paths"] == 80  # both runs counted
    got = done["result"]["workforce_attribution"]
    assert got["policy"] == "post-raid-2025" and got["paths"] == 40
    deal = pledgelab.load_deal(DEAL)
    pipe = default_pipeline(deal.investor)
    assert pipe is not None
    with_wf = pledgelab.simulate(deal, pipeline=pipe, paths=40, seed=4, workforce_policy="post-raid-2025")
    without = pledgelab.simulate(deal, pipeline=pipe, paths=40, seed=4)
    rows = {r[0]: r for r in got["rows"]}
    for i, party in enumerate(with_wf.parties):
        a, b = with_wf.npv[i], without.npv[i]
        if not (a.any() or b.any()):
            assert party not in rows
            continue
        d = a - b
        want = [b.mean(), a.mean(), d.mean(), np.quantile(d, 0.05), np.quantile(d, 0.95)]
        assert rows[party][1:6] == pytest.approx(want, rel=1e-12, abs=1e-3), party
    cli = json.loads(subprocess.run(
        [PLEDGELAB, "simulate", DEAL, "--paths", "40", "--seed", "4", "--chunk-size", "16",
         "--workforce-policy", "post-raid-2025", "--format", "json", "--quiet"],
        check=True, capture_output=True, text=True).stdout)
    table = next(t for t in cli if "what the workforce delays do" in t["title"])
    assert [r[0] for r in table["rows"]] == [r[0] for r in got["rows"]]
    for want_row, row in zip(table["rows"], got["rows"], strict=True):
        assert row[1:] == want_row[1:]


def test_fx_reading_job_equals_the_library_and_needs_the_safeguard(tmp_path: Path) -> None:
    with v1_client(tmp_path) as c:
        body = {"deal": DEAL, "paths": 48, "seed": 1, "fx_feedback": True, "fx_reading": "forward"}
        done = _done(c, body)
        bad = c.post("/v1/simulations", json={"deal": DEAL, "paths": 8, "fx_reading": "forward"})
        assert bad.status_code == 422 and "fx_reading needs fx_feedback" in json.dumps(bad.json())
        odd = c.post("/v1/simulations", json={**body, "fx_reading": "sideways"})
        assert odd.status_code == 422 and "fx_reading" in json.dumps(odd.json())
    deal = pledgelab.load_deal(DEAL)
    pipe = default_pipeline(deal.investor)
    sg = safeguard_for(deal.investor)
    assert pipe is not None and sg is not None
    res = pledgelab.simulate(deal, pipeline=pipe, paths=48, seed=1, fx_feedback=sg.with_reading("forward"))
    assert done["result"]["summary"]["rows"] == as_json([simulation_summary(res)])[0]["rows"]
