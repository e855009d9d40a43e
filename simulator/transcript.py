"""Reading finished calls: plain ``Speaker: words`` transcripts and WebVTT.

Plain text: one ``Name: words`` line per turn (a line without a name continues
the turn above). A leading time stamp (``[00:01:02] Dana: ...``) is allowed; when
every turn has one, the call is timed. A name alone on its line (``Dana:`` or
``Dana Ruiz  0:02``, as some note takers write it) starts a turn whose words
follow on the next lines.

WebVTT: cues name the speaker with a voice tag (``<v Dana Ruiz>Hello``) or a
``Name: text`` prefix, as common meeting tools export them; a cue without a name
continues the last speaker. Consecutive cues of one speaker are joined into one
turn.

Several calls in one file: a separator line such as ``--- Call 2 · Thursday ---``
(``===``, ``##`` and ``[Call 2]`` work too, and so does a play script's
``@callback``), or a WebVTT ``NOTE Call 2 · next day`` block. The separator may
say when the call happened: a weekday, ``next day``, ``same day``, ``an hour
later``, ``3 days later``, ``six weeks later`` or ``day 4``.

When the caller does not say which speaker is the rep, :func:`guess_sides`
picks the seller side: the speaker who talks most like a rep, plus anyone else
who clearly does too (a supervisor who takes over the call).

Everything here is pure; the move recogniser is passed in.

>>> turns = parse("Rep: Hi, this is Sam.\\nBuyer: Not now.\\n")
>>> [(t.speaker, t.text) for t in turns]
[('Rep', 'Hi, this is Sam.'), ('Buyer', 'Not now.')]
>>> parse_vtt("WEBVTT\\n\\n00:00:01.000 --> 00:00:02.500\\n<v Ann>Hello there</v>\\n")[0].start
1.0
>>> [(t.call, t.day) for t in parse("Ann: hi\\n--- Call 2 · next day ---\\nAnn: me again\\n")]
[(1, 0), (2, 1)]
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from simulator.commitments import WEEKDAYS
from simulator.scoring import Turn

#: Longer input is read up to this many lines (plain) or cues (WebVTT).
MAX_LINES = 20000
#: Seconds per word used to close the last turn of a plain transcript with time stamps.
SECONDS_PER_WORD = 0.4
#: Cues of one speaker further apart than this (seconds) stay separate turns.
MERGE_GAP = 10.0

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_STAMP = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_NAME = r"[^\W\d_][\w.'\u2019&/ -]{0,39}?"
#: ``[00:01] Name: words`` / ``00:01:02 Name: words`` / ``Name (00:01): words``
_SPEAKER = re.compile(
    rf"^(?:[\[(]?(?P<t1>{_STAMP})[\])]?\s+)?(?:-\s+)?(?P<name>{_NAME})\s*(?:[\[(](?P<t2>{_STAMP})[\])])?\s*:(?:\s+(?P<text>.*))?$")
#: ``Dana Ruiz  0:02`` alone on a line (the words follow)
_NAME_STAMP = re.compile(rf"^(?P<name>{_NAME})\s{{2,}}(?P<t1>{_STAMP})$")
_TIMING = re.compile(rf"^\s*(?P<a>{_STAMP})\s*-->\s*(?P<b>{_STAMP})")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>")
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>|<\d[^>]*>")
_CALL = re.compile(
    r"^(?:[-=#*~_]{2,}|\[|NOTE\b|@)\s*(?:call|callback)\b\s*(?:(?:no\.?|#)?\s*(?P<n>\d+))?(?P<rest>.*?)[\s\]\-=#*~_]*$",
    re.I)
_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3}
_LATER = re.compile(r"\b(\d+|a couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                    r"(hours?|days?|weeks?|months?)\s+later\b")
_NEXT_DAY = re.compile(r"\b(next|following) day\b|\btomorrow\b|\bday after\b")
_SAME_DAY = re.compile(r"\bsame day\b|\blater that day\b|\bthat (?:morning|afternoon|evening)\b|\bminutes later\b")
_DAY_N = re.compile(r"\bday\s+(\d{1,4})\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "du", "del", "la", "le", "bin", "al", "el", "y", "e"})
_REP_NAME = re.compile(r"\b(rep|agent|sales(?:person|man|woman|rep)?|seller|account (?:manager|executive)|ae|sdr|bdr"
                       r"|advisor|adviser|consultant|support)\b", re.I)
_BUYER_NAME = re.compile(r"\b(buyer|customer|client|prospect|caller)\b", re.I)

#: How strongly each rep move (read by the rep model) marks the seller side. Questions,
#: thanks and small talk come from both sides and count for nothing.
REP_SIGNALS: dict[str, float] = {
    "greeting": 1.0, "pitch": 1.0, "concession": 1.0, "handoff": 1.0, "commitment": 1.0, "reassurance": 1.0,
    "ask_for_business": 1.0, "apology": 1.0, "empathy": 1.0, "excuse": 1.0, "refuse_escalation": 1.0,
    "pressure": 1.0, "action_plan": 0.5, "insight": 0.5, "paraphrase": 0.5, "discovery_question": 0.5,
    "brush_off": 0.5,
}
#: How strongly each buyer move (read by the buyer model) marks the buying side.
BUYER_SIGNALS: dict[str, float] = {
    "vent": 1.0, "objection_price": 1.0, "objection_terms": 1.0, "objection_need": 1.0, "hesitation": 1.0,
    "request_escalation": 1.0, "rejection": 1.0,
}

#: The buyer model reads a rep's apologies and excuses as venting too, so its signals count half.
BUYER_WEIGHT = 0.5

Recognize = Callable[[list[str], str], list[frozenset[str]]]


class TranscriptError(ValueError):
    """The file is not a transcript this reader understands, or a label is not in it."""


@dataclass(frozen=True)
class RawTurn:
    """One speaker's turn as written: times in seconds when the transcript has them."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    call: int = 1
    day: int | None = None
    weekday: str = ""


