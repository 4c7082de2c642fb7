"""Column-level profiling: is a column of NIR-shaped numbers really a column of NIRs?

A single value cannot tell a NIR from an invoice number that passes the key by chance; a column can. For
every column we count the distinct NIR-shaped values (the written forms of :mod:`recognizers.nir`: a sex
digit 1-4/7/8 and the grouping of a NIR) and the distinct valid ones (structure and key; the places left
out: a validator's Corsican number of 1953 says its column holds NIRs, :func:`recognizers.nir.keyed_and_valid_array`).
A column of NIRs, even with typos, is mostly valid; a column of invoice or order numbers is valid at the chance rate:

* uniformly random 15-digit numbers: **1 in 119** of the shaped ones is valid (measured: 11,193 of
  1,334,283 shaped values among 2·10^6 numbers drawn in [10^14, 10^15); the structure rules reject about
  one in six before the key, which then passes one in 100, two random digits);
* numbers whose every field happens to fit the structure (date-prefixed invoice numbers): 1 in 100;
* numbers whose last two digits are themselves a key modulo 97: 1 in 97, the highest rate: :data:`CHANCE`.

A column is kept as NIR when at least half of its shaped values are valid (:data:`MAJORITY`, whatever its size),
when it is small (:data:`SMALL`) and holds more valid values than chance explains (a validator's test vectors,
valid and wrong keys side by side), or when its valid share is *well above* chance, with confidence: the binomial
test of the hypothesis "the valid share is at most :data:`EFFECT` × :data:`CHANCE`" rejects it at level
:data:`ALPHA` (equivalently, the one-sided Clopper-Pearson lower bound of the share is above 3/97, about 3 %). That
takes in columns mixing NIRs with other numbers, such as free text or logs, and keeps out any column whose share is
near chance however large it is: a significance test against chance alone calls a share of 1.2 % "not chance" once
a column has a few hundred thousand values.

In a column kept as NIR where nine distinct shaped values in ten are valid (:data:`TYPO_SHARE`), the others,
whose structure a typo explains, are NIRs with a typo (a typo does not anonymise); in a column mixing NIRs
with other numbers they are the other numbers.

Values with context (a ``nir`` column name, the words "n° SS" or "carte vitale" right before them) are not
subject to profiling: context already says what they are.

The counts are distinct counts (:class:`~leakguard.detect.distinct.DistinctCount`) of the values' compact
forms, whose state depends only on the set of values of the column: chunks, files, worker processes and
Spark partitions count their parts and :meth:`NirProfile.merge` them, and the decision is the one of the
whole column however it is split, ordered or repeated. Drivers decide once the counts are final (a profile
pass over a file, the end of a stream): see :mod:`leakguard.scan`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.distinct import DistinctCount
from recognizers import nir

#: Highest rate at which NIR-shaped numbers that are not NIRs pass the structure and the key (see above).
CHANCE = 1 / 97
#: A column holding a minority of valid values must show a valid share above ``EFFECT × CHANCE``...
EFFECT = 3
#: ... at this significance level.
ALPHA = 1e-5
#: Share of valid values above which a column holds NIRs whatever its size.
MAJORITY = 0.5
#: Up to this many distinct shaped values, a column (a short text's numbers) holds NIRs when its valid ones are
#: more than chance gives, at :data:`SMALL_ALPHA`: two valid among 14 or fewer, three among 20 (no effect size
#: can be shown on so few; the chance of two passing by chance among ten is 0.5 %).
SMALL = 20
SMALL_ALPHA = 1e-2
#: Share of valid values from which a column's NIR-shaped values with a wrong key are typos of NIRs, not other
#: numbers among NIRs (a wrong key reads as a typo only where nine values in ten are NIRs).
TYPO_SHARE = 0.9

_INDEX = re.compile(r"\.\d+(?=\.|$)")


def column_key(column: str | None) -> str:
    """The profiling key of a column: list positions folded (``ayants_droit.0.nir`` -> ``ayants_droit.*.nir``)."""
    if column is None:
        return "\x00lines"
    return _INDEX.sub(".*", column)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), for a decision: tails of 1/2 or more (k <= n p) are reported as 1."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if k <= n * p:
        return 1.0  # at or below the mean: the tail is at least 1/2 (the median is floor(np) or ceil(np))
    log_q = math.log1p(-p)
    term = math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p)
                    + (n - k) * log_q)
    total = term
    odds = p / (1 - p)
    # above the mean the terms decrease: add them until they no longer count
    for i in range(k, n):
        term *= (n - i) / (i + 1) * odds
        total += term
        if term <= total * 1e-12:
            break
    return min(total, 1.0)


def holds_nirs(shaped: int, valid: int) -> bool:
    """Whether a column with ``shaped`` distinct NIR-shaped values, ``valid`` of them valid, holds NIRs."""
    if valid <= 0 or shaped <= 0:
        return False
    if valid >= MAJORITY * shaped:
        return True
    if shaped <= SMALL and binomial_tail(valid, shaped, CHANCE) < SMALL_ALPHA:
        return True  # a validator's few test vectors, valid and wrong keys mixed: too few for the test below
    return binomial_tail(valid, shaped, EFFECT * CHANCE) < ALPHA


def nir_ids(values: pa.Array) -> np.ndarray:
    """The identity of each NIR-shaped value (any written form) as an integer: its compact form's digits.

    Corsican NIRs (2A, 2B) get their own integers (10^15 and 2·10^15 above the digits with 19 and 18).
    """
    if len(values) == 0:
        return np.zeros(0, np.int64)
    compact = nir.compact_array(values)
    corsica = pc.if_else(pc.match_substring(compact, "A"), 1, pc.if_else(pc.match_substring(compact, "B"), 2, 0))
    digits = pc.replace_substring(pc.replace_substring(compact, "A", "9"), "B", "8")
    number = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    return number + corsica.to_numpy(zero_copy_only=False).astype(np.int64) * 10**15


@dataclass
class NirCounts:
    """Distinct NIR-shaped values of one column, and the valid ones among them."""

    shaped: DistinctCount = field(default_factory=DistinctCount)
    valid: DistinctCount = field(default_factory=DistinctCount)

    def merge(self, other: NirCounts) -> None:
        self.shaped.merge(other.shaped)
        self.valid.merge(other.valid)

    def estimates(self) -> tuple[int, int]:
        """(shaped, valid), with valid never above shaped."""
        shaped = self.shaped.estimate()
        return shaped, min(self.valid.estimate(), shaped)


@dataclass
class NirProfile:
    """Distinct NIR-shaped and valid values per column key; mergeable, whatever the split and the order."""

    counts: dict[str, NirCounts] = field(default_factory=dict)
    _decided: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def add(self, column: str | None, shaped: np.ndarray, valid: np.ndarray) -> None:
        """Count the identities (:func:`nir_ids`) of shaped values and of the valid ones in ``column``."""
        if len(shaped) == 0:
            return
        entry = self.counts.setdefault(column_key(column), NirCounts())
        entry.shaped.add(shaped)
        entry.valid.add(valid)
        self._decided.clear()

    def merge(self, other: NirProfile) -> None:
        for key, value in other.counts.items():
            self.counts.setdefault(key, NirCounts()).merge(value)
        if other.counts:
            self._decided.clear()

    def holds_nirs(self, column: str | None) -> bool:
        """Whether ``column`` holds NIRs, on the counts so far."""
        return self.holds_nirs_key(column_key(column))

    def holds_nirs_key(self, key: str) -> bool:
        """:meth:`holds_nirs` by profiling key (:func:`column_key`)."""
        decided = self._decided.get(key)
        if decided is None:
            entry = self.counts.get(key)
            decided = self._decided[key] = entry is not None and holds_nirs(*entry.estimates())
        return decided

    def holds_typos(self, column: str | None) -> bool:
        """Whether the NIR-shaped values of ``column`` with a wrong key are typos: :data:`TYPO_SHARE` of them are
        valid."""
        entry = self.counts.get(column_key(column))
        if entry is None:
            return False
        shaped, valid = entry.estimates()
        return shaped > 0 and valid >= TYPO_SHARE * shaped

    def estimates(self) -> dict[str, tuple[int, int]]:
        """``{column key: (distinct shaped values, distinct valid values)}``."""
        return {key: value.estimates() for key, value in self.counts.items()}

    def as_dict(self) -> dict[str, tuple[str, str]]:
        """A JSON-able form (text forms of the two counts per column key)."""
        return {key: (value.shaped.to_text(), value.valid.to_text()) for key, value in self.counts.items()}

    @classmethod
    def from_dict(cls, data: dict[str, tuple[str, str]]) -> NirProfile:
        return cls({key: NirCounts(DistinctCount.from_text(shaped), DistinctCount.from_text(valid))
                    for key, (shaped, valid) in data.items()})
