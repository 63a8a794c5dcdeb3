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
   adds ``r/12`` of the unrecovered principal only.
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
5. The review clause (Korea: 20 years) is tested ``review_horizon`` months after
   the first contribution: it triggers when the deemed allocation amount is
   not yet recovered. With ``review_action: adjust-shares`` the tiers before
   recovery use ``review_shares`` from that month on.

References
----------
St. Louis Fed (2025), "Analyzing Japan's $550 Billion Pledge to Invest in the
U.S." (deemed allocation amount = principal plus interest). R. Katz (2025),
"Correction on the terms of Japan's ..." (benchmark six-month SOFR plus spread).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pledgelab.terms import TermSheet

_EPS = 1e-9  # relative: a balance below this share of contributions counts as recovered


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
    return WaterfallRule(
        parties=parties, investor=col[deal.investor], host=col[deal.host],
        shares=np.array(rows), hurdles=tuple(hurdles),
        compounding=str(deal.value("distribution.deemed_compounding")),
        loss_treatment=loss, review_horizon=None if horizon is None else int(horizon),
        adjust_shares=adjust,
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
    balance: np.ndarray  # (paths, months): unrecovered deemed allocation amount at month end
    recovered: np.ndarray  # (paths,) int: month index (0-based) the DAA was recovered, -1 never
    review_month: np.ndarray  # (paths,) int: month index of the review test, -1 none
    review_triggered: np.ndarray  # (paths,) bool

    @property
    def receipts(self) -> np.ndarray:
        """(paths, months, parties): all the waterfall pays each party."""
        return np.asarray(self.paid + self.clawback)


def run_waterfall(rule: WaterfallRule, contributions: np.ndarray, cash: np.ndarray,
                  annual_rate: np.ndarray | float, final_month: int | np.ndarray, *,
                  detail: bool = True) -> WaterfallResult:
    """Distribute ``cash`` (paths, months) against ``contributions`` (paths, months).

    ``annual_rate`` is the deemed interest rate per year, a scalar or an array
    broadcastable to (paths, months). ``final_month`` is the 0-based month in
    which a ``host-clawback`` is settled. With ``detail=False`` the amounts by
    tier are not kept (only their sum by party), which saves memory on many paths.
    """
    cash = np.atleast_2d(np.asarray(cash, dtype=np.float64))
    n_paths, n_months = cash.shape
    # month-major copies: each month's values for all paths are contiguous
    contrib_t = np.ascontiguousarray(np.broadcast_to(contributions, (n_paths, n_months)).T)
    cash_t = np.ascontiguousarray(cash.T)
    rate = np.broadcast_to(np.asarray(annual_rate, dtype=np.float64), (n_paths, n_months))
    if rule.compounding == "annual-effective":
        monthly = np.ascontiguousarray((np.power(1.0 + rate, 1.0 / 12.0) - 1.0).T)
    else:
        monthly = np.ascontiguousarray((rate / 12.0).T)
    n_tiers, n_parties = rule.shares.shape
    inv = rule.investor
    by_tier = np.zeros((n_months, n_paths, n_tiers, n_parties)) if detail else None
    paid_out = np.zeros((n_months, n_paths, n_parties))
    clawback = np.zeros((n_months, n_paths, n_parties))
    balance_out = np.zeros((n_months, n_paths))
    principal_daa = np.zeros(n_paths)  # unrecovered principal within the DAA
    interest = np.zeros(n_paths)  # accrued, unpaid deemed interest
    principal = np.zeros(n_paths)  # unrecovered principal for a "principal" hurdle
    contributed = np.zeros(n_paths)
    host_received = np.zeros(n_paths)
    recovered = np.full(n_paths, -1, dtype=np.int64)
    first = np.full(n_paths, -1, dtype=np.int64)
    review_month = np.full(n_paths, -1, dtype=np.int64)
    triggered = np.zeros(n_paths, dtype=bool)
    adjusted = np.zeros(n_paths, dtype=bool)
    final = np.broadcast_to(np.asarray(final_month, dtype=np.int64), (n_paths,))
    for t in range(n_months):
        # 1. accrual on the opening balance
        base = principal_daa if rule.compounding == "simple" else principal_daa + interest
        interest = interest + base * monthly[t]
        # 2. contributions
        c = contrib_t[t]
        started = (c > 0) & (first < 0)
        first = np.where(started, t, first)
        principal_daa = principal_daa + c
        principal = principal + c
        contributed = contributed + c
        tol = _EPS * np.maximum(contributed, 1.0)
        # 5. review test
        if rule.review_horizon is not None:
            due = (first >= 0) & (t == first + rule.review_horizon)
            review_month = np.where(due, t, review_month)
            hit = due & (principal_daa + interest > tol)
            triggered |= hit
            if rule.adjust_shares is not None:
                adjusted |= hit
        # 3. tiers
        remaining = cash_t[t].copy()
        for k in range(n_tiers):
            shares = np.broadcast_to(rule.shares[k], (n_paths, n_parties))
            hurdle = rule.hurdles[k]
            if rule.adjust_shares is not None and hurdle != "end":
                shares = np.where(adjusted[:, None], rule.adjust_shares[None, :], shares)
            s_inv = shares[:, inv]
            if hurdle == "end":
                x = remaining
            else:
                open_bal = principal if hurdle == "principal" else principal_daa + interest
                live = open_bal > tol
                need = np.where(live, open_bal / np.where(s_inv > 0, s_inv, 1.0), 0.0)
                x = np.minimum(remaining, need)
            amounts = x[:, None] * shares
            if by_tier is not None:
                by_tier[t, :, k, :] = amounts
            paid_out[t] += amounts
            paid = x * s_inv
            # receipts pay deemed interest first, then principal
            to_interest = np.minimum(paid, interest)
            interest = interest - to_interest
            principal_daa = np.maximum(principal_daa - (paid - to_interest), 0.0)
            principal = np.maximum(principal - paid, 0.0)
            if hurdle != "end":
                crossed = (x >= need) & (need > 0)
                if hurdle == "principal":
                    principal = np.where(crossed, 0.0, principal)
                else:
                    principal_daa = np.where(crossed, 0.0, principal_daa)
                    interest = np.where(crossed, 0.0, interest)
            remaining = remaining - x
        host_received = host_received + paid_out[t, :, rule.host]
        bal = principal_daa + interest
        newly = (recovered < 0) & (first >= 0) & (bal <= tol)
        recovered = np.where(newly, t, recovered)
        # a pooled balance can reopen when new capital comes in
        recovered = np.where((recovered >= 0) & (bal > tol), -1, recovered)
        # 4. clawback in the final month
        if rule.loss_treatment == "host-clawback":
            at_end = final == t
            back = np.where(at_end, np.minimum(principal, host_received), 0.0)
            clawback[t, :, rule.host] -= back
            clawback[t, :, inv] += back
            principal = principal - back
            host_received = host_received - back
        balance_out[t] = bal
    return WaterfallResult(by_tier=None if by_tier is None else by_tier.transpose(1, 0, 2, 3),
                           paid=paid_out.transpose(1, 0, 2), clawback=clawback.transpose(1, 0, 2),
                           balance=balance_out.T,
                           recovered=recovered, review_month=review_month,
                           review_triggered=triggered)
