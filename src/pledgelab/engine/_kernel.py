"""The path-vectorised kernel: many paths of one deal at once — and the deterministic engine.

Applies the term sheet's rules to arrays of shape (paths, months): the
schedule's month loop with one state per path (compiled), the debt of
:mod:`pledgelab.engine._instruments` and the waterfall of
:mod:`pledgelab.engine._waterfall` (compiled), and the routing of every flow to
its party. The deterministic engine is this kernel with one path and no
shocks, run with ``trace=True`` so each flow keeps its project and clause.
Its test oracle is the plain per-path reference twin,
:mod:`pledgelab.engine._reference`; ``tests/engine/test_kernel.py`` holds the
two equal.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
from numba import njit

from pledgelab._errors import ArgumentError, InputWarning
from pledgelab._limits import check
from pledgelab._months import month_of
from pledgelab.drivers import Draws
from pledgelab.engine._deterministic import (
    CONTRIBUTIONS,
    POOL,
    FlowLine,
    _debt_terms,
    guarantee_limits,
    horizon,
    rate_key,
)
from pledgelab.engine._fused import EquityOut, EquityPaths, equity_plan, fusable, route_equity
from pledgelab.engine._fxrule import EXP_CAP, FxRecord, FxRule
from pledgelab.engine._governance import screened_pipeline
from pledgelab.engine._instruments import debt_flows
from pledgelab.engine._schedule import (
    OVERRUN_CLAUSE,
    SLACK,
    ProjectSchedule,
    Schedule,
    agreed_amount,
    build_schedule,
    earliest_funding,
    investor_share,
    overrun_reading,
    vehicle_plan,
)
from pledgelab.engine._waterfall import WaterfallResult, WaterfallRule, compile_rule, run_waterfall
from pledgelab.engine._windows import Spans, waterfall_windows
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet

_TOL = 1e-6  # dollars, as in the scalar schedule
_BIG = np.iinfo(np.int64).max // 4
EXTRA_MONTHS = 240  # months past the plan's last month that slipped or deferred projects are followed


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Everything about a simulation that does not depend on the path."""

    deal: TermSheet
    pipeline: Pipeline
    schedule: Schedule  # the scalar schedule of the plan (selection, shares, dates, events)
    start: int  # month index of column 0
    months: int  # horizon: the plan's run plus room for slips
    order: tuple[str, ...]  # all project ids, by notice date then id (the drivers' order)
    financed: tuple[ProjectSchedule, ...]
    rule: WaterfallRule
    fx_rule: FxRule | None = None  # the FX safeguard, live in the schedule (engine/_fxrule.py)

    @property
    def archetypes(self) -> list[str]:
        by_id = {p.id: p for p in self.pipeline.projects}
        return [by_id[i].archetype for i in self.order]

    @property
    def build_months(self) -> list[int]:
        by_id = {p.id: p for p in self.pipeline.projects}
        return [by_id[i].build_months for i in self.order]


def make_plan(deal: TermSheet, pipeline: Pipeline, *, extra_months: int = EXTRA_MONTHS,
              fx_rule: FxRule | None = None) -> Plan:
    """Compile the path-independent part of a run (selection, shares, dates, horizon).

    With ``fx_rule`` the FX safeguard is live in the schedule of every path
    (draws must then carry the rule's currency, and answers: ``Draws.safeguard_u``).
    """
    _check_arguments(deal, pipeline, extra_months)
    if fx_rule is not None:
        fx_rule.check(deal)
    pipeline = screened_pipeline(deal, pipeline)  # governance.screen_failure (engine/_governance.py)
    sched = build_schedule(deal, pipeline)
    start, stop = horizon(sched)
    check("run_months", stop - start + 1 + extra_months, field="months of the run")
    order = tuple(p.id for p in sorted(pipeline.projects, key=lambda p: (p.notice_date.value, p.id)))
    return Plan(deal=deal, pipeline=pipeline, schedule=sched, start=start,
                months=stop - start + 1 + extra_months, order=order,
                financed=tuple(sched.financed()), rule=compile_rule(deal), fx_rule=fx_rule)


def check_kinds(deal: TermSheet, pipeline: Pipeline) -> None:
    """An :class:`ArgumentError` naming the argument when ``deal`` or ``pipeline`` is not what a
    run takes (a deal id given as text, a number): before anything reads them."""
    if not isinstance(deal, TermSheet):
        raise ArgumentError.of("deal", "expected a TermSheet (pledgelab.load_deal), got "
                               f"{type(deal).__name__}")
    if not isinstance(pipeline, Pipeline):
        raise ArgumentError.of("pipeline", "expected a Pipeline (pledgelab.load_pipeline), got "
                               f"{type(pipeline).__name__}")


def _check_arguments(deal: TermSheet, pipeline: Pipeline, extra_months: int) -> None:
    """Refuse what no run can use (the wrong kinds, months cut off); warn of a deal run on another
    investor's pipeline (its projects were chosen for someone else's pledge)."""
    check_kinds(deal, pipeline)
    check("extra_months", extra_months)
    if pipeline.default_for and deal.investor not in pipeline.default_for:
        warnings.warn(f"{deal.id} (investor {deal.investor}) runs on pipeline {pipeline.id}, which is "
                      f"the pipeline of {', '.join(pipeline.default_for)}: its projects were chosen "
                      "for another pledge", InputWarning, stacklevel=3)


def no_shocks(plan: Plan, *, paths: int) -> Draws:
    """Draws that realise the plan exactly: the benchmark flat at the deal's clause."""
    n = len(plan.order)
    bench = float(plan.deal.value("distribution.deemed_benchmark"))
    return Draws(benchmark=np.full((paths, plan.months), bench), fx={},
                 capex_factor=np.ones((paths, n)), yield_factor=np.ones((paths, n)),
                 delay=np.zeros((paths, n), dtype=np.int64),
                 abandon_at=np.full((paths, n), -1, dtype=np.int64), recovery=np.zeros((paths, n)))


