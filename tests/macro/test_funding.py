"""Funding model: a hand-checked balance sheet, conservation of dollars, the accounting identities
on every shipped plan, the opening level counted once, the shipped plans, malformed plan files
rejected with file:line:field, lump sum vs instalments, and up-front bond-financed vs capped cash."""

from __future__ import annotations

import datetime as dt
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
    FundingResult,
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
  value: last-year-end
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
    maturity: {value: 2, unit: years, label: Maturity, status: assumed, reason: test, alternatives: [{value: 1, label: one}]}
    amortisation: {value: straight-line, unit: rule, label: Repaid, status: assumed, reason: test, alternatives: [{value: bullet, label: bullet}]}
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


def _clause(value: float | str | None, unit: str) -> Clause:
    return Clause(path="x", value=value, unit=unit, label="x", status=Status.ASSUMED, reason="test")


def _plan(sources: list[tuple[str, float | None, float]], *, investor: str = "KR",
          macro: str = "korea", maturity: int | None = None,
          amortisation: str = "straight-line") -> FundingPlan:
    """A plan built in memory: (kind, capacity or None, rate) per source, in order.

    Debt sources get ``maturity`` (None: never repaid within the horizon) and ``amortisation``.
    """
    def terms(kind: str) -> dict[str, Clause | None]:
        if maturity is None or KIND_EFFECTS[kind][2] == "none":
            return {}
        return {"maturity": _clause(maturity, "years"), "amortisation": _clause(amortisation, "rule")}

    return FundingPlan(
        id="mem", title="mem", summary="mem", investor=investor, macro=macro,
        reserves_baseline=Clause(path="reserves_baseline", value="last-year-end", unit="rule",
                                 label="x", status=Status.ASSUMED, reason="test"),
        sources=tuple(Source(id=f"s{i}", kind=k, capacity=_clause(cap, "USD/year"),
                             rates=(_clause(rate, "per-year"),), **terms(k))  # type: ignore[arg-type]
                      for i, (k, cap, rate) in enumerate(sources)),
        references={}, file="<memory>")


# -- a small case checked by hand ------------------------------------------------------------------

