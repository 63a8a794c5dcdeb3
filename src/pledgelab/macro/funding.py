"""Funding model: where the investor's dollars for each capital call come from, and the
official foreign-currency balance sheet they leave behind.

A funding plan (``data/funding/<id>.yaml``, schema ``pledgelab.funding/1``) is
an **ordered** list of sources of dollars. Each calendar year the year's calls,
month by month, are met from the sources in order, each up to its annual
``capacity`` (``null``: unlimited, allowed only for the last source, which then
takes the rest) and its lifetime ``total`` (optional). If no source is
unlimited, what the capacities cannot cover is ``unfunded``: it is still paid,
from the gross reserves (the only dollars left). Every year, calls = sum of
sources + unfunded.

The file::

    schema: pledgelab.funding/1
    id: korea-mof-2025             # the file name
    title: ...
    summary: ...
    investor: KR                   # the economy (two capitals) whose calls are funded
    macro: korea                   # macro data file for the reserves, their income and the ratios
    references: {key: {title, url, date?}}
    reserves_baseline:             # clause, unit rule: last-year-end | red-line
    deals: [korea-counter-2025-10] # optional: the deals this plan is the funding of (see funding_plan_for)
    receipts:                      # optional clause, unit rule: to-reserves | outside-reserves
    market_absorption:             # optional clause, USD/year: dollars the market can supply a year
    sources:                       # ordered; each met up to its capacity before the next
      - id: reserve-income         # lower case, digits, hyphens; unique
        kind: reserve-income       # see KIND_EFFECTS
        label: ...                 # optional
        note: ...                  # optional
        capacity: {value: 15e9, unit: USD/year, ...}   # null: unlimited (last source only)
        total: {value: 1.4e9, unit: USD, ...}          # optional: at most this much in all
        rate: {value: 0.035, unit: per-year, ...}      # or: benchmark + spread, both per-year
        spread_slope: {value: 0.001, unit: per-year, ...}  # optional: + this per $100B outstanding
        maturity: {value: 10, unit: years, ...}        # dollar liabilities: years to the last repayment
        amortisation: {value: straight-line, unit: rule, ...}  # dollar liabilities: or bullet

**What a source does is fixed by its kind** (:data:`KIND_EFFECTS`), not set
per file, so two plans cannot describe the same instrument differently:

=======================  ==========================  ==================  =============
kind                     gross reserves              liability           dollar demand
=======================  ==========================  ==================  =============
reserve-income           spent (not reinvested)      none                none
entrusted-assets         drawn, one for one          none                none
guaranteed-bonds         pass through                dollar debt         none
borrowing                pass through                dollar debt         none
swap-line                pass through                short-term debt     none
won-bonds                none                        (won debt)          market
government-contribution  none                        none                market
market-purchase          none                        none                market
=======================  ==========================  ==================  =============

Dollar debt (bonds sold abroad, loans from financial institutions, swap draws)
brings its proceeds into the gross reserves and pays the calls out of them, so
the gross is unchanged by the draw; the debt is a liability, serviced (interest
and principal) from the reserves, which also receive the reserve income. A
swap draw is a short-term liability repaid in one sum after its term. Entrusted
central-bank and stabilization-fund assets leave the reserves one for one (IMF
definition: no longer readily available); the fund's debt to the central bank
is inside the public sector, so it is not subtracted again. Dollars bought in
the won market (won bonds, the government's won contribution, market purchases)
pass neither through the reserves nor into a foreign-currency liability: they
are net dollar demand, the input of the currency-pressure model, and the
market's absorbable amount (``market_absorption``) caps them each year (what
the cap stops falls to the next source).

**Balance sheet, by calendar year** (the identities, tested on every shipped
plan every year)::

    income_t      = yield x gross_{t-1}          yield = reserve income / the baseline observation
    gross_t       = gross_{t-1} + income_t - interest_t - principal_t
                    + proceeds_t + market_t - calls_t + receipts_t
    liabilities_t = liabilities_{t-1} + proceeds_t - principal_t
    net_t         = gross_t - liabilities_t
    no-pledge_t   = no-pledge_{t-1} x (1 + yield)

``proceeds`` are the dollar-debt sources' draws, ``market`` the dollars bought
in the market, ``calls`` all calls (unfunded ones included), ``receipts`` what
the investor gets back (distributions, returned cash) when the plan sends them
to the reserves. The **opening level** is the baseline observation (the last
year-end ``reserves_usd`` observation) moved to the end of the year before the
first year on the no-pledge path, so the observation is counted once, income
included, whatever the first year (a pledge dated before the observation no
longer has that year's income taken twice).

**Cost.** Dollar debt costs the interest actually paid: each month's draw
carries its rate (``rate``, or ``benchmark + spread + spread_slope`` x the
source's outstanding debt in $100B after the draw), on what is outstanding
each month (the month of the draw counts in full), principal repaid at the end
of the years the amortisation says. Other sources keep the simple convention:
money used in month ``m`` costs the source's ``rate`` a year from the start of
``m`` to the end of ``horizon_end_year``. With ``day_count="act/365"`` both
accrue by actual days over 365 from the funding date (the first day of the
call's month) instead of twelfths of a year. Present values and the change in
the net international investment position are in :mod:`pledgelab.macro.balance`.

References
----------
IMF, *International Reserves and Foreign Currency Liquidity: Guidelines for a
Data Template* (2013): reserve assets are readily available and controlled by
the monetary authorities. Korea's Special Act on the Korea-US strategic
investment fund (passed 2026-03-12): the fund's sources are government
contributions, entrusted foreign-currency assets of the Bank of Korea and the
FX Stabilization Fund, Korea-US strategic investment bonds and borrowing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pledgelab._cited import Checker, Clause, ClauseSpec, Reference, YMap, locate, open_cited, shipped
from pledgelab._errors import ArgumentError, InputError
from pledgelab._limits import check
from pledgelab.macro._data import MacroData, load_macro

if TYPE_CHECKING:
    from pledgelab.engine import RunResult

FUNDING_SCHEMA = "pledgelab.funding/1"
KIND = "funding"  # the folder under data/

SOURCE_KINDS = ("reserve-income", "entrusted-assets", "guaranteed-bonds", "borrowing", "swap-line",
                "won-bonds", "government-contribution", "market-purchase")
RESERVES_EFFECTS = ("reduces-reserves-vs-baseline", "draws-reserves", "pass-through", "none")
DOLLAR_DEMANDS = ("market", "none")
LIABILITIES = ("dollar-debt", "short-term", "none")
#: kind -> (reserves_effect, dollar_demand, liability); see the module docstring.
KIND_EFFECTS: dict[str, tuple[str, str, str]] = {
    "reserve-income": ("reduces-reserves-vs-baseline", "none", "none"),
    "entrusted-assets": ("draws-reserves", "none", "none"),
    "guaranteed-bonds": ("pass-through", "none", "dollar-debt"),
    "borrowing": ("pass-through", "none", "dollar-debt"),
    "swap-line": ("pass-through", "none", "short-term"),
    "won-bonds": ("none", "market", "none"),
    "government-contribution": ("none", "market", "none"),
    "market-purchase": ("none", "market", "none"),
}
BASELINES = ("last-year-end", "red-line")
RECEIPTS = ("to-reserves", "outside-reserves")
AMORTISATIONS = ("straight-line", "bullet")
CALL_KINDS = ("capital call", "instalment")
SLOPE_PER = 100e9  # spread_slope is per $100B of the source's outstanding debt
DAY_COUNTS = ("months", "act/365")

ECONOMY_CODE = re.compile(r"^[A-Z]{2}$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FILE_KEYS = ("schema", "id", "title", "summary", "investor", "macro", "references", "reserves_baseline",
              "sources")
_FILE_OPTIONAL = ("receipts", "market_absorption", "deals")
_DEAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SOURCE_KEYS = ("id", "kind", "capacity")
_SOURCE_OPTIONAL = ("label", "note", "rate", "benchmark", "spread", "total", "spread_slope", "maturity",
                    "amortisation")

_CAPACITY = ClauseSpec(units=("USD/year",), kind="money", nullable=True)
_TOTAL = ClauseSpec(units=("USD",), kind="money")
_RATE = ClauseSpec(units=("per-year",), kind="rate", maximum=1.0)
_MATURITY = ClauseSpec(units=("years",), kind="count", minimum=1, maximum=100)
_AMORTISATION = ClauseSpec(units=("rule",), kind="choice", choices=AMORTISATIONS)
_BASELINE = ClauseSpec(units=("rule",), kind="choice", choices=BASELINES)
_RECEIPTS = ClauseSpec(units=("rule",), kind="choice", choices=RECEIPTS)
_ABSORPTION = ClauseSpec(units=("USD/year",), kind="money")


# -- the plan ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One source of dollars: its capacity, its cost a year and, for debt, its repayment terms."""

    id: str
    kind: str
    capacity: Clause
    rates: tuple[Clause, ...]  # (rate,) or (benchmark, spread)
    label: str | None = None
    note: str | None = None
    total: Clause | None = None
    spread_slope: Clause | None = None
    maturity: Clause | None = None
    amortisation: Clause | None = None

    @property
    def capacity_usd(self) -> float | None:
        """Dollars a calendar year, or None for unlimited."""
        v = self.capacity.value
        return None if v is None else float(v)

    @property
    def total_usd(self) -> float | None:
        """Dollars over the whole plan, or None for no lifetime limit."""
        return None if self.total is None else float(self.total.value)

    @property
    def rate(self) -> float:
        """Cost per year (fraction): the rate, or benchmark + spread (before any size slope)."""
        return float(sum(float(c.value) for c in self.rates))

    @property
    def slope(self) -> float:
        """Extra rate per $100B of the source's outstanding debt (0 without ``spread_slope``)."""
        return 0.0 if self.spread_slope is None else float(self.spread_slope.value)

    @property
    def reserves_effect(self) -> str:
        return KIND_EFFECTS[self.kind][0]

    @property
    def dollar_demand(self) -> str:
        return KIND_EFFECTS[self.kind][1]

    @property
    def liability(self) -> str:
        return KIND_EFFECTS[self.kind][2]

    @property
    def is_debt(self) -> bool:
        """A foreign-currency liability: its proceeds pass through the reserves and it is serviced."""
        return self.liability != "none"

    @property
    def maturity_years(self) -> int | None:
        return None if self.maturity is None else int(self.maturity.value)

    @property
    def straight_line(self) -> bool:
        """Equal principal repayments each year to maturity (else one repayment at maturity)."""
        return self.amortisation is not None and self.amortisation.value == "straight-line"

    def clauses(self) -> Iterator[Clause]:
        yield self.capacity
        yield from self.rates
        for c in (self.total, self.spread_slope, self.maturity, self.amortisation):
            if c is not None:
                yield c


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingPlan:
    """An investor's ordered sources of dollars, with the baseline its reserves are measured against."""

    id: str
    title: str
    summary: str
    investor: str
    macro: str
    reserves_baseline: Clause
    sources: tuple[Source, ...]
    references: dict[str, Reference]
    file: str
    receipts: Clause | None = None
    market_absorption: Clause | None = None
    deals: tuple[str, ...] = ()  # deal ids this plan is the funding of (the default plan for them)

    @property
    def receipts_to_reserves(self) -> bool:
        """Whether what the investor gets back enters the gross reserves (the default)."""
        return self.receipts is None or self.receipts.value == "to-reserves"

    @property
    def market_limit(self) -> float | None:
        """Dollars a year the market can supply to the plan's market sources, or None for no limit."""
        return None if self.market_absorption is None else float(self.market_absorption.value)

    def source(self, sid: str) -> Source:
        for s in self.sources:
            if s.id == sid:
                return s
        raise KeyError(f"{self.file} has no source {sid!r}; it has: {', '.join(s.id for s in self.sources)}")

    def clauses(self) -> Iterator[Clause]:
        yield self.reserves_baseline
        for c in (self.receipts, self.market_absorption):
            if c is not None:
                yield c
        for s in self.sources:
            yield from s.clauses()


