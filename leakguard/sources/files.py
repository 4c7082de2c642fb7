"""The files behind the paths a user gives: files as they are, directories walked.

Directories are walked recursively in sorted order (names compared as strings, each directory's entries in
turn), not following symbolic links to directories, so that a link loop cannot hang a scan. Hidden files and
directories are walked like the others: ``.env`` files and ``exports/.backup/`` copies are where leaks sit;
a project that wants one left alone says so with ``exclude`` in its configuration. Only the internals of
version control systems (:data:`VCS_DIRECTORIES`: ``.git``, ``.hg``, ``.svn``, ``.bzr``) are skipped: they
hold the repository's history in their own compressed formats (git objects are zlib streams, not files
leakguard reads), so walking them would report hundreds of unreadable files and find nothing; history is
scanned by checking it out. Nor are Hadoop's checksum files (``.part-00000.parquet.crc`` beside
``part-00000.parquet``, as Spark writes them on a local file system): binary checksums of the file beside them,
no data. A path that does not exist, or a directory that cannot be listed, is reported as
a :class:`SourceError` in the stream, and the other paths are still given. What is not a regular file (a
named pipe, a socket, a device) is never opened, since reading it could wait for ever: a walk gives a
``SourceError`` "not a regular file (a named pipe); not read" instead, and readers refuse such a path given
by name (:func:`special_kind`). Database URIs (``postgresql://…``, ``sqlite:…``, ``duckdb:…``) are given as
they are (:mod:`leakguard.sources.containers` reads them).

A directory that is one table (Delta Lake, Apache Iceberg: :mod:`leakguard.sources.tables`) is given as it
is, not walked: its data files are read through its log, which knows which of them are still part of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from leakguard.sources.base import SourceError
from leakguard.sources.containers import uri_kind
from leakguard.sources.special import special_kind
from leakguard.sources.tables import table_kind

#: Directories never walked into: the internals of version control systems (see the module docstring).
VCS_DIRECTORIES = frozenset({".git", ".hg", ".svn", ".bzr"})


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str | SourceError]:
    """Every file under ``paths`` (files and directories), or a SourceError for a path that cannot be walked."""
    for given in paths:
        path = given if isinstance(given, str) else os.fspath(given)
        if uri_kind(path) is not None or table_kind(path) is not None:
            yield path
        elif os.path.isdir(path):
            yield from _walk(path)
        elif os.path.lexists(path):
            yield path
        else:
            yield SourceError(path, "no such file or directory")


def _walk(directory: str) -> Iterator[str | SourceError]:
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except PermissionError:
        yield SourceError(directory, "permission denied", "the directory cannot be listed")
        return
    except OSError as error:
        yield SourceError(directory, f"cannot list the directory ({error.strerror or type(error).__name__})")
        return
    names = {entry.name for entry in entries}
    for entry in entries:
        if _checksum_of_a_sibling(entry.name, names):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if table_kind(entry.path) is not None:
                yield entry.path
            elif entry.name not in VCS_DIRECTORIES:
                yield from _walk(entry.path)
        elif not entry.is_symlink() or not os.path.isdir(entry.path):
            kind = special_kind(entry.path)
            yield entry.path if kind is None else SourceError(entry.path, f"not a regular file ({kind})", "not read")


def _checksum_of_a_sibling(name: str, names: set[str]) -> bool:
    """Whether ``name`` is the Hadoop checksum file of another entry of its directory: ``.NAME.crc``."""
    return name.startswith(".") and name.endswith(".crc") and name[1:-4] in names
