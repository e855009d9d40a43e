"""Voice for the command line: ``classify --audio``, ``play --audio-script`` and the console's voice.

``play SCENARIO --audio-script DIR`` plays a call from a folder of recordings:
each WAV file, in name order (numbers in names sort as numbers), is one rep
turn; its speech is recognised offline and its real speaking time is passed to
``Session.say(text, seconds=...)``, so the scorecard gets delivery metrics by
time (speaking time, words per minute, longest monologue in seconds, talk share
by time). A ``.txt`` file in the folder adds typed turns or ``@callback`` lines
(the ``--script`` format) at its place in the order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Sequence

from rich.markup import escape

AUDIO_SUFFIXES = (".wav", ".wave", ".aif", ".aiff", ".flac")


def _natural(path: Path) -> list:
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", path.name)]


def script_files(folder: Path | str) -> list[Path]:
    """The audio (and ``.txt``) files of an audio script, in name order. Raises ValueError when there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder of recordings")
    files = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES + (".txt",)),
                   key=_natural)
    if not any(p.suffix.lower() in AUDIO_SUFFIXES for p in files):
        raise ValueError(f"{folder}: no WAV files found")
    return files


def check_audio_script(folder: Path | str) -> None:
    """Raise ValueError (one line for the user) unless ``folder`` can be played as an audio script."""
    script_files(folder)
    _recognizer_ready()


def _recognizer_ready() -> None:
    from simulator.voice import asr

    ok, why = asr.engine_status()
    if not ok:
        raise ValueError(why)


def play_audio_script(session, folder: Path | str, speaker=None,  # noqa: ANN001
                      note: Callable[[str], None] | None = None, model: str = "domain") -> list[dict]:
    """Play the recordings in ``folder`` as the rep's turns; the rep hangs up at the end.

    Returns one record per file: ``{"file", "text", "seconds"}``. Files with no
    speech are skipped (``note`` is told). With a ``speaker``, the buyer's
    lines are spoken and awaited.
    """
    from simulator import script as rep_script
    from simulator.voice import asr

    files = script_files(folder)
    _recognizer_ready()
    heard: list[dict] = []

    def speak(text: str) -> None:
        if speaker is not None and text:
            speaker.say(text)
            speaker.wait(60)

    speak(session.turns[-1].text)
    for path in files:
        if session.ended:
            break
        if path.suffix.lower() == ".txt":
            for kind, value in rep_script.steps(path.read_text(encoding="utf-8", errors="replace").splitlines()):
                if session.ended:
                    break
                if kind == "callback":
                    if session.state.call < session.scenario.calls:
                        speak(session.callback(value).text)
                elif not session.between_calls:
                    speak(session.say(str(value)).buyer.text)
            continue
        h = asr.hear_file(path, model)
        heard.append({"file": path.name, "text": h.text, "seconds": h.seconds})
        if not h.text:
            if note is not None:
                note(f"{path.name}: no speech recognised; skipped")
            continue
        if session.between_calls:
            if note is not None:
                note(f"{path.name}: the buyer has hung up; add a .txt file with @callback to call back")
            continue
        ex = session.say(h.text, seconds=h.seconds)
        speak(ex.buyer.text)
    if not session.ended:
        last = session.hang_up()
        if last is not None:
            speak(last.text)
    return heard


def classify_audio(paths: Sequence[str | Path], model: str = "domain") -> list[dict[str, Any]]:
    """Recognise each file offline, then read its moves: ``{"file", "text", "moves", "seconds", "engine"}``.

    Raises ValueError (a user problem, one line) for missing or unreadable files.
    """
    from simulator import recognizer
    from simulator.moves import sort_moves
    from simulator.voice import asr

    for p in paths:
        if not Path(p).is_file():
            raise ValueError(f"{p}: no such file")
    _recognizer_ready()
    heard = [asr.hear_file(p, model) for p in paths]
    moves = recognizer.get("rep").predict([h.text for h in heard])
    return [{"file": str(p), "text": h.text, "moves": list(sort_moves(m)), "seconds": h.seconds,
             "audio_seconds": h.audio_seconds, "engine": h.engine}
            for p, h, m in zip(paths, heard, moves)]


