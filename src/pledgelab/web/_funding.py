"""The Currency and funding page, rendered on the server from the library's balance sheet.

The same calls as ``pledgelab funding DEAL``: :func:`pledgelab.engine.run` over the investor's
shipped pipeline, then :func:`pledgelab.macro.compare_balance_sheets` under the funding plan
:func:`pledgelab.macro.funding_plan_for` chooses for the deal (the plan that names the deal, such as
Korea's counter-proposal and its swap line, else the investor's general plan) at the deal's default
discount rate; the page shows the rows :meth:`pledgelab.macro.BalanceSheet.rows` returns, unchanged,
and their notes.

References
----------
docs/macro.md: the identities and conventions of the balance sheet.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any

from pledgelab._cited import shipped
from pledgelab.engine import run
from pledgelab.macro import FundingPlan, compare_balance_sheets, funding_plan_for
from pledgelab.macro.safeguard import pressure_by_year, safeguard_for, sweep
from pledgelab.metrics import default_discount_rate
from pledgelab.pipeline import default_pipeline
from pledgelab.terms import load_deal
from pledgelab.web._html import deal_options, usd

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("calls", "capital calls paid", "usd"), ("reserves", "gross reserves, year end", "usd"),
    ("liabilities", "the pledge's dollar debt, year end", "usd"),
    ("net_reserves", "net reserves (gross − debt)", "usd"),
    ("no_pledge", "reserves without the pledge", "usd"), ("receipts", "receipts from the projects", "usd"),
    ("market_dollars", "dollars bought in the market", "usd"),
    ("calls/reserves", "calls / reserves", "pct"), ("calls/gdp", "calls / GDP", "pct"),
)


@lru_cache(maxsize=1)
def funded_deals() -> tuple[tuple[str, str], ...]:
    """(id, title) of the shipped deals and scenarios whose investor has a shipped funding plan."""
    out = []
    for name in [*shipped("deals"), *shipped("scenarios")]:
        d = load_deal(name)
        if funding_plan_for(d.investor, d.id) is not None and default_pipeline(d.investor) is not None:
            out.append((d.id, d.title))
    return tuple(out)


def _cell(value: Any, kind: str, key: str) -> str:
    k = html.escape(key)
    if value is None:
        return f'<td class="num" data-key="{k}">n/a</td>'
    text = usd(float(value)) if kind == "usd" else f"{100 * float(value):.2f}%"
    return f'<td class="num" data-key="{k}" data-value="{float(value)!r}">{html.escape(text)}</td>'


def _plan_line(deal_id: str, investor: str, plan: FundingPlan) -> str:
    """Which plan funds the deal and why: the one that names the deal, or the investor's general one."""
    general = funding_plan_for(investor)
    text = f"Funding plan: {plan.title} ({plan.id})"
    if deal_id in plan.deals:
        text += (f", the plan that names {deal_id} as the deal it funds"
                 + (f" (the investor's other deals are funded by {general.id})"
                    if general and general.id != plan.id else ""))
    else:
        text += ", the investor's general plan"
    return html.escape(text)


@lru_cache(maxsize=16)
def funding_html(deal_id: str, with_safeguard: bool = False) -> str:
    """The page's content for ``deal_id`` (a shipped deal or scenario with a funding plan), with the
    FX safeguard's section computed when ``with_safeguard``."""
    deal = load_deal(deal_id)
    plan = funding_plan_for(deal.investor, deal.id)
    pipe = default_pipeline(deal.investor)
    if plan is None or pipe is None:
        raise ValueError(f"{deal_id}: no shipped funding plan or pipeline for investor {deal.investor}")
    rate = default_discount_rate(deal)
    investor = deal.parties[deal.investor].name if deal.investor in deal.parties else deal.investor
    sheet = compare_balance_sheets([run(deal, pipe)], plan.id, discount_rate=rate)[0]
    rows = sheet.rows()
    options = deal_options(funded_deals(), deal_id)
    labels = {s.id: s.label or s.id for s in plan.sources}
    columns = [*COLUMNS, *((sid, f"source: {labels.get(sid, sid)}", "usd") for sid in sheet.funding.amounts),
               ("unfunded", "unfunded (paid from the reserves)", "usd")]
    head = "".join(f'<th scope="col" class="num">{html.escape(label)}</th>' for _, label, _ in columns)
    body = "".join(f'<tr data-year="{r["year"]}"><th scope="row">{r["year"]}</th>'
                   + "".join(_cell(r.get(key), kind, key) for key, _, kind in columns) + "</tr>"
                   for r in rows)
    pv = sheet.pv
    pv_rows = [("capital calls", pv.calls), ("receipts", pv.receipts),
               ("the position held at the horizon", pv.position),
               ("dollar debt (service − draws + owed)", pv.debt),
               ("net cost", pv.net_cost)]
    pv_html = "".join(f'<div class="card"><div class="small">{html.escape(n)}</div>'
                      f'<div class="big" data-pv="{html.escape(n)}" data-value="{v!r}">'
                      f'{html.escape(usd(v))}</div></div>'
                      for n, v in pv_rows)
    notes = [*sheet.funding.notes.values(), *sheet.notes.values(),
             *(f"Outside the plan's perimeter: {o.party} pays {usd(o.calls)} of calls "
               f"(PV {usd(o.pv_calls)}) and gets {usd(o.receipts)} back." for o in sheet.outside)]
    chart = {"years": [r["year"] for r in rows], "reserves": [r["reserves"] for r in rows],
             "no_pledge": [r["no_pledge"] for r in rows], "liabilities": [r["liabilities"] for r in rows],
             "calls": [r["calls"] for r in rows], "investor": deal.investor}
    return f"""
<form method="get" action="/funding" class="row">
  <label>Deal <select id="deal" name="deal">{options}</select></label>
  <button type="submit">Show</button>
</form>
<h2>{html.escape(investor)}: foreign-currency balance sheet under {html.escape(deal.title)}</h2>
<p class="small" id="plan" data-plan="{html.escape(plan.id)}">{_plan_line(deal_id, deal.investor, plan)};
pipeline {html.escape(pipe.id)};
present values at {100 * rate:.2f}% a year to January {rows[0]["year"]}. The same numbers as
<code>pledgelab funding {html.escape(deal_id)}</code>.</p>
<h3>Present values</h3>
<div class="cards">{pv_html}</div>
<h3>Reserves with and without the pledge</h3>
<div id="reserves-chart" class="chart" role="img"
  aria-label="Gross reserves with the pledge, without it, and the pledge's dollar debt, by year end"></div>
<script type="application/json" id="chart-data">{json.dumps(chart)}</script>
<h3>By year (US$ unless a share)</h3>
<div class="table-wrap"><table class="funding"><thead><tr><th scope="col">year</th>{head}</tr></thead>
<tbody>{body}</tbody></table></div>
<ul class="small">{"".join(f"<li>{html.escape(n)}</li>" for n in notes)}</ul>
<h3 id="safeguard">Currency pressure against the FX safeguard's threshold</h3>
{safeguard_html(deal_id) if with_safeguard else _safeguard_link(deal_id)}
"""


