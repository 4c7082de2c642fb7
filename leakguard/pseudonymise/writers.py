"""Writers that put pseudonymised chunks back into the input's own format, chunk by chunk.

Each writer reads a :class:`~leakguard.sources.base.Source` chunk by chunk, asks a
:class:`~leakguard.pseudonymise.rewrite.Rewriter` for the chunk's edits, and writes the chunk out at once, so
memory is bounded by one chunk whatever the file size. What each keeps of the input:

=========  ======================================================================================================
format     kept
=========  ======================================================================================================
Parquet    the Arrow schema (names, order, types, nullability, field metadata) and the file's key-value
           metadata, plus a ``leakguard`` key (version, policy, key fingerprint), identifiers in names and
           metadata replaced (:mod:`leakguard.pseudonymise.structure`); binary, fixed-size binary and
           decimal columns in their own type (:mod:`leakguard.pseudonymise.stored`); the compression codec
           of the input's first column; row groups of the input's row-group size; column statistics
           computed from the values written (never the input's min/max)
CSV        the delimiter, the encoding (UTF-8, UTF-8 with BOM, cp1252), the header line exactly as written,
           the newline style and the final newline; cells are quoted only when they must be (the delimiter,
           a quote or a line break inside), and cells without findings keep their text
JSON lines lines without findings byte for byte; lines with findings re-serialised in their own style
           (:mod:`leakguard.pseudonymise.jsonlines`); lines that are not JSON are treated as text lines
text/logs  every character outside a replaced span; the newline style and the final newline
=========  ======================================================================================================

A gzip input (``.gz``, told by its magic bytes) gives a gzip output, written without a name or time stamp
in its header so that the same input and key give the same bytes.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from leakguard.pseudonymise import jsonlines
from leakguard.pseudonymise.operators import OperatorProblem
from leakguard.pseudonymise.rewrite import ChunkEdits, ChunkRewriter, ColumnEdit, Rewriter
from leakguard.pseudonymise.structure import conform, rewrite_schema, rewrite_texts
from leakguard.sources import rebuild_batch
from leakguard.sources.base import CellColumn, Chunk, Problem, Source
from leakguard.sources.lines import LINE_COLUMN
from leakguard.sources.streams import BLOCK_BYTES, Utf8Stream, complete_utf8_length, open_bytes

#: Called after each chunk with the number of records written so far.
Progress = Callable[[int], None]
#: Called with each chunk's edits and record count, and with each problem met (for the report).
Collector = Callable[[ChunkEdits | Problem, int], None]


def _latin1_fallback(error: UnicodeError) -> tuple[bytes, int]:
    """Encode error handler: characters U+0080-U+00FF that cp1252 lacks go back to their byte, others ``?``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return bytes(ord(c) if ord(c) < 256 else ord("?") for c in text), error.end


#: Codec error handler for writing cp1252: the undefined bytes the readers decoded as U+0081... go back.
LATIN1_FALLBACK = "leakguard-latin1-fallback"
codecs.register_error(LATIN1_FALLBACK, _latin1_fallback)


class TextEncoder:
    """Encodes text in a file's encoding; the UTF-8 byte-order mark once, at the start."""

    def __init__(self, encoding: str):
        self.codec = "cp1252" if encoding == "cp1252" else "utf-8"
        self.errors = LATIN1_FALLBACK if self.codec == "cp1252" else "strict"
        self.bom = codecs.BOM_UTF8 if encoding == "utf-8-sig" else b""

    def encode(self, text: str) -> bytes:
        if self.codec == "utf-8":
            return text.encode("utf-8", "surrogatepass")
        return text.encode(self.codec, self.errors)


@contextlib.contextmanager
def open_output(path: str, *, gz: bool) -> Iterator[BinaryIO]:
    """``path`` opened for writing bytes; gzip-compressed (no name, no time stamp) when ``gz``."""
    with open(path, "wb") as raw:
        if gz:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed:
                yield compressed  # type: ignore[misc]
        else:
            yield raw
        raw.flush()


