"""PostgreSQL databases, every user table read whole through the ADBC PostgreSQL driver.

``postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DB[?PARAM=VALUE...]`` (or ``postgres://``) is handed to libpq
(inside ``adbc-driver-postgresql``) as it is, so the password comes from the URI, ``PGPASSWORD`` or
``~/.pgpass`` (``PGPASSFILE``) exactly as with ``psql``, and every libpq parameter works (``sslmode``,
``host=/var/run/postgresql``...). Two parameters are added when the URI does not set them: a short
``connect_timeout`` (:data:`CONNECT_TIMEOUT_SECONDS`, unless ``PGCONNECT_TIMEOUT`` is set) so that an
unreachable host fails fast, and ``application_name=leakguard`` so that a DBA sees who reads.

The container's name in reports is ``postgresql://HOST:PORT/DB``: no user, no password, no parameter.
Messages from libpq never carry the password (the connection string is not echoed), and
:meth:`PostgresDatabase.redact` removes any secret that would.

Tables: ordinary and partitioned tables (not their partitions, not views, not the tables of extensions) of
every schema but ``pg_catalog``, ``information_schema``, ``pg_toast`` and temporary ones, in schema and name
order. Each is read with ``SELECT`` in its own ``READ ONLY`` transaction; the driver streams the result with
``COPY ... TO STDOUT (FORMAT binary)`` into Arrow batches, so memory is bounded by a batch whatever the table.
Columns whose type the driver returns as opaque binary (``inet``, enums, domains, ``citext``, ``uuid``...) are
selected as ``::text`` (``::text[]`` for arrays of them), so their values are scanned as PostgreSQL writes them.
"""

from __future__ import annotations

import contextlib
import os
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from leakguard.sources.base import Problem, Source, SourceError, SourceInfo
from leakguard.sources.containers import Container, TableSelector
from leakguard.sources.database import BatchSource

#: ``connect_timeout`` added to a URI that sets none (seconds).
CONNECT_TIMEOUT_SECONDS = 10
#: Types the driver reads natively; columns of other types are selected as text.
NATIVE_TYPES = frozenset({"bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar",
                          "bpchar", "date", "timestamp", "timestamptz", "json", "jsonb", "bytea"})

_TABLES = """
SELECT c.oid, n.nspname, c.relname
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname
"""
_COLUMNS = """
SELECT a.attname, t.typname, COALESCE(e.typname, '') AS element
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
WHERE a.attrelid = {oid} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _query_parameters(uri: str) -> dict[str, str]:
    query = urllib.parse.urlsplit(uri).query
    return {k: v for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)}


def display_uri(uri: str) -> str:
    """``postgresql://HOST:PORT/DB`` of a URI, defaults from ``PGHOST``, ``PGPORT``, ``PGDATABASE``."""
    parts = urllib.parse.urlsplit(uri)
    params = _query_parameters(uri)
    hosts = parts.netloc.rpartition("@")[2]
    port = params.get("port") or os.environ.get("PGPORT") or "5432"
    if not hosts:
        host = params.get("host") or os.environ.get("PGHOST") or "localhost"
        hosts = f"{urllib.parse.quote(host, safe='')}:{port}"
    else:
        hosts = ",".join(h if re.search(r":\d+$", h) else f"{h}:{port}" for h in hosts.split(","))
    database = urllib.parse.unquote(parts.path.lstrip("/")) or params.get("dbname") or os.environ.get("PGDATABASE", "")
    return f"postgresql://{hosts}/{urllib.parse.quote(database, safe='')}"


def connection_uri(uri: str) -> str:
    """``uri`` with ``connect_timeout`` and ``application_name`` added when it sets none."""
    params = _query_parameters(uri)
    extra = {}
    if "connect_timeout" not in params and not os.environ.get("PGCONNECT_TIMEOUT"):
        extra["connect_timeout"] = str(CONNECT_TIMEOUT_SECONDS)
    if "application_name" not in params and not os.environ.get("PGAPPNAME"):
        extra["application_name"] = "leakguard"
    if not extra:
        return uri
    base, _, fragment = uri.partition("#")
    separator = "&" if "?" in base else "?"
    return base + separator + urllib.parse.urlencode(extra) + (f"#{fragment}" if fragment else "")


