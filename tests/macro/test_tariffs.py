"""Tariff model: the derived trade base, savings by scenario, break-even and the decline option,
each against numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builders import pipeline, project, variant
from pledgelab import InputError, Pipeline, TermSheet
from pledgelab.macro import (
    SCENARIOS,
    VALUE_MEASURES,
    break_even,
    decline_option,
    load_macro,
    read_macro,
    tariff_savings,
    trade_base,
)
from pledgelab.terms import Status, load_deal

BASE = 1.39e9 / 0.10 * 12  # $166.8B a year, from Meritz's $1.39B a month paid at 10%
GAP = 0.25 - 0.15  # the threatened rate minus the deal rate
YEAR = GAP * BASE  # $16.68B a year
KR_DEAL = "us-korea-2025-11"


# -- the trade base ----------------------------------------------------------------------------------

def test_korea_trade_base_is_an_assumption_derived_from_the_tariff_paid() -> None:
    data = load_macro("tariffs")
    c = data.clause("us_dutiable_imports_usd", "KR")
    assert c.value == pytest.approx(166.8e9) == pytest.approx(BASE)
    assert c.unit == "USD/year" and c.status is Status.ASSUMED
    assert c.reason and "DERIVED" in c.reason and "13.9" in c.reason and "exemptions" in c.reason
    assert [a.value for a in c.alternatives] == [pytest.approx(1.39e9 * 12 / 0.15),
                                                 pytest.approx(1.39e9 * 12 / 0.075)]
    assert [r.key for r in c.references] == ["chosun-meritz"]
    assert VALUE_MEASURES["us_dutiable_imports_usd"].unit == "USD/year"
    assert trade_base("KR") == c


def test_japan_has_no_trade_base_and_the_error_names_the_gap() -> None:
    data = load_macro("tariffs")
    assert "us_dutiable_imports_usd" in data.economy("JP").gaps
    with pytest.raises(ValueError, match=r"no trade base for JP: .*documented gap.*exports="):
        tariff_savings("JP", scenario="deal-holds", years=[2026])
    # with a user-supplied base it runs, and the base is marked as the user's assumption
    r = tariff_savings("JP", scenario="deal-holds", years=[2026], exports=100e9)
    assert r.by_year() == {2026: pytest.approx(10e9)}
    assert r.trade_base.status is Status.ASSUMED and r.trade_base.reason
    with pytest.raises(ValueError, match="non-negative"):
        trade_base("JP", exports=-1.0)


def test_trade_base_with_a_wrong_unit_is_rejected_with_file_line_field(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text(
        "schema: pledgelab.macro/1\nid: t\ntitle: t\nsummary: t\n"
        "references: {r: {title: r, url: 'https://example.org'}}\n"
        "economies:\n  KR:\n    name: Korea\n    currency: KRW\n    values:\n"
        "      us_dutiable_imports_usd:\n"
        "        {value: 1.0, unit: USD/month, label: x, status: reported, refs: [r]}\n")
    with pytest.raises(InputError, match=r"t.yaml:12: economies.KR.values.us_dutiable_imports_usd.unit: "
                                         r"unit 'USD/month' is not accepted here; expected 'USD/year'"):
        read_macro(f)


# -- savings by scenario ---------------------------------------------------------------------------

def test_deal_holds_full_years_and_the_prorated_first_year() -> None:
    r = tariff_savings("KR", scenario="deal-holds", years=range(2025, 2031))
    got = r.by_year()
    # 2025: the deal and the threat both start on 2025-08-07 -> 147 days of 365
    assert (dt.date(2025, 12, 31) - dt.date(2025, 8, 7)).days + 1 == 147
    assert got[2025] == pytest.approx(YEAR * 147 / 365) == pytest.approx(6.71770e9, rel=1e-5)
    assert r.years[0].days == 147
    for year in range(2026, 2031):  # a whole year at 15% vs 25% on $166.8B (2028 is a leap year)
        assert got[year] == pytest.approx(16.68e9)
    assert r.years[3].days == 366
    assert r.years[1].counterfactual_rate == pytest.approx(0.25)
    assert r.years[1].deal_rate == pytest.approx(0.15)
    assert {g.id for g in r.regimes} == {"kr-deal-2025-08", "kr-threat-2025"}


def test_ieepa_2026_saves_nothing_after_the_ruling() -> None:
    r = tariff_savings("KR", scenario="ieepa-2026", years=range(2025, 2031))
    got = r.by_year()
    assert got[2025] == pytest.approx(YEAR * 147 / 365)
    # 2026-01-01 .. 2026-02-23 at 25% vs 15% (54 days: IEEPA collection stopped at 00:00 on 02-24);
    # from 02-24 both sides pay Section 122's 10%
    assert got[2026] == pytest.approx(YEAR * 54 / 365) == pytest.approx(2.467726e9, rel=1e-6)
    assert r.years[1].days == 54 + 150  # Section 122 covers 150 days (02-24 .. 07-23), saving nothing
    assert all(got[y] == 0.0 for y in range(2027, 2031))
    assert "section-122-2026" in {g.id for g in r.regimes}


def test_step_up_2026_ends_the_saving_at_the_announcement() -> None:
    r = tariff_savings("KR", scenario="step-up-2026", years=[2026, 2027])
    assert r.by_year() == {2026: pytest.approx(YEAR * 25 / 365), 2027: 0.0}  # 2026-01-01 .. 01-25
    assert r.years[1].deal_rate == pytest.approx(0.25)
    with pytest.raises(ValueError, match="not defined for JP"):
        tariff_savings("JP", scenario="step-up-2026", years=[2026], exports=1e9)
    with pytest.raises(ValueError, match="unknown scenario 'nope'; known: deal-holds"):
        tariff_savings("KR", scenario="nope", years=[2026])


def test_every_scenario_has_a_reading_and_cites_its_regimes() -> None:
    for name, sc in SCENARIOS.items():
        assert sc.name == name and len(sc.reading) > 40
        r = tariff_savings("KR", scenario=name, years=[2026])
        for regime in r.regimes:
            for c in regime.clauses():
                assert c.references or (c.reason and c.alternatives)


# -- break-even ------------------------------------------------------------------------------------

def test_break_even_on_small_series() -> None:
    assert break_even([10.0, 10.0, 10.0], 15.0, discount_rate=0.0) == pytest.approx(1.5)
    # at 10% the series 10, 11, 12.1 is worth 10 a year: 25 is covered half-way through year 3
    assert break_even({2027: 12.1, 2025: 10.0, 2026: 11.0}, 25.0, discount_rate=0.10) == pytest.approx(2.5)
    assert break_even([10.0, 10.0], 20.0, discount_rate=0.0) == pytest.approx(2.0)
    assert break_even([10.0, 10.0], 20.01, discount_rate=0.0) is None
    assert break_even([0.0, 5.0], 2.5, discount_rate=0.0) == pytest.approx(1.5)
    assert break_even([], 0.0, discount_rate=0.05) == 0.0


# -- the decline option ----------------------------------------------------------------------------

def _loss_maker() -> tuple[TermSheet, Pipeline]:
    """One energy project that returns nothing: funding it just loses its capex (strategic cash, KR)."""
    p = project("p", capex=1e9, notice=dt.date(2026, 3, 2), operating_yield=0.0)
    return load_deal(KR_DEAL), pipeline(p)


def test_decline_option_without_a_step_up_declining_a_loss_maker_is_cheaper() -> None:
    deal, pl = _loss_maker()
    d = decline_option(deal, pl, "p", scenario="deal-holds", step_up_years=0, discount_rate=0.04)
    # funded: Korea pays $1B and gets nothing back; declined: nothing happens (nothing to divert)
    assert -1e9 < d.npv_fund < -0.98e9 and d.npv_decline == 0.0 and d.diverted_to_host == 0.0
    assert d.funding_cost == pytest.approx(-d.npv_fund) and d.step_up_cost == 0.0
    assert d.cheaper == "decline" and d.margin == pytest.approx(-d.npv_fund)
    assert d.investor == "KR" and d.economy == "KR" and d.step_up_years.value == 0.0


def test_decline_option_a_one_year_step_up_outweighs_the_loss() -> None:
    deal, pl = _loss_maker()
    d = decline_option(deal, pl, "p", scenario="deal-holds", discount_rate=0.0)
    # the default step-up lasts one year (an assumed clause): 365 days of (25% - 15%) x $166.8B
    assert d.step_up_years is deal.clause("non_funding.step_up_years")
    assert d.step_up_years.status is Status.ASSUMED and d.step_up_years.value == 1.0
    assert d.step_up_years.reason and d.step_up_years.alternatives
    assert d.step_up_rate.value == 0.25 and d.deal_rate.value == 0.15
    assert d.step_up_start > dt.date(2026, 3, 2)  # the funding date after the notice
    assert d.step_up_cost == pytest.approx(16.68e9)
    assert d.npv_fund == pytest.approx(-1e9)
    assert d.cheaper == "fund" and d.margin == pytest.approx(16.68e9 - 1e9)
    assert set(d.inputs()) >= {"deal rate", "step-up rate", "trade base (USD a year)", "step-up years"}
    # discounted at 4%, a year of step-up from March 2026 is worth between 16.68/1.04 and 16.68
    d4 = decline_option(deal, pl, "p", scenario="deal-holds", discount_rate=0.04)
    assert 16.68e9 / 1.04 < d4.step_up_cost < 16.68e9


def test_decline_option_after_the_ruling_or_the_step_up_has_no_lever() -> None:
    deal, pl = _loss_maker()
    for sc in ("ieepa-2026", "step-up-2026"):  # the project's funding date is after both 2026 events
        d = decline_option(deal, pl, "p", scenario=sc, discount_rate=0.0)
        assert d.step_up_cost == 0.0 and d.cheaper == "decline"
    # a step-up to the deal rate costs nothing either
    flat = variant(KR_DEAL, {"non_funding.tariff_step_up": 0.15})
    d = decline_option(flat, pl, "p", scenario="deal-holds", discount_rate=0.0)
    assert d.step_up_cost == 0.0 and d.cheaper == "decline"


def test_decline_option_korea_diverts_distributions_until_the_shortfall_is_made_up() -> None:
    earner = project("a", capex=1e9, notice=dt.date(2026, 1, 5), operating_yield=0.2, life_years=10)
    loser = project("b", capex=0.5e9, notice=dt.date(2026, 3, 2), operating_yield=0.0)
    deal = load_deal(KR_DEAL)
    d = decline_option(deal, pipeline(earner, loser), "b", scenario="deal-holds", step_up_years=0,
                       discount_rate=0.0)
    # declining b: Korea saves b's $0.5B but the US takes $0.5B of a's distributions instead,
    # later; at a zero discount rate the two cancel
    assert d.diverted_to_host == pytest.approx(0.5e9)
    assert d.funding_cost == pytest.approx(0.0, abs=1e-3)
    d4 = decline_option(deal, pipeline(earner, loser), "b", scenario="deal-holds", step_up_years=0,
                        discount_rate=0.04)
    assert d4.funding_cost > 0  # discounted, paying later (by diversion) is cheaper than funding now
    with pytest.raises(ValueError, match="no project 'zz'"):
        decline_option(deal, pipeline(earner), "zz", discount_rate=0.04)


def test_decline_option_japan_needs_a_step_up_rate_and_a_base() -> None:
    deal = load_deal("us-japan-2025-09")
    pl = pipeline(project("p", capex=1e9, notice=dt.date(2026, 3, 2), operating_yield=0.0))
    with pytest.raises(ValueError, match=r"tariff_step_up is null.*step_up_rate="):
        decline_option(deal, pl, "p", discount_rate=0.04)
    with pytest.raises(ValueError, match="no trade base for JP"):
        decline_option(deal, pl, "p", discount_rate=0.04, step_up_rate=0.25)
    d = decline_option(deal, pl, "p", discount_rate=0.0, step_up_rate=0.25, exports=100e9)
    assert d.economy == "JP" and d.step_up_rate.status is Status.ASSUMED
    assert d.step_up_cost == pytest.approx(10e9)


def test_decline_option_reuses_a_funded_run_without_changing_the_answer() -> None:
    import pledgelab

    deal = pledgelab.load_deal("us-korea-2025-11")
    pipe = pledgelab.load_pipeline("korea-illustrative")
    fresh = decline_option(deal, pipe, "kr-pharma-api", discount_rate=0.04)
    reused = decline_option(deal, pipe, "kr-pharma-api", discount_rate=0.04,
                            funded_run=pledgelab.run(deal, pipe))
    assert (reused.npv_fund, reused.npv_decline, reused.step_up_cost, reused.cheaper) == \
        (fresh.npv_fund, fresh.npv_decline, fresh.step_up_cost, fresh.cheaper)
