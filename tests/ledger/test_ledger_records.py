"""Records, seed data, migrations and reports — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from pledgelab.ledger import Ledger, status_report, timeline
from pledgelab.ledger._models import Base
from pledgelab.ledger._report import claims_check
from pledgelab.ledger._seed import load_seed
from pledgelab.terms import load_deal


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    led = Ledger(db_url)
    led.init(seed=False)
    with led.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    led.close()
    assert diff == []


def test_init_twice_seeds_once(ledger: Ledger) -> None:
    before = ledger.release()
    assert ledger.init() == 0
    assert ledger.release() == before


def test_every_seed_record_has_sources_and_a_verification_date(ledger: Ledger) -> None:
    doc = ledger.dump()
    for kind in ("pledge", "milestone", "tranche", "project", "amount", "status", "claim"):
        assert doc[kind], kind
        for rec in doc[kind]:
            assert rec["sources"] and all(u.startswith(("http://", "https://")) for u in rec["sources"])
            assert dt.date.fromisoformat(rec["verified"])


def test_seed_pledges_link_to_their_deals(ledger: Ledger) -> None:
    pledges = {p["id"]: p for p in ledger.dump()["pledge"]}
    assert {"JP-2025-09", "KR-2025-11", "EU-2025", "AE-2025-03", "SA-2025-05", "QA-2025",
            "TW-2026-01"} <= set(pledges)
    for pid, deal_id in (("JP-2025-09", "us-japan-2025-09"), ("KR-2025-11", "us-korea-2025-11")):
        assert pledges[pid]["deal_id"] == deal_id
        assert pledges[pid]["headline_usd"] == load_deal(deal_id).value("amount.headline")
    for pid in ("EU-2025", "AE-2025-03", "SA-2025-05", "QA-2025", "TW-2026-01"):
        assert pledges[pid]["deal_id"] is None and pledges[pid]["caveats"]
    # a headline the sources do not state as a total is flagged, with the reason
    assert pledges["TW-2026-01"]["estimate"] and "Derived" in pledges["TW-2026-01"]["estimate_reason"]


def test_japan_first_tranche_and_korea_nothing_deployed(ledger: Ledger) -> None:
    report = {f.pledge: f for f in status_report(ledger, dt.date(2026, 2, 28))}
    jp, kr = report["JP-2025-09"], report["KR-2025-11"]
    assert jp.counts["selected"] == 3
    assert jp.amounts["selected"] == pytest.approx(36.0e9)  # 33.3 + 2.1 + 0.6, the $36B of 2026-02-17
    assert ledger.get("tranche", "JP-T1")["amount_usd"] == pytest.approx(jp.amounts["selected"])
    assert jp.disbursed == 0 and jp.at_work_share == 0 and jp.measurable_base == 550e9
    # the "up to" interest ceilings are flagged; SoftBank's is left out once Portsmouth is selected
    assert jp.estimated_amounts == 3 and jp.excluded == {"jp-interest-softbank-power": 25e9}
    assert jp.missing_amounts == 7  # the companies named without an amount
    assert jp.firm["interest"] == pytest.approx(36e9) and jp.bounded["interest"] == pytest.approx(225e9)
    # the one Korean project is the US request for a Louisiana LNG terminal ("more than $10B"):
    # interest, not a selection; nothing called or paid
    assert kr.counts["interest"] == 1 and kr.counts["selected"] == 0
    assert kr.bounded["interest"] == pytest.approx(10e9) and kr.firm["interest"] == 0
    assert kr.disbursed == 0 and kr.called == 0
    # HL-GA ($4.3B) and Korea Zinc's smelter ($7.4B, 2025-12-15) are related corporate FDI:
    # shown apart, never added to the pledge
    assert kr.related_fdi == pytest.approx(4.3e9 + 7.4e9) and kr.related_fdi_count == 2
    assert kr.related_fdi_planned_before == pytest.approx(4.3e9)  # planned in 2023, before the pledge
    # Korea's cash is measurable (capital calls), MASGA is not: at work is 0 of $200B, not of $350B
    assert kr.measurable_base == 200e9 and kr.at_work == 0
    assert [p.measurable for p in kr.parts] == [True, False]
    before = {f.pledge: f for f in status_report(ledger, dt.date(2026, 2, 16))}
    assert before["JP-2025-09"].counts["selected"] == 0


def test_hlga_keeps_every_amount_variant_and_its_pause(ledger: Ledger) -> None:
    p = ledger.project_detail("kr-hlga-battery")
    assert sorted(a["amount_usd"] for a in p["amounts"]) == [2e9, 4.3e9, 6e9, 7.59e9]
    assert all(a["sources"] for a in p["amounts"])
    assert [e["status"] for e in p["history"]] == ["under-construction", "paused", "under-construction"]
    assert p["relation"] == "related-fdi"


def test_timeline_and_claims_beside_the_record(ledger: Ledger) -> None:
    steps = timeline(ledger, "JP-2025-09")
    assert steps[0].as_of == dt.date(2025, 7, 22)
    assert [f.amounts["selected"] for f in steps][-1] == pytest.approx(36e9)
    checks = {c.claim["id"]: c for c in claims_check(ledger)}
    assert checks["jp-first-projects-36b"].ledger_value == pytest.approx(36e9)
    assert checks["kr-not-realized"].ledger_value == 0
    cap = load_deal("us-korea-2025-11").value("timeline.annual_cap")
    assert checks["kr-trump-up-front"].ledger_value == cap  # "up front": at most the cap a year
    assert checks["kr-wi-not-cash"].ledger_value == 200e9  # the cash part, not the headline
    assert checks["kr-trump-up-front"].verdict == "false" and checks["kr-wi-not-cash"].verdict == "accurate"


def test_audit_log_is_append_only_in_the_database(ledger: Ledger) -> None:
    assert ledger.audit(limit=1).total > 0
    with pytest.raises(Exception, match="append-only"), ledger.engine.begin() as conn:
        conn.execute(text("UPDATE audit SET actor = 'mallory'"))
    with pytest.raises(Exception, match="append-only"), ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit"))


def test_seed_loader_names_file_line_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pledgelab._errors import InputError
    from pledgelab.ledger._seed import read_seed

    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: pledgelab.ledger-seed/1\nid: bad\ntitle: t\nverified: 2026-01-01\n"
                   "references:\n  a: {title: t, url: https://example.org}\nrecords:\n"
                   "  - kind: pledge\n    id: X\n    refs: [nope]\n  - kind: bogus\n    refs: [a]\n")
    with pytest.raises(InputError) as err:
        read_seed(bad)
    text_ = str(err.value)
    assert "bad.yaml:10: records[0].refs[0]: unknown reference 'nope'" in text_
    assert "bad.yaml:11: records[1].kind" in text_
    assert len(load_seed()) > 30


def test_pledges_count_from_their_announcement_and_reports_default_to_the_newest_record(
        ledger: Ledger) -> None:
    before = {f.pledge: f for f in status_report(ledger, dt.date(2023, 7, 1))}
    kr = before["KR-2025-11"]
    assert kr.headline is None and not kr.announced_by_then and kr.related_fdi == 0
    assert before["TW-2026-01"].headline is None
    # the newest record is Korea's Special Act, passed on 2026-03-12 (not today, not `verified`)
    assert ledger.newest_date() == dt.date(2026, 3, 12)
    assert status_report(ledger)[0].as_of == dt.date(2026, 3, 12)


def test_claims_about_all_pledges_use_pledges_announced_by_then(ledger: Ledger) -> None:
    checks = {c.claim["id"]: c for c in claims_check(ledger)}
    wh = checks["all-white-house-9-6t"]
    dated = {p["id"]: p for p in ledger.dump()["pledge"]}
    expected = sum(p["headline_usd"] for p in dated.values()
                   if p["announced"] and p["announced"] <= "2025-11-01")
    assert wh.ledger_value == expected and "TW-2026-01" not in " ".join(wh.compared)
    assert checks["all-bloomberg-128b-assigned"].ledger_value == 0


def test_migration_0002_keeps_old_claims_and_codes_their_measure(db_url: str) -> None:
    from pledgelab.ledger._store import migrate

    led = Ledger(db_url)
    migrate(led.engine, "0001")
    with led.engine.begin() as conn:
        conn.execute(text("INSERT INTO claims (id, pledge_id, project_id, claimant, said_on, metric, "
                          "amount_usd, quote, version, sources, verified, note) VALUES ('old', NULL, NULL, "
                          "'x', '2026-01-01', 'deployed', 0, 'q', 1, '[]', '2026-01-01', NULL)"))
    led.migrate()
    assert led.revision() == "0005"  # 0004: audit log refuses REPLACE, TRUNCATE; 0005: headlines
    claim = led.get("claim", "old")
    assert claim["measure"] == "at-work" and claim["scope"] == "all" and claim["rests_on"] == []
    led.close()


def test_migrations_go_down_and_up_again_with_the_seed_in_place(seeded: Ledger) -> None:
    from alembic import command
    from alembic.config import Config

    from pledgelab.ledger._store import migrations_path

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    with seeded.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        conn.commit()
    assert seeded.revision() == "0001"
    with seeded.engine.connect() as conn:
        metrics = dict(conn.execute(text("SELECT id, metric FROM claims")).all())
    assert metrics["kr-not-realized"] == "deployed" and metrics["kr-trump-up-front"] == "other"
    seeded.migrate()
    assert seeded.revision() == "0005" and seeded.get("claim", "kr-not-realized")["measure"] == "at-work"
