"""What a what-if analysis varies and what it measures: factors, outcomes, limits.

A **factor** is an assumed or disputed clause of a deal, or a parameter of a
project archetype the pipeline uses (``archetypes.ID.PARAM``, e.g.
``archetypes.nuclear.operating_yield``: every project of that archetype that takes
the parameter from the archetype table, not one that states its own), with the
range it may take: a numeric clause whose value and alternatives are all numbers varies
continuously between their smallest and largest (whole numbers for counts of
days or months); any other clause (a rule, a flag, a tier schedule, a date)
takes one of its listed values, the deal's own first. Where
``data/ranges/assumptions.yaml`` gives a clause an explicit range with its basis,
that range is used instead. A sample ``u`` in ``[0, 1]`` maps to a value with
:meth:`Factor.value_at`: linearly for a range, by equal slices for a set (the
usual treatment of discrete factors in variance-based sensitivity analysis).

An **outcome** is ``PARTY.MEASURE`` (``KR.npv``, ``US.share``): the mean over
paths of a per-path quantity (see :data:`MEASURES`).

References
----------
Saltelli, A. et al. (2008), *Global Sensitivity Analysis: The Primer*, Wiley,
ch. 2 (factors, ranges and the unit hypercube; discrete factors by slices).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pledgelab._cited import DATA, Checker, Clause, Located, Reference, YMap, open_cited
from pledgelab._errors import InputError, Problem
from pledgelab.pipeline import ARCHETYPE_PARAMS, Pipeline
from pledgelab.terms import Status, TermSheet, canonical_path

MEASURES: dict[str, str] = {
    "npv": "mean NPV over paths, at the base deal's discount rate (USD)",
    "irr": "mean IRR over the paths that have one (per year)",
    "moic": "mean multiple on invested capital over the paths where the party put money in",
    "p_loss": "probability the party receives less than it puts in",
    "recovery": "probability the investor recovers every deemed allocation amount",
    "share": "the party's share of everything the parties receive (mean over paths)",
    "peak_call": "the largest calendar-year amount the party pays in (mean over paths, USD)",
    "received": "mean total the party receives (USD)",
    "contributed": "mean total the party puts in (USD)",
}
UNITS = {"npv": "USD", "irr": "per-year", "moic": "multiple", "p_loss": "probability",
         "recovery": "probability", "share": "fraction", "peak_call": "USD", "received": "USD",
         "contributed": "USD"}
_OUTCOME = re.compile(r"^(?P<party>[A-Za-z][A-Za-z0-9_\-]{0,31})\.(?P<measure>[a-z_]{1,20})$")
_INTEGER_UNITS = ("business-days", "calendar-days", "months", "days")
FACTOR_STATUSES = (Status.ASSUMED, Status.DISPUTED)
ALTERNATIVES = "the clause's value and its alternatives in the deal file"
RANGES_SCHEMA = "pledgelab.ranges/1"
RESERVATIONS_SCHEMA = "pledgelab.reservations/1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """``party.measure``: a party's outcome, averaged over paths (:data:`MEASURES`)."""

    party: str
    measure: str

    @property
    def name(self) -> str:
        return f"{self.party}.{self.measure}"

    @property
    def unit(self) -> str:
        return UNITS[self.measure]


def parse_outcome(text: str, deal: TermSheet, *, where: str = "--outcome") -> Outcome:
    """``KR.npv`` → :class:`Outcome`, or an :class:`InputError` naming the parties and measures."""
    m = _OUTCOME.match(text.strip())
    if not m:
        raise InputError([Problem(where, 0, text[:40] or "<outcome>",
                                  f"expected PARTY.MEASURE such as {deal.investor}.npv; "
                                  f"measures: {', '.join(MEASURES)}")])
    party, measure = m["party"], m["measure"]
    if party not in deal.parties:
        raise InputError([Problem(where, 0, text, f"{party!r} is not a party of {deal.id}; "
                                  f"parties: {', '.join(deal.parties)}")])
    if measure not in MEASURES:
        raise InputError([Problem(where, 0, text, f"unknown measure {measure!r}; measures: "
                                  f"{', '.join(MEASURES)}")])
    if measure == "recovery" and party != deal.investor:
        raise InputError([Problem(where, 0, text, f"recovery is the investor's ({deal.investor}."
                                  "recovery): the deemed allocation amount is recovered by it")])
    return Outcome(party=party, measure=measure)


