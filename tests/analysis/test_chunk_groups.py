"""Chunks that share a block of the drivers draw it once, with the numbers of separate chunks."""

from __future__ import annotations

import numpy as np
import pytest

import pledgelab
import pledgelab.analysis._montecarlo as mc
from pledgelab.drivers import BLOCK, load_drivers
from pledgelab.engine import make_plan


def test_groups_cover_every_chunk_once_and_start_in_one_block() -> None:
    for paths, chunk in ((5000, 256), (3000, 700), (4096, 1024), (100, 4096), (2049, 1)):
        groups = list(mc.chunk_groups(paths, chunk))
        assert [c for g in groups for c in g] == list(mc.chunk_slices(paths, chunk))
        for g in groups:
            assert len({c.start // BLOCK for c in g}) == 1
        if chunk <= BLOCK and BLOCK % chunk == 0:  # aligned: one group a block
            assert len(groups) == -(-paths // BLOCK)


def test_a_group_draws_once_and_equals_its_chunks_run_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = make_plan(pledgelab.load_deal("us-korea-2025-11"), pledgelab.load_pipeline("korea-illustrative"))
    job = mc.ChunkJob(plan=plan, model=load_drivers("default"), seed=5, discount_rate=0.04,
                      benchmark_start=0.04)
    chunks = (slice(1024, 1040), slice(1040, 1064), slice(1064, 1100))
    alone = [mc.simulate_chunk(job, c) for c in chunks]
    calls = []
    real = mc.draw
    monkeypatch.setattr(mc, "draw", lambda *a, **k: calls.append(k["paths"]) or real(*a, **k))
    grouped = mc.simulate_chunks(job, chunks)
    assert calls == [slice(1024, 1100)]
    for a, b in zip(alone, grouped, strict=True):
        assert a.first == b.first
        for name in ("contributed", "received", "npv", "irr", "irr_code", "payback", "recovered", "fan"):
            assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
