"""Draw the built-in buyer portraits into assets/portraits/ (run: python tools/make_portraits.py).

Each persona gets three expressions (``-cross``, plain, ``-warm``); the window shows
the one that matches the buyer's mood. Drawn, not photographed, so they can be
regenerated and versioned.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
import pygame  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "assets" / "portraits"
SIZE = 256

# id: (background, skin, hair, hair style, shirt, glasses)
PEOPLE = {
    "angry-customer": ((70, 96, 130), (232, 190, 160), (90, 60, 40), "short", (60, 70, 90), False),
    "skeptical-prospect": ((96, 120, 90), (200, 150, 115), (30, 30, 35), "side", (150, 40, 50), True),
    "rushed-exec": ((60, 60, 80), (245, 205, 180), (140, 140, 150), "bob", (30, 30, 40), False),
    "hesitant-switcher": ((140, 110, 80), (170, 120, 90), (20, 20, 20), "long", (80, 120, 160), False),
    "overdue-status": ((110, 80, 120), (225, 180, 150), (170, 90, 40), "bun", (70, 110, 80), True),
    "lost-deal": ((80, 110, 120), (150, 100, 75), (40, 30, 25), "short", (200, 170, 90), False),
}


def draw(bg, skin, hair, style, shirt, glasses, mood: str) -> pygame.Surface:
    s = pygame.Surface((SIZE, SIZE))
    s.fill(bg)
    cx, cy = SIZE // 2, SIZE // 2 - 10
    pygame.draw.ellipse(s, shirt, (cx - 100, cy + 80, 200, 140))
    pygame.draw.rect(s, skin, (cx - 18, cy + 50, 36, 45))
    if style in ("long", "bob"):
        pygame.draw.ellipse(s, hair, (cx - 78, cy - 78, 156, 190 if style == "long" else 150))
    pygame.draw.ellipse(s, skin, (cx - 62, cy - 70, 124, 150))
    if style == "short":
        pygame.draw.ellipse(s, hair, (cx - 64, cy - 80, 128, 60))
    elif style == "side":
        pygame.draw.polygon(s, hair, [(cx - 64, cy - 20), (cx - 60, cy - 70), (cx + 40, cy - 82), (cx + 64, cy - 30), (cx + 10, cy - 50)])
    elif style == "bun":
        pygame.draw.circle(s, hair, (cx, cy - 84), 26)
        pygame.draw.ellipse(s, hair, (cx - 64, cy - 78, 128, 48))
    else:
        pygame.draw.ellipse(s, hair, (cx - 66, cy - 82, 132, 64))
    eye_y = cy - 2
    for dx in (-26, 26):
        pygame.draw.ellipse(s, (255, 255, 255), (cx + dx - 11, eye_y - 7, 22, 14))
        pygame.draw.circle(s, (40, 40, 50), (cx + dx, eye_y), 5)
        if glasses:
            pygame.draw.circle(s, (30, 30, 30), (cx + dx, eye_y), 17, 3)
        # brows follow the mood
        tilt = {"cross": 7, "plain": 0, "warm": -3}[mood]
        inner, outer = (cx + dx - (6 if dx > 0 else -6), eye_y - 16 + tilt), (cx + dx + (14 if dx > 0 else -14), eye_y - 18 - tilt // 2)
        pygame.draw.line(s, hair, inner, outer, 5)
    if glasses:
        pygame.draw.line(s, (30, 30, 30), (cx - 9, eye_y), (cx + 9, eye_y), 3)
    pygame.draw.line(s, (190, 140, 120), (cx, cy + 4), (cx - 5, cy + 24), 3)
    mouth = pygame.Rect(cx - 24, cy + 34, 48, 24)
    lip = (150, 70, 70)
    if mood == "warm":
        pygame.draw.arc(s, lip, mouth.move(0, -10), 3.5, 5.9, 4)
    elif mood == "cross":
        pygame.draw.arc(s, lip, mouth.move(0, 8), 0.4, 2.7, 4)
    else:
        pygame.draw.line(s, lip, (cx - 18, cy + 42), (cx + 18, cy + 42), 4)
    return s


def main() -> int:
    pygame.init()
    OUT.mkdir(parents=True, exist_ok=True)
    for pid, spec in PEOPLE.items():
        for mood, suffix in (("cross", "-cross"), ("plain", ""), ("warm", "-warm")):
            pygame.image.save(draw(*spec, mood), str(OUT / f"{pid}{suffix}.png"))
    print(f"wrote {len(PEOPLE) * 3} portraits to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
