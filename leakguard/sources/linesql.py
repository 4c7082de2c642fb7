"""INSERT statements written on one line of a text file or a log: each value under its column's name.

Database logs (PostgreSQL's ``log_statement``, MySQL's general query log, an ORM's debug output) and tickets
print the statements an application ran, one per line::

    LOG:  statement: INSERT INTO beneficiaires (nom, date_naissance) VALUES ('Fondue', '1998-05-25');

:func:`insert_cells` reads the column list and the rows of such a statement with the SQL dump reader's lexer
(:class:`~leakguard.sources.sqlstatements.RowLexer`: PostgreSQL first, then MySQL) and gives each string or
number written as it reads (no escape inside) with its column and its offset in the line, as
:mod:`leakguard.sources.linetables` gives the cells of a table typed in text. A statement whose columns are
not listed, or whose rows do not have as many values, gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.sources.linetables import TableCells
from leakguard.sources.sqlstatements import COLUMNS, NAME, RowLexer, column_names

#: RE2 pre-filter of the lines that may hold an INSERT with a column list.
INSERT_RE2 = r"(?i)insert\s+(?:ignore\s+)?into\s+\S+\s*\("
_INSERT = re.compile(rf"INSERT\s+(?:IGNORE\s+)?INTO\s+{NAME}\s*(?P<columns>{COLUMNS})\s*VALUES\s*", re.IGNORECASE)
_LEXERS = (RowLexer("postgres", escapes=False), RowLexer("mysql", escapes=True))


def insert_cells(lines: pa.Array) -> TableCells:
    """The values of the INSERT statements of ``lines`` (a string array), each with its column's name, its line
    (index in ``lines``) and its offset there.

    >>> line = "LOG: statement: INSERT INTO t (nom, ddn, id) VALUES ('Roux', '1945-03-12', 7), ('Li', NULL, 8);"
    >>> insert_cells(pa.array(["BEGIN", line]))
    TableCells(keys=['nom', 'ddn', 'id', 'nom', 'id'], values=['Roux', '1945-03-12', '7', 'Li', '8'], \
lines=[1, 1, 1, 1, 1], offsets=[54, 62, 75, 81, 92])
    """
    cells = TableCells([], [], [], [])
    matches = pc.fill_null(pc.match_substring_regex(lines, INSERT_RE2), False)
    for index in np.flatnonzero(matches.to_numpy(zero_copy_only=False)).tolist():
        line = lines[index].as_py()
        for statement in _INSERT.finditer(line):
            for key, value, offset in _values(line, statement):
                cells.keys.append(key)
                cells.values.append(value)
                cells.lines.append(index)
                cells.offsets.append(offset)
    return cells


def _values(line: str, statement: re.Match[str]) -> list[tuple[str, str, int]]:
    """(column, value, offset) of the rows of one INSERT, read by the first lexer that reads them all."""
    names = column_names(statement["columns"]) or []
    for lexer in _LEXERS:
        try:
            return list(_rows(line, statement.end(), names, lexer))
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
            literal = line[opening + span.start : opening + span.end]
            if span.kind == "n":
                yield name, literal, opening + span.start
            elif span.kind == "s" and literal[:1] == "'" and "''" not in literal and "\\" not in literal:
                yield name, literal[1:-1], opening + span.start + 1
        first, pos = False, end
