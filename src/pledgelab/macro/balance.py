"""The pledge as a balance sheet: reserves, liabilities, the net position, and costs in present value.

:func:`balance_sheet` runs a deal's investor flows (calls out, distributions and
returned cash back) through a funding plan (:func:`pledgelab.macro.fund`) and adds
what the reserves alone do not show:

* the **value of the position** at the end of each year: the engine's NPV, at
  the stated rate and at that date, of the investor's flows still to come (its
  claims on the projects, net of the calls it has yet to pay);
* the **change in the net international investment position** against the
  no-pledge path, two ways that must agree (a test checks it every year)::

      dNIIP_t = (net reserves_t - no-pledge reserves_t) - market dollars to t + position_t
                [+ receipts to t, when the plan keeps them outside the reserves]
              = position_t + receipts to t - calls to t - dollar-debt interest to t
                - reserve income forgone to t

  (dollars bought in the won market leave residents' hands: they are paid in
  like the rest, but never pass through the reserves);
* **present values** at one stated rate, to January of the first year, of the
  calls, the receipts to the horizon, the position still held at the horizon
  and the dollar debt's own flows (service less draws, plus what is owed at the
  horizon); the net cost is ``calls - receipts - position + debt``. The
  dollar-debt interest and the reserve income forgone are shown beside it,
  not added (the stated rate already prices the dollars paid out);
* the **contingent liabilities**: the investor's guarantee cover (``RunResult.guaranteed``,
  the engine's undrawn cover within the limits at each month end) at each year end and at
  its peak, and the guarantee calls paid, beside the liabilities, never added to them;
* the **perimeter**: parties of the deal other than the investor and the host
  that also pay calls (the Korea MOU's shipbuilding package, funded by Korean
  firms) are shown beside it, never mixed in.

:func:`compare_balance_sheets` puts several deals on one first year and one horizon (by
default the last call of any of them plus the longest maturity of the plan's
dollar debt), so an up-front pledge and a capped one are read on the same
dates, at the same rate, from the same opening reserves.

:func:`tariff_relief` is the pledge's counterpart beside the balance sheet: the
investor's tariff benefit and the US customs revenue forgone
(:func:`pledgelab.macro.tariff_benefit`, the shipped incidence assumptions), present
value over a stated horizon, year ``k`` discounted by ``(1 + r) ** -k``
(:func:`pledgelab.macro.cumulative_savings`).

References
----------
IMF, *Balance of Payments and International Investment Position Manual*, 6th
ed. (BPM6, 2009), ch. 7: the IIP is external financial assets less
liabilities; reserve assets are one of its functional categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pledgelab.macro._data import MacroData
from pledgelab.macro.funding import (
    FundingPlan,
    FundingResult,
    fund,
    funding_horizon,
    investor_calls,
    load_funding,
    party_calls,
    party_receipts,
)
from pledgelab.macro.incidence import tariff_benefit
from pledgelab.macro.tariffs import cumulative_savings

if TYPE_CHECKING:
    from pledgelab.engine import RunResult
    from pledgelab.terms import TermSheet


@dataclass(frozen=True, slots=True, kw_only=True)
class TariffRelief:
    """The investor's tariff benefit and the US customs revenue forgone, present values, USD."""

    economy: str
    scenario: str
    first_year: int
    years: int  # the horizon, calendar years from ``first_year``
    rate: float
    benefit: float  # PV of the investor's benefit (margin + value added of volume kept)
    revenue_forgone: float  # PV of US customs revenue forgone


def tariff_relief(deal: TermSheet, *, years: int, discount_rate: float, first_year: int | None = None,
                  scenario: str = "deal-holds") -> TariffRelief:
    """The investor's tariff benefit and US revenue forgone over ``years`` calendar years from
    ``first_year`` (default: the year of the deal's ``as_of``), discounted to January of the
    first year at ``discount_rate``; ``ValueError`` where no tariff model covers the investor."""
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years!r}")
    y0 = deal.as_of.year if first_year is None else first_year
    res = tariff_benefit(deal.investor, scenario=scenario, years=range(y0, y0 + years))
    return TariffRelief(economy=deal.investor, scenario=scenario, first_year=y0, years=years,
                        rate=discount_rate,
                        benefit=cumulative_savings(res.benefit_by_year(), discount_rate=discount_rate)[-1],
                        revenue_forgone=cumulative_savings(res.revenue_by_year(),
                                                           discount_rate=discount_rate)[-1])


