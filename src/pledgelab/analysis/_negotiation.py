"""The numbers a negotiator asks for (issue 21): exposure, break-even share, the value of a clause.

Every number here is the difference or the root of deterministic runs of the same
deal with one clause switched (``pledgelab.terms.apply_overrides``), so each can be
reproduced by two ``pledgelab run --set ...`` commands:

* **exposure** — the investor's own cash put in (capital calls, vehicle instalments),
  the guarantee calls it paid (drawn), the most guarantee cover left undrawn at a month
  end (within the limits), and the most it had at stake at once: cash and calls to date
  plus undrawn cover;
* **break-even share** — the investor's share of the distributed project cash (one tier
  to the end, the rest to the host) at which its NPV is zero, found by bisection
  (NPV rises with the share);
* **value of a protective clause** — NPV with the clause minus NPV without it, by party:
  principal repaid first (``loss_treatment: capital-first``), the review clause acted on
  (``review_action: adjust-shares`` to a stated split, at the stated horizon or earlier),
  the guarantee limit (``lender-loss`` against ``guarantor-pays``), the second tier as
  written against the first tier's shares to the end, the deemed spread against none.
  A clause whose switch moves no party's NPV by more than ``NO_EFFECT`` is said in words;
* **share of net value created** — each party's NPV over the sum of all parties' NPVs;
* **disputed readings** — the outcome under each alternative of a ``disputed`` clause, as
  a range; an alternative the reader refuses on its own (it needs further clauses) is
  reported with the reader's message, not run;
* **the host's tax** (``distribution.host_tax_rate``) — the project yields are after the
  host's tax (Katz: profits "net of US taxes"), so the host is credited
  ``rate x pre-tax income`` beside the run's flows (which it does not change), where a
  month's pre-tax income is its operating cash before tax less straight-line depreciation
  of the capex over the project's life; from after-tax cash ``A`` and depreciation ``D``
  the tax is ``rate / (1 - rate) x (A - D)``, zero in a month with no income (no loss is
  carried forward); and each party's share of pre-tax cash: what it receives (the host:
  plus the tax) over all that is paid out plus the tax.

* **risk with agreed amounts enforced** — p5 of each party's NPV and P(loss) (it receives
  less than it puts in, as ``pledgelab simulate`` reports it) from a small Monte Carlo run
  (:func:`pledgelab.simulate`, default 500 paths, seed given) with ``amount.overrun_payer``
  at its capped reading ``host-beyond-cap``: the investor pays no more than it agreed;
* **tariff relief** — beside the NPVs, the investor's tariff benefit and the US customs
  revenue forgone, present value over a stated horizon at the compare's discount rate
  (:func:`pledgelab.macro.tariff_relief`, the shipped incidence assumptions).

The FX safeguard is not valued here: the deterministic run has no currency moves, so its
value is a Monte Carlo quantity (``pledgelab simulate`` with the safeguard live).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pledgelab._errors import InputError
from pledgelab._words import usd
from pledgelab.analysis._simulate import simulate
from pledgelab.engine import RunResult, deemed_rate, run
from pledgelab.macro import TariffRelief, tariff_relief
from pledgelab.metrics import default_discount_rate, party_outcomes, present_values
from pledgelab.pipeline import Pipeline
from pledgelab.terms import Clause, Status, TermSheet, Tranche, apply_overrides, override

CAPPED = "host-beyond-cap"
"""The overrun reading that enforces the agreed amounts (``amount.overrun_payer``)."""

NO_EFFECT = 0.05e9
"""USD: a switch that moves no party's NPV by more than this is reported as moving nothing."""

_CASH_IN = ("capital call", "instalment")


@dataclass(frozen=True, slots=True, kw_only=True)
class Exposure:
    """What the investor puts in or stands behind, USD (undiscounted)."""

    cash: float  # its own capital calls and vehicle instalments
    guarantee_calls: float  # guarantee calls it paid (drawn)
    peak_undrawn: float  # the most guarantee cover undrawn at a month end, within the limits
    peak_total: float  # the most at stake at once: cash and calls to date plus undrawn cover


