"""The fields of each record kind, and one checker for every way records come in.

The seed files, ``ledger import`` (CSV or JSON), ``ledger add`` and the HTTP
API all pass through :func:`check_record`, so a field means the same thing
everywhere and a bad value is reported the same way: ``file:line: field:
message``, every problem at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pledgelab._errors import Problem
from pledgelab.ledger._rules import STATUSES
from pledgelab.terms import SECTORS

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
STATE_RE = re.compile(r"^[A-Z]{2}$")
MAX_TEXT = 4000
MAX_USD = 1e14  # more than any pledge on record; beyond it a value is a typo
RELATIONS = ("pledge", "related-fdi")
METRICS = ("headline", "interest", "selected", "funded", "deployed", "operating", "other")
LEDGER_SECTORS = (*SECTORS, "other")


@dataclass(frozen=True, slots=True)
class Field:
    """One field: its type (id, text, date, usd, bool, urls, choice, state, json) and rules."""

    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None


_COMMON = {"sources": Field("urls", True), "verified": Field("date", True), "note": Field("text")}

FIELDS: dict[str, dict[str, Field]] = {
    "pledge": {
        "id": Field("id", True), "country": Field("text", True), "investor": Field("text", True),
        "title": Field("text", True), "headline_usd": Field("usd"), "announced": Field("date"),
        "deal_id": Field("text"), "composition": Field("json", default=[]),
        "caveats": Field("text"), "estimate": Field("bool", default=False),
        "estimate_reason": Field("text"), **_COMMON,
    },
    "milestone": {
        "pledge_id": Field("id", True), "date": Field("date", True), "event": Field("text", True),
        "text": Field("text", True), **_COMMON,
    },
    "tranche": {
        "id": Field("id", True), "pledge_id": Field("id", True), "label": Field("text", True),
        "announced": Field("date", True), "amount_usd": Field("usd"), **_COMMON,
    },
    "project": {
        "id": Field("id", True), "pledge_id": Field("id", True), "tranche_id": Field("id"),
        "relation": Field("choice", choices=RELATIONS, default="pledge"),
        "name": Field("text", True), "sector": Field("choice", True, LEDGER_SECTORS),
        "company": Field("text"), "state": Field("state"),
        "status": Field("choice", True, STATUSES), "status_date": Field("date", True),
        "notice_date": Field("date"), **_COMMON,
    },
    "amount": {
        "project_id": Field("id", True), "amount_usd": Field("usd"), "basis": Field("text", True),
        "as_of": Field("date"), "estimate": Field("bool", default=False),
        "estimate_reason": Field("text"), "preferred": Field("bool", default=False), **_COMMON,
    },
    "status": {
        "project_id": Field("id", True), "status": Field("choice", True, STATUSES),
        "date": Field("date", True), **_COMMON,
    },
    "call": {
        "id": Field("id", True), "project_id": Field("id", True),
        "notice_date": Field("date", True), "funding_date": Field("date", True),
        "amount_usd": Field("usd", True), "deal_tranche": Field("text"),
        "estimate": Field("bool", default=False), **_COMMON,
    },
    "disbursement": {
        "call_id": Field("id", True), "date": Field("date", True), "amount_usd": Field("usd", True),
        **_COMMON,
    },
    "distribution": {
        "project_id": Field("id", True), "date": Field("date", True), "party": Field("text", True),
        "amount_usd": Field("usd", True), **_COMMON,
    },
    "claim": {
        "id": Field("id", True), "pledge_id": Field("id"), "project_id": Field("id"),
        "claimant": Field("text", True), "said_on": Field("date", True),
        "metric": Field("choice", True, METRICS), "amount_usd": Field("usd"),
        "quote": Field("text", True), **_COMMON,
    },
}
"""Writable fields by record kind (the ledger sets ``version`` and derived columns)."""

UPDATABLE: dict[str, tuple[str, ...]] = {
    "pledge": ("title", "headline_usd", "announced", "deal_id", "composition", "caveats",
               "estimate", "estimate_reason", "sources", "verified", "note"),
    "tranche": ("label", "announced", "amount_usd", "sources", "verified", "note"),
    "project": ("tranche_id", "name", "sector", "company", "state", "relation", "sources",
                "verified", "note"),
    "claim": ("claimant", "said_on", "metric", "amount_usd", "quote", "sources", "verified", "note"),
}
"""Fields an update may change. A project's status changes only by a dated status event."""


