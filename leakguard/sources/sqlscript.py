"""The statements of a plain SQL dump, read as a stream: its data rows, and everything else as written.

:class:`DumpParser` reads the text of a ``pg_dump`` plain dump or a ``mysqldump``/MariaDB dump block by block
and yields, in file order, :class:`Verbatim` text and :class:`Rows` of one table. Joining every event's text
(``Verbatim.text`` and each row of ``Rows.raw``) gives back the input exactly, which is what lets
``leakguard pseudonymise`` rewrite a dump byte for byte outside the values it replaces.

What is read as data:

* ``COPY name (columns) FROM stdin;`` followed by rows in the text format, up to the line ``\\.``;
  a row's raw text is its line with its newline;
* ``INSERT [IGNORE] INTO name [(columns)] [OVERRIDING ... VALUE] VALUES (...), (...)...;`` and ``REPLACE INTO``;
  a row's raw text runs from the end of the row before it (or from ``VALUES``) to its closing parenthesis, and
  its values are read by :class:`~leakguard.sources.sqlstatements.RowLexer`.

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
from leakguard.sources.sqlstatements import (
    CLOSE,
    COLUMNS,
    NAME,
    SPACE,
    Dialect,
    RowLexer,
    column_names,
    parse_create_table,
    unquote_name,
)
from leakguard.sources.sqltext import copy_decode

#: Characters read from the stream at a time.
BLOCK_CHARS = 1 << 20
#: Rows per :class:`Rows` event at most.
GROUP_ROWS = 4096
#: A statement, a row or a value longer than this is not waited for: the dump is not one this reader knows.
MAX_STATEMENT_CHARS = 256 << 20

_COPY = re.compile(rf"COPY\s+(?P<name>{NAME})\s*(?P<columns>{COLUMNS})?\s*FROM\s+stdin\b(?P<options>[^;]*);",
                   re.IGNORECASE)
_INSERT = re.compile(
    rf"(?:INSERT|REPLACE)(?:\s+(?:IGNORE|LOW_PRIORITY|DELAYED|HIGH_PRIORITY))?\s+INTO\s+(?P<name>{NAME})\s*"
    rf"(?P<columns>{COLUMNS})?\s*(?:OVERRIDING\s+(?:SYSTEM|USER)\s+VALUE\s+)?VALUES\s*(?=\()",
    re.IGNORECASE,
)
_SCS = re.compile(r"SET\s+standard_conforming_strings\s*(?:=|TO)\s*'?(on|off|true|false)'?", re.IGNORECASE)
_KEYWORD = re.compile(r"[A-Za-z]+")
_LINE_END = re.compile(r"[ \t]*\r?\n?")

_AFTER_ROW = re.compile(rf"{SPACE}([,;]?)")

# What may end or hide a statement's end, per dialect.
_SPECIAL = {
    "postgres": re.compile(r"(?<![\w$])[Ee]'|['\";]|\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$|--|/\*"),
    "mysql": re.compile(r"['\"`;#]|--(?=[ \t\r\n])|/\*"),
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
    #: per column, whether its ``CREATE TABLE`` refuses NULL (``NOT NULL``, ``PRIMARY KEY``); empty: not known
    required: list[bool] = field(default_factory=list)


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
    #: INSERT rows: one letter per value (:func:`~leakguard.sources.sqlstatements.literal_kind`); None for COPY
    kinds: list[str] | None = None
    problems: list[Problem] = field(default_factory=list)


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
        #: ``CREATE TABLE`` seen so far: name -> (columns, declared types, whether each refuses NULL)
        self.tables: dict[str, tuple[list[str], list[str], list[bool]]] = {}
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
                    self.tables[table[0]] = table[1:]
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
                close = CLOSE[(quote, escapes)].match(text, after)
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
        declared_names, declared_types, declared_required = self.tables.get(name, ([], [], []))
        names = columns if columns is not None else declared_names
        declared = dict(zip(declared_names, declared_types))
        required = dict(zip(declared_names, declared_required))
        key = (name, tuple(names), style, self.escapes)
        table = self._data.get(key)
        if table is None:
            table = DumpTable(name, list(names), [declared.get(c, "") for c in names], style, self.dialect,
                              self.escapes, [required.get(c, False) for c in names])
            self._data[key] = table
        return table

    def _copy_rows(self, header: re.Match[str], line: int, pos: int) -> Iterator[Rows | Verbatim]:
        """Rows of a COPY block whose header (at ``line``) was given out up to ``pos``; returns the offset of its
        ``\\.`` line."""
        name = unquote_name(header.group("name"))
        table = self._table(name, column_names(header.group("columns")), "copy")
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
        table = self._table(name, column_names(header.group("columns")), "insert")
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
