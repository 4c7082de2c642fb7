"""Tables typed in text lines: ``psql`` output and Markdown tables, whose header names the cells below it.

A query's output pasted into a ticket, redirected to a file or logged, or a table of a wiki page, is a table
again once its header is read::

     nom    | prenom | date_naissance          | Nom    | Date de naissance |
    --------+--------+----------------         |--------|-------------------|
     Dupont | Jean   | 1945-03-12              | Dupont | 12/03/1945        |

A table is a line of cells separated by ``|``, then a rule line of dashes (``---+---``, ``|---|:--:|``), then
the lines with as many cells; a line with more (a ``|`` inside a value, which ``psql`` does not escape) is no
row but leaves the table open; it ends at the first line that has fewer (a blank line, ``(2 rows)``), but for a
line that only marks rows left out (``…``, ``[...]``), as quotations in tickets and help pages cut tables.

An export pasted as text (a ticket, a help page, a log) is a table too: a header line of at least three column
names separated by ``,``, ``;`` or a tab, each maybe between double quotes (RFC 4180), then the lines with as
many fields under the same delimiter; the first line with another count ends it (an INSERT written over lines,
its rows under a line that ends with ``VALUES``, is read alike: :mod:`leakguard.sources.linesql`)::

    "nom","prenom","date_naissance"
    "Durand","Paul","12/03/1945"
:class:`TableHeaders` gives each row of a table its header line, chunk after chunk of one file (a table of a
million rows goes on from one chunk to the next); :func:`table_cells` gives each cell with its header as its
column name (:mod:`leakguard.detect.textlines` reads it as it reads a ``key = value`` line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: RE2: the rule line under a table's header: dashes between ``|`` or ``+`` (Markdown alignment colons too).
RULE_RE2 = r"^\s*\|?\s*:?-{3,}:?\s*(?:[|+]\s*:?-{3,}:?\s*)+\|?\s*$"
#: Most columns in a table read (a wider line of pipes is data, not a table typed by hand or by psql).
MAX_COLUMNS = 64
#: A line that only marks rows left out of a quoted table: an ellipsis, maybe in brackets (``…``, ``[...]``).
_ELISION = re.compile(r"\s*[\[(]?\s*(?:\.{3}|…)\s*[\])]?\s*")
#: A line that only holds an INSERT's ``VALUES``, between its column list and its rows, as formatters write it.
_VALUES_LINE = re.compile(r"\s*VALUES\s*", re.IGNORECASE)
#: A cell: the text up to the next ``|`` that is not escaped (Markdown writes ``\|`` inside a cell).
_CELL = re.compile(r"(?:[^|\\]|\\.)*\\?")


#: RE2: a line that may be an export's header: three names begun, the same delimiter between them (the names
#: are checked in Python: counted repetitions of Unicode classes make RE2's program too large).
CSV_HEADER_RE2 = "|".join(
    rf'^\s*"?[\pL_][^{d}"\d]*"?\s*{d}\s*"?[\pL_][^{d}"\d]*"?\s*{d}\s*"?[\pL_]' for d in (",", ";", "\\t"))
#: A column name of an export's header, once its quotes are off.
#: (past 48 characters, an identifier only: exports' camel-case names run long, prose's clauses do not pass)
_CSV_KEY = re.compile(r"[^\W\d][\w .'’()°/-]{0,47}|[^\W\d][\w.-]{48,79}")
#: The delimiters of an export, in the order they are tried on a header line.
_DELIMITERS = (",", ";", "\t")
_CSV_FIELDS = {d: re.compile(rf'[ ]*(?:"((?:[^"]|"")*)"|([^{d}"]*))[ ]*(?:{d}|$)') for d in _DELIMITERS}


def _csv_cells(line: str, delimiter: str) -> list[tuple[int, str]] | None:
    """The fields of an export's line, each with the offset of its value (inside its quotes, white space around
    it left out), or ``None`` when the line is no line of fields (a quote left open)."""
    cells, at, pattern = [], 0, _CSV_FIELDS[delimiter]
    while at <= len(line):
        match = pattern.match(line, at)
        if match is None or (match.end() == at and at < len(line)):
            return None
        quoted = match.group(1) is not None
        raw = match.group(1) if quoted else match.group(2)
        start = match.start(1) if quoted else match.start(2)
        value = raw.replace('""', '"') if quoted else raw
        cells.append((start + len(raw) - len(raw.lstrip()), value.strip()))
        if match.end() == len(line) and not line.endswith(delimiter):
            return cells
        at = match.end()
        if at == len(line):  # a delimiter ends the line: one more empty field
            cells.append((at, ""))
            return cells
    return cells


def _csv_keys(header: str) -> tuple[str, list[str]] | None:
    """The delimiter and column names of an export's header line (three or more names), or ``None``; a name
    loses the ``*`` that marks a required column in an import template (``Prénom*``), and a delimiter may end
    the line (an empty last name, as spreadsheets export it)."""
    for delimiter in _DELIMITERS:
        if header.count(delimiter) < 2:
            continue
        cells = _csv_cells(header, delimiter)
        keys = [key.rstrip("* ") for _, key in cells or ()]
        # the empty field after a last delimiter: a column that names nothing (its cells are read unhinted)
        named = keys[:-1] if keys and not keys[-1] and header.rstrip().endswith(delimiter) else keys
        if 3 <= len(named) <= MAX_COLUMNS and all(_CSV_KEY.fullmatch(key) for key in named):
            return delimiter, keys
    return None


class TableCells(NamedTuple):
    """The cells of the tables of a chunk: each cell's header, text, line (index in the chunk) and offset."""

    keys: list[str]
    values: list[str]
    lines: list[int]
    offsets: list[int]


