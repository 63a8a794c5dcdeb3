"""How much of each party's NPV a change explains: the same paths run with and without it.

Common random numbers: the two runs draw the same drivers path by path, so the
per-path difference ``with - without`` is the change's own effect (the
workforce delays have their own random stream and do not shift the drivers'
draws). The share of the NPV spread is ``var(with - without) / var(with)``.
Method and measured figures: docs/workforce.md (the workforce in the Monte
Carlo engine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True, kw_only=True)
class NpvAttribution:
    """One party: mean NPV without and with the change, and the per-path change's statistics."""

    party: str
    mean_without: float
    mean_with: float
    mean_change: float
    p5_change: float
    p95_change: float
    spread_share: float | None  # var(change) / var(NPV with); None when the NPV with it never varies


def npv_attribution(parties: Sequence[str], *, npv_with: np.ndarray,
                    npv_without: np.ndarray) -> list[NpvAttribution]:
    """Per party (rows of the ``(party, path)`` arrays), the NPV change path by path.

    A party whose NPV is zero on every path of both runs is left out.
    """
    out: list[NpvAttribution] = []
    for i, party in enumerate(parties):
        a, b = npv_with[i], npv_without[i]
        if not (a.any() or b.any()):
            continue
        d = a - b
        var = float(np.var(a))
        out.append(NpvAttribution(
            party=party, mean_without=float(b.mean()), mean_with=float(a.mean()),
            mean_change=float(d.mean()), p5_change=float(np.quantile(d, 0.05)),
            p95_change=float(np.quantile(d, 0.95)),
            spread_share=float(np.var(d)) / var if var > 0 else None))
    return out
