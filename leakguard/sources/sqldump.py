"""SQL dump files (``.sql``, ``.sql.gz``): each table's rows read as a table named ``dump.sql#TABLE``.

Plain dumps of ``pg_dump`` (``COPY ... FROM stdin`` blocks, or ``INSERT`` statements with ``--inserts``) and of
``mysqldump``/MariaDB (``INSERT INTO ... VALUES (...),(...)``) are read as a stream
(:mod:`~leakguard.sources.sqlscript`), block by block, never whole: memory is bounded by ``batch_rows`` rows.
The dump is read once from start to end; its tables are given in the order their data appears. A table whose
rows come in two separate places of a dump is given twice, its rows numbered on from the first.
An empty dump (or a compressed stream of nothing) has no tables; 0 bytes named ``.sql.gz`` were cut short.

Values are typed from the ``CREATE TABLE`` before the data (:func:`column_kind`): integer columns become
integers, ``date`` columns dates, one-dimensional arrays (``text[]``, ``bigint[]``) lists, everything else text
as the dump writes it (JSON documents, numerics, timestamps, booleans); a value that does not fit its type
leaves the column's batch as text. Without a ``CREATE TABLE``, INSERT columns holding only bare integers are
integers. This keeps what the detector finds the same as in the database and lets ``pseudonymise`` write
values that restore (an integer token into a ``bigint`` column, a date into a ``date`` column).
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any, TextIO

import pyarrow as pa

from leakguard.sources.base import Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.containers import Container, TableSelector
from leakguard.sources.flatten import flatten_batch, record_indices
from leakguard.sources.sniff import cut_short_if_empty, detect_encoding
from leakguard.sources.sqlscript import DumpParser, DumpTable, End, Rows, Verbatim
from leakguard.sources.sqltext import array_decode, array_encode
from leakguard.sources.streams import SAMPLE_BYTES, Utf8Stream, complete_utf8_length, open_bytes

_INTEGER_BITS = {"tinyint": 8, "smallint": 16, "int2": 16, "smallserial": 16, "serial2": 16, "mediumint": 32,
                 "integer": 32, "int": 32, "int4": 32, "serial": 32, "serial4": 32, "bigint": 64, "int8": 64,
                 "bigserial": 64, "serial8": 64}
_ARRAY_SUFFIX = re.compile(r"(?:\s*\[\d*\])+$|\s+array(?:\s*\[\d*\])?$")
_FIRST_WORD = re.compile(r"[a-z0-9_]+")


def column_kind(declared: str) -> str:
    """``int8`` .. ``int64``, ``date``, ``text``, or ``array:KIND`` for a declared SQL type (lower case).

    >>> [column_kind(t) for t in ("bigint", "int(11) unsigned", "date", "text[]", "numeric(10,2)", "")]
    ['int64', 'int64', 'date', 'array:text', 'text', 'text']
    """
    declared = declared.strip().lower()
    if _ARRAY_SUFFIX.search(declared):
        inner = column_kind(_ARRAY_SUFFIX.sub("", declared))
        return f"array:{inner}"
    word = _FIRST_WORD.match(declared)
    name = word.group(0) if word else ""
    if name in _INTEGER_BITS:
        bits = _INTEGER_BITS[name] * (2 if "unsigned" in declared else 1)
        return f"int{bits}" if bits <= 64 else "text"
    return "date" if name == "date" else "text"


def _typed(texts: pa.Array, kind: str) -> pa.Array:
    if kind.startswith("int"):
        target: pa.DataType = getattr(pa, kind)()
    elif kind == "date":
        target = pa.date32()
    else:
        return texts
    try:
        return texts.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return texts


def _array_column(values: tuple[str | None, ...], kind: str) -> pa.Array | None:
    lists: list[list[str | None] | None] = []
    for value in values:
        if value is None:
            lists.append(None)
            continue
        items = array_decode(value)
        if items is None:
            return None
        lists.append(items)
    array = pa.array(lists, pa.list_(pa.string()))
    element = _typed(array.values, kind)
    if element.type == array.values.type:
        return array
    return pa.ListArray.from_arrays(array.offsets, element, mask=array.is_null() if array.null_count else None)


def table_batch(table: DumpTable, values: list[list[str | None]], kinds: list[str] | None = None) -> pa.RecordBatch:
    """The rows of ``table`` as an Arrow batch, typed as the module docstring says."""
    width = len(table.columns)
    columns: list[tuple[str | None, ...]] = list(zip(*values)) if values else [()] * width
    arrays = []
    for j in range(width):
        kind = column_kind(table.types[j]) if j < len(table.types) and table.types[j] else "text"
        if kind == "text" and kinds and not (j < len(table.types) and table.types[j]):
            letters = {row[j] for row in kinds}
            if letters <= {"n", "N"} and "n" in letters:
                kind = "int64"
        texts = pa.array(columns[j], pa.string())
        array = None
        if kind.startswith("array:"):
            array = _array_column(columns[j], kind[len("array:") :])
        arrays.append(array if array is not None else _typed(texts, kind))
    return pa.RecordBatch.from_arrays(arrays, names=list(table.columns))


def cell_text(value: Any) -> str | None:
    """The text a dump holds for one Arrow value (of a typed dump batch)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return array_encode([cell_text(item) for item in value])
    return str(value)


# --- the container ------------------------------------------------------------------------------------------


