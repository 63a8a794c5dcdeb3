"""Command-line glue: ``pledgelab ledger ...``, ``pledgelab serve`` and ``pledgelab token ...``.

``pledgelab.cli`` registers these with :func:`add_commands`; each command
returns tables (:class:`pledgelab.report.Table`) like every other command,
and bad input raises :class:`~pledgelab._errors.InputError` (exit status 2,
``file:line: field: message``, no traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pledgelab._errors import InputError, Problem
from pledgelab.ledger import ENV_URL, ROLES, STAGES, STATUSES, default_url
from pledgelab.report import Column, Table

if TYPE_CHECKING:  # the database code (SQLAlchemy) loads only when a ledger command runs
    from pledgelab.ledger import Funnel, Ledger

FORMATS = ("table", "csv", "json")
Command = Callable[[argparse.Namespace], list[Table]]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database", default=None,
                   help=f"database URL (default: ${ENV_URL} or {default_url()})")
    p.add_argument("--format", choices=FORMATS, default=argparse.SUPPRESS,
                   help="table for people (default), csv or json for machines")


def _actor(args: argparse.Namespace) -> str:
    return str(getattr(args, "actor", None) or f"cli:{getpass.getuser()}")


def add_commands(sub_add: Callable[[str, str], argparse.ArgumentParser]) -> dict[str, Command]:
    """Add ``ledger``, ``serve`` and ``token`` with ``sub_add(name, help)``; returns their functions."""
    sp = sub_add("ledger", "the pledge ledger: pledged vs selected vs funded vs built")
    sub = sp.add_subparsers(dest="ledger_command", required=True)
    p = sub.add_parser("init", help="create the ledger (SQLite file by default) and seed the cited records")
    _common(p)
    p.add_argument("--empty", action="store_true", help="schema only, no seed records")
    p = sub.add_parser("status", help="per pledge: headline, interest, selected, funded, operating")
    _common(p)
    p.add_argument("--as-of", type=_date, default=None, help="date of the report (default today)")
    p.add_argument("--pledge", help="one pledge over time, with the claims made about it")
    add = sub.add_parser("add", help="add a record; a rule violation is refused with its clause")
    asub = add.add_subparsers(dest="ledger_add", required=True)
    p = asub.add_parser("project", help="a project under a pledge")
    _common(p)
    for flag, help_ in (("--id", "stable id, e.g. jp-portsmouth-gas"), ("--pledge", "pledge id"),
                        ("--name", "project name"), ("--sector", "sector")):
        p.add_argument(flag, required=True, help=help_)
    p.add_argument("--status", default="interest", choices=STATUSES, help="status (default interest)")
    p.add_argument("--date", type=_date, required=True, help="date of the status")
    p.add_argument("--notice-date", type=_date, help="date of the notice of selection, if any")
    p.add_argument("--company")
    p.add_argument("--state", help="two-letter US state")
    p.add_argument("--tranche", help="tranche id")
    p.add_argument("--relation", default="pledge", choices=("pledge", "related-fdi"))
    p.add_argument("--amount", type=float, help="amount in USD")
    p.add_argument("--amount-basis", default="as reported", help="what the amount covers")
    p.add_argument("--estimate-reason", help="flags the amount as an estimate, and why")
    p = asub.add_parser("call", help="a capital call on the investor")
    _common(p)
    p.add_argument("--id", required=True, help="stable id of the call")
    p.add_argument("--project", required=True, help="project id")
    p.add_argument("--notice", type=_date, required=True, help="date of the notice of selection")
    p.add_argument("--funding-date", type=_date, required=True, help="date the call is funded")
    p.add_argument("--amount", type=float, required=True, help="amount called, USD")
    p.add_argument("--tranche", help="deal tranche (default: by sector, as the engine does)")
    for q in asub.choices.values():
        q.add_argument("--source", action="append", required=True, help="source URL (repeatable)")
        q.add_argument("--verified", type=_date, default=dt.date.today(),
                       help="date the sources were checked (default today)")
        q.add_argument("--note")
        q.add_argument("--override", help="record it although it breaks a rule, and why")
        q.add_argument("--actor", help="who makes the change (default cli:$USER)")
    p = sub.add_parser("export", help="export with stable ids and the release version")
    _common(p)
    p.add_argument("--out", type=Path, help="write every record (.json) or the projects (.csv) here")
    p = sub.add_parser("import", help="import a CSV: every row checked, all rows or none")
    _common(p)
    p.add_argument("file", type=Path)
    p.add_argument("--actor", help="who makes the change (default cli:$USER)")

    sp = sub_add("serve", "the ledger's HTTP API on 127.0.0.1 (OpenAPI at /docs)")
    sp.add_argument("--database", default=None, help=f"database URL (default: ${ENV_URL} or {default_url()})")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)

    sp = sub_add("token", "API bearer tokens: create (shown once, stored hashed) or revoke")
    tsub = sp.add_subparsers(dest="token_command", required=True)
    p = tsub.add_parser("create", help="a new token for a role")
    _common(p)
    p.add_argument("--name", required=True, help="who or what the token is for")
    p.add_argument("--role", choices=ROLES, default="editor")
    p = tsub.add_parser("revoke", help="revoke a token by name")
    _common(p)
    p.add_argument("--name", required=True)
    return {"ledger": cmd_ledger, "serve": cmd_serve, "token": cmd_token}


def _ledger(args: argparse.Namespace) -> Ledger:
    from pledgelab.ledger import Ledger

    return Ledger(args.database or default_url())


def cmd_ledger(args: argparse.Namespace) -> list[Table]:
    """``pledgelab ledger init|status|add|export|import``."""
    led = _ledger(args)
    try:
        return {"init": _init, "status": _status, "add": _add, "export": _export,
                "import": _import}[args.ledger_command](led, args)
    finally:
        led.close()


def _init(led: Ledger, args: argparse.Namespace) -> list[Table]:
    n = led.init(seed=not args.empty)
    t = Table("Ledger", [Column("database"), Column("schema revision"), Column("records seeded", "int"),
                         Column("release")])
    t.rows.append([led.engine.url.render_as_string(hide_password=True), led.revision(), n, led.release()])
    if n == 0 and not args.empty:
        t.notes.append("The ledger already held records; nothing was seeded.")
    return [t]


def funnel_table(title: str, funnels: list[Funnel], *, first: str = "pledge") -> Table:
    t = Table(title, [Column(first), Column("headline", "usd"), Column("interest", "usd"),
                      Column("selected", "usd"), Column("noticed", "usd"), Column("called", "usd"),
                      Column("disbursed", "usd"), Column("operating", "usd"), Column("at work", "pct"),
                      Column("projects (interest/selected/operating)"), Column("dropped", "usd"),
                      Column("related FDI", "usd")])
    for f in funnels:
        label = f.pledge if first == "pledge" else f.as_of.isoformat()
        t.rows.append([label, f.headline, f.amounts["interest"], f.amounts["selected"], f.amounts["notice"],
                       f.called, f.disbursed, f.amounts["operating"], f.at_work_share,
                       f"{f.counts['interest']}/{f.counts['selected']}/{f.counts['operating']}",
                       f.amounts["dropped"], f.related_fdi])
    missing = sum(f.missing_amounts for f in funnels[-1:] if first != "pledge") if first != "pledge" \
        else sum(f.missing_amounts for f in funnels)
    estimated = sum(f.estimated_amounts for f in (funnels if first == "pledge" else funnels[-1:]))
    t.notes.append("Stages are cumulative: a project counts at every stage it has reached "
                   f"({' → '.join(STAGES)}). 'At work' is disbursed / headline.")
    if missing or estimated:
        t.notes.append(f"{missing} project(s) have no stated amount (not counted); {estimated} amount(s) "
                       "are estimates or 'up to' ceilings.")
    return t


def _status(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import claims_check, status_report, timeline

    if args.pledge:
        steps = timeline(led, args.pledge)
        if args.as_of:
            steps = [f for f in steps if f.as_of <= args.as_of]
        tables = [funnel_table(f"{args.pledge} over time", steps, first="date")]
        c = Table(f"{args.pledge}: claims beside the ledger",
                  [Column("said on"), Column("claimant"), Column("measure"), Column("claimed", "usd"),
                   Column("ledger then", "usd"), Column("ledger basis"), Column("quote"), Column("source")])
        for cc in claims_check(led, args.pledge):
            cl = cc.claim
            c.rows.append([cl["said_on"], cl["claimant"], cl["metric"], cl["amount_usd"], cc.ledger_value,
                           cc.ledger_basis, cl["quote"], cl["sources"][0]])
        return [*tables, c]
    when = args.as_of or dt.date.today()
    t = funnel_table(f"Pledges on {when}", status_report(led, when))
    t.notes.append(f"Release {led.release()}.")
    return [t]


def _add(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import Where

    where = Where(file="command line", line=0)
    common = {"sources": args.source, "verified": args.verified, "note": args.note}
    if args.ledger_add == "project":
        data = {"id": args.id, "pledge_id": args.pledge, "name": args.name, "sector": args.sector,
                "status": args.status, "status_date": args.date, "notice_date": args.notice_date,
                "company": args.company, "state": args.state, "tranche_id": args.tranche,
                "relation": args.relation, **common}
        if args.amount is not None:
            data["amounts"] = [{"amount_usd": args.amount, "basis": args.amount_basis,
                                "estimate": args.estimate_reason is not None,
                                "estimate_reason": args.estimate_reason, "preferred": True,
                                "sources": args.source, "verified": args.verified}]
        rec = led.add("project", data, actor=_actor(args), override=args.override, where=where)
    else:
        data = {"id": args.id, "project_id": args.project, "notice_date": args.notice,
                "funding_date": args.funding_date, "amount_usd": args.amount,
                "deal_tranche": args.tranche, **common}
        rec = led.add("call", data, actor=_actor(args), override=args.override, where=where)
    t = Table(f"Added {args.ledger_add} {rec['id']}", [Column("field"), Column("value")])
    t.rows.extend([k, str(v)] for k, v in rec.items())
    if rec.get("overrides"):
        t.notes.append("Recorded with an override of: " +
                       "; ".join(f"{o['clause']} ({o['message']})" for o in rec["overrides"]))
    return [t]


def _export(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import PROJECT_COLUMNS, export_file, project_rows

    if args.out is not None:
        n = export_file(led, args.out)
        t = Table("Export", [Column("file"), Column("records", "int"), Column("release")])
        t.rows.append([str(args.out), n, led.release()])
        return [t]
    rows = project_rows(led)
    t = Table("Projects", [Column("release"), *(Column(c, "usd" if c == "amount_usd" else "text")
                                                 for c in PROJECT_COLUMNS)])
    t.rows.extend([r.get("release"), *(r.get(c) for c in PROJECT_COLUMNS)] for r in rows)
    return [t]


def _import(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import import_file

    led.migrate()
    n = import_file(led, args.file, actor=_actor(args))
    t = Table("Import", [Column("file"), Column("records", "int"), Column("release")])
    t.rows.append([str(args.file), n, led.release()])
    return [t]


def cmd_serve(args: argparse.Namespace) -> list[Table]:
    """``pledgelab serve``: the HTTP API until interrupted."""
    from pledgelab.api import serve

    led = _ledger(args)
    led.migrate()
    print(f"pledgelab ledger API on http://{args.host}:{args.port} (docs at /docs); Ctrl-C stops it")
    serve(led, host=args.host, port=args.port)
    return []


def cmd_token(args: argparse.Namespace) -> list[Table]:
    """``pledgelab token create|revoke``."""
    led = _ledger(args)
    try:
        led.migrate()
        if args.token_command == "revoke":
            led.revoke_token(args.name, actor=_actor(args))
            return [Table("Token revoked", [Column("name")], rows=[[args.name]])]
        if args.role not in ROLES:
            raise InputError([Problem("command line", 0, "--role", f"expected one of {ROLES}")])
        token = led.create_token(name=args.name, role=args.role, actor=_actor(args))
        t = Table("New API token", [Column("name"), Column("role"), Column("token")],
                  rows=[[args.name, args.role, token]])
        t.notes.append("Shown once: only its SHA-256 digest is stored. Send it as "
                       "'Authorization: Bearer <token>'.")
        return [t]
    finally:
        led.close()
