"""Share of total returns (distributions, loan interest, guarantee fees) against a hand check."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import pipeline, project, variant
from pledgelab import run
from pledgelab.metrics import party_outcomes, total_returns
from pledgelab.terms import Tier


def test_share_of_total_returns_counts_the_loans_interest_by_hand() -> None:
    """Korea's counter-proposal with its equity and loan tranches only, 50/50 to the end.

    Hand check: capex C = $1bn in one build month, split pro rata to the tranche amounts
    (equity $17.5bn, loans $91.25bn): the loan draws D = C x 91.25 / 108.75. Operations start
    the next month, so no interest is capitalised; the loan is an annuity at i = 6%/12 over
    the 24-month life (its 240-month tenor cut to the life): P = D i / (1 - (1 + i)^-24).
    Operating cash O = 0.6 / 12 x C = $50m a month covers P, so equity gets O - P a month,
    half to each party. KR's returns: 12 (O - P) + (24 P - D); the US's: 12 (O - P).
    """
    deal = variant("korea-counter-2025-10",
                   {"distribution.tiers": (Tier(shares={"KR": 0.5, "US": 0.5}, until="end"),),
                    "distribution.loss_treatment": "investor-bears"},
                   drop_tranches=("masga", "korean-guarantees"))
    c = 1e9
    res = run(deal, pipeline(project("p", capex=c, notice=dt.date(2026, 3, 2), operating_yield=0.6,
                                     life_years=2)))
    d = c * 91.25 / 108.75
    i = 0.06 / 12
    p = d * i / (1 - (1 + i) ** -24)
    o = 0.6 / 12 * c
    interest = 24 * p - d  # about $53.5m
    us = 12 * (o - p)
    kr = us + interest
    parts = total_returns(res)
    assert parts["KR"]["loan interest"] == pytest.approx(interest, rel=1e-9)
    assert parts["KR"]["distributions"] == pytest.approx(us, rel=1e-9)
    out = {o_.party: o_ for o_ in party_outcomes(res, discount_rate=0.04)}
    assert out["KR"].share_of_distributions == pytest.approx(0.5)
    assert out["KR"].returns == pytest.approx(kr, rel=1e-9)
    assert out["KR"].share_of_total_returns == pytest.approx(kr / (kr + us), rel=1e-9)
    assert out["US"].share_of_total_returns == pytest.approx(us / (kr + us), rel=1e-9)
    assert out["KR"].share_of_total_returns > 0.5  # the interest is Korea's alone


def test_without_debt_the_two_shares_agree() -> None:
    from pledgelab import load_deal, load_pipeline

    res = run(load_deal("us-japan-2025-09"), load_pipeline("japan-first-tranche"))
    for o in party_outcomes(res, discount_rate=0.04):
        assert o.share_of_total_returns == pytest.approx(o.share_of_distributions, abs=1e-12)


def test_guarantee_fees_count_as_the_guarantors_returns() -> None:
    """The counter-proposal's guarantee pays the investor a 1% fee a year on the balance: a fee line
    of KR's is in its guarantee fees, and nobody else's."""
    from pledgelab import load_deal, load_pipeline

    res = run(load_deal("korea-counter-2025-10"), load_pipeline("korea-illustrative"))
    fees = {}
    for line in res.lines:
        if line.kind == "guarantee fee":
            fees[line.party] = fees.get(line.party, 0.0) + float(line.values.sum())
    parts = total_returns(res)
    assert fees and fees.get("KR", 0.0) > 0
    for party, got in parts.items():
        assert got["guarantee fees"] == pytest.approx(fees.get(party, 0.0))
        assert got["total"] == pytest.approx(got["distributions"] + got["loan interest"]
                                             + got["guarantee fees"])
