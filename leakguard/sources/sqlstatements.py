"""What is inside the statements of a SQL dump: names, column definitions, and the values of INSERT rows.

* :func:`unquote_name` — ``s2."Weird Name"`` and ```db`.`t``` as plain dotted names;
* :func:`parse_create_table` — the columns of a ``CREATE TABLE`` and their declared types (PostgreSQL and
  MySQL syntax; constraints and indexes skipped);
* :class:`RowLexer` — the values of one ``( ... )`` row of an ``INSERT``: strings (PostgreSQL ``'...'`` and
  ``E'...'``, whose backslash escapes hold whatever ``standard_conforming_strings`` says, MySQL ``'...'`` and
  ``"..."`` with backslash escapes, introducers such as ``_binary``), numbers, ``NULL``, booleans,
  ``DEFAULT``, hex and bit literals, PostgreSQL casts (``'1985-05-12'::date``); any other expression is read
  as its SQL text. Each value gets a kind (:func:`literal_kind`) and, for writers, the span
  of its literal in the row's text (:class:`ValueSpan`), so that a value can be replaced in place.

The regular expressions match a whole value and the ``,`` or ``)`` after it, so a match is never a value cut
short at the end of the text read so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from leakguard.sources.sqltext import mysql_string_decode, pg_string_decode

Dialect = Literal["postgres", "mysql"]

IDENT = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|[A-Za-z_\u0080-\U0010ffff][\w$\u0080-\U0010ffff]*)'
NAME = rf"{IDENT}(?:\s*\.\s*{IDENT})*"
COLUMNS = rf"\(\s*{IDENT}(?:\s*,\s*{IDENT})*\s*\)"
_CREATE = re.compile(
    rf"CREATE\s+(?:(?:GLOBAL|LOCAL|TEMPORARY|TEMP|UNLOGGED|OR\s+REPLACE)\s+)*TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?P<name>{NAME})\s*\(", re.IGNORECASE)
_IDENT_PART = re.compile(IDENT)

_PG_STRING = r"'[^']*(?:''[^']*)*'"
_ESCAPED_STRING = r"'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'"
#: PostgreSQL's ``E'...'`` (its ``E`` right before, not ending a word) takes backslash escapes whatever
#: ``standard_conforming_strings`` says; other strings only ``''``.
_E_BEFORE = r"(?<![\w$])[Ee]"
_PG_STRINGS = rf"(?<={_E_BEFORE}){_ESCAPED_STRING}|(?<!{_E_BEFORE}){_PG_STRING}"
_MYSQL_DQ_STRING = r'"[^"\\]*(?:(?:\\.|"")[^"\\]*)*"'
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_WORDS = r"(?i:NULL|TRUE|FALSE|DEFAULT)(?![\w$])"
_CAST = r"(?:::[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*(?:\[\])*)?"
SPACE = "[ \t\r\n]*"


def _value_regex(string: str, mysql: bool) -> re.Pattern[str]:
    strings = f"{string}|{_MYSQL_DQ_STRING}" if mysql else string
    return re.compile(
        rf"{SPACE}(?P<pre>_[A-Za-z0-9]+[ \t]*|[EeNnXxBb](?='))?"
        rf"(?P<lit>{strings}|0[xX][0-9A-Fa-f]+|{_NUMBER}|{_WORDS})"
        rf"(?P<cast>{_CAST}){SPACE}(?P<end>[,)])",
        re.DOTALL,
    )


_VALUES = {
    ("postgres", False): _value_regex(_PG_STRINGS, False),
    ("postgres", True): _value_regex(_ESCAPED_STRING, False),
    ("mysql", True): _value_regex(_ESCAPED_STRING, True),
}
_OPEN_ROW = re.compile(rf"{SPACE},?{SPACE}\(")
#: The rest of a quoted string or identifier, after its opening quote, by (quote, backslash escapes).
CLOSE = {
    ("'", False): re.compile(r"[^']*(?:''[^']*)*'"),
    ("'", True): re.compile(r"[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.DOTALL),
    ('"', False): re.compile(r'[^"]*(?:""[^"]*)*"'),
    ('"', True): re.compile(r'[^"\\]*(?:(?:\\.|"")[^"\\]*)*"', re.DOTALL),
    ("`", False): re.compile(r"[^`]*(?:``[^`]*)*`"),
}


_E_QUOTE = re.compile(rf"{_E_BEFORE}'")


def _e_string(text: str, quote: int) -> bool:
    """Whether the quote at ``quote`` opens a PostgreSQL ``E'...'`` string (backslash escapes)."""
    return quote > 0 and _E_QUOTE.match(text, quote - 1) is not None


def unquote_name(name: str) -> str:
    """``s2."Weird Name"`` -> ``s2.Weird Name``; ```db`.`t``` -> ``db.t``."""
    parts = []
    for match in _IDENT_PART.finditer(name):
        part = match.group(0)
        if part[0] == '"':
            part = part[1:-1].replace('""', '"')
        elif part[0] == "`":
            part = part[1:-1].replace("``", "`")
        parts.append(part)
    return ".".join(parts)


def column_names(columns: str | None) -> list[str] | None:
    if columns is None:
        return None
    return [unquote_name(m.group(0)) for m in _IDENT_PART.finditer(columns[1:-1])]


# --- CREATE TABLE -------------------------------------------------------------------------------------------

_NOT_A_COLUMN = {"constraint", "primary", "unique", "key", "index", "foreign", "check", "fulltext", "spatial",
                 "exclude", "like", "period"}
_TYPE_END = re.compile(
    r"\s(?:NOT|NULL|DEFAULT|PRIMARY|COLLATE|GENERATED|CONSTRAINT|REFERENCES|CHECK|UNIQUE|AUTO_INCREMENT|COMMENT|"
    r"CHARACTER\s+SET|CHARSET|ON\s+UPDATE|STORAGE|COMPRESSION|INVISIBLE|VISIBLE|SRID)\b", re.IGNORECASE)

#: What makes a column refuse NULL, after its type.
_REQUIRED = re.compile(r"\s(?:NOT\s+NULL|PRIMARY\s+KEY)\b", re.IGNORECASE)


def _split_top_level(text: str) -> list[str]:
    """``text`` split at commas outside parentheses and quotes."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "'\"`":
            close = CLOSE[(char, _e_string(text, i))].match(text, i + 1)
            i = len(text) if close is None else close.end() - 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def parse_create_table(statement: str) -> tuple[str, list[str], list[str], list[bool]] | None:
    """``(table name, column names, declared types, whether each allows no NULL)`` of a ``CREATE TABLE``
    statement, else None.

    >>> parse_create_table("CREATE TABLE t (id integer NOT NULL, nir bigint, nom character varying(40) "
    ...                    "PRIMARY KEY)")
    ('t', ['id', 'nir', 'nom'], ['integer', 'bigint', 'character varying(40)'], [True, False, True])
    """
    match = _CREATE.match(statement)
    if match is None:
        return None
    body_end = statement.rfind(")")
    if body_end < match.end():
        return None
    names, types, required = [], [], []
    for definition in _split_top_level(statement[match.end() : body_end]):
        definition = definition.strip()
        head = _IDENT_PART.match(definition)
        if head is None:
            continue
        if head.group(0)[0] not in "\"`" and head.group(0).lower() in _NOT_A_COLUMN:
            continue
        rest = " " + definition[head.end() :].strip()
        cut = _TYPE_END.search(rest)
        names.append(unquote_name(head.group(0)))
        types.append(" ".join((rest[: cut.start()] if cut else rest).split()).lower())
        required.append(cut is not None and _REQUIRED.search(rest, cut.start()) is not None)
    return unquote_name(match.group("name")), names, types, required


