"""The deal engine: schedule, instruments, waterfall, the path-vectorised kernel and the deterministic run.

Other packages and tests use the names listed in ``__all__``; the modules
behind them are the engine's own.
"""

from pledgelab.engine._deterministic import CONTRIBUTIONS, FlowLine, RunResult, guarantee_limits, run
from pledgelab.engine._deterministic import _debt_terms as debt_terms
from pledgelab.engine._fxrule import ACCEPTED, REFUSED, FxRecord, FxRule
from pledgelab.engine._fxrule import END_TREATMENTS as FX_END_TREATMENTS
from pledgelab.engine._fxrule import READINGS as FX_READINGS
from pledgelab.engine._governance import (
    Screen,
    ScreenVerdict,
    has_screen,
    screen,
    screen_project,
    screened_pipeline,
)
from pledgelab.engine._instruments import DebtTerms, debt_flows
from pledgelab.engine._kernel import EXTRA_MONTHS, PathFlows, Plan, make_plan, no_shocks, run_paths
from pledgelab.engine._reference import run_reference
from pledgelab.engine._schedule import (
    OVERRUN_CLAUSE,
    SLACK,
    FxPath,
    Schedule,
    Shock,
    agreed_amount,
    build_schedule,
    earliest_funding,
    financing_shares,
    investor_share,
    overrun_reading,
)
from pledgelab.engine._waterfall import WaterfallResult, deemed_rate

__all__ = [
    "ACCEPTED",
    "CONTRIBUTIONS",
    "EXTRA_MONTHS",
    "FX_END_TREATMENTS",
    "FX_READINGS",
    "OVERRUN_CLAUSE",
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
    "Screen",
    "ScreenVerdict",
    "Shock",
    "WaterfallResult",
    "agreed_amount",
    "build_schedule",
    "debt_flows",
    "debt_terms",
    "deemed_rate",
    "earliest_funding",
    "financing_shares",
    "guarantee_limits",
    "has_screen",
    "investor_share",
    "make_plan",
    "no_shocks",
    "overrun_reading",
    "run",
    "run_paths",
    "run_reference",
    "screen",
    "screen_project",
    "screened_pipeline",
]
