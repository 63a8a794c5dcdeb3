"""The "commercially reasonable" screen and the review clause's readings as tables and lines.

Formats what :func:`pledgelab.engine.screen` and
:func:`pledgelab.analysis.review_readings` return; computes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pledgelab.report._format import usd
from pledgelab.report._table import Column, Table

if TYPE_CHECKING:
    from pledgelab.analysis import ReviewReading
    from pledgelab.engine import Screen

_ON_FAILURE = {
    "financed-with-consent": "financed as planned, consent assumed given (flagged here, never silently)",
    "not-financed": "left out of the run (the Investment Committee does not recommend it)",
    "declined": "declined by the investor (the non-funding clauses apply)",
    "none": "the deal has no screen, so nothing follows from it (computed for information)",
}


def screen_table(screen: Screen, title: str) -> Table:
    """One row per project: the verdict and its numbers."""
    t = Table(title, [Column("project"), Column("verdict"), Column("principal", "usd"),
                      Column("cash over life", "usd"), Column("deemed interest", "usd"),
                      Column("shortfall at end of life", "usd"),
                      Column("shortfall discounted", "usd"), Column("recovered after (months)"),
                      Column("life (months)")])
    for v in screen.verdicts:
        t.rows.append([v.project, v.verdict, v.principal, v.cash, v.deemed_interest, v.shortfall,
                       v.shortfall_pv, "—" if v.recovered_month is None else str(v.recovered_month),
                       str(v.life_months)])
    if screen.on_failure == "none":
        t.notes.append("This deal has no \"commercially reasonable\" screen (governance."
                       "commercially_reasonable false or absent): the test is computed for "
                       "information only and changes nothing in a run.")
    t.notes.append(
        f"The rule ({screen.clause}): a project is commercially reasonable when its cash over its "
        f"life recovers its principal plus deemed interest at {100 * screen.rate:.2f}%/yr "
        f"({screen.convention}), tested on the project's plan from its first capex. "
        "needs-consent: fails, and the Special Act requires prior consent of a National Assembly "
        "committee; not-screened: no tranche of the distribution rule finances it (outside the "
        "MOU's test). The shortfall is the deemed allocation amount left at the end of the "
        "project's life; discounted: the same, discounted monthly at the deemed rate to the first "
        "capex.")
    failing = screen.failing()
    if failing:
        t.notes.append(f"{len(failing)} project(s) fail ({', '.join(v.project for v in failing)}): "
                       f"{_ON_FAILURE[screen.on_failure]} (governance.screen_failure = "
                       f"{screen.on_failure}).")
    return t


def screen_words(screen: Screen | None) -> str:
    """The screen's counts in a few words (a compare cell)."""
    if screen is None:
        return "no screen"
    c = screen.counts()
    failing = [v.project for v in screen.failing()]
    words = f"{c['pass']} pass"
    if c["needs-consent"]:
        words += f", {c['needs-consent']} need consent"
    if c["fail"]:
        words += f", {c['fail']} fail"
    if c["not-screened"]:
        words += f", {c['not-screened']} not screened"
    if failing:
        words += f" ({', '.join(failing)}; {screen.on_failure})"
    return words


def review_lines(readings: list[ReviewReading]) -> list[str]:
    """One line per reading of the review clause: how many waterfalls it triggers in, and when."""
    out = []
    for r in readings:
        own = " (this deal's reading)" if r.current else " (the alternative)"
        out.append(f"Review clause, {r.reading} reading{own}: triggers in {r.triggered} of "
                   f"{r.waterfalls} waterfalls (first {r.first or '—'}); investor NPV "
                   f"{usd(r.investor_npv)}.")
    return out
