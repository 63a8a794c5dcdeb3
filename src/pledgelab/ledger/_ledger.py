"""The ledger: records of what was pledged, selected, funded and built, checked by the deal's rules.

Every write is one transaction that also appends to the audit log (who, when,
the record before and after, and any override reason), so the log and the
records can never disagree. A write that breaks a clause of the pledge's term
sheet is rejected with :class:`~pledgelab.ledger._errors.RuleViolation` naming
the clause and its citation, unless the caller gives an override reason, which
is then stored with the record (see :mod:`pledgelab.ledger._rules`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pledgelab._errors import InputError, Problem
from pledgelab._limits import MAX_ACTOR
from pledgelab.engine import SLACK, earliest_funding
from pledgelab.ledger import _rules
from pledgelab.ledger._config import ROLES, default_url
from pledgelab.ledger._errors import Conflict, NotFound, RuleViolation, Violation
from pledgelab.ledger._fields import ID_RE, UPDATABLE, check_record
from pledgelab.ledger._models import (
    KINDS,
    Amount,
    ApiToken,
    AuditEntry,
    Base,
    CapitalCall,
    Claim,
    Disbursement,
    Distribution,
    Link,
    Pledge,
    ProjectRecord,
    StatusEvent,
    TrancheRecord,
    as_dict,
)
from pledgelab.ledger._rules import STAGES
from pledgelab.ledger._store import WRITE, current_revision, make_engine, migrate
from pledgelab.terms import TermSheet

SCHEMA = "pledgelab.ledger-export/1"
Records = dict[str, list[dict[str, Any]]]  # record kind -> records as JSON-ready dicts
SEED_ACTOR = "seed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of a listing."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Where:
    """Where a record came from, for error messages: a file and line, or the API."""

    file: str = "ledger"
    line: int = 0


API = Where(file="request", line=0)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token: the only form in which a token is stored.

    Tokens are 256 random bits, so a fast hash is enough (no dictionary to guess from).
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Ledger:
    """A pledge ledger in a SQLite file or a PostgreSQL database.

    >>> ledger = Ledger("sqlite:///ledger.sqlite")   # doctest: +SKIP
    >>> ledger.init()                                # schema, then the cited seed records
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = url or default_url()
        self.engine = engine or make_engine(self.url)
        self._deals: dict[str, TermSheet | None] = {}
        self._report_cache: tuple[tuple[Any, ...], Any] | None = None  # see _report.snapshot
        self._records_cache: tuple[tuple[Any, ...], Records] | None = None  # see records()

    def close(self) -> None:
        self.engine.dispose()

    # -- schema and seed -------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema up to the newest shipped migration."""
        migrate(self.engine)

    def revision(self) -> str | None:
        return current_revision(self.engine)

    def init(self, *, seed: bool = True) -> int:
        """Create or upgrade the schema; seed an empty ledger. Returns the records seeded."""
        self.migrate()
        if not seed:
            return 0
        with self._read() as s:
            if s.scalar(select(func.count()).select_from(Pledge)):
                return 0
        from pledgelab.ledger._seed import load_seed

        return self.apply(load_seed(), actor=SEED_ACTOR)

    # -- sessions --------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine) as s:
            yield s

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with Session(bind=conn, expire_on_commit=False, autoflush=True) as s:
                try:
                    yield s
                    s.commit()
                except StaleDataError:
                    s.rollback()
                    raise Conflict("record", "?", "the record was changed by another writer; "
                                   "read it again and retry") from None
                except IntegrityError as exc:
                    s.rollback()
                    raise Conflict("record", "?", f"the write conflicts with a stored record: "
                                   f"{str(exc.orig).splitlines()[0]}") from None
                except BaseException:
                    s.rollback()
                    raise

    def _deal(self, deal_id: str | None) -> TermSheet | None:
        if deal_id not in self._deals:
            self._deals[deal_id or ""] = _rules.deal_for(deal_id)
        return self._deals[deal_id or ""]

    @staticmethod
    def _audit(s: Session, *, actor: str, action: str, kind: str, record_id: str,
               before: dict[str, Any] | None, after: dict[str, Any] | None,
               reason: str | None = None) -> None:
        if not isinstance(actor, str) or not actor.strip() or len(actor) > MAX_ACTOR or "\x00" in actor:
            # the same limit on every backend (PostgreSQL's column holds 80; SQLite would hold any)
            raise InputError([Problem("request", 0, "actor", f"an actor is 1 to {MAX_ACTOR} characters "
                                      "without NUL")])
        s.add(AuditEntry(at=_now(), actor=actor, action=action, kind=kind, record_id=record_id,
                         before=before, after=after, reason=reason))

    @staticmethod
    def _get(s: Session, model: type[Base], kind: str, record_id: Any, *, lock: bool = False) -> Any:
        obj = s.get(model, record_id, with_for_update=lock)
        if obj is None:
            raise NotFound.record(kind, str(record_id))
        return obj

    # -- writes ----------------------------------------------------------------------
    def add(self, kind: str, data: Mapping[str, Any], *, actor: str, override: str | None = None,
            where: Where = API) -> dict[str, Any]:
        """Add one record of ``kind`` (see :data:`~pledgelab.ledger._fields.FIELDS`).

        A broken ledger rule is reported at ``where`` (a deal clause keeps its file and line).
        """
        try:
            with self._write() as s:
                return self._add(s, kind, data, actor=actor, override=override, where=where)
        except RuleViolation as exc:
            if where == API:
                raise
            raise RuleViolation([dataclasses.replace(v, file=where.file, line=where.line)
                                 if v.file == "ledger" else v for v in exc.violations]) from None

    def apply(self, records: Sequence[tuple[str, Mapping[str, Any], Where]], *, actor: str,
              override: str | None = None, batch: int | None = None) -> int:
        """Add many records in one transaction: all of them, or (with every problem listed) none.

        With ``batch`` (a long import, docs/ledger.md "Long imports"), every row's fields are
        checked first without a write lock (any bad row rejects the whole file, each named
        ``file:line: field: message``); then the rows are written ``batch`` to a transaction, so
        another writer waits for at most one batch. Each committed batch leaves an
        ``import-batch`` audit entry naming its lines; a rule that needs the stored records
        (a missing parent, a duplicate id) and fails in a later batch leaves the earlier batches
        committed, and the error names the first line not written.
        """
        if batch is None or len(records) <= batch:
            return self._apply_one(records, actor=actor, override=override)
        problems: list[Problem] = []
        for kind, data, where in records:
            problems.extend(_field_problems(kind, data, where))
        if problems:
            raise InputError(problems)
        chunks = [records[i:i + batch] for i in range(0, len(records), batch)]
        for number, chunk in enumerate(chunks, start=1):
            first, last = chunk[0][2], chunk[-1][2]
            try:
                self._apply_one(chunk, actor=actor, override=override,
                                boundary=(number, len(chunks), first, last))
            except InputError as exc:
                if number == 1:
                    raise
                raise InputError([*exc.problems, Problem(
                    first.file, first.line, "<file>",
                    f"batches 1 to {number - 1} of {len(chunks)} (up to line "
                    f"{records[(number - 1) * batch - 1][2].line}) were committed; nothing from "
                    f"line {first.line} on was written (see the import-batch audit entries)")]
                ) from None
            self._batch_done(number, len(chunks))
        return len(records)

    def _batch_done(self, number: int, of: int) -> None:
        """Called after batch ``number`` of ``of`` commits (a hook for tests; does nothing)."""

    def _apply_one(self, records: Sequence[tuple[str, Mapping[str, Any], Where]], *, actor: str,
                   override: str | None = None,
                   boundary: tuple[int, int, Where, Where] | None = None) -> int:
        problems: list[Problem] = []
        with self._write() as s:
            for kind, data, where in records:
                data = dict(data)
                reason = data.pop("_override", None) or override
                try:
                    with s.begin_nested():
                        self._add(s, kind, data, actor=actor, override=reason, where=where)
                except (InputError, IntegrityError) as exc:
                    if isinstance(exc, InputError):
                        problems.extend(_relocate(exc, where))
                    else:
                        problems.append(Problem(where.file, where.line, kind,
                                                str(exc.orig).splitlines()[0]))
            if problems:
                raise InputError(problems)
            if boundary is not None:
                number, of, first, last = boundary
                self._audit(s, actor=actor, action="import-batch", kind="import",
                            record_id=f"{first.file}:{first.line}-{last.line}"[-80:], before=None,
                            after={"file": first.file, "first_line": first.line,
                                   "last_line": last.line, "batch": number, "of": of,
                                   "records": len(records)}, reason=override)
        return len(records)

    def _add(self, s: Session, kind: str, data: Mapping[str, Any], *, actor: str,
             override: str | None, where: Where) -> dict[str, Any]:
        extra = ("amounts", "version", "capped_usd", "overrides", "consequences") \
            if kind in ("project", "call", "status") else ()
        clean, problems = check_record(kind, data, file=where.file, line=where.line,
                                       allowed_extra=extra)
        if kind == "project":
            problems += _amount_problems(data.get("amounts"), where)
        if problems:
            raise InputError(problems)
        handler = getattr(self, f"_add_{kind}", None)
        if handler is not None:
            obj: Base = handler(s, clean, data, override=override, actor=actor, where=where)
        else:
            self._check_parent(s, kind, clean)
            obj = KINDS[kind](**clean)
            if hasattr(obj, "version"):
                obj.version = 1
            s.add(obj)
            try:
                s.flush()
            except IntegrityError:
                raise Conflict(kind, str(clean.get("id")), f"a {kind} with this id already exists"
                               ) from None
        after = as_dict(obj)
        self._audit(s, actor=actor, action="create", kind=kind, record_id=str(after["id"]),
                    before=None, after=after, reason=override)
        return after

    def _check_parent(self, s: Session, kind: str, clean: dict[str, Any]) -> None:
        if kind in KINDS and "id" in clean and isinstance(clean["id"], str) \
                and s.get(KINDS[kind], clean["id"]) is not None:
            raise Conflict(kind, clean["id"], f"a {kind} with id {clean['id']!r} already exists")
        for key, model, parent in (("pledge_id", Pledge, "pledge"),
                                   ("project_id", ProjectRecord, "project"),
                                   ("tranche_id", TrancheRecord, "tranche"),
                                   ("call_id", CapitalCall, "call")):
            if clean.get(key) is not None and s.get(model, clean[key]) is None:
                raise NotFound.record(parent, clean[key])

    def _add_project(self, s: Session, clean: dict[str, Any], raw: Mapping[str, Any], *,
                     override: str | None, actor: str, where: Where) -> ProjectRecord:
        self._check_parent(s, "project", clean)
        pledge = self._get(s, Pledge, "pledge", clean["pledge_id"])
        if clean.get("tranche_id"):
            tranche = self._get(s, TrancheRecord, "tranche", clean["tranche_id"])
            if tranche.pledge_id != pledge.id:
                raise InputError([Problem(where.file, where.line, "project.tranche_id",
                                          f"tranche {tranche.id!r} belongs to pledge "
                                          f"{tranche.pledge_id!r}, not {pledge.id!r}")])
        deal = self._deal(pledge.deal_id) if clean.get("relation", "pledge") == "pledge" else None
        found: list[Violation] = []
        if clean["status"] not in _rules.FIRST_STATUSES:
            found.append(Violation(
                clause=_rules.STATUS_ORDER_RULE, citation=_rules.STATUS_ORDER_CITE,
                message=f"a project cannot be entered at {clean['status']}: it is set by "
                        f"{_rules.BY_MONEY.get(clean['status'], 'a later status change')}; enter it at "
                        f"one of {', '.join(_rules.FIRST_STATUSES)} and record the money"))
        if deal is not None:
            if clean["status"] in ("selected", "notice"):
                found += _rules.check_deadline(deal, clean["status_date"], f"{clean['status']} on")
            if clean.get("notice_date"):
                found += _rules.check_deadline(deal, clean["notice_date"], "the notice of selection")
        found += self._duplicates(s, clean, raw.get("amounts") or [])
        overrides = _rules.enforce(found, override)
        proj = ProjectRecord(**clean, version=1)
        s.add(proj)
        s.flush()  # the project row first: its history and amounts refer to it
        s.add(StatusEvent(project_id=proj.id, status=proj.status, date=proj.status_date,
                          sources=proj.sources, verified=proj.verified, note="first record",
                          overrides=overrides, consequences=[]))
        for amount in raw.get("amounts") or []:
            a_clean, _ = check_record("amount", {**amount, "project_id": proj.id},
                                      file=where.file, line=where.line)
            s.add(Amount(**a_clean))
        s.flush()
        return proj

    @staticmethod
    def _duplicates(s: Session, clean: Mapping[str, Any], amounts: Sequence[Mapping[str, Any]]
                    ) -> list[Violation]:
        """The duplicate check: another project with the same company, state, site and amount."""
        if not clean.get("company"):
            return []
        cleaned = [check_record("amount", {**a, "project_id": "x"}, file="", line=0)[0] for a in amounts]
        mine = _preferred([(a.get("amount_usd"), bool(a.get("preferred"))) for a in cleaned])
        if mine is None:
            return []
        key = _rules.company_key(clean["company"])
        out = []
        for other in s.scalars(select(ProjectRecord).where(ProjectRecord.company.is_not(None))):
            if _rules.company_key(other.company) != key:
                continue
            theirs = _preferred([(a.amount_usd, a.preferred) for a in s.scalars(
                select(Amount).where(Amount.project_id == other.id))])
            v = _rules.duplicate(clean, mine, as_dict(other), theirs)
            if v is not None:
                out.append(v)
        return out

    def _move(self, s: Session, proj: ProjectRecord, new: str, date: dt.date, *, cause: str,
              sources: list[str], verified: dt.date, actor: str) -> None:
        """Move ``proj`` to ``new`` because money moved (a call or a payment), with its own event."""
        before = as_dict(proj)
        s.add(StatusEvent(project_id=proj.id, status=new, date=date, sources=sources,
                          verified=verified, note=f"set by {cause}", overrides=[], consequences=[]))
        proj.status = new
        proj.status_date = date
        if new == "notice" and proj.notice_date is None:
            proj.notice_date = date
        s.flush()
        self._audit(s, actor=actor, action="update", kind="project", record_id=proj.id,
                    before=before, after=as_dict(proj), reason=f"set by {cause}")

    @staticmethod
    def _before_pause(s: Session, project_id: str) -> str | None:
        """The status a paused project held before its pause."""
        history = [e.status for e in s.scalars(select(StatusEvent).where(
            StatusEvent.project_id == project_id).order_by(StatusEvent.date, StatusEvent.id))]
        while history and history[-1] == "paused":
            history.pop()
        return history[-1] if history else None

    def _money_status(self, s: Session, proj: ProjectRecord, target: str, date: dt.date, *,
                      what: str) -> tuple[bool, list[Violation]]:
        """Whether money dated ``date`` moves ``proj`` to ``target``, or the rule it breaks.

        A call on a selected project notices it; a payment on a noticed project funds it.
        Money on a project already past ``target`` leaves its status alone; money on any
        other status (interest, paused, cancelled...) is refused with the transition table.
        """
        order = [*STAGES]
        here = _rules.FUNNEL_STAGE.get(proj.status, proj.status)
        if here in order and order.index(here) >= order.index(target):
            return False, []
        if proj.status in _rules.OFF_TRACK:
            found = [Violation(clause=_rules.STATUS_ORDER_RULE, citation=_rules.STATUS_ORDER_CITE,
                               message=f"no money moves on a {proj.status} project")]
        else:
            found = _rules.check_status(None, current=proj.status, current_date=proj.status_date,
                                        new=target, date=date, by_money=True)
        if found:
            found = [Violation(clause=v.clause, citation=v.citation,
                               message=f"{what} on project {proj.id!r} ({proj.status}) would move it "
                                       f"to {target}: {v.message}") for v in found]
        return not found, found

    def _add_status(self, s: Session, clean: dict[str, Any], raw: Mapping[str, Any], *,
                    override: str | None, actor: str, where: Where) -> StatusEvent:
        proj: ProjectRecord = self._get(s, ProjectRecord, "project", clean["project_id"], lock=True)
        if raw.get("version") is None:
            raise InputError([Problem(where.file, where.line, "status.version",
                                      f"a status change needs the version of project {proj.id!r} it "
                                      f"was read at (now {proj.version})")])
        _check_version(proj, "project", raw.get("version"))
        before = as_dict(proj)
        pledge = self._get(s, Pledge, "pledge", proj.pledge_id)
        deal = self._deal(pledge.deal_id) if proj.relation == "pledge" else None
        noticed = proj.notice_date is not None or (
            proj.status in _rules.STAGES and
            _rules.STAGES.index(proj.status) >= _rules.STAGES.index("notice"))
        found = _rules.check_status(
            deal, current=proj.status, current_date=proj.status_date, new=clean["status"],
            date=clean["date"],
            before_pause=self._before_pause(s, proj.id) if proj.status == "paused" else None)
        overrides = _rules.enforce(found, override)
        consequences = _rules.non_funding_consequences(deal) \
            if clean["status"] == "declined" and noticed else []
        ev = StatusEvent(**clean, overrides=overrides, consequences=consequences)
        proj.status = clean["status"]
        proj.status_date = clean["date"]
        if clean["status"] == "notice" and proj.notice_date is None:
            proj.notice_date = clean["date"]
        s.add(ev)
        s.flush()
        self._audit(s, actor=actor, action="update", kind="project", record_id=proj.id,
                    before=before, after=as_dict(proj), reason=override)
        return ev

    def _add_call(self, s: Session, clean: dict[str, Any], raw: Mapping[str, Any], *,
                  override: str | None, actor: str, where: Where) -> CapitalCall:
        self._check_parent(s, "call", clean)
        proj: ProjectRecord = self._get(s, ProjectRecord, "project", clean["project_id"], lock=True)
        # Lock the pledge: two calls checked at once must not both fit under the cap.
        pledge: Pledge = self._get(s, Pledge, "pledge", proj.pledge_id, lock=True)
        deal = self._deal(pledge.deal_id) if proj.relation == "pledge" else None
        move, found = self._money_status(s, proj, "notice", clean["notice_date"],
                                         what=f"call {clean['id']!r}")
        parts = pledge.composition or []
        if proj.relation == "pledge" and parts and not any(p.get("mechanism") == "capital-call"
                                                           for p in parts):
            found.append(Violation(
                clause=_rules.MECHANISM_RULE, citation=_rules.MECHANISM_CITE,
                message=f"pledge {pledge.id!r} has no part paid by capital call (its parts: "
                        f"{', '.join(p['component'] + ' by ' + p['mechanism'] for p in parts)})"))
        capped = 0.0
        if deal is not None:
            year = clean["funding_date"].year
            earlier = s.execute(
                select(CapitalCall, ProjectRecord.sector).join(ProjectRecord)
                .where(ProjectRecord.pledge_id == pledge.id, ProjectRecord.relation == "pledge")).all()
            in_year = sum(c.capped_usd for c, _ in earlier if c.funding_date.year == year)
            on_tranche: dict[str, float] = {}
            for c, sector in earlier:
                shares = _rules.shares_of(deal, sector=sector, notice=c.notice_date,
                                          deal_tranche=c.deal_tranche)
                for tid, share in shares.items():
                    on_tranche[tid] = on_tranche.get(tid, 0.0) + share * c.amount_usd
            check = _rules.check_call(deal, sector=proj.sector, notice=clean["notice_date"],
                                      funding_date=clean["funding_date"],
                                      amount=clean["amount_usd"], deal_tranche=clean.get("deal_tranche"),
                                      capped_in_year=in_year, called_on_tranche=on_tranche)
            found += check.violations
            capped = check.capped_usd
            if not clean.get("component") and len(check.shares) == 1:
                # the part of the pledge the engine's tranche choice draws on, for the at-work measure
                tranche = next(iter(check.shares))
                clean["component"] = next((p["component"] for p in pledge.composition or []
                                           if p.get("deal_tranche") == tranche), None)
        overrides = _rules.enforce(found, override)
        call = CapitalCall(**clean, capped_usd=capped, overrides=overrides, version=1)
        s.add(call)
        s.flush()
        if move:
            self._move(s, proj, "notice", clean["notice_date"], cause=f"call {call.id}",
                       sources=call.sources, verified=call.verified, actor=actor)
        return call

    def _add_disbursement(self, s: Session, clean: dict[str, Any], raw: Mapping[str, Any], *,
                          override: str | None, actor: str, where: Where) -> Disbursement:
        call: CapitalCall = self._get(s, CapitalCall, "call", clean["call_id"], lock=True)
        proj: ProjectRecord = self._get(s, ProjectRecord, "project", call.project_id, lock=True)
        pledge: Pledge = self._get(s, Pledge, "pledge", proj.pledge_id)
        deal = self._deal(pledge.deal_id) if proj.relation == "pledge" else None
        move, found = self._money_status(s, proj, "funded", clean["date"],
                                         what=f"a payment against call {call.id!r}")
        paid = s.scalar(select(func.coalesce(func.sum(Disbursement.amount_usd), 0.0))
                        .where(Disbursement.call_id == call.id)) or 0.0
        if paid + clean["amount_usd"] > call.amount_usd + SLACK:
            found.append(Violation(
                clause="ledger.disbursed_within_call", citation="docs/ledger.md#capital-calls",
                message=f"disbursements would reach {paid + clean['amount_usd']:,.0f} USD on a call "
                        f"of {call.amount_usd:,.0f} USD"))
        if deal is not None:
            lag = deal.clause("timeline.funding_lag")
            earliest = earliest_funding(deal, call.notice_date)
            if clean["date"] < earliest:
                found.append(_rules.violation(lag, f"disbursement on {clean['date']} is before the "
                                              f"earliest funding date {earliest}"))
        _rules.enforce(found, override)
        obj = Disbursement(**clean)
        s.add(obj)
        s.flush()
        if move:
            self._move(s, proj, "funded", clean["date"], cause=f"payment on call {call.id}",
                       sources=obj.sources, verified=obj.verified, actor=actor)
        return obj

    def _add_link(self, s: Session, clean: dict[str, Any], raw: Mapping[str, Any], *,
                  override: str | None, actor: str, where: Where) -> Link:
        self._check_parent(s, "link", clean)
        for side in ("from", "to"):
            kind = clean[f"{side}_kind"]
            self._get(s, KINDS[kind], kind, clean[f"{side}_id"])
        if (clean["from_kind"], clean["from_id"]) == (clean["to_kind"], clean["to_id"]):
            raise InputError([Problem(where.file, where.line, "link.to_id",
                                      "a record cannot link to itself")])
        link = Link(**clean)
        s.add(link)
        s.flush()
        return link

    def _add_claim(self, s: Session, clean: dict[str, Any], raw: Mapping[str, Any], *,
                   override: str | None, actor: str, where: Where) -> Claim:
        self._check_parent(s, "claim", clean)
        clean["scope"] = clean.get("scope") or claim_scope(clean)
        problems = [Problem(where.file, where.line, f"claim.{f}", m) for f, m in scope_problems(clean)]
        for pid in clean.get("pledge_ids") or []:
            if s.get(Pledge, pid) is None:
                problems.append(Problem(where.file, where.line, "claim.pledge_ids", f"no pledge {pid!r}"))
        if problems:
            raise InputError(problems)
        claim = Claim(**clean, version=1)
        s.add(claim)
        s.flush()
        return claim

    def update(self, kind: str, record_id: str, changes: Mapping[str, Any], *, version: int,
               actor: str, reason: str | None = None) -> dict[str, Any]:
        """Change fields of a record, if it is still at ``version`` (else :class:`Conflict`)."""
        if kind not in UPDATABLE:
            raise InputError([Problem("request", 0, kind, f"{kind} records cannot be edited")])
        bad = [k for k in changes if k not in UPDATABLE[kind]]
        if bad:
            raise InputError([Problem("request", 0, f"{kind}.{k}",
                                      f"cannot be changed here; editable: {', '.join(UPDATABLE[kind])}")
                              for k in bad])
        clean, problems = check_record(kind, changes, file="request", line=0, partial=True)
        if problems:
            raise InputError(problems)
        with self._write() as s:
            obj = self._get(s, KINDS[kind], kind, record_id, lock=True)
            _check_version(obj, kind, version)
            before = as_dict(obj)
            if clean.get("tranche_id"):
                self._get(s, TrancheRecord, "tranche", clean["tranche_id"])
            for key, value in clean.items():
                setattr(obj, key, value)
            if kind == "pledge" and "composition" in clean:
                obj.composition = clean["composition"] or []
            if kind == "claim":
                problems = [Problem("request", 0, f"claim.{f}", m)
                            for f, m in scope_problems(as_dict(obj))]
                if problems:
                    raise InputError(problems)
            s.flush()
            after = as_dict(obj)
            self._audit(s, actor=actor, action="update", kind=kind, record_id=record_id,
                        before=before, after=after, reason=reason)
            return after

    # -- reads -----------------------------------------------------------------------
    def get(self, kind: str, record_id: str) -> dict[str, Any]:
        with self._read() as s:
            key: Any = int(record_id) if kind not in ("pledge", "tranche", "project", "call", "claim",
                                                      "link") and record_id.isdigit() else record_id
            return as_dict(self._get(s, KINDS[kind], kind, key))

    def list(self, kind: str, *, filters: Mapping[str, Any] | None = None, limit: int = 50,
             offset: int = 0) -> Page:
        """Records of ``kind`` ordered by id, filtered on equal column values."""
        model = KINDS[kind]
        cols = model.__table__.columns
        stmt = select(model)
        for key, value in (filters or {}).items():
            if value is not None:
                stmt = stmt.where(cols[key] == value)
        with self._read() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(cols["id"]).limit(limit).offset(offset)).all()
            return Page(items=[as_dict(r) for r in rows], total=total, limit=limit, offset=offset)

    def project_detail(self, project_id: str) -> dict[str, Any]:
        """A project with its amount variants, status history, calls, payments and claims."""
        with self._read() as s:
            proj = self._get(s, ProjectRecord, "project", project_id)
            out = as_dict(proj)
            out["amounts"] = [as_dict(a) for a in s.scalars(
                select(Amount).where(Amount.project_id == project_id).order_by(Amount.id))]
            out["history"] = [as_dict(e) for e in s.scalars(
                select(StatusEvent).where(StatusEvent.project_id == project_id)
                .order_by(StatusEvent.date, StatusEvent.id))]
            calls = s.scalars(select(CapitalCall).where(CapitalCall.project_id == project_id)
                              .order_by(CapitalCall.id)).all()
            out["calls"] = []
            for c in calls:
                d = as_dict(c)
                d["disbursements"] = [as_dict(x) for x in s.scalars(
                    select(Disbursement).where(Disbursement.call_id == c.id).order_by(Disbursement.id))]
                out["calls"].append(d)
            out["distributions"] = [as_dict(x) for x in s.scalars(
                select(Distribution).where(Distribution.project_id == project_id)
                .order_by(Distribution.id))]
            out["claims"] = [as_dict(x) for x in s.scalars(
                select(Claim).where(Claim.project_id == project_id).order_by(Claim.id))]
            return out

    def audit(self, *, limit: int = 50, offset: int = 0, record_id: str | None = None) -> Page:
        stmt = select(AuditEntry)
        if record_id is not None:
            stmt = stmt.where(AuditEntry.record_id == record_id)
        with self._read() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(AuditEntry.id).limit(limit).offset(offset)).all()
            return Page(items=[as_dict(r) for r in rows], total=total, limit=limit, offset=offset)

    def records(self) -> Records:
        """Every record of every kind (not the audit log, not tokens), ordered by id.

        Cached until the next change (the newest audit entry and the number of entries
        mark the state, as for the reports); the lists are shared: do not change them.
        """
        with self._read() as s:
            mark = tuple(s.execute(select(func.max(AuditEntry.id), func.count(AuditEntry.id))).one())
            if self._records_cache is not None and self._records_cache[0] == mark:
                return dict(self._records_cache[1])
            out: Records = {}
            for kind, model in KINDS.items():
                cols = model.__table__.columns
                out[kind] = [as_dict(r) for r in s.scalars(select(model).order_by(cols["id"]))]
        self._records_cache = (mark, out)
        return dict(out)

    def newest_date(self, records: Records | None = None) -> dt.date | None:
        """The date of the newest record (:data:`DATED` fields): what reports default to."""
        return newest_date(records if records is not None else self.records())

    def release(self, records: Records | None = None) -> str:
        """The release id ``<schema revision>.<newest record date>.<content digest>``.

        It depends on the records only: the same records always give the same id, any
        change to a record gives a new one, and tokens or failed writes change nothing.
        """
        recs = records if records is not None else self.records()
        newest = newest_date(recs)
        day = newest.strftime("%Y%m%d") if newest else "00000000"
        return f"{self.revision() or '0'}.{day}.{content_digest(recs)[:8]}"

    def dump(self) -> dict[str, Any]:
        """Every record, by kind, ordered by id: the JSON export."""
        recs = self.records()
        return {"schema": SCHEMA, "release": self.release(recs), **recs}

    # -- tokens ----------------------------------------------------------------------
    def create_token(self, *, name: str, role: str, actor: str = "admin") -> str:
        """A new bearer token for ``role``; returned once, stored only as its hash."""
        if role not in ROLES:
            raise InputError([Problem("token", 0, "role", f"{role!r} is not one of: {', '.join(ROLES)}")])
        if not ID_RE.match(name):
            raise InputError([Problem("token", 0, "name", "expected a name of letters, digits, '.', "
                                      "'_' or '-' (at most 80)")])
        token = "plg_" + secrets.token_urlsafe(32)
        with self._write() as s:
            if s.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
                raise Conflict("token", name, f"a token named {name!r} exists; revoke it or pick "
                               "another name")
            s.add(ApiToken(name=name, role=role, token_hash=hash_token(token), created_at=_now()))
            self._audit(s, actor=actor, action="create", kind="token", record_id=name, before=None,
                        after={"name": name, "role": role})
        return token

    def revoke_token(self, name: str, *, actor: str = "admin") -> None:
        with self._write() as s:
            tok = s.scalar(select(ApiToken).where(ApiToken.name == name))
            if tok is None:
                raise NotFound.record("token", name)
            tok.revoked_at = _now()
            self._audit(s, actor=actor, action="update", kind="token", record_id=name,
                        before={"revoked": False}, after={"revoked": True})

    def identify(self, token: str) -> tuple[str, str] | None:
        """(name, role) of a valid, unrevoked token, or None."""
        with self._read() as s:
            tok = s.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
            if tok is None or tok.revoked_at is not None:
                return None
            return tok.name, tok.role


