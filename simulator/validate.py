"""Checking scenario files: every problem as ``FILE:LINE: message``.

Scenario files are untrusted data: they are read with a safe loader, refused
above a size limit, refused when they use anchors/aliases or nest too deeply,
then checked against :data:`SCHEMA` (JSON Schema, also exported for editors by
``salesim scenarios schema``) and for meaning: known moves, meters, stages,
questions and endings, and stages and endings that can be reached.

>>> problems = check_text("id: x\\ntitle: X\\nstages: [a]\\nmeters: {trust: {start: 5}}\\n"
...     "opening: [Hi]\\nreactions: [{lines: [Ok], when: {moves: [hello]}}]\\n"
...     "endings: [{id: e, when: {rep_ended: true}, line: Bye}]\\n", "x.yaml")
>>> [str(p) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
["x.yaml:6: unknown rep move 'hello'",
 'x.yaml:1: no ending with when: {timeout: true}; add one for calls that run out of time']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import yaml

from simulator.conditions import CONDITION_KEYS, parse_comparison
from simulator.moves import BUYER_MOVES, REP_MOVES

MAX_BYTES = 512 * 1024
MAX_DEPTH = 24

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"}
_CMP = {"type": ["string", "number"]}
_MOVES = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_EFFECTS = {"type": "object", "additionalProperties": {"type": "number"}}
_LINES = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
_WHEN = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "moves": _MOVES, "all_moves": _MOVES, "not_moves": _MOVES,
        "no_moves": {"type": "boolean"},
        "stage": _MOVES, "pending": _MOVES, "answered": _MOVES, "dodged": _MOVES,
        "commitment": _MOVES, "difficulty": _MOVES,
        "meters": {"type": "object", "additionalProperties": _CMP},
        "counts": {"type": "object", "additionalProperties": _CMP},
        "call": _CMP, "turn": _CMP, "turn_in_call": _CMP, "clock": _CMP, "words": _CMP, "dodges": _CMP,
        "long_turn": {"type": "boolean"}, "escalation_requested": {"type": "boolean"},
        "referenced": {"type": "boolean"}, "rep_ended": {"type": "boolean"},
        "timeout": {"type": "boolean"},
    },
}

#: The scenario format as JSON Schema (draft 2020-12).
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "salesim scenario",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "stages", "meters", "opening", "reactions", "endings"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "source": {"type": "string"},
        "brief": {"type": "string"},
        "goal": {"type": "string"},
        "today": {"enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]},
        "persona": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"}, "role": {"type": "string"},
                "company": {"type": "string"}, "portrait": {"type": "string"},
                "voice": {
                    "type": "object", "additionalProperties": False,
                    "properties": {"voice": {"type": "string"}, "rate": {"type": "number"},
                                   "volume": {"type": "number"}, "pitch": {"type": "number"}},
                },
            },
        },
        "meters": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "start": {"type": "number"}, "min": {"type": "number"}, "max": {"type": "number"},
                    "good": {"enum": ["high", "low"]}, "label": {"type": "string"},
                },
            },
        },
        "stages": {
            "type": "array", "minItems": 1,
            "items": {"oneOf": [_NAME, {
                "type": "object", "additionalProperties": False, "required": ["id"],
                "properties": {"id": _NAME, "effects": {"type": "object", "additionalProperties": _EFFECTS}},
            }]},
        },
        "clock": {
            "type": "object", "additionalProperties": False,
            "properties": {"budget": {"type": "number", "exclusiveMinimum": 0},
                           "words_per_minute": {"type": "number", "exclusiveMinimum": 0},
                           "monologue_words": {"type": "integer", "minimum": 1}},
        },
        "max_turns": {"type": "integer", "minimum": 1, "maximum": 500},
        "calls": {"type": "integer", "minimum": 1, "maximum": 10},
        "callback": {
            "type": "object", "additionalProperties": False,
            "properties": {"after_days": {"type": "integer", "minimum": 0},
                           "opening": _LINES, "stage": {"type": "string"}, "meters": _EFFECTS},
        },
        "opening": _LINES,
        "opening_moves": {"type": "array", "items": {"type": "string"}},
        "effects": {"type": "object", "additionalProperties": _EFFECTS},
        "questions": {
            "type": "object",
            "additionalProperties": {
                "type": "object", "additionalProperties": False,
                "properties": {"answered_by": {"type": "array", "items": {"type": "string"}},
                               "dodged_by": {"type": "array", "items": {"type": "string"}},
                               "on_answer": _EFFECTS, "on_dodge": _EFFECTS},
            },
        },
        "transitions": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": False, "required": ["to"],
                      "properties": {"from": {"type": "string"}, "to": {"type": "string"}, "when": _WHEN}},
        },
        "reactions": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object", "additionalProperties": False, "required": ["lines"],
                "properties": {"when": _WHEN, "lines": _LINES,
                               "buyer_moves": {"type": "array", "items": {"type": "string"}},
                               "effects": _EFFECTS, "goto": {"type": "string"},
                               "asks": {"type": "string"}, "end": {"type": "string"}},
            },
        },
        "endings": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object", "additionalProperties": False, "required": ["id", "line"],
                "properties": {"id": _NAME, "when": _WHEN, "line": {"type": "string", "minLength": 1},
                               "result": {"enum": ["won", "lost", "neutral"]},
                               "buyer_moves": {"type": "array", "items": {"type": "string"}}},
            },
        },
        "difficulty": {
            "type": "object", "additionalProperties": False,
            "patternProperties": {"^(easy|normal|hard)$": {
                "type": "object", "additionalProperties": False,
                "properties": {"start": _EFFECTS, "good_scale": {"type": "number", "minimum": 0},
                               "bad_scale": {"type": "number", "minimum": 0}},
            }},
        },
        "weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
        "examples": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ScenarioError(Exception):
    """A scenario file could not be used; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def check_file(path: Path) -> tuple[dict | None, list[Problem]]:
    """Read and check one file: the data (when readable) and its problems."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(name, 1, f"file is {size} bytes; the limit is {MAX_BYTES}")]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(name, 1, "not UTF-8 text")]
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read: {exc.strerror or exc}")]
    return _check(text, name, path.parent)


def check_text(text: str, name: str = "<scenario>", folder: Path | None = None) -> list[Problem]:
    return _check(text, name, folder)[1]


def _check(text: str, name: str, folder: Path | None) -> tuple[dict | None, list[Problem]]:
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        return None, [Problem(name, 1, f"file is larger than {MAX_BYTES} bytes")]
    try:
        root = _compose(text)
        data = yaml.safe_load(text) if root is not None else None
    except _Refused as exc:
        return None, [Problem(name, exc.line, exc.message)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(name, line, f"YAML syntax: {what}")]
    if root is None:
        return None, [Problem(name, 1, "the file is empty")]
    lines = _line_map(root)
    if not isinstance(data, dict):
        return None, [Problem(name, 1, "a scenario file is a mapping of keys (id:, title:, ...)")]
    problems = [Problem(name, line, msg) for line, msg in _schema_problems(data, lines)]
    if not problems:
        problems = [Problem(name, line, msg) for line, msg in _meaning_problems(data, lines, folder)]
    return data, problems


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


def _compose(text: str) -> yaml.Node | None:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(line, "anchors and aliases (& and *) are not allowed in scenario files")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _line_map(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Path of keys/indexes -> 1-based line, for every node of the document."""
    out = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = _line_map(value, path + (key.value,))
            sub[path + (key.value,)] = key.start_mark.line + 1
            out.update(sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out.update(_line_map(item, path + (i,)))
    return out


def _line(lines: dict[tuple, int], path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(tuple(path), 1)


def _schema_problems(data: dict, lines: dict[tuple, int]) -> Iterator[tuple[int, str]]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for err in sorted(validator.iter_errors(data), key=lambda e: _line(lines, tuple(e.absolute_path))):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = _allowed_keys(err.schema)
            for key in err.instance:
                if key not in allowed and not _pattern_ok(err.schema, key):
                    yield _line(lines, path + (key,)), _unknown("key", key, allowed, path)
            continue
        where = "/".join(str(p) for p in path) or "top level"
        if err.validator == "required":
            yield _line(lines, path), f"{where}: {err.message}"
        elif err.validator == "type":
            yield _line(lines, path), f"{where}: expected {_type_name(err.validator_value)}, got {type(err.instance).__name__} {err.instance!r:.40}"
        elif err.validator == "oneOf":
            yield _line(lines, path), f"{where}: {err.instance!r:.40} is not a name or a list of names"
        else:
            yield _line(lines, path), f"{where}: {err.message}"


def _allowed_keys(schema: dict) -> list[str]:
    return sorted(schema.get("properties", {}))


def _pattern_ok(schema: dict, key: str) -> bool:
    import re

    return any(re.match(p, key) for p in schema.get("patternProperties", {}))


def _type_name(t: Any) -> str:
    names = {"string": "text", "number": "a number", "integer": "a whole number", "object": "a mapping",
             "array": "a list", "boolean": "true or false"}
    if isinstance(t, list):
        return " or ".join(names.get(x, x) for x in t)
    return names.get(t, t)


def _unknown(kind: str, name: Any, known: list[str] | tuple[str, ...], path: tuple = ()) -> str:
    where = f" in {'/'.join(str(p) for p in path)}" if path else ""
    guess = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {guess[0]!r}?" if guess else ""
    return f"unknown {kind} {name!r}{where}{hint}"


def _stage_ids(data: dict) -> list[str]:
    return [s if isinstance(s, str) else s["id"] for s in data["stages"]]


def _meaning_problems(data: dict, lines: dict[tuple, int], folder: Path | None) -> Iterator[tuple[int, str]]:
    stages = _stage_ids(data)
    meters = list(data["meters"])
    questions = list(data.get("questions") or {})
    endings = [e["id"] for e in data["endings"]]

    def rep_moves(values: Any, path: tuple) -> Iterator[tuple[int, str]]:
        for i, m in enumerate([values] if isinstance(values, str) else values):
            if m not in REP_MOVES:
                yield _line(lines, path + (i,)), _unknown("rep move", m, REP_MOVES)

    def names(values: Any, known: list[str], kind: str, path: tuple) -> Iterator[tuple[int, str]]:
        for v in [values] if isinstance(values, str) else values:
            if v not in known:
                yield _line(lines, path), _unknown(kind, v, known)

    def effects(eff: dict, path: tuple) -> Iterator[tuple[int, str]]:
        for meter in eff:
            if meter not in meters:
                yield _line(lines, path + (meter,)), _unknown("meter", meter, meters)

    def when(w: dict | None, path: tuple) -> Iterator[tuple[int, str]]:
        for key, value in (w or {}).items():
            p = path + ("when", key)
            if key in ("moves", "all_moves", "not_moves"):
                yield from rep_moves(value, p)
            elif key == "stage":
                yield from names(value, stages, "stage", p)
            elif key == "pending":
                yield from names(value, questions + ["none"], "question", p)
            elif key in ("answered", "dodged"):
                yield from names(value, questions, "question", p)
            elif key == "commitment":
                yield from names(value, ["none", "kept", "early", "late"], "commitment state", p)
            elif key == "difficulty":
                yield from names(value, ["easy", "normal", "hard"], "difficulty", p)
            elif key == "meters":
                for meter, spec in value.items():
                    if meter not in meters:
                        yield _line(lines, p + (meter,)), _unknown("meter", meter, meters)
                    yield from _comparison(spec, lines, p + (meter,))
            elif key == "counts":
                for move, spec in value.items():
                    if move not in REP_MOVES:
                        yield _line(lines, p + (move,)), _unknown("rep move", move, REP_MOVES)
                    yield from _comparison(spec, lines, p + (move,))
            elif key in ("call", "turn", "turn_in_call", "clock", "words", "dodges"):
                yield from _comparison(value, lines, p)

    if len(set(stages)) != len(stages):
        yield _line(lines, ("stages",)), "a stage id is listed twice"
    for i, st in enumerate(data["stages"]):
        if isinstance(st, dict):
            for move, eff in (st.get("effects") or {}).items():
                if move not in REP_MOVES:
                    yield _line(lines, ("stages", i, "effects", move)), _unknown("rep move", move, REP_MOVES)
                yield from effects(eff, ("stages", i, "effects", move))
    for name, spec in data["meters"].items():
        lo, hi = spec.get("min", 0), spec.get("max", 100)
        if lo >= hi:
            yield _line(lines, ("meters", name)), f"meter {name!r}: min must be below max"
        elif not lo <= spec.get("start", 50) <= hi:
            yield _line(lines, ("meters", name, "start")), f"meter {name!r}: start is outside {lo}..{hi}"
    for move, eff in (data.get("effects") or {}).items():
        if move != "every_turn" and move not in REP_MOVES:
            yield _line(lines, ("effects", move)), _unknown("rep move", move, REP_MOVES + ("every_turn",))
        yield from effects(eff, ("effects", move))
    for i, m in enumerate(data.get("opening_moves") or ()):
        if m not in BUYER_MOVES:
            yield _line(lines, ("opening_moves", i)), _unknown("buyer move", m, BUYER_MOVES)
    for qid, q in (data.get("questions") or {}).items():
        for key in ("answered_by", "dodged_by"):
            yield from rep_moves(q.get(key) or [], ("questions", qid, key))
        for key in ("on_answer", "on_dodge"):
            yield from effects(q.get(key) or {}, ("questions", qid, key))
    for i, t in enumerate(data.get("transitions") or ()):
        if "from" in t:
            yield from names(t["from"], stages, "stage", ("transitions", i, "from"))
        yield from names(t["to"], stages, "stage", ("transitions", i, "to"))
        yield from when(t.get("when"), ("transitions", i))
    seen_catch_all = None
    for i, r in enumerate(data["reactions"]):
        path = ("reactions", i)
        if seen_catch_all is not None:
            yield _line(lines, path), f"reaction never used: the reaction at line {seen_catch_all} has no conditions and always matches first"
        yield from when(r.get("when"), path)
        for j, m in enumerate(r.get("buyer_moves") or ()):
            if m not in BUYER_MOVES:
                yield _line(lines, path + ("buyer_moves", j)), _unknown("buyer move", m, BUYER_MOVES)
        yield from effects(r.get("effects") or {}, path + ("effects",))
        if "goto" in r:
            yield from names(r["goto"], stages, "stage", path + ("goto",))
        if "asks" in r:
            yield from names(r["asks"], questions, "question", path + ("asks",))
        if "end" in r:
            yield from names(r["end"], endings, "ending", path + ("end",))
        if not r.get("when") and seen_catch_all is None:
            seen_catch_all = _line(lines, path)
    if len(set(endings)) != len(endings):
        yield _line(lines, ("endings",)), "an ending id is used twice"
    for i, e in enumerate(data["endings"]):
        yield from when(e.get("when"), ("endings", i))
        for j, m in enumerate(e.get("buyer_moves") or ()):
            if m not in BUYER_MOVES:
                yield _line(lines, ("endings", i, "buyer_moves", j)), _unknown("buyer move", m, BUYER_MOVES)
    callback = data.get("callback") or {}
    if "stage" in callback:
        yield from names(callback["stage"], stages, "stage", ("callback", "stage"))
    yield from effects(callback.get("meters") or {}, ("callback", "meters"))
    if data.get("calls", 1) > 1 and not callback:
        yield _line(lines, ("calls",)), "a scenario with several calls needs a callback: section"
    for level, spec in (data.get("difficulty") or {}).items():
        yield from effects(spec.get("start") or {}, ("difficulty", level, "start"))
    for move in data.get("examples") or {}:
        if move not in REP_MOVES:
            yield _line(lines, ("examples", move)), _unknown("rep move", move, REP_MOVES)
    portrait = (data.get("persona") or {}).get("portrait")
    if portrait:
        yield from _asset_problem(portrait, folder, _line(lines, ("persona", "portrait")))
    yield from _reachability(data, lines, stages)
    if not any((e.get("when") or {}).get("timeout") for e in data["endings"]):
        yield 1, "no ending with when: {timeout: true}; add one for calls that run out of time"
    if not any((e.get("when") or {}).get("rep_ended") for e in data["endings"]):
        yield 1, "no ending with when: {rep_ended: true}; add one for when the rep hangs up"


def _comparison(spec: Any, lines: dict, path: tuple) -> Iterator[tuple[int, str]]:
    try:
        parse_comparison(spec)
    except ValueError as exc:
        yield _line(lines, path), str(exc)


def _asset_problem(rel: str, folder: Path | None, line: int) -> Iterator[tuple[int, str]]:
    from simulator.library import resolve_asset

    try:
        resolve_asset(rel, folder)
    except ValueError as exc:
        yield line, str(exc)


def _reachability(data: dict, lines: dict, stages: list[str]) -> Iterator[tuple[int, str]]:
    edges: dict[str | None, set[str]] = {}
    for t in data.get("transitions") or ():
        edges.setdefault(t.get("from"), set()).add(t["to"])
    anywhere: set[str] = set(edges.get(None, set()))
    for r in data["reactions"]:
        if "goto" in r:
            src = (r.get("when") or {}).get("stage")
            for s in ([src] if isinstance(src, str) else src or [None]):
                edges.setdefault(s, set()).add(r["goto"])
    if data.get("callback", {}).get("stage"):
        anywhere.add(data["callback"]["stage"])
    anywhere |= edges.get(None, set())
    reached, todo = {stages[0]} | anywhere, [stages[0], *anywhere]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    for i, st in enumerate(data["stages"]):
        sid = st if isinstance(st, str) else st["id"]
        if sid not in reached:
            yield _line(lines, ("stages", i)), f"stage {sid!r} can never be reached: no transition or goto leads to it"
    for i, e in enumerate(data["endings"]):
        want = (e.get("when") or {}).get("stage")
        if want and not set([want] if isinstance(want, str) else want) & reached:
            yield _line(lines, ("endings", i)), f"ending {e['id']!r} can never be reached: its stage is never reached"
