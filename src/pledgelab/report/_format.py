"""How values read to people: a table cell by its column kind, and dollars in words."""

from __future__ import annotations

import math
from typing import Any

from pledgelab._words import usd

__all__ = ["show", "usd"]


def show(value: Any, kind: str) -> str:
    """One cell as text: ``usd`` in billions or millions (``$16.67B``, ``-$250.0M``), ``pct``
    (``2.03%``), ``ratio`` (``1.515×``), ``int``, else ``str``.

    ``None`` reads ``—`` and NaN ``n/a``.
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return f"{value:,.0f}" if abs(value) >= 1e6 else f"{value:.6g}"
    if kind == "usd":
        x = float(value)
        sign = "-" if x < 0 else ""
        a = abs(x)
        if a >= 1e11:
            return f"{sign}${a / 1e9:,.1f}B"
        if a >= 1e9 or a == 0:
            return f"{sign}${a / 1e9:,.2f}B"
        return f"{sign}${a / 1e6:,.1f}M"
    if kind == "pct":
        return f"{100 * float(value):.2f}%"
    if kind == "ratio":
        return f"{float(value):.3f}×"
    if kind == "int":
        return f"{int(value):,}"
    return str(value)
