"""Funding model: a hand-checked case, conservation of dollars, the reserves path, the shipped
plans, malformed plan files rejected with file:line:field, and lump sum vs instalments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pledgelab
from pledgelab import InputError
from pledgelab.macro import (
    KIND_EFFECTS,
    FundingPlan,
    MacroData,
    Source,
    fund,
    investor_calls,
    load_funding,
    load_macro,
    read_funding,
)
from pledgelab.terms import Clause, Status, shipped

PLAN = """\
schema: pledgelab.funding/1
id: plan
title: Test plan
summary: Reserve income first, then bonds.
investor: KR
macro: korea
references:
  koo: {title: Koo on reserve income, url: https://example.org/koo}
reserves_baseline:
  value: last-observation
  unit: rule
  label: No-pledge reserves
  status: assumed
  reason: Held flat.
  alternatives: [{value: red-line, label: the red line}]
sources:
  - id: reserve-income
    kind: reserve-income
    capacity: {value: 15e9, unit: USD/year, label: Income, status: reported, refs: [koo]}
    rate: {value: 0.036, unit: per-year, label: Yield, status: assumed, reason: test, alternatives: [{value: 0.0, label: none}]}
  - id: bonds
    kind: guaranteed-bonds
    capacity: {value: null, unit: USD/year, label: Bonds, status: reported, refs: [koo]}
    rate: {value: 0.06, unit: per-year, label: Bond rate, status: assumed, reason: test, alternatives: [{value: 0.05, label: lower}]}
"""  # noqa: E501


_KOREA = load_macro("korea")


def _month(year: int, month: int) -> int:
    return year * 12 + month - 1


@pytest.fixture(scope="module")
def korea() -> MacroData:
    return _KOREA


@pytest.fixture()
def plan(tmp_path: Path) -> FundingPlan:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return read_funding(path)


def _clause(value: float | None, unit: str) -> Clause:
    return Clause(path="x", value=value, unit=unit, label="x", status=Status.ASSUMED, reason="test")


def _plan(sources: list[tuple[str, float | None, float]], *, investor: str = "KR",
          macro: str = "korea") -> FundingPlan:
    """A plan built in memory: (kind, capacity or None, rate) per source, in order."""
    return FundingPlan(
        id="mem", title="mem", summary="mem", investor=investor, macro=macro,
        reserves_baseline=Clause(path="reserves_baseline", value="last-observation", unit="rule",
                                 label="x", status=Status.ASSUMED, reason="test"),
        sources=tuple(Source(id=f"s{i}", kind=k, capacity=_clause(cap, "USD/year"),
                             rates=(_clause(rate, "per-year"),))
                      for i, (k, cap, rate) in enumerate(sources)),
        references={}, file="<memory>")


# -- a small case checked by hand ------------------------------------------------------------------

def test_hand_checked_case(plan: FundingPlan, korea: MacroData) -> None:
    # Calls: $30B in January 2026, $10B in July 2027; reserve income capped at $15B a year at
    # 3.6%, then bonds (unlimited) at 6%; horizon end-2028 (month 2029-01 excluded).
    #   2026: income 15, bonds 15 (the cap binds).  2027: income 10 (a fresh $15B cap), bonds 0.
    #   Cost = amount x rate x years outstanding, from the month of use to end-2028:
    #     income 15 x 0.036 x 3 (Jan 2026 - Dec 2028)  = 1.62
    #     bonds  15 x 0.060 x 3                         = 2.70
    #     income 10 x 0.036 x 1.5 (Jul 2027 - Dec 2028) = 0.54      total 4.86
    #   By year: 2026 income 15 x .036 = 0.54, bonds 0.90                    -> 1.44
    #            2027 income 0.54 + 10 x .036 x 6/12 = 0.72, bonds 0.90      -> 1.62 (cum 3.06)
    #            2028 income 0.54 + 0.36 = 0.90, bonds 0.90                  -> 1.80 (cum 4.86)
    #   Reserves: 428.05 (end-2025, korea.yaml); without the pledge the $15B of income a year
    #   would be reinvested (path 443.05, 458.05, 473.05); minus the income diverted (15, 25, 25):
    #            428.05, 433.05, 448.05.
    calls = {_month(2026, 1): 30e9, _month(2027, 7): 10e9}
    r = fund(calls, plan, macro=korea, horizon_end_year=2028)
    approx = pytest.approx
    assert r.years == (2026, 2027, 2028)
    assert r.calls.tolist() == approx([30e9, 10e9, 0.0])
    assert r.amounts["reserve-income"].tolist() == approx([15e9, 10e9, 0.0])
    assert r.amounts["bonds"].tolist() == approx([15e9, 0.0, 0.0])
    assert r.unfunded.tolist() == approx([0.0, 0.0, 0.0])
    assert r.cost["reserve-income"].tolist() == approx([0.54e9, 0.72e9, 0.90e9], rel=1e-12)
    assert r.cost["bonds"].tolist() == approx([0.90e9, 0.90e9, 0.90e9], rel=1e-12)
    assert r.cumulative_cost.tolist() == approx([1.44e9, 3.06e9, 4.86e9], rel=1e-12)
    assert r.total_cost == approx(4.86e9, rel=1e-12)
    assert r.cost_totals == approx({"reserve-income": 2.16e9, "bonds": 2.70e9}, rel=1e-12)
    assert r.reserves_baseline == 428.05e9
    assert r.reserves.tolist() == approx([428.05e9, 433.05e9, 448.05e9], rel=1e-12)
    assert r.calls_to_reserves.tolist() == approx([30 / 428.05, 10 / 433.05, 0.0], rel=1e-12)
    assert r.current_account == 123.05e9 and r.gdp == 1.868e12
    assert r.calls_to_current_account is not None and r.calls_to_gdp is not None
    assert r.calls_to_current_account.tolist() == approx([30 / 123.05, 10 / 123.05, 0.0], rel=1e-12)
    assert r.calls_to_gdp.tolist() == approx([30 / 1868, 10 / 1868, 0.0], rel=1e-12)
    assert r.pledge_to_reserves == approx(40 / 428.05, rel=1e-12)
    assert r.peak_calls_to_reserves == approx(30 / 428.05, rel=1e-12)
    assert r.market_dollars.tolist() == [0.0, 0.0, 0.0]
    assert "2025-12-31" in r.notes["reserves_baseline"] and "assumed" in r.notes["reserves_baseline"]
    assert len(r.rows()) == 3 and "4.860" in r.to_text()


def test_calls_outside_the_model_are_refused(plan: FundingPlan, korea: MacroData) -> None:
    with pytest.raises(ValueError, match="after the horizon"):
        fund({_month(2029, 1): 1e9}, plan, macro=korea, horizon_end_year=2028)
    with pytest.raises(ValueError, match="non-negative"):
        fund({_month(2026, 1): -1e9}, plan, macro=korea, horizon_end_year=2028)


# -- conservation ----------------------------------------------------------------------------------

_KINDS = st.sampled_from(list(KIND_EFFECTS))
_RATE = st.floats(0.0, 0.1)


@st.composite
def _plans(draw: st.DrawFn) -> FundingPlan:
    n = draw(st.integers(1, 4))
    sources: list[tuple[str, float | None, float]] = [
        (draw(_KINDS), draw(st.floats(0.0, 40e9)), draw(_RATE)) for _ in range(n)]
    if draw(st.booleans()):
        sources[-1] = (sources[-1][0], None, sources[-1][2])
    return _plan(sources)


_CALLS = st.dictionaries(st.integers(_month(2026, 1), _month(2035, 12)), st.floats(0.0, 60e9), max_size=30)


@settings(max_examples=150, deadline=None)
@given(calls=_CALLS, plan=_plans())
def test_dollars_are_conserved(calls: dict[int, float], plan: FundingPlan) -> None:
    r = fund(calls, plan, macro=_KOREA, horizon_end_year=2036)
    total = r.unfunded + np.sum([a for a in r.amounts.values()], axis=0)
    np.testing.assert_allclose(total, r.calls, rtol=1e-12, atol=1e-3)
    for s in plan.sources:
        assert (r.amounts[s.id] >= 0).all()
        if s.capacity_usd is not None:
            assert (r.amounts[s.id] <= s.capacity_usd * (1 + 1e-12) + 1e-3).all()
        assert (r.cost[s.id] >= 0).all()
    if plan.sources[-1].capacity_usd is None:
        assert r.total_unfunded == 0.0
    assert r.total_calls == pytest.approx(sum(calls.values()), rel=1e-12, abs=1e-3)


def test_unfunded_without_an_unlimited_source(korea: MacroData) -> None:
    p = _plan([("reserve-income", 15e9, 0.035), ("swap-line", 5e9, 0.04)])
    r = fund({_month(2026, 3): 30e9, _month(2027, 3): 12e9}, p, macro=korea, horizon_end_year=2027)
    assert r.amounts["s0"].tolist() == [15e9, 12e9]
    assert r.amounts["s1"].tolist() == [5e9, 0.0]
    assert r.unfunded.tolist() == [10e9, 0.0]


# -- reserves accounting ---------------------------------------------------------------------------

def test_reserves_move_only_by_the_reserve_income_diverted(korea: MacroData) -> None:
    p = _plan([("reserve-income", 10e9, 0.03), ("market-purchase", 5e9, 0.0), ("swap-line", 5e9, 0.04),
               ("guaranteed-bonds", None, 0.05)])
    calls = {_month(2026, 6): 25e9, _month(2027, 6): 8e9, _month(2028, 6): 40e9}
    r = fund(calls, p, macro=korea, horizon_end_year=2028)
    base = float(korea.series("reserves_usd", "KR").values[-1])  # the last observation, end-2025
    assert r.reserves_baseline == base
    assert r.amounts["s0"].tolist() == [10e9, 8e9, 10e9]
    # no-pledge path: base + 10, + 20, + 30 (income reinvested); diverted so far: 10, 18, 28
    assert r.reserves.tolist() == pytest.approx([base, base + 2e9, base + 2e9], rel=1e-15)
    assert r.market_dollars.tolist() == [5e9, 0.0, 5e9]  # only the market purchase is dollar demand
    assert r.amounts["s3"].tolist() == [5e9, 0.0, 20e9]
    assert r.cost["s1"].sum() == 0.0


def test_red_line_baseline(korea: MacroData, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("value: last-observation", "value: red-line"), encoding="utf-8")
    r = fund({_month(2026, 1): 20e9}, read_funding(path), macro=korea, horizon_end_year=2026)
    assert r.reserves_baseline == korea.value("reserves_red_line_usd") == 400e9
    assert r.reserves.tolist() == [400e9 + 15e9 - 15e9]  # income reinvested, then all diverted


def test_japan_has_no_gdp_in_dollars() -> None:
    p = _plan([("reserve-income", 30e9, 0.03), ("guaranteed-bonds", None, 0.05)], investor="JP",
              macro="japan")
    r = fund({_month(2026, 1): 55e9}, p, horizon_end_year=2026)
    assert r.gdp is None and r.calls_to_gdp is None
    assert "not in the reference" in r.notes["gdp"]
    assert r.calls_to_current_account is not None and r.current_account is not None
    assert r.calls_to_reserves[0] > 0


# -- the shipped plans -----------------------------------------------------------------------------

def test_shipped_plans_load(korea: MacroData) -> None:
    assert {"korea-mof-2025", "korea-with-swap"} <= set(shipped("funding"))
    mof, swap = load_funding("korea-mof-2025"), load_funding("korea-with-swap")
    assert [s.kind for s in mof.sources] == ["reserve-income", "guaranteed-bonds"]
    assert [s.kind for s in swap.sources] == ["reserve-income", "swap-line", "guaranteed-bonds"]
    for p in (mof, swap):
        assert p.investor == "KR" and p.macro == "korea"
        assert p.reserves_baseline.status is Status.ASSUMED
        income = p.source("reserve-income")
        assert income.capacity_usd == korea.value("reserve_income_usd")  # the cited $15B
        assert income.capacity.status is Status.REPORTED and income.capacity.references
        assert p.sources[-1].capacity_usd is None  # bonds cover any shortfall
        for c in p.clauses():
            assert c.status is not Status.ASSUMED or (c.reason and c.alternatives), c.path
    assert swap.source("swap-line").rate == korea.value("swap_cost") == 0.04
    assert swap.source("swap-line").capacity.status is Status.ASSUMED
    assert mof.source("guaranteed-bonds").rate == pytest.approx(0.045)
    assert len(mof.source("guaranteed-bonds").rates) == 2  # benchmark + spread


def test_investor_calls_of_the_final_deal() -> None:
    r = pledgelab.run(pledgelab.load_deal("us-korea-2025-11"), pledgelab.load_pipeline("korea-illustrative"))
    calls = investor_calls(r)
    assert calls and all(v > 0 for v in calls.values())
    assert sum(calls.values()) == pytest.approx(200e9, rel=1e-9)
    res = fund(calls, "korea-mof-2025", horizon_end_year=2039)
    assert res.calls.max() <= 20e9 * (1 + 1e-9)  # the $20B calendar-year cap
    assert res.total_calls == pytest.approx(200e9, rel=1e-9)


# -- malformed plan files --------------------------------------------------------------------------

_BONDS_RATE = ("    rate: {value: 0.06, unit: per-year, label: Bond rate, status: assumed, reason: test, "
               "alternatives: [{value: 0.05, label: lower}]}\n")
_EXTRA = ("  - id: extra\n    kind: market-purchase\n"
          "    capacity: {value: 1e9, unit: USD/year, label: X, status: reported, refs: [koo]}\n"
          "    rate: {value: 0.0, unit: per-year, label: X, status: reported, refs: [koo]}\n")

# (what is broken, old text, new text, a line the problem is on, field, words of the message)
MALFORMED = [
    ("unknown kind", "kind: guaranteed-bonds", "kind: junk-bonds", "kind: junk-bonds", "sources[1].kind",
     "is not one of"),
    ("rate as a percent", "value: 0.06,", "value: 6,", "value: 6,", "sources[1].rate.value",
     "4% is 0.04"),
    ("assumed without reason", "label: Yield, status: assumed, reason: test,",
     "label: Yield, status: assumed,", "label: Yield", "sources[0].rate.reason", "must say why"),
    ("unlimited source not last", _BONDS_RATE, _BONDS_RATE + _EXTRA, "id: extra", "sources[2]",
     "would never be used"),
    ("duplicate source id", "id: bonds", "id: reserve-income", "kind: guaranteed-bonds", "sources[1].id",
     "duplicate source id"),
    ("id is not the file name", "id: plan", "id: other", "id: other", "id", "must match the file name"),
    ("unknown reference", "label: Bonds, status: reported, refs: [koo]",
     "label: Bonds, status: reported, refs: [nobody]", "label: Bonds", "sources[1].capacity.refs[0]",
     "unknown reference 'nobody'"),
    ("benchmark without spread", _BONDS_RATE, _BONDS_RATE.replace("rate:", "benchmark:"), "benchmark:",
     "sources[1].spread", "'spread' is missing"),
    ("investor not in the macro data", "investor: KR", "investor: JP", "investor: JP", "investor",
     "holds no economy 'JP'"),
    ("negative capacity", "value: 15e9", "value: -15e9", "value: -15e9", "sources[0].capacity.value",
     "negative amounts"),
    ("unknown baseline rule", "value: last-observation", "value: trend", "value: trend",
     "reserves_baseline.value", "is not one of"),
]


@pytest.mark.parametrize(("what", "old", "new", "marker", "field", "words"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_malformed_plans_are_rejected(tmp_path: Path, what: str, old: str, new: str, marker: str,
                                      field: str, words: str) -> None:
    assert PLAN.count(old) == 1, what
    text = PLAN.replace(old, new)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if marker in s)
    if what == "duplicate source id":  # the id key of the second source, just above its kind
        line -= 1
    with pytest.raises(InputError) as exc:
        read_funding(path)
    assert any(p.file == str(path) and p.line == line and p.field == field and words in p.message
               for p in exc.value.problems), str(exc.value)
    assert f"{path}:{line}: {field}: " in str(exc.value)


# -- lump sum vs instalments -----------------------------------------------------------------------

def test_lump_sum_costs_more_than_capped_instalments(korea: MacroData) -> None:
    plan = load_funding("korea-mof-2025")
    lump = fund({_month(2026, 1): 200e9}, plan, macro=korea, horizon_end_year=2035)
    inst = fund({_month(y, 1): 20e9 for y in range(2026, 2036)}, plan, macro=korea, horizon_end_year=2035)
    assert lump.total_calls == pytest.approx(inst.total_calls)
    assert lump.total_cost > inst.total_cost
    # By hand: lump 15 x 3.5% x 10 + 185 x 4.5% x 10 = 5.25 + 83.25 = 88.5;
    # instalments: each year 15 at 3.5% and 5 at 4.5% for (2036 - y) years, sum of 10..1 = 55:
    # (0.525 + 0.225) x 55 = 41.25.
    assert lump.total_cost == pytest.approx(88.5e9, rel=1e-12)
    assert inst.total_cost == pytest.approx(41.25e9, rel=1e-12)
    assert lump.peak_calls_to_reserves > inst.peak_calls_to_reserves


@settings(max_examples=150, deadline=None)
@given(total=st.floats(1e9, 400e9), n=st.integers(2, 12), offsets=st.lists(st.integers(0, 100), min_size=12,
       max_size=12), caps=st.lists(st.floats(0.0, 30e9), min_size=0, max_size=3),
       rates=st.lists(st.floats(0.0, 0.1), min_size=4, max_size=4))
def test_paying_the_same_total_earlier_costs_more(total: float, n: int, offsets: list[int], caps: list[float],
                                                  rates: list[float]) -> None:
    # Rates that do not fall down the list (the cheap sources first) and a last, unlimited source:
    # a lump sum at the first month costs at least as much as any later instalments of the same total.
    rs = sorted(rates)[: len(caps) + 1]
    kinds = list(KIND_EFFECTS)
    p = _plan([(kinds[i % 4], cap, rs[i]) for i, cap in enumerate(caps)]
              + [("guaranteed-bonds", None, rs[-1])])
    m0 = _month(2026, 1)
    lump = fund({m0: total}, p, macro=_KOREA, horizon_end_year=2035)
    calls: dict[int, float] = {}
    for k in sorted(offsets[:n]):
        calls[m0 + k] = calls.get(m0 + k, 0.0) + total / n
    inst = fund(calls, p, macro=_KOREA, horizon_end_year=2035)
    assert inst.total_calls == pytest.approx(total, rel=1e-9)
    assert lump.total_cost >= inst.total_cost * (1 - 1e-9) - 1e-3
