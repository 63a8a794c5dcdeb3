"""Reports: what a pledge is made of, what of it can be measured, and how much of that is at work.

**Measurable base.** A pledge's headline is made of parts (its ``composition``),
each a component — government cash, loans, guarantees, company investment,
purchases, or ``unspecified`` where the sources give no split — with the
mechanism by which its money can be seen at work:

* ``capital-call``: money disbursed against capital calls drawn on the part;
* ``project``: company projects of the part that reached construction (under
  construction or operating; the Clean Investment Monitor's "actual" stage);
* ``none``: no mechanism — the part is **not measurable**, and is never shown as 0%.

The measurable base is the sum of the parts with a mechanism; "at work" is
measured against it, part by part, never against the whole headline.

**As of a date.** Everything is taken as held on the date asked: a pledge
counts only from its announcement, at its latest headline revision dated by
then; a project from its first dated record; an amount from its ``as_of`` date
(the latest ``preferred`` amount dated by then, else the latest dated one:
revisions are new dated amounts); calls from their notice and payments from
their date. The default date is the newest record's, not today.

**The funnel** counts each project once, at every stage it had reached
(interest → recommended → selected → notice → funded → under-construction →
operating; a company's ``announced`` counts as interest, ``financial-close`` as
funded). Declined and cancelled
projects leave the funnel and are shown apart; paused ones keep the stage they
reached and are also counted as paused. Projects with no amount are counted as
missing, never as zero.

**No double counting.** A project linked ``part-of`` or ``same-money`` to a
project that is counted on the date is left out of every total (and shown as
excluded). "Up to" and "at least" amounts are kept apart from firm ones: both
totals are shown, and ``ceilings`` picks which one the stages use. Projects
first announced before the pledge are "previously planned" and shown apart.
Related corporate FDI is shown apart and never added to the pledge.

**Claims** are compared within their scope (one project, one pledge, several,
or every pledge announced by the day the claim was made) against the measure
they assert, on the day they were made.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from pledgelab.ledger._models import (
    Amount,
    AuditEntry,
    CapitalCall,
    Claim,
    Disbursement,
    Distribution,
    Headline,
    Link,
    Milestone,
    Pledge,
    ProjectRecord,
    SourceMark,
    StatusEvent,
    as_dict,
)
from pledgelab.ledger._rules import FUNNEL_STAGE, STAGES

if TYPE_CHECKING:
    from pledgelab.ledger._ledger import Ledger

DROPPED = ("declined", "cancelled")
FIRM = ("exact", "about")
"""Amount bounds counted as firm; ``up-to`` and ``at-least`` are ceilings and floors."""
BUILT = ("under-construction", "operating")
"""Funnel stages at which a company project's money is at work."""
WEAK = ("aggregator",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One component of a pledge on a date: its amount, mechanism and what of it is at work."""

    label: str
    component: str
    amount: float | None
    bound: str
    mechanism: str
    mechanism_reason: str | None
    called: float | None  # None where the part is not measurable
    at_work: float | None  # None where the part is not measurable

    @property
    def measurable(self) -> bool:
        return self.mechanism != "none"

    @property
    def at_work_share(self) -> float | None:
        """At work / the part's amount, or None (not measurable, or no amount)."""
        if not self.measurable or not self.amount or self.at_work is None:
            return None
        return self.at_work / self.amount


@dataclass(frozen=True, slots=True, kw_only=True)
class Funnel:
    """One pledge on one date."""

    pledge: str
    country: str
    as_of: dt.date
    announced: dt.date | None
    announced_by_then: bool  # true also where the announcement date is unknown (announced None)
    headline: float | None  # None before the announcement
    currency: str
    price_year: int | None
    period_start: dt.date | None
    period_end: dt.date | None
    parts: tuple[Part, ...]
    counts: dict[str, int]  # stage (and "dropped", "paused") -> projects
    amounts: dict[str, float]  # stage (and "dropped", "paused") -> USD, ceilings as `ceilings` says
    firm: dict[str, float]  # stage -> USD of firm amounts only
    bounded: dict[str, float]  # stage -> USD of "up to" / "at least" amounts
    ceilings: bool  # whether `amounts` include the bounded amounts
    called: float
    disbursed: float
    distributed: float
    missing_amounts: int
    estimated_amounts: int
    excluded: dict[str, float]  # project id -> USD left out as double counted
    previously_planned: float
    previously_planned_count: int
    related_fdi: float
    related_fdi_count: int
    related_fdi_planned_before: float
    weak_sources: tuple[str, ...]  # records resting only on aggregators

    @property
    def measurable_base(self) -> float | None:
        """The sum of the parts with a payment mechanism, or None if no part has one."""
        parts = [p for p in self.parts if p.measurable and p.amount is not None]
        return sum(p.amount for p in parts if p.amount is not None) if parts else None

    @property
    def at_work(self) -> float | None:
        """Money at work in the measurable parts, or None if nothing is measurable."""
        parts = [p for p in self.parts if p.measurable]
        return sum(p.at_work or 0.0 for p in parts) if parts else None

    @property
    def at_work_share(self) -> float | None:
        """At work / the measurable base (never / the headline); None = not measurable."""
        base, work = self.measurable_base, self.at_work
        return work / base if base and work is not None else None


@dataclass(slots=True)
class _Snapshot:
    pledges: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    amounts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    calls: list[dict[str, Any]] = field(default_factory=list)
    disbursements: list[dict[str, Any]] = field(default_factory=list)
    distributions: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    marks: dict[str, dict[str, Any]] = field(default_factory=dict)
    headlines: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def snapshot(ledger: Ledger) -> _Snapshot:
    """Every record the reports need, read in one transaction.

    Cached per ledger until the next change: every write appends to the audit log in
    its own transaction, so the newest audit id and the number of entries mark the state
    (the count catches a transaction that commits after one with a higher id).
    """
    snap = _Snapshot()
    with ledger._read() as s:
        mark = tuple(s.execute(select(func.max(AuditEntry.id), func.count(AuditEntry.id))).one())
        cached = ledger._report_cache
        if cached is not None and cached[0] == mark:
            return cached[1]  # type: ignore[no-any-return]
        snap.pledges = {p.id: as_dict(p) for p in s.scalars(select(Pledge).order_by(Pledge.id))}
        snap.projects = {p.id: as_dict(p) for p in s.scalars(select(ProjectRecord)
                                                            .order_by(ProjectRecord.id))}
        for e in s.scalars(select(StatusEvent).order_by(StatusEvent.date, StatusEvent.id)):
            snap.events[e.project_id].append(as_dict(e))
        for a in s.scalars(select(Amount).order_by(Amount.id)):
            snap.amounts[a.project_id].append(as_dict(a))
        snap.calls = [as_dict(c) for c in s.scalars(select(CapitalCall).order_by(CapitalCall.id))]
        snap.disbursements = [as_dict(d) for d in s.scalars(select(Disbursement).order_by(Disbursement.id))]
        snap.distributions = [as_dict(d) for d in s.scalars(select(Distribution).order_by(Distribution.id))]
        snap.milestones = [as_dict(m) for m in s.scalars(select(Milestone).order_by(Milestone.date))]
        snap.claims = [as_dict(c) for c in s.scalars(select(Claim).order_by(Claim.said_on, Claim.id))]
        snap.links = [as_dict(x) for x in s.scalars(select(Link).order_by(Link.id))]
        snap.marks = {m.url: as_dict(m) for m in s.scalars(select(SourceMark))}
        for h in s.scalars(select(Headline).order_by(Headline.as_of, Headline.id)):
            snap.headlines[h.pledge_id].append(as_dict(h))
    ledger._report_cache = (mark, snap)
    return snap


def held_amount(amounts: Iterable[Mapping[str, Any]], as_of: dt.date,
                first_date: dt.date | None = None) -> Mapping[str, Any] | None:
    """The amount held on ``as_of``: the latest ``preferred`` amount dated by then, else the latest.

    An amount is dated by its ``as_of``; an undated one (older records) is held from
    ``first_date`` (the project's first record). Amounts without a value are skipped.
    """
    dated = []
    for a in amounts:
        if a.get("amount_usd") is None:
            continue
        when = _d(a.get("as_of")) or first_date
        if when is not None and when <= as_of:
            dated.append((when, int(a.get("id") or 0), a))
    if not dated:
        return None
    preferred = [x for x in dated if x[2].get("preferred")]
    return max(preferred or dated, key=lambda x: (x[0], x[1]))[2]


def _events_by(snap: _Snapshot, pid: str, as_of: dt.date) -> list[dict[str, Any]]:
    return [e for e in snap.events.get(pid, []) if _d(e["date"]) <= as_of]  # type: ignore[operator]


def _reached(events: list[dict[str, Any]]) -> int:
    """Index in :data:`STAGES` of the furthest stage reached, -1 if none."""
    stages = [FUNNEL_STAGE.get(e["status"], e["status"]) for e in events]
    return max((STAGES.index(x) for x in stages if x in STAGES), default=-1)


def _first_date(snap: _Snapshot, pid: str) -> dt.date | None:
    events = snap.events.get(pid, [])
    return _d(events[0]["date"]) if events else None


def _active(snap: _Snapshot, pid: str, as_of: dt.date) -> bool:
    events = _events_by(snap, pid, as_of)
    return bool(events) and events[-1]["status"] not in DROPPED


def excluded_projects(snap: _Snapshot, as_of: dt.date) -> dict[str, str]:
    """Projects left out on ``as_of`` because a linked project holds the same money: id -> link."""
    out: dict[str, str] = {}
    for link in snap.links:
        if link["relation"] in ("part-of", "same-money") and link["from_kind"] == "project" \
                and link["to_kind"] == "project" and _active(snap, link["to_id"], as_of):
            out[link["from_id"]] = link["id"]
    return out


def _part_of_call(parts: list[dict[str, Any]], call: Mapping[str, Any]) -> int | None:
    """The capital-call part a call draws on: by its component, else its deal tranche, else the
    pledge's only capital-call part; None where it matches no measurable part."""
    comp, tranche = call.get("component"), call.get("deal_tranche")
    cc = [i for i, p in enumerate(parts) if p["mechanism"] == "capital-call"]
    if comp:
        return next((i for i in cc if parts[i]["component"] == comp), None)
    if tranche:
        return next((i for i in cc if parts[i].get("deal_tranche") == tranche), None)
    return cc[0] if len(cc) == 1 else None


def _part_of_project(parts: list[dict[str, Any]], project: Mapping[str, Any]) -> int | None:
    comp = project.get("component")
    candidates = [i for i, p in enumerate(parts) if p["mechanism"] == "project"
                  and (comp is None or p["component"] == comp)]
    return candidates[0] if candidates else None


def weak_records(snap: _Snapshot, pledge_id: str) -> tuple[str, ...]:
    """The pledge's records (itself, its milestones, projects and claims) whose every source is an
    aggregator or unmarked."""
    out = []
    recs = [("pledge", snap.pledges[pledge_id])] + [
        ("milestone", m) for m in snap.milestones if m["pledge_id"] == pledge_id] + [
        ("project", p) for p in snap.projects.values() if p["pledge_id"] == pledge_id] + [
        ("claim", c) for c in snap.claims if c["pledge_id"] == pledge_id]
    for kind, rec in recs:
        marks = [snap.marks.get(u, {}).get("reliability") for u in rec["sources"]]
        if all(m is None or m in WEAK for m in marks):
            name = f"{rec['pledge_id']}@{rec['date']}/{rec['event']}" if kind == "milestone" else rec["id"]
            out.append(f"{kind}:{name}")
    return tuple(out)


def held_headline(snap: _Snapshot, pledge_id: str, as_of: dt.date) -> float | None:
    """The pledge's headline on ``as_of``: its latest revision dated by then, else as announced."""
    revised = [h for h in snap.headlines.get(pledge_id, []) if _d(h["as_of"]) <= as_of]  # type: ignore[operator]
    if revised:
        value = revised[-1]["amount_usd"]  # ordered by date, then id
        return None if value is None else float(value)
    value = snap.pledges[pledge_id]["headline_usd"]
    return None if value is None else float(value)


def funnel(snap: _Snapshot, pledge_id: str, as_of: dt.date, *, ceilings: bool = True) -> Funnel:
    """The funnel and the measures of one pledge on ``as_of`` (see the module docstring)."""
    p = snap.pledges[pledge_id]
    announced = _d(p["announced"])
    by_then = announced is None or announced <= as_of  # an undated pledge is shown, flagged
    keys = (*STAGES, "paused", "dropped")
    counts: dict[str, int] = {k: 0 for k in keys}
    firm: dict[str, float] = {k: 0.0 for k in keys}
    bounded: dict[str, float] = {k: 0.0 for k in keys}
    missing = estimated = fdi_n = planned_n = 0
    fdi = fdi_before = planned = 0.0
    excluded: dict[str, float] = {}
    skip = excluded_projects(snap, as_of)
    raw_parts = list(p["composition"] or [])
    built_by_part: dict[int, float] = defaultdict(float)
    mine = sorted(pid for pid, pr in snap.projects.items() if pr["pledge_id"] == pledge_id)
    for pid in mine:
        pr = snap.projects[pid]
        events = _events_by(snap, pid, as_of)
        if not events:
            continue
        current = events[-1]["status"]
        a = held_amount(snap.amounts.get(pid, []), as_of, _first_date(snap, pid))
        value = float(a["amount_usd"]) if a else 0.0
        first = _d(pr.get("first_announced")) or _first_date(snap, pid)
        before_pledge = announced is not None and first is not None and first < announced
        if pr["relation"] != "pledge":
            if by_then and current not in DROPPED:
                fdi += value
                fdi_n += 1
                if before_pledge:
                    fdi_before += value
            continue
        if pid in skip:
            excluded[pid] = value
            continue
        if before_pledge and current not in DROPPED:
            planned += value
            planned_n += 1
            continue
        if a is None:
            missing += 1
        elif a["estimate"] or a.get("bound", "exact") not in FIRM:
            estimated += 1
        into = bounded if a is not None and a.get("bound", "exact") not in FIRM else firm
        if current in DROPPED:
            counts["dropped"] += 1
            into["dropped"] += value
            continue
        if current == "paused":
            counts["paused"] += 1
            into["paused"] += value
        reached = _reached(events)
        for i in range(reached + 1):
            counts[STAGES[i]] += 1
            into[STAGES[i]] += value
        part = _part_of_project(raw_parts, pr)
        if part is not None and reached >= STAGES.index(BUILT[0]) and current != "paused":
            built_by_part[part] += value
    counted = {pid for pid in mine if snap.projects[pid]["relation"] == "pledge" and pid not in skip}
    call_project = {c["id"]: c["project_id"] for c in snap.calls}
    calls = [c for c in snap.calls if c["project_id"] in counted
             and _d(c["notice_date"]) <= as_of]  # type: ignore[operator]
    pays = [d for d in snap.disbursements if call_project.get(d["call_id"]) in counted
            and _d(d["date"]) <= as_of]  # type: ignore[operator]
    called_by_part: dict[int | None, float] = defaultdict(float)
    paid_by_part: dict[int | None, float] = defaultdict(float)
    call_part = {c["id"]: _part_of_call(raw_parts, c) for c in snap.calls}
    for c in calls:
        called_by_part[call_part[c["id"]]] += c["amount_usd"]
    for d in pays:
        paid_by_part[call_part[d["call_id"]]] += d["amount_usd"]
    parts = []
    for i, raw in enumerate(raw_parts):
        mech = raw["mechanism"]
        if mech == "capital-call":
            called_i: float | None = called_by_part.get(i, 0.0)
            work: float | None = paid_by_part.get(i, 0.0)
        elif mech == "project":
            called_i, work = None, built_by_part.get(i, 0.0)
        else:
            called_i = work = None
        parts.append(Part(label=raw["label"], component=raw["component"],
                          amount=raw.get("amount_usd") if by_then else None,
                          bound=raw.get("bound") or "exact", mechanism=mech,
                          mechanism_reason=raw.get("mechanism_reason"), called=called_i, at_work=work))
    amounts = {k: firm[k] + (bounded[k] if ceilings else 0.0) for k in keys}
    distributed = sum(d["amount_usd"] for d in snap.distributions
                      if d["project_id"] in counted and _d(d["date"]) <= as_of)  # type: ignore[operator]
    return Funnel(
        pledge=pledge_id, country=p["country"], as_of=as_of, announced=announced,
        announced_by_then=by_then, headline=held_headline(snap, pledge_id, as_of) if by_then else None,
        currency=p.get("currency") or "USD", price_year=p.get("price_year"),
        period_start=_d(p.get("period_start")), period_end=_d(p.get("period_end")), parts=tuple(parts),
        counts=counts, amounts=amounts, firm=firm, bounded=bounded, ceilings=ceilings,
        called=sum(c["amount_usd"] for c in calls), disbursed=sum(d["amount_usd"] for d in pays),
        distributed=distributed, missing_amounts=missing, estimated_amounts=estimated,
        excluded=excluded, previously_planned=planned, previously_planned_count=planned_n,
        related_fdi=fdi, related_fdi_count=fdi_n, related_fdi_planned_before=fdi_before,
        weak_sources=weak_records(snap, pledge_id))


def default_as_of(ledger: Ledger) -> dt.date:
    """The newest record's date (reports default to it, not to today)."""
    return ledger.newest_date() or dt.date.today()


def status_report(ledger: Ledger, as_of: dt.date | None = None, *, ceilings: bool = True) -> list[Funnel]:
    """Every pledge's funnel on ``as_of`` (default: the newest record's date)."""
    snap = snapshot(ledger)
    when = as_of or default_as_of(ledger)
    return [funnel(snap, pid, when, ceilings=ceilings) for pid in snap.pledges]


def timeline(ledger: Ledger, pledge_id: str, *, ceilings: bool = True) -> list[Funnel]:
    """A pledge's funnel on each date something happened to it: announcement, milestones, status
    changes, amounts, call notices and funding dates, payments."""
    snap = snapshot(ledger)
    if pledge_id not in snap.pledges:
        from pledgelab.ledger._errors import NotFound

        raise NotFound.record("pledge", pledge_id)
    mine = {pid for pid, pr in snap.projects.items() if pr["pledge_id"] == pledge_id}
    dates: set[dt.date] = set()
    if snap.pledges[pledge_id]["announced"]:
        dates.add(dt.date.fromisoformat(snap.pledges[pledge_id]["announced"]))
    dates.update(dt.date.fromisoformat(m["date"]) for m in snap.milestones if m["pledge_id"] == pledge_id)
    dates.update(dt.date.fromisoformat(h["as_of"]) for h in snap.headlines.get(pledge_id, []))
    for pid in mine:
        dates.update(dt.date.fromisoformat(e["date"]) for e in snap.events.get(pid, []))
        dates.update(dt.date.fromisoformat(a["as_of"]) for a in snap.amounts.get(pid, []) if a["as_of"])
    calls = [c for c in snap.calls if c["project_id"] in mine]
    dates.update(dt.date.fromisoformat(c["notice_date"]) for c in calls)
    call_ids = {c["id"] for c in calls}
    dates.update(dt.date.fromisoformat(d["date"]) for d in snap.disbursements if d["call_id"] in call_ids)
    return [funnel(snap, pledge_id, d, ceilings=ceilings) for d in sorted(dates)]


# -- claims ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimCheck:
    """A claim beside what the ledger held for the same measure and scope on the day it was made."""

    claim: dict[str, Any]
    ledger_value: float | None
    ledger_basis: str
    compared: tuple[str, ...]  # the records compared against ("pledge:JP-2025-09", ...)

    @property
    def verdict(self) -> str | None:
        value = self.claim.get("verdict")
        return None if value is None else str(value)


def _annual_cap(ledger: Ledger, pledge: Mapping[str, Any]) -> float | None:
    deal = ledger._deal(pledge.get("deal_id"))
    if deal is None:
        return None
    cap = deal.value("timeline.annual_cap")
    return None if cap is None else float(cap)


def _measure(ledger: Ledger, snap: _Snapshot, measure: str, funnels: list[Funnel]
             ) -> tuple[float | None, str]:
    """The ledger's value of ``measure`` summed over ``funnels``, and how it was taken."""
    if measure == "headline":
        return sum(f.headline or 0.0 for f in funnels), "headline"
    if measure == "cash":
        return (sum(p.amount or 0.0 for f in funnels for p in f.parts if p.component == "government-cash"),
                "government cash in the pledge's composition")
    if measure in ("up-front", "per-year"):
        caps = [_annual_cap(ledger, snap.pledges[f.pledge]) for f in funnels]
        if any(c is None for c in caps):
            return None, "no calendar-year cap in the term sheet (or no term sheet)"
        what = "the most that can be called in one calendar year" if measure == "up-front" \
            else "the calendar-year cap"
        return sum(c or 0.0 for c in caps), f"{what} (timeline.annual_cap of the term sheet)"
    if measure in ("interest", "selected", "operating"):
        return (sum(f.firm[measure] + f.bounded[measure] for f in funnels),
                f"projects at {measure} or beyond, 'up to' amounts included")
    if measure == "called":
        return sum(f.called for f in funnels), "capital calls noticed"
    if measure == "at-work":
        measurable = [f.at_work for f in funnels if f.at_work is not None]
        if not measurable:
            return None, "not measurable: no part of the pledge has a payment mechanism"
        return sum(measurable), "at work in the measurable parts (disbursed; company projects built)"
    return None, "not a ledger measure"


def check_claim(ledger: Ledger, snap: _Snapshot, claim: Mapping[str, Any]) -> ClaimCheck:
    """One claim compared within its scope on the day it was made (see the module docstring)."""
    when = dt.date.fromisoformat(claim["said_on"])
    scope = claim.get("scope") or "pledge"
    measure = claim["measure"]
    note = ""
    if scope == "project":
        pid = claim["project_id"]
        pr = snap.projects[pid]
        a = held_amount(snap.amounts.get(pid, []), when, _first_date(snap, pid))
        events = _events_by(snap, pid, when)
        reached = _reached(events)
        amount = float(a["amount_usd"]) if a else None
        value: float | None
        if measure in ("interest", "selected", "operating", "headline"):
            stage = "interest" if measure == "headline" else measure
            value = amount if amount is not None and reached >= STAGES.index(stage) else 0.0
            basis = f"project {pid} at {stage} or beyond on {when}"
        elif measure in ("called", "at-work"):
            calls = [c for c in snap.calls if c["project_id"] == pid
                     and _d(c["notice_date"]) <= when]  # type: ignore[operator]
            call_ids = {c["id"] for c in calls}
            value = sum(c["amount_usd"] for c in calls) if measure == "called" else sum(
                d["amount_usd"] for d in snap.disbursements if d["call_id"] in call_ids
                and _d(d["date"]) <= when)  # type: ignore[operator]
            basis = f"project {pid}: {'called' if measure == 'called' else 'disbursed'} by {when}"
        else:
            value, basis = None, "not a ledger measure for one project"
        return ClaimCheck(claim=dict(claim), ledger_value=value, ledger_basis=basis,
                          compared=(f"project:{pid}", f"pledge:{pr['pledge_id']}"))
    ids: list[str]
    if scope == "pledge":
        ids = [claim["pledge_id"]]
    elif scope == "several":
        ids = list(claim.get("pledge_ids") or [])
    else:
        ids = [pid for pid, p in snap.pledges.items()
               if p["announced"] and dt.date.fromisoformat(p["announced"]) <= when]
        undated = [pid for pid, p in snap.pledges.items() if not p["announced"]]
        note = f"; every pledge announced by {when} ({len(ids)})"
        if undated:
            note += f", not {', '.join(undated)} (announcement date unknown)"
    counted_elsewhere = {x["from_id"] for x in snap.links if x["relation"] in ("part-of", "same-money")
                         and x["from_kind"] == "pledge" and x["to_kind"] == "pledge" and x["to_id"] in ids}
    if counted_elsewhere & set(ids):
        ids = [pid for pid in ids if pid not in counted_elsewhere]
        note += (f"; counted once: {', '.join(sorted(counted_elsewhere))} "
                 "(linked to a pledge with the same money)")
    funnels = []
    for pid in ids:
        f = funnel(snap, pid, when)
        if not f.announced_by_then and scope != "all":
            # A claim about a pledge made before it was signed is set against its terms as signed.
            f = funnel(snap, pid, f.announced or when)
            note += f"; {pid} was announced on {f.announced}, after the claim: its terms as signed"
        funnels.append(f)
    value, basis = _measure(ledger, snap, measure, funnels)
    return ClaimCheck(claim=dict(claim), ledger_value=value, ledger_basis=f"{basis}{note}",
                      compared=tuple(f"pledge:{pid}" for pid in ids))


def claims_check(ledger: Ledger, pledge_id: str | None = None) -> list[ClaimCheck]:
    """Claims (about one pledge or its projects, or all claims) each checked within its scope."""
    snap = snapshot(ledger)
    out = []
    for c in snap.claims:
        if pledge_id is not None and c["pledge_id"] != pledge_id \
                and pledge_id not in (c.get("pledge_ids") or []):
            continue
        out.append(check_claim(ledger, snap, c))
    return out


# -- ClaimReview (schema.org) ------------------------------------------------------------------

RATINGS = {"accurate": 4, "misleading": 2, "false": 1}
"""ClaimReview ``ratingValue`` on a 1-4 scale; an unverifiable claim gets no number."""
CLAIMREVIEW_CONTEXT = "https://schema.org"


def claim_review(check: ClaimCheck) -> dict[str, Any]:
    """A claim and its verdict as schema.org ClaimReview JSON-LD (the fact-checkers' format).

    Everything the ledger knows that ClaimReview has no field for (measure, scope,
    amounts, the records compared) is kept under ``pledgelab``, so the record
    comes back whole from :func:`claim_from_review`.
    """
    c = check.claim
    verdict = c.get("verdict")
    rating: dict[str, Any] = {"@type": "Rating", "bestRating": 4, "worstRating": 1,
                              "alternateName": verdict.title() if verdict else "Not reviewed"}
    if verdict in RATINGS:
        rating["ratingValue"] = RATINGS[verdict]
    return {
        "@context": CLAIMREVIEW_CONTEXT,
        "@type": "ClaimReview",
        "identifier": c["id"],
        "claimReviewed": c["quote"],
        "datePublished": c.get("reviewed_on"),
        "author": {"@type": "Organization", "name": c.get("reviewer")},
        "reviewBody": c.get("reasoning"),
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Thing", "name": c["claimant"]},
            "datePublished": c["said_on"],
            "appearance": [{"@type": "CreativeWork", "url": u} for u in c["sources"]],
        },
        "isBasedOn": list(c.get("rests_on") or []),
        "pledgelab": {
            "measure": c["measure"], "scope": c.get("scope"), "pledge_id": c.get("pledge_id"),
            "project_id": c.get("project_id"), "pledge_ids": list(c.get("pledge_ids") or []),
            "amount_usd": c.get("amount_usd"), "verified": c["verified"], "note": c.get("note"),
            "ledger_value_usd": check.ledger_value, "ledger_basis": check.ledger_basis,
            "compared": list(check.compared),
        },
    }


