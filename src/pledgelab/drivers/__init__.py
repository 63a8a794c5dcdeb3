"""Stochastic drivers of the Monte Carlo engine: parameters, sampling and seeding (no deal rules here).

``load_drivers`` reads a cited parameter file (``"default"``, ``"zero"`` or a
path); ``draw`` turns it into :class:`Draws` for a slice of paths, seeded per
block of :data:`BLOCK` paths so the numbers never depend on the chunking.
Shipped sets: ``default`` (the first assumptions), ``optimistic``,
``reference-class`` and ``pessimistic`` (calibrated to published reference
classes where there are any: :class:`Calibration`) and ``zero``.
``without(model, family)`` switches one of :data:`FAMILIES` off, for
attribution runs.
"""

from pledgelab.drivers._calibration import Calibration, overrun_log_sd
from pledgelab.drivers._draws import Draws
from pledgelab.drivers._families import FAMILIES, without
from pledgelab.drivers._model import (
    ArchetypeRisk,
    BenchmarkModel,
    DriverModel,
    FxModel,
    load_drivers,
    read_drivers,
)
from pledgelab.drivers._sample import BLOCK, annualised_log_vol, central_fx, draw

__all__ = [
    "BLOCK",
    "FAMILIES",
    "ArchetypeRisk",
    "BenchmarkModel",
    "Calibration",
    "Draws",
    "DriverModel",
    "FxModel",
    "annualised_log_vol",
    "central_fx",
    "draw",
    "load_drivers",
    "overrun_log_sd",
    "read_drivers",
    "without",
]
