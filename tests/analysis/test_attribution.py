"""NPV attribution statistics (analysis.npv_attribution) against numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from pledgelab.analysis import npv_attribution


def test_attribution_of_a_known_change_by_hand() -> None:
    # Party A: four paths, with the change 10, 20, 30, 40; without it 12, 18, 33, 37.
    # Change per path: -2, +2, -3, +3 -> mean 0; quantiles of (-3, -2, 2, 3) by linear interpolation:
    # p5 at position 0.15 -> -3 + 0.15 * 1 = -2.85; p95 at position 2.85 -> 2 + 0.85 * 1 = 2.85.
    # var(with) = mean of (15^2, 5^2, 5^2, 15^2) = 125; var(change) = (4 + 4 + 9 + 9) / 4 = 6.5.
    # Party B is zero on every path of both runs and is left out; party C never varies with it.
    with_ = np.array([[10.0, 20.0, 30.0, 40.0], [0.0] * 4, [5.0] * 4])
    without = np.array([[12.0, 18.0, 33.0, 37.0], [0.0] * 4, [4.0] * 4])
    rows = npv_attribution(["A", "B", "C"], npv_with=with_, npv_without=without)
    assert [r.party for r in rows] == ["A", "C"]
    a, c = rows
    assert (a.mean_with, a.mean_without, a.mean_change) == pytest.approx((25.0, 25.0, 0.0))
    assert (a.p5_change, a.p95_change) == pytest.approx((-2.85, 2.85))
    assert a.spread_share == pytest.approx(6.5 / 125)
    assert c.mean_change == pytest.approx(1.0) and c.spread_share is None
