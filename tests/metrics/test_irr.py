"""IRR against pyxirr, and the hard cases that have no single answer."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

import pledgelab.metrics.irr as irr_module
from pledgelab.metrics import REASONS, IrrReason, irr_monthly, irr_monthly_codes, npv


def _npv_sign(cf: np.ndarray, x: float) -> float:
    """Sign of the NPV at monthly rate exp(x) - 1, scaled so long series at extreme rates stay finite."""
    t = np.flatnonzero(cf)
    anchor = t[0] if x >= 0 else t[-1]  # the largest term, 1 after scaling
    return float(np.sign(np.sum(cf[t] * np.exp(-x * (t - anchor)))))


def _root_within(cf: np.ndarray, rate: float, tol: float) -> bool:
    """Whether the NPV changes sign (or vanishes) within ``tol * max(1, |rate|)`` of ``rate``."""
    if not rate > -1.0:
        return False  # -100% is no rate: the NPV is undefined there
    step = tol * max(1.0, abs(rate))
    growth = 1.0 + rate  # exact near -100%
    lo = math.log(max(growth - step, 0.5 * growth))
    hi = math.log(growth + step)
    return _npv_sign(cf, lo) * _npv_sign(cf, hi) <= 0


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
    # pyxirr stops at about 1e-10 absolute; near a zero rate that is the agreement to ask for
    if why[0] is IrrReason.OK and ours[0] == pytest.approx(theirs, rel=1e-9, abs=1e-9):
        return
    # Where they differ, pyxirr must be the one off: with flows near 1e9 it can stop 1e-8 short
    # of the root, and for a root within about 1e-8 of -100% it can answer -100%, which is no
    # rate. Its value must then miss the root by more than half the tolerance, and ours must be
    # the root to 1e-12 (or, with NO_ROOT, lie beyond the ±700 limit on log(1 + rate)).
    assert not _root_within(cf, theirs, 0.5e-9)
    if why[0] is IrrReason.OK:
        assert _root_within(cf, ours[0], 1e-12)
    else:
        assert why[0] is IrrReason.NO_ROOT
        assert theirs <= -1.0
        assert _npv_sign(cf, -700.0) == _npv_sign(cf, 700.0)


@pytest.mark.parametrize(
    "cf",
    [
        [-1.5, -750605166.0186694, 682487328.6817133],  # pyxirr: -0.0907505751, root -0.0907505592
        [-12.0, -957907597.1391199, 957907597.1391199],  # pyxirr: -9.93e-9, root -1.25273e-8
        [-1.0, -134217728.0, 1.0],  # pyxirr: -1.0, root -1 + 7.45e-9
    ],
)
def test_where_pyxirr_stops_short_we_find_the_root(cf: list[float]) -> None:
    r, why = irr_monthly(np.array(cf))
    assert why[0] is IrrReason.OK
    # the positive root of c0 + c1 v + c2 v**2, v = 1 / (1 + r), by the formula without cancellation
    c0, c1, c2 = cf
    v = -(c1 + math.copysign(math.sqrt(c1 * c1 - 4.0 * c2 * c0), c1)) / (2.0 * c2)
    assert r[0] == pytest.approx(1.0 / v - 1.0, rel=1e-12, abs=1e-15)
    assert _root_within(np.array(cf), r[0], 1e-12)


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


def _mixed_rows(months: int, rng: np.random.Generator) -> tuple[np.ndarray, list[IrrReason | str | None]]:
    """Conventional, non-conventional and degenerate rows, with the reason each must get.

    None stands for OK, and "any" for a row with several sign changes whose reason is not known.
    """
    rows: list[np.ndarray] = []
    want: list[IrrReason | str | None] = []

    def add(flows: list[float] | np.ndarray, reason: IrrReason | str | None = None, at: int = 0) -> None:
        row = np.zeros(months)
        row[at : at + len(flows)] = flows
        rows.append(row)
        want.append(reason)

    for _ in range(150):  # investments: outlays, then noisy inflows (some months without one)
        build = int(rng.integers(1, 13))
        row = np.concatenate([-rng.uniform(1, 10, build), rng.uniform(0, 3, months - build)])
        row[build:][rng.random(months - build) < 0.1] = 0.0
        add(row)
    for _ in range(40):  # loans: money in first, repayments after, late start
        start = int(rng.integers(0, 6))
        add(np.concatenate([[100.0], -rng.uniform(1, 5, months - start - 1)]), at=start)
    for _ in range(30):  # extreme but conventional: rates near -100% or far above +100% a month
        add([-1.0, 10.0 ** rng.uniform(-200, 200)], at=int(rng.integers(0, months - 1)))
    for _ in range(20):  # huge and tiny flows (beyond 2**±300: the robust path)
        scale = 10.0 ** rng.choice([-250.0, 250.0])
        add(np.concatenate([-rng.uniform(1, 2, 3), rng.uniform(0, 1, 20)]) * scale)
    for _ in range(40):  # a capital call in the inflow years: three sign changes
        row = np.concatenate([-rng.uniform(5, 10, 6), rng.uniform(0.5, 2, months - 6)])
        row[int(rng.integers(12, months))] = -rng.uniform(5, 60)
        add(row, "any")
    for _ in range(10):
        add([-100.0, 150.0, -10.0, 5.0])  # one root though three sign changes
        add([-1.0, 3.0, -2.0], IrrReason.MULTIPLE)
        add([-100.0, 230.0, -132.0], IrrReason.MULTIPLE)
        add([1.0, -3.0, 3.0], IrrReason.NO_ROOT)  # 1 - 3v + 3v**2 > 0: no root at all
        add([0.0], IrrReason.ZERO)
        add([-1.0, -2.0], IrrReason.NO_INFLOW)
        add([1.0, 0.0, 2.0], IrrReason.NO_OUTFLOW)
        add([-1.0, np.nan, 2.0], IrrReason.NO_ROOT)
        add([-1.0, np.inf], IrrReason.NO_ROOT)
        add([-1.0, 1e-305], IrrReason.NO_ROOT)  # root at log(1 + r) = -702, beyond the limit
    order = rng.permutation(len(rows))
    return np.array(rows)[order], [want[i] for i in order]


@pytest.mark.parametrize("small_blocks", [False, True])
def test_mixed_batch_matches_row_by_row(small_blocks: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    cf, want = _mixed_rows(60, rng)
    if small_blocks:  # many blocks, chunks and scan batches, each with a mixture of rows
        monkeypatch.setattr(irr_module, "BLOCK", 37)
        monkeypatch.setattr(irr_module, "_CHUNK", 8)
        monkeypatch.setattr(irr_module, "_SCAN_ROWS", 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch, why = irr_monthly(cf)
        single = [irr_monthly(row) for row in cf]
    assert why == [s[1][0] for s in single]
    assert np.allclose(batch, [s[0][0] for s in single], rtol=1e-12, atol=1e-15, equal_nan=True)
    for r, reason, expected, row in zip(batch, why, want, cf, strict=True):
        if isinstance(expected, IrrReason):
            assert reason is expected
            assert np.isnan(r)
        elif expected is None or reason is IrrReason.OK:
            assert reason is IrrReason.OK
            assert _root_within(row, r, 1e-12) or r == -1.0  # -1 + 1e-200 rounds to -1
        else:  # a capital call can make two roots, or none
            assert reason in (IrrReason.MULTIPLE, IrrReason.NO_ROOT)
            assert np.isnan(r)
    assert why.count(IrrReason.OK) > 250


def test_long_series_at_extreme_rates_give_no_warnings() -> None:
    months = 600
    rng = np.random.default_rng(3)
    rows = []
    for monthly in (0.01, 0.5, 3.0, 1e250):  # the last two beyond the unscaled sums' safe range
        row = np.zeros(months)
        row[0], row[1] = -1.0, 1.0 + monthly
        rows.append(row)
    near_minus_one = np.zeros(months)
    near_minus_one[0], near_minus_one[599] = -1.0, 1e-150  # log(1 + r) = -0.577 over 599 months
    rows.append(near_minus_one)
    tiny = np.zeros(months)
    tiny[0], tiny[1] = -1.0, 1e-250  # rate -1 + 1e-250: rounds to -100%
    rows.append(tiny)
    beyond = np.zeros(months)
    beyond[0], beyond[1] = -1.0, 1e-305
    rows.append(beyond)
    base = np.concatenate([-rng.uniform(1, 2, 24), rng.uniform(0, 0.5, months - 24)])
    rows.append(base)
    rows.append(np.concatenate([[1e300], -np.full(months - 1, 1e300)]))  # sums would overflow
    rows.append(base * 1e-300)
    wavy = np.sin(np.arange(months) / 7.0)  # many sign changes
    rows.append(wavy)
    rows.append(np.where(np.arange(months) % 2 == 0, -1e300, 1e300))
    cf = np.array(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rates, why = irr_monthly(cf)
        single = [irr_monthly(row) for row in cf]
    assert why[:6] == [IrrReason.OK] * 6
    assert rates[:4] == pytest.approx([0.01, 0.5, 3.0, 1e250], rel=1e-12)
    assert rates[4] == pytest.approx(math.expm1(math.log(1e-150) / 599), rel=1e-12)
    assert rates[5] == -1.0
    assert why[6] is IrrReason.NO_ROOT and np.isnan(rates[6])
    for i in (7, 8, 9):
        assert why[i] is IrrReason.OK
        assert _root_within(cf[i], rates[i], 1e-12)
    assert rates[7] == pytest.approx(rates[9], rel=1e-12)  # scaling the flows keeps the rate
    assert why[10] in (IrrReason.MULTIPLE, IrrReason.NO_ROOT, IrrReason.OK)
    assert why == [s[1][0] for s in single]
    assert np.allclose(rates, [s[0][0] for s in single], rtol=1e-12, atol=1e-15, equal_nan=True)


def test_codes_map_to_reasons() -> None:
    assert sorted(REASONS) == sorted(IrrReason) and len(REASONS) == len(IrrReason)
    cf, _ = _mixed_rows(24, np.random.default_rng(11))
    rates, codes = irr_monthly_codes(cf)
    assert codes.dtype == np.int8 and codes.shape == (cf.shape[0],)
    assert set(np.unique(codes).tolist()) == set(range(len(REASONS)))  # every reason occurs
    rates2, why = irr_monthly(cf)
    assert why == [REASONS[c] for c in codes]
    assert np.array_equal(rates, rates2, equal_nan=True)
    assert np.all(np.isnan(rates[codes != REASONS.index(IrrReason.OK)]))
    assert np.all(np.isfinite(rates[codes == REASONS.index(IrrReason.OK)]))


def test_batch_agrees_with_pyxirr() -> None:
    rng = np.random.default_rng(5)
    cf = np.hstack([-rng.uniform(5, 15, (2000, 12)), rng.uniform(0, 4, (2000, 108))])
    rates, codes = irr_monthly_codes(cf)
    theirs = np.array([pyxirr.irr(row) for row in cf], dtype=float)
    assert np.all(codes == 0) and np.all(np.isfinite(theirs))
    assert np.allclose(rates, theirs, rtol=1e-9, atol=1e-9)


def test_input_types_and_shapes() -> None:
    rng = np.random.default_rng(2)
    cf = np.hstack([-rng.uniform(5, 15, (20, 3)), rng.uniform(0, 4, (20, 30))])
    rates, codes = irr_monthly_codes(cf)
    for other in (np.asfortranarray(cf), np.hstack([cf, cf])[:, : cf.shape[1]], cf.tolist()):
        r2, c2 = irr_monthly_codes(other)
        assert np.allclose(r2, rates, rtol=1e-12, atol=0.0) and np.array_equal(c2, codes)
    r32, _ = irr_monthly_codes(cf.astype(np.float32))
    r64, _ = irr_monthly_codes(cf.astype(np.float32).astype(np.float64))
    assert np.allclose(r32, r64, rtol=1e-12, atol=0.0)
    assert irr_monthly_codes(np.round(cf * 100).astype(np.int64))[1].tolist() == [0] * 20
    empty_rates, empty_codes = irr_monthly_codes(np.zeros((0, 12)))
    assert empty_rates.shape == (0,) and empty_codes.shape == (0,)
    no_months = irr_monthly(np.zeros((3, 0)))
    assert no_months[1] == [IrrReason.ZERO] * 3
    with pytest.raises(ValueError, match="1-D or 2-D"):
        irr_monthly_codes(np.zeros((2, 2, 2)))
