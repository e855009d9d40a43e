"""The score-log commands: ``review``, ``report``, ``export``, ``import`` (registered in :mod:`simulator.cli`).

A shell: parse options, call :mod:`simulator.review`, :mod:`simulator.report` and
:mod:`simulator.storage`, print. User-caused problems are one line and exit 1.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import click


def _user_error(message: str) -> click.ClickException:
    from simulator.cli import UserError

    return UserError(message)


def _open(db: str | None):  # noqa: ANN202
    """The score log for reading (or importing); a one-line error when it cannot be opened."""
    from simulator import paths
    from simulator.storage import Database, display_url, reason

    target = paths.database_url(db)
    try:
        if target.startswith("sqlite:///") and not target.startswith("sqlite:///file:"):
            paths.ensure(Path(target[len("sqlite:///"):]).expanduser().parent)
        return Database(target)
    except Exception as exc:  # noqa: BLE001 - any driver error is about the user's database
        raise _user_error(f"cannot open the score log {display_url(target)}: {reason(exc)}") from None


def safe_store(url: str | None):  # noqa: ANN201
    """The fault-tolerant store ``salesim play`` writes a call through (see storage.SafeStore)."""
    from simulator import paths, storage

    return storage.open_store(paths.database_url(url), notify=lambda m: click.echo(f"salesim: {m}", err=True),
                              dump=lambda line: click.echo(line, err=True))


def filter_options(fn: Callable) -> Callable:
    """The filters shared by review, report and export."""
    for opt in reversed((
        click.option("--rep", multiple=True, help="Only this rep (repeat for several; case-insensitive)."),
        click.option("--scenario", multiple=True, help="Only this scenario id (repeatable)."),
        click.option("--since", default=None, help="From this day on: YYYY-MM-DD, YYYY-MM, today, 7d, 2w."),
        click.option("--until", default=None, help="Up to and including this day."),
        click.option("--workshop", default=None, help="Only the calls of this workshop id."),
        click.option("--db", default=None, help="Score log database URL (default: SALESIM_DB or a local SQLite file)."),
    )):
        fn = opt(fn)
    return fn


def _filters(rep: tuple, scenario: tuple, since: str | None, until: str | None, workshop: str | None):  # noqa: ANN202
    from simulator.review import Filters

    try:
        return Filters.parse(rep, scenario, since, until, workshop)
    except ValueError as exc:
        raise _user_error(str(exc)) from None


def _reading(what: str, fn: Callable[[], Any]) -> Any:
    import sqlalchemy as sa

    from simulator.storage import reason

    try:
        return fn()
    except sa.exc.SQLAlchemyError as exc:
        raise _user_error(f"cannot read the score log ({what}): {reason(exc)}") from None


def _note_unsaved() -> None:
    from simulator.storage import pending_files

    waiting = pending_files()
    if waiting:
        folder = waiting[0].parent
        click.echo(f"salesim: {len(waiting)} call(s) saved while the score log was unavailable are waiting in "
                   f"{folder}: add them with `salesim import {folder}`", err=True)


def _atomic_text(path: str, write: Callable[[Any], Any]) -> Any:
    """Write a text file through a temporary file so a failure never leaves half a file."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent.resolve()))
    except OSError as exc:
        raise _user_error(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            result = write(fh)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
        return result
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _user_error(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode() -> int:
    """Permissions of a new file under the user's umask (temporary files start as 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@click.command("review")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the review as JSON.")
@click.option("--csv", "csv_file", default=None, metavar="FILE", help="Also write one row per call to FILE ('-': stdout).")
@click.option("--last", default=5, show_default=True, type=click.IntRange(1, 100), help="Calls in a rep's trend.")
@click.option("--worst", default=10, show_default=True, type=click.IntRange(0, 1000), help="Worst moments listed.")
def review_cmd(rep, scenario, since, until, workshop, db, as_json, csv_file, last, worst):  # noqa: ANN001
    """The manager's view of the score logs: reps, scenarios, flags, worst moments."""
    from rich.console import Console

    from simulator import review as rv

    filters = _filters(rep, scenario, since, until, workshop)
    database = _open(db)
    if csv_file:
        if csv_file == "-":
            _reading("calls", lambda: rv.write_csv(database, filters, sys.stdout))
            return
        n = _atomic_text(csv_file, lambda fh: _reading("calls", lambda: rv.write_csv(database, filters, fh)))
        click.echo(f"Wrote {n} call(s) to {csv_file}", err=True)
    data = _reading("review", lambda: rv.review(database, filters, last=last, worst=worst))
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        rv.print_review(Console(), data)
    _note_unsaved()


@click.command("report")
@click.option("--html", "html_file", required=True, metavar="FILE", help="Write the report to FILE.")
@filter_options
@click.option("--title", default=None, help="The report's title.")
@click.option("--last", default=5, show_default=True, type=click.IntRange(1, 100), help="Calls in a rep's trend.")
def report_cmd(html_file, rep, scenario, since, until, workshop, db, title, last):  # noqa: ANN001
    """A self-contained HTML report with charts (nothing is fetched from the network)."""
    filters = _filters(rep, scenario, since, until, workshop)
    database = _open(db)
    data = _atomic_text(html_file, lambda fh: _reading("report", lambda: _render_into(
        fh, database, filters, title, last)))
    t = data["totals"]
    click.echo(f"Wrote {html_file}: {t['sessions']} call(s), {t['reps']} rep(s)", err=True)
    _note_unsaved()


def _render_into(fh: Any, database: Any, filters: Any, title: str | None, last: int) -> dict:
    from simulator import report
    from simulator.review import review

    data = review(database, filters, last=last, detail=True)
    fh.write(report.render(data, title or "Sales practice report"))
    return data


@click.command("export")
@click.argument("file")
@filter_options
def export_cmd(file, rep, scenario, since, until, workshop, db):  # noqa: ANN001
    """Write the score log (or the filtered calls) to FILE as JSON Lines, one call per line ('-': stdout)."""
    filters = _filters(rep, scenario, since, until, workshop)
    database = _open(db)

    def write(fh: Any) -> int:
        n = 0
        for rec in database.export_records(filters.where()):
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
        return n

    if file == "-":
        _reading("export", lambda: write(sys.stdout))
        return
    n = _atomic_text(file, lambda fh: _reading("export", lambda: write(fh)))
    click.echo(f"Exported {n} call(s) to {file}", err=True)


@click.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option("--db", default=None, help="Score log database URL (default: SALESIM_DB or a local SQLite file).")
def import_cmd(files, db):  # noqa: ANN001
    """Add calls from JSON Lines FILEs (exports or saved-call files; a folder means its *.jsonl).

    Idempotent: a call already in the log is skipped, unless the file has more of it
    (a call that was interrupted in the log but finished in the file).
    """
    from simulator import storage

    paths: list[Path] = []
    for f in files:
        p = Path(f)
        if f != "-" and p.is_dir():
            paths += sorted(x for x in p.glob("*.jsonl") if x.is_file())
        else:
            paths.append(p)
    database = _open(db)
    total = storage.ImportResult()
    problems: list[str] = []
    for path in paths:
        bad_before = len(problems)
        try:
            result = _import_file(database, path, problems)
        except OSError as exc:
            problems.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        total.merge(result)
        if len(problems) == bad_before and str(path) != "-":
            storage.mark_imported(path)
    for p in problems:
        click.echo(p, err=True)
    click.echo(f"Imported {total.added} new call(s), updated {total.updated}, skipped {total.skipped} already "
               f"in the log" + (f"; {len(problems)} problem(s)" if problems else ""), err=True)
    if problems:
        sys.exit(1)


def _import_file(database: Any, path: Path, problems: list[str]) -> Any:
    import sqlalchemy as sa

    from simulator import storage

    result = storage.ImportResult()
    batch: list[dict] = []
    events: list[tuple[int, dict]] = []

    def flush() -> None:
        if batch:
            try:
                result.merge(database.import_records(batch))
            except sa.exc.SQLAlchemyError as exc:
                problems.append(f"{path}: cannot write to the score log: {storage.reason(exc)}")
            batch.clear()

    lines = storage.parse_jsonl(sys.stdin.buffer) if str(path) == "-" else storage.read_jsonl(path)
    for lineno, obj in lines:
        if isinstance(obj, ValueError):
            problems.append(f"{path}:{lineno}: {obj}")
            continue
        if isinstance(obj, dict) and "event" in obj:
            events.append((lineno, obj))
            continue
        try:
            batch.append(storage.check_record(obj))
        except ValueError as exc:
            problems.append(f"{path}:{lineno}: {exc}")
            continue
        if len(batch) >= 500:
            flush()
    if events:
        first_line = {}
        for lineno, ev in events:
            sid = ev.get("session_id") or (ev.get("session") or {}).get("id")
            first_line.setdefault(sid, lineno)
        try:
            recs = storage.records_from_events(ev for _, ev in events)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{path}:{events[0][0]}: not a saved-call file ({exc})")
            recs = []
        for rec in recs:
            try:
                batch.append(storage.check_record(rec))
            except ValueError as exc:
                problems.append(f"{path}:{first_line.get(rec.get('id'), 1)}: {exc}")
    flush()
    return result


COMMANDS = (review_cmd, report_cmd, export_cmd, import_cmd)
