"""Amounts in won or yen: converted at a cited rate when read, reported back in either currency."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from pledgelab import InputError, load_deal, run
from pledgelab.drivers import load_drivers
from pledgelab.metrics import cash_flows, party_outcomes
from pledgelab.pipeline._pipeline import read_pipeline
from pledgelab.terms import read_rates

HEAD = """\
schema: pledgelab.pipeline/1
id: {id}
title: t
summary: s
references:
  r: {{title: a source, url: "https://example.org/a"}}
{extra}projects:
  - id: a
    name: A
    archetype: gas-power
    decision: fund
    capex: {{value: {capex}, unit: {unit}, label: capex, status: reported, refs: [r]}}
    notice_date: {{value: 2026-03-02, unit: date, label: notice, status: reported, refs: [r]}}
"""

WON = 1422.16  # won per dollar, 2025 annual average (allthe.news; Chosun Biz 2025-12-30)
YEN = 151.48  # yen per dollar, 2024 annual average (Japan Today)


def _pipe(tmp_path: Path, *, capex: str, unit: str, extra: str = "", name: str = "p") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEAD.format(id=name, capex=capex, unit=unit, extra=extra))
    return path


def test_the_shipped_rates_are_cited_with_their_date() -> None:
    rates = read_rates()
    assert rates["KRW"].per_usd == WON and rates["KRW"].as_of == dt.date(2025, 12, 31)
    assert rates["JPY"].per_usd == YEN and rates["JPY"].as_of == dt.date(2024, 12, 31)
    for r in rates.values():
        assert r.clause.references and r.clause.references[0].url.startswith("https://")


@pytest.mark.parametrize(("written", "unit", "usd"), [
    ("2.9e12", "KRW", 2_039_151_712.89),  # ₩2.9 trillion / 1,422.16 (1,422.16 x 2,039,151,712.89 = 2.9e12)
    ("80e12", "JPY", 528_122_524_425.67),  # ¥80 trillion (Yomiuri's figure for $550B) / 151.48
])
def test_a_capex_in_won_or_yen_is_read_in_dollars_by_hand(tmp_path: Path, written: str, unit: str,
                                                          usd: float) -> None:
    p = read_pipeline(_pipe(tmp_path, capex=written, unit=unit)).projects[0]
    assert p.capex.unit == "USD"
    assert float(p.capex.value) == pytest.approx(usd, rel=1e-11)
    assert "Written as" in (p.capex.note or "") and "as of" in (p.capex.note or "")


def test_round_trip_won_in_won_out(tmp_path: Path) -> None:
    """₩1,422.16bn written, run in dollars, reported in won at the same cited rate: the capital
    calls sum to the ₩ written, and every flow equals the USD run's times 1,422.16."""
    krw = _pipe(tmp_path, capex="1422.16e9", unit="KRW", name="k")
    usd = _pipe(tmp_path, capex="1e9", unit="USD", name="u")
    deal = load_deal("us-korea-2025-11")
    rk, ru = run(deal, read_pipeline(krw)), run(deal, read_pipeline(usd))
    fk = cash_flows(rk, by="year", currency="KRW")
    fu = cash_flows(ru, by="year")
    assert fk.currency == "KRW" and "1,422.16 KRW/USD" in fk.fx
    for a, b in zip(fk.rows, fu.rows, strict=True):
        np.testing.assert_allclose(a.values, b.values * WON, rtol=1e-12, atol=1e-3)
    calls = sum(r.total for r in fk.rows if r.kind == "capital call")
    assert calls == pytest.approx(-1422.16e9, rel=1e-12)


def test_reported_along_the_drivers_central_path_by_hand(tmp_path: Path) -> None:
    """fx="drivers": month t of the run at S0 exp(ln(m / S0) (1 - exp(-k t / 12))), the OU mean
    path with no shocks, from the drivers' KRW start, mean and speed."""
    res = run(load_deal("us-korea-2025-11"), read_pipeline(_pipe(tmp_path, capex="1e9", unit="USD")))
    f = load_drivers("default").fx["KRW"]
    s0, m, k = f.start, f.mean, f.speed
    t = np.arange(res.months)
    path = s0 * np.exp(np.log(m / s0) * (1.0 - np.exp(-k * t / 12.0)))
    fk = cash_flows(res, by="month", currency="KRW", fx="drivers")
    fu = cash_flows(res, by="month")
    first = next(int(i) for i in range(res.months)
             if any(ln.values[i] != 0.0 for ln in res.lines))
    for a, b in zip(fk.rows, fu.rows, strict=True):
        np.testing.assert_allclose(a.values, b.values * path[first:first + len(b.values)], rtol=1e-12)


def test_a_pipelines_own_rate_is_used_and_cited(tmp_path: Path) -> None:
    extra = ("fx_rates:\n  KRW:\n    as_of: 2026-03-09\n    rate: {value: 1495.5, unit: KRW/USD, "
             "label: close, status: reported, refs: [r]}\n")
    pipe = read_pipeline(_pipe(tmp_path, capex="1495.5e9", unit="KRW", extra=extra))
    assert float(pipe.projects[0].capex.value) == pytest.approx(1e9, rel=1e-12)
    assert pipe.fx_rates["KRW"].as_of == dt.date(2026, 3, 9)
    f = cash_flows(run(load_deal("us-korea-2025-11"), pipe), currency="KRW")  # back at the same rate
    assert "1,495.50 KRW/USD" in f.fx
    assert sum(r.total for r in f.rows if r.kind == "capital call") == pytest.approx(-1495.5e9, rel=1e-12)


