"""``salesim scenarios check``: play many simulated calls and report coverage. Pure.

Three kinds of simulated rep: random (any moves), helpful (moves whose effects
help the rep in this scenario, as its own effects table says) and harmful. For
each, calls are played with seeded generators; the report counts the stages
visited, the endings reached, the turns where no reaction matched, and dead
ends: stages from which no call ever reached a real ending (only the clock or
the rep hanging up ended them).

>>> from simulator import library
>>> report = check(library.load("angry-customer"), calls=60)
>>> report.dead_ends, report.fallbacks
([], 0)
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from simulator import engine
from simulator.engine import RepTurn
from simulator.moves import REP_MOVES
from simulator.scenario import Scenario


@dataclass
class Report:
    calls: int = 0
    stages: Counter = field(default_factory=Counter)
    endings: Counter = field(default_factory=Counter)
    by_policy: dict = field(default_factory=dict)
    fallbacks: int = 0
    dead_ends: list = field(default_factory=list)
    unreached_stages: list = field(default_factory=list)
    unreached_endings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"calls": self.calls, "stages": dict(self.stages), "endings": dict(self.endings),
                "by_policy": {k: dict(v) for k, v in self.by_policy.items()}, "fallbacks": self.fallbacks,
                "dead_ends": self.dead_ends, "unreached_stages": self.unreached_stages,
                "unreached_endings": self.unreached_endings}


def move_value(scn: Scenario, move: str) -> float:
    """How much a move helps the rep in this scenario, by its own effects table."""
    total = 0.0
    for name, delta in scn.effects.get(move, {}).items():
        try:
            meter = scn.meter(name)
        except KeyError:
            continue
        total += abs(delta) if meter.is_good(delta) else -abs(delta)
    return total


def _policy(scn: Scenario, kind: str) -> tuple[list[str], list[float]]:
    moves = list(REP_MOVES)
    if kind == "random":
        return moves, [1.0] * len(moves)
    values = [move_value(scn, m) for m in moves]
    sign = 1 if kind == "helpful" else -1
    return moves, [max(0.2, 1.0 + sign * v) for v in values]


def simulate(scn: Scenario, kind: str, seed: int) -> tuple[list[str], list[str], int]:
    """One simulated session: the stages it passed, each call's ending, and fallback replies."""
    rng = random.Random(seed)
    pick = random.Random(seed * 7919 + 1)
    moves, weights = _policy(scn, kind)
    state, _ = engine.start(scn, rng, pick.choice(["easy", "normal", "hard"]))
    stages, endings, fallbacks = [state.stage], [], 0
    hung_up = False
    for _ in range(scn.max_turns * scn.calls + 5):
        if state.ended:
            endings.append(state.ended)
            if hung_up or state.call >= scn.calls or scn.ending(state.ended).result == "lost":
                return stages, endings, fallbacks
            state, _ = engine.callback(scn, state, rng, pick.randint(0, 7))
            continue
        n = pick.choice([0, 1, 1, 1, 2, 2, 3])
        chosen = frozenset(pick.choices(moves, weights, k=n))
        words = pick.randint(3, 60)
        state, reply = engine.step(scn, state, RepTurn(" ".join(["word"] * words), chosen), rng)
        fallbacks += reply.text in engine.FALLBACK_LINES
        stages.append(state.stage)
        if pick.random() < 0.02 and not state.ended:
            state, _ = engine.hang_up(scn, state)
            hung_up = True
    if not state.ended:
        state, _ = engine.hang_up(scn, state)
    endings.append(state.ended or "")
    return stages, endings, fallbacks


def check(scn: Scenario, calls: int = 1000) -> Report:
    report = Report()
    real_endings = {e.id for e in scn.endings if not (e.when.get("timeout") or e.when.get("rep_ended"))}
    ends_from: dict[str, set[str]] = {s: set() for s in scn.stages}
    for i in range(calls):
        kind = ("random", "helpful", "harmful")[i % 3]
        stages, endings, fallbacks = simulate(scn, kind, seed=i + 1)
        report.calls += 1
        report.fallbacks += fallbacks
        report.stages.update(set(stages))
        report.endings.update(endings)
        report.by_policy.setdefault(kind, Counter()).update(endings)
        for s in set(stages):
            ends_from[s].update(endings)
    report.unreached_stages = [s for s in scn.stages if not report.stages[s]]
    report.unreached_endings = [e.id for e in scn.endings if not report.endings[e.id]]
    if real_endings:
        report.dead_ends = [s for s, ends in ends_from.items() if report.stages[s] and not ends & real_endings]
    return report
