"""Score-log benchmarks: the manager's review over a large SQLite log, and one durable turn write.

Targets (issue 6): review over 100,000 sessions and 2,000,000 turns <= 2 s; one
durable turn write (committed, fsynced) <= 5 ms.

    python bench/logs.py           # full size (about a minute to build the data)
    python bench/logs.py --smoke   # a small run for CI
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.storage import SKILLS, Database  # noqa: E402

SCENARIOS = ("skeptical-prospect", "angry-customer", "rushed-exec", "hesitant-switcher", "overdue-status", "lost-deal")
NAMES = ("Ana Ruiz", "Ben Okafor", "Chloé Martin", "Dev Patel", "Eva Novak", "Femi Adeyemi", "Grace Liu", "Hugo Berg")
#: rule -> (severity, the skill it hurts, what the rep said, what the buyer had just said)
RULES = {
    "premature_concession": (3, "concessions", ("I can take fifteen percent off right now if that helps.",
                                                "We could do a six-month contract instead, no problem."),
                             ("Hmm, I'm not sure about this.", "Let me think about it.")),
    "unnecessary_handoff": (3, "handoffs", ("Great question, let me get you booked in with our demo team.",
                                            "I'll have a specialist call you about that."),
                            ("Why would I need this, though?", "How does it fit with our current setup?")),
    "refused_escalation": (3, "handoffs", ("I'm afraid I can't give out my director's number.",),
                           ("I want to speak to someone senior. Now.",)),
    "blame_or_excuse": (2, "recovery", ("Honestly, it works fine on my end.", "I assumed you would call us if it broke."),
                        ("The tracking panel has been down since Monday!", "Nobody told us anything.")),
    "missed_empathy": (2, "rapport", ("Can you give me your account number?", "Okay. What's the ticket ID?"),
                       ("This is the third time I've called about this!", "I'm losing money every hour this is down.")),
    "long_monologue": (1, "brevity", ("So our platform covers tracking, attribution, reporting, alerts, exports and "
                                      "a whole lot more that I think you will really like once you see it in action...",),
                       ("I've got five minutes. What is it?",)),
    "no_next_step": (1, "follow_up", ("Okay, well, thanks for your time then.",), ("Send me something, I guess.",)),
    "pressure_tactic": (2, "rapport", ("This price ends today, you'd be crazy to pass on it.",),
                        ("I need to check with my partner first.",)),
    "vague_commitment": (1, "follow_up", ("I'll get back to you on that soon.",), ("When will I hear from you?",)),
}
SKILL_OF_RULE = {r: v[1] for r, v in RULES.items()}
REP_LINES = ("Thanks for taking the time today.", "What made you look at this now?",
             "So the panel stopped updating on Monday, is that right?", "That sounds really frustrating.",
             "I will call you Thursday at ten with the figures.", "Our customers usually see payback in a quarter.")
BUYER_LINES = ("Why would I need this?", "This has been broken for two days!", "I only have five minutes.",
               "The price is higher than what we pay now.", "Fine, send it over.", "Go on.")


def populate(db: Database, n_sessions: int, turns_per: int = 20, n_reps: int = 50, seed: int = 1,
             batch: int = 5000, days: int = 365) -> dict:
    """Fill ``db`` with synthetic calls quickly (executemany in large transactions).

    Each rep has a talent, a weak skill (which drives both their scores and their
    flags) and improves over time, so reviews and reports show something real.
    """
    from simulator.scoring import TIPS

    rng = random.Random(seed)
    reps = [NAMES[i] if i < len(NAMES) else f"Rep {i + 1:03d}" for i in range(n_reps)]
    talent = {r: rng.uniform(-12, 12) for r in reps}
    growth = {r: rng.uniform(-6, 30) for r in reps}
    weak = {r: rng.choice(("concessions", "handoffs", "recovery", "rapport", "brevity", "follow_up")) for r in reps}
    rules = list(RULES)
    start = time.time() - days * 86400
    s_cols = ("id", "rep", "scenario", "seed", "difficulty", "mode", "workshop", "status", "outcome", "result",
              "started_at", "ended_at", "updated_at", "turn_count", "metrics", *SKILLS)
    t_cols = ("session_id", "n", "speaker", "text", "moves", "call", "buyer_state", "extra", "at")
    f_cols = ("session_id", "rule", "turn", "severity", "quote", "tip", "better")
    raw = db.engine.raw_connection()
    style = "?" if db.is_sqlite else "%s"

    def sql(table: str, cols: tuple) -> str:
        names = ", ".join(f'"{c}"' for c in cols)
        return f"INSERT INTO {table} ({names}) VALUES ({', '.join([style] * len(cols))})"

    counts = {"sessions": 0, "turns": 0, "flags": 0}
    try:
        cur = raw.cursor()
        if db.is_sqlite:
            cur.execute("BEGIN")
        for lo in range(0, n_sessions, batch):
            srows, trows, frows = [], [], []
            for i in range(lo, min(n_sessions, lo + batch)):
                rep = reps[rng.randrange(n_reps)]
                t0 = start + days * 86400 * i / n_sessions + rng.uniform(0, 3600)
                when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0)) + ".000+00:00"
                roll = rng.random()
                status = "complete" if roll < 0.92 else ("abandoned" if roll < 0.97 else "in_progress")
                level = 58 + talent[rep] + growth[rep] * i / n_sessions
                scores = {k: max(0, min(100, int(rng.gauss(level - (22 if k == weak[rep] else 0), 9))))
                          for k in SKILLS if k != "overall"}
                scores["overall"] = int(sum(scores.values()) / len(scores))
                texts = [rng.choice(REP_LINES if n % 2 == 0 else BUYER_LINES) for n in range(1, turns_per + 1)]
                flagged = []
                if status != "in_progress":
                    spots = rng.sample(range(2, turns_per + 1, 2), min(turns_per // 2, rng.choice((0, 1, 1, 2, 3))))
                    for turn in spots:
                        rule = rng.choice([r for r in rules if SKILL_OF_RULE[r] == weak[rep]] * 3 + rules)
                        sev, _skill, quotes, before = RULES[rule]
                        texts[turn - 1], texts[turn - 2] = rng.choice(quotes), rng.choice(before)
                        flagged.append((rule, turn, sev, texts[turn - 1]))
                if status == "in_progress":
                    scores = {k: None for k in SKILLS}
                won = status == "complete" and (scores["overall"] or 0) >= 60
                sid = f"s{i:08d}"
                srows.append((sid, rep, SCENARIOS[i % len(SCENARIOS)], i, "normal", "practice",
                              f"w{i // 2000}" if i % 10 == 0 else None, status,
                              None if status == "in_progress" else ("won" if won else "hung_up"),
                              None if status == "in_progress" else ("won" if won else "lost"),
                              when, None if status == "in_progress" else when, when, turns_per,
                              '{"rep_talk_share": 0.45}', *[scores[k] for k in SKILLS]))
                for n, text in enumerate(texts, 1):
                    rep_turn = n % 2 == 0
                    trows.append((sid, n, "rep" if rep_turn else "buyer", text,
                                  "empathy,discovery_question" if rep_turn else "question", 1,
                                  None if rep_turn else '{"temper": 40}', None, when))
                for rule, turn, sev, quote in flagged:
                    tip, better = TIPS.get(rule, ("", ""))
                    frows.append((sid, rule, turn, sev, quote, tip, better))
            cur.executemany(sql("sessions", s_cols), srows)
            cur.executemany(sql("turns", t_cols), trows)
            cur.executemany(sql("flags", f_cols), frows)
            counts["sessions"] += len(srows)
            counts["turns"] += len(trows)
            counts["flags"] += len(frows)
        if db.is_sqlite:
            cur.execute("COMMIT")
            cur.execute("ANALYZE")
        else:
            raw.commit()
    finally:
        raw.close()
    return counts


class _Scn:
    id = "angry-customer"


class _Session:
    """Just what the Store protocol reads from a session."""

    def __init__(self, sid: str):
        self.id, self.rep, self.scenario, self.seed = sid, "Bench", _Scn(), 1
        self.difficulty, self.mode, self.workshop = "normal", "practice", None


def run(smoke: bool = False) -> list[dict]:
    from simulator import review as rv
    from simulator.scoring import Turn

    n_sessions = 2_000 if smoke else 100_000
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="salesim-bench-") as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        t0 = time.perf_counter()
        counts = populate(db, n_sessions, n_reps=10 if smoke else 50)
        rows.append({"bench": "logs", "metric": f"build {counts['sessions']:,} sessions / {counts['turns']:,} turns",
                     "value": round(time.perf_counter() - t0, 2), "unit": "s"})
        db.engine.dispose()  # fresh connections, as a new `salesim review` would have

        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            data = rv.review(db)
            times.append(time.perf_counter() - t0)
        assert data["totals"]["sessions"] == counts["sessions"]
        rows.append({"bench": "logs", "metric": f"review, {counts['sessions']:,} sessions (median of 3)",
                     "value": round(statistics.median(times), 3), "unit": "s", "target": "<= 2 s"})
        t0 = time.perf_counter()
        rv.review(db, rv.Filters.parse(rep="Rep 007", since="2000-01-01"))
        rows.append({"bench": "logs", "metric": "review, one rep", "value": round(time.perf_counter() - t0, 3),
                     "unit": "s"})
        t0 = time.perf_counter()
        rv.review(db, detail=True)
        rows.append({"bench": "logs", "metric": "review with report detail", "value": round(time.perf_counter() - t0, 3),
                     "unit": "s"})

        from simulator.report import write_report

        t0 = time.perf_counter()
        write_report(db, Path(tmp) / "report.html")
        rows.append({"bench": "logs", "metric": f"HTML report with charts, {counts['sessions']:,} sessions, "
                     f"{10 if smoke else 50} reps", "value": round(time.perf_counter() - t0, 2), "unit": "s"})

        session = _Session("bench-writes")
        db.begin(session)
        lat = []
        writes = 200 if smoke else 2000
        for n in range(1, writes + 1):
            turn = Turn("rep" if n % 2 else "buyer", REP_LINES[n % len(REP_LINES)], ("empathy",), {"temper": 40.0})
            t0 = time.perf_counter()
            db.add_turn(session, n, turn, {"deltas": {"temper": {"temper": -5}}})
            lat.append((time.perf_counter() - t0) * 1000)
        lat.sort()
        fsyncs = []
        probe = Path(tmp) / "fsync-probe"
        with open(probe, "wb", buffering=0) as fh:
            for _ in range(50 if smoke else 200):
                fh.write(b"x" * 512)
                t0 = time.perf_counter()
                os.fsync(fh.fileno())
                fsyncs.append((time.perf_counter() - t0) * 1000)
        rows.append({"bench": "logs", "metric": "this disk's fsync alone, median (the floor of a durable write)",
                     "value": round(statistics.median(fsyncs), 3), "unit": "ms"})
        rows.append({"bench": "logs", "metric": "durable turn write, median", "value": round(statistics.median(lat), 3),
                     "unit": "ms", "target": "<= 5 ms"})
        rows.append({"bench": "logs", "metric": "durable turn write, p99", "value": round(lat[int(len(lat) * 0.99) - 1], 3),
                     "unit": "ms"})
        db.close()
    return rows


def demo_report(path: Path, n_sessions: int = 900, n_reps: int = 6) -> None:
    """A report over synthetic calls (how docs/screenshots/report.png is made)."""
    from simulator.report import write_report

    with tempfile.TemporaryDirectory(prefix="salesim-demo-") as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'demo.db'}")
        populate(db, n_sessions, turns_per=12, n_reps=n_reps, days=120, seed=3)
        write_report(db, path, title="Sales practice report: inside sales team")
        db.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--demo-report" in args:
        demo_report(Path(args[args.index("--demo-report") + 1]))
        sys.exit(0)
    for row in run("--smoke" in args):
        print(f"{row['metric']:<55} {row['value']:>10} {row['unit']}")
