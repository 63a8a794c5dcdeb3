"""``pledgelab deals | show | run | compare | explain | cashflows``: the deals and scenarios, their
clauses, one deterministic run, deals side by side (or one clause swept), which clause made a
party's cash in a month, and each party's flows by period. Every command that takes a deal takes
``--set PATH=VALUE`` (:func:`pledgelab.cli._shared.load`)."""

from __future__ import annotations

import argparse

from pledgelab._cited import DATA
from pledgelab._errors import UsageError
from pledgelab._months import month_label, parse_month
from pledgelab.analysis import (
    STICKING_POINTS,
    DealComparison,
    NegotiatorView,
    compare,
    exposure,
    negotiator_view,
    review_readings,
)
from pledgelab.cli._shared import discount_rate, load, pipeline_for, used
from pledgelab.engine import RunResult, run, screen
from pledgelab.metrics import PartyOutcome, cash_flows, deal_outcome, party_outcomes
from pledgelab.report import Column, Table, usd
from pledgelab.report.governance import review_lines, screen_table, screen_words
from pledgelab.terms import Clause, Status, TermSheet, load_deal, parse_sweep, shipped, sweep


def cmd_deals(args: argparse.Namespace) -> list[Table]:
    """``pledgelab deals``: one line per shipped deal or position."""
    t = Table("Shipped deals, negotiating positions and scenarios",
              [Column("id"), Column("kind"), Column("as of"), Column("headline", "usd"),
               Column("investor"), Column("assumed clauses", "int"), Column("title")])
    for name in [*shipped("deals"), *shipped("scenarios")]:
        d = load_deal(name)
        n_assumed = sum(1 for c in d.all_clauses() if c.status == "assumed")
        kind = f"scenario of {d.base}" if d.kind == "scenario" else d.kind
        t.rows.append([d.id, kind, str(d.as_of), float(d.value("amount.headline")),
                       d.investor, n_assumed, d.title])
    t.notes.append(f"Files: {DATA / 'deals'}; scenarios (a base deal plus overrides, each with its "
                   f"reason and sources): {DATA / 'scenarios'}")
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


