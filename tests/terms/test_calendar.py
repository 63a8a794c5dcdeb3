"""The deal calendar: business days, funding lags and holiday calendars."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgelab.terms import BusinessCalendar, earliest_funding_date

D = dt.date


def test_45_us_business_days_over_thanksgiving_christmas_new_year_and_mlk() -> None:
    # Notice Thu 2025-11-20; the notice day itself is not counted. US federal holidays on
    # the way: Thanksgiving Thu 11-27, Christmas Thu 12-25, New Year Thu 2026-01-01,
    # MLK Day Mon 2026-01-19 (the day after Thanksgiving and Christmas Eve are not federal).
    #   Nov 21                       1      (Fri)
    #   Nov 24 25 26 _ 28            2-5    (27 Thanksgiving)
    #   Dec 1-5                      6-10
    #   Dec 8-12                     11-15
    #   Dec 15-19                    16-20
    #   Dec 22 23 24 _ 26            21-24  (25 Christmas)
    #   Dec 29 30 31 _ Jan 2         25-28  (Jan 1 New Year)
    #   Jan 5-9                      29-33
    #   Jan 12-16                    34-38
    #   _ Jan 20 21 22 23            39-42  (19 MLK Day)
    #   Jan 26 27 28                 43-45  -> Wed 2026-01-28
    # 45 weekdays alone would end on Fri 2026-01-22 (9 weeks); the 4 holidays add 4 days.
    got = earliest_funding_date(D(2025, 11, 20), lag=45, unit="business-days", calendar="US")
    assert got == D(2026, 1, 28)
    assert BusinessCalendar(name="US").add_business_days(D(2025, 11, 20), 45) == D(2026, 1, 28)


def test_45_weekdays_ignore_holidays() -> None:
    # Same notice on the "weekdays" calendar: 45 weekdays = 9 full weeks -> Fri 2026-01-22.
    got = earliest_funding_date(D(2025, 11, 20), lag=45, unit="business-days", calendar="weekdays")
    assert got == D(2026, 1, 22)


def test_business_days_skip_a_holiday_and_the_weekend() -> None:
    # Notice Wed 2025-11-26: Thu 27 is Thanksgiving, so day 1 is Fri 28 and day 2 Mon Dec 1.
    cal = BusinessCalendar(name="US")
    assert cal.add_business_days(D(2025, 11, 26), 1) == D(2025, 11, 28)
    assert cal.add_business_days(D(2025, 11, 26), 2) == D(2025, 12, 1)
    # a notice on a holiday or a weekend counts from the next business day
    assert cal.add_business_days(D(2025, 11, 27), 1) == D(2025, 11, 28)
    assert cal.add_business_days(D(2025, 11, 29), 1) == D(2025, 12, 1)
    assert cal.add_business_days(D(2025, 11, 26), 0) == D(2025, 11, 26)


def test_us_holidays_are_not_business_days() -> None:
    cal = BusinessCalendar(name="US")
    for day in (D(2025, 11, 27), D(2025, 12, 25), D(2026, 1, 1), D(2026, 1, 19),
                D(2025, 7, 4), D(2025, 6, 19)):
        assert not cal.is_business_day(day), day
        assert cal.holiday_name(day) is not None and cal.holiday_name(day).startswith("US: ")
    assert cal.is_business_day(D(2025, 11, 28))  # day after Thanksgiving: not federal
    assert cal.is_business_day(D(2025, 12, 24))
    assert not cal.is_business_day(D(2025, 11, 22))  # Saturday
    assert not cal.is_business_day(D(2025, 11, 23))  # Sunday
    assert cal.holiday_name(D(2025, 11, 22)) is None


def test_calendar_day_lag_that_lands_on_a_weekend_rolls_forward() -> None:
    # Wed 2025-11-12 + 45 calendar days = Sat 2025-12-27 -> Mon 2025-12-29.
    got = earliest_funding_date(D(2025, 11, 12), lag=45, unit="calendar-days", calendar="US")
    assert got == D(2025, 12, 29)


def test_calendar_day_lag_that_lands_on_a_holiday_rolls_forward() -> None:
    # Mon 2025-11-17 + 45 calendar days = Thu 2026-01-01 (New Year) -> Fri 2026-01-02.
    got = earliest_funding_date(D(2025, 11, 17), lag=45, unit="calendar-days", calendar="US")
    assert got == D(2026, 1, 2)
    # Mon 2025-11-10 + 45 = Thu 2025-12-25 (Christmas) -> Fri 2025-12-26.
    got = earliest_funding_date(D(2025, 11, 10), lag=45, unit="calendar-days", calendar="US")
    assert got == D(2025, 12, 26)
    # Fri 2025-11-14 + 45 = Mon 2025-12-29, a business day: no roll.
    got = earliest_funding_date(D(2025, 11, 14), lag=45, unit="calendar-days", calendar="US")
    assert got == D(2025, 12, 29)


def test_calendar_day_lag_rolls_over_a_holiday_then_a_weekend() -> None:
    # Wed 2025-12-31 + 1 = Thu 2026-01-01 (New Year) -> Fri 2026-01-02.
    assert earliest_funding_date(D(2025, 12, 31), lag=1, unit="calendar-days",
                                 calendar="US") == D(2026, 1, 2)
    # Fri 2026-01-16 + 2 = Sun 18 -> Mon 19 is MLK Day -> Tue 2026-01-20.
    assert earliest_funding_date(D(2026, 1, 16), lag=2, unit="calendar-days",
                                 calendar="US") == D(2026, 1, 20)


def test_us_kr_union_skips_both_countries_holidays() -> None:
    # From Thu 2025-10-02: Fri Oct 3 is KR National Foundation Day, Mon-Wed Oct 6-8 are
    # Chuseok (with the substitute holiday on the 8th), Thu Oct 9 is Hangul Day, and
    # Mon Oct 13 is US Columbus Day.
    start = D(2025, 10, 2)
    us = BusinessCalendar(name="US")
    kr = BusinessCalendar(name="KR")
    both = BusinessCalendar(name="US+KR")
    # US: Fri 3 (1), Mon 6 (2)
    assert us.add_business_days(start, 2) == D(2025, 10, 6)
    # KR: Fri 10 (1), Mon 13 (2) - Columbus Day is a KR business day
    assert kr.add_business_days(start, 2) == D(2025, 10, 13)
    # US+KR: Fri 10 (1), Tue 14 (2) - both countries' holidays skipped
    assert both.add_business_days(start, 1) == D(2025, 10, 10)
    assert both.add_business_days(start, 2) == D(2025, 10, 14)
    assert earliest_funding_date(start, lag=2, unit="business-days",
                                 calendar="US+KR") == D(2025, 10, 14)
    # Columbus Day: US holiday only; Chuseok: KR holiday only
    assert not both.is_business_day(D(2025, 10, 13)) and kr.is_business_day(D(2025, 10, 13))
    assert not both.is_business_day(D(2025, 10, 6)) and us.is_business_day(D(2025, 10, 6))
    assert both.holiday_name(D(2025, 10, 13)) == "US: Columbus Day"
    assert (both.holiday_name(D(2025, 10, 6)) or "").startswith("KR: ")


def test_us_kr_union_calendar_day_roll() -> None:
    # Wed 2025-10-01 + 3 = Sat Oct 4. On US+KR it rolls past the weekend, Chuseok (Mon-Wed
    # Oct 6-8) and Hangul Day (Thu Oct 9) to Fri Oct 10; on US alone, to Mon Oct 6.
    got = earliest_funding_date(D(2025, 10, 1), lag=3, unit="calendar-days", calendar="US+KR")
    assert got == D(2025, 10, 10)
    got = earliest_funding_date(D(2025, 10, 1), lag=3, unit="calendar-days", calendar="US")
    assert got == D(2025, 10, 6)


def test_unknown_calendar_and_unit() -> None:
    with pytest.raises(ValueError, match="unknown holiday calendar"):
        BusinessCalendar(name="EU")
    with pytest.raises(ValueError, match="unknown funding-lag unit"):
        earliest_funding_date(D(2025, 11, 20), lag=45, unit="days", calendar="US")


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
    n=st.integers(min_value=1, max_value=80),
    name=st.sampled_from(["US", "KR", "JP", "US+KR", "US+JP", "weekdays"]),
)
def test_add_business_days_counts_exactly_n(start: dt.date, n: int, name: str) -> None:
    cal = BusinessCalendar(name=name)
    end = cal.add_business_days(start, n)
    assert cal.is_business_day(end)
    days = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(cal.is_business_day(d) for d in days) == n
    assert cal.roll_forward(end) == end


def test_holidays_between_lists_weekday_holidays_in_order() -> None:
    cal = BusinessCalendar(name="US")
    got = cal.holidays_between(D(2026, 1, 2), D(2026, 3, 10))
    assert got == ["2026-01-19 US: Martin Luther King Jr. Day",
                   "2026-02-16 US: Washington's Birthday"]
