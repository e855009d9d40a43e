"""Voice: buyers that speak and reps that talk, offline. A shell around the pure core.

Everything works without a network, and nothing crashes without a sound card,
a microphone or a speech engine: each part reports ``(False, why)`` and the
call goes on in text.

Buyer voice (:mod:`simulator.voice.speaker`, :mod:`simulator.voice.tts`)
    ``Speaker(persona_voice)`` — the persona's ``voice:`` mapping from the
    scenario (``voice``, ``rate``, ``volume``, ``pitch``).
    ``.say(text)`` plays at once (never blocks; renders first when needed),
    ``.prefetch(lines)`` renders likely next lines in the background,
    ``.prepare(text)`` renders one line ahead of the rest, ``.stop() -> bool``
    is barge-in (True when the buyer was cut off; counted in ``.interruptions``),
    ``.busy`` / ``.speaking``, ``.wait()``, ``.close()``.
    ``Speaker.available() -> (ok, engine or why)``. Lines are rendered with
    pyttsx3 (espeak-ng program as fallback) into ``SALESIM_HOME/cache/voice/tts``
    and played with pygame.mixer. ``next_lines(scenario, state)`` lists what the
    buyer may say next.

Rep speech (:mod:`simulator.voice.asr`, :mod:`simulator.voice.listener`)
    ``recognize_file(path) -> (text, seconds)`` — offline PocketSphinx with our
    domain language model (:mod:`simulator.voice.lm`); ``hear_file`` returns a
    ``Heard(text, seconds, audio_seconds, engine, speech_start, speech_end)``.
    ``Listener.available() -> (ok, why)``; ``Listener().listen_once()`` (hands
    free) or ``start()`` / ``level()`` / ``stop()`` / ``poll()`` / ``cancel()``
    (push-to-talk). ``Stream`` decodes audio chunk by chunk with end-of-turn
    detection; ``LiveCall(session, speaker)`` runs a spoken call on it.

Window hooks (see ``simulator/window/hooks.py``)
    ``window_listener()`` and ``window_speaker()`` return objects with the
    window's protocol, or None when the part is unavailable (``status()`` says why).

Settings: the ``"voice"`` section of ``SALESIM_HOME/settings.json``
(:mod:`simulator.voice.settings`), including an opt-in online speech engine.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Heard", "LiveCall", "Listener", "Speaker", "Stream", "hear_file", "next_lines", "recognize_file",
    "status", "window_listener", "window_speaker",
]


def __getattr__(name: str) -> Any:  # lazy: importing simulator.voice loads no audio library
    if name in ("Heard", "Stream", "hear_file", "recognize_file"):
        from simulator.voice import asr

        return getattr(asr, name)
    if name == "Speaker":
        from simulator.voice.speaker import Speaker

        return Speaker
    if name == "Listener":
        from simulator.voice.listener import Listener

        return Listener
    if name == "LiveCall":
        from simulator.voice.live import LiveCall

        return LiveCall
    if name == "next_lines":
        from simulator.voice.predict import next_lines

        return next_lines
    raise AttributeError(name)


def status() -> dict[str, tuple[bool, str]]:
    """What works here: ``{"speaker": (ok, engine or why), "listener": (ok, why), "recognizer": (ok, why)}``."""
    from simulator.voice import asr, settings
    from simulator.voice.listener import Listener
    from simulator.voice.speaker import Speaker

    conf = settings.load()
    if not conf.get("buyer_voice", True) or conf.get("tts") == "off":
        speaker = (False, "the buyer's voice is off in settings")
    else:
        speaker = Speaker.available(str(conf.get("tts") or "auto"))
    return {"speaker": speaker, "listener": Listener.available(conf.get("microphone")),
            "recognizer": asr.engine_status()}


class WindowSpeaker:
    """The window's speaker protocol over :class:`Speaker`: ``speak(text, voice)``, ``speaking()``,
    ``stop()`` and ``prepare(session)`` (renders the lines that can come next)."""

    def __init__(self, speaker: Any):
        self.speaker = speaker
        self._voice: dict | None = None

    def speak(self, text: str, voice: Any = None) -> None:
        self._voice = dict(voice) if voice else None
        self.speaker.say(text, self._voice)

    def speaking(self) -> bool:
        return bool(self.speaker.busy)

    def stop(self) -> None:
        self.speaker.stop()

    def prepare(self, session: Any) -> None:
        from simulator.voice.predict import next_lines

        voice = dict(session.scenario.persona.voice or {}) or self._voice
        self.speaker.prefetch(next_lines(session.scenario, session.state), voice)

    def close(self) -> None:
        self.speaker.close()


def window_speaker() -> WindowSpeaker | None:
    """The buyer's voice for the window, or None (with one message on stderr) when it cannot speak."""
    from simulator.voice import settings
    from simulator.voice.speaker import Speaker

    conf = settings.load()
    if not conf.get("buyer_voice", True):
        return None
    sp = Speaker(None, prefer=str(conf.get("tts") or "auto"))
    if not sp.enabled:
        settings.warn_once(sp.reason)
        return None
    return WindowSpeaker(sp)


def window_listener() -> Any:
    """The push-to-talk microphone for the window, or None when there is none (the window says so)."""
    from simulator.voice.listener import Listener

    ok, _why = Listener.available()
    if not ok:
        return None
    listener = Listener()
    from simulator.voice import asr

    import threading

    threading.Thread(target=asr.warm_up, args=(listener.model,), daemon=True).start()
    return listener
