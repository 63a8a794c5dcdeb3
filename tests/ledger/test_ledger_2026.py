"""The ledger brought up to 2026 (issue 14, G): the new records, the newest record as the ledger's
date and release id, the 90-day staleness warning, and pledge / GDP and selected / headline.

The independent computations read the shipped YAML files with PyYAML (not the ledger's seed reader
or the macro reader) and do the arithmetic by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pledgelab._cited import DATA
from pledgelab.ledger import (
    STALE_AFTER_DAYS,
    Gdp,
    Ledger,
    freshness,
    macro_gdp,
    pledge_ratios,
    status_report,
)

SEED = DATA / "ledger"
# the fields that carry the date a record reports (not when it was checked or reviewed)
DATED = ("announced", "date", "status_date", "as_of", "said_on", "notice_date")


def _seed(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((SEED / f"{name}.yaml").read_text(encoding="utf-8"))
    return doc


def _dates(rec: dict[str, Any]) -> list[dt.date]:
    out = [rec[k] for k in DATED if isinstance(rec.get(k), dt.date)]
    for a in rec.get("amounts") or []:
        out += [a[k] for k in DATED if isinstance(a.get(k), dt.date)]
    return out


def test_newest_record_is_the_special_act_and_names_the_release(ledger: Ledger) -> None:
    newest = max(d for name in ("japan", "korea", "other-pledges", "claims")
                 for rec in _seed(name)["records"] for d in _dates(rec))
    assert newest == dt.date(2026, 3, 12)
    act = [r for r in _seed("korea")["records"] if r.get("event") == "act-passed"]
    assert len(act) == 1 and act[0]["date"] == newest and "2 trillion won" in act[0]["text"]
    assert ledger.newest_date() == newest
    # the release id names the data's version: schema revision, newest record's day, content digest
    rev, day, digest = ledger.release().split(".")
    assert day == "20260312" and len(digest) == 8 and rev == ledger.revision()
    # `verified` is when the records were checked, never the ledger's date
    assert _seed("korea")["verified"] > newest


def test_the_dated_facts_of_2025_11_to_2026_03_are_records(ledger: Ledger) -> None:
    doc = ledger.dump()
    events = {(m["pledge_id"], m["date"], m["event"]) for m in doc["milestone"]}
    assert {("KR-2025-11", "2025-12-04", "tariff-notice"),
            ("KR-2025-11", "2025-12-22", "fx-pace-review"),
            ("KR-2025-11", "2026-02-13", "implementation-committee"),
            ("KR-2025-11", "2026-03-12", "act-passed"),
            ("JP-2025-09", "2025-10-28", "term-sheet"),
            ("JP-2025-09", "2026-03-04", "candidate-list"),
            ("MY-2025-08", "2025-10-26", "agreement")} <= events
    projects = {p["id"]: p for p in doc["project"]}
    lng = projects["kr-louisiana-lng-request"]
    assert lng["status"] == "interest" and lng["state"] == "LA" and lng["relation"] == "pledge"
    zinc = ledger.project_detail("kr-korea-zinc-smelter")
    assert zinc["relation"] == "related-fdi" and zinc["state"] == "TN"
    assert [a["amount_usd"] for a in zinc["amounts"]] == [7.4e9]
    copper = ledger.project_detail("jp-copper-smelter-candidate")
    assert copper["status"] == "interest" and [a["amount_usd"] for a in copper["amounts"]] == [2e9]
    pledges = {p["id"]: p for p in doc["pledge"]}
    assert pledges["CH-2025-11"]["headline_usd"] == 200e9
    assert pledges["CH-2025-11"]["period_end"] == "2028-12-31"
    assert pledges["MY-2025-08"]["headline_usd"] == 70e9 and pledges["MY-2025-08"]["period_end"] is None
    westinghouse = next(m for m in doc["milestone"] if m["event"] == "term-sheet")
    assert all(f in westinghouse["text"] for f in ("$80B", "20%", "$17.5B"))


def test_every_source_url_of_the_seed_carries_a_reliability_mark(ledger: Ledger) -> None:
    marks = {s["url"]: s["reliability"] for s in ledger.dump()["source"]}
    used = {u for kind, recs in ledger.dump().items() if isinstance(recs, list)
            for r in recs if isinstance(r, dict) for u in (r.get("sources") or [])}
    new = {u for u in used if any(k in u for k in ("10676140", "10693013", "news.az", "itiger",
                                                     "vietnamplus", "citynews", "2478125"))}
    assert len(new) == 7 and not new - set(marks)
    assert marks["https://www.itiger.com/news/2556680712"] == "aggregator"


def test_records_resting_only_on_aggregators_are_flagged(ledger: Ledger) -> None:
    report = {f.pledge: f for f in status_report(ledger, dt.date(2026, 3, 12))}
    weak = set(report["JP-2025-09"].weak_sources)
    # the second-round report rests on two relays of Reuters (News.Az, Tradevae): weak
    assert {"milestone:JP-2025-09@2026-03-04/candidate-list", "project:jp-copper-smelter-candidate"} <= weak
    # Malaysia's pledge rests on an aggregator and on the Vietnam News Agency (wire): not weak
    assert "pledge:MY-2025-08" not in report["MY-2025-08"].weak_sources
    # the Special Act rests on the Korea Herald and CNA (press)
    assert not any("act-passed" in w for w in report["KR-2025-11"].weak_sources)
    # Japan's first Consultation Committee meeting now rests on Jiji Press and the Yomiuri; the
    # second still rests on an aggregator alone and stays listed
    assert "milestone:JP-2025-09@2025-12-18/committee" not in weak
    assert "milestone:JP-2025-09@2025-12-23/committee" in weak


def test_the_federal_register_notice_is_the_primary_source(ledger: Ledger) -> None:
    doc = ledger.dump()
    fr = "https://www.govinfo.gov/content/pkg/FR-2025-12-04/html/2025-21940.htm"
    assert {s["url"]: s["reliability"] for s in doc["source"]}[fr] == "primary"
    notice = next(m for m in doc["milestone"] if m["event"] == "tariff-notice")
    assert notice["date"] == "2025-12-04" and fr in notice["sources"]
    assert "2025-11-01" in notice["text"] and "2025-11-14" in notice["text"]


@pytest.mark.parametrize(("today", "age", "stale"), [
    # 2026-03-12 to 2026-06-10: 19 (rest of March) + 30 + 31 + 10 = 90 days, not more than 90
    (dt.date(2026, 6, 10), 90, False),
    (dt.date(2026, 6, 11), 91, True),
    # to 2026-12-02: 19 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 2 = 265 days
    (dt.date(2026, 12, 2), 265, True),
    (dt.date(2026, 3, 12), 0, False),
])
def test_freshness_counts_days_from_the_newest_record(today: dt.date, age: int, stale: bool) -> None:
    f = freshness(dt.date(2026, 3, 12), today)
    assert (f.age_days, f.stale) == (age, stale) and STALE_AFTER_DAYS == 90
    assert ("ledger import" in f.message()) == stale
    assert freshness(None, today).stale


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    run = "import sys; from pledgelab.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", run, "ledger", "status", "--database", url,
                           "--format", "json", *args], capture_output=True, text=True, timeout=120)


def test_ledger_status_warns_when_the_record_is_old(ledger: Ledger) -> None:
    url = ledger.engine.url.render_as_string(hide_password=False)
    old = _cli(url, "--today", "2026-12-02")
    assert old.returncode == 0, old.stderr
    assert "warning: Out of date? The newest record is dated 2026-03-12, 265 days before 2026-12-02" \
        in old.stderr and "ledger import" in old.stderr
    fresh = _cli(url, "--today", "2026-04-01")
    assert fresh.returncode == 0 and "warning" not in fresh.stderr
    assert "Up to date" in fresh.stdout
    bad = _cli(url, "--today", "2026-13-01")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_pledge_to_gdp_and_selected_to_headline(ledger: Ledger) -> None:
    macro = yaml.safe_load((DATA / "macro" / "korea.yaml").read_text(encoding="utf-8"))
    kr_gdp = macro["economies"]["KR"]["series"]["gdp_usd"]["observations"][-1]
    assert kr_gdp["date"] <= dt.date(2026, 3, 12)
    ratios = {r.pledge: r for r in pledge_ratios(ledger, dt.date(2026, 3, 12))}
    kr = ratios["KR-2025-11"]
    assert kr.gdp is not None and kr.gdp.value == float(kr_gdp["value"])  # PyYAML reads 1.868e12 as text
    assert kr.pledge_to_gdp == pytest.approx(350e9 / float(kr_gdp["value"]))  # 350 / 1,868 = 18.74%
    assert kr.selected_to_headline == 0  # nothing selected under Korea's pledge
    # Japan: the three projects of 2026-02-17 (preferred amounts in the seed) over $550B
    jp_seed = [r for r in _seed("japan")["records"] if r.get("tranche_id") == "JP-T1"]
    selected = sum(float(a["amount_usd"]) for r in jp_seed for a in r["amounts"] if a.get("preferred"))
    assert selected == pytest.approx(36e9)
    jp = ratios["JP-2025-09"]
    assert jp.selected_to_headline == pytest.approx(selected / 550e9)  # 6.55%
    # an economy with no cited GDP in the macro data gets None and says so, never a guess
    assert ratios["MY-2025-08"].gdp is None and ratios["MY-2025-08"].pledge_to_gdp is None
    assert "no cited GDP" in (ratios["MY-2025-08"].note or "")
    # the figure dated by the report's date: 2024's GDP (dated 2024-12-31) is not known mid-2024
    assert macro_gdp("KR", dt.date(2026, 3, 12)) == kr.gdp
    assert macro_gdp("KR", dt.date(2024, 6, 30)) is None and macro_gdp("ZZ", dt.date(2026, 3, 12)) is None
    # before the announcement there is no headline and so no ratio
    early = {r.pledge: r for r in pledge_ratios(ledger, dt.date(2025, 1, 1))}
    assert early["KR-2025-11"].pledge_to_gdp is None


def test_ratios_take_any_cited_gdp_lookup(ledger: Ledger) -> None:
    seen: list[tuple[str, dt.date]] = []

    def lookup(investor: str, when: dt.date) -> Gdp | None:
        seen.append((investor, when))
        return Gdp(value=1e12, period_end=dt.date(2024, 12, 31), status="reported",
                   sources=("https://example.org/gdp",), file="test") if investor == "CH" else None

    ratios = {r.pledge: r for r in pledge_ratios(ledger, dt.date(2026, 3, 12), gdp=lookup)}
    assert ratios["CH-2025-11"].pledge_to_gdp == pytest.approx(0.2)  # 200 / 1,000
    assert ("CH", dt.date(2026, 3, 12)) in seen and ratios["KR-2025-11"].gdp is None


def test_docs_say_how_to_bring_the_ledger_up_to_date() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text(encoding="utf-8")
    section = text[text.index("## Bringing the ledger up to date"):]
    section = section[:section.index("\n## ", 5)]
    assert "ledger import" in section and "90 days" in section and "--today" in section


def test_the_numbers_docs_ledger_md_quotes_are_the_datas(ledger: Ledger) -> None:
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text(
        encoding="utf-8").split())
    marks = [r for r in _seed("sources")["records"] if r["kind"] == "source"]
    weak = sum(r["reliability"] == "aggregator" for r in marks)
    primary = sum(r["reliability"] == "primary" for r in marks)
    assert primary == 1
    assert f"a reliability mark on each of the {len(marks)} URLs ({weak} aggregators, one primary)" in text
    ratios = {r.pledge: r for r in pledge_ratios(ledger)}
    assert f"Korea's $350B is {100 * (ratios['KR-2025-11'].pledge_to_gdp or 0):.2f}%" in text
    assert f"Japan $36B of $550B, {100 * (ratios['JP-2025-09'].selected_to_headline or 0):.2f}%" in text
    age = freshness(ledger.newest_date(), dt.date(2026, 12, 2)).age_days
    assert f"on 2026-12-02 the warning fires ({age} days)" in text
