"""The per-period deemed allocation amount and the projected review (engine/_waterfall.py),
checked by hand and against the reference twin (engine/_reference.py)."""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pytest

from builders import pipeline, project, variant
from pledgelab.drivers import Draws
from pledgelab.engine import Shock, make_plan, run_paths, run_reference
from pledgelab.engine._reference import waterfall_plain
from pledgelab.engine._waterfall import WaterfallRule, run_waterfall


def _rule(compounding: str = "monthly", *, end_investor: float = 0.0, horizon: int | None = None,
          reading: str = "realised", interval: int = 12, adjust: list[float] | None = None,
          loss: str = "investor-bears") -> WaterfallRule:
    """Two parties (0 investor, 1 host): 50/50 until the deemed allocation amount, then the end."""
    shares = np.array([[0.5, 0.5], [end_investor, 1.0 - end_investor]])
    hurdles: tuple[str, ...] = ("deemed-allocation-amount", "end")
    if loss == "capital-first":
        shares = np.vstack([[1.0, 0.0], shares])
        hurdles = ("principal", *hurdles)
    return WaterfallRule(parties=("I", "H"), investor=0, host=1, shares=shares, hurdles=hurdles,
                         compounding=compounding, loss_treatment=loss, review_horizon=horizon,
                         adjust_shares=None if adjust is None else np.array(adjust),
                         review_reading=reading, review_interval=interval)


# -- D: the per-period deemed allocation amount, a hand-checked two-year case ---------------------

def _two_year_case() -> tuple[np.ndarray, np.ndarray]:
    """2,400 put in at month 0; cash 100 a month in year 1, 1,000 a month in year 2."""
    contrib = np.zeros(24)
    contrib[0] = 2400.0
    cash = np.array([100.0] * 12 + [1000.0] * 12)
    return contrib, cash


def test_per_period_deemed_amount_by_hand() -> None:
    # 12%/yr = 1% a month. From month 0 (first cash) the 2,400 falls due in 24 instalments of 100;
    # interest is 1% of the principal not yet due: 0.01 * (2400 - 100 t) in month t >= 1.
    # Year 1: due 1,200 + interest 0.01 * (11 * 2400 - 100 * 66) = 198, received 12 * 50 = 600,
    # so 798 is carried into month 12 (no interest on it).
    # Month 12: due 798 + 100 + 12 = 910 > 500 (half of 1,000): the investor gets 500, 410 carried.
    # Month 13: due 410 + 100 + 11 = 521 > 500: 500 again, 21 carried.
    # Month 14: due 21 + 100 + 10 = 131: the investor gets 131, the host 131 + 738.
    # Months 15-23: due 100 + 0.01 * (2400 - 100 t), received in full; their sum is
    # 900 + 0.01 * (9 * 2400 - 100 * 171) = 945.
    # Investor in all: 600 + 500 + 500 + 131 + 945 = 2,676 = 2,400 + total interest 276
    # (0.01 * (23 * 2400 - 100 * 276)); the host gets the rest of 13,200: 10,524.
    contrib, cash = _two_year_case()
    for run in (run_waterfall, waterfall_plain):
        wf = run(_rule("per-period"), contrib[None, :], cash[None, :], 0.12, 23)
        inv, host = wf.paid[0, :, 0], wf.paid[0, :, 1]
        assert np.allclose(inv[:12], 50.0)
        assert inv[12] == pytest.approx(500.0)
        assert inv[13] == pytest.approx(500.0)
        assert inv[14] == pytest.approx(131.0)
        assert host[14] == pytest.approx(131.0 + 738.0)
        assert inv[15] == pytest.approx(100.0 + 0.01 * (2400 - 1500))
        assert inv[15:].sum() == pytest.approx(945.0)
        assert inv.sum() == pytest.approx(2676.0)
        assert host.sum() == pytest.approx(10524.0)
        assert int(wf.recovered[0]) == 23  # the last instalment falls due in the last month
        assert wf.balance is not None and wf.balance[0, 11] == pytest.approx(2400 - 1200 + 798)


def test_per_period_switches_tier_month_by_month_unlike_compounding() -> None:
    # Same case under the shipped convention (monthly compounding on the unrecovered balance): the
    # investor takes half of every month until 2,400 plus interest is back, so it receives more
    # early and the 0/100 tier starts only once, later. The per-period reading pays the host from
    # month 14 on.
    contrib, cash = _two_year_case()
    per = run_waterfall(_rule("per-period"), contrib[None, :], cash[None, :], 0.12, 23)
    comp = run_waterfall(_rule("monthly"), contrib[None, :], cash[None, :], 0.12, 23)
    assert per.paid[0, 14, 1] > per.paid[0, 14, 0]  # the split moved to the end tier in month 14
    assert comp.paid[0, 14, 0] == pytest.approx(500.0)  # still 50/50 under compounding
    assert per.paid[0, :, 0].sum() < comp.paid[0, :, 0].sum()