@dataclass(slots=True, kw_only=True)
class PathFlows:
    """Cash by party, path and month for a block of paths."""

    parties: tuple[str, ...]
    paid: np.ndarray  # (parties, paths, months): capital put in (negative)
    got: np.ndarray  # (parties, paths, months): everything else (net)
    project_cash: np.ndarray  # (paths, months)
    vehicle_interest: np.ndarray  # (paths, months)
    vehicle_balance: np.ndarray  # (paths, months)
    recovered: np.ndarray  # (paths, waterfalls): month the DAA was recovered, -1 never
    review_triggered: np.ndarray  # (paths, waterfalls)
    truncated: np.ndarray  # (paths,): a project's cash ran past the horizon
    trace: list[FlowLine] | None = None  # one path: every flow with its clause
    fx: FxRecord | None = None  # the FX safeguard's record, when the plan has one
    waterfalls: dict[tuple[str, str], WaterfallResult] = field(default_factory=dict)
    guaranteed: np.ndarray | None = None  # (paths, months): guarantees' undrawn cover within limits
    called: np.ndarray | None = None  # (paths,): guarantee calls the investor paid, all projects
    parts: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # trace: waterfall cash

    def net(self, party: str) -> np.ndarray:
        i = self.parties.index(party)
        return np.asarray(self.paid[i] + self.got[i])


def fx_inputs(plan: Plan, draws: Draws) -> tuple[np.ndarray, np.ndarray]:
    """The exchange-rate path and the host's answers (paths, months) the FX rule needs."""
    rule = plan.fx_rule
    assert rule is not None
    if rule.currency not in draws.fx:
        raise ValueError(f"the FX safeguard needs a {rule.currency} path; the drivers give: "
                         f"{', '.join(draws.fx) or 'none'}")
    level = draws.fx[rule.currency][:, : plan.months]
    if draws.safeguard_u is None:
        raise ValueError("the FX safeguard needs the host's answers (Draws.safeguard_u)")
    return level, draws.safeguard_u[:, : plan.months] < rule.acceptance


class _Sink:
    """Adds flows into paid/got by party; with one traced path, also keeps each line."""

    def __init__(self, parties: tuple[str, ...], n_paths: int, n_months: int, trace: bool) -> None:
        self.index = {p: i for i, p in enumerate(parties)}
        self.paid = np.zeros((len(parties), n_paths, n_months))
        self.got = np.zeros_like(self.paid)
        self.lines: list[FlowLine] | None = [] if trace else None
        self._part = np.empty((n_paths, n_months))  # reused: no temporary for each flow added

    def add(self, party: str, kind: str, values: np.ndarray, *, project: str, clause: str) -> None:
        i = self.index[party]
        if kind in CONTRIBUTIONS:
            np.add(self.paid[i], np.minimum(values, 0.0, out=self._part), out=self.paid[i])
            np.add(self.got[i], np.maximum(values, 0.0, out=self._part), out=self.got[i])
        else:
            np.add(self.got[i], values, out=self.got[i])
        if self.lines is not None:
            self.lines.append(FlowLine(party=party, project=project, kind=kind, clause=clause,
                                       values=np.array(values[0], dtype=np.float64)))


