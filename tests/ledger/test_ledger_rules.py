"""The deal's rules applied to ledger writes: rejected with the clause, or recorded with an override."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pledgelab._errors import InputError
from pledgelab.ledger import Ledger, RuleViolation
from pledgelab.terms import earliest_funding_date, load_deal

SRC = ["https://example.org/source"]
TODAY = dt.date(2026, 11, 29)


def _project(led: Ledger, pid: str, *, pledge: str = "KR-2025-11", sector: str = "energy",
             status: str = "selected", date: dt.date = dt.date(2026, 3, 2), **kw: Any) -> None:
    led.add("project", {"id": pid, "pledge_id": pledge, "name": pid, "sector": sector, "status": status,
                        "status_date": date, "sources": SRC, "verified": TODAY, **kw}, actor="test")


def _call(led: Ledger, cid: str, project: str, notice: dt.date, funding: dt.date, amount: float,
          override: str | None = None, **kw: Any) -> dict[str, Any]:
    return led.add("call", {"id": cid, "project_id": project, "notice_date": notice, "funding_date": funding,
                            "amount_usd": amount, "sources": SRC, "verified": TODAY, **kw},
                   actor="test", override=override)


def test_funding_lag_comes_from_the_term_sheet_and_names_the_clause(ledger: Ledger) -> None:
    deal = load_deal("us-korea-2025-11")
    notice = dt.date(2026, 3, 2)
    lag = deal.clause("timeline.funding_lag")
    earliest = earliest_funding_date(notice, lag=int(lag.value), unit=lag.unit,
                                     calendar=str(deal.value("timeline.funding_calendar")))
    _project(ledger, "kr-a")
    with pytest.raises(RuleViolation) as err:
        _call(ledger, "c1", "kr-a", notice, earliest - dt.timedelta(days=1), 1e9)
    v = err.value.violations[0]
    assert v.clause == "timeline.funding_lag"
    assert str(earliest) in v.message and lag.references[0].url in v.citation
    problem = err.value.problems[0]
    assert problem.file.endswith("us-korea-2025-11.yaml") and problem.line == lag.line
    assert ledger.list("call").total == 0  # nothing written
    _call(ledger, "c1", "kr-a", notice, earliest, 1e9)  # the earliest date itself is allowed


def test_calendar_year_cap_and_override_recorded_in_the_audit_log(ledger: Ledger) -> None:
    cap = float(load_deal("us-korea-2025-11").value("timeline.annual_cap"))
    notice = dt.date(2026, 3, 2)
    _project(ledger, "kr-a")
    _call(ledger, "c1", "kr-a", notice, dt.date(2026, 6, 1), 0.75 * cap)
    with pytest.raises(RuleViolation) as err:
        _call(ledger, "c2", "kr-a", notice, dt.date(2026, 9, 1), 0.5 * cap)
    assert err.value.violations[0].clause == "timeline.annual_cap"
    _call(ledger, "c2", "kr-a", notice, dt.date(2027, 1, 4), 0.5 * cap)  # next calendar year: room again
    rec = _call(ledger, "c3", "kr-a", notice, dt.date(2026, 9, 1), 0.5 * cap,
                override="the US agreed to an exception in writing")
    assert rec["overrides"][0]["clause"] == "timeline.annual_cap"
    assert rec["overrides"][0]["override"] == "the US agreed to an exception in writing"
    entry = ledger.audit(record_id="c3").items[-1]
    assert entry["reason"] == "the US agreed to an exception in writing" and entry["after"]["id"] == "c3"


def test_tranche_choice_is_the_engines(ledger: Ledger) -> None:
    """A shipbuilding project is financed by the MASGA tranche, which the cap does not count."""
    deal = load_deal("us-korea-2025-11")
    masga = next(t for t in deal.tranches if t.id == "masga")
    _project(ledger, "kr-yard", sector="shipbuilding")
    rec = _call(ledger, "c1", "kr-yard", dt.date(2026, 3, 2), dt.date(2026, 6, 1), 30e9)
    assert rec["capped_usd"] == (30e9 if masga.value("counts_toward_cap") and
                                 masga.value("funded_by") == deal.investor else 0.0)


def test_selection_deadline(ledger: Ledger) -> None:
    deadline = load_deal("us-japan-2025-09").value("timeline.selection_deadline")
    with pytest.raises(RuleViolation) as err:
        _project(ledger, "jp-late", pledge="JP-2025-09", status="selected",
                 date=deadline + dt.timedelta(days=1))
    assert err.value.violations[0].clause == "timeline.selection_deadline"
    _project(ledger, "jp-ok", pledge="JP-2025-09", status="selected", date=deadline)


def test_declining_a_noticed_project_records_the_non_funding_clauses(ledger: Ledger) -> None:
    _project(ledger, "kr-a")
    _call(ledger, "c1", "kr-a", dt.date(2026, 3, 2), dt.date(2026, 6, 1), 1e9)  # the call notices it
    proj = ledger.get("project", "kr-a")
    assert proj["status"] == "notice" and proj["notice_date"] == "2026-03-02"
    ev = ledger.add("status", {"project_id": "kr-a", "status": "declined", "date": dt.date(2026, 4, 1),
                               "sources": SRC, "verified": TODAY, "version": proj["version"]}, actor="test")
    clauses = {c["clause"] for c in ev["consequences"]}
    assert {"non_funding.tariff_step_up", "non_funding.distribution_diversion"} <= clauses
    before_notice = ledger.add("project", {"id": "kr-b", "pledge_id": "KR-2025-11", "name": "b",
                                           "sector": "energy", "status": "interest",
                                           "status_date": dt.date(2026, 1, 1), "sources": SRC,
                                           "verified": TODAY}, actor="test")
    assert before_notice["status"] == "interest"
    ev = ledger.add("status", {"project_id": "kr-b", "status": "declined", "date": dt.date(2026, 4, 1),
                               "sources": SRC, "verified": TODAY, "version": 1}, actor="test")
    assert ev["consequences"] == []


def test_status_never_goes_back_or_earlier_and_money_sets_notice(ledger: Ledger) -> None:
    def status(new: str, date: dt.date, version: int | None = 1) -> dict[str, Any]:
        return ledger.add("status", {"project_id": "jp-portsmouth-gas", "status": new, "date": date,
                                     "sources": SRC, "verified": TODAY, "version": version}, actor="t")

    with pytest.raises(RuleViolation, match="selected cannot change to interest"):
        status("interest", dt.date(2026, 3, 1))
    with pytest.raises(RuleViolation, match="before the current status"):
        status("paused", dt.date(2026, 1, 1))
    with pytest.raises(RuleViolation, match="set by a capital call, not by hand"):
        status("notice", dt.date(2026, 3, 1))
    with pytest.raises(InputError, match=r"status\.version: a status change needs the version"):
        status("paused", dt.date(2026, 3, 1), version=None)
    status("paused", dt.date(2026, 3, 1))
    with pytest.raises(RuleViolation, match="no money moves on a paused project"):
        _call(ledger, "c-jp", "jp-portsmouth-gas", dt.date(2026, 3, 2), dt.date(2026, 5, 1), 1e9)
    status("selected", dt.date(2026, 3, 2), version=2)  # resumes where it was
    _call(ledger, "c-jp", "jp-portsmouth-gas", dt.date(2026, 3, 3), dt.date(2026, 12, 1), 1e9)
    assert ledger.get("project", "jp-portsmouth-gas")["notice_date"] == "2026-03-03"


def test_disbursements_stay_within_the_call_and_after_the_lag(ledger: Ledger) -> None:
    from pledgelab.ledger import status_report

    _project(ledger, "kr-a")
    _call(ledger, "c1", "kr-a", dt.date(2026, 3, 2), dt.date(2026, 6, 1), 2e9)
    assert ledger.get("project", "kr-a")["status"] == "notice"
    cached = next(f for f in status_report(ledger, dt.date(2026, 12, 31)) if f.pledge == "KR-2025-11")
    assert cached.disbursed == 0 and cached.called == 2e9
    ledger.add("disbursement", {"call_id": "c1", "date": dt.date(2026, 6, 1), "amount_usd": 1.5e9,
                                "sources": SRC, "verified": TODAY}, actor="t")
    with pytest.raises(RuleViolation, match="disbursements would reach"):
        ledger.add("disbursement", {"call_id": "c1", "date": dt.date(2026, 6, 2), "amount_usd": 1e9,
                                    "sources": SRC, "verified": TODAY}, actor="t")
    with pytest.raises(RuleViolation, match="earliest funding date"):
        ledger.add("disbursement", {"call_id": "c1", "date": dt.date(2026, 3, 3), "amount_usd": 1e8,
                                    "sources": SRC, "verified": TODAY}, actor="t")
    kr = next(f for f in status_report(ledger, dt.date(2026, 12, 31)) if f.pledge == "KR-2025-11")
    # at work is measured against the measurable base (the $200B of cash), not the $350B headline
    assert kr.disbursed == 1.5e9 and kr.at_work_share == pytest.approx(1.5e9 / 200e9)
    assert ledger.get("project", "kr-a")["status"] == "funded"  # the first payment funded it
    assert [p.at_work for p in kr.parts] == [1.5e9, None]
