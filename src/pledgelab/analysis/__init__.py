"""Analysis: deals side by side, many paths of a deal, above the engine, the metrics and the domain.

:func:`compare` puts deals side by side: the four sticking points in words and the
outcomes by party.

The Monte Carlo layer: :func:`simulate` splits the paths into chunks, each
drawn, run through the engine's kernel and reduced to per-path outcomes
(:class:`ChunkStats`) on any executor; the workforce model's delays enter as
shocks (:class:`WorkforceShocks`); :class:`SimulationResult` holds the
outcomes as data (the tables and charts are :mod:`pledgelab.report`'s);
:func:`explain` places the plan in the distribution and attributes each
party's mean to the driver families (``simulate(..., attribute=True)``).

What-if analysis over many variants of a deal, on the same executors:
:func:`sensitivity` (which assumptions drive each outcome: Sobol' or Morris indices
with SALib, a one-at-a-time tornado, and why a clause does not matter), :func:`solve`
(the value of a term that makes an outcome true) and :func:`frontier` (the Pareto set,
the zone of agreement and the shipped positions placed on it); their factors are the
deal's assumed and disputed clauses with ranges (:func:`factors`).
"""

from pledgelab.analysis._attribution import NpvAttribution, npv_attribution
from pledgelab.analysis._common import runnable
from pledgelab.analysis._compare import (
    STICKING_POINTS,
    DealComparison,
    ReviewReading,
    compare,
    review_readings,
)
from pledgelab.analysis._factors import (
    ALTERNATIVES,
    MEASURES,
    Factor,
    Limit,
    Outcome,
    explicit_ranges,
    factors,
    numeric_factor,
    parse_limit,
    parse_outcome,
    reservations,
)
from pledgelab.analysis._frontier import (
    POSITIONS,
    Axis,
    FrontierResult,
    Objective,
    Position,
    frontier,
    parse_axis,
    parse_objective,
    sampled_variants,
)
from pledgelab.analysis._montecarlo import (
    FAN_PATHS,
    QUANTILES,
    ChunkJob,
    ChunkStats,
    chunk_slices,
    run_chunks,
    simulate_chunk,
)
from pledgelab.analysis._negotiation import (
    NO_EFFECT,
    CappedRisk,
    ClauseValue,
    Exposure,
    NegotiatorView,
    Reading,
    TaxCredit,
    break_even_share,
    capped_risk,
    clause_values,
    disputed_readings,
    exposure,
    host_tax,
    negotiator_view,
)
from pledgelab.analysis._results import FxSummary, SimulationResult, WorkforceSummary
from pledgelab.analysis._risk import FAMILY_LABELS, FamilyEffect, RiskExplanation, explain
from pledgelab.analysis._sensitivity import METHODS, FactorIndex, SensitivityResult, sensitivity
from pledgelab.analysis._shocks import WorkforceDraws, WorkforceShocks
from pledgelab.analysis._simulate import simulate, with_overrun
from pledgelab.analysis._solve import MAX_EVALUATIONS, SolveResult, parse_target, solve

__all__ = [
    "ALTERNATIVES",
    "FAMILY_LABELS",
    "FAN_PATHS",
    "MAX_EVALUATIONS",
    "MEASURES",
    "METHODS",
    "NO_EFFECT",
    "POSITIONS",
    "QUANTILES",
    "STICKING_POINTS",
    "Axis",
    "CappedRisk",
    "ChunkJob",
    "ChunkStats",
    "ClauseValue",
    "DealComparison",
    "Exposure",
    "Factor",
    "FactorIndex",
    "FamilyEffect",
    "FrontierResult",
    "FxSummary",
    "Limit",
    "NegotiatorView",
    "NpvAttribution",
    "Objective",
    "Outcome",
    "Position",
    "Reading",
    "ReviewReading",
    "RiskExplanation",
    "SensitivityResult",
    "SimulationResult",
    "SolveResult",
    "TaxCredit",
    "WorkforceDraws",
    "WorkforceShocks",
    "WorkforceSummary",
    "break_even_share",
    "capped_risk",
    "chunk_slices",
    "clause_values",
    "compare",
    "disputed_readings",
    "explain",
    "explicit_ranges",
    "exposure",
    "factors",
    "frontier",
    "host_tax",
    "negotiator_view",
    "npv_attribution",
    "numeric_factor",
    "parse_axis",
    "parse_limit",
    "parse_objective",
    "parse_outcome",
    "parse_target",
    "reservations",
    "review_readings",
    "run_chunks",
    "runnable",
    "sampled_variants",
    "sensitivity",
    "simulate",
    "simulate_chunk",
    "solve",
    "with_overrun",
]
