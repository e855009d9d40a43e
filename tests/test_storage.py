"""Score logs: every turn committed as it happens, nothing lost to crashes, locks or broken databases.

Most tests run twice: on an SQLite file and on a real PostgreSQL server started
for the test session (see ``postgres_server`` in conftest.py).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT, salesim

from simulator import library
from simulator.review import Filters, review
from simulator.session import Session
from simulator.storage import (MIGRATIONS, Database, SafeStore, StorageError, _m1, _m2, read_jsonl,
                               records_from_events)


ANGRY = str(ROOT / "scenarios" / "angry-customer.yaml")  # by path: loading by id parses every scenario


def stub(texts):  # noqa: ANN001, ANN201
    return [frozenset()] * len(texts)


def empathic(texts):  # noqa: ANN001, ANN201
    return [frozenset({"empathy"})] * len(texts)


@pytest.fixture(scope="module")
def angry():
    return library.load("angry-customer")


def fresh(db: Database) -> Database:
    """A second handle on the same database: what another process would see."""
    return Database(db.url)


# -- schema and migrations ----------------------------------------------------------------

def test_a_new_database_is_created_at_the_latest_schema(db_url: str) -> None:
    db = Database(db_url)
    assert db.version() == len(MIGRATIONS)
    Database(db_url)  # opening again migrates nothing and does not fail
    assert db.version() == len(MIGRATIONS)
    with db.engine.connect() as conn:
        versions = [r[0] for r in conn.execute(sa.text("SELECT version FROM schema_version ORDER BY version"))]
    assert versions == list(range(1, len(MIGRATIONS) + 1))


def test_an_older_schema_is_migrated_and_keeps_its_calls(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a log written by the first release (schema version 2)
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        _m1(conn)
        _m2(conn)
        conn.execute(sa.text("INSERT INTO schema_version VALUES (1), (2)"))
        conn.execute(sa.text("INSERT INTO sessions (id, rep, scenario, status, started_at, overall) "
                             "VALUES ('old1', 'Ana', 'angry-customer', 'complete', '2024-01-02T10:00:00.000+00:00', 71)"))
        conn.execute(sa.text("INSERT INTO turns (session_id, n, speaker, text, moves, call) VALUES "
                             "('old1', 1, 'buyer', 'Hello?', 'question', 1), ('old1', 2, 'rep', 'Hi', 'greeting', 1)"))
    engine.dispose()
    db = Database(url)
    assert db.version() == len(MIGRATIONS)
    [row] = db.session_rows()
    assert row["overall"] == 71 and row["turn_count"] == 2
    assert review(db)["totals"]["complete"] == 1


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO schema_version VALUES (99)"))
    with pytest.raises(StorageError, match="newer"):
        Database(url)
    res = salesim("review", "--db", url)
    assert res.returncode == 1 and "newer" in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


# -- durability -------------------------------------------------------------------------

def test_every_turn_is_committed_when_it_happens(db_url: str, angry) -> None:  # noqa: ANN001
    db = Database(db_url)
    s = Session(angry, rep="Ana", seed=3, recognize=empathic, store=db)
    other = fresh(db)
    assert other.session_rows()[0]["status"] == "in_progress"
    for i in range(3):
        s.say(f"That sounds really frustrating, number {i}.")
        rows = other.turn_rows(s.id)
        assert [r["n"] for r in rows] == list(range(1, len(s.turns) + 1))
        assert rows[-1]["text"] == s.turns[-1].text
        assert other.session_rows()[0]["turn_count"] == len(s.turns)
    s.hang_up()
    [row] = other.session_rows()
    assert row["status"] == "complete" and row["overall"] is not None and row["ended_at"]
    assert len(other.turn_rows(s.id)) == len(s.turns)
    exported = next(other.export_records())
    assert {f["rule"] for f in exported["flags"]} == {f.rule for f in s.scorecard().flags}


def test_an_abandoned_call_is_logged_as_abandoned_with_its_turns(db_url: str, angry) -> None:  # noqa: ANN001
    db = Database(db_url)
    s = Session(angry, rep="Ana", seed=3, recognize=stub, store=db)
    s.say("Hello there")
    s.abandon()
    [row] = fresh(db).session_rows()
    assert row["status"] == "abandoned" and row["turn_count"] == 3
    assert review(db)["totals"]["incomplete"] == 1


def test_a_rewound_turn_is_replaced_in_the_log(db_url: str, angry) -> None:  # noqa: ANN001
    db = Database(db_url)
    s = Session(angry, rep="Ana", seed=3, recognize=stub, store=db)
    s.say("Something I regret")
    s.rewind()
    s.say("Something better")
    s.hang_up()
    texts = [t["text"] for t in db.turn_rows(s.id)]
    assert texts == [t.text for t in s.turns]
    assert "Something I regret" not in texts


CHILD = r"""
import sys, time
from simulator import library
from simulator.session import Session
from simulator.storage import Database