def test_per_period_receipts_in_the_end_tier_count_against_later_dues() -> None:
    # With 10% to the investor in the end tier, what it gets beyond a month's due is a credit:
    # month 0 (cash 1,000, due 100): 50/50 on 200, then 10% of 800 = 80 ahead; month 1's due
    # (100 + 0.01 * 2300 = 123) is 80 paid already, so the 50/50 tier needs only 2 * 43 = 86.
    contrib = np.zeros(24)
    contrib[0] = 2400.0
    cash = np.full(24, 1000.0)
    for run in (run_waterfall, waterfall_plain):
        wf = run(_rule("per-period", end_investor=0.1), contrib[None, :], cash[None, :], 0.12, 23)
        assert wf.by_tier is not None
        assert wf.by_tier[0, 0, 0, 0] == pytest.approx(100.0)
        assert wf.by_tier[0, 0, 1, 0] == pytest.approx(80.0)
        assert wf.by_tier[0, 1, 0, 0] == pytest.approx(43.0)


# -- C: the review clause read as a projection ---------------------------------------------------

def _review_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """1,000 put in at month 0, no interest; realised cash 2,000 in month 18 (before the 24-month
    horizon), while the outlook at review time expected it only in month 30."""
    contrib = np.zeros(36)
    contrib[0] = 1000.0
    cash = np.zeros(36)
    cash[18] = 2000.0
    outlook = np.zeros(36)
    outlook[30] = 2000.0
    return contrib, cash, outlook


def test_projected_and_realised_review_differ() -> None:
    contrib, cash, outlook = _review_case()
    for run in (run_waterfall, waterfall_plain):
        # realised: the 1,000 was back in month 18 (half of 2,000), so nothing triggers at month 24
        real = run(_rule(horizon=24), contrib[None, :], cash[None, :], 0.0, 35)
        assert not real.review_triggered[0] and int(real.review_month[0]) == 24
        # projected at month 12 on the outlook: nothing before month 30, so it is evident that the
        # 1,000 will not be back by month 24: triggers at the first yearly test
        proj = run(_rule(horizon=24, reading="projected"), contrib[None, :], cash[None, :], 0.0, 35,
                   outlook=outlook[None, :])
        assert proj.review_triggered[0] and int(proj.review_month[0]) == 12
        # projected on the realised cash (perfect foresight): the same verdict as realised
        seen = run(_rule(horizon=24, reading="projected"), contrib[None, :], cash[None, :], 0.0, 35)
        assert not seen.review_triggered[0] and int(seen.review_month[0]) == 24


def test_a_projected_trigger_moves_the_shares_earlier() -> None:
    # adjust-shares (75/25 before recovery), 10% to the investor after it. Projected triggers at
    # month 12, so month 18's 2,000 runs 75/25 until the investor has its 1,000 (1,333.33 of cash),
    # then 10/90: the investor gets 1,000 + 0.1 * 666.67 = 1,066.67. Realised never triggers:
    # 50/50 takes the whole 2,000 and the investor gets 1,000.
    contrib, cash, outlook = _review_case()
    for run in (run_waterfall, waterfall_plain):
        proj = run(_rule(horizon=24, reading="projected", adjust=[0.75, 0.25], end_investor=0.1),
                   contrib[None, :], cash[None, :], 0.0, 35, outlook=outlook[None, :])
        real = run(_rule(horizon=24, adjust=[0.75, 0.25], end_investor=0.1), contrib[None, :],
                   cash[None, :], 0.0, 35)
        assert proj.paid[0, 18, 0] == pytest.approx(1000.0 + 0.1 * (2000.0 - 1000.0 / 0.75))
        assert real.paid[0, 18, 0] == pytest.approx(1000.0)
    # a case where both trigger: cash 10 a month never recovers 1,000 by month 24; the projection
    # sees it at the first test, the realised reading only at the horizon
    cash2 = np.full(36, 10.0)
    real = run_waterfall(_rule(horizon=24), contrib[None, :], cash2[None, :], 0.0, 35)
    proj = run_waterfall(_rule(horizon=24, reading="projected"), contrib[None, :], cash2[None, :], 0.0, 35)
    assert real.review_triggered[0] and int(real.review_month[0]) == 24
    assert proj.review_triggered[0] and int(proj.review_month[0]) == 12


# -- the compiled loop equals the plain twin on random rows ----------------------------------------

