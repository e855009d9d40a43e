"""Look and feel of the practice window: palette, spacing, type scale, text layout.

Every size in the window comes from here, so the screens stay consistent and
scale together: ``px(n)`` scales a spacing from the 1280x720 reference layout to
the current window, and text sizes also follow the rep's Ctrl +/- scale.

>>> t = Theme(user_scale=1.0)
>>> t.resize(1920, 1080)
>>> t.px(16), t.size("body")
(24, 26)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pygame

from simulator import paths

Color = tuple[int, int, int]

REFERENCE = (1280, 720)
#: Base text sizes in pixels at the reference size and scale 1.
TYPE_SCALE = {"tiny": 12, "small": 14, "label": 15, "body": 17, "h3": 19, "h2": 24, "h1": 32, "display": 52}
#: Text never shrinks below this share of its reference size, however small the window.
MIN_TEXT = 0.8
SCALES = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)


@dataclass(frozen=True)
class Palette:
    bg: Color = (15, 20, 33)
    surface: Color = (27, 34, 52)
    raised: Color = (38, 47, 70)
    sunken: Color = (20, 26, 41)
    border: Color = (58, 69, 96)
    text: Color = (232, 236, 244)
    muted: Color = (150, 160, 182)
    faint: Color = (100, 110, 134)
    accent: Color = (74, 168, 255)
    accent_dim: Color = (36, 84, 140)
    on_accent: Color = (8, 18, 34)
    good: Color = (64, 196, 122)
    warn: Color = (240, 178, 60)
    bad: Color = (238, 86, 86)
    buyer_bubble: Color = (44, 54, 80)
    rep_bubble: Color = (30, 86, 150)
    focus: Color = (255, 214, 102)
    shadow: Color = (8, 11, 20)


PALETTE = Palette()

#: The projector variant: near-black ground, white text, brighter accents and
#: borders, so the call reads from the back of a room (projectors wash out greys).
PROJECTOR = Palette(
    bg=(4, 6, 12), surface=(18, 23, 36), raised=(36, 44, 66), sunken=(10, 13, 22), border=(96, 110, 146),
    text=(255, 255, 255), muted=(206, 213, 228), faint=(160, 170, 192), accent=(92, 184, 255),
    accent_dim=(34, 92, 158), on_accent=(0, 10, 24), good=(72, 222, 136), warn=(255, 196, 64),
    bad=(255, 104, 104), buyer_bubble=(42, 50, 76), rep_bubble=(20, 92, 176), focus=(255, 222, 92),
    shadow=(0, 0, 0))
#: Text scale of the projector layout (on top of the window's own scaling).
PROJECTOR_SCALE = 1.5


def level_color(goodness: float, p: Palette = PALETTE) -> Color:
    """Red, amber or green for a 0..1 goodness (scores, meters).

    >>> level_color(0.9) == PALETTE.good, level_color(0.1) == PALETTE.bad
    (True, True)
    """
    if goodness >= 0.6:
        return p.good
    if goodness >= 0.38:
        return p.warn
    return p.bad


def mix(a: Color, b: Color, t: float) -> Color:
    """Blend two colours: t=0 gives a, t=1 gives b."""
    t = max(0.0, min(1.0, t))
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def font_path(bold: bool = False) -> Path:
    """The shipped DejaVu Sans, so the window renders the same everywhere."""
    return paths.builtin("assets") / "fonts" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


class Theme:
    """Fonts, sizes and a small cache of rendered text for one window."""

    @classmethod
    def projector(cls, scale: float = PROJECTOR_SCALE) -> "Theme":
        """Large type and high contrast, for a room watching a projector.

        >>> t = Theme.projector(); t.resize(1280, 720)
        >>> t.size("body") > Theme().size("body"), t.p.text
        (True, (255, 255, 255))
        """
        return cls(scale, PROJECTOR, base_scale=scale)

    def __init__(self, user_scale: float = 1.0, palette: Palette = PALETTE, base_scale: float = 1.0):
        self.p = palette
        self.user_scale = user_scale
        self.base_scale = base_scale  # what Ctrl+0 goes back to
        self.u = 1.0
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._texts: dict[tuple, pygame.Surface] = {}

    # -- scale ---------------------------------------------------------------
    def resize(self, w: int, h: int) -> None:
        u = max(0.6, min(3.0, min(w / REFERENCE[0], h / REFERENCE[1])))
        if abs(u - self.u) > 1e-6:
            self.u = u
            self._texts.clear()

    def set_scale(self, scale: float) -> None:
        self.user_scale = max(SCALES[0], min(SCALES[-1], scale))
        self._texts.clear()

    def step_scale(self, direction: int) -> float:
        """Next larger (1) or smaller (-1) text scale; 0 resets."""
        if direction == 0:
            self.set_scale(self.base_scale)
        else:
            near = min(range(len(SCALES)), key=lambda i: abs(SCALES[i] - self.user_scale))
            self.set_scale(SCALES[max(0, min(len(SCALES) - 1, near + direction))])
        return self.user_scale

    def px(self, n: float) -> int:
        """A layout distance from the reference layout, scaled to the window."""
        return int(round(n * self.u))

    @property
    def text_factor(self) -> float:
        """How much text is scaled: with the window, but never below readable, times the rep's scale."""
        return max(self.u, MIN_TEXT) * self.user_scale

    def tx(self, n: float) -> int:
        """A distance that should grow with the text (padding inside text boxes)."""
        return int(round(n * self.text_factor))

    def size(self, role: str) -> int:
        return max(8, int(round(TYPE_SCALE[role] * self.text_factor)))

    # -- fonts and text ------------------------------------------------------
    def font(self, role: str = "body", bold: bool = False) -> pygame.font.Font:
        key = (self.size(role), bold)
        f = self._fonts.get(key)
        if f is None:
            try:
                f = pygame.font.Font(str(font_path(bold)), key[0])
            except (OSError, FileNotFoundError):
                f = pygame.font.Font(None, int(key[0] * 1.3))
            self._fonts[key] = f
        return f

    def line_height(self, role: str = "body") -> int:
        return self.font(role).get_linesize()

    def text(self, s: str, role: str = "body", color: Color | None = None, bold: bool = False) -> pygame.Surface:
        """Rendered text, cached (the window redraws often, text rarely changes)."""
        color = color or self.p.text
        key = (s, self.size(role), bold, color)
        surf = self._texts.get(key)
        if surf is None:
            if len(self._texts) > 4000:
                self._texts.clear()
            surf = self.font(role, bold).render(s, True, color)
            self._texts[key] = surf
        return surf

    def fit(self, s: str, role: str, width: int, bold: bool = False) -> str:
        """``s`` cut with an ellipsis so it fits ``width`` pixels."""
        f = self.font(role, bold)
        if f.size(s)[0] <= width:
            return s
        lo, hi = 0, len(s)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if f.size(s[:mid].rstrip() + "\u2026")[0] <= width:
                lo = mid
            else:
                hi = mid - 1
        return s[:lo].rstrip() + "\u2026"


