"""The ledger commands (``pledgelab ledger ...``, ``pledgelab token ...``) through the parser the
``pledgelab`` script uses: records added and refused with their clause, tokens, export and import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pledgelab._errors import InputError
from pledgelab.cli import tables
from pledgelab.ledger import Ledger
from pledgelab.report import Table

HEADER = "id,pledge_id,name,sector,status,status_date,sources,verified,amount_usd,state\n"


def _run(db: str, *argv: str) -> list[Table]:
    return tables([*argv, "--database", db])


def test_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    (init,) = _run(db, "ledger", "init")
    assert init.rows[0][2] > 30
    measures, status, ratios, age = _run(db, "ledger", "status", "--as-of", "2026-03-01",
                                         "--today", "2026-04-01")
    assert age.rows == [[dt.date(2026, 3, 12), dt.date(2026, 4, 1), 20, "no"]]  # 19 + 1 days, not stale
    kr_ratio = next(r for r in ratios.rows if r[0] == "KR-2025-11")
    assert kr_ratio[5] == f"{100 * 350e9 / 1.868e12:.2f}%"  # Korea's 2024 GDP in macro/korea.yaml
    jp = next(r for r in status.rows if r[0] == "JP-2025-09")
    assert jp[1] == 550e9 and jp[5] == pytest.approx(36e9)  # selected
    kr = [r for r in measures.rows if r[0] == "KR-2025-11"]
    assert [r[4] for r in kr] == ["government-cash", "unspecified", "measurable base"]
    assert kr[1][10] == "not measurable" and kr[2][5] == 200e9 and kr[2][10] == "0.00%"
    now, over_time, claims, ratio, _age = _run(db, "ledger", "status", "--pledge", "KR-2025-11",
                                               "--today", "2026-04-01")
    assert claims.rows and over_time.rows and now.rows and [r[0] for r in ratio.rows] == ["KR-2025-11"]
    (verdicts,) = _run(db, "ledger", "claims", "--review-json", str(tmp_path / "reviews.json"))
    by_id = {r[1]: r for r in verdicts.rows}
    assert by_id["kr-trump-up-front"][8] == "false" and by_id["kr-wi-not-cash"][8] == "accurate"
    assert json.loads((tmp_path / "reviews.json").read_text())[0]["@type"] == "ClaimReview"
    with pytest.raises(InputError, match=r"timeline.selection_deadline: selected on 2030-01-01"):
        _run(db, "ledger", "add", "project", "--id", "jp-x", "--pledge", "JP-2025-09", "--name", "X",
             "--sector", "energy", "--status", "selected", "--date", "2030-01-01",
             "--source", "https://example.org/x", "--verified", "2026-03-02")
    (added,) = _run(db, "ledger", "add", "project", "--id", "kr-x", "--pledge", "KR-2025-11", "--name", "X",
                    "--sector", "energy", "--status", "selected", "--date", "2026-03-02",
                    "--source", "https://example.org/x", "--verified", "2026-03-02", "--amount", "2e9",
                    "--format", "json")
    assert ("id", "kr-x") in [tuple(r) for r in added.rows]
    with pytest.raises(InputError, match=r"timeline.funding_lag: funding date 2026-03-05 is before"):
        _run(db, "ledger", "add", "call", "--id", "c1", "--project", "kr-x", "--notice", "2026-03-02",
             "--funding-date", "2026-03-05", "--amount", "1e9", "--source", "https://example.org/x",
             "--verified", "2026-03-02")
    (ok,) = _run(db, "ledger", "add", "call", "--id", "c1", "--project", "kr-x", "--notice", "2026-03-02",
                 "--funding-date", "2026-03-05", "--amount", "1e9", "--source", "https://example.org/x",
                 "--verified", "2026-03-02", "--override", "funded early by agreement")
    assert any("timeline.funding_lag" in n for n in ok.notes)
    assert any("kr-x is now notice" in n for n in ok.notes)  # the call noticed the selected project
    with pytest.raises(InputError, match=r"ledger.status_transitions: notice cannot change to operating"):
        _run(db, "ledger", "add", "status", "--project", "kr-x", "--status", "operating", "--date",
             "2026-04-01", "--version", "2", "--source", "https://example.org/x", "--verified", "2026-04-01")
    (paused,) = _run(db, "ledger", "add", "status", "--project", "kr-x", "--status", "paused", "--date",
                     "2026-04-01", "--version", "2", "--source", "https://example.org/x",
                     "--verified", "2026-04-01")
    assert any("kr-x is now paused" in n for n in paused.notes)
    src = ("--source", "https://example.org/x", "--verified", "2026-04-02")
    (amount,) = _run(db, "ledger", "add", "amount", "--project", "kr-x", "--amount", "2.5e9", "--as-of",
                     "2026-04-02", "--preferred", *src)
    assert ("amount_usd", "2500000000.0") in [tuple(r) for r in amount.rows]
    with pytest.raises(InputError, match="--from: expected project:ID or pledge:ID"):
        _run(db, "ledger", "add", "link", "--id", "l1", "--relation", "same-money", "--from", "kr-x",
             "--to", "project:jp-portsmouth-gas", *src)
    (link,) = _run(db, "ledger", "add", "link", "--id", "l1", "--relation", "related",
                   "--from", "project:kr-x", "--to", "project:jp-portsmouth-gas", *src)
    assert ("relation", "related") in [tuple(r) for r in link.rows]
    (rel,) = _run(db, "ledger", "release", str(tmp_path / "release"))
    assert {"records/project.csv", "data-dictionary.csv", "METHODOLOGY.md", "CHANGELOG.md",
            "LICENSE.txt"} <= {r[0] for r in rel.rows}
    form = tmp_path / "release" / "corrections.csv"
    form.write_text(form.read_text() + "project:kr-hlga-battery,status,under-construction,operating,"
                    "https://example.org/opened,reader,2026-12-01,\n")
    (fixes,) = tables(["ledger", "corrections", str(form)])
    assert fixes.rows == [["project:kr-hlga-battery", "status", "under-construction", "operating",
                           "https://example.org/opened", "reader", "2026-12-01", ""]]
    form.write_text(form.read_text() + "nope,status,,x,ftp://x,reader,2026-12-01,\n")
    with pytest.raises(InputError, match=r"corrections.csv:3: record"):
        tables(["ledger", "corrections", str(form)])
    (tok,) = _run(db, "token", "create", "--name", "alice", "--role", "editor")
    token = tok.rows[0][2]
    led = Ledger(db)
    assert led.identify(token) == ("alice", "editor")
    assert token not in json.dumps(led.dump()) and token not in (tmp_path / "cli.sqlite").read_bytes().decode(
        "latin-1")
    led.close()
    (exp,) = _run(db, "ledger", "export", "--out", str(tmp_path / "x.csv"))
    assert exp.rows[0][1] == 19  # 18 seeded projects and kr-x
    (rows,) = _run(db, "ledger", "export", "--format", "csv")
    assert rows.columns[0].name == "release"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "kr-z,KR-2025-11,Z,energy,interest,2026-13-01,https://example.org/z,2026-02-01,,\n")
    with pytest.raises(InputError, match=r"bad.csv:2: project.status_date"):
        _run(db, "ledger", "import", str(bad))
