"""The buyer engine: how a scenario's buyer reacts to one rep turn. Pure.

No I/O, no clock, no global state: every function takes the scenario, the
buyer's state and (where a choice is made) a seeded ``random.Random``, and
returns a new state. The same seed and the same rep turns give the same call.

>>> import random
>>> from simulator.scenario import Scenario
>>> scn = Scenario.from_dict({"id": "demo", "title": "Demo", "stages": ["open"],
...     "meters": {"trust": {"start": 30}}, "opening": ["Hello?"],
...     "effects": {"empathy": {"trust": 10}},
...     "reactions": [{"when": {"moves": ["empathy"]}, "lines": ["Thanks for saying so."]},
...                   {"lines": ["Go on."]}],
...     "endings": [{"id": "won", "when": {"meters": {"trust": ">= 40"}}, "line": "Deal."},
...                 {"id": "gave_up", "when": {"rep_ended": True}, "line": "Bye."}]})
>>> rng = random.Random(7)
>>> state, first = start(scn, rng)
>>> first.text
'Hello?'
>>> state, reply = step(scn, state, RepTurn("I hear you.", frozenset({"empathy"})), rng)
>>> reply.text, state.meters["trust"], state.ended
('Deal.', 40.0, 'won')
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Mapping

from simulator.commitments import keeping, promised_day
from simulator.conditions import Context, matches
from simulator.scenario import Ending, Reaction, Scenario

#: Each repetition of a move in one call keeps this share of its helpful effect.
REPEAT_DECAY = 0.6
#: What the buyer says when nothing in the scenario matches (a scenario should
#: never need it; ``scenarios check`` reports when it is used).
FALLBACK_LINES = ("Sorry, I'm not following. What do you mean?",)


@dataclass(frozen=True)
class RepTurn:
    """What the rep said: the words, the moves read from them, and how long it took."""

    text: str
    moves: frozenset[str]
    seconds: float | None = None  # spoken audio: real time; typed: from words


@dataclass(frozen=True)
class Promise:
    turn: int
    text: str
    day: int | None  # days after the call it was made in


@dataclass(frozen=True)
class BuyerState:
    """Everything the buyer remembers. Frozen: the engine returns new states."""

    meters: Mapping[str, float]
    stage: str
    difficulty: str = "normal"
    call: int = 1
    day: int = 0
    turn: int = 0
    turn_in_call: int = 0
    clock: float = 0.0
    pending: str | None = None
    dodges: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)
    used_lines: frozenset[str] = frozenset()
    escalation_requested: bool = False
    promises: tuple[Promise, ...] = ()
    commitment: str = "none"
    referenced: bool = False
    ended: str | None = None

    def snapshot(self) -> dict:
        """A JSON-ready view for transcripts and replays."""
        return {
            "stage": self.stage,
            "meters": {k: round(v, 1) for k, v in self.meters.items()},
            "call": self.call,
            "clock": round(self.clock, 1),
            "pending": self.pending,
        }


@dataclass(frozen=True)
class BuyerReply:
    """The buyer's answer to one rep turn, with the reasons for it."""

    text: str
    buyer_moves: tuple[str, ...] = ()
    deltas: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # cause -> meter -> delta
    ending: Ending | None = None
    answered: str | None = None
    dodged: str | None = None


def start(scn: Scenario, rng: random.Random, difficulty: str = "normal") -> tuple[BuyerState, BuyerReply]:
    """The buyer picks up the phone: the starting state and the opening line."""
    spec = scn.difficulty.get(difficulty, {})
    shift = spec.get("start", {}) or {}
    meters = {m.name: m.clamp(m.start + float(shift.get(m.name, 0))) for m in scn.meters}
    state = BuyerState(meters=meters, stage=scn.first_stage, difficulty=difficulty)
    text, state = _pick(scn.opening, state, rng)
    return state, BuyerReply(text=text, buyer_moves=scn.opening_moves)


def words_in(text: str) -> int:
    return len(text.split())


def speaking_seconds(scn: Scenario, text: str) -> float:
    return words_in(text) * 60.0 / scn.clock.words_per_minute


