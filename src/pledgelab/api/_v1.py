"""``/v1``: the HTTP API that computes (the same FastAPI application as the ledger).

* ``GET /v1/deals``: the shipped deals and scenarios; ``GET /v1/deals/{id}``: every
  clause with its value, unit, status, sources, and for a scenario the value it replaced.
* ``POST /v1/runs``: one deterministic run of a deal (``overrides`` allowed) over a
  pipeline: outcomes by party, deal-level outcomes and cash flows by year.
* ``POST /v1/compare``: deals side by side, or one deal with a ``sweep`` of one clause.
* ``POST /v1/simulations``: **202** and a job id; ``GET /v1/simulations/{id}`` gives the
  progress (paths done, monotone) and, when done, the summary and the fans (the same
  tables as ``pledgelab simulate``, so the same seed gives the CLI's numbers);
  ``DELETE`` cancels. Jobs run in a bounded pool (``workers`` threads, ``queue`` waiting):
  a full pool answers **429** with ``Retry-After``. Results are cached by a digest of the
  deal and its overrides, the pipeline, the paths, the seed and the drivers.

Overrides are ``{clause path: value}`` or ``{clause path: {value, reason}}``, read and
checked by the term-sheet reader (:func:`pledgelab.terms.apply_overrides`); a bad one is
**422** naming ``overrides.<path>``. Every handler calls the library; nothing is
computed here.

References
----------
PolicyEngine API: economy jobs with ``computing``/``ok``/``error`` and results cached under
a hash of the options (policyengine_api/services/economy_service.py).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Path, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pledgelab._cited import Located, shipped
from pledgelab._errors import InputError, NotFoundError, Problem
from pledgelab._limits import LIMITS
from pledgelab.analysis import STICKING_POINTS, SimulationResult, compare, npv_attribution, simulate
from pledgelab.drivers import load_drivers
from pledgelab.engine import run
from pledgelab.macro.safeguard import Safeguard
from pledgelab.metrics import cash_flows, deal_outcome, default_discount_rate, party_outcomes
from pledgelab.pipeline import Pipeline, default_pipeline, load_pipeline
from pledgelab.report import as_json, fan_table, simulation_summary
from pledgelab.terms import (
    MAX_SWEEP,
    Clause,
    Status,
    TermSheet,
    apply_overrides,
    load_deal,
    override,
    sweep,
)

MAX_PATHS = 20_000  # paths per simulation request
MAX_OVERRIDES = 64
MAX_DEALS = 8
NAME = r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,119}$"
DealId = Annotated[str, Path(max_length=120, pattern=NAME)]
Name = Annotated[str, Field(max_length=120, pattern=NAME)]
ClausePath = Annotated[str, Field(max_length=120)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunIn(_Body):
    """A deal (shipped id), its overrides, the pipeline and the discount rate."""

    deal: Name
    pipeline: Name | None = Field(None, description="shipped pipeline id (default: the investor's)")
    overrides: dict[ClausePath, Any] = Field(
        default_factory=dict, max_length=MAX_OVERRIDES,
        description="clause path -> value, or -> {value, reason}; e.g. {\"timeline.annual_cap\": 15e9}")
    discount_rate: float | None = Field(None, ge=-0.5, le=1.0, allow_inf_nan=False,
                                        description="per year (default: the deal's deemed benchmark)")
    by: Literal["month", "quarter", "year"] = "year"


class SweepIn(_Body):
    path: ClausePath
    values: list[Any] = Field(min_length=2, max_length=MAX_SWEEP)


class CompareIn(_Body):
    """Deals side by side (``deals``), or one deal and a ``sweep`` of one clause."""

    deals: list[Name] = Field(min_length=1, max_length=MAX_DEALS)
    pipeline: Name | None = None
    overrides: dict[ClausePath, Any] = Field(default_factory=dict, max_length=MAX_OVERRIDES)
    sweep: SweepIn | None = None
    discount_rate: float | None = Field(None, ge=-0.5, le=1.0, allow_inf_nan=False)


class SimulationIn(_Body):
    """A Monte Carlo simulation: the same arguments as ``pledgelab simulate``."""

    deal: Name
    pipeline: Name | None = None
    overrides: dict[ClausePath, Any] = Field(default_factory=dict, max_length=MAX_OVERRIDES)
    paths: int = Field(1_000, ge=1, le=MAX_PATHS)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    drivers: Name = "default"
    chunk_size: int = Field(256, ge=1, le=MAX_PATHS)
    discount_rate: float | None = Field(None, ge=-0.5, le=1.0, allow_inf_nan=False)
    fan: list[Name] = Field(default_factory=list, max_length=8, description="parties whose fan to return")
    fx_feedback: bool | Name = Field(False, description="make the FX-safeguard clause live: true for the "
                                     "investor's shipped safeguard, or a shipped safeguard id")
    fx_impact: float | None = Field(None, ge=LIMITS["fx_impact"].low, le=LIMITS["fx_impact"].high,
                                    allow_inf_nan=False,
                                    description="with fx_feedback: the currency's response to $1B of "
                                    "dollar demand, log-points (default: the safeguard file's); as "
                                    "`pledgelab simulate --fx-impact`")
    fx_reading: Literal["level", "forward"] | None = Field(
        None, description="with fx_feedback: the indicator's reading, level or forward (default: the "
        "safeguard file's); as `pledgelab simulate --fx-reading`")
    workforce_policy: Name | None = Field(None, description="add workforce delays under a shipped visa "
                                          "policy (e.g. post-raid-2025); the result then also has "
                                          "`workforce_attribution`, from a second run of the same paths "
                                          "without them, as `pledgelab simulate --workforce-policy`")

    @field_validator("workforce_policy")
    @classmethod
    def _shipped_policy(cls, v: str | None) -> str | None:
        known = list(shipped("workforce/policies"))
        if v is not None and v not in known:
            raise ValueError(f"{v!r} is not a shipped workforce policy ({', '.join(known)})")
        return v

    @field_validator("fx_feedback")
    @classmethod
    def _shipped_safeguard(cls, v: bool | str) -> bool | str:
        known = list(shipped("safeguard"))
        if isinstance(v, str) and v not in known:
            raise ValueError(f"{v!r} is not a shipped safeguard ({', '.join(known)})")
        return v


# -- what the library returns, as JSON ----------------------------------------------------------

def _num(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _value(v: Any) -> Any:
    if isinstance(v, tuple) and v and hasattr(v[0], "shares"):
        return [{"shares": dict(t.shares), "until": t.until} for t in v]
    if isinstance(v, tuple | list):
        return [_value(x) for x in v]
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return _num(v)


def clause_json(c: Clause) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": c.path.removeprefix("clauses."), "value": _value(c.value), "unit": c.unit,
        "label": c.label, "status": c.status.value,
        "references": [{"title": r.title, "url": r.url, "date": r.date.isoformat() if r.date else None}
                       for r in c.references],
        "reason": " ".join(c.reason.split()) if c.reason else None,
        "alternatives": [{"value": _value(a.value), "label": a.label} for a in c.alternatives],
    }
    if c.status is Status.SCENARIO and c.history:
        h = c.history[-1]
        out["replaced"] = {"value": _value(h.value), "note": h.note}
    return out


def deal_json(d: TermSheet, *, clauses: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": d.id, "title": d.title, "kind": d.kind, "base": d.base,
                           "as_of": d.as_of.isoformat(), "investor": d.investor, "host": d.host,
                           "headline_usd": _num(float(d.value("amount.headline")))}
    if clauses:
        out["summary"] = d.summary
        out["parties"] = {k: {"name": p.name, "role": p.role} for k, p in d.parties.items()}
        out["clauses"] = [clause_json(c) for c in d.all_clauses()]
    else:
        out["scenario_clauses"] = [c.path.removeprefix("clauses.") for c in d.all_clauses()
                                   if c.status is Status.SCENARIO]
    return out


def _overrides(deal: TermSheet, given: dict[str, Any]) -> TermSheet:
    """``deal`` with the body's overrides, problems naming ``overrides.<path>``."""
    if not given:
        return deal
    ovs = []
    for path, spec in given.items():
        where = Located("request", 0, f"overrides.{path}")
        if isinstance(spec, dict) and "value" in spec and set(spec) <= {"value", "reason"}:
            reason = spec.get("reason")
            if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
                raise InputError([where.problem("reason must be text of at most 2000 characters")])
            ovs.append(override(path, spec["value"], reason=reason or "set in an API request", where=where))
        else:
            ovs.append(override(path, spec, reason="set in an API request", where=where))
    return apply_overrides(deal, ovs)


