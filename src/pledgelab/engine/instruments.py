"""Loans, ship finance and guaranteed loans: their cash flows inside a project.

Implements the debt tranches of a term sheet (``method: loan``,
``ship-finance``, ``guarantee``):

* draws follow the project's capital calls; interest at ``rate`` (or the
  guaranteed lenders' ``lender_rate``) per year accrues monthly (``r/12``) and
  is capitalised until the first operating month;
* from the first operating month the balance amortises over ``tenor`` months
  (``annuity``: level payments; ``linear``: equal principal; ``bullet``: all
  principal in the last month of the tenor);
* debt service — interest, scheduled principal and any arrears, plus the
  guarantee ``fee`` on the guaranteed balance — is senior to equity and paid
  pro rata from the month's operating cash; what cannot be paid stays owed
  (unpaid interest is capitalised);
* in the project's last month any balance still owed is written off: a loan's
  funder loses it; for a guaranteed loan the guarantor (the investor) pays the
  lenders ``coverage`` of it.

Arrays have a leading path axis, so the Monte Carlo kernel uses the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True, kw_only=True)
class DebtTerms:
    """One debt tranche's terms, read from its clauses."""

    tranche: str
    rate: float  # per year, charged to the project
    tenor: int  # months of amortisation from the first operating month
    amortisation: str  # annuity | linear | bullet
    fee: float = 0.0  # guarantee fee per year on the balance, paid to the guarantor
    coverage: float = 0.0  # share of a written-off balance the guarantor pays


@dataclass(frozen=True, slots=True, kw_only=True)
class DebtFlows:
    """Cash flows of every debt tranche of one project, by path and month."""

    service: np.ndarray  # (tranches, paths, months): paid to the funder
    fees: np.ndarray  # (tranches, paths, months): paid to the guarantor
    written_off: np.ndarray  # (tranches, paths, months): balance lost in the last month
    guarantee_calls: np.ndarray  # (tranches, paths, months): guarantor pays lenders
    balance: np.ndarray  # (tranches, paths, months): balance at month end
    equity_cash: np.ndarray  # (paths, months): operating cash left for equity


def annuity_outstanding(balance: float, rate: float, tenor: int, k: int) -> float:
    """Outstanding of a level-payment loan after ``k`` payments (closed form)."""
    i = rate / 12.0
    if i == 0:
        return balance * (1 - k / tenor)
    a = (1 + i) ** tenor
    return balance * (a - (1 + i) ** k) / (a - 1)


def debt_flows(terms: list[DebtTerms], draws: np.ndarray, operating: np.ndarray, cod: int,
               end: int) -> DebtFlows:
    """Run the debt tranches of one project.

    ``draws`` is (tranches, paths, months) of disbursements; ``operating`` is
    (paths, months) of operating cash; ``cod`` and ``end`` are the 0-based first
    and last operating months.
    """
    n_tr = len(terms)
    _, n_paths, n_months = draws.shape if n_tr else (0, *operating.shape)
    service = np.zeros((n_tr, n_paths, n_months))
    fees = np.zeros_like(service)
    written = np.zeros_like(service)
    calls = np.zeros_like(service)
    bal_out = np.zeros_like(service)
    equity = np.asarray(operating, dtype=np.float64).copy()
    if n_tr == 0:
        return DebtFlows(service=service, fees=fees, written_off=written, guarantee_calls=calls,
                         balance=bal_out, equity_cash=equity)
    bal = np.zeros((n_tr, n_paths))
    start_bal = np.zeros((n_tr, n_paths))
    rates = np.array([t.rate for t in terms])[:, None] / 12.0
    fee_rates = np.array([t.fee for t in terms])[:, None] / 12.0
    for m in range(n_months):
        interest = bal * rates
        bal = bal + draws[:, :, m]
        if m < cod:
            bal = bal + interest  # capitalised during construction
            bal_out[:, :, m] = bal
            continue
        if m == cod:
            start_bal = bal  # the amortising principal; its first payment is due this month
        k = m - cod
        due_principal = np.zeros_like(bal)
        for j, t in enumerate(terms):
            if t.amortisation == "annuity":
                allowed = annuity_outstanding(1.0, t.rate, t.tenor, min(k + 1, t.tenor)) * \
                    start_bal[j]
            elif t.amortisation == "linear":
                allowed = start_bal[j] * max(0.0, 1.0 - (k + 1) / t.tenor)
            else:
                allowed = start_bal[j] if k + 1 < t.tenor else np.zeros(n_paths)
            due_principal[j] = np.maximum(bal[j] - allowed, 0.0)
        due = interest + due_principal
        fee_due = bal * fee_rates
        total = due.sum(axis=0) + fee_due.sum(axis=0)
        avail = equity[:, m]
        ratio = np.where(total > 0, np.minimum(1.0, avail / np.where(total > 0, total, 1.0)), 0.0)
        paid = due * ratio
        fees[:, :, m] = fee_due * ratio
        service[:, :, m] = paid
        bal = bal + interest - paid
        equity[:, m] = avail - paid.sum(axis=0) - fees[:, :, m].sum(axis=0)
        if m == end:
            written[:, :, m] = bal
            cover = np.array([t.coverage for t in terms])[:, None]
            calls[:, :, m] = bal * cover
            bal = np.zeros_like(bal)
        bal_out[:, :, m] = bal
        if m > end:
            break
    return DebtFlows(service=service, fees=fees, written_off=written, guarantee_calls=calls,
                     balance=bal_out, equity_cash=equity)
