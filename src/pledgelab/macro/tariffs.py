"""Tariffs: the tariff cost a pledge avoids, the years to break even, and the decline option.

Everything is priced on one **trade base**, the US dutiable imports from the
economy in US dollars a year, times a **rate gap**, day by day:

    saving(day) = (counterfactual rate(day) − deal-side rate(day)) × base / days in the year

summed over each calendar year, so a regime that starts mid-year counts only
for its days. The rates are the dated regimes of ``data/macro/tariffs.yaml``
(each a cited clause); which layers make up each side is a **scenario**:

``deal-holds``
    The deal's 15% against the threatened 25%, from 2025-08-07 (both dates as in
    the data) for every year asked; the 2026-02-20 ruling and the 2026-01-26
    step-up are ignored.
``ieepa-2026``
    As ``deal-holds`` until the IEEPA duties stopped: the Supreme Court's ruling
    of 2026-02-20, after which CBP stopped collecting them at 00:00 on
    2026-02-24 (the end date of the deal's reciprocal layer, reported). From
    then the reciprocal tariffs fall away on both sides — the threat rested on
    IEEPA too — and the 10% Section 122 tariff applies to everyone for its 150
    days (2026-02-24 to 2026-07-23), so the deal saves nothing on reciprocal
    tariffs. After the 150 days what follows is not in the record: no saving is
    counted.
``step-up-2026``
    Korea only: as ``deal-holds`` until the 2026-01-26 announcement, from which
    the deal side is the announced 25% (the announcement's date is the start,
    assumed), equal to the threat: no saving. Japan has no announced step-up.

**The trade base** for Korea is the assumed ``us_dutiable_imports_usd`` clause
of ``tariffs.yaml`` ($166.8B a year, derived from the $1.39B a month Korea paid
at the 10% rate; its reason states the derivation and its bias). It is held
flat over the years. Japan has no trade base in the record (a documented
gap), so for Japan ``exports=`` (USD a year) is required. Exports by sector are
not in the record either: every dollar is priced at the ``general`` rate, so
sector layers (Section 232 autos, which survive the ruling) are not split out.

**The decline option** (:func:`decline_option`) runs the engine twice — the
pipeline as given, and with one project declined — and adds, when declined,
the tariff step-up the US may impose: (the deal's ``non_funding.tariff_step_up``
rate − the deal rate) × base for ``step_up_years`` from the day the project
would have been funded, counted only on days the scenario still has a deal
saving to take back (under ``ieepa-2026`` the lever is gone after the ruling;
under ``step-up-2026`` the rate is already 25%). For Korea the engine already
diverts Korea's distributions to the US until the unfunded amount is made up
(``non_funding.distribution_diversion``).

>>> from pledgelab.macro.tariffs import tariff_savings
>>> r = tariff_savings("KR", scenario="deal-holds", years=range(2025, 2031))
>>> round(r.by_year()[2026] / 1e9, 2)
16.68
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pledgelab._errors import ArgumentError
from pledgelab._limits import check
from pledgelab.macro._data import MacroData, TariffRegime, load_macro
from pledgelab.metrics import present_values
from pledgelab.pipeline import Pipeline, Project
from pledgelab.terms import Alternative, Clause, Status, TermSheet

if TYPE_CHECKING:
    from pledgelab.engine import RunResult

SECTOR = "general"  # exports by sector are a gap: every dollar is priced at the general rate
_HERE = "pledgelab/macro/tariffs.py"


# -- scenarios -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Layer:
    """One regime used by a scenario side.

    ``until`` is ``"own"`` (the regime's own end, if any), ``"open"`` (its end is
    ignored: the regime is held) or the id of another regime whose end ends this one.
    """

    regime: str
    until: str = "own"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A named, dated case: the layers on the deal side and on the counterfactual side, by economy."""

    name: str
    reading: str
    deal: Mapping[str, tuple[Layer, ...]]
    counterfactual: Mapping[str, tuple[Layer, ...]]


