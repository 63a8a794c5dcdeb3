"""IRR against pyxirr, and the hard cases that have no single answer."""

from __future__ import annotations

import numpy as np
import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgelab.metrics import IrrReason, irr_monthly, npv


@settings(max_examples=200, deadline=None)
@given(
    outlay=st.lists(st.floats(1.0, 1e9), min_size=1, max_size=12),
    inflow=st.lists(st.floats(0.0, 1e9), min_size=1, max_size=120),
)
def test_conventional_series_agree_with_pyxirr(outlay: list[float], inflow: list[float]) -> None:
    cf = np.array([-x for x in outlay] + inflow)
    if not (cf > 0).any():
        return
    ours, why = irr_monthly(cf)
    theirs = pyxirr.irr(cf)
    if theirs is None:
        assert why[0] is not IrrReason.OK or np.isfinite(ours[0])
        return
    assert why[0] is IrrReason.OK
    # pyxirr stops at about 1e-10 absolute; near a zero rate that is the agreement to ask for
    assert ours[0] == pytest.approx(theirs, rel=1e-9, abs=1e-9)


def test_batch_matches_row_by_row() -> None:
    rng = np.random.default_rng(1)
    cf = np.hstack([-rng.uniform(1, 2, (50, 3)), rng.uniform(0, 0.2, (50, 60))])
    batch, _ = irr_monthly(cf)
    rows = [irr_monthly(row)[0][0] for row in cf]
    assert np.allclose(batch, rows, rtol=1e-12)


@pytest.mark.parametrize(
    ("cf", "reason"),
    [
        ([0.0, 0.0, 0.0], IrrReason.ZERO),
        ([-1.0, -2.0, 0.0], IrrReason.NO_INFLOW),
        ([1.0, 2.0, 3.0], IrrReason.NO_OUTFLOW),
        ([-1.0, 3.0, -2.0], IrrReason.MULTIPLE),  # roots at 0% and 100% a month
        ([-100.0, 230.0, -132.0], IrrReason.MULTIPLE),  # 10% and 20%
    ],
)
def test_hard_cases_give_nan_and_a_reason(cf: list[float], reason: IrrReason) -> None:
    r, why = irr_monthly(np.array(cf))
    assert np.isnan(r[0])
    assert why[0] is reason


def test_three_sign_changes_with_one_root_is_found() -> None:
    # -100 + 150x - 10x^2 + 5x^3 (x = 1/(1+r)) is increasing, so one root though 3 sign changes
    cf = np.array([-100.0, 150.0, -10.0, 5.0])
    r, why = irr_monthly(cf)
    assert why[0] is IrrReason.OK
    assert npv(cf, (1 + r[0]) ** 12 - 1) == pytest.approx(0.0, abs=1e-8)


def test_npv_discounts_monthly_at_an_annual_rate() -> None:
    cf = np.zeros(13)
    cf[12] = 104.0
    assert npv(cf, 0.04) == pytest.approx(100.0)
