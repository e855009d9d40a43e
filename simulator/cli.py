"""The ``salesim`` command line (see CONTRACT.md). A shell: parse, call, print.

Exit codes: 0 success; 1 a problem with the user's input (one line on stderr);
2 wrong usage. No user-caused error prints a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from simulator import __version__
from simulator.validate import ScenarioError


class UserError(click.ClickException):
    """A problem with the user's input: one clear line, exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: ANN001
        click.echo(f"salesim: {self.format_message()}", err=True)


def _db(url: str | None):
    from simulator import paths
    from simulator.storage import Database

    target = paths.database_url(url)
    if target.startswith("sqlite:///"):
        paths.ensure(Path(target[len("sqlite:///"):]).expanduser().parent)
    try:
        return Database(target)
    except Exception as exc:  # noqa: BLE001 - any driver error is the user's database
        raise UserError(f"cannot open the score log {target}: {str(exc).splitlines()[0]}") from None


def _scenario(ref: str):
    from simulator import library

    try:
        return library.load(ref)
    except ScenarioError as exc:
        raise UserError(str(exc.problems[0]) if len(exc.problems) == 1 else str(exc)) from None


def has_display() -> bool:
    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="salesim")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Practise sales calls against simulated buyers, offline."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(play, scenario=None)


@cli.command()
@click.argument("scenario", required=False)
@click.option("--rep", default="", help="Your name, for the score log.")
@click.option("--seed", type=int, default=None, help="Same seed, same buyer.")
@click.option("--difficulty", type=click.Choice(["easy", "normal", "hard"]), default="normal")
@click.option("--text", "ui", flag_value="text", help="Play in the terminal.")
@click.option("--gui", "ui", flag_value="gui", help="Play in the window.")
@click.option("--voice/--no-voice", default=None, help="Buyer speaks aloud (window and console).")
@click.option("--script", type=click.Path(dir_okay=False), help="Play rep turns from a file, one per line.")
@click.option("--audio-script", type=click.Path(file_okay=False), help="Play rep turns from a folder of WAV files, in name order.")
@click.option("--json", "as_json", is_flag=True, help="Print the call as JSON (with --script).")
@click.option("--screenshot", type=click.Path(dir_okay=False), help="With --gui --script: save the scorecard screen.")
@click.option("--mode", type=click.Choice(["practice", "assessment"]), default="practice")
@click.option("--db", default=None, help="Score log database URL (default: SALESIM_DB or a local SQLite file).")
@click.option("--no-log", is_flag=True, help="Do not write this call to the score log.")
def play(scenario, rep, seed, difficulty, ui, voice, script, audio_script, as_json, screenshot, mode, db, no_log):  # noqa: ANN001
    """One practice call."""
    from rich.console import Console

    from simulator import console as text_console
    from simulator.session import Session

    if screenshot and not (ui == "gui" and script):
        raise click.UsageError("--screenshot needs --gui and --script")
    if script and audio_script:
        raise click.UsageError("use --script or --audio-script, not both")
    if audio_script:
        if ui == "gui":
            raise click.UsageError("--audio-script plays in the terminal; drop --gui")
        from simulator.voice import shell as voice_shell

        try:
            voice_shell.check_audio_script(audio_script)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if ui is None and not script and not audio_script:
        if has_display():
            ui = "gui"
        else:
            click.echo("No display found: starting the text console (use --gui to force the window).", err=True)
            ui = "text"
    if ui == "gui" or (ui is None and screenshot):
        _play_window(scenario, rep, seed, difficulty, mode, voice, script, screenshot, db, no_log)
        return
    lines: list[str] = []
    if script:
        try:
            lines = Path(script).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read script {script}: {getattr(exc, 'strerror', None) or exc}") from None
    if scenario is None and ui == "text" and sys.stdin.isatty():
        scenario = text_console.pick_scenario()
    scn = _scenario(scenario or "angry-customer")
    store = None if no_log else _safe_store(db)  # never loses a call: see storage.SafeStore
    session = Session(scn, rep=rep, seed=seed, difficulty=difficulty, store=store, mode=mode)
    if script or audio_script:
        from simulator import script as rep_script

        if audio_script:
            _play_audio_script(session, audio_script, voice)
        else:
            rep_script.play(session, lines)
        if as_json:
            click.echo(json.dumps(session.to_dict(), indent=2, ensure_ascii=False))
        else:
            from rich.markup import escape

            con = Console()
            for t in session.turns:
                who = scn.persona.name if t.speaker == "buyer" else (session.rep or "You")
                con.print(f"[bold]{escape(who)}:[/] {escape(t.text)}", highlight=False)
            text_console.print_scorecard(con, session.scorecard(), session.outcome)
        return
    if voice:
        from simulator.voice.shell import ConsoleVoice

        spoken = ConsoleVoice(session, Console())
        try:
            text_console.run(session, read=spoken.read)
        finally:
            spoken.close()
        return
    text_console.run(session)


