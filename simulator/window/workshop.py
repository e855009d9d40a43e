"""Workshops in the window: the projector layout for a room of reps.

The facilitator sets the workshop up on the command line (scenario, difficulty,
seed, roster, relay); the window then runs it on the projector:

* **Lobby**: the roster, who has played and with what score, and whose turn it
  is ("Ben, you're on"). Enter starts the call.
* **Call** (hot seat): the participant plays the buyer with the workshop's
  seed, so everyone faces the same buyer. **Relay**: one call; the name of the
  participant on the line is shown in the text box and on each of their turns,
  and they hand over every N rep turns.
* **Pause and discuss**: F5 (or Ctrl+P, the Pause key, the Pause button) freezes
  the call for the room to talk it over; the same key carries on.
* **Scorecard** after each call, with **Moments to discuss**: the turns where the
  buyer's meters swung most, shown in the replay with the meters as they were.
* **Leaderboard** at the end: overall score and the best at each skill, ties
  broken by :func:`simulator.workshop.rank` (the rule is shown on screen).

Every finished call is recorded in the workshop's progress file at once, so a
crash or a closed window resumes at the next participant
(``salesim workshop --resume ID``). A call cut off half-way is logged as
abandoned and that participant plays again on resume.

Headless (tests, screenshots)::

    run = open_workshop(progress, make_session, recognize=..., voice=False)
    run.app.step(block=False)   # after posting events
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Callable, Sequence

import pygame

from simulator import workshop as ws
from simulator.window.call import CallScreen
from simulator.window.callview import clock_text, ending_label
from simulator.window.scorecard import ReplayScreen, ScorecardScreen, skill_name
from simulator.window.screen import Screen, ctrl
from simulator.window.theme import Color, Theme, level_color
from simulator.window.widgets import (Button, bar, blit_text, chip, panel, panel_inner, paragraph, paragraph_height,
                                      title_block)

if TYPE_CHECKING:
    from simulator.session import Session
    from simulator.window.app import App

MakeSession = Callable[[str], "Session"]

#: rank badges: gold, silver, bronze
MEDALS: tuple[Color, ...] = ((255, 204, 64), (206, 214, 228), (214, 140, 72))
PAUSE_KEYS = (pygame.K_F5, pygame.K_PAUSE)
TIE_RULE = ("Ties are broken by fewer serious flags, then rapport, concessions, handoffs, discovery, recovery, "
            "follow-up and brevity in that order, then fewer turns.")


def possessive(name: str) -> str:
    """``Ben's``, ``Chris'``.

    >>> possessive("Ben"), possessive("Chris")
    ("Ben's", "Chris'")
    """
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def relay_turns(plan: ws.Plan, name: str, shown: int = 2) -> str:
    """A participant's rep turns in a relay, as ranges: ``turns 3-4, 9-10, ...``.

    >>> plan = ws.Plan(id="w", scenario="x", seed=1, roster=("Ana", "Ben", "Cy"), mode="relay", relay_every=2)
    >>> relay_turns(plan, "Ben")
    'turns 3\u20134, 9\u201310, \u2026'
    """
    n, k = max(1, plan.relay_every), len(plan.roster)
    i = plan.roster.index(name)
    spans = []
    for j in range(shown):
        a = i * n + 1 + j * n * k
        spans.append(f"{a}" if n == 1 else f"{a}\u2013{a + n - 1}")
    return ("turn " if n == 1 and shown == 1 else "turns ") + ", ".join(spans) + ", \u2026"


def tie_reason(a: ws.Result, b: ws.Result) -> str | None:
    """Why ``a`` is ranked above ``b`` when their overall scores are equal; None when they differ.

    >>> tie_reason(ws.Result("A", {"overall": 60}, 0), ws.Result("B", {"overall": 60}, 2))
    'fewer serious flags'
    """
    if a.scores.get("overall", 0) != b.scores.get("overall", 0):
        return None
    if a.serious_flags != b.serious_flags:
        return "fewer serious flags"
    for s in ws.SKILL_ORDER:
        if a.scores.get(s, 0) != b.scores.get(s, 0):
            return f"higher {skill_name(s).lower()}"
    if a.turns != b.turns:
        return "fewer turns"
    return "name order (a full tie)"


def moments_of(session: "Session", top: int = 3) -> list[tuple[int, float, dict]]:
    """The biggest swings in the buyer's meters: (buyer turn number, size, deltas)."""
    return ws.swings([t.buyer_state if t.speaker == "buyer" else None for t in session.turns], top)


