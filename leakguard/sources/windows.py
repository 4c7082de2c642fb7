"""Lines too long to be one record: read in windows, so no line is ever dropped and memory stays bounded.

A line longer than :data:`~leakguard.sources.streams.MAX_LINE_BYTES` (a JSON array dumped on one line, a log
line with a whole payload) is cut into pieces of at most that size (:class:`LongLine`). Each cut is made
right after a separator that no identifier contains and that ends a value in JSON and logs (a quote, a
bracket or brace, ``|``, ``;``, or a comma not followed by a digit: ``1,50`` is one amount), looked for
backwards from the size limit, so a value never straddles two pieces. A piece with no such separator in its
last :data:`SEARCH_BYTES` is cut at the limit, with a :class:`~leakguard.sources.base.Problem`: a value
across that cut may be missed.

A reader gives each piece as a text chunk of one cell (its :class:`~leakguard.sources.base.LinePart` set):
the piece preceded by the last :data:`LEAD_BYTES` of the piece before it, so that context words before a
value ("nir", "né le") are seen. Findings in that lead belong to the piece before: :func:`clip_findings`
drops them, and shifts the others to offsets in the whole line for reports. Writers put the pieces back one
after the other, without a line end between them.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from leakguard.sources.base import LinePart, Problem

#: Context kept before each piece (bytes of the piece before it).
LEAD_BYTES = 1024
#: How far back from the size limit a separator is looked for.
SEARCH_BYTES = 1024 * 1024
#: Where a long line may be cut: right after one of these.
SEPARATOR = re.compile(rb'["{}\[\]|;]|,(?![0-9])')


@dataclass
class LinePiece:
    """One piece of a long line: ``data`` (UTF-8, no line end) comes after ``lead`` in line ``line``."""

    data: bytes
    line: int
    #: the end of the piece before (context for detection, not part of this piece), from a character start
    lead: bytes
    first: bool
    last: bool
    #: the last piece: the line's end as written (``\\n``, ``\\r\\n`` or ``\\r``)
    newline: str = "\n"


def cut_point(data: bytes, limit: int) -> int | None:
    """Where to cut ``data`` (longer than ``limit``): just after the last separator before ``limit``, or None."""
    low = max(0, limit - SEARCH_BYTES)
    for width in (4096, 65536, SEARCH_BYTES):
        start = max(low, limit - width)
        last = None
        for match in SEPARATOR.finditer(data, start, limit):
            last = match
        if last is not None:
            return last.end()
        if start == low:
            break
    return None


def _character_start(data: bytes) -> bytes:
    """``data`` without the UTF-8 continuation bytes it may start with (the tail of a cut character)."""
    skip = 0
    while skip < len(data) and 0x80 <= data[skip] < 0xC0:
        skip += 1
    return data[skip:]


def _utf8_cut(data: bytes, limit: int) -> int:
    """The largest cut at or before ``limit`` that does not split a UTF-8 character."""
    cut = limit
    while cut > 0 and 0x80 <= data[cut] < 0xC0:
        cut -= 1
    return cut or limit


class LongLine:
    """Cuts one long line into :class:`LinePiece` as its bytes arrive (see the module docstring)."""

    def __init__(self, line: int, display: str, limit: int):
        self.line = line
        self.display = display
        self.limit = limit
        self._lead = b""
        self._first = True
        self._offset = 0  # bytes of the line already given

    def feed(self, data: bytes) -> Generator[LinePiece | Problem, None, bytes]:
        """Give the pieces ``data`` completes; return the rest (at most ``limit`` bytes), to feed again."""
        while len(data) > self.limit:
            cut = cut_point(data, self.limit)
            if cut is None:
                cut = _utf8_cut(data, self.limit)
                yield Problem(self.display, f"line {self.line + 1}: no separator to cut this long line at near "
                              f"byte {self._offset + cut}; a value across that point may be missed", self.line)
            yield self._piece(data[:cut], last=False)
            data = data[cut:]
        return data

    def finish(self, data: bytes, newline: str = "\n") -> Generator[LinePiece | Problem, None, None]:
        """Give the last pieces of the line, ``data`` being its end (without the line end, ``newline``)."""
        data = yield from self.feed(data)
        yield self._piece(data, last=True, newline=newline)

    def _piece(self, data: bytes, *, last: bool, newline: str = "\n") -> LinePiece:
        piece = LinePiece(data, self.line, self._lead, self._first, last, newline)
        self._first = False
        self._offset += len(data)
        self._lead = _character_start((self._lead + data)[-LEAD_BYTES:])
        return piece


def clip_findings(findings: pa.Table, part: LinePart | None, *, shift: bool) -> pa.Table:
    """The findings of a window that belong to its own text; with ``shift``, offsets in the whole line."""
    if part is None or findings.num_rows == 0:
        return findings
    if part.lead:
        findings = findings.filter(pc.greater_equal(findings["start"], part.lead))
    if shift and part.offset != part.lead:
        delta = part.offset - part.lead
        for name in ("start", "end"):
            index = findings.schema.get_field_index(name)
            moved = pc.add_checked(findings[name], pa.scalar(delta, findings.schema.field(index).type))
            findings = findings.set_column(index, findings.schema.field(index), moved)
    return findings