def run_paths(plan: Plan, draws: Draws, *, trace: bool = False) -> PathFlows:
    """Run every path of ``draws`` through the deal (vectorised over paths).

    With ``trace`` (one path only) every flow is also kept as a :class:`FlowLine`
    naming its project and clause, and each waterfall's detail by tier.
    """
    deal = plan.deal
    n_paths, n_months = draws.paths, plan.months
    if trace and n_paths != 1:
        raise ValueError("trace=True needs exactly one path")
    parties = tuple(deal.parties)
    sink = _Sink(parties, n_paths, n_months, trace)
    add = sink.add
    investor, host = deal.investor, deal.host
    tranches = {t.id: t for t in deal.tranches}
    col_of = {pid: i for i, pid in enumerate(plan.order)}
    fin = list(plan.financed)
    cols = np.array([col_of[ps.project.id] for ps in fin], dtype=np.int64)
    delay = draws.delay[:, cols] if fin else np.zeros((n_paths, 0), dtype=np.int64)
    cfac = draws.capex_factor[:, cols] if fin else np.zeros((n_paths, 0))
    yfac = draws.yield_factor[:, cols] if fin else np.zeros((n_paths, 0))
    aban = draws.abandon_at[:, cols] if fin else np.zeros((n_paths, 0), dtype=np.int64)
    reco = draws.recovery[:, cols] if fin else np.zeros((n_paths, 0))

    def per_project(a: np.ndarray | None, empty: int) -> np.ndarray:
        return np.full((n_paths, len(fin)), empty, dtype=np.int64) if a is None else \
            np.ascontiguousarray(a[:, cols], dtype=np.int64)

    pause_at, pause = per_project(draws.pause_at, -1), per_project(draws.pause, 0)
    startup = per_project(draws.startup, 0)
    calls, completion, abandoned, vehicle_interest, vehicle_balance, last_move, fx, beyond = _schedule(
        plan, fin, delay, cfac, aban, n_paths, n_months, draws, pause_at, pause)

    vehicle_pacing = deal.value("timeline.pacing") != "as-called"
    spread = float(deal.value("distribution.deemed_spread"))
    rates = draws.benchmark[:, :n_months] + spread
    pooled = deal.value("distribution.application") == "pooled"
    pool: dict[str, list[np.ndarray]] = {}
    pool_end = np.zeros(n_paths, dtype=np.int64)
    wf_in: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]] = []
    project_cash = np.zeros((n_paths, n_months))
    truncated = np.zeros(n_paths, dtype=bool)
    inv_dist = np.zeros((n_paths, n_months))
    ends = np.full((n_paths, max(len(fin), 1)), -1, dtype=np.int64)
    g_limit, g_total = guarantee_limits(deal)  # calls take from these, project by project
    g_room = {tid: np.full(n_paths, lim) for tid, lim in g_limit.items()}
    g_overall = np.full(n_paths, g_total)
    g_cover = {tid: np.zeros((n_paths, n_months)) for tid in g_limit}
    g_calls = {tid: np.zeros((n_paths, n_months)) for tid in g_limit}
    fused = not trace and fusable(deal, fin)
    spans: list[Spans] = []
    parts: dict[tuple[str, str], np.ndarray] = {}  # (project, tranche): its waterfall cash (trace)
    if fused:  # equity tranches only: all projects' routing in one compiled pass (engine/_fused.py)
        wf_in.extend(_route_fused(plan, fin, calls, beyond, completion, abandoned, startup, yfac, reco,
                                  sink, project_cash, truncated, ends, spans))
    for j, ps in enumerate([] if fused else fin):
        proj = ps.project
        capex = calls[:, j, :]
        life = int(proj.params["life_years"].value) * 12
        _, cod, end, unfinished = _operating_dates(completion[:, j], abandoned[:, j], startup[:, j], life)
        truncated |= unfinished | (end >= n_months)
        ends[:, j] = np.where(unfinished, n_months - 1, np.minimum(end, n_months - 1))
        ops = np.ascontiguousarray(proj.operating_cash(), dtype=np.float64)
        salvage = reco[:, j] * capex.sum(axis=1)
        operating = np.empty((n_paths, n_months))
        _operating(ops, np.minimum(cod, n_months), np.ascontiguousarray(yfac[:, j]), abandoned[:, j],
                   salvage, capex, operating, project_cash)
        debt_ids = [tid for tid in ps.shares if tranches[tid].is_debt]
        eq_ids = [tid for tid in ps.shares if not tranches[tid].is_debt]
        draws_t = {tid: capex * s for tid, s in ps.shares.items()}
        over = beyond[:, j, :]
        if over.any():  # amount.overrun_payer: the host pays the investor's share beyond its amount
            own = investor_share(deal, ps.shares, capped_only=False)
            for tid, s in ps.shares.items():
                if tranches[tid].value("funded_by") == investor:
                    draws_t[tid] = draws_t[tid] - over * (s / own)
            add(host, "capital call", -over, project=proj.id, clause=deal.clause(OVERRUN_CLAUSE).path)
        for tid, d in draws_t.items():
            tr = tranches[tid]
            funder = str(tr.value("funded_by"))
            if not (vehicle_pacing and funder == investor):  # else paid from the vehicle
                add(funder, "capital call", -d, project=proj.id, clause=tr.clauses["funded_by"].path)
        stacked = np.array([draws_t[t] for t in debt_ids]).reshape(len(debt_ids), n_paths, n_months)
        room = np.array([g_room.get(t, np.full(n_paths, np.inf)) for t in debt_ids]).reshape(
            len(debt_ids), n_paths)
        debt = debt_flows([_debt_terms(tranches[t], life) for t in debt_ids], stacked, operating, cod, end,
                          room=room, total=g_overall)
        for k, tid in enumerate(debt_ids):
            if tid in g_room:
                g_room[tid] = room[k]
                g_cover[tid] += float(tranches[tid].value("coverage")) * debt.balance[k]
                g_calls[tid] += debt.guarantee_calls[k]
        for k, tid in enumerate(debt_ids):
            tr = tranches[tid]
            funder = str(tr.value("funded_by"))
            add(funder, "debt service", debt.service[k], project=proj.id,
                clause=tr.clauses[rate_key(tr)].path)
            if tr.method == "guarantee":
                add(investor, "guarantee fee", debt.fees[k], project=proj.id,
                    clause=tr.clauses["fee"].path)
                add(investor, "guarantee call", -debt.guarantee_calls[k], project=proj.id,
                    clause=tr.clauses["coverage"].path)
                add(funder, "guarantee call", debt.guarantee_calls[k], project=proj.id,
                    clause=tr.clauses["coverage"].path)
        equity_cash = debt.equity_cash
        eq_total = sum(ps.shares[t] for t in eq_ids)
        if not eq_ids:
            add(host, "residual to owner", equity_cash, project=proj.id, clause="host")
        for tid in eq_ids:
            tr = tranches[tid]
            part = equity_cash * ps.shares[tid] / eq_total
            dest = str(tr.value("returns_to"))
            if trace and dest == "waterfall":
                parts[(proj.id, tid)] = part[0]
            if dest != "waterfall":
                add(dest, "own returns", part, project=proj.id, clause=tr.clauses["returns_to"].path)
            elif pooled:
                c, d = pool.get(tid, [np.zeros((n_paths, n_months)), np.zeros((n_paths, n_months))])
                pool[tid] = [c + draws_t[tid], d + part]
                pool_end = np.maximum(pool_end, end)
            else:
                wf_in.append((proj.id, tid, draws_t[tid], part, end))
    for tid in pool:
        c, d = pool[tid]
        wf_in.append((POOL, tid, c, d, pool_end))
    flows = PathFlows(parties=parties, paid=sink.paid, got=sink.got, project_cash=project_cash,
                      vehicle_interest=vehicle_interest, vehicle_balance=vehicle_balance,
                      recovered=np.zeros((n_paths, 0), dtype=np.int64),
                      review_triggered=np.zeros((n_paths, 0), dtype=bool), truncated=truncated,
                      fx=fx, guaranteed=_undrawn(g_cover, g_calls, g_limit, g_total, (n_paths, n_months)),
                      called=sum((c.sum(axis=1) for c in g_calls.values()), np.zeros(n_paths)))
    if trace:
        _traced_waterfalls(plan, wf_in, rates, sink, flows, inv_dist)
    elif wf_in:
        # every waterfall of every path, each over the months where it can act: rows are (waterfall, path)
        n_wf = len(wf_in)
        wf = waterfall_windows(plan.rule, [(w[2], w[3], w[4]) for w in wf_in], np.ascontiguousarray(rates),
                               spans if fused else None,
                               _review_outlooks(plan, fin, wf_in, completion, abandoned, startup))
        for i, party in enumerate(plan.rule.parties):
            add(party, "distribution", wf.paid[:, :, i] + wf.clawback[:, :, i], project=POOL,
                clause=deal.clause("distribution.tiers").path)
        inv_dist += wf.paid[:, :, plan.rule.investor]
        flows.recovered = wf.recovered.reshape(n_wf, n_paths).T
        flows.review_triggered = wf.review_triggered.reshape(n_wf, n_paths).T
    if vehicle_pacing:
        inst = _instalments(plan, n_months)
        add(investor, "instalment", np.broadcast_to(-inst, (n_paths, n_months)).copy(), project=POOL,
            clause=deal.clause("timeline.pacing").path)
        last = _last_month(plan, calls, ends, abandoned, inst, vehicle_interest, last_move)
        rule_u = deal.value("timeline.undeployed_cash")
        keeper = host if rule_u == "retained-by-host" else investor
        if rule_u == "returned-when-idle":  # the month the vehicle's last call is funded, if any
            idle = _idle_month(completion, abandoned, inst)
            last = np.where(idle >= 0, idle, last)
        back = np.zeros((n_paths, n_months))
        back[np.arange(n_paths), last] = vehicle_balance[:, -1]
        add(keeper, "undeployed vehicle cash", back, project=POOL,
            clause=deal.clause("timeline.undeployed_cash").path)
        flows.vehicle_balance = vehicle_balance - np.cumsum(back, axis=1)
    _diversion(plan, inv_dist, add)
    flows.trace = sink.lines
    flows.parts = parts
    return flows


