"""pledgelab: executable term sheets for sovereign investment pledges.

Cited term sheets in; cash flows, returns and risks for each party out, every
number traceable to a clause and its source.

>>> import pledgelab
>>> deal = pledgelab.load_deal("us-korea-2025-11")
>>> result = pledgelab.run(deal, pledgelab.load_pipeline("korea-illustrative"))
>>> mc = pledgelab.simulate(deal, pipeline="korea-illustrative", paths=1_000, seed=7)
"""

from typing import TYPE_CHECKING, Any

from pledgelab._errors import InputError
from pledgelab._version import __version__ as __version__
from pledgelab.analysis import (
    DealComparison,
    SimulationResult,
    compare,
    frontier,
    sensitivity,
    simulate,
    solve,
)
from pledgelab.engine import RunResult, run
from pledgelab.pipeline import Pipeline, load_pipeline
from pledgelab.terms import TermSheet, load_deal

# The flat public surface. Everything else is reached through its package
# (pledgelab.terms, pledgelab.engine, pledgelab.macro, ...), each with its own __all__.
__all__ = [
    "DealComparison",    # compare's column for one deal: sticking points and outcomes
    "InputError",        # every bad input: file:line: field: message
    "Ledger",            # the pledge ledger (loads SQLAlchemy on first use)
    "Pipeline",          # projects a deal finances
    "RunResult",         # the deterministic run's cash flows by party, project, month and clause
    "SimulationResult",  # Monte Carlo outcomes by path and party
    "TermSheet",         # a deal: every clause with value, unit, status and sources
    "compare",           # deals side by side
    "frontier",          # the negotiation frontier over varied clauses
    "load_deal",         # a shipped deal or scenario, or a file
    "load_pipeline",     # a shipped pipeline, or a file
    "run",               # the deterministic run: the plan, no shocks
    "sensitivity",       # which assumed clauses drive an outcome
    "simulate",          # Monte Carlo over project performance, delays, rates and currency
    "solve",             # the value of a clause that makes an outcome true
]

if TYPE_CHECKING:
    from pledgelab.ledger import Ledger


def __getattr__(name: str) -> Any:
    """``pledgelab.Ledger`` loads the database code (SQLAlchemy) on first use, not at import."""
    if name == "Ledger":
        from pledgelab.ledger import Ledger

        return Ledger
    raise AttributeError(f"module 'pledgelab' has no attribute {name!r}")
