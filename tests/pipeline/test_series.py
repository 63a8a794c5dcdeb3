"""Projects given as a cash-flow series: equal to the archetype project with the same flows, and
hostile series rejected whole with file:line: field."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pledgelab import InputError, load_deal, run
from pledgelab.cli import main
from pledgelab.metrics import party_outcomes
from pledgelab.pipeline._pipeline import read_pipeline

HEAD = """\
schema: pledgelab.pipeline/1
id: {id}
title: t
summary: s
references:
  r: {{title: a source, url: "https://example.org/a"}}
projects:
"""
NOTICE = "    notice_date: {value: 2026-03-02, unit: date, label: notice, status: reported, refs: [r]}\n"


def _c(name: str, value: object, unit: str) -> str:
    return f"      {name}: {{value: {value}, unit: {unit}, label: {name}, status: reported, refs: [r]}}\n"


def _archetype_project(pid: str, *, capex: float, build: int, profile: str, ramp: int, yld: float,
                       life: int, residual: float, archetype: str = "gas-power") -> str:
    return (f"  - id: {pid}\n    name: {pid}\n    archetype: {archetype}\n    decision: fund\n"
            f"    capex: {{value: {capex!r}, unit: USD, label: capex, status: reported, refs: [r]}}\n"
            + NOTICE + "    overrides:\n"
            + _c("build_months", build, "months") + _c("capex_profile", profile, "profile")
            + _c("ramp_months", ramp, "months") + _c("operating_yield", yld, "per-year")
            + _c("life_years", life, "years") + _c("residual_value", residual, "fraction"))


def _series_project(pid: str, value: str, archetype: str = "gas-power") -> str:
    return (f"  - id: {pid}\n    name: {pid}\n    archetype: {archetype}\n    decision: fund\n"
            f"    cash_flows: {{value: {value}, unit: USD/month, label: own flows, status: reported, "
            f"refs: [r]}}\n" + NOTICE)


def _hand_flows(*, capex: float, build: int, profile: str, ramp: int, yld: float, life: int,
                residual: float) -> tuple[list[float], list[float]]:
    """The archetype's flows written out from docs/engine.md section 2, independently of the code:
    flat = capex/n a month; s-curve weights sin(pi (k + 1/2) / n), normalised; operating cash
    yld/12 x capex, ramped linearly ((k+1)/ramp) over `ramp` months; the residual in the last month."""
    if profile == "flat":
        weights = [1.0] * build
    else:
        weights = [math.sin(math.pi * (k + 0.5) / build) for k in range(build)]
    total = sum(weights)
    spend = [capex * w / total for w in weights]
    ops = [yld / 12.0 * capex * min(1.0, (k + 1) / ramp) for k in range(12 * life)]
    ops[-1] += residual * capex
    return spend, ops


CASES = [
    dict(capex=1.2e9, build=24, profile="flat", ramp=6, yld=0.1, life=3, residual=0.2),
    dict(capex=3.0e9, build=30, profile="s-curve", ramp=12, yld=0.14, life=25, residual=0.0),
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fmt", ["csv", "yaml", "inline"])
@pytest.mark.parametrize("deal_id", ["us-korea-2025-11", "us-japan-2025-09"])
def test_a_series_project_runs_as_the_archetype_project_with_the_same_flows(
        tmp_path: Path, case: dict[str, float], fmt: str, deal_id: str) -> None:
    spend, ops = _hand_flows(**case)  # type: ignore[arg-type]
    if fmt == "csv":
        rows = [f"{i + 1},{x!r},0" for i, x in enumerate(spend)]
        rows += [f"{len(spend) + i + 1},0,{x!r}" for i, x in enumerate(ops)]
        (tmp_path / "flows.csv").write_text("month,capex,operating_cash\n" + "\n".join(rows) + "\n")
        value = "flows.csv"
    elif fmt == "yaml":
        (tmp_path / "flows.yaml").write_text(
            f"schema: pledgelab.cash-flows/1\ncapex: {[repr(x) for x in spend]}\n"
            f"operating_cash: {[repr(x) for x in ops]}\n".replace("'", ""))
        value = "flows.yaml"
    else:
        value = f"{{capex: {spend!r}, operating_cash: {ops!r}}}"
    (tmp_path / "a.yaml").write_text(HEAD.format(id="a") + _archetype_project("x", **case))  # type: ignore[arg-type]
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + _series_project("x", value))
    deal = load_deal(deal_id)
    ra = run(deal, read_pipeline(tmp_path / "a.yaml"))
    rs = run(deal, read_pipeline(tmp_path / "s.yaml"))
    assert ra.start == rs.start and ra.months == rs.months
    la = {(ln.party, ln.project, ln.kind, ln.clause): ln.values for ln in ra.lines}
    ls = {(ln.party, ln.project, ln.kind, ln.clause): ln.values for ln in rs.lines}
    assert la.keys() == ls.keys()
    for key, values in la.items():
        np.testing.assert_allclose(ls[key], values, rtol=1e-9, atol=1e-3, err_msg=str(key))
    oa, os_ = party_outcomes(ra, discount_rate=0.04), party_outcomes(rs, discount_rate=0.04)
    for a, s in zip(oa, os_, strict=True):
        assert s.npv == pytest.approx(a.npv, rel=1e-9, abs=1e-3)
        assert s.received == pytest.approx(a.received, rel=1e-9)


def test_operating_months_pad_to_whole_years(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + _series_project(
        "x", "{capex: [4e8, 6e8], operating_cash: [1e7, 1e7, 1e7, 1e7, 1e7, 1e7, 1e7, 1e7, 1e7, 1e7, "
        "1e7, 1e7, 5e6]}"))
    p = read_pipeline(tmp_path / "s.yaml").projects[0]
    assert float(p.capex.value) == 1e9 and p.build_months == 2
    assert p.params["life_years"].value == 2  # 13 months -> 2 years, 11 zero months after
    ops = p.operating_cash()
    assert len(ops) == 24 and ops[12] == 5e6 and not ops[13:].any()
    deal = load_deal("us-korea-2025-11")
    res = run(deal, read_pipeline(tmp_path / "s.yaml"))
    got = sum(float(ln.values.sum()) for ln in res.lines if ln.kind != "capital call")
    assert got == pytest.approx(12 * 1e7 + 5e6, rel=1e-9)  # every dollar of the series comes out


GOOD_CSV = "month,capex,operating_cash\n1,5e8,0\n2,5e8,0\n3,0,1e7\n4,0,1e7\n"


@pytest.mark.parametrize(("text", "line", "field", "message"), [
    ("month,capex,operating\n1,5e8,0\n2,0,1\n", 1, "<header>", "expected the columns month, capex"),
    ("", 1, "<header>", "the file is empty"),
    (GOOD_CSV.replace("2,5e8,0", "2,abc,0"), 3, "capex", "expected a number, got 'abc'"),
    (GOOD_CSV.replace("2,5e8,0", "2,nan,0"), 3, "capex", "expected a finite number"),
    (GOOD_CSV.replace("2,5e8,0", "2,inf,0"), 3, "capex", "expected a finite number"),
    (GOOD_CSV.replace("2,5e8,0", "2,1e400,0"), 3, "capex", "expected a finite number"),
    (GOOD_CSV.replace("2,5e8,0", "2,1e15,0"), 3, "capex", "must be at most 1e+14"),
    (GOOD_CSV.replace("2,5e8,0", "2,-5e8,0"), 3, "capex", "write amounts as positive numbers"),
    (GOOD_CSV.replace("3,0,1e7", "3,0,-1e7"), 4, "operating_cash", "write amounts as positive"),
    (GOOD_CSV.replace("3,0,1e7", "5,0,1e7"), 4, "month", "expected month 3"),
    (GOOD_CSV.replace("3,0,1e7", "3,0"), 4, "<row>", "expected 3 cells"),
    (GOOD_CSV.replace("3,0,1e7", "3,0,1e7,9"), 4, "<row>", "expected 3 cells"),
    (GOOD_CSV.replace("2,5e8,0", "2,5e8,3"), 3, "operating_cash", "operating cash during the build"),
    (GOOD_CSV + "5,1e8,0\n", 6, "capex", "capex after operations began"),
    ("month,capex,operating_cash\n1,0,1e7\n2,5e8,0\n", 2, "capex", "must start with a month of capex"),
    ("month,capex,operating_cash\n1,5e8,0\n", 2, "capex", "no operating month"),
    ("month,capex,operating_cash\n" + "".join(f"{i},1e8,0\n" for i in range(1, 2402)), 2402, "<row>",
     "more than 2,400 months"),
    ("month,capex,operating_cash\n" + "".join(f"{i},9e13,0\n" for i in range(1, 3)) + "3,0,1\n", 3,
     "capex", "capex sums to 1.8e+14"),
])
def test_a_bad_csv_is_rejected_whole_with_its_line(tmp_path: Path, text: str, line: int, field: str,
                                                    message: str) -> None:
    (tmp_path / "flows.csv").write_text(text)
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + _series_project("x", "flows.csv"))
    with pytest.raises(InputError) as info:
        read_pipeline(tmp_path / "s.yaml")
    hits = [p for p in info.value.problems if p.line == line and p.field == field and message in p.message]
    assert hits, [str(p) for p in info.value.problems]
    assert str(hits[0]).startswith(f"flows.csv:{line}: {field}: ")


@pytest.mark.parametrize(("value", "field", "message"), [
    ("{capex: [1e9], operating_cash: []}", "projects[0].cash_flows.value.operating_cash",
     "expected a non-empty list"),
    ("{capex: [1e9, 0], operating_cash: [1]}", "projects[0].cash_flows.value.capex[1]",
     "every build month's capex must be above 0"),
    ("{capex: [1e9], operating_cash: [.nan]}", "projects[0].cash_flows.value.operating_cash[0]",
     "expected a finite number"),
    ("{capex: [1e9], operating_cash: [yes]}", "projects[0].cash_flows.value.operating_cash[0]",
     "expected a number"),
    ("{capex: [1e9]}", "projects[0].cash_flows.value.operating_cash", "required key is missing"),
    ("flows.txt", "projects[0].cash_flows.value", "a cash-flow file is .csv or .yaml"),
    ("42", "projects[0].cash_flows.value", "expected a file name"),
    ("missing.csv", "<file>", "cannot read"),
])
def test_bad_inline_and_file_series_name_the_field(tmp_path: Path, value: str, field: str,
                                                   message: str) -> None:
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + _series_project("x", value))
    with pytest.raises(InputError) as info:
        read_pipeline(tmp_path / "s.yaml")
    assert any(p.field == field and message in p.message for p in info.value.problems), \
        [str(p) for p in info.value.problems]


def test_a_yaml_series_file_is_checked_like_a_cited_file(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("schema: pledgelab.cash-flow/9\ncapex: [1e9]\noperating_cash: [1, -2]\n"
                                     "extra: 1\n")
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + _series_project("x", "f.yaml"))
    with pytest.raises(InputError) as info:
        read_pipeline(tmp_path / "s.yaml")
    text = str(info.value)
    assert "f.yaml:1: schema: expected 'pledgelab.cash-flows/1'" in text
    assert "f.yaml:3: operating_cash[1]: negative amounts are not allowed" in text
    assert "f.yaml:4: extra: unknown key" in text


def test_capex_and_cash_flows_together_or_neither_are_refused(tmp_path: Path) -> None:
    both = _series_project("x", "{capex: [1e9], operating_cash: [1]}").replace(
        "    decision: fund\n", "    decision: fund\n    capex: {value: 1e9, unit: USD, label: c, "
        "status: reported, refs: [r]}\n")
    neither = "  - id: y\n    name: y\n    archetype: gas-power\n    decision: fund\n" + NOTICE
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + both + neither)
    with pytest.raises(InputError) as info:
        read_pipeline(tmp_path / "s.yaml")
    text = str(info.value)
    assert "projects[0].capex: give either capex" in text
    assert "projects[1].capex: required key is missing: capex (or cash_flows)" in text


def test_the_cli_exits_2_with_the_row_and_no_traceback(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "flows.csv").write_text(GOOD_CSV.replace("4,0,1e7", "4,0,1e7x"))
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + _series_project("x", "flows.csv"))
    code = main(["run", "us-korea-2025-11", "--pipeline", str(tmp_path / "s.yaml")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "flows.csv:5: operating_cash: expected a number, got '1e7x'" in err
    assert "Traceback" not in err


def test_a_series_project_simulates_as_the_archetype_project(tmp_path: Path) -> None:
    """Monte Carlo: the same seed gives the same NPVs path by path (the drivers key on the archetype)."""
    from pledgelab import simulate

    case = CASES[0]
    spend, ops = _hand_flows(**case)  # type: ignore[arg-type]
    value = f"{{capex: {spend!r}, operating_cash: {ops!r}}}"
    (tmp_path / "a.yaml").write_text(HEAD.format(id="a") + _archetype_project("x", **case))  # type: ignore[arg-type]
    (tmp_path / "s.yaml").write_text(HEAD.format(id="s") + _series_project("x", value))
    sa = simulate("us-korea-2025-11", pipeline=read_pipeline(tmp_path / "a.yaml"), paths=64, seed=7)
    ss = simulate("us-korea-2025-11", pipeline=read_pipeline(tmp_path / "s.yaml"), paths=64, seed=7)
    np.testing.assert_allclose(ss.npv, sa.npv, rtol=1e-9, atol=1e-3)