def exposure(res: RunResult) -> Exposure:
    """The investor's exposure in one run, guarantees included (drawn and undrawn)."""
    inv = res.deal.investor
    cash = np.zeros(res.months)
    calls = np.zeros(res.months)
    for ln in res.lines:
        if ln.party != inv:
            continue
        if ln.kind in _CASH_IN:
            cash += np.minimum(ln.values, 0.0)
        elif ln.kind == "guarantee call":
            calls += np.minimum(ln.values, 0.0)
    undrawn = res.guaranteed if res.guaranteed is not None else np.zeros(res.months)
    at_stake = -np.cumsum(cash + calls) + undrawn
    return Exposure(cash=float(-cash.sum()) + 0.0, guarantee_calls=float(-calls.sum()) + 0.0,
                    peak_undrawn=float(undrawn.max(initial=0.0)),
                    peak_total=float(at_stake.max(initial=0.0)))


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxCredit:
    """The host's tax on the projects' income (module docstring), USD."""

    rate: float
    by_month: np.ndarray  # (months,) tax credited to the host
    total: float
    npv: float
    pre_tax_share: dict[str, float]  # party -> share of pre-tax cash


def host_tax(res: RunResult, *, discount_rate: float | None = None) -> TaxCredit | None:
    """The host's tax credited beside a run, or ``None`` when the deal has no ``host_tax_rate``.

    Operating cash by month of every financed, operating project (the plan's, from each
    project's first operating month) is after tax; with depreciation ``capex / life`` a month,
    tax = rate x (operating - depreciation) / (1 - rate), at least zero.
    """
    deal = res.deal
    if "distribution.host_tax_rate" not in deal.clauses:
        return None
    rate = float(deal.value("distribution.host_tax_rate"))
    disc = default_discount_rate(deal) if discount_rate is None else discount_rate
    income = np.zeros(res.months)
    for ps in res.schedule.financed():
        if ps.cod is None or ps.abandoned is not None:
            continue
        ops = ps.project.operating_cash()
        life = int(ps.project.params["life_years"].value) * 12
        ops = ops - float(ps.project.capex.value) / life * (np.arange(len(ops)) < life)
        c0 = ps.cod - res.start
        seg = ops[: max(0, res.months - c0)]
        income[c0:c0 + len(seg)] += seg
    tax = rate / (1.0 - rate) * np.maximum(income, 0.0) if rate < 1.0 else np.zeros(res.months)
    received = {o.party: o.received for o in party_outcomes(res, discount_rate=disc)}
    received[deal.host] = received.get(deal.host, 0.0) + float(tax.sum())
    whole = sum(received.values())
    return TaxCredit(rate=rate, by_month=tax, total=float(tax.sum()),
                     npv=float(present_values(tax, disc).sum()),
                     pre_tax_share={p: v / whole if whole > 0 else 0.0 for p, v in received.items()})


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseValue:
    """NPV with a clause minus NPV without it, by party; ``words`` when it moves nothing."""

    name: str
    switch: str  # the two settings compared, in words
    npv: dict[str, float]  # by party, USD
    words: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """One reading of a disputed clause: NPV by party, or why it could not be run."""

    clause: str
    value: Any
    label: str
    npv: dict[str, float] | None
    problem: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiatorView:
    """One deal's negotiator's numbers over a pipeline (module docstring)."""

    deal: TermSheet
    discount_rate: float
    npv: dict[str, float]
    exposure: Exposure
    break_even_share: float | None  # the investor's share of distributed cash at NPV 0
    break_even_words: str
    clause_values: list[ClauseValue]
    value_share: dict[str, float] | None  # party NPV / sum of NPVs (None: no value created)
    readings: list[Reading]
    not_valued: list[str]
    tax: TaxCredit | None = None  # the host's tax, when the deal states a rate
    in_kind: tuple[str, ...] = ()  # what the host contributes in kind (amount.host_in_kind), not valued
    risk: CappedRisk | None = None  # p5 NPV and P(loss) with the agreed amounts enforced
    relief: TariffRelief | None = None  # the investor's tariff benefit and US revenue forgone