db = Database(sys.argv[1])
s = Session(library.load(sys.argv[2]), rep="Kim", seed=5, store=db, session_id="killed-call",
            recognize=lambda texts: [frozenset()] * len(texts))
print("turns", len(s.turns), flush=True)
while not s.ended:
    s.say("Let me look into what happened with the panel on your account")
    print("turns", len(s.turns), flush=True)
    time.sleep(0.01)
print("ended", flush=True)
"""


def test_sigkill_mid_call_keeps_every_completed_turn_and_the_call_shows_incomplete(db_url: str) -> None:
    Database(db_url)  # created before the child starts
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url, ANGRY], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    done = 0
    try:
        for line in child.stdout:  # type: ignore[union-attr]
            assert not line.startswith("ended"), "the call ended before it could be killed"
            done = int(line.split()[1])
            if done >= 9:  # four exchanges completed; the child is busy with the next one
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    db = Database(db_url)
    [row] = db.session_rows()
    numbers = [t["n"] for t in db.turn_rows("killed-call")]
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, nothing half-written
    assert done <= len(numbers) <= done + 2  # every completed turn, plus at most the exchange in flight
    assert row["status"] == "in_progress" and row["turn_count"] == len(numbers)
    data = review(db, Filters.parse(rep="Kim"))
    assert data["totals"]["complete"] == 0 and data["totals"]["incomplete"] == 1
    assert data["reps"][0]["incomplete"] == 1


LOGGER = r"""
import sys, time
from simulator import library
from simulator.session import Session
from simulator.storage import Database

url, who, calls, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
scn = library.load(sys.argv[5])
while time.time() < start:
    time.sleep(0.005)
db = Database(url)
written = 0
for c in range(calls):
    s = Session(scn, rep=who, seed=c, store=db, session_id=f"{who}-{c}",
                recognize=lambda texts: [frozenset({"empathy"})] * len(texts))
    for i in range(4):
        if s.ended:
            break
        s.say(f"{who} says line {i} of call {c}")
    if not s.ended:
        s.hang_up()
    written += len(s.turns)
