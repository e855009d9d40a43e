"""One practice call: the object the console, the window and workshops all drive.

A session ties the pure core together for one call: it reads the rep's moves,
steps the buyer engine with a seeded generator, keeps the call record, scores
it, and hands every turn to an optional store as it happens (so a crash loses
no completed turn). It holds no user-interface code.

>>> from simulator import library
>>> s = Session(library.load("angry-customer"), rep="Ana", seed=3, recognize=lambda texts: [frozenset({"empathy"})] * len(texts))
>>> s.turns[0].speaker
'buyer'
>>> ex = s.say("That sounds really frustrating.")
>>> ex.rep.moves, s.state.stage
(('empathy',), 'venting')
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from simulator import engine
from simulator.engine import BuyerReply, BuyerState, RepTurn
from simulator.moves import sort_moves
from simulator.scenario import Scenario
from simulator.scoring import Scorecard, Turn, score

Recognize = Callable[[Sequence[str]], list[frozenset[str]]]


class Store(Protocol):
    """Where a session writes itself as it goes (see :mod:`simulator.storage`)."""

    def begin(self, session: "Session") -> None: ...
    def add_turn(self, session: "Session", number: int, turn: Turn, extra: dict) -> None: ...
    def finish(self, session: "Session", status: str, card: Scorecard) -> None: ...


@dataclass(frozen=True)
class Exchange:
    """One rep turn and the buyer's answer."""

    rep: Turn
    buyer: Turn
    reply: BuyerReply

    @property
    def ended(self) -> bool:
        return self.reply.ending is not None


def _default_recognize(side: str) -> Recognize:
    def run(texts: Sequence[str]) -> list[frozenset[str]]:
        from simulator import recognizer

        return recognizer.recognize(texts, side)

    return run


