"""A YAML reader that remembers where every value came from.

PyYAML's composer keeps the start mark of every node; this module turns the
node tree into plain ``dict``/``list``/scalar values wrapped so that each
mapping knows the line of each of its keys. Validation code then reports
``file:line: field: message`` for any value it rejects.
"""

from __future__ import annotations

import os
import pickle
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from pledgelab._errors import InputError, Problem
from pledgelab._limits import MAX_FILE_BYTES, MAX_PATH_CHARS, MAX_YAML_DEPTH, MAX_YAML_NODES


class _Loader(yaml.SafeLoader):
    """Safe loader that also reads ``350e9`` as a float (YAML 1.1 needs a dot).

    It also bounds nesting while the node tree is composed (PyYAML's composer is
    recursive: a file of ten thousand ``[`` would end in a RecursionError).
    """

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _LimitHit(mark.line + 1, f"nested more than {MAX_YAML_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _LimitHit(Exception):
    """A resource limit reached while parsing: (line, message)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


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


class _Budget:
    """Counts values built from the node tree: aliases re-use nodes, so a small file
    can stand for billions of values ("billion laughs"); the count stops it."""

    __slots__ = ("left", "path")

    def __init__(self) -> None:
        self.left = MAX_YAML_NODES
        self.path: set[int] = set()  # nodes on the way down, to name a recursive alias


def _convert(node: yaml.Node, loader: _Loader, file: str, field: str, budget: _Budget | None = None,
             depth: int = 1) -> Any:
    budget = budget if budget is not None else _Budget()
    line = node.start_mark.line + 1
    budget.left -= 1
    if budget.left < 0:
        raise _LimitHit(line, f"more than {MAX_YAML_NODES:,} values (aliases included): "
                              "anchors and aliases that expand without bound are refused")
    if id(node) in budget.path:
        raise _LimitHit(line, "an alias refers to the mapping or list that contains it")
    if depth > MAX_YAML_DEPTH:
        raise _LimitHit(line, f"nested more than {MAX_YAML_DEPTH} levels deep (aliases included)")
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        budget.path.add(id(node))
        try:
            return _collection(node, loader, file, field, budget, depth)
        finally:
            budget.path.discard(id(node))
    return _scalar(node, loader, file, field)


def _scalar(node: yaml.Node, loader: _Loader, file: str, field: str) -> Any:
    """Construct one scalar; a value its tag cannot hold (2025-02-30) is a located problem."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        raise
    except (ValueError, OverflowError, TypeError, ArithmeticError) as exc:
        what = "a valid date" if node.tag.endswith(":timestamp") else f"a valid {node.tag.rsplit(':', 1)[-1]}"
        raise InputError([Problem(file, node.start_mark.line + 1, field or "<root>",
                                  f"{_clip(node.value)!r} is not {what} ({_clip(exc, 80)})")]) from None


def _clip(text: Any, n: int = 60) -> str:
    s = str(text)
    return s if len(s) <= n else s[:n] + "..."


def _collection(node: yaml.Node, loader: _Loader, file: str, field: str, budget: _Budget,
                depth: int) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = YMap()
        out.loc = Located(file, line, field)
        out.key_lines = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):  # never expand a collection used as a key
                raise InputError([Problem(file, key_line, field or "<root>", "a key must be text, "
                                          "not a mapping or list")])
            key = _scalar(key_node, loader, file, field)
            if not isinstance(key, str):
                raise InputError([Problem(file, key_line, field or "<root>",
                                          f"key {_clip(key)!r} is not text")])
            if key in out:
                raise InputError(
                    [Problem(file, key_line, _join(field, key), "key appears twice in one mapping")]
                )
            out.key_lines[key] = key_line
            out[key] = _convert(value_node, loader, file, _join(field, key), budget, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = YList()
        seq.loc = Located(file, line, field)
        seq.item_lines = []
        for i, item in enumerate(node.value):
            seq.item_lines.append(item.start_mark.line + 1)
            seq.append(_convert(item, loader, file, f"{field}[{i}]", budget, depth + 1))
        return seq
    raise AssertionError(f"not a collection: {node!r}")


def read_yaml(path: Path, *, display: str | None = None) -> YMap:
    """Read one YAML document whose top level is a mapping, keeping positions.

    ``display`` is the file name used in messages (defaults to ``path``). The
    file must be a regular file (not a FIFO, a device such as ``/dev/zero`` or a
    folder: refused before reading) of at most :data:`~pledgelab._limits.MAX_FILE_BYTES`,
    UTF-8 text without NUL bytes; see :func:`parse_yaml` for the limits on its content.
    """
    name = display or str(path)
    text = read_text(path, name)
    # Many variants of one deal (sensitivity, frontiers) re-read the same file: the tree of
    # the same text under the same name is parsed once and handed out as a fresh copy.
    key = (name, text)
    cached = _PARSED.get(key)
    if cached is None:
        cached = pickle.dumps(parse_yaml(text, name), protocol=pickle.HIGHEST_PROTOCOL)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = cached
    tree: YMap = pickle.loads(cached)
    return tree


_PARSED: dict[tuple[str, str], bytes] = {}  # (name, text) -> pickled tree, oldest first
_PARSED_MAX = 32


def read_text(path: Path, name: str, *, limit: int = MAX_FILE_BYTES, what: str = "file") -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, or a located InputError.

    Used by every reader of user files (cited YAML here, the ledger's CSV and JSON
    imports with their own ``limit``), so the checks are the same everywhere.
    """
    def refuse(message: str, line: int = 0) -> InputError:
        return InputError([Problem(name, line, "<file>", message)])

    text = str(path)
    if "\x00" in text:
        raise refuse("a file name cannot contain a NUL character")
    if len(text) > MAX_PATH_CHARS:
        raise refuse(f"the file name is longer than {MAX_PATH_CHARS:,} characters")
    try:
        st = os.stat(path)
    except OSError as exc:
        raise refuse(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise refuse(f"not a regular file ({_kind(st.st_mode)}); give the path of a {what}")
    if st.st_size > limit:
        raise refuse(f"the {what} is {st.st_size:,} bytes; the limit is {limit:,}")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO after the check, opening does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise refuse(f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise refuse("not a regular file")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise refuse(f"the {what} is larger than the limit of {limit:,} bytes")
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text (a byte-order mark allowed); NUL bytes and other encodings refused."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError([Problem(name, 1, "<file>", "the file is UTF-16; save it as UTF-8")])
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError([Problem(name, data.count(b"\n", 0, nul) + 1, "<file>",
                                  "the file holds a NUL byte: it is binary, or not UTF-8 text")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError([Problem(name, line, "<file>", f"not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                  "save the file as UTF-8")]) from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def parse_yaml(text: str, name: str) -> YMap:
    """Parse YAML text (see :func:`read_yaml`), within the limits of :mod:`pledgelab._limits`.

    At most :data:`~pledgelab._limits.MAX_FILE_BYTES` of text, nesting of
    :data:`~pledgelab._limits.MAX_YAML_DEPTH` and
    :data:`~pledgelab._limits.MAX_YAML_NODES` values once aliases are expanded;
    an alias inside its own anchor, a collection used as a key and a scalar its
    tag cannot hold (``2025-02-30``) are located problems, never a traceback.
    """
    if len(text) > MAX_FILE_BYTES:
        raise InputError([Problem(name, 0, "<file>", f"the text is larger than the limit of "
                                  f"{MAX_FILE_BYTES:,} characters")])
    if "\x00" in text:
        raise InputError([Problem(name, text.count("\n", 0, text.index("\x00")) + 1, "<file>",
                                  "the text holds a NUL character")])
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here, before parsing
        node = loader.get_single_node()
        if node is None:
            raise InputError([Problem(name, 1, "<root>", "the file is empty")])
        root = _convert(node, loader, name, "")
    except _LimitHit as exc:
        raise InputError([Problem(name, exc.line, "<limits>", exc.message)]) from None
    except RecursionError:  # a last resort: the limits above should stop any file first
        raise InputError([Problem(name, 0, "<limits>", "nested too deeply to read")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise InputError([Problem(name, line, "<syntax>", f"not valid YAML: {exc.problem}")]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError([Problem(name, line, "<syntax>", f"not valid YAML: {exc.reason} "
                                  f"(character {exc.character!r})")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, 0, "<syntax>", f"not valid YAML: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(root, YMap):
        raise InputError([Problem(name, 1, "<root>", "expected a mapping at the top of the file")])
    return root
