"""Which entities each record holds: one bit per entity a record, and how many records hold each combination.

A *record* is a table row, a CSV data row, a JSON line or a text line (the findings contract's ``row``). For
each chunk, :meth:`RecordEntities.add` sets, in a ``uint64`` mask per record, the bit of every entity found in
the record (any column), then counts the records of each mask value. Those counts are the whole story of a
table in a few hundred integers at most: records holding personal data (mask not 0), records per entity
(masks with the entity's bit), records holding several entities together — the breach profile
(:data:`BREACH_PROFILE`) and every other combination, ranked as an UpSet plot ranks its intersections (Lex,
Gehlenborg et al., "UpSet: Visualization of Intersecting Sets", IEEE TVCG 2014).

A record's findings usually come with the chunk that holds it; those that do not are *held* until the record
is counted (:meth:`RecordEntities.hold`): the windows of a long line (:mod:`leakguard.sources.windows`) each
bring findings of the same line, counted once at its last window (:meth:`RecordEntities.close`), and the lines
of a JSON lines file that are not JSON are scanned as text just before the chunk of their records. Findings
in names and metadata (``row`` -1) belong to no record and are never given here.

Bits: the contract's ten entities first, in their order (:data:`leakguard.findings.ENTITIES`), then newer
entities as they are met, 64 in all.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from leakguard.findings import ENTITIES

#: What made the February 2024 tiers-payant breach dangerous: each record tied a person's name, date of
#: birth, NIR, complementary insurer and contract guarantees together.
BREACH_PROFILE = ("PERSON", "DATE_OF_BIRTH", "FR_NIR", "FR_HEALTH_INSURER", "FR_HEALTH_GUARANTEE")
MAX_ENTITIES = 64


class EntityBits:
    """The bit of each entity, shared by every table of a run.

    >>> bits = EntityBits()
    >>> bits.mask(["FR_NIR", "PERSON"]), bits.entities(bits.mask(["PERSON", "FR_NIR"]))
    (65, ['FR_NIR', 'PERSON'])
    """

    def __init__(self) -> None:
        self._bit: dict[str, int] = {entity: i for i, entity in enumerate(ENTITIES)}

    def bit(self, entity: str) -> int:
        bit = self._bit.get(entity)
        if bit is None:
            if len(self._bit) >= MAX_ENTITIES:
                raise ValueError(f"more than {MAX_ENTITIES} entities")
            bit = self._bit[entity] = len(self._bit)
        return bit

    def mask(self, entities: Iterable[str]) -> int:
        out = 0
        for entity in entities:
            out |= 1 << self.bit(entity)
        return out

    def entities(self, mask: int) -> list[str]:
        """The entities of ``mask``, in bit order."""
        return [entity for entity, bit in self._bit.items() if mask >> bit & 1]


def record_positions(chunk_rows: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Index in the chunk of each record index of ``rows`` (all in the chunk: findings of that chunk)."""
    if len(chunk_rows) and chunk_rows[-1] - chunk_rows[0] + 1 == len(chunk_rows):
        return rows - chunk_rows[0]  # consecutive records: the usual case
    return np.searchsorted(chunk_rows, rows)


class RecordEntities:
    """The records of one table and the number of records per combination of entities (mask -> records)."""

    def __init__(self, bits: EntityBits):
        self.bits = bits
        self.records = 0
        self.combinations: dict[int, int] = {}
        #: record -> mask of the findings held for a record not counted yet
        self._held: dict[int, int] = {}

    def _masks(self, count: int, positions: np.ndarray, codes: np.ndarray, entities: list[str]) -> np.ndarray:
        """The mask of each of ``count`` records, given findings at record ``positions`` (0..count-1)."""
        masks = np.zeros(count, np.uint64)
        if len(positions):
            held = np.zeros((len(entities), count), bool)
            held[codes, positions] = True
            for code, entity in enumerate(entities):
                masks[held[code]] |= np.uint64(1) << np.uint64(self.bits.bit(entity))
        return masks

    def hold(self, rows: np.ndarray, codes: np.ndarray, entities: list[str]) -> None:
        """Keep the entities of findings in records (``rows``) that are counted later, with their chunk or
        at :meth:`close`."""
        if not len(rows):
            return
        records, positions = np.unique(rows, return_inverse=True)
        masks = self._masks(len(records), positions.reshape(-1), codes, entities)
        for record, mask in zip(records.tolist(), masks.tolist()):
            self._held[record] = self._held.get(record, 0) | mask

    def add(self, chunk_rows: np.ndarray, rows: np.ndarray, codes: np.ndarray, entities: list[str],
            deferred: np.ndarray | None = None) -> np.ndarray:
        """Count the records of a chunk (``chunk_rows``: every record index, with or without findings) given
        its findings in records: their ``rows`` (all in the chunk) and entities (``entities[codes[i]]``), and
        what was held for them; returns the mask of each record of the chunk. The records of ``deferred`` (a
        boolean per record) are not counted: the caller counts them later (:meth:`count`)."""
        masks = self._masks(len(chunk_rows), record_positions(chunk_rows, rows), codes, entities)
        if self._held and len(chunk_rows):
            held = np.fromiter(self._held, np.int64, len(self._held))
            held = held[np.isin(held, chunk_rows)]
            if len(held):
                masks[record_positions(chunk_rows, held)] |= np.array([self._held.pop(r) for r in held.tolist()],
                                                                      np.uint64)
        self._count(masks if deferred is None else masks[~deferred])
        return masks

    def count(self, combinations: dict[int, int]) -> None:
        """Count records given as their number per mask (records whose count was deferred)."""
        for mask, count in combinations.items():
            self.combinations[mask] = self.combinations.get(mask, 0) + count
            self.records += count

    def close(self, record: int) -> None:
        """Count ``record``, whose findings were all held (a long line, at its last window)."""
        self._count(np.array([self._held.pop(record, 0)], np.uint64))

    def close_all(self) -> None:
        """Count the records still held (a long line whose last window never came)."""
        self._count(np.array(list(self._held.values()), np.uint64))
        self._held.clear()

    def _count(self, masks: np.ndarray) -> None:
        self.count(mask_counts(masks))


def mask_counts(masks: np.ndarray, into: dict[int, int] | None = None) -> dict[int, int]:
    """The number of records per mask of ``masks``, added to ``into`` (a new dict by default)."""
    into = {} if into is None else into
    values, counts = np.unique(masks, return_counts=True)
    for mask, count in zip(values.tolist(), counts.tolist()):
        into[mask] = into.get(mask, 0) + count
    return into
