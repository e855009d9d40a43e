"""Per-turn latency of the buyer engine (pure core): median and p99 over many turns."""

from __future__ import annotations

import random
import statistics
import time

from simulator import engine, library
from simulator.engine import RepTurn
from simulator.moves import REP_MOVES


def run(smoke: bool = False) -> list[dict]:
    rows = []
    n_turns = 500 if smoke else 10_000
    for sid in [s.id for s in library.available() if not s.problems]:
        scn = library.load(sid)
        rng, pick = random.Random(1), random.Random(2)
        times: list[float] = []
        state, _ = engine.start(scn, rng)
        while len(times) < n_turns:
            if state.ended:
                state, _ = engine.start(scn, rng)
            moves = frozenset(pick.sample(REP_MOVES, pick.randint(0, 2)))
            t0 = time.perf_counter()
            state, _ = engine.step(scn, state, RepTurn("a rep line of about ten words in length here", moves), rng)
            times.append(time.perf_counter() - t0)
        times.sort()
        rows.append({"bench": "engine turn", "metric": f"{sid} median", "value": round(statistics.median(times) * 1e6, 1), "unit": "µs"})
        rows.append({"bench": "engine turn", "metric": f"{sid} p99", "value": round(times[int(len(times) * 0.99)] * 1e6, 1), "unit": "µs"})
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
