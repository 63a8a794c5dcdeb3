"""Enforcement shocks: how often an immigration enforcement action hits a site and what it does.

``data/workforce/enforcement.yaml`` (schema ``pledgelab.workforce-enforcement/1``)
holds the **record** the base rates are counted from (foreign-built sites with
foreign specialists, the years they were exposed, and the actions on record:
the SK Battery detention of 2020, the HL-GA shutdown of 2025), the headcount
those rates refer to, and the impact of each kind of action. The policy scales
the rates for its regime (``enforcement.regime_multiplier``) and says how much
of the rate reaches a crew on clearly covering routes
(``enforcement.covered_relative``).

**Rates** (per site-year, by kind: ``detention`` without a site stop, and site
``shutdown``): ``base_k = actions of kind k on record / site-years on record``.
A site with ``H`` foreign specialists at its peak, a share ``x`` of their
specialist-months on routes that do not clearly cover the work, under a
policy with multiplier ``m`` and covered share ``c``, faces

    ``p_k = base_k * m * (c + (1 - c) * x) * (H / base_headcount) ** headcount_exponent``

a year (capped at 1). Over an exposure of ``W`` months the chance of at least
one action of kind ``k`` is ``1 - (1 - p_k) ** (W / 12)``; a second action of one
kind on the same site is not modelled.

**Impact** (reference A1, the HL-GA raid of 4 September 2025): the site stops
for ``S`` months (HL-GA: about six weeks); a share ``f`` of the specialists do
not come back when work resumes and are replaced ``R`` months after the action
(HL-GA: about a third back by 20 November). Work resumes at ``1 - f`` of its
pace from ``S`` until ``R``, so the start of operations slips by

    ``slip = S + f * max(0, R - S)``  months.

**Detention** without a stop: a share ``d`` of the crew (``detained_share``) is
missing until replaced ``R`` months later, so the work slips by ``d * R``.

A policy may replace any impact clause (``enforcement.impact``), e.g. faster
reissue through the KIT desk after the raid.

The cost of the slip is ``days * idle cost per day``, and the idle cost per day
is the **margin** the plant does not earn: its archetype's ``operating_yield``
(distributable cash a year at full output, ``projects/archetypes.yaml``) times
its capex, over 365.25 days. The reported "up to $4M of production a day for a
50 GWh plant" (``idle_cost_per_gwh_day``, McKinsey via JoongAng) is gross
production value, an upper bound kept for comparison in the HL-GA replay; it is
no longer scaled by capex to other kinds of plant. The engine already loses
the delayed operating cash, so the idle cost is a headline figure, not an
extra cash flow.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pledgelab._cited import DATA, HEADER_KEYS, Clause, ClauseSpec, Reference, open_cited
from pledgelab.workforce._check import Triangular, WorkforceChecker, tri, triangular_spec

ENFORCEMENT_SCHEMA = "pledgelab.workforce-enforcement/1"
KINDS = ("detention", "shutdown")
_YEARS = ClauseSpec(units=("years",), kind="year-range")
DAYS_PER_MONTH = 365.25 / 12.0
IMPACT: dict[str, ClauseSpec] = {
    "detained_share": triangular_spec("fraction", maximum=1.0),
    "stop_months": triangular_spec("months"),
    "non_return_share": triangular_spec("fraction", maximum=1.0),
    "replacement_months": triangular_spec("months"),
    "idle_cost_per_gwh_day": ClauseSpec(units=("USD/GWh-day",), kind="money"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordSite:
    """A foreign-built site with foreign specialists on record, and the years it was exposed."""

    id: str
    label: str
    span: Clause  # [first year, last year]

    @property
    def years(self) -> int:
        first, last = self.span.value
        return int(last) - int(first) + 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """An enforcement action on record."""

    id: str
    site: str
    kind: str  # detention | shutdown
    date: Clause
    people: Clause


@dataclass(frozen=True, slots=True, kw_only=True)
class Enforcement:
    """The impact of one enforcement action on a site."""

    id: str
    title: str
    summary: str
    impact: dict[str, Clause]
    sites: dict[str, RecordSite]
    actions: dict[str, Action]
    base_headcount: Clause | None
    headcount_exponent: Clause | None
    references: dict[str, Reference]
    file: str

    @property
    def site_years(self) -> int:
        """Site-years on record: the sum over sites of last year - first year + 1."""
        return sum(s.years for s in self.sites.values())

    def base_rate(self, kind: str) -> float:
        """Actions of ``kind`` on record per site-year (0 without a record)."""
        n = sum(1 for a in self.actions.values() if a.kind == kind)
        return n / self.site_years if self.site_years else 0.0

    def headcount_scale(self, heads: float) -> float:
        """``(heads / base_headcount) ** headcount_exponent`` (1 without those clauses)."""
        if self.base_headcount is None or self.headcount_exponent is None or heads <= 0:
            return 1.0 if heads > 0 else 0.0
        return float((heads / float(self.base_headcount.value)) ** float(self.headcount_exponent.value))

    def with_impact(self, overrides: dict[str, Clause]) -> Enforcement:
        """The same record with some impact clauses replaced (a policy's ``enforcement.impact``)."""
        return dataclasses.replace(self, impact={**self.impact, **overrides})

    def dist(self, name: str) -> Triangular:
        return tri(self.impact[name])

    def value(self, name: str) -> float:
        return float(self.impact[name].value)

    def gross_production_per_day(self, capacity_gwh: float) -> float:
        """Reported gross production value a day of a battery plant of ``capacity_gwh`` (an upper bound)."""
        return capacity_gwh * self.value("idle_cost_per_gwh_day")


@dataclass(frozen=True, slots=True, kw_only=True)
class Impact:
    """Sampled impact of an action (arrays of one shape): stop, non-return share, replacement, slip."""

    stop: np.ndarray  # months
    non_return: np.ndarray  # fraction
    replacement: np.ndarray  # months after the action
    slip: np.ndarray  # months the start of operations moves

    def back_share(self, months_after: float) -> np.ndarray:
        """Share of the needed specialists on site ``months_after`` the action."""
        t = months_after
        return np.where(t < self.stop, 0.0, np.where(t < self.replacement, 1.0 - self.non_return, 1.0))


def impact(data: Enforcement, u_stop: np.ndarray, u_return: np.ndarray, u_replace: np.ndarray) -> Impact:
    """The impact for uniforms (by inverse CDF, so common random numbers carry across runs)."""
    stop = data.dist("stop_months").ppf(u_stop)
    f = data.dist("non_return_share").ppf(u_return)
    rep = data.dist("replacement_months").ppf(u_replace)
    slip = stop + f * np.maximum(0.0, rep - stop)
    return Impact(stop=stop, non_return=f, replacement=rep, slip=slip)


def annual_probability(base: float, multiplier: float, covered_relative: float, uncovered_share: float,
                       headcount_scale: float) -> float:
    """Per-site, per-year probability of one kind of action (the formula in the module docstring)."""
    c = covered_relative
    return float(min(1.0, base * multiplier * (c + (1.0 - c) * uncovered_share) * headcount_scale))


def read_enforcement(path: Path | None = None, *, display: str | None = None) -> Enforcement:
    """Read and check the enforcement-impact file (the shipped one by default)."""
    path = path or DATA / "workforce" / "enforcement.yaml"
    if display is None:
        display = "workforce/enforcement.yaml" if path == DATA / "workforce" / "enforcement.yaml" \
            else str(path)
    root, chk, head = open_cited(path, schema=ENFORCEMENT_SCHEMA, display=display, checker=WorkforceChecker(),
                                 required=(*HEADER_KEYS, "impact"),
                                 allowed=("record", "base_headcount", "headcount_exponent"))
    eid, title, summary, refs = head.id, head.title, head.summary, head.references
    out: dict[str, Clause] = {}
    if (m := chk.mapping(root.get("impact"), root.at("impact"))) is not None:
        chk.keys(m, required=tuple(k for k in IMPACT if k != "detained_share"), allowed=("detained_share",))
        for name, spec in IMPACT.items():
            if (c := chk.clause(m, name, spec, refs, required=False)) is not None:
                out[name] = c
    sites: dict[str, RecordSite] = {}
    actions: dict[str, Action] = {}
    if "record" in root and (rm := chk.mapping(root["record"], root.at("record"))) is not None:
        chk.keys(rm, required=("sites", "actions"))
        for sid, m in chk.table(rm, "sites"):
            chk.keys(m, required=("label", "years"))
            label = chk.text(m, "label")
            span = chk.clause(m, "years", _YEARS, refs)
            if label is not None and span is not None:
                sites[sid] = RecordSite(id=sid, label=label, span=span)
        for aid, m in chk.table(rm, "actions"):
            chk.keys(m, required=("site", "kind", "date", "people"))
            site = chk.text(m, "site")
            kind = chk.choice(m, "kind", KINDS)
            date = chk.clause(m, "date", ClauseSpec(units=("date",), kind="date"), refs)
            people = chk.clause(m, "people", ClauseSpec(units=("people",), kind="count", minimum=0), refs)
            if site is not None and site not in sites:
                chk.add(m.at("site"), f"unknown site {site!r}; the record's sites: {', '.join(sites)}")
            elif site and kind and date and people:
                first, last = sites[site].span.value
                if not first <= date.value.year <= last:
                    chk.add(m.at("date"), f"{date.value} is outside the site's years {first}-{last}")
                else:
                    actions[aid] = Action(id=aid, site=site, kind=kind, date=date, people=people)
    base = chk.clause(root, "base_headcount", ClauseSpec(units=("people",), kind="count", minimum=1), refs,
                      required=False)
    expo = chk.clause(root, "headcount_exponent", ClauseSpec(units=("exponent",), kind="number", maximum=2.0),
                      refs, required=False)
    chk.raise_if_any()
    assert eid and title and summary
    return Enforcement(id=eid, title=title, summary=" ".join(summary.split()), impact=out, sites=sites,
                       actions=actions, base_headcount=base, headcount_exponent=expo, references=refs,
                       file=display)