def read_funding(path: Path, *, display: str | None = None) -> FundingPlan:
    """Read and check one funding plan; every problem is reported as ``file:line: field: message``."""
    root, chk, head = open_cited(path, schema=FUNDING_SCHEMA, display=display, required=_FILE_KEYS,
                                 allowed=_FILE_OPTIONAL)
    fid, title, summary, refs = head.id, head.title, head.summary, head.references

    investor = chk.code(root, "investor", ECONOMY_CODE, "an economy code (two capitals, e.g. KR)")
    macro = chk.text(root, "macro")
    if macro is not None and investor is not None:
        try:
            data = load_macro(macro)
        except InputError as exc:
            chk.add(root.at("macro"), f"cannot load macro data {macro!r}: {exc.problems[0].message}")
        else:
            if investor not in data.economies:
                chk.add(root.at("investor"), f"the macro data {macro!r} holds no economy {investor!r}; "
                                             f"it holds: {', '.join(data.economies) or 'none'}")

    baseline = chk.clause(root, "reserves_baseline", _BASELINE, refs, required=False)  # missing: keys()
    receipts = chk.clause(root, "receipts", _RECEIPTS, refs, required=False)
    absorption = chk.clause(root, "market_absorption", _ABSORPTION, refs, required=False)
    deals: list[str] = []
    if "deals" in root:
        for loc, d in chk.items(root, "deals", "deal ids, e.g. [korea-counter-2025-10]").items_located():
            if not isinstance(d, str) or not _DEAL_ID.match(d):
                chk.add(loc, f"{d!r} is not a deal id (lower case, digits and hyphens)")
            elif d in deals:
                chk.add(loc, f"{d!r} is listed twice")
            else:
                deals.append(d)

    sources: list[Source] = []
    raw = chk.items(root, "sources", "sources, in the order they are used")
    seen: dict[str, int] = {}
    unlimited_at: str | None = None
    for loc, item in raw.items_located():
        m = chk.mapping(item, loc)
        if m is None:
            continue
        if unlimited_at is not None:
            chk.add(m.loc, f"comes after the unlimited source {unlimited_at!r}, which takes every "
                           f"remaining dollar: it would never be used (only the last source may "
                           f"have capacity null)")
        src = _source(chk, m, refs, seen)
        if src is not None:
            sources.append(src)
            capped_by_market = src.dollar_demand == "market" and absorption is not None
            if (src.capacity_usd is None and src.total is None and not capped_by_market
                    and unlimited_at is None):
                unlimited_at = src.id

    chk.raise_if_any()
    assert fid and title and summary and investor and macro and baseline is not None
    return FundingPlan(id=fid, title=title, summary=" ".join(summary.split()), investor=investor,
                       macro=macro, reserves_baseline=baseline, sources=tuple(sources), references=refs,
                       file=head.file, receipts=receipts, market_absorption=absorption, deals=tuple(deals))


