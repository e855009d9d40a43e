"""The move vocabulary: what a rep or a buyer does in one utterance.

Every utterance is read as a *set* of moves. The ids are a contract shared by
the recognizer, the scenario files, the scorecard and the score logs.

>>> sort_moves({"handoff", "apology"})
('apology', 'handoff')
>>> is_rep_move("pitch"), is_buyer_move("vent")
(True, True)
"""

from __future__ import annotations

from typing import Iterable

REP_MOVES: tuple[str, ...] = (
    "greeting",
    "rapport",
    "empathy",
    "apology",
    "thanks",
    "paraphrase",
    "discovery_question",
    "closed_question",
    "insight",
    "pitch",
    "concession",
    "handoff",
    "refuse_escalation",
    "commitment",
    "action_plan",
    "reassurance",
    "ask_for_business",
    "excuse",
    "brush_off",
    "pressure",
    "reference_prior",
)

BUYER_MOVES: tuple[str, ...] = (
    "vent",
    "question",
    "objection_price",
    "objection_terms",
    "objection_need",
    "hesitation",
    "request_escalation",
    "agreement",
    "rejection",
    "small_talk",
)

#: One-line meaning of each rep move, shown by ``classify --explain`` and docs.
REP_MOVE_HELP: dict[str, str] = {
    "greeting": "opens the call, introduces self or company",
    "rapport": "small talk, common ground, personal warmth",
    "empathy": "names or acknowledges the buyer's feelings or situation",
    "apology": "says sorry for a problem",
    "thanks": "thanks the buyer",
    "paraphrase": "reflects back or recaps what the buyer said",
    "discovery_question": "open question about the buyer's situation, needs, goals",
    "closed_question": "yes/no or narrow factual question",
    "insight": "a reason, figure or perspective tied to the buyer's business",
    "pitch": "describes the product, its features or generic benefits",
    "concession": "gives something away: discount, shorter term, free extra",
    "handoff": "passes the buyer to someone else",
    "refuse_escalation": "declines the buyer's request to reach someone higher",
    "commitment": "promises a specific follow-up action, ideally with a time",
    "action_plan": "lays out or documents the concrete next steps",
    "reassurance": "assures the buyer it will be handled, takes ownership",
    "ask_for_business": "asks for the order, the meeting or the next step",
    "excuse": "blames systems, colleagues or the buyer",
    "brush_off": "stalls, dodges or defers without substance",
    "pressure": "pushy urgency or manipulation",
    "reference_prior": "refers to an earlier conversation, promise or call",
}

_ORDER = {m: i for i, m in enumerate(REP_MOVES + BUYER_MOVES)}


def sort_moves(moves: Iterable[str]) -> tuple[str, ...]:
    """Moves in vocabulary order, each once (unknown ids last, alphabetically)."""
    return tuple(sorted(set(moves), key=lambda m: (_ORDER.get(m, len(_ORDER)), m)))


def is_rep_move(move: str) -> bool:
    return move in REP_MOVES


def is_buyer_move(move: str) -> bool:
    return move in BUYER_MOVES
