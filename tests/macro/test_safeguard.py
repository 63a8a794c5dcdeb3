"""The FX safeguard: the data file, the rule checked by hand, defers only when crossed, zero impact
leaves the currency path unchanged, the sweep, Monte Carlo, and malformed files rejected."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import pipeline, project, variant
from pledgelab import InputError, load_deal, load_pipeline, run, simulate
from pledgelab.engine import (
    ACCEPTED,
    REFUSED,
    FxPath,
    FxRule,
    build_schedule,
    make_plan,
    no_shocks,
    run_paths,
)
from pledgelab.macro import FundingPlan, load_funding
from pledgelab.macro.safeguard import (
    load_safeguard,
    market_segments,
    pressure_by_year,
    read_safeguard,
    safeguard_for,
    sweep,
)
from pledgelab.report import simulation_summary

KOREA = "us-korea-2025-11"


def _rule(**kw: object) -> FxRule:
    base: dict[str, object] = dict(currency="KRW", threshold=1500.0, impact=0.004 / 1e9, window=12,
                                   max_deferral=3, acceptance=0.5, requests=True)
    base.update(kw)
    return FxRule(**base)  # type: ignore[arg-type]


# -- the shipped file --------------------------------------------------------------------------------

def test_the_shipped_safeguard_is_korea_s_and_every_number_is_labelled() -> None:
    sg = load_safeguard("korea-2025")
    assert safeguard_for("KR") == sg and safeguard_for("JP") is None
    assert (sg.investor, sg.currency, sg.funding) == ("KR", "KRW", "korea-special-act-2026")
    assert float(sg.threshold.value) == 1500.0
    assert sg.sweep() == (0.0, 0.0009, 0.001, 0.0011, 0.002, 0.005)
    # the impact's basis: IMF WP 15/130, 1.7-2.0% per 1% of GDP, on Korea's 2024 GDP of $1.868T
    lo, hi = 0.017 / (0.01 * 1868), 0.020 / (0.01 * 1868)  # log-points per $1B (small moves)
    assert lo < float(sg.impact.value) < hi
    assert [float(a.value) for a in sg.impact.alternatives][1:3] == [round(lo, 4), round(hi, 4)]
    assert any("15/130" in r.title for r in sg.impact.references)
    assert sg.demand_basis.value == "market-purchases" and sg.total_cap == 24
    for c in sg.clauses():  # nothing in the record fixes these: all assumed, with alternatives
        assert c.status.value == "assumed" and c.reason and c.alternatives, c.path
    rule = sg.rule(load_deal(KOREA))
    assert rule.requests and rule.impact == pytest.approx(1e-12)
    assert (rule.window, rule.max_deferral, rule.acceptance, rule.max_total_deferral) == (24, 12, 0.5, 24)
    assert not sg.rule(load_deal("us-ask-2025-09")).requests  # no clause: pressure reported only
    with pytest.raises(ValueError, match="investor KR"):
        sg.rule(load_deal("us-japan-2025-09"))


def test_market_purchases_under_the_government_plan_are_none_and_a_market_source_is_a_segment() -> None:
    assert market_segments(load_funding("korea-mof-2025")) == ((), ())
    plan = load_funding("korea-mof-2025")
    income, bonds = plan.sources
    market = dataclasses.replace(bonds, id="market", kind="market-purchase")
    custom = dataclasses.replace(plan, sources=(income, market))
    assert market_segments(custom) == ((15e9,), (math.inf,))
    sg = load_safeguard("korea-2025")
    basis = dataclasses.replace(sg, demand_basis=sg.demand_basis.with_value("market-purchases", note="t"))
    rule = basis.rule(load_deal(KOREA), plan=custom)
    assert isinstance(custom, FundingPlan)
    assert (rule.market_before, rule.market_cap) == ((15e9,), (math.inf,))


def test_demand_by_hand() -> None:
    # the market buys what a year's calls need beyond $15B of income, up to $10B
    rule = _rule(market_before=(15e9,), market_cap=(10e9,))
    assert rule.demand(0.0, 10e9) == 0.0
    assert rule.demand(10e9, 10e9) == pytest.approx(5e9)  # 15..20 of the year's 20
    assert rule.demand(20e9, 10e9) == pytest.approx(5e9)  # 20..25, then the capacity is spent
    assert rule.demand(30e9, 10e9) == 0.0
    assert _rule().demand(7e9, 3e9) == 3e9  # every dollar the investor pays


# -- the rule, checked by hand ------------------------------------------------------------------------

def _small(accept: bool, **rule_kw: object) -> tuple[dict[int, float], dict[int, int], set[int], int]:
    """One $3B project, three $1B monthly calls, the won flat at 1,490 per dollar."""
    deal = variant(KOREA)
    pipe = pipeline(project("p", capex=3e9, notice=dt.date(2026, 1, 5), build_months=3))
    start = build_schedule(deal, pipe).financed()[0]
    first = min(start.calls)
    level = np.full(60, 1490.0)
    path = FxPath(rule=_rule(**rule_kw), start=first, level=level, accept=np.full(60, accept))
    sched = build_schedule(deal, pipe, fx=path)
    calls = {m - first: v for m, v in sched.financed()[0].calls.items()}
    return calls, {m - first: c for m, c in sched.fx_requests.items()}, \
        {m - first for m in sched.fx_deferred}, first


def test_the_safeguard_by_hand_accepted() -> None:
    # month 0: no demand yet, 1,490 -> pay $1B; month 1: 1,490 e^0.004 = 1,495.97 -> pay;
    # month 2: 1,490 e^0.008 = 1,501.97 > 1,500 -> request, accepted: deferred for up to 3 months;
    # at months 5, 8, 11 the deferral runs out with the pressure still above: ask again, accepted;
    # month 12 still counts months 0-11; month 13 counts 1-12, month 0's $1B has left the window:
    # 1,495.97 -> the last call is paid in month 13.
    calls, requests, deferred, _ = _small(True)
    assert calls == {0: 1e9, 1: 1e9, 13: 1e9}
    assert requests == {2: ACCEPTED, 5: ACCEPTED, 8: ACCEPTED, 11: ACCEPTED}
    assert deferred == set(range(2, 13))
    assert 1490.0 * math.exp(0.008) > 1500.0 > 1490.0 * math.exp(0.004)


def test_the_safeguard_by_hand_refused_and_without_the_clause() -> None:
    calls, requests, deferred, _ = _small(False)
    assert calls == {0: 1e9, 1: 1e9, 2: 1e9}
    assert requests == {2: REFUSED} and not deferred
    calls, requests, deferred, _ = _small(True, requests=False)  # the deal has no clause
    assert calls == {0: 1e9, 1: 1e9, 2: 1e9} and not requests and not deferred


def test_the_kernel_agrees_with_the_hand_case() -> None:
    deal = variant(KOREA)
    pipe = pipeline(project("p", capex=3e9, notice=dt.date(2026, 1, 5), build_months=3))
    plan = make_plan(deal, pipe, extra_months=24, fx_rule=_rule())
    draws = dataclasses.replace(no_shocks(plan, paths=1), fx={"KRW": np.full((1, plan.months), 1490.0)},
                                safeguard_u=np.zeros((1, plan.months)))
    flows = run_paths(plan, draws)
    assert flows.fx is not None
    first = int(np.flatnonzero(flows.paid[list(deal.parties).index("KR"), 0])[0])
    paid = -flows.paid[list(deal.parties).index("KR"), 0]
    assert np.flatnonzero(paid).tolist() == [first, first + 1, first + 13]
    assert np.flatnonzero(flows.fx.requests[0]).tolist() == [first + k for k in (2, 5, 8, 11)]
    assert np.flatnonzero(flows.fx.deferred[0]).tolist() == [first + k for k in range(2, 13)]


# -- properties ---------------------------------------------------------------------------------------

_paths = st.lists(st.floats(1300.0, 1700.0), min_size=40, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level=_paths, impact=st.floats(0.0, 0.02), answers=st.lists(st.booleans(), min_size=40, max_size=40),
       threshold=st.floats(1350.0, 1650.0))
def test_calls_are_deferred_only_when_the_threshold_is_crossed(level: list[float], impact: float,
                                                               answers: list[bool], threshold: float) -> None:
    deal = variant(KOREA)
    pipe = pipeline(project("a", capex=6e9, notice=dt.date(2026, 1, 5), build_months=6),
                    project("b", capex=4e9, notice=dt.date(2026, 3, 2), build_months=4,
                            sector="semiconductors"))
    plain = build_schedule(deal, pipe)
    first = min(m for ps in plain.financed() for m in ps.calls)
    rule = _rule(impact=impact / 1e9, threshold=threshold)
    sched = build_schedule(deal, pipe, fx=FxPath(rule=rule, start=first, level=np.array(level),
                                                 accept=np.array(answers)))
    for m in sched.fx_deferred:  # a deferral month is a month above the threshold
        assert sched.fx_pressure[m] > threshold
    for m in sched.fx_requests:
        assert sched.fx_pressure[m] > threshold
    if all(p <= threshold for p in sched.fx_pressure.values()):  # never crossed: the plan itself
        assert not sched.fx_requests
        assert [ps.calls for ps in sched.financed()] == [ps.calls for ps in plain.financed()]
    if not sched.fx_deferred:  # crossed but never deferred (refused): the plan itself
        assert [ps.calls for ps in sched.financed()] == [ps.calls for ps in plain.financed()]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31))
def test_with_zero_impact_the_currency_path_is_unchanged(seed: int) -> None:
    sg = load_safeguard("korea-2025").with_impact(0.0)
    deal, pipe = load_deal(KOREA), load_pipeline("korea-illustrative")
    plan = make_plan(deal, pipe, fx_rule=sg.rule(deal))
    rng = np.random.default_rng(seed)
    level = 1450.0 * np.exp(np.cumsum(rng.normal(0.0, 0.02, (3, plan.months)), axis=1))
    draws = dataclasses.replace(no_shocks(plan, paths=3), fx={"KRW": level},
                                safeguard_u=rng.uniform(size=(3, plan.months)))
    fx = run_paths(plan, draws).fx
    assert fx is not None
    live = np.isfinite(fx.pressure)
    assert live.any()
    assert np.array_equal(fx.pressure[live], level[live])


def test_the_plan_with_an_unreachable_threshold_is_the_plan() -> None:
    deal, pipe = load_deal(KOREA), load_pipeline("korea-illustrative")
    sg = load_safeguard("korea-2025")
    high = dataclasses.replace(sg, threshold=sg.threshold.with_value(1e9, note="unreachable"))
    a, b = run(deal, pipe), run(deal, pipe, fx_rule=high.rule(deal))
    assert b.fx is not None and not b.fx.requests.any()
    assert a.months == b.months
    for party in deal.parties:
        assert np.array_equal(a.net(party), b.net(party))


# -- the sweep and the shipped deal -----------------------------------------------------------------

def test_the_sweep_on_the_korea_deal() -> None:
    deal, pipe = load_deal(KOREA), load_pipeline("korea-illustrative")
    sg = load_safeguard("korea-2025")
    # On the evidence's basis (dollars bought in the market under the Special Act's plan: the
    # $1.39B contribution a year of calls) even the stress impact makes no request.
    market = sweep(deal, pipe, sg, discount_rate=0.04)
    assert [p.impact for p in market] == [0.0, 0.0009, 0.001, 0.0011, 0.002, 0.005]
    assert all(p.requests == 0 for p in market)
    # The stress reading (every dollar the investor pays) is where the clause binds.
    calls = dataclasses.replace(sg, demand_basis=sg.demand_basis.with_value("investor-calls", note="t"))
    points = sweep(deal, pipe, calls, discount_rate=0.04)
    zero = points[0]
    assert zero.first_crossing is None and zero.requests == 0 and zero.npv_change == 0.0
    assert zero.peak == pytest.approx(1467.1)  # the drivers' start: the won reverts from there
    peaks = [p.peak for p in points]
    assert peaks == sorted(peaks)  # more impact, more pressure
    stress = points[-1]
    assert stress.first_crossing is not None and stress.deferred > 0
    assert stress.last_call is not None and stress.last_call_plan is not None
    assert stress.last_call > stress.last_call_plan  # the deferred calls are paid later
    years = pressure_by_year(stress.accepted)
    assert sum(y.deferred for y in years) == stress.deferred
    assert all(y.peak > 1500.0 for y in years if y.months_above)


def test_a_vehicle_deal_with_the_clause_is_refused_with_the_reason() -> None:
    deal = variant("us-ask-2025-09", {"fx_safeguard.available": True})
    with pytest.raises(ValueError, match="as-called pacing only"):
        load_safeguard("korea-2025").rule(deal)
    with pytest.raises(ValueError, match="as-called pacing only"):
        make_plan(deal, load_pipeline("korea-illustrative"), fx_rule=_rule())
    make_plan(deal, load_pipeline("korea-illustrative"), fx_rule=_rule(requests=False))  # reported only


@pytest.mark.slow
def test_monte_carlo_with_the_safeguard_is_reproducible_and_chunk_invariant() -> None:
    kw = dict(pipeline="korea-illustrative", paths=300, seed=11, fx_feedback="korea-2025")
    a = simulate(KOREA, chunk_size=300, **kw)  # type: ignore[arg-type]
    b = simulate(KOREA, chunk_size=37, **kw)  # type: ignore[arg-type]
    assert a.fx is not None and b.fx is not None
    assert np.array_equal(a.npv, b.npv)
    assert np.array_equal(a.fx.deferred, b.fx.deferred) and np.array_equal(a.fx.requests, b.fx.requests)
    assert (a.fx.accepted <= a.fx.requests).all()
    assert a.fx.requests.any() and a.fx.deferred.any()
    none = simulate(KOREA, chunk_size=300, **{**kw, "fx_feedback": None})  # type: ignore[arg-type]
    assert none.fx is None
    # the same drivers underneath (common random numbers): paths never crossing are unchanged
    never = a.fx.requests == 0
    assert never.any()
    assert np.allclose(a.npv[:, never], none.npv[:, never], rtol=0, atol=1e-3)
    text = "\n".join(simulation_summary(a).notes)
    assert "P(at least one request)" in text


def test_refusals_leave_the_monte_carlo_outcome_unchanged() -> None:
    sg = load_safeguard("korea-2025")
    never = dataclasses.replace(sg, acceptance=sg.acceptance.with_value(0.0, note="never accepted"))
    kw = dict(pipeline="korea-illustrative", paths=200, seed=5)
    a = simulate(KOREA, fx_feedback=never, **kw)  # type: ignore[arg-type]
    b = simulate(KOREA, **kw)  # type: ignore[arg-type]
    assert a.fx is not None and a.fx.requests.any() and not a.fx.accepted.any()
    assert np.allclose(a.npv, b.npv, rtol=0, atol=1e-3)


# -- malformed files -----------------------------------------------------------------------------------

SAFEGUARD = Path(__file__).parents[2] / "src/pledgelab/data/safeguard/korea-2025.yaml"

MALFORMED = [
    ("threshold in the wrong currency", "  unit: KRW/USD\n", "  unit: JPY/USD\n", "unit: JPY/USD",
     "threshold.unit", "not accepted here"),
    ("acceptance above one", "  value: 0.5\n  unit: probability", "  value: 1.5\n  unit: probability",
     "value: 1.5", "acceptance.value", "must be at most 1"),
    ("unknown demand basis", "  value: market-purchases", "  value: everything", "value: everything",
     "demand_basis.value", "is not one of"),
    ("window of minus one month", "  value: 24\n  unit: months\n  label: Months of dollar demand",
     "  value: -1\n  unit: months\n  label: Months of dollar demand", "value: -1", "window.value",
     "must be at least 1"),
    ("unknown end treatment", "  value: paid\n", "  value: erased\n", "value: erased", "end_treatment.value",
     "is not one of"),
    ("negative total deferral", "  value: 24\n  unit: months\n  label: Months all requests",
     "  value: -3\n  unit: months\n  label: Months all requests", "value: -3", "max_total_deferral.value",
     "at least 0"),
    ("currency code", "currency: KRW", "currency: won", "currency: won", "currency", "not a currency code"),
    ("unknown funding plan", "funding: korea-special-act-2026", "funding: nowhere", "funding: nowhere",
     "funding", "cannot load funding plan"),
    ("sweep value not a number", "{value: 0.002, label:", "{value: twice, label:", "value: twice",
     "impact.alternatives[3].value", "expected a number"),
    ("negative sweep value", "{value: 0.002, label:", "{value: -0.002, label:", "value: -0.002",
     "impact.alternatives[3].value", "negative amounts"),
    ("id is not the file name", "id: korea-2025", "id: other", "id: other", "id", "must match the file name"),
]


@pytest.mark.parametrize(("what", "old", "new", "marker", "field", "words"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_malformed_safeguard_files_are_rejected(tmp_path: Path, what: str, old: str, new: str, marker: str,
                                                field: str, words: str) -> None:
    text = SAFEGUARD.read_text(encoding="utf-8")
    assert text.count(old) == 1, what
    text = text.replace(old, new)
    path = tmp_path / "korea-2025.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if marker in s)
    with pytest.raises(InputError) as exc:
        read_safeguard(path)
    assert any(p.file == str(path) and p.line == line and p.field == field and words in p.message
               for p in exc.value.problems), str(exc.value)
