"""Driver families, and a driver model with one family switched off (for attribution runs).

A *family* is a group of driver parameters that together make one kind of
risk. Switching a family off sets its parameters to the values of the plan
(no randomness, no bias), leaving every other parameter as it is; because
every block of paths consumes the same random numbers whatever the parameter
values (common random numbers, :func:`pledgelab.drivers.draw`), a run with the
same seed differs from the full run by that family alone.

========== ====================================================================
family     switched off
========== ====================================================================
overrun    ``capex_overrun_mean`` 0 and ``capex_overrun_vol`` 0 (capex as planned,
           except for what a slip costs)
slip       ``delay_mean`` 0 (no slip, hence no slip cost)
abandon    ``abandon_prob`` 0
yield      ``yield_mean`` 1 and ``yield_vol`` 0 (operating cash as planned)
benchmark  the benchmark's ``vol`` and ``speed`` 0 (it stays at its start)
fx         every currency's ``vol`` and ``speed`` 0 (each rate stays at its start)
========== ====================================================================
"""

from __future__ import annotations

import dataclasses

from pledgelab._cited import Clause
from pledgelab.drivers._model import ArchetypeRisk, BenchmarkModel, DriverModel, FxModel

FAMILIES: tuple[str, ...] = ("overrun", "slip", "abandon", "yield", "benchmark", "fx")
_PROJECT_OFF: dict[str, dict[str, float]] = {
    "overrun": {"capex_overrun_mean": 0.0, "capex_overrun_vol": 0.0},
    "slip": {"delay_mean": 0.0},
    "abandon": {"abandon_prob": 0.0},
    "yield": {"yield_mean": 1.0, "yield_vol": 0.0},
}
_NOTE = "switched off for an attribution run"


def _set(params: dict[str, Clause], values: dict[str, float]) -> dict[str, Clause]:
    out = dict(params)
    for name, v in values.items():
        if name in out:
            out[name] = out[name].with_value(v, note=_NOTE)
    return out


def without(model: DriverModel, family: str) -> DriverModel:
    """``model`` with ``family`` switched off (see the module's table); the id says which."""
    if family not in FAMILIES:
        raise ValueError(f"unknown driver family {family!r}; families: {', '.join(FAMILIES)}")
    new_id = f"{model.id}-without-{family}"
    if family in _PROJECT_OFF:
        values = _PROJECT_OFF[family]
        projects = {k: ArchetypeRisk(archetype=r.archetype, params=_set(r.params, values),
                                     calibration=r.calibration)
                    for k, r in model.projects.items()}
        return dataclasses.replace(model, id=new_id, projects=projects)
    still = {"vol": 0.0, "speed": 0.0}
    if family == "benchmark":
        bench = BenchmarkModel(params=_set(model.benchmark.params, still))
        return dataclasses.replace(model, id=new_id, benchmark=bench)
    fx = {c: FxModel(currency=c, params=_set(f.params, still)) for c, f in model.fx.items()}
    return dataclasses.replace(model, id=new_id, fx=fx)
