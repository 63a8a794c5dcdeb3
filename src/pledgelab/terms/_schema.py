"""The term-sheet schema: what a pledge's clauses are and how they are checked.

A term sheet is a YAML file (see ``docs/term-sheets.md``) with parties, a
table of references, and clauses grouped in sections. Every clause is a
:class:`~pledgelab._cited.Clause`. This module knows the sections and
the rules that tie clauses together (tranches sum to the headline, tier
shares sum to one, dates in order); it knows nothing of paths or databases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pledgelab._cited import (
    Checker,
    Clause,
    ClauseSpec,
    Located,
    Reference,
    YMap,
    check_header,
    read_yaml,
)
from pledgelab._errors import InputError, Problem, UnknownNameError
from pledgelab.terms._currency import CurrencyChecker

SCHEMA_ID = "pledgelab.term-sheet/1"

ROLES = ("host", "investor", "investor-firms", "lenders")
METHODS = ("cash-capital-call", "equity", "loan", "guarantee", "corporate-fdi", "ship-finance")
HURDLES = ("principal", "deemed-allocation-amount", "end")
CALENDARS = ("US", "KR", "JP", "US+KR", "US+JP", "weekdays")
SECTORS = ("energy", "semiconductors", "pharmaceuticals", "critical-minerals", "metals",
           "shipbuilding", "batteries", "automobiles", "aviation", "ai", "quantum-computing")
"""Sector names a tranche, archetype or project may use (a tranche may also say ``any``)."""

_MONEY = ClauseSpec(units=("USD",), kind="money")
_RATE = ClauseSpec(units=("per-year",), kind="rate", maximum=1.0)
_FRACTION = ClauseSpec(units=("fraction",), kind="fraction")
_MONTHS = ClauseSpec(units=("months",), kind="count", minimum=1)
_FLAG = ClauseSpec(units=("flag",), kind="flag")

# who pays capital calls beyond the investor's agreed amount (a cost overrun): the investor without
# limit (the first reading, also when a deal has no such clause), the host, or nobody (the project
# is abandoned when the investor can no longer pay its next call in full)
OVERRUN_READINGS = ("investor-unlimited", "host-beyond-cap", "abandon-at-cap")
# past a guarantee limit: the lenders bear the rest (their loss), or the guarantor pays regardless
BEYOND_GUARANTEE_LIMIT = ("lender-loss", "guarantor-pays")
# a loan whose tenor outlasts the project: amortised within the project's life, or a balloon of
# whatever is left in the project's last month
BEYOND_LIFE = ("amortise-within-life", "balloon-at-end")

# the deemed allocation amount: compounding on the unrecovered balance (three conventions) or a
# per-period schedule (interest on principal not yet due, principal over the project's life,
# shortfalls carried forward)
DEEMED_CONVENTIONS = ("monthly", "annual-effective", "simple", "per-period")
REVIEW_READINGS = ("realised", "projected")
# what the engine does with a project that fails the "commercially reasonable" screen
SCREEN_FAILURE = ("financed-with-consent", "not-financed", "declined")

SECTIONS: dict[str, dict[str, tuple[ClauseSpec, bool]]] = {
    # section -> clause -> (spec, required)
    "amount": {"headline": (_MONEY, True),
               "overrun_payer": (ClauseSpec(units=("rule",), kind="choice", choices=OVERRUN_READINGS),
                                 False),
               "guarantee_limit": (ClauseSpec(units=("USD",), kind="money", nullable=True), False),
               "beyond_guarantee_limit": (ClauseSpec(units=("rule",), kind="choice",
                                                     choices=BEYOND_GUARANTEE_LIMIT), False),
               # what the host contributes in kind (recorded, not valued): names, e.g. federal-land-leases
               "host_in_kind": (ClauseSpec(units=("contributions",), kind="text-list"), False)},
    "timeline": {
        "selection_deadline": (ClauseSpec(units=("date",), kind="date"), True),
        "funding_lag": (
            ClauseSpec(units=("calendar-days", "business-days"), kind="count", minimum=0), True),
        "funding_calendar": (ClauseSpec(units=("holiday-calendar",), kind="choice",
                                        choices=CALENDARS), True),
        "annual_cap": (ClauseSpec(units=("USD/calendar-year",), kind="money", nullable=True), True),
        "pacing": (ClauseSpec(units=("rule",), kind="choice",
                              choices=("as-called", "instalments", "up-front")), True),
        "instalment_amount": (ClauseSpec(units=("USD/calendar-year",), kind="money"), False),
        "instalment_years": (ClauseSpec(units=("years",), kind="count", minimum=1), False),
        "first_funding": (ClauseSpec(units=("date",), kind="date"), False),
        "vehicle_cash_rate": (_RATE, False),
        "undeployed_cash": (ClauseSpec(units=("rule",), kind="choice",
                                       choices=("returned-at-end", "returned-when-idle",
                                                "retained-by-host")), False),
    },
    "distribution": {
        "tiers": (ClauseSpec(units=("tiers",), kind="tiers"), True),
        "deemed_benchmark": (_RATE, True),
        "deemed_spread": (_RATE, True),
        "deemed_compounding": (ClauseSpec(units=("convention",), kind="choice",
                                          choices=DEEMED_CONVENTIONS), True),
        "application": (ClauseSpec(units=("rule",), kind="choice",
                                   choices=("per-project", "pooled")), True),
        "review_horizon": (ClauseSpec(units=("months",), kind="count", minimum=1, nullable=True),
                           True),
        "review_action": (ClauseSpec(units=("rule",), kind="choice",
                                     choices=("report-only", "adjust-shares")), True),
        "review_shares": (ClauseSpec(units=("shares",), kind="shares"), False),
        # how the review clause is read: realised non-recovery at the horizon, or a projection
        # tested every review_interval months (engine/_waterfall.py); absent: realised
        "review_reading": (ClauseSpec(units=("rule",), kind="choice", choices=REVIEW_READINGS),
                           False),
        "review_interval": (_MONTHS, False),
        "loss_treatment": (ClauseSpec(units=("rule",), kind="choice",
                                      choices=("investor-bears", "capital-first", "host-clawback")),
                           True),
        # the host's tax on project income, credited to the host beside the outcomes (the project
        # yields are after it): analysis.host_tax; the engine's flows do not change
        "host_tax_rate": (_FRACTION, False),
    },
    "non_funding": {
        "tariff_step_up": (ClauseSpec(units=("tariff-rate",), kind="rate", maximum=1.0,
                                      nullable=True), True),
        "distribution_diversion": (_FLAG, True),
        "step_up_years": (ClauseSpec(units=("years",), kind="number"), False),
    },
    "fx_safeguard": {"available": (_FLAG, True)},
    # who selects projects and the screen they pass (engine/_governance.py); optional section
    "governance": {
        "investment_committee": (_FLAG, True),
        "consultation_committee": (_FLAG, True),
        "president_selects": (_FLAG, True),
        "commercially_reasonable": (_FLAG, True),
        "assembly_consent": (_FLAG, False),
        "screen_failure": (ClauseSpec(units=("rule",), kind="choice", choices=SCREEN_FAILURE),
                           False),
    },
}
OPTIONAL_SECTIONS = ("governance",)
"""Sections a term sheet may leave out (the others are required)."""

_TRANCHE_COMMON: dict[str, tuple[ClauseSpec, bool]] = {
    "method": (ClauseSpec(units=("method",), kind="choice", choices=METHODS), True),
    "amount": (_MONEY, True),
    "funded_by": (ClauseSpec(units=("party",), kind="choice", choices=()), True),
    "returns_to": (ClauseSpec(units=("party",), kind="choice", choices=()), True),
    "sectors": (ClauseSpec(units=("sectors",), kind="text-list", choices=(*SECTORS, "any")), True),
    "counts_toward_cap": (_FLAG, True),
}
_AMORTISATION = ClauseSpec(units=("rule",), kind="choice", choices=("annuity", "linear", "bullet"))
_BEYOND_LIFE = ClauseSpec(units=("rule",), kind="choice", choices=BEYOND_LIFE)
_DEBT_TERMS: dict[str, dict[str, tuple[ClauseSpec, bool]]] = {
    "loan": {"rate": (_RATE, True), "tenor": (_MONTHS, True), "amortisation": (_AMORTISATION, True),
             "beyond_life": (_BEYOND_LIFE, False)},
    "ship-finance": {"rate": (_RATE, True), "tenor": (_MONTHS, True),
                     "amortisation": (_AMORTISATION, True), "beyond_life": (_BEYOND_LIFE, False)},
    "guarantee": {
        "limit": (ClauseSpec(units=("USD",), kind="money", nullable=True), False),
        "beyond_life": (_BEYOND_LIFE, False),
        "fee": (_RATE, True),
        "coverage": (_FRACTION, True),
        "expected_loss": (_RATE, True),
        "lender_rate": (_RATE, True),
        "tenor": (_MONTHS, True),
        "amortisation": (_AMORTISATION, True),
    },
}
_ALL_DEBT_KEYS = sorted({k for terms in _DEBT_TERMS.values() for k in terms})


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """A party to the deal: a government, its firms, or third-party lenders."""

    code: str
    name: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Tier:
    """One step of the distribution rule: shares by party, until a hurdle is met."""

    shares: dict[str, float]
    until: str  # principal | deemed-allocation-amount | end


@dataclass(frozen=True, slots=True, kw_only=True)
class Tranche:
    """A slice of the pledge delivered by one method, with its own clauses."""

    id: str
    label: str
    clauses: dict[str, Clause]

    def value(self, name: str) -> Any:
        return self.clauses[name].value

    @property
    def method(self) -> str:
        return str(self.clauses["method"].value)

    @property
    def is_debt(self) -> bool:
        return self.method in _DEBT_TERMS


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Where a term sheet was read from, and the override layers written into it (scenarios).

    ``layers`` are :class:`pledgelab.terms.OverrideLayer` entries, oldest first; a term sheet
    read from its own file has none. Kept so that a scenario of a scenario is read from the
    base file once, with every layer applied in order.
    """

    path: Path
    display: str
    layers: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TermSheet:
    """A whole deal or negotiating position, every number a cited clause.

    A *scenario* is a term sheet too (``kind == "scenario"``, ``base`` the id it
    starts from): its overridden clauses have status ``scenario``, their reason
    and sources, and the value they replaced as the last entry of their history.
    """

    id: str
    title: str
    kind: str  # agreement | position | scenario
    as_of: dt.date
    summary: str
    investor: str
    host: str
    parties: dict[str, Party]
    references: dict[str, Reference]
    clauses: dict[str, Clause]  # keyed by dotted path, e.g. "timeline.annual_cap"
    tranches: tuple[Tranche, ...]
    file: str
    base: str | None = None  # a scenario's base: the id of the deal or scenario it overrides
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def clause(self, path: str) -> Clause:
        """The clause at a dotted path, e.g. ``"distribution.deemed_spread"``."""
        if path in self.clauses:
            return self.clauses[path]
        head = path.partition(".")[0]
        if head.startswith("tranches[") or head == "tranches":
            for tr in self.tranches:
                for c in tr.clauses.values():
                    if c.path == path:
                        return c
        raise KeyError(f"{self.id} has no clause {path!r}")

    def value(self, path: str) -> Any:
        """The value of clause ``path`` (an :class:`~pledgelab._errors.UnknownNameError`, a
        ``KeyError``, naming the deal when it has no such clause)."""
        try:
            return self.clause(path).value
        except KeyError as exc:
            if isinstance(exc, InputError):
                raise
            raise UnknownNameError([Problem(self.file, 0, str(path), f"{self.id} has no clause "
                                            f"{path!r}")]) from None

    @property
    def tiers(self) -> tuple[Tier, ...]:
        return tuple(self.clauses["distribution.tiers"].value)

    def all_clauses(self) -> list[Clause]:
        """Every clause in the order of the shipped files: the amount, the tranches, then the
        timeline, distribution, non-funding and FX-safeguard sections (a scenario's clauses
        stay in their base's place although they were written elsewhere)."""
        out = [c for k, c in self.clauses.items() if k.startswith("amount.")]
        for tr in self.tranches:
            out.extend(tr.clauses.values())
        out.extend(c for k, c in self.clauses.items() if not k.startswith("amount."))
        return out



