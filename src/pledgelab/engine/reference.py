"""The reference twin: the deal rules written plainly, one path at a time.

This module exists only as the test oracle (and the benchmark's baseline). It
implements the waterfall (``engine/waterfall.py``) and the debt instruments
(``engine/instruments.py``) again, in plain Python over scalars, with the
same signatures, so :func:`run_reference` can run the deterministic engine's
per-path schedule (the scalar ``build_schedule``) with these instead of the
compiled loops. ``tests/engine/test_kernel.py`` requires the vectorised
kernel to agree with it to 1e-9 on random deals, pipelines and shocks.
Nothing in the library calls it.
"""

from __future__ import annotations

import numpy as np

from pledgelab.engine import deterministic
from pledgelab.engine.instruments import DebtFlows, DebtTerms
from pledgelab.engine.schedule import Shock
from pledgelab.engine.waterfall import _EPS, WaterfallResult, WaterfallRule
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet


def waterfall_plain(rule: WaterfallRule, contributions: np.ndarray, cash: np.ndarray,
                    annual_rate: np.ndarray | float, final_month: int | np.ndarray, *,
                    detail: bool = True, **_: object) -> WaterfallResult:
    """The waterfall for one path, month by month, tier by tier."""
    contrib = [float(x) for x in np.ravel(contributions)]
    flows = [float(x) for x in np.ravel(cash)]
    months = len(flows)
    rates = np.broadcast_to(np.ravel(np.asarray(annual_rate, dtype=float)), (months,))
    final = int(np.ravel(np.asarray(final_month))[0])
    tiers = [(list(rule.shares[k]), rule.hurdles[k]) for k in range(rule.tiers)]
    adjusted_shares = None if rule.adjust_shares is None else list(rule.adjust_shares)
    parties = len(rule.parties)
    by_tier = np.zeros((1, months, rule.tiers, parties))
    claw = np.zeros((1, months, parties))
    balance = np.zeros((1, months))
    daa_principal = interest = principal = contributed = host_received = 0.0
    first = recovered = review_month = -1
    triggered = adjusted = False
    for t in range(months):
        r = float(rates[t])
        monthly = (1 + r) ** (1 / 12) - 1 if rule.compounding == "annual-effective" else r / 12
        interest += (daa_principal if rule.compounding == "simple" else daa_principal + interest) * monthly
        c = contrib[t]
        if c > 0 and first < 0:
            first = t
        daa_principal += c
        principal += c
        contributed += c
        tol = _EPS * max(contributed, 1.0)
        if rule.review_horizon is not None and first >= 0 and t == first + rule.review_horizon:
            review_month = t
            if daa_principal + interest > tol:
                triggered = True
                adjusted = adjusted_shares is not None
        left = flows[t]
        to_host = 0.0
        for k, (shares, hurdle) in enumerate(tiers):
            if adjusted and hurdle != "end":
                assert adjusted_shares is not None
                shares = adjusted_shares
            s_inv = shares[rule.investor]
            need = 0.0
            if hurdle == "end":
                x = left
            else:
                owed = principal if hurdle == "principal" else daa_principal + interest
                if owed > tol:
                    need = owed / (s_inv if s_inv > 0 else 1.0)
                x = min(left, need)
            for q in range(parties):
                by_tier[0, t, k, q] = x * shares[q]
            to_host += x * shares[rule.host]
            got = x * s_inv
            to_interest = min(got, interest)
            interest -= to_interest
            daa_principal = max(daa_principal - (got - to_interest), 0.0)
            principal = max(principal - got, 0.0)
            if hurdle != "end" and x >= need and need > 0:
                if hurdle == "principal":
                    principal = 0.0
                else:
                    daa_principal = interest = 0.0
            left -= x
        host_received += to_host
        owed_now = daa_principal + interest
        if recovered < 0 and first >= 0 and owed_now <= tol:
            recovered = t
        if recovered >= 0 and owed_now > tol:
            recovered = -1
        if rule.loss_treatment == "host-clawback" and t == final:
            back = min(principal, host_received)
            claw[0, t, rule.host] -= back
            claw[0, t, rule.investor] += back
            principal -= back
            host_received -= back
        balance[0, t] = owed_now
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
               cod: int | np.ndarray, end: int | np.ndarray) -> DebtFlows:
    """Debt service for one path, month by month."""
    n_tr = len(terms)
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
        due = [interest[j] + max(balance[j] - _allowed(terms[j], start[j], m - cod_i), 0.0)
               for j in range(n_tr)]
        fee_due = [balance[j] * terms[j].fee / 12 for j in range(n_tr)]
        total = sum(due) + sum(fee_due)
        cash = float(equity[0, m])
        ratio = min(1.0, cash / total) if total > 0 else 0.0
        paid = [d * ratio for d in due]
        fees = [f * ratio for f in fee_due]
        for j in range(n_tr):
            out["service"][j, 0, m] = paid[j]
            out["fees"][j, 0, m] = fees[j]
            balance[j] = balance[j] + interest[j] - paid[j]
        equity[0, m] = cash - sum(paid) - sum(fees)
        if m == end_i:
            for j in range(n_tr):
                out["written"][j, 0, m] = balance[j]
                out["calls"][j, 0, m] = balance[j] * terms[j].coverage
                balance[j] = 0.0
        for j in range(n_tr):
            out["bal"][j, 0, m] = balance[j]
    return DebtFlows(service=out["service"], fees=out["fees"], written_off=out["written"],
                     guarantee_calls=out["calls"], balance=out["bal"], equity_cash=equity)


def run_reference(deal: TermSheet, pipeline: Pipeline, *, shocks: dict[str, Shock] | None = None,
                  benchmark: np.ndarray | None = None) -> deterministic.RunResult:
    """The deterministic engine for one path, with the plain waterfall and debt above."""
    return deterministic.run(deal, pipeline, shocks=shocks, benchmark=benchmark,
                             waterfall=waterfall_plain, debt=debt_plain)
