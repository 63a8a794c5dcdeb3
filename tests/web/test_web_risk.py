"""Risk: start a simulation in the browser, the progress bar reaches 100%, the fan charts appear, and
the summary equals ``pledgelab simulate`` with the same seed (a few paths)."""

from __future__ import annotations

from typing import Any

from web_helpers import cli

DEAL = "us-korea-2025-11"


def _set(browser: Any, css: str, text: str) -> None:
    from selenium.webdriver.common.keys import Keys
    box = browser.d.find_element("css selector", css)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)


def test_simulation_progress_fan_and_summary_equal_the_cli(browser: Any) -> None:
    browser.open("/risk")
    browser.wait("document.getElementById('deal') && !document.getElementById('fx').disabled")
    _set(browser, "#paths", "200")
    _set(browser, "#seed", "3")
    browser.d.find_element("css selector", "#run").click()
    browser.wait("document.querySelectorAll('#results .js-plotly-plot').length == 4", timeout=120)
    assert browser.js("return document.getElementById('progress').value") == 1
    text = browser.js("return document.getElementById('progress-text').textContent")
    assert "200 of 200 paths (100%)" in text
    for party in ("US", "KR", "KR-FIRMS"):
        assert browser.js(f"return !!document.querySelector('#fan-{party} .main-svg')")
    summary = next(t for t in cli("simulate", DEAL, "--paths", "200", "--seed", "3")
                   if "paths, drivers default, seed 3" in t["title"])
    cells = browser.js("return [...document.querySelectorAll('table.summary td[data-value]')]"
                       ".map(td => [Number(td.dataset.row), Number(td.dataset.col), td.dataset.value])")
    assert len(cells) == len(summary["rows"]) * (len(summary["columns"]) - 2)
    for row, col, value in cells:
        assert float(value) == summary["rows"][row][col], (row, col)
    shown = browser.js("return document.querySelector('.probabilities').textContent")
    for note in summary["notes"]:
        if note.startswith("P("):
            assert note in shown
    browser.shots("risk")
    browser.shots("risk-charts", at="#npv-chart")
    browser.check_clean()


def test_bad_paths_shows_the_message_beside_the_field(browser: Any) -> None:
    job = browser.js("return document.body.dataset.job")
    _set(browser, "#paths", "abc")
    browser.d.find_element("css selector", "#run").click()
    browser.wait("document.getElementById('err-paths').textContent != ''")
    assert browser.js("return document.body.dataset.job") == job
    _set(browser, "#paths", "999999")
    browser.d.find_element("css selector", "#run").click()
    browser.wait("document.getElementById('err-paths').textContent.includes('20000')")
    assert browser.js("return document.querySelectorAll('#results .js-plotly-plot').length") == 4
    browser.check_clean(refused=2)


def test_a_workforce_policy_shows_the_workforce_result_equal_to_the_cli(browser: Any) -> None:
    from selenium.webdriver.support.ui import Select

    browser.open("/risk")
    browser.wait("document.getElementById('deal') && !document.getElementById('fx').disabled")
    labels = browser.js("return [...document.querySelectorAll('#workforce_policy option')].map(o => o.text)")
    assert any(t.startswith("After the raid") for t in labels)  # titles in words, not bare ids
    Select(browser.d.find_element("css selector", "#workforce_policy")).select_by_value("post-raid-2025")
    _set(browser, "#paths", "100")
    _set(browser, "#seed", "4")
    browser.d.find_element("css selector", "#run").click()
    browser.wait("document.querySelector('#workforce-result .num')", timeout=120)
    summary = next(t for t in cli("simulate", DEAL, "--paths", "100", "--seed", "4",
                                  "--workforce-policy", "post-raid-2025")
                   if "paths, drivers default, seed 4" in t["title"])
    row = next(r for r in summary["rows"] if r[0] == "workforce")
    shown = browser.js("return document.querySelector('#workforce-result .num').dataset.value")
    assert float(shown) == row[2]
    text = browser.js("return document.getElementById('workforce-result').textContent")
    assert "post-raid-2025" in text and "P(an enforcement action at a site)" in text
    browser.check_clean()
