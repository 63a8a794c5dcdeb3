"""Which assumptions drive each party's outcome: global sensitivity (Sobol' or Morris) and a tornado.

The assumed and disputed clauses of a deal (:func:`~pledgelab.analysis._factors.factors`)
are sampled over their ranges with SALib, every sample is run (deterministically, or over
Monte Carlo paths with common random numbers, so project risk is held fixed and the
indices measure the terms' uncertainty), and SALib computes the indices with bootstrap
confidence intervals: Sobol' first-order (S1) and total (ST) indices, or Morris's mu* and
sigma. One-at-a-time runs (each clause at the ends of its range, or at each of its
values, the others as in the deal) give the tornado. Where a clause changes nothing, the
engine's own counts say why when they can: the deemed allocation amount never recovered,
the review clause never triggering, a tranche whose money and returns belong to other
parties.

References
----------
Sobol', I. M. (2001), Global sensitivity indices for nonlinear mathematical models and
their Monte Carlo estimates, *Math. Comput. Simul.* 55, 271-280.
Saltelli, A. et al. (2010), Variance based sensitivity analysis of model output. Design
and estimator for the total sensitivity index, *Comput. Phys. Commun.* 181, 259-270.
Morris, M. D. (1991), Factorial sampling plans for preliminary computational experiments,
*Technometrics* 33, 161-174; Campolongo, F. et al. (2007), mu*.
Herman, J. and Usher, W. (2017), SALib: An open-source Python library for sensitivity
analysis, *JOSS* 2(9), 97.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from pledgelab._errors import InputError, Problem
from pledgelab._extras import require
from pledgelab._limits import LIMITS
from pledgelab.analysis._factors import Factor, Outcome, factors, parse_outcome
from pledgelab.analysis._reasons import flat_reason, fmt
from pledgelab.analysis._variants import Evaluated, Setup, Variant, evaluate, stat_keys
from pledgelab.drivers import BLOCK
from pledgelab.executors import Executor

METHODS = ("sobol", "morris")
MIN_SAMPLES = {"sobol": 8, "morris": 4}
MAX_SAMPLES = int(LIMITS["samples"].high)  # the one table of limits (pledgelab._limits)
DEFAULT_OUTCOMES = ("npv",)  # for the investor and the host
TOLERANCE = 1e-6  # relative: an outcome that moves less than this is "not moved"


@dataclass(frozen=True, slots=True, kw_only=True)
class FactorIndex:
    """One clause's indices for one outcome, its tornado bar and, when it does not matter, why."""

    factor: Factor
    s1: float  # Sobol' first-order (Morris: mu*, scaled by the outcome's spread)
    s1_conf: float
    st: float  # Sobol' total (Morris: sigma, scaled likewise)
    st_conf: float
    low: float  # the outcome at the lowest value of the one-at-a-time runs
    high: float
    low_at: str  # the clause value giving ``low``
    high_at: str
    matters: bool
    why: str  # plain words: why it does not matter, or how much it moves the outcome


@dataclass(frozen=True, slots=True, kw_only=True)
class SensitivityResult:
    """Indices of every factor for every outcome, ranked, with the plain-words reading."""

    deal_id: str
    pipeline_id: str
    method: str
    samples: int  # base samples (Sobol' N, Morris trajectories)
    runs: int  # variants run (samples and one-at-a-time)
    paths: int  # 1: deterministic
    seed: int
    factors: tuple[Factor, ...]
    outcomes: tuple[Outcome, ...]
    base: dict[str, float]  # each outcome under the deal as it is
    ranking: dict[str, list[FactorIndex]]  # by outcome name, most important first
    summary: dict[str, str] = field(default_factory=dict)  # by outcome: one sentence
    never_recovered: tuple[int, int] = (0, 0)  # in the deal's own run: (never, waterfalls)
    dropped: tuple[str, ...] = ()  # alternatives left out: they cannot be applied on their own


