"""The one reader for cited files (``pledgelab._cited.open_cited``) and who may import what.

The expected messages are written out by hand from the file text below (line
numbers counted in it), not produced by the code under test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pledgelab
from pledgelab._cited import HEADER_KEYS, Checker, Header, open_cited
from pledgelab._errors import InputError

SRC = Path(pledgelab.__file__).parent
SCHEMA = "pledgelab.example/1"
GOOD = """\
schema: pledgelab.example/1
id: sample
title: A sample file
summary: >
  Two lines of
  summary.
references:
  src:
    title: A source
    url: https://example.org/a
"""


def _problems(path: Path) -> list[str]:
    _root, chk, _head = open_cited(path, schema=SCHEMA, display=f"example/{path.name}")
    return [str(p) for p in chk.problems]


def test_a_good_header_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    path.write_text(GOOD, encoding="utf-8")
    root, chk, head = open_cited(path, schema=SCHEMA)
    assert chk.problems == []
    assert isinstance(head, Header)
    assert (head.file, head.id, head.title) == (str(path), "sample", "A sample file")
    assert head.summary == "Two lines of summary.\n"
    assert [(r.key, r.title, r.url) for r in head.references.values()] == \
        [("src", "A source", "https://example.org/a")]
    assert root.at("references").line == 7


@pytest.mark.parametrize(("text", "expected"), [
    # title left out: reported at the top of the file
    (GOOD.replace("title: A sample file\n", ""),
     ["example/sample.yaml:1: title: required key is missing"]),
    # title misspelt: the unknown key at its line, and the missing one
    (GOOD.replace("title: A sample", "titel: A sample"),
     ["example/sample.yaml:3: titel: unknown key; expected one of: id, references, schema, summary, title",
      "example/sample.yaml:1: title: required key is missing"]),
    (GOOD.replace("summary: >\n  Two lines of\n  summary.", "summary: 5"),
     ["example/sample.yaml:4: summary: expected non-empty text, got int 5"]),
    (GOOD.replace("pledgelab.example/1", "pledgelab.other/1"),
     ["example/sample.yaml:1: schema: expected 'pledgelab.example/1', got 'pledgelab.other/1'"]),
    (GOOD.replace("id: sample", "id: sampel"),
     ["example/sample.yaml:2: id: id 'sampel' must match the file name 'sample'"]),
    (GOOD.replace("    url: https://", "    url: ftp://"),
     ["example/sample.yaml:10: references.src.url: expected an http(s) URL, got 'ftp://example.org/a'"]),
    (GOOD.replace("    title: A source", "    titel: A source"),
     ["example/sample.yaml:9: references.src.titel: unknown key; expected one of: date, title, url",
      "example/sample.yaml:9: references.src.title: required key is missing"]),
])
def test_a_bad_header_is_reported_as_file_line_field(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    assert _problems(path) == expected


def test_the_reader_adds_its_own_keys_and_checker(tmp_path: Path) -> None:
    class Mine(Checker):
        pass

    path = tmp_path / "sample.yaml"
    path.write_text(GOOD + "extra: 1\n", encoding="utf-8")
    _root, chk, _head = open_cited(path, schema=SCHEMA, required=(*HEADER_KEYS, "extra", "more"),
                                   checker=Mine())
    assert isinstance(chk, Mine)
    assert [str(p) for p in chk.problems] == [f"{path}:1: more: required key is missing"]
    with pytest.raises(InputError):
        chk.raise_if_any()


def test_an_unreadable_file_raises_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        open_cited(tmp_path / "absent.yaml", schema=SCHEMA, display="example/absent.yaml")
    assert str(info.value).startswith("example/absent.yaml:0: <file>: cannot read:")


def _private_terms_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        if any(n.startswith("pledgelab.terms._") for n in names):
            out.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return out


def test_only_terms_imports_its_private_modules() -> None:
    """Every other package reads cited files through pledgelab._cited or pledgelab.terms."""
    modules = [p for p in sorted(SRC.rglob("*.py"))
               if p.relative_to(SRC).parts[0] not in ("terms", "_cited")]
    assert len(modules) > 40
    offenders = [hit for p in modules for hit in _private_terms_imports(p)]
    assert offenders == []
