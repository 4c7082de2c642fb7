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
Arrow IPC  the file or stream format, as the input; the schema and its metadata as for Parquet, ``leakguard``
           key included; dictionary columns as dictionaries (one per column, grown by deltas, holding only
           values written: :class:`DictionaryGrowth`); buffers are written uncompressed (pyarrow does not
           tell which codec, if any, the input's buffers used)
ORC        the schema (identifiers in names replaced), the codec and the file version; ORC has no schema
           metadata and pyarrow's ORC writer writes no user metadata, so neither the input's nor a
           ``leakguard`` entry is written (``reidentify`` needs ``--force``)
CSV        every byte but the replaced values (:mod:`leakguard.pseudonymise.splice`): the encoding (UTF-8,
           UTF-8 with BOM, cp1252, UTF-16 with its BOM), the header (identifiers in column names replaced),
           each field's quoting, line ends and blank lines; a row of the wrong width as written, the values
           found in its text replaced
JSON lines lines without findings byte for byte; lines with findings re-serialised in their own style
           (:mod:`leakguard.pseudonymise.jsonlines`); lines that are not JSON are treated as text lines
text/logs  every character outside a replaced span; the encoding, each line's end (``\\n``, ``\\r\\n`` or a
           bare ``\\r``) and the final newline
=========  ======================================================================================================

A compressed input (gzip, xz, bzip2 or zstd, told by its magic bytes) gives an output compressed the same
way, with the tool's default level; gzip is written without a name or time stamp in its header, so that the
same input and key give the same bytes.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import io
import json
import lzma
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.orc as orc
import pyarrow.parquet as pq

from leakguard.pseudonymise import jsonlines
from leakguard.pseudonymise.operators import REDACTED, OperatorProblem
from leakguard.pseudonymise.provenance import METADATA_KEY
from leakguard.pseudonymise.rewrite import ChunkEdits, ChunkRewriter, ColumnEdit, Rewriter
from leakguard.pseudonymise.splice import RecordMismatch, splice
from leakguard.pseudonymise.structure import conform, rewrite_schema, rewrite_texts
from leakguard.sources import rebuild_batch
from leakguard.sources.base import Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.columnar import reason
from leakguard.sources.delimited import CsvSource
from leakguard.sources.lines import LINE_COLUMN
from leakguard.sources.streams import BLOCK_BYTES, UTF16_BOMS

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
    """Encodes text in a file's encoding; the byte-order mark (UTF-8 or UTF-16) once, at the start. Given a
    :class:`SourceInfo`, it follows its ``encoding``: a file the reader found to be cp1252 only past its
    ASCII start (:class:`~leakguard.sources.streams.Utf8Stream`) is written in cp1252 from there."""

    def __init__(self, encoding: str | SourceInfo):
        self._info = encoding if isinstance(encoding, SourceInfo) else None
        self._encoding = encoding.encoding if isinstance(encoding, SourceInfo) else encoding
        self.bom = codecs.BOM_UTF8 if self._encoding == "utf-8-sig" else UTF16_BOMS.get(self._encoding, b"")

    def encode(self, text: str) -> bytes:
        encoding = self._encoding if self._info is None else self._info.encoding
        if encoding == "cp1252":
            return text.encode("cp1252", LATIN1_FALLBACK)
        if encoding in UTF16_BOMS:
            return text.encode(encoding, "surrogatepass")
        return text.encode("utf-8", "surrogatepass")


@contextlib.contextmanager
def open_output(path: str, *, compression: str | None) -> Iterator[BinaryIO]:
    """``path`` opened for writing bytes, compressed with ``compression`` (gzip: no name, no time stamp)."""
    with open(path, "wb") as raw:
        if compression is None:
            yield raw
        elif compression == "zstd":
            stream = pa.CompressedOutputStream(pa.PythonFile(_KeepOpen(raw), mode="w"), "zstd")
            try:
                yield stream  # type: ignore[misc]
            finally:
                stream.close()  # ends the frame
        else:
            with _compressor(raw, compression) as compressed:
                yield compressed  # type: ignore[misc]
        raw.flush()


def _compressor(raw: BinaryIO, compression: str) -> BinaryIO:
    """A gzip (no name, no time stamp), xz or bzip2 stream writing into ``raw``; the caller closes it."""
    if compression == "gzip":
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)  # type: ignore[return-value]
    if compression == "xz":
        return lzma.LZMAFile(raw, "wb")  # type: ignore[return-value]
    return bz2.BZ2File(raw, "wb")  # type: ignore[return-value]


