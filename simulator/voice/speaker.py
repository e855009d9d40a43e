"""The buyer's voice: lines rendered ahead on a worker thread, played through pygame.mixer.

Nothing here blocks the caller: :meth:`Speaker.say` starts playback at once
when the line is ready (in memory or in the disk cache) and otherwise hands it
to the worker, which synthesizes it and plays it as soon as it exists.
:meth:`Speaker.prefetch` queues the lines that may come next (see
:mod:`simulator.voice.predict`); the worker renders them while the rep talks.
:meth:`Speaker.stop` is barge-in: playback stops and it reports whether the
buyer was cut off.

Without an audio device (or with ``SDL_AUDIODRIVER=dummy``) nothing crashes:
lines are still rendered and "played" on the dummy device, or the speaker
reports why it is off.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any, Iterable, Mapping

from simulator.voice.tts import SynthesisError, Synthesizer, VoiceSettings

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

_MIXER_LOCK = threading.Lock()
_MIXER: dict[str, Any] = {}


def mixer_status() -> tuple[bool, str]:
    """Initialise pygame.mixer once per process; (True, "") or (False, why)."""
    with _MIXER_LOCK:
        if "ok" in _MIXER:
            return _MIXER["ok"], _MIXER["why"]
        try:
            import pygame

            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=22050, size=-16, channels=1, buffer=512)
            _MIXER.update(ok=True, why="")
        except Exception as exc:  # noqa: BLE001 - no device, no driver, no pygame
            _MIXER.update(ok=False, why=f"the buyer's voice is off: no audio output ({exc})")
        return _MIXER["ok"], _MIXER["why"]


class Speaker:
    """One buyer's voice.

    >>> s = Speaker({"rate": 170}, enabled=False)
    >>> s.enabled, s.busy, s.stop()
    (False, False, False)
    """

    def __init__(self, persona_voice: Mapping[str, Any] | None = None, enabled: bool = True,
                 prefer: str | None = None, cache_size: int = 96, play: bool = True):
        self.settings = VoiceSettings.from_persona(persona_voice)
        self.interruptions = 0
        self.last_started: float | None = None  # perf_counter() when the last line began playing
        self.last_line: str | None = None
        self.started: deque[tuple[float, str]] = deque(maxlen=256)  # (perf_counter, line) of each playback
        self.reason = ""
        self._play = play
        self._sounds: OrderedDict[tuple[str, VoiceSettings], Any] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Condition()
        self._urgent: deque[tuple[str, str, VoiceSettings, int]] = deque()  # (kind, text, voice, token)
        self._background: deque[tuple[str, VoiceSettings]] = deque()
        self._token = 0
        self._pending: str | None = None  # a said line waiting for synthesis
        self._channel = None
        self._closed = False
        self._worker: threading.Thread | None = None
        self._synth: Synthesizer | None = None
        self.enabled = False
        if not enabled:
            self.reason = "the buyer's voice is off"
            return
        if prefer is None:
            from simulator.voice import settings

            prefer = str(settings.load().get("tts") or "auto")
        ready = threading.Event()
        self._worker = threading.Thread(target=self._run, args=(prefer, ready), name="salesim-voice", daemon=True)
        self._worker.start()
        ready.wait(30)
        if self._synth is None or not self._synth.available:
            self.reason = self._synth.reason if self._synth else "the buyer's voice is off: the synthesizer did not start"
            self._shutdown()
            return
        if play:
            ok, why = mixer_status()
            if not ok:
                self.reason = why
                self._shutdown()
                return
        self.enabled = True

    # -- status -----------------------------------------------------------------
    @staticmethod
    def available(prefer: str = "auto") -> tuple[bool, str]:
        """(True, engine) when lines can be synthesized and played, else (False, why)."""
        from simulator.voice.tts import status

        ok, what = status(prefer)
        if not ok:
            return ok, what
        mix, why = mixer_status()
        return (True, what) if mix else (False, why)

    @property
    def engine(self) -> str:
        return self._synth.engine if self._synth is not None and self.enabled else "none"

    @property
    def speaking(self) -> bool:
        """Audio is coming out right now."""
        ch = self._channel
        try:
            return bool(ch is not None and ch.get_busy())
        except Exception:  # noqa: BLE001 - the mixer went away
            return False

    @property
    def busy(self) -> bool:
        """Speaking, or a said line is still being rendered."""
        return self._pending is not None or self.speaking

    # -- speaking ---------------------------------------------------------------
    def _voice(self, voice: Mapping[str, Any] | VoiceSettings | None) -> VoiceSettings:
        if voice is None:
            return self.settings
        return voice if isinstance(voice, VoiceSettings) else VoiceSettings.from_persona(voice)

    def say(self, text: str, voice: Mapping[str, Any] | None = None) -> None:
        """Speak ``text`` now (or as soon as it is rendered); never blocks. Replaces what was playing.

        ``voice`` (a persona's voice mapping) overrides this speaker's voice for the line.
        """
        if not self.enabled or not text.strip():
            return
        vs = self._voice(voice)
        with self._lock:
            self._token += 1
            token = self._token
            self._stop_channel()
            sound = self._sounds.get((text, vs))
            if sound is None and self._synth is not None:
                path = self._synth.cached(text, vs)
                if path is not None:
                    sound = self._load(text, vs, path)
            if sound is not None:
                self._pending = None
                self._start(text, sound)
                return
            self._pending = text
            self._urgent.appendleft(("play", text, vs, token))
            self._lock.notify_all()

    def prepare(self, text: str, voice: Mapping[str, Any] | None = None) -> None:
        """Render ``text`` and load it into memory ahead of everything else (a likely next line)."""
        vs = self._voice(voice)
        if not self.enabled or not text.strip() or (text, vs) in self._sounds:
            return
        with self._lock:
            self._urgent.append(("load", text, vs, self._token))
            self._lock.notify_all()

    def prefetch(self, lines: Iterable[str], voice: Mapping[str, Any] | None = None) -> None:
        """Render these lines in the background (replacing the previous list)."""
        if not self.enabled:
            return
        vs = self._voice(voice)
        with self._lock:
            self._background = deque((ln, vs) for ln in dict.fromkeys(ln for ln in lines if ln and ln.strip()))
            self._lock.notify_all()

    def stop(self, count: bool = True) -> bool:
        """Barge-in: stop the buyer. True when the buyer was cut off (counted unless ``count`` is False)."""
        if not self.enabled:
            return False
        with self._lock:
            cut = self._pending is not None or self.speaking
            self._token += 1
            self._pending = None
            self._stop_channel()
        if cut and count:
            self.interruptions += 1
        return cut

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the buyer has finished speaking (scripts and tests); False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        while self.busy:
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.01)
        return True

    def ready(self, text: str, voice: Mapping[str, Any] | None = None) -> bool:
        """The line is rendered (on disk or in memory)."""
        vs = self._voice(voice)
        return (text, vs) in self._sounds or (self._synth is not None and self._synth.cached(text, vs) is not None)

    def idle(self, timeout: float = 30.0) -> bool:
        """Block until the worker has nothing left to render (tests and benchmarks)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if not self._urgent and not self._background and not self._working:
                    return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        self.stop()
        self._shutdown()

    def __enter__(self) -> "Speaker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------
    _working = False

    def _shutdown(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def _stop_channel(self) -> None:
        ch, self._channel = self._channel, None
        if ch is not None:
            try:
                ch.stop()
            except Exception:  # noqa: BLE001
                pass

    def _load(self, text: str, vs: VoiceSettings, path: Path):
        if not self._play:
            sound = path
        else:
            try:
                import pygame

                sound = pygame.mixer.Sound(str(path))
            except Exception:  # noqa: BLE001 - a damaged cache file: render it again
                path.unlink(missing_ok=True)
                return None
        self._sounds[(text, vs)] = sound
        self._sounds.move_to_end((text, vs))
        while len(self._sounds) > self._cache_size:
            self._sounds.popitem(last=False)
        return sound

    def _start(self, text: str, sound) -> None:  # noqa: ANN001
        self.last_line = text
        self.last_started = time.perf_counter()
        self.started.append((self.last_started, text))
        if self._play:
            try:
                self._channel = sound.play()
            except Exception as exc:  # noqa: BLE001 - the device went away mid-call: go quiet, the call goes on
                self._channel = None
                self._lost(exc)

    def _lost(self, exc: Exception) -> None:
        """The audio output vanished: the voice turns itself off and says so once; lines stay on screen."""
        from simulator.voice import settings

        self.enabled = False
        self._pending = None
        self.reason = f"the buyer's voice stopped: the audio output went away ({exc})"
        settings.warn_once(self.reason)

    def _run(self, prefer: str, ready: threading.Event) -> None:
        try:
            self._synth = Synthesizer(prefer)
            self._synth.available  # noqa: B018 - load the engines on this thread
        finally:
            ready.set()
        while True:
            with self._lock:
                while not self._closed and not self._urgent and not self._background:
                    self._lock.wait()
                if self._closed:
                    return
                if self._urgent:
                    kind, text, vs, token = self._urgent.popleft()
                else:
                    (text, vs), kind, token = self._background.popleft(), "cache", -1
                self._working = True
            try:
                self._job(kind, text, vs, token)
            finally:
                self._working = False

    def _job(self, kind: str, text: str, vs: VoiceSettings, token: int) -> None:
        assert self._synth is not None
        try:
            path = self._synth.synthesize(text, vs)
        except (SynthesisError, OSError) as exc:
            with self._lock:
                if kind == "play" and token == self._token:
                    self._pending = None
            from simulator.voice import settings

            settings.warn_once(f"could not speak a buyer line: {exc}")
            return
        if kind == "cache":
            return
        with self._lock:
            sound = self._sounds.get((text, vs)) or self._load(text, vs, path)
            if kind == "play" and token == self._token and sound is not None:
                self._pending = None
                self._start(text, sound)
            elif kind == "play" and token == self._token:
                self._pending = None
