"""Column-level profiling: is a column of NIR-shaped numbers really a column of NIRs?

A NIR's key is 97 minus the body modulo 97, so about one random 15-digit number in 97 passes it by chance
(one in 200 once the structure rules are applied too). A single value cannot tell a NIR from an invoice
number that happens to pass; a column can. For every column, we count the distinct NIR-shaped values and how
many of them are valid. A column of NIRs, even with typos, is mostly valid; a column of invoice or order
numbers is valid at the chance rate. A column is kept as NIR when at least half of its shaped values are
valid, or when the number of valid ones is far above chance (a binomial tail below ``ALPHA``, for columns
mixing NIRs with other numbers, such as free text or logs).

Values with context (a ``nir`` column name, the words "n° SS" or "carte vitale" right before them) are not
subject to profiling: context already says what they are.

The counts add up across chunks, files and Spark partitions (:meth:`NirProfile.merge`), so one decision
holds for a column however it is split.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

#: Chance that a random NIR-shaped number has a valid key (the structure rules are not counted: conservative).
CHANCE = 1 / 97
#: Required significance for a minority of valid values to mark a column as holding NIRs.
ALPHA = 1e-5
#: Share of valid values above which a column holds NIRs whatever its size.
MAJORITY = 0.5

_INDEX = re.compile(r"\.\d+(?=\.|$)")


def column_key(column: str | None) -> str:
    """The profiling key of a column: list positions folded (``ayants_droit.0.nir`` -> ``ayants_droit.*.nir``)."""
    if column is None:
        return "\x00lines"
    return _INDEX.sub(".*", column)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), computed in log space (exact enough for a decision)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(k, min(n, k + 400) + 1):
        log_term = math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
        term = math.exp(log_term)
        total += term
        if term < total * 1e-12:
            break
    return min(total, 1.0)


def holds_nirs(shaped: int, valid: int) -> bool:
    """Whether a column with ``shaped`` distinct NIR-shaped values, ``valid`` of them valid, holds NIRs."""
    if valid <= 0 or shaped <= 0:
        return False
    if valid >= MAJORITY * shaped:
        return True
    return binomial_tail(valid, shaped, CHANCE) < ALPHA


@dataclass
class NirCounts:
    shaped: int = 0
    valid: int = 0


@dataclass
class NirProfile:
    """Counts of distinct NIR-shaped and valid values per column key; mergeable."""

    counts: dict[str, NirCounts] = field(default_factory=dict)

    def add(self, column: str | None, shaped: int, valid: int) -> None:
        entry = self.counts.setdefault(column_key(column), NirCounts())
        entry.shaped += shaped
        entry.valid += valid

    def merge(self, other: NirProfile) -> None:
        for key, value in other.counts.items():
            entry = self.counts.setdefault(key, NirCounts())
            entry.shaped += value.shaped
            entry.valid += value.valid

    def holds_nirs(self, column: str | None) -> bool:
        entry = self.counts.get(column_key(column))
        return entry is not None and holds_nirs(entry.shaped, entry.valid)

    def as_dict(self) -> dict[str, tuple[int, int]]:
        return {key: (value.shaped, value.valid) for key, value in self.counts.items()}

    @classmethod
    def from_dict(cls, data: dict[str, tuple[int, int]]) -> NirProfile:
        return cls({key: NirCounts(shaped, valid) for key, (shaped, valid) in data.items()})
