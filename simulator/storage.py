"""Score logs: every call and every turn, written as it happens (SQLAlchemy Core).

SQLite by default (WAL journal, foreign keys on, a busy timeout so concurrent
loggers wait instead of failing); PostgreSQL by URL. The schema is versioned by
a small ordered list of migrations recorded in ``schema_version``: the schema is
a few tables, and this keeps installs free of a migration tool and its folder.

>>> db = Database("sqlite://")
>>> db.version()
2
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import event

SKILLS = ("overall", "rapport", "concessions", "handoffs", "discovery", "recovery", "follow_up", "brevity")

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
)
schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))


def _m1(conn: sa.Connection) -> None:
    for table in (sessions, turns, flags):
        table.create(conn, checkfirst=True)


def _m2(conn: sa.Connection) -> None:
    sa.Index("ix_sessions_rep_started", sessions.c.rep, sessions.c.started_at).create(conn, checkfirst=True)


#: Ordered migrations; the position is the version each one brings the schema to.
MIGRATIONS: list[Callable[[sa.Connection], None]] = [_m1, _m2]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class Database:
    """A score-log database at ``url``; created and migrated on first use."""

    def __init__(self, url: str):
        self.url = url
        is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"future": True}
        if is_sqlite:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = sa.pool.StaticPool
        self.engine = sa.create_engine(url, **kwargs)
        if is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    def migrate(self) -> None:
        with self.engine.begin() as conn:
            schema_version.create(conn, checkfirst=True)
            current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
            for version, step in enumerate(MIGRATIONS, 1):
                if version > current:
                    step(conn)
                    conn.execute(schema_version.insert().values(version=version))

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0

    # -- the Store protocol of simulator.session ---------------------------------
    def begin(self, session: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.insert().values(
                id=session.id, rep=session.rep, scenario=session.scenario.id, seed=session.seed,
                difficulty=session.difficulty, mode=session.mode, workshop=session.workshop,
                status="in_progress", started_at=now()))

    def add_turn(self, session: Any, number: int, turn: Any, extra: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(turns.insert().values(
                session_id=session.id, n=number, speaker=turn.speaker, text=turn.text,
                moves=",".join(turn.moves), call=turn.call,
                buyer_state=json.dumps(turn.buyer_state) if turn.buyer_state else None,
                extra=json.dumps(extra) if extra else None, at=now()))

    def finish(self, session: Any, status: str, card: Any) -> None:
        with self.engine.begin() as conn:
            self._write_result(conn, session.id, status, session.outcome, session.result, card.to_dict(), now())

    def _write_result(self, conn: sa.Connection, sid: str, status: str, outcome: str | None,
                      result: str | None, card: dict, ended_at: str) -> None:
        scores = card.get("scores", {})
        conn.execute(sessions.update().where(sessions.c.id == sid).values(
            status=status, outcome=outcome, result=result, ended_at=ended_at,
            metrics=json.dumps(card.get("metrics", {})),
            **{s: scores.get(s) for s in SKILLS}))
        conn.execute(flags.delete().where(flags.c.session_id == sid))
        rows = [{"session_id": sid, "rule": f["rule"], "turn": f["turn"], "severity": f.get("severity", 1),
                 "quote": f["quote"], "tip": f["tip"]} for f in card.get("flags", [])]
        if rows:
            conn.execute(flags.insert(), rows)

    # -- reading ------------------------------------------------------------
    def session_rows(self, where: Iterable[sa.ColumnElement] = ()) -> list[dict]:
        with self.engine.connect() as conn:
            q = sa.select(sessions).where(*where).order_by(sessions.c.started_at)
            return [dict(r._mapping) for r in conn.execute(q)]

    def turn_rows(self, session_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            q = sa.select(turns).where(turns.c.session_id == session_id).order_by(turns.c.n)
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- moving logs between machines (JSON Lines, one session per line) ----------
    def export_records(self) -> Iterator[dict]:
        with self.engine.connect() as conn:
            for s in conn.execute(sa.select(sessions).order_by(sessions.c.started_at)):
                rec = dict(s._mapping)
                rec["turns"] = [dict(t._mapping) for t in conn.execute(
                    sa.select(turns).where(turns.c.session_id == rec["id"]).order_by(turns.c.n))]
                rec["flags"] = [dict(f._mapping) for f in conn.execute(
                    sa.select(flags).where(flags.c.session_id == rec["id"]))]
                for t in rec["turns"]:
                    t.pop("session_id", None)
                for f in rec["flags"]:
                    f.pop("session_id", None)
                yield rec

    def import_record(self, rec: dict) -> bool:
        """Add one exported session; False when a session with that id is already here."""
        session_cols = {c.name for c in sessions.columns}
        with self.engine.begin() as conn:
            if conn.execute(sa.select(sessions.c.id).where(sessions.c.id == rec["id"])).first():
                return False
            conn.execute(sessions.insert().values(**{k: v for k, v in rec.items() if k in session_cols}))
            if rec.get("turns"):
                conn.execute(turns.insert(), [{**t, "session_id": rec["id"]} for t in rec["turns"]])
            if rec.get("flags"):
                conn.execute(flags.insert(), [{**f, "session_id": rec["id"]} for f in rec["flags"]])
        return True


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
