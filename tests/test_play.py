"""A whole call through the command line, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, salesim


def play_json(scenario: str, script: str, *extra: str) -> dict:
    res = salesim("play", scenario, "--script", str(DATA / "scripts" / script), "--json", "--no-log", "--seed", "7", *extra)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_angry_customer_good_call_wins_and_bad_call_is_lost() -> None:
    good = play_json("angry-customer", "angry-customer-good.txt")
    bad = play_json("angry-customer", "angry-customer-bad.txt")
    assert good["outcome"] == "won", [(t["text"], t["moves"]) for t in good["turns"]]
    assert bad["outcome"] in ("hung_up", "lost"), [(t["text"], t["moves"]) for t in bad["turns"]]
    assert good["scores"]["overall"] > bad["scores"]["overall"] + 20
    assert good["scores"]["rapport"] > bad["scores"]["rapport"]
    rules = {f["rule"] for f in bad["flags"]}
    assert {"blame_or_excuse", "missed_empathy"} <= rules


SCENARIOS = ["angry-customer", "skeptical-prospect", "rushed-exec", "hesitant-switcher", "overdue-status", "lost-deal"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_good_rep_wins_and_the_seeds_mistakes_lose(scenario: str) -> None:
    if not (DATA / "scripts" / f"{scenario}-good.txt").exists():
        pytest.fail(f"no scripts for {scenario}")
    for seed in ("7", "8"):
        good = play_json(scenario, f"{scenario}-good.txt", "--seed", seed)
        bad = play_json(scenario, f"{scenario}-bad.txt", "--seed", seed)
        heard = [(t["text"], t["moves"]) for t in good["turns"] + bad["turns"]]
        assert good["result"] == "won", heard
        assert bad["result"] == "lost", heard
        assert good["scores"]["overall"] > bad["scores"]["overall"], (good["scores"], bad["scores"])


def test_play_json_has_the_contract_shape() -> None:
    out = play_json("angry-customer", "angry-customer-good.txt")
    for key in ("session_id", "scenario", "outcome", "scores", "flags", "metrics", "turns"):
        assert key in out
    assert out["scenario"] == "angry-customer"
    assert all(0 <= v <= 100 for v in out["scores"].values())
    turn = out["turns"][1]
    assert set(turn) >= {"speaker", "text", "moves", "buyer_state"} and turn["speaker"] == "rep"
    assert out["turns"][0]["speaker"] == "buyer" and out["turns"][0]["buyer_state"]["meters"]
    assert 0.0 <= out["metrics"]["rep_talk_share"] <= 1.0


def test_same_seed_same_call() -> None:
    a = play_json("angry-customer", "angry-customer-good.txt")
    b = play_json("angry-customer", "angry-customer-good.txt")
    assert [t["text"] for t in a["turns"]] == [t["text"] for t in b["turns"]]


def test_console_call_through_a_pipe_ends_on_end_command(tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    res = salesim("play", "angry-customer", "--text", "--rep", "Ana", "--seed", "3", "--db", db,
                  input="I'm so sorry, that sounds really frustrating.\n/end\n")
    assert res.returncode == 0, res.stderr
    assert "Glen Marsh" in res.stdout and "Scorecard" in res.stdout
    assert "Traceback" not in res.stderr


def test_end_of_input_logs_the_call_as_abandoned(tmp_path) -> None:
    from simulator.storage import Database

    db = f"sqlite:///{tmp_path / 'log.db'}"
    res = salesim("play", "angry-customer", "--text", "--rep", "Ana", "--db", db, input="Hello there\n")
    assert res.returncode == 0, res.stderr
    rows = Database(db).session_rows()
    assert [r["status"] for r in rows] == ["abandoned"]
    assert len(Database(db).turn_rows(rows[0]["id"])) == 3  # opening, rep, buyer


def test_no_display_falls_back_to_the_console_and_says_why() -> None:
    res = salesim("play", "angry-customer", "--no-log", input="/end\n", env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "SDL_VIDEODRIVER": "dummy"})
    assert res.returncode == 0
    assert "No display" in res.stderr


@pytest.mark.parametrize("args, code", [
    (["play", "no-such-buyer", "--no-log", "--text"], 1),
    (["play", "angry-customer", "--script", "/no/such/file", "--no-log"], 1),
    (["play", "angry-customer", "--difficulty", "impossible"], 2),
    (["scenarios", "validate", "/no/such.yaml"], 1),
])
def test_bad_input_is_one_clear_line_without_traceback(args: list[str], code: int) -> None:
    res = salesim(*args, input="")
    assert res.returncode == code
    out = res.stderr + res.stdout
    assert "Traceback" not in out and out.strip()
    if code == 1:  # a problem with the user's input: exactly one line
        assert len(out.strip().splitlines()) == 1


def test_text_that_looks_like_terminal_markup_is_shown_as_typed(tmp_path: Path) -> None:
    line = "[/] sorry [bold]about[/bold] that [red"
    res = salesim("play", "angry-customer", "--text", "--rep", "[/]Ana", "--no-log", "--seed", "3",
                  input=f"{line}\n/end\n")
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert line in " ".join(res.stdout.split())
    script = tmp_path / "lines.txt"
    script.write_text(line + "\n", encoding="utf-8")
    res = salesim("play", "angry-customer", "--script", str(script), "--rep", "[/]Ana", "--no-log")
    assert res.returncode == 0 and "[/]Ana: " + line in res.stdout, res.stderr
