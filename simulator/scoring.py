"""Scorecards: what the rep did well and badly, turn by turn. Pure.

The same function scores a live call and an imported transcript: it takes the
turns of a call (speaker, text, moves, optional times and buyer state) and
returns scores (0-100, higher is better), flags (a stable rule id, the turn,
the quote and a coaching tip), highlights and conversation metrics.

>>> card = score([Turn("buyer", "Your panel has been broken for two days!", ("vent",)),
...               Turn("rep", "It works fine on my end.", ("excuse",))])
>>> sorted(f.rule for f in card.flags)
['blame_or_excuse', 'missed_empathy', 'no_next_step']
>>> card.scores["rapport"] < 50
True
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from simulator.commitments import promised_day

REP, BUYER = "rep", "buyer"
ACKNOWLEDGE = frozenset({"empathy", "apology", "paraphrase", "thanks"})
EXPLORE = frozenset({"discovery_question", "closed_question", "insight", "paraphrase"})
OWNERSHIP = frozenset({"reassurance", "commitment", "action_plan"})
OBJECTIONS = frozenset({"objection_price", "objection_terms"})
#: Seed 002's recovery process, in order, as rep moves.
RECOVERY_STEPS = ("empathy", "thanks", "paraphrase", "reassurance", "action_plan", "commitment", "ask_for_business")
MONOLOGUE_WORDS = 80
MONOLOGUE_SECONDS = 45.0
_TRADE = re.compile(r"\b(if you|in return|provided (?:that )?you|as long as you|in exchange|on condition|when you sign|if we can agree)\b", re.I)
_FILLERS = re.compile(r"\b(um+|uh+|er+|erm|you know|i mean|kind of|sort of|like,)\b", re.I)
DEFAULT_WEIGHTS = {"rapport": 1.0, "concessions": 1.0, "handoffs": 1.0, "discovery": 1.0,
                   "recovery": 1.0, "follow_up": 1.0, "brevity": 0.5}

#: rule -> (coaching tip, what a better line would have done)
TIPS: dict[str, tuple[str, str]] = {
    "premature_concession": (
        "You gave something away before the buyer pushed back, or before you knew why they pushed back. "
        "Early concessions make buyers wonder what else you would drop.",
        "Ask what worries them about the price or the term, restate the value, and only then trade: "
        "'If we could shorten the term, would you be ready to start this month?'"),
    "unnecessary_handoff": (
        "Nobody asked for anyone else, yet you passed the buyer on. When they are engaged and asking you "
        "questions, that is the moment to answer, not to book a demo.",
        "Answer the question yourself in a sentence tied to their business, then ask one back."),
    "refused_escalation": (
        "The buyer asked to reach someone higher and you said no. Refusing makes you the obstacle.",
        "Honour the request and keep ownership: 'I'll brief my director today and stay your contact until this is fixed.'"),
    "blame_or_excuse": (
        "Blaming a system, a colleague or the buyer tells them the problem is theirs to carry.",
        "Own it: 'That's on us. Let me find out exactly what's happening on your side.'"),
    "missed_empathy": (
        "The buyer was upset and your next line did not acknowledge it. People don't listen to fixes until they feel heard.",
        "Name the feeling first: 'Two days without your numbers would frustrate anyone.'"),
    "long_monologue": (
        "A long stretch without handing the turn back. Buyers tune out; top reps talk well under half the call.",
        "Say the one point that matters to them, then ask a question."),
    "no_next_step": (
        "The call ended without a concrete next step: no time, no owner, no ask.",
        "Close with a specific commitment or ask: 'I'll call you Thursday at ten with the figures. Does that work?'"),
    "pressure_tactic": (
        "Pushy urgency erodes trust and invites cancellations once the buyer cools off.",
        "Give a real reason to act that is about their situation, then let them decide."),
    "brush_off": (
        "You stalled or walked away from the conversation. The buyer hears that they are not a priority.",
        "Stay with them, or set a precise time you will come back and keep it."),
    "vague_commitment": (
        "A promise with no time is easy to forget and hard to trust.",
        "Attach a day and an hour: 'I'll send it by noon tomorrow.'"),
    "unreferenced_callback": (
        "You called back without referring to what you had said last time. If the timing changed, say why.",
        "'I know I said I'd call on Thursday; I'm calling early because the pricing changed.'"),
    "broken_promise": (
        "You called at a different time than you promised and did not explain it. Inconsistency costs trust.",
        "Keep the time you set, or open by naming the change and the reason."),
    "handoff_without_ownership": (
        "You honoured the request to escalate but let go of the buyer completely.",
        "Escalate and stay the point of contact: 'I'll bring my manager in and I'll call you at four either way.'"),
}


@dataclass(frozen=True)
class Turn:
    """One turn of a call. ``start``/``end`` are seconds when the call was timed."""

    speaker: str
    text: str
    moves: tuple[str, ...] = ()
    buyer_state: Mapping[str, Any] | None = None
    start: float | None = None
    end: float | None = None
    call: int = 1
    interrupted: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return max(0.0, self.end - self.start)


@dataclass(frozen=True)
class Flag:
    rule: str
    turn: int
    speaker: str
    quote: str
    tip: str
    better: str = ""
    severity: int = 1  # 1 minor, 2 serious, 3 critical


@dataclass(frozen=True)
class Highlight:
    rule: str
    turn: int
    quote: str
    note: str


@dataclass(frozen=True)
class Scorecard:
    scores: Mapping[str, int]
    flags: tuple[Flag, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    metrics: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "scores": dict(self.scores),
            "flags": [asdict(f) for f in self.flags],
            "highlights": [asdict(h) for h in self.highlights],
            "metrics": dict(self.metrics),
        }


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _clamp(x: float) -> int:
    return int(round(max(0.0, min(100.0, x))))


class _Findings:
    def __init__(self) -> None:
        self.flags: list[Flag] = []
        self.highlights: list[Highlight] = []

    def flag(self, rule: str, n: int, turn: Turn, severity: int = 1) -> None:
        tip, better = TIPS[rule]
        self.flags.append(Flag(rule, n, turn.speaker, _quote(turn.text), tip, better, severity))

    def good(self, rule: str, n: int, turn: Turn, note: str) -> None:
        self.highlights.append(Highlight(rule, n, _quote(turn.text), note))

    def count(self, rule: str) -> int:
        return sum(1 for f in self.flags if f.rule == rule)


def score(turns: Sequence[Turn], weights: Mapping[str, float] | None = None) -> Scorecard:
    """Score a finished (or abandoned) call. Turn numbers count both speakers from 1."""
    found = _Findings()
    numbered = list(enumerate(turns, 1))
    rep = [(n, t) for n, t in numbered if t.speaker == REP]
    buyer = [(n, t) for n, t in numbered if t.speaker == BUYER]
    upset = any("vent" in t.moves for _, t in buyer)

    _empathy_and_blame(numbered, found)
    concessions = _concessions(numbered, found)
    handoffs = _handoffs(numbered, found)
    metrics = _metrics(turns, rep)
    _monologues(rep, found)
    follow_up = _follow_up(numbered, rep, found)

    moves_used = [m for _, t in rep for m in t.moves]
    share = metrics["rep_talk_share"]
    rapport = 62.0
    rapport += min(12, 6 * sum(1 for m in moves_used if m == "rapport"))
    rapport += min(16, 8 * moves_used.count("empathy"))
    rapport += min(12, 6 * moves_used.count("paraphrase"))
    rapport += min(8, 3 * moves_used.count("discovery_question"))
    rapport -= 14 * found.count("missed_empathy")
    rapport -= 15 * moves_used.count("excuse") + 15 * moves_used.count("pressure") + 10 * moves_used.count("brush_off")
    if share > 0.65:
        rapport -= (share - 0.65) * 100
    elif rep and 0.3 <= share <= 0.55:
        rapport += 6

    open_q, closed_q = metrics["open_questions"], metrics["closed_questions"]
    discovery = 20 + 18 * min(open_q, 4) + 4 * min(closed_q, 3) + 8 * min(moves_used.count("paraphrase"), 2) \
        + 8 * min(moves_used.count("insight"), 2) - 12 * found.count("long_monologue")

    scores: dict[str, float] = {
        "rapport": rapport,
        "concessions": concessions,
        "handoffs": handoffs,
        "discovery": discovery,
        "follow_up": follow_up,
        "brevity": _brevity(metrics),
    }
    if upset:
        scores["recovery"] = _recovery(rep, found)
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    total = sum(w.get(k, 1.0) for k in scores)
    overall = sum(v * w.get(k, 1.0) for k, v in scores.items()) / total if total else 0.0
    # a critical flag caps the overall score: a call with one is never a good call
    if any(f.severity >= 3 for f in found.flags):
        overall = min(overall, 55.0)
    out = {"overall": _clamp(overall), **{k: _clamp(v) for k, v in scores.items()}}
    flags = tuple(sorted(found.flags, key=lambda f: (f.turn, f.rule)))
    return Scorecard(out, flags, tuple(sorted(found.highlights, key=lambda h: h.turn)), metrics)


def _empathy_and_blame(numbered: list[tuple[int, Turn]], found: _Findings) -> None:
    for i, (n, t) in enumerate(numbered):
        if t.speaker == BUYER and "vent" in t.moves:
            nxt = next(((m, r) for m, r in numbered[i + 1:] if r.speaker == REP), None)
            if nxt is not None:
                m, r = nxt
                if ACKNOWLEDGE & set(r.moves):
                    if "empathy" in r.moves:
                        found.good("empathy", m, r, "acknowledged the buyer's frustration before anything else")
                else:
                    found.flag("missed_empathy", m, r, 2)
        if t.speaker == REP:
            if "excuse" in t.moves:
                found.flag("blame_or_excuse", n, t, 2)
            if "pressure" in t.moves:
                found.flag("pressure_tactic", n, t, 2)
            if "brush_off" in t.moves:
                found.flag("brush_off", n, t, 2)
            if "paraphrase" in t.moves:
                found.good("paraphrase", n, t, "recapped the buyer's words, so they knew they were heard")
            if "insight" in t.moves:
                prev = _previous(numbered, i, BUYER)
                if prev is not None and "question" in prev.moves:
                    found.good("insight", n, t, "answered the buyer's question with a reason tied to their business")


def _previous(numbered: list[tuple[int, Turn]], i: int, speaker: str) -> Turn | None:
    for _, t in reversed(numbered[:i]):
        if t.speaker == speaker:
            return t
    return None


def _concessions(numbered: list[tuple[int, Turn]], found: _Findings) -> float:
    score = 100.0
    first_objection: int | None = None
    explored = False
    conceded = 0
    for i, (n, t) in enumerate(numbered):
        if t.speaker == BUYER:
            if OBJECTIONS & set(t.moves) and first_objection is None:
                first_objection = i
            continue
        moves = set(t.moves)
        if "concession" in moves:
            traded = bool(_TRADE.search(t.text)) or "ask_for_business" in moves
            premature = (first_objection is None or not explored) or (conceded >= 1 and not traded)
            if premature:
                found.flag("premature_concession", n, t, 3 if first_objection is None else 2)
                score -= 40
            elif traded:
                found.good("concession_traded", n, t, "traded the concession for a commitment after exploring the objection")
            conceded += 1
        if first_objection is not None and moves & EXPLORE:
            explored = True
    return score


def _handoffs(numbered: list[tuple[int, Turn]], found: _Findings) -> float:
    score = 100.0
    requested = False
    for i, (n, t) in enumerate(numbered):
        if t.speaker == BUYER:
            requested = requested or "request_escalation" in t.moves
            continue
        moves = set(t.moves)
        if "refuse_escalation" in moves and requested:
            found.flag("refused_escalation", n, t, 3)
            score -= 40
        if "handoff" in moves:
            if requested:
                nxt = next((r for _, r in numbered[i + 1:] if r.speaker == REP), None)
                owned = moves & OWNERSHIP or (nxt is not None and set(nxt.moves) & OWNERSHIP)
                if owned:
                    found.good("escalation_honoured", n, t, "honoured the request to escalate and kept ownership")
                else:
                    found.flag("handoff_without_ownership", n, t, 1)
                    score -= 10
            else:
                prev = _previous(numbered, i, BUYER)
                engaged = prev is not None and "question" in prev.moves
                found.flag("unnecessary_handoff", n, t, 3 if engaged else 2)
                score -= 45 if engaged else 30
    return score


def _monologues(rep: list[tuple[int, Turn]], found: _Findings) -> None:
    for n, t in rep:
        secs = t.seconds
        if t.words > MONOLOGUE_WORDS or (secs is not None and secs > MONOLOGUE_SECONDS):
            found.flag("long_monologue", n, t, 1)


def _follow_up(numbered: list[tuple[int, Turn]], rep: list[tuple[int, Turn]], found: _Findings) -> float:
    if not rep:
        return 0.0
    score = 50.0
    specific = vague = 0
    for n, t in rep:
        if "commitment" in t.moves:
            if promised_day(t.text) is not None or re.search(r"\b\d{1,2}(:\d\d)?\s*(am|pm|o'clock)?\b|\bnoon\b|o'clock", t.text, re.I):
                specific += 1
                found.good("specific_commitment", n, t, "made a promise with a time the buyer can hold them to")
            else:
                vague += 1
                found.flag("vague_commitment", n, t, 1)
    score += 40 if specific else (15 if vague else 0)
    if any("ask_for_business" in t.moves or "action_plan" in t.moves for _, t in rep):
        score += 10
    # multi-call: open the later call by referring to the earlier one
    calls = sorted({t.call for _, t in numbered})
    for call in calls[1:]:
        firsts = [(n, t) for n, t in rep if t.call == call][:2]
        if not firsts:
            continue
        status = next((t.buyer_state.get("commitment") for _, t in numbered
                       if t.call == call and t.buyer_state and t.buyer_state.get("commitment")), None)
        if any("reference_prior" in t.moves for _, t in firsts):
            found.good("referenced_prior", firsts[0][0], firsts[0][1], "picked up where the last call left off")
            score += 10
        elif status in ("early", "late"):
            found.flag("broken_promise", firsts[0][0], firsts[0][1], 2)
            score -= 40
        else:
            found.flag("unreferenced_callback", firsts[0][0], firsts[0][1], 1)
            score -= 20
    last_call = calls[-1] if calls else 1
    closing = {"commitment", "ask_for_business", "action_plan"}
    if not any(closing & set(t.moves) for _, t in rep if t.call == last_call):
        n, t = rep[-1]
        found.flag("no_next_step", n, t, 1)
        score -= 20
    return score


def _recovery(rep: list[tuple[int, Turn]], found: _Findings) -> float:
    first_seen: dict[str, int] = {}
    for n, t in rep:
        for m in t.moves:
            first_seen.setdefault(m, n)
    covered = [s for s in RECOVERY_STEPS if s in first_seen or (s == "empathy" and "apology" in first_seen)]
    coverage = len(covered) / len(RECOVERY_STEPS)
    order_at = [first_seen.get(s, first_seen.get("apology", 0)) for s in covered]
    pairs = [(a, b) for i, a in enumerate(order_at) for b in order_at[i + 1:]]
    in_order = sum(1 for a, b in pairs if a <= b) / len(pairs) if pairs else (1.0 if covered else 0.0)
    score = 75 * coverage + 25 * in_order * coverage
    score -= 10 * found.count("blame_or_excuse") + 10 * found.count("brush_off")
    if len(covered) >= 5:
        n, t = rep[-1]
        found.highlights.append(Highlight("recovery", first_seen[covered[0]], "",
                                          f"covered {len(covered)} of the {len(RECOVERY_STEPS)} recovery steps"))
    return score


def _brevity(metrics: Mapping[str, float]) -> float:
    avg = metrics.get("rep_words_per_turn", 0.0)
    longest = metrics.get("longest_monologue_words", 0)
    return 100 - max(0.0, avg - 25) * 2 - max(0, longest - 50) * 0.8


def _metrics(turns: Sequence[Turn], rep: list[tuple[int, Turn]]) -> dict[str, float]:
    rep_words = sum(t.words for _, t in rep)
    all_words = sum(t.words for t in turns)
    open_q = sum(1 for _, t in rep if "discovery_question" in t.moves)
    closed_q = sum(1 for _, t in rep if "closed_question" in t.moves)
    metrics: dict[str, float] = {
        "rep_talk_share": round(rep_words / all_words, 3) if all_words else 0.0,
        "longest_monologue_words": max((t.words for _, t in rep), default=0),
        "questions": open_q + closed_q,
        "open_questions": open_q,
        "closed_questions": closed_q,
        "rep_turns": len(rep),
        "buyer_turns": len(turns) - len(rep),
        "rep_words_per_turn": round(rep_words / len(rep), 1) if rep else 0.0,
        "filler_words": sum(len(_FILLERS.findall(t.text)) for _, t in rep),
        "interruptions": sum(1 for t in turns if t.interrupted),
    }
    timed = [t for t in turns if t.seconds is not None]
    if timed and len(timed) == len(turns):
        rep_secs = sum(t.seconds or 0.0 for _, t in rep)
        all_secs = sum(t.seconds or 0.0 for t in turns)
        metrics["rep_talk_share_time"] = round(rep_secs / all_secs, 3) if all_secs else 0.0
        metrics["longest_monologue_seconds"] = round(max((t.seconds or 0.0 for _, t in rep), default=0.0), 1)
        metrics["words_per_minute"] = round(rep_words / rep_secs * 60, 1) if rep_secs else 0.0
    return metrics
