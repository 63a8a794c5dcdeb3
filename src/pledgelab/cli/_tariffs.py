"""``pledgelab tariffs``: the tariff cost avoided a year (US customs revenue), by scenario, against
the pledge's net cost; the investor's own benefit by incidence and volume, with break-even against
the Monte Carlo distribution (``--paths``); and with ``--decline`` funding or declining each project."""

from __future__ import annotations

import argparse

from pledgelab._errors import UsageError
from pledgelab.cli._shared import discount_rate, load, pipeline_for
from pledgelab.engine import run
from pledgelab.pipeline import Pipeline
from pledgelab.report import Column, Table, usd
from pledgelab.terms import TermSheet


def cmd_tariffs(args: argparse.Namespace) -> list[Table]:
    """``pledgelab tariffs DEAL``: savings by year and scenario, break-even, the decline option."""
    from pledgelab.macro import load_macro
    from pledgelab.macro.tariffs import (
        break_even,
        cumulative_savings,
        decline_option,
        pledge_net_cost,
        scenarios_for,
        tariff_savings,
    )

    deal = load(args, args.deal)
    if getattr(args, "paid", False):
        return paid_tables(args, deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    rate = discount_rate(deal, args.discount_rate)
    res = run(deal, pipe)
    first = res.start // 12
    years = range(first, first + args.years)
    try:
        by_scenario = {name: tariff_savings(deal.investor, scenario=name, years=years,
                                            exports=args.exports)
                       for name in scenarios_for(deal.investor)}
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    cost = pledge_net_cost(deal, pipe, discount_rate=rate, funded_run=res)
    t = Table(f"{deal.id}: tariff cost avoided a year, by scenario (US customs revenue forgone, "
              f"not {deal.investor}'s gain: see the incidence table)",
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

        cumulative = {name: cumulative_savings(r.by_year(), discount_rate=rate)
                      for name, r in by_scenario.items()}
        path = savings_chart(list(years), cumulative, cost, args.chart,
                             title=f"{deal.title}: tariff savings against the pledge's net cost")
        t.notes.append(f"Chart written to {path}")
    tables.extend(_incidence_tables(args, deal, pipe, list(years), rate, cost))
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


def _incidence_tables(args: argparse.Namespace, deal: TermSheet, pipe: Pipeline, years: list[int],
                      rate: float, cost: float) -> list[Table]:
    """The investor's benefit by incidence and elasticity (:mod:`pledgelab.macro.incidence`), break-even
    against the deterministic net cost and, with ``--paths``, against the simulated distribution."""
    import numpy as np

    from pledgelab.macro import check_base, incidence_sweep, load_macro
    from pledgelab.macro.incidence import parameters

    data = load_macro("tariffs")
    eco = deal.investor
    try:
        parameters(eco, data=data)
    except (KeyError, ValueError) as exc:  # a gap in the tariff data: said, not computed
        t = Table(f"{deal.id}: {eco}'s benefit by incidence", [Column("")])
        t.notes.append(f"Not computed: {exc.args[0]}")
        return [t]
    costs = None
    paths, seed = getattr(args, "paths", None), getattr(args, "seed", 1)
    if paths:
        from pledgelab.analysis import simulate

        sim = simulate(deal, pipeline=pipe, paths=paths, seed=seed, discount_rate=rate)
        costs = -np.asarray(sim.npv[sim.party_index(eco)], dtype=np.float64)
    scenario = getattr(args, "scenario", "deal-holds")
    sweep = incidence_sweep(eco, scenario=scenario, years=years, discount_rate=rate, net_cost=cost,
                            net_costs=costs, data=data)
    central, full = sweep.central, sweep.year
    inc = data.clause("importer_incidence", eco)
    t = Table(f"{deal.id}: {eco}'s benefit from the deal's rates by incidence and volume ({scenario}; "
              f"break-even against the pledge's net cost)",
              [Column("US share of the tariff", "pct"), Column("elasticity", "number"),
               Column(f"customs revenue {full}", "usd"), Column(f"{eco} benefit {full}", "usd"),
               Column(f"benefit / GDP {full}", "pct"), Column("PV of benefit", "usd"),
               Column("break-even, years (plan)"), Column("break-even median"), Column("p5"), Column("p95"),
               Column("never", "pct")])

    def yrs(x: float | None) -> str:
        return "never" if x is None else f"{x:.1f}"

    for c in sweep.cases:
        row: list[object] = [c.incidence, c.elasticity, c.customs_revenue, c.benefit, c.share_of_gdp,
                             c.pv_benefit, yrs(c.break_even)]
        s = c.distribution
        row += (["-", "-", "-", None] if s is None
                else [yrs(s.median), yrs(s.p5), yrs(s.p95), s.never])
        t.rows.append(row)
    b = check_base(eco, data=data)
    t.notes.append(
        f"Base: US imports from {eco} {usd(b['us_imports'])} a year [cited], less exempt goods "
        f"{usd(b['exempt'])} [assumed share], autos {usd(b['autos_line'])} on their own line (Section 232, "
        f"survives the IEEPA ruling), general line {usd(b['general_line'])}. The old base read from the "
        f"tariff paid at 10%, {usd(b['tariff_paid_base'])}, exceeds all imports.")
    t.notes.append(
        f"Benefit = margin exporters would have absorbed ((1 - US share) x rate gap x base) + value-added "
        f"share {central.value_added_share:g} [assumed] x the volume kept (elasticity x US share x gap / "
        f"(1 + deal rate) x base). US share 100%: the volume effect only; 0%: the whole customs revenue. "
        f"US share: {inc.cite()}")
    if costs is None:
        t.notes.append("Break-even against the simulated distribution: run with --paths N (and --seed).")
    else:
        t.notes.append(f"Break-even over {costs.size:,} Monte Carlo paths (seed {seed}, drivers "
                       f"default) of the pledge's net cost (minus {eco}'s NPV on each path); the plan's "
                       f"net cost is {usd(cost)}.")
    t.notes.append(f"Years from {years[0]}, discounted at {100 * rate:.2f}%/yr; the revenue and benefit "
                   f"columns are for {full}, the deal rate's first full year.")
    return [t]


def tariff_rate(text: str) -> float:
    """An ``argparse`` ``type=``: a tariff rate as a fraction, 0 to 1 (0.25 for 25%)."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a rate as a fraction (0.25 for 25%), got {text!r}") from None
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a fraction between 0 and 1 (0.25 for 25%), got {text!r}")
    return x


def line_base(text: str) -> tuple[str, float]:
    """An ``argparse`` ``type=``: ``LINE=USD`` (a tariff line's trade base a year)."""
    from pledgelab.macro.lines import LINE_IDS

    name, sep, value = text.partition("=")
    if not sep or name not in LINE_IDS:
        raise argparse.ArgumentTypeError(f"expected LINE=USD with LINE one of {', '.join(LINE_IDS)}, "
                                         f"got {text!r}")
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name}: expected dollars a year, got {value!r}") from None
    if not 0.0 <= x <= 1e14:
        raise argparse.ArgumentTypeError(
            f"{name}: must be at least 0 and at most 1e14 USD a year, got {value!r}")
    return name, x


def paid_tables(args: argparse.Namespace, deal: TermSheet) -> list[Table]:
    """``tariffs DEAL --paid``: tariff paid a year by line (the reciprocal rate and each Section 232
    sector on its own base), at a rate X, the cost of a step-up, and the exports a step-up loses."""
    from pledgelab.macro.lines import tariff_paid, trade_effect

    eco = deal.investor
    bases = dict(getattr(args, "base", None) or [])
    if args.exports is not None and "reciprocal" not in bases:
        bases["reciprocal"] = args.exports
    try:
        p = tariff_paid(eco, on=getattr(args, "on", None), rate=getattr(args, "rate", None),
                        step_up=getattr(args, "step_up", None), bases=bases)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    cols = [Column("line"), Column("authority"), Column("base a year", "usd"), Column("base status"),
            Column("rate in force", "pct"), Column("tariff paid a year", "usd")]
    if p.rate_x is not None:
        cols.append(Column(f"paid at {100 * p.rate_x:g}%", "usd"))
    cols += [Column("step-up rate", "pct"), Column("step-up cost a year", "usd")]
    t = Table(f"{deal.id}: US tariff on {eco}'s goods by line, a year at the rates in force on {p.on} "
              f"(US customs revenue)", cols)
    for r in p.rows:
        row: list[object] = [r.line.id, r.line.authority, r.base, r.base_status, r.rate, r.paid]
        if p.rate_x is not None:
            row.append(r.paid_at)
        row += [r.step_up_rate, r.step_up_cost]
        t.rows.append(row)
    total: list[object] = ["total (lines priced)", "", p.total("base"), "", None, p.total("paid")]
    if p.rate_x is not None:
        total.append(p.total("paid_at"))
    total += [None, p.total("step_up_cost")]
    t.rows.append(total)
    t.notes.extend(p.notes)
    for r in p.rows:
        if r.why:
            t.notes.append(f"{r.line.id}: {r.why}")
        elif r.base_status != "reported":
            t.notes.append(f"{r.line.id} base: {r.base_cite}")
    try:
        effects = trade_effect(p)
        missing = ""
    except ValueError as exc:
        effects, missing = (), str(exc)
    e = Table(f"{deal.id}: exports {eco} loses a year if each line steps up (import-demand elasticity, "
              f"pass-through), in dollars and as a share of GDP",
              [Column("line"), Column("from", "pct"), Column("to", "pct"),
               Column("exports lost a year", "usd"), Column("value added lost", "usd"),
               Column("share of GDP", "pct")])
    for x in effects:
        total_row = x.line == "total"
        e.rows.append([x.line, None if total_row else x.from_rate, None if total_row else x.to_rate, x.loss,
                       x.value_added, x.share_of_gdp])
    from pledgelab.macro import load_macro

    data = load_macro("tariffs")
    for name in ("import_demand_elasticity", "importer_incidence", "export_value_added_share"):
        try:
            c = data.clause(name, eco)
        except KeyError as exc:
            e.notes.append(f"{name}: {exc.args[0]}")
            continue
        e.notes.append(f"{name} {c.value:g} [{c.status}]"
                       + (f" (alternatives {', '.join(f'{a.value:g}' for a in c.alternatives)})"
                          if c.alternatives else "") + f" — {c.cite()}")
    if missing:
        e.notes.append(f"Not computed: {missing}")
    elif not effects:
        e.notes.append("Not computed: no line has both a base and a step-up rate "
                       "(give --step-up and --base).")
    e.notes.append("Exports lost = base x min(1, elasticity x pass-through x (to - from) / (1 + from)); "
                   "value added = the value-added share x that; share of GDP over the latest GDP.")
    tables = [t, e]
    year = getattr(args, "year", None)
    if year is not None:
        from pledgelab.macro.lines import tariff_paid_in_year

        y = Table(f"{deal.id}: US tariff on {eco}'s goods by line paid in {year}, day by day at the rates "
                  f"the record gives", [Column("line"), Column("base a year", "usd"), Column("days priced"),
                                        Column("mean rate", "pct"), Column(f"paid in {year}", "usd")])
        in_year = tariff_paid_in_year(eco, year, bases=bases)
        for yl in in_year:
            y.rows.append([yl.line.id, yl.base, str(yl.days), yl.mean_rate, yl.paid])
        y.rows.append([f"total {year} (lines priced)", None, "", None,
                       sum(yl.paid for yl in in_year if yl.paid is not None)])
        y.notes.extend(f"{yl.line.id}: {yl.why}" for yl in in_year if yl.why and yl.base is not None)
        y.notes.append("Paid = the sum over the days with a rate of rate x base / days in the year; days "
                       "the record does not price count for nothing.")
        tables.append(y)
    return tables
