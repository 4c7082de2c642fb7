"""The text of findings, read back from the chunk they were found in, inside the scanning process.

Findings carry masked previews only, but exposure needs a little of what they point at: the normal form of
each NIR (to count people), a date of birth (a quasi-identifier). :func:`span_texts` reads the spans of some
findings from the chunk's cells, once per chunk, so exposure works the same whether or not values were
asked for (``--show-values``) and never makes a value leave the process: callers turn the texts into keyed
identifiers (:mod:`.keyed`) at once and drop them.

The cell text is the one of the findings contract (:func:`cell_text`): strings as they are, integers and
decimals of scale 0 as their decimal string, floats of whole numbers as integers, dates as ISO
``YYYY-MM-DD``, binary cells as UTF-8 where they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.sources.base import CellColumn, Chunk
from leakguard.sources.celltext import decode_binary, is_binary, is_integral_decimal


def cell_text(values: pa.Array) -> pa.Array:
    """The cell text of ``values`` as a string array (null where a cell is null or has no text)."""
    kind = values.type
    if pa.types.is_dictionary(kind):
        if is_binary(kind.value_type):
            return decode_binary(values).text
        values, kind = values.dictionary_decode(), kind.value_type
    if is_binary(kind):
        return decode_binary(values).text
    if pa.types.is_string(kind):
        return values
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return values.cast(pa.string())
    if pa.types.is_floating(kind):
        whole = pc.fill_null(pc.equal(pc.floor(values), values), False)
        whole = pc.and_(whole, pc.less(pc.abs(values), 2.0**53))
        integers = pc.cast(pc.if_else(whole, values, None), pa.int64())
        return pc.cast(integers, pa.string())
    if pa.types.is_integer(kind) or is_integral_decimal(kind):
        return pc.cast(values, pa.string())
    if pa.types.is_timestamp(kind):
        return pc.strftime(values, format="%Y-%m-%d")
    if pa.types.is_date(kind):
        return pc.cast(values, pa.string())
    return pa.nulls(len(values), pa.string())


def _column_of(chunk: Chunk, name: str | None) -> CellColumn | None:
    if chunk.text:
        return chunk.columns[0] if chunk.columns else None
    for column in chunk.columns:
        if column.name == name:
            return column
    return None


def _positions(column_rows: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each record of ``rows`` is in ``column_rows`` (a column's record indices), and whether it is."""
    if len(column_rows) == 0:
        return np.zeros(len(rows), np.int64), np.zeros(len(rows), bool)
    order = None
    if len(column_rows) > 1 and not bool(np.all(column_rows[1:] >= column_rows[:-1])):
        order = np.argsort(column_rows, kind="stable")
        column_rows = column_rows[order]
    at = np.minimum(np.searchsorted(column_rows, rows), len(column_rows) - 1)
    present = column_rows[at] == rows
    return (at if order is None else order[at]), present


def finding_cells(chunk: Chunk, findings: pa.Table) -> Iterator[tuple[np.ndarray, pa.Array]]:
    """For each column of the chunk holding some of the findings: the positions of those findings (indexing
    ``findings``) and their cells, as stored (not turned into text). Findings whose cell is not in the chunk
    (names, ``row`` -1) are left out."""
    rows = findings.column("row").to_numpy()
    columns = findings.column("column")
    names = [None] if chunk.text else [n for n in pc.unique(columns).to_pylist() if n is not None]
    for name in names:
        column = _column_of(chunk, name)
        if column is None:
            continue
        if chunk.text:
            mine = np.flatnonzero(rows >= 0)
        else:
            mine = np.flatnonzero(pc.fill_null(pc.equal(columns, name), False).to_numpy(zero_copy_only=False))
            mine = mine[rows[mine] >= 0]
        at, present = _positions(column.rows.to_numpy(), rows[mine])
        mine, at = mine[present], at[present]
        if len(mine):
            yield mine, column.values.take(pa.array(at))


def span_texts(chunk: Chunk, findings: pa.Table) -> tuple[np.ndarray, pa.Array]:
    """The text of each finding's span: ``(positions, texts)``, ``positions`` indexing ``findings``.

    Spans that are whole cells are taken in Arrow; the others (a NIR inside a comment) are cut in Python, one
    by one.
    """
    positions: list[np.ndarray] = []
    texts: list[pa.Array] = []
    all_starts = findings.column("start").to_numpy()
    all_ends = findings.column("end").to_numpy()
    for mine, values in finding_cells(chunk, findings):
        cells = cell_text(values)
        starts, ends = all_starts[mine], all_ends[mine]
        lengths = pc.fill_null(pc.utf8_length(cells), -1).to_numpy(zero_copy_only=False)
        partial = ~((starts == 0) & (ends == lengths))
        if partial.any():
            where = np.flatnonzero(partial)
            whole_texts = cells.take(pa.array(where)).to_pylist()
            cut = [text[s:e] if text is not None else None
                   for text, s, e in zip(whole_texts, starts[where].tolist(), ends[where].tolist())]
            cells = pc.replace_with_mask(cells, pa.array(partial), pa.array(cut, pa.string()))
        positions.append(mine)
        texts.append(cells)
    if not positions:
        return np.zeros(0, np.int64), pa.array([], pa.string())
    return np.concatenate(positions), pa.concat_arrays(texts)


def cells_read(chunk: Chunk, entities: tuple[str, ...], columns: Callable[[str], bool], findings: pa.Table,
               held: pa.Table | None) -> Chunk:
    """The part of ``chunk`` that exposure reads (:class:`~leakguard.report.exposure.ExposureTracker`): its
    records, and the cells of the columns holding some of ``findings`` of ``entities`` or NIRs ``held`` for
    their column's decision, or named as ``columns`` says (quasi-identifiers); of text lines, the lines
    holding them (a window of a long line whole). A worker process sends this back with the chunk's findings:
    the other cells stay there."""
    if chunk.text and chunk.part is not None:  # a window of a long line: its one cell
        return Chunk(columns=chunk.columns, rows=chunk.rows, text=True, part=chunk.part)
    mine = findings.filter(pc.is_in(findings["entity"], pa.array(entities, pa.string())))
    if held is not None:
        mine = pa.concat_tables([mine.select(["row", "column"]), held.select(["row", "column"])])
    if chunk.text:
        lines = [CellColumn(column.name, column.values.filter(taken), column.rows.filter(taken))
                 for column in chunk.columns
                 for taken in [pc.is_in(column.rows, pc.unique(mine["row"]))]]
        return Chunk(columns=lines, rows=chunk.rows, text=True, part=chunk.part)
    named = set(pc.unique(mine["column"]).to_pylist())
    kept = [column for column in chunk.columns if column.name in named or columns(column.name)]
    return Chunk(columns=kept, rows=chunk.rows, part=chunk.part)