@dataclass(frozen=True)
class Reading:
    """A transcript read for scoring: the turns with moves, and who was taken for the rep."""

    turns: tuple[Turn, ...]
    rep: tuple[str, ...]
    buyer: tuple[str, ...]
    speakers: tuple[str, ...]
    guessed: bool
    timed: bool


# -- small helpers ---------------------------------------------------------------------------------
def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _seconds(stamp: str) -> float:
    value = 0.0
    for part in stamp.replace(",", ".").split(":"):
        value = value * 60 + float(part)
    return value


def _words(text: str) -> int:
    return len(text.split())


@dataclass
class _CallClock:
    """Which call we are in and on which day, from separator lines.

    Calls are counted from 1 in the order they appear (a separator before the first
    turn names the first call). ``day`` counts from the first call's day (0) and is
    None when a separator does not say when its call happened.
    """

    call: int = 1
    day: int | None = 0
    weekday: str = ""

    def header(self, rest: str, started: bool) -> None:
        if started:
            self.call += 1
        self.day, self.weekday = _when(rest.lower(), self.day, self.weekday, first=not started and self.call == 1)

    def at(self) -> tuple[int, int | None, str]:
        return self.call, self.day, self.weekday


def _when(rest: str, day: int | None, weekday: str, first: bool = False) -> tuple[int | None, str]:
    """The day of a call from its separator's words, given the previous call's day and weekday."""
    found = _WEEKDAY.search(rest)
    new_weekday = found.group(1) if found else ""
    m = _DAY_N.search(rest)
    if m:
        return min(int(m.group(1)), 100_000), new_weekday
    if first:
        return 0, new_weekday
    m = _LATER.search(rest)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUM.get(m.group(1), 1)
        unit = m.group(2)
        step = 0 if unit.startswith("hour") else n * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)
        step = min(step, 100_000)
        shifted = WEEKDAYS[(WEEKDAYS.index(weekday) + step) % 7] if weekday and not unit.startswith("month") else ""
        return (None if day is None else day + step), new_weekday or shifted
    if _NEXT_DAY.search(rest):
        nxt = WEEKDAYS[(WEEKDAYS.index(weekday) + 1) % 7] if weekday else ""
        return (None if day is None else day + 1), new_weekday or nxt
    if _SAME_DAY.search(rest):
        return day, new_weekday or weekday
    if new_weekday:
        if day is not None and weekday:
            step = (WEEKDAYS.index(new_weekday) - WEEKDAYS.index(weekday)) % 7
            if step == 0 and re.search(r"\bnext\s+" + new_weekday, rest):
                step = 7
            return day + step, new_weekday
        return None, new_weekday
    return None, ""