def read_term_sheet(path: Path, *, display: str | None = None) -> TermSheet:
    """Read and check one term sheet; raises :class:`InputError` listing every problem."""
    name = display or str(path)
    return term_sheet_from(read_yaml(path, display=name), origin=Origin(path=path, display=name))


def term_sheet_from(root: YMap, *, origin: Origin) -> TermSheet:
    """Check a term sheet's top mapping as read from ``origin`` (see :func:`read_term_sheet`).

    The scenario reader writes its overrides into the mapping first, so an override is
    checked by exactly the code that checks the file.
    """
    root, chk, head = check_header(
        root, schema=SCHEMA_ID, display=origin.display,
        required=("schema", "id", "title", "kind", "as_of", "summary", "investor", "host",
                  "parties", "references", "clauses"),
        checker=CurrencyChecker(),  # amounts in won or yen, converted at the cited rate
    )
    references = head.references
    kind = chk.text(root, "kind")
    if kind is not None and kind not in ("agreement", "position"):
        chk.add(root.at("kind"), f"{kind!r} is not one of: agreement, position")
    as_of = chk.date(root, "as_of")
    parties = _read_parties(root, chk)
    investor = _party_ref(root, "investor", parties, chk, role="investor")
    host = _party_ref(root, "host", parties, chk, role="host")
    clauses: dict[str, Clause] = {}
    tranches: tuple[Tranche, ...] = ()
    body = chk.mapping(root.get("clauses"), root.at("clauses")) if "clauses" in root else None
    if body is not None:
        chk.keys(body, required=[*(k for k in SECTIONS if k not in OPTIONAL_SECTIONS), "tranches"],
                 allowed=OPTIONAL_SECTIONS)
        for section, specs in SECTIONS.items():
            sec = chk.mapping(body[section], body.at(section)) if section in body else None
            if sec is None:
                continue
            chk.keys(sec, required=[k for k, (_, req) in specs.items() if req],
                     allowed=list(specs))
            for key, (spec, _required) in specs.items():
                c = chk.clause(sec, key, spec, references, required=False)
                if c is not None:
                    clauses[f"{section}.{key}"] = c
        tranches = _read_tranches(body, parties, references, chk)
        _check_tiers(body, clauses, parties, investor, chk, tranches)
        _check_review_shares(clauses, parties, chk)
        _check_cross(body, clauses, tranches, as_of, chk)
    chk.raise_if_any()
    assert head.id and head.title and kind and as_of and head.summary and investor and host
    return TermSheet(
        id=head.id, title=head.title, kind=kind, as_of=as_of, summary=head.summary.strip(),
        investor=investor, host=host, parties=parties, references=references,
        clauses=clauses, tranches=tranches, file=head.file, origin=origin,
    )


