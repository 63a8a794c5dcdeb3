"""Command output shown in docs/ is generated (tools/gendocs.py) and must match the commands.

The tool is tested on small texts with a stand-in command; the shipped docs are checked by
regenerating their blocks (the deals table on every run, every block in the slow suite),
and the deals table's assumed counts against a count made from the YAML files directly.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEALS = ROOT / "src" / "pledgelab" / "data" / "deals"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gendocs", ROOT / "tools" / "gendocs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gendocs"] = mod  # dataclasses look the module up while the class is built
    spec.loader.exec_module(mod)
    return mod


gendocs = _tool()

DOC = """# A page

Before.

<!-- gendocs: pledgelab deals -->
old body
<!-- /gendocs -->

Between.

<!-- gendocs: pledgelab show us-korea-2025-11 -->
<!-- /gendocs -->
After.
"""


def _fake(command: str) -> str:
    return f"output of {command}\n"


def test_blocks_are_found_in_order_with_their_commands_and_lines() -> None:
    found = gendocs.blocks(DOC)
    assert [b.command for b in found] == ["pledgelab deals", "pledgelab show us-korea-2025-11"]
    assert [b.line for b in found] == [5, 11]
    assert DOC[found[0].start:found[0].end] == "old body\n"


@pytest.mark.parametrize(("text", "message"), [
    ("<!-- gendocs: pledgelab deals -->\nno end\n", "doc.md:1: gendocs block has no closing"),
    ("x\n<!-- gendocs: pledgelab deals -->\n<!-- gendocs: pledgelab deals -->\n<!-- /gendocs -->\n",
     "doc.md:2: gendocs block has no closing"),
    ("<!-- gendocs: rm -rf / -->\n<!-- /gendocs -->\n", "doc.md:1: a gendocs command starts with"),
    ("<!-- /gendocs -->\n", "doc.md: 1 closing"),
])
def test_bad_markers_are_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(gendocs.MarkerError, match=re.escape(message)):
        gendocs.blocks(text, "doc.md")


def test_a_stale_block_is_reported_and_rewritten_and_the_rest_kept() -> None:
    new, stale = gendocs.regenerate(DOC, run=_fake)
    assert [b.command for b in stale] == ["pledgelab deals", "pledgelab show us-korea-2025-11"]
    assert new == DOC.replace("old body\n", "\noutput of pledgelab deals\n\n").replace(
        "us-korea-2025-11 -->\n<!-- /gendocs -->",
        "us-korea-2025-11 -->\n\noutput of pledgelab show us-korea-2025-11\n\n<!-- /gendocs -->")
    again, none = gendocs.regenerate(new, run=_fake)
    assert again == new and none == []


def test_check_mode_fails_on_a_stale_file_and_writes_nothing(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- gendocs: pledgelab deals -->\nstale\n<!-- /gendocs -->\n", encoding="utf-8")
    assert gendocs.main(["--check", str(page)]) == 1
    assert "stale" in page.read_text(encoding="utf-8")
    assert "page.md:1: pledgelab deals: is stale" in capsys.readouterr().out
    assert gendocs.main([str(page)]) == 0
    assert gendocs.main(["--check", str(page)]) == 0
    assert "| us-korea-2025-11 |" in page.read_text(encoding="utf-8")


def test_a_rendered_table_is_markdown_with_relative_paths() -> None:
    body = gendocs.render("pledgelab deals")
    lines = body.splitlines()
    assert lines[0] == "**Shipped deals, negotiating positions and scenarios**"
    assert lines[2].startswith("| id | kind | as of | headline |")
    assert set(lines[3]) == {"|", "-"}
    assert str(ROOT) not in body and "src/pledgelab/data/deals" in body


def test_a_readings_block_starts_with_the_deal_as_shipped() -> None:
    from pledgelab.cli import tables
    from pledgelab.report import show

    body = gendocs.render("readings us-korea-2025-11 --pipeline korea-illustrative "
                          "--clause distribution.loss_treatment")
    rows = [ln for ln in body.splitlines() if ln.startswith("| ")]
    assert rows[0] == "| reading | US NPV | KR NPV | KR-FIRMS NPV |"
    assert rows[1].startswith("| as shipped |") and len(rows) == 2 + 2  # two alternatives
    # the same NPV as `pledgelab run` prints for the deal as shipped
    outcomes = next(t for t in tables(["run", "us-korea-2025-11", "--pipeline", "korea-illustrative"])
                    if "outcomes by party" in t.title)
    kr = next(r for r in outcomes.rows if r[0] == "KR")
    assert rows[1].split(" | ")[2] == show(kr[[c.name for c in outcomes.columns].index("NPV")], "usd")
    with pytest.raises(SystemExit):
        gendocs.render("readings us-korea-2025-11 --clause distribution.loss_treatment")


def _assumed(node: Any) -> int:
    if isinstance(node, dict):
        here = 1 if node.get("status") == "assumed" else 0
        return here + sum(_assumed(v) for v in node.values())
    if isinstance(node, list):
        return sum(_assumed(v) for v in node)
    return 0


def _doc_rows(doc: Path, command: str) -> dict[str, list[str]]:
    text = doc.read_text(encoding="utf-8")
    (block,) = [b for b in gendocs.blocks(text) if b.command == command]
    rows = [ln.strip("|").split(" | ") for ln in text[block.start:block.end].splitlines()
            if ln.startswith("| ") and not ln.startswith("| id |")]
    return {r[0].strip(): [c.strip() for c in r] for r in rows}


def test_deals_md_assumed_counts_equal_a_count_of_the_yaml_files() -> None:
    # independent of the loader: every mapping in the file whose status is `assumed`
    rows = _doc_rows(ROOT / "docs" / "deals.md", "pledgelab deals")
    files = sorted(DEALS.glob("*.yaml"))
    assert len(files) >= 6
    for f in files:
        raw = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert rows[f.stem][5] == str(_assumed(raw["clauses"])), f.stem


def test_the_deals_table_in_docs_is_current() -> None:
    text = (ROOT / "docs" / "deals.md").read_text(encoding="utf-8")
    (block,) = [b for b in gendocs.blocks(text) if b.command == "pledgelab deals"]
    assert text[block.start:block.end] == "\n" + gendocs.render(block.command) + "\n", (
        "docs/deals.md is stale: run python tools/gendocs.py")


@pytest.mark.slow
def test_every_generated_block_in_docs_is_current() -> None:
    docs = gendocs.documents()
    assert ROOT / "docs" / "deals.md" in docs
    stale = []
    for doc in docs:
        _, found = gendocs.regenerate(doc.read_text(encoding="utf-8"), doc.name)
        stale += [f"{doc.name}:{b.line}: {b.command}" for b in found]
    assert not stale, "stale generated docs (run python tools/gendocs.py): " + "; ".join(stale)
