"""Replays: a reported case run through the model, shown beside what was reported.

A replay file (``data/workforce/replays/<id>.yaml``, schema
``pledgelab.workforce-replay/2``) holds the reported facts of one case as
cited clauses (any name; the unit decides the kind), the case as a site of the
workforce model (``site``: archetype, investor nationality, capex, build start,
planned completion, ownership of the US employer), the policy in force, the
enforcement action that happened (``action``: ``shutdown``, ``detention`` or
``none``), the reported outcome (``outcome``: the facts giving the reported
delay of the start of operations, low and high, or ``null`` where none is
reported) and ``fitted``: the model parameters that were **set from this case**.

:func:`replay` returns rows that are not true by construction:

* the start-up delay the workforce model gives the site (visas and enforcement,
  unconditional), beside the reported delay;
* the slip the model gives *given* the case's action, beside the reported delay;
* the chance of an action of that kind over the site's exposure, beside whether
  one happened.

Each row names the parameters it rests on that were fitted to this same case
(``fitted_from``): where that list is not empty the row checks arithmetic, not
the model. Rows that were true by construction in the first version of the
HL-GA replay (the stop, whose mode is the reported 40 days; the share back,
``1 - f`` by construction; the idle cost, the model's own rate times the
reported forecast) are not computed. Outcomes are reported beside the record;
nothing asserts that they match.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pledgelab._cited import Clause, ClauseSpec, Reference, YMap, locate, open_cited
from pledgelab._limits import check
from pledgelab._months import month_of
from pledgelab.pipeline import read_archetypes
from pledgelab.workforce._check import WorkforceChecker
from pledgelab.workforce._enforcement import KINDS, Enforcement, impact, read_enforcement
from pledgelab.workforce._policy import Policy, load_policy
from pledgelab.workforce.delays import WORKFORCE_STREAM, Site, allocate, margin_per_day, sample_delays

REPLAY_SCHEMA = "pledgelab.workforce-replay/2"
KIND = "workforce/replays"

_BY_UNIT: dict[str, ClauseSpec] = {
    "date": ClauseSpec(units=("date",), kind="date"),
    "people": ClauseSpec(units=("people",), kind="count", minimum=0),
    "months": ClauseSpec(units=("months",), kind="number"),
    "fraction": ClauseSpec(units=("fraction",), kind="fraction"),
    "GWh/year": ClauseSpec(units=("GWh/year",), kind="number"),
    "USD/day": ClauseSpec(units=("USD/day",), kind="money"),
    "USD": ClauseSpec(units=("USD",), kind="money"),
    "KRW": ClauseSpec(units=("KRW",), kind="money"),
    "year": ClauseSpec(units=("year",), kind="count", minimum=1900),
    "flag": ClauseSpec(units=("flag",), kind="flag"),
}
SITE: dict[str, ClauseSpec] = {
    "capex": ClauseSpec(units=("USD",), kind="money", minimum=1.0),
    "build_start": ClauseSpec(units=("date",), kind="date"),
    "planned_completion": ClauseSpec(units=("date",), kind="date"),
    "ownership": ClauseSpec(units=("fraction",), kind="fraction"),
    "capacity_gwh": ClauseSpec(units=("GWh/year",), kind="number"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayData:
    """The reported facts of one case and the case as a site."""

    id: str
    title: str
    summary: str
    archetype: str
    nationality: str
    policy: str
    action: str
    facts: dict[str, Clause]
    site: dict[str, Clause]
    outcome: tuple[str | None, str | None]  # fact names of the reported start-up delay (low, high)
    fitted: tuple[str, ...]
    references: dict[str, Reference]
    file: str

    def value(self, name: str) -> float:
        return float(self.facts[name].value)

    def date(self, name: str) -> dt.date:
        value: dt.date = self.facts[name].value
        return value

    def as_site(self) -> Site:
        """The case as a workforce site (build from ``build_start`` to ``planned_completion``)."""
        start = month_of(self.site["build_start"].value)
        end = month_of(self.site["planned_completion"].value)
        cap = self.site.get("capacity_gwh")
        return Site(id=self.id, archetype=self.archetype, capex=float(self.site["capex"].value),
                    notice=self.site["build_start"].value, start_month=start,
                    build_months=max(1, end - start),
                    nationality=self.nationality, ownership=float(self.site["ownership"].value),
                    capacity_gwh=None if cap is None else float(cap.value))


def _fact_spec(chk: WorkforceChecker, m: YMap, name: str) -> ClauseSpec | None:
    node = m.get(name)
    unit = node.get("unit") if isinstance(node, dict) else None
    if unit not in _BY_UNIT:
        chk.add(m.at(name), f"unit {unit!r} is not a fact unit; one of: {', '.join(_BY_UNIT)}")
        return None
    return _BY_UNIT[str(unit)]


def read_replay(path: Path, *, display: str | None = None) -> ReplayData:
    """Read and check a replay file."""
    root, chk, head = open_cited(
        path, schema=REPLAY_SCHEMA, display=display, checker=WorkforceChecker(),
        required=("schema", "id", "title", "summary", "archetype", "nationality", "policy", "action", "site",
                  "outcome", "fitted", "references", "facts"))
    rid, title, summary, refs = head.id, head.title, head.summary, head.references
    archetype = chk.text(root, "archetype")
    if archetype is not None and archetype not in (known := read_archetypes()):
        chk.add(root.at("archetype"), f"unknown archetype {archetype!r}; known: {', '.join(known)}")
    nationality = chk.text(root, "nationality")
    policy = chk.text(root, "policy")
    action = chk.choice(root, "action", (*KINDS, "none"))
    facts: dict[str, Clause] = {}
    if (m := chk.mapping(root.get("facts"), root.at("facts"))) is not None:
        for name in m:
            spec = _fact_spec(chk, m, name)
            if spec is not None and (c := chk.clause(m, name, spec, refs)) is not None:
                facts[name] = c
    site: dict[str, Clause] = {}
    if (sm := chk.mapping(root.get("site"), root.at("site"))) is not None:
        chk.keys(sm, required=("capex", "build_start", "planned_completion", "ownership"),
                 allowed=("capacity_gwh",))
        for name, spec in SITE.items():
            if (c := chk.clause(sm, name, spec, refs, required=False)) is not None:
                site[name] = c
    outcome: tuple[str | None, str | None] = (None, None)
    if (om := chk.mapping(root.get("outcome"), root.at("outcome"))) is not None:
        chk.keys(om, required=("low", "high"))
        names: list[str | None] = []
        for key in ("low", "high"):
            raw = om.get(key)
            if raw is not None and raw not in facts:
                chk.add(om.at(key), f"{raw!r} is not one of the file's facts")
            names.append(None if raw is None else str(raw))
        outcome = (names[0], names[1])
    fitted = tuple(str(x) for x in chk.items(root, "fitted", "parameter names"))
    chk.raise_if_any()
    assert rid and title and summary and archetype and policy and nationality and action
    return ReplayData(id=rid, title=title, summary=" ".join(summary.split()), archetype=archetype,
                      nationality=nationality, policy=policy, action=action, facts=facts, site=site,
                      outcome=outcome, fitted=fitted, references=refs, file=head.file)


def load_replay(name_or_path: str | Path) -> ReplayData:
    """Load a shipped replay by id (``"hl-ga-2025"``) or a replay file by path."""
    path, display = locate(KIND, name_or_path)
    return read_replay(path, display=display)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayRow:
    """One measure: the model's 10th/50th/90th percentiles beside the reported range."""

    measure: str
    unit: str
    model_p10: float
    model_p50: float
    model_p90: float
    reported_low: float | None
    reported_high: float | None
    source: str
    fitted_from: tuple[str, ...]  # parameters of this row that were set from this same case


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayResult:
    """The model's view of a case beside the reported facts."""

    data: ReplayData
    policy: Policy
    rows: tuple[ReplayRow, ...]
    uncovered_share: float
    annual_probability: float
    paths: int
    seed: int