def _field_problems(kind: str, data: Mapping[str, Any], where: Where) -> list[Problem]:
    """The problems of one row that need no stored record (the first pass of a batched import)."""
    extra = ("amounts", "version", "capped_usd", "overrides", "consequences") \
        if kind in ("project", "call", "status") else ()
    fields = {k: v for k, v in data.items() if k != "_override"}
    _, problems = check_record(kind, fields, file=where.file, line=where.line, allowed_extra=extra)
    if kind == "project":
        problems += _amount_problems(fields.get("amounts"), where)
    return problems


def _amount_problems(amounts: Any, where: Where) -> list[Problem]:
    """Problems of a project's ``amounts`` list, each named ``project.amounts[i].field``."""
    if amounts is None:
        return []
    if not isinstance(amounts, list):
        return [Problem(where.file, where.line, "project.amounts", "expected a list of amounts")]
    out = []
    for i, amount in enumerate(amounts):
        if not isinstance(amount, Mapping):
            out.append(Problem(where.file, where.line, f"project.amounts[{i}]", "expected a mapping"))
            continue
        _, problems = check_record("amount", {**amount, "project_id": "x"}, file=where.file,
                                   line=where.line)
        out += [Problem(p.file, p.line, f"project.amounts[{i}].{p.field.split('.')[-1]}", p.message)
                for p in problems]
    return out


