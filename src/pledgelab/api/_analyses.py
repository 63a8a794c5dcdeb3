"""``/v1/sensitivity``, ``/v1/solve``, ``/v1/frontier``: the what-if analyses as jobs.

Each ``POST`` answers **202** and a job id, ``GET /v1/<kind>/{id}`` the progress (runs done)
and, when done, the result; ``DELETE`` cancels. They share the simulations' bounded pool and
cache (:class:`pledgelab.api._v1.Jobs`): a full pool answers **429** with ``Retry-After``.
The bodies mirror ``pledgelab sensitivity|solve|frontier``; outcomes, targets, limits, axes and
clause paths are read by the library's own parsers, checked before a job starts, so a bad one
is **422** naming the body's field. The ceilings below keep one request to seconds or minutes
(the library's own, for the command line, are far larger).

References
----------
:func:`pledgelab.sensitivity`, :func:`pledgelab.solve`, :func:`pledgelab.frontier`
(docs/sensitivity.md, docs/whatif.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Response
from pydantic import Field

from pledgelab._cited import shipped
from pledgelab._errors import InputError, Problem
from pledgelab.analysis import (
    MAX_EVALUATIONS,
    POSITIONS,
    FrontierResult,
    SensitivityResult,
    SolveResult,
    factors,
    frontier,
    numeric_factor,
    parse_axis,
    parse_limit,
    parse_objective,
    parse_outcome,
    parse_target,
    runnable,
    sampled_variants,
    sensitivity,
    solve,
)
from pledgelab.api._v1 import (
    MAX_OVERRIDES,
    ClausePath,
    Jobs,
    Name,
    _Body,
    _num,
    _overrides,
    _pipeline,
    _shipped_deal,
    _value,
)
from pledgelab.drivers import BLOCK, load_drivers
from pledgelab.pipeline import Pipeline
from pledgelab.terms import TermSheet

MAX_SAMPLES = 64  # Sobol' N or Morris trajectories per request (the CLI allows 65,536)
MAX_PATHS = 256  # Monte Carlo paths per variant (None: deterministic runs)
MAX_CLAUSES = 12
MAX_OUTCOMES = 8
MAX_AXES = 3
MAX_GRID = 400  # frontier variants per request (the CLI allows 20,000)
MAX_SOLVE_RUNS = MAX_EVALUATIONS + 2  # a solve's evaluations at most: the bracket's ends and brentq's
Text = Annotated[str, Field(min_length=1, max_length=200)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
JobId = Annotated[str, Path(max_length=64, pattern=r"^[0-9a-f]{1,64}$")]
Paths = Annotated[int | None, Field(None, ge=1, le=MAX_PATHS,
                                    description="Monte Carlo paths per variant (default: deterministic)")]


class _Analysis(_Body):
    deal: Name
    pipeline: Name | None = None
    overrides: dict[ClausePath, Any] = Field(default_factory=dict, max_length=MAX_OVERRIDES)
    paths: Paths = None
    seed: int = Field(0, ge=0, le=2**32 - 1)
    drivers: Name = "default"
    discount_rate: float | None = Field(None, ge=-0.5, le=1.0, allow_inf_nan=False)


class SensitivityIn(_Analysis):
    """``pledgelab sensitivity``: which assumptions drive each outcome."""

    method: Literal["sobol", "morris"] = "sobol"
    samples: int = Field(8, ge=4, le=MAX_SAMPLES, description="Sobol': a power of two, at least 8")
    outcomes: list[Text] = Field(default_factory=list, max_length=MAX_OUTCOMES,
                                 description="e.g. [\"KR.npv\"] (default: investor and host NPV)")
    clauses: list[ClausePath] = Field(default_factory=list, max_length=MAX_CLAUSES,
                                      description="clause paths to vary (default: assumed and disputed); "
                                      "archetypes.ID.PARAM names a parameter of a project archetype")
    archetypes: bool = Field(False, description="also vary every assumed archetype parameter the "
                             "pipeline's projects use")


class SolveIn(_Analysis):
    """``pledgelab solve``: the value of one clause that makes an outcome hit a target."""

    vary: ClausePath
    target: Text = Field(description="OUTCOME=VALUE, e.g. \"KR.npv=0\"")
    bracket: tuple[Finite, Finite] | None = Field(None, description="[lo, hi] (default: the clause's range)")
    xtol: float | None = Field(None, gt=0, allow_inf_nan=False)


class FrontierIn(_Analysis):
    """``pledgelab frontier``: the Pareto set, the zone of agreement, the positions placed."""

    vary: list[Text] = Field(min_length=1, max_length=MAX_AXES, description="PATH=lo:hi[:n] or PATH=a,b,c")
    objectives: list[Text] = Field(min_length=2, max_length=4, description="e.g. [\"KR.npv\", \"US.npv\"]")
    constraints: list[Text] = Field(default_factory=list, max_length=MAX_OUTCOMES)
    reservation: Name | list[Text] | None = Field(
        "korea-us-2025", description="a shipped reservation id, limits such as \"KR.npv>=0\", or null")
    positions: list[Name] = Field(default_factory=lambda: list(POSITIONS), max_length=len(POSITIONS) + 3)
    sample: int | None = Field(None, ge=2, le=MAX_GRID, description="evaluate this many points of a "
                               "space-filling design over the vary box instead of the grid")
    sampler: Literal["sobol", "lhs"] = Field("sobol", description="sobol (a power of two) or lhs")


@contextmanager
def _field(name: str) -> Iterator[None]:
    """A library :class:`InputError` re-labelled with the body's field (the CLI's names ``--vary``
    and the like mean nothing over HTTP)."""
    try:
        yield
    except InputError as exc:
        raise InputError([Problem("request", 0, name, f"{p.field}: {p.message}" if p.field else p.message)
                          for p in exc.problems]) from None


def _too_big(field: str, message: str) -> InputError:
    return InputError([Problem("request", 0, field, message)])


def _digest(kind: str, body: _Analysis, deal: TermSheet) -> str:
    """``kind:`` and the hash of the deal's clauses, the body and pledgelab's version."""
    from pledgelab._version import __version__

    clauses = [(c.path, repr(_value(c.value))) for c in deal.all_clauses()]
    key = json.dumps({"clauses": clauses, "body": body.model_dump(mode="json"), "version": __version__},
                     sort_keys=True, default=str)
    return f"{kind}:{hashlib.sha256(key.encode()).hexdigest()}"


# -- results as JSON ----------------------------------------------------------------------------

def _plain(v: Any) -> Any:
    """A clause value as JSON: numbers, text, lists; anything else (a sentinel) as its text."""
    out = _value(v)
    if out is None or isinstance(out, bool | int | float | str | list | dict):
        return out
    return str(out)


def sensitivity_json(res: SensitivityResult) -> dict[str, Any]:
    """Every outcome's ranking: indices with their 95% half-widths, the tornado's ends, the reading."""
    return {
        "deal": res.deal_id, "pipeline": res.pipeline_id, "method": res.method, "samples": res.samples,
        "runs": res.runs, "paths": res.paths, "seed": res.seed,
        "factors": [{"path": f.path, "label": f.label, "status": f.status, "unit": f.unit,
                     "base": _plain(f.base), "low": _num(f.low), "high": _num(f.high),
                     "choices": [_plain(f.base if k == 0 else c) for k, c in enumerate(f.choices)]}
                    for f in res.factors],
        "outcomes": [{"name": o.name, "unit": o.unit, "base": _num(res.base.get(o.name)),
                      "summary": res.summary.get(o.name),
                      "ranking": [{"path": i.factor.path, "s1": _num(i.s1), "s1_conf": _num(i.s1_conf),
                                   "st": _num(i.st), "st_conf": _num(i.st_conf), "low": _num(i.low),
                                   "high": _num(i.high), "low_at": i.low_at, "high_at": i.high_at,
                                   "matters": i.matters, "why": i.why}
                                  for i in res.ranking.get(o.name, [])]}
                     for o in res.outcomes],
        "never_recovered": list(res.never_recovered), "dropped": list(res.dropped),
    }


def solve_json(res: SolveResult) -> dict[str, Any]:
    """The root and its bracket, or the status ``no-root``/``flat`` with the message in words."""
    return {"deal": res.deal_id, "pipeline": res.pipeline_id, "path": res.path, "outcome": res.outcome,
            "target": res.target, "bracket": [res.bracket[0], res.bracket[1]],
            "at_low": _num(res.at_low), "at_high": _num(res.at_high), "value": _num(res.value),
            "achieved": _num(res.achieved), "evaluations": res.evaluations, "paths": res.paths,
            "status": res.status, "message": res.message}


def _limit(lim: Any) -> dict[str, Any]:
    return {"outcome": lim.outcome, "op": lim.op, "value": lim.value, "status": lim.status,
            "label": lim.label, "reason": lim.reason or None}


def frontier_json(res: FrontierResult) -> dict[str, Any]:
    """Every variant with its outcomes and flags; the Pareto set, the zone and the positions."""
    variants = [{"clauses": {p: _plain(v) for p, v in var}, "label": res.label(i),
                 "outcomes": {n: _num(float(res.values[i, k])) for k, n in enumerate(res.outcomes)},
                 "feasible": bool(res.feasible[i]), "pareto": bool(res.pareto[i]), "zone": bool(res.zone[i])}
                for i, var in enumerate(res.variants)]
    return {
        "deal": res.deal_id, "pipeline": res.pipeline_id, "paths": res.paths,
        "axes": [{"path": a.path, "values": [_plain(v) for v in a.values], "labels": list(a.labels)}
                 for a in res.axes],
        "objectives": [{"name": o.name, "outcome": o.outcome.name, "sense": o.sense} for o in res.objectives],
        "constraints": [_limit(c) for c in res.constraints],
        "reservations": [_limit(r) for r in res.reservations],
        "outcomes": list(res.outcomes), "variants": variants,
        "pareto": [i for i in range(len(res.variants)) if res.pareto[i]],
        "zone": [i for i in range(len(res.variants)) if res.zone[i]],
        "positions": [{"id": p.id, "title": p.title, "values": {k: _num(v) for k, v in p.values.items()},
                       "feasible": p.feasible, "in_zone": p.in_zone, "dominated_by": p.dominated_by}
                      for p in res.positions],
    }


# -- checks before a job starts -----------------------------------------------------------------

def _common(body: _Analysis) -> tuple[TermSheet, Any]:
    deal = _overrides(_shipped_deal(body.deal), body.overrides)
    pipe = _pipeline(deal, body.pipeline)
    if body.paths is not None:
        load_drivers(body.drivers)  # a wrong id is a 404 now, not a failed job later
    return deal, pipe


def _outcomes(deal: TermSheet, names: Sequence[str], field: str) -> None:
    for k, o in enumerate(names):
        with _field(f"{field}[{k}]" if field.endswith("s") else field):
            parse_outcome(o, deal, where=field)


def check_sensitivity(body: SensitivityIn, deal: TermSheet, pipe: Pipeline) -> int:
    """422 for an unknown outcome or clause; returns the number of runs (for the progress)."""
    _outcomes(deal, body.outcomes, "outcomes")
    if body.method == "sobol" and (body.samples < 8 or body.samples & (body.samples - 1)):
        raise _too_big("samples", "Sobol' sampling needs a power of two of at least 8 (8, 16, 32, 64)")
    for k, c in enumerate(body.clauses):
        with _field(f"clauses[{k}]"):
            factors(deal, paths=[c], pipeline=pipe)
    with _field("clauses"):
        fs, _ = runnable(deal, factors(deal, paths=body.clauses or None, pipeline=pipe,
                                       archetypes=body.archetypes), pipeline=pipe)
    d = len(fs)
    rows = body.samples * (d + 2) if body.method == "sobol" else body.samples * (d + 1)
    return 1 + rows + sum(2 if f.numeric else len(f.choices) for f in fs)


def check_solve(body: SolveIn, deal: TermSheet, pipe: Pipeline) -> None:
    """422 for a bad target, an unknown outcome, or a clause that is not a number."""
    with _field("target"):
        name, _ = parse_target(body.target, where="target")
        parse_outcome(name, deal, where="target")
    with _field("vary"):
        numeric_factor(deal, body.vary, where="vary", pipeline=pipe)


def check_frontier(body: FrontierIn, deal: TermSheet, pipe: Pipeline) -> int:
    """422 for a bad axis, objective, limit or position; returns the number of variants."""
    total = 1
    for k, v in enumerate(body.vary):
        with _field(f"vary[{k}]"):
            total *= len(parse_axis(deal, v, pipeline=pipe, sampled=body.sample is not None).values)
    if body.sample is not None:
        with _field("sample"):
            axes = [parse_axis(deal, v, pipeline=pipe, sampled=True) for v in body.vary]
            total = len(sampled_variants(axes, body.sample, sampler=body.sampler, seed=body.seed))
    elif total > MAX_GRID:
        raise _too_big("vary", f"the grid has {total:,} variants; the limit over HTTP is {MAX_GRID} "
                       "(fewer points per clause, or the command line)")
    for k, o in enumerate(body.objectives):
        with _field(f"objectives[{k}]"):
            parse_objective(o, deal)
    for k, c in enumerate(body.constraints):
        with _field(f"constraints[{k}]"):
            parse_outcome(parse_limit(c, where="constraints").outcome, deal, where="constraints")
    if isinstance(body.reservation, list):
        for k, r in enumerate(body.reservation):
            with _field(f"reservation[{k}]"):
                parse_outcome(parse_limit(r, where="reservation").outcome, deal, where="reservation")
    elif body.reservation is not None and body.reservation not in shipped("reservations"):
        raise _too_big("reservation", f"{body.reservation[:60]!r} is not a shipped reservation id; known: "
                       f"{', '.join(shipped('reservations'))}")
    known = [*shipped("deals"), *shipped("scenarios")]
    for k, p in enumerate(body.positions):
        if p not in known:
            raise _too_big(f"positions[{k}]", f"{p[:60]!r} is not a shipped deal or scenario id")
    return total


# -- routes -------------------------------------------------------------------------------------

KINDS = ("sensitivity", "solve", "frontier")


def add_analyses(r: APIRouter, jobs: Jobs) -> None:
    """Add ``POST``/``GET``/``DELETE`` ``/sensitivity``, ``/solve``, ``/frontier`` to ``r``
    (the ``/v1`` router), on the simulations' pool ``jobs``."""

    def start(kind: str, body: _Analysis, total: int, deal: TermSheet, response: Response,
              work: Callable[[Callable[[int], None]], dict[str, Any]]) -> dict[str, Any]:
        job, new = jobs.submit(_digest(kind, body, deal), max(1, total), work)
        response.headers["Location"] = f"/v1/{kind}/{job.id}"
        return {**job.as_json(), "kind": kind, "cached": not new, "links": {"self": f"/v1/{kind}/{job.id}"}}

    def mine(kind: str, job_id: str) -> None:
        if not jobs.get(job_id).digest.startswith(f"{kind}:"):
            raise HTTPException(404, f"no {kind} job {job_id!r}")

    @r.post("/sensitivity", status_code=202, summary="start a sensitivity analysis (202 and a job id)")
    def start_sensitivity(body: SensitivityIn, response: Response) -> dict[str, Any]:
        deal, pipe = _common(body)
        runs = check_sensitivity(body, deal, pipe)

        def work(progress: Callable[[int], None]) -> dict[str, Any]:
            return sensitivity_json(sensitivity(
                deal, pipeline=pipe, method=body.method, samples=body.samples,
                outcomes=body.outcomes or None, clauses=body.clauses or None, archetypes=body.archetypes,
                paths=body.paths,
                seed=body.seed, drivers=body.drivers, discount_rate=body.discount_rate,
                on_task=lambda _t: progress(1)))

        return start("sensitivity", body, runs * -(-(body.paths or 1) // BLOCK), deal, response, work)

    @r.post("/solve", status_code=202, summary="start a solve: the clause value hitting a target")
    def start_solve(body: SolveIn, response: Response) -> dict[str, Any]:
        deal, pipe = _common(body)
        check_solve(body, deal, pipe)

        def work(progress: Callable[[int], None]) -> dict[str, Any]:
            return solve_json(solve(deal, pipeline=pipe, vary=body.vary, target=body.target,
                                    bracket=body.bracket, paths=body.paths, seed=body.seed,
                                    drivers=body.drivers, discount_rate=body.discount_rate, xtol=body.xtol,
                                    on_task=lambda _t: progress(1)))

        return start("solve", body, MAX_SOLVE_RUNS, deal, response, work)

    @r.post("/frontier", status_code=202, summary="start a frontier: Pareto set and zone of agreement")
    def start_frontier(body: FrontierIn, response: Response) -> dict[str, Any]:
        deal, pipe = _common(body)
        runs = check_frontier(body, deal, pipe)

        def work(progress: Callable[[int], None]) -> dict[str, Any]:
            return frontier_json(frontier(deal, pipeline=pipe, vary=body.vary, objectives=body.objectives,
                                          constraints=body.constraints, reservation=body.reservation,
                                          positions=body.positions, paths=body.paths, seed=body.seed,
                                          sample=body.sample, sampler=body.sampler,
                                          drivers=body.drivers, discount_rate=body.discount_rate,
                                          on_task=lambda _t: progress(1)))

        return start("frontier", body, runs * -(-(body.paths or 1) // BLOCK), deal, response, work)

    for kind in KINDS:
        status, cancel = _job_routes(jobs, kind, mine)
        r.add_api_route(f"/{kind}/{{job_id}}", status, methods=["GET"], name=f"{kind}_status",
                        summary=f"a {kind} job's progress, and its result when done")
        r.add_api_route(f"/{kind}/{{job_id}}", cancel, methods=["DELETE"], name=f"{kind}_cancel",
                        summary=f"cancel a {kind} job")


def _job_routes(jobs: Jobs, kind: str, mine: Callable[[str, str], None]
                ) -> tuple[Callable[[str], dict[str, Any]], Callable[[str], dict[str, Any]]]:
    """``GET`` and ``DELETE`` for one kind: a job of another kind is 404 here."""

    def status(job_id: JobId) -> dict[str, Any]:
        mine(kind, job_id)
        return {**jobs.get(job_id).as_json(), "kind": kind}

    def cancel(job_id: JobId) -> dict[str, Any]:
        mine(kind, job_id)
        return {**jobs.cancel(job_id).as_json(), "kind": kind}

    return status, cancel
