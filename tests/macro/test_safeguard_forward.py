"""The FX safeguard's forward reading in the engine (issue 18): the indicator is the rate weakened by
the demand already paid over the window **and** by the demand of the calls scheduled over the next
``forward_months`` (the annual cap pro rata, on the demand basis), as the replay's forward reading.

Independent checks: the forward demand by hand from the cap, the months and the funding plan's
market segments; on the plan's exchange-rate path the forward indicator is the level one times
exp(impact x F) in every month before the first request (the same calls, the same backward
demand); a crossing only the forward reading sees brings the request; the CLI and the API refuse
the option without the safeguard."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from pledgelab.engine import FxRule, run
from pledgelab.macro.funding import load_funding
from pledgelab.macro.safeguard import load_safeguard, market_segments
from pledgelab.pipeline import load_pipeline
from pledgelab.terms import load_deal

DEAL = "us-korea-2025-11"


def test_forward_demand_by_hand() -> None:
    sg, deal = load_safeguard("korea-2025"), load_deal(DEAL)
    cap = float(deal.value("timeline.annual_cap"))
    months = int(sg.forward_months.value) if sg.forward_months is not None else 0
    ahead = cap * months / 12
    rule = sg.rule(deal, reading="forward")
    assert rule.reading == "forward"
    if sg.demand_basis.value == "market-purchases":
        before, caps = market_segments(load_funding(sg.funding))
        want = sum(min(max(ahead - b, 0.0), c) for b, c in zip(before, caps, strict=True))
    else:
        want = ahead
    assert rule.forward == pytest.approx(want, rel=1e-12)
    # every dollar counted: the cap pro rata
    every = dataclasses.replace(sg, demand_basis=sg.demand_basis.with_value("investor-calls", note="t"))
    assert every.rule(deal, reading="forward").forward == pytest.approx(ahead, rel=1e-12)
    # the level reading adds nothing
    assert sg.rule(deal, reading="level").forward == 0.0


def _rules(threshold: float, impact_per_usd: float, forward: float) -> tuple[FxRule, FxRule]:
    level = FxRule(currency="KRW", threshold=threshold, impact=impact_per_usd, window=12, max_deferral=6,
                   acceptance=1.0, requests=True)
    return level, dataclasses.replace(level, reading="forward", forward=forward)


def test_forward_indicator_is_the_level_one_times_the_scheduled_pressure() -> None:
    deal, pipe = load_deal(DEAL), load_pipeline("korea-illustrative")
    impact, f = 0.001 / 1e9, 20e9
    level_rule, fwd_rule = _rules(1e9, impact, f)  # a threshold never reached: no request either way
    a = run(deal, pipe, fx_rule=level_rule, fx_accepted=True)
    b = run(deal, pipe, fx_rule=fwd_rule, fx_accepted=True)
    assert a.fx is not None and b.fx is not None
    pa, pb = a.fx.pressure[0], b.fx.pressure[0]
    both = np.isfinite(pa) & np.isfinite(pb)
    assert both.sum() > 12
    np.testing.assert_allclose(pb[both] / pa[both], math.exp(impact * f), rtol=1e-12)
    assert not np.any(b.fx.requests)


def test_a_crossing_only_the_forward_reading_sees_brings_a_request() -> None:
    deal, pipe = load_deal(DEAL), load_pipeline("korea-illustrative")
    probe = run(deal, pipe, fx_rule=_rules(1e9, 0.0, 0.0)[0], fx_accepted=True)
    assert probe.fx is not None
    watched = np.isfinite(probe.fx.pressure[0])
    top = float(np.nanmax(probe.fx.pressure[0]))  # the plan's highest rate while calls remain
    impact, f = 0.001 / 1e9, 20e9  # exp(0.02): the forward indicator 2% above the rate
    level_rule, fwd_rule = _rules(top * 1.01, impact * 1e-6, f * 1e6)  # backward demand negligible
    a = run(deal, pipe, fx_rule=level_rule, fx_accepted=True)
    b = run(deal, pipe, fx_rule=fwd_rule, fx_accepted=True)
    assert a.fx is not None and b.fx is not None
    assert not np.any(a.fx.requests)
    first = int(np.flatnonzero(b.fx.requests[0])[0])
    # the first month the forward indicator is above the threshold, watched while calls remain
    lvl = probe.fx.level[0]
    expected = int(np.flatnonzero(watched & (lvl * math.exp(impact * f) > top * 1.01))[0])
    assert first == expected
    assert b.fx.deferred[0].any()


def test_the_option_needs_the_safeguard() -> None:
    from pledgelab.cli import main

    assert main(["simulate", DEAL, "--paths", "10", "--fx-reading", "forward"]) == 2
