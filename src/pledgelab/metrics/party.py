"""Outcomes per party: what went in, what came back, and when.

*Contributed* is what a party pays in capital calls, vehicle instalments and
guarantee calls; *received* is everything else it gets, net of what it hands
back (a clawback, a diversion).

*Total returns* are what a party earns from the projects rather than gets back of
what it lent: its distributions (every tier, own returns, the host's residual,
as in the share of distributions), the interest on its loans and the guarantee
fees it is paid. A loan's interest is its debt service less the principal
drawn on it, project by project and tranche by tranche (a loan that pays back
less than it lent earns no interest; its loss shows in the party's net, not
here). The *share of total returns* is a party's total returns over every
party's: the measure of the argument that a lender "will simply be collecting
the interest payments" (Akazawa, September 2025, quoted by IELP:
https://ielp.worldtradelaw.net/2025/09/have-the-japanese-turned-investment-lemons-into-investment-project-lemonade)
beside the share of distributions, which counts the waterfall alone.

NPV discounts monthly flows at a stated annual rate to the first month of the
run: ``cf_t / (1 + r) ** (t / 12)``. MOIC is received over contributed.
Payback is the first month cumulative net cash turns non-negative after
having been negative. The recovery date of the deemed allocation amount is
the month the last waterfall balance reaches zero (per project, or the pool).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pledgelab._errors import Problem
from pledgelab._limits import LimitError, check, finite
from pledgelab._months import month_label
from pledgelab.engine import CONTRIBUTIONS, RunResult
from pledgelab.metrics.irr import IrrReason, irr_annual
from pledgelab.terms import TermSheet


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyOutcome:
    """One party's outcome in one run."""

    party: str
    contributed: float
    received: float
    net: float
    npv: float
    irr: float
    irr_reason: str
    moic: float
    payback: str | None
    share_of_distributions: float
    returns: float = 0.0  # distributions + loan interest + guarantee fees, USD
    share_of_total_returns: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DealOutcome:
    """Deal-level outcomes that are not one party's."""

    discount_rate: float
    deemed_rate: float
    daa_recovered: str | None  # month all deemed allocation amounts were recovered
    daa_unrecovered: int  # waterfalls that never recover
    waterfalls: int
    review_triggered: int  # waterfalls where the review clause triggers
    first_review: str | None
    investor_calls_by_year: dict[int, float]
    projects: dict[str, str]  # project -> schedule status


def default_discount_rate(deal: TermSheet) -> float:
    """The rate NPVs are discounted at unless one is given: the deal's deemed benchmark
    (``distribution.deemed_benchmark``), the rate the deal itself treats as the cost of money."""
    return float(deal.value("distribution.deemed_benchmark"))


def present_values(cash: np.ndarray, rate: float, *, per_year: int = 12) -> np.ndarray:
    """Each flow of a series discounted at ``rate`` per year: ``cf_t / (1 + r) ** (t / per_year)``.

    Period 0 is undiscounted; ``per_year`` is 12 for monthly series, 1 for yearly ones. A rate
    that is not finite, or at or below -100% a year, is a ``LimitError`` (no present value).
    """
    if not finite(rate, field="rate") > -1.0:
        raise LimitError([Problem("argument", 0, "rate", f"must be above -1 (-100% a year), got {rate!r}")])
    t = np.arange(cash.shape[-1], dtype=np.float64)
    return np.asarray(cash / np.power(1.0 + rate, t / float(per_year)), dtype=np.float64)


def npv(cash: np.ndarray, rate: float, *, per_year: int = 12) -> float:
    """Net present value at ``rate`` per year of a monthly series (month 0 undiscounted)."""
    return float(np.sum(present_values(cash, rate, per_year=per_year)))


_DISTRIBUTIONS = ("distribution", "own returns", "residual")


