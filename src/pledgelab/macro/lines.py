"""Tariffs by line: the reciprocal rate and each Section 232 sector rate on its own trade base.

A **line** is a group of goods that one tariff action prices: the reciprocal
tariff (later Section 122) on everything not priced elsewhere, and the sector
lines — autos and parts, steel and aluminium, lumber, pharmaceuticals,
semiconductors — each on its own base, US imports of those goods from the
economy a year (a cited clause of ``data/macro/tariffs.yaml``, or a gap the
file names, or a base the caller supplies). The reciprocal line's base is what
is left: all US imports from the economy, less the exempt share (which holds
the goods the reciprocal tariff exempted: semiconductors and pharmaceuticals,
so their own lines are not subtracted again), less the other sector lines::

    base(reciprocal) = imports x (1 - exempt share) - sum of autos, steel and aluminium, lumber

The **rate in force** on a date is read from the dated regimes of the record
(:data:`RECORD_LAYERS`: the deal's rates, the reciprocal rate ending when CBP
stopped collecting IEEPA duties, Section 122 for its 150 days); where no layer
covers a line on that date the rate is not in the record and the line is not
priced (None, with the reason). For each line::

    paid           = rate in force x base                   (US customs revenue, a year)
    paid at X      = X x base
    step-up cost   = (step-up rate - rate in force) x base  (the announced rate of the line, or X)

and every total is the sum of the lines that are priced. The **trade effect**
of a change of the rate from ``t0`` to ``t1`` on a line is the exports lost::

    loss = base x min(1, e x phi x (t1 - t0) / (1 + t0))

with ``e`` the import-demand elasticity and ``phi`` the share of the tariff
passed through to US buyers' prices (the assumed clauses
``import_demand_elasticity`` and ``importer_incidence`` of ``tariffs.yaml``, as
in :mod:`pledgelab.macro.incidence`); a cut (``t1 < t0``) gives a negative
loss, exports gained. In GDP terms the loss is ``value-added share x loss``,
shown over the economy's latest GDP.

References
----------
Federal Register notice of 2025-12-04 (the deal's reciprocal, auto and lumber
rates); Section 122 of the Trade Act of 1974 (150 days; Section 232 goods,
passenger vehicles and pharmaceuticals exempt); Fajgelbaum, Goldberg, Kennedy
and Khandelwal (2020), *QJE* 135(1), for the import-demand model.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from pledgelab._cited import Alternative, Clause, Status
from pledgelab.macro._data import MacroData, load_macro
from pledgelab.macro.incidence import _rates
from pledgelab.macro.tariffs import Layer


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One tariff line: its regimes' sector key, its trade base, and whether the exempt share holds it."""

    id: str
    label: str
    sector: str  # the key of its rate in a regime's ``rates``
    authority: str
    base: str | None  # VALUE_MEASURES name; None: the reciprocal line's residual base
    in_exempt_share: bool = False


LINES: tuple[Line, ...] = (
    Line(id="reciprocal", label="Reciprocal tariff (Section 122 from 2026-02-24): all other goods",
         sector="general", authority="ieepa / section-122", base=None),
    Line(id="autos", label="Autos and parts", sector="autos", authority="section-232",
         base="us_imports_autos_usd"),
    Line(id="steel-aluminium", label="Steel and aluminium", sector="steel_aluminium",
         authority="section-232", base="us_imports_steel_aluminium_usd"),
    Line(id="lumber", label="Timber and lumber", sector="lumber", authority="section-232",
         base="us_imports_lumber_usd"),
    Line(id="pharmaceuticals", label="Pharmaceuticals", sector="pharmaceuticals", authority="deal rate",
         base="us_imports_pharmaceuticals_usd", in_exempt_share=True),
    Line(id="semiconductors", label="Semiconductors", sector="semiconductors", authority="deal rate",
         base="us_imports_semiconductors_usd", in_exempt_share=True),
)
LINE_IDS = tuple(x.id for x in LINES)

#: The rates the record says were in force, by economy: later-starting layers win on a line.
RECORD_LAYERS: dict[str, tuple[Layer, ...]] = {
    "KR": (Layer("kr-baseline-2025", "kr-deal-2025-08"), Layer("kr-deal-2025-08"), Layer("section-122-2026"),
           Layer("kr-deal-autos-2025-11", "open"), Layer("kr-deal-sectors-2025-11", "open")),
    "JP": (Layer("jp-deal-2025-08"), Layer("section-122-2026"), Layer("jp-autos-before-order-2025",
                                                                     "jp-deal-autos-2025-09"),
           Layer("jp-deal-autos-2025-09", "open")),
}
STEP_UP_REGIMES = {"KR": "kr-step-up-2026-01"}  # the announced rates a step-up is priced at