def _source(chk: Checker, m: YMap, refs: dict[str, Reference], seen: dict[str, int]) -> Source | None:
    before = len(chk.problems)
    chk.keys(m, required=_SOURCE_KEYS, allowed=_SOURCE_OPTIONAL)
    sid = chk.text(m, "id")
    if sid is not None:
        if not _SOURCE_ID.match(sid):
            chk.add(m.at("id"), f"{sid!r} is not a source id (lower case, digits and hyphens)")
        elif sid in seen:
            chk.add(m.at("id"), f"duplicate source id {sid!r}: also the id of the source on line {seen[sid]}")
        else:
            seen[sid] = m.at("id").line
    kind = chk.text(m, "kind")
    if kind is not None and kind not in SOURCE_KINDS:
        chk.add(m.at("kind"), f"{kind!r} is not one of: {', '.join(SOURCE_KINDS)}")
    label = chk.text(m, "label", required=False)
    note = chk.text(m, "note", required=False)
    capacity = chk.clause(m, "capacity", _CAPACITY, refs, required=False)  # a missing one: keys()
    total = chk.clause(m, "total", _TOTAL, refs, required=False)
    slope = chk.clause(m, "spread_slope", _RATE, refs, required=False)
    maturity = chk.clause(m, "maturity", _MATURITY, refs, required=False)
    amort = chk.clause(m, "amortisation", _AMORTISATION, refs, required=False)
    if kind in KIND_EFFECTS:
        debt = KIND_EFFECTS[kind][2] != "none"
        for key in ("maturity", "amortisation"):
            if debt and key not in m:
                chk.add(m.loc, f"a {kind} source is a foreign-currency liability: give its {key!r}",
                        field=f"{m.loc.field}.{key}")
            elif not debt and key in m:
                chk.add(m.at(key), f"only a foreign-currency liability has a {key!r}; {kind!r} is not one")
    rates: tuple[Clause, ...] = ()
    has_rate, has_parts = "rate" in m, ("benchmark" in m, "spread" in m)
    if has_rate and any(has_parts):
        chk.add(m.at("rate"), "give either 'rate' or 'benchmark' and 'spread', not both")
    elif has_rate:
        rate = chk.clause(m, "rate", _RATE, refs)
        rates = () if rate is None else (rate,)
    elif all(has_parts):
        bench = chk.clause(m, "benchmark", _RATE, refs)
        spread = chk.clause(m, "spread", _RATE, refs)
        rates = () if bench is None or spread is None else (bench, spread)
    elif any(has_parts):
        given, missing = ("benchmark", "spread") if has_parts[0] else ("spread", "benchmark")
        chk.add(m.at(given), f"'benchmark' and 'spread' go together; {missing!r} is missing",
                field=f"{m.loc.field}.{missing}")
    else:
        chk.add(m.loc, "the source's cost is missing: give 'rate', or 'benchmark' and 'spread'",
                field=f"{m.loc.field}.rate")
    if len(chk.problems) > before or sid is None or kind is None or capacity is None or not rates:
        return None
    return Source(id=sid, kind=kind, capacity=capacity, rates=rates, label=label, note=note, total=total,
                  spread_slope=slope, maturity=maturity, amortisation=amort)


