"""What a workforce delay costs in cash (``data/workforce/costs.yaml``, ``pledgelab.workforce-costs/1``).

Read by the Monte Carlo adapter (:class:`pledgelab.analysis.WorkforceShocks`):

* ``standby_share``: a month stopped costs this share of the project's average
  monthly capex (``capex / build months``);
* ``remobilisation_months``: a stop costs once this many months of average capex;
* ``committed_calls``: ``all`` (a stop defers no capital call; it moves completion
  and operations) or ``none`` (every later call waits);
* ``ramp_loss``: output lost per month of lateness after completion (a slower
  ramp-up), as a share of a month at full output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pledgelab._cited import DATA, HEADER_KEYS, Clause, ClauseSpec, Reference, open_cited
from pledgelab.workforce._check import WorkforceChecker

COSTS_SCHEMA = "pledgelab.workforce-costs/1"
COSTS: dict[str, ClauseSpec] = {
    "standby_share": ClauseSpec(units=("fraction",), kind="fraction"),
    "remobilisation_months": ClauseSpec(units=("months",), kind="number", maximum=24.0),
    "committed_calls": ClauseSpec(units=("rule",), kind="choice", choices=("all", "none")),
    "ramp_loss": ClauseSpec(units=("fraction",), kind="fraction"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DelayCosts:
    """The cash cost of a workforce delay."""

    clauses: dict[str, Clause]
    references: dict[str, Reference]
    file: str

    def value(self, name: str) -> float:
        return float(self.clauses[name].value)

    @property
    def defers_calls(self) -> bool:
        return bool(self.clauses["committed_calls"].value == "none")

    def stop_cost_share(self, delay_months: float, build_months: int, *, shutdown: bool) -> float:
        """Extra capex of a delay to completion, as a share of the project's capex:
        ``(standby_share * months + remobilisation_months [a shutdown only]) / build_months``."""
        months = self.value("standby_share") * max(delay_months, 0.0)
        return (months + (self.value("remobilisation_months") if shutdown else 0.0)) / build_months


def read_costs(path: Path | None = None, *, display: str | None = None) -> DelayCosts:
    """Read and check the delay-cost file (the shipped one by default)."""
    path = path or DATA / "workforce" / "costs.yaml"
    if display is None:
        display = "workforce/costs.yaml" if path == DATA / "workforce" / "costs.yaml" else str(path)
    root, chk, head = open_cited(path, schema=COSTS_SCHEMA, display=display, checker=WorkforceChecker(),
                                 required=(*HEADER_KEYS, *COSTS))
    out = {k: c for k, spec in COSTS.items() if (c := chk.clause(root, k, spec, head.references)) is not None}
    chk.raise_if_any()
    return DelayCosts(clauses=out, references=head.references, file=display)
