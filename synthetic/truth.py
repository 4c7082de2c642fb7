"""Ground truth: where the generated data holds personal data, span by span.

Every generator of this package returns its data together with a :data:`GroundTruth`, an Arrow table with
one row per true span, in the coordinates of the findings contract (``DESIGN.md``, "Findings"):

==========  ======  ==========================================================================
field       type    meaning
==========  ======  ==========================================================================
row         int64   0-based record index: table row, CSV data row, JSON line, or log line
column      string  column name, dotted path for nested fields (``beneficiary.nir``,
                    ``ayants_droit.0.nir``); null for log lines
start, end  int32   character offsets in the cell text (whole cells: ``0, len``)
entity      string  the entity name (``FR_NIR``, ``PERSON``, ...)
==========  ======  ==========================================================================

The cell text of an int64 is its decimal string and of a date32 its ISO ``YYYY-MM-DD`` form, as in the
contract. Decoys (invoice numbers, care dates, amounts, postcodes, SIRET, trace ids, NIR-shaped numbers with a
wrong key) have no span: a tool that reports them is wrong. Truth files carry locations only, like findings.

:class:`TextBuilder` assembles a free-text string piece by piece and records the spans of the entities it
injects, so offsets are computed, never searched for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TRUTH_SCHEMA = pa.schema(
    [
        pa.field("row", pa.int64(), nullable=False),
        pa.field("column", pa.string()),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
        pa.field("entity", pa.string(), nullable=False),
    ]
)

#: An Arrow table of :data:`TRUTH_SCHEMA`, sorted by row, column and start.
GroundTruth: TypeAlias = pa.Table

Span = tuple[int, int, str]  # start, end, entity


class TextBuilder:
    """Build a string from literal pieces and entity values, keeping the offsets of the entities.

    >>> b = TextBuilder()
    >>> b.add("Appel de Mme ").entity("Martin", "PERSON").add(".")  # doctest: +ELLIPSIS
    <...TextBuilder object at ...>
    >>> b.text, b.spans
    ('Appel de Mme Martin.', [(13, 19, 'PERSON')])
    """

    __slots__ = ("_parts", "_pos", "spans")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self.spans: list[Span] = []

    def add(self, text: str) -> TextBuilder:
        self._parts.append(text)
        self._pos += len(text)
        return self

    def entity(self, text: str, entity: str | None) -> TextBuilder:
        """Append ``text``; record it as a span of ``entity`` (``None``: a decoy, no span)."""
        if entity is not None:
            self.spans.append((self._pos, self._pos + len(text), entity))
        return self.add(text)

    @property
    def text(self) -> str:
        return "".join(self._parts)


class SpanCollector:
    """Accumulate spans of many records, then turn them into a :data:`GroundTruth` table."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.columns: list[str | None] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.entities: list[str] = []

    def add(self, row: int, column: str | None, spans: Iterable[Span], offset: int = 0) -> None:
        for start, end, entity in spans:
            self.rows.append(row)
            self.columns.append(column)
            self.starts.append(start + offset)
            self.ends.append(end + offset)
            self.entities.append(entity)

    def whole(self, row: int, column: str | None, text: str | None, entity: str) -> None:
        """A whole-cell span (nothing for a null or empty cell)."""
        if text:
            self.add(row, column, [(0, len(text), entity)])

    def table(self) -> GroundTruth:
        return pa.Table.from_arrays(
            [
                pa.array(self.rows, pa.int64()),
                pa.array(self.columns, pa.string()),
                pa.array(self.starts, pa.int32()),
                pa.array(self.ends, pa.int32()),
                pa.array(self.entities, pa.string()),
            ],
            schema=TRUTH_SCHEMA,
        )


def cell_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The contract's cell text of an array: strings as they are, int64 in decimal, date32 as ISO."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values
    return pc.cast(values, pa.string())  # date32 casts to ISO YYYY-MM-DD


def whole_cells(table: pa.Table, entities: dict[str, str]) -> GroundTruth:
    """Whole-cell spans of every non-null, non-empty cell of the columns named in ``entities``."""
    parts = []
    for column, entity in entities.items():
        text = cell_text(table.column(column))
        length = pc.fill_null(pc.utf8_length(text), 0)
        rows = np.flatnonzero(length.to_numpy(zero_copy_only=False) > 0)
        ends = pc.take(length, pa.array(rows)).cast(pa.int32())
        parts.append(
            pa.Table.from_arrays(
                [
                    pa.array(rows, pa.int64()),
                    pa.repeat(pa.scalar(column, pa.string()), len(rows)),
                    pa.array(np.zeros(len(rows), np.int32), pa.int32()),
                    ends,
                    pa.repeat(pa.scalar(entity, pa.string()), len(rows)),
                ],
                schema=TRUTH_SCHEMA,
            )
        )
    return concat(parts)


def concat(parts: Sequence[GroundTruth]) -> GroundTruth:
    """Join truth tables and sort them by row, column and start."""
    if not parts:
        return TRUTH_SCHEMA.empty_table()
    table = pa.concat_tables(parts).combine_chunks()
    return table.sort_by([("row", "ascending"), ("column", "ascending"), ("start", "ascending")])


def rename_columns(truth: GroundTruth, names: dict[str, str]) -> GroundTruth:
    """The same spans with column names mapped through ``names`` (others kept)."""
    encoded = pc.dictionary_encode(truth.column("column").combine_chunks())
    dictionary = pa.array([names.get(c, c) for c in encoded.dictionary.to_pylist()], pa.string())
    renamed = pc.take(dictionary, encoded.indices)
    return truth.set_column(1, TRUTH_SCHEMA.field("column"), renamed)
