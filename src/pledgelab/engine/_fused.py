"""The routing of a block of paths in one compiled pass, for deals whose tranches are all equity.

What ``run_paths`` does project by project with a few dozen (paths × months)
NumPy operations — each project's operating cash and salvage, the capital
calls split among its tranches (the overrun beyond the investor's agreed
amount to the host), each tranche's call to its funder, the equity cash to
the tranche's own party or into the project's waterfall — is done here in one
loop per path, project, tranche and month, adding every flow to its party in
the same order as ``run_paths`` (so the sums are the same, bit for bit), and
writing each waterfall's contributions and cash for
:func:`pledgelab.engine._windows.waterfall_windows`. Months with no call, no
operating cash and no overrun are skipped (all their flows are zero).

It applies where the rule has nothing that needs the per-project path: no debt
or guarantee tranche, calls as called (no vehicle), waterfalls per project (not
pooled). Other deals keep ``run_paths``' loop.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from pledgelab.engine._schedule import ProjectSchedule, investor_share
from pledgelab.terms import TermSheet

WATERFALL = -1  # a tranche's returns_to: the project's waterfall


class EquityPlan(NamedTuple):
    """Per financed project and tranche (projects × tranches, padded): the tranche's share of the
    project's capex (0 where none), its funder and where its equity goes (a party's column, or
    ``WATERFALL``), whether the investor funds it, and the waterfall row it feeds (-1 none);
    per project: the investor's own share, the sum of its equity shares, the operating profile
    (projects × longest life, padded) and its length; the host's column."""

    shares: np.ndarray
    funder: np.ndarray
    dest: np.ndarray
    by_investor: np.ndarray
    wf_row: np.ndarray
    own: np.ndarray
    eq_total: np.ndarray
    ops: np.ndarray
    life: np.ndarray
    host: int


class EquityPaths(NamedTuple):
    """Per path: calls and what the host paid beyond the investor's amount (paths × projects ×
    months), and per path and project the first operating month (capped at the horizon), the
    yield factor, the month abandoned (-1 none) and the salvage."""

    calls: np.ndarray
    beyond: np.ndarray
    cod: np.ndarray
    yfac: np.ndarray
    abandoned: np.ndarray
    salvage: np.ndarray


class EquityOut(NamedTuple):
    """Outputs, added into: paid and got (parties × paths × months), project cash (paths × months);
    written: each waterfall row's contributions and cash (rows × paths × months) and, per row and
    path, the first and last month with either (months and -1 when none) and the first month with
    a contribution (-1 none), which :func:`pledgelab.engine._windows.waterfall_windows` needs."""

    paid: np.ndarray
    got: np.ndarray
    project_cash: np.ndarray
    wf_contrib: np.ndarray
    wf_cash: np.ndarray
    wf_first: np.ndarray
    wf_last: np.ndarray
    wf_put: np.ndarray


@njit(cache=True, nogil=True)
def _add_call(paid, got, q, p, t, value):  # type: ignore[no-untyped-def]
    """A capital call (a contribution): its outflow to ``paid``, any inflow to ``got``."""
    paid[q, p, t] += min(value, 0.0)
    got[q, p, t] += max(value, 0.0)


