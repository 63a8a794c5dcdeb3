"""Macro data files: reserves, exchange rates, current accounts and tariff regimes, as cited clauses.

A macro file (``data/macro/<id>.yaml``, schema ``pledgelab.macro/1``) is read
with the same :class:`~pledgelab._cited.Checker` as a term sheet, so a
bad file is rejected with ``file:line: field: message``, every problem at once.

The file::

    schema: pledgelab.macro/1
    id: korea                      # the file name
    title: ...
    summary: ...
    references:                    # key -> {title, url, date?}
      joongang-2025-12-03: {title: ..., url: https://...}
    economies:                     # optional; two-capital code -> block
      KR:
        name: Republic of Korea
        currency: KRW              # three capitals; "{ccy}" in a unit below means this
        series:                    # dated observations of one measure
          reserves_usd:
            unit: USD
            label: FX reserves, end of month
            note: optional
            observations:
              - {date: 2025-11-30, value: 430.66e9, status: reported, refs: [joongang-2025-12-03]}
        values:                    # single clauses (value, unit, label, status, refs, ...)
          swap_cost: {value: 0.04, unit: per-year, label: ..., status: reported, refs: [...]}
        gaps:                      # looked for in the reference, not found: name -> why
          gdp_usd: Japan's GDP in US dollars is not in the reference (its Gaps 6).
    regimes:                       # optional; tariff regimes as dated layers
      kr-deal-2025-08:
        partners: [KR]
        label: ...
        kind: in-force             # in-force | threatened | announced
        authority: ieepa           # optional: ieepa | section-232 | section-122
        start: <clause, unit date>
        end: <clause, unit date>   # optional
        basis: <clause, unit rule> # optional: total | floor-mfn | on-top
        rates: {general: <clause, unit fraction>, autos: ...}
        note: optional
    gaps: {name: why}              # optional, file-level gaps

**Observations.** Each observation is a clause without ``unit`` and ``label``
(both come from its series) plus a ``date``: ``value`` and ``status`` are
required; ``refs``, ``reason``, ``alternatives`` and ``note`` follow the clause
rules (a reported or disputed value needs refs; an assumed one a reason and
alternatives; a disputed one alternatives). A date is the **last day of the
period the value describes**: the month-end for a month-end level *and* for a
monthly average, 31 December for a calendar year, the last day of the fiscal
year (Japan: 31 March) for a fiscal year, the day itself for a point. Dates
strictly increase within a series.

**Names are a closed vocabulary** (:data:`SERIES_MEASURES`,
:data:`VALUE_MEASURES`): each fixes the unit, the kind of number, whether it
may be negative (only balances may) and, for a series, its frequency and basis
(``end`` level, period ``average``, period ``total`` or a ``point``). A typo in
a name, a unit in the wrong currency, a percent where a fraction is expected
(``4`` for 4%), a negative stock, a date that is not the end of its period,
dates out of order or repeated, and a reference key the file does not define
are all rejected.

**Tariff regimes** are dated layers: a regime sets the rate of each sector it
names (:data:`TARIFF_SECTORS`), for its partners, from ``start`` to ``end`` (or
until a later regime names the sector). ``kind`` says whether the rate was in
force, only threatened, or announced; which layers make up a scenario is the
tariff model's choice, not the data's. ``basis`` says how the rate meets the
most-favoured-nation (MFN) duty: ``total`` (the whole duty), ``floor-mfn``
(the duty is the higher of the rate and MFN) or ``on-top`` (added to MFN).

**Gaps** record what was looked for and not found, so code that asks for a
missing measure is told why it is missing (:meth:`MacroData.series` raises a
``KeyError`` quoting the gap) instead of finding an invented number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pledgelab._cited import (
    Alternative,
    Checker,
    Clause,
    ClauseSpec,
    Located,
    Reference,
    Status,
    YMap,
    locate,
    open_cited,
)

MACRO_SCHEMA = "pledgelab.macro/1"
KIND = "macro"  # the folder under data/

FREQUENCIES = ("day", "month", "quarter", "year", "fiscal-year")
BASES = ("end", "average", "total", "point")
REGIME_KINDS = ("in-force", "threatened", "announced")
AUTHORITIES = ("ieepa", "section-232", "section-122")
TARIFF_SECTORS = ("general", "autos", "steel_aluminium", "lumber", "pharmaceuticals", "semiconductors")
DUTY_BASES = ("total", "floor-mfn", "on-top")

_ECONOMY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_REGIME_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_FILE_KEYS = ("schema", "id", "title", "summary", "references")
_ECONOMY_KEYS = ("name", "currency")
_SERIES_KEYS = ("unit", "label", "observations")
_OBS_KEYS = ("date", "value", "status")
_OBS_OPTIONAL = ("refs", "reason", "alternatives", "note")
_REGIME_KEYS = ("partners", "label", "kind", "start", "rates")

_DATE = ClauseSpec(units=("date",), kind="date")
_BASIS = ClauseSpec(units=("rule",), kind="choice", choices=DUTY_BASES)
_TARIFF = ClauseSpec(units=("fraction",), kind="fraction")


@dataclass(frozen=True, slots=True, kw_only=True)
class Measure:
    """What one series or value name holds: unit, kind of number and, for a series, its timing.

    ``unit`` may contain ``{ccy}``, the economy's currency (``KRW/USD``, ``JPY``).
    ``kind`` is ``money`` (an amount or a price), ``rate`` (a fraction per year) or
    ``fraction``; ``signed`` lets a balance be negative.
    """

    unit: str
    description: str
    kind: str = "money"
    signed: bool = False
    frequency: str | None = None  # series only
    basis: str | None = None  # series only

    def resolve_unit(self, currency: str) -> str:
        return self.unit.replace("{ccy}", currency)

    def spec(self, currency: str) -> ClauseSpec:
        unit = self.resolve_unit(currency)
        if self.kind == "money":
            lo: float | None = None if self.signed else (1e-6 if "/USD" in unit else 0.0)
            return ClauseSpec(units=(unit,), kind="money", minimum=lo)
        if self.kind == "number":
            return ClauseSpec(units=(unit,), kind="number", minimum=0.0, maximum=100.0)
        return ClauseSpec(units=(unit,), kind=self.kind, minimum=-1.0 if self.signed else 0.0, maximum=1.0)


def _s(unit: str, frequency: str, basis: str, description: str, *, kind: str = "money",
       signed: bool = False) -> Measure:
    return Measure(unit=unit, description=description, kind=kind, signed=signed, frequency=frequency,
                   basis=basis)


SERIES_MEASURES: dict[str, Measure] = {
    "reserves_usd": _s("USD", "month", "end", "official FX reserves, end of month"),
    "reserves_securities_usd": _s("USD", "month", "end", "securities held in the FX reserves"),
    "reserves_deposits_usd": _s("USD", "month", "end", "deposits held in the FX reserves"),
    "reserves_sdr_usd": _s("USD", "month", "end", "special drawing rights in the FX reserves"),
    "reserves_gold_usd": _s("USD", "month", "end", "gold in the FX reserves (book value)"),
    "reserves_imf_position_usd": _s("USD", "month", "end", "reserve position in the IMF"),
    "reserves_jbic_loans_usd": _s(
        "USD", "month", "end", "loans to JBIC among other foreign-currency assets (reserve template)"),
    "fx_monthly_average": _s("{ccy}/USD", "month", "average", "exchange rate, monthly average"),
    "fx_quarterly_average": _s("{ccy}/USD", "quarter", "average", "exchange rate, quarterly average"),
    "fx_annual_average": _s("{ccy}/USD", "year", "average", "exchange rate, calendar-year average"),
    "fx_fiscal_year_average": _s("{ccy}/USD", "fiscal-year", "average", "exchange rate, fiscal-year average"),
    "fx_level": _s("{ccy}/USD", "day", "point", "exchange rate on a day (close, intraday or as reported)"),
    "current_account_usd": _s("USD", "year", "total", "current-account balance, calendar year", signed=True),
    "current_account_local": _s("{ccy}", "year", "total", "current-account balance, calendar year",
                                signed=True),
    "current_account_fy_usd": _s("USD", "fiscal-year", "total", "current-account balance, fiscal year",
                                 signed=True),
    "current_account_fy_local": _s("{ccy}", "fiscal-year", "total", "current-account balance, fiscal year",
                                   signed=True),
    "current_account_with_us_usd": _s("USD", "year", "total", "current-account balance with the US",
                                      signed=True),
    "current_account_to_gdp": _s("fraction", "year", "total", "current-account balance over GDP",
                                 kind="fraction", signed=True),
    "goods_balance_usd": _s("USD", "year", "total", "goods balance", signed=True),
    "services_balance_usd": _s("USD", "year", "total", "services balance", signed=True),
    "primary_income_usd": _s("USD", "year", "total", "primary-income balance", signed=True),
    "primary_income_local": _s("{ccy}", "year", "total", "primary-income balance", signed=True),
    "gdp_usd": _s("USD", "year", "total", "nominal GDP in US dollars"),
    "central_budget_usd": _s("USD", "year", "total",
                             "central-government budget (total expenditure), in dollars"),
    "central_budget_local": _s("{ccy}", "year", "total", "central-government budget (total expenditure)"),
}

VALUE_MEASURES: dict[str, Measure] = {
    "reserve_income_usd": Measure(unit="USD/year", description="income from managing the FX reserves"),
    "reserve_income_local": Measure(unit="{ccy}/year", description="income from managing the FX reserves"),
    "absorbable_outflow_usd": Measure(unit="USD/year",
                                      description="dollars a year the FX market can absorb (official view)"),
    "swap_cost": Measure(unit="per-year", kind="rate", description="interest cost of a currency swap"),
    "reserves_red_line_usd": Measure(unit="USD", description="level of reserves seen as a red line"),
    "reserves_record_high_usd": Measure(unit="USD", description="record-high FX reserves"),
    "fx_special_account_surplus_local": Measure(unit="{ccy}",
                                                description="surplus of the FX special account"),
    "investment_corporation_capital_local": Measure(
        unit="{ccy}", description="statutory capital of the body that makes the pledge's investments"),
    "tariff_paid_usd": Measure(unit="USD/month", description="US tariffs paid on the economy's exports"),
    "us_dutiable_imports_usd": Measure(
        unit="USD/year", description="US imports from the economy that pay tariffs (trade base)"),
    "us_imports_usd": Measure(unit="USD/year", description="US imports from the economy, all goods"),
    "us_imports_autos_usd": Measure(unit="USD/year",
                                    description="US imports of the economy's autos and parts"),
    "us_imports_steel_aluminium_usd": Measure(
        unit="USD/year", description="US imports of the economy's steel and aluminium (Section 232 line)"),
    "us_imports_lumber_usd": Measure(
        unit="USD/year", description="US imports of the economy's timber and lumber (Section 232 line)"),
    "us_imports_pharmaceuticals_usd": Measure(
        unit="USD/year", description="US imports of the economy's pharmaceuticals (own tariff line)"),
    "us_imports_semiconductors_usd": Measure(
        unit="USD/year", description="US imports of the economy's semiconductors (own tariff line)"),
    "tariff_exempt_share": Measure(unit="fraction", kind="fraction",
                                   description="share of US imports from the economy exempt from the tariff"),
    "importer_incidence": Measure(unit="fraction", kind="fraction",
                                  description="share of a tariff borne by the US importer (pass-through)"),
    "import_demand_elasticity": Measure(unit="elasticity", kind="number",
                                        description="fall in US purchases per unit rise in their price"),
    "export_value_added_share": Measure(unit="fraction", kind="fraction",
                                        description="domestic value added per dollar of gross exports"),
    "tariff_savings_claimed_local": Measure(unit="{ccy}", description="tariff savings claimed for the deal"),
    "tariff_savings_claimed_usd": Measure(unit="USD", description="tariff savings claimed for the deal"),
}


# -- the data ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """One dated value of a series, with its status and sources (a clause plus a date)."""

    date: dt.date
    clause: Clause

    @property
    def value(self) -> float:
        return float(self.clause.value)

    @property
    def status(self) -> Status:
        return self.clause.status

    @property
    def references(self) -> tuple[Reference, ...]:
        return self.clause.references

    @property
    def reason(self) -> str | None:
        return self.clause.reason

    @property
    def alternatives(self) -> tuple[Alternative, ...]:
        return self.clause.alternatives

    @property
    def note(self) -> str | None:
        return self.clause.note


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """Dated observations of one measure of one economy (dates strictly increasing)."""

    name: str
    economy: str
    unit: str
    label: str
    frequency: str
    basis: str
    observations: tuple[Observation, ...]
    note: str | None = None
    file: str = ""
    line: int = 0

    @property
    def dates(self) -> np.ndarray:
        """The observation dates as ``datetime64[D]``."""
        return np.array([o.date for o in self.observations], dtype="datetime64[D]")

    @property
    def values(self) -> np.ndarray:
        """The observation values as ``float64``."""
        return np.array([o.value for o in self.observations], dtype=np.float64)

    def at(self, date: dt.date) -> Observation:
        """The observation dated ``date`` (a ``KeyError`` if there is none)."""
        for o in self.observations:
            if o.date == date:
                return o
        raise KeyError(f"{self.economy} {self.name} has no observation dated {date}")

    def __len__(self) -> int:
        return len(self.observations)


@dataclass(frozen=True, slots=True, kw_only=True)
class Economy:
    """The series, single values and documented gaps of one economy."""

    code: str
    name: str
    currency: str
    timeseries: dict[str, Series]
    values: dict[str, Clause]
    gaps: dict[str, str]

    def series(self, name: str) -> Series:
        if name in self.timeseries:
            return self.timeseries[name]
        raise KeyError(_missing(f"{self.code} series", name, self.timeseries, self.gaps))

    def clause(self, name: str) -> Clause:
        if name in self.values:
            return self.values[name]
        raise KeyError(_missing(f"{self.code} value", name, self.values, self.gaps))

    def value(self, name: str) -> float:
        return float(self.clause(name).value)


@dataclass(frozen=True, slots=True, kw_only=True)
class TariffRegime:
    """US tariff rates on some partners' goods, by sector, over a dated window."""

    id: str
    label: str
    kind: str  # in-force | threatened | announced
    partners: tuple[str, ...]
    authority: str | None
    start: Clause
    end: Clause | None
    basis: Clause | None
    rates: dict[str, Clause]
    note: str | None = None
    file: str = ""
    line: int = 0

    @property
    def start_date(self) -> dt.date:
        value: dt.date = self.start.value
        return value

    @property
    def end_date(self) -> dt.date | None:
        if self.end is None:
            return None
        value: dt.date = self.end.value
        return value

    def rate(self, sector: str) -> float:
        if sector not in self.rates:
            raise KeyError(f"regime {self.id} sets no rate for {sector!r}; it sets: {', '.join(self.rates)}")
        return float(self.rates[sector].value)

    def clauses(self) -> Iterator[Clause]:
        yield self.start
        if self.end is not None:
            yield self.end
        if self.basis is not None:
            yield self.basis
        yield from self.rates.values()


