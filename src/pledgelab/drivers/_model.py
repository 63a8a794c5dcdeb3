"""Driver parameter files: the benchmark rate, exchange rates and project risks, as cited clauses.

A driver file (``data/drivers/<id>.yaml``, schema ``pledgelab.drivers/1``)
gives every parameter of the stochastic drivers as a clause with unit, status
and sources, read with the same :class:`~pledgelab._cited.Checker` as a
term sheet, so a bad file is rejected with ``file:line: field: message``.

Three blocks:

``benchmark``
    An Ornstein–Uhlenbeck (Vasicek) short rate behind the deemed interest:
    ``start`` (null: the deal's own ``deemed_benchmark``), ``mean``, ``speed``,
    ``vol`` (absolute, per year per square root of a year) and ``floor``
    (null: none).
``fx``
    One entry per currency code (units per US dollar), each an OU process on
    the log level around ``log(mean)``: ``start``, ``mean``, ``speed``, ``vol``.
``projects``
    ``common_factor`` (loading on one shared normal factor), the optional
    links between delay and cost (:data:`LINKS`: escalation and carrying cost
    of a slip, the overrun-slip correlation; absent, a slip costs nothing and
    is independent of the overrun, the reading of the first driver files) and,
    per archetype id plus a ``default`` entry for any other archetype:
    ``yield_vol``, ``capex_overrun_mean``, ``capex_overrun_vol``,
    ``delay_mean``, ``abandon_prob``, ``recovery``, optionally ``yield_mean``
    (1 when absent) and a ``calibration`` block naming the reference class the
    parameters come from (:mod:`pledgelab.drivers._calibration`; a clause that
    disagrees with it is refused). Archetype ids are checked against the
    archetype table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pledgelab._cited import HEADER_KEYS, Checker, Clause, ClauseSpec, Reference, YMap, locate, open_cited
from pledgelab.drivers._calibration import Calibration, check_against, read_calibration
from pledgelab.pipeline import Archetype, read_archetypes

DRIVERS_SCHEMA = "pledgelab.drivers/1"
DEFAULT = "default"  # the projects entry used for archetypes without one of their own
_CURRENCY = re.compile(r"^[A-Z]{3}$")

_SPEED = ClauseSpec(units=("per-year",), kind="rate", maximum=50.0)

BENCHMARK: dict[str, ClauseSpec] = {
    "start": ClauseSpec(units=("per-year",), kind="rate", nullable=True, minimum=-1.0, maximum=1.0),
    "mean": ClauseSpec(units=("per-year",), kind="rate", minimum=-1.0, maximum=1.0),
    "speed": _SPEED,
    "vol": ClauseSpec(units=("per-year/sqrt-year",), kind="rate", maximum=1.0),
    "floor": ClauseSpec(units=("per-year",), kind="rate", nullable=True, minimum=-1.0, maximum=1.0),
}

FX_KEYS = ("start", "mean", "speed", "vol")
_FX_VOL = ClauseSpec(units=("per-sqrt-year",), kind="rate", maximum=5.0)

_LOG_SD = ClauseSpec(units=("log-sd",), kind="rate", maximum=3.0)
PROJECT: dict[str, ClauseSpec] = {
    "yield_vol": _LOG_SD,
    "capex_overrun_mean": ClauseSpec(units=("fraction",), kind="fraction", minimum=-0.9, maximum=10.0),
    "capex_overrun_vol": _LOG_SD,
    "delay_mean": ClauseSpec(units=("months",), kind="rate", maximum=240.0),
    "abandon_prob": ClauseSpec(units=("probability",), kind="fraction"),
    "recovery": ClauseSpec(units=("fraction",), kind="fraction"),
}
# optional per archetype, with the value that reproduces the first driver files when absent
OPTIONAL_PROJECT: dict[str, tuple[ClauseSpec, float]] = {
    "yield_mean": (ClauseSpec(units=("multiplier",), kind="rate", minimum=0.05, maximum=5.0), 1.0),
}
_COMMON = ClauseSpec(units=("fraction",), kind="fraction")
# optional links of the projects block: how a slip costs money, and how it comes with an overrun
LINKS: dict[str, tuple[ClauseSpec, float]] = {
    "slip_escalation": (ClauseSpec(units=("per-year",), kind="rate", maximum=1.0), 0.0),
    "slip_carry": (ClauseSpec(units=("per-year",), kind="rate", maximum=1.0), 0.0),
    "slip_spent_share": (ClauseSpec(units=("fraction",), kind="fraction"), 0.5),
    "overrun_slip_correlation": (ClauseSpec(units=("correlation",), kind="rate", minimum=-1.0,
                                            maximum=1.0), 0.0),
}


def _fx_specs(currency: str) -> dict[str, ClauseSpec]:
    level = ClauseSpec(units=(f"{currency}/USD",), kind="money", minimum=1e-6)
    return {"start": level, "mean": level, "speed": _SPEED, "vol": _FX_VOL}


class _MeanReverting:
    """Mean, speed and volatility of an Ornstein–Uhlenbeck process, read from its clauses."""

    params: dict[str, Clause]

    @property
    def mean(self) -> float:
        return float(self.params["mean"].value)

    @property
    def speed(self) -> float:
        return float(self.params["speed"].value)

    @property
    def vol(self) -> float:
        return float(self.params["vol"].value)


@dataclass(frozen=True, kw_only=True)
class BenchmarkModel(_MeanReverting):
    """OU short rate of the benchmark behind the deemed interest (rates per year)."""

    params: dict[str, Clause]

    @property
    def start(self) -> float | None:
        """The model's own start, or None to start from the deal's ``deemed_benchmark``."""
        v = self.params["start"].value
        return None if v is None else float(v)

    @property
    def floor(self) -> float | None:
        v = self.params["floor"].value
        return None if v is None else float(v)

    def resolve_start(self, deal_benchmark: float) -> float:
        """The start used: the model's own, or else the deal's ``deemed_benchmark``."""
        return deal_benchmark if self.start is None else self.start


@dataclass(frozen=True, kw_only=True)
class FxModel(_MeanReverting):
    """OU process on the log of an exchange rate (units of ``currency`` per US dollar)."""

    currency: str
    params: dict[str, Clause]

    @property
    def start(self) -> float:
        return float(self.params["start"].value)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchetypeRisk:
    """Performance, cost, delay and abandonment risk of one archetype (or ``default``)."""

    archetype: str
    params: dict[str, Clause]
    calibration: Calibration | None = None  # the reference class the parameters come from

    def value(self, name: str) -> float:
        """A parameter's value; an optional one that is absent has its neutral value."""
        if name not in self.params and name in OPTIONAL_PROJECT:
            return OPTIONAL_PROJECT[name][1]
        return float(self.params[name].value)