def _read_parties(root: YMap, chk: Checker) -> dict[str, Party]:
    out: dict[str, Party] = {}
    for code, m in chk.table(root, "parties"):
        chk.keys(m, required=("name", "role"))
        name = chk.text(m, "name")
        role = chk.text(m, "role")
        if role is not None and role not in ROLES:
            chk.add(m.at("role"), f"{role!r} is not one of: {', '.join(ROLES)}")
        if name and role:  # kept even when the role is wrong, so no echo problems follow
            out[code] = Party(code=code, name=name, role=role)
    return out


def _party_ref(root: YMap, key: str, parties: dict[str, Party], chk: Checker, *,
               role: str) -> str | None:
    code = chk.text(root, key)
    if code is None:
        return None
    if code not in parties:
        chk.add(root.at(key), f"{code!r} is not a party; parties are: {', '.join(parties)}")
        return None
    if parties[code].role != role:
        chk.add(root.at(key), f"party {code!r} has role {parties[code].role!r}, expected {role!r}")
        return None
    return code


def _read_tranches(body: YMap, parties: dict[str, Party], references: dict[str, Reference],
                   chk: Checker) -> tuple[Tranche, ...]:
    raw = chk.items(body, "tranches", "tranches")
    party_spec = ClauseSpec(units=("party",), kind="choice", choices=tuple(parties))
    out: list[Tranche] = []
    seen: set[str] = set()
    for loc, item in raw.items_located():
        m = chk.mapping(item, loc)
        if m is None:
            continue
        method_raw = m.get("method", {}).get("value") if isinstance(m.get("method"), dict) else None
        debt_terms = _DEBT_TERMS.get(str(method_raw), {})
        chk.keys(m, required=["id", "label", *_TRANCHE_COMMON,
                              *(k for k, (_, req) in debt_terms.items() if req)],
                 allowed=_ALL_DEBT_KEYS)
        for key in _ALL_DEBT_KEYS:
            if key in m and key not in debt_terms:
                chk.add(m.at(key), f"only loans, ship finance and guarantees take {key!r}; "
                                   f"this tranche's method is {method_raw!r}")
        tid = chk.text(m, "id")
        label = chk.text(m, "label")
        if tid is not None and tid in seen:
            chk.add(m.at("id"), f"tranche id {tid!r} is used twice")
        clauses: dict[str, Clause] = {}
        for key, (spec, _req) in {**_TRANCHE_COMMON, **debt_terms}.items():
            if key == "funded_by":
                spec = party_spec
            elif key == "returns_to":
                spec = ClauseSpec(units=("party",), kind="choice",
                                  choices=("waterfall", *parties))
            c = chk.clause(m, key, spec, references, required=False)
            if c is not None:
                clauses[key] = c
        if tid is not None and label is not None:
            seen.add(tid)
            out.append(Tranche(id=tid, label=label, clauses=clauses))
    return tuple(out)


