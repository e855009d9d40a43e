"""Buyer portraits: one image per expression, chosen by the buyer's mood.

A persona's portrait ``portraits/glen.png`` may have siblings ``glen-cross.png``
and ``glen-warm.png``; a missing one falls back to the plain portrait, and a
missing portrait to a drawn monogram, so a user's scenario never breaks the
window.

>>> expression(0.2), expression(0.5), expression(0.8)
('cross', 'plain', 'warm')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame

from simulator import library, paths
from simulator.window.theme import Theme

CROSS_BELOW = 0.4
WARM_FROM = 0.62


def expression(mood: float) -> str:
    """The portrait expression for a 0..1 mood."""
    if mood < CROSS_BELOW:
        return "cross"
    if mood >= WARM_FROM:
        return "warm"
    return "plain"


def _files(scn: Any) -> dict[str, Path]:
    rel = getattr(scn.persona, "portrait", "") or f"portraits/{scn.id}.png"
    folder = scn.path.parent if getattr(scn, "path", None) else None
    found: dict[str, Path] = {}
    try:
        plain = library.resolve_asset(rel, folder)
    except ValueError:
        fallback = paths.builtin("assets") / "portraits" / f"{scn.id}.png"
        if not fallback.is_file():
            return found
        plain = fallback
    found["plain"] = plain
    for mood in ("cross", "warm"):
        candidate = plain.with_name(f"{plain.stem}-{mood}{plain.suffix}")
        if candidate.is_file():
            found[mood] = candidate
    return found


class Portraits:
    """Loaded and scaled portraits, cached per scenario, expression and size."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self._raw: dict[tuple[str, str], pygame.Surface | None] = {}
        self._scaled: dict[tuple[str, str, int], pygame.Surface] = {}
        self._files: dict[str, dict[str, Path]] = {}

    def get(self, scn: Any, mood_name: str, size: int) -> pygame.Surface:
        key = (scn.id, mood_name, size)
        img = self._scaled.get(key)
        if img is None:
            raw = self._load(scn, mood_name)
            img = pygame.transform.smoothscale(raw, (size, size)) if raw is not None else self._monogram(scn, size)
            img = _rounded(img, max(4, size // 12))
            if len(self._scaled) > 200:
                self._scaled.clear()
            self._scaled[key] = img
        return img

    def _load(self, scn: Any, mood_name: str) -> pygame.Surface | None:
        key = (scn.id, mood_name)
        if key not in self._raw:
            files = self._files.setdefault(scn.id, _files(scn))
            path = files.get(mood_name) or files.get("plain")
            surf = None
            if path is not None:
                try:
                    surf = pygame.image.load(str(path))
                    surf = surf.convert_alpha() if pygame.display.get_surface() else surf
                except (pygame.error, OSError):
                    surf = None
            self._raw[key] = surf
        return self._raw[key]

    def _monogram(self, scn: Any, size: int) -> pygame.Surface:
        p = self.theme.p
        s = pygame.Surface((size, size), pygame.SRCALPHA)
        s.fill(p.raised)
        name = getattr(scn.persona, "name", "") or scn.title
        initials = "".join(w[0] for w in name.split()[:2]).upper() or "?"
        font = pygame.font.Font(str(self.theme_font()), max(8, size // 3))
        img = font.render(initials, True, p.text)
        s.blit(img, img.get_rect(center=(size // 2, size // 2)))
        return s

    @staticmethod
    def theme_font() -> Path:
        from simulator.window.theme import font_path

        return font_path(True)


def _rounded(img: pygame.Surface, radius: int) -> pygame.Surface:
    """A copy of ``img`` with rounded corners."""
    w, h = img.get_size()
    out = pygame.Surface((w, h), pygame.SRCALPHA)
    mask = pygame.Surface((w, h), pygame.SRCALPHA)
    pygame.draw.rect(mask, (255, 255, 255, 255), (0, 0, w, h), border_radius=radius)
    out.blit(img, (0, 0))
    out.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    return out
