"""Workforce delays: specialists, visa routes, shared caps and enforcement shocks → months of slip.

Two steps.

**Allocation** (:func:`allocate`, deterministic). Each project needs specialists
by phase and employer type (:mod:`~pledgelab.workforce._demand`). On a route,
firms file ``max(lead_months, q-quantile of the route's processing time)``
before each phase starts (``q`` is the policy's ``planning_quantile``: slow
routes are filed earlier), never before the project's notice. Demand groups
are placed in order of their nominal filing month (``lead_months`` ahead), then the
project order (notice date, then id, as the engine's ``Plan.order``), then phase
and employer type. A group goes first to the policy's ``mix`` (first-choice
shares, largest remainder) and then, for whatever a mix route could not take,
down the employer's ``preference`` list, skipping routes not open to the
employer or the investor's nationality. A route with an annual cap gives the
pipeline at most ``floor(annual_cap * cap_share)`` people per US fiscal year
(October to September; the cap year is that of the filing month on that route), **shared by
every project filing that year**; what no route can take waits for the next
fiscal year, where waiting groups are placed first, oldest first (as the
deal's own calendar-year cap carries calls). Caps are never exceeded.

**Sampling** (:func:`sample_delays`, per path). Each assignment (project, phase,
employer, route) is one batch of applications: its processing time is one
draw from the route's triangular distribution. Refusals within a batch are
assumed perfectly correlated (same employer, documents and project): with
probability ``r`` (the route's refusal rate) the batch is refused and filed
again, a second processing draw, so the expected refused share is ``r``. The phase
can start when its last group arrives; a late phase delays completion by its
lateness, and a later phase cannot make up an earlier one's slip, so the
staffing delay of a project is the largest lateness of its phases. An
enforcement action (:mod:`~pledgelab.workforce._enforcement`) adds its slip.
The result, rounded up to whole months, is the project's start-up delay;
``construction_delay`` counts only phases that start before completion and
actions that fall before it (the engine shifts capital calls by it).

**Seeding.** Paths are grouped in the drivers' blocks of
:data:`~pledgelab.drivers._sample.BLOCK`; block ``b`` draws from
``default_rng(SeedSequence(seed, spawn_key=(b, WORKFORCE_STREAM)))`` with
``WORKFORCE_STREAM = 5`` (the issue number), a stream no driver uses (the
drivers' key is ``(b,)``). Every block draws, in this order, for ``P`` projects
in project order, the 3 phases, the 2 employer types and *every* route of the
pathway file (``R``), whatever the policy:

1. first-round processing uniforms ``(BLOCK, P, 3, 2, R)``;
2. second-round processing uniforms, same shape;
3. refusal uniforms, same shape;
4. enforcement uniforms ``(BLOCK, P, 5)``: action, its month, stop, non-return, replacement.

So a chunk of paths gives the same numbers as the same paths in one run, and
two policies run with one seed see the same shocks (common random numbers):
longer processing times never give a shorter delay.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pledgelab._months import month_of
from pledgelab.drivers._sample import BLOCK
from pledgelab.pipeline import Pipeline
from pledgelab.workforce._check import EMPLOYERS, PHASES
from pledgelab.workforce._demand import Demand, read_demand
from pledgelab.workforce._enforcement import (
    DAYS_PER_MONTH,
    Enforcement,
    annual_probability,
    impact,
    read_enforcement,
)
from pledgelab.workforce._policy import Policy

WORKFORCE_STREAM = 5  # second element of the spawn key; see the module docstring
MAX_WAIT_YEARS = 10  # cap years a group may wait before the allocation gives up
_EPS = 1e-9


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A project as the workforce model sees it: where and when specialists are needed.

    ``start_month`` is the month index (``year * 12 + month - 1``) the build is
    planned to start; ``nationality`` is the investor's economy code (it decides
    routes such as E-4 or the KIT desk's annotated B-1). ``capacity_gwh`` (battery
    plants) scales the idle cost by capacity instead of capex.
    """

    id: str
    archetype: str
    capex: float
    notice: dt.date
    start_month: int
    build_months: int
    nationality: str | None = None
    capacity_gwh: float | None = None

    @property
    def completion(self) -> int:
        """Month index of the planned end of the build (start of operations)."""
        return self.start_month + self.build_months


