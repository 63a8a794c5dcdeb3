"""Shipped workforce data: it loads, is cited or labelled, covers every archetype; the HL-GA replay's
inputs are the reference's figures (the CLI actions: tests/cli/test_cli_workforce.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from pledgelab.pipeline import read_archetypes
from pledgelab.terms import Status, shipped
from pledgelab.workforce import load_pathways, load_policy, read_demand, read_enforcement
from pledgelab.workforce.replay import load_replay, replay, shipped_replays

D = dt.date

# The HL-GA figures of ../shared/reference/workforce-and-visas.md, section A1, typed in from the
# reference (not read from the data file), so a changed figure in the data fails here.
HLGA = {
    "raid_date": D(2025, 9, 4), "detained_total": 475, "detained_korean": 317, "korean_esta": 170,
    "korean_b1": 146, "korean_ead": 1, "lges_hq_esta": 24, "lges_hq_b1": 22, "lges_sub_esta": 86,
    "lges_sub_b1": 118, "he_sub_korean": 67, "he_sub_esta": 60, "he_sub_b1": 6, "he_sub_ead": 1,
    "he_hq_expat": 68, "site_workers": 1400, "resume_date": D(2025, 10, 14), "slip_low_months": 2,
    "slip_high_months": 3, "returned_date": D(2025, 11, 20), "returned_engineers": 100,
    "capacity_gwh": 30, "idle_cost_50gwh_per_day": 4.0e6, "idle_cost_per_day": 2.4e6,
    "capex_jv": 4.3e9, "capex_jv_high": 6.0e9, "capex_complex": 7.59e9, "capex_addon": 2.0e9,
    "charter_cost_krw": 1.0e9, "charter_departure": D(2025, 9, 11), "charter_arrival": D(2025, 9, 12),
    "charter_koreans": 316, "charter_passengers": 330, "lges_own_detained": 47,
    "lges_partner_detained": 250, "he_sub_arrested": 158,
}


def test_replay_inputs_match_the_cited_facts() -> None:
    data = load_replay("hl-ga-2025")
    for name, want in HLGA.items():
        assert data.facts[name].value == want, name
    assert data.value("returned_share") == pytest.approx(1 / 3, abs=0.001)
    # the reference's own consistency: 170 + 146 + 1 = 317; LGES 46 HQ + 204 subcontractors
    assert data.value("korean_esta") + data.value("korean_b1") + data.value("korean_ead") == 317
    assert sum(data.value(k) for k in ("lges_hq_esta", "lges_hq_b1", "lges_sub_esta", "lges_sub_b1")) == 250
    assert data.value("idle_cost_per_day") == 4.0e6 * 30 / 50
    for clause in data.facts.values():
        assert clause.references, clause.path  # every fact has a source


def test_replay_puts_the_model_next_to_the_report() -> None:
    """Each case: three rows beside the record, each naming what was fitted to the same case (not asserted
    to match the record)."""
    for case in shipped_replays():
        res = replay(case, paths=2000, seed=0)
        assert len(res.rows) == 3 + ("idle_cost_per_day" in res.data.facts)
        for r in res.rows:
            assert r.model_p10 <= r.model_p50 <= r.model_p90
            assert all(p in res.data.fitted for p in r.fitted_from)
        assert replay(case, paths=2000, seed=0).rows == res.rows  # same seed, same numbers
    hlga = replay("hl-ga-2025", paths=2000)
    assert [r.reported_low for r in hlga.rows[:2]] == [2, 2] and hlga.rows[0].reported_high == 3
    assert hlga.rows[1].fitted_from  # the slip given the raid rests on ranges set from the raid itself
    assert not any("stop" in r.measure or "share of needed" in r.measure for r in hlga.rows)  # no tautologies
    tsmc = replay("tsmc-arizona-2023", paths=2000)
    assert tsmc.rows[0].reported_low == 12 and not tsmc.rows[1].fitted_from
    # the charter: 316 of the 317 detained Koreans flew home (one stayed)
    data = load_replay("hl-ga-2025")
    assert data.value("detained_korean") - data.value("charter_koreans") == 1


def test_every_archetype_has_specialist_demand() -> None:
    demand = read_demand()
    assert set(demand.archetypes) == set(read_archetypes())
    battery = demand.needs("battery-cell", 4.3e9)
    peak = battery[0].total
    assert 250 <= peak <= 300  # "roughly 250-300 foreign specialists for a 30 GWh cell plant"
    assert battery[0].heads["subcontractor"] > battery[0].heads["investor"]
    # the scaling rule: 4x the capex, sqrt -> 2x the people
    assert demand.needs("battery-cell", 4 * 4.3e9)[0].total == pytest.approx(2 * peak, abs=2)  # two roundings


def test_every_shipped_clause_is_cited_or_labelled() -> None:
    clauses = [c for r in load_pathways().routes.values() for c in r.params.values()]
    clauses += [c for name in shipped("workforce/policies") for c in load_policy(name).clauses()]
    clauses += [c for a in read_demand().archetypes.values() for c in a.clauses()]
    clauses += list(read_enforcement().impact.values())
    assert len(clauses) > 150
    for c in clauses:
        if c.status is Status.ASSUMED:
            assert c.reason and c.alternatives, c.path
        else:
            assert c.references, c.path


def test_pathways_say_what_the_reference_says() -> None:
    routes = load_pathways().routes
    assert routes["h1b"].params["annual_cap"].value == 85000
    assert routes["h1b"].fee == 100000 + (2000 + 5000) / 2  # the payment plus the middle petition cost
    assert routes["h2b"].params["annual_cap"].value == 66000
    assert routes["e4"].params["annual_cap"].value == 15000 and not routes["e4"].enacted
    assert routes["esta"].fee == 40
    assert routes["esta"].max_stay == pytest.approx(90 / (365.25 / 12), abs=0.005)  # 90 days
    assert routes["b1"].max_stay == 6
    assert set(routes["h2b"].employers) == {"investor"} == set(routes["e4"].employers)  # a US petitioner
    assert routes["l1"].fee_for(premium=True) == routes["l1"].fee + 2805  # USCIS premium fee, Feb 2024
    assert routes["b1-annotated"].params["covers_installation"].status == Status.DISPUTED
    assert "subcontractor" not in routes["l1"].employers  # needs a US affiliate
    assert routes["b1-annotated"].params["nationalities"].value == ("KR",)
    assert load_policy("e4-visa").routes["e4"].enacted  # opened, with the assumption stated
