"""Releases: a versioned, reproducible bundle of the ledger that others can publish from.

``build_release(ledger, out_dir)`` writes, for the ledger's records as they are:

* ``records/<kind>.csv`` — one CSV per record kind, every column, rows by id
  (lists and mappings as JSON text);
* ``measures.csv`` — per pledge and component, on the newest record's date: the
  amount, its mechanism, the measurable base and what is at work ("not
  measurable" where there is no mechanism);
* ``claims.csv`` and ``claim-reviews.json`` — every claim beside the ledger's value
  for its measure and scope, and the reviewed ones as schema.org ClaimReview;
* ``data-dictionary.csv`` — every field of every kind: type, required, allowed values,
  meaning;
* ``METHODOLOGY.md`` — the measures, inclusion rules, status table and update cadence;
* ``CHANGELOG.md`` — records added, removed and changed since the previous release
  (``previous``: the directory of that release), or the first-release counts;
* ``corrections.csv`` — the empty corrections form (see :func:`read_corrections`);
* ``LICENSE.txt`` and ``manifest.json`` (the release id, and each file's SHA-256).

The release id is :meth:`Ledger.release <pledgelab.ledger._ledger.Ledger.release>`:
``<schema revision>.<newest record date>.<content digest>``. Nothing in the bundle
depends on the clock, the machine or the order of writes, so building it twice
from the same records gives byte-identical files (newlines are ``\\n``, text is UTF-8).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pledgelab._cited import read_text
from pledgelab._errors import InputError, Problem
from pledgelab._limits import MAX_CSV_BYTES
from pledgelab.ledger import _report
from pledgelab.ledger._fields import FIELDS, REF_RE, UPDATABLE
from pledgelab.ledger._models import KINDS
from pledgelab.ledger._rules import BY_MONEY, TRANSITIONS

if TYPE_CHECKING:
    from pledgelab.ledger._ledger import Ledger

LICENCE = """\
The pledgelab ledger: records of sovereign investment pledges to the United States.

The compilation (the records, their coding, the measures and the verdicts) is released
under the Creative Commons Attribution 4.0 International licence (CC BY 4.0):
https://creativecommons.org/licenses/by/4.0/ - share and adapt it for any purpose,
giving credit ("pledgelab ledger, release <id>") and saying what you changed.

