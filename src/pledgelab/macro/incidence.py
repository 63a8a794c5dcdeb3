"""Who gains from a tariff cut: Korea's benefit by incidence and volume, and US customs revenue apart.

A US tariff is paid by the US importer. What a deal's lower rate is worth to the
exporting economy is not the customs revenue it avoids but two things:

* the **margin** its exporters would have absorbed: with a share ``phi`` of the
  tariff borne by the US side (pass-through to duty-inclusive prices), exporters
  cut their dollar prices by the rest, so the deal spares them
  ``(1 - phi) x (t_cf - t_deal) x base``, value added in full;
* the **volume** they keep: the US buyers' price rises by
  ``phi x (t_cf - t_deal) / (1 + t_deal)`` without the deal, and their
  purchases fall by the import demand elasticity ``e`` times that (capped at
  the base), so the deal keeps ``volume = min(1, e x phi x gap / (1 + t_deal)) x
  base`` of sales, worth ``value-added share x volume`` to GDP.

``benefit = margin + value-added share x volume``. With ``phi = 1`` (complete
pass-through, the 2018-19 finding) the benefit is the volume effect only; with
``phi = 0`` it is the whole customs revenue ``(t_cf - t_deal) x base``, which is
shown separately, as what it is: US revenue forgone, not Korea's gain.

**Lines.** The base is split into a ``general`` line (the reciprocal tariff)
and an ``autos`` line (Section 232): US imports from the economy, less the
exempt share, less autos, on the general line; autos on their own line, whose
deal rate survives the IEEPA ruling (Section 232), so under ``ieepa-2026`` the
auto saving continues. The rates are the dated regimes of
``data/macro/tariffs.yaml``, day by day, as in :mod:`pledgelab.macro.tariffs`.
:func:`check_base` compares the old base read from the tariff paid with total
imports.

**Break-even against a distribution** (:func:`break_even_distribution`): the
years until the discounted benefit covers each simulated net cost of the pledge
(minus the investor's NPV on each Monte Carlo path), summarised by median, p5
and p95 and the share of paths that never break even within the years given.

References
----------
Amiti, Redding and Weinstein (2019), *JEP* 33(4): complete pass-through of the
2018 tariffs to US prices. Cavallo, Gopinath, Neiman and Tang (2021), *AER:
Insights* 3(1). Fajgelbaum, Goldberg, Kennedy and Khandelwal (2020), *QJE*
135(1): import demand elasticities from the 2018 tariffs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pledgelab.macro._data import MacroData, TariffRegime, load_macro
from pledgelab.macro.tariffs import DEAL_REGIMES, SCENARIOS, Layer, break_even, cumulative_savings

#: The autos line's layers by scenario: the deal's Section 232 auto rate against the 25% it cut;
#: Section 232 survives the IEEPA ruling, and the 2026 step-up names autos too.
AUTO_LAYERS: dict[str, dict[str, tuple[tuple[Layer, ...], tuple[Layer, ...]]]] = {
    "KR": {
        "deal-holds": ((Layer("kr-deal-autos-2025-11", "open"),), (Layer("kr-autos-232-2025", "open"),)),
        "ieepa-2026": ((Layer("kr-deal-autos-2025-11", "open"),), (Layer("kr-autos-232-2025", "open"),)),
        "step-up-2026": ((Layer("kr-deal-autos-2025-11", "open"), Layer("kr-step-up-2026-01", "open")),
                         (Layer("kr-autos-232-2025", "open"),)),
    },
}
LINES = ("general", "autos")


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameters:
    """The incidence model's inputs (each from the data unless set by the caller)."""

    incidence: float  # share borne by the US side
    elasticity: float
    value_added_share: float
    exempt_share: float
    imports: float  # US imports from the economy, a year
    autos: float  # of which autos, a year
    gdp: float | None

    @property
    def bases(self) -> dict[str, float]:
        """The base of each line, USD a year: general = imports x (1 - exempt) - autos."""
        general = max(self.imports * (1.0 - self.exempt_share) - self.autos, 0.0)
        return {"general": general, "autos": self.autos}


@dataclass(frozen=True, slots=True, kw_only=True)
class YearBenefit:
    """One calendar year, summed over the lines."""

    year: int
    customs_revenue: float  # (t_cf - t_deal) x base: US revenue the deal forgoes
    margin: float  # absorbed by exporters without the deal
    volume: float  # sales kept, gross
    benefit: float  # margin + value-added share x volume
    share_of_gdp: float | None
    by_line: dict[str, float]  # benefit of each line


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidenceResult:
    economy: str
    scenario: str
    parameters: Parameters
    years: tuple[YearBenefit, ...]

    def benefit_by_year(self) -> dict[int, float]:
        return {y.year: y.benefit for y in self.years}

    def revenue_by_year(self) -> dict[int, float]:
        return {y.year: y.customs_revenue for y in self.years}


