"""The serial backend: a plain loop in the calling process."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

from pledgelab.executors._base import Executor, one_thread

T = TypeVar("T")
R = TypeVar("R")


class SerialExecutor(Executor):
    """Runs ``fn`` on each item in turn, in this process.

    The reference backend: results are in input order, each item is pulled
    only when its result is asked for, and ``fn`` need not be picklable.

    Like a process or Dask worker, each call of ``fn`` runs with BLAS and OpenMP
    pools limited to one thread (restored between items, so the caller's code
    between results is untouched): a multi-threaded BLAS on a loaded machine
    made the batched IRR nine times slower than on one thread.
    """

    name = "serial"

    def __init__(self) -> None:
        self.workers = 1
        self._closed = False

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Generator[R, None, None]:
        if self._closed:
            raise RuntimeError("map() on a closed SerialExecutor")
        return (one_thread(fn, item) for item in items)

    def close(self) -> None:
        self._closed = True