def order(sites: Sequence[Site]) -> list[Site]:
    """Project order: notice date, then id (the engine's ``Plan.order``)."""
    return sorted(sites, key=lambda s: (s.notice, s.id))


def sites_from_pipeline(pipeline: Pipeline, *, nationality: str | None = None,
                        start_months: Mapping[str, int] | None = None,
                        include_declined: bool = False) -> list[Site]:
    """The pipeline's projects as sites, in project order.

    ``nationality`` defaults to the pipeline's first ``default_for`` investor;
    ``start_months`` (project id → month index) defaults to each notice month
    (the engine can pass its planned first-call months instead).
    """
    nat = nationality or (pipeline.default_for[0] if pipeline.default_for else None)
    out = []
    for p in pipeline.projects:
        if p.decision != "fund" and not include_declined:
            continue
        notice: dt.date = p.notice_date.value
        start = (start_months or {}).get(p.id, month_of(notice))
        out.append(Site(id=p.id, archetype=p.archetype, capex=float(p.capex.value), notice=notice,
                        start_month=int(start), build_months=p.build_months, nationality=nat))
    return order(out)


def fiscal_year(month: int) -> int:
    """US federal fiscal year of a month index (FY N runs October N-1 to September N)."""
    return (month + 3) // 12


def fiscal_year_start(fy: int) -> int:
    """Month index of 1 October that opens fiscal year ``fy``."""
    return 12 * fy - 3


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """Specialists of one project, phase and employer type placed on one route."""

    site: int  # index in the allocation's project order
    project: str
    phase: str
    employer: str
    route: str
    heads: int
    start: int  # planned first month of the phase
    months: int
    apply: float  # month the applications are filed
    cap_year: int | None  # fiscal year whose cap they use (None: uncapped route)
    waited_years: int  # fiscal years spent waiting for cap room


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """Who goes on which route, when they file and how much of each cap is used (path-independent)."""

    policy: Policy
    sites: tuple[Site, ...]  # project order
    assignments: tuple[Assignment, ...]
    cap_used: dict[tuple[str, int], int]  # (route, fiscal year) -> people
    uncovered_share: np.ndarray  # (sites,): headcount-months on routes not clearly covering the work
    exposure: np.ndarray  # (sites, 2): first and one-past-last month with specialists on site

    def for_site(self, i: int) -> list[Assignment]:
        return [a for a in self.assignments if a.site == i]

    def annual_probability(self, i: int) -> float:
        p = self.policy
        return annual_probability(p.probability("probability_covered"),
                                  p.probability("probability_uncovered"), float(self.uncovered_share[i]))

    def hit_probability(self, i: int) -> float:
        """Chance of at least one enforcement action while specialists are on site."""
        months = float(self.exposure[i, 1] - self.exposure[i, 0])
        return float(1.0 - (1.0 - self.annual_probability(i)) ** (months / 12.0))


@dataclass(slots=True)
class _Group:
    site: int
    phase: int
    employer: int
    heads: int
    start: int
    months: int
    apply: float
    first_fy: int
    left: int = 0


def _split(total: int, shares: Mapping[str, float]) -> list[tuple[str, int]]:
    """Largest-remainder split of ``total`` people by ``shares`` (in the shares' order)."""
    raw = [(k, total * s) for k, s in shares.items()]
    base = [(k, math.floor(x)) for k, x in raw]
    rest = total - sum(n for _, n in base)
    by_rem = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - base[i][1]), i))
    out = dict(base)
    for i in by_rem[:rest]:
        out[raw[i][0]] += 1
    return [(k, out[k]) for k, _ in raw]


