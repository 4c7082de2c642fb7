"""leakguard: find and pseudonymise French health-insurance personal data in Arrow tables and files.

Library entry points (the CLI is a thin shell over them):

* :func:`scan_table` — findings of one in-memory table or record batch;
* :func:`scan_batches` — the streaming form over an iterable of record batches;
* :func:`scan_path` — one file (Parquet, CSV, JSON lines, text/logs, ``.gz``), chunk by chunk, and
  :func:`scan_files` — files and directories, with a reporter (what ``leakguard scan`` runs);
* :func:`scan_database` — every table of a database (PostgreSQL, SQLite, DuckDB), a SQL dump or a workbook;
* :func:`pseudonymise_table`, :func:`pseudonymise_batches` and :func:`pseudonymise_file` — keyed,
  join-preserving, format-preserving rewriting;
* :func:`exposure` — record-level exposure of a table: records per entity and per combination of entities,
  the breach profile, distinct persons, k-anonymity (:mod:`leakguard.report.exposure`).

The in-memory forms also take data frames: any object exporting Arrow data (``__arrow_c_stream__``: pandas,
polars, DuckDB relations, record batch readers; :mod:`leakguard.frames`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leakguard.lazy import lazy_names

__version__ = "0.1.0"

#: Each library entry point and its module, imported on first use: ``import leakguard`` (and so every
#: ``leakguard`` command, and every worker process) loads only what it runs.
_ENTRY_POINTS = {
    "exposure": "leakguard.report.exposure",
    "pseudonymise_batches": "leakguard.pseudonymise",
    "pseudonymise_file": "leakguard.pseudonymise",
    "pseudonymise_table": "leakguard.pseudonymise",
    "scan_batches": "leakguard.scan",
    "scan_database": "leakguard.databases",
    "scan_files": "leakguard.scan",
    "scan_path": "leakguard.scan",
    "scan_table": "leakguard.scan",
}

__all__ = [
    "__version__",
    "exposure",
    "pseudonymise_batches",
    "pseudonymise_file",
    "pseudonymise_table",
    "scan_batches",
    "scan_database",
    "scan_files",
    "scan_path",
    "scan_table",
]

if TYPE_CHECKING:
    from leakguard.databases import scan_database
    from leakguard.pseudonymise import pseudonymise_batches, pseudonymise_file, pseudonymise_table
    from leakguard.report.exposure import exposure
    from leakguard.scan import scan_batches, scan_files, scan_path, scan_table


__getattr__, __dir__ = lazy_names(globals(), _ENTRY_POINTS)
