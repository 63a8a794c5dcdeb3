"""What a command fills in from the deal: the investor's shipped pipeline, funding plan and
safeguard; the tariff scenarios defined for an economy; discounting of savings as in the metrics."""

from __future__ import annotations

import pytest

from pledgelab.macro import break_even, cumulative_savings, funding_plan_for, scenarios_for
from pledgelab.macro.safeguard import safeguard_for
from pledgelab.pipeline import default_pipeline


def test_shipped_defaults_by_investor() -> None:
    kr, jp = default_pipeline("KR"), default_pipeline("JP")
    assert kr is not None and kr.id == "korea-illustrative"
    assert jp is not None and jp.id == "japan-first-tranche"
    assert default_pipeline("TW") is None
    plan = funding_plan_for("KR")
    assert plan is not None and plan.id == "korea-mof-2025"  # the first of the two KR plans by id
    assert funding_plan_for("JP") is None
    sg = safeguard_for("KR")
    assert sg is not None and sg.id == "korea-2025"
    assert safeguard_for("JP") is None


def test_scenarios_defined_for_an_economy() -> None:
    # the 2026 step-up was announced for Korea only
    assert list(scenarios_for("KR")) == ["deal-holds", "ieepa-2026", "step-up-2026"]
    assert list(scenarios_for("JP")) == ["deal-holds", "ieepa-2026"]
    with pytest.raises(ValueError, match="not defined for TW"):
        scenarios_for("TW")


def test_cumulative_savings_and_break_even_discount_alike() -> None:
    # 110 a year at 10%: 110, 110 / 1.1 = 100, 110 / 1.21 = 90.909...; cumulative 110, 210, 300.909...
    cum = cumulative_savings({2030: 110.0, 2031: 110.0, 2032: 110.0}, discount_rate=0.10)
    assert cum == pytest.approx([110.0, 210.0, 110.0 + 100.0 + 110.0 / 1.21])
    # a cost of 160 is covered half-way through the second year: 1 + (160 - 110) / 100
    assert break_even([110.0, 110.0, 110.0], 160.0, discount_rate=0.10) == pytest.approx(1.5)
    assert break_even([110.0, 110.0, 110.0], 400.0, discount_rate=0.10) is None