def allocate(policy: Policy, sites: Sequence[Site], *, demand: Demand | None = None) -> Allocation:
    """Place every specialist on a route under ``policy`` (see the module docstring)."""
    dem = demand if demand is not None else read_demand()
    ordered = order(sites)
    lead = policy.lead
    groups: list[_Group] = []
    for i, s in enumerate(ordered):
        notice = month_of(s.notice)
        for k, need in enumerate(dem.needs(s.archetype, s.capex)):
            start = max(s.start_month, s.completion + need.start)
            apply = max(float(notice), start - lead)
            for e, emp in enumerate(EMPLOYERS):
                if need.heads[emp] > 0:
                    groups.append(_Group(site=i, phase=k, employer=e, heads=need.heads[emp], start=start,
                                         months=need.months, apply=apply,
                                         first_fy=fiscal_year(math.floor(apply + _EPS))))
    groups.sort(key=lambda g: (math.floor(g.apply + _EPS), g.site, g.phase, g.employer))

    used: dict[tuple[str, int], int] = {}
    placed: dict[tuple[int, int, int, str, float, int, int], int] = {}

    def room(route: str, fy: int) -> int | float:
        cap = policy.routes[route].cap
        return math.inf if cap is None else cap - used.get((route, fy), 0)

    def put(g: _Group, route: str, want: int, fy: int, apply: float, waited: int) -> int:
        take = int(min(want, room(route, fy)))
        if take > 0:
            if policy.routes[route].cap is not None:
                used[(route, fy)] = used.get((route, fy), 0) + take
            key = (g.site, g.phase, g.employer, route, apply, waited, fy)
            placed[key] = placed.get(key, 0) + take
        return take

    def eligible(g: _Group) -> list[str]:
        emp = EMPLOYERS[g.employer]
        nat = ordered[g.site].nationality
        return [r for r in policy.order(emp) if policy.routes[r].open_to(emp, nat)]

    def filed(g: _Group, route: str) -> float:
        notice = float(month_of(ordered[g.site].notice))
        return max(notice, g.start - policy.filing_lead(route))

    def put_route(g: _Group, route: str, want: int, waiting: int | None) -> int:
        apply = filed(g, route)
        if waiting is None:
            return put(g, route, want, fiscal_year(math.floor(apply + _EPS)), apply, 0)
        apply = max(apply, float(fiscal_year_start(waiting)))
        return put(g, route, want, waiting, apply, waiting - g.first_fy)

    def place(g: _Group, want: int, waiting: int | None) -> int:
        routes = eligible(g)
        if not routes:
            s = ordered[g.site]
            raise ValueError(f"policy {policy.id}: no route in the {EMPLOYERS[g.employer]} preference is "
                             f"open to nationality {s.nationality} (project {s.id})")
        spill = want
        if waiting is None and (shares := policy.shares(EMPLOYERS[g.employer])):
            spill = 0
            for route, target in _split(want, shares):
                got = put_route(g, route, target, None) if route in routes else 0
                spill += target - got
        for route in routes:
            if spill == 0:
                break
            spill -= put_route(g, route, spill, waiting)
        return spill

    queue: list[_Group] = []
    pending = list(groups)
    fy = min((fiscal_year(math.floor(filed(g, r) + _EPS)) for g in pending for r in eligible(g)),
             default=0)
    while pending or queue:
        still: list[_Group] = []
        for g in queue:
            g.left = place(g, g.left, fy)
            if g.left:
                if fy - g.first_fy >= MAX_WAIT_YEARS:
                    raise ValueError(f"policy {policy.id}: {g.left} {EMPLOYERS[g.employer]} specialists of "
                                     f"{ordered[g.site].id} found no cap room in {MAX_WAIT_YEARS} years")
                still.append(g)
        while pending and pending[0].first_fy <= fy:
            g = pending.pop(0)
            g.left = place(g, g.heads, None)
            if g.left:
                still.append(g)
        queue = still
        fy += 1

    by_key = {(g.site, g.phase, g.employer): g for g in groups}
    out = []
    for (i, k, e, route, apply, waited, fy), heads in placed.items():
        g = by_key[(i, k, e)]
        capped = policy.routes[route].cap is not None
        out.append(Assignment(site=i, project=ordered[i].id, phase=PHASES[k], employer=EMPLOYERS[e],
                              route=route, heads=heads, start=g.start, months=g.months, apply=apply,
                              cap_year=fy if capped else None,
                              waited_years=waited))
    out.sort(key=lambda a: (a.site, PHASES.index(a.phase), EMPLOYERS.index(a.employer), a.apply,
                            list(policy.routes).index(a.route)))
    n = len(ordered)
    weight = np.zeros(n)
    bad = np.zeros(n)
    exposure = np.zeros((n, 2), dtype=np.int64)
    for i in range(n):
        mine = [a for a in out if a.site == i]
        if mine:
            exposure[i] = (min(a.start for a in mine), max(a.start + a.months for a in mine))
        for a in mine:
            weight[i] += a.heads * a.months
            if policy.routes[a.route].covers != "clear":
                bad[i] += a.heads * a.months
    share = np.divide(bad, weight, out=np.zeros(n), where=weight > 0)
    return Allocation(policy=policy, sites=tuple(ordered), assignments=tuple(out), cap_used=used,
                      uncovered_share=share, exposure=exposure)


