"""The findings contract: one finding is one span of one cell, or of one text line.

The schema below is shared by every reporter, by the baseline of the pre-commit hook, by the Spark adapters
and by tools outside this repository (see ``DESIGN.md``, "Findings"); fields and types do not change.

==========  =========  =================================================================================
field       type       meaning
==========  =========  =================================================================================
path        string     the file as given on the command line (absent for in-memory tables)
row         int64      0-based record index: table row, CSV data row, JSON line, or text line
column      string     column name, dotted path for nested fields (``beneficiary.nir``); null for text
start, end  int32      character offsets (Python ``str`` indices) in the cell text; whole cell: 0, len
entity      string     one of the entity names (``FR_NIR``, ``PERSON``, ...)
score       float64    0..1
preview     string     masked value (``1 85 05 •• ••• ••• ••``), never the raw value
==========  =========  =================================================================================

The cell text of a non-string value is its decimal string for integers and ``YYYY-MM-DD`` for dates; a float
column of whole numbers (a NIR column gone through pandas, with missing values) is read as integers.
"""

from __future__ import annotations

import pyarrow as pa

from recognizers import all_records

TABLE_FIELDS = [
    pa.field("row", pa.int64(), nullable=False),
    pa.field("column", pa.string()),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("entity", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("preview", pa.string(), nullable=False),
]
#: Findings of an in-memory table or batch (``leakguard.scan_table``).
TABLE_SCHEMA = pa.schema(TABLE_FIELDS)
#: Findings of files: the same, with the path first.
FILE_SCHEMA = pa.schema([pa.field("path", pa.string(), nullable=False), *TABLE_FIELDS])

#: The entity names of the contract (one record each, :func:`recognizers.all_records`), in its order. More may be
#: added; these do not change.
ENTITIES = tuple(record.name for record in all_records())


def empty(schema: pa.Schema = TABLE_SCHEMA) -> pa.Table:
    """A findings table with no rows."""
    return schema.empty_table()


def with_path(findings: pa.Table, path: str) -> pa.Table:
    """Add the ``path`` column in front of table findings."""
    column = pa.array([path] * findings.num_rows, pa.string())
    return pa.Table.from_arrays([column, *findings.columns], schema=FILE_SCHEMA)
