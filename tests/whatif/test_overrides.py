"""Overrides and scenarios: a --set equals the same term sheet edited on disk; the overridden
clause says ``scenario`` and keeps the value it replaced; bad overrides name where they were
written. The independent computation is the YAML file edited with PyYAML and read from disk."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgelab import InputError
from pledgelab._cited import DATA
from pledgelab.engine import run
from pledgelab.pipeline import load_pipeline
from pledgelab.terms import (
    MAX_SWEEP,
    Status,
    apply_overrides,
    load_deal,
    override,
    parse_set,
    parse_sweep,
    read_term_sheet,
    sweep,
)

BASE = "us-korea-2025-11"
SRC = DATA / "deals" / f"{BASE}.yaml"


def _edited(tmp: Path, path: str, value: Any) -> Path:
    """The shipped file with one clause's value edited on disk (PyYAML, not the code under test)."""
    doc = yaml.safe_load(SRC.read_text(encoding="utf-8"))
    node = doc["clauses"]
    for part in path.replace("[", ".").replace("]", "").split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    node["value"] = value
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / f"{BASE}.yaml"
    out.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
    return repr(value) if isinstance(value, float) else str(value)


def _tiers(x: float) -> list[dict[str, Any]]:
    return [{"shares": {"KR": x, "US": round(1 - x, 6)}, "until": "deemed-allocation-amount"},
            {"shares": {"KR": 0.1, "US": 0.9}, "until": "end"}]


CASES = st.one_of(
    st.tuples(st.just("timeline.annual_cap"),
              st.one_of(st.none(), st.integers(5, 60).map(lambda b: float(b) * 1e9))),
    st.tuples(st.just("distribution.deemed_spread"), st.integers(0, 60).map(lambda b: b / 1000)),
    st.tuples(st.just("distribution.deemed_benchmark"), st.integers(10, 70).map(lambda b: b / 1000)),
    st.tuples(st.just("timeline.funding_lag"), st.integers(0, 120)),
    st.tuples(st.just("distribution.review_horizon"), st.one_of(st.none(), st.integers(60, 400))),
    st.tuples(st.just("distribution.application"), st.sampled_from(["per-project", "pooled"])),
    st.tuples(st.just("distribution.loss_treatment"),
              st.sampled_from(["investor-bears", "capital-first", "host-clawback"])),
    st.tuples(st.just("distribution.tiers"), st.integers(5, 95).map(lambda p: _tiers(p / 100))),
)


