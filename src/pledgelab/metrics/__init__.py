"""Metrics: NPV, IRR with reasons, MOIC, payback, recovery dates."""

from pledgelab.metrics._cashflows import FX_SOURCES, PERIODS, FlowRow, PeriodFlows, cash_flows, monthly_rates
from pledgelab.metrics.irr import REASONS, IrrReason, irr_annual, irr_monthly, irr_monthly_codes
from pledgelab.metrics.party import (
    DealOutcome,
    PartyOutcome,
    deal_outcome,
    default_discount_rate,
    npv,
    party_outcomes,
    present_values,
    total_returns,
)

__all__ = [
    "FX_SOURCES",
    "PERIODS",
    "REASONS",
    "DealOutcome",
    "FlowRow",
    "IrrReason",
    "PartyOutcome",
    "PeriodFlows",
    "cash_flows",
    "deal_outcome",
    "default_discount_rate",
    "irr_annual",
    "irr_monthly",
    "irr_monthly_codes",
    "monthly_rates",
    "npv",
    "party_outcomes",
    "present_values",
    "total_returns",
]