DATED: dict[str, tuple[str, ...]] = {
    "pledge": ("announced",), "milestone": ("date",), "tranche": ("announced",),
    "project": ("status_date",), "amount": ("as_of",), "status": ("date",), "call": ("notice_date",),
    "disbursement": ("date",), "distribution": ("date",), "claim": ("said_on",), "headline": ("as_of",),
}
"""The date each kind of record reports (not when it was checked or reviewed)."""


def newest_date(records: Mapping[str, list[dict[str, Any]]]) -> dt.date | None:
    """The newest :data:`DATED` date among ``records``."""
    dates = [dt.date.fromisoformat(r[f]) for kind, fields in DATED.items()
             for r in records.get(kind, []) for f in fields if r.get(f)]
    return max(dates, default=None)


def content_digest(records: Mapping[str, list[dict[str, Any]]]) -> str:
    """SHA-256 of the records as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps({k: records[k] for k in sorted(records)}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _preferred(amounts: Sequence[tuple[float | None, bool]]) -> float | None:
    """The preferred stated amount of a list of ``(amount, preferred)``, else the first stated."""
    stated = [(a, p) for a, p in amounts if a is not None]
    for a, p in stated:
        if p:
            return a
    return stated[0][0] if stated else None


def claim_scope(claim: Mapping[str, Any]) -> str:
    """The scope a claim's links imply: a project, a pledge, several pledges, or all."""
    if claim.get("project_id"):
        return "project"
    if claim.get("pledge_id"):
        return "pledge"
    return "several" if claim.get("pledge_ids") else "all"


