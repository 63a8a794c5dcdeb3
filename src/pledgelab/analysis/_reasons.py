"""Why a clause does not move an outcome, in plain words, from the engine's own counts.

The counts come from the runs themselves (:class:`~pledgelab.analysis._variants.Evaluated`):
waterfalls that never recover their deemed allocation amount, review clauses that never
trigger, tranches whose money and returns belong to other parties.
"""

from __future__ import annotations

from collections.abc import Sequence

from pledgelab.analysis._factors import Outcome
from pledgelab.analysis._variants import Evaluated, Setup

DAA_CLAUSES = ("distribution.deemed_benchmark", "distribution.deemed_spread",
               "distribution.deemed_compounding", "distribution.tiers")


def fmt(x: float, unit: str) -> str:
    """An outcome as people read it: $B, percent, or a plain number."""
    if unit == "USD":
        return f"${x / 1e9:,.2f}B"
    if unit in ("probability", "fraction", "per-year"):
        return f"{100 * x:.2f}%"
    return f"{x:.3f}"


def flat_reason(path: str, o: Outcome, ev: Evaluated, rows: Sequence[int], setup: Setup, *,
                values: str) -> str:
    """Why ``path`` leaves ``o`` unchanged across the runs ``rows`` (the clause's values ``values``)."""
    unrec = int(ev.column("_unrecovered")[list(rows)].sum())
    total = int(ev.column("_waterfalls")[list(rows)].sum())
    review = int(ev.column("_review")[list(rows)].sum())
    never, wf = int(ev.column("_unrecovered")[rows[0]]), int(ev.column("_waterfalls")[rows[0]])
    if o.measure in ("peak_call", "contributed") and path.startswith("distribution."):
        return (f"{path} does not affect {o.name}: distribution clauses share what comes back, "
                f"they cannot change what {o.party} pays in")
    if path in DAA_CLAUSES and total and unrec == total:
        return (f"{path} does not affect {o.name} on this pipeline because the deemed allocation "
                f"amount is never recovered in {never} of {wf} waterfalls (at every value of its "
                f"range), so the tier after it never starts")
    if path == "distribution.review_action" and review == 0:
        return (f"{path} does not affect {o.name} because the review clause never triggers "
                f"(in none of the {wf} waterfalls at any of its values)")
    if path.startswith("tranches["):
        tr = setup.base.tranches[int(path[len("tranches["): path.index("]")])]
        funded, returns = str(tr.value("funded_by")), str(tr.value("returns_to"))
        if o.party not in (funded, returns) and returns != "waterfall":
            return (f"{path} does not affect {o.name} because that tranche is funded by {funded} and "
                    f"its returns go to {returns}")
    if path == "non_funding.step_up_years":
        return (f"{path} does not affect {o.name}: a tariff step-up follows only a declined project, "
                "and no project is declined in these runs (it enters the tariff model, not the cash flows)")
    first = float(ev.values(o)[rows[0]])
    return (f"{path} does not move {o.name}: across {values} the outcome stays at {fmt(first, o.unit)} "
            f"(the runs' cash flows to {o.party} are unchanged)")
