"""Numbers in words, for sentences the library writes (the sticking points) and for tables.

One reading of dollars and shares for every layer: the comparison's sentences
(:mod:`pledgelab.analysis`) and the presentation (:func:`pledgelab.report.usd`)
both use these.
"""

from __future__ import annotations


def usd(x: float) -> str:
    """Dollars in billions for people: ``$20B``, ``$2.1B``, ``$0.6B``."""
    b = x / 1e9
    if abs(b) >= 10 or b == int(b):
        return f"${b:,.0f}B"
    return f"${b:,.1f}B"


def percent(x: float, digits: int = 0) -> str:
    """A share as a percentage: ``percent(0.5)`` is ``50%``, ``percent(0.045, 1)`` ``4.5%``."""
    return f"{100 * x:.{digits}f}%"
