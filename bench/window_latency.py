"""The practice window, headless: Enter -> buyer's reply drawn, and idle CPU.

Posts the same events a rep's keyboard makes (text, then Enter) into the real
window loop with the real move model and an SQLite score log, and times from
posting Enter to the end of the frame that shows the buyer's answer. Then it
leaves the call screen idle (cursor blinking) and measures the CPU the process
uses. Runs with ``SDL_VIDEODRIVER=dummy``; the model is loaded before timing.

    python bench/window_latency.py [--smoke]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LINES = [
    "I'm really sorry, two days without your numbers must be incredibly frustrating.",
    "Thank you for telling me straight, it helps me fix this faster.",
    "So let me make sure I have it: the login page just spins and nobody called you back. Is that right?",
    "What do you need to see first, the open rates or the click-throughs?",
    "This is mine now, and I'll make sure you get your numbers today.",
    "Here's what I'll do: first I'll check your account, then reset the login, then email you the report.",
    "It works fine on my end, so it might be your browser.",
    "I'll call you back today at three o'clock with the fix.",
]


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(smoke: bool = False) -> list[dict]:
    import pygame

    from simulator.storage import Database
    from simulator.window import App

    samples = 20 if smoke else 300
    idle_seconds = 1.5 if smoke else 6.0
    folder = Path(tempfile.mkdtemp(prefix="salesim-bench-window-"))
    db = Database(f"sqlite:///{folder / 'bench.db'}")
    app = App(size=(1280, 720), store=db, remember=False)
    try:
        app.wait_ready()
        call = None
        latencies: list[float] = []
        draws: list[float] = []
        i = 0
        while len(latencies) < samples:
            if call is None or call.session.ended or call.session.between_calls or len(call.session.turns) > 24:
                call = app.start_call("angry-customer", seed=len(latencies), rep="bench")
                app.settle()
                app.step(block=False)
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=LINES[i % len(LINES)]))
            i += 1
            app.step(block=False)
            app.settle()
            app.step(block=False)
            turns, frames = len(call.session.turns), app.frames
            t0 = time.perf_counter()
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r", scancode=0))
            deadline = t0 + 5.0
            while not (len(call.session.turns) > turns and app.frames > frames) and time.perf_counter() < deadline:
                app.step(block=False)
            latencies.append(app.last_frame_at - t0)
            # the cost of one frame of the call screen, as drawn while meters move
            t1 = time.perf_counter()
            app.draw()
            draws.append(time.perf_counter() - t1)
        # idle: the call screen, first with the cursor blinking, then after ten seconds without a key
        call = app.start_call("angry-customer", seed=1, rep="bench")
        app.settle()
        app.step(block=False)
        idle = []
        for quiet in (False, True):
            if quiet:
                call.field.blink_epoch = app.now() - 60
                app.invalidate()
                app.step(block=False)
            frames, cpu, wall = app.frames, time.process_time(), time.perf_counter()
            while time.perf_counter() - wall < idle_seconds:
                app.step()
            took = time.perf_counter() - wall
            idle.append(((time.process_time() - cpu) / took, (app.frames - frames) / took))
    finally:
        app.close()
    ms = [x * 1000 for x in latencies]
    return [
        {"bench": "window", "metric": "Enter -> reply drawn, median", "value": round(statistics.median(ms), 2),
         "unit": "ms", "target": "<= 50"},
        {"bench": "window", "metric": "Enter -> reply drawn, p99", "value": round(_percentile(ms, 0.99), 2),
         "unit": "ms", "target": "<= 50"},
        {"bench": "window", "metric": "call screen frame, median", "value": round(statistics.median(draws) * 1000, 2),
         "unit": "ms"},
        {"bench": "window", "metric": "idle CPU, cursor blinking", "value": round(idle[0][0] * 100, 2),
         "unit": "% of a core", "target": "<= 5"},
        {"bench": "window", "metric": "idle frames, cursor blinking", "value": round(idle[0][1], 2), "unit": "per s"},
        {"bench": "window", "metric": "idle CPU, no key for 10 s", "value": round(idle[1][0] * 100, 2),
         "unit": "% of a core", "target": "<= 5"},
        {"bench": "window", "metric": "idle frames, no key for 10 s", "value": round(idle[1][1], 2), "unit": "per s"},
    ]


if __name__ == "__main__":
    for row in run(smoke="--smoke" in sys.argv[1:]):
        print(f"{row['bench']:8} {row['metric']:32} {row['value']:>10} {row['unit']:12} {row.get('target', '')}")
