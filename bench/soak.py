"""Soak: thousands of scripted calls through the session in one process; memory must stay flat."""

from __future__ import annotations

import gc
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from simulator import library, script
from simulator.session import Session
from simulator.storage import Database

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "tests" / "data" / "scripts"


def rss_mb() -> float:
    """Current resident memory (Linux /proc), falling back to the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scripted_call(scn, lines: list[str], seed: int, store=None) -> Session:
    s = Session(scn, rep=f"soak{seed % 50}", seed=seed, store=store)
    script.play(s, lines)
    s.scorecard()
    return s


def run(smoke: bool = False) -> list[dict]:
    calls = 200 if smoke else 10_000
    scripts = sorted(SCRIPTS.glob("*.txt"))
    pairs = [(library.load(p.name.rsplit("-", 1)[0]), [l.strip() for l in p.read_text().splitlines() if l.strip()])
             for p in scripts]
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        store = Database(f"sqlite:///{tmp}/soak.db")
        warm = min(200, calls // 5)
        samples = []
        t0 = time.perf_counter()
        for i in range(calls):
            scn, lines = pairs[rng.randrange(len(pairs))]
            scripted_call(scn, lines, seed=i, store=store if i % 10 == 0 else None)
            if i + 1 == warm:
                gc.collect()
                samples.append(rss_mb())
        elapsed = time.perf_counter() - t0
        gc.collect()
        samples.append(rss_mb())
    return [
        {"bench": "soak", "metric": f"scripted calls (1 in 10 logged to SQLite)", "value": calls, "unit": "calls"},
        {"bench": "soak", "metric": "calls per second", "value": round(calls / elapsed, 1), "unit": "calls/s"},
        {"bench": "soak", "metric": f"memory after {warm} calls", "value": round(samples[0], 1), "unit": "MB"},
        {"bench": "soak", "metric": f"memory after {calls} calls", "value": round(samples[-1], 1), "unit": "MB"},
    ]


if __name__ == "__main__":
    for r in run("--smoke" in sys.argv):
        print(r)
