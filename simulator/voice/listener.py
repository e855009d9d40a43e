"""The rep's microphone: PyAudio in, streaming recognition out.

PyAudio (the ``mic`` extra: ``pip install 'salesim[mic]'``) is optional. When
it, PortAudio, an input device or the recogniser is missing,
:meth:`Listener.available` says so in one sentence and the rep types instead.

Two ways to use it:

* push-to-talk (the window): :meth:`start` on press, :meth:`level` for the
  input meter, :meth:`stop` on release, then :meth:`poll` until it returns a
  :class:`~simulator.voice.asr.Heard` (``""`` when nothing was understood);
* hands-free (the console): :meth:`listen_once` blocks until the rep has said
  one turn (it ends after ``end_silence`` seconds of quiet) and returns it.

Audio is decoded while it is captured, so the text is ready a few
milliseconds after the rep stops.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from simulator.voice import asr
from simulator.voice.asr import Heard

CHUNK_SECONDS = 0.03


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """PortAudio's ALSA probing prints pages of warnings on Linux; hide them while it starts."""
    try:
        fd = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(fd, 2)
        os.close(fd)


_PA: dict = {}
_PA_LOCK = threading.Lock()


def _pyaudio():
    """The PyAudio instance (created once), or raises RuntimeError with the reason."""
    with _PA_LOCK:
        if "pa" in _PA:
            return _PA["pa"]
        if "why" in _PA:
            raise RuntimeError(_PA["why"])
        try:
            import pyaudio
        except ImportError:
            _PA["why"] = "no microphone support: PyAudio is not installed (pip install 'salesim[mic]')"
            raise RuntimeError(_PA["why"]) from None
        try:
            with _quiet_stderr():
                pa = pyaudio.PyAudio()
        except Exception as exc:  # noqa: BLE001 - PortAudio missing or broken
            _PA["why"] = f"no microphone: PortAudio did not start ({exc})"
            raise RuntimeError(_PA["why"]) from None
        _PA["pa"] = pa
        return pa


def microphone_status(device: int | None = None) -> tuple[bool, str]:
    """(True, device name) when an input device exists, else (False, why)."""
    try:
        pa = _pyaudio()
    except RuntimeError as exc:
        return False, str(exc)
    try:
        info = pa.get_device_info_by_index(device) if device is not None else pa.get_default_input_device_info()
        if int(info.get("maxInputChannels", 0)) < 1:
            return False, f"no microphone: {info.get('name', 'the device')} has no input"
        return True, str(info.get("name", "microphone"))
    except Exception:  # noqa: BLE001 - IOError "no default input device"
        return False, "no microphone found"


