"""Workforce delays: specialists, visa routes, the rules, shared caps and enforcement → months of slip.

Two steps.

**Allocation** (:func:`allocate`, deterministic). Each project needs specialists
by phase and employer type (:mod:`~pledgelab.workforce._demand`), in three
groups: the investor's own staff (supervision and training), the
subcontractors' staff installing the equipment they sold, and the
subcontractors' staff doing building or construction work during installation
(``construction_share``). **One visa a person for the project**: each group
files once, for its peak headcount, before it is first needed, and stays
through every phase it works in; where a stay limit applies (ESTA 90 days,
B-1 six months) crews rotate, so the people filed are the group's
specialist-months over the stay (at least the peak) and nobody stays past the
limit. Firms file ``max(lead_months, q-quantile of the route's processing
time)`` before the need (``q`` the policy's ``planning_quantile``, premium
processing where the route has it and the policy uses it), never before the
project's notice.

A group takes its routes from the policy's ``mix`` (first-choice shares,
largest remainder) and then down the employer's ``preference`` list. Each
route is checked against the cited rules (:mod:`~pledgelab.workforce._rules`):
the route's ``employers`` and ``nationalities``, then every rule that names
the route. A route failing an eligibility rule is excluded; one failing a
scope rule is excluded under ``compliance: lawful`` and used, counted as not
covering the work, under ``as-practised``. Every exclusion is recorded with
its rule (``Allocation.exclusions``). A group with no usable route at all
uses its first uncapped preference as practised (rule ``no-lawful-route``).
A capped route gives the pipeline ``floor(annual_cap * cap_share)`` people a
US fiscal year, split into the route's cap periods (H-2B: two half-year
tranches), **shared by every project starting in that period**; what does not
fit waits for the next period and starts then. Caps are never exceeded.

**Sampling** (:func:`sample_delays`, per path). Each assignment is one batch:
its processing time is one draw from the route's triangular distribution, and
a share ``r`` (the refusal rate, per person) files again and arrives after a
second draw. A batch that arrives late slows the phase in proportion: a phase
needing ``H`` people that misses ``h`` of them for ``L`` months slips by
``(h / H) * L`` (the phases' slips add over batches). The staffing delay is
the largest phase slip (a later phase cannot make up an earlier one), split
exactly into the investor's and the subcontractors' parts. An enforcement
action (:mod:`~pledgelab.workforce._enforcement`) adds its slip. Delays are
continuous months, never rounded; ``construction_delay`` counts only phases
that start before completion and actions that fall before it.

**Seeding.** Paths are grouped in the drivers' blocks of
:data:`~pledgelab.drivers.BLOCK`; block ``b`` draws from
``default_rng(SeedSequence(seed, spawn_key=(b, WORKFORCE_STREAM)))`` with
``WORKFORCE_STREAM = 5``, a stream no driver uses (the drivers' key is
``(b,)``). Every block draws, in this order, for ``P`` projects in project
order, the 3 groups (:data:`GROUP_SLOTS`) and *every* route of the pathway
file (``R``), whatever the policy:

1. first-round processing uniforms ``(BLOCK, P, 3, R)``;
2. second-round processing uniforms, same shape;
3. a third array of the same shape (kept for the layout; unused since refusals are per person);
4. shock uniforms ``(BLOCK, P, 8)``: shutdown, its month, stop, non-return, replacement, the
   uniform the Monte Carlo adapter rounds whole months with, detention, detained share.

So a chunk of paths gives the same numbers as the same paths in one run, and
two policies run with one seed see the same shocks (common random numbers):
longer processing times never give a shorter delay.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pledgelab._errors import ArgumentError
from pledgelab._months import month_of
from pledgelab.drivers import BLOCK
from pledgelab.pipeline import Archetype, Pipeline, read_archetypes
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
from pledgelab.workforce._rules import (
    ACTIVITIES,
    Case,
    cap_period,
    next_period,
    people,
    period_start,
    periods,
    stint,
)
from pledgelab.workforce._vehicles import Vehicles, read_vehicles

WORKFORCE_STREAM = 5  # second element of the spawn key; see the module docstring
MAX_WAIT_YEARS = 10  # cap years a group may wait before the allocation gives up
_EPS = 1e-9
SHOCK_COLUMNS = 8
GROUP_SLOTS = (("investor", "supervision-training"), ("subcontractor", "equipment-installation"),
               ("subcontractor", "construction"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A project as the workforce model sees it: where and when specialists are needed.

    ``start_month`` is the month index (``year * 12 + month - 1``) the build is
    planned to start; ``nationality`` is the investor's economy code (it decides
    routes such as E-4 or the KIT desk's annotated B-1). ``capacity_gwh`` (battery
    plants) scales the idle cost by capacity instead of capex. ``ownership`` is the
    share of the US employer of the investor's staff owned by the investor's side
    (``None``: the project vehicle's, from ``data/workforce/vehicles.yaml``).
    """

    id: str
    archetype: str
    capex: float
    notice: dt.date
    start_month: int
    build_months: int
    nationality: str | None = None
    capacity_gwh: float | None = None
    ownership: float | None = None  # share of the investor staff's US employer owned by the investor's side

    @property
    def completion(self) -> int:
        """Month index of the planned end of the build (start of operations)."""
        return self.start_month + self.build_months


