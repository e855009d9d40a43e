"""The window's remembered choices, in ``SALESIM_HOME/settings.json``.

The rep's name is the top-level ``"rep"`` key (shared with the other front
ends); the window's own choices live in the ``"window"`` section. Other parts
of salesim keep their own sections in the same file (``"voice"``): this module
only changes the keys it is given and writes the file atomically.

>>> import json, tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "settings.json"
>>> save({"rep": "Ana", "mode": "assessment"}, f)
True
>>> load(f)["rep"], load(f)["mode"], sorted(json.loads(f.read_text()))
('Ana', 'assessment', ['rep', 'window'])
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from simulator import paths

DEFAULTS: dict[str, Any] = {"rep": "", "mode": "practice", "difficulty": "normal", "text_scale": 1.0, "scenario": ""}
TOP_LEVEL = ("rep",)


def path() -> Path:
    return paths.home() / "settings.json"


def load(file: Path | None = None) -> dict[str, Any]:
    """The settings with defaults filled in; a missing or broken file gives the defaults."""
    file = file or path()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    section = data.get("window") if isinstance(data.get("window"), dict) else {}
    out = {**DEFAULTS, **{k: v for k, v in section.items() if k in DEFAULTS},
           **{k: data[k] for k in TOP_LEVEL if k in data}}
    if out["mode"] not in ("practice", "assessment"):
        out["mode"] = "practice"
    if out["difficulty"] not in ("easy", "normal", "hard"):
        out["difficulty"] = "normal"
    try:
        out["text_scale"] = float(out["text_scale"])
    except (TypeError, ValueError):
        out["text_scale"] = 1.0
    out["rep"] = str(out["rep"] or "")[:80]
    return out


def save(changes: dict[str, Any], file: Path | None = None) -> bool:
    """Merge ``changes`` into the file; False (and nothing raised) when it cannot be written."""
    file = file or path()
    try:
        current = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
        if not isinstance(current, dict):
            current = {}
    except (OSError, ValueError):
        current = {}
    section = current.get("window") if isinstance(current.get("window"), dict) else {}
    for key, value in changes.items():
        if key in TOP_LEVEL:
            current[key] = value
        else:
            section[key] = value
    if section:
        current["window"] = section
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(current, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, file)
        return True
    except OSError:
        return False
