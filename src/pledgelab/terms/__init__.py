"""Term sheets: the schema, the loader, overrides and scenarios, and the deal calendar."""

from pledgelab._cited import Alternative, Clause, HistoryEntry, Reference, Status, locate, shipped
from pledgelab.terms._calendar import BusinessCalendar, earliest_funding_date
from pledgelab.terms._overrides import (
    MAX_SWEEP,
    Override,
    OverrideLayer,
    apply_overrides,
    canonical_path,
    clause_paths,
    override,
    parse_set,
    parse_sweep,
    sweep,
)
from pledgelab.terms._scenario import SCENARIO_SCHEMA, is_scenario, load_deal, read_scenario
from pledgelab.terms._schema import (
    OVERRUN_READINGS,
    SECTORS,
    Origin,
    Party,
    TermSheet,
    Tier,
    Tranche,
    read_term_sheet,
    term_sheet_from,
)

__all__ = [
    "MAX_SWEEP",
    "OVERRUN_READINGS",
    "SCENARIO_SCHEMA",
    "SECTORS",
    "Alternative",
    "BusinessCalendar",
    "Clause",
    "HistoryEntry",
    "Origin",
    "Override",
    "OverrideLayer",
    "Party",
    "Reference",
    "Status",
    "TermSheet",
    "Tier",
    "Tranche",
    "apply_overrides",
    "canonical_path",
    "clause_paths",
    "earliest_funding_date",
    "is_scenario",
    "load_deal",
    "locate",
    "override",
    "parse_set",
    "parse_sweep",
    "read_scenario",
    "read_term_sheet",
    "shipped",
    "sweep",
    "term_sheet_from",
]
