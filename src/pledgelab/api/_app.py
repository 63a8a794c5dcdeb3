"""The HTTP API of the ledger (FastAPI; the OpenAPI spec is served at ``/openapi.json``, docs at ``/docs``).

* Reads are open; writes need ``Authorization: Bearer <token>`` of an
  ``editor`` (records) or ``admin`` (tokens); the audit log needs a ``viewer``.
  Tokens are stored as SHA-256 digests only.
* Every write is one transaction with its audit entry (who, when, before, after).
* Edits carry the ``version`` they were read at: a stale one gets **409**, so
  two writers never silently overwrite each other.
* A write that breaks a clause of the deal gets **422** with the clause and
  its citation, unless the body gives an ``override`` reason, which is stored.
* Listings are paginated (``limit`` ≤ 500, ``offset``); bodies are limited to
  ``max_body`` bytes (**413** beyond).
"""


import datetime as dt
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from pledgelab._errors import InputError
from pledgelab.api._busy import bound_busy_wait, busy_response
from pledgelab.api._models import BODIES, PATCHES, TokenIn
from pledgelab.api._v1 import add_docs, add_v1
from pledgelab.ledger import (
    BY_MONEY,
    ROLES,
    TRANSITIONS,
    ClaimCheck,
    Conflict,
    Funnel,
    Ledger,
    NotFound,
    RuleViolation,
    claim_review,
    claims_check,
    default_as_of,
    status_report,
    timeline,
)
from pledgelab.web import add_workbench

MAX_BODY = 256 * 1024
MAX_PAGE = 500
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

RecordId = Annotated[str, Path(max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="records per page")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="records to skip")]
Filter = Annotated[str | None, Query(max_length=80, pattern=r"^[A-Za-z0-9._-]+$")]


