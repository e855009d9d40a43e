"""Scorecards: what the rep did well and badly, turn by turn. Pure.

The same function scores a live call and an imported transcript: it takes the
turns of a call (speaker, text, moves, optional times and buyer state) and
returns scores (0-100, higher is better), flags (a stable rule id, the turn,
the quote, a coaching tip and a better line), highlights and conversation
metrics. ``docs/scoring.md`` explains every score and rule in plain words.

>>> card = score([Turn("buyer", "Your panel has been broken for two days!", ("vent",)),
...               Turn("rep", "It works fine on my end.", ("excuse",))])
>>> sorted(f.rule for f in card.flags)
['blame_or_excuse', 'incomplete_recovery', 'missed_empathy', 'no_next_step']
>>> card.scores["rapport"] < 50
True
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from simulator.commitments import WEEKDAYS, keeping, promised_day

REP, BUYER = "rep", "buyer"

# -- move groups -------------------------------------------------------------------------------------
#: Rep moves that acknowledge what the buyer said or felt.
ACKNOWLEDGE = frozenset({"empathy", "apology", "paraphrase", "thanks"})
#: Rep moves that push the buyer away.
DEFLECT = frozenset({"excuse", "brush_off", "pressure", "refuse_escalation"})
#: A turn that asks the buyer for something or about something engages them; it is not a stall
#: even when a phrase in it reads like one.
ENGAGES = frozenset({"ask_for_business", "discovery_question"})


def stalls(moves: frozenset[str] | set[str]) -> bool:
    """A brush-off with nothing in the same turn that engages the buyer.

    >>> stalls({"brush_off"}), stalls({"brush_off", "ask_for_business"})
    (True, False)
    """
    return "brush_off" in moves and not moves & ENGAGES
#: A question or value between an objection and a concession.
EXPLORE = frozenset({"discovery_question", "closed_question", "insight", "paraphrase"})
OWNERSHIP = frozenset({"reassurance", "commitment", "action_plan"})
#: moving on to the sale
SELLING = frozenset({"pitch", "concession", "handoff", "ask_for_business"})
OBJECTIONS = frozenset({"objection_price", "objection_terms"})
#: Buyer moves that show engagement: the moment not to hand the buyer on.
ENGAGED = frozenset({"question", "objection_need"})
#: moves that make a next step when they name a time (an ask for the business always does)
TIMED_STEP = frozenset({"commitment", "action_plan"})

#: Seed 002's recovery process for an upset buyer, in order: (id, what it means).
RECOVERY_STEPS: tuple[tuple[str, str], ...] = (
    ("listen", "let them vent (first answer without excuses or interrupting)"),
    ("empathy", "show empathy"),
    ("thanks", "thank them for raising it"),
    ("paraphrase", "paraphrase their concerns"),
    ("reassurance", "reassure them and take ownership"),
    ("facts", "ask for the facts"),
    ("steps", "explain the steps"),
    ("follow_up_time", "set a follow-up time"),
    ("close_loop", "close the loop on a later call"),
    ("ask_for_business", "ask for future business"),
)

MONOLOGUE_WORDS = 80
MONOLOGUE_SECONDS = 45.0
TALK_SHARE_TARGET = 0.43  # Gong Labs: top reps talk about 43% of a discovery call
TALK_SHARE_MAX = 0.65  # above this, win rates fall
CRITICAL_CAP = 55.0  # a call with a critical flag is never a good call
SKILLS = ("rapport", "concessions", "handoffs", "discovery", "recovery", "follow_up", "brevity")
DEFAULT_WEIGHTS = {"rapport": 1.0, "concessions": 1.0, "handoffs": 1.0, "discovery": 1.0,
                   "recovery": 1.0, "follow_up": 1.0, "brevity": 0.5}

# -- words the moves do not carry ----------------------------------------------------------------------
# All these patterns are written in lower case and run on lower-cased text (``_low``): faster than re.I.
#: a concession that asks for something back
_TRADE = re.compile(
    r"\b(?:if you(?:'re| are|'ll| will| can| could)?\s+(?!(?:'d|would|like|want|wish|prefer|need|have any|are interested|don't mind)\b)\w+"
    r"|in return|in exchange|provided (?:that )?you|as long as you|on condition|when you sign"
    r"|if (?:we|you) can (?:agree|sign|commit|start)|would you (?:be ready|commit|sign|agree|go ahead))")
#: the buyer asks why it matters to them ("Why?", "Why do I need...", "Why would that matter to me?")
_WHY = re.compile(
    r"^\W*why\W*$|\bwhy (?:do|would|should|must|does|is|are|will|shall) (?:i|we|me|us|you think (?:i|we))\b"
    r"|\bwhy\b[^.?!]{0,40}\b(?:matter|need|care|important|better|worth|bother|help|improve|change anything)\b"
    r"|\bwhat difference\b|\bwhat'?s in it for\b|\bhow (?:would|does|will) (?:that|this|it) (?:help|matter|change)\b")
#: a generic answer: features and claims instead of a reason tied to the buyer
_GENERIC = re.compile(
    r"\b(?:it (?:really |all )?depends|every (?:company|business|customer|client) is different|(?:customers|clients|users) (?:love|like)"
    r"|great value|more efficient|very powerful|best[- ]in[- ]class|world[- ]class|industry[- ]leading|lots of (?:companies|customers|clients)"
    r"|easiest on the market|helps with visibility)\b")
_SOUR = re.compile(
    r"\b(?:good luck with (?:that|them|it)|you'?ll regret|you'?ll be back|your loss|big mistake|over-?promis\w*"
    r"|can'?t deliver|won'?t deliver|don'?t come crying|give it \w+ (?:months|weeks)|before you(?:'re| are)? (?:calling|coming) (?:us |me )?back"
    r"|(?:we were|we're) (?:cheaper|better) than them|(?:i )?(?:honestly |really |just )?don'?t (?:get|understand) (?:it|why you))")
#: words that acknowledge the buyer even when the move model hears no empathy
_ACK = re.compile(r"\b(?:i (?:hear|understand|get) (?:you|that|it|why|how)|i see why|of course|you'?re right|fair (?:enough|point|question|concern)"
                  r"|that'?s (?:fair|a fair|understandable|completely understandable)|good question|makes sense|understood|i'?m sorry)\b")
_EMAIL = re.compile(r"\be-?mail\w*\b")
#: a promise to phone ("I'll call you", "shall I ring you", "you'll hear from me"), not just a mention of phones
_CALL_PROMISE = re.compile(
    r"\b(?:i'?ll|i will|i'?m going to|let me|we'?ll|we will|shall i|can i|i can|i'?d like to)\s+(?:\w+\s+){0,2}?"
    r"(?:call|ring|phone|give you a (?:call|ring|buzz)|speak|talk|check in)\b|\b(?:call|ring|phone)(?:ing)? you\b"
    r"|\bspeak to you\b|\btalk to you\b|\bhear from me\b")
#: passing the buyer on, in words the move model may not hear: a demo, a transfer, "my supervisor will call you"
_HANDOFF_WORDS = re.compile(
    r"\b(?:arrange|set up|setup|book|schedule|organi[sz]e|line up|get you)\b[^.?!]{0,30}\bdemo\b"
    r"|\b(?:demo|specialists?|solutions? (?:team|engineers?|consultants?)|sales engineers?|product team) (?:will|can|could|'ll)\b"
    r"|\b(?:transfer|put|pass|hand) you (?:over |through |across )?to\b"
    r"|\bmy (?:supervisor|manager|team lead(?:er)?|boss)\b[^.?!]{0,20}\b(?:will|can|could|'ll|is going to|wants to)\b")
_HANDOFF_HINTS = ("demo", "specialist", "solution", "engineer", "transfer", " you to", "through to", "supervisor",
                  "manager", "team lead", "boss", "product team")
#: a second person introducing themselves as the first rep's senior: the "closer" calling back
_CLOSER = re.compile(r"\b[A-Z][\w-]*'s (?:supervisor|manager|team lead(?:er)?|boss)\b|\b[Ii]'?m (?:the|a) (?:supervisor|sales manager)\b")
#: owning the problem: an explanation, not an excuse
_OWNING = re.compile(
    r"\b(?<!not )(?<!n't )(?:my|our) (?:fault|mistake|error)\b|\b(?:that'?s|it'?s|this is|that one'?s) on (?:us|me)\b"
    r"|\b(?:i|we) should have\b|\bi take (?:full )?responsibility\b|\b(?:i|we) dropped the ball\b|\bi own (?:this|that|it)\b")
_CALL_WORDS = re.compile(r"\b(?:call|ring|phone|speak|talk|check in|checked in|get back to you|hear from me|follow up)\w*\b")
_CLOCK = re.compile(
    r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)\b|\b\d{1,2}:\d\d\b|\bnoon\b|\bmidday\b|\bo'clock\b"
    # "at one" but not "by one" ("one by one")
    r"|\b(?:at one|(?:at|by) (?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half past \w+|quarter (?:past|to) \w+))\b"
    r"|\b(?:end of|by the end of) (?:the )?(?:day|week|month|january|february|march|april|may|june|july|august|september|october|november|december)\b"
    r"|\b(?:the )?\d{1,2}(?:st|nd|rd|th)\b|\b(?:first|second|third|thirtieth|twentieth|fifteenth|tenth) of \w+")
_FILLERS = re.compile(r"\b(?:um+|uh+|er+|erm|you know|i mean|kind of|sort of|like,)")  # on lower-case text
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z][a-z']+")
_STOP = frozenset("""about above after again against also and any are aren't because been before being below between both
but can can't cannot could couldn't did didn't does doesn't doing don't down during each even ever every few from further had
hadn't has hasn't have haven't having here here's hers herself him himself his how how's into isn't it's its itself just let's
like more most much must mustn't myself never nor not now off once only other ought our ours ourselves out over own really same
shan't she she'd she'll she's should shouldn't some still such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through too under until very was wasn't we'd we'll we're we've were
weren't what what's when when's where where's which while who who's whom why why's will with won't would wouldn't you you'd
you'll you're you've your yours yourself yourselves yeah okay well going want know think thing things get got make made
said says tell told sure right look yes still week weeks today yesterday tomorrow time""".split())

#: rule -> (coaching tip, what a better line would have done)
TIPS: dict[str, tuple[str, str]] = {
    "premature_concession": (
        "You gave something away before the buyer pushed back, or before you knew why they pushed back, or "
        "twice without asking for anything. Early concessions make buyers wonder what else you would drop.",
        "Ask what worries them about the price or the term, restate the value, and only then trade: "
        "'If we could shorten the term, would you be ready to start this month?'"),
    "concession_not_traded": (
        "You gave something away without asking for anything back. A concession should buy a commitment.",
        "Tie it to a step forward: 'I can do that if we can sign this week.'"),
    "unnecessary_handoff": (
        "Nobody asked for anyone else, yet the buyer was passed on. When they are engaged and asking you "
        "questions, that is the moment to answer, not to book a demo or bring in a 'closer'.",
        "Answer the question yourself in a sentence tied to their business, then ask one back."),
    "refused_escalation": (
        "The buyer asked to reach someone higher and you said no. Refusing makes you the obstacle.",
        "Honour the request and keep ownership: 'Of course. I'll brief her today, and I stay your contact until this is fixed.'"),
    "handoff_without_ownership": (
        "You honoured the request to escalate but let go of the buyer completely.",
        "Escalate and stay the point of contact: 'I'll bring my manager in and I'll call you at four either way.'"),
    "blame_or_excuse": (
        "Blaming a system, a colleague or the buyer ('works on my end', 'I assumed') tells them the problem is theirs to carry.",
        "Own it: 'That's on us. Let me find out exactly what's happening on your side.'"),
    "missed_empathy": (
        "The buyer was upset and your next line did not acknowledge it. People don't listen to fixes until they feel heard.",
        "Name the feeling first: 'Two days without your numbers would frustrate anyone.'"),
    "long_monologue": (
        "A long stretch without handing the turn back. Buyers tune out; busy ones hang up. Top reps talk well under half the call.",
        "Say the one point that matters to them in two sentences, then ask a question."),
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
        "Attach a day and an hour: 'I'll call you by noon tomorrow with the answer.'"),
    "unreferenced_callback": (
        "You called back without referring to what was said or promised last time. If you call earlier or later than "
        "you said, say why; otherwise the change feels like a tactic.",
        "'I know I said I'd call on Thursday; I'm calling early because the pricing changed.'"),
    "broken_promise": (
        "You called later than you promised. Every missed time costs trust.",
        "Keep the time you set, or call before it passes to move it, and open by naming the delay."),
    "unanswered_why": (
        "The buyer asked why it matters to them and got a generic answer. That question is your chance to teach "
        "and tailor; features and 'customers love it' waste it.",
        "Give one reason tied to their business, with a figure if you have one, then check it lands."),
    "sour_grapes": (
        "After losing the deal you criticised the buyer's choice or the winner. That closes the door for good, "
        "and winners often fail to deliver what they promised.",
        "Thank them, wish them well, ask what tipped it, and ask when you may check in."),
    "email_instead_of_call": (
        "You left the follow-up to email. Unanswered and half-answered emails are how buyers end up waiting weeks.",
        "Pick up the phone: 'I'll call you at three with the status, and send the notes after.'"),
    "incomplete_recovery": (
        "The buyer was upset and most of the recovery steps were missing: hear them out, empathise, thank, "
        "paraphrase, reassure, get the facts, explain the steps, set a time, ask for future business.",
        "Work through the steps in order; the fix only lands once they feel heard."),
}


@dataclass(frozen=True)
class Turn:
    """One turn of a call. ``start``/``end`` are seconds when the call was timed.

    ``call`` numbers the calls of a multi-call session from 1; ``day`` is the day
    of that call (days from the first call) when known, ``weekday`` its weekday.
    ``name`` is the speaker's own name (transcripts), used to see who spoke for
    the seller side.
    """

    speaker: str
    text: str
    moves: tuple[str, ...] = ()
    buyer_state: Mapping[str, Any] | None = None
    start: float | None = None
    end: float | None = None
    call: int = 1
    interrupted: bool = False
    name: str = ""
    day: int | None = None
    weekday: str = ""

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        span = self.end - self.start
        return max(0.0, span) if math.isfinite(span) else None


@dataclass(frozen=True)
class Flag:
    rule: str
    turn: int
    speaker: str
    quote: str
    tip: str
    better: str = ""
    severity: int = 1  # 1 minor, 2 serious, 3 critical
    detail: str = ""


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
    weights: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "scores": dict(self.scores),
            "flags": [asdict(f) for f in self.flags],
            "highlights": [asdict(h) for h in self.highlights],
            "metrics": dict(self.metrics),
            "weights": dict(self.weights),
        }

    def rules(self) -> list[str]:
        """The rule ids flagged, in turn order (handy in tests and reports)."""
        return [f.rule for f in self.flags]


# -- helpers ----------------------------------------------------------------------------------------------
def _low(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def _quote(text: str, focus: re.Pattern | None = None, limit: int = 160) -> str:
    text = " ".join(text.split())
    if focus is not None and len(text) > limit:
        m = focus.search(_low(text)) or focus.search(text)
        if m:
            for sentence in _SENTENCES.split(text):
                if focus.search(_low(sentence)) or focus.search(sentence):
                    text = sentence
                    break
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _clamp(x: float) -> int:
    return int(round(max(0.0, min(100.0, x))))


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower().replace("\u2019", "'")) if len(w) >= 4 and w not in _STOP}


def _echoes(buyer_text: str, rep_text: str) -> bool:
    """The rep's line picks up at least two of the buyer's own content words: a reflection."""
    return len(_stems(buyer_text) & _stems(rep_text)) >= 2


def _timed_text(text: str) -> bool:
    return promised_day(text) is not None or bool(_CLOCK.search(_low(text)))


class _Findings:
    def __init__(self) -> None:
        self.flags: list[Flag] = []
        self.highlights: list[Highlight] = []
        self.counts: dict[str, int] = {}

    def flag(self, rule: str, i: int, turn: Turn, severity: int = 1, detail: str = "",
             focus: re.Pattern | None = None) -> None:
        tip, better = TIPS[rule]
        self.flags.append(Flag(rule, i + 1, turn.speaker, _quote(turn.text, focus), tip, better, severity, detail))
        self.counts[rule] = self.counts.get(rule, 0) + 1

    def good(self, rule: str, i: int, turn: Turn | None, note: str) -> None:
        self.highlights.append(Highlight(rule, i + 1 if turn is not None else 0, _quote(turn.text) if turn else "", note))

    def count(self, rule: str) -> int:
        return self.counts.get(rule, 0)


class _Call:
    """The record with the look-ups every rule needs, built once (linear time)."""

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = list(turns)
        n = len(self.turns)
        self.moves = [frozenset(t.moves) for t in self.turns]
        self.is_rep = [t.speaker == REP for t in self.turns]
        self.words = [len(t.text.split()) for t in self.turns]
        self.low = [_low(t.text) for t in self.turns]
        self.seconds = [t.seconds for t in self.turns]
        for i, t in enumerate(self.turns):  # words that say "handoff" when the move model did not
            if (self.is_rep[i] and "handoff" not in self.moves[i] and any(w in self.low[i] for w in _HANDOFF_HINTS)
                    and _HANDOFF_WORDS.search(self.low[i])):
                self.moves[i] = self.moves[i] | {"handoff"}
        self.rep = [i for i in range(n) if self.is_rep[i]]
        self.next_rep: list[int | None] = [None] * n
        nxt: int | None = None
        for i in range(n - 1, -1, -1):
            self.next_rep[i] = nxt if nxt is not None and self.turns[nxt].call == self.turns[i].call else None
            if self.is_rep[i]:
                nxt = i
        self.prev_buyer: list[int | None] = [None] * n
        prev: int | None = None
        for i in range(n):
            self.prev_buyer[i] = prev if prev is not None and self.turns[prev].call == self.turns[i].call else None
            if not self.is_rep[i]:
                prev = i
        self.calls = list(dict.fromkeys(t.call for t in self.turns))  # in order of appearance
        self.first_of: dict[int, Turn] = {}
        #: how each call kept the last call's promise, when the live engine recorded it
        self.status: dict[int, str] = {}
        for t in self.turns:
            self.first_of.setdefault(t.call, t)
            if t.buyer_state and t.call not in self.status:
                kept = t.buyer_state.get("commitment") if isinstance(t.buyer_state, Mapping) else None
                if kept in ("kept", "early", "late"):
                    self.status[t.call] = str(kept)
        self.rep_by_call: dict[int, list[int]] = {c: [] for c in self.calls}
        for i in self.rep:
            self.rep_by_call[self.turns[i].call].append(i)
        vents = [i for i in range(n) if not self.is_rep[i] and "vent" in self.moves[i]]
        first_buyer = next((i for i in range(n) if not self.is_rep[i]), None)
        self.first_vent = vents[0] if vents else None
        #: an upset buyer: vents more than once, or opens the call with a complaint
        self.upset = len(vents) >= 2 or (first_buyer is not None and first_buyer in vents)


# -- the scorecard ------------------------------------------------------------------------------------------
def score(turns: Sequence[Turn], weights: Mapping[str, float] | None = None) -> Scorecard:
    """Score a finished (or abandoned) call. Turn numbers count both speakers from 1."""
    call = _Call(turns)
    found = _Findings()
    _listening(call, found)
    _conduct(call, found)
    concessions, conceded = _concessions(call, found)
    handoffs, handed = _handoffs(call, found)
    metrics = _metrics(call)
    _monologues(call, found)
    follow_up = _follow_up(call, found)

    rep_moves = [m for i in call.rep for m in call.moves[i]]
    uses = {m: rep_moves.count(m) for m in set(rep_moves)}
    share = metrics["rep_talk_share_time"] if "rep_talk_share_time" in metrics else metrics["rep_talk_share"]
    turns_with = {m: sum(1 for i in call.rep if m in call.moves[i]) for m in ("excuse", "pressure")}
    turns_with["brush_off"] = sum(1 for i in call.rep if stalls(call.moves[i]))

    rapport = 60.0
    rapport += min(12, 6 * uses.get("rapport", 0)) + min(16, 8 * (uses.get("empathy", 0)))
    rapport += min(12, 6 * uses.get("paraphrase", 0)) + min(9, 3 * uses.get("discovery_question", 0))
    rapport += min(6, 3 * uses.get("thanks", 0))
    rapport -= 12 * found.count("missed_empathy") + 12 * turns_with["excuse"] + 12 * turns_with["pressure"]
    rapport -= 10 * turns_with["brush_off"] + 15 * found.count("sour_grapes") + 10 * found.count("refused_escalation")
    if call.rep and share > TALK_SHARE_MAX:
        rapport -= (share - TALK_SHARE_MAX) * 100
    elif call.rep and abs(share - TALK_SHARE_TARGET) <= 0.12:
        rapport += 6

    open_q, closed_q = metrics["open_questions"], metrics["closed_questions"]
    discovery = 25 + 15 * min(open_q, 4) + 4 * min(closed_q, 3) + 7 * min(uses.get("paraphrase", 0), 2) \
        + 7 * min(uses.get("insight", 0), 2) - 12 * found.count("unanswered_why") - 8 * found.count("long_monologue")

    scores: dict[str, float] = {
        "rapport": rapport,
        "concessions": concessions,
        "handoffs": handoffs,
        "discovery": discovery if call.rep else 0.0,
        "follow_up": follow_up,
        "brevity": _brevity(metrics, found) if call.rep else 0.0,
    }
    if call.upset:
        scores["recovery"] = _recovery(call, found)
    w = {**DEFAULT_WEIGHTS, **{k: max(0.0, float(v)) for k, v in (weights or {}).items()
                               if k in SKILLS and isinstance(v, (int, float)) and math.isfinite(v)}}
    used = {k: (w.get(k, 1.0) if (k != "concessions" or conceded) and (k != "handoffs" or handed) else 0.0)
            for k in scores}
    total = sum(used.values())
    overall = sum(v * used[k] for k, v in scores.items()) / total if total else 0.0
    if any(f.severity >= 3 for f in found.flags):
        overall = min(overall, CRITICAL_CAP)
    serious = sum(1 for f in found.flags if f.severity >= 2)
    if serious >= 2:  # several serious faults: not a good call, however polite the rest was
        overall = min(overall, 70.0 - 3 * min(serious - 2, 5))
    out = {"overall": _clamp(overall), **{k: _clamp(v) for k, v in scores.items()}}
    if call.rep and not found.flags and out["overall"] >= 80:
        found.good("clean_call", -1, None, "no coaching flags on this call")
    flags = tuple(sorted(found.flags, key=lambda f: (f.turn, -f.severity, f.rule)))
    flagged = {f.turn for f in found.flags if f.severity >= 2 or f.rule == "long_monologue"}
    highlights = tuple(sorted((h for h in found.highlights if h.turn not in flagged or h.rule == "recovery"),
                              key=lambda h: (h.turn, h.rule)))
    return Scorecard(out, flags, highlights, metrics, {k: round(v, 3) for k, v in used.items()})


# -- rules ------------------------------------------------------------------------------------------------
def _listening(call: _Call, found: _Findings) -> None:
    """Missed empathy: the buyer vents and the rep's next turn acknowledges nothing."""
    answered: set[int] = set()
    for i, t in enumerate(call.turns):
        if call.is_rep[i] or "vent" not in call.moves[i]:
            continue
        j = call.next_rep[i]
        if (j is not None and "greeting" in call.moves[j] and not call.moves[j] & (DEFLECT | SELLING)
                and call.rep_by_call[call.turns[j].call][0] == j):
            j = call.next_rep[j]  # introducing yourself first is fine; the line after it must acknowledge
        if j is None or j in answered:
            continue
        answered.add(j)
        moves, reply = call.moves[j], call.turns[j]
        if moves & ACKNOWLEDGE or (not moves & DEFLECT and (_ACK.search(call.low[j]) or _echoes(t.text, reply.text))):
            if moves & {"empathy", "apology"}:
                found.good("empathy", j, reply, "acknowledged how the buyer felt before anything else")
        else:
            found.flag("missed_empathy", j, reply, 2, f"the buyer complained at turn {i + 1}")