@dataclass(frozen=True, slots=True, kw_only=True)
class CappedRisk:
    """p5 of NPV and P(loss) by party, Monte Carlo with the agreed amounts enforced."""

    paths: int
    seed: int
    overrun: str  # the amount.overrun_payer reading simulated (CAPPED)
    npv_p5: dict[str, float]  # party -> 5th percentile of NPV, USD
    p_loss: dict[str, float]  # party -> share of paths on which it receives less than it puts in


def capped_risk(deal: TermSheet, pipeline: Pipeline, *, paths: int = 500, seed: int = 0,
                discount_rate: float | None = None) -> CappedRisk:
    """p5 of NPV and P(loss) of each party that puts in or receives cash, from
    :func:`pledgelab.simulate` with ``overrun="host-beyond-cap"`` (the agreed amounts enforced)."""
    mc = simulate(deal, pipeline=pipeline, paths=paths, seed=seed, discount_rate=discount_rate,
                  overrun=CAPPED)
    p5: dict[str, float] = {}
    loss: dict[str, float] = {}
    for party in mc.parties:
        i = mc.party_index(party)
        if not (mc.contributed[i].any() or mc.received[i].any()):
            continue
        v = mc.npv[i][np.isfinite(mc.npv[i])]
        p5[party] = float(np.quantile(v, 0.05)) if v.size else float("nan")
        loss[party] = float(np.mean(mc.received[i] < mc.contributed[i]))
    return CappedRisk(paths=paths, seed=seed, overrun=CAPPED, npv_p5=p5, p_loss=loss)


def _npv(deal: TermSheet, pipeline: Pipeline, rate: float) -> dict[str, float]:
    return {o.party: o.npv for o in party_outcomes(run(deal, pipeline), discount_rate=rate)}


def _switched(deal: TermSheet, sets: dict[str, Any], why: str) -> TermSheet:
    return apply_overrides(deal, [override(k, v, reason=why) for k, v in sets.items()])


def _single_tier(deal: TermSheet, share: float) -> list[dict[str, Any]]:
    return [{"shares": {deal.investor: share, deal.host: 1.0 - share}, "until": "end"}]


def break_even_share(deal: TermSheet, pipeline: Pipeline, *, discount_rate: float | None = None,
                     tol: float = 1e-4) -> tuple[float | None, str]:
    """The investor's share of distributed project cash at which its NPV is zero (bisection).

    The distribution is switched to one tier to the end (investor ``s``, host ``1 - s``) with
    the loss treatment as written; returns the share and a sentence, or ``None`` with why.
    """
    rate = default_discount_rate(deal) if discount_rate is None else discount_rate
    why = "break-even share of project cash"

    def npv_at(s: float) -> float:
        d = _switched(deal, {"distribution.tiers": _single_tier(deal, s),
                             "distribution.review_horizon": None,
                             "distribution.review_action": "report-only"}, why)
        return _npv(d, pipeline, rate)[deal.investor]

    lo, hi = 0.0, 1.0
    f_lo, f_hi = npv_at(lo), npv_at(hi)
    if f_hi < 0:
        return None, (f"none: even all of the distributed project cash leaves {deal.investor} "
                      f"{f_hi / 1e9:+.1f}B at {100 * rate:.2f}%/yr")
    if f_lo >= 0:
        return 0.0, f"0%: {deal.investor} breaks even with no share of the distributed cash"
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if npv_at(mid) >= 0:
            hi = mid
        else:
            lo = mid
    s = 0.5 * (lo + hi)
    return s, f"{100 * s:.1f}% of the distributed project cash for {deal.investor}'s NPV to be zero"


def _value(deal: TermSheet, pipeline: Pipeline, rate: float, name: str, switch: str,
           with_: dict[str, Any], without: dict[str, Any], quiet: str) -> ClauseValue:
    a = _npv(_switched(deal, with_, name), pipeline, rate) if with_ else _npv(deal, pipeline, rate)
    b = _npv(_switched(deal, without, name), pipeline, rate) if without else _npv(deal, pipeline, rate)
    diff = {p: a[p] - b[p] for p in a}
    words = quiet if max(abs(v) for v in diff.values()) <= NO_EFFECT else None
    return ClauseValue(name=name, switch=switch, npv=diff, words=words)