@dataclass(frozen=True, slots=True, kw_only=True)
class Factor:
    """One clause a what-if analysis varies, with its range or set of values.

    ``low``/``high`` for a numeric range (``integer``: whole numbers), else ``choices``
    (the deal's value first; ``None`` in ``choices[0]`` stands for "as in the deal").
    """

    path: str  # as ``pledgelab show`` prints it
    label: str
    status: str
    unit: str
    base: Any  # the deal's value
    low: float | None = None
    high: float | None = None
    integer: bool = False
    choices: tuple[Any, ...] = ()
    choice_labels: tuple[str, ...] = ()
    basis: str = ""
    references: tuple[Reference, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.low is not None

    def value_at(self, u: float) -> Any:
        """The value at ``u`` in ``[0, 1]``: a point of the range, or the slice's choice.

        For a set, index 0 is the deal's own value and returns :data:`KEEP`."""
        u = min(max(float(u), 0.0), 1.0)
        if self.low is not None and self.high is not None:
            x = self.low + u * (self.high - self.low)
            return round(x) if self.integer else x
        k = min(int(u * len(self.choices)), len(self.choices) - 1)
        return KEEP if k == 0 else self.choices[k]

    def describe(self) -> str:
        """The range in words: ``0.01 to 0.03`` or ``monthly | annual-effective | simple``."""
        if self.low is not None and self.high is not None:
            if self.integer:
                return f"{round(self.low)} to {round(self.high)}"
            return f"{_short(self.low)} to {_short(self.high)}"
        return " | ".join(self.choice_labels)


class _Keep:
    """The deal's own value of a discrete factor: no override."""

    def __repr__(self) -> str:
        return "KEEP"

    def __reduce__(self) -> str:
        return "KEEP"


KEEP = _Keep()


def _short(x: Any) -> str:
    if isinstance(x, float) and abs(x) >= 1e6:
        return f"{x:.4g}"
    return str(x)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(float(x))


ARCHETYPE_PATH = re.compile(r"^archetypes\.(?P<id>[A-Za-z0-9][A-Za-z0-9_\-]{0,79})\.(?P<param>[a-z_]{1,40})$")
"""``archetypes.ID.PARAM``: a parameter of a project archetype, as the archetype table names it."""


def is_archetype_path(path: str) -> bool:
    """Whether ``path`` names an archetype parameter (``archetypes.ID.PARAM``), not a deal clause."""
    return path.startswith("archetypes.")


def archetype_clauses(pipeline: Pipeline) -> dict[str, Clause]:
    """The archetype parameters that the pipeline's projects take from the archetype table, by path
    (``archetypes.ID.PARAM``), in the order the projects first use them. A parameter a project
    states itself (``overrides``) or takes from its own cash-flow series is the project's, not
    the archetype's, and a variant of the archetype does not move it."""
    out: dict[str, Clause] = {}
    for proj in pipeline.projects:
        if proj.series is not None:
            continue
        for name, c in proj.params.items():
            if c.path == f"archetypes.{proj.archetype}.{name}":
                out.setdefault(c.path, c)
    return out


def archetype_clause(pipeline: Pipeline | None, path: str, where: str) -> Clause:
    """The archetype parameter at ``path`` that ``pipeline``'s projects use, or an
    :class:`InputError` naming ``where``, the path and the archetypes it has."""
    if pipeline is None:
        raise InputError([Problem(where, 0, path, "an archetype parameter is varied over a pipeline; "
                                  "give the pipeline")])
    if not ARCHETYPE_PATH.match(path):
        raise InputError([Problem(where, 0, path[:80], "expected archetypes.ID.PARAM, e.g. "
                                  "archetypes.nuclear.operating_yield")])
    known = archetype_clauses(pipeline)
    if path not in known:
        ids = sorted({k.split(".")[1] for k in known})
        raise InputError([Problem(where, 0, path, f"no project of {pipeline.id} takes {path} from the "
                                  f"archetype table; its archetypes: {', '.join(ids) or 'none'}")])
    return known[path]


def factors(deal: TermSheet, *, paths: Sequence[str] | None = None,
            ranges: dict[str, ExplicitRange] | None = None, pipeline: Pipeline | None = None,
            archetypes: bool = False) -> list[Factor]:
    """The assumed and disputed clauses of ``deal`` as factors (or those at ``paths``, any status).

    ``paths`` may name archetype parameters (``archetypes.ID.PARAM``) of ``pipeline``'s projects;
    ``archetypes`` adds every assumed or disputed archetype parameter the pipeline uses. Ranges come
    from each clause's alternatives, or from :func:`explicit_ranges`.
    """
    known = explicit_ranges() if ranges is None else ranges
    given = [p.strip() for p in paths] if paths is not None else None
    arch: list[Factor] = []
    for p in [p for p in (given or ()) if is_archetype_path(p)]:
        c = archetype_clause(pipeline, p, "--clause")
        arch.append(_clause_factor(c, known))
    if archetypes and pipeline is not None:
        have = {f.path for f in arch}
        arch += [_clause_factor(c, known) for c in archetype_clauses(pipeline).values()
                 if c.status in FACTOR_STATUSES and c.path not in have]
    chosen: list[str] | None = None
    if given is not None:
        chosen = [canonical_path(deal, p, Located("--vary", 0, p)) for p in given
                  if not is_archetype_path(p)]
    out: list[Factor] = []
    for c in deal.all_clauses():
        path = c.path.removeprefix("clauses.")
        if chosen is None and c.status not in FACTOR_STATUSES:
            continue
        if chosen is not None and path not in chosen:
            continue
        out.append(_factor(path, c.value, c.label, str(c.status), c.unit,
                           [(a.value, a.label) for a in c.alternatives], known.get(path),
                           c.references))
    if chosen is not None:
        have = {f.path for f in out}
        missing = [p for p in chosen if p not in have]
        if missing:  # an optional clause the deal does not have
            raise InputError([Problem("--vary", 0, p, f"{deal.id} has no clause {p}; an analysis "
                                      "varies the deal's own clauses") for p in missing])
        order = [canonical_path(deal, p, Located("--vary", 0, p)) if not is_archetype_path(p) else p
                 for p in given or ()]
        return sorted([*out, *arch], key=lambda f: order.index(f.path))
    return [*out, *arch]


def _clause_factor(c: Clause, known: dict[str, ExplicitRange]) -> Factor:
    """An archetype parameter as a factor; its range from its alternatives in the archetype table."""
    f = _factor(c.path, c.value, c.label, str(c.status), c.unit,
                [(a.value, a.label) for a in c.alternatives], known.get(c.path), c.references)
    if f.basis == ALTERNATIVES:
        where = c.file or "the archetype table"
        f = replace(f, basis=f"the parameter's value and its alternatives in {where}")
    spec = ARCHETYPE_PARAMS.get(c.path.rsplit(".", 1)[-1])
    if spec is not None and spec.kind == "count" and f.numeric:
        f = replace(f, integer=True)  # whole months or years, as the archetype reader takes them
    return f


def _factor(path: str, value: Any, label: str, status: str, unit: str,
            alternatives: list[tuple[Any, str]], explicit: ExplicitRange | None,
            refs: tuple[Reference, ...]) -> Factor:
    integer = unit in _INTEGER_UNITS
    if explicit is not None and _is_number(value):
        return Factor(path=path, label=label, status=status, unit=unit, base=value, low=explicit.low,
                      high=explicit.high, integer=integer, basis=explicit.basis,
                      references=explicit.references)
    values = [value, *[v for v, _ in alternatives]]
    if all(_is_number(v) for v in values) and len({float(v) for v in values}) > 1:
        lo, hi = min(float(v) for v in values), max(float(v) for v in values)
        return Factor(path=path, label=label, status=status, unit=unit, base=value, low=lo, high=hi,
                      integer=integer, basis=ALTERNATIVES,
                      references=refs)
    return Factor(path=path, label=label, status=status, unit=unit, base=value,
                  choices=(KEEP, *[v for v, _ in alternatives]),
                  choice_labels=(_short(_plain(value)), *[_short(_plain(v)) for v, _ in alternatives]),
                  basis=ALTERNATIVES, references=refs)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(_plain(v)) for v in value) + "]"
    shares = getattr(value, "shares", None)
    if shares is not None:
        return "/".join(f"{v:g} {k}" for k, v in shares.items()) + f" until {value.until}"
    return value


