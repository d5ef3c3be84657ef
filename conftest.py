"""Project-wide pytest hooks.

A skipped test is not a passing test: Odoo skips every browser tour when websocket-client or
Chromium is missing and the run would still look green. Every skip is turned into a failure.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests count as failures here: {reason}"
