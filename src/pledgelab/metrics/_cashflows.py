"""Cash flows by party, kind and period: the sheet a spreadsheet user asks for first.

A deterministic run's flow lines (:class:`pledgelab.engine.FlowLine`, one per
party, project and kind, by month) summed over projects into one row per party
and kind of flow (capital call, instalment, distribution by tier, debt service,
guarantee fee, guarantee call, diversion, own returns, ...) and one total per
party, by month, calendar quarter or calendar year. Signs: received (+), paid
(−), in US dollars. So the split of *total returns* (loan interest and fees
included), not only of distributions, can be read period by period.

``currency="KRW"`` (or ``"JPY"``) reports the same flows in that currency, each
month's dollars times a rate in units per dollar: the cited rate of
``data/fx/rates.yaml`` (``fx="cited"``, :func:`pledgelab.terms.read_rates`), a
rate given as a :class:`pledgelab.terms.FxRate`, or the drivers' central path
(``fx="drivers"``: the FX process of the drivers with every shock zero,
:func:`pledgelab.drivers.central_fx`, month 0 being the run's first month as in
the Monte Carlo).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pledgelab.drivers import DriverModel, central_fx, load_drivers
from pledgelab.engine import RunResult
from pledgelab.terms import CURRENCIES, FxRate, read_rates

PERIODS = ("month", "quarter", "year")
FX_SOURCES = ("cited", "drivers")


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowRow:
    """One party's flows of one kind (or ``total``) by period, USD; the clauses behind them."""

    party: str
    kind: str
    values: np.ndarray  # (periods,)
    clauses: tuple[str, ...]

    @property
    def total(self) -> float:
        return float(self.values.sum())


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodFlows:
    """Cash flows of one run by period: ``rows`` in party order, each party's kinds then its total."""

    deal_id: str
    pipeline_id: str
    by: str  # month | quarter | year
    periods: tuple[str, ...]  # 2031-04, 2031-Q2, 2031
    starts: tuple[dt.date, ...]  # first day of each period
    rows: tuple[FlowRow, ...]
    currency: str = "USD"
    fx: str = ""  # how dollars were converted: the cited rate, or the drivers' central path


def monthly_rates(res: RunResult, currency: str, *, fx: str | FxRate = "cited",
                  drivers: DriverModel | str = "default") -> tuple[np.ndarray, str]:
    """Units of ``currency`` per US dollar for each month of ``res``, and where they come from.

    ``fx="cited"``: the cited rate every month (the pipeline's own ``fx_rates`` where it has the
    currency, so amounts it converted come back as written; else the shipped table); an
    :class:`~pledgelab.terms.FxRate`:
    that rate; ``fx="drivers"``: ``drivers``' central path from the run's first month. A
    currency or source not known raises ``ValueError`` naming the choices.
    """
    if currency not in CURRENCIES:
        raise ValueError(f"currency must be USD or one of: {', '.join(CURRENCIES)}; got {currency!r}")
    if isinstance(fx, FxRate):
        if fx.currency != currency:
            raise ValueError(f"the rate given is for {fx.currency}, not {currency}")
        return np.full(res.months, fx.per_usd), fx.cite()
    if fx == "cited":  # the pipeline's own rate (its fx_rates) where it has one, else the shipped one
        rate = res.pipeline.fx_rates.get(currency) or read_rates()[currency]
        return np.full(res.months, rate.per_usd), rate.cite()
    if fx == "drivers":
        model = load_drivers(drivers) if isinstance(drivers, str) else drivers
        if currency not in model.fx:
            raise ValueError(f"the drivers {model.id!r} have no {currency} process")
        path = central_fx(model, currency, months=res.months)
        return np.asarray(path, dtype=np.float64), (f"the central {currency} path of the drivers "
                                                    f"{model.id!r} ({path[0]:,.2f} in the first month)")
    raise ValueError(f"fx must be one of: {', '.join(FX_SOURCES)}, or an FxRate; got {fx!r}")


def _period(month: int, by: str) -> tuple[str, dt.date]:
    year, m0 = divmod(month, 12)
    if by == "month":
        return f"{year:04d}-{m0 + 1:02d}", dt.date(year, m0 + 1, 1)
    if by == "quarter":
        return f"{year:04d}-Q{m0 // 3 + 1}", dt.date(year, 3 * (m0 // 3) + 1, 1)
    return f"{year:04d}", dt.date(year, 1, 1)


def cash_flows(res: RunResult, *, by: str = "year", party: str | None = None, currency: str = "USD",
               fx: str | FxRate = "cited", drivers: DriverModel | str = "default") -> PeriodFlows:
    """Each party's flows by kind and their total, summed by ``by`` (month, quarter or year).

    ``currency`` other than ``"USD"`` converts every month's flows at :func:`monthly_rates`
    (``fx``, ``drivers``) before they are summed.

    The periods run from the first to the last period with any flow. ``party`` keeps one
    party (a code of the deal); a wrong ``by`` or ``party`` raises ``ValueError`` naming the
    choices.

    >>> from pledgelab import load_deal, load_pipeline, run
    >>> f = cash_flows(run(load_deal("us-korea-2025-11"), load_pipeline("korea-illustrative")))
    >>> f.periods[0], f.rows[-1].kind
    ('2026', 'total')
    """
    if by not in PERIODS:
        raise ValueError(f"by must be one of: {', '.join(PERIODS)}; got {by!r}")
    parties = list(res.deal.parties)
    if party is not None and party not in parties:
        raise ValueError(f"party {party!r} is not in {res.deal.id}; parties: {', '.join(parties)}")
    rates, fx_text = (np.ones(res.months), "") if currency == "USD" else monthly_rates(
        res, currency, fx=fx, drivers=drivers)
    months = res.start + np.arange(res.months)
    keys = [_period(int(m), by) for m in months]
    labels: list[str] = []
    starts: list[dt.date] = []
    index = np.empty(res.months, dtype=np.int64)
    for i, (label, start) in enumerate(keys):
        if not labels or labels[-1] != label:
            labels.append(label)
            starts.append(start)
        index[i] = len(labels) - 1
    n = len(labels)
    sums: dict[tuple[str, str], np.ndarray] = {}
    clauses: dict[tuple[str, str], list[str]] = {}
    for line in res.lines:
        if party is not None and line.party != party:
            continue
        key = (line.party, line.kind)
        if key not in sums:
            sums[key] = np.zeros(n)
            clauses[key] = []
        sums[key] += np.bincount(index, weights=line.values * rates, minlength=n)
        clause = line.clause.removeprefix("clauses.")
        if clause not in clauses[key]:
            clauses[key].append(clause)
    active = [i for i in range(n) if any(v[i] != 0.0 for v in sums.values())]
    lo, hi = (active[0], active[-1] + 1) if active else (0, 0)
    rows: list[FlowRow] = []
    for p in parties:
        mine = [(k, v) for k, v in sums.items() if k[0] == p]
        if not mine:
            continue
        for (_, kind), v in mine:
            rows.append(FlowRow(party=p, kind=kind, values=v[lo:hi], clauses=tuple(clauses[(p, kind)])))
        total = np.sum([v[lo:hi] for _, v in mine], axis=0)
        rows.append(FlowRow(party=p, kind="total", values=total, clauses=()))
    return PeriodFlows(deal_id=res.deal.id, pipeline_id=res.pipeline.id, by=by,
                       periods=tuple(labels[lo:hi]), starts=tuple(starts[lo:hi]), rows=tuple(rows),
                       currency=currency, fx=fx_text)
