"""The call screen: talk or type to the buyer and watch them react.

Keys: Enter sends, Up/Down recall earlier lines, Ctrl+V pastes, hold Space (on
an empty line) to talk when a microphone exists, Ctrl+Z takes back a turn
(practice), Ctrl+B calls back later (multi-call buyers), Ctrl+E ends the call,
Esc asks before ending, PageUp/PageDown scroll, Tab moves between controls.

Everything the call does goes through :class:`simulator.session.Session`; the
screen only turns keys into session calls and draws the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.window import coach
from simulator.window.callview import CallView, ending_label
from simulator.window.hooks import heard
from simulator.window.screen import Screen, ctrl
from simulator.window.theme import Color
from simulator.window.widgets import (Button, LineEdit, TextField, bar, blink_phase, blit_text, next_blink, panel,
                                      paste_text, row_layout)

if TYPE_CHECKING:
    from simulator.session import Session
    from simulator.window.app import App



class CallScreen(Screen):
    name = "call"
    #: buttons placed in the action row before the standard ones (subclasses add their own)
    extra_actions: tuple[str, ...] = ()
    #: keyboard shortcuts shown on the action-row buttons when there is room
    action_shortcuts = {"take_back": "Ctrl+Z", "call_back": "Ctrl+B", "end": "Ctrl+E"}

    def __init__(self, app: "App", session: "Session"):
        super().__init__(app)
        self.session = session
        self.scn = session.scenario
        self.view = CallView(app, self.scn, session.mode)
        self.edit = LineEdit()
        self.field = TextField(self.edit, "Type what you would say, then press Enter", max_lines=4)
        self.field.blink_epoch = app.now()
        self.focus = "input"
        self.pending: tuple[str, float | None, bool] | None = None
        self.listening = False
        self.recognising = False
        self.ptt_from: str | None = None
        self.swallow_space = False
        self.barged_in = False  # push-to-talk cut the buyer off: the next turn is an interruption
        self.level = 0.0
        self.notice: tuple[str, float, Color] | None = None
        self.choosing = False
        self.confirm_end = False
        self.days = max(1, self.scn.callback.after_days)
        self.ended_note = "Your scorecard is ready: what went well, what to work on, and a replay."
        self.hint: coach.Hint | None = None
        self._phase = -1
        self.composer = pygame.Rect(0, 0, 0, 0)
        self._note_rect = pygame.Rect(0, 0, 0, 0)
        self._days_rect = pygame.Rect(0, 0, 0, 0)
        self._mic_text = app.mic_note
        practice = session.mode == "practice"
        self.add(Button("send", "Send", self.send, "Enter", kind="primary"))
        self.add(Button("talk", "Hold to talk", self.toggle_talk, "Space"))
        self.add(Button("take_back", "Take back", self.take_back, "Ctrl+Z", visible=practice))
        self.add(Button("call_back", "Call back later", self.open_callback, "Ctrl+B"))
        self.add(Button("end", "End call", self.end_call, "Ctrl+E", kind="danger"))
        self.add(Button("days_less", "\u2212", lambda: self.change_days(-1)))
        self.add(Button("days_more", "+", lambda: self.change_days(1)))
        self.add(Button("do_callback", "Call back", self.do_callback, "Enter", kind="primary"))
        self.add(Button("keep", "Keep talking", self.cancel_overlay, "Esc"))
        self.add(Button("finish", "Finish", self.end_call, "Ctrl+E"))
        self.add(Button("confirm_end", "End the call", self.end_call, "Enter", kind="danger"))
        self.add(Button("scorecard", "See your scorecard", self.to_scorecard, "Enter", kind="primary"))
        self._refresh(animate=False)

    def leave(self) -> None:
        """Leaving the call screen with the call still open (window closing, a new call) abandons it."""
        if not self.session.ended:
            self._barge_in()
            self.session.abandon()

    # -- state ----------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """What the composer shows: talk | between | choosing | confirm | ended."""
        s = self.session
        if s.ended:
            return "ended"
        if s.between_calls:
            return "between"
        if self.choosing:
            return "choosing"
        if self.confirm_end:
            return "confirm"
        return "talk"

    def _refresh(self, animate: bool = True) -> None:
        s = self.session
        self.view.sync(s.turns, s.history, pending=self.pending[0] if self.pending else None,
                       typing=self.pending is not None, outcome=s.outcome if s.ended else None,
                       labels=[x.get("by") for x in s.extras])
        self.view.set_state(s.state, animate)
        self.view.scroll_to_end()
        self.hint = coach.hint(self.scn, s.state, s.turns) if s.mode == "practice" and not s.ended else None
        self._buttons()
        self.app.invalidate()

    def _buttons(self) -> None:
        mode = self.mode
        s = self.session
        b = self.buttons
        can_call_back = s.state.call < self.scn.calls and not s.ended
        talk = mode == "talk"
        b["send"].visible = talk
        b["send"].enabled = talk and self.pending is None
        b["talk"].visible = talk and self.app.listener is not None
        b["take_back"].visible = talk and s.mode == "practice"
        b["take_back"].enabled = self._can_take_back()
        b["call_back"].visible = talk and can_call_back
        b["end"].visible = talk
        for key in ("days_less", "days_more", "do_callback"):
            b[key].visible = mode in ("between", "choosing")
        b["days_less"].enabled = self.days > 0
        b["keep"].visible = mode in ("choosing", "confirm")
        b["finish"].visible = mode == "between"
        b["confirm_end"].visible = mode == "confirm"
        b["scorecard"].visible = mode == "ended"
        order = self.focus_order()
        if self.focus not in order:
            self.focus = order[0] if order else None
        if mode == "talk" and self.focus not in order:
            self.focus = "input"
        self.layout(self.w, self.h)

    def _can_take_back(self) -> bool:
        t = self.session.turns
        return (self.session.mode == "practice" and len(t) >= 3 and t[-1].speaker == "buyer"
                and t[-2].speaker == "rep" and self.pending is None)

    def focus_order(self) -> list[str]:
        keys = super().focus_order()
        if self.mode == "talk":
            return ["input"] + keys
        primary = {"between": "do_callback", "choosing": "do_callback", "confirm": "confirm_end",
                   "ended": "scorecard"}[self.mode]
        return [primary] + [k for k in keys if k != primary]

    # -- actions --------------------------------------------------------------------------
    def send(self) -> None:
        text = self.edit.submit()
        self.field.blink_epoch = self.app.now()
        self.focus = "input"
        if text:
            self.say(text)

    def say(self, text: str, seconds: float | None = None) -> None:
        """The rep says ``text`` (typed or heard); the buyer's answer is drawn at once."""
        if self.mode != "talk" or self.pending is not None:
            return
        interrupted = self._barge_in() or self.barged_in
        self.barged_in = False
        if not self.app.ready():
            self.pending = (text, seconds, interrupted)
            self._refresh()
            return
        self._say_now(text, seconds, interrupted)

    def _say_now(self, text: str, seconds: float | None, interrupted: bool) -> None:
        try:
            ex = self.session.say(text, seconds=seconds, interrupted=interrupted,
                                  speaker_label=self.speaker_label())
        except ValueError as exc:
            self.toast(str(exc), self.theme.p.warn)
            return
        self._refresh()
        self._speak(ex.buyer.text)

    # -- hooks for screens built on this one (the workshop) ---------------------------------
    def speaker_label(self) -> str | None:
        """Who says the next rep turn, logged with it (relay workshops); None for a lone rep."""
        return None

    def prompt(self) -> str:
        """A name shown left of the text box (whose turn it is); empty for none."""
        return ""

    def header_chips(self) -> list[tuple[str, Color, bool]]:
        p, s = self.theme.p, self.session
        chips: list[tuple[str, Color, bool]] = []
        chips.append(("Practice" if s.mode == "practice" else "Assessment",
                      p.accent if s.mode == "practice" else p.warn, True))
        chips.append((s.difficulty.capitalize(), p.muted, False))
        if self.scn.calls > 1:
            chips.append((f"Call {s.state.call} of {self.scn.calls}", p.muted, False))
        return chips

    def header_title(self) -> str | None:
        return None

    def _prompt_width(self) -> int:
        text = self.prompt()
        if not text:
            return 0
        th = self.theme
        return min(th.font("label", True).size(text)[0] + 2 * th.tx(14), self.w // 4) + th.px(10)

    def _barge_in(self) -> bool:
        sp = self.app.speaker
        try:
            if sp is not None and sp.speaking():
                sp.stop()
                return True
        except Exception:  # noqa: BLE001 - a voice problem never stops the call
            pass
        return False

    def _speak(self, text: str) -> None:
        sp = self.app.speaker
        if sp is None:
            return
        try:
            sp.speak(text, dict(self.scn.persona.voice))
            prepare = getattr(sp, "prepare", None)
            if callable(prepare):
                prepare(self.session)
        except Exception:  # noqa: BLE001
            pass

    def take_back(self) -> None:
        if not self._can_take_back():
            why = "Nothing to take back yet." if self.session.mode == "practice" else \
                "Take-backs are off in assessment mode."
            self.toast(why, self.theme.p.muted)
            return
        text = self.session.turns[-2].text
        try:
            self.session.rewind()
        except ValueError as exc:
            self.toast(str(exc), self.theme.p.warn)
            return
        self.edit.set(text)
        self.focus = "input"
        self.toast("Took back your last turn: edit it and try again.", self.theme.p.accent)
        self._refresh()

    def open_callback(self) -> None:
        if self.session.state.call < self.scn.calls and not self.session.ended:
            self.choosing = True
            self.confirm_end = False
            self.focus = "do_callback"
            self._buttons()

    def change_days(self, d: int) -> None:
        self.days = max(0, min(30, self.days + d))
        self._buttons()

    def do_callback(self) -> None:
        try:
            turn = self.session.callback(self.days)
        except ValueError as exc:
            self.toast(str(exc), self.theme.p.warn)
            return
        self.choosing = False
        self.focus = "input"
        self._refresh()
        self._speak(turn.text)

    def cancel_overlay(self) -> None:
        self.choosing = self.confirm_end = False
        self.focus = "input"
        self._buttons()

    def end_call(self) -> None:
        if self.session.ended:
            return
        self._barge_in()
        self.choosing = self.confirm_end = False
        self.pending = None
        last = self.session.hang_up()
        self.focus = "scorecard"
        self._refresh()
        if last is not None:
            self._speak(last.text)

    def to_scorecard(self) -> None:
        if not self.session.ended:
            self.end_call()
        self.app.show_scorecard(self.session)

    def toggle_talk(self) -> None:
        """Keyboard activation of the talk button: start, then stop and send."""
        if self.listening:
            self.stop_talk()
        else:
            self.start_talk("button")

    def start_talk(self, source: str) -> None:
        lst = self.app.listener
        if lst is None or self.listening or self.recognising or self.mode != "talk":
            return
        self.barged_in = self._barge_in()
        try:
            lst.start()
        except Exception as exc:  # noqa: BLE001
            self.toast(f"The microphone did not start: {exc}. Type instead.", self.theme.p.warn)
            return
        self.listening, self.ptt_from = True, source
        self.buttons["talk"].label = "Listening\u2026 release to send"

    def stop_talk(self) -> None:
        if not self.listening:
            return
        self.listening = False
        self.buttons["talk"].label = "Hold to talk"
        try:
            self.app.listener.stop()
            self.recognising = True
        except Exception:  # noqa: BLE001
            self.toast("The microphone stopped working: type instead.", self.theme.p.warn)
        self.layout(self.w, self.h)

    def toast(self, text: str, color: Color) -> None:
        self.notice = (text, 3.5, color)
        self.app.invalidate()

    # -- events ---------------------------------------------------------------------------
    def on_event(self, e: pygame.event.Event) -> bool:
        mode = self.mode
        if e.type == pygame.TEXTINPUT:
            if self.swallow_space and e.text == " ":
                self.swallow_space = False
                return True
            if mode == "talk":
                self.focus = "input"
                self.edit.insert(e.text)
                self.field.blink_epoch = self.app.now()
                return True
            return False
        if e.type == pygame.MOUSEWHEEL:
            self.view.scroll_by(-e.y * self.theme.px(60))
            return True
        if e.type == pygame.MOUSEBUTTONDOWN and e.button == 1:
            talk = self.buttons["talk"]
            if talk.visible and talk.rect.collidepoint(e.pos):
                self.start_talk("mouse")
                return True
            if mode == "talk" and self.field.rect.collidepoint(e.pos):
                self.focus = "input"
                self.edit.end()
                return True
            return False
        if e.type == pygame.MOUSEBUTTONUP and e.button == 1 and self.ptt_from == "mouse" and self.listening:
            self.stop_talk()
            return True
        if e.type == pygame.KEYUP and e.key == pygame.K_SPACE and self.listening and self.ptt_from == "space":
            self.stop_talk()
            return True
        if e.type != pygame.KEYDOWN:
            return False
        k = e.key
        if k in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            self.view.scroll_by(self.view.page() * (-1 if k == pygame.K_PAGEUP else 1))
            return True
        if ctrl(e):
            if k == pygame.K_e:
                self.end_call()
                return True
            if k == pygame.K_b:
                self.open_callback()
                return True
            if k == pygame.K_z and mode == "talk":
                self.take_back()
                return True
            if k == pygame.K_v and mode == "talk":
                self.edit.insert(paste_text())
                self.focus = "input"
                return True
            if k == pygame.K_HOME:
                self.view.scroll_by(-10**7)
                return True
            if k == pygame.K_END:
                self.view.scroll_to_end()
                return True
        if k == pygame.K_ESCAPE:
            if mode in ("choosing", "confirm"):
                self.cancel_overlay()
            elif mode == "talk":
                self.confirm_end = True
                self.focus = "confirm_end"
                self._buttons()
            return True
        if mode in ("between", "choosing") and k in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_MINUS, pygame.K_PLUS,
                                                      pygame.K_KP_MINUS, pygame.K_KP_PLUS, pygame.K_EQUALS):
            self.change_days(-1 if k in (pygame.K_LEFT, pygame.K_MINUS, pygame.K_KP_MINUS) else 1)
            return True
        if mode != "talk" or self.focus != "input":
            return False
        return self._edit_key(e)

    def _edit_key(self, e: pygame.event.Event) -> bool:
        k, word = e.key, ctrl(e)
        ed = self.edit
        self.field.blink_epoch = self.app.now()
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.send()
        elif k == pygame.K_BACKSPACE:
            ed.backspace(word)
        elif k == pygame.K_DELETE:
            ed.delete(word)
        elif k == pygame.K_LEFT:
            ed.left(word)
        elif k == pygame.K_RIGHT:
            ed.right(word)
        elif k == pygame.K_HOME:
            ed.home()
        elif k == pygame.K_END:
            ed.end()
        elif k == pygame.K_UP:
            ed.history_up()
        elif k == pygame.K_DOWN:
            ed.history_down()
        elif k == pygame.K_SPACE and not ed.text and self.app.listener is not None and not e.mod & pygame.KMOD_SHIFT:
            if not getattr(e, "repeat", False) and not self.listening:
                self.start_talk("space")
            self.swallow_space = True
        elif k == pygame.K_u and word:
            ed.clear()
        else:
            return False
        return True

    # -- animation ------------------------------------------------------------------------
    def update(self, dt: float) -> bool:
        moving = self.view.update(dt)
        if self.pending is not None and self.app.ready():
            text, seconds, interrupted = self.pending
            self.pending = None
            self._say_now(text, seconds, interrupted)
        lst = self.app.listener
        if self.listening and lst is not None:
            try:
                self.level = max(0.0, min(1.0, float(lst.level())))
            except Exception:  # noqa: BLE001
                self.level = 0.0
            moving = True
        if self.recognising and lst is not None:
            try:
                got = heard(lst.poll())
            except Exception as exc:  # noqa: BLE001 - the microphone went away: the rep types from now on
                self.recognising, got = False, None
                self.app.listener = None
                self.toast(f"The microphone stopped ({exc}). Type instead.", self.theme.p.warn)
                self._buttons()
                self.layout(self.w, self.h)
            if got is not None:
                self.recognising = False
                text, seconds = got
                if text:
                    self.say(text, seconds)
                else:
                    self.toast("Didn't catch that: try again, or type it.", self.theme.p.warn)
            moving = True
        if self.notice is not None:
            text, left, color = self.notice
            left -= dt
            self.notice = (text, left, color) if left > 0 else None
            moving = True
        if self.pending is not None:
            moving = True
        if self.mode == "talk" and self.focus == "input":
            phase = blink_phase(self.app.now(), self.field.blink_epoch)
            if phase != self._phase:
                self.app.invalidate(self.field.rect)
        return moving

    def wakeup(self) -> float | None:
        if self.mode == "talk" and self.focus == "input":
            return next_blink(self.app.now(), self.field.blink_epoch)
        return None

    # -- layout and drawing -------------------------------------------------------------------
    def layout(self, w: int, h: int) -> None:
        super().layout(w, h)
        th = self.theme
        m, gap, header = self.frame(w)
        grow = 1.0 + 0.5 * (th.user_scale - 1.0)  # bigger text: a wider buyer panel
        left_w = max(th.px(260), min(int(w * 0.28 * grow), th.px(420) * grow, int(w * 0.4)))
        body_top = header.bottom + gap
        left = pygame.Rect(m, body_top, left_w, h - m - body_top)
        right = pygame.Rect(left.right + gap, body_top, w - m - left.right - gap, left.height)
        bh = Button.height(th)
        mode = self.mode
        if mode == "talk":
            send_w = self.buttons["send"].width(th)
            prompt_w = self._prompt_width()
            field_w = right.width - send_w - th.px(10) - prompt_w
            fh = self.field.height_for(th, field_w)
            comp_h = fh + th.px(10) + bh
            self.composer = pygame.Rect(right.x, right.bottom - comp_h, right.width, comp_h)
            self.field.rect = pygame.Rect(right.x + prompt_w, self.composer.y, field_w, fh)
            b = self.buttons["send"]
            b.rect = pygame.Rect(self.field.rect.right + th.px(10), self.field.rect.bottom - bh, send_w, bh)
            row_y = self.field.rect.bottom + th.px(10)
            actions = [self.buttons[k] for k in (*self.extra_actions, "take_back", "call_back", "end")]
            for a in actions:
                a.shortcut = self.action_shortcuts.get(a.key, a.shortcut)
            talk = self.buttons["talk"]
            talk_w = talk.width(th) if talk.visible else 0
            self._mic_text = self.app.mic_note
            note_w = 0 if talk.visible or not self._mic_text else th.font("small").size(self._mic_text)[0] + th.px(30)
            need = sum(a.width(th) for a in actions if a.visible) + talk_w + note_w + th.px(12) * 4
            if need > right.width:
                for a in actions:
                    a.shortcut = ""
                need = sum(a.width(th) for a in actions if a.visible) + talk_w + note_w + th.px(12) * 4
                if need > right.width and self._mic_text:
                    self._mic_text = self._mic_text.split(":")[0]
            left_end = row_layout(actions, th, right.right, row_y)
            if talk.visible:
                talk.rect = pygame.Rect(right.x, row_y, min(talk.width(th), max(0, left_end - right.x - th.px(12))), bh)
            self._note_rect = pygame.Rect(right.x, row_y, max(0, left_end - right.x - th.px(12)), bh)
        else:
            comp_h = th.line_height("h3") + th.line_height("small") + th.px(16) + bh + th.px(24)
            self.composer = pygame.Rect(right.x, right.bottom - comp_h, right.width, comp_h)
            inner = self.composer.inflate(-2 * th.px(18), -2 * th.px(12))
            row_y = inner.bottom - bh
            keys = {"between": ["days_less", "days_more", "do_callback", "finish"],
                    "choosing": ["days_less", "days_more", "do_callback", "keep"],
                    "confirm": ["confirm_end", "keep"], "ended": ["scorecard"]}[mode]
            if mode in ("between", "choosing"):
                less, more = self.buttons["days_less"], self.buttons["days_more"]
                label_w = th.font("label", True).size("in 30 days")[0] + th.px(24)
                less.rect = pygame.Rect(inner.x, row_y, bh, bh)
                self._days_rect = pygame.Rect(less.rect.right, row_y, label_w, bh)
                more.rect = pygame.Rect(self._days_rect.right, row_y, bh, bh)
                row_layout([self.buttons[k] for k in keys[2:]], th, inner.right, row_y)
            else:
                row_layout([self.buttons[k] for k in keys], th, inner.right, row_y)
        transcript = pygame.Rect(right.x, right.y, right.width, self.composer.y - gap - right.y)
        self.view.layout(header, left, transcript)

    def draw(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        surf.fill(p.bg)
        self.view.draw_header(surf, self.header_chips(), title=self.header_title())
        self.view.draw_left(surf, self._card())
        self.view.draw_transcript(surf)
        if self.mode == "talk":
            self._draw_composer(surf)
        else:
            self._draw_banner(surf)
        self.draw_buttons(surf)
        if self.notice is not None:
            text, left, color = self.notice
            r = self.view.transcript
            img = th.text(th.fit(text, "label", r.width - th.px(60)), "label", p.text, True)
            box = img.get_rect().inflate(th.px(28), th.px(14))
            box.midtop = (r.centerx, r.y + th.px(12))
            panel(surf, box, th, p.raised, radius=box.height // 2, border=color, shadow=True)
            surf.blit(img, img.get_rect(center=box.center))
        self._phase = blink_phase(self.app.now(), self.field.blink_epoch)

    def _card(self) -> tuple[str, str, Color] | None:
        p = self.theme.p
        if self.session.mode != "practice":
            return ("Your goal", self.scn.goal or "Assessment call: no hints.", p.muted) if self.scn.goal else None
        if self.app._warm_error:
            return ("Move model", f"Could not load the move model: {self.app._warm_error}", p.bad)
        if not self.app.ready():
            return ("Getting ready", "Loading the move model\u2026 you can start typing.", p.muted)
        if self.hint is not None:
            return ("Coach", self.hint.text, p.accent)
        if self.session.ended:
            return None
        return ("Coach", "Keep going: listen, ask, and agree a concrete next step.", p.accent)

    def _draw_composer(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        self.field.draw(surf, th, self.focus == "input", self.app.now())
        prompt = self.prompt()
        if prompt:
            f = self.field.rect
            box = pygame.Rect(self.composer.x, f.y, f.x - th.px(10) - self.composer.x, f.height)
            panel(surf, box, th, p.accent, radius=th.px(10))
            blit_text(surf, th, prompt, box.center, "label", p.on_accent, True, anchor="center",
                      max_width=box.width - 2 * th.tx(10))
        talk = self.buttons["talk"]
        note = self._note_rect
        if talk.visible:
            if self.listening:
                lvl = pygame.Rect(talk.rect.right + th.px(12), talk.rect.centery - th.px(5),
                                  max(0, min(th.px(160), note.right - talk.rect.right - th.px(12))), th.px(10))
                if lvl.width > th.px(20):
                    bar(surf, lvl, self.level, p.good if self.level < 0.85 else p.warn, th)
            elif self.recognising:
                blit_text(surf, th, "Recognising\u2026", (talk.rect.right + th.px(12), talk.rect.centery), "small",
                          p.muted, anchor="midleft")
        elif note.width > th.px(40) and self._mic_text:
            cx, cy = note.x + th.px(10), note.centery
            pygame.draw.rect(surf, p.faint, (cx - th.px(4), cy - th.px(9), th.px(8), th.px(13)), width=max(1, th.px(2)),
                             border_radius=th.px(4))
            pygame.draw.line(surf, p.faint, (cx - th.px(7), cy + th.px(7)), (cx + th.px(7), cy - th.px(9)), max(1, th.px(2)))
            blit_text(surf, th, self._mic_text, (note.x + th.px(26), cy), "small", p.faint, anchor="midleft",
                      max_width=note.width - th.px(26))

    def _draw_banner(self, surf: pygame.Surface) -> None:
        th, p = self.theme, self.theme.p
        mode = self.mode
        s = self.session
        name = self.scn.persona.name.split()[0] if self.scn.persona.name else "The buyer"
        color = p.accent
        if mode == "ended":
            result = s.result or "neutral"
            color = {"won": p.good, "lost": p.bad}.get(result, p.warn)
            title = f"Call over \u00b7 {ending_label(s.outcome)}"
            sub = self.ended_note
        elif mode == "between":
            title = f"{name} ended call {s.state.call} of {self.scn.calls}."
            sub = "When do you call back? Pick the day you promised, or say why it changed."
        elif mode == "choosing":
            title = "Call back later"
            sub = f"End this call now and call {name} again. Choose when."
        else:
            color = p.bad
            title = "End the call now?"
            sub = f"{name} will have the last word, and then you get your scorecard."
        r = self.composer
        panel(surf, r, th, p.surface, border=color)
        inner = r.inflate(-2 * th.px(18), -2 * th.px(12))
        blit_text(surf, th, title, (inner.x, inner.y), "h3", color, True, max_width=inner.width)
        blit_text(surf, th, sub, (inner.x, inner.y + th.line_height("h3") + th.px(2)), "small", p.muted,
                  max_width=inner.width)
        if mode in ("between", "choosing"):
            r = self._days_rect
            label = "same day" if self.days == 0 else f"in {self.days} day{'s' if self.days != 1 else ''}"
            pygame.draw.rect(surf, p.sunken, r)
            blit_text(surf, th, label, r.center, "label", p.text, True, anchor="center")
