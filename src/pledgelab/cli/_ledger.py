"""``pledgelab ledger init | status | claims | add | export | import | release`` and ``pledgelab token ...``.

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
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pledgelab._errors import InputError, Problem
from pledgelab.ledger import ROLES, STAGES, default_url
from pledgelab.report import Column, Table

if TYPE_CHECKING:  # the database code (SQLAlchemy) loads only when a ledger command runs
    from pledgelab.ledger import ClaimCheck, Funnel, Ledger

def _actor(args: argparse.Namespace) -> str:
    return str(getattr(args, "actor", None) or f"cli:{getpass.getuser()}")


def open_ledger(args: argparse.Namespace) -> Ledger:
    """The ledger at ``--database``, else ``$PLEDGELAB_DATABASE``, else the default SQLite file."""
    from pledgelab.ledger import Ledger

    return Ledger(args.database or default_url())


def cmd_ledger(args: argparse.Namespace) -> list[Table]:
    """``pledgelab ledger init|status|claims|add|export|import|release|corrections``."""
    if args.ledger_command == "corrections":
        return _corrections(args)
    led = open_ledger(args)
    try:
        return {"init": _init, "status": _status, "add": _add, "export": _export, "import": _import,
                "claims": _claims, "release": _release}[args.ledger_command](led, args)
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


def _share(value: float | None) -> str:
    return "not measurable" if value is None else f"{100 * value:.2f}%"


def measures_table(title: str, funnels: list[Funnel]) -> Table:
    """Per pledge and component: the amount, its mechanism, and what of it is at work."""
    t = Table(title, [Column("pledge"), Column("headline", "usd"), Column("period"), Column("currency"),
                      Column("component"), Column("amount", "usd"), Column("bound"), Column("mechanism"),
                      Column("called", "usd"), Column("at work", "usd"), Column("at work %")])
    for f in funnels:
        period = f"{f.period_start or '?'} to {f.period_end or '?'}" if f.period_start or f.period_end \
            else "not stated"
        money = f"{f.currency} {f.price_year or 'nominal'}"
        for p in f.parts:
            t.rows.append([f.pledge, f.headline, period, money, p.component, p.amount, p.bound, p.mechanism,
                           p.called, p.at_work, _share(p.at_work_share)])
        t.rows.append([f.pledge, f.headline, period, money, "measurable base", f.measurable_base, "",
                       "", None, f.at_work, _share(f.at_work_share)])
    t.notes.append("'At work' is measured against the measurable base (the parts with a payment "
                   "mechanism: capital calls paid, company projects built), never against the headline; "
                   "a part with no mechanism is 'not measurable', not 0%.")
    reasons = sorted({f"{f.pledge} {p.component}: {p.mechanism_reason}" for f in funnels for p in f.parts
                      if not p.measurable and p.mechanism_reason})
    t.notes.extend(f"Not measurable: {r}" for r in reasons)
    return t


def funnel_table(title: str, funnels: list[Funnel], *, first: str = "pledge") -> Table:
    """The funnel: each project counted at every stage it reached, on each row's date."""
    t = Table(title, [Column(first), Column("headline", "usd"), Column("interest", "usd"),
                      Column("up to / at least", "usd"), Column("recommended", "usd"),
                      Column("selected", "usd"), Column("noticed", "usd"), Column("funded", "usd"),
                      Column("under construction", "usd"), Column("operating", "usd"),
                      Column("paused", "usd"), Column("dropped", "usd"), Column("called", "usd"),
                      Column("disbursed", "usd"), Column("projects (interest/selected/operating)"),
                      Column("counted once", "usd"), Column("previously planned", "usd"),
                      Column("related FDI", "usd")])
    for f in funnels:
        label = f.pledge if first == "pledge" else f.as_of.isoformat()
        a = f.amounts
        t.rows.append([label, f.headline, a["interest"], f.bounded["interest"],
                       a["recommended"], a["selected"], a["notice"], a["funded"], a["under-construction"],
                       a["operating"], a["paused"], a["dropped"], f.called, f.disbursed,
                       f"{f.counts['interest']}/{f.counts['selected']}/{f.counts['operating']}",
                       sum(f.excluded.values()), f.previously_planned, f.related_fdi])
    last = funnels if first == "pledge" else funnels[-1:]
    missing = sum(f.missing_amounts for f in last)
    estimated = sum(f.estimated_amounts for f in last)
    t.notes.append("Stages are cumulative: a project counts at every stage it has reached "
                   f"({' → '.join(STAGES)}); a pledge counts from its announcement, an amount from its date.")
    if funnels and funnels[0].ceilings:
        t.notes.append("'Up to' and 'at least' amounts are included in the stages; the 'up to / at least' "
                       "column shows how much of interest they are (--ceilings exclude leaves them out).")
    else:
        t.notes.append("'Up to' and 'at least' amounts are left out of the stages and shown apart in the "
                       "'up to / at least' column (--ceilings include adds them).")
    t.notes.append(f"{missing} project(s) have no stated amount (counted as missing, never as zero); "
                   f"{estimated} amount(s) are estimates or 'up to' / 'at least' bounds.")
    excluded = sorted({pid for f in last for pid in f.excluded})
    if excluded:
        t.notes.append("Counted once (linked to a project that holds the same money): " + ", ".join(excluded))
    before = [f"{f.pledge if first == 'pledge' else f.as_of} ${f.related_fdi_planned_before / 1e9:,.1f}B"
              for f in last if f.related_fdi_planned_before]
    if before:
        t.notes.append("Related FDI planned before the pledge (shown apart, never added): "
                       + ", ".join(before))
    weak = sorted({w for f in last for w in f.weak_sources})
    if weak:
        t.notes.append("Weak sources (only aggregators or unmarked): " + ", ".join(weak))
    return t


