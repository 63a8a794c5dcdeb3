"""``pledgelab serve``: the ledger's HTTP API on 127.0.0.1 until interrupted (the ``[web]`` extra)."""

from __future__ import annotations

import argparse

from pledgelab.cli._ledger import open_ledger
from pledgelab.report import Table


def cmd_serve(args: argparse.Namespace) -> list[Table]:
    """``pledgelab serve``: migrate the ledger, then serve the API (OpenAPI at /docs)."""
    from pledgelab.api import serve

    led = open_ledger(args)
    led.migrate()
    print(f"pledgelab ledger API on http://{args.host}:{args.port} (docs at /docs); Ctrl-C stops it")
    serve(led, host=args.host, port=args.port)
    return []
