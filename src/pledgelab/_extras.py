"""Optional extras: one way to import them, one error when one is missing.

Dask, the charts, Parquet, the web API and PostgreSQL are optional (the
``[dask]``, ``[plot]``, ``[parquet]``, ``[web]`` and ``[postgres]`` extras of
pyproject.toml). Code that needs one imports it with :func:`require`, or raises
:class:`MissingExtra` itself; the message names the exact install line, and
the command line prints it (exit status 2) wherever it is raised.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message gives the install line."""

    def __init__(self, what: str, extra: str) -> None:
        self.what = what
        self.extra = extra
        super().__init__(f"{what} needs the [{extra}] extra: pip install 'pledgelab[{extra}]'")


def require(module: str, *, what: str, extra: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtra` saying that ``what`` needs ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(what, extra) from None
