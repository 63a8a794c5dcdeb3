"""Capital calls under the deal's timeline rules.

Implements, for any term sheet:

* **eligibility** — a project noticed after ``timeline.selection_deadline`` is not
  financed; a project the investor declines (its right under both MOUs) is not
  funded and triggers the non-funding clauses;
* **financing shares** — a project is financed by the tranches whose
  ``sectors`` name its sector, or else by the tranches open to ``any`` sector,
  pro rata to their amounts; a tranche never lends more than its ``amount``;
* **funding lag** — the first call falls on the earliest funding date after the
  notice (``timeline.funding_lag`` counted on ``timeline.funding_calendar``),
  build month *k* is called no earlier than *k* months later;
* **calendar-year cap** — what the investor pays on tranches that
  ``counts_toward_cap`` never exceeds ``timeline.annual_cap`` in a calendar
  year; a call over the cap is funded in part and the rest carried to the next
  year, oldest call first (ties broken by notice date, then project id, so the
  order of a pipeline file never matters);
* **pacing** — ``as-called`` pays each call when it is funded; ``instalments``
  and ``up-front`` pay a fixed schedule into an investment vehicle whose cash
  funds the calls, earns ``timeline.vehicle_cash_rate`` while idle, and is
  returned or retained at the end by ``timeline.undeployed_cash``.

* **agreed amount** — ``amount.overrun_payer`` says who pays a call beyond the
  investor's agreed amount (the sum of the tranches it funds; ``as-called``
  pacing, a vehicle's instalments being capped already): ``investor-unlimited``
  (or no clause) the investor pays every call; ``host-beyond-cap`` its calls stop
  at the agreed amount and the host pays the rest
  (:attr:`ProjectSchedule.beyond`); ``abandon-at-cap`` a project whose due call
  the investor can no longer pay in full is abandoned then;

* **FX safeguard** — with an :class:`~pledgelab.engine._fxrule.FxRule` and a
  path of the exchange rate, the investor requests an adjustment when the
  pressure indicator is above the threshold and, if the request is accepted,
  its calls wait (``fx_safeguard.available``; the rule is in
  :mod:`pledgelab.engine._fxrule`).

Construction is funding-driven: a project advances one build month per fully
funded call, so a deferred call delays its completion and every later cash
flow.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from pledgelab._months import month_label, month_of
from pledgelab.engine._fxrule import ACCEPTED, EXP_CAP, REFUSED, FxRule
from pledgelab.pipeline import Pipeline, Project
from pledgelab.terms import BusinessCalendar, TermSheet, Tranche, earliest_funding_date

MAX_YEARS = 120  # a schedule that needs longer than this cannot be completed
_TOL = 1e-6  # dollars: a call with less left than this is complete
SLACK = 0.5  # dollars: rounding allowed when a sum of calls is held against a tranche's size or a cap


@dataclass(frozen=True, slots=True)
class Event:
    """Something the schedule did, and the clause that made it do so."""

    month: int
    project: str
    text: str
    clause: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Shock:
    """How one project's realisation departs from its plan (one Monte Carlo path).

    ``delay`` months shift the project's first call and everything after;
    ``capex_factor`` scales every call; ``yield_factor`` scales operating cash
    (residual value included); with ``abandon_at`` = *k* the project is abandoned
    when the call of build month *k* falls due, and ``recovery`` of the capex
    called so far comes back that month as salvage. With ``pause_at`` = *k* the
    build stops for ``pause`` months before build month *k* (its call and every
    later one wait that much longer: a site stopped, e.g. for want of its
    specialists); ``startup`` months pass between the last call and the first
    operating month (a late start-up after the build).
    """

    delay: int = 0
    capex_factor: float = 1.0
    yield_factor: float = 1.0
    abandon_at: int = -1
    recovery: float = 0.0
    pause_at: int = -1
    pause: int = 0
    startup: int = 0


NO_SHOCK = Shock()


@dataclass(frozen=True, slots=True, kw_only=True)
class FxPath:
    """The FX safeguard on one path: its rule, the exchange rate and the host's answers.

    ``level[i]`` and ``accept[i]`` belong to month ``start + i``: the driver's
    exchange rate (before the pledge's own pressure) and whether a request made
    that month would be accepted.
    """

    rule: FxRule
    start: int
    level: np.ndarray
    accept: np.ndarray


@dataclass(slots=True, kw_only=True)
class ProjectSchedule:
    """How one project is financed and when its capital is called."""

    project: Project
    status: str  # financed | declined | after-deadline | no-eligible-tranche | pledge-exhausted
    shares: dict[str, float] = field(default_factory=dict)  # tranche id -> share of capex
    funding_date: dt.date | None = None
    calls: dict[int, float] = field(default_factory=dict)  # month -> capex funded
    completion: int | None = None  # month the last call was funded
    abandoned: int | None = None  # month the project was abandoned
    startup: int = 0  # months from the last call to operations beyond the one that always passes
    beyond: dict[int, float] = field(default_factory=dict)  # month -> investor's share the host paid

    @property
    def cod(self) -> int | None:
        """First operating month (the month after the last call is funded, plus any start-up delay).

        For an abandoned project, the month of abandonment (salvage is its only cash).
        """
        if self.abandoned is not None:
            return self.abandoned
        return None if self.completion is None else self.completion + 1 + self.startup

    @property
    def end(self) -> int | None:
        """Last month with project cash."""
        if self.abandoned is not None:
            return self.abandoned
        cod = self.cod
        return None if cod is None else cod + int(self.project.params["life_years"].value) * 12 - 1


@dataclass(slots=True, kw_only=True)
class Schedule:
    """The capital calls of a whole pipeline under one term sheet."""

    projects: list[ProjectSchedule]
    instalments: dict[int, float]  # month -> investor payment into the vehicle
    vehicle_interest: dict[int, float]  # month -> interest earned on idle vehicle cash
    vehicle_left: float  # undeployed vehicle cash after the last call
    vehicle_last: int | None  # month of the last vehicle movement
    cap_used: dict[int, float]  # calendar year -> capped investor funding
    events: list[Event]
    fx_pressure: dict[int, float] = field(default_factory=dict)  # month -> indicator (FX safeguard)
    fx_requests: dict[int, int] = field(default_factory=dict)  # month -> ACCEPTED or REFUSED
    fx_deferred: set[int] = field(default_factory=set)  # months the investor's calls were deferred

    def financed(self) -> list[ProjectSchedule]:
        return [p for p in self.projects if p.status == "financed"]


def _tranche_path(deal: TermSheet, tr: Tranche, name: str) -> str:
    return tr.clauses[name].path


OVERRUN_CLAUSE = "amount.overrun_payer"


def overrun_reading(deal: TermSheet) -> str:
    """Who pays calls beyond the investor's agreed amount (``amount.overrun_payer``; a deal without
    the clause has the first reading, ``investor-unlimited``)."""
    c = deal.clauses.get(OVERRUN_CLAUSE)
    return "investor-unlimited" if c is None else str(c.value)


def agreed_amount(deal: TermSheet, party: str) -> float:
    """A party's agreed amount: the sum of the ``amount`` of the tranches it funds (``funded_by``)."""
    return sum(float(t.value("amount")) for t in deal.tranches if t.value("funded_by") == party)


