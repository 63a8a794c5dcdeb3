"""The Workforce page, rendered on the server from the same library calls as ``pledgelab workforce``.

``workforce plan`` (the staffing plan: who, when, on which visa route, quantile 0.95, 4,096 paths),
``workforce delays`` (the pipeline's sites, the policy's allocation, 10,000 sampled delays, seed 0,
summarised by project) and ``workforce replay`` (a shipped case: the model's percentiles beside the
reported facts, 10,000 draws, seed 0). The page shows what they return; results are kept per
(policy, case) for the life of the server.

References
----------
docs/workforce.md: the model, its assumptions, and the replays.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from functools import lru_cache

from pledgelab._cited import shipped
from pledgelab._months import month_label
from pledgelab.pipeline import load_pipeline
from pledgelab.web._html import usd
from pledgelab.workforce import allocate, load_policy, sample_delays, sites_from_pipeline, summarize
from pledgelab.workforce.plan import staffing_plan
from pledgelab.workforce.replay import replay

PIPELINE = "korea-illustrative"  # the CLI's default --pipeline
PATHS = 10_000  # the CLI's default --paths for delays and replay
SEED = 0


def policies() -> tuple[str, ...]:
    """The shipped visa policies."""
    return tuple(shipped("workforce/policies"))


def cases() -> tuple[str, ...]:
    """The shipped replay cases."""
    return tuple(shipped("workforce/replays"))


def _num(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:,.{digits}f}"


def _cell(x: float | None, text: str) -> str:
    value = "" if x is None else repr(float(x))
    return f'<td class="num" data-value="{value}">{html.escape(text)}</td>'


def _in_unit(x: float | None, unit: str) -> str:
    """A replay value in words by its unit (dollars, a probability as a percentage, else 3 decimals)."""
    if x is None:
        return "n/a"
    if unit.startswith("USD"):
        return usd(x) + (" a day" if unit == "USD/day" else "")
    if unit == "probability":
        return f"{100 * x:.1f}%"
    return f"{x:,.3f}"


def _select(name: str, label: str, items: tuple[str, ...], chosen: str) -> str:
    opts = "".join(f'<option value="{html.escape(i)}"{" selected" if i == chosen else ""}>{html.escape(i)}'
                   "</option>" for i in items)
    return f'<label>{html.escape(label)} <select id="{name}" name="{name}">{opts}</select></label>'


def _months_after(start: dt.date, months: int) -> str:
    """The first day of the month ``months`` after ``start``'s (where a phase of that length ends)."""
    y, m = divmod(start.year * 12 + start.month - 1 + months, 12)
    return dt.date(y, m + 1, 1).isoformat()


@lru_cache(maxsize=8)
def _plan(policy: str) -> str:
    pol = load_policy(policy)
    plan = staffing_plan(policy=pol, sites=sites_from_pipeline(load_pipeline(PIPELINE), nationality=None))
    bars = [{"label": f"{r.project} · {r.route}", "route": r.route, "start": r.start.isoformat(),
             "end": _months_after(r.start, r.months), "people": r.people, "work": r.activity,
             "employer": r.employer} for r in plan.rows]
    body = "".join(
        f'<tr data-project="{html.escape(r.project)}"><th scope="row">{html.escape(r.project)}</th>'
        f"<td>{html.escape(r.employer)}</td><td>{html.escape(r.activity)}</td>"
        f"<td>{html.escape(r.route + (' (premium)' if r.premium else ''))}</td>"
        f'<td class="num" data-value="{r.heads}">{r.heads:,}</td>'
        f'<td class="num" data-value="{r.people}">{r.people:,}</td>'
        f"<td>{r.start}</td><td class=\"num\">{r.months}</td>"
        f"<td>{r.apply_by}{'' if r.feasible else ' (before notice)'}</td><td>{r.filed}</td>"
        f"<td>{html.escape(r.covers)}</td>"
        f'<td class="num" data-value="{r.p_late!r}">{100 * r.p_late:.1f}%</td></tr>' for r in plan.rows)
    return f"""
<h2>Staffing plan: who, when, on which visa route</h2>
<p class="small">Pipeline {PIPELINE} under {html.escape(pol.title)}: each project's specialists by
employer and work, the route the policy gives them, when they are needed and when their visas must be
filed to be in time with probability {plan.quantile:g}. The same numbers as
<code>pledgelab workforce plan --policy {html.escape(policy)}</code>.</p>
<div id="plan-chart" class="chart tall" role="img"
  aria-label="Timeline of specialists on site by project and visa route"></div>
<script type="application/json" id="plan-data">{json.dumps(bars)}</script>
<div class="table-wrap"><table class="plan"><thead><tr><th scope="col">project</th>
<th scope="col">employer</th><th scope="col">work</th><th scope="col">visa route</th>
<th scope="col" class="num">peak on site (people)</th><th scope="col" class="num">visas (people)</th>
<th scope="col">needed from</th><th scope="col" class="num">months</th><th scope="col">file by</th>
<th scope="col">filed (as the policy's firms do)</th><th scope="col">covers the work</th>
<th scope="col" class="num">P(late)</th></tr></thead><tbody>{body}</tbody></table></div>
"""