@dataclass(frozen=True, slots=True, kw_only=True)
class MacroData:
    """One macro data file: economies (series, values, gaps), tariff regimes and file-level gaps."""

    id: str
    title: str
    summary: str
    economies: dict[str, Economy]
    regimes: dict[str, TariffRegime]
    gaps: dict[str, str]
    references: dict[str, Reference]
    file: str

    def economy(self, code: str | None = None) -> Economy:
        """The economy ``code``; with no code, the file's only economy."""
        if code is None:
            if len(self.economies) != 1:
                raise KeyError(f"{self.file} holds {len(self.economies)} economies "
                               f"({', '.join(self.economies) or 'none'}); name one")
            return next(iter(self.economies.values()))
        if code not in self.economies:
            raise KeyError(f"{self.file} holds no economy {code!r}; it holds: "
                           f"{', '.join(self.economies) or 'none'}")
        return self.economies[code]

    def series(self, name: str, economy: str | None = None) -> Series:
        """A series by name (``.dates`` as datetime64[D], ``.values`` as float64)."""
        return self.economy(economy).series(name)

    def clause(self, name: str, economy: str | None = None) -> Clause:
        return self.economy(economy).clause(name)

    def value(self, name: str, economy: str | None = None) -> float:
        return self.economy(economy).value(name)

    def observations(self) -> Iterator[tuple[Series, Observation]]:
        for eco in self.economies.values():
            for s in eco.timeseries.values():
                for o in s.observations:
                    yield s, o

    def clauses(self) -> Iterator[Clause]:
        """Every clause of the file: observations, values, then regime clauses (for citations)."""
        for _, o in self.observations():
            yield o.clause
        for eco in self.economies.values():
            yield from eco.values.values()
        for regime in self.regimes.values():
            yield from regime.clauses()


