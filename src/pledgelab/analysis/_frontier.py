"""Where agreement lies: the Pareto set of deal variants and the zone of agreement.

A frontier varies clauses of a base deal over a grid (``PATH=lo:hi[:n]`` for a number,
``PATH=a,b,c`` for a set of values) or over a space-filling sample of the same box (``sample``
points: a scrambled Sobol' sequence or a Latin hypercube, scipy.stats.qmc; a number takes any
value of its range, a set one of its values by equal slices), runs every variant
(deterministic, or the mean over Monte Carlo paths with common random numbers), and keeps the
variants that meet the constraints. A variant is on the **Pareto set** when no other feasible
variant is at least as good for every objective and better for one (objectives are maximised;
``-KR.p_loss`` minimises). The **zone of agreement** is the feasible variants that meet every
party's reservation point (:func:`~pledgelab.analysis._factors.reservations`: cited where the
record gives one, labelled assumed otherwise); its efficient part is the zone's Pareto set.

Shipped positions (other term sheets) are run over the same pipeline, at the same discount
rate and paths, and placed at their own outcomes; parties are matched by role (the base
deal's investor is the position's investor, its host the position's host), so a Japan
position on a Korean pipeline is read as "these terms, offered to Korea".

References
----------
Raiffa, H. (1982), *The Art and Science of Negotiation*, Harvard University Press, ch. 4
and 11 (reservation values, the zone of possible agreement, efficient contracts).
Deb, K. (2001), *Multi-Objective Optimization using Evolutionary Algorithms*, Wiley, §2.4
(Pareto dominance and the non-dominated set).
Owen, A. B. (1998), "Scrambling Sobol' and Niederreiter-Xing points", *Journal of Complexity*
14(4), and McKay, M. D., Beckman, R. J. & Conover, W. J. (1979), *Technometrics* 21(2): the
scrambled Sobol' and Latin hypercube designs of scipy.stats.qmc used for a sampled frontier.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pledgelab._cited import Located
from pledgelab._errors import InputError, Problem
from pledgelab.analysis._factors import (
    Factor,
    Limit,
    Outcome,
    archetype_clause,
    is_archetype_path,
    numeric_factor,
    parse_limit,
    parse_outcome,
    ranged,
    reservations,
)
from pledgelab.analysis._variants import Evaluated, Variant, check_variant, evaluate, stat_keys
from pledgelab.drivers import BLOCK
from pledgelab.executors import Executor, get_executor
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet, canonical_path, load_deal, parse_sweep

MAX_VARIANTS = 20_000
MAX_POINTS = 200  # values of one varied clause
DEFAULT_POINTS = 5
SAMPLERS = ("sobol", "lhs")
POSITIONS = ("us-ask-2025-09", "us-proposal-2025-10", "korea-counter-2025-10", "us-korea-2025-11",
             "us-japan-2025-09")
_RANGE = re.compile(r"^(?P<lo>[^:]+):(?P<hi>[^:]+)(?::(?P<n>[0-9]+))?$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Axis:
    """One varied clause and the values it takes in the grid (labels as written)."""

    path: str
    values: tuple[Any, ...]
    labels: tuple[str, ...]
    low: float | None = None  # a numeric range's ends (``lo:hi``), for a sampled frontier
    high: float | None = None
    integer: bool = False

    def at(self, u: float) -> Any:
        """The value at ``u`` in ``[0, 1)``: a point of the range, or a value of the set by equal
        slices (a sampled frontier)."""
        if self.low is not None and self.high is not None:
            x = self.low + float(u) * (self.high - self.low)
            return round(x) if self.integer else x
        return self.values[min(int(float(u) * len(self.values)), len(self.values) - 1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Objective:
    """An outcome to maximise (``sense`` +1) or minimise (−1)."""

    outcome: Outcome
    sense: int

    @property
    def name(self) -> str:
        return ("-" if self.sense < 0 else "") + self.outcome.name


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """A shipped position placed at its own outcomes."""

    id: str
    title: str
    values: dict[str, float]  # by outcome name of the base deal's parties
    feasible: bool
    in_zone: bool
    dominated_by: int | None  # index of a feasible variant at least as good in every objective


@dataclass(frozen=True, slots=True, kw_only=True)
class FrontierResult:
    """Every variant's outcomes, the Pareto set, the zone of agreement and the positions."""

    deal_id: str
    pipeline_id: str
    paths: int
    axes: tuple[Axis, ...]
    objectives: tuple[Objective, ...]
    constraints: tuple[Limit, ...]
    reservations: tuple[Limit, ...]
    variants: tuple[Variant, ...]
    outcomes: tuple[str, ...]  # columns of ``values``
    values: np.ndarray  # (variants, outcomes)
    feasible: np.ndarray  # (variants,) bool: meets the constraints
    pareto: np.ndarray  # (variants,) bool: feasible and not dominated
    zone: np.ndarray  # (variants,) bool: feasible and meets every reservation point
    positions: tuple[Position, ...]

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.outcomes.index(name)]

    def label(self, i: int) -> str:
        """Variant ``i`` as ``path=value, path=value``."""
        return ", ".join(f"{a.path}={_label(a, v)}"
                         for a, (_, v) in zip(self.axes, self.variants[i], strict=True))