@lru_cache(maxsize=8)
def _delays(policy: str) -> str:
    pipe = load_pipeline(PIPELINE)
    pol = load_policy(policy)
    sites = sites_from_pipeline(pipe, nationality=None)
    sample = sample_delays(policy=pol, sites=sites, paths=slice(0, PATHS), seed=SEED,
                           allocation=allocate(pol, sites))
    by_id = {s.id: s for s in sites}
    rows = "".join(
        f'<tr data-project="{html.escape(s.project)}"><th scope="row">{html.escape(s.project)}</th>'
        f"<td>{html.escape(month_label(by_id[s.project].start_month))}</td>"
        + _cell(s.mean, _num(s.mean)) + _cell(s.p50, _num(s.p50)) + _cell(s.p90, _num(s.p90))
        + _cell(s.p99, _num(s.p99)) + _cell(s.p_late, f"{100 * s.p_late:.2f}%")
        + _cell(s.p_action, f"{100 * s.p_action:.2f}%") + _cell(s.mean_idle_cost, usd(s.mean_idle_cost))
        + "</tr>" for s in summarize(sample))
    return f"""
<h2>Start-up delay by project under {html.escape(pol.title)}</h2>
<p class="small">Pipeline {PIPELINE}; {PATHS:,} sampled paths, seed {SEED}: the same numbers as
<code>pledgelab workforce delays --policy {html.escape(policy)}</code>. Delay: months the start of
operations moves (visas, then any enforcement action). Policy starts {html.escape(str(pol.starts.value))}.</p>
<div class="table-wrap"><table class="delays"><thead><tr><th scope="col">project</th>
<th scope="col">build start</th><th scope="col" class="num">mean delay (months)</th>
<th scope="col" class="num">median (months)</th><th scope="col" class="num">90th percentile (months)</th>
<th scope="col" class="num">99th percentile (months)</th><th scope="col" class="num">P(delay)</th>
<th scope="col" class="num">P(enforcement action)</th><th scope="col" class="num">mean idle cost (US$)</th>
</tr></thead><tbody>{rows}</tbody></table></div>
"""


@lru_cache(maxsize=8)
def _replay(case: str) -> str:
    res = replay(case, policy=None, paths=PATHS, seed=SEED)
    rows = "".join(
        f'<tr><th scope="row">{html.escape(r.measure)}</th><td>{html.escape(r.unit)}</td>'
        + "".join(_cell(v, _in_unit(v, r.unit)) for v in (r.model_p10, r.model_p50, r.model_p90,
                                                           r.reported_low, r.reported_high))
        + f'<td class="small">{html.escape("; ".join(r.fitted_from) or "nothing")}</td>'
        + (f'<td><a href="{html.escape(r.source)}" rel="noreferrer">source</a></td>'
           if r.source.startswith("http") else f"<td>{html.escape(r.source)}</td>")
        + "</tr>" for r in res.rows)
    return f"""
<h2>Replay: {html.escape(res.data.title)}</h2>
<p class="small">The model beside the record ({PATHS:,} draws, seed {SEED},
policy {html.escape(res.policy.id)}):
the same numbers as <code>pledgelab workforce replay {html.escape(case)}</code>. A row fitted to this case
checks arithmetic, not the model.</p>
<div class="table-wrap"><table class="replay"><thead><tr><th scope="col">measure</th><th scope="col">unit</th>
<th scope="col" class="num">model, 10th percentile</th><th scope="col" class="num">model, median</th>
<th scope="col" class="num">model, 90th percentile</th><th scope="col" class="num">reported, low</th>
<th scope="col" class="num">reported, high</th><th scope="col">fitted to this case from</th>
<th scope="col">source</th></tr></thead><tbody>{rows}</tbody></table></div>
"""


def workforce_html(policy: str, case: str) -> str:
    """The page's content: the delay table under ``policy`` and the replay of ``case``."""
    return f"""
<form method="get" action="/workforce" class="row">
  {_select("policy", "Visa policy", policies(), policy)}
  {_select("case", "Replay case", cases(), case)}
  <button type="submit">Show</button>
</form>
{_plan(policy)}
{_delays(policy)}
{_replay(case)}
"""
