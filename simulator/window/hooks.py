"""The window's voice hook: an optional listener (push-to-talk) and speaker (buyer voice).

The window never records or synthesises audio itself. It calls two small
objects, both optional and both expected to return at once (audio work runs in
their own threads):

``Listener`` (the rep's microphone)
    ``start()`` when push-to-talk is pressed, ``level()`` 0..1 for the input
    meter while held, ``stop()`` on release, then ``poll()`` each frame until it
    returns what was heard: a string, or an object with ``text`` and optional
    ``seconds`` (real speaking time). ``poll()`` returns None while still
    recognising and ``""`` when nothing was understood. ``cancel()`` drops a
    recording.

``Speaker`` (the buyer's voice)
    ``speak(text, voice)`` with the persona's voice settings, ``speaking()``
    and ``stop()`` (barge-in). Optional ``prepare(session)`` after each turn to
    render likely next lines ahead.

:func:`discover` asks :mod:`simulator.voice` for them when that module provides
``window_listener()`` / ``window_speaker()``; anything missing or failing means
"no microphone: type instead", never a crash.

>>> class Quiet:
...     def start(self): pass
...     def level(self): return 0.0
...     def stop(self): pass
...     def poll(self): return "hello there"
>>> heard(Quiet().poll())
('hello there', None)
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Listener(Protocol):
    def start(self) -> None: ...
    def level(self) -> float: ...
    def stop(self) -> None: ...
    def poll(self) -> Any: ...


@runtime_checkable
class Speaker(Protocol):
    def speak(self, text: str, voice: Any) -> None: ...
    def speaking(self) -> bool: ...
    def stop(self) -> None: ...


NO_MIC = "No microphone: type instead"


def heard(result: Any) -> tuple[str, float | None] | None:
    """Normalise a listener's ``poll()`` result to ``(text, seconds)``; None while waiting."""
    if result is None:
        return None
    if isinstance(result, str):
        return result.strip(), None
    text = getattr(result, "text", "") or ""
    seconds = getattr(result, "seconds", None)
    return str(text).strip(), (float(seconds) if seconds is not None else None)


def discover(voice: bool | None = None) -> tuple[Listener | None, Speaker | None, str]:
    """The microphone listener and buyer speaker from :mod:`simulator.voice`, if available.

    ``voice`` False turns the buyer's voice off (``--no-voice``); the microphone
    is still offered. Returns ``(listener, speaker, note)``; ``note`` explains a
    missing microphone.
    """
    try:
        from simulator import voice as module  # noqa: PLC0415 - optional, written separately
    except Exception:  # noqa: BLE001 - no voice support in this install
        return None, None, NO_MIC
    listener = speaker = None
    note = NO_MIC
    make = getattr(module, "window_listener", None)
    if callable(make):
        try:
            listener = make()
        except Exception:  # noqa: BLE001
            listener = None
    if listener is not None:
        note = ""
    make = getattr(module, "window_speaker", None)
    if voice is not False and callable(make):
        try:
            speaker = make()
        except Exception:  # noqa: BLE001
            speaker = None
    return listener, speaker, note
