"""The deterministic deal engine: a term sheet and a pipeline in, cash flows by party out.

Every amount is a :class:`FlowLine` — a party, a project, a kind of flow and
the clause that produced it — so any number can be traced back to its clause
and source (``pledgelab explain``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from pledgelab._months import month_of
from pledgelab.engine._fxrule import FxRecord, FxRule
from pledgelab.engine._governance import Screen, screen, screened_pipeline
from pledgelab.engine._instruments import DebtTerms
from pledgelab.engine._schedule import Schedule
from pledgelab.engine._waterfall import WaterfallResult, deemed_rate
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet, Tranche

if TYPE_CHECKING:
    from pledgelab.drivers import DriverModel

POOL = "(pool)"

CONTRIBUTIONS = ("capital call", "instalment", "guarantee call")
"""Flow kinds whose outflows are money put in; every other flow is money back (net)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowLine:
    """One stream of cash to (+) or from (−) a party, and the clause behind it."""

    party: str
    project: str
    kind: str
    clause: str
    values: np.ndarray  # (months,), USD


@dataclass(slots=True, kw_only=True)
class RunResult:
    """Cash flows by party, project and month for one deal and one pipeline."""

    deal: TermSheet
    pipeline: Pipeline
    schedule: Schedule
    start: int  # month index of column 0
    lines: list[FlowLine]
    project_cash: np.ndarray  # (months,): operating cash minus capex, all financed projects
    vehicle_interest: np.ndarray  # (months,): earned by idle vehicle cash
    vehicle_balance: np.ndarray  # (months,): vehicle cash at month end (0 when as-called)
    waterfalls: dict[tuple[str, str], WaterfallResult] = field(default_factory=dict)
    rate: float = 0.0
    fx: FxRecord | None = None  # the FX safeguard's record (one path), when the run has one
    guaranteed: np.ndarray | None = None  # (months,): guarantees' undrawn cover within their limits
    screen: Screen | None = None  # the "commercially reasonable" screen, when the deal has one

    @property
    def months(self) -> int:
        return int(self.project_cash.shape[0])

    def net(self, party: str) -> np.ndarray:
        """Net cash of ``party`` by month (received minus paid)."""
        out = np.zeros(self.months)
        for line in self.lines:
            if line.party == party:
                out += line.values
        return out

    def parties(self) -> list[str]:
        return list(self.deal.parties)

    def col(self, month: int) -> int:
        return month - self.start


def rate_key(tr: Tranche) -> str:
    """The clause a debt tranche's interest rate is read from: a guaranteed loan's
    ``lender_rate`` (what the lenders charge), a direct loan's ``rate``."""
    return "lender_rate" if tr.method == "guarantee" else "rate"


def _debt_terms(tr: Tranche, life: int | None = None) -> DebtTerms:
    """A debt tranche's terms on a project of ``life`` operating months: the tenor is cut to the
    life (``beyond_life: amortise-within-life``, also when the tranche has no such clause) or kept,
    with the whole balance due in the project's last month (``balloon-at-end``)."""
    tenor = int(tr.value("tenor"))
    balloon = "beyond_life" in tr.clauses and tr.value("beyond_life") == "balloon-at-end"
    if life is not None and not balloon:
        tenor = max(1, min(tenor, life))
    return DebtTerms(
        tranche=tr.id, rate=float(tr.value(rate_key(tr))), tenor=tenor,
        amortisation=str(tr.value("amortisation")),
        fee=float(tr.value("fee")) if tr.method == "guarantee" else 0.0,
        coverage=float(tr.value("coverage")) if tr.method == "guarantee" else 0.0,
        balloon=balloon,
    )


def guarantee_limits(deal: TermSheet) -> tuple[dict[str, float], float]:
    """The limit on calls of each guarantee tranche (its ``limit`` clause) and of all together
    (``amount.guarantee_limit``), USD; ``inf`` where none is set, and for every limit when
    ``amount.beyond_guarantee_limit`` is ``guarantor-pays`` (the guarantor pays past any limit)."""
    inf = float("inf")
    unlimited = "amount.beyond_guarantee_limit" in deal.clauses and \
        deal.value("amount.beyond_guarantee_limit") == "guarantor-pays"
    per: dict[str, float] = {}
    for tr in deal.tranches:
        if tr.method == "guarantee":
            lim = tr.value("limit") if "limit" in tr.clauses else None
            per[tr.id] = inf if unlimited or lim is None else float(lim)
    lim_all = deal.value("amount.guarantee_limit") if "amount.guarantee_limit" in deal.clauses else None
    return per, inf if unlimited or lim_all is None else float(lim_all)


