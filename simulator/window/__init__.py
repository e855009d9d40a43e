"""The practice window (pygame): start, call, scorecard, replay and progress screens.

An imperative shell over :class:`simulator.session.Session`, like the text
console: it turns keys and clicks into session calls and draws the result.

Interactive::

    salesim play --gui                      # start screen
    salesim play angry-customer --gui       # straight into a call

Scripted, for docs and tests (works with ``SDL_VIDEODRIVER=dummy``)::

    salesim play angry-customer --gui --script calls/good.txt --screenshot card.png

From Python:

>>> import os; _ = os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
>>> from simulator.window import App
>>> app = App(size=(1280, 720), remember=False, recognize=lambda texts: [frozenset()] * len(texts))
>>> call = app.start_call("angry-customer", seed=1, rep="Ana")
>>> play_script(call, ["I'm sorry, that sounds frustrating."])
>>> app.screen.name
'scorecard'
>>> app.close()
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from simulator.window.app import App  # noqa: E402

__all__ = ["App", "WindowError", "launch", "launch_workshop", "play_script"]


#: SDL video drivers that draw nowhere visible: fine for --script, not for a live call.
HEADLESS_DRIVERS = ("dummy", "offscreen")


class WindowError(Exception):
    """A problem the user can fix (no display, unreadable script, unwritable screenshot)."""


def play_script(call: Any, lines: Sequence[str], end: bool = True) -> None:
    """Type each non-blank line into the call screen and press Enter; ``@callback [DAYS]`` calls back.

    The same rules as ``salesim play --script``: lines after the buyer ends a call
    and before the next ``@callback`` go unheard. With ``end`` the call is ended
    and the scorecard shown.
    """
    from simulator.script import steps

    app = call.app
    app.wait_ready()
    session = call.session
    for kind, value in steps(lines):
        if session.ended:
            break
        if kind == "callback":
            if session.state.call < session.scenario.calls:
                call.days = value if value is not None else session.scenario.callback.after_days
                call.do_callback()
            continue
        if session.between_calls:
            continue
        call.edit.set(value)
        call.send()
        app.step(block=False)
    if end:
        if not session.ended:
            call.end_call()
        app.step(block=False)
        call.to_scorecard()
        app.step(block=False)


def launch(scenario: str | None = None, *, rep: str = "", seed: int | None = None, difficulty: str = "normal",
           mode: str = "practice", voice: bool | None = None, script: Sequence[str] | None = None,
           screenshot: str | Path | None = None, store: Any = None, database: Any = None,
           size: tuple[int, int] = (1280, 720)) -> int:
    """Open the window (the ``play --gui`` command). Raises WindowError for user-fixable problems."""
    import pygame

    from simulator.validate import ScenarioError
    from simulator.window.hooks import discover

    scripted = script is not None
    listener = speaker = None
    note = ""
    if not scripted:
        listener, speaker, note = discover(voice)
    try:
        app = App(size=size, store=store, database=database, listener=listener, speaker=speaker,
                  mic_note=note, remember=not scripted)
    except pygame.error as exc:
        raise WindowError(f"cannot open the window ({exc}); use --text for the console") from None
    if not scripted and pygame.display.get_driver() in HEADLESS_DRIVERS:
        app.close()
        raise WindowError("no display to open the window on (use --text for the console; "
                          "a headless window only plays a --script)")
    try:
        if rep and not scripted:
            app.save_settings(rep=rep)
        scn = None
        if scenario or scripted:
            try:
                scn = app.scenario(scenario or "angry-customer")
            except ScenarioError as exc:
                raise WindowError(str(exc.problems[0]) if len(exc.problems) == 1 else str(exc)) from None
        if scn is not None:
            call = app.start_call(scn, seed=seed, rep=rep or app.settings.get("rep", ""), mode=mode,
                                  difficulty=difficulty)
            if scripted:
                play_script(call, list(script or ()))
                if screenshot:
                    try:
                        app.screenshot(screenshot)
                    except (pygame.error, OSError) as exc:
                        raise WindowError(f"cannot write the screenshot {screenshot}: {exc}") from None
                return 0
        return app.run()
    finally:
        app.close()


def launch_workshop(progress: Any, make_session: Any, **kw: Any) -> int:
    """The workshop window (``salesim workshop --gui``): see :mod:`simulator.window.workshop`."""
    from simulator.window.workshop import launch_workshop as launch_it

    return launch_it(progress, make_session, **kw)
