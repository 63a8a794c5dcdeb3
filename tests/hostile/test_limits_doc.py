"""docs/limits.md says what pledgelab._limits enforces: every entry of the table, with its range."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgelab._limits import DATE_MAX, DATE_MIN, FILE_LIMITS, LIMITS, UNIT_MAXIMUM, _num, argtype, check

DOC = (Path(__file__).resolve().parents[2] / "docs" / "limits.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(LIMITS))
def test_every_limit_is_documented_with_its_range(name: str) -> None:
    lim = LIMITS[name]
    shown = lim.describe().replace(f" ({lim.unit})", "") if lim.unit else lim.describe()
    assert f"| `{name}` | {shown} |" in DOC


@pytest.mark.parametrize("name", list(FILE_LIMITS))
def test_every_file_limit_is_documented(name: str) -> None:
    assert f"| `{name}` | {_num(FILE_LIMITS[name][0])} |" in DOC


def test_unit_ceilings_and_the_date_window_are_documented() -> None:
    for unit, value in UNIT_MAXIMUM.items():
        assert f"| `{unit}` | {_num(value)} |" in DOC
    assert f"{DATE_MIN} to {DATE_MAX}" in DOC


@pytest.mark.parametrize("name", list(LIMITS))
def test_the_bounds_hold_at_their_edges(name: str) -> None:
    """Each range accepts its own ends (unless open) and refuses just beyond, nan and inf."""
    lim = LIMITS[name]
    step = 1 if lim.whole else 1e-9 * max(1.0, abs(lim.high))
    lo = lim.low + (step if lim.open_low else 0)
    hi = lim.high - (step if lim.open_high else 0)
    for ok in (lo, hi):
        check(name, int(ok) if lim.whole else ok)
    for bad in (lim.low - step if not lim.open_low else lim.low, lim.high + step if not lim.open_high
                else lim.high, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=name):
            check(name, int(bad) if lim.whole and bad == bad and abs(bad) != float("inf") else bad)
    parse = argtype(name)
    assert parse(str(int(lo) if lim.whole else lo)) == (int(lo) if lim.whole else lo)
