"""Sources of several tables: databases, SQL dumps, workbooks; each table read as a file named CONTAINER#TABLE.

A :class:`Container` is a database reached by URI (``postgresql://…``, ``sqlite:///…``, ``duckdb:///…``) or a
file that holds tables (a SQLite or DuckDB file, a ``.sql``/``.sql.gz`` dump, an Excel or OpenDocument
workbook). :meth:`Container.tables` gives one :class:`~leakguard.sources.base.Source` per table, whose
``info.path`` is ``CONTAINER#TABLE`` (``postgresql://db.example:5432/crm#public.beneficiaires``,
``dump.sql#public.beneficiaires``, ``export.xlsx#Feuil1``): reports, baselines and exit codes treat each
table as a file. A container's name never holds a user or a password.

``--table GLOB`` patterns (:class:`TableSelector`) keep the tables whose name matches: ``schema.table`` for
PostgreSQL and DuckDB, the table for SQLite and MySQL dumps, the sheet for workbooks; a pattern without a dot
also matches the name without its schema (``benef*`` matches ``public.beneficiaires``). A pattern that
matches no table of a container is an error of that container.

:func:`iter_tables` turns the entries of :func:`~leakguard.sources.files.iter_files` into what a scan opens:
plain files as they are, and each table of a container as a :class:`TablePath`, a ``str`` (its
``CONTAINER#TABLE`` name) that :func:`~leakguard.sources.open_source` opens as that table. Containers are
read lazily, table after table, so a dump is read once from its start to its end whatever its tables.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Literal

from leakguard.sources.base import Source, SourceError
from leakguard.sources.sniff import logical_extension
from leakguard.sources.streams import open_bytes

Kind = Literal["postgresql", "sqlite", "duckdb", "dump", "workbook"]

#: URI schemes of the databases read directly.
URI_SCHEMES: dict[str, Kind] = {"postgresql": "postgresql", "postgres": "postgresql", "sqlite": "sqlite",
                                "duckdb": "duckdb"}
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
#: What a workbook starts with: a ZIP archive (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.ods``) or an OLE compound file
#: (``.xls``; an ``.xlsx`` protected by a password is one too).
WORKBOOK_MAGICS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
DUMP_EXTENSIONS = (".sql",)
SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # at offset 8
PG_CUSTOM_MAGIC = b"PGDMP"
_DUMP_HEADS = (b"-- PostgreSQL database dump", b"-- MySQL dump", b"-- MariaDB dump")


def uri_kind(path: str) -> Kind | None:
    """The database a URI names (``postgresql``, ``sqlite``, ``duckdb``), or None for a file path."""
    scheme, colon, _ = path.partition(":")
    return URI_SCHEMES.get(scheme.lower()) if colon and len(scheme) > 1 else None


def sniff_container(path: str) -> Kind | None:
    """What kind of container ``path`` is (by URI scheme, magic bytes or extension), or None.

    A file named as a workbook is one when it starts as one (a ZIP archive, an OLE compound file); the
    HTML tables, CSV and TSV files that many applications export as ``.xls`` are read as the text they are.

    Raises :class:`SourceError` for a PostgreSQL custom-format archive, which only ``pg_restore`` reads.
    """
    kind = uri_kind(path)
    if kind is not None:
        return kind
    if not os.path.isfile(path):
        return None
    extension = logical_extension(path)
    try:
        stream, _ = open_bytes(path, path)
    except SourceError:
        return None
    try:
        head = stream.read_full(256)
    except SourceError:
        return None
    finally:
        stream.close()
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head[8:12] == DUCKDB_MAGIC:
        return "duckdb"
    if head.startswith(PG_CUSTOM_MAGIC):
        raise SourceError(path, "a pg_dump custom-format archive, not a plain SQL dump",
                          f"make one with `pg_restore -f dump.sql {path}` and scan it")
    if extension in WORKBOOK_EXTENSIONS and head.startswith(WORKBOOK_MAGICS):
        return "workbook"
    # named as a workbook but none: an HTML table or a CSV or TSV file that an application's "Excel export"
    # named .xls, read by its content as any other file
    if extension in DUMP_EXTENSIONS or any(line.startswith(_DUMP_HEADS) for line in head.split(b"\n", 3)[:3]):
        return "dump"
    return None


class TableSelector:
    """Which tables ``--table`` patterns keep, and which patterns kept none."""

    def __init__(self, patterns: Sequence[str] = ()):
        self.patterns = list(patterns)
        self.matched: set[str] = set()
        self.seen: dict[str, None] = {}  # the tables met, in order

    def wants(self, name: str) -> bool:
        """Whether the table ``name`` is kept (every table when there is no pattern)."""
        self.seen[name] = None
        if not self.patterns:
            return True
        short = name.rsplit(".", 1)[-1]
        hits = [p for p in self.patterns
                if fnmatch.fnmatchcase(name, p) or ("." not in p and fnmatch.fnmatchcase(short, p))]
        self.matched.update(hits)
        return bool(hits)

    def errors(self, container: str) -> Iterator[SourceError]:
        """One error per pattern that matched no table of ``container``."""
        for pattern in self.patterns:
            if pattern not in self.matched:
                seen = list(self.seen)
                names = ", ".join(seen[:8]) + (", ..." if len(seen) > 8 else "")
                yield SourceError(container, f"no table matches --table {pattern!r}",
                                  f"its tables: {names}" if names else "it holds no table")


class Container:
    """A database or file holding tables; use as a context manager (connections and files are closed)."""

    kind: Kind

    def __init__(self, display: str, batch_rows: int = 65_536):
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        #: the container's name in reports (never a user or a password)
        self.display = display
        self.batch_rows = batch_rows
        #: set when reading stopped on an error (a truncated dump): which tables it holds is not known
        self.broken = False

    def table_path(self, table: str) -> str:
        """The name of one of its tables in reports: ``CONTAINER#TABLE``."""
        return f"{self.display}#{table}"

    def tables(self, patterns: Sequence[str] = ()) -> Iterator[Source | SourceError]:
        """Its tables (those ``patterns`` keep), in order, then an error for each pattern that kept none.

        Raises :class:`SourceError` when the container cannot be read at all (connection refused, wrong
        password, not a database, broken workbook...).
        """
        selector = TableSelector(patterns)
        yield from self._tables(selector)
        if not self.broken:
            yield from selector.errors(self.display)

    def _tables(self, selector: TableSelector) -> Iterator[Source | SourceError]:
        raise NotImplementedError

    def close(self) -> None:
        """Close connections and files (idempotent)."""

    def __enter__(self) -> Container:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.display!r}>"


