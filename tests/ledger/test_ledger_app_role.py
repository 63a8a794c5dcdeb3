"""On PostgreSQL the application's role, made the documented way (app_role_sql, docs/ledger.md
"An application role on PostgreSQL"), writes records but cannot TRUNCATE, UPDATE or DELETE the
audit log: refused by a missing privilege, before any trigger."""

from __future__ import annotations

import uuid

import pytest
from ledgerdb import PgServer  # tests/ledger is on the path (conftest.py)
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pledgelab.ledger import Ledger, app_role_sql


def test_the_app_role_cannot_truncate_or_rewrite_the_audit_log(pg_server: PgServer) -> None:
    server = pg_server
    tag = uuid.uuid4().hex[:12]
    db, role = f"t_{tag}", f"app_{tag}"
    server.admin(f"CREATE DATABASE {db}")
    server.admin(f"CREATE ROLE {role} LOGIN")
    owner = Ledger(server.url(db))
    app = Ledger(server.url(db).replace("postgres@", f"{role}@", 1))
    try:
        owner.init()  # migrations and seed, as the owner
        with owner.engine.begin() as conn:
            for stmt in app_role_sql(role):
                conn.execute(text(stmt))
        app.init()  # at head and seeded: no DDL, nothing to write
        claim = {"id": "app-claim", "claimant": "api", "said_on": "2026-01-05", "measure": "other",
                 "quote": "q", "sources": ["https://example.org/q"], "verified": "2026-01-06"}
        app.add("claim", claim, actor="api")  # the role writes records and their audit entries
        assert app.audit(record_id="app-claim").total == 1
        for stmt in ("TRUNCATE audit", "UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with app.engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text(stmt))
        with owner.engine.connect() as conn:  # the catalogue agrees, independently of the trigger
            for privilege in ("TRUNCATE", "UPDATE", "DELETE"):
                assert conn.execute(text(f"SELECT has_table_privilege('{role}', 'audit', "
                                         f"'{privilege}')")).scalar() is False
            assert conn.execute(text(f"SELECT has_table_privilege('{role}', 'audit', 'INSERT')"
                                     )).scalar() is True
        assert owner.audit(record_id="app-claim").total == 1
    finally:
        app.close()
        owner.close()
        server.admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        server.admin(f"DROP ROLE IF EXISTS {role}")


@pytest.mark.parametrize("name", ["App", "a-b", "x; DROP TABLE audit", "", "a" * 64])
def test_app_role_sql_refuses_a_name_that_is_not_a_plain_identifier(name: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        app_role_sql(name)
