"""One table type, four renderings: a rich table for people; CSV, JSON and xlsx for machines.

A :class:`Table` holds raw values: dollars as numbers, rates as fractions, dates
as dates (ISO text in CSV and JSON). A column's ``kind`` (``usd``, ``pct``,
``ratio``, ``int``, ``text``) says how people read it and gives its unit for
machines; a table whose rows are measures (``compare``: one column per deal)
gives each row its own kind with :meth:`Table.add`.

- ``table``: rich, as wide as the terminal (rich measures it; ``COLUMNS`` when
  output is not a terminal); tables longer than ``limit`` rows are cut, with a
  line saying how many rows ``--all`` would show.
- ``csv``: one table: a header with each number column's unit in its name
  (``contributed (USD)``, ``IRR (fraction)``), or a ``unit`` column when the rows
  carry kinds; several tables: long form ``table,row,column,unit,value``.
- ``json``: per table ``title``, ``columns``, ``units`` (one per column),
  ``row_units`` (when the rows carry kinds), ``rows`` (raw) and ``notes``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from pledgelab.report._format import show

UNITS = {"usd": "USD", "pct": "fraction", "ratio": "ratio", "int": "count", "number": "", "text": ""}
"""The unit of each column kind, for machines (the data dictionary of ``docs/whatif.md``)."""
LIMIT = 60  # rows a table shows on the terminal without --all


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its name and how to show its values (text, usd, pct, ratio, int)."""

    name: str
    kind: str = "text"

    @property
    def unit(self) -> str:
        return UNITS.get(self.kind, "")


@dataclass(slots=True)
class Table:
    """Rows of raw values under named columns, with notes printed underneath.

    ``row_kinds`` (filled by :meth:`add`) gives a row's kind for every column after the
    first ``label_columns`` (the row's names), where rows are measures and columns are deals,
    values of a sweep or percentiles.
    """

    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    row_kinds: list[str | None] = field(default_factory=list)
    label_columns: int = 1

    def add(self, row: list[Any], kind: str | None = None) -> None:
        """Append ``row``; ``kind`` applies to its cells after the label columns."""
        self.row_kinds.extend([None] * (len(self.rows) - len(self.row_kinds)))
        self.rows.append(row)
        self.row_kinds.append(kind)

    def kind_of(self, row: int, col: int) -> str:
        """How the cell at (``row``, ``col``) reads: the row's kind, else the column's."""
        rk = self.row_kinds[row] if row < len(self.row_kinds) else None
        return rk if rk is not None and col >= self.label_columns else self.columns[col].kind

    @property
    def has_row_kinds(self) -> bool:
        return any(k is not None for k in self.row_kinds)

    def row_unit(self, row: int) -> str:
        rk = self.row_kinds[row] if row < len(self.row_kinds) else None
        return UNITS.get(rk or "text", "")


def raw(value: Any) -> Any:
    """A cell as machines get it: NaN → None, numpy scalars → Python, dates → ISO text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [raw(v) for v in value]
    return value


def header(c: Column) -> str:
    """A CSV column name with its unit: ``contributed (USD)``."""
    return f"{c.name} ({c.unit})" if c.unit and c.kind != "int" else c.name


def as_json(tables: list[Table]) -> list[dict[str, Any]]:
    """The JSON form of ``tables`` (see the module docstring), as Python objects."""
    out = []
    for t in tables:
        d: dict[str, Any] = {"title": t.title, "columns": [c.name for c in t.columns],
                             "units": [c.unit for c in t.columns]}
        if t.has_row_kinds:
            d["row_units"] = [t.row_unit(i) for i in range(len(t.rows))]
        d["rows"] = [[raw(v) for v in r] for r in t.rows]
        d["notes"] = t.notes
        out.append(d)
    return out


def as_csv(tables: list[Table]) -> str:
    """The CSV form of ``tables`` (see the module docstring)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")

    def cell(v: Any) -> Any:
        r = raw(v)
        return "" if r is None else r

    if len(tables) == 1:
        t = tables[0]
        if t.has_row_kinds:
            w.writerow([*[c.name for c in t.columns], "unit"])
            for i, r in enumerate(t.rows):
                w.writerow([*[cell(v) for v in r], t.row_unit(i)])
        else:
            w.writerow([header(c) for c in t.columns])
            for r in t.rows:
                w.writerow([cell(v) for v in r])
    else:
        w.writerow(["table", "row", "column", "unit", "value"])
        for t in tables:
            for i, r in enumerate(t.rows):
                for j, (c, v) in enumerate(zip(t.columns[1:], r[1:], strict=True), start=1):
                    w.writerow([t.title, cell(r[0]), c.name, UNITS.get(t.kind_of(i, j), ""), cell(v)])
    return buf.getvalue()


def emit(tables: list[Table], fmt: str, console: Console | None = None, *,
         limit: int | None = LIMIT) -> str:
    """Render ``tables`` as ``table`` (printed with rich), ``csv`` or ``json`` text.

    ``limit`` cuts a terminal table to that many rows (``None``: every row, ``--all``).
    """
    if fmt == "json":
        text = json.dumps(as_json(tables), indent=2, default=str)
        print(text)
        return text
    if fmt == "csv":
        text = as_csv(tables)
        print(text, end="")
        return text
    con = console or Console()
    for t in tables:
        rt = RichTable(title=escape(t.title), title_justify="left", show_lines=False,
                       min_width=min(60, con.width))
        for c in t.columns:
            rt.add_column(escape(c.name), justify="right" if c.kind != "text" else "left",
                          overflow="fold")
        rows = list(enumerate(t.rows))
        cut = limit is not None and len(rows) > limit
        if cut:
            assert limit is not None
            rows = rows[:limit - 1] + rows[-1:]
        for k, (i, r) in enumerate(rows):
            if cut and k == len(rows) - 1:
                rt.add_row(*[f"… {len(t.rows) - len(rows)} more" if j == 0 else "…"
                             for j in range(len(t.columns))])
            rt.add_row(*[escape(show(v, t.kind_of(i, j))) for j, v in enumerate(r)])
        con.print(rt)
        if cut:
            con.print(f"  [dim]{len(rows)} of {len(t.rows)} rows shown; --all shows every row[/dim]")
        for n in t.notes:  # indented as a block, so a wrapped note stays under its first line
            con.print(Padding(Text(n, style="dim"), (0, 0, 0, 2)))
        con.print()
    return ""
