"""The distribution rule: ordered tiers with hurdles, applied month by month.

Implements ``distribution.*`` of a term sheet. Both MOUs share distributable
cash 50/50 "until the deemed allocation amount has been distributed" to the
investor, then 90/10 to the US; the deemed allocation amount is principal
plus deemed interest at ``deemed_benchmark + deemed_spread``.

Semantics (one implementation, used by the deterministic engine with one path
and by the Monte Carlo kernel with many; arrays have a leading path axis):

1. At the start of month *t* deemed interest accrues on the opening balance:
   ``monthly`` adds ``r/12`` of the unrecovered balance (principal and
   interest), ``annual-effective`` adds ``(1+r)^(1/12)-1`` of it, ``simple``
   adds ``r/12`` of the unrecovered principal only. ``per-period`` (the
   reading of OhmyNews, 2025-10-01) makes the deemed allocation amount a
   schedule: ``r/12`` of the principal not yet fallen due, plus an equal
   instalment of that principal in every month from the first month with cash
   to the project's last month (``final_month``); what falls due and is not
   received is carried forward without interest, and every investor receipt
   counts against it (what the investor receives beyond what is due is a
   credit against later dues), so the 90/10 tier can start and stop month by
   month.
2. Contributions of month *t* are added (they earn deemed interest from *t+1*).
3. The month's distributable cash runs down the tiers. A tier whose hurdle is
   already met is skipped. Within a tier the cash needed to meet the hurdle is
   ``remaining balance / investor share``; if the month's cash exceeds it, the
   month is **split exactly at the crossing point** and the rest flows to the
   next tier. Investor receipts reduce the interest part of the balance first,
   then principal; the ``principal`` hurdle counts every investor receipt.
4. ``loss_treatment``: ``investor-bears`` changes nothing; ``capital-first``
   puts a tier paying the investor 100% until principal is returned in front;
   ``host-clawback`` makes the host return distributions it received, up to
   the investor's unrecovered principal, in the final month.
5. The review clause (Korea: 20 years). ``realised``: tested ``review_horizon``
   months after the first contribution, it triggers when the deemed
   allocation amount is not yet recovered. ``projected`` ("reasonably evident
   that Korea will not receive its deemed allocation amount within 20
   years"): every ``review_interval`` months after the first contribution,
   and at the horizon, the same tiers (as written, the review not yet acted
   on) are run forward from the month's state on the outlook (the expected
   distributable cash; by default the row's own cash, which is the plan in a
   run without shocks; the Monte Carlo kernel passes the plan's cash moved to
   the path's operating start), deemed interest at the month's rate, no new
   contributions; it triggers at the first test whose projection leaves the
   deemed allocation amount unrecovered at the horizon. At the horizon the
   projection has no month left, so it is the realised test. With
   ``review_action: adjust-shares`` the tiers before recovery use
   ``review_shares`` from the month it triggers on. The projection stops as
   soon as its answer is certain (recovered exactly, surely short, or surely
   paid: see ``_evident_shortfall``), which gives the full run's answer.

References
----------
St. Louis Fed (2025), "Analyzing Japan's $550 Billion Pledge to Invest in the
U.S." (deemed allocation amount = principal plus interest). R. Katz (2025),
"Correction on the terms of Japan's ..." (benchmark six-month SOFR plus spread).
Kang Myung-gu (2025-10-01), OhmyNews, on the Japan MOU's deemed allocation amount
(interest at a short rate plus spread, principal divided by the project's life,
shortfalls carried forward): the ``per-period`` convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from pledgelab.terms import TermSheet

_EPS = 1e-9  # relative: a balance below this share of contributions counts as recovered
_SURE = 1e-9  # relative margin, far above rounding, for the projected review's early answers


@dataclass(frozen=True, slots=True, kw_only=True)
class WaterfallRule:
    """The ``distribution`` clauses of a term sheet, compiled to arrays."""

    parties: tuple[str, ...]  # column order of ``shares``
    investor: int  # column of the investor
    host: int  # column of the host
    shares: np.ndarray  # (tiers, parties)
    hurdles: tuple[str, ...]  # per tier: principal | deemed-allocation-amount | end
    compounding: str
    loss_treatment: str
    review_horizon: int | None
    adjust_shares: np.ndarray | None  # (parties,) or None when report-only
    review_reading: str = "realised"  # realised | projected
    review_interval: int = 12  # months between projected tests (projected reading)

    @property
    def tiers(self) -> int:
        return len(self.hurdles)


def compile_rule(deal: TermSheet) -> WaterfallRule:
    """Compile ``deal``'s distribution clauses (tiers, conventions, loss and review)."""
    parties = tuple(deal.parties)
    col = {p: i for i, p in enumerate(parties)}
    tiers = list(deal.tiers)
    rows = []
    hurdles = []
    loss = str(deal.value("distribution.loss_treatment"))
    if loss == "capital-first":
        row = np.zeros(len(parties))
        row[col[deal.investor]] = 1.0
        rows.append(row)
        hurdles.append("principal")
    for tier in tiers:
        row = np.zeros(len(parties))
        for code, s in tier.shares.items():
            row[col[code]] = s
        rows.append(row)
        hurdles.append(tier.until)
    adjust = None
    if deal.value("distribution.review_action") == "adjust-shares":
        adjust = np.zeros(len(parties))
        for code, s in deal.value("distribution.review_shares").items():
            adjust[col[code]] = s
    horizon = deal.value("distribution.review_horizon")
    reading = str(deal.value("distribution.review_reading")) \
        if "distribution.review_reading" in deal.clauses else "realised"
    interval = int(deal.value("distribution.review_interval")) \
        if "distribution.review_interval" in deal.clauses else 12
    return WaterfallRule(
        parties=parties, investor=col[deal.investor], host=col[deal.host],
        shares=np.array(rows), hurdles=tuple(hurdles),
        compounding=str(deal.value("distribution.deemed_compounding")),
        loss_treatment=loss, review_horizon=None if horizon is None else int(horizon),
        adjust_shares=adjust, review_reading=reading, review_interval=interval,
    )


