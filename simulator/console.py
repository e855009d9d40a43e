"""The text console: a practice call in the terminal, and the printed scorecard.

A thin shell over :class:`simulator.session.Session`: it reads lines, prints the
buyer's answers and meters, and never decides anything about the call itself.
"""

from __future__ import annotations

from typing import Callable, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from simulator.scoring import Scorecard
from simulator.session import Session

HELP = ("Type what you would say. Commands: /end hang up, /callback call back later, /rewind take back a turn, "
        "/pause pause for discussion, /help.")


def meter_line(session: Session, deltas: dict | None = None) -> Text:
    """Compact meters: ``Temper 62 (-8)  Trust 30 (+5)``, coloured by whether it helps the rep."""
    changed: dict[str, float] = {}
    for effects in (deltas or {}).values():
        for name, d in effects.items():
            changed[name] = changed.get(name, 0.0) + d
    out = Text()
    for m in session.scenario.meters:
        value = session.state.meters[m.name]
        good = m.goodness(value)
        style = "green" if good >= 0.6 else ("yellow" if good >= 0.35 else "red")
        out.append(f"{m.label} ", style="dim")
        out.append(f"{value:.0f}", style=f"bold {style}")
        d = changed.get(m.name)
        if d:
            out.append(f" ({d:+.0f})", style="green" if m.is_good(d) else "red")
        out.append("   ")
    out.append(f"stage {session.state.stage}", style="dim")
    return out


