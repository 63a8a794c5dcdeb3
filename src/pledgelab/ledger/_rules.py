"""The deal's rules, applied to what the ledger records. Nothing here re-implements a clause.

Every number comes from the pledge's term sheet (``pledgelab.terms``) and every
calculation from the code the deterministic engine uses:

* **selection deadline** — a notice (or a capital call) dated after
  ``timeline.selection_deadline`` breaks it (the engine's schedule: "a project
  noticed after the selection deadline is not financed");
* **earliest funding date** — a call funded before
  :func:`pledgelab.engine.earliest_funding` of its notice (``timeline.funding_lag``
  counted on ``timeline.funding_calendar``) breaks the funding lag;
* **calendar-year cap** — which tranches finance a project is
  :func:`pledgelab.engine.financing_shares`; the investor's part on
  tranches that ``counts_toward_cap`` may not take a calendar year's calls
  above ``timeline.annual_cap``;
* **tranche size** — calls on a tranche may not exceed its ``amount``;
* **non-funding** — a noticed project the investor declines triggers the
  ``non_funding`` clauses; they are recorded with the status change.

The ledger's own rule is one table of status transitions (:data:`TRANSITIONS`),
used for every write by the library, the command line and the API: a project
moves only along it, never to an earlier date, and money moves it — a capital
call takes a selected project to ``notice``, the first payment takes a noticed
one to ``funded``; neither status can be set by hand. A rule can be broken only
with an explicit override reason, which is stored with the record and in the
audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pledgelab._errors import InputError, Problem
from pledgelab.engine import SLACK, earliest_funding, financing_shares, investor_share
from pledgelab.ledger._errors import RuleViolation, Violation
from pledgelab.pipeline import Project as PipelineProject
from pledgelab.terms import Clause, Status, TermSheet, load_deal, shipped

STAGES = ("interest", "recommended", "selected", "notice", "funded", "under-construction",
          "operating")
"""The path of a project from a company's stated interest to a working plant (the funnel)."""
CORPORATE = ("announced", "financial-close")
"""Stages of a company's own project (Clean Investment Monitor: announced, under construction,
operating); they count in the funnel as ``interest`` and ``funded``."""
OFF_TRACK = ("declined", "paused", "cancelled", "retired")
STATUSES = (*STAGES, *CORPORATE, *OFF_TRACK)
FUNNEL_STAGE = {"announced": "interest", "financial-close": "funded"}
"""The funnel stage a corporate status counts at."""
BY_MONEY = {"notice": "a capital call", "funded": "a payment (disbursement) against a call"}
"""Statuses only money sets: a call notices a selected project, its first payment funds it."""

_ALIVE = ("cancelled", "paused")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "interest": ("recommended", "selected", "announced", "declined", *_ALIVE),
    "recommended": ("selected", "declined", *_ALIVE),
    "selected": ("notice", "declined", *_ALIVE),
    "notice": ("funded", "declined", *_ALIVE),
    "funded": ("under-construction", *_ALIVE),
    "announced": ("financial-close", "under-construction", *_ALIVE),
    "financial-close": ("under-construction", *_ALIVE),
    "under-construction": ("operating", *_ALIVE),
    "operating": ("paused", "retired"),
    "paused": ("cancelled",),  # or resume: back to the status held before the pause, or on from it
    "declined": (),
    "cancelled": (),
    "retired": (),
}
"""Every allowed status change, one table for the library, the command line and the API.

A paused project resumes at the status it held before the pause (or moves on from it,
as that status allows), or is cancelled."""
FIRST_STATUSES = ("interest", "recommended", "selected", "announced", "financial-close",
                  "under-construction", "operating")
"""Statuses a project may be entered at; ``notice`` and ``funded`` come only with money."""
STATUS_ORDER_RULE = "ledger.status_transitions"
STATUS_ORDER_CITE = "docs/ledger.md#statuses: one table of allowed status changes"
MECHANISM_RULE = "ledger.payment_mechanism"
MECHANISM_CITE = "docs/ledger.md#methodology: a capital call needs a part of the pledge paid by calls"
DUPLICATE_RULE = "ledger.no_double_counting"
DUPLICATE_CITE = "docs/ledger.md#inclusion-rules: the same company, state, site and amount twice"


def allowed_next(current: str, before_pause: str | None = None) -> tuple[str, ...]:
    """The statuses :data:`TRANSITIONS` allows after ``current`` (resuming a pause included)."""
    if current == "paused" and before_pause is not None and before_pause != "paused":
        return (before_pause, *(s for s in TRANSITIONS[before_pause] if s != "paused"),
                *TRANSITIONS["paused"])
    return TRANSITIONS[current]


