"""The progress screen: the rep's own calls from the score log, as a chart.

:func:`summarise` is pure (rows in, numbers out); the screen draws it.

>>> rows = [{"overall": 40, "status": "complete", "rapport": 50, "result": "lost"},
...         {"overall": 70, "status": "complete", "rapport": 80, "result": "won"}]
>>> s = summarise(rows)
>>> s["calls"], s["best"], s["recent_average"], s["trend"]
(2, 70, 55.0, 30)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import pygame

from simulator.storage import SKILLS
from simulator.window.callview import ending_label
from simulator.window.scorecard import skill_name
from simulator.window.screen import Screen
from simulator.window.theme import level_color, mix
from simulator.window.widgets import Button, bar, blit_text, panel, panel_inner, paragraph, row_layout

if TYPE_CHECKING:
    from simulator.window.app import App

RECENT = 5


def summarise(rows: Sequence[dict]) -> dict[str, Any]:
    """Numbers for the progress screen from ``Database.session_rows`` (oldest first)."""
    done = [r for r in rows if r.get("status") == "complete" and r.get("overall") is not None]
    scores = [int(r["overall"]) for r in done]
    recent, earlier = done[-RECENT:], done[:-RECENT]
    skills: dict[str, tuple[float, float | None]] = {}
    for k in SKILLS:
        if k == "overall":
            continue
        now = [r[k] for r in recent if r.get(k) is not None]
        before = [r[k] for r in earlier if r.get(k) is not None]
        if now:
            skills[k] = (sum(now) / len(now), (sum(before) / len(before)) if before else None)
    weakest = min(skills, key=lambda k: skills[k][0]) if skills else None
    return {
        "calls": len(rows),
        "complete": len(done),
        "abandoned": sum(1 for r in rows if r.get("status") == "abandoned"),
        "best": max(scores) if scores else None,
        "recent_average": round(sum(scores[-RECENT:]) / len(scores[-RECENT:]), 1) if scores else None,
        "trend": (scores[-1] - scores[0]) if len(scores) > 1 else 0,
        "skills": skills,
        "weakest": weakest,
        "points": [(int(r["overall"]), r.get("result") or "neutral", str(r.get("started_at") or "")[:10],
                    r.get("scenario", "")) for r in done],
        "recent_calls": list(reversed(rows[-8:])),
    }


class ProgressScreen(Screen):
    name = "progress"

    def __init__(self, app: "App", back: Callable[[], Any] | None = None):
        super().__init__(app)
        self.back_action = back or app.show_start
        self.rep = app.settings.get("rep", "") or "rep"
        self.error = ""
        self.rows: list[dict] = []
        db = app.log()
        if db is None:
            self.error = "The score log is off for this window (--no-log), so there is no history to show."
        else:
            try:
                from simulator.storage import sessions

                self.rows = db.session_rows([sessions.c.rep == self.rep])
            except Exception as exc:  # noqa: BLE001 - a broken log must not close the window
                self.error = f"Could not read the score log: {str(exc).splitlines()[0] if str(exc) else exc}"
        self.stats = summarise(self.rows)
        self.titles = {scn.id: scn.title for scn in app.scenarios()}
        self.add(Button("new", "Start a call", app.show_start, "N", kind="primary"))
        self.add(Button("back", "Back", self.back_action, "Esc"))
        self.focus = "back"

    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type == pygame.KEYDOWN and not e.mod & (pygame.KMOD_CTRL | pygame.KMOD_META):
            if e.key in (pygame.K_ESCAPE, pygame.K_BACKSPACE):
                self.back_action()
                return True
            if e.key == pygame.K_n:
                self.app.show_start()
                return True
        return False

    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        th = self.theme
        m, gap, self.header = self.frame(w)
        bh = Button.height(th)
        row_layout([self.buttons["new"], self.buttons["back"]], th, self.header.right - th.px(14),
                   self.header.centery - bh // 2)
        top = self.header.bottom + gap
        tile_h = th.line_height("tiny") + th.line_height("h2") + th.px(24)
        tw = (w - 2 * m - 3 * gap) // 4
        self.tiles = [pygame.Rect(m + i * (tw + gap), top, tw, tile_h) for i in range(4)]
        top += tile_h + gap
        chart_w = int((w - 2 * m - gap) * 0.6)
        self.chart = pygame.Rect(m, top, chart_w, h - m - top)
        right = pygame.Rect(self.chart.right + gap, top, w - m - self.chart.right - gap, self.chart.height)
        sk_h = int(right.height * 0.56)
        self.skills_rect = pygame.Rect(right.x, right.y, right.width, sk_h)
        self.recent_rect = pygame.Rect(right.x, right.y + sk_h + gap, right.width, right.height - sk_h - gap)

    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        st = self.stats
        panel(surf, self.header, th)
        pad = th.px(18)
        right = min(b.rect.x for b in self.buttons.values()) - pad
        blit_text(surf, th, f"{self.rep}'s progress", (self.header.x + pad, self.header.y + th.px(10)), "h2", p.text,
                  True, max_width=right - self.header.x - pad)
        since = st["points"][0][2] if st["points"] else ""
        sub = (f"{st['calls']} call{'s' if st['calls'] != 1 else ''} in the score log \u00b7 {st['complete']} finished"
               + (f" \u00b7 {st['abandoned']} abandoned" if st["abandoned"] else "") + (f" \u00b7 since {since}" if since else ""))
        blit_text(surf, th, sub, (self.header.x + pad, self.header.y + th.px(10) + th.line_height("h2")), "small",
                  p.muted, max_width=right - self.header.x - pad)
        self.draw_buttons(surf)
        avg = st["recent_average"]
        tiles = [
            ("CALLS FINISHED", str(st["complete"]), p.text),
            (f"AVERAGE, LAST {RECENT}", "\u2013" if avg is None else f"{avg:.0f}",
             p.text if avg is None else level_color(avg / 100, p)),
            ("BEST CALL", "\u2013" if st["best"] is None else str(st["best"]),
             p.text if st["best"] is None else level_color(st["best"] / 100, p)),
            ("WORK ON", skill_name(st["weakest"]) if st["weakest"] else "\u2013", p.warn if st["weakest"] else p.text),
        ]
        for r, (label, value, color) in zip(self.tiles, tiles):
            panel(surf, r, th)
            blit_text(surf, th, label, (r.x + th.px(16), r.y + th.px(10)), "tiny", p.muted, True, max_width=r.width - th.px(32))
            blit_text(surf, th, value, (r.x + th.px(16), r.y + th.px(12) + th.line_height("tiny")), "h2", color, True,
                      max_width=r.width - th.px(32))
        self._draw_chart(surf)
        self._draw_skills(surf)
        self._draw_recent(surf)

    def _draw_chart(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        r = self.chart
        panel(surf, r, th)
        pad = th.px(18)
        blit_text(surf, th, "Overall score per call", (r.x + pad, r.y + pad), "label", p.text, True)
        points = self.stats["points"][-30:]
        plot = pygame.Rect(r.x + pad + th.px(34), r.y + pad + th.line_height("label") + th.px(14),
                           r.width - 2 * pad - th.px(44), 0)
        plot.height = r.bottom - pad - th.line_height("tiny") - th.px(10) - plot.y
        if self.error or not points:
            msg = self.error or (f"No finished calls for {self.rep} yet. Finish a call and it shows up here.")
            paragraph(surf, th, msg, plot.inflate(-th.px(40), 0).move(0, plot.height // 3), "body", p.muted)
            return
        for v in (0, 25, 50, 75, 100):
            y = plot.bottom - int(plot.height * v / 100)
            pygame.draw.line(surf, p.raised if v else p.border, (plot.x, y), (plot.right, y), max(1, th.px(1)))
            blit_text(surf, th, str(v), (plot.x - th.px(8), y), "tiny", p.faint, anchor="midright")
        n = len(points)
        xs = [plot.x + (plot.width // 2 if n == 1 else int(plot.width * i / (n - 1))) for i in range(n)]
        ys = [plot.bottom - int(plot.height * v / 100) for v, *_ in points]
        pts = list(zip(xs, ys))
        if n > 1:
            fill = [(xs[0], plot.bottom)] + pts + [(xs[-1], plot.bottom)]
            shade = pygame.Surface(surf.get_size(), pygame.SRCALPHA)
            pygame.draw.polygon(shade, (*p.accent, 40), fill)
            surf.blit(shade, (0, 0))
            pygame.draw.lines(surf, p.accent, False, pts, max(2, th.px(3)))
        colors = {"won": p.good, "lost": p.bad}
        for (v, result, _, _), pt in zip(points, pts):
            pygame.draw.circle(surf, p.surface, pt, th.px(7))
            pygame.draw.circle(surf, colors.get(result, p.warn), pt, th.px(5))
        blit_text(surf, th, points[0][2], (plot.x, plot.bottom + th.px(6)), "tiny", p.faint)
        if n > 1:
            blit_text(surf, th, points[-1][2], (plot.right, plot.bottom + th.px(6)), "tiny", p.faint, anchor="topright")
        lx = r.right - pad
        for label, c in (("lost", p.bad), ("other", p.warn), ("won", p.good)):
            img = blit_text(surf, th, label, (lx, r.y + pad + th.px(2)), "tiny", p.muted, anchor="topright")
            pygame.draw.circle(surf, c, (img.left - th.px(8), img.centery), th.px(4))
            lx = img.left - th.px(22)

    def _draw_skills(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        inner = panel_inner(surf, self.skills_rect, th, th.px(18))
        blit_text(surf, th, f"Skills, last {RECENT} calls", (inner.x, inner.y), "label", p.text, True)
        skills = self.stats["skills"]
        if not skills:
            paragraph(surf, th, "Skill averages appear after your first finished call.",
                      pygame.Rect(inner.x, inner.y + th.line_height("label") + th.px(10), inner.width, 0), "small", p.muted)
            return
        y = inner.y + th.line_height("label") + th.px(8)
        row_h = max(th.line_height("small") + th.px(2), min(th.px(30), (inner.bottom - y) // max(1, len(skills))))
        label_w = max(th.font("small", True).size(skill_name(k))[0] for k in skills) + th.px(12)
        value_w = th.font("small", True).size("100 +10")[0] + th.px(12)
        for k, (now, before) in skills.items():
            if y + row_h > inner.bottom + th.px(2):
                break
            cy = y + row_h // 2
            blit_text(surf, th, skill_name(k), (inner.x, cy), "small", p.text, True, anchor="midleft")
            bar(surf, pygame.Rect(inner.x + label_w, cy - th.px(4), inner.width - label_w - value_w, th.px(8)),
                now / 100, level_color(now / 100, p), th)
            val = blit_text(surf, th, f"{now:.0f}", (inner.right - th.px(40), cy), "small", p.text, True,
                            anchor="midright")
            if before is not None:
                d = now - before
                c = p.good if d > 0.5 else (p.bad if d < -0.5 else p.faint)
                blit_text(surf, th, f"{d:+.0f}", (val.right + th.px(6), cy), "tiny", c, True, anchor="midleft")
            y += row_h

    def _draw_recent(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        inner = panel_inner(surf, self.recent_rect, th, th.px(18))
        blit_text(surf, th, "Recent calls", (inner.x, inner.y), "label", p.text, True)
        y = inner.y + th.line_height("label") + th.px(6)
        rows = self.stats["recent_calls"]
        if not rows:
            blit_text(surf, th, "None yet.", (inner.x, y), "small", p.muted)
            return
        lh = th.line_height("small") + th.px(4)
        score_w = th.font("small", True).size("100")[0]
        for row in rows:
            if y + lh > inner.bottom + th.px(2):
                break
            when = str(row.get("started_at") or "")[:10]
            status = row.get("status")
            out = ending_label(row.get("outcome")) if status == "complete" else (status or "").replace("_", " ")
            score = row.get("overall")
            col = level_color(score / 100, p) if score is not None else p.faint
            blit_text(surf, th, str(score) if score is not None else "\u2013", (inner.x + score_w, y), "small", col, True,
                      anchor="topright")
            title = self.titles.get(row.get("scenario", ""), row.get("scenario", ""))
            text = f"{when}  {title}  \u00b7  {out}"
            blit_text(surf, th, text, (inner.x + score_w + th.px(12), y), "small", mix(p.muted, p.text, 0.3),
                      max_width=inner.width - score_w - th.px(12))
            y += lh