def _missing(what: str, name: str, known: dict[str, Any], gaps: dict[str, str]) -> str:
    if name in gaps:
        return f"{what} {name!r} is a documented gap: {gaps[name]}"
    return f"no {what} {name!r}; known: {', '.join(known) or 'none'}"


# -- reading ----------------------------------------------------------------------------------------

def read_macro(path: Path, *, display: str | None = None) -> MacroData:
    """Read and check one macro data file."""
    root, chk, head = open_cited(path, schema=MACRO_SCHEMA, display=display, required=_FILE_KEYS,
                                 allowed=("economies", "regimes", "gaps"))
    mid, title, summary, refs = head.id, head.title, head.summary, head.references

    economies: dict[str, Economy] = {}
    if "economies" in root and (table := chk.mapping(root["economies"], root.at("economies"))) is not None:
        for code, item in table.items():
            if not _ECONOMY.match(code):
                chk.add(table.at(code), f"{code!r} is not an economy code (two capitals, e.g. KR)")
                continue
            m = chk.mapping(item, table.at(code))
            if m is not None and (eco := _economy(chk, code, m, refs)) is not None:
                economies[code] = eco

    regimes: dict[str, TariffRegime] = {}
    if "regimes" in root and (rt := chk.mapping(root["regimes"], root.at("regimes"))) is not None:
        for rid, item in rt.items():
            if not _REGIME_ID.match(rid):
                chk.add(rt.at(rid), f"{rid!r} is not a regime id (lower case, digits and hyphens)")
                continue
            m = chk.mapping(item, rt.at(rid))
            if m is not None and (regime := _regime(chk, rid, m, refs)) is not None:
                regimes[rid] = regime

    gaps = _gaps(chk, root)
    chk.raise_if_any()
    assert mid and title and summary
    return MacroData(id=mid, title=title, summary=summary.strip(), economies=economies, regimes=regimes,
                     gaps=gaps, references=refs, file=head.file)