def _conduct(call: _Call, found: _Findings) -> None:
    """Blame, pressure, brush-offs, sour grapes, unanswered 'why', and the good answers."""
    rejected: set[int] = set()
    paraphrased = 0
    gracious: set[int] = set()
    for i, t in enumerate(call.turns):
        moves = call.moves[i]
        if not call.is_rep[i]:
            if "rejection" in moves:
                rejected.add(t.call)
            low = call.low[i]
            asks_why = ("why" in low or "differen" in low or "in it for" in low or "how " in low) and bool(_WHY.search(low))
            if asks_why and ("question" in moves or "objection_need" in moves or "?" in t.text):
                _answer_to_why(call, found, i)
            elif "question" in moves:
                j = call.next_rep[i]
                if j is not None and "insight" in call.moves[j]:
                    found.good("insight", j, call.turns[j], "answered the buyer's question with a reason tied to their business")
            continue
        if "excuse" in moves and not _OWNING.search(call.low[i]):
            found.flag("blame_or_excuse", i, t, 2)
        if "pressure" in moves:
            found.flag("pressure_tactic", i, t, 2)
        if stalls(moves):
            found.flag("brush_off", i, t, 2)
        if t.call in rejected:
            p = call.prev_buyer[i]
            if _SOUR.search(call.low[i]):
                found.flag("sour_grapes", i, t, 2, focus=_SOUR)
            elif (t.call not in gracious and moves & {"thanks", "empathy"} and p is not None
                  and "rejection" in call.moves[p] and not moves & DEFLECT):
                gracious.add(t.call)
                found.good("gracious_loss", i, t, "took the lost deal graciously and kept the door open")
        if "paraphrase" in moves and paraphrased < 2:
            paraphrased += 1
            found.good("paraphrase", i, t, "recapped the buyer's words, so they knew they were heard")


