"""Golden cases: YAML files with hand-computed numbers (see each file's hand_check)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from builders import pipeline, project, variant
from pledgelab._months import month_label, parse_month
from pledgelab.engine import RunResult, run
from pledgelab.metrics import deal_outcome, party_outcomes

CASES = sorted((Path(__file__).parent.parent / "golden").glob("*.yaml"))
REL = 1e-9


def _load(path: Path) -> dict[str, Any]:
    from pledgelab._cited import read_yaml

    return dict(read_yaml(path))


def _run(case: dict[str, Any]) -> RunResult:
    deal = variant(case["deal"], case.get("set"), case.get("tranches"),
                   tuple(case.get("drop_tranches", ())))
    projects = [project(p.pop("id"), **p) for p in (dict(x) for x in case["projects"])]
    return run(deal, pipeline(*projects))


def _close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= REL * max(abs(expected), 1.0)


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    case = _load(path)
    assert case.get("hand_check"), "every golden case says how its numbers were checked"
    res = _run(case)
    exp = case["expect"]
    by_id = {ps.project.id: ps for ps in res.schedule.projects}
    for pid, day in exp.get("funding_date", {}).items():
        assert by_id[pid].funding_date == day
    for pid, calls in exp.get("calls", {}).items():
        got = {month_label(m): v for m, v in by_id[pid].calls.items()}
        assert set(got) == set(calls), (pid, got)
        for m, v in calls.items():
            assert _close(got[m], v), (pid, m, got[m], v)
    for pid, m in exp.get("operations_from", {}).items():
        assert month_label(by_id[pid].cod) == m
    outcomes = {o.party: o for o in party_outcomes(res, discount_rate=0.04)}
    for party, fields in exp.get("party_total", {}).items():
        for name, v in fields.items():
            assert _close(getattr(outcomes[party], name), v), (party, name,
                                                                getattr(outcomes[party], name), v)
    for f in exp.get("flow", []):
        got = res.net(f["party"])[res.col(parse_month(f["month"]))]
        assert _close(got, f["value"]), (f, got)
    if "daa_recovered" in exp:
        assert deal_outcome(res, discount_rate=0.04).daa_recovered == exp["daa_recovered"]
    if "investor_by_year" in exp:
        got_y = deal_outcome(res, discount_rate=0.04).investor_calls_by_year
        assert {int(k): v for k, v in exp["investor_by_year"].items()}.keys() == got_y.keys()
        for y, v in exp["investor_by_year"].items():
            assert _close(got_y[int(y)], v)


def test_golden_dates_are_dates() -> None:
    for path in CASES:
        for p in _load(path)["projects"]:
            assert isinstance(p["notice"], dt.date)


def test_yaml_module_agrees() -> None:
    # the golden files are plain YAML too (no loader-specific syntax)
    for path in CASES:
        assert yaml.safe_load(path.read_text())["name"]
