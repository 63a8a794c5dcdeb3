"""Loans, ship finance and guaranteed loans: their cash flows inside a project.

Implements the debt tranches of a term sheet (``method: loan``,
``ship-finance``, ``guarantee``):

* draws follow the project's capital calls; interest at ``rate`` (or the
  guaranteed lenders' ``lender_rate``) per year accrues monthly (``r/12``) and
  is capitalised until the first operating month;
* from the first operating month the balance amortises over ``tenor`` months
  (``annuity``: level payments; ``linear``: equal principal; ``bullet``: all
  principal in the last month of the tenor) — the engine passes the shorter of
  the tenor and the project's life (``beyond_life: amortise-within-life``) or
  the tenor with the whole balance due in the project's last month
  (``balloon-at-end``);
* debt service — interest, scheduled principal and any arrears, plus the
  guarantee ``fee`` on the guaranteed balance — is senior to equity and paid
  pro rata from the month's operating cash; what cannot be paid stays owed
  (unpaid interest is capitalised);
* a guaranteed loan's missed debt service is called on the guarantor in the
  month it is missed: the guarantor pays the lenders ``coverage`` of the
  shortfall, which reduces the balance (no recovery from the project is
  modelled); the rest stays owed by the project;
* in the project's last month any balance still owed is written off: a loan's
  funder loses it; for a guaranteed loan the guarantor (the investor) pays the
  lenders ``coverage`` of it;
* every call is limited by what is left of its guarantee's limit (``room``, by
  tranche and path) and of the deal's overall guarantee limit (``total``, by
  path); both are shared by the projects a run passes in turn and reduced in
  place. Past a limit the lenders bear the loss (``beyond_guarantee_limit:
  lender-loss``).

Arrays have a leading path axis, so the Monte Carlo kernel uses the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit


@dataclass(frozen=True, slots=True, kw_only=True)
class DebtTerms:
    """One debt tranche's terms, read from its clauses."""

    tranche: str
    rate: float  # per year, charged to the project
    tenor: int  # months of amortisation from the first operating month
    amortisation: str  # annuity | linear | bullet
    fee: float = 0.0  # guarantee fee per year on the balance, paid to the guarantor
    coverage: float = 0.0  # share of missed service and of a written-off balance the guarantor pays
    balloon: bool = False  # the whole balance falls due in the project's last month


@dataclass(frozen=True, slots=True, kw_only=True)
class DebtFlows:
    """Cash flows of every debt tranche of one project, by path and month."""

    service: np.ndarray  # (tranches, paths, months): paid to the funder
    fees: np.ndarray  # (tranches, paths, months): paid to the guarantor
    written_off: np.ndarray  # (tranches, paths, months): balance lost in the last month
    guarantee_calls: np.ndarray  # (tranches, paths, months): guarantor pays lenders
    balance: np.ndarray  # (tranches, paths, months): balance at month end
    equity_cash: np.ndarray  # (paths, months): operating cash left for equity


def debt_flows(terms: list[DebtTerms], draws: np.ndarray, operating: np.ndarray,
               cod: int | np.ndarray, end: int | np.ndarray, *, room: np.ndarray | None = None,
               total: np.ndarray | None = None) -> DebtFlows:
    """Run the debt tranches of one project.

    ``draws`` is (tranches, paths, months) of disbursements; ``operating`` is
    (paths, months) of operating cash; ``cod`` and ``end`` are the 0-based first
    and last operating months, scalars or one per path. ``room`` (tranches, paths)
    and ``total`` (paths,) are what is left of each guarantee's limit and of the
    deal's overall limit (default: no limit); the calls made here are taken off
    them in place.
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
    room_a = np.full((n_tr, n_paths), np.inf) if room is None else room
    total_a = np.full(n_paths, np.inf) if total is None else total
    cod_a = np.ascontiguousarray(np.broadcast_to(np.asarray(cod, dtype=np.int64), (n_paths,)))
    end_a = np.ascontiguousarray(np.broadcast_to(np.asarray(end, dtype=np.int64), (n_paths,)))
    _debt_rows(
        _DebtPlan(rates=np.array([t.rate for t in terms]) / 12.0,
                  fee_rates=np.array([t.fee for t in terms]) / 12.0,
                  cover=np.array([t.coverage for t in terms]),
                  tenors=np.array([t.tenor for t in terms], dtype=np.int64),
                  kinds=np.array([_AMORTISATION[t.amortisation] for t in terms], dtype=np.int64),
                  balloon=np.array([t.balloon for t in terms], dtype=np.bool_)),
        _DebtPaths(draws=np.ascontiguousarray(draws, dtype=np.float64), cod=cod_a, end=end_a,
                   room=room_a, total=total_a),
        _DebtOut(service=service, fees=fees, written=written, calls=calls, balance=bal_out,
                 equity=equity))
    return DebtFlows(service=service, fees=fees, written_off=written, guarantee_calls=calls,
                     balance=bal_out, equity_cash=equity)


_AMORTISATION = {"annuity": 0, "linear": 1, "bullet": 2}


class _DebtPlan(NamedTuple):
    """The tranches' terms, one entry per tranche (monthly rates)."""

    rates: np.ndarray  # interest per month
    fee_rates: np.ndarray  # guarantee fee per month
    cover: np.ndarray  # share of a write-off the guarantor pays
    tenors: np.ndarray  # months of amortisation
    kinds: np.ndarray  # _AMORTISATION codes
    balloon: np.ndarray  # the whole balance falls due in the last month


