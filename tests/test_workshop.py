"""Workshops: three people, the same buyer, a leaderboard; relay attribution; resume after a stop."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import salesim
from simulator import workshop as ws
from simulator.scoring import Turn

GOOD = ["Hi Glen, this is Ana from Brightmail, calling about your tracking panel.",
        "I'm so sorry, two days without your numbers must be really frustrating.",
        "So the login page spins and nobody called you back, is that right?",
        "Here's what I'll do: first I'll reset your login, then I'll send you the report of opens and clicks.",
        "I'll call you back today at three o'clock with the fix.", "/end"]
BAD = ["It works fine on my end.", "I'm stepping into a meeting right now.", "/end"]
MEH = ["Hello, how can I help you today?", "/end"]


def run_workshop(args: list[str], lines: list[str], home: Path, db: str):
    env = {"SALESIM_HOME": str(home), "DISPLAY": ""}
    return salesim("workshop", "--text", "--db", db, *args, input="\n".join(lines) + "\n", env=env)


def test_hot_seat_three_people_same_buyer_leaderboard(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    res = run_workshop(["--roster", "Ana,Ben,Cy", "--seed", "4"], [""] + GOOD + [""] + BAD + [""] + MEH, tmp_path, db)
    assert res.returncode == 0, res.stderr
    board = res.stdout.split("Leaderboard")[1]
    order = [n for n in ("Ana", "Ben", "Cy") if n in board]
    assert sorted(order, key=board.index) == ["Ana", "Cy", "Ben"]
    wid = res.stderr.split("Workshop ")[1].split()[0]
    from simulator.storage import Database

    rows = [r for r in Database(db).session_rows() if r["workshop"] == wid]
    assert sorted(r["rep"] for r in rows) == ["Ana", "Ben", "Cy"]
    assert len({r["seed"] for r in rows}) == 1  # the same buyer for everyone
    first_lines = {Database(db).turn_rows(r["id"])[0]["text"] for r in rows}
    assert len(first_lines) == 1  # same seed, same opening line


def test_a_stopped_workshop_resumes_at_the_next_participant(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    first = run_workshop(["--roster", "Ana,Ben,Cy", "--seed", "9"], [""] + GOOD, tmp_path, db)  # input ends before Ben
    assert first.returncode == 0, first.stderr
    wid = first.stderr.split("Workshop ")[1].split()[0]
    saved = json.loads((tmp_path / "workshops" / f"{wid}.json").read_text())
    assert [d["name"] for d in saved["done"]] == ["Ana"]
    second = run_workshop(["--resume", wid], [""] + BAD + [""] + MEH, tmp_path, db)
    assert second.returncode == 0, second.stderr
    assert "Ben, you're on" in second.stdout and "Ana, you're on" not in second.stdout
    assert "Leaderboard" in second.stdout and "Ana" in second.stdout.split("Leaderboard")[1]


def test_relay_attributes_turns_and_scores_each_person(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    res = run_workshop(["--roster", "Ana,Ben,Cy", "--seed", "5", "--relay", "2"], GOOD, tmp_path, db)
    assert res.returncode == 0, res.stderr
    assert "Ana>" in res.stdout and "Ben>" in res.stdout and "Cy>" in res.stdout
    assert "Team score" in res.stdout
    from simulator.storage import Database

    rows = Database(db).session_rows()
    turns = Database(db).turn_rows(rows[0]["id"])
    by = [json.loads(t["extra"]).get("by") if t["extra"] else None for t in turns if t["speaker"] == "rep"]
    assert by == ["Ana", "Ana", "Ben", "Ben", "Cy"]


def test_relay_results_blame_the_person_who_said_it() -> None:
    turns = [Turn("buyer", "My panel is broken!", ("vent",)), Turn("rep", "Works on my end.", ("excuse",)),
             Turn("buyer", "Unbelievable.", ("vent",)), Turn("rep", "I'm so sorry, that's on us.", ("apology", "empathy"))]
    people = {r.name: r for r in ws.relay_results(turns, [None, "Ana", None, "Ben"])}
    assert people["Ana"].serious_flags > people["Ben"].serious_flags
    assert people["Ben"].scores["overall"] > people["Ana"].scores["overall"]


def test_ties_are_broken_by_flags_then_skills_then_name() -> None:
    a = ws.Result("Ana", {"overall": 60, "rapport": 50}, serious_flags=1)
    b = ws.Result("Ben", {"overall": 60, "rapport": 40}, serious_flags=0)
    c = ws.Result("Cy", {"overall": 60, "rapport": 40}, serious_flags=0)
    assert [r.name for r in ws.rank([a, c, b])] == ["Ben", "Cy", "Ana"]


def test_swings_find_the_biggest_meter_moves() -> None:
    history = [{"meters": {"t": 50}}, None, {"meters": {"t": 52}}, None, {"meters": {"t": 30}}, None, {"meters": {"t": 35}}]
    top = ws.swings(history, top=2)
    assert [m[0] for m in top] == [5, 7]


def test_workshop_needs_a_roster_of_different_names(tmp_path: Path) -> None:
    res = salesim("workshop", "--text", "--roster", "Ana", env={"SALESIM_HOME": str(tmp_path)})
    assert res.returncode == 1 and "at least two" in res.stderr and "Traceback" not in res.stderr