def _answer_to_why(call: _Call, found: _Findings, i: int) -> None:
    j = call.next_rep[i]
    if j is None:
        return
    moves = call.moves[j]
    generic = bool(_GENERIC.search(call.low[j]))
    if "insight" in moves and not generic:
        found.good("answered_why", j, call.turns[j], "answered 'why' with a reason tied to the buyer's business")
    elif not generic and moves & {"discovery_question", "closed_question", "paraphrase"} or "handoff" in moves:
        return  # clarifying first is fine; a handoff here is judged by the handoff rule
    else:
        found.flag("unanswered_why", j, call.turns[j], 2, f"the buyer asked why at turn {i + 1}",
                   focus=_GENERIC if generic else None)


def _traded(turn: Turn, moves: frozenset[str]) -> bool:
    return "ask_for_business" in moves or bool(_TRADE.search(_low(turn.text)))


def _concessions(call: _Call, found: _Findings) -> tuple[float, bool]:
    """Premature: before any price/terms objection; in the same breath as the first objection
    (no question or value in between); or a second one with nothing asked in return."""
    score = 100.0
    objection: int | None = None
    explored = False
    conceded = 0
    for i, t in enumerate(call.turns):
        moves = call.moves[i]
        if not call.is_rep[i]:
            if objection is None and moves & OBJECTIONS:
                objection = i
            continue
        if "concession" in moves:
            traded = _traded(t, moves)
            if objection is None:
                found.flag("premature_concession", i, t, 3, "offered before the buyer raised any price or terms objection")
                score -= 45
            elif conceded and not traded:
                found.flag("premature_concession", i, t, 2, "a second concession with nothing asked in return")
                score -= 35
            elif not explored and not ("insight" in moves and traded):
                found.flag("premature_concession", i, t, 2,
                           f"offered in the same breath as the first objection (turn {objection + 1}), with no question or value in between")
                score -= 35
            elif traded:
                found.good("concession_traded", i, t, "explored the objection first, then traded the concession for a commitment")
            else:
                found.flag("concession_not_traded", i, t, 1)
                score -= 10
            conceded += 1
        if objection is not None and moves & EXPLORE:
            explored = True
    exercised = conceded > 0 or objection is not None
    return score, exercised