def deemed_rate(deal: TermSheet) -> float:
    """Deemed interest rate per year: benchmark plus spread."""
    return float(deal.value("distribution.deemed_benchmark")) + \
        float(deal.value("distribution.deemed_spread"))


@dataclass(frozen=True, slots=True, kw_only=True)
class WaterfallResult:
    """What the tiers paid, by path, month, tier and party."""

    by_tier: np.ndarray | None  # (paths, months, tiers, parties): distributions (detail only)
    paid: np.ndarray  # (paths, months, parties): distributions summed over tiers
    clawback: np.ndarray  # (paths, months, parties): end-of-life transfers (host -> investor)
    balance: np.ndarray  # (paths, months): unrecovered deemed allocation amount (detail only)
    recovered: np.ndarray  # (paths,) int: month index (0-based) the DAA was recovered, -1 never
    review_month: np.ndarray  # (paths,) int: month index of the review test, -1 none
    review_triggered: np.ndarray  # (paths,) bool

    @property
    def receipts(self) -> np.ndarray:
        """(paths, months, parties): all the waterfall pays each party."""
        return np.asarray(self.paid + self.clawback)


def run_waterfall(rule: WaterfallRule, contributions: np.ndarray, cash: np.ndarray,
                  annual_rate: np.ndarray | float, final_month: int | np.ndarray, *,
                  detail: bool = True, rate_row: np.ndarray | None = None,
                  out_row: np.ndarray | None = None, n_out: int | None = None,
                  outlook: np.ndarray | None = None) -> WaterfallResult:
    """Distribute ``cash`` (rows, months) against ``contributions`` (rows, months).

    ``annual_rate`` is the deemed interest rate per year: a scalar, or an array
    of (rate rows, months) whose row ``rate_row[r]`` applies to row ``r`` (by
    default row ``r`` itself). ``final_month`` (a scalar or one per row) is the
    0-based month in which a ``host-clawback`` is settled. With ``detail=False``
    the amounts by tier and the balances are not kept, only the sums by party;
    ``out_row[r]`` (one of ``n_out`` rows) then says which output row row ``r``
    adds into — the Monte Carlo kernel sums every waterfall of a path this way.
    ``outlook`` (rows, months) is the distributable cash expected at review time,
    used by the ``projected`` review; by default each row's own ``cash``.
    """
    cash = np.ascontiguousarray(np.atleast_2d(np.asarray(cash, dtype=np.float64)))
    n_rows, n_months = cash.shape
    contrib = np.ascontiguousarray(np.broadcast_to(contributions, (n_rows, n_months)), dtype=np.float64)
    rate = np.atleast_2d(np.asarray(annual_rate, dtype=np.float64))
    if rate.shape[1] == 1:
        rate = np.broadcast_to(rate, (rate.shape[0], n_months))
    if rule.compounding == "annual-effective":
        monthly = np.power(1.0 + rate, 1.0 / 12.0) - 1.0
    else:
        monthly = rate / 12.0
    monthly = np.ascontiguousarray(monthly)
    if rate_row is None:
        rate_row = np.zeros(n_rows, dtype=np.int64) if monthly.shape[0] == 1 else np.arange(n_rows)
    final = np.ascontiguousarray(np.broadcast_to(np.asarray(final_month, dtype=np.int64), (n_rows,)))
    n_tiers, n_parties = rule.shares.shape
    if out_row is None or detail:
        out_row, n_out = np.arange(n_rows), n_rows
    assert n_out is not None
    by_tier = np.zeros((n_rows, n_months, n_tiers, n_parties) if detail else (0, 0, 0, 0))
    paid = np.zeros((n_out, n_months, n_parties))
    claw = np.zeros((n_out, n_months, n_parties))
    balance = np.zeros((n_rows, n_months) if detail else (0, 0))
    recovered = np.full(n_rows, -1, dtype=np.int64)
    review_month = np.full(n_rows, -1, dtype=np.int64)
    triggered = np.zeros(n_rows, dtype=np.bool_)
    _waterfall_rows(
        compiled_tiers(rule),
        _Rows(contrib=contrib, cash=cash, monthly=monthly,
              rate_row=np.ascontiguousarray(rate_row, dtype=np.int64), final=final,
              out_row=np.ascontiguousarray(out_row, dtype=np.int64),
              outlook=_NO_OUTLOOK if outlook is None else np.ascontiguousarray(
                  np.broadcast_to(outlook, (n_rows, n_months)), dtype=np.float64)),
        _RowsOut(by_tier=by_tier, paid=paid, claw=claw, balance=balance, recovered=recovered,
                 review_month=review_month, triggered=triggered),
        detail,
    )
    return WaterfallResult(by_tier=by_tier if detail else None, paid=paid, clawback=claw,
                           balance=balance, recovered=recovered, review_month=review_month,
                           review_triggered=triggered)


