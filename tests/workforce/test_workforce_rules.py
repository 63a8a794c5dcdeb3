"""The visa rules as applied: each rule allows one case and refuses another; stays, ownership, filing.

The expected answers are the rules' own text (8 CFR 214.2, 9 FAM 402.2 and 402.9, USCIS), typed in
here, not read from the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from pledgelab.pipeline import load_pipeline
from pledgelab.workforce import (
    Case,
    Site,
    allocate,
    group_shares,
    load_pathways,
    load_policy,
    read_demand,
    read_vehicles,
    sample_delays,
    sites_from_pipeline,
)
from pledgelab.workforce._rules import cap_period
from pledgelab.workforce.delays import GROUP_SLOTS, _block_uniforms

RULES = load_pathways().rules
POLICIES = ("status-quo-2025", "post-raid-2025", "e4-visa", "restrictive")
KOREA = sites_from_pipeline(load_pipeline("korea-illustrative"))
OCT_2027 = 2027 * 12 + 9

BASE = Case(employer="investor", activity="supervision-training", ownership=1.0, tenure_months=24,
            contract_of_sale=True, start_month=OCT_2027, need_months=12, stay_months=2, max_stay=6)

# rule id -> (a case it allows, a case it refuses)
R = dataclasses.replace
CASES = {
    "stay-limit": (R(BASE, stay_months=6), R(BASE, stay_months=7)),
    "b1-contract-of-sale": (R(BASE, activity="equipment-installation"),
                            R(BASE, activity="equipment-installation", contract_of_sale=False)),
    "b1-construction": (BASE, R(BASE, activity="construction")),
    "l1-prior-employment": (R(BASE, tenure_months=12), R(BASE, tenure_months=11)),
    "l1-qualifying-relationship": (R(BASE, ownership=0.5), R(BASE, ownership=0.0)),
    "e2-nationality": (R(BASE, ownership=0.5), R(BASE, ownership=0.49)),
    "h1b-cap-season": (BASE, R(BASE, start_month=OCT_2027 - 4)),  # June: before 1 October
    "h2b-temporary-need": (R(BASE, need_months=36), R(BASE, need_months=37)),
}


def test_every_rule_is_cited_and_has_a_case() -> None:
    assert set(RULES) == set(CASES) | {"h2b-tranches"}
    for rule in RULES.values():
        assert rule.clause.references, rule.id
        assert rule.routes and all(r in load_pathways().routes for r in rule.routes)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_allows_one_case_and_refuses_another(rule_id: str) -> None:
    allowed, refused = CASES[rule_id]
    rule = RULES[rule_id]
    assert rule.check(allowed).allowed, rule.check(allowed).reason
    verdict = rule.check(refused)
    assert not verdict.allowed and verdict.rule == rule_id and verdict.reason


def test_h2b_tranches_split_the_fiscal_year_in_halves() -> None:
    march, april, october = 2027 * 12 + 2, 2027 * 12 + 3, 2027 * 12 + 9
    assert cap_period(RULES, "h2b", march) == (2027, 0)  # October-March starts: first 33,000
    assert cap_period(RULES, "h2b", april) == (2027, 1)  # April-September starts: second 33,000
    assert cap_period(RULES, "h2b", october) == (2028, 0)
    assert cap_period(RULES, "e4", april) == (2027, 0)  # one pool a year on other capped routes
    assert RULES["h2b-tranches"].check(BASE).allowed  # it splits the cap; it refuses no single case


@pytest.mark.parametrize("policy", POLICIES)
def test_no_route_is_used_past_its_stay_limit(policy: str) -> None:
    pol = load_policy(policy)
    alloc = allocate(pol, KOREA)
    rotated = 0
    for a in alloc.assignments:
        limit = pol.routes[a.route].max_stay
        if limit is not None:
            assert a.stay <= limit + 1e-9, (a.project, a.route, a.stay)
            if a.months > limit:  # crews rotate: enough stays to cover the specialist-months
                g = next(g for g in alloc.groups if (g.site, g.employer, g.activity) ==
                         (a.site, a.employer, a.activity))
                assert a.people * a.stay >= g.person_months * a.fraction - 1e-6
                rotated += 1
    assert policy == "restrictive" or rotated > 0


def test_e2_and_l1_are_refused_for_a_us_owned_vehicle() -> None:
    pol = load_policy("status-quo-2025")
    assert read_vehicles().share("KR") == 0.0  # MOU projects: one SPV each, the US as general partner
    us_owned = allocate(pol, KOREA)
    assert not any(a.route in ("l1", "e2") for a in us_owned.assignments)
    excluded = {(e.route, e.rule) for e in us_owned.exclusions}
    assert ("l1", "l1-qualifying-relationship") in excluded and ("e2", "e2-nationality") in excluded
    own = allocate(pol, [dataclasses.replace(s, ownership=1.0) for s in KOREA])  # the investor's own company
    assert {"l1", "e2"} <= {a.route for a in own.assignments}


def test_lawful_policies_keep_construction_work_off_visitor_visas() -> None:
    for policy in ("post-raid-2025", "e4-visa"):
        alloc = allocate(load_policy(policy), KOREA)
        for a in alloc.assignments:
            if a.activity == "construction" and a.route in ("esta", "b1", "b1-annotated"):
                assert a.covers == "no"  # only as practised, where no lawful route exists
    practised = allocate(load_policy("status-quo-2025"), KOREA)
    assert any(a.activity == "construction" and a.route in ("esta", "b1") and a.covers == "no"
               for a in practised.assignments)


def _quiet(policy: str):  # type: ignore[no-untyped-def]
    """The policy without enforcement (both probabilities 0)."""
    pol = load_policy(policy)
    zero = {k: c.with_value(0.0, note="test: no enforcement") for k, c in pol.enforcement.items()}
    return dataclasses.replace(pol, enforcement=zero)


@pytest.mark.parametrize("policy", ["post-raid-2025", "restrictive"])
def test_delays_without_rounding_equal_the_continuous_model(policy: str) -> None:
    """The sampled delay equals, cell by cell, the proportional-slowing formula computed here."""
    pol = _quiet(policy).with_processing(1.0, 1.0)  # a month slower than firms plan for: some batches late
    sites = KOREA[:5]
    d = sample_delays(policy=pol, sites=sites, paths=slice(0, 300), seed=9)
    alloc = d.allocation
    routes = list(pol.pathways.routes)
    u1, u2, _, _ = _block_uniforms(9, 0, (len(alloc.sites), len(GROUP_SLOTS), len(routes)), len(alloc.sites))
    want = np.zeros((300, len(alloc.sites)))
    for i in range(len(alloc.sites)):
        groups = [g for g in alloc.groups if g.site == i]
        total = [sum(g.heads[k] for g in groups) for k in range(3)]
        phase = np.zeros((300, 3))
        for a in alloc.for_site(i):
            r = pol.routes[a.route]
            t = r.time(premium=a.premium)
            j = routes.index(a.route)
            slot = GROUP_SLOTS.index((a.employer, a.activity))
            one = np.maximum(a.apply + t.ppf(u1[:300, i, slot, j]), a.start)
            two = np.maximum(a.apply + t.ppf(u1[:300, i, slot, j]) + t.ppf(u2[:300, i, slot, j]), a.start)
            g = next(g for g in groups if (g.employer, g.activity) == (a.employer, a.activity))
            for k in range(3):
                if g.heads[k] and total[k]:
                    late = ((1 - r.refusal_rate) * np.maximum(0, one - g.starts[k])
                            + r.refusal_rate * np.maximum(0, two - g.starts[k]))
                    phase[:, k] += a.fraction * g.heads[k] / total[k] * late
        want[:, i] = phase.max(axis=1)
    order = [alloc.sites.index(next(s for s in alloc.sites if s.id == p)) for p in d.projects]
    np.testing.assert_allclose(d.delay, want[:, order], atol=1e-12)
    assert not d.enforcement_hit.any()
    assert (d.delay != np.round(d.delay)).any()  # continuous: no rounding to whole months


def test_group_shares_split_the_delay_exactly() -> None:
    d = sample_delays(policy=load_policy("status-quo-2025"), sites=KOREA, paths=slice(0, 500), seed=3)
    parts = d.investor_part + d.subcontractor_part + d.enforcement_slip
    np.testing.assert_allclose(parts, d.delay, atol=1e-12)
    g = group_shares(d)
    assert g.total == pytest.approx(float(d.delay.mean()))


def test_planning_at_a_high_quantile_files_early_enough() -> None:
    """At the 0.95 quantile, one batch on one uncapped route is late with probability about 5%."""
    pol = _quiet("post-raid-2025")
    assert float(pol.planning_quantile.value) >= 0.95
    site = Site(id="solo", archetype="battery-cell", capex=4.3e9, notice=dt.date(2026, 1, 1),
                start_month=2027 * 12, build_months=30, nationality="KR")
    d = sample_delays(policy=pol, sites=[site], paths=slice(0, 4000), seed=5, demand=read_demand())
    late = d.allocation.assignments
    assert late
    # each batch misses its need with probability <= 1 - q plus its refused share's second round
    worst = max(pol.routes[a.route].refusal_rate for a in late)
    assert (d.delay > 0).mean() <= len(late) * (0.05 + worst) + 0.02


def test_a_stay_longer_than_one_admission_is_renewed() -> None:
    """L-1: initial approvals up to three years (8 CFR 214.2(l)(7)); E-2: two-year admissions."""
    routes = load_pathways().routes
    assert routes["l1"].renewals(36) == 0 and routes["l1"].renewals(37) == 1
    assert routes["e2"].renewals(24) == 0 and routes["e2"].renewals(49) == 2
    assert routes["esta"].renewals(30) == 0  # a stay limit rotates crews instead
    own = allocate(load_policy("post-raid-2025"), [dataclasses.replace(s, ownership=1.0) for s in KOREA])
    for a in own.assignments:
        c = own.policy.routes[a.route].params.get("admission_months")
        if c is not None:
            assert (a.renewals + 1) * float(c.value) >= a.stay > a.renewals * float(c.value)
