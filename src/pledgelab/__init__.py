"""pledgelab: executable term sheets for sovereign investment pledges.

Cited term sheets in; cash flows, returns and risks for each party out, every
number traceable to a clause and its source.

>>> import pledgelab
>>> deal = pledgelab.load_deal("us-korea-2025-11")
>>> result = pledgelab.run(deal, pledgelab.load_pipeline("korea-illustrative"))
>>> mc = pledgelab.simulate(deal, pipeline="korea-illustrative", paths=1_000, seed=7)
"""

from typing import TYPE_CHECKING, Any

from pledgelab._errors import InputError, Problem
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
from pledgelab.engine import FlowLine, RunResult, run
from pledgelab.pipeline import Pipeline, Project, load_pipeline
from pledgelab.terms import Clause, Status, TermSheet, load_deal

__all__ = [
    "Clause",
    "DealComparison",
    "FlowLine",
    "InputError",
    "Ledger",
    "Pipeline",
    "Problem",
    "Project",
    "RunResult",
    "SimulationResult",
    "Status",
    "TermSheet",
    "compare",
    "frontier",
    "load_deal",
    "load_pipeline",
    "run",
    "sensitivity",
    "simulate",
    "solve",
]

if TYPE_CHECKING:
    from pledgelab.ledger import Ledger


def __getattr__(name: str) -> Any:
    """``pledgelab.Ledger`` loads the database code (SQLAlchemy) on first use, not at import."""
    if name == "Ledger":
        from pledgelab.ledger import Ledger

        return Ledger
    raise AttributeError(f"module 'pledgelab' has no attribute {name!r}")
