"""The compiled per-path reduction equals the NumPy formulas it replaced, computed here apart."""

from __future__ import annotations

import numpy as np

from pledgelab.analysis._reduce import reduce_parties


def test_reduce_parties_equals_numpy() -> None:
    rng = np.random.default_rng(3)
    parties, paths, months = 3, 40, 130
    paid = -rng.exponential(1.0, (parties, paths, months)) * (rng.random((parties, paths, months)) < 0.3)
    got = rng.normal(0.2, 1.0, (parties, paths, months)) * (rng.random((parties, paths, months)) < 0.5)
    paid[0, 0] = 0.0  # a path that never pays in: no payback
    disc = 1.04 ** (-np.arange(months) / 12.0)
    keep, years = 25, months // 12
    net = np.empty_like(paid)
    out = [np.zeros((parties, paths)) for _ in range(3)]
    payback = np.zeros((parties, paths), dtype=np.int64)
    fan = np.zeros((parties, keep, years))
    reduce_parties(paid, got, disc, keep, net, *out, payback, fan)
    contributed, received, npv = out
    want_net = paid + got
    np.testing.assert_array_equal(net, want_net)
    np.testing.assert_allclose(contributed, -paid.sum(axis=2), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(received, got.sum(axis=2), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(npv, (want_net * disc).sum(axis=2), rtol=1e-12, atol=1e-12)
    cum = np.cumsum(want_net, axis=2)
    np.testing.assert_array_equal(fan, cum[:, :keep, 11: years * 12: 12])
    for i in range(parties):
        for p in range(paths):  # payback: the first month back at zero after being below it
            below = np.flatnonzero(cum[i, p] < -1e-6)
            later = [t for t in range(months) if below.size and t > below[0] and cum[i, p, t] >= -1e-6]
            assert payback[i, p] == (later[0] if later else -1)
    assert (payback >= 0).any() and (payback < 0).any()
