"""The ``pledgelab`` command line: deals, show, run, compare, explain.

Bad input prints ``file:line: field: message`` lines on stderr and exits with
status 2; nothing here computes what the library cannot.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np
from rich.console import Console

from pledgelab._errors import InputError
from pledgelab._months import month_label, parse_month
from pledgelab.compare import STICKING_POINTS, DealComparison, compare, usd
from pledgelab.engine.deterministic import RunResult, run
from pledgelab.metrics import PartyOutcome, deal_outcome, party_outcomes
from pledgelab.pipeline import Pipeline, load_pipeline
from pledgelab.report import Column, Table, emit
from pledgelab.report._table import _show
from pledgelab.terms import TermSheet, load_deal, shipped
from pledgelab.terms._registry import DATA

FORMATS = ("table", "csv", "json")


class UsageError(Exception):
    """A command-line argument that cannot be used (exit status 2)."""


def _pipeline_for(deal: TermSheet, name: str | None) -> tuple[Pipeline, str]:
    if name:
        return load_pipeline(name), name
    defaults = {"KR": "korea-illustrative", "JP": "japan-first-tranche"}
    if deal.investor not in defaults or defaults[deal.investor] not in shipped("pipelines"):
        raise UsageError(f"{deal.id}: no shipped pipeline for investor {deal.investor}; "
                         "give one with --pipeline")
    chosen = defaults[deal.investor]
    return load_pipeline(chosen), f"{chosen} (shipped pipeline for investor {deal.investor})"


def cmd_deals(args: argparse.Namespace) -> list[Table]:
    t = Table("Shipped deals and negotiating positions",
              [Column("id"), Column("kind"), Column("as of"), Column("headline", "usd"),
               Column("investor"), Column("assumed clauses", "int"), Column("title")])
    for name in shipped("deals"):
        d = load_deal(name)
        n_assumed = sum(1 for c in d.all_clauses() if c.status == "assumed")
        t.rows.append([d.id, d.kind, str(d.as_of), float(d.value("amount.headline")),
                       d.investor, n_assumed, d.title])
    t.notes.append(f"Files: {DATA / 'deals'}")
    return [t]


def _value_text(value: object) -> str:
    if isinstance(value, tuple) and value and hasattr(value[0], "shares"):
        return "; ".join(
            "/".join(f"{p} {s:g}" for p, s in tier.shares.items()) + f" until {tier.until}"
            for tier in value)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and abs(value) >= 1e6:
        return f"{value:,.0f}"
    return "none" if value is None else str(value)


def cmd_show(args: argparse.Namespace) -> list[Table]:
    d = load_deal(args.deal)
    t = Table(f"{d.id}: {d.title}",
              [Column("clause"), Column("value"), Column("unit"), Column("status"),
               Column("label"), Column("source or reason")])
    for c in d.all_clauses():
        src = "; ".join(r.url for r in c.references) if c.references else ""
        if c.status in ("assumed", "disputed"):
            alts = ", ".join(_value_text(a.value) for a in c.alternatives)
            src = f"{c.reason or ''} Alternatives: {alts}. {src}".strip()
        t.rows.append([c.path.removeprefix("clauses."), _value_text(c.value), c.unit,
                       str(c.status), c.label, src])
    t.notes.append(f"{d.kind}, as of {d.as_of}; investor {d.investor}, host {d.host}. "
                   f"Source file: {d.file}")
    t.notes.append(" ".join(d.summary.split()))
    return [t]


def _outcome_tables(res: RunResult, discount_rate: float, pipe_label: str) -> list[Table]:
    deal = res.deal
    sched = Table(f"{deal.id} × {res.pipeline.id}: projects",
                  [Column("project"), Column("sector"), Column("capex", "usd"),
                   Column("status"), Column("notice"), Column("first funding"),
                   Column("operations from"), Column("operations to")])
    for ps in res.schedule.projects:
        sched.rows.append([ps.project.id, ps.project.sector, float(ps.project.capex.value),
                           ps.status, str(ps.project.notice_date.value),
                           str(ps.funding_date) if ps.funding_date else None,
                           month_label(ps.cod) if ps.cod is not None else None,
                           month_label(ps.end) if ps.end is not None else None])
    sched.notes.append(f"Pipeline: {pipe_label}")
    parties = Table(f"{deal.id}: outcomes by party (NPV at {100 * discount_rate:.2f}%/yr to "
                    f"{month_label(res.start)})",
                    [Column("party"), Column("role"), Column("contributed", "usd"),
                     Column("received", "usd"), Column("net", "usd"), Column("NPV", "usd"),
                     Column("IRR", "pct"), Column("MOIC", "ratio"), Column("payback"),
                     Column("share of distributions", "pct")])
    for o in party_outcomes(res, discount_rate=discount_rate):
        parties.rows.append([o.party, deal.parties[o.party].role, o.contributed, o.received,
                             o.net, o.npv, o.irr, o.moic, o.payback,
                             o.share_of_distributions])
        if o.irr_reason != "ok":
            parties.notes.append(f"IRR of {o.party}: n/a, {o.irr_reason}")
    out = deal_outcome(res, discount_rate=discount_rate)
    parties.notes.append(
        f"Deemed interest {100 * out.deemed_rate:.2f}%/yr. Deemed allocation amount recovered: "
        f"{out.daa_recovered or 'not in every waterfall'} "
        f"({out.waterfalls - out.daa_unrecovered} of {out.waterfalls} waterfalls recover).")
    if deal.value("distribution.review_horizon"):
        parties.notes.append(f"Review clause triggers in {out.review_triggered} of "
                             f"{out.waterfalls} waterfalls (first {out.first_review or '—'}).")
    calls = Table(f"{deal.id}: {deal.investor} government funding by calendar year",
                  [Column("year"), Column("paid", "usd")])
    for year, amount in out.investor_calls_by_year.items():
        calls.rows.append([str(year), amount])
    cap = deal.value("timeline.annual_cap")
    calls.notes.append("Annual cap: " + ("none" if cap is None else usd(float(cap))) +
                       " (capital calls on capped tranches and vehicle instalments shown)")
    return [sched, parties, calls]


def _discount(deal: TermSheet, args: argparse.Namespace) -> float:
    return float(args.discount_rate) if args.discount_rate is not None \
        else float(deal.value("distribution.deemed_benchmark"))


def cmd_run(args: argparse.Namespace) -> list[Table]:
    deal = load_deal(args.deal)
    pipe, label = _pipeline_for(deal, args.pipeline)
    return _outcome_tables(run(deal, pipe), _discount(deal, args), label)


def cmd_compare(args: argparse.Namespace) -> list[Table]:
    deals = [load_deal(n) for n in args.deals]
    investors = {d.investor for d in deals}
    if len(investors) > 1 and not args.pipeline:
        raise UsageError("the deals have different investors; give one --pipeline for all")
    pipe, label = _pipeline_for(deals[0], args.pipeline)
    cols = compare(deals, pipe, discount_rate=args.discount_rate)
    head = [Column("")] + [Column(c.deal.id) for c in cols]
    points = Table("The four sticking points", head)
    for p in STICKING_POINTS:
        points.rows.append([p, *[c.points[p] for c in cols]])
    points.rows.append(["clauses assumed / disputed",
                        *[f"{c.assumed} / {c.disputed}" for c in cols]])
    outcome = Table(f"Outcomes over pipeline {pipe.id}", head)
    roles = ("investor", "host", "investor-firms", "lenders")

    def by_role(c: DealComparison, role: str) -> list[PartyOutcome]:
        return [o for o in c.parties if c.deal.parties[o.party].role == role]

    rows: list[tuple[str, str, str]] = [
        ("contributed", "contributed", "usd"), ("received", "received", "usd"),
        ("NPV", "npv", "usd"), ("IRR", "irr", "pct"), ("MOIC", "moic", "ratio"),
        ("payback", "payback", "text"), ("share of distributions", "share_of_distributions",
                                         "pct")]
    for role in roles:
        if not any(by_role(c, role) for c in cols):
            continue
        for label_, attr, kind in rows:
            vals = []
            for c in cols:
                os_ = by_role(c, role)
                text = _show(getattr(os_[0], attr), kind) if os_ else "—"
                if attr == "irr" and os_ and os_[0].irr_reason != "ok":
                    text = f"n/a: {os_[0].irr_reason}"
                vals.append(text)
            outcome.rows.append([f"{role}: {label_}", *vals])
    outcome.rows.append(["DAA recovered (all waterfalls)",
                         *[c.outcome.daa_recovered or
                           f"never in {c.outcome.daa_unrecovered} of {c.outcome.waterfalls}"
                           for c in cols]])
    outcome.rows.append(["20-year review triggers",
                         *[f"{c.outcome.review_triggered} of {c.outcome.waterfalls}"
                           if c.deal.value("distribution.review_horizon") else "no clause"
                           for c in cols]])
    outcome.rows.append(["peak calendar-year funding",
                         *[usd(max(c.outcome.investor_calls_by_year.values(), default=0.0))
                           for c in cols]])
    outcome.rows.append(["NPV discount rate", *[f"{100 * c.outcome.discount_rate:.2f}%/yr"
                                                for c in cols]])
    outcome.notes.append(f"Pipeline: {label}. Every deal runs the same projects; a project a "
                         "deal cannot finance is shown by `pledgelab run`.")
    outcome.notes.append("NPV is discounted at each deal's deemed benchmark rate unless "
                         "--discount-rate is given.")
    return [points, outcome]


def cmd_explain(args: argparse.Namespace) -> list[Table]:
    deal = load_deal(args.deal)
    pipe, label = _pipeline_for(deal, args.pipeline)
    if args.party not in deal.parties:
        raise UsageError(f"party {args.party!r} is not in {deal.id}; parties: "
                         f"{', '.join(deal.parties)}")
    try:
        month = parse_month(args.period)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    res = run(deal, pipe)
    col = res.col(month)
    if not 0 <= col < res.months:
        raise UsageError(f"--period {args.period} is outside the run "
                         f"({month_label(res.start)} to {month_label(res.start + res.months - 1)})")
    clauses = {c.path: c for c in deal.all_clauses()}
    t = Table(f"{deal.id}: what {args.party} receives (+) or pays (−) in {args.period}",
              [Column("amount", "usd"), Column("flow"), Column("project"), Column("clause"),
               Column("status"), Column("source or reason")])
    total = 0.0
    for line in res.lines:
        v = float(line.values[col])
        if line.party != args.party or v == 0.0:
            continue
        total += v
        c = clauses.get(line.clause)
        src = (c.references[0].url if c.references else (c.reason or "").strip()) if c else ""
        t.rows.append([v, line.kind, line.project, line.clause.removeprefix("clauses."),
                       str(c.status) if c else "", " ".join(src.split())])
    t.rows.append([total, "net", "", "", "", ""])
    balances = [f"{proj} ({tid}) {float(wf.balance[0, col]) / 1e9:,.3f}B"
                for (proj, tid), wf in res.waterfalls.items()
                if float(wf.balance[0, col]) > 0 or float(wf.paid[0, col].sum()) != 0.0]
    if balances:
        t.notes.append("Unrecovered deemed allocation amount at month end: " + "; ".join(balances))
        t.notes.append(f"Deemed interest {100 * res.rate:.2f}%/yr = "
                       f"{deal.clause('distribution.deemed_benchmark').cite()} + "
                       f"{deal.clause('distribution.deemed_spread').cite()}")
    for e in res.schedule.events:
        if e.month == month:
            t.notes.append(f"schedule: {e.project}: {e.text} [{e.clause.removeprefix('clauses.')}]")
    t.notes.append(f"Pipeline: {label}")
    return [t]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pledgelab", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--format", choices=FORMATS, default="table",
                        help="table for people (default), csv or json for machines")
        return sp

    add("deals", "the shipped deals and positions, one line each")
    sp = add("show", "every clause of a deal: value, unit, status, sources")
    sp.add_argument("deal", help="shipped deal id or path to a term-sheet YAML file")
    for name, help_ in (("run", "run a deal over a project pipeline"),
                        ("explain", "which clause made a party's cash in one month")):
        sp = add(name, help_)
        sp.add_argument("deal", help="shipped deal id or path to a term-sheet YAML file")
        sp.add_argument("--pipeline", help="shipped pipeline id or path (default: the shipped "
                        "pipeline for the deal's investor)")
        sp.add_argument("--discount-rate", type=float, default=None,
                        help="NPV discount rate per year (default: the deal's deemed benchmark)")
        if name == "explain":
            sp.add_argument("--party", required=True, help="party code, e.g. KR or US")
            sp.add_argument("--period", required=True, help="month as YYYY-MM")
    sp = add("compare", "deals side by side: the four sticking points and outcomes")
    sp.add_argument("deals", nargs="+", help="deal ids or term-sheet files")
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--discount-rate", type=float, default=None,
                    help="one NPV discount rate per year for all deals")
    sp = add("simulate", "Monte Carlo: outcomes by party over many paths")
    sp.add_argument("deal", help="shipped deal id or path to a term-sheet YAML file")
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--paths", type=int, default=10_000, help="number of paths (default 10000)")
    sp.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sp.add_argument("--drivers", default="default",
                    help="driver parameters: shipped id (default, zero) or a YAML path")
    sp.add_argument("--chunk-size", type=int, default=256, help="paths per chunk (default 256)")
    sp.add_argument("--backend", choices=("serial", "process", "dask"), default="serial")
    sp.add_argument("--workers", type=int, default=2, help="workers for process or dask")
    sp.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    sp.add_argument("--discount-rate", type=float, default=None,
                    help="NPV discount rate per year (default: the deal's deemed benchmark)")
    sp.add_argument("--fan", metavar="PARTY", help="also print the fan of PARTY's cumulative cash")
    sp.add_argument("--out", help="write per-path results to this Parquet file")
    sp.add_argument("--chart", help="write a fan chart (.png or .html) of --fan's party "
                    "(default: the investor)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def cmd_simulate(args: argparse.Namespace) -> list[Table]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from pledgelab._simulate import simulate

    deal = load_deal(args.deal)
    pipe, label = _pipeline_for(deal, args.pipeline)
    if args.paths < 1 or args.chunk_size < 1:
        raise UsageError("--paths and --chunk-size must be at least 1")
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TextColumn("paths"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  disable=args.quiet) as bar:
        task = bar.add_task("paths", total=args.paths)
        try:
            res = simulate(deal, pipeline=pipe, paths=args.paths, seed=args.seed,
                           drivers=args.drivers, chunk_size=args.chunk_size, backend=args.backend,
                           workers=args.workers, scheduler=args.scheduler,
                           discount_rate=args.discount_rate,
                           on_chunk=lambda n: bar.advance(task, n))
        except ImportError as exc:
            raise UsageError(str(exc)) from None
    tables = [res.summary()]
    tables[0].notes.append(f"Pipeline: {label}")
    if args.fan:
        tables.append(res.fan_table(args.fan))
    if args.out:
        try:
            tables[0].notes.append(f"Per-path results written to {res.to_parquet(args.out)}")
        except ImportError as exc:
            raise UsageError(str(exc)) from None
    if args.chart:
        party = args.fan or deal.investor
        try:
            tables[0].notes.append(f"Fan chart of {party} written to {res.chart(party, args.chart)}")
        except ImportError as exc:
            raise UsageError(str(exc)) from None
    return tables


COMMANDS = {"deals": cmd_deals, "show": cmd_show, "run": cmd_run, "compare": cmd_compare,
            "explain": cmd_explain, "simulate": cmd_simulate}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pledgelab`` script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        tables = COMMANDS[args.command](args)
    except InputError as exc:
        for problem in exc.problems:  # one unwrapped line each, for editors and grep
            print(str(problem), file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"pledgelab {args.command}: {exc}", file=sys.stderr)
        return 2
    np.set_printoptions(suppress=True)
    emit(tables, args.format, Console(width=200) if args.format == "table" else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