def clause_values(deal: TermSheet, pipeline: Pipeline, *, discount_rate: float | None = None,
                  review_splits: Sequence[tuple[float, int | None]] = ((0.75, None), (1.0, None),
                                                                         (1.0, 120))
                  ) -> list[ClauseValue]:
    """The value of each protective clause the deal can switch (module docstring).

    ``review_splits``: (the investor's share after the review, the horizon in months or
    ``None`` for the deal's own) — the review clause's actions valued one by one.
    """
    rate = default_discount_rate(deal) if discount_rate is None else discount_rate
    inv, host = deal.investor, deal.host
    out: list[ClauseValue] = []
    loss = str(deal.value("distribution.loss_treatment"))
    out.append(_value(deal, pipeline, rate, "principal first",
                      f"capital-first against investor-bears (as written: {loss})",
                      {"distribution.loss_treatment": "capital-first"},
                      {"distribution.loss_treatment": "investor-bears"},
                      "moves no outcome on this pipeline"))
    horizon = deal.value("distribution.review_horizon")
    if horizon:
        for share, when in review_splits:
            h = int(when or horizon)
            name = f"review applied: {round(100 * share)}/{round(100 * (1 - share))} at year {h // 12}"
            out.append(_value(
                deal, pipeline, rate, name,
                f"adjust-shares to {inv} {share:.0%} from month {h} against report-only",
                {"distribution.review_action": "adjust-shares", "distribution.review_horizon": h,
                 "distribution.review_shares": {inv: share, host: 1.0 - share}},
                {"distribution.review_action": "report-only"},
                "moves no outcome on this pipeline"))
    cap = deal.value("timeline.annual_cap")
    if cap is not None:
        out.append(_value(deal, pipeline, rate, "annual cap",
                          f"at most {usd(float(cap))} a calendar year against no cap", {},
                          {"timeline.annual_cap": None},
                          "moves no outcome on this pipeline: no calendar year's calls reach the cap"))
    if any(t.method == "guarantee" for t in deal.tranches):
        out.append(_value(deal, pipeline, rate, "guarantee limit",
                          "lender-loss past the limits against guarantor-pays",
                          {"amount.beyond_guarantee_limit": "lender-loss"},
                          {"amount.beyond_guarantee_limit": "guarantor-pays"},
                          "moves no outcome on this pipeline: the calls stay within the limits"))
    tiers = deal.tiers
    if len(tiers) >= 2:
        first = tiers[0].shares
        out.append(_value(deal, pipeline, rate, "second tier",
                          "the tiers as written against the first tier's shares to the end",
                          {}, {"distribution.tiers": [{"shares": dict(first), "until": "end"}]},
                          "moves no outcome on this pipeline: no waterfall reaches the second tier"))
        spread = float(deal.value("distribution.deemed_spread"))
        out.append(_value(deal, pipeline, rate, "deemed spread",
                          f"{100 * spread:.1f}% against none", {},
                          {"distribution.deemed_spread": 0.0},
                          "moves no outcome on this pipeline: no waterfall recovers its deemed "
                          "allocation amount, so the hurdle's rate never bites"))
    return out


def disputed_readings(deal: TermSheet, pipeline: Pipeline, *, discount_rate: float | None = None,
                      paths: Sequence[str] | None = None) -> list[Reading]:
    """NPV by party under each alternative of every ``disputed`` clause (or of the clauses at
    ``paths``, whatever their status), the clause as written first."""
    rate = default_discount_rate(deal) if discount_rate is None else discount_rate
    out: list[Reading] = []
    for c in deal.all_clauses():
        if (c.status != "disputed") if paths is None else (c.path.removeprefix("clauses.") not in paths):
            continue
        path = c.path.removeprefix("clauses.")
        out.append(Reading(clause=path, value=c.value, label="as written", npv=_npv(deal, pipeline, rate)))
        for alt in c.alternatives:
            label = alt.label
            try:
                if path.endswith(".method") and alt.value == "loan":  # with loan terms the record lacks
                    variant = _as_loan(deal, path)
                    label += (" (assumed loan terms: the deal's deemed rate, "
                              f"{100 * deemed_rate(deal):.1f}%, level payments over each project's life)")
                else:
                    variant = _switched(deal, {path: alt.value}, "disputed reading")
                npv = _npv(variant, pipeline, rate)
            except InputError as exc:
                seen = list(dict.fromkeys(f"{p.field}: {p.message}" for p in exc.problems))
                why = "not run on its own, the reader refuses it: " + "; ".join(seen[:3])
                out.append(Reading(clause=path, value=alt.value, label=label, npv=None, problem=why))
                continue
            out.append(Reading(clause=path, value=alt.value, label=label, npv=npv))
    return out


