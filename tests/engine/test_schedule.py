"""Schedule rules: deadline, decline and diversion, tranche capacity, vehicles, sectors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from builders import pipeline, project, variant
from pledgelab._months import month_label, parse_month
from pledgelab.engine import Shock, build_schedule, run

KOREA = "us-korea-2025-11"
ZERO_RATE = {"distribution.deemed_benchmark": 0.0, "distribution.deemed_spread": 0.0}


def _status(deal: object, *projects: object) -> dict[str, str]:
    sched = build_schedule(deal, pipeline(*projects))  # type: ignore[arg-type]
    return {ps.project.id: ps.status for ps in sched.projects}


def test_notice_after_the_selection_deadline_is_not_financed() -> None:
    deal = variant(KOREA)
    st = _status(deal, project("late", capex=1e9, notice=dt.date(2029, 1, 20)),
                 project("ontime", capex=1e9, notice=dt.date(2029, 1, 19)))
    assert st == {"late": "after-deadline", "ontime": "financed"}


def test_tranche_capacity_is_never_exceeded() -> None:
    deal = variant(KOREA)  # strategic cash $200B for non-shipbuilding projects
    st = _status(deal, project("a", capex=150e9, notice=dt.date(2026, 1, 5)),
                 project("b", capex=60e9, notice=dt.date(2026, 2, 5)),
                 project("c", capex=50e9, notice=dt.date(2026, 3, 5)))
    assert st == {"a": "financed", "b": "pledge-exhausted", "c": "financed"}


def test_specific_sector_tranche_wins_over_any() -> None:
    deal = variant(KOREA)
    sched = build_schedule(deal, pipeline(
        project("yard", capex=1e9, notice=dt.date(2026, 1, 5), sector="shipbuilding"),
        project("plant", capex=1e9, notice=dt.date(2026, 1, 5), sector="energy")))
    shares = {ps.project.id: ps.shares for ps in sched.projects}
    assert shares == {"plant": {"strategic-cash": 1.0}, "yard": {"masga": 1.0}}


def test_no_eligible_tranche() -> None:
    deal = variant(KOREA, drop_tranches=("strategic-cash",),
                   tranches={"masga": {"amount": 350e9}})
    st = _status(deal, project("plant", capex=1e9, notice=dt.date(2026, 1, 5)))
    assert st == {"plant": "no-eligible-tranche"}


def test_masga_is_outside_the_cap_and_paid_by_firms() -> None:
    deal = variant(KOREA)
    res = run(deal, pipeline(project("yard", capex=30e9, notice=dt.date(2026, 1, 5),
                                     sector="shipbuilding")))
    ps = res.schedule.projects[0]
    assert ps.calls == {parse_month("2026-03"): 30e9}  # one month, no cap applies
    kinds = {(line.party, line.kind) for line in res.lines}
    assert ("KR-FIRMS", "capital call") in kinds and ("KR-FIRMS", "own returns") in kinds
    assert not any(line.party == "KR" for line in res.lines)


def test_declining_diverts_investor_distributions_until_the_shortfall_is_made_up() -> None:
    deal = variant(KOREA, ZERO_RATE)
    a = project("a", capex=100e6, notice=dt.date(2026, 1, 2), operating_yield=0.36)
    b = project("b", capex=10e6, notice=dt.date(2027, 1, 4), decision="decline")
    res = run(deal, pipeline(a, b))
    kr, us = res.net("KR"), res.net("US")
    # b's earliest funding date: 45 US business days after 2027-01-04 -> March 2027
    start = res.col(parse_month("2027-03"))
    assert np.allclose(kr[start:start + 6], 0.0)  # six months of 1.5M each diverted
    assert kr[start + 6] == pytest.approx(0.5e6)  # 1.0M more makes up the 10M
    assert us[start] == pytest.approx(3.0e6)
    diverted = sum(float(line.values.sum()) for line in res.lines
                   if line.party == "US" and line.kind == "diverted to host")
    assert diverted == pytest.approx(10e6)


def test_instalments_fund_a_vehicle_that_funds_calls() -> None:
    deal = variant("us-proposal-2025-10", {**ZERO_RATE, "timeline.vehicle_cash_rate": 0.0})
    res = run(deal, pipeline(project("a", capex=30e9, notice=dt.date(2026, 3, 2))))
    ps = res.schedule.projects[0]
    # the vehicle holds $25B from the first instalment; the rest waits for the second
    months = sorted(ps.calls)
    assert sum(ps.calls.values()) == pytest.approx(30e9)
    assert ps.calls[months[0]] == pytest.approx(25e9)
    assert month_label(months[0]) == "2026-04"  # 2026-03-02 + 45 calendar days
    assert month_label(months[-1]) == "2027-01"  # the second instalment
    kr_paid = -sum(float(line.values.sum()) for line in res.lines
                   if line.party == "KR" and line.kind == "instalment")
    returned = sum(float(line.values.sum()) for line in res.lines
                   if line.party == "KR" and line.kind == "undeployed vehicle cash")
    assert kr_paid == pytest.approx(200e9)
    assert returned == pytest.approx(170e9)


def test_a_stop_during_the_build_and_a_late_start_up_by_hand() -> None:
    # three $1B build months; the site stops 2 months before build month 1 (the second),
    # and operations start 3 months late: calls in months 0, 3 and 4, operations from month 8
    deal = variant("us-korea-2025-11")
    pipe = pipeline(project("p", capex=3e9, notice=dt.date(2026, 1, 5), build_months=3))
    plain = build_schedule(deal, pipe).financed()[0]
    m0 = min(plain.calls)
    assert sorted(plain.calls) == [m0, m0 + 1, m0 + 2] and plain.cod == m0 + 3
    ps = build_schedule(deal, pipe, {"p": Shock(pause_at=1, pause=2, startup=3)}).financed()[0]
    assert sorted(ps.calls) == [m0, m0 + 3, m0 + 4]
    assert ps.completion == m0 + 4 and ps.cod == m0 + 8
    first = build_schedule(deal, pipe, {"p": Shock(pause_at=0, pause=2)}).financed()[0]
    assert sorted(first.calls) == [m0 + 2, m0 + 3, m0 + 4]  # a stop before the first call
