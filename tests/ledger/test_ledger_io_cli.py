"""CSV import (all or nothing, every bad row named), export round trip, and the command functions."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pledgelab._errors import InputError
from pledgelab.cli._ledger import add_commands
from pledgelab.ledger import Ledger
from pledgelab.ledger._io import export_file, import_file
from pledgelab.report import Table

HEADER = "id,pledge_id,name,sector,status,status_date,sources,verified,amount_usd,state\n"
GOOD = "kr-a,KR-2025-11,Plant A,energy,interest,2026-01-05,https://example.org/a,2026-02-01,1e9,TX\n"


def test_csv_with_bad_rows_is_rejected_whole_with_each_line_and_field(ledger: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "projects.csv"
    f.write_text(HEADER + GOOD
                 + "kr-b,KR-2025-11,Plant B,spaceships,interest,2026-01-05,https://example.org/b,2026-02-01,2e9,\n"
                 + "kr-c,KR-2025-11,Plant C,energy,interest,someday,https://example.org/c,2026-02-01,-5,\n"
                 + '"kr-d",KR-2025-11,"Plant D, with a\nline break",energy,interest,2026-01-05,ftp://x,2026-02-01,,\n'
                 + "kr-e,NOPE,Plant E,energy,interest,2026-01-05,https://example.org/e,2026-02-01,,\n")
    before = ledger.release()
    with pytest.raises(InputError) as err:
        import_file(ledger, f, actor="t")
    lines = [str(p) for p in err.value.problems]
    name = str(f)
    assert f"{name}:3: project.sector: 'spaceships' is not one of" in "\n".join(lines)
    assert any(s.startswith(f"{name}:4: project.status_date") for s in lines)
    assert any(s.startswith(f"{name}:4: project.amounts[0].amount_usd") for s in lines)
    assert any(s.startswith(f"{name}:5: project.sources") for s in lines)
    assert any(s.startswith(f"{name}:7: pledge.id") and "NOPE" in s for s in lines)  # after a 2-line row
    assert not any(f"{name}:2:" in s for s in lines)
    assert ledger.release() == before  # nothing written, not even the good row
    with pytest.raises(Exception, match="no project"):
        ledger.get("project", "kr-a")


def test_csv_header_and_rule_problems(ledger: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "bad-header.csv"
    f.write_text("id,pledge,name\nx,KR-2025-11,n\n")
    with pytest.raises(InputError, match=r"bad-header.csv:1: pledge: unknown column"):
        import_file(ledger, f, actor="t")
    f = tmp_path / "late.csv"
    f.write_text(HEADER + "jp-late,JP-2025-09,Late,energy,selected,2030-01-01,https://example.org/a,2026-02-01,,\n")
    with pytest.raises(InputError, match=r"late.csv:2: timeline.selection_deadline: .*after the selection"):
        import_file(ledger, f, actor="t")


def test_export_csv_imports_back_with_the_same_ids(ledger: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text(HEADER + GOOD)
    assert import_file(ledger, f, actor="t") == 1
    out = tmp_path / "projects.csv"
    n = export_file(ledger, out)
    assert n == ledger.list("project").total
    fresh = Ledger(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    fresh.init(seed=False)
    pledges = json.loads(json.dumps(ledger.dump()["pledge"]))
    for p in pledges:
        fresh.add("pledge", {k: v for k, v in p.items() if k != "version"}, actor="t")
    tranches = ledger.dump()["tranche"]
    for t in tranches:
        fresh.add("tranche", {k: v for k, v in t.items() if k != "version"}, actor="t")
    assert import_file(fresh, out, actor="t") == n
    assert {p["id"] for p in fresh.dump()["project"]} == {p["id"] for p in ledger.dump()["project"]}
    assert fresh.get("project", "kr-a")["state"] == "TX"
    doc_path = tmp_path / "all.json"
    export_file(ledger, doc_path)
    doc = json.loads(doc_path.read_text())
    assert doc["release"] == ledger.release() and doc["schema"] == "pledgelab.ledger-export/1"
    fresh.close()


def _cli(db: str) -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], list[Table]]]]:
    p = argparse.ArgumentParser(prog="pledgelab")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str) -> argparse.ArgumentParser:  # as pledgelab.cli.build_parser does
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--format", choices=("table", "csv", "json"), default="table")
        return sp

    return p, add_commands(add)


def _run(db: str, *argv: str) -> list[Table]:
    parser, commands = _cli(db)
    args = parser.parse_args(list(argv))
    if hasattr(args, "database") and args.database is None:
        args.database = db
    return commands[args.command](args)


def test_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    (init,) = _run(db, "ledger", "init")
    assert init.rows[0][2] > 30
    (status,) = _run(db, "ledger", "status", "--as-of", "2026-03-01")
    jp = next(r for r in status.rows if r[0] == "JP-2025-09")
    assert jp[1] == 550e9 and jp[3] == pytest.approx(36e9)
    over_time, claims = _run(db, "ledger", "status", "--pledge", "KR-2025-11")
    assert claims.rows and over_time.rows
    with pytest.raises(InputError, match=r"timeline.selection_deadline: selected on 2030-01-01"):
        _run(db, "ledger", "add", "project", "--id", "jp-x", "--pledge", "JP-2025-09", "--name", "X",
             "--sector", "energy", "--status", "selected", "--date", "2030-01-01",
             "--source", "https://example.org/x")
    (added,) = _run(db, "ledger", "add", "project", "--id", "kr-x", "--pledge", "KR-2025-11", "--name", "X",
                    "--sector", "energy", "--status", "notice", "--date", "2026-03-02",
                    "--source", "https://example.org/x", "--amount", "2e9", "--format", "json")
    assert ("id", "kr-x") in [tuple(r) for r in added.rows]
    with pytest.raises(InputError, match=r"timeline.funding_lag: funding date 2026-03-05 is before"):
        _run(db, "ledger", "add", "call", "--id", "c1", "--project", "kr-x", "--notice", "2026-03-02",
             "--funding-date", "2026-03-05", "--amount", "1e9", "--source", "https://example.org/x")
    (ok,) = _run(db, "ledger", "add", "call", "--id", "c1", "--project", "kr-x", "--notice", "2026-03-02",
                 "--funding-date", "2026-03-05", "--amount", "1e9", "--source", "https://example.org/x",
                 "--override", "funded early by agreement")
    assert any("timeline.funding_lag" in n for n in ok.notes)
    (tok,) = _run(db, "token", "create", "--name", "alice", "--role", "editor")
    token = tok.rows[0][2]
    led = Ledger(db)
    assert led.identify(token) == ("alice", "editor")
    assert token not in json.dumps(led.dump()) and token not in (tmp_path / "cli.sqlite").read_bytes().decode(
        "latin-1")
    led.close()
    (exp,) = _run(db, "ledger", "export", "--out", str(tmp_path / "x.csv"))
    assert exp.rows[0][1] == 9  # 8 seeded projects and kr-x
    (rows,) = _run(db, "ledger", "export", "--format", "csv")
    assert rows.columns[0].name == "release"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "kr-z,KR-2025-11,Z,energy,interest,2026-13-01,https://example.org/z,2026-02-01,,\n")
    with pytest.raises(InputError, match=r"bad.csv:2: project.status_date"):
        _run(db, "ledger", "import", str(bad))
