"""Funding model: where the investor's dollars for each capital call come from, and what they cost.

A funding plan (``data/funding/<id>.yaml``, schema ``pledgelab.funding/1``) is
an **ordered** list of sources of dollars. Each calendar year the year's calls,
month by month, are met from the sources in order, each up to its annual
``capacity`` (``null``: unlimited, allowed only for the last source, which then
takes the rest). If no source is unlimited, what the capacities cannot cover
is reported as ``unfunded``. Every year, calls = sum of sources + unfunded.

The file::

    schema: pledgelab.funding/1
    id: korea-mof-2025             # the file name
    title: ...
    summary: ...
    investor: KR                   # the economy (two capitals) whose calls are funded
    macro: korea                   # macro data file for the baseline and the ratios
    references: {key: {title, url, date?}}
    reserves_baseline:             # clause, unit rule: last-observation | red-line
      {value: last-observation, unit: rule, label: ..., status: assumed, reason: ..., alternatives: [...]}
    sources:                       # ordered; each met up to its capacity before the next
      - id: reserve-income         # lower case, digits, hyphens; unique
        kind: reserve-income       # reserve-income | guaranteed-bonds | market-purchase | swap-line
        label: ...                 # optional
        note: ...                  # optional
        capacity: {value: 15e9, unit: USD/year, ...}   # null: unlimited (last source only)
        rate: {value: 0.035, unit: per-year, ...}      # or: benchmark + spread, both per-year

**What a source does is fixed by its kind** (:data:`KIND_EFFECTS`), not set
per file, so two plans cannot describe the same instrument differently:

=================  ============================  =============
kind               reserves_effect               dollar_demand
=================  ============================  =============
reserve-income     reduces-reserves-vs-baseline  none
guaranteed-bonds   none                          none
market-purchase    none                          market
swap-line          none                          none
=================  ============================  =============

Reserve income that would otherwise have been reinvested in the reserves
leaves them lower than the no-pledge path by the amount diverted (Korea
Herald: the returns were reinvested and are now redirected). Bonds are sold abroad for
dollars and a swap line lends dollars, so neither draws reserves nor buys
dollars in the won market (the debt and the swap's repayment are not modelled
here). Dollars bought in the market are net dollar demand, the input of the
currency-pressure model. ``rate`` is the cost per year: for reserve income the
reserve yield forgone, for bonds benchmark + spread, for a swap its interest,
for a market purchase 0 by convention (its cost is the pressure on the
currency, not interest).

**Cost convention.** Money from a source used in month ``m`` costs the
source's ``rate`` a year, simple interest, on the amount from the start of
month ``m`` to the end of ``horizon_end_year`` (the month of use counts in
full). The cost is allocated to the calendar years in which it accrues. It is a
simple, comparable measure, not a forecast of debt service: the same total
raised earlier, or concentrated in one year so that more of it falls to the
dearer sources further down the list, costs more — which is how a lump sum and
capped instalments differ.

**Reserves.** The baseline level is an assumption the plan states:
``last-observation`` takes the latest observation of the economy's
``reserves_usd`` series from the macro file, ``red-line`` its
``reserves_red_line_usd`` value. Without the pledge the reserve income would
be reinvested (the record says it was), so the no-pledge path grows from that
level by the reserve-income sources' annual capacity each year after the
observation; the path with the pledge is that path minus the cumulative
amount taken from ``reduces-reserves-vs-baseline`` sources, at the end of each
year. A pledge that takes all of the reserve income each year therefore keeps
the reserves flat; one that takes none lets them grow.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pledgelab._cited import Checker, Clause, ClauseSpec, Reference, YMap, locate, open_cited, shipped
from pledgelab._errors import InputError
from pledgelab._limits import check
from pledgelab.macro._data import MacroData, load_macro

if TYPE_CHECKING:
    from pledgelab.engine import RunResult

FUNDING_SCHEMA = "pledgelab.funding/1"
KIND = "funding"  # the folder under data/

SOURCE_KINDS = ("reserve-income", "guaranteed-bonds", "market-purchase", "swap-line")
RESERVES_EFFECTS = ("reduces-reserves-vs-baseline", "none")
DOLLAR_DEMANDS = ("market", "none")
#: kind -> (reserves_effect, dollar_demand); see the module docstring.
KIND_EFFECTS: dict[str, tuple[str, str]] = {
    "reserve-income": ("reduces-reserves-vs-baseline", "none"),
    "guaranteed-bonds": ("none", "none"),
    "market-purchase": ("none", "market"),
    "swap-line": ("none", "none"),
}
BASELINES = ("last-observation", "red-line")
CALL_KINDS = ("capital call", "instalment")

ECONOMY_CODE = re.compile(r"^[A-Z]{2}$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FILE_KEYS = ("schema", "id", "title", "summary", "investor", "macro", "references", "reserves_baseline",
              "sources")
_SOURCE_KEYS = ("id", "kind", "capacity")
_SOURCE_OPTIONAL = ("label", "note", "rate", "benchmark", "spread")

_CAPACITY = ClauseSpec(units=("USD/year",), kind="money", nullable=True)
_RATE = ClauseSpec(units=("per-year",), kind="rate", maximum=1.0)
_BASELINE = ClauseSpec(units=("rule",), kind="choice", choices=BASELINES)


# -- the plan ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One source of dollars: its annual capacity and its cost a year (one clause or benchmark + spread)."""

    id: str
    kind: str
    capacity: Clause
    rates: tuple[Clause, ...]  # (rate,) or (benchmark, spread)
    label: str | None = None
    note: str | None = None

    @property
    def capacity_usd(self) -> float | None:
        """Dollars a calendar year, or None for unlimited."""
        v = self.capacity.value
        return None if v is None else float(v)

    @property
    def rate(self) -> float:
        """Cost per year (fraction): the rate, or benchmark + spread."""
        return float(sum(float(c.value) for c in self.rates))

    @property
    def reserves_effect(self) -> str:
        return KIND_EFFECTS[self.kind][0]

    @property
    def dollar_demand(self) -> str:
        return KIND_EFFECTS[self.kind][1]

    def clauses(self) -> Iterator[Clause]:
        yield self.capacity
        yield from self.rates


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

    def source(self, sid: str) -> Source:
        for s in self.sources:
            if s.id == sid:
                return s
        raise KeyError(f"{self.file} has no source {sid!r}; it has: {', '.join(s.id for s in self.sources)}")

    def clauses(self) -> Iterator[Clause]:
        yield self.reserves_baseline
        for s in self.sources:
            yield from s.clauses()


