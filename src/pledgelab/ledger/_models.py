"""The ledger's tables (SQLAlchemy 2 declarative mapping).

Every record carries its ``sources`` (a list of URLs) and the date it was last
``verified`` against them. Records that can be edited carry a ``version``:
SQLAlchemy adds ``WHERE version = :old`` to each UPDATE (``version_id_col``),
so two writers that read the same version cannot both write — the second gets
:class:`~pledgelab.ledger._errors.Conflict`, never a lost update.

The schema itself is created by the Alembic migrations in
``ledger/migrations/versions``; ``tests/ledger`` checks that the migrations
and these classes agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every ledger table."""


ID = String(80)


class _Sourced:
    """Columns every record has: where it comes from and when that was checked."""

    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    verified: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class Pledge(_Sourced, Base):
    """A government's headline investment pledge to the United States."""

    __tablename__ = "pledges"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    country: Mapped[str] = mapped_column(String(80))
    investor: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    headline_usd: Mapped[float | None] = mapped_column(Float)
    announced: Mapped[dt.date | None] = mapped_column(Date)
    deal_id: Mapped[str | None] = mapped_column(String(80))
    composition: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    caveats: Mapped[str | None] = mapped_column(Text)
    estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    estimate_reason: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    price_year: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Headline(_Sourced, Base):
    """A dated revision of a pledge's headline (re-announced, raised, cut), held from ``as_of``."""

    __tablename__ = "headlines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pledge_id: Mapped[str] = mapped_column(ID, ForeignKey("pledges.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    amount_usd: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(Text)
    bound: Mapped[str] = mapped_column(String(10), default="exact")


class Milestone(_Sourced, Base):
    """A dated step of a pledge itself (MOU signed, bill submitted, tariff threat)."""

    __tablename__ = "milestones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pledge_id: Mapped[str] = mapped_column(ID, ForeignKey("pledges.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    event: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)


class TrancheRecord(_Sourced, Base):
    """A batch of projects selected or announced together under a pledge."""

    __tablename__ = "tranches"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    pledge_id: Mapped[str] = mapped_column(ID, ForeignKey("pledges.id"), index=True)
    label: Mapped[str] = mapped_column(Text)
    announced: Mapped[dt.date] = mapped_column(Date)
    amount_usd: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ProjectRecord(_Sourced, Base):
    """A project under a pledge (or related corporate FDI), with a stable id."""

    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    pledge_id: Mapped[str] = mapped_column(ID, ForeignKey("pledges.id"), index=True)
    tranche_id: Mapped[str | None] = mapped_column(ID, ForeignKey("tranches.id"))
    relation: Mapped[str] = mapped_column(String(20))  # pledge | related-fdi
    name: Mapped[str] = mapped_column(Text)
    sector: Mapped[str] = mapped_column(String(40))
    company: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(24), index=True)
    status_date: Mapped[dt.date] = mapped_column(Date)
    notice_date: Mapped[dt.date | None] = mapped_column(Date)
    component: Mapped[str | None] = mapped_column(String(24))
    project_type: Mapped[str | None] = mapped_column(String(16))
    first_announced: Mapped[dt.date | None] = mapped_column(Date)
    site: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    district: Mapped[str | None] = mapped_column(String(8))
    capacity: Mapped[str | None] = mapped_column(Text)  # as stated, e.g. "9.2 GW", "30 GWh a year"
    jobs: Mapped[int | None] = mapped_column(Integer)  # jobs the sources state
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Amount(_Sourced, Base):
    """One reported amount of a project: sources often disagree, so every variant is kept."""

    __tablename__ = "amounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ID, ForeignKey("projects.id"), index=True)
    amount_usd: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    estimate_reason: Mapped[str | None] = mapped_column(Text)
    preferred: Mapped[bool] = mapped_column(Boolean, default=False)
    bound: Mapped[str] = mapped_column(String(10), default="exact")  # exact | up-to | at-least | about


