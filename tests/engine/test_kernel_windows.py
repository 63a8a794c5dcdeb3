"""Each waterfall run over its window of months (engine/_windows.py) equals the waterfall run over
the whole horizon, all rows in one call as the kernel ran it before (run_waterfall is the oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from builders import variant
from pledgelab import load_deal
from pledgelab.engine._waterfall import compile_rule, run_waterfall
from pledgelab.engine._windows import waterfall_windows


def _rows(rng: np.random.Generator, n_wf: int, paths: int, months: int) -> list[tuple[np.ndarray, ...]]:
    """Waterfall inputs with idle heads and tails: calls, then cash (some months negative), then nothing."""
    out = []
    for _ in range(n_wf):
        contrib = np.zeros((paths, months))
        cash = np.zeros((paths, months))
        final = np.zeros(paths, dtype=np.int64)
        for p in range(paths):
            a = int(rng.integers(0, months // 3))
            b = a + int(rng.integers(1, 24))
            e = min(months - 1, b + int(rng.integers(12, months // 2)))
            contrib[p, a:b] = rng.uniform(0.0, 5.0, b - a) * (rng.random(b - a) < 0.8)
            cash[p, b:e] = rng.normal(0.4, 0.5, e - b)
            if rng.random() < 0.2:
                contrib[p] = 0.0  # a path where this waterfall gets nothing
            final[p] = e - 1 if rng.random() < 0.9 else months - 1
        out.append((contrib, cash, final))
    return out


@pytest.mark.parametrize("changes", [
    {},
    {"distribution.deemed_compounding": "simple"},
    {"distribution.deemed_compounding": "annual-effective"},
    {"distribution.deemed_compounding": "per-period"},
    {"distribution.loss_treatment": "host-clawback"},
    {"distribution.loss_treatment": "capital-first"},
    {"distribution.review_reading": "realised"},
])
def test_windows_equal_the_whole_horizon(changes: dict[str, str]) -> None:
    rule = compile_rule(variant(load_deal("us-korea-2025-11"), changes))
    rng = np.random.default_rng(len(changes) * 7 + len(str(changes)))
    paths, months = 9, 400
    inputs = _rows(rng, 4, paths, months)
    rates = 0.04 + np.cumsum(rng.normal(0.0, 0.001, (paths, months)), axis=1)
    got = waterfall_windows(rule, inputs, rates)
    path_of_row = np.tile(np.arange(paths), len(inputs))
    want = run_waterfall(rule, np.concatenate([w[0] for w in inputs]), np.concatenate([w[1] for w in inputs]),
                         rates, np.concatenate([w[2] for w in inputs]), detail=False, rate_row=path_of_row,
                         out_row=path_of_row, n_out=paths)
    scale = max(1.0, float(np.abs(want.paid).max()))
    assert np.max(np.abs(got.paid - want.paid)) <= 1e-12 * scale
    assert np.max(np.abs(got.clawback - want.clawback)) <= 1e-12 * scale
    np.testing.assert_array_equal(got.recovered, want.recovered)
    np.testing.assert_array_equal(got.review_triggered, want.review_triggered)
    assert (want.recovered >= 0).any() and (want.recovered < 0).any()
