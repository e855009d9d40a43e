"""The scorecard after a call, and the turn-by-turn replay.

Scorecard keys: R replay, T try again with the same buyer and seed, N new call,
P progress, Up/Down/PageUp/PageDown scroll the notes, Esc back to the start.
Replay keys: Left/Right step, Home/End, Space plays, Esc back to the scorecard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from simulator import engine
from simulator.window.callview import CallView, ending_label
from simulator.window.coach import rule_title
from simulator.window.screen import Screen
from simulator.window.theme import Color, level_color, mix
from simulator.window.widgets import (Button, bar, blit_text, chip, fade_edge, panel, panel_inner, paragraph,
                                      paragraph_height, row_layout, title_block)

if TYPE_CHECKING:
    from simulator.session import Session
    from simulator.window.app import App

SKILL_NAMES = {"overall": "Overall", "rapport": "Rapport", "concessions": "Concessions", "handoffs": "Handoffs",
               "discovery": "Discovery", "recovery": "Recovery", "follow_up": "Follow-up", "brevity": "Brevity"}


def skill_name(skill: str) -> str:
    return SKILL_NAMES.get(skill, skill.replace("_", " ").capitalize())


def verdict(overall: int) -> str:
    """A few words on an overall score.

    >>> verdict(85), verdict(30)
    ('Strong call', 'Start with the notes on the right')
    """
    if overall >= 80:
        return "Strong call"
    if overall >= 60:
        return "Solid, with things to fix"
    if overall >= 40:
        return "Needs work"
    return "Start with the notes on the right"


class ScorecardScreen(Screen):
    name = "scorecard"

    def __init__(self, app: "App", session: "Session"):
        super().__init__(app)
        self.session = session
        self.scn = session.scenario
        self.card = session.scorecard()
        self.title = "Your scorecard"
        self.add(Button("replay", "Replay the call", self.replay, "R"))
        self.add(Button("again", "Try again, same buyer", self.again, "T", kind="primary"))
        self.add(Button("new", "New call", self.app.show_start, "N"))
        self.add(Button("progress", "My progress", self.progress, "P"))
        self.focus = "again"
        self.scroll = 0
        self.notes: list[tuple[pygame.Surface, int]] = []
        self._notes_key: tuple | None = None

    def replay(self) -> None:
        self.app.goto(ReplayScreen(self.app, self.session, back=self))

    def again(self) -> None:
        s = self.session
        self.app.start_call(self.scn, seed=s.seed, rep=s.rep, mode=s.mode, difficulty=s.difficulty)

    def progress(self) -> None:
        self.app.show_progress(back=lambda: self.app.goto(self))

    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type == pygame.MOUSEWHEEL:
            self.scroll_by(-e.y * self.theme.px(60))
            return True
        if e.type != pygame.KEYDOWN or e.mod & (pygame.KMOD_CTRL | pygame.KMOD_META | pygame.KMOD_ALT):
            return False
        keys = {pygame.K_r: "replay", pygame.K_t: "again", pygame.K_n: "new", pygame.K_p: "progress"}
        if e.key in keys:
            return self.press(keys[e.key])
        if e.key == pygame.K_ESCAPE:
            self.app.show_start()
            return True
        steps = {pygame.K_UP: -60, pygame.K_DOWN: 60, pygame.K_PAGEUP: -400, pygame.K_PAGEDOWN: 400}
        if e.key in steps:
            self.scroll_by(self.theme.px(steps[e.key]))
            return True
        return False

    def scroll_by(self, dy: int) -> None:
        view = self.notes_rect.height - 2 * self.theme.px(18)
        total = sum(s.get_height() + gap for s, gap in self.notes)
        self.scroll = max(0, min(max(0, total - view), self.scroll + dy))

    # -- layout --------------------------------------------------------------------------------
    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        th = self.theme
        m, gap, self.header = self.frame(w)
        row_y, _ = self.button_row(("replay", "again", "new", "progress"), w, h)
        top = self.header.bottom + gap
        left_w = max(th.px(330), min(int(w * 0.38), th.px(560)))
        self.skills_rect = pygame.Rect(m, top, left_w, row_y - gap - top)
        self.notes_rect = pygame.Rect(self.skills_rect.right + gap, top, w - m - self.skills_rect.right - gap,
                                      self.skills_rect.height)
        self._notes_key = None

    # -- drawing ---------------------------------------------------------------------------------
    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        s = self.session
        # header
        panel(surf, self.header, th)
        pad = th.px(18)
        result = s.result or "neutral"
        color = {"won": p.good, "lost": p.bad}.get(result, p.warn)
        out = chip(surf, th, ending_label(s.outcome) or "Not finished", (self.header.right - pad, self.header.centery),
                   color, role="label", anchor="midright")
        turns = len(s.turns)
        sub = f"{self.scn.title} \u00b7 {self.scn.persona.name} \u00b7 {turns} turns \u00b7 {s.difficulty} \u00b7 seed {s.seed}"
        title_block(surf, th, self.header, self.title, sub, out.left)
        self._draw_skills(surf)
        self._draw_notes(surf)
        self.draw_buttons(surf)

    def _draw_skills(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        inner = panel_inner(surf, self.skills_rect, th, th.px(20))
        scores = self.card.scores
        overall = int(scores.get("overall", 0))
        col = level_color(overall / 100, p)
        big = blit_text(surf, th, str(overall), (inner.x, inner.y - th.px(6)), "display", col, True)
        slash = blit_text(surf, th, "/100", (big.right + th.px(6), big.bottom - th.px(12)), "label", p.muted,
                          anchor="bottomleft")
        tx = max(big.right + th.px(60), slash.right + th.px(18))
        blit_text(surf, th, "OVERALL", (tx, inner.y + th.px(6)), "tiny", p.accent, True)
        paragraph(surf, th, verdict(overall), pygame.Rect(tx, inner.y + th.px(6) + th.line_height("tiny"),
                                                          inner.right - tx, 0), "label", p.text, True, max_lines=2)
        y = max(big.bottom, inner.y + th.px(6) + th.line_height("tiny") + 2 * th.line_height("label")) + th.px(14)
        skills = [k for k in scores if k != "overall"]
        metrics_h = th.line_height("small") * 2 + th.px(10) + th.px(8) + th.px(16)
        room = inner.bottom - metrics_h - y
        row_h = max(th.line_height("small") + th.px(4), min(th.px(36), room // max(1, len(skills))))
        label_w = max(th.font("small", True).size(skill_name(k))[0] for k in skills) + th.px(12) if skills else 0
        value_w = th.font("small", True).size("100")[0] + th.px(10)
        for k in skills:
            v = int(scores[k])
            cy = y + row_h // 2
            blit_text(surf, th, skill_name(k), (inner.x, cy), "small", p.text, True, anchor="midleft")
            bar(surf, pygame.Rect(inner.x + label_w, cy - th.px(5), inner.width - label_w - value_w, th.px(10)),
                v / 100, level_color(v / 100, p), th)
            blit_text(surf, th, str(v), (inner.right, cy), "small", p.text, True, anchor="midright")
            y += row_h
        # how the call ended, in the buyer's words, when there is room
        m = self.card.metrics
        share = float(m.get("rep_talk_share", 0.0))
        last = next((t for t in reversed(self.session.turns) if t.speaker == "buyer"), None)
        room = inner.bottom - metrics_h - (y + th.px(14))
        if last is not None and room > th.line_height("tiny") + 2 * th.line_height("small") + th.px(10):
            y += th.px(14)
            pygame.draw.line(surf, p.border, (inner.x, y), (inner.right, y), max(1, th.px(1)))
            y += th.px(12)
            blit_text(surf, th, f"HOW IT ENDED · {self.scn.persona.name.upper()}", (inner.x, y), "tiny",
                      p.accent, True, max_width=inner.width)
            y += th.line_height("tiny") + th.px(4)
            lines = max(1, (inner.bottom - metrics_h - y) // th.line_height("small"))
            y += paragraph(surf, th, f"\u201c{last.text}\u201d", pygame.Rect(inner.x, y, inner.width, 0), "small",
                           p.muted, max_lines=min(4, lines))
        y = max(y + th.px(8), inner.bottom - metrics_h + th.px(16))
        if y + metrics_h - th.px(16) > inner.bottom + th.px(4):
            return
        aim = blit_text(surf, th, "aim \u2248 43%, under 65%", (inner.right, y), "tiny", p.muted, anchor="topright")
        talked = f"You talked {share:.0%} of the words"
        if th.font("small", True).size(talked)[0] > aim.left - th.px(12) - inner.x:
            talked = f"You talked {share:.0%}"
        blit_text(surf, th, talked, (inner.x, y), "small", p.text, True, max_width=aim.left - th.px(12) - inner.x)
        y += th.line_height("small") + th.px(4)
        track = pygame.Rect(inner.x, y, inner.width, th.px(10))
        bar(surf, track, share, p.good if share <= 0.55 else (p.warn if share <= 0.65 else p.bad), th)
        for mark, c in ((0.43, p.text), (0.65, p.bad)):
            x = track.x + int(track.width * mark)
            pygame.draw.line(surf, c, (x, track.y - th.px(3)), (x, track.bottom + th.px(3)), max(1, th.px(2)))
        y = track.bottom + th.px(8)
        q = int(m.get('questions', 0))
        blit_text(surf, th, f"{q} question{'s' if q != 1 else ''} \u00b7 longest turn "
                  f"{int(m.get('longest_monologue_words', 0))} words \u00b7 {int(m.get('rep_turns', 0))} turns by you",
                  (inner.x, y), "small", p.muted, max_width=inner.width)

    def _build_notes(self, width: int) -> None:
        th, p = self.theme, self.theme.p
        self.notes = []
        gap = th.px(10)

        def heading(text: str, count: int, color: Color) -> None:
            img = th.text(f"{text}  ({count})", "label", color, True)
            s = pygame.Surface((width, img.get_height() + th.px(4)), pygame.SRCALPHA)
            s.blit(img, (0, 0))
            self.notes.append((s, gap))

        def card(head: str, dot: Color, quote: str, lines: list[tuple[str, str, Color]]) -> None:
            pad = th.px(14)
            inner_w = width - 2 * pad - th.px(14)
            h = pad + th.line_height("label")
            if quote:
                h += th.px(6) + paragraph_height(th, f"\u201c{quote}\u201d", inner_w - th.px(14), "body")
            for text, role, _ in lines:
                h += th.px(6) + paragraph_height(th, text, inner_w, role)
            h += pad
            s = pygame.Surface((width, h), pygame.SRCALPHA)
            pygame.draw.rect(s, p.raised, (0, 0, width, h), border_radius=th.px(10))
            pygame.draw.circle(s, dot, (pad + th.px(5), pad + th.line_height("label") // 2), th.px(5))
            x = pad + th.px(14)
            s.blit(th.text(th.fit(head, "label", inner_w, True), "label", p.text, True), (x, pad))
            y = pad + th.line_height("label")
            if quote:
                y += th.px(6)
                qh = paragraph(s, th, f"\u201c{quote}\u201d", pygame.Rect(x + th.px(14), y, inner_w - th.px(14), 0),
                               "body", p.text)
                pygame.draw.rect(s, p.border, (x, y + th.px(2), th.px(3), qh - th.px(4)))
                y += qh
            for text, role, color in lines:
                y += th.px(6)
                y += paragraph(s, th, text, pygame.Rect(x, y, inner_w, 0), role, color)
            self.notes.append((s, gap))

        flags = sorted(self.card.flags, key=lambda f: (-f.severity, f.turn))
        if flags:
            heading("What to work on", len(flags), p.bad)
        elif not self.card.highlights:
            heading("What to work on", 0, p.muted)
            card("Nothing flagged", p.good, "", [("No mistakes the scorecard looks for. Compare your scores "
                                                  "with your last calls on the progress screen.", "small", p.muted)])
        for f in flags:
            dot = {3: p.bad, 2: p.warn}.get(f.severity, p.muted)
            lines = [(f.tip, "small", p.muted)]
            if f.better:
                lines.append((f"Try: {f.better}", "small", mix(p.accent, p.text, 0.3)))
            card(f"Turn {f.turn} \u00b7 {rule_title(f.rule)}", dot, f.quote, lines)
        if self.card.highlights:
            if self.notes:
                self.notes[-1] = (self.notes[-1][0], th.px(22))
            heading("What went well", len(self.card.highlights), p.good)
            for hl in self.card.highlights:
                head = (f"Turn {hl.turn} \u00b7 " if hl.turn else "") + hl.note[:1].upper() + hl.note[1:]
                card(head, p.good, hl.quote, [])

    def _draw_notes(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        r = self.notes_rect
        inner = panel_inner(surf, r, th, th.px(18))
        inner.width -= th.px(8)
        key = (inner.width, th.u, th.user_scale)
        if key != self._notes_key:
            self._build_notes(inner.width)
            self._notes_key = key
            self.scroll_by(0)
        clip = surf.get_clip()
        surf.set_clip(r.inflate(-th.px(4), -th.px(4)))
        y = inner.y - self.scroll
        total = 0
        for s, gap in self.notes:
            if y + s.get_height() >= r.y and y <= r.bottom:
                surf.blit(s, (inner.x, y))
            y += s.get_height() + gap
            total += s.get_height() + gap
        surf.set_clip(clip)
        if total > inner.height:
            track = pygame.Rect(r.right - th.px(10), r.y + th.px(10), th.px(4), r.height - th.px(20))
            hh = max(th.px(24), int(track.height * inner.height / total))
            top = max(1, total - inner.height)
            pos = track.y + int((track.height - hh) * min(1.0, self.scroll / top))
            pygame.draw.rect(surf, p.raised, track, border_radius=th.px(2))
            pygame.draw.rect(surf, p.border, (track.x, pos, track.width, hh), border_radius=th.px(2))
            if self.scroll < top - 2:
                fade_edge(surf, pygame.Rect(inner.x, r.bottom - th.px(6) - th.px(48), inner.width, th.px(48)),
                          p.surface, top=False)
                img = th.text("\u2193 more below: Down / PageDown", "tiny", p.text, True)
                box = img.get_rect().inflate(th.px(20), th.px(8))
                box.midbottom = (r.centerx, r.bottom - th.px(8))
                panel(surf, box, th, p.accent_dim, radius=box.height // 2, shadow=True)
                surf.blit(img, img.get_rect(center=box.center))


class ReplayScreen(Screen):
    """Step through the call turn by turn, with the meters and the face as they were."""

    name = "replay"

    def __init__(self, app: "App", session: "Session", back: Any = None):
        super().__init__(app)
        self.session = session
        self.scn = session.scenario
        self.back_to = back
        self.card = session.scorecard()
        self.view = CallView(app, self.scn, "practice")
        self.n = len(session.turns)
        self.index = 1
        self.playing = False
        self.timer = 0.0
        self.add(Button("prev", "Previous", lambda: self.go(self.index - 1), "\u2190"))
        self.add(Button("play", "Play", self.toggle_play, "Space"))
        self.add(Button("next", "Next", lambda: self.go(self.index + 1), "\u2192", kind="primary"))
        self.add(Button("back", "Back to scorecard", self.back, "Esc"))
        self.focus = "next"
        self.timeline = pygame.Rect(0, 0, 0, 0)
        self.go(1, animate=False)

    def go(self, i: int, animate: bool = True) -> None:
        i = max(1, min(self.n, i))
        self.index = i
        s = self.session
        self.view.sync(s.turns[:i], s.history[:i], labels=[x.get("by") for x in s.extras[:i]])
        self.view.set_state(s.history[i - 1], animate)
        self.view.highlight = i
        self.view.scroll_to_end()
        self.buttons["prev"].enabled = i > 1
        self.buttons["next"].enabled = i < self.n
        if i >= self.n:
            self.playing = False
            self.buttons["play"].label = "Play"
        self.app.invalidate()

    def toggle_play(self) -> None:
        self.playing = not self.playing
        if self.playing and self.index >= self.n:
            self.go(1)
            self.playing = True
        self.buttons["play"].label = "Pause" if self.playing else "Play"
        self.timer = 0.0
        self.layout(self.w, self.h)

    def back(self) -> None:
        if self.back_to is not None:
            self.app.goto(self.back_to)
        else:
            self.app.show_scorecard(self.session)

    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type == pygame.MOUSEWHEEL:
            self.view.scroll_by(-e.y * self.theme.px(60))
            return True
        if e.type == pygame.MOUSEBUTTONDOWN and e.button == 1 and self.timeline.collidepoint(e.pos):
            share = (e.pos[0] - self.timeline.x) / max(1, self.timeline.width)
            self.go(1 + round(share * (self.n - 1)))
            return True
        if e.type != pygame.KEYDOWN:
            return False
        k = e.key
        if k == pygame.K_LEFT:
            self.go(self.index - 1)
        elif k == pygame.K_RIGHT:
            self.go(self.index + 1)
        elif k == pygame.K_HOME:
            self.go(1)
        elif k == pygame.K_END:
            self.go(self.n)
        elif k in (pygame.K_ESCAPE, pygame.K_BACKSPACE):
            self.back()
        elif k == pygame.K_SPACE:
            self.toggle_play()
        else:
            return False
        return True

    def update(self, dt: float) -> bool:
        moving = self.view.update(dt)
        if self.playing:
            self.timer += dt
            if self.timer >= 1.4:
                self.timer = 0.0
                self.go(self.index + 1)
            moving = True
        return moving

    def wakeup(self) -> float | None:
        return None

    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        th = self.theme
        m, gap, header = self.frame(w)
        grow = 1.0 + 0.5 * (th.user_scale - 1.0)
        left_w = max(th.px(260), min(int(w * 0.28 * grow), th.px(420) * grow, int(w * 0.4)))
        top = header.bottom + gap
        left = pygame.Rect(m, top, left_w, h - m - top)
        right = pygame.Rect(left.right + gap, top, w - m - left.right - gap, left.height)
        bh = Button.height(th)
        row_y = right.bottom - bh
        row_layout([self.buttons[k] for k in ("prev", "play", "next")], th, right.right, row_y, align="left",
                   left=right.x)
        row_layout([self.buttons["back"]], th, right.right, row_y)
        tl_h = max(th.px(40), th.line_height("tiny") * 3)
        self.timeline = pygame.Rect(right.x, row_y - gap - tl_h, right.width, tl_h)
        transcript = pygame.Rect(right.x, right.y, right.width, self.timeline.y - gap - right.y)
        self.view.layout(header, left, transcript)

    def _card(self) -> tuple[str, str, Color]:
        p = self.theme.p
        i = self.index
        flags = [f for f in self.card.flags if f.turn == i]
        if flags:
            f = max(flags, key=lambda f: f.severity)
            more = f" (+{len(flags) - 1} more)" if len(flags) > 1 else ""
            return (f"Turn {i} \u00b7 {rule_title(f.rule)}{more}", f.better or f.tip, p.bad if f.severity >= 2 else p.warn)
        hls = [h for h in self.card.highlights if h.turn == i]
        if hls:
            return (f"Turn {i} \u00b7 went well", hls[0].note[:1].upper() + hls[0].note[1:], p.good)
        t = self.session.turns[i - 1]
        extra = self.session.extras[i - 1] if i - 1 < len(self.session.extras) else {}
        deltas = extra.get("deltas") or {}
        if t.speaker == "buyer" and deltas:
            causes = ", ".join(c.replace("_", " ") for c in list(deltas)[:3])
            return (f"Turn {i} of {self.n}", f"The buyer reacted to: {causes}.", p.muted)
        return (f"Turn {i} of {self.n}", "Step with the arrow keys; flagged turns are red on the timeline.", p.muted)

    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        self.view.draw_header(surf, [(f"Turn {self.index} of {self.n}", p.accent, True)],
                              title=f"Replay \u00b7 {self.scn.title}")
        self.view.draw_left(surf, self._card())
        self.view.draw_transcript(surf)
        self._draw_timeline(surf)
        self.draw_buttons(surf)

    def _draw_timeline(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        r = self.timeline
        panel(surf, r, th, p.sunken, radius=th.px(8))
        label = blit_text(surf, th, "buyer's mood", (r.x + th.px(12), r.centery), "tiny", p.muted, anchor="midleft")
        inner = pygame.Rect(label.right + th.px(16), r.y + th.px(8), r.right - label.right - th.px(28), r.height - th.px(16))
        n = max(1, self.n - 1)
        xs = [inner.x + int(inner.width * i / n) for i in range(self.n)]
        # the buyer's mood across the call
        moods = [engine.mood(self.scn, st) for st in self.session.history]
        lo, hi = (min(moods) - 0.05, max(moods) + 0.05) if moods else (0.0, 1.0)
        pts = [(x, inner.bottom - int(inner.height * (m - lo) / max(0.1, hi - lo))) for x, m in zip(xs, moods)]
        if len(pts) > 1:
            pygame.draw.lines(surf, p.accent_dim, False, pts, max(2, th.px(2)))
        flagged = {f.turn: f.severity for f in self.card.flags}
        good = {h.turn for h in self.card.highlights}
        for i, x in enumerate(xs, 1):
            if i in flagged:
                pygame.draw.circle(surf, p.bad if flagged[i] >= 2 else p.warn, (x, inner.centery), max(3, th.px(4)))
            elif i in good:
                pygame.draw.circle(surf, p.good, (x, inner.centery), max(3, th.px(4)))
        x = xs[self.index - 1] if xs else inner.x
        pygame.draw.line(surf, p.focus, (x, r.y + th.px(4)), (x, r.bottom - th.px(4)), max(2, th.px(2)))