print(written, flush=True)
"""


def test_eight_processes_logging_at_once_lose_nothing(db_url: str) -> None:
    calls = 6
    start = time.time() + 4.0  # all eight load, then start together
    procs = [subprocess.Popen([sys.executable, "-c", LOGGER, db_url, f"rep{i}", str(calls), str(start), ANGRY],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for i in range(8)]
    written = 0
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        written += int(out.split()[-1])
    db = Database(db_url)
    rows = db.session_rows()
    assert len(rows) == 8 * calls
    assert all(r["status"] == "complete" for r in rows)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM turns")).scalar() == written
    for r in rows:
        assert [t["n"] for t in db.turn_rows(r["id"])] == list(range(1, r["turn_count"] + 1))
    assert {r["rep"] for r in review(db)["reps"]} == {f"rep{i}" for i in range(8)}


# -- faults: busy, locked, corrupt, read-only, full ----------------------------------------------

def test_a_locked_database_is_waited_for_and_retried(tmp_path: Path, angry) -> None:  # noqa: ANN001
    path = tmp_path / "busy.db"
    db = Database(f"sqlite:///{path}", busy_timeout=0.05)
    s = Session(angry, rep="Ana", seed=1, recognize=stub, store=db)
    locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock...
    release = threading.Timer(0.6, lambda: locker.execute("COMMIT"))  # ...for 0.6 s
    release.start()
    t0 = time.monotonic()
    s.say("Hello, I am calling about your panel")
    waited = time.monotonic() - t0
    release.join()
    locker.close()
    assert waited >= 0.45 and db.retries > 0
    assert len(db.turn_rows(s.id)) == len(s.turns) == 3


def _play(store, angry, rep: str = "Zoe", lines: int = 3, recognize=stub) -> Session:  # noqa: ANN001
    s = Session(angry, rep=rep, seed=2, recognize=recognize, store=store)
    for i in range(lines):
        if s.ended:
            break
        s.say(f"Line {i}: we are looking into it")
    if not s.ended:
        s.hang_up()
    return s


def _saved(path: Path) -> dict:
    [rec] = records_from_events(obj for _, obj in read_jsonl(path))
    return rec


def test_a_corrupt_database_keeps_the_call_in_a_file_that_imports(tmp_path: Path, angry) -> None:  # noqa: ANN001
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"this is not an SQLite database" * 200)
    told: list[str] = []
    store = SafeStore(lambda: Database(f"sqlite:///{bad}"), url=f"sqlite:///{bad}", notify=told.append,
                      folders=[tmp_path / "unsaved"])
    s = _play(store, angry)
    assert len(told) == 1 and "file is not a database" in told[0] and "salesim import" in told[0]
    [path] = store.saved_to
    assert str(path) in told[0] and path.parent == tmp_path / "unsaved"
    rec = _saved(path)
    assert rec["id"] == s.id and rec["status"] == "complete"
    assert [t["text"] for t in rec["turns"]] == [t.text for t in s.turns]
    assert rec["scores"]["overall"] == s.scorecard().scores["overall"]
    target = Database(f"sqlite:///{tmp_path / 'good.db'}")
    assert target.import_records([rec]).added == 1
    assert target.session_rows()[0]["status"] == "complete"


def test_a_read_only_database_keeps_the_call_in_a_file(tmp_path: Path, angry) -> None:  # noqa: ANN001
    path = tmp_path / "ro.db"
    Database(f"sqlite:///{path}").close()
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    told: list[str] = []
    store = SafeStore(lambda: Database(url), url=url, notify=told.append, folders=[tmp_path / "unsaved"])
    s = _play(store, angry)
    assert len(told) == 1 and "readonly" in told[0]
    assert len(_saved(store.saved_to[0])["turns"]) == len(s.turns)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to any file")
def test_an_unwritable_database_file_keeps_the_call_in_a_file(tmp_path: Path, angry) -> None:  # noqa: ANN001
    path = tmp_path / "locked-down.db"
    Database(f"sqlite:///{path}").close()
    path.chmod(0o444)
    told: list[str] = []
    store = SafeStore(lambda: Database(f"sqlite:///{path}"), notify=told.append, folders=[tmp_path / "unsaved"])
    s = _play(store, angry)
    assert len(told) == 1 and len(_saved(store.saved_to[0])["turns"]) == len(s.turns)


def test_a_database_that_fills_up_mid_call_keeps_the_whole_call(tmp_path: Path, angry) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'full.db'}"
    db = Database(url)
    told: list[str] = []
    store = SafeStore(db, notify=told.append, folders=[tmp_path / "unsaved"])
    s = Session(angry, rep="Zoe", seed=2, recognize=stub, store=store)
    s.say("First, let me say I understand.")
    with db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    sa.event.listen(db.engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={pages + 1}"))
    db.engine.dispose()  # from now on the database cannot grow: SQLITE_FULL, as on a full disk
    s.say("Here is everything that happened. " * 400)
    assert len(told) == 1 and "full" in told[0]
    s.say("And what we will do next.")
    s.hang_up()
    rec = _saved(store.saved_to[0])
    assert rec["status"] == "complete" and [t["text"] for t in rec["turns"]] == [t.text for t in s.turns]
    # The log kept the start of the call as in progress; importing the file completes it.
    assert Database(url).session_rows()[0]["status"] == "in_progress"
    big = Database(f"sqlite:///{tmp_path / 'roomy.db'}")
    assert big.import_records([dict(next(fresh(db).export_records()))]).added == 1
    result = big.import_records([rec])
    assert (result.updated, result.skipped) == (1, 0)
    assert big.import_records([rec]).skipped == 1  # idempotent
    assert big.session_rows()[0]["status"] == "complete" and big.session_rows()[0]["turn_count"] == len(s.turns)


def _mount_tmpfs(where: Path, size: str) -> None:
    if os.geteuid() != 0 or sys.platform != "linux":
        pytest.skip("a real full disk needs root to mount a small tmpfs")
    where.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode(errors='replace').strip()}")


def test_a_full_disk_keeps_the_call_in_the_next_folder_that_has_room(tmp_path: Path, angry) -> None:  # noqa: ANN001
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "512k")
    try:
        url = f"sqlite:///{disk / 'log.db'}"
        told: list[str] = []
        # the first fallback folder is on the same full disk; the second one has room
        store = SafeStore(lambda: Database(url), url=url, notify=told.append,
                          folders=[disk / "unsaved", tmp_path / "elsewhere"])
        s = Session(angry, rep="Zoe", seed=2, recognize=stub, store=store)
        s.say("Hello, I understand the panel is down.")
        with open(disk / "filler", "wb", buffering=0) as fh:  # something else fills the disk
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError:
                pass
        for i in range(3):
            if not s.ended:
                s.say(f"Let me explain the whole history, part {i}. " * 100)
        if not s.ended:
            s.hang_up()
        assert told and ("full" in told[-1] or "space" in told[-1].lower() or "I/O" in told[-1])
        [path] = [p for p in store.saved_to if p.exists()]
        assert path.parent == tmp_path / "elsewhere"
        assert [t["text"] for t in _saved(path)["turns"]] == [t.text for t in s.turns]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_with_nowhere_to_write_the_call_is_printed_for_import(tmp_path: Path, angry) -> None:  # noqa: ANN001
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    told: list[str] = []
    store = SafeStore(None, url="sqlite:////nonexistent/x.db", notify=told.append,
                      folders=[blocked / "unsaved", blocked / "other"])
    s = _play(store, angry)
    assert "nor a fallback file" in told[0]
    rec = json.loads(told[-1])
    assert rec["id"] == s.id and len(rec["turns"]) == len(s.turns)
    assert Database("sqlite://").import_records([rec]).added == 1


def test_an_unreachable_postgresql_server_keeps_the_call_in_a_file(tmp_path: Path, angry) -> None:  # noqa: ANN001
    pytest.importorskip("psycopg2")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here
    url = f"postgresql://salesim:secret@127.0.0.1:{port}/team"
    told: list[str] = []
    store = SafeStore(lambda: Database(url), url=url, notify=told.append, folders=[tmp_path / "unsaved"])
    s = _play(store, angry)
    assert len(told) == 1 and "secret" not in told[0] and "127.0.0.1" in told[0]
    assert len(_saved(store.saved_to[0])["turns"]) == len(s.turns)


def test_review_of_an_unreachable_server_is_one_line_without_the_password() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    res = salesim("review", "--db", f"postgresql://coach:secret@127.0.0.1:{port}/team")
    assert res.returncode == 1 and "cannot open the score log" in res.stderr
    assert "secret" not in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_play_with_a_corrupt_database_says_so_in_one_line_and_the_call_imports(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"\x00garbage" * 500)
    script = tmp_path / "calm.txt"
    script.write_text("I'm so sorry, that sounds really frustrating.\nI'll call you back at 3pm today.\n")
    home.mkdir()
    shared_cache = Path(os.environ["SALESIM_HOME"]) / "cache"  # the move model is built once per test run
    shared_cache.mkdir(parents=True, exist_ok=True)
    (home / "cache").symlink_to(shared_cache, target_is_directory=True)
    env = {"SALESIM_HOME": str(home), "SALESIM_DB": f"sqlite:///{bad}"}
    res = salesim("play", "angry-customer", "--script", str(script), "--rep", "Zoe", "--json", env=env)
    assert res.returncode == 0, res.stderr
    call = json.loads(res.stdout)
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("salesim:")]
    assert len(lines) == 1 and "file is not a database" in lines[0], res.stderr
    [saved] = list((home / "unsaved").glob("*.jsonl"))
    assert str(saved) in lines[0] and "Traceback" not in res.stderr

    good = f"sqlite:///{tmp_path / 'good.db'}"
    res = salesim("review", "--db", good, env={"SALESIM_HOME": str(home)})
    assert "waiting in" in res.stderr  # the manager is told calls are waiting
    res = salesim("import", str(home / "unsaved"), "--db", good, env={"SALESIM_HOME": str(home)})
    assert res.returncode == 0 and "Imported 1 new" in res.stderr, res.stderr
    assert not list((home / "unsaved").glob("*.jsonl")) and (home / "unsaved" / "imported" / saved.name).exists()
    [row] = Database(good).session_rows()
    assert row["id"] == call["session_id"] and row["status"] == "complete" and row["turn_count"] == len(call["turns"])


# -- export and import ----------------------------------------------------------------------

def _three_calls(db: Database, angry) -> list[Session]:  # noqa: ANN001
    a = _play(db, angry, rep="Ana", recognize=empathic)
    b = Session(angry, rep="Ben <b>&amp;</b>", seed=9, recognize=stub, store=db)
    b.say('He said "no" — and then: ça ne marche pas 🙃')
    b.abandon()
    c = Session(angry, rep="Chloé", seed=4, recognize=stub, store=db, workshop="w1")
    c.say("Still going")
    return [a, b, c]


def test_export_then_import_round_trips_and_is_idempotent(db_url: str, tmp_path: Path, angry) -> None:  # noqa: ANN001
    src = Database(db_url)
    _three_calls(src, angry)
    exported = list(src.export_records())
    assert [r["status"] for r in exported] == ["complete", "abandoned", "in_progress"]
    dst = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    first = dst.import_records(json.loads(json.dumps(exported)))
    assert (first.added, first.updated, first.skipped) == (3, 0, 0)
    assert list(dst.export_records()) == exported
    again = dst.import_records(exported)
    assert (again.added, again.updated, again.skipped) == (0, 0, 3)
    assert list(dst.export_records()) == exported
    assert src.import_records(list(dst.export_records())).skipped == 3  # and back the other way


def test_export_and_import_commands(tmp_path: Path, angry) -> None:  # noqa: ANN001
    a_url, b_url = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    _three_calls(Database(a_url), angry)
    out = tmp_path / "logs.jsonl"
    res = salesim("export", str(out), "--db", a_url)
    assert res.returncode == 0 and "Exported 3" in res.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    res = salesim("export", "-", "--db", a_url, "--rep", "Ana")
    assert [json.loads(ln)["rep"] for ln in res.stdout.splitlines()] == ["Ana"]
    res = salesim("import", str(out), "--db", b_url)
    assert res.returncode == 0 and "Imported 3 new" in res.stderr, res.stderr
    res = salesim("import", str(out), "--db", b_url)
    assert res.returncode == 0 and "skipped 3" in res.stderr
    assert len(Database(b_url).session_rows()) == 3


def test_import_reports_bad_lines_and_keeps_the_good_ones(tmp_path: Path, angry) -> None:  # noqa: ANN001
    src = Database(f"sqlite:///{tmp_path / 'a.db'}")
    _three_calls(src, angry)
    good = [json.dumps(r) for r in src.export_records()]
    f = tmp_path / "mixed.jsonl"
    f.write_text("\n".join([good[0], "{not json", json.dumps({"id": "x"}), "[1, 2]", good[1]]) + "\n")
    dst = f"sqlite:///{tmp_path / 'b.db'}"
    res = salesim("import", str(f), "--db", dst, str(tmp_path / "missing.jsonl"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"{f}:2: not valid JSON" in res.stderr
    assert f"{f}:3: session x: 'rep' must be a non-empty string" in res.stderr
    assert f"{f}:4: not a JSON object" in res.stderr
    assert "missing.jsonl: cannot read" in res.stderr
    assert "Imported 2 new" in res.stderr
    assert len(Database(dst).session_rows()) == 2
