"""The statements of a plain SQL dump, read as a stream: its data rows, and everything else as written.

:class:`DumpParser` reads the text of a ``pg_dump`` plain dump or a ``mysqldump``/MariaDB dump block by block
and yields, in file order, :class:`Verbatim` text and :class:`Rows` of one table. Joining every event's text
(``Verbatim.text`` and each row of ``Rows.raw``) gives back the input exactly, which is what lets
``leakguard pseudonymise`` rewrite a dump byte for byte outside the values it replaces.

What is read as data:

* ``COPY name (columns) FROM stdin;`` followed by rows in the text format, up to the line ``\\.``;
  a row's raw text is its line with its newline;
* ``INSERT [IGNORE] INTO name [(columns)] [OVERRIDING ... VALUE] VALUES (...), (...)...;`` and ``REPLACE INTO``;
  a row's raw text runs from the end of the row before it (or from ``VALUES``) to its closing parenthesis.
  Values are literals (strings, numbers, ``NULL``, booleans, hex and bit literals, with MySQL introducers such
  as ``_binary`` or PostgreSQL casts such as ``::date``); any other expression is read as its SQL text.

Column names come from the statement, or else from the ``CREATE TABLE`` seen before it, whose declared
types are kept too (:attr:`DumpTable.types`). Statements end at a ``;`` outside quotes, identifiers,
comments and dollar-quoted bodies (``$$ ... $$``, ``$tag$ ... $tag$``); ``psql`` meta-commands (``\\connect``,
``\\restrict``) end at the end of their line.

String rules follow the dump's dialect: MySQL when the dump says it comes from ``mysqldump``/MariaDB or quotes
names with backquotes (backslash escapes in strings), else PostgreSQL (``''`` only, backslash escapes in
``E'...'`` strings and after ``SET standard_conforming_strings = off``).

A dump that ends inside a statement, a string or a COPY block raises :class:`SourceError` (``truncated
dump``), after every complete row before it has been given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, TextIO

from leakguard.sources.base import Problem, SourceError
from leakguard.sources.sqltext import copy_decode, mysql_string_decode, pg_string_decode

Dialect = Literal["postgres", "mysql"]

#: Characters read from the stream at a time.
BLOCK_CHARS = 1 << 20
#: Rows per :class:`Rows` event at most.
GROUP_ROWS = 4096
#: A statement, a row or a value longer than this is not waited for: the dump is not one this reader knows.
MAX_STATEMENT_CHARS = 256 << 20

_IDENT = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|[A-Za-z_\u0080-\U0010ffff][\w$\u0080-\U0010ffff]*)'
_NAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_COLUMNS = rf"\(\s*{_IDENT}(?:\s*,\s*{_IDENT})*\s*\)"
_COPY = re.compile(rf"COPY\s+(?P<name>{_NAME})\s*(?P<columns>{_COLUMNS})?\s*FROM\s+stdin\b(?P<options>[^;]*);",
                   re.IGNORECASE)
_INSERT = re.compile(
    rf"(?:INSERT|REPLACE)(?:\s+(?:IGNORE|LOW_PRIORITY|DELAYED|HIGH_PRIORITY))?\s+INTO\s+(?P<name>{_NAME})\s*"
    rf"(?P<columns>{_COLUMNS})?\s*(?:OVERRIDING\s+(?:SYSTEM|USER)\s+VALUE\s+)?VALUES\s*(?=\()",
    re.IGNORECASE,
)
_CREATE = re.compile(
    rf"CREATE\s+(?:(?:GLOBAL|LOCAL|TEMPORARY|TEMP|UNLOGGED|OR\s+REPLACE)\s+)*TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?P<name>{_NAME})\s*\(", re.IGNORECASE)
_SCS = re.compile(r"SET\s+standard_conforming_strings\s*(?:=|TO)\s*'?(on|off|true|false)'?", re.IGNORECASE)
_KEYWORD = re.compile(r"[A-Za-z]+")
_LINE_END = re.compile(r"[ \t]*\r?\n?")
_IDENT_PART = re.compile(_IDENT)

_PG_STRING = r"'[^']*(?:''[^']*)*'"
_ESCAPED_STRING = r"'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'"
_MYSQL_DQ_STRING = r'"[^"\\]*(?:(?:\\.|"")[^"\\]*)*"'
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_WORDS = r"(?i:NULL|TRUE|FALSE|DEFAULT)(?![\w$])"
_CAST = r"(?:::[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*(?:\[\])*)?"
_SPACE = "[ \t\r\n]*"


def _value_regex(string: str, mysql: bool) -> re.Pattern[str]:
    strings = f"{string}|{_MYSQL_DQ_STRING}" if mysql else string
    return re.compile(
        rf"{_SPACE}(?P<pre>_[A-Za-z0-9]+[ \t]*|[EeNnXxBb](?='))?"
        rf"(?P<lit>{strings}|0[xX][0-9A-Fa-f]+|{_NUMBER}|{_WORDS})"
        rf"(?P<cast>{_CAST}){_SPACE}(?P<end>[,)])",
        re.DOTALL,
    )


_VALUES = {
    ("postgres", False): _value_regex(_PG_STRING, False),
    ("postgres", True): _value_regex(_ESCAPED_STRING, False),
    ("mysql", True): _value_regex(_ESCAPED_STRING, True),
}
_OPEN_ROW = re.compile(rf"{_SPACE},?{_SPACE}\(")
_AFTER_ROW = re.compile(rf"{_SPACE}([,;]?)")

# What may end or hide a statement's end, per dialect.
_SPECIAL = {
    "postgres": re.compile(r"(?<![\w$])[Ee]'|['\";]|\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$|--|/\*"),
    "mysql": re.compile(r"['\"`;#]|--(?=[ \t\r\n])|/\*"),
}
_CLOSE = {
    ("'", False): re.compile(r"[^']*(?:''[^']*)*'"),
    ("'", True): re.compile(r"[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.DOTALL),
    ('"', False): re.compile(r'[^"]*(?:""[^"]*)*"'),
    ('"', True): re.compile(r'[^"\\]*(?:(?:\\.|"")[^"\\]*)*"', re.DOTALL),
    ("`", False): re.compile(r"[^`]*(?:``[^`]*)*`"),
}


@dataclass
class DumpTable:
    """One table whose data a dump holds: its name, columns, declared types and how its rows are written."""

    #: as written, unquoted, parts joined by dots: ``public.beneficiaires``, ``beneficiaires``
    name: str
    columns: list[str]
    #: per column, the declared type as written (lower case), or ``""`` when no ``CREATE TABLE`` said
    types: list[str]
    style: Literal["copy", "insert"]
    dialect: Dialect
    #: string literals take backslash escapes (MySQL; PostgreSQL with standard_conforming_strings off)
    escapes: bool = False


@dataclass
class Verbatim:
    """Text of the dump that holds no row: statements, comments, COPY headers and end markers."""

    text: str


@dataclass
class End:
    """The last event: whether a dump whose first line names its tool (``-- PostgreSQL database dump``,
    ``-- MySQL dump``) ends with that tool's closing comment, as a dump written to its end does."""

    complete: bool


