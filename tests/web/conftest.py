"""Browser tests of the workbench: Debian's chromium driven by Selenium against ``pledgelab serve``.

One server for the session (a throwaway seeded SQLite ledger on a free loopback
port), one browser per module. Every request the page makes is checked to stay
on the loopback address (the browser also maps every other host name to
NOTFOUND), the console must stay free of errors and no image may be broken.
Screenshots of each page at 1280x800 and 390x844 go to ``out/screenshots/``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser sessions are slow: CI's make test runs them (and make test-all), plain make test does not."""
    for item in items:
        if item.nodeid.replace("\\", "/").startswith(("tests/web/", "web/")):
            item.add_marker(pytest.mark.slow)


ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "out" / "screenshots"
PLEDGELAB = str(Path(sys.executable).with_name("pledgelab"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SIZES = ((1280, 800), (390, 844))



def _missing() -> str | None:
    """Why the browser tests cannot run here, or None. (Checked in the fixtures: a skip raised while
    a conftest is imported would stop the whole test run, not skip these tests.)"""
    import importlib.util

    if importlib.util.find_spec("selenium") is None:
        return "pip install 'pledgelab[dev]' (selenium)"
    if importlib.util.find_spec("fastapi") is None or importlib.util.find_spec("plotly") is None:
        return "pip install 'pledgelab[web]'"
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        return "Debian's chromium and chromium-driver are needed: apt-get install chromium chromium-driver"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running ``pledgelab serve``: its base URL and database URL."""

    def __init__(self, base: str, database: str) -> None:
        self.base = base
        self.database = database

    def json(self, path: str, body: Any = None) -> Any:
        """GET (or POST ``body``) ``path`` on the server, parsed."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data,
                                     headers={"Content-Type": "application/json"} if data else {})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``pledgelab serve`` on a free loopback port over a throwaway seeded SQLite ledger."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("web")
    database = f"sqlite:///{tmp / 'ledger.sqlite'}"
    subprocess.run([PLEDGELAB, "ledger", "init", "--database", database], check=True, capture_output=True)
    port = _free_port()
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([PLEDGELAB, "serve", "--database", database, "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("pledgelab serve did not start: "
                                       + (tmp / "serve.log").read_text()) from None
                time.sleep(0.2)
        yield Server(base, database)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class Browser:
    """A headless chromium session with the checks every page must pass."""

    def __init__(self, driver: Any, server: Server, downloads: Path) -> None:
        self.d = driver
        self.server = server
        self.downloads = downloads

    def open(self, path: str) -> None:
        self.d.get(self.server.base + path)

    def wait(self, script: str, timeout: float = 60) -> Any:
        """Poll the JavaScript expression ``script`` until it is truthy; its value."""
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.d, timeout, poll_frequency=0.1).until(
            lambda d: d.execute_script("return " + script))

    def js(self, script: str, *args: Any) -> Any:
        return self.d.execute_script(script, *args)

    def size(self, width: int, height: int) -> None:
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1,
                                "mobile": width < 600})

    def shots(self, name: str, at: str | None = None) -> list[Path]:
        """Screenshots of the page at both sizes (the visible viewport, from the top or scrolled to the
        element ``at``), then back to 1280x800."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        out = []
        for w, h in SIZES:
            self.size(w, h)
            time.sleep(0.3)  # let the layout (and Plotly's resize) settle before the capture
            self.js("arguments[0] ? document.querySelector(arguments[0]).scrollIntoView() "
                    ": window.scrollTo(0, 0)", at)
            time.sleep(0.05)
            png = self.d.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"]
            path = SHOTS / f"{name}-{w}x{h}.png"
            path.write_bytes(base64.b64decode(png))
            out.append(path)
        self.size(*SIZES[0])
        return out

    def check_clean(self, *, refused: int = 0) -> None:
        """No request left the loopback address, no console error, no broken image. ``refused``: the
        number of 4xx answers the test provoked on purpose (the browser logs each as an error)."""
        perf = self.d.get_log("performance")
        urls = set()
        for entry in perf:
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.requestWillBeSent":
                urls.add(msg["params"]["request"]["url"])
        local = ("http://127.0.0.1:", "data:", "blob:", "about:")
        outside = sorted(u for u in urls if not u.startswith(local))
        assert not outside, f"requests left the loopback address: {outside}"
        errors = [e for e in self.d.get_log("browser") if e["level"] == "SEVERE"]
        provoked = [e for e in errors if e["source"] == "network" and "status of 4" in e["message"]]
        assert len(provoked) == refused, f"4xx answers: {provoked}"
        errors = [e for e in errors if e not in provoked]
        assert not errors, f"console errors: {errors}"
        broken = self.js("return [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                         ".map(i => i.src)")
        assert not broken, f"broken images: {broken}"


@pytest.fixture(scope="module")
def browser(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One chromium session for a test module; every other host than 127.0.0.1 resolves to nothing."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download anything
    downloads = tmp_path_factory.mktemp("downloads")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--no-first-run", "--disable-extensions",
                "--window-size=1280,800"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow",
                                                          "downloadPath": str(downloads)})
    b = Browser(driver, server, downloads)
    b.size(*SIZES[0])
    try:
        yield b
    finally:
        driver.quit()
