"""The vectorised kernel equals the plain per-path reference twin (engine/reference.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import SHIPPED_DEALS, pipeline, project, project_strategy, terms_strategy, variant
from pledgelab.drivers import Draws
from pledgelab.engine.kernel import make_plan, run_paths
from pledgelab.engine.reference import run_reference as run
from pledgelab.engine.schedule import Shock

BASES = SHIPPED_DEALS
REL = 1e-9


def _draws(rng: np.random.Generator, paths: int, n: int, months: int, builds: list[int],
           *, start_rate: float) -> Draws:
    abandon = np.where(rng.uniform(size=(paths, n)) < 0.2,
                       (rng.uniform(size=(paths, n)) * np.array(builds)[None, :]).astype(np.int64), -1)
    steps = rng.normal(0.0, 0.002, (paths, months))
    steps[:, 0] = 0.0
    return Draws(
        benchmark=np.maximum(start_rate + np.cumsum(steps, axis=1), 0.0), fx={},
        capex_factor=rng.lognormal(0.05, 0.2, (paths, n)),
        yield_factor=rng.lognormal(0.0, 0.3, (paths, n)),
        delay=rng.poisson(4.0, (paths, n)).astype(np.int64),
        abandon_at=abandon.astype(np.int64),
        recovery=rng.uniform(0.0, 0.6, (paths, n)),
    )


def _compare(deal_name: str, specs: list[dict], changes: dict, seed: int, paths: int = 6) -> None:
    deal = variant(deal_name, changes)
    pipe = pipeline(*[project(f"p{i}", **s) for i, s in enumerate(specs)])
    plan = make_plan(deal, pipe, extra_months=400)
    n = len(plan.order)
    rng = np.random.default_rng(seed)
    draws = _draws(rng, paths, n, plan.months, plan.build_months,
                   start_rate=float(deal.value("distribution.deemed_benchmark")))
    flows = run_paths(plan, draws)
    for p in range(paths):
        shocks = {pid: Shock(delay=int(draws.delay[p, j]), capex_factor=float(draws.capex_factor[p, j]),
                             yield_factor=float(draws.yield_factor[p, j]),
                             abandon_at=int(draws.abandon_at[p, j]), recovery=float(draws.recovery[p, j]))
                  for j, pid in enumerate(plan.order)}
        ref = run(deal, pipe, shocks=shocks, benchmark=draws.benchmark[p])
        assert ref.start == plan.start
        assert not flows.truncated[p]
        scale = max(1.0, sum(s["capex"] for s in specs))
        for party in deal.parties:
            got = flows.net(party)[p]
            want = ref.net(party)
            assert np.all(np.abs(got[: ref.months] - want) <= REL * scale), (party, p)
            assert np.all(np.abs(got[ref.months:]) <= REL * scale)


projects_st = project_strategy(declines=True)
terms_st = terms_strategy()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(BASES), specs=projects_st, changes=terms_st, seed=st.integers(0, 2**31))
def test_kernel_equals_reference(base: str, specs: list[dict], changes: dict, seed: int) -> None:
    _compare(base, specs, changes, seed)


def test_kernel_equals_reference_on_the_shipped_korea_pipeline() -> None:
    from pledgelab import load_deal, load_pipeline

    deal = load_deal("us-korea-2025-11")
    pipe = load_pipeline("korea-illustrative")
    plan = make_plan(deal, pipe)
    rng = np.random.default_rng(3)
    draws = _draws(rng, 3, len(plan.order), plan.months, plan.build_months, start_rate=0.04)
    flows = run_paths(plan, draws)
    for p in range(3):
        shocks = {pid: Shock(delay=int(draws.delay[p, j]), capex_factor=float(draws.capex_factor[p, j]),
                             yield_factor=float(draws.yield_factor[p, j]),
                             abandon_at=int(draws.abandon_at[p, j]), recovery=float(draws.recovery[p, j]))
                  for j, pid in enumerate(plan.order)}
        ref = run(deal, pipe, shocks=shocks, benchmark=draws.benchmark[p])
        for party in deal.parties:
            assert np.allclose(flows.net(party)[p, : ref.months], ref.net(party), rtol=0, atol=1e-3)


def test_reference_twin_equals_the_compiled_engine_on_the_plan() -> None:
    from pledgelab import load_deal, load_pipeline
    from pledgelab.engine.deterministic import run as run_compiled

    for deal_id in ("us-korea-2025-11", "korea-counter-2025-10"):
        deal, pipe = load_deal(deal_id), load_pipeline("korea-illustrative")
        a, b = run_compiled(deal, pipe), run(deal, pipe)
        for party in deal.parties:
            assert np.allclose(a.net(party), b.net(party), rtol=0, atol=1e-3)
