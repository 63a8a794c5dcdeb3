"""How old the ledger's record is, and how big each pledge is next to its economy.

Two readings that go beside the status report:

- **Freshness.** The ledger's date is its newest record's date (``as of``), not
  the day it is read. :func:`freshness` compares that date with a given day (by
  default today) and calls the ledger *stale* when the newest record is more
  than :data:`STALE_AFTER_DAYS` (90) days older: a reader is then told that the
  record may be out of date and how to bring it up to date (``ledger import``,
  docs/ledger.md).
- **Ratios.** :func:`pledge_ratios` gives, per pledge on a date, the headline
  over the investor's nominal GDP (the latest cited ``gdp_usd`` observation of
  the shipped macro data dated on or before the report's date, with its
  sources) and the amount selected over the headline. A pledge whose economy
  has no cited GDP in the macro data gets ``None`` and says so, never a guess.

References
----------
The 90-day window is issue 14's rule for "the ledger to date"; trackers that
publish monthly (Big Green Machine, E2) or quarterly (Clean Investment Monitor)
are older than that only when a release has been missed
(../shared/reference/peer-trackers.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pledgelab.ledger._ledger import Ledger

STALE_AFTER_DAYS = 90
"""A ledger whose newest record is more than this many days before the day it is read is stale."""

UPDATE_HINT = ("add what happened since as dated records with their sources "
               "(`pledgelab ledger import FILE.csv` or `ledger add`; docs/ledger.md, "
               "'Bringing the ledger up to date')")


@dataclass(frozen=True, slots=True, kw_only=True)
class Freshness:
    """The newest record's date against the day the ledger is read."""

    newest: dt.date | None
    today: dt.date
    age_days: int | None  # None for an empty ledger
    stale: bool

    def message(self) -> str:
        """One line for a report: the age, and what to do when the ledger is stale."""
        if self.newest is None:
            return f"The ledger holds no dated record on {self.today}: {UPDATE_HINT}."
        age = f"the newest record is dated {self.newest}, {self.age_days} days before {self.today}"
        if self.stale:
            return (f"Out of date? {age[0].upper()}{age[1:]} (more than {STALE_AFTER_DAYS}): "
                    f"what happened since is not in it; {UPDATE_HINT}.")
        return f"Up to date: {age} (within {STALE_AFTER_DAYS})."


def freshness(newest: dt.date | None, today: dt.date | None = None) -> Freshness:
    """How old the record is on ``today`` (default: the computer's date)."""
    day = today or dt.date.today()
    if newest is None:
        return Freshness(newest=None, today=day, age_days=None, stale=True)
    age = (day - newest).days
    return Freshness(newest=newest, today=day, age_days=age, stale=age > STALE_AFTER_DAYS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gdp:
    """One cited GDP figure: the value, the end of the year it covers, its status and sources."""

    value: float
    period_end: dt.date
    status: str
    sources: tuple[str, ...]
    file: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Ratio:
    """One pledge's size against its economy and how much of it is selected, on ``as_of``."""

    pledge: str
    investor: str
    as_of: dt.date
    headline: float | None
    selected: float
    gdp: Gdp | None
    note: str | None = None

    @property
    def pledge_to_gdp(self) -> float | None:
        """Headline over nominal GDP; None without a headline or a cited GDP."""
        if self.headline is None or self.gdp is None or self.gdp.value <= 0:
            return None
        return self.headline / self.gdp.value

    @property
    def selected_to_headline(self) -> float | None:
        """Amount selected (every project that reached selection) over the headline."""
        if not self.headline:
            return None
        return self.selected / self.headline


GdpLookup = Callable[[str, dt.date], "Gdp | None"]


def _shipped_gdp() -> dict[str, list[Gdp]]:
    """Every cited ``gdp_usd`` observation of the shipped macro data, by economy code.

    Read through the macro package's public API (``load_macro``); an economy with no such
    series (a documented gap) has none.
    """
    from pledgelab._cited import shipped
    from pledgelab.macro import load_macro

    out: dict[str, list[Gdp]] = {}
    for name in shipped("macro"):
        data = load_macro(name)
        for code, eco in data.economies.items():
            if "gdp_usd" in eco.timeseries:
                out.setdefault(code, []).extend(
                    Gdp(value=obs.value, period_end=obs.date, status=str(obs.status.value),
                        sources=tuple(r.url for r in obs.references), file=data.file)
                    for obs in eco.timeseries["gdp_usd"].observations)
    return out


def _latest(figures: list[Gdp], as_of: dt.date) -> Gdp | None:
    dated = [g for g in figures if g.period_end <= as_of]
    return max(dated, key=lambda g: g.period_end) if dated else None


def macro_gdp(investor: str, as_of: dt.date) -> Gdp | None:
    """The investor's latest cited nominal GDP in the shipped macro data dated on or before ``as_of``."""
    return _latest(_shipped_gdp().get(investor, []), as_of)


def pledge_ratios(ledger: Ledger, as_of: dt.date | None = None, *, ceilings: bool = True,
                  gdp: GdpLookup | None = None) -> list[Ratio]:
    """Per pledge on ``as_of`` (default: the newest record's date): headline / GDP and
    selected / headline. ``gdp`` looks a figure up by investor code and date (default: the
    shipped macro data, :func:`macro_gdp`)."""
    from pledgelab.ledger._report import default_as_of, status_report

    when = as_of or default_as_of(ledger)
    table = _shipped_gdp() if gdp is None else {}  # the macro files are read once per report
    lookup: GdpLookup = gdp or (lambda investor, day: _latest(table.get(investor, []), day))
    investors: Mapping[str, Any] = {p["id"]: p["investor"] for p in ledger.records()["pledge"]}
    out = []
    for f in status_report(ledger, when, ceilings=ceilings):
        investor = str(investors.get(f.pledge, ""))
        figure = lookup(investor, when)
        note = None if figure else f"no cited GDP for {investor} in the macro data on {when}"
        out.append(Ratio(pledge=f.pledge, investor=investor, as_of=when, headline=f.headline,
                         selected=f.amounts["selected"], gdp=figure, note=note))
    return out
