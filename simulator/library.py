"""Finding and loading scenarios: the built-in folder and the user's folder.

Built-in scenarios are plain YAML files in exactly the format users write; a
file in the user folder (``SALESIM_HOME/scenarios``) with the same id wins.

>>> "angry-customer" in [s.id for s in available()]
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from simulator import paths
from simulator.scenario import Scenario
from simulator.validate import Problem, ScenarioError, check_file


@dataclass(frozen=True)
class Listing:
    id: str
    title: str
    summary: str
    path: Path
    builtin: bool
    calls: int = 1
    problems: tuple[str, ...] = ()


def folders() -> list[tuple[Path, bool]]:
    return [(paths.builtin("scenarios"), True), (paths.user_scenarios(), False)]


def _scan(folder: Path, builtin: bool) -> list[Listing]:
    out = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.y*ml")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            data, problems = check_file(path)
            sid = str((data or {}).get("id") or path.stem)
            out.append(Listing(
                id=sid,
                title=str((data or {}).get("title") or sid),
                summary=str((data or {}).get("summary") or ""),
                path=path,
                builtin=builtin,
                calls=int((data or {}).get("calls") or 1) if not problems else 1,
                problems=tuple(str(p) for p in problems),
            ))
    return out


def available() -> list[Listing]:
    """Every scenario found, user files overriding built-ins with the same id."""
    found: dict[str, Listing] = {}
    for folder, builtin in folders():
        for listing in _scan(folder, builtin):
            found[listing.id] = listing
    return sorted(found.values(), key=lambda s: (not s.builtin, s.id))


def load(ref: str) -> Scenario:
    """A scenario by id or by file path; raises ScenarioError with FILE:LINE problems."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return load_path(path.resolve())
    # the user's folder first (a file there with this id wins), then the built-in file named after the id
    mine = [s for s in _scan(paths.user_scenarios(), False) if s.id == ref]
    if mine:
        return load_path(mine[-1].path.resolve())
    candidate = paths.builtin("scenarios") / f"{ref}.yaml"
    if candidate.is_file():
        scn = load_path(candidate.resolve())
        if scn.id == ref:
            return scn
    match = next((s for s in available() if s.id == ref), None)
    if match is None:
        known = ", ".join(s.id for s in available())
        raise ScenarioError([Problem(ref, 0, f"no scenario called {ref!r} (known: {known})")])
    path = match.path
    return load_path(path.resolve())


@lru_cache(maxsize=64)
def _load_cached(path: Path, mtime: float) -> Scenario:
    data, problems = check_file(path)
    if problems or data is None:
        raise ScenarioError(problems)
    return Scenario.from_dict(data, path=path)


def load_path(path: Path) -> Scenario:
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise ScenarioError([Problem(str(path), 0, f"cannot read: {exc.strerror or exc}")]) from None
    return _load_cached(path, mtime)


def resolve_asset(rel: str, folder: Path | None = None) -> Path:
    """An asset path from a scenario, confined to its folder or the built-in assets.

    Raises ValueError for absolute paths, ``..`` and files that do not exist.
    """
    p = Path(rel)
    if p.is_absolute() or rel.startswith(("/", "\\")) or ":" in rel:
        raise ValueError(f"asset path {rel!r} must be relative to the scenario folder or assets/")
    if ".." in p.parts:
        raise ValueError(f"asset path {rel!r} must not climb out of its folder with '..'")
    roots = ([folder] if folder else []) + [paths.builtin("assets")]
    for root in roots:
        candidate = (root / p).resolve()
        if candidate.is_file() and candidate.is_relative_to(root.resolve()):
            return candidate
    raise ValueError(f"asset {rel!r} not found in the scenario folder or assets/")
