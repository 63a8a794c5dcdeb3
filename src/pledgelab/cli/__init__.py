"""The ``pledgelab`` command line: deals, show, run, compare, explain, simulate, funding, tariffs,
workforce, ledger, token and serve.

Bad input prints ``file:line: field: message`` lines on stderr and exits with
status 2; so do a command-line argument that cannot be used and a missing
optional extra (with the line that installs it). Nothing here computes what the
library cannot. One module a command group (``_deals``: deals, show, run,
compare, explain; ``_simulate``; ``_funding``; ``_tariffs``; ``_workforce``;
``_ledger``: ledger and token; ``_serve``), the parser built in one place
(``_parser``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np
from rich.console import Console

from pledgelab._errors import InputError, UsageError
from pledgelab._extras import MissingExtra
from pledgelab.cli._guard import guard
from pledgelab.cli._parser import build_parser
from pledgelab.report import LIMIT, Table, emit, sheet_names, write_xlsx

__all__ = ["build_parser", "main", "tables"]


def tables(argv: Sequence[str]) -> list[Table]:
    """Parse ``argv`` and run the command: its tables, unprinted (errors propagate)."""
    args = build_parser().parse_args(argv)
    out: list[Table] = args.handler(args)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pledgelab`` script; returns the exit status. Every error ends as a
    message and status 2 (bad input) or 70 (a bug), never a traceback unless ``--debug``
    (:mod:`pledgelab.cli._guard`)."""
    return guard(_main, sys.argv[1:] if argv is None else argv)


def _main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        out: list[Table] = args.handler(args)
    except InputError as exc:
        for problem in exc.problems:  # one unwrapped line each, for editors and grep
            print(str(problem), file=sys.stderr)
        return 2
    except (UsageError, MissingExtra) as exc:
        print(f"pledgelab {args.command}: {exc}", file=sys.stderr)
        return 2
    np.set_printoptions(suppress=True)
    if args.format == "xlsx":
        return _xlsx(args, out, argv)
    # As wide as the terminal (rich measures it; COLUMNS, else 80, when not a terminal).
    emit(out, args.format, Console() if args.format == "table" else None,
         limit=None if getattr(args, "all", False) else LIMIT)
    return 0


def _xlsx(args: argparse.Namespace, out: list[Table], argv: Sequence[str] | None) -> int:
    """``--format xlsx --out FILE``: the tables, the clauses used and the command in a workbook."""
    from pledgelab._version import __version__

    path = getattr(args, "out", None)
    if path is None or str(path) == "" or not str(path).lower().endswith(".xlsx"):
        print(f"pledgelab {args.command}: --format xlsx needs --out FILE.xlsx", file=sys.stderr)
        return 2
    command = " ".join(["pledgelab", *(sys.argv[1:] if argv is None else argv)])
    try:
        written = write_xlsx(out, path, deals=getattr(args, "deals_used", []), command=command,
                             version=__version__)
    except MissingExtra as exc:
        print(f"pledgelab {args.command}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"pledgelab {args.command}: --out {path}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {written}: sheets {', '.join([*sheet_names(out), 'notes', 'sources', 'about'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
