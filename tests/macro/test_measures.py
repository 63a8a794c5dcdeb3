"""Macro measures (GDP, reserves, budget, current account), each cited, and a pledge's ratio to each
(pledgelab.macro.measures). Denominators are the record's figures typed here (deals-and-macro.md 4a,
4e; record-2026.md section 2), ratios worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from pledgelab.macro import macro_measures, pledge_ratios, register_measure
from pledgelab.macro.measures import MEASURES


def test_korea_measures_are_cited_and_dated() -> None:
    m = macro_measures("KR")
    assert list(m) == ["gdp", "reserves", "budget", "current_account"]
    assert (m["gdp"].value, m["gdp"].date, m["gdp"].status) == (1.868e12, dt.date(2024, 12, 31), "reported")
    assert (m["reserves"].value, m["reserves"].date) == (427.62e9, dt.date(2026, 2, 28))
    assert (m["current_account"].value, m["current_account"].date) == (123.05e9, dt.date(2025, 12, 31))
    assert m["budget"].value == 500e9 and m["budget"].status == "assumed" and "LOW" in m["budget"].cite
    for v in m.values():
        assert v.cite


def test_pledge_ratios_by_hand() -> None:
    r = {x.measure: x for x in pledge_ratios(350e9, "KR")}
    assert r["gdp"].ratio == pytest.approx(350 / 1868)  # 18.7%, as Pesek's "more than 18%"
    assert r["reserves"].ratio == pytest.approx(350 / 427.62)
    assert r["budget"].ratio == pytest.approx(0.70)  # the derivation's own ratio, back
    assert r["current_account"].ratio == pytest.approx(350 / 123.05)
    # as of end-2025: the December reserves, 428.05
    r = {x.measure: x for x in pledge_ratios(200e9, "KR", as_of=dt.date(2025, 12, 31))}
    assert r["reserves"].ratio == pytest.approx(200 / 428.05) and r["reserves"].date == dt.date(2025, 12, 31)
    assert pledge_ratios(20e9, "KR", measures=("gdp",))[0].ratio == pytest.approx(20 / 1868)  # ~1.07%


def test_gaps_give_no_ratio_and_say_why() -> None:
    r = {x.measure: x for x in pledge_ratios(550e9, "JP")}
    assert r["gdp"].ratio is None and "gap" in r["gdp"].cite
    assert r["budget"].ratio is None
    assert r["reserves"].ratio == pytest.approx(550e9 / r["reserves"].denominator)  # type: ignore[operator]
    with pytest.raises(ValueError, match="no macro file for 'XX'"):
        pledge_ratios(1e9, "XX")
    with pytest.raises(ValueError, match="unknown measure"):
        pledge_ratios(1e9, "KR", measures=("nope",))


def test_a_new_measure_can_be_registered() -> None:
    try:
        register_measure("goods_balance", "goods_balance_usd", "goods balance")
        r = {x.measure: x for x in pledge_ratios(350e9, "KR")}
        assert r["goods_balance"].ratio == pytest.approx(350 / 138.07)
        with pytest.raises(ValueError, match="not USD"):
            register_measure("fx", "fx_level", "won per dollar")
    finally:
        MEASURES.pop("goods_balance", None)
