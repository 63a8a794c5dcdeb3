"""Analysis: many paths of a deal, above the engine, the metrics and the domain models.

The Monte Carlo layer: :func:`simulate` splits the paths into chunks, each
drawn, run through the engine's kernel and reduced to per-path outcomes
(:class:`ChunkStats`) on any executor; the workforce model's delays enter as
shocks (:class:`WorkforceShocks`); :class:`SimulationResult` holds the
outcomes as data (the tables and charts are :mod:`pledgelab.report`'s);
:func:`explain` places the plan in the distribution and attributes each
party's mean to the driver families (``simulate(..., attribute=True)``).
"""

from pledgelab.analysis._attribution import NpvAttribution, npv_attribution
from pledgelab.analysis._montecarlo import (
    FAN_PATHS,
    QUANTILES,
    ChunkJob,
    ChunkStats,
    chunk_slices,
    run_chunks,
    simulate_chunk,
)
from pledgelab.analysis._results import FxSummary, SimulationResult, WorkforceSummary
from pledgelab.analysis._risk import FamilyEffect, RiskExplanation, explain
from pledgelab.analysis._shocks import WorkforceDraws, WorkforceShocks
from pledgelab.analysis._simulate import simulate, with_overrun

__all__ = [
    "FAN_PATHS",
    "QUANTILES",
    "ChunkJob",
    "ChunkStats",
    "FamilyEffect",
    "FxSummary",
    "NpvAttribution",
    "RiskExplanation",
    "SimulationResult",
    "WorkforceDraws",
    "WorkforceShocks",
    "WorkforceSummary",
    "chunk_slices",
    "explain",
    "npv_attribution",
    "run_chunks",
    "simulate",
    "simulate_chunk",
    "with_overrun",
]
