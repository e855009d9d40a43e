"""Buyer lines to WAV files: pyttsx3 first, the espeak-ng program second, a disk cache always.

A persona's ``voice:`` mapping in the scenario (``voice``, ``rate`` in words
per minute, ``volume`` 0..1, ``pitch`` 0..100) becomes a :class:`VoiceSettings`.
:func:`synthesize` turns one line into a WAV file under
``SALESIM_HOME/cache/voice/tts/``, named by a hash of the text, the settings
and the engine, so each line is made once per machine and then only read.

Engines, tried in order (``tts`` in settings can pin one):

* ``pyttsx3`` — SAPI5 on Windows, NSSpeechSynthesizer on macOS, libespeak-ng on
  Linux; all of its calls happen on one worker thread (it is not thread-safe);
* ``espeak-ng`` — the command-line program (``espeak-ng -w``), when pyttsx3 is
  missing or fails;
* none — the voice is off and :func:`status` says why, once.

>>> VoiceSettings.from_persona({"voice": "en-us+m3", "rate": 185, "pitch": 40}).key("Hello")[:8] == VoiceSettings.from_persona({"rate": 185, "voice": "en-us+m3", "pitch": 40}).key("Hello")[:8]
True
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

TTS_VERSION = "1"


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None
    rate: int = 175
    volume: float = 1.0
    pitch: int | None = None

    @classmethod
    def from_persona(cls, mapping: Mapping[str, Any] | None) -> "VoiceSettings":
        m = dict(mapping or {})

        def num(key: str, default, kind, lo, hi):  # noqa: ANN001
            try:
                return max(lo, min(hi, kind(m[key])))
            except (KeyError, TypeError, ValueError):
                return default

        voice = m.get("voice")
        return cls(voice=str(voice) if voice else None, rate=num("rate", 175, int, 80, 450),
                   volume=num("volume", 1.0, float, 0.0, 1.0), pitch=num("pitch", None, int, 0, 99))

    def key(self, text: str, engine: str = "") -> str:
        raw = "\x1f".join([TTS_VERSION, engine, text, str(self.voice), str(self.rate), f"{self.volume:.2f}", str(self.pitch)])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


class SynthesisError(RuntimeError):
    pass


def cache_dir() -> Path:
    from simulator import paths

    return paths.cache_dir() / "voice" / "tts"


# -- engines -------------------------------------------------------------------------
class _Pyttsx3:
    name = "pyttsx3"

    def __init__(self) -> None:
        import pyttsx3

        if sys.platform.startswith("linux"):
            # the espeak driver announces every saved file on stdout; keep the console clean
            try:
                import pyttsx3.drivers.espeak as drv

                drv.print = lambda *a, **k: None  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001
                pass
        self.engine = pyttsx3.init()
        self._voices: dict[str, str] | None = None

    def _voice_id(self, wanted: str) -> str:
        """A persona's voice name as this engine knows it (espeak accepts 'en-us+m3' directly)."""
        if sys.platform.startswith("linux"):
            return wanted
        if self._voices is None:
            self._voices = {}
            for v in self.engine.getProperty("voices") or ():
                self._voices[str(v.id).lower()] = v.id
                self._voices[str(v.name).lower()] = v.id
        w = wanted.lower()
        return self._voices.get(w) or next((vid for k, vid in self._voices.items() if w in k), wanted)

    def save(self, text: str, s: VoiceSettings, path: Path) -> None:
        e = self.engine
        if s.voice:
            try:
                e.setProperty("voice", self._voice_id(s.voice))
            except Exception:  # noqa: BLE001 - an unknown voice: keep the default one
                pass
        e.setProperty("rate", s.rate)
        e.setProperty("volume", s.volume)
        if s.pitch is not None:
            try:
                e.setProperty("pitch", s.pitch)
            except Exception:  # noqa: BLE001 - SAPI5 and NSSS have no pitch
                pass
        e.save_to_file(text, str(path))
        e.runAndWait()
        if not path.is_file() or path.stat().st_size <= 44:
            raise SynthesisError("pyttsx3 wrote no audio")


