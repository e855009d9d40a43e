"""The window's main loop: screens, events, redraws only when something changed.

:class:`App` owns the pygame window and the current screen. It sleeps in
``pygame.event.wait`` while nothing moves (a blinking cursor wakes it twice a
second), runs at up to 60 frames a second while something animates, and draws
a frame as soon as an event changed what is shown, so the buyer's reply is on
screen within a frame of pressing Enter.

Headless use (tests, benches, ``--screenshot``): set ``SDL_VIDEODRIVER=dummy``,
post events with ``pygame.event.post`` and call :meth:`App.step`.

>>> import os; os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # doctest: +ELLIPSIS
'...'
>>> app = App(size=(800, 500), remember=False, recognize=lambda texts: [frozenset()] * len(texts))
>>> app.screen.name
'start'
>>> app.close()
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import pygame

from simulator import library
from simulator.scenario import Scenario
from simulator.session import Recognize, Session, Store
from simulator.window import settings as settings_mod
from simulator.window.hooks import NO_MIC, Listener, Speaker
from simulator.window.portraits import Portraits
from simulator.window.screen import ctrl
from simulator.window.theme import Theme

MIN_SIZE = (800, 500)
FPS = 60
ACTIVE_SLICE = 0.002  # seconds between event polls while the rep is typing
IDLE_SLICE = 0.010  # ... and when nothing has happened for a moment


class App:
    #: the scenarios read, shared by every window in the process (they are frozen values)
    _scenario_sig: tuple | None = None
    _scenario_list: list[Scenario] = []

    def __init__(self, size: tuple[int, int] = (1280, 720), *, store: Store | None = None,
                 database: Any = None, recognize: Recognize | None = None,
                 recognize_buyer: Recognize | None = None, listener: Listener | None = None,
                 speaker: Speaker | None = None, mic_note: str = NO_MIC, remember: bool = True,
                 settings_file: Path | None = None, fullscreen: bool = False,
                 clock: Callable[[], float] = time.perf_counter, theme: Theme | None = None):
        pygame.display.init()
        pygame.font.init()
        self.settings_file = settings_file
        self.remember = remember
        self.settings = settings_mod.load(settings_file) if remember else dict(settings_mod.DEFAULTS)
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        self.surface = pygame.display.set_mode(size, flags)
        pygame.display.set_caption("salesim: sales-call practice")
        self._set_icon()
        pygame.key.set_repeat(400, 35)
        pygame.key.start_text_input()
        self.size = self.surface.get_size()
        self.theme = theme or Theme(self.settings.get("text_scale", 1.0))
        self.theme.resize(*self.size)
        self.portraits = Portraits(self.theme)
        self.store = store
        self.database = database
        self.recognize = recognize
        self.recognize_buyer = recognize_buyer
        self.listener = listener
        self.speaker = speaker
        self.mic_note = "" if listener is not None else (mic_note or NO_MIC)
        self.now = clock
        self.show_focus = True
        self.running = True
        self.dirty = True
        self._rects: list[pygame.Rect] = []
        self.frames = 0
        self.last_frame_at = 0.0
        self.frame_listeners: list[Callable[["App"], None]] = []
        self._clock = pygame.time.Clock()
        self._last_update = self.now()
        self._last_input = self._last_update
        self._warm: threading.Thread | None = None
        self._warm_error: str | None = None
        if recognize is None:
            self._warm = threading.Thread(target=self._warm_up, name="salesim-warm-up", daemon=True)
            self._warm.start()
        from simulator.window.start import StartScreen

        self.screen = StartScreen(self)
        self.screen.layout(*self.size)
        self.screen.enter()

    # -- set-up ------------------------------------------------------------------------
    def _set_icon(self) -> None:
        icon = pygame.Surface((32, 32), pygame.SRCALPHA)
        pygame.draw.rect(icon, (74, 168, 255), (2, 2, 28, 28), border_radius=8)
        pygame.draw.rect(icon, (15, 20, 33), (9, 9, 14, 10), border_radius=4)
        pygame.draw.polygon(icon, (15, 20, 33), [(12, 18), (12, 24), (17, 18)])
        pygame.display.set_icon(icon)

    def _warm_up(self) -> None:
        """Load the move models in the background while the rep picks a buyer."""
        try:
            from simulator import recognizer

            recognizer.get("rep")
            recognizer.get("buyer")
        except Exception as exc:  # noqa: BLE001 - shown on the call screen, never a crash
            self._warm_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__

    def ready(self) -> bool:
        """The move models are loaded (a turn can be read without waiting)."""
        return self._warm is None or not self._warm.is_alive()

    def wait_ready(self, timeout: float | None = None) -> bool:
        if self._warm is not None:
            self._warm.join(timeout)
        return self.ready()

    def log(self) -> Any:
        """The score log to read the rep's history from (None when logging is off)."""
        if self.database is not None:
            return self.database
        if hasattr(self.store, "session_rows"):
            return self.store
        return getattr(self.store, "db", None)

    # -- sessions ----------------------------------------------------------------------
    def scenarios(self) -> list[Scenario]:
        """Every valid scenario, built-in first (invalid user files are skipped).

        Read once and again only when a scenario file is added, removed or changed.
        """
        sig = tuple(sorted((str(p), p.stat().st_mtime) for folder, _ in library.folders() if folder.is_dir()
                           for p in folder.glob("*.y*ml")))
        if sig != App._scenario_sig:
            out = []
            for item in library.available():
                if item.problems:
                    continue
                try:
                    out.append(library.load_path(item.path))
                except Exception:  # noqa: BLE001 - a broken user file must not stop the window
                    continue
            App._scenario_list, App._scenario_sig = out, sig
        return list(App._scenario_list)

    def scenario(self, ref: str) -> Scenario:
        """A scenario by id (from the list already read) or by file path."""
        for scn in self.scenarios():
            if scn.id == ref:
                return scn
        return library.load(ref)

    def new_session(self, scn: Scenario, seed: int | None = None, rep: str | None = None,
                    mode: str | None = None, difficulty: str | None = None) -> Session:
        return Session(scn, rep=rep if rep is not None else self.settings.get("rep", ""),
                       seed=seed, difficulty=difficulty or self.settings.get("difficulty", "normal"),
                       recognize=self.recognize, recognize_buyer=self.recognize_buyer, store=self.store,
                       mode=mode or self.settings.get("mode", "practice"))

    def start_call(self, scn: Scenario | str, seed: int | None = None, **kw: Any) -> "Any":
        """Open the call screen on a new session; returns the screen."""
        from simulator.window.call import CallScreen

        if isinstance(scn, str):
            scn = self.scenario(scn)
        if self.remember:
            self.save_settings(scenario=scn.id)
        screen = CallScreen(self, self.new_session(scn, seed, **kw))
        self.goto(screen)
        return screen

    def show_scorecard(self, session: Session) -> "Any":
        from simulator.window.scorecard import ScorecardScreen

        return self.goto(ScorecardScreen(self, session))

    def show_start(self) -> "Any":
        from simulator.window.start import StartScreen

        return self.goto(StartScreen(self))

    def show_progress(self, back: Callable[[], Any] | None = None) -> "Any":
        from simulator.window.progress import ProgressScreen

        return self.goto(ProgressScreen(self, back=back))

    def save_settings(self, **changes: Any) -> None:
        self.settings.update(changes)
        if self.remember:
            settings_mod.save(changes, self.settings_file)

    # -- screens and drawing ----------------------------------------------------------------
    def goto(self, screen: Any) -> Any:
        self.screen.leave()
        self.screen = screen
        screen.layout(*self.size)
        screen.enter()
        self.dirty = True
        return screen

    def invalidate(self, rect: pygame.Rect | None = None) -> None:
        """Redraw at the next pass: the whole window, or only ``rect`` on screen (a blinking cursor)."""
        if rect is None:
            self.dirty = True
        else:
            self._rects.append(pygame.Rect(rect))

    def resize(self, w: int, h: int) -> None:
        """Change the window size (also used by tests and screenshots)."""
        w, h = max(MIN_SIZE[0], w), max(MIN_SIZE[1], h)
        if (w, h) != tuple(self.surface.get_size()):
            self.surface = pygame.display.set_mode((w, h), pygame.RESIZABLE)
        self._relayout()

    def _relayout(self) -> None:
        self.surface = pygame.display.get_surface() or self.surface
        self.size = self.surface.get_size()
        self.theme.resize(*self.size)
        self.screen.layout(*self.size)
        self.dirty = True

    def set_text_scale(self, direction: int) -> None:
        scale = self.theme.step_scale(direction)
        self.save_settings(text_scale=scale)
        self._relayout()

    def draw(self, partial: bool = False) -> None:
        """Draw the screen; with ``partial`` only the invalidated rectangles reach the display."""
        self.screen.draw(self.surface)
        if partial and self._rects and not self.dirty:
            pygame.display.update(self._rects)
        else:
            pygame.display.flip()
        self._rects = []
        self.frames += 1
        self.last_frame_at = self.now()
        self.dirty = False
        for listener in list(self.frame_listeners):
            listener(self)

    def settle(self) -> None:
        """Finish every running animation at once (screenshots, tests)."""
        for _ in range(5):
            if not self.screen.update(10.0):
                break
        self.dirty = True

    def screenshot(self, path: str | Path) -> Path:
        """Draw the current screen and save it as PNG."""
        self.draw()
        path = Path(path)
        pygame.image.save(self.surface, str(path))
        return path

    # -- the loop ---------------------------------------------------------------------------
    def handle(self, e: pygame.event.Event) -> None:
        if e.type == pygame.QUIT:
            self.running = False
            return
        if e.type == pygame.VIDEORESIZE or (e.type == pygame.WINDOWSIZECHANGED):
            if tuple(pygame.display.get_surface().get_size()) != tuple(self.size):
                self._relayout()
            return
        if e.type in (pygame.WINDOWEXPOSED, pygame.WINDOWSHOWN, pygame.WINDOWRESTORED, pygame.WINDOWFOCUSGAINED):
            self.dirty = True
            return
        if e.type == pygame.KEYDOWN and ctrl(e):
            if e.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
                self.set_text_scale(1)
                return
            if e.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.set_text_scale(-1)
                return
            if e.key in (pygame.K_0, pygame.K_KP0):
                self.set_text_scale(0)
                return
            if e.key == pygame.K_q:
                self.running = False
                return
        if e.type in (pygame.KEYDOWN, pygame.KEYUP, pygame.TEXTINPUT, pygame.MOUSEBUTTONDOWN,
                      pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL):
            self.dirty = True
        self.screen.handle(e)

    def step(self, block: bool = True) -> bool:
        """One pass of the loop: events, animation, a frame if needed. True when a frame was drawn.

        With ``block`` it sleeps until an event arrives or a redraw is due.
        """
        now = self.now()
        dt, self._last_update = min(0.1, now - self._last_update), now
        animating = self.screen.update(dt)
        if block and not animating and not self.dirty and not self._rects:
            due = self.screen.wakeup()
            events = self._wait(1.0 if due is None else max(0.001, min(1.0, due)))
        else:
            events = pygame.event.get()
        if events:
            self._last_input = self.now()
        for e in events:
            self.handle(e)
            if not self.running:
                return False
        current = pygame.display.get_surface()
        if current is not None and tuple(current.get_size()) != tuple(self.size):
            self._relayout()
        if events:
            now = self.now()
            dt, self._last_update = min(0.1, now - self._last_update), now
            animating = self.screen.update(dt) or animating
        if self.dirty or animating or self._rects:
            self.draw(partial=not animating)
            if block and animating:
                self._clock.tick(FPS)
            return True
        return False

    def _wait(self, timeout: float) -> list:
        """Sleep until an event arrives or ``timeout`` seconds pass.

        ``pygame.event.wait`` polls every millisecond (about 5% of a core on X11);
        sleeping in short slices costs well under 1% and keeps input prompt: 2 ms
        slices while the rep is typing, 10 ms after half a second without input.
        """
        deadline = self.now() + timeout
        while True:
            events = pygame.event.get()
            now = self.now()
            if events or now >= deadline:
                return events
            current = pygame.display.get_surface()
            if current is not None and tuple(current.get_size()) != tuple(self.size):
                return events
            quick = now - self._last_input < 0.5
            time.sleep(min(ACTIVE_SLICE if quick else IDLE_SLICE, deadline - now))

    def run(self) -> int:
        try:
            while self.running:
                self.step()
        finally:
            self.close()
        return 0

    def close(self) -> None:
        """Leave cleanly: a call still in progress is logged as abandoned. Safe to call twice."""
        self.running = False
        if getattr(self, "_closed", False):
            return
        self._closed = True
        session = getattr(self.screen, "session", None)
        if session is not None and not session.ended and getattr(self.screen, "name", "") == "call":
            try:
                session.abandon()
            except Exception:  # noqa: BLE001 - closing must not fail
                pass
        if self.speaker is not None:
            try:
                self.speaker.stop()
            except Exception:  # noqa: BLE001
                pass
        try:
            pygame.key.stop_text_input()
        except pygame.error:
            pass
        pygame.display.quit()
