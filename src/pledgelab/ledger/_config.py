"""Names the command line needs before any database code is loaded (no SQLAlchemy here)."""

from __future__ import annotations

import os

ROLES = ("viewer", "editor", "admin")  # API token roles, least to most
ENV_URL = "PLEDGELAB_DATABASE"  # environment variable naming the database
DEFAULT_URL = "sqlite:///pledgelab-ledger.sqlite"  # a SQLite file in the working directory


def default_url() -> str:
    """``$PLEDGELAB_DATABASE`` if set, else a SQLite file in the working directory."""
    return os.environ.get(ENV_URL) or DEFAULT_URL
