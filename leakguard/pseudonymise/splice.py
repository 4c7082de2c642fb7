"""New cells put into CSV records as they were written, every other byte kept.

The CSV reader gives each record's text (:mod:`leakguard.sources.records`); a record without a replaced cell
is written as it was, and in a record with one, only that field's text changes, written the way the field
was: bare, or between quotes with its quotes doubled. So the output differs from the input only inside the
replaced values, whatever the input's quoting (every field quoted, as some exports do; quotes only where
needed), line ends or blank lines. Two cases change a little more: a bare field whose new value holds the
delimiter, a quote or a line end is quoted, and a field written half quoted (``"ab"c``, read as ``abc``) is
written quoted whole.

Before writing, each replaced field's text is read back and compared with the cell the detector saw; a
difference (the record and the cells do not match) stops the file: nothing is written rather than a wrong
record.
"""

from __future__ import annotations

import re

from leakguard.sources.records import Field, fields


class RecordMismatch(ValueError):
    """A record's text does not hold the cell values read from it."""


_MIXED = re.compile(r'"((?:[^"]|"")*)"(.*)', re.DOTALL)


def field_value(text: str, style: str) -> str:
    """The value of a field written ``text`` in ``style`` (see :class:`~leakguard.sources.records.Field`)."""
    if style == "plain":
        return text
    if style == "quoted":
        return text[1:-1].replace('""', '"')
    if style == "open":
        return text[1:].replace('""', '"')
    match = _MIXED.fullmatch(text)
    assert match is not None
    return match.group(1).replace('""', '"') + match.group(2)


def field_text(value: str, style: str, delimiter: str) -> str:
    """``value`` written as a field of ``style``: bare when it was and still can be, else quoted."""
    if style == "plain" and not (delimiter in value or "\n" in value or "\r" in value or value.startswith('"')):
        return value
    quoted = '"' + value.replace('"', '""')
    return quoted if style == "open" else quoted + '"'


def splice(record: str, changes: dict[int, tuple[str, str]], delimiter: str) -> str:
    """``record`` (its line end included) with field *i* set to ``new`` for each ``i: (old, new)``."""
    if '"' not in record:
        body = record.rstrip("\r\n")
        cells = body.split(delimiter)
        for index, (old, new) in changes.items():
            if index >= len(cells) or cells[index] != old:
                raise RecordMismatch(index)
            cells[index] = field_text(new, "plain", delimiter)
        return delimiter.join(cells) + record[len(body) :]
    spans: list[Field] = fields(record, delimiter)
    pieces: list[str] = []
    at = 0
    for index in sorted(changes):
        old, new = changes[index]
        if index >= len(spans):
            raise RecordMismatch(index)
        span = spans[index]
        if field_value(record[span.start : span.end], span.style) != old:
            raise RecordMismatch(index)
        pieces += (record[at : span.start], field_text(new, span.style, delimiter))
        at = span.end
    pieces.append(record[at:])
    return "".join(pieces)
