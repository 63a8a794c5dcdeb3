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
    progress = browser.js("return document.getElementById('progress-text').textContent")
    assert "200 of 200 paths (100%)" in progress and "two runs of 100 paths" in progress
    # The attribution: the CLI's table (its second run without the delays), cell by cell.
    table = next(t for t in cli("simulate", DEAL, "--paths", "100", "--seed", "4",
                                "--workforce-policy", "post-raid-2025")
                 if "what the workforce delays do" in t["title"])
    shown = browser.js("return [...document.querySelectorAll('table.attribution tbody tr')].map(r => "
                       "[r.querySelector('th').textContent, ...[...r.querySelectorAll('td')]"
                       ".map(td => td.dataset.value)])")
    assert [r[0] for r in shown] == [r[0] for r in table["rows"]]
    for row, want in zip(shown, table["rows"], strict=True):
        assert [None if v == "" else float(v) for v in row[1:]] == want[1:], row[0]
    assert "100 paths run with and without" in browser.js(
        "return document.getElementById('workforce-attribution').textContent")
    browser.shots("risk-workforce-attribution", at="#workforce-attribution")
    browser.check_clean()


def _live_safeguard(browser: Any) -> None:
    browser.open("/risk")
    browser.wait("document.getElementById('deal') && !document.getElementById('fx').disabled")
    assert browser.js("return document.getElementById('fx_impact').disabled")  # only with the live switch
    browser.d.find_element("css selector", "#fx_feedback").click()
    browser.wait("!document.getElementById('fx_impact').disabled")


def test_the_fx_impact_equals_the_cli_with_fx_impact(browser: Any) -> None:
    _live_safeguard(browser)
    choices = browser.js("return [...document.querySelectorAll('#fx-impact-choices button')]"
                         ".map(b => b.dataset.value)")
    assert "0.005" in choices  # the safeguard file's alternatives, offered as choices
    browser.d.find_element("css selector", "#fx-impact-choices button[data-value='0.005']").click()
    assert browser.js("return document.getElementById('fx_impact').value") == "0.005"
    _set(browser, "#paths", "100")
    _set(browser, "#seed", "2")
    browser.d.find_element("css selector", "#run").click()
    browser.wait("document.querySelector('#fx-result .num')", timeout=120)
    out = cli("simulate", DEAL, "--paths", "100", "--seed", "2", "--fx-feedback", "--fx-impact", "0.005")
    summary = next(t for t in out if "paths, drivers default, seed 2" in t["title"])
    cells = browser.js("return [...document.querySelectorAll('table.summary td[data-value]')]"
                       ".map(td => [Number(td.dataset.row), Number(td.dataset.col), td.dataset.value])")
    assert len(cells) == len(summary["rows"]) * (len(summary["columns"]) - 2)
    for row, col, value in cells:
        assert float(value) == summary["rows"][row][col], (row, col)
    krw = [r for r in summary["rows"] if r[0] == "KRW"]
    shown = browser.js("return [...document.querySelectorAll('#fx-result .num')].map(e => e.dataset.value)")
    assert [float(v) for v in shown] == [r[2] for r in krw]
    text = browser.js("return document.getElementById('fx-result').textContent")
    assert "impact 0.005 log-points per $1B" in text
    assert any("impact 0.005 log-points" in n for n in summary["notes"])  # the CLI ran at that impact
    browser.shots("risk-fx-impact", at="#fx-result")
    browser.check_clean()


def test_a_bad_fx_impact_shows_the_message_beside_the_field(browser: Any) -> None:
    _live_safeguard(browser)
    _set(browser, "#paths", "50")
    for text, says in (("abc", "valid number"), ("2", "less than or equal to 1")):
        _set(browser, "#fx_impact", text)
        browser.d.find_element("css selector", "#run").click()
        browser.wait(f"document.getElementById('err-fx_impact').textContent.includes({says!r})")
        invalid = browser.js("return document.getElementById('fx_impact').getAttribute('aria-invalid')")
        assert invalid == "true"
        assert browser.js("return document.body.dataset.job") is None  # nothing started
    browser.check_clean(refused=2)
