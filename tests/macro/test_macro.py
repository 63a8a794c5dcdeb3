"""Macro data: the shipped files load, every figure is cited or a stated assumption, the numbers
match the reference file, and malformed files are rejected with file:line:field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from pledgelab import InputError
from pledgelab.drivers import load_drivers
from pledgelab.macro import MacroData, Series, load_macro, read_macro
from pledgelab.terms import Status, shipped

D = dt.date
# KRW per USD, monthly averages Jan-Dec 2025 (Chosun; reference section 4d).
KRW_2025 = [1455.5, 1445.6, 1457.9, 1441.9, 1390.7, 1365.2, 1376.9, 1389.9, 1392.4, 1424.8,
            1460.4, 1467.1]
# Korea's month-end reserves 2025, $B (reference 4a; March and July are [DERIVED] there).
RESERVES_2025 = [411.01, 409.21, 409.66, 404.67, 404.60, 410.20, 411.34, 416.29, 422.02, 428.82,
                 430.66, 428.05]


@pytest.fixture(scope="module")
def korea() -> MacroData:
    return load_macro("korea")


@pytest.fixture(scope="module")
def japan() -> MacroData:
    return load_macro("japan")


@pytest.fixture(scope="module")
def tariffs() -> MacroData:
    return load_macro("tariffs")


@pytest.fixture(scope="module")
def every(korea: MacroData, japan: MacroData, tariffs: MacroData) -> list[MacroData]:
    return [korea, japan, tariffs]


def _month_ends(year: int) -> list[dt.date]:
    return [(D(year, m + 1, 1) if m < 12 else D(year + 1, 1, 1)) - dt.timedelta(days=1)
            for m in range(1, 13)]


# -- the shipped files -----------------------------------------------------------------------------

def test_shipped_files_load(every: list[MacroData]) -> None:
    assert {"korea", "japan", "tariffs"} <= set(shipped("macro"))
    assert [m.id for m in every] == ["korea", "japan", "tariffs"]
    assert set(every[0].economies) == {"KR"} and set(every[1].economies) == {"JP"}
    assert set(every[2].economies) == {"KR", "JP"}
    assert every[0].economy().currency == "KRW" and every[1].economy().currency == "JPY"


def test_every_figure_is_cited_or_a_stated_assumption(every: list[MacroData]) -> None:
    n = 0
    for m in every:
        for c in m.clauses():
            n += 1
            if c.status is Status.ASSUMED:
                assert c.reason and c.alternatives, f"{m.id}: {c.path}"
            else:
                assert c.references, f"{m.id}: {c.path}"
            if c.status is Status.DISPUTED:
                assert c.alternatives, f"{m.id}: {c.path}"
            low = [r.key for r in c.references if "[LOW" in r.title]
            if low:  # a low-reliability source is flagged where the figure is, too
                assert c.note and "[LOW]" in c.note, f"{m.id}: {c.path} cites {low}"
        for r in m.references.values():
            assert r.url.startswith(("http://", "https://"))
    assert n > 90


def test_series_accessor_gives_dates_and_float64(korea: MacroData) -> None:
    s = korea.series("reserves_usd")
    assert isinstance(s, Series) and s.unit == "USD" and s.frequency == "month" and s.basis == "end"
    assert s.dates.dtype == np.dtype("datetime64[D]") and s.values.dtype == np.float64
    assert s.dates.tolist() == [*_month_ends(2025), D(2026, 1, 31), D(2026, 2, 28)]
    assert np.all(np.diff(s.dates) > np.timedelta64(0, "D"))
    np.testing.assert_allclose(s.values, np.array([*RESERVES_2025, 425.91, 427.62]) * 1e9, rtol=0, atol=1e-3)
    for m in ("korea", "japan"):
        for eco in load_macro(m).economies.values():
            for series in eco.timeseries.values():
                assert len(series) and np.all(np.diff(series.dates) > np.timedelta64(0, "D"))


def test_korea_reserves_against_the_reference(korea: MacroData) -> None:
    s = korea.series("reserves_usd")
    assert s.at(D(2025, 11, 30)).value == 430.66e9
    assert s.at(D(2025, 1, 31)).value == 411.01e9
    derived = {D(2025, 3, 31), D(2025, 7, 31)}
    for o in s.observations:
        if o.date in derived:
            assert o.status is Status.ASSUMED
            assert o.reason and "DERIVED" in o.reason and o.alternatives and o.references
        else:
            assert o.status is Status.REPORTED and o.references
    assert s.at(D(2025, 3, 31)).value == pytest.approx((404.67 + 4.99) * 1e9)
    assert s.at(D(2025, 7, 31)).value == pytest.approx((416.29 - 4.95) * 1e9)
    dec = s.at(D(2025, 12, 31))
    assert dec.value == 428.05e9  # BOK via Aju Press since the 2026 review; the [LOW] aggregator kept second
    assert [r.url for r in dec.references] == [
        "https://m.ajupress.com/view/20260204081212606",
        "https://worldinfonews.com/south-koreas-foreign-exchange-reserves-hover-at-low-20-of-gdp-amid-"
        "vulnerability-concerns"]
    # the end-November composition adds up to the total
    parts = ["securities", "deposits", "sdr", "gold", "imf_position"]
    total = sum(korea.series(f"reserves_{p}_usd").at(D(2025, 11, 30)).value for p in parts)
    assert total == pytest.approx(430.66e9, abs=0.01e9)
    assert korea.series("reserves_securities_usd").at(D(2025, 9, 30)).value == 378.42e9


def test_korea_won_against_the_reference(korea: MacroData) -> None:
    monthly = korea.series("fx_monthly_average")
    assert monthly.unit == "KRW/USD" and monthly.dates.tolist() == _month_ends(2025)
    assert monthly.values.tolist() == KRW_2025
    assert monthly.at(D(2025, 12, 31)).value == 1467.1
    assert all(o.status is Status.REPORTED for o in monthly.observations)
    assert load_drivers("default").fx["KRW"].start == monthly.values[-1]  # the drivers agree
    annual = korea.series("fx_annual_average")
    assert annual.at(D(2025, 12, 31)).value == 1422.16
    assert annual.at(D(2024, 12, 31)).value == 1363.98
    y1998 = annual.at(D(1998, 12, 31))
    assert y1998.status is Status.DISPUTED and [a.value for a in y1998.alternatives] == [1395.0]
    # quarterly and annual averages are daily averages; the means of the monthly ones come close
    quarterly = korea.series("fx_quarterly_average")
    for q, o in enumerate(quarterly.observations):
        assert np.mean(KRW_2025[3 * q:3 * q + 3]) == pytest.approx(o.value, rel=5e-3)
    assert np.mean(KRW_2025) == pytest.approx(1422.16, rel=5e-3)


def test_korea_current_account_gdp_and_funding_figures(korea: MacroData) -> None:
    ca = korea.series("current_account_usd")
    y2024 = ca.at(D(2024, 12, 31))
    assert y2024.status is Status.DISPUTED and y2024.value == 99.97e9
    assert [a.value for a in y2024.alternatives] == [99.04e9]
    assert len(y2024.references) == 2
    assert ca.at(D(2025, 12, 31)).value == 123.05e9
    assert korea.series("services_balance_usd").values.tolist() == [-34.52e9]  # a balance may be negative
    assert korea.series("gdp_usd").at(D(2024, 12, 31)).value == 1.868e12
    income = korea.clause("reserve_income_usd")  # Koo's $15B; Kim Jung-kwan's ~$20B at 5%
    assert income.value == 15e9 and income.status is Status.DISPUTED
    assert [a.value for a in income.alternatives] == [20e9]
    absorb = korea.clause("absorbable_outflow_usd")
    assert absorb.value == 15e9 and absorb.unit == "USD/year" and absorb.status is Status.REPORTED
    assert [a.value for a in absorb.alternatives] == [20e9]
    assert korea.value("swap_cost") == 0.04
    assert korea.value("reserves_red_line_usd") == 400e9
    capital = korea.clause("investment_corporation_capital_local")  # the act as passed; the bill had ₩3T
    assert capital.value == 2e12 and [a.value for a in capital.alternatives] == [3e12]
    assert korea.clause("investment_corporation_capital_local").unit == "KRW"


def test_japan_against_the_reference(japan: MacroData) -> None:
    r = japan.series("reserves_usd")
    assert r.dates.tolist() == [D(2025, 2, 28), D(2025, 3, 31), D(2025, 9, 30)]
    assert r.values.tolist() == [1253.3e9, 1.27e12, 1.34e12]
    sep = r.at(D(2025, 9, 30)).note
    assert sep and "[LOW]" in sep
    assert japan.series("reserves_jbic_loans_usd").values.tolist() == [38.244e9]
    assert japan.series("current_account_local").values.tolist() == [29.26e12]
    assert japan.series("current_account_usd").values.tolist() == [192.5e9]
    assert japan.series("fx_annual_average").values.tolist() == [151.48]
    assert japan.series("current_account_fy_local").dates.tolist() == [D(2025, 3, 31)]
    assert japan.series("current_account_fy_local").values.tolist() == [30.38e12]
    assert japan.series("current_account_fy_usd").values.tolist() == [208e9]
    assert japan.series("fx_fiscal_year_average").values.tolist() == [152.48]
    assert japan.series("fx_level").at(D(2025, 12, 23)).value == 156.9
    assert japan.value("reserve_income_local") == 4.5e12 and japan.value("reserve_income_usd") == 30e9
    assert japan.clause("reserve_income_local").unit == "JPY/year"
    assert japan.value("fx_special_account_surplus_local") == 5.36e12
    # Japan's GDP in dollars is not in the reference: a documented gap, not a number
    with pytest.raises(KeyError, match="documented gap"):
        japan.series("gdp_usd")
    with pytest.raises(KeyError, match="documented gap"):
        japan.series("fx_monthly_average")


def test_tariff_regimes_against_the_reference(tariffs: MacroData) -> None:
    g = tariffs.regimes
    for rid in ("kr-threat-2025", "jp-threat-2025"):
        assert g[rid].kind == "threatened" and g[rid].rate("general") == 0.25
        assert g[rid].start.status is Status.ASSUMED
    kr = g["kr-deal-2025-08"]
    assert kr.rate("general") == 0.15 and kr.start_date == D(2025, 8, 7)
    assert kr.start.status is Status.REPORTED and kr.end_date == D(2026, 2, 24)  # collection stopped
    autos = g["kr-deal-autos-2025-11"]
    assert autos.rate("autos") == 0.15 and autos.start_date == D(2025, 11, 1)
    assert autos.authority == "section-232" and autos.end is None  # Section 232 survives the ruling
    jp = g["jp-deal-2025-08"]
    assert jp.rate("general") == 0.15 and jp.start_date == D(2025, 8, 7)
    assert jp.basis is not None and jp.basis.value == "floor-mfn" and jp.basis.status is Status.REPORTED
    assert g["jp-autos-before-order-2025"].rate("autos") == 0.275
    assert g["jp-deal-autos-2025-09"].rate("autos") == 0.15
    step = g["kr-step-up-2026-01"]
    assert step.kind == "announced" and step.start_date == D(2026, 1, 26)
    assert {s: step.rate(s) for s in step.rates} == {
        "general": 0.25, "autos": 0.25, "lumber": 0.25, "pharmaceuticals": 0.25}
    s122 = g["section-122-2026"]
    assert s122.partners == ("KR", "JP") and s122.authority == "section-122"
    assert s122.rate("general") == 0.10
    assert [a.value for a in s122.rates["general"].alternatives] == [0.15]
    assert s122.end_date is not None and (s122.end_date - s122.start_date).days == 150
    with pytest.raises(KeyError, match="sets no rate"):
        s122.rate("autos")


def test_tariff_paid_savings_and_the_exports_gap(tariffs: MacroData) -> None:
    paid = tariffs.clause("tariff_paid_usd", "KR")
    assert paid.value == 1.39e9 and paid.unit == "USD/month" and paid.status is Status.REPORTED
    assert tariffs.value("tariff_savings_claimed_local", "JP") == 10e12
    assert tariffs.value("tariff_savings_claimed_usd", "JP") == 68e9
    for code in ("KR", "JP"):
        eco = tariffs.economy(code)
        assert "exports_to_us_by_sector" in eco.gaps and not eco.timeseries
    with pytest.raises(KeyError, match="name one"):
        tariffs.value("tariff_paid_usd")


def test_unknown_name_is_not_found() -> None:
    with pytest.raises(InputError, match=r"no shipped macro data file of that name; known: .*korea"):
        load_macro("nonesuch")


# -- malformed files -------------------------------------------------------------------------------

_A = "status: assumed, reason: x, alternatives: [{value: 430.0e9, label: a}]"
GOOD = """\
schema: pledgelab.macro/1
id: m
title: t
summary: s
references:
  r: {title: a source, url: "https://example.org/a"}
