"""The deal engine: schedule, instruments, waterfall, the path-vectorised kernel and the deterministic run.

Other packages and tests use the names listed in ``__all__``; the modules
behind them are the engine's own.
"""

from pledgelab.engine.deterministic import CONTRIBUTIONS, FlowLine, RunResult, run
from pledgelab.engine.fxrule import ACCEPTED, REFUSED, FxRecord, FxRule
from pledgelab.engine.instruments import DebtTerms, debt_flows
from pledgelab.engine.kernel import EXTRA_MONTHS, PathFlows, Plan, make_plan, no_shocks, run_paths
from pledgelab.engine.reference import run_reference
from pledgelab.engine.schedule import (
    SLACK,
    FxPath,
    Schedule,
    Shock,
    build_schedule,
    financing_shares,
    investor_share,
)
from pledgelab.engine.waterfall import WaterfallResult, deemed_rate

__all__ = [
    "ACCEPTED",
    "CONTRIBUTIONS",
    "EXTRA_MONTHS",
    "REFUSED",
    "SLACK",
    "DebtTerms",
    "FlowLine",
    "FxPath",
    "FxRecord",
    "FxRule",
    "PathFlows",
    "Plan",
    "RunResult",
    "Schedule",
    "Shock",
    "WaterfallResult",
    "build_schedule",
    "debt_flows",
    "deemed_rate",
    "financing_shares",
    "investor_share",
    "make_plan",
    "no_shocks",
    "run",
    "run_paths",
    "run_reference",
]
