"""Distinct counts in bounded memory: exact up to a bound, a HyperLogLog sketch beyond it.

:class:`DistinctCounter` keeps the distinct keyed identifiers it is given (:mod:`.keyed`) as a sorted
``uint64`` array while there are at most :data:`EXACT_BOUND` of them (800 kB), and counts them exactly. Past
the bound it folds them into a :class:`HyperLogLog` sketch and drops them; the count is then an estimate with
a relative standard error of 1.04/sqrt(m) (Flajolet, Fusy, Gandouet, Meunier, "HyperLogLog: the analysis of a
near-optimal cardinality estimation algorithm", AofA 2007). With m = 2^14 registers (16 kB) that is 0.81 %:
about two estimates in three within 0.81 % of the truth, 95 % within 1.6 %.

The sketch uses 64-bit identifiers, so the large-range correction of the paper (for 32-bit hashes) is not
needed; the small-range correction (linear counting while the raw estimate is under 2.5 m) is kept, although
with the exact bound at 100,000 > 5 m the sketch only serves counts where the raw estimate is unbiased.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Distinct values counted exactly; beyond, the count is estimated.
EXACT_BOUND = 100_000
#: log2 of the number of HyperLogLog registers.
PRECISION = 14


def _leading_zeros(values: np.ndarray) -> np.ndarray:
    """Leading zero bits of each non-zero ``uint64``, by binary search over the widths 32, 16, ..., 1."""
    values = values.copy()
    zeros = np.zeros(values.shape, np.uint8)
    for width in (32, 16, 8, 4, 2, 1):
        top_clear = (values >> np.uint64(64 - width)) == 0
        zeros[top_clear] += width
        values[top_clear] <<= np.uint64(width)
    return zeros


class HyperLogLog:
    """A HyperLogLog sketch of 64-bit identifiers (uniformly distributed: keyed, :mod:`.keyed`).

    >>> from leakguard.report.exposure.keyed import KeyedIds, blocks
    >>> values = blocks(1000, 1)
    >>> values[:, :8] = np.arange(1000, dtype="<u8").view(np.uint8).reshape(-1, 8)
    >>> sketch = HyperLogLog(precision=10)
    >>> sketch.add(KeyedIds(bytes(32)).of(values))
    >>> 900 < sketch.estimate() < 1100
    True
    """

    def __init__(self, precision: int = PRECISION):
        if not 4 <= precision <= 18:
            raise ValueError("precision must be within 4..18")
        self.precision = precision
        self.registers = np.zeros(1 << precision, np.uint8)

    @property
    def relative_error(self) -> float:
        """The relative standard error of :meth:`estimate`: 1.04 / sqrt(m)."""
        return 1.04 / math.sqrt(len(self.registers))

    def add(self, ids: np.ndarray) -> None:
        """Fold the identifiers ``ids`` (``uint64``, repeats allowed) into the sketch."""
        if len(ids) == 0:
            return
        ids = np.asarray(ids, np.uint64)
        p = self.precision
        index = (ids >> np.uint64(64 - p)).astype(np.intp)
        # the 64 - p remaining bits, with a guard bit so that the rank is at most 64 - p + 1
        rest = (ids << np.uint64(p)) | np.uint64(1 << (p - 1))
        rank = _leading_zeros(rest) + np.uint8(1)
        np.maximum.at(self.registers, index, rank)

    def estimate(self) -> float:
        """The estimated number of distinct identifiers added."""
        m = len(self.registers)
        alpha = 0.7213 / (1 + 1.079 / m)
        raw = alpha * m * m / float(np.sum(np.ldexp(1.0, -self.registers.astype(np.int64))))
        empty = int(np.count_nonzero(self.registers == 0))
        if raw <= 2.5 * m and empty:
            return m * math.log(m / empty)  # linear counting
        return raw


@dataclass(frozen=True)
class DistinctCount:
    """A distinct count: exact, or estimated with its relative standard error."""

    value: int
    estimated: bool = False
    relative_error: float = 0.0
    registers: int = 0

    def to_dict(self) -> dict[str, object] | None:
        """How the estimate was made (``None`` when the count is exact), for the machine formats."""
        if not self.estimated:
            return None
        return {"method": "HyperLogLog", "registers": self.registers,
                "relative_standard_error": round(self.relative_error, 6)}


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort and a comparison: faster than ``np.unique`` on ``uint64``)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _sorted_union(known: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The union of two sorted arrays of distinct values, sorted: the new values inserted in place, without
    sorting the known ones again (a run's counter grows by one small chunk at a time).

    >>> _sorted_union(np.array([2, 5, 9], np.uint64), np.array([1, 5, 7], np.uint64)).tolist()
    [1, 2, 5, 7, 9]
    """
    at = np.searchsorted(known, new)
    present = known[np.minimum(at, len(known) - 1)] == new if len(known) else np.zeros(len(new), bool)
    return np.insert(known, at[~present], new[~present])