_PLAN_PARTS: dict[int, tuple[Plan, dict[tuple[str, str], np.ndarray]]] = {}  # id(plan) -> parts


def _review_outlooks(plan: Plan, fin: list[ProjectSchedule],
                     wf_in: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]],
                     completion: np.ndarray, abandoned: np.ndarray, startup: np.ndarray
                     ) -> list[np.ndarray | None] | None:
    """What the reviewers expect at a projected review (docs/engine.md, the review clause): for each
    waterfall, the plan's distributable cash of its project(s) (the run without shocks or the FX
    safeguard), each project's moved to the month it starts operating on the path; a project
    abandoned or unfinished on the path adds nothing. None where the rule has no projected review."""
    rule = plan.rule
    if rule.review_reading != "projected" or rule.review_horizon is None:
        return None
    cached = _PLAN_PARTS.get(id(plan))
    if cached is None or cached[0] is not plan:
        bare = replace(plan, fx_rule=None)
        cached = (plan, run_paths(bare, no_shocks(bare, paths=1), trace=True).parts)
        if len(_PLAN_PARTS) >= 8:
            _PLAN_PARTS.pop(next(iter(_PLAN_PARTS)))
        _PLAN_PARTS[id(plan)] = cached
    parts = cached[1]
    n_paths, n_months = completion.shape[0], plan.months
    shifts: dict[str, np.ndarray] = {}  # per project: months from the plan's start to the path's
    for j, ps in enumerate(fin):
        life = int(ps.project.params["life_years"].value) * 12
        _, cod, _, unfinished = _operating_dates(completion[:, j], abandoned[:, j], startup[:, j], life)
        assert ps.cod is not None
        shifts[ps.project.id] = np.where((abandoned[:, j] >= 0) | unfinished, _BIG,
                                         cod - (ps.cod - plan.start))
    out: list[np.ndarray | None] = []
    for key_p, tid, *_ in wf_in:
        seen = np.zeros((n_paths, n_months))
        for (pid, t), cash in parts.items():
            if t != tid or (pid != key_p and key_p != POOL):
                continue
            for p, sh in enumerate(shifts[pid].tolist()):
                if sh >= n_months or sh <= -n_months:
                    continue
                if sh >= 0:
                    seen[p, sh:] += cash[: n_months - sh]
                else:
                    seen[p, : n_months + sh] += cash[-sh:]
        out.append(seen)
    return out


