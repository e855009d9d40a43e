"""Which buyer lines can come next: what the speaker renders ahead. Pure.

Cheap on purpose: every line of every reaction that could still match in the
buyer's current stage (a reaction with no ``stage`` condition, or one naming
this stage), skipping only what the state rules out for certain (another call,
a question that is not pending, an escalation not asked for), plus the
endings' lines. Lines the buyer has used are left out unless a reaction has
no fresh line left (the engine then repeats one). Likely lines come first:
reactions without move conditions (the catch-alls) and the pending
question's answers before the specific ones.

>>> from simulator import library
>>> import random
>>> from simulator import engine
>>> scn = library.load("angry-customer")
>>> state, first = engine.start(scn, random.Random(1))
>>> lines = next_lines(scn, state)
>>> len(lines) > 5 and first.text not in lines
True
"""

from __future__ import annotations

from typing import Any, Mapping

from simulator.engine import FALLBACK_LINES, BuyerState
from simulator.scenario import Reaction, Scenario


def _as_set(value: Any) -> set:
    return {value} if isinstance(value, (str, int)) else set(value or ())


def could_match(when: Mapping[str, Any], state: BuyerState) -> bool:
    """False only when the state rules the clause out whatever the rep says next."""
    if "stage" in when and state.stage not in _as_set(when["stage"]):
        return False
    if "call" in when and isinstance(when["call"], int) and when["call"] != state.call:
        return False
    if "answered" in when or "dodged" in when or "pending" in when:
        wanted = _as_set(when.get("answered") or when.get("dodged") or when.get("pending"))
        if state.pending not in wanted:
            return False
    if when.get("escalation_requested") is True and not state.escalation_requested:
        # the reaction that asks for escalation may come first, but not in the same turn
        return False
    return True


def _fresh(lines: tuple[str, ...], used: frozenset[str]) -> list[str]:
    fresh = [ln for ln in lines if ln not in used]
    return fresh or list(lines)


def next_lines(scn: Scenario, state: BuyerState, limit: int | None = None) -> list[str]:
    """Buyer lines that may follow the rep's next turn, most likely first, without duplicates."""
    if state.ended:
        return []
    reactions = [r for r in scn.reactions if could_match(r.when, state)]

    def rank(r: Reaction) -> int:
        w = r.when
        if not any(k in w for k in ("moves", "all_moves")):
            return 0  # catch-alls and state-driven reactions
        if "answered" in w or "dodged" in w:
            return 1
        return 2

    out: list[str] = []
    seen: set[str] = set()
    for r in sorted(reactions, key=rank):
        for line in _fresh(r.lines, state.used_lines):
            if line not in seen:
                seen.add(line)
                out.append(line)
    for e in scn.endings:
        if e.line not in seen and could_match(e.when, state):
            seen.add(e.line)
            out.append(e.line)
    for line in FALLBACK_LINES:
        if line not in seen:
            out.append(line)
    return out[:limit] if limit else out


def opening_lines(scn: Scenario) -> list[str]:
    """What the buyer may say when the call (or a call back) starts."""
    out = list(dict.fromkeys(list(scn.opening) + list(scn.callback.opening)))
    return out
