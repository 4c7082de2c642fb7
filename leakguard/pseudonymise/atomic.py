"""Output files that appear complete or not at all.

A pseudonymised file replaces data that must not leak: a half-written output (a crash, a full disk, Ctrl-C)
would look like a finished one and may hold the rows that were not yet replaced, or nothing useful. So every
output is written to a temporary file in the destination's directory (same file system, so the rename is
atomic), flushed to disk (``fsync``), given the input's permission bits, and renamed over the destination
(``os.replace``, atomic on POSIX and Windows); the directory is then synced so the rename survives a crash.
On any failure — an exception, ``KeyboardInterrupt``, a failed verification — the temporary file is removed
and the destination is left as it was.

Sources: POSIX ``rename(2)`` (atomic replacement within one file system), ``fsync(2)``.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator

#: Prefix of the temporary files (hidden on POSIX), in the destination's directory.
TEMP_PREFIX = ".leakguard-"


@contextlib.contextmanager
def atomic_path(target: str, *, mode_from: str | None = None) -> Iterator[str]:
    """A temporary path to write; on a clean exit it is synced and renamed to ``target``, else removed.

    ``mode_from`` is a file whose permission bits the output gets (the input: an output is as confidential
    as what it was made from until someone decides otherwise); without it, ``0o666`` less the umask.
    """
    directory = os.path.dirname(os.path.abspath(target))
    fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield temporary
        _fsync(temporary)
        os.chmod(temporary, _mode(mode_from))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _mode(mode_from: str | None) -> int:
    if mode_from is not None:
        with contextlib.suppress(OSError):
            return stat.S_IMODE(os.stat(mode_from).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: str) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a directory be opened
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
