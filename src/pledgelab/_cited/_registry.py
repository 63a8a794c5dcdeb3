"""Finding shipped data by name, or user files by path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pledgelab._errors import NotFoundError, Problem

DATA = Path(str(resources.files("pledgelab") / "data"))
_SINGULAR = {"deals": "deal", "pipelines": "pipeline", "drivers": "driver file", "macro": "macro data file",
             "funding": "funding plan", "safeguard": "safeguard file",
             "workforce/policies": "workforce policy", "workforce/replays": "workforce replay",
             "visas": "visa pathway file"}


def shipped(kind: str) -> dict[str, Path]:
    """Shipped YAML files of one kind (``deals``, ``pipelines``), by id."""
    folder = DATA / kind
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def locate(kind: str, name_or_path: str | Path) -> tuple[Path, str]:
    """Resolve a shipped name or a file path; returns (path, display name)."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml"):
        if not candidate.exists():
            raise NotFoundError([Problem(str(candidate), 0, "<file>", "no such file")])
        return candidate, str(candidate)
    known = shipped(kind)
    if str(name_or_path) in known:
        path = known[str(name_or_path)]
        return path, f"{kind}/{path.name}"
    raise NotFoundError([Problem(
        str(name_or_path), 0, "<name>",
        f"no shipped {_SINGULAR.get(kind, kind)} of that name; known: {', '.join(known) or 'none'}",
    )])