class _DebtPaths(NamedTuple):
    """What each path brings: disbursements (tranches, paths, months), first and last operating month;
    what is left of each guarantee's limit (tranches, paths) and of the overall limit (paths,),
    which the loop reduces in place."""

    draws: np.ndarray
    cod: np.ndarray
    end: np.ndarray
    room: np.ndarray
    total: np.ndarray


class _DebtOut(NamedTuple):
    """Outputs (tranches, paths, months), and the operating cash (paths, months) left for equity,
    which the loop reduces in place."""

    service: np.ndarray
    fees: np.ndarray
    written: np.ndarray
    calls: np.ndarray
    balance: np.ndarray
    equity: np.ndarray


@njit(cache=True, nogil=True)
def _debt_rows(plan, paths, out):  # type: ignore[no-untyped-def]
    """The monthly debt loop of the module docstring, compiled, one path at a time."""
    rates, fee_rates, cover, tenors, kinds = plan.rates, plan.fee_rates, plan.cover, plan.tenors, plan.kinds
    balloon = plan.balloon
    draws, cod, end, room, overall = paths.draws, paths.cod, paths.end, paths.room, paths.total
    service, fees, written, calls = out.service, out.fees, out.written, out.calls
    bal_out, equity = out.balance, out.equity
    n_tr, n_paths, n_months = draws.shape
    bal = np.zeros(n_tr)
    start_bal = np.zeros(n_tr)
    interest = np.zeros(n_tr)
    due = np.zeros(n_tr)
    fee_due = np.zeros(n_tr)
    seen = np.zeros(n_tr)  # arrears whose guarantee call was already made (or refused at the limit)
    for p in range(n_paths):
        for j in range(n_tr):
            bal[j] = 0.0
            start_bal[j] = 0.0
            seen[j] = 0.0
        for m in range(n_months):
            if m > end[p]:
                break
            for j in range(n_tr):
                interest[j] = bal[j] * rates[j]
                bal[j] = bal[j] + draws[j, p, m]
            if m < cod[p]:  # construction: interest is capitalised
                for j in range(n_tr):
                    bal[j] = bal[j] + interest[j]
                    bal_out[j, p, m] = bal[j]
                continue
            if m == cod[p]:
                for j in range(n_tr):
                    start_bal[j] = bal[j]  # the amortising principal
            k = m - cod[p]
            total_due = 0.0
            total_fee = 0.0
            for j in range(n_tr):
                n = tenors[j]
                if kinds[j] == 0:  # annuity
                    kk = min(max(k + 1, 0), n)
                    i = rates[j]
                    if i == 0:
                        allowed = start_bal[j] * (1 - kk / n)
                    else:
                        g = (1 + i) ** n
                        allowed = start_bal[j] * (g - (1 + i) ** kk) / (g - 1)
                elif kinds[j] == 1:  # linear
                    allowed = start_bal[j] * max(0.0, 1.0 - (k + 1) / n)
                else:  # bullet
                    allowed = start_bal[j] if k + 1 < n else 0.0
                if balloon[j] and m == end[p]:
                    allowed = 0.0
                due[j] = interest[j] + max(bal[j] - allowed, 0.0)
                fee_due[j] = bal[j] * fee_rates[j]
                total_due += due[j]
                total_fee += fee_due[j]
            total = total_due + total_fee
            avail = equity[p, m]
            ratio = min(1.0, avail / total) if total > 0 else 0.0
            paid_sum = 0.0
            fee_sum = 0.0
            for j in range(n_tr):
                paid = due[j] * ratio
                fee = fee_due[j] * ratio
                service[j, p, m] = paid
                fees[j, p, m] = fee
                paid_sum += paid
                fee_sum += fee
                call = 0.0
                missed = max(due[j] - paid - seen[j], 0.0)  # payments clear the oldest arrears first
                if cover[j] > 0 and missed > 0:  # missed service is called this month
                    call = min(missed * cover[j], room[j, p], overall[p])
                    room[j, p] -= call
                    overall[p] -= call
                seen[j] = max(due[j] - paid - call, 0.0)
                calls[j, p, m] = call
                bal[j] = bal[j] + interest[j] - paid - call
            equity[p, m] = avail - paid_sum - fee_sum
            if m == end[p]:  # what is still owed is written off; guarantees pay their share
                for j in range(n_tr):
                    written[j, p, m] = bal[j]
                    if cover[j] > 0 and bal[j] - seen[j] > 0:
                        call = min((bal[j] - seen[j]) * cover[j], room[j, p], overall[p])
                        room[j, p] -= call
                        overall[p] -= call
                        calls[j, p, m] += call
                    bal[j] = 0.0
            for j in range(n_tr):
                bal_out[j, p, m] = bal[j]
