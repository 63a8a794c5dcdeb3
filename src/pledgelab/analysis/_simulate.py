"""``pledgelab.simulate``: the Monte Carlo front door."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pledgelab._errors import ArgumentError
from pledgelab._limits import check
from pledgelab.analysis._montecarlo import ChunkJob, run_chunks
from pledgelab.analysis._results import SimulationResult
from pledgelab.analysis._risk import explain
from pledgelab.analysis._shocks import WorkforceShocks
from pledgelab.drivers import DriverModel, load_drivers
from pledgelab.engine import EXTRA_MONTHS, OVERRUN_CLAUSE, agreed_amount, make_plan, overrun_reading
from pledgelab.executors import get_executor
from pledgelab.macro.safeguard import Safeguard, load_safeguard
from pledgelab.metrics import default_discount_rate
from pledgelab.pipeline import Pipeline, load_pipeline
from pledgelab.terms import OVERRUN_READINGS, TermSheet, apply_overrides, load_deal, override
from pledgelab.workforce import Policy


def simulate(deal: TermSheet | str, *, pipeline: Pipeline | str, paths: int = 10_000, seed: int = 0,
             drivers: DriverModel | str = "default", chunk_size: int = 256,
             backend: str = "serial", workers: int = 2, scheduler: str | None = None,
             discount_rate: float | None = None, extra_months: int = EXTRA_MONTHS,
             fx_feedback: Safeguard | str | None = None, workforce_policy: Policy | str | None = None,
             overrun: str | None = None, attribute: bool = False,
             on_chunk: Callable[[int], None] | None = None) -> SimulationResult:
    """Simulate ``paths`` Monte Carlo paths of ``deal`` over ``pipeline``.

    The same ``seed`` gives the same numbers for any ``chunk_size`` and any
    ``backend`` (``serial``, ``process``, ``dask``; ``scheduler`` is a Dask
    address, else a local cluster of ``workers`` processes). ``discount_rate``
    defaults to the deal's deemed benchmark. ``extra_months`` is how far past the
    plan's last month slipped projects are followed. ``on_chunk`` is called with
    the number of paths each finished chunk held (for progress bars).

    ``fx_feedback`` (a safeguard file id or path, or a :class:`Safeguard`) makes the
    deal's FX-safeguard clause live on every path: the pledge's dollar demand weakens
    the drivers' exchange rate, a crossing brings a request, and an accepted request
    defers the investor's calls (:class:`pledgelab.engine.FxRule`).

    ``workforce_policy`` (a policy id such as ``"post-raid-2025"``, a file, or a
    ``Policy``) adds the workforce model's delays on every path: a delay during the
    build moves operations and costs standby (and remobilisation after a shutdown), a
    late ramp-up loses output (:class:`pledgelab.analysis.WorkforceShocks`), from a random
    stream of their own, so the same seed with and without them differs by the
    workforce alone.

    ``overrun`` replaces the deal's ``amount.overrun_payer`` reading for this run
    (``investor-unlimited``, ``host-beyond-cap`` or ``abandon-at-cap``:
    :func:`with_overrun`). The result's ``explanation`` places the deterministic
    run (the plan: one path with the ``zero`` drivers, no FX feedback or
    workforce) in each party's simulated distribution; with ``attribute`` the
    simulation is also rerun once per driver family with that family switched
    off, same seed (:func:`pledgelab.analysis.explain`), and ``on_chunk`` counts
    the paths of every run.
    """
    _check_arguments(paths=paths, seed=seed, chunk_size=chunk_size, backend=backend, workers=workers,
                     scheduler=scheduler, discount_rate=discount_rate, extra_months=extra_months)
    _check_kinds(drivers=(drivers, DriverModel), fx_feedback=(fx_feedback, Safeguard),
                 workforce_policy=(workforce_policy, Policy))
    if on_chunk is not None and not callable(on_chunk):
        raise ArgumentError.of("on_chunk", "expected a function of the paths done, got "
                               f"{type(on_chunk).__name__}")
    sheet = load_deal(deal) if isinstance(deal, str) else deal
    if overrun is not None:
        sheet = with_overrun(sheet, overrun)
    pipe = load_pipeline(pipeline) if isinstance(pipeline, str) else pipeline
    model = load_drivers(drivers) if isinstance(drivers, str) else drivers
    sg = load_safeguard(fx_feedback) if isinstance(fx_feedback, str) else fx_feedback

    def once(m: DriverModel, n: int, *, live: bool = True) -> SimulationResult:
        return _simulate(sheet, pipe, m, paths=n, seed=seed, chunk_size=chunk_size,
                         backend=backend if live else "serial", workers=workers,
                         scheduler=scheduler if live else None, discount_rate=discount_rate,
                         extra_months=extra_months, safeguard=sg if live else None,
                         workforce_policy=workforce_policy if live else None,
                         on_chunk=on_chunk if live else None)

    result = once(model, paths)
    plan_run = once(load_drivers("zero"), 1, live=False)
    rerun = (lambda m: once(m, paths)) if attribute else None
    return replace(result, explanation=explain(result, plan=plan_run, model=model, rerun=rerun))


def with_overrun(deal: TermSheet, reading: str) -> TermSheet:
    """``deal`` with ``amount.overrun_payer`` set to ``reading`` for this run (a scenario clause)."""
    if reading not in OVERRUN_READINGS:
        raise ArgumentError.of("overrun", f"{reading!r} is not one of: {', '.join(OVERRUN_READINGS)}")
    if overrun_reading(deal) == reading and OVERRUN_CLAUSE in deal.clauses:
        return deal
    return apply_overrides(deal, [override(OVERRUN_CLAUSE, reading, reason="the overrun reading of "
                                           "this simulation")], id=deal.id, title=deal.title)


def _simulate(sheet: TermSheet, pipe: Pipeline, model: DriverModel, *, paths: int, seed: int,
              chunk_size: int, backend: str, workers: int, scheduler: str | None,
              discount_rate: float | None, extra_months: int, safeguard: Safeguard | None,
              workforce_policy: Policy | str | None,
              on_chunk: Callable[[int], None] | None) -> SimulationResult:
    """One run of ``sheet`` over ``pipe`` with the drivers ``model`` (see :func:`simulate`)."""
    sg = safeguard
    fx_rule = None if sg is None else sg.rule(sheet)
    plan = make_plan(sheet, pipe, extra_months=extra_months, fx_rule=fx_rule)
    rate = default_discount_rate(sheet) if discount_rate is None else float(discount_rate)
    workforce = None if workforce_policy is None else WorkforceShocks.for_plan(plan, workforce_policy)
    job = ChunkJob(plan=plan, model=model, seed=seed, discount_rate=rate,
                   benchmark_start=float(sheet.value("distribution.deemed_benchmark")),
                   workforce=workforce)
    with get_executor(backend, workers=workers,
                      scheduler=scheduler if backend == "dask" else None) as ex:
        chunks = run_chunks(job, paths=paths, chunk=chunk_size, executor_map=ex.map,
                            on_chunk=on_chunk)
    return SimulationResult.from_chunks(
        chunks, deal_id=sheet.id, pipeline_id=pipe.id, drivers_id=model.id, seed=seed, paths=paths,
        discount_rate=rate, start=plan.start, parties=tuple(sheet.parties),
        roles={p.code: p.role for p in sheet.parties.values()}, investor=sheet.investor,
        has_review=sheet.value("distribution.review_horizon") is not None,
        waterfalls=chunks[0].waterfalls,
        fx=None if sg is None or fx_rule is None else {
            "safeguard": sg.id, "currency": sg.currency, "threshold": fx_rule.threshold,
            "impact": float(sg.impact.value), "acceptance": fx_rule.acceptance,
            "requests_allowed": fx_rule.requests},
        workforce=None if workforce is None else workforce.policy.id,
        overrun_reading=overrun_reading(sheet),
        agreed={p: agreed_amount(sheet, p) for p in sheet.parties},
    )


BACKENDS = ("serial", "process", "dask")


def _check_kinds(**given: tuple[object, type]) -> None:
    """Each argument is None, a shipped id or path (text), or an object of its type."""
    for name, (value, kind) in given.items():
        if value is not None and not isinstance(value, str | kind):
            raise ArgumentError.of(name, f"expected an id, a file path or a {kind.__name__}, got "
                                   f"{type(value).__name__}")


def _check_arguments(*, paths: int, seed: int, chunk_size: int, backend: str, workers: int,
                     scheduler: str | None, discount_rate: float | None, extra_months: int) -> None:
    """Every argument inside its range of :data:`pledgelab._limits.LIMITS`, before any work starts."""
    check("paths", paths)
    check("seed", seed)
    check("chunk_size", chunk_size)
    check("workers", workers)
    check("extra_months", extra_months)
    if discount_rate is not None:
        check("discount_rate", discount_rate)
    if backend not in BACKENDS:
        raise ArgumentError.of("backend", f"{backend!r} is not one of: {', '.join(BACKENDS)}")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise ArgumentError.of("scheduler", f"expected a Dask scheduler address such as "
                               f"tcp://host:8786, got {scheduler!r}")
