"""Workforce delays in the Monte Carlo engine: the visa and enforcement model's months, as shocks.

:mod:`pledgelab.workforce` samples, per path and project, a start-up delay and
the part of it that falls before the planned end of the build
(``construction_delay``). The engine applies them through the schedule's
:class:`~pledgelab.engine.Shock` fields:

* the build **stops** for ``construction_delay`` months before the build month
  in which the project's first specialist phase is planned to start
  (``pause_at``, ``pause``): that call and every later one wait, and the
  project's completion with them;
* the rest of the delay, ``delay - construction_delay``, is a **late start-up**
  after the last call (``startup``): operations, and every distribution after
  them, move that much later.

The project's sites are the plan's financed projects, with each build starting
at its planned first call; the allocation of specialists to visa routes is
path-independent and computed once. Seeding is the workforce model's own
stream, so adding the workforce changes none of the drivers' draws: a run
with and without it, one seed, differs by the workforce alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pledgelab.engine import Plan
from pledgelab.workforce import (
    Allocation,
    Policy,
    Site,
    allocate,
    load_policy,
    sample_delays,
    sites_from_pipeline,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkforceDraws:
    """The workforce's shocks for a slice of paths, ``(paths, projects)`` in the plan's order."""

    pause_at: np.ndarray  # build month the stop comes before, -1 none
    pause: np.ndarray  # months the build stops
    startup: np.ndarray  # months of late start-up after the last call
    mean_delay: np.ndarray  # (paths,) mean start-up delay over the sites, months
    hit: np.ndarray  # (paths,) an enforcement action at some site


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkforceShocks:
    """The path-independent part of the workforce model for one plan (picklable)."""

    policy: Policy
    sites: tuple[Site, ...]
    allocation: Allocation
    columns: tuple[int, ...]  # site i is project column columns[i] of the plan's order
    pause_at: tuple[int, ...]  # per site: build month the first specialist phase starts in

    @classmethod
    def for_plan(cls, plan: Plan, policy: Policy | str) -> WorkforceShocks:
        """Sites from the plan's financed projects (build starting at the first call), allocated once."""
        pol = load_policy(policy) if isinstance(policy, str) else policy
        starts = {ps.project.id: min(ps.calls) for ps in plan.financed if ps.calls}
        sites = tuple(s for s in sites_from_pipeline(plan.pipeline, nationality=plan.deal.investor,
                                                     start_months=starts) if s.id in starts)
        alloc = allocate(pol, sites)
        col = {pid: j for j, pid in enumerate(plan.order)}
        pause_at = []
        for i, site in enumerate(alloc.sites):
            phases = [a.start for a in alloc.for_site(i)]
            first = (min(phases) - site.start_month) if phases else site.build_months - 1
            pause_at.append(int(min(max(first, 0), site.build_months - 1)))
        return cls(policy=pol, sites=alloc.sites, allocation=alloc,
                   columns=tuple(col[s.id] for s in alloc.sites), pause_at=tuple(pause_at))

    def shocks(self, *, paths: slice, seed: int, projects: int) -> WorkforceDraws:
        """The workforce's shocks for paths ``paths`` of a plan with ``projects`` projects."""
        sample = sample_delays(policy=self.policy, sites=self.sites, paths=paths, seed=seed,
                               allocation=self.allocation)
        n = sample.delay.shape[0]
        pause_at = np.full((n, projects), -1, dtype=np.int64)
        pause = np.zeros((n, projects), dtype=np.int64)
        startup = np.zeros((n, projects), dtype=np.int64)
        for i, j in enumerate(self.columns):
            # the engine works in whole months: round the continuous delays with the workforce
            # stream's own uniform, floor(x + u), so the mean is kept
            u = sample.rounding[:, i]
            build = np.floor(sample.construction_delay[:, i] + u).astype(np.int64)
            whole = np.maximum(np.floor(sample.delay[:, i] + u).astype(np.int64), build)
            pause_at[:, j] = np.where(build > 0, self.pause_at[i], -1)
            pause[:, j] = build
            startup[:, j] = whole - build
        return WorkforceDraws(
            pause_at=pause_at, pause=pause, startup=startup,
            mean_delay=np.asarray(sample.delay.mean(axis=1)) if self.sites else np.zeros(n),
            hit=np.asarray(sample.enforcement_hit.any(axis=1)) if self.sites else np.zeros(n, dtype=bool))
