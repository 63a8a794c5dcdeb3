"""Long imports commit in batches: another writer waits for one batch, a bad row still rejects
the whole file (docs/ledger.md "Long imports")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pledgelab._errors import InputError
from pledgelab.ledger import Ledger, import_file

BATCH = 500  # the importer's documented batch size (docs/ledger.md)
ROWS = 1200  # three batches: 500, 500, 200
HEADER = "id,claimant,said_on,measure,quote,sources,verified\n"


def _claims(path: Path, rows: int, *, bad: dict[int, str] | None = None) -> Path:
    lines = [HEADER]
    for i in range(rows):
        lines.append((bad or {}).get(i, f"imp-{i},importer,2026-01-05,other,q,https://example.org/q,"
                                        "2026-01-06\n"))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _count(led: Ledger, prefix: str) -> int:
    ids: set[str] = set()
    offset = 0
    while True:
        page = led.list("claim", limit=500, offset=offset)
        ids |= {c["id"] for c in page.items if c["id"].startswith(prefix)}
        offset += 500
        if offset >= page.total:
            return len(ids)


def test_a_write_from_another_connection_lands_between_import_batches(
        seeded: Ledger, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = Ledger(db_url)  # its own engine: another connection, as the API's would be
    seen: list[tuple[int, int, int]] = []

    def between(number: int, of: int) -> None:
        # the import is not finished: the other writer must get the write lock now
        other.add("claim", {"id": f"other-{number}", "claimant": "api", "said_on": "2026-01-05",
                            "measure": "other", "quote": "q", "sources": ["https://example.org/q"],
                            "verified": "2026-01-06"}, actor="api")
        seen.append((number, of, _count(other, "imp-")))

    monkeypatch.setattr(seeded, "_batch_done", between)
    assert import_file(seeded, _claims(tmp_path / "long.csv", ROWS), actor="importer") == ROWS
    # after batch k, exactly min(k * 500, 1200) rows of the file are committed
    assert seen == [(1, 3, 500), (2, 3, 1000), (3, 3, 1200)]
    assert _count(seeded, "imp-") == ROWS and _count(seeded, "other-") == 3
    marks = [e for e in _audit_all(seeded) if e["action"] == "import-batch"]
    assert [(m["after"]["first_line"], m["after"]["last_line"]) for m in marks] == \
        [(2, 501), (502, 1001), (1002, 1201)]  # line 1 is the header
    other.close()


def _audit_all(led: Ledger) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = led.audit(limit=500, offset=offset)
        out += page.items
        offset += 500
        if offset >= page.total:
            return out


def test_a_bad_row_near_the_end_of_a_long_file_rejects_it_whole(seeded: Ledger,
                                                                 tmp_path: Path) -> None:
    before = seeded.release()
    bad = {1100: "imp-1100,importer,2026-01-05,nonsense,q,https://example.org/q,2026-01-06\n",
           3: "imp-3,importer,not-a-date,other,q,https://example.org/q,2026-01-06\n"}
    path = _claims(tmp_path / "bad.csv", ROWS, bad=bad)
    with pytest.raises(InputError) as info:
        import_file(seeded, path, actor="importer")
    text = str(info.value)
    assert f"{path}:1102: claim.measure" in text  # row 1100 is on line 1102
    assert f"{path}:5: claim.said_on" in text
    assert seeded.release() == before
    assert _count(seeded, "imp-") == 0


def test_a_stored_record_clash_in_a_later_batch_names_what_was_committed(seeded: Ledger,
                                                                         tmp_path: Path) -> None:
    # row 700 repeats row 10's id: only the stored records can tell, in the second batch
    bad = {700: "imp-10,importer,2026-01-05,other,q,https://example.org/q,2026-01-06\n"}
    path = _claims(tmp_path / "clash.csv", ROWS, bad=bad)
    with pytest.raises(InputError) as info:
        import_file(seeded, path, actor="importer")
    text = str(info.value)
    assert f"{path}:702:" in text
    assert "batches 1 to 1 of 3 (up to line 501) were committed" in text
    assert _count(seeded, "imp-") == BATCH  # the first batch, whole; nothing of the second
