"""Many variants of one deal, each over the same paths: the engine of sensitivity, solve and frontier.

A *variant* is the base deal with some clauses set (``(path, value)`` pairs, applied
with :func:`pledgelab.terms.apply_overrides`, so every variant is checked like a file
and its clauses carry the status ``scenario``). Each variant × block of paths is one
task on an executor (serial, processes, Dask); a task returns sums over its paths
(:data:`STAT_KEYS`), which are added up per variant in task order, so the numbers are
the same bits on every backend and for any number of workers.

Deterministic runs are one path with every shock zero (the plan exactly, as
``pledgelab run``); with ``paths`` the drivers' draws are the same for every variant
(**common random numbers**: one seed, the blocks seeded by the drivers' own
``SeedSequence`` scheme), so differences between variants are the terms', not noise.

NPVs are discounted at the *base* deal's rate (its deemed benchmark unless given), the
same for every variant: a variant that moves the benchmark changes the deemed interest,
not the yardstick.

Tasks stream to a Parquet store (:class:`~pledgelab.analysis._store.Store`) when one is
given; ``resume`` skips the tasks already there.
"""

from __future__ import annotations

import contextlib
import hashlib
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from pledgelab._errors import ArgumentError, InputError, InputWarning, Problem
from pledgelab._limits import check
from pledgelab.analysis._factors import KEEP, Outcome, is_archetype_path
from pledgelab.analysis._store import Store
from pledgelab.drivers import BLOCK, DriverModel, draw
from pledgelab.engine import EXTRA_MONTHS, Plan, make_plan, no_shocks, run_paths
from pledgelab.executors import BACKENDS, Executor, get_executor
from pledgelab.metrics import default_discount_rate, irr_monthly_codes
from pledgelab.pipeline import ARCHETYPE_PARAMS, Pipeline
from pledgelab.terms import TermSheet, apply_overrides, override

Variant = tuple[tuple[str, Any], ...]
"""Clause path → value pairs applied to the base deal (an empty variant is the base)."""

_PARTY_STATS = ("npv", "irr", "irr_n", "moic", "moic_n", "loss", "share", "peak_call", "received",
                "contributed")
_DEAL_STATS = ("paths", "recovered", "waterfalls", "unrecovered", "review")


def stat_keys(parties: Sequence[str]) -> tuple[str, ...]:
    """The columns of a task's sums: per party, then for the deal (``_paths``, ``_recovered``...)."""
    return (*[f"{p}.{s}" for p in parties for s in _PARTY_STATS], *[f"_{s}" for s in _DEAL_STATS])


@dataclass(frozen=True, slots=True, kw_only=True)
class Setup:
    """What every task of an analysis shares (picklable): the base deal, pipeline and paths."""

    base: TermSheet
    pipeline: Pipeline
    drivers: DriverModel | None  # None: deterministic (one path, no shocks)
    paths: int  # 1 when deterministic
    chunk: int  # paths per task
    seed: int
    discount_rate: float
    extra_months: int = EXTRA_MONTHS
    fingerprint: str = ""  # of everything above, the base file's text included (:meth:`key`)

    @property
    def stochastic(self) -> bool:
        return self.drivers is not None

    def key(self) -> str:
        """A fingerprint of everything that decides the numbers (for stores and worker caches);
        computed once by :func:`make_setup` and :meth:`with_base`, not per task."""
        return self.fingerprint or _fingerprint(self)

    def with_base(self, base: TermSheet) -> Setup:
        """The same setup for another deal (a position placed on a frontier)."""
        out = replace(self, base=base, fingerprint="")
        return replace(out, fingerprint=_fingerprint(out))


