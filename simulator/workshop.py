"""Workshops: a room of reps against the same buyer, and the leaderboard that closes it.

Two formats. *Hot seat*: each participant plays the same scenario with the same
seed, one after another, so the comparison is fair. *Relay*: one call, and the
participants take over every N rep turns; each turn is attributed, so the
scorecard gives a team score and a score per person.

The plan and progress of a workshop live in a small JSON file under
``SALESIM_HOME/workshops/`` written atomically after every call, and every call
is logged with the workshop id, so a workshop survives a crash and resumes at
the participant it stopped at.

>>> plan = Plan(id="w1", scenario="angry-customer", seed=4, roster=("Ana", "Ben", "Cy"))
>>> plan.next_player(done=["Ana"])
'Ben'
>>> rank([Result("Ben", {"overall": 70, "rapport": 60}), Result("Ana", {"overall": 70, "rapport": 80})])[0].name
'Ana'
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from simulator import paths
from simulator.scoring import Scorecard, Turn, score

SKILL_ORDER = ("rapport", "concessions", "handoffs", "discovery", "recovery", "follow_up", "brevity")


@dataclass(frozen=True)
class Plan:
    """What the facilitator set up."""

    id: str
    scenario: str
    seed: int
    roster: tuple[str, ...]
    difficulty: str = "normal"
    mode: str = "hotseat"  # hotseat | relay
    relay_every: int = 2

    def next_player(self, done: Sequence[str]) -> str | None:
        """Hot seat: the first participant without a finished call."""
        return next((n for n in self.roster if n not in done), None)

    def relay_player(self, rep_turn: int) -> str:
        """Relay: who speaks at rep turn ``rep_turn`` (counting from 1)."""
        return self.roster[((rep_turn - 1) // max(1, self.relay_every)) % len(self.roster)]


@dataclass(frozen=True)
class Result:
    """One participant's result: their scores and how many serious flags they drew."""

    name: str
    scores: Mapping[str, int]
    serious_flags: int = 0
    turns: int = 0
    session_id: str = ""
    outcome: str | None = None


def rank(results: Sequence[Result]) -> list[Result]:
    """Leaderboard order: overall score, then fewer serious flags, then the skills
    in a fixed order, then fewer turns (got there faster), then name."""

    def key(r: Result) -> tuple:
        skills = tuple(-r.scores.get(s, 0) for s in SKILL_ORDER)
        return (-r.scores.get("overall", 0), r.serious_flags, *skills, r.turns, r.name.lower())

    return sorted(results, key=key)


def result_of(name: str, card: Scorecard, turns: int, session_id: str = "", outcome: str | None = None) -> Result:
    serious = sum(1 for f in card.flags if f.severity >= 2)
    return Result(name, dict(card.scores), serious, turns, session_id, outcome)


def relay_results(turns: Sequence[Turn], speakers: Sequence[str | None], weights: Mapping[str, float] | None = None) -> list[Result]:
    """Per-person results of a relay call.

    Each person is scored on the call as they lived it: their own rep turns
    with every buyer turn, and the other people's turns left out. Flags raised
    on someone's turn count against that person.
    """
    people = [p for p in dict.fromkeys(s for s in speakers if s)]
    out = []
    for person in people:
        mine = [t for t, who in zip(turns, speakers) if t.speaker != "rep" or who == person]
        card = score(mine, weights)
        out.append(result_of(person, card, sum(1 for t in mine if t.speaker == "rep")))
    return out


def swings(history: Sequence[Mapping[str, Any] | None], top: int = 3) -> list[tuple[int, float, dict]]:
    """The turns where the buyer's meters moved most: (turn number, size, deltas).

    ``history`` is the buyer state after each turn (None where the rep spoke).
    """
    moments = []
    last: Mapping[str, float] | None = None
    for n, state in enumerate(history, 1):
        if not state:
            continue
        meters = state.get("meters") or {}
        if last is not None:
            deltas = {k: round(meters[k] - last.get(k, meters[k]), 1) for k in meters}
            size = sum(abs(d) for d in deltas.values())
            if size:
                moments.append((n, round(size, 1), {k: d for k, d in deltas.items() if d}))
        last = meters
    return sorted(moments, key=lambda m: (-m[1], m[0]))[:top]


# -- persistence: a plan and its finished calls, for resuming ----------------------
@dataclass
class Progress:
    plan: Plan
    done: list[dict] = field(default_factory=list)  # per person: {"name", "session_id", "scores", ...}
    team: dict | None = None  # relay: the whole call's result

    @property
    def finished(self) -> bool:
        if self.plan.mode == "relay":
            return self.team is not None
        return self.plan.next_player([d["name"] for d in self.done]) is None

    def results(self) -> list[Result]:
        return [Result(d["name"], d["scores"], d.get("serious_flags", 0), d.get("turns", 0),
                       d.get("session_id", ""), d.get("outcome")) for d in self.done]


def folder() -> Path:
    return paths.home() / "workshops"


def new_id() -> str:
    return "ws-" + uuid.uuid4().hex[:8]


def save(progress: Progress) -> Path:
    path = paths.ensure(folder()) / f"{paths.safe_name(progress.plan.id)}.json"
    tmp = path.with_suffix(".tmp")
    data = {"plan": {**asdict(progress.plan), "roster": list(progress.plan.roster)}, "done": progress.done,
            "team": progress.team}
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load(workshop_id: str) -> Progress:
    path = folder() / f"{paths.safe_name(workshop_id)}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        plan = Plan(**{**data["plan"], "roster": tuple(data["plan"]["roster"])})
    except FileNotFoundError:
        raise ValueError(f"no workshop called {workshop_id!r} in {folder()}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"workshop file {path} is damaged: {exc}") from None
    return Progress(plan, list(data.get("done", [])), data.get("team"))


def record(progress: Progress, result: Result, team: Result | None = None) -> None:
    """Add a finished call (or a relay's people and team) and save at once."""
    progress.done = [d for d in progress.done if d["name"] != result.name] + [asdict(result)]
    if team is not None:
        progress.team = asdict(team)
    save(progress)