DEFAULT_YEARS = 20
"""Years of tariff savings shown from a run's first year, unless asked otherwise."""
DEFAULT_SCENARIO = "deal-holds"
"""The tariff scenario of the decline option and the incidence table, unless asked otherwise."""

SCENARIOS: dict[str, Scenario] = {
    "deal-holds": Scenario(
        name="deal-holds",
        reading=("The deal's 15% against the threatened 25% from 2025-08-07, held for every year; "
                 "the IEEPA ruling and the 2026 step-up are ignored."),
        deal={"KR": (Layer("kr-deal-2025-08", "open"),), "JP": (Layer("jp-deal-2025-08", "open"),)},
        counterfactual={"KR": (Layer("kr-threat-2025"),), "JP": (Layer("jp-threat-2025"),)},
    ),
    "ieepa-2026": Scenario(
        name="ieepa-2026",
        reading=("The deal's 15% against the threatened 25% until the IEEPA duties stopped after the "
                 "Supreme Court's ruling (CBP ended collection at 00:00 on 2026-02-24); from then the "
                 "reciprocal tariffs fall away on both sides and the 10% Section 122 tariff applies to "
                 "everyone for 150 days (2026-02-24 to 2026-07-23), so the deal saves nothing on "
                 "reciprocal tariffs; after the 150 days nothing is counted (what follows is not in "
                 "the record)."),
        deal={"KR": (Layer("kr-deal-2025-08"), Layer("section-122-2026")),
              "JP": (Layer("jp-deal-2025-08"), Layer("section-122-2026"))},
        counterfactual={"KR": (Layer("kr-threat-2025", "kr-deal-2025-08"), Layer("section-122-2026")),
                        "JP": (Layer("jp-threat-2025", "jp-deal-2025-08"), Layer("section-122-2026"))},
    ),
    "step-up-2026": Scenario(
        name="step-up-2026",
        reading=("Korea only: the deal's 15% against the threatened 25% until the 2026-01-26 "
                 "announcement (its date used as the start, assumed), then the announced 25% on the "
                 "deal side, equal to the threat, so no saving; the IEEPA ruling is ignored."),
        deal={"KR": (Layer("kr-deal-2025-08", "open"), Layer("kr-step-up-2026-01"))},
        counterfactual={"KR": (Layer("kr-threat-2025"),)},
    ),
}

DEAL_REGIMES = {"KR": "kr-deal-2025-08", "JP": "jp-deal-2025-08"}  # the deal rate of each economy


# -- results ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class YearSavings:
    """One calendar year: days compared, mean rates over those days, and the tariff cost avoided."""

    year: int
    days: int  # days of the year on which both sides have a rate
    counterfactual_rate: float  # mean over those days (nan when none)
    deal_rate: float
    savings: float  # USD


@dataclass(frozen=True, slots=True, kw_only=True)
class TariffResult:
    """Tariff cost avoided by year for one economy under one scenario, with its inputs."""

    economy: str
    scenario: Scenario
    trade_base: Clause  # USD a year
    regimes: tuple[TariffRegime, ...]  # every regime the scenario used, for citation
    years: tuple[YearSavings, ...]

    def by_year(self) -> dict[int, float]:
        return {y.year: y.savings for y in self.years}

    @property
    def total(self) -> float:
        return float(sum(y.savings for y in self.years))


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclineOption:
    """Fund a project or decline it: the investor's value both ways, every input named.

    ``npv_fund`` and ``npv_decline`` are the investor's engine NPVs, both at the
    first day of ``base_month`` (``YYYY-MM``); ``npv_decline`` already includes,
    where the deal says so, the distributions diverted to the host.
    ``step_up_cost`` is the discounted tariff step-up borne if declined.
    ``funding_cost`` = ``npv_decline − npv_fund`` (what funding costs the
    investor before tariffs; negative when funding pays). The cheaper choice is
    the one with the higher value; ``margin`` is by how much.
    """

    project: str
    economy: str
    investor: str
    scenario: Scenario
    discount_rate: float
    base_month: str
    npv_fund: float
    npv_decline: float
    funding_cost: float
    diverted_to_host: float  # undiscounted, USD, in the declined run
    step_up_rate: Clause
    deal_rate: Clause
    trade_base: Clause
    step_up_years: Clause
    step_up_start: dt.date
    step_up_cost: float  # discounted to base_month, USD
    value_fund: float
    value_decline: float
    cheaper: str  # "fund" | "decline"
    margin: float

    def inputs(self) -> dict[str, str]:
        """Every input with its value and citation, for a report."""
        return {
            "deal rate": f"{self.deal_rate.value:.4g} — {self.deal_rate.cite()}",
            "step-up rate": f"{self.step_up_rate.value:.4g} — {self.step_up_rate.cite()}",
            "trade base (USD a year)": f"{self.trade_base.value:.6g} — {self.trade_base.cite()}",
            "step-up years": f"{self.step_up_years.value:g} — {self.step_up_years.cite()}",
            "step-up start": self.step_up_start.isoformat(),
            "scenario": f"{self.scenario.name}: {self.scenario.reading}",
            "discount rate": f"{self.discount_rate:g} a year, to {self.base_month}",
        }


