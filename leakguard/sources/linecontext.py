"""What the lines before a text line say about it: its section header and the line before it, vectorised.

In forms, INI-like exports and letters, a value is often explained by what stands above it::

    [AMC]                        Date de naissance :
    Mutuelle=99999997            12/05/1985

A list under its title is read the same way: the title names every line of its block, not only the first::

    nss.csv:                     Invalid NIRs
    255081416802538, true        - 2230 // too short
    255081416802558, false       - 223115935012321 // incorrect control key

For each line of a text file, :class:`LineContext` gives the last section header above it (``[AMC]``, INI
style), the label of its block (a short line, no section header, that opens the block or ends with ``:``,
for the :data:`LABEL_REACH` lines below it in the block) when the label is not the previous line, and the
previous line when it is not blank (a blank line ends a block), as one string: the header, a line break, the
label, a line break, the previous line (its last :data:`MAX_PREVIOUS` characters). The detector reads it for
context words and key hints (:mod:`leakguard.detect.textlines`). The state carries over from one chunk to
the next, so a chunk's first line gets the same context as it would in one piece.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

#: Characters of the previous line kept as context (its end, nearest the line).
MAX_PREVIOUS = 160
#: RE2: an INI section header, ``[AMC]``, ``[Patient]``.
HEADER_RE2 = r"^\s*\[\s*(?P<name>[^\]\n]{1,60}?)\s*\]\s*$"
#: RE2: a line that may label its block: short, with a letter.
LABEL_RE2 = r"^\s*\S.{0,58}$"
#: RE2: a label wherever it stands in its block: a key alone (``Numéros de sécurité sociale :``).
KEY_LABEL_RE2 = r"^[^:]*\pL[^:]*:\s*$"
#: Lines below its label a label names (a list of test values; not a whole log).
LABEL_REACH = 50
_BLANK_RE2 = r"^\s*$"


class LineContext:
    """Section headers and previous lines, chunk after chunk of one text file."""

    def __init__(self) -> None:
        self._header: str | None = None
        self._previous: str | None = None
        #: the label above the next line ("" after a blank line) and its line number; lines read so far
        self._label: tuple[str, int] = ("", -1)
        self._read = 0

    def of(self, lines: pa.Array) -> pa.Array:
        """The context of each line of ``lines`` (a string array), given the lines of the chunks before."""
        if len(lines) == 0:
            return pa.array([], pa.string())
        header = pc.extract_regex(lines, HEADER_RE2).flatten()[0] if pc.any(
            pc.match_substring_regex(lines, HEADER_RE2)).as_py() else pa.nulls(len(lines), pa.string())
        # the header above each line: the last header of the lines before it (the line itself excluded)
        above = pc.fill_null_forward(pa.concat_arrays([pa.array([self._header], pa.string()), header]))
        above = above.slice(0, len(lines))
        previous = pa.concat_arrays([pa.array([self._previous], pa.string()), lines.slice(0, len(lines) - 1)])
        previous = pc.if_else(pc.match_substring_regex(previous, r"^\s*$"), pa.scalar(None, pa.string()), previous)
        previous = pc.utf8_slice_codeunits(previous, -MAX_PREVIOUS)
        label = self._labels(lines)
        context = pc.binary_join_element_wise(pc.fill_null(above, ""), label, pc.fill_null(previous, ""), "\n")
        self._header = pc.fill_null_forward(pa.concat_arrays([above.slice(len(lines) - 1), header.slice(
            len(lines) - 1)]))[-1].as_py()
        self._previous = lines[-1].as_py()
        return pc.if_else(pc.equal(context, "\n\n"), pa.scalar(None, pa.string()), context)

    def _labels(self, lines: pa.Array) -> pa.Array:
        """The label of each line's block ("" for none, or where it is the previous line or too far above)."""
        n = len(lines)
        blank = pc.fill_null(pc.match_substring_regex(lines, _BLANK_RE2), True)
        after_blank = pc.fill_null(pa.concat_arrays([pa.array([self._previous is None or not self._previous.strip()]),
                                                     blank.slice(0, n - 1)]), True)
        short = pc.fill_null(pc.match_substring_regex(lines, LABEL_RE2), False)
        key = pc.fill_null(pc.match_substring_regex(lines, KEY_LABEL_RE2), False)
        section = pc.fill_null(pc.match_substring_regex(lines, HEADER_RE2), False)  # read as the header already
        is_label = pc.and_(pc.and_(pc.invert(blank), pc.invert(section)), pc.and_(short, pc.or_(after_blank, key)))
        # each line's own label, "" from a blank line on; the label above a line is that of the line before it
        text = pc.if_else(is_label, lines, pc.if_else(blank, pa.scalar(""), pa.scalar(None, pa.string())))
        where = pc.if_else(is_label, pa.array(range(self._read, self._read + n), pa.int64()),
                           pc.if_else(blank, pa.scalar(-1, pa.int64()), pa.scalar(None, pa.int64())))
        text = pc.fill_null_forward(pa.concat_arrays([pa.array([self._label[0]], pa.string()), text]))
        where = pc.fill_null_forward(pa.concat_arrays([pa.array([self._label[1]], pa.int64()), where]))
        self._label = (text[n].as_py(), where[n].as_py())
        distance = pc.subtract(pa.array(range(self._read, self._read + n), pa.int64()), where.slice(0, n))
        self._read += n
        named = pc.and_(pc.greater_equal(where.slice(0, n), 0),
                        pc.and_(pc.greater(distance, 1), pc.less_equal(distance, LABEL_REACH)))
        return pc.if_else(named, text.slice(0, n), pa.scalar(""))
