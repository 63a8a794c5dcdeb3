"""Import and export: CSV rows in (all or nothing, every bad row named), CSV or JSON out.

**Import.** The kind of record a CSV holds is read off its header:
``claimant`` → claims, ``funding_date`` → capital calls, ``event`` →
milestones, else projects. Columns are the kind's fields (``sources`` holds
URLs separated by spaces or ``|``); a projects CSV may add one amount per row
(``amount_usd``, ``amount_basis``, ``amount_estimate``,
``amount_estimate_reason``, ``amount_as_of``). A ``release`` column (from an
export) is ignored. Every row's fields are checked first: if any row is bad
nothing is written, and every bad row is reported as
``file:line: field: message``. Rows are then written in one transaction, or
for a file of more than :data:`IMPORT_BATCH` rows in transactions of that many
(so another writer waits for one batch, not the whole file), each batch
recorded in the audit log (docs/ledger.md "Long imports").

**Export.** JSON holds every record of every kind with its stable id and the
ledger's release; the projects CSV has one row per project (its preferred
amount and current status) in exactly the columns import reads back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from pledgelab._cited import read_text
from pledgelab._errors import InputError, Problem
from pledgelab._limits import IMPORT_BATCH, MAX_CSV_BYTES, MAX_CSV_FIELD
from pledgelab.ledger._fields import FIELDS
from pledgelab.ledger._ledger import Ledger, Where
from pledgelab.ledger._report import held_amount

AMOUNT_COLUMNS = ("amount_usd", "amount_basis", "amount_estimate", "amount_estimate_reason",
                  "amount_as_of", "amount_bound")
PROJECT_COLUMNS = ("id", "pledge_id", "tranche_id", "relation", "name", "sector", "company", "state",
                   "site", "latitude", "longitude", "district", "capacity", "jobs", "component",
                   "project_type", "first_announced", "status", "status_date", "notice_date",
                   "amount_usd", "amount_basis", "amount_as_of", "amount_bound", "amount_estimate",
                   "sources", "verified", "note")
MAX_ROWS = 100_000


def _kind_of(header: list[str]) -> str:
    if "claimant" in header:
        return "claim"
    if "funding_date" in header:
        return "call"
    if "event" in header:
        return "milestone"
    return "project"


def read_csv(path: Path, *, display: str | None = None) -> list[tuple[str, dict[str, Any], Where]]:
    """The records of a CSV file, each with its line; raises on a bad header."""
    name = display or str(path)
    # the one file check (regular file, size, UTF-8, no NUL) of pledgelab._cited, with the CSV limit
    text = read_text(path, name, limit=MAX_CSV_BYTES, what="CSV file")
    try:
        return _rows(text, name)
    except csv.Error as exc:  # a field over the csv module's limit, a bad quote
        raise InputError([Problem(name, _csv_line(text, exc), "<row>", f"not valid CSV: {exc}")]) from None


def _csv_line(text: str, exc: csv.Error) -> int:
    return int(getattr(exc, "line_num", 0) or 0)


def _rows(text: str, name: str) -> list[tuple[str, dict[str, Any], Where]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    if not header:
        raise InputError([Problem(name, 1, "<header>", "the file is empty")])
    kind = _kind_of(header)
    allowed = set(FIELDS[kind]) | {"release"} | (set(AMOUNT_COLUMNS) if kind == "project" else set())
    problems = [Problem(name, 1, col or "<blank>", f"unknown column for {kind} records; expected: "
                        f"{', '.join(sorted(allowed - {'release'}))}")
                for col in header if col not in allowed]
    if len(set(header)) != len(header):
        problems.append(Problem(name, 1, "<header>", "a column name appears twice"))
    if problems:
        raise InputError(problems)
    out: list[tuple[str, dict[str, Any], Where]] = []
    line = 1
    for row in reader:
        where = Where(file=name, line=line + 1)
        line = reader.line_num
        if None in row:  # more cells than columns
            raise InputError([Problem(name, where.line, "<row>", "more cells than the header has columns")])
        long = next((k for k, v in row.items() if isinstance(v, str) and len(v) > MAX_CSV_FIELD), None)
        if long is not None:
            raise InputError([Problem(name, where.line, long, f"longer than {MAX_CSV_FIELD:,} characters")])
        # a project's amount columns become its amount record; every other kind keeps its own
        # amount_usd (a claim's, a call's): no column given is ever dropped
        data = {k: v for k, v in row.items()
                if k != "release" and not (kind == "project" and k in AMOUNT_COLUMNS)}
        if kind == "project" and any((row.get(c) or "").strip() for c in AMOUNT_COLUMNS):
            data["amounts"] = [{
                "amount_usd": row.get("amount_usd"), "basis": row.get("amount_basis") or "as imported",
                "estimate": row.get("amount_estimate") or "false",
                "estimate_reason": row.get("amount_estimate_reason"),
                "as_of": row.get("amount_as_of") or row.get("status_date"),
                "bound": row.get("amount_bound") or "exact", "preferred": "true",
                "sources": row.get("sources"), "verified": row.get("verified"),
            }]
        out.append((kind, data, where))
        if len(out) > MAX_ROWS:
            raise InputError([Problem(name, where.line, "<file>", f"more than {MAX_ROWS} rows")])
    return out


def import_file(ledger: Ledger, path: Path, *, actor: str, override: str | None = None) -> int:
    """Import a CSV file; returns the number of records written.

    A bad row rejects the whole file; past :data:`IMPORT_BATCH` rows the file is written a
    batch to a transaction (see :meth:`Ledger.apply`).
    """
    if path.suffix.lower() != ".csv":
        raise InputError([Problem(str(path), 0, "<file>", "import reads .csv files")])
    records = read_csv(path)
    return ledger.apply(records, actor=actor, override=override, batch=IMPORT_BATCH)


def project_rows(ledger: Ledger) -> list[dict[str, Any]]:
    """One row per project: stable id, current status, preferred amount, in import's columns."""
    doc = ledger.dump()
    by_project: dict[str, list[dict[str, Any]]] = {}
    for a in doc["amount"]:
        by_project.setdefault(a["project_id"], []).append(a)
    rows = []
    for p in doc["project"]:  # the amount held now: the latest preferred one
        a = held_amount(by_project.get(p["id"], []), dt.date.max, dt.date.fromisoformat(p["status_date"]))
        rows.append({
            "release": doc["release"], **{k: p[k] for k in PROJECT_COLUMNS if k in p},
            "amount_usd": a["amount_usd"] if a else None, "amount_basis": a["basis"] if a else None,
            "amount_as_of": a["as_of"] if a else None, "amount_bound": a["bound"] if a else None,
            "amount_estimate": a["estimate"] if a else None, "sources": " ".join(p["sources"]),
        })
    return rows


def export_file(ledger: Ledger, path: Path) -> int:
    """Write the JSON export (every record) or the projects CSV; returns the records written."""
    if path.suffix.lower() == ".json":
        doc = ledger.dump()
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return sum(len(v) for v in doc.values() if isinstance(v, list))
    if path.suffix.lower() == ".csv":
        rows = project_rows(ledger)
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["release", *PROJECT_COLUMNS], lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: "" if v is None else v for k, v in r.items()})
        return len(rows)
    raise InputError([Problem(str(path), 0, "<file>", "export writes .json or .csv files")])
