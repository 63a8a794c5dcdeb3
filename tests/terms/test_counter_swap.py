"""Record-2026 item 15: Korea's counter-proposal protected itself with an unlimited swap line, not with an
amount-and-timing adjustment clause. The swap is a dollar source in the deal's funding plan; the flag that
turns on the deferral rule is off, with the old reading as an alternative. Read from the shipped files."""

from __future__ import annotations

import yaml

from pledgelab._cited import DATA


def test_the_counter_proposal_has_no_deferral_rule_and_its_swap_funds_it() -> None:
    deal = yaml.safe_load((DATA / "deals" / "korea-counter-2025-10.yaml").read_text(encoding="utf-8"))
    flag = deal["clauses"]["fx_safeguard"]["available"]
    assert flag["value"] is False and flag["status"] == "assumed"
    assert [a["value"] for a in flag["alternatives"]] == [True]
    assert "swap" in flag["reason"] and "korea-with-swap" in flag["reason"]
    plan = yaml.safe_load((DATA / "funding" / "korea-with-swap.yaml").read_text(encoding="utf-8"))
    assert "korea-counter-2025-10" in plan["deals"]
