"""Reading finished calls: plain text, WebVTT (voice tags and name cues), several calls, who is the rep."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import transcript as tr
from simulator.transcript import RawTurn, TranscriptError, guess_sides, parse, parse_vtt, read

DATA = Path(__file__).resolve().parent / "data" / "transcripts"


def pairs(turns: list[RawTurn]) -> list[tuple[str, str]]:
    return [(t.speaker, t.text) for t in turns]


# -- plain text ---------------------------------------------------------------------------------------
def test_plain_lines_continuations_and_merging() -> None:
    text = "Ann Lee: Hello there.\nHow are you?\n\nBob: Fine.\nBob: Busy, though.\nAnn Lee: Ok.\n"
    assert pairs(parse(text)) == [("Ann Lee", "Hello there. How are you?"), ("Bob", "Fine. Busy, though."), ("Ann Lee", "Ok.")]


def test_a_colon_inside_a_sentence_is_not_a_new_speaker() -> None:
    text = "Ann: Here's the plan: we ship Friday.\nSo the plan is: we ship Friday\nBob: see https://x.io/a:b ok\n"
    assert pairs(parse(text)) == [("Ann", "Here's the plan: we ship Friday. So the plan is: we ship Friday"),
                                  ("Bob", "see https://x.io/a:b ok")]


def test_lines_before_the_first_speaker_are_ignored_and_blank_input_is_empty() -> None:
    assert pairs(parse("Call notes, 3 May\nAnn: hi\n")) == [("Ann", "hi")]
    assert parse("") == [] and parse("   \n\n") == [] and parse("no speakers here at all") == []


@pytest.mark.parametrize("text", [
    "[00:00:01] Ann Lee: Hello there\n[00:00:04] Bob: Hi Ann\n",
    "00:00:01 Ann Lee: Hello there\n00:00:04 Bob: Hi Ann\n",
    "Ann Lee (00:01): Hello there\nBob (00:04): Hi Ann\n",
    "Ann Lee  0:01\nHello there\n\nBob  0:04\nHi Ann\n",
])
def test_plain_time_stamps_make_a_timed_call(text: str) -> None:
    turns = parse(text)
    assert pairs(turns) == [("Ann Lee", "Hello there"), ("Bob", "Hi Ann")]
    assert (turns[0].start, turns[0].end, turns[1].start) == (1.0, 4.0, 4.0)
    assert turns[1].end is not None and turns[1].end > 4.0  # closed from its length


def test_partly_stamped_plain_text_is_not_timed() -> None:
    turns = parse("[00:01] Ann: hi\nBob: hello\n")
    assert all(t.start is None and t.end is None for t in turns)


def test_a_name_alone_on_its_line_starts_a_turn() -> None:
    assert pairs(parse("Ann:\nHello there\nmore words\nBob:\nHi\n")) == [("Ann", "Hello there more words"), ("Bob", "Hi")]


def test_control_characters_and_odd_spacing_are_cleaned() -> None:
    turns = parse("\ufeff\x00Ann\x00: hi\x07 there\r\nBob:\t\u202eyo\u202c  \n")
    assert pairs(turns) == [("Ann", "hi there"), ("Bob", "yo")]


# -- several calls ------------------------------------------------------------------------------------
def test_call_separators_and_days() -> None:
    text = ("=== Call 1 (Monday) ===\nAnn: hi\nBob: hey\n"
            "--- Call 2 · 3 days later ---\nAnn: again\n"
            "[Call 3 · Friday]\nAnn: more\n"
            "@callback\nAnn: unknown day\n"
            "## Call 5\nAnn: x\n")
    got = [(t.call, t.day, t.weekday) for t in parse(text)]
    assert got == [(1, 0, "monday"), (1, 0, "monday"), (2, 3, "thursday"), (3, 4, "friday"), (4, None, ""), (5, None, "")]


@pytest.mark.parametrize("when,day", [("next day", 1), ("the following day", 1), ("same day", 0), ("an hour later", 0),
                                      ("2 hours later", 0), ("three days later", 3), ("six weeks later", 42),
                                      ("a couple of days later", 2), ("day 9", 9), ("Wednesday", 2), ("next Monday", 7)])
def test_when_a_later_call_happened(when: str, day: int) -> None:
    turns = parse(f"--- Call 1 · Monday ---\nAnn: hi\n--- Call 2 · {when} ---\nAnn: again\n")
    assert turns[-1].call == 2 and turns[-1].day == day


def test_turns_are_not_merged_across_calls() -> None:
    turns = parse("Ann: hi\n--- call 2 ---\nAnn: hi again\n")
    assert [(t.call, t.text) for t in turns] == [(1, "hi"), (2, "hi again")]


def test_the_seed_transcripts_number_their_calls() -> None:
    assert max(t.call for t in parse((DATA / "004-bad.txt").read_text(encoding="utf-8"))) == 3
    days = {(t.call, t.day, t.weekday) for t in parse((DATA / "004-good.txt").read_text(encoding="utf-8"))}
    assert days == {(1, 0, "monday"), (2, 3, "thursday")}


# -- WebVTT -------------------------------------------------------------------------------------------
VTT = """WEBVTT
Kind: captions