def transition(current: str, new: str, *, before_pause: str | None = None) -> list[Violation]:
    """A violation unless :data:`TRANSITIONS` allows ``current`` → ``new``."""
    options = allowed_next(current, before_pause)
    if new in options:
        return []
    return [Violation(clause=STATUS_ORDER_RULE, citation=STATUS_ORDER_CITE,
                      message=f"{current} cannot change to {new}; allowed from {current}: "
                              f"{', '.join(options) or 'none (a final status)'}")]


def _cite(clause: Clause) -> str:
    return clause.cite().removeprefix("clauses.")


def violation(clause: Clause, message: str) -> Violation:
    """A :class:`Violation` of ``clause``, located at its line of the deal file."""
    return Violation(clause=clause.path.removeprefix("clauses."), citation=_cite(clause),
                     message=message, file=clause.file, line=clause.line)


def deal_for(deal_id: str | None) -> TermSheet | None:
    """The pledge's term sheet, or None where the pledge has no written mechanics."""
    if not deal_id:
        return None
    if deal_id not in (*shipped("deals"), *shipped("scenarios")):  # a stored value is never a path
        raise InputError([Problem("ledger", 0, "pledge.deal_id",
                                  f"{deal_id[:60]!r} is not a shipped deal or scenario id")])
    return load_deal(deal_id)


def stand_in(sector: str, notice: dt.date) -> PipelineProject:
    """The smallest pipeline project ``financing_shares`` needs: it reads only the sector."""
    when = Clause(path="ledger.notice_date", value=notice, unit="date", label="notice",
                  status=Status.REPORTED)
    capex = Clause(path="ledger.amount", value=0.0, unit="USD", label="amount",
                   status=Status.REPORTED)
    return PipelineProject(id="ledger", name="ledger", archetype="ledger", sector=sector,
                           state=None, decision="fund", capex=capex, notice_date=when, params={})


def shares_of(deal: TermSheet, *, sector: str, notice: dt.date, deal_tranche: str | None) -> dict[str, float]:
    """Which deal tranches finance a call: the one named, else the engine's rule by sector
    (:func:`pledgelab.engine.financing_shares`); empty if no tranche is open to it."""
    if deal_tranche:
        tranches = [t.id for t in deal.tranches]
        if deal_tranche not in tranches:
            raise RuleViolation([Violation(
                clause="tranches", citation=deal.file,
                message=f"{deal.id} has no tranche {deal_tranche!r}; tranches: {', '.join(tranches)}")])
        return {deal_tranche: 1.0}
    return financing_shares(deal, stand_in(sector, notice))


@dataclass(frozen=True, slots=True, kw_only=True)
class CallCheck:
    """What the rules say about one capital call."""

    earliest_funding: dt.date
    shares: dict[str, float]  # deal tranche -> share of the call
    capped_usd: float  # the investor's part that counts toward the annual cap
    violations: tuple[Violation, ...]


def check_deadline(deal: TermSheet, when: dt.date, what: str) -> list[Violation]:
    deadline = deal.clause("timeline.selection_deadline")
    if when > deadline.value:
        return [violation(deadline, f"{what} {when} is after the selection deadline {deadline.value}")]
    return []