def _handoffs(call: _Call, found: _Findings) -> tuple[float, bool]:
    """Unnecessary handoffs, refused and honoured escalations, a second person taking over."""
    score = 100.0
    requested = False
    exercised = False
    last_by_name: dict[str, int] = {}
    for i, t in enumerate(call.turns):
        if call.is_rep[i] and t.name:
            last_by_name[t.name] = i
    seller = ""
    spoke: set[str] = set()
    announced = False  # a handoff move since the current seller started
    handed = False  # any handoff so far
    for i, t in enumerate(call.turns):
        moves = call.moves[i]
        if not call.is_rep[i]:
            if "request_escalation" in moves:
                requested = exercised = True
            continue
        if t.name and seller and t.name != seller and t.name not in spoke and last_by_name.get(seller, -1) < i:
            # a new voice, and the previous seller never speaks again: the call was handed over
            exercised = True
            if not announced and not requested:
                found.flag("unnecessary_handoff", i, t, 2, f"{t.name} took the call over from {seller}, though nobody asked")
                score -= 30
            announced, handed = False, True
        if t.name:
            seller = t.name
            spoke.add(t.name)
        if (not handed and not requested and "handoff" not in moves and call.rep_by_call[t.call][0] == i
                and _CLOSER.search(t.text)):
            # one label for the seller side, but a supervisor introduces themselves: the call was handed over
            found.flag("unnecessary_handoff", i, t, 2, "a supervisor took the call over, though nobody asked", focus=_CLOSER)
            score -= 30
            handed = exercised = True
        if "refuse_escalation" in moves and requested:
            found.flag("refused_escalation", i, t, 3)
            score -= 50
            exercised = True
        if "handoff" in moves:
            exercised = announced = handed = True
            if requested:
                j = call.next_rep[i]
                owned = moves & OWNERSHIP or (j is not None and call.moves[j] & OWNERSHIP)
                if owned:
                    found.good("escalation_honoured", i, t, "honoured the request to escalate and kept ownership")
                else:
                    found.flag("handoff_without_ownership", i, t, 1)
                    score -= 10
            else:
                p = call.prev_buyer[i]
                engaged = p is not None and bool(call.moves[p] & ENGAGED)
                detail = (f"right after the buyer asked you something (turn {p + 1})" if engaged and p is not None
                          else "nobody asked for anyone else")
                found.flag("unnecessary_handoff", i, t, 3 if engaged else 2, detail)
                score -= 45 if engaged else 30
    return score, exercised