def earliest_funding(deal: TermSheet, notice: dt.date) -> dt.date:
    """The earliest funding date after a selection ``notice``: ``timeline.funding_lag``
    counted on ``timeline.funding_calendar`` (:func:`pledgelab.terms.earliest_funding_date`)."""
    lag = deal.clause("timeline.funding_lag")
    return earliest_funding_date(notice, lag=int(lag.value), unit=lag.unit,
                                 calendar=str(deal.value("timeline.funding_calendar")))


def financing_shares(deal: TermSheet, project: Project) -> dict[str, float]:
    """Share of a project's capex carried by each tranche (sums to 1, or empty)."""
    specific = [t for t in deal.tranches if project.sector in t.value("sectors")]
    chosen = specific or [t for t in deal.tranches if "any" in t.value("sectors")]
    total = sum(float(t.value("amount")) for t in chosen)
    if total <= 0:
        return {}
    return {t.id: float(t.value("amount")) / total for t in chosen}


def investor_share(deal: TermSheet, shares: dict[str, float], *, capped_only: bool) -> float:
    """The part of a call the investor pays: its tranches' shares (``tranches.funded_by``),
    only those that ``counts_toward_cap`` with ``capped_only`` (``timeline.annual_cap``)."""
    tranches = {t.id: t for t in deal.tranches}
    total = 0.0
    for tid, share in shares.items():
        tr = tranches[tid]
        if tr.value("funded_by") != deal.investor:
            continue
        if capped_only and not tr.value("counts_toward_cap"):
            continue
        total += share
    return total