def parameters(economy: str, *, data: MacroData | None = None, incidence: float | None = None,
               elasticity: float | None = None, value_added_share: float | None = None,
               exempt_share: float | None = None, imports: float | None = None,
               gdp_data: MacroData | None = None) -> Parameters:
    """The economy's inputs from ``tariffs.yaml`` (and its GDP from its own macro file), overridable."""
    data = data or load_macro("tariffs")

    def pick(given: float | None, name: str, lo: float, hi: float) -> float:
        try:
            x = float(data.value(name, economy)) if given is None else float(given)
        except KeyError:  # a gap in the data, not a bug: say which value is missing
            raise ValueError(f"tariffs.yaml gives no {name} for {economy}: the tariff benefit by "
                             f"incidence is not modelled for it (give the value)") from None
        if not np.isfinite(x) or x < lo or x > hi:
            raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {given!r}")
        return x

    gdp: float | None = None
    try:
        g = (gdp_data or load_macro({"KR": "korea", "JP": "japan"}.get(economy, economy.lower())))
        s = g.series("gdp_usd", economy)
        gdp = float(s.values[-1]) if len(s.values) else None
    except (KeyError, ValueError):
        gdp = None
    return Parameters(incidence=pick(incidence, "importer_incidence", 0.0, 1.0),
                      elasticity=pick(elasticity, "import_demand_elasticity", 0.0, 100.0),
                      value_added_share=pick(value_added_share, "export_value_added_share", 0.0, 1.0),
                      exempt_share=pick(exempt_share, "tariff_exempt_share", 0.0, 1.0),
                      imports=pick(imports, "us_imports_usd", 0.0, 1e14),
                      autos=float(data.value("us_imports_autos_usd", economy)), gdp=gdp)


def _rates(layers: Sequence[Layer], regimes: Mapping[str, TariffRegime], days: np.ndarray,
           sector: str) -> np.ndarray:
    """The rate of ``sector`` on each day (nan where no layer covers it); the latest-starting layer wins."""
    out = np.full(days.shape, np.nan)
    started = np.full(days.shape, np.datetime64("NaT", "D"))
    for layer in layers:
        r = regimes[layer.regime]
        if sector not in r.rates:
            continue
        end = (None if layer.until == "open" else r.end_date if layer.until == "own"
               else regimes[layer.until].end_date)
        s = np.datetime64(r.start_date, "D")
        cover = days >= s
        if end is not None:
            cover &= days < np.datetime64(end, "D")
        cover &= np.isnat(started) | (s >= started)
        out[cover] = r.rate(sector)
        started[cover] = s
    return out


def _layers(economy: str, scenario: str, line: str) -> tuple[tuple[Layer, ...], tuple[Layer, ...]]:
    if line == "general":
        sc = SCENARIOS[scenario]
        if economy not in sc.deal or economy not in sc.counterfactual:
            raise ValueError(f"scenario {scenario!r} is not defined for {economy}")
        return sc.deal[economy], sc.counterfactual[economy]
    try:
        return AUTO_LAYERS[economy][scenario]
    except KeyError:
        raise ValueError(f"no autos line for {economy} under {scenario!r}") from None


def tariff_benefit(economy: str, *, scenario: str, years: Iterable[int], params: Parameters | None = None,
                   data: MacroData | None = None) -> IncidenceResult:
    """Korea's (the economy's) benefit from the deal's rates, by year: margin + value added of volume kept."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    data = data or load_macro("tariffs")
    p = params or parameters(economy, data=data)
    ys = sorted(set(years))
    if not ys:
        raise ValueError("no years asked for: give at least one calendar year")
    out = []
    for year in ys:
        days = np.arange(np.datetime64(f"{year:04d}-01-01"), np.datetime64(f"{year + 1:04d}-01-01"))
        rev = margin = volume = 0.0
        by_line: dict[str, float] = {}
        for line, base in p.bases.items():
            deal_l, cf_l = _layers(economy, scenario, line)
            deal = _rates(deal_l, data.regimes, days, line)
            cf = _rates(cf_l, data.regimes, days, line)
            both = ~np.isnan(deal) & ~np.isnan(cf)
            gap = np.where(both, np.nan_to_num(cf) - np.nan_to_num(deal), 0.0)
            per_day = base / days.size
            r = float(np.sum(gap) * per_day)
            m = (1.0 - p.incidence) * r
            kept = np.minimum(1.0, p.elasticity * p.incidence * gap / (1.0 + np.nan_to_num(deal)))
            v = float(np.sum(kept) * per_day)
            rev, margin, volume = rev + r, margin + m, volume + v
            by_line[line] = m + p.value_added_share * v
        benefit = margin + p.value_added_share * volume
        out.append(YearBenefit(year=year, customs_revenue=rev, margin=margin, volume=volume, benefit=benefit,
                               share_of_gdp=None if not p.gdp else benefit / p.gdp, by_line=by_line))
    return IncidenceResult(economy=economy, scenario=scenario, parameters=p, years=tuple(out))


def check_base(economy: str, *, data: MacroData | None = None) -> dict[str, float]:
    """The old base read from the tariff paid, against total US imports from the economy and the new lines."""
    data = data or load_macro("tariffs")
    p = parameters(economy, data=data)
    return {"tariff_paid_base": float(data.value("us_dutiable_imports_usd", economy)),
            "us_imports": p.imports, "general_line": p.bases["general"], "autos_line": p.bases["autos"],
            "exempt": p.imports * p.exempt_share}


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakEvenStats:
    """Break-even years over a distribution of the pledge's net cost (None: never within the years)."""

    n: int
    median: float | None
    p5: float | None
    p95: float | None
    never: float  # share of draws that never break even within the years given
    deterministic: float | None = None