@dataclass(frozen=True, slots=True, kw_only=True)
class DriverModel:
    """The parameters of every stochastic driver, each a cited or assumed clause."""

    id: str
    title: str
    summary: str
    benchmark: BenchmarkModel
    fx: dict[str, FxModel]  # sorted by currency code
    common_factor: Clause
    projects: dict[str, ArchetypeRisk]  # archetype id (and "default") -> risk
    references: dict[str, Reference]
    file: str
    links: dict[str, Clause] = field(default_factory=dict)  # LINKS given in the file

    def link(self, name: str) -> float:
        """A link parameter (:data:`LINKS`); absent, its neutral value (a slip costs nothing)."""
        c = self.links.get(name)
        return LINKS[name][1] if c is None else float(c.value)

    def risk(self, archetype: str) -> ArchetypeRisk:
        """The risk entry of an archetype, or the ``default`` entry when it has none."""
        return self.projects.get(archetype, self.projects[DEFAULT])

    def clauses(self) -> Iterator[Clause]:
        """Every clause of the file, in file order of the blocks (for reports and citations)."""
        yield from self.benchmark.params.values()
        for fx in self.fx.values():
            yield from fx.params.values()
        yield self.common_factor
        yield from self.links.values()
        for risk in self.projects.values():
            yield from risk.params.values()