def _monologues(call: _Call, found: _Findings) -> None:
    for i in call.rep:
        t = call.turns[i]
        secs = call.seconds[i]
        if call.words[i] > MONOLOGUE_WORDS or (secs is not None and secs > MONOLOGUE_SECONDS):
            detail = f"{call.words[i]} words" + (f", {secs:.0f} seconds" if secs is not None else "")
            found.flag("long_monologue", i, t, 1, detail)


def _callback_promise(call: _Call, c: int) -> tuple[int, str] | None:
    """The last promise to call back made in call ``c``: (index, the sentence)."""
    for i in reversed(call.rep_by_call.get(c, [])):
        if "commitment" not in call.moves[i] and "action_plan" not in call.moves[i]:
            continue
        for sentence in reversed(_SENTENCES.split(call.turns[i].text)):
            if _CALL_WORDS.search(_low(sentence)) and promised_day(sentence) is not None:
                return i, sentence
    return None


def _callback_timing(call: _Call, prev: int, c: int) -> tuple[str, str]:
    """How call ``c`` keeps the callback promised in call ``prev``: (kept/early/late/none, detail)."""
    status = call.status.get(c)
    if status is not None:
        return status, f"the callback came {status}" if status != "kept" else ""
    promise = _callback_promise(call, prev)
    first_prev, first_now = call.first_of.get(prev), call.first_of.get(c)
    if promise is None or first_prev is None or first_now is None or first_prev.day is None or first_now.day is None:
        return "none", ""
    _, sentence = promise
    weekday = first_prev.weekday if first_prev.weekday in WEEKDAYS else ""
    promised = promised_day(sentence, today=weekday or "monday")
    if not weekday and promised != promised_day(sentence, today="thursday"):
        return "none", ""  # a weekday promise from a day we do not know
    gap = first_now.day - first_prev.day
    status = keeping(promised, gap)
    if status in ("early", "late") and promised is not None:
        days = lambda n: f"{n} day{'s' if n != 1 else ''}"  # noqa: E731
        return status, f"promised in {days(promised)}, called after {days(gap)}"
    return status, ""


