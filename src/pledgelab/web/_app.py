"""The workbench's routes: page shells, server-rendered pages, static assets and the scenario file.

Positions, What if, Risk and Money at work are HTML shells; their scripts
(``static/*.js``) call ``/v1`` and the ledger endpoints and draw what comes
back. Currency and funding, Tariffs and Workforce are rendered here from the
same library calls as their CLI commands (:mod:`pledgelab.web._funding`,
``_tariffs``, ``_workforce``), since ``/v1`` has no routes for them. Nothing is
computed in this package: ``/whatif/scenario.yaml`` writes the variant as a
scenario file (``schema: pledgelab.scenario/1``, the format
:func:`pledgelab.terms.read_scenario` reads) and checks it with that reader
before it is sent.

References
----------
PolicyEngine's web app: one parameter edited at a time with its unit, the
result beside the baseline, the reform shareable as a link
(policyengine-app ``?reform=`` query; v2 ``shareUtils.ts``).
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from pledgelab._cited import shipped
from pledgelab._errors import InputError
from pledgelab.terms import SCENARIO_SCHEMA, load_deal
from pledgelab.web._funding import funded_deals, funding_html
from pledgelab.web._tariffs import tariff_deals, tariffs_html
from pledgelab.web._workforce import cases, policies, workforce_html

STATIC = Path(__file__).resolve().parent / "static"
SCENARIO_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_OVERRIDES_TEXT = 20_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of the workbench: its address, its name in the menu, its script."""

    path: str
    name: str
    title: str
    script: str
    intro: str
    charts: bool = False
    server: bool = False  # rendered on the server from the library (no static shell)


PAGES: tuple[Page, ...] = (
    Page(path="/", name="Positions", title="Negotiating positions side by side", script="positions.js",
         intro="Pick deals: the four sticking points in words, then each party's outcomes. Open any "
               "number for the clauses, their status and their sources."),
    Page(path="/whatif", name="What if", title="What if a clause changed?", script="whatif.js",
         intro="Start from a deal and change its clauses (the assumed and disputed ones first). Each "
               "change reruns the deterministic engine; the outcome is shown beside the base."),
    Page(path="/risk", name="Risk", title="Risk: Monte Carlo simulation", script="risk.js", charts=True,
         intro="Run many paths of the project, rate and currency drivers through a deal: the fan of "
               "each party's cumulative cash, the spread of NPV, and the chances of loss."),
    Page(path="/money", name="Money at work", title="Money at work: the ledger of the pledges",
         script="money.js",
         intro="What has really been selected, noticed, funded and built under each pledge, every "
               "record with its sources and the date it was checked; public claims beside the records."),
    Page(path="/funding", name="Currency and funding", title="Currency and funding",
         script="funding.js", charts=True, server=True,
         intro="How the investor pays the capital calls: its reserves with and without the pledge, the "
               "pledge's dollar debt beside them, and what it costs in present value."),
    Page(path="/tariffs", name="Tariffs", title="Tariffs: what the pledge buys off", script="tariffs.js",
         charts=True, server=True,
         intro="The tariff cost avoided each year under each scenario, against the pledge's net cost to "
               "the investor, and when (if ever) the savings cover it."),
    Page(path="/workforce", name="Workforce", title="Workforce: can the factories be staffed?",
         script="workforce.js", charts=True, server=True,
         intro="Foreign specialists need visas; enforcement can stop a site. The start-up delay each "
               "project faces under a visa policy, and a replay of a real case with the reported facts "
               "beside the model."),
)
"""The pages, in the order of the menu."""


