"""Amounts written in won or yen: converted to US dollars at a cited rate when a file is read.

pledgelab computes in US dollars (docs/architecture.md). A money clause of a term
sheet or a pipeline may be written in ``KRW`` or ``JPY`` instead — ``unit: KRW``
for ``USD``, ``KRW/calendar-year`` for ``USD/calendar-year``, ``KRW/month`` for a
cash-flow series' ``USD/month`` — and is converted when it is read::

    usd = amount / rate        # rate: units of the currency per US dollar

at the rate of a cited rate table: ``data/fx/rates.yaml`` (schema
``pledgelab.fx-rates/1``), or a pipeline's own ``fx_rates`` section of the same
shape. Each rate is a clause (unit ``KRW/USD``) with its source, and the table
gives the date it holds for (``as_of``). The converted clause keeps its status
and sources, takes unit ``USD``, and says in its ``note`` what was written and
the rate used, so ``pledgelab explain`` shows both. Alternatives and history
values are converted at the same rate.

Results are reported back in either currency by :func:`pledgelab.metrics.cash_flows`
(``currency=``), at the cited rate or along the drivers' central path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pledgelab._cited import (
    DATA,
    Alternative,
    Checker,
    Clause,
    ClauseSpec,
    HistoryEntry,
    Reference,
    YMap,
    open_cited,
)
from pledgelab._limits import UNIT_MAXIMUM

CURRENCIES = ("KRW", "JPY")
"""Currencies an amount may be written in besides US dollars."""
RATES_SCHEMA = "pledgelab.fx-rates/1"
_SYMBOL = {"KRW": "₩", "JPY": "¥"}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class FxRate:
    """A cited exchange rate: ``per_usd`` units of ``currency`` buy one US dollar, as of ``as_of``."""

    currency: str
    per_usd: float
    as_of: dt.date
    clause: Clause

    def to_usd(self, amount: float) -> float:
        """``amount`` of the currency in US dollars: ``amount / per_usd``."""
        return amount / self.per_usd

    def from_usd(self, usd: float) -> float:
        """``usd`` US dollars in the currency: ``usd * per_usd``."""
        return usd * self.per_usd

    def cite(self) -> str:
        src = self.clause.references[0].url if self.clause.references else ""
        return f"{self.per_usd:,.2f} {self.currency}/USD as of {self.as_of} ({self.clause.label}; {src})"


_RATE = {c: ClauseSpec(units=(f"{c}/USD",), kind="money", minimum=1e-6, maximum=1e6) for c in CURRENCIES}


def read_rate_table(table: Any, where: Any, chk: Checker,
                    references: Mapping[str, Reference]) -> dict[str, FxRate]:
    """A mapping ``{KRW: {as_of: date, rate: <clause KRW/USD>}, ...}`` read with ``chk``."""
    out: dict[str, FxRate] = {}
    m = chk.mapping(table, where)
    if m is None:
        return out
    for cur in m:
        if cur not in CURRENCIES:
            chk.add(m.at(cur), f"{cur!r} is not a currency pledgelab converts; expected one of: "
                               f"{', '.join(CURRENCIES)}")
            continue
        entry = chk.mapping(m[cur], m.at(cur))
        if entry is None:
            continue
        chk.keys(entry, required=("as_of", "rate"))
        as_of = chk.date(entry, "as_of")
        rate = chk.clause(entry, "rate", _RATE[cur], references)
        if as_of is not None and rate is not None:
            out[cur] = FxRate(currency=cur, per_usd=float(rate.value), as_of=as_of, clause=rate)
    return out


def read_rates(path: Path | None = None) -> dict[str, FxRate]:
    """The cited rate table (the shipped ``data/fx/rates.yaml`` by default), by currency."""
    path = path or DATA / "fx" / "rates.yaml"
    display = "fx/rates.yaml" if path == DATA / "fx" / "rates.yaml" else str(path)
    root, chk, head = open_cited(path, schema=RATES_SCHEMA, display=display,
                                 required=("schema", "id", "title", "summary", "references", "rates"))
    out = read_rate_table(root.get("rates"), root.at("rates"), chk, head.references)
    chk.raise_if_any()
    return out


_SHIPPED: dict[str, FxRate] | None = None


def shipped_rates() -> dict[str, FxRate]:
    """The shipped rate table, read once."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = read_rates()
    return _SHIPPED


