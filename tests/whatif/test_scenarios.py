"""Scenario files: shipped ones load as deals and cite their sources; chains of bases work,
loops and missing bases are refused with file:line: field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgelab import InputError
from pledgelab._cited import DATA
from pledgelab.terms import Status, load_deal, shipped

HEAD = """schema: pledgelab.scenario/1
id: {id}
title: A test scenario
summary: For the tests.
references:
  src: {{title: A source, url: "https://example.org/a"}}
base: {base}
"""


def _write(folder: Path, id_: str, base: str, overrides: str) -> Path:
    p = folder / f"{id_}.yaml"
    p.write_text(HEAD.format(id=id_, base=base) + overrides, encoding="utf-8")
    return p


def test_every_shipped_scenario_loads_and_cites() -> None:
    names = shipped("scenarios")
    assert {"korea-cap-15b", "korea-spread-low", "korea-spread-high", "korea-lag-within"} <= set(names)
    for name in names:
        d = load_deal(name)
        assert d.kind == "scenario" and d.base
        changed = [c for c in d.all_clauses() if c.status is Status.SCENARIO]
        assert changed
        for c in changed:
            assert c.references, f"{name}: {c.path} cites nothing"
            assert all(r.url.startswith("https://") for r in c.references)
            assert c.reason and c.history


def test_cap_scenario_replaces_the_signed_cap() -> None:
    d = load_deal("korea-cap-15b")
    c = d.clauses["timeline.annual_cap"]
    assert (c.value, c.history[-1].value, c.history[-1].note.split()[0]) == (15e9, 20e9, "agreed")
    assert c.file == "scenarios/korea-cap-15b.yaml" and c.line > 0


def test_chain_by_path_and_by_id(tmp_path: Path) -> None:
    _write(tmp_path, "a", "korea-cap-15b", "overrides:\n  distribution.deemed_spread:\n"
           "    value: 0.01\n    reason: test\n    refs: [src]\n")
    b = _write(tmp_path, "b", "a.yaml", "overrides:\n  timeline.annual_cap:\n"
               "    value: 10e9\n    reason: test b\n")
    d = load_deal(str(b))
    assert d.id == "b" and d.base == "a"
    cap = d.clauses["timeline.annual_cap"]
    assert cap.value == 10e9 and [h.value for h in cap.history[-2:]] == [20e9, 15e9]
    assert d.clauses["distribution.deemed_spread"].status is Status.SCENARIO


def test_loop_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a", "b.yaml", "overrides:\n  timeline.annual_cap: {value: 1e9, reason: x}\n")
    b = _write(tmp_path, "b", "a.yaml", "overrides:\n  timeline.annual_cap: {value: 2e9, reason: y}\n")
    with pytest.raises(InputError) as err:
        load_deal(str(b))
    msg = str(err.value)
    assert "the chain of bases loops" in msg and ": base:" in msg and "→" in msg


def test_self_loop_is_refused(tmp_path: Path) -> None:
    a = _write(tmp_path, "a", "a.yaml", "overrides:\n  timeline.annual_cap: {value: 1e9, reason: x}\n")
    with pytest.raises(InputError, match="loops"):
        load_deal(str(a))


@pytest.mark.parametrize(("base", "overrides", "message"), [
    ("nope", "overrides:\n  timeline.annual_cap: {value: 1e9, reason: x}\n",
     "a.yaml:7: base: no shipped deal or scenario 'nope'"),
    ("missing.yaml", "overrides:\n  timeline.annual_cap: {value: 1e9, reason: x}\n", "does not exist"),
    ("us-korea-2025-11", "overrides:\n  timeline.anual_cap: {value: 1e9, reason: x}\n",
     "a.yaml:9: overrides.timeline.anual_cap: unknown clause 'timeline.anual_cap'; "
     "did you mean 'timeline.annual_cap'?"),
    ("us-korea-2025-11", "overrides:\n  timeline.annual_cap: {value: -1, reason: x}\n",
     "a.yaml:9: overrides.timeline.annual_cap.value: negative amounts are not allowed"),
    ("us-korea-2025-11", "overrides:\n  timeline.annual_cap: {value: 1e9}\n", "required key is missing"),
    ("us-korea-2025-11", "overrides:\n  timeline.annual_cap: {value: 1e9, reason: x, refs: [zz]}\n",
     "unknown reference 'zz'"),
    ("us-korea-2025-11", "overrides: {}\n", "expected at least one override"),
])
def test_bad_scenarios(tmp_path: Path, base: str, overrides: str, message: str) -> None:
    a = _write(tmp_path, "a", base, overrides)
    with pytest.raises(InputError) as err:
        load_deal(str(a))
    assert message in str(err.value)


def test_a_file_cannot_claim_status_scenario(tmp_path: Path) -> None:
    text = (DATA / "deals" / "us-korea-2025-11.yaml").read_text(encoding="utf-8")
    label = "      label: Korea need not fund more than $20B in any calendar year\n"
    text = text.replace(label + "      status: agreed", label + "      status: scenario")
    p = tmp_path / "us-korea-2025-11.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="status 'scenario' is given by overrides"):
        load_deal(str(p))


def test_unknown_name_lists_deals_and_scenarios() -> None:
    with pytest.raises(InputError, match="korea-cap-15b"):
        load_deal("no-such-deal")
