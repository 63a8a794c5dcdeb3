"""A sampled frontier: a space-filling design over the axes' box instead of the grid.

Checked independently: the Latin hypercube's defining property (each axis has exactly one point
in each of N equal strata of its range) read off the variants; the Sobol' points equal scipy's
own scrambled sequence scaled to the range by hand; the Pareto set equals a brute-force dominance
check written here; a sampled variant's outcomes equal the deal edited and run by ``pledgelab.run``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

from pledgelab import InputError, run
from pledgelab.analysis import frontier
from pledgelab.metrics import default_discount_rate, npv
from pledgelab.pipeline import load_pipeline
from pledgelab.terms import apply_overrides, load_deal, override

DEAL = "us-korea-2025-11"
PIPE = "korea-illustrative"
CAP = "timeline.annual_cap"
SPREAD = "distribution.deemed_spread"


def test_latin_hypercube_has_one_point_per_stratum() -> None:
    n = 12
    res = frontier(DEAL, pipeline=PIPE, vary=[f"{CAP}=10e9:25e9", f"{SPREAD}=0.0:0.02"], sample=n,
                   sampler="lhs", objectives=["KR.npv", "US.npv"], reservation=None, positions=(), seed=3)
    assert len(res.variants) == n
    for k, (lo, hi) in enumerate(((10e9, 25e9), (0.0, 0.02))):
        x = np.array([float(v[k][1]) for v in res.variants])
        assert np.all((x >= lo) & (x <= hi))
        strata = np.floor((x - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata.tolist()) == list(range(n))


def test_sobol_points_are_scipys_scaled_and_the_pareto_set_is_the_brute_force_one() -> None:
    n = 16
    res = frontier(DEAL, pipeline=PIPE, vary=[f"{CAP}=10e9:25e9", f"{SPREAD}=0.0:0.02"], sample=n,
                   objectives=["KR.npv", "US.npv"], reservation=None, positions=(), seed=5)
    u = qmc.Sobol(d=2, scramble=True, seed=5).random(n)
    want = np.column_stack([10e9 + u[:, 0] * 15e9, u[:, 1] * 0.02])
    got = np.array([[float(v[0][1]), float(v[1][1])] for v in res.variants])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    pts = np.column_stack([res.column("KR.npv"), res.column("US.npv")])
    for i in range(n):
        dominated = any(np.all(pts[j] >= pts[i]) and np.any(pts[j] > pts[i]) for j in range(n) if j != i)
        assert res.pareto[i] == (not dominated)
    # one sampled variant, the deal edited and run on its own
    i = int(np.argmax(res.pareto))
    deal = load_deal(DEAL)
    edited = apply_overrides(deal, [override(CAP, got[i, 0], reason="t"),
                                    override(SPREAD, got[i, 1], reason="t")], id="edited")
    r = run(edited, load_pipeline(PIPE))
    rate = default_discount_rate(deal)
    assert res.column("KR.npv")[i] == pytest.approx(npv(r.net("KR"), rate), rel=1e-9)
    assert res.column("US.npv")[i] == pytest.approx(npv(r.net("US"), rate), rel=1e-9)


def test_a_set_axis_is_sampled_by_slices_and_repeats_are_kept_once() -> None:
    res = frontier(DEAL, pipeline=PIPE, vary=["distribution.loss_treatment=investor-bears,capital-first"],
                   sample=8, objectives=["KR.npv", "US.npv"], reservation=None, positions=())
    assert sorted(v[0][1] for v in res.variants) == ["capital-first", "investor-bears"]


@pytest.mark.parametrize(("kwargs", "vary", "message"), [
    ({"sample": 12}, f"{CAP}=10e9:25e9", "power of two"),
    ({"sample": 1}, f"{CAP}=10e9:25e9", "2 to"),
    ({"sample": 8, "sampler": "grid"}, f"{CAP}=10e9:25e9", "not one of"),
    ({"sample": 8}, f"{CAP}=10e9:25e9:4", "lo:hi"),
])
def test_bad_samples_are_refused_in_words(kwargs: dict[str, object], vary: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        frontier(DEAL, pipeline=PIPE, vary=[vary], objectives=["KR.npv", "US.npv"], reservation=None,
                 positions=(), **kwargs)  # type: ignore[arg-type]
    assert message in str(e.value)