def _shipped_deal(name: str) -> TermSheet:
    """A shipped deal or scenario by id; over HTTP a name is never a path (the server's files are
    not the client's: nothing is opened, and the message is the same whatever exists)."""
    known = [*shipped("deals"), *shipped("scenarios")]
    if name not in known:
        raise NotFoundError([Problem("request", 0, "deal", f"{name[:60]!r} is not a shipped deal or "
                                     f"scenario id; known: {', '.join(known)}")])
    return load_deal(name)


def _pipeline(deal: TermSheet, name: str | None) -> Pipeline:
    if name:
        if name not in shipped("pipelines"):  # never a path over HTTP
            raise NotFoundError([Problem("request", 0, "pipeline", f"{name[:60]!r} is not a shipped "
                                         f"pipeline id; known: {', '.join(shipped('pipelines'))}")])
        return load_pipeline(name)
    pipe = default_pipeline(deal.investor)
    if pipe is None:
        raise InputError([Problem("request", 0, "pipeline", "no shipped pipeline is the default for "
                                  f"investor {deal.investor}; give one")])
    return pipe


def run_json(body: RunIn) -> dict[str, Any]:
    """``POST /v1/runs``: :func:`pledgelab.run`, :func:`party_outcomes`, :func:`deal_outcome`,
    :func:`cash_flows`."""
    deal = _overrides(_shipped_deal(body.deal), body.overrides)
    pipe = _pipeline(deal, body.pipeline)
    rate = default_discount_rate(deal) if body.discount_rate is None else body.discount_rate
    res = run(deal, pipe)
    out = deal_outcome(res, discount_rate=rate)
    flows = cash_flows(res, by=body.by)
    return {
        "deal": deal_json(deal, clauses=False), "pipeline": pipe.id, "discount_rate": rate,
        "parties": [{"party": o.party, "role": deal.parties[o.party].role, "contributed_usd": o.contributed,
                     "received_usd": o.received, "net_usd": o.net, "npv_usd": _num(o.npv),
                     "irr": _num(o.irr), "irr_reason": o.irr_reason, "moic": _num(o.moic),
                     "payback": o.payback, "share_of_distributions": _num(o.share_of_distributions),
                     "returns_usd": o.returns, "share_of_total_returns": _num(o.share_of_total_returns)}
                    for o in party_outcomes(res, discount_rate=rate)],
        "outcome": {"deemed_rate": out.deemed_rate, "daa_recovered": out.daa_recovered,
                    "daa_unrecovered_waterfalls": out.daa_unrecovered, "waterfalls": out.waterfalls,
                    "review_triggered_waterfalls": out.review_triggered, "first_review": out.first_review,
                    "investor_calls_by_year_usd": {str(y): v for y, v in out.investor_calls_by_year.items()},
                    "projects": out.projects},
        "cash_flows": {"by": flows.by, "periods": list(flows.periods),
                       "starts": [s.isoformat() for s in flows.starts],
                       "rows": [{"party": r.party, "kind": r.kind, "clauses": list(r.clauses),
                                 "total_usd": r.total, "values_usd": [float(v) for v in r.values]}
                                for r in flows.rows]},
    }