@dataclass(frozen=True, slots=True, kw_only=True)
class LineRow:
    """One line on one date, a year: base, rate in force, paid, and what a rate X or a step-up would change.

    A money field is None where the line cannot be priced; ``why`` says what is missing.
    """

    line: Line
    base: float | None
    base_status: str
    base_cite: str
    rate: float | None
    paid: float | None
    paid_at: float | None  # at the caller's rate X
    step_up_rate: float | None
    step_up_cost: float | None
    why: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PaidTable:
    """Tariff paid by line on ``on`` (a year at that date's rates), the totals and the inputs."""

    economy: str
    on: dt.date
    rate_x: float | None
    rows: tuple[LineRow, ...]
    notes: tuple[str, ...]

    def total(self, field: str) -> float:
        """The sum of ``field`` (``base``, ``paid``, ``paid_at``, ``step_up_cost``) over the lines priced."""
        return float(sum(v for r in self.rows if (v := getattr(r, field)) is not None))


@dataclass(frozen=True, slots=True, kw_only=True)
class TradeEffect:
    """Exports lost on one line (or in total) when its rate moves from ``from_rate`` to ``to_rate``."""

    line: str
    base: float
    from_rate: float
    to_rate: float
    loss: float  # USD a year of exports (negative: gained)
    value_added: float  # USD a year of GDP
    share_of_gdp: float | None


def line_bases(economy: str, *, data: MacroData | None = None,
               bases: Mapping[str, float] | None = None) -> dict[str, Clause | str]:
    """Each line's base as a clause, or the reason it has none (a gap of the data).

    ``bases`` (line id -> USD a year) replaces the data's clause of a line (status
    ``assumed``, supplied by the caller). The reciprocal line's base is derived
    from the total, the exempt share and the other lines (module docstring).
    """
    data = data or load_macro("tariffs")
    given = dict(bases or {})
    unknown = sorted(set(given) - set(LINE_IDS))
    if unknown:
        raise ValueError(f"unknown tariff line {unknown[0]!r}; lines: {', '.join(LINE_IDS)}")
    for k, v in given.items():
        if not math.isfinite(float(v)) or float(v) < 0:
            raise ValueError(f"the base of line {k!r} must be a finite, non-negative amount, got {v!r}")
    out: dict[str, Clause | str] = {}
    for line in LINES:
        if line.id in given:
            out[line.id] = _user(line, float(given[line.id]))
        elif line.base is not None:
            try:
                out[line.id] = data.clause(line.base, economy)
            except KeyError as exc:
                out[line.id] = str(exc.args[0])
    if "reciprocal" not in given:
        out["reciprocal"] = _residual(economy, data, out)
    return {line.id: out[line.id] for line in LINES}


def _user(line: Line, value: float) -> Clause:
    return Clause(path=f"bases.{line.id}", value=value, unit="USD/year",
                  label=f"US imports on the {line.id} line, a year (supplied by the user)",
                  status=Status.ASSUMED, reason="supplied by the user",
                  alternatives=(Alternative(value=None, label="the record's base, where it has one"),),
                  file="<user>")


def _residual(economy: str, data: MacroData, lines: Mapping[str, Clause | str]) -> Clause | str:
    try:
        imports = data.clause("us_imports_usd", economy)
        exempt = data.clause("tariff_exempt_share", economy)
    except KeyError as exc:
        return str(exc.args[0])
    others = {x.id: lines[x.id] for x in LINES
              if x.base is not None and not x.in_exempt_share and isinstance(lines[x.id], Clause)}
    value = float(imports.value) * (1.0 - float(exempt.value)) - sum(float(c.value) for c in others.values()
                                                                   if isinstance(c, Clause))
    if value < 0:
        return (f"the other lines' bases exceed US imports from {economy} less the exempt share "
                f"({value / 1e9:,.1f}B)")
    terms = " - ".join(f"{k} {float(c.value) / 1e9:,.2f}B" for k, c in others.items()
                       if isinstance(c, Clause))
    return Clause(path=f"lines.{economy}.reciprocal", value=value, unit="USD/year",
                  label=f"US imports from {economy} on the reciprocal line, a year [DERIVED]",
                  status=Status.ASSUMED,
                  reason=(f"{imports.path} {float(imports.value) / 1e9:,.2f}B [{imports.status}] x (1 - "
                          f"{exempt.path} {float(exempt.value):g} [{exempt.status}])"
                          + (f" - {terms}" if terms else "")),
                  alternatives=tuple(Alternative(value=float(imports.value) * (1.0 - float(a.value))
                                                 - sum(float(c.value) for c in others.values()
                                                       if isinstance(c, Clause)),
                                                 label=f"exempt share {a.value:g}: {a.label}")
                                     for a in exempt.alternatives),
                  file=imports.file, line=imports.line)