def load_macro(name_or_path: str | Path) -> MacroData:
    """Load shipped macro data by id (``"korea"``, ``"japan"``, ``"tariffs"``) or a file by path."""
    path, display = locate(KIND, name_or_path)
    return read_macro(path, display=display)


def _economy(chk: Checker, code: str, m: YMap, refs: dict[str, Reference]) -> Economy | None:
    chk.keys(m, required=_ECONOMY_KEYS, allowed=("series", "values", "gaps"))
    name = chk.text(m, "name")
    currency = chk.text(m, "currency")
    if currency is not None and not _CURRENCY.match(currency):
        chk.add(m.at("currency"), f"{currency!r} is not a currency code (three capitals, e.g. KRW)")
        currency = None
    ccy = currency or "???"  # keeps checking the rest; the file is rejected anyway

    timeseries: dict[str, Series] = {}
    if "series" in m and (st := chk.mapping(m["series"], m.at("series"))) is not None:
        for sname, item in st.items():
            measure = SERIES_MEASURES.get(sname)
            if measure is None:
                chk.add(st.at(sname), f"unknown series {sname!r}; known: {', '.join(SERIES_MEASURES)}")
                continue
            sm = chk.mapping(item, st.at(sname))
            if sm is not None and (s := _series(chk, code, sname, measure, ccy, sm, refs)) is not None:
                timeseries[sname] = s

    values: dict[str, Clause] = {}
    if "values" in m and (vt := chk.mapping(m["values"], m.at("values"))) is not None:
        for vname in vt:
            vmeasure = VALUE_MEASURES.get(vname)
            if vmeasure is None:
                chk.add(vt.at(vname), f"unknown value {vname!r}; known: {', '.join(VALUE_MEASURES)}")
                continue
            c = chk.clause(vt, vname, vmeasure.spec(ccy), refs)
            if c is not None:
                values[vname] = c

    gaps = _gaps(chk, m)
    for gname in gaps:
        if gname in m.get("series", {}) or gname in m.get("values", {}):
            chk.add(m["gaps"].at(gname), f"{gname!r} is documented as a gap but is also given")
    if name is None or currency is None:
        return None
    return Economy(code=code, name=name, currency=currency, timeseries=timeseries, values=values, gaps=gaps)


