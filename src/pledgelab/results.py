"""Results of a Monte Carlo simulation: per-path outcomes, summaries, fans, exports.

Labelled by party and path. ``summary()`` reduces them to the statistics
people quote (means and percentiles of NPV, IRR and MOIC; the probability of
a loss; the probability the review clause triggers; time to recovery);
``fan(party)`` gives percentiles of cumulative net cash by year; ``to_parquet``
writes one row per path and party.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pledgelab._months import month_label
from pledgelab.engine.montecarlo import QUANTILES, ChunkStats
from pledgelab.metrics.irr import REASONS
from pledgelab.report import Column, Table

_PARQUET = "Parquet export needs the [parquet] extra: pip install 'pledgelab[parquet]'"


@dataclass(frozen=True, slots=True, kw_only=True)
class FxSummary:
    """What the FX safeguard did, per path (engine/fxrule.py)."""

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
    """What the workforce delays were, per path (engine/workforce.py)."""

    policy: str  # the workforce policy's id
    delay: np.ndarray  # (paths,) mean start-up delay over the projects, months
    hit: np.ndarray  # (paths,) an enforcement action at some site


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

    @classmethod
    def from_chunks(cls, chunks: list[ChunkStats], *, fx: dict[str, Any] | None = None,
                    workforce: str | None = None, **meta: Any) -> SimulationResult:
        def cat(name: str, axis: int) -> np.ndarray:
            return np.concatenate([getattr(c, name) for c in chunks], axis=axis)

        summary = None if fx is None else FxSummary(
            peak=cat("fx_peak", 0), requests=cat("fx_requests", 0), accepted=cat("fx_accepted", 0),
            deferred=cat("fx_deferred", 0), **fx)
        return cls(
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

    def _i(self, party: str) -> int:
        if party not in self.parties:
            raise KeyError(f"party {party!r} is not in {self.deal_id}; parties: {', '.join(self.parties)}")
        return self.parties.index(party)

    def moic(self, party: str) -> np.ndarray:
        i = self._i(party)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.contributed[i] > 0, self.received[i] / self.contributed[i], np.nan)

    def summary(self) -> Table:
        """Per party: mean and percentiles of NPV, IRR and MOIC, P(loss), and deal-level odds."""
        cols = [Column("party"), Column("statistic")] + \
            [Column("mean", "text")] + [Column(f"p{int(q * 100)}", "text") for q in QUANTILES]
        t = Table(f"{self.deal_id} × {self.pipeline_id}: {self.paths:,} paths, drivers "
                  f"{self.drivers_id}, seed {self.seed}", cols)

        def row(party: str, name: str, values: np.ndarray, fmt: str) -> None:
            v = values[np.isfinite(values)]
            if v.size == 0:
                t.rows.append([party, name, "n/a", *["n/a"] * len(QUANTILES)])
                return
            qs = np.quantile(v, QUANTILES)

            def show(x: float) -> str:
                if fmt == "usd":
                    return f"{x / 1e9:,.2f}B"
                return f"{100 * x:.2f}%" if fmt == "pct" else f"{x:.3f}×"

            t.rows.append([party, name, show(float(v.mean())), *[show(float(q)) for q in qs]])

        for party in self.parties:
            i = self._i(party)
            if not (self.contributed[i].any() or self.received[i].any()):
                continue
            row(party, "NPV", self.npv[i], "usd")
            row(party, "net cash", self.received[i] - self.contributed[i], "usd")
            irr = self.irr[i]
            defined = np.isfinite(irr)
            if defined.any():
                row(party, f"IRR ({100 * defined.mean():.1f}% of paths have one)", irr, "pct")
            else:
                codes = np.unique(self.irr_code[i])
                t.notes.append(f"{party} has no IRR on any path: "
                               + "; ".join(str(REASONS[c]) for c in codes))
            if self.contributed[i].any():
                row(party, "MOIC", self.moic(party), "x")
                loss = float(np.mean(self.received[i] < self.contributed[i]))
                t.notes.append(f"P(loss) for {party} (receives less than it puts in): {loss:.2%}")
        inv = self.investor
        never = float(np.mean(self.recovered < 0))
        t.notes.append(f"P({inv} never recovers every deemed allocation amount): {never:.2%}")
        if self.waterfalls:
            t.notes.append(f"On average {float(np.mean(self.unrecovered)):.1f} of the {self.waterfalls} "
                           "waterfalls (projects, or the pool) never recover their deemed allocation amount")
        rec = self.recovered[self.recovered >= 0]
        if rec.size:
            med = int(np.median(rec))
            t.notes.append(f"Median time to full recovery where it happens: {med / 12:.1f} years "
                           f"(by {month_label(self.start + med)})")
        if self.has_review:
            t.notes.append(f"P(the review clause triggers in at least one waterfall): "
                           f"{float(np.mean(self.review > 0)):.2%}")
        bad = self.irr_code[self._i(inv)]
        counts = {REASONS[c]: int(np.sum(bad == c)) for c in np.unique(bad) if c != 0}
        if counts:
            t.notes.append(f"{inv} IRR undefined on {sum(counts.values()):,} paths: " +
                           "; ".join(f"{n:,} {r}" for r, n in counts.items()))
        if self.fx is not None:
            self._fx_rows(t)
        if self.workforce is not None:
            wf = self.workforce
            t.rows.append(["workforce", "mean delay per project, months", f"{wf.delay.mean():.2f}",
                           *[f"{q:.2f}" for q in np.quantile(wf.delay, QUANTILES)]])
            t.notes.append(f"Workforce policy {wf.policy}: P(an enforcement action at a site) "
                           f"{float(wf.hit.mean()):.2%}; delays shift calls and operations "
                           "(docs/workforce.md)")
        if self.truncated.any():
            t.notes.append(f"{int(self.truncated.sum()):,} paths had cash past the horizon (cut off)")
        t.notes.append(f"NPV at {100 * self.discount_rate:.2f}%/yr to {month_label(self.start)}.")
        return t

    def _fx_rows(self, t: Table) -> None:
        fx = self.fx
        assert fx is not None
        peak = fx.peak[np.isfinite(fx.peak)]
        if peak.size:
            qs = np.quantile(peak, QUANTILES)
            t.rows.append([fx.currency, "peak per dollar while calls remain", f"{peak.mean():,.1f}",
                           *[f"{q:,.1f}" for q in qs]])
        d = fx.deferred.astype(np.float64)
        qd = np.quantile(d, QUANTILES)
        t.rows.append([fx.currency, "months of calls deferred", f"{d.mean():.2f}", *[f"{q:.0f}" for q in qd]])
        t.notes.append(f"FX safeguard {fx.safeguard}: threshold {fx.threshold:,.1f} {fx.currency}/USD, "
                       f"impact {fx.impact:g} log-points per $1B of dollar demand, acceptance "
                       f"{fx.acceptance:.0%}")
        crossed = float(np.mean(np.nan_to_num(fx.peak, nan=-np.inf) > fx.threshold))
        t.notes.append(f"P(the indicator crosses the threshold while calls remain): {crossed:.2%}")
        if fx.requests_allowed:
            accepted = float(np.mean(fx.accepted > 0))
            t.notes.append(f"P(at least one request): {float(np.mean(fx.requests > 0)):.2%}; "
                           f"P(at least one accepted, calls deferred): {accepted:.2%}; "
                           f"requests per path {float(fx.requests.mean()):.2f} on average")
        else:
            t.notes.append(f"{self.deal_id} has no FX-safeguard clause: crossings are reported, "
                           "nothing is requested or deferred")

    def fan(self, party: str) -> dict[str, Any]:
        """Percentiles of cumulative net cash of ``party`` at each year end (from kept paths)."""
        cum = self.fan_cum[self._i(party)]
        qs = np.quantile(cum, QUANTILES, axis=0) if cum.shape[0] else np.zeros((len(QUANTILES), 0))
        years = [(self.start + 11 + 12 * y) // 12 for y in range(cum.shape[1])]
        return {"party": party, "year": years, "paths": int(cum.shape[0]),
                "quantiles": {f"p{int(q * 100)}": qs[k].tolist() for k, q in enumerate(QUANTILES)}}

    def fan_table(self, party: str) -> Table:
        f = self.fan(party)
        names = list(f["quantiles"])
        t = Table(f"{self.deal_id}: cumulative net cash of {party} by year end "
                  f"({f['paths']:,} paths)", [Column("year")] + [Column(n, "usd") for n in names])
        for k, year in enumerate(f["year"]):
            t.rows.append([str(year), *[f["quantiles"][n][k] for n in names]])
        return t

    def chart(self, party: str, path: Path) -> Path:
        """Write the fan chart of ``party`` as PNG, or as HTML embedding the PNG."""
        from pledgelab.report.charts import pyplot, save

        plt = pyplot()
        f = self.fan(party)
        q = {k: np.asarray(v) / 1e9 for k, v in f["quantiles"].items()}
        fig, ax = plt.subplots(figsize=(9, 5))
        ax.fill_between(f["year"], q["p5"], q["p95"], alpha=0.2, label="5–95%")
        ax.fill_between(f["year"], q["p25"], q["p75"], alpha=0.4, label="25–75%")
        ax.plot(f["year"], q["p50"], lw=2, label="median")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_ylabel("cumulative net cash, $B")
        title = f"{self.deal_id} × {self.pipeline_id}: {party} ({self.paths:,} paths, seed {self.seed})"
        ax.set_title(title)
        ax.legend(loc="upper left")
        fig.tight_layout()
        return save(fig, path, title)

    def to_parquet(self, path: Path) -> Path:
        """One row per path and party: contributed, received, NPV, IRR (and reason), MOIC, payback."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ImportError(_PARQUET) from None
        n = self.paths
        cols: dict[str, Any] = {"path": [], "party": [], "contributed": [], "received": [], "npv": [],
                                "irr": [], "irr_reason": [], "moic": [], "payback_month": []}
        for party in self.parties:
            i = self._i(party)
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
