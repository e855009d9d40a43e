"""Move recognition: accuracy (macro-F1) on the dev sample and a held-out 20%, speed and start-up."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from simulator import corpus, recognizer
from simulator.moves import REP_MOVES

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "dev-utterances.tsv"


def read_dev(path: Path = DEV) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    if path.exists():
        for raw in path.read_text(encoding="utf-8").splitlines():
            parsed = corpus.parse_line(raw)
            if parsed:
                out.append(parsed)
    return out


def per_move_f1(truth: list[tuple[str, ...]], pred: list[frozenset[str]], moves=REP_MOVES) -> dict[str, tuple[float, int]]:
    out = {}
    for m in moves:
        t = np.array([m in x for x in truth])
        p = np.array([m in x for x in pred])
        tp, denom = float(np.sum(t & p)), float(t.sum() + p.sum())
        out[m] = (2 * tp / denom if denom else 1.0, int(t.sum()))
    return out


def macro(scores: dict[str, tuple[float, int]]) -> float:
    present = [f for f, n in scores.values() if n > 0]
    return float(np.mean(present)) if present else 0.0


def held_out(seed: int = 0, share: float = 0.2) -> tuple[dict, recognizer.Recognizer]:
    examples = corpus.read("rep")
    rng = random.Random(seed)
    idx = list(range(len(examples)))
    rng.shuffle(idx)
    cut = int(len(idx) * share)
    test, train = [examples[i] for i in idx[:cut]], [examples[i] for i in idx[cut:]]
    rec = recognizer.Recognizer.train(recognizer.augmented([(e.text, e.moves) for e in train]))
    pred = rec.predict([e.text for e in test])
    return per_move_f1([e.moves for e in test], pred), rec


def run(smoke: bool = False) -> list[dict]:
    rows = []
    rec = recognizer.get("rep")
    dev = read_dev()
    if dev:
        dev_scores = per_move_f1([m for _, m in dev], rec.predict([t for t, _ in dev]))
        rows.append({"bench": "moves", "metric": f"macro-F1 dev sample ({len(dev)} lines)", "value": round(macro(dev_scores), 3), "unit": ""})
    if not smoke:
        ho, _ = held_out()
        rows.append({"bench": "moves", "metric": "macro-F1 held-out 20% of corpus", "value": round(macro(ho), 3), "unit": ""})
        for m, (f, n) in ho.items():
            rows.append({"bench": "moves per-move F1", "metric": f"{m} (n={n})", "value": round(f, 3), "unit": ""})
    # single-utterance latency
    texts = [e.text for e in corpus.read("rep")][:2000]
    lat = []
    for t in texts[: 200 if smoke else 2000]:
        t0 = time.perf_counter()
        rec.predict([t])
        lat.append(time.perf_counter() - t0)
    lat.sort()
    rows.append({"bench": "moves", "metric": "single utterance median", "value": round(statistics.median(lat) * 1000, 3), "unit": "ms"})
    rows.append({"bench": "moves", "metric": "single utterance p99", "value": round(lat[int(len(lat) * 0.99)] * 1000, 3), "unit": "ms"})
    # throughput and start-up of the command itself
    lines = "\n".join((texts * 10)[:20000]) + "\n"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simulator", "classify", "--jsonl"], input=lines, text=True,
                   capture_output=True, check=True, env=env)
    total = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simulator", "classify", "hello"], capture_output=True, check=True, env=env)
    start = time.perf_counter() - t0
    n = lines.count("\n")
    rows.append({"bench": "moves", "metric": f"classify --jsonl throughput ({n} lines, incl. start-up)", "value": round(n / total), "unit": "lines/s"})
    rows.append({"bench": "moves", "metric": "classify --jsonl throughput after start-up", "value": round(n / max(1e-9, total - start)), "unit": "lines/s"})
    rows.append({"bench": "moves", "metric": "classify start-up (one text)", "value": round(start, 2), "unit": "s"})
    return rows


if __name__ == "__main__":
    for r in run("--smoke" in sys.argv):
        print(r)