def _cite(*clauses: Clause) -> str:
    urls: list[str] = []
    for c in clauses:
        for r in c.references:
            if r.url not in urls:
                urls.append(r.url)
    return " ".join(urls)


# which model parameters each row rests on (matched against a case's ``fitted`` list)
_IMPACT = ("enforcement.impact.stop", "enforcement.impact.non_return", "enforcement.impact.replacement",
           "enforcement.impact.detained")
_USES = {
    "delay": ("demand.", "policy.", "pathways.", "enforcement.record", *_IMPACT),
    "slip": _IMPACT,
    "chance": ("enforcement.record", "enforcement.base_headcount", "policy.", "demand."),
}


def _fitted(data: ReplayData, row: str) -> tuple[str, ...]:
    return tuple(p for p in data.fitted if p.startswith(_USES[row]))


def replay(name_or_path: str | Path = "hl-ga-2025", *, policy: str | Path | None = None,
           paths: int = 10_000, seed: int = 0, enforcement: Enforcement | None = None) -> ReplayResult:
    """Run the workforce model on a reported case (see the module docstring)."""
    check("paths", paths)
    check("seed", seed)
    data = load_replay(name_or_path)
    pol = load_policy(policy or data.policy)
    enf = (enforcement if enforcement is not None else read_enforcement()).with_impact(pol.impact)
    site = data.as_site()
    alloc = allocate(pol, [site])
    sample = sample_delays(policy=pol, sites=[site], paths=slice(0, paths), seed=seed, enforcement=enf,
                           allocation=alloc)
    lo_name, hi_name = data.outcome
    lo = None if lo_name is None else data.value(lo_name)
    hi = None if hi_name is None else data.value(hi_name)
    src = _cite(*(data.facts[n] for n in data.outcome if n is not None)) or "no delay reported"

    def q(x: np.ndarray) -> dict[str, float]:
        a, b, c = np.quantile(x, [0.1, 0.5, 0.9])
        return {"model_p10": float(a), "model_p50": float(b), "model_p90": float(c)}

    rows = [ReplayRow(measure="start-up delay, workforce model (visas and enforcement, unconditional)",
                      unit="months", **q(sample.delay[:, 0]), reported_low=lo, reported_high=hi, source=src,
                      fitted_from=_fitted(data, "delay"))]
    kind = data.action if data.action != "none" else "shutdown"
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, WORKFORCE_STREAM, 1)))
    u = rng.random((paths, 4))
    shock = impact(enf, u[:, 0], u[:, 1], u[:, 2])
    given = shock.slip if kind == "shutdown" else enf.dist("detained_share").ppf(u[:, 3]) * shock.replacement
    rows.append(ReplayRow(measure=f"start-up slip given a {kind}", unit="months", **q(given),
                          reported_low=lo if data.action != "none" else None,
                          reported_high=hi if data.action != "none" else None,
                          source=src if data.action != "none" else "no action on record at this site",
                          fitted_from=_fitted(data, "slip")))
    p_year = alloc.annual_probability(0, kind, enf)
    p_hit = alloc.hit_probability(0, kind, enf)
    happened = 1.0 if data.action == kind else 0.0
    rows.append(ReplayRow(measure=f"chance of a {kind} while specialists are on site "
                                  f"(per year: {p_year:.3f})",
                          unit="probability", model_p10=p_hit, model_p50=p_hit, model_p90=p_hit,
                          reported_low=happened, reported_high=happened,
                          source=f"1 = it happened; {pol.enforcement['regime_multiplier'].cite()}",
                          fitted_from=_fitted(data, "chance")))
    if "idle_cost_per_day" in data.facts:
        day = margin_per_day(site)
        rows.append(ReplayRow(
            measure="idle cost a day: the model's lost margin (capex x operating yield) beside the reported "
                    "gross production", unit="USD/day", model_p10=day, model_p50=day, model_p90=day,
            reported_low=data.value("idle_cost_per_day"), reported_high=data.value("idle_cost_per_day"),
            source=_cite(data.facts["idle_cost_per_day"]) + " (gross production value, an upper bound)",
            fitted_from=()))
    return ReplayResult(data=data, policy=pol, rows=tuple(rows),
                        uncovered_share=float(alloc.uncovered_share[0]), annual_probability=p_year,
                        paths=paths, seed=seed)


def shipped_replays() -> tuple[str, ...]:
    """Ids of the shipped replay cases."""
    from pledgelab._cited import shipped

    return tuple(shipped(KIND))