class Listener:
    """The rep's microphone and the offline recogniser.

    >>> ok, why = Listener.available()
    >>> isinstance(ok, bool) and isinstance(why, str)
    True
    """

    def __init__(self, model: str | None = None, device: int | None = None, end_silence: float | None = None):
        from simulator.voice import settings

        conf = settings.load()
        self.model = model or str(conf.get("speech_model") or "domain")
        self.device = device if device is not None else conf.get("microphone")
        self.end_silence = float(end_silence if end_silence is not None else conf.get("end_silence") or 0.7)
        self.answer_after = float(conf.get("answer_after") or 0.25)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._result: Heard | str | None = None
        self._stream: asr.Stream | None = None
        self._level = 0.0
        self.error: str | None = None

    @staticmethod
    def available(device: int | None = None) -> tuple[bool, str]:
        """(True, "") when a microphone and the recogniser work here, else (False, why)."""
        ok, why = asr.engine_status()
        if not ok:
            return False, why
        ok, what = microphone_status(device)
        return (True, "") if ok else (False, what)

    # -- capture ---------------------------------------------------------------------
    def _open(self):  # noqa: ANN202
        import pyaudio

        pa = _pyaudio()
        rate = asr.RATE
        kw = {"format": pyaudio.paInt16, "channels": 1, "input": True,
              "input_device_index": self.device}
        try:
            stream = pa.open(rate=rate, frames_per_buffer=int(rate * CHUNK_SECONDS), **kw)
        except Exception:  # noqa: BLE001 - the device does not do 16 kHz: take its own rate
            info = pa.get_device_info_by_index(self.device) if self.device is not None else pa.get_default_input_device_info()
            rate = int(info.get("defaultSampleRate", 44100))
            stream = pa.open(rate=rate, frames_per_buffer=int(rate * CHUNK_SECONDS), **kw)
        return stream, rate

    def _chunks(self, until: Callable[[], bool]) -> Iterator[bytes]:
        """Microphone audio as 16 kHz 16-bit mono chunks until ``until()``; the device is closed after."""
        import numpy as np

        from simulator.voice import audio

        mic, rate = self._open()
        n = int(rate * CHUNK_SECONDS)
        try:
            while not until():
                data = mic.read(n, exception_on_overflow=False)
                if rate != asr.RATE:
                    data = audio.resample(np.frombuffer(data, dtype="<i2"), rate, asr.RATE).astype("<i2").tobytes()
                yield data
        finally:
            try:
                mic.stop_stream()
                mic.close()
            except Exception:  # noqa: BLE001
                pass

    def _capture(self, stream: asr.Stream, until: Callable[[], bool], timeout: float | None,
                 hands_free: bool) -> Heard | None:
        started = time.monotonic()
        chunks = self._chunks(until)
        try:
            for data in chunks:
                heard = stream.feed(data)
                self._level = stream.level
                if heard is not None and hands_free:
                    return heard
                if hands_free and timeout is not None and not stream.in_speech and time.monotonic() - started > timeout:
                    return None
        finally:
            chunks.close()
        return stream.finish()

    # -- push-to-talk ------------------------------------------------------------------
    def start(self) -> None:
        """Start recording (push-to-talk pressed). Raises RuntimeError without a microphone."""
        ok, why = self.available(self.device)
        if not ok:
            raise RuntimeError(why)
        self.cancel()
        self._stop.clear()
        self._result = None
        self._level = 0.0
        self._stream = asr.Stream(self.model, end_silence=3600.0)

        def run() -> None:
            try:
                heard = self._capture(self._stream, self._stop.is_set, None, hands_free=False)  # type: ignore[arg-type]
                heard = self._online(heard, self._stream)
                self._result = heard if heard is not None and heard.text else ""
            except Exception as exc:  # noqa: BLE001 - a lost device: nothing heard, say why
                self.error = str(exc) or type(exc).__name__  # the shell says "the microphone stopped"
                self._result = ""

        self._thread = threading.Thread(target=run, name="salesim-mic", daemon=True)
        self._thread.start()

    def level(self) -> float:
        """0..1 input level while recording."""
        return self._level

    def stop(self) -> None:
        """Stop recording (push-to-talk released); :meth:`poll` gives the text soon after."""
        self._stop.set()

    def poll(self) -> Heard | str | None:
        """None while recording or recognising; then a Heard, or "" when nothing was understood.

        Raises RuntimeError (with the reason) when the microphone went away during the recording.
        """
        if self._thread is not None and self._thread.is_alive():
            return None
        if self.error:
            self._thread, self._result = None, None
            error, self.error = self.error, None
            raise RuntimeError(error)
        result, self._result = self._result, None
        self._thread = None
        return result if result is not None else ""

    def cancel(self) -> None:
        """Drop the recording in progress."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._thread = None
        self._result = None

    # -- hands-free ---------------------------------------------------------------------
    def converse(self, call, timeout: float = 10.0):  # noqa: ANN001, ANN201
        """Hands-free, fastest: feed the microphone into a :class:`~simulator.voice.live.LiveCall`
        until it commits one rep turn (the buyer starts answering at the first pause);
        returns the Exchange, or None when nobody spoke within ``timeout`` seconds."""
        ok, why = self.available(self.device)
        if not ok:
            raise RuntimeError(why)
        started = time.monotonic()
        self._stop.clear()
        chunks = self._chunks(self._stop.is_set)
        try:
            for data in chunks:
                ex = call.feed(data)
                self._level = call.stream.level
                if ex is not None:
                    return ex
                idle = not call.stream.in_speech and call.pending is None
                if idle and time.monotonic() - started > timeout:
                    return None
        finally:
            chunks.close()
        return call.finish()

    def listen_once(self, timeout: float = 10.0, phrase_limit: float = 30.0,
                    on_start: Callable[[], None] | None = None) -> Heard | None:
        """Block until the rep has said one turn; None when nobody spoke within ``timeout`` seconds."""
        ok, why = self.available(self.device)
        if not ok:
            raise RuntimeError(why)
        stream = asr.Stream(self.model, end_silence=self.end_silence, on_start=on_start, max_seconds=phrase_limit)
        self._stop.clear()
        heard = self._online(self._capture(stream, self._stop.is_set, timeout, hands_free=True), stream)
        return heard if heard is not None and heard.text else None

    @staticmethod
    def _online(heard: Heard | None, stream: asr.Stream) -> Heard | None:
        """With an online engine chosen in settings, the whole turn is recognised by it instead."""
        from dataclasses import replace

        from simulator.voice import audio, settings
        from simulator.voice.text import punctuate

        choice = settings.engine()
        if heard is None or choice == "sphinx" or not stream.last_audio:
            return heard
        import numpy as np

        clip = audio.Clip(np.frombuffer(stream.last_audio, dtype="<i2"), asr.RATE)
        text = settings.recognize_online(choice, clip)
        return heard if text is None else replace(heard, text=punctuate(text), engine=choice)
