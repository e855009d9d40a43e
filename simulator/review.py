"""The manager's view of the score logs: per rep, per scenario, flags, worst moments.

Every figure is computed by the database (SQL aggregation and window functions,
the same statements on SQLite and PostgreSQL), so a review of 100,000 calls
reads a few thousand rows, not millions of turns. This module returns plain
data (:func:`review`); printing it (rich tables), CSV and the HTML report are
separate shells on top.

>>> f = Filters.parse(since="2024-03-01", until="2024-03-31")
>>> f.since < f.until
True
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, TextIO

import sqlalchemy as sa

from simulator.scoring import TIPS
from simulator.storage import SKILLS, Database
from simulator.storage import flags as F
from simulator.storage import sessions as S
from simulator.storage import turns as T

#: The skills a rep can be weakest at (``overall`` is their mix).
SKILL_NAMES = tuple(s for s in SKILLS if s != "overall")
SKILL_LABELS = {"overall": "Overall", "rapport": "Rapport", "concessions": "Concessions", "handoffs": "Handoffs",
                "discovery": "Discovery", "recovery": "Recovery", "follow_up": "Follow-up", "brevity": "Brevity"}
RULE_LABELS = {
    "premature_concession": "Premature concession", "unnecessary_handoff": "Unnecessary handoff",
    "refused_escalation": "Refused escalation", "blame_or_excuse": "Blame or excuse",
    "missed_empathy": "Missed empathy", "long_monologue": "Long monologue", "no_next_step": "No next step",
    "pressure_tactic": "Pressure tactic", "brush_off": "Brush-off", "vague_commitment": "Vague commitment",
    "unreferenced_callback": "Unreferenced callback", "broken_promise": "Broken promise",
    "handoff_without_ownership": "Handoff without ownership",
}
SEVERITY = {1: "minor", 2: "serious", 3: "critical"}
SPARK = "▁▂▃▄▅▆▇█"


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule) or rule.replace("_", " ").capitalize()


# -- filters ---------------------------------------------------------------------

_RELATIVE = re.compile(r"^(\d{1,4})\s*([dw])$", re.I)


def _utc_iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive date or time is the user's local time
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")


def parse_when(text: str, end: bool = False, today: dt.date | None = None) -> str:
    """A ``--since``/``--until`` value as a UTC timestamp bound in the log's format.

    Accepts ``YYYY-MM-DD``, ``YYYY-MM``, an ISO date and time, ``today``, ``yesterday``
    and ``7d``/``2w`` (days or weeks ago). As an end bound a day or month means the
    end of it. Raises ValueError with a readable message.
    """
    raw = text.strip().lower()
    today = today or dt.date.today()
    day: dt.date | None = None
    if raw in ("today", "yesterday"):
        day = today - dt.timedelta(days=0 if raw == "today" else 1)
    elif m := _RELATIVE.match(raw):
        day = today - dt.timedelta(days=int(m.group(1)) * (7 if m.group(2) == "w" else 1))
    elif re.fullmatch(r"\d{4}-\d{2}", raw):
        y, mo = map(int, raw.split("-"))
        if not 1 <= mo <= 12:
            raise ValueError(f"not a month: {text!r}")
        start = dt.datetime(y, mo, 1)
        if end:
            start = dt.datetime(y + (mo == 12), mo % 12 + 1, 1)
        return _utc_iso(start)
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
    if day is not None:
        return _utc_iso(dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time()))
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, an ISO time, 'today' or e.g. '7d')") from None
    return _utc_iso(moment + (dt.timedelta(milliseconds=1) if end else dt.timedelta()))


@dataclass(frozen=True)
class Filters:
    """Which calls a review covers. ``since`` is inclusive, ``until`` exclusive (UTC ISO bounds)."""

    reps: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    workshop: str | None = None
    labels: tuple[tuple[str, str], ...] = ()  # what the user typed, for titles

    @classmethod
    def parse(cls, rep: Iterable[str] | str | None = (), scenario: Iterable[str] | str | None = (),
              since: str | None = None, until: str | None = None, workshop: str | None = None) -> "Filters":
        reps = (rep,) if isinstance(rep, str) else tuple(rep or ())
        scenarios = (scenario,) if isinstance(scenario, str) else tuple(scenario or ())
        lo = parse_when(since) if since else None
        hi = parse_when(until, end=True) if until else None
        if lo and hi and lo >= hi:
            raise ValueError(f"--since {since} is not before --until {until}")
        labels = tuple((k, v) for k, v in (("rep", ", ".join(reps)), ("scenario", ", ".join(scenarios)),
                                           ("since", since or ""), ("until", until or ""),
                                           ("workshop", workshop or "")) if v)
        return cls(tuple(r.strip() for r in reps if r.strip()), tuple(s.strip() for s in scenarios if s.strip()),
                   lo, hi, workshop, labels)

    def where(self) -> list[sa.ColumnElement]:
        out: list[sa.ColumnElement] = []
        if self.reps:
            out.append(sa.or_(S.c.rep.in_(self.reps), sa.func.lower(S.c.rep).in_([r.lower() for r in self.reps])))
        if self.scenarios:
            out.append(S.c.scenario.in_(self.scenarios))
        if self.since:
            out.append(S.c.started_at >= self.since)
        if self.until:
            out.append(S.c.started_at < self.until)
        if self.workshop:
            out.append(S.c.workshop == self.workshop)
        return out

    def describe(self) -> str:
        return "; ".join(f"{k} {v}" for k, v in self.labels) or "all calls"


# -- the review --------------------------------------------------------------------

def _num(v: Any, digits: int = 1) -> float | None:
    if v is None:
        return None
    return round(float(v) if isinstance(v, Decimal) else v, digits)


def _complete() -> sa.ColumnElement:
    return S.c.status == "complete"


def _count_if(cond: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


def _weakest(averages: dict[str, float | None]) -> dict | None:
    """The skill with the lowest average; none when every skill is level (nothing stands out)."""
    known = [(v, SKILL_NAMES.index(k), k) for k, v in averages.items() if k in SKILL_NAMES and v is not None]
    if not known or max(known)[0] - min(known)[0] < 1:
        return None
    value, _, skill = min(known)
    return {"skill": skill, "average": value}


_COUNTS = ("sessions", "complete", "in_progress", "abandoned", "won")


def _groups_query(where: list) -> sa.Select:
    """One pass over the calls: counts and score sums per (rep, scenario); reps, scenarios and the
    team are folded from these few rows in Python, so the sessions table is read once."""
    complete = _complete()
    return (sa.select(
        S.c.rep, S.c.scenario,
        sa.func.count().label("sessions"),
        _count_if(complete).label("complete"),
        _count_if(S.c.status == "in_progress").label("in_progress"),
        _count_if(S.c.status == "abandoned").label("abandoned"),
        _count_if(sa.and_(complete, S.c.result == "won")).label("won"),
        sa.func.min(S.c.started_at).label("first"),
        sa.func.max(S.c.started_at).label("last"),
        *[sa.func.sum(sa.case((complete, S.c[k]))).label(f"{k}_sum") for k in SKILLS],
        *[sa.func.count(sa.case((complete, S.c[k]))).label(f"{k}_n") for k in SKILLS],
    ).where(*where).group_by(S.c.rep, S.c.scenario))


class _Acc:
    """Counts and score sums of a group of calls (a rep, a scenario, the team)."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(_COUNTS, 0)
        self.sums = dict.fromkeys(SKILLS, 0.0)
        self.ns = dict.fromkeys(SKILLS, 0)
        self.first: str | None = None
        self.last: str | None = None

    def add(self, m: Any) -> None:
        for k in _COUNTS:
            self.counts[k] += int(m[k] or 0)
        for k in SKILLS:
            if m[f"{k}_n"]:
                self.sums[k] += float(m[f"{k}_sum"])
                self.ns[k] += int(m[f"{k}_n"])
        self.first = min(filter(None, (self.first, m["first"])), default=None)
        self.last = max(filter(None, (self.last, m["last"])), default=None)

    def summary(self) -> dict:
        c = self.counts
        averages = {k: _num(self.sums[k] / self.ns[k]) if self.ns[k] else None for k in SKILLS}
        return {"sessions": c["sessions"], "complete": c["complete"], "incomplete": c["in_progress"] + c["abandoned"],
                "in_progress": c["in_progress"], "abandoned": c["abandoned"], "won": c["won"],
                "first_call": self.first, "last_call": self.last, "averages": averages,
                "weakest_skill": _weakest(averages)}


