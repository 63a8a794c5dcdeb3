"""Connecting to a ledger database and bringing its schema up to date.

A URL picks the database: ``sqlite:///path/to/ledger.sqlite`` (the default, no
server needed) or ``postgresql://user@host/db`` (needs the ``[postgres]``
extra). The schema is owned by the Alembic migrations shipped in
``pledgelab/ledger/migrations``; :func:`migrate` runs them to the head.

SQLite is opened in WAL mode with ``synchronous=FULL`` so a committed write
survives the writer being killed; writes start with ``BEGIN IMMEDIATE`` so two
writers queue on the lock (``busy_timeout``) instead of failing on a stale
snapshot, while reads do not take it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection

from pledgelab.ledger._errors import MissingExtra

WRITE = "pledgelab_write"  # execution option that marks a write transaction


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 (the ``[postgres]`` extra), not psycopg2."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the ledger relies on."""
    url = normalise_url(url)
    if url.startswith("postgresql+psycopg"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise MissingExtra("postgresql", "postgres") from None
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    if not url.startswith("sqlite"):
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook below issue BEGIN
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE)
                             else "BEGIN")

    return engine


def migrations_path() -> Path:
    return Path(str(resources.files("pledgelab.ledger") / "migrations"))


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the shipped Alembic migrations up to ``revision``."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