@dataclass(frozen=True, slots=True, kw_only=True)
class VehiclePlan:
    """Vehicle pacing (``timeline.pacing`` ``instalments`` or ``up-front``): what the investor
    pays into the vehicle and when, and what idle vehicle cash earns."""

    instalments: dict[int, float]  # month -> investor payment into the vehicle
    monthly_rate: float  # ``timeline.vehicle_cash_rate`` / 12


def vehicle_plan(deal: TermSheet) -> VehiclePlan | None:
    """The vehicle's instalments and cash rate, or None when the deal pays ``as-called``.

    ``up-front`` pays the investor's whole amount at ``timeline.first_funding``;
    ``instalments`` pays ``timeline.instalment_amount`` a year for
    ``timeline.instalment_years`` years from then, the last one cut to what is left.
    """
    pacing = str(deal.value("timeline.pacing"))
    if pacing == "as-called":
        return None
    first = month_of(deal.value("timeline.first_funding"))
    own = sum(float(t.value("amount")) for t in deal.tranches if t.value("funded_by") == deal.investor)
    instalments: dict[int, float] = {}
    if pacing == "up-front":
        instalments[first] = own
    else:
        per_year = float(deal.value("timeline.instalment_amount"))
        years = int(deal.value("timeline.instalment_years"))
        for y in range(years):
            instalments[first + 12 * y] = min(per_year, own - per_year * y) \
                if per_year * y < own else 0.0
        instalments = {m: a for m, a in instalments.items() if a > 0}
    return VehiclePlan(instalments=instalments,
                       monthly_rate=float(deal.value("timeline.vehicle_cash_rate")) / 12.0)


def select_projects(deal: TermSheet, pipeline: Pipeline, events: list[Event]) -> list[ProjectSchedule]:
    """Every project of ``pipeline``, by notice date then id, with its status, shares and
    earliest funding date (``timeline.selection_deadline``, ``tranches.sectors``, the
    investor's decision, tranche amounts, ``timeline.funding_lag``); ``events`` gets why."""
    tranches = {t.id: t for t in deal.tranches}
    capacity = {t.id: float(t.value("amount")) for t in deal.tranches}
    deadline: dt.date = deal.value("timeline.selection_deadline")
    lag = deal.clause("timeline.funding_lag")
    calendar = str(deal.value("timeline.funding_calendar"))
    out: list[ProjectSchedule] = []
    for proj in sorted(pipeline.projects, key=lambda p: (p.notice_date.value, p.id)):
        notice: dt.date = proj.notice_date.value
        ps = ProjectSchedule(project=proj, status="financed")
        out.append(ps)
        shares = financing_shares(deal, proj)
        nm = month_of(notice)
        if notice > deadline:
            ps.status = "after-deadline"
            events.append(Event(nm, proj.id, f"noticed {notice}, after the selection deadline "
                                f"{deadline}: not financed", "timeline.selection_deadline"))
            continue
        if not shares:
            ps.status = "no-eligible-tranche"
            events.append(Event(nm, proj.id, f"no tranche is open to sector {proj.sector!r}",
                                "tranches.sectors"))
            continue
        ps.shares = shares
        if proj.decision == "decline":
            ps.status = "declined"
            events.append(Event(nm, proj.id, "declined by the investor: not funded; non-funding "
                                "clauses apply", deal.clause("non_funding.distribution_diversion").path))
            continue
        need = {tid: s * float(proj.capex.value) for tid, s in shares.items()}
        short = [tid for tid, amt in need.items() if amt > capacity[tid] + SLACK]
        if short:
            ps.status = "pledge-exhausted"
            events.append(Event(nm, proj.id, f"tranche {short[0]} has {capacity[short[0]]:,.0f} "
                                f"USD left, the project needs {need[short[0]]:,.0f}",
                                _tranche_path(deal, tranches[short[0]], "amount")))
            continue
        for tid, amt in need.items():
            capacity[tid] -= amt
        ps.funding_date = earliest_funding(deal, notice)
        skipped = BusinessCalendar(name=calendar).holidays_between(notice, ps.funding_date)
        events.append(Event(month_of(ps.funding_date), proj.id,
                            f"noticed {notice}; earliest funding date {ps.funding_date} "
                            f"({lag.value} {lag.unit}, {calendar} calendar"
                            + (f"; holidays skipped: {', '.join(skipped)}" if skipped else "") + ")",
                            lag.path))
    return out


