"""What every reader yields: chunks of cells with the record index of each, and the problems met.

A reader turns one file into a stream of :class:`Chunk` (bounded in size, so memory stays bounded on files
larger than RAM) interleaved with :class:`Problem` (a recoverable fault inside the file, such as one malformed
JSON line: the rest is still read). A fault that stops the whole file raises :class:`SourceError`, whose
message is one line naming the file, the problem and what to do. :class:`Source` is what
:func:`leakguard.sources.open_source` returns: the :class:`SourceInfo` of a file and its chunks.

Cells are grouped in :class:`CellColumn`: one logical column (a dotted path for nested data,
``beneficiary.nir``; ``ayants_droit.0.nir`` for the first element of a list) with its values and, for each
value, the record it belongs to. Text and log files have one column, ``line``, and set ``Chunk.text``: their
findings carry a null column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

import pyarrow as pa

#: ``sql``: a table of a SQL dump; ``database``: a database table; ``workbook``: a sheet; ``delta``, ``iceberg``:
#: a table directory of a data lake; ``arrow``: an Arrow IPC file or stream (Feather v2); ``orc``: an ORC file.
Format = Literal["parquet", "arrow", "orc", "csv", "jsonl", "text", "sql", "database", "workbook", "delta",
                 "iceberg"]


class SourceError(Exception):
    """A file that cannot be read at all. ``str(error)`` is one line for the user, without a traceback."""

    def __init__(self, path: str, problem: str, hint: str = ""):
        self.path = path
        self.problem = problem
        self.hint = hint
        super().__init__(f"{path}: {problem}" + (f"; {hint}" if hint else ""))


@dataclass(frozen=True)
class Problem:
    """A recoverable fault inside a file: ``row`` is the 0-based record (line) index where known.

    ``as_text`` marks a record that could not be parsed (a CSV row with the wrong number of fields, a line
    that is not JSON or too long to be parsed): it is still read, as one text line, and writers keep it as
    written but for the values replaced in it.
    """

    path: str
    message: str
    row: int | None = None
    as_text: bool = False


@dataclass
class CellColumn:
    """Cells of one logical column: ``values[i]`` belongs to record ``rows[i]``.

    ``values`` is any Arrow array of a primitive type (string, large string, dictionary of strings, integers,
    floats, booleans, dates, timestamps); ``rows`` is an int64 array of the same length.
    """

    name: str
    values: pa.Array
    rows: pa.Array


@dataclass(frozen=True)
class LinePart:
    """Where the one cell of a window of a long line sits (:mod:`leakguard.sources.windows`).

    The cell holds ``lead`` characters of context (the end of the window before), then the window's own
    text, which starts at character ``offset`` of the line. Findings in the lead belong to the window before.
    """

    offset: int
    lead: int
    first: bool
    last: bool


@dataclass
class Chunk:
    """A bounded group of consecutive records of one file."""

    columns: list[CellColumn]
    #: record indices of every record in the chunk (also those whose cells are all null), int64
    rows: pa.Array
    #: lines of a text/log file (one column, ``line``): findings get a null column
    text: bool = False
    #: the original line of each record, for JSON lines and text (writers keep untouched lines byte-identical);
    #: for CSV, each record exactly as written, its line end and the blank lines after it included
    raw: pa.Array | None = None
    #: the original, unflattened batch, for Parquet and CSV (writers rebuild it)
    batch: pa.RecordBatch | None = None
    #: set on the windows of a line too long to be one record; ``rows`` is empty but on its first window
    part: LinePart | None = None
    #: text lines: what the lines above each one say (section header, previous line; see linecontext)
    context: pa.Array | None = None
    #: text lines: the header line of the table each line is a row of, or null (see linetables); None: no rows
    table_headers: pa.Array | None = None
    #: JSON lines and text: each record's line end as written (``\\n``, ``\\r\\n`` or ``\\r``), or None when
    #: every one is ``info.newline`` (the last line's is written only when ``info.final_newline``)
    line_ends: list[str] | None = None


@dataclass
class SourceInfo:
    """What a reader found out about a file, for writers that must produce the same format."""

    path: str
    format: Format
    compression: str | None = None  # "gzip", "xz", "bzip2", "zstd", or None (told by the magic bytes)
    #: "utf-8", "utf-8-sig" (BOM), "cp1252", "utf-16-le" or "utf-16-be" (UTF-16 always with its BOM)
    encoding: str = "utf-8"
    delimiter: str | None = None  # CSV
    newline: str = "\n"  # text, JSON lines and CSV: the first line's end ("\n", "\r\n" or "\r")
    final_newline: bool = True  # whether the last line ends with a newline
    schema: pa.Schema | None = None  # Parquet, Arrow, ORC: the file's schema (with its key-value metadata)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def compressed(self) -> bool:
        """Whether the file is compressed (gzip, xz, bzip2 or zstd)."""
        return self.compression is not None


class Source:
    """One opened file: what it is (``info``) and its records as a stream of chunks.

    ``chunks()`` may be called more than once; each call reads the file again from its start. Use it as a
    context manager (or call ``close()``) to release the file handles and temporary files.
    """

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536):
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        #: the file system path (``info.path`` is the path shown to the user)
        self.path = path
        self.info = info
        self.batch_rows = batch_rows

    def chunks(self) -> Iterator[Chunk | Problem]:
        """Chunks of at most ``batch_rows`` records, and the recoverable problems met, in file order."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source holds open (idempotent)."""

    def __enter__(self) -> Source:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.info.path!r} {self.info.format}>"
