"""Runs the hostile corpus once per session: the cases in two worker processes at once, each under a
memory limit and a timeout, and hands every test its case's result.

The workers are subprocesses (``hostile_worker.py``) so a case that exhausts
memory or hangs cannot take pytest with it: ``RLIMIT_AS`` caps a worker's
address space (:data:`MEMORY_LIMIT`), each case has its own alarm, and the
whole batch a wall-clock limit (:data:`BATCH_TIMEOUT`).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hostile_cases import CASES, build_files

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ledger"))
from ledgerdb import db_url, pg_server, seeded  # noqa: F401  (SQLite and PostgreSQL ledgers)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MEMORY_LIMIT = 3 << 30  # bytes of address space for one worker (numba's JIT needs ~1.5 GB mapped)
BATCH_TIMEOUT = 600  # seconds for one worker's whole batch
WORKERS = 2


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _fill(value: Any, d: str) -> Any:
    if isinstance(value, str):
        return value.replace("{d}", d)
    if isinstance(value, list | tuple):
        return [_fill(v, d) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, d) for k, v in value.items()}
    return value


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    build_files(d)
    main = "import sys, pledgelab.cli as c; sys.exit(c.main(sys.argv[1:]))"
    init = subprocess.run([sys.executable, "-c", main, "ledger", "init", "--database", f"sqlite:///{d}/ledger.db"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert init.returncode == 0, init.stderr
    return d


@pytest.fixture(scope="session")
def hostile_results(hostile_dir: Path) -> dict[str, dict[str, Any]]:
    """Every case's result by id (a case missing from the output: its worker died before it)."""
    d = str(hostile_dir)
    cases = [{"id": c.id, "kind": c.kind, "argv": _fill(list(c.argv), d), "call": c.call,
              "args": _fill(c.args, d), "timeout": c.timeout} for c in CASES]
    chunks = [cases[i::WORKERS] for i in range(WORKERS)]
    env = {**os.environ, "COLUMNS": "120", "PLEDGELAB_DEBUG": "", "NO_COLOR": "1"}
    procs = [subprocess.Popen([sys.executable, str(HERE / "hostile_worker.py")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=d,
                              preexec_fn=_limit_memory, env=env)
             for _ in chunks]
    results: dict[str, dict[str, Any]] = {}
    for proc, chunk in zip(procs, chunks, strict=True):
        try:
            out, err = proc.communicate(json.dumps(chunk), timeout=BATCH_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        for line in out.splitlines():
            if line.startswith("{"):
                res = json.loads(line)
                results[res["id"]] = res
        for case in chunk:
            results.setdefault(case["id"], {"died": True, "worker_stderr": err[-3000:]})
    for res in results.values():
        for key in ("stderr", "stdout"):
            if isinstance(res.get(key), str):
                res[key] = res[key].replace(d, "{d}")
    if os.environ.get("HOSTILE_DUMP"):  # for a person reading the results: HOSTILE_DUMP=file.json
        Path(os.environ["HOSTILE_DUMP"]).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results
