"""Small widgets for the practice window: buttons, a text field, toggles, bars.

The editing model (:class:`LineEdit`) has no pygame in it, so it can be tested
alone; the drawing helpers take a :class:`~simulator.window.theme.Theme`.

>>> e = LineEdit("hello")
>>> e.insert(" world"); e.home(); e.delete()
>>> e.text, e.cursor
('ello world', 0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pygame

from simulator.window.theme import Color, Theme, mix, wrap

_WORD_LEFT = re.compile(r"\S+\s*$")
_WORD_RIGHT = re.compile(r"^\s*\S+")


class LineEdit:
    """Text being typed: cursor, editing, and a history recalled with Up/Down."""

    def __init__(self, text: str = "", limit: int = 2000):
        self.text = text
        self.cursor = len(text)
        self.limit = limit
        self.history: list[str] = []
        self._browse: int | None = None  # index into history while browsing
        self._draft = ""

    def set(self, text: str) -> None:
        self.text = text[: self.limit]
        self.cursor = len(self.text)

    def insert(self, s: str) -> None:
        s = "".join(c if c.isprintable() else " " for c in s.replace("\r\n", " ").replace("\n", " "))
        room = self.limit - len(self.text)
        s = s[:max(0, room)]
        self.text = self.text[: self.cursor] + s + self.text[self.cursor:]
        self.cursor += len(s)
        self._browse = None

    def backspace(self, word: bool = False) -> None:
        if self.cursor == 0:
            return
        start = self.cursor - 1
        if word:
            m = _WORD_LEFT.search(self.text[: self.cursor])
            start = m.start() if m else 0
        self.text = self.text[:start] + self.text[self.cursor:]
        self.cursor = start

    def delete(self, word: bool = False) -> None:
        if self.cursor >= len(self.text):
            return
        end = self.cursor + 1
        if word:
            m = _WORD_RIGHT.search(self.text[self.cursor:])
            end = self.cursor + (m.end() if m else 1)
        self.text = self.text[: self.cursor] + self.text[end:]

    def left(self, word: bool = False) -> None:
        if word:
            m = _WORD_LEFT.search(self.text[: self.cursor])
            self.cursor = m.start() if m else 0
        else:
            self.cursor = max(0, self.cursor - 1)

    def right(self, word: bool = False) -> None:
        if word:
            m = _WORD_RIGHT.search(self.text[self.cursor:])
            self.cursor += m.end() if m else 0
        else:
            self.cursor = min(len(self.text), self.cursor + 1)

    def home(self) -> None:
        self.cursor = 0

    def end(self) -> None:
        self.cursor = len(self.text)

    def clear(self) -> None:
        self.set("")

    def submit(self) -> str:
        """The text to send (stripped); remembered in the history; the field empties."""
        out = " ".join(self.text.split())
        if out and (not self.history or self.history[-1] != out):
            self.history.append(out)
        self._browse = None
        self.clear()
        return out

    def history_up(self) -> bool:
        """Recall the previous line; False when there is none.

        >>> e = LineEdit(); e.set("one"); _ = e.submit(); e.set("two"); _ = e.submit()
        >>> e.history_up(), e.text, e.history_up(), e.text, e.history_down(), e.text
        (True, 'two', True, 'one', True, 'two')
        """
        if not self.history:
            return False
        if self._browse is None:
            self._draft = self.text
            self._browse = len(self.history)
        if self._browse == 0:
            return False
        self._browse -= 1
        self.set(self.history[self._browse])
        return True

    def history_down(self) -> bool:
        if self._browse is None:
            return False
        self._browse += 1
        if self._browse >= len(self.history):
            self._browse = None
            self.set(self._draft)
        else:
            self.set(self.history[self._browse])
        return True


def paste_text() -> str:
    """The clipboard's text, or '' when there is no clipboard (fails soft)."""
    try:
        import pygame.scrap as scrap

        if not scrap.get_init():
            scrap.init()
        for kind in ("text/plain;charset=utf-8", "UTF8_STRING", pygame.SCRAP_TEXT):
            raw = scrap.get(kind)
            if raw:
                return raw.decode("utf-8", "replace").replace("\x00", "") if isinstance(raw, bytes) else str(raw)
    except Exception:  # noqa: BLE001 - no clipboard on this system: typing still works
        return ""
    return ""