def _play_audio_script(session, folder, voice) -> None:  # noqa: ANN001
    """``play --audio-script DIR``: each recording is a rep turn (simulator/voice/shell.py)."""
    from simulator.voice import shell as voice_shell

    speaker = voice_shell.buyer_speaker(session) if voice else None
    try:
        voice_shell.play_audio_script(session, folder, speaker, note=lambda m: click.echo(f"salesim: {m}", err=True))
    except ValueError as exc:
        session.abandon()
        raise UserError(str(exc)) from None
    finally:
        if speaker is not None:
            speaker.close()


def _play_window(scenario, rep, seed, difficulty, mode, voice, script, screenshot, db, no_log) -> None:  # noqa: ANN001
    """``play --gui``: the practice window (simulator/window)."""
    from simulator import window

    lines = None
    if script:
        try:
            lines = Path(script).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read script {script}: {getattr(exc, 'strerror', None) or exc}") from None
    if scenario:
        _scenario(scenario)  # a clear error before any window opens
    try:
        window.launch(scenario, rep=rep, seed=seed, difficulty=difficulty, mode=mode, voice=voice, script=lines,
                      screenshot=screenshot, store=None if no_log else _safe_store(db))
    except window.WindowError as exc:
        raise UserError(str(exc)) from None


@cli.group()
def scenarios() -> None:
    """List, validate and inspect scenarios."""


@scenarios.command("list")
@click.option("--json", "as_json", is_flag=True)
def scenarios_list(as_json: bool) -> None:
    """The scenarios found (built-in and user folder)."""
    from simulator import library

    found = library.available()
    if as_json:
        click.echo(json.dumps([{"id": s.id, "title": s.title, "summary": s.summary, "path": str(s.path),
                                "builtin": s.builtin, "calls": s.calls, "valid": not s.problems,
                                "problems": list(s.problems)} for s in found], indent=2))
        return
    for s in found:
        mark = "" if not s.problems else "  (invalid: run salesim scenarios validate)"
        click.echo(f"{s.id:22} {s.title}{'' if s.builtin else '  [user]'}{mark}")


@scenarios.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def scenarios_validate(files: tuple[str, ...]) -> None:
    """Exit 0 when every FILE is valid; else one line per problem and exit 1."""
    from simulator.validate import check_file

    bad = 0
    for f in files:
        _, problems = check_file(Path(f))
        for p in problems:
            click.echo(str(p))
        bad += len(problems)
    if bad:
        sys.exit(1)


