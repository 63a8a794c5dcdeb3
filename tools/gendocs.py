"""Write the command output shown in docs/ from the commands themselves, so it cannot drift.

    python tools/gendocs.py            # rewrite every generated block in docs/*.md
    python tools/gendocs.py --check    # exit 1, naming each stale block, if any differs

A generated block is delimited by marker comments that name the command::

    <!-- gendocs: pledgelab compare us-korea-2025-11 --pipeline korea-illustrative -->
    ...                         (written by this script: do not edit by hand)
    <!-- /gendocs -->

The command runs in this process (``pledgelab.cli.tables``, the tables the CLI prints)
and each table is written as Markdown: its title in bold, a pipe table whose cells read
as the terminal's do (``pledgelab.report.show``), and its notes as a list. Paths under
the repository are written relative to it, so the text is the same on every machine.
``tests/test_gendocs.py`` regenerates every block and compares.

One library call has a block of its own, for a table no command prints::

    <!-- gendocs: readings DEAL --pipeline PIPELINE --clause PATH [--clause PATH ...] -->

NPV by party under each reading of the clauses
(``pledgelab.analysis.disputed_readings(deal, pipeline, paths=[...])``), the clause as
written first.

After changing a data file, an engine rule or a command's output, run this script and
commit the docs it changes with the change.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

OPEN = re.compile(r"^<!-- gendocs: (?P<command>.+?) -->\n", re.MULTILINE)
CLOSE = "<!-- /gendocs -->"


@dataclass(frozen=True)
class Block:
    """One generated block: the command, and where its body starts and ends in the text."""

    command: str
    line: int  # 1-based line of the opening marker
    start: int  # offset of the body (after the opening marker's newline)
    end: int  # offset of the closing marker


class MarkerError(ValueError):
    """A block whose markers do not pair up, or whose command is not ``pledgelab ...``."""


def blocks(text: str, name: str = "<text>") -> list[Block]:
    """The generated blocks of a document, in order (a :class:`MarkerError` names the line)."""
    out: list[Block] = []
    pos = 0
    for m in OPEN.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if m.start() < pos:
            raise MarkerError(f"{name}:{line}: a gendocs block opens inside another")
        end = text.find(CLOSE, m.end())
        nxt = OPEN.search(text, m.end())
        if end < 0 or (nxt is not None and nxt.start() < end):
            raise MarkerError(f"{name}:{line}: gendocs block has no closing {CLOSE}")
        command = m.group("command").strip()
        if not command.startswith(("pledgelab ", "readings ")):
            raise MarkerError(f"{name}:{line}: a gendocs command starts with 'pledgelab ' or "
                              f"'readings ', got {command!r}")
        out.append(Block(command=command, line=line, start=m.end(), end=end))
        pos = end + len(CLOSE)
    stray = text.count(CLOSE) - len(out)
    if stray:
        raise MarkerError(f"{name}: {stray} closing {CLOSE} without an opening marker")
    return out


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _relative(text: str) -> str:
    return text.replace(str(ROOT) + "/", "")


def _readings(argv: Sequence[str]) -> list[Any]:
    """The ``readings`` block: one table of NPV by party under each reading of the clauses."""
    from pledgelab import load_deal, load_pipeline
    from pledgelab.analysis import disputed_readings
    from pledgelab.report import Column, Table

    parser = argparse.ArgumentParser(prog="readings", exit_on_error=False)
    parser.add_argument("deal")
    parser.add_argument("--pipeline", required=True)
    parser.add_argument("--clause", action="append", required=True)
    args = parser.parse_args(argv)
    deal = load_deal(args.deal)
    rows = disputed_readings(deal, load_pipeline(args.pipeline), paths=args.clause)
    parties = [p for p in deal.parties if any(r.npv and p in r.npv for r in rows)]
    t = Table(f"{args.deal} × {args.pipeline}: NPV by party under each reading of "
              f"{', '.join(args.clause)}",
              [Column("reading"), *[Column(f"{p} NPV", "usd") for p in parties]])
    for r in rows:
        label = "as shipped" if r.label == "as written" else r.label
        t.rows.append([label, *[(r.npv or {}).get(p) for p in parties]])
        if r.problem:
            t.notes.append(f"{r.label}: {r.problem}")
    t.notes.append(f"pledgelab.analysis.disputed_readings(deal, pipeline, paths={args.clause!r}); "
                   "NPV at the deal's deemed benchmark rate.")
    return [t]


def render(command: str) -> str:
    """The Markdown body of one block: the tables ``command`` prints, in order."""
    from pledgelab.cli import tables
    from pledgelab.report import show

    words = shlex.split(command)
    found = _readings(words[1:]) if words[0] == "readings" else tables(words[1:])
    parts: list[str] = []
    for t in found:
        lines = [f"**{_cell(t.title)}**", ""]
        lines.append("| " + " | ".join(_cell(c.name) for c in t.columns) + " |")
        lines.append("|" + "---|" * len(t.columns))
        for i, row in enumerate(t.rows):
            cells = [_cell(show(v, t.kind_of(i, j))) for j, v in enumerate(row)]
            lines.append("| " + " | ".join(cells) + " |")
        if t.notes:
            lines.append("")
            lines.extend(f"- {n}" for n in t.notes)
        parts.append("\n".join(lines))
    return _relative("\n\n".join(parts)) + "\n"


def regenerate(text: str, name: str = "<text>", *,
               run: Callable[[str], str] = render) -> tuple[str, list[Block]]:
    """``text`` with every block's body rewritten, and the blocks whose body changed."""
    out: list[str] = []
    stale: list[Block] = []
    pos = 0
    for b in blocks(text, name):
        body = "\n" + run(b.command) + "\n"
        if text[b.start:b.end] != body:
            stale.append(b)
        out.append(text[pos:b.start])
        out.append(body)
        pos = b.end
    out.append(text[pos:])
    return "".join(out), stale


def documents(root: Path = DOCS) -> list[Path]:
    """The Markdown files under ``root`` that hold at least one generated block."""
    return sorted(p for p in root.glob("*.md") if OPEN.search(p.read_text(encoding="utf-8")))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming each block that differs")
    parser.add_argument("files", nargs="*", type=Path,
                        help="documents to process (default: every docs/*.md with a block)")
    args = parser.parse_args(argv)
    files = [p.resolve() for p in args.files] or documents()
    status = 0
    for path in files:
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        text = path.read_text(encoding="utf-8")
        try:
            new, stale = regenerate(text, name)
        except MarkerError as exc:
            print(exc, file=sys.stderr)
            return 2
        for b in stale:
            verb = "is stale" if args.check else "rewritten"
            print(f"{name}:{b.line}: {b.command}: {verb}", flush=True)
        if stale and args.check:
            status = 1
        elif stale:
            path.write_text(new, encoding="utf-8")
    if args.check and status:
        print("to rewrite them: python tools/gendocs.py", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
