"""The pledge ledger: what was pledged, selected, funded and built, checked by the deal's rules.

>>> from pledgelab.ledger import Ledger
>>> ledger = Ledger("sqlite:///ledger.sqlite")   # doctest: +SKIP
>>> ledger.init()                                # migrations, then the cited seed records
"""

from pledgelab.ledger._errors import Conflict, MissingExtra, NotFound, RuleViolation, Violation
from pledgelab.ledger._ledger import ROLES, Ledger, Page, Where, hash_token
from pledgelab.ledger._report import ClaimCheck, Funnel, claims_check, funnel, status_report, timeline
from pledgelab.ledger._rules import OFF_TRACK, STAGES, STATUSES

__all__ = [
    "OFF_TRACK",
    "ROLES",
    "STAGES",
    "STATUSES",
    "ClaimCheck",
    "Conflict",
    "Funnel",
    "Ledger",
    "MissingExtra",
    "NotFound",
    "Page",
    "RuleViolation",
    "Violation",
    "Where",
    "claims_check",
    "funnel",
    "hash_token",
    "status_report",
    "timeline",
]
