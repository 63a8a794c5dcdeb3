"""Macro measures of an economy, each cited, and the ratios of a pledge to each.

A **measure** is a named yardstick read from an economy's macro file (``data/macro/<file>.yaml``):
the latest dated observation of one of its series on or before a date. The shipped ones
(:data:`MEASURES`) are GDP, FX reserves, the central-government budget and the current
account; :func:`register_measure` adds another (any series of
:data:`~pledgelab.macro._data.SERIES_MEASURES` in US dollars) without touching this code's
callers, so the list is open to extension.

:func:`pledge_ratios` divides an amount (a pledge, its cash part, a year's calls) by each
measure, carrying the observation's date, status and sources; a measure the file lacks is
returned with its ratio None and the reason (the file's gap), never an invented number.

>>> from pledgelab.macro.measures import pledge_ratios
>>> r = {x.measure: x for x in pledge_ratios(350e9, "KR")}
>>> round(r["gdp"].ratio, 3)          # $350B over 2024 GDP of $1.868T
0.187
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from pledgelab.macro._data import SERIES_MEASURES, MacroData, load_macro

#: The macro file of each economy with one.
FILES = {"KR": "korea", "JP": "japan"}


@dataclass(frozen=True, slots=True, kw_only=True)
class MacroMeasure:
    """A yardstick: its name, the series it reads (first found wins) and a label."""

    name: str
    series: tuple[str, ...]
    label: str


MEASURES: dict[str, MacroMeasure] = {
    "gdp": MacroMeasure(name="gdp", series=("gdp_usd",), label="nominal GDP"),
    "reserves": MacroMeasure(name="reserves", series=("reserves_usd",), label="FX reserves"),
    "budget": MacroMeasure(name="budget", series=("central_budget_usd",), label="central-government budget"),
    "current_account": MacroMeasure(name="current_account", series=("current_account_usd",),
                               label="current-account balance"),
}


def register_measure(name: str, series: str | tuple[str, ...], label: str) -> MacroMeasure:
    """Add (or replace) a measure read from ``series`` (a US-dollar series name); returns it."""
    names = (series,) if isinstance(series, str) else tuple(series)
    for s in names:
        m = SERIES_MEASURES.get(s)
        if m is None:
            raise ValueError(f"unknown series {s!r}; known: {', '.join(SERIES_MEASURES)}")
        if m.unit != "USD":
            raise ValueError(f"series {s!r} is in {m.unit}, not USD: a ratio needs dollars")
    out = MacroMeasure(name=name, series=names, label=label)
    MEASURES[name] = out
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureValue:
    """One measure of one economy: the observation used, or why there is none."""

    measure: str
    label: str
    series: str | None
    value: float | None
    date: dt.date | None
    status: str | None
    cite: str  # the sources (or the reason of an assumed value), or the gap


@dataclass(frozen=True, slots=True, kw_only=True)
class Ratio:
    """An amount over a measure (None where the measure is missing or not positive; ``why``)."""

    measure: str
    label: str
    amount: float
    denominator: float | None
    date: dt.date | None
    status: str | None
    ratio: float | None
    cite: str


def macro_measure(name: str, economy: str, *, as_of: dt.date | None = None,
                  data: MacroData | None = None) -> MeasureValue:
    """The latest observation of measure ``name`` on or before ``as_of`` (default: the latest)."""
    if name not in MEASURES:
        raise ValueError(f"unknown measure {name!r}; known: {', '.join(MEASURES)}")
    m = MEASURES[name]
    if data is None:
        if economy not in FILES:
            raise ValueError(f"no macro file for {economy!r}; known: {', '.join(FILES)}")
        data = load_macro(FILES[economy])
    why = ""
    for sname in m.series:
        try:
            s = data.series(sname, economy)
        except KeyError as exc:
            why = str(exc.args[0])
            continue
        obs = [o for o in s.observations if as_of is None or o.date <= as_of]
        if not obs:
            why = f"{economy} {sname} has no observation" + (f" on or before {as_of}" if as_of else "")
            continue
        o = obs[-1]
        urls = ", ".join(r.url for r in o.references)
        reason = " ".join((o.reason or "").split())
        cite = f"{reason} ({urls})" if reason and urls else (reason or urls)
        return MeasureValue(measure=name, label=m.label, series=sname, value=o.value, date=o.date,
                            status=str(o.status), cite=cite)
    return MeasureValue(measure=name, label=m.label, series=None, value=None, date=None, status=None,
                        cite=why)


def macro_measures(economy: str, *, as_of: dt.date | None = None) -> dict[str, MeasureValue]:
    """Every registered measure of ``economy`` (:data:`MEASURES` order)."""
    data = load_macro(FILES[economy]) if economy in FILES else None
    return {name: macro_measure(name, economy, as_of=as_of, data=data) for name in MEASURES}


def pledge_ratios(amount: float, economy: str, *, as_of: dt.date | None = None,
                  measures: tuple[str, ...] | None = None) -> tuple[Ratio, ...]:
    """``amount`` (USD) over each measure of ``economy`` (all registered ones unless ``measures``).

    For the ledger's status line (pledge / GDP) and the funding and tariff reports.
    """
    if not (isinstance(amount, int | float) and math.isfinite(amount)):
        raise ValueError(f"amount must be a finite number of dollars, got {amount!r}")
    if economy not in FILES:
        raise ValueError(f"no macro file for {economy!r}; known: {', '.join(FILES)}")
    data = load_macro(FILES[economy])
    out = []
    for name in measures or tuple(MEASURES):
        v = macro_measure(name, economy, as_of=as_of, data=data)
        ok = v.value is not None and v.value > 0
        out.append(Ratio(measure=name, label=v.label, amount=float(amount), denominator=v.value, date=v.date,
                         status=v.status, ratio=float(amount) / v.value if ok and v.value else None,
                         cite=v.cite if ok or v.value is None else f"{v.cite} (not positive: no ratio)"))
    return tuple(out)


__all__ = [
    "MEASURES",
    "MacroMeasure",
    "MeasureValue",
    "Ratio",
    "macro_measure",
    "macro_measures",
    "pledge_ratios",
    "register_measure",
]
