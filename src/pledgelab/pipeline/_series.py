"""Projects given directly as a cash-flow series: monthly capex, then monthly operating cash.

A pipeline project may carry a ``cash_flows`` clause instead of a ``capex``
clause: its value is a CSV file, a YAML file or an inline mapping of the
project's own months, which replaces the archetype's capex profile, ramp,
operating yield, life and residual value (the archetype still names the kind
of project: its sector, its Monte Carlo risks and its workforce needs).

The series is read in the engine's own terms (``docs/engine.md``, section 2):
build month *k* is the *k*-th capital call, operations start the month after
the last one, and every operating month is distributable cash. So

* the build is the leading run of months with capex, each above zero (the
  engine calls one build month after the other; a month of no spending in the
  middle of a build cannot be expressed);
* operating cash is zero while capex is spent and non-negative afterwards (the
  engine's waterfall distributes cash; it does not call for operating losses);
* the operating months are padded with zero months to a whole number of years,
  since a project's life is counted in years (``life_years``).

Formats (``docs/cashflows.md``)::

    month,capex,operating_cash        # CSV: months 1, 2, 3, ... in order
    1,250000000,0
    ...

    capex: [250e6, 250e6, ...]        # YAML (a file or inline): the build months,
    operating_cash: [0, 1.2e6, ...]   # then the operating months after it

A file is checked whole before it is used: a bad row rejects the whole series
with ``file:line: field: message``. Sizes are bounded (at most
``LIMITS["months"]`` build months and as many operating months; every amount
finite, at most ``UNIT_MAXIMUM["USD"]``).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pledgelab._cited import Checker, ClauseSpec, Located, YList, YMap, describe, read_text, read_yaml
from pledgelab._errors import InputError, Problem
from pledgelab._limits import LIMITS, MAX_CSV_FIELD, MAX_FILE_BYTES, UNIT_MAXIMUM

COLUMNS = ("month", "capex", "operating_cash")
SERIES_SCHEMA = "pledgelab.cash-flows/1"
MAX_MONTHS = int(LIMITS["months"].high)
"""Build months, and operating months, a series may hold (each)."""
MAX_AMOUNT = UNIT_MAXIMUM["USD"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CashFlowSeries:
    """A project's own monthly flows, in the currency of ``unit`` (converted to US dollars
    by the pipeline reader before the engine sees them).

    ``capex`` holds the build months (each > 0), ``operating_cash`` the operating months
    after the build (each >= 0), as written; ``source`` names where they were read.
    """

    capex: np.ndarray
    operating_cash: np.ndarray
    source: str

    @property
    def life_years(self) -> int:
        """Operating months rounded up to whole years (the engine counts life in years)."""
        return max(1, math.ceil(len(self.operating_cash) / 12))

    def operating_padded(self) -> np.ndarray:
        """Operating cash for ``life_years * 12`` months: the series, then zero months."""
        out = np.zeros(self.life_years * 12)
        out[: len(self.operating_cash)] = self.operating_cash
        return out

    def scaled(self, factor: float) -> CashFlowSeries:
        """The same series with every amount multiplied by ``factor`` (a currency conversion)."""
        return CashFlowSeries(capex=self.capex * factor, operating_cash=self.operating_cash * factor,
                              source=self.source)


class _Rows:
    """Amounts by month with the place each was read from, checked as one series."""

    def __init__(self) -> None:
        self.capex: list[tuple[float, Located]] = []
        self.operating: list[tuple[float, Located]] = []


def read_series(value: Any, where: Located, chk: Checker, *, base: Path | None) -> CashFlowSeries | None:
    """The series a ``cash_flows`` clause's value stands for, or None with problems added to ``chk``.

    ``value`` is a path (``.csv``, ``.yaml``, ``.yml``; relative to ``base``, the folder of the
    pipeline file) or a mapping ``{capex: [...], operating_cash: [...]}``.
    """
    if isinstance(value, YMap):
        return _from_mapping(value, chk, source=f"{where.file}:{where.line}")
    if not isinstance(value, str) or not value.strip():
        chk.add(where, "expected a file name (.csv or .yaml) or a mapping {capex: [...], "
                       f"operating_cash: [...]}}, got {describe(value)}")
        return None
    path = Path(value)
    if not path.is_absolute() and base is not None:
        path = base / path
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        chk.add(where, f"a cash-flow file is .csv or .yaml, got {value!r}")
        return None
    try:
        if suffix == ".csv":
            return _from_csv(path, value, chk)
        root = read_yaml(path, display=value)
    except InputError as exc:
        chk.problems.extend(exc.problems)
        return None
    chk.keys(root, required=("schema", "capex", "operating_cash"), allowed=("note",))
    if "schema" in root and root["schema"] != SERIES_SCHEMA:
        chk.add(root.at("schema"), f"expected {SERIES_SCHEMA!r}, got {root['schema']!r}")
    return _from_mapping(root, chk, source=value, keys_checked=True)


def _from_mapping(m: YMap, chk: Checker, *, source: str, keys_checked: bool = False) -> CashFlowSeries | None:
    before = len(chk.problems)
    if not keys_checked:
        chk.keys(m, required=("capex", "operating_cash"))
    rows = _Rows()
    for key, out in (("capex", rows.capex), ("operating_cash", rows.operating)):
        if key not in m:
            continue
        items = m[key]
        if not isinstance(items, YList) or not items:
            chk.add(m.at(key), f"expected a non-empty list of monthly amounts, got {describe(items)}")
            continue
        if len(items) > MAX_MONTHS:
            chk.add(m.at(key), f"{len(items):,} months; the limit is {MAX_MONTHS:,}")
            continue
        for loc, item in items.items_located():
            x = _amount(item, loc, chk)
            if x is not None:
                out.append((x, loc))
    if len(chk.problems) > before:
        return None
    for x, loc in rows.capex:
        if x <= 0.0:
            chk.add(loc, f"every build month's capex must be above 0, got {x:g} (the build is the list "
                         "of capital calls, one a month)")
    return _made(rows, chk, before, source=source)


def _from_csv(path: Path, name: str, chk: Checker) -> CashFlowSeries | None:
    text = read_text(path, name, limit=MAX_FILE_BYTES, what="cash-flow CSV file")
    before = len(chk.problems)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            chk.problems.append(Problem(name, 1, "<header>", f"the file is empty; expected the columns "
                                        f"{', '.join(COLUMNS)}"))
            return None
        cols = [h.strip() for h in header]
        if cols != list(COLUMNS):
            chk.problems.append(Problem(name, 1, "<header>", f"expected the columns {', '.join(COLUMNS)} "
                                        f"in that order, got {', '.join(cols) or 'none'}"))
            return None
        rows = _Rows()
        line = reader.line_num
        n = 0
        for cells in reader:
            at = line + 1  # the first line of this record (a quoted field may span lines)
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line
            n += 1
            if n > 2 * MAX_MONTHS:
                chk.problems.append(Problem(name, at, "<row>", f"more than {2 * MAX_MONTHS:,} months"))
                return None
            if len(cells) != len(COLUMNS):
                chk.problems.append(Problem(name, at, "<row>", f"expected {len(COLUMNS)} cells "
                                            f"({', '.join(COLUMNS)}), got {len(cells)}"))
                continue
            month, capex, operating = (_cell(c, name, at, col, chk) for c, col in zip(cells, COLUMNS,
                                                                                     strict=True))
            if month is not None and month != n:
                chk.problems.append(Problem(name, at, "month", f"expected month {n} (months run 1, 2, "
                                            f"3, ... in order), got {_shown(month)}"))
            if capex is not None and operating is not None:
                loc = Located(name, at, "capex")
                if capex < 0.0 or operating < 0.0:
                    field = "capex" if capex < 0.0 else "operating_cash"
                    chk.problems.append(Problem(name, at, field, "write amounts as positive numbers "
                                                "(capex is money spent, operating_cash money earned)"))
                elif capex > 0.0:
                    if rows.operating:
                        chk.problems.append(Problem(name, at, "capex", "capex after operations began: "
                                                    "the build is the leading run of months with capex"))
                    elif operating != 0.0:
                        chk.problems.append(Problem(name, at, "operating_cash", "operating cash during "
                                                    "the build: operations start the month after the "
                                                    "last capex"))
                    rows.capex.append((capex, loc))
                elif not rows.capex:
                    chk.problems.append(Problem(name, at, "capex", "the series must start with a "
                                                "month of capex (month 1 is the first capital call)"))
                else:
                    rows.operating.append((operating, Located(name, at, "operating_cash")))
    except csv.Error as exc:
        chk.problems.append(Problem(name, int(getattr(exc, "line_num", 0) or reader.line_num), "<row>",
                                    f"not valid CSV: {exc}"))
        return None
    if len(chk.problems) > before:
        return None
    if not rows.capex:
        chk.problems.append(Problem(name, 1, "capex", "no month of capex: the series has no build"))
        return None
    return _made(rows, chk, before, source=name)


def _made(rows: _Rows, chk: Checker, before: int, *, source: str) -> CashFlowSeries | None:
    if len(rows.capex) > MAX_MONTHS or len(rows.operating) > MAX_MONTHS:
        loc = (rows.operating or rows.capex)[-1][1]
        chk.add(loc, f"at most {MAX_MONTHS:,} build months and {MAX_MONTHS:,} operating months")
    if not rows.operating and rows.capex:
        chk.add(rows.capex[-1][1], "no operating month after the build: give operating_cash")
    total = sum(x for x, _ in rows.capex)
    if rows.capex and total > MAX_AMOUNT:
        chk.add(rows.capex[-1][1], f"capex sums to {total:.6g}, above the limit of {MAX_AMOUNT:g}")
    if len(chk.problems) > before:
        return None
    return CashFlowSeries(capex=np.array([x for x, _ in rows.capex], dtype=np.float64),
                          operating_cash=np.array([x for x, _ in rows.operating], dtype=np.float64),
                          source=source)


_AMOUNT = ClauseSpec(units=("USD",), kind="money", minimum=0.0)
"""A monthly amount of a series: a finite number of dollars, zero or more, within the USD ceiling."""


def _amount(value: Any, where: Located, chk: Checker) -> float | None:
    """One amount of a series, checked as every money value is (:meth:`Checker.number`)."""
    return chk.number(value, where, _AMOUNT)


def _cell(text: str, name: str, line: int, col: str, chk: Checker) -> float | None:
    if len(text) > MAX_CSV_FIELD:
        chk.problems.append(Problem(name, line, col, f"longer than {MAX_CSV_FIELD:,} characters"))
        return None
    s = text.strip().replace("_", "")
    try:
        x = float(s) if s else math.nan
    except ValueError:
        chk.problems.append(Problem(name, line, col, f"expected a number, got {_shown(text)}"))
        return None
    if not math.isfinite(x):
        chk.problems.append(Problem(name, line, col, f"expected a finite number, got {_shown(text)}"))
        return None
    if abs(x) > MAX_AMOUNT:
        chk.problems.append(Problem(name, line, col, f"must be at most {MAX_AMOUNT:g}, got {_shown(text)}"))
        return None
    return x


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