economies:
  KR:
    name: Korea
    currency: KRW
    series:
      reserves_usd:
        unit: USD
        label: reserves
        observations:
          - {date: 2025-10-31, value: 428.82e9, status: reported, refs: [r]}
          - {date: 2025-11-30, value: 430.66e9, status: reported, refs: [r]}
          - {date: 2025-12-31, value: 428.05e9, @A}
      fx_monthly_average:
        unit: KRW/USD
        label: won
        observations:
          - {date: 2025-12-31, value: 1467.1, status: reported, refs: [r]}
      current_account_usd:
        unit: USD
        label: current account
        observations:
          - {date: 2024-12-31, value: 99.97e9, status: disputed, refs: [r],
             alternatives: [{value: 99.04e9, label: p}]}
    values:
      swap_cost: {value: 0.04, unit: per-year, label: swap, status: reported, refs: [r]}
    gaps:
      gdp_usd: not in the reference
regimes:
  kr-deal:
    partners: [KR]
    label: deal
    kind: in-force
    start: {value: 2025-08-07, unit: date, label: s, status: reported, refs: [r]}
    end: {value: 2026-02-20, unit: date, label: e, status: reported, refs: [r]}
    rates:
      general: {value: 0.15, unit: fraction, label: g, status: reported, refs: [r]}
