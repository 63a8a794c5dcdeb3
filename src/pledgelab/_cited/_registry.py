"""Finding shipped data by name, or user files by path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pledgelab._errors import InputError, NotFoundError, Problem
from pledgelab._limits import MAX_PATH_CHARS

DATA = Path(str(resources.files("pledgelab") / "data"))
_SINGULAR = {"deals": "deal", "scenarios": "scenario", "pipelines": "pipeline", "drivers": "driver file",
             "macro": "macro data file",
             "funding": "funding plan", "safeguard": "safeguard file",
             "workforce/policies": "workforce policy", "workforce/replays": "workforce replay",
             "visas": "visa pathway file"}


def shipped(kind: str) -> dict[str, Path]:
    """Shipped YAML files of one kind (``deals``, ``pipelines``), by id."""
    folder = DATA / kind
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def locate(kind: str, name_or_path: str | Path) -> tuple[Path, str]:
    """Resolve a shipped name or a file path; returns (path, display name).

    A name with a NUL character or longer than :data:`~pledgelab._limits.MAX_PATH_CHARS`
    is refused before the file system is asked.
    """
    if not isinstance(name_or_path, str | Path):
        raise InputError([Problem("argument", 0, "<name>", f"expected a name or a path, got "
                                  f"{type(name_or_path).__name__}")])
    text = str(name_or_path)
    if "\x00" in text or len(text) > MAX_PATH_CHARS:
        shown = text[:80].replace("\x00", "\\x00") + ("..." if len(text) > 80 else "")
        raise InputError([Problem(shown, 0, "<name>",
                                  f"not a usable name or path (a NUL character, or more than "
                                  f"{MAX_PATH_CHARS:,} characters)")])
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml"):
        try:
            found = candidate.exists()
        except OSError as exc:  # a name component too long, a loop of links
            raise NotFoundError([Problem(text, 0, "<file>", f"cannot read: {exc.strerror or exc}")]) from None
        if not found:
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
