"""The numbers of issue 14 B-D's closing note, from the shipped data, in one command.

    .venv/bin/python tools/governance_numbers.py

Prints: the "commercially reasonable" screen's verdict on every project of both shipped pipelines
(korea-illustrative under us-korea-2025-11; japan-first-tranche under us-japan-2025-09, whose MOU
has no screen, tested for information with the screen switched on), then how much the per-period
deemed allocation amount and the projected review move each party's NPV and share of
distributions under us-korea-2025-11 (as shipped, and under the alternatives that make them bite).
Everything goes through the library (pledgelab.run, pledgelab.engine.screen, party_outcomes).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pledgelab import load_deal, load_pipeline
from pledgelab.engine import run, screen
from pledgelab.metrics import default_discount_rate, party_outcomes
from pledgelab.terms import TermSheet


def _with(deal: TermSheet, changes: dict[str, Any]) -> TermSheet:
    """``deal`` with clause values changed (each clause must exist)."""
    clauses = dict(deal.clauses)
    for path, value in changes.items():
        clauses[path] = clauses[path].with_value(value, note="tools/governance_numbers.py")
    return dataclasses.replace(deal, clauses=clauses)


def _b(x: float) -> str:
    return f"{'+' if x >= 0 else '-'}${abs(x) / 1e9:,.2f}B"


def verdicts() -> None:
    kr, jp = load_deal("us-korea-2025-11"), load_deal("us-japan-2025-09")
    jp_on = dataclasses.replace(jp, clauses={
        **jp.clauses,
        "governance.commercially_reasonable": jp.clauses["governance.commercially_reasonable"].with_value(
            True, note="for information: the Japan MOU has no screen"),
        "governance.screen_failure": kr.clauses["governance.screen_failure"]})
    info = " (no screen in the Japan MOU; for information)"
    for deal, pipe, label in ((kr, "korea-illustrative", ""), (jp_on, "japan-first-tranche", info)):
        s = screen(deal, load_pipeline(pipe))
        assert s is not None
        print(f"\n{deal.id.split('+')[0]} x {pipe}{label}: deemed {100 * s.rate:.2f}%/yr {s.convention}")
        for v in s.verdicts:
            rec = "never" if v.recovered_month is None else f"month {v.recovered_month}"
            print(f"  {v.project:24s} {v.verdict:14s} principal {_b(v.principal)} cash {_b(v.cash)} "
                  f"shortfall {_b(v.shortfall)} (discounted {_b(v.shortfall_pv)}) recovered {rec}")


def moves() -> None:
    base = load_deal("us-korea-2025-11")
    pipe = load_pipeline("korea-illustrative")
    rate = default_discount_rate(base)

    def outcome(deal: TermSheet) -> dict[str, tuple[float, float]]:
        return {o.party: (o.npv, o.share_of_distributions)
                for o in party_outcomes(run(deal, pipe), discount_rate=rate)}

    cases = [
        ("deemed amount: monthly -> per-period (as shipped)", {},
         "distribution.deemed_compounding", "monthly", "per-period"),
        ("deemed amount: monthly -> per-period (loss_treatment capital-first)",
         {"distribution.loss_treatment": "capital-first"},
         "distribution.deemed_compounding", "monthly", "per-period"),
        ("review: realised -> projected (report-only, as shipped)", {},
         "distribution.review_reading", "realised", "projected"),
        ("review: realised -> projected (review_action adjust-shares)",
         {"distribution.review_action": "adjust-shares"},
         "distribution.review_reading", "realised", "projected"),
    ]
    print(f"\nus-korea-2025-11 x korea-illustrative, NPV at {100 * rate:.2f}%/yr")
    for title, extra, path, old, new in cases:
        a = outcome(_with(base, {**extra, path: old}))
        b = outcome(_with(base, {**extra, path: new}))
        print(f"  {title}")
        for party in a:
            (n0, s0), (n1, s1) = a[party], b[party]
            print(f"    {party:9s} NPV {_b(n0)} -> {_b(n1)} ({_b(n1 - n0)}); share of distributions "
                  f"{100 * s0:.2f}% -> {100 * s1:.2f}%")


if __name__ == "__main__":
    verdicts()
    moves()
