"""What the database readers share: Arrow batches made scannable, cut to ``batch_rows``, as chunks.

Database drivers give Arrow types the detector does not read as cell text; :func:`scannable` turns them into
ones it does, without a Python loop per cell:

* extension types (``arrow.json`` for PostgreSQL ``json``/``jsonb`` and DuckDB ``JSON``, ``arrow.opaque``
  for PostgreSQL ``numeric``) become their storage (JSON documents are scanned as text, like JSON payloads in
  logs: ``"nir": "1850578006084 91"`` is found with its key as context);
* decimals of scale 0 that fit int64 become int64 (a NIR in a ``NUMERIC(15)`` column), other decimals
  become their text;
* lists and structs are converted element by element and flattened later as for Parquet (``telephones.0``).

:class:`BatchSource` is the :class:`~leakguard.sources.base.Source` of one table of a database: it reads the
batches a reader function gives, cut or joined to ``batch_rows`` rows, and numbers the rows in the order read.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable, Iterable, Iterator

import pyarrow as pa

from leakguard.sources.base import Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.flatten import flatten_batch, record_indices


def scannable_type(kind: pa.DataType) -> pa.DataType:
    """The type :func:`scannable` converts ``kind`` to."""
    if isinstance(kind, pa.BaseExtensionType):
        return scannable_type(kind.storage_type)
    if pa.types.is_decimal(kind):
        return pa.int64() if kind.scale == 0 and kind.precision <= 18 else pa.string()
    if pa.types.is_list(kind):
        return pa.list_(scannable_type(kind.value_type))
    if pa.types.is_large_list(kind):
        return pa.large_list(scannable_type(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct([field.with_type(scannable_type(field.type)) for field in kind])
    return kind


def _convert(array: pa.Array, target: pa.DataType) -> pa.Array:
    if array.type == target:
        return array
    if isinstance(array, pa.ExtensionArray):
        return _convert(array.storage, target)
    kind = array.type
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        offsets = array.offsets
        values = _convert(array.values, target.value_type)
        builder = pa.ListArray if pa.types.is_list(kind) else pa.LargeListArray
        mask = array.is_null() if array.null_count else None
        return builder.from_arrays(offsets, values, type=target, mask=mask)
    if pa.types.is_struct(kind):
        children = [_convert(array.field(i), field.type) for i, field in enumerate(target)]
        mask = array.is_null() if array.null_count else None
        return pa.StructArray.from_arrays(children, fields=list(target), mask=mask)
    return array.cast(target)


def scannable(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` with every column in a type the detector reads (see the module docstring)."""
    targets = [scannable_type(field.type) for field in batch.schema]
    if all(target == field.type for target, field in zip(targets, batch.schema)):
        return batch
    arrays = [_convert(column, target) for column, target in zip(batch.columns, targets)]
    fields = [pa.field(field.name, target) for field, target in zip(batch.schema, targets)]
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def rebatch(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """The rows of ``batches`` again, in batches of exactly ``rows`` rows (the last may be shorter)."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        while batch.num_rows:
            take = min(rows - count, batch.num_rows)
            pending.append(batch.slice(0, take))
            count += take
            batch = batch.slice(take)
            if count == rows:
                yield _combine(pending)
                pending, count = [], 0
    if count:
        yield _combine(pending)


def _combine(parts: list[pa.RecordBatch]) -> pa.RecordBatch:
    if len(parts) == 1:
        return parts[0]
    return pa.Table.from_batches(parts).combine_chunks().to_batches()[0]


class BatchSource(Source):
    """One table of a database: ``read()`` gives its record batches; chunks of ``batch_rows`` rows."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int,
                 read: Callable[[], Iterator[pa.RecordBatch | Problem]]):
        super().__init__(path, info, batch_rows)
        self._read = read

    def chunks(self) -> Iterator[Chunk | Problem]:
        start = 0
        problems: list[Problem] = []

        def batches() -> Iterator[pa.RecordBatch]:
            for item in self._read():
                if isinstance(item, Problem):
                    problems.append(item)
                else:
                    yield item

        for batch in rebatch(batches(), self.batch_rows):
            yield from problems
            problems.clear()
            batch = scannable(batch)
            rows = record_indices(start, batch.num_rows)
            start += batch.num_rows
            yield Chunk(columns=flatten_batch(batch, rows), rows=rows)
        yield from problems


def file_of_uri(uri: str) -> str:
    """The file a ``sqlite:`` or ``duckdb:`` URI names: ``sqlite:///srv/app.db`` -> ``/srv/app.db``,
    ``sqlite:app.db`` -> ``app.db`` (relative); percent-escapes decoded, any query string ignored."""
    rest = uri.partition(":")[2].partition("?")[0]
    if rest.startswith("//"):
        authority, _, path = rest[2:].partition("/")
        if authority not in ("", "localhost"):
            raise SourceError(uri, f"a {uri.partition(':')[0]} URI names a local file, not a host",
                              "write sqlite:///absolute/path.db or sqlite:relative/path.db")
        rest = "/" + path
    return urllib.parse.unquote(rest)


def check_file(path: str, display: str) -> None:
    """Raise the usual :class:`SourceError` when ``path`` is not a readable file."""
    if not os.path.exists(path):
        raise SourceError(display, "no such file or directory")
    if os.path.isdir(path):
        raise SourceError(display, "is a directory, not a file")
    if not os.access(path, os.R_OK):
        raise SourceError(display, "permission denied", "check the file's read permission")
