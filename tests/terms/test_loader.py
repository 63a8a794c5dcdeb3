"""The term-sheet loader: shipped deals load and are fully cited; positions are kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pledgelab._cited import YList, YMap, parse_yaml
from pledgelab._errors import InputError, NotFoundError, Problem
from pledgelab.terms import (
    Clause,
    Status,
    TermSheet,
    load_deal,
    read_term_sheet,
    shipped,
)

DEALS = shipped("deals")
MODEL = DEALS["us-korea-2025-11"]
STATUSES = {s.value for s in Status}


def _clauses(name: str) -> list[Clause]:
    return load_deal(name).all_clauses()


def _http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


# -- shipped deals --------------------------------------------------------------------------


def test_the_model_deal_is_shipped() -> None:
    assert "us-korea-2025-11" in DEALS


@pytest.mark.parametrize("name", sorted(DEALS))
def test_shipped_deal_loads(name: str) -> None:
    sheet = load_deal(name)
    assert isinstance(sheet, TermSheet)
    assert sheet.id == name
    assert sheet.file == f"deals/{name}.yaml"
    assert sheet.investor in sheet.parties and sheet.host in sheet.parties
    assert sheet.tranches, "a deal has at least one tranche"
    assert sheet.all_clauses()
    # by path as well as by name
    by_path = read_term_sheet(DEALS[name])
    assert by_path.id == name and by_path.file == str(DEALS[name])


@pytest.mark.parametrize("name", sorted(DEALS))
def test_every_clause_has_a_known_status(name: str) -> None:
    for c in _clauses(name):
        assert isinstance(c.status, Status), c.path
        assert c.status.value in STATUSES, c.path


@pytest.mark.parametrize("name", sorted(DEALS))
def test_every_non_assumed_clause_cites_an_http_source(name: str) -> None:
    for c in _clauses(name):
        if c.status is Status.ASSUMED:
            continue
        assert c.references, f"{c.path} [{c.status}] has no reference"
        assert any(_http(r.url) for r in c.references), c.path
        assert all(_http(r.url) for r in c.references), c.path


@pytest.mark.parametrize("name", sorted(DEALS))
def test_every_assumed_clause_says_why_and_what_else(name: str) -> None:
    for c in _clauses(name):
        if c.status is not Status.ASSUMED:
            continue
        assert c.reason and c.reason.strip(), f"{c.path} is assumed without a reason"
        assert c.alternatives, f"{c.path} is assumed without alternatives"
        assert all(a.label.strip() for a in c.alternatives), c.path


@pytest.mark.parametrize("name", sorted(DEALS))
def test_every_reference_is_an_http_url(name: str) -> None:
    for ref in load_deal(name).references.values():
        assert _http(ref.url), ref.key


@pytest.mark.parametrize("name", sorted(DEALS))
def test_clause_lines_point_at_the_clause(name: str) -> None:
    """A clause's line is where its mapping starts: just below ``<name>:`` in block style,
    or the ``<name>: {...}`` line itself in flow style."""
    lines = DEALS[name].read_text(encoding="utf-8").splitlines()
    for c in _clauses(name):
        key = c.path.rsplit(".", 1)[-1]
        block = lines[c.line - 2].strip() == f"{key}:"
        flow = lines[c.line - 1].lstrip().startswith(f"{key}: {{")
        assert block or flow, (c.path, c.line)
        assert c.file == f"deals/{name}.yaml"


def test_model_deal_values() -> None:
    sheet = load_deal("us-korea-2025-11")
    assert sheet.as_of == dt.date(2025, 11, 14)
    assert sheet.investor == "KR" and sheet.host == "US"
    head = sheet.value("amount.headline")
    assert isinstance(head, float) and head == 350e9
    assert sum(t.value("amount") for t in sheet.tranches) == head
    assert [t.until for t in sheet.tiers][-1] == "end"
    assert all(abs(sum(t.shares.values()) - 1.0) < 1e-12 for t in sheet.tiers)
    assert sheet.value("timeline.funding_lag") == 45
    assert sheet.clause("timeline.funding_lag").unit == "business-days"


def test_unknown_deal_name() -> None:
    with pytest.raises(NotFoundError) as info:
        load_deal("no-such-deal")
    assert "us-korea-2025-11" in info.value.problems[0].message


def test_missing_file() -> None:
    with pytest.raises(NotFoundError) as info:
        load_deal("nowhere/no-such-deal.yaml")
    assert info.value.problems[0].field == "<file>"


# -- the YAML reader ------------------------------------------------------------------------


def test_exponent_without_a_dot_is_a_float() -> None:
    data = parse_yaml("a: 350e9\nb: 2E-3\nc: -1.5e3\nd: +20e9\n", "inline.yaml")
    assert data == {"a": 350e9, "b": 2e-3, "c": -1.5e3, "d": 20e9}
    assert all(isinstance(v, float) for v in data.values())


def test_other_scalars_are_unchanged() -> None:
    data = parse_yaml("n: 45\nd: 2025-11-14\nf: 0.04\nt: true\ns: 350e9x\nq: '350e9'\n", "x.yaml")
    assert data["n"] == 45 and type(data["n"]) is int
    assert data["d"] == dt.date(2025, 11, 14)
    assert data["f"] == 0.04
    assert data["t"] is True
    assert data["s"] == "350e9x"
    assert data["q"] == "350e9"


def test_line_numbers_of_an_inline_yaml() -> None:
    text = (
        "# a comment\n"        # 1
        "top: 1\n"             # 2
        "section:\n"           # 3
        "  inner: x\n"         # 4
        "\n"                   # 5
        "  items:\n"           # 6
        "    - a\n"            # 7
        "    - {k: v}\n"       # 8
        "    -\n"              # 9
        "      deep: 3\n"      # 10
        "flow: {p: 1, q: 2}\n"  # 11
    )
    root = parse_yaml(text, "inline.yaml")
    assert root.key_lines == {"top": 2, "section": 3, "flow": 11}
    assert root.loc.line == 2 and root.loc.field == ""
    section = root["section"]
    assert isinstance(section, YMap)
    assert section.key_lines == {"inner": 4, "items": 6}
    at = section.at("inner")
    assert (at.file, at.line, at.field) == ("inline.yaml", 4, "section.inner")
    items = section["items"]
    assert isinstance(items, YList)
    assert items.item_lines == [7, 8, 10]
    assert items.at(2).field == "section.items[2]"
    assert items[1].loc.field == "section.items[1]" and items[1].key_lines == {"k": 8}
    assert items[2].key_lines == {"deep": 10}
    assert root["flow"].key_lines == {"p": 11, "q": 11}
    # an absent key is placed at its mapping
    assert section.at("missing").line == 4


def test_term_sheet_problem_lines_for_an_inline_yaml(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "schema: pledgelab.term-sheet/1\n"   # 1
        "id: tiny\n"                         # 2
        "title: A tiny term sheet\n"         # 3
        "kind: pact\n"                       # 4
        "as_of: soon\n"                      # 5
        "colour: blue\n",                    # 6
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_term_sheet(path)
    got = {(p.line, p.field) for p in info.value.problems}
    assert (4, "kind") in got
    assert (5, "as_of") in got
    assert (6, "colour") in got
    for key in ("summary", "investor", "host", "parties", "references", "clauses"):
        assert (1, key) in got, key
    assert all(str(p).startswith(f"{path}:") for p in info.value.problems)


def test_problem_prints_file_line_field_message() -> None:
    p = Problem("deals/x.yaml", 12, "clauses.amount.headline.unit", "bad unit")
    assert str(p) == "deals/x.yaml:12: clauses.amount.headline.unit: bad unit"
    err = InputError([p, p])
    assert str(err) == f"{p}\n{p}"


# -- several problems in one file -----------------------------------------------------------


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    text = MODEL.read_text(encoding="utf-8")
    text = _edit(text, "id: us-korea-2025-11\n", "id: several\n")
    text = _edit(text, "kind: agreement\n", "kind: treaty\n")
    text = _edit(text, "      value: 350e9\n      unit: USD\n",
                 "      value: 350e9\n      unit: EUR\n")
    text = _edit(text, "      unit: business-days\n", "      unit: days\n")
    text = _edit(text, "      value: 0.04\n", "      value: 4\n")
    text = _edit(text, "{shares: {KR: 0.5, US: 0.5}", "{shares: {KR: 0.5, US: 0.6}")
    text = _edit(text, "        value: true\n        unit: flag\n        label: Counts toward",
                 '        value: "true"\n        unit: flag\n        label: Counts toward')
    lines = text.splitlines()

    def line_of(stripped: str) -> int:
        (n,) = [i for i, s in enumerate(lines, 1) if s.strip() == stripped]
        return n

    path = tmp_path / "several.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_term_sheet(path)
    got = {(p.line, p.field) for p in info.value.problems}
    want = {
        (line_of("kind: treaty"), "kind"),
        (line_of("unit: EUR"), "clauses.amount.headline.unit"),
        (line_of("unit: days"), "clauses.timeline.funding_lag.unit"),
        (line_of("value: 4"), "clauses.distribution.deemed_benchmark.value"),
        (line_of("- {shares: {KR: 0.5, US: 0.6}, until: deemed-allocation-amount}"),
         "clauses.distribution.tiers.value[0].shares"),
        (line_of('value: "true"'), "clauses.tranches[0].counts_toward_cap.value"),
    }
    assert want <= got, "\n".join(str(p) for p in info.value.problems)
    # nothing else is reported, and every problem names this file
    assert all(p.file == str(path) for p in info.value.problems)
    assert len(info.value.problems) == len(want)
