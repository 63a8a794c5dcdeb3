"""The Dask backend: a ``distributed`` cluster, local or remote.

Dask is an optional extra (``pip install 'pledgelab[dask]'``); it is imported
only when a :class:`DaskExecutor` is created, never by importing
``pledgelab.executors``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

from pledgelab._extras import MissingExtra, require
from pledgelab.executors._base import Executor, check_count, one_thread_per_worker, ordered_bounded

T = TypeVar("T")
R = TypeVar("R")

MISSING_EXTRA = str(MissingExtra("DaskExecutor", "dask"))


def _import_distributed() -> Any:
    # Through importlib (require) so the module is typed Any: mypy --strict then reads the
    # same with or without the extra installed.
    return require("distributed", what="DaskExecutor", extra="dask")


class DaskExecutor(Executor):
    """Runs ``fn`` on a Dask ``distributed`` cluster.

    With ``scheduler`` an address (``"tcp://host:8786"``) it connects to that
    running cluster, whose workers must have pledgelab (and whatever module
    defines ``fn``) installed; :meth:`close` disconnects and leaves the
    cluster up. With ``scheduler=None`` it starts a ``LocalCluster`` of
    ``workers`` single-threaded worker processes on this machine, and
    :meth:`close` shuts it down.

    ``fn`` is sent to the workers by pickling (cloudpickle); a module-level
    function, or a ``functools.partial`` of one, is what works on every
    backend. Every item is a separate task (``pure=False``: two equal items
    are computed twice, never merged).

    ``map`` yields results in input order and keeps at most ``max_in_flight``
    items (default twice the cluster's worker threads) submitted and not yet
    taken.

    Args:
        scheduler: the address of a running scheduler, or None for a local
            cluster.
        workers: the local cluster's worker processes; with a remote
            scheduler, used only when it reports no workers yet.
        max_in_flight: the most items outstanding at once.

    Raises:
        ImportError: with the install command, when the ``dask`` extra is missing.
    """

    name = "dask"

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        workers: int = 2,
        max_in_flight: int | None = None,
    ) -> None:
        check_count("workers", workers)
        if max_in_flight is not None:
            check_count("max_in_flight", max_in_flight)
        distributed = _import_distributed()
        self.scheduler = scheduler
        self._cluster: Any = None
        if scheduler is None:
            self._cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # The scheduler serves health routes over HTTP even without a
                # dashboard, on port 8787 unless told: a free local port instead,
                # so two clusters (or a user's own) never collide.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
            try:
                self._client: Any = distributed.Client(self._cluster)
            except BaseException:
                self._cluster.close()
                raise
            self.workers = workers
        else:
            self._client = distributed.Client(scheduler)
            reported = self._client.scheduler_info().get("workers", {})
            threads = sum(int(w.get("nthreads", 1)) for w in reported.values())
            self.workers = threads or workers
        self._client.run(one_thread_per_worker)
        self.max_in_flight = max_in_flight or 2 * self.workers
        self._closed = False

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Generator[R, None, None]:
        if self._closed:
            raise RuntimeError("map() on a closed DaskExecutor")
        client = self._client

        def submit(item: T) -> Any:
            return client.submit(fn, item, pure=False)

        return ordered_bounded(submit, items, self.max_in_flight)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
