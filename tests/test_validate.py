"""Scenario files: every problem as FILE:LINE: message, built-ins valid, user folder picked up."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, salesim
from simulator import library
from simulator.validate import check_file

ANGRY = (ROOT / "scenarios" / "angry-customer.yaml").read_text()


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_every_builtin_scenario_is_valid() -> None:
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert files
    for f in files:
        assert check_file(f)[1] == [], f


def test_unknown_key_gets_line_and_did_you_mean(tmp_path: Path) -> None:
    bad = ANGRY.replace("max_turns: 30", "max_turn: 30")
    line = next(i for i, l in enumerate(bad.splitlines(), 1) if l.startswith("max_turn:"))
    res = salesim("scenarios", "validate", str(write(tmp_path, bad)))
    assert res.returncode == 1
    assert f"s.yaml:{line}: unknown key 'max_turn'" in res.stdout and "did you mean 'max_turns'" in res.stdout


def test_unknown_move_stage_and_ending_are_reported_with_lines(tmp_path: Path) -> None:
    bad = (ANGRY.replace("- when: {moves: [handoff]}\n", "- when: {moves: [handof]}\n", 1)
              .replace("goto: ", "goto: ")
              .replace("{from: venting, to: listening,", "{from: venting, to: listenin,"))
    problems = [str(p) for p in check_file(write(tmp_path, bad))[1]]
    assert any("unknown rep move 'handof'" in p and "did you mean 'handoff'" in p for p in problems), problems
    assert any("unknown stage 'listenin'" in p for p in problems), problems
    assert all(p.split(":")[1].isdigit() and int(p.split(":")[1]) > 1 for p in problems)


def test_wrong_type_and_yaml_syntax(tmp_path: Path) -> None:
    p = check_file(write(tmp_path, ANGRY.replace("max_turns: 30", "max_turns: thirty")))[1]
    assert p and "max_turns" in p[0].message
    p = check_file(write(tmp_path, "id: x\ntitle: [unclosed\n"))[1]
    assert p and p[0].message.startswith("YAML syntax")


def test_unreachable_stage_is_reported(tmp_path: Path) -> None:
    bad = ANGRY.replace("  - closing\n", "  - closing\n  - limbo\n", 1)
    assert any("'limbo' can never be reached" in str(p) for p in check_file(write(tmp_path, bad))[1])


def test_alias_bomb_and_absolute_asset_paths_are_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    assert "aliases" in check_file(write(tmp_path, bomb))[1][0].message
    bad = ANGRY.replace("portrait: portraits/angry-customer.png", "portrait: /etc/passwd")
    assert any("must be relative" in str(p) for p in check_file(write(tmp_path, bad))[1])
    bad = ANGRY.replace("portrait: portraits/angry-customer.png", "portrait: ../../etc/passwd")
    assert any("'..'" in str(p) for p in check_file(write(tmp_path, bad))[1])


def test_user_scenarios_folder_is_listed_and_playable(_home: Path) -> None:
    folder = _home / "scenarios"
    folder.mkdir(exist_ok=True)
    (folder / "my-buyer.yaml").write_text(ANGRY.replace("id: angry-customer", "id: my-buyer")
                                          .replace("title: The angry customer", "title: My buyer"))
    try:
        listed = json.loads(salesim("scenarios", "list", "--json").stdout)
        mine = [s for s in listed if s["id"] == "my-buyer"]
        assert mine and not mine[0]["builtin"] and mine[0]["valid"]
        assert library.load("my-buyer").title == "My buyer"
    finally:
        (folder / "my-buyer.yaml").unlink()


def test_schema_is_json_schema() -> None:
    schema = json.loads(salesim("scenarios", "schema").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/") and "reactions" in schema["properties"]


def test_scenarios_check_finds_no_dead_end_in_builtins() -> None:
    for s in library.available():
        res = salesim("scenarios", "check", s.id, "--calls", "300")
        assert res.returncode == 0, res.stdout + res.stderr
        assert "dead ends: none" in res.stdout


def test_the_documented_example_is_valid_and_playable(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "scenarios.md").read_text()
    example = doc.split("## A complete example")[1].split("```yaml\n")[1].split("```")[0]
    path = write(tmp_path, example, "demo.yaml")
    assert check_file(path)[1] == []
    scn = library.load(str(path))
    from simulator.session import Session

    moves = iter([{"discovery_question"}, {"insight"}, {"insight"}, {"ask_for_business"}])
    s = Session(scn, seed=1, recognize=lambda texts: [frozenset(next(moves))])
    for text in ("How often do they jam?", "Each jam costs you...", "And the lease...", "Shall I visit Thursday?"):
        if not s.ended:
            s.say(text)
    assert s.outcome == "won", [(t.text, t.buyer_state) for t in s.turns]
