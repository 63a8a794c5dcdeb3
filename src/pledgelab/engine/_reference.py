"""The reference twin: the deal rules written plainly, one path at a time.

This module exists only as the test oracle (and the benchmark's baseline). It
implements the waterfall (``engine/_waterfall.py``) and the debt instruments
(``engine/_instruments.py``) again, in plain Python over scalars, with the
same signatures; :func:`run_reference` runs the per-path schedule (the scalar
``build_schedule``) with these instead of the
compiled loops, and assembles each path's flows in its own plain way.
``tests/engine/test_kernel.py`` requires the vectorised kernel (which the
deterministic engine also runs, with one path) to agree with it to 1e-9 on
random deals, pipelines and shocks. Nothing in the library calls it.
"""

from __future__ import annotations

import numpy as np

from pledgelab._months import month_of
from pledgelab.engine._deterministic import (
    POOL,
    FlowLine,
    RunResult,
    _debt_terms,
    guarantee_limits,
    horizon,
    rate_key,
)
from pledgelab.engine._governance import screen, screened_pipeline
from pledgelab.engine._instruments import DebtFlows, DebtTerms
from pledgelab.engine._schedule import NO_SHOCK, FxPath, Schedule, Shock, build_schedule, earliest_funding
from pledgelab.engine._waterfall import _EPS, WaterfallResult, WaterfallRule, compile_rule, deemed_rate
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet


class _Owed:
    """What the investor is owed under the deemed allocation amount, in plain words.

    ``not_due``: principal not yet fallen due (every principal for the compounding
    conventions); ``due``: deemed interest, and under ``per-period`` instalments, fallen due and
    unpaid; ``ahead``: per-period receipts beyond what was due, counted against later dues;
    ``capital``: principal for a ``principal`` hurdle.
    """

    def __init__(self, compounding: str) -> None:
        self.compounding = compounding
        self.not_due = self.due = self.ahead = self.capital = 0.0
        self.started = False

    def copy(self) -> _Owed:
        twin = _Owed(self.compounding)
        twin.not_due, twin.due, twin.ahead = self.not_due, self.due, self.ahead
        twin.capital, twin.started = self.capital, self.started
        return twin

    @property
    def schedule(self) -> bool:
        return self.compounding == "per-period"

    def accrue(self, annual: float) -> None:
        if self.compounding == "annual-effective":
            self.due += (self.not_due + self.due) * ((1 + annual) ** (1 / 12) - 1)
        elif self.compounding in ("simple", "per-period"):
            self.due += self.not_due * annual / 12
        else:
            self.due += (self.not_due + self.due) * annual / 12

    def fall_due(self, t: int, last: int, cash_now: float) -> None:
        """Per-period: from the first month with cash, the principal not yet due is spread evenly
        over the months left to the project's last month; a credit pays what falls due."""
        if not self.schedule:
            return
        self.started = self.started or cash_now > 0
        if self.started:
            months_left = last - t + 1
            part = self.not_due if months_left <= 1 else self.not_due / months_left
            self.not_due -= part
            self.due += part
        used = min(self.ahead, self.due)
        self.ahead -= used
        self.due -= used

    def hurdle_left(self, hurdle: str) -> float:
        if hurdle == "principal":
            return self.capital
        return self.due if self.schedule else self.not_due + self.due

    def unrecovered(self) -> float:
        return self.not_due + self.due - self.ahead

    def receive(self, amount: float) -> None:
        to_due = min(amount, self.due)
        self.due -= to_due
        if self.schedule:
            self.ahead += amount - to_due
        else:
            self.not_due = max(self.not_due - (amount - to_due), 0.0)
        self.capital = max(self.capital - amount, 0.0)

    def met(self, hurdle: str) -> None:
        if hurdle == "principal":
            self.capital = 0.0
        else:
            self.due = 0.0
            if not self.schedule:
                self.not_due = 0.0


def _split(owed: _Owed, tiers: list[tuple[list[float], str]], investor: int, cash: float,
           tol: float) -> list[float]:
    """Run one month's cash down the tiers; returns what each tier takes (before shares)."""
    taken = []
    for shares, hurdle in tiers:
        s_inv = shares[investor]
        if hurdle == "end":
            x, need = cash, 0.0
        else:
            left = owed.hurdle_left(hurdle)
            need = left / (s_inv if s_inv > 0 else 1.0) if left > tol else 0.0
            x = min(cash, need)
        owed.receive(x * s_inv)
        if hurdle != "end" and need > 0 and x >= need:
            owed.met(hurdle)
        cash -= x
        taken.append(x)
    return taken


