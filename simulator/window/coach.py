"""Live coach hints for practice mode. Pure: the call so far in, one hint out.

The hint reads the buyer's last turn (venting, an objection, a request to
escalate), the scorecard of the call so far (a flag on the rep's last turn), the
clock, the talk share and the buyer's state. The window only draws the result.

>>> from simulator.scoring import Turn
>>> turns = [Turn("buyer", "Two days and nothing works!", ("vent",))]
>>> hint(None, None, turns).key
'vent'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from simulator.scoring import TIPS, Turn, score

#: Plain titles for the scorecard's rule ids.
RULE_TITLES = {
    "premature_concession": "Premature concession",
    "unnecessary_handoff": "Unnecessary handoff",
    "refused_escalation": "Refused escalation",
    "blame_or_excuse": "Blame or excuse",
    "missed_empathy": "Missed empathy",
    "long_monologue": "Long monologue",
    "no_next_step": "No next step",
    "pressure_tactic": "Pressure tactic",
    "brush_off": "Brush-off",
    "vague_commitment": "Vague commitment",
    "unreferenced_callback": "Call-back without context",
    "broken_promise": "Broken promise",
    "handoff_without_ownership": "Handoff without ownership",
}


def rule_title(rule: str) -> str:
    """A plain title for a scorecard rule id.

    >>> rule_title("premature_concession"), rule_title("some_new_rule")
    ('Premature concession', 'Some new rule')
    """
    return RULE_TITLES.get(rule, rule.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Hint:
    key: str  # what triggered it, stable for tests
    text: str


def hint(scenario: Any, state: Any, turns: Sequence[Turn]) -> Hint | None:
    """The one thing most worth doing next, or None.

    ``scenario`` and ``state`` (a :class:`~simulator.engine.BuyerState`) may be
    None; the hint then comes from the turns alone.
    """
    if not turns or (state is not None and getattr(state, "ended", None)):
        return None
    call = turns[-1].call
    this_call = [t for t in turns if t.call == call]
    rep_turns = [t for t in this_call if t.speaker == "rep"]
    last_buyer = next((t for t in reversed(this_call) if t.speaker == "buyer"), None)
    last_rep = rep_turns[-1] if rep_turns else None
    buyer_moves = set(last_buyer.moves) if last_buyer else set()

    # a later call of a multi-call scenario starts by picking up the last one
    if call > 1 and not rep_turns:
        commitment = getattr(state, "commitment", "none") if state is not None else "none"
        if commitment in ("early", "late"):
            return Hint("callback_changed", "You're calling at a different time than you promised: say so and why, first.")
        return Hint("callback", "Pick up where you left off: mention your last call and what you promised.")

    if "request_escalation" in buyer_moves:
        return Hint("escalation", "They asked for someone higher: agree, and stay their contact with a time you'll call.")
    if "vent" in buyer_moves:
        return Hint("vent", "The buyer is venting: acknowledge the feeling before you fix anything.")

    # the rep's last turn drew a flag: say what would have been better
    if last_rep is not None:
        n = max(i for i, t in enumerate(turns, 1) if t.speaker == "rep")
        card = score(list(turns), getattr(scenario, "weights", None))
        flags = [f for f in card.flags if f.turn == n and f.rule != "no_next_step"]
        if flags:
            worst = max(flags, key=lambda f: f.severity)
            better = worst.better or TIPS.get(worst.rule, ("", ""))[1]
            return Hint(f"flag:{worst.rule}", f"{rule_title(worst.rule)}. {better}")

    if buyer_moves & {"objection_price", "objection_terms"}:
        return Hint("objection", "A price or terms objection: ask what worries them before you offer anything.")
    if "objection_need" in buyer_moves:
        return Hint("need", "They doubt they need it: teach them something about their own business.")
    if "hesitation" in buyer_moves:
        return Hint("hesitation", "They're hesitating: ask what's holding them back; don't rush to a discount.")
    if "question" in buyer_moves or (state is not None and getattr(state, "pending", None)):
        return Hint("question", "They asked you something: answer it yourself, with a reason tied to their business.")

    clock = getattr(getattr(scenario, "clock", None), "budget", None)
    if clock and state is not None and getattr(state, "clock", 0) >= 0.75 * clock:
        return Hint("time", "Time is nearly up: land the next step now.")

    rep_words = sum(t.words for t in this_call if t.speaker == "rep")
    all_words = sum(t.words for t in this_call) or 1
    if len(rep_turns) >= 3 and rep_words / all_words > 0.65:
        return Hint("talk_share", "You're doing most of the talking: ask an open question and listen.")
    if last_rep is not None and not last_rep.moves:
        return Hint("unclear", "The buyer couldn't tell what you meant: say it plainly.")

    if scenario is not None and state is not None:
        from simulator import engine

        closing = getattr(state, "stage", None) == scenario.stages[-1]
        asked = any("ask_for_business" in t.moves for t in rep_turns)
        if (closing or engine.mood(scenario, state) >= 0.65) and not asked and rep_turns:
            return Hint("close", "They're warming up: ask for the next step.")
    if not rep_turns:
        return Hint("open", "Open warmly, then find out what they need before you offer anything.")
    return None