def rate_on(economy: str, line: str, on: dt.date, *, data: MacroData | None = None) -> float | None:
    """The rate of ``line`` in force on ``on`` per the record's layers, or None if no layer covers it."""
    data = data or load_macro("tariffs")
    if economy not in RECORD_LAYERS:
        raise ValueError(f"no tariff lines for {economy!r}; known: {', '.join(RECORD_LAYERS)}")
    sector = _line(line).sector
    day = np.array([np.datetime64(on, "D")])
    r = float(_rates(RECORD_LAYERS[economy], data.regimes, day, sector)[0])
    return None if math.isnan(r) else r


def _line(line_id: str) -> Line:
    for x in LINES:
        if x.id == line_id:
            return x
    raise ValueError(f"unknown tariff line {line_id!r}; lines: {', '.join(LINE_IDS)}")


def default_date(economy: str, *, data: MacroData | None = None) -> dt.date:
    """The newest start among the record's layers for ``economy`` (the latest rates the record gives)."""
    data = data or load_macro("tariffs")
    return max(data.regimes[x.regime].start_date for x in RECORD_LAYERS[economy])


def tariff_paid(economy: str, *, on: dt.date | None = None, rate: float | None = None,
                step_up: float | None = None, bases: Mapping[str, float] | None = None,
                data: MacroData | None = None) -> PaidTable:
    """Tariff paid a year by line at the rates in force on ``on``; at ``rate`` X; the cost of a step-up.

    ``on`` defaults to :func:`default_date`. ``step_up`` is the rate every line steps up
    to; by default each line's rate in the economy's announced step-up (Korea's 25% of
    2026-01-26), and no step-up where there is none. A line's step-up cost is never
    negative (a step-up below the rate in force costs nothing).
    """
    data = data or load_macro("tariffs")
    when = on or default_date(economy, data=data)
    for name, x in (("rate", rate), ("step_up", step_up)):
        if x is not None and not (math.isfinite(x) and 0.0 <= x <= 1.0):
            raise ValueError(f"{name} must be a fraction between 0 and 1 (0.25 for 25%), got {x!r}")
    got = line_bases(economy, data=data, bases=bases)
    step_regime = data.regimes.get(STEP_UP_REGIMES.get(economy, ""))
    rows = []
    for line in LINES:
        b = got[line.id]
        t = rate_on(economy, line.id, when, data=data)
        up = step_up if step_up is not None else (
            step_regime.rate(line.sector) if step_regime is not None and line.sector in step_regime.rates
            else None)
        if isinstance(b, str):
            rows.append(LineRow(line=line, base=None, base_status="gap", base_cite=b, rate=t, paid=None,
                                paid_at=None, step_up_rate=up, step_up_cost=None, why=f"no trade base: {b}"))
            continue
        base = float(b.value)
        why = "" if t is not None else f"no rate in force on {when} in the record"
        rows.append(LineRow(
            line=line, base=base, base_status=str(b.status), base_cite=b.cite(), rate=t,
            paid=None if t is None else t * base, paid_at=None if rate is None else rate * base,
            step_up_rate=up,
            step_up_cost=None if t is None or up is None else max(up - t, 0.0) * base, why=why))
    notes = [f"Rates in force on {when} per the record's layers: "
             + ", ".join(x.regime for x in RECORD_LAYERS[economy]) + "."]
    if step_up is None and step_regime is not None:
        notes.append(f"Step-up: {step_regime.id} ({step_regime.kind}, {step_regime.start_date}): "
                     f"{step_regime.label}.")
    return PaidTable(economy=economy, on=when, rate_x=rate, rows=tuple(rows), notes=tuple(notes))


@dataclass(frozen=True, slots=True, kw_only=True)
class YearLine:
    """One line over one calendar year, day by day: days the record prices, their mean rate, the tariff."""

    line: Line
    base: float | None
    days: int  # days of the year with a rate in force in the record
    mean_rate: float | None  # over those days
    paid: float | None  # sum over those days of rate x base / days in the year
    why: str = ""


