"""One table type, three renderings: a rich table, CSV (long), JSON (raw numbers)."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from pledgelab.report._format import show


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its name and how to show its values (text, usd, pct, ratio, int)."""

    name: str
    kind: str = "text"


@dataclass(slots=True)
class Table:
    """Rows of raw values under named columns, with notes printed underneath."""

    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _raw(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def emit(tables: list[Table], fmt: str, console: Console | None = None) -> str:
    """Render ``tables`` as ``table`` (printed with rich), ``csv`` or ``json`` text."""
    if fmt == "json":
        text = json.dumps([{"title": t.title, "columns": [c.name for c in t.columns],
                            "rows": [[_raw(v) for v in r] for r in t.rows], "notes": t.notes}
                           for t in tables], indent=2, default=str)
        print(text)
        return text
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        if len(tables) == 1:
            w.writerow([c.name for c in tables[0].columns])
            for r in tables[0].rows:
                w.writerow(["" if _raw(v) is None else v for v in r])
        else:
            w.writerow(["table", "row", "column", "value"])
            for t in tables:
                for r in t.rows:
                    for c, v in zip(t.columns[1:], r[1:], strict=True):
                        w.writerow([t.title, r[0], c.name, "" if _raw(v) is None else v])
        text = buf.getvalue()
        print(text, end="")
        return text
    con = console or Console()
    for t in tables:
        rt = RichTable(title=escape(t.title), title_justify="left", show_lines=False, min_width=60)
        for c in t.columns:
            rt.add_column(c.name, justify="right" if c.kind != "text" else "left",
                          overflow="fold")
        for r in t.rows:
            rt.add_row(*[escape(show(v, c.kind)) for v, c in zip(r, t.columns, strict=True)])
        con.print(rt)
        for n in t.notes:
            con.print(f"  [dim]{escape(n)}[/dim]")
        con.print()
    return ""