def break_even_distribution(benefit_by_year: Mapping[int, float] | Sequence[float], net_costs: np.ndarray, *,
                            discount_rate: float, deterministic_cost: float | None = None) -> BreakEvenStats:
    """Break-even years for each net cost in ``net_costs`` (minus the investor's NPV on each path).

    Each draw uses :func:`~pledgelab.macro.tariffs.break_even`; draws that never break even
    count as infinite in the percentiles, which are None when infinite.
    """
    costs = np.asarray(net_costs, dtype=np.float64).ravel()
    if costs.size == 0:
        raise ValueError("no draws of the net cost")
    found = [break_even(benefit_by_year, float(c), discount_rate=discount_rate) for c in costs]
    years = np.array([np.inf if b is None else b for b in found])

    def q(x: float) -> float | None:
        v = float(np.quantile(years, x, method="inverted_cdf"))
        return None if not np.isfinite(v) else v

    det = (None if deterministic_cost is None
           else break_even(benefit_by_year, deterministic_cost, discount_rate=discount_rate))
    return BreakEvenStats(n=int(costs.size), median=q(0.5), p5=q(0.05), p95=q(0.95),
                          never=float(np.mean(~np.isfinite(years))), deterministic=det)


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidenceCase:
    """One (incidence, elasticity) pair of the sweep: the year's figures, the benefit's present value
    and break-even against the plan's net cost (and, given draws, against their distribution)."""

    incidence: float
    elasticity: float
    customs_revenue: float  # in the sweep's year: US revenue forgone, not the investor's gain
    benefit: float          # in the sweep's year
    share_of_gdp: float | None
    pv_benefit: float       # over all the years, year k discounted by (1 + r) ** -k
    break_even: float | None
    distribution: BreakEvenStats | None


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidenceSweep:
    """The investor's benefit over the incidence and elasticity clauses' values and alternatives."""

    economy: str
    scenario: str
    year: int  # the deal rate's first full year (or the first year shown)
    central: Parameters
    cases: tuple[IncidenceCase, ...]


def incidence_sweep(economy: str, *, scenario: str, years: Sequence[int], discount_rate: float,
                    net_cost: float, net_costs: np.ndarray | None = None,
                    data: MacroData | None = None) -> IncidenceSweep:
    """The benefit by incidence (each value of ``importer_incidence``, at the central elasticity)
    and by elasticity (each value of ``import_demand_elasticity``, at the central incidence).

    Break-even against ``net_cost`` (the plan's) and, with ``net_costs`` (one per Monte Carlo
    path), against their distribution. One implementation for every presentation (the CLI's
    ``tariffs`` table and the workbench's Tariffs page). A ``KeyError`` where the economy has no
    incidence data.
    """
    data = data or load_macro("tariffs")
    central = parameters(economy, data=data)
    inc = data.clause("importer_incidence", economy)
    ela = data.clause("import_demand_elasticity", economy)
    incidences = sorted({float(inc.value), *(float(a.value) for a in inc.alternatives)}, reverse=True)
    elasticities = sorted({float(ela.value), *(float(a.value) for a in ela.alternatives)})
    pairs = [(i, float(ela.value)) for i in incidences] + [
        (float(inc.value), e) for e in elasticities if e != float(ela.value)]
    after = data.regimes[DEAL_REGIMES[economy]].start_date.year + 1  # the deal rate's first full year
    full = after if after in years else years[0]
    cases = []
    for incidence, elasticity in pairs:
        p = parameters(economy, data=data, incidence=incidence, elasticity=elasticity)
        r = tariff_benefit(economy, scenario=scenario, years=years, params=p, data=data)
        y = next(b for b in r.years if b.year == full)
        by_year = r.benefit_by_year()
        pv = cumulative_savings(by_year, discount_rate=discount_rate)[-1] if by_year else 0.0
        dist = (None if net_costs is None
                else break_even_distribution(by_year, net_costs, discount_rate=discount_rate))
        cases.append(IncidenceCase(
            incidence=incidence, elasticity=elasticity, customs_revenue=y.customs_revenue,
            benefit=y.benefit, share_of_gdp=y.share_of_gdp, pv_benefit=pv,
            break_even=break_even(by_year, net_cost, discount_rate=discount_rate), distribution=dist))
    return IncidenceSweep(economy=economy, scenario=scenario, year=full, central=central, cases=tuple(cases))


__all__ = ["AUTO_LAYERS", "LINES", "BreakEvenStats", "IncidenceCase", "IncidenceResult", "IncidenceSweep",
           "Parameters", "YearBenefit", "break_even_distribution", "check_base", "incidence_sweep",
           "parameters", "tariff_benefit"]
