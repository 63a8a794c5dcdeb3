"""``pledgelab funding``: how the investor funds its calls, as a foreign-currency balance sheet
(gross reserves, pledge liabilities, net reserves, the NIIP change, present values on one
horizon), and with ``--safeguard`` the currency pressure, the FX-safeguard rule and its sweep."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

import numpy as np

from pledgelab._errors import UsageError
from pledgelab._months import month_label
from pledgelab.cli._shared import check_fx, funding_plan_for, load, pipeline_for, safeguard_for
from pledgelab.engine import run
from pledgelab.macro import BalanceSheet
from pledgelab.macro.safeguard import Safeguard
from pledgelab.metrics import default_discount_rate
from pledgelab.pipeline import Pipeline
from pledgelab.report import Column, Table, usd
from pledgelab.terms import TermSheet


def cmd_funding(args: argparse.Namespace) -> list[Table]:
    """``pledgelab funding DEAL...``: the balance sheet by year per deal, or side by side with
    ``--compare``; every deal on one first year, one horizon and one discount rate."""
    from pledgelab.macro import compare_balance_sheets

    deals = [load(args, n) for n in args.deals]
    if len({d.investor for d in deals}) > 1 and not (args.pipeline and args.plan):
        raise UsageError("the deals have different investors; give --pipeline and --plan")
    pipe, label = pipeline_for(deals[0], args.pipeline)
    plan = funding_plan_for(deals[0], args.plan)
    if args.safeguard:  # a missing or unfit safeguard is a usage error before anything is computed
        for d in deals:
            check_fx(d, safeguard_for(d, args.safeguard))
    given_rate = getattr(args, "discount_rate", None)
    rate = float(given_rate) if given_rate is not None else default_discount_rate(deals[0])
    try:
        sheets = compare_balance_sheets([run(d, pipe) for d in deals], plan, discount_rate=rate,
                                        horizon_end_year=args.horizon,
                                        reserve_income=getattr(args, "reserve_income", None),
                                        day_count=getattr(args, "day_count", "months"))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    results = {b.deal: b for b in sheets}
    first, horizon = sheets[0].years[0], sheets[0].years[-1]
    common = (f"Every deal from the end of {first - 1} to the end of {horizon} (the default horizon: the "
              f"last call plus the longest maturity of the plan's dollar debt); present values at "
              f"{100 * rate:.2f}%/yr to January {first}. Identities and conventions: docs/macro.md.")
    tables: list[Table] = []
    if not args.compare:
        for deal_id, b in results.items():
            res = b.funding
            ids = list(res.amounts)
            t = Table(f"{deal_id}: {res.economy}'s foreign-currency balance sheet (plan {res.plan.id})",
                      [Column("year"), Column("calls", "usd"), *[Column(i, "usd") for i in ids],
                       Column("unfunded", "usd"), Column("reserve income", "usd"),
                       Column("debt service", "usd"), Column("receipts", "usd"),
                       Column("gross reserves", "usd"),
                       Column("liabilities", "usd"), Column("net reserves", "usd"),
                       Column("no-pledge reserves", "usd"), Column("position", "usd"),
                       Column("NIIP change", "usd"), Column("market dollars", "usd"),
                       Column("calls / reserves", "pct"), Column("calls / GDP", "pct")])
            for r in b.rows():
                t.rows.append([str(r["year"]), r["calls"], *[r[i] for i in ids], r["unfunded"], r["income"],
                               float(r["interest"] or 0.0) + float(r["principal"] or 0.0), r["receipts"],
                               r["reserves"], r["liabilities"], r["net_reserves"], r["no_pledge"],
                               r["position"], r["niip_change"], r["market_dollars"], r["calls/reserves"],
                               r["calls/gdp"]])
            t.notes.append(_pv_note(b))
            t.notes.extend(_outside_notes(b))
            t.notes.extend(res.notes.values())
            t.notes.extend(b.notes.values())
            t.notes.append(common)
            t.notes.append(f"Pipeline: {label}.")
            tables.append(t)
        _funding_chart(args, results, tables)
        if args.safeguard:
            for d in deals:
                tables.extend(_safeguard_tables(args, d, pipe))
        return tables
    t = Table(f"Balance sheets compared (plan {plan}, end of {horizon}; PV at {100 * rate:.2f}%/yr)",
              [Column("")] + [Column(d) for d in results])
    end = -1
    rows: list[tuple[str, str, Callable[[BalanceSheet], object]]] = [  # raw numbers, a kind a row
        ("calls", "usd", lambda b: b.funding.total_calls),
        ("peak calendar-year calls", "usd",
         lambda b: float(b.funding.calls.max()) if b.funding.calls.size else 0.0),
        ("receipts to the horizon", "usd", lambda b: float(b.funding.receipts.sum())),
        (f"gross reserves, end-{horizon}", "usd", lambda b: float(b.funding.reserves[end])),
        (f"pledge liabilities, end-{horizon}", "usd", lambda b: float(b.funding.liabilities[end])),
        (f"net reserves, end-{horizon}", "usd", lambda b: float(b.funding.net_reserves[end])),
        (f"no-pledge reserves, end-{horizon}", "usd", lambda b: float(b.funding.no_pledge[end])),
        ("lowest net reserves", "usd", lambda b: float(b.funding.net_reserves.min())),
        ("largest pledge liabilities", "usd", lambda b: float(b.funding.liabilities.max())),
        (f"contingent: undrawn guarantee cover, end-{horizon}", "usd",
         lambda b: float(b.contingent.undrawn[end]) if b.contingent else 0.0),
        ("contingent: peak undrawn guarantee cover", "usd",
         lambda b: b.contingent.peak_undrawn if b.contingent else 0.0),
        (f"contingent: guarantee calls paid to end-{horizon}", "usd",
         lambda b: float(b.contingent.calls_paid[end]) if b.contingent else 0.0),
        (f"position held, end-{horizon}", "usd", lambda b: float(b.position[end])),
        (f"NIIP change, end-{horizon}", "usd", lambda b: float(b.niip_change[end])),
        ("PV of calls", "usd", lambda b: b.pv.calls),
        ("PV of receipts", "usd", lambda b: b.pv.receipts),
        ("PV of the position at the horizon", "usd", lambda b: b.pv.position),
        ("PV of dollar debt (service - draws + owed)", "usd", lambda b: b.pv.debt),
        ("PV net cost", "usd", lambda b: b.pv.net_cost),
        ("memo: PV of dollar-debt interest", "usd", lambda b: b.pv.interest),
        ("memo: PV of reserve income forgone", "usd", lambda b: b.pv.forgone_income),
        ("dollars bought in the market", "usd", lambda b: float(b.funding.market_dollars.sum())),
        ("peak calls / reserves", "pct", lambda b: b.funding.peak_calls_to_reserves),
        ("pledge / baseline reserves", "pct", lambda b: b.funding.pledge_to_reserves),
    ]
    for name, kind, fn in rows:
        t.add([name, *[fn(b) for b in results.values()]], kind)
    for sid in sheets[0].funding.amounts:
        t.add([f"from {sid}", *[b.funding.totals.get(sid, 0.0) for b in results.values()]], "usd")
    parties = sorted({o.party for b in sheets for o in b.outside})
    for party in parties:
        t.add([f"outside the plan: {party} calls", *[sum(o.calls for o in b.outside if o.party == party)
                                                     for b in results.values()]], "usd")
        t.add([f"outside the plan: {party} PV of calls",
               *[sum(o.pv_calls for o in b.outside if o.party == party) for b in results.values()]], "usd")
    t.notes.append("Gross reserves keep the bonds' proceeds until the calls spend them; the liabilities "
                   "are the pledge's dollar debt outstanding; net = gross - liabilities. The NIIP change "
                   "adds the position's value (the engine's NPV after the year) to the official position "
                   "and subtracts the dollars bought in the market. PV net cost = calls - receipts - "
                   "position + dollar debt; the memo rows are inside it or priced by the rate already.")
    t.notes.append("Contingent liabilities: the investor's guarantee cover left undrawn (the engine's "
                   "month-end cover within the limits) and the guarantee calls it paid, undiscounted, "
                   "beside the liabilities and never added to them or to the net reserves.")
    t.notes.append(common)
    t.notes.extend(sheets[0].funding.notes[k] for k in ("reserves_baseline", "reserve_income")
                   if k in sheets[0].funding.notes)
    if parties:
        t.notes.append("Perimeter: the plan funds the investor's calls; " + ", ".join(parties)
                       + " (the shipbuilding package's firms in the Korea MOU) pay theirs outside it, "
                       "shown apart, never added.")
    t.notes.append(f"Pipeline: {label}.")
    tables = [t]
    _funding_chart(args, results, tables)
    if args.safeguard:
        for d in deals:
            tables.extend(_safeguard_tables(args, d, pipe))
    return tables


def _pv_note(b: BalanceSheet) -> str:
    pv = b.pv
    return (f"PV at {100 * pv.rate:.2f}%/yr: calls {usd(pv.calls)}, receipts {usd(pv.receipts)}, "
            f"position held at the horizon {usd(pv.position)}, dollar debt {usd(pv.debt)}: net cost "
            f"{usd(pv.net_cost)} "
            f"(memo: debt interest {usd(pv.interest)}, reserve income forgone {usd(pv.forgone_income)}).")


def _outside_notes(b: BalanceSheet) -> list[str]:
    return [f"Outside the plan's perimeter: {o.party} pays {usd(o.calls)} of calls (PV {usd(o.pv_calls)}) "
            f"and gets {usd(o.receipts)} back." for o in b.outside]


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
    sw.notes.append(f"Impacts: the file's value and its alternatives (the IMF estimate's range, stress). "
                    f"Last call with no deferral: "
                    f"{month_label(plan_last) if plan_last is not None else '-'}. NPV at "
                    f"{100 * rate:.2f}%/yr; 'if accepted' = every request accepted, 'if refused' = none "
                    f"(Monte Carlo draws the answer: simulate --fx-feedback).")
    out = [by_year, sw, _replay_table(deal, sg)]
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
                              title=f"{deal.title}: {ccy} pressure against the safeguard threshold")
        sw.notes.append(f"Chart written to {path}")
    return out


def _funding_chart(args: argparse.Namespace, results: dict[str, BalanceSheet],
                   tables: list[Table]) -> None:
    if not args.chart:
        return
    from pledgelab.report.charts import reserves_chart

    years = list(next(iter(results.values())).years)
    series: dict[str, list[float]] = {}
    for d, b in results.items():
        series[f"{d}: gross"] = [float(v) for v in b.funding.reserves]
        series[f"{d}: net"] = [float(v) for v in b.funding.net_reserves]
    debt = {d: [float(v) for v in b.funding.liabilities] for d, b in results.items()}  # beside reserves
    path = reserves_chart(years, series, {d: [float(v) for v in b.funding.calls] for d, b in results.items()},
                          args.chart, debt=debt,
                          title=f"Gross and net reserves, the pledge's debt, and calls "
                          f"({next(iter(results.values())).funding.plan.id})")
    tables[0].notes.append(f"Chart written to {path}")


REPLAY = (dt.date(2025, 12, 1), dt.date(2026, 3, 31))  # the record's won path around the clause's first test


def _replay_table(deal: TermSheet, sg: Safeguard) -> Table:
    """The rule on the recorded exchange rate (:func:`pledgelab.macro.safeguard.replay`)."""
    from pledgelab.macro.safeguard import replay

    start, end = REPLAY
    ccy, thr = sg.currency, float(sg.threshold.value)
    t = Table(f"{deal.id}: the safeguard on the recorded {ccy}, {start} to {end} (threshold {thr:,.1f})",
              [Column("date"), Column(f"{ccy}/USD", "text"), Column("level request"),
               Column(f"forward, {sg.demand_basis.value}", "text"), Column("request"),
               Column("forward, investor-calls", "text"), Column("request "),
               Column("one-session move", "pct"), Column("speed request")])
    try:
        own = replay(sg, deal, start=start, end=end)
        calls = replay(sg, deal, start=start, end=end, demand_basis="investor-calls")
    except (KeyError, ValueError) as exc:
        t.notes.append(f"No replay: {exc}")
        return t

    def yes(b: bool) -> str:
        return "request" if b else "-"

    for a, b in zip(own, calls, strict=True):
        t.rows.append([a.date.isoformat(), f"{a.level:,.1f}", yes(a.level_request), f"{a.forward:,.1f}",
                       yes(a.forward_request), f"{b.forward:,.1f}", yes(b.forward_request), a.move,
                       yes(a.speed_request)])
    months = sg.forward_months.value if sg.forward_months is not None else 0
    t.notes.append(
        f"Level: the engine's rule (a request above the threshold). Forward: the level weakened by "
        f"{float(sg.impact.value):g} log-points per $1B of the calls scheduled over the next {months} months "
        f"(the deal's annual cap, pro rata), counted as the file's demand basis "
        f"({own[0].scheduled / 1e9 if own else 0:,.2f}B) or as every dollar paid "
        f"({calls[0].scheduled / 1e9 if calls else 0:,.2f}B). Speed: the move from the previous session "
        f"where the record has it, against "
        f"{float(sg.speed_threshold.value) if sg.speed_threshold is not None else float('nan'):.1%}.")
    t.notes.extend(c.cite() for c in (sg.forward_months, sg.speed_threshold) if c is not None)
    t.notes.append(f"Levels: {sg.investor}'s fx_level observations in the macro data, with their sources.")
    return t