def _follow_up(call: _Call, found: _Findings) -> float:
    if not call.rep:
        return 0.0
    score = 45.0
    specific_any = vague_any = False
    for c in call.calls:
        reps = call.rep_by_call[c]
        if not reps:
            continue
        specific = [i for i in reps if "commitment" in call.moves[i] and _timed_text(call.turns[i].text)]
        next_step = specific or [i for i in reps if "ask_for_business" in call.moves[i]
                                 or (call.moves[i] & TIMED_STEP and _timed_text(call.turns[i].text))]
        for i in reps:
            # a promise with no time, never pinned to one later in the call
            if "commitment" in call.moves[i] and i not in specific and not any(k > i for k in specific):
                found.flag("vague_commitment", i, call.turns[i], 1)
                vague_any = True
        if specific:
            specific_any = True
            found.good("specific_commitment", specific[0], call.turns[specific[0]],
                       "made a promise with a time the buyer can hold them to")
        if not next_step:
            found.flag("no_next_step", reps[-1], call.turns[reps[-1]], 1)
            score -= 15
        promises = [i for i in reps if call.moves[i] & {"commitment", "action_plan", "brush_off"}]
        by_email = [i for i in promises if "mail" in call.low[i] and _EMAIL.search(call.low[i])
                    and not _CALL_PROMISE.search(call.low[i])]
        if by_email and not any(_CALL_PROMISE.search(call.low[i]) for i in reps):
            found.flag("email_instead_of_call", by_email[0], call.turns[by_email[0]], 1, focus=_EMAIL)
            score -= 10
    score += 30 if specific_any else (10 if vague_any else 0)
    score -= 8 * found.count("vague_commitment")
    if any("ask_for_business" in call.moves[i] for i in call.rep):
        score += 10
    if any("action_plan" in call.moves[i] for i in call.rep):
        score += 5
    for prev, c in zip(call.calls, call.calls[1:]):
        firsts = call.rep_by_call[c][:2]
        if not firsts:
            continue
        status, detail = _callback_timing(call, prev, c)
        first = call.turns[firsts[0]]
        if any("reference_prior" in call.moves[i] for i in firsts):
            found.good("referenced_prior", firsts[0], first, "opened by picking up where the last call left off")
            score += 10
            if status == "late":
                found.flag("broken_promise", firsts[0], first, 1, detail)
                score -= 15
        else:
            off = status in ("early", "late")
            found.flag("unreferenced_callback", firsts[0], first, 2 if off else 1,
                       detail or "no word about the last call")
            score -= 30 if off else 20
            if status == "late":
                found.flag("broken_promise", firsts[0], first, 2, detail)
                score -= 15
    return score