def test_hand_checked_case(plan: FundingPlan, korea: MacroData) -> None:
    # Calls: $30B in January 2026, $10B in July 2027; reserve income capped at $15B a year (and at
    # the year's income) at 3.6%, then bonds (unlimited) at 6%, repaid in two equal parts at the
    # ends of the two years after the draw; horizon end-2028.
    #   Yield y = 15 / 428.05 (reserve income over the end-2025 reserves, korea.yaml).
    #   Opening (end-2025) = 428.05: the first year follows the observation.
    #   2026: income y x 428.05 = 15; sources: income 15, bonds 15. Interest 15 x 6% = 0.90;
    #         gross = 428.05 + 15 - 0.90 + 15 (proceeds) - 30 (calls) = 427.15; liabilities 15.
    #   2027: income y x 427.15; call 10 (income, under both caps). Interest 0.90, principal 7.5;
    #         gross = 427.15 + income - 0.90 - 7.5 - 10; liabilities 7.5.
    #   2028: income y x gross_2027; interest 7.5 x 6% = 0.45, principal 7.5; liabilities 0.
    #   Cost: income (simple, to the horizon): 0.54, 0.54 + 10 x 3.6% x 6/12 = 0.72, 0.90;
    #         bonds (interest paid): 0.90, 0.90, 0.45.
    #   No pledge: 428.05 x (1 + y) = 443.05, then x (1 + y) each year.
    calls = {_month(2026, 1): 30e9, _month(2027, 7): 10e9}
    r = fund(calls, plan, macro=korea, horizon_end_year=2028)
    approx = pytest.approx
    y = 15 / 428.05
    g26 = 428.05e9 + 15e9 - 0.9e9 + 15e9 - 30e9
    g27 = g26 + y * g26 - 0.9e9 - 7.5e9 - 10e9
    g28 = g27 + y * g27 - 0.45e9 - 7.5e9
    assert r.years == (2026, 2027, 2028)
    assert r.opening == approx(428.05e9) and r.reserve_yield == approx(y, rel=1e-12)
    assert r.calls.tolist() == approx([30e9, 10e9, 0.0])
    assert r.amounts["reserve-income"].tolist() == approx([15e9, 10e9, 0.0])
    assert r.amounts["bonds"].tolist() == approx([15e9, 0.0, 0.0])
    assert r.unfunded.tolist() == approx([0.0, 0.0, 0.0])
    assert r.income.tolist() == approx([15e9, y * g26, y * g27], rel=1e-12)
    assert r.interest.tolist() == approx([0.9e9, 0.9e9, 0.45e9], rel=1e-12)
    assert r.principal.tolist() == approx([0.0, 7.5e9, 7.5e9], rel=1e-12)
    assert r.liabilities.tolist() == approx([15e9, 7.5e9, 0.0], abs=1e-3)
    assert r.reserves.tolist() == approx([g26, g27, g28], rel=1e-12)
    assert r.net_reserves.tolist() == approx([g26 - 15e9, g27 - 7.5e9, g28], rel=1e-12)
    assert r.no_pledge.tolist() == approx([428.05e9 * (1 + y) ** k for k in (1, 2, 3)], rel=1e-12)
    assert r.cost["reserve-income"].tolist() == approx([0.54e9, 0.72e9, 0.90e9], rel=1e-12)
    assert r.cost["bonds"].tolist() == approx([0.90e9, 0.90e9, 0.45e9], rel=1e-12)
    assert r.total_cost == approx(0.54e9 + 0.72e9 + 0.9e9 + 0.9e9 + 0.9e9 + 0.45e9, rel=1e-12)
    assert r.reserves_baseline == 428.05e9
    assert r.calls_to_reserves.tolist() == approx([30e9 / g26, 10e9 / g27, 0.0], rel=1e-12)
    assert r.current_account == 123.05e9 and r.gdp == 1.868e12
    assert r.calls_to_current_account is not None and r.calls_to_gdp is not None
    assert r.calls_to_current_account.tolist() == approx([30 / 123.05, 10 / 123.05, 0.0], rel=1e-12)
    assert r.calls_to_gdp.tolist() == approx([30 / 1868, 10 / 1868, 0.0], rel=1e-12)
    assert r.pledge_to_reserves == approx(40 / 428.05, rel=1e-12)
    assert r.market_dollars.tolist() == [0.0, 0.0, 0.0]
    assert "2025-12-31" in r.notes["reserves_baseline"] and "assumed" in r.notes["reserves_baseline"]
    assert len(r.rows()) == 3 and "net" in r.to_text()


def test_the_observation_is_counted_once(plan: FundingPlan, korea: MacroData) -> None:
    # A pledge paid in 2025, the year of the end-2025 observation: the opening is end-2024 on the
    # no-pledge path (428.05 / (1 + y)), so the no-pledge level at end-2025 is the observation
    # itself and 2025's income is earned once. A $15B call in March takes that year's income
    # (y x opening) and the rest from bonds (10 months of interest at 6%), so the net reserves
    # end at 428.05 - 15 - the interest.
    y = 15 / 428.05
    r = fund({_month(2025, 3): 15e9}, plan, macro=korea, horizon_end_year=2026)
    opening = 428.05e9 / (1 + y)
    income = y * opening
    assert r.opening == pytest.approx(opening, rel=1e-12)
    assert r.no_pledge[0] == pytest.approx(428.05e9, rel=1e-12)
    assert r.income[0] == pytest.approx(income, rel=1e-12)
    assert r.amounts["bonds"][0] == pytest.approx(15e9 - income, rel=1e-12)
    interest = (15e9 - income) * 0.06 * 10 / 12
    assert r.net_reserves[0] == pytest.approx(428.05e9 - 15e9 - interest, rel=1e-12)


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
    maturity = draw(st.none() | st.integers(1, 12))
    return _plan(sources, maturity=maturity, amortisation=draw(st.sampled_from(["straight-line", "bullet"])))


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
    last = plan.sources[-1]
    if last.capacity_usd is None and last.kind != "reserve-income":  # income: at most the year's
        assert r.total_unfunded == 0.0
    assert r.total_calls == pytest.approx(sum(calls.values()), rel=1e-12, abs=1e-3)
    _check_identities(r)


