"""Score logs: every call and every turn, written as it happens (SQLAlchemy Core).

SQLite by default (WAL journal, ``synchronous=FULL`` so a committed turn survives
a crash or a power cut, foreign keys on, a busy timeout and a retry loop so
concurrent loggers wait instead of failing); PostgreSQL by URL. The schema is
versioned by a small ordered list of migrations recorded in ``schema_version``
(see docs/logs.md for why this is not Alembic).

A call writes itself through :class:`SafeStore`: the database when it works,
and a JSON Lines file under ``SALESIM_HOME/unsaved`` when it does not (corrupt,
read-only, full or missing database), so a call is never lost. ``salesim import``
reads those files back, as it reads ``salesim export`` files.

>>> db = Database("sqlite://")
>>> db.version() == len(MIGRATIONS)
True
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import sqlalchemy as sa
from sqlalchemy import event

SKILLS = ("overall", "rapport", "concessions", "handoffs", "discovery", "recovery", "follow_up", "brevity")
STATUSES = ("in_progress", "abandoned", "complete")
RECORD_FORMAT = "salesim-session/1"
EVENT_FORMAT = "salesim-events/1"

metadata = sa.MetaData()
sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("rep", sa.String(200), nullable=False, index=True),
    sa.Column("scenario", sa.String(200), nullable=False, index=True),
    sa.Column("seed", sa.BigInteger),
    sa.Column("difficulty", sa.String(20)),
    sa.Column("mode", sa.String(20)),
    sa.Column("workshop", sa.String(64), index=True),
    sa.Column("status", sa.String(20), nullable=False),  # in_progress | complete | abandoned
    sa.Column("outcome", sa.String(64)),
    sa.Column("result", sa.String(20)),
    sa.Column("started_at", sa.String(32), nullable=False, index=True),
    sa.Column("ended_at", sa.String(32)),
    *[sa.Column(s, sa.Integer) for s in SKILLS],
    sa.Column("metrics", sa.Text),
    sa.Column("turn_count", sa.Integer),  # v3
    sa.Column("updated_at", sa.String(32)),  # v3
)
turns = sa.Table(
    "turns", metadata,
    sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("n", sa.Integer, primary_key=True),
    sa.Column("speaker", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("moves", sa.String(400), nullable=False),
    sa.Column("call", sa.Integer, nullable=False, default=1),
    sa.Column("buyer_state", sa.Text),
    sa.Column("extra", sa.Text),
    sa.Column("at", sa.String(32)),
)
flags = sa.Table(
    "flags", metadata,
    sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True),
    sa.Column("rule", sa.String(64), nullable=False, index=True),
    sa.Column("turn", sa.Integer),
    sa.Column("severity", sa.Integer),
    sa.Column("quote", sa.Text),
    sa.Column("tip", sa.Text),
    sa.Column("better", sa.Text),  # v3
)
schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))


# -- migrations ----------------------------------------------------------------
# Each step is frozen: it creates or alters exactly what that version added, never
# the live table objects above (which describe the latest version).

def _m1(conn: sa.Connection) -> None:
    """The first schema: sessions, turns, flags."""
    md = sa.MetaData()
    sa.Table(
        "sessions", md,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("rep", sa.String(200), nullable=False, index=True),
        sa.Column("scenario", sa.String(200), nullable=False, index=True),
        sa.Column("seed", sa.BigInteger), sa.Column("difficulty", sa.String(20)), sa.Column("mode", sa.String(20)),
        sa.Column("workshop", sa.String(64), index=True),
        sa.Column("status", sa.String(20), nullable=False), sa.Column("outcome", sa.String(64)),
        sa.Column("result", sa.String(20)),
        sa.Column("started_at", sa.String(32), nullable=False, index=True), sa.Column("ended_at", sa.String(32)),
        *[sa.Column(s, sa.Integer) for s in SKILLS],
        sa.Column("metrics", sa.Text),
    )
    sa.Table(
        "turns", md,
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("speaker", sa.String(10), nullable=False), sa.Column("text", sa.Text, nullable=False),
        sa.Column("moves", sa.String(400), nullable=False), sa.Column("call", sa.Integer, nullable=False),
        sa.Column("buyer_state", sa.Text), sa.Column("extra", sa.Text), sa.Column("at", sa.String(32)),
    )
    sa.Table(
        "flags", md,
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True),
        sa.Column("rule", sa.String(64), nullable=False, index=True),
        sa.Column("turn", sa.Integer), sa.Column("severity", sa.Integer),
        sa.Column("quote", sa.Text), sa.Column("tip", sa.Text),
    )
    md.create_all(conn, checkfirst=True)


def _m2(conn: sa.Connection) -> None:
    """Per-rep history in date order (trends, the report's time series)."""
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_sessions_rep_started ON sessions (rep, started_at)"))


def _m3(conn: sa.Connection) -> None:
    """Progress of a call kept on its session row; the better line of each flag."""
    conn.execute(sa.text("ALTER TABLE sessions ADD COLUMN turn_count INTEGER"))
    conn.execute(sa.text("ALTER TABLE sessions ADD COLUMN updated_at VARCHAR(32)"))
    conn.execute(sa.text("ALTER TABLE flags ADD COLUMN better TEXT"))
    conn.execute(sa.text("UPDATE sessions SET turn_count = "
                         "(SELECT count(*) FROM turns WHERE turns.session_id = sessions.id)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_sessions_status ON sessions (status)"))


#: Ordered migrations; the position is the version each one brings the schema to.
MIGRATIONS: list[Callable[[sa.Connection], None]] = [_m1, _m2, _m3]
_PG_MIGRATION_LOCK = 7_215_301


class StorageError(Exception):
    """The score log cannot be used (a clear, one-line reason)."""


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def reason(exc: BaseException) -> str:
    """The one-line cause of a database or file error, without driver noise.

    >>> import sqlite3
    >>> reason(sqlite3.DatabaseError("file is not a database"))
    'file is not a database'
    """
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError) and orig.strerror:
        text = orig.strerror + (f": {orig.filename}" if orig.filename else "")
    else:
        text = str(orig)
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(orig).__name__)
    return line[:300]