def buyer_speaker(session):  # noqa: ANN001, ANN201
    """The buyer's voice for this call, or None after saying once (on stderr) why there is none."""
    from simulator.voice import settings
    from simulator.voice.speaker import Speaker

    sp = Speaker(dict(session.scenario.persona.voice or {}))
    if sp.enabled:
        return sp
    settings.warn_once(sp.reason)
    return None


class ConsoleVoice:
    """The text console's voice, through its ``read`` hook (``console.run(session, read=...)``).

    Before each prompt the buyer's newest line is spoken and the lines that can
    come next are rendered. With a microphone, pressing Enter on an empty line
    listens for one spoken turn, which is recorded with its real duration and
    the buyer's answer printed, as if it had been typed.
    """

    def __init__(self, session, console, speak: bool = True, listen: bool = True):  # noqa: ANN001
        from simulator.voice.listener import Listener

        self.session, self.console = session, console
        self.speaker = buyer_speaker(session) if speak else None
        self.listener = None
        if listen:
            ok, why = Listener.available()
            if ok:
                self.listener = Listener()
                console.print("[dim]Press Enter on an empty line to speak; type to type.[/]")
            else:
                console.print(f"[dim]{escape(why[0].upper() + why[1:])}: type your turns.[/]")
        self._spoken = -1
        self.call = None

    def read(self, prompt: str) -> str:
        from simulator.voice.predict import next_lines

        s = self.session
        if self.speaker is not None and s.turns and len(s.turns) - 1 != self._spoken and s.turns[-1].speaker == "buyer":
            self._spoken = len(s.turns) - 1
            self.speaker.say(s.turns[-1].text)
            self.speaker.prefetch(next_lines(s.scenario, s.state))
        line = input(prompt)
        interrupted = self.speaker.stop() if self.speaker is not None else False
        if line.strip() or self.listener is None or s.ended or s.between_calls:
            return line
        return self._listen(interrupted)

    def _listen(self, interrupted: bool) -> str:
        from rich.text import Text

        from simulator import console as text_console
        from simulator.voice import asr
        from simulator.voice.live import LiveCall

        if self.call is None:
            self.call = LiveCall(self.session, self.speaker, model=self.listener.model,
                                 answer_after=self.listener.answer_after, commit_after=self.listener.end_silence,
                                 adapt=asr.Adaptation(self.listener.model))
        self.call.interrupted = self.call.interrupted or interrupted
        self.console.print("[dim]Listening\u2026[/]")
        try:
            ex = self.listener.converse(self.call, timeout=8.0)
        except Exception as exc:  # noqa: BLE001 - the microphone went away: type instead
            self.console.print(f"[yellow]The microphone stopped ({escape(str(exc))}); type instead.[/]")
            self.listener = None
            return ""
        if ex is None:
            self.console.print("[dim]Didn't catch that: try again, or type it.[/]")
            return ""
        self._spoken = len(self.session.turns) - 1  # the call already started saying the answer
        name = self.session.scenario.persona.name
        secs = ex.rep.seconds
        self.console.print(Text.assemble(("  you said: ", "dim"), ex.rep.text, (f"  ({secs:.1f} s)" if secs else "", "dim")))
        self.console.print(Text.assemble(("  heard: ", "dim"), (", ".join(ex.rep.moves) or "no clear move", "dim italic")))
        self.console.print(Text.assemble((f"{name}: ", "bold cyan"), ex.buyer.text))
        self.console.print(text_console.meter_line(self.session, self.session.extras[-1].get("deltas")))
        if self.session.between_calls:
            self.console.print("[dim]This call is over. Type /callback to call again later, or /end.[/]")
        return ""

    def close(self) -> None:
        if self.speaker is not None:
            self.speaker.close()