def margin_per_day(site: Site, archetypes: Mapping[str, Archetype] | None = None) -> float:
    """Distributable cash a day the site loses while late: capex x operating_yield / 365.25."""
    types = archetypes if archetypes is not None else read_archetypes()
    yearly = float(types[site.archetype].value("operating_yield"))
    return site.capex * yearly / (12.0 * DAYS_PER_MONTH)


def order(sites: Sequence[Site]) -> list[Site]:
    """Project order: notice date, then id (the engine's ``Plan.order``)."""
    return sorted(sites, key=lambda s: (s.notice, s.id))


_ECONOMY = re.compile(r"[A-Z]{2}")
"""An investor's economy code (ISO 3166 alpha-2): KR, JP."""


def sites_from_pipeline(pipeline: Pipeline, *, nationality: str | None = None,
                        start_months: Mapping[str, int] | None = None,
                        include_declined: bool = False) -> list[Site]:
    """The pipeline's projects as sites, in project order.

    ``nationality`` defaults to the pipeline's first ``default_for`` investor;
    ``start_months`` (project id → month index) defaults to each notice month
    (the engine can pass its planned first-call months instead).
    """
    if not isinstance(pipeline, Pipeline):
        raise ArgumentError.of("pipeline", "expected a Pipeline (load_pipeline), got "
                               f"{type(pipeline).__name__}")
    if nationality is not None and (not isinstance(nationality, str) or not _ECONOMY.fullmatch(nationality)):
        raise ArgumentError.of("nationality", "expected a two-letter economy code such as KR or JP, got "
                               f"{str(nationality)[:20]!r}")
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
class Exclusion:
    """A route a group could not use, and the rule (or route clause) that excluded it."""

    site: int
    project: str
    employer: str
    activity: str
    route: str
    rule: str  # a rule id of the pathway file, or 'employers' / 'nationalities' (the route's clause)
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """Specialists of one project, employer type and activity placed on one route.

    ``heads`` is the group's peak headcount on this route; ``people`` the visas
    filed (more than ``heads`` where a stay limit makes crews rotate);
    ``fraction`` the part of the group it carries in every phase; ``start`` the
    month the group is first needed (or the cap period it waited for);
    ``months`` how long the need lasts; ``stay`` how long one person stays;
    ``covers`` whether the route clearly allows the work (``no`` where a scope
    rule refuses it and the policy uses it anyway).
    """

    site: int  # index in the allocation's project order
    project: str
    employer: str
    activity: str
    route: str
    heads: int
    people: int
    fraction: float
    need: int  # month the group is first needed
    start: int  # month the group can start (need, or the cap period it waited for)
    months: int
    stay: float
    renewals: int  # extensions each person files to stay ``stay`` months (admission_months)
    apply: float  # month the applications are filed
    premium: bool
    covers: str
    cap_year: int | None  # fiscal year whose cap they use (None: uncapped route)
    cap_period: int | None  # period within the fiscal year (H-2B halves), None uncapped
    waited_months: int  # months spent waiting for cap room

    @property
    def waited_years(self) -> int:
        return -(-self.waited_months // 12)

    @property
    def phase(self) -> str:
        return "all"


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """The specialists of one project, employer type and activity: one visa each for the whole project."""

    site: int
    employer: str
    activity: str
    heads: tuple[int, ...]  # per phase (PHASES order)
    starts: tuple[int, ...]  # per phase: first month
    months: tuple[int, ...]  # per phase: length

    @property
    def peak(self) -> int:
        return max(self.heads)

    @property
    def first(self) -> int:
        return min(s for s, h in zip(self.starts, self.heads, strict=True) if h > 0)

    @property
    def last(self) -> int:
        return max(s + m for s, m, h in zip(self.starts, self.months, self.heads, strict=True) if h > 0)

    @property
    def span(self) -> int:
        return self.last - self.first

    @property
    def person_months(self) -> float:
        return float(sum(h * m for h, m in zip(self.heads, self.months, strict=True)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """Who goes on which route, when they file and how much of each cap is used (path-independent)."""

    policy: Policy
    sites: tuple[Site, ...]  # project order
    groups: tuple[Group, ...]
    assignments: tuple[Assignment, ...]
    exclusions: tuple[Exclusion, ...]
    cap_used: dict[tuple[str, int], int]  # (route, fiscal year) -> people
    period_used: dict[tuple[str, int, int], int]  # (route, fiscal year, period) -> people
    uncovered_share: np.ndarray  # (sites,): specialist-months on routes not clearly covering the work
    exposure: np.ndarray  # (sites, 2): first and one-past-last month with specialists on site
    phase_heads: np.ndarray  # (sites, phases): specialists needed in each phase
    peak_heads: np.ndarray  # (sites,): foreign specialists on site at the peak (the groups' peaks)

    def for_site(self, i: int) -> list[Assignment]:
        return [a for a in self.assignments if a.site == i]

    def annual_probability(self, i: int, kind: str = "shutdown",
                           enforcement: Enforcement | None = None) -> float:
        """Per-year chance of an action of ``kind`` at site ``i`` (see :mod:`._enforcement`)."""
        enf = enforcement if enforcement is not None else read_enforcement()
        p = self.policy
        return annual_probability(enf.base_rate(kind), p.probability("regime_multiplier"),
                                  p.probability("covered_relative"), float(self.uncovered_share[i]),
                                  enf.headcount_scale(float(self.peak_heads[i])))

    def hit_probability(self, i: int, kind: str = "shutdown",
                        enforcement: Enforcement | None = None) -> float:
        """Chance of at least one action of ``kind`` while specialists are on site."""
        months = float(self.exposure[i, 1] - self.exposure[i, 0])
        return float(1.0 - (1.0 - self.annual_probability(i, kind, enforcement)) ** (months / 12.0))


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


def groups_of(site: Site, i: int, dem: Demand) -> list[Group]:
    """The project's specialist groups (see the module docstring: one visa per person for the project).

    The investor's own staff supervise and train; the subcontractors' staff
    install the equipment they sold, and a ``construction_share`` of them do
    building or construction work during installation.
    """
    needs = dem.needs(site.archetype, site.capex)
    starts = tuple(max(site.start_month, site.completion + n.start) for n in needs)
    months = tuple(n.months for n in needs)
    inv = tuple(n.heads["investor"] for n in needs)
    sub = [n.heads["subcontractor"] for n in needs]
    build = [_round(sub[0] * dem.construction_share)] + [0] * (len(needs) - 1)
    equip = tuple(h - c for h, c in zip(sub, build, strict=True))
    out = []
    kinds = (("investor", "supervision-training", inv), ("subcontractor", "equipment-installation", equip),
             ("subcontractor", "construction", tuple(build)))
    for emp, act, heads in kinds:
        if max(heads) > 0:
            out.append(Group(site=i, employer=emp, activity=act, heads=heads, starts=starts, months=months))
    return out


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def allocate(policy: Policy, sites: Sequence[Site], *, demand: Demand | None = None,
             vehicles: Vehicles | None = None) -> Allocation:
    """Place every specialist on a route under ``policy`` (see the module docstring)."""
    if not isinstance(policy, Policy):
        raise ArgumentError.of("policy", f"expected a Policy (load_policy), got {type(policy).__name__}")
    dem = demand if demand is not None else read_demand()
    veh = vehicles if vehicles is not None else read_vehicles()
    ordered = order(sites)
    rules = policy.pathways.rules
    groups = [g for i, s in enumerate(ordered) for g in groups_of(s, i, dem)]
    groups.sort(key=lambda g: (g.first, g.site, EMPLOYERS.index(g.employer), ACTIVITIES.index(g.activity)))
    used: dict[tuple[str, int, int], int] = {}
    exclusions: list[Exclusion] = []
    out: list[Assignment] = []

    def ownership(s: Site) -> float:
        return s.ownership if s.ownership is not None else veh.share(s.nationality)

    def verdict(g: Group, rid: str) -> tuple[bool, str, float]:
        """(usable, coverage, stay) of route ``rid`` for ``g``; records what excluded it."""
        s = ordered[g.site]
        route = policy.routes[rid]

        def exclude(rule: str, reason: str) -> tuple[bool, str, float]:
            exclusions.append(Exclusion(site=g.site, project=s.id, employer=g.employer, activity=g.activity,
                                        route=rid, rule=rule, reason=reason))
            return False, "no", 0.0

        if g.employer not in route.employers:
            return exclude("employers", f"open to {', '.join(route.employers)} only")
        if not route.open_to(g.employer, s.nationality):
            return exclude("nationalities", f"not open to nationality {s.nationality}")
        stay, _ok = stint(rules, rid, route.max_stay, float(g.span))
        case = Case(employer=g.employer, activity=g.activity, ownership=ownership(s),
                    tenure_months=dem.investor_tenure if g.employer == "investor" else 0.0,
                    contract_of_sale=dem.contract_of_sale and g.employer == "subcontractor",
                    start_month=g.first, need_months=float(g.span), stay_months=stay, max_stay=route.max_stay)
        covers = route.covers
        for rule in rules.values():
            if rid not in rule.routes:
                continue
            v = rule.check(case)
            if v.allowed:
                continue
            if v.kind == "eligibility" or policy.lawful:
                return exclude(rule.id, v.reason)
            covers = "no"  # used as practised: the work is not covered
        return True, covers, stay

    def room(rid: str, period: tuple[int, int]) -> int | float:
        cap = policy.routes[rid].cap
        if cap is None:
            return math.inf
        per = cap // periods(rules, rid)
        return per - used.get((rid, *period), 0)

    def place_on(g: Group, rid: str, want: int, covers: str, stay: float, *, wait: bool = False) -> int:
        """Put up to ``want`` of ``g``'s peak on ``rid`` (in later cap periods too where ``wait``)."""
        route = policy.routes[rid]
        s = ordered[g.site]
        notice = float(month_of(s.notice))
        premium = policy.uses_premium and "premium_processing" in route.params
        left = want
        if route.cap is None:
            periods_to_try: list[tuple[int, int] | None] = [None]
        else:
            first = cap_period(rules, rid, g.first)
            periods_to_try = [first]
            for _ in range(MAX_WAIT_YEARS * periods(rules, rid) if wait else 0):
                periods_to_try.append(next_period(rules, rid, periods_to_try[-1]))  # type: ignore[arg-type]
        for period in periods_to_try:
            if left == 0:
                break
            take = left if period is None else int(min(left, room(rid, period)))
            if take <= 0:
                continue
            start = g.first if period is None else max(g.first, period_start(rules, rid, period))
            apply = max(notice, start - policy.filing_lead(rid))
            frac = take / g.peak
            n = people(g.person_months * frac, take, stay, float(g.span))
            if period is not None:
                used[(rid, *period)] = used.get((rid, *period), 0) + n
            out.append(Assignment(site=g.site, project=s.id, employer=g.employer, activity=g.activity,
                                  route=rid, heads=take, people=n, fraction=frac, need=g.first, start=start,
                                  months=g.span, stay=stay, renewals=route.renewals(stay), apply=apply,
                                  premium=premium, covers=covers,
                                  cap_year=None if period is None else period[0],
                                  cap_period=None if period is None else period[1],
                                  waited_months=start - g.first))
            left -= take
        return want - left

    for g in groups:
        s = ordered[g.site]
        prefs = policy.order(g.employer)
        usable = {}
        for rid in prefs:
            ok, covers, stay = verdict(g, rid)
            if ok:
                usable[rid] = (covers, stay)
        if not usable:  # no lawful route: the first preference open to the employer, as practised
            for rid in prefs:
                route = policy.routes[rid]
                if route.open_to(g.employer, s.nationality) and route.cap is None:
                    stay, _ = stint(rules, rid, route.max_stay, float(g.span))
                    usable[rid] = ("no", stay)
                    exclusions.append(Exclusion(site=g.site, project=s.id, employer=g.employer,
                                                activity=g.activity, route=rid, rule="no-lawful-route",
                                                reason=f"no route allows this work; {rid} used as practised"))
                    break
        if not usable:
            raise ValueError(f"policy {policy.id}: no route in the {g.employer} preference is open to "
                             f"nationality {s.nationality} (project {s.id})")
        spill = g.peak
        shares = policy.shares(g.employer)
        if shares:
            spill = 0
            for rid, target in _split(g.peak, shares):
                got = place_on(g, rid, target, *usable[rid]) if rid in usable and target else 0
                spill += target - got
        for rid in usable:
            if spill == 0:
                break
            spill -= place_on(g, rid, spill, *usable[rid])
        for rid in usable:  # what no route took now waits for cap room, first preference first
            if spill == 0:
                break
            spill -= place_on(g, rid, spill, *usable[rid], wait=True)
        if spill:  # no cap room within MAX_WAIT_YEARS: the first uncapped route open to them, as practised
            spare = [rid for rid in prefs if policy.routes[rid].cap is None
                     and policy.routes[rid].open_to(g.employer, s.nationality)]
            if not spare:
                raise ValueError(f"policy {policy.id}: {spill} {g.employer} specialists of {s.id} found no "
                                 f"cap room in {MAX_WAIT_YEARS} years and no uncapped route")
            rid = spare[0]
            stay, _ = stint(rules, rid, policy.routes[rid].max_stay, float(g.span))
            exclusions.append(Exclusion(site=g.site, project=s.id, employer=g.employer, activity=g.activity,
                                        route=rid, rule="cap-full", reason=f"no cap room in {MAX_WAIT_YEARS} "
                                        f"years; {spill} people on {rid} as practised"))
            spill -= place_on(g, rid, spill, "no", stay)

    out.sort(key=lambda a: (a.site, EMPLOYERS.index(a.employer), ACTIVITIES.index(a.activity), a.apply,
                            list(policy.routes).index(a.route)))
    n = len(ordered)
    weight = np.zeros(n)
    bad = np.zeros(n)
    exposure = np.zeros((n, 2), dtype=np.int64)
    heads = np.zeros((n, len(PHASES)))
    peak = np.zeros(n)
    for g in groups:
        heads[g.site] += g.heads
        peak[g.site] += g.peak
    by_group = {(g.site, g.employer, g.activity): g for g in groups}
    for i in range(n):
        mine = [a for a in out if a.site == i]
        if mine:
            exposure[i] = (min(a.start for a in mine), max(a.start + a.months for a in mine))
        for a in mine:
            pm = by_group[(i, a.employer, a.activity)].person_months * a.fraction
            weight[i] += pm
            if a.covers != "clear":
                bad[i] += pm
    share = np.divide(bad, weight, out=np.zeros(n), where=weight > 0)
    cap_used: dict[tuple[str, int], int] = {}
    for (rid, fy, _k), people_n in used.items():
        cap_used[(rid, fy)] = cap_used.get((rid, fy), 0) + people_n
    return Allocation(policy=policy, sites=tuple(ordered), groups=tuple(groups), assignments=tuple(out),
                      exclusions=tuple(exclusions), cap_used=cap_used, period_used=dict(used),
                      uncovered_share=share, exposure=exposure, phase_heads=heads, peak_heads=peak)


@dataclass(frozen=True, slots=True, kw_only=True)
class DelaySample:
    """Sampled workforce delays, ``(paths, projects)`` with projects in the order given, in months.

    ``delay`` (the start of operations moves) and ``construction_delay`` (the part
    before completion) are continuous months, never rounded: ``delay = staffing +
    enforcement_slip``. ``staffing`` splits exactly into ``investor_part`` and
    ``subcontractor_part`` (the two employer types' shares of the binding phase's
    slip); ``idle_cost`` is in USD for the whole delay, ``enforcement_cost`` for the
    action's part.
    """

    projects: tuple[str, ...]
    delay: np.ndarray
    construction_delay: np.ndarray
    staffing: np.ndarray
    investor_part: np.ndarray
    subcontractor_part: np.ndarray
    enforcement_hit: np.ndarray  # a detention or a shutdown
    shutdown_hit: np.ndarray
    shutdown_in_build: np.ndarray  # a shutdown before completion: the site stops and remobilises
    enforcement_slip: np.ndarray  # detention_slip + shutdown slip
    detention_slip: np.ndarray
    idle_cost: np.ndarray
    enforcement_cost: np.ndarray
    rounding: np.ndarray  # uniforms for the engine's whole-month rounding (mean-preserving)
    allocation: Allocation


def _block_uniforms(seed: int, block: int, shape: tuple[int, ...], projects: int) -> list[np.ndarray]:
    """The raw uniforms of one block (always the same shapes, in the documented order)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, WORKFORCE_STREAM)))
    first = rng.random((BLOCK, *shape))
    second = rng.random((BLOCK, *shape))
    refusal = rng.random((BLOCK, *shape))
    shocks = rng.random((BLOCK, projects, SHOCK_COLUMNS))
    return [first, second, refusal, shocks]


def lateness(arrival_first: np.ndarray, arrival_second: np.ndarray, refusal: float,
             start: float) -> np.ndarray:
    """Expected months late of a batch at ``start``: a share ``refusal`` files again and arrives second.

    Refusals are per person, so a refusal rate ``r`` leaves a share ``r`` of the
    batch waiting for a second round.
    """
    return ((1.0 - refusal) * np.maximum(0.0, arrival_first - start)
            + refusal * np.maximum(0.0, arrival_second - start))


def sample_delays(*, policy: Policy, sites: Sequence[Site], paths: slice, seed: int,
                  demand: Demand | None = None, enforcement: Enforcement | None = None,
                  allocation: Allocation | None = None) -> DelaySample:
    """Workforce delays of paths ``paths`` (a ``slice(a, z)``) for ``sites`` under ``policy``.

    Columns follow the order of ``sites`` as given; the model itself works in
    project order (notice date, then id), so the order given never changes a
    number. ``allocation`` may be passed to reuse one computed by :func:`allocate`.
    """
    if not isinstance(paths, slice):
        raise ArgumentError.of("paths", f"expected a slice of path numbers, slice(0, n), got {paths!r}")
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
    enf = (enforcement if enforcement is not None else read_enforcement()).with_impact(policy.impact)
    alloc = allocation if allocation is not None else allocate(policy, sites, demand=demand)
    ordered = alloc.sites
    n = len(ordered)
    route_ids = list(policy.pathways.routes)
    shape = (n, len(GROUP_SLOTS), len(route_ids))
    p_shut = np.array([alloc.hit_probability(i, "shutdown", enf) for i in range(n)])
    p_det = np.array([alloc.hit_probability(i, "detention", enf) for i in range(n)])
    span = (alloc.exposure[:, 1] - alloc.exposure[:, 0]).astype(np.float64)
    completion = np.array([s.completion for s in ordered], dtype=np.float64)
    types = read_archetypes()
    per_day = np.array([margin_per_day(s, types) for s in ordered])
    by_group = {(g.site, g.employer, g.activity): g for g in alloc.groups}

    parts: list[tuple[np.ndarray, ...]] = []
    for b in range(a0 // BLOCK, -(-a1 // BLOCK)):
        rows = slice(max(a0, b * BLOCK) - b * BLOCK, min(a1, (b + 1) * BLOCK) - b * BLOCK)
        u1, u2, _ur, ue = (u[rows] for u in _block_uniforms(seed, b, shape, n))
        m = ue.shape[0]
        slip = np.zeros((m, n, len(PHASES), len(EMPLOYERS)))  # phase slip, by employer type
        for a in alloc.assignments:
            route = policy.routes[a.route]
            time = route.time(premium=a.premium)
            idx = (slice(None), a.site, GROUP_SLOTS.index((a.employer, a.activity)), route_ids.index(a.route))
            t1 = a.apply + time.ppf(u1[idx])
            first = np.maximum(t1, float(a.start))  # nobody starts before their cap period opens
            second = np.maximum(t1 + time.ppf(u2[idx]), float(a.start))
            g = by_group[(a.site, a.employer, a.activity)]
            e = EMPLOYERS.index(a.employer)
            for k, (start, heads) in enumerate(zip(g.starts, g.heads, strict=True)):
                total = alloc.phase_heads[a.site, k]
                if heads == 0 or total == 0:
                    continue
                weight = a.fraction * heads / total
                slip[:, a.site, k, e] += weight * lateness(first, second, route.refusal_rate, float(start))
        phase = slip.sum(axis=3)
        binding = phase.argmax(axis=2)  # (m, n) the phase that sets the staffing delay
        staffing = np.take_along_axis(phase, binding[..., None], axis=2)[..., 0]
        by_emp = np.take_along_axis(slip, binding[..., None, None], axis=2)[:, :, 0, :]
        early = np.array([[st < ordered[i].completion for st in _starts(alloc, i)] for i in range(n)],
                         dtype=bool).reshape(n, len(PHASES)) if n else np.zeros((0, len(PHASES)), bool)
        before = np.where(early[None], phase, 0.0).max(axis=2) if n else np.zeros((m, 0))
        shut = ue[:, :, 0] < p_shut
        held = ue[:, :, 6] < p_det
        when = alloc.exposure[:, 0] + ue[:, :, 1] * span
        shock = impact(enf, ue[:, :, 2], ue[:, :, 3], ue[:, :, 4])
        dslip = np.where(held, enf.dist("detained_share").ppf(ue[:, :, 7]) * shock.replacement, 0.0) \
            if "detained_share" in enf.impact else np.zeros((m, n))
        eslip = np.where(shut, shock.slip, 0.0) + dslip
        hit = shut | held
        total = staffing + eslip
        build = before + np.where(hit & (when < completion), eslip, 0.0)
        parts.append((total, build, staffing, by_emp[..., 0], by_emp[..., 1], hit, eslip,
                      total * DAYS_PER_MONTH * per_day, eslip * DAYS_PER_MONTH * per_day, ue[:, :, 5], shut,
                      dslip, shut & (when < completion)))
    given = [s.id for s in sites]
    pos = {s.id: i for i, s in enumerate(ordered)}
    cols = [pos[g] for g in given]

    def cat(i: int, dtype: type) -> np.ndarray:
        if not parts:
            return np.zeros((0, n), dtype=dtype)[:, cols]
        return np.ascontiguousarray(np.concatenate([p[i] for p in parts], axis=0)[:, cols].astype(dtype))

    return DelaySample(projects=tuple(given), delay=cat(0, np.float64), construction_delay=cat(1, np.float64),
                       staffing=cat(2, np.float64), investor_part=cat(3, np.float64),
                       subcontractor_part=cat(4, np.float64), enforcement_hit=cat(5, np.bool_),
                       shutdown_hit=cat(10, np.bool_), detention_slip=cat(11, np.float64),
                       shutdown_in_build=cat(12, np.bool_),
                       enforcement_slip=cat(6, np.float64), idle_cost=cat(7, np.float64),
                       enforcement_cost=cat(8, np.float64), rounding=cat(9, np.float64), allocation=alloc)


def _starts(alloc: Allocation, i: int) -> tuple[int, ...]:
    """Planned first month of each phase of site ``i``."""
    for g in alloc.groups:
        if g.site == i:
            return g.starts
    s = alloc.sites[i]
    return tuple([s.completion] * len(PHASES))


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


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupShares:
    """Mean delay a project-path split by source: the investor's staff, the subcontractors, enforcement."""

    investor: float
    subcontractor: float
    enforcement: float

    @property
    def total(self) -> float:
        return self.investor + self.subcontractor + self.enforcement


def group_shares(sample: DelaySample) -> GroupShares:
    """The exact split of the mean delay: ``delay = investor + subcontractor + enforcement`` in each cell."""
    if sample.delay.size == 0:
        return GroupShares(investor=0.0, subcontractor=0.0, enforcement=0.0)
    return GroupShares(investor=float(sample.investor_part.mean()),
                       subcontractor=float(sample.subcontractor_part.mean()),
                       enforcement=float(sample.enforcement_slip.mean()))