def _label(a: Axis, v: Any) -> str:
    if v in a.values:
        return a.labels[a.values.index(v)]
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def parse_axis(deal: TermSheet, text: str, *, pipeline: Pipeline | None = None,
               sampled: bool = False) -> Axis:
    """``PATH=lo:hi[:n]`` (n evenly spaced values, ends included; default 5) or ``PATH=a,b,c``;
    ``PATH`` a clause of ``deal`` or an archetype parameter ``archetypes.ID.PARAM`` of ``pipeline``."""
    path, sep, rest = text.partition("=")
    path = path.strip()
    if not sep or not path or not rest.strip():
        raise InputError([Problem("--vary", 0, path or "<path>", "expected PATH=lo:hi[:n] or PATH=a,b,c")])
    m = _RANGE.match(rest.strip())
    if m and _number(m["lo"]) and _number(m["hi"]):
        f = numeric_factor(deal, path, where="--vary", pipeline=pipeline)
        lo, hi = float(m["lo"]), float(m["hi"])
        n = int(m["n"]) if m["n"] else DEFAULT_POINTS
        if not 2 <= n <= MAX_POINTS:
            raise InputError([Problem("--vary", 0, path, f"a range needs 2 to {MAX_POINTS} points, got {n}")])
        f = ranged(f, lo, hi, where="--vary")
        pts = [f.value_at(k / (n - 1)) for k in range(n)]
        if sampled and m["n"]:
            raise InputError([Problem("--vary", 0, path, "with --sample a range is lo:hi (the sample "
                                      "chooses the points), not lo:hi:n")])
        if f.integer and len(set(pts)) < n and not sampled:
            raise InputError([Problem("--vary", 0, path, f"{n} points between {lo:g} and {hi:g} repeat "
                                      f"whole {f.unit}; use at most {int(hi - lo) + 1}")])
        _check_values(deal, pipeline, f, pts)
        return Axis(path=f.path, values=tuple(pts), labels=tuple(f"{p:.6g}" for p in pts), low=f.low,
                    high=f.high, integer=f.integer)
    ovs = parse_sweep(text, reason="varied by a frontier")
    if is_archetype_path(path):
        cp = archetype_clause(pipeline, path, "--vary").path
    else:
        cp = canonical_path(deal, path, Located("--vary", 0, path))
    for ov in ovs:
        try:
            check_variant(deal, pipeline, ((cp, _plain(ov.value)),))
        except InputError as exc:
            raise InputError([Problem("--vary", 0, path, f"{ov.text}: {p.message}")
                              for p in exc.problems]) from None
    return Axis(path=cp, values=tuple(_plain(o.value) for o in ovs), labels=tuple(o.text for o in ovs))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _plain(value: Any) -> Any:
    """A YAML-read value as plain Python (lists and dicts without positions)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _check_values(deal: TermSheet, pipeline: Pipeline | None, f: Factor, pts: Sequence[Any]) -> None:
    for x, end in ((pts[0], "low"), (pts[-1], "high")):
        try:
            check_variant(deal, pipeline, ((f.path, x),))
        except InputError as exc:
            raise InputError([Problem("--vary", 0, f.path, f"the {end} bound {x:g} is refused: {p.message}")
                              for p in exc.problems]) from None


def sampled_variants(axes: Sequence[Axis], n: int, *, sampler: str = "sobol",
                     seed: int = 0) -> list[Variant]:
    """``n`` points of a space-filling design over the axes (scipy.stats.qmc: scrambled Sobol' or a
    Latin hypercube, seeded), each mapped by :meth:`Axis.at`; repeated points (sets, whole
    numbers) kept once, in order."""
    if sampler not in SAMPLERS:
        raise InputError([Problem("--sampler", 0, "sampler",
                                  f"{sampler!r} is not one of: {', '.join(SAMPLERS)}")])
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_VARIANTS:
        raise InputError([Problem("--sample", 0, "sample",
                                  f"a sample of 2 to {MAX_VARIANTS:,} points, got {n!r}")])
    if sampler == "sobol" and n & (n - 1):
        raise InputError([Problem("--sample", 0, "sample", f"a Sobol' sample needs a power of two (its "
                                  f"balance properties), got {n}; e.g. {1 << (n - 1).bit_length()}, "
                                  "or --sampler lhs")])
    from scipy.stats import qmc

    engine = qmc.Sobol(d=len(axes), scramble=True, seed=seed) if sampler == "sobol" else \
        qmc.LatinHypercube(d=len(axes), seed=seed)
    u = engine.random(n)
    seen: dict[str, Variant] = {}
    for row in u:
        v: Variant = tuple((a.path, a.at(float(x))) for a, x in zip(axes, row, strict=True))
        seen.setdefault(repr(v), v)
    return list(seen.values())


def parse_objective(text: str, deal: TermSheet) -> Objective:
    """``KR.npv`` (maximise) or ``-KR.p_loss`` (minimise)."""
    t = text.strip()
    sense = -1 if t.startswith("-") else 1
    return Objective(outcome=parse_outcome(t.lstrip("-+"), deal, where="--objective"), sense=sense)


def pareto_mask(points: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Rows of ``points`` (to maximise, column by column) among ``candidates`` that no other
    candidate dominates (at least as good in every column and better in one)."""
    out = np.zeros(points.shape[0], dtype=bool)
    idx = np.flatnonzero(candidates)
    sub = points[idx]
    for k, i in enumerate(idx):
        ge = np.all(sub >= sub[k], axis=1)
        gt = np.any(sub > sub[k], axis=1)
        out[i] = not np.any(ge & gt)
    return out