_HURDLE_CODES = {"principal": 0, "deemed-allocation-amount": 1, "end": 2}
_NO_OUTLOOK = np.zeros((0, 0))  # the projected review reads each row's own cash


class _Tiers(NamedTuple):
    """The rule, compiled: tier shares and hurdles, parties, compounding, loss treatment, review."""

    shares: np.ndarray  # (tiers, parties)
    hurdles: np.ndarray  # (tiers,) _HURDLE_CODES
    inv: int  # the investor's column
    host: int  # the host's column
    simple: bool  # simple (not compounded) deemed interest
    clawback: bool  # host-clawback loss treatment
    horizon: int  # review horizon in months from the first contribution, -1 none
    adjust: bool  # the review adjusts the shares
    adjust_shares: np.ndarray  # (parties,) shares after an adjusting review
    per_period: bool = False  # the per-period deemed allocation amount (a schedule)
    projected: bool = False  # the review is a projection (tested every ``interval`` months)
    interval: int = 12  # months between projected review tests


def compiled_tiers(rule: WaterfallRule) -> _Tiers:
    """The rule as the compiled loop takes it (build it here, not field by field, so every clause
    reaches the loop: the per-period convention and the projected review included)."""
    n_parties = rule.shares.shape[1]
    adjust = rule.adjust_shares if rule.adjust_shares is not None else np.zeros(n_parties)
    return _Tiers(shares=np.ascontiguousarray(rule.shares, dtype=np.float64),
                  hurdles=np.array([_HURDLE_CODES[h] for h in rule.hurdles], dtype=np.int64),
                  inv=rule.investor, host=rule.host, simple=rule.compounding == "simple",
                  clawback=rule.loss_treatment == "host-clawback",
                  horizon=-1 if rule.review_horizon is None else rule.review_horizon,
                  adjust=rule.adjust_shares is not None,
                  adjust_shares=np.ascontiguousarray(adjust, dtype=np.float64),
                  per_period=rule.compounding == "per-period",
                  projected=rule.review_reading == "projected", interval=rule.review_interval)