def compare_json(body: CompareIn) -> dict[str, Any]:
    """``POST /v1/compare``: :func:`pledgelab.compare` over the deals or the sweep's variants."""
    deals = [_overrides(_shipped_deal(n), body.overrides) for n in body.deals]
    if body.sweep is not None:
        if len(deals) != 1:
            raise InputError([Problem("request", 0, "sweep", "a sweep takes one deal (the base)")])
        where = Located("request", 0, f"sweep.{body.sweep.path}")
        deals = sweep(deals[0], [override(body.sweep.path, v, reason="swept in an API request", where=where)
                                 for v in body.sweep.values])
    if len({d.investor for d in deals}) > 1 and not body.pipeline:
        raise InputError([Problem("request", 0, "pipeline", "the deals have different investors; "
                                  "give one pipeline for all")])
    pipe = _pipeline(deals[0], body.pipeline)
    cols = compare(deals, pipe, discount_rate=body.discount_rate)
    return {"pipeline": pipe.id, "sticking_points": list(STICKING_POINTS), "columns": [
        {"deal": deal_json(c.deal, clauses=False), "points": c.points,
         "clauses_assumed": c.assumed, "clauses_disputed": c.disputed,
         "discount_rate": c.outcome.discount_rate,
         "parties": [{"party": o.party, "role": c.deal.parties[o.party].role,
                      "contributed_usd": o.contributed, "received_usd": o.received, "net_usd": o.net,
                      "npv_usd": _num(o.npv), "irr": _num(o.irr), "irr_reason": o.irr_reason,
                      "moic": _num(o.moic), "payback": o.payback,
                      "share_of_distributions": _num(o.share_of_distributions),
                      "returns_usd": o.returns,
                      "share_of_total_returns": _num(o.share_of_total_returns)} for o in c.parties],
         "peak_calendar_year_funding_usd": max(c.outcome.investor_calls_by_year.values(), default=0.0),
         "daa_recovered": c.outcome.daa_recovered, "waterfalls": c.outcome.waterfalls,
         "review_triggered_waterfalls": c.outcome.review_triggered}
        for c in cols]}


