"""Open a cited file and read its header, once, for every reader.

Every data file of pledgelab starts the same way::

    schema: pledgelab.<kind>/<version>   # which reader and which version of its format
    id: us-korea-2025-11                 # the file's name without .yaml
    title: ...
    summary: ...
    references:                          # the sources its clauses cite, by key
      white-house-fact-sheet: {title: ..., url: https://..., date: 2025-11-14}

and then holds clauses, each ``{value, unit, label, status, refs}`` (see
:class:`~pledgelab._cited.Clause`). :func:`open_cited` reads that header so the
readers (terms, pipeline, drivers, macro, workforce, ledger) only read what is
theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, overload

from pledgelab._cited._check import Checker, read_references
from pledgelab._cited._clause import Reference
from pledgelab._cited._yaml import YMap, read_yaml

HEADER_KEYS = ("schema", "id", "title", "summary", "references")

C = TypeVar("C", bound=Checker)


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    """The header of a cited file, as read; a field is None when the file got it wrong.

    A reader reports the problems (``checker.raise_if_any()``) before it trusts
    ``id``, ``title`` or ``summary``; ``references`` holds the entries that
    could be read, so clauses citing them raise no echo problems.
    """

    file: str  # the name used in messages: ``deals/us-korea-2025-11.yaml`` or the path given
    id: str | None
    title: str | None
    summary: str | None
    references: dict[str, Reference]


@overload
def open_cited(path: Path, *, schema: str, display: str | None = None,
               required: Iterable[str] = ..., allowed: Iterable[str] = ...) -> tuple[YMap, Checker, Header]:
    ...


@overload
def open_cited(path: Path, *, schema: str, display: str | None = None,
               required: Iterable[str] = ..., allowed: Iterable[str] = ...,
               checker: C) -> tuple[YMap, C, Header]:
    ...


def open_cited(path: Path, *, schema: str, display: str | None = None,
               required: Iterable[str] = HEADER_KEYS, allowed: Iterable[str] = (),
               checker: Checker | None = None) -> tuple[YMap, Checker, Header]:
    """Read a cited file and check its top-level keys and its header.

    Returns the file's top mapping (with lines), the :class:`Checker` holding the
    problems found so far (``checker`` when given, e.g. one that knows more
    clause kinds) and the :class:`Header`. In this order it checks: the top-level
    keys against ``required`` and ``allowed``; the ``schema`` tag; that ``id`` is
    the file's name; that ``title`` and ``summary`` are text; the ``references``
    table (title, http(s) url, optional date). ``id``, ``title`` and ``summary``
    are read only where the format has them (listed in ``required`` or ``allowed``).

    ``display`` is the file name used in messages (defaults to ``path``). A file
    that cannot be read or parsed raises :class:`~pledgelab.InputError` at once;
    every other problem is collected, so the reader can add its own.
    """
    root = read_yaml(path, display=display)
    return check_header(root, schema=schema, display=display or str(path), required=required,
                        allowed=allowed, checker=checker)


def check_header(root: YMap, *, schema: str, display: str, required: Iterable[str] = HEADER_KEYS,
                 allowed: Iterable[str] = (), checker: Checker | None = None
                 ) -> tuple[YMap, Checker, Header]:
    """The checks of :func:`open_cited` on a file already read (``root``, named ``display``).

    Used where the top mapping was changed after reading: a term sheet with a scenario's
    overrides written into it is checked by the same code as the file on disk.
    """
    chk = checker if checker is not None else Checker()
    req = tuple(required)
    allowed = tuple(allowed)
    chk.keys(root, required=req, allowed=allowed)
    has = set(req) | set(allowed)
    if "schema" in root and root["schema"] != schema:
        chk.add(root.at("schema"), f"expected {schema!r}, got {root['schema']!r}")
    file_id = chk.text(root, "id") if "id" in has else None
    stem = Path(display).stem
    if file_id is not None and file_id != stem:
        chk.add(root.at("id"), f"id {file_id!r} must match the file name {stem!r}")
    title = chk.text(root, "title") if "title" in has else None
    summary = chk.text(root, "summary") if "summary" in has else None
    references = read_references(root, chk)
    return root, chk, Header(file=display, id=file_id, title=title, summary=summary,
                             references=references)