def _operating_dates(completion: np.ndarray, abandoned: np.ndarray, startup: np.ndarray, life: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per path, for one project: abandoned or not, the first and the last operating month
    (``_BIG`` while unfinished; the month abandoned when abandoned), and unfinished or not."""
    is_ab = abandoned >= 0
    unfinished = (completion < 0) & ~is_ab
    cod = np.where(is_ab, abandoned, np.where(unfinished, _BIG, completion + 1 + startup))
    end = np.where(is_ab, abandoned, np.where(unfinished, _BIG, cod + life - 1))
    return is_ab, cod, end, unfinished


def _route_fused(plan: Plan, fin: list[ProjectSchedule], calls: np.ndarray, beyond: np.ndarray,
                 completion: np.ndarray, abandoned: np.ndarray, startup: np.ndarray, yfac: np.ndarray,
                 reco: np.ndarray, sink: _Sink, project_cash: np.ndarray, truncated: np.ndarray,
                 ends: np.ndarray, spans: list[Spans]
                 ) -> list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]]:
    """``run_paths``' project loop for an all-equity deal (:func:`pledgelab.engine._fused.fusable`),
    compiled: fills ``sink``, ``project_cash``, ``truncated`` and ``ends``, and returns the
    waterfalls' inputs in the loop's order (their spans of months appended to ``spans``)."""
    n_paths, n_fin, n_months = calls.shape
    eplan, rows = equity_plan(plan.deal, fin)
    cod = np.empty((n_paths, n_fin), dtype=np.int64)
    salvage = np.empty((n_paths, n_fin))
    end_of = []
    for j in range(n_fin):
        _, c, end, unfinished = _operating_dates(completion[:, j], abandoned[:, j], startup[:, j],
                                                 int(eplan.life[j]))
        truncated |= unfinished | (end >= n_months)
        ends[:, j] = np.where(unfinished, n_months - 1, np.minimum(end, n_months - 1))
        cod[:, j] = np.minimum(c, n_months)
        salvage[:, j] = reco[:, j] * calls[:, j, :].sum(axis=1)
        end_of.append(end)
    wf_contrib = np.zeros((len(rows), n_paths, n_months))
    wf_cash = np.zeros((len(rows), n_paths, n_months))
    first = np.full((len(rows), n_paths), n_months, dtype=np.int64)
    last = np.full((len(rows), n_paths), -1, dtype=np.int64)
    put = np.full((len(rows), n_paths), -1, dtype=np.int64)
    route_equity(eplan, EquityPaths(calls=calls, beyond=beyond, cod=cod, yfac=np.ascontiguousarray(yfac),
                                    abandoned=np.ascontiguousarray(abandoned), salvage=salvage),
                 EquityOut(paid=sink.paid, got=sink.got, project_cash=project_cash, wf_contrib=wf_contrib,
                           wf_cash=wf_cash, wf_first=first, wf_last=last, wf_put=put))
    spans.extend((first[r], last[r], put[r]) for r in range(len(rows)))
    return [(fin[j].project.id, tid, wf_contrib[r], wf_cash[r], end_of[j]) for r, (j, tid) in enumerate(rows)]


def _idle_month(completion: np.ndarray, abandoned: np.ndarray, inst: np.ndarray) -> np.ndarray:
    """Per path, the month from which the vehicle is idle (``undeployed_cash: returned-when-idle``):
    every financed project's last call funded (or the project abandoned) and every instalment paid;
    -1 where a project is never finished within the horizon."""
    done = np.maximum(completion, abandoned)  # (paths, projects): -1 while unfinished
    last_inst = int(np.flatnonzero(inst).max()) if inst.any() else -1
    idle = np.maximum(done.max(axis=1, initial=-1), last_inst)
    return np.asarray(np.where((done >= 0).all(axis=1), idle, -1))


def _undrawn(cover: dict[str, np.ndarray], calls: dict[str, np.ndarray], limit: dict[str, float],
             total: float, shape: tuple[int, int]) -> np.ndarray:
    """The guarantees' undrawn cover at each month end: coverage x the guaranteed balances, within
    what the calls made so far (all projects, in time order) leave of each limit and the overall one."""
    out = np.zeros(shape)
    called = np.zeros(shape)
    for tid in cover:
        done = np.cumsum(calls[tid], axis=1)
        out += np.minimum(cover[tid], np.maximum(limit[tid] - done, 0.0))
        called += done
    return np.minimum(out, np.maximum(total - called, 0.0))


def _traced_waterfalls(plan: Plan, wf_in: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]],
                       rates: np.ndarray, sink: _Sink, flows: PathFlows, inv_dist: np.ndarray) -> None:
    """One path: each waterfall on its own, its tiers and clawback as separate lines."""
    deal, rule = plan.deal, plan.rule
    offset = 1 if rule.loss_treatment == "capital-first" else 0
    recovered, review = [], []
    for key_p, tid, contrib, cash, end in wf_in:
        wf = run_waterfall(rule, contrib, cash, rates, end, detail=True)
        assert wf.by_tier is not None
        flows.waterfalls[(key_p, tid)] = wf
        for k in range(rule.tiers):
            clause = deal.clause("distribution.loss_treatment" if k < offset else
                                 "distribution.tiers").path
            label = "capital first" if k < offset else f"tier {k - offset + 1}"
            for i, party in enumerate(rule.parties):
                if np.any(wf.by_tier[0, :, k, i] != 0):
                    sink.add(party, f"distribution, {label}", wf.by_tier[:, :, k, i], project=key_p,
                             clause=clause)
        for i, party in enumerate(rule.parties):
            if np.any(wf.clawback[0, :, i] != 0):
                sink.add(party, "loss clawback", wf.clawback[:, :, i], project=key_p,
                         clause=deal.clause("distribution.loss_treatment").path)
        inv_dist += wf.paid[:, :, rule.investor]
        recovered.append(wf.recovered)
        review.append(wf.review_triggered)
    if recovered:
        flows.recovered = np.stack(recovered, axis=1)
        flows.review_triggered = np.stack(review, axis=1)


def _instalments(plan: Plan, n_months: int) -> np.ndarray:
    """The vehicle's instalments (:func:`~pledgelab.engine._schedule.vehicle_plan`) by column."""
    inst = np.zeros(n_months)
    for m, v in plan.schedule.instalments.items():
        inst[m - plan.start] += v
    return inst


def _schedule(plan: Plan, fin: list[ProjectSchedule], delay: np.ndarray, cfac: np.ndarray,
              aban: np.ndarray, n_paths: int, n_months: int, draws: Draws, pause_at: np.ndarray,
              pause: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                         FxRecord | None, np.ndarray]:
    """The schedule's month loop (see engine/_schedule.py) with one state per path."""
    deal = plan.deal
    cap = deal.value("timeline.annual_cap")
    n = len(fin)
    a_frac = np.array([investor_share(deal, ps.shares, capped_only=True) for ps in fin])
    v_frac = np.array([investor_share(deal, ps.shares, capped_only=False) for ps in fin])
    builds = [ps.project.capex_by_build_month() for ps in fin]
    n_build = np.array([len(b) for b in builds], dtype=np.int64)
    wmax = int(n_build.max()) if n else 1
    weights = np.zeros((n, wmax + 1))
    for j, b in enumerate(builds):
        weights[j, : len(b)] = b
    start0 = np.array([month_of(ps.funding_date) - plan.start for ps in fin  # type: ignore[arg-type]
                       ], dtype=np.int64)
    completion = np.full((n_paths, n), -1, dtype=np.int64)
    abandoned = np.full((n_paths, n), -1, dtype=np.int64)
    calls = np.zeros((n_paths, n, n_months))
    veh = vehicle_plan(deal)
    vehicle = veh is not None
    inst = _instalments(plan, n_months) if vehicle else np.zeros(n_months)
    last_inst = int(np.flatnonzero(inst).max()) if inst.any() else -1
    vrate = veh.monthly_rate if veh is not None else 0.0
    v_interest = np.zeros((n_paths, n_months))
    v_balance = np.zeros((n_paths, n_months))
    last_move = np.full(n_paths, -1, dtype=np.int64)
    rule = plan.fx_rule
    if rule is not None:
        level, accept = fx_inputs(plan, draws)
        level, accept = np.ascontiguousarray(level), np.ascontiguousarray(accept)
        before, caps = rule.segments()
        rec = FxRecord(rule=rule, level=level, pressure=np.full((n_paths, n_months), np.nan),
                       requests=np.zeros((n_paths, n_months), dtype=np.int8),
                       deferred=np.zeros((n_paths, n_months), dtype=np.bool_))
        thr, impact, window, max_def = rule.threshold, rule.impact, rule.window, rule.max_deferral
        max_total = rule.total_cap
    else:  # compiled with the same types either way; nothing of this is read
        level, accept = np.zeros((1, 1)), np.zeros((1, 1), dtype=np.bool_)
        before, caps = np.zeros(0), np.zeros(0)
        rec = None
        thr, impact, window, max_def = 0.0, 0.0, 1, 1
        max_total = 0
    reading = overrun_reading(deal)
    capped = 0 if reading == "investor-unlimited" or vehicle else (1 if reading == "host-beyond-cap" else 2)
    beyond = np.zeros((n_paths, n, n_months))
    out_p = rec.pressure if rec else np.zeros((1, 1))
    out_r = rec.requests if rec else np.zeros((1, 1), dtype=np.int8)
    out_d = rec.deferred if rec else np.zeros((1, 1), dtype=np.bool_)
    _schedule_paths(
        _CallPlan(start=plan.start, start0=start0, n_build=n_build, weights=weights, a_frac=a_frac,
                  v_frac=v_frac, has_cap=cap is not None, cap=float(cap) if cap is not None else 0.0,
                  vehicle=vehicle, inst=inst, last_inst=last_inst, vrate=vrate, capped=capped,
                  agreed=agreed_amount(deal, deal.investor)),
        _CallShocks(delay=np.ascontiguousarray(delay, dtype=np.int64), cfac=np.ascontiguousarray(cfac),
                    aban=np.ascontiguousarray(aban, dtype=np.int64), pause_at=pause_at, pause=pause),
        _FxInputs(on=rule is not None, requests=bool(rule.requests) if rule else False, level=level,
                  accept=accept, threshold=float(thr), impact=float(impact), window=int(window),
                  max_deferral=int(max_def), before=before, caps=caps, max_total=int(max_total),
                  forward=float(rule.forward) if rule else 0.0,
                  cut=rule is not None and rule.end_treatment == "renegotiated"),
        _CallsOut(calls=calls, completion=completion, abandoned=abandoned, v_interest=v_interest,
                  v_balance=v_balance, last_move=last_move, pressure=out_p, requests=out_r,
                  deferred=out_d, beyond=beyond))
    return calls, completion, abandoned, v_interest, v_balance, last_move, rec, beyond


def _last_month(plan: Plan, calls: np.ndarray, ends: np.ndarray, abandoned: np.ndarray,
                inst: np.ndarray, interest: np.ndarray, last_move: np.ndarray) -> np.ndarray:
    """Per path, the run's last month as the deterministic run defines it."""
    n_paths, _, n_months = calls.shape
    idx = np.arange(n_months)
    last = np.full(n_paths, -1, dtype=np.int64)
    any_call = calls.sum(axis=1) != 0
    last = np.maximum(last, np.where(any_call, idx[None, :], -1).max(axis=1))
    last = np.maximum(last, ends.max(axis=1))
    last = np.maximum(last, abandoned.max(axis=1) if abandoned.size else last)
    if inst.any():
        last = np.maximum(last, int(np.flatnonzero(inst).max()))
    last = np.maximum(last, np.where(interest != 0, idx[None, :], -1).max(axis=1))
    last = np.maximum(last, last_move)
    notices = [month_of(p.notice_date.value) - plan.start for p in plan.pipeline.projects]
    last = np.maximum(last, max(notices))
    return np.asarray(np.minimum(last, n_months - 1))


def _diversion(plan: Plan, inv_dist: np.ndarray, add: Callable[..., None]) -> None:
    """The non-funding diversion, per path (see engine/_deterministic.py)."""
    deal = plan.deal
    if not deal.value("non_funding.distribution_diversion"):
        return
    n_paths, n_months = inv_dist.shape
    tranches = {t.id: t for t in deal.tranches}
    owed = np.zeros(n_months)
    for ps in plan.schedule.projects:
        if ps.status != "declined":
            continue
        own = sum(s for tid, s in ps.shares.items()
                  if tranches[tid].value("funded_by") == deal.investor)
        due = earliest_funding(deal, ps.project.notice_date.value)
        col = month_of(due) - plan.start
        if col < n_months:  # due after the last month: nothing left to divert
            owed[col] += own * float(ps.project.capex.value)
    if not owed.any():
        return
    diverted = np.zeros((n_paths, n_months))
    outstanding = np.zeros(n_paths)
    for t in range(n_months):
        outstanding = outstanding + owed[t]
        take = np.minimum(np.maximum(inv_dist[:, t], 0.0), outstanding)
        diverted[:, t] = take
        outstanding = outstanding - take
    clause = deal.clause("non_funding.distribution_diversion").path
    add(deal.investor, "diverted to host", -diverted, project=POOL, clause=clause)
    add(deal.host, "diverted to host", diverted, project=POOL, clause=clause)


@njit(cache=True, nogil=True)
def _operating(ops, cod, yfac, abandoned, salvage, capex, out, project_cash):  # type: ignore[no-untyped-def]
    """A project's operating cash on each path (``out``, paths × months): the archetype's profile
    ``ops`` from the first operating month ``cod``, times the path's yield factor; on a path where
    the project was abandoned (``abandoned`` >= 0) only the salvage, in that month. Adds
    ``out - capex`` into ``project_cash``."""
    n_paths, n_months = out.shape
    life = ops.shape[0]
    for p in range(n_paths):
        ab = abandoned[p]
        for t in range(n_months):
            if ab >= 0:
                v = salvage[p] if t == min(ab, n_months - 1) else 0.0
            else:
                rel = t - cod[p]
                v = (ops[rel] if 0 <= rel < life else 0.0) * yfac[p]
            out[p, t] = v
            project_cash[p, t] += v - capex[p, t]


@njit(cache=True, nogil=True)
def _bought(x, before, caps):  # type: ignore[no-untyped-def]
    """Dollars of ``x`` paid this year that fall to market purchases (FxRule._bought)."""
    total = 0.0
    for i in range(before.shape[0]):
        total += min(max(x - before[i], 0.0), caps[i])
    return total


class _CallPlan(NamedTuple):
    """The path-independent part of the month loop, one entry per financed project (columns from
    the plan's first month)."""

    start: int  # month index of column 0 (for calendar years)
    start0: np.ndarray  # column of the earliest funding date
    n_build: np.ndarray  # build months
    weights: np.ndarray  # (projects, build months + 1): capex by build month
    a_frac: np.ndarray  # the investor's share that counts toward the cap
    v_frac: np.ndarray  # the investor's share
    has_cap: bool
    cap: float  # timeline.annual_cap, USD a calendar year
    vehicle: bool  # vehicle pacing
    inst: np.ndarray  # (months,) instalments into the vehicle
    last_inst: int  # column of the last instalment, -1 none
    vrate: float  # vehicle cash rate per month
    capped: int  # amount.overrun_payer: 0 investor-unlimited (or a vehicle), 1 host-beyond-cap, 2 abandon
    agreed: float  # the investor's agreed amount (the tranches it funds), USD


class _CallShocks(NamedTuple):
    """The path's shocks, (paths, projects): delay, capex factor, abandonment and build stop."""

    delay: np.ndarray
    cfac: np.ndarray
    aban: np.ndarray
    pause_at: np.ndarray
    pause: np.ndarray


class _FxInputs(NamedTuple):
    """The FX safeguard (``on``): the rule's numbers and, (paths, months), the exchange rate and
    the host's answers; ``before`` and ``caps`` the rule's market segments (FxRule.segments)."""

    on: bool
    requests: bool  # the deal lets the investor request an adjustment
    level: np.ndarray
    accept: np.ndarray
    threshold: float
    impact: float
    window: int
    max_deferral: int
    before: np.ndarray
    caps: np.ndarray
    max_total: int  # months all requests together may defer (FxRule.total_cap)
    forward: float = 0.0  # dollar demand the forward reading adds while calls remain (FxRule.forward)
    cut: bool = False  # end_treatment renegotiated: a deferral's end abandons the projects it held


class _CallsOut(NamedTuple):
    """Outputs: calls (paths, projects, months); per path and project the completion and
    abandonment month (-1 none); vehicle interest and balance (paths, months) and its last
    movement; the FX safeguard's indicator, requests (1 accepted, -1 refused) and deferred months;
    what the host paid beyond the investor's agreed amount."""

    calls: np.ndarray
    completion: np.ndarray
    abandoned: np.ndarray
    v_interest: np.ndarray
    v_balance: np.ndarray
    last_move: np.ndarray
    pressure: np.ndarray
    requests: np.ndarray
    deferred: np.ndarray
    beyond: np.ndarray  # (paths, projects, months): the investor's share of calls the host paid


@njit(cache=True, nogil=True)
def _schedule_paths(plan, shocks, fx, out):  # type: ignore[no-untyped-def]
    """The schedule's month loop (engine/_schedule.py), compiled, one path at a time.

    With ``fx.on`` the FX safeguard of engine/_fxrule.py applies: ``fx.level`` and
    ``fx.accept`` are (paths, months); ``out.pressure``, ``out.requests`` and
    ``out.deferred`` receive the indicator, the requests (1 accepted, -1 refused)
    and the months the investor's calls were deferred.
    """
    start, start0, n_build, weights = plan.start, plan.start0, plan.n_build, plan.weights
    a_frac, v_frac, has_cap, cap = plan.a_frac, plan.v_frac, plan.has_cap, plan.cap
    vehicle, inst, last_inst, vrate = plan.vehicle, plan.inst, plan.last_inst, plan.vrate
    capped, agreed, beyond = plan.capped, plan.agreed, out.beyond
    delay, cfac, aban, pause_at, pause = shocks.delay, shocks.cfac, shocks.aban, shocks.pause_at, shocks.pause
    fx_on, fx_req, fx_level, fx_accept = fx.on, fx.requests, fx.level, fx.accept
    thr, impact, window, max_def = fx.threshold, fx.impact, fx.window, fx.max_deferral
    fx_forward, exp_cap, cut_on = fx.forward, EXP_CAP, fx.cut
    before, caps, max_total = fx.before, fx.caps, fx.max_total
    calls, completion, abandoned = out.calls, out.completion, out.abandoned
    v_interest, v_balance, last_move = out.v_interest, out.v_balance, out.last_move
    pressure, requests, deferred = out.pressure, out.requests, out.deferred
    n_paths, n, n_months = calls.shape
    k = np.zeros(n, dtype=np.int64)
    left = np.zeros(n)
    ready = np.zeros(n, dtype=np.int64)
    done = np.zeros(n, dtype=np.bool_)
    due = np.zeros(n, dtype=np.int64)
    demand = np.zeros(n_months)
    for p in range(n_paths):
        for j in range(n):
            k[j] = 0
            left[j] = weights[j, 0] * cfac[p, j]
            ready[j] = start0[j] + delay[p, j] + (pause[p, j] if pause_at[p, j] == 0 else 0)
            done[j] = False
        bal = 0.0
        room = cap
        moved = -1
        paid_so_far = 0.0
        inv_paid = 0.0
        episode = 0
        until = -1
        used = 0
        was_def = False
        for t in range(n_months):
            paid = 0.0
            any_pending = False
            for j in range(n):
                if not done[j] and abandoned[p, j] < 0:
                    any_pending = True
                    break
            if not any_pending and (not vehicle or t > last_inst):
                # every call made, every instalment paid: the rest of the run changes nothing
                # but the vehicle's balance, which stays as it is (no interest once idle)
                for s in range(t, n_months):
                    v_balance[p, s] = bal
                break
            if vehicle:
                alive = any_pending or t <= last_inst
                if vrate > 0:
                    earn = bal * vrate if (alive and bal > 0) else 0.0
                    bal = bal + earn
                    v_interest[p, t] = earn
                if inst[t] > 0 and alive:
                    bal = bal + inst[t]
                    moved = t
                    paid = inst[t]
            if (start + t) % 12 == 0:
                room = cap
                paid_so_far = 0.0
            deferring = False
            if fx_on and (any_pending or (vehicle and t <= last_inst)):  # while the schedule runs
                d = 0.0
                for s in range(max(t - window, 0), t):
                    d += demand[s]
                pr = fx_level[p, t] * np.exp(min(impact * (d + fx_forward), exp_cap))
                pressure[p, t] = pr
                if pr > thr:
                    if episode == 1 and (t >= until or used >= max_total):
                        episode = 0
                    if episode == 0 and fx_req and used < max_total:
                        if fx_accept[p, t]:
                            episode = 1
                            until = t + max_def
                            requests[p, t] = 1
                        else:
                            episode = 2
                            requests[p, t] = -1
                    deferring = episode == 1
                else:
                    episode = 0
                if deferring:
                    used += 1
                deferred[p, t] = deferring
            cutting = cut_on and was_def and not deferring  # a deferral ended: its calls are cut
            was_def = deferring
            # due calls, oldest first, then notice order (j)
            n_due = 0
            for j in range(n):
                if not done[j] and abandoned[p, j] < 0 and ready[j] <= t:
                    i = n_due
                    while i > 0 and (ready[due[i - 1]] > ready[j]
                                     or (ready[due[i - 1]] == ready[j] and due[i - 1] > j)):
                        due[i] = due[i - 1]
                        i -= 1
                    due[i] = j
                    n_due += 1
            for d in range(n_due):
                j = due[d]
                kk = k[j]
                if kk == aban[p, j]:
                    abandoned[p, j] = t
                    continue
                rem = left[j]
                a = a_frac[j]
                v = v_frac[j]
                if capped > 0 and v > 0:  # amount.overrun_payer, as in _Calls._fund
                    if capped == 2 and v * rem > agreed - inv_paid + SLACK:
                        abandoned[p, j] = t
                        continue
                    if agreed - inv_paid <= SLACK:
                        a = 0.0
                        v = 0.0
                if cutting and v > 0:  # FxRule step 6, renegotiated: the deferred call is cut
                    abandoned[p, j] = t
                    continue
                if deferring and v > 0:
                    continue
                frac = 1.0
                if rem > _TOL:
                    if has_cap and a > 0:
                        frac = min(frac, max(room, 0.0) / (a * rem))
                    if vehicle and v > 0:
                        frac = min(frac, max(bal, 0.0) / (v * rem))
                if frac <= 0:
                    continue
                funded = rem * frac
                whole = rem - funded <= _TOL
                if whole:
                    funded = rem
                calls[p, j, t] += funded
                due_inv = v_frac[j] * funded
                pay = due_inv
                if capped > 0 and due_inv > agreed - inv_paid + SLACK:
                    pay = max(agreed - inv_paid, 0.0)
                    beyond[p, j, t] += due_inv - pay
                inv_paid += pay
                if not vehicle:
                    paid += pay
                if has_cap and a > 0:
                    room = room - (a * funded if pay == due_inv else a_frac[j] * pay / v_frac[j])
                if vehicle and v > 0:
                    bal = bal - v * funded
                    moved = t
                left[j] = rem - funded
                if whole:
                    k[j] = kk + 1
                    if k[j] >= n_build[j]:
                        done[j] = True
                        completion[p, j] = t
                    else:
                        left[j] = weights[j, k[j]] * cfac[p, j]
                        stop = pause[p, j] if 0 <= pause_at[p, j] <= k[j] else 0
                        ready[j] = max(start0[j] + delay[p, j] + k[j] + stop, t + 1)
            v_balance[p, t] = bal
            if fx_on:
                demand[t] = _bought(paid_so_far + paid, before, caps) - _bought(paid_so_far, before, caps)
                paid_so_far += paid
        last_move[p] = moved