def _split(unit: Any) -> tuple[str, str] | None:
    """``("KRW", "/calendar-year")`` for ``"KRW/calendar-year"``; None for any other unit."""
    if not isinstance(unit, str):
        return None
    for cur in CURRENCIES:
        if unit == cur or (unit.startswith(cur + "/") and not unit.endswith("/USD")):
            return cur, unit[len(cur):]
    return None


class CurrencyChecker(Checker):
    """The cited-file checker that also reads money clauses written in won or yen.

    A clause whose spec accepts ``USD...`` and whose unit is the same in ``KRW`` or ``JPY``
    is checked in that currency (its bounds scaled by the rate) and returned in US dollars.
    ``rates`` are the table to convert at (the shipped one unless given, e.g. a pipeline's
    own); :attr:`converted` records, by clause path, the rate each conversion used.
    """

    def __init__(self, *, rates: Mapping[str, FxRate] | None = None) -> None:
        super().__init__()
        self._rates = dict(rates) if rates is not None else None
        self.converted: dict[str, FxRate] = {}

    @property
    def rates(self) -> dict[str, FxRate]:
        if self._rates is None:
            self._rates = dict(shipped_rates())
        return self._rates

    def use_rates(self, rates: Mapping[str, FxRate]) -> None:
        """Convert at ``rates`` where they name a currency (the shipped table for the others)."""
        self._rates = {**self.rates, **rates}

    def clause(self, obj: YMap, key: str, spec: ClauseSpec, references: Mapping[str, Reference], *,
               required: bool = True) -> Clause | None:
        node = obj.get(key)
        split = _split(node.get("unit")) if isinstance(node, YMap) else None
        if split is None or spec.kind not in ("money", "series") or f"USD{split[1]}" not in spec.units:
            return super().clause(obj, key, spec, references, required=required)
        assert isinstance(node, YMap)
        cur, rest = split
        rate = self.rates.get(cur)
        if rate is None:
            self.add(node.at("unit"), f"no cited rate for {cur}; give one in fx_rates")
            return None
        usd_unit = f"USD{rest}"
        ceiling = spec.maximum if spec.maximum is not None else UNIT_MAXIMUM.get(usd_unit)
        local = dataclasses.replace(
            spec, units=(str(node["unit"]),),
            minimum=None if spec.minimum is None else spec.minimum * rate.per_usd,
            maximum=None if ceiling is None else ceiling * rate.per_usd)
        got = super().clause(obj, key, local, references, required=required)
        if got is None:
            return None
        self.converted[got.path] = rate
        if spec.kind == "series":  # the reader scales the series it read (CashFlowSeries.scaled)
            return dataclasses.replace(got, unit=usd_unit, note=_note(got, cur, rate, None))
        return dataclasses.replace(
            got, value=_usd(got.value, rate), unit=usd_unit, note=_note(got, cur, rate, got.value),
            alternatives=tuple(Alternative(value=_usd(a.value, rate), label=a.label)
                               for a in got.alternatives),
            history=tuple(HistoryEntry(date=h.date, value=_usd(h.value, rate), note=h.note,
                                       references=h.references) for h in got.history))


def _usd(value: Any, rate: FxRate) -> Any:
    return rate.to_usd(float(value)) if isinstance(value, int | float) and not isinstance(value, bool) \
        else value


def _note(c: Clause, cur: str, rate: FxRate, written: Any) -> str:
    what = f"{_SYMBOL[cur]}{float(written):,.0f}" if isinstance(written, int | float) else f"amounts in {cur}"
    line = f"Written as {what}; converted at {rate.cite()}."
    return f"{c.note} {line}" if c.note else line
