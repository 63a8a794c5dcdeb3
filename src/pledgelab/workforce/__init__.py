"""Workforce and visas: specialist demand, visa routes, enforcement shocks → construction delays.

See docs/workforce.md. The public surface:

* data: :func:`load_pathways`, :func:`load_policy`, :func:`read_demand`, :func:`read_enforcement`,
  :func:`load_replay`;
* rules: :class:`Rule` (cited, in the pathway file), :class:`Case`, :class:`Verdict`; the project
  vehicle's ownership: :func:`read_vehicles`;
* model: :func:`allocate` (with the :class:`Exclusion` of each route a rule excluded) and
  :func:`sample_delays` (``(paths, projects)`` continuous months of delay, chunk-invariant),
  :func:`summarize`, :func:`group_shares`;
* outputs: :func:`staffing_plan` and :func:`replay`.
"""

from pledgelab.workforce._check import Triangular
from pledgelab.workforce._costs import DelayCosts, read_costs
from pledgelab.workforce._demand import Demand, PhaseNeed, read_demand
from pledgelab.workforce._enforcement import Enforcement, Impact, impact, read_enforcement
from pledgelab.workforce._pathways import Pathways, Route, load_pathways, read_pathways
from pledgelab.workforce._policy import Policy, load_policy, read_policy
from pledgelab.workforce._rules import Case, Rule, Verdict
from pledgelab.workforce._vehicles import Vehicles, read_vehicles
from pledgelab.workforce.delays import (
    WORKFORCE_STREAM,
    Allocation,
    Assignment,
    DelaySample,
    DelaySummary,
    Exclusion,
    Group,
    GroupShares,
    Site,
    allocate,
    group_shares,
    sample_delays,
    sites_from_pipeline,
    summarize,
)

__all__ = [
    "WORKFORCE_STREAM",
    "Allocation",
    "Assignment",
    "Case",
    "DelayCosts",
    "DelaySample",
    "DelaySummary",
    "Demand",
    "Enforcement",
    "Exclusion",
    "Group",
    "GroupShares",
    "Impact",
    "Pathways",
    "PhaseNeed",
    "Policy",
    "Route",
    "Rule",
    "Site",
    "Triangular",
    "Vehicles",
    "Verdict",
    "allocate",
    "group_shares",
    "impact",
    "load_pathways",
    "load_policy",
    "read_costs",
    "read_demand",
    "read_enforcement",
    "read_pathways",
    "read_policy",
    "read_vehicles",
    "sample_delays",
    "sites_from_pipeline",
    "summarize",
]
