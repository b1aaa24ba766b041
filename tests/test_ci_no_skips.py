"""With CI=true a skip is a failure (issue 15): a missing tool cannot quietly weaken the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SKIPPING = """
import pytest

@pytest.mark.skipif(True, reason="LibreOffice is not installed")
def test_marked(): pass

def test_called():
    pytest.skip("pdftoppm is not installed")

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
"""


def _run(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_skipping.py"
    test.write_text(SKIPPING, encoding="utf-8")
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider", str(test)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )


def test_skips_fail_in_ci(tmp_path: Path) -> None:
    run = _run(tmp_path, "true")
    assert run.returncode == 1, run.stdout
    assert "skipped in CI (CI=true), which must not happen: Skipped: LibreOffice is not installed" in run.stdout
    assert "which must not happen: Skipped: pdftoppm is not installed" in run.stdout
    assert "1 xfailed" in run.stdout


def test_skips_stay_skips_outside_ci(tmp_path: Path) -> None:
    run = _run(tmp_path, "")
    assert run.returncode == 0, run.stdout
    assert "2 skipped" in run.stdout and "1 xfailed" in run.stdout
