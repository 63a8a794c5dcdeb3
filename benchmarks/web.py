"""Speed of the web workbench, measured in Debian's headless chromium on localhost (issue 12).

Starts ``pledgelab serve`` on a free loopback port over a throwaway seeded SQLite ledger and
measures, from the browser's side: the first load of each page (navigation to its content drawn),
a what-if round trip (change a clause -> new numbers drawn) and a 10,000-path simulation from the
click to the fan chart. Not a test: it prints the times (median of a few tries) for
docs/performance.md. Goals: first load < 1 s, what-if round trip < 300 ms.

    .venv/bin/python benchmarks/web.py [--paths 10000] [--tries 5]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

PLEDGELAB = str(Path(sys.executable).with_name("pledgelab"))
PAGES = {"/": "document.querySelector('table.outcomes td[data-metric]')",
         "/whatif": "document.querySelector('td[data-side=variant]')",
         "/risk": "document.getElementById('deal') && !document.getElementById('fx').disabled",
         "/money": "document.querySelector('table.claims')",
         "/funding": "document.querySelector('#reserves-chart .main-svg')",
         "/tariffs": "document.querySelector('#savings-chart .main-svg')",
         "/workforce": "document.querySelector('table.replay')"}


def _until(d: webdriver.Chrome, script: str, timeout: float = 600) -> None:
    WebDriverWait(d, timeout, poll_frequency=0.005).until(lambda d: d.execute_script("return " + script))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--tries", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pledgelab-web-bench-"))
    db = f"sqlite:///{tmp / 'ledger.sqlite'}"
    subprocess.run([PLEDGELAB, "ledger", "init", "--database", db], check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([PLEDGELAB, "serve", "--database", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
              "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        opts.add_argument(a)
    d = None
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        d.get(base + "/")  # warm: the server's first run compiles the kernel
        _until(d, PAGES["/"])
        print(f"{'measure':52s} {'median':>9s} {'min':>9s} {'max':>9s}")

        def report(name: str, times: list[float]) -> None:
            print(f"{name:52s} {statistics.median(times) * 1e3:7.0f} ms {min(times) * 1e3:6.0f} ms "
                  f"{max(times) * 1e3:6.0f} ms")

        for path, ready in PAGES.items():
            times, inpage = [], []
            for _ in range(args.tries):
                d.get("about:blank")
                t0 = time.perf_counter()
                d.get(base + path)
                _until(d, f"({ready}) && document.body.dataset.drawnAt")
                times.append(time.perf_counter() - t0)
                inpage.append(float(d.execute_script("return document.body.dataset.drawnAt")) / 1e3)
            report(f"first load {path}: WebDriver get -> content seen", times)
            report(f"first load {path}: in page, navigation -> drawn", inpage)
        d.get(base + "/whatif?deal=us-korea-2025-11")
        _until(d, PAGES["/whatif"])
        box = d.find_element("css selector", '.clause[data-path="timeline.annual_cap"] [data-input]')
        times, inpage = [], []
        for i in range(args.tries * 2):
            seen = d.execute_script("return document.body.dataset.answers || '0'")
            box.send_keys(Keys.CONTROL, "a")
            box.send_keys(f"{14 + i % 4}e9")
            t0 = time.perf_counter()
            box.send_keys(Keys.TAB)
            _until(d, f"(document.body.dataset.answers || '0') != '{seen}' && document.body.dataset.runs")
            times.append(time.perf_counter() - t0)
            inpage.append(float(d.execute_script("return document.body.dataset.lastMs")) / 1e3)
        report("what-if round trip: WebDriver TAB -> numbers seen", times)
        report("what-if round trip: in page, change -> new numbers drawn", inpage)
        # warm the server's simulation path (its first job compiles the kernel), then time a fresh seed
        start = urllib.request.Request(base + "/v1/simulations", method="POST",
                                       data=b'{"deal": "us-korea-2025-11", "paths": 64, "seed": 1}',
                                       headers={"Content-Type": "application/json"})
        job = json.loads(urllib.request.urlopen(start, timeout=60).read())["id"]
        while json.loads(urllib.request.urlopen(f"{base}/v1/simulations/{job}").read())["status"] != "done":
            time.sleep(0.2)
        d.get(base + "/risk")
        _until(d, PAGES["/risk"])
        for sel, text in (("#paths", str(args.paths)), ("#seed", str(int(time.time()) % 100_000))):
            el = d.find_element("css selector", sel)
            el.send_keys(Keys.CONTROL, "a")
            el.send_keys(text)
        t0 = time.perf_counter()
        d.find_element("css selector", "#run").click()
        _until(d, "document.querySelectorAll('#results .js-plotly-plot').length >= 2")
        report(f"simulation of {args.paths:,} paths, click -> fan chart", [time.perf_counter() - t0])
    finally:
        if d is not None:
            d.quit()
        proc.terminate()
        proc.wait(timeout=15)


if __name__ == "__main__":
    main()
