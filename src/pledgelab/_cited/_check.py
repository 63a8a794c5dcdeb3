"""Field-by-field checks shared by every cited-data reader.

A :class:`Checker` collects problems instead of stopping at the first, so a
user fixing a term sheet sees every mistake at once, each with file, line and
field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pledgelab._cited._clause import (
    Alternative,
    Clause,
    ClauseSpec,
    HistoryEntry,
    Reference,
    Status,
)
from pledgelab._cited._yaml import Located, YList, YMap
from pledgelab._errors import InputError, Problem
from pledgelab._limits import UNIT_MAXIMUM, date_problem

CLAUSE_KEYS = ("value", "unit", "label", "status", "refs", "reason", "alternatives", "note", "history")
SHARE_TOLERANCE = 1e-9


class Checker:
    """Collects :class:`Problem` entries while a file is read."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: Located, message: str, *, field: str | None = None) -> None:
        self.problems.append(where.problem(message, field=field))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)

    # -- structure -----------------------------------------------------------------
    def mapping(self, obj: Any, where: Located) -> YMap | None:
        if isinstance(obj, YMap):
            return obj
        self.add(where, f"expected a mapping, got {describe(obj)}")
        return None

    def table(self, root: YMap, key: str) -> Iterator[tuple[str, YMap]]:
        """The entries of a mapping of mappings (``references``, ``parties``), each checked."""
        if key not in root:
            return
        table = self.mapping(root[key], root.at(key))
        if table is None:
            return
        for name, item in table.items():
            m = self.mapping(item, table.at(name))
            if m is not None:
                yield name, m

    def items(self, obj: YMap, key: str, what: str) -> YList:
        """The non-empty list at ``obj[key]``; empty if the key is absent or the value is wrong.

        A wrong value (not a list, or an empty one) is reported as "expected a
        non-empty list of ``what``"; a missing key is left to :meth:`keys`.
        """
        raw = obj.get(key)
        if isinstance(raw, YList) and raw:
            return raw
        if key in obj:
            self.add(obj.at(key), f"expected a non-empty list of {what}")
        empty = YList()
        empty.loc = obj.at(key)
        empty.item_lines = []
        return empty

    def keys(
        self, obj: YMap, *, required: Iterable[str] = (), allowed: Iterable[str] = ()
    ) -> None:
        req = tuple(required)
        ok = set(req) | set(allowed)
        for key in obj:
            if key not in ok:
                self.add(obj.at(key), f"unknown key; expected one of: {', '.join(sorted(ok))}")
        for key in req:
            if key not in obj:
                self.add(obj.loc, "required key is missing", field=_field(obj, key))

    def text(self, obj: YMap, key: str, *, required: bool = True) -> str | None:
        if key not in obj:
            return None  # a missing required key is reported once, by keys()
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            self.add(obj.at(key), f"expected non-empty text, got {describe(value)}")
            return None
        return value

    def code(self, obj: YMap, key: str, pattern: re.Pattern[str], what: str) -> str | None:
        """A required text field that must match ``pattern`` (an economy or currency code)."""
        value = self.text(obj, key)
        if value is not None and not pattern.match(value):
            self.add(obj.at(key), f"{value!r} is not {what}")
            return None
        return value

    def date(self, obj: YMap, key: str, *, required: bool = True) -> dt.date | None:
        if key not in obj:
            return None  # a missing required key is reported once, by keys()
        return self.date_value(obj[key], obj.at(key))

    def date_value(self, value: Any, where: Located) -> dt.date | None:
        """A date (not a date-time) inside the calendar window of :mod:`pledgelab._limits`."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            why = date_problem(value)
            if why is None:
                return value
            self.add(where, why)
            return None
        self.add(where, f"expected a date (YYYY-MM-DD), got {describe(value)}")
        return None

    # -- clauses -------------------------------------------------------------------
    def clause(
        self,
        obj: YMap,
        key: str,
        spec: ClauseSpec,
        references: Mapping[str, Reference],
        *,
        required: bool = True,
    ) -> Clause | None:
        """Read the clause at ``obj[key]`` and check it against ``spec``."""
        if key not in obj:
            if required:
                self.add(obj.loc, "required clause is missing", field=_field(obj, key))
            return None
        node = self.mapping(obj[key], obj.at(key))
        if node is None:
            return None
        before = len(self.problems)
        self.keys(node, required=("value", "unit", "label", "status"), allowed=CLAUSE_KEYS)
        path = node.loc.field
        status = self._status(node)
        unit = node.get("unit")
        if "unit" in node and unit not in spec.units:
            self.add(
                node.at("unit"),
                f"unit {unit!r} is not accepted here; expected {' or '.join(repr(u) for u in spec.units)}",
            )
        value = self.clause_value(node.get("value"), node.at("value"), spec) if "value" in node else None
        label = self.text(node, "label") if "label" in node else None
        refs = self._refs(node, references)
        reason = self.text(node, "reason", required=False)
        alternatives = self._alternatives(node, spec)
        history = self._history(node, spec, references)
        note = self.text(node, "note", required=False)
        if status in (Status.AGREED, Status.REPORTED, Status.DISPUTED) and not refs and "refs" not in node:
            self.add(node.loc, f"a clause with status {status.value!r} needs at least one source in refs",
                     field=f"{path}.refs")
        if status is Status.ASSUMED:
            if reason is None and "reason" not in node:
                self.add(node.loc, "an assumed clause must say why in 'reason'", field=f"{path}.reason")
            if not alternatives and "alternatives" not in node:
                self.add(node.loc, "an assumed clause must list its 'alternatives'",
                         field=f"{path}.alternatives")
        if status is Status.DISPUTED and not alternatives and "alternatives" not in node:
            self.add(node.loc, "a disputed clause must list the other readings in 'alternatives'",
                     field=f"{path}.alternatives")
        if len(self.problems) > before or status is None:
            return None
        return Clause(
            path=path,
            value=value,
            unit=str(unit),
            label=str(label),
            status=status,
            references=refs,
            reason=reason,
            alternatives=alternatives,
            note=note,
            history=history,
            file=node.loc.file,
            line=node.loc.line,
        )

    def _status(self, node: YMap) -> Status | None:
        if "status" not in node:
            return None
        raw = node["status"]
        written = [s.value for s in Status if s is not Status.SCENARIO]
        if raw == Status.SCENARIO.value:
            self.add(node.at("status"), "status 'scenario' is given by overrides (a scenario file, "
                     f"--set); a file's clause is one of: {', '.join(written)}")
            return None
        try:
            return Status(raw)
        except ValueError:
            self.add(node.at("status"), f"status {raw!r} is not one of: {', '.join(written)}")
            return None

    def _refs(self, node: YMap, references: Mapping[str, Reference]) -> tuple[Reference, ...]:
        raw = self.items(node, "refs", "reference keys")
        out: list[Reference] = []
        for loc, key in raw.items_located():
            if isinstance(key, str) and key in {r.key for r in out}:
                self.add(loc, f"reference {key!r} is listed twice")
            elif not isinstance(key, str) or key not in references:
                known = ", ".join(sorted(references)) or "none defined"
                self.add(loc, f"unknown reference {key!r}; the file's references are: {known}")
            else:
                out.append(references[key])
        return tuple(out)

    def _alternatives(self, node: YMap, spec: ClauseSpec) -> tuple[Alternative, ...]:
        raw = self.items(node, "alternatives", "{value, label}")
        out: list[Alternative] = []
        for loc, item in raw.items_located():
            m = self.mapping(item, loc)
            if m is None:
                continue
            self.keys(m, required=("value", "label"))
            if "value" in m and "label" in m:
                value = self.clause_value(m["value"], m.at("value"), spec)
                label = self.text(m, "label")
                if label is not None:
                    out.append(Alternative(value=value, label=label))
        return tuple(out)

    def _history(
        self, node: YMap, spec: ClauseSpec, references: Mapping[str, Reference]
    ) -> tuple[HistoryEntry, ...]:
        raw = self.items(node, "history", "{date, value, note, refs}")
        out: list[HistoryEntry] = []
        for loc, item in raw.items_located():
            m = self.mapping(item, loc)
            if m is None:
                continue
            self.keys(m, required=("date", "value", "note"), allowed=("refs",))
            date = self.date(m, "date")
            value = self.clause_value(m["value"], m.at("value"), spec) if "value" in m else None
            note = self.text(m, "note")
            refs = self._refs(m, references)
            if date is not None and note is not None:
                if out and date < out[-1].date:
                    self.add(m.at("date"), f"history dates out of order: {date} comes after {out[-1].date}")
                out.append(HistoryEntry(date=date, value=value, note=note, references=refs))
        return tuple(out)

    # -- values --------------------------------------------------------------------
    def clause_value(self, value: Any, where: Located, spec: ClauseSpec) -> Any:
        """Check one clause value against its kind; returns the value (or None)."""
        if value is None:
            if not spec.nullable:
                self.add(where, "a value is required here (null is not allowed)")
            return None
        kind = spec.kind
        if kind in ("money", "rate", "fraction", "number"):
            return self.number(value, where, spec)
        if kind == "count":
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(where, f"expected a whole number, got {describe(value)}")
                return None
            if spec.minimum is not None and value < spec.minimum:
                self.add(where, f"must be at least {spec.minimum:g}, got {value}")
                return None
            hi = _ceiling(spec)
            if hi is not None and value > hi:
                self.add(where, f"must be at most {hi:g} {spec.units[0]}, got {_short(value)}")
                return None
            return value
        if kind == "date":
            return self.date_value(value, where)
        if kind == "choice":
            if value not in spec.choices:
                self.add(where, f"{value!r} is not one of: {', '.join(spec.choices)}")
                return None
            return value
        if kind == "flag":
            if not isinstance(value, bool):
                self.add(where, f"expected true or false, got {describe(value)}")
                return None
            return value
        if kind == "text-list":
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                self.add(where, "expected a non-empty list of names")
                return None
            unknown = [v for v in value if spec.choices and v not in spec.choices]
            if unknown:
                self.add(where, f"{unknown[0]!r} is not one of: {', '.join(spec.choices)}")
                return None
            return tuple(value)
        if kind == "shares":
            return self.shares(value, where)
        if kind == "tiers":
            return value  # checked by the term-sheet reader, which knows the parties
        raise AssertionError(f"unknown clause kind {kind}")

    def number(self, value: Any, where: Located, spec: ClauseSpec) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(where, f"expected a number, got {describe(value)}")
            return None
        try:
            x = float(value)
        except OverflowError:
            x = math.inf
        if not math.isfinite(x):
            self.add(where, f"expected a finite number, got {_short(value)}")
            return None
        lo = spec.minimum
        hi = 1.0 if spec.kind == "fraction" and spec.maximum is None else _ceiling(spec)
        if lo is not None and x < lo:
            what = "negative amounts are not allowed" if lo == 0 else f"must be at least {lo:g}"
            self.add(where, f"{what}, got {value}")
            return None
        if hi is not None and x > hi:
            hint = " (write rates as fractions: 4% is 0.04)" if spec.kind in ("rate", "fraction") else ""
            self.add(where, f"must be at most {hi:g}, got {_short(value)}{hint}")
            return None
        return x

    def shares(self, value: Any, where: Located) -> dict[str, float] | None:
        if not isinstance(value, YMap) or not value:
            self.add(where, "expected a mapping of party code to share")
            return None
        out: dict[str, float] = {}
        spec = ClauseSpec(units=("fraction",), kind="fraction")
        for key, share in value.items():
            x = self.number(share, value.at(key), spec)
            if x is not None:
                out[key] = x
        if len(out) == len(value) and abs(sum(out.values()) - 1.0) > SHARE_TOLERANCE:
            self.add(where, f"shares must sum to 1, they sum to {sum(out.values()):.6g}")
            return None
        return out if len(out) == len(value) else None


def _ceiling(spec: ClauseSpec) -> float | None:
    """The spec's own maximum, else the ceiling of its unit (pledgelab._limits.UNIT_MAXIMUM)."""
    if spec.maximum is not None:
        return spec.maximum
    ceilings = [UNIT_MAXIMUM[u] for u in spec.units if u in UNIT_MAXIMUM]
    return max(ceilings) if ceilings else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"a number of {len(text)} digits"


def _field(obj: YMap, key: str) -> str:
    return f"{obj.loc.field}.{key}" if obj.loc.field else key


def describe(value: Any) -> str:
    """What kind of value a file holds, for messages: ``int 5``, ``a mapping``, ``nothing (null)``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a flag ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def read_references(root: YMap, chk: Checker) -> dict[str, Reference]:
    """The file's ``references`` table: key → title, url, date."""
    out: dict[str, Reference] = {}
    for key, m in chk.table(root, "references"):
        chk.keys(m, required=("title", "url"), allowed=("date",))
        title = chk.text(m, "title")
        url = chk.text(m, "url")
        date = chk.date(m, "date", required=False)
        if url is not None and not url.startswith(("http://", "https://")):
            chk.add(m.at("url"), f"expected an http(s) URL, got {url!r}")
        if title is not None and url is not None:  # kept, so refs to it raise no echo
            out[key] = Reference(key=key, title=title, url=url, date=date)
    return out