def load_funding(name_or_path: str | Path) -> FundingPlan:
    """Load a shipped funding plan by id (``"korea-mof-2025"``, ``"korea-special-act-2026"``) or by path."""
    path, display = locate(KIND, name_or_path)
    return read_funding(path, display=display)


def funding_plan_for(investor: str, deal: str | None = None) -> FundingPlan | None:
    """The shipped funding plan of ``investor``, if there is one.

    With ``deal`` (a deal id), the plan that names it under ``deals`` comes first (Korea's
    counter-proposal is funded with the swap line it asked for: ``korea-with-swap``);
    otherwise, and for a deal no plan names, the investor's first plan by id that names no
    deals of its own, else its first plan by id.
    """
    plans = [p for p in (load_funding(name) for name in shipped(KIND)) if p.investor == investor]
    if deal is not None:
        for plan in plans:
            if deal in plan.deals:
                return plan
    general = [p for p in plans if not p.deals] or plans
    return general[0] if general else None


# -- the model --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class FundingResult:
    """Calls, sources, cost and the official foreign-currency balance sheet of one plan, by calendar year.

    Arrays are indexed like ``years``; stocks are at the end of the year, flows over it.
    ``amounts`` and ``cost`` are keyed by source id, in the plan's order. A ratio is None
    where its denominator is missing from the macro data or not positive; ``notes`` then
    says why (never an invented number). The identities of the module docstring hold every
    year (tests check them on every shipped plan).
    """

    plan: FundingPlan
    economy: str
    horizon_end_year: int
    years: tuple[int, ...]
    calls: np.ndarray
    amounts: dict[str, np.ndarray]
    unfunded: np.ndarray  # calls no source covered: paid from the gross reserves
    cost: dict[str, np.ndarray]  # dollar debt: interest paid; others: simple interest on what was used
    market_dollars: np.ndarray  # dollars bought in the market (net dollar demand)
    reserves_baseline: float  # the baseline observation (or the red line)
    opening: float  # gross reserves at the end of the year before years[0]
    reserve_yield: float  # income a year over the gross reserves
    income: np.ndarray  # reserve income earned in the year (yield x the previous year-end gross)
    proceeds: np.ndarray  # dollar-debt draws (bonds, borrowing, swap)
    debt_draws: dict[int, float]  # the same draws by month index
    interest: np.ndarray  # interest paid on dollar debt
    principal: np.ndarray  # principal of dollar debt repaid
    liabilities: np.ndarray  # pledge-related foreign-currency liabilities outstanding
    receipts: np.ndarray  # what the investor got back (distributions, returned cash)
    drawn: np.ndarray  # calls paid out of the reserves' own dollars (income, entrusted assets, unfunded)
    reserves: np.ndarray  # gross reserves
    no_pledge: np.ndarray  # gross reserves without the pledge: the income reinvested
    current_account: float | None
    gdp: float | None
    calls_to_reserves: np.ndarray
    calls_to_current_account: np.ndarray | None
    calls_to_gdp: np.ndarray | None
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def net_reserves(self) -> np.ndarray:
        """Gross reserves minus the pledge's foreign-currency liabilities."""
        return np.asarray(self.reserves - self.liabilities, dtype=np.float64)

    @property
    def debt_service(self) -> np.ndarray:
        """Interest and principal paid on the pledge's dollar debt, from the reserves."""
        return np.asarray(self.interest + self.principal, dtype=np.float64)

    @property
    def cost_total_by_year(self) -> np.ndarray:
        return np.sum([c for c in self.cost.values()], axis=0) if self.cost else np.zeros(len(self.years))

    @property
    def cumulative_cost(self) -> np.ndarray:
        return np.cumsum(self.cost_total_by_year)

    @property
    def total_calls(self) -> float:
        return float(self.calls.sum())

    @property
    def total_unfunded(self) -> float:
        return float(self.unfunded.sum())

    @property
    def totals(self) -> dict[str, float]:
        """Dollars from each source over all years."""
        return {sid: float(a.sum()) for sid, a in self.amounts.items()}

    @property
    def cost_totals(self) -> dict[str, float]:
        """Cost of each source to the horizon."""
        return {sid: float(c.sum()) for sid, c in self.cost.items()}

    @property
    def total_cost(self) -> float:
        return float(sum(self.cost_totals.values()))

    @property
    def pledge_to_reserves(self) -> float:
        """The whole of the calls over the baseline reserves."""
        return self.total_calls / self.reserves_baseline

    @property
    def peak_calls_to_reserves(self) -> float:
        return float(self.calls_to_reserves.max()) if len(self.years) else 0.0

    def rows(self) -> list[dict[str, float | int | None]]:
        """One dict per year (for tables and files): calls, sources, cost, the balance sheet, ratios."""
        out: list[dict[str, float | int | None]] = []
        cum, net = self.cumulative_cost, self.net_reserves
        for i, y in enumerate(self.years):
            row: dict[str, float | int | None] = {"year": y, "calls": float(self.calls[i])}
            row.update({sid: float(a[i]) for sid, a in self.amounts.items()})
            row["unfunded"] = float(self.unfunded[i])
            row.update({f"cost:{sid}": float(c[i]) for sid, c in self.cost.items()})
            row["cumulative_cost"] = float(cum[i])
            row["income"] = float(self.income[i])
            row["proceeds"] = float(self.proceeds[i])
            row["interest"] = float(self.interest[i])
            row["principal"] = float(self.principal[i])
            row["receipts"] = float(self.receipts[i])
            row["market_dollars"] = float(self.market_dollars[i])
            row["reserves"] = float(self.reserves[i])
            row["liabilities"] = float(self.liabilities[i])
            row["net_reserves"] = float(net[i])
            row["no_pledge"] = float(self.no_pledge[i])
            row["calls/reserves"] = float(self.calls_to_reserves[i])
            row["calls/current_account"] = (None if self.calls_to_current_account is None
                                            else float(self.calls_to_current_account[i]))
            row["calls/gdp"] = None if self.calls_to_gdp is None else float(self.calls_to_gdp[i])
            out.append(row)
        return out

    def to_text(self) -> str:
        """A plain-text year table ($B; ratios in %), then totals and notes."""
        ids = list(self.amounts)
        head = ["year", "calls", *ids, "unfunded", "cost", "income", "debt svc", "receipts", "gross",
                "liabilities", "net", "no pledge", "/res %"]
        lines = ["  ".join(f"{h:>14}" if j else f"{h:>4}" for j, h in enumerate(head))]
        cost, net, ds = self.cost_total_by_year, self.net_reserves, self.debt_service
        for i, y in enumerate(self.years):
            cells = [f"{self.calls[i] / 1e9:.2f}", *(f"{self.amounts[s][i] / 1e9:.2f}" for s in ids),
                     f"{self.unfunded[i] / 1e9:.2f}", f"{cost[i] / 1e9:.3f}", f"{self.income[i] / 1e9:.2f}",
                     f"{ds[i] / 1e9:.2f}", f"{self.receipts[i] / 1e9:.2f}", f"{self.reserves[i] / 1e9:.2f}",
                     f"{self.liabilities[i] / 1e9:.2f}", f"{net[i] / 1e9:.2f}",
                     f"{self.no_pledge[i] / 1e9:.2f}",
                     f"{100 * self.calls_to_reserves[i]:.2f}"]
            lines.append(f"{y:>4}  " + "  ".join(f"{c:>14}" for c in cells))
        lines.append(f"total calls ${self.total_calls / 1e9:.2f}B; "
                     + "; ".join(f"{s} ${v / 1e9:.2f}B" for s, v in self.totals.items())
                     + f"; unfunded ${self.total_unfunded / 1e9:.2f}B")
        lines.append(f"cost to end-{self.horizon_end_year}: ${self.total_cost / 1e9:.3f}B ("
                     + "; ".join(f"{s} ${v / 1e9:.3f}B" for s, v in self.cost_totals.items()) + ")")
        lines.append(f"pledge / baseline reserves {100 * self.pledge_to_reserves:.1f}%; peak year's calls / "
                     f"reserves {100 * self.peak_calls_to_reserves:.2f}%")
        lines.extend(f"{k}: {v}" for k, v in self.notes.items())
        return "\n".join(lines)