class _Safeguard:
    """The FX safeguard on one path, month by month (:class:`~pledgelab.engine._fxrule.FxRule`).

    The indicator is the path's exchange rate pushed by the pledge's own dollar
    demand over the rule's window; above the threshold the investor requests an
    adjustment and, while an accepted request runs, its calls wait.
    """

    def __init__(self, deal: TermSheet, fx: FxPath, events: list[Event]) -> None:
        fx.rule.check(deal)
        self.deal, self.fx, self.events = deal, fx, events
        self.pressure: dict[int, float] = {}
        self.requests: dict[int, int] = {}
        self.deferred: set[int] = set()
        self.demand: dict[int, float] = {}  # month -> dollar demand on the investor's currency
        self.episode, self.until = 0, -1  # 0: no request running, 1: accepted (to `until`), 2: refused
        self.used = 0  # months deferred so far, by all requests (at most rule.total_cap)
        self.was_deferring = False  # the investor's calls waited last month
        self.cutting = False  # this month a deferral ended and its calls are cut (renegotiated)
        self.paid_year: int | None = None
        self.paid_so_far = 0.0  # investor dollars paid this calendar year

    def deferring(self, m: int, running: bool) -> bool:
        """Whether the investor's calls wait in month ``m`` (``running``: calls or instalments remain);
        sets :attr:`cutting` in the month a deferral ends under ``end_treatment: renegotiated``."""
        now = self._deferring(m, running)
        self.cutting = self.was_deferring and not now and self.fx.rule.end_treatment == "renegotiated"
        self.was_deferring = now
        return now

    def _deferring(self, m: int, running: bool) -> bool:
        fx, rule = self.fx, self.fx.rule
        if not (running and 0 <= m - fx.start < len(fx.level)):
            return False
        d = 0.0
        for s in range(m - rule.window, m):
            d += self.demand.get(s, 0.0)
        # the exponent is capped where exp overflows (hostile impacts, an up-front $350B): the
        # indicator is then far above any threshold, as the kernel's
        pressure = float(fx.level[m - fx.start]) * math.exp(min(rule.impact * (d + rule.forward), EXP_CAP))
        self.pressure[m] = pressure
        if pressure <= rule.threshold:
            self.episode = 0
            return False
        if self.episode == 1 and (m >= self.until or self.used >= rule.total_cap):
            self.episode = 0
        if self.episode == 0 and rule.requests and self.used < rule.total_cap:
            accepted = bool(fx.accept[m - fx.start])
            self.episode, self.until = (1, m + rule.max_deferral) if accepted else (2, -1)
            self.requests[m] = ACCEPTED if accepted else REFUSED
            self.events.append(Event(m, "(all)", f"{rule.currency} at {pressure:,.1f} per dollar, "
                                     f"above the {rule.threshold:,.1f} threshold: adjustment "
                                     + (f"requested and accepted, investor calls deferred up to "
                                        f"{rule.max_deferral} months" if accepted else
                                        "requested and refused"),
                                     self.deal.clause(rule.clause).path))
        if self.episode == 1:
            self.deferred.add(m)
            self.used += 1
            return True
        return False

    def pay(self, m: int, paid: float) -> None:
        """The investor paid ``paid`` dollars in month ``m``: their demand on its currency."""
        year = m // 12
        if year != self.paid_year:
            self.paid_year, self.paid_so_far = year, 0.0
        self.demand[m] = self.fx.rule.demand(self.paid_so_far, paid)
        self.paid_so_far += paid


