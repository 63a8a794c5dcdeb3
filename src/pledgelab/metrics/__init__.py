"""Metrics: NPV, IRR with reasons, MOIC, payback, recovery dates."""

from pledgelab.metrics.irr import REASONS, IrrReason, irr_annual, irr_monthly, irr_monthly_codes
from pledgelab.metrics.party import DealOutcome, PartyOutcome, deal_outcome, npv, party_outcomes

__all__ = [
    "REASONS",
    "DealOutcome",
    "IrrReason",
    "PartyOutcome",
    "deal_outcome",
    "irr_annual",
    "irr_monthly",
    "irr_monthly_codes",
    "npv",
    "party_outcomes",
]
