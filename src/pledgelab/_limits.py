"""One table of limits: how big, how deep, how far every input may go.

Every number that enters pledgelab — a clause of a cited file, a command-line
option, an argument of a library entry point, a field of an HTTP body or a CSV
row — is finite and inside a stated range, checked where it is read:

- cited YAML files: :mod:`pledgelab._cited` (file size, encoding, aliases,
  nesting, dates in :data:`DATE_MIN`..:data:`DATE_MAX`, a ceiling per unit in
  :data:`UNIT_MAXIMUM`);
- command-line options: :func:`argtype` builds the ``argparse`` type of a
  bounded option from its :data:`LIMITS` entry;
- library entry points (``simulate``, ``run``, the macro and workforce
  functions): :func:`check` with the same entry;
- the ledger and its API: the text, JSON and CSV entries below.

The table is documented in ``docs/limits.md``; a test holds the two equal.
A value outside its range raises :class:`LimitError` (an
:class:`~pledgelab.InputError` and a :class:`ValueError`) naming the field,
the value and the range — never a traceback, a hang, or a number printed for
nonsense.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pledgelab._errors import ArgumentError, Problem


class LimitError(ArgumentError):
    """A value outside its documented range (:data:`LIMITS`); the field is named in the message."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Limit:
    """The range of one numeric input.

    ``low``/``high`` are inclusive unless ``open_low``/``open_high``; ``whole``
    asks for an integer. ``why`` says where the bound comes from.
    """

    name: str
    low: float
    high: float
    unit: str
    why: str
    whole: bool = False
    open_low: bool = False
    open_high: bool = False

    def describe(self) -> str:
        """The range as text: ``1 to 1,000,000 paths``, ``between 0 and 1 (exclusive)``."""
        fmt = (lambda x: str(int(x))) if self.unit == "calendar year" else _num
        lo, hi = fmt(self.low), fmt(self.high)
        if self.open_low and self.open_high:
            return f"strictly between {lo} and {hi}"
        left = f"greater than {lo}" if self.open_low else ("non-negative" if self.low == 0 else
                                                             f"at least {lo}")
        right = f"less than {hi}" if self.open_high else f"at most {hi}"
        return f"{left} and {right}" + (f" ({self.unit})" if self.unit else "")

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is refused, or None when it is inside the range."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "a whole number" if self.whole else "a number"
            return f"expected {kind}, got {type(value).__name__} {value!r}"
        if self.whole and not isinstance(value, int) and not (
                math.isfinite(value) and float(value).is_integer()):
            return f"expected a whole number, got {value!r}"
        x: float = value  # an int is compared exactly (2**63 - 1 is not a float)
        if not isinstance(value, int):
            x = float(value)
        elif abs(value) > 10**30:
            return f"must be {self.describe()}, got a number with {len(str(abs(value)))} digits"
        if not math.isfinite(x):
            return f"expected a finite number, got {value!r}"
        below = x <= self.low if self.open_low else x < self.low
        above = x >= self.high if self.open_high else x > self.high
        if below or above:
            return f"must be {self.describe()}, got {value!r}"
        return None


def _num(x: float) -> str:
    if isinstance(x, int):
        return f"{x:,}"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:g}"


