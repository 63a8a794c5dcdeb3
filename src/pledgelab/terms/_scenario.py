"""Scenario files: a base deal plus overrides, each with its reason and sources.

A scenario file (``schema: pledgelab.scenario/1``) has the header of every
cited file (``id`` = the file name, ``title``, ``summary``, ``references``), an
optional ``as_of``, a ``base`` (a shipped deal or scenario id, or a path to a
term sheet or another scenario, relative to the scenario file) and
``overrides``: clause path → ``{value, reason, refs}``::

    schema: pledgelab.scenario/1
    id: korea-cap-15b
    title: ...
    summary: ...
    references:
      asiatoday-15b: {title: ..., url: https://..., date: 2025-10-28}
    base: us-korea-2025-11
    overrides:
      timeline.annual_cap:
        value: 15e9
        reason: Seoul favoured about $15B a year over more than 10 years.
        refs: [asiatoday-15b]

A scenario is a deal: :func:`load_deal` returns a :class:`TermSheet` whose
overridden clauses have status ``scenario`` (see :mod:`pledgelab.terms._overrides`).
``refs`` name keys of the scenario's references or of its base's. A chain of
bases that loops (A → B → A) is refused, naming the chain.
"""

from __future__ import annotations

import re
from pathlib import Path

from pledgelab._cited import Located, Reference, locate, open_cited, shipped
from pledgelab._errors import InputError, NotFoundError, Problem
from pledgelab.terms._overrides import Override, apply_overrides
from pledgelab.terms._schema import TermSheet, read_term_sheet

SCENARIO_SCHEMA = "pledgelab.scenario/1"
MAX_DEPTH = 16  # bases in one chain
_SCHEMA_LINE = re.compile(r"^schema:\s*['\"]?([A-Za-z0-9_./-]+)", re.M)


def load_deal(name_or_path: str | Path) -> TermSheet:
    """A shipped deal or scenario by id (``"us-korea-2025-11"``, ``"korea-cap-15b"``), or a term
    sheet or scenario file by path."""
    text = str(name_or_path)
    if Path(text).suffix in (".yaml", ".yml"):
        path, display = locate("deals", text)
        return _load(path, display, ())
    deals, scenarios = shipped("deals"), shipped("scenarios")
    if text in deals:
        path, display = locate("deals", text)
        return read_term_sheet(path, display=display)
    if text in scenarios:
        path, display = locate("scenarios", text)
        return _load(path, display, ())
    known = ", ".join([*deals, *scenarios]) or "none"
    raise NotFoundError([Problem(text[:80], 0, "<name>",
                                 f"no shipped deal or scenario of that name; known: {known}")])


def is_scenario(path: Path) -> bool:
    """Whether the file at ``path`` declares ``schema: pledgelab.scenario/1`` (read by its first lines)."""
    try:
        if not path.is_file():  # a FIFO or a device would block or never end: the reader refuses it
            return False
        with path.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return False
    m = _SCHEMA_LINE.search(head)
    return m is not None and m.group(1) == SCENARIO_SCHEMA


def _load(path: Path, display: str, chain: tuple[tuple[str, str], ...]) -> TermSheet:
    if is_scenario(path):
        return read_scenario(path, display=display, _chain=chain)
    return read_term_sheet(path, display=display)


def read_scenario(path: Path, *, display: str | None = None,
                  _chain: tuple[tuple[str, str], ...] = ()) -> TermSheet:
    """Read one scenario file and its chain of bases; :class:`~pledgelab.InputError` lists every
    problem as ``file:line: field: message``."""
    name = display or str(path)
    root, chk, head = open_cited(
        path, schema=SCENARIO_SCHEMA, display=name,
        required=("schema", "id", "title", "summary", "references", "base", "overrides"),
        allowed=("as_of",))
    as_of = chk.date(root, "as_of", required=False)
    base_text = chk.text(root, "base")
    chk.raise_if_any()
    assert base_text is not None and head.id and head.title and head.summary
    me = (str(path.resolve()), name)
    chain = (*_chain, me)
    where = root.at("base")
    if len(chain) > MAX_DEPTH:
        raise InputError([where.problem(f"more than {MAX_DEPTH} bases in one chain")])
    base_path, base_display = _resolve(base_text, path, where)
    key = str(base_path.resolve())
    for seen, seen_name in chain:
        if seen == key:
            names = " → ".join(n for _, n in chain) + f" → {seen_name}"
            raise InputError([where.problem(f"the chain of bases loops: {names}")])
    base = _load(base_path, base_display, chain)
    overrides: list[Override] = []
    table = chk.mapping(root["overrides"], root.at("overrides"))
    if table is not None and not table:
        chk.add(root.at("overrides"), "expected at least one override")
    refs_known: dict[str, Reference] = {**base.references, **head.references}
    for path_text, item in (table or {}).items():
        at = table.at(path_text) if table is not None else where
        m = chk.mapping(item, at)
        if m is None:
            continue
        chk.keys(m, required=("value", "reason"), allowed=("refs",))
        reason = chk.text(m, "reason")
        refs: list[Reference] = []
        raw = m.get("refs", [])
        if "refs" in m and not isinstance(raw, list):
            chk.add(m.at("refs"), "expected a list of reference keys")
            raw = []
        for i, k in enumerate(raw):
            if isinstance(k, str) and k in refs_known:
                refs.append(refs_known[k])
            else:
                chk.add(Located(name, m.at("refs").line, f"{at.field}.refs[{i}]"),
                        f"unknown reference {k!r}; the scenario's and its base's references are: "
                        f"{', '.join(sorted(refs_known))}")
        if "value" in m and reason is not None:
            overrides.append(Override(path=path_text, value=m["value"], reason=" ".join(reason.split()),
                                      references=tuple(refs), where=at, text=_text_of(m["value"])))
    chk.raise_if_any()
    return apply_overrides(base, overrides, id=head.id, title=head.title,
                           summary=" ".join(head.summary.split()), kind="scenario",
                           as_of=as_of or base.as_of, file=name, references=head.references)


def _resolve(text: str, scenario: Path, where: Located) -> tuple[Path, str]:
    """A base: a path (relative to the scenario file) or a shipped deal or scenario id."""
    if Path(text).suffix in (".yaml", ".yml"):
        p = Path(text)
        if not p.is_absolute():
            p = scenario.parent / p
        if not p.exists():
            raise InputError([where.problem(f"the base file {text!r} does not exist (looked for {p})")])
        return p, str(p)
    for kind in ("deals", "scenarios"):
        if text in shipped(kind):
            return locate(kind, text)
    known = ", ".join([*shipped("deals"), *shipped("scenarios")])
    raise InputError([where.problem(f"no shipped deal or scenario {text!r}; known: {known}")])


def _text_of(value: object) -> str:
    if isinstance(value, float) and abs(value) >= 1e6:
        return f"{value:.6g}"
    return "null" if value is None else str(value)
