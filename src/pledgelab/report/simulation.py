"""Tables and the fan chart of a Monte Carlo simulation (:class:`pledgelab.SimulationResult`).

The simulation returns data; this module is how people read it:
:func:`simulation_summary` (per party, mean and percentiles of NPV, net cash, IRR
and MOIC, with the odds people quote as notes: a loss, never recovering the
deemed allocation amount, the review clause, the FX safeguard and workforce
figures when they were live), :func:`fan_table` and :func:`fan_chart`
(percentiles of cumulative net cash by year end).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pledgelab._months import month_label
from pledgelab.analysis import QUANTILES, SimulationResult
from pledgelab.metrics import REASONS
from pledgelab.report._table import Column, Table

if TYPE_CHECKING:
    from pledgelab.report.charts import Chart


def simulation_summary(res: SimulationResult) -> Table:
    """Per party: mean and percentiles of NPV, IRR and MOIC, P(loss), and deal-level odds."""
    cols = [Column("party"), Column("statistic")] + \
        [Column("mean", "number")] + [Column(f"p{int(q * 100)}", "number") for q in QUANTILES]
    t = Table(f"{res.deal_id} × {res.pipeline_id}: {res.paths:,} paths, drivers "
              f"{res.drivers_id}, seed {res.seed}", cols, label_columns=2)

    def row(party: str, name: str, values: np.ndarray, fmt: str) -> None:
        # Raw numbers with the row's kind: people read $95.56B, machines get 95560000000.0.
        v = values[np.isfinite(values)]
        if v.size == 0:
            t.add([party, name, None, *[None] * len(QUANTILES)], fmt)
            return
        qs = np.quantile(v, QUANTILES)
        t.add([party, name, float(v.mean()), *[float(q) for q in qs]], fmt)

    for party in res.parties:
        i = res.party_index(party)
        if not (res.contributed[i].any() or res.received[i].any()):
            continue
        row(party, "NPV", res.npv[i], "usd")
        row(party, "net cash", res.received[i] - res.contributed[i], "usd")
        irr = res.irr[i]
        defined = np.isfinite(irr)
        if defined.any():
            row(party, f"IRR ({100 * defined.mean():.1f}% of paths have one)", irr, "pct")
        else:
            codes = np.unique(res.irr_code[i])
            t.notes.append(f"{party} has no IRR on any path: "
                           + "; ".join(str(REASONS[c]) for c in codes))
        if res.contributed[i].any():
            row(party, "MOIC", res.moic(party), "ratio")
            loss = float(np.mean(res.received[i] < res.contributed[i]))
            t.notes.append(f"P(loss) for {party} (receives less than it puts in): {loss:.2%}")
    inv = res.investor
    if res.guarantees is not None:  # the investor's guarantees: drawn and the most left undrawn
        g = res.guarantees
        row(inv, "guarantee calls paid", g.called, "usd")
        row(inv, "peak undrawn guarantee cover", g.peak_undrawn, "usd")
        t.notes.append(f"P({inv} pays a guarantee call): {float(np.mean(g.called > 1.0)):.2%}; the most "
                       f"called on one path: ${float(g.called.max(initial=0.0)) / 1e9:,.1f}B (calls stop "
                       "at the guarantee limits unless amount.beyond_guarantee_limit is guarantor-pays)")
    never = float(np.mean(res.recovered < 0))
    t.notes.append(f"P({inv} never recovers every deemed allocation amount): {never:.2%}")
    if res.waterfalls:
        t.notes.append(f"On average {float(np.mean(res.unrecovered)):.1f} of the {res.waterfalls} "
                       "waterfalls (projects, or the pool) never recover their deemed allocation amount")
    rec = res.recovered[res.recovered >= 0]
    if rec.size:
        med = int(np.median(rec))
        t.notes.append(f"Median time to full recovery where it happens: {med / 12:.1f} years "
                       f"(by {month_label(res.start + med)})")
    if res.has_review:
        t.notes.append(f"P(the review clause triggers in at least one waterfall): "
                       f"{float(np.mean(res.review > 0)):.2%}")
    bad = res.irr_code[res.party_index(inv)]
    counts = {REASONS[c]: int(np.sum(bad == c)) for c in np.unique(bad) if c != 0}
    if counts:
        t.notes.append(f"{inv} IRR undefined on {sum(counts.values()):,} paths: " +
                       "; ".join(f"{n:,} {r}" for r, n in counts.items()))
    if res.fx is not None:
        _fx_rows(res, t)
    if res.workforce is not None:
        wf = res.workforce
        t.add(["workforce", "mean delay per project, months", float(wf.delay.mean()),
               *[float(q) for q in np.quantile(wf.delay, QUANTILES)]], "number")
        t.notes.append(f"Workforce policy {wf.policy}: P(an enforcement action at a site) "
                       f"{float(wf.hit.mean()):.2%}; delays move operations and cost standby, "
                       "remobilisation and output (docs/workforce.md)")
    if res.truncated.any():
        t.notes.append(f"{int(res.truncated.sum()):,} paths had cash past the horizon (cut off)")
    t.notes.append(f"NPV at {100 * res.discount_rate:.2f}%/yr to {month_label(res.start)}.")
    return t

def _fx_rows(res: SimulationResult, t: Table) -> None:
    fx = res.fx
    assert fx is not None
    peak = fx.peak[np.isfinite(fx.peak)]
    if peak.size:
        qs = np.quantile(peak, QUANTILES)
        t.add([fx.currency, "peak per dollar while calls remain", float(peak.mean()),
               *[float(q) for q in qs]], "number")
    d = fx.deferred.astype(np.float64)
    qd = np.quantile(d, QUANTILES)
    t.add([fx.currency, "months of calls deferred", float(d.mean()), *[float(q) for q in qd]], "number")
    t.notes.append(f"FX safeguard {fx.safeguard}: threshold {fx.threshold:,.1f} {fx.currency}/USD, "
                   f"impact {fx.impact:g} log-points per $1B of dollar demand, acceptance "
                   f"{fx.acceptance:.0%}")
    crossed = float(np.mean(np.nan_to_num(fx.peak, nan=-np.inf) > fx.threshold))
    t.notes.append(f"P(the indicator crosses the threshold while calls remain): {crossed:.2%}")
    if fx.requests_allowed:
        accepted = float(np.mean(fx.accepted > 0))
        t.notes.append(f"P(at least one request): {float(np.mean(fx.requests > 0)):.2%}; "
                       f"P(at least one accepted, calls deferred): {accepted:.2%}; "
                       f"requests per path {float(fx.requests.mean()):.2f} on average")
    else:
        t.notes.append(f"{res.deal_id} has no FX-safeguard clause: crossings are reported, "
                       "nothing is requested or deferred")

def fan_table(res: SimulationResult, party: str) -> Table:
    """Percentiles of cumulative net cash of ``party`` at each year end, as a table."""
    f = res.fan(party)
    names = list(f["quantiles"])
    t = Table(f"{res.deal_id}: cumulative net cash of {party} by year end "
              f"({f['paths']:,} paths)", [Column("year")] + [Column(n, "usd") for n in names])
    shown = f["moving_years"]
    for k, year in enumerate(f["year"][:shown]):
        t.rows.append([str(year), *[f["quantiles"][n][k] for n in names]])
    if shown < len(f["year"]):
        t.notes.append(f"No percentile changes after {f['year'][shown - 1]} (the last flow has ended); "
                       f"the JSON output has every year to {f['year'][-1]}")
    return t

def fan_chart(res: SimulationResult, party: str, path: Path, *, title: str | None = None,
              source: str = "") -> Path:
    """Write the fan chart of ``party``: percentiles of cumulative net cash by year end, ending in
    the year the last flow ends (no flat years after it); .png, .svg or interactive .html.

    ``title`` defaults to the deal id; the CLI passes the deal's title.
    """
    from pledgelab.report.charts import draw

    return draw(fan_spec(res, party, title=title, source=source), path)


def fan_spec(res: SimulationResult, party: str, *, title: str | None = None, source: str = "") -> Chart:
    """The fan chart of ``party`` as a :class:`~pledgelab.report.charts.Chart` (see :func:`fan_chart`)."""
    from pledgelab.report.charts import Chart, Panel, Series, source_line

    f = res.fan(party)
    q = {k: np.asarray(v, dtype=np.float64) / 1e9 for k, v in f["quantiles"].items()}
    years = list(f["year"])
    cut = slice(0, f["moving_years"])  # no flat years after the last flow (the library's count)
    x = years[cut]
    panel = Panel(ylabel="cumulative net cash, $B", hlines=[(0.0, "")], series=[
        Series(name="5–95%", x=x, y=list(q["p5"][cut]), y2=list(q["p95"][cut]), kind="band"),
        Series(name="25–75%", x=x, y=list(q["p25"][cut]), y2=list(q["p75"][cut]), kind="band"),
        Series(name="median", x=x, y=list(q["p50"][cut]))])
    head = title or res.deal_id
    chart = Chart(title=f"{head}: {party}, cumulative net cash ({res.paths:,} paths, seed {res.seed})",
                  xlabel="year end", panels=[panel],
                  source=source or source_line(f"pipeline {res.pipeline_id} (illustrative)",
                                               f"drivers {res.drivers_id}",
                                               f"assumptions in `pledgelab show {res.deal_id}`"))
    return chart