def read_funding(path: Path, *, display: str | None = None) -> FundingPlan:
    """Read and check one funding plan; every problem is reported as ``file:line: field: message``."""
    root, chk, head = open_cited(path, schema=FUNDING_SCHEMA, display=display, required=_FILE_KEYS)
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
            if src.capacity_usd is None and unlimited_at is None:
                unlimited_at = src.id

    chk.raise_if_any()
    assert fid and title and summary and investor and macro and baseline is not None
    return FundingPlan(id=fid, title=title, summary=" ".join(summary.split()), investor=investor,
                       macro=macro, reserves_baseline=baseline, sources=tuple(sources), references=refs,
                       file=head.file)


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
    return Source(id=sid, kind=kind, capacity=capacity, rates=rates, label=label, note=note)


def load_funding(name_or_path: str | Path) -> FundingPlan:
    """Load a shipped funding plan by id (``"korea-mof-2025"``, ``"korea-with-swap"``) or a file by path."""
    path, display = locate(KIND, name_or_path)
    return read_funding(path, display=display)


def funding_plan_for(investor: str) -> FundingPlan | None:
    """The shipped funding plan of ``investor`` (the first by id), if there is one."""
    for name in shipped(KIND):
        plan = load_funding(name)
        if plan.investor == investor:
            return plan
    return None