class _KeepOpen(io.RawIOBase):
    """``raw`` for pyarrow's compressed stream, which closes what it writes into: closing only flushes."""

    def __init__(self, raw: BinaryIO):
        super().__init__()
        self._raw = raw

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        return self._raw.write(data)

    def close(self) -> None:
        self._raw.flush()
        super().close()


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
    schema = output_schema(source, metadata, collect, names)
    compression, group_rows = _parquet_layout(source)
    with columnar_sink(out_path, source.info.compression) as sink:
        writer = pq.ParquetWriter(sink, schema, compression=compression)
        try:
            for batch in rewritten_batches(source, schema, rewriter, collect, progress):
                # row groups of the input's size (within each chunk of ``batch_rows`` records)
                writer.write_batch(batch, row_group_size=group_rows)
        finally:
            writer.close()


# --- what the columnar writers (Parquet, Arrow IPC, ORC) share ------------------------------------------------


def output_schema(source: Source, metadata: dict[str, Any] | None, collect: Collector,
                  names: Rewriter | None = None) -> pa.Schema:
    """The input's schema, identifiers in its names and metadata replaced by ``names``, and ``metadata`` under
    the ``leakguard`` key (none when ``metadata`` is None)."""
    schema = source.info.schema
    assert schema is not None
    if names is not None:
        schema, edits = rewrite_schema(schema, names)
        collect(edits, 0)
    if metadata is None:
        return schema
    merged = dict(schema.metadata or {})
    merged[METADATA_KEY] = json.dumps(metadata, sort_keys=True).encode("utf-8")
    return schema.with_metadata(merged)


def rewritten_batches(source: Source, schema: pa.Schema, rewriter: ChunkRewriter, collect: Collector,
                      progress: Progress | None = None) -> Iterator[pa.RecordBatch]:
    """Each chunk's batch with its replaced values put back, under ``schema``; each chunk's edits are collected
    (and progress told) once the batch has been taken."""
    records = 0
    for chunk, edits in rewriter.edits_each(_chunks(source, collect)):
        assert chunk.batch is not None
        yield conform(rebuild_batch(chunk.batch, edits.replacements()), schema)
        records += len(chunk.rows)
        collect(edits, len(chunk.rows))
        if progress is not None:
            progress(records)


@contextlib.contextmanager
def columnar_sink(out_path: str, compression: str | None) -> Iterator[str]:
    """The path a columnar writer writes to: ``out_path`` itself or, for a compressed output, a temporary file
    compressed into ``out_path`` once written (when the block exits without an error)."""
    if compression is None:
        yield out_path
        return
    with tempfile.NamedTemporaryFile(prefix="leakguard-") as spool:
        yield spool.name
        with open(spool.name, "rb") as written, open_output(out_path, compression=compression) as out:
            shutil.copyfileobj(written, out, BLOCK_BYTES)


# --- Arrow IPC ------------------------------------------------------------------------------------------------


class DictionaryGrowth:
    """One dictionary per dictionary-encoded column (top level or in structs) across the batches written.

    An Arrow IPC file allows one dictionary per column, extended by deltas but never replaced; rewritten
    batches each come with their own dictionary, and a slice of an input batch carries the input's whole
    dictionary (values of other records included, which may be identifiers replaced elsewhere). Each batch's
    dictionary columns are therefore encoded again on the values they use, against the values written so far,
    new ones appended: the dictionary only grows (a delta), and holds nothing but values written.
    """

    def __init__(self) -> None:
        self._written: dict[str, pa.Array] = {}

    def batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        columns = [self._array(field.name, column) for field, column in zip(batch.schema, batch.columns)]
        return pa.RecordBatch.from_arrays(columns, schema=batch.schema)

    def _array(self, path: str, array: pa.Array) -> pa.Array:
        kind = array.type
        if pa.types.is_dictionary(kind):
            return self._grow(path, array)
        if pa.types.is_struct(kind) and _holds_dictionary(kind):
            children = [self._array(f"{path}.{field.name}", array.field(i)) for i, field in enumerate(kind)]
            mask = pc.is_null(array) if array.null_count else None
            return pa.StructArray.from_arrays(children, fields=list(kind), mask=mask)
        return array

    def _grow(self, path: str, array: pa.DictionaryArray) -> pa.Array:
        kind = array.type
        values = array.dictionary_decode()
        written = self._written.get(path, pa.array([], kind.value_type))
        positions = pc.index_in(values, value_set=written)
        new = pc.unique(values.filter(pc.and_(pc.is_null(positions), pc.is_valid(values))))
        if len(new):
            written = self._written[path] = pa.concat_arrays([written, new])
            positions = pc.index_in(values, value_set=written)
        return pa.DictionaryArray.from_arrays(positions.cast(kind.index_type), written, ordered=kind.ordered)


