"""The delay model: shared caps, the zero-delay policy, monotonicity, seeding and chunking."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgelab.drivers import BLOCK
from pledgelab.pipeline import load_pipeline, read_archetypes
from pledgelab.workforce import (
    Policy,
    Site,
    allocate,
    load_policy,
    read_demand,
    read_enforcement,
    read_pathways,
    read_policy,
    sample_delays,
    sites_from_pipeline,
)
from pledgelab.workforce._check import Triangular
from pledgelab.workforce.delays import _block_uniforms, fiscal_year, fiscal_year_start

DATA = Path(__file__).parent / "data"
POLICIES = ("status-quo-2025", "post-raid-2025", "e4-visa", "restrictive")
ARCHETYPES = tuple(read_archetypes())
DEMAND = read_demand()
ENF = read_enforcement()
LOADED = {name: load_policy(name) for name in POLICIES}
KOREA = sites_from_pipeline(load_pipeline("korea-illustrative"))


@pytest.fixture(scope="module")
def korea() -> list[Site]:
    return sites_from_pipeline(load_pipeline("korea-illustrative"))


@pytest.fixture(scope="module")
def instant() -> Policy:
    return read_policy(DATA / "instant-policy.yaml", pathways=read_pathways(DATA / "instant.yaml"))


def _tight(policy: Policy, route: str, cap_share: float) -> Policy:
    """The policy with ``route``'s cap share replaced (a tight cap for the cap tests)."""
    r = policy.routes[route]
    c = r.params["cap_share"].with_value(cap_share, note="test: tight cap")
    return dataclasses.replace(policy, routes={**policy.routes, route: r.with_overrides({"cap_share": c})})


sites_strategy = st.lists(
    st.builds(
        lambda i, a, k, d, b: Site(id=f"p{i:02d}", archetype=a, capex=k, notice=dt.date(2026, 1, 1)
                                   + dt.timedelta(days=d), start_month=0, build_months=b, nationality="KR"),
        st.integers(0, 99), st.sampled_from(ARCHETYPES), st.floats(0.5e9, 40e9), st.integers(0, 900),
        st.integers(12, 60)),
    min_size=1, max_size=12, unique_by=lambda s: s.id,
).map(lambda xs: [dataclasses.replace(s, start_month=s.notice.year * 12 + s.notice.month - 1) for s in xs])


@settings(max_examples=25, deadline=None)
@given(sites=sites_strategy, share=st.sampled_from([0.001, 0.005, 0.02, 0.1]))
def test_shared_caps_are_never_exceeded(sites: list[Site], share: float) -> None:
    policy = _tight(LOADED["e4-visa"], "e4", share)
    cap = policy.routes["e4"].cap
    assert cap is not None
    alloc = allocate(policy, sites, demand=DEMAND)
    used: dict[tuple[str, int, int], int] = {}
    for a in alloc.assignments:
        if policy.routes[a.route].cap is not None:
            assert a.cap_year is not None and a.cap_period is not None
            assert fiscal_year(a.start) == a.cap_year  # starts inside the cap year it uses
            key = (a.route, a.cap_year, a.cap_period)
            used[key] = used.get(key, 0) + a.people
    assert used == alloc.period_used
    for (route, _fy, _k), n in used.items():
        limit = policy.routes[route].cap
        assert limit is not None and n <= limit
    # every specialist of every group is placed, once: the group's peak, one visa each for the project
    for g in alloc.groups:
        key = (g.site, g.employer, g.activity)
        mine = [a for a in alloc.assignments if (a.site, a.employer, a.activity) == key]
        assert sum(a.heads for a in mine) == g.peak
        assert sum(a.fraction for a in mine) == pytest.approx(1.0)


def test_a_tight_cap_is_shared_and_binds(korea: list[Site]) -> None:
    """With a cap of 150 a year, E-4 is full in busy years and the rest spills to the annotated B-1."""
    policy = _tight(load_policy("e4-visa"), "e4", 0.01)
    alloc = allocate(policy, korea)
    assert max(alloc.cap_used.values()) == 150
    years = {fy for (_r, fy) in alloc.cap_used}
    assert any(len({a.project for a in alloc.assignments if a.route == "e4" and a.cap_year == fy}) > 1
               for fy in years), "no year shares the cap between projects"
    assert any(a.route == "b1-annotated" and a.employer == "subcontractor" for a in alloc.assignments)


def test_only_capped_routes_wait_for_the_next_fiscal_year() -> None:
    """A group that finds no room waits for the next cap year, starts on 1 October, and is late by it."""
    policy = load_policy("e4-visa")
    subs = dataclasses.replace(policy.preference["subcontractor"], value=("e4",))
    policy = _tight(dataclasses.replace(policy, preference={**policy.preference, "subcontractor": subs},
                                        mix={}), "e4", 0.01)  # 150 a year
    site = Site(id="x", archetype="battery-cell", capex=4.3e9, notice=dt.date(2027, 1, 1),
                start_month=2027 * 12, build_months=30, nationality="KR")
    alloc = allocate(policy, [site])
    waited = [a for a in alloc.assignments if a.waited_months > 0]
    assert waited and all(a.start == fiscal_year_start(a.cap_year or 0) for a in waited)
    assert all(n <= 150 for n in alloc.cap_used.values())
    d = sample_delays(policy=policy, sites=[site], paths=slice(0, 200), seed=1, allocation=alloc)
    # a late batch slows the phase in proportion: at least the waiting share times the wait
    g = next(g for g in alloc.groups
             if g.employer == "subcontractor" and g.activity == "equipment-installation")
    first = g.heads[0] / alloc.phase_heads[0, 0]
    wait = sum(a.fraction * a.waited_months for a in waited if a.activity == g.activity)
    assert d.delay.min() >= first * wait - 1e-9 > 0


