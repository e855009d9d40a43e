"""A spoken call: rep audio in, buyer audio out, as soon as the rep stops.

:class:`LiveCall` glues the pieces for one :class:`~simulator.session.Session`.
Rep audio (microphone chunks, or a file fed in real time) goes into a
:class:`~simulator.voice.asr.Stream`, which decodes while the rep talks.

Turn-taking works like people do it: answer quickly, yield if the other one
was not finished.

* After a short quiet (``answer_after``, 0.25 s by default) the words so far are
  run through the pure buyer engine on a *copy* of the state and random
  generator, and the buyer starts saying that line at once.
* If the rep goes on talking within ``commit_after`` seconds of quiet, the
  buyer stops (this is not counted as an interruption: the rep had the floor)
  and the rep's turn simply continues.
* Otherwise the turn is committed with ``Session.say(text, seconds=...)``: the
  same words, state and generator give the same line that is already playing.
  The lines that can come next are then queued for rendering.
* When the rep starts talking while a committed buyer line is playing, the
  buyer stops and the rep's next turn is marked as an interruption (barge-in).

The same object serves ``bench/voice.py`` and hands-free microphone calls.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from simulator import engine
from simulator.engine import RepTurn
from simulator.voice import predict
from simulator.voice.asr import Adaptation, Heard, Stream
from simulator.voice.text import join_turn


def likely_reply(session, text: str, seconds: float | None = None) -> str | None:  # noqa: ANN001
    """The buyer's line if the rep's turn were ``text`` (the session is not changed)."""
    if session.ended or session.between_calls or not text.strip():
        return None
    text = " ".join(text.split())
    moves = session.moves_of(text)
    rng = random.Random()
    rng.setstate(session.rng.getstate())
    try:
        _, reply = engine.step(session.scenario, session.state, RepTurn(text, frozenset(moves), seconds), rng)
    except ValueError:
        return None
    return reply.text


@dataclass
class _Tentative:
    parts: list[Heard] = field(default_factory=list)
    line: str | None = None

    @property
    def text(self) -> str:
        return join_turn([h.text for h in self.parts])

    @property
    def seconds(self) -> float:
        timed = [h for h in self.parts if h.speech_start is not None and h.speech_end is not None]
        if not timed:
            return sum(h.seconds for h in self.parts)
        return round(max(0.0, timed[-1].speech_end - timed[0].speech_start), 3)  # type: ignore[operator]


class LiveCall:
    """One spoken call. Feed rep audio with :meth:`feed`; the buyer answers through ``speaker``.

    ``on_turn(heard_text, seconds, exchange)`` runs after each committed rep turn
    (exchange is None when nothing was understood).
    """

    def __init__(self, session, speaker=None, model: str = "domain", answer_after: float = 0.25,  # noqa: ANN001
                 commit_after: float = 0.7, on_turn: Callable | None = None, tail: float = 0.05,
                 adapt: Adaptation | None = None):
        self.session = session
        self.speaker = speaker
        self.on_turn = on_turn
        self.commit_after = max(commit_after, answer_after)
        self.interrupted = False
        self.yielded = 0  # times the buyer started answering and gave the floor back
        self.answers: list[tuple[float, str]] = []  # (perf_counter, line) of each answer started
        self.detected: list[float] = []  # perf_counter() when each pause ending a stretch of speech was found
        self._tentative: _Tentative | None = None
        self.adapt = adapt
        self.stream = Stream(model, end_silence=answer_after, on_start=self._started, tail=tail, adapt=adapt)
        if speaker is not None:
            speaker.prefetch(predict.next_lines(session.scenario, session.state))

    # -- stream callbacks ------------------------------------------------------------
    def _started(self) -> None:
        if self._tentative is not None:
            # the rep was not finished: the buyer yields, the turn goes on
            if self.speaker is not None and self._tentative.line:
                self.speaker.stop(count=False)
            self._tentative.line = None
            self.yielded += 1
            return
        if self.speaker is not None and self.speaker.busy:
            self.interrupted = self.speaker.stop() or self.interrupted

    @property
    def pending(self) -> str | None:
        """The words of a turn heard but not yet committed (the buyer may be answering it)."""
        return self._tentative.text if self._tentative is not None else None

    # -- feeding -------------------------------------------------------------------------
    def feed(self, pcm: bytes):  # noqa: ANN201 - the Exchange of a committed turn, or None
        """Add rep audio; returns the Exchange when a rep turn was committed."""
        heard = self.stream.feed(pcm)
        if heard is not None:
            self.detected.append(time.perf_counter())
            self._answer(heard)
        t = self._tentative
        if t is not None and not self.stream.in_speech and t.parts[-1].speech_end is not None \
                and self.stream.clock - t.parts[-1].speech_end >= self.commit_after:
            return self.commit()
        return None

    def finish(self):  # noqa: ANN201
        """No more audio: end and commit the turn in progress."""
        heard = self.stream.finish()
        if heard is not None:
            self._answer(heard)
        return self.commit()

    def _answer(self, heard: Heard) -> None:
        if self.adapt is not None and not self.adapt.settled and self.stream.last_audio:
            threading.Thread(target=self.adapt.observe, args=(self.stream.last_audio, True), daemon=True).start()
        t = self._tentative or _Tentative()
        t.parts.append(heard)
        self._tentative = t
        line = likely_reply(self.session, t.text, t.seconds) if t.text else None
        t.line = line
        if line and self.speaker is not None:
            self.speaker.say(line)
            self.answers.append((time.perf_counter(), line))

    def commit(self):  # noqa: ANN201
        """Record the turn in progress in the session (done by :meth:`feed` after ``commit_after``)."""
        t, self._tentative = self._tentative, None
        if t is None:
            return None
        text = t.text
        if not text or self.session.ended or self.session.between_calls:
            if self.on_turn:
                self.on_turn(text, t.seconds, None)
            return None
        ex = self.session.say(text, seconds=t.seconds, interrupted=self.interrupted)
        self.interrupted = False
        if self.speaker is not None:
            if ex.buyer.text != t.line:  # cannot happen with a deterministic engine; be safe
                self.speaker.say(ex.buyer.text)
            self.speaker.prefetch(predict.next_lines(self.session.scenario, self.session.state))
        if self.on_turn:
            self.on_turn(text, t.seconds, ex)
        return ex
