"""Intermediate results of a long analysis, streamed to Parquet so a killed run can resume.

A store is a folder: ``manifest.json`` (what the run is: a fingerprint of the deal,
pipeline, paths, seed and variants, and the column names) and ``part-NNNNN.parquet``
files, one row per finished task (``task`` and the task's sums). Parts are written
to a temporary name and renamed, so a part on disk is always whole; a part is written
every 64 tasks or 2 seconds, so a run killed between two parts loses at most that much.
Opening a folder that already holds parts needs ``resume=True`` and the same fingerprint
(else the run is refused, never mixed with another's results).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pledgelab._errors import InputError, Problem
from pledgelab._extras import require

MANIFEST = "manifest.json"


class Store:
    """A folder of Parquet parts holding the finished tasks of one analysis."""

    def __init__(self, folder: Path | str, *, fingerprint: str, keys: Sequence[str], tasks: int,
                 resume: bool = False, flush_every: int = 64, flush_seconds: float = 2.0) -> None:
        self.pa = require("pyarrow", what="Streaming results to Parquet (--store)", extra="parquet")
        self.pq = require("pyarrow.parquet", what="Streaming results to Parquet (--store)", extra="parquet")
        self.folder = Path(folder)
        self.keys = tuple(keys)
        self.fingerprint = fingerprint
        self.flush_every = max(1, int(flush_every))
        self.flush_seconds = float(flush_seconds)
        self._last = time.monotonic()
        self._rows: list[tuple[int, np.ndarray]] = []
        self._done: dict[int, np.ndarray] = {}
        where = str(self.folder)
        manifest = self.folder / MANIFEST
        parts = sorted(self.folder.glob("part-*.parquet")) if self.folder.is_dir() else []
        if self.folder.exists() and not self.folder.is_dir():
            raise InputError([Problem(where, 0, "--store", "exists and is not a folder")])
        if manifest.exists():
            try:
                meta = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError([Problem(where, 0, "--store", f"unreadable {MANIFEST}: {exc}")]) from None
            if not resume:
                raise InputError([Problem(where, 0, "--store", "holds an earlier run; pass --resume to "
                                          "continue it, or give another folder")])
            if meta.get("fingerprint") != fingerprint or meta.get("keys") != list(self.keys) \
                    or meta.get("tasks") != tasks:
                raise InputError([Problem(where, 0, "--resume", "the stored run is a different analysis "
                                          "(deal, pipeline, paths, seed or variants differ); give "
                                          "another --store folder")])
            for part in parts:
                table = self.pq.read_table(part)
                task = table.column("task").to_numpy()
                cols = np.column_stack([table.column(k).to_numpy() for k in self.keys])
                for t, row in zip(task.tolist(), cols, strict=True):
                    self._done[int(t)] = np.asarray(row, dtype=np.float64)
        else:
            if parts:
                raise InputError([Problem(where, 0, "--store", "holds Parquet parts but no manifest")])
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{MANIFEST}.tmp"
            tmp.write_text(json.dumps({"fingerprint": fingerprint, "keys": list(self.keys),
                                       "tasks": tasks}, indent=1), encoding="utf-8")
            os.replace(tmp, manifest)
        self._next = len(parts)

    def done(self) -> dict[int, np.ndarray]:
        """The tasks already stored (a copy), by task number."""
        return dict(self._done)

    def add(self, task: int, sums: np.ndarray) -> None:
        """Record a finished task; a part is written every ``flush_every`` tasks or
        ``flush_seconds`` seconds, whichever comes first (a kill loses at most that much work)."""
        self._rows.append((task, sums))
        self._done[task] = sums
        if len(self._rows) >= self.flush_every or time.monotonic() - self._last >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the tasks not yet on disk as one whole part."""
        if not self._rows:
            return
        cols = {"task": self.pa.array([t for t, _ in self._rows], type=self.pa.int64())}
        block = np.vstack([s for _, s in self._rows])
        for j, k in enumerate(self.keys):
            cols[k] = self.pa.array(block[:, j], type=self.pa.float64())
        name = self.folder / f"part-{self._next:05d}.parquet"
        tmp = self.folder / f".{name.name}.tmp"
        self.pq.write_table(self.pa.table(cols), tmp)
        os.replace(tmp, name)
        self._next += 1
        self._rows = []
        self._last = time.monotonic()