def is_transient(exc: BaseException) -> bool:
    """A busy or locked database, a serialization failure or a dropped connection: worth retrying."""
    orig = getattr(exc, "orig", None) or exc
    msg = str(orig).lower()
    if "database is locked" in msg or "database table is locked" in msg or "busy" in msg:
        return True
    if getattr(orig, "pgcode", None) in {"40001", "40P01", "55P03", "57P03", "53300"}:
        return True
    return bool(getattr(exc, "connection_invalidated", False))


# -- rows and records (pure) ---------------------------------------------------

def _dumps(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":")) if value else None


def _loads(text: Any) -> Any:
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return None


def session_row(session: Any, started_at: str) -> dict:
    return {"id": session.id, "rep": session.rep, "scenario": session.scenario.id, "seed": session.seed,
            "difficulty": session.difficulty, "mode": session.mode, "workshop": session.workshop,
            "status": "in_progress", "started_at": started_at, "updated_at": started_at, "turn_count": 0}


def turn_record(number: int, turn: Any, extra: Mapping | None, at: str) -> dict:
    """One turn as exported (moves as a list, state and extras as objects)."""
    return {"n": number, "speaker": turn.speaker, "text": turn.text, "moves": list(turn.moves),
            "call": getattr(turn, "call", 1) or 1, "buyer_state": dict(turn.buyer_state) if turn.buyer_state else None,
            "extra": dict(extra) if extra else None, "at": at}