def secrets_of(uri: str) -> list[str]:
    """Everything in a URI or the environment that a message must never show: passwords."""
    parts = urllib.parse.urlsplit(uri)
    found = []
    userinfo = parts.netloc.rpartition("@")[0]
    if ":" in userinfo:
        raw = userinfo.partition(":")[2]
        found += [raw, urllib.parse.unquote(raw)]
    params = _query_parameters(uri)
    for key in ("password", "sslpassword"):
        if params.get(key):
            found.append(params[key])
    if os.environ.get("PGPASSWORD"):
        found.append(os.environ["PGPASSWORD"])
    # a password of 1 to 3 characters cannot be told from the words of a message: libpq never echoes it anyway
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


class PostgresDatabase(Container):
    """A PostgreSQL database reached by URI (see the module docstring)."""

    kind = "postgresql"

    def __init__(self, uri: str, *, batch_rows: int = 65_536, display_path: str | None = None):
        super().__init__(display_path or display_uri(uri), batch_rows)
        self._uri = connection_uri(uri)
        self._secrets = secrets_of(uri)
        self._connection: Any = None

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def error(self, where: str, error: Exception, doing: str) -> SourceError:
        """A one-line :class:`SourceError` for a driver error, without any secret."""
        message = self.redact(str(error))
        for marker in ("FATAL:", "ERROR:", "failed:", "Failed to connect:"):
            if marker in message:
                message = message.rsplit(marker, 1)[1]
                break
        reason = " ".join(message.strip().splitlines()[0].split()) if message.strip() else type(error).__name__
        reason = re.sub(r"^\w+: \[libpq\] ", "", reason)[:200]
        hint = ""
        lowered = reason.lower()
        if "password authentication failed" in lowered or "no password supplied" in lowered:
            hint = "check the user and the password (in the URI, PGPASSWORD or ~/.pgpass)"
        elif "timeout expired" in lowered:
            hint = "the server did not answer in time; check the host and port"
        elif "connection refused" in lowered:
            hint = "is the server running and accepting TCP/IP connections on that port?"
        elif "could not translate host name" in lowered:
            hint = "check the host name"
        elif "permission denied" in lowered:
            hint = "the user needs SELECT on it"
        return SourceError(where, f"{doing} ({reason})", hint)

    def connection(self) -> Any:
        """The open connection (connecting on first use)."""
        if self._connection is None:
            try:
                import adbc_driver_postgresql.dbapi as dbapi
            except ImportError:
                raise SourceError(self.display, "reading PostgreSQL needs adbc-driver-postgresql",
                                  "pip install 'leakguard[db]'") from None
            try:
                self._connection = dbapi.connect(self._uri)
            except Exception as error:  # the driver's errors (adbc_driver_manager.Error) and OS errors
                raise self.error(self.display, error, "cannot connect") from None
        return self._connection

    def _query(self, sql: str, where: str, doing: str) -> list[tuple[Any, ...]]:
        connection = self.connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall()
            connection.rollback()
            return rows
        except Exception as error:
            with contextlib.suppress(Exception):
                connection.rollback()
            raise self.error(where, error, doing) from None

    def _tables(self, selector: TableSelector) -> Iterator[Source | SourceError]:
        for oid, schema, table in self._query(_TABLES, self.display, "cannot list the tables"):
            name = f"{schema}.{table}"
            if selector.wants(name):
                yield self._source(int(oid), schema, table)

    def _source(self, oid: int, schema: str, table: str) -> BatchSource:
        path = self.table_path(f"{schema}.{table}")
        info = SourceInfo(path=path, format="database", extra={"schema": schema, "table": table})
        return BatchSource(path, info, self.batch_rows, lambda: self._read(oid, schema, table, path))

    def _read(self, oid: int, schema: str, table: str, path: str) -> Iterator[pa.RecordBatch | Problem]:
        columns = self._query(_COLUMNS.format(oid=oid), path, "cannot read the columns")
        if not columns:
            return
        select = ", ".join(_select_item(*column) for column in columns)
        sql = f"SELECT {select} FROM {quote_identifier(schema)}.{quote_identifier(table)}"
        connection = self.connection()
        cursor = connection.cursor()
        try:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(sql)
            yield from cursor.fetch_record_batch()
        except SourceError:
            raise
        except Exception as error:
            raise self.error(path, error, "cannot read the table") from None
        finally:
            with contextlib.suppress(Exception):
                cursor.close()
            with contextlib.suppress(Exception):
                connection.rollback()

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


def _select_item(name: str, kind: str, element: str) -> str:
    column = quote_identifier(name)
    if kind in NATIVE_TYPES or (element and element in NATIVE_TYPES):
        return column
    return f"{column}::text[] AS {column}" if element else f"{column}::text AS {column}"