def problem_of(fs: Sequence[Factor]) -> dict[str, Any]:
    """SALib's problem: every factor on the unit interval (mapped by :meth:`Factor.value_at`)."""
    return {"num_vars": len(fs), "names": [f.path for f in fs], "bounds": [[0.0, 1.0]] * len(fs)}


def oat_points(f: Factor) -> list[float]:
    """The one-at-a-time points of a factor on the unit interval: the range's ends, or each value."""
    if f.numeric:
        return [0.0, 1.0]
    k = len(f.choices)
    return [(i + 0.5) / k for i in range(k)]


def sensitivity(deal: Any, *, pipeline: Any, method: str = "sobol", samples: int = 64,
                outcomes: Sequence[str] | None = None, paths: int | None = None, seed: int = 0,
                drivers: Any = "default", discount_rate: float | None = None,
                clauses: Sequence[str] | None = None, backend: str = "serial", workers: int = 2,
                scheduler: str | None = None, chunk_size: int = BLOCK, store: str | None = None,
                resume: bool = False, on_task: Callable[[int], None] | None = None,
                executor: Executor | None = None, archetypes: bool = False) -> SensitivityResult:
    """Global sensitivity of ``outcomes`` (``["KR.npv", "US.npv"]``) to the deal's assumptions.

    ``deal`` and ``pipeline`` are objects or shipped ids. ``method`` is ``"sobol"`` (``samples``
    = N base samples, N·(D+2) runs) or ``"morris"`` (``samples`` trajectories, (D+1) runs each).
    Without ``paths`` each run is deterministic; with ``paths`` it is the mean over that many
    Monte Carlo paths of ``drivers``, the same paths for every run. ``clauses`` limits the
    factors to those clause paths (any status; ``archetypes.ID.PARAM`` names a parameter of a
    project archetype the pipeline uses); ``archetypes`` adds every assumed archetype parameter
    the pipeline uses to the deal's assumed clauses. ``store`` streams finished runs to a Parquet
    folder and ``resume`` continues a killed run from it. ``executor`` (an open
    :class:`~pledgelab.executors.Executor`) is used instead of a new one of ``backend``.
    Raises :class:`~pledgelab.InputError` for unknown outcomes or clauses, a method it does not
    know, too few samples, or a deal with nothing assumed to vary.
    """
    from pledgelab.analysis._common import check_backend, open_store, resolve, runnable

    check_backend(backend, scheduler)
    sheet, pipe, setup = resolve(deal, pipeline, paths=paths, seed=seed, drivers=drivers,
                                 discount_rate=discount_rate, chunk_size=chunk_size)
    if method not in METHODS:
        raise InputError([Problem("--method", 0, "method",
                                  f"{method!r} is not one of: {', '.join(METHODS)}")])
    if isinstance(samples, bool) or not isinstance(samples, int) or not \
            MIN_SAMPLES[method] <= samples <= MAX_SAMPLES:
        raise InputError([Problem("--samples", 0, "samples", f"{method} needs {MIN_SAMPLES[method]} to "
                                  f"{MAX_SAMPLES:,} samples, got {samples!r}"
                                  + (" (Sobol' indices from fewer than 8 base samples are noise)"
                                     if method == "sobol" else ""))])
    names = list(outcomes) if outcomes else [f"{p}.{m}" for p in (sheet.investor, sheet.host)
                                              for m in DEFAULT_OUTCOMES]
    outs = [parse_outcome(o, sheet) for o in names]
    fs = factors(sheet, paths=clauses, pipeline=pipe, archetypes=archetypes)
    if not fs:
        raise InputError([Problem(sheet.file or sheet.id, 0, "clauses", f"{sheet.id} has no assumed or "
                                  "disputed clause to vary; name clauses to vary with --clause")])
    fs, dropped = runnable(sheet, fs, pipeline=pipe)
    if not fs:
        raise InputError([Problem(sheet.file or sheet.id, 0, "clauses", f"none of the clauses of {sheet.id} "
                                  "to vary can take another value on its own: " + "; ".join(dropped))])
    salib_sample = require(f"SALib.sample.{method}", what="Sensitivity analysis", extra="analysis")
    salib_analyze = require(f"SALib.analyze.{method}", what="Sensitivity analysis", extra="analysis")
    problem = problem_of(fs)
    if method == "sobol":
        if samples & (samples - 1):
            raise InputError([Problem("--samples", 0, "samples", f"Sobol' sampling needs a power of two "
                                      f"(its balance properties), got {samples}; e.g. "
                                      f"{1 << max(3, (samples - 1).bit_length())}")])
        x = salib_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        x = salib_sample.sample(problem, samples, num_levels=4, seed=seed)
    oat: list[tuple[int, float]] = [(j, u) for j, f in enumerate(fs) for u in oat_points(f)]
    variants: list[Variant] = [()]
    variants += [_variant(fs, row) for row in x]
    variants += [((fs[j].path, fs[j].value_at(u)),) for j, u in oat]
    st = open_store(store, resume=resume, setup=setup, variants=variants, keys=stat_keys(list(sheet.parties)))
    ev = evaluate(setup, variants, backend=backend, workers=workers, scheduler=scheduler, store=st,
                  on_task=on_task, executor=executor)
    res = _analyse(sheet.id, pipe.id, method, samples, setup, fs, outs, x, oat, ev, salib_analyze, seed)
    return replace(res, dropped=tuple(dropped))