def step(scn: Scenario, state: BuyerState, turn: RepTurn, rng: random.Random) -> tuple[BuyerState, BuyerReply]:
    """Apply one rep turn: effects, the buyer's reaction, stage changes, endings."""
    if state.ended:
        raise ValueError("the call has already ended")
    moves = turn.moves
    words = words_in(turn.text)
    seconds = turn.seconds if turn.seconds is not None else speaking_seconds(scn, turn.text)
    counts = dict(state.counts)
    deltas: dict[str, dict[str, float]] = {}
    meters = dict(state.meters)

    def apply(cause: str, effects: Mapping[str, float], decay: float = 1.0) -> None:
        level = scn.difficulty.get(state.difficulty, {})
        for name, delta in effects.items():
            if name not in meters:
                continue
            meter = scn.meter(name)
            good = meter.is_good(delta)
            scale = float(level.get("good_scale" if good else "bad_scale", 1.0))
            d = delta * scale * (decay if good else 1.0)
            before = meters[name]
            meters[name] = meter.clamp(before + d)
            if meters[name] != before:
                deltas.setdefault(cause, {})[name] = round(meters[name] - before, 1)

    # 1. the turn's own cost, then each move's effect, stage-specific where the scenario says so
    if "every_turn" in scn.effects:
        apply("every turn", scn.effects["every_turn"])
    for move in sorted(moves):
        effects = scn.stage_effects.get(state.stage, {}).get(move, scn.effects.get(move))
        if effects:
            apply(move, effects, REPEAT_DECAY ** counts.get(move, 0))
        counts[move] = counts.get(move, 0) + 1

    # 2. the buyer's open question: answered, dodged, or still waiting
    answered = dodged = None
    pending, dodges = state.pending, state.dodges
    question = scn.questions.get(pending) if pending else None
    if question is not None:
        if moves & question.answered_by:
            answered, pending = question.id, None
            apply(f"answered {question.id}", question.on_answer)
        elif moves & question.dodged_by or not moves:
            dodged, dodges = question.id, dodges + 1
            apply(f"dodged {question.id}", question.on_dodge)

    # 3. promises made in this call, and references to the last one
    promises = state.promises
    if "commitment" in moves:
        promises = promises + (Promise(state.turn + 1, turn.text, promised_day(turn.text, scn.today)),)
    referenced = state.referenced or "reference_prior" in moves

    state = replace(
        state,
        meters=meters,
        counts=counts,
        turn=state.turn + 1,
        turn_in_call=state.turn_in_call + 1,
        clock=state.clock + seconds,
        pending=pending,
        dodges=dodges,
        promises=promises,
        referenced=referenced,
    )
    ctx = _context(scn, state, moves, words, answered, dodged)

    # 4. the buyer's reaction: the first one in the file whose conditions hold
    reaction = next((r for r in scn.reactions if matches(r.when, ctx)), None)
    if reaction is not None and reaction.effects:
        apply("reaction", reaction.effects)
    state = _after_reaction(state, reaction, meters)

    # 5. stage transitions, then endings
    ctx = _context(scn, state, moves, words, answered, dodged)
    for t in scn.transitions:
        if (t.source is None or t.source == state.stage) and t.to != state.stage and matches(t.when, ctx):
            state = replace(state, stage=t.to)
            ctx = _context(scn, state, moves, words, answered, dodged)
            break
    ending = _ending(scn, state, ctx, reaction)
    buyer_moves = reaction.buyer_moves if reaction else ()
    if ending is not None:
        buyer_moves = ending.buyer_moves
        state = replace(state, ended=ending.id, used_lines=state.used_lines | {ending.line})
        text = ending.line
    else:
        text, state = _pick(reaction.lines if reaction else FALLBACK_LINES, state, rng)
    state = replace(state, clock=state.clock + speaking_seconds(scn, text))
    return state, BuyerReply(text=text, buyer_moves=tuple(buyer_moves), deltas=deltas,
                             ending=ending, answered=answered, dodged=dodged)


