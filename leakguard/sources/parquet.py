"""Parquet files, read row group by row group.

Parquet (https://parquet.apache.org/docs/file-format/) starts and ends with the magic ``PAR1``; the footer
holds the schema and the row groups. ``pyarrow.parquet.ParquetFile.iter_batches`` reads batches of at most
``batch_rows`` rows without loading the file (buffered reads, no pre-buffering of whole row groups), with the
Arrow schema stored by the writer: dictionary-encoded strings come back as dictionaries, which the detector
dedups on. Every type is kept as written (int64 NIRs, ``date32``, timestamps); nested structs and lists are
flattened to dotted paths by :mod:`leakguard.sources.flatten`, and ``Chunk.batch`` is the original batch.

A gzip-compressed Parquet file (rare, but met in dumps) is first decompressed to a temporary file: Parquet
needs random access to its footer (:class:`~leakguard.sources.columnar.RandomAccessSource`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.parquet as pq

from leakguard.sources.base import Chunk, Problem, SourceError, SourceInfo
from leakguard.sources.columnar import READ_ERRORS, RandomAccessSource, corrupt
from leakguard.sources.flatten import flatten_batch, record_indices

#: read buffer of the Parquet reader (bounded memory instead of whole column chunks)
BUFFER_BYTES = 8 * 1024 * 1024
KIND = "Parquet file"


class ParquetSource(RandomAccessSource):
    """Parquet file: one chunk per batch of at most ``batch_rows`` rows."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536):
        super().__init__(path, info, batch_rows)
        file = self._open()
        info.schema = file.schema_arrow
        info.extra["num_rows"] = file.metadata.num_rows
        info.extra["num_row_groups"] = file.metadata.num_row_groups
        file.close()

    def _open(self) -> pq.ParquetFile:
        source = self.seekable_input()
        try:
            return pq.ParquetFile(source, buffer_size=BUFFER_BYTES, pre_buffer=False)
        except PermissionError:
            raise SourceError(self.info.path, "permission denied", "check the file's read permission") from None
        except READ_ERRORS as error:
            raise corrupt(self.info.path, KIND, error) from None

    def chunks(self) -> Iterator[Chunk | Problem]:
        file = self._open()
        start = 0
        try:
            batches = file.iter_batches(batch_size=self.batch_rows, use_threads=True)
            while True:
                try:
                    batch = next(batches)
                except StopIteration:
                    break
                except READ_ERRORS as error:
                    raise corrupt(self.info.path, KIND, error) from None
                rows = record_indices(start, batch.num_rows)
                start += batch.num_rows
                yield Chunk(columns=flatten_batch(batch, rows), rows=rows, batch=batch)
        finally:
            file.close()
