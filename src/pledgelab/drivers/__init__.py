"""Stochastic drivers of the Monte Carlo engine: parameters, sampling and seeding (no deal rules here).

``load_drivers`` reads a cited parameter file (``"default"``, ``"zero"`` or a
path); ``draw`` turns it into :class:`Draws` for a slice of paths, seeded per
block of :data:`BLOCK` paths so the numbers never depend on the chunking.
"""

from pledgelab.drivers._draws import Draws
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
    "ArchetypeRisk",
    "BenchmarkModel",
    "Draws",
    "DriverModel",
    "FxModel",
    "annualised_log_vol",
    "central_fx",
    "draw",
    "load_drivers",
    "read_drivers",
]