def tariff_paid_in_year(economy: str, year: int, *, bases: Mapping[str, float] | None = None,
                        data: MacroData | None = None) -> tuple[YearLine, ...]:
    """Tariff paid on each line in calendar ``year``, day by day at the rates the record gives.

    ``paid = sum over the days with a rate of rate(day) x base / days in the year``, so a
    rate that changes mid-year (Section 122 from 2026-02-24) counts for its days only and
    days the record does not price (after Section 122's 150 days) count for nothing; the
    row says how many days were priced.
    """
    data = data or load_macro("tariffs")
    if economy not in RECORD_LAYERS:
        raise ValueError(f"no tariff lines for {economy!r}; known: {', '.join(RECORD_LAYERS)}")
    if not 1950 <= year <= 2150:
        raise ValueError(f"year must be a calendar year between 1950 and 2150, got {year!r}")
    got = line_bases(economy, data=data, bases=bases)
    days = np.arange(np.datetime64(f"{year:04d}-01-01"), np.datetime64(f"{year + 1:04d}-01-01"))
    out = []
    for line in LINES:
        r = _rates(RECORD_LAYERS[economy], data.regimes, days, line.sector)
        priced = ~np.isnan(r)
        n = int(priced.sum())
        mean = float(r[priced].mean()) if n else None
        b = got[line.id]
        if isinstance(b, str):
            out.append(YearLine(line=line, base=None, days=n, mean_rate=mean, paid=None,
                                why=f"no trade base: {b}"))
            continue
        base = float(b.value)
        paid = float(np.sum(r[priced]) * base / days.size) if n else None
        why = "" if n == days.size else (f"the record prices {n} of {days.size} days" if n
                                         else f"no rate in force in {year} in the record")
        out.append(YearLine(line=line, base=base, days=n, mean_rate=mean, paid=paid, why=why))
    return tuple(out)


def export_loss(base: float, from_rate: float, to_rate: float, *, elasticity: float,
                incidence: float) -> float:
    """Exports lost a year on ``base`` when the rate moves ``from_rate`` -> ``to_rate`` (module docstring)."""
    for name, x in (("from_rate", from_rate), ("to_rate", to_rate), ("incidence", incidence)):
        if not (math.isfinite(x) and 0.0 <= x <= 1.0):
            raise ValueError(f"{name} must be a fraction between 0 and 1, got {x!r}")
    if not (math.isfinite(elasticity) and elasticity >= 0):
        raise ValueError(f"elasticity must be zero or more, got {elasticity!r}")
    if not (math.isfinite(base) and base >= 0):
        raise ValueError(f"base must be a finite, non-negative amount, got {base!r}")
    return base * min(1.0, elasticity * incidence * (to_rate - from_rate) / (1.0 + from_rate))


def trade_effect(table: PaidTable, *, to_rate: float | None = None, elasticity: float | None = None,
                 incidence: float | None = None, value_added_share: float | None = None,
                 data: MacroData | None = None, gdp: float | None = None) -> tuple[TradeEffect, ...]:
    """Exports lost by line (and a ``total`` row) when each priced line moves to ``to_rate``.

    ``to_rate`` defaults to each line's step-up rate. The elasticity, the incidence
    and the value-added share default to the assumed clauses of ``tariffs.yaml``;
    ``gdp`` to the economy's latest ``gdp_usd`` (None: no share of GDP).
    """
    data = data or load_macro("tariffs")
    eco = table.economy
    try:
        e = float(data.value("import_demand_elasticity", eco)) if elasticity is None else float(elasticity)
        phi = float(data.value("importer_incidence", eco)) if incidence is None else float(incidence)
        va = float(data.value("export_value_added_share", eco)) if value_added_share is None \
            else float(value_added_share)
    except KeyError as exc:
        raise ValueError(f"no trade effect for {eco}: {exc.args[0]}; pass elasticity=, incidence= and "
                         f"value_added_share=") from None
    if gdp is None:
        gdp = latest_gdp(eco)
    out = []
    for r in table.rows:
        target = to_rate if to_rate is not None else r.step_up_rate
        if r.base is None or r.rate is None or target is None:
            continue
        loss = export_loss(r.base, r.rate, target, elasticity=e, incidence=phi)
        out.append(TradeEffect(line=r.line.id, base=r.base, from_rate=r.rate, to_rate=target, loss=loss,
                               value_added=va * loss, share_of_gdp=None if not gdp else va * loss / gdp))
    if out:
        base = sum(x.base for x in out)
        loss = sum(x.loss for x in out)
        out.append(TradeEffect(line="total", base=base, from_rate=float("nan"), to_rate=float("nan"),
                               loss=loss, value_added=va * loss,
                               share_of_gdp=None if not gdp else va * loss / gdp))
    return tuple(out)


def latest_gdp(economy: str) -> float | None:
    """The economy's latest ``gdp_usd`` observation from its macro file, or None (a gap)."""
    try:
        data = load_macro({"KR": "korea", "JP": "japan"}.get(economy, economy.lower()))
        s = data.series("gdp_usd", economy)
    except (KeyError, ValueError):
        return None
    return float(s.values[-1]) if len(s.values) else None


__all__ = [
    "LINES",
    "LINE_IDS",
    "RECORD_LAYERS",
    "Line",
    "LineRow",
    "PaidTable",
    "TradeEffect",
    "YearLine",
    "default_date",
    "export_loss",
    "latest_gdp",
    "line_bases",
    "rate_on",
    "tariff_paid",
    "tariff_paid_in_year",
    "trade_effect",
]
