"""Helpers the browser tests import by a name no other test folder uses (``conftest`` is taken)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PLEDGELAB = str(Path(sys.executable).with_name("pledgelab"))


def cli(*args: str, database: str | None = None) -> Any:
    """``pledgelab ARGS --format json`` (with ``--database``), parsed: the independent side of a test."""
    cmd = [PLEDGELAB, *args, "--format", "json"] + (["--database", database] if database else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)