#: Opening and closing comments of the dump tools.
_TOOL_MARKS = (("-- PostgreSQL database dump", "-- PostgreSQL database dump complete"),
               ("-- MySQL dump", "-- Dump completed"), ("-- MariaDB dump", "-- Dump completed"))


@dataclass
class Rows:
    """Consecutive rows of one table, each as written (``raw``) and as values (``values[i][j]``, column j)."""

    table: DumpTable
    raw: list[str]
    values: list[list[str | None]]
    #: INSERT rows: one letter per value (see :func:`literal_kind`); None for COPY rows
    kinds: list[str] | None = None
    problems: list[Problem] = field(default_factory=list)


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


def _column_names(columns: str | None) -> list[str] | None:
    if columns is None:
        return None
    return [unquote_name(m.group(0)) for m in _IDENT_PART.finditer(columns[1:-1])]


# --- CREATE TABLE -------------------------------------------------------------------------------------------

_NOT_A_COLUMN = {"constraint", "primary", "unique", "key", "index", "foreign", "check", "fulltext", "spatial",
                 "exclude", "like", "period"}
_TYPE_END = re.compile(
    r"\s(?:NOT|NULL|DEFAULT|PRIMARY|COLLATE|GENERATED|CONSTRAINT|REFERENCES|CHECK|UNIQUE|AUTO_INCREMENT|COMMENT|"
    r"CHARACTER\s+SET|CHARSET|ON\s+UPDATE|STORAGE|COMPRESSION|INVISIBLE|VISIBLE|SRID)\b", re.IGNORECASE)


