"""A YAML reader that remembers where every value came from.

PyYAML's composer keeps the start mark of every node; this module turns the
node tree into plain ``dict``/``list``/scalar values wrapped so that each
mapping knows the line of each of its keys. Validation code then reports
``file:line: field: message`` for any value it rejects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from pledgelab._errors import InputError, Problem


class _Loader(yaml.SafeLoader):
    """Safe loader that also reads ``350e9`` as a float (YAML 1.1 needs a dot)."""


# Only true/false are flags: YAML 1.1 would also read yes/no/on/off (and a party
# code "NO") as booleans.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


class Located:
    """Where a value sits: file name, line (1-based) and dotted field path."""

    __slots__ = ("field", "file", "line")

    def __init__(self, file: str, line: int, field: str) -> None:
        self.file = file
        self.line = line
        self.field = field

    def problem(self, message: str, *, field: str | None = None) -> Problem:
        return Problem(self.file, self.line, field or self.field, message)


class YMap(dict[str, Any]):
    """A mapping that knows its own position and the line of each key."""

    loc: Located
    key_lines: dict[str, int]

    def at(self, key: str) -> Located:
        """Position of ``key`` (or of the mapping when the key is absent)."""
        line = self.key_lines.get(key, self.loc.line)
        return Located(self.loc.file, line, _join(self.loc.field, key))


class YList(list[Any]):
    """A sequence that knows its own position and the line of each item."""

    loc: Located
    item_lines: list[int]

    def at(self, index: int) -> Located:
        return Located(self.loc.file, self.item_lines[index], f"{self.loc.field}[{index}]")

    def items_located(self) -> Iterator[tuple[Located, Any]]:
        for i, item in enumerate(self):
            yield self.at(i), item


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _convert(node: yaml.Node, loader: _Loader, file: str, field: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = YMap()
        out.loc = Located(file, line, field)
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise InputError([Problem(file, key_line, field or "<root>", f"key {key!r} is not text")])
            if key in out:
                raise InputError(
                    [Problem(file, key_line, _join(field, key), "key appears twice in one mapping")]
                )
            out.key_lines[key] = key_line
            out[key] = _convert(value_node, loader, file, _join(field, key))
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = YList()
        seq.loc = Located(file, line, field)
        seq.item_lines = []
        for i, item in enumerate(node.value):
            seq.item_lines.append(item.start_mark.line + 1)
            seq.append(_convert(item, loader, file, f"{field}[{i}]"))
        return seq
    return loader.construct_object(node, deep=True)


def read_yaml(path: Path, *, display: str | None = None) -> YMap:
    """Read one YAML document whose top level is a mapping, keeping positions.

    ``display`` is the file name used in messages (defaults to ``path``).
    """
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(name, 0, "<file>", f"cannot read: {exc.strerror}")]) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> YMap:
    """Parse YAML text (see :func:`read_yaml`)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError([Problem(name, 1, "<root>", "the file is empty")])
        root = _convert(node, loader, name, "")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise InputError([Problem(name, line, "<syntax>", f"not valid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, 0, "<syntax>", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if not isinstance(root, YMap):
        raise InputError([Problem(name, 1, "<root>", "expected a mapping at the top of the file")])
    return root