def horizon(sched: Schedule) -> tuple[int, int]:
    """First and last month a schedule's run covers (notices, calls, operations, vehicle)."""
    financed = sched.financed()
    months = [m for ps in financed for m in ps.calls]
    months += [ps.end for ps in financed if ps.end is not None]
    months += [ps.abandoned for ps in financed if ps.abandoned is not None]
    months += list(sched.instalments) + list(sched.vehicle_interest)
    months += [month_of(ps.project.notice_date.value) for ps in sched.projects]
    if sched.vehicle_last is not None:
        months.append(sched.vehicle_last)
    return min(months), max(months)


def run(deal: TermSheet, pipeline: Pipeline, *, fx_rule: FxRule | None = None,
        fx_accepted: bool = True, drivers: str | DriverModel = "default") -> RunResult:
    """The deterministic run: ``deal`` over ``pipeline`` as planned — the kernel with one path and no
    shocks (no overrun, slip, abandonment or rate and currency moves; :func:`pledgelab.simulate` draws them).

    Every flow comes back as a :class:`FlowLine` with the clause that made it;
    the schedule's events (which clause deferred which call) come from the
    scalar schedule of the plan.

    With ``fx_rule`` the FX safeguard is live (engine/_fxrule.py): the exchange rate
    is the drivers' path with every shock zero (``drivers``: a shipped id, a file or
    a ``DriverModel``), and the host's answer to every request is ``fx_accepted``
    (the deterministic run shows either answer; its probability is for Monte Carlo).
    The events then come from the scalar schedule run with the same rule and path.

    A deal with a "commercially reasonable" screen (``governance``) has every project tested
    first (``RunResult.screen``); ``governance.screen_failure`` decides whether a failing
    project is financed, left out or declined (engine/_governance.py).
    """
    from pledgelab.drivers import DriverModel, central_fx, load_drivers
    from pledgelab.engine._kernel import EXTRA_MONTHS, check_kinds, make_plan, no_shocks, run_paths
    from pledgelab.engine._schedule import FxPath, build_schedule

    check_kinds(deal, pipeline)  # before the screen reads them
    verdicts = screen(deal, pipeline)
    pipeline = screened_pipeline(deal, pipeline, verdicts)
    plan = make_plan(deal, pipeline, extra_months=0 if fx_rule is None else EXTRA_MONTHS, fx_rule=fx_rule)
    draws = no_shocks(plan, paths=1)
    sched = plan.schedule
    if fx_rule is not None:
        model = drivers if isinstance(drivers, DriverModel) else load_drivers(str(drivers))
        level = central_fx(model, fx_rule.currency, months=plan.months)
        answers = np.full((1, plan.months), 0.0 if fx_accepted else 1.0)
        draws = replace(draws, fx={fx_rule.currency: level[None, :]}, safeguard_u=answers)
        sched = build_schedule(deal, pipeline, fx=FxPath(rule=fx_rule, start=plan.start, level=level,
                                                          accept=answers[0] < fx_rule.acceptance))
    flows = run_paths(plan, draws, trace=True)
    assert flows.trace is not None
    n = plan.months
    if fx_rule is not None:  # cut the room left for deferrals to the run's own horizon
        n = horizon(sched)[1] - plan.start + 1
        lines = [replace(ln, values=ln.values[:n]) for ln in flows.trace]
        assert all(not np.any(ln.values[n:]) for ln in flows.trace)
    else:
        lines = flows.trace
    fx = flows.fx
    if fx is not None:
        fx = FxRecord(rule=fx.rule, level=fx.level[:, :n], pressure=fx.pressure[:, :n],
                      requests=fx.requests[:, :n], deferred=fx.deferred[:, :n])
    return RunResult(deal=deal, pipeline=pipeline, schedule=sched, start=plan.start,
                     lines=lines, project_cash=flows.project_cash[0, :n],
                     vehicle_interest=flows.vehicle_interest[0, :n],
                     vehicle_balance=flows.vehicle_balance[0, :n], waterfalls=flows.waterfalls,
                     rate=deemed_rate(deal), fx=fx,
                     guaranteed=None if flows.guaranteed is None else flows.guaranteed[0, :n],
                     screen=verdicts)
