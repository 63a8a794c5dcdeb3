"""Project pipelines: which projects a deal finances, when they are noticed, and their size.

A pipeline YAML lists projects, each with an archetype, a capex clause, a
notice date clause and a decision (``fund`` or ``decline``, the investor's
right under both MOUs). Any archetype parameter can be overridden per project
by a clause of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pledgelab._cited import HEADER_KEYS, Clause, ClauseSpec, Reference, locate, open_cited, shipped
from pledgelab.pipeline._archetypes import PARAMS, Archetype, capex_weights, operating_profile
from pledgelab.pipeline._archetypes import read_archetypes as _read_archetypes
from pledgelab.terms import SECTORS

PIPELINE_SCHEMA = "pledgelab.pipeline/1"
_CAPEX = ClauseSpec(units=("USD",), kind="money", minimum=1.0)
_NOTICE = ClauseSpec(units=("date",), kind="date")


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """One project of a pipeline with its resolved economics."""

    id: str
    name: str
    archetype: str
    sector: str
    state: str | None
    decision: str  # fund | decline
    capex: Clause
    notice_date: Clause
    params: dict[str, Clause]  # archetype parameters after project overrides

    def p(self, name: str) -> float:
        return float(self.params[name].value)

    @property
    def build_months(self) -> int:
        return int(self.params["build_months"].value)

    def capex_by_build_month(self) -> np.ndarray:
        w = capex_weights(str(self.params["capex_profile"].value), self.build_months)
        return np.asarray(float(self.capex.value) * w)

    def operating_cash(self) -> np.ndarray:
        return operating_profile(
            capex=float(self.capex.value),
            operating_yield=self.p("operating_yield"),
            ramp_months=int(self.params["ramp_months"].value),
            life_years=int(self.params["life_years"].value),
            residual_value=self.p("residual_value"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Pipeline:
    """A set of projects to run a deal against."""

    id: str
    title: str
    summary: str
    projects: tuple[Project, ...]
    references: dict[str, Reference]
    file: str
    default_for: tuple[str, ...] = ()  # investors whose deals use this pipeline unless told otherwise



def read_pipeline(path: Path, *, display: str | None = None,
                  archetypes: dict[str, Archetype] | None = None) -> Pipeline:
    """Read and check one pipeline file against the archetype table."""
    types = archetypes if archetypes is not None else _read_archetypes()
    root, chk, head = open_cited(path, schema=PIPELINE_SCHEMA, display=display,
                                 required=(*HEADER_KEYS, "projects"), allowed=("default_for",))
    default_for = root.get("default_for", [])
    if not isinstance(default_for, list) or not all(isinstance(c, str) for c in default_for):
        chk.add(root.at("default_for"), "expected a list of investor party codes, e.g. [KR]")
        default_for = []
    refs = head.references
    projects: list[Project] = []
    raw = chk.items(root, "projects", "projects")
    seen: set[str] = set()
    for loc, item in raw.items_located():
        m = chk.mapping(item, loc)
        if m is None:
            continue
        chk.keys(m, required=("id", "name", "archetype", "capex", "notice_date", "decision"),
                 allowed=("state", "sector", "overrides", "note"))
        proj_id = chk.text(m, "id")
        if proj_id is not None and proj_id in seen:
            chk.add(m.at("id"), f"project id {proj_id!r} is used twice")
        name = chk.text(m, "name")
        arche_id = chk.text(m, "archetype")
        arche = types.get(arche_id or "")
        if arche_id is not None and arche is None:
            chk.add(m.at("archetype"), f"unknown archetype {arche_id!r}; known: {', '.join(types)}")
        decision = chk.text(m, "decision")
        if decision is not None and decision not in ("fund", "decline"):
            chk.add(m.at("decision"), f"{decision!r} is not one of: fund, decline")
        state = chk.text(m, "state", required=False)
        sector = chk.text(m, "sector", required=False)
        if sector is not None and sector not in SECTORS:
            chk.add(m.at("sector"), f"{sector!r} is not one of: {', '.join(SECTORS)}")
        capex = chk.clause(m, "capex", _CAPEX, refs)
        notice = chk.clause(m, "notice_date", _NOTICE, refs)
        params = dict(arche.params) if arche else {}
        if "overrides" in m:
            ov = chk.mapping(m["overrides"], m.at("overrides"))
            if ov is not None:
                chk.keys(ov, allowed=tuple(PARAMS))
                for key in ov:
                    if key in PARAMS and (c := chk.clause(ov, key, PARAMS[key], refs)) is not None:
                        params[key] = c
        if proj_id and name and arche and decision and capex and notice:
            seen.add(proj_id)
            projects.append(Project(
                id=proj_id, name=name, archetype=arche.id, sector=sector or arche.sector,
                state=state, decision=decision, capex=capex, notice_date=notice, params=params))
    chk.raise_if_any()
    assert head.id and head.title and head.summary
    return Pipeline(id=head.id, title=head.title, summary=head.summary.strip(), projects=tuple(projects),
                    references=refs, file=head.file, default_for=tuple(default_for))


def load_pipeline(name_or_path: str) -> Pipeline:
    """Load a shipped pipeline by id (``"korea-illustrative"``) or a pipeline file by path."""
    path, display = locate("pipelines", name_or_path)
    return read_pipeline(path, display=display)


def default_pipeline(investor: str) -> Pipeline | None:
    """The shipped pipeline whose ``default_for`` names ``investor`` (the first by id), if any."""
    for name in shipped("pipelines"):
        pipe = load_pipeline(name)
        if investor in pipe.default_for:
            return pipe
    return None
