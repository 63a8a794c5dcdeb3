"""Macro data behind the currency, funding and tariff side of a pledge: cited, dated, checked.

``load_macro`` reads a shipped file (``"korea"``, ``"japan"``, ``"tariffs"``) or
one by path; every number is a clause or a dated observation with its status
and sources. See :mod:`pledgelab.macro._data` for the file format.

>>> from pledgelab.macro import load_macro
>>> kr = load_macro("korea")
>>> s = kr.series("reserves_usd")      # s.dates: datetime64[D], s.values: float64
>>> kr.value("absorbable_outflow_usd")
15000000000.0
"""

from pledgelab.macro._data import (
    AUTHORITIES,
    DUTY_BASES,
    MACRO_SCHEMA,
    REGIME_KINDS,
    SERIES_MEASURES,
    TARIFF_SECTORS,
    VALUE_MEASURES,
    Economy,
    MacroData,
    Measure,
    Observation,
    Series,
    TariffRegime,
    load_macro,
    read_macro,
)

__all__ = [
    "AUTHORITIES",
    "DUTY_BASES",
    "MACRO_SCHEMA",
    "REGIME_KINDS",
    "SERIES_MEASURES",
    "TARIFF_SECTORS",
    "VALUE_MEASURES",
    "Economy",
    "MacroData",
    "Measure",
    "Observation",
    "Series",
    "TariffRegime",
    "load_macro",
    "read_macro",
]
