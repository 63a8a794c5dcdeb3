"""Enforcement shocks: what an immigration enforcement action does to a site.

The impact parameters live in ``data/workforce/enforcement.yaml`` (schema
``pledgelab.workforce-enforcement/1``); how *likely* an action is belongs to
the policy (``enforcement.probability_uncovered`` and
``probability_covered``), because it depends on the visa regime.

**Probability.** A site whose specialists are a share ``x`` on routes that do
not clearly cover installation work (``covers_installation`` not ``clear``)
faces an action with probability, per year on site,
``p = p_covered + (p_uncovered - p_covered) * x``, where ``x`` is weighted by
headcount and months on site. Over an exposure of ``W`` months the chance of
at least one action is ``1 - (1 - p) ** (W / 12)``; a second action on the same
site is not modelled.

**Impact** (reference A1, the HL-GA raid of 4 September 2025): the site stops
for ``S`` months (HL-GA: about six weeks); a share ``f`` of the specialists do
not come back when work resumes and are replaced ``R`` months after the action
(HL-GA: about a third back by 20 November). Work resumes at ``1 - f`` of its
pace from ``S`` until ``R``, so the start of operations slips by

    ``slip = S + f * max(0, R - S)``  months.

The cost of the slip is ``days * idle cost per day``; the idle cost per day
scales with battery capacity where it is known (``idle_cost_per_gwh_day``,
McKinsey via JoongAng) and otherwise with capex (``idle_cost_per_capex_day``,
derived from HL-GA's $2.4M a day on $4.3B). The engine already loses the
delayed operating cash, so the idle cost is a headline figure to compare with
what was reported, not an extra cash flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pledgelab._cited import DATA, HEADER_KEYS, Clause, ClauseSpec, Reference, open_cited
from pledgelab.workforce._check import Triangular, WorkforceChecker, tri, triangular_spec

ENFORCEMENT_SCHEMA = "pledgelab.workforce-enforcement/1"
DAYS_PER_MONTH = 365.25 / 12.0
IMPACT: dict[str, ClauseSpec] = {
    "stop_months": triangular_spec("months"),
    "non_return_share": triangular_spec("fraction", maximum=1.0),
    "replacement_months": triangular_spec("months"),
    "idle_cost_per_gwh_day": ClauseSpec(units=("USD/GWh-day",), kind="money"),
    "idle_cost_per_capex_day": ClauseSpec(units=("per-day",), kind="number", maximum=1.0),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Enforcement:
    """The impact of one enforcement action on a site."""

    id: str
    title: str
    summary: str
    impact: dict[str, Clause]
    references: dict[str, Reference]
    file: str

    def dist(self, name: str) -> Triangular:
        return tri(self.impact[name])

    def value(self, name: str) -> float:
        return float(self.impact[name].value)

    def idle_cost_per_day(self, *, capex: float | None = None, capacity_gwh: float | None = None) -> float:
        """USD a day of delayed operation: by capacity if known, else by capex."""
        if capacity_gwh is not None:
            return capacity_gwh * self.value("idle_cost_per_gwh_day")
        if capex is None:
            raise ValueError("give capex or capacity_gwh")
        return capex * self.value("idle_cost_per_capex_day")


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


def annual_probability(p_covered: float, p_uncovered: float, uncovered_share: float) -> float:
    """Per-site, per-year probability of an action given the share on non-covering routes."""
    return p_covered + (p_uncovered - p_covered) * uncovered_share


def read_enforcement(path: Path | None = None, *, display: str | None = None) -> Enforcement:
    """Read and check the enforcement-impact file (the shipped one by default)."""
    path = path or DATA / "workforce" / "enforcement.yaml"
    if display is None:
        display = "workforce/enforcement.yaml" if path == DATA / "workforce" / "enforcement.yaml" \
            else str(path)
    root, chk, head = open_cited(path, schema=ENFORCEMENT_SCHEMA, display=display, checker=WorkforceChecker(),
                                 required=(*HEADER_KEYS, "impact"))
    eid, title, summary, refs = head.id, head.title, head.summary, head.references
    out: dict[str, Clause] = {}
    if (m := chk.mapping(root.get("impact"), root.at("impact"))) is not None:
        chk.keys(m, required=tuple(IMPACT))
        for name, spec in IMPACT.items():
            if (c := chk.clause(m, name, spec, refs, required=False)) is not None:
                out[name] = c
    chk.raise_if_any()
    assert eid and title and summary
    return Enforcement(id=eid, title=title, summary=" ".join(summary.split()), impact=out,
                       references=refs, file=display)