def simulation_json(res: SimulationResult, fans: list[str],
                    without: SimulationResult | None = None) -> dict[str, Any]:
    """The summary table and the fans, exactly as ``pledgelab simulate --format json`` gives them;
    with ``without`` (the same paths without the workforce delays) the workforce attribution."""
    tables = [simulation_summary(res)] + [fan_table(res, p) for p in fans]
    summary = as_json(tables[:1])[0]
    out = {"summary": summary, "fans": {p: t for p, t in zip(fans, as_json(tables[1:]), strict=True)}}
    # The FX and workforce parts of the summary (its rows and notes), when they were live.
    if res.fx is not None:
        cur = res.fx.currency
        out["fx"] = {"currency": cur, "rows": [r for r in summary["rows"] if r[0] == cur],
                     "notes": [n for n in summary["notes"] if cur in n or "safeguard" in n.lower()],
                     "impact": res.fx.impact}
    if res.workforce is not None:
        out["workforce"] = {"policy": res.workforce.policy,
                            "rows": [r for r in summary["rows"] if r[0] == "workforce"],
                            "notes": [n for n in summary["notes"] if n.startswith("Workforce policy")]}
        if without is not None:
            out["workforce_attribution"] = workforce_attribution_json(res, without)
    return out


def workforce_attribution_json(with_wf: SimulationResult, without: SimulationResult) -> dict[str, Any]:
    """What the workforce delays do to each party's NPV: :func:`pledgelab.analysis.npv_attribution` of
    the same paths with and without them (the rows of ``pledgelab simulate --workforce-policy``'s
    attribution table)."""
    assert with_wf.workforce is not None
    return {"policy": with_wf.workforce.policy, "paths": with_wf.paths,
            "columns": ["party", "mean_npv_without_usd", "mean_npv_with_usd", "mean_change_usd",
                        "p5_change_usd", "p95_change_usd", "share_of_npv_spread"],
            "rows": [[a.party, a.mean_without, a.mean_with, a.mean_change, a.p5_change, a.p95_change,
                      _num(a.spread_share)]
                     for a in npv_attribution(with_wf.parties, npv_with=with_wf.npv,
                                              npv_without=without.npv)]}


# -- simulation jobs ----------------------------------------------------------------------------

class _Cancelled(Exception):
    pass


@dataclass(slots=True)
class Job:
    """A simulation job: its state, progress and result."""

    id: str
    digest: str
    paths: int
    status: str = "queued"  # queued | running | done | cancelled | error
    done_paths: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status,
                               "progress": {"paths_done": self.done_paths, "paths": self.paths,
                                            "fraction": self.done_paths / self.paths if self.paths else 1.0}}
        if self.error:
            out["error"] = self.error
        if self.result is not None:
            out["result"] = self.result
        return out


