"""CSV import (all or nothing, every bad row named) and the export round trip (the ledger commands:
tests/cli/test_cli_ledger.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pledgelab._errors import InputError
from pledgelab.ledger import Ledger
from pledgelab.ledger._io import export_file, import_file

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


def test_claims_import_with_measure_scope_and_verdict(ledger: Ledger, tmp_path: Path) -> None:
    f = tmp_path / "claims.csv"
    f.write_text("id,claimant,said_on,measure,pledge_ids,amount_usd,quote,verdict,reasoning,rests_on,reviewer,"
                 "reviewed_on,sources,verified\n"
                 "c-both,someone,2026-01-05,headline,KR-2025-11|JP-2025-09,900e9,q,accurate,adds up,"
                 "pledge:KR-2025-11|pledge:JP-2025-09,desk,2026-12-02,https://example.org/c,2026-12-02\n"
                 "c-bad,someone,2026-01-05,headline,,1e9,q,false,,,,,https://example.org/c,2026-12-02\n")
    with pytest.raises(InputError, match=r"claims.csv:3: claim.verdict: a verdict needs its reasoning"):
        import_file(ledger, f, actor="t")
    f.write_text("\n".join(f.read_text().splitlines()[:2]) + "\n")
    assert import_file(ledger, f, actor="t") == 1
    c = ledger.get("claim", "c-both")
    assert c["scope"] == "several" and c["pledge_ids"] == ["KR-2025-11", "JP-2025-09"]
    assert c["rests_on"] == ["pledge:KR-2025-11", "pledge:JP-2025-09"] and c["amount_usd"] == 900e9
