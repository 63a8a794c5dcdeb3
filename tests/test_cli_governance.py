"""run and compare report the "commercially reasonable" screen and the review clause's readings."""

from __future__ import annotations

import json

import pytest

from pledgelab import load_deal, load_pipeline
from pledgelab.analysis import review_readings
from pledgelab.cli import main
from pledgelab.engine import screen


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:  # type: ignore[type-arg]
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_run_shows_every_projects_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    tables = _json(capsys, "run", "us-korea-2025-11", "--pipeline", "korea-illustrative")
    table = tables[-1]
    assert "commercially reasonable" in table["title"]
    want = screen(load_deal("us-korea-2025-11"), load_pipeline("korea-illustrative"))
    assert want is not None
    assert {r[0]: r[1] for r in table["rows"]} == {v.project: v.verdict for v in want.verdicts}
    notes = " ".join(tables[1]["notes"])
    assert "projected reading (this deal's reading)" in notes and "realised reading" in notes


def test_a_deal_without_a_screen_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    tables = _json(capsys, "compare", "us-korea-2025-11", "us-japan-2025-09", "--pipeline",
                   "korea-illustrative")
    row = next(r for r in tables[1]["rows"] if r[0] == "commercially reasonable screen")
    assert row[2] == "no screen"
    assert "need consent" in row[1]


def test_the_readings_differ_in_when_they_trigger() -> None:
    # the shipped Korea deal: the projection (yearly tests) flags a waterfall years before the
    # realised test at 20 years can; with report-only the flows, hence NPVs, are the same
    got = {r.reading: r for r in review_readings(load_deal("us-korea-2025-11"),
                                                 load_pipeline("korea-illustrative"))}
    assert got["projected"].current and not got["realised"].current
    assert got["projected"].first is not None and got["realised"].first is not None
    assert got["projected"].first < got["realised"].first
    assert got["projected"].investor_npv == got["realised"].investor_npv


def test_the_screen_command_on_both_pipelines(capsys: pytest.CaptureFixture[str]) -> None:
    kr = _json(capsys, "screen", "us-korea-2025-11")[0]
    want = screen(load_deal("us-korea-2025-11"), load_pipeline("korea-illustrative"))
    assert want is not None
    assert {r[0]: r[1] for r in kr["rows"]} == {v.project: v.verdict for v in want.verdicts}
    jp = _json(capsys, "screen", "us-japan-2025-09")[0]  # no screen in the Japan MOU
    assert "for information" in " ".join(jp["notes"])
    assert len(jp["rows"]) == len(load_pipeline("japan-first-tranche").projects)


def test_the_screen_command_rejects_a_bad_clause(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "us-korea-2025-11", "--set", "governance.screen_failure=bogus"]) == 2
    assert "governance.screen_failure" in capsys.readouterr().err
