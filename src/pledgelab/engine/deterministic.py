"""The deterministic deal engine: a term sheet and a pipeline in, cash flows by party out.

Every amount is a :class:`FlowLine` — a party, a project, a kind of flow and
the clause that produced it — so any number can be traced back to its clause
and source (``pledgelab explain``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pledgelab._months import month_of
from pledgelab.engine.instruments import DebtFlows, DebtTerms, debt_flows
from pledgelab.engine.schedule import NO_SHOCK, Schedule, Shock, build_schedule
from pledgelab.engine.waterfall import (
    WaterfallResult,
    WaterfallRule,
    compile_rule,
    deemed_rate,
    run_waterfall,
)
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet, Tranche, earliest_funding_date

POOL = "(pool)"


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
    final_month: dict[tuple[str, str], int] = field(default_factory=dict)
    rate: float = 0.0

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


def _debt_terms(tr: Tranche) -> DebtTerms:
    rate_key = "lender_rate" if tr.method == "guarantee" else "rate"
    return DebtTerms(
        tranche=tr.id, rate=float(tr.value(rate_key)), tenor=int(tr.value("tenor")),
        amortisation=str(tr.value("amortisation")),
        fee=float(tr.value("fee")) if tr.method == "guarantee" else 0.0,
        coverage=float(tr.value("coverage")) if tr.method == "guarantee" else 0.0,
    )


def run(deal: TermSheet, pipeline: Pipeline, *, shocks: dict[str, Shock] | None = None,
        benchmark: np.ndarray | None = None,
        waterfall: Callable[..., WaterfallResult] = run_waterfall,
        debt: Callable[..., DebtFlows] = debt_flows) -> RunResult:
    """Run ``deal`` over ``pipeline`` on one path.

    Without ``shocks`` and ``benchmark`` this is the deterministic run of the
    plan. With them it realises one Monte Carlo path (``shocks`` by project id;
    ``benchmark`` the benchmark rate per year by month from the run's first
    month). ``waterfall`` and ``debt`` exist for the reference twin
    (:mod:`pledgelab.engine.reference`), which swaps in plain implementations.
    """
    shocks = shocks or {}
    sched = build_schedule(deal, pipeline, shocks)
    tranches = {t.id: t for t in deal.tranches}
    investor, host = deal.investor, deal.host
    vehicle_pacing = deal.value("timeline.pacing") != "as-called"
    financed = sched.financed()
    months_used = [m for ps in financed for m in ps.calls]
    months_used += [ps.end for ps in financed if ps.end is not None]
    months_used += [ps.abandoned for ps in financed if ps.abandoned is not None]
    months_used += list(sched.instalments) + list(sched.vehicle_interest)
    months_used += [month_of(ps.project.notice_date.value) for ps in sched.projects]
    if sched.vehicle_last is not None:
        months_used.append(sched.vehicle_last)
    start = min(months_used)
    stop = max(months_used)
    n = stop - start + 1
    lines: list[FlowLine] = []
    project_cash = np.zeros(n)
    vehicle_draws = np.zeros(n)

    def arr(d: dict[int, float]) -> np.ndarray:
        a = np.zeros(n)
        for m, v in d.items():
            a[m - start] += v
        return a

    rule = compile_rule(deal)
    rate = deemed_rate(deal)
    pooled = deal.value("distribution.application") == "pooled"
    pool_in: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    pool_end = 0
    wf_inputs: list[tuple[str, str, np.ndarray, np.ndarray, int]] = []
    for ps in financed:
        proj = ps.project
        assert ps.cod is not None and ps.end is not None
        capex = arr(ps.calls)
        operating = np.zeros(n)
        shock = shocks.get(proj.id, NO_SHOCK)
        if ps.abandoned is not None:
            operating[ps.abandoned - start] = shock.recovery * capex.sum()
        else:
            ops = proj.operating_cash() * shock.yield_factor
            c0 = ps.cod - start
            operating[c0:c0 + len(ops)] = ops[: max(0, n - c0)]
        project_cash += operating - capex
        debt_ids = [tid for tid in ps.shares if tranches[tid].is_debt]
        eq_ids = [tid for tid in ps.shares if not tranches[tid].is_debt]
        draws = {tid: capex * s for tid, s in ps.shares.items()}
        for tid, d in draws.items():
            tr = tranches[tid]
            funder = str(tr.value("funded_by"))
            if vehicle_pacing and funder == investor:
                vehicle_draws += d  # paid from the vehicle, which the instalments fund
                continue
            lines.append(FlowLine(party=funder, project=proj.id, kind="capital call",
                                  clause=tr.clauses["funded_by"].path, values=-d))
        dflows = debt([_debt_terms(tranches[t]) for t in debt_ids],
                          np.array([draws[t][None, :] for t in debt_ids]).reshape(
                              len(debt_ids), 1, n),
                          operating[None, :], ps.cod - start, ps.end - start)
        for j, tid in enumerate(debt_ids):
            tr = tranches[tid]
            funder = str(tr.value("funded_by"))
            rate_key = "lender_rate" if tr.method == "guarantee" else "rate"
            lines.append(FlowLine(party=funder, project=proj.id, kind="debt service",
                                  clause=tr.clauses[rate_key].path, values=dflows.service[j, 0]))
            if tr.method == "guarantee":
                lines.append(FlowLine(party=investor, project=proj.id, kind="guarantee fee",
                                      clause=tr.clauses["fee"].path, values=dflows.fees[j, 0]))
                call = dflows.guarantee_calls[j, 0]
                lines.append(FlowLine(party=investor, project=proj.id, kind="guarantee call",
                                      clause=tr.clauses["coverage"].path, values=-call))
                lines.append(FlowLine(party=funder, project=proj.id, kind="guarantee call",
                                      clause=tr.clauses["coverage"].path, values=call))
        equity_cash = dflows.equity_cash[0]
        eq_total = sum(ps.shares[t] for t in eq_ids)
        if not eq_ids:
            lines.append(FlowLine(party=host, project=proj.id, kind="residual to owner",
                                  clause="host", values=equity_cash))
        for tid in eq_ids:
            tr = tranches[tid]
            part = equity_cash * ps.shares[tid] / eq_total
            dest = str(tr.value("returns_to"))
            if dest != "waterfall":
                lines.append(FlowLine(party=dest, project=proj.id, kind="own returns",
                                      clause=tr.clauses["returns_to"].path, values=part))
            elif pooled:
                c, d = pool_in.get(tid, (np.zeros(n), np.zeros(n)))
                pool_in[tid] = (c + draws[tid], d + part)
                pool_end = max(pool_end, ps.end - start)
            else:
                wf_inputs.append((proj.id, tid, draws[tid], part, ps.end - start))
    for tid, (c, d) in pool_in.items():
        wf_inputs.append((POOL, tid, c, d, pool_end))
    interest = arr(sched.vehicle_interest)
    returned = np.zeros(n)
    if vehicle_pacing:
        returned[-1] = sched.vehicle_left
    balance = np.cumsum(arr(sched.instalments) + interest - vehicle_draws - returned)
    result = RunResult(deal=deal, pipeline=pipeline, schedule=sched, start=start, lines=lines,
                       project_cash=project_cash, vehicle_interest=interest,
                       vehicle_balance=balance, rate=rate)
    rates: np.ndarray | float = rate
    if benchmark is not None:
        spread = float(deal.value("distribution.deemed_spread"))
        rates = np.asarray(benchmark[:n], dtype=np.float64) + spread
    for key_p, tid, contrib, cash, final in wf_inputs:
        wf = waterfall(rule, contrib[None, :], cash[None, :], rates, final)
        result.waterfalls[(key_p, tid)] = wf
        result.final_month[(key_p, tid)] = final
        _waterfall_lines(deal, rule, wf, key_p, lines)
    if vehicle_pacing:
        lines.append(FlowLine(party=investor, project=POOL, kind="instalment",
                              clause=deal.clause("timeline.pacing").path,
                              values=-arr(sched.instalments)))
        left = np.zeros(n)
        left[-1] = sched.vehicle_left
        keeper = investor if deal.value("timeline.undeployed_cash") == "returned-at-end" else host
        lines.append(FlowLine(party=keeper, project=POOL, kind="undeployed vehicle cash",
                              clause=deal.clause("timeline.undeployed_cash").path, values=left))
    _diversion(deal, sched, start, n, lines)
    return result


def _waterfall_lines(deal: TermSheet, rule: WaterfallRule, wf: WaterfallResult, project: str,
                     lines: list[FlowLine]) -> None:
    offset = 1 if rule.loss_treatment == "capital-first" else 0
    assert wf.by_tier is not None
    for k in range(rule.tiers):
        clause = deal.clause("distribution.loss_treatment").path if k < offset else \
            deal.clause("distribution.tiers").path
        for j, party in enumerate(rule.parties):
            vals = wf.by_tier[0, :, k, j]
            if np.any(vals != 0):
                label = "capital first" if k < offset else f"tier {k - offset + 1}"
                lines.append(FlowLine(party=party, project=project, kind=f"distribution, {label}",
                                      clause=clause, values=vals.copy()))
    if rule.loss_treatment == "host-clawback":
        for j, party in enumerate(rule.parties):
            vals = wf.clawback[0, :, j]
            if np.any(vals != 0):
                lines.append(FlowLine(party=party, project=project, kind="loss clawback",
                                      clause=deal.clause("distribution.loss_treatment").path,
                                      values=vals.copy()))


def _diversion(deal: TermSheet, sched: Schedule, start: int, n: int,
               lines: list[FlowLine]) -> None:
    """Korea MOU: the US takes the investor's distributions until an unfunded amount is made up."""
    if not deal.value("non_funding.distribution_diversion"):
        return
    investor, host = deal.investor, deal.host
    tranches = {t.id: t for t in deal.tranches}
    lag = deal.clause("timeline.funding_lag")
    owed = np.zeros(n)
    for ps in sched.projects:
        if ps.status != "declined":
            continue
        own = sum(s for tid, s in ps.shares.items()
                  if tranches[tid].value("funded_by") == investor)
        due = earliest_funding_date(ps.project.notice_date.value, lag=int(lag.value),
                                    unit=lag.unit, calendar=str(deal.value("timeline.funding_calendar")))
        col = min(max(month_of(due) - start, 0), n - 1)
        owed[col] += own * float(ps.project.capex.value)
    if not owed.any():
        return
    receipts = np.zeros(n)
    for line in lines:
        if line.party == investor and line.kind.startswith("distribution"):
            receipts += line.values
    diverted = np.zeros(n)
    outstanding = 0.0
    for t in range(n):
        outstanding += owed[t]
        take = min(max(receipts[t], 0.0), outstanding)
        diverted[t] = take
        outstanding -= take
    clause = deal.clause("non_funding.distribution_diversion").path
    lines.append(FlowLine(party=investor, project=POOL, kind="diverted to host", clause=clause,
                          values=-diverted))
    lines.append(FlowLine(party=host, project=POOL, kind="diverted to host", clause=clause,
                          values=diverted))
