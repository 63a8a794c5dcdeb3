"""Money at work: Japan's selected amount and its share at work equal ``pledgelab ledger status``."""

from __future__ import annotations

from typing import Any

from web_helpers import cli


def test_japan_selected_and_at_work_equal_ledger_status(browser: Any, server: Any) -> None:
    browser.open("/money")
    browser.wait("document.querySelector('table.claims')")
    tables = cli("ledger", "status", database=server.database)
    funnel = next(t for t in tables if t["title"].endswith("the funnel"))
    jp = next(r for r in funnel["rows"] if r[0] == "JP-2025-09")
    selected = browser.js("return document.querySelector(\"[data-pledge='JP-2025-09']"
                          "[data-stage='selected']\").dataset.value")
    assert float(selected) == jp[funnel["columns"].index("selected")]
    measures = next(t for t in tables if "measurable base and at work" in t["title"])
    base = next(r for r in measures["rows"] if r[0] == "JP-2025-09" and r[4] == "measurable base")
    shown = browser.js("return document.querySelector(\".at-work[data-pledge='JP-2025-09']\").textContent")
    assert shown == base[measures["columns"].index("at work %")]
    # Japan's records: the three selected projects with their sources and verification dates
    rows = browser.js("return [...document.querySelectorAll('table.projects tbody tr')]"
                      ".map(r => r.textContent)")
    assert sum("selected (" in r for r in rows) == 3
    assert browser.js("return document.querySelectorAll('table.projects tbody tr a').length") >= 3
    browser.shots("money")
    browser.shots("money-records", at="#records")
    browser.check_clean()


def test_a_table_downloads_as_csv_with_the_raw_numbers(browser: Any) -> None:
    import time
    from pathlib import Path

    browser.open("/money")
    browser.wait("document.querySelectorAll('button.csv').length >= 3")
    browser.d.find_element("css selector", "table.projects").find_element(
        "xpath", "ancestor::div[@class='table-wrap']/following-sibling::button[1]").click()
    deadline = time.monotonic() + 20
    while not list(Path(browser.downloads).glob("*.csv")) and time.monotonic() < deadline:
        time.sleep(0.1)
    (path,) = Path(browser.downloads).glob("*.csv")
    lines = path.read_text().splitlines()
    assert lines[0] == "project,company,status (since),\"sector, state\",sources,verified"
    assert len(lines) == 1 + browser.js("return document.querySelectorAll('table.projects tbody tr').length")
    browser.check_clean()