class Session:
    def __init__(self, scenario: Scenario, rep: str = "", seed: int | None = None,
                 difficulty: str = "normal", recognize: Recognize | None = None,
                 recognize_buyer: Recognize | None = None, store: Store | None = None,
                 mode: str = "practice", workshop: str | None = None, session_id: str | None = None):
        self.scenario = scenario
        self.rep = rep.strip() or "rep"
        self.seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        self.difficulty = difficulty
        self.mode = mode
        self.workshop = workshop
        self.id = session_id or uuid.uuid4().hex
        self.rng = random.Random(self.seed)
        self._recognize = recognize or _default_recognize("rep")
        self._recognize_buyer = recognize_buyer or (
            (lambda texts: [frozenset()] * len(texts)) if recognize is not None else _default_recognize("buyer"))
        self.store = store
        self.turns: list[Turn] = []
        self.extras: list[dict] = []  # per turn: deltas and other explanations
        self.history: list[BuyerState] = []  # buyer state after each turn, for replays and rewind
        self.status = "in_progress"
        self.outcome: str | None = None
        self.result: str | None = None
        #: seconds of talk so far (spoken rep turns in real time, the rest estimated);
        #: it stamps turns with start/end so delivery metrics by time appear for spoken calls
        self.clock = 0.0
        self.state, reply = engine.start(scenario, self.rng, difficulty)
        if store is not None:
            store.begin(self)
        self._add(Turn("buyer", reply.text, sort_moves(reply.buyer_moves), self.state.snapshot(), call=1,
                       **self._span(reply.text)), {})

    # -- reading ------------------------------------------------------------
    @property
    def ended(self) -> bool:
        """The whole session is over (every call of it)."""
        return self.status != "in_progress"

    @property
    def between_calls(self) -> bool:
        """A call of a multi-call scenario ended and the next one has not started."""
        return self.status == "in_progress" and self.state.ended is not None

    def mood(self) -> float:
        return engine.mood(self.scenario, self.state)

    def moves_of(self, text: str) -> frozenset[str]:
        return self._recognize([text])[0]

    # -- acting -------------------------------------------------------------
    def say(self, text: str, seconds: float | None = None, moves: frozenset[str] | None = None,
            interrupted: bool = False, speaker_label: str | None = None) -> Exchange:
        """The rep says ``text``; the buyer answers. Raises ValueError after the call ended."""
        if self.ended or self.between_calls:
            raise ValueError("the call has ended" + (": call back first" if self.between_calls else ""))
        text = " ".join(text.split())
        found = self.moves_of(text) if moves is None else moves
        state, reply = engine.step(self.scenario, self.state, RepTurn(text, frozenset(found), seconds), self.rng)
        rep_turn = Turn("rep", text, sort_moves(found), None, call=self.state.call, interrupted=interrupted,
                        **self._span(text, seconds, rep=True))
        extra = {"by": speaker_label} if speaker_label else {}
        self._add(rep_turn, extra)
        self.state = state
        buyer_moves = reply.buyer_moves or tuple(self._recognize_buyer([reply.text])[0])
        buyer_turn = Turn("buyer", reply.text, sort_moves(buyer_moves), state.snapshot(), call=state.call,
                          **self._span(reply.text))
        self._add(buyer_turn, {"deltas": {k: dict(v) for k, v in reply.deltas.items()},
                               "answered": reply.answered, "dodged": reply.dodged})
        if reply.ending is not None and not self.can_call_back_after(reply):
            self._close("complete", reply.ending.id, reply.ending.result)
        return Exchange(rep_turn, buyer_turn, reply)

    def can_call_back_after(self, reply: BuyerReply) -> bool:
        """A multi-call scenario goes on after a call ends unless the buyer walked away."""
        return (self.state.call < self.scenario.calls and reply.ending is not None
                and reply.ending.result != "lost")

    def callback(self, days: int | None = None) -> Turn:
        """Skip time and start the next call (multi-call scenarios)."""
        if self.state.call >= self.scenario.calls or self.ended:
            raise ValueError(f"{self.scenario.title} has no further call")
        self.state, reply = engine.callback(self.scenario, self.state, self.rng, days)
        snap = {**self.state.snapshot(), "commitment": self.state.commitment, "day": self.state.day}
        turn = Turn("buyer", reply.text, sort_moves(reply.buyer_moves), snap, call=self.state.call,
                    **self._span(reply.text))
        self._add(turn, {"callback_days": self.state.day})
        return turn

    def hang_up(self) -> Turn | None:
        """The rep ends the call; the buyer's last line per the scenario's endings.

        Between the calls of a multi-call scenario the last call's ending stands.
        """
        if self.ended:
            raise ValueError("the call has ended")
        if self.between_calls:
            ending = self.scenario.ending(self.state.ended)
            self._close("complete", ending.id, ending.result)
            return None
        self.state, reply = engine.hang_up(self.scenario, self.state)
        moves = reply.buyer_moves or tuple(self._recognize_buyer([reply.text])[0])
        turn = Turn("buyer", reply.text, sort_moves(moves), self.state.snapshot(), call=self.state.call,
                    **self._span(reply.text))
        self._add(turn, {"ending": reply.ending.id if reply.ending else None})
        assert reply.ending is not None
        self._close("complete", reply.ending.id, reply.ending.result)
        return turn

    def abandon(self) -> None:
        """The call stopped without an ending (Ctrl-C, end of input, window closed)."""
        if self.status == "in_progress":
            self._close("abandoned", "abandoned", "lost")

    def rewind(self) -> None:
        """Practice mode: take back the last rep turn and the buyer's answer."""
        if self.mode != "practice":
            raise ValueError("rewind is only available in practice mode")
        if len(self.turns) < 3 or self.ended or self.turns[-1].speaker != "buyer" or self.turns[-2].speaker != "rep":
            raise ValueError("nothing to take back")
        del self.turns[-2:], self.extras[-2:], self.history[-2:]
        self.state = self.history[-1]
        self.clock = self.turns[-1].end if self.turns[-1].end is not None else self.clock
        self.rng = random.Random(f"{self.seed}:{len(self.turns)}:rewind")

    # -- results ------------------------------------------------------------
    def scorecard(self) -> Scorecard:
        return score(self.turns, self.scenario.weights)

    def to_dict(self) -> dict[str, Any]:
        """The ``play --json`` shape of CONTRACT.md."""
        card = self.scorecard()
        return {
            "session_id": self.id,
            "scenario": self.scenario.id,
            "rep": self.rep,
            "seed": self.seed,
            "difficulty": self.difficulty,
            "status": self.status,
            "outcome": self.outcome,
            "result": self.result,
            **card.to_dict(),
            "turns": [
                {"speaker": t.speaker, "text": t.text, "moves": list(t.moves), "buyer_state": t.buyer_state,
                 "call": t.call, **{k: v for k, v in x.items() if v}}
                for t, x in zip(self.turns, self.extras)
            ],
        }

    def _span(self, text: str, seconds: float | None = None, rep: bool = False) -> dict:
        """Start and end of the next turn on the session clock.

        Buyer turns and spoken rep turns (``seconds`` given) are stamped; a typed rep
        turn is not (it has no real duration), but the clock still moves on by its
        estimated speaking time.
        """
        spoken = seconds is not None and seconds >= 0
        length = float(seconds) if spoken else engine.speaking_seconds(self.scenario, text)
        start = self.clock
        self.clock = start + length
        stamped = spoken or not rep
        return {"start": round(start, 3), "end": round(self.clock, 3)} if stamped else {}

    def _add(self, turn: Turn, extra: dict) -> None:
        self.turns.append(turn)
        self.extras.append(extra)
        self.history.append(self.state)
        if self.store is not None:
            self.store.add_turn(self, len(self.turns), turn, extra)

    def _close(self, status: str, outcome: str, result: str) -> None:
        self.status, self.outcome, self.result = status, outcome, result
        if self.store is not None:
            self.store.finish(self, status, self.scorecard())
