"""Properties: any text parses, any call scores, scores stay within 0-100, nothing raises."""

from __future__ import annotations

import json
import math
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import transcript as tr
from simulator.moves import BUYER_MOVES, REP_MOVES
from simulator.scoring import Turn, score

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text with everything in it: any code point (no surrogates), control characters, line breaks of every kind
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
CONTROLS = st.text(st.sampled_from(list("\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1d\x1e\x7f\x85\u2028\u2029\ufeff\u202e\r\n\t :<>-")),
                   max_size=80)
NAMES = st.sampled_from(["Ann", "Bob Ray", "Dr. Lee", "Zoë", "李雷", "SPEAKER_01", "Ann:", "<v>", "", " ", "a" * 70])
STAMP = st.builds(lambda h, m, s, ms, sep: f"{h:02}:{m:02}:{s:02}{sep}{ms:03}",
                  st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999), st.sampled_from([".", ","]))


def fake_recognize(texts: list[str], side: str) -> list[frozenset[str]]:
    pool = REP_MOVES if side == "rep" else BUYER_MOVES
    return [frozenset(pool[(hash(t) + k) % len(pool)] for k in range(len(t) % 3)) for t in texts]


def check_raw(turns: list[tr.RawTurn]) -> None:
    for t in turns:
        assert isinstance(t.speaker, str) and t.speaker.strip()
        assert isinstance(t.text, str) and t.text.strip()
        assert t.call >= 1
        if t.start is not None:
            assert t.end is not None and math.isfinite(t.start) and t.end >= t.start >= 0


def check_card(turns: list[Turn]) -> None:
    card = score(turns)
    assert set(card.scores) >= {"overall", "rapport", "concessions", "handoffs", "discovery", "follow_up"}
    for v in card.scores.values():
        assert isinstance(v, int) and 0 <= v <= 100
    for f in card.flags:
        assert 1 <= f.turn <= len(turns) and f.tip and f.better and f.rule
    for h in card.highlights:
        assert 0 <= h.turn <= len(turns)
    for v in card.metrics.values():
        assert math.isfinite(v) and v >= 0
    assert 0 <= card.metrics["rep_talk_share"] <= 1
    json.dumps(card.to_dict())


# -- parsing --------------------------------------------------------------------------------------------
@SETTINGS
@given(ANY_TEXT)
def test_any_text_parses(text: str) -> None:
    check_raw(tr.parse(text))
    check_raw(tr.parse_plain(text))
    check_raw(tr.parse_vtt(text))


@SETTINGS
@given(st.lists(st.tuples(NAMES, st.one_of(ANY_TEXT, CONTROLS)), max_size=30), st.booleans())
def test_speaker_lines_with_any_words_parse(lines: list[tuple[str, str]], header: bool) -> None:
    text = ("--- Call 1 · Monday ---\n" if header else "") + "\n".join(f"{n}: {w}" for n, w in lines)
    check_raw(tr.parse(text))


@SETTINGS
@given(st.lists(st.tuples(STAMP, STAMP, st.one_of(NAMES, st.none()), st.one_of(ANY_TEXT, CONTROLS), st.booleans()), max_size=25),
       st.sampled_from(["WEBVTT\n\n", "WEBVTT - exported\r\n\r\n", "\ufeffWEBVTT\n\nNOTE Call 2 · next day\n\n", ""]))
def test_any_webvtt_parses(cues: list, head: str) -> None:
    blocks = []
    for i, (a, b, name, words, voice) in enumerate(cues):
        body = words if name is None else (f"<v {name}>{words}</v>" if voice else f"{name}: {words}")
        blocks.append(f"{i}\n{a} --> {b}\n{body}")
    check_raw(tr.parse(head + "\n\n".join(blocks)))


@SETTINGS
@given(st.one_of(ANY_TEXT, CONTROLS))
def test_read_and_score_any_text(text: str) -> None:
    try:
        reading = tr.read(text, recognize=fake_recognize)
    except tr.TranscriptError:
        return
    check_card(list(reading.turns))


def test_empty_inputs() -> None:
    assert tr.parse("") == [] and tr.parse_vtt("") == [] and tr.parse("WEBVTT") == []
    check_card([])


def test_one_megabyte_inputs_parse_and_score_quickly() -> None:
    line = "Ann Lee: " + "well, the panel still does not load and I need the numbers today " * 3
    plain = "\n".join(line if i % 2 else line.replace("Ann Lee", "Bob Ray") for i in range(1_000_000 // len(line) + 1))
    one_line = "Ann: " + "x" * 1_000_000
    vtt = "WEBVTT\n\n" + "\n\n".join(f"00:{i // 60 % 60:02}:{i % 60:02}.000 --> 00:{i // 60 % 60:02}:{i % 60:02}.900\n<v {'AB'[i % 2]}>{'word ' * 20}"
                                     for i in range(1_000_000 // 130))
    garbage = ("\x00<v\n-->:" * 150_000)[:1_000_000]
    for text in (plain, one_line, vtt, garbage):
        assert len(text) >= 999_000
        t0 = time.perf_counter()
        raw = tr.parse(text)
        check_raw(raw)
        try:
            reading = tr.read(text, recognize=fake_recognize)
        except tr.TranscriptError:
            continue
        check_card(list(reading.turns))
        assert time.perf_counter() - t0 < 20


# -- scoring --------------------------------------------------------------------------------------------
def turn_strategy(i: int):
    return st.builds(
        lambda rep, rmoves, bmoves, text, timed, start, length, call_step, interrupted, state, name, day: Turn(
            "rep" if rep else "buyer", text, tuple(rmoves if rep else bmoves), state,
            start if timed else None, (start + length) if timed else None, 1 + call_step, interrupted, name, day),
        st.booleans(), st.lists(st.sampled_from(REP_MOVES), max_size=4), st.lists(st.sampled_from(BUYER_MOVES), max_size=3),
        st.one_of(ANY_TEXT, st.sampled_from(["I'll call you Thursday at ten.", "If you sign today I'll take 10% off.",
                                             "Why do I need this?", "Good luck with that.", "email", ""])),
        st.booleans(), st.floats(0, 1e6), st.floats(0, 600), st.integers(0, 3), st.booleans(),
        st.one_of(st.none(), st.fixed_dictionaries({"commitment": st.sampled_from(["none", "kept", "early", "late", 7])})),
        st.sampled_from(["", "Ann", "Bob", "Cy"]), st.one_of(st.none(), st.integers(-5, 10_000)))


@SETTINGS
@given(st.lists(turn_strategy(0), max_size=60))
def test_any_move_sequence_scores_within_bounds(turns: list[Turn]) -> None:
    check_card(turns)


@SETTINGS
@given(st.lists(turn_strategy(0), max_size=40),
       st.dictionaries(st.sampled_from(["rapport", "concessions", "handoffs", "discovery", "recovery", "follow_up", "brevity", "x"]),
                       st.floats(0, 1000), max_size=8))
def test_any_weights_keep_overall_within_bounds(turns: list[Turn], weights: dict) -> None:
    card = score(turns, weights)
    assert all(0 <= v <= 100 for v in card.scores.values())


@SETTINGS
@given(st.lists(turn_strategy(0), min_size=1, max_size=40))
def test_scoring_is_deterministic(turns: list[Turn]) -> None:
    assert score(turns) == score(list(turns))
