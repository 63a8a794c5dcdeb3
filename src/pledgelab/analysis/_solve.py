"""What value of a term makes an outcome true: a bracketed root of outcome(term) − target.

The clause at ``vary`` is set to trial values (:func:`pledgelab.terms.apply_overrides`) and
the outcome is computed for each (deterministically, or as the mean over Monte Carlo paths
with **common random numbers**: the same seed and paths for every trial, so the outcome is
a deterministic function of the term and the root-finder is not chasing noise). The root is
found by scipy's Brent method inside the bracket. Before it starts, the outcome is computed
at both ends and the middle: if it is the same at all three the outcome is flat in the term
(with the engine's reason when it can tell), and if the target is not between the ends there
is no root in the bracket (with the values at the ends).

References
----------
Brent, R. P. (1973), *Algorithms for Minimization without Derivatives*, ch. 4 (the
bracketed root-finder, as ``scipy.optimize.brentq``).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pledgelab._errors import InputError, Problem
from pledgelab._extras import require
from pledgelab.analysis._factors import Factor, Outcome, numeric_factor, parse_outcome, ranged
from pledgelab.analysis._reasons import flat_reason, fmt
from pledgelab.analysis._variants import Evaluated, Setup, check_variant, evaluate
from pledgelab.drivers import BLOCK
from pledgelab.executors import Executor, get_executor

_TARGET = re.compile(r"^\s*(?P<outcome>[^=<>\s]+)\s*=\s*(?P<value>\S+)\s*$")
MAX_EVALUATIONS = 60


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveResult:
    """The solved term, or why there is none."""

    deal_id: str
    pipeline_id: str
    path: str
    outcome: str
    target: float
    bracket: tuple[float, float]
    at_low: float  # the outcome at the bracket's ends
    at_high: float
    value: float | None  # the clause value hitting the target (None: no root, or flat)
    achieved: float | None  # the outcome at ``value``
    evaluations: int
    paths: int
    status: str  # "solved" | "no-root" | "flat"
    message: str


def parse_target(text: str, *, where: str = "--target") -> tuple[str, float]:
    """``'KR.npv=0'`` → ``("KR.npv", 0.0)``."""
    m = _TARGET.match(text)
    if not m:
        raise InputError([Problem(where, 0, text[:40] or "<target>",
                                  "expected OUTCOME=VALUE, e.g. 'KR.npv=0' or 'KR.p_loss=0.1'")])
    try:
        value = float(m["value"])
    except ValueError:
        raise InputError([Problem(where, 0, text[:40], f"{m['value']!r} is not a number")]) from None
    if not math.isfinite(value):
        raise InputError([Problem(where, 0, text[:40], "the target must be a finite number")])
    return m["outcome"], value


def solve(deal: Any, *, pipeline: Any, vary: str, target: str, bracket: tuple[float, float] | None = None,
          paths: int | None = None, seed: int = 0, drivers: Any = "default",
          discount_rate: float | None = None, xtol: float | None = None, backend: str = "serial",
          workers: int = 2, scheduler: str | None = None, chunk_size: int = BLOCK,
          on_task: Callable[[int], None] | None = None, executor: Executor | None = None) -> SolveResult:
    """The value of clause ``vary`` at which ``target`` (``"KR.npv=0"``) holds.

    ``bracket`` defaults to the clause's range (its alternatives, or ``data/ranges``). Returns a
    :class:`SolveResult` whose ``status`` is ``"solved"``, ``"no-root"`` or ``"flat"`` with the
    message in words (``executor``: an open executor to use instead of a new one);
    raises :class:`~pledgelab.InputError` for an unknown clause or outcome, a
    clause that is not a number, and a reversed, zero-width or refused bracket.
    """
    from pledgelab.analysis._common import check_backend, resolve

    sheet, pipe, setup = resolve(deal, pipeline, paths=paths, seed=seed, drivers=drivers,
                                 discount_rate=discount_rate, chunk_size=chunk_size)
    name, goal = parse_target(target)
    outcome = parse_outcome(name, sheet, where="--target")
    f = numeric_factor(sheet, vary, where="--vary", pipeline=pipe)
    if bracket is not None:
        f = ranged(f, float(bracket[0]), float(bracket[1]), where="--bracket")
    elif not f.numeric:
        raise InputError([Problem("--bracket", 0, f.path, f"{f.path} lists no other values to take a "
                                  "range from; give one with --bracket LO,HI")])
    assert f.low is not None and f.high is not None
    lo, hi = f.low, f.high
    for x, end in ((lo, "low"), (hi, "high")):
        try:
            check_variant(sheet, pipe, ((f.path, _value(f, x)),))
        except InputError as exc:
            raise InputError([Problem("--bracket", 0, f.path, f"the {end} end {x:g} is refused: "
                                      f"{p.message}") for p in exc.problems]) from None
    check_backend(backend, scheduler)
    with contextlib.ExitStack() as stack:
        ex = executor if executor is not None else stack.enter_context(
            get_executor(backend, workers=workers, scheduler=scheduler if backend == "dask" else None))
        run = _Runner(setup=setup, factor=f, outcome=outcome, executor=ex, on_task=on_task)
        return _solve(run, f, outcome, goal, sheet.id, pipe.id, xtol)


def _solve(run: _Runner, f: Factor, outcome: Outcome, goal: float, deal_id: str, pipeline_id: str,
           xtol: float | None) -> SolveResult:
    assert f.low is not None and f.high is not None
    lo, hi = f.low, f.high
    setup = run.setup
    y_lo, y_mid, y_hi = run.many([lo, (lo + hi) / 2, hi])
    base: dict[str, Any] = dict(deal_id=deal_id, pipeline_id=pipeline_id, path=f.path,
                                outcome=outcome.name, target=goal, bracket=(lo, hi), at_low=y_lo,
                                at_high=y_hi, paths=setup.paths)
    scale = max(abs(y_lo), abs(y_hi), abs(goal), 1e-12)
    if not all(math.isfinite(y) for y in (y_lo, y_mid, y_hi)):
        raise InputError([Problem("--target", 0, outcome.name,
                                  f"{outcome.name} is undefined at some value of the bracket (no IRR, or "
                                  "nothing put in); choose another outcome")])
    if max(y_lo, y_mid, y_hi) - min(y_lo, y_mid, y_hi) <= 1e-9 * scale:
        assert run.last is not None
        why = flat_reason(f.path, outcome, run.last, [0, 1, 2], setup, values=f"{lo:g} to {hi:g}")
        return SolveResult(**base, value=None, achieved=None, evaluations=run.count, status="flat",
                           message=f"{outcome.name} is flat in {f.path}: {fmt(y_lo, outcome.unit)} at "
                           f"{lo:g}, {(lo + hi) / 2:g} and {hi:g}, so no value of it reaches "
                           f"{fmt(goal, outcome.unit)}. Why: {why}.")
    g_lo, g_hi = y_lo - goal, y_hi - goal
    if g_lo == 0 or g_hi == 0:
        x = lo if g_lo == 0 else hi
        return SolveResult(**base, value=x, achieved=goal, evaluations=run.count, status="solved",
                           message=f"{outcome.name} = {fmt(goal, outcome.unit)} at {f.path} = {x:g} "
                           "(an end of the bracket)")
    if (g_lo > 0) == (g_hi > 0):
        return SolveResult(**base, value=None, achieved=None, evaluations=run.count, status="no-root",
                           message=f"no root in the bracket: {outcome.name} goes from "
                           f"{fmt(y_lo, outcome.unit)} at {f.path} = {lo:g} to {fmt(y_hi, outcome.unit)} "
                           f"at {hi:g} (through {fmt(y_mid, outcome.unit)} at the middle) and never "
                           f"reaches {fmt(goal, outcome.unit)} there; widen --bracket or pick a "
                           "reachable target")
    brentq = require("scipy.optimize", what="Solving for a term", extra="analysis").brentq
    tol = xtol if xtol is not None else (0.5 if f.integer else 1e-9 * max(abs(lo), abs(hi), 1e-12))
    try:
        x, info = brentq(lambda v: run.one(v) - goal, lo, hi, xtol=tol, maxiter=MAX_EVALUATIONS,
                         full_output=True, disp=False)
    except RuntimeError as exc:  # pragma: no cover - brentq raises only past maxiter with disp
        raise InputError([Problem("--target", 0, outcome.name, f"the root-finder failed: {exc}")]) from None
    x = float(_value(f, float(x)))
    achieved = run.one(x)
    note = "" if info.converged else " (not converged: the outcome may jump in this term)"
    if abs(achieved - goal) > 1e-6 * scale:  # converged on a jump: say so, with both sides
        step = max(2 * tol, 1.0 if f.integer else 0.0)
        below, above = run.many([max(lo, x - step), min(hi, x + step)])
        a, b = max(lo, x - step), min(hi, x + step)
        note = (f". {outcome.name} jumps across the target here: {fmt(below, outcome.unit)} at "
                f"{_num(a)}, {fmt(above, outcome.unit)} at {_num(b)}; no value "
                f"of {f.path} gives exactly {fmt(goal, outcome.unit)} (the outcome is not continuous in "
                "this term: a call or a project's start moves by a whole month)")
    return SolveResult(**base, value=x, achieved=achieved, evaluations=run.count, status="solved",
                       message=f"{outcome.name} = {fmt(achieved, outcome.unit)} at {f.path} = {_num(x)} "
                       f"(target {fmt(goal, outcome.unit)}; {run.count} runs){note}")


def _num(x: float) -> str:
    """A clause value in a message: whole dollars for money, else six significant digits."""
    return f"{x:,.0f}" if abs(x) >= 1e6 else f"{x:.6g}"


def _value(f: Factor, x: float) -> float:
    return float(round(x)) if f.integer else float(x)


@dataclass(slots=True, kw_only=True)
class _Runner:
    """Evaluates the outcome at clause values on the executor, counting the runs."""

    setup: Setup
    factor: Factor
    outcome: Outcome
    executor: Executor
    on_task: Callable[[int], None] | None
    count: int = 0
    last: Evaluated | None = None

    def many(self, xs: list[float]) -> list[float]:
        variants = [((self.factor.path, int(v) if self.factor.integer else v),)
                    for v in (_value(self.factor, x) for x in xs)]
        ev = evaluate(self.setup, variants, executor=self.executor, on_task=self.on_task)
        self.count += len(xs)
        self.last = ev
        return [float(v) for v in ev.values(self.outcome)]

    def one(self, x: float) -> float:
        return self.many([x])[0]