def _evidently_short(owed: _Owed, tiers: list[tuple[list[float], str]], investor: int,
                     outlook: list[float], t: int, deadline: int, last: int, annual: float,
                     tol: float) -> bool:
    """The projected review: the tiers as written run on the outlook from month ``t`` to the start
    of month ``deadline`` (rate held at ``annual``, no new capital); still owed then?"""
    ahead = owed.copy()
    for m in range(t, deadline):
        _split(ahead, tiers, investor, outlook[m] if m < len(outlook) else 0.0, tol)
        ahead.accrue(annual)
        nxt = outlook[m + 1] if m + 1 < len(outlook) else 0.0
        ahead.fall_due(m + 1, last, nxt)
    return ahead.unrecovered() > tol


def waterfall_plain(rule: WaterfallRule, contributions: np.ndarray, cash: np.ndarray,
                    annual_rate: np.ndarray | float, final_month: int | np.ndarray, *,
                    detail: bool = True, outlook: np.ndarray | None = None,
                    **_: object) -> WaterfallResult:
    """The waterfall for one path, month by month, tier by tier."""
    contrib = [float(x) for x in np.ravel(contributions)]
    flows = [float(x) for x in np.ravel(cash)]
    expected = flows if outlook is None else [float(x) for x in np.ravel(outlook)]
    months = len(flows)
    rates = np.broadcast_to(np.ravel(np.asarray(annual_rate, dtype=float)), (months,))
    final = int(np.ravel(np.asarray(final_month))[0])
    tiers = [(list(rule.shares[k]), rule.hurdles[k]) for k in range(rule.tiers)]
    adjusted_shares = None if rule.adjust_shares is None else list(rule.adjust_shares)
    parties = len(rule.parties)
    by_tier = np.zeros((1, months, rule.tiers, parties))
    claw = np.zeros((1, months, parties))
    balance = np.zeros((1, months))
    owed = _Owed(rule.compounding)
    contributed = host_received = 0.0
    first = recovered = review_month = -1
    triggered = adjusted = reviewed = False
    for t in range(months):
        r = float(rates[t])
        owed.accrue(r)
        c = contrib[t]
        if c > 0 and first < 0:
            first = t
        owed.not_due += c
        owed.capital += c
        contributed += c
        tol = _EPS * max(contributed, 1.0)
        if first >= 0:
            owed.fall_due(t, final, flows[t])
        if rule.review_horizon is not None and first >= 0 and not reviewed:
            deadline = first + rule.review_horizon
            if rule.review_reading == "projected":
                test = first < t <= deadline and \
                    ((t - first) % rule.review_interval == 0 or t == deadline)
                short = test and _evidently_short(owed, tiers, rule.investor, expected, t, deadline,
                                                  final, r, tol)
            else:
                test = t == deadline
                short = test and owed.unrecovered() > tol
            if short or (test and t == deadline):
                review_month, reviewed = t, True
            if short:
                triggered = True
                adjusted = adjusted_shares is not None
        live = tiers
        if adjusted:
            assert adjusted_shares is not None
            live = [(adjusted_shares if h != "end" else sh, h) for sh, h in tiers]
        taken = _split(owed, live, rule.investor, flows[t], tol)
        for k, x in enumerate(taken):
            for q in range(parties):
                by_tier[0, t, k, q] = x * live[k][0][q]
            host_received += x * live[k][0][rule.host]
        owed_now = owed.unrecovered()
        if recovered < 0 and first >= 0 and owed_now <= tol:
            recovered = t
        if recovered >= 0 and owed_now > tol:
            recovered = -1
        if rule.loss_treatment == "host-clawback" and t == final:
            back = min(owed.capital, host_received)
            claw[0, t, rule.host] -= back
            claw[0, t, rule.investor] += back
            owed.capital -= back
            host_received -= back
        balance[0, t] = max(owed_now, 0.0) if owed.schedule else owed_now
    paid = by_tier.sum(axis=2)
    return WaterfallResult(by_tier=by_tier, paid=paid, clawback=claw, balance=balance,
                           recovered=np.array([recovered]), review_month=np.array([review_month]),
                           review_triggered=np.array([triggered]))