def copy_text(text: str) -> bool:
    try:
        import pygame.scrap as scrap

        if not scrap.get_init():
            scrap.init()
        scrap.put(pygame.SCRAP_TEXT, text.encode("utf-8"))
        return True
    except Exception:  # noqa: BLE001
        return False


# -- drawing helpers ----------------------------------------------------------------

def panel(surf: pygame.Surface, rect: pygame.Rect, theme: Theme, color: Color | None = None,
          radius: int | None = None, border: Color | None = None, shadow: bool = False) -> None:
    r = theme.px(12) if radius is None else radius
    if shadow:
        pygame.draw.rect(surf, theme.p.shadow, rect.move(0, theme.px(3)), border_radius=r)
    pygame.draw.rect(surf, color or theme.p.surface, rect, border_radius=r)
    if border:
        pygame.draw.rect(surf, border, rect, width=max(1, theme.px(1)), border_radius=r)


def panel_inner(surf: pygame.Surface, rect: pygame.Rect, theme: Theme, pad: int, **kw) -> pygame.Rect:
    """Draw a :func:`panel` (``kw`` go to it) and return the room inside it, ``pad`` pixels in on every side."""
    panel(surf, rect, theme, **kw)
    return rect.inflate(-2 * pad, -2 * pad)


def title_block(surf: pygame.Surface, theme: Theme, r: pygame.Rect, title: str, sub: str, right: int) -> None:
    """A header's title and the muted line under it, centred in ``r`` and fitted to end before ``right``."""
    pad = theme.px(18)
    width = right - r.x - 2 * pad
    t_img = theme.text(theme.fit(title, "h2", width, True), "h2", theme.p.text, True)
    s_img = theme.text(theme.fit(sub, "small", width), "small", theme.p.muted)
    y = r.centery - (t_img.get_height() + s_img.get_height()) // 2
    surf.blit(t_img, (r.x + pad, y))
    surf.blit(s_img, (r.x + pad, y + t_img.get_height()))


def focus_ring(surf: pygame.Surface, rect: pygame.Rect, theme: Theme, radius: int | None = None) -> None:
    g = max(2, theme.px(3))
    r = (theme.px(10) if radius is None else radius) + g
    pygame.draw.rect(surf, theme.p.focus, rect.inflate(2 * g, 2 * g), width=max(2, theme.px(2)), border_radius=r)


def blit_text(surf: pygame.Surface, theme: Theme, s: str, pos: tuple[int, int], role: str = "body",
              color: Color | None = None, bold: bool = False, anchor: str = "topleft",
              max_width: int | None = None) -> pygame.Rect:
    if max_width is not None:
        s = theme.fit(s, role, max_width, bold)
    img = theme.text(s, role, color, bold)
    rect = img.get_rect(**{anchor: pos})
    surf.blit(img, rect)
    return rect


def paragraph(surf: pygame.Surface, theme: Theme, s: str, rect: pygame.Rect, role: str = "body",
              color: Color | None = None, bold: bool = False, max_lines: int | None = None,
              line_gap: float = 1.0) -> int:
    """Wrapped text in ``rect``; returns the height used. Lines past ``max_lines`` end in an ellipsis."""
    font = theme.font(role, bold)
    lines = [s[a:b].rstrip() for a, b in wrap(s, font, rect.width)]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = theme.fit(lines[-1] + "\u2026", role, rect.width, bold)
        if not lines[-1].endswith("\u2026"):
            lines[-1] = theme.fit(lines[-1] + " \u2026" * 40, role, rect.width, bold)
    step = int(font.get_linesize() * line_gap)
    y = rect.y
    for line in lines:
        surf.blit(theme.text(line, role, color, bold), (rect.x, y))
        y += step
    return y - rect.y