def _clean_text(value: str) -> str | None:
    """None if ``value`` is text the databases can store (no NUL, valid UTF-8), else why not."""
    if "\x00" in value:
        return "text may not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "text is not valid Unicode"
    if len(value) > MAX_TEXT:
        return f"text longer than {MAX_TEXT} characters"
    return None


def _convert(field: Field, raw: Any) -> tuple[Any, str | None]:
    """(value, None) or (None, problem) for one raw value from YAML, JSON or CSV text."""
    t = field.type
    if t in ("text", "id", "state", "choice"):
        if not isinstance(raw, str):
            return None, f"expected text, got {type(raw).__name__}"
        value = raw.strip()
        bad = _clean_text(value)
        if bad:
            return None, bad
        if t == "id" and not ID_RE.match(value):
            return None, (f"{value!r} is not a valid id (letters, digits, '.', '_', '-'; "
                          "at most 80; starts with a letter or digit)")
        if t == "state" and not STATE_RE.match(value):
            return None, f"{value!r} is not a two-letter US state code"
        if t == "choice" and value not in field.choices:
            return None, f"{value!r} is not one of: {', '.join(field.choices)}"
        if not value:
            return None, "expected non-empty text"
        return value, None
    if t == "date":
        if isinstance(raw, dt.datetime):
            return None, "expected a date (YYYY-MM-DD), got a date and time"
        if isinstance(raw, dt.date):
            return raw, None
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw.strip()), None
            except ValueError:
                pass
        return None, f"expected a date (YYYY-MM-DD), got {raw!r}"
    if t == "usd":
        if isinstance(raw, bool):
            return None, "expected an amount in USD, got true/false"
        if isinstance(raw, str):
            try:
                raw = float(raw.replace(",", "").replace("_", "").strip())
            except ValueError:
                return None, f"expected an amount in USD, got {raw!r}"
        if not isinstance(raw, int | float):
            return None, f"expected an amount in USD, got {type(raw).__name__}"
        x = float(raw)
        if not math.isfinite(x) or x < 0 or x > MAX_USD:
            return None, f"expected a finite amount between 0 and {MAX_USD:g} USD, got {raw!r}"
        return x, None
    if t == "bool":
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
            return raw.strip().lower() in ("true", "yes", "1"), None
        return None, f"expected true or false, got {raw!r}"
    if t == "urls":
        items = raw.replace("|", " ").split() if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not items:
            return None, "expected at least one source URL"
        out = []
        for url in items:
            if not isinstance(url, str) or not re.match(r"^https?://\S+$", url) or _clean_text(url):
                return None, f"expected an http(s) URL, got {url!r}"
            out.append(url)
        return out, None
    if t == "json":
        return raw, None
    raise AssertionError(t)


def check_record(kind: str, raw: Mapping[str, Any], *, file: str, line: int,
                 partial: bool = False, allowed_extra: tuple[str, ...] = ()) -> tuple[dict[str, Any],
                                                                                     list[Problem]]:
    """Convert and check one record; returns the clean values and every problem found.

    ``partial`` (updates) checks only the fields given. Unknown fields are problems,
    except ``allowed_extra``. Empty strings and None mean "not given".
    """
    fields = FIELDS[kind]
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key in raw:
        if key not in fields and key not in allowed_extra:
            problems.append(Problem(file, line, f"{kind}.{key}",
                                    f"unknown field; expected one of: {', '.join(fields)}"))
    for name, field in fields.items():
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if partial:
                if name in raw and field.required:
                    problems.append(Problem(file, line, f"{kind}.{name}", "may not be empty"))
                elif name in raw:
                    out[name] = None
                continue
            if field.required:
                problems.append(Problem(file, line, f"{kind}.{name}", "required field is missing"))
            else:
                out[name] = field.default
            continue
        converted, problem = _convert(field, value)
        if problem:
            problems.append(Problem(file, line, f"{kind}.{name}", problem))
        else:
            out[name] = converted
    return out, problems
