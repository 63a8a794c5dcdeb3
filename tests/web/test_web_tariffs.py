"""Tariffs: savings by year and scenario, the pledge's net cost, the break-even, the fund-or-decline
table and the incidence table equal the CLI's."""

from __future__ import annotations

from typing import Any

from web_helpers import cli

DEAL = "us-korea-2025-11"


def test_savings_net_cost_and_break_even_equal_the_cli(browser: Any) -> None:
    browser.open(f"/tariffs?deal={DEAL}")
    browser.wait("document.querySelector('#savings-chart .main-svg')")
    table = next(t for t in cli("tariffs", DEAL) if "tariff cost avoided a year" in t["title"])
    heads = browser.js("return [...document.querySelectorAll('table.tariffs thead th')]"
                       ".map(t => t.textContent)")
    assert heads == table["columns"]
    shown = browser.js("return [...document.querySelectorAll('table.tariffs tbody tr')]"
                       ".map(r => [r.dataset.year, ...[...r.querySelectorAll('td')]"
                       ".map(td => Number(td.dataset.value))])")
    assert shown == table["rows"]
    # the pledge's net cost is minus the investor's NPV of the deterministic run
    cost = float(browser.js("return document.getElementById('net-cost').dataset.value"))
    parties = next(t for t in cli("run", DEAL) if "outcomes by party" in t["title"])
    kr = next(r for r in parties["rows"] if r[0] == "KR")
    assert cost == -kr[parties["columns"].index("NPV")]
    for name in table["columns"][1:]:
        note = next(n for n in table["notes"] if n.startswith(name + ":"))
        shown_be = browser.js(f"return document.querySelector('[data-break-even=\"{name}\"]').textContent")
        assert f": {shown_be}." in note or (shown_be.startswith("never") and "never" in note), name
    browser.shots("tariffs")
    browser.check_clean()


def test_decline_and_incidence_tables_equal_the_cli(browser: Any) -> None:
    browser.open(f"/tariffs?deal={DEAL}")
    browser.wait("document.querySelector('table.decline tbody tr')")
    tables = cli("tariffs", DEAL, "--decline")
    decline = next(t for t in tables if "fund or decline each project" in t["title"])
    first = decline["rows"][0]
    shown = browser.js(f"return document.querySelector('table.decline tr[data-project=\"{first[0]}\"] td')"
                       ".dataset.value")
    assert float(shown) == first[1]  # investor NPV if funded
    count = browser.js("return document.querySelectorAll('table.decline tbody tr').length")
    assert count == len(decline["rows"])
    incidence = next(t for t in tables if "by incidence and volume" in t["title"])
    pv = incidence["columns"].index("PV of benefit")
    cells = browser.js("return [...document.querySelectorAll('table.incidence tbody tr:first-child td')]"
                       ".map(td => td.dataset.value)")
    assert float(cells[pv]) == incidence["rows"][0][pv]
    browser.check_clean()
