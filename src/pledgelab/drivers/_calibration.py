"""Reference-class calibration of a project risk entry: the cited numbers its parameters come from.

An archetype's entry in a driver file may carry a ``calibration`` block next
to its clauses. It states the published numbers of a reference class and the
baseline they are measured from; the reader derives the parameters from them
and refuses a file whose clauses disagree with its own calibration, with the
numbers (``file:line: field: message``).

``capex``: ``mean_overrun`` (mean of realised / estimated capex, minus 1) and
    ``share_over_budget`` (the share of the class that overran). The capex
    multiplier is lognormal, ``X = (1 + o) exp(w Z - w^2 / 2)``, so its mean is
    ``1 + o`` and ``P(X > 1) = Phi(ln(1 + o) / w - w / 2)``; setting that to the
    cited share ``p`` gives ``w = -a + sqrt(a^2 + 2 ln(1 + o))`` with
    ``a = Phi^-1(p)``. ``capex_overrun_mean`` must equal ``o`` and
    ``capex_overrun_vol`` must equal ``w`` (both to the rounding below).
``slip``: ``fraction_of_build`` — the class's mean schedule overrun as a share
    of the planned duration; ``delay_mean`` must equal it times the archetype's
    planned build (``build_months`` of the archetype table).
``baseline``: what the overrun is measured against: ``first-estimate`` (the
    estimate announced early, before the final investment decision),
    ``final-investment-decision`` (the budget sanctioned at FID), or
    ``not-stated`` where the sources do not say.

References
----------
Flyvbjerg, B. et al. (2018), "Five things you should know about cost overrun",
Transportation Research Part A 118: overrun must be measured against one
stated baseline. Sovacool, Gilbert and Nugent (2014), Energy Research & Social
Science 3: 152-160 (a lognormal-type fat right tail of overruns).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from pledgelab._cited import Checker, Reference, YMap

BASELINES = ("first-estimate", "final-investment-decision", "not-stated")
MEAN_TOL = 5e-4  # a stated mean overrun is written to 3 decimals
VOL_TOL = 5e-3  # a derived log-sd is written to 2 or 3 decimals
SLIP_TOL = 0.05  # months: a derived mean slip is written to one decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class CapexClass:
    """Cited cost-overrun numbers of a reference class."""

    mean_overrun: float
    share_over_budget: float
    references: tuple[Reference, ...]
    line: int

    def log_sd(self) -> float:
        """The lognormal sigma that gives ``share_over_budget`` above budget at this mean."""
        return overrun_log_sd(self.mean_overrun, self.share_over_budget)


@dataclass(frozen=True, slots=True, kw_only=True)
class SlipClass:
    """Cited schedule-overrun number of a reference class (a share of the planned build)."""

    fraction_of_build: float
    references: tuple[Reference, ...]
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Calibration:
    """The reference class an archetype's parameters are calibrated to."""

    baseline: str
    capex: CapexClass | None = None
    slip: SlipClass | None = None
    note: str | None = None


def overrun_log_sd(mean_overrun: float, share_over: float) -> float:
    """``w`` with ``E[X] = 1 + mean_overrun`` and ``P(X > 1) = share_over`` for the lognormal X.

    Raises ValueError (with the numbers) where no lognormal has both.
    """
    if not 0.0 < share_over < 1.0:
        raise ValueError(f"a share over budget must lie strictly between 0 and 1, got {share_over:g}")
    if mean_overrun <= -1.0:
        raise ValueError(f"a mean overrun of {mean_overrun:g} gives a capex multiplier of "
                         f"{1 + mean_overrun:g}: negative or zero capex")
    a = NormalDist().inv_cdf(share_over)
    disc = a * a + 2.0 * math.log1p(mean_overrun)
    w = -a + math.sqrt(disc) if disc >= 0 else -1.0
    if not w > 0:
        raise ValueError(f"no lognormal capex multiplier has a mean overrun of {mean_overrun:.1%} "
                         f"with {share_over:.0%} of projects over budget (a mean multiplier of "
                         f"{1 + mean_overrun:g} allows less than {_max_share(mean_overrun):.1%} over)")
    return w


def _max_share(mean_overrun: float) -> float:
    """The supremum of ``P(X > 1)`` over lognormal multipliers with this mean.

    ``P(X > 1) = Phi(L / w - w / 2)`` with ``L = ln(1 + o)``: for ``L > 0`` it
    takes every value in (0, 1); for ``L <= 0`` it peaks at ``w = sqrt(-2L)``.
    """
    lg = math.log1p(mean_overrun)
    return 1.0 if lg > 0 else NormalDist().cdf(-math.sqrt(-2.0 * lg))