_TOKEN = re.compile(r"\S+\s*|\s+")


def wrap(text: str, font: pygame.font.Font, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap: ``(start, end)`` character spans, one per line.

    Spans cover the whole text (trailing spaces stay on their line), so a
    cursor offset maps onto a line; a word wider than ``width`` is broken.
    Explicit newlines start a new line.

    >>> pygame.font.init()
    >>> f = pygame.font.Font(str(font_path()), 14)
    >>> spans = wrap("the quick brown fox jumps over the lazy dog", f, 80)
    >>> ["the quick brown fox jumps over the lazy dog"[a:b].strip() for a, b in spans][:2]
    ['the quick', 'brown fox']
    """
    width = max(8, width)
    lines: list[tuple[int, int]] = []
    offset = 0
    for para in text.split("\n"):
        start = offset
        end = offset
        for m in _TOKEN.finditer(para):
            a, b = offset + m.start(), offset + m.end()
            word = text[a:b].rstrip()
            if end > start and font.size(text[start:a] + word)[0] > width:
                lines.append((start, a))
                start = a
            # a single word wider than the line: break it by characters
            while font.size(text[start:a + len(word)].rstrip())[0] > width and a + len(word) - start > 1:
                cut = start + 1
                while cut < a + len(word) and font.size(text[start:cut + 1])[0] <= width:
                    cut += 1
                lines.append((start, cut))
                start = a = cut
                word = text[cut:b].rstrip()
            end = b
        lines.append((start, max(end, start)))
        offset += len(para) + 1
    return lines


def wrap_lines(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """The wrapped lines of ``text`` as strings (trailing spaces removed)."""
    return [text[a:b].rstrip() for a, b in wrap(text, font, width)]