def test_a_series_in_yen_is_converted_month_by_month(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD.format(id="s", capex="1", unit="USD", extra="").replace(
        "    capex: {value: 1, unit: USD, label: capex, status: reported, refs: [r]}\n",
        "    cash_flows: {value: {capex: [151.48e9, 302.96e9], operating_cash: [15.148e9]}, "
        "unit: JPY/month, label: flows, status: reported, refs: [r]}\n"))
    p = read_pipeline(path).projects[0]
    np.testing.assert_allclose(p.capex_by_build_month(), [1e9, 2e9], rtol=1e-12)
    assert p.operating_cash()[0] == pytest.approx(1e8, rel=1e-12)
    assert float(p.capex.value) == pytest.approx(3e9, rel=1e-12)


@pytest.mark.parametrize(("capex", "unit", "extra", "field", "message"), [
    ("1e9", "EUR", "", "projects[0].capex.unit", "unit 'EUR' is not accepted here"),
    ("1000", "KRW", "", "projects[0].capex.value", "must be at least 1422.16"),
    ("1e18", "KRW", "", "projects[0].capex.value", "must be at most 1.42216e+17"),
    (".inf", "JPY", "", "projects[0].capex.value", "expected a finite number"),
    ("1e9", "KRW", "fx_rates:\n  EUR:\n    as_of: 2026-01-01\n    rate: {value: 0.9, unit: EUR/USD, "
     "label: x, status: reported, refs: [r]}\n", "fx_rates.EUR", "'EUR' is not a currency"),
    ("1e9", "KRW", "fx_rates:\n  KRW:\n    as_of: 2026-01-01\n    rate: {value: 0, unit: KRW/USD, "
     "label: x, status: reported, refs: [r]}\n", "fx_rates.KRW.rate.value", "must be at least"),
    ("1e9", "KRW", "fx_rates:\n  KRW:\n    rate: {value: 1400, unit: KRW/USD, "
     "label: x, status: reported, refs: [r]}\n", "fx_rates.KRW.as_of", "required key is missing"),
])
def test_bad_currency_amounts_name_the_field(tmp_path: Path, capex: str, unit: str, extra: str,
                                             field: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        read_pipeline(_pipe(tmp_path, capex=capex, unit=unit, extra=extra))
    assert any(p.field == field and message in p.message for p in info.value.problems), \
        [str(p) for p in info.value.problems]


def test_unknown_currency_or_source_for_reporting_is_refused(tmp_path: Path) -> None:
    res = run(load_deal("us-korea-2025-11"), read_pipeline(_pipe(tmp_path, capex="1e9", unit="USD")))
    with pytest.raises(ValueError, match="currency must be USD or one of: KRW, JPY"):
        cash_flows(res, currency="EUR")
    with pytest.raises(ValueError, match="fx must be one of: cited, drivers"):
        cash_flows(res, currency="KRW", fx="spot")


def test_a_term_sheet_written_in_won_runs_as_the_dollar_one(tmp_path: Path) -> None:
    """The signed Korea MOU with its headline, tranche amounts and annual cap written in won at
    1,422.16 (₩497.756T, ₩284.432T, ₩213.324T, ₩28.4432T a year): the same clauses in dollars,
    the same run."""
    from pledgelab.terms import read_term_sheet, shipped

    text = shipped("deals")["us-korea-2025-11"].read_text()
    for usd, won, indent, unit in (("350e9", "497.756e12", 6, "USD"), ("200e9", "284.432e12", 8, "USD"),
                                   ("150e9", "213.324e12", 8, "USD"),
                                   ("20e9", "28.4432e12", 6, "USD/calendar-year")):
        old = f"value: {usd}\n{' ' * indent}unit: {unit}\n"
        assert old in text, usd
        new = f"value: {won}\n{' ' * indent}unit: {unit.replace('USD', 'KRW')}\n"
        text = text.replace(old, new, 1)
    path = tmp_path / "us-korea-2025-11.yaml"
    path.write_text(text)
    won_deal, usd_deal = read_term_sheet(path), load_deal("us-korea-2025-11")
    assert won_deal.clause("amount.headline").unit == "USD"
    assert float(won_deal.value("amount.headline")) == pytest.approx(350e9, rel=1e-12)
    assert float(won_deal.value("timeline.annual_cap")) == pytest.approx(20e9, rel=1e-12)
    assert "₩497,756,000,000,000" in (won_deal.clause("amount.headline").note or "")
    pipe = read_pipeline(_pipe(tmp_path, capex="3e9", unit="USD"))
    a = {o.party: o.npv for o in party_outcomes(run(won_deal, pipe), discount_rate=0.04)}
    b = {o.party: o.npv for o in party_outcomes(run(usd_deal, pipe), discount_rate=0.04)}
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-9, abs=1e-3)


def test_the_cashflows_command_reports_in_won(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    from pledgelab.cli import main

    def table(*extra: str) -> list[list[str]]:
        assert main(["cashflows", "us-korea-2025-11", "--format", "csv", *extra]) == 0
        return list(csv.reader(io.StringIO(capsys.readouterr().out)))

    usd, krw = table(), table("--currency", "KRW")
    assert [h.replace("(USD)", "(KRW)") for h in usd[0]] == krw[0] and len(usd) == len(krw)
    for a, b in zip(usd[1:], krw[1:], strict=True):
        for x, y in zip(a[2:], b[2:], strict=True):
            assert float(y) == pytest.approx(float(x) * WON, rel=1e-12, abs=1e-3)