def result_record(status: str, outcome: str | None, result: str | None, card: Mapping, ended_at: str) -> dict:
    return {"status": status, "outcome": outcome, "result": result, "ended_at": ended_at,
            "scores": dict(card.get("scores", {})), "metrics": dict(card.get("metrics", {})),
            "flags": [{"rule": f["rule"], "turn": f.get("turn"), "severity": f.get("severity", 1),
                       "quote": f.get("quote", ""), "tip": f.get("tip", ""), "better": f.get("better", "")}
                      for f in card.get("flags", [])]}


def _turn_db_row(session_id: str, t: Mapping) -> dict:
    moves = t.get("moves") or []
    return {"session_id": session_id, "n": int(t["n"]), "speaker": str(t["speaker"]), "text": str(t.get("text", "")),
            "moves": moves if isinstance(moves, str) else ",".join(moves), "call": int(t.get("call") or 1),
            "buyer_state": _dumps(t.get("buyer_state")) if not isinstance(t.get("buyer_state"), str) else t["buyer_state"],
            "extra": _dumps(t.get("extra")) if not isinstance(t.get("extra"), str) else t["extra"],
            "at": t.get("at")}


def _progress(status: str | None, turn_count: int | None) -> tuple[int, int]:
    """How far a call got: a complete call beats an abandoned one beats one in progress, then more turns."""
    return (STATUSES.index(status) if status in STATUSES else 0, turn_count or 0)


def check_record(rec: Any) -> dict:
    """A session record (``salesim export`` shape) made safe to insert; ValueError says what is wrong."""
    if not isinstance(rec, dict):
        raise ValueError("not a JSON object")
    sid = rec.get("id")
    if not isinstance(sid, str) or not sid.strip() or len(sid) > 64:
        raise ValueError("session 'id' must be a non-empty string of at most 64 characters")
    for key in ("rep", "scenario", "started_at"):
        if not isinstance(rec.get(key), str) or not rec[key]:
            raise ValueError(f"session {sid}: '{key}' must be a non-empty string")
    status = rec.get("status", "in_progress")
    if status not in STATUSES:
        raise ValueError(f"session {sid}: status {status!r} is not one of {', '.join(STATUSES)}")
    out_turns = []
    for i, t in enumerate(rec.get("turns") or [], 1):
        if not isinstance(t, dict) or not isinstance(t.get("speaker"), str):
            raise ValueError(f"session {sid}: turn {i} needs a 'speaker' and a 'text'")
        try:
            out_turns.append({**t, "n": int(t.get("n", i))})
        except (TypeError, ValueError):
            raise ValueError(f"session {sid}: turn {i} has a bad number {t.get('n')!r}") from None
    scores = rec.get("scores") if isinstance(rec.get("scores"), dict) else {s: rec.get(s) for s in SKILLS}
    for k, v in scores.items():
        if v is not None and not isinstance(v, (int, float)):
            raise ValueError(f"session {sid}: score {k!r} is not a number")
    fl = rec.get("flags") or []
    if not isinstance(fl, list) or not all(isinstance(f, dict) and isinstance(f.get("rule"), str) for f in fl):
        raise ValueError(f"session {sid}: 'flags' must be a list of objects with a 'rule'")
    return {**rec, "status": status, "turns": out_turns, "scores": scores, "flags": fl}


def records_from_events(events: Iterable[dict]) -> list[dict]:
    """Fold the event lines of fallback files (begin, turn, finish) into session records."""
    recs: dict[str, dict] = {}
    for ev in events:
        kind = ev.get("event")
        if kind == "begin":
            s = ev.get("session") or {}
            rec = recs.setdefault(s.get("id"), {"turns": [], "flags": []})
            rec.update({k: v for k, v in s.items() if k not in ("turns", "flags")})
            rec.setdefault("status", "in_progress")
        elif kind == "turn":
            rec = recs.setdefault(ev.get("session_id"), {"id": ev.get("session_id"), "turns": [], "flags": []})
            n = int(ev["turn"]["n"])
            rec["turns"] = [t for t in rec["turns"] if t["n"] < n] + [ev["turn"]]  # a rewind replaces later turns
        elif kind == "finish":
            rec = recs.setdefault(ev.get("session_id"), {"id": ev.get("session_id"), "turns": [], "flags": []})
            rec.update(ev.get("result") or {})
            if "turn_count" in ev:
                rec["turns"] = [t for t in rec["turns"] if t["n"] <= ev["turn_count"]]
    return [r for sid, r in recs.items() if sid]


