"""salesim: an offline sales-call role-play simulator.

The core (move recognition, buyer engine, scoring) is pure and deterministic;
the shells (console, window, voice, storage, reports) are thin.

>>> from simulator.moves import REP_MOVES
>>> "handoff" in REP_MOVES
True
"""

__version__ = "0.1.0"
