"""The incidence sweep shared by the CLI's tariffs table and the workbench's Tariffs page."""

from __future__ import annotations

import numpy as np
import pytest

from pledgelab.macro import break_even, incidence_sweep, load_macro, tariff_benefit
from pledgelab.macro.incidence import parameters

YEARS = list(range(2026, 2046))


def test_each_case_is_the_benefit_discounted_by_hand() -> None:
    data = load_macro("tariffs")
    sweep = incidence_sweep("KR", scenario="deal-holds", years=YEARS, discount_rate=0.04, net_cost=45e9,
                            data=data)
    inc = data.clause("importer_incidence", "KR")
    ela = data.clause("import_demand_elasticity", "KR")
    # every value and alternative of both clauses appears, each at the other's central value
    incidences = {float(inc.value), *(float(a.value) for a in inc.alternatives)}
    elasticities = {float(ela.value), *(float(a.value) for a in ela.alternatives)}
    assert {c.incidence for c in sweep.cases} == incidences
    assert {c.elasticity for c in sweep.cases} == elasticities
    for c in sweep.cases:
        assert c.incidence == float(inc.value) or c.elasticity == float(ela.value)
        p = parameters("KR", data=data, incidence=c.incidence, elasticity=c.elasticity)
        result = tariff_benefit("KR", scenario="deal-holds", years=YEARS, params=p, data=data)
        by_year = result.benefit_by_year()
        pv = sum(by_year[y] / 1.04 ** k for k, y in enumerate(sorted(by_year)))
        assert c.pv_benefit == pytest.approx(pv, rel=1e-12)
        assert c.break_even == break_even(by_year, 45e9, discount_rate=0.04)
        assert c.distribution is None


def test_a_distribution_of_net_costs_gives_break_even_statistics() -> None:
    costs = np.array([10e9, 45e9, 80e9, 1e15])  # the last never breaks even within twenty years
    sweep = incidence_sweep("KR", scenario="deal-holds", years=YEARS, discount_rate=0.04, net_cost=45e9,
                            net_costs=costs)
    for c in sweep.cases:
        assert c.distribution is not None and c.distribution.n == 4
        assert c.distribution.never == pytest.approx(0.25)


def test_an_economy_without_incidence_data_is_a_value_error_naming_the_gap() -> None:
    with pytest.raises(ValueError, match="no importer_incidence for JP"):
        incidence_sweep("JP", scenario="deal-holds", years=YEARS, discount_rate=0.04, net_cost=1e9)