def _allowed(term: DebtTerms, start: float, k: int) -> float:
    """Balance the amortisation schedule allows after ``k + 1`` payments."""
    n = term.tenor
    if term.amortisation == "linear":
        return start * max(0.0, 1.0 - (k + 1) / n)
    if term.amortisation == "bullet":
        return start if k + 1 < n else 0.0
    paid = min(max(k + 1, 0), n)
    i = term.rate / 12
    if i == 0:
        return start * (1 - paid / n)
    g = (1 + i) ** n
    return start * (g - (1 + i) ** paid) / (g - 1)


def debt_plain(terms: list[DebtTerms], draws: np.ndarray, operating: np.ndarray,
               cod: int | np.ndarray, end: int | np.ndarray, *, room: list[float] | None = None,
               total: list[float] | None = None) -> DebtFlows:
    """Debt service for one path, month by month; ``room`` (by tranche) and ``total`` (one entry)
    are what is left of the guarantee limits, reduced in place by the calls."""
    n_tr = len(terms)
    room = [float("inf")] * n_tr if room is None else room
    overall = [float("inf")] if total is None else total
    called_before = [0.0] * n_tr  # arrears already called on (or refused at a limit)

    def call_on(j: int, missed: float) -> float:
        c = min(missed * terms[j].coverage, room[j], overall[0]) \
            if terms[j].coverage > 0 and missed > 0 else 0.0
        room[j] -= c
        overall[0] -= c
        return c

    months = operating.shape[1]
    cod_i, end_i = int(np.ravel(cod)[0]), int(np.ravel(end)[0])
    out = {name: np.zeros((n_tr, 1, months)) for name in ("service", "fees", "written", "calls", "bal")}
    equity = np.array(operating, dtype=float)
    balance = [0.0] * n_tr
    start = [0.0] * n_tr
    for m in range(min(months, end_i + 1)):
        interest = [balance[j] * terms[j].rate / 12 for j in range(n_tr)]
        balance = [balance[j] + float(draws[j, 0, m]) for j in range(n_tr)]
        if m < cod_i:
            balance = [balance[j] + interest[j] for j in range(n_tr)]
            for j in range(n_tr):
                out["bal"][j, 0, m] = balance[j]
            continue
        if m == cod_i:
            start = list(balance)
        due = [interest[j] + max(balance[j] - (0.0 if terms[j].balloon and m == end_i else
                                               _allowed(terms[j], start[j], m - cod_i)), 0.0)
               for j in range(n_tr)]
        fee_due = [balance[j] * terms[j].fee / 12 for j in range(n_tr)]
        total_due = sum(due) + sum(fee_due)
        cash = float(equity[0, m])
        ratio = min(1.0, cash / total_due) if total_due > 0 else 0.0
        paid = [d * ratio for d in due]
        fees = [f * ratio for f in fee_due]
        for j in range(n_tr):
            out["service"][j, 0, m] = paid[j]
            out["fees"][j, 0, m] = fees[j]
            arrears = due[j] - paid[j]
            call = call_on(j, max(arrears - called_before[j], 0.0))
            called_before[j] = max(arrears - call, 0.0)
            out["calls"][j, 0, m] = call
            balance[j] = balance[j] + interest[j] - paid[j] - call
        equity[0, m] = cash - sum(paid) - sum(fees)
        if m == end_i:
            for j in range(n_tr):
                out["written"][j, 0, m] = balance[j]
                out["calls"][j, 0, m] += call_on(j, balance[j] - called_before[j])
                balance[j] = 0.0
        for j in range(n_tr):
            out["bal"][j, 0, m] = balance[j]
    return DebtFlows(service=out["service"], fees=out["fees"], written_off=out["written"],
                     guarantee_calls=out["calls"], balance=out["bal"], equity_cash=equity)


