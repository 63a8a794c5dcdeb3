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
    shown = _shown(browser)
    assert [r["year"] for r in shown] == [r[0] for r in table["rows"]]
    for row, want in zip(shown, table["rows"], strict=True):
        for key, column in COLUMNS.items():
            assert float(row[key]) == want[table["columns"].index(column)], (row["year"], key)
    assert browser.js("return document.getElementById('plan').dataset.plan") == "korea-mof-2025"
    browser.shots("funding")
    browser.shots("funding-table", at="table.funding")
    browser.check_clean()


def _shown(browser: Any) -> list[dict[str, str]]:
    """The balance sheet as the page shows it: per year, each cell's raw number by its column key."""
    return list(browser.js(
        "return [...document.querySelectorAll('table.funding tbody tr')].map(r => Object.assign("
        "{year: r.dataset.year}, ...[...r.querySelectorAll('td')].map(td => "
        "({[td.dataset.key]: td.dataset.value}))))"))


def test_the_counter_proposal_is_funded_by_its_swap_line_as_the_cli_chooses(browser: Any) -> None:
    counter = "korea-counter-2025-10"
    browser.open(f"/funding?deal={counter}")
    browser.wait("document.querySelector('#reserves-chart .main-svg')")
    table = next(t for t in cli("funding", counter) if "balance sheet" in t["title"])
    assert "(plan korea-with-swap)" in table["title"]  # the CLI's choice, read from its own output
    assert browser.js("return document.getElementById('plan').dataset.plan") == "korea-with-swap"
    plan_text = browser.js("return document.getElementById('plan').textContent")
    assert "swap line" in plan_text and f"names {counter}" in plan_text
    shown = _shown(browser)
    assert [r["year"] for r in shown] == [r[0] for r in table["rows"]]
    sources = table["columns"][2:table["columns"].index("unfunded") + 1]  # the plan's sources, unfunded
    assert "swap-line" in sources
    for row, want in zip(shown, table["rows"], strict=True):
        for key in [*COLUMNS, *sources]:
            column = COLUMNS.get(key, key)
            assert float(row[key]) == want[table["columns"].index(column)], (row["year"], key)
    heads = browser.js("return [...document.querySelectorAll('table.funding thead th')]"
                       ".map(t => t.textContent)")
    assert any(h.startswith("source: Currency swap line") for h in heads)
    browser.shots("funding-counter-swap", at="table.funding")
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