def _safeguard_link(deal_id: str) -> str:
    return (f'<p><a href="/funding?deal={html.escape(deal_id)}&amp;safeguard=1#safeguard">Show the currency '
            "pressure by year against the safeguard clause's threshold</a> (computed on request: about a "
            "second).</p>")


@lru_cache(maxsize=16)
def safeguard_html(deal_id: str) -> str:
    """The FX safeguard on the deal, as ``pledgelab funding DEAL --safeguard`` (drivers ``default``):
    the currency's level and the pressure indicator by year, if every request is refused, and the
    requests and months deferred if every request is accepted (:func:`pledgelab.macro.safeguard.sweep`
    at the safeguard file's impact, :func:`pledgelab.macro.safeguard.pressure_by_year`)."""
    deal = load_deal(deal_id)
    pipe = default_pipeline(deal.investor)
    sg = safeguard_for(deal.investor)
    if sg is None or pipe is None:
        return f"<p>No shipped FX safeguard file for investor {html.escape(deal.investor)}.</p>"
    try:
        sg.rule(deal)
    except ValueError as exc:
        return f"<p>{html.escape(str(exc))}</p>"
    points = sweep(deal, pipe, sg, discount_rate=default_discount_rate(deal), drivers="default")
    base = next(p for p in points if p.impact == float(sg.impact.value))
    ccy, thr = sg.currency, float(sg.threshold.value)
    accepted = {y.year: y for y in pressure_by_year(base.accepted)}
    years = pressure_by_year(base.refused)
    body = "".join(
        f'<tr data-year="{y.year}"><th scope="row">{y.year}</th><td class="num">{y.level:,.1f}</td>'
        f'<td class="num">{y.peak:,.1f}</td><td class="num">{y.months_above}</td>'
        f'<td class="num">{accepted[y.year].requests if y.year in accepted else 0}</td>'
        f'<td class="num">{accepted[y.year].deferred if y.year in accepted else 0}</td></tr>' for y in years)
    chart = {"years": [y.year for y in years], "level": [y.level for y in years],
             "peak": [y.peak for y in years], "threshold": thr, "currency": ccy}
    none = "" if deal.value("fx_safeguard.available") else (
        f" {deal.id} has no FX-safeguard clause: nothing is requested or deferred.")
    return f"""
<p class="small">Safeguard {html.escape(sg.id)}: a request when the indicator is above
<strong>{thr:,.1f} {html.escape(ccy)} per US$</strong>. Indicator = the default drivers'
{html.escape(ccy)}/USD with every shock zero, weakened by {float(sg.impact.value):g} log-points per $1B of
the investor's dollar demand over the last {html.escape(str(sg.window.value))} months.{html.escape(none)}
The same numbers as <code>pledgelab funding {html.escape(deal_id)} --safeguard</code>.</p>
<div id="fx-chart" class="chart" role="img"
  aria-label="{html.escape(ccy)} per US dollar and the pressure indicator's yearly peak against the
  threshold"></div>
<script type="application/json" id="fx-data">{json.dumps(chart)}</script>
<div class="table-wrap"><table class="safeguard"><thead><tr><th scope="col">year</th>
<th scope="col" class="num">{html.escape(ccy)}/USD, drivers</th>
<th scope="col" class="num">indicator peak, if refused</th>
<th scope="col" class="num">months above, if refused</th>
<th scope="col" class="num">requests, if accepted</th>
<th scope="col" class="num">months deferred, if accepted</th>
</tr></thead><tbody>{body}</tbody></table></div>
<ul class="small">{"".join(f"<li>{html.escape(c.cite())}</li>" for c in sg.clauses())}</ul>
"""
