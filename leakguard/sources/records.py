"""CSV records exactly as written: where each record starts and ends, by the rules of Arrow's CSV parser.

pyarrow turns a CSV file into columns but says nothing of where each record sits in the file. Writers need
that to copy untouched records byte for byte, to keep a record that cannot be parsed (a row with the wrong
number of fields) as written, and to put a replaced cell back in its place. :class:`RecordSplitter` finds
the records of the same UTF-8 stream pyarrow reads, with one regular expression per record (Python's
``re``, which runs in C), following the rules of Arrow's parser (``arrow/cpp/src/arrow/csv/parser.cc``)::

    a quote opens quoting only at the start of a field; inside, a doubled quote is a quote and a single
    quote ends the quoting, after which the field goes on unquoted ("ab"c is abc); elsewhere a quote is a
    character (a"b is a"b). A record ends at \r\n, \n or \r outside quotes. Empty lines are no records. A
    quote that is never closed runs to the end of the file: the rest of the file is one field.

Each record's text runs from its first character to the first character of the next record: its line end,
and the blank lines after it, are part of it, so the header's text followed by every record's text is the
file itself. :func:`fields` splits one record into its fields with their places, for a writer that puts
new cells in; :func:`unclosed_quote` finds where a quote that is never closed opens.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass
from typing import Protocol


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


#: How much is read at a time.
READ_BYTES = 1024 * 1024


def _field(delimiter: str) -> str:
    other = f"[^{re.escape(delimiter)}\\r\\n]*+"
    # quoted: "…" with "" inside, then what follows the closing quote (unquoted) | unquoted
    return f'(?>"(?:[^"]++|"")*+(?:"{other})?|{other})'


def record_pattern(delimiter: str) -> re.Pattern[bytes]:
    """One record: fields separated by ``delimiter``, its line end and the blank lines after it."""
    field = _field(delimiter)
    pattern = f"{field}(?:{re.escape(delimiter)}{field})*+(?:\\r\\n?|\\n)*+"
    return re.compile(pattern.encode("utf-8"))


_BLANK_LINES = re.compile(rb"(?:\r\n?|\n)*+")


class RecordSplitter:
    """The records of a CSV byte stream (UTF-8, as pyarrow reads it), in order.

    ``unclosed_line`` is, once the last record has been given, the 1-based line of the file where a quote
    that is never closed opens, or None.
    """

    def __init__(self, stream: Readable, delimiter: str):
        self._stream = stream
        self._record = record_pattern(delimiter)
        self._delimiter = delimiter
        self.unclosed_line: int | None = None

    def records(self) -> Generator[bytes, None, None]:
        """Each record's bytes, line end and following blank lines included; the first record also carries
        the blank lines that open the file. A record is held whole (pyarrow bounds its length first)."""
        buffer, start, eof, first = b"", 0, False, True
        lines = 0  # line ends before ``start``
        while True:
            position = _BLANK_LINES.match(buffer, start).end() if first else start  # type: ignore[union-attr]
            match = self._record.match(buffer, position) if position < len(buffer) else None
            if match is None or (match.end() == len(buffer) and not eof):
                if eof:
                    if start < len(buffer):  # blank lines and nothing else
                        yield buffer[start:]
                    return
                # the record may go on in the next block: read more (doubling, so linear in its length)
                block = self._stream.read(max(READ_BYTES, len(buffer) - start))
                eof = not block
                buffer, start = buffer[start:] + block, 0
                continue
            record = buffer[start : match.end()]
            if eof and match.end() == len(buffer):
                text = record.decode("utf-8")
                quote = unclosed_quote(text, self._delimiter)
                if quote is not None:
                    self.unclosed_line = lines + text[:quote].count("\n") + 1
            lines += record.count(b"\n")
            start, first = match.end(), False
            yield record


@dataclass(frozen=True)
class Field:
    """One field of a record: ``text[start:end]`` is the field as written (quotes included)."""

    start: int
    end: int
    #: how it is written: "plain", "quoted" ("…"), "mixed" ("…"… : quoted, then more) or "open" (never closed)
    style: str


def _field_spans(delimiter: str) -> re.Pattern[str]:
    other = f"[^{re.escape(delimiter)}\\r\\n]*+"
    return re.compile(f'(?>"(?:[^"]++|"")*+(?:(")({other}))?|({other}))')


_SPANS: dict[str, re.Pattern[str]] = {}


def fields(record: str, delimiter: str) -> list[Field]:
    """The fields of one record (without its line end) as written, with their places and quoting."""
    pattern = _SPANS.get(delimiter)
    if pattern is None:
        pattern = _SPANS[delimiter] = _field_spans(delimiter)
    out: list[Field] = []
    position = 0
    while True:
        match = pattern.match(record, position)
        assert match is not None
        if match.group(3) is not None:
            style = "plain"
        elif match.group(1) is None:
            style = "open"
        else:
            style = "mixed" if match.group(2) else "quoted"
        out.append(Field(match.start(), match.end(), style))
        position = match.end()
        if position < len(record) and record[position] == delimiter:
            position += 1
            continue
        return out


def unclosed_quote(record: str, delimiter: str) -> int | None:
    """Where in ``record`` a quote that is never closed opens, or None (only the last record can hold one)."""
    if '"' not in record:
        return None
    for field in fields(record, delimiter):
        if field.style == "open":
            return field.start
    return None
