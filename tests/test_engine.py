"""The buyer engine: deterministic, reactive, bounded, and every call ends."""

from __future__ import annotations

import random

import pytest

from simulator import engine, library
from simulator.engine import RepTurn
from simulator.scenario import Scenario


def turn(text: str, *moves: str, seconds: float | None = None) -> RepTurn:
    return RepTurn(text, frozenset(moves), seconds)


def play(scn: Scenario, turns: list[RepTurn], seed: int = 1, difficulty: str = "normal"):
    rng = random.Random(seed)
    state, first = engine.start(scn, rng, difficulty)
    lines = [first.text]
    for t in turns:
        if state.ended:
            break
        state, reply = engine.step(scn, state, t, rng)
        lines.append(reply.text)
    return state, lines


@pytest.fixture(scope="module")
def angry() -> Scenario:
    return library.load("angry-customer")


def test_same_seed_same_call_and_other_seed_other_lines(angry: Scenario) -> None:
    turns = [turn("I hear you", "empathy"), turn("what happens", "discovery_question"), turn("ok")] * 2
    a = play(angry, turns, seed=5)
    assert a == play(angry, turns, seed=5)
    assert any(play(angry, turns, seed=s)[1] != a[1] for s in range(6, 12))


def test_empathy_calms_and_excuses_inflame(angry: Scenario) -> None:
    calm, _ = play(angry, [turn("so sorry", "empathy")])
    hot, _ = play(angry, [turn("works on my end", "excuse")])
    start = angry.meter("temper").start
    assert calm.meters["temper"] < start < hot.meters["temper"]


def test_repeating_a_move_has_diminishing_returns(angry: Scenario) -> None:
    rng = random.Random(0)
    state, _ = engine.start(angry, rng)
    gains = []
    for _ in range(3):
        before = state.meters["trust"]
        state, _ = engine.step(angry, state, turn("that sounds hard", "empathy"), rng)
        gains.append(state.meters["trust"] - before)
    assert gains[0] > gains[1] > gains[2] > 0


def test_no_buyer_line_repeats_while_an_alternative_exists(angry: Scenario) -> None:
    _, lines = play(angry, [turn("hmm")] * 3)
    clarify = [r for r in angry.reactions if r.when.get("no_moves")][0]
    assert len(set(lines[1:])) == 3 and set(lines[1:]) <= set(clarify.lines)


def test_unrecognised_input_gets_a_clarifying_reply(angry: Scenario) -> None:
    _, lines = play(angry, [turn("blue giraffe")])
    assert lines[1] and lines[1] not in engine.FALLBACK_LINES


def test_pending_question_is_answered_by_insight_and_dodged_by_handoff(angry: Scenario) -> None:
    rng = random.Random(2)
    state, _ = engine.start(angry, rng)
    state, reply = engine.step(angry, state, turn("I'm sorry", "apology"), rng)
    assert state.pending == "why_broken"
    dodged, reply = engine.step(angry, state, turn("let me get support", "handoff"), rng)
    assert reply.dodged == "why_broken" and dodged.pending == "why_broken"
    answered, reply = engine.step(angry, state, turn("first I'll reset it", "action_plan"), rng)
    assert reply.answered == "why_broken" and answered.pending is None


def test_meters_stay_within_bounds(angry: Scenario) -> None:
    state, _ = play(angry, [turn("no", "excuse", "pressure", "brush_off")] * 10)
    for m in angry.meters:
        assert m.min <= state.meters[m.name] <= m.max
    assert state.ended == "hung_up"


def test_every_call_ends_within_the_turn_limit(angry: Scenario) -> None:
    state, _ = play(angry, [turn("okay")] * (angry.max_turns + 5))
    assert state.ended is not None


def test_the_clock_counts_typed_words_at_150_wpm(angry: Scenario) -> None:
    rng = random.Random(0)
    state, _ = engine.start(angry, rng)
    words = " ".join(["word"] * 150)
    after, reply = engine.step(angry, state, turn(words, "pitch"), rng)
    assert after.clock >= 60.0
    timed, _ = engine.step(angry, state, turn(words, "pitch", seconds=5.0), rng)
    assert timed.clock < 30.0


def test_difficulty_changes_how_hard_the_buyer_is(angry: Scenario) -> None:
    turns = [turn("sorry", "empathy"), turn("so you mean", "paraphrase")]
    easy, _ = play(angry, turns, difficulty="easy")
    hard, _ = play(angry, turns, difficulty="hard")
    assert easy.meters["trust"] > hard.meters["trust"]
    assert easy.meters["temper"] < hard.meters["temper"]


def test_hanging_up_picks_the_rep_ended_ending(angry: Scenario) -> None:
    rng = random.Random(0)
    state, _ = engine.start(angry, rng)
    state, reply = engine.hang_up(angry, state)
    assert state.ended == "abandoned" and reply.ending.result == "lost"
