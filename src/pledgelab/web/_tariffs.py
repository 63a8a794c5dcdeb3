"""The Tariffs page, rendered on the server from the same library calls as ``pledgelab tariffs``.

:func:`pledgelab.macro.tariff_savings` by scenario over 20 years from the run's first year,
:func:`pledgelab.macro.pledge_net_cost` (minus the investor's NPV), and for each scenario
:func:`pledgelab.macro.break_even` and :func:`pledgelab.macro.cumulative_savings` at the deal's
default discount rate. The page shows what they return.

References
----------
docs/macro.md: tariff savings, the trade base, and what they are not (US customs revenue forgone,
not the investor's gain).
"""

from __future__ import annotations

import html
import json
from functools import lru_cache

from pledgelab._cited import shipped
from pledgelab.engine import run
from pledgelab.macro import (
    break_even,
    cumulative_savings,
    pledge_net_cost,
    scenarios_for,
    tariff_savings,
)
from pledgelab.metrics import default_discount_rate
from pledgelab.pipeline import default_pipeline
from pledgelab.terms import load_deal
from pledgelab.web._html import deal_options, usd, usd_cell

YEARS = 20  # the CLI's default --years


@lru_cache(maxsize=1)
def tariff_deals() -> tuple[tuple[str, str], ...]:
    """(id, title) of the shipped deals and scenarios whose investor has tariff scenarios and a trade
    base (the CLI needs ``--exports`` otherwise) and a shipped pipeline."""
    out = []
    for name in [*shipped("deals"), *shipped("scenarios")]:
        d = load_deal(name)
        try:
            first = next(iter(scenarios_for(d.investor)))
            tariff_savings(d.investor, scenario=first, years=[2026])
        except ValueError:
            continue
        if default_pipeline(d.investor) is not None:
            out.append((d.id, d.title))
    return tuple(out)


@lru_cache(maxsize=16)
def tariffs_html(deal_id: str) -> str:
    """The page's content for ``deal_id``."""
    deal = load_deal(deal_id)
    pipe = default_pipeline(deal.investor)
    if pipe is None:
        raise ValueError(f"{deal_id}: no shipped pipeline for investor {deal.investor}")
    rate = default_discount_rate(deal)
    res = run(deal, pipe)
    first = res.start // 12
    years = range(first, first + YEARS)
    by = {name: tariff_savings(deal.investor, scenario=name, years=years)
          for name in scenarios_for(deal.investor)}
    cost = pledge_net_cost(deal, pipe, discount_rate=rate, funded_run=res)
    options = deal_options(tariff_deals(), deal_id)
    head = "".join(f'<th scope="col" class="num">{html.escape(n)}</th>' for n in by)
    body = "".join(
        f'<tr data-year="{y}"><th scope="row">{y}</th>'
        + "".join(usd_cell(r.years[i].savings) for r in by.values()) + "</tr>" for i, y in enumerate(years))
    cards = []
    for name, r in by.items():
        be = break_even(r.by_year(), cost, discount_rate=rate)
        cards.append(f'<div class="card"><div class="small">{html.escape(name)}</div>'
                     f'<div class="big" data-break-even="{html.escape(name)}">'
                     f'{"never within " + str(YEARS) + " years" if be is None else f"{be:.1f} years"}</div>'
                     f'<div class="small">{html.escape(r.scenario.reading)}</div></div>')
    base = next(iter(by.values())).trade_base
    chart = {"years": list(years), "cost": cost,
             "series": {n: cumulative_savings(r.by_year(), discount_rate=rate) for n, r in by.items()}}
    return f"""
<form method="get" action="/tariffs" class="row">
  <label>Deal <select id="deal" name="deal">{options}</select></label>
  <button type="submit">Show</button>
</form>
<h2>Tariff cost avoided against the pledge's net cost</h2>
<p class="small">The pledge's net cost to {html.escape(deal.investor)}: <strong data-value="{cost!r}"
id="net-cost">{html.escape(usd(cost))}</strong> (minus its NPV at {100 * rate:.2f}% a year over pipeline
{html.escape(pipe.id)}). Savings are US customs revenue forgone on the trade base, not
{html.escape(deal.investor)}'s gain. Trade base: {html.escape(usd(base.value))} a year
[{html.escape(str(base.status))}] — {html.escape(base.label)}. The same numbers as
<code>pledgelab tariffs {html.escape(deal_id)}</code>.</p>
<h3>Break-even: years until the discounted savings cover the net cost</h3>
<div class="cards">{"".join(cards)}</div>
<h3>Cumulative discounted savings by scenario</h3>
<div id="savings-chart" class="chart" role="img"
  aria-label="Cumulative discounted tariff savings by scenario against the pledge's net cost"></div>
<script type="application/json" id="chart-data">{json.dumps(chart)}</script>
<h3>Tariff cost avoided a year, by scenario (US$)</h3>
<div class="table-wrap"><table class="tariffs"><thead><tr><th scope="col">year</th>{head}</tr></thead>
<tbody>{body}</tbody></table></div>
<p class="small">Fund or decline per project and the incidence tables: <code>pledgelab tariffs
{html.escape(deal_id)} --decline</code> (not on this page yet).</p>
"""
