"""The negotiator's numbers (analysis/_negotiation.py) against runs done here, independently."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from builders import pipeline, project, variant
from pledgelab import load_deal, load_pipeline
from pledgelab.analysis import break_even_share, clause_values, exposure, negotiator_view
from pledgelab.engine import run
from pledgelab.terms import read_term_sheet

KOREA = load_pipeline("korea-illustrative")


def _npv(res, party: str, rate: float) -> float:  # type: ignore[no-untyped-def]
    """NPV by hand: monthly flows discounted at (1 + rate) ** (t / 12) from the run's first month."""
    cash = res.net(party)
    t = np.arange(cash.shape[0])
    return float(np.sum(cash / (1.0 + rate) ** (t / 12.0)))


def test_the_value_of_a_clause_is_the_difference_of_two_runs() -> None:
    deal = load_deal("us-korea-2025-11")
    rate = float(deal.value("distribution.deemed_benchmark"))
    values = {c.name: c for c in clause_values(deal, KOREA)}
    with_ = run(variant(deal, {"distribution.loss_treatment": "capital-first"}), KOREA)
    without = run(variant(deal, {"distribution.loss_treatment": "investor-bears"}), KOREA)
    for party in ("KR", "US"):
        want = _npv(with_, party, rate) - _npv(without, party, rate)
        assert values["principal first"].npv[party] == pytest.approx(want, rel=1e-9, abs=1e3)
    applied = run(variant(deal, {"distribution.review_action": "adjust-shares",
                                 "distribution.review_shares": {"KR": 1.0, "US": 0.0}}), KOREA)
    as_written = run(deal, KOREA)
    want = _npv(applied, "KR", rate) - _npv(as_written, "KR", rate)
    assert values["review applied: 100/0 at year 20"].npv["KR"] == pytest.approx(want, rel=1e-9, abs=1e3)
    assert want > 0
    uncapped = run(variant(deal, {"timeline.annual_cap": None}), KOREA)
    for party in ("KR", "US"):
        want = _npv(as_written, party, rate) - _npv(uncapped, party, rate)
        assert values["annual cap"].npv[party] == pytest.approx(want, rel=1e-9, abs=1e3)


def test_a_term_that_moves_nothing_is_said_in_words() -> None:
    deal = load_deal("us-korea-2025-11")
    values = {c.name: c for c in clause_values(deal, KOREA)}
    assert values["deemed spread"].words and "moves no outcome" in values["deemed spread"].words
    assert values["principal first"].words is None


def test_at_the_break_even_share_the_investor_s_npv_is_zero() -> None:
    deal = load_deal("us-korea-2025-11")
    share, words = break_even_share(deal, KOREA)
    assert share is not None and 0.0 < share < 1.0 and "%" in words
    rate = float(deal.value("distribution.deemed_benchmark"))
    tiers = [{"shares": {"KR": share, "US": 1.0 - share}, "until": "end"}]
    from pledgelab.terms import Tier
    at = variant(deal, {"distribution.tiers": tuple(Tier(shares=t["shares"], until="end") for t in tiers),
                        "distribution.review_horizon": None})
    # within the bisection's step: $200B at stake, a 1e-4 step in share moves NPV by well under $0.1B
    assert abs(_npv(run(at, KOREA), "KR", rate)) < 0.1e9


def test_exposure_counts_cash_calls_and_undrawn_cover_on_a_hand_case() -> None:
    # one project that never earns: the counter's loans and equity are KR's cash, its guarantees are
    # called up to their limit (a limit of $1B here), and before the first call the undrawn cover is
    # the guaranteed balance (coverage 1), within the limit.
    deal = variant("korea-counter-2025-10", {"amount.guarantee_limit": None},
                   tranches={"korean-guarantees": {"limit": 1e9}})
    pipe = pipeline(project("a", capex=10e9, notice=dt.date(2026, 3, 1), operating_yield=0.0,
                            sector="energy"))
    res = run(deal, pipe)
    e = exposure(res)
    own = -sum(float(ln.values.clip(max=0).sum()) for ln in res.lines
               if ln.party == "KR" and ln.kind == "capital call")
    assert e.cash == pytest.approx(own)
    assert e.guarantee_calls == pytest.approx(1e9, rel=1e-12)
    assert e.peak_undrawn == pytest.approx(1e9, rel=1e-12)
    assert e.peak_total == pytest.approx(own + 1e9, rel=1e-9)


def test_share_of_net_value_adds_up_and_disputed_readings_are_a_range(tmp_path: Path) -> None:
    deal = load_deal("us-korea-2025-11")
    view = negotiator_view(deal, KOREA)
    assert view.value_share is not None
    assert sum(view.value_share.values()) == pytest.approx(1.0)
    # Korea's MOU has no disputed clause since the 2026 corrections (its funding lag is
    # `reported`, record-2026 item 9): a copy of the file with the lag disputed again
    text = Path(deal.origin.path).read_text(encoding="utf-8")  # type: ignore[union-attr]
    marked = "      label: Korea funds on a date at least 45 business days after the US notice\n"
    assert text.count(marked + "      status: reported\n") == 1
    copy = tmp_path / "us-korea-2025-11.yaml"
    copy.write_text(text.replace(marked + "      status: reported\n", marked + "      status: disputed\n"),
                    encoding="utf-8")
    disputed = negotiator_view(read_term_sheet(copy), KOREA)
    assert disputed.readings and disputed.readings[0].label == "as written"
    assert any(r.npv is not None and r.label != "as written" for r in disputed.readings)


