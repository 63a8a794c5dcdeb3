"""The process backend: a pool of worker processes on this machine."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Literal, TypeVar

from pledgelab.executors._base import Executor, check_count, one_thread_per_worker, ordered_bounded

T = TypeVar("T")
R = TypeVar("R")


class ProcessExecutor(Executor):
    """Runs ``fn`` in ``workers`` processes (``concurrent.futures.ProcessPoolExecutor``).

    Workers are started with ``"spawn"`` (or ``"forkserver"``), never
    ``"fork"``: a forked child of a process with threads — BLAS pools, a web
    server — can deadlock. Spawned workers import ``fn`` afresh, so it must be
    a module-level function or a ``functools.partial`` of one, and a script
    that creates this executor must guard its entry point with
    ``if __name__ == "__main__":``.

    ``map`` yields results in input order and keeps at most ``max_in_flight``
    items (default ``2 * workers``) submitted and not yet taken.

    Args:
        workers: how many worker processes.
        max_in_flight: the most items outstanding at once; at least ``workers``
            to keep every worker busy.
        start_method: ``"spawn"`` (the default; works everywhere) or
            ``"forkserver"`` (faster starts, POSIX only).
    """

    name = "process"

    def __init__(
        self,
        *,
        workers: int = 2,
        max_in_flight: int | None = None,
        start_method: Literal["spawn", "forkserver"] = "spawn",
    ) -> None:
        if start_method not in ("spawn", "forkserver"):
            raise ValueError(f"start_method must be 'spawn' or 'forkserver', got {start_method!r}")
        self.workers = check_count("workers", workers)
        self.max_in_flight = check_count("max_in_flight", max_in_flight or 2 * self.workers)
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context(start_method),
            initializer=one_thread_per_worker,
        )

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Generator[R, None, None]:
        pool = self._pool
        if pool is None:
            raise RuntimeError("map() on a closed ProcessExecutor")

        def submit(item: T) -> Future[R]:
            return pool.submit(fn, item)

        return ordered_bounded(submit, items, self.max_in_flight)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
