"""leakguard: find and pseudonymise French health-insurance personal data in Arrow tables and files.

Library entry points (the CLI is a thin shell over them):

* :func:`scan_table` — findings of one in-memory table or record batch;
* :func:`scan_batches` — the streaming form over an iterable of record batches;
* :func:`scan_paths` — files and directories (Parquet, CSV, JSON lines, text/logs, ``.gz``);
* :func:`pseudonymise_table` and :func:`pseudonymise_batches` — keyed, join-preserving rewriting.
"""

from __future__ import annotations

__version__ = "0.1.0"

# The library entry points (after __version__: the modules below read it).
from leakguard.pseudonymise import pseudonymise_batches, pseudonymise_file, pseudonymise_table
from leakguard.scan import scan_batches, scan_table

__all__ = [
    "__version__",
    "pseudonymise_batches",
    "pseudonymise_file",
    "pseudonymise_table",
    "scan_batches",
    "scan_table",
]
