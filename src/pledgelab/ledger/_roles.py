"""The PostgreSQL role the application connects as: it may not rewrite the audit log.

The audit log's triggers (migrations 0001 and 0004) refuse UPDATE, DELETE and
TRUNCATE, but the owner of a table may drop its triggers. A deployment therefore
runs migrations (``pledgelab ledger init``) as the owning role and connects the
API and imports as a role that owns nothing and holds no UPDATE, DELETE or
TRUNCATE privilege on ``audit`` (docs/ledger.md "An application role on
PostgreSQL").
"""

from __future__ import annotations

import re

ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_sql(role: str, *, schema: str = "public") -> list[str]:
    """The statements, run by the owner after ``ledger init``, that fit ``role`` to the app.

    The role may read and write the records (all tables, their id sequences) but only read
    and append to ``audit``; PUBLIC and ``role`` lose UPDATE, DELETE and TRUNCATE on it, and
    TRUNCATE is never granted on any table. ``role`` must exist (``CREATE ROLE ... LOGIN``)
    and must not own the tables. Run again after a migration adds a table.
    """
    for name, value in (("role", role), ("schema", schema)):
        if not ROLE_RE.match(value):
            raise ValueError(f"{name} {value!r}: a lower-case SQL identifier (a-z, 0-9, _) "
                             "of at most 63 characters")
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit FROM PUBLIC, {role}",
    ]