@pytest.mark.parametrize("compounding", ["monthly", "annual-effective", "simple", "per-period"])
@pytest.mark.parametrize("reading", ["realised", "projected"])
def test_compiled_waterfall_equals_plain_twin(compounding: str, reading: str) -> None:
    rng = np.random.default_rng(zlib.crc32(f"{compounding}|{reading}".encode()))  # the same cases every run
    for _ in range(40):
        n = int(rng.integers(30, 200))
        contrib = np.where(rng.uniform(size=n) < 0.1, rng.uniform(0, 1e9, n), 0.0)
        contrib[int(rng.integers(0, 10))] += 5e8
        cash = np.where(rng.uniform(size=n) < 0.7, rng.uniform(0, 2e8, n), 0.0)
        outlook = cash * rng.uniform(0.0, 2.0) if rng.uniform() < 0.5 else None
        rates = np.maximum(0.05 + np.cumsum(rng.normal(0, 0.002, n)), 0.0)
        rule = _rule(compounding, end_investor=float(rng.choice([0.0, 0.1])),
                     horizon=int(rng.integers(6, 60)), reading=reading,
                     interval=int(rng.integers(1, 24)),
                     adjust=[0.75, 0.25] if rng.uniform() < 0.5 else None,
                     loss=str(rng.choice(["investor-bears", "capital-first", "host-clawback"])))
        final = int(rng.integers(n // 2, n))
        kw = {} if outlook is None else {"outlook": outlook[None, :]}
        a = run_waterfall(rule, contrib[None, :], cash[None, :], rates[None, :], final, **kw)
        b = waterfall_plain(rule, contrib[None, :], cash[None, :], rates, final, **kw)
        assert a.by_tier is not None and b.by_tier is not None
        scale = max(contrib.sum(), 1.0)
        assert np.all(np.abs(a.by_tier - b.by_tier) <= 1e-9 * scale)
        assert np.all(np.abs(a.clawback - b.clawback) <= 1e-9 * scale)
        assert np.all(np.abs(a.balance - b.balance) <= 1e-9 * scale)
        assert a.recovered[0] == b.recovered[0]
        assert a.review_month[0] == b.review_month[0]
        assert a.review_triggered[0] == b.review_triggered[0]


# -- the kernel equals the reference twin on whole runs with the new conventions -------------------

@pytest.mark.parametrize("changes", [
    {"distribution.deemed_compounding": "per-period"},
    {"distribution.deemed_compounding": "per-period", "distribution.application": "pooled"},
    {"distribution.review_reading": "projected", "distribution.review_interval": 12,
     "distribution.review_action": "adjust-shares"},
    {"distribution.review_reading": "projected", "distribution.review_interval": 7,
     "distribution.review_horizon": 36, "distribution.review_action": "adjust-shares",
     "distribution.deemed_compounding": "per-period"},
])
def test_kernel_equals_reference_with_the_new_conventions(changes: dict) -> None:
    deal = variant("us-korea-2025-11", changes)
    pipe = pipeline(*[project(f"p{i}", capex=c, notice=dt.date(2026, 3 + i, 2), build_months=b,
                              operating_yield=y, life_years=life, ramp_months=6)
                      for i, (c, b, y, life) in enumerate([(4e9, 12, 0.03, 25), (8e9, 24, 0.15, 20),
                                                          (2e9, 6, 0.08, 12)])])
    plan = make_plan(deal, pipe, extra_months=400)
    rng = np.random.default_rng(7)
    paths, n = 4, len(plan.order)
    draws = Draws(benchmark=np.maximum(0.04 + np.cumsum(rng.normal(0, 0.002, (paths, plan.months)),
                                                        axis=1), 0.0), fx={},
                  capex_factor=rng.lognormal(0.05, 0.2, (paths, n)),
                  yield_factor=rng.lognormal(0.0, 0.4, (paths, n)),
                  delay=rng.poisson(4.0, (paths, n)).astype(np.int64),
                  abandon_at=np.full((paths, n), -1, dtype=np.int64), recovery=np.zeros((paths, n)))
    flows = run_paths(plan, draws)
    scale = 14e9
    for p in range(paths):
        shocks = {pid: Shock(delay=int(draws.delay[p, j]), capex_factor=float(draws.capex_factor[p, j]),
                             yield_factor=float(draws.yield_factor[p, j]))
                  for j, pid in enumerate(plan.order)}
        ref = run_reference(deal, pipe, shocks=shocks, benchmark=draws.benchmark[p])
        for party in deal.parties:
            got, want = flows.net(party)[p], ref.net(party)
            assert np.all(np.abs(got[: ref.months] - want) <= 1e-9 * scale), (party, p)
            assert np.all(np.abs(got[ref.months:]) <= 1e-9 * scale)
