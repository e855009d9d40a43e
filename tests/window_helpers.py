"""Helpers shared by the headless window tests: events as a user makes them, screenshots, layout checks.

Import this after the test module has set ``SDL_VIDEODRIVER=dummy``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import pygame


def pump(app, n: int = 3) -> None:
    for _ in range(n):
        app.step(block=False)


def key(app, k: int, mod: int = 0, up: bool = True) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0))
    if up:
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0))
    pump(app)


def type_text(app, text: str, enter: bool = False) -> None:
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
    pump(app)
    if enter:
        key(app, pygame.K_RETURN)


def click(app, pos: tuple[int, int]) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos))
    pump(app)


def colours(path: Path) -> int:
    """Distinct colours in a PNG (a blank or broken screen has very few)."""
    import numpy as np

    arr = pygame.surfarray.array3d(pygame.image.load(str(path)))
    flat = arr.reshape(-1, 3)
    return len(np.unique(flat[:: max(1, len(flat) // 200_000)], axis=0))


def assert_laid_out(app) -> None:
    """Every visible button is inside the window and no two overlap."""
    w, h = app.size
    shown = [b for b in app.screen.buttons.values() if b.visible]
    for b in shown:
        assert b.rect.width > 0 and b.rect.left >= 0 and b.rect.top >= 0, b.key
        assert b.rect.right <= w and b.rect.bottom <= h, (b.key, b.rect, app.size)
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            assert not a.rect.colliderect(b.rect), (app.screen.name, a.key, b.key)


def screenshots(app, sizes: Sequence[tuple[int, int]], path_for: Callable[[int, int], Path],
                laid_out: bool = False) -> list[Path]:
    """Screenshots of the current screen at each size, each checked non-blank (and laid out, when asked);
    the window goes back to the first size."""
    out = []
    for w, h in sizes:
        app.resize(w, h)
        app.settle()
        pump(app, 2)
        if laid_out:
            assert_laid_out(app)
        path = app.screenshot(path_for(w, h))
        assert pygame.image.load(str(path)).get_size() == (w, h)
        assert colours(path) > 60, f"{path.name} looks blank"
        out.append(path)
    app.resize(*sizes[0])
    return out
