"""Term sheets: the schema, the loader and the deal calendar."""

from pledgelab._cited import Alternative, Clause, Reference, Status, locate, shipped
from pledgelab.terms._calendar import BusinessCalendar, earliest_funding_date
from pledgelab.terms._schema import SECTORS, Party, TermSheet, Tier, Tranche, read_term_sheet

__all__ = [
    "SECTORS",
    "Alternative",
    "BusinessCalendar",
    "Clause",
    "Party",
    "Reference",
    "Status",
    "TermSheet",
    "Tier",
    "Tranche",
    "earliest_funding_date",
    "load_deal",
    "locate",
    "read_term_sheet",
    "shipped",
]


def load_deal(name_or_path: str) -> TermSheet:
    """Load a shipped deal by id (``"us-korea-2025-11"``) or a term sheet by file path."""
    path, display = locate("deals", name_or_path)
    return read_term_sheet(path, display=display)
