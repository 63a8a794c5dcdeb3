"""The FX safeguard's forward reading and the renegotiated end of a deferral in the engine (issue 18).

The forward indicator is the rate weakened by
the demand already paid over the window **and** by the demand of the calls scheduled over the next
``forward_months`` (the annual cap pro rata, on the demand basis), as the replay's forward reading.

Independent checks: the forward demand by hand from the cap, the months and the funding plan's
market segments; on the plan's exchange-rate path the forward indicator is the level one times
exp(impact x F) in every month before the first request (the same calls, the same backward
demand); a crossing only the forward reading sees brings the request; the CLI and the API refuse
the option without the safeguard. The renegotiated end (deferred calls cut by agreement, the projects
they held abandoned) is checked by hand on the one-project case of test_safeguard.py, in the scalar
schedule and the kernel."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest

from builders import pipeline, project, variant
from pledgelab.engine import ACCEPTED, FxPath, FxRule, build_schedule, make_plan, no_shocks, run, run_paths
from pledgelab.macro.funding import load_funding
from pledgelab.macro.safeguard import load_safeguard, market_segments
from pledgelab.pipeline import Pipeline, load_pipeline
from pledgelab.terms import TermSheet, load_deal

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


def _one_project(end: str) -> tuple[FxRule, TermSheet, Pipeline]:
    rule = FxRule(currency="KRW", threshold=1500.0, impact=0.004 / 1e9, window=12, max_deferral=3,
                  acceptance=1.0, requests=True, end_treatment=end)
    return rule, variant("us-korea-2025-11"), pipeline(project("p", capex=3e9, notice=dt.date(2026, 1, 5),
                                                                build_months=3))


def test_renegotiated_end_cuts_the_deferred_call_by_hand() -> None:
    # As the paid case of test_safeguard.py: $1B paid in months 0 and 1; deferred from month 2 (1,490
    # e^0.008 > 1,500), renewed at 5, 8 and 11; in month 13 month 0's $1B has left the window, the
    # deferral ends. Paid, the last $1B is paid in month 13; renegotiated, it is cut: the project is
    # abandoned in month 13 and the investor has paid $2B.
    rule, deal, pipe = _one_project("renegotiated")
    first = min(build_schedule(deal, pipe).financed()[0].calls)
    path = FxPath(rule=rule, start=first, level=np.full(60, 1490.0), accept=np.full(60, True))
    sched = build_schedule(deal, pipe, fx=path)
    ps = sched.financed()[0]
    assert {m - first: v for m, v in ps.calls.items()} == {0: 1e9, 1: 1e9}
    assert ps.abandoned == first + 13
    assert {m - first: c for m, c in sched.fx_requests.items()} == {k: ACCEPTED for k in (2, 5, 8, 11)}
    assert any("cut by agreement" in e.text for e in sched.events)
    # the kernel, the same case
    plan = make_plan(deal, pipe, extra_months=24, fx_rule=rule)
    draws = dataclasses.replace(no_shocks(plan, paths=1), fx={"KRW": np.full((1, plan.months), 1490.0)},
                                safeguard_u=np.zeros((1, plan.months)))
    flows = run_paths(plan, draws)
    kr = list(deal.parties).index("KR")
    paid = -np.minimum(flows.paid[kr, 0], 0.0)
    start = plan.start
    assert np.flatnonzero(paid[: first - start + 13]).tolist() == [first - start, first - start + 1]
    assert paid.sum() == pytest.approx(2e9)


def test_the_file_refuses_the_end_it_does_not_model() -> None:
    sg, deal = load_safeguard("korea-2025"), load_deal(DEAL)
    assert sg.with_end_treatment("renegotiated").rule(deal).end_treatment == "renegotiated"
    paid = sg.with_end_treatment("paid").end_treatment
    assert paid is not None
    forfeited = dataclasses.replace(sg, end_treatment=paid.with_value("forfeited", note="t"))
    with pytest.raises(ValueError, match="not modelled"):
        forfeited.rule(deal)