def _fingerprint(s: Setup) -> str:
    origin = s.base.origin
    text = ""
    if origin is not None:
        try:
            text = Path(origin.path).read_text(encoding="utf-8")
        except OSError:
            text = ""
    blob = repr((s.base.id, origin, hashlib.sha256(text.encode()).hexdigest(), s.pipeline, s.drivers,
                 s.paths, s.chunk, s.seed, s.discount_rate, s.extra_months))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def make_setup(base: TermSheet, pipeline: Pipeline, *, drivers: DriverModel | None = None,
               paths: int | None = None, chunk: int = BLOCK, seed: int = 0,
               discount_rate: float | None = None) -> Setup:
    """A :class:`Setup`: deterministic without ``paths``, else ``paths`` Monte Carlo paths."""
    if paths is not None:
        check("paths", paths)
        check("chunk_size", chunk)
        check("seed", seed)
        if drivers is None:
            raise ArgumentError.of("drivers", "Monte Carlo paths need a driver model")
    rate = default_discount_rate(base) if discount_rate is None else float(discount_rate)
    check("discount_rate", rate)
    setup = Setup(base=base, pipeline=pipeline, drivers=drivers if paths is not None else None,
                  paths=1 if paths is None else int(paths), chunk=1 if paths is None else int(chunk),
                  seed=int(seed), discount_rate=rate)
    return replace(setup, fingerprint=_fingerprint(setup))


def build_variant(base: TermSheet, variant: Variant) -> TermSheet:
    """``base`` with the variant's clauses set (:func:`pledgelab.terms.apply_overrides`); archetype
    parameters (``archetypes.ID.PARAM``) are the pipeline's, set by :func:`vary_pipeline`."""
    ovs = [override(path, value, reason="varied by a what-if analysis")
           for path, value in variant if value is not KEEP and not is_archetype_path(path)]
    if not ovs:
        return base
    return apply_overrides(base, ovs, id=f"{base.id}+variant")


def vary_pipeline(pipeline: Pipeline, variant: Variant, *, where: str = "--vary") -> Pipeline:
    """``pipeline`` with the variant's archetype parameters (``archetypes.ID.PARAM``) set on every
    project that takes that parameter from the archetype table (a project's own override or cash-flow
    series is left alone); each value checked as the archetype reader checks it. The varied
    clauses are marked assumed, with the analysis as their note."""
    sets = [(path, value) for path, value in variant if value is not KEEP and is_archetype_path(path)]
    if not sets:
        return pipeline
    problems: list[Problem] = []
    for path, value in sets:
        why = _archetype_value_problem(path.rsplit(".", 1)[-1], value)
        if why:
            problems.append(Problem(where, 0, path, why))
    if problems:
        raise InputError(problems)
    projects = []
    for proj in pipeline.projects:
        params = dict(proj.params)
        for path, value in sets:
            _, arch, name = path.split(".", 2)
            c = params.get(name)
            if proj.series is None and proj.archetype == arch and c is not None and c.path == path:
                params[name] = c.with_value(int(value) if ARCHETYPE_PARAMS[name].kind == "count" else value,
                                            note="varied by a what-if analysis")
        projects.append(replace(proj, params=params))
    return replace(pipeline, projects=tuple(projects))