# --- literals -----------------------------------------------------------------------------------------------


def literal_kind(prefix: str | None, literal: str, dialect: Dialect, escapes: bool) -> str:
    """One letter for a value literal: ``s`` string, ``e`` string with backslash escapes, ``n`` number, ``N``
    NULL, ``d`` DEFAULT, ``b`` boolean, ``h`` hex bytes, ``B`` bits."""
    first = literal[0]
    marker = (prefix or "").strip().lower()
    if first in "'\"":
        if marker == "x":
            return "h"
        if marker == "b":
            return "B"
        if marker == "e" or escapes or first == '"':
            return "e"
        return "s"
    if first == "0" and literal[1:2] in ("x", "X"):
        return "h"
    upper = literal.upper()
    if upper == "NULL":
        return "N"
    if upper == "DEFAULT":
        return "d"
    if upper in ("TRUE", "FALSE"):
        return "b"
    return "n"


def literal_value(kind: str, literal: str, dialect: Dialect) -> str | None:
    """The value a literal of ``kind`` stands for (text; ``None`` for NULL, DEFAULT, bits, non-UTF-8 bytes)."""
    if kind == "s":
        return pg_string_decode(literal[1:-1]) if dialect == "postgres" else mysql_string_decode(literal[1:-1])
    if kind == "e":
        if dialect == "mysql":
            return mysql_string_decode(literal[1:-1])
        return pg_string_decode(literal[1:-1], escapes=True)
    if kind == "n":
        return literal
    if kind == "b":
        return literal.lower()
    if kind == "h":
        digits = literal[2:] if literal[0] == "0" else literal[1:-1]
        try:
            return bytes.fromhex(digits).decode("utf-8")
        except ValueError:
            return None
    return None


