"""Positions page: the four sticking points of us-ask-2025-09 and us-korea-2025-11 and their outcomes,
each equal to what ``POST /v1/compare`` returns."""

from __future__ import annotations

from typing import Any

DEALS = ["us-ask-2025-09", "us-korea-2025-11"]


def test_sticking_points_and_outcomes(browser: Any, server: Any) -> None:
    browser.open("/?deals=" + ",".join(DEALS))
    browser.wait("document.querySelectorAll('table.outcomes td[data-metric]').length > 0")
    expected = server.json("/v1/compare", {"deals": DEALS})
    assert expected["sticking_points"] == ["method", "amount", "timeline", "losses and dividends"]
    shown = browser.js("return [...document.querySelectorAll('table.points td[data-point]')]"
                       ".map(td => [td.dataset.deal, td.dataset.point, td.querySelector('.point-text')"
                       ".textContent])")
    want = [[c["deal"]["id"], p, c["points"][p]] for p in expected["sticking_points"]
            for c in expected["columns"]]
    assert sorted(shown) == sorted(want)
    headers = browser.js("return [...document.querySelectorAll('table.points tbody th')]"
                         ".map(t => t.textContent)")
    assert headers[:4] == expected["sticking_points"]
    # every outcome number equals /v1/compare's (raw value on the cell; the words are formatted from it)
    cells = browser.js("return [...document.querySelectorAll('table.outcomes td[data-metric]')]"
                       ".map(td => [td.dataset.deal, td.dataset.party, td.dataset.metric, td.dataset.value,"
                       " td.querySelector('summary').textContent])")
    assert len(cells) == sum(len(c["parties"]) for c in expected["columns"]) * 8
    by = {(c["deal"]["id"], p["party"]): p for c in expected["columns"] for p in c["parties"]}
    for deal, party, metric, value, _text in cells:
        want_v = by[(deal, party)][metric]
        if want_v is None or isinstance(want_v, str):
            assert value == (want_v or ""), (deal, party, metric)
        else:
            assert float(value) == want_v, (deal, party, metric)
    kr = next(c for c in cells if c[:3] == ["us-korea-2025-11", "KR", "npv_usd"])
    npv = by[("us-korea-2025-11", "KR")]["npv_usd"]
    assert kr[4] == f"\u2212${abs(npv) / 1e9:,.2f} billion"


def test_every_number_opens_its_explanation(browser: Any) -> None:
    summary = browser.d.find_element(
        "css selector", "td[data-deal='us-korea-2025-11'][data-party='KR'][data-metric='npv_usd'] summary")
    summary.click()
    browser.wait("document.querySelector(\"td[data-deal='us-korea-2025-11'][data-party='KR']"
                 "[data-metric='npv_usd'] .explain code\")")
    text = browser.js("return document.querySelector(\"td[data-deal='us-korea-2025-11'][data-party='KR']"
                      "[data-metric='npv_usd'] .explain\").textContent")
    assert "Discount rate 4.00% a year" in text and "distribution.tiers" in text
    # the clauses behind a sticking point: label, status and sources
    browser.js("document.querySelector(\"td[data-deal='us-korea-2025-11'][data-point='timeline'] "
               "details\").open = true")
    text = browser.js("return document.querySelector(\"td[data-deal='us-korea-2025-11']"
                      "[data-point='timeline'] details\").textContent")
    # Korea's funding lag is `reported` since the 2026 corrections (record-2026 item 9), no longer disputed
    assert "timeline.annual_cap" in text and "agreed" in text and "reported" in text
    browser.shots("positions")
    browser.check_clean()


def test_keyboard_reaches_the_content_and_opens_a_number(browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.open("/?deals=us-korea-2025-11")
    browser.wait("document.querySelectorAll('table.outcomes td[data-metric]').length > 0")
    ActionChains(browser.d).send_keys(Keys.TAB).perform()
    assert browser.js("return document.activeElement.textContent") == "Skip to the content"
    ActionChains(browser.d).send_keys(Keys.TAB).perform()
    assert browser.js("return document.activeElement.getAttribute('href')") == "/"
    cell = "td[data-deal='us-korea-2025-11'][data-party='KR'][data-metric='net_usd']"
    browser.js(f"document.querySelector(\"{cell} summary\").focus()")
    ActionChains(browser.d).send_keys(Keys.ENTER).perform()
    browser.wait(f"document.querySelector(\"{cell} details\").open && "
                 f"document.querySelector(\"{cell} .explain code\")")
    browser.check_clean()