def read_calibration(chk: Checker, node: object, where: YMap, refs: dict[str, Reference]
                     ) -> Calibration | None:
    """Read a ``calibration`` block (``where`` is the archetype's mapping)."""
    m = chk.mapping(node, where.at("calibration"))
    if m is None:
        return None
    chk.keys(m, required=("baseline",), allowed=("capex", "slip", "note"))
    baseline = m.get("baseline")
    ok = True
    if "baseline" in m and baseline not in BASELINES:
        chk.add(m.at("baseline"), f"{baseline!r} is not one of: {', '.join(BASELINES)}")
        ok = False
    capex = slip = None
    if "capex" in m and (c := chk.mapping(m["capex"], m.at("capex"))) is not None:
        chk.keys(c, required=("mean_overrun", "share_over_budget", "refs"), allowed=("note",))
        mean = _number(chk, c, "mean_overrun", lo=-1.0, hi=10.0)
        share = _number(chk, c, "share_over_budget", lo=0.0, hi=1.0)
        cited = _refs(chk, c, refs)
        if mean is not None and share is not None and cited is not None:
            try:
                overrun_log_sd(mean, share)
            except ValueError as exc:
                chk.add(c.loc, str(exc))
            else:
                capex = CapexClass(mean_overrun=mean, share_over_budget=share, references=cited,
                                   line=c.loc.line)
        ok = ok and capex is not None
    if "slip" in m and (s := chk.mapping(m["slip"], m.at("slip"))) is not None:
        chk.keys(s, required=("fraction_of_build", "refs"), allowed=("note",))
        frac = _number(chk, s, "fraction_of_build", lo=0.0, hi=10.0)
        cited = _refs(chk, s, refs)
        if frac is not None and cited is not None:
            slip = SlipClass(fraction_of_build=frac, references=cited, line=s.loc.line)
        ok = ok and slip is not None
    note = chk.text(m, "note", required=False)
    if not ok or not isinstance(baseline, str):
        return None
    return Calibration(baseline=baseline, capex=capex, slip=slip, note=note)


def check_against(chk: Checker, cal: Calibration, entry: YMap, values: dict[str, float],
                  build_months: int | None) -> None:
    """Refuse clauses that disagree with their calibration, naming both numbers."""
    def at(name: str) -> YMap | None:
        node = entry.get(name)
        return node if isinstance(node, YMap) else None

    if cal.capex is not None:
        o, p = cal.capex.mean_overrun, cal.capex.share_over_budget
        if "capex_overrun_mean" in values and abs(values["capex_overrun_mean"] - o) > MEAN_TOL:
            node = at("capex_overrun_mean")
            if node is not None:
                chk.add(node.at("value"), f"{values['capex_overrun_mean']:g} disagrees with the "
                        f"calibration's cited mean overrun {o:g}")
        w = cal.capex.log_sd()
        if "capex_overrun_vol" in values and abs(values["capex_overrun_vol"] - w) > VOL_TOL:
            node = at("capex_overrun_vol")
            if node is not None:
                chk.add(node.at("value"), f"{values['capex_overrun_vol']:g} disagrees with the "
                        f"calibration: a mean overrun of {o:.1%} with {p:.0%} of projects over budget "
                        f"gives a log-sd of {w:.3f}")
    if cal.slip is not None and build_months is not None and "delay_mean" in values:
        want = cal.slip.fraction_of_build * build_months
        if abs(values["delay_mean"] - want) > SLIP_TOL:
            node = at("delay_mean")
            if node is not None:
                chk.add(node.at("value"), f"{values['delay_mean']:g} months disagrees with the "
                        f"calibration: {cal.slip.fraction_of_build:.0%} of the archetype's "
                        f"{build_months}-month build is {want:.1f} months")


def _number(chk: Checker, obj: YMap, key: str, *, lo: float, hi: float) -> float | None:
    if key not in obj:
        return None
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(float(v)):
        chk.add(obj.at(key), f"expected a finite number, got {v!r}")
        return None
    if not lo <= float(v) <= hi:
        chk.add(obj.at(key), f"must lie between {lo:g} and {hi:g}, got {v}")
        return None
    return float(v)


def _refs(chk: Checker, obj: YMap, refs: dict[str, Reference]) -> tuple[Reference, ...] | None:
    raw = chk.items(obj, "refs", "reference keys")
    out: list[Reference] = []
    for loc, key in raw.items_located():
        if not isinstance(key, str) or key not in refs:
            chk.add(loc, f"unknown reference {key!r}; the file's references are: "
                    f"{', '.join(sorted(refs)) or 'none defined'}")
            return None
        out.append(refs[key])
    return tuple(out) if out else None
