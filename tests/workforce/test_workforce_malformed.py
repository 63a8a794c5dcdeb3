"""Every malformed workforce file in ``malformed/`` is rejected with the right file:line:field.

Each file is a shipped pathway, policy or demand file with one defect;
``malformed/expected.yaml`` says which reader reads it and which problem it must report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pledgelab._errors import InputError
from pledgelab.workforce import read_demand, read_pathways, read_policy

HERE = Path(__file__).parent / "malformed"
EXPECTED_FILE = HERE / "expected.yaml"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))
CORPUS = sorted(p for p in HERE.glob("*.yaml") if p != EXPECTED_FILE)
READERS: dict[str, Callable[[Path], object]] = {
    "pathways": read_pathways, "policy": read_policy, "demand": read_demand}


def test_corpus_covers_every_kind() -> None:
    assert {e["kind"] for e in EXPECTED.values()} == set(READERS)
    assert len(CORPUS) >= 20
    assert {p.name for p in CORPUS} == set(EXPECTED)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_malformed_file_is_rejected_with_file_line_field(path: Path) -> None:
    entry = EXPECTED[path.name]
    with pytest.raises(InputError) as info:
        READERS[entry["kind"]](path)
    problems = info.value.problems
    for p in problems:
        assert str(p).startswith(f"{path}:"), p
    hits = [p for p in problems
            if (p.line, p.field) == (entry["line"], entry["field"]) and entry["message"] in p.message]
    assert hits, f"{path.name}: expected line {entry['line']} {entry['field']!r} " \
                 f"{entry['message']!r}; got:\n" + "\n".join(map(str, problems))
    assert not [p for p in problems if p.field == "id"], "only the intended defect"


def test_the_shipped_originals_load() -> None:
    """The corpus is made of shipped files: without the defect they load (so the defect is the cause)."""
    read_pathways(Path(__file__).parents[2] / "src/pledgelab/data/visas/pathways.yaml")
    read_demand()
    for p in sorted((Path(__file__).parents[2] / "src/pledgelab/data/workforce/policies").glob("*.yaml")):
        read_policy(p)
