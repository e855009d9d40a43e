"""Property tests: whatever the rep types and whatever moves are heard, nothing breaks."""

from __future__ import annotations

import random
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import engine, library, recognizer
from simulator.engine import RepTurn
from simulator.moves import REP_MOVES
from simulator.validate import check_text

SCENARIOS = [s.id for s in library.available() if s.builtin and not s.problems]
moves_st = st.frozensets(st.sampled_from(REP_MOVES), max_size=4)
text_st = st.text(max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=st.sampled_from(SCENARIOS), turns=st.lists(st.tuples(text_st, moves_st), max_size=60),
       seed=st.integers(0, 2**31), difficulty=st.sampled_from(["easy", "normal", "hard"]),
       callback_at=st.integers(0, 60), days=st.integers(0, 14))
def test_engine_invariants(scenario, turns, seed, difficulty, callback_at, days) -> None:
    scn = library.load(scenario)
    rng = random.Random(seed)
    state, reply = engine.start(scn, rng, difficulty)
    assert reply.text
    for i, (text, moves) in enumerate(turns):
        if state.ended:
            if state.call < scn.calls and scn.ending(state.ended).result != "lost":
                state, reply = engine.callback(scn, state, rng, days)
                assert reply.text
                continue
            break
        if i == callback_at and state.call < scn.calls:
            state, _ = engine.callback(scn, state, rng, days)
        state, reply = engine.step(scn, state, RepTurn(text, moves), rng)
        assert reply.text  # never silence
        for m in scn.meters:
            assert m.min <= state.meters[m.name] <= m.max
        assert state.stage in scn.stages
    # every call ends: the rep can always hang up, and the turn limit always ends it
    if not state.ended:
        state, reply = engine.hang_up(scn, state)
    assert state.ended in {e.id for e in scn.endings}


@settings(max_examples=40, deadline=None)
@given(scenario=st.sampled_from(SCENARIOS), seed=st.integers(0, 2**31))
def test_silence_forever_still_ends_the_call(scenario, seed) -> None:
    scn = library.load(scenario)
    rng = random.Random(seed)
    state, _ = engine.start(scn, rng)
    for _ in range(scn.max_turns * scn.calls + 2):
        if state.ended:
            break
        state, _ = engine.step(scn, state, RepTurn("", frozenset()), rng)
    assert state.ended


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=2000), max_size=8))
def test_recognizer_takes_any_unicode(texts) -> None:
    out = recognizer.recognize(texts)
    assert len(out) == len(texts)
    assert all(m <= set(REP_MOVES) for m in out)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_validator_never_raises_on_any_text(text) -> None:
    problems = check_text(text, "fuzz.yaml")
    assert all(str(p).startswith("fuzz.yaml:") for p in problems)


def test_validator_refuses_huge_and_deep_files_quickly() -> None:
    import time

    t0 = time.perf_counter()
    assert "limit" in str(check_text("a: " + "x" * 600_000, "big.yaml")[0]) or "larger" in str(check_text("a: " + "x" * 600_000, "big.yaml")[0])
    deep = "a: " + "[" * 100 + "]" * 100
    assert "nested" in check_text(deep, "deep.yaml")[0].message
    assert time.perf_counter() - t0 < 2.0


def test_a_call_and_classify_touch_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from simulator.session import Session

    s = Session(library.load("angry-customer"), seed=1)
    s.say("I'm so sorry about the panel, that must be frustrating.")
    s.hang_up()
    assert s.scorecard().scores