# -- the model --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class FundingResult:
    """Calls, sources, interest cost, reserves and ratios of one funding plan, by calendar year.

    Arrays are indexed like ``years``. ``amounts``, ``cost`` and ``totals`` are keyed by
    source id, in the plan's order. A ratio is None where its denominator is missing from
    the macro data or not positive; ``notes`` then says why (never an invented number).
    """

    plan: FundingPlan
    economy: str
    horizon_end_year: int
    years: tuple[int, ...]
    calls: np.ndarray
    amounts: dict[str, np.ndarray]
    unfunded: np.ndarray
    cost: dict[str, np.ndarray]  # interest cost accruing in each year
    market_dollars: np.ndarray  # dollars bought in the market (net dollar demand)
    reserves_baseline: float
    reserves: np.ndarray  # end of year: the no-pledge path minus reserve income diverted so far
    current_account: float | None
    gdp: float | None
    calls_to_reserves: np.ndarray
    calls_to_current_account: np.ndarray | None
    calls_to_gdp: np.ndarray | None
    notes: dict[str, str] = field(default_factory=dict)

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
        """Interest cost of each source to the horizon."""
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
        """One dict per year (for tables and files): calls, each source, unfunded, cost, reserves, ratios."""
        out: list[dict[str, float | int | None]] = []
        cum = self.cumulative_cost
        for i, y in enumerate(self.years):
            row: dict[str, float | int | None] = {"year": y, "calls": float(self.calls[i])}
            row.update({sid: float(a[i]) for sid, a in self.amounts.items()})
            row["unfunded"] = float(self.unfunded[i])
            row.update({f"cost:{sid}": float(c[i]) for sid, c in self.cost.items()})
            row["cumulative_cost"] = float(cum[i])
            row["reserves"] = float(self.reserves[i])
            row["calls/reserves"] = float(self.calls_to_reserves[i])
            row["calls/current_account"] = (None if self.calls_to_current_account is None
                                            else float(self.calls_to_current_account[i]))
            row["calls/gdp"] = None if self.calls_to_gdp is None else float(self.calls_to_gdp[i])
            out.append(row)
        return out

    def to_text(self) -> str:
        """A plain-text year table ($B; ratios in %), then totals and notes."""
        ids = list(self.amounts)
        head = ["year", "calls", *ids, "unfunded", "cost", "cum cost", "reserves", "/res %", "/CA %",
                "/GDP %"]
        lines = ["  ".join(f"{h:>14}" if j else f"{h:>4}" for j, h in enumerate(head))]
        cost, cum = self.cost_total_by_year, self.cumulative_cost

        def pct(a: np.ndarray | None, i: int) -> str:
            return "-" if a is None else f"{100 * a[i]:.2f}"

        for i, y in enumerate(self.years):
            cells = [f"{self.calls[i] / 1e9:.2f}", *(f"{self.amounts[s][i] / 1e9:.2f}" for s in ids),
                     f"{self.unfunded[i] / 1e9:.2f}", f"{cost[i] / 1e9:.3f}", f"{cum[i] / 1e9:.3f}",
                     f"{self.reserves[i] / 1e9:.2f}", pct(self.calls_to_reserves, i),
                     pct(self.calls_to_current_account, i), pct(self.calls_to_gdp, i)]
            lines.append(f"{y:>4}  " + "  ".join(f"{c:>14}" for c in cells))
        lines.append(f"total calls ${self.total_calls / 1e9:.2f}B; "
                     + "; ".join(f"{s} ${v / 1e9:.2f}B" for s, v in self.totals.items())
                     + f"; unfunded ${self.total_unfunded / 1e9:.2f}B")
        lines.append(f"interest cost to end-{self.horizon_end_year}: ${self.total_cost / 1e9:.3f}B ("
                     + "; ".join(f"{s} ${v / 1e9:.3f}B" for s, v in self.cost_totals.items()) + ")")
        lines.append(f"pledge / baseline reserves {100 * self.pledge_to_reserves:.1f}%; peak year's calls / "
                     f"reserves {100 * self.peak_calls_to_reserves:.2f}%")
        lines.extend(f"{k}: {v}" for k, v in self.notes.items())
        return "\n".join(lines)