@dataclass(slots=True)
class _Cohort:
    """One month's draw of dollar debt: repaid at year ends as its source's amortisation says."""

    source: Source
    year: int
    month: int  # month index of the draw
    amount: float
    rate: float
    outstanding: float

    def repayment(self, year: int) -> float:
        """Principal due at the end of ``year`` (straight-line: equal parts; bullet: all at maturity)."""
        n = self.source.maturity_years
        if n is None or year <= self.year or year > self.year + n:
            return 0.0
        if year == self.year + n:  # the last repayment clears what is left, exactly
            return self.outstanding
        return min(self.outstanding, self.amount / n) if self.source.straight_line else 0.0


def _checked_months(flows: Mapping[int, float] | None, *, what: str, signed: bool) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    if flows is not None and not isinstance(flows, Mapping):
        raise ArgumentError.of(f"{what}s", f"expected a mapping of month index to dollars, got "
                               f"{type(flows).__name__}")
    for m, v in (flows or {}).items():
        if isinstance(m, bool) or not isinstance(m, int):
            raise ArgumentError.of(f"{what}s", f"a month index is an integer (year * 12 + month - 1), "
                                   f"got {m!r}")
        check("horizon_year", m // 12, field=f"{what}s (the year of month index {m})")
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ArgumentError.of(f"{what}s", f"month {m}: expected an amount of dollars, got {v!r}")
        x = float(v)
        if not math.isfinite(x) or (x < 0 and not signed):
            raise ValueError(f"a {what} must be a finite, non-negative amount of dollars; month {m}: {v!r}")
        if x != 0:
            out[int(m)] += x
    return out


def fund(calls: Mapping[int, float], plan: FundingPlan | str | Path, *,
         macro: MacroData | str | Path | None = None, horizon_end_year: int,
         receipts: Mapping[int, float] | None = None, first_year: int | None = None,
         reserve_income: float | None = None, day_count: str = "months") -> FundingResult:
    """Fund ``calls`` (month index -> dollars paid out) from ``plan``'s sources; the balance sheet by year.

    Month indices are ``year * 12 + month - 1`` (:mod:`pledgelab._months`). Each calendar
    year the calls are taken month by month and met from the sources in order, each up to
    its capacity for that year (a reserve-income source also up to the year's income), its
    lifetime total and, for a market source, what is left of ``market_absorption``; the
    rest is ``unfunded`` and paid from the gross reserves. ``receipts`` (month -> dollars
    the investor gets back; signed) enter the gross reserves when the plan says so; those
    after the horizon are left out (:mod:`pledgelab.macro.balance` values them).
    ``first_year`` (default: the first call's year) lets deals share one first year.
    ``reserve_income`` overrides the macro file's ``reserve_income_usd`` (an alternative).
    ``day_count`` is how interest and cost accrue: ``"months"`` (twelfths of a year, the month
    of a draw in full) or ``"act/365"`` (actual days over 365 from the funding date, the
    first day of the call's month, to each year end or the horizon).
    See the module docstring for the identities and the cost convention. A call after the
    horizon, before ``first_year``, or negative is a ``ValueError``.
    """
    if day_count not in DAY_COUNTS:
        raise ArgumentError.of("day_count", f"expected one of {', '.join(DAY_COUNTS)}, got {day_count!r}")
    act = day_count == "act/365"
    check("horizon_year", horizon_end_year, field="horizon_end_year")
    if first_year is not None:
        check("horizon_year", first_year, field="first_year")
    if reserve_income is not None:
        check("amount_usd", reserve_income, field="reserve_income")
    plan = plan if isinstance(plan, FundingPlan) else load_funding(plan)
    data = macro if isinstance(macro, MacroData) else load_macro(macro if macro is not None else plan.macro)
    eco = data.economy(plan.investor)
    end_month = (horizon_end_year + 1) * 12  # exclusive: the month after the horizon

    by_month = _checked_months(calls, what="call", signed=False)
    for m in by_month:
        if m >= end_month:
            raise ValueError(f"a call in {m // 12}-{m % 12 + 1:02d} falls after the horizon "
                             f"(end of {horizon_end_year})")
    first = min([*(m // 12 for m in by_month), horizon_end_year]) if first_year is None else first_year
    if by_month and min(by_month) // 12 < first:
        raise ValueError(f"a call in {min(by_month) // 12} falls before the first year {first}")
    if first > horizon_end_year:
        raise ValueError(f"the first year {first} is after the horizon (end of {horizon_end_year})")
    got = _checked_months(receipts, what="receipt", signed=True)
    years = tuple(range(first, horizon_end_year + 1))
    start_month = first * 12
    n_months, n_years = end_month - start_month, len(years)

    notes: dict[str, str] = {}
    observed, base_year, notes["reserves_baseline"] = _baseline(plan, data)
    income_clause, notes["reserve_income"] = _income(plan, data, reserve_income)
    yld = income_clause / observed if observed > 0 else 0.0
    if plan.reserves_baseline.value == "red-line":
        opening = float(data.clause("reserves_red_line_usd", plan.investor).value)
    else:
        opening = observed * (1.0 + yld) ** ((first - 1) - base_year)
    notes["reserves_path"] = (
        f"opening (end-{first - 1}) ${opening / 1e9:,.2f}B; reserve yield {100 * yld:.3f}% "
        f"(${income_clause / 1e9:,.1f}B a year over ${observed / 1e9:,.2f}B) [DERIVED]; without the "
        f"pledge the income is reinvested; dollar debt is serviced from the reserves")

    used = {s.id: np.zeros(n_months) for s in plan.sources}
    unfunded_m = np.zeros(n_months)
    total_left: dict[str, float | None] = {s.id: s.total_usd for s in plan.sources}
    outstanding: dict[str, float] = {s.id: 0.0 for s in plan.sources}
    cohorts: list[_Cohort] = []
    income, interest, principal = np.zeros(n_years), np.zeros(n_years), np.zeros(n_years)
    liabilities, reserves, no_pledge = np.zeros(n_years), np.zeros(n_years), np.zeros(n_years)
    interest_by = {s.id: np.zeros(n_years) for s in plan.sources if s.is_debt}
    receipts_y = np.zeros(n_years)
    for m, v in got.items():
        if start_month <= m < end_month:
            receipts_y[(m - start_month) // 12] += v
    gross, liab, base = opening, 0.0, opening
    for yi, y in enumerate(years):
        income[yi] = yld * gross
        left: dict[str, float | None] = {}
        for s in plan.sources:
            cap = s.capacity_usd
            if s.kind == "reserve-income":
                cap = income[yi] if cap is None else min(cap, max(income[yi], 0.0))
            left[s.id] = cap
        market_left = plan.market_limit
        for k in range(12):
            m = y * 12 + k
            rest = by_month.get(m, 0.0)
            for s in plan.sources:
                if rest <= 0:
                    break
                take = rest
                for lim in (left[s.id], total_left[s.id],
                            market_left if s.dollar_demand == "market" else None):
                    if lim is not None:
                        take = min(take, lim)
                if take <= 0:
                    continue
                used[s.id][m - start_month] += take
                if left[s.id] is not None:
                    left[s.id] = float(left[s.id] or 0.0) - take
                if total_left[s.id] is not None:
                    total_left[s.id] = float(total_left[s.id] or 0.0) - take
                if s.dollar_demand == "market" and market_left is not None:
                    market_left -= take
                if s.is_debt:
                    outstanding[s.id] += take
                    cohorts.append(_Cohort(source=s, year=y, month=m, amount=take, outstanding=take,
                                           rate=s.rate + s.slope * outstanding[s.id] / SLOPE_PER))
                rest -= take
            if rest > 0:
                unfunded_m[m - start_month] += rest
        for c in cohorts:  # interest on what is outstanding each month (the month of the draw in full)
            if c.outstanding <= 0:
                continue
            if act:  # actual days from the funding date (or 1 January) to the year end, over 365
                since = _first_day(c.month) if c.year == y else dt.date(y, 1, 1)
                paid = c.outstanding * c.rate * (dt.date(y + 1, 1, 1) - since).days / 365.0
            else:
                months = 12 if c.year < y else 12 - (c.month - y * 12)
                paid = c.outstanding * c.rate / 12.0 * months
            interest[yi] += paid
            interest_by[c.source.id][yi] += paid
        for c in cohorts:
            due = c.repayment(y)
            if due > 0:
                c.outstanding -= due
                outstanding[c.source.id] -= due
                principal[yi] += due
        lo, hi = yi * 12, yi * 12 + 12
        proceeds_yi = sum(float(used[s.id][lo:hi].sum()) for s in plan.sources if s.is_debt)
        market_yi = sum(float(used[s.id][lo:hi].sum()) for s in plan.sources if s.dollar_demand == "market")
        calls_yi = sum(by_month.get(y * 12 + k, 0.0) for k in range(12))
        back = receipts_y[yi] if plan.receipts_to_reserves else 0.0
        gross = gross + income[yi] - interest[yi] - principal[yi] + proceeds_yi + market_yi - calls_yi + back
        liab = float(sum(c.outstanding for c in cohorts))  # = previous + proceeds - principal
        base = base * (1.0 + yld)
        reserves[yi], liabilities[yi], no_pledge[yi] = gross, liab, base

    def yearly(a: np.ndarray) -> np.ndarray:
        return np.asarray(a.reshape(n_years, 12).sum(axis=1), dtype=np.float64)

    calls_y = yearly(np.array([by_month.get(start_month + i, 0.0) for i in range(n_months)]))
    amounts = {sid: yearly(a) for sid, a in used.items()}
    # Non-debt sources: what has been raised by a month costs its rate for the whole month, to the horizon
    # (a twelfth of a year, or the month's actual days over 365).
    month_share = (np.array([((_first_day(start_month + i + 1) - _first_day(start_month + i)).days / 365.0)
                             for i in range(n_months)]) if act else np.full(n_months, 1.0 / 12.0))
    cost = {s.id: (interest_by[s.id] if s.is_debt else yearly(np.cumsum(used[s.id]) * s.rate * month_share))
            for s in plan.sources}
    zeros = np.zeros(n_years)
    market = np.sum([amounts[s.id] for s in plan.sources if s.dollar_demand == "market"] or [zeros], axis=0)
    proceeds = np.sum([amounts[s.id] for s in plan.sources if s.is_debt] or [zeros], axis=0)
    unfunded = yearly(unfunded_m)
    drawn = unfunded + np.sum([amounts[s.id] for s in plan.sources
                               if s.reserves_effect in ("reduces-reserves-vs-baseline", "draws-reserves")]
                              or [zeros], axis=0)
    if not plan.receipts_to_reserves:
        notes["receipts"] = ("what the investor gets back is held outside the reserves "
                             "(the plan's receipts rule)")
    ca, ca_note = _latest(data, plan.investor, "current_account_usd", "current account")
    gdp, gdp_note = _latest(data, plan.investor, "gdp_usd", "GDP")
    notes["current_account"], notes["gdp"] = ca_note, gdp_note
    with np.errstate(divide="ignore", invalid="ignore"):
        to_res = np.where(reserves > 0, calls_y / np.where(reserves > 0, reserves, 1.0), np.inf)
    return FundingResult(
        plan=plan, economy=eco.code, horizon_end_year=horizon_end_year, years=years, calls=calls_y,
        amounts=amounts, unfunded=unfunded, cost=cost, market_dollars=market, reserves_baseline=observed,
        opening=opening, reserve_yield=yld, income=income, proceeds=proceeds, interest=interest,
        debt_draws={start_month + int(i): float(v) for i, v in enumerate(
            np.sum([used[s.id] for s in plan.sources if s.is_debt] or [np.zeros(n_months)], axis=0)) if v},
        principal=principal, liabilities=liabilities, receipts=receipts_y, drawn=drawn, reserves=reserves,
        no_pledge=no_pledge, current_account=ca, gdp=gdp, calls_to_reserves=to_res,
        calls_to_current_account=None if ca is None else calls_y / ca,
        calls_to_gdp=None if gdp is None else calls_y / gdp, notes=notes)


def _first_day(month: int) -> dt.date:
    """The first day of month index ``month`` (``year * 12 + month - 1``): a call's funding date."""
    return dt.date(month // 12, month % 12 + 1, 1)


def funding_horizon(calls: Mapping[int, float] | list[Mapping[int, float]],
                    plan: FundingPlan | str | Path) -> int:
    """The default horizon: the last call's year plus the longest maturity of the plan's dollar debt.

    With several call schedules (deals compared), the latest of their last calls, so one
    horizon covers every deal and the repayment of every bond drawn.
    """
    plan = plan if isinstance(plan, FundingPlan) else load_funding(plan)
    schedules = calls if isinstance(calls, list) else [calls]
    months = [m for c in schedules for m, v in c.items() if v > 0]
    if not months:
        raise ValueError("no calls: nothing to fund")
    longest = max([s.maturity_years or 0 for s in plan.sources if s.is_debt] or [0])
    return max(months) // 12 + longest


def _baseline(plan: FundingPlan, data: MacroData) -> tuple[float, int, str]:
    """The observation the reserves start from, its year, and a note saying which."""
    s = data.series("reserves_usd", plan.investor)
    if not s.observations:
        raise KeyError(f"{data.file} has no {plan.investor} reserves_usd observation")
    ends = [o for o in s.observations if (o.date.month, o.date.day) == (12, 31)]
    o = ends[-1] if ends else s.observations[-1]
    status = plan.reserves_baseline.status
    held = "" if ends else " (no year-end observation: held to the end of its year, assumed)"
    note = (f"{plan.investor} reserves_usd at {o.date} ${o.value / 1e9:.2f}B [{o.status}]{held}, "
            f"the baseline [{status}]")
    if plan.reserves_baseline.value == "red-line":
        c = data.clause("reserves_red_line_usd", plan.investor)
        note = (f"opening at {plan.investor} reserves_red_line_usd ${float(c.value) / 1e9:.2f}B [{c.status}] "
                f"[{status}]; the yield from " + note)
    return o.value, o.date.year, note


def _income(plan: FundingPlan, data: MacroData, override: float | None) -> tuple[float, str]:
    """The reserve income a year the yield is read from, and a note with its source."""
    if override is not None:
        if not math.isfinite(override) or override < 0:
            raise ValueError(f"reserve_income must be a finite, non-negative amount, got {override!r}")
        return float(override), f"reserve income ${override / 1e9:,.1f}B a year, set by the caller"
    try:
        c = data.clause("reserve_income_usd", plan.investor)
    except KeyError as exc:
        return 0.0, f"no reserve income: {exc.args[0]}"
    alts = "; ".join(f"alternative {float(a.value) / 1e9:,.1f}B" for a in c.alternatives)
    return float(c.value), (f"{plan.investor} reserve_income_usd ${float(c.value) / 1e9:,.1f}B a year "
                            f"[{c.status}]" + (f" ({alts})" if alts else ""))


def _latest(data: MacroData, economy: str, name: str, what: str) -> tuple[float | None, str]:
    """The latest observation of a calendar-year series, or None and why."""
    try:
        s = data.series(name, economy)
    except KeyError as exc:
        return None, f"no ratio to {what}: {exc.args[0]}"
    if not s.observations:
        return None, f"no ratio to {what}: {economy} {name} has no observation"
    o = s.observations[-1]
    if o.value <= 0:
        return None, f"no ratio to {what}: {economy} {name} at {o.date} is not positive ({o.value:.4g})"
    return o.value, f"{what}: {economy} {name} at {o.date} ${o.value / 1e9:.2f}B [{o.status}], held flat"


def investor_calls(result: RunResult) -> dict[int, float]:
    """The investor's capital calls and instalments of a deterministic run, month index -> dollars (> 0).

    Sums the flow lines of party ``result.deal.investor`` whose kind is ``capital call`` or
    ``instalment`` (negative: paid out), month by month from ``result.start``; months with
    nothing paid out are left out.
    """
    return party_calls(result, result.deal.investor)


def party_calls(result: RunResult, party: str) -> dict[int, float]:
    """:func:`investor_calls` for any party of the run (e.g. the firms funding a shipbuilding package)."""
    total = np.zeros(result.months)
    for line in result.lines:
        if line.party == party and line.kind in CALL_KINDS:
            total += line.values
    return {result.start + int(i): float(-total[i]) for i in np.nonzero(total < 0)[0]}


def party_receipts(result: RunResult, party: str) -> dict[int, float]:
    """What ``party`` gets back in a run, month index -> dollars: its net flows other than calls.

    Distributions, returned vehicle cash and any other line of the party that is not a
    capital call or an instalment (signed; months with nothing are left out).
    """
    total = np.zeros(result.months)
    for line in result.lines:
        if line.party == party and line.kind not in CALL_KINDS:
            total += line.values
    return {result.start + int(i): float(total[i]) for i in np.nonzero(total)[0]}
