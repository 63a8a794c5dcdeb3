"""Monte Carlo: reproducibility across chunkings and backends, the degenerate case, results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import pledgelab
from pledgelab._simulate import simulate
from pledgelab.cli import main
from pledgelab.metrics import party_outcomes
from pledgelab.results import SimulationResult

DEAL, PIPE = "us-japan-2025-09", "japan-first-tranche"
FIELDS = ("contributed", "received", "npv", "irr", "irr_code", "payback", "recovered",
          "unrecovered", "review", "truncated")


def _same(a: SimulationResult, b: SimulationResult) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
    assert np.array_equal(a.fan_cum, b.fan_cum)


def test_same_seed_same_numbers_for_any_chunk_size() -> None:
    ref = simulate(DEAL, pipeline=PIPE, paths=90, seed=11, chunk_size=90)
    for chunk in (1, 7, 32, 64):
        _same(ref, simulate(DEAL, pipeline=PIPE, paths=90, seed=11, chunk_size=chunk))


def test_different_seed_different_numbers() -> None:
    a = simulate(DEAL, pipeline=PIPE, paths=20, seed=1)
    b = simulate(DEAL, pipeline=PIPE, paths=20, seed=2)
    assert not np.array_equal(a.npv, b.npv)


@pytest.mark.parametrize("backend", ["process", "dask"])
def test_same_numbers_on_every_backend(backend: str) -> None:
    if backend == "dask":
        pytest.importorskip("distributed", reason="the [dask] extra is not installed: "
                                                  "pip install 'pledgelab[dask]'")
    ref = simulate(DEAL, pipeline=PIPE, paths=40, seed=5, chunk_size=10)
    _same(ref, simulate(DEAL, pipeline=PIPE, paths=40, seed=5, chunk_size=10, backend=backend,
                        workers=2))


@pytest.mark.parametrize(("deal_id", "pipe_id"), [
    ("us-japan-2025-09", "japan-first-tranche"),
    ("us-korea-2025-11", "korea-illustrative"),
    ("korea-counter-2025-10", "korea-illustrative"),
    ("us-proposal-2025-10", "korea-illustrative"),
])
def test_zero_volatility_equals_the_deterministic_engine(deal_id: str, pipe_id: str) -> None:
    res = simulate(deal_id, pipeline=pipe_id, paths=3, seed=0, drivers="zero")
    det = pledgelab.run(pledgelab.load_deal(deal_id), pledgelab.load_pipeline(pipe_id))
    rate = res.discount_rate
    for o in party_outcomes(det, discount_rate=rate):
        i = res.parties.index(o.party)
        scale = max(1.0, o.contributed, o.received)
        assert np.allclose(res.contributed[i], o.contributed, rtol=0, atol=1e-9 * scale)
        assert np.allclose(res.received[i], o.received, rtol=0, atol=1e-9 * scale)
        assert np.allclose(res.npv[i], o.npv, rtol=0, atol=1e-9 * scale)
        if np.isfinite(o.irr):
            assert np.allclose(res.irr[i], o.irr, rtol=1e-9, atol=1e-12)
        else:
            assert np.isnan(res.irr[i]).all()
    table = res.summary()
    assert table.rows


def test_summary_fan_parquet_and_chart(tmp_path: Path) -> None:
    res = simulate("us-korea-2025-11", pipeline="korea-illustrative", paths=24, seed=3, chunk_size=8)
    names = [r[1] for r in res.summary().rows]
    assert "NPV" in names and "MOIC" in names
    assert any("P(the review clause triggers" in n for n in res.summary().notes)
    fan = res.fan("KR")
    assert fan["paths"] == 24 and len(fan["year"]) == len(fan["quantiles"]["p50"])
    q = fan["quantiles"]
    assert all(a <= b + 1e-6 for a, b in zip(q["p5"], q["p95"], strict=True))
    pq = pytest.importorskip("pyarrow.parquet", reason="the [parquet] extra is not installed")
    table = pq.read_table(res.to_parquet(tmp_path / "r.parquet"))
    assert table.num_rows == 24 * len(res.parties)
    assert table.schema.metadata[b"seed"] == b"3"
    pytest.importorskip("matplotlib", reason="the [plot] extra is not installed")
    png = res.chart("KR", tmp_path / "fan.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    html = res.chart("KR", tmp_path / "fan.html")
    assert "data:image/png;base64," in html.read_text()


def test_missing_parquet_extra_names_the_install_command(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    res = simulate(DEAL, pipeline=PIPE, paths=2, seed=0)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"pip install 'pledgelab\[parquet\]'"):
        res.to_parquet(tmp_path / "x.parquet")


def test_cli_simulate(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", DEAL, "--paths", "16", "--seed", "4", "--quiet", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    tables = json.loads(out)
    assert tables[0]["rows"]
    code = main(["simulate", DEAL, "--paths", "4", "--scheduler", "tcp://127.0.0.1:1", "--quiet"])
    assert code == 2
    assert "--scheduler needs --backend dask" in capsys.readouterr().err