@dataclass(frozen=True, slots=True, kw_only=True)
class Contingent:
    """The investor's guarantees as contingent liabilities (undiscounted, USD)."""

    undrawn: np.ndarray  # cover left undrawn at each year end (the engine's ``guaranteed``)
    peak_undrawn: float  # the most undrawn at any month end of the run
    calls_paid: np.ndarray  # guarantee calls the investor paid, cumulative to each year end


@dataclass(frozen=True, slots=True, kw_only=True)
class OutsideParty:
    """A party outside the funding plan's perimeter that pays calls (e.g. a shipbuilding package's firms)."""

    party: str
    calls: float  # total
    receipts: float  # total, over the whole run
    pv_calls: float
    pv_receipts: float  # over the whole run


@dataclass(frozen=True, slots=True, kw_only=True)
class PresentValues:
    """Present values at ``rate``, to January of the first year (see the module docstring).

    ``debt`` is the dollar debt's own flows: interest and principal paid (at the end of
    their year) less the draws (in their month), plus what is still owed at the horizon;
    near zero when the debt costs the discount rate. ``interest`` and ``forgone_income``
    are shown for reading, not added again: the time value of the dollars paid out is
    already in ``calls`` at the stated rate.
    """

    rate: float
    calls: float
    receipts: float  # to the horizon
    position: float  # the position still held at the horizon, discounted from there
    debt: float
    interest: float  # dollar-debt interest (inside ``debt``)
    forgone_income: float  # reserve income forgone against the no-pledge path (memo)

    @property
    def net_cost(self) -> float:
        """Calls less receipts less the position at the horizon, plus the debt's own net cost."""
        return self.calls - self.receipts - self.position + self.debt


@dataclass(frozen=True, slots=True, kw_only=True)
class BalanceSheet:
    """One deal's pledge as a foreign-currency balance sheet, by calendar year (``funding.years``)."""

    deal: str
    investor: str
    funding: FundingResult
    position: np.ndarray  # value at the end of each year of the investor's flows after it
    forgone_income: np.ndarray  # reserve income forgone in each year against the no-pledge path
    niip_change: np.ndarray
    pv: PresentValues
    receipts_after_horizon: float  # what comes back after the horizon (inside ``position``)
    outside: tuple[OutsideParty, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)
    contingent: Contingent | None = None  # the investor's guarantees, when it gives any

    @property
    def years(self) -> tuple[int, ...]:
        return self.funding.years

    def niip_explicit(self) -> np.ndarray:
        """The change in the NIIP from the flows, the identity's second form (for checks)."""
        f = self.funding
        return np.asarray(self.position + np.cumsum(f.receipts) - np.cumsum(f.calls) - np.cumsum(f.interest)
                          - np.cumsum(self.forgone_income), dtype=np.float64)

    def rows(self) -> list[dict[str, float | int | None]]:
        """The funding rows plus the position and the NIIP change, one dict per year."""
        out = self.funding.rows()
        for i, row in enumerate(out):
            row["forgone_income"] = float(self.forgone_income[i])
            row["position"] = float(self.position[i])
            row["niip_change"] = float(self.niip_change[i])
        return out

    def summary(self) -> dict[str, float | int | str]:
        """The horizon's stocks and the present values, for tables and files."""
        f, pv = self.funding, self.pv
        return {"deal": self.deal, "plan": f.plan.id, "first_year": f.years[0], "horizon": f.horizon_end_year,
                "calls": f.total_calls, "receipts": float(f.receipts.sum()),
                "gross_reserves": float(f.reserves[-1]), "liabilities": float(f.liabilities[-1]),
                "net_reserves": float(f.net_reserves[-1]), "no_pledge": float(f.no_pledge[-1]),
                "lowest_net_reserves": float(f.net_reserves.min()), "position": float(self.position[-1]),
                "niip_change": float(self.niip_change[-1]), "discount_rate": pv.rate, "pv_calls": pv.calls,
                "pv_receipts": pv.receipts, "pv_position": pv.position, "pv_debt": pv.debt,
                "pv_interest": pv.interest, "pv_forgone_income": pv.forgone_income,
                "pv_net_cost": pv.net_cost,
                "market_dollars": float(f.market_dollars.sum()), "unfunded": f.total_unfunded,
                "contingent_undrawn": float(self.contingent.undrawn[-1]) if self.contingent else 0.0,
                "contingent_peak": self.contingent.peak_undrawn if self.contingent else 0.0,
                "guarantee_calls_paid": float(self.contingent.calls_paid[-1]) if self.contingent else 0.0}