def _trend(scores_newest_first: list[int], last: int) -> dict:
    recent = scores_newest_first[:last]
    previous = scores_newest_first[last:2 * last]
    r = sum(recent) / len(recent) if recent else None
    p = sum(previous) / len(previous) if previous else None
    change = round(r - p, 1) if r is not None and p is not None else None
    direction = "new" if change is None else ("up" if change >= 3 else "down" if change <= -3 else "flat")
    return {"scores": list(reversed(scores_newest_first)), "recent": _num(r), "previous": _num(p),
            "change": change, "direction": direction}


def review(db: Database, filters: Filters | None = None, last: int = 5, worst: int = 10,
           detail: bool = False, per_rep_worst: int = 3) -> dict:
    """Everything ``salesim review`` shows, as plain data (JSON-ready).

    ``last``: how many recent complete calls make a rep's trend (compared with the
    ``last`` before them). ``detail``: add what the HTML report needs (time series,
    each rep's frequent flags and worst moments).
    """
    filters = filters or Filters()
    where = filters.where()
    out: dict[str, Any] = {"filters": dict(filters.labels),
                           "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    with db.engine.connect() as conn:
        team, by_rep, by_scn = _Acc(), {}, {}
        for r in conn.execute(_groups_query(where)):
            m = r._mapping
            team.add(m)
            by_rep.setdefault(m["rep"], _Acc()).add(m)
            by_scn.setdefault(m["scenario"], _Acc()).add(m)
        out["totals"] = {**team.summary(), "reps": len(by_rep)}
        scored = out["totals"]["complete"] + out["totals"]["abandoned"]

        reps = {name: {"rep": name, **acc.summary()} for name, acc in by_rep.items()}
        rn = sa.func.row_number().over(partition_by=S.c.rep, order_by=(S.c.started_at.desc(), S.c.id.desc()))
        sub = (sa.select(S.c.rep, S.c.overall, rn.label("rn"))
               .where(*where, _complete(), S.c.overall.isnot(None)).subquery())
        recent: dict[str, list[int]] = {}
        for r in conn.execute(sa.select(sub.c.rep, sub.c.overall).where(sub.c.rn <= 2 * last)
                              .order_by(sub.c.rep, sub.c.rn)):
            recent.setdefault(r.rep, []).append(int(r.overall))
        for name, rep in reps.items():
            rep["trend"] = _trend(recent.get(name, []), last)
        out["reps"] = sorted(reps.values(), key=lambda r: (-r["sessions"], r["rep"]))
        out["scenarios"] = sorted(({"scenario": name, **acc.summary()} for name, acc in by_scn.items()),
                                  key=lambda r: (-r["sessions"], r["scenario"]))

        joined = F.join(S, S.c.id == F.c.session_id)
        per_rule: dict[str, list[float]] = {}  # rule -> [times, calls, severity sum]
        if detail:
            rep_rules = conn.execute(
                sa.select(S.c.rep, F.c.rule, sa.func.count().label("times"),
                          sa.func.count(sa.distinct(F.c.session_id)).label("calls"),
                          sa.func.sum(F.c.severity).label("sev"))
                .select_from(joined).where(*where).group_by(S.c.rep, F.c.rule)).all()
        else:
            rep_rules = []
            base = F if not where else joined  # unfiltered: the flags table alone, no join
            rows = conn.execute(sa.select(F.c.rule, sa.func.count().label("times"),
                                          sa.func.count(sa.distinct(F.c.session_id)).label("calls"),
                                          sa.func.sum(F.c.severity).label("sev"))
                                .select_from(base).where(*where).group_by(F.c.rule))
            for r in rows:
                per_rule[r.rule] = [int(r.times), int(r.calls), float(r.sev or 0)]
        for r in rep_rules:  # a call belongs to one rep, so per-rep distinct counts add up
            acc = per_rule.setdefault(r.rule, [0, 0, 0.0])
            acc[0] += int(r.times)
            acc[1] += int(r.calls)
            acc[2] += float(r.sev or 0)
        out["flags"] = sorted((
            {"rule": rule, "label": rule_label(rule), "times": times, "calls": calls,
             "share": round(calls / scored, 3) if scored else 0.0, "severity": _num(sev / times if times else None),
             "tip": TIPS.get(rule, ("", ""))[0]}
            for rule, (times, calls, sev) in per_rule.items()), key=lambda f: (-f["times"], f["rule"]))

        moment_cols = (S.c.id.label("session_id"), S.c.rep, S.c.scenario, S.c.started_at, S.c.overall, S.c.status,
                       F.c.rule, F.c.turn, F.c.severity, F.c.quote, F.c.tip, F.c.better)
        order = (sa.func.coalesce(F.c.severity, 1).desc(), sa.func.coalesce(S.c.overall, 101).asc(),
                 S.c.started_at.desc(), F.c.turn)
        rows = conn.execute(sa.select(*moment_cols).select_from(joined).where(*where)
                            .order_by(*order).limit(worst * 10)).all()
        out["worst_moments"] = _with_context(conn, _one_per_call(rows, worst))

        if detail:
            _add_detail(conn, out, where, joined, moment_cols, order, per_rep_worst, rep_rules)
    return out


def _moment(r: Any) -> dict:
    m = r._mapping
    return {"session_id": m["session_id"], "rep": m["rep"], "scenario": m["scenario"], "started_at": m["started_at"],
            "overall": m["overall"], "status": m["status"], "rule": m["rule"], "label": rule_label(m["rule"]),
            "turn": m["turn"], "severity": m["severity"], "quote": m["quote"] or "", "tip": m["tip"] or "",
            "better": m["better"] or TIPS.get(m["rule"], ("", ""))[1]}


def _one_per_call(rows: Iterable[Any], limit: int, per_rule: int | None = None) -> list[dict]:
    """The worst moments in order, at most one per call and (while others are left) a third per rule:
    ten quotes of the same flag from one bad call teach less than ten different moments."""
    rows = list(rows)
    per_rule = per_rule or max(1, -(-limit // 3))
    calls: set[str] = set()
    rules: dict[str, int] = {}
    picked: list[Any] = []
    for strict in (True, False):
        for r in rows:
            m = r._mapping
            if len(picked) >= limit:
                break
            if m["session_id"] in calls or (strict and rules.get(m["rule"], 0) >= per_rule):
                continue
            calls.add(m["session_id"])
            rules[m["rule"]] = rules.get(m["rule"], 0) + 1
            picked.append(r)
    order = {id(r): i for i, r in enumerate(rows)}
    return [_moment(r) for r in sorted(picked, key=lambda r: order[id(r)])]


def _with_context(conn: sa.Connection, moments: list[dict]) -> list[dict]:
    """Each moment with the line just before it (usually what the buyer said)."""
    for m in moments:
        m["before"] = None
        if m["turn"] and m["turn"] > 1:
            prev = conn.execute(sa.select(T.c.speaker, T.c.text).where(
                T.c.session_id == m["session_id"], T.c.n == m["turn"] - 1)).first()
            if prev is not None:
                m["before"] = {"speaker": prev.speaker, "text": prev.text}
    return moments


def _add_detail(conn: sa.Connection, out: dict, where: list, joined: Any, moment_cols: tuple, order: tuple,
                per_rep_worst: int, rep_rules: list) -> None:
    reps = {r["rep"]: r for r in out["reps"]}
    for r in reps.values():
        r.update(top_flags=[], worst_moments=[], series=[])
    for r in rep_rules:
        tip, better = TIPS.get(r.rule, ("", ""))
        reps[r.rep]["top_flags"].append({"rule": r.rule, "label": rule_label(r.rule), "times": int(r.times),
                                         "tip": tip, "better": better})
    for r in reps.values():
        r["top_flags"].sort(key=lambda f: (-f["times"], f["rule"]))

    rn = sa.func.row_number().over(partition_by=S.c.rep, order_by=order).label("rn")
    sub = sa.select(*moment_cols, rn).select_from(joined).where(*where).subquery()
    picked: dict[str, list[Any]] = {}
    for r in conn.execute(sa.select(sub).where(sub.c.rn <= per_rep_worst * 10).order_by(sub.c.rep, sub.c.rn)):
        picked.setdefault(r.rep, []).append(r)
    for name, rows in picked.items():
        reps[name]["worst_moments"] = _with_context(conn, _one_per_call(rows, per_rep_worst))

    day = sa.func.substr(S.c.started_at, 1, 10).label("day")
    for r in conn.execute(sa.select(S.c.rep, day, sa.func.avg(S.c.overall).label("overall"),
                                    sa.func.count().label("calls"))
                          .where(*where, _complete(), S.c.overall.isnot(None))
                          .group_by(S.c.rep, day).order_by(S.c.rep, day)):
        reps[r.rep]["series"].append({"day": r.day, "overall": _num(r.overall), "calls": int(r.calls)})
    out["team_series"] = [
        {"day": r.day, "overall": _num(r.overall), "calls": int(r.calls)}
        for r in conn.execute(sa.select(day, sa.func.avg(S.c.overall).label("overall"), sa.func.count().label("calls"))
                              .where(*where, _complete(), S.c.overall.isnot(None)).group_by(day).order_by(day))]


# -- CSV: one row per call, for spreadsheets --------------------------------------------

CSV_COLUMNS = ("session_id", "rep", "scenario", "workshop", "started_at", "ended_at", "status", "outcome", "result",
               "turns", *SKILLS, "flags", "critical_flags")


def write_csv(db: Database, filters: Filters, out: TextIO) -> int:
    """Every call matching ``filters`` as a CSV row (scores, status, flag counts); returns the row count."""
    counts = (sa.select(F.c.session_id, sa.func.count().label("n"),
                        _count_if(F.c.severity >= 3).label("critical"))
              .group_by(F.c.session_id).subquery())
    q = (sa.select(S.c.id, S.c.rep, S.c.scenario, S.c.workshop, S.c.started_at, S.c.ended_at, S.c.status,
                   S.c.outcome, S.c.result, S.c.turn_count, *[S.c[k] for k in SKILLS],
                   sa.func.coalesce(counts.c.n, 0), sa.func.coalesce(counts.c.critical, 0))
         .select_from(S.outerjoin(counts, counts.c.session_id == S.c.id))
         .where(*filters.where()).order_by(S.c.started_at, S.c.id))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    with db.engine.connect() as conn:
        for row in conn.execution_options(stream_results=True, yield_per=2000).execute(q):
            writer.writerow([_csv_safe(v) for v in row])
            n += 1
    return n


def _csv_safe(v: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return "" if v is None else v


# -- printing ----------------------------------------------------------------------

def spark_range(scores: list[int | float]) -> tuple[float, float]:
    """The window a sparkline draws: the scores' own range plus a margin, within 0-100."""
    if not scores:
        return 0.0, 100.0
    lo, hi = max(0.0, min(scores) - 10.0), min(100.0, max(scores) + 10.0)
    return lo, max(hi, lo + 1.0)


def spark(scores: list[int | float]) -> str:
    """A sparkline of 0-100 scores (scaled to their own range, with a margin).

    >>> spark([0, 50, 100])
    '▁▅█'
    """
    lo, hi = spark_range(scores)
    top = len(SPARK) - 1
    return "".join(SPARK[min(top, int((max(lo, min(hi, s)) - lo) / (hi - lo) * len(SPARK)))] for s in scores)


def _colour(v: float | None) -> str:
    if v is None:
        return "dim"
    return "green" if v >= 70 else ("yellow" if v >= 45 else "red")


def _fmt(v: float | None, digits: int = 0) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def print_review(console: Any, data: dict) -> None:
    """The review as rich tables."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    t = data["totals"]
    title = "Score log review" + (f": {'; '.join(f'{k} {v}' for k, v in data['filters'].items())}" if data["filters"] else "")
    console.rule(f"[bold]{escape(title)}[/]")
    if not t["sessions"]:
        console.print("No calls in the score log match." if data["filters"] else
                      "The score log is empty: play a call with `salesim play` first.")
        return
    weak = t["weakest_skill"]
    console.print(
        f"{t['sessions']} calls by {t['reps']} rep(s): [green]{t['complete']} complete[/], "
        f"[yellow]{t['incomplete']} incomplete[/] ({t['in_progress']} interrupted or still running, "
        f"{t['abandoned']} abandoned). Team average [bold]{_fmt(t['averages']['overall'])}[/]"
        + (f"; weakest skill [bold]{SKILL_LABELS.get(weak['skill'], weak['skill'])}[/] ({weak['average']:.0f})" if weak else "")
        + ".", highlight=False)

    reps = Table(title="Reps", title_justify="left", header_style="bold")
    for col, kw in (("rep", {}), ("calls", {"justify": "right"}), ("complete", {"justify": "right"}),
                    ("incomplete", {"justify": "right"}), ("won", {"justify": "right"}),
                    ("avg", {"justify": "right"}), ("trend (last calls)", {}), ("weakest skill", {}),
                    ("last call", {})):
        reps.add_column(col, **kw)
    for r in data["reps"]:
        avg = r["averages"]["overall"]
        tr = r["trend"]
        arrow = {"up": "[green]▲", "down": "[red]▼", "flat": "[dim]▶", "new": "[dim]"}[tr["direction"]]
        change = f" {round(tr['change']):+d}[/]" if tr["change"] is not None else "[/]"
        weak = r["weakest_skill"]
        reps.add_row(escape(r["rep"]), str(r["sessions"]), str(r["complete"]),
                     f"[yellow]{r['incomplete']}[/]" if r["incomplete"] else "0", str(r["won"]),
                     f"[{_colour(avg)}]{_fmt(avg)}[/]", f"{spark(tr['scores'])} {arrow}{change}",
                     f"{SKILL_LABELS.get(weak['skill'], weak['skill'])} ({weak['average']:.0f})" if weak else "–",
                     (r["last_call"] or "")[:10])
    console.print(reps)

    skills = Table(title="Average scores of complete calls", title_justify="left", header_style="bold")
    skills.add_column("rep")
    for k in SKILLS:
        skills.add_column(SKILL_LABELS[k], justify="right")
    for r in [*data["reps"], {"rep": "Team", "averages": t["averages"]}]:
        cells = [f"[{_colour(r['averages'][k])}]{_fmt(r['averages'][k])}[/]" for k in SKILLS]
        skills.add_row(escape(r["rep"]) if r["rep"] != "Team" else "[bold]Team[/]", *cells,
                       end_section=r["rep"] == data["reps"][-1]["rep"] if data["reps"] else False)
    console.print(skills)

    scn = Table(title="Scenarios", title_justify="left", header_style="bold")
    for col, kw in (("scenario", {}), ("calls", {"justify": "right"}), ("complete", {"justify": "right"}),
                    ("incomplete", {"justify": "right"}), ("won", {"justify": "right"}),
                    ("avg", {"justify": "right"}), ("weakest skill", {})):
        scn.add_column(col, **kw)
    for s in data["scenarios"]:
        avg = s["averages"]["overall"]
        weak = s["weakest_skill"]
        scn.add_row(escape(s["scenario"]), str(s["sessions"]), str(s["complete"]), str(s["incomplete"]), str(s["won"]),
                    f"[{_colour(avg)}]{_fmt(avg)}[/]",
                    f"{SKILL_LABELS.get(weak['skill'], weak['skill'])} ({weak['average']:.0f})" if weak else "–")
    console.print(scn)

    if data["flags"]:
        fl = Table(title="Flags", title_justify="left", header_style="bold")
        for col, kw in (("rule", {}), ("times", {"justify": "right"}), ("calls", {"justify": "right"}),
                        ("share of calls", {"justify": "right"}), ("", {"min_width": 12})):
            fl.add_column(col, **kw)
        most = max(f["share"] for f in data["flags"]) or 1.0
        for f in data["flags"]:
            fl.add_row(f["rule"], str(f["times"]), str(f["calls"]), f"{f['share']:.0%}",
                       "[red]" + "█" * max(1, round(f["share"] / most * 16)) + "[/]")
        console.print(fl)

    if data["worst_moments"]:
        console.print("[bold]Worst moments[/]")
        for i, m in enumerate(data["worst_moments"], 1):
            head = Text.assemble((f"{i:>2}. ", "bold"), (f"{m['rep']}", "bold"), f" · {m['scenario']} · "
                                 f"{(m['started_at'] or '')[:10]} · turn {m['turn']} · ",
                                 (f"{m['rule']} ({SEVERITY.get(m['severity'], m['severity'])})", "red"),
                                 (f" · score {m['overall']}" if m["overall"] is not None else "", "dim"))
            console.print(head)
            if m["before"]:
                console.print(Text.assemble(("      buyer: " if m["before"]["speaker"] == "buyer" else "      rep: ", "dim"),
                                            (f"\u201c{_short(m['before']['text'])}\u201d", "dim italic")))
            console.print(Text.assemble(("      rep: ", "dim"), (f"\u201c{m['quote']}\u201d", "italic")))
            console.print(Text("      " + (m["better"] or m["tip"]), style="dim"))


def _short(text: str, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