def contribution_shares(tranches: tuple[Tranche, ...]) -> dict[str, float]:
    """Shares "in proportion to contribution": each funder's part of the amounts of the tranches
    whose returns go to the distribution rule (``returns_to: waterfall``); empty if there are none."""
    by: dict[str, float] = {}
    for tr in tranches:
        if "returns_to" in tr.clauses and tr.value("returns_to") == "waterfall" and \
                "funded_by" in tr.clauses and "amount" in tr.clauses:
            who = str(tr.value("funded_by"))
            by[who] = by.get(who, 0.0) + float(tr.value("amount"))
    total = sum(by.values())
    return {p: a / total for p, a in by.items()} if total > 0 else {}


def _check_tiers(body: YMap, clauses: dict[str, Clause], parties: dict[str, Party],
                 investor: str | None, chk: Checker, tranches: tuple[Tranche, ...] = ()) -> None:
    """The tiers: shares by party (or ``in-proportion-to-contribution``, each funder's part of the
    tranches returned to the distribution rule) until a hurdle, the last one to the end."""
    dist = body.get("distribution")
    if not isinstance(dist, YMap) or not isinstance(dist.get("tiers"), YMap):
        return
    node = dist["tiers"]
    raw = chk.items(node, "value", "tiers {shares, until}")
    if not raw:
        clauses.pop("distribution.tiers", None)
        return
    tiers: list[Tier] = []
    ok = True
    for i, (loc, item) in enumerate(raw.items_located()):
        m = chk.mapping(item, loc)
        if m is None:
            ok = False
            continue
        chk.keys(m, required=("shares", "until"))
        until = m.get("until")
        if until not in HURDLES:
            chk.add(m.at("until"), f"{until!r} is not one of: {', '.join(HURDLES)}")
            ok = False
        last = i == len(raw) - 1
        if until == "end" and not last:
            chk.add(m.at("until"), "only the last tier can run to the 'end'")
            ok = False
        if last and until != "end":
            chk.add(m.at("until"), "the last tier must run to the 'end'")
            ok = False
        if m.get("shares") == "in-proportion-to-contribution":
            shares = contribution_shares(tranches) or None
            if shares is not None:  # the investor and the host named, at zero where they put in nothing
                shares = {**shares, **{c: 0.0 for c, pt in parties.items()
                                       if pt.role in ("investor", "host") and c not in shares}}
            if shares is None:
                chk.add(m.at("shares"), "'in-proportion-to-contribution' needs a tranche whose "
                                        "returns_to is 'waterfall' (nothing is contributed to share)")
        else:
            shares = chk.shares(m.get("shares"), m.at("shares")) if "shares" in m else None
        if shares is None:
            ok = False
            continue
        for code in shares:
            if code not in parties:
                chk.add(m["shares"].at(code), f"{code!r} is not a party")
                ok = False
        if until in ("principal", "deemed-allocation-amount") and investor and \
                shares.get(investor, 0.0) <= 0.0:
            chk.add(m.at("shares"), f"a tier that ends at the {until} must give the investor a "
                                    "share, or its hurdle can never be met")
            ok = False
        if isinstance(until, str):
            tiers.append(Tier(shares=shares, until=until))
    if ok and "distribution.tiers" in clauses:
        old = clauses["distribution.tiers"]
        clauses["distribution.tiers"] = Clause(
            path=old.path, value=tuple(tiers), unit=old.unit, label=old.label, status=old.status,
            references=old.references, reason=old.reason, alternatives=old.alternatives,
            note=old.note, history=old.history, file=old.file, line=old.line)
    else:
        clauses.pop("distribution.tiers", None)


