"""The funding and tariffs commands show the balance sheet and the incidence sweep (JSON, raw numbers)."""

from __future__ import annotations

import json

import pytest

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
    assert rows["outside the plan: KR-FIRMS calls"] == [0.0, pytest.approx(50e9)]


def test_tariffs_show_the_benefit_by_incidence(capsys: pytest.CaptureFixture[str]) -> None:
    tables = _json(capsys, "tariffs", "us-korea-2025-11", "--years", "10", "--paths", "16")
    t = next(x for x in tables if "by incidence and volume" in str(x["title"]))
    rows = t["rows"]
    shares = [r[0] for r in rows]  # type: ignore[attr-defined]
    assert 1.0 in shares and 0.0 in shares
    none = next(r for r in rows if r[0] == 0.0)  # type: ignore[attr-defined]
    assert none[3] == pytest.approx(none[2])  # all absorbed: the benefit is the customs revenue
    assert all(r[7] != "-" for r in rows)  # type: ignore[attr-defined]  # break-even over the paths
