"""Reports: headline against interest, selected, funded and operating — and the claims beside them.

The **funnel** of a pledge on a date counts each project once, at every stage
of :data:`~pledgelab.ledger._rules.STAGES` it had reached by then (so
"selected" includes projects since noticed or funded). Declined and cancelled
projects leave the funnel and are shown apart; paused ones stay at the stage
they reached. A project's amount is its ``preferred`` variant, else its first
stated one; projects with no amount are counted as missing, never as zero.
Related corporate FDI is shown apart and never added to the pledge.

**Money at work** is what was actually disbursed against capital calls: its
share of the headline is the honest answer to "how much of the pledge is
already invested".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
    Milestone,
    Pledge,
    Project,
    StatusEvent,
    as_dict,
)
from pledgelab.ledger._rules import STAGES

if TYPE_CHECKING:
    from pledgelab.ledger._ledger import Ledger

DROPPED = ("declined", "cancelled")


@dataclass(frozen=True, slots=True, kw_only=True)
class Funnel:
    """One pledge on one date."""

    pledge: str
    country: str
    as_of: dt.date
    headline: float | None
    counts: dict[str, int]  # stage (and "dropped", "paused") -> projects
    amounts: dict[str, float]  # stage (and "dropped", "paused") -> USD
    called: float
    disbursed: float
    distributed: float
    missing_amounts: int
    estimated_amounts: int
    related_fdi: float
    related_fdi_count: int

    @property
    def at_work_share(self) -> float | None:
        """Share of the headline actually disbursed (money at work)."""
        return self.disbursed / self.headline if self.headline else None


@dataclass(slots=True)
class _Snapshot:
    pledges: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    amount: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    disbursements: list[dict[str, Any]] = field(default_factory=list)
    distributions: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)


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
        snap.projects = {p.id: as_dict(p) for p in s.scalars(select(Project).order_by(Project.id))}
        for e in s.scalars(select(StatusEvent).order_by(StatusEvent.date, StatusEvent.id)):
            snap.events[e.project_id].append(as_dict(e))
        for a in s.scalars(select(Amount).order_by(Amount.id)):
            best = snap.amount.get(a.project_id)
            if a.amount_usd is None:
                continue
            if best is None or (a.preferred and not best["preferred"]):
                snap.amount[a.project_id] = as_dict(a)
        snap.calls = [as_dict(c) for c in s.scalars(select(CapitalCall).order_by(CapitalCall.id))]
        snap.disbursements = [as_dict(d) for d in s.scalars(select(Disbursement).order_by(Disbursement.id))]
        snap.distributions = [as_dict(d) for d in s.scalars(select(Distribution).order_by(Distribution.id))]
        snap.milestones = [as_dict(m) for m in s.scalars(select(Milestone).order_by(Milestone.date))]
        snap.claims = [as_dict(c) for c in s.scalars(select(Claim).order_by(Claim.said_on, Claim.id))]
    ledger._report_cache = (mark, snap)
    return snap


def funnel(snap: _Snapshot, pledge_id: str, as_of: dt.date) -> Funnel:
    """The funnel of one pledge on ``as_of`` (see the module docstring)."""
    p = snap.pledges[pledge_id]
    counts: dict[str, int] = {k: 0 for k in (*STAGES, "paused", "dropped")}
    amounts: dict[str, float] = {k: 0.0 for k in counts}
    missing = estimated = fdi_n = 0
    fdi = 0.0
    call_project = {c["id"]: c["project_id"] for c in snap.calls}
    mine = {pid for pid, pr in snap.projects.items() if pr["pledge_id"] == pledge_id}
    for pid in sorted(mine):
        pr = snap.projects[pid]
        events = [e for e in snap.events.get(pid, []) if _d(e["date"]) <= as_of]  # type: ignore[operator]
        if not events:
            continue
        a = snap.amount.get(pid)
        value = float(a["amount_usd"]) if a else 0.0
        if pr["relation"] != "pledge":
            fdi += value
            fdi_n += 1
            continue
        if a is None:
            missing += 1
        elif a["estimate"]:
            estimated += 1
        current = events[-1]["status"]
        reached = [STAGES.index(e["status"]) for e in events if e["status"] in STAGES]
        if current in DROPPED:
            counts["dropped"] += 1
            amounts["dropped"] += value
            continue
        if current == "paused":
            counts["paused"] += 1
            amounts["paused"] += value
        for i in range(max(reached, default=-1) + 1):
            counts[STAGES[i]] += 1
            amounts[STAGES[i]] += value
    called = sum(c["amount_usd"] for c in snap.calls
                 if c["project_id"] in mine and _d(c["notice_date"]) <= as_of  # type: ignore[operator]
                 and snap.projects[c["project_id"]]["relation"] == "pledge")
    disbursed = sum(d["amount_usd"] for d in snap.disbursements
                    if call_project.get(d["call_id"]) in mine and _d(d["date"]) <= as_of  # type: ignore[operator]
                    and snap.projects[call_project[d["call_id"]]]["relation"] == "pledge")
    distributed = sum(d["amount_usd"] for d in snap.distributions
                      if d["project_id"] in mine and _d(d["date"]) <= as_of)  # type: ignore[operator]
    return Funnel(pledge=pledge_id, country=p["country"], as_of=as_of, headline=p["headline_usd"],
                  counts=counts, amounts=amounts, called=called, disbursed=disbursed,
                  distributed=distributed, missing_amounts=missing, estimated_amounts=estimated,
                  related_fdi=fdi, related_fdi_count=fdi_n)


def status_report(ledger: Ledger, as_of: dt.date | None = None) -> list[Funnel]:
    """Every pledge's funnel on ``as_of`` (default today)."""
    snap = snapshot(ledger)
    when = as_of or dt.date.today()
    return [funnel(snap, pid, when) for pid in snap.pledges]


