"""The FX-safeguard clause as data: threshold, currency impact, window, answer, deferral.

A safeguard file (``data/safeguard/<id>.yaml``, schema ``pledgelab.safeguard/1``)
states the assumptions that turn a deal's ``fx_safeguard.available`` clause into
a rule (:class:`pledgelab.engine.FxRule`), every one a clause with its status,
reason and alternatives::

    schema: pledgelab.safeguard/1
    id: korea-2025                 # the file name
    title: ...
    summary: ...
    investor: KR                   # the economy whose currency is under pressure
    currency: KRW                  # the drivers' exchange-rate process (units per dollar)
    funding: korea-mof-2025        # the funding plan read when demand_basis is market-purchases
    references: {key: {title, url, date?}}
    threshold:    {value: 1500, unit: KRW/USD, ...}       # request above this level
    demand_basis: {value: investor-calls, unit: rule, ...}  # or market-purchases
    impact:       {value: 0.001, unit: log-points/USD-bn, ...}  # value + alternatives = the sweep
    window:       {value: 12, unit: months, ...}
    acceptance:   {value: 0.5, unit: probability, ...}
    max_deferral: {value: 12, unit: months, ...}

No published estimate of the currency's response to the pledge's dollar demand
exists, so ``impact`` is a user-set assumption; the value and its alternatives
form the sensitivity sweep (:meth:`Safeguard.sweep`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pledgelab._cited import Clause, ClauseSpec, Reference, Status, locate, open_cited, shipped
from pledgelab._errors import InputError
from pledgelab.drivers import DriverModel, load_drivers
from pledgelab.engine import FX_END_TREATMENTS, FxRule
from pledgelab.engine import FX_READINGS as READINGS
from pledgelab.macro._data import MacroData
from pledgelab.macro.funding import ECONOMY_CODE, FundingPlan, load_funding
from pledgelab.terms import TermSheet

if TYPE_CHECKING:
    from pledgelab.engine import RunResult
    from pledgelab.pipeline import Pipeline

SAFEGUARD_SCHEMA = "pledgelab.safeguard/1"
KIND = "safeguard"  # the folder under data/
DEMAND_BASES = ("investor-calls", "market-purchases")
IMPACT_UNIT = "log-points/USD-bn"

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_FILE_KEYS = ("schema", "id", "title", "summary", "investor", "currency", "funding", "references",
              "threshold", "demand_basis", "impact", "window", "acceptance", "max_deferral")
_FILE_OPTIONAL = ("max_total_deferral", "end_treatment", "forward_months", "speed_threshold", "reading")
END_TREATMENTS = ("paid", "forfeited", "renegotiated")
_MONTHS = ClauseSpec(units=("months",), kind="count", minimum=1)
_OPTIONAL_SPECS: dict[str, ClauseSpec] = {
    "max_total_deferral": ClauseSpec(units=("months",), kind="count", minimum=0, nullable=True),
    "end_treatment": ClauseSpec(units=("rule",), kind="choice", choices=END_TREATMENTS),
    "forward_months": _MONTHS,
    "speed_threshold": ClauseSpec(units=("fraction",), kind="fraction"),
    "reading": ClauseSpec(units=("rule",), kind="choice", choices=READINGS),
}
_SPECS: dict[str, ClauseSpec] = {
    "demand_basis": ClauseSpec(units=("rule",), kind="choice", choices=DEMAND_BASES),
    "impact": ClauseSpec(units=(IMPACT_UNIT,), kind="number", minimum=0.0, maximum=1.0),
    "window": _MONTHS,
    "acceptance": ClauseSpec(units=("probability",), kind="fraction"),
    "max_deferral": _MONTHS,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Safeguard:
    """The assumptions that make an FX-safeguard clause a rule (see the module docstring)."""

    id: str
    title: str
    summary: str
    investor: str
    currency: str
    funding: str
    threshold: Clause
    demand_basis: Clause
    impact: Clause
    window: Clause
    acceptance: Clause
    max_deferral: Clause
    references: dict[str, Reference]
    file: str
    max_total_deferral: Clause | None = None  # None (or a null value): no cap on all deferral
    end_treatment: Clause | None = None  # what happens to deferred calls: only "paid" is modelled
    forward_months: Clause | None = None  # the replay's forward reading: months of calls ahead
    speed_threshold: Clause | None = None  # the replay's speed reading: largest one-session move
    reading: Clause | None = None  # the engine's reading: level (default) or forward (FxRule.reading)

    def clauses(self) -> Iterator[Clause]:
        yield from (self.threshold, self.demand_basis, self.impact, self.window, self.acceptance,
                    self.max_deferral)
        for c in (self.max_total_deferral, self.end_treatment, self.forward_months, self.speed_threshold,
                  self.reading):
            if c is not None:
                yield c

    @property
    def total_cap(self) -> int | None:
        """Months all requests together may defer, or None for no cap."""
        c = self.max_total_deferral
        return None if c is None or c.value is None else int(c.value)

    def sweep(self) -> tuple[float, ...]:
        """The impact values of the sensitivity sweep: the clause's value and its alternatives, sorted."""
        values = {float(self.impact.value), *(float(a.value) for a in self.impact.alternatives)}
        return tuple(sorted(values))

    def with_reading(self, reading: str) -> Safeguard:
        """The same safeguard read another way (``level`` or ``forward``: :meth:`rule`)."""
        if reading not in READINGS:
            raise ValueError(f"the reading must be one of {', '.join(READINGS)}, got {reading!r}")
        if self.reading is not None:
            return replace(self, reading=self.reading.with_value(reading, note="set by the user"))
        return replace(self, reading=Clause(path="reading", value=reading, unit="rule",
                                            label="How the indicator reads the pressure",
                                            status=Status.ASSUMED, reason="set by the user",
                                            file=self.file))

    def with_end_treatment(self, end: str) -> Safeguard:
        """The same safeguard with another end treatment of deferred calls (``paid``, ``renegotiated``)."""
        if end not in FX_END_TREATMENTS:
            raise ValueError(f"the end treatment must be one of {', '.join(FX_END_TREATMENTS)}, got {end!r}")
        if self.end_treatment is not None:
            return replace(self, end_treatment=self.end_treatment.with_value(end, note="set by the user"))
        return replace(self, end_treatment=Clause(path="end_treatment", value=end, unit="rule",
                                                  label="What happens to the calls deferred when the "
                                                  "deferral ends", status=Status.ASSUMED,
                                                  reason="set by the user", file=self.file))

    def with_impact(self, impact: float) -> Safeguard:
        """The same safeguard with another impact (log-points per $1B), e.g. a sweep point."""
        if not math.isfinite(impact) or impact < 0:
            raise ValueError(f"impact must be a finite, non-negative number, got {impact}")
        return replace(self, impact=self.impact.with_value(impact, note="set by the user"))

    def rule(self, deal: TermSheet, *, plan: FundingPlan | str | Path | None = None,
             reading: str | None = None) -> FxRule:
        """The rule the schedule applies for ``deal`` (requests only if the deal has the clause).

        ``reading`` (default: the file's ``reading``, else ``level``) is how the indicator reads
        the pressure: ``forward`` adds the demand of the calls scheduled over the next
        ``forward_months`` at the deal's annual cap (:meth:`FxRule.scheduled_demand`), as the
        replay's forward reading does.

        With ``demand_basis: market-purchases`` the dollar demand is what the funding
        plan (``plan``, default: the file's ``funding``) buys in the market: within a
        calendar year, the calls beyond the capacity of the sources ahead of each
        market-purchase source, up to that source's capacity. A deal the rule cannot
        apply to is refused (:meth:`FxRule.check`).
        """
        if deal.investor != self.investor:
            raise ValueError(f"{self.file} is the safeguard of investor {self.investor}; "
                             f"{deal.id}'s investor is {deal.investor}")
        before: tuple[float, ...] = (0.0,)
        caps: tuple[float, ...] = (math.inf,)
        if self.demand_basis.value == "market-purchases":
            fp = plan if isinstance(plan, FundingPlan) else load_funding(plan or self.funding)
            before, caps = market_segments(fp)
        end = "paid" if self.end_treatment is None else str(self.end_treatment.value)
        if end not in FX_END_TREATMENTS:
            raise ValueError(f"{self.file}: end_treatment {end!r} is not modelled (the non-funding "
                             f"clause's consequences are not applied to a deferral); modelled: "
                             f"{', '.join(FX_END_TREATMENTS)}")
        rule = FxRule(currency=self.currency, threshold=float(self.threshold.value),
                      impact=float(self.impact.value) / 1e9, window=int(self.window.value),
                      max_deferral=int(self.max_deferral.value), max_total_deferral=self.total_cap,
                      acceptance=float(self.acceptance.value),
                      requests=bool(deal.value("fx_safeguard.available")),
                      market_before=before, market_cap=caps,
                      clause=deal.clause("fx_safeguard.available").path.removeprefix("clauses."),
                      end_treatment=end)
        name = reading or (str(self.reading.value) if self.reading is not None else "level")
        if name not in READINGS:
            raise ValueError(f"the reading must be one of {', '.join(READINGS)}, got {name!r}")
        if name == "forward":
            if self.forward_months is None:
                raise ValueError(f"{self.file}: the forward reading needs forward_months")
            cap = deal.value("timeline.annual_cap")
            if cap is None:
                raise ValueError(f"the forward reading counts the calls scheduled at the annual cap; "
                                 f"{deal.id} has none")
            rule = replace(rule, reading="forward",
                           forward=rule.scheduled_demand(float(cap), int(self.forward_months.value)))
        rule.check(deal)
        return rule


