"""The cited seed records shipped in ``data/ledger/`` and their reader.

A seed file::

    schema: pledgelab.ledger-seed/1
    id: japan                      # the file name
    title: ...
    verified: 2026-11-29           # default verification date of every record
    references: {key: {title, url, date?}}
    records:                       # in order; each goes through the same checks as an API write
      - kind: pledge               # pledge | milestone | tranche | project | status | call | claim ...
        refs: [key, ...]           # the record's sources (URLs from the table above)
        ...                        # the kind's fields (see ledger/_fields.py)
        override: reason           # optional: record it although it breaks a rule, and why

A project may list ``amounts`` (each with its own ``refs``): reported values
that disagree are all kept, one marked ``preferred``. Values the record does
not state are left out (``amount_usd`` absent) or flagged ``estimate: true``
with an ``estimate_reason``; nothing is filled in silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pledgelab._cited import Checker, YMap, open_cited, shipped
from pledgelab.ledger._fields import FIELDS
from pledgelab.ledger._ledger import Where

SCHEMA_ID = "pledgelab.ledger-seed/1"
ORDER = ("sources", "japan", "korea", "other-pledges", "claims")
"""Files whose records others refer to come first."""

Record = tuple[str, dict[str, Any], Where]


def _sources(m: YMap, refs: dict[str, Any], chk: Checker) -> list[str] | None:
    raw = chk.items(m, "refs", "reference keys")
    out = []
    for loc, key in raw.items_located():
        if not isinstance(key, str) or key not in refs:
            chk.add(loc, f"unknown reference {key!r}; the file's references are: {', '.join(sorted(refs))}")
        else:
            out.append(refs[key].url)
    if "refs" not in m:
        chk.add(m.loc, "every record needs its sources in refs", field=f"{m.loc.field}.refs")
    return out or None


def read_seed(path: Path, *, display: str | None = None) -> list[Record]:
    """The records of one seed file, each with its file and line; raises on structure problems."""
    root, chk, head = open_cited(path, schema=SCHEMA_ID, display=display,
                                 required=("schema", "id", "title", "verified", "references", "records"))
    verified = chk.date(root, "verified")
    refs = head.references
    out: list[Record] = []
    for loc, item in chk.items(root, "records", "records").items_located():
        m = chk.mapping(item, loc)
        if m is None:
            continue
        kind = m.get("kind")
        if kind not in FIELDS:
            chk.add(m.at("kind"), f"{kind!r} is not one of: {', '.join(FIELDS)}")
            continue
        data: dict[str, Any] = {k: v for k, v in m.items() if k not in ("kind", "refs", "override")}
        data["sources"] = _sources(m, refs, chk)
        data.setdefault("verified", verified)
        amounts = []
        for a_loc, a in chk.items(m, "amounts", "amounts").items_located():
            am = chk.mapping(a, a_loc)
            if am is not None:
                amounts.append({**{k: v for k, v in am.items() if k != "refs"},
                                "sources": _sources(am, refs, chk), "verified": verified})
        if amounts:
            data["amounts"] = amounts
        if "override" in m:
            data["_override"] = m["override"]
        if kind == "source":  # a mark on one reference's URL: the record is about the source itself
            urls = data.pop("sources") or [None]
            data.pop("verified", None)
            data["url"] = urls[0]
            data.setdefault("title", next((r.title for r in refs.values() if r.url == urls[0]), None))
        out.append((str(kind), data, Where(file=m.loc.file, line=m.loc.line)))
    chk.raise_if_any()
    return out


def load_seed() -> list[Record]:
    """Every shipped seed record, in dependency order."""
    files = shipped("ledger")
    names = [n for n in ORDER if n in files] + [n for n in files if n not in ORDER]
    out: list[Record] = []
    for name in names:
        out.extend(read_seed(files[name], display=f"ledger/{files[name].name}"))
    return out
