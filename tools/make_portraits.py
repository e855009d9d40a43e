"""Draw the built-in buyer portraits into assets/portraits/ (run: python tools/make_portraits.py).

Each persona gets three expressions (``-cross``, plain, ``-warm``); the window shows
the one that matches the buyer's mood. Drawn, not photographed, so they can be
regenerated and versioned. Shapes are drawn at four times the size and scaled
down, which smooths their edges.

    python tools/make_portraits.py            # all personas
    python tools/make_portraits.py rushed-exec
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "assets" / "portraits"
SIZE = 256
SS = 4  # supersampling factor

# id: (background, skin, hair, hair style, shirt, glasses)
PEOPLE = {
    "angry-customer": ((70, 96, 130), (232, 190, 160), (90, 60, 40), "short", (60, 70, 90), False),
    "skeptical-prospect": ((96, 120, 90), (200, 150, 115), (30, 30, 35), "side", (150, 40, 50), True),
    "rushed-exec": ((60, 60, 80), (245, 205, 180), (140, 140, 150), "bob", (30, 30, 40), False),
    "hesitant-switcher": ((140, 110, 80), (170, 120, 90), (20, 20, 20), "long", (80, 120, 160), False),
    "overdue-status": ((110, 80, 120), (225, 180, 150), (170, 90, 40), "bun", (70, 110, 80), True),
    "lost-deal": ((80, 110, 120), (150, 100, 75), (40, 30, 25), "short", (200, 170, 90), False),
}


def shade(c: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    """Darker (f < 1) or lighter (f > 1) version of a colour."""
    if f <= 1:
        return tuple(max(0, int(v * f)) for v in c)  # type: ignore[return-value]
    return tuple(min(255, int(v + (255 - v) * (f - 1))) for v in c)  # type: ignore[return-value]


def draw(bg, skin, hair, style, shirt, glasses, mood: str) -> pygame.Surface:
    n = SIZE * SS

    def P(x: float, y: float) -> tuple[int, int]:
        return int(x * SS), int(y * SS)

    def R(x: float, y: float, w: float, h: float) -> pygame.Rect:
        return pygame.Rect(int(x * SS), int(y * SS), int(w * SS), int(h * SS))

    def W(w: float) -> int:
        return max(1, int(w * SS))

    s = pygame.Surface((n, n))
    top, bottom = shade(bg, 1.18), shade(bg, 0.82)
    for y in range(n):
        t = y / n
        pygame.draw.line(s, tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)), (0, y), (n, y))
    cx, cy = SIZE // 2, SIZE // 2 - 8
    dark_skin = shade(skin, 0.86)
    # shoulders, collar and neck
    pygame.draw.ellipse(s, shirt, R(cx - 104, cy + 84, 208, 150))
    pygame.draw.polygon(s, shade(shirt, 0.75), [P(cx - 22, cy + 86), P(cx, cy + 116), P(cx + 22, cy + 86)])
    pygame.draw.rect(s, dark_skin, R(cx - 19, cy + 48, 38, 50), border_radius=W(8))
    pygame.draw.polygon(s, skin, [P(cx - 19, cy + 88), P(cx, cy + 108), P(cx + 19, cy + 88)])
    # hair behind the head
    if style == "long":
        pygame.draw.ellipse(s, hair, R(cx - 80, cy - 80, 160, 200))
        pygame.draw.rect(s, hair, R(cx - 80, cy + 10, 160, 90), border_radius=W(30))
    elif style == "bob":
        pygame.draw.ellipse(s, hair, R(cx - 78, cy - 80, 156, 160))
    elif style == "bun":
        pygame.draw.circle(s, hair, P(cx, cy - 86), W(27))
    # ears, head
    for dx in (-60, 60):
        pygame.draw.ellipse(s, dark_skin, R(cx + dx - 11, cy - 6, 22, 34))
    pygame.draw.ellipse(s, skin, R(cx - 62, cy - 72, 124, 152))
    # hair on top
    if style == "short":
        pygame.draw.ellipse(s, hair, R(cx - 64, cy - 82, 128, 62))
        pygame.draw.rect(s, hair, R(cx - 64, cy - 52, 14, 34), border_radius=W(6))
        pygame.draw.rect(s, hair, R(cx + 50, cy - 52, 14, 34), border_radius=W(6))
    elif style == "side":
        pygame.draw.polygon(s, hair, [P(cx - 64, cy - 18), P(cx - 62, cy - 62), P(cx - 30, cy - 82), P(cx + 30, cy - 84),
                                      P(cx + 62, cy - 58), P(cx + 64, cy - 24), P(cx + 30, cy - 52), P(cx - 20, cy - 46)])
    elif style == "bun":
        pygame.draw.ellipse(s, hair, R(cx - 64, cy - 80, 128, 50))
    elif style == "bob":
        pygame.draw.ellipse(s, hair, R(cx - 66, cy - 82, 132, 56))
        pygame.draw.rect(s, hair, R(cx - 70, cy - 50, 18, 80), border_radius=W(8))
        pygame.draw.rect(s, hair, R(cx + 52, cy - 50, 18, 80), border_radius=W(8))
    else:  # long
        pygame.draw.ellipse(s, hair, R(cx - 66, cy - 84, 132, 60))
    # eyes: narrowed when cross, smiling when warm
    eye_y = cy - 2
    for dx in (-25, 25):
        ex = cx + dx
        pygame.draw.ellipse(s, (250, 250, 250), R(ex - 12, eye_y - 7, 24, 15))
        pygame.draw.circle(s, (60, 45, 35), P(ex, eye_y + 1), W(6))
        pygame.draw.circle(s, (15, 15, 20), P(ex, eye_y + 1), W(3))
        pygame.draw.circle(s, (255, 255, 255), P(ex + 2, eye_y - 1), W(1.5))
        if mood == "cross":  # a lowered upper lid
            pygame.draw.rect(s, skin, R(ex - 13, eye_y - 9, 26, 6))
            pygame.draw.line(s, shade(skin, 0.6), P(ex - 12, eye_y - 3), P(ex + 12, eye_y - 3), W(2))
        elif mood == "warm":  # cheeks push the lower lid up
            pygame.draw.ellipse(s, skin, R(ex - 14, eye_y + 5, 28, 10))
            pygame.draw.arc(s, shade(skin, 0.7), R(ex - 12, eye_y + 4, 24, 10), 0.3, 2.85, W(1.5))
        # brows
        inner_x, outer_x = ex - (8 if dx > 0 else -8), ex + (14 if dx > 0 else -14)
        lift = {"cross": (10, -4), "plain": (-17, -18), "warm": (-21, -17)}[mood]
        inner_y = eye_y + (-9 if mood == "cross" else lift[0])
        outer_y = eye_y + (-19 if mood == "cross" else lift[1])
        pygame.draw.line(s, shade(hair, 0.8), P(inner_x, inner_y), P(outer_x, outer_y), W(5))
        if glasses:
            pygame.draw.ellipse(s, (30, 30, 34), R(ex - 18, eye_y - 14, 36, 28), W(3))
    if glasses:
        pygame.draw.line(s, (30, 30, 34), P(cx - 7, eye_y - 2), P(cx + 7, eye_y - 2), W(3))
    if mood == "cross":  # a frown line between the brows
        pygame.draw.line(s, shade(skin, 0.7), P(cx - 3, eye_y - 16), P(cx - 2, eye_y - 9), W(2))
        pygame.draw.line(s, shade(skin, 0.7), P(cx + 3, eye_y - 16), P(cx + 2, eye_y - 9), W(2))
    # nose
    pygame.draw.arc(s, shade(skin, 0.72), R(cx - 8, cy + 8, 16, 16), 3.6, 5.9, W(2.5))
    # cheeks and mouth
    lip = (160, 72, 72)
    if mood == "warm":
        blush = pygame.Surface((n, n), pygame.SRCALPHA)
        for dx in (-34, 34):
            pygame.draw.ellipse(blush, (235, 120, 120, 60), R(cx + dx - 12, cy + 16, 24, 14))
        s.blit(blush, (0, 0))
        pygame.draw.ellipse(s, (120, 40, 45), R(cx - 22, cy + 30, 44, 26))
        pygame.draw.rect(s, skin, R(cx - 24, cy + 26, 48, 16))
        pygame.draw.rect(s, (250, 250, 245), R(cx - 16, cy + 42, 32, 5), border_radius=W(2))
    elif mood == "cross":
        pygame.draw.arc(s, lip, R(cx - 20, cy + 42, 40, 22), 0.35, 2.8, W(4))
    else:
        pygame.draw.arc(s, lip, R(cx - 17, cy + 36, 34, 8), 3.4, 6.0, W(3.5))
    return pygame.transform.smoothscale(s, (SIZE, SIZE))


def main(argv: list[str] | None = None) -> int:
    only = set(argv if argv is not None else sys.argv[1:])
    pygame.display.init()
    OUT.mkdir(parents=True, exist_ok=True)
    done = 0
    for pid, spec in PEOPLE.items():
        if only and pid not in only:
            continue
        for mood, suffix in (("cross", "-cross"), ("plain", ""), ("warm", "-warm")):
            pygame.image.save(draw(*spec, mood), str(OUT / f"{pid}{suffix}.png"))
            done += 1
    print(f"wrote {done} portraits to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