_YEAR = 12
LIMITS: dict[str, Limit] = {limit.name: limit for limit in (
    # -- Monte Carlo and its options -------------------------------------------------------
    Limit(name="paths", low=1, high=1_000_000, unit="paths", whole=True,
          why="a million paths already take hours on one machine; per-path results are held in memory"),
    Limit(name="seed", low=0, high=2**63 - 1, unit="", whole=True,
          why="numpy's SeedSequence takes a non-negative integer"),
    Limit(name="chunk_size", low=1, high=100_000, unit="paths", whole=True,
          why="a chunk's arrays are paths x months x parties; 100,000 paths is ~1 GB at 40 years"),
    Limit(name="workers", low=1, high=256, unit="processes", whole=True,
          why="at least one worker; more than 256 local processes is a typo"),
    Limit(name="samples", low=1, high=65_536, unit="samples", whole=True,
          why="Sobol' base samples or Morris trajectories; each costs (clauses + 2) runs of every path"),
    Limit(name="extra_months", low=0, high=50 * _YEAR, unit="months", whole=True,
          why="months run past the plan's last flow; negative would cut flows off (a wrong number)"),
    Limit(name="quantile", low=0.0, high=1.0, unit="", open_low=True, open_high=True,
          why="a quantile of a distribution lies strictly between 0 and 1"),
    # -- rates and amounts --------------------------------------------------------------------
    Limit(name="discount_rate", low=-0.99, high=1.0, unit="per year",
          why="a rate is a fraction (4% is 0.04); -100% or below has no present value"),
    Limit(name="fx_impact", low=0.0, high=1.0, unit="log points per USD bn",
          why="a pledge's dollar demand moves the currency by at most 1 log point per $1bn"),
    Limit(name="processing_scale", low=0.0, high=100.0, unit="x", open_low=True,
          why="a multiple of the cited visa processing times; 0 or less is no time at all"),
    Limit(name="amount_usd", low=0.0, high=1e14, unit="USD",
          why="$100 trillion, above any economy's output: a larger amount is a unit error"),
    Limit(name="exports_usd", low=0.0, high=1e14, unit="USD per year",
          why="$100 trillion a year, above world trade"),
    # -- horizons ------------------------------------------------------------------------------
    Limit(name="horizon_year", low=1950, high=2150, unit="calendar year", whole=True,
          why="the calendar window of every date (DATE_MIN..DATE_MAX)"),
    Limit(name="years", low=1, high=100, unit="years", whole=True,
          why="a table of at least one and at most a hundred years"),
    Limit(name="months", low=1, high=100 * _YEAR, unit="months", whole=True,
          why="a term, build or life of at most a hundred years"),
    Limit(name="run_months", low=1, high=300 * _YEAR, unit="months", whole=True,
          why="a run's arrays are paths x months; three centuries bound them (dates lie in 1950..2150)"),
    # -- presentation ----------------------------------------------------------------------------
    Limit(name="port", low=1, high=65_535, unit="TCP port", whole=True,
          why="TCP ports are 1..65535 (0 would pick a random one)"),
    Limit(name="version", low=0, high=2**31 - 1, unit="", whole=True,
          why="a record's version as read (optimistic locking): a non-negative integer"),
)}

DATE_MIN = dt.date(1950, 1, 1)
DATE_MAX = dt.date(2150, 12, 31)
"""Every date read (clause, option, ledger record) lies in this window: the
engine works in months, and a run across the window is 2,412 months."""

UNIT_MAXIMUM: dict[str, float] = {
    "USD": 1e14,
    "USD/calendar-year": 1e14,
    "USD/year": 1e14,
    "months": 100 * _YEAR,
    "years": 100,
    "calendar-days": 36_525,
    "business-days": 26_100,
    "per-year": 10.0,
}
"""Ceiling of a cited clause by its unit, when the clause's own spec gives none
(a clause with its own ``maximum`` keeps it)."""

# -- files, text and stored data ------------------------------------------------------------
MAX_FILE_BYTES = 1 << 20
"""A cited YAML file: at most 1 MiB (the largest shipped file is ~55 KB)."""
MAX_YAML_NODES = 100_000
"""Values in one YAML file after alias expansion (a "billion laughs" file stops here)."""
MAX_YAML_DEPTH = 64
"""Nesting of mappings and lists in a YAML file (the shipped files use at most 8)."""
MAX_PATH_CHARS = 4096
"""Characters in a file path given on the command line or to a library function."""
MAX_CSV_BYTES = 64 << 20
"""A CSV file imported into the ledger."""
MAX_CSV_FIELD = 10_000
"""Characters in one CSV field."""
MAX_TEXT = 10_000
"""Characters in one free-text field of a ledger record (note, reason, basis)."""
MAX_ACTOR = 80
"""Characters in an audit actor, the same on SQLite and PostgreSQL."""
MAX_JSON_DEPTH = 16
"""Nesting of a JSON value stored in the ledger (e.g. a pledge's composition)."""
MAX_JSON_BYTES = 64 << 10
"""Serialised size of one JSON value stored in the ledger."""
BUSY_WAIT_S = 5.0
"""How long a write waits for a busy database before the API answers 503."""
RETRY_AFTER_S = 5
"""The Retry-After the API sends with a 503 for a busy database."""
IMPORT_BATCH = 500
"""Records an import commits at a time, so it never holds the write lock for long."""

FILE_LIMITS: dict[str, tuple[float, str]] = {
    "MAX_FILE_BYTES": (MAX_FILE_BYTES, "bytes in a cited YAML file"),
    "MAX_YAML_NODES": (MAX_YAML_NODES, "values in a YAML file after alias expansion"),
    "MAX_YAML_DEPTH": (MAX_YAML_DEPTH, "nesting depth of a YAML file"),
    "MAX_PATH_CHARS": (MAX_PATH_CHARS, "characters in a file path"),
    "MAX_CSV_BYTES": (MAX_CSV_BYTES, "bytes in an imported CSV file"),
    "MAX_CSV_FIELD": (MAX_CSV_FIELD, "characters in one CSV field"),
    "MAX_TEXT": (MAX_TEXT, "characters in a free-text ledger field"),
    "MAX_ACTOR": (MAX_ACTOR, "characters in an audit actor"),
    "MAX_JSON_DEPTH": (MAX_JSON_DEPTH, "nesting depth of a stored JSON value"),
    "MAX_JSON_BYTES": (MAX_JSON_BYTES, "bytes of a stored JSON value"),
    "BUSY_WAIT_S": (BUSY_WAIT_S, "seconds a write waits for a busy database"),
    "RETRY_AFTER_S": (RETRY_AFTER_S, "seconds in Retry-After with a 503"),
    "IMPORT_BATCH": (IMPORT_BATCH, "records committed at a time by an import"),
}
"""The scalar limits by name, for ``docs/limits.md`` and its test."""


