"""A funding plan's ``deals`` (the deals it is the default plan of): read, checked, used."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgelab import InputError
from pledgelab.macro import load_funding, read_funding


def _with_deals(tmp_path: Path, deals: str) -> Path:
    src = Path(__file__).parents[2] / "src" / "pledgelab" / "data" / "funding" / "korea-with-swap.yaml"
    body = src.read_text(encoding="utf-8").replace("deals: [korea-counter-2025-10]", f"deals: {deals}")
    path = tmp_path / "korea-with-swap.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_shipped_plan_names_its_deal() -> None:
    assert load_funding("korea-with-swap").deals == ("korea-counter-2025-10",)
    assert load_funding("korea-mof-2025").deals == ()


@pytest.mark.parametrize(("deals", "message"), [
    ("[Korea_Counter]", "is not a deal id"),
    ("[a, a]", "is listed twice"),
])
def test_bad_deals_are_rejected_with_file_and_line(tmp_path: Path, deals: str, message: str) -> None:
    path = _with_deals(tmp_path, deals)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t.startswith("deals:"))
    with pytest.raises(InputError, match=rf"korea-with-swap.yaml:{line}: deals\[\d\]: .*{message}"):
        read_funding(path)
