"""Audio as numbers: reading WAV files, resampling to 16 kHz, finding where speech is.

The recogniser wants 16-bit mono PCM at 16 kHz; files come at any rate, width
and channel count. Everything here works on numpy arrays and has no device.

>>> import numpy as np
>>> x = np.zeros(16000, dtype=np.int16); x[4000:12000] = 3000
>>> speech_bounds(x, 16000)
(0.25, 0.75)
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16000


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit samples at ``rate`` Hz."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0

    def at(self, rate: int = RATE) -> "Clip":
        return Clip(resample(self.samples, self.rate, rate), rate)

    def pcm(self) -> bytes:
        return self.samples.astype("<i2").tobytes()


def read(path: Path | str) -> Clip:
    """A WAV file (8/16/24/32-bit PCM, any rate, mono or stereo) as a mono Clip.

    Other formats (AIFF, FLAC) go through SpeechRecognition's reader. Raises
    ValueError with a plain message when the file is not audio it can read.
    """
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as w:
            width, channels, rate, n = w.getsampwidth(), w.getnchannels(), w.getframerate(), w.getnframes()
            raw = w.readframes(n)
    except (wave.Error, EOFError) as exc:
        return _read_other(path, exc)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if width == 1:
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        x = np.frombuffer(raw, dtype="<i2").astype(np.int32)
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        x = (b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16))
        x = np.where(x >= 1 << 23, x - (1 << 24), x) >> 8
    elif width == 4:
        x = np.frombuffer(raw, dtype="<i4").astype(np.int64) >> 16
    else:
        raise ValueError(f"{path}: unsupported sample width {width}")
    if channels > 1:
        x = x[: len(x) // channels * channels].reshape(-1, channels).mean(axis=1)
    return Clip(np.clip(x, -32768, 32767).astype(np.int16), rate)


def _read_other(path: Path, cause: Exception) -> Clip:
    try:
        import warnings

        with warnings.catch_warnings():  # its aifc/audioop imports warn on newer Pythons
            warnings.simplefilter("ignore", DeprecationWarning)
            import speech_recognition as sr

        with sr.AudioFile(str(path)) as source:
            data = sr.Recognizer().record(source)
        raw = data.get_raw_data(convert_width=2)
        return Clip(np.frombuffer(raw, dtype="<i2").copy(), data.sample_rate)
    except Exception:  # noqa: BLE001 - any failure means: not audio we can read
        raise ValueError(f"{path}: not a readable audio file (WAV, AIFF or FLAC): {cause}") from None


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Polyphase resampling (scipy) to ``dst`` Hz, 16-bit."""
    if src == dst or len(x) == 0:
        return x.astype(np.int16)
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(src, dst)
    y = resample_poly(x.astype(np.float32), dst // g, src // g)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)


def frame_energy(x: np.ndarray, rate: int, frame: float = 0.01) -> np.ndarray:
    """Root-mean-square level of each ``frame`` seconds."""
    n = max(1, int(rate * frame))
    m = len(x) // n
    if m == 0:
        return np.zeros(0)
    f = x[: m * n].astype(np.float32).reshape(m, n)
    return np.sqrt((f * f).mean(axis=1))


def speech_bounds(x: np.ndarray, rate: int, threshold: float | None = None) -> tuple[float, float] | None:
    """Seconds where speech starts and ends (energy above a floor), or None for silence."""
    e = frame_energy(x, rate)
    if len(e) == 0:
        return None
    floor = threshold if threshold is not None else max(200.0, 0.05 * float(np.percentile(e, 95)))
    on = np.nonzero(e > floor)[0]
    if len(on) == 0:
        return None
    return round(float(on[0]) * 0.01, 3), round(float(on[-1] + 1) * 0.01, 3)


def rms(pcm: bytes) -> float:
    """Root-mean-square level of a chunk of 16-bit audio."""
    x = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
    if len(x) == 0:
        return 0.0
    return float(np.sqrt((x * x).mean()))


def level(pcm: bytes) -> float:
    """0..1 loudness of a chunk of 16-bit audio, for an input meter."""
    return min(1.0, rms(pcm) / 8000.0)


def write(path: Path, clip: Clip) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(clip.rate)
        w.writeframes(clip.pcm())
