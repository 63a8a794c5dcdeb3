"""Rows with several sign changes: the cumulative-sum proof against a brute-force root search.

The rows are shaped like the investor rows of a real simulation (calls over
years, receipts from operations, more calls and clawbacks in between: 3 to 27
sign changes). The oracle counts the NPV's sign changes on a fine grid of
``x = log(1 + monthly rate)`` over the range the method searches, and bisects
each bracket to the root in plain float arithmetic; it shares no code with the
method. Also checked: the same codes and roots as the grid scan the method
replaces, on rows of a real simulation; pyxirr's root where it finds one.
"""

from __future__ import annotations

import numpy as np
import pytest
import pyxirr

import pledgelab
from pledgelab.metrics import IrrReason, irr_monthly, irr_monthly_codes

LO, HI = np.log1p(-0.9999), np.log1p(10.0)  # the range searched (metrics.irr._LO, _HI)
OK, MULTIPLE, NO_ROOT = 0, 4, 5


def _scaled_npv(cf: np.ndarray, x: float) -> float:
    """NPV at x times a positive factor (the largest discount factor made 1)."""
    t = np.flatnonzero(cf)
    anchor = t[0] if x >= 0 else t[-1]
    return float(np.sum(cf[t] * np.exp(-x * (t - anchor))))


def _brute_force(cf: np.ndarray, points: int = 20_001) -> tuple[int, float]:
    """Reason code and root from the NPV's sign on a fine grid, each bracket bisected to the root."""
    grid = np.linspace(LO, HI, points)
    t = np.flatnonzero(cf)
    signs = np.empty(points)
    for side, anchor in ((grid < 0, t[-1]), (grid >= 0, t[0])):  # the largest factor made 1
        signs[side] = np.sign(np.exp(-np.outer(grid[side], t - anchor)) @ cf[t])
    cross = np.flatnonzero(signs[1:] * signs[:-1] < 0)
    if cross.size == 0:
        return NO_ROOT, float("nan")
    if cross.size > 1:
        return MULTIPLE, float("nan")
    lo, hi = grid[cross[0]], grid[cross[0] + 1]
    s_lo = signs[cross[0]]
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if np.sign(_scaled_npv(cf, mid)) == s_lo:
            lo = mid
        else:
            hi = mid
    return OK, float(np.expm1(0.5 * (lo + hi)))


def _investor_like(rng: np.random.Generator, months: int = 480) -> np.ndarray:
    """An investor's monthly net cash: calls, then receipts with more calls and clawbacks among them."""
    cf = np.zeros(months)
    build = int(rng.integers(12, 120))
    cf[:build] = -rng.uniform(0.1, 2.0, build) * (rng.random(build) < 0.7)
    ops = rng.uniform(0.02, 0.4) * rng.lognormal(0.0, 0.3, months - build)
    cf[build:] = ops * (rng.random(months - build) < 0.9)
    n_calls = int(rng.integers(1, 14))  # later calls: 2 to 27 sign changes in all
    at = rng.integers(build, months, n_calls)
    cf[at] -= rng.uniform(0.1, 3.0, n_calls)
    end = int(rng.integers(months // 2, months))
    cf[end:] = 0.0
    return cf


def _changes(row: np.ndarray) -> int:
    s = np.sign(row[row != 0])
    return int(np.count_nonzero(s[1:] != s[:-1]))


def test_investor_like_rows_equal_a_brute_force_root_search() -> None:
    rng = np.random.default_rng(15)
    rows = np.array([_investor_like(rng) for _ in range(120)])
    several = [i for i in range(rows.shape[0]) if _changes(rows[i]) >= 2]
    assert len(several) >= 100
    rates, codes = irr_monthly_codes(rows[several])
    seen = set()
    for k, i in enumerate(several):
        code, root = _brute_force(rows[i])
        seen.add(code)
        assert codes[k] == code, (i, codes[k], code)
        if code == OK:
            assert abs(rates[k] - root) <= 1e-12, (i, rates[k], root)
    assert {OK, NO_ROOT} <= seen  # the rows exercise more than one outcome


def test_same_codes_and_roots_as_the_grid_scan_on_rows_of_a_real_simulation() -> None:
    from pledgelab.drivers import draw, load_drivers
    from pledgelab.engine import make_plan, run_paths

    plan = make_plan(pledgelab.load_deal("us-korea-2025-11"), pledgelab.load_pipeline("korea-illustrative"))
    d = draw(load_drivers("default"), archetypes=plan.archetypes, build_months=plan.build_months,
             months=plan.months, paths=slice(0, 48), seed=3, benchmark_start=0.04)
    flows = run_paths(plan, d)
    for i, _ in enumerate(flows.parties):
        net = flows.paid[i] + flows.got[i]
        new, new_codes = irr_monthly_codes(net)
        old, old_codes = irr_monthly_codes(net, scan_only=True)
        np.testing.assert_array_equal(new_codes, old_codes)
        both = np.isfinite(new) & np.isfinite(old)
        assert np.array_equal(np.isfinite(new), np.isfinite(old))
        if both.any():
            assert np.max(np.abs(new[both] - old[both])) <= 1e-12
    kr = flows.paid[flows.parties.index("KR")] + flows.got[flows.parties.index("KR")]
    assert min(_changes(r) for r in kr) >= 3  # the real investor rows are not conventional


def test_a_unique_root_is_pyxirrs_root_where_pyxirr_finds_one() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(80):
        cf = _investor_like(rng, months=240)
        if _changes(cf) < 2:
            continue
        rate, why = irr_monthly(cf)
        if why[0] is not IrrReason.OK:
            continue
        theirs = pyxirr.irr(cf)
        if theirs is None or not (np.expm1(LO) < theirs < np.expm1(HI)):
            continue
        assert rate[0] == pytest.approx(theirs, rel=1e-9, abs=1e-9)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    ("cf", "code"),
    [
        ([-100.0, 230.0, -132.0], MULTIPLE),  # (1 + r) = 1.1 or 1.2: 10% and 20% a month
        ([1.0, -2.0, 2.0], NO_ROOT),  # 1 - 2v + 2v**2 > 0 for every v
        ([-1.0, 0.5, -0.2, 1.0], OK),  # three sign changes, one positive root in v (checked below)
        ([-1.0, 5.0, -6.0 + 1e-3], MULTIPLE),  # roots close together: 1 + r = 2.9.. and 2.0..
    ],
)
def test_hand_checked_rows(cf: list[float], code: int) -> None:
    row = np.array(cf)
    _, codes = irr_monthly_codes(row)
    assert codes[0] == code
    roots = np.roots(row[::-1])  # roots in v = 1 / (1 + r) of sum c_t v**t
    v = roots[(abs(roots.imag) < 1e-12) & (roots.real > 0)].real
    r = 1.0 / v - 1.0
    inside = np.count_nonzero((r > np.expm1(LO)) & (r < np.expm1(HI)))
    assert code == (NO_ROOT if inside == 0 else OK if inside == 1 else MULTIPLE)
