"""Reading finished calls: plain ``Speaker: words`` transcripts and WebVTT.

WebVTT cues may name the speaker with a voice tag (``<v Dana Ruiz>Hello``) or a
``Name: text`` prefix, as common meeting tools export them. Consecutive cues of
one speaker are joined into one turn. When the caller does not say which
speaker is the rep, :func:`guess_rep` picks the one who talks most like a rep.

>>> turns = parse("Rep: Hi, this is Sam.\\nBuyer: Not now.\\n")
>>> [(t.speaker, t.text) for t in turns]
[('Rep', 'Hi, this is Sam.'), ('Buyer', 'Not now.')]
>>> parse_vtt("WEBVTT\\n\\n00:00:01.000 --> 00:00:02.500\\n<v Ann>Hello there</v>\\n")[0].start
1.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

MAX_LINES = 20000
_SPEAKER = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?([^:\n]{1,60}?)\s*:\s+(.*)$")
_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAGS = re.compile(r"</?[^>]*>")


class TranscriptError(ValueError):
    """The file is not a transcript this reader understands."""


@dataclass(frozen=True)
class RawTurn:
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    value = 0.0
    for p in parts:
        value = value * 60 + float(p)
    return value


def parse(text: str) -> list[RawTurn]:
    """A transcript in either format (WebVTT when it starts with ``WEBVTT``)."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("WEBVTT"):
        return parse_vtt(text)
    return parse_plain(text)


def parse_plain(text: str) -> list[RawTurn]:
    turns: list[RawTurn] = []
    for raw in text.splitlines()[:MAX_LINES]:
        line = raw.strip()
        if not line:
            continue
        m = _SPEAKER.match(line)
        if m and m.group(2).strip():
            turns.append(RawTurn(m.group(1).strip(), m.group(2).strip()))
        elif turns:  # a continuation line belongs to the last speaker
            last = turns[-1]
            turns[-1] = RawTurn(last.speaker, f"{last.text} {line}")
    return _merge(turns)


def parse_vtt(text: str) -> list[RawTurn]:
    turns: list[RawTurn] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    for block in blocks[:MAX_LINES]:
        lines = [ln for ln in block.split("\n") if ln.strip()]
        timing = next((i for i, ln in enumerate(lines) if _TIMING.match(ln)), None)
        if timing is None:
            continue
        m = _TIMING.match(lines[timing])
        start, end = _seconds(m.group(1)), _seconds(m.group(2))
        body = " ".join(lines[timing + 1:])
        voice = _VOICE.search(body)
        speaker = voice.group(1).strip() if voice else ""
        body = " ".join(_TAGS.sub("", body).split())
        if not speaker:
            sm = _SPEAKER.match(body)
            if sm:
                speaker, body = sm.group(1).strip(), sm.group(2).strip()
        if body:
            turns.append(RawTurn(speaker or "Unknown", body, start, end))
    return _merge(turns)


def _merge(turns: list[RawTurn]) -> list[RawTurn]:
    out: list[RawTurn] = []
    for t in turns:
        if out and out[-1].speaker == t.speaker:
            last = out[-1]
            out[-1] = RawTurn(last.speaker, f"{last.text} {t.text}", last.start, t.end if t.end is not None else last.end)
        else:
            out.append(t)
    return out


def speakers(turns: Sequence[RawTurn]) -> list[str]:
    seen: list[str] = []
    for t in turns:
        if t.speaker not in seen:
            seen.append(t.speaker)
    return seen


REP_SIGNALS = frozenset({"greeting", "pitch", "discovery_question", "commitment", "action_plan",
                         "ask_for_business", "concession", "handoff", "reassurance", "insight", "paraphrase"})


def guess_rep(turns: Sequence[RawTurn], recognize: Callable[[list[str]], list[frozenset[str]]]) -> str:
    """The speaker whose lines carry the most rep moves (names like 'Rep' or 'Agent' win outright)."""
    names = speakers(turns)
    for n in names:
        if re.search(r"\b(rep|agent|sales|seller|account manager|ae|sdr|bdr)\b", n, re.I):
            return n
    if len(names) == 1:
        return names[0]
    moves = recognize([t.text for t in turns])
    score = {n: 0.0 for n in names}
    count = {n: 0 for n in names}
    for t, m in zip(turns, moves):
        score[t.speaker] += len(m & REP_SIGNALS)
        count[t.speaker] += 1
    return max(names, key=lambda n: (score[n] / max(1, count[n]), -names.index(n)))
