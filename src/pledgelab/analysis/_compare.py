"""Deals side by side: the four sticking points in plain words, and outcomes by party.

The four sticking points are those Korea's president named on 2025-10-24:
"the method of investment, the amount of investment, the timeline and how we
will share the losses and divide the dividends".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pledgelab._errors import ArgumentError
from pledgelab._words import percent as _percent
from pledgelab._words import usd as _dollars
from pledgelab.engine import Screen, deemed_rate, run
from pledgelab.metrics import DealOutcome, PartyOutcome, deal_outcome, default_discount_rate, party_outcomes
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet

STICKING_POINTS = ("method", "amount", "timeline", "losses and dividends")
_METHOD_WORDS = {
    "cash-capital-call": "cash by capital call",
    "equity": "equity",
    "loan": "loans",
    "guarantee": "guarantees",
    "corporate-fdi": "corporate FDI",
    "ship-finance": "ship finance",
}
_HURDLE_WORDS = {"principal": "principal is repaid",
                 "deemed-allocation-amount": "the deemed allocation amount is received"}


def method_words(deal: TermSheet) -> str:
    head = float(deal.value("amount.headline"))
    parts = []
    for tr in deal.tranches:
        share = float(tr.value("amount")) / head if head else 0.0
        who = tr.value("funded_by")
        parts.append(f"{_percent(share)} {_METHOD_WORDS[tr.method]} ({who})")
    return "; ".join(parts)


def amount_words(deal: TermSheet) -> str:
    own = sum(float(t.value("amount")) for t in deal.tranches
              if t.value("funded_by") == deal.investor)
    return f"{_dollars(float(deal.value('amount.headline')))} headline, " \
           f"{_dollars(own)} funded by the {deal.investor} government"


def timeline_words(deal: TermSheet) -> str:
    pacing = deal.value("timeline.pacing")
    lag = deal.clause("timeline.funding_lag")
    cap = deal.value("timeline.annual_cap")
    if pacing == "up-front":
        pace = f"all up front on {deal.value('timeline.first_funding')}"
    elif pacing == "instalments":
        pace = (f"{_dollars(float(deal.value('timeline.instalment_amount')))} a year for "
                f"{deal.value('timeline.instalment_years')} years from "
                f"{deal.value('timeline.first_funding')}")
    else:
        pace = "as projects call capital"
    capw = "no annual cap" if cap is None else f"at most {_dollars(float(cap))} a calendar year"
    return (f"{pace}; {capw}; funding at least {lag.value} {lag.unit.replace('-', ' ')} "
            f"after notice; projects selected by {deal.value('timeline.selection_deadline')}")


def sharing_words(deal: TermSheet) -> str:
    rate = deemed_rate(deal)
    steps = []
    for tier in deal.tiers:
        split = "/".join(f"{_percent(s)} {p}" for p, s in tier.shares.items())
        steps.append(split if tier.until == "end" else f"{split} until {_HURDLE_WORDS[tier.until]}")
    loss = {"investor-bears": f"losses fall on {deal.investor}",
            "capital-first": f"{deal.investor} is repaid principal first",
            "host-clawback": f"{deal.host} returns distributions to cover {deal.investor}'s lost "
                             "principal"}[str(deal.value("distribution.loss_treatment"))]
    review = deal.value("distribution.review_horizon")
    rev = f"; shares reviewable after {review // 12} years" if review else ""
    return (f"{', then '.join(steps)} (deemed interest {_percent(rate, 1)}/yr, "
            f"{deal.value('distribution.application')}); {loss}{rev}")


def sticking_points(deal: TermSheet) -> dict[str, str]:
    """The four sticking points of ``deal`` in plain words."""
    return {
        "method": method_words(deal),
        "amount": amount_words(deal),
        "timeline": timeline_words(deal),
        "losses and dividends": sharing_words(deal),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class DealComparison:
    """One deal's column of a comparison."""

    deal: TermSheet
    points: dict[str, str]
    parties: list[PartyOutcome]
    outcome: DealOutcome
    assumed: int  # clauses marked assumed
    disputed: int
    screen: Screen | None = None  # the "commercially reasonable" screen, when the deal has one


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewReading:
    """The review clause under one reading (``distribution.review_reading``)."""

    reading: str  # realised | projected
    current: bool  # the deal's own reading (else the alternative)
    triggered: int  # waterfalls where it triggers
    waterfalls: int
    first: str | None  # the first month it triggers
    investor_npv: float  # the investor's NPV under this reading


def review_readings(deal: TermSheet, pipeline: Pipeline, *,
                    discount_rate: float | None = None) -> list[ReviewReading]:
    """The deal's review clause read both ways: as a realised test at the horizon and as a
    projection (engine/_waterfall.py), each run on ``pipeline``; empty when the deal has no review
    clause. A deal without ``review_reading`` is read as realised only."""
    if not deal.value("distribution.review_horizon"):
        return []
    key = "distribution.review_reading"
    own = str(deal.value(key)) if key in deal.clauses else "realised"
    readings = ("realised", "projected") if key in deal.clauses and \
        "distribution.review_interval" in deal.clauses else (own,)
    rate = default_discount_rate(deal) if discount_rate is None else discount_rate
    out = []
    for reading in readings:
        d = deal if reading == own else replace(deal, clauses={
            **deal.clauses, key: deal.clauses[key].with_value(reading, note="the other reading")})
        res = run(d, pipeline)
        o = deal_outcome(res, discount_rate=rate)
        npv = next(p.npv for p in party_outcomes(res, discount_rate=rate) if p.party == deal.investor)
        out.append(ReviewReading(reading=reading, current=reading == own, triggered=o.review_triggered,
                                 waterfalls=o.waterfalls, first=o.first_review, investor_npv=npv))
    return out


def compare(deals: list[TermSheet], pipeline: Pipeline, *,
            discount_rate: float | None = None) -> list[DealComparison]:
    """Run each deal over the same pipeline and put the results side by side.

    ``discount_rate`` defaults to each deal's own deemed benchmark rate, and the
    rate used is reported with the outcome.
    """
    if isinstance(deals, TermSheet) or not isinstance(deals, list | tuple) or not deals or \
            not all(isinstance(d, TermSheet) for d in deals):
        raise ArgumentError.of("deals", "expected a non-empty list of TermSheet (pledgelab.load_deal)")
    if not isinstance(pipeline, Pipeline):
        raise ArgumentError.of("pipeline", "expected a Pipeline (pledgelab.load_pipeline), got "
                               f"{type(pipeline).__name__}")
    out = []
    for deal in deals:
        rate = default_discount_rate(deal) if discount_rate is None else discount_rate
        res = run(deal, pipeline)
        clauses = deal.all_clauses()
        out.append(DealComparison(
            deal=deal, points=sticking_points(deal),
            parties=party_outcomes(res, discount_rate=rate),
            outcome=deal_outcome(res, discount_rate=rate),
            assumed=sum(1 for c in clauses if c.status == "assumed"),
            disputed=sum(1 for c in clauses if c.status == "disputed"),
            screen=res.screen,
        ))
    return out
