"""Workforce: the staffing plan, the delay by project and the Georgia (HL-GA) replay equal
``pledgelab workforce plan``, ``delays`` and ``replay``."""

from __future__ import annotations

from typing import Any

from web_helpers import cli


def test_delays_and_replay_equal_the_cli(browser: Any) -> None:
    browser.open("/workforce?policy=post-raid-2025&case=hl-ga-2025")
    browser.wait("document.querySelector('table.replay') && document.querySelector('#plan-chart .main-svg')",
                 timeout=120)
    plan = next(t for t in cli("workforce", "plan") if t["title"].startswith("Staffing plan"))
    rows = browser.js("return [...document.querySelectorAll('table.plan tbody tr')]"
                      ".map(r => [...r.children].map(c => c.textContent))")
    cols = ["project", "employer", "work", "route", "peak", "visas", "needed from", "months"]
    want = [[str(r[plan["columns"].index(c)]) for c in cols] for r in plan["rows"]]
    assert [[x.replace(",", "") for x in r[:8]] for r in rows] == want
    delays = next(t for t in cli("workforce", "delays")
                  if t["title"].startswith("Workforce delay by project"))
    shown = browser.js("return [...document.querySelectorAll('table.delays tbody tr')].map(r => "
                       "[r.dataset.project, ...[...r.querySelectorAll('td[data-value]')]"
                       ".map(td => Number(td.dataset.value))])")
    assert [r[0] for r in shown] == [r[0] for r in delays["rows"]]
    for got, want in zip(shown, delays["rows"], strict=True):
        assert [round(v, 2) for v in got[1:5]] == want[2:6]  # the CLI rounds months to 2 decimals
        assert got[5:] == want[6:]
    rep = cli("workforce", "replay", "hl-ga-2025")[0]
    cells = browser.js("return [...document.querySelectorAll('table.replay tbody tr')].map(r => "
                       "[r.querySelector('th').textContent, ...[...r.querySelectorAll('td[data-value]')]"
                       ".map(td => td.dataset.value === '' ? null : Number(td.dataset.value))])")
    assert cells == [[r[0], *r[2:7]] for r in rep["rows"]]
    browser.shots("workforce")
    browser.shots("workforce-replay", at="table.replay")
    browser.check_clean()
