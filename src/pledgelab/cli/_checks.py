"""Checks of command-line values the library never sees: output files and database URLs.

Numeric options take their ``type=`` from :func:`pledgelab._limits.argtype` (one
table of limits); this module adds what is particular to the command line:

- :func:`output_file` — an output path with an accepted suffix, not a folder,
  in a folder that exists and can be written to;
- :func:`database_url` — ``--database``: a SQLite or PostgreSQL URL, and for
  SQLite a folder that exists (whether the server answers and the schema is
  there is checked when the ledger opens, see :func:`database_problem`).

Each refusal is an ``argparse`` error: the usage line and a message naming the
option, exit status 2.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from pledgelab._limits import MAX_PATH_CHARS

DIALECTS = ("sqlite", "postgresql")
CHART_SUFFIXES = (".png", ".svg", ".html")
"""What a chart may be written as (pledgelab.report.charts draws by the suffix)."""
_URL = re.compile(r"^(?P<dialect>[a-z][a-z0-9]*)(?:\+(?P<driver>[a-z0-9_]+))?://(?P<rest>.*)$", re.S)


def output_file(*suffixes: str) -> Callable[[str], Path]:
    """An ``argparse`` ``type=`` for a file the command writes: one of ``suffixes``, writable."""

    def parse(text: str) -> Path:
        if not text or "\x00" in text or len(text) > MAX_PATH_CHARS:
            raise argparse.ArgumentTypeError(f"not a usable file name: {text[:80]!r}")
        path = Path(text)
        if suffixes and path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(
                f"{text!r}: expected a file ending in {' or '.join(suffixes)}")
        if len(path.name.encode("utf-8", "surrogateescape")) > 255:
            raise argparse.ArgumentTypeError(f"the file name is longer than 255 bytes: {text[:80]!r}...")
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file name")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r}: the folder {str(folder)!r} does not exist")
        if not _writable(folder) or (path.exists() and not os.access(path, os.W_OK)):
            raise argparse.ArgumentTypeError(f"{text!r}: cannot write there")
        return path

    parse.__name__ = "output file"
    return parse


def _writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (tried, not guessed: root, read-only mounts)."""
    if not os.access(folder, os.W_OK):
        return False
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def database_url(text: str) -> str:
    """An ``argparse`` ``type=`` for ``--database``: a SQLite or PostgreSQL URL in a usable form."""
    m = _URL.match(text)
    if m is None:
        raise argparse.ArgumentTypeError(
            f"{text[:80]!r} is not a database URL; expected sqlite:///path/ledger.db or "
            "postgresql://user@host/dbname")
    dialect = m["dialect"]
    if dialect not in DIALECTS:
        raise argparse.ArgumentTypeError(
            f"database {dialect!r} is not supported; use {' or '.join(DIALECTS)} "
            "(sqlite:///path/ledger.db, postgresql://user@host/dbname)")
    rest = m["rest"]
    if dialect == "sqlite":
        if not rest.startswith("/"):
            raise argparse.ArgumentTypeError(f"{text!r}: a SQLite URL is sqlite:///relative/path.db or "
                                             "sqlite:////absolute/path.db")
        file = rest[1:].split("?", 1)[0]
        if file in ("", ":memory:"):
            raise argparse.ArgumentTypeError(f"{text!r}: the ledger needs a database file, not memory")
        path = Path(file)
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r}: {file!r} is a folder, not a database file")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r}: the folder {str(folder)!r} does not exist")
    elif not rest or rest == "/":
        raise argparse.ArgumentTypeError(f"{text!r}: expected postgresql://user@host/dbname")
    return text


def database_problem(exc: BaseException) -> str | None:
    """What a database error means for the user (not reachable, not a database, not initialised),
    or None when ``exc`` is not a database error."""
    module = type(exc).__module__ or ""
    if not module.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return None
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(
        exc).__name__
    low = text.lower()
    if "no such table" in low or ("relation" in low and "does not exist" in low):
        return f"the database is not initialised ({text}); run: pledgelab ledger init --database URL"
    if "file is not a database" in low or "file is encrypted" in low:
        return f"the file is not a SQLite database ({text})"
    if "unable to open database" in low:
        return f"cannot open the database file ({text})"
    if "database is locked" in low:
        return "the database is busy (another process is writing); try again in a few seconds"
    if "connection" in low or "could not connect" in low or "refused" in low or "timeout" in low:
        return f"cannot reach the database server ({text})"
    return f"database error: {text}"


__all__ = ["CHART_SUFFIXES", "DIALECTS", "database_problem", "database_url", "output_file"]