@njit(cache=True, nogil=True)
def route_equity(plan, paths, out):  # type: ignore[no-untyped-def]
    """The module docstring's loop: project by project, in ``run_paths``' order of flows."""
    shares, funder, dest, by_inv, wf_row = plan.shares, plan.funder, plan.dest, plan.by_investor, plan.wf_row
    own, eq_total, ops, life, host = plan.own, plan.eq_total, plan.ops, plan.life, plan.host
    calls, beyond, cod, yfac, abandoned, salvage = (paths.calls, paths.beyond, paths.cod, paths.yfac,
                                                    paths.abandoned, paths.salvage)
    paid, got, project_cash = out.paid, out.got, out.project_cash
    wf_contrib, wf_cash = out.wf_contrib, out.wf_cash
    n_paths, n_proj, n_months = calls.shape
    n_tr = shares.shape[1]
    draws_t = np.empty(n_tr)
    for j in range(n_proj):
        n_life = life[j]
        for p in range(n_paths):
            ab = abandoned[p, j]
            for t in range(n_months):
                capex = calls[p, j, t]
                if ab >= 0:
                    operating = salvage[p, j] if t == min(ab, n_months - 1) else 0.0
                else:
                    rel = t - cod[p, j]
                    operating = (ops[j, rel] if 0 <= rel < n_life else 0.0) * yfac[p, j]
                over = beyond[p, j, t]
                if capex == 0.0 and operating == 0.0 and over == 0.0:
                    continue  # an idle month: every flow below is zero and adding it changes nothing
                project_cash[p, t] += operating - capex
                for k in range(n_tr):
                    draws_t[k] = capex * shares[j, k]
                if over != 0.0:
                    for k in range(n_tr):
                        if shares[j, k] != 0.0 and by_inv[j, k]:
                            draws_t[k] = draws_t[k] - over * (shares[j, k] / own[j])
                    _add_call(paid, got, host, p, t, -over)
                for k in range(n_tr):
                    if shares[j, k] != 0.0:
                        _add_call(paid, got, funder[j, k], p, t, -draws_t[k])
                if eq_total[j] == 0.0:
                    got[host, p, t] += operating
                for k in range(n_tr):
                    if shares[j, k] == 0.0:
                        continue
                    part = operating * shares[j, k] / eq_total[j]
                    if dest[j, k] != WATERFALL:
                        got[dest[j, k], p, t] += part
                    else:
                        r = wf_row[j, k]
                        wf_contrib[r, p, t] = draws_t[k]
                        wf_cash[r, p, t] = part
                        if draws_t[k] != 0.0 or part != 0.0:
                            if out.wf_first[r, p] > t:
                                out.wf_first[r, p] = t
                            out.wf_last[r, p] = t
                        if draws_t[k] > 0.0 and out.wf_put[r, p] < 0:
                            out.wf_put[r, p] = t


def fusable(deal: TermSheet, fin: list[ProjectSchedule]) -> bool:
    """Whether :func:`route_equity` applies: equity tranches only, calls as called, per-project
    waterfalls, and every project's tranche shares summing to more than zero."""
    if deal.value("timeline.pacing") != "as-called" or deal.value("distribution.application") == "pooled":
        return False
    tranches = {t.id: t for t in deal.tranches}
    return all(not any(tranches[t].is_debt for t in ps.shares)
               and (not ps.shares or sum(ps.shares.values()) > 0) for ps in fin)


def equity_plan(deal: TermSheet, fin: list[ProjectSchedule]) -> tuple[EquityPlan, list[tuple[int, str]]]:
    """The :class:`EquityPlan` of the financed projects ``fin`` and, in row order, the
    (project, tranche) of each waterfall row (the order in which ``run_paths`` appends them)."""
    parties = list(deal.parties)
    col = {p: i for i, p in enumerate(parties)}
    tranches = {t.id: t for t in deal.tranches}
    n_tr = max((len(ps.shares) for ps in fin), default=0)
    n = len(fin)
    shares = np.zeros((n, max(n_tr, 1)))
    funder = np.zeros((n, max(n_tr, 1)), dtype=np.int64)
    dest = np.zeros((n, max(n_tr, 1)), dtype=np.int64)
    by_inv = np.zeros((n, max(n_tr, 1)), dtype=np.bool_)
    wf_row = np.full((n, max(n_tr, 1)), -1, dtype=np.int64)
    own = np.zeros(n)
    eq_total = np.zeros(n)
    lives = [int(ps.project.params["life_years"].value) * 12 for ps in fin]
    ops = np.zeros((n, max(lives, default=1)))
    rows: list[tuple[int, str]] = []
    for j, ps in enumerate(fin):
        own[j] = investor_share(deal, ps.shares, capped_only=False)
        eq_total[j] = sum(ps.shares.values())
        profile = np.asarray(ps.project.operating_cash(), dtype=np.float64)
        ops[j, : profile.size] = profile
        for k, (tid, s) in enumerate(ps.shares.items()):
            tr = tranches[tid]
            shares[j, k] = s
            funder[j, k] = col[str(tr.value("funded_by"))]
            by_inv[j, k] = tr.value("funded_by") == deal.investor
            to = str(tr.value("returns_to"))
            if to == "waterfall":
                dest[j, k] = WATERFALL
                wf_row[j, k] = len(rows)
                rows.append((j, tid))
            else:
                dest[j, k] = col[to]
    return EquityPlan(shares=shares, funder=funder, dest=dest, by_investor=by_inv, wf_row=wf_row,
                      own=own, eq_total=eq_total, ops=ops, life=np.array(lives, dtype=np.int64),
                      host=col[deal.host]), rows