def _framed(header: str) -> tuple[bool, bool]:
    """Whether a table's header opens and closes with ``|`` (Markdown), on each side."""
    return header.lstrip().startswith("|"), header.rstrip().endswith("|")


def _cells(line: str, framed: tuple[bool, bool]) -> list[tuple[int, str]]:
    """The cells of a table line, each with its offset, white space around it left out; in a table framed by
    ``|`` (``framed`` says on which side), the empty text before the first one and after the last one is no
    cell (in ``psql`` output, an empty last cell is one)."""
    cells = [(m.start(), m.group()) for m in _CELL.finditer(line) if m.start() == 0 or line[m.start() - 1] == "|"]
    if cells and framed[0] and not cells[0][1].strip():
        cells = cells[1:]
    if cells and framed[1] and not cells[-1][1].strip():
        cells = cells[:-1]
    return [(start + len(text) - len(text.lstrip()), text.strip()) for start, text in cells]


class _Header(NamedTuple):
    """A table's header line read: its column names (empty where a name repeats: its first column keeps it), how
    a row splits into cells, and whether between ``|`` (psql, Markdown: a row may hold more, a ``|`` in a value)
    rather than as an export's fields."""

    keys: list[str]
    read: Callable[[str], list[tuple[int, str]]]
    pipes: bool


@lru_cache(maxsize=256)
def _header(line: str) -> _Header | None:
    """``line`` read as a table's header (cells between ``|``, else an export's names), or ``None``."""
    framed = _framed(line)
    keys = [text for _, text in _cells(line, framed)] if "|" in line else []
    from leakguard.sources import linesql  # it reads rows as this module's cells

    if 2 <= len(keys) <= MAX_COLUMNS:
        read, pipes = (lambda row: _cells(row, framed)), True
    elif (columns := linesql.insert_header(line)) is not None:  # before an export: its names hold commas
        keys, read, pipes = columns, linesql.row_cells, False
    elif (csv_header := _csv_keys(line)) is not None:
        delimiter, keys = csv_header
        read, pipes = (lambda row: _csv_cells(row, delimiter) or []), False
    else:
        return None
    return _Header([key if key not in keys[:j] else "" for j, key in enumerate(keys)], read, pipes)


