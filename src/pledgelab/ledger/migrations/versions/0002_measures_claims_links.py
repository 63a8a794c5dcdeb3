"""Measures, verdicts and links: what issue 20 ("a ledger a newsroom can publish from") needs.

* pledges: ``period_start``, ``period_end``, ``currency``, ``price_year``;
* projects: the pledge ``component`` they draw on, ``project_type`` (new, expansion...),
  ``first_announced`` (new money vs previously planned), location (``site``,
  ``latitude``, ``longitude``, congressional ``district``);
* amounts: ``bound`` (exact, up-to, at-least, about);
* capital calls: the pledge ``component`` they draw on;
* claims: ``metric`` becomes ``measure`` (``deployed``/``funded`` become ``at-work``),
  with ``scope``, ``pledge_ids``, ``verdict``, ``reasoning``, ``rests_on``,
  ``reviewer`` and ``reviewed_on``;
* new tables ``links`` (records that hold the same money) and ``source_marks``
  (the reliability of each source URL).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(80)


def upgrade() -> None:
    with op.batch_alter_table("pledges") as b:
        b.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        b.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        b.add_column(sa.Column("currency", sa.String(3), nullable=False, server_default="USD"))
        b.add_column(sa.Column("price_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("projects") as b:
        b.add_column(sa.Column("component", sa.String(24), nullable=True))
        b.add_column(sa.Column("project_type", sa.String(16), nullable=True))
        b.add_column(sa.Column("first_announced", sa.Date(), nullable=True))
        b.add_column(sa.Column("site", sa.Text(), nullable=True))
        b.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        b.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        b.add_column(sa.Column("district", sa.String(8), nullable=True))
    with op.batch_alter_table("amounts") as b:
        b.add_column(sa.Column("bound", sa.String(10), nullable=False, server_default="exact"))
    with op.batch_alter_table("capital_calls") as b:
        b.add_column(sa.Column("component", sa.String(24), nullable=True))
    with op.batch_alter_table("claims") as b:
        b.alter_column("metric", new_column_name="measure", existing_type=sa.String(24),
                       existing_nullable=False)
        b.add_column(sa.Column("scope", sa.String(10), nullable=False, server_default="pledge"))
        b.add_column(sa.Column("pledge_ids", sa.JSON(), nullable=False, server_default="[]"))
        b.add_column(sa.Column("verdict", sa.String(16), nullable=True))
        b.add_column(sa.Column("reasoning", sa.Text(), nullable=True))
        b.add_column(sa.Column("rests_on", sa.JSON(), nullable=False, server_default="[]"))
        b.add_column(sa.Column("reviewer", sa.Text(), nullable=True))
        b.add_column(sa.Column("reviewed_on", sa.Date(), nullable=True))
    op.execute("UPDATE claims SET measure = 'at-work' WHERE measure IN ('deployed', 'funded')")
    op.execute("UPDATE claims SET scope = 'all' WHERE pledge_id IS NULL")
    op.execute("UPDATE claims SET scope = 'project' WHERE project_id IS NOT NULL")
    op.create_table(
        "links",
        sa.Column("id", ID, primary_key=True),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("from_kind", sa.String(16), nullable=False),
        sa.Column("from_id", ID, nullable=False, index=True),
        sa.Column("to_kind", sa.String(16), nullable=False),
        sa.Column("to_id", ID, nullable=False, index=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("verified", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "source_marks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("reliability", sa.String(16), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("source_marks")
    op.drop_table("links")
    op.execute("UPDATE claims SET measure = 'deployed' WHERE measure = 'at-work'")
    op.execute("UPDATE claims SET measure = 'other' WHERE measure NOT IN "
               "('headline', 'interest', 'selected', 'funded', 'deployed', 'operating', 'other')")
    with op.batch_alter_table("claims") as b:
        for col in ("reviewed_on", "reviewer", "rests_on", "reasoning", "verdict", "pledge_ids", "scope"):
            b.drop_column(col)
        b.alter_column("measure", new_column_name="metric", existing_type=sa.String(24),
                       existing_nullable=False)
    for table, cols in (("capital_calls", ("component",)), ("amounts", ("bound",)),
                        ("projects", ("district", "longitude", "latitude", "site", "first_announced",
                                      "project_type", "component")),
                        ("pledges", ("price_year", "currency", "period_end", "period_start"))):
        _drop_columns(table, cols)


def _drop_columns(table: str, cols: tuple[str, ...]) -> None:
    """Drop columns; SQLite drops them in place (a batch copy would drop a table others refer to)."""
    if op.get_bind().dialect.name == "sqlite":
        for col in cols:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
        return
    with op.batch_alter_table(table) as b:
        for col in cols:
            b.drop_column(col)
