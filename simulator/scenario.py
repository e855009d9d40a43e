"""Scenario value types: one simulated buyer, read from a validated YAML mapping.

Scenario files are data written by trainers; :mod:`simulator.validate` checks a
file and :mod:`simulator.library` finds and loads them. This module only turns
a checked mapping into small frozen value types.

>>> s = Scenario.from_dict({"id": "demo", "title": "Demo", "stages": ["open"],
...     "meters": {"trust": {"start": 30}}, "opening": ["Hello?"],
...     "reactions": [{"lines": ["Go on."]}],
...     "endings": [{"id": "done", "when": {"rep_ended": True}, "line": "Bye."}]})
>>> s.meter("trust").start, s.first_stage
(30.0, 'open')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

Effects = Mapping[str, float]  # meter -> delta

DIFFICULTIES = ("easy", "normal", "hard")

#: How strongly helpful and harmful effects count at each difficulty, unless
#: the scenario says otherwise.
DEFAULT_DIFFICULTY = {
    "easy": {"start": {}, "good_scale": 1.25, "bad_scale": 0.6},
    "normal": {"start": {}, "good_scale": 1.0, "bad_scale": 1.0},
    "hard": {"start": {}, "good_scale": 0.8, "bad_scale": 1.5},
}


@dataclass(frozen=True)
class Meter:
    name: str
    start: float
    min: float = 0.0
    max: float = 100.0
    good: str = "high"  # "high": more is better for the rep; "low": less is better
    label: str = ""

    def clamp(self, value: float) -> float:
        return max(self.min, min(self.max, value))

    def is_good(self, delta: float) -> bool:
        return (delta > 0) == (self.good == "high")

    def goodness(self, value: float) -> float:
        """0 (worst for the rep) .. 1 (best)."""
        span = (self.max - self.min) or 1.0
        share = (value - self.min) / span
        return share if self.good == "high" else 1.0 - share


@dataclass(frozen=True)
class Reaction:
    when: Mapping[str, Any]
    lines: tuple[str, ...]
    buyer_moves: tuple[str, ...] = ()
    effects: Effects = field(default_factory=dict)
    goto: str | None = None
    asks: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    answered_by: frozenset[str]
    dodged_by: frozenset[str]
    on_answer: Effects = field(default_factory=dict)
    on_dodge: Effects = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    to: str
    when: Mapping[str, Any]
    source: str | None = None  # the stage it leaves; None: from any stage


@dataclass(frozen=True)
class Ending:
    id: str
    when: Mapping[str, Any]
    line: str
    result: str = "neutral"  # won | lost | neutral
    buyer_moves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Persona:
    name: str = "Buyer"
    role: str = ""
    company: str = ""
    portrait: str = ""
    voice: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Clock:
    budget: float | None = None  # seconds per call; None: no hard budget
    words_per_minute: float = 150.0
    monologue_words: int = 80


@dataclass(frozen=True)
class Callback:
    after_days: int = 1
    opening: tuple[str, ...] = ()
    stage: str | None = None
    meters: Mapping[str, float] = field(default_factory=dict)  # set at the start of the next call


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    stages: tuple[str, ...]
    meters: tuple[Meter, ...]
    opening: tuple[str, ...]
    reactions: tuple[Reaction, ...]
    endings: tuple[Ending, ...]
    opening_moves: tuple[str, ...] = ()
    summary: str = ""
    brief: str = ""
    goal: str = ""
    persona: Persona = Persona()
    effects: Mapping[str, Effects] = field(default_factory=dict)
    stage_effects: Mapping[str, Mapping[str, Effects]] = field(default_factory=dict)
    questions: Mapping[str, Question] = field(default_factory=dict)
    transitions: tuple[Transition, ...] = ()
    clock: Clock = Clock()
    max_turns: int = 40
    calls: int = 1
    callback: Callback = Callback()
    today: str = "monday"
    difficulty: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: DEFAULT_DIFFICULTY)
    weights: Mapping[str, float] = field(default_factory=dict)
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    path: Path | None = None

    @property
    def first_stage(self) -> str:
        return self.stages[0]

    def meter(self, name: str) -> Meter:
        for m in self.meters:
            if m.name == name:
                return m
        raise KeyError(name)

    def ending(self, ending_id: str) -> Ending:
        for e in self.endings:
            if e.id == ending_id:
                return e
        raise KeyError(ending_id)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> "Scenario":
        """Build from a mapping that :func:`simulator.validate.check` accepted."""
        stages: list[str] = []
        stage_effects: dict[str, dict[str, dict[str, float]]] = {}
        for item in data["stages"]:
            if isinstance(item, str):
                stages.append(item)
            else:
                stages.append(item["id"])
                if item.get("effects"):
                    stage_effects[item["id"]] = _effects_map(item["effects"])
        difficulty = {k: dict(v) for k, v in DEFAULT_DIFFICULTY.items()}
        for level, spec in (data.get("difficulty") or {}).items():
            difficulty[level] = {**difficulty[level], **spec}
        persona = data.get("persona") or {}
        clock = data.get("clock") or {}
        callback = data.get("callback") or {}
        return cls(
            id=data["id"],
            title=data.get("title", data["id"]),
            summary=data.get("summary", ""),
            brief=(data.get("brief") or "").strip(),
            goal=(data.get("goal") or "").strip(),
            source=data.get("source", ""),
            persona=Persona(
                name=persona.get("name", "Buyer"),
                role=persona.get("role", ""),
                company=persona.get("company", ""),
                portrait=persona.get("portrait", ""),
                voice=dict(persona.get("voice") or {}),
            ),
            stages=tuple(stages),
            stage_effects=stage_effects,
            meters=tuple(
                Meter(
                    name=name,
                    start=float(spec.get("start", 50)),
                    min=float(spec.get("min", 0)),
                    max=float(spec.get("max", 100)),
                    good=spec.get("good", "high"),
                    label=spec.get("label", name.replace("_", " ").title()),
                )
                for name, spec in data["meters"].items()
            ),
            opening=tuple(data["opening"]),
            opening_moves=tuple(data.get("opening_moves", ())),
            effects=_effects_map(data.get("effects") or {}),
            questions={
                qid: Question(
                    id=qid,
                    answered_by=frozenset(q.get("answered_by", ())),
                    dodged_by=frozenset(q.get("dodged_by", ())),
                    on_answer=dict(q.get("on_answer") or {}),
                    on_dodge=dict(q.get("on_dodge") or {}),
                )
                for qid, q in (data.get("questions") or {}).items()
            },
            reactions=tuple(
                Reaction(
                    when=dict(r.get("when") or {}),
                    lines=tuple(r["lines"]),
                    buyer_moves=tuple(r.get("buyer_moves", ())),
                    effects=dict(r.get("effects") or {}),
                    goto=r.get("goto"),
                    asks=r.get("asks"),
                    end=r.get("end"),
                )
                for r in data["reactions"]
            ),
            transitions=tuple(
                Transition(to=t["to"], when=dict(t.get("when") or {}), source=t.get("from"))
                for t in data.get("transitions") or ()
            ),
            endings=tuple(
                Ending(id=e["id"], when=dict(e.get("when") or {}), line=e["line"],
                       result=e.get("result", "neutral"), buyer_moves=tuple(e.get("buyer_moves", ())))
                for e in data["endings"]
            ),
            clock=Clock(
                budget=clock.get("budget"),
                words_per_minute=float(clock.get("words_per_minute", 150)),
                monologue_words=int(clock.get("monologue_words", 80)),
            ),
            max_turns=int(data.get("max_turns", 40)),
            calls=int(data.get("calls", 1)),
            callback=Callback(
                after_days=int(callback.get("after_days", 1)),
                opening=tuple(callback.get("opening", ())),
                stage=callback.get("stage"),
                meters={k: float(v) for k, v in (callback.get("meters") or {}).items()},
            ),
            today=data.get("today", "monday"),
            difficulty=difficulty,
            weights=dict(data.get("weights") or {}),
            examples={m: tuple(v) for m, v in (data.get("examples") or {}).items()},
            path=path,
        )


def _effects_map(raw: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    return {move: {m: float(d) for m, d in deltas.items()} for move, deltas in raw.items()}
