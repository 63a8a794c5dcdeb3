"""The command line of the what-if analyses: each command runs and machines get its numbers;
bad input (unknown paths and outcomes, reversed, zero-width or refused bounds, unreachable
targets, too few samples, options that do not go together) exits 2 with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _whatif_cases import deal_file, pipeline_file, single_tier

from pledgelab.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A cut-down deal and a one-project pipeline file ($10B gas plant noticed in 2026)."""
    tmp = tmp_path_factory.mktemp("cli")
    deal = deal_file(tmp, tiers=single_tier(0.5))
    pipe = pipeline_file(tmp)
    return str(deal), str(pipe)


def test_show_assumptions_lists_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "show", "--assumptions", "us-korea-2025-11", "--format", "json")
    assert code == 0
    rows = {r[0]: r for r in json.loads(out)[0]["rows"]}
    assert rows["distribution.deemed_spread"][4] == "range 0.0 to 0.04"
    # Korea's funding lag is `reported` since the 2026 corrections (record-2026 item 9): not listed
    assert "timeline.funding_lag" not in rows
    assert rows["non_funding.step_up_years"][4] == "range 0.0 to 20.0"
    assert rows["distribution.loss_treatment"][4] == "one of investor-bears | capital-first | host-clawback"
    assert all(r[1] in ("assumed", "disputed") for r in rows.values())
    # MASGA's other methods need a rate and a tenor the deal does not give: listed, not varied
    assert "tranches[1].method" not in rows
    notes = json.loads(out)[0]["notes"]
    assert any(n.startswith("Not varied: tranches[1].method = ship-finance") for n in notes)


def test_sensitivity_solve_frontier_run(capsys: pytest.CaptureFixture[str], files: tuple[str, str],
                                        tmp_path: Path) -> None:
    deal, pipe = files
    code, out, err = _run(capsys, "sensitivity", deal, "--pipeline", pipe, "--samples", "8", "--outcome",
                          "KR.npv", "--chart", str(tmp_path / "t.png"), "--format", "json", "--quiet")
    assert code == 0, err
    table = json.loads(out)[0]
    assert table["rows"][0][1] == "distribution.loss_treatment"
    assert (tmp_path / "t.png").stat().st_size > 0
    code, out, err = _run(capsys, "solve", deal, "--pipeline", pipe, "--vary", "timeline.annual_cap",
                          "--target", "KR.peak_call=3e9", "--bracket", "1e9,9e9", "--format", "json",
                          "--quiet")
    assert code == 0, err
    row = json.loads(out)[0]["rows"][0]
    assert row[0] == "solved" and row[1] == pytest.approx(3e9, rel=1e-6)
    code, out, err = _run(capsys, "frontier", deal, "--pipeline", pipe,
                          "--vary", "timeline.annual_cap=2e9:10e9:3",
                          "--vary", "distribution.loss_treatment=investor-bears,capital-first",
                          "--objective", "KR.npv", "--objective", "US.npv", "--positions", "none",
                          "--chart", str(tmp_path / "f.png"), "--format", "json", "--quiet")
    assert code == 0, err
    assert "Pareto set" in json.loads(out)[0]["title"]
    assert (tmp_path / "f.png").stat().st_size > 0


CAP = ["solve", "DEAL", "--vary", "timeline.annual_cap"]
FRONTIER = ["frontier", "DEAL", "--objective", "KR.npv", "--objective", "US.npv"]


@pytest.mark.parametrize(("argv", "message"), [
    (["solve", "DEAL", "--vary", "timeline.anual_cap", "--target", "KR.npv=0"],
     "did you mean 'timeline.annual_cap'"),
    ([*CAP, "--target", "KR.nvp=0", "--bracket", "1e9,9e9"], "unknown measure 'nvp'"),
    ([*CAP, "--target", "KR.peak_call=3e9", "--bracket", "9e9,1e9"], "the bounds are reversed"),
    ([*CAP, "--target", "KR.peak_call=3e9", "--bracket", "5e9,5e9"], "zero-width"),
    ([*CAP, "--target", "KR.peak_call=3e9", "--bracket=-1e9,5e9"], "is refused"),
    ([*CAP, "--target", "KR.peak_call=30e9", "--bracket", "1e9,9e9"], "no root in the bracket"),
    ([*CAP, "--target", "KR.npv=0", "--bracket", "1e9"], "expected LO,HI"),
    (["solve", "DEAL", "--vary", "distribution.deemed_spread", "--target", "KR.npv=0"], "is flat in"),
    (["sensitivity", "DEAL", "--samples", "2"], "sobol needs 8 to"),
    (["sensitivity", "DEAL", "--outcome", "XX.npv"], "'XX' is not a party"),
    (["sensitivity", "DEAL", "--resume"], "--resume needs --store"),
    (["sensitivity", "DEAL", "--scheduler", "tcp://x:1"], "--scheduler needs --backend dask"),
    ([*FRONTIER, "--vary", "timeline.annual_cap=9e9:1e9"], "the bounds are reversed"),
    ([*FRONTIER[:4], "--vary", "timeline.annual_cap=1e9:9e9"], "at least two objectives"),
])
def test_bad_input_exits_2_with_the_reason(capsys: pytest.CaptureFixture[str], files: tuple[str, str],
                                           argv: list[str], message: str) -> None:
    deal, pipe = files
    argv = [deal if a == "DEAL" else a for a in argv]
    code, _, err = _run(capsys, *argv, "--pipeline", pipe, "--quiet")
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_show_assumptions_of_a_position_with_linked_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    """A tranche amount cannot move alone (the tranches sum to the headline): listed as not varied."""
    code, out, err = _run(capsys, "show", "--assumptions", "korea-counter-2025-10", "--format", "json")
    assert code == 0, err
    notes = json.loads(out)[0]["notes"]
    assert any(n.startswith("Not varied: tranches[2].amount over 0.0 to 1.825e+11") and "sum to" in n
               for n in notes)
