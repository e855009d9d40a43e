"""Where things live: built-in data beside the package, user data under SALESIM_HOME.

Built-in scenarios, assets and the move corpus sit next to the package in a source
checkout and inside it in an installed wheel; both layouts are looked up here.

>>> builtin("scenarios").name
'scenarios'
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PACKAGE = Path(__file__).resolve().parent


def builtin(name: str) -> Path:
    """The built-in folder ``name`` (scenarios, assets, corpus)."""
    for base in (_PACKAGE / "_data", _PACKAGE.parent):
        if (base / name).is_dir():
            return base / name
    return _PACKAGE.parent / name


def home() -> Path:
    """The user data directory (SALESIM_HOME overrides the platform default)."""
    env = os.environ.get("SALESIM_HOME")
    path = Path(env).expanduser() if env else Path(platformdirs.user_data_dir("salesim", appauthor=False))
    return path


def ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    return home() / "cache"


def user_scenarios() -> Path:
    return home() / "scenarios"


def database_url(explicit: str | None = None) -> str:
    """``--db`` beats SALESIM_DB beats an SQLite file in the user data directory."""
    if explicit:
        return explicit
    env = os.environ.get("SALESIM_DB")
    if env:
        return env
    return f"sqlite:///{home() / 'salesim.db'}"


def safe_name(text: str, limit: int = 60) -> str:
    """A file-name-safe version of a rep name or scenario id.

    >>> safe_name("../Ana María/..")
    'Ana-Mar-a'
    """
    out = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in text)
    out = "-".join(p for p in out.split("-") if p)
    return out[:limit] or "unnamed"