@settings(max_examples=12, deadline=None)
@given(case=CASES)
def test_set_equals_the_file_edited_on_disk(case: tuple[str, Any],
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    path, value = case
    base = load_deal(BASE)
    pipe = load_pipeline("korea-illustrative")
    ov = parse_set(f"{path}={_text(value)}")
    mine = apply_overrides(base, [ov])
    disk = read_term_sheet(_edited(tmp_path_factory.mktemp("edit"), path, value))
    key = path
    got, want = mine.clauses[key], disk.clauses[key]
    assert got.value == want.value
    assert got.status is Status.SCENARIO and want.status is base.clauses[key].status
    assert got.history[-1].value == base.clauses[key].value
    assert got.reason and "--set" in got.reason
    a, b = run(mine, pipe), run(disk, pipe)
    assert [(x.party, x.kind, x.project, x.clause) for x in a.lines] == \
        [(x.party, x.kind, x.project, x.clause) for x in b.lines]
    for x, y in zip(a.lines, b.lines, strict=True):
        np.testing.assert_array_equal(x.values, y.values)


def test_tranche_by_index_and_by_id() -> None:
    base = load_deal(BASE)
    a = apply_overrides(base, [parse_set("tranches[0].amount=190e9"),
                               parse_set("amount.headline=340e9", position=2)])
    b = apply_overrides(base, [parse_set("tranches.strategic-cash.amount=190e9"),
                               parse_set("amount.headline=340e9", position=2)])
    for d in (a, b):
        c = d.tranches[0].clauses["amount"]
        assert (c.value, c.status, c.history[-1].value) == (190e9, Status.SCENARIO, 200e9)
        assert c.path == "clauses.tranches[0].amount"


@pytest.mark.parametrize(("text", "message"), [
    ("timeline.anual_cap=1", "unknown clause 'timeline.anual_cap'; did you mean 'timeline.annual_cap'?"),
    ("timeline.annual_cap=-5", "--set:1: timeline.annual_cap.value: negative amounts are not allowed"),
    ("distribution.deemed_spread=2", "must be at most 1, got 2"),
    ("distribution.deemed_spread=two", "expected a number, got str 'two'"),
    ("timeline.funding_lag=4.5", "expected a whole number"),
    ("tranches[0].amount=1e9", "tranche amounts sum to 151,000,000,000 USD but the headline is"),
    ("distribution.tiers=[{shares: {KR: 0.6, US: 0.5}, until: end}]", "shares must sum to 1"),
    ("timeline.selection_deadline=2020-01-01", "before the term sheet's as_of date"),
    ("timeline.annual_cap", "expected PATH=VALUE"),
    ("timeline.annual_cap=", "the value is empty"),
    ("x" * 5000 + "=1", "a clause path has at most"),
    ("timeline.annual_cap=[1, 2", "not valid YAML"),
    ("timeline.pacing=instalments", "needs the clause timeline.instalment_amount"),
])
def test_bad_set_names_the_option(text: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        apply_overrides(load_deal(BASE), [parse_set(text)])
    assert message in str(err.value)
    assert all(p.file in ("--set", f"deals/{BASE}.yaml") for p in err.value.problems)


def test_added_optional_clause_is_a_scenario() -> None:
    # us-korea-2025-11 has no guarantee limit clause (it ships review_shares since issue 21)
    d = apply_overrides(load_deal(BASE), [override("amount.guarantee_limit", 100e9, reason="test")])
    c = d.clauses["amount.guarantee_limit"]
    assert c.status is Status.SCENARIO and c.value == 100e9
    assert c.history[-1].value is None


def test_override_from_json_values() -> None:
    d = apply_overrides(load_deal(BASE), [override("timeline.selection_deadline", "2028-12-31"),
                                          override("timeline.annual_cap", None)])
    assert str(d.clauses["timeline.selection_deadline"].value) == "2028-12-31"
    assert d.clauses["timeline.annual_cap"].value is None


def test_stacked_overrides_keep_every_replaced_value() -> None:
    one = apply_overrides(load_deal(BASE), [parse_set("timeline.annual_cap=15e9")])
    two = apply_overrides(one, [parse_set("timeline.annual_cap=10e9"),
                                parse_set("distribution.deemed_spread=0.01", position=2)])
    c = two.clauses["timeline.annual_cap"]
    assert [h.value for h in c.history[-2:]] == [20e9, 15e9] and c.value == 10e9
    assert two.clauses["distribution.deemed_spread"].status is Status.SCENARIO


def test_set_twice_is_refused() -> None:
    with pytest.raises(InputError, match="set twice"):
        apply_overrides(load_deal(BASE), [parse_set("timeline.annual_cap=1e9"),
                                          parse_set("timeline.annual_cap=2e9", position=2)])


def test_sweep_variants_and_limits() -> None:
    ovs = parse_sweep("timeline.annual_cap=10e9,20e9,null")
    ds = sweep(load_deal(BASE), ovs)
    assert [d.id for d in ds] == ["timeline.annual_cap=10e9", "timeline.annual_cap=20e9",
                                  "timeline.annual_cap=null"]
    assert [d.clauses["timeline.annual_cap"].value for d in ds] == [10e9, 20e9, None]
    tiers = parse_sweep("distribution.tiers=[{shares: {KR: 1}, until: end}],[{shares: {US: 1}, until: end}]")
    assert len(tiers) == 2
    with pytest.raises(InputError, match="at least 2 values"):
        parse_sweep("timeline.annual_cap=10e9")
    with pytest.raises(InputError, match=f"at most {MAX_SWEEP}"):
        parse_sweep("timeline.annual_cap=" + ",".join(str(i) for i in range(1000)))
    with pytest.raises(InputError, match="given twice"):
        parse_sweep("timeline.annual_cap=1e9,1e9")


def test_values_never_nan() -> None:
    with pytest.raises(InputError, match="finite"):
        apply_overrides(load_deal(BASE), [parse_set("distribution.deemed_spread=.nan")])
    assert not math.isnan(load_deal(BASE).clauses["distribution.deemed_spread"].value)
