"""Properties that must hold for any deal and pipeline (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import SHIPPED_DEALS, pipeline, project, project_strategy, terms_strategy, variant
from pledgelab.engine import run
from pledgelab.metrics import party_outcomes

BASES = SHIPPED_DEALS
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

projects_st = project_strategy(declines=False)
terms_st = terms_strategy()


def _pipe(specs: list[dict], order: list[int] | None = None):  # type: ignore[no-untyped-def]
    items = [project(f"p{i}", **s) for i, s in enumerate(specs)]
    if order is not None:
        items = [items[i] for i in order]
    return pipeline(*items)


@SETTINGS
@given(base=st.sampled_from(BASES), specs=projects_st, changes=terms_st)
def test_cash_is_conserved_every_month(base: str, specs: list[dict], changes: dict) -> None:
    res = run(variant(base, changes), _pipe(specs))
    total = sum((line.values for line in res.lines), np.zeros(res.months))
    # what the parties net, plus what the vehicle keeps, is what the projects distribute
    # (operating cash less capex) plus the interest idle vehicle cash earns
    total = total + np.diff(res.vehicle_balance, prepend=0.0)
    expected = res.project_cash + res.vehicle_interest
    scale = max(1.0, float(np.abs(expected).max()), sum(s["capex"] for s in specs))
    assert np.max(np.abs(total - expected)) <= 1e-9 * scale
    assert abs(res.vehicle_balance[-1]) <= 1e-9 * scale  # the vehicle ends empty


@SETTINGS
@given(base=st.sampled_from(BASES), specs=projects_st, changes=terms_st,
       bump=st.floats(0.001, 0.05))
def test_investor_never_worse_off_when_deemed_rate_rises(base: str, specs: list[dict],
                                                         changes: dict, bump: float) -> None:
    low = run(variant(base, changes), _pipe(specs))
    high_changes = dict(changes)
    high_changes["distribution.deemed_benchmark"] = changes["distribution.deemed_benchmark"] + bump
    high = run(variant(base, high_changes), _pipe(specs))
    inv = low.deal.investor
    scale = max(1.0, sum(s["capex"] for s in specs))
    lo = {o.party: o for o in party_outcomes(low, discount_rate=0.04)}[inv]
    hi = {o.party: o for o in party_outcomes(high, discount_rate=0.04)}[inv]
    assert hi.received >= lo.received - 1e-9 * scale
    assert hi.npv >= lo.npv - 1e-9 * scale


@SETTINGS
@given(base=st.sampled_from(BASES), specs=projects_st, changes=terms_st, data=st.data())
def test_results_do_not_depend_on_project_order(base: str, specs: list[dict], changes: dict,
                                                data: st.DataObject) -> None:
    deal = variant(base, changes)
    order = data.draw(st.permutations(list(range(len(specs)))))
    a = run(deal, _pipe(specs))
    b = run(deal, _pipe(specs, list(order)))
    for party in deal.parties:
        assert np.array_equal(a.net(party), b.net(party))
