"""What sensitivity, solve and frontier share: reading their inputs, the store of a run."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace as dc_replace
from typing import Any

from pledgelab._errors import InputError, Problem
from pledgelab.analysis._factors import Factor
from pledgelab.analysis._store import Store
from pledgelab.analysis._variants import Setup, Variant, check_variant, make_setup
from pledgelab.drivers import DriverModel, load_drivers
from pledgelab.engine import make_plan
from pledgelab.pipeline import Pipeline, load_pipeline
from pledgelab.terms import TermSheet, load_deal


def resolve(deal: TermSheet | str, pipeline: Pipeline | str, *, paths: int | None, seed: int,
            drivers: DriverModel | str, discount_rate: float | None,
            chunk_size: int) -> tuple[TermSheet, Pipeline, Setup]:
    """The deal, the pipeline and the :class:`Setup` of an analysis; the base deal is planned once
    here so its problems (and a warning for another investor's pipeline) come before any work."""
    sheet = load_deal(deal) if isinstance(deal, str) else deal
    pipe = load_pipeline(pipeline) if isinstance(pipeline, str) else pipeline
    model = None
    if paths is not None:
        model = load_drivers(drivers) if isinstance(drivers, str) else drivers
    make_plan(sheet, pipe)
    setup = make_setup(sheet, pipe, drivers=model, paths=paths, chunk=chunk_size, seed=seed,
                       discount_rate=discount_rate)
    return sheet, pipe, setup


def open_store(folder: str | None, *, resume: bool, setup: Setup, variants: Sequence[Variant],
               keys: Sequence[str]) -> Store | None:
    """The Parquet store of a run at ``folder`` (None: no store); ``resume`` continues one."""
    if folder is None:
        if resume:
            raise InputError([Problem("--resume", 0, "--store", "--resume needs the --store folder of "
                                      "the run to continue")])
        return None
    tasks = len(variants) * -(-setup.paths // setup.chunk)
    digest = hashlib.sha256(f"{setup.key()}|{variants!r}".encode()).hexdigest()[:32]
    return Store(folder, fingerprint=digest, keys=keys, tasks=tasks, resume=resume)


def describe_value(value: Any) -> str:
    """A clause value as a short label."""
    if isinstance(value, float) and abs(value) >= 1e6:
        return f"{value:.4g}"
    return str(value)


def runnable(deal: TermSheet, fs: Sequence[Factor], *,
             pipeline: Pipeline | None = None) -> tuple[list[Factor], list[str]]:
    """The factors with only the values that can be applied to ``deal`` (and, for archetype
    parameters, to ``pipeline``) on their own.

    A listed alternative that needs clauses the deal does not give (``ship-finance`` needs a rate
    and a tenor; ``adjust-shares`` needs review shares) is left out and named in the second list,
    and so is a numeric range whose ends the reader refuses alone (a tranche amount moves with
    the others: the tranches must sum to the headline); a factor left with one value is not varied.
    """
    dropped: list[str] = []
    out: list[Factor] = []
    for f in fs:
        if f.numeric:
            refused = []
            for u, end in ((0.0, "low"), (1.0, "high")):
                try:
                    check_variant(deal, pipeline, ((f.path, f.value_at(u)),))
                except InputError as exc:
                    refused.append(f"the {end} end {f.value_at(u)!r}: {exc.problems[0].message}")
            if refused:
                dropped.append(f"{f.path} over {f.describe()}: it cannot be applied on its own "
                               f"({'; '.join(refused)})")
            else:
                out.append(f)
            continue
        keep = [0]
        for k in range(1, len(f.choices)):
            try:
                check_variant(deal, pipeline, ((f.path, f.choices[k]),))
            except InputError as exc:
                dropped.append(f"{f.path} = {f.choice_labels[k]}: it cannot be applied on its own "
                               f"({exc.problems[0].message})")
                continue
            keep.append(k)
        if len(keep) > 1:
            out.append(dc_replace(f, choices=tuple(f.choices[k] for k in keep),
                                  choice_labels=tuple(f.choice_labels[k] for k in keep)))
    return out, dropped


def check_backend(backend: str, scheduler: str | None) -> None:
    """A known backend, and a scheduler address only for Dask (an :class:`InputError` otherwise)."""
    from pledgelab.executors import BACKENDS

    if backend not in BACKENDS:
        raise InputError([Problem("--backend", 0, "backend", f"{backend!r} is not one of: "
                                  f"{', '.join(BACKENDS)}")])
    if scheduler is not None and (backend != "dask" or "://" not in str(scheduler)):
        raise InputError([Problem("--scheduler", 0, "scheduler", "a scheduler address such as "
                                  "tcp://host:8786 goes with the dask backend")])