def _variant(fs: Sequence[Factor], row: np.ndarray) -> Variant:
    return tuple((f.path, f.value_at(float(u))) for f, u in zip(fs, row, strict=True))


def _analyse(deal_id: str, pipeline_id: str, method: str, samples: int, setup: Setup, fs: Sequence[Factor],
             outs: Sequence[Outcome], x: np.ndarray, oat: Sequence[tuple[int, float]], ev: Evaluated,
             salib_analyze: Any, seed: int) -> SensitivityResult:
    n = x.shape[0]
    problem = problem_of(fs)
    base_never = (int(ev.column("_unrecovered")[0]), int(ev.column("_waterfalls")[0]))
    ranking: dict[str, list[FactorIndex]] = {}
    summary: dict[str, str] = {}
    base: dict[str, float] = {}
    for o in outs:
        allv = ev.values(o)
        base[o.name] = float(allv[0])
        y = allv[1: 1 + n]
        yo = allv[1 + n:]
        if not np.all(np.isfinite(y)):
            bad = int(np.sum(~np.isfinite(y)))
            raise InputError([Problem("--outcome", 0, o.name, f"{o.name} is undefined in {bad} of {n} "
                                      "runs (no IRR, or nothing put in); choose another outcome")])
        scale = max(abs(float(np.mean(y))), float(np.ptp(y)), 1e-12)
        flat = float(np.ptp(y)) <= TOLERANCE * scale
        rows = []
        k = 0
        for j, f in enumerate(fs):
            pts = [u for jj, u in oat if jj == j]
            vals = yo[k: k + len(pts)]
            lo_i, hi_i = int(np.argmin(vals)), int(np.argmax(vals))
            k += len(pts)
            rows.append((f, vals, pts, lo_i, hi_i))
        if flat:
            s1 = st = s1c = stc = np.zeros(len(fs))
        elif method == "sobol":
            # SALib seeds its bootstrap only for a truthy seed ("if seed:"), so 0 would not repeat
            r = salib_analyze.analyze(problem, y, calc_second_order=False, num_resamples=100,
                                      conf_level=0.95, seed=seed + 1)
            s1, s1c, st, stc = (np.asarray(r[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf"))
        else:
            r = salib_analyze.analyze(problem, x, y, num_resamples=100, conf_level=0.95, num_levels=4,
                                      seed=seed + 1)
            spread = float(np.ptp(y)) or 1.0  # mu* and sigma in units of the outcome's spread
            s1 = np.asarray(r["mu_star"], dtype=float) / spread
            s1c = np.asarray(r["mu_star_conf"], dtype=float) / spread
            st = np.asarray(r["sigma"], dtype=float) / spread
            stc = np.zeros(len(fs))
        idx: list[FactorIndex] = []
        for j, (f, vals, pts, lo_i, hi_i) in enumerate(rows):
            moved = float(np.ptp(vals)) > TOLERANCE * scale
            important = (float(st[j]) > 0.01 if method == "sobol" else float(s1[j]) > 0.01) or moved
            why = _why(f, o, ev, oat, j, n, base_never, vals, pts, lo_i, hi_i, important, setup)
            idx.append(FactorIndex(factor=f, s1=_clean(s1[j]), s1_conf=_clean(s1c[j]), st=_clean(st[j]),
                                   st_conf=_clean(stc[j]), low=float(vals[lo_i]), high=float(vals[hi_i]),
                                   low_at=_at(f, pts[lo_i]), high_at=_at(f, pts[hi_i]), matters=important,
                                   why=why))
        idx.sort(key=lambda fi: (-fi.st if method == "sobol" else -fi.s1, -(fi.high - fi.low),
                                 fi.factor.path))
        ranking[o.name] = idx
        if flat:
            summary[o.name] = (f"No assumption moves {o.name}: it is {fmt(float(y[0]), o.unit)} in all "
                               f"{n} runs, so every index is 0.")
        else:
            top = [fi for fi in idx if fi.matters]
            summary[o.name] = (f"{len(top)} of {len(fs)} assumptions move {o.name}"
                               + (f"; {top[0].factor.path} most (total index {top[0].st:.2f})" if top and
                                  method == "sobol" else "") + ".")
    return SensitivityResult(deal_id=deal_id, pipeline_id=pipeline_id, method=method, samples=samples,
                             runs=len(ev.variants), paths=setup.paths, seed=seed, factors=tuple(fs),
                             outcomes=tuple(outs), base=base, ranking=ranking, summary=summary,
                             never_recovered=base_never)


def _clean(v: Any) -> float:
    x = float(v)
    return 0.0 if not math.isfinite(x) else x


def _at(f: Factor, u: float) -> str:
    v = f.value_at(u)
    if f.numeric:
        return f"{v:.4g}" if isinstance(v, float) else str(v)
    k = min(int(u * len(f.choices)), len(f.choices) - 1)
    return f.choice_labels[k]


def _why(f: Factor, o: Outcome, ev: Evaluated, oat: Sequence[tuple[int, float]], j: int, n: int,
         base_never: tuple[int, int], vals: np.ndarray, pts: Sequence[float], lo_i: int, hi_i: int,
         important: bool, setup: Setup) -> str:
    """Plain words: how far the clause moves the outcome, or why it cannot move it here."""
    unit = o.unit
    if important:
        return (f"moving {f.path} from {_at(f, pts[lo_i])} to {_at(f, pts[hi_i])} moves {o.name} from "
                f"{fmt(float(vals[lo_i]), unit)} to {fmt(float(vals[hi_i]), unit)}")
    rows = [1 + n + k for k, (jj, _) in enumerate(oat) if jj == j]
    why = flat_reason(f.path, o, ev, rows, setup, values=f.describe())
    if why.startswith(f"{f.path} does not affect {o.name} on this pipeline because the deemed"):
        s_unrec = int(ev.column("_unrecovered")[1: 1 + n].sum())
        s_total = int(ev.column("_waterfalls")[1: 1 + n].sum())
        why += (" in any sample either" if s_unrec == s_total else
                f"; what index it has comes from samples where other assumptions let some waterfalls "
                f"recover ({s_total - s_unrec:,} of {s_total:,} across the {n} samples)")
    return why
