"""Delta Lake tables: a directory with a ``_delta_log/`` is one table, read at one version through delta-rs.

A Delta table (https://github.com/delta-io/delta/blob/master/PROTOCOL.md) is Parquet files plus a log of
commits (``_delta_log/00000000000000000012.json``, and Parquet checkpoints) saying which files make up each
version. An overwrite, a ``DELETE`` or a compaction writes new files and *removes* the old ones from the log,
but the old files stay on disk until a ``VACUUM``: a file-by-file scan would report them as if they were live
data. So the directory is read as a table, through the ``deltalake`` package (delta-rs): only the files of
the version read, with their partition values as columns, at the latest version or at ``--delta-version N``.

Records are numbered across the table, its files taken in the order of their paths (a stable order: the same
version gives the same record indices on every run). Findings carry the table directory as their ``path``.
Tables with deletion vectors are refused by delta-rs's Arrow dataset and reported as unreadable.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from leakguard.sources.base import Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.flatten import flatten_batch, record_indices

#: The directory that makes a directory a Delta table.
DELTA_LOG = "_delta_log"


def is_delta_table(path: str) -> bool:
    """Whether ``path`` is a directory holding a Delta log."""
    return os.path.isdir(os.path.join(path, DELTA_LOG))


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:160]


def open_delta(path: str, version: int | None, display: str) -> object:
    """The ``deltalake.DeltaTable`` at ``version`` (latest: ``None``); :class:`SourceError` if unreadable."""
    try:
        from deltalake import DeltaTable
    except ImportError:  # pragma: no cover - a declared dependency
        raise SourceError(display, "a Delta table, and the deltalake package is not installed",
                          "pip install deltalake") from None
    try:
        return DeltaTable(path, version=version)
    except Exception as error:  # delta-rs raises its own errors (TableNotFoundError, DeltaError...)
        if version is not None and "version" in str(error).lower():
            raise SourceError(display, f"the Delta table has no version {version} ({_reason(error)})",
                              "pick one of its versions (see its _delta_log) or drop --delta-version") from None
        raise SourceError(display, f"unreadable Delta table ({_reason(error)})") from None


def identity(path: str, version: int | None) -> bytes:
    """What the version read is made of, as bytes: its number, schema, and live files with their sizes and
    partition values. The same bytes mean the same data (Delta files are never rewritten in place)."""
    table = open_delta(path, version, path)
    actions = pa.table(table.get_add_actions(flatten=False))  # type: ignore[attr-defined]
    partitions = (actions["partition"].to_pylist() if "partition" in actions.column_names
                  else [None] * actions.num_rows)
    files = sorted(zip(actions["path"].to_pylist(), actions["size_bytes"].to_pylist(), partitions, strict=True),
                   key=lambda item: item[0])
    document = {"version": table.version(), "schema": table.schema().to_json(),  # type: ignore[attr-defined]
                "files": files}
    return json.dumps(document, sort_keys=True, default=str).encode("utf-8")


def live_bytes(path: str, version: int | None) -> int:
    """Bytes of the data files of the version read (not of the removed files still on disk)."""
    actions = pa.table(open_delta(path, version, path).get_add_actions(flatten=False))  # type: ignore[attr-defined]
    return int(pc.sum(actions["size_bytes"]).as_py() or 0)


class DeltaSource(Source):
    """A Delta table at one version: one chunk per batch of at most ``batch_rows`` records."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536, version: int | None = None):
        super().__init__(path, info, batch_rows)
        table = open_delta(path, version, info.path)
        try:
            dataset = table.to_pyarrow_dataset()  # type: ignore[attr-defined]
        except Exception as error:  # deletion vectors, unsupported reader features
            raise SourceError(info.path, f"cannot read this Delta table as Arrow ({_reason(error)})",
                              "compact it without deletion vectors, or scan a copy") from None
        fragments = sorted(dataset.get_fragments(), key=lambda fragment: fragment.path)
        self._dataset = ds.FileSystemDataset(fragments, dataset.schema, dataset.format, dataset.filesystem)
        info.schema = dataset.schema
        info.extra.update(table="delta", version=table.version(), files=len(fragments))  # type: ignore[attr-defined]

    def chunks(self) -> Iterator[Chunk | Problem]:
        start = 0
        batches = self._dataset.to_batches(batch_size=self.batch_rows)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except (pa.ArrowException, OSError) as error:
                raise SourceError(self.info.path, f"a data file of the Delta table is unreadable "
                                                  f"({_reason(error)})") from None
            if batch.num_rows == 0:
                continue
            rows = record_indices(start, batch.num_rows)
            start += batch.num_rows
            yield Chunk(columns=flatten_batch(batch, rows), rows=rows, batch=batch)
