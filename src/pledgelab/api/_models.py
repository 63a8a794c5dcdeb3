"""Request bodies, generated from the ledger's one list of fields (``ledger/_fields.py``).

The API validates shapes and bounds here (so the OpenAPI spec tells clients
what is accepted); the ledger then applies the same field checks as every
other entry point, and the deal's rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from pledgelab._limits import date_problem
from pledgelab.ledger import DISTRICT_RE, FIELDS, MAX_TEXT, MAX_USD, REF_RE, ROLES, UPDATABLE
from pledgelab.ledger import RecordField as LedgerField


def _storable(value: str) -> str:
    """Text both databases can store: no NUL, no lone surrogates."""
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode") from None
    return value


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_storable)]
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$", max_length=80)]
State = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Usd = Annotated[float, Field(ge=0, le=MAX_USD, allow_inf_nan=False)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000), AfterValidator(_storable)]
Urls = Annotated[list[Url], Field(min_length=1, max_length=20)]
Reason = Annotated[str | None, Field(default=None, min_length=1, max_length=MAX_TEXT),
                   AfterValidator(lambda v: None if v is None else _storable(v))]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
Ids = Annotated[list[Id], Field(max_length=50)]
Ref = Annotated[str, Field(pattern=REF_RE.pattern, max_length=100)]
Refs = Annotated[list[Ref], Field(max_length=50)]
District = Annotated[str, Field(pattern=DISTRICT_RE.pattern)]


def _iso_date(value: Any) -> Any:
    """A date written YYYY-MM-DD inside the calendar window: a date and time is refused, as by the
    command line and the YAML files (pydantic alone would take ``2026-01-10T00:00:00``)."""
    if isinstance(value, str):
        if len(value) != 10:
            raise ValueError("expected a date YYYY-MM-DD (not a date and time)")
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError("expected a date YYYY-MM-DD")
    why = date_problem(value)
    if why:
        raise ValueError(why)
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]


def _py_type(f: LedgerField) -> Any:
    if f.type == "text" and f.max_len < MAX_TEXT:  # a narrower column (ledger/_fields.py)
        return Annotated[str, Field(min_length=1, max_length=f.max_len), AfterValidator(_storable)]
    return {
        "id": Id, "text": Text, "state": State, "date": Date, "usd": Usd, "bool": bool, "deal": Id,
        "urls": Urls, "url": Url, "ids": Ids, "refs": Refs, "district": District,
        "year": Annotated[int, Field(ge=1900, le=2200)],
        "count": Annotated[int, Field(ge=0, le=10**7)],
        "lat": Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)],
        "lon": Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)],
        "json": Annotated[list[dict[str, Any]], Field(max_length=20)],
    }.get(f.type) or Literal[f.choices]  # choice


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _model(name: str, kind: str, *, skip: tuple[str, ...] = (), extra: dict[str, Any] | None = None,
           only: tuple[str, ...] | None = None, optional: bool = False,
           loose: tuple[str, ...] = ()) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for key, f in FIELDS[kind].items():
        if key in skip or (only is not None and key not in only):
            continue
        t = _py_type(f)
        fields[key] = (t, ...) if f.required and not optional and key not in loose else (t | None, None)
    fields.update(extra or {})
    return create_model(name, __base__=_Strict, **fields)


_OVERRIDE = {"override": (Reason, None)}
AmountIn = _model("AmountIn", "amount", skip=("project_id",), loose=("sources", "verified"))
"""An amount variant; its sources and verification date default to the project's."""
BODIES: dict[str, type[BaseModel]] = {
    "pledge": _model("PledgeIn", "pledge"),
    "milestone": _model("MilestoneIn", "milestone"),
    "tranche": _model("TrancheIn", "tranche"),
    "project": _model("ProjectIn", "project", extra={
        "amounts": (Annotated[list[AmountIn], Field(max_length=20)] | None, None),  # type: ignore[valid-type]
        **_OVERRIDE}),
    "status": _model("StatusIn", "status", skip=("project_id",),
                     extra={"version": (Version, ...), **_OVERRIDE}),
    "call": _model("CallIn", "call", extra=_OVERRIDE),
    "disbursement": _model("DisbursementIn", "disbursement", skip=("call_id",), extra=_OVERRIDE),
    "distribution": _model("DistributionIn", "distribution", skip=("project_id",)),
    "claim": _model("ClaimIn", "claim"),
    "amount": _model("AmountRevisionIn", "amount", skip=("project_id",)),
    "link": _model("LinkIn", "link"),
    "headline": _model("HeadlineIn", "headline", skip=("pledge_id",)),
    "source": _model("SourceIn", "source"),
}
"""The body of a POST that creates a record of each kind."""

PATCHES: dict[str, type[BaseModel]] = {
    kind: _model(f"{kind.title()}Patch", kind, only=fields, optional=True,
                 extra={"version": (Version, ...), "reason": (Reason, None)})
    for kind, fields in UPDATABLE.items()
}
"""The body of a PATCH: the fields to change, and the version they were read at."""


class TokenIn(_Strict):
    name: Id
    role: Literal[ROLES]  # type: ignore[valid-type]
