"""Governance: the "commercially reasonable" screen, and what happens to a project that fails it.

Implements ``governance.*`` of a term sheet. Under the Korea MOU the
Investment Committee (chaired by the US Secretary of Commerce) consults the
Consultation Committee (chaired by Korea's trade minister) and recommends to
the President only "commercially reasonable" projects: those expected to
generate cash flow sufficient to recover principal plus interest over the
project's life. Under Korea's Special Act (passed 2026-03-12) a project that is
not commercially reasonable needs the prior consent of a National Assembly
committee. The Japan MOU has no such test.

The screen, one project at a time on its own plan (no deal schedule, no shocks):
the project's capex by build month is the principal, its distributable cash
over its life (residual value included) is all paid against the deemed
allocation amount, with the deal's deemed rate and convention
(``distribution.deemed_*``) — the deal's own waterfall code with one tier
paying the investor everything. The project passes when the deemed allocation
amount is recovered by the project's last month. A project that fails is
``needs-consent`` where the deal has ``governance.assembly_consent``, else
``fail``. ``governance.screen_failure`` says what the engine does with it:
``financed-with-consent`` (financed as planned, flagged in run and compare),
``not-financed`` (the IC does not recommend it: left out of the run) or
``declined`` (the investor declines to fund it: the non-funding clauses apply).
A project no tranche of the distribution rule finances (MASGA's shipyards,
whose returns stay with the firms) is ``not-screened``: the record places it
outside the test.

References
----------
Newspim (2025-11-15), comparison of the Korea and Japan MOUs ("commercially
reasonable": cash flow sufficient to recover principal and interest over the
project's life). MBC (2025-11-14), the signed MOU. Korea Herald 10693013 and
Newspim 20260312000704 (2026-03-12): the Special Act as passed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pledgelab.engine._schedule import financing_shares
from pledgelab.engine._waterfall import WaterfallRule, deemed_rate, run_waterfall
from pledgelab.pipeline import Pipeline, Project
from pledgelab.terms import TermSheet

PASS, FAIL, CONSENT, OUTSIDE = "pass", "fail", "needs-consent", "not-screened"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreenVerdict:
    """One project's "commercially reasonable" test, with its numbers (USD, months from the
    first capex)."""

    project: str
    verdict: str  # pass | fail | needs-consent | not-screened (no tranche of the MOU's waterfall)
    principal: float  # the project's capex
    cash: float  # distributable cash over the project's life, residual value included
    deemed_interest: float  # deemed interest accrued until recovery (or over the whole life)
    shortfall: float  # deemed allocation amount unrecovered at the end of life (0 on a pass)
    shortfall_pv: float  # the shortfall discounted monthly at the deemed rate to the first capex
    recovered_month: int | None  # months from the first capex to recovery, None if never
    life_months: int  # build plus operating months

    @property
    def passes(self) -> bool:
        return self.verdict in (PASS, OUTSIDE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Screen:
    """The screen of every project of a pipeline under one deal."""

    deal: str
    rate: float  # deemed interest per year (benchmark plus spread)
    convention: str  # distribution.deemed_compounding
    on_failure: str  # governance.screen_failure; "none" when the deal has no screen (for information)
    clause: str  # the clause path of the screen
    verdicts: tuple[ScreenVerdict, ...]

    def failing(self) -> list[ScreenVerdict]:
        return [v for v in self.verdicts if not v.passes]

    def counts(self) -> dict[str, int]:
        out = {PASS: 0, FAIL: 0, CONSENT: 0, OUTSIDE: 0}
        for v in self.verdicts:
            out[v.verdict] += 1
        return out


def has_screen(deal: TermSheet) -> bool:
    """Whether ``deal`` has a "commercially reasonable" screen (``governance.commercially_reasonable``)."""
    return "governance.commercially_reasonable" in deal.clauses and \
        bool(deal.value("governance.commercially_reasonable"))


def _screen_rule(deal: TermSheet) -> WaterfallRule:
    """One tier paying the investor everything until the deemed allocation amount, then the end."""
    shares = np.array([[1.0, 0.0], [1.0, 0.0]])
    return WaterfallRule(parties=(deal.investor, deal.host), investor=0, host=1, shares=shares,
                         hurdles=("deemed-allocation-amount", "end"),
                         compounding=str(deal.value("distribution.deemed_compounding")),
                         loss_treatment="investor-bears", review_horizon=None, adjust_shares=None)


def _under_mou(deal: TermSheet, project: Project) -> bool:
    """The screen is the MOU's selection rule: it applies to a project financed by a tranche whose
    returns go to the distribution rule (not, e.g., MASGA shipyards whose returns stay with the
    firms, which the record places outside the test)."""
    tranches = {t.id: t for t in deal.tranches}
    return any(tranches[tid].value("returns_to") == "waterfall"
               for tid in financing_shares(deal, project))


def screen_project(deal: TermSheet, project: Project, *, consent: bool | None = None) -> ScreenVerdict:
    """The test on one project's plan (see the module docstring)."""
    capex = project.capex_by_build_month()
    ops = project.operating_cash()
    build = len(capex)
    n = build + len(ops)
    contrib = np.zeros(n)
    contrib[:build] = capex
    cash = np.zeros(n)
    cash[build:] = ops
    wf = run_waterfall(_screen_rule(deal), contrib[None, :], cash[None, :], deemed_rate(deal), n - 1)
    assert wf.by_tier is not None
    shortfall = max(float(wf.balance[0, -1]), 0.0)
    principal = float(capex.sum())
    paid_to_daa = float(wf.by_tier[0, :, 0, 0].sum())
    rec = int(wf.recovered[0])
    if consent is None:
        consent = "governance.assembly_consent" in deal.clauses and \
            bool(deal.value("governance.assembly_consent"))
    verdict = PASS if rec >= 0 else (CONSENT if consent else FAIL)
    if not _under_mou(deal, project):
        verdict = OUTSIDE
    monthly = deemed_rate(deal) / 12.0
    return ScreenVerdict(project=project.id, verdict=verdict, principal=principal,
                         cash=float(ops.sum()), deemed_interest=paid_to_daa + shortfall - principal,
                         shortfall=shortfall, shortfall_pv=shortfall / (1.0 + monthly) ** (n - 1),
                         recovered_month=rec if rec >= 0 else None, life_months=n)


