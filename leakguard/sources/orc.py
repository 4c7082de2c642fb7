"""Apache ORC files, read stripe by stripe.

ORC (https://orc.apache.org/specification/) starts with the magic ``ORC``; its footer, at the end, holds
the schema and where each stripe lies. ``pyarrow.orc.ORCFile.read_stripe`` reads one stripe at a time
(memory is bounded by a stripe, 64 MiB of encoded data by default), sliced to at most ``batch_rows`` rows.
Types are those Arrow gives ORC's (ORC has no dictionary type: its dictionary-encoded strings come back as
plain strings); nested structs and lists are flattened to dotted paths by :mod:`leakguard.sources.flatten`,
and ``Chunk.batch`` is the original (sliced) batch.

``info.schema`` is the file's schema, ``info.extra["num_rows"]`` and ``["num_stripes"]`` come from the footer,
``["orc_compression"]`` and ``["orc_file_version"]`` tell a writer how to write the same kind of file. The
file's user metadata (key-value pairs in its footer) is in ``["orc_metadata"]``. A compressed ORC file
(gzip, ...) is first decompressed to a temporary file: ORC needs random access to its footer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.orc as orc

from leakguard.sources.base import Chunk, Problem, SourceError, SourceInfo
from leakguard.sources.columnar import READ_ERRORS, RandomAccessSource, batch_chunks, corrupt

KIND = "ORC file"


class OrcSource(RandomAccessSource):
    """ORC file: one chunk per stripe, or per slice of ``batch_rows`` rows of one."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536):
        super().__init__(path, info, batch_rows)
        file = self._open()
        try:
            info.schema = file.schema
            info.extra["num_rows"] = file.nrows
            info.extra["num_stripes"] = file.nstripes
            info.extra["orc_compression"] = file.compression
            info.extra["orc_file_version"] = file.file_version
            info.extra["orc_metadata"] = dict(file.metadata or {})
        except READ_ERRORS as error:
            raise corrupt(info.path, KIND, error) from None

    def _open(self) -> orc.ORCFile:
        source = self.seekable_input()
        try:
            return orc.ORCFile(source)
        except PermissionError:
            raise SourceError(self.info.path, "permission denied", "check the file's read permission") from None
        except READ_ERRORS as error:
            raise corrupt(self.info.path, KIND, error) from None

    def _stripes(self) -> Iterator[pa.RecordBatch]:
        file = self._open()
        for index in range(file.nstripes):
            try:
                stripe = file.read_stripe(index)
                stripe.validate()
            except READ_ERRORS as error:
                raise corrupt(self.info.path, KIND, error) from None
            yield stripe

    def chunks(self) -> Iterator[Chunk | Problem]:
        yield from batch_chunks(self._stripes(), self.batch_rows)
