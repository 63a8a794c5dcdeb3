"""The web workbench: the pledges in a browser (needs the ``[web]`` extra).

Server-rendered pages with a little plain JavaScript: Positions, What if, Risk
and Money at work call the computing API (``/v1``) and the ledger endpoints of
the same application; Currency and funding, Tariffs and Workforce are rendered
on the server from the library functions their CLI commands call. Every number
on a page is a number the library returned. Every asset (CSS,
JavaScript, Plotly's bundle from the installed ``plotly`` package) is served by
the application: the pages work with no network.

>>> from pledgelab.api import create_app          # doctest: +SKIP
>>> app = create_app("sqlite:///ledger.sqlite")   # the workbench is at /
"""

from __future__ import annotations

from pledgelab.web._app import PAGES, add_workbench, scenario_yaml

__all__ = ["PAGES", "add_workbench", "scenario_yaml"]