def total_returns(res: RunResult) -> dict[str, dict[str, float]]:
    """Each party's total returns by part: ``distributions``, ``loan interest``, ``guarantee fees``
    and their ``total`` (USD, whole run).

    Loan interest is matched tranche by tranche: a ``debt service`` line and the ``capital call``
    line of the same project and tranche (their clauses share the tranche's path), service less
    principal, floored at zero.
    """
    out = {p: {"distributions": 0.0, "loan interest": 0.0, "guarantee fees": 0.0}
           for p in res.parties()}
    service: dict[tuple[str, str, str], float] = {}
    drawn: dict[tuple[str, str, str], float] = {}
    for line in res.lines:
        total = float(line.values.sum())
        tranche = line.clause.rsplit(".", 1)[0]
        if line.kind.startswith(_DISTRIBUTIONS):
            out[line.party]["distributions"] += total
        elif line.kind == "guarantee fee":
            out[line.party]["guarantee fees"] += total
        elif line.kind == "debt service":
            key = (line.party, line.project, tranche)
            service[key] = service.get(key, 0.0) + total
        elif line.kind == "capital call":
            key = (line.party, line.project, tranche)
            drawn[key] = drawn.get(key, 0.0) - total
    for (party, project, tranche), paid in service.items():
        out[party]["loan interest"] += max(0.0, paid - drawn.get((party, project, tranche), 0.0))
    for parts in out.values():
        parts["total"] = parts["distributions"] + parts["loan interest"] + parts["guarantee fees"]
    return out


def party_outcomes(res: RunResult, *, discount_rate: float) -> list[PartyOutcome]:
    """Outcome of every party of the deal (``discount_rate`` within the limits of
    ``pledgelab._limits.LIMITS["discount_rate"]``)."""
    check("discount_rate", discount_rate)
    distributions = {p: 0.0 for p in res.parties()}
    for line in res.lines:
        if line.kind.startswith(_DISTRIBUTIONS):
            distributions[line.party] += float(line.values.sum())
    total_dist = sum(distributions.values())
    returns = total_returns(res)
    total_ret = sum(r["total"] for r in returns.values())
    out: list[PartyOutcome] = []
    for party in res.parties():
        paid = np.zeros(res.months)
        got = np.zeros(res.months)
        for line in res.lines:
            if line.party != party:
                continue
            if line.kind in CONTRIBUTIONS:
                paid += np.minimum(line.values, 0.0)
                got += np.maximum(line.values, 0.0)
            else:
                got += line.values  # distributions net of clawbacks and diversions
        net = paid + got
        contributed = float(-paid.sum()) + 0.0
        received = float(got.sum())
        irr, reasons = irr_annual(net)
        moic = received / contributed if contributed > 0 else float("nan")
        cum = np.cumsum(net)
        payback = None
        neg = np.flatnonzero(cum < -1e-6)
        if neg.size:
            after = np.flatnonzero(cum[neg[0]:] >= -1e-6)
            if after.size:
                payback = month_label(res.start + neg[0] + int(after[0]))
        out.append(PartyOutcome(
            party=party, contributed=contributed, received=received, net=float(net.sum()),
            npv=npv(net, discount_rate), irr=float(irr[0]),
            irr_reason=str(reasons[0] if reasons[0] is not IrrReason.OK else "ok"),
            moic=moic, payback=payback,
            share_of_distributions=distributions[party] / total_dist if total_dist > 0 else 0.0,
            returns=returns[party]["total"],
            share_of_total_returns=returns[party]["total"] / total_ret if total_ret > 0 else 0.0,
        ))
    return out


def deal_outcome(res: RunResult, *, discount_rate: float) -> DealOutcome:
    rec = [int(wf.recovered[0]) for wf in res.waterfalls.values()]
    never = sum(1 for r in rec if r < 0)
    last = max(rec) if rec and never == 0 else None
    reviews = [int(wf.review_month[0]) for wf in res.waterfalls.values()
               if bool(wf.review_triggered[0])]
    calls: dict[int, float] = {}
    for line in res.lines:
        if line.party == res.deal.investor and line.kind in ("capital call", "instalment"):
            for i in np.flatnonzero(line.values):
                year = (res.start + int(i)) // 12
                calls[year] = calls.get(year, 0.0) - float(line.values[i])
    return DealOutcome(
        discount_rate=discount_rate, deemed_rate=res.rate,
        daa_recovered=None if last is None else month_label(res.start + last),
        daa_unrecovered=never, waterfalls=len(rec), review_triggered=len(reviews),
        first_review=month_label(res.start + min(reviews)) if reviews else None,
        investor_calls_by_year=dict(sorted(calls.items())),
        projects={ps.project.id: ps.status for ps in res.schedule.projects},
    )