def run_reference(deal: TermSheet, pipeline: Pipeline, *, shocks: dict[str, Shock] | None = None,
                  benchmark: np.ndarray | None = None, fx: FxPath | None = None,
                  review_outlook: str = "plan") -> RunResult:
    """One path of ``deal`` over ``pipeline``, every rule written plainly.

    The scalar schedule (``build_schedule``), the plain waterfall and debt above,
    and a per-path assembly of the flows. ``shocks`` (by project id) and
    ``benchmark`` (rate per year by month from the run's first month) realise a
    Monte Carlo path; without them this is the plan. ``fx`` applies the FX
    safeguard on the path (in the scalar schedule). A projected review reads, with
    ``review_outlook="plan"``, each waterfall's cash in the plan (this function without shocks,
    benchmark or FX), each project's moved to the month it starts operating on the path (nothing
    for a project abandoned on the path); with ``"own"``, the path's own cash (perfect foresight).
    """
    result, _, cods = _run(deal, pipeline, shocks, benchmark, fx, None)
    if review_outlook == "own" or deal.value("distribution.review_horizon") is None or \
            not _projected(deal):
        return result
    _, plan_parts, plan_cods = _run(deal, pipeline, None, None, None, None)
    expected: dict[tuple[str, str], list[float]] = {}
    for (key_p, tid), _wf in result.waterfalls.items():
        row = [0.0] * result.months
        for (pid, t), plan_cash in plan_parts.items():
            on_path, in_plan = cods.get(pid), plan_cods[pid]
            if t != tid or (pid != key_p and key_p != POOL) or on_path is None or in_plan is None:
                continue
            plan_start, plan_cod = in_plan
            path_start, path_cod = on_path
            for m in range(result.months):  # absolute month path_start + m shows the plan's month
                k = path_start + m - (path_cod - plan_cod) - plan_start
                if 0 <= k < len(plan_cash):
                    row[m] += float(plan_cash[k])
        expected[(key_p, tid)] = row
    result, _, _ = _run(deal, pipeline, shocks, benchmark, fx, expected)
    return result


def _projected(deal: TermSheet) -> bool:
    return "distribution.review_reading" in deal.clauses and \
        deal.value("distribution.review_reading") == "projected"


