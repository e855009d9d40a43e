"""``when:`` clauses of scenario files: tiny, declarative, evaluated purely.

A clause is a mapping; every key must hold for the clause to match (an empty
clause always matches). Numbers are compared with strings such as ``">= 60"``,
``"< 3"``, ``"20..40"`` (inclusive range) or a bare number (equality).

>>> ctx = Context(moves=frozenset({"empathy"}), stage="venting", meters={"temper": 70})
>>> matches({"moves": ["empathy", "apology"], "meters": {"temper": ">= 60"}}, ctx)
True
>>> matches({"stage": "closing"}, ctx)
False
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

_OPS = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
_CMP = re.compile(r"^\s*(<=|>=|==|!=|<|>)?\s*(-?\d+(?:\.\d+)?)\s*$")
_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$")

#: Keys a ``when:`` clause may use, with what each one tests.
CONDITION_KEYS: dict[str, str] = {
    "moves": "any of these rep moves is in this turn",
    "all_moves": "all of these rep moves are in this turn",
    "not_moves": "none of these rep moves is in this turn",
    "no_moves": "true when no move was recognised in this turn",
    "stage": "the buyer is in this stage (or one of a list)",
    "meters": "meter comparisons, e.g. {trust: '>= 60'}",
    "pending": "the buyer is waiting for an answer to this question id ('none': to no question)",
    "answered": "this turn answered this question id",
    "dodged": "this turn dodged this question id",
    "dodges": "how often the pending questions were dodged so far, e.g. '>= 2'",
    "counts": "how often each rep move occurred in this call, e.g. {handoff: '>= 2'}",
    "call": "which call of a multi-call scenario (1, 2, ...)",
    "turn": "rep turns so far in the whole scenario",
    "turn_in_call": "rep turns so far in this call",
    "clock": "seconds on the call clock",
    "words": "words in this rep turn",
    "long_turn": "this rep turn is longer than clock.monologue_words",
    "escalation_requested": "the buyer has asked for someone higher",
    "commitment": "how the last call's promise went: none, kept, early, late",
    "referenced": "the rep has referred to the earlier call in this call",
    "rep_ended": "the rep ended the call (or the script ran out)",
    "timeout": "the clock budget or the turn limit ran out",
    "difficulty": "easy, normal or hard",
}


def parse_comparison(text: Any) -> tuple[str, float, float | None]:
    """Parse ``">= 60"`` into ``(">=", 60.0, None)``; ranges give ``("..", lo, hi)``.

    >>> parse_comparison("20..40")
    ('..', 20.0, 40.0)
    >>> parse_comparison(3)
    ('==', 3.0, None)
    """
    if isinstance(text, bool):
        raise ValueError(f"expected a comparison like '>= 60', got {text!r}")
    if isinstance(text, (int, float)):
        return "==", float(text), None
    if isinstance(text, str):
        m = _RANGE.match(text)
        if m:
            return "..", float(m.group(1)), float(m.group(2))
        m = _CMP.match(text)
        if m:
            return m.group(1) or "==", float(m.group(2)), None
    raise ValueError(f"expected a comparison like '>= 60' or '20..40', got {text!r}")


def compare(value: float, spec: Any) -> bool:
    op, a, b = parse_comparison(spec)
    if op == "..":
        return a <= value <= b  # type: ignore[operator]
    return _OPS[op](value, a)


def _as_set(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(value or ())


@dataclass(frozen=True)
class Context:
    """Everything a ``when:`` clause can look at, for one moment of a call."""

    moves: frozenset[str] = frozenset()
    stage: str = ""
    meters: Mapping[str, float] = field(default_factory=dict)
    pending: str | None = None
    answered: str | None = None
    dodged: str | None = None
    dodges: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)
    call: int = 1
    turn: int = 0
    turn_in_call: int = 0
    clock: float = 0.0
    words: int = 0
    long_turn: bool = False
    escalation_requested: bool = False
    commitment: str = "none"
    referenced: bool = False
    rep_ended: bool = False
    timeout: bool = False
    difficulty: str = "normal"


def matches(when: Mapping[str, Any] | None, ctx: Context) -> bool:
    """True when every key of ``when`` holds in ``ctx``."""
    for key, want in (when or {}).items():
        if not _holds(key, want, ctx):
            return False
    return True


def _holds(key: str, want: Any, ctx: Context) -> bool:
    if key == "moves":
        return bool(_as_set(want) & ctx.moves)
    if key == "all_moves":
        return _as_set(want) <= ctx.moves
    if key == "not_moves":
        return not (_as_set(want) & ctx.moves)
    if key == "no_moves":
        return (not ctx.moves) == bool(want)
    if key == "pending":
        return (ctx.pending or "none") in _as_set(want)
    if key in ("stage", "commitment", "difficulty", "answered", "dodged"):
        return getattr(ctx, key) in _as_set(want)
    if key == "meters":
        return all(compare(ctx.meters.get(name, 0.0), spec) for name, spec in want.items())
    if key == "counts":
        return all(compare(ctx.counts.get(move, 0), spec) for move, spec in want.items())
    if key in ("call", "turn", "turn_in_call", "clock", "words", "dodges"):
        return compare(getattr(ctx, key), want)
    if key in ("long_turn", "escalation_requested", "referenced", "rep_ended", "timeout"):
        return getattr(ctx, key) == bool(want)
    raise KeyError(f"unknown condition {key!r}")
