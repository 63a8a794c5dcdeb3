"""Instalments yearly, quarterly or monthly, and interest by actual days from each funding date.

Published calculations of a pledge's funding cost ("$20B a year for ten years at 4.5%")
fix three things the deal files leave to the engine: how often the money goes out,
from which day interest runs, and the day count. This module states them:

:func:`instalments`
    ``per_year`` dollars a year in equal parts — one a year (``yearly``), four
    (``quarterly``) or twelve (``monthly``) — the first on ``start``, the others
    every 12, 3 or 1 months on the same day of the month (the month's last day
    where it is shorter), until ``total`` is paid (the last part cut to what is
    left).
:func:`accrued_interest`
    simple interest on each part from its funding date to ``until`` by actual
    days over 365 (``act/365``)::

        interest = amount x rate x (until - funding date).days / 365

    with the year-by-year split of the same days (so the years add up to the
    total), or compounded once a year on the same count (``amount x ((1 + rate)
    ** (days / 365) - 1)``). A part funded on or after ``until`` accrues nothing.
:func:`calls_of`
    the schedule as month-indexed calls for :func:`pledgelab.macro.fund`, which
    accrues its own interest by ``day_count="act/365"`` from the first day of each
    call's month.

The **net view** — gross reserves minus the pledge's foreign-currency debt — is
:attr:`pledgelab.macro.FundingResult.net_reserves`; :func:`net_view` lays it out
by year beside the reserves without the pledge.

>>> import datetime as dt
>>> s = instalments(40e9, start=dt.date(2026, 1, 15), per_year=20e9, frequency="quarterly")
>>> [(p.date.isoformat(), p.amount / 1e9) for p in s][:2]
[('2026-01-15', 5.0), ('2026-04-15', 5.0)]
>>> round(accrued_interest(s[:1], rate=0.0365, until=dt.date(2027, 1, 15)).total / 1e6, 1)
182.5
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pledgelab.macro.funding import FundingResult

#: Months between two parts of each frequency.
FREQUENCIES: dict[str, int] = {"yearly": 12, "quarterly": 3, "monthly": 1}
COMPOUNDING = ("simple", "annual")
MAX_PARTS = 100 * 12  # a century of monthly parts


@dataclass(frozen=True, slots=True)
class Payment:
    """One instalment: its funding date and dollars."""

    date: dt.date
    amount: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Interest:
    """Interest to ``until`` on a schedule: each part's, by calendar year, and in total."""

    rate: float
    until: dt.date
    compounding: str
    by_payment: tuple[float, ...]
    by_year: dict[int, float]

    @property
    def total(self) -> float:
        return float(sum(self.by_payment))


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def instalments(total: float, *, start: dt.date, per_year: float,
                frequency: str = "yearly") -> tuple[Payment, ...]:
    """``total`` paid ``per_year`` a year in equal parts at ``frequency`` from ``start`` (module doc)."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, got {frequency!r}")
    for name, x in (("total", total), ("per_year", per_year)):
        if not (isinstance(x, int | float) and math.isfinite(x) and x > 0):
            raise ValueError(f"{name} must be a positive amount of dollars, got {x!r}")
    step = FREQUENCIES[frequency]
    part = per_year * step / 12.0
    if total / part > MAX_PARTS:
        raise ValueError(f"{total:,.0f} at {part:,.0f} a part needs more than {MAX_PARTS} parts")
    out: list[Payment] = []
    left, k = float(total), 0
    while left > 1e-6 * part:
        amount = min(part, left)
        out.append(Payment(date=_add_months(start, k * step), amount=amount))
        left -= amount
        k += 1
    return tuple(out)


def calls_of(schedule: Sequence[Payment]) -> dict[int, float]:
    """The schedule as month-indexed calls (``year * 12 + month - 1`` -> dollars) for ``fund``."""
    out: dict[int, float] = {}
    for p in schedule:
        m = p.date.year * 12 + p.date.month - 1
        out[m] = out.get(m, 0.0) + p.amount
    return out


def accrued_interest(schedule: Sequence[Payment], *, rate: float, until: dt.date,
                     compounding: str = "simple") -> Interest:
    """Interest on each part from its funding date to ``until``, actual days over 365."""
    if not (math.isfinite(rate) and -1.0 < rate <= 1.0):
        raise ValueError(f"rate must be a fraction a year (0.045 for 4.5%), got {rate!r}")
    if compounding not in COMPOUNDING:
        raise ValueError(f"compounding must be one of {', '.join(COMPOUNDING)}, got {compounding!r}")
    by_payment: list[float] = []
    by_year: dict[int, float] = {}
    for p in schedule:
        days = max((until - p.date).days, 0)
        total = (p.amount * rate * days / 365.0 if compounding == "simple"
                 else p.amount * ((1.0 + rate) ** (days / 365.0) - 1.0))
        by_payment.append(total)
        if days == 0:
            continue
        # split by calendar year in proportion to the year's days (exact for simple interest)
        d = p.date
        while d < until:
            nxt = min(dt.date(d.year + 1, 1, 1), until)
            by_year[d.year] = by_year.get(d.year, 0.0) + total * (nxt - d).days / days
            d = nxt
    return Interest(rate=rate, until=until, compounding=compounding, by_payment=tuple(by_payment),
                    by_year=dict(sorted(by_year.items())))


@dataclass(frozen=True, slots=True, kw_only=True)
class NetRow:
    """One year of the net view, US dollars at the year end."""

    year: int
    gross_reserves: float
    pledge_debt: float
    net_reserves: float
    no_pledge: float

    @property
    def net_less_no_pledge(self) -> float:
        """What the pledge has taken out of the net reserves against the path without it."""
        return self.net_reserves - self.no_pledge


def net_view(result: FundingResult) -> tuple[NetRow, ...]:
    """Reserves minus the pledge's foreign-currency debt, by year, beside the reserves without the pledge."""
    net = result.net_reserves
    return tuple(NetRow(year=y, gross_reserves=float(result.reserves[i]),
                        pledge_debt=float(result.liabilities[i]), net_reserves=float(net[i]),
                        no_pledge=float(result.no_pledge[i])) for i, y in enumerate(result.years))


__all__ = ["COMPOUNDING", "FREQUENCIES", "Interest", "NetRow", "Payment", "accrued_interest", "calls_of",
           "instalments", "net_view"]