def claims_table(title: str, checks: list[ClaimCheck], marks: Mapping[str, str]) -> Table:
    """Each claim: what it asserts, its scope, the ledger's value on the day, the verdict and why,
    and its sources each with its reliability mark (primary, wire, press, aggregator)."""
    t = Table(title, [Column("said on"), Column("claim"), Column("claimant"), Column("measure"),
                      Column("scope"), Column("claimed", "usd"), Column("ledger then", "usd"),
                      Column("ledger basis"), Column("verdict"), Column("reasoning"), Column("reviewed"),
                      Column("quote"), Column("sources")])
    for cc in checks:
        cl = cc.claim
        reviewed = f"{cl.get('reviewer')}, {cl.get('reviewed_on')}" if cl.get("verdict") else ""
        t.rows.append([cl["said_on"], cl["id"], cl["claimant"], cl["measure"], cl.get("scope"),
                       cl["amount_usd"], cc.ledger_value, cc.ledger_basis,
                       cl.get("verdict") or "not reviewed", cl.get("reasoning") or "", reviewed, cl["quote"],
                       " ".join(f"{u} [{marks.get(u, 'unmarked')}]" for u in cl["sources"])])
    return t


def _marks(led: Ledger) -> dict[str, str]:
    """Every marked source URL and its reliability."""
    return {r["url"]: r["reliability"] for r in led.records()["source"]}


