"""The pledge ledger: what was pledged, selected, funded and built, checked by the deal's rules.

>>> from pledgelab.ledger import Ledger
>>> ledger = Ledger("sqlite:///ledger.sqlite")   # doctest: +SKIP
>>> ledger.init()                                # migrations, then the cited seed records
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pledgelab.ledger._config import ENV_URL, ROLES, default_url
from pledgelab.ledger._errors import Conflict, MissingExtra, NotFound, RuleViolation, Violation
from pledgelab.ledger._fields import (
    BOUNDS,
    COMPONENTS,
    DISTRICT_RE,
    FIELDS,
    LINK_RELATIONS,
    MAX_TEXT,
    MAX_USD,
    MEASURES,
    MECHANISMS,
    REF_RE,
    RELIABILITY,
    SCOPES,
    UPDATABLE,
    VERDICTS,
)
from pledgelab.ledger._fields import Field as RecordField
from pledgelab.ledger._roles import app_role_sql
from pledgelab.ledger._rules import (
    BY_MONEY,
    FIRST_STATUSES,
    OFF_TRACK,
    STAGES,
    STATUSES,
    TRANSITIONS,
    allowed_next,
    transition,
)

if TYPE_CHECKING:
    from pledgelab.ledger._context import (
        STALE_AFTER_DAYS,
        Freshness,
        Gdp,
        Ratio,
        freshness,
        macro_gdp,
        pledge_ratios,
    )
    from pledgelab.ledger._io import PROJECT_COLUMNS, export_file, import_file, project_rows
    from pledgelab.ledger._ledger import Ledger, Page, Where, hash_token
    from pledgelab.ledger._release import CORRECTION_COLUMNS, build_release, read_corrections
    from pledgelab.ledger._report import (
        ClaimCheck,
        Funnel,
        Part,
        claim_from_review,
        claim_review,
        claims_check,
        default_as_of,
        funnel,
        held_amount,
        source_marks,
        status_report,
        timeline,
    )

# The database code (SQLAlchemy) loads on first use, so `import pledgelab` and every
# command that does not touch the ledger start without it.
_LAZY = {"Ledger": "_ledger", "Page": "_ledger", "Where": "_ledger", "hash_token": "_ledger",
         "ClaimCheck": "_report", "Funnel": "_report", "claims_check": "_report", "funnel": "_report",
         "status_report": "_report", "timeline": "_report", "Part": "_report",
         "claim_review": "_report", "claim_from_review": "_report", "default_as_of": "_report",
         "held_amount": "_report", "source_marks": "_report", "build_release": "_release",
         "read_corrections": "_release", "CORRECTION_COLUMNS": "_release", "PROJECT_COLUMNS": "_io",
         "export_file": "_io", "import_file": "_io", "project_rows": "_io",
         "STALE_AFTER_DAYS": "_context", "Freshness": "_context", "Gdp": "_context", "Ratio": "_context",
         "freshness": "_context", "macro_gdp": "_context", "pledge_ratios": "_context"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"pledgelab.ledger.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'pledgelab.ledger' has no attribute {name!r}")

__all__ = [
    "BOUNDS",
    "BY_MONEY",
    "COMPONENTS",
    "CORRECTION_COLUMNS",
    "DISTRICT_RE",
    "ENV_URL",
    "FIELDS",
    "FIRST_STATUSES",
    "LINK_RELATIONS",
    "MAX_TEXT",
    "MAX_USD",
    "MEASURES",
    "MECHANISMS",
    "OFF_TRACK",
    "PROJECT_COLUMNS",
    "REF_RE",
    "RELIABILITY",
    "ROLES",
    "SCOPES",
    "STAGES",
    "STALE_AFTER_DAYS",
    "STATUSES",
    "TRANSITIONS",
    "UPDATABLE",
    "VERDICTS",
    "ClaimCheck",
    "Conflict",
    "Freshness",
    "Funnel",
    "Gdp",
    "Ledger",
    "MissingExtra",
    "NotFound",
    "Page",
    "Part",
    "Ratio",
    "RecordField",
    "RuleViolation",
    "Violation",
    "Where",
    "allowed_next",
    "app_role_sql",
    "build_release",
    "claim_from_review",
    "claim_review",
    "claims_check",
    "default_as_of",
    "default_url",
    "export_file",
    "freshness",
    "funnel",
    "hash_token",
    "held_amount",
    "import_file",
    "macro_gdp",
    "pledge_ratios",
    "project_rows",
    "read_corrections",
    "source_marks",
    "status_report",
    "timeline",
    "transition",
]
