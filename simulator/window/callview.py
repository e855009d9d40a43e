"""What a call looks like: header with the clock, the buyer panel and the transcript.

Shared by the live call screen and the replay, so a replay looks exactly like
the call did. It only draws what it is given (turns, buyer states); it never
changes a session.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import pygame

from simulator import engine
from simulator.window.portraits import expression
from simulator.window.theme import Color, level_color, mix, wrap_lines
from simulator.window.widgets import bar, blit_text, chip, chip_width, fade_edge, panel, paragraph

if TYPE_CHECKING:
    from simulator.window.app import App

ENDING_LABELS = {"won": "Won", "lost": "Lost", "hung_up": "Hung up", "timed_out": "Out of time",
                 "resolved": "Resolved", "abandoned": "Abandoned"}


def ending_label(ending_id: str | None) -> str:
    """A readable name for an ending id.

    >>> ending_label("hung_up"), ending_label("meeting_booked")
    ('Hung up', 'Meeting booked')
    """
    if not ending_id:
        return ""
    return ENDING_LABELS.get(ending_id, ending_id.replace("_", " ").capitalize())


def clock_text(seconds: float) -> str:
    """Seconds as mm:ss.

    >>> clock_text(161.4)
    '02:41'
    """
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


@dataclass
class Item:
    kind: str  # brief | buyer | rep | divider | ending | pending | typing
    text: str = ""
    turn: int = 0  # 1-based turn number; 0 when not a turn
    caption: str = ""
    color: Color | None = None
    surf: pygame.Surface | None = None
    bubble: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    align: str = "left"
    y: int = 0
    name: str = ""  # who spoke, when not the usual "You" (a relay's participant)


class CallView:
    """The call's look for one scenario; fed with turns and buyer states."""

    def __init__(self, app: "App", scenario: Any, mode: str = "practice", you: str = "You"):
        self.app = app
        self.theme = app.theme
        self.scn = scenario
        self.mode = mode
        self.you = you
        self.items: list[Item] = []
        self._sig: tuple | None = None
        self._width = 0
        self._scale = 0.0
        self.display: dict[str, float] = {m.name: m.start for m in scenario.meters}
        self.target: dict[str, float] = dict(self.display)
        self.flash: dict[str, tuple[float, float]] = {}  # meter -> (delta, seconds left)
        self.clock_display = 0.0
        self.clock_target = 0.0
        self.state: Any = None
        self.expr = "plain"
        self.prev_expr: str | None = None
        self.fade = 1.0
        self.scroll = 0
        self.stick = True
        self.content_h = 0
        self.highlight: int | None = None
        self._rendered: dict[tuple, tuple[pygame.Surface, pygame.Rect]] = {}
        self.t = 0.0
        self.header = self.left = self.transcript = pygame.Rect(0, 0, 0, 0)

    # -- feeding --------------------------------------------------------------------------
    def set_state(self, state: Any, animate: bool = True) -> None:
        """The buyer's state to show; meters and clock glide to it when ``animate``."""
        prev = self.state
        self.state = state
        for name, value in state.meters.items():
            old = self.target.get(name, value)
            if animate and prev is not None and abs(value - old) >= 0.5:
                self.flash[name] = (value - old, 1.8)
            self.target[name] = value
            if not animate or name not in self.display:
                self.display[name] = value
        self.clock_target = state.clock
        if not animate:
            self.clock_display = state.clock
        e = expression(engine.mood(self.scn, state))
        if e != self.expr:
            self.prev_expr, self.expr = self.expr, e
            self.fade = 0.0 if animate else 1.0

    def sync(self, turns: Sequence[Any], history: Sequence[Any], pending: str | None = None,
             typing: bool = False, outcome: str | None = None,
             labels: Sequence[str | None] | None = None) -> None:
        """Rebuild the transcript items when the turns changed.

        ``labels`` names who said each rep turn (relay workshops); None keeps "You".
        """
        labels = list(labels or ())
        sig = (len(turns), id(turns[-1]) if turns else None, pending, typing, outcome, self.mode, self.you,
               tuple(labels))
        if sig == self._sig:
            return
        self._sig = sig
        items: list[Item] = []
        if self.scn.brief or self.scn.goal:
            items.append(Item("brief"))
        prev_call = 1
        for i, t in enumerate(turns):
            if t.call != prev_call:
                days = (history[i].day - history[i - 1].day) if i < len(history) and i > 0 else 0
                when = f"{days} day{'s' if days != 1 else ''} later" if days > 0 else "later the same day"
                items.append(Item("divider", f"Call {t.call} \u00b7 {when}"))
                prev_call = t.call
            if t.speaker == "rep":
                heard = ", ".join(m.replace("_", " ") for m in t.moves) or "no clear move"
                items.append(Item("rep", t.text, i + 1, f"heard: {heard}" if self.mode == "practice" else "",
                                  align="right", name=(labels[i] if i < len(labels) else None) or ""))
            else:
                items.append(Item("buyer", t.text, i + 1))
            st = history[i] if i < len(history) else None
            ended = getattr(st, "ended", None)
            last_of_call = i + 1 == len(turns) or turns[i + 1].call != t.call
            if ended and last_of_call:
                try:
                    result = self.scn.ending(ended).result
                except KeyError:
                    result = "neutral"
                color = {"won": self.theme.p.good, "lost": self.theme.p.bad}.get(result, self.theme.p.warn)
                items.append(Item("ending", f"Call {t.call} ended \u00b7 {ending_label(ended)}", color=color))
        if outcome == "abandoned":
            items.append(Item("ending", "Call stopped \u00b7 logged as abandoned", color=self.theme.p.faint))
        if pending:
            items.append(Item("pending", pending, caption="sending\u2026", align="right"))
        if typing:
            items.append(Item("typing"))
        self.items = items
        self._width = 0  # re-render

    # -- layout and animation ------------------------------------------------------------------
    def layout(self, header: pygame.Rect, left: pygame.Rect, transcript: pygame.Rect) -> None:
        self.header, self.left, self.transcript = header, left, transcript
        self._width = 0

    def update(self, dt: float) -> bool:
        self.t += dt
        moving = False
        k = 1.0 - math.exp(-dt * 9.0)
        for name, target in self.target.items():
            cur = self.display.get(name, target)
            if abs(target - cur) > 0.05:
                self.display[name] = cur + (target - cur) * k
                moving = True
            else:
                self.display[name] = target
        for name, (d, left) in list(self.flash.items()):
            left -= dt
            if left <= 0:
                del self.flash[name]
            else:
                self.flash[name] = (d, left)
            moving = True
        if abs(self.clock_target - self.clock_display) > 0.5:
            self.clock_display += (self.clock_target - self.clock_display) * k
            moving = True
        else:
            self.clock_display = self.clock_target
        if self.fade < 1.0:
            self.fade = min(1.0, self.fade + dt / 0.35)
            moving = True
        if any(i.kind == "typing" for i in self.items):
            moving = True
        return moving

    def scroll_by(self, dy: int) -> None:
        view = self.transcript.height - 2 * self.theme.px(14)
        top = max(0, self.content_h - view)
        self.scroll = max(0, min(top, self.scroll + dy))
        self.stick = self.scroll >= top - 2

    def scroll_to_end(self) -> None:
        self.stick = True

    def page(self) -> int:
        return max(40, self.transcript.height - self.theme.px(80))

    # -- drawing ---------------------------------------------------------------------------
    def draw_header(self, surf: pygame.Surface, chips: Sequence[tuple[str, Color, bool]] = (),
                    show_clock: bool = True, title: str | None = None) -> None:
        th, p = self.theme, self.theme.p
        r = self.header
        panel(surf, r, th)
        pad = th.px(18)
        right = r.right - pad
        if show_clock:
            right = self._draw_clock(surf, right, r)
            right -= th.px(18)
        for label, color, filled in reversed(chips):
            cr = chip(surf, th, label, (right, r.centery), color, anchor="midright", outline=not filled)
            right = cr.left - th.px(8)
        persona = self.scn.persona
        sub = " \u00b7 ".join(x for x in (persona.name, ", ".join(y for y in (persona.role, persona.company) if y)) if x)
        width = right - r.x - 2 * pad
        t_img = th.text(th.fit(title or self.scn.title, "h2", width, True), "h2", p.text, True)
        s_img = th.text(th.fit(sub, "small", width), "small", p.muted)
        total = t_img.get_height() + s_img.get_height()
        y = r.centery - total // 2
        surf.blit(t_img, (r.x + pad, y))
        surf.blit(s_img, (r.x + pad, y + t_img.get_height()))

    def _draw_clock(self, surf: pygame.Surface, right: int, r: pygame.Rect) -> int:
        th, p = self.theme, self.theme.p
        budget = self.scn.clock.budget
        value = clock_text(self.clock_display) + (f" / {clock_text(budget)}" if budget else "")
        big = th.text(value, "h3", p.text, True)
        label = th.text("call time" + (" \u00b7 budget" if budget else ""), "tiny", p.muted)
        w = max(big.get_width(), label.get_width())
        x = right - w
        top = r.centery - (big.get_height() + label.get_height() + (th.px(8) if budget else 0)) // 2
        surf.blit(label, (right - label.get_width(), top))
        surf.blit(big, (right - big.get_width(), top + label.get_height()))
        if budget:
            share = self.clock_display / budget
            color = p.good if share < 0.6 else (p.warn if share < 0.85 else p.bad)
            bar(surf, pygame.Rect(x, top + label.get_height() + big.get_height() + th.px(3), w, th.px(5)),
                share, color, th)
        return x

    def draw_left(self, surf: pygame.Surface, card: tuple[str, str, Color] | None = None) -> None:
        th, p = self.theme, self.theme.p
        r = self.left
        panel(surf, r, th)
        pad = th.px(18)
        inner = r.inflate(-2 * pad, -2 * pad)
        name_h = th.line_height("h3") + th.line_height("small")
        meter_h = th.line_height("small") + th.px(6) + th.px(10)
        meters_h = len(self.scn.meters) * (meter_h + th.px(12))
        card_h = 0
        if card:
            body_w = inner.width - 2 * th.px(14) - th.px(4)
            n = max(2, min(6, len(wrap_lines(card[1], th.font("small"), body_w))))
            card_h = th.line_height("label") + th.px(2) + n * th.line_height("small") + 2 * th.px(12) + th.px(14)
        fixed = name_h + th.px(12) + meters_h + th.px(8) + card_h
        side = max(th.px(72), min(inner.width, inner.height - fixed, th.px(300)))
        img_rect = pygame.Rect(0, 0, side, side)
        img_rect.midtop = (inner.centerx, inner.y)
        self._draw_portrait(surf, img_rect)
        y = img_rect.bottom + th.px(12)
        persona = self.scn.persona
        blit_text(surf, th, persona.name, (inner.x, y), "h3", p.text, True, max_width=inner.width)
        stage = (getattr(self.state, "stage", "") or "").replace("_", " ")
        if stage:
            chip(surf, th, stage, (inner.right, y + th.px(2)), p.accent, anchor="topright", outline=True, role="tiny")
        y += th.line_height("h3")
        role = ", ".join(x for x in (persona.role, persona.company) if x)
        blit_text(surf, th, role, (inner.x, y), "small", p.muted, max_width=inner.width)
        y += th.line_height("small") + th.px(14)
        for m in self.scn.meters:
            value = self.display.get(m.name, m.start)
            good = m.goodness(value)
            blit_text(surf, th, m.label, (inner.x, y), "small", p.muted, True)
            val = blit_text(surf, th, f"{value:.0f}", (inner.right, y), "small", p.text, True, anchor="topright")
            if m.name in self.flash:
                d, left = self.flash[m.name]
                col = p.good if m.is_good(d) else p.bad
                col = mix(p.surface, col, min(1.0, left / 0.6))
                blit_text(surf, th, f"{d:+.0f}", (val.left - th.px(8), y), "small", col, True, anchor="topright")
            y += th.line_height("small") + th.px(4)
            bar(surf, pygame.Rect(inner.x, y, inner.width, th.px(10)), (value - m.min) / ((m.max - m.min) or 1),
                level_color(good, p), th)
            y += th.px(10) + th.px(12)
        if card:
            title, text, color = card
            top = max(y + th.px(4), inner.bottom - card_h + th.px(14))
            box = pygame.Rect(inner.x, top, inner.width, inner.bottom - top)
            if box.height > th.line_height("label") + th.px(20):
                panel(surf, box, th, p.sunken, radius=th.px(10))
                pygame.draw.rect(surf, color, (box.x, box.y + th.px(10), th.px(4), box.height - th.px(20)),
                                 border_radius=th.px(2))
                tx = box.inflate(-2 * th.px(14), -2 * th.px(12))
                tx.x += th.px(4)
                tx.width -= th.px(4)
                blit_text(surf, th, title, (tx.x, tx.y), "label", color, True, max_width=tx.width)
                body = pygame.Rect(tx.x, tx.y + th.line_height("label") + th.px(2), tx.width, 0)
                lines = max(1, (tx.bottom - body.y) // th.line_height("small"))
                paragraph(surf, th, text, body, "small", p.text, max_lines=lines)

    def _draw_portrait(self, surf: pygame.Surface, rect: pygame.Rect) -> None:
        ports = self.app.portraits
        cur = ports.get(self.scn, self.expr, rect.width)
        if self.fade < 1.0 and self.prev_expr:
            old = ports.get(self.scn, self.prev_expr, rect.width)
            surf.blit(old, rect)
            cur = cur.copy()
            cur.set_alpha(int(255 * self.fade))
        surf.blit(cur, rect)

    def draw_transcript(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        r = self.transcript
        panel(surf, r, th, p.sunken)
        pad = th.px(14)
        inner = r.inflate(-2 * pad, -2 * pad)
        inner.width -= th.px(8)  # room for the scroll bar
        if self._width != inner.width or self._scale != th.u * th.user_scale:
            self._render(inner.width)
        gap = th.px(12)
        y = 0
        for item in self.items:
            item.y = y
            h = item.surf.get_height() if item.surf is not None else th.line_height("body") + 2 * th.tx(10)
            y += h + gap
        self.content_h = max(0, y - gap)
        top = max(0, self.content_h - inner.height)
        if self.stick:
            self.scroll = top
        self.scroll = max(0, min(top, self.scroll))
        clip = surf.get_clip()
        surf.set_clip(r.inflate(-th.px(4), -th.px(4)))
        for item in self.items:
            sy = inner.y + item.y - self.scroll
            h = item.surf.get_height() if item.surf is not None else th.line_height("body") + 2 * th.tx(10)
            if sy > r.bottom or sy + h < r.y:
                continue
            if item.kind == "typing":
                self._draw_typing(surf, inner.x, sy)
                continue
            x = inner.x if item.align == "left" else inner.right - item.surf.get_width()
            if item.kind in ("divider", "ending", "brief"):
                x = inner.centerx - item.surf.get_width() // 2
            surf.blit(item.surf, (x, sy))
            if self.highlight is not None and item.turn == self.highlight:
                br = item.bubble.move(x, sy)
                pygame.draw.rect(surf, p.focus, br.inflate(th.px(6), th.px(6)), width=max(2, th.px(2)),
                                 border_radius=th.px(16))
        if self.scroll > 0:
            fade_edge(surf, pygame.Rect(r.x + th.px(4), r.y + th.px(4), r.width - th.px(8), th.px(36)), p.sunken)
        surf.set_clip(clip)
        if self.content_h > inner.height:
            track = pygame.Rect(r.right - th.px(10), r.y + th.px(10), th.px(4), r.height - th.px(20))
            share = inner.height / self.content_h
            hh = max(th.px(24), int(track.height * share))
            pos = track.y + int((track.height - hh) * (self.scroll / max(1, top)))
            pygame.draw.rect(surf, p.raised, track, border_radius=th.px(2))
            pygame.draw.rect(surf, p.border, (track.x, pos, track.width, hh), border_radius=th.px(2))

    def scroll_to_turn(self, turn: int) -> None:
        """Scroll so the bubble of ``turn`` is in view (replay)."""
        for item in self.items:
            if item.turn == turn and item.surf is not None:
                view = self.transcript.height - 2 * self.theme.px(14)
                if item.y < self.scroll or item.y + item.surf.get_height() > self.scroll + view:
                    self.scroll = max(0, item.y + item.surf.get_height() - view + self.theme.px(12))
                self.stick = False
                return

    def _draw_typing(self, surf: pygame.Surface, x: int, y: int) -> None:
        th, p = self.theme, self.theme.p
        h = th.line_height("body") + 2 * th.tx(10)
        w = th.tx(72)
        pygame.draw.rect(surf, p.buyer_bubble, (x, y, w, h), border_radius=th.px(14))
        for i in range(3):
            phase = (math.sin(self.t * 6 - i * 0.8) + 1) / 2
            c = mix(p.faint, p.text, phase)
            pygame.draw.circle(surf, c, (x + w // 2 + (i - 1) * th.tx(14), y + h // 2), max(2, th.tx(4)))

    # -- rendering items ---------------------------------------------------------------------
    def _render(self, width: int) -> None:
        """Render the items' surfaces, reusing those already rendered at this width and scale."""
        self._width = width
        self._scale = self.theme.u * self.theme.user_scale
        cache: dict[tuple, tuple[pygame.Surface, pygame.Rect]] = {}
        for item in self.items:
            if item.kind == "typing":
                item.surf = None
                continue
            key = (item.kind, item.text, item.turn, item.caption, item.color, item.name or self.you, width,
                   self._scale)
            hit = self._rendered.get(key)
            if hit is None:
                hit = (self._render_item(item, width), pygame.Rect(item.bubble))
            item.surf, item.bubble = hit[0], pygame.Rect(hit[1])
            cache[key] = hit
        self._rendered = cache

    def _render_item(self, item: Item, width: int) -> pygame.Surface:
        th, p = self.theme, self.theme.p
        if item.kind == "divider":
            img = th.text(item.text, "small", p.muted, True)
            w = min(width, img.get_width() + th.px(160))
            s = pygame.Surface((w, img.get_height() + th.px(8)), pygame.SRCALPHA)
            cy = s.get_height() // 2
            pygame.draw.line(s, p.border, (0, cy), ((w - img.get_width()) // 2 - th.px(10), cy), max(1, th.px(1)))
            pygame.draw.line(s, p.border, ((w + img.get_width()) // 2 + th.px(10), cy), (w, cy), max(1, th.px(1)))
            s.blit(img, img.get_rect(center=(w // 2, cy)))
            return s
        if item.kind == "ending":
            w = chip_width(th, item.text, "label")
            img_h = th.line_height("label") + 2 * th.tx(3)
            s = pygame.Surface((w + 2, img_h + th.px(4)), pygame.SRCALPHA)
            chip(s, th, item.text, (1, 0), item.color or p.warn, role="label")
            return s
        if item.kind == "brief":
            return self._render_brief(width)
        # a speech bubble with the speaker's name above it
        buyer = item.kind == "buyer"
        padx, pady = th.tx(14), th.tx(10)
        max_text = int(width * 0.76) - 2 * padx
        font = th.font("body")
        lines = wrap_lines(item.text, font, max_text) or [""]
        text_w = max(font.size(line)[0] for line in lines)
        name = self.scn.persona.name if buyer else (item.name or self.you)
        name_img = th.text(th.fit(name, "small", width), "small", p.muted, True)
        cap_img = th.text(th.fit(item.caption, "tiny", int(width * 0.76)), "tiny", p.faint) if item.caption else None
        bw = max(text_w + 2 * padx, th.px(48))
        bh = len(lines) * font.get_linesize() + 2 * pady
        w = max(bw, name_img.get_width(), cap_img.get_width() if cap_img else 0)
        h = name_img.get_height() + th.px(4) + bh + ((th.px(4) + cap_img.get_height()) if cap_img else 0)
        s = pygame.Surface((w, h), pygame.SRCALPHA)
        bx = 0 if buyer else w - bw
        s.blit(name_img, (0 if buyer else w - name_img.get_width(), 0))
        by = name_img.get_height() + th.px(4)
        color = p.buyer_bubble if buyer else p.rep_bubble
        if item.kind == "pending":
            color = mix(p.rep_bubble, p.sunken, 0.45)
        bubble = pygame.Rect(bx, by, bw, bh)
        pygame.draw.rect(s, color, bubble, border_radius=th.px(14))
        ty = by + pady
        for line in lines:
            s.blit(th.text(line, "body", p.text), (bx + padx, ty))
            ty += font.get_linesize()
        if cap_img:
            s.blit(cap_img, (0 if buyer else w - cap_img.get_width(), bubble.bottom + th.px(4)))
        item.bubble = bubble
        return s

    def _render_brief(self, width: int) -> pygame.Surface:
        th, p = self.theme, self.theme.p
        w = min(width, max(th.px(420), int(width * 0.92)))
        pad = th.px(16)
        inner_w = w - 2 * pad
        parts: list[tuple[str, str, Color, bool]] = []
        if self.scn.brief:
            parts.append(("Your brief", self.scn.brief, p.muted, False))
        if self.scn.goal:
            parts.append(("Your goal", self.scn.goal, p.text, False))
        heights = []
        for label, text, _, _ in parts:
            n = len(wrap_lines(text, th.font("small"), inner_w))
            heights.append(th.line_height("tiny") + th.px(2) + n * th.line_height("small"))
        h = 2 * pad + sum(heights) + th.px(10) * (len(parts) - 1)
        s = pygame.Surface((w, h), pygame.SRCALPHA)
        pygame.draw.rect(s, p.surface, (0, 0, w, h), border_radius=th.px(12))
        pygame.draw.rect(s, p.border, (0, 0, w, h), width=max(1, th.px(1)), border_radius=th.px(12))
        y = pad
        for (label, text, color, _), hh in zip(parts, heights):
            s.blit(th.text(label.upper(), "tiny", p.accent, True), (pad, y))
            paragraph(s, th, text, pygame.Rect(pad, y + th.line_height("tiny") + th.px(2), inner_w, 0), "small", color)
            y += hh + th.px(10)
        return s
