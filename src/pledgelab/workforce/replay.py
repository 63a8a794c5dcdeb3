"""Replays: a reported enforcement case run through the model, shown next to what was reported.

A replay file (``data/workforce/replays/<id>.yaml``, schema
``pledgelab.workforce-replay/1``) holds the reported facts of one case as
clauses from a closed vocabulary (:data:`FACTS`), the archetype of the site and
the policy in force. :func:`replay` takes the site's visa mix from the facts,
the coverage of each route and the enforcement rates from the policy, and the
impact distributions from ``data/workforce/enforcement.yaml``, and returns the
model's stop, slip, return of specialists and idle cost (10th, 50th and 90th
percentiles) beside the reported values.

The impact ranges were themselves set from this case (see
``enforcement.yaml``), so agreement is a consistency check of the model's
arithmetic, not a validation: one case cannot validate a distribution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pledgelab._cited import Clause, ClauseSpec, Reference, locate, open_cited
from pledgelab._limits import check
from pledgelab.pipeline import read_archetypes
from pledgelab.workforce._check import WorkforceChecker
from pledgelab.workforce._enforcement import (
    DAYS_PER_MONTH,
    Enforcement,
    annual_probability,
    impact,
    read_enforcement,
)
from pledgelab.workforce._policy import Policy, load_policy
from pledgelab.workforce.delays import WORKFORCE_STREAM

REPLAY_SCHEMA = "pledgelab.workforce-replay/1"
KIND = "workforce/replays"

_PEOPLE = ClauseSpec(units=("people",), kind="count", minimum=0)
_DATE = ClauseSpec(units=("date",), kind="date")
_USD = ClauseSpec(units=("USD",), kind="money")
FACTS: dict[str, ClauseSpec] = {
    "raid_date": _DATE,
    "resume_date": _DATE,
    "returned_date": _DATE,
    "planned_completion": _DATE,
    **{k: _PEOPLE for k in (
        "detained_total", "detained_korean", "korean_esta", "korean_b1", "korean_ead", "lges_hq_esta",
        "lges_hq_b1", "lges_sub_esta", "lges_sub_b1", "he_sub_korean", "he_sub_esta", "he_sub_b1",
        "he_sub_ead", "he_hq_expat", "site_workers", "returned_engineers")},
    "slip_low_months": ClauseSpec(units=("months",), kind="number"),
    "slip_high_months": ClauseSpec(units=("months",), kind="number"),
    "returned_share": ClauseSpec(units=("fraction",), kind="fraction"),
    "capacity_gwh": ClauseSpec(units=("GWh/year",), kind="number"),
    "idle_cost_50gwh_per_day": ClauseSpec(units=("USD/day",), kind="money"),
    "idle_cost_per_day": ClauseSpec(units=("USD/day",), kind="money"),
    "capex_jv": _USD,
    "capex_jv_high": _USD,
    "capex_complex": _USD,
    "capex_addon": _USD,
    "charter_cost_krw": ClauseSpec(units=("KRW",), kind="money"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayData:
    """The reported facts of one case."""

    id: str
    title: str
    summary: str
    archetype: str
    policy: str
    facts: dict[str, Clause]
    references: dict[str, Reference]
    file: str

    def value(self, name: str) -> float:
        return float(self.facts[name].value)

    def date(self, name: str) -> dt.date:
        value: dt.date = self.facts[name].value
        return value


def read_replay(path: Path, *, display: str | None = None) -> ReplayData:
    """Read and check a replay file."""
    root, chk, head = open_cited(
        path, schema=REPLAY_SCHEMA, display=display, checker=WorkforceChecker(),
        required=("schema", "id", "title", "summary", "archetype", "policy", "references", "facts"))
    rid, title, summary, refs = head.id, head.title, head.summary, head.references
    archetype = chk.text(root, "archetype")
    if archetype is not None and archetype not in (known := read_archetypes()):
        chk.add(root.at("archetype"), f"unknown archetype {archetype!r}; known: {', '.join(known)}")
    policy = chk.text(root, "policy")
    facts: dict[str, Clause] = {}
    if (m := chk.mapping(root.get("facts"), root.at("facts"))) is not None:
        chk.keys(m, required=tuple(FACTS))
        for name, spec in FACTS.items():
            if (c := chk.clause(m, name, spec, refs, required=False)) is not None:
                facts[name] = c
    chk.raise_if_any()
    assert rid and title and summary and archetype and policy
    return ReplayData(id=rid, title=title, summary=" ".join(summary.split()), archetype=archetype,
                      policy=policy, facts=facts, references=refs, file=head.file)


def load_replay(name_or_path: str | Path) -> ReplayData:
    """Load a shipped replay by id (``"hl-ga-2025"``) or a replay file by path."""
    path, display = locate(KIND, name_or_path)
    return read_replay(path, display=display)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayRow:
    """One measure: the model's 10th/50th/90th percentiles against the reported range."""

    measure: str
    unit: str
    model_p10: float
    model_p50: float
    model_p90: float
    reported_low: float | None
    reported_high: float | None
    source: str


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
    urls = []
    for c in clauses:
        for r in c.references:
            if r.url not in urls:
                urls.append(r.url)
    return " ".join(urls)


