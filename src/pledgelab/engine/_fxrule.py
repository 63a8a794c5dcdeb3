"""The FX-safeguard clause as the schedule applies it: pressure, request, answer, deferral.

The Korea MOU lets the investor "request an adjustment in the amount and timing
of the funding" when fulfilling it "may cause market instability, such as
disorderly movements of Korean won", and the host "will, in good faith, give due
consideration" (``fx_safeguard.available``). The numbers that make the clause a
rule are assumptions kept in a data file (:mod:`pledgelab.macro.safeguard`);
this module holds what the schedule needs of them, path-independent.

**The rule, month by month** (the scalar schedule, :mod:`pledgelab.engine._schedule`,
and the compiled kernel, :mod:`pledgelab.engine._kernel`, both implement it; the
kernel is tested against the scalar twin):

1. *Demand.* The dollars the investor pays in a month (its share of every call
   it funds; for a vehicle deal, the instalments it pays in) are dollar demand
   on its currency, or only the part the funding plan buys in the market
   (:meth:`FxRule.demand`: within a calendar year, the cumulative calls beyond
   the capacity of the sources ahead of a market-purchase source, up to that
   source's capacity).
2. *Pressure.* At the start of month ``t``, before its calls, the indicator is
   ``P_t = S_t · exp(impact · (D_t + F))``: the exchange rate of the path (units of
   currency per dollar; the driver's) weakened by ``impact`` log-points per
   dollar of demand ``D_t`` over the ``window`` months before ``t`` and, under the
   **forward** reading, by ``F``, the demand of the calls scheduled over the next
   ``forward_months`` (the annual cap pro rata, on the demand basis: what Seoul
   weighed in December 2025, the $20B scheduled for 2026), counted while calls
   remain; the **level** reading has ``F = 0``. With ``impact = 0`` the indicator
   is the driver's path, unchanged.
3. *Request and answer.* When ``P_t`` is above ``threshold`` and no request is
   running, the investor requests an adjustment (only if the deal has the
   clause); the answer is ``accept[t]`` (in Monte Carlo, a uniform below the
   stated acceptance probability). A refused request stands until the pressure
   falls back to the threshold or below; then a new crossing may bring a new
   request.
4. *Deferral.* While an accepted request runs (the pressure above the
   threshold, for at most ``max_deferral`` months from the request), no call
   the investor funds is paid; each waits, as a call over the annual cap does,
   and construction waits with it. When the deferral ends with the pressure
   still above, the investor may request again.
5. *Cap.* All requests together defer the investor's calls for at most
   ``max_total_deferral`` months: once they have, a running deferral ends and no
   request is made again, so every deferred call is paid (none is erased).
6. *End.* When a deferral ends (the first month the investor's calls no longer
   wait), ``end_treatment`` says what becomes of the calls it held: ``paid``
   (they are paid from then on, oldest first, within the cap), or
   ``renegotiated`` (cut by agreement, a smaller pledge: every project with an
   investor call due and unpaid is abandoned that month, as a project is
   abandoned, its salvage received). ``forfeited`` (not paid, with the
   non-funding clause's consequences) is not modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pledgelab.terms import TermSheet

#: codes of the per-month request record
ACCEPTED, REFUSED, NONE = 1, -1, 0
NO_CAP = 2**62  # max_total_deferral None: more months than any run has
EXP_CAP = 700.0  # the indicator's exponent is capped here, below where exp overflows
READINGS = ("level", "forward")
END_TREATMENTS = ("paid", "renegotiated")
"""What becomes of deferred calls when the deferral ends (the modelled ones; step 6)."""
"""How the indicator reads the pressure: the rate and the demand already paid (level), or also the
demand of the calls scheduled ahead (forward)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FxRule:
    """The FX safeguard's numbers, as the schedule applies them (see the module docstring)."""

    currency: str  # the driver currency of the pressure indicator (e.g. KRW)
    threshold: float  # units of currency per dollar
    impact: float  # log-points per dollar of demand in the window
    window: int  # months
    max_deferral: int  # months one accepted request defers
    acceptance: float  # probability the host accepts a request (Monte Carlo)
    requests: bool  # the deal has the clause: without it the pressure is only reported
    max_total_deferral: int | None = None  # months all requests together may defer (None: no cap)
    market_before: tuple[float, ...] = (0.0,)  # per market segment: a year's calls met before it
    market_cap: tuple[float, ...] = (math.inf,)  # per market segment: its capacity a year
    clause: str = "fx_safeguard.available"  # the deal's clause path, for events
    reading: str = "level"  # level | forward (see the module docstring)
    end_treatment: str = "paid"  # paid | renegotiated (step 6)
    forward: float = 0.0  # F: dollar demand the forward reading adds while calls remain (level: 0)

    def __post_init__(self) -> None:
        if self.window < 1 or self.max_deferral < 1:
            raise ValueError("window and max_deferral must be at least one month")
        if not 0.0 <= self.acceptance <= 1.0:
            raise ValueError(f"acceptance must be a probability, got {self.acceptance}")
        if self.max_total_deferral is not None and self.max_total_deferral < 0:
            raise ValueError(f"max_total_deferral must be zero or more months, got {self.max_total_deferral}")
        if len(self.market_before) != len(self.market_cap):
            raise ValueError("market_before and market_cap must have the same length")
        if self.end_treatment not in END_TREATMENTS:
            raise ValueError(f"end_treatment must be one of {', '.join(END_TREATMENTS)}, got "
                             f"{self.end_treatment!r}")
        if self.reading not in READINGS:
            raise ValueError(f"reading must be one of {', '.join(READINGS)}, got {self.reading!r}")
        if not (math.isfinite(self.forward) and self.forward >= 0.0) or \
                (self.reading == "level" and self.forward != 0.0):
            raise ValueError(f"forward must be a finite demand >= 0, and 0 under the level reading, "
                             f"got {self.forward!r}")

    def scheduled_demand(self, annual: float, months: int) -> float:
        """The forward reading's ``F``: the demand of ``months`` of calls at ``annual`` dollars a
        year, pro rata, counted from the start of a year on the rule's demand basis."""
        return self.demand(0.0, annual * months / 12.0)

    def demand(self, year_to_date: float, paid: float) -> float:
        """Dollar demand of ``paid`` dollars paid after ``year_to_date`` already paid this year."""
        return self._bought(year_to_date + paid) - self._bought(year_to_date)

    def _bought(self, x: float) -> float:
        total = 0.0
        for before, cap in zip(self.market_before, self.market_cap, strict=True):
            total += min(max(x - before, 0.0), cap)
        return total

    def check(self, deal: TermSheet) -> None:
        """Refuse a deal the rule cannot apply to: deferral is modelled for as-called pacing only.

        (A vehicle paid by instalments or up front would need its payments deferred
        instead; no shipped deal with a vehicle has the clause.)
        """
        pacing = deal.value("timeline.pacing")
        if self.requests and pacing != "as-called":
            raise ValueError(f"{deal.id}: the FX safeguard's deferral is modelled for as-called pacing "
                             f"only, not {pacing!r}")

    @property
    def total_cap(self) -> int:
        """The cap on all deferred months as a number (a huge one for no cap; the compiled kernel's)."""
        return NO_CAP if self.max_total_deferral is None else int(self.max_total_deferral)

    def segments(self) -> tuple[np.ndarray, np.ndarray]:
        """The market segments as arrays (for the compiled kernel)."""
        return (np.array(self.market_before, dtype=np.float64),
                np.array(self.market_cap, dtype=np.float64))


@dataclass(slots=True, kw_only=True)
class FxRecord:
    """What the FX safeguard did on each path, month by month (months from the run's first)."""

    rule: FxRule
    level: np.ndarray  # (paths, months): the driver's exchange rate
    pressure: np.ndarray  # (paths, months): the indicator while calls remain (else NaN)
    requests: np.ndarray  # (paths, months) int8: ACCEPTED, REFUSED or NONE
    deferred: np.ndarray  # (paths, months) bool: the investor's calls were deferred

    def peak(self) -> np.ndarray:
        """(paths,) the highest indicator while calls remained (NaN if none)."""
        p = self.pressure
        has = ~np.isnan(p).all(axis=1)
        out = np.full(p.shape[0], np.nan)
        out[has] = np.nanmax(p[has], axis=1)
        return out