def _chunks(source: Source, collect: Collector) -> Iterator[Chunk]:
    for item in source.chunks():
        if isinstance(item, Problem):
            collect(item, 0)
        else:
            yield item


# --- Parquet --------------------------------------------------------------------------------------------------


def _parquet_layout(source: Source) -> tuple[str, int | None]:
    """The compression codec of the input's first column chunk and the row count of its first row group."""
    if source.info.compressed:
        return "zstd", None
    try:
        metadata = pq.ParquetFile(source.path).metadata
        if metadata.num_row_groups and metadata.num_columns:
            group = metadata.row_group(0)
            codec = group.column(0).compression.lower()
            return ("none" if codec == "uncompressed" else codec), max(group.num_rows, 1)
    except (pa.ArrowException, OSError):
        pass
    return "snappy", None


def write_parquet(source: Source, out_path: str, rewriter: ChunkRewriter, collect: Collector,
                  metadata: dict[str, Any], progress: Progress | None = None, *,
                  names: Rewriter | None = None) -> None:
    """A Parquet file of the pseudonymised batches, with the input's schema and metadata (plus ``leakguard``).

    ``names`` rewrites the identifiers in column names and metadata (:mod:`leakguard.pseudonymise.structure`);
    statistics are computed anew from the values written, never copied.
    """
    schema = source.info.schema
    assert schema is not None
    if names is not None:
        schema, edits = rewrite_schema(schema, names)
        collect(edits, 0)
    merged = dict(schema.metadata or {})
    merged[b"leakguard"] = json.dumps(metadata, sort_keys=True).encode("utf-8")
    schema = schema.with_metadata(merged)
    compression, group_rows = _parquet_layout(source)
    if source.info.compressed:
        spool: BinaryIO = tempfile.TemporaryFile(prefix="leakguard-")  # noqa: SIM115 - closed below
        sink: Any = spool
    else:
        spool, sink = None, out_path  # type: ignore[assignment]
    try:
        writer = pq.ParquetWriter(sink, schema, compression=compression)
        records = 0
        try:
            for chunk, edits in rewriter.edits_each(_chunks(source, collect)):
                assert chunk.batch is not None
                batch = rebuild_batch(chunk.batch, edits.replacements())
                # row groups of the input's size (within each chunk of ``batch_rows`` records)
                writer.write_batch(conform(batch, schema), row_group_size=group_rows)
                records += len(chunk.rows)
                collect(edits, len(chunk.rows))
                if progress is not None:
                    progress(records)
        finally:
            writer.close()
        if spool is not None:
            spool.seek(0)
            with open_output(out_path, gz=True) as out:
                shutil.copyfileobj(spool, out, BLOCK_BYTES)
    finally:
        if spool is not None:
            spool.close()


# --- CSV ------------------------------------------------------------------------------------------------------


def raw_header(source: Source) -> str:
    """The header record of a CSV file exactly as written (quotes included), without its line end."""
    raw, _ = open_bytes(source.path, source.info.path)
    stream = Utf8Stream(raw, source.info.encoding)
    try:
        data = b""
        while True:
            block = stream.read(1 << 16)
            data += block
            text = data[: complete_utf8_length(data)].decode("utf-8", "replace")
            text = text.lstrip("\r\n")
            end = _record_end(text)
            if end is not None and source.info.extra.get("excel_sep_line"):
                # Excel's "sep=;" line, then the header record: both are kept as written
                second = _record_end(text[end + 1 :])
                end = None if second is None else end + 1 + second
            if end is not None or not block:
                header = text if end is None else text[:end]
                return header[:-1] if header.endswith("\r") else header
    finally:
        stream.close()


def _record_end(text: str) -> int | None:
    """Offset of the line end that closes the first CSV record of ``text`` (quotes respected), if any."""
    quoted = False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted:
            return i
    return None