class DistinctCounter:
    """Distinct keyed identifiers: exact up to ``exact_bound``, a HyperLogLog sketch beyond.

    >>> counter = DistinctCounter(exact_bound=3)
    >>> counter.add(np.array([5, 7, 5], np.uint64)); counter.count()
    DistinctCount(value=2, estimated=False, relative_error=0.0, registers=0)
    """

    def __init__(self, exact_bound: int = EXACT_BOUND, precision: int = PRECISION):
        self.exact_bound = exact_bound
        self.precision = precision
        self._exact: np.ndarray | None = np.zeros(0, np.uint64)
        self._sketch: HyperLogLog | None = None

    def add(self, ids: np.ndarray) -> None:
        """Add identifiers (``uint64``, repeats allowed)."""
        if len(ids) == 0:
            return
        if self._exact is not None:
            merged = _sorted_union(self._exact, sorted_unique(np.asarray(ids, np.uint64)))
            if len(merged) <= self.exact_bound:
                self._exact = merged
                return
            self._sketch = HyperLogLog(self.precision)
            self._exact = None
            ids = merged
        assert self._sketch is not None
        self._sketch.add(ids)

    def merge(self, other: DistinctCounter) -> None:
        """Add the identifiers counted by ``other`` (of the same precision)."""
        if other._exact is not None:
            self.add(other._exact)
            return
        assert other._sketch is not None
        if self._sketch is None:
            exact, self._exact = self._exact, None
            self._sketch = HyperLogLog(self.precision)
            self._sketch.add(exact if exact is not None else np.zeros(0, np.uint64))
        np.maximum(self._sketch.registers, other._sketch.registers, out=self._sketch.registers)

    def registers(self) -> np.ndarray:
        """The HyperLogLog registers of the identifiers counted (a sketch of the exact ones if need be): what
        ``--state`` keeps of a file's persons, to count them in a later run without reading the file."""
        if self._sketch is not None:
            return self._sketch.registers.copy()
        sketch = HyperLogLog(self.precision)
        sketch.add(self._exact if self._exact is not None else np.zeros(0, np.uint64))
        return sketch.registers

    @classmethod
    def from_registers(cls, registers: np.ndarray, exact_bound: int = EXACT_BOUND) -> DistinctCounter:
        """A counter holding the sketch ``registers`` (of :meth:`registers`); its count is an estimate.

        >>> counter = DistinctCounter()
        >>> counter.add(np.random.default_rng(1).integers(0, 2**63, 1000, dtype=np.uint64))
        >>> restored = DistinctCounter.from_registers(counter.registers())
        >>> restored.count().estimated, abs(restored.count().value - 1000) < 30
        (True, True)
        """
        counter = cls(exact_bound, precision=len(registers).bit_length() - 1)
        counter._exact = None
        counter._sketch = HyperLogLog(counter.precision)
        counter._sketch.registers[:] = registers
        return counter

    def count(self) -> DistinctCount:
        if self._exact is not None:
            return DistinctCount(len(self._exact))
        assert self._sketch is not None
        return DistinctCount(round(self._sketch.estimate()), True, self._sketch.relative_error,
                             len(self._sketch.registers))
