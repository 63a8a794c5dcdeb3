"""The funding and tariffs commands show the balance sheet and the incidence sweep (JSON, raw numbers)."""

from __future__ import annotations

import json

import pytest

import pledgelab
from pledgelab.cli import main


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    assert main([*argv, "--format", "json"]) == 0
    out: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return out


def test_funding_compares_balance_sheets_on_one_horizon(capsys: pytest.CaptureFixture[str]) -> None:
    t = _json(capsys, "funding", "us-ask-2025-09", "us-korea-2025-11", "--compare",
              "--discount-rate", "0.045")[0]
    rows = {r[0]: r[1:] for r in t["rows"]}  # type: ignore[attr-defined]
    net = next(k for k in rows if k.startswith("net reserves, end-"))
    gross = next(k for k in rows if k.startswith("gross reserves, end-"))
    liab = next(k for k in rows if k.startswith("pledge liabilities, end-"))
    for i in range(2):
        assert rows[net][i] == pytest.approx(rows[gross][i] - rows[liab][i], abs=1.0)
    assert rows["lowest net reserves"][0] < rows["lowest net reserves"][1]  # the up-front ask
    assert rows["PV net cost"][0] > rows["PV net cost"][1]
    yards = sum(float(p.capex.value) for p in pledgelab.load_pipeline("korea-illustrative").projects
                if p.sector == "shipbuilding")  # the pipeline's three shipyards, from its file
    assert rows["outside the plan: KR-FIRMS calls"] == [0.0, pytest.approx(yards)]


def test_tariffs_show_the_benefit_by_incidence(capsys: pytest.CaptureFixture[str]) -> None:
    tables = _json(capsys, "tariffs", "us-korea-2025-11", "--years", "10", "--paths", "16")
    t = next(x for x in tables if "by incidence and volume" in str(x["title"]))
    rows = t["rows"]
    shares = [r[0] for r in rows]  # type: ignore[attr-defined]
    assert 1.0 in shares and 0.0 in shares
    none = next(r for r in rows if r[0] == 0.0)  # type: ignore[attr-defined]
    assert none[3] == pytest.approx(none[2])  # all absorbed: the benefit is the customs revenue
    assert all(r[7] != "-" for r in rows)  # type: ignore[attr-defined]  # break-even over the paths


def test_tariffs_paid_by_line(capsys: pytest.CaptureFixture[str]) -> None:
    paid, loss = _json(capsys, "tariffs", "us-korea-2025-11", "--paid", "--on", "2026-03-01",
                       "--rate", "0.25", "--base", "lumber=2e9")
    rows = {r[0]: r for r in paid["rows"]}  # type: ignore[attr-defined]
    # by hand: reciprocal 123.7 x 0.85 - 31.2 - 2.0 = 71.945 at 10%; autos 31.2 and lumber 2.0 at 15%
    assert rows["reciprocal"][2] == pytest.approx(71.945e9)
    assert rows["reciprocal"][5] == pytest.approx(7.1945e9)
    assert rows["autos"][5] == pytest.approx(4.68e9) and rows["lumber"][5] == pytest.approx(0.3e9)
    total = rows["total (lines priced)"]
    assert total[5] == pytest.approx(7.1945e9 + 4.68e9 + 0.3e9)  # the lines add up to the total
    assert total[6] == pytest.approx(0.25 * 105.145e9)
    assert rows["steel-aluminium"][5] is None
    lost = {r[0]: r for r in loss["rows"]}  # type: ignore[attr-defined]
    assert lost["total"][3] == pytest.approx(sum(lost[k][3] for k in ("reciprocal", "autos", "lumber")))


def test_tariffs_paid_bad_line_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["tariffs", "us-korea-2025-11", "--paid", "--base", "steel=1e9"])
    assert exc.value.code == 2
    assert "LINE=USD with LINE one of reciprocal" in capsys.readouterr().err


def test_tariffs_paid_in_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    tables = _json(capsys, "tariffs", "us-korea-2025-11", "--paid", "--year", "2026")
    t = tables[-1]
    rows = {r[0]: r for r in t["rows"]}  # type: ignore[attr-defined]
    reciprocal = 123.7e9 * 0.85 - 31.2e9
    # 54 days at 15%, 150 at Section 122's 10%; autos at 15% all year
    assert rows["reciprocal"][4] == pytest.approx(reciprocal * (54 * 0.15 + 150 * 0.10) / 365)
    assert rows["autos"][4] == pytest.approx(0.15 * 31.2e9)
    assert rows["total 2026 (lines priced)"][4] == pytest.approx(rows["reciprocal"][4] + rows["autos"][4])
