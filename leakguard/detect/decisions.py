"""One decision per column: findings that wait for a column's NIR counts are held until the counts are final.

The detector marks NIRs found without context ``UNPROVEN_NIR`` (:mod:`leakguard.detect.engine`); whether
they are NIRs or numbers passing the key by chance is a decision on the whole column
(:mod:`leakguard.detect.profile`). :class:`Decisions` is what drivers use to take it once:

* findings that need no decision (every other finding) go out with their chunk;
* unproven findings are held, per column, until :meth:`Decisions.release` at the end of the file or stream,
  and then kept (as ``FR_NIR``) in the columns whose final counts say they hold NIRs.

Only the unproven findings are held: about one cell in 119 of a column of 15-digit invoice numbers, the NIRs
without a context word in free text or logs, and every cell of a NIR column whose name does not say so
(``c0``; a ``column_hints`` entry avoids it), about 80 bytes each in Arrow. A ``budget`` bounds them where the
source can be read again: past it, the largest column's findings are dropped, and the driver finds them again
in a second pass over that column if it turns out to hold NIRs (:attr:`Decisions.recount`).

With a frozen profile (counted beforehand: a profile pass over a file, Spark's first job) nothing is held.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.engine import Detector, unproven
from leakguard.detect.profile import NirProfile, column_key

#: Unproven findings a file scan holds before dropping the largest column's (about 80 MB).
FILE_BUDGET = 1_000_000
_ORDER = [("row", "ascending"), ("start", "ascending")]


def needs_decision(raw: pa.Table) -> bool:
    """Whether raw findings (:meth:`Detector.detect_raw`) hold NIRs that wait for their column's decision."""
    return raw.num_rows > 0 and bool(pc.any(unproven(raw["entity"])).as_py())


class Decisions:
    """The column decisions of one file or stream: counts merged chunk by chunk, unproven findings held."""

    def __init__(self, profile: NirProfile | None = None, *, frozen: bool = False, budget: int | None = None):
        self.profile = profile if profile is not None else NirProfile()
        self.frozen = frozen
        self.budget = budget
        self._held: dict[str, list[pa.Table]] = {}
        self._held_rows: dict[str, int] = {}
        self._dropped: set[str] = set()
        #: the unproven findings of the last chunk taken (held, or dropped over the budget), for readers that
        #: account for them until the decision (exposure)
        self.waiting: pa.Table | None = None

    def take(self, raw: pa.Table, counts: NirProfile) -> pa.Table:
        """A chunk's raw findings and counts in; the findings that can go out now, decided, out."""
        self.waiting = None
        if self.frozen:
            return Detector.resolve(raw, self.profile)
        self.profile.merge(counts)
        if not needs_decision(raw):
            return raw
        waits = unproven(raw["entity"])
        waiting = self.waiting = raw.filter(waits)
        for column in pc.unique(waiting["column"]).to_pylist():
            key = column_key(column)
            part = waiting.filter(pc.is_null(waiting["column"]) if column is None
                                  else pc.equal(waiting["column"], column))
            if key in self._dropped:
                continue
            self._held.setdefault(key, []).append(part)
            self._held_rows[key] = self._held_rows.get(key, 0) + part.num_rows
        self._keep_within_budget()
        return raw.filter(pc.invert(waits))

    def release(self) -> pa.Table | None:
        """The held findings of the columns that hold NIRs (as ``FR_NIR``, by row and offset); ``None`` if none."""
        held = [part for key in sorted(self._held) if self.profile.holds_nirs_key(key) for part in self._held[key]]
        self._held.clear()
        self._held_rows.clear()
        if not held:
            return None
        return Detector.resolve(pa.concat_tables(held), self.profile).sort_by(_ORDER)

    @property
    def recount(self) -> set[str]:
        """Column keys whose held findings were dropped (over the budget) and that hold NIRs: to find again."""
        return {key for key in self._dropped if self.profile.holds_nirs_key(key)}

    def _keep_within_budget(self) -> None:
        if self.budget is None:
            return
        while self._held_rows and sum(self._held_rows.values()) > self.budget:
            largest = max(self._held_rows, key=lambda key: self._held_rows[key])
            del self._held[largest], self._held_rows[largest]
            self._dropped.add(largest)


def decided_last(tables: list[pa.Table], late: pa.Table | None) -> pa.Table:
    """The last chunk's findings with the late ones added, by row and offset."""
    if late is None or late.num_rows == 0:
        return tables[-1]
    return pa.concat_tables([*tables[-1:], late]).sort_by(_ORDER)