def _series(chk: Checker, code: str, name: str, measure: Measure, ccy: str, m: YMap,
            refs: dict[str, Reference]) -> Series | None:
    before = len(chk.problems)
    chk.keys(m, required=_SERIES_KEYS, allowed=("note",))
    unit = measure.resolve_unit(ccy)
    if "unit" in m and m["unit"] != unit:
        chk.add(m.at("unit"), f"unit {m['unit']!r} is not accepted here; expected {unit!r}")
    label = chk.text(m, "label")
    note = chk.text(m, "note", required=False)
    assert measure.frequency is not None and measure.basis is not None
    spec = measure.spec(ccy)
    obs: list[Observation] = []
    raw = chk.items(m, "observations", "{date, value, status, refs}")
    seen: dict[dt.date, int] = {}
    for loc, item in raw.items_located():
        om = chk.mapping(item, loc)
        if om is None:
            continue
        o = _observation(chk, om, spec, unit=unit, label=label or name, refs=refs)
        date = chk.date(om, "date")
        if date is None:
            continue
        where = om.at("date")
        _check_period_end(chk, where, date, measure.frequency)
        if date in seen:
            chk.add(where, f"duplicate date {date}: also the date of the observation on line "
                           f"{seen[date]}")
        elif seen and date < max(seen):
            chk.add(where, f"dates out of order: {date} comes after {max(seen)}")
        seen.setdefault(date, where.line)
        if o is not None:
            obs.append(Observation(date=date, clause=o))
    if len(chk.problems) > before or label is None:
        return None
    return Series(name=name, economy=code, unit=unit, label=label, frequency=measure.frequency,
                  basis=measure.basis, observations=tuple(obs), note=note, file=m.loc.file, line=m.loc.line)


