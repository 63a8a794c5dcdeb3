"""The deal calendar: business days and the earliest funding date after a notice.

Korea's MOU sets funding "on a date at least 45 business days after" the US
notice; Japan's "at least 45 days after". Which days are business days is
itself a clause (``timeline.funding_calendar``); holidays come from the
``holidays`` package, so observed-holiday rules are those of the official
calendars.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

_COUNTRIES = {"US": ("US",), "KR": ("KR",), "JP": ("JP",), "US+KR": ("US", "KR"),
              "US+JP": ("US", "JP"), "weekdays": ()}


class BusinessCalendar:
    """Weekdays that are not public holidays in any of the calendar's countries."""

    def __init__(self, *, name: str) -> None:
        if name not in _COUNTRIES:
            raise ValueError(f"unknown holiday calendar {name!r}; known: {', '.join(_COUNTRIES)}")
        self.name = name
        self._countries = _COUNTRIES[name]

    def is_business_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        return not any(day in _holidays(c, day.year) for c in self._countries)

    def holiday_name(self, day: dt.date) -> str | None:
        """``"US: Thanksgiving Day"`` if ``day`` is a holiday of the calendar, else None."""
        for c in self._countries:
            name = _holidays(c, day.year).get(day)
            if name:
                return f"{c}: {name}"
        return None

    def holidays_between(self, first: dt.date, last: dt.date) -> list[str]:
        """Holidays on weekdays from ``first`` to ``last`` inclusive, as ``date name``."""
        out = []
        day = first
        while day <= last:
            name = self.holiday_name(day) if day.weekday() < 5 else None
            if name:
                out.append(f"{day} {name}")
            day += dt.timedelta(days=1)
        return out

    def add_business_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th business day after ``start`` (``start`` itself not counted)."""
        day = start
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
        return day

    def roll_forward(self, day: dt.date) -> dt.date:
        """``day`` if it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def earliest_funding_date(notice: dt.date, *, lag: int, unit: str, calendar: str) -> dt.date:
    """Earliest date the investor must fund after a selection notice.

    ``unit`` is ``"business-days"`` (count business days of ``calendar`` after the
    notice) or ``"calendar-days"`` (add calendar days, then roll forward to the next
    business day, since dollar funds settle on business days).
    """
    cal = BusinessCalendar(name=calendar)
    if unit == "business-days":
        return cal.add_business_days(notice, lag)
    if unit == "calendar-days":
        return cal.roll_forward(notice + dt.timedelta(days=lag))
    raise ValueError(f"unknown funding-lag unit {unit!r}")