def read_drivers(path: Path, *, display: str | None = None,
                 archetypes: dict[str, Archetype] | None = None) -> DriverModel:
    """Read and check one driver parameter file (archetype ids against ``archetypes``)."""
    types = archetypes if archetypes is not None else read_archetypes()
    root, chk, head = open_cited(path, schema=DRIVERS_SCHEMA, display=display,
                                 required=(*HEADER_KEYS, "benchmark", "fx", "projects"))
    did, title, summary, refs = head.id, head.title, head.summary, head.references

    bench: dict[str, Clause] = {}
    if "benchmark" in root and (b := chk.mapping(root["benchmark"], root.at("benchmark"))) is not None:
        chk.keys(b, allowed=tuple(BENCHMARK))  # a missing one is reported by clause()
        bench = _clauses(chk, b, BENCHMARK, refs)

    fx: dict[str, FxModel] = {}
    if "fx" in root and (table := chk.mapping(root["fx"], root.at("fx"))) is not None:
        for ccy in sorted(table):
            if not _CURRENCY.match(ccy) or ccy == "USD":
                chk.add(table.at(ccy), f"{ccy!r} is not a currency code other than USD (three capitals)")
                continue
            m = chk.mapping(table[ccy], table.at(ccy))
            if m is None:
                continue
            chk.keys(m, allowed=FX_KEYS)
            specs = _fx_specs(ccy)
            params = _clauses(chk, m, specs, refs)
            if len(params) == len(specs):
                fx[ccy] = FxModel(currency=ccy, params=params)

    common: Clause | None = None
    projects: dict[str, ArchetypeRisk] = {}
    links: dict[str, Clause] = {}
    if "projects" in root and (p := chk.mapping(root["projects"], root.at("projects"))) is not None:
        common = chk.clause(p, "common_factor", _COMMON, refs)
        for name, (spec, _) in LINKS.items():
            if (c := chk.clause(p, name, spec, refs, required=False)) is not None:
                links[name] = c
        if DEFAULT not in p:
            chk.add(p.loc, f"a {DEFAULT!r} entry is required (used for archetypes without their own)",
                    field=_join(p, DEFAULT))
        for key, item in p.items():
            if key == "common_factor" or key in LINKS:
                continue
            if key != DEFAULT and key not in types:
                chk.add(p.at(key), f"unknown archetype {key!r}; known: {', '.join([*types, DEFAULT])}")
                continue
            m = chk.mapping(item, p.at(key))
            if m is None:
                continue
            chk.keys(m, allowed=(*PROJECT, *OPTIONAL_PROJECT, "calibration"))
            params = _clauses(chk, m, PROJECT, refs)
            for name, (spec, _) in OPTIONAL_PROJECT.items():
                if (c := chk.clause(m, name, spec, refs, required=False)) is not None:
                    params[name] = c
            cal = read_calibration(chk, m["calibration"], m, refs) if "calibration" in m else None
            if cal is not None:
                build = types[key].value("build_months") if key in types else None
                check_against(chk, cal, m, {k: float(c.value) for k, c in params.items()},
                              None if build is None else int(build))
            if all(name in params for name in PROJECT):
                projects[key] = ArchetypeRisk(archetype=key, params=params, calibration=cal)

    chk.raise_if_any()
    assert did and title and summary and common is not None
    return DriverModel(
        id=did, title=title, summary=summary.strip(), benchmark=BenchmarkModel(params=bench), fx=fx,
        common_factor=common, projects=projects, references=refs, file=head.file, links=links)


def load_drivers(name_or_path: str | Path) -> DriverModel:
    """Load shipped driver parameters by id (``"default"``, ``"zero"``) or a driver file by path."""
    path, display = locate("drivers", name_or_path)
    return read_drivers(path, display=display)


def _clauses(chk: Checker, obj: YMap, specs: dict[str, ClauseSpec],
             refs: dict[str, Reference]) -> dict[str, Clause]:
    return {name: c for name, spec in specs.items() if (c := chk.clause(obj, name, spec, refs)) is not None}


def _join(obj: YMap, key: str) -> str:
    return f"{obj.loc.field}.{key}" if obj.loc.field else key