def _recovery(call: _Call, found: _Findings) -> float:
    """Coverage and order of the recovery steps after the buyer first vented."""
    start = call.first_vent if call.first_vent is not None else 0
    after = [i for i in call.rep if i > start]
    first: dict[str, int] = {}

    def seen(step: str, i: int) -> None:
        first.setdefault(step, i)

    if after:
        i0 = after[0]
        if not call.turns[i0].interrupted and not call.moves[i0] & DEFLECT:
            seen("listen", i0)
    later_call = False
    for i in after:
        m, t = call.moves[i], call.turns[i]
        if m & {"empathy", "apology"}:
            seen("empathy", i)
        for step in ("thanks", "paraphrase", "reassurance", "ask_for_business"):
            if step in m:
                seen(step, i)
        if m & {"closed_question", "discovery_question"}:
            seen("facts", i)
        if "action_plan" in m:
            seen("steps", i)
        if "commitment" in m and _timed_text(t.text):
            seen("follow_up_time", i)
        if t.call != call.turns[start].call:
            later_call = True
            if "reference_prior" in m:
                seen("close_loop", i)
    steps = [s for s, _ in RECOVERY_STEPS if s != "close_loop" or later_call]
    covered = [s for s in steps if s in first]
    coverage = len(covered) / len(steps)
    at = [first[s] for s in covered]
    pairs = [(a, b) for k, a in enumerate(at) for b in at[k + 1:]]
    in_order = sum(1 for a, b in pairs if a <= b) / len(pairs) if pairs else 1.0
    score = 70 * coverage + 30 * in_order * coverage
    score -= 10 * sum(1 for f in found.flags if f.rule in ("blame_or_excuse", "brush_off", "refused_escalation")
                      and f.turn > start + 1)
    if coverage >= 0.7 and after:
        found.good("recovery", first[covered[0]], call.turns[first[covered[0]]],
                   f"worked through {len(covered)} of the {len(steps)} recovery steps"
                   + (" in order" if in_order >= 0.9 else ""))
    elif coverage < 0.5 and after:
        missing = [label for s, label in RECOVERY_STEPS if s in steps and s not in first]
        last = after[-1]
        found.flag("incomplete_recovery", last, call.turns[last], 1, "missing: " + "; ".join(missing))
    elif coverage < 0.5 and call.rep:
        last = call.rep[-1]
        found.flag("incomplete_recovery", last, call.turns[last], 1, "the rep never answered the complaint")
    return score


