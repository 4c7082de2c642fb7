"""What a path is when it is neither a regular file nor a directory: a named pipe, a socket, a device.

Such a path is never opened: reading a named pipe or a device can wait for ever.
"""

from __future__ import annotations

import os
import stat

__all__ = ["special_kind"]

_SPECIAL = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"))


def special_kind(path: str) -> str | None:
    """What ``path`` is when it exists and is not a regular file or a directory (links followed), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: the reader says so
    return next((kind for test, kind in _SPECIAL if test(mode)), None)
