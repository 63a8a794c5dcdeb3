"""A safeguard that cannot erase a pledge, and the replay of the recorded won (Dec 2025 - Mar 2026)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgelab import load_deal, load_pipeline, run
from pledgelab.macro import investor_calls
from pledgelab.macro.safeguard import load_safeguard, replay

KOREA = "us-korea-2025-11"
_DEAL = load_deal(KOREA)
_PIPE = load_pipeline("korea-illustrative")
_PLAN = run(_DEAL, _PIPE)


@settings(max_examples=12, deadline=None)
@given(cap=st.integers(0, 40), per_request=st.integers(1, 12), threshold=st.floats(900.0, 1400.0))
def test_unlimited_acceptance_never_defers_past_the_cap_and_every_call_is_paid(
        cap: int, per_request: int, threshold: float) -> None:
    # The threshold sits below the drivers' won (about 1,422-1,467), so the indicator is above it
    # every month: every request is made and accepted. Deferral stops at the cap; the pledge's
    # total is still paid, later (the end treatment is 'paid').
    sg = load_safeguard("korea-2025")
    sg = dataclasses.replace(
        sg, threshold=sg.threshold.with_value(threshold, note="t"),
        max_deferral=sg.max_deferral.with_value(per_request, note="t"),
        max_total_deferral=sg.max_total_deferral.with_value(cap, note="t"))  # type: ignore[union-attr]
    res = run(_DEAL, _PIPE, fx_rule=sg.rule(_DEAL), fx_accepted=True)
    assert res.fx is not None
    deferred = int(np.count_nonzero(res.fx.deferred))
    assert deferred <= cap
    assert deferred == cap  # the pressure never falls back and the calls run for years: the cap binds
    calls = investor_calls(res)
    assert sum(calls.values()) == pytest.approx(sum(investor_calls(_PLAN).values()), rel=1e-9)
    assert max(calls) >= max(investor_calls(_PLAN))  # deferred calls are paid, not dropped


def test_the_replay_of_the_recorded_won() -> None:
    # korea.yaml's recorded levels, Dec 2025 - Mar 2026: 1,480.1 (12-22 close), 1,482.3 (12-23
    # intraday), 1,439.0 (year-end close), 1,473.8 (01-16), 1,476.4 (03-06, derived), 1,495.5
    # (03-09 close). Threshold 1,500; impact 0.001 per $1B; forward: the MOU's $20B cap over 12
    # months; speed: 1% in a session.
    sg = load_safeguard("korea-2025")
    levels = [1480.1, 1482.3, 1439.0, 1473.8, 1476.4, 1495.5]
    start, end = dt.date(2025, 12, 1), dt.date(2026, 3, 31)
    # The engine's level reading: never above 1,500, so the rule never requests.
    market = replay(sg, _DEAL, start=start, end=end)
    assert [p.level for p in market] == levels
    assert not any(p.level_request for p in market)
    # Forward, on the file's basis (market purchases under the Special Act's plan): of $20B of
    # calls a year only the $1.39B contribution is bought in the market; 1,495.5 x e^0.00139 < 1,500.
    assert all(p.scheduled == pytest.approx(1.39e9) for p in market)
    assert [p.forward for p in market] == pytest.approx([v * math.exp(0.00139) for v in levels])
    assert not any(p.forward_request for p in market)
    # Speed: only 03-09 follows the previous session in the record (1,476.4 -> 1,495.5: 1.29%).
    assert [p.speed_request for p in market] == [False] * 5 + [True]
    assert market[-1].move == pytest.approx(math.log(1495.5 / 1476.4))
    # Forward on every dollar the investor pays (the stress basis, Seoul's reading of the scheduled
    # $20B): e^0.02 lifts every level but the year-end close above 1,500.
    calls = replay(sg, _DEAL, start=start, end=end, demand_basis="investor-calls")
    assert [p.forward_request for p in calls] == [v * math.exp(0.02) > 1500 for v in levels]
    assert [p.forward_request for p in calls] == [True, True, False, True, True, True]
