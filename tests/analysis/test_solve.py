"""Solve: a one-project case with a closed-form answer, the flat and no-root messages, bad input.

Closed form: one $10B project called in one month under a calendar-year cap c < $10B is paid
c a year until it is funded, so the peak annual call is c; the cap giving a $4B peak is $4B.
Over Monte Carlo paths of the shipped ``zero`` drivers (every shock zero) the answer is the same:
the stochastic path of the code (draws, blocks, common random numbers) must not move it."""

from __future__ import annotations

from pathlib import Path

import pytest
from _whatif_cases import deal_file, one_project, single_tier

from pledgelab import InputError
from pledgelab.analysis import solve
from pledgelab.terms import load_deal


@pytest.fixture(scope="module")
def deal(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load_deal(str(deal_file(tmp_path_factory.mktemp("solve"), tiers=single_tier(0.5))))


@pytest.mark.parametrize("paths", [None, 4])
def test_closed_form_cap_for_a_peak_call(deal, paths) -> None:  # type: ignore[no-untyped-def]
    res = solve(deal, pipeline=one_project(), vary="timeline.annual_cap", target="KR.peak_call=4e9",
                bracket=(1e9, 9e9), paths=paths, chunk_size=2, drivers="zero")
    assert res.status == "solved"
    assert res.value == pytest.approx(4e9, rel=1e-6)
    assert res.achieved == pytest.approx(4e9, rel=1e-6)
    assert res.paths == (paths or 1)


def test_flat_outcome_says_why(deal) -> None:  # type: ignore[no-untyped-def]
    res = solve(deal, pipeline=one_project(), vary="distribution.deemed_spread", target="KR.npv=0")
    assert res.status == "flat" and res.value is None
    assert "KR.npv is flat in distribution.deemed_spread" in res.message
    assert "Why: distribution.deemed_spread does not move KR.npv" in res.message
    assert res.evaluations == 3


def test_flat_because_never_recovered(tmp_path: Path) -> None:
    d = load_deal(str(deal_file(tmp_path, name="low-yield")))
    res = solve(d, pipeline=one_project(yield_=0.02), vary="distribution.deemed_spread", target="KR.npv=0")
    assert res.status == "flat"
    assert "deemed allocation amount is never recovered in 1 of 1 waterfalls" in res.message


def test_no_root_in_the_bracket(deal) -> None:  # type: ignore[no-untyped-def]
    res = solve(deal, pipeline=one_project(), vary="timeline.annual_cap", target="KR.peak_call=20e9",
                bracket=(1e9, 9e9))
    assert res.status == "no-root" and res.value is None
    assert "no root in the bracket: KR.peak_call goes from $1.00B" in res.message
    assert "never reaches $20.00B" in res.message


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"vary": "timeline.anual_cap"}, "did you mean 'timeline.annual_cap'"),
    ({"target": "KR.npv"}, "expected OUTCOME=VALUE"),
    ({"target": "KR.foo=1"}, "unknown measure 'foo'"),
    ({"bracket": (9e9, 1e9)}, "the bounds are reversed"),
    ({"bracket": (5e9, 5e9)}, "zero-width"),
    ({"bracket": (-1e9, 5e9)}, "the low end -1e+09 is refused"),
    ({"vary": "distribution.loss_treatment"}, "not a number"),
    ({"backend": "gpu"}, "'gpu' is not one of"),
])
def test_bad_input_is_named(deal, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    args = {"pipeline": one_project(), "vary": "timeline.annual_cap", "target": "KR.peak_call=4e9",
            "bracket": (1e9, 9e9), **kwargs}
    with pytest.raises(InputError) as exc:
        solve(deal, **args)
    assert message in str(exc.value)