def ranged(factor: Factor, low: float, high: float, *, where: str) -> Factor:
    """``factor`` over ``[low, high]`` instead (a user's bounds), refused when reversed or zero-width."""
    if not factor.numeric:
        raise InputError([Problem(where, 0, factor.path, f"{factor.path} takes one of a set of values "
                                  f"({factor.describe()}), not a range")])
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError([Problem(where, 0, factor.path, "the bounds must be finite numbers")])
    if low > high:
        raise InputError([Problem(where, 0, factor.path, f"the bounds are reversed: {low:g} > {high:g}")])
    if low == high:
        raise InputError([Problem(where, 0, factor.path, f"the range is zero-width ({low:g}); give two "
                                  "different bounds")])
    return Factor(path=factor.path, label=factor.label, status=factor.status, unit=factor.unit,
                  base=factor.base, low=float(low), high=float(high), integer=factor.integer,
                  basis=f"given: {low:g} to {high:g}", references=())


def numeric_factor(deal: TermSheet, path: str, *, where: str, pipeline: Pipeline | None = None) -> Factor:
    """The clause at ``path`` (or the archetype parameter ``archetypes.ID.PARAM`` of ``pipeline``) as
    a numeric factor (any status): its explicit or derived range, or, for a clause with no
    alternatives, a range that must be given."""
    if is_archetype_path(path.strip()):
        cp = path.strip()
        c = archetype_clause(pipeline, cp, where)
    else:
        cp = canonical_path(deal, path, Located(where, 0, path))
        c = deal.clause(cp) if not cp.startswith("tranches") else _tranche_clause(deal, cp)
    if c is None:
        raise InputError([Problem(where, 0, path, f"{deal.id} has no clause {cp}")])
    if not _is_number(c.value):
        raise InputError([Problem(where, 0, path, f"{cp} is {c.value!r} ({c.unit}), not a number: "
                                  "only a numeric clause can be solved for or varied over a range")])
    f = _factor(cp, c.value, c.label, str(c.status), c.unit, [(a.value, a.label) for a in c.alternatives],
                explicit_ranges().get(cp), c.references)
    if f.numeric:
        return f
    return Factor(path=cp, label=c.label, status=str(c.status), unit=c.unit, base=c.value,
                  integer=c.unit in _INTEGER_UNITS, basis="none: give the bounds")