class TableHeaders:
    """The header line of the table each text line is a row of, chunk after chunk of one text file."""

    def __init__(self) -> None:
        self._open: str | None = None  # the header of a table whose rows reached the end of the last chunk
        self._last: str | None = None  # the last line of the last chunk (a header, if a rule opens this one)

    def interrupt(self) -> None:
        """A line too long to be a row (read in pieces) ends any table."""
        self._open = self._last = None

    def of(self, lines: pa.Array) -> pa.Array | None:
        """For each of ``lines``, the header line of its table (a dictionary array: each header once), or null;
        ``None`` when no line is a row."""
        rules = np.flatnonzero(pc.fill_null(pc.match_substring_regex(lines, RULE_RE2), False).to_numpy(
            zero_copy_only=False)) if len(lines) else np.array([], np.int64)
        table_of = np.full(len(lines), -1, np.int32)  # each line's table, an index into ``names``
        names: list[str] = []
        opened, at = self._open, 0
        if opened is not None:
            names.append(opened)
            at = self._rows(lines, 0, opened, table_of, 0)
        # a psql or Markdown header is the line above its rule; an export's header is a table's first line; an
        # INSERT's column list over lines is read as one header line
        starts: list[tuple[int, int, str | None]] = [(rule, rule + 1, None) for rule in rules.tolist()] + _heads(lines)
        for rule, first, given in sorted(starts, key=lambda start: (start[0], start[1], start[2] is None)):
            header = given if given is not None else lines[rule - 1].as_py() if rule > 0 else self._last
            if rule < at or header is None or _header(header) is None:
                continue
            names.append(header)
            opened, at = header, self._rows(lines, first, header, table_of, len(names) - 1)
        self._open = opened if at == len(lines) and opened is not None else None
        if len(lines):
            self._last = lines[-1].as_py()
        if not (table_of >= 0).any():
            return None
        indices = pa.array(table_of, pa.int32(), mask=table_of < 0)
        return pa.DictionaryArray.from_arrays(indices, pa.array(names, pa.string()))

    @staticmethod
    def _rows(lines: pa.Array, at: int, header: str, table_of: np.ndarray, table: int) -> int:
        """Mark the rows of ``header``'s table (number ``table``) from line ``at`` on; return the index after its
        last line."""
        head = _header(header)
        assert head is not None
        width, read, pipes = len(head.keys), head.read, head.pipes
        while at < len(lines):
            line = lines[at].as_py() or ""
            if _ELISION.fullmatch(line) or _VALUES_LINE.fullmatch(line):
                at += 1  # rows left out of a quotation, an INSERT's VALUES: the table goes on
                continue
            cells = len(read(line))
            if cells < width or (cells > width and not pipes):  # an export's row has its header's width
                break
            if cells == width:
                table_of[at] = table
            at += 1
        return at


def _heads(lines: pa.Array) -> list[tuple[int, int, str | None]]:
    """``(rule, first row, header)`` of the tables whose header is their first line (``header`` ``None``: that
    line): exports (:data:`CSV_HEADER_RE2`, then :func:`_csv_keys`) and INSERTs written over lines
    (:data:`~leakguard.sources.linesql.INSERT_HEADER_RE2`), and of INSERTs whose column list spans lines (their
    head joined on one line, :func:`~leakguard.sources.linesql.open_inserts`); one pass of RE2 finds them all."""
    from leakguard.sources.linesql import INSERT_HEADER_RE2, OPEN_INSERT_RE2, open_inserts

    if not len(lines):
        return []
    pattern = f"{CSV_HEADER_RE2}|{INSERT_HEADER_RE2}|{OPEN_INSERT_RE2}"
    heads = np.flatnonzero(pc.fill_null(pc.match_substring_regex(lines, pattern), False).to_numpy(
        zero_copy_only=False))
    found: list[tuple[int, int, str | None]] = [
        (int(head) + 1, int(head) + 1, None) for head in heads if _header(lines[int(head)].as_py()) is not None]
    return found + [(first, first, head) for first, head in open_inserts(lines, heads)]


def table_cells(lines: pa.Array, headers: pa.Array | None) -> TableCells:
    """The cells of the rows of ``lines`` that ``headers`` (:meth:`TableHeaders.of`) gives a header to.

    >>> lines = pa.array([" nom | ddn", "-----+-----------", " Roux | 1945-03-12", "(1 row)"])
    >>> table_cells(lines, TableHeaders().of(lines))
    TableCells(keys=['nom', 'ddn'], values=['Roux', '1945-03-12'], lines=[2, 2], offsets=[1, 8])
    """
    found = TableCells([], [], [], [])
    if headers is None:
        return found
    rows = np.flatnonzero(pc.is_valid(headers).to_numpy(zero_copy_only=False))
    for at, line, header in zip(rows.tolist(), lines.take(pa.array(rows)).to_pylist(),
                                headers.take(pa.array(rows)).to_pylist(), strict=True):
        table = _header(header)
        assert table is not None
        for key, (offset, value) in zip(table.keys, table.read(line), strict=True):
            if key and value:
                found.keys.append(key)
                found.values.append(value)
                found.lines.append(at)
                found.offsets.append(offset)
    return found
