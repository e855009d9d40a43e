"""The base of every screen: buttons, keyboard focus, mouse hover and clicks.

A screen lays itself out from the window size (``layout``), reacts to events
(``handle``), advances animations (``update`` returns True while something
moves) and draws (``draw``). ``wakeup`` says when a redraw is next due while
nothing moves (a blinking cursor), so the window can sleep until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from simulator.window.widgets import Button, Segmented, row_layout

if TYPE_CHECKING:
    from simulator.window.app import App

ACTIVATE = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)


def ctrl(e: Any) -> bool:
    return bool(getattr(e, "mod", 0) & (pygame.KMOD_CTRL | pygame.KMOD_META))


def shift(e: Any) -> bool:
    return bool(getattr(e, "mod", 0) & pygame.KMOD_SHIFT)


class Screen:
    name = "screen"

    def __init__(self, app: "App"):
        self.app = app
        self.theme = app.theme
        self.buttons: dict[str, Button] = {}
        self.segments: dict[str, Segmented] = {}
        self.focus: str | None = None
        self.w, self.h = app.size

    # -- to override ---------------------------------------------------------------
    def enter(self) -> None:
        """Called when the screen becomes the current one."""

    def leave(self) -> None:
        """Called when another screen replaces this one."""

    def layout(self, w: int, h: int) -> None:
        self.w, self.h = w, h

    def focus_order(self) -> list[str]:
        """Focusable keys in Tab order (buttons, segments and screen-specific items)."""
        return [k for k, b in self.buttons.items() if b.visible and b.enabled]

    def on_event(self, e: pygame.event.Event) -> bool:
        """Screen-specific handling; True when the event was used."""
        return False

    def activate(self, key: str) -> bool:
        """Enter/Space on a focused screen-specific item; True when handled."""
        return False

    def update(self, dt: float) -> bool:
        return False

    def wakeup(self) -> float | None:
        return None

    def draw(self, surf: pygame.Surface) -> None:
        surf.fill(self.theme.p.bg)

    # -- shared behaviour -------------------------------------------------------------
    def add(self, button: Button) -> Button:
        self.buttons[button.key] = button
        return button

    def press(self, key: str) -> bool:
        """Press a button by key, as a click would; False when hidden or disabled."""
        b = self.buttons.get(key)
        if b is None or not (b.visible and b.enabled):
            return False
        b.action()
        self.app.invalidate()
        return True

    def cycle_focus(self, d: int) -> None:
        order = self.focus_order()
        if not order:
            return
        i = order.index(self.focus) if self.focus in order else (-1 if d > 0 else 0)
        self.focus = order[(i + d) % len(order)]
        self.app.invalidate()

    def handle(self, e: pygame.event.Event) -> None:
        if self.on_event(e):
            self.app.invalidate()
            return
        if e.type == pygame.KEYDOWN:
            if e.key == pygame.K_TAB:
                self.cycle_focus(-1 if shift(e) else 1)
                return
            if self.focus in self.segments and e.key in (pygame.K_LEFT, pygame.K_RIGHT):
                self.segments[self.focus].move(-1 if e.key == pygame.K_LEFT else 1)
                self.app.invalidate()
                return
            if e.key in ACTIVATE and self.focus:
                if self.focus in self.buttons:
                    self.press(self.focus)
                    return
                if self.activate(self.focus):
                    self.app.invalidate()
                    return
        elif e.type == pygame.MOUSEMOTION:
            changed = False
            for b in self.buttons.values():
                h = b.visible and b.enabled and b.rect.collidepoint(e.pos)
                if h != b.hover:
                    b.hover, changed = h, True
            if changed:
                self.app.invalidate()
        elif e.type == pygame.MOUSEBUTTONDOWN and e.button == 1:
            for key, b in list(self.buttons.items()):
                if b.visible and b.enabled and b.rect.collidepoint(e.pos):
                    self.press(key)
                    return
            for key, s in self.segments.items():
                if s.click(e.pos):
                    self.focus = key
                    self.app.invalidate()
                    return

    # -- shared layout -------------------------------------------------------------------
    def margins(self) -> tuple[int, int]:
        """The outer margin and the gap between panels, in pixels."""
        return self.theme.px(20), self.theme.px(14)

    def header_height(self) -> int:
        """The height of a screen's header panel: a title and a line under it."""
        th = self.theme
        return max(th.px(64), th.line_height("h2") + th.line_height("small") + th.px(20))

    def header_rect(self, w: int) -> pygame.Rect:
        """The header panel across the top of a window ``w`` wide."""
        m = self.margins()[0]
        return pygame.Rect(m, m, w - 2 * m, self.header_height())

    def frame(self, w: int) -> tuple[int, int, pygame.Rect]:
        """The margin, the gap between panels and the header rectangle, for a window ``w`` wide."""
        m, gap = self.margins()
        return m, gap, self.header_rect(w)

    def button_row(self, keys: tuple[str, ...] | list[str], w: int, h: int) -> tuple[int, int]:
        """Lay the buttons ``keys`` out right-aligned along the bottom: (the row's top, its left end)."""
        th = self.theme
        m = self.margins()[0]
        row_y = h - m - Button.height(th)
        return row_y, row_layout([self.buttons[k] for k in keys], th, w - m, row_y)

    def draw_buttons(self, surf: pygame.Surface) -> None:
        for key, b in self.buttons.items():
            b.draw(surf, self.theme, focused=self.focus == key and self.app.show_focus)