def _check_review_shares(clauses: dict[str, Clause], parties: dict[str, Party], chk: Checker) -> None:
    """The review clause's shares name parties of the deal (an unknown one would fail at run time)."""
    review = clauses.get("distribution.review_shares")
    if review is None or not isinstance(review.value, dict):
        return
    unknown = [code for code in review.value if code not in parties]
    if unknown:
        chk.add(Located(review.file, review.line, f"{review.path}.value"),
                f"{unknown[0]!r} is not a party; parties are: {', '.join(parties)}")
        clauses.pop("distribution.review_shares")


def _check_cross(body: YMap, clauses: dict[str, Clause], tranches: tuple[Tranche, ...],
                 as_of: dt.date | None, chk: Checker) -> None:
    """Rules that tie several clauses together."""
    head = clauses.get("amount.headline")
    amounts = [t.clauses["amount"].value for t in tranches if "amount" in t.clauses]
    if head is not None and len(amounts) == len(tranches) and tranches:
        total = sum(amounts)
        if abs(total - head.value) > 0.5:
            chk.add(_loc(body, "tranches"),
                    f"tranche amounts sum to {total:,.0f} USD but the headline is "
                    f"{head.value:,.0f} USD")
    deadline = clauses.get("timeline.selection_deadline")
    if deadline is not None and as_of is not None and deadline.value < as_of:
        chk.add(Located(deadline.file, deadline.line, deadline.path),
                f"dates out of order: the selection deadline {deadline.value} is before the "
                f"term sheet's as_of date {as_of}")
    pacing = clauses.get("timeline.pacing")
    if pacing is not None:
        need = {"instalments": ("instalment_amount", "instalment_years", "first_funding"),
                "up-front": ("first_funding",), "as-called": ()}[pacing.value]
        clean = not chk.problems  # report only on an otherwise clean file, not as an echo
        for key in need:
            if f"timeline.{key}" not in clauses and clean:
                chk.add(Located(pacing.file, pacing.line, f"clauses.timeline.{key}"),
                        f"pacing {pacing.value!r} needs the clause timeline.{key}")
        for key, why in (("vehicle_cash_rate", "what idle cash in the vehicle earns"),
                         ("undeployed_cash", "who keeps vehicle cash no project used")):
            if pacing.value != "as-called" and f"timeline.{key}" not in clauses and clean:
                chk.add(Located(pacing.file, pacing.line, f"clauses.timeline.{key}"),
                        f"pacing {pacing.value!r} needs timeline.{key} ({why})")
    first = clauses.get("timeline.first_funding")
    if first is not None and as_of is not None and first.value < as_of:
        chk.add(Located(first.file, first.line, first.path),
                f"dates out of order: first funding {first.value} is before as_of {as_of}")
    reading = clauses.get("distribution.review_reading")
    if reading is not None and reading.value == "projected" and \
            "distribution.review_interval" not in clauses and not chk.problems:
        chk.add(Located(reading.file, reading.line, "clauses.distribution.review_interval"),
                "review_reading 'projected' needs distribution.review_interval (months between "
                "the projected tests)")
    screen = clauses.get("governance.commercially_reasonable")
    if screen is not None and screen.value is True and \
            "governance.screen_failure" not in clauses and not chk.problems:
        chk.add(Located(screen.file, screen.line, "clauses.governance.screen_failure"),
                "a commercially reasonable screen needs governance.screen_failure (what happens to "
                "a project that fails it)")
    action = clauses.get("distribution.review_action")
    if action is not None and action.value == "adjust-shares" and \
            "distribution.review_shares" not in clauses and not chk.problems:
        chk.add(Located(action.file, action.line, "clauses.distribution.review_shares"),
                "review_action 'adjust-shares' needs distribution.review_shares")


def _loc(m: YMap, key: str) -> Located:
    return m.at(key)