class BodyLimit:
    """Refuse request bodies over ``max_body`` bytes with 413, declared or streamed."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            response = JSONResponse({"detail": f"request body over {self.max_body} bytes"}, status_code=413)
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, f"request body over {self.max_body} bytes")
            return message

        await self.app(scope, limited, send)


def _page(page: Any, request: Request) -> dict[str, Any]:
    nxt = None
    if page.offset + page.limit < page.total:
        nxt = str(request.url.include_query_params(offset=page.offset + page.limit, limit=page.limit))
    return {"items": page.items, "total": page.total, "limit": page.limit, "offset": page.offset,
            "next": nxt}


def _funnel(f: Funnel) -> dict[str, Any]:
    return {"pledge": f.pledge, "country": f.country, "as_of": f.as_of.isoformat(),
            "announced": f.announced.isoformat() if f.announced else None,
            "announced_by_then": f.announced_by_then, "headline_usd": f.headline,
            "currency": f.currency, "price_year": f.price_year,
            "period_start": f.period_start.isoformat() if f.period_start else None,
            "period_end": f.period_end.isoformat() if f.period_end else None,
            "parts": [{"label": p.label, "component": p.component, "amount_usd": p.amount,
                       "bound": p.bound, "mechanism": p.mechanism, "measurable": p.measurable,
                       "not_measurable_because": p.mechanism_reason if not p.measurable else None,
                       "called_usd": p.called, "at_work_usd": p.at_work,
                       "at_work_share": p.at_work_share} for p in f.parts],
            "measurable_base_usd": f.measurable_base, "at_work_usd": f.at_work,
            "at_work_share": f.at_work_share,
            "counts": f.counts, "amounts_usd": f.amounts, "firm_usd": f.firm,
            "up_to_or_at_least_usd": f.bounded, "ceilings_included": f.ceilings,
            "called_usd": f.called, "disbursed_usd": f.disbursed, "distributed_usd": f.distributed,
            "missing_amounts": f.missing_amounts, "estimated_amounts": f.estimated_amounts,
            "excluded_as_double_counted_usd": f.excluded,
            "previously_planned_usd": f.previously_planned,
            "related_fdi_usd": f.related_fdi, "related_fdi_count": f.related_fdi_count,
            "related_fdi_planned_before_usd": f.related_fdi_planned_before,
            "weak_sources": list(f.weak_sources)}


def _check(c: ClaimCheck) -> dict[str, Any]:
    return {**c.claim, "ledger_value_usd": c.ledger_value, "ledger_basis": c.ledger_basis,
            "compared": list(c.compared)}


def create_app(ledger: Ledger | str | None = None, *, max_body: int = MAX_BODY, sim_workers: int = 2,
               sim_queue: int = 4) -> FastAPI:
    """The API over ``ledger`` (a :class:`Ledger`, a database URL, or the default ledger), with the
    ``/v1`` routes that compute (:mod:`pledgelab.api._v1`; ``sim_workers`` simulations run at once,
    ``sim_queue`` wait) and the docs served from local assets (``/docs``, ``/redoc``)."""
    led = ledger if isinstance(ledger, Ledger) else Ledger(ledger)
    app = FastAPI(title="pledgelab ledger", version="1", docs_url=None, redoc_url=None,
                  description="Sovereign investment pledges: pledged vs selected vs funded vs built, "
                              "every record with its sources. Reads are open; writes need a bearer token. "
                              "/v1 computes: deals, runs, comparisons and simulation jobs.")
    app.state.ledger = led
    bound_busy_wait(led.engine)  # a write waits a few seconds for the lock, then 503 + Retry-After
    app.add_exception_handler(OperationalError, busy_response)
    bearer = HTTPBearer(auto_error=False)

    def who(role: str) -> Callable[..., str]:
        rank = {r: i for i, r in enumerate(ROLES)}  # ROLES runs from least to most

        def check(cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
            if cred is None or cred.scheme.lower() != "bearer":
                raise HTTPException(401, "a bearer token is required",
                                    headers={"WWW-Authenticate": "Bearer"})
            found = led.identify(cred.credentials)
            if found is None:
                raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
            name, have = found
            if rank[have] < rank[role]:
                raise HTTPException(403, f"needs the {role} role; this token is {have}")
            return name
        return check

    Viewer = Annotated[str, Depends(who("viewer"))]
    Editor = Annotated[str, Depends(who("editor"))]
    Admin = Annotated[str, Depends(who("admin"))]

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # The input is not echoed back: it may not even be valid JSON (NaN, Infinity).
        return JSONResponse({"detail": [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")),
                                         "type": str(e.get("type", ""))} for e in exc.errors()]},
                            status_code=422)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> JSONResponse:
        if isinstance(exc, NotFound):
            return JSONResponse({"detail": str(exc.problems[0].message)}, status_code=404)
        if isinstance(exc, Conflict):
            return JSONResponse({"detail": exc.problems[0].message}, status_code=409)
        if isinstance(exc, RuleViolation):
            return JSONResponse({"detail": "the write breaks a rule of the deal; give an 'override' "
                                           "reason to record it anyway",
                                 "violations": [v.as_dict() for v in exc.violations]}, status_code=422)
        return JSONResponse({"detail": [{"field": p.field, "message": p.message} for p in exc.problems]},
                            status_code=422)

    add_workbench(app)  # the web workbench at / (pledgelab.web); what this API is: /api

    @app.get("/api", summary="what this is")
    def root() -> dict[str, Any]:
        return {"name": "pledgelab ledger", "release": led.release(), "docs": "/docs",
                "openapi": "/openapi.json"}

    @app.get("/healthz", summary="liveness")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    listings = {"pledges": ("pledge", ()), "milestones": ("milestone", ("pledge_id",)),
                "tranches": ("tranche", ("pledge_id",)),
                "projects": ("project", ("pledge_id", "status", "state", "sector", "relation")),
                "calls": ("call", ("project_id",)), "claims": ("claim", ("pledge_id", "project_id")),
                "links": ("link", ()), "sources": ("source", ()), "headlines": ("headline", ("pledge_id",))}

    for path, (kind, filters) in listings.items():
        _add_listing(app, led, path, kind, filters)

    @app.get("/pledges/{pledge_id}", summary="one pledge with its milestones, tranches and claims")
    def get_pledge(pledge_id: RecordId) -> dict[str, Any]:
        out = led.get("pledge", pledge_id)
        for key, kind in (("milestones", "milestone"), ("tranches", "tranche"), ("claims", "claim")):
            out[key] = led.list(kind, filters={"pledge_id": pledge_id}, limit=MAX_PAGE).items
        return out

    @app.get("/pledges/{pledge_id}/report",
             summary="measurable base and at work by component, the funnel over time, and the claims")
    def pledge_report(pledge_id: RecordId, ceilings: bool = True) -> dict[str, Any]:
        steps = timeline(led, pledge_id, ceilings=ceilings)
        now = next(f for f in status_report(led, ceilings=ceilings) if f.pledge == pledge_id)
        return {"pledge": pledge_id, "now": _funnel(now), "timeline": [_funnel(f) for f in steps],
                "claims": [_check(c) for c in claims_check(led, pledge_id)]}

    @app.get("/report", summary="every pledge on a date (default: the newest record's date)")
    def report(as_of: dt.date | None = None, ceilings: bool = True) -> dict[str, Any]:
        if as_of is not None and not dt.date(1900, 1, 1) <= as_of <= dt.date(2200, 1, 1):
            raise HTTPException(422, "as_of must be between 1900 and 2200")
        when = as_of or default_as_of(led)
        return {"as_of": when.isoformat(), "ceilings_included": ceilings, "release": led.release(),
                "pledges": [_funnel(f) for f in status_report(led, when, ceilings=ceilings)]}

    @app.get("/statuses", summary="the one table of allowed status changes")
    def statuses() -> dict[str, Any]:
        return {"transitions": {k: list(v) for k, v in TRANSITIONS.items()}, "set_by_money": BY_MONEY}

    @app.get("/claims/checked", summary="claims with their verdicts, each beside the ledger's value "
                                        "for its measure and scope on the day it was made")
    def claims_checked(pledge_id: Filter = None) -> dict[str, Any]:
        return {"items": [_check(c) for c in claims_check(led, pledge_id)]}

    @app.get("/claims/review", summary="claims with verdicts as schema.org ClaimReview JSON-LD")
    def claims_review(pledge_id: Filter = None) -> list[dict[str, Any]]:
        return [claim_review(c) for c in claims_check(led, pledge_id) if c.claim.get("verdict")]

    @app.get("/claims/{record_id}/review", summary="one claim as schema.org ClaimReview JSON-LD")
    def claim_review_one(record_id: RecordId) -> dict[str, Any]:
        led.get("claim", record_id)  # 404 if unknown
        return claim_review(next(c for c in claims_check(led) if c.claim["id"] == record_id))

    @app.get("/projects/{project_id}", summary="a project with amounts, history, calls and claims")
    def get_project(project_id: RecordId) -> dict[str, Any]:
        return led.project_detail(project_id)

    for kind in ("call", "claim", "tranche"):
        _add_get(app, led, kind)

    @app.get("/audit", summary="the append-only audit log (viewer token)")
    def audit(request: Request, _who: Viewer, limit: Limit = 50, offset: Offset = 0,
              record_id: Filter = None) -> dict[str, Any]:
        return _page(led.audit(limit=limit, offset=offset, record_id=record_id), request)

    creates = {"pledges": "pledge", "milestones": "milestone", "tranches": "tranche",
               "projects": "project", "calls": "call", "claims": "claim", "links": "link",
               "sources": "source"}
    for path, kind in creates.items():
        _add_create(app, led, f"/{path}", kind, Editor)
    _add_child(app, led, "/projects/{parent_id}/status", "status", "project_id", Editor)
    _add_child(app, led, "/calls/{parent_id}/disbursements", "disbursement", "call_id", Editor)
    _add_child(app, led, "/projects/{parent_id}/distributions", "distribution", "project_id", Editor)
    _add_child(app, led, "/projects/{parent_id}/amounts", "amount", "project_id", Editor)
    _add_child(app, led, "/pledges/{parent_id}/headlines", "headline", "pledge_id", Editor)
    for path, kind in (("pledges", "pledge"), ("projects", "project"), ("claims", "claim"),
                       ("tranches", "tranche")):
        _add_patch(app, led, path, kind, Editor)

    @app.post("/tokens", status_code=201, summary="create a bearer token (admin); shown once")
    def create_token(body: TokenIn, who_: Admin) -> dict[str, str]:
        return {"name": body.name, "role": body.role,
                "token": led.create_token(name=body.name, role=body.role, actor=who_)}

    @app.delete("/tokens/{name}", status_code=204, summary="revoke a token (admin)")
    def revoke_token(name: RecordId, who_: Admin) -> None:
        led.revoke_token(name, actor=who_)

    add_v1(app, workers=sim_workers, queue=sim_queue)
    add_docs(app)
    app.add_middleware(BodyLimit, max_body=max_body)
    return app


def _add_listing(app: FastAPI, led: Ledger, path: str, kind: str, filters: tuple[str, ...]) -> None:
    def listing(request: Request, limit: Limit = 50, offset: Offset = 0, pledge_id: Filter = None,
                project_id: Filter = None, status: Filter = None, state: Filter = None,
                sector: Filter = None, relation: Filter = None) -> dict[str, Any]:
        given = {"pledge_id": pledge_id, "project_id": project_id, "status": status, "state": state,
                 "sector": sector, "relation": relation}
        wrong = [k for k, v in given.items() if v is not None and k not in filters]
        if wrong:
            raise HTTPException(422, f"{path} cannot be filtered by {', '.join(wrong)}")
        return _page(led.list(kind, filters={k: given[k] for k in filters}, limit=limit, offset=offset),
                     request)
    app.add_api_route(f"/{path}", listing, methods=["GET"], summary=f"list {path} (paginated)",
                      name=f"list_{path}")


def _add_get(app: FastAPI, led: Ledger, kind: str) -> None:
    def get_one(record_id: RecordId) -> dict[str, Any]:
        return led.get(kind, record_id)
    app.add_api_route(f"/{kind}s/{{record_id}}", get_one, methods=["GET"], summary=f"one {kind}",
                      name=f"get_{kind}")


def _add_create(app: FastAPI, led: Ledger, path: str, kind: str, Editor: Any) -> None:
    model = BODIES[kind]

    def create(body: BaseModel, who_: str) -> dict[str, Any]:
        data = body.model_dump(exclude_none=True)
        override = data.pop("override", None)
        if "amounts" in data:
            data["amounts"] = [{**a, "verified": a.get("verified") or data.get("verified"),
                                "sources": a.get("sources") or data.get("sources")}
                               for a in data["amounts"]]
        return led.add(kind, data, actor=who_, override=override)

    create.__annotations__ = {"body": model, "who_": Editor, "return": dict[str, Any]}
    app.add_api_route(path, create, methods=["POST"], status_code=201, summary=f"add a {kind} (editor)",
                      name=f"create_{kind}")


def _add_child(app: FastAPI, led: Ledger, path: str, kind: str, parent_key: str, Editor: Any) -> None:
    model = BODIES[kind]

    def create(parent_id: RecordId, body: BaseModel, who_: str) -> dict[str, Any]:
        data = body.model_dump(exclude_none=True)
        override = data.pop("override", None)
        data[parent_key] = parent_id
        return led.add(kind, data, actor=who_, override=override)

    create.__annotations__ = {"parent_id": RecordId, "body": model, "who_": Editor,
                              "return": dict[str, Any]}
    app.add_api_route(path, create, methods=["POST"], status_code=201, summary=f"add a {kind} (editor)",
                      name=f"create_{kind}")


def _add_patch(app: FastAPI, led: Ledger, path: str, kind: str, Editor: Any) -> None:
    model = PATCHES[kind]

    def patch(record_id: RecordId, body: BaseModel, who_: str) -> dict[str, Any]:
        data = body.model_dump(exclude_unset=True)
        version = data.pop("version")
        reason = data.pop("reason", None)
        return led.update(kind, record_id, data, version=version, actor=who_, reason=reason)

    patch.__annotations__ = {"record_id": RecordId, "body": model, "who_": Editor,
                             "return": dict[str, Any]}
    app.add_api_route(f"/{path}/{{record_id}}", patch, methods=["PATCH"],
                      summary=f"change a {kind} read at `version` (editor); 409 if it changed since",
                      name=f"update_{kind}")
