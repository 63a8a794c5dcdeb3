"""Scale-out: map a function over chunks, serially, in processes or on Dask.

One small protocol, :class:`Executor`, with three backends; the Monte Carlo
engine uses it like this::

    with get_executor("process", workers=4) as ex:
        for result in ex.map(simulate_chunk, chunks):
            ...

Every backend yields results in input order, lazily, with a bounded number of
items in flight; ``fn`` must be picklable (a module-level function or a
``functools.partial`` of one) for ``process`` and ``dask``. See
:mod:`pledgelab.executors._base` for the guarantees in full.

Importing this package never imports Dask; :class:`DaskExecutor` does, and
fails with the install command when the ``dask`` extra is missing.
"""

from __future__ import annotations

from pledgelab.executors._base import Executor
from pledgelab.executors._dask import MISSING_EXTRA, DaskExecutor
from pledgelab.executors._process import ProcessExecutor
from pledgelab.executors._serial import SerialExecutor

BACKENDS: tuple[str, ...] = ("serial", "process", "dask")


def get_executor(name: str, *, workers: int = 2, scheduler: str | None = None) -> Executor:
    """Make the executor called ``name``: ``"serial"``, ``"process"`` or ``"dask"``.

    Args:
        name: the backend.
        workers: how many workers (ignored by ``serial``, which has one; for
            ``dask`` with a ``scheduler``, the cluster's own count wins).
        scheduler: a Dask scheduler address (``"tcp://host:8786"``), or None
            for a local cluster; only ``dask`` takes one.

    Raises:
        ValueError: for an unknown name, or a ``scheduler`` with a backend other
            than ``dask``.
        ImportError: for ``dask`` without the ``dask`` extra installed.
    """
    if name not in BACKENDS:
        raise ValueError(f"unknown executor {name!r}; known backends: {', '.join(BACKENDS)}")
    if scheduler is not None and name != "dask":
        raise ValueError(f"a scheduler address applies only to the 'dask' executor, not {name!r}")
    if name == "serial":
        return SerialExecutor()
    if name == "process":
        return ProcessExecutor(workers=workers)
    return DaskExecutor(scheduler=scheduler, workers=workers)


__all__ = [
    "BACKENDS",
    "MISSING_EXTRA",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SerialExecutor",
    "get_executor",
]
