"""Tariffs by line (pledgelab.macro.lines): each line on its own base, totals that are the sum of the
lines, the rates the record gives by date, and the trade effect of a rate change.

Expected numbers are worked by hand from the record's figures (tariffs.yaml: US imports from
Korea $123.7B a year, 15% exempt (assumed), autos $31.2B), not read from the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgelab.macro.lines import (
    LINE_IDS,
    export_loss,
    rate_on,
    tariff_paid,
    tariff_paid_in_year,
    trade_effect,
)

D = dt.date
IMPORTS, EXEMPT, AUTOS = 123.7e9, 0.15, 31.2e9
RECIPROCAL = IMPORTS * (1 - EXEMPT) - AUTOS  # 105.145 - 31.2 = 73.945 ($B)


def test_line_bases_by_hand() -> None:
    t = tariff_paid("KR", on=D(2026, 3, 1))
    rows = {r.line.id: r for r in t.rows}
    assert tuple(rows) == LINE_IDS
    assert rows["reciprocal"].base == pytest.approx(73.945e9)
    assert rows["autos"].base == AUTOS
    for gap in ("steel-aluminium", "lumber", "pharmaceuticals", "semiconductors"):
        assert rows[gap].base is None and rows[gap].paid is None and "no trade base" in rows[gap].why
    # the priced lines cover all imports less the exempt share
    assert t.total("base") == pytest.approx(IMPORTS * (1 - EXEMPT))


def test_sector_tariffs_sum_to_the_total() -> None:
    # 2026-03-01: Section 122's 10% on the reciprocal line, the deal's 15% on autos (Section 232)
    t = tariff_paid("KR", on=D(2026, 3, 1), rate=0.25)
    rows = {r.line.id: r for r in t.rows}
    assert rows["reciprocal"].rate == 0.10 and rows["autos"].rate == 0.15
    assert rows["reciprocal"].paid == pytest.approx(7.3945e9)  # 0.10 x 73.945
    assert rows["autos"].paid == pytest.approx(4.68e9)  # 0.15 x 31.2
    assert t.total("paid") == pytest.approx(7.3945e9 + 4.68e9) == pytest.approx(12.0745e9)
    assert t.total("paid") == pytest.approx(sum(r.paid for r in t.rows if r.paid is not None))
    # at 25% on every line priced: 0.25 x 105.145
    assert t.total("paid_at") == pytest.approx(0.25 * 105.145e9)
    # the announced 25% step-up: (0.25 - 0.10) x 73.945 + (0.25 - 0.15) x 31.2 = 11.09175 + 3.12
    assert t.total("step_up_cost") == pytest.approx(14.21175e9)


def test_rates_by_date_follow_the_record() -> None:
    assert rate_on("KR", "reciprocal", D(2025, 6, 1)) == 0.10  # the May-July 10% (Meritz)
    assert rate_on("KR", "reciprocal", D(2025, 9, 1)) == 0.15  # the deal, from 2025-08-07
    assert rate_on("KR", "reciprocal", D(2026, 2, 23)) == 0.15  # last day of IEEPA collection
    assert rate_on("KR", "reciprocal", D(2026, 2, 24)) == 0.10  # Section 122
    assert rate_on("KR", "reciprocal", D(2026, 7, 23)) == 0.10  # its 150th day
    assert rate_on("KR", "reciprocal", D(2026, 7, 24)) is None  # what followed is not in the record
    assert rate_on("KR", "autos", D(2025, 10, 31)) is None
    assert rate_on("KR", "autos", D(2025, 11, 1)) == 0.15 == rate_on("KR", "autos", D(2027, 1, 1))
    assert rate_on("KR", "lumber", D(2025, 11, 13)) is None
    assert rate_on("KR", "lumber", D(2025, 11, 14)) == 0.15
    assert rate_on("KR", "semiconductors", D(2026, 3, 1)) is None  # "no less favorable": no rate
    assert rate_on("JP", "autos", D(2025, 8, 20)) == 0.275 and rate_on("JP", "autos", D(2025, 9, 4)) == 0.15


def test_after_section_122_the_reciprocal_line_is_not_priced() -> None:
    t = tariff_paid("KR", on=D(2026, 8, 1))
    rows = {r.line.id: r for r in t.rows}
    assert rows["reciprocal"].paid is None and "no rate in force" in rows["reciprocal"].why
    assert t.total("paid") == pytest.approx(4.68e9)  # autos only


def test_user_bases_and_japan_without_a_base() -> None:
    jp = tariff_paid("JP", on=D(2026, 3, 1))
    assert all(r.paid is None for r in jp.rows)
    jp = tariff_paid("JP", on=D(2026, 3, 1), bases={"reciprocal": 100e9, "autos": 50e9})
    assert jp.total("paid") == pytest.approx(0.10 * 100e9 + 0.15 * 50e9)
    kr = tariff_paid("KR", on=D(2026, 3, 1), bases={"lumber": 2e9})
    rows = {r.line.id: r for r in kr.rows}
    assert rows["lumber"].paid == pytest.approx(0.3e9)
    assert rows["reciprocal"].base == pytest.approx(73.945e9 - 2e9)  # lumber leaves the reciprocal line
    with pytest.raises(ValueError, match="unknown tariff line 'steel'"):
        tariff_paid("KR", bases={"steel": 1e9})
    with pytest.raises(ValueError, match="between 0 and 1"):
        tariff_paid("KR", rate=25)


def test_export_loss_by_hand() -> None:
    # 10% -> 25% on $100B, elasticity 2, 90% passed through: 100 x 2 x 0.9 x 0.15 / 1.10
    assert export_loss(100e9, 0.10, 0.25, elasticity=2.0, incidence=0.9) == pytest.approx(100e9 * 0.27 / 1.1)
    assert export_loss(100e9, 0.25, 0.15, elasticity=2.0, incidence=1.0) == pytest.approx(-100e9 * 0.2 / 1.25)
    assert export_loss(100e9, 0.0, 1.0, elasticity=10.0, incidence=1.0) == 100e9  # never more than the base
    assert export_loss(100e9, 0.1, 0.25, elasticity=2.0, incidence=0.0) == 0.0  # no pass-through, no volume


def test_trade_effect_of_the_step_up_in_dollars_and_share_of_gdp() -> None:
    t = tariff_paid("KR", on=D(2026, 3, 1))
    eff = {e.line: e for e in trade_effect(t, elasticity=2.0, incidence=0.9, value_added_share=0.6,
                                           gdp=1.868e12)}
    rec = 73.945e9 * 2.0 * 0.9 * 0.15 / 1.10
    aut = 31.2e9 * 2.0 * 0.9 * 0.10 / 1.15
    assert eff["reciprocal"].loss == pytest.approx(rec)
    assert eff["autos"].loss == pytest.approx(aut)
    assert eff["total"].loss == pytest.approx(rec + aut)
    assert eff["total"].value_added == pytest.approx(0.6 * (rec + aut))
    assert eff["total"].share_of_gdp == pytest.approx(0.6 * (rec + aut) / 1.868e12)
    # the shipped clauses are the defaults (2.0, 0.9, 0.6 and 2024 GDP $1.868T)
    assert trade_effect(t)[-1].share_of_gdp == pytest.approx(eff["total"].share_of_gdp)


def test_japan_has_no_trade_effect_clauses() -> None:
    jp = tariff_paid("JP", on=D(2026, 3, 1), bases={"reciprocal": 100e9})
    with pytest.raises(ValueError, match="no trade effect for JP"):
        trade_effect(jp)
    got = trade_effect(jp, to_rate=0.25, elasticity=2.0, incidence=1.0, value_added_share=0.5)
    assert got[0].loss == pytest.approx(100e9 * 2.0 * 0.15 / 1.10)
    assert got[-1].share_of_gdp is None  # Japan's GDP is a gap


# An oracle typed from the record (tariffs.yaml's sources, record-2026.md): Korea's rate by line and date.
_ORACLE = {
    "reciprocal": [(D(2025, 5, 1), D(2025, 8, 7), 0.10), (D(2025, 8, 7), D(2026, 2, 24), 0.15),
                   (D(2026, 2, 24), D(2026, 7, 24), 0.10)],
    "autos": [(D(2025, 11, 1), D(9999, 1, 1), 0.15)],
    "lumber": [(D(2025, 11, 14), D(9999, 1, 1), 0.15)],
    "pharmaceuticals": [(D(2025, 11, 14), D(9999, 1, 1), 0.15)],
}


def _oracle(line: str, on: dt.date) -> float | None:
    return next((r for a, b, r in _ORACLE.get(line, []) if a <= on < b), None)


@settings(max_examples=60, deadline=None)
@given(day=st.integers(0, 3 * 365), lumber=st.floats(0, 20e9), pharma=st.floats(0, 20e9),
       steel=st.floats(0, 20e9), rate=st.floats(0, 1))
def test_lines_against_the_record_on_any_day(day: int, lumber: float, pharma: float, steel: float,
                                             rate: float) -> None:
    on = D(2025, 1, 1) + dt.timedelta(days=day)
    bases = {"lumber": lumber, "pharmaceuticals": pharma, "steel-aluminium": steel}
    t = tariff_paid("KR", on=on, rate=rate, bases=bases)
    want_bases = {"reciprocal": IMPORTS * (1 - EXEMPT) - AUTOS - lumber - steel, "autos": AUTOS, **bases}
    paid = 0.0
    for r in t.rows:
        assert r.rate == _oracle(r.line.id, on), (r.line.id, on)
        if r.line.id in want_bases:
            assert r.base == pytest.approx(want_bases[r.line.id])
            assert r.paid_at == pytest.approx(rate * want_bases[r.line.id])
            if r.rate is not None:
                paid += r.rate * want_bases[r.line.id]
    assert t.total("paid") == pytest.approx(paid)
    assert t.total("paid_at") == pytest.approx(rate * sum(want_bases.values()))


def test_tariff_paid_in_a_year_day_by_day() -> None:
    rows = {r.line.id: r for r in tariff_paid_in_year("KR", 2026)}
    # reciprocal: 54 days at 15% (to 2026-02-23), 150 at Section 122's 10%, the rest not in the record
    rec = rows["reciprocal"]
    assert rec.days == 54 + 150
    assert rec.paid == pytest.approx(RECIPROCAL * (54 * 0.15 + 150 * 0.10) / 365)
    assert rec.mean_rate == pytest.approx((54 * 0.15 + 150 * 0.10) / 204)
    assert "204 of 365" in rec.why
    assert rows["autos"].paid == pytest.approx(0.15 * AUTOS) and rows["autos"].days == 365
    assert rows["lumber"].paid is None and rows["lumber"].days == 365  # a rate, but no base
    # 2025: the 10% from May, the deal's 15% from 2025-08-07; autos 15% from 2025-11-01 (61 days)
    r25 = {r.line.id: r for r in tariff_paid_in_year("KR", 2025)}
    assert r25["reciprocal"].paid == pytest.approx(RECIPROCAL * (98 * 0.10 + 147 * 0.15) / 365)
    assert r25["autos"].paid == pytest.approx(AUTOS * 0.15 * 61 / 365)
