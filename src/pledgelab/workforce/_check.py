"""Shared pieces of the workforce readers: a triangular distribution clause and common helpers.

A processing time, a stop duration or a share that is uncertain is written as
one clause whose value is ``[low, mode, high]``::

    processing: {value: [0.5, 2, 4], unit: months, label: ..., status: assumed, reason: ..., ...}

and read as a :class:`Triangular` distribution. Sampling is by inverse CDF of
a uniform, so a larger ``low``, ``mode`` or ``high`` never gives a smaller draw
for the same uniform (common random numbers), and ``[0, 0, 0]`` is exactly 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from pledgelab._cited import Checker, Clause, ClauseSpec, Located, YList, YMap, describe

EMPLOYERS = ("investor", "subcontractor")
PHASES = ("installation", "commissioning", "ramp-up")
COVERAGE = ("clear", "unclear", "no")


@dataclass(frozen=True, slots=True, kw_only=True)
class Triangular:
    """A triangular distribution on ``[low, high]`` with its peak at ``mode``.

    The shape suggested for a workforce delay prior in the reference's parameter
    table (section A4: "triangular 2/3/6 months suggested").
    """

    low: float
    mode: float
    high: float

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Inverse CDF: the draw for uniforms ``u`` in [0, 1)."""
        x = np.asarray(u, dtype=np.float64)
        a, c, b = self.low, self.mode, self.high
        if b <= a:
            return np.full(x.shape, a, dtype=np.float64)
        split = (c - a) / (b - a)
        lo = a + np.sqrt(np.clip(x, 0.0, 1.0) * (b - a) * (c - a))
        hi = b - np.sqrt(np.clip(1.0 - x, 0.0, 1.0) * (b - a) * (b - c))
        return np.asarray(np.where(x < split, lo, hi), dtype=np.float64)

    def quantile(self, q: float) -> float:
        return float(self.ppf(q))

    def cdf(self, x: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if x < a:
            return 0.0
        if x >= b:
            return 1.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a)) if c > a else 0.0
        return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def scaled(self, k: float, shift: float = 0.0) -> Triangular:
        """``k * X + shift`` (used by tests and what-if runs)."""
        return Triangular(low=k * self.low + shift, mode=k * self.mode + shift,
                          high=k * self.high + shift)

    def __str__(self) -> str:
        return f"{self.low:g}/{self.mode:g}/{self.high:g}"


def triangular_spec(unit: str, *, maximum: float | None = None) -> ClauseSpec:
    """A clause whose value is ``[low, mode, high]``, read as a :class:`Triangular`."""
    return ClauseSpec(units=(unit,), kind="triangular", minimum=0.0, maximum=maximum)


class WorkforceChecker(Checker):
    """The term-sheet :class:`Checker` plus the ``triangular`` clause kind."""

    def clause_value(self, value: Any, where: Located, spec: ClauseSpec) -> Any:
        if spec.kind == "year-range" and value is not None:
            if (not isinstance(value, YList | list) or len(value) != 2
                    or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                    or not 1900 <= value[0] <= value[1] <= 2100):
                self.add(where, f"expected [first year, last year], got {describe(value)}")
                return None
            return (int(value[0]), int(value[1]))
        if spec.kind != "triangular" or value is None:
            return super().clause_value(value, where, spec)
        if not isinstance(value, YList | list) or len(value) != 3:
            self.add(where, f"expected [low, mode, high], got {describe(value)}")
            return None
        number = ClauseSpec(units=spec.units, kind="number", minimum=spec.minimum, maximum=spec.maximum)
        xs = [self.number(v, where, number) for v in value]
        if any(x is None for x in xs):
            return None
        lo, mode, hi = (float(x) for x in xs if x is not None)
        if not lo <= mode <= hi:
            self.add(where, f"expected low <= mode <= high, got [{lo:g}, {mode:g}, {hi:g}]")
            return None
        return Triangular(low=lo, mode=mode, high=hi)

    def choice(self, m: YMap, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(m, key)
        if value is not None and value not in choices:
            self.add(m.at(key), f"{value!r} is not one of: {', '.join(choices)}")
            return None
        return value


def tri(clause: Clause) -> Triangular:
    """The distribution of a triangular clause."""
    value = clause.value
    assert isinstance(value, Triangular), clause.path
    return value


def number(clause: Clause | None, default: float = math.nan) -> float:
    return default if clause is None or clause.value is None else float(clause.value)
