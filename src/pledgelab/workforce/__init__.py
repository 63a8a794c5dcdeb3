"""Workforce and visas: specialist demand, visa routes, enforcement shocks → construction delays.

See docs/workforce.md. The public surface:

* data: :func:`load_pathways`, :func:`load_policy`, :func:`read_demand`, :func:`read_enforcement`,
  :func:`load_replay`;
* model: :func:`allocate` and :func:`sample_delays` (``(paths, projects)`` months of delay,
  chunk-invariant), :func:`summarize`;
* outputs: :func:`staffing_plan` and :func:`replay`.
"""

from pledgelab.workforce._check import Triangular
from pledgelab.workforce._demand import Demand, PhaseNeed, read_demand
from pledgelab.workforce._enforcement import Enforcement, Impact, impact, read_enforcement
from pledgelab.workforce._pathways import Pathways, Route, load_pathways, read_pathways
from pledgelab.workforce._policy import Policy, load_policy, read_policy
from pledgelab.workforce.delays import (
    WORKFORCE_STREAM,
    Allocation,
    Assignment,
    DelaySample,
    DelaySummary,
    Site,
    allocate,
    sample_delays,
    sites_from_pipeline,
    summarize,
)

__all__ = [
    "WORKFORCE_STREAM",
    "Allocation",
    "Assignment",
    "DelaySample",
    "DelaySummary",
    "Demand",
    "Enforcement",
    "Impact",
    "Pathways",
    "PhaseNeed",
    "Policy",
    "Route",
    "Site",
    "Triangular",
    "allocate",
    "impact",
    "load_pathways",
    "load_policy",
    "read_demand",
    "read_enforcement",
    "read_pathways",
    "read_policy",
    "sample_delays",
    "sites_from_pipeline",
    "summarize",
]