@dataclass(frozen=True, slots=True, kw_only=True)
class DelaySample:
    """Sampled workforce delays, ``(paths, projects)`` with projects in the order given.

    ``delay`` and ``construction_delay`` are whole months (int64); the others are
    the continuous parts: ``staffing`` months late from visas alone,
    ``enforcement_slip`` months (0 where no action), ``idle_cost`` in USD for the
    whole delay and ``enforcement_cost`` for the action's part.
    """

    projects: tuple[str, ...]
    delay: np.ndarray
    construction_delay: np.ndarray
    staffing: np.ndarray
    enforcement_hit: np.ndarray
    enforcement_slip: np.ndarray
    idle_cost: np.ndarray
    enforcement_cost: np.ndarray
    allocation: Allocation


def _block_uniforms(seed: int, block: int, shape: tuple[int, ...], projects: int) -> list[np.ndarray]:
    """The raw uniforms of one block (always the same shapes, in the documented order)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, WORKFORCE_STREAM)))
    first = rng.random((BLOCK, *shape))
    second = rng.random((BLOCK, *shape))
    refusal = rng.random((BLOCK, *shape))
    shocks = rng.random((BLOCK, projects, 5))
    return [first, second, refusal, shocks]


def sample_delays(*, policy: Policy, sites: Sequence[Site], paths: slice, seed: int,
                  demand: Demand | None = None, enforcement: Enforcement | None = None,
                  allocation: Allocation | None = None) -> DelaySample:
    """Workforce delays of paths ``paths`` (a ``slice(a, z)``) for ``sites`` under ``policy``.

    Columns follow the order of ``sites`` as given; the model itself works in
    project order (notice date, then id), so the order given never changes a
    number. ``allocation`` may be passed to reuse one computed by :func:`allocate`.
    """
    if paths.step not in (None, 1):
        raise ValueError(f"paths must be a contiguous slice, got step {paths.step}")
    if paths.stop is None:
        raise ValueError("paths needs an end: slice(start, stop)")
    a0 = 0 if paths.start is None else int(paths.start)
    a1 = int(paths.stop)
    if a0 < 0 or a1 < a0:
        raise ValueError(f"bad path range [{a0}, {a1})")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    enf = enforcement if enforcement is not None else read_enforcement()
    alloc = allocation if allocation is not None else allocate(policy, sites, demand=demand)
    ordered = alloc.sites
    n = len(ordered)
    route_ids = list(policy.pathways.routes)
    shape = (n, len(PHASES), len(EMPLOYERS), len(route_ids))
    p_hit = np.array([alloc.hit_probability(i) for i in range(n)])
    span = (alloc.exposure[:, 1] - alloc.exposure[:, 0]).astype(np.float64)
    completion = np.array([s.completion for s in ordered], dtype=np.float64)
    per_day = np.array([enf.idle_cost_per_day(capex=s.capex, capacity_gwh=s.capacity_gwh) for s in ordered])

    parts: list[tuple[np.ndarray, ...]] = []
    for b in range(a0 // BLOCK, -(-a1 // BLOCK)):
        rows = slice(max(a0, b * BLOCK) - b * BLOCK, min(a1, (b + 1) * BLOCK) - b * BLOCK)
        u1, u2, ur, ue = (u[rows] for u in _block_uniforms(seed, b, shape, n))
        m = ue.shape[0]
        late = np.zeros((m, n, len(PHASES)))
        for a in alloc.assignments:
            route = policy.routes[a.route]
            idx = (slice(None), a.site, PHASES.index(a.phase), EMPLOYERS.index(a.employer),
                   route_ids.index(a.route))
            t = route.processing.ppf(u1[idx])
            refused = ur[idx] < route.refusal_rate
            t = t + np.where(refused, route.processing.ppf(u2[idx]), 0.0)
            k = PHASES.index(a.phase)
            late[:, a.site, k] = np.maximum(late[:, a.site, k], a.apply + t - a.start)
        late = np.maximum(late, 0.0)
        staffing = late.max(axis=2)
        before = np.zeros((m, n))
        for a in alloc.assignments:  # phases planned to start before completion
            if a.start < ordered[a.site].completion:
                k = PHASES.index(a.phase)
                before[:, a.site] = np.maximum(before[:, a.site], late[:, a.site, k])
        hit = ue[:, :, 0] < p_hit
        when = alloc.exposure[:, 0] + ue[:, :, 1] * span
        shock = impact(enf, ue[:, :, 2], ue[:, :, 3], ue[:, :, 4])
        slip = np.where(hit, shock.slip, 0.0)
        total = staffing + slip
        build = before + np.where(hit & (when < completion), slip, 0.0)
        parts.append((np.ceil(total - _EPS).clip(0).astype(np.int64),
                      np.ceil(build - _EPS).clip(0).astype(np.int64),
                      staffing, hit, slip, total * DAYS_PER_MONTH * per_day, slip * DAYS_PER_MONTH * per_day))
    given = [s.id for s in sites]
    pos = {s.id: i for i, s in enumerate(ordered)}
    cols = [pos[g] for g in given]

    def cat(i: int, dtype: type) -> np.ndarray:
        if not parts:
            return np.zeros((0, n), dtype=dtype)[:, cols]
        return np.ascontiguousarray(np.concatenate([p[i] for p in parts], axis=0)[:, cols])

    return DelaySample(projects=tuple(given), delay=cat(0, np.int64), construction_delay=cat(1, np.int64),
                       staffing=cat(2, np.float64), enforcement_hit=cat(3, np.bool_),
                       enforcement_slip=cat(4, np.float64), idle_cost=cat(5, np.float64),
                       enforcement_cost=cat(6, np.float64), allocation=alloc)


@dataclass(frozen=True, slots=True, kw_only=True)
class DelaySummary:
    """One project's delay distribution."""

    project: str
    mean: float
    p50: float
    p90: float
    p99: float
    p_late: float  # P(delay >= 1 month)
    p_action: float  # share of paths with an enforcement action
    mean_idle_cost: float


def summarize(sample: DelaySample) -> list[DelaySummary]:
    """Per-project statistics of a sample (quantiles of the whole-month delay)."""
    out = []
    for j, pid in enumerate(sample.projects):
        d = sample.delay[:, j].astype(np.float64)
        if d.size == 0:
            out.append(DelaySummary(project=pid, mean=math.nan, p50=math.nan, p90=math.nan, p99=math.nan,
                                    p_late=math.nan, p_action=math.nan, mean_idle_cost=math.nan))
            continue
        q50, q90, q99 = np.quantile(d, [0.5, 0.9, 0.99])
        out.append(DelaySummary(project=pid, mean=float(d.mean()), p50=float(q50), p90=float(q90),
                                p99=float(q99), p_late=float((d >= 1).mean()),
                                p_action=float(sample.enforcement_hit[:, j].mean()),
                                mean_idle_cost=float(sample.idle_cost[:, j].mean())))
    return out