Quotes and facts are taken from the sources each record cites, which remain under
their own terms; follow the source URLs for the originals.
"""

CORRECTION_COLUMNS = ("record", "field", "current_value", "proposed_value", "source_url",
                      "submitted_by", "submitted_on", "note")
"""The corrections form: one proposed change a row (``record`` is ``kind:id``)."""

DESCRIPTIONS = {
    "id": "stable id; never reused or changed between releases",
    "country": "the government that made the pledge", "investor": "its short code (JP, KR, EU...)",
    "title": "the pledge as its sources name it", "caveats": "what the headline is not, per the sources",
    "deal_id": "the term sheet in data/deals whose rules the ledger checks (empty: none written)",
    "tranche_id": "the tranche of projects announced together", "name": "the project's name",
    "sector": "the term sheet's sector (routing of capital calls)", "company": "the company behind it",
    "state": "US state (two letters)", "label": "what the tranche is", "basis": "what the amount covers",
    "estimate_reason": "why a value is an estimate", "date": "the day it happened",
    "event": "what kind of step (mou-signed, bill-submitted...)", "text": "what happened",
    "funding_date": "the day the call is to be funded", "deal_tranche": "the term sheet's tranche",
    "call_id": "the call paid against", "party": "who received the cash",
    "claimant": "who made the claim", "said_on": "the day it was made", "quote": "what was said",
    "pledge_ids": "the pledges of a claim about several (JSON list)",
    "from_kind": "the kind of record left out while the other is counted", "from_id": "its id",
    "to_kind": "the kind of record counted", "to_id": "its id",
    "url": "the source URL", "publisher": "who published it", "checked_on": "when the mark was given",
    "sources": "URLs the record rests on (JSON list)",
    "verified": "date the record was last checked against its sources",
    "note": "free text: what the record does not say, how a value was derived",
    "version": "edit counter; a change must name the version it was read at",
    "pledge_id": "the pledge the record belongs to",
    "project_id": "the project the record belongs to",
    "headline_usd": "the headline amount as announced (nominal US dollars)",
    "announced": "date the pledge was announced (empty where the sources give none)",
    "composition": "the parts of the headline: label, amount, component, mechanism (JSON)",
    "period_start": "first day of the pledge period", "period_end": "last day of the pledge period",
    "currency": "currency of every amount of the pledge", "price_year": "price year; empty = nominal",
    "estimate": "true where a value is derived or approximate (see estimate_reason)",
    "relation": "project: pledge (counts toward it) or related-fdi (shown apart, never added); "
                "link: part-of, same-money (counted once) or related",
    "status": "current status (see the status table in METHODOLOGY.md)",
    "status_date": "date of the current status", "notice_date": "date of the first capital call notice",
    "component": "the pledge component the record draws on",
    "project_type": "new, expansion, restart or retrofit",
    "first_announced": "when the project was first announced (earlier than the pledge = previously planned)",
    "site": "place of the project", "latitude": "WGS84 degrees", "longitude": "WGS84 degrees",
    "district": "US congressional district, e.g. GA-01",
    "capacity": "capacity as the sources state it", "jobs": "jobs the sources state",
    "amount_usd": "amount in nominal US dollars",
    "as_of": "date the amount was reported; the amount holds from then",
    "preferred": "the variant the reports use (the latest preferred one dated by the report date)",
    "bound": "exact, about, up-to (a ceiling) or at-least (a floor)",
    "measure": "what a claim asserts (headline, cash, up-front, per-year, interest, selected, "
               "called, at-work, operating, other)",
    "scope": "project, pledge, several or all (every pledge announced by the claim's date)",
    "verdict": "accurate, misleading, false or unverifiable",
    "reasoning": "why the verdict", "rests_on": "records the verdict rests on (kind:id, JSON list)",
    "reviewer": "who reviewed the claim", "reviewed_on": "date of the review",
    "reliability": "primary, wire, press or aggregator (weak)",
    "capped_usd": "the part of a call that counts toward the calendar-year cap",
    "overrides": "rules broken on purpose, with the reason (JSON)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Release:
    """What :func:`build_release` wrote."""

    id: str
    as_of: dt.date | None
    files: dict[str, str]  # relative path -> SHA-256


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(v) for v in r])
    return buf.getvalue()


def _record_csvs(records: Mapping[str, list[dict[str, Any]]]) -> dict[str, str]:
    out = {}
    for kind, model in KINDS.items():
        cols = [c.key for c in model.__table__.columns]
        out[f"records/{kind}.csv"] = _csv(cols, [[r.get(c) for c in cols] for r in records[kind]])
    return out


def _measures(funnels: list[_report.Funnel]) -> str:
    rows = []
    for f in funnels:
        for p in f.parts:
            rows.append([f.pledge, f.as_of, f.headline, f.currency, f.price_year or "nominal",
                         f.period_start, f.period_end, p.component, p.label, p.amount, p.bound,
                         p.mechanism, "yes" if p.measurable else "no",
                         p.called if p.measurable else "not measurable",
                         p.at_work if p.measurable else "not measurable",
                         p.at_work_share if p.at_work_share is not None else "",
                         p.mechanism_reason or ""])
    return _csv(["pledge", "as_of", "headline_usd", "currency", "price_year", "period_start",
                 "period_end", "component", "label", "amount_usd", "bound", "mechanism", "measurable",
                 "called_usd", "at_work_usd", "at_work_share", "not_measurable_because"], rows)


def _claims(checks: list[_report.ClaimCheck]) -> str:
    rows = [[c.claim["id"], c.claim["said_on"], c.claim["claimant"], c.claim["measure"],
             c.claim.get("scope"), c.claim.get("amount_usd"), c.ledger_value, c.ledger_basis,
             c.claim.get("verdict"), c.claim.get("reasoning"), c.claim.get("rests_on"),
             c.claim.get("reviewer"), c.claim.get("reviewed_on"), c.claim["quote"], c.claim["sources"]]
            for c in sorted(checks, key=lambda c: str(c.claim["id"]))]
    return _csv(["id", "said_on", "claimant", "measure", "scope", "claimed_usd", "ledger_usd",
                 "ledger_basis", "verdict", "reasoning", "rests_on", "reviewer", "reviewed_on",
                 "quote", "sources"], rows)


def _dictionary() -> str:
    rows = []
    for kind, fields in FIELDS.items():
        for name, f in fields.items():
            rows.append([kind, name, f.type, "yes" if f.required else "no", " | ".join(f.choices),
                         "yes" if name in UPDATABLE.get(kind, ()) else "no",
                         DESCRIPTIONS.get(name, "")])
    return _csv(["kind", "field", "type", "required", "allowed_values", "editable", "meaning"], rows)


def methodology() -> str:
    """The methodology text: the measures (from the report's own docstring), the statuses
    (from the transition table the code enforces), inclusion rules and the update cadence."""
    doc = (_report.__doc__ or "").strip().splitlines()
    body = "\n".join(doc[1:]).strip()
    resume = "the status held before the pause (or on from it), "
    table = "\n".join(f"| {k} | {resume if k == 'paused' else ''}{', '.join(v) or '(final)'} |"
                      for k, v in TRANSITIONS.items())
    money = "; ".join(f"`{k}` is set only by {v}" for k, v in BY_MONEY.items())
    return f"""# Methodology

{doc[0]}

{body}

## Statuses

A project moves only along this table (the same table the library, the command
line and the API enforce); {money}. A paused project resumes at the status it
held before the pause, or moves on from it, or is cancelled.

| from | allowed next |
|---|---|
{table}

## Inclusion rules

- A pledge is a government's announced commitment of investment in the United
  States, with a headline amount in a public source. Company plans announced
  beside a pledge are `related-fdi`: shown apart, never added to it.
- A project is entered when a public source names it under a pledge (interest,
  selection) or as a company's own project; projects named without an amount are
  entered without one and counted as missing, never as zero.
- Every record carries its source URLs and the date it was checked; each source
  carries a reliability mark (primary, wire, press, aggregator). Records resting
  only on aggregators are flagged as weak.
- Values the sources do not state are left empty; derived or approximate values are
  flagged `estimate` with the reason; "up to" and "at least" amounts carry their bound.
- The same money is counted once: the duplicate check refuses a project with the
  same company, state, site and amount as another unless the two are linked.

## Update cadence and corrections

The ledger is brought up to date when a source reports a new pledge, project,
selection, call, payment or claim, and reviewed in full at least once a month.
Each release is tagged with its id; `CHANGELOG.md` lists what changed since the
previous one. Corrections are welcome on the form in `corrections.csv` (one
proposed change a row, with a source URL).
"""


def _changelog(release_id: str, records: Mapping[str, list[dict[str, Any]]],
               previous: Path | None) -> str:
    lines = [f"# Changelog of release {release_id}", ""]
    if previous is None:
        lines.append("First release: " + ", ".join(f"{len(records[k])} {k}" for k in KINDS) + ".")
        return "\n".join(lines) + "\n"
    mpath = previous / "manifest.json"
    try:  # the previous release is user input: the one file check, and its manifest must say its id
        manifest = json.loads(read_text(mpath, str(mpath), limit=MAX_CSV_BYTES, what="manifest"))
        prev_id = str(manifest["id"])
    except (ValueError, KeyError, TypeError, RecursionError):
        raise InputError([Problem(str(mpath), 0, "<file>", "not a release manifest (JSON with an 'id')")]) \
            from None
    lines.append(f"Since release {prev_id}.")
    for kind, model in KINDS.items():
        path = previous / "records" / f"{kind}.csv"
        old: dict[str, dict[str, str]] = {}
        if path.exists():
            text = read_text(path, str(path), limit=MAX_CSV_BYTES, what="CSV file")
            try:
                old = {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
            except (KeyError, csv.Error) as exc:
                raise InputError([Problem(str(path), 0, "<file>", f"not a release's records: {exc}")]) \
                    from None
        cols = [c.key for c in model.__table__.columns]
        new = {str(r["id"]): {c: _cell(r.get(c)) for c in cols} for r in records[kind]}
        added = sorted(set(new) - set(old))
        removed = sorted(set(old) - set(new))
        changed = sorted(k for k in set(new) & set(old)
                         if any(new[k].get(c, "") != old[k].get(c, "") for c in cols))
        if added or removed or changed:
            lines += ["", f"## {kind}", ""]
            lines += [f"- added {k}" for k in added] + [f"- removed {k}" for k in removed]
            for k in changed:
                fields = [c for c in cols if new[k].get(c, "") != old[k].get(c, "")]
                lines.append(f"- changed {k}: {', '.join(fields)}")
    if len(lines) == 3:
        lines += ["", "No record changed."]
    return "\n".join(lines) + "\n"


def build_release(ledger: Ledger, out_dir: Path, *, previous: Path | None = None) -> Release:
    """Write the release bundle into ``out_dir`` (see the module docstring); returns what was written."""
    records = ledger.records()
    release_id = ledger.release(records)
    as_of = ledger.newest_date(records)
    when = as_of or dt.date(1970, 1, 1)
    checks = _report.claims_check(ledger)
    files: dict[str, str] = {
        **_record_csvs(records),
        "measures.csv": _measures(_report.status_report(ledger, when)),
        "claims.csv": _claims(checks),
        "claim-reviews.json": json.dumps([_report.claim_review(c) for c in
                                          sorted(checks, key=lambda c: str(c.claim["id"]))
                                          if c.claim.get("verdict")],
                                         indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        "data-dictionary.csv": _dictionary(),
        "METHODOLOGY.md": methodology(),
        "CHANGELOG.md": _changelog(release_id, records, previous),
        "corrections.csv": _csv(list(CORRECTION_COLUMNS), []),
        "LICENSE.txt": LICENCE,
    }
    digests = {}
    for name in sorted(files):
        data = files[name].encode("utf-8")
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    manifest = {"id": release_id, "as_of": as_of.isoformat() if as_of else None,
                "schema": "pledgelab.ledger-release/1", "licence": "CC-BY-4.0", "files": digests}
    (out_dir / "manifest.json").write_bytes(
        (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return Release(id=release_id, as_of=as_of, files=digests)


def read_corrections(path: Path, *, display: str | None = None) -> list[dict[str, str]]:
    """The rows of a corrections file, checked: ``record`` is ``kind:id``, ``field`` a field of
    that kind, a proposed value, an http(s) ``source_url`` and a ``submitted_on`` date.

    Raises :class:`~pledgelab._errors.InputError` with ``file:line: field: message`` for
    every bad row; corrections are reviewed by hand, never applied automatically.
    """
    name = display or str(path)
    text = read_text(path, name, limit=MAX_CSV_BYTES, what="CSV file")  # regular, bounded, UTF-8
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    missing = [c for c in CORRECTION_COLUMNS if c not in header]
    if missing:
        raise InputError([Problem(name, 1, "<header>", f"missing columns: {', '.join(missing)}")])
    rows: list[dict[str, str]] = []
    problems: list[Problem] = []
    line = 1
    for row in reader:
        at = line + 1
        line = reader.line_num
        rec = (row.get("record") or "").strip()
        if not REF_RE.match(rec) or rec.split(":", 1)[0] not in FIELDS:
            problems.append(Problem(name, at, "record", f"expected kind:id of a ledger record, got {rec!r}"))
        elif (row.get("field") or "").strip() not in FIELDS[rec.split(":", 1)[0]]:
            problems.append(Problem(name, at, "field", f"{row.get('field')!r} is not a field of "
                                    f"{rec.split(':', 1)[0]} records"))
        if not (row.get("proposed_value") or "").strip():
            problems.append(Problem(name, at, "proposed_value", "required"))
        if not (row.get("source_url") or "").strip().startswith(("http://", "https://")):
            problems.append(Problem(name, at, "source_url", "expected an http(s) URL"))
        try:
            dt.date.fromisoformat((row.get("submitted_on") or "").strip())
        except ValueError:
            problems.append(Problem(name, at, "submitted_on", "expected a date YYYY-MM-DD"))
        rows.append({k: (row.get(k) or "").strip() for k in CORRECTION_COLUMNS})
    if problems:
        raise InputError(problems)
    return rows
