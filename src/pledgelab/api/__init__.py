"""The ledger's HTTP API (needs the ``[web]`` extra: ``pip install 'pledgelab[web]'``).

>>> from pledgelab.api import create_app
>>> app = create_app("sqlite:///ledger.sqlite")   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pledgelab.ledger import Ledger, MissingExtra

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app", "serve"]


def create_app(ledger: Ledger | str | None = None, **kwargs: Any) -> FastAPI:
    """The FastAPI application over a ledger (see :mod:`pledgelab.api._app`)."""
    try:
        from pledgelab.api._app import create_app as _create
    except ImportError:
        raise MissingExtra("fastapi", "web") from None
    return _create(ledger, **kwargs)


def serve(ledger: Ledger | str | None = None, *, host: str = "127.0.0.1", port: int = 8000,
          workers: int = 1) -> None:
    """Run the API with uvicorn until interrupted (loopback by default)."""
    try:
        import uvicorn
    except ImportError:
        raise MissingExtra("uvicorn", "web") from None
    uvicorn.run(create_app(ledger), host=host, port=port, log_level="warning", workers=workers)
