"""The ``pledgelab`` command line: deals, show, run, compare, explain, simulate, funding, tariffs,
workforce, ledger, token and serve.

Bad input prints ``file:line: field: message`` lines on stderr and exits with
status 2; nothing here computes what the library cannot.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rich.console import Console

from pledgelab._cited import DATA
from pledgelab._errors import InputError, UsageError
from pledgelab._months import month_label, parse_month
from pledgelab.analysis import SimulationResult
from pledgelab.compare import STICKING_POINTS, DealComparison, compare, usd
from pledgelab.engine import RunResult, run
from pledgelab.macro.funding import FundingResult
from pledgelab.macro.safeguard import Safeguard
from pledgelab.metrics import PartyOutcome, deal_outcome, default_discount_rate, party_outcomes
from pledgelab.pipeline import Pipeline, load_pipeline
from pledgelab.report import Column, Table, emit, fan_chart, fan_table, simulation_summary
from pledgelab.report._table import _show
from pledgelab.terms import TermSheet, load_deal, shipped

FORMATS = ("table", "csv", "json")


def _pipeline_for(deal: TermSheet, name: str | None) -> tuple[Pipeline, str]:
    if name:
        return load_pipeline(name), name
    for chosen in shipped("pipelines"):
        pipe = load_pipeline(chosen)
        if deal.investor in pipe.default_for:
            return pipe, f"{chosen} (shipped pipeline for investor {deal.investor})"
    raise UsageError(f"{deal.id}: no shipped pipeline is the default for investor {deal.investor}; "
                     "give one with --pipeline")


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
        else default_discount_rate(deal)


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
    sp.add_argument("--fx-feedback", nargs="?", const="auto", metavar="SAFEGUARD",
                    help="make the deal's FX-safeguard clause live: a safeguard id or file "
                    "(default: the shipped one for the deal's investor)")
    sp.add_argument("--fx-impact", type=float, default=None, metavar="LOG_POINTS_PER_USD_BN",
                    help="with --fx-feedback: the currency's response to $1B of dollar demand "
                    "(default: the safeguard file's)")
    sp.add_argument("--workforce-policy", metavar="POLICY",
                    help="add workforce delays under a visa policy (status-quo-2025, post-raid-2025, "
                    "e4-visa, restrictive, or a file) and show how much of each party's outcome they "
                    "explain (a second run, same seed, without them)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp = add("funding", "how the investor funds its calls: sources, cost, reserves, ratios")
    sp.add_argument("deals", nargs="+", help="deal ids or term-sheet files")
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--plan", help="funding plan id or path (default: the shipped plan for the "
                    "investor)")
    sp.add_argument("--horizon", type=int, default=None,
                    help="last calendar year interest is counted to (default: the last call's year)")
    sp.add_argument("--compare", action="store_true", help="one column per deal")
    sp.add_argument("--chart", help="write the reserves path and calls as .png or .html")
    sp.add_argument("--safeguard", nargs="?", const="auto", metavar="SAFEGUARD",
                    help="also the currency pressure, the FX-safeguard rule and its sensitivity sweep "
                    "(a safeguard id or file; default: the shipped one for the investor)")
    sp.add_argument("--drivers", default="default",
                    help="with --safeguard: drivers whose exchange rate (every shock zero) is used")
    sp.add_argument("--pressure-chart", help="with --safeguard: write the pressure indicator against "
                    "the threshold as .png or .html")
    sp = add("tariffs", "tariff cost avoided by year against the pledge's net cost; break-even")
    sp.add_argument("deal", help="shipped deal id or path to a term-sheet YAML file")
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--years", type=int, default=20, help="years shown from the run's first (default 20)")
    sp.add_argument("--exports", type=float, default=None,
                    help="dutiable trade with the US, USD a year (required where the data has none)")
    sp.add_argument("--discount-rate", type=float, default=None,
                    help="discount rate per year (default: the deal's deemed benchmark)")
    sp.add_argument("--decline", action="store_true",
                    help="also compare funding and declining each project")
    sp.add_argument("--scenario", default="deal-holds", help="tariff scenario for --decline")
    sp.add_argument("--chart", help="write cumulative savings against the net cost as .png or .html")
    from pledgelab.cli._workforce import add_commands as workforce_commands

    COMMANDS.update(workforce_commands(add))
    from pledgelab.cli._ledger import add_commands as ledger_commands

    COMMANDS.update(ledger_commands(add))
    from pledgelab.cli._drivers import add_commands as drivers_commands

    COMMANDS.update(drivers_commands(add))
    return p


def cmd_simulate(args: argparse.Namespace) -> list[Table]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from pledgelab.analysis import simulate

    deal = load_deal(args.deal)
    pipe, label = _pipeline_for(deal, args.pipeline)
    if args.paths < 1 or args.chunk_size < 1:
        raise UsageError("--paths and --chunk-size must be at least 1")
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    if args.fx_impact is not None and not args.fx_feedback:
        raise UsageError("--fx-impact needs --fx-feedback")
    fx = _safeguard_for(deal, args.fx_feedback) if args.fx_feedback else None
    if fx is not None and args.fx_impact is not None:
        try:
            fx = fx.with_impact(args.fx_impact)
        except ValueError as exc:
            raise UsageError(f"--fx-impact: {exc}") from None
    if fx is not None:
        _check_fx(deal, fx)
    columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TextColumn("paths"),
               TimeRemainingColumn())
    runs = [args.workforce_policy, None] if args.workforce_policy else [None]
    done = []
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  disable=args.quiet) as bar:
        task = bar.add_task("paths", total=args.paths * len(runs))
        for policy in runs:
            try:
                done.append(simulate(deal, pipeline=pipe, paths=args.paths, seed=args.seed,
                                     drivers=args.drivers, chunk_size=args.chunk_size,
                                     backend=args.backend, workers=args.workers,
                                     scheduler=args.scheduler, discount_rate=args.discount_rate,
                                     fx_feedback=fx, workforce_policy=policy,
                                     on_chunk=lambda n: bar.advance(task, n)))
            except ImportError as exc:
                raise UsageError(str(exc)) from None
    res = done[0]
    tables = [simulation_summary(res)]
    tables[0].notes.append(f"Pipeline: {label}")
    if len(done) == 2:
        tables.append(_workforce_attribution(res, done[1]))
    if args.fan:
        tables.append(fan_table(res, args.fan))
    if args.out:
        try:
            tables[0].notes.append(f"Per-path results written to {res.to_parquet(args.out)}")
        except ImportError as exc:
            raise UsageError(str(exc)) from None
    if args.chart:
        party = args.fan or deal.investor
        try:
            tables[0].notes.append(f"Fan chart of {party} written to {fan_chart(res, party, args.chart)}")
        except ImportError as exc:
            raise UsageError(str(exc)) from None
    return tables


def _workforce_attribution(with_wf: SimulationResult, without: SimulationResult) -> Table:
    """How much of each party's NPV the workforce delays explain: the same paths with and without."""
    assert with_wf.workforce is not None
    t = Table(f"{with_wf.deal_id}: what the workforce delays do to each party's NPV (policy "
              f"{with_wf.workforce.policy}, the same {with_wf.paths:,} paths with and without them)",
              [Column("party"), Column("mean NPV without", "usd"), Column("mean NPV with", "usd"),
               Column("mean change", "usd"), Column("p5 change", "usd"), Column("p95 change", "usd"),
               Column("share of NPV spread", "pct")])
    for i, party in enumerate(with_wf.parties):
        a, b = with_wf.npv[i], without.npv[i]
        if not (a.any() or b.any()):
            continue
        d = a - b
        var = float(np.var(a))
        t.rows.append([party, float(b.mean()), float(a.mean()), float(d.mean()),
                       float(np.quantile(d, 0.05)), float(np.quantile(d, 0.95)),
                       float(np.var(d)) / var if var > 0 else None])
    t.notes.append("Change = NPV with the delays minus without, path by path (common random numbers: "
                   "the drivers' draws are the same, the workforce has its own stream). Share of NPV "
                   "spread = variance of the change over the variance of the NPV with the delays.")
    return t