# -- tariff savings --------------------------------------------------------------------------------

def trade_base(economy: str, *, exports: float | None = None, data: MacroData | None = None) -> Clause:
    """The economy's trade base (USD a year): ``exports`` if given, else the data's clause.

    Raises ``ValueError`` naming the gap when the data has none and no ``exports`` is given.
    """
    if exports is not None:
        check("exports_usd", exports, field="exports")
        return Clause(path="exports", value=float(exports), unit="USD/year",
                      label=f"US dutiable imports from {economy}, a year (supplied by the user)",
                      status=Status.ASSUMED, reason="supplied by the user (exports=)",
                      alternatives=(Alternative(value=None, label="the record's base, where it has one"),),
                      file="<user>")
    data = data or load_macro("tariffs")
    try:
        return data.clause("us_dutiable_imports_usd", economy)
    except KeyError as exc:
        raise ValueError(f"no trade base for {economy}: {exc.args[0]} Pass exports=<USD a year> "
                         f"(on the command line, --exports).") from None


def scenarios_for(economy: str) -> dict[str, Scenario]:
    """The scenarios defined for ``economy`` (both sides give it layers), in :data:`SCENARIOS` order.

    Raises the first scenario's ``ValueError`` when none covers ``economy``.
    """
    out = {name: sc for name, sc in SCENARIOS.items() if economy in sc.deal and economy in sc.counterfactual}
    if not out:
        _scenario(next(iter(SCENARIOS)), economy)
    return out


def _scenario(name: str | Scenario, economy: str) -> Scenario:
    sc = name if isinstance(name, Scenario) else SCENARIOS.get(name)
    if sc is None:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    if economy not in sc.deal or economy not in sc.counterfactual:
        raise ValueError(f"scenario {sc.name!r} is not defined for {economy} (it covers "
                         f"{', '.join(sc.deal)}): {sc.reading}")
    return sc


def _span(layer: Layer, regimes: Mapping[str, TariffRegime]) -> tuple[TariffRegime, dt.date, dt.date | None]:
    """The regime of a layer, its start and its exclusive end (None: open)."""
    r = regimes[layer.regime]
    if layer.until == "open":
        end = None
    elif layer.until == "own":
        end = r.end_date
    else:
        end = regimes[layer.until].end_date
    return r, r.start_date, end


def _rates(layers: Sequence[Layer], regimes: Mapping[str, TariffRegime], days: np.ndarray) -> np.ndarray:
    """The rate on each day (nan where no layer covers it); the latest-starting layer wins."""
    out = np.full(days.shape, np.nan)
    started = np.full(days.shape, np.datetime64("NaT", "D"))
    for layer in layers:
        r, start, end = _span(layer, regimes)
        s = np.datetime64(start, "D")
        cover = days >= s
        if end is not None:
            cover &= days < np.datetime64(end, "D")
        cover &= np.isnat(started) | (s >= started)
        out[cover] = r.rate(SECTOR)
        started[cover] = s
    return out