@scenarios.command("check")
@click.argument("scenario")
@click.option("--calls", type=click.IntRange(30, 1_000_000), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def scenarios_check(scenario: str, calls: int, as_json: bool) -> None:
    """Simulate many calls: stage and ending coverage, dead ends. Exit 1 on a dead end."""
    from simulator.checker import check

    scn = _scenario(scenario)
    report = check(scn, calls)
    if as_json:
        click.echo(json.dumps({"scenario": scn.id, **report.to_dict()}, indent=2))
    else:
        click.echo(f"{scn.id}: {report.calls} simulated calls (random, helpful and harmful reps)")
        click.echo("stages:  " + ", ".join(f"{s} {report.stages[s]}" for s in scn.stages))
        click.echo("endings: " + ", ".join(f"{e.id} {report.endings[e.id]}" for e in scn.endings))
        for kind, ends in report.by_policy.items():
            click.echo(f"  {kind:8} " + ", ".join(f"{k} {v}" for k, v in ends.most_common()))
        click.echo(f"turns with no matching reaction: {report.fallbacks}")
        for what, items in (("dead ends", report.dead_ends), ("stages never reached", report.unreached_stages),
                            ("endings never reached", report.unreached_endings)):
            click.echo(f"{what}: {', '.join(items) if items else 'none'}")
    if report.dead_ends:
        sys.exit(1)


@scenarios.command("schema")
def scenarios_schema() -> None:
    """The scenario format as JSON Schema, for editors."""
    from simulator.validate import SCHEMA

    click.echo(json.dumps(SCHEMA, indent=2))


@cli.command()
@click.argument("texts", nargs=-1)
@click.option("--jsonl", is_flag=True, help="Read one text per line from stdin; print one JSON object per line.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--explain", is_flag=True, help="Show which words drove each move.")
@click.option("--buyer", is_flag=True, help="Read buyer lines instead of rep lines.")
@click.option("--audio", is_flag=True, help="Each argument is a WAV file: recognise its speech offline, then its moves.")
def classify(texts, jsonl, as_json, explain, buyer, audio):  # noqa: ANN001
    """The moves in each TEXT."""
    from simulator import recognizer

    if audio:
        return _classify_audio(texts, as_json, jsonl or buyer or explain)
    side = "buyer" if buyer else "rep"
    rec = recognizer.get(side)
    if jsonl:
        out = sys.stdout
        batch: list[str] = []

        def flush() -> None:
            for t, moves in zip(batch, rec.predict(batch)):
                out.write(json.dumps({"text": t, "moves": _ordered(moves)}, ensure_ascii=False) + "\n")
            batch.clear()

        for raw in sys.stdin.buffer:
            batch.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
            if len(batch) >= 512:
                flush()
        flush()
        return
    if not texts:
        raise click.UsageError("give one or more TEXTs, or --jsonl")
    results = rec.predict(list(texts))
    rows = [{"text": t, "moves": _ordered(m), **({"explain": rec.explain(t)} if explain else {})}
            for t, m in zip(texts, results)]
    if as_json:
        click.echo(json.dumps(rows if len(rows) > 1 else rows[0], indent=2, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{', '.join(r['moves']) or '(no move)'}\t{r['text']}")
        for move, terms in r.get("explain", {}).items():
            click.echo(f"    {move}: " + ", ".join(f"{t!r} {w:+.2f}" for t, w in terms))


def _classify_audio(files, as_json, bad_option) -> None:  # noqa: ANN001
    """``classify --audio WAV...``: offline speech recognition, then moves (simulator/voice/shell.py)."""
    from simulator.voice import shell as voice_shell

    if bad_option:
        raise click.UsageError("--audio takes WAV files and --json only")
    if not files:
        raise click.UsageError("give one or more WAV files with --audio")
    try:
        rows = voice_shell.classify_audio(files)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(rows if len(rows) > 1 else rows[0], indent=2, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{', '.join(r['moves']) or '(no move)'}\t{r['text'] or '(no speech)'}\t[{r['file']}, {r['seconds']:.1f} s]")


def _ordered(moves) -> list[str]:  # noqa: ANN001
    from simulator.moves import sort_moves

    return list(sort_moves(moves))


@cli.command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.option("--scenario", default=None, help="Use this scenario's score weights.")
@click.option("--rep-label", default=None, help="The rep's speaker name in the transcript (several: comma-separated).")
@click.option("--buyer-label", default=None, help="The buyer's speaker name (others are ignored).")
@click.option("--json", "as_json", is_flag=True)
def score(transcript, scenario, rep_label, buyer_label, as_json):  # noqa: ANN001
    """Score a finished call: plain text (Speaker: words) or WebVTT."""
    from rich.console import Console

    from simulator import console as text_console
    from simulator import recognizer, sides
    from simulator import transcript as tr
    from simulator.scoring import score as score_turns

    try:
        text = Path(transcript).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read {transcript}: {exc.strerror or exc}") from None
    try:
        call = tr.read(text, rep_label, buyer_label, recognizer.recognize, sides.seller_margins)
    except tr.TranscriptError as exc:
        raise UserError(f"{transcript}: {exc}") from None
    rep_label = ", ".join(call.rep)
    if call.guessed:
        click.echo(f"Reading {rep_label!r} as the rep (speakers: {', '.join(call.speakers)}; use --rep-label to choose).", err=True)
    turns = list(call.turns)
    weights = _scenario(scenario).weights if scenario else None
    card = score_turns(turns, weights)
    if as_json:
        out = card.to_dict()
        out["rep_label"] = rep_label
        out["rep_labels"] = list(call.rep)
        out["turns"] = [{"speaker": t.speaker, "name": t.name, "call": t.call, "text": t.text, "moves": list(t.moves),
                         **({"start": t.start, "end": t.end} if t.start is not None else {})} for t in turns]
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        text_console.print_scorecard(Console(), card)


@cli.command("model")
def build_model() -> None:
    """Train the move models from the corpus and cache them."""
    import time

    from simulator import recognizer

    for side in ("rep", "buyer"):
        t0 = time.perf_counter()
        recognizer.build(side)
        click.echo(f"{side} model: {recognizer.model_path(side)} ({time.perf_counter() - t0:.1f}s)")


# Score-log commands (review, report, export, import): simulator/logs_cli.py
from simulator.logs_cli import COMMANDS as _LOG_COMMANDS, safe_store as _safe_store  # noqa: E402

for _command in _LOG_COMMANDS:
    cli.add_command(_command)


@cli.command()
@click.option("--scenario", default="angry-customer", show_default=True)
@click.option("--roster", default="", help="Participants, comma-separated, in playing order.")
@click.option("--seed", type=int, default=None, help="Everyone faces the same buyer (default: random, shown).")
@click.option("--difficulty", type=click.Choice(["easy", "normal", "hard"]), default="normal")
@click.option("--relay", "relay_every", type=click.IntRange(1, 50), default=None,
              help="Relay: one call, the next participant takes over every N rep turns.")
@click.option("--resume", "resume_id", default=None, help="Carry on a workshop that stopped.")
@click.option("--text", "ui", flag_value="text", help="The console version, for facilitators without a projector.")
@click.option("--gui", "ui", flag_value="gui", help="The projector window.")
@click.option("--db", default=None, help="Score log database URL.")
def workshop(scenario, roster, seed, difficulty, relay_every, resume_id, ui, db):  # noqa: ANN001
    """A group session: hot-seat rounds or a relay against the same buyer, then a leaderboard."""
    import random

    from simulator import console as text_console
    from simulator import workshop as ws
    from simulator.session import Session

    if resume_id:
        try:
            progress = ws.load(resume_id)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    else:
        names = [n.strip() for n in roster.split(",") if n.strip()]
        if len(names) < 2:
            raise UserError("a workshop needs at least two participants: --roster 'Ana,Ben,Cy'")
        if len(set(n.lower() for n in names)) != len(names):
            raise UserError("each participant needs a different name in --roster")
        _scenario(scenario)
        plan = ws.Plan(id=ws.new_id(), scenario=scenario, seed=seed if seed is not None else random.randrange(1, 10**6),
                       roster=tuple(names), difficulty=difficulty, mode="relay" if relay_every else "hotseat",
                       relay_every=relay_every or 2)
        progress = ws.Progress(plan)
        ws.save(progress)
    plan = progress.plan
    scn = _scenario(plan.scenario)
    store = _safe_store(db)
    click.echo(f"Workshop {plan.id} (resume with: salesim workshop --resume {plan.id})", err=True)

    def make_session(name: str) -> Session:
        return Session(scn, rep=name, seed=plan.seed, difficulty=plan.difficulty, store=store,
                       mode="assessment", workshop=plan.id)

    if ui is None:
        ui = "gui" if has_display() else "text"
    if ui == "gui":
        from simulator import window

        try:
            window.launch_workshop(progress, make_session)
        except window.WindowError as exc:
            raise UserError(f"{exc}; the workshop is saved: salesim workshop --text --resume {plan.id}") from None
        return
    text_console.run_workshop(progress, make_session)


def main() -> None:
    try:
        cli.main(prog_name="salesim", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("salesim: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ScenarioError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("salesim: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