def _safeguard_for(deal: TermSheet, name: str) -> Safeguard:
    from pledgelab.macro.safeguard import load_safeguard, safeguard_for

    if name != "auto":
        return load_safeguard(name)
    sg = safeguard_for(deal.investor)
    if sg is None:
        raise UsageError(f"{deal.id}: no shipped safeguard file for investor {deal.investor}; "
                         "give one: --safeguard FILE")
    return sg


def _check_fx(deal: TermSheet, sg: Safeguard) -> None:
    """Refuse, with the reason, a safeguard that cannot apply to the deal."""
    try:
        sg.rule(deal)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _funding_plan_for(deal: TermSheet, name: str | None) -> str:
    if name:
        return name
    from pledgelab.macro import load_funding

    plans = [p for p in shipped("funding") if load_funding(p).investor == deal.investor]
    if not plans:
        raise UsageError(f"{deal.id}: no shipped funding plan for investor {deal.investor}; "
                         "give one with --plan")
    return plans[0]


def cmd_funding(args: argparse.Namespace) -> list[Table]:
    from pledgelab.macro import fund, investor_calls

    deals = [load_deal(n) for n in args.deals]
    if len({d.investor for d in deals}) > 1 and not (args.pipeline and args.plan):
        raise UsageError("the deals have different investors; give --pipeline and --plan")
    pipe, label = _pipeline_for(deals[0], args.pipeline)
    plan = _funding_plan_for(deals[0], args.plan)
    calls = {d.id: investor_calls(run(d, pipe)) for d in deals}
    last = max(m // 12 for c in calls.values() for m in c) if any(calls.values()) else 0
    horizon = args.horizon or last
    results = {d.id: fund(calls[d.id], plan, horizon_end_year=horizon) for d in deals}
    tables: list[Table] = []
    if not args.compare:
        for deal_id, res in results.items():
            ids = list(res.amounts)
            t = Table(f"{deal_id}: how {deals[0].investor} funds its calls (plan {res.plan.id}, "
                      f"interest to the end of {horizon})",
                      [Column("year"), Column("calls", "usd"), *[Column(i, "usd") for i in ids],
                       Column("unfunded", "usd"), Column("cost", "usd"), Column("cumulative cost", "usd"),
                       Column("reserves", "usd"), Column("calls / reserves", "pct"),
                       Column("calls / current account", "pct"), Column("calls / GDP", "pct")])
            for r in res.rows():
                t.rows.append([str(r["year"]), r["calls"], *[r[i] for i in ids], r["unfunded"],
                               sum(float(r[f"cost:{i}"] or 0.0) for i in ids), r["cumulative_cost"],
                               r["reserves"], r["calls/reserves"], r["calls/current_account"],
                               r["calls/gdp"]])
            t.notes.append(f"Total cost {usd(res.total_cost)} on {usd(res.total_calls)} of calls; the "
                           f"whole pledge's calls are {res.pledge_to_reserves:.1%} of baseline reserves.")
            t.notes.extend(res.notes.values())
            t.notes.append(f"Pipeline: {label}. Cost convention and sources: docs/macro.md.")
            tables.append(t)
        _funding_chart(args, results, tables)
        if args.safeguard:
            for d in deals:
                tables.extend(_safeguard_tables(args, d, pipe))
        return tables
    t = Table(f"Funding compared (plan {plan}, interest to the end of {horizon})",
              [Column("")] + [Column(d) for d in results])
    rows: list[tuple[str, Callable[[FundingResult], object]]] = [
        ("calls", lambda r: usd(r.total_calls)),
        ("peak calendar-year calls", lambda r: usd(float(r.calls.max()) if r.calls.size else 0.0)),
        ("interest cost", lambda r: usd(r.total_cost)),
        ("peak calls / reserves", lambda r: f"{r.peak_calls_to_reserves:.1%}"),
        ("lowest reserves", lambda r: usd(float(r.reserves.min()) if r.reserves.size else 0.0)),
        ("pledge / baseline reserves", lambda r: f"{r.pledge_to_reserves:.1%}"),
    ]
    for name, fn in rows:
        t.rows.append([name, *[fn(r) for r in results.values()]])
    for sid in next(iter(results.values())).amounts:
        t.rows.append([f"from {sid}", *[usd(r.totals.get(sid, 0.0)) for r in results.values()]])
    t.notes.append(f"Pipeline: {label}.")
    tables = [t]
    _funding_chart(args, results, tables)
    if args.safeguard:
        for d in deals:
            tables.extend(_safeguard_tables(args, d, pipe))
    return tables


def _safeguard_tables(args: argparse.Namespace, deal: TermSheet, pipe: Pipeline) -> list[Table]:
    """The FX safeguard on the plan: pressure by year, and the impact sweep."""
    from pledgelab.macro.safeguard import pressure_by_year, sweep

    sg = _safeguard_for(deal, args.safeguard)
    _check_fx(deal, sg)
    rate = default_discount_rate(deal)
    points = sweep(deal, pipe, sg, discount_rate=rate, drivers=args.drivers)
    base = next(p for p in points if p.impact == float(sg.impact.value))
    ccy, thr = sg.currency, float(sg.threshold.value)
    by_year = Table(f"{deal.id}: {ccy} pressure and the FX safeguard by year (safeguard {sg.id}, impact "
                    f"{float(sg.impact.value):g} log-points per $1B)",
                    [Column("year"), Column(f"{ccy}/USD, drivers", "text"),
                     Column("indicator peak, if refused", "text"), Column("months above, if refused", "int"),
                     Column("requests, if accepted", "int"), Column("months deferred, if accepted", "int")])
    accepted = {y.year: y for y in pressure_by_year(base.accepted)}
    for y in pressure_by_year(base.refused):
        a = accepted.get(y.year)
        by_year.rows.append([str(y.year), f"{y.level:,.1f}", f"{y.peak:,.1f}", y.months_above,
                             a.requests if a else 0, a.deferred if a else 0])
    requests_note = ("" if deal.value("fx_safeguard.available") else
                     f" {deal.id} has no FX-safeguard clause: nothing is requested or deferred.")
    by_year.notes.append(
        f"Indicator = the drivers' {ccy}/USD with every shock zero ({args.drivers}), weakened by "
        f"{float(sg.impact.value):g} log-points per $1B of the investor's dollar demand over the "
        f"last {sg.window.value} months; a request when it is above {thr:,.1f}." + requests_note)
    by_year.notes.extend(c.cite() for c in sg.clauses())
    sw = Table(f"{deal.id}: sensitivity of the safeguard to the currency impact (safeguard {sg.id})",
               [Column("impact, log-points per $1B"), Column("indicator peak, if refused", "text"),
                Column("first above threshold"), Column("months above, if refused", "int"),
                Column("requests, if accepted", "int"), Column("months deferred, if accepted", "int"),
                Column("last call, if accepted"), Column(f"{deal.investor} NPV change, if accepted", "usd")])
    for p in points:
        sw.rows.append([f"{p.impact:g}" + (" (file)" if p is base else ""), f"{p.peak:,.1f}",
                        month_label(p.first_crossing) if p.first_crossing is not None else "never",
                        p.months_above, p.requests, p.deferred,
                        month_label(p.last_call) if p.last_call is not None else "-", p.npv_change])
    plan_last = base.last_call_plan
    sw.notes.append(f"Impacts: the file's value and its alternatives (no published estimate exists). "
                    f"Last call with no deferral: "
                    f"{month_label(plan_last) if plan_last is not None else '-'}. NPV at "
                    f"{100 * rate:.2f}%/yr; 'if accepted' = every request accepted, 'if refused' = none "
                    f"(Monte Carlo draws the answer: simulate --fx-feedback).")
    out = [by_year, sw]
    if args.pressure_chart:
        from pledgelab.report.charts import pressure_chart

        series = {}
        for p in points:
            fx = p.refused.fx
            assert fx is not None
            series[f"impact {p.impact:g}"] = fx.pressure[0]
        fx = base.refused.fx
        assert fx is not None and base.accepted.fx is not None
        live = np.flatnonzero(np.isfinite(np.array(list(series.values()))).any(axis=0))
        n = min(fx.level.shape[1], int(live.max()) + 13 if live.size else 12)  # a year past the calls
        months = [p.refused.start + i for i in range(n)]
        series = {k: v[:n] for k, v in series.items()}
        try:
            path = pressure_chart(months, fx.level[0, :n], series, thr, args.pressure_chart,
                                  deferred=base.accepted.fx.deferred[0, :n], currency=ccy,
                                  title=f"{deal.id}: {ccy} pressure against the safeguard threshold")
        except ImportError as exc:
            raise UsageError(str(exc)) from None
        sw.notes.append(f"Chart written to {path}")
    return out


def _funding_chart(args: argparse.Namespace, results: dict[str, FundingResult],
                   tables: list[Table]) -> None:
    if not args.chart:
        return
    from pledgelab.report.charts import reserves_chart

    years = sorted({y for r in results.values() for y in r.years})

    def on(r: FundingResult, values: Any) -> list[float]:
        by = dict(zip(r.years, values, strict=True))
        return [float(by.get(y, float("nan"))) for y in years]

    try:
        path = reserves_chart(years, {d: on(r, r.reserves) for d, r in results.items()},
                              {d: on(r, r.calls) for d, r in results.items()}, args.chart,
                              title=f"Reserves and calls ({next(iter(results.values())).plan.id})")
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    tables[0].notes.append(f"Chart written to {path}")


def cmd_tariffs(args: argparse.Namespace) -> list[Table]:
    from pledgelab.macro import load_macro
    from pledgelab.macro.tariffs import SCENARIOS, break_even, decline_option, tariff_savings

    deal = load_deal(args.deal)
    pipe, label = _pipeline_for(deal, args.pipeline)
    rate = _discount(deal, args)
    res = run(deal, pipe)
    first = res.start // 12
    years = range(first, first + args.years)
    try:
        by_scenario = {name: tariff_savings(deal.investor, scenario=name, years=years,
                                            exports=args.exports)
                       for name in SCENARIOS if name != "step-up-2026" or deal.investor == "KR"}
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    cost = -next(o.npv for o in party_outcomes(res, discount_rate=rate) if o.party == deal.investor)
    t = Table(f"{deal.id}: tariff cost avoided by {deal.investor} a year, by scenario",
              [Column("year")] + [Column(n, "usd") for n in by_scenario])
    for i, y in enumerate(years):
        t.rows.append([str(y), *[r.years[i].savings for r in by_scenario.values()]])
    base = next(iter(by_scenario.values())).trade_base
    t.notes.append(f"Trade base: {base.value / 1e9:,.1f}B a year [{base.status}] — {base.label}.")
    for name, r in by_scenario.items():
        be = break_even(r.by_year(), cost, discount_rate=rate)
        t.notes.append(f"{name}: {r.scenario.reading} Break-even against the pledge's net cost of "
                       f"{usd(cost)} (minus {deal.investor}'s NPV at {100 * rate:.2f}%/yr): "
                       + ("never within the years shown" if be is None else f"{be:.1f} years") + ".")
    t.notes.append(f"Pipeline: {label}.")
    tables = [t]
    if args.chart:
        from pledgelab.report.charts import savings_chart

        cumulative = {}
        for name, r in by_scenario.items():
            total, values = 0.0, []
            for k, y in enumerate(years):
                total += r.by_year()[y] / (1.0 + rate) ** k
                values.append(total)
            cumulative[name] = values
        try:
            path = savings_chart(list(years), cumulative, cost, args.chart,
                                 title=f"{deal.id}: tariff savings against the pledge's net cost")
        except ImportError as exc:
            raise UsageError(str(exc)) from None
        t.notes.append(f"Chart written to {path}")
    if args.decline:
        d = Table(f"{deal.id}: fund or decline each project ({args.scenario}, NPV at {100 * rate:.2f}%/yr)",
                  [Column("project"), Column("investor NPV if funded", "usd"),
                   Column("investor NPV if declined", "usd"), Column("diverted to host", "usd"),
                   Column("tariff step-up cost", "usd"), Column("cheaper"), Column("by", "usd")])
        shared = None
        tariff_data = load_macro("tariffs")
        for ps in res.schedule.projects:
            if ps.status != "financed":
                continue
            o = decline_option(deal, pipe, ps.project.id, scenario=args.scenario, discount_rate=rate,
                               exports=args.exports, data=tariff_data, funded_run=res)
            shared = shared or o
            d.rows.append([ps.project.id, o.npv_fund, o.npv_decline, o.diverted_to_host, o.step_up_cost,
                           o.cheaper, o.margin])
        if shared is not None:  # the inputs every row shares, with their sources
            d.notes.extend(f"{k}: {v}" for k, v in shared.inputs().items() if k != "step-up start")
            d.notes.append("step-up start: each project's earliest funding date")
        tables.append(d)
    return tables


COMMANDS = {"deals": cmd_deals, "show": cmd_show, "run": cmd_run, "compare": cmd_compare,
            "explain": cmd_explain, "simulate": cmd_simulate, "funding": cmd_funding,
            "tariffs": cmd_tariffs}


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