def test_instant_unlimited_covering_policy_gives_zero_delay(instant: Policy, korea: list[Site]) -> None:
    d = sample_delays(policy=instant, sites=korea, paths=slice(0, 3000), seed=7)
    assert d.delay.shape == (3000, len(korea))
    assert not d.delay.any() and not d.construction_delay.any()
    assert not d.enforcement_hit.any() and not d.idle_cost.any()
    assert (d.allocation.uncovered_share == 0).all()


@settings(max_examples=20, deadline=None)
@given(policy=st.sampled_from(POLICIES), k=st.floats(1.0, 4.0), shift=st.floats(0.0, 6.0),
       seed=st.integers(0, 2**32))
def test_delay_grows_with_processing_times(policy: str, k: float, shift: float, seed: int) -> None:
    pol = LOADED[policy]
    sites = KOREA[:6]
    base = sample_delays(policy=pol, sites=sites, paths=slice(0, 300), seed=seed, demand=DEMAND,
                         enforcement=ENF)
    slower_policy = pol.with_processing(k, shift)
    slower_alloc = allocate(slower_policy, sites, demand=DEMAND)
    if [(a.route, a.heads, a.start) for a in slower_alloc.assignments] != \
            [(a.route, a.heads, a.start) for a in base.allocation.assignments]:
        return  # a different allocation
    slower = sample_delays(policy=slower_policy, sites=sites, paths=slice(0, 300), seed=seed,
                           allocation=slower_alloc, enforcement=ENF)
    assert (slower.staffing >= base.staffing - 1e-9).all()
    assert (slower.delay >= base.delay - 1e-9).all()


def test_longer_processing_can_add_delay(korea: list[Site]) -> None:
    """The monotonicity test above can fail: a much slower regime does delay more on average."""
    pol = load_policy("post-raid-2025")
    base = sample_delays(policy=pol, sites=korea, paths=slice(0, 1000), seed=3)
    slow = sample_delays(policy=pol.with_processing(1.0, 3.0), sites=korea, paths=slice(0, 1000), seed=3)
    assert slow.delay.mean() > base.delay.mean()


def test_same_seed_same_numbers_and_chunking_never_changes_one(korea: list[Site]) -> None:
    pol = load_policy("status-quo-2025")
    whole = sample_delays(policy=pol, sites=korea, paths=slice(0, 2 * BLOCK + 100), seed=11)
    again = sample_delays(policy=pol, sites=korea, paths=slice(0, 2 * BLOCK + 100), seed=11)
    np.testing.assert_array_equal(whole.delay, again.delay)
    cuts = [0, 17, BLOCK, BLOCK + 5, 2 * BLOCK + 100]
    parts = [sample_delays(policy=pol, sites=korea, paths=slice(a, z), seed=11)
             for a, z in itertools.pairwise(cuts)]
    for name in ("delay", "construction_delay", "staffing", "enforcement_slip", "idle_cost"):
        np.testing.assert_array_equal(np.concatenate([getattr(p, name) for p in parts]),
                                      getattr(whole, name))
    other = sample_delays(policy=pol, sites=korea, paths=slice(0, 2 * BLOCK + 100), seed=12)
    assert not np.array_equal(other.staffing, whole.staffing)


def test_the_order_of_the_sites_given_changes_no_number(korea: list[Site]) -> None:
    pol = load_policy("e4-visa")
    a = sample_delays(policy=pol, sites=korea, paths=slice(0, 500), seed=2)
    b = sample_delays(policy=pol, sites=korea[::-1], paths=slice(0, 500), seed=2)
    np.testing.assert_array_equal(a.delay, b.delay[:, ::-1])


def test_the_stream_is_not_the_drivers() -> None:
    ours = _block_uniforms(0, 0, (1, 3, 8), 1)[0].ravel()[:8]
    drivers = np.random.default_rng(np.random.SeedSequence(0, spawn_key=(0,))).random(8)
    assert not np.allclose(ours, drivers)


def test_more_non_covering_routes_more_enforcement(korea: list[Site]) -> None:
    before = allocate(load_policy("status-quo-2025"), korea)
    after = allocate(load_policy("post-raid-2025"), korea)
    assert (before.uncovered_share > after.uncovered_share).all()
    harsh = allocate(load_policy("restrictive"), korea)
    assert all(harsh.annual_probability(i) > after.annual_probability(i) for i in range(len(korea)))


def test_fiscal_years() -> None:
    assert fiscal_year(2025 * 12 + 8) == 2025  # September 2025
    assert fiscal_year(2025 * 12 + 9) == 2026  # October 2025
    assert fiscal_year_start(2026) == 2025 * 12 + 9


def test_triangular_quantiles_and_cdf_agree() -> None:
    t = Triangular(low=1.0, mode=2.0, high=5.0)
    for q in (0.01, 0.2, 0.5, 0.9, 0.99):
        assert t.cdf(t.quantile(q)) == pytest.approx(q)
    assert Triangular(low=0, mode=0, high=0).quantile(0.7) == 0.0
