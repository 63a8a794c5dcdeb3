"""The projected review in Monte Carlo reads the plan's outlook, not the path's own future cash
(engine/_kernel.py ``_review_outlooks``, engine/_waterfall.py ``outlook``), checked by hand and
against the reference twin (engine/_reference.py), which moves the plan's cash on its own."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from builders import pipeline, project, variant
from pledgelab.drivers import Draws
from pledgelab.engine import Shock, make_plan, no_shocks, run_paths, run_reference
from pledgelab.engine._reference import waterfall_plain
from pledgelab.engine._waterfall import WaterfallRule, run_waterfall


def _rule() -> WaterfallRule:
    """Investor 0, host 1: 50/50 until the deemed allocation amount, then 10/90; a projected
    review every 12 months, 24 months after the first contribution."""
    return WaterfallRule(parties=("I", "H"), investor=0, host=1,
                         shares=np.array([[0.5, 0.5], [0.1, 0.9]]),
                         hurdles=("deemed-allocation-amount", "end"), compounding="monthly",
                         loss_treatment="investor-bears", review_horizon=24, adjust_shares=None,
                         review_reading="projected", review_interval=12)


def test_a_path_short_of_the_plan_is_reviewed_on_the_plan_by_hand() -> None:
    # 100 put in at month 0, no deemed interest; the plan pays 20 a month from month 1, the path 4.
    contrib = np.zeros(40)
    contrib[0] = 100.0
    path = np.where(np.arange(40) >= 1, 4.0, 0.0)
    plan = np.where(np.arange(40) >= 1, 20.0, 0.0)
    # Test at month 12: the investor has had 0.5 x 4 x 11 = 22, so 78 is owed.
    #   On the plan, months 12..23 give it 0.5 x 20 x 12 = 120 >= 78: not evident; no trigger.
    #   On its own cash (perfect foresight) 0.5 x 4 x 12 = 24 < 78: evident at month 12.
    # At month 24 (the horizon, a realised test) 100 - 0.5 x 4 x 23 = 54 is owed: it triggers.
    for run in (run_waterfall, waterfall_plain):
        on_plan = run(_rule(), contrib[None, :], path[None, :], 0.0, 39, outlook=plan[None, :])
        own = run(_rule(), contrib[None, :], path[None, :], 0.0, 39)
        assert (on_plan.review_month[0], bool(on_plan.review_triggered[0])) == (24, True)
        assert (own.review_month[0], bool(own.review_triggered[0])) == (12, True)


def test_a_path_ahead_of_the_plan_is_not_spared_by_its_own_future() -> None:
    # The plan pays 2 a month, the path 20: the path has had 0.5 x 20 x 10 = 100 by month 10, so it
    # has recovered before the first test (month 12): a recovered balance has nothing to project,
    # and the plan's poor outlook does not trigger the review; the horizon test (24) finds it paid.
    contrib = np.zeros(40)
    contrib[0] = 100.0
    path = np.where(np.arange(40) >= 1, 20.0, 0.0)
    plan = np.where(np.arange(40) >= 1, 2.0, 0.0)
    for run in (run_waterfall, waterfall_plain):
        wf = run(_rule(), contrib[None, :], path[None, :], 0.0, 39, outlook=plan[None, :])
        assert (wf.review_month[0], bool(wf.review_triggered[0])) == (24, False)
        assert wf.recovered[0] == 10  # 0.5 x 20 x 10 = 100 at month 10


def _case(changes: dict[str, object]):  # type: ignore[no-untyped-def]
    deal = variant("us-korea-2025-11", {"distribution.review_reading": "projected",
                                        "distribution.review_action": "adjust-shares", **changes})
    pipe = pipeline(*[project(f"p{i}", capex=c, notice=dt.date(2026, 3 + i, 2), build_months=b,
                              operating_yield=y, life_years=life, ramp_months=6)
                      for i, (c, b, y, life) in enumerate([(4e9, 12, 0.20, 25), (8e9, 24, 0.25, 20),
                                                          (2e9, 6, 0.30, 12)])])
    return deal, pipe


@pytest.mark.parametrize("changes", [
    {},
    {"distribution.review_interval": 7, "distribution.review_horizon": 96},
    {"distribution.application": "pooled", "distribution.review_horizon": 120},
    {"distribution.deemed_compounding": "per-period", "distribution.review_horizon": 120},
])
def test_kernel_equals_reference_twin_with_the_plans_outlook(changes: dict[str, object]) -> None:
    deal, pipe = _case(changes)
    plan = make_plan(deal, pipe, extra_months=400)
    rng = np.random.default_rng(11)
    paths, n = 6, len(plan.order)
    draws = Draws(benchmark=np.maximum(0.04 + np.cumsum(rng.normal(0, 0.002, (paths, plan.months)),
                                                        axis=1), 0.0), fx={},
                  capex_factor=rng.lognormal(0.05, 0.2, (paths, n)),
                  yield_factor=rng.lognormal(-0.3, 0.5, (paths, n)),  # most paths short of the plan
                  delay=rng.poisson(15.0, (paths, n)).astype(np.int64),
                  abandon_at=np.where(rng.uniform(size=(paths, n)) < 0.15,
                                      rng.integers(0, 12, (paths, n)), -1).astype(np.int64),
                  recovery=rng.uniform(0, 0.5, (paths, n)))
    flows = run_paths(plan, draws)
    scale = 14e9
    for p in range(paths):
        shocks = {pid: Shock(delay=int(draws.delay[p, j]), capex_factor=float(draws.capex_factor[p, j]),
                             yield_factor=float(draws.yield_factor[p, j]),
                             abandon_at=int(draws.abandon_at[p, j]), recovery=float(draws.recovery[p, j]))
                  for j, pid in enumerate(plan.order)}
        ref = run_reference(deal, pipe, shocks=shocks, benchmark=draws.benchmark[p])
        for party in deal.parties:
            got, want = flows.net(party)[p], ref.net(party)
            assert np.all(np.abs(got[: ref.months] - want) <= 1e-9 * scale), (party, p)
            assert np.all(np.abs(got[ref.months:]) <= 1e-9 * scale)
        trig = [bool(w.review_triggered[0]) for w in ref.waterfalls.values()]
        assert list(flows.review_triggered[p]) == trig


def test_short_paths_trigger_later_on_the_plan_than_with_foresight() -> None:
    # the same deal, paths that realise a fraction of the plan's cash (some late): with foresight
    # the review sees the shortfall at an early test; on the plan's outlook only when the cash so far
    # cannot be made up by the plan's (or at the horizon). The kernel follows the plan's outlook.
    deal, pipe = _case({})
    plan = make_plan(deal, pipe, extra_months=400)
    n = len(plan.order)
    yields, delays = [0.3, 0.5, 0.7, 0.3], [0, 0, 24, 36]
    draws = no_shocks(plan, paths=4)
    draws.yield_factor[:] = np.array(yields)[:, None]
    draws.delay[:] = np.array(delays)[:, None]
    flows = run_paths(plan, draws)
    later = 0
    for p in range(4):
        shocks = {pid: Shock(delay=delays[p], yield_factor=yields[p]) for pid in plan.order}
        ref = run_reference(deal, pipe, shocks=shocks)
        own = run_reference(deal, pipe, shocks=shocks, review_outlook="own")
        for a, b in zip(ref.waterfalls.values(), own.waterfalls.values(), strict=True):
            assert a.review_month[0] >= b.review_month[0]  # foresight never sees it later
            later += int(a.review_month[0] > b.review_month[0])
        trig = [bool(w.review_triggered[0]) for w in ref.waterfalls.values()]
        assert list(flows.review_triggered[p]) == trig
        for party in deal.parties:
            assert np.all(np.abs(flows.net(party)[p][: ref.months] - ref.net(party)) <= 1e-9 * 14e9)
    assert later > 0
    assert n == 3


@pytest.mark.parametrize("changes", [{}, {"distribution.application": "pooled"}])
def test_zero_volatility_is_the_deterministic_run(changes: dict[str, object]) -> None:
    deal, pipe = _case(changes)
    plan = make_plan(deal, pipe, extra_months=400)
    flows = run_paths(plan, no_shocks(plan, paths=3))
    ref = run_reference(deal, pipe, review_outlook="own")  # the plan: its outlook is its own cash
    for party in deal.parties:
        for p in range(3):
            got = flows.net(party)[p]
            assert np.all(np.abs(got[: ref.months] - ref.net(party)) <= 1e-9 * 14e9)
    trig = [bool(w.review_triggered[0]) for w in ref.waterfalls.values()]
    assert all(list(flows.review_triggered[p]) == trig for p in range(3))


@pytest.mark.parametrize("compounding", ["monthly", "annual-effective", "simple", "per-period"])
def test_the_projections_early_answers_equal_the_plain_twins_full_run(compounding: str) -> None:
    # outlooks scaled around the point where the projection just recovers or just falls short, so
    # that the compiled loop's early answers (sure shortfall, sure recovery, recovered exactly) are
    # taken near their margins; the plain twin always runs the projection to the deadline
    rng = np.random.default_rng(["monthly", "annual-effective", "simple", "per-period"].index(compounding))
    verdicts = set()
    for _ in range(60):
        n = int(rng.integers(80, 260))
        contrib = np.zeros(n)
        contrib[int(rng.integers(0, 6))] = 1e9
        cash = np.where(np.arange(n) > int(rng.integers(6, 30)), rng.uniform(2e7, 5e7, n), 0.0)
        outlook = cash * rng.uniform(0.5, 3.0)
        rates = np.full(n, float(rng.choice([0.0, 0.03, 0.06])))
        rule = WaterfallRule(parties=("I", "H"), investor=0, host=1,
                             shares=np.array([[0.5, 0.5], [0.1, 0.9]]),
                             hurdles=("deemed-allocation-amount", "end"), compounding=compounding,
                             loss_treatment="investor-bears", review_horizon=int(rng.integers(40, n)),
                             adjust_shares=None, review_reading="projected",
                             review_interval=int(rng.integers(1, 13)))
        final = int(rng.integers(30, n))  # per-period: principal falls due by this month
        a = run_waterfall(rule, contrib[None, :], cash[None, :], rates[None, :], final,
                          outlook=outlook[None, :])
        b = waterfall_plain(rule, contrib[None, :], cash[None, :], rates, final, outlook=outlook[None, :])
        assert (a.review_month[0], a.review_triggered[0]) == (b.review_month[0], b.review_triggered[0])
        assert a.by_tier is not None and b.by_tier is not None
        assert np.all(np.abs(a.by_tier - b.by_tier) <= 1e-9 * 1e9)
        verdicts.add(bool(b.review_triggered[0]))
    assert verdicts == {True, False}  # both answers are taken
