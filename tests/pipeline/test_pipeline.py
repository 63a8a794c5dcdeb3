"""Pipelines and archetypes: the shipped ones load, bad ones are rejected with file:line:field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pledgelab import InputError
from pledgelab.pipeline import capex_weights, load_pipeline, operating_profile, read_archetypes
from pledgelab.pipeline._pipeline import read_pipeline
from pledgelab.terms import shipped

GOOD = """\
schema: pledgelab.pipeline/1
id: {id}
title: t
summary: s
references:
  r: {{title: a source, url: "https://example.org/a"}}
projects:
  - id: a
    name: A
    archetype: gas-power
    decision: fund
    capex: {{value: 1e9, unit: USD, label: capex, status: reported, refs: [r]}}
    notice_date: {{value: 2026-03-02, unit: date, label: notice, status: reported, refs: [r]}}
"""


def _write(tmp_path: Path, text: str, name: str = "p") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_shipped_pipelines_and_archetypes_load() -> None:
    arch = read_archetypes()
    assert {"gas-power", "battery-cell", "semiconductor-fab", "shipyard", "nuclear",
            "pharma-plant", "critical-minerals", "export-terminal"} <= set(arch)
    for name in shipped("pipelines"):
        pipe = load_pipeline(name)
        assert pipe.projects
        for p in pipe.projects:
            assert p.archetype in arch
    jp = load_pipeline("japan-first-tranche")
    assert sum(p.capex.value for p in jp.projects) == pytest.approx(36.0e9)


def test_a_good_pipeline_loads(tmp_path: Path) -> None:
    pipe = read_pipeline(_write(tmp_path, GOOD.format(id="p")))
    assert pipe.projects[0].sector == "energy"


@pytest.mark.parametrize(("old", "new", "line", "field", "message"), [
    ("archetype: gas-power", "archetype: gas-plant", 10, "projects[0].archetype",
     "unknown archetype 'gas-plant'"),
    ("    decision: fund", "    decision: maybe", 11, "projects[0].decision", "not one of: fund, decline"),
    ("value: 1e9", "value: -1e9", 12, "projects[0].capex.value", "must be at least 1"),
    ("    decision: fund", "    decision: fund\n    sector: steel", 12, "projects[0].sector",
     "'steel' is not one of"),
    ("    decision: fund", "    decision: fund\n    overrides:\n      life: "
     "{value: 3, unit: years, label: l, status: reported, refs: [r]}", 13,
     "projects[0].overrides.life", "unknown key"),
    ("unit: date", "unit: month", 13, "projects[0].notice_date.unit", "unit 'month'"),
])
def test_bad_pipelines_name_file_line_field(tmp_path: Path, old: str, new: str, line: int,
                                            field: str, message: str) -> None:
    text = GOOD.format(id="p")
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(InputError) as info:
        read_pipeline(path)
    hits = [p for p in info.value.problems
            if p.line == line and p.field == field and message in p.message]
    assert hits, [str(p) for p in info.value.problems]
    assert str(hits[0]).startswith(f"{path}:{line}: {field}: ")


def test_duplicate_project_id(tmp_path: Path) -> None:
    text = GOOD.format(id="p")
    project = text[text.index("  - id: a"):]
    path = _write(tmp_path, text + project)
    with pytest.raises(InputError, match="project id 'a' is used twice"):
        read_pipeline(path)


def test_capex_profiles_sum_to_one_and_have_their_shape() -> None:
    for profile in ("flat", "s-curve", "front", "back"):
        w = capex_weights(profile, 24)
        assert w.sum() == pytest.approx(1.0) and (w > 0).all()
    assert capex_weights("front", 4)[0] > capex_weights("front", 4)[-1]
    assert capex_weights("back", 4)[0] < capex_weights("back", 4)[-1]


def test_operating_profile_ramp_and_residual() -> None:
    cash = operating_profile(capex=1200.0, operating_yield=0.1, ramp_months=4, life_years=1,
                             residual_value=0.5)
    assert np.allclose(cash[:4], [2.5, 5.0, 7.5, 10.0])
    assert cash[-1] == pytest.approx(10.0 + 600.0)
    assert len(cash) == 12


def test_default_pipeline_per_investor_is_data(tmp_path: Path) -> None:
    assert load_pipeline("korea-illustrative").default_for == ("KR",)
    assert load_pipeline("japan-first-tranche").default_for == ("JP",)
    path = _write(tmp_path, GOOD.format(id="p").replace("title: t", "default_for: KR\ntitle: t"))
    with pytest.raises(InputError) as info:
        read_pipeline(path)
    assert any(p.line == 3 and p.field == "default_for" and "party codes" in p.message
               for p in info.value.problems)
