"""Fixtures of the ledger suite (see ledgerdb.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ledgerdb import db_url, ledger, pg_server, seeded  # noqa: F401
