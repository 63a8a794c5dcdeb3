"""Runs a batch of hostile cases in one process and reports what each did, as JSON on stdout.

Started by ``tests/hostile/conftest.py`` as a subprocess under a memory limit
(``RLIMIT_AS``) and a wall-clock timeout; each case also has its own alarm, so a
hang is reported as a hang and the batch goes on. A case is

- ``{"id", "kind": "cli", "argv": [...]}``: ``pledgelab.cli.main(argv)`` with
  stdout and stderr captured (an ``argparse`` refusal is ``SystemExit(2)``);
- ``{"id", "kind": "lib", "call": NAME, "args": {...}}``: one library call of
  :data:`LIB_CALLS`, reporting the exception raised (its class and bases).

One process serves many cases so the corpus costs one interpreter start per
chunk, not per case (``make test`` stays near two minutes).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any


class Hang(BaseException):
    """A case ran past its own time limit."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Hang()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_cli(argv: list[str]) -> dict[str, Any]:
    from pledgelab.cli import main

    out, err = io.StringIO(), io.StringIO()
    rc: int | None = None
    escaped = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse
            rc = exc.code if isinstance(exc.code, int) else 2
        except Hang:
            raise
        except BaseException as exc:  # a traceback the user would have seen
            escaped = f"{type(exc).__name__}: {exc}"
            err.write(traceback.format_exc())
    return {"rc": rc, "stdout": out.getvalue()[-4000:], "stderr": err.getvalue()[-4000:],
            "escaped": escaped}


# -- library calls ---------------------------------------------------------------------------------

def _deal() -> Any:
    import pledgelab

    return pledgelab.load_deal("us-korea-2025-11")


def _pipe(name: str = "korea-illustrative") -> Any:
    import pledgelab

    return pledgelab.load_pipeline(name)


def _sim(deal_name: str | None = None, **kw: Any) -> Any:
    from pledgelab import simulate

    args = {"pipeline": _pipe(), "paths": 4, "seed": 0, **kw}
    return simulate(_deal() if deal_name is None else deal_name, **args)


def _result() -> Any:
    return _sim(paths=4)


def _policy() -> Any:
    from pledgelab.workforce import load_policy

    return load_policy("post-raid-2025")


def _sites() -> Any:
    from pledgelab.workforce import sites_from_pipeline

    return sites_from_pipeline(_pipe())


def _fund(calls: Any = None, **kw: Any) -> Any:
    from pledgelab.macro import fund

    if isinstance(calls, dict):  # JSON keys are text: month indices back to integers
        calls = {int(k) if k.lstrip("-").isdigit() else k: v for k, v in calls.items()}
    return fund({2027 * 12: 1e9} if calls is None else calls, "korea-mof-2025", **{"horizon_end_year": 2035,
                                                                                   **kw})


def _tariffs(**kw: Any) -> Any:
    from pledgelab.macro.tariffs import tariff_savings

    return tariff_savings("KR", scenario="deal-holds", **kw)


def _staffing(**kw: Any) -> Any:
    from pledgelab.workforce.plan import staffing_plan

    return staffing_plan(policy=_policy(), sites=_sites(), **{"paths": 16, **kw})


def _replay(**kw: Any) -> Any:
    from pledgelab.workforce.replay import replay

    return replay("hl-ga-2025", **{"paths": 16, **kw})


def _run(deal: Any = None, pipeline: Any = None) -> Any:
    import pledgelab

    if isinstance(pipeline, str):
        pipeline = _pipe(pipeline)
    return pledgelab.run(_deal() if deal is None else deal, _pipe() if pipeline is None else pipeline)


def _compare(deals: Any = None, **kw: Any) -> Any:
    import pledgelab

    if deals == "one-deal-not-a-list":
        deals = _deal()
    return pledgelab.compare([_deal()] if deals is None else deals, _pipe(), **kw)


def _staffing_text_policy() -> Any:
    from pledgelab.workforce.plan import staffing_plan

    return staffing_plan(policy="post-raid-2025", sites=_sites())  # type: ignore[arg-type]


def _clause_value(path: str) -> Any:
    return _deal().value(path)


def _parquet(path: Any) -> Any:
    return _result().to_parquet(path)


def _sites_call(pipeline: Any = "default", nationality: Any = None) -> Any:
    from pledgelab.workforce import sites_from_pipeline

    return sites_from_pipeline(_pipe() if pipeline == "default" else pipeline, nationality=nationality)


def _allocate_none() -> Any:
    from pledgelab.workforce import allocate

    return allocate(None, _sites())  # type: ignore[arg-type]


def _sample_delays(paths: Any) -> Any:
    from pledgelab.workforce import sample_delays

    return sample_delays(policy=_policy(), sites=_sites(), paths=paths, seed=0)


def _with_processing(k: float, shift: float = 0.0) -> Any:
    return _policy().with_processing(k, shift)


def _load(kind: str, value: Any) -> Any:
    import pledgelab

    return (pledgelab.load_deal if kind == "deal" else pledgelab.load_pipeline)(value)


def _res_method(method: str, party: str) -> Any:
    return getattr(_result(), method)(party)


_INF = math.inf
_NAN = math.nan
LIB_CALLS: dict[str, Callable[..., Any]] = {
    "simulate": _sim,
    "run": _run,
    "compare": _compare,
    "fund": _fund,
    "tariffs": _tariffs,
    "staffing": _staffing,
    "replay": _replay,
    "with_processing": _with_processing,
    "load": _load,
    "result": _res_method,
    "staffing_text_policy": _staffing_text_policy,
    "clause_value": _clause_value,
    "parquet": _parquet,
    "sites": _sites_call,
    "allocate": _allocate_none,
    "sample_delays": _sample_delays,
}
_DECODE = {"inf": _INF, "-inf": -_INF, "nan": _NAN}


def _decode(v: Any) -> Any:
    if isinstance(v, str) and v.startswith("float:"):
        return _DECODE[v[6:]]
    if isinstance(v, str) and v.startswith("str-pipeline"):
        return "korea-illustrative"
    if isinstance(v, dict):
        return {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def run_lib(name: str, args: dict[str, Any]) -> dict[str, Any]:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = LIB_CALLS[name](**_decode(args))
        except Hang:
            raise
        except BaseException as exc:
            return {"raised": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
                    "message": str(exc)[:2000], "warnings": [str(w.message) for w in caught]}
    return {"raised": None, "returned": type(value).__name__, "warnings": [str(w.message) for w in caught]}


def main() -> None:
    cases = json.load(sys.stdin)
    signal.signal(signal.SIGALRM, _alarm)
    results = []
    for case in cases:
        before = _peak_mb()
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, float(case.get("timeout", 20)))
        try:
            if case["kind"] == "cli":
                res = run_cli(case["argv"])
            else:
                res = run_lib(case["call"], case.get("args", {}))
            res["hang"] = False
        except Hang:
            res = {"hang": True, "rc": None, "stderr": "", "stdout": "", "escaped": None, "raised": None}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        res.update(id=case["id"], wall=time.perf_counter() - t0, peak_mb=_peak_mb(),
                   peak_growth_mb=_peak_mb() - before)
        results.append(res)
        print(json.dumps(res), flush=True)  # one line a case: a crash loses only what follows


if __name__ == "__main__":
    main()
