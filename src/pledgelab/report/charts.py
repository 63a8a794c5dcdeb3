"""Charts for a report: PNG and SVG (matplotlib), interactive HTML (Plotly, offline).

Every chart is described once as a :class:`Chart` (a title taken from the
deal's title, one or more panels with axis labels, series, reference lines, and
a source/caveat line under the plot) and drawn by the file's suffix:

- ``.png`` / ``.svg``: matplotlib (the ``[plot]`` extra); SVG keeps text as text.
- ``.html``: an interactive Plotly page whose JavaScript is embedded from the
  installed ``plotly`` package (``include_plotlyjs=True``): it needs no network.

Without the extra, drawing raises :class:`~pledgelab._extras.MissingExtra` (an
ImportError naming the install command).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pledgelab._extras import require

SUFFIXES = (".png", ".svg", ".html")


@dataclass(slots=True, kw_only=True)
class Series:
    """One series of a panel: a line, bars, or a band between ``y`` and ``y2``."""

    name: str
    x: Sequence[Any]
    y: Sequence[float]
    kind: str = "line"  # line | bar | band | dashed
    y2: Sequence[float] | None = None  # the band's upper edge
    shade: Sequence[bool] | None = None  # x ranges shaded (True where shaded)


@dataclass(slots=True, kw_only=True)
class Panel:
    ylabel: str
    series: list[Series] = field(default_factory=list)
    hlines: list[tuple[float, str]] = field(default_factory=list)
    height: float = 1.0


@dataclass(slots=True, kw_only=True)
class Chart:
    """A chart for a report: title, panels over one x axis, and the source/caveat line."""

    title: str
    xlabel: str
    panels: list[Panel]
    source: str = ""


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, or :class:`~pledgelab._extras.MissingExtra`."""
    require("matplotlib", what="Writing a chart", extra="plot").use("Agg")
    return require("matplotlib.pyplot", what="Writing a chart", extra="plot")