def market_segments(plan: FundingPlan) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per market source (dollars bought in the market): a year's calls met before it, and its capacity.

    A source's yearly capacity is its ``capacity``, else its lifetime ``total`` (a first-year
    reading), and a market source's is also bounded by what is left of the plan's
    ``market_absorption``; a source with neither limit takes every remaining dollar, so the
    sources after it are never used (the funding plan's own rule). ``inf``: unlimited.
    """
    before, caps = [], []
    used = 0.0
    absorb_left = math.inf if plan.market_limit is None else plan.market_limit
    for s in plan.sources:
        cap = s.capacity_usd if s.capacity_usd is not None else s.total_usd
        if s.dollar_demand == "market":
            cap = min(math.inf if cap is None else cap, absorb_left)
            absorb_left -= cap
            before.append(used)
            caps.append(cap)
        if cap is None or math.isinf(cap):
            break
        used += cap
    return tuple(before), tuple(caps)


def read_safeguard(path: Path, *, display: str | None = None) -> Safeguard:
    """Read and check one safeguard file; every problem is reported as ``file:line: field: message``."""
    root, chk, head = open_cited(path, schema=SAFEGUARD_SCHEMA, display=display, required=_FILE_KEYS,
                                 allowed=_FILE_OPTIONAL)
    sid, title, summary, refs = head.id, head.title, head.summary, head.references
    investor = chk.code(root, "investor", ECONOMY_CODE, "an economy code (two capitals, e.g. KR)")
    currency = chk.code(root, "currency", _CURRENCY, "a currency code (three capitals, e.g. KRW)")
    funding = chk.text(root, "funding")
    if funding is not None:
        try:
            load_funding(funding)
        except InputError as exc:
            chk.add(root.at("funding"), f"cannot load funding plan {funding!r}: {exc.problems[0].message}")
    threshold_spec = ClauseSpec(units=(f"{currency or 'CCY'}/USD",), kind="money", minimum=1e-9)
    threshold = chk.clause(root, "threshold", threshold_spec, refs, required=False)
    got = {k: chk.clause(root, k, spec, refs, required=False) for k, spec in _SPECS.items()}
    extra = {k: chk.clause(root, k, spec, refs, required=False) for k, spec in _OPTIONAL_SPECS.items()}
    chk.raise_if_any()
    assert sid and title and summary and investor and currency and funding and threshold is not None
    assert all(c is not None for c in got.values())
    return Safeguard(id=sid, title=title, summary=" ".join(summary.split()), investor=investor,
                     currency=currency, funding=funding, threshold=threshold,
                     demand_basis=got["demand_basis"], impact=got["impact"],  # type: ignore[arg-type]
                     window=got["window"], acceptance=got["acceptance"],  # type: ignore[arg-type]
                     max_deferral=got["max_deferral"], references=refs,  # type: ignore[arg-type]
                     file=head.file, max_total_deferral=extra["max_total_deferral"],
                     end_treatment=extra["end_treatment"], forward_months=extra["forward_months"],
                     speed_threshold=extra["speed_threshold"], reading=extra["reading"])


def load_safeguard(name_or_path: str | Path) -> Safeguard:
    """Load a shipped safeguard by id (``"korea-2025"``) or a file by path."""
    path, display = locate(KIND, name_or_path)
    return read_safeguard(path, display=display)


def safeguard_for(investor: str) -> Safeguard | None:
    """The shipped safeguard file of ``investor``, if there is one."""
    for name in shipped(KIND):
        sg = load_safeguard(name)
        if sg.investor == investor:
            return sg
    return None


# -- the deterministic view: pressure by year and the sensitivity sweep ------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class SweepPoint:
    """The plan under one impact value: the pressure if every request were refused, and if accepted.

    Months are month indices (``pledgelab._months``); ``None`` where nothing happened.
    """

    impact: float  # log-points per $1B
    refused: RunResult  # no deferral: the pressure the plan's own calls create
    accepted: RunResult  # every request accepted: the calls deferred
    peak: float  # highest indicator while calls remain (refused case)
    first_crossing: int | None  # first month above the threshold (refused case)
    months_above: int  # months above the threshold while calls remain (refused case)
    requests: int  # requests made (accepted case)
    deferred: int  # months the investor's calls were deferred (accepted case)
    last_call: int | None  # the investor's last call (accepted case)
    last_call_plan: int | None  # the investor's last call with no deferral
    npv_change: float  # investor NPV, accepted minus refused, at the run's discount rate


def sweep(deal: TermSheet, pipeline: Pipeline, safeguard: Safeguard, *, discount_rate: float,
          drivers: str | DriverModel = "default",
          impacts: tuple[float, ...] | None = None) -> list[SweepPoint]:
    """Run the plan with the safeguard live for each impact of the sweep (default: :meth:`Safeguard.sweep`).

    Each point runs the deterministic engine twice, every request refused and every
    request accepted, on the drivers' exchange rate with every shock zero.
    """
    from pledgelab.engine import run
    from pledgelab.macro.funding import investor_calls
    from pledgelab.metrics import party_outcomes

    model = drivers if isinstance(drivers, DriverModel) else load_drivers(drivers)
    out = []
    for impact in impacts if impacts is not None else safeguard.sweep():
        rule = safeguard.with_impact(impact).rule(deal)
        refused = run(deal, pipeline, fx_rule=rule, fx_accepted=False, drivers=model)
        accepted = run(deal, pipeline, fx_rule=rule, fx_accepted=True, drivers=model)
        assert refused.fx is not None and accepted.fx is not None
        pressure = refused.fx.pressure[0]
        above = np.flatnonzero(np.nan_to_num(pressure, nan=-np.inf) > rule.threshold)
        npv = {}
        for name, res in (("refused", refused), ("accepted", accepted)):
            npv[name] = next(o.npv for o in party_outcomes(res, discount_rate=discount_rate)
                             if o.party == deal.investor)
        calls_a, calls_r = investor_calls(accepted), investor_calls(refused)
        out.append(SweepPoint(
            impact=impact, refused=refused, accepted=accepted,
            peak=float(np.nanmax(pressure)) if np.isfinite(pressure).any() else math.nan,
            first_crossing=refused.start + int(above[0]) if above.size else None,
            months_above=int(above.size), requests=int(np.count_nonzero(accepted.fx.requests)),
            deferred=int(np.count_nonzero(accepted.fx.deferred)),
            last_call=max(calls_a) if calls_a else None, last_call_plan=max(calls_r) if calls_r else None,
            npv_change=npv["accepted"] - npv["refused"]))
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class PressureYear:
    """One calendar year of a run with the safeguard live."""

    year: int
    level: float  # the drivers' exchange rate, average of the year's months
    peak: float  # highest indicator in the year while calls remain (NaN: none)
    months_above: int
    requests: int
    deferred: int  # months the investor's calls were deferred


def pressure_by_year(result: RunResult) -> list[PressureYear]:
    """The FX safeguard's record of a deterministic run, by calendar year."""
    fx = result.fx
    if fx is None:
        raise ValueError("the run has no FX safeguard record: run it with fx_rule")
    months = result.start + np.arange(fx.level.shape[1])
    out = []
    for year in range(int(months[0]) // 12, int(months[-1]) // 12 + 1):
        sel = months // 12 == year
        p = fx.pressure[0, sel]
        live = np.isfinite(p)
        if not live.any():
            continue
        out.append(PressureYear(year=year, level=float(fx.level[0, sel].mean()),
                                peak=float(p[live].max()),
                                months_above=int(np.count_nonzero(p[live] > fx.rule.threshold)),
                                requests=int(np.count_nonzero(fx.requests[0, sel])),
                                deferred=int(np.count_nonzero(fx.deferred[0, sel]))))
    return out


# -- the replay of a recorded path -------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayPoint:
    """What the rule reads on one recorded day, three ways (see :func:`replay`)."""

    date: dt.date
    level: float  # the recorded rate (units per dollar)
    note: str  # the observation's note (close, intraday, ...)
    level_request: bool  # the engine's rule: the level above the threshold
    scheduled: float  # dollar demand the forward reading counts (after the demand basis)
    forward: float  # the level weakened by the scheduled demand
    forward_request: bool
    move: float | None  # log change from the previous session, when the record has it
    speed_request: bool


def replay(safeguard: Safeguard, deal: TermSheet, *, start: dt.date, end: dt.date,
           macro: MacroData | str | None = None, demand_basis: str | None = None) -> list[ReplayPoint]:
    """The rule on the recorded exchange rate between ``start`` and ``end`` (inclusive).

    For each ``fx_level`` observation of the safeguard's investor in the macro data
    (default: the funding plan's macro file):

    * **level** — the engine's rule: a request when the recorded rate is above the threshold;
    * **forward** — the rate weakened by the dollar demand of the calls scheduled over the
      next ``forward_months`` (the deal's annual cap, pro rata), counted on the demand basis
      (``market-purchases``: what the funding plan buys in the market in a year of such
      calls; ``investor-calls``: all of them): ``level x exp(impact x demand)``;
    * **speed** — the log change from the previous session (an observation at most four
      days earlier) against ``speed_threshold``.

    ``demand_basis`` overrides the file's (its alternative, for instance). Files without
    ``forward_months`` or ``speed_threshold`` skip those readings.
    """
    from pledgelab.macro._data import load_macro

    fp = load_funding(safeguard.funding)
    data = macro if isinstance(macro, MacroData) else load_macro(macro if macro is not None else fp.macro)
    series = data.series("fx_level", safeguard.investor)
    basis = demand_basis or str(safeguard.demand_basis.value)
    if basis not in DEMAND_BASES:
        raise ValueError(f"demand_basis must be one of {', '.join(DEMAND_BASES)}, got {basis!r}")
    rule = replace(safeguard, demand_basis=safeguard.demand_basis.with_value(
        basis, note="set by the caller")).rule(deal, reading="level")
    cap = deal.value("timeline.annual_cap")
    months = int(safeguard.forward_months.value) if safeguard.forward_months is not None else 0
    scheduled = rule.scheduled_demand(float(cap) if cap is not None else 0.0, months)
    speed = None if safeguard.speed_threshold is None else float(safeguard.speed_threshold.value)
    thr = rule.threshold
    out: list[ReplayPoint] = []
    prev: tuple[dt.date, float] | None = None
    for o in series.observations:
        if start <= o.date <= end:
            forward = o.value * math.exp(rule.impact * scheduled)
            move = (math.log(o.value / prev[1]) if prev is not None and (o.date - prev[0]).days <= 4
                    else None)
            out.append(ReplayPoint(date=o.date, level=o.value, note=o.note or "", level_request=o.value > thr,
                                   scheduled=scheduled, forward=forward,
                                   forward_request=months > 0 and forward > thr, move=move,
                                   speed_request=(speed is not None and move is not None
                                                  and abs(move) > speed)))
        prev = (o.date, o.value)
    return out
