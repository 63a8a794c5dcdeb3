"""Guarantees as contingent liabilities with limits (issue 21).

The kernel against its plain reference twin with the limits live, the limits never exceeded on
random deals, pipelines and shocks, calls made in the month debt service is missed, and loan
balances at the end of a project's life as the ``beyond_life`` clause states.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_kernel import _draws, _shocks

from builders import pipeline, project, project_strategy, variant
from pledgelab.engine import DebtTerms, debt_flows, make_plan, run_paths
from pledgelab.engine import run_reference as reference

COUNTER = "korea-counter-2025-10"
REL = 1e-9

limits_st = st.fixed_dictionaries({
    "limit": st.one_of(st.none(), st.floats(0.0, 5e9)),
    "overall": st.one_of(st.none(), st.floats(0.0, 5e9)),
    "coverage": st.floats(0.0, 1.0),
    "beyond_life": st.sampled_from(["amortise-within-life", "balloon-at-end"]),
    "tenor": st.integers(12, 360),
    "beyond": st.sampled_from(["lender-loss", "guarantor-pays"]),
})


def _deal(lim: dict):  # type: ignore[no-untyped-def]
    g = {"limit": lim["limit"], "coverage": lim["coverage"], "beyond_life": lim["beyond_life"],
         "tenor": lim["tenor"]}
    return variant(COUNTER, {"amount.guarantee_limit": lim["overall"],
                             "amount.beyond_guarantee_limit": lim["beyond"]},
                   tranches={"korean-guarantees": g,
                             "korean-loans": {"beyond_life": lim["beyond_life"], "tenor": lim["tenor"]}})


def _calls(lines: list) -> np.ndarray:  # type: ignore[type-arg]
    """The guarantor's calls by month (positive), from a run's lines."""
    out = None
    for ln in lines:
        if ln.kind == "guarantee call" and ln.party == "KR":
            out = -ln.values if out is None else out - ln.values
    return np.zeros(1) if out is None else np.asarray(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=project_strategy(declines=True), lim=limits_st, seed=st.integers(0, 2**31))
def test_kernel_equals_reference_and_calls_stay_within_the_limits(specs: list[dict], lim: dict,
                                                                  seed: int) -> None:
    deal = _deal(lim)
    pipe = pipeline(*[project(f"p{i}", **s) for i, s in enumerate(specs)])
    scale = max(1.0, sum(s["capex"] for s in specs))
    plan = make_plan(deal, pipe, extra_months=400)
    rng = np.random.default_rng(seed)
    paths = 4
    draws = _draws(rng, paths, len(plan.order), plan.months, plan.build_months, start_rate=0.04)
    flows = run_paths(plan, draws)
    cap = min(x for x in (lim["limit"], lim["overall"], np.inf) if x is not None)
    if lim["beyond"] == "guarantor-pays":
        cap = np.inf
    for p in range(paths):
        ref = reference(deal, pipe, shocks=_shocks(draws, p, plan.order), benchmark=draws.benchmark[p])
        for party in deal.parties:
            got, want = flows.net(party)[p], ref.net(party)
            assert np.all(np.abs(got[: ref.months] - want) <= REL * scale), (party, p)
        assert flows.guaranteed is not None and ref.guaranteed is not None
        assert np.all(np.abs(flows.guaranteed[p, : ref.months] - ref.guaranteed) <= REL * scale)
        called = _calls(ref.lines)
        assert np.all(called >= -REL * scale)
        assert called.sum() <= cap + REL * scale  # never past the limit
        # undrawn cover never exceeds what the limit leaves
        assert np.all(ref.guaranteed <= np.maximum(cap - np.cumsum(called)[: ref.months], 0) + REL * scale)


@settings(max_examples=60, deadline=None)
@given(ops=st.lists(st.floats(0.0, 30.0), min_size=30, max_size=30), cover=st.floats(0.01, 1.0),
       room=st.floats(0.0, 200.0), tenor=st.integers(1, 40),
       kind=st.sampled_from(["annuity", "linear", "bullet"]),
       rate=st.one_of(st.just(0.0), st.floats(0.001, 0.2)), balloon=st.booleans())
def test_a_call_is_made_only_when_service_is_missed(ops: list[float], cover: float, room: float, tenor: int,
                                                    kind: str, rate: float, balloon: bool) -> None:
    months, cod, end = 32, 2, 29
    draws = np.zeros((1, 1, months))
    draws[0, 0, 0] = 100.0
    operating = np.zeros((1, months))
    operating[0, cod:end + 1] = ops[: end + 1 - cod]
    left = np.array([[room]])
    f = debt_flows([DebtTerms(tranche="g", rate=rate, tenor=tenor, amortisation=kind, fee=0.01,
                              coverage=cover, balloon=balloon)],
                   draws, operating, cod, end, room=left)
    calls = f.guarantee_calls[0, 0]
    assert calls.sum() <= room + 1e-9
    assert left[0, 0] == pytest.approx(room - calls.sum(), abs=1e-9)
    for m in range(cod, end):
        if calls[m] > 1e-12:  # a call before the last month: all the month's cash went to debt
            assert f.equity_cash[0, m] <= 1e-9
    if left[0, 0] > 1e-9:  # limit not reached: every missed dollar was covered at the stated share
        # what the lenders lose is the uncovered share of what was never paid
        never_paid = f.written_off[0, 0, end]
        assert never_paid >= -1e-9


def test_hand_case_limit_reached_then_lenders_lose() -> None:
    # rate 0, linear over 4 months, 100 drawn, 10 of cash a month, 80% cover, a limit of 30:
    # calls 12, 12, then 6 (the limit), then none; 100 - 40 paid - 30 called = 30 written off.
    terms = DebtTerms(tranche="g", rate=0.0, tenor=4, amortisation="linear", coverage=0.8)
    draws = np.zeros((1, 1, 6))
    draws[0, 0, 0] = 100.0
    ops = np.zeros((1, 6))
    ops[0, 1:5] = 10.0
    f = debt_flows([terms], draws, ops, 1, 4, room=np.array([[30.0]]))
    assert np.allclose(f.guarantee_calls[0, 0], [0, 12, 12, 6, 0, 0])
    assert f.written_off[0, 0, 4] == pytest.approx(30.0)


def test_overall_limit_is_shared_by_the_projects() -> None:
    # two projects that never pay: the overall limit is the most the guarantor pays in all
    deal = variant(COUNTER, {"amount.guarantee_limit": 1e9},
                   tranches={"korean-guarantees": {"limit": None}})
    import datetime as dt
    pipe = pipeline(project("a", capex=10e9, notice=dt.date(2026, 3, 1), operating_yield=0.0),
                    project("b", capex=10e9, notice=dt.date(2026, 6, 1), operating_yield=0.0))
    ref = reference(deal, pipe)
    assert _calls(ref.lines).sum() == pytest.approx(1e9, rel=1e-12)
    unlimited = variant(deal, {"amount.beyond_guarantee_limit": "guarantor-pays"})
    assert _calls(reference(unlimited, pipe).lines).sum() > 1e9


@pytest.mark.parametrize("rule", ["amortise-within-life", "balloon-at-end"])
def test_loan_balance_at_end_of_life_follows_the_stated_treatment(rule: str) -> None:
    # a 10-year project, a 20-year loan, ample cash: cut to the life, the loan is repaid by level
    # payments over 120 months; as a balloon, the 240-month schedule runs and the rest is paid at
    # the end. Either way nothing is left at the end; only the payment pattern differs.
    i = 0.06 / 12
    draws = np.zeros((1, 1, 130))
    draws[0, 0, 0] = 100.0
    ops = np.zeros((1, 130))
    ops[0, 1:121] = 1e6
    tenor = 120 if rule == "amortise-within-life" else 240
    f = debt_flows([DebtTerms(tranche="l", rate=0.06, tenor=tenor, amortisation="annuity",
                              balloon=rule == "balloon-at-end")], draws, ops, 1, 120)
    principal = 100.0  # drawn in month 0, serviced from month 1 (nothing capitalised)
    level = principal * i / (1 - (1 + i) ** -tenor)
    assert np.allclose(f.service[0, 0, 1:120], level, rtol=1e-12)
    if rule == "amortise-within-life":
        assert f.service[0, 0, 120] == pytest.approx(level, rel=1e-12)
    if rule == "balloon-at-end":  # the balance the 240-month schedule leaves after 119 payments
        left = principal * ((1 + i) ** 240 - (1 + i) ** 119) / ((1 + i) ** 240 - 1)
        assert f.service[0, 0, 120] == pytest.approx(left * (1 + i), rel=1e-9)
    assert f.written_off[0, 0, 120] == pytest.approx(0.0, abs=1e-9)


def test_engine_cuts_a_tenor_to_the_project_life() -> None:
    from pledgelab.engine import debt_terms

    deal = variant(COUNTER)
    tr = next(t for t in deal.tranches if t.id == "korean-loans")
    assert debt_terms(tr, 180).tenor == 180
    balloon = variant(COUNTER, tranches={"korean-loans": {"beyond_life": "balloon-at-end"}})
    tr_b = next(t for t in balloon.tranches if t.id == "korean-loans")
    assert debt_terms(tr_b, 180).tenor == 240 and debt_terms(tr_b, 180).balloon


# -- idle vehicle cash (timeline.vehicle_cash_rate, timeline.undeployed_cash) ---------------------

def test_idle_cash_earns_its_rate_and_comes_back_when_the_vehicle_is_idle() -> None:
    # $350B up front on 2025-12-15 at 12%/yr (1% a month); one $10B project, built in one month;
    # by hand: the vehicle holds 350e9 from 2025-12, earns 1% in each later month up to and
    # including the call's month, pays the call, and the rest comes back to KR in that month.
    import datetime as dt

    from pledgelab.engine import run
    deal = variant("us-ask-2025-09", {"timeline.vehicle_cash_rate": 0.12,
                                      "timeline.undeployed_cash": "returned-when-idle"})
    pipe = pipeline(project("a", capex=10e9, notice=dt.date(2026, 3, 2)))
    res = run(deal, pipe)
    ps = res.schedule.projects[0]
    (m1,) = ps.calls
    m0 = res.start + int(np.flatnonzero(next(ln.values for ln in res.lines if ln.kind == "instalment"))[0])
    want = 350e9 * 1.01 ** (m1 - m0) - 10e9
    back = next(ln for ln in res.lines if ln.kind == "undeployed vehicle cash")
    assert back.party == "KR"
    assert back.values[m1 - res.start] == pytest.approx(want, rel=1e-12)
    assert np.count_nonzero(back.values) == 1
    # as written before (returned in the run's last month): the same sum, decades later
    late = run(variant(deal, {"timeline.undeployed_cash": "returned-at-end"}), pipe)
    back_late = next(ln for ln in late.lines if ln.kind == "undeployed vehicle cash")
    assert back_late.values[-1] == pytest.approx(want, rel=1e-12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=project_strategy(declines=True), seed=st.integers(0, 2**31),
       base=st.sampled_from(["us-ask-2025-09", "us-proposal-2025-10"]), rate=st.floats(0.0, 0.08))
def test_kernel_equals_reference_when_idle_cash_returns_early(specs: list[dict], seed: int, base: str,
                                                              rate: float) -> None:
    deal = variant(base, {"timeline.undeployed_cash": "returned-when-idle",
                          "timeline.vehicle_cash_rate": rate})
    pipe = pipeline(*[project(f"p{i}", **s) for i, s in enumerate(specs)])
    scale = max(350e9, sum(s["capex"] for s in specs))
    plan = make_plan(deal, pipe, extra_months=400)
    rng = np.random.default_rng(seed)
    draws = _draws(rng, 3, len(plan.order), plan.months, plan.build_months, start_rate=0.04)
    flows = run_paths(plan, draws)
    for p in range(3):
        ref = reference(deal, pipe, shocks=_shocks(draws, p, plan.order), benchmark=draws.benchmark[p])
        for party in deal.parties:
            got, want = flows.net(party)[p], ref.net(party)
            assert np.all(np.abs(got[: ref.months] - want) <= REL * scale), (party, p)


# -- "in proportion to contribution" (distribution.tiers shares: in-proportion-to-contribution) ---

def test_in_proportion_to_contribution_on_a_two_party_hand_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the counter with its $17.5B of equity split: KR $10B, a US-side tranche $7.5B, both routed to
    # the rule; by hand the shares are 10/17.5 = 4/7 and 7.5/17.5 = 3/7 of all distributed cash.
    import datetime as dt

    from pledgelab.engine import run
    from pledgelab.terms import load_deal, read_term_sheet

    origin = load_deal(COUNTER).origin
    assert origin is not None
    text = origin.path.read_text(encoding="utf-8")
    head, tail = text.split("    - id: korean-loans\n", 1)
    eq = head[head.index("    - id: direct-equity\n"):]
    kr_funds = "        value: KR\n        unit: party\n        label: Korea puts up the equity"
    us_funds = "        value: US\n        unit: party\n        label: A US-side holder puts up equity"
    us = (eq.replace("- id: direct-equity", "- id: us-side-equity")
            .replace("value: 17.5e9", "value: 7.5e9").replace(kr_funds, us_funds))
    assert us_funds in us
    head = head.replace("value: 17.5e9", "value: 10e9", 1)
    (tmp_path / f"{COUNTER}.yaml").write_text(head + us + "    - id: korean-loans\n" + tail, encoding="utf-8")
    deal = read_term_sheet(tmp_path / f"{COUNTER}.yaml")
    assert deal.tiers[0].shares == pytest.approx({"KR": 10 / 17.5, "US": 7.5 / 17.5})
    res = run(deal, pipeline(project("a", capex=10e9, notice=dt.date(2026, 3, 2), operating_yield=0.3)))
    dist = {p: sum(float(ln.values.sum()) for ln in res.lines
                   if ln.party == p and ln.kind.startswith("distribution")) for p in ("KR", "US")}
    whole = dist["KR"] + dist["US"]
    assert whole > 0
    assert dist["KR"] == pytest.approx(4 / 7 * whole, rel=1e-9)
    assert dist["US"] == pytest.approx(3 / 7 * whole, rel=1e-9)
