"""Schemathesis against the OpenAPI spec: no generated request, read or write, gets a 5xx.

Writes are sent with an editor token so the generated bodies reach the ledger's checks and rules,
not just the authentication. Runs on SQLite and PostgreSQL (the ``seeded`` fixture's backends).
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis: pip install 'pledgelab[dev]'")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from pledgelab.ledger import Ledger  # noqa: E402

pytestmark = pytest.mark.slow  # the fuzzer over every operation: CI runs it, plain make test does not

EXAMPLES = 12


def _fuzz(app: Any, editor: dict[str, str], *, paths: tuple[str, ...] | None = None) -> tuple[int, list[str]]:
    """Run every operation (or those on ``paths``); returns (operations, failures)."""
    from hypothesis import given

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        op = result.ok()
        if paths is not None and op.path not in paths:
            continue
        operations += 1
        headers = editor if op.method.upper() != "GET" else None

        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])  # noqa: B023 (run now)

        try:
            run()
        except Exception as exc:  # every operation is tried; all failures are reported together
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:2000]}")
    return operations, failures


def test_no_server_error(seeded: Ledger) -> None:
    from pledgelab.api import create_app

    editor = {"Authorization": "Bearer " + seeded.create_token(name="fuzz-editor", role="editor")}
    operations, failures = _fuzz(create_app(seeded), editor)
    assert operations >= 25
    assert not failures, "\n\n".join(failures)


def test_the_fuzzer_reports_a_server_error(seeded: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a handler that raises is caught as a 5xx."""
    from pledgelab.api import create_app

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    app = create_app(seeded)
    monkeypatch.setattr(Ledger, "project_detail", broken)
    operations, failures = _fuzz(app, {}, paths=("/projects/{project_id}",))
    assert operations == 1 and len(failures) == 1 and "boom" in failures[0]  # raised through the ASGI client
