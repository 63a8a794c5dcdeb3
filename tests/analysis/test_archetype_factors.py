"""Archetype parameters as factors (``archetypes.ID.PARAM``): a what-if analysis varies a parameter
of a project archetype on every project that takes it from the archetype table.

The independent computation is the archetype table edited on disk with PyYAML, the pipeline read
again against it by the reader (which applies each project's own overrides), and the deal run by
``pledgelab.run``: the analyses' numbers must equal those runs, so a project that states its own
value is left alone by a variant exactly as by an edited table.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import yaml

from pledgelab import InputError, run
from pledgelab._cited import DATA
from pledgelab.analysis import factors, frontier, runnable, sensitivity, solve
from pledgelab.cli import main
from pledgelab.metrics import default_discount_rate, npv
from pledgelab.pipeline import load_pipeline, read_archetypes, read_pipeline
from pledgelab.terms import load_deal

DEAL = "us-korea-2025-11"
PIPE = "korea-illustrative"


def _overridden() -> tuple[str, str, list[str]]:
    """(archetype, parameter) of a project of the pipeline that states the parameter itself,
    and the ids of the projects of that archetype that do not."""
    doc = yaml.safe_load((DATA / "pipelines" / f"{PIPE}.yaml").read_text(encoding="utf-8"))
    for p in doc["projects"]:
        for key in (p.get("overrides") or {}):
            others = [q["id"] for q in doc["projects"] if q["archetype"] == p["archetype"]
                      and key not in (q.get("overrides") or {}) and "cash_flows" not in q]
            if others:
                return p["archetype"], key, others
    pytest.skip("the shipped pipeline has no project overriding an archetype parameter")


def _edited_run(tmp: Path, arch: str, param: str, value: float) -> tuple[float, float]:
    doc = yaml.safe_load((DATA / "projects" / "archetypes.yaml").read_text(encoding="utf-8"))
    doc["archetypes"][arch][param]["value"] = value
    table = tmp / f"archetypes-{param}-{value}.yaml"
    table.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    pipe = read_pipeline(DATA / "pipelines" / f"{PIPE}.yaml", archetypes=read_archetypes(table))
    deal = load_deal(DEAL)
    res = run(deal, pipe)
    rate = default_discount_rate(deal)
    return npv(res.net("KR"), rate), npv(res.net("US"), rate)


def test_a_varied_archetype_equals_the_table_edited_on_disk(tmp_path: Path) -> None:
    arch, param, _ = _overridden()
    base = float(read_archetypes()[arch].params[param].value)
    values = [base + 6, base + 18] if param.endswith("months") or param.endswith("years") else \
        [base * 0.8, base * 1.2]
    values = [int(v) if param.endswith(("months", "years")) else v for v in values]
    res = frontier(DEAL, pipeline=PIPE, vary=[f"archetypes.{arch}.{param}=" + ",".join(map(str, values))],
                   objectives=["KR.npv", "US.npv"], reservation=None, positions=())
    expected = np.array([_edited_run(tmp_path, arch, param, v) for v in values])
    got = np.column_stack([res.column("KR.npv"), res.column("US.npv")])
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert not np.allclose(got[0], got[1]), "the parameter moved nothing: the test would not see a bug"


def test_factors_list_the_archetype_parameters_with_their_table_ranges() -> None:
    deal, pipe = load_deal(DEAL), load_pipeline(PIPE)
    fs = {f.path: f for f in factors(deal, pipeline=pipe, archetypes=True)}
    doc = yaml.safe_load((DATA / "projects" / "archetypes.yaml").read_text(encoding="utf-8"))
    used = {p.archetype for p in pipe.projects if p.series is None}
    for arch in used:
        c = doc["archetypes"][arch]["operating_yield"]
        if c["status"] != "assumed" or not c.get("alternatives"):
            continue
        f = fs[f"archetypes.{arch}.operating_yield"]
        vals = [c["value"], *[a["value"] for a in c["alternatives"]]]
        assert (f.low, f.high) == (min(vals), max(vals))
        assert "archetypes.yaml" in f.basis
    assert not any(p.startswith("archetypes.") for p in (f.path for f in factors(deal)))


def test_a_named_archetype_parameter_is_a_factor_and_solvable(tmp_path: Path) -> None:
    deal, pipe = load_deal(DEAL), load_pipeline(PIPE)
    arch = next(p.archetype for p in pipe.projects if p.series is None and p.decision == "fund")
    path = f"archetypes.{arch}.operating_yield"
    (f,) = factors(deal, paths=[path], pipeline=pipe)
    fs, dropped = runnable(deal, [f], pipeline=pipe)
    assert [x.path for x in fs] == [path] and not dropped
    res = sensitivity(deal, pipeline=pipe, samples=8, clauses=[path], outcomes=["KR.npv"])
    assert res.factors[0].path == path
    low, high = f.low, f.high
    assert low is not None and high is not None
    lo_v = _edited_run(tmp_path, arch, "operating_yield", low)[0]
    hi_v = _edited_run(tmp_path, arch, "operating_yield", high)[0]
    target = (lo_v + hi_v) / 2
    out = solve(deal, pipeline=pipe, vary=path, target=f"KR.npv={target}")
    assert out.status == "solved", out.message
    assert out.value is not None and low <= out.value <= high
    # the solved value, written into the table on disk, gives the target
    assert _edited_run(tmp_path, arch, "operating_yield", out.value)[0] == pytest.approx(target, abs=1e6)


@pytest.mark.parametrize(("path", "message"), [
    ("archetypes.no-such.operating_yield", "its archetypes:"),
    ("archetypes.nuclear.no_such_param", "from the archetype table"),
    ("archetypes..x", "expected archetypes.ID.PARAM"),
])
def test_unknown_archetype_parameters_are_refused_with_what_exists(path: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        factors(load_deal(DEAL), paths=[path], pipeline=load_pipeline(PIPE))
    assert message in str(e.value)


def test_out_of_bounds_values_are_refused_naming_the_parameter() -> None:
    pipe = load_pipeline(PIPE)
    arch = next(p.archetype for p in pipe.projects if p.series is None)
    for axis in (f"archetypes.{arch}.build_months=0,12", f"archetypes.{arch}.operating_yield=-0.1:0.1:3",
                 f"archetypes.{arch}.residual_value=0.5,1.5", f"archetypes.{arch}.life_years=10.5,20"):
        with pytest.raises(InputError) as e:
            frontier(DEAL, pipeline=PIPE, vary=[axis], objectives=["KR.npv", "US.npv"], reservation=None,
                     positions=())
        assert f"archetypes.{arch}." in str(e.value), axis


def test_cli_show_assumptions_with_a_pipeline_lists_archetype_parameters() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["show", DEAL, "--assumptions", "--pipeline", PIPE, "--format", "csv"])
    assert code in (0, None)
    text = out.getvalue()
    assert "archetypes." in text and "operating_yield" in text
