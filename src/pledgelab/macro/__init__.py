"""Macro data behind the currency, funding and tariff side of a pledge: cited, dated, checked.

``load_macro`` reads a shipped file (``"korea"``, ``"japan"``, ``"tariffs"``) or
one by path; every number is a clause or a dated observation with its status
and sources. See :mod:`pledgelab.macro._data` for the file format.

>>> from pledgelab.macro import load_macro
>>> kr = load_macro("korea")
>>> s = kr.series("reserves_usd")      # s.dates: datetime64[D], s.values: float64
>>> kr.value("absorbable_outflow_usd")
15000000000.0
>>> from pledgelab.macro import fund, load_funding     # funding plans: see pledgelab.macro.funding
"""

from pledgelab.macro._data import (
    SERIES_MEASURES,
    VALUE_MEASURES,
    Economy,
    MacroData,
    Observation,
    Series,
    TariffRegime,
    load_macro,
    read_macro,
)
from pledgelab.macro.balance import (
    BalanceSheet,
    Contingent,
    OutsideParty,
    PresentValues,
    TariffRelief,
    balance_sheet,
    compare_balance_sheets,
    contingent,
    tariff_relief,
)
from pledgelab.macro.funding import (
    KIND_EFFECTS,
    FundingPlan,
    FundingResult,
    Source,
    fund,
    funding_plan_for,
    investor_calls,
    load_funding,
    read_funding,
)
from pledgelab.macro.incidence import (
    BreakEvenStats,
    IncidenceCase,
    IncidenceResult,
    IncidenceSweep,
    break_even_distribution,
    check_base,
    incidence_sweep,
    tariff_benefit,
)
from pledgelab.macro.instalments import (
    Interest,
    NetRow,
    Payment,
    accrued_interest,
    calls_of,
    instalments,
    net_view,
)
from pledgelab.macro.lines import (
    LINES,
    LineRow,
    PaidTable,
    TradeEffect,
    export_loss,
    tariff_paid,
    tariff_paid_in_year,
    trade_effect,
)
from pledgelab.macro.measures import MeasureValue, Ratio, macro_measures, pledge_ratios, register_measure
from pledgelab.macro.tariffs import (
    SCENARIOS,
    DeclineOption,
    Scenario,
    TariffResult,
    YearSavings,
    break_even,
    cumulative_savings,
    decline_option,
    pledge_net_cost,
    scenarios_for,
    tariff_savings,
    trade_base,
)

__all__ = [
    "KIND_EFFECTS",
    "LINES",
    "SCENARIOS",
    "SERIES_MEASURES",
    "VALUE_MEASURES",
    "BalanceSheet",
    "BreakEvenStats",
    "Contingent",
    "DeclineOption",
    "Economy",
    "FundingPlan",
    "FundingResult",
    "IncidenceCase",
    "IncidenceResult",
    "IncidenceSweep",
    "Interest",
    "LineRow",
    "MacroData",
    "MeasureValue",
    "NetRow",
    "Observation",
    "OutsideParty",
    "PaidTable",
    "Payment",
    "PresentValues",
    "Ratio",
    "Scenario",
    "Series",
    "Source",
    "TariffRegime",
    "TariffRelief",
    "TariffResult",
    "TradeEffect",
    "YearSavings",
    "accrued_interest",
    "balance_sheet",
    "break_even",
    "break_even_distribution",
    "calls_of",
    "check_base",
    "compare_balance_sheets",
    "contingent",
    "cumulative_savings",
    "decline_option",
    "export_loss",
    "fund",
    "funding_plan_for",
    "incidence_sweep",
    "instalments",
    "investor_calls",
    "load_funding",
    "load_macro",
    "macro_measures",
    "net_view",
    "pledge_net_cost",
    "pledge_ratios",
    "read_funding",
    "read_macro",
    "register_measure",
    "scenarios_for",
    "tariff_benefit",
    "tariff_paid",
    "tariff_paid_in_year",
    "tariff_relief",
    "tariff_savings",
    "trade_base",
    "trade_effect",
]