def _pv_monthly(flows: dict[int, float], start_month: int, end_month: int | None, rate: float) -> float:
    return float(sum(v / (1.0 + rate) ** ((m - start_month) / 12.0) for m, v in flows.items()
                     if m >= start_month and (end_month is None or m < end_month)))


def contingent(result: RunResult, years: Sequence[int]) -> Contingent | None:
    """The investor's guarantee cover from the engine (``RunResult.guaranteed``: undrawn cover
    within the limits at each month end) and its guarantee calls paid, at each year end of
    ``years``; ``None`` when the run has no guarantee."""
    if result.guaranteed is None:
        return None
    g = np.asarray(result.guaranteed, dtype=np.float64)
    inv = result.deal.investor
    paid = np.zeros(result.months)
    for ln in result.lines:
        if ln.party == inv and ln.kind == "guarantee call":
            paid -= np.minimum(ln.values, 0.0)
    months = result.start + np.arange(result.months)
    cum = np.cumsum(paid)
    undrawn = np.zeros(len(years))
    calls = np.zeros(len(years))
    for i, y in enumerate(years):
        last = months < (y + 1) * 12
        if last.any():
            k = int(np.flatnonzero(last)[-1])
            undrawn[i] = g[k] if months[k] == (y + 1) * 12 - 1 else 0.0  # after the run: none
            calls[i] = cum[k]
    return Contingent(undrawn=undrawn, peak_undrawn=float(g.max(initial=0.0)), calls_paid=calls)


