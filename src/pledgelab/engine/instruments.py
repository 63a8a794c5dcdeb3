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


def debt_flows(terms: list[DebtTerms], draws: np.ndarray, operating: np.ndarray,
               cod: int | np.ndarray, end: int | np.ndarray) -> DebtFlows:
    """Run the debt tranches of one project.

    ``draws`` is (tranches, paths, months) of disbursements; ``operating`` is
    (paths, months) of operating cash; ``cod`` and ``end`` are the 0-based first
    and last operating months, scalars or one per path.
    """
    n_tr = len(terms)
    n_paths, n_months = operating.shape
    service = np.zeros((n_tr, n_paths, n_months))
    fees = np.zeros_like(service)
    written = np.zeros_like(service)
    calls = np.zeros_like(service)
    bal_out = np.zeros_like(service)
    equity = np.asarray(operating, dtype=np.float64).copy()
    if n_tr == 0:
        return DebtFlows(service=service, fees=fees, written_off=written, guarantee_calls=calls,
                         balance=bal_out, equity_cash=equity)
    cod_a = np.broadcast_to(np.asarray(cod, dtype=np.int64), (n_paths,))
    end_a = np.broadcast_to(np.asarray(end, dtype=np.int64), (n_paths,))
    bal = np.zeros((n_tr, n_paths))
    start_bal = np.zeros((n_tr, n_paths))
    rates = np.array([t.rate for t in terms])[:, None] / 12.0
    fee_rates = np.array([t.fee for t in terms])[:, None] / 12.0
    cover = np.array([t.coverage for t in terms])[:, None]
    tenors = np.array([t.tenor for t in terms])[:, None]
    kinds = [t.amortisation for t in terms]
    first_op = int(cod_a.min())
    last_op = int(end_a.max())
    for m in range(n_months):
        if m > last_op:
            break
        interest = bal * rates
        bal = bal + draws[:, :, m]
        building = np.less(m, cod_a)  # (paths,)
        if m < first_op:
            bal = bal + interest  # capitalised during construction
            bal_out[:, :, m] = bal
            continue
        start_bal = np.where(np.equal(m, cod_a)[None, :], bal, start_bal)
        k = m - cod_a  # amortisation month per path
        allowed = np.zeros_like(bal)
        for j, kind in enumerate(kinds):
            n = int(tenors[j, 0])
            if kind == "annuity":
                kk = np.clip(k + 1, 0, n)
                allowed[j] = annuity_outstanding_array(start_bal[j], terms[j].rate, n, kk)
            elif kind == "linear":
                allowed[j] = start_bal[j] * np.maximum(0.0, 1.0 - (k + 1) / n)
            else:
                allowed[j] = np.where(k + 1 < n, start_bal[j], 0.0)
        due = interest + np.maximum(bal - allowed, 0.0)
        fee_due = bal * fee_rates
        total = due.sum(axis=0) + fee_due.sum(axis=0)
        avail = equity[:, m]
        ratio = np.where(total > 0, np.minimum(1.0, avail / np.where(total > 0, total, 1.0)), 0.0)
        operating_now = ~building & np.less_equal(m, end_a)
        ratio = np.where(operating_now, ratio, 0.0)
        paid = due * ratio
        fees[:, :, m] = fee_due * ratio
        service[:, :, m] = paid
        # before operations interest is capitalised; after the end nothing is owed
        bal = np.where(building[None, :], bal + interest, bal + interest - paid)
        equity[:, m] = avail - paid.sum(axis=0) - fees[:, :, m].sum(axis=0)
        at_end = np.equal(m, end_a)[None, :]
        written[:, :, m] = np.where(at_end, bal, 0.0)
        calls[:, :, m] = np.where(at_end, bal * cover, 0.0)
        bal = np.where(at_end | np.greater(m, end_a)[None, :], 0.0, bal)
        bal_out[:, :, m] = bal
    return DebtFlows(service=service, fees=fees, written_off=written, guarantee_calls=calls,
                     balance=bal_out, equity_cash=equity)


def annuity_outstanding_array(balance: np.ndarray, rate: float, tenor: int,
                              k: np.ndarray) -> np.ndarray:
    """:func:`annuity_outstanding` for arrays of balances and payment counts."""
    i = rate / 12.0
    if i == 0:
        return np.asarray(balance * (1 - k / tenor))
    a = (1 + i) ** tenor
    return np.asarray(balance * (a - np.power(1 + i, k)) / (a - 1))
