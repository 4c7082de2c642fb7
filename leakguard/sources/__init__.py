"""Files and databases as streams of cells: Parquet, Arrow IPC (Feather v2), ORC, CSV/TSV, JSON lines, text
and logs (gzip-compressed or not), and containers of tables: PostgreSQL, SQLite and DuckDB databases, SQL
dumps, Excel/ODS workbooks.

:func:`open_source` looks at a file's first bytes (:mod:`~leakguard.sources.sniff`: magic bytes, encoding,
delimiter; the extension only breaks ties) and returns a :class:`Source` whose ``chunks()`` stream
:class:`Chunk` objects of bounded size and the :class:`Problem` met inside the file; a file that cannot be
read at all raises :class:`SourceError`, one line for the user::

    from leakguard.sources import iter_files, open_source, SourceError

    for path in iter_files(["dumps/", "export.csv.gz"]):
        if isinstance(path, SourceError):
            print(path)                      # "missing.csv: no such file or directory"
            continue
        try:
            with open_source(path) as source:
                print(source.info.format, source.info.encoding, source.info.delimiter)
                for item in source.chunks():
                    ...                      # Chunk: item.columns is a list of CellColumn
        except SourceError as error:
            print(error)                     # "photo.png: binary file, ...; skipped"

A container (a database URI such as ``postgresql://host/db``, ``sqlite:///app.db``, or a SQLite/DuckDB file,
a ``.sql`` dump, a workbook) opens as a :class:`Container` whose ``tables()`` are sources named
``CONTAINER#TABLE`` (:mod:`~leakguard.sources.containers`)::

    with open_source("postgresql://reader@db.example/crm") as database:
        for table in database.tables(["public.benef*"]):
            ...                              # a Source, or a SourceError ("no table matches ...")

A directory that is one table (Delta Lake, Apache Iceberg) opens as that table
(:mod:`~leakguard.sources.tables`). In a file under Hive-style partition directories
(``year=2024/month=02/part-0.parquet``), ``open_source(path, partitions=True)`` gives the partition values as
columns of every record (:mod:`~leakguard.sources.partitions`).

In-memory tables use the same flattening: :func:`table_to_columns`, :func:`flatten_batch`, and
:func:`rebuild_batch` to put replaced leaves back into a (nested) batch.
"""

from __future__ import annotations

import os

from leakguard.sources.arrow_ipc import ArrowSource
from leakguard.sources.base import CellColumn, Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.containers import Container, TablePath, iter_tables, open_container
from leakguard.sources.delimited import CsvSource
from leakguard.sources.files import iter_files
from leakguard.sources.flatten import flatten_batch, rebuild_batch, record_indices, table_to_columns
from leakguard.sources.lines import JsonLinesSource, TextSource
from leakguard.sources.orc import OrcSource
from leakguard.sources.parquet import ParquetSource
from leakguard.sources.partitions import with_partitions
from leakguard.sources.sniff import sniff_file
from leakguard.sources.tables import open_table, table_kind

__all__ = [
    "CellColumn",
    "Chunk",
    "Container",
    "Problem",
    "Source",
    "SourceError",
    "SourceInfo",
    "TablePath",
    "flatten_batch",
    "iter_files",
    "iter_tables",
    "open_source",
    "rebuild_batch",
    "record_indices",
    "table_to_columns",
]

_READERS: dict[str, type[Source]] = {
    "parquet": ParquetSource,
    "arrow": ArrowSource,
    "orc": OrcSource,
    "csv": CsvSource,
    "jsonl": JsonLinesSource,
    "text": TextSource,
}


def open_source(path: str | os.PathLike[str], *, batch_rows: int = 65_536, display_path: str | None = None,
                partitions: bool = False) -> Source | Container:
    """Open ``path``, detecting its format; ``display_path`` is the name used in info and messages.

    A database URI or a file of several tables gives a :class:`Container`; a :class:`TablePath` (from
    :func:`iter_tables`) gives the source of its table; a Delta or Iceberg table directory opens as its table.
    ``partitions``: the values of the Hive-style partition directories in ``path`` become columns of the
    records. Raises :class:`SourceError` for a file that cannot be read: missing, a directory, unreadable,
    empty, binary, corrupt or truncated.
    """
    if isinstance(path, TablePath):
        return path.source
    fs_path = path if isinstance(path, str) else os.fspath(path)
    display = display_path if display_path is not None else str(fs_path)
    if table_kind(fs_path) is not None:
        return open_table(fs_path, batch_rows=batch_rows, display_path=display)
    container = open_container(fs_path, batch_rows=batch_rows, display_path=display_path)
    if container is not None:
        return container
    info = sniff_file(fs_path, display)
    source = _READERS[info.format](fs_path, info, batch_rows)
    if partitions:
        return with_partitions(source)
    return source
