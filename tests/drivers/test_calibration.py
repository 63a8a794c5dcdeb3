"""Reference-class calibration: every calibrated parameter is recomputed here from the numbers its
file cites (read as plain YAML, not through the reader under test); files whose clauses disagree
with their own calibration, or whose distributions give negative capex or slip, are refused with
the numbers; the delay-cost link and the overrun-slip correlation do what the file says."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from pledgelab import InputError
from pledgelab.drivers import DriverModel, draw, load_drivers, read_drivers

DATA = Path(__file__).resolve().parents[2] / "src" / "pledgelab" / "data"
CALIBRATED = ("optimistic", "reference-class", "pessimistic")
# how a cited number is written in its source's title, where it is not "<n>%"
PHRASES = {0.75: "three out of every four", 0.25: "20-30%", 0.6: "more than 60%"}


def _raw(name: str) -> dict:
    return yaml.safe_load((DATA / "drivers" / f"{name}.yaml").read_text())


def _build_months() -> dict[str, int]:
    table = yaml.safe_load((DATA / "projects" / "archetypes.yaml").read_text())["archetypes"]
    return {k: int(v["build_months"]["value"]) for k, v in table.items()}


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _sigma_by_bisection(mean_overrun: float, share_over: float) -> float:
    """The sigma of a lognormal multiplier with mean 1 + o that exceeds 1 with probability p.

    P(X > 1) = Phi(ln(1 + o) / w - w / 2) falls as w grows (for o > 0 or p < 1/2), so bisect.
    """
    lg = math.log1p(mean_overrun)
    lo, hi = 1e-9, 10.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _phi(lg / mid - mid / 2.0) > share_over:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _written(x: float) -> str:
    return PHRASES.get(x, f"{100 * x:g}%")


def _calibrated() -> list[tuple[str, str]]:
    return [(name, arch) for name in CALIBRATED
            for arch, entry in _raw(name)["projects"].items()
            if isinstance(entry, dict) and "calibration" in entry]


def test_the_calibrated_sets_are_shipped_and_load() -> None:
    for name in CALIBRATED:
        model = load_drivers(name)
        assert model.id == name
    assert ("reference-class", "nuclear") in _calibrated()
    assert ("reference-class", "critical-minerals") in _calibrated()


@pytest.mark.parametrize(("name", "arch"), _calibrated())
def test_calibrated_parameters_are_recomputed_from_the_cited_numbers(name: str, arch: str) -> None:
    raw = _raw(name)
    entry = raw["projects"][arch]
    cal = entry["calibration"]
    titles = {k: v["title"] for k, v in raw["references"].items()}
    assert cal["baseline"] in ("first-estimate", "final-investment-decision", "not-stated")
    if "capex" in cal:
        o, p = cal["capex"]["mean_overrun"], cal["capex"]["share_over_budget"]
        cited = " ".join(titles[k] for k in cal["capex"]["refs"])
        assert _written(o) in cited, (o, cited)  # the mean is a number its sources state
        assert _written(p) in cited, (p, cited)  # and so is the share over budget
        assert entry["capex_overrun_mean"]["value"] == pytest.approx(o, abs=5e-4)
        assert entry["capex_overrun_vol"]["value"] == pytest.approx(_sigma_by_bisection(o, p), abs=5e-3)
        assert entry["capex_overrun_mean"]["status"] == "reported"
        assert set(entry["capex_overrun_mean"]["refs"]) <= set(cal["capex"]["refs"])
    if "slip" in cal:
        f = cal["slip"]["fraction_of_build"]
        cited = " ".join(titles[k] for k in cal["slip"]["refs"])
        assert _written(f) in cited, (f, cited)
        assert entry["delay_mean"]["value"] == pytest.approx(f * _build_months()[arch], abs=0.05)


def test_the_old_values_are_kept_as_alternatives() -> None:
    old = _raw("default")["projects"]
    for name, arch in _calibrated():
        entry = _raw(name)["projects"][arch]
        for param in ("capex_overrun_mean", "delay_mean"):
            if entry[param]["status"] == "reported":
                values = [a["value"] for a in entry[param]["alternatives"]]
                assert old[arch][param]["value"] in values, (name, arch, param)


def _no_links(model: DriverModel) -> DriverModel:
    return dataclasses.replace(model, links={})


def test_draws_have_the_calibrated_mean_and_share_over_budget() -> None:
    model = _no_links(load_drivers("reference-class"))
    n = 40 * 1024
    d = draw(model, archetypes=["nuclear", "critical-minerals"], build_months=[96, 30], months=2,
             paths=slice(0, n), seed=11, benchmark_start=0.04)
    for j, (o, p) in enumerate([(1.025, 0.75), (0.62, 0.69)]):
        x = d.capex_factor[:, j]
        w = _sigma_by_bisection(o, p)
        se = (1 + o) * math.sqrt(math.expm1(w * w)) / math.sqrt(n)
        assert abs(x.mean() - (1 + o)) < 5 * se
        assert abs(np.mean(x > 1.0) - p) < 5 * math.sqrt(p * (1 - p) / n)
    # the slip's mean is the calibrated share of the build (geometric, inverse CDF)
    assert abs(d.delay[:, 0].mean() - 38.4) < 5 * 38.4 / math.sqrt(n)
    assert abs(d.yield_factor[:, 0].mean() - 0.9) < 0.01


def test_a_slip_costs_escalation_and_carry_at_the_stated_rates() -> None:
    model = load_drivers("reference-class")
    rho0 = dataclasses.replace(model, links={k: v for k, v in model.links.items()
                                             if k != "overrun_slip_correlation"})
    kw = dict(archetypes=["nuclear", "gas-power"], build_months=[96, 42], months=2, paths=slice(0, 3000),
              seed=5, benchmark_start=0.04)
    with_cost = draw(rho0, **kw)  # type: ignore[arg-type]
    without = draw(_no_links(model), **kw)  # type: ignore[arg-type]
    assert np.array_equal(with_cost.delay, without.delay)
    e, c, s = 0.03, 0.06, 0.5  # the file's slip_escalation, slip_carry, slip_spent_share
    assert (rho0.link("slip_escalation"), rho0.link("slip_carry"), rho0.link("slip_spent_share")) == (e, c, s)
    years = without.delay / 12.0
    want = without.capex_factor * (1 + e) ** years * (1 + c * s * years)
    assert np.allclose(with_cost.capex_factor, want, rtol=1e-13, atol=0)
    assert np.all(with_cost.capex_factor[without.delay > 0] > without.capex_factor[without.delay > 0])


def test_overruns_and_slips_are_correlated_as_stated() -> None:
    model = _no_links(load_drivers("reference-class"))
    corr = load_drivers("reference-class").links["overrun_slip_correlation"]
    kw = dict(archetypes=["nuclear"], build_months=[96], months=2, paths=slice(0, 20 * 1024), seed=3,
              benchmark_start=0.04)
    indep = draw(model, **kw)  # type: ignore[arg-type]
    linked = draw(dataclasses.replace(model, links={"overrun_slip_correlation": corr}), **kw)  # type: ignore[arg-type]
    assert np.array_equal(indep.capex_factor, linked.capex_factor)  # the overrun is untouched
    r0 = np.corrcoef(np.log(indep.capex_factor[:, 0]), indep.delay[:, 0])[0, 1]
    r1 = np.corrcoef(np.log(linked.capex_factor[:, 0]), linked.delay[:, 0])[0, 1]
    assert abs(r0) < 0.03 and r1 > 0.3
    assert abs(linked.delay.mean() - indep.delay.mean()) < 1.0  # the marginal slip keeps its mean


def test_default_and_zero_keep_the_first_reading() -> None:
    for name in ("default", "zero"):
        model = load_drivers(name)
        assert model.links == {}
        assert model.link("slip_escalation") == 0.0 and model.link("overrun_slip_correlation") == 0.0
        assert all(r.value("yield_mean") == 1.0 and r.calibration is None for r in model.projects.values())


# -- bad calibration files -------------------------------------------------------------------------

def _variant(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = (DATA / "drivers" / "reference-class.yaml").read_text()
    assert text.count(old) >= 1, old
    text = text.replace(old, new, 1)
    path = tmp_path / "reference-class.yaml"
    path.write_text(text)
    return path, text


def _line_of(text: str, marker: str, after: str) -> int:
    start = text.index(after)
    return text[: text.index(marker, start)].count("\n") + 1


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as err:
        read_drivers(path, display=path.name)
    return str(err.value)


def test_a_spread_that_disagrees_with_the_cited_share_is_refused(tmp_path: Path) -> None:
    path, text = _variant(tmp_path, "      value: 0.692\n", "      value: 0.35\n")
    msg = _refused(path)
    line = _line_of(text, "value: 0.35", "  nuclear:")
    assert f"reference-class.yaml:{line}: projects.nuclear.capex_overrun_vol.value: 0.35 disagrees" in msg
    assert "102.5%" in msg and "75%" in msg and "0.692" in msg


def test_a_mean_that_disagrees_with_the_cited_mean_is_refused(tmp_path: Path) -> None:
    path, _ = _variant(tmp_path, "        mean_overrun: 1.025\n", "        mean_overrun: 0.4\n")
    msg = _refused(path)
    assert "projects.nuclear.capex_overrun_mean.value: 1.025 disagrees with the calibration's cited mean " \
           "overrun 0.4" in msg


def test_a_share_no_lognormal_can_have_is_refused(tmp_path: Path) -> None:
    # a mean underrun of 5% cannot come with 60% of projects over budget: at most Phi(-sqrt(-2 ln 0.95))
    path, _ = _variant(tmp_path, "        mean_overrun: 1.025\n        share_over_budget: 0.75\n",
                       "        mean_overrun: -0.05\n        share_over_budget: 0.6\n")
    msg = _refused(path)
    most = _phi(-math.sqrt(-2 * math.log(0.95)))
    assert f"no lognormal capex multiplier has a mean overrun of -5.0% with 60% of projects over budget " \
           f"(a mean multiplier of 0.95 allows less than {most:.1%} over)" in msg


def test_a_slip_that_disagrees_with_the_cited_share_of_the_build_is_refused(tmp_path: Path) -> None:
    path, _ = _variant(tmp_path, "      value: 38.4\n", "      value: 24.0\n")
    msg = _refused(path)
    assert "projects.nuclear.delay_mean.value: 24 months disagrees with the calibration: 40% of the " \
           "archetype's 96-month build is 38.4 months" in msg


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("      value: 38.4\n", "      value: -3.0\n", "projects.nuclear.delay_mean.value", "-3"),
    ("      value: 1.025\n", "      value: -1.5\n", "projects.nuclear.capex_overrun_mean.value", "-1.5"),
    ("        mean_overrun: 1.025\n", "        mean_overrun: -1.0\n",
     "projects.nuclear.calibration.capex", "negative or zero capex"),
])
def test_negative_capex_or_slip_is_refused(tmp_path: Path, old: str, new: str, field: str,
                                          words: str) -> None:
    path, _ = _variant(tmp_path, old, new)
    msg = _refused(path)
    assert f": {field}" in msg and words in msg


# -- driver families switched off (attribution runs) -----------------------------------------------

def test_each_family_switched_off_changes_only_its_own_draws() -> None:
    from pledgelab.drivers import FAMILIES, without

    model = load_drivers("reference-class")
    kw = dict(archetypes=["nuclear", "gas-power", "critical-minerals"], build_months=[96, 42, 30],
              months=24, paths=slice(0, 700), seed=9, benchmark_start=0.04, safeguard=True)
    full = draw(model, **kw)  # type: ignore[arg-type]
    fields = ("capex_factor", "yield_factor", "delay", "abandon_at", "benchmark")
    for family in FAMILIES:
        off = draw(without(model, family), **kw)  # type: ignore[arg-type]
        assert without(model, family).id == f"reference-class-without-{family}"
        changed = {f for f in fields if not np.array_equal(getattr(full, f), getattr(off, f))}
        changed |= {"fx"} if any(not np.array_equal(full.fx[c], off.fx[c]) for c in full.fx) else set()
        assert off.safeguard_u is not None and full.safeguard_u is not None
        assert np.array_equal(off.safeguard_u, full.safeguard_u)
        if family == "overrun":
            assert changed == {"capex_factor"}
            years = off.delay / 12.0  # what is left of capex: the cost of the slip alone
            assert np.allclose(off.capex_factor, (1.03 ** years) * (1 + 0.06 * 0.5 * years), rtol=1e-13)
        elif family == "slip":
            assert changed == {"capex_factor", "delay"}  # no slip, hence no slip cost
            assert not off.delay.any()
        elif family == "abandon":
            assert changed == {"abandon_at"} and np.all(off.abandon_at == -1)
        elif family == "yield":
            assert changed == {"yield_factor"} and np.all(off.yield_factor == 1.0)
        elif family == "benchmark":
            assert changed == {"benchmark"} and np.all(off.benchmark == 0.04)
        else:
            assert changed == {"fx"}
            assert all(np.all(off.fx[c] == model.fx[c].start) for c in off.fx)
    with pytest.raises(ValueError, match="unknown driver family 'capex'"):
        without(model, "capex")


def test_drivers_command_lists_the_sets_and_every_parameter_with_its_source(
        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from pledgelab.cli import main

    assert main(["drivers", "--format", "json"]) == 0
    sets = json.loads(capsys.readouterr().out)[0]
    assert {r[0] for r in sets["rows"]} >= {"default", "optimistic", "reference-class", "pessimistic", "zero"}
    assert main(["drivers", "show", "reference-class", "--format", "json"]) == 0
    rows = {r[0]: r for r in json.loads(capsys.readouterr().out)[0]["rows"]}
    nuclear = rows["projects.nuclear.capex_overrun_mean"]
    assert nuclear[1] == "1.025" and nuclear[3] == "reported"
    assert "mean overrun +102.5%, 75% over budget" in nuclear[4] and "finanznachrichten" in nuclear[5]
    assert rows["projects.slip_escalation"][3] == "assumed"
