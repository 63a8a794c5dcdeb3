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
from pledgelab._limits import date_problem, json_problem
from pledgelab.ledger._rules import STATUSES
from pledgelab.terms import SECTORS, shipped

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
STATE_RE = re.compile(r"^[A-Z]{2}$")
MAX_TEXT = 4000
MAX_USD = 1e14  # more than any pledge on record; beyond it a value is a typo
RELATIONS = ("pledge", "related-fdi")
MEASURES = ("headline", "cash", "up-front", "per-year", "interest", "selected", "called", "at-work",
            "operating", "other")
"""What a claim asserts: the pledge's headline, its government cash, what is paid up front, per
year, stated interest, projects selected, money called, money at work, plants operating."""
SCOPES = ("project", "pledge", "several", "all")
VERDICTS = ("accurate", "misleading", "false", "unverifiable")
COMPONENTS = ("government-cash", "loans", "guarantees", "company-investment", "purchases",
              "unspecified")
"""The parts a pledge's headline is made of; ``unspecified`` where the sources give no split."""
MECHANISMS = ("capital-call", "project", "none")
"""How money of a component can be seen at work: disbursements against capital calls, company
projects under construction or operating, or no mechanism at all (not measurable)."""
BOUNDS = ("exact", "up-to", "at-least", "about")
PROJECT_TYPES = ("new", "expansion", "restart", "retrofit")
LINK_RELATIONS = ("part-of", "same-money", "related")
RELIABILITY = ("primary", "wire", "press", "aggregator")
"""Source marks: the issuer's own document, a news agency, reputable press, or a mirror,
aggregator or blog (weak)."""
LEDGER_SECTORS = (*SECTORS, "other")
DISTRICT_RE = re.compile(r"^[A-Z]{2}-(AL|[0-9]{2})$")
REF_RE = re.compile(r"^(pledge|project|tranche|call|claim|milestone|link|amount|status|deal):"
                    r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


@dataclass(frozen=True, slots=True)
class Field:
    """One field: its type (id, text, date, usd, bool, urls, choice, state, json) and rules.

    ``max_len`` bounds a text field below ``MAX_TEXT`` where its database column is narrower
    (``tests/ledger/test_field_widths.py`` checks every bound against the column).
    """

    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    max_len: int = MAX_TEXT


_COMMON = {"sources": Field("urls", True), "verified": Field("date", True), "note": Field("text")}

FIELDS: dict[str, dict[str, Field]] = {
    "pledge": {
        "id": Field("id", True), "country": Field("text", True, max_len=80),
        "investor": Field("text", True, max_len=16),
        "title": Field("text", True), "headline_usd": Field("usd"), "announced": Field("date"),
        "deal_id": Field("deal"), "composition": Field("json", default=[]),
        "caveats": Field("text"), "estimate": Field("bool", default=False),
        "estimate_reason": Field("text"), "period_start": Field("date"), "period_end": Field("date"),
        "currency": Field("choice", choices=("USD",), default="USD"), "price_year": Field("year"),
        **_COMMON,
    },
    "milestone": {
        "pledge_id": Field("id", True), "date": Field("date", True), "event": Field("text", True, max_len=40),
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
        "notice_date": Field("date"), "component": Field("choice", choices=COMPONENTS),
        "project_type": Field("choice", choices=PROJECT_TYPES), "first_announced": Field("date"),
        "site": Field("text"), "latitude": Field("lat"), "longitude": Field("lon"),
        "district": Field("district"), "capacity": Field("text"), "jobs": Field("count"), **_COMMON,
    },
    "amount": {
        "project_id": Field("id", True), "amount_usd": Field("usd"), "basis": Field("text", True),
        "as_of": Field("date", True), "estimate": Field("bool", default=False),
        "estimate_reason": Field("text"), "preferred": Field("bool", default=False),
        "bound": Field("choice", choices=BOUNDS, default="exact"), **_COMMON,
    },
    "status": {
        "project_id": Field("id", True), "status": Field("choice", True, STATUSES),
        "date": Field("date", True), **_COMMON,
    },
    "call": {
        "id": Field("id", True), "project_id": Field("id", True),
        "notice_date": Field("date", True), "funding_date": Field("date", True),
        "amount_usd": Field("usd", True), "deal_tranche": Field("text", max_len=80),
        "component": Field("choice", choices=COMPONENTS),
        "estimate": Field("bool", default=False), **_COMMON,
    },
    "disbursement": {
        "call_id": Field("id", True), "date": Field("date", True), "amount_usd": Field("usd", True),
        **_COMMON,
    },
    "distribution": {
        "project_id": Field("id", True), "date": Field("date", True),
        "party": Field("text", True, max_len=16), "amount_usd": Field("usd", True), **_COMMON,
    },
    "claim": {
        "id": Field("id", True), "pledge_id": Field("id"), "project_id": Field("id"),
        "claimant": Field("text", True), "said_on": Field("date", True),
        "measure": Field("choice", True, MEASURES), "scope": Field("choice", choices=SCOPES),
        "pledge_ids": Field("ids", default=[]), "amount_usd": Field("usd"),
        "quote": Field("text", True), "verdict": Field("choice", choices=VERDICTS),
        "reasoning": Field("text"), "rests_on": Field("refs", default=[]), "reviewer": Field("text"),
        "reviewed_on": Field("date"), **_COMMON,
    },
    "headline": {
        "pledge_id": Field("id", True), "as_of": Field("date", True), "amount_usd": Field("usd"),
        "basis": Field("text", True), "bound": Field("choice", choices=BOUNDS, default="exact"),
        **_COMMON,
    },
    "link": {
        "id": Field("id", True), "relation": Field("choice", True, LINK_RELATIONS),
        "from_kind": Field("choice", True, ("project", "pledge")), "from_id": Field("id", True),
        "to_kind": Field("choice", True, ("project", "pledge")), "to_id": Field("id", True),
        **_COMMON,
    },
    "source": {
        "url": Field("url", True), "reliability": Field("choice", True, RELIABILITY),
        "publisher": Field("text"), "title": Field("text"), "checked_on": Field("date"),
        "note": Field("text"),
    },
}
"""Writable fields by record kind (the ledger sets ``version`` and derived columns)."""

UPDATABLE: dict[str, tuple[str, ...]] = {
    "pledge": ("title", "headline_usd", "announced", "deal_id", "composition", "caveats",
               "estimate", "estimate_reason", "period_start", "period_end", "price_year", "sources",
               "verified", "note"),
    "tranche": ("label", "announced", "amount_usd", "sources", "verified", "note"),
    "project": ("tranche_id", "name", "sector", "company", "state", "relation", "component",
                "project_type", "first_announced", "site", "latitude", "longitude", "district",
                "capacity", "jobs", "sources", "verified", "note"),
    "claim": ("claimant", "said_on", "measure", "scope", "pledge_ids", "amount_usd", "quote", "verdict",
              "reasoning", "rests_on", "reviewer", "reviewed_on", "sources", "verified", "note"),
}
"""Fields an update may change. A project's status changes only by a dated status event."""


def _clean_text(value: str, max_len: int = MAX_TEXT) -> str | None:
    """None if ``value`` is text the databases can store (no NUL, valid UTF-8, at most ``max_len``
    characters), else why not."""
    if "\x00" in value:
        return "text may not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "text is not valid Unicode"
    if len(value) > max_len:
        return f"text longer than {max_len} characters"
    return None


def _convert(field: Field, raw: Any) -> tuple[Any, str | None]:
    """(value, None) or (None, problem) for one raw value from YAML, JSON or CSV text."""
    t = field.type
    if t in ("text", "id", "state", "choice"):
        if not isinstance(raw, str):
            return None, f"expected text, got {type(raw).__name__}"
        value = raw.strip()
        bad = _clean_text(value, field.max_len)
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
            return (None, why) if (why := date_problem(raw)) else (raw, None)
        if isinstance(raw, str) and len(raw.strip()) == 10:
            try:
                day = dt.date.fromisoformat(raw.strip())
            except ValueError:
                pass
            else:
                return (None, why) if (why := date_problem(day)) else (day, None)
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
    if t == "url":
        if not isinstance(raw, str) or not re.match(r"^https?://\S+$", raw.strip()) or _clean_text(raw):
            return None, f"expected an http(s) URL, got {raw!r}"
        return raw.strip(), None
    if t == "count":
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw.strip())
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 10**7:
            return None, f"expected a whole number between 0 and 10,000,000, got {raw!r}"
        return raw, None
    if t == "year":
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw.strip())
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1900 <= raw <= 2200:
            return None, f"expected a year between 1900 and 2200, got {raw!r}"
        return raw, None
    if t in ("lat", "lon"):
        limit = 90.0 if t == "lat" else 180.0
        try:
            x = float(raw) if not isinstance(raw, bool) else math.nan
        except (TypeError, ValueError):
            x = math.nan
        if not math.isfinite(x) or abs(x) > limit:
            return None, f"expected degrees between -{limit:g} and {limit:g}, got {raw!r}"
        return x, None
    if t == "district":
        if not isinstance(raw, str) or not DISTRICT_RE.match(raw.strip()):
            return None, f"expected a congressional district like 'GA-01' or 'WY-AL', got {raw!r}"
        return raw.strip(), None
    if t in ("ids", "refs"):
        items = raw.replace("|", " ").split() if isinstance(raw, str) else raw
        pattern = ID_RE if t == "ids" else REF_RE
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) and pattern.match(i)
                                                          for i in items):
            what = "record ids" if t == "ids" else "record references like 'pledge:KR-2025-11'"
            return None, f"expected a list of {what}, got {raw!r}"
        return list(items), None
    if t == "json":
        why = json_problem(raw)  # bounded depth and size, finite numbers: reads never choke on it
        return (None, why) if why else (raw, None)
    if t == "deal":
        return deal_id_value(raw)
    raise AssertionError(t)


