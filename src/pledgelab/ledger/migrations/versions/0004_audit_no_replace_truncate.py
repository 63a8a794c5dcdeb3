"""The audit log stays append-only against REPLACE (SQLite) and TRUNCATE (PostgreSQL).

0001 refuses UPDATE and DELETE on ``audit`` with triggers. Two statements get
past row triggers: SQLite's ``REPLACE INTO audit`` (``INSERT OR REPLACE``)
deletes the row it collides with without firing DELETE triggers, and
PostgreSQL's ``TRUNCATE audit`` fires no row trigger at all. A BEFORE INSERT
trigger that refuses an id already present closes the first; a statement-level
BEFORE TRUNCATE trigger the second.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit "
                   "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) "
                   "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    else:
        # audit_append_only() (0001) raises; as a statement trigger it refuses TRUNCATE.
        op.execute("CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_no_replace")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
