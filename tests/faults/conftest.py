"""Fault suite: real server processes on a database of its own (make test-faults).

These tests commit, kill processes and upgrade databases, which the default run (one
transaction per test, rolled back) cannot do. They work on copies of the test database:

    HANLING_TEST_DB     template with the three addons and demo data (default hanling_test)
    HANLING_FAULTS_DB   prefix of the databases created and dropped here (default hanling_faults)
"""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TEMPLATE = os.environ.get("HANLING_TEST_DB", "hanling_test")
PREFIX = os.environ.get("HANLING_FAULTS_DB", "hanling_faults")
ADDONS = "hanling_property,hanling_archive,hanling_errands,hanling_fees"


def run(cmd, check=True, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True, check=check, **kwargs)


def odoo(db, *args, addons_path=None, timeout=900):
    """Run an Odoo command (install, upgrade) to completion and return the process."""
    cmd = [sys.executable, "-m", "odoo", "-c", "odoo.conf", "-d", db, "--log-level=warn"]
    if addons_path:
        cmd.append(f"--addons-path={addons_path}")
    cmd += [*args, "--stop-after-init", "--max-cron-threads=0", "--no-http"]
    proc = run(cmd, timeout=timeout, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc


def shell_cmd(db, addons_path=None):
    cmd = [sys.executable, "-m", "odoo", "shell", "-c", "odoo.conf", "-d", db]
    cmd += ["--log-level=warn", "--no-http", "--max-cron-threads=0"]
    if addons_path:
        cmd.append(f"--addons-path={addons_path}")
    return cmd


def shell(db, code, addons_path=None, timeout=600):
    """Run ``code`` in an Odoo shell on ``db``; return what it printed as ``RESULT <json>``."""
    proc = subprocess.run(
        shell_cmd(db, addons_path),
        cwd=ROOT,
        input=code,
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    results = [
        json.loads(line[len("RESULT ") :])
        for line in proc.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    assert results, f"no result from the shell:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return results[-1]


def copy_db(name):
    db = f"{PREFIX}_{name}"
    run(["dropdb", "--if-exists", db])
    run(["createdb", "-T", TEMPLATE, db])
    return db


@pytest.fixture
def fault_db(request):
    db = copy_db(request.node.name.replace("test_", "")[:20])
    yield db
    if not os.environ.get("HANLING_FAULTS_KEEP"):
        run(["dropdb", "--if-exists", db], check=False)
