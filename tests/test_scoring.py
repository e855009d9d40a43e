"""Scorecards: the seed calls, bad and good, and the exact semantics of each rule.

The transcripts in ``tests/data/transcripts`` retell each seed's situation twice:
as the seed's rep handled it (``NNN-bad``) and as a trained rep would (``NNN-good``).
They are read with the real move model, so these tests also say when a change to
the model makes the scorecard miss what a sales trainer would see.
The unit tests further down build turns by hand with explicit moves (no model).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator import recognizer, sides
from simulator import transcript as tr
from simulator.scoring import CRITICAL_CAP, DEFAULT_WEIGHTS, RECOVERY_STEPS, TIPS, Scorecard, Turn, score

from conftest import salesim

DATA = Path(__file__).resolve().parent / "data" / "transcripts"
SEEDS = ("000", "001", "002", "003", "004")

#: what a trainer would write on each seed's bad call
EXPECTED_BAD: dict[str, set[str]] = {
    "000": {"missed_empathy", "blame_or_excuse", "brush_off", "email_instead_of_call", "no_next_step", "incomplete_recovery"},
    "001": {"unnecessary_handoff", "unanswered_why", "vague_commitment"},
    "002": {"blame_or_excuse", "missed_empathy", "brush_off", "refused_escalation", "unreferenced_callback",
            "no_next_step", "incomplete_recovery"},
    "003": {"long_monologue", "unanswered_why", "no_next_step", "sour_grapes", "brush_off"},
    "004": {"unnecessary_handoff", "unreferenced_callback", "premature_concession", "pressure_tactic"},
}
#: the skills the seed is about: the good call must beat the bad one on each
RELEVANT: dict[str, tuple[str, ...]] = {
    "000": ("rapport", "recovery", "follow_up"),
    "001": ("handoffs", "discovery"),
    "002": ("rapport", "recovery", "handoffs", "follow_up"),
    "003": ("brevity", "rapport", "follow_up"),
    "004": ("concessions", "handoffs", "follow_up"),
}


def read(name: str, **kw) -> tr.Reading:
    return tr.read((DATA / name).read_text(encoding="utf-8"), recognize=recognizer.recognize, seller=sides.seller_margins, **kw)


def card_of(name: str, weights=None) -> Scorecard:
    return score(read(name).turns, weights)


@pytest.fixture(scope="module")
def cards() -> dict[str, Scorecard]:
    names = [p.name for p in sorted(DATA.iterdir()) if p.suffix in (".txt", ".vtt")]
    return {n: card_of(n) for n in names}


def describe(card: Scorecard) -> str:
    return "; ".join(f"t{f.turn} {f.rule}" for f in card.flags) or "no flags"


# -- the seed calls ---------------------------------------------------------------------------------------
def test_every_seed_has_a_bad_and_a_good_call_of_reasonable_length() -> None:
    for seed in SEEDS:
        for kind in ("bad", "good"):
            turns = read(f"{seed}-{kind}.txt").turns
            assert 12 <= len(turns) <= 30, (seed, kind, len(turns))
            names = {t.name for t in turns}
            assert not names & {"Rep", "Buyer", "Agent", "Customer"}  # real names: rep detection is exercised


@pytest.mark.parametrize("seed", SEEDS)
def test_bad_call_gets_the_trainers_flags_and_good_call_gets_none(seed: str, cards: dict[str, Scorecard]) -> None:
    bad, good = cards[f"{seed}-bad.txt"], cards[f"{seed}-good.txt"]
    missing = EXPECTED_BAD[seed] - set(bad.rules())
    assert not missing, f"{seed}-bad misses {missing}: {describe(bad)}"
    assert not good.flags, f"{seed}-good should be clean: {describe(good)}"


@pytest.mark.parametrize("seed", SEEDS)
def test_good_call_scores_above_bad_call(seed: str, cards: dict[str, Scorecard]) -> None:
    bad, good = cards[f"{seed}-bad.txt"], cards[f"{seed}-good.txt"]
    assert good.scores["overall"] >= 70 > 55 >= bad.scores["overall"], (good.scores, bad.scores)
    for skill in RELEVANT[seed]:
        assert good.scores[skill] > bad.scores[skill], (seed, skill, good.scores, bad.scores)


def test_seed_002_bad_call_flags_each_of_the_reps_errors_where_they_happen(cards: dict[str, Scorecard]) -> None:
    flags = {(f.turn, f.rule) for f in cards["002-bad.txt"].flags}
    assert (2, "blame_or_excuse") in flags  # "it's working fine from here"
    assert (2, "missed_empathy") in flags
    assert (4, "brush_off") in flags  # stepping into a meeting
    assert (7, "unreferenced_callback") in flags  # call 2 opens without a word about the missed callback
    assert (9, "refused_escalation") in flags  # the president's number
    assert (11, "blame_or_excuse") in flags  # the server, "I assumed"
    refused = next(f for f in cards["002-bad.txt"].flags if f.rule == "refused_escalation")
    assert refused.severity == 3 and "president" in refused.quote
    assert cards["002-bad.txt"].scores["overall"] <= CRITICAL_CAP


def test_seed_002_good_call_follows_the_recovery_process_and_closes_the_loop(cards: dict[str, Scorecard]) -> None:
    card = cards["002-good.txt"]
    assert card.scores["recovery"] >= 85
    rules = {h.rule for h in card.highlights}
    assert {"recovery", "empathy", "referenced_prior", "specific_commitment"} <= rules


def test_seed_001_handoff_at_the_moment_of_engagement_is_critical(cards: dict[str, Scorecard]) -> None:
    card = cards["001-bad.txt"]
    handoffs = [f for f in card.flags if f.rule == "unnecessary_handoff"]
    assert handoffs[0].turn == 7 and handoffs[0].severity == 3 and "demo" in handoffs[0].quote
    assert "turn 6" in handoffs[0].detail  # the buyer's "Why?"
    assert card.scores["overall"] <= CRITICAL_CAP
    assert any(h.rule == "answered_why" for h in cards["001-good.txt"].highlights)


def test_seed_004_bad_call_supervisor_early_callback_and_instant_concessions(cards: dict[str, Scorecard]) -> None:
    card = cards["004-bad.txt"]
    by = {(f.turn, f.rule): f for f in card.flags}
    assert (5, "unnecessary_handoff") in by  # "my supervisor will give you a call"
    early = by[(11, "unreferenced_callback")]
    assert early.severity == 2 and "promised in 3 days, called after 1 day" in early.detail
    assert "same breath" in by[(13, "premature_concession")].detail  # the one-year contract
    assert "second concession" in by[(15, "premature_concession")].detail  # the waived fee
    good = cards["004-good.txt"]
    assert any(h.rule == "concession_traded" and h.turn == 15 for h in good.highlights)
    assert any(h.rule == "referenced_prior" and h.turn == 9 for h in good.highlights)


def test_seed_004_supervisor_is_read_as_the_seller_side() -> None:
    reading = read("004-bad.txt")
    assert reading.guessed and set(reading.rep) == {"Priya Nair", "Linda Carver"}
    assert reading.buyer == ("Margaret Lowell",)
    assert [t.call for t in reading.turns][-1] == 3


def test_seed_003_rambling_and_sour_grapes(cards: dict[str, Scorecard]) -> None:
    card = cards["003-bad.txt"]
    mono = next(f for f in card.flags if f.rule == "long_monologue")
    assert mono.turn == 3 and "118 words" in mono.detail
    sour = [f for f in card.flags if f.rule == "sour_grapes"]
    assert sour and all(f.turn >= 10 for f in sour)  # only after the buyer said they chose someone else
    assert any(h.rule == "gracious_loss" for h in cards["003-good.txt"].highlights)


def test_seed_000_is_about_picking_up_the_phone(cards: dict[str, Scorecard]) -> None:
    email = next(f for f in cards["000-bad.txt"].flags if f.rule == "email_instead_of_call")
    assert "email" in email.quote.lower()
    assert cards["000-good.txt"].scores["follow_up"] >= 80


def test_rep_is_detected_on_every_transcript() -> None:
    for path in sorted(DATA.iterdir()):
        if path.suffix not in (".txt", ".vtt"):
            continue
        reading = read(path.name)
        first_rep = reading.rep[0]
        assert first_rep in {"Derek Vance", "Megan Doyle", "Kyle Mercer", "Tom Brennan", "Priya Nair"}, path.name


# -- WebVTT: the same calls, timed ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["001-bad", "001-good", "003-bad", "003-good"])
def test_webvtt_export_scores_like_the_plain_transcript(name: str, cards: dict[str, Scorecard]) -> None:
    txt, vtt = cards[f"{name}.txt"], cards[f"{name}.vtt"]
    assert set(vtt.rules()) == set(txt.rules())
    for key in ("rep_talk_share_time", "longest_monologue_seconds", "words_per_minute"):
        assert key in vtt.metrics and key not in txt.metrics
    assert 100 <= vtt.metrics["words_per_minute"] <= 200
    assert abs(vtt.metrics["rep_talk_share_time"] - vtt.metrics["rep_talk_share"]) < 0.1
    assert abs(vtt.scores["overall"] - txt.scores["overall"]) <= 5


def test_webvtt_voice_tags_and_name_cues_are_both_read() -> None:
    assert "<v Megan Doyle>" in (DATA / "001-bad.vtt").read_text(encoding="utf-8")
    assert "\nTom Brennan: " in (DATA / "003-bad.vtt").read_text(encoding="utf-8")
    assert read("001-bad.vtt").timed and read("003-bad.vtt").timed


def test_timed_monologue_and_interruption_on_the_rambling_call(cards: dict[str, Scorecard]) -> None:
    m = cards["003-bad.vtt"].metrics
    assert m["longest_monologue_seconds"] > 45
    assert m["interruptions"] >= 1  # he talks over her "Why would any of this matter to me?"
    mono = next(f for f in cards["003-bad.vtt"].flags if f.rule == "long_monologue")
    assert "seconds" in mono.detail
    assert cards["003-good.vtt"].metrics["longest_monologue_seconds"] < 30


# -- the command line ---------------------------------------------------------------------------------------
def run_score(*args: str) -> tuple[dict, str]:
    proc = salesim("score", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), proc.stderr


def test_cli_score_json_shape_and_rep_detection() -> None:
    out, err = run_score(str(DATA / "002-bad.txt"))
    assert "Kyle Mercer" in err and "--rep-label" in err
    assert out["rep_label"] == "Kyle Mercer"
    assert set(out) >= {"scores", "flags", "metrics", "highlights"}
    assert all(0 <= v <= 100 for v in out["scores"].values())
    assert {"overall", "rapport", "concessions", "handoffs", "discovery", "follow_up", "recovery"} <= set(out["scores"])
    for f in out["flags"]:
        assert {"rule", "turn", "speaker", "quote", "tip", "better"} <= set(f)
        assert f["speaker"] == "rep" and f["tip"] and f["better"]
    assert {"refused_escalation", "blame_or_excuse", "missed_empathy"} <= {f["rule"] for f in out["flags"]}
    assert {"rep_talk_share", "longest_monologue_words", "questions"} <= set(out["metrics"])


def test_cli_score_two_seller_voices_and_explicit_labels() -> None:
    out, err = run_score(str(DATA / "004-bad.txt"))
    assert out["rep_labels"] == ["Priya Nair", "Linda Carver"]
    assert "premature_concession" in {f["rule"] for f in out["flags"]}
    out, err = run_score(str(DATA / "001-good.vtt"), "--rep-label", "Megan Doyle")
    assert "as the rep" not in err
    assert out["flags"] == [] and out["metrics"]["words_per_minute"] > 0


def test_cli_score_uses_the_scenario_weights() -> None:
    plain, _ = run_score(str(DATA / "003-bad.vtt"))
    rushed, _ = run_score(str(DATA / "003-bad.vtt"), "--scenario", "rushed-exec")
    assert rushed["weights"]["brevity"] > plain["weights"]["brevity"]  # brevity weighs more for a busy exec
    for out in (plain, rushed):  # overall is the weighted mean of the skills, with the weights it reports
        w = out["weights"]
        mean = sum(out["scores"][k] * w[k] for k in w) / sum(w.values())
        assert abs(out["scores"]["overall"] - min(mean, 100)) <= 1 or out["scores"]["overall"] < mean
    assert {k: v for k, v in rushed["scores"].items() if k != "overall"} == {k: v for k, v in plain["scores"].items() if k != "overall"}


def test_cli_score_bad_label_and_empty_file_are_one_line_errors(tmp_path: Path) -> None:
    proc = salesim("score", str(DATA / "001-bad.txt"), "--rep-label", "Nobody")
    assert proc.returncode == 1 and "Nobody" in proc.stderr and "Traceback" not in proc.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    proc = salesim("score", str(empty))
    assert proc.returncode == 1 and "no turns" in proc.stderr and "Traceback" not in proc.stderr


# -- unit tests: hand-built turns, explicit moves --------------------------------------------------------------
def R(text: str, *moves: str, **kw) -> Turn:
    return Turn("rep", text, moves, **kw)


def B(text: str, *moves: str, **kw) -> Turn:
    return Turn("buyer", text, moves, **kw)


def flags(turns: list[Turn], rule: str | None = None) -> list:
    card = score(turns)
    return [f for f in card.flags if rule is None or f.rule == rule]


# premature concessions
def test_concession_before_any_objection_is_premature_and_critical() -> None:
    turns = [B("Tell me about the plan.", "question"), R("We can knock 20% off for you.", "concession")]
    [f] = flags(turns, "premature_concession")
    assert f.turn == 2 and f.severity == 3 and "before" in f.detail
    assert score(turns).scores["overall"] <= CRITICAL_CAP


def test_hesitation_is_not_a_price_or_terms_objection() -> None:
    turns = [B("I'd like to think it over.", "hesitation"), R("I can do a shorter contract.", "concession")]
    [f] = flags(turns, "premature_concession")
    assert "before the buyer raised any price or terms objection" in f.detail


def test_concession_in_the_same_breath_as_the_first_objection_is_premature() -> None:
    turns = [R("Hi, Sam from Nexatel.", "greeting"), B("Three years is too long for me.", "objection_terms"),
             R("No problem, we can do one year instead.", "concession")]
    [f] = flags(turns, "premature_concession")
    assert f.turn == 3 and f.severity == 2 and "same breath" in f.detail and "turn 2" in f.detail


def test_a_question_in_the_concession_turn_itself_does_not_explore_the_objection() -> None:
    turns = [B("It's too expensive.", "objection_price"),
             R("What budget did you have in mind? I can take 15% off.", "discovery_question", "concession")]
    assert flags(turns, "premature_concession")


def test_concession_traded_after_the_objection_was_explored_is_fine() -> None:
    turns = [B("Three years is too long for me.", "objection_terms"),
             R("What makes it feel too long?", "discovery_question"),
             B("We may move in eighteen months.", "objection_terms"),
             R("If you can sign this month, I can do eighteen months at the same rate.", "concession")]
    card = score(turns)
    assert not [f for f in card.flags if f.rule in ("premature_concession", "concession_not_traded")]
    assert any(h.rule == "concession_traded" and h.turn == 4 for h in card.highlights)
    assert card.scores["concessions"] == 100


def test_value_then_a_traded_concession_in_one_turn_is_not_premature() -> None:
    turns = [B("The price is too high.", "objection_price"),
             R("It saves your team about ten hours a week; if you sign by Friday I can waive the setup fee.",
               "insight", "concession")]
    assert not flags(turns, "premature_concession")


def test_second_concession_with_nothing_asked_in_return_is_premature() -> None:
    turns = [B("Too expensive.", "objection_price"), R("What were you comparing it with?", "discovery_question"),
             B("The other quote was lower.", "objection_price"),
             R("If you can commit today I'll match it.", "concession"),
             B("Hm.", "hesitation"), R("And I'll throw in the first month free.", "concession")]
    [f] = flags(turns, "premature_concession")
    assert f.turn == 6 and "second concession" in f.detail


def test_second_concession_traded_is_fine() -> None:
    turns = [B("Too expensive.", "objection_price"), R("Compared with what?", "discovery_question"),
             B("The other quote.", "objection_price"), R("If you sign today, I'll match it.", "concession"),
             B("And the setup fee?", "question"), R("Waived, in exchange for a case study.", "concession")]
    assert not flags(turns, "premature_concession")


def test_explored_but_untraded_concession_is_a_minor_flag_not_a_premature_one() -> None:
    turns = [B("Too expensive.", "objection_price"), R("Which part worries you?", "discovery_question"),
             B("The setup fee.", "objection_price"), R("Fine, I'll waive it.", "concession")]
    rules = [f.rule for f in flags(turns)]
    assert "concession_not_traded" in rules and "premature_concession" not in rules


def test_if_youd_like_is_not_a_trade() -> None:
    turns = [B("Too expensive.", "objection_price"), R("What's your budget?", "discovery_question"),
             B("Lower.", "objection_price"), R("I'll match it.", "concession"),
             B("Ok.", "agreement"), R("If you'd like, I can waive the fee too.", "concession")]
    assert [f.turn for f in flags(turns, "premature_concession")] == [6]


def test_no_concession_and_no_objection_leaves_concessions_out_of_overall() -> None:
    card = score([B("Hi.", "small_talk"), R("I'll call you Thursday at ten.", "commitment")])
    assert card.scores["concessions"] == 100 and card.weights["concessions"] == 0


# handoffs
def test_unprompted_handoff_is_unnecessary() -> None:
    turns = [B("Sounds interesting.", "agreement"), R("I'll have a specialist call you.", "handoff")]
    [f] = flags(turns, "unnecessary_handoff")
    assert f.severity == 2 and "nobody asked" in f.detail


def test_handoff_right_after_the_buyer_asked_the_rep_a_question_is_worst() -> None:
    asked = [B("Why do I need real-time numbers?", "question"), R("Let me book you a demo with our specialist.", "handoff")]
    unasked = [B("Sounds interesting.", "agreement"), R("Let me book you a demo with our specialist.", "handoff")]
    [f] = flags(asked, "unnecessary_handoff")
    assert f.severity == 3 and "turn 1" in f.detail
    assert score(asked).scores["handoffs"] < score(unasked).scores["handoffs"]


def test_refusing_an_explicit_escalation_request_is_flagged() -> None:
    turns = [B("Give me your president's direct number.", "request_escalation"),
             R("All correspondence goes through me.", "refuse_escalation")]
    [f] = flags(turns, "refused_escalation")
    assert f.severity == 3 and f.turn == 2
    assert score(turns).scores["handoffs"] <= 50


def test_a_refusal_nobody_asked_for_is_not_flagged() -> None:
    assert not flags([B("Hello?", "question"), R("I can't do that.", "refuse_escalation")], "refused_escalation")


def test_honouring_escalation_while_keeping_ownership_is_a_highlight() -> None:
    turns = [B("I want to speak to your manager.", "request_escalation"),
             R("Of course, I'll bring her in today, and I'll call you at four either way.", "handoff", "commitment")]
    card = score(turns)
    assert not [f for f in card.flags if "handoff" in f.rule or f.rule == "refused_escalation"]
    assert any(h.rule == "escalation_honoured" for h in card.highlights)
    assert card.scores["handoffs"] == 100


def test_ownership_in_the_next_rep_turn_also_counts() -> None:
    turns = [B("Put me through to your boss.", "request_escalation"), R("Sure, transferring you now.", "handoff"),
             B("Thanks.", "agreement"), R("And I'll follow up myself tomorrow at nine.", "commitment")]
    assert any(h.rule == "escalation_honoured" for h in score(turns).highlights)


def test_honouring_escalation_and_letting_go_is_a_minor_flag() -> None:
    turns = [B("Put me through to your boss.", "request_escalation"), R("Sure, transferring you now.", "handoff")]
    assert [f.rule for f in flags(turns) if "handoff" in f.rule] == ["handoff_without_ownership"]


def test_a_second_seller_taking_over_unannounced_is_a_handoff() -> None:
    turns = [R("Hi, Priya from Nexatel.", "greeting", name="Priya"), B("Hello.", "small_talk", name="Meg"),
             R("Hi, Linda here, Priya's supervisor. Shall we switch you today?", "ask_for_business", name="Linda"),
             B("No.", "rejection", name="Meg")]
    [f] = flags(turns, "unnecessary_handoff")
    assert f.turn == 3 and "Linda took the call over from Priya" in f.detail


def test_an_announced_takeover_is_flagged_once_and_a_joint_call_not_at_all() -> None:
    announced = [R("Hi, Priya here.", "greeting", name="Priya"), B("Hello.", name="Meg"),
                 R("My supervisor will call you.", "handoff", name="Priya"), B("Ok.", name="Meg"),
                 R("Linda here.", "greeting", name="Linda", call=2)]
    assert [f.turn for f in flags(announced, "unnecessary_handoff")] == [3]
    joint = [R("Hi, Ann here with my engineer.", "greeting", name="Ann"), B("Hi.", name="Bo"),
             R("I'm Cy, the engineer.", name="Cy"), B("Ok.", name="Bo"), R("So, Bo, what's your setup?", "discovery_question", name="Ann")]
    assert not flags(joint, "unnecessary_handoff")


def test_handoff_words_count_when_the_move_model_misses_them() -> None:
    [f] = flags([B("Why?", "question"), R("I can arrange a demo and discussion for you.")], "unnecessary_handoff")
    assert f.severity == 3
    assert flags([B("Ok.", "agreement"), R("My supervisor will give you a ring later.")], "unnecessary_handoff")
    assert not flags([B("Will it double up?", "question"), R("I'll have our engineer prove it on your own orders.", "action_plan")],
                     "unnecessary_handoff")


def test_a_supervisor_calling_back_under_one_label_is_a_handoff_unless_asked_for() -> None:
    first = [R("Hi, Priya from Nexatel.", "greeting"), B("Hello.", "small_talk")]
    closer = R("Hi Margaret, this is Linda, Priya's supervisor. Shall we start the switch?", "greeting", "ask_for_business", call=2)
    [f] = flags(first + [closer, B("No.", "rejection", call=2)], "unnecessary_handoff")
    assert f.turn == 3 and "supervisor" in f.detail
    asked = [R("Hi, Priya from Nexatel.", "greeting"), B("I want to talk to your manager.", "request_escalation"),
             closer, B("Ok.", call=2)]
    assert not flags(asked, "unnecessary_handoff")


# missed empathy
def test_vent_answered_with_nothing_acknowledging_is_missed_empathy() -> None:
    turns = [B("Two days and your panel still doesn't work!", "vent"), R("Our server was down.", "excuse")]
    [f] = flags(turns, "missed_empathy")
    assert f.turn == 2 and f.severity == 2 and "turn 1" in f.detail


def test_vent_answered_with_empathy_apology_paraphrase_or_thanks_is_fine() -> None:
    for move in ("empathy", "apology", "paraphrase", "thanks"):
        turns = [B("Two days and nothing works!", "vent"), R("...", move)]
        assert not flags(turns, "missed_empathy"), move
    card = score([B("Two days and nothing works!", "vent"), R("That would frustrate anyone.", "empathy")])
    assert any(h.rule == "empathy" for h in card.highlights)


def test_reflecting_the_buyers_own_words_counts_as_acknowledgement_unless_it_deflects() -> None:
    vent = B("The bill keeps creeping up and the voicemail loses messages.", "vent")
    assert not flags([vent, R("A rising bill and lost messages: let's fix both.", "insight")], "missed_empathy")
    assert flags([vent, R("The bill and the voicemail work fine on our side.", "excuse")], "missed_empathy")
    assert not flags([vent, R("Of course. Let's look at it together.", "action_plan")], "missed_empathy")


def test_only_the_reps_next_turn_counts_and_a_final_vent_is_not_missed() -> None:
    turns = [B("This is ridiculous.", "vent"), R("Anyway, about the upgrade.", "pitch"),
             B("Still ridiculous.", "vent")]
    assert [f.turn for f in flags(turns, "missed_empathy")] == [2]


# recovery
FULL_RECOVERY = [
    B("Your panel has been broken for days!", "vent"),
    R("I'm so sorry, that would make anyone angry.", "apology", "empathy"),
    B("It's unacceptable.", "vent"),
    R("Thank you for calling me straight away.", "thanks"),
    B("Well?", "question"),
    R("So the link fails, and you have no figures. Right?", "paraphrase", "closed_question"),
    B("Right.", "agreement"),
    R("I'll stay on this until it's fixed.", "reassurance"),
    B("Ok.", "agreement"),
    R("What do you see when you click?", "discovery_question"),
    B("A blank page.", ""),
    R("Here's what happens: engineer checks it, I pull the log.", "action_plan"),
    B("Fine.", "agreement"),
    R("I'll call you at two o'clock today.", "commitment"),
    B("Ok.", "agreement"),
    R("Once it works, would you run the next campaign with us?", "ask_for_business"),
]


def test_recovery_covers_the_steps_in_order() -> None:
    card = score(FULL_RECOVERY)
    assert card.scores["recovery"] >= 95
    assert any(h.rule == "recovery" and "in order" in h.note for h in card.highlights)
    assert not card.flags


def test_recovery_out_of_order_scores_lower_than_in_order() -> None:
    reps = [t for t in FULL_RECOVERY if t.speaker == "rep"]
    buyers = [t for t in FULL_RECOVERY if t.speaker == "buyer"]
    shuffled = [buyers[0]]
    for b, r in zip(buyers[1:] + [B("ok", "agreement")], reversed(reps)):
        shuffled += [r, b]
    assert score(shuffled).scores["recovery"] < score(FULL_RECOVERY).scores["recovery"]


def test_thin_recovery_is_flagged_with_the_missing_steps() -> None:
    turns = [B("It's broken again!", "vent"), R("Sorry about that.", "apology"), B("And?", "vent"),
             R("It should work now.", "")]
    card = score(turns)
    [f] = [f for f in card.flags if f.rule == "incomplete_recovery"]
    assert "paraphrase" in f.detail and "follow-up time" in f.detail
    assert card.scores["recovery"] < 40


def test_recovery_only_counts_for_an_upset_buyer() -> None:
    calm = [B("Hi.", "small_talk"), R("Hello!", "greeting"), B("We're losing some messages.", "vent"),
            R("Let's fix that: I'll call you at two.", "commitment")]
    assert "recovery" not in score(calm).scores
    assert "recovery" in score(FULL_RECOVERY[:2]).scores


def test_closing_the_loop_needs_a_later_call() -> None:
    one = score(FULL_RECOVERY)
    later = FULL_RECOVERY + [R("Hi, it's Kyle, calling at two like I said; it's fixed.", "reference_prior", "commitment", call=2),
                             B("Great.", "agreement", call=2)]
    two = score(later)
    assert two.scores["recovery"] >= one.scores["recovery"] - 1
    assert any("10 of the 10" in h.note for h in two.highlights)
    assert any("9 of the 9" in h.note for h in one.highlights)
    assert len(RECOVERY_STEPS) == 10


# follow-up
def test_specific_commitment_is_a_highlight_and_vague_one_a_flag() -> None:
    specific = score([B("When?", "question"), R("I'll call you Thursday at ten with the figures.", "commitment")])
    vague = score([B("When?", "question"), R("I'll get back to you on that.", "commitment")])
    assert any(h.rule == "specific_commitment" for h in specific.highlights)
    assert not specific.flags
    assert {"vague_commitment", "no_next_step"} <= set(vague.rules())
    assert specific.scores["follow_up"] > vague.scores["follow_up"]


@pytest.mark.parametrize("text", ["I'll call you by noon tomorrow.", "You'll hear from me in two days.",
                                  "I'll ring you at 3 pm.", "I'll call on the 30th.", "I'll phone you at half past nine.",
                                  "I'll ring you back by three with a fix date."])
def test_times_that_make_a_commitment_specific(text: str) -> None:
    assert not flags([B("When?", "question"), R(text, "commitment")], "vague_commitment")


def test_an_ask_for_the_business_is_a_next_step() -> None:
    assert not flags([B("Sounds good.", "agreement"), R("Shall we book twenty minutes?", "ask_for_business")], "no_next_step")


def test_every_call_of_a_multi_call_record_needs_a_next_step() -> None:
    turns = [R("Hi.", "greeting"), B("Hi.", "small_talk"), R("Bye.", ""),
             R("Hi again, as we discussed on Monday...", "reference_prior", call=2), B("Yes?", call=2),
             R("I'll call you Friday at nine.", "commitment", call=2)]
    assert [f.turn for f in flags(turns, "no_next_step")] == [3]


def early_callback(reference: bool) -> list[Turn]:
    return [R("Shall I call you back in three days?", "commitment", "closed_question", day=0), B("Fine.", "agreement", day=0),
            R("Hi, it's Linda." + (" I know I said three days; I'm early because prices change Friday." if reference else ""),
              "greeting", *(("reference_prior",) if reference else ()), call=2, day=1),
            B("Oh.", "", call=2, day=1), R("Can we go ahead? I'll call you Friday at nine.", "ask_for_business", "commitment", call=2, day=1)]


def test_early_callback_without_a_reference_is_flagged_with_the_timing() -> None:
    [f] = flags(early_callback(False), "unreferenced_callback")
    assert f.turn == 3 and f.severity == 2 and "promised in 3 days, called after 1 day" in f.detail


def test_early_callback_that_says_why_is_a_highlight() -> None:
    card = score(early_callback(True))
    assert not [f for f in card.flags if f.rule in ("unreferenced_callback", "broken_promise")]
    assert any(h.rule == "referenced_prior" for h in card.highlights)
    assert card.scores["follow_up"] > score(early_callback(False)).scores["follow_up"]


def test_late_callback_breaks_the_promise_even_when_referenced() -> None:
    turns = [R("I'll call you back tomorrow at ten.", "commitment", day=0, weekday="monday"), B("Ok.", day=0),
             R("Hi, sorry, I said Tuesday and it's Thursday.", "reference_prior", "apology", call=2, day=3),
             B("Hm.", call=2, day=3), R("I'll call Friday at nine.", "commitment", call=2, day=3)]
    [f] = flags(turns, "broken_promise")
    assert f.severity == 1 and "called after 3 days" in f.detail


def test_weekday_promises_use_the_weekday_of_the_call() -> None:
    kept = [R("I'll call you Thursday at ten.", "commitment", day=0, weekday="monday"), B("Ok.", day=0),
            R("Hi, calling Thursday as agreed.", "reference_prior", call=2, day=3, weekday="thursday"),
            B("Yes.", call=2, day=3), R("Shall we go ahead?", "ask_for_business", call=2, day=3)]
    assert not flags(kept)
    unknown = [R("I'll call you Thursday at ten.", "commitment", day=0), B("Ok.", day=0),
               R("Hi there.", "greeting", call=2, day=1), B("Hi.", call=2, day=1),
               R("Shall we go ahead?", "ask_for_business", call=2, day=1)]
    [f] = flags(unknown, "unreferenced_callback")
    assert f.severity == 1  # timing unknown without the first call's weekday


def test_live_sessions_pass_the_callback_status_in_the_buyer_state() -> None:
    turns = [R("I'll call you in three days.", "commitment"), B("Ok."),
             B("Oh, you're calling already?", "", buyer_state={"commitment": "early", "day": 1}, call=2),
             R("Hi, ready to switch?", "ask_for_business", call=2), B("No.", "rejection", call=2),
             R("I'll call Friday at nine.", "commitment", call=2)]
    [f] = flags(turns, "unreferenced_callback")
    assert f.severity == 2 and "early" in f.detail


def test_leaving_the_follow_up_to_email_is_flagged_unless_a_call_is_promised() -> None:
    email = [B("Where is my status?", "question"), R("I'll email you when I hear something.", "commitment")]
    both = [B("Where is my status?", "question"), R("I'll call you at three and email the notes after.", "commitment")]
    assert flags(email, "email_instead_of_call")
    assert not flags(both, "email_instead_of_call")


# other rules
def test_owning_the_problem_is_not_an_excuse() -> None:
    assert not flags([B("It broke!", "vent"), R("I'm sorry, the certificate lapsed and that's on us.", "apology", "excuse")],
                     "blame_or_excuse")
    assert flags([B("It broke!", "vent"), R("It's not my fault, the server was down.", "excuse")], "blame_or_excuse")


def test_mentioning_phones_is_not_promising_a_call() -> None:
    turns = [B("Can't you just ring them?", "question"),
             R("They don't take phone calls. I'll email you when I hear.", "brush_off", "commitment")]
    assert flags(turns, "email_instead_of_call")


def test_blame_pressure_and_brush_off_are_flagged_on_their_turns() -> None:
    turns = [B("It's broken.", "vent"), R("Works on my end.", "excuse"), B("Really?", "question"),
             R("This price ends today, you'd be crazy to wait.", "pressure"), B("Hm.", "hesitation"),
             R("I'm stepping into a meeting.", "brush_off")]
    by = {f.rule: f.turn for f in flags(turns)}
    assert by["blame_or_excuse"] == 2 and by["pressure_tactic"] == 4 and by["brush_off"] == 6


def test_sour_grapes_only_after_the_buyer_chose_someone_else() -> None:
    lost = [B("We signed with Fieldcore.", "rejection"), R("Well, good luck with that. They overpromise.", "")]
    [f] = flags(lost, "sour_grapes")
    assert "good luck with that" in f.quote
    assert not flags([B("What do you think of Fieldcore?", "question"), R("Good luck with that one, ha.", "")], "sour_grapes")
    gracious = score([B("We signed with Fieldcore.", "rejection"), R("Thanks for telling me; may I check in in June?", "thanks", "ask_for_business")])
    assert any(h.rule == "gracious_loss" for h in gracious.highlights) and not gracious.flags


def test_why_answered_with_a_pitch_is_flagged_and_with_insight_praised() -> None:
    why = B("Why do I need that in real time?", "question")
    assert flags([why, R("Our customers love the dashboards.", "pitch")], "unanswered_why")
    assert not flags([why, R("Because short picks can still be fixed before the afternoon run.", "insight")], "unanswered_why")
    assert flags([why, R("Well it depends, every company is different, it's more efficient.", "insight", "pitch")], "unanswered_why")
    assert not flags([why, R("Good question: what do you do today when a pick is short?", "discovery_question")], "unanswered_why")
    assert not flags([B("Don't you see why it fails on my side?", "vent"), R("I'm sorry, let me look.", "apology")], "unanswered_why")


def test_long_monologue_by_words_and_by_seconds() -> None:
    assert not flags([B("Go on.", ""), R("word " * 80, "pitch")], "long_monologue")
    [f] = flags([B("Go on.", ""), R("word " * 81, "pitch")], "long_monologue")
    assert "81 words" in f.detail
    [f] = flags([B("Go on.", "", start=0, end=2), R("slow words", "pitch", start=2, end=50)], "long_monologue")
    assert "48 seconds" in f.detail


def test_a_critical_flag_caps_overall_and_several_serious_ones_cap_it_lower_than_good() -> None:
    clean = FULL_RECOVERY
    assert score(clean).scores["overall"] >= 75
    excuses = [clean[0]] + [R("Not my fault.", "excuse"), B("Ugh.", "vent")] * 3
    assert score(excuses).scores["overall"] <= 70


# metrics
def test_talk_share_monologue_and_question_counts() -> None:
    turns = [R("one two three", "discovery_question"), B("one two three four five six seven"),
             R("one two three four five six seven eight nine ten", "closed_question"), B("ok")]
    m = score(turns).metrics
    assert m["rep_talk_share"] == round(13 / 21, 3)
    assert m["longest_monologue_words"] == 10
    assert (m["questions"], m["open_questions"], m["closed_questions"]) == (2, 1, 1)
    assert m["rep_turns"] == 2 and m["buyer_turns"] == 2
    assert "words_per_minute" not in m and "rep_talk_share_time" not in m


def test_timed_metrics() -> None:
    turns = [R("a b c d e f g h i j", start=0.0, end=4.0), B("x y", start=4.5, end=6.5),
             R("a b c d e", start=6.0, end=8.0, interrupted=True), B("z", start=8.5, end=14.5)]
    m = score(turns).metrics
    assert m["rep_talk_share_time"] == round(6 / 14, 3)
    assert m["longest_monologue_seconds"] == 4.0
    assert m["words_per_minute"] == round(15 / 6 * 60, 1)
    assert m["interruptions"] == 1  # flagged once, even though it also overlaps
    overlap = [B("x y z", start=0, end=5), R("but", start=3.0, end=4.0)]
    assert score(overlap).metrics["interruptions"] == 1


def test_talk_share_near_43_percent_helps_rapport_and_above_65_hurts() -> None:
    def call(rep_words: int) -> int:
        return score([B("w " * 40, "small_talk"), R("w " * rep_words, "rapport")]).scores["rapport"]
    assert call(30) > call(120)  # 43% beats 75%


# weights and shape
def test_scenario_weights_change_overall_and_unknown_keys_are_ignored() -> None:
    turns = [B("Hi.", ""), R("word " * 120 + "I'll call you at ten tomorrow.", "pitch", "commitment")]
    plain = score(turns)
    rushed = score(turns, {"brevity": 5, "nonsense": 3})
    assert rushed.scores["overall"] < plain.scores["overall"]
    assert rushed.weights["brevity"] == 5 and "nonsense" not in rushed.weights
    assert set(DEFAULT_WEIGHTS) >= {"rapport", "concessions", "handoffs", "discovery", "recovery", "follow_up"}


def test_every_rule_has_a_plain_tip_and_a_better_line() -> None:
    for rule, (tip, better) in TIPS.items():
        assert len(tip) > 30 and len(better) > 20, rule
    for f in score(FULL_RECOVERY[:1] + [R("Works for me.", "excuse", "brush_off", "pressure")]).flags:
        assert f.tip and f.better and f.quote


def test_to_dict_is_json_and_keeps_the_contract_shape() -> None:
    card = score(early_callback(False))
    data = json.loads(json.dumps(card.to_dict()))
    assert set(data) >= {"scores", "flags", "metrics"}
    for f in data["flags"]:
        assert {"rule", "turn", "speaker", "quote", "tip"} <= set(f)
    assert all(isinstance(v, int) and 0 <= v <= 100 for v in data["scores"].values())


def test_empty_and_one_sided_calls() -> None:
    for turns in ([], [B("Hello?", "question")], [R("Hello?", "greeting")]):
        card = score(turns)
        assert all(0 <= v <= 100 for v in card.scores.values())


def test_introducing_yourself_before_acknowledging_is_fine_but_pitching_is_not() -> None:
    vent = B("Finally somebody picks up! Two days with no numbers.", "vent")
    hello = R("Hi Glen, Ana from Brightmail.", "greeting", "reference_prior")
    sorry = R("I'm so sorry, two days without numbers is awful.", "apology", "empathy")
    assert not flags([vent, hello, B("Well?", "question"), sorry], "missed_empathy")
    pitch = R("Hi Glen, Ana from Brightmail, have you seen our new plans?", "greeting", "pitch")
    assert [f.turn for f in flags([vent, pitch, B("What?", "question"), sorry], "missed_empathy")] == [2]


def test_a_plan_pinned_to_a_time_later_in_the_call_is_not_vague() -> None:
    turns = [B("What now?", "question"), R("I'll reset the login and send you the report.", "action_plan", "commitment"),
             B("When?", "question"), R("I'll call you today at three.", "commitment")]
    assert not flags(turns, "vague_commitment")


# speed
def test_a_200_turn_call_scores_well_within_20_ms() -> None:
    import importlib.util
    import statistics
    import time

    spec = importlib.util.spec_from_file_location("bench_scoring", Path(__file__).resolve().parent.parent / "bench" / "scoring.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    turns = bench.record(200, recognizer.recognize)
    assert len(turns) == 200 and len({t.call for t in turns}) > 5
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        score(turns)
        times.append((time.perf_counter() - t0) * 1000)
    assert statistics.median(times) <= 20.0, times
    rows = bench.run(smoke=True)
    assert rows and all(set(r) >= {"bench", "metric", "value", "unit"} for r in rows)
