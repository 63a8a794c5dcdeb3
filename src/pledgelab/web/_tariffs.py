"""The Tariffs page, rendered on the server from the same library calls as ``pledgelab tariffs``.

:func:`pledgelab.macro.tariff_savings` by scenario over 20 years from the run's first year,
:func:`pledgelab.macro.pledge_net_cost` (minus the investor's NPV), and for each scenario
:func:`pledgelab.macro.break_even` and :func:`pledgelab.macro.cumulative_savings` at the deal's
default discount rate; the fund-or-decline table (:func:`pledgelab.macro.decline_option` per
financed project, scenario ``deal-holds``: ``pledgelab tariffs --decline``) and the investor's benefit
by incidence and volume (:func:`pledgelab.macro.tariff_benefit` over the shipped incidence and
elasticity and their alternatives, break-even against the plan's net cost). The page shows what
they return.

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
from pledgelab.engine import RunResult, run
from pledgelab.macro import (
    break_even,
    check_base,
    cumulative_savings,
    decline_option,
    incidence_sweep,
    load_macro,
    pledge_net_cost,
    scenarios_for,
    tariff_savings,
)
from pledgelab.macro.tariffs import DEFAULT_SCENARIO, DEFAULT_YEARS
from pledgelab.metrics import default_discount_rate
from pledgelab.pipeline import Pipeline, default_pipeline
from pledgelab.terms import TermSheet, load_deal
from pledgelab.web._html import deal_options, usd, usd_cell

YEARS = DEFAULT_YEARS  # the CLI's default --years
SCENARIO = DEFAULT_SCENARIO  # the CLI's default --scenario for --decline and the incidence table


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
{_incidence(deal, pipe.id, list(years), rate, cost)}
{_decline(deal, pipe, res, rate)}
"""


def _text(x: object) -> str:
    return f"<td>{html.escape(str(x))}</td>"


def _pct_cell(x: float | None) -> str:
    if x is None:
        return '<td class="num" data-value="">n/a</td>'
    return f'<td class="num" data-value="{float(x)!r}">{100 * x:.1f}%</td>'


def _decline(deal: TermSheet, pipe: Pipeline, res: RunResult, rate: float) -> str:
    """Fund or decline each financed project, as ``pledgelab tariffs --decline`` (scenario deal-holds)."""
    data = load_macro("tariffs")
    rows, shared = [], None
    for ps in res.schedule.projects:
        if ps.status != "financed":
            continue
        o = decline_option(deal, pipe, ps.project.id, scenario=SCENARIO, discount_rate=rate, data=data,
                           funded_run=res)
        shared = shared or o
        rows.append(f'<tr data-project="{html.escape(ps.project.id)}"><th scope="row">'
                    f"{html.escape(ps.project.id)}</th>" + usd_cell(o.npv_fund) + usd_cell(o.npv_decline)
                    + usd_cell(o.diverted_to_host) + usd_cell(o.step_up_cost) + _text(o.cheaper)
                    + usd_cell(o.margin) + "</tr>")
    notes = [] if shared is None else [f"{k}: {v}" for k, v in shared.inputs().items()
                                       if k != "step-up start"]
    notes.append("step-up start: each project's earliest funding date")
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in (
        "project", "investor NPV if funded", "investor NPV if declined", "diverted to host",
        "tariff step-up cost", "cheaper", "by"))
    return f"""<h3>Fund or decline each project ({SCENARIO}, NPV at {100 * rate:.2f}% a year)</h3>
<div class="table-wrap"><table class="decline"><thead><tr>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
<ul class="small">{"".join(f"<li>{html.escape(n)}</li>" for n in notes)}</ul>
<p class="small">The same numbers as <code>pledgelab tariffs {html.escape(deal.id)} --decline</code>.</p>"""


def _incidence(deal: TermSheet, pipe_id: str, years: list[int], rate: float, cost: float) -> str:
    """The investor's benefit by incidence and volume, as the incidence table of ``pledgelab tariffs``
    (without ``--paths``: break-even against the plan's net cost only)."""
    data = load_macro("tariffs")
    eco = deal.investor
    try:
        sweep = incidence_sweep(eco, scenario=SCENARIO, years=years, discount_rate=rate, net_cost=cost,
                                data=data)
    except (KeyError, ValueError) as exc:  # a gap in the tariff data: said, not computed
        return f'<h3>{html.escape(eco)}\'s benefit by incidence</h3><p class="small">Not computed: ' \
               f"{html.escape(str(exc.args[0]))}</p>"
    central, full = sweep.central, sweep.year
    inc = data.clause("importer_incidence", eco)
    rows = []
    for c in sweep.cases:
        rows.append("<tr>" + _pct_cell(c.incidence) + f'<td class="num" data-value="{c.elasticity!r}">'
                    f"{c.elasticity:g}</td>" + usd_cell(c.customs_revenue) + usd_cell(c.benefit)
                    + _pct_cell(c.share_of_gdp) + usd_cell(c.pv_benefit)
                    + _text("never" if c.break_even is None else f"{c.break_even:.1f}") + "</tr>")
    b = check_base(eco, data=data)
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in (
        "US share of the tariff", "elasticity", f"customs revenue {full}", f"{eco} benefit {full}",
        f"benefit / GDP {full}", "PV of benefit", "break-even, years (plan)"))
    notes = [
        f"Base: US imports from {eco} {usd(b['us_imports'])} a year [cited], less exempt goods "
        f"{usd(b['exempt'])} [assumed share], autos {usd(b['autos_line'])} on their own line, general "
        f"line {usd(b['general_line'])}.",
        f"Benefit = margin exporters would have absorbed ((1 - US share) x rate gap x base) + value-added "
        f"share {central.value_added_share:g} [assumed] x the volume kept. US share: {inc.cite()}",
        f"Years from {years[0]}, discounted at {100 * rate:.2f}% a year over pipeline {pipe_id}; the "
        f"revenue and benefit columns are for {full}, the deal rate's first full year. Break-even against "
        f"the simulated distribution: pledgelab tariffs {deal.id} --paths N."]
    title = f"{eco}'s benefit from the deal's rates by incidence and volume ({SCENARIO})"
    return f"""<h3>{html.escape(title)}</h3>
<div class="table-wrap"><table class="incidence"><thead><tr>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
<ul class="small">{"".join(f"<li>{html.escape(n)}</li>" for n in notes)}</ul>"""