# -- the database ---------------------------------------------------------------

def engine_url(url: str) -> "str | sa.URL":
    """``postgresql://`` (or ``postgres://``) with whichever PostgreSQL driver is installed.

    SQLAlchemy's default driver for a bare ``postgresql://`` differs between releases
    (psycopg2, then psycopg 3); users should not have to know.
    """
    if not (url.startswith("postgresql://") or url.startswith("postgres://")):
        return url
    import importlib.util

    parsed = sa.engine.make_url("postgresql://" + url.split("://", 1)[1])
    for module, driver in (("psycopg", "postgresql+psycopg"), ("psycopg2", "postgresql+psycopg2")):
        if importlib.util.find_spec(module) is not None:
            return parsed.set(drivername=driver)
    return parsed


class Database:
    """A score-log database at ``url``; created and migrated on first use.

    ``busy_timeout`` is how long SQLite waits on a lock inside one attempt;
    ``retry_for`` is how long a write keeps retrying a busy or locked database.
    """

    def __init__(self, url: str, busy_timeout: float = 10.0, retry_for: float = 30.0):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.retry_for = retry_for
        self.retries = 0
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": busy_timeout, "check_same_thread": False}
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = sa.pool.StaticPool
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine = sa.create_engine(engine_url(url), **kwargs)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
            raise StorageError(f"not a usable database URL ({reason(exc)})") from None
        if self.is_sqlite:
            ms = int(busy_timeout * 1000)
            event.listen(self.engine, "connect", lambda c, _r: _sqlite_connect(c, ms))
            event.listen(self.engine, "begin", _sqlite_begin)
        #: Write transactions: ``BEGIN IMMEDIATE`` on SQLite takes the write lock up
        #: front, so a busy database waits (and retries) instead of failing half-way.
        self.writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._retry(self.migrate)

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.engine.url.render_as_string(hide_password=True)!r})"

    def _retry(self, fn: Callable[[], Any]) -> Any:
        delay, deadline = 0.005, time.monotonic() + self.retry_for
        while True:
            try:
                return fn()
            except sa.exc.DBAPIError as exc:
                if not is_transient(exc) or time.monotonic() > deadline:
                    raise
                self.retries += 1
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.25)

    def migrate(self) -> None:
        latest = len(MIGRATIONS)
        with self.engine.connect() as conn:
            if sa.inspect(conn).has_table("schema_version"):
                current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
                if current > latest:
                    raise StorageError(f"the score log has schema version {current}, newer than this salesim "
                                       f"understands ({latest}): upgrade salesim")
                if current == latest:
                    return
        with self.writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"))
            schema_version.create(conn, checkfirst=True)
            current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
            for version, step in enumerate(MIGRATIONS, 1):
                if version > current:
                    step(conn)
                    conn.execute(schema_version.insert().values(version=version))

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0

    # -- the Store protocol of simulator.session ------------------------------------
    def begin(self, session: Any) -> None:
        self.write_begin(session_row(session, now()))

    def add_turn(self, session: Any, number: int, turn: Any, extra: dict) -> None:
        self.write_turn(session.id, turn_record(number, turn, extra, now()))

    def finish(self, session: Any, status: str, card: Any) -> None:
        self.write_finish(session.id, result_record(status, session.outcome, session.result, card.to_dict(), now()),
                          len(session.turns))

    # -- writes, one transaction each (committed before they return) -------------------
    def write_begin(self, row: Mapping) -> None:
        def run() -> None:
            with self.writer.begin() as conn:
                conn.execute(sessions.insert().values(**row))
        self._retry(run)

    def write_turn(self, session_id: str, turn: Mapping) -> None:
        row = _turn_db_row(session_id, turn)

        def run() -> None:
            with self.writer.begin() as conn:
                # a rewound turn is replaced: drop anything at or after this number first
                conn.execute(turns.delete().where(turns.c.session_id == session_id, turns.c.n >= row["n"]))
                conn.execute(turns.insert().values(**row))
                conn.execute(sessions.update().where(sessions.c.id == session_id)
                             .values(turn_count=row["n"], updated_at=row["at"] or now()))
        self._retry(run)

    def write_finish(self, session_id: str, result: Mapping, turn_count: int) -> None:
        def run() -> None:
            with self.writer.begin() as conn:
                conn.execute(turns.delete().where(turns.c.session_id == session_id, turns.c.n > turn_count))
                self._write_result(conn, session_id, result, turn_count)
        self._retry(run)

    def _write_result(self, conn: sa.Connection, sid: str, result: Mapping, turn_count: int) -> None:
        scores = result.get("scores") or {}
        conn.execute(sessions.update().where(sessions.c.id == sid).values(
            status=result["status"], outcome=result.get("outcome"), result=result.get("result"),
            ended_at=result.get("ended_at"), updated_at=result.get("ended_at") or now(),
            metrics=_dumps(result.get("metrics")), turn_count=turn_count,
            **{s: _int_or_none(scores.get(s)) for s in SKILLS}))
        conn.execute(flags.delete().where(flags.c.session_id == sid))
        rows = [{"session_id": sid, "rule": f["rule"], "turn": f.get("turn"), "severity": f.get("severity", 1),
                 "quote": f.get("quote"), "tip": f.get("tip"), "better": f.get("better")}
                for f in result.get("flags") or []]
        if rows:
            conn.execute(flags.insert(), rows)

    # -- reading -------------------------------------------------------------------
    def session_rows(self, where: Iterable[sa.ColumnElement] = ()) -> list[dict]:
        with self.engine.connect() as conn:
            q = sa.select(sessions).where(*where).order_by(sessions.c.started_at)
            return [dict(r._mapping) for r in conn.execute(q)]

    def turn_rows(self, session_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            q = sa.select(turns).where(turns.c.session_id == session_id).order_by(turns.c.n)
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- moving logs between machines (JSON Lines, one session per line) ------------------
    def export_records(self, where: Iterable[sa.ColumnElement] = (), batch: int = 500) -> Iterator[dict]:
        """Every session matching ``where``, oldest first, with its turns and flags."""
        where = list(where)
        with self.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(
                sa.select(sessions.c.id).where(*where).order_by(sessions.c.started_at, sessions.c.id))]
            for i in range(0, len(ids), batch):
                chunk = ids[i:i + batch]
                srows = {r.id: r._mapping for r in conn.execute(sa.select(sessions).where(sessions.c.id.in_(chunk)))}
                by_turns: dict[str, list[dict]] = {sid: [] for sid in chunk}
                for t in conn.execute(sa.select(turns).where(turns.c.session_id.in_(chunk))
                                      .order_by(turns.c.session_id, turns.c.n)):
                    by_turns[t.session_id].append({
                        "n": t.n, "speaker": t.speaker, "text": t.text,
                        "moves": [m for m in (t.moves or "").split(",") if m], "call": t.call,
                        "buyer_state": _loads(t.buyer_state), "extra": _loads(t.extra), "at": t.at})
                by_flags: dict[str, list[dict]] = {sid: [] for sid in chunk}
                for f in conn.execute(sa.select(flags).where(flags.c.session_id.in_(chunk))
                                      .order_by(flags.c.session_id, flags.c.turn, flags.c.rule)):
                    by_flags[f.session_id].append({"rule": f.rule, "turn": f.turn, "severity": f.severity,
                                                   "quote": f.quote, "tip": f.tip, "better": f.better})
                for sid in chunk:
                    s = srows[sid]
                    yield {"format": RECORD_FORMAT, **{k: s[k] for k in (
                        "id", "rep", "scenario", "seed", "difficulty", "mode", "workshop", "status", "outcome",
                        "result", "started_at", "ended_at", "updated_at")},
                        "scores": {k: s[k] for k in SKILLS if s[k] is not None},
                        "metrics": _loads(s["metrics"]) or {},
                        "turns": by_turns[sid], "flags": by_flags[sid]}

    def import_record(self, rec: dict) -> str:
        """Add one exported session: ``"added"``, ``"updated"`` (the record got further than the copy
        here, e.g. a call recovered from a fallback file) or ``"skipped"`` (already here)."""
        return self.import_records([rec]).last

    def import_records(self, records: Iterable[dict], batch: int = 200) -> "ImportResult":
        out = ImportResult()
        pending: list[dict] = []
        for rec in records:
            pending.append(check_record(rec))
            if len(pending) >= batch:
                self._retry(lambda p=pending: self._import_batch(p, out))
                pending = []
        if pending:
            self._retry(lambda: self._import_batch(pending, out))
        return out

    def _import_batch(self, recs: list[dict], out: "ImportResult") -> None:
        tally = ImportResult()
        cols = {c.name for c in sessions.columns} - set(SKILLS) - {"metrics", "turn_count", "updated_at"}
        with self.writer.begin() as conn:
            have = {r.id: _progress(r.status, r.turn_count) for r in conn.execute(
                sa.select(sessions.c.id, sessions.c.status, sessions.c.turn_count)
                .where(sessions.c.id.in_({r["id"] for r in recs})))}
            for rec in recs:
                sid = rec["id"]
                incoming = _progress(rec["status"], len(rec["turns"]))
                existed = sid in have
                if existed and have[sid] >= incoming:
                    tally.note("skipped")
                    continue
                if existed:
                    conn.execute(sessions.delete().where(sessions.c.id == sid))
                    conn.execute(turns.delete().where(turns.c.session_id == sid))
                    conn.execute(flags.delete().where(flags.c.session_id == sid))
                scores = rec["scores"]
                conn.execute(sessions.insert().values(
                    **{k: rec.get(k) for k in cols if k in rec},
                    **{s: _int_or_none(scores.get(s)) for s in SKILLS},
                    metrics=_dumps(rec.get("metrics")) if not isinstance(rec.get("metrics"), str) else rec["metrics"],
                    turn_count=len(rec["turns"]), updated_at=rec.get("updated_at") or rec.get("ended_at")
                    or rec["started_at"]))
                if rec["turns"]:
                    conn.execute(turns.insert(), [_turn_db_row(sid, t) for t in rec["turns"]])
                if rec["flags"]:
                    conn.execute(flags.insert(), [
                        {"session_id": sid, "rule": f["rule"], "turn": f.get("turn"), "severity": f.get("severity", 1),
                         "quote": f.get("quote"), "tip": f.get("tip"), "better": f.get("better")}
                        for f in rec["flags"]])
                have[sid] = incoming
                tally.note("updated" if existed else "added")
        out.merge(tally)  # only once the batch is committed