class Workshop:
    """Runs one workshop in a window: which screen comes next and what is recorded."""

    def __init__(self, app: "App", progress: ws.Progress, make_session: MakeSession):
        self.app = app
        self.progress = progress
        self.plan = progress.plan
        self.make_session = make_session
        self.scn = app.scenario(self.plan.scenario)
        self.session: "Session | None" = None
        self.recorded: set[str] = set()  # session ids already recorded

    @property
    def relay(self) -> bool:
        return self.plan.mode == "relay"

    def done_names(self) -> list[str]:
        return [d["name"] for d in self.progress.done]

    def up_next(self) -> str | None:
        """Hot seat: who plays next; relay: who opens the call. None when finished."""
        if self.progress.finished:
            return None
        return self.plan.roster[0] if self.relay else self.plan.next_player(self.done_names())

    def results(self) -> list[ws.Result]:
        return ws.rank(self.progress.results())

    def team(self) -> ws.Result | None:
        t = self.progress.team
        if not t:
            return None
        return ws.Result(t["name"], t["scores"], t.get("serious_flags", 0), t.get("turns", 0), t.get("session_id", ""),
                         t.get("outcome"))

    # -- the flow -----------------------------------------------------------------------------
    def start(self) -> Screen:
        return self.app.goto(LeaderboardScreen(self.app, self) if self.progress.finished else LobbyScreen(self.app, self))

    def begin_call(self) -> "WorkshopCallScreen | None":
        name = self.up_next()
        if name is None:
            self.start()
            return None
        label = ("team " + "+".join(self.plan.roster)) if self.relay else name
        self.session = self.make_session(label)
        return self.app.goto(WorkshopCallScreen(self.app, self.session, self, None if self.relay else name))

    def record(self, session: "Session") -> None:
        """Save a finished call to the workshop's progress at once (a crash after this resumes later)."""
        if session.id in self.recorded or session.status != "complete":
            return
        self.recorded.add(session.id)
        card = session.scorecard()
        if self.relay:
            speakers = [x.get("by") for x in session.extras]
            people = ws.relay_results(session.turns, speakers, session.scenario.weights)
            team = ws.result_of("Team", card, len(session.turns), session.id, session.outcome)
            for r in people:
                ws.record(self.progress, ws.Result(r.name, r.scores, r.serious_flags, r.turns, session.id,
                                                   session.outcome), team)
            if not people:  # nobody spoke: the call still counts as played
                self.progress.team = asdict(team)
                ws.save(self.progress)
        else:
            ws.record(self.progress, ws.result_of(session.rep, card, len(session.turns), session.id, session.outcome))

    def show_scorecard(self, session: "Session") -> Screen:
        return self.app.goto(WorkshopScorecard(self.app, session, self))

    def after_scorecard(self) -> Screen:
        return self.start()

    def show_leaderboard(self, back: Screen | None = None) -> Screen:
        return self.app.goto(LeaderboardScreen(self.app, self, back=back))

    def who(self, session: "Session") -> str:
        """The name a call's scorecard is about."""
        return "Team" if self.relay else session.rep

    def subtitle(self) -> str:
        p = self.plan
        fmt = f"relay, every {p.relay_every} rep turn{'s' if p.relay_every != 1 else ''}" if self.relay else "hot seat"
        return " \u00b7 ".join((self.scn.persona.name, f"seed {p.seed}", p.difficulty, fmt, p.id))


# -- the lobby: roster and whose turn it is ----------------------------------------------------

