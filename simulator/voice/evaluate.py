"""Measuring the voice path on the spoken test set (tests and ``bench/voice.py``).

The spoken test set is ``tests/data/spoken/lines.tsv``: rep lines written for
this purpose with their moves (``text<TAB>moves``). Each line is synthesized
with espeak-ng (the rep's voice: :data:`REP_VOICE`) into a cache, recognised
offline, and compared with its text:

* **word error rate** of the generic and of the domain language model;
* **move match rate**: the share of lines whose moves read from the recognised
  audio equal the moves read from the written text.

The rep voice was chosen on a development set of corpus lines (not this test
set), as the espeak-ng voice the recogniser hears best.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from simulator.voice import asr, audio
from simulator.voice.text import corpus_wer

#: espeak-ng arguments for the rep's voice in the spoken test set and the benchmark.
REP_VOICE = ("-v", "en-us+f5", "-s", "150")
#: The spoken test set in a source checkout.
TEST_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "spoken" / "lines.tsv"


def test_set(path: Path | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """The spoken test set: (text, labelled moves) per line."""
    from simulator import corpus

    path = path or TEST_SET
    rows = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        parsed = corpus.parse_line(raw)
        if parsed and parsed[0]:
            rows.append(parsed)
    return rows


def synthesize(text: str, folder: Path, voice: Sequence[str] = REP_VOICE) -> Path:
    """A WAV of ``text`` spoken by espeak-ng (cached in ``folder`` by text and voice)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed")
    key = hashlib.sha256("\x1f".join([*voice, text]).encode()).hexdigest()[:20]
    path = folder / f"rep-{key}.wav"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.wav")
        subprocess.run([exe, *voice, "-w", str(tmp), "--", text], check=True, capture_output=True, timeout=60)
        tmp.replace(path)
    return path


@dataclass
class Result:
    model: str
    wer: float
    match_rate: float
    label_rate: float  # moves from audio equal the labelled moves
    text_label_rate: float  # moves from the text equal the labelled moves
    warp: float
    seconds: float  # decoding time
    audio_seconds: float
    hypotheses: list[str]

    @property
    def real_time_factor(self) -> float:
        return self.seconds / self.audio_seconds if self.audio_seconds else 0.0


def evaluate(rows: Sequence[tuple[str, Sequence[str]]], wavs: Sequence[Path], model: str = "domain",
             adapt_on: int = 3) -> Result:
    """Recognise each WAV and compare with its line. The speaker's warp is learned
    (without transcripts) from the first ``adapt_on`` lines; 0 turns adaptation off."""
    from simulator import recognizer

    adapt = asr.Adaptation(model, utterances=adapt_on) if adapt_on else None
    clips = [audio.read(w).at(asr.RATE) for w in wavs]
    if adapt is not None:
        for c in clips[:adapt_on]:
            adapt.observe(c.pcm())
    t0 = time.perf_counter()
    hyps = [asr.hear_clip(c, model, engine="sphinx", adapt=adapt).text for c in clips]
    spent = time.perf_counter() - t0
    rec = recognizer.get("rep")
    texts = [t for t, _ in rows]
    from_text, from_audio = rec.predict(texts), rec.predict(hyps)
    labels = [frozenset(m) for _, m in rows]
    n = max(1, len(rows))
    return Result(
        model=model,
        wer=round(corpus_wer(zip(texts, hyps)), 4),
        match_rate=round(sum(a == b for a, b in zip(from_text, from_audio)) / n, 4),
        label_rate=round(sum(a == b for a, b in zip(labels, from_audio)) / n, 4),
        text_label_rate=round(sum(a == b for a, b in zip(labels, from_text)) / n, 4),
        warp=adapt.warp if adapt is not None else 1.0,
        seconds=round(spent, 2),
        audio_seconds=round(sum(c.seconds for c in clips), 2),
        hypotheses=hyps,
    )
