"""Every bound the ledger's checker and the API put on a text field fits the database column that
stores it: a value the checker accepts can never be truncated (or refused) by PostgreSQL.

Found by the API fuzzer on PostgreSQL: an 18-character ``investor`` passed the checker (4,000
characters) and failed the ``VARCHAR(16)`` column with a server error.
"""

from __future__ import annotations

import pytest
from sqlalchemy import String

from pledgelab.ledger._fields import FIELDS, MAX_TEXT
from pledgelab.ledger._models import Base

# The widest value each field type lets through, read from the rules (not from the code under test).
_WIDEST = {"id": 80, "deal": 80, "state": 2, "district": 5, "url": 2000}
_TABLE = {"status": "status_events", "call": "capital_calls", "source": "source_marks"}


def _columns() -> list[tuple[str, str, int, int]]:
    tables = {m.class_.__tablename__: m.class_.__table__ for m in Base.registry.mappers}
    out = []
    for kind, fields in FIELDS.items():
        table = tables[_TABLE.get(kind, kind + "s")]
        for key, f in fields.items():
            col = table.columns.get(key)
            if col is None or not isinstance(col.type, String) or not col.type.length:
                continue
            if f.type == "text":
                widest = f.max_len
            elif f.type == "choice":
                widest = max(len(c) for c in f.choices)
            else:
                widest = _WIDEST[f.type]
            out.append((kind, key, widest, col.type.length))
    return out


def test_every_kind_has_a_table() -> None:
    assert len(_columns()) > 20


@pytest.mark.parametrize(("kind", "key", "widest", "width"), _columns(),
                         ids=lambda v: str(v))
def test_field_fits_its_column(kind: str, key: str, widest: int, width: int) -> None:
    assert widest <= width, (f"{kind}.{key}: the checker lets {widest} characters through, "
                             f"the column holds {width}")


def test_checker_refuses_a_too_long_investor() -> None:
    from pledgelab.ledger._fields import check_record

    raw = {"id": "p1", "country": "X", "investor": "x" * 17, "title": "t",
           "sources": ["https://example.org"], "verified": "2026-01-01"}
    _, problems = check_record("pledge", raw, file="f.yaml", line=1)
    assert any("investor" in str(p) and "16" in str(p) for p in problems), problems
    assert MAX_TEXT > 16
