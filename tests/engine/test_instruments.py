"""Debt tranches against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from pledgelab.engine import DebtTerms, debt_flows


def _one(terms: DebtTerms, operating: float, months: int = 40, cod: int = 2, end: int = 30):
    draws = np.zeros((1, 1, months))
    draws[0, 0, 0] = 100.0
    ops = np.zeros((1, months))
    ops[0, cod:end + 1] = operating
    return debt_flows([terms], draws, ops, cod, end), ops


def test_annuity_payments_are_level_and_repay_the_loan() -> None:
    i = 0.06 / 12
    terms = DebtTerms(tranche="t", rate=0.06, tenor=12, amortisation="annuity")
    flows, ops = _one(terms, operating=1e6)
    principal = 100.0 * (1 + i)  # one month of interest capitalised before operations (month 1)
    payment = principal * i / (1 - (1 + i) ** -12)
    service = flows.service[0, 0]
    assert np.allclose(service[2:14], payment, rtol=1e-12)
    assert np.all(service[14:] == 0)
    assert flows.balance[0, 0, 13] == pytest.approx(0.0, abs=1e-9)
    # what debt does not take, equity gets
    assert np.allclose(flows.equity_cash[0] + service, ops[0])


def test_linear_and_bullet() -> None:
    lin, _ = _one(DebtTerms(tranche="t", rate=0.0, tenor=4, amortisation="linear"), operating=1e6)
    assert np.allclose(lin.service[0, 0, 2:6], 25.0)
    bul, _ = _one(DebtTerms(tranche="t", rate=0.0, tenor=4, amortisation="bullet"), operating=1e6)
    assert np.allclose(bul.service[0, 0, 2:5], 0.0)
    assert bul.service[0, 0, 5] == pytest.approx(100.0)


def test_missed_service_is_called_when_missed_and_the_rest_written_off() -> None:
    # rate 0, linear over 4 months, 100 drawn, 10 of cash a month, 80% cover (by hand):
    # each month 15 of new service is missed and 0.8 x 15 = 12 is called; the 20% left stays owed,
    # and in the last month 12 is written off (the lenders' 20% of the 60 never paid).
    terms = DebtTerms(tranche="g", rate=0.0, tenor=4, amortisation="linear", fee=0.0, coverage=0.8)
    flows, _ = _one(terms, operating=10.0, months=6, cod=1, end=4)
    assert np.allclose(flows.service[0, 0, 1:5], 10.0)
    assert np.allclose(flows.guarantee_calls[0, 0], [0, 12, 12, 12, 12, 0])
    assert flows.written_off[0, 0, 4] == pytest.approx(12.0)
    assert np.allclose(flows.equity_cash[0], 0.0)
