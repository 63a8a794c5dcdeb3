"""``pledgelab funding``: how the investor funds its calls (sources, cost, reserves, ratios), and
with ``--safeguard`` the currency pressure, the FX-safeguard rule and its sensitivity sweep."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np

from pledgelab._errors import UsageError
from pledgelab._months import month_label
from pledgelab.cli._shared import check_fx, funding_plan_for, load, pipeline_for, safeguard_for
from pledgelab.engine import run
from pledgelab.macro.funding import FundingResult
from pledgelab.metrics import default_discount_rate
from pledgelab.pipeline import Pipeline
from pledgelab.report import Column, Table, usd
from pledgelab.terms import TermSheet


def cmd_funding(args: argparse.Namespace) -> list[Table]:
    """``pledgelab funding DEAL...``: by year per deal, or side by side with ``--compare``."""
    from pledgelab.macro import fund, investor_calls

    deals = [load(args, n) for n in args.deals]
    if len({d.investor for d in deals}) > 1 and not (args.pipeline and args.plan):
        raise UsageError("the deals have different investors; give --pipeline and --plan")
    pipe, label = pipeline_for(deals[0], args.pipeline)
    plan = funding_plan_for(deals[0], args.plan)
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
    rows: list[tuple[str, str, Callable[[FundingResult], object]]] = [  # raw numbers, a kind a row
        ("calls", "usd", lambda r: r.total_calls),
        ("peak calendar-year calls", "usd", lambda r: float(r.calls.max()) if r.calls.size else 0.0),
        ("interest cost", "usd", lambda r: r.total_cost),
        ("peak calls / reserves", "pct", lambda r: r.peak_calls_to_reserves),
        ("lowest reserves", "usd", lambda r: float(r.reserves.min()) if r.reserves.size else 0.0),
        ("pledge / baseline reserves", "pct", lambda r: r.pledge_to_reserves),
    ]
    for name, kind, fn in rows:
        t.add([name, *[fn(r) for r in results.values()]], kind)
    for sid in next(iter(results.values())).amounts:
        t.add([f"from {sid}", *[r.totals.get(sid, 0.0) for r in results.values()]], "usd")
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

    sg = safeguard_for(deal, args.safeguard)
    check_fx(deal, sg)
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
        path = pressure_chart(months, fx.level[0, :n], series, thr, args.pressure_chart,
                              deferred=base.accepted.fx.deferred[0, :n], currency=ccy,
                              title=f"{deal.id}: {ccy} pressure against the safeguard threshold")
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

    path = reserves_chart(years, {d: on(r, r.reserves) for d, r in results.items()},
                          {d: on(r, r.calls) for d, r in results.items()}, args.chart,
                          title=f"Reserves and calls ({next(iter(results.values())).plan.id})")
    tables[0].notes.append(f"Chart written to {path}")