def check_call(deal: TermSheet, *, sector: str, notice: dt.date, funding_date: dt.date,
               amount: float, deal_tranche: str | None,
               capped_in_year: float, called_on_tranche: Mapping[str, float]) -> CallCheck:
    """Check a capital call against the deal's timeline and tranche clauses.

    ``capped_in_year`` is what earlier calls funded in ``funding_date``'s calendar
    year already count toward the cap; ``called_on_tranche`` what earlier calls
    took from each tranche.
    """
    out = check_deadline(deal, notice, "the notice of selection")
    lag = deal.clause("timeline.funding_lag")
    calendar = str(deal.value("timeline.funding_calendar"))
    earliest = earliest_funding(deal, notice)
    if funding_date < notice:
        out.append(violation(lag, f"funding date {funding_date} is before the notice {notice}"))
    elif funding_date < earliest:
        out.append(violation(lag, f"funding date {funding_date} is before the earliest funding date "
                             f"{earliest} ({lag.value} {lag.unit} after the notice {notice}, "
                             f"{calendar} calendar)"))
    tranches = {t.id: t for t in deal.tranches}
    shares = shares_of(deal, sector=sector, notice=notice, deal_tranche=deal_tranche)
    if not shares:
        first = deal.tranches[0].clauses["sectors"]
        out.append(violation(first, f"no tranche of {deal.id} is open to sector {sector!r}"))
    capped = investor_share(deal, shares, capped_only=True) * amount
    for tid, share in shares.items():
        part = share * amount
        size = tranches[tid].clauses["amount"]
        taken = called_on_tranche.get(tid, 0.0)
        if taken + part > float(size.value) + SLACK:
            out.append(violation(size, f"calls on tranche {tid} would reach {taken + part:,.0f} USD, "
                                 f"more than its {float(size.value):,.0f} USD"))
    cap = deal.clause("timeline.annual_cap")
    if cap.value is not None and capped > 0 and capped_in_year + capped > float(cap.value) + SLACK:
        out.append(violation(cap, f"calls funded in {funding_date.year} would reach "
                             f"{capped_in_year + capped:,.0f} USD against the cap of "
                             f"{float(cap.value):,.0f} USD a calendar year "
                             f"({capped_in_year:,.0f} already called)"))
    return CallCheck(earliest_funding=earliest, shares=shares, capped_usd=capped,
                     violations=tuple(out))


def check_status(deal: TermSheet | None, *, current: str, current_date: dt.date,
                 new: str, date: dt.date, before_pause: str | None = None,
                 by_money: bool = False) -> list[Violation]:
    """Check a status change: the transition table, its date, money-only statuses, the deadline.

    ``by_money`` marks a change made by a capital call or a payment (see :data:`BY_MONEY`).
    """
    out: list[Violation] = []
    if date < current_date:
        out.append(Violation(clause=STATUS_ORDER_RULE, citation=STATUS_ORDER_CITE,
                             message=f"{new} on {date} is before the current status "
                                     f"{current} of {current_date}"))
    if new in BY_MONEY and not by_money:
        out.append(Violation(clause=STATUS_ORDER_RULE, citation=STATUS_ORDER_CITE,
                             message=f"{new} is set by {BY_MONEY[new]}, not by hand: record the "
                                     f"{'call' if new == 'notice' else 'payment'}"))
    else:
        out.extend(transition(current, new, before_pause=before_pause))
    if deal is not None and new in ("selected", "notice"):
        out.extend(check_deadline(deal, date, f"{new} on"))
    return out


def company_key(company: str | None) -> str:
    """A company name compared without case, spaces or punctuation."""
    return "".join(ch for ch in (company or "").casefold() if ch.isalnum())


def same_amount(a: float | None, b: float | None, *, tolerance: float = 0.01) -> bool:
    """Two amounts within ``tolerance`` (1%) of the larger: the same money reported twice."""
    if a is None or b is None:
        return False
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1.0)


def duplicate(new: Mapping[str, object], amount: float | None, other: Mapping[str, object],
              other_amount: float | None) -> Violation | None:
    """A violation when ``new`` has the same company, state (and site) and amount as ``other``."""
    key = company_key(str(new.get("company") or ""))
    if not key or key != company_key(str(other.get("company") or "")):
        return None
    if new.get("state") != other.get("state"):
        return None
    if new.get("site") and other.get("site") and \
            company_key(str(new["site"])) != company_key(str(other["site"])):
        return None
    if not same_amount(amount, other_amount):
        return None
    return Violation(clause=DUPLICATE_RULE, citation=DUPLICATE_CITE,
                     message=f"same company, state and amount as project {other['id']!r} under pledge "
                             f"{other['pledge_id']!r}: the same money would count twice; link the "
                             "records (part-of / same-money) or give an override reason")


def non_funding_consequences(deal: TermSheet | None) -> list[dict[str, str]]:
    """The ``non_funding`` clauses that apply when the investor declines a noticed project."""
    if deal is None:
        return []
    out = []
    for c in deal.all_clauses():
        if c.path.removeprefix("clauses.").startswith("non_funding."):
            value = "at the rate the President determines" if c.value is None else str(c.value)
            out.append({"clause": c.path.removeprefix("clauses."), "label": c.label,
                        "value": value, "citation": _cite(c)})
    return out


def enforce(violations: Iterable[Violation], override: str | None) -> list[dict[str, str]]:
    """Raise :class:`RuleViolation` unless an override reason is given; else the record of it."""
    found = list(violations)
    if not found:
        return []
    if not override or not override.strip():
        raise RuleViolation(found)
    return [{**v.as_dict(), "override": override.strip()} for v in found]