def _plausible_name(name: str, seen: int = 1) -> bool:
    """A speaker name, not the start of a sentence that happens to contain a colon."""
    words = name.split()
    if not words or len(words) > (6 if seen >= 2 else 4):
        return False
    if seen >= 2 or len(words) == 1:
        return True
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _PARTICLES for w in words)


# -- plain text ------------------------------------------------------------------------------------
def parse(text: str) -> list[RawTurn]:
    """A transcript in either format (WebVTT when it starts with ``WEBVTT``)."""
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("WEBVTT") or any(_TIMING.match(ln) for ln in text[:4000].splitlines()[:40]):
        return parse_vtt(text)  # SRT subtitles read the same way
    return parse_plain(text)


def parse_plain(text: str) -> list[RawTurn]:
    lines = [ln.strip() for ln in _clean(text).splitlines()[:MAX_LINES]]
    counts: dict[str, int] = {}
    for line in lines:
        m = _SPEAKER.match(line)
        if m:
            counts[m.group("name").strip()] = counts.get(m.group("name").strip(), 0) + 1

    def name_of(m: re.Match | None) -> str | None:
        if m is None:
            return None
        name = m.group("name").strip()
        return name if _plausible_name(name, counts.get(name, 1)) else None

    turns: list[RawTurn] = []
    stamps: list[float | None] = []
    clock = _CallClock()
    pending: tuple[str, float | None] | None = None  # a name alone on its line
    for line in lines:
        if not line:
            continue
        head = _CALL.match(line)
        if head:
            clock.header(head.group("rest"), bool(turns) and turns[-1].call == clock.call)
            pending = None
            continue
        call, day, weekday = clock.at()
        m = _SPEAKER.match(line)
        name = name_of(m)
        words = (m.group("text") or "").strip() if m else ""
        if name and words:
            stamp = m.group("t1") or m.group("t2")
            turns.append(RawTurn(name, words, None, None, call, day, weekday))
            stamps.append(_seconds(stamp) if stamp else None)
            pending = None
            continue
        alone = _NAME_STAMP.match(line)
        if alone and _plausible_name(alone.group("name").strip()):
            pending = (alone.group("name").strip(), _seconds(alone.group("t1")))
            continue
        if name and not words:
            stamp = m.group("t1") or m.group("t2")
            pending = (name, _seconds(stamp) if stamp else None)
            continue
        if pending is not None:
            turns.append(RawTurn(pending[0], line, None, None, call, day, weekday))
            stamps.append(pending[1])
            pending = None
        elif turns and turns[-1].call == call:  # a continuation line belongs to the last speaker
            last = turns[-1]
            turns[-1] = RawTurn(last.speaker, f"{last.text} {line}", None, None, last.call, last.day, last.weekday)
    if turns and all(s is not None for s in stamps):
        timed = []
        for i, (t, s) in enumerate(zip(turns, stamps)):
            nxt = stamps[i + 1] if i + 1 < len(turns) and turns[i + 1].call == t.call else None
            start = float(s or 0.0)
            end = nxt if nxt is not None and nxt >= start else start + SECONDS_PER_WORD * _words(t.text)
            timed.append(RawTurn(t.speaker, t.text, start, end, t.call, t.day, t.weekday))
        turns = timed
    return _merge(turns)


# -- WebVTT ----------------------------------------------------------------------------------------
def parse_vtt(text: str) -> list[RawTurn]:
    lines = _clean(text).splitlines()
    blocks: list[list[str]] = [[]]
    for ln in lines:
        if ln.strip():
            blocks[-1].append(ln)
        elif blocks[-1]:
            blocks.append([])
    turns: list[RawTurn] = []
    clock = _CallClock()
    last_speaker = ""
    for block in blocks[:MAX_LINES]:
        if not block:
            continue
        first = block[0].strip()
        if first.startswith("NOTE"):
            head = _CALL.match(" ".join(b.strip() for b in block))
            if head:
                clock.header(head.group("rest"), bool(turns) and turns[-1].call == clock.call)
                last_speaker = ""
            continue
        if first.startswith(("WEBVTT", "STYLE", "REGION")):
            continue
        timing = next((i for i, ln in enumerate(block) if _TIMING.match(ln)), None)
        if timing is None:
            continue
        m = _TIMING.match(block[timing])
        assert m is not None
        start, end = _seconds(m.group("a")), _seconds(m.group("b"))
        end = max(end, start)
        call, day, weekday = clock.at()
        segments = _segments(block[timing + 1:], last_speaker)
        total = sum(max(1, _words(s)) for _, s in segments) or 1
        at = start
        for speaker, words in segments:
            share = (end - start) * max(1, _words(words)) / total
            turns.append(RawTurn(speaker or "Unknown", words, round(at, 3), round(at + share, 3), call, day, weekday))
            at += share
            last_speaker = speaker or last_speaker
    return _merge(turns)


