"""What the stochastic drivers hand the Monte Carlo kernel for a block of paths."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True, kw_only=True)
class Draws:
    """Random inputs for ``paths`` paths, ``projects`` projects and ``months`` months.

    Projects are in the kernel's fixed order (notice date, then id). Month 0
    is the simulation's first month.
    """

    benchmark: np.ndarray  # (paths, months): benchmark rate per year behind the deemed interest
    fx: dict[str, np.ndarray]  # currency -> (paths, months): units of currency per US dollar
    capex_factor: np.ndarray  # (paths, projects): realised / planned capex (1 = as planned)
    yield_factor: np.ndarray  # (paths, projects): realised / planned operating cash
    delay: np.ndarray  # (paths, projects) int: months the whole project slips
    abandon_at: np.ndarray  # (paths, projects) int: build month abandoned before, -1 never
    recovery: np.ndarray  # (paths, projects): share of capex spent recovered on abandonment
    safeguard_u: np.ndarray | None = None  # (paths, months): uniforms deciding the host's answers
    # a stop during the build and a late start-up (e.g. the workforce): see pledgelab.engine.Shock
    pause_at: np.ndarray | None = None  # (paths, projects) int: build month the stop comes before, -1 none
    pause: np.ndarray | None = None  # (paths, projects) int: months the build stops
    startup: np.ndarray | None = None  # (paths, projects) int: months of late start-up after the build

    @property
    def paths(self) -> int:
        return int(self.capex_factor.shape[0])

    def take(self, rows: slice) -> Draws:
        """The draws of a slice of paths."""
        return Draws(
            benchmark=self.benchmark[rows], fx={k: v[rows] for k, v in self.fx.items()},
            capex_factor=self.capex_factor[rows], yield_factor=self.yield_factor[rows],
            delay=self.delay[rows], abandon_at=self.abandon_at[rows], recovery=self.recovery[rows],
            safeguard_u=None if self.safeguard_u is None else self.safeguard_u[rows],
            pause_at=None if self.pause_at is None else self.pause_at[rows],
            pause=None if self.pause is None else self.pause[rows],
            startup=None if self.startup is None else self.startup[rows],
        )
