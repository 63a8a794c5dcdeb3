"""The command line: every command runs, machines get parseable output, bad input exits 2."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from pledgelab import load_pipeline
from pledgelab._months import parse_month
from pledgelab.cli import main
from pledgelab.engine import run
from pledgelab.terms import load_deal, shipped

MALFORMED = Path(__file__).parent / "terms" / "malformed"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_deals_lists_every_shipped_deal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "deals", "--format", "json")
    assert code == 0
    ids = [row[0] for row in json.loads(out)[0]["rows"]]
    assert ids == [*shipped("deals"), *shipped("scenarios")]  # scenarios listed after the deals
    assert {"us-korea-2025-11", "us-japan-2025-09", "us-ask-2025-09", "us-proposal-2025-10",
            "korea-counter-2025-10", "korea-framework-2025-07"} <= set(ids)


def test_show_lists_every_clause_with_status_and_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "show", "us-korea-2025-11", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    by_clause = {r["clause"]: r for r in rows}
    assert float(by_clause["timeline.annual_cap"]["value"]) == 20e9  # a number for machines (issue 11)
    assert by_clause["timeline.annual_cap"]["status"] == "agreed"
    assert by_clause["timeline.annual_cap"]["source or reason"].startswith("https://")
    assert "Alternatives" in by_clause["distribution.loss_treatment"]["source or reason"]


def test_run_reports_parties(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "run", "us-korea-2025-11", "--pipeline", "korea-illustrative",
                        "--format", "json")
    assert code == 0
    tables = json.loads(out)
    parties = {row[0]: row for row in tables[1]["rows"]}
    assert set(parties) == {"US", "KR", "KR-FIRMS"}
    years = dict(tables[2]["rows"])
    assert max(years.values()) <= 20e9 + 1e-3  # the calendar-year cap holds


def test_compare_the_korea_positions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "compare", "us-ask-2025-09", "korea-counter-2025-10",
                        "us-korea-2025-11", "--format", "json")
    assert code == 0
    points, outcomes = json.loads(out)
    assert points["columns"][1:] == ["us-ask-2025-09", "korea-counter-2025-10", "us-korea-2025-11"]
    assert [r[0] for r in points["rows"][:4]] == ["method", "amount", "timeline",
                                                   "losses and dividends"]
    assert "at most $20B a calendar year" in points["rows"][2][3]
    assert outcomes["rows"]


def test_explain_names_the_clause(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "explain", "us-japan-2025-09", "--pipeline", "japan-first-tranche",
                        "--party", "JP", "--period", "2035-06", "--format", "json")
    assert code == 0
    rows = json.loads(out)[0]["rows"]
    assert any(r[3] == "distribution.tiers" and r[5].startswith("https://") for r in rows)
    # the net row and the flows listed both equal JP's net cash that month as the engine reports it
    res = run(load_deal("us-japan-2025-09"), load_pipeline("japan-first-tranche"))
    net = float(res.net("JP")[res.col(parse_month("2035-06"))])
    assert net != 0.0
    assert rows[-1][1] == "net"
    assert rows[-1][0] == pytest.approx(net, rel=1e-12)
    assert sum(r[0] for r in rows[:-1]) == pytest.approx(net, rel=1e-12)


@pytest.mark.parametrize("argv", [
    ["show", "no-such-deal"],
    ["run", "us-korea-2025-11", "--pipeline", "no-such-pipeline"],
    ["explain", "us-korea-2025-11", "--party", "XX", "--period", "2031-06"],
    ["explain", "us-korea-2025-11", "--party", "KR", "--period", "June 2031"],
    ["explain", "us-korea-2025-11", "--party", "KR", "--period", "1999-01"],
])
def test_bad_arguments_exit_2_without_traceback(capsys: pytest.CaptureFixture[str],
                                                argv: list[str]) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err
    assert err.strip()


def test_malformed_term_sheet_exits_2_with_file_line_field(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    src = MALFORMED / "rate-as-percent.yaml"
    path = tmp_path / src.name
    shutil.copy(src, path)
    code, _, err = _run(capsys, "show", str(path))
    assert code == 2
    first = err.strip().splitlines()[0]
    file, line, field, _msg = first.split(":", 3)
    assert file == str(path) and line.isdigit() and field.strip().startswith("clauses.")


def test_funding_year_table_and_compare(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "funding", "us-korea-2025-11", "--format", "json")
    assert code == 0
    table = json.loads(out)[0]
    calls = [row[1] for row in table["rows"]]
    # the pipeline's MOU cash projects (every project but the shipyards), at most the $200B agreed
    pipe = load_pipeline("korea-illustrative")
    cash = min(200e9, sum(float(p.capex.value) for p in pipe.projects if p.sector != "shipbuilding"))
    assert sum(calls) == pytest.approx(cash) and max(calls) <= 20e9 + 1e-3
    code, out, _ = _run(capsys, "funding", "us-ask-2025-09", "us-korea-2025-11", "--compare",
                        "--format", "json")
    assert code == 0
    rows = {r[0]: r[1:] for r in json.loads(out)[0]["rows"]}
    assert rows["calls"] == pytest.approx([350e9, cash])  # raw numbers (issue 11)
    assert rows["peak calendar-year calls"][0] == pytest.approx(350e9)
    assert rows["peak calendar-year calls"][1] <= 20e9 + 1e-3


def test_tariffs_savings_break_even_and_decline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "tariffs", "us-korea-2025-11", "--years", "5", "--format", "json")
    assert code == 0
    table = json.loads(out)[0]
    assert table["columns"] == ["year", "deal-holds", "ieepa-2026", "step-up-2026"]
    assert table["rows"][1][1] == pytest.approx(0.10 * 166.8e9)  # a full year at 25% vs 15%
    assert any("Break-even" in n for n in table["notes"])


def test_tariffs_for_japan_need_a_trade_base(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "tariffs", "us-japan-2025-09")
    assert code == 2
    assert "--exports" in err


def test_funding_and_tariff_charts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the [plot] extra is not installed")
    png = tmp_path / "reserves.png"
    assert main(["funding", "us-ask-2025-09", "us-korea-2025-11", "--compare", "--chart", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    html = tmp_path / "savings.html"
    assert main(["tariffs", "us-korea-2025-11", "--years", "5", "--chart", str(html)]) == 0
    assert "data:image/png;base64," in html.read_text()
    capsys.readouterr()


def test_charts_without_the_plot_extra_name_the_install(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code = main(["tariffs", "us-korea-2025-11", "--years", "3", "--chart", str(tmp_path / "x.png")])
    assert code == 2
    assert "pip install 'pledgelab[plot]'" in capsys.readouterr().err


def test_funding_with_the_safeguard_prints_pressure_and_the_sweep(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the [plot] extra is not installed")
    png = tmp_path / "pressure.png"
    code, out, _ = _run(capsys, "funding", "us-korea-2025-11", "--safeguard", "--pressure-chart", str(png),
                        "--format", "json")
    assert code == 0
    tables = json.loads(out)
    by_year, sweep = tables[1], tables[2]
    assert "pressure" in by_year["title"] and by_year["rows"][0][0] == "2026"
    assert [r[0] for r in sweep["rows"]] == ["0", "0.0009", "0.001 (file)", "0.0011", "0.002", "0.005"]
    assert sweep["rows"][0][2] == "never"  # on market purchases (the IMF basis) nothing crosses
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_fx_options_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "simulate", "us-korea-2025-11", "--paths", "10", "--fx-impact", "0.002")
    assert code == 2 and "--fx-impact needs --fx-feedback" in err
    code, _, err = _run(capsys, "funding", "us-japan-2025-09", "--plan", "korea-mof-2025", "--pipeline",
                        "japan-first-tranche", "--safeguard")
    assert code == 2 and "no shipped safeguard file for investor JP" in err


def test_simulate_with_fx_feedback_reports_the_safeguard(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "simulate", "us-korea-2025-11", "--paths", "64", "--fx-feedback",
                        "--fx-impact", "0.002", "--quiet", "--format", "json")
    assert code == 0
    table = json.loads(out)[0]
    stats = {r[1] for r in table["rows"] if r[0] == "KRW"}
    assert stats == {"peak per dollar while calls remain", "months of calls deferred"}
    assert any("impact 0.002 log-points" in n for n in table["notes"])


def test_workforce_commands_are_wired(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "workforce", "replay", "hl-ga-2025", "--format", "json")
    assert code == 0 and json.loads(out)[0]["rows"]
    with pytest.raises(SystemExit) as stop:  # the parser refuses it: pledgelab._limits, processing_scale
        _run(capsys, "workforce", "delays", "--pipeline", "korea-illustrative", "--policy",
             "post-raid-2025", "--paths", "10", "--processing-scale", "0")
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "argument --processing-scale: must be greater than 0" in err
    code, _, err = _run(capsys, "workforce", "plan", "--pipeline", "korea-illustrative", "--policy", "nope")
    assert code == 2 and "no shipped workforce policy of that name" in err


def test_ledger_commands_are_wired(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    code, _, _ = _run(capsys, "ledger", "init", "--database", db)
    assert code == 0
    code, out, _ = _run(capsys, "ledger", "status", "--database", db, "--format", "json")
    assert code == 0
    funnel = next(t for t in json.loads(out) if t["title"].endswith("the funnel"))
    col = {c: i for i, c in enumerate(funnel["columns"])}
    rows = {r[0]: r for r in funnel["rows"]}
    # Korea's headline and Japan's first tranche, as the seed data cites them
    assert rows["KR-2025-11"][col["headline"]] == pytest.approx(350e9)
    assert rows["JP-2025-09"][col["selected"]] == pytest.approx(36e9)


def test_the_database_code_loads_only_for_ledger_commands() -> None:
    import subprocess
    import sys

    code = ("import sys, pledgelab, pledgelab.cli; pledgelab.cli.build_parser(); "
            "print('sqlalchemy' in sys.modules); pledgelab.Ledger; print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