def _holds_dictionary(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return True
    return pa.types.is_struct(kind) and any(_holds_dictionary(field.type) for field in kind)


def write_arrow(source: Source, out_path: str, rewriter: ChunkRewriter, collect: Collector,
                metadata: dict[str, Any], progress: Progress | None = None, *,
                names: Rewriter | None = None) -> None:
    """An Arrow IPC file (or stream, as the input is) of the pseudonymised batches, with the input's schema
    and metadata plus ``leakguard``; buffers uncompressed; dictionaries grown by deltas
    (:class:`DictionaryGrowth`)."""
    schema = output_schema(source, metadata, collect, names)
    stream = source.info.extra.get("ipc") == "stream"
    open_writer = pa.ipc.new_stream if stream else pa.ipc.new_file
    options = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=True)
    dictionaries = DictionaryGrowth()
    with columnar_sink(out_path, source.info.compression) as sink, open_writer(sink, schema, options=options) as writer:
        for batch in rewritten_batches(source, schema, rewriter, collect, progress):
            try:
                writer.write_batch(dictionaries.batch(batch))
            except pa.ArrowException as error:
                raise SourceError(source.info.path, f"cannot write the Arrow IPC output ({reason(error)})",
                                  "nothing written") from None


# --- ORC ------------------------------------------------------------------------------------------------------

#: The codecs pyarrow's ORC writer writes; another input codec (LZO) gives ZSTD.
ORC_CODECS = ("UNCOMPRESSED", "SNAPPY", "ZLIB", "LZ4", "ZSTD")


def write_orc(source: Source, out_path: str, rewriter: ChunkRewriter, collect: Collector,
              progress: Progress | None = None, *, names: Rewriter | None = None) -> None:
    """An ORC file of the pseudonymised batches: the input's schema, codec and file version. ORC has no
    schema metadata and pyarrow's ORC writer writes no user metadata: the output carries no ``leakguard``
    entry, and the input's user metadata is not kept."""
    info = source.info
    schema = output_schema(source, None, collect, names)
    codec = str(info.extra.get("orc_compression", "ZSTD")).upper()
    version = str(info.extra.get("orc_file_version", "0.12"))
    with columnar_sink(out_path, info.compression) as sink:
        writer = orc.ORCWriter(sink, compression=codec if codec in ORC_CODECS else "ZSTD",
                               file_version=version if version in ("0.11", "0.12") else "0.12")
        try:
            written = False
            for batch in rewritten_batches(source, schema, rewriter, collect, progress):
                writer.write(pa.Table.from_batches([batch]))
                written = True
            if not written:  # no record: the schema alone
                writer.write(schema.empty_table())
        finally:
            writer.close()


# --- CSV ------------------------------------------------------------------------------------------------------


def raw_header(source: Source) -> str:
    """Everything before a CSV file's first record, exactly as written: the header (an Excel ``sep=`` line
    before it, if any), its line end and the blank lines after it."""
    assert isinstance(source, CsvSource)
    return source.header_text()


def csv_records(chunk: Chunk, edits: ChunkEdits, delimiter: str, display: str) -> list[str]:
    """The records of a CSV chunk as written, with the replaced cells put in (:mod:`.splice`)."""
    assert chunk.raw is not None and chunk.batch is not None
    records: list[str] = chunk.raw.to_pylist()
    changes: dict[int, dict[int, tuple[str, str]]] = {}
    for path, edit in edits.columns.items():
        index = chunk.batch.schema.get_field_index(path)
        positions = pa.array(edit.changed)
        old = chunk.batch.column(index).take(positions).to_pylist()
        new = pc.fill_null(edit.values.take(positions), "").to_pylist()  # redacted whole: an empty field
        for position, before, after in zip(edit.changed.tolist(), old, new):
            changes.setdefault(position, {})[index] = (before, after)
    for position, cells in changes.items():
        try:
            records[position] = splice(records[position], cells, delimiter)
        except RecordMismatch:
            row = chunk.rows[position].as_py()
            raise SourceError(display, f"row {row}: its text and its cells differ; nothing written") from None
    return records