def _split_top_level(text: str) -> list[str]:
    """``text`` split at commas outside parentheses and quotes."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "'\"`":
            close = text.find(char, i + 1)
            while close > 0 and text[close + 1 : close + 2] == char:
                close = text.find(char, close + 2)
            i = len(text) if close < 0 else close
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


def parse_create_table(statement: str) -> tuple[str, list[str], list[str]] | None:
    """``(table name, column names, declared types)`` of a ``CREATE TABLE`` statement, else None."""
    match = _CREATE.match(statement)
    if match is None:
        return None
    body_end = statement.rfind(")")
    if body_end < match.end():
        return None
    names, types = [], []
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
    return unquote_name(match.group("name")), names, types


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
                close = _CLOSE.get((char, self.escapes and char != "`"))
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


# --- the parser ---------------------------------------------------------------------------------------------


class DumpParser:
    """Events of one dump text stream (see the module docstring); ``display`` names the dump in messages."""

    def __init__(self, stream: TextIO, display: str, *, group_rows: int = GROUP_ROWS):
        self.stream = stream
        self.display = display
        self.dialect: Dialect = "postgres"
        self.escapes = False
        self.group_rows = group_rows
        #: a window on the dump: ``self.text[:self.given]`` was given out, the rest is read but not given yet
        self.text = ""
        self.given = 0
        self.eof = False
        #: lines before ``self.text`` (for messages)
        self.lines_before = 0
        #: the closing comment the dump must end with, from its first line
        self.closing: str | None = None
        self._tail = ""
        #: ``CREATE TABLE`` seen so far: name -> (columns, declared types)
        self.tables: dict[str, tuple[list[str], list[str]]] = {}
        self._data: dict[tuple[object, ...], DumpTable] = {}

    # -- the text window -----------------------------------------------------------------------------------

    def _more(self) -> bool:
        if self.eof:
            return False
        block = self.stream.read(BLOCK_CHARS)
        if not block:
            self.eof = True
            return False
        self.text += block
        return True

    def _compact(self, pos: int) -> int:
        """Forget the text given out once there is much of it; ``pos`` in the shortened window."""
        if self.given < BLOCK_CHARS:
            return pos
        shift = self.given
        self.lines_before += self.text.count("\n", 0, shift)
        self.text = self.text[shift:]
        self.given = 0
        return pos - shift

    def _give(self, end: int) -> Iterator[Verbatim]:
        """The text from what was given out to ``end``, verbatim."""
        if end > self.given:
            yield Verbatim(self.text[self.given : end])
            self.given = end

    def _line(self, pos: int) -> int:
        return self.lines_before + self.text.count("\n", 0, pos) + 1

    def _truncated(self, pos: int, what: str) -> SourceError:
        return SourceError(self.display, f"truncated dump: it ends inside {what} (line {self._line(pos)})",
                           "the file is incomplete")

    def _need(self, pos: int, what: str) -> None:
        """Read more text for what starts at ``pos``; raise at the end of the dump or past the size limit."""
        if len(self.text) - pos > MAX_STATEMENT_CHARS:
            raise SourceError(self.display, f"line {self._line(pos)}: {what} is longer than "
                              f"{MAX_STATEMENT_CHARS >> 20} MiB", "not a plain SQL dump this reader knows")
        if not self._more():
            raise self._truncated(pos, what)

    # -- events --------------------------------------------------------------------------------------------

    def events(self) -> Iterator[Verbatim | Rows | End]:
        """Every part of the dump in order: verbatim text and rows, then :class:`End`."""
        for event in self._events():
            if isinstance(event, Verbatim):
                self._tail = (self._tail + event.text[-4096:])[-4096:]
            yield event
        yield End(self.closing is None or self.closing in self._tail)

    def _events(self) -> Iterator[Verbatim | Rows]:
        self._more()
        self._sniff_dialect()
        pos = 0
        while True:
            pos = self._skip_trivia(self._compact(pos))
            if pos >= len(self.text):
                break
            head = self._head(pos)
            end = None
            if head == "COPY":
                end = self._statement_end(pos, "a COPY statement")
                match = _COPY.match(self.text, pos, end)
                if match is not None:
                    while "\n" not in self.text[end : end + 64] and len(self.text) - end < 64 and self._more():
                        pass
                    end += len(_LINE_END.match(self.text, end).group(0))
                    line = self._line(pos)
                    yield from self._give(end)
                    pos = yield from self._copy_rows(match, line, end)
                    continue
            elif head in ("INSERT", "REPLACE"):
                match = self._insert_header(pos)
                if match is not None:
                    yield from self._give(match.end())
                    pos = yield from self._insert_rows(match, match.end())
                    continue
            if end is None:
                end = self._statement_end(pos, "a statement")
            if head == "CREATE":
                table = parse_create_table(self.text[pos:end])
                if table is not None:
                    self.tables[table[0]] = (table[1], table[2])
            elif head == "SET" and self.dialect == "postgres":
                scs = _SCS.match(self.text, pos, end)
                if scs is not None:
                    self.escapes = scs.group(1).lower() in ("off", "false")
            pos = end
            if pos - self.given > BLOCK_CHARS:
                yield from self._give(pos)
        yield from self._give(len(self.text))

    def _sniff_dialect(self) -> None:
        while len(self.text) < 65536 and self._more():
            pass
        head = self.text[:65536]
        first = head.lstrip("\ufeff").split("\n", 5)[:5]  # pg_dump starts with "--", then its name
        self.closing = next((closing for opening, closing in _TOOL_MARKS for line in first if line.startswith(opening)),
                            None)
        if any(line.startswith("-- PostgreSQL") for line in first):
            return
        if re.search(r"^-- (?:MySQL|MariaDB) dump|^/\*!\d{5}|^(?:(?:INSERT|REPLACE)(?:\s+IGNORE)?\s+INTO|"
                     r"CREATE\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?|LOCK\s+TABLES)\s+`", head, re.MULTILINE):
            self.dialect = "mysql"
            self.escapes = True

    def _head(self, pos: int) -> str:
        while len(self.text) - pos < 16 and self._more():
            pass
        match = _KEYWORD.match(self.text, pos)
        return match.group(0).upper() if match else ""

    def _skip_trivia(self, pos: int) -> int:
        """Skip blanks, comments and psql meta-commands from ``pos``; the end of the text at the dump's end."""
        while True:
            if pos + 1 >= len(self.text) and self._more():
                continue
            if pos >= len(self.text):
                return pos
            text = self.text
            char = text[pos]
            if char in " \t\r\n":
                pos += 1
                continue
            two = text[pos : pos + 2]
            line_start = pos == 0 or text[pos - 1] == "\n"
            if two == "--" or (char == "#" and self.dialect == "mysql") or (char == "\\" and line_start):
                end = text.find("\n", pos)
                if end < 0:
                    if self._more():
                        continue
                    return len(text)
                pos = end + 1
            elif two == "/*":
                end = text.find("*/", pos + 2)
                if end < 0:
                    self._need(pos, "a comment")
                    continue
                pos = end + 2
            else:
                return pos

    def _statement_end(self, start: int, what: str) -> int:
        """Offset after the ``;`` ending the statement at ``start`` (the end of the text at the dump's end)."""
        resume = start
        while True:
            end, resume = self._find_end(resume)
            if end is not None:
                return end
            if len(self.text) - start > MAX_STATEMENT_CHARS or not self._more():
                if self._inside(resume):
                    self._need(start, what)  # raises: truncated, or too long
                return len(self.text)

    def _find_end(self, pos: int) -> tuple[int | None, int]:
        """``(offset after the statement's ';', _)``, or ``(None, where to resume)``: the start of a quote or
        comment the text stops inside, or the end of the last one closed (a token may be cut at the end)."""
        text, special = self.text, _SPECIAL[self.dialect]
        while True:
            match = special.search(text, pos)
            if match is None:
                return None, pos
            token = match.group(0)
            if token == ";":
                return match.end(), match.end()
            after = match.end()
            if token in ("'", '"', "`") or token[-1] == "'":
                quote = token[-1]
                if quote == "'":
                    escapes = self.escapes or token[0] in "Ee"
                else:
                    escapes = self.dialect == "mysql" and quote == '"'
                close = _CLOSE[(quote, escapes)].match(text, after)
                end = close.end() if close is not None and (close.end() < len(text) or self.eof) else -1
            elif token in ("--", "#"):
                end = text.find("\n", after)
                end = end + 1 if end >= 0 else -1
            elif token == "/*":
                end = text.find("*/", after)
                end = end + 2 if end >= 0 else -1
            else:  # a dollar quote
                end = text.find(token, after)
                end = end + len(token) if end >= 0 else -1
            if end < 0:
                return None, match.start()
            pos = end

    def _inside(self, pos: int) -> bool:
        """Whether the text from ``pos`` (outside any quote or comment) stops inside one."""
        match = _SPECIAL[self.dialect].search(self.text, pos)
        return match is not None and match.group(0) != ";"

    # -- COPY ----------------------------------------------------------------------------------------------

    def _table(self, name: str, columns: list[str] | None, style: Literal["copy", "insert"]) -> DumpTable:
        declared_names, declared_types = self.tables.get(name, ([], []))
        names = columns if columns is not None else declared_names
        declared = dict(zip(declared_names, declared_types))
        key = (name, tuple(names), style, self.escapes)
        table = self._data.get(key)
        if table is None:
            table = DumpTable(name, list(names), [declared.get(c, "") for c in names], style, self.dialect,
                              self.escapes)
            self._data[key] = table
        return table

    def _copy_rows(self, header: re.Match[str], line: int, pos: int) -> Iterator[Rows | Verbatim]:
        """Rows of a COPY block whose header (at ``line``) was given out up to ``pos``; returns the offset of its
        ``\\.`` line."""
        name = unquote_name(header.group("name"))
        table = self._table(name, _column_names(header.group("columns")), "copy")
        options = header.group("options").strip()
        readable = options == "" or re.fullmatch(r"(?i)(?:WITH\s*)?\(\s*FORMAT\s+text\s*\)", options) is not None
        problems = [] if readable else [Problem(self.display, f"line {line}: COPY of {name} with options "
                                                f"{options!r} is not read (only the text format is)")]
        width = len(table.columns)
        raw: list[str] = []
        values: list[list[str | None]] = []
        given_rows = False

        def rows() -> Iterator[Rows]:
            nonlocal raw, values, problems, given_rows
            yield Rows(table, raw, values, problems=problems)
            self.given = pos
            raw, values, problems, given_rows = [], [], [], True

        while True:
            end = self.text.find("\n", pos)
            if end < 0:
                if raw:
                    yield from rows()
                pos = self._compact(pos)
                if not self._more():
                    if not given_rows:
                        yield from rows()
                    raise self._truncated(len(self.text), f"the COPY data of {name} (no end marker \\.)")
                continue
            text = self.text[pos : end + 1]
            body = text[:-2] if text.endswith("\r\n") else text[:-1]
            if body == "\\.":
                if raw or not given_rows:
                    yield from rows()
                return pos
            fields = body.split("\t")
            if not readable or (width and len(fields) != width):
                if raw or problems:
                    yield from rows()
                if readable:
                    problems.append(Problem(self.display, f"line {self._line(pos)}: a row has {len(fields)} fields "
                                            f"instead of {width}; not read"))
                    yield from rows()
                yield from self._give(end + 1)
                pos = end + 1
                continue
            pos = end + 1
            raw.append(text)
            values.append([copy_decode(f) for f in fields])
            if len(raw) >= self.group_rows:
                yield from rows()
                pos = self._compact(pos)

    # -- INSERT --------------------------------------------------------------------------------------------

    def _insert_header(self, pos: int) -> re.Match[str] | None:
        while True:
            match = _INSERT.match(self.text, pos)
            if match is not None:
                return match
            window = self.text[pos : pos + 65536]
            if ";" in window or len(window) >= 65536 or not self._more():
                return None

    def _insert_rows(self, header: re.Match[str], pos: int) -> Iterator[Rows]:
        """Rows of an INSERT statement whose header was given out up to ``pos``; returns the offset after the
        statement (its ``;`` and what follows the last row stay to give)."""
        name = unquote_name(header.group("name"))
        table = self._table(name, _column_names(header.group("columns")), "insert")
        lexer = RowLexer(self.dialect, self.escapes)
        raw: list[str] = []
        values: list[list[str | None]] = []
        kinds: list[str] = []
        while True:
            try:
                found = lexer.row(self.text, pos, final=self.eof)
            except ValueError as error:
                raise SourceError(self.display, f"line {self._line(pos)}: cannot read a row of INSERT INTO "
                                  f"{name} ({error})", "not a plain SQL dump this reader knows") from None
            if found is None:
                if self.eof:
                    raise self._truncated(pos, f"a row of INSERT INTO {name}")
                if len(self.text) - pos > MAX_STATEMENT_CHARS:
                    self._need(pos, f"a row of INSERT INTO {name}")  # raises: too long
                self._more()
                continue
            row, letters, end = found
            if not table.columns:
                table.columns = [f"column_{i + 1}" for i in range(len(row))]
                table.types = [""] * len(row)
            if len(row) != len(table.columns):
                raise SourceError(self.display, f"line {self._line(pos)}: a row of INSERT INTO {name} has "
                                  f"{len(row)} values for {len(table.columns)} columns")
            raw.append(self.text[pos:end])
            values.append(row)
            kinds.append(letters)
            pos = end
            while True:
                after = _AFTER_ROW.match(self.text, pos)
                if after.end() < len(self.text) or not self._more():
                    break
            separator = after.group(1)
            if len(raw) >= self.group_rows or separator != ",":
                yield Rows(table, raw, values, kinds)
                self.given = pos
                raw, values, kinds = [], [], []
            if separator == ",":
                pos = self._compact(pos)
                continue
            if separator == ";" or after.end() >= len(self.text):
                return pos
            return self._statement_end(pos, f"INSERT INTO {name}")
