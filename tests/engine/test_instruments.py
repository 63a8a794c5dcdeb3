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


def test_shortfall_is_owed_then_written_off_and_guarantee_pays_coverage() -> None:
    terms = DebtTerms(tranche="g", rate=0.12, tenor=12, amortisation="annuity", fee=0.01,
                      coverage=0.8)
    flows, ops = _one(terms, operating=0.5)
    # never enough cash: everything available goes to debt and fees, nothing to equity
    assert np.allclose(flows.equity_cash[0, 2:31], 0.0)
    left = flows.written_off[0, 0, 30]
    assert left > 100.0  # unpaid interest was capitalised
    assert flows.guarantee_calls[0, 0, 30] == pytest.approx(0.8 * left)
    assert np.allclose(flows.service[0, 0] + flows.fees[0, 0], ops[0])
