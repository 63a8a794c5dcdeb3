"""Every malformed term sheet in ``malformed/`` is rejected with the right file:line:field.

Each file is the shipped US–Korea term sheet with one defect; ``malformed/expected.yaml``
says which problem the loader must report for it (line, field and part of the message).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pledgelab._errors import InputError, Problem
from pledgelab.terms import read_term_sheet

HERE = Path(__file__).parent / "malformed"
EXPECTED_FILE = HERE / "expected.yaml"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))
CORPUS = sorted(p for p in HERE.glob("*.yaml") if p != EXPECTED_FILE)


def _params() -> list[Any]:
    out = []
    for path in CORPUS:
        reason = EXPECTED.get(path.name, {}).get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


def _problems(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(InputError) as info:
        read_term_sheet(path)
    assert info.value.problems, f"{path.name}: InputError without problems"
    return info.value.problems


def _describe(problems: tuple[Problem, ...]) -> str:
    return "\n".join(f"  {p}" for p in problems)


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 24


def test_every_file_has_an_expectation() -> None:
    names = {p.name for p in CORPUS}
    missing = sorted(names - set(EXPECTED))
    assert not missing, f"files in malformed/ without an entry in expected.yaml: {missing}"
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"entries in expected.yaml without a file in malformed/: {stale}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expectation_is_well_formed(name: str) -> None:
    entry = EXPECTED[name]
    assert isinstance(entry["line"], int) and entry["line"] >= 0
    assert isinstance(entry["field"], str) and entry["field"]
    assert isinstance(entry["message"], str) and entry["message"]
    assert isinstance(entry.get("defect", ""), str)
    assert set(entry) <= {"defect", "line", "field", "message", "xfail"}


@pytest.mark.parametrize("path", _params())
def test_malformed_file_is_rejected(path: Path) -> None:
    entry = EXPECTED.get(path.name)
    assert entry is not None, f"{path.name} has no entry in expected.yaml"
    problems = _problems(path)
    for p in problems:
        assert str(p).startswith(f"{path}:"), f"problem does not start with the file path: {p}"
        assert str(p) == f"{p.file}:{p.line}: {p.field}: {p.message}"
    want = (entry["line"], entry["field"], entry["message"])
    hits = [p for p in problems
            if (p.line, p.field) == want[:2] and want[2] in p.message]
    assert hits, (
        f"{path.name}: expected a problem at line {want[0]}, field {want[1]!r}, "
        f"message containing {want[2]!r}; got:\n{_describe(problems)}"
    )


@pytest.mark.parametrize("path", [p for p in CORPUS if p.stem != "id-mismatch"],
                         ids=lambda p: p.stem)
def test_only_the_intended_defect_touches_the_id(path: Path) -> None:
    """Each file's ``id`` was set to its stem, so no file but id-mismatch has an id problem."""
    problems = _problems(path)
    assert not [p for p in problems if p.field == "id"], _describe(problems)


# -- known loader bugs: the correct behaviour, expected to fail until fixed ------------------


def test_missing_top_level_key_is_reported_once() -> None:
    problems = _problems(HERE / "missing-top-level-key.yaml")
    assert [p.field for p in problems].count("summary") == 1, _describe(problems)


def test_bad_reference_url_is_one_problem() -> None:
    problems = _problems(HERE / "reference-non-http-url.yaml")
    assert len(problems) == 1, _describe(problems)


def test_instalments_reports_every_missing_clause() -> None:
    problems = _problems(HERE / "instalments-without-clauses.yaml")
    fields = {p.field for p in problems}
    for key in ("instalment_amount", "instalment_years", "first_funding", "vehicle_cash_rate"):
        # endswith: the missing 'clauses.' prefix is a separate bug, see expected.yaml
        assert any(f.endswith(f"timeline.{key}") for f in fields), _describe(problems)
