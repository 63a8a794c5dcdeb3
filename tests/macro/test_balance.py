"""The pledge as a balance sheet: the two forms of the NIIP change agree, the position and the
present values recomputed from the engine's flow lines, one horizon for deals compared, and the
shipbuilding package kept outside the government's perimeter."""

from __future__ import annotations

import numpy as np
import pytest

import pledgelab
from pledgelab.engine import RunResult, run
from pledgelab.macro import compare_balance_sheets, load_funding
from pledgelab.terms import shipped

RATE = 0.045


@pytest.fixture(scope="module")
def runs() -> dict[str, RunResult]:
    pipe = pledgelab.load_pipeline("korea-illustrative")
    return {d: run(pledgelab.load_deal(d), pipe) for d in ("us-ask-2025-09", "us-korea-2025-11")}


@pytest.mark.parametrize("plan", [p for p in shipped("funding") if load_funding(p).investor == "KR"])
def test_niip_change_two_ways(runs: dict[str, RunResult], plan: str) -> None:
    for b in compare_balance_sheets(list(runs.values()), plan, discount_rate=RATE):
        scale = b.funding.total_calls
        np.testing.assert_allclose(b.niip_change, b.niip_explicit(), rtol=0, atol=1e-9 * scale)
        np.testing.assert_allclose(b.funding.net_reserves, b.funding.reserves - b.funding.liabilities)


def test_one_horizon_covers_every_deal_and_the_bonds(runs: dict[str, RunResult]) -> None:
    plan = load_funding("korea-mof-2025")
    ask, mou = compare_balance_sheets(list(runs.values()), plan, discount_rate=RATE)
    assert ask.years == mou.years
    last_call = max((r.start + i) // 12 for r in runs.values() for ln in r.lines
                    if ln.party == "KR" and ln.kind in ("capital call", "instalment")
                    for i, v in enumerate(ln.values) if v < 0)
    assert ask.years[-1] == last_call + (plan.source("guaranteed-bonds").maturity_years or 0)
    assert ask.years[0] == 2025  # the ask's instalment year: both start there, from one opening
    assert ask.funding.opening == mou.funding.opening
    assert abs(ask.funding.liabilities[-1]) < 1e-3 * 350e9  # every bond repaid within the horizon


def test_position_and_present_values_from_the_flow_lines(runs: dict[str, RunResult]) -> None:
    ask, mou = compare_balance_sheets(list(runs.values()), "korea-mof-2025", discount_rate=RATE)
    for b, r in ((ask, runs["us-ask-2025-09"]), (mou, runs["us-korea-2025-11"])):
        horizon_end = (b.years[-1] + 1) * 12
        flows: dict[int, float] = {}
        for ln in r.lines:
            if ln.party == "KR":
                for i, v in enumerate(ln.values):
                    if v:
                        flows[r.start + i] = flows.get(r.start + i, 0.0) + float(v)
        position = sum(v / (1 + RATE) ** ((m - horizon_end) / 12)
                       for m, v in flows.items() if m >= horizon_end)
        assert b.position[-1] == pytest.approx(position, rel=1e-9)
        start = b.years[0] * 12
        calls = sum(-float(v) / (1 + RATE) ** ((r.start + i - start) / 12)
                    for ln in r.lines if ln.party == "KR" and ln.kind in ("capital call", "instalment")
                    for i, v in enumerate(ln.values) if v)
        assert b.pv.calls == pytest.approx(calls, rel=1e-9)
    # The ask: $350B in one instalment; PV at 4.5% from January 2025 is 350 / 1.045^(k/12).
    a = runs["us-ask-2025-09"]
    k = next(a.start + i for ln in a.lines if ln.kind == "instalment" for i, v in enumerate(ln.values) if v)
    k -= 2025 * 12
    assert ask.pv.calls == pytest.approx(350e9 / 1.045 ** (k / 12), rel=1e-9)
    assert ask.pv.calls > 2 * mou.pv.calls


def test_the_shipbuilding_package_is_outside_the_perimeter(runs: dict[str, RunResult]) -> None:
    ask, mou = compare_balance_sheets(list(runs.values()), "korea-mof-2025", discount_rate=RATE)
    assert ask.outside == ()
    assert [o.party for o in mou.outside] == ["KR-FIRMS"]
    pipe = pledgelab.load_pipeline("korea-illustrative")
    yards = sum(float(p.capex.value) for p in pipe.projects if p.sector == "shipbuilding")
    cash = min(200e9, sum(float(p.capex.value) for p in pipe.projects if p.sector != "shipbuilding"))
    assert mou.outside[0].calls == pytest.approx(yards, rel=1e-9)  # the pipeline's three shipyards
    assert mou.funding.total_calls == pytest.approx(cash, rel=1e-9)


def test_the_up_front_ask_leaves_lower_net_reserves(runs: dict[str, RunResult]) -> None:
    for plan in ("korea-mof-2025", "korea-special-act-2026"):
        ask, mou = compare_balance_sheets(list(runs.values()), plan, discount_rate=RATE)
        assert ask.funding.net_reserves.min() < mou.funding.net_reserves.min() - 200e9
        assert ask.pv.net_cost > mou.pv.net_cost
