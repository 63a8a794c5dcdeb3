"""A busy or unreachable database answers 503 with ``Retry-After``, after a short bounded wait.

SQLite queues writers on one lock. The command line waits for it (an import may
take a while); the API waits at most :data:`pledgelab._limits.BUSY_WAIT_S` and
then answers **503** with ``Retry-After`` (:data:`pledgelab._limits.RETRY_AFTER_S`),
so a client retries instead of reading a 500. PostgreSQL connection failures
answer the same way.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from pledgelab._limits import BUSY_WAIT_S, RETRY_AFTER_S


def bound_busy_wait(engine: Engine, seconds: float = BUSY_WAIT_S) -> None:
    """Make every SQLite connection of ``engine`` wait at most ``seconds`` for the write lock."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _short_wait(dbapi_conn: Any, _record: Any) -> None:  # runs after the store's own settings
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")
        cur.close()

    engine.dispose()  # connections opened before this point had the long wait


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is busy or unreachable (worth a retry), not a bad request."""
    if not isinstance(exc, OperationalError | DBAPIError):
        return False
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) or any(
        w in text for w in ("locked", "busy", "could not connect", "connection", "timeout"))


async def busy_response(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After for a busy or unreachable database; anything else stays a 500."""
    if not is_busy(exc):
        raise exc
    return JSONResponse({"detail": "the database is busy; retry after a few seconds"}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_S)})


__all__ = ["bound_busy_wait", "busy_response", "is_busy"]