def known_deals() -> tuple[str, ...]:
    """The ids a pledge's ``deal_id`` may name: the shipped deals and registered scenarios."""
    return (*shipped("deals"), *shipped("scenarios"))


def deal_id_value(raw: Any) -> tuple[str | None, str | None]:
    """A shipped deal or scenario id, never a path: the value is looked up in the list of ids, the
    file system is never asked, so the message says nothing about which files exist."""
    known = known_deals()
    if isinstance(raw, str) and raw.strip() in known:
        return raw.strip(), None
    shown = repr(raw)[:60] if isinstance(raw, str) else type(raw).__name__
    return None, f"{shown} is not a shipped deal or scenario id; known: {', '.join(known)}"


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
    if kind == "pledge" and out.get("composition"):
        out["composition"], found = check_composition(out["composition"])
        problems += [Problem(file, line, f"pledge.composition{where}", message)
                     for where, message in found]
    return out, problems


COMPONENT_FIELDS = {
    "label": Field("text", True), "amount_usd": Field("usd"),
    "component": Field("choice", True, COMPONENTS), "mechanism": Field("choice", True, MECHANISMS),
    "mechanism_reason": Field("text"), "bound": Field("choice", choices=BOUNDS, default="exact"),
    "deal_tranche": Field("text", max_len=80), "method": Field("text"),
}
"""The fields of one part of a pledge's ``composition``."""


def check_composition(raw: Any) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Clean parts of a pledge's composition, and ``(where, message)`` for each problem.

    Every part names its component and the mechanism by which its money can be seen at
    work; a part with no mechanism (``none``) must say why (``mechanism_reason``).
    """
    if not isinstance(raw, list):
        return [], [("", "expected a list of parts")]
    parts: list[dict[str, Any]] = []
    found: list[tuple[str, str]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            found.append((f"[{i}]", "expected a mapping"))
            continue
        part: dict[str, Any] = {}
        for key in item:
            if key not in COMPONENT_FIELDS:
                found.append((f"[{i}].{key}",
                              f"unknown field; expected one of: {', '.join(COMPONENT_FIELDS)}"))
        for name, field in COMPONENT_FIELDS.items():
            value = item.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if field.required:
                    found.append((f"[{i}].{name}", "required field is missing"))
                part[name] = field.default
                continue
            converted, problem = _convert(field, value)
            if problem:
                found.append((f"[{i}].{name}", problem))
            part[name] = converted
        if part.get("mechanism") == "none" and not part.get("mechanism_reason"):
            found.append((f"[{i}].mechanism_reason", "a part with no mechanism must say why"))
        parts.append(part)
    return parts, found
