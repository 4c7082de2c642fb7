"""SQLite database files, every table read with Python's ``sqlite3`` module, opened read-only.

``sqlite:///srv/app.db`` (absolute), ``sqlite:data/app.db`` (relative), or any file whose first bytes are
``SQLite format 3\\0`` (https://www.sqlite.org/fileformat.html). The file is opened with ``mode=ro``: nothing
is written, not even a journal.

Why the standard library and not the ADBC SQLite driver: SQLite types values, not columns (a column declared
``INTEGER`` may hold text in some rows), and the ADBC driver infers a column's type from its first rows and
then fails the whole read on the first value of another type ("Type mismatch in column 0"). ``sqlite3`` gives
each value with its own type; a column of one type becomes that Arrow type, a column of mixed types becomes
text. Reading costs a few microseconds per row, small beside detection.

Tables: those of ``sqlite_master`` but SQLite's own (``sqlite_%``) and virtual tables (their data sits in
ordinary shadow tables, which are read), in name order.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from leakguard.sources.base import Problem, Source, SourceError, SourceInfo
from leakguard.sources.containers import Container, TableSelector, uri_kind
from leakguard.sources.database import BatchSource, check_file, file_of_uri

_TABLES = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
           "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return str(value)


def column_array(values: Sequence[Any]) -> pa.Array:
    """Values of one column: their Arrow type when they share one, else text (bytes that are not UTF-8:
    null)."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([_cell_text(v) for v in values], pa.string())


class SqliteDatabase(Container):
    """A SQLite file (see the module docstring)."""

    kind = "sqlite"

    def __init__(self, path: str, *, batch_rows: int = 65_536, display_path: str | None = None):
        super().__init__(display_path or path, batch_rows)
        self.file = file_of_uri(path) if uri_kind(path) == "sqlite" else path
        check_file(self.file, self.display)
        self._connection: sqlite3.Connection | None = None

    def _error(self, where: str, error: Exception, doing: str) -> SourceError:
        reason = str(error).strip() or type(error).__name__
        hint = "the file is corrupt, truncated or not SQLite" if "malformed" in reason or "not a database" in reason \
            else ""
        return SourceError(where, f"{doing} ({reason})", hint)

    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            uri = "file:" + urllib.parse.quote(os.path.abspath(self.file)) + "?mode=ro"
            try:
                self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            except sqlite3.Error as error:
                raise self._error(self.display, error, "cannot open the database") from None
        return self._connection

    def _tables(self, selector: TableSelector) -> Iterator[Source | SourceError]:
        try:
            names = [row[0] for row in self.connection().execute(_TABLES)]
        except sqlite3.Error as error:
            raise self._error(self.display, error, "cannot list the tables") from None
        for name in names:
            if selector.wants(name):
                path = self.table_path(name)
                info = SourceInfo(path=path, format="database", extra={"table": name})
                yield BatchSource(path, info, self.batch_rows, lambda name=name, path=path: self._read(name, path))

    def _read(self, table: str, path: str) -> Iterator[pa.RecordBatch | Problem]:
        try:
            cursor = self.connection().execute(f'SELECT * FROM "{table.replace(chr(34), chr(34) * 2)}"')
            names = [d[0] for d in cursor.description]
            while True:
                rows = cursor.fetchmany(self.batch_rows)
                if not rows:
                    break
                columns = [column_array(values) for values in zip(*rows)]
                yield pa.RecordBatch.from_arrays(columns, names=names)
        except sqlite3.Error as error:
            raise self._error(path, error, "cannot read the table") from None

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None