class _Calls:
    """The month loop: each month the vehicle moves, then due calls are funded, oldest first
    (ties by notice date, then project id), within the annual cap and the vehicle's cash."""

    def __init__(self, deal: TermSheet, active: list[ProjectSchedule], shocks: dict[str, Shock],
                 vehicle: VehiclePlan | None, safeguard: _Safeguard | None, events: list[Event]) -> None:
        self.deal, self.shocks, self.vehicle, self.fx, self.events = deal, shocks, vehicle, safeguard, events
        cap = deal.value("timeline.annual_cap")
        self.cap = None if cap is None else float(cap)
        self.builds = {ps.project.id: ps.project.capex_by_build_month()
                       * shocks.get(ps.project.id, NO_SHOCK).capex_factor for ps in active}
        self.k_next = {ps.project.id: 0 for ps in active}
        self.left = {ps.project.id: float(self.builds[ps.project.id][0]) for ps in active}
        assert all(ps.funding_date is not None for ps in active)
        self.start = {ps.project.id: month_of(ps.funding_date) + shocks.get(ps.project.id, NO_SHOCK).delay
                      for ps in active if ps.funding_date}
        self.ready = {pid: m0 + self._paused(pid, 0) for pid, m0 in self.start.items()}
        for ps in active:
            ps.startup = shocks.get(ps.project.id, NO_SHOCK).startup
        self.pending = list(active)
        self.reading = overrun_reading(deal)
        self.capped = self.reading != "investor-unlimited" and vehicle is None
        self.agreed = agreed_amount(deal, deal.investor)
        self.inv_paid = 0.0  # the investor's dollars paid on calls so far (amount.overrun_payer)
        self.cap_used: dict[int, float] = {}
        self.balance = 0.0  # vehicle cash
        self.interest: dict[int, float] = {}
        self.last_move: int | None = None

    def _paused(self, pid: str, k: int) -> int:
        """Months the build stops before build month ``k`` (Shock.pause_at, Shock.pause)."""
        sh = self.shocks.get(pid, NO_SHOCK)
        return sh.pause if 0 <= sh.pause_at <= k else 0

    def run(self) -> None:
        instalments = self.vehicle.instalments if self.vehicle is not None else {}
        m = min([*self.ready.values(), *instalments.keys()], default=0)
        if self.fx is not None:
            m = min(m, self.fx.fx.start)  # the request state starts where the exchange-rate path does
        stop = m + 12 * MAX_YEARS
        last_instalment = max(instalments, default=m)
        while (self.pending or m <= last_instalment) and m < stop:
            paid = self._vehicle_month(m)
            running = bool(self.pending) or (self.vehicle is not None and m <= last_instalment)
            deferring = self.fx.deferring(m, running) if self.fx is not None else False
            due = sorted((ps for ps in self.pending if self.ready[ps.project.id] <= m),
                         key=lambda ps: (self.ready[ps.project.id], ps.project.notice_date.value,
                                         ps.project.id))
            cutting = self.fx is not None and self.fx.cutting
            for ps in due:
                paid += self._fund(ps, m, deferring, cutting)
            if self.fx is not None:
                self.fx.pay(m, paid)
            m += 1
        for ps in self.pending:
            self.events.append(Event(m, ps.project.id, f"calls still unfunded after {MAX_YEARS} years: "
                                     "the project never completes", self.deal.clause("timeline.pacing").path))
            ps.status = "pledge-exhausted"

    def _vehicle_month(self, m: int) -> float:
        """Interest on idle vehicle cash, then this month's instalment; returns what the investor paid."""
        veh = self.vehicle
        if veh is None:
            return 0.0
        if self.balance > 0 and veh.monthly_rate > 0:
            interest = self.balance * veh.monthly_rate
            self.balance += interest
            self.interest[m] = interest
        if m in veh.instalments:
            self.balance += veh.instalments[m]
            self.last_move = m
            return veh.instalments[m]
        return 0.0

    def _fund(self, ps: ProjectSchedule, m: int, deferring: bool, cutting: bool = False) -> float:
        """Fund what the cap and the vehicle allow of ``ps``'s due call; returns the investor's
        dollars paid directly (as-called pacing). ``cutting``: a deferral ended this month and
        its calls are cut by agreement (the FX safeguard's ``renegotiated`` end)."""
        deal, pid, year = self.deal, ps.project.id, m // 12
        k = self.k_next[pid]
        if k == self.shocks.get(pid, NO_SHOCK).abandon_at:
            ps.abandoned = m
            self.pending.remove(ps)
            self.events.append(Event(m, pid, f"abandoned before build month {k + 1}", "scenario"))
            return 0.0
        rem = self.left[pid]
        frac = 1.0
        a_full = a = investor_share(deal, ps.shares, capped_only=True)
        v_full = v = investor_share(deal, ps.shares, capped_only=False)
        if self.capped and v > 0:
            room_inv = self.agreed - self.inv_paid
            if self.reading == "abandon-at-cap" and v * rem > room_inv + SLACK:
                ps.abandoned = m
                self.pending.remove(ps)
                self.events.append(Event(m, pid, f"abandoned before build month {k + 1}: "
                                         f"{deal.investor} has {max(room_inv, 0.0):,.0f} USD of its "
                                         f"agreed amount left, the call needs {v * rem:,.0f}",
                                         deal.clause(OVERRUN_CLAUSE).path))
                return 0.0
            if room_inv <= SLACK:
                a = v = 0.0  # the investor pays nothing more: its cap and deferrals no longer bind
        if cutting and v > 0:  # the FX safeguard's renegotiated end: the deferred call is cut
            ps.abandoned = m
            self.pending.remove(ps)
            self.events.append(Event(m, pid, f"abandoned before build month {k + 1}: the calls the "
                                     "FX safeguard deferred are cut by agreement as the deferral ends "
                                     "(end treatment: renegotiated)",
                                     deal.clause(self.fx.fx.rule.clause).path if self.fx else "scenario"))
            return 0.0
        if deferring and v > 0:
            return 0.0  # the FX safeguard: the investor's calls wait
        if self.cap is not None and a > 0:
            room = self.cap - self.cap_used.get(year, 0.0)
            frac = min(frac, max(room, 0.0) / (a * rem))
        if self.vehicle is not None and v > 0:
            frac = min(frac, max(self.balance, 0.0) / (v * rem))
        if frac <= 0:
            return 0.0
        funded = rem * frac
        if rem - funded <= _TOL:
            funded = rem
        ps.calls[m] = ps.calls.get(m, 0.0) + funded
        due_inv = v_full * funded
        pay = due_inv
        if self.capped and due_inv > self.agreed - self.inv_paid + SLACK:
            pay = max(self.agreed - self.inv_paid, 0.0)  # the rest falls to the host
            ps.beyond[m] = ps.beyond.get(m, 0.0) + due_inv - pay
        self.inv_paid += pay
        paid = pay if self.vehicle is None else 0.0
        if self.cap is not None and a > 0:
            self.cap_used[year] = self.cap_used.get(year, 0.0) + (
                a * funded if pay == due_inv else a_full * pay / v_full)
        if self.vehicle is not None and v > 0:
            self.balance -= v * funded
            self.last_move = m
        self.left[pid] = rem - funded
        if self.left[pid] > _TOL:
            clause = "timeline.annual_cap" if self.cap is not None and a > 0 and \
                self.cap_used.get(year, 0.0) >= self.cap - _TOL else "timeline.pacing"
            self.events.append(Event(m, pid, f"call of build month {k + 1} funded "
                                     f"{funded:,.0f} of {rem:,.0f} USD; the rest waits",
                                     deal.clause(clause).path))
            return paid
        self.k_next[pid] = k = k + 1
        build = self.builds[pid]
        if k >= len(build):
            ps.completion = m
            self.pending.remove(ps)
            self.events.append(Event(m, pid, f"last capital call funded; operations start "
                                     f"{month_label(m + 1)}", deal.clause("timeline.pacing").path))
        else:
            self.left[pid] = float(build[k])
            self.ready[pid] = max(self.start[pid] + k + self._paused(pid, k), m + 1)
        return paid


