"""Worker functions for the executor tests.

They live in their own module, not the test module, so that spawned worker
processes (which inherit the parent's ``sys.path``, where pytest put this
directory) import them by name without re-importing the tests.
"""

from __future__ import annotations

import time


def square_late(x: int) -> int:
    """``x * x``, with even items slower, so completion order differs from input order."""
    if x % 2 == 0:
        time.sleep(0.02)
    return x * x


def scaled(x: int, *, factor: int) -> int:
    """``factor * x``: for sending as a ``functools.partial``."""
    return factor * x


def fail_at_three(x: int) -> int:
    """``x``, except that 3 raises ValueError."""
    if x == 3:
        raise ValueError("item 3 fails")
    return x


def blas_threads(_: int) -> int:
    """The most threads any BLAS pool in this process may use right now."""
    from threadpoolctl import threadpool_info

    return max((p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"), default=1)