STYLE
::cue { color: yellow }

NOTE exported by the meeting tool

a1b2/1-0
00:00:01.000 --> 00:00:02.500 align:start
<v.loud Ann Lee>Hello &amp; welcome</v>

a1b2/2-0
00:00:02.600 --> 00:00:04,000
<v Ann Lee>to the call.</v>

3
00:00:04.200 --> 00:00:05.000
Bob Ray: Thanks <b>Ann</b><00:00:04.600>!

4
00:00:05.100 --> 00:00:06.000
and hello.
"""


def test_vtt_voice_tags_name_cues_merging_and_entities() -> None:
    turns = parse(VTT)
    assert pairs(turns) == [("Ann Lee", "Hello & welcome to the call."), ("Bob Ray", "Thanks Ann! and hello.")]
    assert (turns[0].start, turns[0].end) == (1.0, 4.0)
    assert (turns[1].start, turns[1].end) == (4.2, 6.0)


def test_vtt_two_voices_in_one_cue_share_its_time() -> None:
    turns = parse_vtt("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v A>one two three</v> <v B>four</v>\n")
    assert pairs(turns) == [("A", "one two three"), ("B", "four")]
    assert turns[0].end == turns[1].start == 3.0


def test_vtt_with_hours_crlf_and_notes_for_calls() -> None:
    text = ("WEBVTT\r\n\r\nNOTE Call 1 · Tuesday\r\n\r\n1:02:03.500 --> 1:02:05.000\r\n<v A>x\r\n\r\n"
            "NOTE Call 2 · next day\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v A>y\r\n")
    turns = parse(text)
    assert [(t.text, t.start, t.call, t.day, t.weekday) for t in turns] == [
        ("x", 3723.5, 1, 0, "tuesday"), ("y", 1.0, 2, 1, "wednesday")]


def test_vtt_cues_of_one_speaker_far_apart_stay_separate_turns() -> None:
    turns = parse("WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>x\n\n01:00.000 --> 01:02.000\n<v A>y\n")
    assert [(t.text, t.start, t.end) for t in turns] == [("x", 1.0, 2.0), ("y", 60.0, 62.0)]


def test_srt_subtitles_are_read_like_vtt() -> None:
    turns = parse("1\n00:00:01,000 --> 00:00:02,000\nAnn: hi\n\n2\n00:00:02,500 --> 00:00:03,000\nBob: yo\n")
    assert pairs(turns) == [("Ann", "hi"), ("Bob", "yo")] and turns[1].start == 2.5


def test_vtt_and_plain_versions_of_a_seed_call_read_the_same() -> None:
    for name in ("001-bad", "001-good", "003-bad", "003-good"):
        plain = parse((DATA / f"{name}.txt").read_text(encoding="utf-8"))
        vtt = parse((DATA / f"{name}.vtt").read_text(encoding="utf-8"))
        assert [(t.speaker, t.text, t.call, t.day) for t in plain] == [(t.speaker, t.text, t.call, t.day) for t in vtt]
        assert all(t.start is not None and t.end is not None and t.end >= t.start for t in vtt)


# -- who is the rep -------------------------------------------------------------------------------------
def fake(moves_by_word: dict[str, set[str]]):
    """A recogniser that hears a move when a trigger word is in the text (rep or buyer side)."""
    def recognize(texts: list[str], side: str) -> list[frozenset[str]]:
        out = []
        for text in texts:
            low = text.lower()
            out.append(frozenset(m for w, ms in moves_by_word.items() if w in low for m in ms
                                 if (m in tr.REP_SIGNALS) == (side == "rep")))
        return out
    return recognize


HEARS = fake({"sorry": {"apology"}, "call you": {"commitment"}, "from acme": {"greeting"}, "broken": {"vent"},
              "too long": {"objection_terms"}, "shorter": {"concession"}, "switch": {"ask_for_business"}})


def test_named_roles_win_outright() -> None:
    turns = parse("Customer: it's broken\nAgent Smith: sorry\n")
    assert guess_sides(turns, None) == ["Agent Smith"]
    assert guess_sides(parse("Dana: hi\nBuyer: hello\n"), None) == ["Dana"]


def test_the_speaker_who_talks_like_a_rep_is_the_rep() -> None:
    turns = parse("Helen: it's broken again\nDerek: sorry, I'll call you at two\nHelen: still broken\nDerek: sorry\n")
    assert guess_sides(turns, HEARS) == ["Derek"]


def test_a_supervisor_who_takes_over_joins_the_seller_side() -> None:
    turns = parse("Priya: Priya from Acme, want to switch?\nMeg: maybe\nPriya: I'll call you later\n--- call 2 ---\n"
                  "Linda: Linda from Acme, ready to switch?\nMeg: three years is too long\nLinda: a shorter one then\n")
    assert guess_sides(turns, HEARS) == ["Priya", "Linda"]


def test_the_side_model_can_outvote_misheard_moves() -> None:
    turns = parse("Graham: we track margin and cash, a great platform\nMegan: what do you track?\n")
    pitchy = fake({"platform": {"pitch", "insight"}})
    assert guess_sides(turns, pitchy) == ["Graham"]
    sounds = lambda texts: [2.0 if "what do you" in t else -2.0 for t in texts]  # noqa: E731
    assert guess_sides(turns, pitchy, sounds) == ["Megan"]


def test_the_trained_side_model_tells_a_seller_line_from_a_buyer_line() -> None:
    from simulator import sides

    seller, buyer = sides.seller_margins(["Thanks for your time today, could we book twenty minutes on Thursday?",
                                          "Your panel still doesn't work and nobody called me back."])
    assert seller > buyer
    assert sides.seller_margins([]) == []


def test_one_speaker_or_none() -> None:
    assert guess_sides(parse("Ann: hi\n"), HEARS) == ["Ann"]
    assert guess_sides([], HEARS) == []
    assert tr.guess_rep(parse("A: it's broken\nB: sorry, I'll call you\n"), lambda t: HEARS(t, "rep")) == "B"


# -- read: turns for scoring ------------------------------------------------------------------------------
def test_read_assigns_sides_moves_names_and_calls() -> None:
    reading = read("Meg: it's broken\nDerek: sorry\n--- call 2 · next day ---\nDerek: I'll call you at two\n", recognize=HEARS)
    assert reading.rep == ("Derek",) and reading.buyer == ("Meg",) and reading.guessed
    assert [(t.speaker, t.moves, t.name, t.call, t.day) for t in reading.turns] == [
        ("buyer", ("vent",), "Meg", 1, 0), ("rep", ("apology",), "Derek", 1, 0), ("rep", ("commitment",), "Derek", 2, 1)]
    assert not reading.timed


def test_read_with_labels() -> None:
    text = "Ann: hi from acme\nBob: hello\nCy: hey\nAnn: sorry\n"
    r = read(text, rep_label="Ann", buyer_label="Bob", recognize=HEARS)
    assert [t.name for t in r.turns] == ["Ann", "Bob", "Ann"] and not r.guessed  # Cy is left out
    r = read(text, rep_label="Ann, Cy", recognize=HEARS)
    assert r.rep == ("Ann", "Cy") and [t.speaker for t in r.turns] == ["rep", "buyer", "rep", "rep"]
    with pytest.raises(TranscriptError, match="Nobody"):
        read(text, rep_label="Nobody")
    with pytest.raises(TranscriptError, match="no turns"):
        read("just some notes")


def test_read_without_a_recogniser_gives_no_moves() -> None:
    r = read(VTT)
    assert r.timed and all(t.moves == () for t in r.turns) and r.rep == ("Ann Lee",)
