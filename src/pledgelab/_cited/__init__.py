"""The one reader for cited files: pledgelab's base layer for every data file.

A *cited file* is a YAML file of ``data/`` (or a user's copy of one) that
starts with a header — ``schema`` (``pledgelab.<kind>/<version>``), ``id`` (the
file's name), ``title``, ``summary`` and a ``references`` table of sources
(key → title, http(s) url, date) — and holds *clauses*: values never written
bare but as ``{value, unit, label, status, refs}``, where ``status`` is agreed,
reported, assumed (then with ``reason`` and ``alternatives``) or disputed, and
``refs`` are keys of the references table.

Private to pledgelab, public within it: every reader (terms, pipeline,
drivers, macro, workforce, ledger) imports these names from here, never from
the modules below.

- :func:`open_cited` reads a file, checks its top-level keys and its header
  once, and returns the top mapping, the :class:`Checker` and the :class:`Header`.
- :class:`Checker` collects problems as ``file:line: field: message``
  (:class:`~pledgelab.InputError` when raised) and reads clauses against a
  :class:`ClauseSpec`; :func:`read_references` reads a references table;
  :func:`describe` names a wrong value in a message.
- :func:`read_yaml` / :func:`parse_yaml` load YAML keeping the line of every
  key and item (:class:`YMap`, :class:`YList`, :class:`Located`), within the
  limits of :mod:`pledgelab._limits` (size, UTF-8 only, no NUL, regular files
  only, alias expansion, nesting); :func:`read_text` / :func:`decode` apply the
  same file checks to other readers (the ledger's CSV and JSON imports).
- :class:`Clause`, :class:`Status`, :class:`Reference`, :class:`Alternative`,
  :class:`HistoryEntry`: what a clause holds.
- :data:`DATA`, :func:`shipped`, :func:`locate`: the shipped data folder, its
  files of one kind by id, and a name-or-path resolver.
"""

from pledgelab._cited._check import Checker, describe, read_references
from pledgelab._cited._clause import (
    Alternative,
    Clause,
    ClauseSpec,
    HistoryEntry,
    Reference,
    Status,
)
from pledgelab._cited._header import HEADER_KEYS, Header, check_header, open_cited
from pledgelab._cited._registry import DATA, locate, shipped
from pledgelab._cited._yaml import Located, YList, YMap, decode, parse_yaml, read_text, read_yaml

__all__ = [
    "DATA",
    "HEADER_KEYS",
    "Alternative",
    "Checker",
    "Clause",
    "ClauseSpec",
    "Header",
    "HistoryEntry",
    "Located",
    "Reference",
    "Status",
    "YList",
    "YMap",
    "check_header",
    "decode",
    "describe",
    "locate",
    "open_cited",
    "parse_yaml",
    "read_references",
    "read_text",
    "read_yaml",
    "shipped",
]
