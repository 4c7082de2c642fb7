"""k-anonymity of a table, streamed: how many records share their quasi-identifiers with few others.

Records with the same quasi-identifiers (:mod:`.quasi`) form an *equivalence class*; a table is k-anonymous
when every class holds at least k records (Samarati and Sweeney, 1998). What a reader needs is not k alone
(one unique record makes it 1) but how many records are at risk, as Google's DLP risk analysis and ARX show
it: the share of records in classes of size 1 (unique: re-identified by whoever knows those few facts), of
fewer than 5, and of fewer than 10. The records counted are those about someone — holding personal data —
with at least one quasi-identifier; the others are in no class.

:class:`EquivalenceClasses` counts records per keyed class identifier in two sorted ``numpy`` arrays (16
bytes a class), exactly up to :data:`CLASS_BOUND` classes (16 MB). Beyond the bound it keeps a *sample of
classes*: only identifiers whose top ``level`` bits are 0, ``level`` growing by one (half the classes
dropped) each time the bound is reached again (Gibbons' distinct sampling, VLDB 2001). Identifiers are
keyed and uniform, so every class has the same chance 2^-level to be kept, with all its records: the shares
are then computed on the kept classes, an unbiased sample of classes, and ``sampled_fraction`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Classes counted exactly per table; beyond, classes are sampled.
CLASS_BOUND = 1_000_000


@dataclass(frozen=True)
class KAnonymity:
    """The risk figures of one table."""

    quasi_identifiers: tuple[str, ...]
    records: int  # records holding personal data and at least one quasi-identifier
    classes: int  # equivalence classes (estimated when sampled)
    k: int  # size of the smallest class (of the sample)
    share_unique: float  # share of records alone in their class
    share_below_5: float
    share_below_10: float
    sampled_fraction: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return {
            "quasi_identifiers": list(self.quasi_identifiers),
            "records": self.records,
            "classes": self.classes,
            "k": self.k,
            "share_unique": round(self.share_unique, 6),
            "share_below_5": round(self.share_below_5, 6),
            "share_below_10": round(self.share_below_10, 6),
            "sampled_fraction": self.sampled_fraction,
        }


class EquivalenceClasses:
    """Records per class identifier (``uint64``), streamed, bounded.

    >>> classes = EquivalenceClasses()
    >>> classes.add(np.array([1, 2, 2, 3, 3, 3], np.uint64))
    >>> figures = classes.figures(("sex",))
    >>> figures.k, figures.classes, round(figures.share_unique, 3), figures.share_below_5
    (1, 3, 0.167, 1.0)
    """

    def __init__(self, bound: int = CLASS_BOUND):
        self.bound = bound
        self.level = 0
        self.records = 0
        self._ids = np.zeros(0, np.uint64)
        self._counts = np.zeros(0, np.int64)

    def _kept(self, ids: np.ndarray) -> np.ndarray:
        return ids if self.level == 0 else ids[(ids >> np.uint64(64 - self.level)) == 0]

    def add(self, class_ids: np.ndarray) -> None:
        """Count one record per identifier of ``class_ids``."""
        self.records += len(class_ids)
        self._add(*np.unique(self._kept(np.asarray(class_ids, np.uint64)), return_counts=True))

    def merge(self, other: EquivalenceClasses) -> None:
        """Count the records counted by ``other`` (their sample, if either sampled)."""
        self.records += other.records
        self._raise_to(other.level)
        kept = np.ones(len(other._ids), bool) if self.level == 0 else (
            other._ids >> np.uint64(64 - self.level)) == 0
        self._add(other._ids[kept], other._counts[kept])

    def _raise_to(self, level: int) -> None:
        while self.level < level:
            self.level += 1
            keep = (self._ids >> np.uint64(64 - self.level)) == 0
            self._ids, self._counts = self._ids[keep], self._counts[keep]

    def _add(self, ids: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts`` records to the classes ``ids`` (sorted, distinct, kept at this level)."""
        if len(ids) == 0:
            return
        at = np.searchsorted(self._ids, ids)
        known = at < len(self._ids)
        known[known] = self._ids[at[known]] == ids[known]
        self._counts[at[known]] += counts[known]  # each class once per call
        new = ~known
        if new.any():
            self._ids = np.insert(self._ids, at[new], ids[new])
            self._counts = np.insert(self._counts, at[new], counts[new])
        while len(self._ids) > self.bound:
            self._raise_to(self.level + 1)

    def figures(self, quasi_identifiers: tuple[str, ...]) -> KAnonymity | None:
        """The figures, or ``None`` when no record had a quasi-identifier."""
        counts = self._counts
        sampled = int(counts.sum())
        if sampled == 0:
            return None
        fraction = 2.0**-self.level
        return KAnonymity(
            quasi_identifiers=quasi_identifiers,
            records=self.records,
            classes=round(len(counts) / fraction),
            k=int(counts.min()),
            share_unique=int(counts[counts == 1].sum()) / sampled,
            share_below_5=int(counts[counts < 5].sum()) / sampled,
            share_below_10=int(counts[counts < 10].sum()) / sampled,
            sampled_fraction=fraction,
        )