class _Rows(NamedTuple):
    """The rows (path × waterfall) to run: contributions and cash (rows, months), the monthly
    deemed rate (rate rows, months) with each row's rate row, the settlement month and output row."""

    contrib: np.ndarray
    cash: np.ndarray
    monthly: np.ndarray
    rate_row: np.ndarray
    final: np.ndarray
    out_row: np.ndarray
    outlook: np.ndarray = _NO_OUTLOOK  # (rows, months) expected cash for the projected review


class _RowsOut(NamedTuple):
    """Outputs: amounts by tier and balances (kept with ``detail``), sums by party per output row,
    and per row the recovery month, the review month and whether the review triggered."""

    by_tier: np.ndarray
    paid: np.ndarray
    claw: np.ndarray
    balance: np.ndarray
    recovered: np.ndarray
    review_month: np.ndarray
    triggered: np.ndarray


@njit(cache=True, nogil=True, inline="always")
def _settle(got, interest, principal_daa, principal, credit, per_period):  # type: ignore[no-untyped-def]
    """The investor's receipt ``got`` settles the deemed allocation amount: deemed interest first,
    then principal (per-period: what is due, then a credit against later dues); the principal
    recovered falls by all of it. Returns (interest, principal_daa, principal, credit). One rule for
    the waterfall and the projected review's forward run."""
    to_interest = min(got, interest)
    interest = interest - to_interest
    if per_period:
        credit = credit + (got - to_interest)
    else:
        principal_daa = max(principal_daa - (got - to_interest), 0.0)
    principal = max(principal - got, 0.0)
    return interest, principal_daa, principal, credit