def scope_problems(claim: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(field, message)`` where a claim's scope and the records it names disagree."""
    scope = claim.get("scope")
    if scope == "project" and not claim.get("project_id"):
        return [("project_id", "a claim about one project names the project")]
    if scope == "pledge" and not claim.get("pledge_id"):
        return [("pledge_id", "a claim about one pledge names the pledge")]
    if scope == "several" and len(claim.get("pledge_ids") or []) < 2:
        return [("pledge_ids", "a claim about several pledges names at least two")]
    if scope == "all" and (claim.get("pledge_id") or claim.get("project_id") or claim.get("pledge_ids")):
        return [("scope", "a claim about all pledges names no pledge or project")]
    if claim.get("verdict") and not (claim.get("reasoning") and claim.get("reviewer")
                                     and claim.get("reviewed_on")):
        return [("verdict", "a verdict needs its reasoning, reviewer and reviewed_on")]
    return []


def _check_version(obj: Any, kind: str, version: Any) -> None:
    if version is None:
        return
    if not isinstance(version, int) or obj.version != version:
        raise Conflict(kind, str(obj.id), f"{kind} {obj.id!r} is at version {obj.version}, "
                       f"not {version}: it was changed since you read it; read it again and retry")


def _relocate(exc: InputError, where: Where) -> list[Problem]:
    """Problems of one record of a batch, placed at the record's file and line."""
    if isinstance(exc, RuleViolation):
        return [Problem(where.file, where.line, v.clause, f"{v.message} [{v.citation}]")
                for v in exc.violations]
    return [Problem(where.file, where.line, p.field, p.message) if p.line == 0 else p
            for p in exc.problems]