class LobbyScreen(Screen):
    """The roster, the scores so far, and whose turn it is."""

    name = "lobby"

    def __init__(self, app: "App", run: Workshop):
        super().__init__(app)
        self.run = run
        self.next_name = run.up_next()
        who = self.next_name or ""
        label = "Start the relay" if run.relay else f"Start {possessive(who)} call"
        self.add(Button("start", label, run.begin_call, "Enter", kind="primary"))
        self.add(Button("board", "Leaderboard so far", lambda: run.show_leaderboard(back=self), "L",
                        visible=bool(run.progress.done) and not run.relay))
        self.focus = "start"

    def headline(self) -> str:
        return f"{self.next_name}, you're on" if self.next_name else "Everyone has played"

    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type != pygame.KEYDOWN or ctrl(e):
            return False
        if e.key == pygame.K_l:
            return self.press("board")
        if e.key == pygame.K_SPACE:  # Enter starts the call; a Space would also be typed into its text box
            return True
        if e.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.focus is None:
            return self.press("start")
        return False

    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        m, gap, self.header = self.frame(w)
        row_y, _ = self.button_row(("board", "start"), w, h)
        top = self.header.bottom + gap
        body_h = row_y - gap - top
        left_w = int((w - 2 * m - gap) * 0.56)
        self.callout = pygame.Rect(m, top, left_w, body_h)
        self.roster_rect = pygame.Rect(self.callout.right + gap, top, w - m - self.callout.right - gap, body_h)

    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        run = self.run
        draw_title(surf, th, self.header, f"Workshop \u00b7 {run.scn.title}", run.subtitle(),
                   [("Relay" if run.relay else "Hot seat", p.accent, True)])
        self._draw_callout(surf)
        self._draw_roster(surf)
        self.draw_buttons(surf)

    def _draw_callout(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        r = self.callout
        panel(surf, r, th, border=p.accent)
        pad = th.px(28)
        inner = r.inflate(-2 * pad, -2 * pad)
        run = self.run
        name = self.next_name or ""
        y = inner.y
        kicker = "THE RELAY STARTS WITH" if run.relay else f"UP NEXT \u00b7 {len(run.done_names()) + 1} OF {len(run.plan.roster)}"
        blit_text(surf, th, kicker, (inner.x, y), "label", p.accent, True, max_width=inner.width)
        y += th.line_height("label") + th.px(6)
        line = self.headline()
        role = next((r_ for r_ in ("display", "h1", "h2") if th.font(r_, True).size(line)[0] <= inner.width), "h2")
        blit_text(surf, th, line, (inner.x, y), role, p.text, True, max_width=inner.width)
        y += th.line_height(role) + th.px(10)
        persona = run.scn.persona
        # the buyer everyone faces, at the bottom of the panel
        side = max(th.px(56), min(th.px(100), (inner.bottom - y) // 3))
        face = pygame.Rect(inner.x, inner.bottom - side, side, side)
        bottom = face.y - th.px(14)
        surf.blit(self.app.portraits.get(run.scn, "plain", side), face)
        tx = face.right + th.px(16)
        ty = face.centery - (th.line_height("h3") + th.line_height("small")) // 2
        blit_text(surf, th, persona.name, (tx, ty), "h3", p.text, True, max_width=inner.right - tx)
        blit_text(surf, th, ", ".join(x for x in (persona.role, persona.company) if x), (tx, ty + th.line_height("h3")),
                  "small", p.muted, max_width=inner.right - tx)
        if run.relay:
            every = run.plan.relay_every
            first = f"One call for the whole team: {every} rep turn{'s' if every != 1 else ''} each, then hand over."
        else:
            first = "Everyone calls the same buyer with the same seed, so the scores compare fairly."
        texts = [(first, "body", p.text)]
        if run.scn.goal:
            texts.append((f"Goal: {run.scn.goal}", "body", p.muted))
        texts.append(("Enter starts the call; F5 pauses it for discussion.", "body", p.muted))
        for k, (text, role_, color) in enumerate(texts):
            room = bottom - y
            lines = max(0, room // th.line_height(role_))
            if lines <= 0 or (k == len(texts) - 1 and paragraph_height(th, text, inner.width, role_) > room):
                break  # the key hint shows whole or not at all
            y += paragraph(surf, th, text, pygame.Rect(inner.x, y, inner.width, 0), role_, color, max_lines=lines)
            y += th.px(12)

    def _draw_roster(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        inner = panel_inner(surf, self.roster_rect, th, th.px(20))
        run = self.run
        blit_text(surf, th, "ROSTER", (inner.x, inner.y), "label", p.accent, True)
        y = inner.y + th.line_height("label") + th.px(8)
        roster = run.plan.roster
        done = {d["name"]: d for d in run.progress.done}
        resume = f"Stopped? salesim workshop --resume {run.plan.id}"
        resume_h = paragraph_height(th, resume, inner.width, "small", max_lines=2)
        paragraph(surf, th, resume, pygame.Rect(inner.x, inner.bottom - resume_h, inner.width, 0), "small", p.muted,
                  max_lines=2)
        avail = inner.bottom - resume_h - th.px(10) - y
        role = "h3"
        row_h = th.line_height(role) + th.px(18)
        if row_h * len(roster) > avail:
            role = "label"
            row_h = max(th.line_height(role) + th.px(4), avail // max(1, len(roster)))
        for i, name in enumerate(roster):
            row = pygame.Rect(inner.x, y, inner.width, row_h - th.px(6))
            if row.bottom > inner.bottom - resume_h - th.px(8):
                blit_text(surf, th, f"+ {len(roster) - i} more", (inner.x, y), "small", p.muted)
                break
            now = name == self.next_name
            if now:
                panel(surf, row.inflate(th.px(12), 0), th, p.accent_dim, radius=th.px(10))
            cy = row.centery
            blit_text(surf, th, f"{i + 1}", (row.x + th.px(4), cy), role, p.muted, True, anchor="midleft")
            x = row.x + th.px(4) + th.font(role, True).size(str(len(roster)))[0] + th.px(14)
            d = done.get(name)
            if run.relay:
                status = relay_turns(run.plan, name)
                s_img = th.text(th.fit(status, "small", row.width // 2), "small", p.text if now else p.muted)
            elif d is not None:
                s_img = None
            else:
                status = "on now" if now else "waiting"
                s_img = th.text(status, "small", p.text if now else p.muted, now)
            right = row.right - th.px(4)
            if d is not None and not run.relay:
                overall = int(d["scores"].get("overall", 0))
                c = chip(surf, th, f"{overall}", (right, cy), level_color(overall / 100, p), role=role,
                         anchor="midright")
                right = c.left - th.px(10)
                outcome = ending_label(d.get("outcome"))
                if outcome:
                    o = blit_text(surf, th, outcome, (right, cy), "small", p.muted, anchor="midright")
                    right = o.left - th.px(10)
            elif s_img is not None:
                surf.blit(s_img, s_img.get_rect(midright=(right, cy)))
                right -= s_img.get_width() + th.px(10)
            blit_text(surf, th, name, (x, cy), role, p.text, True, anchor="midleft", max_width=max(th.px(40), right - x))
            y += row_h


# -- the call, in the projector layout ------------------------------------------------------------

class WorkshopCallScreen(CallScreen):
    """The call screen with a participant's name on it, relay hand-overs and Pause."""

    def __init__(self, app: "App", session: "Session", run: Workshop, player: str | None = None):
        self.run = run
        self.player = player
        self.paused_at: float | None = None
        self._last_speaker: str | None = None
        super().__init__(app, session)
        self.view.you = player or "Rep"
        self.field.placeholder = "Type what you'd say, then Enter"
        self.add(Button("pause", "Pause", self.toggle_pause, "F5"))
        self.resume_button = Button("resume", "Carry on with the call", self.toggle_pause, "F5", kind="primary")
        self.extra_actions = ("pause",)
        self.action_shortcuts = {**CallScreen.action_shortcuts, "pause": "F5"}
        who = "the team" if run.relay else player or ""
        self.buttons["scorecard"].label = "See the team scorecard" if run.relay else f"See {possessive(who)} scorecard"
        self.ended_note = ("Next: the scorecard, and the moments to discuss." if not run.relay else
                           "Next: the team scorecard, then the leaderboard.")
        self._last_speaker = self.speaker_label()
        self._refresh(animate=False)

    # -- who is on the line ---------------------------------------------------------------------
    def rep_turn(self) -> int:
        return sum(1 for t in self.session.turns if t.speaker == "rep") + 1

    def speaker_label(self) -> str | None:
        return self.run.plan.relay_player(self.rep_turn()) if self.run.relay else None

    def on_the_line(self) -> str:
        return self.speaker_label() or self.player or ""

    def prompt(self) -> str:
        return self.on_the_line()

    def header_chips(self) -> list[tuple[str, Color, bool]]:
        p, s, plan = self.theme.p, self.session, self.run.plan
        if self.paused_at is not None:
            chips = [("Paused", p.warn, True)]
        elif self.run.relay:
            chips = [(f"Relay \u00b7 every {plan.relay_every}", p.accent, True)]
        else:
            n = plan.roster.index(self.player) + 1 if self.player in plan.roster else 1
            chips = [(f"Hot seat {n} of {len(plan.roster)}", p.accent, True)]
        chips.append((s.difficulty.capitalize(), p.muted, False))
        if self.scn.calls > 1:
            chips.append((f"Call {s.state.call} of {self.scn.calls}", p.muted, False))
        return chips

    def header_title(self) -> str | None:
        return "Team relay" if self.run.relay else f"{possessive(self.player or 'Rep')} call"

    def _card(self) -> tuple[str, str, Color] | None:
        p = self.theme.p
        if self.app._warm_error:
            return ("Move model", f"Could not load the move model: {self.app._warm_error}", p.bad)
        if self.session.ended:
            return None
        plan = self.run.plan
        if self.run.relay:
            n = self.rep_turn()
            who = plan.relay_player(n)
            left = next((k for k in range(1, 100) if plan.relay_player(n + k) != who), 1)
            nxt = plan.relay_player(n + left)
            when = "after this turn" if left == 1 else f"in {left} turns"
            return (f"{who}, you're on", f"Rep turn {n}. {nxt} takes over {when}.", p.accent)
        name = self.player or ""
        later = [n for n in plan.roster if n != name and n not in self.run.done_names()]
        then = f"Next in the seat: {later[0]}." if later else "Last call of the workshop."
        return (f"{name}, you're on", f"{then} F5 pauses for discussion.", p.accent)

    # -- actions --------------------------------------------------------------------------------
    def _say_now(self, text: str, seconds: float | None, interrupted: bool) -> None:
        super()._say_now(text, seconds, interrupted)
        who = self.speaker_label()
        if self.run.relay and not self.session.ended and who and who != self._last_speaker:
            self.toast(f"Over to {who}: you're on", self.theme.p.accent)
        self._last_speaker = who

    def _refresh(self, animate: bool = True) -> None:
        super()._refresh(animate)
        if self.session.ended:
            self.run.record(self.session)

    def _buttons(self) -> None:
        pause = self.buttons.get("pause")
        if pause is not None:
            pause.visible = self.mode == "talk"
        super()._buttons()

    def to_scorecard(self) -> None:
        if not self.session.ended:
            self.end_call()
        self.run.show_scorecard(self.session)

    def toggle_pause(self) -> None:
        if self.paused_at is None:
            if self.session.ended:
                return
            self._barge_in()
            if self.listening:
                self.stop_talk()
            self.paused_at = self.app.now()
            self.focus = "resume"
        else:
            self.paused_at = None
            self.focus = "input" if self.mode == "talk" else None
            self.field.blink_epoch = self.app.now()
            self._buttons()
        self.app.invalidate()

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def focus_order(self) -> list[str]:
        if self.paused:
            return ["resume"]
        return super().focus_order()

    def on_event(self, e: pygame.event.Event) -> bool:
        pause_key = e.type == pygame.KEYDOWN and (e.key in PAUSE_KEYS or (e.key == pygame.K_p and ctrl(e)))
        if not self.paused:
            if pause_key and self.mode == "talk":
                self.toggle_pause()
                return True
            return super().on_event(e)
        # paused: only carrying on, scrolling the transcript, and leaving the window get through
        if e.type == pygame.KEYDOWN:
            if pause_key or e.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE, pygame.K_ESCAPE):
                self.toggle_pause()
                self.swallow_space = e.key == pygame.K_SPACE
                return True
            if e.key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
                return super().on_event(e)
            return True
        if e.type == pygame.MOUSEWHEEL:
            return super().on_event(e)
        if e.type == pygame.MOUSEBUTTONDOWN and e.button == 1:
            if self.resume_button.rect.collidepoint(e.pos):
                self.toggle_pause()
            return True
        if e.type == pygame.MOUSEMOTION:
            hover = self.resume_button.rect.collidepoint(e.pos)
            if hover != self.resume_button.hover:
                self.resume_button.hover = hover
                return True
            return False
        return e.type in (pygame.TEXTINPUT, pygame.KEYUP, pygame.MOUSEBUTTONUP)

    def update(self, dt: float) -> bool:
        if self.paused:  # frozen: finish what is moving on screen, take nothing new
            return self.view.update(dt)
        return super().update(dt)

    def wakeup(self) -> float | None:
        if self.paused:
            since = self.app.now() - (self.paused_at or 0.0)
            return 1.0 - (since % 1.0) + 0.01  # the pause timer ticks once a second
        return super().wakeup()

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, surf: pygame.Surface) -> None:
        super().draw(surf)
        if self.paused:
            self._draw_pause(surf)

    def _draw_pause(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        t = self.view.transcript
        area = pygame.Rect(t.x, t.y, t.width, self.composer.bottom - t.y)
        veil = pygame.Surface(area.size, pygame.SRCALPHA)
        veil.fill((*p.bg, 215))
        surf.blit(veil, area)
        pad = th.px(28)
        name = self.scn.persona.name.split()[0] if self.scn.persona.name else "the buyer"
        who = self.on_the_line()
        lines = [(f"What is {name} feeling now? What should {who or 'the rep'} say next?", "body", p.text),
                 (f"The call clock is stopped at {clock_text(self.session.state.clock)}. "
                  f"Paused for {clock_text(self.app.now() - (self.paused_at or 0.0))}.", "small", p.muted)]
        bw = min(area.width - 2 * th.px(20), th.px(760))
        inner_w = bw - 2 * pad
        bh_btn = Button.height(th)
        h = (th.line_height("h1") + th.px(14) + sum(paragraph_height(th, s, inner_w, r) + th.px(10) for s, r, _ in lines)
             + th.px(10) + bh_btn + 2 * pad)
        box = pygame.Rect(0, 0, bw, min(h, area.height - th.px(16)))
        box.center = area.center
        panel(surf, box, th, p.surface, border=p.warn, shadow=True)
        y = box.y + pad
        blit_text(surf, th, "Paused for discussion", (box.centerx, y), "h1", p.warn, True, anchor="midtop",
                  max_width=inner_w)
        y += th.line_height("h1") + th.px(14)
        for text, role, color in lines:
            room = box.bottom - pad - bh_btn - th.px(10) - y
            n = max(0, room // th.line_height(role))
            if n:
                y += paragraph(surf, th, text, pygame.Rect(box.x + pad, y, inner_w, 0), role, color, max_lines=n)
                y += th.px(10)
        rb = self.resume_button
        w = rb.width(th)
        rb.rect = pygame.Rect(box.centerx - w // 2, box.bottom - pad - bh_btn, w, bh_btn)
        rb.draw(surf, th, focused=self.app.show_focus)


# -- after a call: scorecard, moments, replay ----------------------------------------------------

class WorkshopScorecard(ScorecardScreen):
    """The scorecard of one participant's call (or the relay team's), then on to the next."""

    def __init__(self, app: "App", session: "Session", run: Workshop):
        super().__init__(app, session)
        self.run = run
        self.who = run.who(session)
        self.title = "Team scorecard" if run.relay else f"{possessive(self.who)} scorecard"
        for key in ("again", "new", "progress"):
            self.buttons[key].visible = False
        self.buttons["replay"].label = "Replay"
        self.add(Button("moments", "Moments to discuss", self.moments, "M"))
        nxt = run.up_next()
        label = f"Next: {nxt}" if nxt else "Leaderboard"
        self.add(Button("next", label, run.after_scorecard, "Enter", kind="primary"))
        self.focus = "next"

    def moments(self) -> None:
        self.app.goto(MomentsScreen(self.app, self.session, self.who, back=self))

    def replay(self) -> None:
        screen = ReplayScreen(self.app, self.session, back=self)
        screen.view.you = self.who
        screen.go(screen.index, animate=False)
        self.app.goto(screen)

    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        if "next" in self.buttons:
            self.button_row(("replay", "moments", "next"), w, h)

    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type == pygame.KEYDOWN and not e.mod & (pygame.KMOD_CTRL | pygame.KMOD_META | pygame.KMOD_ALT):
            if e.key == pygame.K_m:
                return self.press("moments")
            if e.key == pygame.K_n:
                return self.press("next")
            if e.key == pygame.K_ESCAPE:
                return True  # nowhere to go back to: the call is over and recorded
        return super().on_event(e)


class MomentsScreen(ReplayScreen):
    """The replay, jumping between the turns where the buyer's meters swung most."""

    name = "moments"

    def __init__(self, app: "App", session: "Session", who: str, back: Any = None, top: int = 3):
        self.moments = moments_of(session, top)
        self.current = 0
        self.who = who
        super().__init__(app, session, back=back)
        self.view.you = who
        self.buttons["play"].visible = False
        self.buttons["prev"].label, self.buttons["prev"].shortcut = "Previous moment", "\u2191"
        self.buttons["prev"].action = lambda: self.jump(self.current - 1)
        self.buttons["next"].label, self.buttons["next"].shortcut = "Next moment", "\u2193"
        self.buttons["next"].action = lambda: self.jump(self.current + 1)
        self.jump(0, animate=False)

    def jump(self, k: int, animate: bool = True) -> None:
        """Show moment ``k`` (0-based): the rep's line and the buyer's reaction, meters as they were."""
        if not self.moments:
            self.go(self.n, animate)
            self.buttons["prev"].enabled = self.buttons["next"].enabled = False
            return
        self.current = k = max(0, min(len(self.moments) - 1, k))
        n = self.moments[k][0]
        self.go(n, animate)
        said = n - 1
        if said >= 1 and self.session.turns[said - 1].speaker == "rep":
            self.view.highlight = said
        self.buttons["prev"].enabled = k > 0
        self.buttons["next"].enabled = k < len(self.moments) - 1
        self.app.invalidate()

    def go(self, i: int, animate: bool = True) -> None:
        super().go(i, animate)
        if hasattr(self, "moments"):
            at = [j for j, m in enumerate(self.moments) if m[0] == self.index]
            if at:
                self.current = at[0]
            self.buttons["prev"].enabled = bool(self.moments) and self.current > 0
            self.buttons["next"].enabled = bool(self.moments) and self.current < len(self.moments) - 1

    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type == pygame.KEYDOWN:
            if e.key in (pygame.K_UP, pygame.K_PAGEUP):
                self.jump(self.current - 1)
                return True
            if e.key in (pygame.K_DOWN, pygame.K_PAGEDOWN):
                self.jump(self.current + 1)
                return True
            digit = {pygame.K_1: 0, pygame.K_2: 1, pygame.K_3: 2, pygame.K_4: 3, pygame.K_5: 4}.get(e.key)
            if digit is not None and digit < len(self.moments):
                self.jump(digit)
                return True
            if e.key == pygame.K_SPACE:
                return True
        return super().on_event(e)

    def layout(self, w: int, h: int) -> None:
        """The replay's layout; shorter button labels when the long ones do not fit in one row."""
        prev, nxt, back = self.buttons["prev"], self.buttons["next"], self.buttons["back"]
        for short in (False, True):
            prev.label = "Previous" if short else "Previous moment"
            nxt.label = "Next" if short else "Next moment"
            back.label = "Back" if short else "Back to scorecard"
            super().layout(w, h)
            if not prev.rect.colliderect(back.rect) and not nxt.rect.colliderect(back.rect) \
                    and nxt.rect.right + self.theme.px(12) <= back.rect.left:
                break

    def _moment_at(self) -> tuple[int, tuple[int, float, dict]] | None:
        for j, m in enumerate(self.moments):
            if m[0] == self.index:
                return j, m
        return None

    def _card(self) -> tuple[str, str, Color]:
        p = self.theme.p
        if not self.moments:
            return ("No big swings", "The buyer's meters hardly moved in this call.", p.muted)
        found = self._moment_at()
        if found is None:
            return super()._card()
        j, (n, _size, deltas) = found
        meters = {m.name: m for m in self.scn.meters}
        parts, good = [], 0.0
        for name, d in deltas.items():
            m = meters.get(name)
            parts.append(f"{m.label if m else name} {d:+.0f}")
            if m is not None:
                good += abs(d) if m.is_good(d) else -abs(d)
        said = self.session.turns[n - 2] if n >= 2 and self.session.turns[n - 2].speaker == "rep" else None
        by = (self.session.extras[n - 2].get("by") if said is not None else None) or self.who
        head = f"Moment {j + 1} of {len(self.moments)} \u00b7 turn {n - 1}"
        if said is None:
            text = f"{', '.join(parts)}. What changed here?"
        else:
            text = (f"{by}: \u201c{said.text}\u201d \u2192 {', '.join(parts)}. "
                    + ("Why did it land?" if good >= 0 else "What would you say instead?"))
        return (head, text, p.good if good >= 0 else p.bad)

    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        found = self._moment_at()
        label = f"Moment {found[0] + 1} of {len(self.moments)}" if found else f"Turn {self.index} of {self.n}"
        self.view.draw_header(surf, [(label, p.accent, True)], title=f"Moments to discuss \u00b7 {self.who}")
        self.view.draw_left(surf, self._card())
        self.view.draw_transcript(surf)
        self._draw_timeline(surf)
        self._draw_marks(surf)
        self.draw_buttons(surf)

    def _draw_marks(self, surf: pygame.Surface) -> None:
        """Numbered markers for the moments on the timeline."""
        th, p = self.theme, self.theme.p
        r = self.timeline
        label_w = th.font("tiny").size("buyer's mood")[0]
        inner = pygame.Rect(r.x + th.px(12) + label_w + th.px(16), r.y + th.px(8),
                            r.right - (r.x + th.px(12) + label_w) - th.px(28), r.height - th.px(16))
        steps = max(1, self.n - 1)
        for j, (n, _s, _d) in enumerate(self.moments):
            x = inner.x + int(inner.width * (n - 1) / steps)
            rad = max(7, th.tx(9))
            pygame.draw.circle(surf, p.focus if j == self.current else p.warn, (x, r.y + rad + th.px(2)), rad)
            img = th.text(str(j + 1), "tiny", p.on_accent, True)
            surf.blit(img, img.get_rect(center=(x, r.y + rad + th.px(2))))


# -- the leaderboard ---------------------------------------------------------------------------

class LeaderboardScreen(Screen):
    """Overall ranking, the best at each skill, and (relay) the team's score."""

    name = "leaderboard"

    def __init__(self, app: "App", run: Workshop, back: Screen | None = None):
        super().__init__(app)
        self.run = run
        self.back_to = back
        self.ranked = run.results()
        self.team = run.team()
        finished = run.progress.finished
        self.add(Button("back", "Back", self.back, "Esc", visible=back is not None and not finished))
        self.add(Button("close", "Close", self.close, "Esc" if finished else "Q", kind="primary" if finished else "secondary",
                        visible=finished or back is None))
        self.focus = "close" if finished else "back"
        if not self.buttons[self.focus].visible:
            self.focus = next((k for k, b in self.buttons.items() if b.visible), None)

    def back(self) -> None:
        if self.back_to is not None:
            self.app.goto(self.back_to)
        else:
            self.run.start()

    def close(self) -> None:
        self.app.running = False

    def skills(self) -> list[str]:
        seen = [s for s in ws.SKILL_ORDER if any(s in r.scores for r in self.ranked)]
        extra = sorted({k for r in self.ranked for k in r.scores} - set(seen) - {"overall"})
        return seen + extra

    def on_event(self, e: pygame.event.Event) -> bool:
        if e.type != pygame.KEYDOWN or ctrl(e):
            return False
        if e.key == pygame.K_ESCAPE:
            return self.press("back") or self.press("close")
        if e.key == pygame.K_q:
            return self.press("close")
        return False

    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        th = self.theme
        m, gap, self.header = self.frame(w)
        bh = Button.height(th)
        row_y, left_end = self.button_row(("back", "close"), w, h)
        top = self.header.bottom + gap
        body_h = row_y - gap - top
        left_w = int((w - 2 * m - gap) * 0.52)
        self.board_rect = pygame.Rect(m, top, left_w, body_h)
        self.skill_rect = pygame.Rect(self.board_rect.right + gap, top, w - m - self.board_rect.right - gap, body_h)
        self.footer = pygame.Rect(m, row_y, left_end - m - th.px(16), bh)

    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        run = self.run
        title = "Relay results" if run.relay else "Leaderboard"
        chips = [] if run.progress.finished else [("So far", p.warn, True)]
        draw_title(surf, th, self.header, f"{title} \u00b7 {run.scn.title}", run.subtitle(), chips)
        self._draw_board(surf)
        self._draw_skills(surf)
        report = f"Group report: salesim report --html workshop.html --workshop {run.plan.id}"
        f = self.footer
        text_h = paragraph_height(th, report, f.width, "small", max_lines=2)
        paragraph(surf, th, report, pygame.Rect(f.x, f.centery - text_h // 2, f.width, 0), "small", p.muted,
                  max_lines=2)
        self.draw_buttons(surf)

    def _draw_board(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        inner = panel_inner(surf, self.board_rect, th, th.px(20))
        y = inner.y
        if self.team is not None:
            t = self.team
            overall = int(t.scores.get("overall", 0))
            box = pygame.Rect(inner.x, y, inner.width, th.line_height("h1") + 2 * th.px(12))
            panel(surf, box, th, p.sunken, radius=th.px(10), border=level_color(overall / 100, p))
            lab = blit_text(surf, th, "TEAM", (box.x + th.px(16), box.centery), "label", p.accent, True, anchor="midleft")
            num = blit_text(surf, th, f"{overall}", (lab.right + th.px(16), box.centery), "h1",
                            level_color(overall / 100, p), True, anchor="midleft")
            blit_text(surf, th, "/100", (num.right + th.px(4), num.bottom - th.px(6)), "small", p.muted,
                      anchor="bottomleft")
            note = " \u00b7 ".join(x for x in (ending_label(t.outcome), f"{t.turns} turns") if x)
            blit_text(surf, th, note, (box.right - th.px(16), box.centery), "small", p.muted, anchor="midright",
                      max_width=max(0, box.right - th.px(16) - num.right - th.px(60)))
            y = box.bottom + th.px(14)
        blit_text(surf, th, "OVERALL" if self.team is None else "EACH PERSON, ON THEIR OWN TURNS", (inner.x, y),
                  "label", p.accent, True, max_width=inner.width)
        y += th.line_height("label") + th.px(8)
        tie_h = paragraph_height(th, TIE_RULE, inner.width, "small") + th.px(10)
        bottom = inner.bottom - tie_h
        ranked = self.ranked
        if not ranked:
            blit_text(surf, th, "No finished calls yet.", (inner.x, y), "body", p.muted)
        n = max(1, len(ranked))
        big = th.line_height("h3") + th.line_height("tiny") + th.px(18)
        role, sub_role = "h3", "tiny"
        row_h = big
        if big * n > bottom - y:
            role = "label"
            row_h = max(th.line_height("label") + th.px(6), (bottom - y) // n)
        show_sub = row_h >= th.line_height(role) + th.line_height(sub_role) + th.px(8)
        score_w = th.font(role, True).size("100")[0]
        bar_w = max(th.px(60), int(inner.width * 0.28))
        for i, res in enumerate(ranked):
            row = pygame.Rect(inner.x, y, inner.width, row_h - th.px(6))
            if row.bottom > bottom + th.px(2):
                break
            if i == 0:
                panel(surf, row.inflate(th.px(12), 0), th, p.raised, radius=th.px(10))
            cy = row.centery
            rad = max(th.tx(13), (th.line_height(role) + 2) // 2)
            medal = MEDALS[i] if i < len(MEDALS) else p.border
            pygame.draw.circle(surf, medal, (row.x + rad, cy), rad)
            num = th.text(str(i + 1), "label" if role == "h3" else "small", p.on_accent if i < len(MEDALS) else p.text, True)
            surf.blit(num, num.get_rect(center=(row.x + rad, cy)))
            x = row.x + 2 * rad + th.px(14)
            overall = int(res.scores.get("overall", 0))
            col = level_color(overall / 100, p)
            sc = blit_text(surf, th, str(overall), (row.right, cy), role, col, True, anchor="midright")
            sc.left = min(sc.left, row.right - score_w)
            bar_r = pygame.Rect(sc.left - th.px(12) - bar_w, cy - th.px(6), bar_w, th.px(12))
            bar(surf, bar_r, overall / 100, col, th)
            name_w = bar_r.x - th.px(14) - x
            if show_sub:
                top = cy - (th.line_height(role) + th.line_height(sub_role)) // 2
                blit_text(surf, th, res.name, (x, top), role, p.text, True, max_width=name_w)
                sub = self._row_note(i)
                blit_text(surf, th, sub, (x, top + th.line_height(role)), sub_role, p.muted, max_width=name_w)
            else:
                nr = blit_text(surf, th, res.name, (x, cy), role, p.text, True, anchor="midleft", max_width=name_w)
                why = tie_reason(res, ranked[i + 1]) if i + 1 < len(ranked) else None
                room = x + name_w - nr.right - th.px(12)
                if why and room > th.px(60):
                    blit_text(surf, th, f"tie: {why}", (nr.right + th.px(12), cy), "tiny", p.warn, anchor="midleft",
                              max_width=room)
            y += row_h
        paragraph(surf, th, TIE_RULE, pygame.Rect(inner.x, inner.bottom - tie_h + th.px(10), inner.width, 0), "small",
                  p.muted)

    def _row_note(self, i: int) -> str:
        res = self.ranked[i]
        flags = f"{res.serious_flags} serious flag{'s' if res.serious_flags != 1 else ''}"
        unit = "rep turn" if self.run.relay else "turn"
        bits = [flags, f"{res.turns} {unit}{'s' if res.turns != 1 else ''}"]
        if i + 1 < len(self.ranked):
            why = tie_reason(res, self.ranked[i + 1])
            if why:
                bits.insert(0, f"tie: ahead of {self.ranked[i + 1].name} on {why}")
        return " \u00b7 ".join(bits)

    def _draw_skills(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        inner = panel_inner(surf, self.skill_rect, th, th.px(20))
        blit_text(surf, th, "BEST AT EACH SKILL", (inner.x, inner.y), "label", p.accent, True)
        y = inner.y + th.line_height("label") + th.px(8)
        skills = self.skills()
        if not skills or not self.ranked:
            return
        avail = inner.bottom - y
        role = "body"
        row_h = th.line_height("small") + th.line_height(role) + th.px(12)
        if row_h * len(skills) > avail:
            row_h = max(th.line_height(role) + th.px(4), avail // len(skills))
        two_lines = row_h >= th.line_height("small") + th.line_height(role) + th.px(6)
        label_w = 0 if two_lines else max(th.font("small", True).size(skill_name(s))[0] for s in skills) + th.px(14)
        for s in skills:
            if y + row_h > inner.bottom + th.px(4):
                break
            order = sorted(self.ranked, key=lambda res: (-res.scores.get(s, -1), self.ranked.index(res)))
            top_score = order[0].scores.get(s, -1)
            x = inner.x + label_w
            if two_lines:
                blit_text(surf, th, skill_name(s), (inner.x, y), "small", p.muted, True)
                ly = y + th.line_height("small")
            else:
                blit_text(surf, th, skill_name(s), (inner.x, y + row_h // 2), "small", p.muted, True, anchor="midleft")
                ly = y + (row_h - th.line_height(role)) // 2
            if len(self.ranked) > 1 and len({res.scores.get(s, -1) for res in order}) == 1:
                blit_text(surf, th, f"Everyone {top_score}", (x, ly), role, p.muted, max_width=inner.right - x)
                y += row_h
                continue
            for k, res in enumerate(order):
                v = res.scores.get(s)
                best = v is not None and v == top_score and top_score > min(x.scores.get(s, -1) for x in order)
                text = f"{res.name} {v if v is not None else '-'}"
                sep = "   " if k else ""
                room = inner.right - x
                if room <= th.px(30):
                    break
                color = p.good if best else (p.text if k == 0 else p.muted)
                if sep:
                    x += th.font(role).size(sep)[0]
                    room = inner.right - x
                need = th.font(role, best).size(text)[0]
                if need > room:
                    blit_text(surf, th, "\u2026", (x, ly), role, p.muted)
                    break
                rect = blit_text(surf, th, text, (x, ly), role, color, best)
                x = rect.right
            y += row_h


def draw_title(surf: pygame.Surface, th: Theme, r: pygame.Rect, title: str, sub: str,
               chips: Sequence[tuple[str, Color, bool]] = ()) -> None:
    """A header panel: a title, a muted line under it, chips on the right."""
    panel(surf, r, th)
    pad = th.px(18)
    right = r.right - pad
    for label, color, filled in reversed(chips):
        c = chip(surf, th, label, (right, r.centery), color, anchor="midright", outline=not filled, role="label")
        right = c.left - th.px(8)
    title_block(surf, th, r, title, sub, right)


# -- opening the window -----------------------------------------------------------------------------

def open_workshop(progress: ws.Progress, make_session: MakeSession, *, size: tuple[int, int] = (1280, 720),
                  fullscreen: bool = False, theme: Theme | None = None, **app_kw: Any) -> Workshop:
    """A window on the workshop's first screen (lobby, or the leaderboard when it is finished).

    ``app_kw`` go to :class:`~simulator.window.app.App` (``recognize``, ``listener``,
    ``speaker``, ``store``...). The caller runs the loop (``run.app.run()``) or
    steps it (tests).
    """
    from simulator.window.app import App

    app_kw.setdefault("remember", False)
    app = App(size=size, fullscreen=fullscreen, theme=theme or Theme.projector(), **app_kw)
    pygame.display.set_caption(f"salesim workshop {progress.plan.id}")
    run = Workshop(app, progress, make_session)
    run.start()
    return run


def launch_workshop(progress: ws.Progress, make_session: MakeSession, *, voice: bool | None = None,
                    size: tuple[int, int] | None = None, fullscreen: bool = False, **kw: Any) -> int:
    """The ``salesim workshop --gui`` window: runs until the facilitator closes it.

    Raises :class:`simulator.window.WindowError` when there is no display to show it on.
    """
    from simulator.window import HEADLESS_DRIVERS, WindowError
    from simulator.window.hooks import discover

    pygame.display.init()
    if pygame.display.get_driver() in HEADLESS_DRIVERS:
        raise WindowError("no display to open the workshop window on (use --text for the console version)")
    if size is None:  # 1280x720 (resizable: the layout scales to the projector), smaller on a small screen
        info = pygame.display.Info()
        size = (1280, 720) if info.current_w <= 0 else (min(1280, info.current_w), min(720, info.current_h))
    if "listener" not in kw and "speaker" not in kw:
        listener, speaker, note = discover(voice)
        kw.update(listener=listener, speaker=speaker, mic_note=note)
    try:
        run = open_workshop(progress, make_session, size=size, fullscreen=fullscreen, **kw)
    except pygame.error as exc:
        raise WindowError(f"cannot open the window ({exc}); use --text for the console") from None
    return run.app.run()