@dataclass
class ValueSpan:
    """Where one value of an INSERT row is: its kind and the span of its literal in the row's text."""

    kind: str
    start: int
    end: int


class RowLexer:
    """Reads the values of one ``( ... )`` row of an INSERT statement."""

    def __init__(self, dialect: Dialect, escapes: bool):
        self.dialect = dialect
        self.escapes = escapes or dialect == "mysql"
        self.regex = _VALUES[(dialect, self.escapes)]

    def row(self, text: str, pos: int, final: bool = True) -> tuple[list[str | None], str, int] | None:
        """Values of the row whose ``(`` is at or after ``pos`` (blanks and a comma first), their kinds (one
        letter each, :func:`literal_kind`; ``x`` for an expression), and the offset after its ``)``; ``None``
        when ``text`` may end before the row does (``final``: ``text`` is all there is). Raises ValueError on
        bad syntax."""
        return self._row(text, pos, final, None)

    def literals(self, raw: str) -> list[ValueSpan]:
        """Where each value of a row's raw text is (the text of one row, as :class:`Rows` gives it)."""
        spans: list[ValueSpan] = []
        if self._row(raw, 0, True, spans) is None:
            raise ValueError("not a whole row")
        return spans

    def _row(self, text: str, pos: int, final: bool,
             spans: list[ValueSpan] | None) -> tuple[list[str | None], str, int] | None:
        opening = _OPEN_ROW.match(text, pos)
        if opening is None:
            if text[pos : pos + 4096].strip(" \t\r\n,") == "" and not final:
                return None
            raise ValueError("expected '(' to open a row")
        pos = opening.end()
        values: list[str | None] = []
        kinds: list[str] = []
        match, dialect, escapes, n = self.regex.match, self.dialect, self.escapes, len(text)
        plain = dialect == "postgres" and not escapes
        while True:
            found = match(text, pos)
            if found is not None:
                stop = found.end()
                if stop == n and not final:
                    return None
                prefix, literal, end = found.group("pre", "lit", "end")
                first = literal[0]
                if prefix is None and first == "'" and plain:  # the common cases first, without calls
                    kind, body = "s", literal[1:-1]
                    value: str | None = body.replace("''", "'") if "''" in body else body
                elif prefix is None and (first in "123456789-+." or (first == "0" and literal[1:2] not in ("x", "X"))):
                    kind, value = "n", literal
                else:
                    kind = literal_kind(prefix, literal, dialect, escapes)
                    value = literal_value(kind, literal, dialect)
                if spans is not None:
                    spans.append(ValueSpan(kind, found.start("lit"), found.end("lit")))
                pos = stop
            else:
                expression = self._expression(text, pos)
                if expression is None:
                    return None
                start, stop, pos, end = expression
                kind, value = "x", text[start:stop]
                if spans is not None:
                    spans.append(ValueSpan(kind, start, stop))
            values.append(value)
            kinds.append(kind)
            if end == ")":
                return values, "".join(kinds), pos

    def _expression(self, text: str, pos: int) -> tuple[int, int, int, str] | None:
        """An SQL expression up to a ``,`` or ``)`` outside parentheses: (start, stop, after, terminator)."""
        depth, i, n = 0, pos, len(text)
        while i < n:
            char = text[i]
            if char in "'\"`":
                close = CLOSE.get((char, (self.escapes and char != "`") or _e_string(text, i)))
                match = close.match(text, i + 1) if close else None
                if match is None or match.end() >= n:
                    return None
                i = match.end()
                continue
            if char in "([":
                depth += 1
            elif char in ",)" and depth == 0:
                stripped = text[pos:i].strip(" \t\r\n")
                if not stripped:
                    raise ValueError("empty value")
                start = pos + (len(text[pos:i]) - len(text[pos:i].lstrip(" \t\r\n")))
                return start, start + len(stripped), i + 1, char
            elif char in ")]":
                depth -= 1
            elif char == ";" and depth == 0:
                raise ValueError("statement ends inside a row")
            i += 1
        return None