def paragraph_height(theme: Theme, s: str, width: int, role: str = "body", bold: bool = False,
                     max_lines: int | None = None, line_gap: float = 1.0) -> int:
    n = len(wrap(s, theme.font(role, bold), width))
    if max_lines is not None:
        n = min(n, max_lines)
    return n * int(theme.font(role, bold).get_linesize() * line_gap)


_FADES: dict[tuple, pygame.Surface] = {}


def fade_edge(surf: pygame.Surface, rect: pygame.Rect, color: Color, top: bool = True) -> None:
    """Fade scrolled content into the panel at the top (or bottom) edge of ``rect``."""
    key = (rect.width, rect.height, color, top)
    img = _FADES.get(key)
    if img is None:
        img = pygame.Surface(rect.size, pygame.SRCALPHA)
        h = max(1, rect.height)
        for i in range(h):
            t = (1 - i / h) if top else (i / h)
            pygame.draw.line(img, (*color, int(255 * t ** 1.5)), (0, i), (rect.width, i))
        if len(_FADES) > 32:
            _FADES.clear()
        _FADES[key] = img
    surf.blit(img, rect)


def bar(surf: pygame.Surface, rect: pygame.Rect, share: float, color: Color, theme: Theme,
        track: Color | None = None) -> None:
    """A rounded progress bar filled to ``share`` (0..1)."""
    r = rect.height // 2
    pygame.draw.rect(surf, track or theme.p.sunken, rect, border_radius=r)
    share = max(0.0, min(1.0, share))
    if share > 0:
        fill = pygame.Rect(rect.x, rect.y, max(rect.height, round(rect.width * share)), rect.height)
        pygame.draw.rect(surf, color, fill, border_radius=r)


