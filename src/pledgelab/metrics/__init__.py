"""Metrics: NPV, IRR with reasons, MOIC, payback, recovery dates."""

from pledgelab.metrics.irr import IrrReason, irr_annual, irr_monthly
from pledgelab.metrics.party import DealOutcome, PartyOutcome, deal_outcome, npv, party_outcomes

__all__ = [
    "DealOutcome",
    "IrrReason",
    "PartyOutcome",
    "deal_outcome",
    "irr_annual",
    "irr_monthly",
    "npv",
    "party_outcomes",
]
