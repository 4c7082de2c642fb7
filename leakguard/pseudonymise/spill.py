"""Record batches set aside on disk while a stream's column decisions wait for its end.

:func:`leakguard.pseudonymise_batches` cannot write a batch holding a number whose column is still undecided
(a NIR, or an invoice number passing the key by chance?), and every batch after it must wait too, to keep
the order. Those batches go, as they came, into an unnamed temporary file (:func:`tempfile.TemporaryFile`:
removed by the system when it is closed or the process ends, never visible under a name), in Arrow IPC with
LZ4, each with the findings detected in it before the decision when there are (so that no batch is detected
twice), and come back one by one once the decisions are taken. Memory stays one batch; the disk holds the rest
of the stream. The file holds input data and the values found in it: put ``TMPDIR`` on a volume fit for it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO

import pyarrow as pa


class Spill:
    """Batches, each with an optional table beside it, written to an unnamed temporary file, then read back in
    order; a context manager."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="leakguard-held-")  # noqa: SIM115 - closed in close()
        self._sizes: list[tuple[int, int | None]] = []
        self._options = pa.ipc.IpcWriteOptions(compression="lz4")

    def put(self, batch: pa.RecordBatch, beside: pa.Table | None = None) -> None:
        """Append ``batch`` and ``beside`` (each keeps its own schema)."""
        self._sizes.append((self._write(batch.schema, [batch]),
                            None if beside is None else self._write(beside.schema, beside.to_batches())))

    def _write(self, schema: pa.Schema, batches: list[pa.RecordBatch]) -> int:
        start = self._file.tell()
        with pa.ipc.new_stream(self._file, schema, options=self._options) as writer:
            for batch in batches:
                writer.write_batch(batch)
        return self._file.tell() - start

    def __len__(self) -> int:
        return len(self._sizes)

    def batches(self) -> Iterator[tuple[pa.RecordBatch, pa.Table | None]]:
        """The batches put, in order, each with its table beside it (or ``None``)."""
        self._file.seek(0)
        for size, beside in self._sizes:
            _, (batch,) = self._read(size)  # a batch of no rows too (a table would drop it)
            if beside is None:
                yield batch, None
            else:
                schema, batches = self._read(beside)
                yield batch, pa.Table.from_batches(batches, schema=schema)

    def _read(self, size: int) -> tuple[pa.Schema, list[pa.RecordBatch]]:
        """The schema and batches of the next stream of the file (``size`` bytes), as :meth:`_write` wrote them."""
        with pa.ipc.open_stream(pa.py_buffer(self._file.read(size))) as reader:
            return reader.schema, list(reader)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