@njit(cache=True, nogil=True)
def _evident_shortfall(rule, src, ahead, r, t, deadline, final, rate, pd, it, pr, cr, started, tol):  # type: ignore[no-untyped-def]
    """The projected review at the review point of month ``t``: run the tiers (as written) forward
    on the outlook ``src[r]`` to the start of month ``deadline``; True when the deemed allocation
    amount is then still unrecovered (``pd, it, pr, cr`` as in :func:`_waterfall_rows`).
    ``ahead[m]`` is the outlook's cash from month ``m`` to the end (``_SURE``: stop early)."""
    shares, hurdles, inv = rule.shares, rule.hurdles, rule.inv
    n_tiers = shares.shape[0]
    n_months = src.shape[1]
    per_period = rule.per_period
    s_max = 0.0  # the largest share the investor can take of a month's cash
    for k in range(n_tiers):
        s_max = max(s_max, shares[k, inv])
    s_min = -1.0  # the least it takes while the deemed allocation amount is open (-1: no such tier)
    for k in range(n_tiers):
        s_min = shares[k, inv] if s_min < 0 else min(s_min, shares[k, inv])
        if hurdles[k] == 1:
            break
    else:
        s_min = -1.0
    sure_paid = s_min > 0 and not per_period and ahead[n_months + 1] == 0.0  # no negative outlook
    for m in range(t, deadline):
        if pd == 0.0 and it == 0.0:
            # recovered exactly (a crossing zeroes the balance): accrual on zero adds zero, no
            # instalment falls due and receipts only add credit, so the answer is already known
            return False
        if rate >= 0.0 and m < n_months:
            # the balance can fall by no more than the investor's share of the cash still ahead
            # (accrual at a rate >= 0 only adds): when even all of it leaves more than the
            # tolerance owed, by a margin far above rounding, the answer is already known
            bal = pd + it - cr if per_period else pd + it
            left = (ahead[m] - ahead[min(deadline, n_months)]) * s_max
            if bal - left > tol + _SURE * (bal + ahead[0] * s_max):
                return True
            if sure_paid:
                # while it is open the balance grows by at most (1 + rate) a month and falls by at
                # least s_min of each month's cash: if even that leaves nothing at the deadline
                # (by the margin), the tier is crossed before it, which zeroes the balance
                grown = bal * (1.0 + rate) ** (deadline - m)
                if grown - left / s_max * s_min < -(tol + _SURE * (grown + ahead[0] * s_max)):
                    return False
        remaining = src[r, m] if m < n_months else 0.0
        for k in range(n_tiers):
            hurdle = hurdles[k]
            s_inv = shares[k, inv]
            need = 0.0
            if hurdle == 2:
                x = remaining
            else:
                open_bal = pr if hurdle == 0 else (it if per_period else pd + it)
                if open_bal > tol:
                    need = open_bal / (s_inv if s_inv > 0 else 1.0)
                x = min(remaining, need)
            got = x * s_inv
            it, pd, pr, cr = _settle(got, it, pd, pr, cr, per_period)
            if hurdle != 2 and x >= need and need > 0:
                if hurdle == 0:
                    pr = 0.0
                else:
                    it = 0.0
                    if not per_period:
                        pd = 0.0
            remaining = remaining - x
        # the start of month m + 1: accrual, then (per-period) the instalment and the credit
        it = it + (pd if (rule.simple or per_period) else pd + it) * rate
        if per_period:
            nxt = m + 1
            if not started and nxt < n_months and src[r, nxt] > 0:
                started = True
            if started:
                inst = pd if nxt >= final else pd / (final - nxt + 1)
                pd = pd - inst
                it = it + inst
            use = min(cr, it)
            it = it - use
            cr = cr - use
    bal = pd + it - cr if per_period else pd + it
    return bal > tol