def print_scorecard(console: Console, card: Scorecard, outcome: str | None = None) -> None:
    table = Table(title="Scorecard" + (f"  (outcome: {outcome})" if outcome else ""), show_lines=False)
    table.add_column("skill")
    table.add_column("score", justify="right")
    table.add_column("", min_width=20)
    for skill, value in card.scores.items():
        colour = "green" if value >= 70 else ("yellow" if value >= 45 else "red")
        table.add_row(skill, f"[{colour}]{value}[/]", f"[{colour}]" + "█" * (value // 5) + "[/]")
    console.print(table)
    if card.flags:
        console.print("[bold]What to work on[/]")
        for f in card.flags:
            console.print(f"  [red]turn {f.turn}[/] [bold]{f.rule}[/]: \u201c{escape(f.quote)}\u201d")
            console.print(f"      {escape(f.tip)}", style="dim")
            if f.better:
                console.print(f"      Better: {escape(f.better)}", style="dim")
    if card.highlights:
        console.print("[bold]What went well[/]")
        for h in card.highlights:
            where = f"turn {h.turn}" if h.turn else ""
            quote = f": \u201c{escape(h.quote)}\u201d" if h.quote else ""
            console.print(f"  [green]{where}[/] {escape(h.note)}{quote}")
    m = card.metrics
    console.print(f"[dim]You talked {m.get('rep_talk_share', 0):.0%} of the words (aim for about 43%); "
                  f"{m.get('questions', 0)} questions; longest turn {m.get('longest_monologue_words', 0)} words.[/]")


def pick_scenario(read: Callable[[str], str] = input, console: Console | None = None) -> str:
    """Ask which buyer to call; Enter picks the first."""
    from simulator import library

    console = console or Console()
    found = [s for s in library.available() if not s.problems]
    console.print("[bold]Who do you want to call?[/]")
    for i, s in enumerate(found, 1):
        console.print(f"  [bold]{i}[/]. {escape(s.title)}  [dim]{escape(s.summary)}[/]")
    while True:
        try:
            answer = read(f"number [1-{len(found)}, Enter for 1]> ").strip()
        except EOFError:
            answer = ""
        if not answer:
            return found[0].id
        if answer.isdigit() and 1 <= int(answer) <= len(found):
            return found[int(answer) - 1].id
        match = [s.id for s in found if s.id == answer]
        if match:
            return match[0]
        console.print(f"[yellow]Type a number from 1 to {len(found)}.[/]")


def run(session: Session, console: Console | None = None, read: Callable[[str], str] = input,
        err: TextIO | None = None, speaker: Callable[[int], str] | None = None,
        show_card: bool = True) -> Session:
    """Play an interactive call until it ends, the rep types /end, or input runs out.

    ``speaker`` (relay workshops) names who speaks at each rep turn.
    """
    console = console or Console()
    scn = session.scenario
    p = scn.persona
    console.rule(f"[bold]{escape(scn.title)}[/]")
    console.print(f"[bold]{escape(p.name)}[/], {escape(p.role)}, {escape(p.company)}")
    if scn.brief:
        console.print(f"[dim]{escape(scn.brief)}[/]")
    if scn.goal:
        console.print(f"[bold]Your goal:[/] {escape(scn.goal)}")
    console.print(f"[dim]{HELP}[/]\n")
    console.print(Text.assemble((f"{p.name}: ", "bold cyan"), session.turns[0].text))
    console.print(meter_line(session))
    try:
        while not session.ended:
            rep_turn = sum(1 for t in session.turns if t.speaker == "rep") + 1
            who = speaker(rep_turn) if speaker else None
            try:
                line = read(f"{who}> " if who else "you> ").strip()
            except EOFError:
                console.print("\n[dim]End of input: the call is logged as abandoned.[/]")
                session.abandon()
                break
            if not line:
                continue
            if line.startswith("/"):
                if _command(session, line, console, read):
                    break
                continue
            if session.between_calls:
                console.print("[yellow]This call is over. Type /callback to call again later, or /end.[/]")
                continue
            ex = session.say(line, speaker_label=who)
            console.print(Text.assemble(("  heard: ", "dim"), (", ".join(ex.rep.moves) or "no clear move", "dim italic")))
            console.print(Text.assemble((f"{p.name}: ", "bold cyan"), ex.buyer.text))
            console.print(meter_line(session, session.extras[-1].get("deltas")))
            if session.between_calls:
                console.print("[dim]This call is over. Type /callback to call again later, or /end.[/]")
    except KeyboardInterrupt:
        console.print("\n[dim]Interrupted: the call is logged as abandoned.[/]")
        session.abandon()
    if session.status != "in_progress" and show_card:
        console.print()
        print_scorecard(console, session.scorecard(), session.outcome)
    return session


def _command(session: Session, line: str, console: Console, read: Callable[[str], str] = input) -> bool:
    """Handle a /command; True when the call is over."""
    cmd, _, arg = line[1:].partition(" ")
    cmd = cmd.lower()
    if cmd in ("end", "quit", "hangup", "bye"):
        last = session.hang_up()
        if last is not None:
            console.print(Text.assemble((f"{session.scenario.persona.name}: ", "bold cyan"), last.text))
        return True
    if cmd == "callback":
        try:
            days = int(arg) if arg.strip() else None
            turn = session.callback(days)
        except ValueError as exc:
            console.print(f"[yellow]{escape(str(exc))}[/]")
            return False
        console.rule(f"[dim]Call {session.state.call}, {session.state.day} day(s) later[/]")
        console.print(Text.assemble((f"{session.scenario.persona.name}: ", "bold cyan"), turn.text))
        return False
    if cmd == "pause":
        console.rule("[bold]Paused for discussion[/]")
        console.print(meter_line(session))
        try:
            read("Press Enter to go on with the call. ")
        except EOFError:
            pass
        return False
    if cmd == "rewind":
        try:
            session.rewind()
            console.print("[dim]Took back your last turn.[/]")
        except ValueError as exc:
            console.print(f"[yellow]{escape(str(exc))}[/]")
        return False
    console.print(f"[dim]{HELP}[/]")
    return False


# -- workshops in the terminal ----------------------------------------------------
def print_leaderboard(console: Console, results: list, title: str = "Leaderboard") -> None:
    from simulator.workshop import SKILL_ORDER, rank

    ranked = rank(results)
    skills = [s for s in SKILL_ORDER if any(s in r.scores for r in ranked)]
    short = {"concessions": "concess.", "discovery": "discov.", "follow_up": "follow-up", "recovery": "recov."}
    table = Table(title=title)
    table.add_column("#", justify="right")
    table.add_column("rep")
    table.add_column("overall", justify="right", style="bold")
    for s in skills:
        table.add_column(short.get(s, s), justify="right")
    table.add_column("flags", justify="right")
    for i, r in enumerate(ranked, 1):
        table.add_row(str(i), r.name, str(r.scores.get("overall", 0)), *[str(r.scores.get(s, "-")) for s in skills],
                      str(r.serious_flags))
    console.print(table)
    best = []
    for s in skills:
        top = max(r.scores.get(s, -1) for r in ranked)
        names = [r.name for r in ranked if r.scores.get(s, -1) == top]
        if len(names) < len(ranked):
            best.append(f"{s.replace('_', ' ')}: {', '.join(names)} ({top})")
    if best:
        console.print("[dim]Best at each skill: " + "; ".join(best) + "[/]")
    console.print("[dim]Ties are broken by fewer serious flags, then rapport, concessions, handoffs, discovery, "
                  "recovery, follow-up, brevity, then fewer turns.[/]")


def print_swings(console: Console, session: Session, top: int = 3) -> None:
    """The moments to discuss: where the buyer's meters moved most."""
    from simulator.workshop import swings

    moments = swings([t.buyer_state if t.speaker == "buyer" else None for t in session.turns], top)
    if not moments:
        return
    console.print("[bold]Moments to discuss[/] (biggest swings in the buyer's meters)")
    for n, size, deltas in moments:
        said = session.turns[n - 2].text if n >= 2 and session.turns[n - 2].speaker == "rep" else ""
        who = session.extras[n - 2].get("by") if n >= 2 else None
        change = ", ".join(f"{k} {d:+.0f}" for k, d in deltas.items())
        console.print(f"  turn {n - 1}: {escape(who) + ': ' if who else ''}\u201c{escape(said)}\u201d  [dim]({change})[/]")


def run_workshop(progress, make_session: Callable[..., Session], console: Console | None = None,
                 read: Callable[[str], str] = input) -> None:
    """Hot seat or relay in the terminal, resuming where the workshop stopped."""
    from simulator import workshop as ws

    console = console or Console()
    plan = progress.plan
    console.rule(f"[bold]Workshop {escape(plan.id)}[/]: {escape(plan.scenario)}, seed {plan.seed}, {plan.mode}")
    if plan.mode == "relay":
        if progress.finished:
            console.print("[dim]This relay is already finished.[/]")
        else:
            console.print(f"[dim]Relay: the roster takes over every {plan.relay_every} rep turn(s): "
                          f"{escape(', '.join(plan.roster))}.[/]")
            session = make_session("team " + "+".join(plan.roster))
            run(session, console, read, speaker=plan.relay_player)
            if session.status == "in_progress":
                session.abandon()
            speakers = [x.get("by") for x in session.extras]
            people = ws.relay_results(session.turns, speakers, session.scenario.weights)
            team = ws.result_of("Team", session.scorecard(), len(session.turns), session.id, session.outcome)
            for r in people:
                ws.record(progress, r, team)
            print_swings(console, session)
            console.print(f"[bold]Team score:[/] {team.scores.get('overall', 0)}")
    else:
        while not progress.finished:
            name = plan.next_player([d["name"] for d in progress.done])
            console.rule(f"[bold]{escape(name)}[/], you're on")
            try:
                read(f"{name}, press Enter when you're ready. ")
            except EOFError:
                console.print("[dim]Input ended: the workshop is saved; resume it with "
                              f"salesim workshop --resume {plan.id}[/]")
                return
            session = make_session(name)
            run(session, console, read)
            if session.status == "in_progress":
                session.abandon()
            ws.record(progress, ws.result_of(name, session.scorecard(), len(session.turns), session.id, session.outcome))
            print_swings(console, session)
    if progress.finished:
        print_leaderboard(console, progress.results())
