"""Monte Carlo: reproducibility across chunkings and backends, the degenerate case, results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import pledgelab
from pledgelab.analysis import SimulationResult, simulate
from pledgelab.cli import main
from pledgelab.engine import run_reference
from pledgelab.metrics import party_outcomes
from pledgelab.report import fan_chart, simulation_summary

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
def test_zero_volatility_equals_the_reference_twin(deal_id: str, pipe_id: str) -> None:
    """Every zero-volatility path is the plan, as the plain per-path reference (the oracle) runs it."""
    res = simulate(deal_id, pipeline=pipe_id, paths=3, seed=0, drivers="zero")
    det = run_reference(pledgelab.load_deal(deal_id), pledgelab.load_pipeline(pipe_id))
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
    table = simulation_summary(res)
    assert table.rows


def test_summary_fan_parquet_and_chart(tmp_path: Path) -> None:
    res = simulate("us-korea-2025-11", pipeline="korea-illustrative", paths=24, seed=3, chunk_size=8)
    summary = simulation_summary(res)
    names = [r[1] for r in summary.rows]
    assert "NPV" in names and "MOIC" in names
    assert any("P(the review clause triggers" in n for n in summary.notes)
    fan = res.fan("KR")
    assert fan["paths"] == 24 and len(fan["year"]) == len(fan["quantiles"]["p50"])
    q = fan["quantiles"]
    assert all(a <= b + 1e-6 for a, b in zip(q["p5"], q["p95"], strict=True))
    pq = pytest.importorskip("pyarrow.parquet", reason="the [parquet] extra is not installed")
    table = pq.read_table(res.to_parquet(tmp_path / "r.parquet"))
    assert table.num_rows == 24 * len(res.parties)
    assert table.schema.metadata[b"seed"] == b"3"
    pytest.importorskip("matplotlib", reason="the [plot] extra is not installed")
    png = fan_chart(res, "KR", tmp_path / "fan.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    html = fan_chart(res, "KR", tmp_path / "fan.html")
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


# -- workforce delays in the Monte Carlo engine -------------------------------------------------------

def _instant() -> object:
    from pledgelab.workforce import read_pathways, read_policy

    data = Path(__file__).parent / "workforce" / "data"
    return read_policy(data / "instant-policy.yaml", pathways=read_pathways(data / "instant.yaml"))


def test_workforce_delays_are_chunk_invariant_and_reported() -> None:
    kw = dict(pipeline="korea-illustrative", paths=400, seed=4, workforce_policy="status-quo-2025")
    a = simulate("us-korea-2025-11", chunk_size=400, **kw)  # type: ignore[arg-type]
    b = simulate("us-korea-2025-11", chunk_size=61, **kw)  # type: ignore[arg-type]
    _same(a, b)
    assert a.workforce is not None and b.workforce is not None
    assert np.array_equal(a.workforce.delay, b.workforce.delay)
    assert a.workforce.policy == "status-quo-2025" and a.workforce.delay.mean() > 0
    assert any(r[0] == "workforce" for r in simulation_summary(a).rows)


def test_an_instant_unlimited_policy_changes_nothing() -> None:
    kw = dict(pipeline="korea-illustrative", paths=200, seed=9)
    with_wf = simulate("us-korea-2025-11", workforce_policy=_instant(), **kw)  # type: ignore[arg-type]
    without = simulate("us-korea-2025-11", **kw)  # type: ignore[arg-type]
    assert with_wf.workforce is not None and not with_wf.workforce.delay.any()
    _same(with_wf, without)


def test_slower_visas_delay_more_and_the_sites_operate_later() -> None:
    from pledgelab.analysis import WorkforceShocks
    from pledgelab.engine import make_plan
    from pledgelab.workforce import load_policy

    plan = make_plan(pledgelab.load_deal("us-korea-2025-11"), pledgelab.load_pipeline("korea-illustrative"))
    base = load_policy("post-raid-2025")
    fast = WorkforceShocks.for_plan(plan, base)
    slow = WorkforceShocks.for_plan(plan, base.with_processing(3.0))
    n = len(plan.order)
    a = fast.shocks(paths=slice(0, 500), seed=2, projects=n)
    b = slow.shocks(paths=slice(0, 500), seed=2, projects=n)
    assert b.mean_delay.mean() > a.mean_delay.mean()
    total_a, total_b = a.pause + a.startup, b.pause + b.startup  # stop plus late start-up = the delay
    assert (total_a >= 0).all() and total_b.sum() > total_a.sum()
    assert ((a.pause_at >= 0) == (a.pause > 0)).all()  # a stop has a build month, no stop has none


def test_simulate_command_attributes_the_workforce(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", "us-korea-2025-11", "--paths", "64", "--workforce-policy", "status-quo-2025",
                 "--quiet", "--format", "json"])
    assert code == 0
    tables = json.loads(capsys.readouterr().out)
    attribution = next(t for t in tables if "workforce delays" in t["title"])
    parties = [r[0] for r in attribution["rows"]]
    assert "KR" in parties
    for row in attribution["rows"]:
        assert row[3] == pytest.approx(row[2] - row[1], abs=1.0)  # change = with - without


# -- who pays an overrun, and what moves each party's mean -----------------------------------------

READINGS = ("investor-unlimited", "host-beyond-cap", "abandon-at-cap")


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("drivers", ["zero", "reference-class-all-off"])
def test_zero_variance_and_zero_overrun_equal_the_reference_twin(reading: str, drivers: str) -> None:
    """With no randomness (the zero set, or the calibrated set with every family switched off: a slip
    of zero months costs nothing) each overrun reading gives the plan, as the reference twin runs it."""
    from pledgelab.analysis import with_overrun
    from pledgelab.drivers import FAMILIES, load_drivers, without

    if drivers == "zero":
        model = load_drivers("zero")
    else:
        model = load_drivers("reference-class")
        for family in FAMILIES:
            model = without(model, family)
    deal = with_overrun(pledgelab.load_deal("us-korea-2025-11"), reading)
    pipe = pledgelab.load_pipeline("korea-illustrative")
    res = simulate(deal, pipeline=pipe, paths=2, seed=3, drivers=model)
    det = run_reference(deal, pipe)
    for o in party_outcomes(det, discount_rate=res.discount_rate):
        i = res.parties.index(o.party)
        scale = max(1.0, o.contributed, o.received)
        assert np.allclose(res.npv[i], o.npv, rtol=0, atol=1e-9 * scale)
        assert np.allclose(res.contributed[i], o.contributed, rtol=0, atol=1e-9 * scale)
    assert res.explanation is not None
    for party, pct in res.explanation.percentile.items():  # every path is the plan
        assert pct == 1.0 and res.explanation.plan_npv[party] == pytest.approx(
            res.explanation.mean_npv[party], abs=1e-9 * max(1.0, abs(res.explanation.plan_npv[party])))


def test_the_attribution_parts_equal_separate_runs_with_the_family_switched_off() -> None:
    from pledgelab.drivers import FAMILIES, load_drivers, without

    model = load_drivers("reference-class")
    kw = dict(pipeline="korea-illustrative", paths=64, seed=7, chunk_size=32)
    res = simulate("us-korea-2025-11", drivers=model, attribute=True, **kw)  # type: ignore[arg-type]
    assert res.explanation is not None
    effects = {(e.family, e.party): e for e in res.explanation.effects}
    assert {f for f, _ in effects} == set(FAMILIES)
    for family in FAMILIES:
        off = simulate("us-korea-2025-11", drivers=without(model, family), **kw)  # type: ignore[arg-type]
        for i, party in enumerate(off.parties):
            if (family, party) not in effects:
                assert not (res.npv[i].any() or off.npv[i].any())
                continue
            e = effects[(family, party)]
            assert e.mean_without == float(off.npv[i].mean())
            assert e.effect == float(res.npv[i].mean()) - float(off.npv[i].mean())
    largest = res.explanation.largest("KR")
    assert largest is not None
    assert abs(largest.effect) == max(abs(e.effect) for e in res.explanation.effects if e.party == "KR")


def test_the_capped_readings_keep_the_investor_within_its_agreed_amount() -> None:
    """The audit's case (issue 17): Korea's $200B is breached on some paths under the first reading
    (most paths while the pipeline's MOU projects totalled exactly $200B; 38% of these 200 since
    issue 14 F re-based them to $170.3B, leaving $29.7B of headroom for overruns)."""
    kw = dict(pipeline="korea-illustrative", paths=200, seed=7)
    old = simulate("us-korea-2025-11", overrun="investor-unlimited", **kw)  # type: ignore[arg-type]
    share, mean_excess, _ = old.exceedance("KR")
    assert 0 < share < 1 and mean_excess > 0
    for reading in ("host-beyond-cap", "abandon-at-cap"):
        res = simulate("us-korea-2025-11", overrun=reading, **kw)  # type: ignore[arg-type]
        i = res.parties.index("KR")
        assert np.all(res.contributed[i] <= 200e9 + 1.0)
        assert res.exceedance("KR")[0] == 0.0
        assert res.overrun_reading == reading and res.agreed["KR"] == 200e9
    host = simulate("us-korea-2025-11", overrun="host-beyond-cap", **kw)  # type: ignore[arg-type]
    # the host pays what Korea's $200B does not cover: on the same paths, the same amounts
    assert host.exceedance("US")[:2] == pytest.approx((share, mean_excess), rel=1e-9)
    with pytest.raises(ValueError, match="co-investors"):
        simulate("us-korea-2025-11", overrun="co-investors", **kw)  # type: ignore[arg-type]


def test_cli_simulate_tells_the_user_who_pays_and_what_moves_the_means(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", "us-korea-2025-11", "--pipeline", "korea-illustrative", "--paths", "24",
                 "--seed", "7", "--quiet", "--format", "json", "--overrun", "investor-unlimited",
                 "--attribute", "--drivers", "reference-class"])
    assert code == 0
    tables = json.loads(capsys.readouterr().out)
    notes = " ".join(tables[0]["notes"])
    assert "The deterministic result is the plan" in notes and "percentile of KR's outcomes" in notes
    assert "The driver family that moves each party's mean most" in notes
    over = next(t for t in tables if "beyond the agreed amount" in t["title"])
    assert "investor-unlimited" in over["title"]
    attribution = next(t for t in tables if "driver family does" in t["title"])
    assert [r[0] for r in attribution["rows"]][:6] == [
        "capex overruns", "construction slips", "abandonment", "operating-cash (yield) risk",
        "the benchmark rate", "exchange rates"]
    with pytest.raises(SystemExit) as stop:  # argparse refuses an unknown reading, exit 2
        main(["simulate", "us-korea-2025-11", "--overrun", "co-investors", "--quiet"])
    assert stop.value.code == 2
    assert "invalid choice: 'co-investors'" in capsys.readouterr().err
