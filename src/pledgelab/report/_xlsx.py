"""Excel workbooks of a command's tables (openpyxl, the ``[xlsx]`` extra).

One sheet a table (its title in cell A1, the header in row 2, raw values
below: dollars as numbers formatted ``$#,##0``, rates as fractions formatted as
percentages, dates as dates), then

- ``notes``: each table's notes;
- ``sources``: every clause of every deal the command used, with its value,
  unit, status, label, the value a scenario replaced, reason and references;
- ``about``: pledgelab's version, the command line, the date and time written,
  and the units of the column kinds.

Needs ``pip install 'pledgelab[xlsx]'``; without it :func:`write_xlsx` raises
:class:`~pledgelab._extras.MissingExtra` naming that line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pledgelab._extras import require
from pledgelab.report._table import UNITS, Table, raw
from pledgelab.terms import Status, TermSheet

_FORMATS = {"usd": '"$"#,##0', "pct": "0.00%", "ratio": "0.000", "int": "#,##0"}
_BAD = re.compile(r"[\[\]:*?/\\]")
FIRST_ROW = 3  # the header is row 2, values start in row 3 (row 1: the table's title)


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """One valid, unique Excel sheet name (≤ 31 characters) per table, from its title."""
    out: list[str] = []
    for i, t in enumerate(tables, start=1):
        text = re.sub(r"\([^)]*\)?", "", t.title.split(":")[-1]).strip() or t.title
        text = _BAD.sub(" ", text)
        if len(text) > 28:
            text = text[:28].rsplit(" ", 1)[0]
        base = text.strip() or f"table {i}"
        name = base
        k = 2
        while name.lower() in {n.lower() for n in out} or name.lower() in ("notes", "sources", "about"):
            name = f"{base[:27]} {k}"
            k += 1
        out.append(name)
    return out


def write_xlsx(tables: Sequence[Table], path: Path | str, *, deals: Iterable[TermSheet] = (),
               command: str = "", version: str = "") -> Path:
    """Write ``tables`` to an .xlsx file at ``path`` with ``notes``, ``sources`` and ``about`` sheets."""
    openpyxl = require("openpyxl", what="Writing an Excel file", extra="xlsx")
    column_letter = require("openpyxl.utils", what="Writing an Excel file", extra="xlsx").get_column_letter
    path = Path(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, t in zip(sheet_names(tables), tables, strict=True):
        ws = wb.create_sheet(name)
        ws.cell(row=1, column=1, value=t.title)
        unit_col = t.has_row_kinds
        heads = [c.name for c in t.columns] + (["unit"] if unit_col else [])
        for j, h in enumerate(heads, start=1):
            ws.cell(row=2, column=j, value=h)
        for i, r in enumerate(t.rows):
            for j, v in enumerate(r):
                cell = ws.cell(row=FIRST_ROW + i, column=j + 1, value=_cell(v))
                fmt = _FORMATS.get(t.kind_of(i, j))
                if fmt and isinstance(cell.value, int | float):
                    cell.number_format = fmt
            if unit_col:
                ws.cell(row=FIRST_ROW + i, column=len(r) + 1, value=t.row_unit(i))
        for j, c in enumerate(t.columns, start=1):
            width = max([len(str(c.name))] + [len(str(raw(r[j - 1]))) for r in t.rows[:200]])
            ws.column_dimensions[column_letter(j)].width = min(60, width + 2)
        ws.freeze_panes = "B3"
    notes = wb.create_sheet("notes")
    notes.append(["table", "note"])
    for t in tables:
        for n in t.notes:
            notes.append([t.title, n])
    src = wb.create_sheet("sources")
    src.append(["deal", "clause", "value", "unit", "status", "label", "replaced value", "reason",
                "references"])
    for d in deals:
        for cl in d.all_clauses():
            replaced = cl.history[-1].value if cl.status is Status.SCENARIO and cl.history else None
            src.append([d.id, cl.path.removeprefix("clauses."), _cell(cl.value), cl.unit,
                        cl.status.value, cl.label, _cell(replaced), " ".join((cl.reason or "").split()),
                        "; ".join(f"{r.title} <{r.url}>" for r in cl.references)])
    about = wb.create_sheet("about")
    for row in (["pledgelab", version], ["command", command],
                ["written", dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()],
                ["units", "; ".join(f"{k}: {v}" for k, v in UNITS.items() if v)],
                ["signs", "received (+), paid (−); dollars are US dollars, rates are fractions a year"]):
        about.append(row)
    wb.save(path)
    return path


def read_xlsx_tables(path: Path | str) -> dict[str, dict[str, Any]]:
    """The table sheets of a workbook written by :func:`write_xlsx`, as ``{sheet: {title, columns,
    rows}}`` (used by tests to compare a workbook with the JSON output)."""
    openpyxl = require("openpyxl", what="Reading an Excel file", extra="xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    out: dict[str, dict[str, Any]] = {}
    for ws in wb.worksheets:
        if ws.title in ("notes", "sources", "about"):
            continue
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        out[ws.title] = {"title": rows[0][0], "columns": rows[1], "rows": rows[2:]}
    return out


def _cell(value: Any) -> Any:
    v = raw(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k} {x}" for k, x in v.items())
    if v is not None and not isinstance(v, str | int | float | bool):
        return str(v)
    return v
