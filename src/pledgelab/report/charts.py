"""Charts for the currency and tariff side (PNG, or HTML embedding the PNG).

Needs the ``[plot]`` extra; without it every function raises
:class:`~pledgelab._extras.MissingExtra` (an ImportError naming the install command).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pledgelab._extras import require


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, or :class:`~pledgelab._extras.MissingExtra`."""
    require("matplotlib", what="Writing a chart", extra="plot").use("Agg")
    return require("matplotlib.pyplot", what="Writing a chart", extra="plot")


def save(fig: Any, path: Path, title: str) -> Path:
    """Write ``fig`` as PNG, or as an HTML page embedding it when ``path`` ends in .html."""
    plt = pyplot()
    path = Path(path)
    if path.suffix.lower() == ".html":
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        data = base64.b64encode(buf.getvalue()).decode()
        path.write_text(f"<!doctype html><meta charset=utf-8><title>{title}</title>"
                        f"<img alt='{title}' src='data:image/png;base64,{data}'>", encoding="utf-8")
    else:
        fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def reserves_chart(years: Sequence[int], series: Mapping[str, Sequence[float]],
                   calls: Mapping[str, Sequence[float]], path: Path, *, title: str) -> Path:
    """Reserves path of each deal (lines, $B) over its calendar-year calls (bars, $B)."""
    plt = pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    for name, values in series.items():
        top.plot(years, [v / 1e9 for v in values], lw=2, label=name)
    top.set_ylabel("FX reserves, $B")
    top.legend(loc="best")
    width = 0.8 / max(len(calls), 1)
    for k, (name, values) in enumerate(calls.items()):
        bottom.bar([y - 0.4 + width * (k + 0.5) for y in years], [v / 1e9 for v in values], width=width,
                   label=name)
    bottom.set_ylabel("calls, $B a year")
    bottom.xaxis.get_major_locator().set_params(integer=True)
    top.set_title(title)
    fig.tight_layout()
    return save(fig, path, title)


def savings_chart(years: Sequence[int], cumulative: Mapping[str, Sequence[float]], cost: float,
                  path: Path, *, title: str) -> Path:
    """Cumulative discounted tariff savings by scenario against the pledge's net cost ($B)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 5))
    for name, values in cumulative.items():
        ax.plot(years, [v / 1e9 for v in values], lw=2, label=f"savings, {name}")
    ax.axhline(cost / 1e9, color="black", ls="--", lw=1.2, label="pledge's net cost")
    ax.set_ylabel("cumulative, discounted, $B")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title)
    ax.legend(loc="best")
    fig.tight_layout()
    return save(fig, path, title)


def pressure_chart(months: Sequence[int], level: Any, series: Mapping[str, Any],
                   threshold: float, path: Path, *, deferred: Any, currency: str,
                   title: str) -> Path:
    """The FX-safeguard indicator under each impact against the threshold, by month.

    ``level`` is the drivers' rate (dashed), ``series`` the indicator per impact
    (every request refused), ``deferred`` shades the months an accepted request
    defers the calls (at the file's impact).
    """
    import datetime as dt

    plt = pyplot()
    x = [dt.date(m // 12, m % 12 + 1, 1) for m in months]
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.plot(x, level, color="grey", ls="--", lw=1.2, label=f"{currency}/USD, drivers (no shocks)")
    for name, values in series.items():
        ax.plot(x, values, lw=1.6, label=name)
    ax.axhline(threshold, color="black", lw=1.2, label=f"threshold {threshold:,.0f}")
    shaded = False
    for i, d in enumerate(deferred):
        if d and i + 1 < len(x):
            ax.axvspan(x[i], x[i + 1], color="tab:red", alpha=0.12, lw=0,
                       label=None if shaded else "calls deferred (accepted, file's impact)")
            shaded = True
    ax.set_ylabel(f"{currency} per dollar")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return save(fig, path, title)
