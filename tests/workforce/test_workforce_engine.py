"""The workforce in the engine's cash flows: a stop costs, never pays (issue 19, item 6).

A stop at any build month, of any length, with or without lateness after
completion, never raises any party's NPV once standby and remobilisation are
paid (data/workforce/costs.yaml, shipped rates): the stop defers no committed
call, moves operations later and adds cost. The check runs the engine itself
(one path, the zero drivers) with and without the shock; the expected sign is
the property, not a number from the code under test.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import pledgelab
from pledgelab.analysis import WorkforceShocks
from pledgelab.drivers import draw, load_drivers
from pledgelab.engine import Plan, make_plan, run_paths
from pledgelab.metrics import default_discount_rate


@cache
def _setup() -> tuple[Plan, WorkforceShocks, object, np.ndarray]:
    deal = pledgelab.load_deal("us-korea-2025-11")
    plan = make_plan(deal, pledgelab.load_pipeline("korea-illustrative"))
    shocks = WorkforceShocks.for_plan(plan, "post-raid-2025")
    base = draw(load_drivers("zero"), archetypes=plan.archetypes, build_months=plan.build_months,
                months=plan.months, paths=slice(0, 1), seed=0,
                benchmark_start=float(deal.value("distribution.deemed_benchmark")), safeguard=False)
    disc = np.power(1.0 + default_discount_rate(deal), -np.arange(plan.months) / 12.0)
    return plan, shocks, base, disc


def _npv(plan: Plan, draws: object, disc: np.ndarray) -> np.ndarray:
    flows = run_paths(plan, draws)  # type: ignore[arg-type]
    return np.array([((flows.paid[i] + flows.got[i]) * disc).sum() for i in range(len(flows.parties))])


@settings(max_examples=30, deadline=None)
@given(site=st.integers(0, 40), stop=st.floats(0.05, 14.0), after=st.floats(0.0, 6.0),
       at=st.integers(0, 120), u=st.floats(0.0, 0.999), shut=st.booleans())
def test_a_stop_at_any_month_never_raises_any_party_s_npv(site: int, stop: float, after: float, at: int,
                                                         u: float, shut: bool) -> None:
    plan, shocks, base, disc = _setup()
    i = site % len(shocks.sites)
    n = len(plan.order)
    build = np.zeros((1, len(shocks.sites)))
    build[0, i] = stop
    total = build.copy()
    total[0, i] += after
    calls = len(next(ps for ps in plan.financed if ps.project.id == shocks.sites[i].id).calls)
    wf = shocks.convert(build=build, total=total, rounding=np.full_like(build, u),
                        stopped=np.full(build.shape, shut), projects=n,
                        stop_at=np.full((1, len(shocks.sites)), at % calls))
    assert wf.capex_factor[0, shocks.columns[i]] > 1.0  # the stop costs standby and remobilisation
    shocked = dataclasses.replace(base, pause_at=wf.pause_at, pause=wf.pause, startup=wf.startup,  # type: ignore[type-var]
                                  capex_factor=base.capex_factor * wf.capex_factor,  # type: ignore[attr-defined]
                                  yield_factor=base.yield_factor * wf.yield_factor)  # type: ignore[attr-defined]
    before, after_npv = _npv(plan, base, disc), _npv(plan, shocked, disc)
    assert (after_npv <= before + 1e-6 * np.abs(before).max()).all(), (before, after_npv)


def test_the_calendar_is_the_engine_s_cap_stretched_schedule() -> None:
    plan, shocks, _, _ = _setup()
    by_id = {ps.project.id: ps for ps in plan.financed}
    for site in shocks.sites:
        months = sorted(by_id[site.id].calls)
        assert site.start_month == months[0]
        assert site.completion == months[-1] + 1  # operations start the month after the last call


def test_without_the_costs_a_stop_that_defers_calls_can_pay() -> None:
    """Why the costs file reads as it does: with calls deferred and no standby (the earlier reading),
    a three-month stop at build month 0 at every site raised Korea's NPV (a negative-NPV stream
    postponed); with the shipped costs the same stop lowers every party's."""
    plan, shocks, base, disc = _setup()
    c = shocks.costs
    old = dataclasses.replace(c, clauses={
        **c.clauses,
        "committed_calls": c.clauses["committed_calls"].with_value("none", note="test: the earlier reading"),
        "standby_share": c.clauses["standby_share"].with_value(0.0, note="test: no standby"),
        "remobilisation_months": c.clauses["remobilisation_months"].with_value(0.0, note="test: none")})
    s, n = len(shocks.sites), len(plan.order)
    build = np.full((1, s), 3.0)
    before = _npv(plan, base, disc)
    changes = []
    for costs in (old, c):
        wf = dataclasses.replace(shocks, costs=costs).convert(
            build=build, total=build, rounding=np.zeros((1, s)), stopped=np.ones((1, s), dtype=bool),
            projects=n, stop_at=np.zeros((1, s), dtype=np.int64))
        d = dataclasses.replace(base, pause_at=wf.pause_at, pause=wf.pause, startup=wf.startup,  # type: ignore[type-var]
                                capex_factor=base.capex_factor * wf.capex_factor,  # type: ignore[attr-defined]
                                yield_factor=base.yield_factor * wf.yield_factor)  # type: ignore[attr-defined]
        changes.append(_npv(plan, d, disc) - before)
    assert (changes[0] > 0).any()  # the artefact: some party gains from a stop
    assert (changes[1] < 0).all()