def _int_or_none(v: Any) -> int | None:
    return None if v is None else int(round(float(v)))


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    last: str = ""

    def note(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        self.last = what

    def merge(self, other: "ImportResult") -> None:
        self.added += other.added
        self.updated += other.updated
        self.skipped += other.skipped
        self.last = other.last or self.last


def _sqlite_connect(dbapi_conn: Any, busy_ms: int) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (deferred or immediate).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={busy_ms}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


# -- the store a call writes through: the database, or a file when that fails -----------

def unsaved_folders() -> list[Path]:
    """Where calls go when the score log cannot take them: SALESIM_HOME/unsaved, then the temp folder."""
    from simulator import paths

    uid = getattr(os, "getuid", lambda: "user")()
    return [paths.home() / "unsaved", Path(tempfile.gettempdir()) / f"salesim-unsaved-{uid}"]


def pending_files() -> list[Path]:
    """Fallback files still waiting to be imported."""
    found: list[Path] = []
    for folder in unsaved_folders():
        try:
            found += sorted(p for p in folder.glob("*.jsonl") if p.is_file())
        except OSError:
            continue
    return found


def mark_imported(path: Path) -> Path | None:
    """Move an imported fallback file aside (``unsaved/imported/``) so it is not reported again."""
    path = Path(path).resolve()
    if path.parent not in {f.resolve() for f in unsaved_folders()}:
        return None
    try:
        target = path.parent / "imported" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        return target
    except OSError:
        return None


class SafeStore:
    """The :class:`simulator.session.Store` a call writes through; it never loses a call.

    Every event goes to the database when it can. When the database cannot be
    opened or a write fails for good (corrupt file, read-only, disk full, server
    gone, after the busy/locked retries), the call so far and everything after it
    goes to a JSON Lines file instead (one per call, fsynced per line), and
    ``notify`` gets one line naming the file and how to import it later.
    """

    def __init__(self, database: "Database | Callable[[], Database] | None", url: str = "",
                 notify: Callable[[str], None] | None = None, folders: list[Path] | None = None,
                 dump: Callable[[str], None] | None = None):
        self._opener = None if isinstance(database, Database) else database
        self.db: Database | None = database if isinstance(database, Database) else None
        self.url = url or (self.db.url if self.db else "")
        self.notify = notify or (lambda message: None)
        self.dump = dump or self.notify  # the raw last-resort line (no prefix)
        self.folders = folders
        self.problem: str | None = None
        self.saved_to: list[Path] = []
        self._file: dict[str, Path | None] = {}  # calls written to a file (None: nowhere yet)
        self._problem: dict[str, str] = {}
        self._names: dict[str, str] = {}
        if self._opener is not None:
            self._open()

    def _open(self) -> None:
        try:
            self.db = self._opener()  # type: ignore[misc]
            self.problem = None
        except Exception as exc:  # noqa: BLE001 - whatever the driver says, the call goes on
            self.db, self.problem = None, reason(exc)

    # -- Store protocol ------------------------------------------------------------
    def begin(self, session: Any) -> None:
        if self.db is None and self._opener is not None:
            self._open()
        if self.db is not None:
            try:
                self.db.write_begin(session_row(session, now()))
                return
            except Exception as exc:  # noqa: BLE001
                self.problem = reason(exc)
        self._to_file(session, self.problem or "no score log")

    def add_turn(self, session: Any, number: int, turn: Any, extra: dict) -> None:
        rec = turn_record(number, turn, extra, now())
        if session.id in self._file:
            self._append(session, [{"event": "turn", "session_id": session.id, "turn": rec}])
            return
        try:
            self.db.write_turn(session.id, rec)  # type: ignore[union-attr]
        except Exception as exc:  # noqa: BLE001
            self._to_file(session, reason(exc))

    def finish(self, session: Any, status: str, card: Any) -> None:
        result = result_record(status, session.outcome, session.result, card.to_dict(), now())
        if session.id in self._file:
            self._append(session, [self._finish_event(session, result)], result)
        else:
            try:
                self.db.write_finish(session.id, result, len(session.turns))  # type: ignore[union-attr]
                return
            except Exception as exc:  # noqa: BLE001
                self._to_file(session, reason(exc), result)
        if self._file.get(session.id) is None:
            # Nowhere on disk would take it: the last resort is the terminal.
            rec = records_from_events(self._events(session, result))[0]
            self.notify("the call could not be saved to disk; the next line is the call: "
                        "save it to a file and run `salesim import FILE`")
            self.dump(json.dumps({"format": RECORD_FORMAT, **rec}, ensure_ascii=False, default=str))

    # -- the fallback file -------------------------------------------------------------
    def file_for(self, session: Any) -> Path | None:
        return self._file.get(session.id)

    @staticmethod
    def _finish_event(session: Any, result: dict) -> dict:
        return {"event": "finish", "session_id": session.id, "turn_count": len(session.turns), "result": result}

    def _events(self, session: Any, result: dict | None = None) -> list[dict]:
        """The call so far, rebuilt from the session itself (so nothing depends on what the database got)."""
        row = session_row(session, getattr(session, "started_at", None) or now())
        out: list[dict] = [{"event": "begin", "format": EVENT_FORMAT, "session": row}]
        for n, (t, x) in enumerate(zip(session.turns, getattr(session, "extras", [{}] * len(session.turns))), 1):
            out.append({"event": "turn", "session_id": session.id, "turn": turn_record(n, t, x, now())})
        if result is not None:
            out.append(self._finish_event(session, result))
        return out

    def _to_file(self, session: Any, problem: str, result: dict | None = None) -> None:
        self._problem[session.id] = problem
        self._file[session.id] = None
        self._write_all(session, result)

    def _append(self, session: Any, events: list[dict], result: dict | None = None) -> None:
        path = self._file.get(session.id)
        if path is not None:
            try:
                _append_lines(path, events)
                return
            except OSError as exc:
                self._problem[session.id] += f"; {path}: {reason(exc)}"
        self._write_all(session, result, skip=path)

    def _write_all(self, session: Any, result: dict | None, skip: Path | None = None) -> None:
        events = self._events(session, result)
        problems = []
        for folder in self.folders or unsaved_folders():
            path = folder / self._names.setdefault(session.id, _fallback_name(session))
            if path == skip:
                continue
            try:
                folder.mkdir(parents=True, exist_ok=True)
                if path.exists():
                    path.unlink()
                _append_lines(path, events)
            except OSError as exc:
                problems.append(f"{folder}: {reason(exc)}")
                continue
            self._file[session.id] = path
            self.saved_to.append(path)
            self.notify(f"the score log {self._where()} cannot be written ({self._problem[session.id]}); "
                        f"this call is kept in {path}: add it to the log later with `salesim import {path}`")
            return
        if self._problem.get(session.id, "").endswith("(not saved)"):
            return  # already told
        self._problem[session.id] = f"{self._problem[session.id]}; {'; '.join(problems)} (not saved)"
        self.notify(f"cannot write the score log {self._where()} nor a fallback file "
                    f"({self._problem[session.id]}); the call goes on and will be saved when possible")

    def _where(self) -> str:
        return display_url(self.url) if self.url else ""


def display_url(url: str) -> str:
    """A database URL safe to print (the password masked).

    >>> display_url("postgresql://coach:secret@db:5432/salesim")
    'postgresql://coach:***@db:5432/salesim'
    """
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL at all: print nothing secret-looking
        return url.split("@")[-1] if "@" in url else url


def _fallback_name(session: Any) -> str:
    from simulator import paths

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{paths.safe_name(session.rep, 40)}-{paths.safe_name(session.id, 12)}.jsonl"


def _append_lines(path: Path, events: list[dict]) -> None:
    data = "".join(json.dumps(e, ensure_ascii=False, default=str) + "\n" for e in events).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def open_store(url: str, notify: Callable[[str], None] | None = None,
               dump: Callable[[str], None] | None = None) -> SafeStore:
    """The store ``salesim play`` uses: the score log at ``url``, with the file fallback."""

    def opener() -> Database:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///file:"):
            Path(url[len("sqlite:///"):]).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return Database(url)

    return SafeStore(opener, url=url, notify=notify, dump=dump)


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object or a ValueError) for each non-blank line of a JSON Lines file."""
    with open(path, "rb") as fh:
        yield from parse_jsonl(fh)


def parse_jsonl(lines: Iterable[bytes]) -> Iterator[tuple[int, Any]]:
    """:func:`read_jsonl` for any stream of byte lines (a file, standard input)."""
    for i, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            yield i, json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            yield i, ValueError(f"not valid JSON ({str(exc).splitlines()[0][:80]})")