def dump_info(path: str, display: str) -> SourceInfo:
    """What the dump's first bytes say: its compression, and the encoding (:func:`detect_encoding`)."""
    raw, compression = open_bytes(path, display)
    with raw:
        sample = raw.read_full(SAMPLE_BYTES + 1)
    if not sample and cut_short_if_empty(display, compression):  # 0 bytes named .sql.gz: no gzip stream
        raise SourceError(display, "empty file", "cut short?")
    complete = len(sample) <= SAMPLE_BYTES
    sample = sample if complete else sample[: complete_utf8_length(sample[:SAMPLE_BYTES])]
    return SourceInfo(path=display, format="sql", compression=compression,
                      encoding=detect_encoding(sample, complete))


def dump_text(path: str, display: str, encoding: str) -> TextIO:
    """The dump's text, gunzipped and decoded, newlines as written."""
    raw, _ = open_bytes(path, display)
    return io.TextIOWrapper(io.BufferedReader(Utf8Stream(raw, encoding)), encoding="utf-8", newline="")


class _Pushback:
    """An event stream one can push events back into."""

    def __init__(self, events: Iterator[Verbatim | Rows | End]):
        self._events = events
        self._back: list[Verbatim | Rows | End] = []

    def next(self) -> Verbatim | Rows | End | None:
        if self._back:
            return self._back.pop()
        return next(self._events, None)

    def push(self, event: Verbatim | Rows | End) -> None:
        self._back.append(event)


class DumpTableSource(Source):
    """The rows of one table of a dump, from where the dump's stream stands (or, read again, the whole dump)."""

    def __init__(self, dump: SqlDump, name: str, stream: _Pushback | None, first_row: int):
        path = dump.table_path(name)
        super().__init__(dump.path, SourceInfo(path=path, format="sql", compression=dump.compression,
                                               encoding=dump.encoding, extra={"table": name}), dump.batch_rows)
        self.dump = dump
        self.name = name
        self._stream = stream
        self._first_row = first_row

    def chunks(self) -> Iterator[Chunk | Problem]:
        live = self._stream is not None
        stream = self._stream if self._stream is not None else _Pushback(self.dump.events())
        start = self._first_row if live else 0
        self._stream = None
        values: list[list[str | None]] = []
        kinds: list[str] = []
        table: DumpTable | None = None
        while True:
            try:
                event = stream.next()
            except SourceError:  # a truncated dump: the rows read before the cut are scanned, then the error
                self.dump.broken = True
                if table is not None and values:
                    yield self._chunk(table, values, kinds, start)
                raise
            if event is None:
                break
            if isinstance(event, Verbatim):
                continue
            if isinstance(event, End) or event.table.name != self.name:
                if live:  # the end of this part: the event is the container's
                    stream.push(event)
                    break
                continue  # read again: this table's rows anywhere in the dump
            for problem in event.problems:
                yield Problem(self.info.path, problem.message, problem.row)
            if table is not None and event.table is not table and values:
                yield self._chunk(table, values, kinds, start)
                start += len(values)
                values, kinds = [], []
            table = event.table
            values.extend(event.values)
            if event.kinds is not None:
                kinds.extend(event.kinds)
            while len(values) >= self.batch_rows:
                size = self.batch_rows
                yield self._chunk(table, values[:size], kinds[:size], start)
                start += size
                del values[:size], kinds[:size]
        if table is not None and values:
            yield self._chunk(table, values, kinds, start)
            start += len(values)
        if live:
            self.dump.rows_read[self.name] = start

    def drain(self) -> None:
        """Skip what nobody read of this table's rows (when ``chunks()`` was never called)."""
        if self._stream is not None:
            for _ in self.chunks():
                pass

    def _chunk(self, table: DumpTable, values: list[list[str | None]], kinds: list[str], start: int) -> Chunk:
        batch = table_batch(table, values, kinds or None)
        rows = record_indices(start, batch.num_rows)
        return Chunk(columns=flatten_batch(batch, rows), rows=rows, batch=batch)


class SqlDump(Container):
    """A plain SQL dump (see the module docstring)."""

    kind = "dump"

    def __init__(self, path: str, *, batch_rows: int = 65_536, display_path: str | None = None):
        super().__init__(display_path or path, batch_rows)
        self.path = path
        info = dump_info(path, self.display)
        self.compression, self.encoding = info.compression, info.encoding
        #: rows given so far per table name (a table met again is numbered on)
        self.rows_read: dict[str, int] = {}

    def events(self) -> Iterator[Verbatim | Rows | End]:
        """The dump's events (:mod:`~leakguard.sources.sqlscript`), read from its start."""
        with dump_text(self.path, self.display, self.encoding) as text:
            yield from DumpParser(text, self.display).events()

    def _tables(self, selector: TableSelector) -> Iterator[Source | SourceError]:
        stream = _Pushback(self.events())
        skipping: str | None = None
        while True:
            event = stream.next()
            if event is None:
                return
            if isinstance(event, End):
                if not event.complete:
                    yield SourceError(self.display, "truncated dump: the dump tool's closing comment is missing",
                                      "the file is incomplete")
                continue
            if not isinstance(event, Rows) or event.table.name == skipping:
                continue
            name = event.table.name
            if not selector.wants(name):
                skipping = name
                continue
            skipping = None
            stream.push(event)
            part = DumpTableSource(self, name, stream, self.rows_read.get(name, 0))
            yield part
            part.drain()
            skipping = name  # rows the consumer left unread when it stopped early