def save(fig: Any, path: Path | str, title: str) -> Path:
    """Write a matplotlib ``fig`` as .png or .svg, or as an .html page holding it as inline SVG
    (offline, not interactive; charts built as a :class:`Chart` get an interactive page from
    :func:`draw`)."""
    import io

    plt = pyplot()
    path = Path(path)
    if path.suffix.lower() == ".html":
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        svg = buf.getvalue()
        svg = svg[svg.find("<svg"):]
        from html import escape

        path.write_text(f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title>{svg}",
                        encoding="utf-8")
    else:
        fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def draw(chart: Chart, path: Path | str) -> Path:
    """Write ``chart`` to ``path``: .png or .svg with matplotlib, .html with Plotly (offline)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"a chart is written as {', '.join(SUFFIXES)}; got {path.name!r}")
    if suffix == ".html":
        return _plotly(chart, path)
    return _matplotlib(chart, path)


def _matplotlib(chart: Chart, path: Path) -> Path:
    plt = pyplot()
    n = len(chart.panels)
    fig, axes = plt.subplots(n, 1, figsize=(9.5, 4.2 + 2.3 * (n - 1)), sharex=True, squeeze=False,
                             gridspec_kw={"height_ratios": [p.height for p in chart.panels]})
    for ax, panel in zip(axes[:, 0], chart.panels, strict=True):
        bars = [s for s in panel.series if s.kind == "bar"]
        width = 0.8 / max(len(bars), 1)
        for s in panel.series:
            if s.kind == "band" and s.y2 is not None:
                ax.fill_between(s.x, s.y, s.y2, alpha=0.25, label=s.name, lw=0)
            elif s.kind == "bar":
                k = bars.index(s)
                ax.bar([x - 0.4 + width * (k + 0.5) for x in s.x], s.y, width=width, label=s.name)
            else:
                ax.plot(s.x, s.y, lw=1.2 if s.kind == "dashed" else 2, ls="--" if s.kind == "dashed" else "-",
                        label=s.name)
            if s.shade is not None:
                first = True
                for i, on in enumerate(s.shade):
                    if on and i + 1 < len(s.x):
                        ax.axvspan(s.x[i], s.x[i + 1], color="tab:red", alpha=0.12, lw=0,
                                   label="deferred" if first else None)
                        first = False
        for y, label in panel.hlines:
            ax.axhline(y, color="black", lw=1.0, ls="--" if label else "-", label=label or None)
        ax.set_ylabel(panel.ylabel)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize=8)
    axes[-1, 0].set_xlabel(chart.xlabel)
    if all(isinstance(x, int) for s in chart.panels[-1].series for x in list(s.x)[:1]):
        axes[-1, 0].xaxis.get_major_locator().set_params(integer=True)
    axes[0, 0].set_title(chart.title, fontsize=11)
    if chart.source:
        fig.text(0.01, 0.005, chart.source, fontsize=7, color="dimgray", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.04 if chart.source else 0, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plotly(chart: Chart, path: Path) -> Path:
    go = require("plotly.graph_objects", what="Writing an interactive chart", extra="plot")
    subplots = require("plotly.subplots", what="Writing an interactive chart", extra="plot")
    n = len(chart.panels)
    fig = subplots.make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                                 row_heights=[p.height for p in chart.panels])
    for row, panel in enumerate(chart.panels, start=1):
        for s in panel.series:
            x = list(s.x)
            if s.kind == "band" and s.y2 is not None:
                fig.add_trace(go.Scatter(x=x, y=list(s.y), mode="lines", line={"width": 0}, showlegend=False,
                                         hoverinfo="skip"), row=row, col=1)
                fig.add_trace(go.Scatter(x=x, y=list(s.y2), mode="lines", line={"width": 0}, fill="tonexty",
                                         name=s.name), row=row, col=1)
            elif s.kind == "bar":
                fig.add_trace(go.Bar(x=x, y=list(s.y), name=s.name), row=row, col=1)
            else:
                fig.add_trace(go.Scatter(x=x, y=list(s.y), mode="lines", name=s.name,
                                         line={"dash": "dash"} if s.kind == "dashed" else {}), row=row, col=1)
        for y, label in panel.hlines:
            fig.add_hline(y=y, line_dash="dash" if label else "solid", line_color="black",
                          annotation_text=label or None, row=row, col=1)
        fig.update_yaxes(title_text=panel.ylabel, row=row, col=1)
    fig.update_xaxes(title_text=chart.xlabel, row=n, col=1)
    fig.update_layout(title=chart.title, template="plotly_white", height=420 + 220 * (n - 1),
                      margin={"b": 90}, legend={"orientation": "h", "y": -0.2})
    if chart.source:
        fig.add_annotation(text=chart.source, xref="paper", yref="paper", x=0, y=-0.32, showarrow=False,
                           align="left", font={"size": 10, "color": "dimgray"})
    fig.write_html(path, include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    return path


def source_line(*parts: str) -> str:
    """``Source: pledgelab 0.1.0 ...; part; part`` (the caveat under a chart)."""
    from pledgelab._version import __version__

    return "; ".join([f"Source: pledgelab {__version__}", *[p for p in parts if p]])


def reserves_chart(years: Sequence[int], series: Mapping[str, Sequence[float]],
                   calls: Mapping[str, Sequence[float]], path: Path, *, title: str,
                   debt: Mapping[str, Sequence[float]] | None = None, source: str = "") -> Path:
    """Reserves path of each deal (lines, $B) over its calendar-year calls (bars, $B); ``debt``
    (the pledge's bonds outstanding, $B) is drawn beside the reserves, so reserves raised by
    borrowing do not read as reserves growing."""
    top = Panel(ylabel="FX reserves, $B", height=2.0,
                series=[Series(name=k, x=years, y=[v / 1e9 for v in vals]) for k, vals in series.items()])
    for k, vals in (debt or {}).items():
        top.series.append(Series(name=f"{k}: pledge debt", x=years, y=[v / 1e9 for v in vals], kind="dashed"))
    bottom = Panel(ylabel="calls, $B a year",
                   series=[Series(name=k, x=years, y=[v / 1e9 for v in vals], kind="bar")
                           for k, vals in calls.items()])
    return draw(Chart(title=title, xlabel="calendar year", panels=[top, bottom],
                      source=source or source_line("reserves from the funding plan's cited series")), path)


def savings_chart(years: Sequence[int], cumulative: Mapping[str, Sequence[float]], cost: float,
                  path: Path, *, title: str, source: str = "") -> Path:
    """Cumulative discounted tariff savings by scenario against the pledge's net cost ($B)."""
    panel = Panel(ylabel="cumulative, discounted, $B",
                  series=[Series(name=f"savings, {k}", x=years, y=[v / 1e9 for v in vals])
                          for k, vals in cumulative.items()],
                  hlines=[(cost / 1e9, "pledge's net cost")])
    return draw(Chart(title=title, xlabel="calendar year", panels=[panel],
                      source=source or source_line("tariff scenarios as cited in the tariff data")), path)


def pressure_chart(months: Sequence[int], level: Any, series: Mapping[str, Any],
                   threshold: float, path: Path, *, deferred: Any, currency: str,
                   title: str, source: str = "") -> Path:
    """The FX-safeguard indicator under each impact against the threshold, by month.

    ``level`` is the drivers' rate (dashed), ``series`` the indicator per impact
    (every request refused), ``deferred`` shades the months an accepted request
    defers the calls (at the file's impact).
    """
    x = [dt.date(m // 12, m % 12 + 1, 1) for m in months]
    panel = Panel(ylabel=f"{currency} per dollar",
                  series=[Series(name=f"{currency}/USD, drivers (no shocks)", x=x, y=list(level),
                                 kind="dashed", shade=[bool(d) for d in deferred])]
                  + [Series(name=k, x=x, y=list(v)) for k, v in series.items()],
                  hlines=[(threshold, f"threshold {threshold:,.0f}")])
    return draw(Chart(title=title, xlabel="month", panels=[panel],
                      source=source or source_line("shaded: calls deferred under an accepted request")), path)
