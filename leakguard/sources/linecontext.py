"""What the lines before a text line say about it: its section header and the line before it, vectorised.

In forms, INI-like exports and letters, a value is often explained by what stands above it::

    [AMC]                        Date de naissance :
    Mutuelle=99999997            12/05/1985

For each line of a text file, :class:`LineContext` gives the last section header above it (``[AMC]``, INI
style) and the previous line when it is not blank (a blank line ends a block), as one string: the header,
a line break, the previous line (its last :data:`MAX_PREVIOUS` characters). The detector reads it for
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


class LineContext:
    """Section headers and previous lines, chunk after chunk of one text file."""

    def __init__(self) -> None:
        self._header: str | None = None
        self._previous: str | None = None

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
        context = pc.binary_join_element_wise(pc.fill_null(above, ""), pc.fill_null(previous, ""), "\n")
        self._header = pc.fill_null_forward(pa.concat_arrays([above.slice(len(lines) - 1), header.slice(
            len(lines) - 1)]))[-1].as_py()
        self._previous = lines[-1].as_py()
        return pc.if_else(pc.equal(context, "\n"), pa.scalar(None, pa.string()), context)
