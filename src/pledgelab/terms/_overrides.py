"""Overrides: a term sheet with some clauses set to other values, checked like the file.

An :class:`Override` names a clause by the path ``pledgelab show`` prints
(``timeline.annual_cap``, ``distribution.deemed_spread``, ``tranches[0].amount``;
a tranche may also be named by its id, ``tranches.strategic-cash.amount``) and
gives a value, a reason and, optionally, sources. :func:`apply_overrides`
writes the values into the base file's YAML tree and reads the tree with the
term-sheet reader, so an override is checked by exactly the code that checks
the file on disk (units, kinds, ranges, tiers, shares summing to one, tranches
summing to the headline, dates in order) and its problems name where it was
written (``scenario.yaml:12: overrides.timeline.annual_cap: ...``, or
``--set:1: timeline.annual_cap: ...`` for the first ``--set`` option).

Every overridden clause gets the status ``scenario``, the override's reason
and sources, and keeps the value it replaced as the last entry of its history
(:attr:`Clause.history`), so the provenance of a variant stays true.

References
----------
PolicyEngine's reforms (a baseline plus parameter changes, each at a parameter
path): https://github.com/PolicyEngine/policyengine-api (policy_service.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pledgelab._cited import (
    Clause,
    ClauseSpec,
    HistoryEntry,
    Located,
    Reference,
    Status,
    YList,
    YMap,
    parse_yaml,
    read_yaml,
)
from pledgelab._errors import InputError, Problem
from pledgelab.terms._schema import (
    _DEBT_TERMS,
    _TRANCHE_COMMON,
    SECTIONS,
    Origin,
    TermSheet,
    Tranche,
    term_sheet_from,
)

MAX_PATH = 120  # characters in a clause path: the longest real one is under 40
MAX_VALUE = 4000  # characters in one --set value
MAX_SWEEP = 24  # values in one sweep: each is a full run
_PATH = re.compile(r"^[A-Za-z0-9_\-]+(?:\[[0-9]{1,3}\])?(?:\.[A-Za-z0-9_\-]+(?:\[[0-9]{1,3}\])?){1,3}$")
_TRANCHE = re.compile(r"^tranches(?:\[(?P<index>[0-9]+)\]|\.(?P<id>[A-Za-z0-9_\-]+))\.(?P<key>[a-z_]+)$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
SET_FILE = "--set"  # the "file" of a --set option in messages; its "line" is the option's position


@dataclass(frozen=True, slots=True, kw_only=True)
class Override:
    """One clause set to another value, with why and on what evidence.

    ``value`` is as read (a YAML node with positions, or a plain value from Python or
    JSON); ``where`` is where the override was written, for messages; ``text`` how the
    value was written (labels a sweep's columns).
    """

    path: str
    value: Any
    reason: str
    references: tuple[Reference, ...] = ()
    where: Located
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class OverrideLayer:
    """The overrides of one scenario (or of one set of ``--set`` options), applied together."""

    name: str
    as_of: dt.date
    overrides: tuple[Override, ...]


# -- making overrides ----------------------------------------------------------------------------

def override(path: str, value: Any, *, reason: str = "set by the user",
             references: Iterable[Reference] = (), where: Located | None = None) -> Override:
    """An override from a plain Python (or JSON) value; ISO date strings become dates.

    >>> override("timeline.annual_cap", 15e9, reason="Seoul's ask").path
    'timeline.annual_cap'
    """
    loc = where or Located("override", 1, path)
    return Override(path=path, value=located(value, loc), reason=reason,
                    references=tuple(references), where=loc, text=_text(value))


def parse_set(text: str, *, position: int = 1, reason: str | None = None) -> Override:
    """``PATH=VALUE`` as given to ``--set``; VALUE is read as YAML (``15e9``, ``null``,
    ``2029-01-19``, ``[energy, ai]``, ``{KR: 0.6, US: 0.4}``).

    Problems name the option: ``--set:POSITION: PATH: message``.
    """
    path, sep, value = text.partition("=")
    path = path.strip()
    field = path[:MAX_PATH] or "<path>"
    if not sep or not path:
        raise InputError([Problem(SET_FILE, position, field,
                                  f"expected PATH=VALUE, e.g. timeline.annual_cap=15e9; got {text[:80]!r}")])
    _check_path_text(path, Located(SET_FILE, position, field))
    value = value.strip()
    if not value:
        raise InputError([Problem(SET_FILE, position, path, "the value is empty (write null for none)")])
    if len(value) > MAX_VALUE or "\n" in value or "\r" in value:
        raise InputError([Problem(SET_FILE, position, path,
                                  f"the value must be one line of at most {MAX_VALUE} characters")])
    # Read as the file would be, with the option's position as its line.
    try:
        tree = parse_yaml("\n" * (position - 1) + f'"{path}": {value}', SET_FILE)
    except InputError as exc:
        raise InputError([Problem(SET_FILE, position, path, p.message) for p in exc.problems]) from None
    where = Located(SET_FILE, position, path)
    return Override(path=path, value=tree[path], where=where,
                    reason=reason or f"set on the command line: --set {path}={value}", text=value)


def parse_sweep(text: str, *, reason: str | None = None) -> list[Override]:
    """``PATH=v1,v2,v3`` as given to ``compare --sweep``: one override per value.

    Commas inside brackets or braces do not split (``tiers=[..],[..]`` is two values).
    A sweep needs 2 to :data:`MAX_SWEEP` values.
    """
    path, sep, rest = text.partition("=")
    path = path.strip()
    where = Located("--sweep", 1, path[:MAX_PATH] or "<path>")
    if not sep or not path or not rest.strip():
        raise InputError([where.problem("expected PATH=v1,v2,..., e.g. timeline.annual_cap=10e9,20e9,30e9")])
    values = _split_top(rest)
    if len(values) < 2:
        raise InputError([where.problem(f"a sweep needs at least 2 values, got {len(values)}; "
                                        "for one value use --set")])
    if len(values) > MAX_SWEEP:
        raise InputError([where.problem(f"a sweep takes at most {MAX_SWEEP} values (each is a full run), "
                                        f"got {len(values)}")])
    out = []
    for v in values:
        try:
            ov = parse_set(f"{path}={v}", reason=reason or f"swept: --sweep {path}")
        except InputError as exc:
            raise InputError([Problem("--sweep", 1, p.field, p.message) for p in exc.problems]) from None
        out.append(replace(ov, where=Located("--sweep", 1, path)))
    if len({o.text for o in out}) < len(out):
        raise InputError([where.problem("a value is given twice")])
    return out


def located(value: Any, where: Located) -> Any:
    """A plain value as the YAML reader would give it: mappings and lists that know ``where``."""
    if isinstance(value, Mapping):
        m = YMap()
        m.loc = where
        m.key_lines = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError([where.problem(f"key {k!r} is not text")])
            m.key_lines[k] = where.line
            m[k] = located(v, Located(where.file, where.line, f"{where.field}.{k}"))
        return m
    if isinstance(value, list | tuple):
        seq = YList()
        seq.loc = where
        seq.item_lines = [where.line] * len(value)
        seq.extend(located(v, Located(where.file, where.line, f"{where.field}[{i}]"))
                   for i, v in enumerate(value))
        return seq
    if isinstance(value, str) and len(value) > MAX_VALUE:
        raise InputError([where.problem(f"a text value has at most {MAX_VALUE} characters, "
                                        f"got {len(value)}")])
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# -- paths ---------------------------------------------------------------------------------------

def clause_paths(deal: TermSheet, *, addable: bool = True) -> list[str]:
    """Every clause path of ``deal`` as ``pledgelab show`` prints it; with ``addable``, also the
    optional clauses the schema knows that the deal does not have (an override may add one)."""
    have = [c.path.removeprefix("clauses.") for c in deal.all_clauses()]
    if not addable:
        return have
    extra = [f"{sec}.{key}" for sec, specs in SECTIONS.items() for key in specs]
    for i, tr in enumerate(deal.tranches):
        keys = [*_TRANCHE_COMMON, *_DEBT_TERMS.get(tr.method, {})]
        extra.extend(f"tranches[{i}].{k}" for k in keys)
    seen = set(have)
    return have + [p for p in extra if p not in seen]


def canonical_path(deal: TermSheet, path: str, where: Located) -> str:
    """The path as ``show`` prints it (``tranches.<id>.key`` → ``tranches[i].key``), or an
    :class:`InputError` naming the nearest known path."""
    _check_path_text(path, where)
    p = path.removeprefix("clauses.")
    m = _TRANCHE.match(p)
    if m and m["id"] is not None:
        ids = [t.id for t in deal.tranches]
        if m["id"] in ids:
            p = f"tranches[{ids.index(m['id'])}].{m['key']}"
    known = clause_paths(deal)
    if p in known:
        return p
    aliases = {f"tranches.{t.id}.{k}": f"tranches[{i}].{k}"
               for i, t in enumerate(deal.tranches) for k in t.clauses}
    near = difflib.get_close_matches(p, [*known, *aliases], n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else "; `pledgelab show` lists the clause paths"
    raise InputError([where.problem(f"unknown clause {path!r}{hint}")])


def _check_path_text(path: str, where: Located) -> None:
    if len(path) > MAX_PATH:
        raise InputError([where.problem(f"a clause path has at most {MAX_PATH} characters, "
                                        f"got {len(path)}", field=path[:40] + "...")])
    if not _PATH.match(path.removeprefix("clauses.")):
        raise InputError([where.problem(f"{path!r} is not a clause path such as timeline.annual_cap "
                                        "or tranches[0].amount")])


# -- applying ------------------------------------------------------------------------------------

def apply_overrides(base: TermSheet, overrides: Sequence[Override], *, id: str | None = None,
                    title: str | None = None, summary: str | None = None, kind: str | None = None,
                    as_of: dt.date | None = None, file: str | None = None,
                    references: Mapping[str, Reference] | None = None) -> TermSheet:
    """``base`` with ``overrides`` applied, read and checked as one term sheet.

    The result's overridden clauses have status ``scenario``; ``id`` defaults to
    ``"<base id>+what-if"``. Raises :class:`~pledgelab.InputError` for an unknown path (with the
    nearest known one) or a value the term-sheet reader refuses, each naming where the
    override was written.

    >>> from pledgelab.terms import load_deal
    >>> d = apply_overrides(load_deal("us-korea-2025-11"), [override("timeline.annual_cap", 15e9)])
    >>> c = d.clauses["timeline.annual_cap"]
    >>> (c.value, c.status.value, c.history[-1].value)
    (15000000000.0, 'scenario', 20000000000.0)
    """
    if not overrides:
        raise InputError([Problem(base.file, 0, "overrides", "no overrides given")])
    origin = base.origin
    if origin is None:
        raise ValueError(f"{base.id} was not read from a file; overrides need its source")
    problems: list[Problem] = []
    resolved: list[Override] = []
    seen: dict[str, Override] = {}
    for ov in overrides:
        try:
            cp = canonical_path(base, ov.path, ov.where)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if cp in seen:
            problems.append(ov.where.problem(f"{cp} is set twice (also at {seen[cp].where.file}:"
                                             f"{seen[cp].where.line})"))
            continue
        seen[cp] = ov
        resolved.append(replace(ov, path=cp))
    if problems:
        raise InputError(problems)
    layer = OverrideLayer(name=id or f"{base.id}+what-if", as_of=as_of or base.as_of,
                          overrides=tuple(resolved))
    deal = _apply_layer(base, origin, layer)
    refs = {**base.references, **(references or {})}
    return replace(deal, id=layer.name, title=title or _title(base, resolved),
                   summary=summary or base.summary, kind=kind or base.kind, as_of=as_of or base.as_of,
                   file=file or base.file, base=base.id, references=refs)


def sweep(base: TermSheet, overrides: Sequence[Override]) -> list[TermSheet]:
    """One variant of ``base`` per override (the values of a sweep of one clause), in order.

    Each variant's id is ``PATH=VALUE`` as written, so it can head a column.
    """
    if not 2 <= len(overrides) <= MAX_SWEEP:
        raise InputError([Problem("--sweep", 1, overrides[0].path if overrides else "<path>",
                                  f"a sweep takes 2 to {MAX_SWEEP} values, got {len(overrides)}")])
    return [apply_overrides(base, [ov], id=f"{ov.path}={ov.text or _text(ov.value)}") for ov in overrides]


def _apply_layer(base: TermSheet, origin: Origin, layer: OverrideLayer) -> TermSheet:
    layers = (*origin.layers, layer)
    root = read_yaml(origin.path, display=origin.display)
    body = root.get("clauses")
    assert isinstance(body, YMap)  # the base was read from this file without problems
    for lay in layers:
        for ov in lay.overrides:
            _write(body, ov)
    try:
        deal = term_sheet_from(root, origin=Origin(path=origin.path, display=origin.display,
                                                   layers=layers))
    except InputError as exc:  # a rule across clauses, reported at the base file's line
        raise InputError([replace(p, message=f"{p.message} (with the overrides applied)")
                          if p.file == origin.display else p for p in exc.problems]) from None
    # Clauses overridden by earlier layers keep their scenario marks; this layer adds its own.
    marked = {c.path: c for c in base.all_clauses() if c.status is Status.SCENARIO}
    new: dict[str, Clause] = {}
    for ov in layer.overrides:
        key = f"clauses.{ov.path}"
        old = _find(base, key)
        now = _find(deal, key)
        assert now is not None
        if old is None:
            entry = HistoryEntry(date=layer.as_of, value=None, note=f"no such clause in {base.id}")
        else:
            entry = HistoryEntry(date=layer.as_of, value=old.value, references=old.references,
                                 note=f"{old.status.value} value in {base.id}: {old.label}")
        history = (old.history if old is not None else ()) + (entry,)
        new[key] = replace(now, path=key, status=Status.SCENARIO, reason=ov.reason,
                           references=ov.references, history=history,
                           alternatives=old.alternatives if old is not None else (),
                           file=ov.where.file, line=ov.where.line)
    for key, c in marked.items():
        if key not in new:
            new[key] = c
    return _with_clauses(deal, new)


def _write(body: YMap, ov: Override) -> None:
    """Put ``ov``'s value into the clause node at its path (adding the clause if it is optional
    and absent), the node placed where the override was written."""
    m = _TRANCHE.match(ov.path)
    if m:
        index = int(m["index"])
        key = m["key"]
        tranches = body["tranches"]
        container = tranches[index]
        spec = {**{k: v for terms in _DEBT_TERMS.values() for k, v in terms.items()},
                **_TRANCHE_COMMON}[key][0]
    else:
        section, _, key = ov.path.partition(".")
        if section not in body:  # an optional section the base lacks (governance)
            added = YMap()
            added.loc = Located(ov.where.file, ov.where.line, f"clauses.{section}")
            added.key_lines = {}
            body[section] = added
            body.key_lines.setdefault(section, ov.where.line)
        container = body[section]
        spec = SECTIONS[section][key][0]
    where = ov.where
    node = YMap()
    node.loc = Located(where.file, where.line, where.field)
    node.key_lines = {}
    old = container.get(key)
    if isinstance(old, YMap):
        for k, v in old.items():
            node[k] = v
            node.key_lines[k] = where.line
    else:  # an optional clause the base lacks: written as an assumption, then marked scenario
        for k, v in _added(spec, ov, key).items():
            node[k] = v
            node.key_lines[k] = where.line
    node["value"] = ov.value
    node.key_lines["value"] = getattr(getattr(ov.value, "loc", None), "line", where.line)
    container[key] = node
    container.key_lines.setdefault(key, where.line)


def _added(spec: ClauseSpec, ov: Override, key: str) -> dict[str, Any]:
    alt = YMap()
    alt.loc = ov.where
    alt.key_lines = {"value": ov.where.line, "label": ov.where.line}
    alt["value"] = ov.value
    alt["label"] = "the value set by the override"
    alts = YList([alt])
    alts.loc = ov.where
    alts.item_lines = [ov.where.line]
    return {"unit": spec.units[0], "label": f"{key.replace('_', ' ')} (added by an override)",
            "status": "assumed", "reason": ov.reason, "alternatives": alts}


def _find(deal: TermSheet, key: str) -> Clause | None:
    """The clause at ``clauses.<path>`` or None (a tranche clause by index)."""
    path = key.removeprefix("clauses.")
    m = _TRANCHE.match(path)
    if m:
        index = int(m["index"]) if m["index"] is not None else -1
        return deal.tranches[index].clauses.get(m["key"]) if 0 <= index < len(deal.tranches) else None
    return deal.clauses.get(path)


def _with_clauses(deal: TermSheet, new: Mapping[str, Clause]) -> TermSheet:
    clauses = dict(deal.clauses)
    tranche_new: dict[int, dict[str, Clause]] = {}
    for key, c in new.items():
        m = _TRANCHE.match(key.removeprefix("clauses."))
        if m:
            tranche_new.setdefault(int(m["index"]), {})[m["key"]] = c
        else:
            clauses[key.removeprefix("clauses.")] = c
    tranches: list[Tranche] = []
    for i, tr in enumerate(deal.tranches):
        if i in tranche_new:
            tr = replace(tr, clauses={**tr.clauses, **tranche_new[i]})
        tranches.append(tr)
    return replace(deal, clauses=clauses, tranches=tuple(tranches))


def _title(base: TermSheet, overrides: Sequence[Override]) -> str:
    changed = ", ".join(f"{o.path} = {o.text or _text(o.value)}" for o in overrides[:3])
    more = f" and {len(overrides) - 3} more" if len(overrides) > 3 else ""
    return f"{base.title}, with {changed}{more}"


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float) and abs(value) >= 1e6:
        return f"{value:.6g}"
    return str(value)


def _split_top(text: str) -> list[str]:
    out: list[str] = []
    depth = 0
    cur = ""
    for ch in text:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return [v for v in out if v]