def test_tax_credited_to_the_host_is_the_rate_times_pre_tax_income_on_a_hand_case() -> None:
    # $12B, 12%/yr after tax (120M a month) for 10 years, depreciation 12B / 120 = 100M a month:
    # after-tax income 20M a month, so pre-tax income 20M / (1 - 0.25) = 26.67M and the tax
    # 0.25 x 26.67M = 6.67M a month, 800M in all.
    from pledgelab.analysis import host_tax

    deal = variant("us-korea-2025-11", {"distribution.host_tax_rate": 0.25})
    pipe = pipeline(project("a", capex=12e9, notice=dt.date(2026, 3, 2), operating_yield=0.12,
                            life_years=10))
    tax = host_tax(run(deal, pipe))
    assert tax is not None
    pre_tax_income = 120 * (120e6 - 100e6) / (1 - 0.25)
    assert tax.total == pytest.approx(0.25 * pre_tax_income, rel=1e-12)
    assert np.count_nonzero(tax.by_month) == 120
    assert sum(tax.pre_tax_share.values()) == pytest.approx(1.0)
    assert host_tax(run(variant(deal, {"distribution.host_tax_rate": 0.0}), pipe)).total == 0.0  # type: ignore[union-attr]


def test_the_counter_s_recorded_reading_equals_the_written_in_split_it_replaced() -> None:
    # Korea funds all the equity routed to the rule, so "in proportion to contribution" is 100/0
    from pledgelab.analysis import disputed_readings

    deal = load_deal("korea-counter-2025-10")
    rs = disputed_readings(deal, KOREA, paths=["distribution.tiers"])
    assert rs[0].label == "as written" and rs[0].npv is not None and rs[1].npv is not None
    assert rs[0].npv["KR"] == pytest.approx(rs[1].npv["KR"], rel=1e-12)
    assert rs[0].npv["US"] == pytest.approx(0.0, abs=1e-3)


def test_japan_s_loan_reading_of_the_method_is_run_with_its_assumed_terms() -> None:
    from pledgelab.analysis import disputed_readings

    deal = load_deal("us-japan-2025-09")
    pipe = load_pipeline("japan-first-tranche")
    rs = [r for r in disputed_readings(deal, pipe) if r.clause.endswith(".method")]
    written = rs[0]
    loan = next(r for r in rs if r.value == "loan")
    assert written.npv is not None and loan.npv is not None and "assumed loan terms" in loan.label
    assert loan.npv["JP"] > written.npv["JP"]  # Japan collects interest instead of sharing 50/50
    guarantee = next(r for r in rs if r.value == "guarantee")
    assert guarantee.npv is None and guarantee.problem and "refuses" in guarantee.problem


def test_capped_risk_is_a_direct_simulation_with_the_agreed_amounts_enforced() -> None:
    from pledgelab import simulate
    from pledgelab.analysis import capped_risk

    deal = load_deal("us-korea-2025-11")
    got = capped_risk(deal, KOREA, paths=200, seed=11)
    mc = simulate(deal, pipeline=KOREA, paths=200, seed=11, overrun="host-beyond-cap")
    assert got.overrun == "host-beyond-cap" and got.paths == 200 and got.seed == 11
    for party in ("KR", "US"):
        i = list(mc.parties).index(party)
        npv = np.sort(mc.npv[i])
        # p5 by linear interpolation between order statistics (numpy's default), written out here
        h = 0.05 * (npv.size - 1)
        lo = int(np.floor(h))
        want = npv[lo] + (h - lo) * (npv[lo + 1] - npv[lo])
        assert got.npv_p5[party] == pytest.approx(want, rel=1e-12, abs=1.0)
        loss = sum(1 for r, c in zip(mc.received[i], mc.contributed[i], strict=True) if r < c) / 200
        assert got.p_loss[party] == pytest.approx(loss, abs=1e-12)


def test_tariff_relief_is_the_macro_benefit_discounted_by_year() -> None:
    from pledgelab.macro import tariff_benefit, tariff_relief

    deal = load_deal("us-korea-2025-11")
    rate = 0.04
    got = tariff_relief(deal, years=10, discount_rate=rate, first_year=2026)
    inc = tariff_benefit("KR", scenario="deal-holds", years=range(2026, 2036))
    want_b = sum(y.benefit / (1.0 + rate) ** k for k, y in enumerate(inc.years))
    want_r = sum(y.customs_revenue / (1.0 + rate) ** k for k, y in enumerate(inc.years))
    assert got.benefit == pytest.approx(want_b, rel=1e-12)
    assert got.revenue_forgone == pytest.approx(want_r, rel=1e-12)
    assert got.benefit > 0 and got.revenue_forgone > 0
    view = negotiator_view(deal, KOREA, discount_rate=rate, paths=0)
    assert view.risk is None and view.relief is not None
    assert view.relief.benefit == pytest.approx(want_b, rel=1e-12)
