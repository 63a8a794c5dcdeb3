"""Pledges: dated headline revisions (a re-announced or revised amount, held from its date).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "headlines",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("pledge_id", sa.String(80), sa.ForeignKey("pledges.id"), nullable=False, index=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("amount_usd", sa.Float(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("bound", sa.String(10), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("verified", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("headlines")