def _shell(page: Page, extra: str = "") -> str:
    """The HTML of a page: header, menu, an empty main the page's script fills, footer."""
    current = ' aria-current="page"'
    nav = "".join(f'<li><a href="{p.path}"{current if p is page else ""}>{html.escape(p.name)}</a></li>'
                  for p in PAGES)
    charts = '<script src="/vendor/plotly.min.js" defer></script>' if page.charts else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(page.title)} · pledgelab</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/workbench.css">
{charts}
<script src="/assets/common.js" defer></script>
<script src="/assets/{page.script}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="top">
  <a class="brand" href="/">pledgelab <span>workbench</span></a>
  <nav aria-label="Pages"><ul>{nav}<li><a href="/docs">API</a></li></ul></nav>
</header>
<main id="main" tabindex="-1">
  <h1>{html.escape(page.title)}</h1>
  <p class="intro">{html.escape(page.intro)}</p>
  {extra}
  <div id="app" data-page="{html.escape(page.name)}"><p class="loading">Loading…</p></div>
  <noscript><p class="error">These pages need JavaScript; the same numbers are on the command line
  (<code>pledgelab compare</code>, <code>run</code>, <code>simulate</code>, <code>ledger status</code>)
  and at <a href="/docs">/docs</a>.</p></noscript>