def _run(deal: TermSheet, pipeline: Pipeline, shocks: dict[str, Shock] | None,
         benchmark: np.ndarray | None, fx: FxPath | None,
         expected: dict[tuple[str, str], list[float]] | None
         ) -> tuple[RunResult, dict[tuple[str, str], np.ndarray], dict[str, tuple[int, int] | None]]:
    """:func:`run_reference` with the outlooks given (None: the rows' own cash); also returns each
    (project, tranche)'s waterfall cash and each project's (first month, operating start), None
    where abandoned."""
    waterfall, debt = waterfall_plain, debt_plain
    shocks = shocks or {}
    verdicts = screen(deal, pipeline)
    pipeline = screened_pipeline(deal, pipeline, verdicts)
    sched = build_schedule(deal, pipeline, shocks, fx)
    tranches = {t.id: t for t in deal.tranches}
    investor, host = deal.investor, deal.host
    vehicle_pacing = deal.value("timeline.pacing") != "as-called"
    financed = sched.financed()
    start, stop = horizon(sched)
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
    limit, overall = guarantee_limits(deal)
    room_left = dict(limit)
    total_left = [overall]
    parts: dict[tuple[str, str], np.ndarray] = {}
    cods: dict[str, tuple[int, int] | None] = {}
    covered: dict[str, np.ndarray] = {tid: np.zeros(n) for tid in limit}
    called: dict[str, np.ndarray] = {tid: np.zeros(n) for tid in limit}
    for ps in financed:
        proj = ps.project
        assert ps.cod is not None and ps.end is not None
        cods[proj.id] = None if ps.abandoned is not None else (start, ps.cod)
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
        if ps.beyond:  # amount.overrun_payer: the host pays what the investor's agreed amount cannot
            over = arr(ps.beyond)
            own = sum(s for tid, s in ps.shares.items() if tranches[tid].value("funded_by") == investor)
            for tid, s in ps.shares.items():
                if tranches[tid].value("funded_by") == investor:
                    draws[tid] = draws[tid] - over * s / own
            lines.append(FlowLine(party=host, project=proj.id, kind="capital call",
                                  clause=deal.clause("amount.overrun_payer").path, values=-over))
        for tid, d in draws.items():
            tr = tranches[tid]
            funder = str(tr.value("funded_by"))
            if vehicle_pacing and funder == investor:
                vehicle_draws += d  # paid from the vehicle, which the instalments fund
                continue
            lines.append(FlowLine(party=funder, project=proj.id, kind="capital call",
                                  clause=tr.clauses["funded_by"].path, values=-d))
        room = [room_left.get(t, float("inf")) for t in debt_ids]
        life = int(proj.params["life_years"].value) * 12
        dflows = debt([_debt_terms(tranches[t], life) for t in debt_ids],
                          np.array([draws[t][None, :] for t in debt_ids]).reshape(
                              len(debt_ids), 1, n),
                          operating[None, :], ps.cod - start, ps.end - start, room=room,
                          total=total_left)
        for j, tid in enumerate(debt_ids):
            if tid in room_left:
                room_left[tid] = room[j]
                covered[tid] += float(tranches[tid].value("coverage")) * dflows.balance[j, 0]
                called[tid] += dflows.guarantee_calls[j, 0]
        for j, tid in enumerate(debt_ids):
            tr = tranches[tid]
            funder = str(tr.value("funded_by"))
            lines.append(FlowLine(party=funder, project=proj.id, kind="debt service",
                                  clause=tr.clauses[rate_key(tr)].path, values=dflows.service[j, 0]))
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
            if dest == "waterfall":
                parts[(proj.id, tid)] = part
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
    back_at = n - 1  # undeployed vehicle cash comes back in the run's last month ...
    if deal.value("timeline.pacing") != "as-called" and \
            deal.value("timeline.undeployed_cash") == "returned-when-idle":
        # ... or when every financed project's last call is funded and every instalment paid
        done = [ps.abandoned if ps.abandoned is not None else ps.completion for ps in financed]
        if all(d is not None for d in done):
            last_paid = max(list(sched.instalments) or [start])
            back_at = max([d for d in done if d is not None] + [last_paid]) - start
    if vehicle_pacing:
        returned[back_at] = sched.vehicle_left
    balance = np.cumsum(arr(sched.instalments) + interest - vehicle_draws - returned)
    guaranteed = np.zeros(n)
    for t in range(n):  # undrawn cover at month end, within what the calls so far left of each limit
        all_called = 0.0
        for tid in covered:
            so_far = float(called[tid][: t + 1].sum())
            guaranteed[t] += min(covered[tid][t], max(limit[tid] - so_far, 0.0))
            all_called += so_far
        guaranteed[t] = min(guaranteed[t], max(overall - all_called, 0.0))
    result = RunResult(deal=deal, pipeline=pipeline, schedule=sched, start=start, lines=lines,
                       project_cash=project_cash, vehicle_interest=interest,
                       vehicle_balance=balance, rate=rate, guaranteed=guaranteed,
                       screen=verdicts)
    rates: np.ndarray | float = rate
    if benchmark is not None:
        spread = float(deal.value("distribution.deemed_spread"))
        rates = np.asarray(benchmark[:n], dtype=np.float64) + spread
    for key_p, tid, contrib, cash, final in wf_inputs:
        seen = None if expected is None else np.array(expected[(key_p, tid)])[None, :]
        wf = waterfall(rule, contrib[None, :], cash[None, :], rates, final, outlook=seen)
        result.waterfalls[(key_p, tid)] = wf
        _waterfall_lines(deal, rule, wf, key_p, lines)
    if vehicle_pacing:
        lines.append(FlowLine(party=investor, project=POOL, kind="instalment",
                              clause=deal.clause("timeline.pacing").path,
                              values=-arr(sched.instalments)))
        left = np.zeros(n)
        left[back_at] = sched.vehicle_left
        keeper = host if deal.value("timeline.undeployed_cash") == "retained-by-host" else investor
        lines.append(FlowLine(party=keeper, project=POOL, kind="undeployed vehicle cash",
                              clause=deal.clause("timeline.undeployed_cash").path, values=left))
    _diversion(deal, sched, start, n, lines)
    return result, parts, cods


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
    owed = np.zeros(n)
    for ps in sched.projects:
        if ps.status != "declined":
            continue
        own = sum(s for tid, s in ps.shares.items()
                  if tranches[tid].value("funded_by") == investor)
        due = earliest_funding(deal, ps.project.notice_date.value)
        col = month_of(due) - start
        if col < n:  # due after the run's last month: nothing left to divert
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
