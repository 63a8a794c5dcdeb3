"""Currency and funding: the balance sheet the page shows equals ``pledgelab funding`` by year."""

from __future__ import annotations

from typing import Any

from web_helpers import cli

DEAL = "us-korea-2025-11"
COLUMNS = {"calls": "calls", "reserves": "gross reserves", "liabilities": "liabilities",
           "net_reserves": "net reserves", "no_pledge": "no-pledge reserves"}


def test_reserves_by_year_equal_the_cli_and_the_chart_is_drawn(browser: Any) -> None:
    browser.open(f"/funding?deal={DEAL}")
    browser.wait("document.querySelector('#reserves-chart .main-svg')")
    table = next(t for t in cli("funding", DEAL) if "balance sheet" in t["title"])
    shown = browser.js("return [...document.querySelectorAll('table.funding tbody tr')].map(r => "
                       "[r.dataset.year, ...[...r.querySelectorAll('td')].map(td => td.dataset.value)])")
    assert [r[0] for r in shown] == [r[0] for r in table["rows"]]
    order = ["calls", "reserves", "liabilities", "net_reserves", "no_pledge"]  # the page's first columns
    for row, want in zip(shown, table["rows"], strict=True):
        for i, key in enumerate(order, start=1):
            assert float(row[i]) == want[table["columns"].index(COLUMNS[key])], (row[0], key)
    browser.shots("funding")
    browser.shots("funding-table", at="table.funding")
    browser.check_clean()


def test_a_deal_without_a_funding_plan_says_so(browser: Any) -> None:
    browser.open("/funding?deal=us-japan-2025-09")
    text = browser.js("return document.querySelector('main .error').textContent")
    assert "us-japan-2025-09 has no shipped funding plan" in text and DEAL in text
    browser.check_clean(refused=1)  # the page itself answers 404


def test_currency_pressure_against_the_safeguard_equals_the_cli(browser: Any) -> None:
    browser.open(f"/funding?deal={DEAL}")
    browser.d.find_element("css selector", "a[href*='safeguard=1']").click()
    browser.wait("document.querySelector('#fx-chart .main-svg')", timeout=120)
    table = next(t for t in cli("funding", DEAL, "--safeguard")
                 if "pressure and the FX safeguard" in t["title"])
    shown = browser.js("return [...document.querySelectorAll('table.safeguard tbody tr')].map(r => "
                       "[r.dataset.year, ...[...r.querySelectorAll('td')].map(td => td.textContent)])")
    assert shown == [[str(c) for c in r] for r in table["rows"]]
    browser.shots("funding-safeguard", at="#safeguard")
    browser.check_clean()