def _tranche_clause(deal: TermSheet, path: str) -> Any:
    m = re.match(r"^tranches\[(\d+)\]\.(\w+)$", path)
    if not m or int(m[1]) >= len(deal.tranches):
        return None
    return deal.tranches[int(m[1])].clauses.get(m[2])


# -- explicit ranges and reservation points (cited data) ------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class ExplicitRange:
    """A clause's range stated in ``data/ranges``, with its basis."""

    path: str
    low: float
    high: float
    unit: str
    status: str
    basis: str
    references: tuple[Reference, ...]


def explicit_ranges(path: Path | None = None) -> dict[str, ExplicitRange]:
    """The explicit ranges of ``data/ranges/assumptions.yaml`` (or ``path``), by clause path."""
    file = path or DATA / "ranges" / "assumptions.yaml"
    display = str(path) if path else "ranges/assumptions.yaml"
    root, chk, header = open_cited(file, schema=RANGES_SCHEMA, display=display, allowed=("ranges",))
    out: dict[str, ExplicitRange] = {}
    for key, node in chk.table(root, "ranges"):
        chk.keys(node, required=("low", "high", "unit", "status", "basis"), allowed=("refs",))
        lo: Any = node.get("low")
        hi: Any = node.get("high")
        if not (_is_number(lo) and _is_number(hi)) or float(lo) >= float(hi):
            chk.add(node.loc, "low and high must be numbers with low < high", field=f"ranges.{key}")
            continue
        refs = _refs(node, header.references, chk, f"ranges.{key}")
        out[key] = ExplicitRange(path=key, low=float(lo), high=float(hi), unit=str(node.get("unit")),
                                 status=str(node.get("status")),
                                 basis=" ".join(str(node.get("basis")).split()),
                                 references=refs)
    chk.raise_if_any()
    return out


