"""Rep scripts: a call written down, one rep turn per line (``play --script``).

Blank lines and ``#`` comments are skipped; ``@callback`` (or ``@callback 3``
for three days later) starts the next call of a multi-call scenario. The
console, the window and the workshop all play scripts through :func:`steps`,
so the rules are the same everywhere.

>>> list(steps(["Hello there", "", "# a note", "@callback 3", "@CALLBACK", "Me again"]))
[('say', 'Hello there'), ('callback', 3), ('callback', None), ('say', 'Me again')]
"""

from __future__ import annotations

from typing import Iterable, Iterator


def steps(lines: Iterable[str]) -> Iterator[tuple[str, str | int | None]]:
    """``("say", text)`` for each rep turn and ``("callback", days or None)`` for each time skip."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower().startswith("@callback"):
            arg = line[len("@callback"):].strip()
            yield "callback", int(arg) if arg.isdigit() else None
        else:
            yield "say", line


def play(session, lines: Iterable[str]) -> None:  # noqa: ANN001
    """Play a script against a session; lines after the buyer ends a call and before the
    next ``@callback`` go unheard, and the rep hangs up at the end."""
    for kind, value in steps(lines):
        if session.ended:
            break
        if kind == "callback":
            if session.state.call < session.scenario.calls:
                session.callback(value)
        elif not session.between_calls:
            session.say(value)
    if not session.ended:
        session.hang_up()