def replay(name_or_path: str | Path = "hl-ga-2025", *, policy: str | Path | None = None,
           paths: int = 10_000, seed: int = 0, enforcement: Enforcement | None = None) -> ReplayResult:
    """Run the enforcement model on a reported case (see the module docstring).

    The visa mix is the detained Koreans (ESTA, B-1/B-2, one EAD) plus the
    investor's L-1/E-2 staff who were on site and not detained; a route's
    coverage comes from ``policy`` (the file's own policy by default).
    """
    check("paths", paths)
    check("seed", seed)
    data = load_replay(name_or_path)
    pol = load_policy(policy or data.policy)
    enf = enforcement if enforcement is not None else read_enforcement()
    f = data.facts
    heads = {"esta": data.value("korean_esta"), "b1": data.value("korean_b1"),
             "work-authorised": data.value("korean_ead") + data.value("he_hq_expat")}
    covers = {"esta": pol.routes["esta"].covers if "esta" in pol.routes else "no",
              "b1": pol.routes["b1"].covers if "b1" in pol.routes else "no", "work-authorised": "clear"}
    total = sum(heads.values())
    uncovered = sum(h for r, h in heads.items() if covers[r] != "clear") / total
    p_year = annual_probability(pol.probability("probability_covered"),
                                pol.probability("probability_uncovered"), uncovered)

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, WORKFORCE_STREAM)))
    u = rng.random((paths, 3))
    shock = impact(enf, u[:, 0], u[:, 1], u[:, 2])
    after = (data.date("returned_date") - data.date("raid_date")).days / DAYS_PER_MONTH
    capacity = data.value("capacity_gwh")
    per_day = enf.idle_cost_per_day(capacity_gwh=capacity)

    def q(x: np.ndarray) -> tuple[float, float, float]:
        a, b, c = np.quantile(x, [0.1, 0.5, 0.9])
        return float(a), float(b), float(c)

    stop_days = float((data.date("resume_date") - data.date("raid_date")).days)
    lo, hi = data.value("slip_low_months"), data.value("slip_high_months")
    reported_day = data.value("idle_cost_per_day")
    rows = [
        ReplayRow(measure="site stop", unit="days", **_p(q(shock.stop * DAYS_PER_MONTH)),
                  reported_low=stop_days, reported_high=stop_days,
                  source=_cite(f["raid_date"], f["resume_date"])),
        ReplayRow(measure="start-up slip", unit="months", **_p(q(shock.slip)), reported_low=lo,
                  reported_high=hi, source=_cite(f["slip_low_months"]) + " (reported as 'at least')"),
        ReplayRow(measure=f"share of needed specialists back {after:.1f} months after",
                  unit="fraction", **_p(q(shock.back_share(after))),
                  reported_low=data.value("returned_share"), reported_high=data.value("returned_share"),
                  source=_cite(f["returned_share"])),
        ReplayRow(measure="idle cost of the slip (capacity-scaled)", unit="USD",
                  **_p(q(shock.slip * DAYS_PER_MONTH * per_day)),
                  reported_low=reported_day * lo * DAYS_PER_MONTH,
                  reported_high=reported_day * hi * DAYS_PER_MONTH,
                  source="derived: reported $/day x reported slip; " + _cite(f["idle_cost_per_day"])),
    ]
    for key in ("capex_jv", "capex_jv_high", "capex_complex"):
        day = enf.idle_cost_per_day(capex=data.value(key))
        rows.append(ReplayRow(
            measure=f"idle cost per day if it scales with capex ({f[key].label}, "
                    f"${data.value(key) / 1e9:.2f}B)", unit="USD/day",
            model_p10=day, model_p50=day, model_p90=day, reported_low=reported_day,
            reported_high=reported_day, source=_cite(f[key], f["idle_cost_per_day"])))
    rows.append(ReplayRow(
        measure="annual probability of an action at this visa mix", unit="per-year",
        model_p10=p_year, model_p50=p_year, model_p90=p_year, reported_low=None, reported_high=None,
        source="no base rate is reported; " + pol.enforcement["probability_uncovered"].cite()))
    return ReplayResult(data=data, policy=pol, rows=tuple(rows), uncovered_share=uncovered,
                        annual_probability=p_year, paths=paths, seed=seed)


def _p(v: tuple[float, float, float]) -> dict[str, float]:
    return {"model_p10": v[0], "model_p50": v[1], "model_p90": v[2]}
