"""Words as a speech recogniser hears them, and word error rate. Pure.

Language-model text, recogniser output and references for word error rate all
go through :func:`words`: lower case, numbers spelled out, punctuation gone,
apostrophes kept (``i'm``, ``don't``) because the pronouncing dictionary has them.

>>> words("I'll call you at 10:30, not 9pm: 15% off $2,400!")
["i'll", 'call', 'you', 'at', 'ten', 'thirty', 'not', 'nine', 'p', 'm', 'fifteen', 'percent', 'off', 'two', 'thousand', 'four', 'hundred', 'dollars']
>>> wer("the panel works now", "the panel work now")
0.25
>>> punctuate("so what would it take to get you started")
'So what would it take to get you started?'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth"}
_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand"), (100, "hundred"))

#: Words people say while thinking; the scorecard counts them as fillers.
FILLERS = ("um", "uh", "er", "erm", "hmm", "mm")

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)(\s?[kKmM]\b)?")
_PERCENT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?%")
_AMPM = re.compile(r"\b(\d{1,2})\s?([ap])\.?m\.?\b", re.I)
_ORD = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.I)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*")


def number_words(n: int) -> str:
    """``2400`` -> ``two thousand four hundred``.

    >>> number_words(35000), number_words(2027), number_words(0)
    ('thirty five thousand', 'two thousand twenty seven', 'zero')
    """
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for value, name in _SCALES:
        if n >= value:
            head, rest = divmod(n, value)
            return number_words(head) + " " + name + ("" if rest == 0 else " " + number_words(rest))
    raise AssertionError(n)


def _ordinal(n: int) -> str:
    spoken = number_words(n).split()
    last = spoken[-1]
    if last in _ORDINAL:
        spoken[-1] = _ORDINAL[last]
    elif last.endswith("y"):
        spoken[-1] = last[:-1] + "ieth"
    else:
        spoken[-1] = last + "th"
    return " ".join(spoken)


def _plain_number(text: str) -> str:
    text = text.replace(",", "")
    whole, _, frac = text.partition(".")
    out = number_words(int(whole)) if whole else "zero"
    if frac:
        out += " point " + " ".join(_ONES[int(d)] for d in frac)
    return out


def spell_numbers(text: str) -> str:
    """Times, money, percentages, ordinals and plain numbers as words."""
    text = _TIME.sub(lambda m: number_words(int(m.group(1))) + ("" if m.group(2) == "00" else
                     (" oh " + _ONES[int(m.group(2))] if m.group(2).startswith("0") else " " + number_words(int(m.group(2))))), text)
    text = _MONEY.sub(lambda m: _plain_number(m.group(1)) + {"k": " thousand", "m": " million"}.get(
        (m.group(2) or "").strip().lower(), "") + " dollars", text)
    text = _PERCENT.sub(lambda m: _plain_number(m.group(1)) + " percent", text)
    text = _AMPM.sub(lambda m: number_words(int(m.group(1))) + f" {m.group(2).lower()} m", text)
    text = _ORD.sub(lambda m: _ordinal(int(m.group(1))), text)
    return _NUMBER.sub(lambda m: " " + _plain_number(m.group(0).rstrip(".,")) + " ", text)


def words(text: str) -> list[str]:
    """The words a recogniser would write for ``text``."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = spell_numbers(text)
    text = text.replace("&", " and ").replace("-", " ").replace("/", " ")
    return [w.strip("'") for w in _TOKEN.findall(text) if w.strip("'")]


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of one hypothesis (edits / reference words)."""
    ref, hyp = words(reference), words(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))


def corpus_wer(pairs: Iterable[tuple[str, str]]) -> float:
    """Word error rate over many (reference, hypothesis) pairs: total edits / total reference words.

    >>> round(corpus_wer([("a b c d", "a b c d"), ("e f", "e")]), 3)
    0.167
    """
    edits = total = 0
    for ref, hyp in pairs:
        r = words(ref)
        edits += edit_distance(r, words(hyp))
        total += len(r)
    return edits / max(1, total)


_QUESTION_START = frozenset(
    "can could would will do does did is are was were "
    "have has had should shall may might isn't aren't don't doesn't didn't won't wouldn't can't couldn't".split())
_QUESTION_INSIDE = re.compile(
    r"\b(?:what|how|why|when|where|who|which)(?:'s)?\s+(?:would|will|do|does|did|is|are|was|were|can|could|should|made|happened|kind|sort|if|else|long|often|soon)\b"
    r"|\b(?:can|could|would|will|do|did|does|are|have|is)\s+(?:you|we|i)\s+(?!know\b)\w+(?:\s+\w+){0,3}\s*$"
    r"|\b(?:is|was)\s+that\s+(?:right|correct|fair|okay|ok|true|clear|still\s+\w+)\s*$"
    r"|\b(?:does|would|will|could|can)\s+that\s+\w+(?:\s+\w+){0,3}\s*$"
    r"|\b(?:what|which|how\s+many|how\s+much)\s+\w+\s+(?:did|do|does|would|will|are|is|can|could)\s+(?:you|we|they|i)\b")
_SOFT_START = frozenset({"so", "and", "but", "well", "okay", "ok", "now", "then", "um", "uh", "also", "just", "and"})
_I_FORMS = re.compile(r"\bi(?='|\b)")


def is_question(text: str) -> bool:
    toks = text.split()
    if not toks:
        return False
    lead = [t for t in toks[:3] if t not in _SOFT_START]
    return (toks[0] in _QUESTION_START or (bool(lead) and lead[0] in _QUESTION_START)
            or bool(_QUESTION_INSIDE.search(text)))


def _sentence(text: str, last: bool) -> str:
    body = text.rstrip(" ,")
    if not body:
        return ""
    out = _I_FORMS.sub("I", body)
    out = out[0].upper() + out[1:]
    if body[-1] in ".?!":
        return out
    return out + ("?" if is_question(body.replace(",", "")) else ("" if last else "."))


def punctuate(text: str) -> str:
    """Recogniser output made readable: capitals, "I", and "?" after a question.

    The move recogniser reads question marks and sentence ends; speech
    recognisers write none.
    """
    return _sentence(" ".join(text.split()), True)


#: Seconds of silence inside an utterance read as a sentence end, and as a comma.
SENTENCE_PAUSE = 0.3
COMMA_PAUSE = 0.1


def punctuate_timed(words: Sequence[tuple[str, float]]) -> str:
    """Like :func:`punctuate` for ``(word, pause after it in seconds)`` pairs: long pauses end
    sentences, shorter ones make commas.

    >>> punctuate_timed([("how", 0), ("was", 0), ("the", 0), ("show", 0.3), ("i", 0), ("heard", 0.12), ("it", 0), ("rained", 0)])
    'How was the show? I heard, it rained'
    """
    sentences: list[list[str]] = [[]]
    for word, pause in words:
        sentences[-1].append(word)
        if pause >= SENTENCE_PAUSE:
            sentences.append([])
        elif pause >= COMMA_PAUSE:
            sentences[-1][-1] += ","
    parts = [" ".join(s) for s in sentences if s]
    return " ".join(_sentence(p, i == len(parts) - 1) for i, p in enumerate(parts))


def join_turn(parts: Sequence[str]) -> str:
    """One rep turn from pieces heard with pauses between them.

    >>> join_turn(["Sorry about that", "What happened then?"])
    'Sorry about that. What happened then?'
    """
    parts = [p.strip() for p in parts if p and p.strip()]
    return " ".join(_sentence(p, i == len(parts) - 1) for i, p in enumerate(parts))
