"""Text that goes into a report: paths, column names and messages made safe to write.

Two hazards come with names taken from the file system and from the data:

* undecodable file names: Python hands them over with lone surrogates (``os.fsdecode``, PEP 383), which a
  UTF-8 stream refuses to write; :func:`clean` shows their bytes as ``\\xff`` escapes instead of failing;
* control characters in a column name or a path (an ANSI escape sequence can rewrite a terminal):
  :func:`printable` also escapes them, for the ``table`` format (JSON escapes them by itself).

And a third: a name may hold an identifier (``185057800608491.csv``, ``col_185057800608491``). :func:`shown`
(terminals, messages) and :func:`shown_in_json` (machine formats) mask it, unless ``--show-values``; every
place that prints a path or a column name goes through one of them.
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


def masked(name: str, *, path: bool = False) -> str:
    """``name`` (a path if ``path``, else a column name or location) with the identifiers it holds masked
    (:mod:`leakguard.detect.names`): a file or a column named after a NIR is data too."""
    from leakguard.detect.names import masked_name

    return masked_name(name, path=path)


def shown(name: str, *, path: bool = False, show_values: bool = False) -> str:
    """A path or a column name as messages and the ``table`` format show it: its identifiers masked (unless
    ``show_values``), control characters escaped. Every place that prints a name uses this."""
    return printable(name if show_values else masked(name, path=path))


def shown_in_json(name: str | None, *, path: bool = False, show_values: bool = False) -> str | None:
    """:func:`shown` for machine formats: identifiers masked, text writable as UTF-8 (JSON escapes the rest)."""
    if name is None:
        return None
    return clean(name if show_values else masked(name, path=path))