def frontier(base: Any, *, pipeline: Any, vary: Sequence[str], objectives: Sequence[str],
             constraints: Sequence[str] = (), reservation: Sequence[str] | str | None = "korea-us-2025",
             positions: Sequence[str] | None = POSITIONS, paths: int | None = None, seed: int = 0,
             drivers: Any = "default", discount_rate: float | None = None, backend: str = "serial",
             workers: int = 2, scheduler: str | None = None, chunk_size: int = BLOCK,
             store: str | None = None, resume: bool = False,
             on_task: Callable[[int], None] | None = None,
             executor: Executor | None = None, sample: int | None = None,
             sampler: str = "sobol") -> FrontierResult:
    """The Pareto set and zone of agreement of ``base`` varied over ``vary`` for ``objectives``.

    ``constraints`` and ``reservation`` are limits such as ``"KR.p_loss<=0.2"``; ``reservation``
    may instead name a reservation file (default ``korea-us-2025``, cited data) or be None.
    ``positions`` are term sheets placed at their own outcomes (default: the five shipped 2025
    positions). ``sample`` evaluates that many points of a space-filling design over the axes'
    box instead of the grid (``sampler`` ``sobol``: a power of two, or ``lhs``), seeded by
    ``seed``. ``store``/``resume`` and ``executor`` as for :func:`~pledgelab.analysis.sensitivity`.
    """
    from pledgelab.analysis._common import check_backend, open_store, resolve

    check_backend(backend, scheduler)
    sheet, pipe, setup = resolve(base, pipeline, paths=paths, seed=seed, drivers=drivers,
                                 discount_rate=discount_rate, chunk_size=chunk_size)
    if not vary:
        raise InputError([Problem("--vary", 0, "<path>", "give at least one clause to vary: "
                                  "--vary PATH=lo:hi[:n]")])
    if len(objectives) < 2:
        raise InputError([Problem("--objective", 0, "<outcome>", "a frontier needs at least two "
                                  "objectives, e.g. --objective KR.npv --objective US.npv")])
    axes = [parse_axis(sheet, v, pipeline=pipe, sampled=sample is not None) for v in vary]
    seen = [a.path for a in axes]
    if len(set(seen)) < len(seen):
        raise InputError([Problem("--vary", 0, seen[0], "a clause is varied twice")])
    objs = [parse_objective(o, sheet) for o in objectives]
    cons = [parse_limit(c, where="--constraint") for c in constraints]
    if reservation is None:
        res: list[Limit] = []
    elif isinstance(reservation, str):
        res = reservations(reservation)
    else:
        res = [parse_limit(r, where="--reservation") for r in reservation]
    limit_outcomes = [parse_outcome(lim.outcome, sheet, where="--constraint") for lim in [*cons, *res]]
    if sample is not None:
        variants = sampled_variants(axes, sample, sampler=sampler, seed=seed)
    else:
        total = math.prod(len(a.values) for a in axes)
        if total > MAX_VARIANTS:
            raise InputError([Problem("--vary", 0, axes[0].path, f"the grid has {total:,} variants; the "
                                      f"limit is {MAX_VARIANTS:,} (fewer points per clause, or --sample)")])
        variants = [tuple(zip((a.path for a in axes), combo, strict=True))
                    for combo in itertools.product(*(a.values for a in axes))]
    outs: list[Outcome] = []
    for o in [*(ob.outcome for ob in objs), *limit_outcomes]:
        if o not in outs:
            outs.append(o)
    st = open_store(store, resume=resume, setup=setup, variants=variants,
                    keys=stat_keys(list(sheet.parties)))
    with contextlib.ExitStack() as stack:
        ex = executor if executor is not None else stack.enter_context(
            get_executor(backend, workers=workers, scheduler=scheduler if backend == "dask" else None))
        ev = evaluate(setup, variants, store=st, on_task=on_task, executor=ex)
        decks = [load_deal(p) for p in (positions or ())]
        placed_ev = [(d, evaluate(setup.with_base(d), [()], executor=ex)) for d in decks]
    values = np.column_stack([ev.values(o) for o in outs])
    names = tuple(o.name for o in outs)

    def meets(limits: Sequence[Limit], row: np.ndarray) -> bool:
        return all(lim.holds(float(row[names.index(lim.outcome)])) for lim in limits)

    feasible = np.array([meets(cons, r) and bool(np.all(np.isfinite(r[:len(objs)]))) for r in values],
                        dtype=bool)
    score = np.column_stack([ob.sense * values[:, names.index(ob.outcome.name)] for ob in objs])
    score = np.where(np.isfinite(score), score, -np.inf)
    pareto = pareto_mask(score, feasible)
    zone = feasible & np.array([meets(res, r) for r in values], dtype=bool)
    placed = tuple(_place(d, pev, sheet, outs, objs, cons, res, score, feasible) for d, pev in placed_ev)
    return FrontierResult(deal_id=sheet.id, pipeline_id=pipe.id, paths=setup.paths, axes=tuple(axes),
                          objectives=tuple(objs), constraints=tuple(cons), reservations=tuple(res),
                          variants=tuple(variants), outcomes=names, values=values, feasible=feasible,
                          pareto=pareto, zone=zone, positions=placed)


def _place(deal: TermSheet, ev: Evaluated, base: TermSheet, outs: Sequence[Outcome],
           objs: Sequence[Objective], cons: Sequence[Limit], res: Sequence[Limit], score: np.ndarray,
           feasible: np.ndarray) -> Position:
    roles = {base.investor: deal.investor, base.host: deal.host}
    values: dict[str, float] = {}
    for o in outs:
        party = roles.get(o.party, o.party)
        if party not in deal.parties:
            values[o.name] = math.nan
            continue
        values[o.name] = float(ev.values(Outcome(party=party, measure=o.measure))[0])
    ok = all(lim.holds(values[lim.outcome]) for lim in cons)
    in_zone = ok and all(lim.holds(values[lim.outcome]) for lim in res)
    mine = np.array([ob.sense * values[ob.outcome.name] for ob in objs])
    dom = None
    for i in np.flatnonzero(feasible):
        if np.all(score[i] >= mine) and np.any(score[i] > mine):
            dom = int(i)
            break
    return Position(id=deal.id, title=deal.title, values=values, feasible=ok, in_zone=in_zone,
                    dominated_by=dom)
