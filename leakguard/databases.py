"""Scanning where the data lives: every table of a database, a SQL dump or a workbook, as a library call.

:func:`scan_database` is what ``leakguard scan postgresql://…`` runs, for ETL code: it streams the findings of
each table, batch by batch, with the ``path`` of the table (``CONTAINER#TABLE``) in front, as
:func:`leakguard.scan.scan_path` gives a file's: each column's decision on whether its NIR-shaped numbers are
NIRs or numbers passing the key by chance is taken on the whole table (the NIRs that wait for it come after
the table's last batch), and the findings in its column names come last (``row`` -1)::

    import pyarrow as pa
    from leakguard.databases import scan_database

    findings = pa.concat_tables(scan_database("postgresql://reader@db.example/crm", tables=["public.benef*"],
                                              ner=False))
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence

import pyarrow as pa

from leakguard.detect.engine import DetectOptions
from leakguard.findings import FILE_SCHEMA
from leakguard.scan import scan_path
from leakguard.sources import Container, TablePath, open_source
from leakguard.sources.base import Problem, SourceError

__all__ = ["scan_database"]


def _warn(problem: Problem) -> None:
    warnings.warn(f"{problem.path}: {problem.message}", stacklevel=3)


def scan_database(uri: str, *, tables: Sequence[str] = (), ner: bool = True, batch_rows: int = 65_536,
                  options: DetectOptions | None = None, on_problem: Callable[[Problem], None] = _warn,
                  **overrides: object) -> Iterator[pa.Table]:
    """Findings (``leakguard.findings.FILE_SCHEMA``) of every table of ``uri``, batch by batch, table by table.

    ``uri`` is a database URI (``postgresql://``, ``sqlite:``, ``duckdb:``) or a SQLite/DuckDB file, a SQL
    dump or a workbook; ``tables`` are ``--table`` patterns. Other keywords are :class:`DetectOptions` fields,
    as for :func:`leakguard.scan_table`. Raises :class:`~leakguard.sources.base.SourceError` when the
    container or one of its tables cannot be read, and when a pattern matches no table; recoverable problems
    (a dump row with too few fields) go to ``on_problem`` (default: a warning).
    """
    options = options or DetectOptions(ner=ner, **overrides)  # type: ignore[arg-type]
    with open_source(uri, batch_rows=batch_rows) as container:
        if not isinstance(container, Container):
            raise SourceError(uri, "not a database, a SQL dump or a workbook", "use leakguard.scan_path")
        for source in container.tables(tables):
            if isinstance(source, SourceError):
                raise source
            path = source.info.path
            for item in scan_path(TablePath(source), options=options, batch_rows=batch_rows):
                if isinstance(item, Problem):
                    on_problem(item)
                    continue
                findings = item[1]
                yield findings.add_column(0, FILE_SCHEMA.field("path"),
                                          pa.array([path] * findings.num_rows, pa.string()))
