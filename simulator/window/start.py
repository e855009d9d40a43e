"""The start screen: who is practising, how, and against which buyer.

Keys: Tab moves between the name, mode, difficulty, the buyer cards and the
buttons; arrows choose a buyer (or a mode/difficulty when that has focus);
Enter starts the call; Ctrl+P opens the progress screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from simulator.window.screen import Screen, ctrl
from simulator.window.theme import Color
from simulator.window.widgets import (Button, LineEdit, Segmented, TextField, blink_phase, blit_text, chip,
                                      chip_width, focus_ring, next_blink, panel, paragraph, paste_text)

if TYPE_CHECKING:
    from simulator.window.app import App

MODES = [("practice", "Practice"), ("assessment", "Assessment")]
MODE_NOTES = {
    "practice": "Live coach hints, and you can take back a turn.",
    "assessment": "No hints, no take-backs. Counts for your manager.",
}
DIFFICULTIES = [("easy", "Easy"), ("normal", "Normal"), ("hard", "Hard")]
DIFFICULTY_NOTES = {
    "easy": "The buyer forgives more and warms up faster.",
    "normal": "The buyer as the scenario describes them.",
    "hard": "Mistakes cost more; goodwill is slower to earn.",
}


def challenge(scn: Any) -> tuple[str, int]:
    """How hard a buyer is at normal difficulty: a label and a level 1..3.

    Read from how far the buyer starts from a good mood, plus time pressure
    (a budget of five minutes or less) and the need to call back.
    """
    if not scn.meters:
        return "Moderate", 1
    mood = sum(m.goodness(m.clamp(m.start)) for m in scn.meters) / len(scn.meters)
    level = 1.0 - mood
    level += 0.1 if scn.clock.budget and scn.clock.budget <= 300 else 0.0
    level += 0.05 if scn.calls > 1 else 0.0
    if level >= 0.6:
        return "Tough", 3
    if level >= 0.51:
        return "Challenging", 2
    return "Moderate", 1


class StartScreen(Screen):
    name = "start"

    def __init__(self, app: "App"):
        super().__init__(app)
        self.scenarios = app.scenarios()
        last = app.settings.get("scenario", "")
        ids = [s.id for s in self.scenarios]
        self.selected = ids.index(last) if last in ids else 0
        self.name_edit = LineEdit(app.settings.get("rep", ""), limit=60)
        self.name_field = TextField(self.name_edit, "Your name", max_lines=1)
        self.name_field.blink_epoch = app.now()
        self.segments["mode"] = Segmented("mode", MODES, app.settings.get("mode", "practice"),
                                          lambda v: app.save_settings(mode=v))
        self.segments["difficulty"] = Segmented("difficulty", DIFFICULTIES, app.settings.get("difficulty", "normal"),
                                                lambda v: app.save_settings(difficulty=v))
        self.add(Button("start", "Start call", self.start, "Enter", kind="primary"))
        self.add(Button("progress", "My progress", self.progress, "Ctrl+P"))
        self.focus = "cards" if self.name_edit.text else "name"
        self.card_rects: list[pygame.Rect] = []
        self.grid = pygame.Rect(0, 0, 0, 0)
        self.cols = 1
        self.scroll = 0
        self.content_h = 0
        self.message: tuple[str, Color] | None = None
        self._phase = -1

    # -- actions ---------------------------------------------------------------------------
    def rep(self) -> str:
        return " ".join(self.name_edit.text.split())

    def start(self) -> None:
        if not self.scenarios:
            self.message = ("No scenarios found: add a scenario file, then restart.", self.theme.p.bad)
            return
        if not self.rep():
            self.focus = "name"
            self.message = ("Type your name first, so your calls and progress are saved.", self.theme.p.warn)
            return
        self.app.save_settings(rep=self.rep(), mode=self.segments["mode"].value,
                               difficulty=self.segments["difficulty"].value)
        self.app.start_call(self.scenarios[self.selected], rep=self.rep(), mode=self.segments["mode"].value,
                            difficulty=self.segments["difficulty"].value)

    def progress(self) -> None:
        if self.rep():
            self.app.save_settings(rep=self.rep())
        self.app.show_progress()

    def select(self, i: int) -> None:
        if self.scenarios:
            self.selected = max(0, min(len(self.scenarios) - 1, i))
            self._keep_visible()

    def focus_order(self) -> list[str]:
        return ["name", "mode", "difficulty", "cards", "start", "progress"]

    # -- events ------------------------------------------------------------------------------
    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type == pygame.TEXTINPUT:
            if self.focus == "name":
                self.name_edit.insert(e.text)
                self.name_field.blink_epoch = self.app.now()
                self.message = None
                return True
            return False
        if e.type == pygame.MOUSEWHEEL:
            self.scroll_by(-e.y * self.theme.px(60))
            return True
        if e.type == pygame.MOUSEBUTTONDOWN and e.button == 1:
            if self.name_field.rect.collidepoint(e.pos):
                self.focus = "name"
                return True
            for i, r in enumerate(self.card_rects):
                if r.collidepoint(e.pos) and self.grid.collidepoint(e.pos):
                    if i == self.selected and self.focus == "cards":
                        self.start()
                    else:
                        self.select(i)
                        self.focus = "cards"
                    return True
            return False
        if e.type != pygame.KEYDOWN:
            return False
        k = e.key
        if ctrl(e) and k == pygame.K_p:
            self.progress()
            return True
        if self.focus == "name":
            ed = self.name_edit
            self.name_field.blink_epoch = self.app.now()
            if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.start()
            elif k == pygame.K_BACKSPACE:
                ed.backspace(ctrl(e))
            elif k == pygame.K_DELETE:
                ed.delete(ctrl(e))
            elif k == pygame.K_LEFT:
                ed.left(ctrl(e))
            elif k == pygame.K_RIGHT:
                ed.right(ctrl(e))
            elif k == pygame.K_HOME:
                ed.home()
            elif k == pygame.K_END:
                ed.end()
            elif k == pygame.K_DOWN:
                self.focus = "mode"
            elif ctrl(e) and k == pygame.K_v:
                ed.insert(paste_text())
            else:
                return False
            return True
        if self.focus == "cards":
            c = self.cols
            moves = {pygame.K_LEFT: -1, pygame.K_RIGHT: 1, pygame.K_UP: -c, pygame.K_DOWN: c}
            if k in moves:
                self.select(self.selected + moves[k])
                return True
            if k == pygame.K_HOME:
                self.select(0)
                return True
            if k == pygame.K_END:
                self.select(len(self.scenarios) - 1)
                return True
            if k in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
                self.start()
                return True
        if self.focus in ("mode", "difficulty"):
            if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.start()
                return True
            if k in (pygame.K_UP, pygame.K_DOWN):
                order = self.focus_order()
                self.focus = order[order.index(self.focus) + (1 if k == pygame.K_DOWN else -1)]
                return True
        return False

    # -- layout ------------------------------------------------------------------------------
    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        th = self.theme
        m = th.px(24)
        self.header = pygame.Rect(m, m, w - 2 * m, th.line_height("h1") + th.px(8))
        top = self.header.bottom + th.px(18)
        side_w = max(th.px(280), min(int(w * 0.3), th.px(400)))
        self.side = pygame.Rect(m, top, side_w, h - m - top)
        pad = th.px(20)
        inner = self.side.inflate(-2 * pad, -2 * pad)
        y = inner.y + th.line_height("label") + th.px(6)
        self.name_field.rect = pygame.Rect(inner.x, y, inner.width, self.name_field.height_for(th, inner.width))
        bh = Button.height(th)
        prog, start = self.buttons["progress"], self.buttons["start"]
        hint_h = 2 * th.line_height("tiny") + th.px(10)
        buttons_top = inner.bottom - hint_h - 2 * bh - th.px(10)
        notes_h = 2 * th.line_height("small") + th.px(6)
        compact = (self.name_field.rect.bottom + 2 * (th.px(22) + th.line_height("label") + th.px(6)
                                                      + self.segments["mode"].height(th)))
        self.notes_fit = compact + 2 * notes_h + th.px(16) <= buttons_top
        self.label_pos: dict[str, tuple[int, int]] = {"name": (inner.x, inner.y)}
        y = self.name_field.rect.bottom + th.px(22)
        for key in ("mode", "difficulty"):
            seg = self.segments[key]
            self.label_pos[key] = (inner.x, y)
            y += th.line_height("label") + th.px(6)
            seg.layout(pygame.Rect(inner.x, y, inner.width, seg.height(th)))
            y = seg.rect.bottom + th.px(6)
            self.label_pos[key + "_note"] = (inner.x, y)
            y += (notes_h + th.px(10)) if self.notes_fit else th.px(16)
        top_of_buttons = max(buttons_top, y + th.px(6))
        start.rect = pygame.Rect(inner.x, top_of_buttons, inner.width, bh)
        prog.rect = pygame.Rect(inner.x, start.rect.bottom + th.px(10), inner.width, bh)
        self.hint_rect = pygame.Rect(inner.x, prog.rect.bottom + th.px(10), inner.width, hint_h)
        self.show_keys_hint = self.hint_rect.bottom <= self.side.bottom
        gx = self.side.right + th.px(20)
        self.title_pos = (gx, top)
        gtop = top + th.line_height("h2") + th.px(12)
        self.grid = pygame.Rect(gx, gtop, w - m - gx, h - m - gtop)
        self.cols = max(1, min(3, self.grid.width // th.tx(380)))
        self._layout_cards()

    def card_height(self) -> int:
        th = self.theme
        text_h = (th.line_height("h3") + th.line_height("small") + 2 * th.line_height("small") + th.px(8)
                  + th.line_height("tiny") + 2 * th.tx(3))
        return max(th.px(112), text_h + 2 * th.px(14))

    def _layout_cards(self) -> None:
        th = self.theme
        gap = th.px(14)
        rows = max(1, (len(self.scenarios) + self.cols - 1) // self.cols)
        base = self.card_height()
        ch = max(base, min(int(base * 1.3), (self.grid.height - th.px(8) - gap * (rows - 1)) // rows))
        cw = (self.grid.width - gap * (self.cols - 1)) // self.cols
        self.card_rects = []
        for i in range(len(self.scenarios)):
            r, c = divmod(i, self.cols)
            self.card_rects.append(pygame.Rect(self.grid.x + c * (cw + gap), self.grid.y + r * (ch + gap), cw, ch))
        rows = (len(self.scenarios) + self.cols - 1) // self.cols
        self.content_h = rows * ch + max(0, rows - 1) * gap
        self.scroll_by(0)
        self._keep_visible()

    def scroll_by(self, dy: int) -> None:
        top = max(0, self.content_h - self.grid.height + self.theme.px(8))
        self.scroll = max(0, min(top, self.scroll + dy))

    def _keep_visible(self) -> None:
        if not self.card_rects:
            return
        r = self.card_rects[self.selected]
        ring = self.theme.px(6)
        if r.y - self.scroll < self.grid.y + ring:
            self.scroll = r.y - self.grid.y - ring
        elif r.bottom - self.scroll > self.grid.bottom - ring:
            self.scroll = r.bottom - self.grid.bottom + ring
        self.scroll_by(0)

    # -- animation and drawing ------------------------------------------------------------------
    def update(self, dt: float) -> bool:
        if self.focus == "name":
            phase = blink_phase(self.app.now(), self.name_field.blink_epoch)
            if phase != self._phase:
                self.app.invalidate(self.name_field.rect)
        return False

    def wakeup(self) -> float | None:
        if self.focus == "name":
            return next_blink(self.app.now(), self.name_field.blink_epoch)
        return None

    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        # header: the name of the product and what it is for
        logo = blit_text(surf, th, "salesim", (self.header.x, self.header.centery), "h1", p.accent, True,
                         anchor="midleft")
        blit_text(surf, th, "Sales-call practice with buyers who react", (logo.right + th.px(16), logo.centery + th.px(3)),
                  "label", p.muted, anchor="midleft", max_width=self.header.right - logo.right - th.px(16))
        # the side panel
        panel(surf, self.side, th)
        blit_text(surf, th, "Who's practising?", self.label_pos["name"], "label", p.text, True)
        self.name_field.draw(surf, th, self.focus == "name", self.app.now())
        for key, title, notes in (("mode", "Mode", MODE_NOTES), ("difficulty", "Difficulty", DIFFICULTY_NOTES)):
            blit_text(surf, th, title, self.label_pos[key], "label", p.text, True)
            seg = self.segments[key]
            seg.draw(surf, th, self.focus == key)
            if self.notes_fit:
                x, y = self.label_pos[key + "_note"]
                paragraph(surf, th, notes[seg.value], pygame.Rect(x, y, seg.rect.width, 0), "small", p.muted,
                          max_lines=2)
        if self.message:
            text, color = self.message
            r = self.buttons["start"].rect
            y = r.y - th.px(8) - 2 * th.line_height("small")
            paragraph(surf, th, text, pygame.Rect(r.x, y, r.width, 0), "small", color, max_lines=2)
        self.draw_buttons(surf)
        if self.show_keys_hint:
            paragraph(surf, th, "Tab moves between controls \u00b7 arrows choose \u00b7 Ctrl +/\u2212 text size",
                      self.hint_rect, "tiny", p.faint, max_lines=2)
        # the buyers
        count = len(self.scenarios)
        t = blit_text(surf, th, "Choose a buyer", self.title_pos, "h2", p.text, True)
        blit_text(surf, th, f"{count} scenario{'s' if count != 1 else ''}", (t.right + th.px(12), t.bottom - th.px(4)),
                  "small", p.muted, anchor="bottomleft")
        if not self.scenarios:
            paragraph(surf, th, "No scenarios found. Put scenario files in the scenarios folder of your salesim "
                      "data directory, or check them with: salesim scenarios validate FILE",
                      self.grid.inflate(-th.px(20), 0), "body", p.muted)
            return
        clip = surf.get_clip()
        surf.set_clip(self.grid.inflate(th.px(12), th.px(12)))
        for i, (scn, r) in enumerate(zip(self.scenarios, self.card_rects)):
            rr = r.move(0, -self.scroll)
            if rr.bottom < self.grid.y - th.px(12) or rr.y > self.grid.bottom + th.px(12):
                continue
            self._draw_card(surf, scn, rr, i == self.selected)
        surf.set_clip(clip)
        if self.content_h > self.grid.height:
            track = pygame.Rect(self.grid.right + th.px(6), self.grid.y, th.px(4), self.grid.height)
            share = self.grid.height / self.content_h
            hh = max(th.px(24), int(track.height * share))
            top = max(1, self.content_h - self.grid.height + th.px(8))
            pos = track.y + int((track.height - hh) * min(1.0, self.scroll / top))
            pygame.draw.rect(surf, p.border, (track.x, pos, track.width, hh), border_radius=th.px(2))
        self._phase = blink_phase(self.app.now(), self.name_field.blink_epoch)

    def _draw_card(self, surf: pygame.Surface, scn: Any, r: pygame.Rect, selected: bool) -> None:
        th, p = self.theme, self.theme.p
        panel(surf, r, th, p.raised if selected else p.surface, border=p.accent if selected else p.border)
        if selected:
            pygame.draw.rect(surf, p.accent, r, width=max(2, th.px(2)), border_radius=th.px(12))
            if self.focus == "cards":
                focus_ring(surf, r, th, th.px(12))
        pad = th.px(14)
        side = r.height - 2 * pad
        img = self.app.portraits.get(scn, "plain", side)
        surf.blit(img, (r.x + pad, r.y + pad))
        x = r.x + pad + side + th.px(14)
        width = r.right - pad - x
        y = r.y + pad
        # a long title steps down a size rather than being cut short
        role = next((r for r in ("h3", "body") if th.font(r, True).size(scn.title)[0] <= width), "small")
        blit_text(surf, th, scn.title, (x, y), role, p.text, True, max_width=width)
        y += th.line_height(role) + (th.line_height("h3") - th.line_height(role)) // 2
        persona = scn.persona
        who = " \u00b7 ".join(v for v in (persona.name, persona.role) if v)
        blit_text(surf, th, who, (x, y), "small", p.accent, max_width=width)
        y += th.line_height("small") + th.px(2)
        label, level = challenge(scn)
        color = {1: p.good, 2: p.warn, 3: p.bad}[level]
        cy = r.bottom - pad - (th.line_height("tiny") + 2 * th.tx(3))
        lines = max(1, (cy - th.px(6) - y) // th.line_height("small"))
        paragraph(surf, th, scn.summary or scn.brief, pygame.Rect(x, y, width, 0), "small", p.muted, max_lines=lines)
        cx = x
        tags: list[tuple[str, Color]] = [(label, color)]
        if scn.calls > 1:
            tags.append((f"{scn.calls} calls", p.accent))
        if scn.clock.budget:
            tags.append((f"{int(scn.clock.budget // 60)} min budget", p.muted))
        for text, col in tags:
            if cx + chip_width(th, text, "tiny") > r.right - pad:
                break
            cr = chip(surf, th, text, (cx, cy), col, role="tiny", outline=True)
            cx = cr.right + th.px(6)