def _after_reaction(state: BuyerState, reaction: Reaction | None, meters: dict) -> BuyerState:
    if reaction is None:
        return replace(state, meters=meters)
    return replace(
        state,
        meters=meters,
        stage=reaction.goto or state.stage,
        pending=reaction.asks or state.pending,
        escalation_requested=state.escalation_requested or "request_escalation" in reaction.buyer_moves,
    )


def _ending(scn: Scenario, state: BuyerState, ctx: Context, reaction: Reaction | None) -> Ending | None:
    if reaction is not None and reaction.end:
        return scn.ending(reaction.end)
    for e in scn.endings:
        if not e.when.get("rep_ended") and not e.when.get("timeout") and matches(e.when, ctx):
            return e
    budget = scn.clock.budget
    if (budget is not None and state.clock >= budget) or state.turn_in_call >= scn.max_turns:
        return finish(scn, state, timeout=True)
    return None


def finish(scn: Scenario, state: BuyerState, timeout: bool = False) -> Ending:
    """The ending that applies when the rep hangs up (or the clock runs out)."""
    ctx = replace(_context(scn, state, frozenset(), 0, None, None), rep_ended=not timeout, timeout=timeout)
    key = "timeout" if timeout else "rep_ended"
    candidates = [e for e in scn.endings if e.when.get(key)]
    for e in candidates:
        if matches(e.when, ctx):
            return e
    return candidates[-1] if candidates else scn.endings[-1]


def hang_up(scn: Scenario, state: BuyerState) -> tuple[BuyerState, BuyerReply]:
    """The rep ends the call: the scenario's matching ending and its last line."""
    ending = finish(scn, state)
    return replace(state, ended=ending.id), BuyerReply(text=ending.line, buyer_moves=ending.buyer_moves, ending=ending)


def callback(scn: Scenario, state: BuyerState, rng: random.Random, days: int | None = None) -> tuple[BuyerState, BuyerReply]:
    """Skip time and start the next call of a multi-call scenario.

    The buyer remembers the last call's promise and whether this call keeps it.
    """
    if state.call >= scn.calls:
        raise ValueError(f"{scn.id} has {scn.calls} call(s); there is no call {state.call + 1}")
    skip = scn.callback.after_days if days is None else days
    promised = next((p.day for p in reversed(state.promises) if p.day is not None), None)
    meters = {k: scn.meter(k).clamp(scn.callback.meters.get(k, v)) for k, v in state.meters.items()}
    new = replace(
        state,
        meters=meters,
        call=state.call + 1,
        day=state.day + skip,
        turn_in_call=0,
        clock=0.0,
        counts={},
        pending=None,
        dodges=0,
        promises=(),
        commitment=keeping(promised, skip),
        referenced=False,
        stage=scn.callback.stage or state.stage,
        ended=None,
    )
    text, new = _pick(scn.callback.opening or scn.opening, new, rng)
    return new, BuyerReply(text=text)


def _context(scn: Scenario, s: BuyerState, moves: frozenset[str], words: int,
             answered: str | None, dodged: str | None) -> Context:
    return Context(
        moves=moves,
        stage=s.stage,
        meters=s.meters,
        pending=s.pending,
        answered=answered,
        dodged=dodged,
        dodges=s.dodges,
        counts=s.counts,
        call=s.call,
        turn=s.turn,
        turn_in_call=s.turn_in_call,
        clock=s.clock,
        words=words,
        long_turn=words > scn.clock.monologue_words,
        escalation_requested=s.escalation_requested,
        commitment=s.commitment,
        referenced=s.referenced,
        difficulty=s.difficulty,
    )


def _pick(lines: tuple[str, ...], state: BuyerState, rng: random.Random) -> tuple[str, BuyerState]:
    """A line not said yet in this scenario when one is left; seeded choice."""
    fresh = [line for line in lines if line not in state.used_lines]
    text = rng.choice(fresh or list(lines))
    return text, replace(state, used_lines=state.used_lines | {text})


def mood(scn: Scenario, state: BuyerState) -> float:
    """0 (hostile) .. 1 (warm): the average goodness of the meters, for portraits."""
    if not scn.meters:
        return 0.5
    return sum(m.goodness(state.meters[m.name]) for m in scn.meters) / len(scn.meters)
