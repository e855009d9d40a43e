"""Shared test set-up: a private SALESIM_HOME, and helpers for system packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test run gets its own user data directory (the model cache is built once in it)."""
    home = Path(os.environ.get("SALESIM_TEST_HOME") or tmp_path_factory.mktemp("home"))
    os.environ["SALESIM_HOME"] = str(home)
    os.environ.pop("SALESIM_DB", None)
    return home


def require(command: str) -> str:
    """The path of a system command; skip without it, but fail in CI (SALESIM_REQUIRE_SYSTEM=1)."""
    path = shutil.which(command)
    if path is None:
        message = f"system package missing: {command}"
        if os.environ.get("SALESIM_REQUIRE_SYSTEM"):
            pytest.fail(message + " (SALESIM_REQUIRE_SYSTEM is set)")
        pytest.skip(message)
    return path


def salesim(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the command line as a user would, in a child process."""
    return subprocess.run([sys.executable, "-m", "simulator", *args], input=input, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=ROOT)
