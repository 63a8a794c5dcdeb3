"""The "commercially reasonable" screen and what happens to a project that fails it
(engine/_governance.py), checked against the present value of the project's cash by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import pledgelab
from builders import pipeline, project, variant
from pledgelab import InputError, load_deal, load_pipeline
from pledgelab.engine import run, run_reference, screen, screen_project

NOTICE = dt.date(2026, 7, 15)


def _deal(rate: float, *, consent: bool = True, on_failure: str = "financed-with-consent"):  # type: ignore[no-untyped-def]
    # benchmark + spread = rate; monthly compounding, as shipped
    return variant("us-korea-2025-11", {"distribution.deemed_benchmark": rate,
                                        "distribution.deemed_spread": 0.0,
                                        "governance.assembly_consent": consent,
                                        "governance.screen_failure": on_failure})


def _annuity(i: float, n: int) -> float:
    return n if i == 0 else (1 - (1 + i) ** -n) / i


def test_screen_by_hand_pass_fail_and_consent() -> None:
    # 1,200 of capex in one build month, then 12% a year of it (12 a month) for 10 years, no ramp and
    # no residual. The deemed allocation amount is recovered over the life iff the present value of
    # 120 payments of 12 at the monthly deemed rate i covers 1,200:
    #   at 2%/yr: 12 * annuity(0.02/12, 120) = 12 * 108.99 = 1,307.9 >= 1,200: pass;
    #   at 6%/yr: 12 * annuity(0.005, 120) = 12 * 90.07 = 1,080.8 < 1,200: fails, and the balance
    #   left at the end is the shortfall compounded forward: 1,200 * 1.005^120 - 12 * s(120).
    p = project("p", capex=1200.0, notice=NOTICE, operating_yield=0.12, life_years=10)
    assert 12 * _annuity(0.02 / 12, 120) > 1200 > 12 * _annuity(0.005, 120)
    ok = screen_project(_deal(0.02), p)
    assert ok.verdict == "pass" and ok.shortfall == 0.0
    bad = screen_project(_deal(0.06), p)
    assert bad.verdict == "needs-consent"  # the Special Act: prior consent of the Assembly
    g = 1.005 ** 120
    assert bad.shortfall == pytest.approx(1200 * g - 12 * (g - 1) / 0.005, rel=1e-9)
    # discounted back over the 120 operating months: the present value of the gap
    assert bad.shortfall_pv == pytest.approx(1200 - 12 * _annuity(0.005, 120), rel=1e-9)
    assert bad.cash == pytest.approx(1440.0)
    assert bad.deemed_interest == pytest.approx(1440.0 + bad.shortfall - 1200.0, rel=1e-9)
    assert screen_project(_deal(0.06, consent=False), p).verdict == "fail"
    # the break-even deemed rate is the project's own IRR (12 a month on 1,200 for 120 months),
    # found here by bisection on the annuity, independently of the engine: just below it the
    # project passes, just above it fails
    lo, hi = 0.0, 0.2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 12 * _annuity(mid / 12, 120) > 1200 else (lo, mid)
    assert screen_project(_deal(lo - 1e-6), p).verdict == "pass"
    assert screen_project(_deal(lo + 1e-6), p).verdict == "needs-consent"


def test_a_project_outside_the_waterfall_is_not_screened() -> None:
    # MASGA's shipyards return to the firms, outside the MOU's selection: the record places them
    # outside the test, however poor their cash
    p = project("yard", capex=1200.0, notice=NOTICE, operating_yield=0.0, sector="shipbuilding")
    assert screen_project(_deal(0.06), p).verdict == "not-screened"


@pytest.mark.parametrize("engine", [run, run_reference])
def test_what_happens_to_a_failing_project(engine) -> None:  # type: ignore[no-untyped-def]
    good = project("good", capex=2e9, notice=NOTICE, operating_yield=0.2, life_years=20)
    poor = project("poor", capex=2e9, notice=dt.date(2026, 8, 3), operating_yield=0.02, life_years=20)
    pipe = pipeline(good, poor)
    res = engine(_deal(0.06), pipe)
    assert res.screen is not None
    assert {v.project: v.verdict for v in res.screen.verdicts} == {"good": "pass",
                                                                  "poor": "needs-consent"}
    assert {ps.project.id: ps.status for ps in res.schedule.projects} == {"good": "financed",
                                                                         "poor": "financed"}
    left_out = engine(_deal(0.06, on_failure="not-financed"), pipe)
    assert [ps.project.id for ps in left_out.schedule.projects] == ["good"]
    declined = engine(_deal(0.06, on_failure="declined"), pipe)
    assert {ps.project.id: ps.status for ps in declined.schedule.projects} == {"good": "financed",
                                                                              "poor": "declined"}
    # leaving the poor project out changes Korea's flows (it no longer funds it)
    kr_all = res.net("KR")
    kr_good = left_out.net("KR")
    assert not np.allclose(kr_all[: len(kr_good)], kr_good)


def test_every_shipped_korea_project_has_a_verdict() -> None:
    s = screen(load_deal("us-korea-2025-11"), load_pipeline("korea-illustrative"))
    assert s is not None
    assert len(s.verdicts) == len(load_pipeline("korea-illustrative").projects)
    assert sum(s.counts().values()) == len(s.verdicts)
    assert screen(load_deal("us-japan-2025-09"), load_pipeline("japan-first-tranche")) is None


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    src = Path(pledgelab.__file__).parent / "data" / "deals" / "us-korea-2025-11.yaml"
    text = src.read_text()
    assert text.count(old) == 1
    out = tmp_path / "us-korea-2025-11.yaml"
    out.write_text(text.replace(old, new))
    return out


def test_bad_governance_and_review_clauses_name_file_line_and_field(tmp_path: Path) -> None:
    path = _edited(tmp_path, "    review_interval:\n      value: 12\n",
                   "    review_interval:\n      value: 0\n")
    with pytest.raises(InputError) as info:
        load_deal(str(path))
    assert "review_interval" in str(info.value) and "us-korea-2025-11.yaml:" in str(info.value)
    path = _edited(tmp_path, "    screen_failure:\n      value: financed-with-consent\n",
                   "    screen_failure:\n      value: financed-anyway\n")
    with pytest.raises(InputError) as info:
        load_deal(str(path))
    assert "governance.screen_failure" in str(info.value) and "financed-anyway" in str(info.value)


def test_monte_carlo_plans_apply_the_screen_too() -> None:
    # make_plan (simulate's entry) reads governance.screen_failure as run does
    from pledgelab.engine import make_plan

    good = project("good", capex=2e9, notice=NOTICE, operating_yield=0.2, life_years=20)
    poor = project("poor", capex=2e9, notice=dt.date(2026, 8, 3), operating_yield=0.02, life_years=20)
    plan = make_plan(_deal(0.06, on_failure="not-financed"), pipeline(good, poor))
    assert plan.order == ("good",)
    plan = make_plan(_deal(0.06, on_failure="declined"), pipeline(good, poor))
    assert {ps.project.id: ps.status for ps in plan.schedule.projects} == {"good": "financed",
                                                                          "poor": "declined"}