def _segments(payload: list[str], last_speaker: str) -> list[tuple[str, str]]:
    """The (speaker, words) pieces of one cue's text: voice tags, ``Name: text`` lines or neither."""
    out: list[tuple[str, str]] = []
    speaker = last_speaker
    for line in payload:
        pieces = _VOICE.split(line)
        # pieces: text, name, text, name, text ... (names where a voice tag stood)
        for i, piece in enumerate(pieces):
            if piece is None:
                continue
            if i % 2 == 1:
                speaker = " ".join(piece.split()) or speaker
                continue
            words = " ".join(html.unescape(_TAGS.sub("", piece)).split())
            if not words:
                continue
            if i == 0 and len(pieces) == 1:
                m = _SPEAKER.match(words)
                if m and m.group("text") and m.group("text").strip() and _plausible_name(m.group("name").strip()):
                    speaker, words = m.group("name").strip(), m.group("text").strip()
            if out and out[-1][0] == speaker:
                out[-1] = (speaker, f"{out[-1][1]} {words}")
            else:
                out.append((speaker, words))
    return out


def _merge(turns: list[RawTurn]) -> list[RawTurn]:
    out: list[RawTurn] = []
    for t in turns:
        t = RawTurn(t.speaker, " ".join(t.text.split()), t.start, t.end, t.call, t.day, t.weekday)
        if not t.text or not t.speaker.strip():
            continue
        gap = (t.start - out[-1].end) if out and t.start is not None and out[-1].end is not None else 0.0
        if out and out[-1].speaker == t.speaker and out[-1].call == t.call and gap <= MERGE_GAP:
            last = out[-1]
            end = max(x for x in (last.end, t.end) if x is not None) if (last.end is not None or t.end is not None) else None
            out[-1] = RawTurn(last.speaker, f"{last.text} {t.text}", last.start, end, last.call, last.day, last.weekday)
        else:
            out.append(t)
    return out


# -- who is who ------------------------------------------------------------------------------------
def speakers(turns: Sequence[RawTurn]) -> list[str]:
    seen: dict[str, None] = {}
    for t in turns:
        seen.setdefault(t.speaker, None)
    return list(seen)


def guess_rep(turns: Sequence[RawTurn], recognize: Callable[[list[str]], list[frozenset[str]]]) -> str:
    """The one speaker who talks most like a rep (names like 'Rep' or 'Agent' win outright)."""
    sides = guess_sides(turns, lambda texts, side: recognize(texts) if side == "rep" else [frozenset()] * len(texts))
    return sides[0] if sides else ""