class StatusEvent(_Sourced, Base):
    """A dated change of a project's status; the project's history is the list of these."""

    __tablename__ = "status_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ID, ForeignKey("projects.id"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    date: Mapped[dt.date] = mapped_column(Date)
    overrides: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    consequences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class CapitalCall(_Sourced, Base):
    """A capital call on the investor for one project, checked against the deal's timeline."""

    __tablename__ = "capital_calls"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    project_id: Mapped[str] = mapped_column(ID, ForeignKey("projects.id"), index=True)
    notice_date: Mapped[dt.date] = mapped_column(Date)
    funding_date: Mapped[dt.date] = mapped_column(Date)
    amount_usd: Mapped[float] = mapped_column(Float)
    deal_tranche: Mapped[str | None] = mapped_column(String(80))
    capped_usd: Mapped[float] = mapped_column(Float, default=0.0)
    component: Mapped[str | None] = mapped_column(String(24))
    estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    overrides: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Disbursement(_Sourced, Base):
    """Money actually paid against a capital call."""

    __tablename__ = "disbursements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ID, ForeignKey("capital_calls.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    amount_usd: Mapped[float] = mapped_column(Float)


class Distribution(_Sourced, Base):
    """Cash a project paid out to a party."""

    __tablename__ = "distributions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ID, ForeignKey("projects.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    party: Mapped[str] = mapped_column(String(16))
    amount_usd: Mapped[float] = mapped_column(Float)


class Claim(_Sourced, Base):
    """Who said what amount on what date, the measure it asserts and its scope, and a verdict."""

    __tablename__ = "claims"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    pledge_id: Mapped[str | None] = mapped_column(ID, ForeignKey("pledges.id"), index=True)
    project_id: Mapped[str | None] = mapped_column(ID, ForeignKey("projects.id"))
    claimant: Mapped[str] = mapped_column(Text)
    said_on: Mapped[dt.date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(24))
    scope: Mapped[str] = mapped_column(String(10), default="pledge")  # project | pledge | several | all
    pledge_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the pledges of a "several" claim
    amount_usd: Mapped[float | None] = mapped_column(Float)
    quote: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(String(16))  # accurate | misleading | false | unverifiable
    reasoning: Mapped[str | None] = mapped_column(Text)
    rests_on: Mapped[list[str]] = mapped_column(JSON, default=list)  # "kind:id" of the records used
    reviewer: Mapped[str | None] = mapped_column(Text)
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Link(_Sourced, Base):
    """A link between two records: ``part-of`` and ``same-money`` make the reports count money once."""

    __tablename__ = "links"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    relation: Mapped[str] = mapped_column(String(16))  # part-of | same-money | related
    from_kind: Mapped[str] = mapped_column(String(16))  # project | pledge
    from_id: Mapped[str] = mapped_column(ID, index=True)
    to_kind: Mapped[str] = mapped_column(String(16))
    to_id: Mapped[str] = mapped_column(ID, index=True)


class SourceMark(Base):
    """How far a source URL can be trusted (primary, wire, press, aggregator) and when it was checked."""

    __tablename__ = "source_marks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    reliability: Mapped[str] = mapped_column(String(16))
    publisher: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    checked_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class ApiToken(Base):
    """A bearer token: only its SHA-256 digest is stored, never the token."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One change: who, when, what record, the record before and after. Append-only."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete
    kind: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


KINDS: dict[str, type[Base]] = {
    "pledge": Pledge, "milestone": Milestone, "tranche": TrancheRecord, "project": ProjectRecord,
    "amount": Amount, "status": StatusEvent, "call": CapitalCall, "disbursement": Disbursement,
    "distribution": Distribution, "claim": Claim, "link": Link, "source": SourceMark,
    "headline": Headline,
}
"""Record kinds by the name used in the audit log, exports and error messages."""


def as_dict(obj: Base) -> dict[str, Any]:
    """A record's columns as JSON-ready values (dates as ISO text)."""
    out: dict[str, Any] = {}
    for col in obj.__table__.columns:
        value = getattr(obj, col.key)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, list):
            value = list(value)
        out[col.key] = value
    return out
