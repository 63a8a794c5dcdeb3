"""Specialist demand by project archetype (``data/workforce/demand.yaml``).

The file (schema ``pledgelab.workforce-demand/1``) gives, for each archetype id
of ``data/projects/archetypes.yaml``, the foreign specialists a project needs
while its equipment is installed, commissioned and ramped up::

    scale_exponent: <clause, unit exponent>     # how headcount grows with capex
    phases:                                     # the shape every archetype shares
      installation:  {start: <clause, months from completion>, months: <clause>, share: <clause>}
      commissioning: {...}
      ramp-up:       {...}
    archetypes:
      battery-cell:
        basis: why these numbers (text)
        specialists: <clause, unit people: peak foreign specialists at reference_capex>
        reference_capex: <clause, unit USD>
        subcontractor_share: <clause, unit fraction: employed by subcontractors, not the investor>
        phases: {installation: {months: <clause>}}   # optional per-archetype overrides

**Scaling rule.** A project of capex ``K`` needs, in phase ``p``,
``specialists * (K / reference_capex) ** scale_exponent * share_p`` people,
split into subcontractor staff (``subcontractor_share``) and the investor's
own staff (the rest), each rounded half up. ``start`` is counted from the end
of the build (completion, the start of operations): ``-8`` means eight months
before completion. A phase that would start before the build is moved to the
build's first month.

Employer type decides the visa routes: subcontractors without a US affiliate
cannot use L-1 (reference A1, A2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pledgelab._cited import DATA, HEADER_KEYS, Clause, ClauseSpec, Reference, YMap, open_cited
from pledgelab.pipeline import Archetype, read_archetypes
from pledgelab.workforce._check import PHASES, WorkforceChecker

DEMAND_SCHEMA = "pledgelab.workforce-demand/1"
PHASE_PARAMS: dict[str, ClauseSpec] = {
    "start": ClauseSpec(units=("months",), kind="count", minimum=None),
    "months": ClauseSpec(units=("months",), kind="count", minimum=1),
    "share": ClauseSpec(units=("fraction",), kind="fraction"),
}
ARCHETYPE_PARAMS: dict[str, ClauseSpec] = {
    "specialists": ClauseSpec(units=("people",), kind="count", minimum=0),
    "reference_capex": ClauseSpec(units=("USD",), kind="money", minimum=1.0),
    "subcontractor_share": ClauseSpec(units=("fraction",), kind="fraction"),
}
_EXPONENT = ClauseSpec(units=("exponent",), kind="number", minimum=0.0, maximum=2.0)
WORK: dict[str, ClauseSpec] = {
    "construction_share": ClauseSpec(units=("fraction",), kind="fraction"),
    "contract_of_sale": ClauseSpec(units=("flag",), kind="flag"),
    "investor_tenure_months": ClauseSpec(units=("months",), kind="number"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseNeed:
    """Specialists one project needs in one phase, by employer type."""

    phase: str
    start: int  # months from completion (negative: before)
    months: int
    heads: dict[str, int]  # employer -> people

    @property
    def total(self) -> int:
        return sum(self.heads.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchetypeDemand:
    """The specialist demand of one archetype: its clauses and the basis they rest on."""

    archetype: str
    basis: str
    params: dict[str, Clause]
    phases: dict[str, dict[str, Clause]]  # phase -> start, months, share (after overrides)

    @property
    def specialists(self) -> int:
        return int(self.params["specialists"].value)

    def clauses(self) -> list[Clause]:
        return [*self.params.values(), *(c for p in self.phases.values() for c in p.values())]


@dataclass(frozen=True, slots=True, kw_only=True)
class Demand:
    """Specialist demand for every archetype in the file."""

    id: str
    title: str
    summary: str
    scale_exponent: Clause
    work: dict[str, Clause]  # construction_share, contract_of_sale, investor_tenure_months
    archetypes: dict[str, ArchetypeDemand]
    references: dict[str, Reference]
    file: str

    def get(self, archetype: str) -> ArchetypeDemand:
        if archetype not in self.archetypes:
            raise KeyError(f"{self.file} gives no specialist demand for archetype {archetype!r}; "
                           f"it covers: {', '.join(self.archetypes)}")
        return self.archetypes[archetype]

    @property
    def construction_share(self) -> float:
        c = self.work.get("construction_share")
        return 0.0 if c is None else float(c.value)

    @property
    def contract_of_sale(self) -> bool:
        c = self.work.get("contract_of_sale")
        return True if c is None else bool(c.value)

    @property
    def investor_tenure(self) -> float:
        c = self.work.get("investor_tenure_months")
        return 12.0 if c is None else float(c.value)

    def needs(self, archetype: str, capex: float) -> list[PhaseNeed]:
        """Headcount by phase and employer for a project of ``capex`` (the scaling rule above)."""
        a = self.get(archetype)
        ref = float(a.params["reference_capex"].value)
        scale = (capex / ref) ** float(self.scale_exponent.value)
        sub = float(a.params["subcontractor_share"].value)
        out = []
        for phase in PHASES:
            p = a.phases[phase]
            people = a.specialists * scale * float(p["share"].value)
            heads = {"investor": _round(people * (1.0 - sub)), "subcontractor": _round(people * sub)}
            out.append(PhaseNeed(phase=phase, start=int(p["start"].value), months=int(p["months"].value),
                                 heads=heads))
        return out


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def _phases(chk: WorkforceChecker, m: YMap, refs: dict[str, Reference], *,
            required: bool) -> dict[str, dict[str, Clause]]:
    out: dict[str, dict[str, Clause]] = {}
    if "phases" not in m or (pm := chk.mapping(m["phases"], m.at("phases"))) is None:
        return out
    chk.keys(pm, required=PHASES if required else (), allowed=PHASES)
    for phase in PHASES:
        if phase not in pm or (node := chk.mapping(pm[phase], pm.at(phase))) is None:
            continue
        chk.keys(node, required=tuple(PHASE_PARAMS) if required else (), allowed=tuple(PHASE_PARAMS))
        out[phase] = {k: c for k, spec in PHASE_PARAMS.items()
                      if (c := chk.clause(node, k, spec, refs, required=False)) is not None}
    return out


def read_demand(path: Path | None = None, *, display: str | None = None,
                archetypes: dict[str, Archetype] | None = None) -> Demand:
    """Read and check a demand file (the shipped one by default) against the archetype ids."""
    path = path or DATA / "workforce" / "demand.yaml"
    if display is None:
        display = "workforce/demand.yaml" if path == DATA / "workforce" / "demand.yaml" else str(path)
    types = archetypes if archetypes is not None else read_archetypes()
    root, chk, head = open_cited(path, schema=DEMAND_SCHEMA, display=display, checker=WorkforceChecker(),
                                 required=(*HEADER_KEYS, "scale_exponent", "phases", "archetypes"),
                                 allowed=tuple(WORK))
    did, title, summary, refs = head.id, head.title, head.summary, head.references
    exponent = chk.clause(root, "scale_exponent", _EXPONENT, refs, required=False)
    shared = _phases(chk, root, refs, required=True)
    work = {k: c for k, spec in WORK.items() if (c := chk.clause(root, k, spec, refs, required=False))}
    out: dict[str, ArchetypeDemand] = {}
    for aid, m in chk.table(root, "archetypes"):
        if aid not in types:
            chk.add(root["archetypes"].at(aid),
                    f"unknown archetype {aid!r}; known (projects/archetypes.yaml): {', '.join(types)}")
            continue
        before = len(chk.problems)
        chk.keys(m, required=("basis", *ARCHETYPE_PARAMS), allowed=("phases",))
        basis = chk.text(m, "basis")
        params = {k: c for k, spec in ARCHETYPE_PARAMS.items()
                  if (c := chk.clause(m, k, spec, refs, required=False)) is not None}
        own = _phases(chk, m, refs, required=False)
        phases = {p: {**shared.get(p, {}), **own.get(p, {})} for p in PHASES}
        if len(chk.problems) == before and basis is not None:
            out[aid] = ArchetypeDemand(archetype=aid, basis=" ".join(basis.split()), params=params,
                                       phases=phases)
    chk.raise_if_any()
    assert did and title and summary and exponent
    return Demand(id=did, title=title, summary=" ".join(summary.split()), scale_exponent=exponent,
                  work=work, archetypes=out, references=refs, file=display)

