"""Shared test set-up.

Tests that need a service or an optional extra skip with a reason when it is
missing, and pytest lists them at the end (``-ra``). CI sets
``PLEDGELAB_REQUIRE_ALL=1`` after installing everything, which turns any such
skip into a failure so nothing is silently left out there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

# CI explores a fixed set of examples (reproducible, never flaky); developers'
# runs draw new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI"):
    settings.load_profile("ci")

REQUIRE_ALL = os.environ.get("PLEDGELAB_REQUIRE_ALL") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but PLEDGELAB_REQUIRE_ALL=1 forbids skips: {report.longrepr}"