def csv_rows(batch: pa.RecordBatch, delimiter: str, newline: str) -> str:
    """The rows of a batch of strings as CSV text, minimal quoting, each row ended by ``newline``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quotechar='"', doublequote=True, lineterminator=newline,
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerows(zip(*(column.to_pylist() for column in batch.columns)))
    return out.getvalue()


def write_csv(source: Source, out_path: str, rewriter: ChunkRewriter, collect: Collector,
              progress: Progress | None = None, *, names: Rewriter | None = None) -> None:
    """A CSV file like the input (delimiter, encoding, header, newlines) with pseudonymised cells; ``names``
    replaces the identifiers in the header (column names), the rest of the header kept as written."""
    info = source.info
    encoder = TextEncoder(info.encoding)
    newline = info.newline
    header = raw_header(source)
    if names is not None:
        (header,), edits = rewrite_texts([header], names)
        collect(edits, 0)
    with open_output(out_path, gz=info.compressed) as out:
        out.write(encoder.bom + encoder.encode(header))
        records = 0
        for chunk, edits in rewriter.edits_each(_chunks(source, collect)):
            assert chunk.batch is not None
            batch = rebuild_batch(chunk.batch, edits.replacements())
            text = csv_rows(batch, info.delimiter or ",", newline)
            if text:
                # the line end of the previous record, then these records without their last line end
                out.write(encoder.encode(newline + text[: -len(newline)]))
            records += len(chunk.rows)
            collect(edits, len(chunk.rows))
            if progress is not None:
                progress(records)
        if info.final_newline:
            out.write(encoder.encode(newline))


# --- JSON lines and text --------------------------------------------------------------------------------------


class _LineWriter:
    """Lines out in the input's encoding, newline style and final newline."""

    def __init__(self, out: BinaryIO, encoding: str, newline: str):
        self.out = out
        self.encoder = TextEncoder(encoding)
        self.newline = newline
        self.started = False
        out.write(self.encoder.bom)

    def write(self, lines: list[str]) -> None:
        if not lines:
            return
        body = self.newline.join(lines)
        self.out.write(self.encoder.encode((self.newline if self.started else "") + body))
        self.started = True

    def finish(self, final_newline: bool) -> None:
        if final_newline and self.started:
            self.out.write(self.encoder.encode(self.newline))


def write_text(source: Source, out_path: str, rewriter: ChunkRewriter, collect: Collector,
               progress: Progress | None = None) -> None:
    """Text and log lines with their spans replaced, every other character kept."""
    info = source.info
    records = 0
    with open_output(out_path, gz=info.compressed) as out:
        lines = _LineWriter(out, info.encoding, info.newline)
        for chunk, edits in rewriter.edits_each(_chunks(source, collect)):
            edit = edits.columns.get(LINE_COLUMN)
            new = edit.values if edit is not None else chunk.raw
            assert new is not None
            lines.write(new.to_pylist())
            records += len(chunk.rows)
            collect(edits, len(chunk.rows))
            if progress is not None:
                progress(records)
        lines.finish(info.final_newline)


