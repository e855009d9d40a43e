"""Promises the rep makes ("I'll call you Thursday at six") and whether they were kept.

Pure functions: the day a promise points to is worked out from the scenario's
``today`` weekday, never from the machine's clock.

>>> promised_day("I'll call you back Thursday at six", today="monday")
3
>>> promised_day("you'll hear from me in three days", today="monday")
3
>>> promised_day("I'll look into it", today="monday") is None
True
>>> keeping(promised=3, actual=1)
'early'
"""

from __future__ import annotations

import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "couple": 2, "a couple of": 2, "three": 3, "few": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "fourteen": 14,
}
_IN_DAYS = re.compile(
    r"\b(?:in|within|after)\s+(?:the\s+next\s+)?(\d+|a couple of|a|one|two|couple|three|few|four|five|six|seven|ten|fourteen)\s+"
    r"(days?|weeks?|hours?)\b"
)
_SAME_DAY = re.compile(r"\b(today|tonight|this (?:afternoon|evening|morning)|by (?:noon|end of day|close of business|eod|cob)|in an hour|within the hour|in (?:an|one|two|\d+) hours?)\b")
_TOMORROW = re.compile(r"\b(tomorrow|first thing in the morning)\b")
_NEXT_WEEK = re.compile(r"\bnext week\b")
_WEEKDAY = re.compile(r"\b(?:on\s+|by\s+|this\s+|next\s+)?(" + "|".join(WEEKDAYS) + r")s?\b")


def promised_day(text: str, today: str = "monday") -> int | None:
    """Days from now that a promise points to, or None when it names no time.

    When several days are named ("I'll email today and call you Thursday") the
    latest one is the promise the buyer will wait for.

    >>> promised_day("I'll send the summary this afternoon and call you Thursday at ten", today="monday")
    3
    """
    low = text.lower()
    days: list[int] = []
    for m in _IN_DAYS.finditer(low):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1)]
        unit = m.group(2)
        days.append(0 if unit.startswith("hour") else n * 7 if unit.startswith("week") else n)
    if _SAME_DAY.search(low):
        days.append(0)
    if _TOMORROW.search(low):
        days.append(1)
    start = WEEKDAYS.index(today.lower()) if today.lower() in WEEKDAYS else 0
    for m in _WEEKDAY.finditer(low):
        days.append((WEEKDAYS.index(m.group(1)) - start) % 7 or 7)
    if _NEXT_WEEK.search(low):
        days.append(7)
    return max(days) if days else None


def keeping(promised: int | None, actual: int) -> str:
    """How a call ``actual`` days later keeps a promise: none, kept, early or late."""
    if promised is None:
        return "none"
    if actual == promised:
        return "kept"
    return "early" if actual < promised else "late"