def _interleave(rows: list[int], texts: list[str], pending: dict[int, str]) -> list[str]:
    """``texts`` (records ``rows``, ascending) with the pending records that come before the last one put
    in their places (and taken out of ``pending``)."""
    if not pending or not rows:
        return texts
    before = sorted(row for row in pending if row < rows[-1])
    if not before:
        return texts
    out: list[str] = []
    at = 0
    for row, place in zip(before, np.searchsorted(rows, before).tolist()):
        out += texts[at:place]
        out.append(pending.pop(row))
        at = place
    out += texts[at:]
    return out


def write_csv(source: Source, out_path: str, rewriter: ChunkRewriter, collect: Collector,
              progress: Progress | None = None, *, names: Rewriter | None = None) -> None:
    """A CSV file byte for byte like the input but for the replaced values; a row that cannot be parsed
    (wrong number of fields) is kept as written, the values found in its text replaced. ``names`` replaces
    the identifiers in the header (column names), the rest of the header kept as written."""
    info = source.info
    encoder = TextEncoder(info)
    delimiter = info.delimiter or ","
    header = raw_header(source)
    if names is not None:
        (header,), edits = rewrite_texts([header], names)
        collect(edits, 0)
    with open_output(out_path, compression=info.compression) as out:
        out.write(encoder.bom + encoder.encode(header))
        records = 0
        as_text: dict[int, str] = {}  # rows read as text, rewritten, until the rows around them are written
        for chunk, edits in rewriter.edits_each(_chunks(source, collect)):
            if chunk.text:
                assert chunk.raw is not None
                raw = chunk.raw.to_pylist()
                cells = chunk.columns[0].values.to_pylist()
                # the rows' texts without their line ends (those are in ``raw``), replaced where edited
                edit = edits.columns.get(LINE_COLUMN)
                texts = cells if edit is None else _edited_lines(edit)
                as_text.update(zip(chunk.rows.to_pylist(),
                                   (text + line[len(cell):] for text, line, cell in zip(texts, raw, cells))))
            else:
                texts = _interleave(chunk.rows.to_pylist(), csv_records(chunk, edits, delimiter, info.path), as_text)
                out.write(encoder.encode("".join(texts)))
            records += len(chunk.rows)
            collect(edits, len(chunk.rows))
            if progress is not None:
                progress(records)
        out.write(encoder.encode("".join(as_text[row] for row in sorted(as_text))))


# --- JSON lines and text --------------------------------------------------------------------------------------


class _LineWriter:
    """Lines out in the input's encoding, line ends and final newline.

    A line's end is written with the next line (or at the end, if the file has a final newline): the end of
    the last line so far waits in ``pending``.
    """

    def __init__(self, out: BinaryIO, info: SourceInfo):
        self.out = out
        self.encoder = TextEncoder(info)
        self.newline = info.newline
        self.pending = ""
        self.started = False
        out.write(self.encoder.bom)

    def write(self, lines: list[str], ends: list[str] | None = None) -> None:
        """``lines``, ended by ``ends`` (each one's end as written), or all by the file's newline."""
        if not lines:
            return
        if ends is None:
            body, last = self.newline.join(lines), self.newline
        else:
            body = "".join(line + end for line, end in zip(lines[:-1], ends)) + lines[-1]
            last = ends[len(lines) - 1]
        self.out.write(self.encoder.encode(self.pending + body))
        self.pending, self.started = last, True

    def write_piece(self, text: str, first: bool, ends: list[str] | None = None) -> None:
        """A window of a long line: the first opens a line, the others go on with it; the last one's
        ``ends`` holds the line's end, if not the file's newline."""
        if first:
            self.write([text])
        else:
            self.out.write(self.encoder.encode(text))
        if ends is not None:
            self.pending = ends[0]

    def finish(self, final_newline: bool) -> None:
        if final_newline and self.started:
            self.out.write(self.encoder.encode(self.pending))


def _edited_lines(edit: ColumnEdit) -> list[str]:
    """The new texts of lines: a line that was one identifier alone, redacted (a null), is the marker, as a
    span redacted inside a text is."""
    return pc.fill_null(edit.values, REDACTED).to_pylist()


def _text_lines(chunk: Chunk, edits: ChunkEdits) -> list[str]:
    """The lines of a text chunk with their spans replaced (a window: its own text, without the lead)."""
    edit = edits.columns.get(LINE_COLUMN)
    if edit is None:
        assert chunk.raw is not None
        return chunk.raw.to_pylist()
    lines = _edited_lines(edit)
    if chunk.part is not None:
        return [lines[0][chunk.part.lead :]]
    return lines


