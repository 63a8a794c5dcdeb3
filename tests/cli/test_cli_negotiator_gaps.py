"""``compare --negotiator`` on a deal whose investor the tariff model does not cover (Japan: no incidence
clauses in tariffs.yaml) says what is not valued instead of failing with an internal error."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

from pledgelab.cli import main


def test_japan_negotiator_view_names_the_tariff_gap() -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["compare", "us-japan-2025-09", "--pipeline", "japan-first-tranche", "--negotiator",
                     "--format", "json"])
    assert code in (0, None), err.getvalue()
    assert "internal error" not in err.getvalue()
    notes = [n for t in json.loads(out.getvalue()) for n in t.get("notes", [])]
    assert any("not valued: tariff relief" in n and "importer_incidence" in n for n in notes), notes
