"""The executor protocol: map a function over chunks, results in input order.

Every backend (serial, processes, Dask) makes the same promises, so the Monte
Carlo engine — and its reproducibility — never depends on which one runs it:

* **order** — ``map(fn, items)`` yields ``fn(item)`` for each item in the order
  of ``items``, whatever order the work finishes in;
* **laziness** — nothing is submitted until the first result is asked for, and
  each result is yielded as soon as it and every earlier one are ready;
* **bounded memory** — at most ``max_in_flight`` items are submitted and not
  yet taken (plus the one result being yielded), and ``items`` is pulled only
  to replace a taken one, so a generator of a million chunks is never held in
  memory at once;
* **errors** — an exception raised by ``fn`` is re-raised by ``map`` at that
  item's place in the order, and the work still in flight is cancelled;
* **stopping early** — ``map`` returns a generator: ``close()`` it (or drop
  it) and the work in flight is cancelled and no more items are pulled.

Backends that run ``fn`` in other processes (``process``, ``dask``) send it
there by pickling: it must be a module-level function, or a
``functools.partial`` of one, importable under the same name by the workers;
its items and results must be picklable too.
"""

from __future__ import annotations

import contextlib
import itertools
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Generator, Iterable
from types import TracebackType
from typing import ClassVar, Protocol, Self, TypeVar

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Executor(ABC):
    """Runs one function over many chunks; the base of every backend.

    Use it as a context manager, which calls :meth:`close` on exit::

        with get_executor("process", workers=4) as ex:
            for result in ex.map(simulate_chunk, chunks):
                ...

    Attributes:
        name: the backend's name, as :func:`get_executor` knows it.
        workers: how many items it works on at once.
    """

    name: ClassVar[str]
    workers: int

    @abstractmethod
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Generator[R, None, None]:
        """Yield ``fn(item)`` for each of ``items``, in input order, lazily.

        See the module docstring for the guarantees on ordering, memory and
        errors, and for what must be picklable.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the workers; idempotent. ``map`` fails after it."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} workers={self.workers}>"


class _Pending(Protocol[R_co]):
    """A submitted task: a ``concurrent.futures.Future`` or a ``distributed.Future``."""

    def result(self) -> R_co: ...

    def cancel(self) -> object: ...


def check_count(what: str, value: int) -> int:
    """Return ``value`` if it is a positive int, else raise ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return value


def ordered_bounded(
    submit: Callable[[T], _Pending[R]], items: Iterable[T], max_in_flight: int
) -> Generator[R, None, None]:
    """Submit ``items`` with at most ``max_in_flight`` outstanding; yield results in order.

    The next item is submitted as soon as the oldest result is taken, before
    it is yielded, so the workers stay busy while the caller handles it.
    """
    source = iter(items)
    pending: deque[_Pending[R]] = deque()
    try:
        for item in itertools.islice(source, max_in_flight):
            pending.append(submit(item))
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(source, 1):
                pending.append(submit(item))
            yield result
    finally:
        # On an error in fn or an early stop by the caller: drop what is queued.
        # Best effort: if the executor was closed first, its backend already
        # dropped the work and a Dask client refuses calls on its closed loop.
        with contextlib.suppress(Exception):
            for task in pending:
                task.cancel()


def one_thread_per_worker() -> None:
    """Limit BLAS/OpenMP pools to one thread in a worker process.

    Each worker is one unit of parallelism; a worker whose NumPy also starts a
    BLAS thread per core oversubscribes the machine (on two cores, two workers
    ran no faster than one). Called in every process and Dask worker.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def one_thread(fn: Callable[[T], R], item: T) -> R:
    """``fn(item)`` with BLAS/OpenMP pools limited to one thread, restored afterwards.

    The serial backend's counterpart of :func:`one_thread_per_worker`: the same
    single thread of numerics per unit of work, in the calling process.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return fn(item)