def _observation(chk: Checker, om: YMap, spec: ClauseSpec, *, unit: str, label: str,
                 refs: dict[str, Reference]) -> Clause | None:
    """Read an observation as a clause whose unit and label are its series'.

    The observation's own keys are checked here; the value, status, refs, reason and
    alternatives go through :meth:`Checker.clause`, so the clause rules and messages are
    the same as everywhere else.
    """
    chk.keys(om, required=("date",), allowed=(*_OBS_KEYS, *_OBS_OPTIONAL))  # value, status: clause()
    keep = [k for k in om if k in (*_OBS_KEYS, *_OBS_OPTIONAL) and k != "date"]
    node = YMap({k: om[k] for k in keep})
    node.loc = om.loc
    node.key_lines = {k: om.key_lines[k] for k in keep}
    node["unit"] = unit
    node["label"] = label
    holder = YMap({"observation": node})
    holder.loc = om.loc
    holder.key_lines = {"observation": om.loc.line}
    return chk.clause(holder, "observation", spec, refs)


def _check_period_end(chk: Checker, where: Located, date: dt.date, frequency: str) -> None:
    """A series is dated at the last day of each period (see the module docstring)."""
    if frequency == "day":
        return
    month_end = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    if date != month_end:
        chk.add(where, f"a {frequency} series is dated at the end of its period: {date} is not a "
                       f"month-end (did you mean {month_end}?)")
    elif frequency == "quarter" and date.month % 3:
        chk.add(where, f"a quarter series is dated at a quarter end (March, June, September, December); "
                       f"{date} is not")
    elif frequency == "year" and date.month != 12:
        chk.add(where, f"a calendar-year series is dated 31 December; {date} is not")