@njit(cache=True, nogil=True)
def _waterfall_rows(rule, rows, out, detail):  # type: ignore[no-untyped-def]
    """The month loop of the module docstring, one row (path × waterfall) at a time."""
    shares, hurdles, inv, host = rule.shares, rule.hurdles, rule.inv, rule.host
    simple, clawback, horizon = rule.simple, rule.clawback, rule.horizon
    adjust, adjust_shares = rule.adjust, rule.adjust_shares
    per_period, projected, interval = rule.per_period, rule.projected, rule.interval
    contrib, cash, monthly, rate_row = rows.contrib, rows.cash, rows.monthly, rows.rate_row
    final, out_row = rows.final, rows.out_row
    src = cash if rows.outlook.shape[0] == 0 else rows.outlook
    by_tier, paid, claw, balance = out.by_tier, out.paid, out.claw, out.balance
    recovered, review_month, triggered = out.recovered, out.review_month, out.triggered
    n_rows, n_months = cash.shape
    n_tiers, n_parties = shares.shape
    # the projected review: the outlook's cash (>= 0) from each month on; [n_months + 1]: its
    # negative months' sum
    ahead = np.zeros(n_months + 2)
    for r in range(n_rows):
        if projected and horizon >= 0:
            ahead[n_months] = 0.0
            ahead[n_months + 1] = 0.0
            for m in range(n_months - 1, -1, -1):
                ahead[m] = ahead[m + 1] + max(src[r, m], 0.0)
                ahead[n_months + 1] += min(src[r, m], 0.0)
        rr = rate_row[r]
        o = out_row[r]
        # per-period: principal_daa is the principal not yet fallen due, interest what has fallen
        # due (interest and instalments) and is unpaid, credit what was received ahead of it
        principal_daa = 0.0  # unrecovered principal within the deemed allocation amount
        interest = 0.0  # accrued, unpaid deemed interest
        principal = 0.0  # unrecovered principal for a "principal" hurdle
        credit = 0.0
        contributed = 0.0
        host_received = 0.0
        first = -1
        rec = -1
        adjusted = False
        started = False
        reviewed = False
        for t in range(n_months):
            # 1. accrual on the opening balance
            base = principal_daa if (simple or per_period) else principal_daa + interest
            interest = interest + base * monthly[rr, t]
            # 2. contributions
            c = contrib[r, t]
            if c > 0 and first < 0:
                first = t
            principal_daa = principal_daa + c
            principal = principal + c
            contributed = contributed + c
            tol = _EPS * max(contributed, 1.0)
            if per_period:  # the month's instalment falls due; a credit pays it first
                if not started and first >= 0 and cash[r, t] > 0:
                    started = True
                if started:
                    inst = principal_daa if t >= final[r] else principal_daa / (final[r] - t + 1)
                    principal_daa = principal_daa - inst
                    interest = interest + inst
                use = min(credit, interest)
                interest = interest - use
                credit = credit - use
            # 5. review test
            if horizon >= 0 and first >= 0 and not reviewed:
                deadline = first + horizon
                owed = principal_daa + interest - credit
                if projected:
                    due_test = t > first and ((t - first) % interval == 0 or t == deadline)
                    if due_test and t <= deadline:
                        if _evident_shortfall(rule, src, ahead, r, t, deadline, final[r], monthly[rr, t],
                                              principal_daa, interest, principal, credit, started,
                                              tol):
                            review_month[r] = t
                            triggered[r] = True
                            reviewed = True
                            if adjust:
                                adjusted = True
                        elif t == deadline:
                            review_month[r] = t
                            reviewed = True
                elif t == deadline:
                    review_month[r] = t
                    reviewed = True
                    if owed > tol:
                        triggered[r] = True
                        if adjust:
                            adjusted = True
            # 3. tiers
            remaining = cash[r, t]
            to_host = 0.0
            for k in range(n_tiers):
                hurdle = hurdles[k]
                use_adjusted = adjusted and hurdle != 2
                s_inv = adjust_shares[inv] if use_adjusted else shares[k, inv]
                need = 0.0
                if hurdle == 2:
                    x = remaining
                else:
                    open_bal = principal if hurdle == 0 else (
                        interest if per_period else principal_daa + interest)
                    if open_bal > tol:
                        need = open_bal / (s_inv if s_inv > 0 else 1.0)
                    x = min(remaining, need)
                for q in range(n_parties):
                    a = x * (adjust_shares[q] if use_adjusted else shares[k, q])
                    paid[o, t, q] += a
                    if q == host:
                        to_host += a
                    if detail:
                        by_tier[r, t, k, q] = a
                got = x * s_inv
                interest, principal_daa, principal, credit = _settle(got, interest, principal_daa, principal,
                                                                     credit, per_period)
                if hurdle != 2 and x >= need and need > 0:  # crossed: split exactly here
                    if hurdle == 0:
                        principal = 0.0
                    else:
                        interest = 0.0
                        if not per_period:
                            principal_daa = 0.0
                remaining = remaining - x
            host_received = host_received + to_host
            bal = principal_daa + interest - credit if per_period else principal_daa + interest
            if rec < 0 and first >= 0 and bal <= tol:
                rec = t
            if rec >= 0 and bal > tol:
                rec = -1  # a pooled balance can reopen when new capital comes in
            # 4. clawback in the final month
            if clawback and final[r] == t:
                back = min(principal, host_received)
                claw[o, t, host] -= back
                claw[o, t, inv] += back
                principal = principal - back
                host_received = host_received - back
            if detail:
                balance[r, t] = max(bal, 0.0) if per_period else bal
        recovered[r] = rec
