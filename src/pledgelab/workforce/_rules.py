"""The visa rules as they are applied: each a cited clause in ``data/visas/pathways.yaml`` under ``rules``.

A rule names the routes it applies to, a ``test`` from a closed vocabulary
(implemented here), a ``kind`` and one cited clause with its parameter::

    rules:
      b1-construction:
        label: Building or construction work is not allowed on B-1 or ESTA ...
        kind: scope            # eligibility | scope
        test: construction-excluded
        routes: [esta, b1, b1-annotated]
        clause: {value: true, unit: flag, label: ..., status: reported, refs: [ecfr-214-2, fam-402-2]}

``eligibility`` rules decide whether the visa can be had at all (the L-1
year abroad, the E-2/L-1 ownership tests, the H-1B cap season, the H-2B
temporary need): a route that fails one is excluded under every policy.
``scope`` rules decide whether the visa allows the work (the B-1 installation
clause: equipment installation by the seller's staff under a contract of sale
is allowed, building or construction work is not; stays no longer than one
admission): a policy with ``compliance: lawful`` excludes a route that fails
one, a policy with ``compliance: as-practised`` uses it and counts the work as
not covered, which is what enforcement acts on.

Tests (:data:`TESTS`), each ``allowed`` or refused for a :class:`Case`:

* ``stay-limit``: the stay of one person ``<=`` the route's ``max_stay_months``
  (the clause says whether longer needs rotate crews or exclude the route);
* ``contract-of-sale``: equipment installation only by staff of the seller under a
  contract of sale (8 CFR 214.2(b)(5) and 9 FAM 402.2);
* ``construction-excluded``: no building or construction work (supervision and
  training of others are not construction);
* ``prior-employment``: months of continuous employment abroad ``>=`` the clause;
* ``ownership``: share of the US employer owned by the investor's nationals or
  group ``>=`` the clause (a US-owned project vehicle has 0);
* ``cap-season``: the need starts in the clause's month of the year (October);
* ``cap-halves``: the cap is split into the clause's number of periods a fiscal
  year (:func:`cap_period`); never refuses a single case;
* ``temporary-need``: the need lasts no longer than the clause's months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pledgelab._cited import Clause, ClauseSpec, Reference, YMap
from pledgelab.workforce._check import EMPLOYERS, WorkforceChecker

ACTIVITIES = ("equipment-installation", "construction", "supervision-training")
KINDS = ("eligibility", "scope")
TESTS: dict[str, ClauseSpec] = {
    "stay-limit": ClauseSpec(units=("rule",), kind="choice", choices=("rotate", "exclude")),
    "contract-of-sale": ClauseSpec(units=("flag",), kind="flag"),
    "construction-excluded": ClauseSpec(units=("flag",), kind="flag"),
    "prior-employment": ClauseSpec(units=("months",), kind="number"),
    "ownership": ClauseSpec(units=("fraction",), kind="fraction"),
    "cap-season": ClauseSpec(units=("month-of-year",), kind="count", minimum=1, maximum=12),
    "cap-halves": ClauseSpec(units=("periods/year",), kind="count", minimum=1, maximum=12),
    "temporary-need": ClauseSpec(units=("months",), kind="number"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One group of specialists asking for one route: who, for what work, when and how long.

    ``ownership`` is the share of their US employer owned by the investor's
    nationals or group (a US-owned project vehicle: 0); ``tenure_months`` their
    continuous employment abroad with the group; ``start_month`` the month index
    the work starts; ``need_months`` how long the need lasts; ``stay_months`` how
    long one person stays.
    """

    employer: str
    activity: str
    ownership: float
    tenure_months: float
    contract_of_sale: bool
    start_month: int
    need_months: float
    stay_months: float
    max_stay: float | None = None  # the route's longest stay per admission


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """A rule's answer for one case."""

    rule: str
    allowed: bool
    kind: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One cited rule."""

    id: str
    label: str
    kind: str
    test: str
    routes: tuple[str, ...]
    clause: Clause

    @property
    def value(self) -> object:
        return self.clause.value

    def check(self, case: Case) -> Verdict:
        """Whether ``case`` passes this rule (see the module docstring for each test)."""
        ok, why = _TEST_FUNCS[self.test](self, case)
        return Verdict(rule=self.id, allowed=ok, kind=self.kind, reason=why)


def _stay(rule: Rule, c: Case) -> tuple[bool, str]:
    if c.max_stay is None:
        return True, "no stay limit"
    ok = c.stay_months <= c.max_stay + 1e-9
    return ok, f"a stay of {c.stay_months:.1f} months against {c.max_stay:g} per admission"


def _sale(rule: Rule, c: Case) -> tuple[bool, str]:
    if c.activity != "equipment-installation" or not rule.value:
        return True, "not equipment installation"
    if c.contract_of_sale:
        return True, "the seller's staff under a contract of sale"
    return False, "installation without a contract of sale requiring the seller to install"


def _construction(rule: Rule, c: Case) -> tuple[bool, str]:
    ok = c.activity != "construction" or not rule.value
    return ok, "building or construction work" if not ok else "not construction work"


def _tenure(rule: Rule, c: Case) -> tuple[bool, str]:
    need = float(rule.value)  # type: ignore[arg-type]
    return c.tenure_months >= need, f"{c.tenure_months:g} months employed abroad, {need:g} needed"


def _owned(rule: Rule, c: Case) -> tuple[bool, str]:
    need = float(rule.value)  # type: ignore[arg-type]
    return c.ownership >= need - 1e-12, f"US employer {c.ownership:.0%} owned by the investor's side, " \
                                        f"{need:.0%} needed"


def _season(rule: Rule, c: Case) -> tuple[bool, str]:
    month = int(rule.value)  # type: ignore[call-overload]
    ok = c.start_month % 12 + 1 == month
    return ok, (f"need starts in month {c.start_month % 12 + 1} of the year; cap-subject work starts "
                f"in month {month}")


def _halves(rule: Rule, c: Case) -> tuple[bool, str]:
    return True, f"cap in {rule.value} periods a fiscal year"


def _temporary(rule: Rule, c: Case) -> tuple[bool, str]:
    limit = float(rule.value)  # type: ignore[arg-type]
    return c.need_months <= limit + 1e-9, f"a need of {c.need_months:.0f} months, {limit:g} at most"


_TEST_FUNCS = {"stay-limit": _stay, "contract-of-sale": _sale, "construction-excluded": _construction,
               "prior-employment": _tenure, "ownership": _owned, "cap-season": _season, "cap-halves": _halves,
               "temporary-need": _temporary}


def cap_period(rules: dict[str, Rule], route: str, month: int) -> tuple[int, int]:
    """The cap period a start in ``month`` (month index) counts against: ``(fiscal year, period)``.

    A route with a ``cap-halves`` rule of ``k`` periods splits its fiscal year
    (October to September) into ``k`` equal parts; any other capped route has one.
    """
    fy = (month + 3) // 12
    k = periods(rules, route)
    within = (month + 3) % 12
    return fy, within * k // 12


def periods(rules: dict[str, Rule], route: str) -> int:
    """Cap periods a fiscal year on ``route``."""
    for r in rules.values():
        if r.test == "cap-halves" and route in r.routes:
            return int(str(r.value))
    return 1


def period_start(rules: dict[str, Rule], route: str, period: tuple[int, int]) -> int:
    """Month index of the first month of a cap period."""
    fy, part = period
    return 12 * fy - 3 + part * 12 // periods(rules, route)


def next_period(rules: dict[str, Rule], route: str, period: tuple[int, int]) -> tuple[int, int]:
    fy, part = period
    k = periods(rules, route)
    return (fy, part + 1) if part + 1 < k else (fy + 1, 0)


def stint(rules: dict[str, Rule], route_id: str, max_stay: float | None, span: float) -> tuple[float, bool]:
    """``(stay of one person, allowed)`` for a need of ``span`` months on a route.

    With a ``stay-limit`` rule that rotates, each person stays at most one admission;
    with ``exclude``, one person would stay the whole span (and the rule refuses it).
    """
    for r in rules.values():
        if r.test == "stay-limit" and route_id in r.routes and max_stay is not None:
            if r.value == "rotate":
                return min(span, max_stay), True
            return span, span <= max_stay + 1e-9
    return span, True


def people(span_heads_months: float, peak: int, stay: float, span: float) -> int:
    """People filed for a group: at least its peak, and enough stays to cover its specialist-months."""
    if stay <= 0 or stay >= span - 1e-9:
        return peak
    return max(peak, math.ceil(span_heads_months / stay - 1e-9))


def read_rules(chk: WorkforceChecker, root: YMap, refs: dict[str, Reference], *,
               routes: tuple[str, ...]) -> dict[str, Rule]:
    """The ``rules`` table of a pathway file (empty where the file has none)."""
    out: dict[str, Rule] = {}
    if "rules" not in root:
        return out
    for rid, m in chk.table(root, "rules"):
        before = len(chk.problems)
        chk.keys(m, required=("label", "kind", "test", "routes", "clause"))
        label = chk.text(m, "label")
        kind = chk.choice(m, "kind", KINDS)
        test = chk.choice(m, "test", tuple(TESTS))
        names = chk.items(m, "routes", "route ids")
        for loc, name in names.items_located():
            if name not in routes:
                chk.add(loc, f"unknown route {name!r}; known: {', '.join(routes)}")
        clause = chk.clause(m, "clause", TESTS[test], refs) if test is not None else None
        if len(chk.problems) == before and label and kind and test and clause is not None:
            out[rid] = Rule(id=rid, label=label, kind=kind, test=test, routes=tuple(str(n) for n in names),
                            clause=clause)
    return out


__all__ = ["ACTIVITIES", "EMPLOYERS", "Case", "Rule", "Verdict", "cap_period", "read_rules"]
