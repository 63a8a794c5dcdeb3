"""What the simulated risk does to each party: the plan's place in the distribution, and which
driver family moves each party's mean NPV most.

**The plan.** The deterministic run is the plan: no overrun, no slip, no
abandonment, operating cash and rates as planned. :func:`explain` places each
party's plan NPV in its simulated distribution (the share of paths at or
below it, a percentile).

**Attribution.** Each driver family (:data:`pledgelab.drivers.FAMILIES`) is
switched off in turn (:func:`pledgelab.drivers.without`) and the simulation
rerun with the same seed, paths and options. Because every block of paths
draws the same random numbers whatever the parameters (common random
numbers), the difference of the means, ``mean NPV (all families) - mean NPV
(family off)``, is that family's effect on the party's mean. The effects need
not add up to the gap between the simulated mean and the plan: families
interact (an overrun costs more on a project that also slips; an abandoned
project has no overrun to pay).

References
----------
Glasserman, P. (2003), *Monte Carlo Methods in Financial Engineering*,
section 4.1 (common random numbers for differences of expectations).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pledgelab.drivers import FAMILIES, DriverModel, without

if TYPE_CHECKING:
    from pledgelab.analysis._results import SimulationResult

FAMILY_LABELS = {"overrun": "capex overruns", "slip": "construction slips", "abandon": "abandonment",
                 "yield": "operating-cash (yield) risk", "benchmark": "the benchmark rate",
                 "fx": "exchange rates"}


@dataclass(frozen=True, slots=True, kw_only=True)
class FamilyEffect:
    """One driver family's effect on one party's mean NPV (USD)."""

    family: str
    party: str
    mean_without: float  # mean NPV with the family switched off
    effect: float  # mean NPV with every family minus mean_without


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskExplanation:
    """The plan against the simulated distribution, per party, and the driver attribution."""

    plan_npv: dict[str, float]  # the deterministic run's NPV per party
    mean_npv: dict[str, float]  # the simulated mean per party
    percentile: dict[str, float]  # share of simulated paths with an NPV at or below the plan's
    effects: tuple[FamilyEffect, ...] = ()  # empty when no attribution was run

    def largest(self, party: str) -> FamilyEffect | None:
        """The family whose switching off moves ``party``'s mean NPV most, if any was run."""
        mine = [e for e in self.effects if e.party == party]
        return max(mine, key=lambda e: abs(e.effect)) if mine else None

    def sentences(self) -> list[str]:
        """Two or three sentences for people: the plan, its percentile, the largest family."""
        parties = list(self.plan_npv)
        out = ["The deterministic result is the plan (no overrun, slip or abandonment; operating cash "
               "and rates as planned): " + "; ".join(f"{p} NPV {_b(self.plan_npv[p])}" for p in parties)
               + "."]
        out.append("In the simulation the plan sits at " + "; ".join(
            f"the {_ordinal(100 * self.percentile[p])} percentile of {p}'s outcomes (mean "
            f"{_b(self.mean_npv[p])})" for p in parties) + ".")
        if self.effects:
            parts = []
            for p in parties:
                e = self.largest(p)
                if e is not None:
                    parts.append(f"for {p}, {FAMILY_LABELS.get(e.family, e.family)} "
                                 f"({_b(e.effect, sign=True)} on the mean)")
            out.append("The driver family that moves each party's mean most: " + "; ".join(parts) + ".")
        return out


def _b(x: float, *, sign: bool = False) -> str:
    """Billions of dollars: -$44.7B, or +$1.2B with ``sign``."""
    lead = "-" if x < 0 else ("+" if sign else "")
    return f"{lead}${abs(x) / 1e9:,.1f}B"


def _ordinal(x: float) -> str:
    n = round(x)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def explain(result: SimulationResult, *, plan: SimulationResult, model: DriverModel,
            rerun: Callable[[DriverModel], SimulationResult] | None = None) -> RiskExplanation:
    """Place ``plan`` (a one-path run with no randomness) in ``result``; with ``rerun`` (the same
    simulation with another driver model) also attribute each party's mean to the driver families.
    """
    parties = [p for i, p in enumerate(result.parties)
               if result.npv[i].any() or plan.npv[i].any()]
    idx = {p: result.parties.index(p) for p in parties}
    plan_npv = {p: float(plan.npv[idx[p], 0]) for p in parties}
    mean = {p: float(result.npv[idx[p]].mean()) for p in parties}
    pct = {p: float(np.mean(result.npv[idx[p]] <= plan_npv[p])) for p in parties}
    effects: list[FamilyEffect] = []
    if rerun is not None:
        for family in FAMILIES:
            off = rerun(without(model, family))
            for p in parties:
                m = float(off.npv[idx[p]].mean())
                effects.append(FamilyEffect(family=family, party=p, mean_without=m, effect=mean[p] - m))
    return RiskExplanation(plan_npv=plan_npv, mean_npv=mean, percentile=pct, effects=tuple(effects))