class TablePath(str):
    """The ``CONTAINER#TABLE`` name of one table, as reports show it, holding the table's source."""

    source: Source

    def __new__(cls, source: Source) -> TablePath:
        path = super().__new__(cls, source.info.path)
        path.source = source
        return path


def open_container(path: str, *, batch_rows: int = 65_536, display_path: str | None = None) -> Container | None:
    """The container at ``path`` (a URI or a file), or None when ``path`` is a plain file.

    Raises :class:`SourceError` when it cannot be opened (also for a URI naming a missing file).
    """
    kind = sniff_container(path)
    if kind is None:
        return None
    if kind == "postgresql":
        from leakguard.sources.postgres import PostgresDatabase

        return PostgresDatabase(path, batch_rows=batch_rows, display_path=display_path)
    if kind == "sqlite":
        from leakguard.sources.sqlite import SqliteDatabase

        return SqliteDatabase(path, batch_rows=batch_rows, display_path=display_path)
    if kind == "duckdb":
        from leakguard.sources.duckdb_file import DuckdbDatabase

        return DuckdbDatabase(path, batch_rows=batch_rows, display_path=display_path)
    if kind == "dump":
        from leakguard.sources.sqldump import SqlDump

        return SqlDump(path, batch_rows=batch_rows, display_path=display_path)
    from leakguard.sources.workbook import Workbook

    return Workbook(path, batch_rows=batch_rows, display_path=display_path)


def iter_tables(entries: Iterable[str | SourceError], *, tables: Sequence[str] = (),
                batch_rows: int = 65_536) -> Iterator[str | SourceError]:
    """``entries`` with each container replaced by its tables (:class:`TablePath`) and its errors."""
    for entry in entries:
        if isinstance(entry, (SourceError, TablePath)):
            yield entry
            continue
        try:
            container = open_container(entry, batch_rows=batch_rows)
        except SourceError as error:
            yield error
            continue
        if container is None:
            yield entry
            continue
        with container:
            try:
                for item in container.tables(tables):
                    yield item if isinstance(item, SourceError) else TablePath(item)
            except SourceError as error:
                yield error
