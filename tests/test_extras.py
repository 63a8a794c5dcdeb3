"""One way to report a missing extra, one not-found error."""

from __future__ import annotations

import pytest

from pledgelab._errors import InputError, NotFoundError
from pledgelab._extras import MissingExtra, require
from pledgelab.ledger import MissingExtra as LedgerMissingExtra
from pledgelab.ledger import NotFound


def test_require_names_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pledgelab_no_such_module", None)
    with pytest.raises(MissingExtra) as info:
        require("pledgelab_no_such_module", what="Writing a chart", extra="plot")
    assert str(info.value) == "Writing a chart needs the [plot] extra: pip install 'pledgelab[plot]'"
    assert isinstance(info.value, ImportError) and info.value.extra == "plot"
    assert require("json", what="x", extra="y").dumps([1]) == "[1]"


def test_the_ledger_uses_the_same_errors() -> None:
    assert LedgerMissingExtra is MissingExtra and NotFound is NotFoundError
    err = NotFoundError.record("pledge", "XX-1")
    assert isinstance(err, InputError)
    assert str(err) == "ledger:0: pledge.id: no pledge 'XX-1' in the ledger"
