"""Months as integers: ``year * 12 + (month - 1)``. Periods are months everywhere."""

from __future__ import annotations

import datetime as dt


def month_of(day: dt.date) -> int:
    """The month index of a date."""
    return day.year * 12 + day.month - 1


def month_label(m: int) -> str:
    """``YYYY-MM`` for a month index."""
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def parse_month(text: str) -> int:
    """Month index of ``YYYY-MM`` (raises ValueError with the expected form)."""
    try:
        year_s, month_s = text.split("-")
        year, month = int(year_s), int(month_s)
    except ValueError:
        raise ValueError(f"expected a month as YYYY-MM, got {text!r}") from None
    if not 1 <= month <= 12:
        raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
    return year * 12 + month - 1
