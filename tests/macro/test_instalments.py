"""Instalments yearly, quarterly and monthly; interest by actual days over 365 from each funding date;
the funding model's act/365 day count; the net view. Every expected number is worked by hand here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pledgelab.macro import fund, read_funding
from pledgelab.macro.instalments import accrued_interest, calls_of, instalments, net_view

D = dt.date

# The plan of test_funding.py: reserve income (cap $15B, 3.6%), then bonds (6%, two years, straight line).
PLAN = """\
schema: pledgelab.funding/1
id: plan
title: Test plan
summary: Reserve income first, then bonds.
investor: KR
macro: korea
references:
  koo: {title: Koo on reserve income, url: https://example.org/koo}
reserves_baseline:
  value: last-year-end
  unit: rule
  label: No-pledge reserves
  status: assumed
  reason: Held flat.
  alternatives: [{value: red-line, label: the red line}]
sources:
  - id: reserve-income
    kind: reserve-income
    capacity: {value: 15e9, unit: USD/year, label: Income, status: reported, refs: [koo]}
    rate: {value: 0.036, unit: per-year, label: Yield, status: assumed, reason: test, alternatives: [{value: 0.0, label: none}]}
  - id: bonds
    kind: guaranteed-bonds
    capacity: {value: null, unit: USD/year, label: Bonds, status: reported, refs: [koo]}
    rate: {value: 0.06, unit: per-year, label: Bond rate, status: assumed, reason: test, alternatives: [{value: 0.05, label: lower}]}
    maturity: {value: 2, unit: years, label: Maturity, status: assumed, reason: test, alternatives: [{value: 1, label: one}]}
    amortisation: {value: straight-line, unit: rule, label: Repaid, status: assumed, reason: test, alternatives: [{value: bullet, label: bullet}]}
"""  # noqa: E501


def test_instalments_by_frequency() -> None:
    y = instalments(50e9, start=D(2026, 1, 31), per_year=20e9, frequency="yearly")
    assert [(p.date, p.amount) for p in y] == [(D(2026, 1, 31), 20e9), (D(2027, 1, 31), 20e9),
                                             (D(2028, 1, 31), 10e9)]  # the last cut to what is left
    q = instalments(50e9, start=D(2026, 1, 31), per_year=20e9, frequency="quarterly")
    assert len(q) == 10 and all(p.amount == 5e9 for p in q)
    assert [p.date for p in q[:4]] == [D(2026, 1, 31), D(2026, 4, 30), D(2026, 7, 31), D(2026, 10, 31)]
    m = instalments(20e9, start=D(2026, 1, 31), per_year=20e9, frequency="monthly")
    assert len(m) == 12 and m[1].date == D(2026, 2, 28) and m[-1].date == D(2026, 12, 31)
    assert sum(p.amount for p in m) == pytest.approx(20e9)
    with pytest.raises(ValueError, match="frequency must be one of yearly, quarterly, monthly"):
        instalments(1e9, start=D(2026, 1, 1), per_year=1e9, frequency="weekly")
    with pytest.raises(ValueError, match="positive amount"):
        instalments(1e9, start=D(2026, 1, 1), per_year=0.0)


def test_interest_act_365_by_hand() -> None:
    # $20B on 2026-01-15 and $20B on 2027-01-15 at 4.5%, to 2028-01-15:
    # 20 x 0.045 x 730 / 365 = 1.8; 20 x 0.045 x 365 / 365 = 0.9
    s = instalments(40e9, start=D(2026, 1, 15), per_year=20e9)
    r = accrued_interest(s, rate=0.045, until=D(2028, 1, 15))
    assert r.by_payment == pytest.approx((1.8e9, 0.9e9))
    assert r.total == pytest.approx(2.7e9)
    # by year: 2026 has 351 days of the first part; 2027 365 of the first and 351 of the second;
    # 2028 14 days of each
    assert r.by_year == pytest.approx({2026: 20e9 * 0.045 * 351 / 365,
                                       2027: 20e9 * 0.045 * (365 + 351) / 365,
                                       2028: 2 * 20e9 * 0.045 * 14 / 365})
    # quarterly parts of $5B: each from its own date
    q = instalments(20e9, start=D(2026, 1, 1), per_year=20e9, frequency="quarterly")
    rq = accrued_interest(q, rate=0.0365, until=D(2027, 1, 1))
    days = [365, 365 - 90, 365 - 181, 365 - 273]  # from Jan 1, Apr 1, Jul 1, Oct 1 (2026)
    assert rq.by_payment == pytest.approx(tuple(5e9 * 0.0365 * d / 365 for d in days))
    # compounded once a year on the same count: two years at 10% on 100 is 21
    c = accrued_interest(instalments(100.0, start=D(2026, 1, 1), per_year=100.0), rate=0.10,
                         until=D(2028, 1, 1), compounding="annual")
    assert c.total == pytest.approx(100 * (1.1 ** (730 / 365) - 1))
    assert accrued_interest(s, rate=0.045, until=D(2026, 1, 1)).total == 0.0  # before funding: nothing


def test_calls_of_a_schedule() -> None:
    q = instalments(20e9, start=D(2026, 2, 10), per_year=20e9, frequency="quarterly")
    assert calls_of(q) == {2026 * 12 + 1: 5e9, 2026 * 12 + 4: 5e9, 2026 * 12 + 7: 5e9, 2026 * 12 + 10: 5e9}


def test_fund_act_365(tmp_path: Path) -> None:
    # The hand-checked case of test_funding.py under act/365: $30B in January 2026 (income 15, bonds
    # 15 at 6%, two straight-line repayments), $10B in July 2027 (income), horizon end-2028.
    #   Bonds: 2026 15 x 6% x 365/365 = 0.90; 2027 0.90; 2028 (leap) 7.5 x 6% x 366/365.
    #   Income at 3.6% on what has been used, by the month's days over 365:
    #   2026 15 x 0.036 = 0.54; 2027 0.54 + 10 x 0.036 x 184/365 (Jul-Dec); 2028 25 x 0.036 x 366/365.
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    plan = read_funding(path)
    calls = {2026 * 12: 30e9, 2027 * 12 + 6: 10e9}
    r = fund(calls, plan, horizon_end_year=2028, day_count="act/365")
    assert r.cost["bonds"].tolist() == pytest.approx([0.9e9, 0.9e9, 7.5e9 * 0.06 * 366 / 365], rel=1e-12)
    assert r.cost["reserve-income"].tolist() == pytest.approx(
        [0.54e9, 0.54e9 + 10e9 * 0.036 * 184 / 365, 25e9 * 0.036 * 366 / 365], rel=1e-12)
    assert r.interest.tolist() == pytest.approx(r.cost["bonds"].tolist(), rel=1e-12)
    months = fund(calls, plan, horizon_end_year=2028)  # the default: twelfths of a year
    assert months.cost["bonds"].tolist() == pytest.approx([0.9e9, 0.9e9, 0.45e9], rel=1e-12)
    with pytest.raises(Exception, match="day_count"):
        fund(calls, plan, horizon_end_year=2028, day_count="30/360")


def test_net_view(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    r = fund({2026 * 12: 30e9}, read_funding(path), horizon_end_year=2028)
    rows = net_view(r)
    assert [x.year for x in rows] == [2026, 2027, 2028]
    assert [x.pledge_debt for x in rows] == pytest.approx([15e9, 7.5e9, 0.0], abs=1e-3)
    for x in rows:
        assert x.net_reserves == pytest.approx(x.gross_reserves - x.pledge_debt)
    # 2026: 428.05 + 15 (income) - 0.9 (interest) + 15 (bonds) - 30 (calls) - 15 (debt) against
    # 428.05 + 15 without the pledge: 30 paid out and 0.9 of interest
    assert rows[0].net_less_no_pledge == pytest.approx(-30e9 - 0.9e9)