def check(name: str, value: Any, *, field: str | None = None, where: str = "argument") -> Any:
    """``value`` if it is inside :data:`LIMITS` ``[name]``, else :class:`LimitError`.

    ``field`` is the name shown (defaults to ``name``); ``where`` the "file" part
    of the message (``argument`` for a library call, ``option`` for the CLI).
    """
    why = LIMITS[name].problem(value)
    if why is not None:
        raise LimitError([Problem(where, 0, field or name, why)])
    return value


def check_date(value: Any, *, field: str, where: str = "argument") -> dt.date:
    """``value`` if it is a date (not a datetime) within ``DATE_MIN``..``DATE_MAX``."""
    why = date_problem(value)
    if why is not None:
        raise LimitError([Problem(where, 0, field, why)])
    assert isinstance(value, dt.date)
    return value


def date_problem(value: Any) -> str | None:
    """Why ``value`` is not an acceptable date, or None."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        return f"expected a date (YYYY-MM-DD), got {type(value).__name__} {value!r}"
    if not DATE_MIN <= value <= DATE_MAX:
        return f"date {value} is outside the window {DATE_MIN} to {DATE_MAX}"
    return None


def finite(value: Any, *, field: str, where: str = "argument") -> float:
    """``value`` as a finite float, else :class:`LimitError` naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LimitError([Problem(where, 0, field, f"expected a number, got {type(value).__name__}")])
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise LimitError([Problem(where, 0, field, f"expected a finite number, got {value!r}")])
    return x


def argtype(name: str) -> Callable[[str], Any]:
    """An ``argparse`` ``type=`` for the bounded option ``name``: parses and checks the range.

    A value outside the range is an ``argparse`` error (usage line, exit 2)
    naming the option's range, e.g. ``--paths: must be at least 1 and at most 1,000,000``.
    """
    limit = LIMITS[name]

    def parse(text: str) -> Any:
        try:
            value: Any = int(text) if limit.whole else float(text)
        except (ValueError, OverflowError):
            kind = "a whole number" if limit.whole else "a number"
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
        why = limit.problem(value)
        if why is not None:
            raise argparse.ArgumentTypeError(why)
        return value

    parse.__name__ = name  # argparse names the type in its message
    return parse


def date_arg(text: str) -> dt.date:
    """An ``argparse`` ``type=`` for a date option: YYYY-MM-DD inside the calendar window."""
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None
    if len(text) != 10:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}")
    why = date_problem(value)
    if why is not None:
        raise argparse.ArgumentTypeError(why)
    return value


def json_problem(value: Any, *, depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why a JSON-like value may not be stored (too deep, too large, not finite), or None.

    Walks the value iteratively, so a hostile depth cannot exhaust the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    size = 0
    while stack:
        item, level = stack.pop()
        if level > depth:
            return f"nested more than {depth} levels deep"
        if isinstance(item, dict):
            for k, v in item.items():
                size += len(str(k)) + 4
                stack.append((v, level + 1))
        elif isinstance(item, list | tuple):
            size += 2
            stack.extend((v, level + 1) for v in item)
        elif isinstance(item, str):
            size += len(item.encode("utf-8", "surrogatepass")) + 2
        elif isinstance(item, float) and not math.isfinite(item):
            return f"holds a number that is not finite ({item!r})"
        else:
            size += 8
        if size > MAX_JSON_BYTES:
            return f"larger than {MAX_JSON_BYTES:,} bytes"
    return None


__all__ = [
    "BUSY_WAIT_S",
    "DATE_MAX",
    "DATE_MIN",
    "FILE_LIMITS",
    "IMPORT_BATCH",
    "LIMITS",
    "MAX_ACTOR",
    "MAX_CSV_BYTES",
    "MAX_CSV_FIELD",
    "MAX_FILE_BYTES",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_PATH_CHARS",
    "MAX_TEXT",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "RETRY_AFTER_S",
    "UNIT_MAXIMUM",
    "Limit",
    "LimitError",
    "argtype",
    "check",
    "check_date",
    "date_arg",
    "date_problem",
    "finite",
    "json_problem",
]