def _check_identities(r: FundingResult) -> None:
    """The balance sheet's identities, year by year (docs/macro.md), recomputed from the flows."""
    plan = r.plan
    debt = [s.id for s in plan.sources if KIND_EFFECTS[s.kind][2] != "none"]
    market = [s.id for s in plan.sources if KIND_EFFECTS[s.kind][1] == "market"]
    zero = np.zeros(len(r.years))
    proceeds = np.sum([r.amounts[i] for i in debt] or [zero], axis=0)
    bought = np.sum([r.amounts[i] for i in market] or [zero], axis=0)
    np.testing.assert_allclose(r.proceeds, proceeds, rtol=1e-12, atol=1e-3)
    np.testing.assert_allclose(r.market_dollars, bought, rtol=1e-12, atol=1e-3)
    back = r.receipts if plan.receipts is None or plan.receipts.value == "to-reserves" else zero
    gross_prev = np.concatenate([[r.opening], r.reserves[:-1]])
    liab_prev = np.concatenate([[0.0], r.liabilities[:-1]])
    np_prev = np.concatenate([[r.opening], r.no_pledge[:-1]])
    scale = max(1.0, float(np.abs(r.reserves).max()), r.total_calls)
    np.testing.assert_allclose(r.income, r.reserve_yield * gross_prev, rtol=1e-12, atol=1e-3)
    np.testing.assert_allclose(r.reserves - gross_prev,
                               r.income - r.interest - r.principal + proceeds + bought - r.calls + back,
                               rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(r.liabilities - liab_prev, proceeds - r.principal, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(r.net_reserves, r.reserves - r.liabilities, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(r.no_pledge, np_prev * (1 + r.reserve_yield), rtol=1e-12)
    assert (r.liabilities >= -1e-9 * scale).all()
    assert (r.interest >= 0).all() and (r.principal >= 0).all()


def test_unfunded_without_an_unlimited_source(korea: MacroData) -> None:
    p = _plan([("reserve-income", 15e9, 0.035), ("swap-line", 5e9, 0.04)])
    r = fund({_month(2026, 3): 30e9, _month(2027, 3): 12e9}, p, macro=korea, horizon_end_year=2027)
    assert r.amounts["s0"].tolist() == [15e9, 12e9]
    assert r.amounts["s1"].tolist() == [5e9, 0.0]
    assert r.unfunded.tolist() == [10e9, 0.0]


# -- reserves accounting ---------------------------------------------------------------------------

def test_each_kind_moves_the_reserves_as_its_table_says(korea: MacroData) -> None:
    # One $25B call in June 2026: reserve income 10 (spent from the reserves), a market purchase 5
    # (bought in the won market: never in the reserves), a swap draw 5 and bonds 5 (proceeds in,
    # calls out: the gross unchanged by them, the liabilities up by 10). Interest for the 7 months
    # from June: 5 x 4% x 7/12 + 5 x 5% x 7/12. Opening 428.05, income 15 (y x 428.05).
    p = _plan([("reserve-income", 10e9, 0.03), ("market-purchase", 5e9, 0.0), ("swap-line", 5e9, 0.04),
               ("guaranteed-bonds", None, 0.05)])
    r = fund({_month(2026, 6): 25e9}, p, macro=korea, horizon_end_year=2026)
    base = 428.05e9
    interest = 5e9 * 0.04 * 7 / 12 + 5e9 * 0.05 * 7 / 12
    assert [float(r.amounts[f"s{i}"][0]) for i in range(4)] == [10e9, 5e9, 5e9, 5e9]
    assert r.interest[0] == pytest.approx(interest, rel=1e-12)
    assert r.reserves[0] == pytest.approx(base + 15e9 - 10e9 - interest, rel=1e-12)
    assert r.liabilities[0] == pytest.approx(10e9, rel=1e-12)
    assert r.net_reserves[0] == pytest.approx(base + 15e9 - 10e9 - interest - 10e9, rel=1e-12)
    assert r.market_dollars.tolist() == [5e9]  # only the market purchase is dollar demand
    assert r.drawn.tolist() == [10e9]
    assert r.cost["s1"].sum() == 0.0


def test_red_line_baseline(korea: MacroData, tmp_path: Path) -> None:
    # Opening at the $400B red line; the yield is still 15 / 428.05, so 2026's income is
    # y x 400, all of it spent on the $20B call; the rest is borrowed (12 months at 6%).
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("value: last-year-end", "value: red-line"), encoding="utf-8")
    r = fund({_month(2026, 1): 20e9}, read_funding(path), macro=korea, horizon_end_year=2026)
    assert r.opening == korea.value("reserves_red_line_usd") == 400e9
    income = 15 / 428.05 * 400e9
    assert r.income[0] == pytest.approx(income, rel=1e-12)
    bonds = 20e9 - income
    assert r.net_reserves[0] == pytest.approx(400e9 + income - 20e9 - 0.06 * bonds, rel=1e-12)


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
    pipe = pledgelab.load_pipeline("korea-illustrative")
    r = pledgelab.run(pledgelab.load_deal("us-korea-2025-11"), pipe)
    calls = investor_calls(r)
    assert calls and all(v > 0 for v in calls.values())
    # the MOU cash projects' capex (every project but the shipyards), at most the $200B agreed
    cash = min(200e9, sum(float(p.capex.value) for p in pipe.projects if p.sector != "shipbuilding"))
    assert sum(calls.values()) == pytest.approx(cash, rel=1e-9)
    res = fund(calls, "korea-mof-2025", horizon_end_year=2049)
    assert res.calls.max() <= 20e9 * (1 + 1e-9)  # the $20B calendar-year cap
    assert res.total_calls == pytest.approx(cash, rel=1e-9)


# -- malformed plan files --------------------------------------------------------------------------

_BONDS_RATE = ("    rate: {value: 0.06, unit: per-year, label: Bond rate, status: assumed, reason: test, "
               "alternatives: [{value: 0.05, label: lower}]}\n")
_BONDS_AMORT = ("    amortisation: {value: straight-line, unit: rule, label: Repaid, status: assumed, "
                "reason: test, alternatives: [{value: bullet, label: bullet}]}\n")
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
    ("unlimited source not last", _BONDS_AMORT, _BONDS_AMORT + _EXTRA, "id: extra", "sources[2]",
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
    ("unknown baseline rule", "value: last-year-end", "value: trend", "value: trend",
     "reserves_baseline.value", "is not one of"),
    ("debt without maturity", "    maturity: {value: 2,", "    matured: {value: 2,", "id: bonds",
     "sources[1].maturity", "give its 'maturity'"),
    ("maturity on income", "    rate: {value: 0.036,", "    maturity: {value: 2, unit: years, label: M, "
     "status: reported, refs: [koo]}\n    rate: {value: 0.036,", "maturity: {value: 2, unit: years, label: M",
     "sources[0].maturity", "only a foreign-currency liability"),
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
    # By hand, the lump: 2026's income is y x 428.05 = 15 (3.5% to the horizon: 15 x 3.5% x 10 = 5.25);
    # 185 of bonds at 4% + 0.5% + 0.1% x 1.85 (the size slope) = 4.685%, repaid 18.5 a year at the
    # ends of 2027-2036, so outstanding 185, 185, 166.5, ..., 37 in 2026-2035 (sum 1,184):
    # interest 4.685% x 1,184 = 55.4704. Total 60.7204.
    assert lump.total_cost == pytest.approx(5.25e9 + 0.04685 * 1184e9, rel=1e-12)
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


# -- the balance sheet: identities on every shipped plan, and up-front bonds vs capped cash --------

_SHIPPED = [load_funding(n) for n in shipped("funding")]
_RECEIPTS = st.dictionaries(st.integers(_month(2026, 1), _month(2040, 12)), st.floats(-5e9, 30e9),
                            max_size=20)


@settings(max_examples=60, deadline=None)
@given(calls=st.dictionaries(st.integers(_month(2025, 1), _month(2035, 12)), st.floats(0.0, 120e9),
                             max_size=25),
       receipts=_RECEIPTS, which=st.integers(0, len(_SHIPPED) - 1))
def test_identities_hold_every_year_on_every_shipped_plan(calls: dict[int, float], receipts: dict[int, float],
                                                          which: int) -> None:
    plan = _SHIPPED[which]
    r = fund(calls, plan, horizon_end_year=2040, receipts=receipts, first_year=2025)
    _check_identities(r)
    total = r.unfunded + np.sum([a for a in r.amounts.values()], axis=0)
    np.testing.assert_allclose(total, r.calls, rtol=1e-12, atol=1e-3)
    if plan.market_limit is not None:  # the market's absorbable amount binds every year
        assert (r.market_dollars <= plan.market_limit * (1 + 1e-12)).all()
    for s in plan.sources:
        if s.total_usd is not None:
            assert r.amounts[s.id].sum() <= s.total_usd * (1 + 1e-12)


def test_shipped_plans_are_the_special_acts_sources(korea: MacroData) -> None:
    act = load_funding("korea-special-act-2026")
    assert [s.kind for s in act.sources] == ["government-contribution", "reserve-income", "guaranteed-bonds",
                                             "borrowing", "won-bonds", "entrusted-assets"]
    assert act.market_limit == korea.value("absorbable_outflow_usd") == 15e9
    # The ₩2T capital at the 2025 year-end close, in dollars (both figures cited in korea.yaml).
    close = korea.series("fx_level", "KR").at(dt.date(2025, 12, 31)).value  # the 2025 year-end close
    capital = korea.value("investment_corporation_capital_local") / close
    assert act.source("government-contribution").total_usd == pytest.approx(capital, rel=5e-3)
    income = korea.clause("reserve_income_usd")
    assert income.value == 15e9 and [a.value for a in income.alternatives] == [20e9]  # Koo; Kim Jung-kwan
    for p in _SHIPPED:
        for c in p.clauses():
            assert c.status is not Status.ASSUMED or (c.reason and c.alternatives), (p.id, c.path)
        for s in p.sources:
            if KIND_EFFECTS[s.kind][2] != "none":
                assert s.maturity is not None and s.amortisation is not None, (p.id, s.id)
    bonds = load_funding("korea-mof-2025").source("guaranteed-bonds")
    assert bonds.capacity_usd is None and bonds.capacity.status is Status.ASSUMED  # a reading, not a fact


@settings(max_examples=80, deadline=None)
@given(total=st.floats(20e9, 400e9), cap=st.floats(5e9, 40e9), income=st.floats(0.0, 30e9),
       spread=st.floats(0.0, 0.05), maturity=st.integers(1, 20),
       amortisation=st.sampled_from(["straight-line", "bullet"]))
def test_up_front_bonds_never_show_higher_net_reserves_than_capped_cash(
        total: float, cap: float, income: float, spread: float, maturity: int, amortisation: str) -> None:
    # The same total: all in January 2026, reserve income first and bonds for the rest; or at most
    # `cap` a year from January 2026, reserve income first and entrusted reserve assets for the
    # rest (no debt). With the bonds costing at least the reserve yield, the up-front pledge's net
    # reserves are never higher, in any year.
    y = _KOREA.value("reserve_income_usd") / 428.05e9
    up = _plan([("reserve-income", income, 0.0), ("guaranteed-bonds", None, y + spread)],
               maturity=maturity, amortisation=amortisation)
    capped = _plan([("reserve-income", income, 0.0), ("entrusted-assets", None, 0.0)])
    n = int(np.ceil(total / cap - 1e-9))
    calls_capped = {_month(2026 + k, 1): min(cap, total - k * cap) for k in range(n)}
    horizon = 2026 + max(n, maturity) + 2
    a = fund({_month(2026, 1): total}, up, macro=_KOREA, horizon_end_year=horizon)
    b = fund(calls_capped, capped, macro=_KOREA, horizon_end_year=horizon)
    assert a.total_calls == pytest.approx(b.total_calls, rel=1e-9)
    assert (a.net_reserves <= b.net_reserves + 1e-6 * total).all()
