"""leakguard: find and pseudonymise French health-insurance personal data in Arrow tables and files.

Library entry points (the CLI is a thin shell over them):

* :func:`scan_table` — findings of one in-memory table or record batch;
* :func:`scan_batches` — the streaming form over an iterable of record batches;
* :func:`scan_path` — one file (Parquet, CSV, JSON lines, text/logs, ``.gz``), chunk by chunk, and
  :func:`scan_files` — files and directories, with a reporter (what ``leakguard scan`` runs);
* :func:`scan_database` — every table of a database (PostgreSQL, SQLite, DuckDB), a SQL dump or a workbook;
* :func:`pseudonymise_table`, :func:`pseudonymise_batches` and :func:`pseudonymise_file` — keyed,
  join-preserving, format-preserving rewriting.

The in-memory forms also take data frames: any object exporting Arrow data (``__arrow_c_stream__``: pandas,
polars, DuckDB relations, record batch readers; :mod:`leakguard.frames`).
"""

from __future__ import annotations

__version__ = "0.1.0"

# The library entry points (after __version__: the modules below read it).
from leakguard.databases import scan_database
from leakguard.pseudonymise import pseudonymise_batches, pseudonymise_file, pseudonymise_table
from leakguard.scan import scan_batches, scan_files, scan_path, scan_table

__all__ = [
    "__version__",
    "pseudonymise_batches",
    "pseudonymise_file",
    "pseudonymise_table",
    "scan_batches",
    "scan_database",
    "scan_files",
    "scan_path",
    "scan_table",
]
