"""Visa pathways (``data/visas/<id>.yaml``, schema ``pledgelab.visas/1``), as cited clauses.

A pathway is a way for a foreign specialist to work on a US site: the visa
waiver (ESTA), B-1, the project-annotated B-1 of the Korean Investment and
Travel (KIT) desk, L-1, E-2, H-1B, H-2B and the proposed E-4. Each route::

    routes:
      b1:
        label: B-1 business visitor visa
        activities: <clause, unit names, a list of permitted activities>
        covers_installation: <clause, unit rule: clear | unclear | no>
        processing: <clause, unit months, [low, mode, high] triangular>
        annual_cap: <clause, unit people/year, null = no cap>
        cap_share: <clause, unit fraction: the part of the cap the pipeline can get>   # with a cap
        fee: <clause, unit USD/person>
        refusal_rate: <clause, unit fraction>
        employers: <clause, unit employers: investor and/or subcontractor>
        nationalities: <clause, unit economies>          # optional; absent = any
        enacted: <clause, unit flag: false for a bill>
        max_stay_months: <clause, unit months>          # optional

``covers_installation`` says whether the route *clearly* allows hands-on
installation, commissioning and training work at a factory: ``clear``
(a work visa, or a visitor visa annotated for the project), ``unclear`` (the
rule allows it on paper but enforcement has read it otherwise, as at HL-GA in
September 2025) or ``no``. Enforcement risk grows with the share of
specialists on routes that are not ``clear`` (see :mod:`pledgelab.workforce.delays`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from pathlib import Path

from pledgelab._cited import HEADER_KEYS, Clause, ClauseSpec, Reference, YMap, locate, open_cited
from pledgelab.workforce._check import COVERAGE, EMPLOYERS, Triangular, WorkforceChecker, tri, triangular_spec
from pledgelab.workforce._rules import Rule, read_rules

PATHWAYS_SCHEMA = "pledgelab.visas/1"
KIND = "visas"
_ROUTE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ECONOMY = re.compile(r"^[A-Z]{2}$")

ROUTE_PARAMS: dict[str, ClauseSpec] = {
    "activities": ClauseSpec(units=("names",), kind="text-list"),
    "covers_installation": ClauseSpec(units=("rule",), kind="choice", choices=COVERAGE),
    "processing": triangular_spec("months"),
    "annual_cap": ClauseSpec(units=("people/year",), kind="count", nullable=True, minimum=0),
    "cap_share": ClauseSpec(units=("fraction",), kind="fraction"),
    "fee": ClauseSpec(units=("USD/person",), kind="money"),
    "refusal_rate": ClauseSpec(units=("fraction",), kind="fraction"),
    "employers": ClauseSpec(units=("employers",), kind="text-list", choices=EMPLOYERS),
    "nationalities": ClauseSpec(units=("economies",), kind="text-list"),
    "enacted": ClauseSpec(units=("flag",), kind="flag"),
    "max_stay_months": ClauseSpec(units=("months",), kind="number", nullable=True),
    "premium_processing": triangular_spec("months"),
    "premium_fee": ClauseSpec(units=("USD/person",), kind="money"),
    "admission_months": ClauseSpec(units=("months",), kind="number", minimum=1.0),
}
REQUIRED = ("activities", "covers_installation", "processing", "annual_cap", "fee", "refusal_rate",
            "employers", "enacted")


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """One visa pathway with its clauses (after any policy overrides)."""

    id: str
    label: str
    params: dict[str, Clause]

    def clause(self, name: str) -> Clause | None:
        return self.params.get(name)

    @property
    def covers(self) -> str:
        """``clear``, ``unclear`` or ``no``: does the route clearly allow installation work?"""
        return str(self.params["covers_installation"].value)

    @property
    def processing(self) -> Triangular:
        return tri(self.params["processing"])

    def time(self, *, premium: bool) -> Triangular:
        """Processing time: on the premium clock where the route has one and ``premium`` is asked for."""
        if premium and "premium_processing" in self.params:
            return tri(self.params["premium_processing"])
        return self.processing

    def fee_for(self, *, premium: bool) -> float:
        """Fees per person, with the premium processing fee where premium processing is used."""
        extra = self.params.get("premium_fee")
        return self.fee + (float(extra.value) if premium and extra is not None
                           and "premium_processing" in self.params else 0.0)

    @property
    def max_stay(self) -> float | None:
        """Longest stay per admission in months (``None``: no limit below the project's length)."""
        c = self.params.get("max_stay_months")
        return None if c is None or c.value is None else float(c.value)

    def renewals(self, stay: float) -> int:
        """Extensions one person needs to stay ``stay`` months (``admission_months`` each; none without)."""
        c = self.params.get("admission_months")
        if c is None or stay <= 0:
            return 0
        return max(0, math.ceil(stay / float(c.value) - 1e-9) - 1)

    @property
    def cap(self) -> int | None:
        """People a year the pipeline's projects can get on this route (``None``: no cap).

        ``floor(annual_cap * cap_share)``: a national cap is shared with every other
        employer, so only ``cap_share`` of it is available to the pledge's projects.
        """
        cap = self.params["annual_cap"].value
        if cap is None:
            return None
        share = self.params.get("cap_share")
        return math.floor(float(cap) * (1.0 if share is None else float(share.value)) + 1e-9)

    @property
    def fee(self) -> float:
        return float(self.params["fee"].value)

    @property
    def refusal_rate(self) -> float:
        return float(self.params["refusal_rate"].value)

    @property
    def employers(self) -> tuple[str, ...]:
        return tuple(self.params["employers"].value)

    @property
    def enacted(self) -> bool:
        return bool(self.params["enacted"].value)

    def open_to(self, employer: str, nationality: str | None) -> bool:
        """Whether specialists of ``employer`` type and ``nationality`` can use the route."""
        if employer not in self.employers:
            return False
        nat = self.params.get("nationalities")
        return nat is None or nationality is None or nationality in nat.value

    def with_overrides(self, overrides: dict[str, Clause]) -> Route:
        return dataclasses.replace(self, params={**self.params, **overrides})


@dataclass(frozen=True, slots=True, kw_only=True)
class Pathways:
    """A file of visa routes."""

    id: str
    title: str
    summary: str
    routes: dict[str, Route]
    rules: dict[str, Rule]
    references: dict[str, Reference]
    file: str


def read_route_params(chk: WorkforceChecker, m: YMap, refs: dict[str, Reference], *,
                      required: tuple[str, ...]) -> dict[str, Clause]:
    """The route clauses of ``m`` (a route, or a policy's override of one)."""
    params: dict[str, Clause] = {}
    for name, spec in ROUTE_PARAMS.items():
        c = chk.clause(m, name, spec, refs, required=False)
        if c is not None:
            params[name] = c
    nat = params.get("nationalities")
    if nat is not None:
        for code in nat.value:
            if not _ECONOMY.match(code):
                chk.add(m.at("nationalities"), f"{code!r} is not an economy code (two capitals, e.g. KR)")
    cap = params.get("annual_cap")
    if "annual_cap" in required and cap is not None and cap.value is not None and "cap_share" not in m:
        chk.add(m.loc, "a route with an annual cap must say what part of it the pipeline can get",
                field=f"{m.loc.field}.cap_share")
    return params


def read_pathways(path: Path, *, display: str | None = None) -> Pathways:
    """Read and check a visa-pathway file."""
    root, chk, head = open_cited(path, schema=PATHWAYS_SCHEMA, display=display, checker=WorkforceChecker(),
                                 required=(*HEADER_KEYS, "routes"), allowed=("rules",))
    pid, title, summary, refs = head.id, head.title, head.summary, head.references
    routes: dict[str, Route] = {}
    for rid, m in chk.table(root, "routes"):
        if not _ROUTE_ID.match(rid):
            chk.add(root["routes"].at(rid), f"{rid!r} is not a route id (lower case, digits and hyphens)")
            continue
        before = len(chk.problems)
        chk.keys(m, required=("label", *REQUIRED), allowed=tuple(ROUTE_PARAMS))
        label = chk.text(m, "label")
        params = read_route_params(chk, m, refs, required=REQUIRED)
        if len(chk.problems) == before and label is not None:
            routes[rid] = Route(id=rid, label=label, params=params)
    rules = read_rules(chk, root, refs, routes=tuple(routes))
    chk.raise_if_any()
    assert pid and title and summary
    return Pathways(id=pid, title=title, summary=" ".join(summary.split()), routes=routes, rules=rules,
                    references=refs, file=head.file)


def load_pathways(name_or_path: str | Path = "pathways") -> Pathways:
    """Load the shipped pathways (``"pathways"``) or a pathway file by path."""
    path, display = locate(KIND, name_or_path)
    return read_pathways(path, display=display)
