"""JSON lines rewritten value by value, every byte of the line outside the replaced values kept.

A JSON line with findings is read once more to find where each leaf is written (:func:`leaf_spans`: the
span of its JSON text, by the dotted path the reader gives it: ``beneficiary.nir``, ``ayants_droit.0.nir``,
``$`` for a line that is a bare value), and only the text of the replaced leaves changes:

* a string stays a string, written as ``json.dumps`` writes it, with ``\\u00e9`` escapes where the line used
  them (ASCII-only lines with escapes): key order, separators, white space and the other values are the
  line's own bytes;
* numbers are parsed as their text (:class:`Number`); a number that is replaced stays a number when the
  operator can write one (a ``token`` or ``hmac`` numeric token or an ``fpe`` NIR for a NIR stored as a JSON
  number), else becomes a string.

Lines without findings are not parsed again: writers copy them byte for byte. A line whose leaves cannot
be placed (never met: the reader parsed it with the same decoder) is written again whole in its own style
(:func:`detect_style`, :func:`dump`).

Sources: RFC 8259 (JSON), https://jsonlines.org/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Any

#: The path of a line whose JSON value is a scalar (as in :mod:`leakguard.sources.lines`).
SCALAR_PATH = "$"
_NUMBER_RE = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
_WORDS = {True: "true", False: "false", None: "null"}


class Number(str):
    """A JSON number kept as its text."""


_INTEGRAL_RE = re.compile(r"(-?[0-9]+)(\.0+)?|(-?[0-9])\.([0-9]+)([eE]\+?)([0-9]+)")


def integral(number: str) -> int:
    """The integer a JSON number's text writes: ``185057800608491``, ``185057800608491.0``, or in exponent notation
    ``1.85057800608491E14``; ``ValueError`` for any other (a fraction, or an exponent short of the digits).

    >>> integral("185057800608491.0"), integral("1.8505780060849E+14")
    (185057800608491, 185057800608490)
    """
    match = _INTEGRAL_RE.fullmatch(number)
    if match is None:
        raise ValueError(f"not an integer: {number}")
    if match.group(1) is not None:
        return int(match.group(1))
    head, digits, exponent = match.group(3), match.group(4), int(match.group(6))
    if len(digits) > exponent:
        raise ValueError(f"not an integer: {number}")
    return int(head + digits.ljust(exponent, "0"))


def is_float(number: str) -> bool:
    """Whether a JSON number's text is written as a float (a fraction or an exponent)."""
    return "." in number or "e" in number or "E" in number


def written_like(number: str, value: int) -> str:
    """``value`` written as the JSON number ``number`` is: with its zero fraction (``….0``), or in its exponent
    notation (mantissa without trailing zeros, the exponent's marker kept), else as an integer.

    >>> written_like("185057800608491.0", 283072107300455), written_like("1.85057800608491E+14", 283072107300450)
    ('283072107300455.0', '2.8307210730045E+14')
    """
    match = _INTEGRAL_RE.fullmatch(number)
    if match is None or (match.group(1) is not None and match.group(2) is None):
        return str(value)
    if match.group(2) is not None:
        return f"{value}{match.group(2)}"
    digits = str(abs(value))
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:].rstrip('0') or '0'}{match.group(5)}{len(digits) - 1}"


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
    """A replaced text as the JSON value that stands for ``old``: a number stays one if ``new`` is a number
    (an integer token, an ``fpe`` NIR, one written ``185057800608491.0``)."""
    if new is None:
        return None if isinstance(old, Number) else ""
    if isinstance(old, Number) and _NUMBER_RE.fullmatch(new):
        return Number(new)
    return new


def rewrite_line(line: str, changes: dict[str, Any], convert: Callable[[Any, Any, str | None], Any],
                 entities: dict[str, str | None]) -> str:
    """``line`` with its leaves at the paths of ``changes`` replaced; every other byte kept."""
    try:
        spans = leaf_spans(line)
    except (ValueError, IndexError, RecursionError):
        spans = {}
    if not all(path in spans for path in changes):
        return _dump_line(line, changes, convert, entities)
    escaped = line.isascii() and "\\u" in line
    pieces: list[str] = []
    at = 0
    for start, end, path in sorted((*spans[path], path) for path in changes):
        old = _DECODER.decode(line[start:end])
        pieces += (line[at:start], dump(convert(old, changes[path], entities.get(path)), Style(ascii=escaped)))
        at = end
    pieces.append(line[at:])
    return "".join(pieces)


def _dump_line(line: str, changes: dict[str, Any], convert: Callable[[Any, Any, str | None], Any],
               entities: dict[str, str | None]) -> str:
    """``line`` parsed, its leaves replaced, and written again whole in its own style and white space."""
    value = parse(line)
    style = detect_style(line, value)
    value = replace_leaves(value, changes, convert, entities)
    stripped = line.strip()
    start = line.find(stripped) if stripped else 0
    return line[:start] + dump(value, style) + line[start + len(stripped):]


_SPACE = re.compile(r"[ \t\n\r]*")


def leaf_spans(line: str) -> dict[str, tuple[int, int]]:
    """Where each leaf of a JSON line is written: path (as the JSON lines reader names it) -> (start, end)."""
    spans: dict[str, tuple[int, int]] = {}
    start = _SPACE.match(line).end()  # type: ignore[union-attr]
    if line[start] in "{[":
        _container(line, start, "", spans)
    else:
        _, end = _DECODER.raw_decode(line, start)
        spans[SCALAR_PATH] = (start, end)
    return spans


def _container(line: str, index: int, prefix: str, spans: dict[str, tuple[int, int]]) -> int:
    """Record the leaves of the object or array at ``line[index]``; return the index after it."""
    closing = "}" if line[index] == "{" else "]"
    index = _SPACE.match(line, index + 1).end()  # type: ignore[union-attr]
    position = 0
    while line[index] != closing:
        if closing == "}":
            key, index = scanstring(line, index + 1)
            index = _SPACE.match(line, index).end()  # type: ignore[union-attr]
            if line[index] != ":":
                raise ValueError("a key without its colon")
            index = _SPACE.match(line, index + 1).end()  # type: ignore[union-attr]
        else:
            key, position = str(position), position + 1
        path = f"{prefix}{key}"
        if line[index] in "{[":
            index = _container(line, index, path + ".", spans)
        else:
            _, end = _DECODER.raw_decode(line, index)
            spans[path] = (index, end)
            index = end
        index = _SPACE.match(line, index).end()  # type: ignore[union-attr]
        if line[index] == ",":
            index = _SPACE.match(line, index + 1).end()  # type: ignore[union-attr]
        elif line[index] != closing:
            raise ValueError("a value without a comma or a closing bracket after it")
    return index + 1