def _archetype_value_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be archetype parameter ``name`` (the archetype reader's bounds), or None."""
    spec = ARCHETYPE_PARAMS.get(name)
    if spec is None:
        return f"unknown archetype parameter {name!r}; known: {', '.join(ARCHETYPE_PARAMS)}"
    if spec.kind == "choice":
        return None if value in spec.choices else f"{value!r} is not one of: {', '.join(spec.choices)}"
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        return f"expected a finite number, got {value!r}"
    if spec.kind == "count" and float(value) != round(float(value)):
        return f"expected a whole number of {spec.units[0]}, got {value!r}"
    if spec.minimum is not None and value < spec.minimum:
        return f"{value!r} is below the least allowed value {spec.minimum:g}"
    top = 1.0 if spec.kind == "fraction" else spec.maximum
    if top is not None and value > top:
        return f"{value!r} is above the largest allowed value {top:g}"
    return None


def check_variant(base: TermSheet, pipeline: Pipeline | None, variant: Variant, *,
                  where: str = "--vary") -> None:
    """Raise the :class:`InputError` that applying ``variant`` to the deal or the pipeline would
    (an archetype parameter without a pipeline is refused)."""
    build_variant(base, variant)
    if pipeline is not None:
        vary_pipeline(pipeline, variant, where=where)
    elif any(is_archetype_path(p) for p, _ in variant):
        raise InputError([Problem(where, 0, next(p for p, _ in variant if is_archetype_path(p)),
                                  "an archetype parameter is varied over a pipeline; give the pipeline")])


_PLANS: OrderedDict[tuple[str, str], Plan] = OrderedDict()  # a worker's recent variants' plans


def _plan(setup: Setup, variant: Variant) -> Plan:
    key = (setup.key(), repr(variant))
    plan = _PLANS.get(key)
    if plan is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)  # said once, for the base, by the caller
            plan = make_plan(build_variant(setup.base, variant), vary_pipeline(setup.pipeline, variant),
                             extra_months=setup.extra_months)
        _PLANS[key] = plan
        if len(_PLANS) > 8:
            _PLANS.popitem(last=False)
    return plan


def run_task(setup: Setup, item: tuple[int, Variant, int, int]) -> np.ndarray:
    """One variant over paths ``[a, z)``: the sums of :func:`stat_keys` (float64)."""
    _, variant, a, z = item
    plan = _plan(setup, variant)
    if setup.drivers is None:
        draws = no_shocks(plan, paths=1)
    else:
        draws = draw(setup.drivers, archetypes=plan.archetypes, build_months=plan.build_months,
                     months=plan.months, paths=slice(a, z), seed=setup.seed,
                     benchmark_start=float(plan.deal.value("distribution.deemed_benchmark")))
    flows = run_paths(plan, draws)
    return reduce_flows(flows.paid, flows.got, flows.recovered, flows.review_triggered,
                        parties=list(setup.base.parties), flow_parties=list(flows.parties),
                        start=plan.start, rate=setup.discount_rate)


def reduce_flows(paid: np.ndarray, got: np.ndarray, recovered: np.ndarray, review: np.ndarray, *,
                 parties: list[str], flow_parties: list[str], start: int, rate: float) -> np.ndarray:
    """Sums over paths of each party's outcomes (row by row: the same bits for any block size)."""
    n_paths, n_months = paid.shape[1], paid.shape[2]
    disc = np.power(1.0 + rate, -np.arange(n_months) / 12.0)
    years = (start + np.arange(n_months)) // 12
    cuts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])
    total_got = np.zeros(n_paths)
    rows: dict[str, np.ndarray] = {}
    for p in parties:
        if p not in flow_parties:
            continue
        i = flow_parties.index(p)
        rows[p] = got[i].sum(axis=1)
        total_got += np.maximum(rows[p], 0.0)
    out: list[float] = []
    for p in parties:
        if p not in flow_parties:
            out.extend([0.0] * len(_PARTY_STATS))
            continue
        i = flow_parties.index(p)
        net = paid[i] + got[i]
        contributed = -paid[i].sum(axis=1)
        received = rows[p]
        npv = (net * disc).sum(axis=1)
        monthly, _ = irr_monthly_codes(net)
        irr = np.power(1.0 + monthly, 12.0) - 1.0
        ok = np.isfinite(irr)
        put_in = contributed > 0
        moic = np.where(put_in, received / np.where(put_in, contributed, 1.0), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total_got > 0,
                             np.maximum(received, 0.0) / np.where(total_got > 0, total_got, 1.0), 0.0)
        peak = np.add.reduceat(-paid[i], cuts, axis=1).max(axis=1)
        out.extend([_sum(npv), _sum(np.where(ok, irr, 0.0)), float(ok.sum()), _sum(moic), float(put_in.sum()),
                    float((received < contributed).sum()), _sum(share), _sum(peak), _sum(received),
                    _sum(contributed)])
    all_rec = (recovered >= 0).all(axis=1)
    out.extend([float(n_paths), float(all_rec.sum()), float(recovered.size),
                float((recovered < 0).sum()), float(np.asarray(review).sum())])
    return np.asarray(out, dtype=np.float64)