def screen(deal: TermSheet, pipeline: Pipeline, *, always: bool = False) -> Screen | None:
    """Every project of ``pipeline`` through ``deal``'s screen; None when the deal has none, unless
    ``always`` (the test computed for information: ``Screen.on_failure`` is then ``none``)."""
    applies = has_screen(deal)
    if not applies and not always:
        return None
    key = "governance.commercially_reasonable"
    return Screen(deal=deal.id, rate=deemed_rate(deal),
                  convention=str(deal.value("distribution.deemed_compounding")),
                  on_failure=str(deal.value("governance.screen_failure")) if applies else "none",
                  clause=deal.clause(key).path if key in deal.clauses else "none",
                  verdicts=tuple(screen_project(deal, p) for p in pipeline.projects))


def screened_pipeline(deal: TermSheet, pipeline: Pipeline, result: Screen | None = None) -> Pipeline:
    """``pipeline`` as the deal's ``governance.screen_failure`` leaves it: unchanged
    (``financed-with-consent``), without the failing projects (``not-financed``), or with them
    declined by the investor (``declined``)."""
    result = screen(deal, pipeline) if result is None else result
    if result is None or result.on_failure == "financed-with-consent":
        return pipeline
    failing = {v.project for v in result.failing()}
    if not failing:
        return pipeline
    if result.on_failure == "not-financed":
        kept = tuple(p for p in pipeline.projects if p.id not in failing)
    else:
        kept = tuple(replace(p, decision="decline") if p.id in failing else p
                     for p in pipeline.projects)
    return replace(pipeline, projects=kept)
