"""Numbers for machines: every command's ``--format csv`` parses into numbers where the table
shows numbers, JSON carries raw numbers with units, xlsx equals the JSON; ``--set``, ``--sweep``
and ``cashflows`` from the command line; bad options exit 2 without a traceback."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from pledgelab.cli import main, tables
from pledgelab.engine import CONTRIBUTIONS, run
from pledgelab.metrics import cash_flows
from pledgelab.pipeline import load_pipeline
from pledgelab.report import read_xlsx_tables
from pledgelab.terms import apply_overrides, load_deal, parse_set

# Text that is a number dressed for people: $350B, -$1.2M, 2.03%, 1.515×, 350.0B
DRESSED = re.compile(r"^-?\$?[\d,]+(\.\d+)?\s?[BMK%×]$")

COMMANDS = [
    ["deals"],
    ["show", "korea-cap-15b"],
    ["run", "us-korea-2025-11", "--set", "timeline.annual_cap=15e9"],
    ["compare", "us-korea-2025-11", "korea-cap-15b", "korea-counter-2025-10"],
    ["compare", "us-korea-2025-11", "--sweep", "distribution.deemed_spread=0.01,0.02,0.03"],
    ["explain", "us-japan-2025-09", "--pipeline", "japan-first-tranche", "--party", "JP",
     "--period", "2035-06"],
    ["cashflows", "korea-counter-2025-10", "--by", "year"],
    ["cashflows", "us-korea-2025-11", "--by", "quarter", "--party", "KR"],
    ["simulate", "us-korea-2025-11", "--paths", "32", "--quiet", "--fan", "KR"],
    ["funding", "us-korea-2025-11"],
    ["funding", "us-ask-2025-09", "us-korea-2025-11", "--compare"],
    ["tariffs", "us-korea-2025-11", "--years", "5"],
    ["workforce", "plan", "--paths", "64"],
    ["workforce", "delays", "--paths", "64"],
    ["workforce", "replay", "--paths", "64"],
    ["drivers"],
    ["drivers", "show", "default"],
]


def _out(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_csv_and_json_carry_numbers(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    text = _out(capsys, [*argv, "--format", "csv"])
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    dressed = [c for r in rows[1:] for c in r if DRESSED.match(c.strip())]
    assert not dressed, f"numbers written as text: {dressed[:5]}"
    ts = tables(argv)
    doc = json.loads(_out(capsys, [*argv, "--format", "json"]))
    assert len(doc) == len(ts)
    for t, d in zip(ts, doc, strict=True):
        assert len(d["units"]) == len(t.columns)
        for i, r in enumerate(d["rows"]):
            for j, v in enumerate(r):
                kind = t.kind_of(i, j)
                if kind in ("usd", "pct", "ratio", "int") and v is not None:
                    assert isinstance(v, int | float), (t.title, d["columns"][j], v)
                if isinstance(v, str):
                    assert not DRESSED.match(v.strip()), (t.title, d["columns"][j], v)


def test_single_table_csv_names_units() -> None:
    ts = tables(["run", "us-korea-2025-11"])
    assert ts[1].columns[2].unit == "USD" and ts[1].columns[6].unit == "fraction"


@pytest.mark.parametrize("argv", [
    ["compare", "us-korea-2025-11", "--sweep", "timeline.annual_cap=10e9,20e9"],
    ["run", "korea-cap-15b"],
    ["cashflows", "us-korea-2025-11"],
    ["funding", "us-korea-2025-11"],
    ["tariffs", "us-korea-2025-11", "--years", "4"],
    ["simulate", "us-korea-2025-11", "--paths", "16", "--quiet"],
], ids=lambda a: a[0])
def test_xlsx_equals_json(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "out.xlsx"
    assert main([*argv, "--format", "xlsx", "--out", str(out)]) == 0
    capsys.readouterr()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-3:] == ["notes", "sources", "about"]
    sheets = read_xlsx_tables(out)
    doc = json.loads(_out(capsys, [*argv, "--format", "json"]))
    assert len(sheets) == len(doc)
    for s, d in zip(sheets.values(), doc, strict=True):
        assert s["title"] == d["title"]
        assert [c or "" for c in s["columns"][:len(d["columns"])]] == d["columns"]
        assert len(s["rows"]) == len(d["rows"])
        for sr, dr in zip(s["rows"], d["rows"], strict=True):
            for a, b in zip(sr, dr, strict=False):
                if isinstance(b, float):
                    assert a == pytest.approx(b, rel=1e-12, abs=1e-6)
                elif b is None:
                    assert a in (None, "")
                elif isinstance(b, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", b):
                    assert str(a)[:10] == b
                elif not isinstance(b, list | dict):
                    assert a == b
    src = [r for r in wb["sources"].iter_rows(values_only=True)][1:]
    assert src and all(r[4] in ("agreed", "reported", "assumed", "disputed", "scenario") for r in src)
    about = dict(r[:2] for r in wb["about"].iter_rows(values_only=True))
    assert about["command"].startswith("pledgelab " + argv[0])


def test_xlsx_needs_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "us-korea-2025-11", "--format", "xlsx"]) == 2
    assert "--out FILE.xlsx" in capsys.readouterr().err


def test_set_on_the_command_line_equals_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(_out(capsys, ["run", "us-korea-2025-11", "--set", "timeline.annual_cap=15e9",
                                   "--set", "distribution.deemed_spread=0.01", "--format", "json"]))
    deal = apply_overrides(load_deal("us-korea-2025-11"),
                           [parse_set("timeline.annual_cap=15e9"),
                            parse_set("distribution.deemed_spread=0.01", position=2)])
    res = run(deal, load_pipeline("korea-illustrative"))
    years = dict(doc[2]["rows"])
    assert max(years.values()) <= 15e9 + 1e-3
    kr = next(r for r in doc[1]["rows"] if r[0] == "KR")
    paid = sum(float(x.values.sum()) for x in res.lines if x.party == "KR" and x.kind in CONTRIBUTIONS)
    got = sum(float(x.values.sum()) for x in res.lines if x.party == "KR" and x.kind not in CONTRIBUTIONS)
    assert (kr[2], kr[3]) == (pytest.approx(-paid, rel=1e-9), pytest.approx(got, rel=1e-9))
    net = res.net("KR")
    npv = sum(float(v) / 1.04 ** (t / 12) for t, v in enumerate(net))  # at the deemed benchmark, 4%
    assert kr[5] == pytest.approx(npv, rel=1e-9)


def test_show_marks_scenario_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(_out(capsys, ["show", "korea-cap-15b", "--format", "json"]))
    rows = {r[0]: r for r in doc[0]["rows"]}
    cap = rows["timeline.annual_cap"]
    assert cap[1] == 15e9 and cap[3] == "scenario"
    assert cap[5].startswith("was 20,000,000,000 (agreed).") and "https://" in cap[5]
    assert rows["distribution.deemed_spread"][3] == "assumed"


def test_deals_lists_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(_out(capsys, ["deals", "--format", "json"]))[0]["rows"]
    kinds = {r[0]: r[1] for r in rows}
    assert kinds["korea-cap-15b"] == "scenario of us-korea-2025-11"
    assert kinds["us-korea-2025-11"] == "agreement"


def test_sweep_columns_are_the_values(capsys: pytest.CaptureFixture[str]) -> None:
    _points, outcome = json.loads(_out(capsys, ["compare", "us-korea-2025-11", "--sweep",
                                               "timeline.annual_cap=10e9,20e9,null", "--format", "json"]))
    assert outcome["columns"] == ["", "10e9", "20e9", "null"]
    peak = next(r for r in outcome["rows"] if r[0] == "peak calendar-year funding")
    assert peak[1] <= 10e9 + 1e-3 and peak[2] <= 20e9 + 1e-3 and peak[3] > 20e9


def test_cashflows_csv_equals_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    text = _out(capsys, ["cashflows", "korea-counter-2025-10", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(text)))
    f = cash_flows(run(load_deal("korea-counter-2025-10"), load_pipeline("korea-illustrative")), by="year")
    assert rows[0][:2] == ["year", "start"] and rows[1][0] == f.periods[0]
    heads = rows[0][2:]
    for k, r in enumerate(f.rows):
        assert heads[k] == f"{r.party}: {r.kind} (USD)"
        assert float(rows[-1][2 + k]) == pytest.approx(r.total, rel=1e-12, abs=1e-3)
    # the totals across parties and kinds equal the engine's flows (cash is conserved per party)
    res = run(load_deal("korea-counter-2025-10"), load_pipeline("korea-illustrative"))
    for p in res.deal.parties:
        tot = next((r.total for r in f.rows if r.party == p and r.kind == "total"), 0.0)
        assert tot == pytest.approx(float(res.net(p).sum()), rel=1e-12, abs=1e-3)


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "us-korea-2025-11", "--set", "timeline.anual_cap=1"],
     "--set:1: timeline.anual_cap: unknown clause 'timeline.anual_cap'; did you mean 'timeline.annual_cap'?"),
    (["show", "us-korea-2025-11", "--set", "timeline.annual_cap=1e9", "--set", "distribution.tiers=x"],
     "--set:2: distribution.tiers"),
    (["compare", "us-korea-2025-11", "--sweep", "timeline.annual_cap=1e9"], "at least 2 values"),
    (["compare", "us-korea-2025-11", "--sweep", "timeline.annual_cap=" + ",".join(map(str, range(1000)))],
     "at most 24"),
    (["compare", "us-korea-2025-11", "korea-cap-15b", "--sweep", "timeline.annual_cap=1e9,2e9"],
     "--sweep takes one deal"),
    (["cashflows", "us-korea-2025-11", "--party", "XX"], "--party 'XX' is not in"),
    (["run", "us-korea-2025-11", "--set", "=5"], "expected PATH=VALUE"),
])
def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_ledger_export_xlsx(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("sqlalchemy")
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    assert main(["ledger", "init", "--database", db]) == 0
    out = tmp_path / "ledger.xlsx"
    assert main(["ledger", "export", "--database", db, "--format", "xlsx", "--out", str(out)]) == 0
    capsys.readouterr()
    from pledgelab.ledger import Ledger

    doc = Ledger(db).dump()
    wb = openpyxl.load_workbook(out, read_only=True)
    for kind in ("pledge", "project"):
        rows = list(wb[kind].iter_rows(values_only=True))
        assert len(rows) - 2 == len(doc[kind])  # title, header, then one row a record
        ids = {r[list(rows[1]).index("id")] for r in rows[2:]}
        assert ids == {r["id"] for r in doc[kind]}
