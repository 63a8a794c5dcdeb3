"""docs/macro.md's generated blocks: the cheap one (tariffs --paid) checked on every run; all of them
in the slow suite (tests/test_gendocs.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _gendocs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gendocs", ROOT / "tools" / "gendocs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gendocs"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_the_tariff_lines_table_in_docs_is_current() -> None:
    gendocs = _gendocs()
    text = (ROOT / "docs" / "macro.md").read_text(encoding="utf-8")
    commands = [b.command for b in gendocs.blocks(text)]
    assert "pledgelab funding us-ask-2025-09 us-korea-2025-11 --compare --discount-rate 0.045" in commands
    (block,) = [b for b in gendocs.blocks(text) if b.command.endswith("--paid --rate 0.25")]
    assert text[block.start:block.end] == "\n" + gendocs.render(block.command) + "\n", (
        "docs/macro.md is stale: run python tools/gendocs.py docs/macro.md")