def _year_days(year: int) -> np.ndarray:
    return np.arange(np.datetime64(f"{year:04d}-01-01"), np.datetime64(f"{year + 1:04d}-01-01"))


def _daily_gap(sc: Scenario, economy: str, regimes: Mapping[str, TariffRegime],
               days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counterfactual rate, deal-side rate and the mask of days both sides cover."""
    cf = _rates(sc.counterfactual[economy], regimes, days)
    deal = _rates(sc.deal[economy], regimes, days)
    one_sided = np.isnan(cf) != np.isnan(deal)
    if one_sided.any():
        first = str(days[np.flatnonzero(one_sided)[0]])
        raise ValueError(f"scenario {sc.name!r} has a rate on one side only on {first} ({economy})")
    return cf, deal, ~np.isnan(cf)


def tariff_savings(economy: str, *, scenario: str | Scenario, years: Iterable[int],
                   exports: float | None = None, data: MacroData | None = None) -> TariffResult:
    """Tariff cost avoided per calendar year: (counterfactual − deal rate) × trade base, by day.

    ``exports`` (USD a year) replaces the data's trade base; it is required for
    an economy without one (Japan). ``data`` defaults to ``load_macro("tariffs")``.
    """
    if isinstance(years, str | bytes) or not isinstance(years, Iterable):
        raise ArgumentError.of("years", f"expected calendar years (e.g. range(2025, 2031)), got {years!r}")
    years = sorted(set(years))
    if not years:
        raise ArgumentError.of("years", "no years asked for: give at least one calendar year")
    for year in years:
        check("horizon_year", year, field="years")
    data = data or load_macro("tariffs")
    sc = _scenario(scenario, economy)
    base = trade_base(economy, exports=exports, data=data)
    regimes = data.regimes
    used = {lay.regime for lay in (*sc.deal[economy], *sc.counterfactual[economy])}
    used |= {lay.until for lay in (*sc.deal[economy], *sc.counterfactual[economy])
             if lay.until not in ("own", "open")}
    missing = sorted(u for u in used if u not in regimes)
    if missing:
        raise ValueError(f"scenario {sc.name!r} needs regimes the data lacks: {', '.join(missing)}")
    out: list[YearSavings] = []
    for year in years:
        days = _year_days(year)
        cf, deal, both = _daily_gap(sc, economy, regimes, days)
        n = int(both.sum())
        gap = float(np.sum(cf[both] - deal[both]))
        out.append(YearSavings(
            year=year, days=n,
            counterfactual_rate=float(cf[both].mean()) if n else float("nan"),
            deal_rate=float(deal[both].mean()) if n else float("nan"),
            savings=gap * float(base.value) / days.size,
        ))
    return TariffResult(economy=economy, scenario=sc, trade_base=base,
                        regimes=tuple(regimes[u] for u in sorted(used)), years=tuple(out))


def break_even(savings_by_year: Mapping[int, float] | Sequence[float], pledge_net_cost: float, *,
               discount_rate: float) -> float | None:
    """Years until cumulative discounted savings cover ``pledge_net_cost``; None if never.

    Year ``k`` of the series (0 for the first) is discounted by ``(1 + r)**-k``
    and its savings accrue evenly through it, so the answer is fractional: 10 a
    year against a cost of 15 at r = 0 breaks even after 1.5 years. Counted from
    the start of the series' first year. A cost of zero or less breaks even at 0.
    """
    if pledge_net_cost <= 0:
        return 0.0
    cum = 0.0
    for k, pv in enumerate(float(v) for v in _discounted(savings_by_year, discount_rate)):
        if pv > 0 and cum + pv >= pledge_net_cost:
            return k + (pledge_net_cost - cum) / pv
        cum += pv
    return None


def cumulative_savings(savings_by_year: Mapping[int, float] | Sequence[float], *,
                       discount_rate: float) -> list[float]:
    """Cumulative discounted savings at the end of each year, discounted as in :func:`break_even`."""
    total, out = 0.0, []
    for pv in (float(v) for v in _discounted(savings_by_year, discount_rate)):
        total += pv
        out.append(total)
    return out


def _discounted(savings_by_year: Mapping[int, float] | Sequence[float], rate: float) -> np.ndarray:
    """Year ``k`` of the series (years in order) discounted by ``(1 + rate) ** -k`` (metrics' rule)."""
    values = ([float(savings_by_year[y]) for y in sorted(savings_by_year)]
              if isinstance(savings_by_year, Mapping) else [float(v) for v in savings_by_year])
    return present_values(np.asarray(values, dtype=np.float64), rate, per_year=1)


# -- the decline option ----------------------------------------------------------------------------

def _economy_of(deal: TermSheet, economy: str | None, data: MacroData) -> str:
    code = economy or deal.investor
    if code not in DEAL_REGIMES or code not in data.economies:
        raise ValueError(f"no tariff model for {code!r} (deal {deal.id}); known: {', '.join(DEAL_REGIMES)}"
                         + ("" if economy else "; name one with economy="))
    return code


def _step_up_rate(deal: TermSheet, step_up_rate: float | None) -> Clause:
    clause = deal.clause("non_funding.tariff_step_up")
    if step_up_rate is not None:
        return clause.with_value(float(step_up_rate), note="step-up rate supplied by the user")
    if clause.value is None:
        raise ValueError(f"{deal.id}: {clause.path} is null (the rate is left to the President; "
                         f"{clause.cite()}); pass step_up_rate=")
    return clause


def _monthly_cost(daily: np.ndarray, days: np.ndarray, base_month: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum daily amounts by calendar month; month offsets from ``base_month``."""
    months = days.astype("datetime64[M]").astype(np.int64) + 1970 * 12  # month_of convention
    uniq, inv = np.unique(months, return_inverse=True)
    return uniq - base_month, np.bincount(inv, weights=daily)


def decline_option(deal: TermSheet, pipeline: Pipeline, project_id: str, *, economy: str | None = None,
                   scenario: str | Scenario = "deal-holds", step_up_years: float | None = None,
                   discount_rate: float, exports: float | None = None,
                   step_up_rate: float | None = None, data: MacroData | None = None,
                   funded_run: RunResult | None = None) -> DeclineOption:
    """Fund ``project_id`` or decline it: which is cheaper for the investor, and by how much.

    Runs the engine on ``pipeline`` as given (the project funded) and with the
    project's decision set to ``decline``; both investor NPVs are put at the
    first day of the earlier run's first month. If declined, the tariff step-up
    (``step_up_rate`` or the deal's ``non_funding.tariff_step_up``, minus the deal
    rate) on the trade base runs for ``step_up_years`` (default: the deal's
    ``non_funding.step_up_years`` clause) from the project's funding date, on the days the
    scenario has a deal saving to take back, discounted monthly like the engine.
    ``funded_run``, when the caller already has ``run(deal, pipeline)`` and the
    project's decision there is ``fund``, is used instead of running it again.
    """
    from pledgelab.engine import run
    from pledgelab.metrics import party_outcomes

    data = data or load_macro("tariffs")
    code = _economy_of(deal, economy, data)
    sc = _scenario(scenario, code)
    ids = [p.id for p in pipeline.projects]
    if project_id not in ids:
        raise ValueError(f"pipeline {pipeline.id} has no project {project_id!r}; it has: {', '.join(ids)}")
    proj = next(p for p in pipeline.projects if p.id == project_id)
    funded = dataclasses.replace(proj, decision="fund")
    declined = dataclasses.replace(proj, decision="decline")
    def with_(variant: Project) -> Pipeline:
        return dataclasses.replace(pipeline, projects=tuple(
            variant if p.id == project_id else p for p in pipeline.projects))

    reuse = funded_run is not None and proj.decision == "fund"
    runs = [funded_run if reuse and funded_run is not None else run(deal, with_(funded)),
            run(deal, with_(declined))]
    base_month = min(r.start for r in runs)
    npvs = []
    for r in runs:
        o = next(o for o in party_outcomes(r, discount_rate=discount_rate) if o.party == deal.investor)
        npvs.append(o.npv / (1.0 + discount_rate) ** ((r.start - base_month) / 12.0))
    npv_fund, npv_decline = npvs
    diverted = float(sum(-line.values.sum() for line in runs[1].lines
                         if line.party == deal.investor and line.kind == "diverted to host"))

    rate = _step_up_rate(deal, step_up_rate)
    deal_rate = data.regimes[DEAL_REGIMES[code]].rates[SECTOR]
    base = trade_base(code, exports=exports, data=data)
    if step_up_years is None:
        if "non_funding.step_up_years" not in deal.clauses:
            raise ValueError(f"{deal.id} has no non_funding.step_up_years clause; pass step_up_years=")
        years = deal.clause("non_funding.step_up_years")
    else:
        years = Clause(path="step_up_years", value=float(step_up_years), unit="years",
                       label="How long the tariff step-up lasts (given by the user)",
                       status=Status.ASSUMED, reason="supplied by the user",
                       alternatives=(), file="<argument>", line=0)
    if float(years.value) < 0:
        raise ValueError(f"step_up_years must be zero or more, got {years.value!r}")
    from pledgelab.engine import earliest_funding

    start = earliest_funding(deal, proj.notice_date.value)
    n_days = round(float(years.value) * 365.25)
    cost = 0.0
    if n_days > 0:
        days = np.arange(np.datetime64(start, "D"), np.datetime64(start, "D") + n_days)
        cf, deal_side, both = _daily_gap(sc, code, data.regimes, days)
        lever = both & (cf - deal_side > 0)  # the scenario still has a deal saving to take back
        year = days.astype("datetime64[Y]").astype(np.int64) + 1970
        leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
        daily = np.where(lever, (float(rate.value) - float(deal_rate.value)) * float(base.value)
                         / np.where(leap, 366.0, 365.0), 0.0)
        offsets, monthly = _monthly_cost(daily, days, base_month)
        cost = float(np.sum(monthly / (1.0 + discount_rate) ** (offsets / 12.0)))
    value_fund, value_decline = npv_fund, npv_decline - cost
    cheaper = "fund" if value_fund >= value_decline else "decline"
    return DeclineOption(
        project=project_id, economy=code, investor=deal.investor, scenario=sc,
        discount_rate=discount_rate, base_month=f"{base_month // 12:04d}-{base_month % 12 + 1:02d}",
        npv_fund=npv_fund, npv_decline=npv_decline, funding_cost=npv_decline - npv_fund,
        diverted_to_host=diverted, step_up_rate=rate, deal_rate=deal_rate, trade_base=base,
        step_up_years=years, step_up_start=start, step_up_cost=cost, value_fund=value_fund,
        value_decline=value_decline, cheaper=cheaper, margin=abs(value_fund - value_decline),
    )


def pledge_net_cost(deal: TermSheet, pipeline: Pipeline, *, discount_rate: float,
                    funded_run: RunResult | None = None) -> float:
    """The pledge's net cost to the investor: minus its engine NPV (at the run's first month).

    ``funded_run``, when the caller already has ``run(deal, pipeline)``, is used instead of a new run.
    """
    from pledgelab.engine import run
    from pledgelab.metrics import party_outcomes

    res = funded_run if funded_run is not None else run(deal, pipeline)
    return -next(o.npv for o in party_outcomes(res, discount_rate=discount_rate) if o.party == deal.investor)


__all__ = [
    "DEAL_REGIMES",
    "SCENARIOS",
    "DeclineOption",
    "Layer",
    "Scenario",
    "TariffResult",
    "YearSavings",
    "break_even",
    "cumulative_savings",
    "decline_option",
    "pledge_net_cost",
    "scenarios_for",
    "tariff_savings",
    "trade_base",
]
