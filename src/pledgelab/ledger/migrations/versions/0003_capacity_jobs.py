"""Projects: stated capacity and jobs (the fields peer trackers publish beside location).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as b:
        b.add_column(sa.Column("capacity", sa.Text(), nullable=True))
        b.add_column(sa.Column("jobs", sa.Integer(), nullable=True))


def downgrade() -> None:
    # SQLite drops the columns in place: a batch copy would drop the table other tables refer to.
    if op.get_bind().dialect.name == "sqlite":
        for col in ("jobs", "capacity"):
            op.execute(f"ALTER TABLE projects DROP COLUMN {col}")
        return
    with op.batch_alter_table("projects") as b:
        b.drop_column("jobs")
        b.drop_column("capacity")
