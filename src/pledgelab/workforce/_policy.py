"""Visa policies as named, dated scenarios (``data/workforce/policies/<id>.yaml``).

A policy (schema ``pledgelab.workforce-policy/1``) says which visa routes are
open, how it changes their clauses, how firms choose among them and how
likely an enforcement action is::

    starts: <clause, unit date>               # when the scenario begins
    ends: <clause, unit date>                 # optional
    open: <clause, unit routes: route ids of data/visas/pathways.yaml>
    lead_months: <clause, unit months>        # the least time ahead of a phase firms file
    planning_quantile: <clause, unit fraction> # and the processing-time quantile they plan for
    preference:                               # per employer type, first choice first
      investor: <clause, unit routes>
      subcontractor: <clause, unit routes>
    mix:                                      # optional: first-choice shares of the headcount
      subcontractor: <clause, unit shares, {route: share}>
    overrides:                                # optional: route -> clauses replacing the pathway's
      esta: {covers_installation: <clause>, ...}
    compliance: <clause, unit rule: lawful | as-practised>   # optional, default lawful
    premium: <clause, unit flag>              # optional: premium processing where it exists (default true)
    enforcement:
      regime_multiplier: <clause, unit factor>  # the record's base rates (enforcement.yaml) times this
      covered_relative: <clause, unit fraction> # the part of the rate reaching crews on covering routes
      impact: {replacement_months: <clause>, ...}  # optional: impact clauses replaced

Rules checked (besides the clause rules): every route named is open; a route
in an employer's preference is open to that employer; every employer type has
at least one route without an annual cap (so every specialist can be placed);
a route that is not law (``enacted: false``, the E-4 bill) is open only if the
policy overrides ``enacted`` and says why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from pledgelab._cited import HEADER_KEYS, Clause, ClauseSpec, Reference, locate, open_cited
from pledgelab._errors import Problem
from pledgelab._limits import LIMITS, LimitError, check, finite
from pledgelab.workforce._check import EMPLOYERS, Triangular, WorkforceChecker, tri
from pledgelab.workforce._enforcement import IMPACT
from pledgelab.workforce._pathways import ROUTE_PARAMS, Pathways, Route, load_pathways, read_route_params

POLICY_SCHEMA = "pledgelab.workforce-policy/1"
KIND = "workforce/policies"
_DATE = ClauseSpec(units=("date",), kind="date")
_LEAD = ClauseSpec(units=("months",), kind="number")
_FACTOR = ClauseSpec(units=("factor",), kind="number", maximum=100.0)
_SHARE = ClauseSpec(units=("fraction",), kind="fraction")
_QUANTILE = ClauseSpec(units=("fraction",), kind="fraction")
_COMPLIANCE = ClauseSpec(units=("rule",), kind="choice", choices=("lawful", "as-practised"))
_PREMIUM = ClauseSpec(units=("flag",), kind="flag")
ENFORCEMENT = ("regime_multiplier", "covered_relative")


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """A visa policy scenario, resolved against the pathways it was read with."""

    id: str
    title: str
    summary: str
    starts: Clause
    ends: Clause | None
    open: Clause
    lead_months: Clause
    planning_quantile: Clause
    compliance: Clause | None  # lawful (default) | as-practised
    premium: Clause | None  # firms use premium processing where a route has it (default true)
    preference: dict[str, Clause]  # employer -> routes, first choice first
    mix: dict[str, Clause]  # employer -> {route: share}
    overrides: dict[str, dict[str, Clause]]
    enforcement: dict[str, Clause]
    impact: dict[str, Clause]  # enforcement impact clauses replacing data/workforce/enforcement.yaml's
    routes: dict[str, Route]  # the open routes, with overrides applied, in pathway order
    pathways: Pathways
    references: dict[str, Reference]
    file: str

    @property
    def lead(self) -> float:
        return float(self.lead_months.value)

    @property
    def lawful(self) -> bool:
        """Whether firms keep to the scope rules (``compliance: lawful``, the default)."""
        return self.compliance is None or self.compliance.value == "lawful"

    @property
    def uses_premium(self) -> bool:
        return self.premium is None or bool(self.premium.value)

    def time(self, route: str) -> Triangular:
        """Processing time on ``route`` as firms under the policy file (premium where used)."""
        return self.routes[route].time(premium=self.uses_premium)

    def filing_lead(self, route: str) -> float:
        """Months ahead of a need that firms file on ``route``.

        ``max(lead_months, quantile of the route's processing time at planning_quantile)``:
        firms file at least ``lead_months`` ahead, and earlier for routes they know are slow.
        """
        q = float(self.planning_quantile.value)
        return max(self.lead, self.time(route).quantile(q))

    def order(self, employer: str) -> tuple[str, ...]:
        return tuple(self.preference[employer].value)

    def shares(self, employer: str) -> dict[str, float]:
        c = self.mix.get(employer)
        return {} if c is None else {k: float(v) for k, v in c.value.items()}

    def with_processing(self, k: float, shift: float = 0.0) -> Policy:
        """The policy with every open route's processing time scaled by ``k`` and shifted (what-ifs).

        ``k`` within ``pledgelab._limits.LIMITS["processing_scale"]``; ``shift`` a finite number of
        months within the ``months`` limit either way.
        """
        check("processing_scale", k)
        if abs(finite(shift, field="shift")) > LIMITS["months"].high:
            raise LimitError([Problem("argument", 0, "shift", f"at most {LIMITS['months'].high:g} "
                                      f"months either way, got {shift!r}")])
        routes = {}
        for rid, r in self.routes.items():
            c = r.params["processing"]
            new = {"processing": c.with_value(r.processing.scaled(k, shift),
                                              note=f"processing x{k:g} + {shift:g} months")}
            if (pc := r.params.get("premium_processing")) is not None:
                note = f"premium processing x{k:g} + {shift:g} months"
                new["premium_processing"] = pc.with_value(tri(pc).scaled(k, shift), note=note)
            routes[rid] = r.with_overrides(new)
        return dataclasses.replace(self, routes=routes)

    def probability(self, name: str) -> float:
        """An enforcement clause's value (``regime_multiplier``, ``covered_relative``)."""
        return float(self.enforcement[name].value)

    def clauses(self) -> list[Clause]:
        """Every clause of the policy, for citations."""
        out = [self.starts, self.open, self.lead_months, self.planning_quantile,
               *(c for c in (self.compliance, self.premium) if c is not None),
               *self.preference.values(), *self.mix.values()]
        if self.ends is not None:
            out.insert(1, self.ends)
        for ov in self.overrides.values():
            out.extend(ov.values())
        out.extend(self.enforcement.values())
        out.extend(self.impact.values())
        return out


def read_policy(path: Path, *, display: str | None = None, pathways: Pathways | None = None) -> Policy:
    """Read and check one policy file against the visa pathways (the shipped ones by default)."""
    ways = pathways if pathways is not None else load_pathways()
    root, chk, head = open_cited(
        path, schema=POLICY_SCHEMA, display=display, checker=WorkforceChecker(),
        required=(*HEADER_KEYS, "starts", "open", "lead_months", "planning_quantile", "preference",
                  "enforcement"),
        allowed=("ends", "mix", "overrides", "compliance", "premium"))
    pid, title, summary, refs = head.id, head.title, head.summary, head.references
    starts = chk.clause(root, "starts", _DATE, refs, required=False)
    ends = chk.clause(root, "ends", _DATE, refs, required=False)
    if starts is not None and ends is not None and ends.value < starts.value:
        chk.add(root.at("ends"), f"the policy ends ({ends.value}) before it starts ({starts.value})")
    route_ids = tuple(ways.routes)
    routes_spec = ClauseSpec(units=("routes",), kind="text-list", choices=route_ids)
    opened = chk.clause(root, "open", routes_spec, refs, required=False)
    open_ids = tuple(opened.value) if opened is not None else route_ids
    lead = chk.clause(root, "lead_months", _LEAD, refs, required=False)
    quantile = chk.clause(root, "planning_quantile", _QUANTILE, refs, required=False)
    compliance = chk.clause(root, "compliance", _COMPLIANCE, refs, required=False)
    premium = chk.clause(root, "premium", _PREMIUM, refs, required=False)

    overrides: dict[str, dict[str, Clause]] = {}
    for rid, m in chk.table(root, "overrides"):
        if rid not in ways.routes:
            chk.add(root["overrides"].at(rid), f"unknown route {rid!r}; known: {', '.join(route_ids)}")
            continue
        chk.keys(m, allowed=tuple(ROUTE_PARAMS))
        overrides[rid] = read_route_params(chk, m, refs, required=())
    routes = {rid: r.with_overrides(overrides.get(rid, {})) for rid, r in ways.routes.items()
              if rid in open_ids}
    if opened is not None:
        for rid, route in routes.items():
            if not route.enacted:
                where = root["overrides"][rid].at("enacted") if rid in overrides else root.at("open")
                chk.add(where, f"route {rid!r} is not law (enacted: false in {ways.file}); a policy that "
                               "opens it must override 'enacted' with status assumed")

    preference: dict[str, Clause] = {}
    if (pm := chk.mapping(root.get("preference"), root.at("preference"))) is not None:
        chk.keys(pm, required=EMPLOYERS)
        for employer in EMPLOYERS:
            c = chk.clause(pm, employer, routes_spec, refs, required=False)
            if c is None:
                continue
            preference[employer] = c
            bad = False
            for rid in c.value:
                if rid not in open_ids:
                    chk.add(pm.at(employer), f"route {rid!r} is preferred but not open")
                    bad = True
                elif opened is not None and employer not in routes[rid].employers:
                    chk.add(pm.at(employer), f"route {rid!r} is not open to {employer} specialists "
                                             f"(its employers: {', '.join(routes[rid].employers)})")
                    bad = True
            if not bad and opened is not None and all(routes[r].cap is not None for r in c.value):
                chk.add(pm.at(employer), f"{employer} specialists need at least one route without an "
                                         "annual cap, or some could never be placed")

    mix: dict[str, Clause] = {}
    if "mix" in root and (mm := chk.mapping(root["mix"], root.at("mix"))) is not None:
        chk.keys(mm, allowed=EMPLOYERS)
        for employer in mm:
            if employer not in EMPLOYERS:
                continue
            c = chk.clause(mm, employer, ClauseSpec(units=("shares",), kind="shares"), refs)
            if c is None:
                continue
            mix[employer] = c
            prefs = preference.get(employer)
            for rid in c.value:
                if prefs is not None and rid not in prefs.value:
                    chk.add(mm.at(employer), f"route {rid!r} has a share in the mix but is not in the "
                                             f"{employer} preference")

    enforcement: dict[str, Clause] = {}
    impact: dict[str, Clause] = {}
    if (em := chk.mapping(root.get("enforcement"), root.at("enforcement"))) is not None:
        chk.keys(em, required=ENFORCEMENT, allowed=("impact",))
        for name, spec in zip(ENFORCEMENT, (_FACTOR, _SHARE), strict=True):
            c = chk.clause(em, name, spec, refs, required=False)
            if c is not None:
                enforcement[name] = c
        if "impact" in em and (im := chk.mapping(em["impact"], em.at("impact"))) is not None:
            chk.keys(im, allowed=tuple(IMPACT))
            for name, spec in IMPACT.items():
                if (c := chk.clause(im, name, spec, refs, required=False)) is not None:
                    impact[name] = c
    chk.raise_if_any()
    assert pid and title and summary and starts and opened and lead and quantile
    return Policy(id=pid, title=title, summary=" ".join(summary.split()), starts=starts, ends=ends,
                  open=opened, lead_months=lead, planning_quantile=quantile, compliance=compliance,
                  premium=premium, preference=preference,
                  mix=mix, overrides=overrides,
                  enforcement=enforcement, impact=impact, routes=routes, pathways=ways, references=refs,
                  file=head.file)


def load_policy(name_or_path: str | Path, *, pathways: Pathways | None = None) -> Policy:
    """Load a shipped policy by id (``"post-raid-2025"``) or a policy file by path."""
    path, display = locate(KIND, name_or_path)
    return read_policy(path, display=display, pathways=pathways)
