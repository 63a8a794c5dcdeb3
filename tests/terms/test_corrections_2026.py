"""The 2026 review's deal-clause corrections (issue 14, section A; record-2026.md section 1.2),
each pinned against the shipped file.

Every case reads the YAML file as text with a plain YAML parser (not the term-sheet
loader under test) and checks the clause's value, status and sources; the loader must
then agree with the file. A case fails if the correction is reverted, or if the loader
reads the file differently from what it says. docs/corrections-2026.md lists the same
corrections for readers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from builders import pipeline, project, variant
from pledgelab.engine import run
from pledgelab.terms import Status, load_deal

DEALS = Path(__file__).resolve().parents[2] / "src" / "pledgelab" / "data" / "deals"
DOC = Path(__file__).resolve().parents[2] / "docs" / "corrections-2026.md"


def _raw(deal: str) -> dict[str, Any]:
    data = yaml.safe_load((DEALS / f"{deal}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _node(deal: str, path: str) -> dict[str, Any]:
    """The clause at ``path`` (``timeline.funding_lag``, ``tranches[masga].funded_by``)."""
    node: Any = _raw(deal)["clauses"]
    for part in path.split("."):
        if "[" in part:
            name, tid = part[:-1].split("[")
            node = next(t for t in node[name] if t["id"] == tid)
        else:
            node = node[part]
    assert isinstance(node, dict) and "status" in node, path
    return node


def _loaded(deal: str, path: str) -> Any:
    sheet = load_deal(deal)
    if path.startswith("tranches["):
        tid, rest = path[len("tranches["):].split("].", 1)
        tranche = next(t for t in sheet.tranches if t.id == tid)
        return tranche.clauses[rest]
    return sheet.clause(path)


# (record-2026 item, deal, clause path, value now, status now, a reference key that must be cited)
CASES: list[tuple[int, str, str, Any, str, str]] = [
    (1, "us-korea-2025-11", "non_funding.tariff_step_up", 0.25, "assumed", "particle-no-fr"),
    (2, "us-japan-2025-09", "distribution.deemed_benchmark", 0.04, "assumed", "katz-correction"),
    (3, "us-japan-2025-09", "fx_safeguard.available", False, "reported", "newspim-compare"),
    (4, "us-japan-2025-09", "distribution.review_horizon", None, "reported", "newspim-compare"),
    (5, "us-japan-2025-09", "non_funding.distribution_diversion", True, "reported", "newspim-compare"),
    (6, "us-korea-2025-11", "tranches[masga].funded_by", "KR-FIRMS", "assumed", "chosun-bill"),
    (7, "us-korea-2025-11", "tranches[masga].counts_toward_cap", False, "reported", "chosun-bill"),
    (8, "us-ask-2025-09", "distribution.tiers", None, "assumed", "asiatoday-japanstyle"),
    (9, "us-korea-2025-11", "timeline.funding_lag", 45, "reported", "imbc-mou"),
    (10, "us-japan-2025-09", "tranches[strategic-investment].sectors", ["any"], "reported",
     "industry-mou-text"),
    (11, "korea-framework-2025-07", "timeline.annual_cap", None, "assumed", "jad-july"),
    (11, "korea-framework-2025-07", "fx_safeguard.available", False, "assumed", "jad-july"),
    (12, "us-korea-2025-11", "distribution.review_horizon", 240, "reported", "newspim-compare"),
    (12, "korea-framework-2025-07", "distribution.review_horizon", 240, "assumed", "newspim-compare"),
    (13, "us-japan-2025-09", "timeline.funding_lag", 45, "disputed", "fsx-45-business-days"),
]
IDS = [f"{n}-{deal}-{path}" for n, deal, path, *_ in CASES]


@pytest.mark.parametrize(("item", "deal", "path", "value", "status", "ref"), CASES, ids=IDS)
def test_the_shipped_file_holds_the_correction(
    item: int, deal: str, path: str, value: Any, status: str, ref: str
) -> None:
    node = _node(deal, path)
    assert node["status"] == status, f"item {item}: {deal} {path} status"
    if path != "distribution.tiers":  # the tiers' value is checked below
        assert node["value"] == value, f"item {item}: {deal} {path} value"
    assert ref in node.get("refs", []), f"item {item}: {deal} {path} must cite {ref}"
    url = _raw(deal)["references"][ref]["url"]
    assert url.startswith(("http://", "https://"))
    if status == "assumed":
        assert node.get("reason", "").strip() and node.get("alternatives"), path
    # the loader reads the same status and value
    clause = _loaded(deal, path)
    assert clause.status is Status(status)
    if path.endswith("sectors"):
        assert list(clause.value) == value
    elif path != "distribution.tiers":
        assert clause.value == value


def test_item_8_the_ask_and_the_proposal_label_the_same_us_position_alike() -> None:
    ask, proposal = _node("us-ask-2025-09", "distribution.tiers"), _node(
        "us-proposal-2025-10", "distribution.tiers")
    assert ask["value"] == proposal["value"] == [
        {"shares": {"KR": 0.5, "US": 0.5}, "until": "deemed-allocation-amount"},
        {"shares": {"KR": 0.1, "US": 0.9}, "until": "end"},
    ]
    assert ask["status"] == proposal["status"] == "assumed"
    assert "90% of profits" in ask["reason"]


def test_item_1_korea_step_up_keeps_the_presidents_rate_as_an_alternative() -> None:
    node = _node("us-korea-2025-11", "non_funding.tariff_step_up")
    assert None in [a["value"] for a in node["alternatives"]]
    assert "determined by the President" in node["reason"]
    japan = _node("us-japan-2025-09", "non_funding.tariff_step_up")
    assert japan["value"] is None and japan["status"] == "reported"


def test_item_9_within_reading_stays_an_alternative_and_a_scenario() -> None:
    node = _node("us-korea-2025-11", "timeline.funding_lag")
    assert node["unit"] == "business-days"
    assert [a["value"] for a in node["alternatives"]] == [0]
    assert "최소 45 영업일" in node["note"]
    assert load_deal("korea-lag-within").value("timeline.funding_lag") == 0


def test_item_10_japan_sectors_keep_the_named_list_in_the_note() -> None:
    node = _node("us-japan-2025-09", "tranches[strategic-investment].sectors")
    note = node["note"]
    assert "including but not limited to" in note
    for named in ("semiconductors", "pharmaceuticals", "metals", "critical minerals",
                  "shipbuilding", "energy", "AI/quantum computing", "aviation", "automobiles"):
        assert named in note, named


OLD_JAPAN_SECTORS = ("semiconductors", "pharmaceuticals", "metals", "critical-minerals",
                     "shipbuilding", "energy", "ai", "quantum-computing")


@pytest.mark.parametrize("sector", ["batteries", "automobiles", "aviation"])
def test_item_10_a_battery_auto_or_aviation_project_is_now_financed_by_japan(sector: str) -> None:
    # one $1B project noticed in 2026: financed under the shipped deal, refused under the closed
    # list of eight the file held before (a project goes only to a tranche naming its sector or `any`)
    pipe = pipeline(project("p", capex=1e9, notice=dt.date(2026, 3, 2), sector=sector))
    now = run(load_deal("us-japan-2025-09"), pipe).schedule.projects[0]
    assert now.status == "financed"
    before = variant("us-japan-2025-09",
                     tranches={"strategic-investment": {"sectors": OLD_JAPAN_SECTORS}})
    assert run(before, pipe).schedule.projects[0].status == "no-eligible-tranche"
    # the same project as energy, a sector the old list named, was financed under it too
    energy = pipeline(project("p", capex=1e9, notice=dt.date(2026, 3, 2), sector="energy"))
    assert run(before, energy).schedule.projects[0].status == "financed"


def test_item_11_the_november_values_are_kept_as_alternatives() -> None:
    cap = _node("korea-framework-2025-07", "timeline.annual_cap")
    # PyYAML (YAML 1.1) reads 20e9 as text; the loader reads it as a number
    assert 20e9 in [float(a["value"]) for a in cap["alternatives"]]
    fx = _node("korea-framework-2025-07", "fx_safeguard.available")
    assert [a["value"] for a in fx["alternatives"]] == [True]
    assert "Gyeongju" in cap["reason"] and "Gyeongju" in fx["reason"]


@pytest.mark.parametrize("deal", ["us-korea-2025-11", "korea-framework-2025-07"])
def test_item_12_the_review_clause_reads_as_written(deal: str) -> None:
    label = _node(deal, "distribution.review_horizon")["label"]
    assert "reasonably evident that Korea will not receive its deemed allocation amount" in label
    assert "not reasonably evident" not in (DEALS / f"{deal}.yaml").read_text(encoding="utf-8")


def test_item_13_japan_lag_lists_the_business_day_reading() -> None:
    node = _node("us-japan-2025-09", "timeline.funding_lag")
    alts = {a["value"]: a["label"] for a in node["alternatives"]}
    # 45 US business days is nine weeks of five business days, 63 calendar days (before holidays)
    assert 45 // 5 * 7 == 63
    assert 63 in alts and "business days" in alts[63]
    assert 0 in alts  # the "within" reading stays


def test_the_corrections_list_names_every_pinned_item() -> None:
    text = DOC.read_text(encoding="utf-8")
    for n, deal, path, *_ in CASES:
        leaf = path.rsplit(".", 1)[-1]
        assert f"| {n} |" in text, f"docs/corrections-2026.md lacks item {n}"
        assert deal in text and leaf in text, (n, deal, path)
