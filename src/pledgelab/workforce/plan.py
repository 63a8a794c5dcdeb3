"""The staffing plan: who is needed when, on which route, the latest date to file, and the residual risk.

One row per (project, employer type, activity, route) of the allocation
(:func:`~pledgelab.workforce.delays.allocate`): one visa a person for the
project, the output a project's HR and legal teams act on:

* ``start``: first day of the month the group is first needed;
* ``people``: visas filed (more than the peak ``heads`` where a stay limit makes
  crews rotate), each staying ``stay`` months at most, with ``renewals``
  extensions where the stay is longer than one admission (fees count them);
* ``apply_by``: the latest filing date to have the visas in time with
  probability ``quantile`` (one round, no refusal): ``start`` minus the route's
  processing-time quantile, in days (``months * 365.25 / 12``); ``feasible`` is
  false when that date falls before the project's notice;
* ``filed``: when firms under the policy file (``lead_months`` or the policy's
  planning quantile, whichever is earlier, premium processing where used, never
  before notice);
* ``p_late``: the probability the group arrives after ``start`` when filed on
  ``filed``, counting a refused batch's second round:
  ``(1 - r) P(T1 > L) + r P(T1 + T2 > L)`` with ``L`` the lead actually given;
* ``exclusions``: each route a group could not use and the rule that excluded it;
* per project, the share of specialist-months on routes that do not clearly
  cover the work, the yearly and whole-exposure probability of an enforcement
  action, and the sampled probability and size of a delay.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pledgelab._errors import ArgumentError
from pledgelab._limits import check
from pledgelab.workforce._check import Triangular
from pledgelab.workforce._demand import Demand
from pledgelab.workforce._enforcement import DAYS_PER_MONTH, Enforcement, read_enforcement
from pledgelab.workforce._policy import Policy
from pledgelab.workforce.delays import Exclusion, Site, allocate, sample_delays, summarize

_GRID = 400  # midpoints per uniform when integrating two processing rounds


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffingRow:
    """One group of specialists on one route."""

    project: str
    employer: str
    activity: str
    route: str
    heads: int
    people: int
    stay: float
    renewals: int
    start: dt.date
    months: int
    apply_by: dt.date
    feasible: bool
    filed: dt.date
    processing: Triangular
    cap_year: int | None
    cap_period: int | None
    waited_months: int
    premium: bool
    covers: str
    fees: float
    p_late: float


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkforceRisk:
    """One project's residual workforce risk under the policy."""

    project: str
    people: int  # specialist placements over all phases
    uncovered_share: float
    annual_probability: float  # a detention or a shutdown, per year on site
    annual_shutdown: float
    annual_detention: float
    p_action: float  # at least one action while specialists are on site
    p_delay: float  # sampled P(delay >= 1 month)
    mean_delay: float
    p90_delay: float
    fees: float


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffingPlan:
    """A staffing plan: rows, project risks and how they were computed."""

    policy: Policy
    quantile: float
    rows: tuple[StaffingRow, ...]
    exclusions: tuple[Exclusion, ...]
    projects: tuple[WorkforceRisk, ...]
    paths: int
    seed: int


def _date(month: float) -> dt.date:
    """The date ``month`` (a fractional month index) falls on."""
    whole = math.floor(month)
    first = dt.date(whole // 12, whole % 12 + 1, 1)
    return first + dt.timedelta(days=round((month - whole) * DAYS_PER_MONTH))


def p_late(dist: Triangular, refusal: float, lead: float) -> float:
    """``(1 - r) P(T1 > L) + r P(T1 + T2 > L)`` for two independent draws of ``dist``."""
    one = 1.0 - dist.cdf(lead)
    if refusal <= 0.0:
        return one
    u = (np.arange(_GRID) + 0.5) / _GRID
    t = dist.ppf(u)
    two = float(np.mean((t[:, None] + t[None, :]) > lead))
    return (1.0 - refusal) * one + refusal * two


def staffing_plan(*, policy: Policy, sites: Sequence[Site], quantile: float = 0.95, paths: int = 4096,
                  seed: int = 0, demand: Demand | None = None,
                  enforcement: Enforcement | None = None) -> StaffingPlan:
    """The staffing plan of ``sites`` under ``policy`` (see the module docstring)."""
    check("quantile", quantile)
    check("paths", paths)
    check("seed", seed)
    if not isinstance(policy, Policy):
        raise ArgumentError.of("policy", "expected a Policy (workforce.load_policy), got "
                               f"{type(policy).__name__}")
    alloc = allocate(policy, sites, demand=demand)
    rows = []
    for a in alloc.assignments:
        route = policy.routes[a.route]
        site = alloc.sites[a.site]
        time = route.time(premium=a.premium)
        need = time.quantile(quantile)
        start = _date(a.need)
        apply_by = start - dt.timedelta(days=round(need * DAYS_PER_MONTH))
        rows.append(StaffingRow(
            project=a.project, employer=a.employer, activity=a.activity, route=a.route, heads=a.heads,
            people=a.people, stay=a.stay, renewals=a.renewals, start=start, months=a.months,
            apply_by=apply_by,
            feasible=apply_by >= site.notice, filed=_date(a.apply), processing=time, cap_year=a.cap_year,
            cap_period=a.cap_period, waited_months=a.waited_months, premium=a.premium, covers=a.covers,
            fees=a.people * (route.fee_for(premium=a.premium) + a.renewals * route.fee),
            p_late=p_late(time, route.refusal_rate, a.need - a.apply)))
    sample = sample_delays(policy=policy, sites=list(alloc.sites), paths=slice(0, paths), seed=seed,
                           demand=demand, enforcement=enforcement, allocation=alloc)
    risks = []
    enf = (enforcement if enforcement is not None else read_enforcement()).with_impact(policy.impact)
    for i, (site, s) in enumerate(zip(alloc.sites, summarize(sample), strict=True)):
        mine = [r for r in rows if r.project == site.id]
        shut, held = (alloc.annual_probability(i, k, enf) for k in ("shutdown", "detention"))
        hit = 1.0 - (1.0 - alloc.hit_probability(i, "shutdown", enf)) * (1.0 - alloc.hit_probability(
            i, "detention", enf))
        risks.append(WorkforceRisk(
            project=site.id, people=sum(r.people for r in mine),
            uncovered_share=float(alloc.uncovered_share[i]),
            annual_probability=1.0 - (1.0 - shut) * (1.0 - held),
            annual_shutdown=shut, annual_detention=held,
            p_action=hit, p_delay=s.p_late, mean_delay=s.mean, p90_delay=s.p90,
            fees=sum(r.fees for r in mine)))
    return StaffingPlan(policy=policy, quantile=quantile, rows=tuple(rows), exclusions=alloc.exclusions,
                        projects=tuple(risks),
                        paths=paths, seed=seed)
