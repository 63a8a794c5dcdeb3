"""``pledgelab tariffs``: the tariff cost the investor avoids a year, by scenario, against the
pledge's net cost; break-even; and with ``--decline`` funding or declining each project."""

from __future__ import annotations

import argparse

from pledgelab._errors import UsageError
from pledgelab.cli._shared import discount_rate, load, pipeline_for
from pledgelab.engine import run
from pledgelab.report import Column, Table, usd


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

        cumulative = {name: cumulative_savings(r.by_year(), discount_rate=rate)
                      for name, r in by_scenario.items()}
        path = savings_chart(list(years), cumulative, cost, args.chart,
                             title=f"{deal.id}: tariff savings against the pledge's net cost")
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
