"""The manager's review: figures computed by the database, filters, JSON, CSV and tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest
from conftest import salesim

from simulator.review import Filters, parse_when, print_review, review, write_csv
from simulator.storage import SKILLS, Database

BASE = {"rapport": 70, "concessions": 70, "handoffs": 70, "discovery": 70, "recovery": 70, "follow_up": 70,
        "brevity": 70}


def call(sid: str, rep: str, day: str, overall: int | None = 60, status: str = "complete",
         scenario: str = "angry-customer", flags: tuple = (), workshop: str | None = None, result: str = "won",
         **skills: int) -> dict:
    """A session record as ``salesim export`` writes it."""
    started = f"{day}T10:00:00.000+00:00"
    scores = {} if overall is None else {"overall": overall, **BASE, **skills}
    n_turns = 6
    return {
        "id": sid, "rep": rep, "scenario": scenario, "seed": 1, "difficulty": "normal", "mode": "practice",
        "workshop": workshop, "status": status, "outcome": None if status == "in_progress" else "done",
        "result": None if status != "complete" else result, "started_at": started,
        "ended_at": None if status == "in_progress" else started, "scores": scores, "metrics": {},
        "turns": [{"n": n, "speaker": "buyer" if n % 2 else "rep", "text": f"{sid} line {n}", "moves": [], "call": 1}
                  for n in range(1, n_turns + 1)],
        "flags": [{"rule": rule, "turn": turn, "severity": sev, "quote": quote, "tip": "tip", "better": "better"}
                  for rule, turn, sev, quote in flags],
    }


@pytest.fixture
def team(db_url: str) -> Database:
    db = Database(db_url)
    recs = []
    # Ana: twelve complete calls over March, improving by 2 a call; weak at rapport
    for i in range(12):
        recs.append(call(f"ana{i:02d}", "Ana", f"2024-03-{i + 1:02d}", overall=40 + 2 * i, rapport=30 + i,
                         flags=(("missed_empathy", 2, 2, f"Account number please ({i})"),) if i % 2 == 0 else ()))
    recs.append(call("ana-abandoned", "Ana", "2024-03-20", overall=20, status="abandoned",
                     flags=(("premature_concession", 4, 3, "Fine, 20% off."),)))
    recs.append(call("ana-killed", "Ana", "2024-03-21", overall=None, status="in_progress"))
    # Ben: three calls on another scenario, weak at discovery, one critical handoff
    for i, o in enumerate((80, 82, 84)):
        recs.append(call(f"ben{i}", "Ben", f"2024-04-0{i + 1}", overall=o, discovery=50, scenario="rushed-exec",
                         workshop="w-apr", result="lost" if i == 0 else "won",
                         flags=(("unnecessary_handoff", 4, 3, "Let me get you our demo team."),) if i == 1 else ()))
    assert db.import_records(recs).added == len(recs)
    return db


def test_per_rep_counts_averages_trend_and_weakest_skill(team: Database) -> None:
    data = review(team)
    t = data["totals"]
    assert (t["sessions"], t["complete"], t["incomplete"], t["in_progress"], t["abandoned"], t["reps"]) == (17, 15, 2, 1, 1, 2)
    ana, ben = data["reps"]  # most calls first
    assert ana["rep"] == "Ana" and (ana["sessions"], ana["complete"], ana["incomplete"]) == (14, 12, 2)
    assert ana["averages"]["overall"] == pytest.approx(sum(40 + 2 * i for i in range(12)) / 12, abs=0.05)
    # averages are over complete calls only: the abandoned call's 20 does not count
    assert ana["weakest_skill"] == {"skill": "rapport", "average": pytest.approx(35.5, abs=0.05)}
    tr = ana["trend"]
    assert tr["scores"] == [40 + 2 * i for i in range(2, 12)]  # the last ten, oldest first
    assert tr["recent"] == 58.0 and tr["previous"] == 48.0 and tr["change"] == 10.0 and tr["direction"] == "up"
    assert ben["weakest_skill"]["skill"] == "discovery" and ben["won"] == 2
    assert ben["trend"]["direction"] == "new"  # fewer than two windows of calls
    assert t["weakest_skill"]["skill"] == "rapport"


def test_per_scenario_and_flag_frequency(team: Database) -> None:
    data = review(team)
    scn = {s["scenario"]: s for s in data["scenarios"]}
    assert scn["angry-customer"]["sessions"] == 14 and scn["rushed-exec"]["sessions"] == 3
    assert scn["rushed-exec"]["averages"]["overall"] == 82.0
    flags = {f["rule"]: f for f in data["flags"]}
    assert flags["missed_empathy"]["times"] == 6 and flags["missed_empathy"]["calls"] == 6
    assert flags["missed_empathy"]["share"] == round(6 / 16, 3)  # of the 16 scored calls (not the killed one)
    assert flags["unnecessary_handoff"]["times"] == 1
    assert [f["rule"] for f in data["flags"]][0] == "missed_empathy"  # most frequent first
    assert review(team, detail=True)["flags"] == data["flags"]  # folded from the per-rep counts, same figures
    [ben] = review(team, Filters.parse(rep="Ben"))["flags"]
    assert (ben["rule"], ben["times"], ben["calls"], ben["share"]) == ("unnecessary_handoff", 1, 1, round(1 / 3, 3))


def test_worst_moments_are_the_most_severe_with_their_quotes_and_context(team: Database) -> None:
    worst = review(team, worst=3)["worst_moments"]
    assert [m["severity"] for m in worst] == [3, 3, 2]
    # among critical flags, the one from the lower-scoring call comes first
    assert [m["rule"] for m in worst[:2]] == ["premature_concession", "unnecessary_handoff"]
    first = worst[0]
    assert first["quote"] == "Fine, 20% off." and first["rep"] == "Ana" and first["turn"] == 4
    assert first["before"] == {"speaker": "buyer", "text": "ana-abandoned line 3"}
    assert first["status"] == "abandoned"
    assert worst[2]["rule"] == "missed_empathy" and worst[2]["overall"] == 40  # Ana's lowest complete call


def test_filters_by_rep_scenario_dates_and_workshop(team: Database) -> None:
    def count(**kw: object) -> int:
        return review(team, Filters.parse(**kw))["totals"]["sessions"]  # type: ignore[arg-type]

    assert count(rep="ana") == 14  # case-insensitive
    assert count(rep=("Ana", "Ben")) == 17
    assert count(scenario="rushed-exec") == 3
    assert count(since="2024-03-10", until="2024-03-12") == 3  # --until includes its whole day
    assert count(since="2024-04") == 3 and count(until="2024-03") == 14
    assert count(workshop="w-apr") == 3
    assert count(rep="Ana", scenario="rushed-exec") == 0
    assert review(team, Filters.parse(rep="Nobody"))["reps"] == []


def test_parse_when_accepts_dates_months_times_and_relative_days() -> None:
    today = dt.date(2024, 5, 15)
    assert parse_when("2024-05-01", today=today) < parse_when("2024-05-01", end=True, today=today)
    assert parse_when("7d", today=today) == parse_when("2024-05-08", today=today)
    assert parse_when("2w", today=today) == parse_when("2024-05-01", today=today)
    assert parse_when("yesterday", end=True, today=today) == parse_when("today", today=today)
    assert parse_when("2024-05-01T12:00:00+00:00") == "2024-05-01T12:00:00.000+00:00"
    for bad in ("2024-13-01", "2024-02-30", "last tuesday", "2024-13"):
        with pytest.raises(ValueError, match="not a"):
            parse_when(bad)
    with pytest.raises(ValueError, match="not before"):
        Filters.parse(since="2024-05-02", until="2024-05-01")


def test_csv_has_one_row_per_call_and_defuses_formulas(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'log.db'}")
    db.import_records([call("a1", "=HYPERLINK(\"x\")", "2024-01-01", flags=(("no_next_step", 2, 1, "bye"),)),
                       call("a2", "Bo", "2024-01-02", overall=None, status="in_progress")])
    out = io.StringIO()
    assert write_csv(db, Filters(), out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["rep"].startswith("'=") and rows[0]["flags"] == "1" and rows[0]["overall"] == "60"
    assert rows[1]["status"] == "in_progress" and rows[1]["overall"] == "" and rows[1]["turns"] == "6"
    assert set(rows[0]) >= {"session_id", "scenario", "started_at", *SKILLS}


def test_review_command_prints_tables_json_and_csv(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    db = Database(url)
    db.import_records([call(f"c{i}", "Ana [bold]Lee[/]", f"2024-03-0{i + 1}", overall=50 + i,
                            flags=(("blame_or_excuse", 2, 2, "It works on my end."),)) for i in range(3)])
    res = salesim("review", "--db", url)
    assert res.returncode == 0, res.stderr
    assert "Ana [bold]Lee[/]" in res.stdout  # user text is never read as markup
    assert "It works on my end." in res.stdout and "Worst moments" in res.stdout
    res = salesim("review", "--db", url, "--json", "--rep", "ana [bold]lee[/]")
    data = json.loads(res.stdout)
    assert data["totals"]["sessions"] == 3 and data["filters"] == {"rep": "ana [bold]lee[/]"}
    out = tmp_path / "calls.csv"
    res = salesim("review", "--db", url, "--csv", str(out), "--json")
    assert res.returncode == 0 and "Wrote 3 call(s)" in res.stderr
    assert len(out.read_text().splitlines()) == 4
    res = salesim("review", "--db", url, "--csv", "-")
    assert res.stdout.startswith("session_id,rep,")


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday-ish"], "not a date"),
    (["--since", "2024-05-02", "--until", "2024-05-01"], "not before"),
    (["--csv", "/no/such/folder/out.csv"], "cannot write"),
])
def test_review_command_rejects_bad_input_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    res = salesim("review", "--db", f"sqlite:///{tmp_path / 'log.db'}", *args)
    assert res.returncode == 1 and message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_an_empty_log_says_so() -> None:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=120)
    print_review(console, review(Database("sqlite://")))
    assert "empty" in console.file.getvalue()  # type: ignore[attr-defined]


def test_review_of_a_large_log_stays_fast(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from logs import populate  # the benchmark's data generator

    db = Database(f"sqlite:///{tmp_path / 'big.db'}")
    counts = populate(db, 10_000, turns_per=10, n_reps=40)
    t0 = time.perf_counter()
    data = review(db)
    elapsed = time.perf_counter() - t0
    assert data["totals"]["sessions"] == counts["sessions"] and len(data["reps"]) == 40
    assert elapsed < 2.0  # the full-size target (100,000 calls in 2 s) is measured in bench/logs.py
