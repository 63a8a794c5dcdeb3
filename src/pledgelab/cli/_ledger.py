"""``pledgelab ledger init | status | add | export | import`` and ``pledgelab token create | revoke``.

Each command returns tables (:class:`pledgelab.report.Table`) like every other
command (the parser is built in :mod:`pledgelab.cli._parser`), and bad input
raises :class:`~pledgelab._errors.InputError` (exit status 2,
``file:line: field: message``, no traceback). The database code (SQLAlchemy)
loads only when one of these runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from typing import TYPE_CHECKING

from pledgelab._errors import InputError, Problem
from pledgelab.ledger import ROLES, STAGES, default_url
from pledgelab.report import Column, Table

if TYPE_CHECKING:  # the database code (SQLAlchemy) loads only when a ledger command runs
    from pledgelab.ledger import Funnel, Ledger

def _actor(args: argparse.Namespace) -> str:
    return str(getattr(args, "actor", None) or f"cli:{getpass.getuser()}")


def open_ledger(args: argparse.Namespace) -> Ledger:
    """The ledger at ``--database``, else ``$PLEDGELAB_DATABASE``, else the default SQLite file."""
    from pledgelab.ledger import Ledger

    return Ledger(args.database or default_url())


def cmd_ledger(args: argparse.Namespace) -> list[Table]:
    """``pledgelab ledger init|status|add|export|import``."""
    led = open_ledger(args)
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


def cmd_token(args: argparse.Namespace) -> list[Table]:
    """``pledgelab token create|revoke``."""
    led = open_ledger(args)
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
