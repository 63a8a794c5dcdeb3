"""The workforce commands (``pledgelab workforce plan | delays | replay``) through the parser the
``pledgelab`` script uses."""

from __future__ import annotations

from pledgelab.cli import tables
from pledgelab.report import Table


def _run(argv: list[str]) -> list[Table]:
    return tables(argv)


def test_cli_plan() -> None:
    plan, risk, excluded = _run(["workforce", "plan", "--pipeline", "japan-first-tranche", "--policy",
                                 "post-raid-2025", "--paths", "256"])
    assert {r[0] for r in plan.rows} == {"portsmouth-gas", "texas-gulflink", "element-six-georgia"}
    assert not any(r[3] == "b1-annotated" for r in plan.rows)  # the KIT desk is Seoul-only: not for JP
    assert len(risk.rows) == 3
    assert any(r[3] == "e2-nationality" for r in excluded.rows)  # a US-owned MOU vehicle: no E-2


def test_cli_delays_and_format_after_the_action() -> None:
    parser_args = ["workforce", "delays", "--policy", "restrictive", "--paths", "300", "--format", "json"]
    t, parts = _run(parser_args)
    assert len(t.rows) == 16 and any("h2b FY" in n for n in t.notes)
    assert [r[0] for r in parts.rows][-1] == "total"


def test_cli_replay() -> None:
    (t,) = _run(["workforce", "replay", "--paths", "500"])
    assert t.rows[0][0].startswith("start-up delay") and (t.rows[0][5], t.rows[0][6]) == (2.0, 3.0)
