"""The Currency and funding page, rendered on the server from the library's balance sheet.

The same calls as ``pledgelab funding DEAL``: :func:`pledgelab.engine.run` over the investor's
shipped pipeline, then :func:`pledgelab.macro.compare_balance_sheets` under the investor's shipped
funding plan at the deal's default discount rate; the page shows the rows
:meth:`pledgelab.macro.BalanceSheet.rows` returns, unchanged, and their notes.

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
from pledgelab.macro import compare_balance_sheets, funding_plan_for
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
        if funding_plan_for(d.investor) is not None and default_pipeline(d.investor) is not None:
            out.append((d.id, d.title))
    return tuple(out)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return '<td class="num">n/a</td>'
    text = usd(float(value)) if kind == "usd" else f"{100 * float(value):.2f}%"
    return f'<td class="num" data-value="{float(value)!r}">{html.escape(text)}</td>'


@lru_cache(maxsize=16)
def funding_html(deal_id: str) -> str:
    """The page's content for ``deal_id`` (a shipped deal or scenario with a funding plan)."""
    deal = load_deal(deal_id)
    plan = funding_plan_for(deal.investor)
    pipe = default_pipeline(deal.investor)
    if plan is None or pipe is None:
        raise ValueError(f"{deal_id}: no shipped funding plan or pipeline for investor {deal.investor}")
    rate = default_discount_rate(deal)
    investor = deal.parties[deal.investor].name if deal.investor in deal.parties else deal.investor
    sheet = compare_balance_sheets([run(deal, pipe)], plan.id, discount_rate=rate)[0]
    rows = sheet.rows()
    options = deal_options(funded_deals(), deal_id)
    head = "".join(f'<th scope="col" class="num">{html.escape(label)}</th>' for _, label, _ in COLUMNS)
    body = "".join(f'<tr data-year="{r["year"]}"><th scope="row">{r["year"]}</th>'
                   + "".join(_cell(r.get(key), kind) for key, _, kind in COLUMNS) + "</tr>" for r in rows)
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
<p class="small">Funding plan: {html.escape(plan.title)} ({html.escape(plan.id)});
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
"""
