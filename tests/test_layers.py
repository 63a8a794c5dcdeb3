"""The import graph is the architecture: arrows only point down (docs/architecture.md).

An AST scan of every module under src/pledgelab, lazy imports and TYPE_CHECKING
imports included (an upward arrow is a dependency however it is spelt).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "pledgelab"

# Lowest first. A module may import from its own layer (without a cycle between
# packages) or from a lower one, never from a higher one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_errors", "_months", "_cited", "_extras", "_version", "_limits", "_words"),  # base
    ("terms",),                                     # inputs: the term-sheet schema
    ("pipeline", "drivers", "executors"),           # inputs: projects, random drivers; infrastructure
    ("engine",),                                    # schedule, instruments, waterfall, kernel
    ("metrics",),                                   # NPV, IRR, outcomes by party
    ("macro", "workforce", "ledger"),               # the domain models (library only)
    ("analysis",),                                  # compare, Monte Carlo, attribution
    ("report",),                                    # presentation: tables and charts
    ("cli", "api", "web"),                          # presentation: entry points
)
LAYER = {name: i for i, names in enumerate(LAYERS) for name in names}
BASE = set(LAYERS[0])


def _unit(path: Path) -> str:
    """The top-level package (or module) a file belongs to."""
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import of pledgelab.* in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "pledgelab":
                out += [(node.lineno, f"pledgelab.{a.name}") for a in node.names]
            elif node.module.startswith("pledgelab."):
                out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("pledgelab.")]
    return out


def _edges() -> list[tuple[str, int, str, str]]:
    """(file, line, from unit, imported module) for every cross-unit import."""
    edges = []
    for path in sorted(SRC.rglob("*.py")):
        src = _unit(path)
        if src == "__init__":      # the public facade re-exports from every layer
            continue
        for line, mod in _imports(path):
            if mod.split(".")[1] != src:
                edges.append((str(path.relative_to(SRC)), line, src, mod))
    return edges


def test_every_unit_has_a_layer() -> None:
    units = {_unit(p) for p in SRC.rglob("*.py")} - {"__init__", "__main__"}
    units |= {m.split(".")[1] for *_, m in _edges()}
    missing = sorted(u for u in units if u not in LAYER and u != "data")
    assert not missing, f"add these to LAYERS in tests/test_layers.py and docs/architecture.md: {missing}"


def test_arrows_only_point_down() -> None:
    up = [f"{f}:{line}: {src} (layer {LAYER[src]}) imports {mod} (layer {LAYER[mod.split('.')[1]]})"
          for f, line, src, mod in _edges()
          if src in LAYER and mod.split(".")[1] in LAYER and LAYER[mod.split(".")[1]] > LAYER[src]]
    assert not up, "\n".join(up)


def test_no_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for _, _, src, mod in _edges():
        graph.setdefault(src, set()).add(mod.split(".")[1])

    def reaches(a: str, b: str, seen: set[str]) -> bool:
        """Depth-first: does a path lead from a to b?"""
        todo = [a]
        while todo:
            for n in graph.get(todo.pop(), ()):
                if n == b:
                    return True
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return False

    cycles = sorted({" <-> ".join(sorted((a, b))) for a in graph for b in graph[a] if reaches(b, a, set())})
    assert not cycles, cycles


def test_no_reaching_into_another_package_s_private_modules() -> None:
    bad = [f"{f}:{line}: {mod}" for f, line, src, mod in _edges()
           if mod.split(".")[1] not in BASE and any(p.startswith("_") for p in mod.split(".")[2:])]
    assert not bad, "import the package-level name instead:\n" + "\n".join(bad)


LIBRARY = sorted(n for i, names in enumerate(LAYERS) if i <= LAYER["analysis"] for n in names
                 if (SRC / n).is_dir())


@pytest.mark.parametrize("package", LIBRARY)
def test_library_packages_hold_no_presentation(package: str) -> None:
    names = sorted(str(p.relative_to(SRC)) for p in (SRC / package).rglob("*cli*.py"))
    assert not names, f"command-line code belongs in cli/: {names}"
