"""Frontier: two clauses whose Pareto set is known, positions at their own outcomes, bad input.

The case: one tier to the end giving Korea a share s of every distribution (s = 0.3, 0.5, 0.7),
and a selection deadline that either admits a second, very profitable project or not. Adding
that project raises both parties' NPV at every s (each gets its share of a project that earns
its cost back several times), and s trades Korea's NPV against the US's, so the Pareto set is
"the later deadline, every s": three of the six variants. The independent computation is each
variant's term sheet edited on disk with PyYAML and run by ``pledgelab.run``, and a brute-force
dominance check written here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from _whatif_cases import deal_file, single_tier, two_projects

from pledgelab import InputError, run
from pledgelab.analysis import frontier
from pledgelab.metrics import default_discount_rate, npv
from pledgelab.terms import load_deal

SHARES = (0.3, 0.5, 0.7)
DEADLINES = ("2027-01-01", "2029-01-19")


def _tiers_text(s: float) -> str:
    return yaml.safe_dump(single_tier(s), default_flow_style=True, width=10**6).strip()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("frontier")
    base = load_deal(str(deal_file(tmp, tiers=single_tier(0.5))))
    return tmp, base


def _independent(tmp: Path, s: float, deadline: str, rate: float) -> tuple[float, float]:
    import datetime as dt

    path = deal_file(tmp / f"{s}-{deadline}", tiers=single_tier(s),
                     values={"timeline.selection_deadline": dt.date.fromisoformat(deadline)})
    res = run(load_deal(str(path)), two_projects())
    return npv(res.net("KR"), rate), npv(res.net("US"), rate)


def test_two_clauses_with_a_known_pareto_set(case) -> None:  # type: ignore[no-untyped-def]
    tmp, base = case
    res = frontier(base, pipeline=two_projects(),
                   vary=["distribution.tiers=" + ",".join(_tiers_text(s) for s in SHARES),
                         "timeline.selection_deadline=" + ",".join(DEADLINES)],
                   objectives=["KR.npv", "US.npv"], reservation=None, positions=())
    assert len(res.variants) == 6
    rate = default_discount_rate(base)
    expected = np.array([_independent(tmp, s, d, rate) for s in SHARES for d in DEADLINES])
    got = np.column_stack([res.column("KR.npv"), res.column("US.npv")])
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    # brute force: not dominated by any other variant
    brute = [not any(np.all(o >= p) and np.any(o > p) for o in expected) for p in expected]
    assert list(res.pareto) == brute
    # and the analytic set: the later deadline, every share
    on = {res.label(i) for i in np.flatnonzero(res.pareto)}
    assert on == {res.label(i) for i, v in enumerate(res.variants) if str(v[1][1]) == DEADLINES[1]}
    assert res.pareto.sum() == 3


def test_positions_are_placed_at_their_own_outcomes(case) -> None:  # type: ignore[no-untyped-def]
    tmp, base = case
    other = deal_file(tmp / "position", name="a-position", tiers=single_tier(0.7))
    res = frontier(base, pipeline=two_projects(), vary=["timeline.annual_cap=5e9:20e9:3"],
                   objectives=["KR.npv", "US.npv"],
                   reservation=["KR.npv>=0", "US.npv>=0"],
                   positions=[str(other), "us-korea-2025-11"])
    rate = default_discount_rate(base)
    for pos, deal in zip(res.positions, [load_deal(str(other)), load_deal("us-korea-2025-11")], strict=True):
        out = run(deal, two_projects())
        assert pos.values["KR.npv"] == pytest.approx(npv(out.net("KR"), rate), rel=1e-9)
        assert pos.values["US.npv"] == pytest.approx(npv(out.net("US"), rate), rel=1e-9)
        assert pos.in_zone == (pos.values["KR.npv"] >= 0 and pos.values["US.npv"] >= 0)


def test_constraints_and_reservations(case) -> None:  # type: ignore[no-untyped-def]
    _, base = case
    res = frontier(base, pipeline=two_projects(), vary=["timeline.annual_cap=2e9:20e9:4"],
                   objectives=["KR.npv", "US.npv"], constraints=["KR.peak_call<=10e9"],
                   reservation="korea-us-2025", positions=())
    peak = res.column("KR.peak_call")
    assert list(res.feasible) == [p <= 10e9 * (1 + 1e-9) for p in peak]
    assert not np.any(res.pareto & ~res.feasible)
    assert {r.status for r in res.reservations} == {"reported", "assumed"}
    assert any(r.references for r in res.reservations if r.status == "reported")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"vary": ["timeline.annual_cap=20e9:5e9"]}, "the bounds are reversed"),
    ({"vary": ["timeline.annual_cap=5e9:5e9"]}, "zero-width"),
    ({"vary": ["timeline.annual_cap=-5e9:5e9"]}, "the low bound -5e+09 is refused"),
    ({"vary": ["timeline.anual_cap=5e9:10e9"]}, "did you mean 'timeline.annual_cap'"),
    ({"vary": ["timeline.annual_cap=5e9:10e9:1"]}, "a range needs 2 to"),
    ({"objectives": ["KR.npv"]}, "at least two objectives"),
    ({"objectives": ["KR.npv", "US.nvp"]}, "unknown measure 'nvp'"),
    ({"constraints": ["KR.p_loss=0.2"]}, "expected OUTCOME<=VALUE"),
    ({"reservation": "no-such-file"}, "no such reservation file"),
])
def test_bad_input_is_named(case, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    _, base = case
    args = {"pipeline": two_projects(), "vary": ["timeline.annual_cap=5e9:10e9"],
            "objectives": ["KR.npv", "US.npv"], "positions": (), **kwargs}
    with pytest.raises(InputError) as exc:
        frontier(base, **args)
    assert message in str(exc.value)