class Jobs:
    """A bounded pool of simulation jobs: ``workers`` run, ``queue`` wait, more are refused."""

    def __init__(self, *, workers: int = 2, queue: int = 4, keep: int = 64) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.keep = keep
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pledgelab-sim")
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.by_digest: dict[str, str] = {}
        self.lock = threading.Lock()

    def active(self) -> int:
        return sum(1 for j in self.jobs.values() if j.status in ("queued", "running"))

    def submit(self, digest: str, paths: int, work: Any) -> tuple[Job, bool]:
        """The job for ``digest`` (cached, or new and queued); False as second value if cached."""
        with self.lock:
            known = self.by_digest.get(digest)
            if known is not None and self.jobs[known].status in ("queued", "running", "done"):
                return self.jobs[known], False
            if self.active() >= self.capacity:
                raise HTTPException(429, f"the simulation pool is full ({self.capacity} jobs); retry later",
                                    headers={"Retry-After": "5"})
            job = Job(id=uuid.uuid4().hex, digest=digest, paths=paths)
            self.jobs[job.id] = job
            self.by_digest[digest] = job.id
            self._evict()
        self.pool.submit(self._run, job, work)
        return job, True

    def _evict(self) -> None:
        finished = [k for k, j in self.jobs.items() if j.status not in ("queued", "running")]
        for k in finished[: max(0, len(self.jobs) - self.keep)]:
            j = self.jobs.pop(k)
            if self.by_digest.get(j.digest) == k:
                del self.by_digest[j.digest]

    def _run(self, job: Job, work: Any) -> None:
        if job.cancel.is_set():
            job.status = "cancelled"
            return
        job.status = "running"

        def progress(n: int) -> None:
            job.done_paths = min(job.paths, job.done_paths + n)
            if job.cancel.is_set():
                raise _Cancelled

        try:
            job.result = work(progress)
            job.done_paths = job.paths
            job.status = "done"
        except _Cancelled:
            job.status = "cancelled"
        except InputError as exc:
            job.status, job.error = "error", "; ".join(str(p) for p in exc.problems)
        except Exception as exc:  # a job's failure is its status, never a crashed server
            job.status, job.error = "error", f"{type(exc).__name__}: {exc}"

    def get(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no simulation job {job_id!r}")
        return job

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.status in ("queued", "running"):
            job.cancel.set()
            if job.status == "queued":
                job.status = "cancelled"
        return job


def digest(body: SimulationIn, deal: TermSheet) -> str:
    """The cache key of a simulation: the deal's clauses (overrides included), the pipeline,
    paths, seed, drivers, chunk size, discount rate, fans, FX feedback and workforce policy, and
    pledgelab's version."""
    from pledgelab._version import __version__

    clauses = [(c.path, repr(_value(c.value))) for c in deal.all_clauses()]
    key = json.dumps({"deal": deal.id, "clauses": clauses, "pipeline": body.pipeline, "paths": body.paths,
                      "seed": body.seed, "drivers": body.drivers, "chunk": body.chunk_size,
                      "rate": body.discount_rate, "fan": body.fan, "fx": body.fx_feedback,
                      "fx_impact": body.fx_impact, "fx_reading": body.fx_reading,
                      "workforce": body.workforce_policy,
                      "version": __version__},
                     sort_keys=True, default=str)
    return hashlib.sha256(key.encode()).hexdigest()


def _safeguard(deal: TermSheet, given: bool | str, impact: float | None = None,
               reading: str | None = None) -> Safeguard | None:
    """The safeguard of ``fx_feedback`` (true: the investor's shipped one), at ``impact`` if given,
    checked against the deal as ``pledgelab simulate --fx-feedback --fx-impact`` checks it; a 422
    naming ``fx_feedback`` (or ``fx_impact``) if it cannot apply."""
    from pledgelab.macro.safeguard import load_safeguard, safeguard_for

    if given is False:
        if impact is not None:
            raise InputError([Problem("request", 0, "fx_impact", "fx_impact needs fx_feedback")])
        if reading is not None:
            raise InputError([Problem("request", 0, "fx_reading", "fx_reading needs fx_feedback")])
        return None
    sg = safeguard_for(deal.investor) if given is True else load_safeguard(str(given))
    if sg is None:
        raise InputError([Problem("request", 0, "fx_feedback",
                                  f"no shipped safeguard for investor {deal.investor}")])
    if impact is not None:
        try:
            sg = sg.with_impact(impact)
        except ValueError as exc:
            raise InputError([Problem("request", 0, "fx_impact", str(exc))]) from None
    if reading is not None:
        sg = sg.with_reading(reading)
    try:
        sg.rule(deal)
    except ValueError as exc:
        field = "fx_reading" if reading else "fx_feedback"
        raise InputError([Problem("request", 0, field, str(exc))]) from None
    return sg


# -- routes -------------------------------------------------------------------------------------

def add_v1(app: FastAPI, *, workers: int = 2, queue: int = 4) -> Jobs:
    """Add the ``/v1`` routes to ``app``; returns the simulation pool (``app.state.jobs``)."""
    jobs = Jobs(workers=workers, queue=queue)
    app.state.jobs = jobs
    r = APIRouter(prefix="/v1", tags=["compute"])

    @r.get("/deals", summary="the shipped deals and scenarios")
    def deals() -> dict[str, Any]:
        return {"items": [deal_json(load_deal(n), clauses=False)
                          for n in [*shipped("deals"), *shipped("scenarios")]]}

    @r.get("/deals/{deal_id}", summary="one deal or scenario: every clause with status and sources")
    def deal(deal_id: DealId) -> dict[str, Any]:
        return deal_json(_shipped_deal(deal_id), clauses=True)

    @r.post("/runs", summary="a deterministic run: outcomes by party and cash flows by period")
    def runs(body: RunIn) -> dict[str, Any]:
        return run_json(body)

    @r.post("/compare", summary="deals side by side, or one clause swept")
    def compare_(body: CompareIn) -> dict[str, Any]:
        return compare_json(body)

    @r.post("/simulations", status_code=202, summary="start a Monte Carlo simulation (202 and a job id)")
    def start(body: SimulationIn, response: Response) -> dict[str, Any]:
        d = _overrides(_shipped_deal(body.deal), body.overrides)
        pipe = _pipeline(d, body.pipeline)
        model = load_drivers(body.drivers)  # a wrong id is a 404 now, not a failed job later
        for p in body.fan:
            if p not in d.parties:
                raise InputError([Problem("request", 0, "fan", f"{p!r} is not a party of {d.id}")])
        fx = _safeguard(d, body.fx_feedback, body.fx_impact, body.fx_reading)
        # With a workforce policy, a second run of the same paths without it (as the CLI does):
        # the progress counts both runs.
        policies = [body.workforce_policy, None] if body.workforce_policy else [None]

        def work(progress: Any) -> dict[str, Any]:
            done = [simulate(d, pipeline=pipe, paths=body.paths, seed=body.seed, drivers=model,
                             chunk_size=body.chunk_size, discount_rate=body.discount_rate, fx_feedback=fx,
                             workforce_policy=policy, on_chunk=progress) for policy in policies]
            return simulation_json(done[0], body.fan, done[1] if len(done) == 2 else None)

        job, new = jobs.submit(digest(body, d), body.paths * len(policies), work)
        response.headers["Location"] = f"/v1/simulations/{job.id}"
        return {**job.as_json(), "cached": not new, "links": {"self": f"/v1/simulations/{job.id}"}}

    @r.get("/simulations/{job_id}", summary="a simulation's progress, and its result when done")
    def status(job_id: Annotated[str, Path(max_length=64, pattern=r"^[0-9a-f]{1,64}$")]) -> dict[str, Any]:
        return jobs.get(job_id).as_json()

    @r.delete("/simulations/{job_id}", summary="cancel a simulation")
    def cancel(job_id: Annotated[str, Path(max_length=64, pattern=r"^[0-9a-f]{1,64}$")]) -> dict[str, Any]:
        return jobs.cancel(job_id).as_json()

    from pledgelab.api._analyses import add_analyses  # sensitivity, solve, frontier: the same pool

    add_analyses(r, jobs)
    app.include_router(r)
    return jobs


def add_docs(app: FastAPI) -> None:
    """Swagger UI at ``/docs`` and ReDoc at ``/redoc`` from the assets the ``fastapi-offline``
    package ships (no CDN: the pages work with no network). The app must be created with
    ``docs_url=None, redoc_url=None``."""
    from importlib import resources

    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    try:
        static = resources.files("fastapi_offline") / "static"
    except ModuleNotFoundError:
        @app.get("/docs", include_in_schema=False)
        def no_docs() -> HTMLResponse:
            return HTMLResponse("<p>The API docs need the [web] extra: pip install 'pledgelab[web]' "
                                "(fastapi-offline). The spec is at <a href='/openapi.json'>/openapi.json"
                                "</a>.", status_code=503)
        return
    app.mount("/static-docs", StaticFiles(directory=str(static)), name="static-docs")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title}: API",
                                   swagger_js_url="/static-docs/swagger-ui-bundle.js",
                                   swagger_css_url="/static-docs/swagger-ui.css",
                                   swagger_favicon_url="/static-docs/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title=f"{app.title}: API",
                              redoc_js_url="/static-docs/redoc.standalone.js",
                              redoc_favicon_url="/static-docs/favicon.png", with_google_fonts=False)
