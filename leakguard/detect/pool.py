"""RE2 patterns run once per chunk over the distinct values of all its columns, not once per column.

``pyarrow.compute.match_substring_regex`` compiles its pattern on every call: from 0.1 ms for a short one to
20 ms for the insurer names or a ``\\p{L}`` class. The detector makes about thirty such calls per column, so on
a wide table the compiling was the whole cost: a CSV file of 10,000 columns and a few rows took minutes,
whatever its number of cells. A :class:`RegexPool` holds the distinct values of every column of a chunk,
one after the other in one array; each pattern runs once over all of them, the first time a column asks,
and every column reads its own slice of the answer. The answers are RE2's, as before; only the number of
compilations changes: it no longer grows with the number of columns. The detector also asks, for each
column, whether any value matches one of the patterns that open its passes (:meth:`RegexPool.any_match`):
a column of amounts and codes in which none does is done at once, so the work left grows with the cells.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class RegexPool:
    """Distinct values of several columns, ``parts[i]`` at ``starts[i]``; patterns matched once over all."""

    def __init__(self, parts: list[pa.Array]):
        self.parts = parts
        self.starts = np.cumsum([0, *(len(part) for part in parts)])
        # one array: over a chunked array, the pattern would be compiled once per chunk
        self._values = _concat(parts) if parts else None
        self._masks: dict[str, np.ndarray] = {}
        self._either: dict[tuple[str, ...], np.ndarray] = {}
        self._shape: tuple[np.ndarray, np.ndarray] | None = None

    def match(self, part: int, positions: np.ndarray | None, pattern: str) -> np.ndarray:
        """Whether each value of ``parts[part]`` (at ``positions``, or all) matches ``pattern``, as numpy
        booleans (a view: copy it before changing it)."""
        mine = self.match_all(pattern)[self.starts[part] : self.starts[part + 1]]
        return mine if positions is None else mine[positions]

    def any_match(self, part: int, patterns: list[str]) -> bool:
        """Whether a value of ``parts[part]`` matches one of ``patterns``."""
        key = tuple(patterns)
        either = self._either.get(key)
        if either is None:
            either = np.zeros(len(self._values) if self._values is not None else 0, dtype=bool)
            for pattern in patterns:
                either |= self.match_all(pattern)
            self._either[key] = either
        return bool(either[self.starts[part] : self.starts[part + 1]].any())

    def match_all(self, pattern: str) -> np.ndarray:
        """Whether each pooled value matches ``pattern`` (computed once per pattern)."""
        mask = self._masks.get(pattern)
        if mask is None:
            assert self._values is not None
            found = pc.match_substring_regex(self._values, pattern)
            mask = self._masks[pattern] = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
        return mask

    def text_shape(self, part: int, sample: int) -> tuple[float, float]:
        """Of the first ``sample`` values of ``parts[part]``: the share holding a space, and the mean length."""
        if self._shape is None:
            assert self._values is not None
            spaced = pc.match_substring(self._values, " ").to_numpy(zero_copy_only=False)
            self._shape = spaced, pc.utf8_length(self._values).to_numpy(zero_copy_only=False)
        start = self.starts[part]
        stop = min(self.starts[part + 1], start + sample)
        if stop == start:
            return 0.0, 0.0
        return float(self._shape[0][start:stop].mean()), float(self._shape[1][start:stop].mean())


def _concat(parts: list[pa.Array]) -> pa.Array:
    """``parts`` (strings) end to end; as large strings when they hold more than 2 GiB."""
    if len(parts) == 1:
        return parts[0]  # no copy
    try:
        return pa.concat_arrays(parts)
    except (pa.ArrowInvalid, pa.ArrowCapacityError):
        return pa.concat_arrays([part.cast(pa.large_string()) for part in parts])
