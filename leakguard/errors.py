"""Errors that end a whole run rather than one file's part of it, shared by the library and the command line.

A file that cannot be read is one file's problem: it is reported and the other files are still scanned. An
output that cannot be written — the report on standard output or in ``--output FILE``, a pseudonymised file,
a baseline, a key file — ends the run: nothing more can be recorded. :class:`OutputError` carries which output
and the operating system's reason, never any data.
"""

from __future__ import annotations

import errno
import os

#: How :class:`OutputError` names standard output.
STANDARD_OUTPUT = "standard output"
#: Error numbers that mean "the file system is full" (disk, quota, file size limit).
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class OutputError(OSError):
    """Writing ``target`` (a path, or ``"standard output"``) failed with the OS error ``cause``."""

    def __init__(self, target: str, cause: OSError):
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.target = target
        self.cause = cause

    @property
    def reader_left(self) -> bool:
        """Whether the output is a pipe whose reader has gone (``leakguard scan … | head``)."""
        return isinstance(self.cause, BrokenPipeError) or self.errno == errno.EPIPE

    def __str__(self) -> str:
        if self.errno in NO_SPACE:
            reason = "no space left on device"
            where = None if self.target == STANDARD_OUTPUT else mount_point(self.target)
            if where is not None:
                reason += f" ({where})"
        else:
            reason = (self.cause.strerror or type(self.cause).__name__).lower()
        return f"cannot write {self.target}: {reason}"


def mount_point(path: str) -> str | None:
    """The mount point of the file system holding ``path`` (or its nearest existing parent)."""
    current = os.path.abspath(path)
    while not os.path.exists(current):
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    while not os.path.ismount(current):
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return current


__all__ = ["NO_SPACE", "STANDARD_OUTPUT", "OutputError", "mount_point"]
