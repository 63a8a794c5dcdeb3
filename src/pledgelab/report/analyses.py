"""Tables and charts of the what-if analyses: assumptions with ranges, sensitivity, solve, frontier.

The analyses return data (:mod:`pledgelab.analysis`); this module is how people read them:
:func:`assumptions_table` (``pledgelab show --assumptions``), :func:`sensitivity_tables` and
:func:`tornado_chart`, :func:`solve_table`, :func:`frontier_tables` and :func:`frontier_chart`.
Charts need the ``[plot]`` extra (:func:`pledgelab.report.charts.pyplot`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from pledgelab.analysis import ALTERNATIVES, Factor, FrontierResult, SensitivityResult, SolveResult
from pledgelab.report._table import Column, Table
from pledgelab.report.charts import pyplot, save


def assumptions_table(deal_id: str, title: str, fs: list[Factor], dropped: list[str] | None = None) -> Table:
    """Every assumed or disputed clause with the range or set an analysis varies it over."""
    t = Table(f"{deal_id}: assumptions and their ranges ({title})",
              [Column("clause"), Column("status"), Column("value", "number"), Column("unit"),
               Column("varied over"), Column("basis")])
    for f in fs:
        basis = f.basis + ("; " + "; ".join(r.url for r in f.references) if f.references and
                           f.basis != ALTERNATIVES else "")
        t.rows.append([f.path, f.status, _value(f.base), f.unit,
                       ("range " if f.numeric else "one of ") + f.describe(), basis])
    t.notes.append("A number varies continuously over its range (whole numbers for days and months); "
                   "any other clause takes one of its listed values. Ranges come from the clause's "
                   "alternatives in the deal file, or from data/ranges/assumptions.yaml where a clause "
                   "states one with its basis.")
    for d in dropped or []:
        t.notes.append(f"Not varied: {d}")
    return t


def _value(v: object) -> object:
    if isinstance(v, tuple | list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, int | float | str) or v is None:
        return v
    return str(v)


def _fmt(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "n/a"
    if unit == "USD":
        return f"${x / 1e9:,.2f}B"
    if unit in ("probability", "fraction", "per-year"):
        return f"{100 * x:.2f}%"
    return f"{x:.3f}"


def sensitivity_tables(res: SensitivityResult) -> list[Table]:
    """Per outcome: the clauses ranked by total index (or mu*), with CIs, tornado ends and why."""
    out = []
    sobol = res.method == "sobol"
    how = (f"{res.paths:,} Monte Carlo paths each (the same paths for every run)" if res.paths > 1
           else "deterministic runs")
    for o in res.outcomes:
        cols = ([Column("rank", "int"), Column("clause"), Column("S1", "number"), Column("S1 ±", "number"),
                 Column("ST", "number"), Column("ST ±", "number")] if sobol else
                [Column("rank", "int"), Column("clause"), Column("mu*", "number"), Column("mu* ±", "number"),
                 Column("sigma", "number")])
        cols += [Column("low"), Column("high"), Column("reading")]
        t = Table(f"{res.deal_id} × {res.pipeline_id}: what drives {o.name} ({res.method}, "
                  f"{res.samples} samples, {res.runs:,} runs, {how})", cols)
        for k, fi in enumerate(res.ranking[o.name], 1):
            lo = f"{_fmt(fi.low, o.unit)} ({fi.low_at})"
            hi = f"{_fmt(fi.high, o.unit)} ({fi.high_at})"
            if sobol:
                t.rows.append([k, fi.factor.path, round(fi.s1, 4), round(fi.s1_conf, 4), round(fi.st, 4),
                               round(fi.st_conf, 4), lo, hi, fi.why])
            else:
                t.rows.append([k, fi.factor.path, round(fi.s1, 4), round(fi.s1_conf, 4), round(fi.st, 4),
                               lo, hi, fi.why])
        t.notes.append(res.summary[o.name])
        t.notes.append(f"{o.name} under the deal as it is: {_fmt(res.base[o.name], o.unit)}.")
        if sobol:
            t.notes.append("S1: the share of the outcome's variance a clause explains alone; ST: with its "
                           "interactions; ± is the 95% bootstrap half-width. Low/high: the one-at-a-time "
                           "runs (the clause at each end of its range or at each value, the rest as in "
                           "the deal), the tornado's bar.")
        else:
            t.notes.append("mu* and sigma (Morris elementary effects) in units of the outcome's spread "
                           "over the runs; ± is the 95% bootstrap half-width of mu*.")
        out.append(t)
    never, wf = res.never_recovered
    if wf:
        out[0].notes.append(f"In the deal as it is, {never} of {wf} waterfalls never recover their deemed "
                            "allocation amount.")
    for d in res.dropped:
        out[0].notes.append(f"Not varied: {d}")
    return out


def tornado_chart(res: SensitivityResult, outcome: str, path: Path) -> Path:
    """The one-at-a-time bars of ``outcome``: each clause's low and high around the deal's value."""
    plt = pyplot()
    o = next(x for x in res.outcomes if x.name == outcome)
    rows = sorted(res.ranking[outcome], key=lambda fi: fi.high - fi.low)
    scale = 1e9 if o.unit == "USD" else 1.0
    base = res.base[outcome] / scale
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.8))
    for k, fi in enumerate(rows):
        lo, hi = fi.low / scale, fi.high / scale
        ax.barh(k, hi - lo, left=lo, color="tab:blue" if fi.matters else "lightgrey", height=0.6)
        if hi > lo:
            ax.text(hi, k, f"  {fi.high_at}", va="center", fontsize=7)
            ax.text(lo, k, f"{fi.low_at}  ", va="center", ha="right", fontsize=7)
        else:
            ax.text(base, k, "  no effect", va="center", fontsize=7, color="grey")
    ax.axvline(base, color="black", lw=1)
    left, right = ax.get_xlim()
    pad = 0.18 * (right - left or 1.0)
    ax.set_xlim(left - pad, right + pad)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([fi.factor.path for fi in rows], fontsize=8)
    ax.set_xlabel(f"{outcome} ({'$B' if o.unit == 'USD' else o.unit})")
    title = f"{res.deal_id} × {res.pipeline_id}: one at a time, {outcome}"
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return save(fig, path, title)


def solve_table(res: SolveResult) -> Table:
    """The solved value, or the reason there is none."""
    t = Table(f"{res.deal_id} × {res.pipeline_id}: {res.path} for {res.outcome} = {res.target:g}",
              [Column("status"), Column("value", "number"), Column("outcome", "number"),
               Column("bracket"), Column("at low", "number"), Column("at high", "number"),
               Column("runs", "int")])
    t.rows.append([res.status, res.value, res.achieved, f"{res.bracket[0]:g} to {res.bracket[1]:g}",
                   res.at_low, res.at_high, res.evaluations])
    t.notes.append(res.message)
    how = (f"{res.paths:,} Monte Carlo paths per run, the same paths for every run (common random numbers)"
           if res.paths > 1 else "deterministic runs")
    t.notes.append(f"Brent's method (scipy.optimize.brentq) on {res.path}; {how}.")
    return t


def frontier_tables(res: FrontierResult, *, limit: int = 40) -> list[Table]:
    """The Pareto set (and the zone of agreement on it), the positions, and the counts."""
    objs = [ob.outcome.name for ob in res.objectives]
    cols = [Column("variant"), *[Column(n, "usd" if n.endswith((".npv", ".received", ".contributed",
                                                                 ".peak_call")) else "number")
                                 for n in res.outcomes], Column("pareto"), Column("in zone")]
    vs = " vs ".join(o.name for o in res.objectives)
    t = Table(f"{res.deal_id} × {res.pipeline_id}: the Pareto set of {vs} over "
              f"{len(res.variants):,} variants", cols)
    order = np.flatnonzero(res.pareto | res.zone)
    first = res.outcomes.index(objs[0])
    order = order[np.argsort(-res.values[order, first], kind="stable")]
    for i in order[:limit]:
        t.rows.append([res.label(int(i)), *[float(v) for v in res.values[i]], "yes" if res.pareto[i] else "",
                       "yes" if res.zone[i] else ""])
    if len(order) > limit:
        t.notes.append(f"{len(order) - limit} more rows on the Pareto set or in the zone not shown.")
    t.notes.append(f"{int(res.feasible.sum()):,} of {len(res.variants):,} variants meet the constraints "
                   f"({', '.join(c.text() for c in res.constraints) or 'none'}); "
                   f"{int(res.pareto.sum()):,} are on the Pareto set; {int(res.zone.sum()):,} are in the "
                   "zone of agreement; "
                   f"{int((res.zone & res.pareto).sum()):,} are both (the efficient agreements).")
    for r in res.reservations:
        basis = "; ".join(x.url for x in r.references) if r.references else r.reason
        t.notes.append(f"Reservation point {r.text()} [{r.status}]: {r.label}. {basis}".strip())
    p = Table(f"{res.deal_id} × {res.pipeline_id}: the shipped positions at their own outcomes",
              [Column("position"), *[Column(n, "usd" if n.endswith((".npv", ".received", ".contributed",
                                                                     ".peak_call")) else "number")
                                     for n in res.outcomes],
               Column("meets constraints"), Column("in zone"), Column("dominated by")])
    for pos in res.positions:
        p.rows.append([pos.id, *[pos.values[n] for n in res.outcomes], "yes" if pos.feasible else "no",
                       "yes" if pos.in_zone else "no",
                       res.label(pos.dominated_by) if pos.dominated_by is not None else ""])
    if res.positions:
        p.notes.append("Each position is its own term sheet run over the same pipeline, paths and discount "
                       "rate; parties are matched by role (the base deal's investor is each position's "
                       "investor), so a Japan position is read as those terms offered to Korea.")
    return [t, p] if res.positions else [t]


def frontier_chart(res: FrontierResult, path: Path, *, x: str | None = None, y: str | None = None) -> Path:
    """Every variant (grey), the zone of agreement (green), the Pareto set (line) and the positions."""
    plt = pyplot()
    xs = x or res.objectives[0].outcome.name
    ys = y or res.objectives[1].outcome.name
    unit = {n: (1e9 if n.endswith((".npv", ".received", ".contributed", ".peak_call")) else 1.0)
            for n in (xs, ys)}
    vx, vy = res.column(xs) / unit[xs], res.column(ys) / unit[ys]
    fig, ax = plt.subplots(figsize=(9, 6.5))
    ax.scatter(vx[~res.feasible], vy[~res.feasible], s=10, color="lightgrey", marker="x",
               label="fails a constraint")
    ax.scatter(vx[res.feasible], vy[res.feasible], s=12, color="grey", label="variants")
    ax.scatter(vx[res.zone], vy[res.zone], s=24, color="tab:green", label="zone of agreement")
    on = np.flatnonzero(res.pareto)
    on = on[np.argsort(vx[on], kind="stable")]
    ax.plot(vx[on], vy[on], "-o", color="tab:blue", ms=4, lw=1.5, label="Pareto set")
    for r in res.reservations:
        if r.outcome == xs:
            ax.axvline(r.value / unit[xs], color="tab:red", ls="--", lw=1,
                       label=f"reservation {r.text()} [{r.status}]")
        elif r.outcome == ys:
            ax.axhline(r.value / unit[ys], color="tab:red", ls=":", lw=1,
                       label=f"reservation {r.text()} [{r.status}]")
        else:  # off the axes: named in the legend, applied in the zone
            ax.plot([], [], " ", label=f"zone also needs {r.text()} [{r.status}]")
    for pos in res.positions:
        px, py = pos.values[xs] / unit[xs], pos.values[ys] / unit[ys]
        if math.isfinite(px) and math.isfinite(py):
            ax.scatter([px], [py], s=60, marker="D", edgecolor="black", zorder=5)
            ax.annotate(pos.id, (px, py), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.set_xlabel(f"{xs} ({'$B' if unit[xs] == 1e9 else ''})")
    ax.set_ylabel(f"{ys} ({'$B' if unit[ys] == 1e9 else ''})")
    title = f"{res.deal_id} × {res.pipeline_id}: negotiation frontier"
    ax.set_title(title, fontsize=10)
    ax.legend(loc="best", fontsize=7)
    fig.tight_layout()
    return save(fig, path, title)