def claim_from_review(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The claim record of a :func:`claim_review` document (what ``ledger.add("claim", ...)`` takes)."""
    if doc.get("@type") != "ClaimReview":
        raise ValueError("not a ClaimReview document")
    item = doc["itemReviewed"]
    extra = doc.get("pledgelab") or {}
    name = (doc.get("reviewRating") or {}).get("alternateName") or ""
    verdict = name.lower() if name.lower() in (*RATINGS, "unverifiable") else None
    return {
        "id": doc["identifier"], "claimant": item["author"]["name"], "said_on": item["datePublished"],
        "quote": doc["claimReviewed"], "sources": [a["url"] for a in item.get("appearance", [])],
        "verdict": verdict, "reasoning": doc.get("reviewBody"),
        "reviewer": (doc.get("author") or {}).get("name"), "reviewed_on": doc.get("datePublished"),
        "rests_on": list(doc.get("isBasedOn") or []), "measure": extra.get("measure", "other"),
        "scope": extra.get("scope"), "pledge_id": extra.get("pledge_id"),
        "project_id": extra.get("project_id"), "pledge_ids": list(extra.get("pledge_ids") or []),
        "amount_usd": extra.get("amount_usd"), "verified": extra.get("verified"),
        "note": extra.get("note"),
    }


def source_marks(ledger: Ledger, urls: Iterable[str]) -> list[tuple[str, str]]:
    """``(url, reliability)`` for each URL; ``unmarked`` where the ledger has no mark for it."""
    snap = snapshot(ledger)
    return [(u, snap.marks.get(u, {}).get("reliability") or "unmarked") for u in urls]
