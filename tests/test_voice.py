"""Voice: buyer speech out, rep speech in, audio files as input, delivery metrics.

Audio tests synthesize rep lines with espeak-ng (``require("espeak-ng")``: skipped
locally without it, a failure in CI) and play through SDL's dummy audio driver.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from conftest import require, salesim  # noqa: E402

from simulator import library  # noqa: E402
from simulator.voice import asr, audio, evaluate, lm, predict, settings, text, tts  # noqa: E402


# -- pure pieces -------------------------------------------------------------------------------
def test_words_spell_numbers_times_and_money() -> None:
    assert text.words("Call me at 9:05 tomorrow, the 3rd, about the $1.5k fee") == [
        "call", "me", "at", "nine", "oh", "five", "tomorrow", "the", "third", "about", "the",
        "one", "point", "five", "thousand", "dollars", "fee"]
    assert text.words("We'll cut 20% - it's 35,000 addresses") == [
        "we'll", "cut", "twenty", "percent", "it's", "thirty", "five", "thousand", "addresses"]


def test_word_error_rate() -> None:
    assert text.wer("I will call you", "I will call you") == 0.0
    assert text.wer("I will call you", "I call you back") == 0.5
    assert text.corpus_wer([("a b", "a"), ("c d e f", "c d e f")]) == pytest.approx(1 / 6)


@pytest.mark.parametrize("raw, expected", [
    ("can you walk me through your process", "Can you walk me through your process?"),
    ("so what would it take to switch", "So what would it take to switch?"),
    ("what i'll do is reset your login", "What I'll do is reset your login"),
    ("when you plan your next campaign i'd love to help", "When you plan your next campaign I'd love to help"),
    ("the panel is down since wednesday is that right", "The panel is down since wednesday is that right?"),
    ("okay", "Okay"),
    ("", ""),
])
def test_punctuation_restores_questions_for_the_move_reader(raw: str, expected: str) -> None:
    assert text.punctuate(raw) == expected


def test_pauses_become_sentence_ends_and_commas() -> None:
    got = text.punctuate_timed([("sorry", 0.0), ("about", 0.0), ("that", 0.5), ("what", 0.0), ("happened", 0.0)])
    assert got == "Sorry about that. What happened?"
    assert text.join_turn(["I hear you", "", "can you tell me more"]) == "I hear you. Can you tell me more?"


def _arpa_tables(arpa: str):  # noqa: ANN202
    tables: dict[int, dict[tuple[str, ...], tuple[float, float]]] = {1: {}, 2: {}, 3: {}}
    order = 0
    for line in arpa.splitlines():
        if line.startswith("\\") and line.endswith("-grams:"):
            order = int(line[1])
            continue
        if order and line.strip() and not line.startswith("\\"):
            parts = line.split("\t")
            tables[order][tuple(parts[1].split())] = (float(parts[0]), float(parts[2]) if len(parts) > 2 else 0.0)
    return tables


def _prob(tables, history: tuple[str, ...], word: str) -> float:  # noqa: ANN001
    """p(word | history) from ARPA tables with back-off."""
    key = history + (word,)
    if len(key) > 1 and key in tables[len(key)]:
        return 10 ** tables[len(key)][key][0]
    if not history:
        return 10 ** tables[1][(word,)][0]
    bow = tables[len(history)].get(history, (0.0, 0.0))[1]
    return 10 ** bow * _prob(tables, history[1:], word)


def test_domain_language_model_is_a_proper_distribution() -> None:
    sentences = [s.split() for s in ("i am so sorry about that", "i am calling about your panel",
                                      "so sorry for the wait", "what would it take", "i will call you at three")]
    background = {"hello": 0.5, "panel": 0.3, "zebra": 0.2}
    tables = _arpa_tables(lm.build_arpa(sentences, vocab=["zebra", "hello"], background=background))
    vocab = [w for (w,) in tables[1] if w != "<s>"]
    for history in [(), ("i",), ("<s>", "i"), ("am", "so"), ("the", "zebra"), ("will", "call")]:
        total = sum(_prob(tables, history, w) for w in vocab)
        assert math.isclose(total, 1.0, rel_tol=1e-3), (history, total)
    # the corpus makes its own phrases likely
    assert _prob(tables, ("am", "so"), "sorry") > 0.3
    assert _prob(tables, ("am", "so"), "zebra") < 0.05


def test_unknown_brand_names_get_pronunciations_from_their_parts() -> None:
    prons = {"north": ["N AO R TH"], "wind": ["W IH N D"], "bright": ["B R AY T"], "mail": ["M EY L"]}
    assert lm.compound("northwind", prons) == "N AO R TH W IH N D"
    assert lm.compound("xqzt", prons) is None


def test_next_lines_follow_the_stage_and_skip_used_lines() -> None:
    import dataclasses
    import random

    from simulator import engine

    scn = library.load("angry-customer")
    state, opening = engine.start(scn, random.Random(1))
    lines = predict.next_lines(scn, state)
    allowed = {ln for r in scn.reactions if predict.could_match(r.when, state) for ln in r.lines}
    ruled_out = {ln for r in scn.reactions if not predict.could_match(r.when, state) for ln in r.lines} - allowed
    assert lines and ruled_out and not ruled_out & set(lines)
    assert opening.text not in lines
    later = dataclasses.replace(state, stage=scn.stages[-1])
    assert predict.next_lines(scn, later) != lines
    assert predict.next_lines(scn, dataclasses.replace(state, ended="won")) == []


def test_voice_settings_from_personas_are_clamped() -> None:
    vs = tts.VoiceSettings.from_persona({"voice": "en-us+m3", "rate": "9000", "volume": -2, "pitch": "x"})
    assert (vs.voice, vs.rate, vs.volume, vs.pitch) == ("en-us+m3", 450, 0.0, None)
    assert tts.VoiceSettings.from_persona(None) == tts.VoiceSettings()


def test_broken_settings_file_means_defaults_and_one_warning(capsys: pytest.CaptureFixture) -> None:
    from simulator import paths

    path = paths.home() / "settings.json"
    paths.ensure(path.parent)
    old = path.read_text() if path.exists() else None
    try:
        path.write_text("{not json")
        assert settings.load()["speech_engine"] == "sphinx"
        settings.load()
        assert capsys.readouterr().err.count("ignoring") == 1
        path.write_text(json.dumps({"voice": {"speech_model": "generic", "end_silence": 0.9, "bogus": 1}}))
        conf = settings.load()
        assert conf["speech_model"] == "generic" and conf["end_silence"] == 0.9 and "bogus" not in conf
    finally:
        path.unlink()
        if old is not None:
            path.write_text(old)


# -- buyer voice -----------------------------------------------------------------------------------
def test_speaker_renders_to_the_disk_cache_plays_without_blocking_and_stops() -> None:
    from simulator.voice.speaker import Speaker

    sp = Speaker({"voice": "en-us+m3", "rate": 185, "pitch": 40})
    if not sp.enabled:
        require("espeak-ng")
        pytest.fail(sp.reason)
    try:
        t0 = time.perf_counter()
        sp.say("Finally, somebody picks up the phone.")
        assert time.perf_counter() - t0 < 0.05  # rendering happens on the worker
        assert sp.busy
        deadline = time.monotonic() + 10
        while sp.last_started is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sp.last_started is not None
        cached = list(tts.cache_dir().glob("*.wav"))
        assert cached, "the rendered line is cached on disk"
        assert sp.stop() is True and sp.interruptions == 1  # barge-in cut the buyer off
        assert not sp.busy and sp.stop() is False and sp.interruptions == 1

        lines = ["Go on, I'm listening.", "That is not good enough.", "Fine. What happens next?"]
        sp.prefetch(lines)
        assert sp.idle(20) and all(sp.ready(ln) for ln in lines)
        t0 = time.perf_counter()
        sp.say(lines[1])
        assert sp.last_started is not None and sp.last_started - t0 < 0.05  # a rendered line starts at once
        assert sp.wait(10)
    finally:
        sp.close()


def test_without_pyttsx3_the_espeak_program_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    require("espeak-ng")

    def broken(self) -> None:  # noqa: ANN001
        raise RuntimeError("no driver")

    monkeypatch.setattr(tts._Pyttsx3, "__init__", broken)
    synth = tts.Synthesizer("auto")
    assert synth.engine == "espeak-ng"
    path = synth.synthesize("Fallback voice here.", tts.VoiceSettings(voice="en-us", rate=170))
    clip = audio.read(path)
    assert clip.seconds > 0.5


def test_without_any_synthesizer_the_voice_is_off_with_one_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.voice.speaker import Speaker

    def broken(self) -> None:  # noqa: ANN001
        raise RuntimeError("missing")

    monkeypatch.setattr(tts._Pyttsx3, "__init__", broken)
    monkeypatch.setattr(tts._Espeak, "__init__", broken)
    sp = Speaker({"rate": 170})
    assert not sp.enabled and "no speech synthesizer" in sp.reason
    sp.say("hello")
    sp.prefetch(["a", "b"])
    assert sp.stop() is False and not sp.busy
    sp.close()
    ok, why = Speaker.available()
    assert ok is False and "no speech synthesizer" in why


def test_without_an_audio_device_the_voice_is_off_not_crashed(monkeypatch: pytest.MonkeyPatch) -> None:
    import pygame

    from simulator.voice import speaker as speaker_module

    monkeypatch.setattr(speaker_module, "_MIXER", {})
    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)

    def no_device(*a, **k) -> None:  # noqa: ANN002, ANN003
        raise pygame.error("No available audio device")

    monkeypatch.setattr(pygame.mixer, "init", no_device)
    sp = speaker_module.Speaker({})
    assert not sp.enabled and "no audio output" in sp.reason
    sp.say("anything")
    sp.close()
    speaker_module._MIXER.clear()


def test_window_hooks_follow_the_window_protocol() -> None:
    from simulator import voice
    from simulator.window.hooks import Speaker as SpeakerProtocol
    from simulator.window.hooks import discover

    sp = voice.window_speaker()
    if sp is None:
        require("espeak-ng")
        pytest.fail("no window speaker although a synthesizer exists")
    try:
        assert isinstance(sp, SpeakerProtocol)
        from simulator.session import Session

        session = Session(library.load("angry-customer"), seed=2, recognize=lambda ts: [frozenset()] * len(ts))
        sp.speak(session.turns[0].text, dict(session.scenario.persona.voice))
        assert sp.speaking()
        sp.prepare(session)
        sp.stop()
        assert not sp.speaking()
    finally:
        sp.close()
    listener, speaker, note = discover(False)
    assert speaker is None
    ok, why = voice.Listener.available()
    if not ok:  # no PyAudio or no microphone here: the window offers typing
        assert listener is None and note and why


def test_no_microphone_support_is_reported_once_in_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from simulator.voice import listener as listener_module

    real_import = builtins.__import__

    def no_pyaudio(name, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        if name == "pyaudio":
            raise ImportError("No module named 'pyaudio'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_pyaudio)
    monkeypatch.setattr(listener_module, "_PA", {})
    ok, why = listener_module.Listener.available()
    assert ok is False and "PyAudio" in why and "salesim[mic]" in why
    with pytest.raises(RuntimeError, match="PyAudio"):
        listener_module.Listener().start()
    assert listener_module.Listener().poll() == ""
    listener_module._PA.clear()


# -- timing in the session: delivery metrics -------------------------------------------------------------
def test_spoken_turns_give_timed_delivery_metrics_and_typed_calls_do_not() -> None:
    from simulator.session import Session

    def quiet(texts):  # noqa: ANN001, ANN202
        return [frozenset({"empathy"})] * len(texts)

    scn = library.load("angry-customer")
    spoken = Session(scn, seed=4, recognize=quiet)
    spoken.say("I'm sorry, um, that sounds awful.", seconds=3.0)
    spoken.say("Uh, let me look into it right now for you today.", seconds=4.5)
    m = spoken.scorecard().metrics
    assert m["rep_speaking_seconds"] == 7.5
    assert m["longest_monologue_seconds"] == 4.5
    assert m["words_per_minute"] == pytest.approx(17 / 7.5 * 60, abs=0.2)
    assert 0 < m["rep_talk_share_time"] < 1 and m["filler_words"] == 2
    rep_turns = [t for t in spoken.turns if t.speaker == "rep"]
    assert rep_turns[0].end - rep_turns[0].start == pytest.approx(3.0)
    assert spoken.turns[2].start == pytest.approx(rep_turns[0].end)  # the buyer answers after the rep

    typed = Session(scn, seed=4, recognize=quiet)
    typed.say("I'm sorry, that sounds awful.")
    tm = typed.scorecard().metrics
    assert "words_per_minute" not in tm and "rep_talk_share_time" not in tm


# -- rep speech: needs espeak-ng ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spoken_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("espeak-ng")
    return tmp_path_factory.mktemp("spoken")


def test_recognize_file_hears_a_synthesized_rep_line(spoken_dir: Path) -> None:
    line = "I'm so sorry about the delay, I will call you back today at three."
    wav = evaluate.synthesize(line, spoken_dir)
    said, seconds = asr.recognize_file(wav)
    assert text.wer(line, said) < 0.35, said
    clip = audio.read(wav)
    assert 0.5 * clip.seconds < seconds <= clip.seconds


def test_files_at_other_rates_and_stereo_are_read(spoken_dir: Path, tmp_path: Path) -> None:
    import numpy as np

    clip = audio.read(evaluate.synthesize("Thanks for your patience.", spoken_dir))
    stereo = tmp_path / "stereo44.wav"
    import wave

    x = audio.resample(clip.samples, clip.rate, 44100)
    with wave.open(str(stereo), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(np.repeat(x[:, None], 2, axis=1).astype("<i2").tobytes())
    back = audio.read(stereo)
    assert back.rate == 44100 and abs(back.seconds - clip.seconds) < 0.01
    assert "patience" in asr.hear_file(stereo).text.lower()
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("hello")
    with pytest.raises(ValueError, match="not a readable audio file"):
        audio.read(not_audio)


def test_streaming_finds_the_turn_and_matches_file_decoding(spoken_dir: Path) -> None:
    line = "Can you walk me through how your team handles orders today?"
    clip = audio.read(evaluate.synthesize(line, spoken_dir))
    starts: list[int] = []
    turns = asr.stream_clip(clip, end_silence=0.7, on_start=lambda: starts.append(1))
    assert len(turns) == 1 and starts == [1]
    whole = asr.hear_clip(clip)
    assert text.wer(whole.text, turns[0].text) <= 0.2
    bounds = audio.speech_bounds(clip.at(asr.RATE).samples, asr.RATE)
    assert abs(turns[0].seconds - (bounds[1] - bounds[0])) < 0.4


def test_live_call_answers_at_the_pause_yields_when_the_rep_goes_on_and_counts_barge_in(spoken_dir: Path) -> None:
    import numpy as np

    from simulator.session import Session
    from simulator.voice.live import LiveCall
    from simulator.voice.speaker import Speaker

    scn = library.load("angry-customer")
    session = Session(scn, seed=5)
    sp = Speaker(dict(scn.persona.voice))
    assert sp.enabled, sp.reason
    try:
        call = LiveCall(session, sp)
        first = audio.read(evaluate.synthesize("I am so sorry about all this.", spoken_dir)).at(asr.RATE)
        more = audio.read(evaluate.synthesize("What exactly do you see on the screen?", spoken_dir)).at(asr.RATE)
        gap = np.zeros(int(0.15 * asr.RATE), dtype=np.int16)  # with the voice's own trailing quiet: a pause of ~0.45 s
        pcm = audio.Clip(np.concatenate([first.samples, gap, more.samples]), asr.RATE).pcm()
        tail = b"\0\0" * int(1.5 * asr.RATE)
        step = int(0.03 * asr.RATE) * 2
        exchanges = [ex for i in range(0, len(pcm + tail), step) if (ex := call.feed((pcm + tail)[i:i + step]))]
        assert len(exchanges) == 1, [e.rep.text for e in exchanges]
        ex = exchanges[0]
        assert call.yielded >= 1  # the buyer began at the pause and gave the floor back
        assert "sorry" in ex.rep.text.lower() and "screen" in ex.rep.text.lower()
        assert ex.rep.seconds and ex.rep.seconds > first.seconds
        assert sp.last_line == ex.buyer.text and not ex.rep.interrupted
        # the rep talks over the buyer's answer: barge-in, and the next turn is an interruption
        assert sp.busy
        again = audio.read(evaluate.synthesize("Let me stop you there.", spoken_dir)).at(asr.RATE).pcm() + tail
        later = [ex for i in range(0, len(again), step) if (ex := call.feed(again[i:i + step]))]
        if not session.ended and later:
            assert later[0].rep.interrupted
        assert sp.interruptions >= 1
    finally:
        sp.close()


def test_spoken_test_set_moves_match_and_domain_model_beats_generic(spoken_dir: Path) -> None:
    rows = evaluate.test_set()
    assert len(rows) >= 50
    wavs = [evaluate.synthesize(t, spoken_dir) for t, _ in rows]
    domain = evaluate.evaluate(rows, wavs, "domain")
    assert domain.match_rate >= 0.75, domain.match_rate  # the benchmark reports it against the 80% target
    subset = slice(0, 20)
    generic = evaluate.evaluate(rows[subset], wavs[subset], "generic", adapt_on=0)
    plain_domain = evaluate.evaluate(rows[subset], wavs[subset], "domain", adapt_on=0)
    assert plain_domain.wer < generic.wer, (plain_domain.wer, generic.wer)
    assert domain.wer < 0.3


# -- the command line ----------------------------------------------------------------------------------
def test_classify_audio_prints_text_moves_and_seconds(spoken_dir: Path) -> None:
    wav = evaluate.synthesize("I'm really sorry, that must be so frustrating.", spoken_dir)
    res = salesim("classify", "--audio", str(wav), "--json")
    assert res.returncode == 0, res.stderr
    row = json.loads(res.stdout)
    assert set(row) >= {"file", "text", "moves", "seconds"}
    assert "sorry" in row["text"].lower() and "apology" in row["moves"]
    two = salesim("classify", "--audio", str(wav), str(wav))
    assert two.returncode == 0 and len(two.stdout.strip().splitlines()) == 2


def test_classify_audio_user_errors_are_one_line(tmp_path: Path) -> None:
    res = salesim("classify", "--audio", str(tmp_path / "missing.wav"))
    assert res.returncode == 1 and "no such file" in res.stderr and "Traceback" not in res.stderr
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF0000WAVEnope")
    res = salesim("classify", "--audio", str(bad))
    assert res.returncode == 1 and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert salesim("classify", "--audio").returncode == 2


def test_play_audio_script_passes_real_durations_to_the_scorecard(spoken_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "call"
    folder.mkdir()
    lines = ["I'm so sorry you've been waiting, that must be really frustrating.",
             "Thank you for calling me about this.",
             "I will call you back today at three with the results."]
    for i, line in enumerate(lines, 1):
        shutil.copy(evaluate.synthesize(line, spoken_dir), folder / f"{i}.wav")
    shutil.copy(evaluate.synthesize("Okay.", spoken_dir), folder / "10.wav")  # sorts after 3 by number
    res = salesim("play", "angry-customer", "--audio-script", str(folder), "--json", "--no-log", "--seed", "3")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    reps = [t for t in out["turns"] if t["speaker"] == "rep"]
    assert len(reps) >= 3 and "sorry" in reps[0]["text"].lower()
    m = out["metrics"]
    for key in ("rep_speaking_seconds", "words_per_minute", "longest_monologue_seconds", "rep_talk_share_time"):
        assert key in m, m
    assert 60 < m["words_per_minute"] < 260 and 1.0 < m["longest_monologue_seconds"] < 8

    empty = tmp_path / "empty"
    empty.mkdir()
    res = salesim("play", "angry-customer", "--audio-script", str(empty), "--no-log")
    assert res.returncode == 1 and "no WAV files" in res.stderr and "Traceback" not in res.stderr


def test_bench_latency_runs_in_real_time(spoken_dir: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        import voice as bench_voice  # noqa: PLC0415
    finally:
        sys.path.pop(0)
    rows = evaluate.test_set()[:2]
    got = bench_voice.latency([evaluate.synthesize(t, spoken_dir) for t, _ in rows])
    assert got["turns"] == 2 and len(got["latency_ms"]) == 2
    assert all(0 < ms < 1500 for ms in got["latency_ms"]), got  # the benchmark holds it to 300 ms


# -- the audio device vanishing mid-call: the voice goes quiet, typing goes on --------------------------
def test_audio_output_vanishing_mid_call_turns_the_voice_off_once(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture) -> None:
    import pygame

    from simulator.session import Session
    from simulator.voice import settings
    from simulator.voice.speaker import Speaker

    sp = Speaker({"rate": 190})
    if not sp.enabled:
        require("espeak-ng")
        pytest.fail(sp.reason)
    session = Session(library.load("angry-customer"), seed=3, recognize=lambda ts: [frozenset({"apology"})] * len(ts))
    try:
        sp.say(session.turns[0].text)
        assert sp.wait(20) and sp.last_line == session.turns[0].text

        class Unplugged:
            def __init__(self, path: str) -> None:
                pass

            def play(self) -> None:
                raise pygame.error("Audio device has been removed")

        monkeypatch.setattr(pygame.mixer, "Sound", Unplugged)
        monkeypatch.setattr(settings, "_warned", set())
        answer = session.say("I'm so sorry about this.").buyer.text
        sp.say(answer)
        deadline = time.monotonic() + 20
        while sp.enabled and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not sp.enabled and "audio output went away" in sp.reason
        assert not sp.busy and sp.stop() is False
        sp.say(session.say("Let me fix it now.").buyer.text)  # the call goes on, silently
        assert len(session.turns) == 5
        assert capsys.readouterr().err.count("audio output went away") == 1
    finally:
        sp.close()


def test_microphone_vanishing_mid_call_in_the_console_leaves_typing(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from simulator import console as text_console
    from simulator.session import Session
    from simulator.voice.shell import ConsoleVoice

    class Unplugged:
        model, answer_after, end_silence = "domain", 0.25, 0.7

        def converse(self, call, timeout=8.0):  # noqa: ANN001, ANN202
            raise OSError(-9988, "Stream closed")

    session = Session(library.load("angry-customer"), seed=3, recognize=lambda ts: [frozenset({"apology"})] * len(ts))
    out = io.StringIO()
    con = Console(file=out, width=100)
    voice = ConsoleVoice(session, con, speak=False, listen=False)
    voice.listener = Unplugged()
    monkeypatch.setattr("simulator.voice.live.LiveCall", lambda *a, **k: type("Call", (), {"interrupted": False})())
    typed = iter(["", "I'm sorry, let me sort this out.", "/end"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    text_console.run(session, read=voice.read, console=con)
    shown = out.getvalue()
    assert "microphone stopped" in shown.lower() and "type instead" in shown.lower()
    assert voice.listener is None
    rep = [t.text for t in session.turns if t.speaker == "rep"]
    assert rep == ["I'm sorry, let me sort this out."] and session.ended


def test_an_online_engine_without_network_falls_back_offline_and_says_so_once(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import socket

    import numpy as np

    def no_network(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise OSError("network is unreachable")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(settings, "_warned", set())
    clip = audio.Clip(np.zeros(16000, dtype=np.int16), 16000)
    assert settings.recognize_online("google", clip) is None
    assert settings.recognize_online("google", clip) is None
    assert settings.recognize_online("no_such_engine", clip) is None
    err = capsys.readouterr().err
    assert err.count("speech engine 'google' failed") == 1 and "unknown speech engine 'no_such_engine'" in err


def test_a_microphone_at_its_own_rate_is_heard_and_closed(spoken_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from simulator.voice import listener as listener_module

    line = "I'm so sorry about the delay, I will call you back today at three."
    clip = audio.read(evaluate.synthesize(line, spoken_dir))
    rate = 44100
    pcm = np.concatenate([audio.resample(clip.samples, clip.rate, rate).astype("<i2"),
                          np.zeros(2 * rate, dtype="<i2")]).tobytes()

    class Mic:  # a 44.1 kHz device, as many are
        closed = False

        def __init__(self) -> None:
            self.at = 0

        def read(self, frames: int, exception_on_overflow: bool = True) -> bytes:
            chunk = pcm[self.at:self.at + 2 * frames].ljust(2 * frames, b"\0")
            self.at += 2 * frames
            return chunk

        def stop_stream(self) -> None:
            pass

        def close(self) -> None:
            Mic.closed = True

    monkeypatch.setattr(listener_module.Listener, "available", staticmethod(lambda device=None: (True, "")))
    monkeypatch.setattr(listener_module.Listener, "_open", lambda self: (Mic(), rate))
    heard = listener_module.Listener(model="domain").listen_once(timeout=5.0)
    assert heard is not None and text.wer(line, heard.text) < 0.35, heard
    assert 0.5 * clip.seconds < heard.seconds <= clip.seconds + 0.1
    assert Mic.closed
