"""INSERT statements in the lines of a text file or a log: each value under its column's name.

Database logs (PostgreSQL's ``log_statement``, MySQL's general query log, an ORM's debug output) and tickets
print the statements an application ran, one per line::

    LOG:  statement: INSERT INTO beneficiaires (nom, date_naissance) VALUES ('Fondue', '1998-05-25');

:func:`insert_cells` reads the column list and the rows of such a statement with the SQL dump reader's lexer
(:class:`~leakguard.sources.sqlstatements.RowLexer`: PostgreSQL first, then MySQL) and gives each string or
number written as it reads (no escape inside) with its column and its offset in the line, as
:mod:`leakguard.sources.linetables` gives the cells of a table typed in text. A statement whose columns are
not listed, or whose rows do not have as many values, gives nothing.

Seeds and scripts pasted as text write a statement over lines, one row per line, under a line that ends with
``VALUES`` (or with the column list, the first row's line opening with ``VALUES``): :func:`insert_header`
reads that line as a table's header, :func:`row_cells` a row's line as its cells
(:mod:`leakguard.sources.linetables` then reads them as it reads a table's rows); a column list over lines
(``INSERT INTO t (`` then the names, then ``)``) is joined into one header by :func:`open_inserts`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.sources.linetables import TableCells
from leakguard.sources.sqlstatements import COLUMNS, NAME, RowLexer, ValueSpan, column_names

#: RE2 pre-filter of the lines that may hold an INSERT with a column list (or an ``INTO`` clause of Oracle's
#: ``INSERT ALL``, one per line).
INSERT_RE2 = r"(?i)insert\s+(?:ignore\s+)?into\s+\S+\s*\(|^\s*into\s+\S+\s*\(.*\)\s*values\s*\("
#: RE2: an INSERT whose rows follow on the next lines (the line ends with ``VALUES``, or with the column list
#: when the first row's line opens with ``VALUES``).
INSERT_HEADER_RE2 = r"(?i)^\s*insert\s+(?:ignore\s+)?into\s+\S+\s*\(.*\)\s*(?:values\s*)?$"
_INSERT = re.compile(rf"(?:INSERT\s+(?:IGNORE\s+)?|^\s*)INTO\s+{NAME}\s*(?P<columns>{COLUMNS})\s*VALUES\s*",
                     re.IGNORECASE)
_INSERT_HEADER = re.compile(rf"^\s*INSERT\s+(?:IGNORE\s+)?INTO\s+{NAME}\s*(?P<columns>{COLUMNS})\s*(?:VALUES\s*)?$",
                            re.IGNORECASE)
#: ``VALUES`` opening the line of a multi-line INSERT's first row, maybe after the end of its column list
#: (``(nom, prenom) VALUES (…``, ``) VALUES (…``).
_VALUES = re.compile(r"\s*(?:\(?[^()'\"]*\)\s*)?VALUES\b", re.IGNORECASE)
_LEXERS = (RowLexer("postgres", escapes=False), RowLexer("mysql", escapes=True))


def insert_header(line: str) -> list[str] | None:
    """The columns of an INSERT whose rows follow on the next lines (``line`` ends with ``VALUES`` or with the
    column list), or ``None``.

    >>> insert_header("insert into mutuelles (numero_amc, raison_sociale) values")
    ['numero_amc', 'raison_sociale']
    >>> insert_header("INSERT INTO salarie (nir, nom)")
    ['nir', 'nom']
    """
    statement = _INSERT_HEADER.match(line)
    return None if statement is None else column_names(statement["columns"])


#: RE2: the first line of an INSERT whose column list goes on over the next lines (``INSERT INTO t (``, or the
#: table's name alone, the list opening the next line).
OPEN_INSERT_RE2 = r"(?i)^\s*insert\s+(?:ignore\s+)?into\s+[^\s(]+\s*\(?\s*$"
#: The most lines a column list spans.
_COLUMN_LINES = 20


def open_inserts(lines: pa.Array, among: np.ndarray | None = None) -> list[tuple[int, str]]:
    """The INSERTs of ``lines`` whose column list spans lines, as formatters and database tools write them
    (``INSERT INTO t (`` then the names, then ``)``): the index of the line after the list's end, and the
    statement's head on one line (for :func:`insert_header`). ``among``: the indices of the only lines that may
    open one (a wider pre-filter's matches).

    >>> open_inserts(pa.array(['INSERT INTO "patients" (', '  "nom", "prenom"', ')', 'VALUES', "('X', 'Y');"]))
    [(3, 'INSERT INTO "patients" (  "nom", "prenom" )')]
    >>> open_inserts(pa.array(['INSERT INTO clients', '(nom, prenom)', 'VALUES', "('X', 'Y');"]))
    [(2, 'INSERT INTO clients(nom, prenom)')]
    >>> open_inserts(pa.array(['INSERT INTO clients', "VALUES ('X', 'Y');"]))  # no column list
    []
    >>> open_inserts(pa.array(['INSERT INTO clients', "(nom, prenom) VALUES ('X', 'Y');"]))  # the row on its line
    [(1, 'INSERT INTO clients(nom, prenom)')]
    """
    found = []
    among = np.arange(len(lines)) if among is None else among
    if len(among) == 0:
        return found
    opening = pc.fill_null(pc.match_substring_regex(lines.take(pa.array(among)), OPEN_INSERT_RE2), False)
    for index in among[opening.to_numpy(zero_copy_only=False)].tolist():
        if not lines[index].as_py().rstrip().endswith("(") and not (
                index + 1 < len(lines) and (lines[index + 1].as_py() or "").lstrip().startswith("(")):
            continue  # the table's name alone, and no column list below it
        names = []
        for at in range(index + 1, min(len(lines), index + 1 + _COLUMN_LINES)):
            line = lines[at].as_py() or ""
            end = line.find(")")
            names.append(line if end < 0 else line[:end])
            if end >= 0:
                head = f"{lines[index].as_py().rstrip()}{' '.join(names)})"
                if insert_header(head) is not None:  # the first row on the list's last line, or below it
                    found.append((at if _VALUES.match(line[end + 1 :]) else at + 1, head))
                break
    return found


def row_cells(line: str) -> list[tuple[int, str]]:
    """The values of the row a line of a multi-line INSERT holds (its first, when it holds more), each with its
    offset; a value not written as it reads (``NULL``, an escape) is empty; no row, no value.

    >>> row_cells("  ('25992142', 'Harmonie Mutuelle', NULL, 45),")
    [(4, '25992142'), (16, 'Harmonie Mutuelle'), (36, ''), (42, '45')]
    >>> row_cells("('KILO', DATE '1970-05-15'),")
    [(2, 'KILO'), (15, '1970-05-15')]
    >>> row_cells("  (4, 'Katina', TO_DATE('2000-05-10', 'yyyy-mm-dd')),")
    [(3, '4'), (7, 'Katina'), (25, '2000-05-10')]
    >>> row_cells('VALUES ("Chauvino", "Gilbert"),')  # the first row, under a header without VALUES
    [(9, 'Chauvino'), (21, 'Gilbert')]
    >>> row_cells("(nom, prenom) VALUES ('X', 'Y');")  # the end of the column list before it
    [(23, 'X'), (28, 'Y')]
    """
    values = _VALUES.match(line)
    start = values.end() if values else 0
    for lexer in _LEXERS:
        try:
            read = lexer.row(line, start)
        except ValueError:
            continue
        if read is None:
            return []
        opening = line.index("(", start)
        return [_cell(line, opening, span) for span in lexer.literals(line[opening : read[2]])]
    return []


#: A typed literal of standard SQL, whose string is the value (``DATE '1970-05-15'``, ``TIMESTAMP '…'``).
_TYPED = re.compile(r"(?i)(?:date|time|timestamp)(?:\s+with(?:out)?\s+time\s+zone)?\s*'(?P<text>[^'\\]*)'\s*")


#: A date a function makes from a string, maybe with its format (Oracle's and PostgreSQL's ``TO_DATE('2000-05-10',
#: 'yyyy-mm-dd')``, MySQL's ``STR_TO_DATE('10/05/2000', '%d/%m/%Y')``, SQLite's ``date('2000-05-10')``): the string.
_FUNCTION_DATE = re.compile(r"(?i)(?:to_date|to_timestamp|str_to_date|date|datetime|timestamp)\s*\(\s*"
                            r"'(?P<text>[^'\\]*)'\s*(?:,\s*'[^'\\]*'\s*)?\)\s*")
#: A string between double quotes, without escapes: MySQL's string literal.
_DOUBLE_QUOTED = re.compile(r'"[^"\\]*"')
#: A date written without quotes, as hand-written seeds do (``2001/08/29``: SQL reads a division).
_DATE_UNQUOTED = re.compile(r"[0-9]{4}(?P<sep>[/.\-])[0-9]{1,2}(?P=sep)[0-9]{1,2}|[0-9]{1,2}(?P<s>[/.\-])[0-9]{1,2}"
                            r"(?P=s)[0-9]{4}")


def _cell(line: str, opening: int, span: ValueSpan) -> tuple[int, str]:
    """A value's offset and text as written, or its offset and ``""`` when it is not written as it reads."""
    literal = line[opening + span.start : opening + span.end]
    if span.kind == "n":
        return opening + span.start, literal
    if span.kind == "s" and literal[:1] == "'" and "''" not in literal and "\\" not in literal:
        return opening + span.start + 1, literal[1:-1]
    if _DOUBLE_QUOTED.fullmatch(literal):  # MySQL's string (an identifier to PostgreSQL, which has none here)
        return opening + span.start + 1, literal[1:-1]
    if span.kind == "x" and (typed := _TYPED.fullmatch(literal) or _FUNCTION_DATE.fullmatch(literal)) is not None:
        return opening + span.start + typed.start("text"), typed["text"]
    if span.kind == "x" and _DATE_UNQUOTED.fullmatch(literal):
        return opening + span.start, literal
    return opening + span.start, ""


def insert_cells(lines: pa.Array) -> TableCells:
    """The values of the INSERT statements of ``lines`` (a string array), each with its column's name, its line
    (index in ``lines``) and its offset there; a statement whose one row opens at its line's end is read over the
    next lines (:func:`_row_over_lines`).

    >>> line = "LOG: statement: INSERT INTO t (nom, ddn, id) VALUES ('Roux', '1945-03-12', 7), ('Li', NULL, 8);"
    >>> insert_cells(pa.array(["BEGIN", line]))
    TableCells(keys=['nom', 'ddn', 'id', 'nom', 'id'], values=['Roux', '1945-03-12', '7', 'Li', '8'], \
lines=[1, 1, 1, 1, 1], offsets=[54, 62, 75, 81, 92])
    >>> insert_cells(pa.array(["INSERT INTO t (nom, ddn) VALUES (", "  'Roux', -- nom", "  '1945-03-12'", ");"]))
    TableCells(keys=['nom', 'ddn'], values=['Roux', '1945-03-12'], lines=[1, 2], offsets=[3, 3])
    """
    cells = TableCells([], [], [], [])
    matches = pc.fill_null(pc.match_substring_regex(lines, INSERT_RE2), False)
    for index in np.flatnonzero(matches.to_numpy(zero_copy_only=False)).tolist():
        line = lines[index].as_py()
        if (opening := _OPEN_ROW.match(line)) is not None:
            _row_over_lines(lines, index, column_names(opening["columns"]) or [], cells)
            continue
        for statement in _INSERT.finditer(line):
            for key, value, offset in _values(line, statement):
                cells.keys.append(key)
                cells.values.append(value)
                cells.lines.append(index)
                cells.offsets.append(offset)
    return cells


#: An INSERT whose one row opens at the line's end, its values on the lines below, one or a few per line
#: (``INSERT INTO patient (ipp, nom) VALUES (`` then ``'0000000283',``, ``'SARDOU'``, then ``);``).
_OPEN_ROW = re.compile(rf"^\s*INSERT\s+(?:IGNORE\s+)?INTO\s+{NAME}\s*(?P<columns>{COLUMNS})\s*VALUES\s*\(\s*$",
                       re.IGNORECASE)
#: The most lines beyond one per column that such a row spans (a value over two lines, comments).
_ROW_SLACK = 5


def _row_over_lines(lines: pa.Array, index: int, names: list[str], cells: TableCells) -> None:
    """The values of the row that opens at the end of line ``index`` and goes on over the next lines (as
    formatters and hand-written scripts lay out one row), each under its column, into ``cells``."""
    row, starts = "(", []
    for at in range(index + 1, min(len(lines), index + 1 + len(names) + _ROW_SLACK)):
        starts.append(len(row))
        row += _without_comment(lines[at].as_py() or "") + "\n"
        if row.rstrip().endswith((")", ");")):
            break
    for key, value, offset in _read_rows(row, 0, names):
        line = bisect.bisect_right(starts, offset) - 1
        cells.keys.append(key)
        cells.values.append(value)
        cells.lines.append(index + 1 + line)
        cells.offsets.append(offset - starts[line])


def _values(line: str, statement: re.Match[str]) -> list[tuple[str, str, int]]:
    """(column, value, offset) of the rows of one INSERT."""
    return _read_rows(line, statement.end(), column_names(statement["columns"]) or [])


def _without_comment(line: str) -> str:
    """``line`` with its SQL comments (``-- …`` to the end, ``/* … */``) outside strings blanked, offsets kept.

    >>> _without_comment("  'Roux', -- nom de l'assuré")
    "  'Roux',                   "
    >>> _without_comment("  '1945-03-12' /* ddn */, 'a--b'")
    "  '1945-03-12'          , 'a--b'"
    """
    quote, i, out = "", 0, list(line)
    while i < len(line):
        char = line[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif line.startswith("--", i):
            out[i:] = " " * (len(line) - i)
            break
        elif line.startswith("/*", i):
            end = line.find("*/", i + 2)
            end = len(line) if end < 0 else end + 2
            out[i:end] = " " * (end - i)
            i = end
            continue
        i += 1
    return "".join(out)


def _read_rows(line: str, pos: int, names: list[str]) -> list[tuple[str, str, int]]:
    """(column, value, offset) of the rows from ``pos`` on, read by the first lexer that reads them all."""
    for lexer in _LEXERS:
        try:
            return list(_rows(line, pos, names, lexer))
        except ValueError:
            continue
    return []


def _rows(line: str, pos: int, names: list[str], lexer: RowLexer) -> Iterator[tuple[str, str, int]]:
    """The values of the rows from ``pos`` on, up to the first text that opens no row (``;``, the line's end)."""
    first = True
    while True:
        try:
            read = lexer.row(line, pos)
        except ValueError:
            if first:
                raise
            return
        if read is None:
            return
        values, _, end = read
        if len(values) != len(names):
            raise ValueError("not as many values as columns")
        opening = line.index("(", pos)
        for name, span in zip(names, lexer.literals(line[opening:end]), strict=True):
            offset, value = _cell(line, opening, span)
            if value:
                yield name, value, offset
        first, pos = False, end