def build_schedule(deal: TermSheet, pipeline: Pipeline,
                   shocks: dict[str, Shock] | None = None, fx: FxPath | None = None) -> Schedule:
    """Schedule every capital call of ``pipeline`` under ``deal``'s timeline clauses.

    In order: select the projects (:func:`select_projects`), plan the vehicle's
    instalments (:func:`vehicle_plan`), then run the months, each with the FX
    safeguard's step and the due calls. ``shocks`` (by project id) realise delays,
    overruns and abandonment for one path; ``fx`` applies the FX safeguard on that
    path (:mod:`pledgelab.engine._fxrule`).
    """
    events: list[Event] = []
    projects = select_projects(deal, pipeline, events)
    vehicle = vehicle_plan(deal)
    safeguard = None if fx is None else _Safeguard(deal, fx, events)
    calls = _Calls(deal, [ps for ps in projects if ps.status == "financed"], shocks or {}, vehicle,
                   safeguard, events)
    calls.run()
    return Schedule(projects=projects, instalments=vehicle.instalments if vehicle is not None else {},
                    vehicle_interest=calls.interest,
                    vehicle_left=calls.balance if vehicle is not None else 0.0,
                    vehicle_last=calls.last_move, cap_used=calls.cap_used, events=events,
                    fx_pressure=safeguard.pressure if safeguard else {},
                    fx_requests=safeguard.requests if safeguard else {},
                    fx_deferred=safeguard.deferred if safeguard else set())
