"""What the readers of columnar files (Parquet, Arrow IPC, ORC) share.

* A compressed file (gzip, xz, bzip2, zstd around the whole file, as dumps sometimes are) is first
  decompressed to a temporary file: these formats keep their schema in a footer, read with random access
  (:class:`RandomAccessSource`).
* Batches of any size are cut into slices of at most ``batch_rows`` rows (:func:`sliced`), zero-copy.
* Reader errors become one line naming the file and the format (:func:`corrupt`), never a traceback.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyarrow as pa

from leakguard.sources.base import Chunk, Source, SourceError, SourceInfo
from leakguard.sources.flatten import flatten_batch, record_indices
from leakguard.sources.streams import BLOCK_BYTES, open_bytes

#: What pyarrow raises on a corrupt or truncated file.
READ_ERRORS = (pa.ArrowException, OSError)


def reason(error: Exception) -> str:
    """The first line of ``error``'s message (or its type), at most 160 characters."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return message[:160]


def corrupt(display: str, kind: str, error: Exception) -> SourceError:
    """``dump.arrow: corrupt or truncated Arrow IPC file (reason)``; ``kind`` is ``"Arrow IPC file"``..."""
    if isinstance(error, SourceError):  # raised by the decompressing stream (a truncated gzip file)
        return error
    return SourceError(display, f"corrupt or truncated {kind} ({reason(error)})")


def decompressed_copy(path: str, display: str) -> BinaryIO:
    """A temporary file holding the decompressed bytes of ``path``, rewound, named (it can be memory-mapped);
    closing it removes it."""
    stream, _ = open_bytes(path, display)
    spool = tempfile.NamedTemporaryFile(prefix="leakguard-")  # noqa: SIM115 - closed by the caller
    try:
        with stream:
            shutil.copyfileobj(stream, spool, BLOCK_BYTES)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def sliced(batches: Iterable[pa.RecordBatch], batch_rows: int) -> Iterator[pa.RecordBatch]:
    """``batches`` cut into zero-copy slices of at most ``batch_rows`` rows (empty batches dropped)."""
    for batch in batches:
        for offset in range(0, batch.num_rows, batch_rows):
            yield batch.slice(offset, batch_rows)


def batch_chunks(batches: Iterable[pa.RecordBatch], batch_rows: int) -> Iterator[Chunk]:
    """One :class:`Chunk` per slice of at most ``batch_rows`` rows, its record indices counted from 0."""
    start = 0
    for batch in sliced(batches, batch_rows):
        rows = record_indices(start, batch.num_rows)
        start += batch.num_rows
        yield Chunk(columns=flatten_batch(batch, rows), rows=rows, batch=batch)


class RandomAccessSource(Source):
    """A source read with random access: a compressed file is read from a decompressed temporary copy."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536):
        super().__init__(path, info, batch_rows)
        self._spool: BinaryIO | None = None

    def _needs_copy(self) -> bool:
        return self.info.compressed

    def seekable_input(self) -> str | BinaryIO:
        """The file's path, or the (rewound) temporary file of its decompressed bytes."""
        if not self._needs_copy():
            return self.path
        if self._spool is None:  # the first time, or read again after close()
            self._spool = decompressed_copy(self.path, self.info.path)
        self._spool.seek(0)
        return self._spool

    def local_path(self) -> str:
        """The file's path, or the path of the temporary file of its decompressed bytes."""
        source = self.seekable_input()
        return source if isinstance(source, str) else source.name

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None