def guess_sides(turns: Sequence[RawTurn], recognize: Recognize | None,
                seller: Callable[[list[str]], list[float]] | None = None) -> list[str]:
    """The seller side of the call, most rep-like first.

    A name such as 'Rep', 'Agent' or 'Sales' decides outright (and 'Buyer', 'Customer'
    or 'Client' rules a speaker out). Otherwise each speaker gets a rep-likeness per
    turn: the weighted rep moves heard by the rep model (:data:`REP_SIGNALS`), minus
    half the weighted buyer moves heard by the buyer model (:data:`BUYER_SIGNALS`),
    plus, when ``seller`` is given, how much the line sounds like a seller rather than a
    buyer (a side model trained on both sides' lines, clipped to +-3). The most
    rep-like speaker is the rep; another speaker joins the seller side only when
    clearly rep-like too (positive and at least half the rep's score), so a supervisor
    who takes over is read as the same side, while the least rep-like speaker always
    stays the buyer.
    """
    names = speakers(turns)
    if not names:
        return []
    named = [n for n in names if _REP_NAME.search(n) and not _BUYER_NAME.search(n)]
    if named:
        return named
    if len(names) == 1:
        return names
    buyers_named = [n for n in names if _BUYER_NAME.search(n)]
    if buyers_named and len(buyers_named) < len(names):
        return [n for n in names if n not in buyers_named]
    texts = [t.text for t in turns]
    none: list[frozenset[str]] = [frozenset()] * len(texts)
    rep_moves = recognize(texts, "rep") if recognize else none
    buyer_moves = recognize(texts, "buyer") if recognize else none
    margins = seller(texts) if seller else [0.0] * len(texts)
    total = {n: 0.0 for n in names}
    count = {n: 0 for n in names}
    for t, rm, bm, sm in zip(turns, rep_moves, buyer_moves, margins):
        side = max(-3.0, min(3.0, sm)) if sm == sm else 0.0  # NaN-safe
        total[t.speaker] += (sum(REP_SIGNALS.get(m, 0.0) for m in rm)
                             - BUYER_WEIGHT * sum(BUYER_SIGNALS.get(m, 0.0) for m in bm) + side)
        count[t.speaker] += 1
    score = {n: total[n] / max(1, count[n]) for n in names}
    order = sorted(names, key=lambda n: (-score[n], names.index(n)))
    rep = order[0]
    return [rep] + [n for n in order[1:-1] if score[n] > 0 and score[n] >= 0.5 * score[rep]]


# -- turns for scoring -----------------------------------------------------------------------------
def _labels(label: str | Iterable[str] | None) -> list[str]:
    if label is None:
        return []
    if isinstance(label, str):
        return [p.strip() for p in label.split(",") if p.strip()]
    return [p for p in label if p]


def read(text: str, rep_label: str | Iterable[str] | None = None, buyer_label: str | None = None,
         recognize: Recognize | None = None, seller: Callable[[list[str]], list[float]] | None = None) -> Reading:
    """Parse ``text`` and turn it into scoring turns with moves.

    ``rep_label`` names the rep's speaker (several, comma-separated, for a seller side
    of more than one person); without it the seller side is guessed. With
    ``buyer_label`` only that speaker and the rep side are kept; otherwise everyone
    who is not the rep is the buyer. ``recognize(texts, side)`` gives the moves;
    ``seller(texts)``, when given, helps tell the sides apart (see :func:`guess_sides`).
    Raises :class:`TranscriptError` when there are no turns or a label is unknown.
    """
    raw = parse(text)
    if not raw:
        raise TranscriptError("no turns found (expected 'Speaker: words' lines or WebVTT cues)")
    names = speakers(raw)
    reps = _labels(rep_label)
    for label in reps + _labels(buyer_label):
        if label not in names:
            raise TranscriptError(f"{label!r} is not a speaker here (speakers: {', '.join(names)})")
    guessed = not reps
    if guessed:
        reps = guess_sides(raw, recognize, seller)
    kept = [t for t in raw if t.speaker in reps or buyer_label is None or t.speaker == buyer_label]
    rep_idx = [i for i, t in enumerate(kept) if t.speaker in reps]
    buy_idx = [i for i, t in enumerate(kept) if t.speaker not in reps]
    moves: list[frozenset[str]] = [frozenset()] * len(kept)
    if recognize is not None:
        for idx, side in ((rep_idx, "rep"), (buy_idx, "buyer")):
            if idx:
                for i, m in zip(idx, recognize([kept[i].text for i in idx], side)):
                    moves[i] = frozenset(m)
    turns = tuple(
        Turn("rep" if t.speaker in reps else "buyer", t.text, _ordered(m), None, t.start, t.end, t.call,
             name=t.speaker, day=t.day, weekday=t.weekday)
        for t, m in zip(kept, moves))
    timed = bool(turns) and all(t.start is not None and t.end is not None for t in turns)
    buyers = tuple(n for n in names if n not in reps and (buyer_label is None or n == buyer_label))
    return Reading(turns, tuple(reps), buyers, tuple(names), guessed, timed)


def _ordered(moves: Iterable[str]) -> tuple[str, ...]:
    from simulator.moves import sort_moves

    return sort_moves(moves)
