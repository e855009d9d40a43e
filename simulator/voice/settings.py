"""Voice settings: the ``"voice"`` section of ``SALESIM_HOME/settings.json``.

Everything is optional; a missing or unreadable file means the defaults, which
are fully offline::

    {"voice": {
        "speech_engine": "sphinx",        # or an online engine SpeechRecognition supports:
                                          # "google", "google_cloud", "wit", "azure", "houndify",
                                          # "ibm", "whisper_api", "groq", "openai", ...
        "engine_options": {},             # keyword arguments for recognize_<engine>, e.g. {"key": "..."}
        "speech_model": "domain",         # offline model: "domain" or "generic"
        "answer_after": 0.25,             # seconds of quiet after which the buyer starts answering
        "end_silence": 0.7,               # seconds of quiet that end the rep's turn for good
        "tts": "auto",                    # "auto" (pyttsx3, else espeak-ng), "pyttsx3", "espeak-ng" or "off"
        "buyer_voice": true,              # speak buyer lines aloud
        "microphone": null                # a device index, or null for the default
    }}

An online engine sends the rep's audio to that service; salesim never does so
unless it is chosen here. When it fails (no network, bad key), the turn is
recognised offline and the problem is reported once.

>>> defaults()["speech_engine"]
'sphinx'
"""

from __future__ import annotations

import json
import sys
from typing import Any

DEFAULTS: dict[str, Any] = {
    "speech_engine": "sphinx",
    "engine_options": {},
    "speech_model": "domain",
    "answer_after": 0.25,
    "end_silence": 0.7,
    "tts": "auto",
    "buyer_voice": True,
    "microphone": None,
}

_warned: set[str] = set()


def warn_once(message: str) -> None:
    """Print ``message`` to stderr the first time only (per process)."""
    if message not in _warned:
        _warned.add(message)
        print(f"salesim: {message}", file=sys.stderr)


def defaults() -> dict[str, Any]:
    return dict(DEFAULTS)


def load() -> dict[str, Any]:
    """The voice settings merged over the defaults; bad files give the defaults with one warning."""
    from simulator import paths

    path = paths.home() / "settings.json"
    out = defaults()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return out
    except (OSError, ValueError) as exc:
        warn_once(f"ignoring {path}: {exc}")
        return out
    section = raw.get("voice") if isinstance(raw, dict) else None
    if isinstance(section, dict):
        for key, value in section.items():
            if key in DEFAULTS:
                out[key] = value
    return out


def engine() -> str:
    return str(load().get("speech_engine") or "sphinx")


def recognize_online(name: str, clip) -> str | None:  # noqa: ANN001 - an audio.Clip at 16 kHz
    """Recognise with SpeechRecognition's ``recognize_<name>``; None (after one warning) on failure."""
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import speech_recognition as sr

        fn = getattr(sr.Recognizer(), f"recognize_{name}", None)
        if fn is None:
            warn_once(f"unknown speech engine {name!r} in settings; using the offline recogniser")
            return None
        data = sr.AudioData(clip.pcm(), clip.rate, 2)
        options = load().get("engine_options") or {}
        result = fn(data, **options)
        return result if isinstance(result, str) else str(result)
    except Exception as exc:  # noqa: BLE001 - network, keys, quotas: fall back offline
        if type(exc).__name__ == "UnknownValueError":
            return ""
        warn_once(f"speech engine {name!r} failed ({type(exc).__name__}: {exc}); using the offline recogniser")
        return None
