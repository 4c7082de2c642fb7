"""Excel and OpenDocument workbooks (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``): each sheet a table.

Read with ``python-calamine`` (the Rust ``calamine`` reader: no Excel, no LibreOffice). Every worksheet is a
table named ``export.xlsx#SHEET``, hidden ones included (chart sheets hold no cells). In each sheet the first
non-empty row is the header (an empty header cell gives ``column_N``, a repeated name gets ``_2``, ``_3``...);
the rows below are the records, numbered from 0 (an empty row is a record with no cells, so record *i* is
the *i*-th row under the header).

A report typed in Excel often opens with a title: one cell, merged across the columns (``Export des
bénéficiaires au 01/03/2024``), a line or two above the names of the columns. Leading rows of one text cell
each (at most :data:`TITLE_ROWS`) followed by a row of two text cells or more are such titles: that row is the
header. Titles are records too, ahead of the others (records 0, 1... then the rows under the header), their
text in a column of their own, :data:`TITLE_COLUMN`: what they say is scanned (``Dossier de Mme Hélène
DURAND``), and it says nothing of a column. Read as the header, a title hid every column's name, so that the
names, dates of birth and phones of the columns below, which need their column's name, were not reported.

Cells keep their type where a column agrees: whole numbers (Excel stores every number as a float, so a NIR
typed as a number is ``185057800608491.0``) become integers, dates ``date32``, date-times timestamps; a column
mixing types becomes text (whole floats written without ``.0``). Empty cells are nulls.

calamine loads a sheet whole when it is opened, so memory is bounded by the largest sheet (Excel sheets stop at
1,048,576 rows); the cells go to the detector in chunks of ``batch_rows`` rows.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from leakguard.sources.base import Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.containers import Container, TableSelector
from leakguard.sources.database import check_file
from leakguard.sources.flatten import flatten_batch, record_indices

_INT64 = 2**63
#: How many one-cell rows above a sheet's header may be titles (see the module docstring).
TITLE_ROWS = 5
#: The column of the titles above a sheet's header.
TITLE_COLUMN = "(title)"


def _empty(value: Any) -> bool:
    return value is None or value == ""


def header_names(cells: Sequence[Any], width: int) -> list[str]:
    """Column names from a header row: text of each cell, ``column_N`` when empty, ``_2``... when repeated."""
    names: list[str] = []
    seen: set[str] = set()
    for i in range(width):
        cell = cells[i] if i < len(cells) else None
        base = _text(cell).strip() if not _empty(cell) else ""
        base = base or f"column_{i + 1}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < _INT64:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def column_array(values: Sequence[Any]) -> pa.Array:
    """One column of cells as an Arrow array (see the module docstring)."""
    cells = [None if _empty(v) else v for v in values]
    kinds = {type(v) for v in cells if v is not None}
    if not kinds:
        return pa.nulls(len(cells), pa.string())
    if kinds <= {int, float}:
        if all(v is None or (float(v).is_integer() and abs(v) < _INT64) for v in cells):
            return pa.array([None if v is None else int(v) for v in cells], pa.int64())
        return pa.array(cells, pa.float64())
    if kinds in ({bool}, {datetime.date}, {datetime.datetime}):
        return pa.array(cells)
    return pa.array([None if v is None else _text(v) for v in cells], pa.string())


class SheetSource(Source):
    """The records of one sheet."""

    def __init__(self, workbook: Workbook, sheet: str):
        path = workbook.table_path(sheet)
        super().__init__(workbook.file, SourceInfo(path=path, format="workbook", extra={"sheet": sheet}),
                         workbook.batch_rows)
        self.workbook = workbook
        self.sheet = sheet

    def chunks(self) -> Iterator[Chunk | Problem]:
        rows = self.workbook.rows(self.sheet, self.info.path)
        names: list[str] | None = None
        pending: list[Sequence[Any]] = []
        start = 0
        titles: list[Sequence[Any]] = []  # leading rows of one text cell: titles, or the header and records
        for cells in rows:
            if names is None:
                filled = [v for v in cells if not _empty(v)]
                if not filled:
                    if titles:
                        titles.append(cells)  # an empty row: a record if the first title is the header
                    continue
                if len(filled) == 1 and isinstance(filled[0], str) and len(titles) < TITLE_ROWS:
                    titles.append(cells)
                    continue
                if titles and len(filled) >= 2 and all(isinstance(v, str) for v in filled):
                    chunk = self._titles(titles)
                    start = chunk.rows.to_pylist()[-1] + 1
                    yield chunk
                    names = header_names(cells, len(cells))
                    continue
                if titles:  # the first one-cell row is the header: the rows after it are records
                    pending.extend(titles[1:])
                    pending.append(cells)
                    cells = titles[0]
                names = header_names(cells, len(cells))
                continue
            pending.append(cells)
            if len(pending) >= self.batch_rows:
                yield from self._chunks(names, pending, start)
                start += len(pending)
                pending = []
        if names is None and titles:  # a sheet of one-cell rows: its header and records
            names, pending = header_names(titles[0], len(titles[0])), list(titles[1:])
        if names is not None and pending:
            yield from self._chunks(names, pending, start)

    def _chunks(self, names: list[str], rows: list[Sequence[Any]], start: int) -> Iterator[Chunk]:
        for at in range(0, len(rows), self.batch_rows):
            yield self._chunk(names, rows[at:at + self.batch_rows], start + at)

    def _titles(self, rows: list[Sequence[Any]]) -> Chunk:
        """The titles above a sheet's header (the empty rows among them left out): records 0, 1... of
        :data:`TITLE_COLUMN`."""
        texts = [v for cells in rows for v in cells if not _empty(v)]
        batch = pa.RecordBatch.from_arrays([column_array(texts)], names=[TITLE_COLUMN])
        indices = record_indices(0, batch.num_rows)
        return Chunk(columns=flatten_batch(batch, indices), rows=indices)

    def _chunk(self, names: list[str], rows: list[Sequence[Any]], start: int) -> Chunk:
        width = max(len(names), max(len(r) for r in rows))
        if width > len(names):
            names = header_names(names, width)
        columns = [column_array([r[i] if i < len(r) else None for r in rows]) for i in range(width)]
        batch = pa.RecordBatch.from_arrays(columns, names=names)
        indices = record_indices(start, batch.num_rows)
        return Chunk(columns=flatten_batch(batch, indices), rows=indices)


class Workbook(Container):
    """An Excel or OpenDocument workbook (see the module docstring)."""

    kind = "workbook"

    def __init__(self, path: str, *, batch_rows: int = 65_536, display_path: str | None = None):
        super().__init__(display_path or path, batch_rows)
        self.file = path
        check_file(path, self.display)
        self._book: Any = None

    def _error(self, where: str, error: Exception) -> SourceError:
        kind = type(error).__name__
        if kind == "PasswordError":
            return SourceError(where, "the workbook is protected by a password", "remove the protection to scan it")
        lines = str(error).strip().splitlines()
        reason = " ".join(lines[0].split())[:160] if lines else kind
        return SourceError(where, f"cannot read the workbook ({reason})", "the file is corrupt or not a workbook")

    def book(self) -> Any:
        if self._book is None:
            try:
                import python_calamine
            except ImportError:
                raise SourceError(self.display, "reading workbooks needs python-calamine",
                                  "pip install python-calamine") from None
            try:
                self._book = python_calamine.CalamineWorkbook.from_path(self.file)
            except Exception as error:  # calamine's errors, and OSError
                raise self._error(self.display, error) from None
        return self._book

    def rows(self, sheet: str, where: str) -> Iterator[list[Any]]:
        """The rows of a sheet, from its first row."""
        try:
            yield from self.book().get_sheet_by_name(sheet).iter_rows()
        except SourceError:
            raise
        except Exception as error:
            raise self._error(where, error) from None

    def _tables(self, selector: TableSelector) -> Iterator[Source | SourceError]:
        try:
            sheets = [m.name for m in self.book().sheets_metadata if not str(m.typ).endswith(("ChartSheet", "Vba"))]
        except SourceError:
            raise
        except Exception as error:
            raise self._error(self.display, error) from None
        for sheet in sheets:
            if selector.wants(sheet):
                yield SheetSource(self, sheet)

    def close(self) -> None:
        if self._book is not None:
            with contextlib.suppress(Exception):
                self._book.close()
            self._book = None
