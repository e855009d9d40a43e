"""Rep speech to text, offline: PocketSphinx with our domain language model.

Two ways in:

* **files** — :func:`recognize_file` decodes a whole WAV (any rate; resampled to 16 kHz);
* **streams** — :class:`Stream` takes 16 kHz audio chunk by chunk as it is
  spoken (microphone, or a file fed in real time), finds where speech starts
  and ends with PocketSphinx's voice activity detector, decodes *while* the rep
  is talking, and reports the end of the turn after ``end_silence`` seconds of
  quiet. Only the final search pass is left for the end of the turn, so the
  answer is ready a few milliseconds after the endpoint.

Decoders are created once per model and reused (a fresh one per utterance, as
SpeechRecognition's ``recognize_sphinx`` does, costs a second each time). Models:
``"domain"`` (default: :mod:`simulator.voice.lm`) and ``"generic"`` (PocketSphinx's
US English model). Online engines that SpeechRecognition supports can be chosen
in settings (see :mod:`simulator.voice.settings`); they are used for files and
microphone turns only when chosen, and fall back to the offline model on error.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from simulator.voice import audio
from simulator.voice.audio import RATE
from simulator.voice.text import punctuate, punctuate_timed

MODELS = ("domain", "generic")


class VoiceUnavailable(RuntimeError):
    """The recogniser cannot run here (the message says why, in plain words)."""


@dataclass(frozen=True)
class Heard:
    """One recognised rep turn.

    ``seconds`` is how long the rep spoke (first to last voiced moment) when
    known, else the length of the audio; ``audio_seconds`` is the whole clip.
    """

    text: str
    seconds: float
    audio_seconds: float
    engine: str = "sphinx-domain"
    speech_start: float | None = None
    speech_end: float | None = None


# -- models ----------------------------------------------------------------------
def model_dir() -> Path:
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us"


def generic_files() -> tuple[Path, Path, Path]:
    """(acoustic model dir, generic LM, dictionary) shipped inside the pocketsphinx package."""
    base = model_dir()
    return base / "en-us", base / "en-us.lm.bin", base / "cmudict-en-us.dict"


def engine_status() -> tuple[bool, str]:
    """(True, "") when the offline recogniser can run, else (False, why)."""
    try:
        import pocketsphinx  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - a broken install is "not available"
        return False, f"offline speech recognition is not available (pocketsphinx: {exc})"
    hmm, lm_path, dic = generic_files()
    missing = [p.name for p in (hmm, lm_path, dic) if not p.exists()]
    if missing:
        return False, f"offline speech recognition is not available (model files missing: {', '.join(missing)})"
    return True, ""


def cache_dir() -> Path:
    from simulator import paths

    return paths.cache_dir() / "voice"


_LOCK = threading.Lock()
_FILES: dict[str, tuple[Path, Path]] = {}
_POOL: dict[tuple[str, float], list] = {}

#: Frequency warps tried when adapting to a speaker (vocal tract length normalisation).
WARPS = (0.9, 1.0, 1.1, 1.2, 1.3)


def model_files(model: str = "domain") -> tuple[Path, Path, Path]:
    """(acoustic model, language model, dictionary) for ``model``; builds the domain model once."""
    ok, why = engine_status()
    if not ok:
        raise VoiceUnavailable(why)
    hmm, generic_lm, generic_dict = generic_files()
    if model == "generic":
        return hmm, generic_lm, generic_dict
    if model != "domain":
        raise ValueError(f"unknown speech model {model!r} (use one of {', '.join(MODELS)})")
    with _LOCK:
        if model not in _FILES or not _FILES[model][0].exists():
            from simulator.voice import lm

            _FILES[model] = lm.domain_files(cache_dir(), hmm, generic_lm, generic_dict)
        arpa, dic = _FILES[model]
    return hmm, arpa, dic


def _new_decoder(model: str, warp: float = 1.0):
    import pocketsphinx as ps

    hmm, lm_path, dic = model_files(model)
    extra = {} if warp == 1.0 else {"warp_type": "inverse_linear", "warp_params": f"{warp:g}"}
    # no flat-lexicon second pass: it costs ~100 ms at the end of every turn and buys no accuracy here
    return ps.Decoder(hmm=str(hmm), lm=str(lm_path), dict=str(dic), logfn=os.devnull, samprate=RATE,
                      fwdflat=False, **extra)


def acquire(model: str = "domain", warp: float = 1.0):
    """A decoder for ``model`` (and frequency ``warp``) that nobody else is using; give it back with :func:`release`."""
    with _LOCK:
        free = _POOL.setdefault((model, warp), [])
        if free:
            return free.pop()
    return _new_decoder(model, warp)


def release(model: str, decoder, warp: float = 1.0) -> None:  # noqa: ANN001
    with _LOCK:
        _POOL.setdefault((model, warp), []).append(decoder)


def warm_up(model: str = "domain", warps: tuple[float, ...] = (1.0,)) -> None:
    """Build and load the model now (so the first turn does not wait for it)."""
    for w in warps:
        release(model, acquire(model, w), w)


def _hyp_text(decoder) -> str:  # noqa: ANN001
    """The words of the current (partial) hypothesis."""
    hyp = decoder.hyp()
    if hyp is None:
        return ""
    return " ".join(w.split("(")[0] for w in hyp.hypstr.split() if not w.startswith(("<", "[", "+")))


def _final_text(decoder) -> str:  # noqa: ANN001
    """The finished utterance, punctuated from the pauses between its words."""
    if decoder.hyp() is None:
        return ""
    words: list[tuple[str, float]] = []
    try:
        for seg in decoder.seg():
            w = seg.word
            if w.startswith(("<", "[", "+")) or w in ("</s>", "<s>"):
                if words and (w == "<sil>" or w.startswith("[")):
                    words[-1] = (words[-1][0], words[-1][1] + (seg.end_frame - seg.start_frame + 1) / 100.0)
                continue
            words.append((w.split("(")[0], 0.0))
    except Exception:  # noqa: BLE001 - no segmentation: plain text
        return punctuate(_hyp_text(decoder))
    return punctuate_timed(words)


def decode_pcm(pcm: bytes, model: str = "domain", warp: float = 1.0, gentle: bool = False) -> tuple[str, float]:
    """(text, path score) of a whole utterance of 16 kHz 16-bit mono audio.

    ``gentle``: feed the decoder in small slices, so a background decode (which
    holds the interpreter lock while in the decoder) never stalls a live stream.
    """
    dec = acquire(model, warp)
    try:
        dec.start_utt()
        if gentle:
            step = int(0.05 * RATE) * 2
            for i in range(0, len(pcm), step):
                dec.process_raw(pcm[i:i + step], False, False)
                time.sleep(0)
        else:
            dec.process_raw(pcm, False, True)
        dec.end_utt()
        hyp = dec.hyp()
        return _final_text(dec), (float(hyp.score) if hyp is not None else float("-inf"))
    finally:
        release(model, dec, warp)


class Adaptation:
    """Which frequency warp suits one speaker (vocal tract length normalisation).

    The first few utterances are decoded with every warp in :data:`WARPS`; the
    warp whose decodes scored best overall is used from then on. No transcript
    is needed. ``per_utterance=True`` instead picks the best warp for each
    utterance on its own (for files from unknown, possibly different, speakers).
    """

    def __init__(self, model: str = "domain", utterances: int = 3, per_utterance: bool = False,
                 warps: tuple[float, ...] = WARPS):
        self.model, self.limit, self.per_utterance, self.warps = model, utterances, per_utterance, warps
        self.scores: dict[float, float] = {w: 0.0 for w in warps}
        self.seen = 0
        self._lock = threading.Lock()

    @property
    def settled(self) -> bool:
        return not self.per_utterance and self.seen >= self.limit

    @property
    def warp(self) -> float:
        with self._lock:
            if self.seen == 0:
                return 1.0
            return max(self.scores, key=lambda w: (self.scores[w], w == 1.0))

    def decode(self, pcm: bytes, gentle: bool = False) -> str:
        """Decode an utterance, learning from it while the speaker is not settled."""
        if self.settled:
            return decode_pcm(pcm, self.model, self.warp, gentle)[0]
        results = {w: decode_pcm(pcm, self.model, w, gentle) for w in self.warps}
        if self.per_utterance:
            return max(results.values(), key=lambda r: r[1])[0]
        with self._lock:
            for w, (_, score) in results.items():
                self.scores[w] += score if score != float("-inf") else -1e12
            self.seen += 1
        return results[self.warp][0]

    def observe(self, pcm: bytes, gentle: bool = False) -> None:
        """Learn from an utterance already recognised some other way (a live stream)."""
        if not self.settled and pcm:
            self.decode(pcm, gentle)


def hear_clip(clip: audio.Clip, model: str = "domain", engine: str | None = None,
              adapt: Adaptation | None = None) -> Heard:
    """Recognise a whole clip (``adapt``: a speaker's :class:`Adaptation`, else no warping)."""
    clip16 = clip.at(RATE)
    bounds = audio.speech_bounds(clip16.samples, RATE)
    if bounds is None:
        return Heard("", 0.0, clip16.seconds, f"sphinx-{model}")
    text, used = None, f"sphinx-{model}"
    from simulator.voice import settings

    choice = engine or settings.engine()
    if choice != "sphinx":
        text = settings.recognize_online(choice, clip16)
        used = choice if text is not None else used
    if text is None:
        text = adapt.decode(clip16.pcm()) if adapt is not None else decode_pcm(clip16.pcm(), model)[0]
    return Heard(text, round(bounds[1] - bounds[0], 3), round(clip16.seconds, 3), used, bounds[0], bounds[1])


def hear_file(path: Path | str, model: str = "domain", engine: str | None = None,
              adapt: Adaptation | None = None) -> Heard:
    """Recognise a WAV file; raises ValueError for unreadable files, VoiceUnavailable without an engine."""
    return hear_clip(audio.read(path), model, engine, adapt)


def recognize_file(path: Path | str, model: str = "domain") -> tuple[str, float]:
    """(text, seconds of speech) of a WAV file (the best warp for this one file)."""
    heard = hear_file(path, model, adapt=Adaptation(model, per_utterance=True))
    return heard.text, heard.seconds


# -- streaming ---------------------------------------------------------------------
class Stream:
    """Streaming recognition of one speaker with end-of-turn detection.

    Feed 16 kHz 16-bit mono audio in chunks of any size with :meth:`feed`; it
    returns a :class:`Heard` when a turn ended (``end_silence`` seconds of
    quiet after speech), else None. ``on_start()`` fires when speech begins (use
    it for barge-in), ``on_pause(partial_text)`` once per short pause (use it to
    get the buyer's answer ready before the turn is over).
    """

    def __init__(self, model: str = "domain", end_silence: float = 0.25, pause: float = 0.09,
                 on_start: Callable[[], None] | None = None, on_pause: Callable[[str], None] | None = None,
                 max_seconds: float = 60.0, vad_mode: int = 1, preroll: float = 0.3, tail: float = 0.05,
                 adapt: Adaptation | None = None):
        import pocketsphinx as ps

        self.model = model
        self.adapt = adapt
        self.warp = 1.0
        self.last_audio = b""  # the audio of the last turn (16 kHz), for adaptation
        self._audio: list[bytes] = []
        self.vad = ps.Vad(vad_mode, RATE)
        self.frame_bytes = self.vad.frame_bytes
        self.frame_seconds = self.vad.frame_length
        self.end_frames = max(1, round(end_silence / self.frame_seconds))
        self.pause_frames = max(1, round(pause / self.frame_seconds))
        self.max_frames = int(max_seconds / self.frame_seconds)
        self.on_start, self.on_pause = on_start, on_pause
        self._pre: deque[bytes] = deque(maxlen=max(1, round(preroll / self.frame_seconds)))
        self._buf = b""
        self._decoder = None
        self._in_speech = False
        self._voiced_run = 0
        self._quiet = 0
        self._paused = False
        self._frames = 0  # frames seen since the stream began
        self._utt_frames = 0
        self._start_frame = 0
        self._last_voiced = 0
        self.level = 0.0
        self.closed = False
        self.tail = tail
        self._peak = 0.0

    # seconds since the stream began, by audio fed
    @property
    def clock(self) -> float:
        return self._frames * self.frame_seconds

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    def partial(self) -> str:
        return _hyp_text(self._decoder) if self._decoder is not None and self._in_speech else ""

    def feed(self, pcm: bytes) -> Heard | None:
        """Add audio; a Heard when a turn just ended (the rest of the chunk is kept for the next)."""
        self._buf += pcm
        out = None
        while len(self._buf) >= self.frame_bytes:
            frame, self._buf = self._buf[: self.frame_bytes], self._buf[self.frame_bytes:]
            heard = self._frame(frame)
            if heard is not None and out is None:
                out = heard
        return out

    def _frame(self, frame: bytes) -> Heard | None:
        self._frames += 1
        rms = audio.rms(frame)
        self.level = min(1.0, rms / 8000.0)
        voiced = self.vad.is_speech(frame)
        if self._in_speech:
            # the detector keeps calling the fading tail of a word speech; a frame far
            # below this turn's loud frames counts as quiet, so the turn ends sooner
            self._peak = max(self._peak * 0.999, rms)
            voiced = voiced and rms >= self.tail * self._peak
        elif voiced:
            self._peak = max(self._peak, rms)
        if not self._in_speech:
            self._pre.append(frame)
            self._voiced_run = self._voiced_run + 1 if voiced else 0
            if self._voiced_run >= 2:
                self._begin()
            return None
        self._decoder.process_raw(frame, False, False)
        self._audio.append(frame)
        self._utt_frames += 1
        if voiced:
            self._quiet, self._paused = 0, False
            self._last_voiced = self._frames
        else:
            self._quiet += 1
            if self._quiet >= self.pause_frames and not self._paused:
                self._paused = True
                if self.on_pause is not None:
                    self.on_pause(self.partial())
        if self._quiet >= self.end_frames or self._utt_frames >= self.max_frames:
            return self._end()
        return None

    def _begin(self) -> None:
        self._in_speech = True
        self.warp = self.adapt.warp if self.adapt is not None else 1.0
        self._decoder = acquire(self.model, self.warp)
        self._decoder.start_utt()
        pre = list(self._pre)
        self._audio = list(pre)
        self._pre.clear()
        self._start_frame = self._frames - min(len(pre), self._voiced_run)
        self._last_voiced = self._frames
        for f in pre:
            self._decoder.process_raw(f, False, False)
        self._utt_frames = len(pre)
        self._quiet, self._paused, self._voiced_run = 0, False, 0
        self._peak = max((audio.rms(f) for f in pre), default=0.0)
        if self.on_start is not None:
            self.on_start()

    def _end(self) -> Heard:
        dec = self._decoder
        dec.end_utt()
        text = _final_text(dec)
        release(self.model, dec, self.warp)
        self.last_audio, self._audio = b"".join(self._audio), []
        self._decoder = None
        self._in_speech = False
        start = self._start_frame * self.frame_seconds
        end = self._last_voiced * self.frame_seconds
        return Heard(text, round(max(0.0, end - start), 3), round(self._utt_frames * self.frame_seconds, 3),
                     f"sphinx-{self.model}", round(start, 3), round(end, 3))

    def finish(self) -> Heard | None:
        """End the stream: the turn in progress, if any (push-to-talk release)."""
        self.closed = True
        if self._in_speech:
            return self._end()
        return None

    def cancel(self) -> None:
        if self._decoder is not None:
            try:
                self._decoder.end_utt()
            finally:
                release(self.model, self._decoder, self.warp)
                self._decoder = None
        self._in_speech = False
        self.closed = True


def stream_clip(clip: audio.Clip, model: str = "domain", chunk: float = 0.03, real_time: bool = False,
                silence_after: float = 1.0, **kw) -> list[Heard]:
    """Feed a clip through a :class:`Stream` (optionally at real speed); the turns heard."""
    clip16 = clip.at(RATE)
    s = Stream(model, **kw)
    pcm = clip16.pcm() + b"\0\0" * int(silence_after * RATE)
    step = int(chunk * RATE) * 2
    out = []
    t0 = time.perf_counter()
    for i in range(0, len(pcm), step):
        if real_time:
            delay = t0 + i / 2 / RATE - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        h = s.feed(pcm[i:i + step])
        if h is not None:
            out.append(h)
    last = s.finish()
    if last is not None:
        out.append(last)
    return out
