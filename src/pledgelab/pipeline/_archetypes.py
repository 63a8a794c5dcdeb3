"""Project archetypes: how a kind of project spends and earns, as cited or assumed data.

An archetype gives a build time and capex profile, a ramp-up, an operating
cash yield (distributable cash a year at full output, per dollar of capex),
a life and a residual value. These are modelling assumptions unless a source
gives them; each is a clause with status and reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pledgelab._cited import DATA, Clause, ClauseSpec, open_cited
from pledgelab.terms import SECTORS

ARCHETYPE_SCHEMA = "pledgelab.archetypes/1"
PROFILES = ("flat", "s-curve", "front", "back")

PARAMS: dict[str, ClauseSpec] = {
    "build_months": ClauseSpec(units=("months",), kind="count", minimum=1),
    "capex_profile": ClauseSpec(units=("profile",), kind="choice", choices=PROFILES),
    "ramp_months": ClauseSpec(units=("months",), kind="count", minimum=0),
    "operating_yield": ClauseSpec(units=("per-year",), kind="rate", maximum=1.0),
    "life_years": ClauseSpec(units=("years",), kind="count", minimum=1),
    "residual_value": ClauseSpec(units=("fraction",), kind="fraction"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Archetype:
    """The economics of one kind of project."""

    id: str
    label: str
    sector: str
    params: dict[str, Clause]

    def value(self, name: str) -> float:
        return float(self.params[name].value)


def read_archetypes(path: Path | None = None) -> dict[str, Archetype]:
    """Read the archetype table (the shipped one by default)."""
    path = path or DATA / "projects" / "archetypes.yaml"
    display = "projects/archetypes.yaml" if path.parent == DATA / "projects" else str(path)
    root, chk, head = open_cited(path, schema=ARCHETYPE_SCHEMA, display=display,
                                 required=("schema", "references", "archetypes"))
    refs = head.references
    out: dict[str, Archetype] = {}
    table = chk.mapping(root.get("archetypes"), root.at("archetypes"))
    for key, item in (table or {}).items():
        m = chk.mapping(item, table.at(key)) if table is not None else None
        if m is None:
            continue
        chk.keys(m, required=("label", "sector", *PARAMS))
        label = chk.text(m, "label")
        sector = chk.text(m, "sector")
        if sector is not None and sector not in SECTORS:
            chk.add(m.at("sector"), f"{sector!r} is not one of: {', '.join(SECTORS)}")
        params = {name: c for name, spec in PARAMS.items()
                  if (c := chk.clause(m, name, spec, refs, required=False)) is not None}
        if label and sector and len(params) == len(PARAMS):
            out[key] = Archetype(id=key, label=label, sector=sector, params=params)
    chk.raise_if_any()
    return out


def capex_weights(profile: str, n: int) -> np.ndarray:
    """Share of capex spent in each build month (sums to 1)."""
    k = np.arange(n, dtype=np.float64)
    if profile == "flat":
        w = np.ones(n)
    elif profile == "s-curve":
        w = np.sin(math.pi * (k + 0.5) / n)
    elif profile == "front":
        w = n - k
    elif profile == "back":
        w = k + 1.0
    else:
        raise ValueError(f"unknown capex profile {profile!r}")
    return np.asarray(w / w.sum(), dtype=np.float64)


def operating_profile(*, capex: float, operating_yield: float, ramp_months: int,
                      life_years: int, residual_value: float) -> np.ndarray:
    """Distributable cash by operating month (month 0 is the first after completion).

    Cash is ``operating_yield / 12 * capex`` at full output, reached linearly over
    ``ramp_months``; the residual value is received in the last month of life.
    """
    n = life_years * 12
    k = np.arange(n, dtype=np.float64)
    ramp = np.minimum(1.0, (k + 1.0) / ramp_months) if ramp_months > 0 else np.ones(n)
    cash = operating_yield / 12.0 * capex * ramp
    cash[-1] += residual_value * capex
    return np.asarray(cash, dtype=np.float64)
