"""Sensitivity: a clause that alone can move an outcome gets a total index of about 1 and every
other clause exactly 0; an outcome nothing moves gets zeros and the reason in words; the
deemed allocation amount that is never recovered is named with its count from the runs.

The independent reasoning is the deal's construction: with one tier to the end there is no
deemed allocation amount, so the deemed rate cannot matter; the tariff step-up needs a
declined project; distribution clauses cannot change what the investor pays in."""

from __future__ import annotations

from pathlib import Path

import pytest
from _whatif_cases import deal_file, one_project, single_tier

from pledgelab import InputError
from pledgelab.analysis import factors, sensitivity
from pledgelab.terms import load_deal


@pytest.fixture(scope="module")
def deal(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load_deal(str(deal_file(tmp_path_factory.mktemp("sens"), tiers=single_tier(0.5))))


def test_factors_come_from_the_alternatives_or_the_ranges_file(deal) -> None:  # type: ignore[no-untyped-def]
    fs = {f.path: f for f in factors(deal)}
    assert set(fs) == {"distribution.loss_treatment", "distribution.deemed_spread",
                       "distribution.deemed_benchmark", "non_funding.step_up_years"}
    bench = fs["distribution.deemed_benchmark"]
    assert (bench.low, bench.high) == (0.035, 0.045)
    # data/ranges/assumptions.yaml widens the spread to 0-4% with its basis
    assert (fs["distribution.deemed_spread"].low, fs["distribution.deemed_spread"].high) == (0.0, 0.04)
    assert "Katz" in fs["distribution.deemed_spread"].basis
    assert fs["distribution.loss_treatment"].choice_labels == ("investor-bears", "capital-first",
                                                              "host-clawback")


def test_only_one_clause_can_move_the_outcome(deal) -> None:  # type: ignore[no-untyped-def]
    res = sensitivity(deal, pipeline=one_project(), samples=64, outcomes=["KR.npv", "KR.peak_call"])
    ranked = res.ranking["KR.npv"]
    top, rest = ranked[0], ranked[1:]
    assert top.factor.path == "distribution.loss_treatment"
    assert abs(top.st - 1.0) < 0.1 and abs(top.s1 - 1.0) < 0.1
    assert top.matters and top.low < top.high
    for fi in rest:  # no effect at all: the estimator's numerator is exactly zero
        assert fi.st == 0.0 and fi.s1 == 0.0 and not fi.matters
        assert fi.low == fi.high == res.base["KR.npv"]
    why = {fi.factor.path: fi.why for fi in rest}
    assert "tariff step-up follows only a declined project" in why["non_funding.step_up_years"]
    assert "does not move KR.npv" in why["distribution.deemed_spread"]
    # peak annual call: no clause moves it; zeros and the reasons
    assert res.summary["KR.peak_call"].startswith("No assumption moves KR.peak_call: it is $10.00B")
    for fi in res.ranking["KR.peak_call"]:
        assert fi.st == fi.s1 == 0.0 and not fi.matters
        if fi.factor.path.startswith("distribution."):
            assert "cannot change what KR pays in" in fi.why


def test_a_deemed_rate_that_never_bites_names_the_unrecovered_waterfalls(tmp_path: Path) -> None:
    # two tiers, 50/50 until the deemed allocation amount, on a project that never earns it back
    d = load_deal(str(deal_file(tmp_path, name="low-yield")))
    res = sensitivity(d, pipeline=one_project(yield_=0.02), samples=8, outcomes=["KR.npv"],
                      clauses=["distribution.deemed_spread", "distribution.deemed_benchmark"])
    assert res.never_recovered == (1, 1)
    for fi in res.ranking["KR.npv"]:
        assert fi.st == 0.0
        assert ("because the deemed allocation amount is never recovered in 1 of 1 waterfalls"
                in fi.why), fi.why


def test_morris_ranks_the_same_clause_first(deal) -> None:  # type: ignore[no-untyped-def]
    res = sensitivity(deal, pipeline=one_project(), method="morris", samples=4, outcomes=["US.npv"])
    top = res.ranking["US.npv"][0]
    assert top.factor.path == "distribution.loss_treatment" and top.s1 > 0
    assert all(fi.s1 == 0.0 for fi in res.ranking["US.npv"][1:])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"samples": 4}, "sobol needs 8 to"),
    ({"samples": 12}, "needs a power of two"),
    ({"method": "fast"}, "is not one of: sobol, morris"),
    ({"outcomes": ["KR.nvp"]}, "unknown measure 'nvp'"),
    ({"outcomes": ["JP.npv"]}, "'JP' is not a party"),
    ({"outcomes": ["US.recovery"]}, "recovery is the investor's"),
    ({"clauses": ["distribution.deemed_sprad"]}, "did you mean 'distribution.deemed_spread'"),
])
def test_bad_input_is_named(deal, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    args = {"pipeline": one_project(), "samples": 8, **kwargs}
    with pytest.raises(InputError) as exc:
        sensitivity(deal, **args)
    assert message in str(exc.value)


def test_over_monte_carlo_paths_the_same_paths_serve_every_run(deal) -> None:  # type: ignore[no-untyped-def]
    """With --paths every run is a mean over the same paths (common random numbers): a clause that
    cannot act still gets exactly zero, however noisy the paths."""
    res = sensitivity(deal, pipeline=one_project(), samples=8, outcomes=["KR.npv"], paths=4, chunk_size=4,
                      seed=5, clauses=["distribution.loss_treatment", "non_funding.step_up_years"])
    assert res.paths == 4
    by = {fi.factor.path: fi for fi in res.ranking["KR.npv"]}
    assert by["non_funding.step_up_years"].st == 0.0
    assert by["distribution.loss_treatment"].st > 0.5
