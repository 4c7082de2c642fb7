"""Text that goes into a report: paths, column names and messages made safe to write.

Two hazards come with names taken from the file system and from the data:

* undecodable file names: Python hands them over with lone surrogates (``os.fsdecode``, PEP 383), which a
  UTF-8 stream refuses to write; :func:`clean` shows their bytes as ``\\xff`` escapes instead of failing;
* control characters in a column name or a path (an ANSI escape sequence can rewrite a terminal):
  :func:`printable` also escapes them, for the ``table`` format (JSON escapes them by itself).
"""

from __future__ import annotations


def clean(text: str) -> str:
    """``text`` writable as UTF-8: lone surrogates (undecodable bytes of a file name) become ``\\xNN``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def printable(text: str) -> str:
    """:func:`clean`, then control characters escaped (``\\x1b``, ``\\n``): safe to print on a terminal."""
    text = clean(text)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