def timeline(ledger: Ledger, pledge_id: str) -> list[Funnel]:
    """A pledge's funnel on each date something happened to it (announcement, milestones, events)."""
    snap = snapshot(ledger)
    if pledge_id not in snap.pledges:
        from pledgelab.ledger._errors import NotFound

        raise NotFound.record("pledge", pledge_id)
    mine = {pid for pid, pr in snap.projects.items() if pr["pledge_id"] == pledge_id}
    dates: set[dt.date] = set()
    if snap.pledges[pledge_id]["announced"]:
        dates.add(dt.date.fromisoformat(snap.pledges[pledge_id]["announced"]))
    dates.update(dt.date.fromisoformat(m["date"]) for m in snap.milestones if m["pledge_id"] == pledge_id)
    for pid in mine:
        dates.update(dt.date.fromisoformat(e["date"]) for e in snap.events.get(pid, []))
    call_ids = {c["id"] for c in snap.calls if c["project_id"] in mine}
    dates.update(dt.date.fromisoformat(d["date"]) for d in snap.disbursements if d["call_id"] in call_ids)
    return [funnel(snap, pledge_id, d) for d in sorted(dates)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimCheck:
    """A claim beside what the ledger held for the same measure on the day it was made."""

    claim: dict[str, Any]
    ledger_value: float | None
    ledger_basis: str


_BASIS = {"interest": "interest", "selected": "selected", "operating": "operating"}


def claims_check(ledger: Ledger, pledge_id: str | None = None) -> list[ClaimCheck]:
    """Claims (of one pledge, or all) with the ledger's value for the claimed measure on that date.

    A claim about all pledges (no pledge) is set against the sum over every pledge in the ledger.
    """
    snap = snapshot(ledger)
    out = []
    for c in snap.claims:
        if pledge_id is not None and c["pledge_id"] != pledge_id:
            continue
        when = dt.date.fromisoformat(c["said_on"])
        pledges = [c["pledge_id"]] if c["pledge_id"] else list(snap.pledges)
        funnels = [funnel(snap, pid, when) for pid in pledges]
        metric = c["metric"]
        value: float | None
        if metric == "headline":
            value = sum(f.headline or 0.0 for f in funnels)
            basis = "headline of the pledge" if c["pledge_id"] else "sum of the ledger's headlines"
        elif metric in _BASIS:
            value = sum(f.amounts[_BASIS[metric]] for f in funnels)
            basis = f"projects at {metric} or beyond on {when}"
        elif metric in ("funded", "deployed"):
            value = sum(f.disbursed for f in funnels)
            basis = f"disbursed by {when}"
        else:
            value, basis = None, "not a ledger measure"
        out.append(ClaimCheck(claim=c, ledger_value=value, ledger_basis=basis))
    return out
