"""DuckDB database files, every table read as Arrow record batches by the ``duckdb`` package, read-only.

``duckdb:///srv/lake.duckdb`` (absolute), ``duckdb:lake.duckdb`` (relative), or any file whose bytes 8-11 are
``DUCK`` (the DuckDB storage header). The file is opened with ``read_only=True``; a database another process
holds open for writing cannot be opened (DuckDB locks it), which is reported as such.

Tables: the base tables of the file's own catalog, every schema, in schema and name order (not views, not
DuckDB's internal tables). Each is read with ``SELECT *`` as a stream of record batches of ``batch_rows`` rows
(``to_arrow_reader``), so memory is bounded by a batch; DuckDB's types map to Arrow's (``LIST`` to lists,
``STRUCT`` to structs, ``JSON`` to text, ``DECIMAL`` to integers or text: :mod:`~leakguard.sources.database`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from leakguard.sources.base import Problem, Source, SourceError, SourceInfo
from leakguard.sources.containers import Container, TableSelector, uri_kind
from leakguard.sources.database import BatchSource, check_file, file_of_uri
from leakguard.sources.postgres import quote_identifier

_TABLES = ("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
           "AND NOT internal AND NOT temporary ORDER BY schema_name, table_name")


class DuckdbDatabase(Container):
    """A DuckDB file (see the module docstring)."""

    kind = "duckdb"

    def __init__(self, path: str, *, batch_rows: int = 65_536, display_path: str | None = None):
        super().__init__(display_path or path, batch_rows)
        self.file = file_of_uri(path) if uri_kind(path) == "duckdb" else path
        check_file(self.file, self.display)
        self._connection: Any = None

    def _error(self, where: str, error: Exception, doing: str) -> SourceError:
        lines = str(error).strip().splitlines()
        reason = " ".join(lines[0].split())[:200] if lines else type(error).__name__
        return SourceError(where, f"{doing} ({reason})")

    def connection(self) -> Any:
        if self._connection is None:
            try:
                import duckdb
            except ImportError:
                raise SourceError(self.display, "reading DuckDB files needs the duckdb package",
                                  "pip install 'leakguard[db]'") from None
            try:
                self._connection = duckdb.connect(self.file, read_only=True)
            except duckdb.Error as error:
                raise self._error(self.display, error, "cannot open the database") from None
        return self._connection

    def _tables(self, selector: TableSelector) -> Iterator[Source | SourceError]:
        import duckdb

        try:
            tables = self.connection().execute(_TABLES).fetchall()
        except duckdb.Error as error:
            raise self._error(self.display, error, "cannot list the tables") from None
        for schema, table in tables:
            name = f"{schema}.{table}"
            if selector.wants(name):
                path = self.table_path(name)
                info = SourceInfo(path=path, format="database", extra={"schema": schema, "table": table})
                yield BatchSource(path, info, self.batch_rows,
                                  lambda schema=schema, table=table, path=path: self._read(schema, table, path))

    def _read(self, schema: str, table: str, path: str) -> Iterator[pa.RecordBatch | Problem]:
        import duckdb

        try:
            cursor = self.connection().cursor()
            try:
                relation = cursor.sql(f"SELECT * FROM {quote_identifier(schema)}.{quote_identifier(table)}")
                # duckdb 2.x: to_arrow_reader; 1.x: fetch_arrow_reader
                reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
                yield from reader(self.batch_rows)
            finally:
                cursor.close()
        except duckdb.Error as error:
            raise self._error(path, error, "cannot read the table") from None

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