def _sum(x: np.ndarray) -> float:
    """A sum in a fixed order (a Python loop over float64: no pairwise-summation differences)."""
    s = 0.0
    for v in x.tolist():
        s += v
    return s


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluated:
    """The sums of every variant (rows) over every path (columns: :func:`stat_keys`)."""

    setup: Setup
    variants: tuple[Variant, ...]
    keys: tuple[str, ...]
    sums: np.ndarray  # (variants, keys)

    def column(self, key: str) -> np.ndarray:
        return self.sums[:, self.keys.index(key)]

    def values(self, outcome: Outcome) -> np.ndarray:
        """The outcome of every variant (NaN where undefined: no path has an IRR, nothing put in)."""
        p, m = outcome.party, outcome.measure
        n = self.column("_paths")
        with np.errstate(invalid="ignore", divide="ignore"):
            if m == "irr":
                return np.where(self.column(f"{p}.irr_n") > 0,
                                self.column(f"{p}.irr") / self.column(f"{p}.irr_n"), np.nan)
            if m == "moic":
                return np.where(self.column(f"{p}.moic_n") > 0,
                                self.column(f"{p}.moic") / self.column(f"{p}.moic_n"), np.nan)
            if m == "p_loss":
                return np.asarray(self.column(f"{p}.loss") / n)
            if m == "recovery":
                return np.asarray(self.column("_recovered") / n)
            return np.asarray(self.column(f"{p}.{m}") / n)

    def never_recovered(self) -> tuple[int, int]:
        """(waterfalls that never recover their deemed allocation amount, waterfalls), all variants."""
        return int(self.column("_unrecovered").sum()), int(self.column("_waterfalls").sum())


def evaluate(setup: Setup, variants: Sequence[Variant], *, backend: str = "serial", workers: int = 2,
             scheduler: str | None = None, store: Store | None = None,
             on_task: Callable[[int], None] | None = None, executor: Executor | None = None) -> Evaluated:
    """Run every variant over the setup's paths on ``backend``; results in variant order.

    With ``store``, each finished task is written to its Parquet parts, and tasks the store
    already holds (a resumed run) are not run again. ``executor``, when given, is used (and
    left open) instead of a new one of ``backend``: a solve's many small evaluations share one.
    """
    if backend not in BACKENDS:
        raise ArgumentError.of("backend", f"{backend!r} is not one of: {', '.join(BACKENDS)}")
    keys = stat_keys(list(setup.base.parties))
    variants = tuple(variants)
    blocks = [(a, min(a + setup.chunk, setup.paths)) for a in range(0, setup.paths, setup.chunk)]
    items = [(v, variants[v], a, z) for v in range(len(variants)) for a, z in blocks]
    done: dict[int, np.ndarray] = store.done() if store is not None else {}
    todo = [(t, it) for t, it in enumerate(items) if t not in done]
    if todo:
        with contextlib.ExitStack() as stack:
            ex = executor if executor is not None else stack.enter_context(
                get_executor(backend, workers=workers, scheduler=scheduler if backend == "dask" else None))
            try:
                for (t, _), res in zip(todo, ex.map(partial(run_task, setup), [it for _, it in todo]),
                                       strict=True):
                    done[t] = res
                    if store is not None:
                        store.add(t, res)
                    if on_task is not None:
                        on_task(t)
            except InputError as exc:
                raise InputError(exc.problems) from None
            finally:
                if store is not None:
                    store.flush()
    sums = np.zeros((len(variants), len(keys)))
    for t, (v, *_rest) in enumerate(items):  # in task order: the same bits on every backend
        sums[v] += done[t]
    return Evaluated(setup=setup, variants=variants, keys=keys, sums=sums)