def fund(calls: Mapping[int, float], plan: FundingPlan | str | Path, *,
         macro: MacroData | str | Path | None = None, horizon_end_year: int) -> FundingResult:
    """Fund ``calls`` (month index -> dollars paid out that month) from ``plan``'s sources.

    Month indices are ``year * 12 + month - 1`` (:mod:`pledgelab._months`). Each calendar
    year, the calls are taken month by month and met from the sources in order, each up
    to its capacity for that year; the last unlimited source takes the rest, and without
    one the remainder is ``unfunded``.

    **Cost convention:** money from a source used in month ``m`` costs the source's
    ``rate`` a year (simple interest) from the start of ``m`` to the end of
    ``horizon_end_year``, allocated to the years in which it accrues. A simple,
    comparable measure: a lump sum and instalments of the same total differ by how
    early, and from how dear a source, the money is raised.

    ``macro`` is the macro data (default: the file the plan names); the baseline
    reserves, the latest current account and the latest GDP of ``plan.investor`` come
    from it. A call after ``horizon_end_year`` or a negative call is a ``ValueError``.
    """
    check("horizon_year", horizon_end_year, field="horizon_end_year")
    if first_year is not None:
        check("horizon_year", first_year, field="first_year")
    if reserve_income is not None:
        check("amount_usd", reserve_income, field="reserve_income")
    plan = plan if isinstance(plan, FundingPlan) else load_funding(plan)
    data = macro if isinstance(macro, MacroData) else load_macro(macro if macro is not None else plan.macro)
    eco = data.economy(plan.investor)
    end_month = (horizon_end_year + 1) * 12  # exclusive: the month after the horizon

    by_month: dict[int, float] = defaultdict(float)
    for m, v in calls.items():
        x = float(v)
        if not math.isfinite(x) or x < 0:
            raise ValueError(f"a call must be a finite, non-negative amount of dollars; month {m}: {v!r}")
        if x > 0:
            if m >= end_month:
                raise ValueError(f"a call in {m // 12}-{m % 12 + 1:02d} falls after the horizon "
                                 f"(end of {horizon_end_year})")
            by_month[int(m)] += x
    first_year = min([*(m // 12 for m in by_month), horizon_end_year])
    years = tuple(range(first_year, horizon_end_year + 1))
    start_month = first_year * 12
    n_months, n_years = end_month - start_month, len(years)

    # Allocation, month by month, with each source's capacity renewed every calendar year.
    used = {s.id: np.zeros(n_months) for s in plan.sources}  # dollars raised in each month
    unfunded_m = np.zeros(n_months)
    left: dict[str, float | None] = {}
    year_of_left = None
    for m in sorted(by_month):
        if m // 12 != year_of_left:
            year_of_left = m // 12
            left = {s.id: s.capacity_usd for s in plan.sources}
        rest = by_month[m]
        for s in plan.sources:
            if rest <= 0:
                break
            cap = left[s.id]
            take = rest if cap is None else min(rest, cap)
            if take <= 0:
                continue
            used[s.id][m - start_month] += take
            if cap is not None:
                left[s.id] = cap - take
            rest -= take
        if rest > 0:
            unfunded_m[m - start_month] += rest

    def yearly(a: np.ndarray) -> np.ndarray:
        return np.asarray(a.reshape(n_years, 12).sum(axis=1), dtype=np.float64)

    calls_y = yearly(np.array([by_month.get(start_month + i, 0.0) for i in range(n_months)]))
    amounts = {sid: yearly(a) for sid, a in used.items()}
    # Cost: what has been raised by a month is outstanding for the whole of it, to the horizon.
    cost = {s.id: yearly(np.cumsum(used[s.id]) * (s.rate / 12.0)) for s in plan.sources}
    market = np.sum([amounts[s.id] for s in plan.sources if s.dollar_demand == "market"], axis=0) \
        if any(s.dollar_demand == "market" for s in plan.sources) else np.zeros(n_years)
    diverted = [amounts[s.id] for s in plan.sources if s.reserves_effect == "reduces-reserves-vs-baseline"]
    drawn = np.cumsum(np.sum(diverted, axis=0)) if diverted else np.zeros(n_years)

    notes: dict[str, str] = {}
    baseline, notes["reserves_baseline"] = _baseline(plan, data)
    income = sum(s.capacity_usd or 0.0 for s in plan.sources
                 if s.reserves_effect == "reduces-reserves-vs-baseline")
    base_year = _baseline_year(plan, data)
    no_pledge = baseline + income * np.maximum(np.asarray(years) - base_year, 0)
    reserves = no_pledge - drawn
    notes["reserves_path"] = (f"no-pledge path: the baseline plus {income / 1e9:,.1f}B of reserve income "
                              f"reinvested each year after {base_year}")
    ca, ca_note = _latest(data, plan.investor, "current_account_usd", "current account")
    gdp, gdp_note = _latest(data, plan.investor, "gdp_usd", "GDP")
    notes["current_account"], notes["gdp"] = ca_note, gdp_note
    return FundingResult(
        plan=plan, economy=eco.code, horizon_end_year=horizon_end_year, years=years, calls=calls_y,
        amounts=amounts, unfunded=yearly(unfunded_m), cost=cost, market_dollars=market,
        reserves_baseline=baseline, reserves=reserves, current_account=ca, gdp=gdp,
        calls_to_reserves=calls_y / reserves,
        calls_to_current_account=None if ca is None else calls_y / ca,
        calls_to_gdp=None if gdp is None else calls_y / gdp, notes=notes)


def _baseline_year(plan: FundingPlan, data: MacroData) -> int:
    """The calendar year of the baseline observation (for the red line: that of the last observation)."""
    s = data.series("reserves_usd", plan.investor)
    return s.observations[-1].date.year if s.observations else 0


def _baseline(plan: FundingPlan, data: MacroData) -> tuple[float, str]:
    rule = plan.reserves_baseline.value
    status = plan.reserves_baseline.status
    if rule == "red-line":
        c = data.clause("reserves_red_line_usd", plan.investor)
        return float(c.value), (f"{plan.investor} reserves_red_line_usd ${float(c.value) / 1e9:.2f}B "
                                f"[{c.status}], as the baseline level [{status}]")
    s = data.series("reserves_usd", plan.investor)
    if not s.observations:
        raise KeyError(f"{data.file} has no {plan.investor} reserves_usd observation")
    o = s.observations[-1]
    return o.value, (f"{plan.investor} reserves_usd at {o.date} ${o.value / 1e9:.2f}B [{o.status}], held "
                     f"as the baseline level [{status}]")


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
    investor = result.deal.investor
    total = np.zeros(result.months)
    for line in result.lines:
        if line.party == investor and line.kind in CALL_KINDS:
            total += line.values
    return {result.start + int(i): float(-total[i]) for i in np.nonzero(total < 0)[0]}
