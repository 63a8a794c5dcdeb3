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
from pledgelab.ledger._rules import OFF_TRACK, STAGES, STATUSES

if TYPE_CHECKING:
    from pledgelab.ledger._io import PROJECT_COLUMNS, export_file, import_file, project_rows
    from pledgelab.ledger._ledger import Ledger, Page, Where, hash_token
    from pledgelab.ledger._report import ClaimCheck, Funnel, claims_check, funnel, status_report, timeline

# The database code (SQLAlchemy) loads on first use, so `import pledgelab` and every
# command that does not touch the ledger start without it.
_LAZY = {"Ledger": "_ledger", "Page": "_ledger", "Where": "_ledger", "hash_token": "_ledger",
         "ClaimCheck": "_report", "Funnel": "_report", "claims_check": "_report", "funnel": "_report",
         "status_report": "_report", "timeline": "_report", "PROJECT_COLUMNS": "_io",
         "export_file": "_io", "import_file": "_io", "project_rows": "_io"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"pledgelab.ledger.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'pledgelab.ledger' has no attribute {name!r}")

__all__ = [
    "ENV_URL",
    "OFF_TRACK",
    "PROJECT_COLUMNS",
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
    "default_url",
    "export_file",
    "funnel",
    "hash_token",
    "import_file",
    "project_rows",
    "status_report",
    "timeline",
]
