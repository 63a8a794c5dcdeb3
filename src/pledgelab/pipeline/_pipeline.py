"""Project pipelines: which projects a deal finances, when they are noticed, and their size.

A pipeline YAML lists projects, each with an archetype, a capex clause, a
notice date clause and a decision (``fund`` or ``decline``, the investor's
right under both MOUs). Any archetype parameter can be overridden per project
by a clause of its own. A project may instead give its own monthly flows in a
``cash_flows`` clause (``pipeline/_series.py``, ``docs/cashflows.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pledgelab._cited import (
    HEADER_KEYS,
    Clause,
    ClauseSpec,
    Located,
    Reference,
    Status,
    locate,
    open_cited,
    shipped,
)
from pledgelab.pipeline._archetypes import PARAMS, Archetype, capex_weights, operating_profile
from pledgelab.pipeline._archetypes import read_archetypes as _read_archetypes
from pledgelab.pipeline._series import CashFlowSeries, read_series
from pledgelab.terms import SECTORS, CurrencyChecker, FxRate, read_rate_table

PIPELINE_SCHEMA = "pledgelab.pipeline/1"
_CAPEX = ClauseSpec(units=("USD",), kind="money", minimum=1.0)
_NOTICE = ClauseSpec(units=("date",), kind="date")
_SERIES = ClauseSpec(units=("USD/month",), kind="series")


class _PipelineChecker(CurrencyChecker):
    """The cited-file checker, knowing one more clause kind (a cash-flow series) and amounts in won
    or yen (converted at the pipeline's ``fx_rates`` or the shipped rates)."""

    def __init__(self, base: Path | None) -> None:
        super().__init__()
        self.base = base
        self.series: dict[str, CashFlowSeries] = {}  # by the field of the value read

    def clause_value(self, value: object, where: Located, spec: ClauseSpec) -> object:
        if spec.kind != "series":
            return super().clause_value(value, where, spec)
        got = read_series(value, where, self, base=self.base)
        if got is not None:
            self.series[where.field] = got
        return None if got is None else got.source


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
    series: CashFlowSeries | None = None  # the project's own flows (``cash_flows``), in USD

    def p(self, name: str) -> float:
        return float(self.params[name].value)

    @property
    def build_months(self) -> int:
        return int(self.params["build_months"].value)

    def capex_by_build_month(self) -> np.ndarray:
        if self.series is not None:
            return np.array(self.series.capex, dtype=np.float64)
        w = capex_weights(str(self.params["capex_profile"].value), self.build_months)
        return np.asarray(float(self.capex.value) * w)

    def operating_cash(self) -> np.ndarray:
        if self.series is not None:
            return self.series.operating_padded()
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
    fx_rates: dict[str, FxRate] = field(default_factory=dict)  # the file's own rates (fx_rates), if any



def read_pipeline(path: Path, *, display: str | None = None,
                  archetypes: dict[str, Archetype] | None = None) -> Pipeline:
    """Read and check one pipeline file against the archetype table."""
    types = archetypes if archetypes is not None else _read_archetypes()
    root, chk, head = open_cited(path, schema=PIPELINE_SCHEMA, display=display,
                                 required=(*HEADER_KEYS, "projects"), allowed=("default_for", "fx_rates"),
                                 checker=_PipelineChecker(Path(path).parent))
    own_rates: dict[str, FxRate] = {}
    if "fx_rates" in root:
        own_rates = read_rate_table(root["fx_rates"], root.at("fx_rates"), chk, head.references)
        chk.use_rates(own_rates)
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
        chk.keys(m, required=("id", "name", "archetype", "notice_date", "decision"),
                 allowed=("state", "sector", "overrides", "note", "capex", "cash_flows"))
        if ("capex" in m) == ("cash_flows" in m):
            chk.add(m.loc, "give either capex (with the archetype's profile) or cash_flows (the "
                           "project's own monthly flows), not both" if "capex" in m else
                    "required key is missing: capex (or cash_flows)",
                    field=f"{m.loc.field}.capex")
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
        capex = chk.clause(m, "capex", _CAPEX, refs, required=False)
        notice = chk.clause(m, "notice_date", _NOTICE, refs)
        params = dict(arche.params) if arche else {}
        series = None
        if "cash_flows" in m and (flows := chk.clause(m, "cash_flows", _SERIES, refs)) is not None:
            series = chk.series.get(f"{flows.path}.value")
            if series is not None and flows.path in chk.converted:
                series = series.scaled(1.0 / chk.converted[flows.path].per_usd)
            if series is not None:
                capex, params = _from_series(flows, series, params)
            if "overrides" in m:
                chk.add(m.at("overrides"), "a project with cash_flows takes its economics from the "
                                           "series; overrides apply to archetype projects only")
        if "overrides" in m and series is None:
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
                state=state, decision=decision, capex=capex, notice_date=notice, params=params,
                series=series))
    chk.raise_if_any()
    assert head.id and head.title and head.summary
    return Pipeline(id=head.id, title=head.title, summary=head.summary.strip(), projects=tuple(projects),
                    references=refs, file=head.file, default_for=tuple(default_for), fx_rates=own_rates)


def _from_series(flows: Clause, series: CashFlowSeries,
                 params: dict[str, Clause]) -> tuple[Clause, dict[str, Clause]]:
    """The capex clause and the build and life parameters a series implies, cited as the series is."""
    note = f"from the cash-flow series {series.source}" + (f". {flows.note}" if flows.note else "")

    def derived(name: str, value: object, unit: str, label: str) -> Clause:
        return Clause(path=f"{flows.path.removesuffix('.cash_flows')}.{name}", value=value, unit=unit,
                      label=label, status=flows.status, references=flows.references,
                      reason=flows.reason or (f"from the cash-flow series {series.source}"
                                              if flows.status is Status.ASSUMED else None),
                      note=note, file=flows.file, line=flows.line)
    capex = derived("capex", float(series.capex.sum()), "USD", f"{flows.label}: capex, total")
    out = dict(params)
    out["build_months"] = derived("build_months", len(series.capex), "months",
                                  f"{flows.label}: months of capex")
    out["life_years"] = derived("life_years", series.life_years, "years",
                                f"{flows.label}: operating months, in whole years")
    return capex, out


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
