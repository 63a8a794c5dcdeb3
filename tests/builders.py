"""Build test deals and pipelines in code: variants of shipped deals, tiny pipelines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from pledgelab.pipeline import Pipeline, Project
from pledgelab.terms import Clause, Status, TermSheet, Tranche, load_deal


def _clause(path: str, value: Any, unit: str) -> Clause:
    return Clause(path=path, value=value, unit=unit, label=path, status=Status.ASSUMED,
                  reason="test", file="<test>", line=0)


def variant(deal: TermSheet | str, changes: dict[str, Any] | None = None,
            tranches: dict[str, dict[str, Any]] | None = None,
            drop_tranches: tuple[str, ...] = ()) -> TermSheet:
    """A copy of ``deal`` with clause values changed (by path without the ``clauses.`` prefix)."""
    base = load_deal(deal) if isinstance(deal, str) else deal
    clauses = dict(base.clauses)
    for key, value in (changes or {}).items():
        if key in clauses:
            clauses[key] = clauses[key].with_value(value, note="test variant")
        else:
            clauses[key] = _clause(f"clauses.{key}", value, "rule")
    new_tranches = []
    for tr in base.tranches:
        if tr.id in drop_tranches:
            continue
        tc = dict(tr.clauses)
        for key, value in (tranches or {}).get(tr.id, {}).items():
            tc[key] = tc[key].with_value(value, note="test variant") if key in tc else \
                _clause(f"clauses.tranches.{tr.id}.{key}", value, "rule")
        new_tranches.append(Tranche(id=tr.id, label=tr.label, clauses=tc))
    return dataclasses.replace(base, clauses=clauses, tranches=tuple(new_tranches))


def project(pid: str, *, capex: float, notice: dt.date, build_months: int = 1,
            profile: str = "flat", ramp_months: int = 0, operating_yield: float = 0.12,
            life_years: int = 10, residual_value: float = 0.0, sector: str = "energy",
            decision: str = "fund") -> Project:
    params = {
        "build_months": _clause("build_months", build_months, "months"),
        "capex_profile": _clause("capex_profile", profile, "profile"),
        "ramp_months": _clause("ramp_months", ramp_months, "months"),
        "operating_yield": _clause("operating_yield", operating_yield, "per-year"),
        "life_years": _clause("life_years", life_years, "years"),
        "residual_value": _clause("residual_value", residual_value, "fraction"),
    }
    return Project(id=pid, name=pid, archetype="test", sector=sector, state=None,
                   decision=decision, capex=_clause("capex", capex, "USD"),
                   notice_date=_clause("notice_date", notice, "date"), params=params)


def pipeline(*projects: Project) -> Pipeline:
    return Pipeline(id="test", title="test", summary="test", projects=tuple(projects),
                    references={}, file="<test>")


def project_strategy(*, declines: bool = False):  # type: ignore[no-untyped-def]
    """Hypothesis: lists of 1-4 project specs for :func:`project` (optionally some declined)."""
    from hypothesis import strategies as st

    decision = st.sampled_from(["fund", "fund", "fund", "decline"]) if declines else st.just("fund")
    return st.lists(
        st.builds(
            dict,
            capex=st.floats(1e8, 2e10),
            notice=st.dates(dt.date(2025, 12, 1), dt.date(2028, 12, 31)),
            build_months=st.integers(1, 30),
            profile=st.sampled_from(["flat", "s-curve", "front", "back"]),
            ramp_months=st.integers(0, 24),
            operating_yield=st.floats(0.0, 0.3),
            life_years=st.integers(1, 25),
            residual_value=st.floats(0.0, 0.5),
            sector=st.sampled_from(["energy", "shipbuilding", "semiconductors"]),
            decision=decision,
        ),
        min_size=1, max_size=4,
    )


def terms_strategy():  # type: ignore[no-untyped-def]
    """Hypothesis: the distribution clauses whose readings are assumed, drawn at random."""
    from hypothesis import strategies as st

    return st.fixed_dictionaries({
        "distribution.deemed_benchmark": st.floats(0.0, 0.08),
        "distribution.deemed_compounding": st.sampled_from(["monthly", "annual-effective", "simple",
                                                            "per-period"]),
        "distribution.review_reading": st.sampled_from(["realised", "projected"]),
        "distribution.application": st.sampled_from(["per-project", "pooled"]),
        "distribution.loss_treatment": st.sampled_from(["investor-bears", "capital-first",
                                                        "host-clawback"]),
    })


SHIPPED_DEALS = ("us-korea-2025-11", "us-japan-2025-09", "korea-counter-2025-10", "us-ask-2025-09",
                 "us-proposal-2025-10")
