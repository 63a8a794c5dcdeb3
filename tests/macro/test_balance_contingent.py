"""Guarantees in the funding balance sheet: the contingent liability is the engine's undrawn cover
(``RunResult.guaranteed``), read here directly from the run, and the calls paid from its flow lines."""

from __future__ import annotations

import numpy as np
import pytest

import pledgelab
from pledgelab.engine import run
from pledgelab.macro import FundingPlan, balance_sheet, compare_balance_sheets, funding_plan_for

RATE = 0.045


def test_contingent_liability_is_the_runs_undrawn_cover() -> None:
    pipe = pledgelab.load_pipeline("korea-illustrative")
    res = run(pledgelab.load_deal("korea-counter-2025-10"), pipe)
    assert res.guaranteed is not None
    b = compare_balance_sheets([res], _plan(), discount_rate=RATE)[0]
    assert b.contingent is not None
    g = np.asarray(res.guaranteed)
    assert b.contingent.peak_undrawn == pytest.approx(float(np.max(g)), rel=1e-12)
    assert b.contingent.peak_undrawn > 0
    for i, y in enumerate(b.years):  # December of each year, by the run's month index
        k = (y + 1) * 12 - 1 - res.start
        want = float(g[k]) if 0 <= k < res.months else 0.0
        assert b.contingent.undrawn[i] == pytest.approx(want, rel=1e-12, abs=1e-6)
        paid = sum(-float(np.minimum(ln.values[: k + 1], 0.0).sum()) for ln in res.lines
                   if ln.party == "KR" and ln.kind == "guarantee call") if k >= 0 else 0.0
        assert b.contingent.calls_paid[i] == pytest.approx(paid, rel=1e-12, abs=1e-6)
    assert b.summary()["contingent_peak"] == b.contingent.peak_undrawn


def test_no_guarantee_no_contingent_liability() -> None:
    pipe = pledgelab.load_pipeline("korea-illustrative")
    b = balance_sheet(run(pledgelab.load_deal("us-korea-2025-11"), pipe), _plan(), discount_rate=RATE)
    assert b.contingent is None or not (b.contingent.undrawn.any() or b.contingent.calls_paid.any())
    assert b.summary()["contingent_peak"] == 0.0


def _plan() -> FundingPlan:
    plan = funding_plan_for("KR")
    assert plan is not None
    return plan
