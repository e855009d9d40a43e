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


# -- PostgreSQL: a private server for the test session (Debian package `postgresql`) --------------

def require_postgres() -> Path:
    """The folder of the PostgreSQL server binaries; skip without them, fail in CI."""
    import glob

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4].split(".")[0]))
    initdb = found[-1] if found else shutil.which("initdb")
    if initdb is None or not Path(initdb).with_name("postgres").exists():
        message = "system package missing: postgresql (initdb, postgres)"
        if os.environ.get("SALESIM_REQUIRE_SYSTEM"):
            pytest.fail(message + " (SALESIM_REQUIRE_SYSTEM is set)")
        pytest.skip(message)
    return Path(initdb).parent


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server in a temporary folder on 127.0.0.1 (a free port), stopped at the end.

    Yields the URL of its server (``postgresql://salesim@127.0.0.1:PORT``); see ``pg_url``.
    As root, the server runs as the ``postgres`` user (PostgreSQL refuses to run as root).
    """
    import pwd
    import socket
    import tempfile
    import time

    bindir = require_postgres()
    root = Path(tempfile.mkdtemp(prefix="salesim-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root but there is no 'postgres' user to run the test server")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = [shutil.which("runuser") or "runuser", "-u", "postgres", "--"]
    data = root / "data"
    init = subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "salesim", "--auth=trust",
                           "-E", "UTF8", "--locale=C"], capture_output=True, text=True)
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr.strip()[-500:]}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(root / "server.log", "wb")
    proc = subprocess.Popen([*as_user, str(bindir / "postgres"), "-D", str(data), "-h", "127.0.0.1",
                             "-p", str(port), "-k", str(root), "-c", "fsync=off", "-c", "max_connections=60"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"postgresql://salesim@127.0.0.1:{port}"
    try:
        import psycopg2

        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg2.connect(host="127.0.0.1", port=port, user="salesim", dbname="postgres").close()
                break
            except psycopg2.OperationalError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the test PostgreSQL server did not start: "
                                + (root / "server.log").read_text(errors="replace")[-800:])
                time.sleep(0.1)
        yield url
    finally:
        _stop_postgres(proc, data)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _stop_postgres(proc: subprocess.Popen, data: Path) -> None:
    import signal

    pidfile = data / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().split()[0])
        os.kill(pid, signal.SIGINT)  # fast shutdown
    except (OSError, ValueError, IndexError):
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    """A fresh, empty database on the test PostgreSQL server."""
    import uuid

    import psycopg2

    name = f"t_{uuid.uuid4().hex[:16]}"
    host, port = postgres_server.rsplit("@", 1)[1].split(":")
    conn = psycopg2.connect(host=host, port=int(port), user="salesim", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    conn.close()
    return f"{postgres_server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh score-log database URL: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'salesim.db'}"
    return request.getfixturevalue("pg_url")
