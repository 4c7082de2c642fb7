"""Directories that are one table: Delta Lake (:mod:`.delta`) and Apache Iceberg (:mod:`.iceberg`).

A lake keeps a table as a directory of data files plus a log or metadata saying which of them make up the
table now; files that an overwrite removed stay on disk for a while. Such a directory is therefore one entry
of a scan: :func:`~leakguard.sources.files.iter_files` gives it without walking into it,
:func:`~leakguard.sources.open_source` opens it as one :class:`~leakguard.sources.base.Source` whose findings
carry the directory as their ``path``, and :mod:`leakguard.state` tells a changed table from an unchanged one
by its log (:func:`log_listing`) and by what its version is made of (:func:`identity`).

A Delta table is read at its latest version, or at the version a :class:`AtVersion` path names
(``--delta-version N``); an Iceberg table at its current snapshot.
"""

from __future__ import annotations

import os
from typing import Literal

from leakguard.sources.base import Source, SourceError, SourceInfo
from leakguard.sources.delta import DELTA_LOG, is_delta_table
from leakguard.sources.iceberg import METADATA, is_iceberg_table

TableKind = Literal["delta", "iceberg"]


class AtVersion(str):
    """A Delta table directory to read at ``version`` (the ``str`` is the directory, as reports show it)."""

    version: int | None

    def __new__(cls, path: str, version: int | None) -> AtVersion:
        made = super().__new__(cls, path)
        made.version = version
        return made

    def __reduce__(self) -> tuple[object, tuple[str, int | None]]:  # worker processes get the version too
        return AtVersion, (str(self), self.version)


def table_kind(path: str) -> TableKind | None:
    """``"delta"`` or ``"iceberg"`` for a table directory, ``None`` for anything else."""
    if not os.path.isdir(path):
        return None
    if is_delta_table(path):
        return "delta"
    if is_iceberg_table(path):
        return "iceberg"
    return None


def version_of(path: str) -> int | None:
    """The Delta version a path asks for (``None``: the latest)."""
    return getattr(path, "version", None)


def open_table(path: str, *, batch_rows: int = 65_536, display_path: str | None = None) -> Source:
    """The table in directory ``path``; :class:`SourceError` if it cannot be read."""
    display = display_path if display_path is not None else str(path)
    kind = table_kind(path)
    if kind == "delta":
        from leakguard.sources.delta import DeltaSource

        return DeltaSource(str(path), SourceInfo(display, "delta"), batch_rows, version=version_of(path))
    if kind == "iceberg":
        from leakguard.sources.iceberg import IcebergSource

        return IcebergSource(str(path), SourceInfo(display, "iceberg"), batch_rows)
    raise SourceError(display, "a directory, not a file", "scan the files in it, or the directory itself")


def log_listing(path: str) -> list[tuple[str, int, int]]:
    """``(name, size, mtime_ns)`` of the files of the table's log (Delta) or metadata (Iceberg), sorted: what
    changes whenever the table does."""
    folder = os.path.join(path, DELTA_LOG if table_kind(path) == "delta" else METADATA)
    listing = []
    for root, _, files in os.walk(folder):
        for name in files:
            full = os.path.join(root, name)
            try:
                stat = os.stat(full)
            except OSError:
                continue
            listing.append((os.path.relpath(full, folder), stat.st_size, stat.st_mtime_ns))
    return sorted(listing)


def table_bytes(path: str) -> int:
    """Bytes of the data files the table is made of now (0 when they cannot be listed)."""
    try:
        if table_kind(path) == "delta":
            from leakguard.sources.delta import live_bytes

            return live_bytes(str(path), version_of(path))
        from leakguard.sources.iceberg import live_bytes as iceberg_bytes

        return iceberg_bytes(str(path))
    except Exception:  # unreadable: the scan says why
        return 0


def identity(path: str) -> bytes:
    """What the version read is made of (see :func:`leakguard.sources.delta.identity`)."""
    if table_kind(path) == "delta":
        from leakguard.sources.delta import identity as delta_identity

        return delta_identity(str(path), version_of(path))
    from leakguard.sources.iceberg import identity as iceberg_identity

    return iceberg_identity(str(path))