def chip(surf: pygame.Surface, theme: Theme, label: str, pos: tuple[int, int], color: Color,
         text_color: Color | None = None, role: str = "small", anchor: str = "topleft", bold: bool = True,
         outline: bool = False) -> pygame.Rect:
    """A pill-shaped label."""
    img = theme.text(label, role, text_color or (color if outline else theme.p.on_accent), bold)
    pad_x, pad_y = theme.tx(10), theme.tx(3)
    rect = pygame.Rect(0, 0, img.get_width() + 2 * pad_x, img.get_height() + 2 * pad_y)
    setattr(rect, anchor, pos)
    if outline:
        pygame.draw.rect(surf, color, rect, width=max(1, theme.px(1.5)), border_radius=rect.height // 2)
    else:
        pygame.draw.rect(surf, color, rect, border_radius=rect.height // 2)
    surf.blit(img, img.get_rect(center=rect.center))
    return rect


def chip_width(theme: Theme, label: str, role: str = "small", bold: bool = True) -> int:
    return theme.font(role, bold).size(label)[0] + 2 * theme.tx(10)


# -- interactive widgets ------------------------------------------------------------

@dataclass
class Button:
    """A clickable, focusable button with an optional keyboard shortcut shown on it."""

    key: str
    label: str
    action: Callable[[], None]
    shortcut: str = ""
    kind: str = "secondary"  # primary | secondary | danger | ghost
    enabled: bool = True
    visible: bool = True
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    hover: bool = False

    def width(self, theme: Theme) -> int:
        w = theme.font("label", True).size(self.label)[0] + 2 * theme.tx(18)
        if self.shortcut:
            w += theme.font("tiny").size(self.shortcut)[0] + theme.tx(10)
        return w

    @staticmethod
    def height(theme: Theme) -> int:
        return theme.font("label", True).get_linesize() + 2 * theme.tx(10)

    def draw(self, surf: pygame.Surface, theme: Theme, focused: bool = False) -> None:
        if not self.visible:
            return
        p = theme.p
        bg, fg = {
            "primary": (p.accent, p.on_accent),
            "danger": ((150, 44, 52), p.text),
            "ghost": (p.bg, p.text),
        }.get(self.kind, (p.raised, p.text))
        if not self.enabled:
            bg, fg = mix(bg, p.bg, 0.6), p.faint
        elif self.hover:
            bg = mix(bg, (255, 255, 255), 0.12)
        r = theme.px(10)
        pygame.draw.rect(surf, bg, self.rect, border_radius=r)
        if self.kind in ("secondary", "ghost"):
            pygame.draw.rect(surf, p.border, self.rect, width=max(1, theme.px(1)), border_radius=r)
        label = theme.text(self.label, "label", fg, True)
        if self.shortcut:
            hint = theme.text(self.shortcut, "tiny", mix(fg, bg, 0.35))
            total = label.get_width() + theme.tx(10) + hint.get_width()
            x = self.rect.centerx - total // 2
            surf.blit(label, label.get_rect(midleft=(x, self.rect.centery)))
            surf.blit(hint, hint.get_rect(midleft=(x + label.get_width() + theme.tx(10), self.rect.centery + theme.px(1))))
        else:
            surf.blit(label, label.get_rect(center=self.rect.center))
        if focused:
            focus_ring(surf, self.rect, theme, r)


def row_layout(buttons: list[Button], theme: Theme, right: int, y: int, gap: int | None = None,
               align: str = "right", left: int = 0) -> int:
    """Place visible buttons in a row ending at ``right`` (or starting at ``left``); returns the row's x extent."""
    gap = theme.px(12) if gap is None else gap
    h = Button.height(theme)
    shown = [b for b in buttons if b.visible]
    if align == "right":
        x = right
        for b in reversed(shown):
            w = b.width(theme)
            b.rect = pygame.Rect(x - w, y, w, h)
            x -= w + gap
        return x + gap
    x = left
    for b in shown:
        w = b.width(theme)
        b.rect = pygame.Rect(x, y, w, h)
        x += w + gap
    return x - gap


class Segmented:
    """A row of mutually exclusive options (mode, difficulty); Left/Right change it."""

    def __init__(self, key: str, options: list[tuple[str, str]], value: str, on_change: Callable[[str], None]):
        self.key = key
        self.options = options  # (value, label)
        self.value = value
        self.on_change = on_change
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.rects: list[pygame.Rect] = []

    def height(self, theme: Theme) -> int:
        return theme.font("label", True).get_linesize() + 2 * theme.tx(8)

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = rect
        n = len(self.options)
        w = rect.width / n
        self.rects = [pygame.Rect(round(rect.x + i * w), rect.y, round(w), rect.height) for i in range(n)]

    def select(self, value: str) -> None:
        if value != self.value:
            self.value = value
            self.on_change(value)

    def move(self, d: int) -> None:
        values = [v for v, _ in self.options]
        i = values.index(self.value) if self.value in values else 0
        self.select(values[max(0, min(len(values) - 1, i + d))])

    def click(self, pos: tuple[int, int]) -> bool:
        for (value, _), r in zip(self.options, self.rects):
            if r.collidepoint(pos):
                self.select(value)
                return True
        return False

    def draw(self, surf: pygame.Surface, theme: Theme, focused: bool = False) -> None:
        p = theme.p
        r = theme.px(10)
        pygame.draw.rect(surf, p.sunken, self.rect, border_radius=r)
        pygame.draw.rect(surf, p.border, self.rect, width=max(1, theme.px(1)), border_radius=r)
        for (value, label), rr in zip(self.options, self.rects):
            on = value == self.value
            if on:
                pygame.draw.rect(surf, p.accent, rr.inflate(-theme.px(6), -theme.px(6)), border_radius=r - 2)
            img = theme.text(theme.fit(label, "label", rr.width - theme.px(8), True), "label",
                             p.on_accent if on else p.muted, True)
            surf.blit(img, img.get_rect(center=rr.center))
        if focused:
            focus_ring(surf, self.rect, theme, r)


BLINK = 0.53  # seconds per cursor blink phase
BLINK_FOR = 10.0  # the cursor stops blinking (stays on) this long after the last key, so an idle window sleeps


def blink_phase(now: float, epoch: float) -> int:
    """0 (cursor shown) or 1 (hidden); always 0 once the rep has been idle for BLINK_FOR seconds.

    >>> blink_phase(0.2, 0.0), blink_phase(0.6, 0.0), blink_phase(60.0, 0.0)
    (0, 1, 0)
    """
    since = now - epoch
    if since >= BLINK_FOR:
        return 0
    return int(since / BLINK) % 2


def next_blink(now: float, epoch: float) -> float | None:
    """Seconds until the cursor next changes, or None when it has stopped blinking."""
    since = now - epoch
    if since >= BLINK_FOR:
        return None
    return min(BLINK - (since % BLINK), BLINK_FOR - since) + 0.002


class TextField:
    """A wrapped text box over a :class:`LineEdit`, with a blinking cursor."""

    def __init__(self, edit: LineEdit, placeholder: str = "", role: str = "body", max_lines: int = 4):
        self.edit = edit
        self.placeholder = placeholder
        self.role = role
        self.max_lines = max_lines
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.blink_epoch = 0.0

    def pad(self, theme: Theme) -> tuple[int, int]:
        return theme.tx(14), theme.tx(10)

    def lines_for(self, theme: Theme, width: int) -> list[tuple[int, int]]:
        px, _ = self.pad(theme)
        return wrap(self.edit.text, theme.font(self.role), width - 2 * px)

    def height_for(self, theme: Theme, width: int) -> int:
        _, py = self.pad(theme)
        n = max(1, min(self.max_lines, len(self.lines_for(theme, width))))
        return n * theme.font(self.role).get_linesize() + 2 * py

    def draw(self, surf: pygame.Surface, theme: Theme, focused: bool, now: float, enabled: bool = True) -> None:
        p = theme.p
        r = theme.px(10)
        pygame.draw.rect(surf, p.sunken, self.rect, border_radius=r)
        pygame.draw.rect(surf, p.accent if focused else p.border, self.rect,
                         width=max(1, theme.px(2 if focused else 1)), border_radius=r)
        px, py = self.pad(theme)
        font = theme.font(self.role)
        lh = font.get_linesize()
        inner = self.rect.inflate(-2 * px, -2 * py)
        text = self.edit.text
        if not text:
            surf.blit(theme.text(theme.fit(self.placeholder, self.role, inner.width), self.role, p.faint),
                      (inner.x, inner.y))
        spans = wrap(text, font, inner.width) if text else [(0, 0)]
        cur_line = 0
        for i, (a, _) in enumerate(spans):
            if a <= self.edit.cursor:
                cur_line = i
        first = max(0, min(cur_line - self.max_lines + 1, len(spans) - self.max_lines))
        clip = surf.get_clip()
        surf.set_clip(inner.inflate(theme.px(4), 0).clip(clip) if clip else inner)
        for i in range(first, min(len(spans), first + self.max_lines)):
            a, b = spans[i]
            if text:
                surf.blit(theme.text(text[a:b].rstrip(), self.role, p.text if enabled else p.faint),
                          (inner.x, inner.y + (i - first) * lh))
        if focused and enabled and blink_phase(now, self.blink_epoch) == 0:
            a, _ = spans[cur_line]
            x = inner.x + font.size(text[a:self.edit.cursor])[0]
            y = inner.y + (cur_line - first) * lh
            pygame.draw.rect(surf, p.accent, (x, y + theme.px(2), max(2, theme.px(2)), lh - theme.px(4)))
        surf.set_clip(clip)
