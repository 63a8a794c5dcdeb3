"""The hostile corpus (issue 16): every class of bad input on every reader, option, CSV kind and
library entry point is refused cleanly — the exit status, the message's location, no traceback, no
hang, bounded memory — or, where the input is legal but suspect, run with a warning.

The cases are listed in ``hostile_cases.py``; they run in worker processes under
a memory limit (``conftest.py``). ``test_counts`` prints the counts by class.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from hostile_cases import CASES, MAX_GROWTH_MB, Case

BY_ID = {c.id: c for c in CASES}


def _message_line(stderr: str) -> str:
    """The first line of the message (argparse prints its usage lines first)."""
    lines = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith(("usage:", " "))]
    return lines[0] if lines else ""


def _verdict(case: Case, res: dict[str, Any]) -> str:
    """clean | traceback | hang | wrong-number | died | wrong-message | wrong-exception."""
    if res.get("died"):
        return "died"
    if res.get("hang"):
        return "hang"
    if case.kind == "cli":
        if res.get("escaped") or "Traceback" in res["stderr"] or res["rc"] == 70:
            return "traceback"
        if res["rc"] == 0 and case.rc != 0:
            return "wrong-number"  # printed something for nonsense
        if res["rc"] != case.rc:
            return "wrong-status"
        first = _message_line(res["stderr"])
        if case.where and not re.search(case.where, first):
            return "wrong-message"
        if case.warn and case.warn not in res["stderr"]:
            return "wrong-message"
        return "clean"
    if case.rc == 0:
        if res["raised"] is not None:
            return "wrong-exception"
        return "clean" if any(case.warn in w for w in res["warnings"]) else "wrong-message"
    if res["raised"] is None:
        return "wrong-number"
    if not ({"InputError", "ValueError"} & set(res["mro"])):
        return "traceback"  # a bare KeyError, AttributeError, TypeError...
    if case.field not in res["message"]:
        return "wrong-message"
    return "clean"


@pytest.mark.slow  # the whole corpus: ~25 s in two worker processes
@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_case(case_id: str, hostile_results: dict[str, dict[str, Any]]) -> None:
    case = BY_ID[case_id]
    res = hostile_results[case_id]
    verdict = _verdict(case, res)
    assert verdict == "clean", f"{verdict}: {case}\n{res}"
    assert res["wall"] < case.timeout
    assert res["peak_growth_mb"] < MAX_GROWTH_MB, f"peak memory grew by {res['peak_growth_mb']:.0f} MB"


def test_corpus_size() -> None:
    """At least 150 hostile inputs, across readers, options, CSV kinds and library calls."""
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)
    kinds = Counter(c.cls.split(":")[0] for c in CASES)
    assert {"file", "clause value", "option", "csv", "library misuse"} <= set(kinds)


@pytest.mark.slow
def test_counts(hostile_results: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    """Counts by class (printed with ``-s``): cases, clean rejections, tracebacks, hangs, wrong numbers."""
    table: dict[str, Counter[str]] = {}
    for case in CASES:
        cls = case.cls.split(":")[0]
        table.setdefault(cls, Counter())[_verdict(case, hostile_results[case.id])] += 1
    with capsys.disabled():
        print("\nclass                      cases  clean  traceback  hang  wrong-number  other")
        for cls, cnt in sorted(table.items()):
            n = sum(cnt.values())
            other = n - cnt["clean"] - cnt["traceback"] - cnt["hang"] - cnt["wrong-number"]
            print(f"{cls:26} {n:5}  {cnt['clean']:5}  {cnt['traceback']:9}  {cnt['hang']:4}  "
                  f"{cnt['wrong-number']:12}  {other:5}")
    assert all(cnt["traceback"] == 0 and cnt["hang"] == 0 for cnt in table.values())