""".replace("@A", _A)

_OBS = "economies.KR.series.reserves_usd.observations"


def _write(tmp_path: Path, text: str, name: str = "m") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line(text: str, marker: str) -> int:
    """1-based line of the first line of ``text`` that contains ``marker``."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if marker in line)


def test_the_small_valid_file_loads(tmp_path: Path) -> None:
    m = read_macro(_write(tmp_path, GOOD))
    s = m.series("reserves_usd")
    assert s.values.tolist() == [428.82e9, 430.66e9, 428.05e9]
    assert [o.status for o in s.observations] == [Status.REPORTED, Status.REPORTED, Status.ASSUMED]
    assert s.observations[1].clause.path == f"{_OBS}[1]" and s.observations[1].clause.line == 17
    assert m.regimes["kr-deal"].rate("general") == 0.15
    assert m.economy().gaps == {"gdp_usd": "not in the reference"}
    with pytest.raises(KeyError, match="documented gap: not in the reference"):
        m.series("gdp_usd")


@pytest.mark.parametrize(("old", "new", "marker", "field", "message"), [
    # unknown keys: in an observation, a series, at the top
    ("value: 428.82e9, status", "value: 428.82e9, unit: USD, status", "428.82e9", f"{_OBS}[0].unit",
     "unknown key"),
    ("        label: won\n", "        label: won\n        frequency: month\n", "frequency: month",
     "economies.KR.series.fx_monthly_average.frequency", "unknown key"),
    ("references:", "source: x\nreferences:", "source: x", "source", "unknown key"),
    # unknown names
    ("      reserves_usd:", "      reserve_usd:", "reserve_usd:", "economies.KR.series.reserve_usd",
     "unknown series 'reserve_usd'"),
    ("      swap_cost:", "      swap_rate:", "swap_rate:", "economies.KR.values.swap_rate",
     "unknown value 'swap_rate'"),
    ("      general: {value: 0.15", "      chips: {value: 0.15", "chips:", "regimes.kr-deal.rates.chips",
     "unknown sector 'chips'"),
    # wrong units
    ("        unit: USD\n        label: reserves", "        unit: KRW\n        label: reserves",
     "unit: KRW", "economies.KR.series.reserves_usd.unit", "unit 'KRW' is not accepted here; expected 'USD'"),
    ("unit: KRW/USD", "unit: JPY/USD", "unit: JPY/USD", "economies.KR.series.fx_monthly_average.unit",
     "expected 'KRW/USD'"),
    ("unit: per-year, label: swap", "unit: per-month, label: swap", "swap_cost:",
     "economies.KR.values.swap_cost.unit", "unit 'per-month' is not accepted"),
    # dates out of order, duplicated, or not the end of the period
    ("date: 2025-11-30", "date: 2025-09-30", "2025-09-30", f"{_OBS}[1].date",
     "dates out of order: 2025-09-30 comes after 2025-10-31"),
    ("date: 2025-11-30", "date: 2025-10-31", "430.66e9", f"{_OBS}[1].date",
     "duplicate date 2025-10-31: also the date of the observation on line 16"),
    ("date: 2025-11-30", "date: 2025-11-28", "2025-11-28", f"{_OBS}[1].date",
     "not a month-end (did you mean 2025-11-30?)"),
    ("date: 2024-12-31", "date: 2024-06-30", "2024-06-30",
     "economies.KR.series.current_account_usd.observations[0].date", "dated 31 December"),
    # negative amounts, percents for fractions
    ("value: 430.66e9", "value: -430.66e9", "-430.66e9", f"{_OBS}[1].value",
     "negative amounts are not allowed"),
    ("value: 0.04, unit: per-year", "value: 4, unit: per-year", "swap_cost:",
     "economies.KR.values.swap_cost.value",
     "must be at most 1, got 4 (write rates as fractions: 4% is 0.04)"),
    ("general: {value: 0.15", "general: {value: 15", "general: {value: 15",
     "regimes.kr-deal.rates.general.value", "must be at most 1, got 15"),
    # references, and the clause rules for observations
    ("value: 430.66e9, status: reported, refs: [r]", "value: 430.66e9, status: reported, refs: [bok]",
     "430.66e9", f"{_OBS}[1].refs[0]", "unknown reference 'bok'; the file's references are: r"),
    ("value: 430.66e9, status: reported, refs: [r]", "value: 430.66e9, status: reported",
     "430.66e9", f"{_OBS}[1].refs", "needs at least one source"),
    ("status: assumed, reason: x, ", "status: assumed, ", "428.05e9", f"{_OBS}[2].reason",
     "must say why"),
    ("refs: [r],\n             alternatives: [{value: 99.04e9, label: p}]}", "refs: [r]}", "99.97e9",
     "economies.KR.series.current_account_usd.observations[0].alternatives", "must list the other readings"),
    ("value: 428.82e9, status: reported", "value: 428.82e9, status: agreeed", "428.82e9",
     f"{_OBS}[0].status", "'agreeed' is not one of"),
    # regimes, gaps, header
    ("end: {value: 2026-02-20", "end: {value: 2025-02-20", "end: {value", "regimes.kr-deal.end",
     "ends (2025-02-20) before it starts (2025-08-07)"),
    ("kind: in-force", "kind: rumoured", "kind: rumoured", "regimes.kr-deal.kind",
     "'rumoured' is not one of"),
    ("      gdp_usd: not", "      swap_cost: not", "swap_cost: not", "economies.KR.gaps.swap_cost",
     "documented as a gap but is also given"),
    ("id: m", "id: korea", "id: korea", "id", "must match the file name"),
    ("    currency: KRW", "    currency: won", "currency: won", "economies.KR.currency",
     "not a currency code"),
], ids=[
    "obs-unknown-key",
    "series-unknown-key",
    "file-unknown-key",
    "unknown-series",
    "unknown-value",
    "unknown-sector",
    "series-wrong-unit",
    "fx-wrong-currency",
    "value-wrong-unit",
    "dates-out-of-order",
    "duplicate-date",
    "not-month-end",
    "year-not-december",
    "negative-amount",
    "percent-for-rate",
    "percent-for-tariff",
    "unknown-reference",
    "reported-without-refs",
    "assumed-without-reason",
    "disputed-without-alternatives",
    "unknown-status",
    "regime-ends-before-start",
    "unknown-regime-kind",
    "gap-also-given",
    "id-not-file-name",
    "bad-currency-code",
])
def test_bad_files_name_file_line_field(tmp_path: Path, old: str, new: str, marker: str, field: str,
                                        message: str) -> None:
    assert old in GOOD, old
    text = GOOD.replace(old, new, 1)
    line = _line(text, marker)
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_macro(path)
    hits = [p for p in info.value.problems if p.field == field and message in p.message]
    assert hits, [str(p) for p in info.value.problems]
    assert hits[0].line == line, [str(p) for p in info.value.problems]
    assert str(hits[0]).startswith(f"{path}:{line}: {field}: ")
