"""The executor backends: same results in the same order, bounded, with clear errors."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Iterator

import pytest
from _work import blas_threads, fail_at_three, scaled, square_late

from pledgelab.executors import (
    BACKENDS,
    MISSING_EXTRA,
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    get_executor,
)

CHUNKS = list(range(50))
EXPECTED = [square_late(x) for x in CHUNKS]
NO_DASK = "the [dask] extra is not installed: pip install 'pledgelab[dask]'"


@pytest.fixture(scope="module", params=BACKENDS)
def executor(request: pytest.FixtureRequest) -> Iterator[Executor]:
    """One executor per backend, shared by this module's tests and always closed."""
    if request.param == "dask":
        pytest.importorskip("distributed", reason=NO_DASK)
    with get_executor(request.param, workers=2) as ex:
        yield ex


def test_results_in_input_order_and_equal_to_serial(executor: Executor) -> None:
    with SerialExecutor() as serial:
        reference = list(serial.map(square_late, CHUNKS))
    assert reference == EXPECTED
    assert list(executor.map(square_late, CHUNKS)) == reference


def test_partial_of_a_module_function(executor: Executor) -> None:
    assert list(executor.map(functools.partial(scaled, factor=3), range(5))) == [0, 3, 6, 9, 12]


def test_input_is_pulled_lazily_and_in_flight_work_is_bounded(executor: Executor) -> None:
    pulled = 0

    def chunks() -> Iterator[int]:
        nonlocal pulled
        for x in range(100_000):
            pulled += 1
            yield x

    results = executor.map(square_late, chunks())
    assert pulled == 0, "map() must not touch the input before the first result is asked for"
    assert next(results) == 0
    bound = getattr(executor, "max_in_flight", 1)
    assert pulled <= bound + 1
    assert next(results) == 1
    assert pulled <= bound + 2
    results.close()  # stop early: the rest is never pulled
    assert pulled <= bound + 2


def test_error_in_fn_is_raised_at_its_place(executor: Executor) -> None:
    results = executor.map(fail_at_three, range(10))
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="item 3 fails"):
        next(results)
    # The executor is still usable afterwards.
    assert list(executor.map(square_late, range(4))) == [0, 1, 4, 9]


@pytest.mark.parametrize("name", ["process", "dask"])
def test_abandoning_a_map_after_close_is_quiet(name: str) -> None:
    if name == "dask":
        pytest.importorskip("distributed", reason=NO_DASK)
    ex = get_executor(name, workers=2)
    try:
        results = ex.map(square_late, range(1_000))
        assert next(results) == 0
    finally:
        ex.close()
    results.close()  # cancels what it still holds; must not raise on a closed backend
    with pytest.raises(RuntimeError, match="closed"):
        ex.map(square_late, [1])


def test_process_default_bound_is_twice_the_workers() -> None:
    with ProcessExecutor(workers=3) as ex:
        assert (ex.name, ex.workers, ex.max_in_flight) == ("process", 3, 6)


def test_dask_connects_to_a_running_scheduler_by_address() -> None:
    pytest.importorskip("distributed", reason=NO_DASK)
    with DaskExecutor(workers=2) as local:
        address = local._client.scheduler.address
        assert address.startswith("tcp://")
        with DaskExecutor(scheduler=address) as remote:
            assert (remote.name, remote.workers, remote.max_in_flight) == ("dask", 2, 4)
            assert list(remote.map(square_late, CHUNKS)) == EXPECTED
        # Closing a client of someone else's cluster leaves the cluster running.
        assert list(local.map(square_late, range(5))) == EXPECTED[:5]


def test_missing_dask_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError) as info:
        get_executor("dask", workers=2)
    assert str(info.value) == MISSING_EXTRA
    assert "pip install 'pledgelab[dask]'" in str(info.value)


def test_importing_executors_does_not_import_dask() -> None:
    code = (
        "import sys, pledgelab.executors\n"
        "loaded = sorted(m for m in ('dask', 'distributed') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown executor 'threads'; known backends: serial, process, dask"):
        get_executor("threads")


def test_scheduler_only_with_dask() -> None:
    with pytest.raises(ValueError, match="only to the 'dask' executor"):
        get_executor("process", scheduler="tcp://127.0.0.1:8786")


@pytest.mark.parametrize("workers", [0, -1, True, 1.5])
def test_workers_must_be_a_positive_integer(workers: object) -> None:
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        ProcessExecutor(workers=workers)  # type: ignore[arg-type]


def test_map_after_close_fails() -> None:
    ex = ProcessExecutor(workers=1)
    ex.close()
    ex.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        ex.map(square_late, [1])
    serial = SerialExecutor()
    serial.close()
    with pytest.raises(RuntimeError, match="closed"):
        serial.map(square_late, [1])


def test_every_backend_runs_its_items_with_one_blas_thread(executor: Executor) -> None:
    import numpy  # noqa: F401 - loads the BLAS this test inspects
    from threadpoolctl import threadpool_info, threadpool_limits

    if not any(p["user_api"] == "blas" for p in threadpool_info()):
        pytest.skip("no BLAS library that threadpoolctl can see")
    with threadpool_limits(limits=2, user_api="blas"):  # the caller's own setting
        assert list(executor.map(blas_threads, range(4))) == [1, 1, 1, 1]
        if executor.name == "serial":  # restored between items: the caller keeps its threads
            assert blas_threads(0) == 2
