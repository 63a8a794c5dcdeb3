"""Results of a Monte Carlo simulation: per-path outcomes, fans, exports — data only.

Labelled by party and path. ``fan(party)`` gives percentiles of cumulative net
cash by year; ``moic(party)`` the multiple per path; ``to_parquet`` writes one
row per path and party. The tables people read (means and percentiles of NPV,
IRR and MOIC; the probability of a loss; the probability the review clause
triggers; time to recovery) and the fan chart are drawn by the presentation
layer, :mod:`pledgelab.report.simulation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pledgelab._errors import ArgumentError, Problem, UnknownNameError
from pledgelab._extras import MissingExtra
from pledgelab._months import month_label
from pledgelab.analysis._montecarlo import QUANTILES, ChunkStats
from pledgelab.analysis._risk import RiskExplanation
from pledgelab.metrics import REASONS


@dataclass(frozen=True, slots=True, kw_only=True)
class FxSummary:
    """What the FX safeguard did, per path (:class:`pledgelab.engine.FxRule`)."""

    safeguard: str  # the safeguard file's id
    currency: str
    threshold: float
    impact: float  # log-points per $1B
    acceptance: float
    requests_allowed: bool  # the deal has the clause
    peak: np.ndarray  # (paths,) highest indicator while calls remained (NaN: none)
    requests: np.ndarray  # (paths,) requests made
    accepted: np.ndarray  # (paths,) requests accepted
    deferred: np.ndarray  # (paths,) months the investor's calls were deferred


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkforceSummary:
    """What the workforce delays were, per path (:class:`WorkforceShocks`)."""

    policy: str  # the workforce policy's id
    delay: np.ndarray  # (paths,) mean start-up delay over the projects, months
    hit: np.ndarray  # (paths,) an enforcement action at some site


@dataclass(frozen=True, slots=True, kw_only=True)
class GuaranteeSummary:
    """The investor's guarantees, per path: calls paid (drawn) and the most cover left undrawn."""

    called: np.ndarray  # (paths,) USD
    peak_undrawn: np.ndarray  # (paths,) USD, within the limits


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationResult:
    """Outcomes of ``paths`` simulated paths of one deal over one pipeline."""

    deal_id: str
    pipeline_id: str
    drivers_id: str
    seed: int
    paths: int
    discount_rate: float
    start: int  # month index of month 0
    parties: tuple[str, ...]
    roles: dict[str, str]
    investor: str
    has_review: bool
    waterfalls: int  # waterfalls per path (one per financed project, or one pool per tranche)
    contributed: np.ndarray  # (parties, paths)
    received: np.ndarray
    npv: np.ndarray
    irr: np.ndarray
    irr_code: np.ndarray
    payback: np.ndarray
    recovered: np.ndarray  # (paths,)
    unrecovered: np.ndarray
    review: np.ndarray
    truncated: np.ndarray
    fan_cum: np.ndarray  # (parties, kept paths, years)
    fx: FxSummary | None = None  # the FX safeguard, when it was live
    workforce: WorkforceSummary | None = None  # the workforce's delays, when they were applied
    overrun_reading: str = "investor-unlimited"  # amount.overrun_payer: who pays beyond the agreed amount
    agreed: dict[str, float] = field(default_factory=dict)  # party -> the tranches it funds (USD)
    explanation: RiskExplanation | None = None  # the plan's place, and the driver attribution
    guarantees: GuaranteeSummary | None = None  # when the deal has a guarantee tranche

    def exceedance(self, party: str) -> tuple[float, float, float]:
        """How often and by how much ``party`` puts in more than its agreed amount.

        Returns the share of paths where its contributions (capital calls, instalments,
        guarantee calls) exceed ``agreed[party]`` (0 for a party that funds no tranche)
        by more than a dollar, the mean excess over those paths, and the 95th percentile
        of the excess over all paths (USD).
        """
        i = self.party_index(party)
        excess = self.contributed[i] - self.agreed.get(party, 0.0)
        over = excess > 1.0
        return (float(over.mean()), float(excess[over].mean()) if over.any() else 0.0,
                float(np.quantile(np.maximum(excess, 0.0), 0.95)))

    @classmethod
    def from_chunks(cls, chunks: list[ChunkStats], *, fx: dict[str, Any] | None = None,
                    workforce: str | None = None, **meta: Any) -> SimulationResult:
        def cat(name: str, axis: int) -> np.ndarray:
            return np.concatenate([getattr(c, name) for c in chunks], axis=axis)

        summary = None if fx is None else FxSummary(
            peak=cat("fx_peak", 0), requests=cat("fx_requests", 0), accepted=cat("fx_accepted", 0),
            deferred=cat("fx_deferred", 0), **fx)
        called = cat("g_called", 0)
        return cls(
            guarantees=GuaranteeSummary(called=called, peak_undrawn=cat("g_undrawn", 0))
            if called.size else None,
            fx=summary,
            workforce=None if workforce is None else WorkforceSummary(
                policy=workforce, delay=cat("wf_delay", 0), hit=cat("wf_hit", 0)),
            contributed=cat("contributed", 1), received=cat("received", 1), npv=cat("npv", 1),
            irr=cat("irr", 1), irr_code=cat("irr_code", 1), payback=cat("payback", 1),
            recovered=cat("recovered", 0), unrecovered=cat("unrecovered", 0),
            review=cat("review", 0), truncated=cat("truncated", 0),
            fan_cum=np.concatenate([c.fan for c in chunks if c.fan.shape[1]], axis=1),
            **meta,
        )

    def party_index(self, party: str) -> int:
        """Row of ``party`` in the per-party arrays (:class:`~pledgelab._errors.UnknownNameError`,
        a ``KeyError`` naming the parties, if unknown)."""
        if party not in self.parties:
            raise UnknownNameError([Problem(self.deal_id, 0, "party", f"{party!r} is not a party of "
                                            f"{self.deal_id}; parties: {', '.join(self.parties)}")])
        return self.parties.index(party)

    def moic(self, party: str) -> np.ndarray:
        i = self.party_index(party)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.contributed[i] > 0, self.received[i] / self.contributed[i], np.nan)

    def fan(self, party: str) -> dict[str, Any]:
        """Percentiles of cumulative net cash of ``party`` at each year end (from kept paths);
        ``moving_years``: how many of the first year ends to show, up to the first after which no
        percentile changes (the last flow has ended)."""
        cum = self.fan_cum[self.party_index(party)]
        qs = np.quantile(cum, QUANTILES, axis=0) if cum.shape[0] else np.zeros((len(QUANTILES), 0))
        years = [(self.start + 11 + 12 * y) // 12 for y in range(cum.shape[1])]
        # cumulative cash stops changing when the last flow ends: the years up to the first flat one
        moving = np.nonzero(np.any(np.abs(np.diff(qs, axis=1)) > 1.0, axis=0))[0]  # more than $1
        last = min(int(moving[-1]) + 2, len(years)) if moving.size else min(1, len(years))
        return {"party": party, "year": years, "paths": int(cum.shape[0]), "moving_years": last,
                "quantiles": {f"p{int(q * 100)}": qs[k].tolist() for k, q in enumerate(QUANTILES)}}

    def to_parquet(self, path: Path) -> Path:
        """One row per path and party: contributed, received, NPV, IRR (and reason), MOIC, payback."""
        if not isinstance(path, str | Path):
            raise ArgumentError.of("path", "expected a file path ending in .parquet, got "
                                   f"{type(path).__name__}")
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise MissingExtra("Parquet export", "parquet") from None
        n = self.paths
        cols: dict[str, Any] = {"path": [], "party": [], "contributed": [], "received": [], "npv": [],
                                "irr": [], "irr_reason": [], "moic": [], "payback_month": []}
        for party in self.parties:
            i = self.party_index(party)
            cols["path"].append(np.arange(n))
            cols["party"].append(np.full(n, party))
            cols["contributed"].append(self.contributed[i])
            cols["received"].append(self.received[i])
            cols["npv"].append(self.npv[i])
            cols["irr"].append(self.irr[i])
            cols["irr_reason"].append(np.array([REASONS[c] for c in range(len(REASONS))])[self.irr_code[i]])
            cols["moic"].append(self.moic(party))
            cols["payback_month"].append(self.payback[i])
        table = pa.table({k: np.concatenate(v) for k, v in cols.items()})
        meta = {"deal": self.deal_id, "pipeline": self.pipeline_id, "drivers": self.drivers_id,
                "seed": str(self.seed), "discount_rate": str(self.discount_rate),
                "start": month_label(self.start)}
        table = table.replace_schema_metadata({k.encode(): v.encode() for k, v in meta.items()})
        pq.write_table(table, path)
        return Path(path)