def balance_sheet(result: RunResult, plan: FundingPlan | str | Path, *, discount_rate: float,
                  horizon_end_year: int | None = None, first_year: int | None = None,
                  macro: MacroData | str | Path | None = None,
                  reserve_income: float | None = None, day_count: str = "months") -> BalanceSheet:
    """The balance sheet of ``result``'s investor under ``plan``, to ``horizon_end_year``.

    ``discount_rate`` (a year) values the position and the present values; the horizon
    defaults to :func:`~pledgelab.macro.funding.funding_horizon` of the investor's calls,
    the first year to the first call's. ``reserve_income`` overrides the macro file's
    figure (its alternative, for instance); ``day_count`` is passed to
    :func:`~pledgelab.macro.funding.fund` (``"months"`` or ``"act/365"``).
    """
    if not np.isfinite(discount_rate) or discount_rate <= -1:
        raise ValueError(f"discount_rate must be a finite rate above -100%, got {discount_rate!r}")
    plan = plan if isinstance(plan, FundingPlan) else load_funding(plan)
    deal = result.deal
    investor = deal.investor
    if plan.investor != investor:
        raise ValueError(f"plan {plan.id} funds investor {plan.investor}; {deal.id}'s investor is {investor}")
    calls = investor_calls(result)
    receipts = party_receipts(result, investor)
    horizon = funding_horizon(calls, plan) if horizon_end_year is None else horizon_end_year
    res = fund(calls, plan, macro=macro, horizon_end_year=horizon, receipts=receipts,
               first_year=first_year, reserve_income=reserve_income, day_count=day_count)
    r = discount_rate
    start_month = res.years[0] * 12
    end_month = (horizon + 1) * 12

    # The position at the end of year t: the investor's flows after it, discounted to that date.
    net = result.net(investor)
    months = result.start + np.arange(result.months)
    position = np.zeros(len(res.years))
    for i, y in enumerate(res.years):
        at = (y + 1) * 12
        later = months >= at
        position[i] = float(np.sum(net[later] / (1.0 + r) ** ((months[later] - at) / 12.0)))
    yld = res.reserve_yield
    prev = np.concatenate([[res.opening], res.no_pledge[:-1]])
    forgone = yld * prev - res.income
    niip = res.net_reserves - res.no_pledge - np.cumsum(res.market_dollars) + position
    if not plan.receipts_to_reserves:
        niip = niip + np.cumsum(res.receipts)
    year_end = (1.0 + r) ** -(np.arange(len(res.years)) + 1.0)  # flows of a year at its end
    debt = (float(np.sum((res.interest + res.principal) * year_end))
            - _pv_monthly(res.debt_draws, start_month, end_month, r)
            + float(res.liabilities[-1] * year_end[-1]))
    pv = PresentValues(rate=r, calls=_pv_monthly(calls, start_month, end_month, r),
                       receipts=_pv_monthly(receipts, start_month, end_month, r),
                       position=float(position[-1] * year_end[-1]), debt=debt,
                       interest=float(np.sum(res.interest * year_end)),
                       forgone_income=float(np.sum(forgone * year_end)))
    after = float(sum(v for m, v in receipts.items() if m >= end_month))
    outside = []
    for party in deal.parties:
        if party in (investor, deal.host):
            continue
        pc = party_calls(result, party)
        if not pc:
            continue
        pr = party_receipts(result, party)
        outside.append(OutsideParty(party=party, calls=sum(pc.values()), receipts=sum(pr.values()),
                                    pv_calls=_pv_monthly(pc, start_month, None, r),
                                    pv_receipts=_pv_monthly(pr, start_month, None, r)))
    notes = {"position": (f"position = the engine's NPV at {100 * r:.2f}%/yr, at each year end, of "
                          f"{investor}'s flows after it (calls still to pay included)"),
             "perimeter": (f"{investor}'s calls under plan {plan.id}"
                           + ("; outside it: " + ", ".join(o.party for o in outside) if outside else ""))}
    return BalanceSheet(deal=deal.id, investor=investor, funding=res, position=position,
                        forgone_income=forgone, niip_change=niip, pv=pv, receipts_after_horizon=after,
                        outside=tuple(outside), notes=notes, contingent=contingent(result, res.years))


def compare_balance_sheets(results: Sequence[RunResult], plan: FundingPlan | str | Path, *,
                           discount_rate: float, horizon_end_year: int | None = None,
                           macro: MacroData | str | Path | None = None,
                           reserve_income: float | None = None,
                           day_count: str = "months") -> list[BalanceSheet]:
    """Balance sheets of several deals on one first year, one horizon and one rate.

    The first year is the earliest first call of any deal; the horizon (default) the
    latest last call plus the longest maturity of the plan's dollar debt.
    """
    plan = plan if isinstance(plan, FundingPlan) else load_funding(plan)
    schedules = [investor_calls(r) for r in results]
    if not any(schedules):
        raise ValueError("no calls in any deal: nothing to compare")
    first = min(m // 12 for c in schedules for m in c)
    horizon = funding_horizon(list(schedules), plan) if horizon_end_year is None else horizon_end_year
    return [balance_sheet(r, plan, discount_rate=discount_rate, horizon_end_year=horizon, first_year=first,
                          macro=macro, reserve_income=reserve_income, day_count=day_count) for r in results]


__all__ = ["BalanceSheet", "Contingent", "OutsideParty", "PresentValues", "TariffRelief", "balance_sheet",
           "compare_balance_sheets", "contingent", "tariff_relief"]
