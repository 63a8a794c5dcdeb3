"""The what-if analyses give the same bits on every backend, and a killed run resumed from its
Parquet store gives what an uninterrupted run gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _whatif_cases import deal_file, one_project, pipeline_file, single_tier, two_projects

from pledgelab import InputError
from pledgelab.analysis import frontier, sensitivity, solve
from pledgelab.executors import get_executor
from pledgelab.terms import load_deal

MC = {"paths": 4, "chunk_size": 2, "seed": 3}  # two path blocks per variant: two tasks each


@pytest.fixture(scope="module")
def deal(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load_deal(str(deal_file(tmp_path_factory.mktemp("backends"), tiers=single_tier(0.5))))


def _all(deal, backend: str) -> tuple[np.ndarray, object, np.ndarray]:  # type: ignore[no-untyped-def]
    """Sensitivity and solve deterministic (one task a run), the frontier over two path blocks; one
    executor of ``backend`` for the three (as a server would keep one)."""
    with get_executor(backend, workers=2) as ex:
        return _three(deal, ex)


def _three(deal, backend) -> tuple[np.ndarray, object, np.ndarray]:  # type: ignore[no-untyped-def]
    s = sensitivity(deal, pipeline=one_project(), samples=8, outcomes=["KR.npv", "US.npv"], executor=backend,
                    clauses=["distribution.loss_treatment", "distribution.deemed_spread"])
    idx = np.array([[fi.s1, fi.s1_conf, fi.st, fi.st_conf, fi.low, fi.high]
                    for o in s.ranking for fi in s.ranking[o]])
    r = solve(deal, pipeline=one_project(), vary="timeline.annual_cap", target="KR.npv=1e9",
              bracket=(2e9, 12e9), executor=backend)
    f = frontier(deal, pipeline=two_projects(), vary=["timeline.annual_cap=4e9:16e9:3"],
                 objectives=["KR.npv", "US.npv"], positions=["us-korea-2025-11"], executor=backend, **MC)
    vals = np.concatenate([f.values.ravel(), [f.positions[0].values[k] for k in f.outcomes],
                           f.pareto.astype(float), f.zone.astype(float)])
    return idx, (r.status, r.value, r.achieved, r.evaluations), vals


@pytest.mark.slow
def test_serial_process_and_dask_give_the_same_bits(deal) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    serial = _all(deal, "serial")
    for backend in ("process", "dask"):
        other = _all(deal, backend)
        assert np.array_equal(serial[0], other[0]), backend  # indices, bit for bit
        assert serial[1] == other[1], backend  # the root and how it was found
        assert np.array_equal(serial[2], other[2]), backend  # the frontier and the positions


class _Killed(Exception):
    pass


def _run(deal, store: Path | None, *, resume: bool = False, stop_after: int | None = None,  # type: ignore[no-untyped-def]
         seen: list[int] | None = None):
    def tick(task: int) -> None:
        if seen is not None:
            seen.append(task)
        if stop_after is not None and len(seen or []) >= stop_after:
            raise _Killed

    return frontier(deal, pipeline=two_projects(), vary=["timeline.annual_cap=4e9:16e9:3",
                                                         "distribution.loss_treatment=investor-bears,capital-first"],
                    objectives=["KR.npv", "US.npv"], positions=(),
                    store=None if store is None else str(store), resume=resume, on_task=tick, **MC)


def test_resume_after_a_killed_run_equals_an_uninterrupted_one(deal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    whole = _run(deal, None)
    store = tmp_path / "run"
    first: list[int] = []
    with pytest.raises(_Killed):
        _run(deal, store, stop_after=5, seen=first)
    assert list((store).glob("part-*.parquet")), "the finished tasks were streamed to Parquet"
    with pytest.raises(InputError, match="holds an earlier run; pass --resume"):
        _run(deal, store)
    second: list[int] = []
    resumed = _run(deal, store, resume=True, seen=second)
    assert np.array_equal(resumed.values, whole.values)
    assert list(resumed.pareto) == list(whole.pareto)
    assert not set(first) & set(second) and len(first) + len(second) == 12  # 6 variants x 2 blocks
    again: list[int] = []
    _run(deal, store, resume=True, seen=again)
    assert again == []  # everything is stored: nothing runs
    with pytest.raises(InputError, match="different analysis"):
        frontier(deal, pipeline=two_projects(), vary=["timeline.annual_cap=4e9:16e9:4"],
                 objectives=["KR.npv", "US.npv"], positions=(), store=str(store), resume=True, **MC)


def test_sensitivity_resumes_too(deal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = {"pipeline": one_project(), "samples": 8, "outcomes": ["KR.npv"], "store": str(tmp_path / "s")}
    seen: list[int] = []

    def stop(t: int) -> None:
        seen.append(t)
        if len(seen) == 7:
            raise _Killed

    with pytest.raises(_Killed):
        sensitivity(deal, on_task=stop, **args)
    resumed = sensitivity(deal, resume=True, **args)
    whole = sensitivity(deal, pipeline=one_project(), samples=8, outcomes=["KR.npv"])
    assert [(f.factor.path, f.st, f.s1) for f in resumed.ranking["KR.npv"]] == \
        [(f.factor.path, f.st, f.s1) for f in whole.ranking["KR.npv"]]


@pytest.mark.slow
def test_the_command_resumes_after_kill_9(tmp_path: Path) -> None:
    """A real kill: the frontier command is killed with SIGKILL once its first Parquet part is on
    disk (no clean-up runs), then resumed; its JSON equals an uninterrupted run's."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    cli = [sys.executable, "-c", "import sys; from pledgelab.cli import main; sys.exit(main())"]
    # 80 variants of a one-project deal: a part is written at the 64th task, before the end
    args = [*cli, "frontier", str(deal_file(tmp_path, tiers=single_tier(0.5))),
            "--pipeline", str(pipeline_file(tmp_path)),
            "--vary", "timeline.annual_cap=2e9:9e9:40", "--vary", "distribution.deemed_spread=0.01,0.03",
            "--objective", "KR.npv", "--objective", "US.npv",
            "--positions", "none", "--no-reservations", "--format", "json", "--quiet"]
    store = tmp_path / "store"
    proc = subprocess.Popen([*args, "--store", str(store)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while proc.poll() is None and not list(store.glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    parts = len(list(store.glob("part-*.parquet")))
    assert parts >= 1
    resumed = subprocess.run([*args, "--store", str(store), "--resume"], capture_output=True, text=True,
                             check=True)
    whole = subprocess.run(args, capture_output=True, text=True, check=True)
    assert json.loads(resumed.stdout)[0]["rows"] == json.loads(whole.stdout)[0]["rows"]
    assert killed or parts > 1, "the run ended before it could be killed"