class JsonLinesRewriter:
    """Puts the edits of a JSON lines chunk back into its lines; lines that are not JSON go as text."""

    def __init__(self, rewriter: Rewriter, text_rewriter: Rewriter):
        self.rewriter = rewriter
        self.text_rewriter = text_rewriter
        self._numbers: dict[tuple[str, str], Any] = {}

    def lines(self, chunk: Chunk, not_json: list[int], collect: Collector) -> list[str]:
        assert chunk.raw is not None
        lines: list[str | None] = chunk.raw.to_pylist()
        first = chunk.rows[0].as_py() if len(chunk.rows) else 0
        edits = self.rewriter.edits(chunk)
        collect(edits, len(chunk.rows))
        for record, (changes, entities) in _changes_by_record(chunk, edits).items():
            line = lines[record - first]
            assert line is not None
            lines[record - first] = jsonlines.rewrite_line(line, changes, self._convert, entities)
        if not_json:
            texts = [lines[row - first] or "" for row in not_json]
            rows = pa.array(not_json, pa.int64())
            text_chunk = Chunk(columns=[CellColumn(LINE_COLUMN, pa.array(texts, pa.string()), rows)], rows=rows,
                               text=True, raw=pa.array(texts, pa.string()))
            text_edits = self.text_rewriter.edits(text_chunk)
            collect(text_edits, 0)
            edit = text_edits.columns.get(LINE_COLUMN)
            if edit is not None:
                for row, new in zip(not_json, edit.values.to_pylist()):
                    lines[row - first] = new
        return [line or "" for line in lines]

    def _convert(self, old: Any, new: str | None, entity: str | None) -> Any:
        """The JSON value replacing ``old``: a number whole-cell identifier gets the operator's integer form."""
        if isinstance(old, jsonlines.Number) and entity is not None:
            cached = self._numbers.get((entity, old))
            if cached is not None:
                return cached
            try:
                out = self.rewriter.policy.operator(entity).apply_array(pa.array([int(old)], pa.int64()))
            except (ValueError, OverflowError, OperatorProblem, pa.ArrowException):
                pass
            else:
                value = out[0].as_py()
                number = None if value is None else jsonlines.Number(str(value))
                self._numbers[(entity, old)] = number
                return number
        return jsonlines.as_json_value(old, new)


def _changes_by_record(chunk: Chunk, edits: ChunkEdits) -> dict[int, tuple[dict[str, Any], dict[str, str | None]]]:
    """For each record with a change: the new text of each changed path, and the entity of whole cells."""
    by_name = {column.name: column for column in chunk.columns}
    out: dict[int, tuple[dict[str, Any], dict[str, str | None]]] = {}
    for path, edit in edits.columns.items():
        rows = by_name[path].rows
        _collect_edit(path, edit, rows, out)
    return out


def _collect_edit(path: str, edit: ColumnEdit, rows: pa.Array,
                  out: dict[int, tuple[dict[str, Any], dict[str, str | None]]]) -> None:
    positions = edit.changed
    if not len(positions):
        return
    index = pa.array(positions)
    records = rows.take(index).to_pylist()
    values = edit.values.take(index).to_pylist()
    whole: dict[int, str] = {}
    for entity, cells in edit.whole.items():
        whole.update(dict.fromkeys(np.asarray(cells).tolist(), entity))
    for position, record, value in zip(positions.tolist(), records, values):
        changes, entities = out.setdefault(record, ({}, {}))
        changes[path] = value
        entities[path] = whole.get(position)


def write_jsonl(source: Source, out_path: str, rewriter: Rewriter, text_rewriter: Rewriter, collect: Collector,
                progress: Progress | None = None) -> None:
    """JSON lines with their values replaced; untouched lines byte for byte; non-JSON lines as text."""
    info = source.info
    records = 0
    jsonl = JsonLinesRewriter(rewriter, text_rewriter)
    not_json: list[int] = []
    with open_output(out_path, gz=info.compressed) as out:
        lines = _LineWriter(out, info.encoding, info.newline)
        for item in source.chunks():
            if isinstance(item, Problem):
                if "invalid JSON" in item.message and item.row is not None:
                    not_json.append(item.row)
                    collect(Problem(item.path, f"{item.message}; pseudonymised as a text line", item.row), 0)
                else:
                    collect(item, 0)
                continue
            first = item.rows[0].as_py() if len(item.rows) else 0
            mine = [row for row in not_json if first <= row < first + len(item.rows)]
            not_json = [row for row in not_json if row >= first + len(item.rows)]
            lines.write(jsonl.lines(item, mine, collect))
            records += len(item.rows)
            if progress is not None:
                progress(records)
        lines.finish(info.final_newline)
