"""The first ledger schema: pledges to audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(80)


def _sourced() -> list[sa.Column[object]]:
    return [sa.Column("sources", sa.JSON(), nullable=False),
            sa.Column("verified", sa.Date(), nullable=False),
            sa.Column("note", sa.Text(), nullable=True)]


def upgrade() -> None:
    op.create_table(
        "pledges",
        sa.Column("id", ID, primary_key=True),
        sa.Column("country", sa.String(80), nullable=False),
        sa.Column("investor", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("headline_usd", sa.Float(), nullable=True),
        sa.Column("announced", sa.Date(), nullable=True),
        sa.Column("deal_id", sa.String(80), nullable=True),
        sa.Column("composition", sa.JSON(), nullable=False),
        sa.Column("caveats", sa.Text(), nullable=True),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        sa.Column("estimate_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("pledge_id", ID, sa.ForeignKey("pledges.id"), nullable=False, index=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "tranches",
        sa.Column("id", ID, primary_key=True),
        sa.Column("pledge_id", ID, sa.ForeignKey("pledges.id"), nullable=False, index=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("announced", sa.Date(), nullable=False),
        sa.Column("amount_usd", sa.Float(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "projects",
        sa.Column("id", ID, primary_key=True),
        sa.Column("pledge_id", ID, sa.ForeignKey("pledges.id"), nullable=False, index=True),
        sa.Column("tranche_id", ID, sa.ForeignKey("tranches.id"), nullable=True),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sector", sa.String(40), nullable=False),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("status", sa.String(24), nullable=False, index=True),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "amounts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("project_id", ID, sa.ForeignKey("projects.id"), nullable=False, index=True),
        sa.Column("amount_usd", sa.Float(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        sa.Column("estimate_reason", sa.Text(), nullable=True),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("project_id", ID, sa.ForeignKey("projects.id"), nullable=False, index=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("consequences", sa.JSON(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "capital_calls",
        sa.Column("id", ID, primary_key=True),
        sa.Column("project_id", ID, sa.ForeignKey("projects.id"), nullable=False, index=True),
        sa.Column("notice_date", sa.Date(), nullable=False),
        sa.Column("funding_date", sa.Date(), nullable=False),
        sa.Column("amount_usd", sa.Float(), nullable=False),
        sa.Column("deal_tranche", sa.String(80), nullable=True),
        sa.Column("capped_usd", sa.Float(), nullable=False),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "disbursements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", ID, sa.ForeignKey("capital_calls.id"), nullable=False, index=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount_usd", sa.Float(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "distributions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("project_id", ID, sa.ForeignKey("projects.id"), nullable=False, index=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("party", sa.String(16), nullable=False),
        sa.Column("amount_usd", sa.Float(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "claims",
        sa.Column("id", ID, primary_key=True),
        sa.Column("pledge_id", ID, sa.ForeignKey("pledges.id"), nullable=True, index=True),
        sa.Column("project_id", ID, sa.ForeignKey("projects.id"), nullable=True),
        sa.Column("claimant", sa.Text(), nullable=False),
        sa.Column("said_on", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(24), nullable=False),
        sa.Column("amount_usd", sa.Float(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_sourced(),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("record_id", sa.String(80), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    # The audit log is append-only in the database itself, not just by convention.
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    else:
        op.execute("CREATE FUNCTION audit_append_only() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_append_only ON audit")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    for table in ("audit", "tokens", "claims", "distributions", "disbursements", "capital_calls",
                  "status_events", "amounts", "projects", "tranches", "milestones", "pledges"):
        op.drop_table(table)
