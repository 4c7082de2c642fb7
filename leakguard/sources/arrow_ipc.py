"""Apache Arrow IPC files (Feather v2: ``.arrow``, ``.feather``) and streams (``.arrows``), batch by batch.

The IPC file format (https://arrow.apache.org/docs/format/Columnar.html#ipc-file-format) starts and ends
with the magic ``ARROW1``; its footer holds the schema and where each record batch lies, so the file is
memory-mapped (``pyarrow.memory_map``) and its batches read one at a time with ``pyarrow.ipc.open_file``:
only the batch being scanned is paged in. The IPC stream format
(https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format) has no magic: it is the schema
message, then the dictionary and record batch messages, read in order with ``pyarrow.ipc.open_stream``.
Batches larger than ``batch_rows`` rows are sliced (zero-copy). Every type is kept as written:
dictionary-encoded columns stay dictionaries, nested structs and lists are flattened to dotted paths by
:mod:`leakguard.sources.flatten`, and ``Chunk.batch`` is the original (sliced) batch.

``info.extra["ipc"]`` is ``"file"`` or ``"stream"``; ``info.schema`` is the schema with its metadata;
``info.extra["num_rows"]`` is known for the file format only (a stream's end is known once read). A
compressed IPC file (gzip, ...) is first decompressed to a temporary file (random access to its footer); a
compressed stream is read as it is decompressed. Buffers compressed by Arrow itself (LZ4 or ZSTD body
compression, Feather's default) are read transparently.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from leakguard.sources.base import Chunk, Problem, SourceInfo
from leakguard.sources.columnar import READ_ERRORS, RandomAccessSource, batch_chunks, corrupt
from leakguard.sources.streams import open_bytes

KIND = "Arrow IPC file"
STREAM_KIND = "Arrow IPC stream"
#: ``info.extra["ipc"]`` of a file in the IPC file format (``ARROW1``) and of an IPC stream.
FILE, STREAM = "file", "stream"


class ArrowSource(RandomAccessSource):
    """Arrow IPC file or stream: one chunk per record batch, or per slice of ``batch_rows`` rows of one."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536):
        super().__init__(path, info, batch_rows)
        info.extra.setdefault("ipc", FILE)
        if self.is_stream:
            stream, reader = self._open_stream()
            info.schema = reader.schema
            stream.close()
            return
        reader, mapped = self._open_file()
        try:
            info.schema = reader.schema
            info.extra["num_rows"] = reader.count_rows()
            info.extra["num_record_batches"] = reader.num_record_batches
        except READ_ERRORS as error:
            raise corrupt(info.path, self.format_name, error) from None
        finally:
            mapped.close()

    @property
    def is_stream(self) -> bool:
        """Whether the file is an IPC stream (no footer, read in order) rather than an IPC file."""
        return self.info.extra.get("ipc") == STREAM

    @property
    def format_name(self) -> str:
        """``Arrow IPC file`` or ``Arrow IPC stream``, for messages."""
        return STREAM_KIND if self.is_stream else KIND

    def _needs_copy(self) -> bool:
        return self.info.compressed and not self.is_stream

    def _open_file(self) -> tuple[pa.ipc.RecordBatchFileReader, pa.NativeFile]:
        mapped = pa.memory_map(self.local_path())
        try:
            return pa.ipc.open_file(mapped), mapped
        except READ_ERRORS as error:
            mapped.close()
            raise corrupt(self.info.path, self.format_name, error) from None

    def _open_stream(self) -> tuple[pa.NativeFile, pa.ipc.RecordBatchStreamReader]:
        raw, _ = open_bytes(self.path, self.info.path)  # decompressed as it is read
        stream = pa.PythonFile(raw, mode="r")
        try:
            return stream, pa.ipc.open_stream(stream)
        except READ_ERRORS as error:
            stream.close()
            raise corrupt(self.info.path, self.format_name, error) from None

    def _file_batches(self) -> Iterator[pa.RecordBatch]:
        reader, mapped = self._open_file()
        try:
            for index in range(reader.num_record_batches):
                try:
                    batch = reader.get_batch(index)
                    batch.validate()  # a truncated body: an error here, not a crash further on
                except READ_ERRORS as error:
                    raise corrupt(self.info.path, self.format_name, error) from None
                yield batch
        finally:
            mapped.close()

    def _stream_batches(self) -> Iterator[pa.RecordBatch]:
        stream, reader = self._open_stream()
        try:
            while True:
                try:
                    batch = reader.read_next_batch()
                    batch.validate()
                except StopIteration:
                    return
                except READ_ERRORS as error:
                    raise corrupt(self.info.path, self.format_name, error) from None
                yield batch
        finally:
            stream.close()

    def chunks(self) -> Iterator[Chunk | Problem]:
        batches = self._stream_batches() if self.is_stream else self._file_batches()
        yield from batch_chunks(batches, self.batch_rows)