def write_text(source: Source, out_path: str, rewriter: ChunkRewriter, collect: Collector,
               progress: Progress | None = None) -> None:
    """Text and log lines with their spans replaced, every other character kept; long lines window by window."""
    info = source.info
    records = 0
    with open_output(out_path, compression=info.compression) as out:
        lines = _LineWriter(out, info)
        for chunk, edits in rewriter.edits_each(_chunks(source, collect)):
            new = _text_lines(chunk, edits)
            if chunk.part is not None:
                lines.write_piece(new[0], chunk.part.first, chunk.line_ends)
            else:
                lines.write(new, chunk.line_ends)
            records += len(chunk.rows)
            collect(edits, len(chunk.rows))
            if progress is not None:
                progress(records)
        lines.finish(info.final_newline)


class JsonLinesRewriter:
    """Puts the edits of a JSON lines chunk back into its lines; lines that are not JSON come as text."""

    def __init__(self, rewriter: Rewriter):
        self.rewriter = rewriter
        self._numbers: dict[tuple[str, str], Any] = {}

    def lines(self, chunk: Chunk, as_text: dict[int, str], collect: Collector) -> list[str]:
        """The chunk's lines, rewritten; ``as_text`` holds the rewritten lines that are not JSON (taken out)."""
        assert chunk.raw is not None
        lines: list[str | None] = chunk.raw.to_pylist()
        first = chunk.rows[0].as_py() if len(chunk.rows) else 0
        edits = self.rewriter.edits(chunk)
        collect(edits, len(chunk.rows))
        for record, (changes, entities) in _changes_by_record(chunk, edits).items():
            line = lines[record - first]
            assert line is not None
            lines[record - first] = jsonlines.rewrite_line(line, changes, self._convert, entities)
        for record in [r for r in as_text if first <= r < first + len(lines)]:
            lines[record - first] = as_text.pop(record)
        return [line or "" for line in lines]

    def _convert(self, old: Any, new: str | None, entity: str | None) -> Any:
        """The JSON value replacing ``old``: a number whole-cell identifier gets the operator's integer form."""
        if isinstance(old, jsonlines.Number) and entity is not None:
            cached = self._numbers.get((entity, old))
            if cached is not None:
                return cached
            try:
                # a float (``….0``, ``1.85…E14``) gets the operator's float64 form: a double holds it exactly
                whole = jsonlines.integral(old)
                cell = pa.array([float(whole)], pa.float64()) if jsonlines.is_float(old) \
                    else pa.array([whole], pa.int64())
                out = self.rewriter.policy.operator(entity).apply_array(cell)
            except (ValueError, OverflowError, OperatorProblem, pa.ArrowException):
                pass
            else:
                value = out[0].as_py()
                number = None if value is None else jsonlines.Number(jsonlines.written_like(old, int(value)))
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
    for entity, cells in [*edit.integral.items(), *edit.whole.items()]:
        whole.update(dict.fromkeys(np.asarray(cells).tolist(), entity))
    for position, record, value in zip(positions.tolist(), records, values):
        changes, entities = out.setdefault(record, ({}, {}))
        changes[path] = value
        entities[path] = whole.get(position)


def write_jsonl(source: Source, out_path: str, rewriter: Rewriter, text_rewriter: Rewriter, collect: Collector,
                progress: Progress | None = None) -> None:
    """JSON lines with their values replaced; untouched lines byte for byte; lines that are not JSON (or too
    long to be parsed) as text lines, by ``text_rewriter``."""
    info = source.info
    records = 0
    jsonl = JsonLinesRewriter(rewriter)
    as_text: dict[int, str] = {}  # lines that are not JSON, rewritten, until the chunk holding them is written
    with open_output(out_path, compression=info.compression) as out:
        lines = _LineWriter(out, info)
        for item in source.chunks():
            if isinstance(item, Problem):
                collect(item, 0)
                continue
            if item.text:
                edits = text_rewriter.edits(item)
                collect(edits, len(item.rows))
                texts = _text_lines(item, edits)
                if item.part is not None:
                    lines.write_piece(texts[0], item.part.first, item.line_ends)
                    records += len(item.rows)
                else:
                    as_text.update(zip(item.columns[0].rows.to_pylist(), texts))
                continue
            lines.write(jsonl.lines(item, as_text, collect), item.line_ends)
            records += len(item.rows)
            if progress is not None:
                progress(records)
        lines.finish(info.final_newline)
