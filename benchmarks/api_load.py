"""Bounded loopback load on the ledger API's read endpoints: throughput, p50/p99 latency, errors.

Starts ``uvicorn`` (one worker) on 127.0.0.1 over a freshly seeded SQLite
ledger in a temporary directory, then sends a fixed number of GET requests
from keep-alive connections in a few client threads, round-robin over the read
endpoints. Nothing leaves the machine; the run stops after ``--requests`` (or
``--max-seconds``, whichever comes first).

    python benchmarks/api_load.py --requests 4000 --concurrency 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PATHS = (
    "/pledges",
    "/pledges/KR-2025-11",
    "/projects?pledge_id=JP-2025-09&limit=50",
    "/projects/jp-portsmouth-gas",
    "/claims?limit=20",
    "/report?as_of=2026-03-01",
    "/pledges/JP-2025-09/report",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()

    from pledgelab.ledger import Ledger

    tmp = Path(tempfile.mkdtemp(prefix="pledgelab-bench-"))
    url = f"sqlite:///{tmp / 'ledger.sqlite'}"
    Ledger(url).init()
    port = _free_port()
    env = {**os.environ, "PLEDGELAB_DATABASE": url}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "pledgelab.api:create_app",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                               "--no-access-log"], env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

        lock = threading.Lock()
        next_i = [0]
        latencies: dict[str, list[float]] = {p: [] for p in PATHS}
        errors: list[str] = []
        stop_at = time.monotonic() + args.max_seconds

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while True:
                with lock:
                    i = next_i[0]
                    next_i[0] += 1
                if i >= args.requests or time.monotonic() > stop_at:
                    break
                path = PATHS[i % len(PATHS)]
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    dt_ = time.perf_counter() - t0
                    if resp.status != 200:
                        errors.append(f"{path}: HTTP {resp.status}")
                except OSError as exc:
                    dt_ = time.perf_counter() - t0
                    errors.append(f"{path}: {exc}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                with lock:
                    latencies[path].append(dt_)
            conn.close()

        # warm up (imports, first queries), not counted
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for p in PATHS:
            warm.request("GET", p)
            warm.getresponse().read()
        warm.close()
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)

    every = [x for v in latencies.values() for x in v]
    result = {
        "requests": len(every), "concurrency": args.concurrency, "seconds": round(wall, 2),
        "throughput_rps": round(len(every) / wall, 1),
        "p50_ms": round(1000 * statistics.median(every), 2), "p99_ms": round(1000 * _pct(every, 0.99), 2),
        "errors": len(errors),
        "per_path_p99_ms": {p: round(1000 * _pct(v, 0.99), 2) for p, v in latencies.items() if v},
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if errors:
        print("first errors:", *errors[:5], sep="\n  ", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
