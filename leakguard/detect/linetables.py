"""Tables typed in text lines: ``psql`` output and Markdown tables, whose header names the cells below it.

A query's output pasted into a ticket or a log, or a table of a wiki page, is a table again once its header is
read::

     nom    | prenom | date_naissance          | Nom    | Date de naissance |
    --------+--------+----------------         |--------|-------------------|
     Dupont | Jean   | 1945-03-12              | Dupont | 12/03/1945        |

A table is a line of cells separated by ``|``, then a rule line of dashes (``---+---``, ``|---|:--:|``), then
the lines with as many cells; it ends at the first line that has another number of cells (a blank line,
``(2 rows)``). Each cell is given with its header as its column name (:mod:`leakguard.detect.textlines` reads
it as it reads a ``key = value`` line). Tables are looked for within one chunk of lines.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: RE2: the rule line under a table's header: dashes between ``|`` or ``+`` (Markdown alignment colons too).
RULE_RE2 = r"^\s*\|?\s*:?-{3,}:?\s*(?:[|+]\s*:?-{3,}:?\s*)+\|?\s*$"
#: Most columns in a table read (a wider line of pipes is data, not a table typed by hand or by psql).
MAX_COLUMNS = 64
_CELL = re.compile(r"[^|]*")


class TableCells(NamedTuple):
    """The cells of the tables of a chunk: each cell's header, text, line (index in the chunk) and offset."""

    keys: list[str]
    values: list[str]
    lines: list[int]
    offsets: list[int]


def _cells(line: str, framed: tuple[bool, bool]) -> list[tuple[int, str]]:
    """The cells of a table line, each with its offset, white space around it left out; in a table framed by
    ``|`` (Markdown: ``framed`` says on which side), the empty text before the first one and after the last one
    is no cell (in ``psql`` output, an empty last cell is one)."""
    cells = [(m.start(), m.group()) for m in _CELL.finditer(line) if m.start() == 0 or line[m.start() - 1] == "|"]
    if cells and framed[0] and not cells[0][1].strip():
        cells = cells[1:]
    if cells and framed[1] and not cells[-1][1].strip():
        cells = cells[:-1]
    return [(start + len(text) - len(text.lstrip()), text.strip()) for start, text in cells]


def _framed(header: str) -> tuple[bool, bool]:
    return header.lstrip().startswith("|"), header.rstrip().endswith("|")


def table_cells(lines: pa.Array) -> TableCells:
    """The cells under a header in the tables of ``lines`` (a chunk's text lines).

    >>> table_cells(pa.array([" nom | ddn", "-----+-----------", " Roux | 1945-03-12", "(1 row)"]))
    TableCells(keys=['nom', 'ddn'], values=['Roux', '1945-03-12'], lines=[2, 2], offsets=[1, 8])
    """
    found = TableCells([], [], [], [])
    rules = np.flatnonzero(pc.fill_null(pc.match_substring_regex(lines, RULE_RE2), False).to_numpy(
        zero_copy_only=False))
    for rule in rules[rules > 0].tolist():
        header = lines[rule - 1].as_py()
        framed = _framed(header)
        keys = [text for _, text in _cells(header, framed)] if "|" in header else []
        if not 2 <= len(keys) <= MAX_COLUMNS:
            continue
        keys = [key if key not in keys[:j] else "" for j, key in enumerate(keys)]  # a header twice: its first
        at = rule + 1
        while at < len(lines) and (row := _cells(lines[at].as_py() or "", framed)) and len(row) == len(keys):
            for key, (offset, value) in zip(keys, row, strict=True):
                if key and value:
                    found.keys.append(key)
                    found.values.append(value)
                    found.lines.append(at)
                    found.offsets.append(offset)
            at += 1
    return found
