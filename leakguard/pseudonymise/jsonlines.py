"""JSON lines rewritten value by value, the rest of each line kept as it was written.

A JSON line with findings is parsed, the values at their dotted paths (``beneficiary.nir``,
``ayants_droit.0.nir``, ``$`` for a line that is a bare string) are replaced, and the line is written again:

* in the original key order (Python dicts keep it);
* with the original separators: compact ``{"a":1,"b":2}`` or spaced ``{"a": 1, "b": 2}``
  (:func:`detect_style` re-serialises the parsed line both ways and keeps the one that reproduces it; when
  neither does, the separators seen in the raw line decide), and ``\\u00e9`` escapes only where the line used
  them (ASCII-only lines with escapes);
* numbers as written: they are parsed as their text (:class:`Number`) and written back untouched, so ``1.50``
  stays ``1.50``; a number that is replaced stays a number when the operator can write one (a ``token``
  or ``hmac`` numeric token or an ``fpe`` NIR for a NIR stored as a JSON number), else becomes a string;
* the line's leading and trailing white space.

Lines without findings are not parsed again: writers copy them byte for byte.

Sources: RFC 8259 (JSON), https://jsonlines.org/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The path of a line whose JSON value is a scalar (as in :mod:`leakguard.sources.lines`).
SCALAR_PATH = "$"
_INTEGER_RE = re.compile(r"-?(?:0|[1-9]\d*)")
_WORDS = {True: "true", False: "false", None: "null"}


class Number(str):
    """A JSON number kept as its text."""


_DECODER = json.JSONDecoder(parse_int=Number, parse_float=Number, parse_constant=Number)


@dataclass(frozen=True)
class Style:
    """How a JSON line separates its items and keys, and whether it escapes non-ASCII characters."""

    item: str = ", "
    key: str = ": "
    ascii: bool = False


def parse(line: str) -> Any:
    """The JSON value of ``line``, numbers as :class:`Number`. Raises ``ValueError`` when not JSON."""
    return _DECODER.decode(line)


def dump(value: Any, style: Style) -> str:
    """``value`` written in ``style``; :class:`Number` leaves as their text."""
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=style.ascii)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + style.item.join(
            json.dumps(str(k), ensure_ascii=style.ascii) + style.key + dump(v, style) for k, v in value.items()
        ) + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + style.item.join(dump(v, style) for v in value) + "]"
    return _WORDS[value]


def detect_style(line: str, value: Any) -> Style:
    """The style that reproduces ``line`` from its parsed ``value``, else the separators seen in it."""
    body = line.strip()
    escaped = body.isascii() and "\\u" in body
    for item, key in ((", ", ": "), (",", ":")):
        style = Style(item, key, escaped)
        if dump(value, style) == body:
            return style
    key = ": " if re.search(r'"\s*: ', body) else ":"
    item = ", " if re.search(r'(?:"|\d|true|false|null|[\]}]), (?:"|[\[{])', body) else ","
    return Style(item, key, escaped)


def replace_leaves(value: Any, changes: dict[str, Any], convert: Callable[[Any, Any, str | None], Any],
                   entities: dict[str, str | None]) -> Any:
    """``value`` with the leaf at each path of ``changes`` replaced by ``convert(old, new, entity)``.

    Paths are built as the JSON lines reader builds them (``a.b``, ``a.0``; ``$`` for a scalar line).
    """
    if not isinstance(value, dict | list):
        if SCALAR_PATH in changes:
            return convert(value, changes[SCALAR_PATH], entities.get(SCALAR_PATH))
        return value
    _walk(value, "", changes, convert, entities)
    return value


def _walk(value: dict | list, prefix: str, changes: dict[str, Any],
          convert: Callable[[Any, Any, str | None], Any], entities: dict[str, str | None]) -> None:
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    for key, item in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, dict | list):
            _walk(item, path, changes, convert, entities)
        elif path in changes:
            value[key] = convert(item, changes[path], entities.get(path))  # type: ignore[index]


def as_json_value(old: Any, new: str | None) -> Any:
    """A replaced text as the JSON value that stands for ``old``: a number stays one if ``new`` is an integer."""
    if new is None:
        return None if isinstance(old, Number) else ""
    if isinstance(old, Number) and _INTEGER_RE.fullmatch(new):
        return Number(new)
    return new


def rewrite_line(line: str, changes: dict[str, Any], convert: Callable[[Any, Any, str | None], Any],
                 entities: dict[str, str | None]) -> str:
    """``line`` with its leaves replaced, in its own style and white space."""
    value = parse(line)
    style = detect_style(line, value)
    value = replace_leaves(value, changes, convert, entities)
    stripped = line.strip()
    start = line.find(stripped) if stripped else 0
    return line[:start] + dump(value, style) + line[start + len(stripped):]