def _refs(node: YMap, table: dict[str, Reference], chk: Checker, field: str) -> tuple[Reference, ...]:
    keys = node.get("refs") or []
    out = []
    for k in keys:
        if k in table:
            out.append(table[k])
        else:
            chk.add(node.loc, f"unknown reference {k!r}", field=f"{field}.refs")
    return tuple(out)


_OPS: dict[str, Callable[[float, float], bool]] = {"<=": operator.le, ">=": operator.ge,
                                                    "<": operator.lt, ">": operator.gt}
_LIMIT = re.compile(r"^\s*(?P<outcome>[A-Za-z][\w\-]*\.[a-z_]+)\s*(?P<op><=|>=|<|>)\s*(?P<value>\S+)\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Limit:
    """``outcome op value``: a constraint or a reservation point, with its status and basis."""

    outcome: str
    op: str
    value: float
    status: str = "given"  # given on the command line, or the data's status
    label: str = ""
    reason: str = ""
    references: tuple[Reference, ...] = ()

    def holds(self, x: float) -> bool:
        """Whether ``x`` meets the limit; a value within a relative 1e-9 of the bound meets it
        (a capped call of $20B is 20e9 give or take the last bits of a sum)."""
        if not math.isfinite(x):
            return False
        if self.op in ("<=", ">=") and abs(x - self.value) <= 1e-9 * max(abs(self.value), 1.0):
            return True
        return bool(_OPS[self.op](x, self.value))

    def text(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"


def parse_limit(text: str, *, where: str) -> Limit:
    """``KR.p_loss<=0.2`` → :class:`Limit` (the outcome is checked against a deal later)."""
    m = _LIMIT.match(text)
    if not m:
        raise InputError([Problem(where, 0, text[:40] or "<limit>",
                                  "expected OUTCOME<=VALUE or OUTCOME>=VALUE, e.g. 'KR.p_loss<=0.2'")])
    try:
        value = float(m["value"])
    except ValueError:
        raise InputError([Problem(where, 0, text[:40], f"{m['value']!r} is not a number")]) from None
    if not math.isfinite(value):
        raise InputError([Problem(where, 0, text[:40], "the value must be finite")])
    return Limit(outcome=m["outcome"], op=m["op"], value=value)


def reservations(name: str = "korea-us-2025") -> list[Limit]:
    """The reservation points of ``data/reservations/<name>.yaml`` (or a path), each with its status."""
    file = Path(name) if name.endswith((".yaml", ".yml")) else DATA / "reservations" / f"{name}.yaml"
    display = name if name.endswith((".yaml", ".yml")) else f"reservations/{name}.yaml"
    if not file.is_file():
        known = ", ".join(p.stem for p in sorted((DATA / "reservations").glob("*.yaml")))
        raise InputError([Problem(display, 0, "<name>", f"no such reservation file; shipped: {known}")])
    root, chk, header = open_cited(file, schema=RESERVATIONS_SCHEMA, display=display,
                                   allowed=("reservations",))
    out: list[Limit] = []
    for i, node in enumerate(chk.items(root, "reservations", "reservation")):
        field = f"reservations[{i}]"
        if not isinstance(node, YMap):
            continue
        chk.keys(node, required=("outcome", "op", "value", "unit", "status", "label"),
                 allowed=("refs", "reason"))
        status = str(node.get("status"))
        refs = _refs(node, header.references, chk, field)
        if status == "assumed" and not node.get("reason"):
            chk.add(node.loc, "an assumed reservation point must say why in 'reason'", field=field)
        if status in ("reported", "agreed") and not refs:
            chk.add(node.loc, f"a {status} reservation point needs a source in refs", field=field)
        if node.get("op") not in _OPS or not _is_number(node.get("value")):
            chk.add(node.loc, "op must be <=, >=, < or > and value a number", field=field)
            continue
        out.append(Limit(outcome=str(node.get("outcome")), op=str(node.get("op")),
                         value=float(node["value"]), status=status, label=str(node.get("label")),
                         reason=" ".join(str(node.get("reason") or "").split()), references=refs))
    chk.raise_if_any()
    return out
