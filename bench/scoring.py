"""Scoring speed: a 200-turn call must score in at most 20 ms (issue target).

The 200 turns are the example transcripts in ``tests/data/transcripts`` read once
with the move model (outside the timing), then repeated as successive calls of one
long record, so every rule has work to do: vents, objections, concessions,
handoffs, escalations, callbacks and timed turns. Also timed: reading a
200-turn WebVTT file (parsing only, moves given) and the same scoring with
synthetic moves, so the figure does not depend on the classifier's readings.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import replace
from pathlib import Path

from simulator import transcript
from simulator.moves import BUYER_MOVES, REP_MOVES
from simulator.scoring import Turn, score

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "transcripts"
TARGET_MS = 20.0


def _recognize():
    try:
        from simulator import recognizer

        return recognizer.recognize
    except Exception:  # noqa: BLE001 - no model: score with synthetic moves only
        return None


def record(n: int = 200, recognize=None) -> list[Turn]:
    """``n`` turns built from the example transcripts, as successive calls."""
    files = sorted(DATA.glob("*.txt")) + sorted(DATA.glob("*.vtt"))
    turns: list[Turn] = []
    call = 0
    while len(turns) < n:
        for path in files:
            reading = transcript.read(path.read_text(encoding="utf-8"), recognize=recognize)
            base = call
            for t in reading.turns:
                turns.append(replace(t, call=base + t.call, day=None if t.day is None else t.day + 7 * base))
            call = max(t.call for t in turns)
            if len(turns) >= n:
                break
    return turns[:n]


def synthetic(n: int = 200, seed: int = 7) -> list[Turn]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        rep = i % 2 == 1
        pool = REP_MOVES if rep else BUYER_MOVES
        moves = tuple(rng.sample(pool, rng.randint(0, 3)))
        words = " ".join(rng.choice(("call", "you", "Thursday", "at", "ten", "price", "sorry", "why", "we", "email"))
                         for _ in range(rng.randint(3, 60)))
        out.append(Turn("rep" if rep else "buyer", words, moves, None, i * 5.0, i * 5.0 + 4.0, call=1 + i // 50,
                        day=i // 50))
    return out


def _time(fn, repeats: int) -> list[float]:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)


def _vtt(turns: list[Turn]) -> str:
    lines = ["WEBVTT", ""]
    for k, t in enumerate(turns):
        start, end = k * 6.0, k * 6.0 + 5.0
        stamp = lambda s: f"{int(s // 3600):02}:{int(s % 3600 // 60):02}:{s % 60:06.3f}"  # noqa: E731
        lines += [str(k + 1), f"{stamp(start)} --> {stamp(end)}", f"<v {'Sam Rep' if t.speaker == 'rep' else 'Pat Buyer'}>{t.text}", ""]
    return "\n".join(lines)


def run(smoke: bool = False) -> list[dict]:
    repeats = 20 if smoke else 200
    rows: list[dict] = []
    real = record(200, _recognize())
    fake = synthetic(200)
    for name, turns in (("transcripts", real), ("synthetic moves", fake)):
        times = _time(lambda: score(turns), repeats)
        rows.append({"bench": "scoring", "metric": f"200 turns ({name}) median", "value": round(statistics.median(times), 2), "unit": "ms"})
        rows.append({"bench": "scoring", "metric": f"200 turns ({name}) p95", "value": round(times[int(len(times) * 0.95) - 1], 2), "unit": "ms"})
    rows.append({"bench": "scoring", "metric": "target", "value": TARGET_MS, "unit": "ms"})
    text = _vtt(real)
    times = _time(lambda: transcript.parse(text), max(5, repeats // 4))
    rows.append({"bench": "scoring", "metric": "parse 200-turn WebVTT median", "value": round(statistics.median(times), 2), "unit": "ms"})
    return rows


if __name__ == "__main__":
    for row in run(smoke=True):
        print(f"{row['bench']:10} {row['metric']:40} {row['value']:>10} {row['unit']}")