def _regime(chk: Checker, rid: str, m: YMap, refs: dict[str, Reference]) -> TariffRegime | None:
    before = len(chk.problems)
    chk.keys(m, required=_REGIME_KEYS, allowed=("authority", "end", "basis", "note"))
    label = chk.text(m, "label")
    note = chk.text(m, "note", required=False)
    kind = _choice(chk, m, "kind", REGIME_KINDS)
    authority = _choice(chk, m, "authority", AUTHORITIES)
    partners: list[str] = []
    raw = chk.items(m, "partners", "economy codes (e.g. [KR, JP])")
    for loc, p in raw.items_located():
        if not isinstance(p, str) or not _ECONOMY.match(p):
            chk.add(loc, f"{p!r} is not an economy code (two capitals, e.g. KR)")
        elif p in partners:
            chk.add(loc, f"{p!r} is listed twice")
        else:
            partners.append(p)
    start = chk.clause(m, "start", _DATE, refs, required=False)  # a missing one: keys() above
    end = chk.clause(m, "end", _DATE, refs, required=False)
    if start is not None and end is not None and end.value < start.value:
        chk.add(m.at("end"), f"the regime ends ({end.value}) before it starts ({start.value})")
    basis = chk.clause(m, "basis", _BASIS, refs, required=False)
    rates: dict[str, Clause] = {}
    if "rates" in m and (rt := chk.mapping(m["rates"], m.at("rates"))) is not None:
        if not rt:
            chk.add(m.at("rates"), f"expected at least one sector rate ({', '.join(TARIFF_SECTORS)})")
        for sector in rt:
            if sector not in TARIFF_SECTORS:
                chk.add(rt.at(sector), f"unknown sector {sector!r}; known: {', '.join(TARIFF_SECTORS)}")
            elif (c := chk.clause(rt, sector, _TARIFF, refs)) is not None:
                rates[sector] = c
    if len(chk.problems) > before or start is None or label is None or kind is None:
        return None
    return TariffRegime(id=rid, label=label, kind=kind, partners=tuple(partners), authority=authority,
                        start=start, end=end, basis=basis, rates=rates, note=note, file=m.loc.file,
                        line=m.loc.line)


def _choice(chk: Checker, m: YMap, key: str, choices: tuple[str, ...]) -> str | None:
    value = chk.text(m, key, required=False)
    if value is not None and value not in choices:
        chk.add(m.at(key), f"{value!r} is not one of: {', '.join(choices)}")
        return None
    return value


def _gaps(chk: Checker, m: YMap) -> dict[str, str]:
    out: dict[str, str] = {}
    if "gaps" not in m or (g := chk.mapping(m["gaps"], m.at("gaps"))) is None:
        return out
    for name in g:
        if not _NAME.match(name):
            chk.add(g.at(name), f"{name!r} is not a gap name (lower case, digits and underscores)")
        elif (text := chk.text(g, name)) is not None:
            out[name] = " ".join(text.split())
    return out