def _brevity(metrics: Mapping[str, float], found: _Findings) -> float:
    avg = metrics.get("rep_words_per_turn", 0.0)
    longest = metrics.get("longest_monologue_words", 0)
    return 100 - max(0.0, avg - 30) * 1.5 - max(0, longest - 50) * 0.8 - 10 * found.count("long_monologue")


def _metrics(call: _Call) -> dict[str, float]:
    turns, rep = call.turns, call.rep
    rep_words = sum(call.words[i] for i in rep)
    all_words = sum(call.words)
    open_q = sum(1 for i in rep if "discovery_question" in call.moves[i])
    closed_q = sum(1 for i in rep if "closed_question" in call.moves[i])
    interrupted = 0  # rep turns that cut the buyer off: marked so (voice) or starting before the buyer stopped
    for k in rep:
        a, b = (turns[k - 1] if k else None), turns[k]
        overlap = (a is not None and not call.is_rep[k - 1] and a.call == b.call and a.end is not None
                   and b.start is not None and b.start < a.end - 0.3)
        interrupted += 1 if b.interrupted or overlap else 0
    metrics: dict[str, float] = {
        "rep_talk_share": round(rep_words / all_words, 3) if all_words else 0.0,
        "longest_monologue_words": max((call.words[i] for i in rep), default=0),
        "questions": open_q + closed_q,
        "open_questions": open_q,
        "closed_questions": closed_q,
        "rep_turns": len(rep),
        "buyer_turns": len(turns) - len(rep),
        "rep_words": rep_words,
        "buyer_words": all_words - rep_words,
        "rep_words_per_turn": round(rep_words / len(rep), 1) if rep else 0.0,
        "filler_words": sum(len(_FILLERS.findall(call.low[i])) for i in rep),
        "interruptions": interrupted,
        "calls": len(call.calls),
    }
    secs = call.seconds
    rep_timed = bool(rep) and all(secs[i] is not None for i in rep)
    if rep_timed:
        rep_secs = sum(secs[i] or 0.0 for i in rep)
        metrics["rep_speaking_seconds"] = round(rep_secs, 1)
        metrics["longest_monologue_seconds"] = round(max(secs[i] or 0.0 for i in rep), 1)
        metrics["words_per_minute"] = round(rep_words / rep_secs * 60, 1) if rep_secs >= 1.0 else 0.0
        if all(x is not None for x in secs):
            all_secs = sum(x or 0.0 for x in secs)
            metrics["rep_talk_share_time"] = round(rep_secs / all_secs, 3) if all_secs > 0 else 0.0
            metrics["talk_seconds"] = round(all_secs, 1)
    return metrics