def _status(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import claims_check, default_as_of, status_report, timeline

    ceilings = getattr(args, "ceilings", "include") == "include"
    if args.pledge:
        led.get("pledge", args.pledge)  # an unknown pledge is "no pledge X", not an empty report
        steps = timeline(led, args.pledge, ceilings=ceilings)
        if args.as_of:
            steps = [f for f in steps if f.as_of <= args.as_of]
        when = args.as_of or default_as_of(led)
        now = [f for f in status_report(led, when, ceilings=ceilings) if f.pledge == args.pledge]
        ratios = ratios_table(led, when, ceilings=ceilings)
        ratios.rows = [r for r in ratios.rows if r[0] == args.pledge]
        return [measures_table(f"{args.pledge} on {when}: measurable base and at work", now),
                funnel_table(f"{args.pledge} over time", steps, first="date"),
                claims_table(f"{args.pledge}: claims beside the ledger", claims_check(led, args.pledge),
                             _marks(led)),
                ratios, _freshness_note(led, args)]
    when = args.as_of or default_as_of(led)
    funnels = status_report(led, when, ceilings=ceilings)
    measures = measures_table(f"Pledges on {when}: measurable base and at work by component", funnels)
    t = funnel_table(f"Pledges on {when}: the funnel", funnels)
    t.notes.append(f"Release {led.release()}; as of {when} (default: the newest record's date).")
    return [measures, t, ratios_table(led, when, ceilings=ceilings), _freshness_note(led, args)]


def _freshness_note(led: Ledger, args: argparse.Namespace) -> Table:
    """The newest record's age on ``--today`` (default: the computer's date); a warning on stderr
    when it is more than STALE_AFTER_DAYS old."""
    import warnings

    from pledgelab._errors import InputWarning
    from pledgelab.ledger import freshness

    fresh = freshness(led.newest_date(), getattr(args, "today", None))
    t = Table("Ledger record", [Column("newest record"), Column("read on"), Column("age (days)", "int"),
                                Column("stale")])
    t.rows.append([fresh.newest, fresh.today, fresh.age_days, "yes" if fresh.stale else "no"])
    t.notes.append(fresh.message())
    if fresh.stale:
        warnings.warn(fresh.message(), InputWarning, stacklevel=2)
    return t


def ratios_table(led: Ledger, when: dt.date, *, ceilings: bool = True) -> Table:
    """Per pledge: headline over the investor's cited GDP and selected over headline."""
    from pledgelab.ledger import pledge_ratios

    t = Table(f"Pledges on {when}: size against the economy, and selected against the headline",
              [Column("pledge"), Column("investor"), Column("headline", "usd"), Column("GDP", "usd"),
               Column("GDP year"), Column("pledge / GDP"), Column("selected", "usd"),
               Column("selected / headline")])
    sources: set[str] = set()
    for r in pledge_ratios(led, when, ceilings=ceilings):
        t.rows.append([r.pledge, r.investor, r.headline, r.gdp.value if r.gdp else None,
                       r.gdp.period_end.year if r.gdp else "none cited",
                       _share(r.pledge_to_gdp) if r.gdp else "no cited GDP",
                       r.selected, _share(r.selected_to_headline)])
        if r.gdp:
            sources.update(f"{r.investor} {r.gdp.period_end.year} ({r.gdp.status}, {r.gdp.file}): {u}"
                           for u in r.gdp.sources)
    t.notes.append("Pledge / GDP: the headline over the investor's latest nominal GDP in the cited macro "
                   "data dated by then (a multi-year pledge against one year's GDP). Selected: every "
                   "project that reached selection, as in the funnel.")
    t.notes.extend(f"GDP source: {s}" for s in sorted(sources))
    return t


def _claims(led: Ledger, args: argparse.Namespace) -> list[Table]:
    import json

    from pledgelab.ledger import claim_review, claims_check

    if args.pledge:
        led.get("pledge", args.pledge)  # an unknown pledge is "no pledge X", not an empty table
    checks = claims_check(led, args.pledge)
    t = claims_table("Claims with verdicts" + (f" about {args.pledge}" if args.pledge else ""), checks,
                     _marks(led))
    if args.review_json is not None:
        docs = [claim_review(c) for c in checks if c.claim.get("verdict")]
        args.review_json.write_text(json.dumps(docs, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
        t.notes.append(f"{len(docs)} reviewed claim(s) written as schema.org ClaimReview to "
                       f"{args.review_json}.")
    t.notes.append("Each claim is compared within its scope (a project, a pledge, several, or every pledge "
                   "announced by the day it was made) against the measure it asserts, on that day.")
    return [t]


def _corrections(args: argparse.Namespace) -> list[Table]:
    """A filled corrections form, checked (no database needed): every row, or every bad row."""
    from pledgelab.ledger import CORRECTION_COLUMNS, read_corrections

    rows = read_corrections(args.file)
    t = Table(f"Corrections in {args.file}", [Column(c) for c in CORRECTION_COLUMNS])
    t.rows.extend([r[c] for c in CORRECTION_COLUMNS] for r in rows)
    t.notes.append(f"{len(rows)} correction(s), each well formed; review each against its source and "
                   "record the change as a dated record (never applied automatically).")
    return [t]


def _release(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import build_release

    rel = build_release(led, args.out_dir, previous=args.previous)
    t = Table(f"Release {rel.id}", [Column("file"), Column("sha256")])
    t.rows.extend([name, digest] for name, digest in sorted(rel.files.items()))
    t.rows.append(["manifest.json", ""])
    t.notes.append(f"Written to {args.out_dir}; as of {rel.as_of}. Built twice from the same records, "
                   "the bundle is byte-identical.")
    return [t]


def _add(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import Where

    where = Where(file="command line", line=0)
    common = {"sources": args.source, "verified": args.verified, "note": args.note}
    if args.ledger_add == "project":
        data = {"id": args.id, "pledge_id": args.pledge, "name": args.name, "sector": args.sector,
                "status": args.status, "status_date": args.date, "notice_date": args.notice_date,
                "company": args.company, "state": args.state, "site": args.site,
                "tranche_id": args.tranche, "relation": args.relation, "component": args.component,
                **common}
        if args.amount is not None:
            data["amounts"] = [{"amount_usd": args.amount, "basis": args.amount_basis,
                                "as_of": args.amount_as_of or args.date, "bound": args.amount_bound,
                                "estimate": args.estimate_reason is not None,
                                "estimate_reason": args.estimate_reason, "preferred": True,
                                "sources": args.source, "verified": args.verified}]
        kind = "project"
    elif args.ledger_add == "call":
        data = {"id": args.id, "project_id": args.project, "notice_date": args.notice,
                "funding_date": args.funding_date, "amount_usd": args.amount,
                "deal_tranche": args.tranche, "component": args.component, **common}
        kind = "call"
    elif args.ledger_add == "status":
        data = {"project_id": args.project, "status": args.status, "date": args.date,
                "version": args.version, **common}
        kind = "status"
    elif args.ledger_add == "amount":
        data = {"project_id": args.project, "amount_usd": args.amount, "as_of": args.as_of,
                "basis": args.basis, "bound": args.bound, "preferred": args.preferred, **common}
        kind = "amount"
    elif args.ledger_add == "link":
        ends: dict[str, str] = {}
        for side, ref in (("from", args.from_ref), ("to", args.to_ref)):
            kind_, _, rid = ref.partition(":")
            if kind_ not in ("project", "pledge") or not rid:
                raise InputError([Problem("command line", 0, f"--{side}",
                                          f"expected project:ID or pledge:ID, got {ref!r}")])
            ends |= {f"{side}_kind": kind_, f"{side}_id": rid}
        data = {"id": args.id, "relation": args.relation, **ends, **common}
        kind = "link"
    else:
        data = {"call_id": args.call, "date": args.date, "amount_usd": args.amount, **common}
        kind = "disbursement"
    rec = led.add(kind, data, actor=_actor(args), override=args.override, where=where)
    t = Table(f"Added {args.ledger_add} {rec['id']}", [Column("field"), Column("value")])
    t.rows.extend([k, str(v)] for k, v in rec.items())
    if rec.get("overrides"):
        t.notes.append("Recorded with an override of: " +
                       "; ".join(f"{o['clause']} ({o['message']})" for o in rec["overrides"]))
    if kind in ("call", "disbursement", "status"):
        project = led.get("project", args.project if kind != "disbursement" else
                          led.get("call", args.call)["project_id"])
        t.notes.append(f"Project {project['id']} is now {project['status']} (since {project['status_date']}, "
                       f"version {project['version']}).")
    return [t]


def _export(led: Ledger, args: argparse.Namespace) -> list[Table]:
    from pledgelab.ledger import PROJECT_COLUMNS, export_file, project_rows

    if getattr(args, "format", None) == "xlsx":  # one sheet a record kind; the CLI writes --out
        return _record_tables(led)
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


def _record_tables(led: Ledger) -> list[Table]:
    """Every record of the ledger as tables, one a record kind (``ledger export --format xlsx``)."""
    doc = led.dump()
    out = []
    for kind, records in doc.items():
        if not isinstance(records, list) or not records:
            continue
        keys = list(dict.fromkeys(k for r in records for k in r))
        t = Table(f"{kind}", [Column(k, "usd" if k.endswith("_usd") else "text") for k in keys])
        for r in records:
            t.rows.append([" ".join(map(str, v)) if isinstance(v, list) else
                           (str(v) if isinstance(v, dict) else v) for v in (r.get(k) for k in keys)])
        t.notes.append(f"Release {doc.get('release', '')}")
        out.append(t)
    return out


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
