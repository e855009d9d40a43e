"""Run every benchmark in bench/ and print one table.

Each ``bench/*.py`` module with a ``run(smoke: bool) -> list[dict]`` function is a
benchmark; its rows are ``{"bench", "metric", "value", "unit"}`` (and optionally
``"target"``). ``--smoke`` runs each one small and fast (CI does this to keep the
benchmarks working); without it they run at full size.

    python bench/run.py [--smoke] [--only NAME ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (f"{platform.system()} {platform.release()} ({platform.machine()}), {os.cpu_count()} CPUs"
            f"{f', {cpu}' if cpu and cpu != platform.machine() else ''}; "
            f"Python {platform.python_version()} ({platform.python_implementation()})")


def benchmarks(only: list[str] | None = None) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    return [p for p in found if not only or p.stem in only]


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small, fast runs (CI)")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only bench/NAME.py (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)

    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 140)
    console.print(f"[bold]salesim benchmarks[/] ({'smoke' if args.smoke else 'full size'}) on {machine()}",
                  highlight=False)
    rows: list[dict] = []
    failed = 0
    for path in benchmarks(args.only):
        try:
            module = load(path)
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            failed += 1
            rows.append({"bench": path.stem, "metric": "import failed", "value": "error", "unit": ""})
            console.print(traceback.format_exc(), style="red", highlight=False)
            continue
        run = getattr(module, "run", None)
        if not callable(run):
            continue
        t0 = time.perf_counter()
        with console.status(f"running bench/{path.name}"):
            try:
                got = list(run(smoke=args.smoke))
            except Exception:  # noqa: BLE001
                failed += 1
                rows.append({"bench": path.stem, "metric": "run failed", "value": "error", "unit": ""})
                console.print(traceback.format_exc(), style="red", highlight=False)
                continue
        for row in got:
            missing = {"bench", "metric", "value", "unit"} - set(row)
            if missing:
                failed += 1
                row = {"bench": path.stem, "metric": f"bad row (missing {', '.join(sorted(missing))})",
                       "value": "error", "unit": ""}
            rows.append(row)
        console.print(f"[dim]bench/{path.name}: {time.perf_counter() - t0:.1f} s[/]", highlight=False)

    table = Table(header_style="bold")
    for col, justify in (("bench", "left"), ("metric", "left"), ("value", "right"), ("unit", "left"),
                         ("target", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        value = r["value"]
        shown = f"{value:,}" if isinstance(value, int) else (f"{value:,.3f}".rstrip("0").rstrip(".")
                                                            if isinstance(value, float) else str(value))
        table.add_row(str(r["bench"]), str(r["metric"]), f"[red]{shown}[/]" if value == "error" else shown,
                      str(r["unit"]), str(r.get("target", "")))
    console.print(table)
    console.print(f"[dim]machine: {machine()}[/]", highlight=False)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "smoke": args.smoke, "rows": rows}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
