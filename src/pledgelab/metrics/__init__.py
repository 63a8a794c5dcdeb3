"""Metrics: NPV, IRR with reasons, MOIC, payback, recovery dates."""

from pledgelab.metrics.irr import REASONS, IrrReason, irr_annual, irr_monthly, irr_monthly_codes
from pledgelab.metrics.party import (
    DealOutcome,
    PartyOutcome,
    deal_outcome,
    default_discount_rate,
    npv,
    party_outcomes,
    present_values,
)

__all__ = [
    "REASONS",
    "DealOutcome",
    "IrrReason",
    "PartyOutcome",
    "deal_outcome",
    "default_discount_rate",
    "irr_annual",
    "irr_monthly",
    "irr_monthly_codes",
    "npv",
    "party_outcomes",
    "present_values",
]
