"""Apache Iceberg tables: a directory with ``metadata/*.metadata.json`` is one table, read at its current
snapshot through pyiceberg's ``StaticTable`` (no catalog needed).

An Iceberg table (https://iceberg.apache.org/spec/) keeps its data files under ``data/`` and, under
``metadata/``, one JSON metadata file per commit (``00003-<uuid>.metadata.json``, or ``v3.metadata.json`` for
tables written without a catalog), each naming the table's current snapshot; a snapshot lists, through its
manifests, the data files that make up the table. Files removed by an overwrite or a delete stay on disk until
snapshots are expired, so the directory is read as a table: the current snapshot of the newest metadata file
(the one ``version-hint.text`` names, when present). A table whose catalog has moved its pointer elsewhere
is read as its files say; to read another metadata file, scan with pyiceberg itself.

Records are numbered in the order pyiceberg's scan plans the files; findings carry the table directory as
their ``path``. Data files are found at the absolute locations the metadata records: a table copied elsewhere
is unreadable (its metadata still points to the old place).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from leakguard.sources.base import Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.flatten import flatten_batch, record_indices

METADATA = "metadata"
VERSION_HINT = "version-hint.text"
_METADATA_FILE = re.compile(r"^(?:v(\d+)|(\d+)-[^/]*)\.(?:gz\.)?metadata\.json$")


def _metadata_files(path: str) -> list[tuple[int, str]]:
    try:
        names = os.listdir(os.path.join(path, METADATA))
    except OSError:
        return []
    found = []
    for name in names:
        match = _METADATA_FILE.match(name)
        if match is not None:
            found.append((int(match.group(1) or match.group(2)), name))
    return sorted(found)


def is_iceberg_table(path: str) -> bool:
    """Whether ``path`` is a directory holding Iceberg metadata files."""
    return os.path.isdir(path) and bool(_metadata_files(path))


def current_metadata(path: str) -> str:
    """The metadata file of the table's current state: the one ``version-hint.text`` names, else the newest."""
    files = _metadata_files(path)
    if not files:
        raise SourceError(path, "no Iceberg metadata file under metadata/")
    try:
        with open(os.path.join(path, METADATA, VERSION_HINT), encoding="utf-8") as hint:
            wanted = int(hint.read().strip())
        for number, name in files:
            if number == wanted:
                return os.path.join(path, METADATA, name)
    except (OSError, ValueError):
        pass
    return os.path.join(path, METADATA, files[-1][1])


def identity(path: str) -> bytes:
    """What the current state is, as bytes: the current metadata file's name and content (a metadata file is
    never rewritten: a commit writes a new one)."""
    location = current_metadata(path)
    try:
        with open(location, "rb") as metadata:
            return os.path.basename(location).encode("utf-8") + b"\x00" + metadata.read()
    except OSError as error:
        raise SourceError(path, f"cannot read the Iceberg metadata ({error.strerror})") from None


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:160]


def live_bytes(path: str) -> int:
    """Bytes of the data files of the current snapshot (not of the removed files still on disk)."""
    from pyiceberg.table import StaticTable

    table = StaticTable.from_metadata(os.path.abspath(current_metadata(path)))
    return sum(task.file.file_size_in_bytes for task in table.scan().plan_files())


class IcebergSource(Source):
    """An Iceberg table at its current snapshot: one chunk per batch of at most ``batch_rows`` records."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536):
        super().__init__(path, info, batch_rows)
        try:
            from pyiceberg.table import StaticTable
        except ImportError:  # pragma: no cover - a declared dependency
            raise SourceError(info.path, "an Iceberg table, and the pyiceberg package is not installed",
                              "pip install pyiceberg") from None
        location = current_metadata(path)
        try:
            self._table = StaticTable.from_metadata(os.path.abspath(location))
            schema = self._table.schema().as_arrow()
        except Exception as error:  # pyiceberg raises many kinds of errors on bad metadata
            raise SourceError(info.path, f"unreadable Iceberg table ({_reason(error)})") from None
        snapshot = self._table.current_snapshot()
        info.schema = schema
        info.extra.update(table="iceberg", metadata=os.path.basename(location),
                          snapshot=snapshot.snapshot_id if snapshot is not None else None)

    def chunks(self) -> Iterator[Chunk | Problem]:
        try:
            reader = self._table.scan().to_arrow_batch_reader()
        except Exception as error:
            raise SourceError(self.info.path, f"cannot plan the Iceberg scan ({_reason(error)})") from None
        start = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except Exception as error:
                raise SourceError(self.info.path, f"a data file of the Iceberg table is unreadable "
                                                  f"({_reason(error)})") from None
            for offset in range(0, batch.num_rows, self.batch_rows):
                part = batch.slice(offset, self.batch_rows)
                rows = record_indices(start, part.num_rows)
                start += part.num_rows
                yield Chunk(columns=flatten_batch(part, rows), rows=rows, batch=part)

    def close(self) -> None:
        self._table = None  # type: ignore[assignment]


__all__ = ["IcebergSource", "current_metadata", "identity", "is_iceberg_table", "live_bytes"]