def _cell(value: object) -> object:
    """A clause value as a cell: numbers stay numbers (for machines), the rest reads as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return _value_text(value)


def replaced(c: Clause) -> str:
    """``was 20,000,000,000 (agreed)`` for a scenario clause: the value it replaced."""
    if c.status is not Status.SCENARIO or not c.history:
        return ""
    h = c.history[-1]
    return f"was {_value_text(h.value)} ({h.note.split(' ', 1)[0]})"


def cmd_show(args: argparse.Namespace) -> list[Table]:
    """``pledgelab show DEAL``: every clause with its value, unit, status and sources; a
    scenario's clauses say ``scenario``, the value they replaced, their reason and sources.
    With ``--assumptions``: the assumed and disputed clauses with their ranges."""
    if getattr(args, "assumptions", False):
        from pledgelab.cli._analysis import cmd_assumptions

        return cmd_assumptions(args)
    d = load(args, args.deal)
    t = Table(f"{d.id}: {d.title}",
              [Column("clause"), Column("value", "number"), Column("unit"), Column("status"),
               Column("label"), Column("source or reason")])
    for c in d.all_clauses():
        src = "; ".join(r.url for r in c.references) if c.references else ""
        if c.status in ("assumed", "disputed"):
            alts = ", ".join(_value_text(a.value) for a in c.alternatives)
            src = f"{c.reason or ''} Alternatives: {alts}. {src}".strip()
        elif c.status is Status.SCENARIO:
            src = f"{replaced(c)}. {c.reason or ''} {src}".strip()
        t.rows.append([c.path.removeprefix("clauses."), _cell(c.value), c.unit,
                       str(c.status), c.label, src])
    base = f"; a scenario of {d.base}" if d.base else ""
    t.notes.append(f"{d.kind}, as of {d.as_of}; investor {d.investor}, host {d.host}{base}. "
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
                     Column("share of distributions", "pct"),
                     Column("share of total returns", "pct")])
    for o in party_outcomes(res, discount_rate=discount_rate):
        parties.rows.append([o.party, deal.parties[o.party].role, o.contributed, o.received,
                             o.net, o.npv, o.irr, o.moic, o.payback,
                             o.share_of_distributions, o.share_of_total_returns])
        if o.irr_reason != "ok":
            parties.notes.append(f"IRR of {o.party}: n/a, {o.irr_reason}")
    parties.notes.append("Share of total returns: distributions plus loan interest and guarantee fees "
                         "(metrics.total_returns).")
    out = deal_outcome(res, discount_rate=discount_rate)
    parties.notes.append(
        f"Deemed interest {100 * out.deemed_rate:.2f}%/yr. Deemed allocation amount recovered: "
        f"{out.daa_recovered or 'not in every waterfall'} "
        f"({out.waterfalls - out.daa_unrecovered} of {out.waterfalls} waterfalls recover).")
    exp = exposure(res)
    parties.notes.append(
        f"Exposure of {deal.investor}: own cash {usd(exp.cash)}, guarantee calls paid "
        f"{usd(exp.guarantee_calls)}, "
        f"peak undrawn guarantee cover {usd(exp.peak_undrawn)}, peak exposure incl. guarantees "
        f"{usd(exp.peak_total)} (undiscounted).")
    if deal.value("distribution.review_horizon"):
        parties.notes.extend(review_lines(review_readings(deal, res.pipeline,
                                                          discount_rate=discount_rate)))
    calls = Table(f"{deal.id}: {deal.investor} government funding by calendar year",
                  [Column("year"), Column("paid", "usd")])
    for year, amount in out.investor_calls_by_year.items():
        calls.rows.append([str(year), amount])
    cap = deal.value("timeline.annual_cap")
    calls.notes.append("Annual cap: " + ("none" if cap is None else usd(float(cap))) +
                       " (capital calls on capped tranches and vehicle instalments shown)")
    if res.screen is not None:  # last, so the other tables keep their places
        return [sched, parties, calls, screen_table(res.screen, f"{deal.id} × {res.pipeline.id}: "
                                                    "the \"commercially reasonable\" screen")]
    return [sched, parties, calls]


def cmd_run(args: argparse.Namespace) -> list[Table]:
    """``pledgelab run DEAL``: the deterministic run: projects, outcomes by party, funding by year."""
    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    return _outcome_tables(run(deal, pipe), discount_rate(deal, args.discount_rate), label)


def cmd_screen(args: argparse.Namespace) -> list[Table]:
    """``pledgelab screen DEAL``: the "commercially reasonable" screen on every project of the
    pipeline (computed for information when the deal has none)."""
    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    result = screen(deal, pipe, always=True)
    assert result is not None
    t = screen_table(result, f"{deal.id} × {pipe.id}: the \"commercially reasonable\" screen")
    t.notes.append(f"Pipeline: {label}")
    return [t]


def _compared(args: argparse.Namespace) -> tuple[list[TermSheet], str]:
    """The deals of ``compare``: those named (each with ``--set``), or one per ``--sweep`` value."""
    if not args.sweep:
        return [load(args, n) for n in args.deals], ""
    if len(args.deals) != 1:
        raise UsageError("--sweep takes one deal (the base), got " + str(len(args.deals)))
    base = load(args, args.deals[0])
    variants = sweep(base, parse_sweep(args.sweep))
    used(args, *variants)
    return variants, f"Sweep of {variants[0].id.split('=')[0]} over {base.id}: one column per value."


def cmd_compare(args: argparse.Namespace) -> list[Table]:
    """``pledgelab compare DEAL...``: the four sticking points and the outcomes side by side;
    with ``--sweep PATH=v1,v2,...`` one column per value of one clause."""
    deals, swept = _compared(args)
    investors = {d.investor for d in deals}
    if len(investors) > 1 and not args.pipeline:
        raise UsageError("the deals have different investors; give one --pipeline for all")
    pipe, label = pipeline_for(deals[0], args.pipeline)
    cols = compare(deals, pipe, discount_rate=args.discount_rate)
    # A sweep's columns are headed by the value (the title names the clause).
    head = [Column("")] + [Column(c.deal.id.split("=", 1)[1] if swept else c.deal.id) for c in cols]
    points = Table("The four sticking points" + (f", {deals[0].id.split('=')[0]} swept" if swept else ""),
                   head)
    for p in STICKING_POINTS:
        points.rows.append([p, *[c.points[p] for c in cols]])
    points.add(["clauses assumed", *[c.assumed for c in cols]], "int")
    points.add(["clauses disputed", *[c.disputed for c in cols]], "int")
    changed = [[c for c in d.all_clauses() if c.status is Status.SCENARIO] for d in deals]
    if any(changed):
        points.add(["clauses set by the scenario", *[len(ch) for ch in changed]], "int")
        points.rows.append(["scenario changes", *["; ".join(
            f"{c.path.removeprefix('clauses.')} = {_value_text(c.value)}; {replaced(c)}" for c in ch)
            or "none" for ch in changed]])
    if swept:
        points.notes.append(swept)
    outcome = Table(f"Outcomes over pipeline {pipe.id}", head)
    roles = ("investor", "host", "investor-firms", "lenders")

    def by_role(c: DealComparison, role: str) -> list[PartyOutcome]:
        return [o for o in c.parties if c.deal.parties[o.party].role == role]

    rows: list[tuple[str, str, str]] = [
        ("contributed", "contributed", "usd"), ("received", "received", "usd"),
        ("NPV", "npv", "usd"), ("IRR", "irr", "pct"), ("MOIC", "moic", "ratio"),
        ("payback", "payback", "text"), ("share of distributions", "share_of_distributions",
                                         "pct"),
        ("share of total returns", "share_of_total_returns", "pct")]
    no_irr: dict[tuple[str, str], list[str]] = {}
    for role in roles:
        if not any(by_role(c, role) for c in cols):
            continue
        for label_, attr, kind in rows:
            vals: list[object] = []
            for c in cols:
                os_ = by_role(c, role)
                vals.append(getattr(os_[0], attr) if os_ else None)
                if attr == "irr" and os_ and os_[0].irr_reason != "ok":
                    no_irr.setdefault((role, os_[0].irr_reason), []).append(c.deal.id)
            outcome.add([f"{role}: {label_}", *vals], None if kind == "text" else kind)
    for (role, reason), ids in no_irr.items():
        where = "every column" if len(ids) == len(cols) else ", ".join(ids)
        outcome.notes.append(f"{role} IRR n/a ({where}): {reason}")
    outcome.rows.append(["DAA recovered (all waterfalls)",
                         *[c.outcome.daa_recovered or
                           f"never in {c.outcome.daa_unrecovered} of {c.outcome.waterfalls}"
                           for c in cols]])
    outcome.add(["waterfalls", *[c.outcome.waterfalls for c in cols]], "int")
    outcome.add(["20-year review triggers (waterfalls)",
                 *[c.outcome.review_triggered if c.deal.value("distribution.review_horizon") else None
                   for c in cols]], "int")
    outcome.rows.append(["commercially reasonable screen", *[screen_words(c.screen) for c in cols]])
    outcome.add(["peak calendar-year funding",
                 *[max(c.outcome.investor_calls_by_year.values(), default=0.0) for c in cols]], "usd")
    outcome.add(["NPV discount rate (per year)", *[c.outcome.discount_rate for c in cols]], "pct")
    exp = [exposure(run(c.deal, pipe)) for c in cols]
    outcome.add(["investor: own cash put in", *[e.cash for e in exp]], "usd")
    outcome.add(["investor: guarantee calls paid (drawn)", *[e.guarantee_calls for e in exp]], "usd")
    outcome.add(["investor: peak undrawn guarantee cover", *[e.peak_undrawn for e in exp]], "usd")
    outcome.add(["investor: peak exposure incl. guarantees", *[e.peak_total for e in exp]], "usd")
    outcome.notes.append(f"Pipeline: {label}. Every deal runs the same projects; a project a "
                         "deal cannot finance is shown by `pledgelab run`.")
    outcome.notes.append("NPV is discounted at each deal's deemed benchmark rate unless "
                         "--discount-rate is given. A review row left blank: the deal has no "
                         "review clause.")
    outcome.notes.append("Exposure: undiscounted; peak exposure is the most at stake at once (cash and "
                         "guarantee calls to date plus undrawn guarantee cover within the limits).")
    if not getattr(args, "negotiator", False):
        return [points, outcome]
    views = [negotiator_view(c.deal, pipe, discount_rate=args.discount_rate, paths=args.paths, seed=args.seed)
             for c in cols]
    return [points, outcome, _negotiator_table(views, head)]


def _b(x: float) -> str:
    """A signed NPV in billions: ``+$12.6B``, ``-$44.7B``."""
    return f"{'+' if x >= 0 else '-'}${abs(x) / 1e9:,.1f}B"


def _negotiator_table(views: list[NegotiatorView], head: list[Column]) -> Table:
    """``compare --negotiator``: the numbers of :func:`pledgelab.analysis.negotiator_view`."""
    t = Table("A negotiator's view (NPV with a clause minus without it, investor and host)", head)
    t.rows.append(["investor: break-even share of distributed cash",
                   *[v.break_even_words for v in views]])
    names: list[str] = []
    for v in views:
        names += [c.name for c in v.clause_values if c.name not in names]
    for name in names:
        cells: list[object] = []
        for v in views:
            cv = next((c for c in v.clause_values if c.name == name), None)
            if cv is None:
                cells.append("no such clause")
            elif cv.words:
                cells.append(cv.words)
            else:
                inv, host = v.deal.investor, v.deal.host
                cells.append(f"{inv} {_b(cv.npv[inv])}, {host} {_b(cv.npv[host])}")
        t.rows.append([f"value of: {name}", *cells])
    if any(v.tax is not None for v in views):
        t.rows.append(["host: tax credited beside the run (NPV)",
                       *[None if v.tax is None else
                         f"{v.deal.host} {_b(v.tax.npv)} at {100 * v.tax.rate:.0f}% "
                         f"(undiscounted {_b(v.tax.total)})" for v in views]])
        for party in sorted({p for v in views if v.tax for p in v.tax.pre_tax_share}):
            t.rows.append([f"{party}: share of pre-tax cash",
                           *[None if v.tax is None or party not in v.tax.pre_tax_share else
                             f"{100 * v.tax.pre_tax_share[party]:.0f}%" for v in views]])
    parties = sorted({p for v in views if v.risk for p in v.risk.npv_p5})
    for party in parties:
        t.rows.append([f"{party}: p5 NPV, agreed amounts enforced",
                       *[None if v.risk is None or party not in v.risk.npv_p5 else _b(v.risk.npv_p5[party])
                         for v in views]])
        t.rows.append([f"{party}: P(loss), agreed amounts enforced",
                       *[None if v.risk is None or party not in v.risk.p_loss else
                         f"{100 * v.risk.p_loss[party]:.1f}%" for v in views]])
    if any(v.risk for v in views):
        risk = next(v.risk for v in views if v.risk)
        t.notes.append(f"p5 NPV and P(loss) (it receives less than it puts in): {risk.paths:,} Monte Carlo "
                       f"paths, seed {risk.seed}, amount.overrun_payer = {risk.overrun} (no one pays beyond "
                       "the agreed amounts; `pledgelab simulate --overrun host-beyond-cap`).")
    if any(v.relief for v in views):
        def years(v: NegotiatorView) -> str:
            rl = v.relief
            return "" if rl is None else f" ({rl.first_year}-{rl.first_year + rl.years - 1})"

        t.rows.append(["tariff relief: investor's benefit (PV)",
                       *[None if v.relief is None else
                         f"{v.relief.economy} {_b(v.relief.benefit)}{years(v)} beside NPV "
                         f"{_b(v.npv[v.deal.investor])}" for v in views]])
        t.rows.append(["tariff relief: US customs revenue forgone (PV)",
                       *[None if v.relief is None else
                         f"US {_b(v.relief.revenue_forgone)}{years(v)}"
                         + (f" beside NPV {_b(v.npv['US'])}" if "US" in v.npv else "") for v in views]])
        r2 = next(v.relief for v in views if v.relief)
        t.notes.append(f"Tariff relief: the investor's benefit (margin its exporters keep plus value added "
                       f"of sales kept) and US customs revenue forgone, {r2.years} calendar years from the "
                       f"first year of each deal's run, scenario {r2.scenario}, discounted at the NPV rate "
                       "(pledgelab.macro.tariff_relief; incidence assumptions of data/macro/tariffs.yaml). "
                       "Beside the NPVs, not added to them.")
    t.rows.append(["host: in kind (recorded, not valued)",
                   *[", ".join(v.in_kind) if v.in_kind else "none recorded" for v in views]])
    parties = sorted({p for v in views for p in v.npv})
    for party in parties:
        t.rows.append([f"{party}: share of net value created",
                       *[("no value created" if v.value_share is None else
                          f"{100 * v.value_share[party]:.0f}%") if party in v.npv else None
                         for v in views]])
    for v in views:
        by_clause: dict[str, list[str]] = {}
        for r in v.readings:
            inv = v.deal.investor
            text = (f"{r.label}: {r.problem}" if r.npv is None else
                    f"{r.label}: {inv} {_b(r.npv[inv])}, {v.deal.host} {_b(r.npv[v.deal.host])}")
            by_clause.setdefault(r.clause, []).append(text)
        for clause, texts in by_clause.items():
            t.notes.append(f"{v.deal.id}: disputed {clause}: " + "; ".join(texts))
        t.notes.extend(f"{v.deal.id}: not valued: {n}" for n in v.not_valued[:1])
        t.notes.extend(f"{v.deal.id}: not valued: {n}" for n in v.not_valued[1:]
                       if n.startswith("tariff relief"))
    t.notes.append("A switch that moves no party's NPV by more than $0.05B is said in words.")
    return t


def cmd_explain(args: argparse.Namespace) -> list[Table]:
    """``pledgelab explain DEAL --party P --period YYYY-MM``: each flow with its clause."""
    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
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


def cmd_cashflows(args: argparse.Namespace) -> list[Table]:
    """``pledgelab cashflows DEAL --by year``: each party's flows by kind and their total
    (:func:`pledgelab.metrics.cash_flows`), one column per period."""
    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    if args.party is not None and args.party not in deal.parties:
        raise UsageError(f"--party {args.party!r} is not in {deal.id}; parties: {', '.join(deal.parties)}")
    currency = getattr(args, "currency", "USD")
    f = cash_flows(run(deal, pipe), by=args.by, party=args.party, currency=currency,
                   fx=getattr(args, "fx", "cited"))
    unit = "usd" if currency == "USD" else "number"
    t = Table(f"{deal.id} × {pipe.id}: cash flows by {args.by} (received +, paid −)"
              + ("" if currency == "USD" else f", {currency}"),
              [Column(args.by), Column("start"),
               *[Column(f"{r.party}: {r.kind}" + ("" if currency == "USD" else f" ({currency})"), unit)
                 for r in f.rows]])
    if f.fx:
        t.notes.append(f"In {currency}: dollars converted at {f.fx}.")
    for k, (period, start) in enumerate(zip(f.periods, f.starts, strict=True)):
        t.rows.append([period, start, *[float(r.values[k]) for r in f.rows]])
    t.rows.append(["all", None, *[r.total for r in f.rows]])
    t.notes.append(f"Pipeline: {label}. Periods {f.periods[0] if f.periods else '—'} to "
                   f"{f.periods[-1] if f.periods else '—'}; a period starts on "
                   f"{f.starts[0].isoformat() if f.starts else '—'} and so on.")
    clauses = sorted({c for r in f.rows for c in r.clauses})
    t.notes.append("Clauses behind the flows: " + ", ".join(clauses))
    return [t]