def _as_loan(deal: TermSheet, method_path: str) -> TermSheet:
    """``deal`` with the tranche at ``method_path`` read as a loan from its funder, at the deal's
    deemed rate, amortised by level payments within each project's life (every added clause
    marked assumed, with this reason)."""
    why = ("Reading of a disputed method as a loan (analysis.disputed_readings): the record gives no "
           "loan terms, so the deal's own deemed rate and level payments over the project's life are used")
    out = []
    for tr in deal.tranches:
        if tr.clauses["method"].path.removeprefix("clauses.") != method_path:
            out.append(tr)
            continue
        base = tr.clauses["method"]
        added = {"rate": (deemed_rate(deal), "per-year"), "tenor": (1200, "months"),
                 "amortisation": ("annuity", "rule")}
        cl = dict(tr.clauses)
        cl["method"] = replace(base, value="loan", status=Status.ASSUMED, reason=why)
        for key, (value, unit) in added.items():
            cl[key] = Clause(path=base.path.removesuffix("method") + key, value=value, unit=unit,
                             label=f"{key} (assumed for the loan reading)", status=Status.ASSUMED,
                             reason=why, file=base.file, line=base.line)
        out.append(Tranche(id=tr.id, label=tr.label, clauses=cl))
    return replace(deal, tranches=tuple(out))


def negotiator_view(deal: TermSheet, pipeline: Pipeline, *, discount_rate: float | None = None,
                    paths: int = 500, seed: int = 0, relief_years: int = 10) -> NegotiatorView:
    """Exposure, break-even share, clause values, share of net value and disputed readings;
    p5 NPV and P(loss) with the agreed amounts enforced (``paths``, ``seed``; 0 paths: not run),
    and the tariff relief over ``relief_years`` (``None`` where no tariff model covers the investor)."""
    rate = default_discount_rate(deal) if discount_rate is None else discount_rate
    res = run(deal, pipeline)
    try:  # from January of the run's first year, as the NPVs
        relief: TariffRelief | None = tariff_relief(deal, years=relief_years, discount_rate=rate,
                                                    first_year=res.start // 12)
    except ValueError as exc:
        relief, gap = None, str(exc)
    else:
        gap = ""
    npv = {o.party: o.npv for o in party_outcomes(res, discount_rate=rate)}
    total = sum(npv.values())
    share, words = break_even_share(deal, pipeline, discount_rate=rate)
    return NegotiatorView(
        deal=deal, discount_rate=rate, npv=npv, exposure=exposure(res), break_even_share=share,
        break_even_words=words, clause_values=clause_values(deal, pipeline, discount_rate=rate),
        value_share={p: v / total for p, v in npv.items()} if total > 0 else None,
        readings=disputed_readings(deal, pipeline, discount_rate=rate),
        tax=host_tax(res, discount_rate=rate),
        in_kind=tuple(deal.value("amount.host_in_kind")) if "amount.host_in_kind" in deal.clauses else (),
        risk=capped_risk(deal, pipeline, paths=paths, seed=seed, discount_rate=rate) if paths > 0 else None,
        relief=relief,
        not_valued=["FX safeguard: the deterministic run has no currency moves; its value is a "
                    "Monte Carlo quantity (pledgelab simulate with the safeguard live)",
                    *([f"tariff relief: {gap}"] if gap else [])])
