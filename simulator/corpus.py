"""The labelled move corpus: reviewable TSV files, one utterance per line.

Each line is ``text<TAB>move,move`` (``-`` for no move); ``#`` starts a comment.
Rep lines live in ``corpus/rep/*.tsv`` (one file per move, plus mixed and
spoken-style files), buyer lines in ``corpus/buyer/*.tsv``.

>>> parse_line("Sorry about that\\tapology")
('Sorry about that', ('apology',))
>>> parse_line("okay\\t-")
('okay', ())
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from simulator import paths
from simulator.moves import BUYER_MOVES, REP_MOVES


@dataclass(frozen=True)
class Example:
    text: str
    moves: tuple[str, ...]
    file: str
    line: int


def parse_line(raw: str) -> tuple[str, tuple[str, ...]] | None:
    raw = raw.rstrip("\n")
    if not raw.strip() or raw.lstrip().startswith("#"):
        return None
    text, _, labels = raw.partition("\t")
    labels = labels.strip()
    moves = () if labels in ("", "-") else tuple(m.strip() for m in labels.split(",") if m.strip())
    return text.strip(), moves


def read(side: str = "rep", folder: Path | None = None) -> list[Example]:
    """All examples of one side ("rep" or "buyer"), in file order."""
    root = (folder or paths.builtin("corpus")) / side
    out: list[Example] = []
    for path in sorted(root.glob("*.tsv")):
        with path.open(encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                parsed = parse_line(raw)
                if parsed and parsed[0]:
                    out.append(Example(parsed[0], parsed[1], path.name, n))
    return out


def problems(side: str = "rep", folder: Path | None = None) -> list[str]:
    """``FILE:LINE: message`` for unknown moves, missing tabs and duplicates."""
    known = set(REP_MOVES if side == "rep" else BUYER_MOVES)
    root = (folder or paths.builtin("corpus")) / side
    seen: dict[str, str] = {}
    out = []
    for path in sorted(root.glob("*.tsv")):
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            where = f"{path}:{n}"
            if raw.count("\t") != 1:
                out.append(f"{where}: expected text<TAB>moves")
                continue
            text, moves = parse_line(raw)  # type: ignore[misc]
            for m in moves:
                if m not in known:
                    out.append(f"{where}: unknown {side} move {m!r}")
            key = " ".join(text.lower().split())
            if key in seen:
                out.append(f"{where}: duplicate of {seen[key]}")
            seen[key] = where
    return out


def fingerprint(side: str = "rep", folder: Path | None = None) -> str:
    """A hash of the corpus files, so a cached model is rebuilt when they change."""
    h = hashlib.sha256()
    root = (folder or paths.builtin("corpus")) / side
    for path in sorted(root.glob("*.tsv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
