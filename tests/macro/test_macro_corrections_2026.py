"""Each macro, tariff, reserves, won, corporation-capital and funding correction of the 2026 review
(../shared/reference/record-2026.md, section 1.2 and section 2), pinned by reading the shipped file.

The expected values are the record's, typed here from it, not read from the code under test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math

from pledgelab._cited import Status
from pledgelab.drivers import load_drivers
from pledgelab.macro import funding_plan_for, load_funding, load_macro


def test_section_122_runs_from_2026_02_24_through_2026_07_24() -> None:
    g = load_macro("tariffs").regimes["section-122-2026"]
    assert g.start_date == dt.date(2026, 2, 24) and g.start.status is Status.REPORTED
    assert g.end_date == dt.date(2026, 7, 24) and g.end is not None and g.end.status is Status.REPORTED
    assert (g.end_date - g.start_date).days == 150  # the statute's 150 days, end exclusive
    assert g.note is not None
    for exempt in ("Section 232", "passenger vehicles", "pharmaceuticals"):
        assert exempt in " ".join(g.note.split())


def test_the_reciprocal_rates_end_when_collection_stopped() -> None:
    regimes = load_macro("tariffs").regimes
    for rid in ("kr-deal-2025-08", "jp-deal-2025-08"):
        r = regimes[rid]
        assert r.end_date == dt.date(2026, 2, 24), rid
        assert r.end is not None and r.end.status is Status.REPORTED


def test_the_federal_register_dates_of_2025_12_04() -> None:
    regimes = load_macro("tariffs").regimes
    sectors = regimes["kr-deal-sectors-2025-11"]
    assert sectors.start_date == dt.date(2025, 11, 14) and sectors.start.status is Status.REPORTED
    assert any("mondaq" in ref.url for ref in sectors.start.references)
    autos = regimes["kr-deal-autos-2025-11"]
    assert autos.start_date == dt.date(2025, 11, 1) and autos.start.status is Status.REPORTED


def test_reserves_december_sourced_and_2026_added() -> None:
    s = load_macro("korea").series("reserves_usd", "KR")
    by_date = {o.date: o for o in s.observations}
    dec = by_date[dt.date(2025, 12, 31)]
    assert dec.value == 428.05e9 and any("ajupress" in r.url for r in dec.references)
    assert by_date[dt.date(2026, 1, 31)].value == 425.91e9
    assert by_date[dt.date(2026, 2, 28)].value == 427.62e9
    assert all(by_date[d].status is Status.REPORTED for d in (dt.date(2026, 1, 31), dt.date(2026, 2, 28)))
    # Jan is Dec less the reported fall of $2.15B; Feb is Jan plus the reported rise of $1.72B
    assert math.isclose(428.05 - 2.15, 425.90, abs_tol=0.011)
    assert math.isclose(425.91 + 1.72, 427.63, abs_tol=0.011)


def test_corporation_capital_is_two_trillion_won() -> None:
    c = load_macro("korea").clause("investment_corporation_capital_local", "KR")
    assert c.value == 2e12 and c.unit == "KRW" and c.status is Status.REPORTED
    assert [a.value for a in c.alternatives] == [3e12]  # the bill as submitted


def test_reserve_income_has_the_twenty_billion_alternative() -> None:
    c = load_macro("korea").clause("reserve_income_usd", "KR")
    assert c.value == 15e9 and 20e9 in [a.value for a in c.alternatives]


def test_the_won_of_2026_is_in_the_record() -> None:
    s = load_macro("korea").series("fx_level", "KR")
    by_date = {o.date: o.value for o in s.observations}
    assert by_date[dt.date(2025, 12, 22)] == 1480.1
    assert by_date[dt.date(2026, 3, 9)] == 1495.5


def test_guaranteed_bonds_unlimited_is_a_reading() -> None:
    bonds = load_funding("korea-mof-2025").source("guaranteed-bonds")
    assert bonds.capacity.status is Status.ASSUMED


def test_the_counter_proposals_swap_line_is_a_dollar_source_of_its_plan() -> None:
    plan = funding_plan_for("KR", "korea-counter-2025-10")
    assert plan is not None and plan.id == "korea-with-swap"
    swap = plan.source("swap-line")
    assert swap.kind == "swap-line" and swap.is_debt and swap.liability == "short-term"
    assert swap.rate == 0.04  # Koo's ~4%
    # other Korean deals keep the general plan
    other = funding_plan_for("KR", "us-korea-2025-11")
    assert other is not None and other.id == "korea-mof-2025"
    assert getattr(funding_plan_for("KR"), "id", None) == "korea-mof-2025"


def test_won_volatility_central_0076_with_0062_kept() -> None:
    d = load_drivers("default")
    vol = d.fx["KRW"].params["vol"]
    # sqrt(12) * sd of the 11 log changes of the 2025 monthly averages, times sqrt(3/2)
    months = [1455.5, 1445.6, 1457.9, 1441.9, 1390.7, 1365.2, 1376.9, 1389.9, 1392.4, 1424.8, 1460.4, 1467.1]
    r = [math.log(b / a) for a, b in itertools.pairwise(months)]
    mean = sum(r) / len(r)
    fit = math.sqrt(12) * math.sqrt(sum((x - mean) ** 2 for x in r) / (len(r) - 1))
    assert round(fit, 3) == 0.062
    assert vol.value == 0.076 == round(fit * math.sqrt(1.5), 3)
    assert vol.status is Status.ASSUMED
    assert [a.value for a in vol.alternatives][:2] == [0.062, 0.09]
