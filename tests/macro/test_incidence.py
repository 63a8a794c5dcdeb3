"""Tariff benefit by incidence and volume: complete pass-through leaves the volume effect only, none
leaves the customs revenue; the lines add up to the cited imports; the auto line outlives the IEEPA
ruling; break-even against a distribution of net costs, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgelab.macro import break_even_distribution, check_base, load_macro, tariff_benefit
from pledgelab.macro.incidence import parameters

T = load_macro("tariffs")
YEARS = range(2025, 2031)


@settings(max_examples=40, deadline=None)
@given(elasticity=st.floats(0.0, 5.0), va=st.floats(0.0, 1.0), scenario=st.sampled_from(
    ["deal-holds", "ieepa-2026", "step-up-2026"]))
def test_full_pass_through_is_the_volume_effect_and_none_is_the_revenue(elasticity: float, va: float,
                                                                        scenario: str) -> None:
    full = tariff_benefit("KR", scenario=scenario, years=YEARS, params=parameters(
        "KR", incidence=1.0, elasticity=elasticity, value_added_share=va))
    none = tariff_benefit("KR", scenario=scenario, years=YEARS, params=parameters(
        "KR", incidence=0.0, elasticity=elasticity, value_added_share=va))
    for f, n in zip(full.years, none.years, strict=True):
        assert f.margin == 0.0
        assert f.benefit == pytest.approx(va * f.volume, rel=1e-12, abs=1e-6)
        assert n.volume == 0.0
        assert n.benefit == pytest.approx(n.customs_revenue, rel=1e-12, abs=1e-6)
        assert f.customs_revenue == pytest.approx(n.customs_revenue, rel=1e-12)


def test_a_full_year_by_hand() -> None:
    # 2026 under deal-holds: 10 points on both lines all year (25% vs 15%). Imports 123.7, exempt 15%,
    # autos 31.2: general line 123.7 x 0.85 - 31.2 = 73.945. Revenue 0.10 x (73.945 + 31.2) = 10.5145.
    # With incidence 0.9, elasticity 2, value added 0.6: margin 0.1 x 10.5145 = 1.05145;
    # volume 2 x 0.9 x 0.10 / 1.15 x 105.145; benefit = margin + 0.6 x volume.
    r = tariff_benefit("KR", scenario="deal-holds", years=[2026])
    y = r.years[0]
    assert r.parameters.bases["general"] == pytest.approx(123.7e9 * 0.85 - 31.2e9, rel=1e-12)
    assert y.customs_revenue == pytest.approx(0.10 * 105.145e9, rel=1e-9)
    assert y.margin == pytest.approx(0.1 * 0.10 * 105.145e9, rel=1e-9)
    volume = 2 * 0.9 * 0.10 / 1.15 * 105.145e9
    assert y.volume == pytest.approx(volume, rel=1e-9)
    assert y.benefit == pytest.approx(0.1 * 0.10 * 105.145e9 + 0.6 * volume, rel=1e-9)
    assert y.share_of_gdp == pytest.approx(y.benefit / 1.868e12, rel=1e-12)


def test_the_auto_saving_survives_the_ruling() -> None:
    # Under ieepa-2026 the general line ends with the reciprocal tariffs; autos (Section 232) go on.
    r = tariff_benefit("KR", scenario="ieepa-2026", years=[2027], params=parameters("KR", incidence=0.0))
    assert r.years[0].by_line["general"] == 0.0
    assert r.years[0].customs_revenue == pytest.approx(0.10 * 31.2e9, rel=1e-9)
    s = tariff_benefit("KR", scenario="step-up-2026", years=[2027])
    assert s.years[0].customs_revenue == 0.0  # the announced 25% names autos too


def test_the_base_checked_against_total_imports() -> None:
    b = check_base("KR")
    assert b["general_line"] + b["autos_line"] + b["exempt"] == pytest.approx(b["us_imports"], rel=1e-12)
    assert b["us_imports"] == pytest.approx(113.4e9 * 12 / 11, rel=1e-3)  # KITA, Jan-Nov 2025, annualised
    assert b["tariff_paid_base"] > b["us_imports"]  # the old base exceeded all imports: a double count


def test_break_even_against_a_distribution_by_hand() -> None:
    # 10 a year at r = 0: costs 5, 15, 25 break even after 0.5, 1.5, 2.5 years; 1,000 never (5 years).
    s = break_even_distribution([10.0] * 5, np.array([5.0, 15.0, 25.0, 1000.0]), discount_rate=0.0,
                                deterministic_cost=15.0)
    assert s.n == 4 and s.never == 0.25
    assert s.p5 == 0.5 and s.median == 1.5 and s.p95 is None
    assert s.deterministic == 1.5
    with pytest.raises(ValueError, match="no draws"):
        break_even_distribution([1.0], np.array([]), discount_rate=0.0)
