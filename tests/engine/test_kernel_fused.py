"""The compiled routing of all-equity deals (engine/_fused.py) equals run_paths' NumPy loop, bit for bit,
and the reference twin; deals it does not apply to keep the loop."""

from __future__ import annotations

import numpy as np
import pytest
from test_kernel import _draws, _shocks

import pledgelab.engine._kernel as kernel
from builders import variant
from pledgelab import load_deal, load_pipeline
from pledgelab.engine import make_plan, run_paths, run_reference

FIELDS = ("paid", "got", "project_cash", "recovered", "review_triggered", "truncated")


@pytest.mark.parametrize(("deal_id", "pipe_id"), [("us-korea-2025-11", "korea-illustrative"),
                                                  ("us-japan-2025-09", "japan-first-tranche")])
@pytest.mark.parametrize("reading", ["investor-unlimited", "host-beyond-cap", "abandon-at-cap"])
def test_fused_routing_equals_the_numpy_loop(deal_id: str, pipe_id: str, reading: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    deal = variant(load_deal(deal_id), {"amount.overrun_payer": reading})
    pipe = load_pipeline(pipe_id)
    plan = make_plan(deal, pipe)
    assert kernel.fusable(deal, list(plan.financed))
    rng = np.random.default_rng(11)
    draws = _draws(rng, 12, len(plan.order), plan.months, plan.build_months, start_rate=0.04)
    draws = type(draws)(**{**{f: getattr(draws, f) for f in draws.__dataclass_fields__},
                           "capex_factor": draws.capex_factor * 1.6})  # overruns: the host pays some
    fused = run_paths(plan, draws)
    monkeypatch.setattr(kernel, "fusable", lambda *a: False)
    loop = run_paths(plan, draws)
    for name in FIELDS:
        assert np.array_equal(getattr(fused, name), getattr(loop, name)), name
    for p in range(3):  # and the oracle
        ref = run_reference(deal, pipe, shocks=_shocks(draws, p, plan.order), benchmark=draws.benchmark[p])
        for party in deal.parties:
            assert np.allclose(fused.net(party)[p, : ref.months], ref.net(party), rtol=1e-9, atol=1e-3)


def test_deals_with_loans_or_guarantees_keep_the_loop() -> None:
    deal = load_deal("korea-counter-2025-10")
    plan = make_plan(deal, load_pipeline("korea-illustrative"))
    assert not kernel.fusable(deal, list(plan.financed))