class _Espeak:
    name = "espeak-ng"

    def __init__(self) -> None:
        self.exe = shutil.which("espeak-ng") or shutil.which("espeak")
        if self.exe is None:
            raise SynthesisError("espeak-ng is not installed")

    def save(self, text: str, s: VoiceSettings, path: Path) -> None:
        cmd = [self.exe, "-w", str(path), "-s", str(s.rate), "-a", str(int(round(s.volume * 100)))]
        if s.voice:
            cmd += ["-v", s.voice]
        if s.pitch is not None:
            cmd += ["-p", str(s.pitch)]
        cmd += ["--", text]
        r = subprocess.run(cmd, capture_output=True, timeout=30)
        if r.returncode != 0 and s.voice:  # an unknown voice: try the default one
            cmd = [c for i, c in enumerate(cmd) if c != "-v" and (i == 0 or cmd[i - 1] != "-v")]
            r = subprocess.run(cmd, capture_output=True, timeout=30)
        if r.returncode != 0 or not path.is_file() or path.stat().st_size <= 44:
            raise SynthesisError(f"espeak-ng failed: {r.stderr.decode(errors='replace').strip()[:200]}")


class Synthesizer:
    """Makes WAV files for lines, on whatever thread calls it (one at a time)."""

    def __init__(self, prefer: str = "auto"):
        self.prefer = prefer
        self._engines: list | None = None
        self._lock = threading.Lock()
        self.reason = ""

    def _load(self) -> list:
        if self._engines is not None:
            return self._engines
        engines: list = []
        problems = []
        order = {"auto": (_Pyttsx3, _Espeak), "pyttsx3": (_Pyttsx3, _Espeak),
                 "espeak-ng": (_Espeak,), "espeak": (_Espeak,), "off": ()}.get(self.prefer, (_Pyttsx3, _Espeak))
        for kind in order:
            try:
                engines.append(kind())
            except Exception as exc:  # noqa: BLE001 - a missing or broken engine: try the next
                problems.append(f"{kind.name}: {exc}")
        self._engines = engines
        if not engines:
            self.reason = ("the buyer's voice is off: voice turned off in settings" if self.prefer == "off" else
                           "the buyer's voice is off: no speech synthesizer found (install espeak-ng, "
                           "or pyttsx3 with a system voice)" + (f" [{'; '.join(problems)}]" if problems else ""))
        return engines

    @property
    def available(self) -> bool:
        return bool(self._load())

    @property
    def engine(self) -> str:
        engines = self._load()
        return engines[0].name if engines else "none"

    def path_for(self, text: str, settings: VoiceSettings) -> Path:
        return cache_dir() / f"{settings.key(text, self.engine)}.wav"

    def cached(self, text: str, settings: VoiceSettings) -> Path | None:
        p = self.path_for(text, settings)
        return p if p.is_file() else None

    def synthesize(self, text: str, settings: VoiceSettings) -> Path:
        """The WAV file of ``text`` in ``settings``' voice (from the cache when there)."""
        with self._lock:
            engines = self._load()
            if not engines:
                raise SynthesisError(self.reason)
            target = self.path_for(text, settings)
            if target.is_file():
                return target
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.stem}.{os.getpid()}.{threading.get_ident()}.tmp.wav")
            last: Exception | None = None
            for eng in list(engines):
                try:
                    eng.save(text, settings, tmp)
                    tmp.replace(target)
                    return target
                except Exception as exc:  # noqa: BLE001 - fall back to the next engine for good
                    last = exc
                    tmp.unlink(missing_ok=True)
                    if len(engines) > 1:
                        engines.remove(eng)
                        target = self.path_for(text, settings)
            raise SynthesisError(f"could not synthesize speech: {last}")


def status(prefer: str = "auto") -> tuple[bool, str]:
    """(True, engine name) when lines can be synthesized, else (False, why)."""
    s = Synthesizer(prefer)
    return (True, s.engine) if s.available else (False, s.reason)
