"""The files behind the paths a user gives: files as they are, directories walked.

Directories are walked recursively in sorted order (names compared as strings, each directory's entries in
turn), skipping hidden directories (``.git``, ``.venv``, ...) and not following symbolic links to
directories, so that a link loop cannot hang a scan. Hidden files are kept: ``.env`` files leak too. A path
that does not exist, or a directory that cannot be listed, is reported as a :class:`SourceError` in the
stream, and the other paths are still given. What is not a regular file (a named pipe, a socket, a device)
is never opened, since reading it could wait for ever: a walk gives a ``SourceError`` "not a regular file
(a named pipe); not read" instead, and readers refuse such a path given by name (:func:`special_kind`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator

from leakguard.sources.base import SourceError


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str | SourceError]:
    """Every file under ``paths`` (files and directories), or a SourceError for a path that cannot be walked."""
    for given in paths:
        path = os.fspath(given)
        if os.path.isdir(path):
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
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.name.startswith("."):
                yield from _walk(entry.path)
        elif not entry.is_symlink() or not os.path.isdir(entry.path):
            kind = special_kind(entry.path)
            yield entry.path if kind is None else SourceError(entry.path, f"not a regular file ({kind})", "not read")


_SPECIAL = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"))


def special_kind(path: str) -> str | None:
    """What ``path`` is when it exists and is not a regular file or a directory (links followed), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: the reader says so
    return next((kind for test, kind in _SPECIAL if test(mode)), None)
