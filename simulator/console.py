"""The text console: a practice call in the terminal, and the printed scorecard.

A thin shell over :class:`simulator.session.Session`: it reads lines, prints the
buyer's answers and meters, and never decides anything about the call itself.
"""

from __future__ import annotations

from typing import Callable, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from simulator.scoring import Scorecard
from simulator.session import Session

HELP = "Type what you would say. Commands: /end hang up, /callback call back later, /rewind take back a turn, /help."


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
            console.print(f"  [red]turn {f.turn}[/] [bold]{f.rule}[/]: \u201c{f.quote}\u201d")
            console.print(f"      {f.tip}", style="dim")
            if f.better:
                console.print(f"      Better: {f.better}", style="dim")
    if card.highlights:
        console.print("[bold]What went well[/]")
        for h in card.highlights:
            where = f"turn {h.turn}" if h.turn else ""
            quote = f": \u201c{h.quote}\u201d" if h.quote else ""
            console.print(f"  [green]{where}[/] {h.note}{quote}")
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
        console.print(f"  [bold]{i}[/]. {s.title}  [dim]{s.summary}[/]")
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
        err: TextIO | None = None) -> Session:
    """Play an interactive call until it ends, the rep types /end, or input runs out."""
    console = console or Console()
    scn = session.scenario
    p = scn.persona
    console.rule(f"[bold]{scn.title}[/]")
    console.print(f"[bold]{p.name}[/], {p.role}, {p.company}")
    if scn.brief:
        console.print(f"[dim]{scn.brief}[/]")
    if scn.goal:
        console.print(f"[bold]Your goal:[/] {scn.goal}")
    console.print(f"[dim]{HELP}[/]\n")
    console.print(Text.assemble((f"{p.name}: ", "bold cyan"), session.turns[0].text))
    console.print(meter_line(session))
    try:
        while not session.ended:
            try:
                line = read("you> ").strip()
            except EOFError:
                console.print("\n[dim]End of input: the call is logged as abandoned.[/]")
                session.abandon()
                break
            if not line:
                continue
            if line.startswith("/"):
                if _command(session, line, console):
                    break
                continue
            if session.between_calls:
                console.print("[yellow]This call is over. Type /callback to call again later, or /end.[/]")
                continue
            ex = session.say(line)
            console.print(Text.assemble(("  heard: ", "dim"), (", ".join(ex.rep.moves) or "no clear move", "dim italic")))
            console.print(Text.assemble((f"{p.name}: ", "bold cyan"), ex.buyer.text))
            console.print(meter_line(session, session.extras[-1].get("deltas")))
            if session.between_calls:
                console.print("[dim]This call is over. Type /callback to call again later, or /end.[/]")
    except KeyboardInterrupt:
        console.print("\n[dim]Interrupted: the call is logged as abandoned.[/]")
        session.abandon()
    if session.status != "in_progress":
        console.print()
        print_scorecard(console, session.scorecard(), session.outcome)
    return session


def _command(session: Session, line: str, console: Console) -> bool:
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
            console.print(f"[yellow]{exc}[/]")
            return False
        console.rule(f"[dim]Call {session.state.call}, {session.state.day} day(s) later[/]")
        console.print(Text.assemble((f"{session.scenario.persona.name}: ", "bold cyan"), turn.text))
        return False
    if cmd == "rewind":
        try:
            session.rewind()
            console.print("[dim]Took back your last turn.[/]")
        except ValueError as exc:
            console.print(f"[yellow]{exc}[/]")
        return False
    console.print(f"[dim]{HELP}[/]")
    return False