</main>
<footer>Every number comes from the pledgelab library, through this server's API
(<a href="/docs">/docs</a>) or rendered by this server; clauses carry their status (agreed,
reported, assumed, disputed, scenario) and their sources. No request leaves this server.</footer>
</body>
</html>
"""


def _options() -> str:
    """The shipped driver sets, workforce policies (id and title) and FX safeguards by investor (the
    impact clause: value, unit, status, reason, alternatives), for the Risk page's form (a JSON
    island the script reads)."""
    from pledgelab.macro.safeguard import load_safeguard
    from pledgelab.workforce import load_policy

    safeguards = {}
    for name in shipped("safeguard"):
        sg = load_safeguard(name)
        c = sg.impact
        safeguards[sg.investor] = {
            "id": sg.id, "title": sg.title, "impact": float(c.value), "unit": c.unit, "label": c.label,
            "status": str(c.status), "reason": c.reason,
            "alternatives": [{"value": float(a.value), "label": a.label} for a in c.alternatives]}
    data = {"drivers": list(shipped("drivers")),
            "workforce_policies": [{"id": p, "title": load_policy(p).title}
                                   for p in shipped("workforce/policies")],
            "safeguards": safeguards}
    text = json.dumps(data).replace("</", "<\\/")  # a reason's text must not close the script
    return f'<script type="application/json" id="options">{text}</script>'


def scenario_yaml(*, deal: str, overrides: dict[str, Any], scenario_id: str, title: str,
                  reason: str) -> str:
    """The variant ``deal`` + ``overrides`` as a scenario file (``pledgelab.scenario/1``), checked
    by reading it back with :func:`pledgelab.load_deal`; :class:`InputError` if it does not read."""
    base = load_deal(deal)
    doc: dict[str, Any] = {
        "schema": SCENARIO_SCHEMA, "id": scenario_id, "title": title,
        "summary": f"{base.title}, with {len(overrides)} clause(s) changed in the pledgelab workbench.",
        "as_of": base.as_of, "references": {}, "base": deal,
        "overrides": {path: {"value": value, "reason": reason} for path, value in overrides.items()},
    }
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    with tempfile.TemporaryDirectory(prefix="pledgelab-web-") as tmp:
        path = Path(tmp) / f"{scenario_id}.yaml"
        path.write_text(text, encoding="utf-8")
        load_deal(path)
    return text


def _add_server_page(app: FastAPI, path: str, deals: Callable[[], tuple[tuple[str, str], ...]],
                     content: Callable[..., str], needs: str, flag: str | None = None) -> None:
    """A page rendered on the server for ``?deal=ID`` (one of ``deals()``) by ``content(ID)``; with
    ``flag``, ``?FLAG=1`` calls ``content(ID, True)`` (a section computed on request)."""
    page = next(p for p in PAGES if p.path == path)

    def show(request: Request, deal: str = Query("us-korea-2025-11", max_length=120,
                                                 pattern=r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,119}$")
             ) -> HTMLResponse:
        if deal not in dict(deals()):
            known = ", ".join(i for i, _ in deals())
            text = f"{deal} has no {needs}; the deals that have: {known}."
            return HTMLResponse(_shell(page, f'<p class="error" role="alert">{html.escape(text)}</p>'),
                                status_code=404)
        if flag is not None and request.query_params.get(flag) == "1":
            return HTMLResponse(_shell(page, content(deal, True)))
        return HTMLResponse(_shell(page, content(deal)))

    app.add_api_route(path, show, methods=["GET"], include_in_schema=False,
                      name=f"web_{path.strip('/')}")


def add_workbench(app: FastAPI) -> None:
    """Add the workbench's pages (``/``, ``/whatif``, ``/risk``, ``/money``, ``/funding``, ``/tariffs``),
    its assets (``/assets``, ``/vendor/plotly.min.js``) and ``/whatif/scenario.yaml`` to ``app``."""
    for page in PAGES:
        if page.server:
            continue
        body = _shell(page, _options() if page.script == "risk.js" else "")

        def show(body: str = body) -> HTMLResponse:
            return HTMLResponse(body)

        app.add_api_route(page.path, show, methods=["GET"], include_in_schema=False,
                          name=f"web_{page.script.removesuffix('.js')}")

    _add_server_page(app, "/funding", funded_deals, funding_html, "shipped funding plan", flag="safeguard")
    _add_server_page(app, "/tariffs", tariff_deals, tariffs_html, "tariff scenarios and a trade base")
    workforce_page = next(p for p in PAGES if p.path == "/workforce")

    @app.get("/workforce", include_in_schema=False)
    def workforce(policy: str = Query("post-raid-2025", max_length=80),
                  case: str = Query("hl-ga-2025", max_length=80)) -> HTMLResponse:
        wrong = [f"{name} {value!r} is not shipped; choose one of {', '.join(known)}"
                 for name, value, known in (("policy", policy, policies()), ("case", case, cases()))
                 if value not in known]
        if wrong:
            return HTMLResponse(_shell(workforce_page, f'<p class="error" role="alert">'
                                       f'{html.escape("; ".join(wrong))}.</p>'), status_code=404)
        return HTMLResponse(_shell(workforce_page, workforce_html(policy, case)))

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        spec = importlib.util.find_spec("plotly")
        if spec is None or spec.origin is None:
            raise HTTPException(503, "the charts need plotly: pip install 'pledgelab[web]'")
        return FileResponse(Path(spec.origin).parent / "package_data" / "plotly.min.js",
                            media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/whatif/scenario.yaml", include_in_schema=False)
    def scenario(deal: str = Query(max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,119}$"),
                 overrides: str = Query("{}", max_length=MAX_OVERRIDES_TEXT),
                 id: str = Query("workbench-variant", max_length=80),
                 reason: str = Query("Set in the pledgelab workbench.", min_length=1, max_length=2000),
                 ) -> Response:
        if not SCENARIO_ID.match(id):
            raise HTTPException(422, "id: lower-case letters, digits and hyphens, at most 80")
        try:
            given = json.loads(overrides)
        except json.JSONDecodeError as exc:
            raise HTTPException(422, f"overrides: not JSON ({exc.msg})") from None
        if not isinstance(given, dict) or not given:
            raise HTTPException(422, "overrides: give at least one clause path and its value")
        try:
            text = scenario_yaml(deal=deal, overrides=given, scenario_id=id, reason=reason,
                                 title=f"{deal} with {', '.join(given)} changed (workbench)")
        except InputError as exc:
            raise HTTPException(422, [{"field": p.field, "message": p.message} for p in exc.problems]) \
                from None
        return Response(text, media_type="application/x-yaml",
                        headers={"Content-Disposition": f'attachment; filename="{id}.yaml"'})

    app.mount("/assets", StaticFiles(directory=str(STATIC)), name="web-assets")
