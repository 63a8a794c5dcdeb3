"""Workforce delays in the Monte Carlo engine: the visa and enforcement model's months, as shocks and costs.

:mod:`pledgelab.workforce` samples, per path and project, continuous months of
delay to the start of operations and the part of it that falls before
completion (``construction_delay``). The sites are the plan's financed
projects on **the engine's own calendar**: each build runs from its first to
its last planned call, as the schedule stretched them under the deal's caps,
so cap years and exposure windows are dated as the calls are. The allocation
of specialists to routes is path-independent and computed once.

How a delay reaches the cash flows (``data/workforce/costs.yaml``, every rate
assumed with alternatives):

* **a stop during the build** (``construction_delay``) moves completion and the
  start of operations (the engine's ``Shock.startup``); with
  ``committed_calls: all`` it defers no capital call, since the equipment being
  installed was ordered and is paid as contracted (with ``none``, the earlier
  reading, every call from the first specialist phase on waits: ``pause_at``,
  ``pause``). It **costs** standby, ``standby_share`` of an average month's capex
  a month of delay to completion, plus ``remobilisation_months`` of average capex
  once where an enforcement action shut the site before completion: the
  project's capex is scaled by ``1 + cost / capex`` (the engine's capex factor,
  so the extra is paid with the project's calls);
* **lateness after completion** (``delay - construction_delay``: specialists
  missing during the ramp-up, or an action after completion) is a **slower
  ramp-up**: ``ramp_loss`` of a month's full output is lost a month late, so the
  project's operating cash is scaled by ``1 - ramp_loss * months / life months``.

The engine works in whole months: the stop is rounded to whole months with the
workforce stream's own uniform, ``floor(x + u)``, which keeps the mean. Seeding
is the workforce model's own stream, so adding the workforce changes none of
the drivers' draws: a run with and without it, one seed, differs by the
workforce alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from pledgelab.engine import Plan
from pledgelab.pipeline import read_archetypes
from pledgelab.workforce import (
    Allocation,
    DelayCosts,
    Policy,
    Site,
    allocate,
    load_policy,
    read_costs,
    sample_delays,
    sites_from_pipeline,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkforceDraws:
    """The workforce's shocks for a slice of paths, ``(paths, projects)`` in the plan's order."""

    pause_at: np.ndarray  # build month the stop comes before, -1 none (only where calls are deferred)
    pause: np.ndarray  # months the build's calls wait
    startup: np.ndarray  # months the start of operations moves after the last call
    capex_factor: np.ndarray  # multiplies the project's capex: standby and remobilisation
    yield_factor: np.ndarray  # multiplies the project's operating cash: a slower ramp-up
    standby_cost: np.ndarray  # (paths,) USD of standby and remobilisation over the sites
    mean_delay: np.ndarray  # (paths,) mean start-up delay over the sites, months
    hit: np.ndarray  # (paths,) an enforcement action at some site


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkforceShocks:
    """The path-independent part of the workforce model for one plan (picklable)."""

    policy: Policy
    sites: tuple[Site, ...]
    allocation: Allocation
    costs: DelayCosts
    columns: tuple[int, ...]  # site i is project column columns[i] of the plan's order
    pause_at: tuple[int, ...]  # per site: the call index the first specialist phase starts at
    life_months: tuple[int, ...]  # per site: operating life

    @classmethod
    def for_plan(cls, plan: Plan, policy: Policy | str, *,
                 costs: DelayCosts | None = None) -> WorkforceShocks:
        """Sites from the plan's financed projects on the schedule's calendar, allocated once."""
        pol = load_policy(policy) if isinstance(policy, str) else policy
        calls = {ps.project.id: sorted(ps.calls) for ps in plan.financed if ps.calls}
        starts = {pid: months[0] for pid, months in calls.items()}
        base = [s for s in sites_from_pipeline(plan.pipeline, nationality=plan.deal.investor,
                                               start_months=starts) if s.id in starts]
        # the build as the engine schedules it: first call to last call (cap-stretched), then operations
        sites = [dataclasses.replace(s, build_months=calls[s.id][-1] - calls[s.id][0] + 1) for s in base]
        alloc = allocate(pol, sites)
        col = {pid: j for j, pid in enumerate(plan.order)}
        types = read_archetypes()
        pause_at, life = [], []
        for i, site in enumerate(alloc.sites):
            first = min((a.need for a in alloc.for_site(i)), default=site.completion - 1)
            months = calls[site.id]
            pause_at.append(min(sum(1 for m in months if m < first), len(months) - 1))
            life.append(int(types[site.archetype].value("life_years")) * 12)
        return cls(policy=pol, sites=alloc.sites, allocation=alloc, costs=costs or read_costs(),
                   columns=tuple(col[s.id] for s in alloc.sites), pause_at=tuple(pause_at),
                   life_months=tuple(life))

    def shocks(self, *, paths: slice, seed: int, projects: int) -> WorkforceDraws:
        """The workforce's shocks for paths ``paths`` of a plan with ``projects`` projects."""
        sample = sample_delays(policy=self.policy, sites=self.sites, paths=paths, seed=seed,
                               allocation=self.allocation)
        return self.convert(build=sample.construction_delay, total=sample.delay, rounding=sample.rounding,
                            stopped=sample.shutdown_in_build, projects=projects,
                            mean_delay=np.asarray(sample.delay.mean(axis=1)) if self.sites else None,
                            hit=np.asarray(sample.enforcement_hit.any(axis=1)) if self.sites else None)

    def convert(self, *, build: np.ndarray, total: np.ndarray, rounding: np.ndarray, stopped: np.ndarray,
                projects: int, stop_at: np.ndarray | None = None, mean_delay: np.ndarray | None = None,
                hit: np.ndarray | None = None) -> WorkforceDraws:
        """Continuous delays ``(paths, sites)`` as the engine's shocks and costs (module docstring).

        ``stopped`` marks a site shut down before completion (it pays remobilisation).

        ``stop_at`` (call index per path and site) places a stop elsewhere than at the
        first specialist phase; it matters only where calls are deferred.
        """
        n = build.shape[0]
        pause_at = np.full((n, projects), -1, dtype=np.int64)
        pause = np.zeros((n, projects), dtype=np.int64)
        startup = np.zeros((n, projects), dtype=np.int64)
        capex = np.ones((n, projects))
        yld = np.ones((n, projects))
        standby = np.zeros(n)
        ramp = self.costs.value("ramp_loss")
        for i, j in enumerate(self.columns):
            site = self.sites[i]
            stop = np.maximum(build[:, i], 0.0)
            whole = np.floor(stop + rounding[:, i]).astype(np.int64)
            if self.costs.defers_calls:
                at = self.pause_at[i] if stop_at is None else stop_at[:, i]
                pause_at[:, j] = np.where(whole > 0, at, -1)
                pause[:, j] = whole
            else:
                startup[:, j] = whole
            remob = np.where(stopped[:, i], self.costs.value("remobilisation_months"), 0.0)
            share = (self.costs.value("standby_share") * stop + remob) / site.build_months
            capex[:, j] = 1.0 + share
            standby += share * site.capex
            late = np.maximum(total[:, i] - build[:, i], 0.0)
            yld[:, j] = np.maximum(0.0, 1.0 - ramp * late / self.life_months[i])
        return WorkforceDraws(
            pause_at=pause_at, pause=pause, startup=startup, capex_factor=capex, yield_factor=yld,
            standby_cost=standby,
            mean_delay=np.asarray(mean_delay) if mean_delay is not None else np.zeros(n),
            hit=np.asarray(hit) if hit is not None else np.zeros(n, dtype=bool))
