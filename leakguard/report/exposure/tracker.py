"""The streaming accumulator: chunks and their findings in, exposure figures per table and for the run out.

:class:`ExposureTracker` is fed by the scan driver (:func:`leakguard.scan.scan_files`, ``exposure=``) with
each chunk of a table and the findings kept for it, and by :func:`leakguard.report.exposure.exposure` for
in-memory tables. Per chunk it

1. sets the entity mask of every record, findings or not (:mod:`.records`; a long line read in windows is
   one record, counted at its last window; findings in names and metadata, ``row`` -1, are in no record);
2. reads the NIRs of the chunk's ``FR_NIR`` findings from its cells (:mod:`.cells`), turns their normal forms
   into keyed identifiers (:mod:`.keyed`) and counts them, for the table and for the run (:mod:`.distinct`);
3. for tables (not text lines), packs the quasi-identifiers of each record (:mod:`.quasi`) into keyed class
   identifiers and counts the records per class (:mod:`.kanonymity`).

NIRs found without context wait for their column's decision (:mod:`leakguard.detect.decisions`): they come
with their chunk as ``held`` findings, and the records holding them are counted twice, aside, per set of
waiting columns — as if those columns held NIRs and as if not — until :meth:`ExposureTracker.decide` says which
columns do (a column's typos wait apart: they are NIRs only where nine in ten of its keys are valid), and
:meth:`ExposureTracker.finish` keeps the right count. (In a line read in windows, held NIRs count as persons
only.)

Memory per table: the counts of its entity combinations, up to 100,000 NIR identifiers (then a 16 kB
sketch), up to 10^6 classes (then a sample), twice per set of waiting columns; one table is open at a time in
``leakguard scan``, and what is kept of a finished table is its figures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.profile import column_key
from leakguard.report.exposure.cells import cells_read, span_texts
from leakguard.report.exposure.distinct import EXACT_BOUND, DistinctCounter, sorted_unique
from leakguard.report.exposure.figures import Combination, Exposure
from leakguard.report.exposure.kanonymity import CLASS_BOUND, EquivalenceClasses, KAnonymity
from leakguard.report.exposure.keyed import KeyedIds, blocks
from leakguard.report.exposure.nirs import normal_forms
from leakguard.report.exposure.quasi import (
    ORDER,
    ChunkQuasiIdentifiers,
    birth_dates_of,
    column_kind,
    quasi_identifiers,
)
from leakguard.report.exposure.records import BREACH_PROFILE, EntityBits, RecordEntities, mask_counts, record_positions
from leakguard.sources.base import Chunk, LinePart
from recognizers import date_of_birth, nir

_NIR_DOMAIN = 1
_NIR_ENTITY = nir.ENTITY
_BIRTH_ENTITY = date_of_birth.ENTITY
#: The fields of a finding that locate its span.
_SPAN = ["row", "column", "start", "end"]
#: the mark of the column key of a held typo (:func:`_held_codes`)
_TYPOS = "\x00typos"


def _entity_codes(findings: pa.Table) -> tuple[np.ndarray, list[str]]:
    """The entity of each finding as a code, and the entity of each code (one dictionary encoding)."""
    if findings.num_rows == 0:
        return np.zeros(0, np.int32), []
    encoded = pc.dictionary_encode(findings.column("entity").combine_chunks())
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()


def _is(codes: np.ndarray, entities: list[str], entity: str) -> np.ndarray:
    """Which findings are of ``entity``."""
    return codes == entities.index(entity) if entity in entities else np.zeros(len(codes), bool)


def _in_chunk(rows: np.ndarray, chunk_rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` are records of the chunk (``chunk_rows``, ascending)."""
    if not len(chunk_rows):
        return np.zeros(len(rows), bool)
    if chunk_rows[-1] - chunk_rows[0] + 1 == len(chunk_rows):
        return (rows >= chunk_rows[0]) & (rows <= chunk_rows[-1])  # consecutive records: the usual case
    return np.isin(rows, chunk_rows)


def _in_cell(findings: pa.Table, part: LinePart) -> pa.Table:
    """The findings of a window of a long line with their offsets in the window's cell (the scan gives them
    in the whole line), to read their text back from the cell."""
    delta = part.offset - part.lead
    if not delta or not findings.num_rows:
        return findings
    for name in ("start", "end"):
        index = findings.schema.get_field_index(name)
        field = findings.schema.field(index)
        findings = findings.set_column(index, field, pc.subtract(findings[name], pa.scalar(delta, field.type)))
    return findings


@dataclass
class _Count:
    """What a group of records adds to a table: records per entity mask, classes, quasi-identifier kinds."""

    combinations: dict[int, int]
    classes: EquivalenceClasses
    kinds: set[str] = field(default_factory=set)


class _Waiting:
    """The records that hold NIRs waiting for the decision of one set of columns, counted as if none of those
    columns held NIRs, and as if each subset of them did (a record's quasi-identifiers take its first NIR)."""

    def __init__(self, class_bound: int):
        self.class_bound = class_bound
        self.without_nirs = _Count({}, EquivalenceClasses(class_bound))
        self.with_nirs: dict[tuple[str, ...], _Count] = {}

    def decided(self, columns: tuple[str, ...]) -> _Count:
        """The count as if ``columns`` (a subset of the set's columns; all but none) held NIRs."""
        count = self.with_nirs.get(columns)
        if count is None:
            count = self.with_nirs[columns] = _Count({}, EquivalenceClasses(self.class_bound))
        return count


class _Table:
    """The accumulators of one table."""

    def __init__(self, bits: EntityBits, exact_bound: int, class_bound: int):
        self.records = RecordEntities(bits)
        self.persons = DistinctCounter(exact_bound)
        self.classes = EquivalenceClasses(class_bound)
        self.quasi_kinds: set[str] = set()
        #: records waiting for column decisions, per set of column keys; held NIRs' persons per column key
        self.waiting: dict[tuple[str, ...], _Waiting] = {}
        self.held_persons: dict[str, DistinctCounter] = {}
        #: column keys decided to hold NIRs (:meth:`ExposureTracker.decide`)
        self.decided: set[str] = set()


@dataclass
class _Held:
    """The held NIRs of a chunk: the record of each and the bit of its column (of ``keys``); the records and
    normal forms of those whose text is a whole NIR body."""

    rows: np.ndarray
    bits: np.ndarray
    keys: list[str]
    records: np.ndarray
    forms: np.ndarray
    form_bits: np.ndarray

    def names(self, bits: int) -> tuple[str, ...]:
        """The column keys of ``bits``, sorted."""
        return tuple(sorted({key for i, key in enumerate(self.keys) if bits >> min(i, 63) & 1}))


def _subsets(bits: int) -> list[int]:
    """The non-empty subsets of the bits of ``bits`` (only ``bits`` itself past four bits: records rarely wait
    for more than two columns)."""
    if bits.bit_count() > 4:
        return [bits]
    out, subset = [], bits
    while subset:
        out.append(subset)
        subset = (subset - 1) & bits
    return out


def _held_codes(findings: pa.Table) -> tuple[np.ndarray, list[str]]:
    """The column key (:func:`leakguard.detect.profile.column_key`) of each NIR held for its column's decision
    (or released by it) as a code, and the keys. A typo's key is marked: a column decided to hold NIRs holds
    typos only where nine in ten of its keys are valid. (Of the NIRs that wait, only typos have the wrong keys'
    score, whether held or released, and whatever the entity a finding filter gave them.)"""
    encoded = pc.dictionary_encode(findings.column("column").combine_chunks(), null_encoding="encode")
    typos = pc.fill_null(pc.equal(findings["score"], nir.UNKEYED_SCORE), False).to_numpy(zero_copy_only=False)
    return (encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64) * 2 + typos,
            [column_key(name) + mark for name in encoded.dictionary.to_pylist() for mark in ("", _TYPOS)])


class ExposureTracker:
    """Exposure of the tables of a run, fed chunk by chunk.

    ``key`` keys the identifiers of NIRs and classes (:mod:`.keyed`); by default a random key is made for
    the run and forgotten with it. ``exact_bound`` and ``class_bound`` are the bounds of the exact distinct
    count of NIRs and of the exact class counts.
    """

    def __init__(self, key: bytes | None = None, *, exact_bound: int = EXACT_BOUND,
                 class_bound: int = CLASS_BOUND):
        self.bits = EntityBits()
        self.ids = KeyedIds(key)
        self.exact_bound = exact_bound
        self.class_bound = class_bound
        self.persons = DistinctCounter(exact_bound)
        self._tables: dict[str, _Table] = {}
        self._records = 0
        self._combinations: dict[int, int] = {}
        #: whether :meth:`finish` gives each table's persons registers (for ``--state``)
        self.sketches = False

    def for_state(self, key: bytes) -> None:
        """Key the identifiers with the state's key and give each table's persons registers, so that a later
        run keyed alike can count the persons of the tables it does not read (:meth:`restore`). Call it before
        anything is added."""
        if self._tables or self._records:
            raise RuntimeError("for_state() must come before the first table")
        self.ids = KeyedIds(key)
        self.sketches = True

    def _table(self, path: str) -> _Table:
        table = self._tables.get(path)
        if table is None:
            table = self._tables[path] = _Table(self.bits, self.exact_bound, self.class_bound)
        return table

    @staticmethod
    def cells_read(chunk: Chunk, findings: pa.Table, held: pa.Table | None = None) -> Chunk:
        """What :meth:`add` reads of ``chunk``, given its findings before any filter and its ``held`` NIRs:
        the records, and the cells of the columns holding NIRs or birth dates or named for a
        quasi-identifier (:func:`.cells.cells_read`). ``add`` counts the same on it as on ``chunk``."""
        return cells_read(chunk, (_NIR_ENTITY, _BIRTH_ENTITY), lambda name: column_kind(name) is not None,
                          findings, held)

    def add(self, path: str, chunk: Chunk, findings: pa.Table, *, held: pa.Table | None = None) -> None:
        """Count the records of ``chunk`` of table ``path``, given the findings kept for them and the NIRs
        ``held`` for their column's decision (see the module docstring).

        Findings in names and metadata (``row`` -1) are in no record: they are not counted. The windows of a
        long line (``chunk.part``) are one record, counted at the last window.
        """
        table = self._table(path)
        chunk_rows = chunk.rows.to_numpy()
        if chunk.part is not None:
            findings = _in_cell(findings, chunk.part)
            held = None if held is None else _in_cell(held, chunk.part)
        rows = findings.column("row").to_numpy()
        codes, entities = _entity_codes(findings)
        in_records = rows >= 0  # row -1: a name, not a record
        here = in_records & _in_chunk(rows, chunk_rows) if chunk.part is None else np.zeros(len(rows), bool)
        waiting = self._held(table, chunk, held) if held is not None and held.num_rows else None
        groups = np.zeros(len(chunk_rows), np.uint64)
        if waiting is not None and chunk.part is None:
            np.bitwise_or.at(groups, record_positions(chunk_rows, waiting.rows), waiting.bits)
        table.records.hold(rows[in_records & ~here], codes[in_records & ~here], entities)
        masks = table.records.add(chunk_rows if chunk.part is None else chunk_rows[:0], rows[here], codes[here],
                                  entities, deferred=groups != 0 if chunk.part is None else None)
        if chunk.part is not None and chunk.part.last:
            table.records.close(int(chunk.columns[0].rows[0].as_py()))
        nir_records, forms = self._nirs(chunk, findings, np.flatnonzero(_is(codes, entities, _NIR_ENTITY)
                                                                         & in_records))[1:]
        if len(forms):
            ids = sorted_unique(self.ids.of(self._nir_blocks(forms)))
            table.persons.add(ids)
            self.persons.add(ids)
        if chunk.text or not len(chunk_rows):
            self._wait(table, groups, waiting, masks, None)
            return
        quasi = self._quasi(chunk, chunk_rows, findings, (codes, entities, here), (nir_records, forms))
        counted = quasi(0).present & (masks != 0) & (groups == 0)  # records about someone: holding personal data
        if counted.any():
            table.quasi_kinds |= quasi(0).kinds(counted)
            table.classes.add(self.ids.of(quasi(0).blocks[counted]))
        self._wait(table, groups, waiting, masks, quasi)

    def _quasi(self, chunk: Chunk, chunk_rows: np.ndarray, findings: pa.Table,
               found: tuple[np.ndarray, list[str], np.ndarray], nirs: tuple[np.ndarray, np.ndarray],
               ) -> Callable[[int, _Held | None], ChunkQuasiIdentifiers]:
        """The quasi-identifiers of the chunk's records, given the held NIRs of the columns of bits ``held``
        (0: none), computed once per set of columns."""
        codes, entities, here = found
        births = findings.select(_SPAN).take(np.flatnonzero(_is(codes, entities, _BIRTH_ENTITY) & here))
        birth_at, dates = birth_dates_of(chunk, births)
        birth = (record_positions(chunk_rows, births.column("row").to_numpy()[birth_at]), dates)
        nir_here = _in_chunk(nirs[0], chunk_rows)
        known = (record_positions(chunk_rows, nirs[0][nir_here]), nirs[1][nir_here])
        cache: dict[int, ChunkQuasiIdentifiers] = {}

        def quasi(held: int, waiting: _Held | None = None) -> ChunkQuasiIdentifiers:
            if held not in cache:
                with_held = known
                if held and waiting is not None:
                    mine = (waiting.form_bits & np.uint64(held)) != 0
                    with_held = (np.concatenate([known[0], record_positions(chunk_rows, waiting.records[mine])]),
                                 np.concatenate([known[1], waiting.forms[mine]]))
                cache[held] = quasi_identifiers(chunk, chunk_rows, birth, with_held)
            return cache[held]

        return quasi

    def _held(self, table: _Table, chunk: Chunk, held: pa.Table) -> _Held:
        """Count the persons of the held NIRs per column; their records, normal forms and column bits."""
        at, records, forms = self._nirs(chunk, held, np.arange(held.num_rows))
        columns, keys = _held_codes(held)
        for code, key in enumerate(keys):
            mine = forms[columns[at] == code]
            if len(mine):
                counter = table.held_persons.setdefault(key, DistinctCounter(self.exact_bound))
                counter.add(sorted_unique(self.ids.of(self._nir_blocks(mine))))
        bits = np.left_shift(np.uint64(1), np.minimum(columns, 63).astype(np.uint64))
        return _Held(held.column("row").to_numpy(), bits, keys, records, forms, bits[at])

    def _wait(self, table: _Table, groups: np.ndarray, waiting: _Held | None, masks: np.ndarray,
              quasi: Callable[[int, _Held | None], ChunkQuasiIdentifiers] | None) -> None:
        """Count the records of ``groups`` (their waiting columns' bits) aside, both ways (:class:`_Waiting`)."""
        if waiting is None or not groups.any():
            return
        nir_bit = np.uint64(1) << np.uint64(self.bits.bit(_NIR_ENTITY))
        for group in np.unique(groups[groups != 0]).tolist():
            members = groups == np.uint64(group)
            entry = table.waiting.setdefault(waiting.names(group), _Waiting(self.class_bound))
            mask_counts(masks[members], entry.without_nirs.combinations)
            if quasi is not None:
                self._classes(entry.without_nirs, quasi(0, None), members & (masks != 0))
            for subset in _subsets(group):
                count = entry.decided(waiting.names(subset))
                mask_counts(masks[members] | nir_bit, count.combinations)
                if quasi is not None:
                    self._classes(count, quasi(subset, waiting), members)

    def _classes(self, count: _Count, quasi: ChunkQuasiIdentifiers, records: np.ndarray) -> None:
        counted = quasi.present & records
        if counted.any():
            count.kinds |= quasi.kinds(counted)
            count.classes.add(self.ids.of(quasi.blocks[counted]))

    def decide(self, path: str, released: pa.Table) -> None:
        """The NIRs of table ``path`` released by the column decisions (after its records): their columns
        hold NIRs; the records waiting for them are counted with them at :meth:`finish`."""
        nirs = released.filter(pc.and_(pc.equal(released["entity"], _NIR_ENTITY),
                                       pc.greater_equal(released["row"], 0)))
        if nirs.num_rows:
            codes, keys = _held_codes(nirs)
            self._table(path).decided.update(keys[code] for code in np.unique(codes).tolist())

    @staticmethod
    def _nirs(chunk: Chunk, findings: pa.Table, positions: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The NIR findings at ``positions`` whose text is a whole NIR body (their indices in ``findings``),
        and their records (indices) and normal forms, read from the chunk."""
        nirs = findings.select(_SPAN).take(positions)
        at, texts = span_texts(chunk, nirs)
        forms = normal_forms(texts)
        whole = forms[:, -1] != 0 if len(forms) else np.zeros(0, bool)  # all 13 characters: a NIR's body
        return positions[at][whole], nirs.column("row").to_numpy()[at][whole], forms[whole]

    @staticmethod
    def _nir_blocks(forms: np.ndarray) -> np.ndarray:
        out = blocks(len(forms), _NIR_DOMAIN)
        out[:, : forms.shape[1]] = forms
        return out

    def finish(self, path: str) -> Exposure:
        """The figures of table ``path`` (zero records if nothing was added); its state is dropped."""
        table = self._tables.pop(path, None) or _Table(self.bits, self.exact_bound, self.class_bound)
        self._settle(table)
        table.records.close_all()
        self._records += table.records.records
        for mask, count in table.records.combinations.items():
            self._combinations[mask] = self._combinations.get(mask, 0) + count
        kinds = tuple(kind for kind in ORDER if kind in table.quasi_kinds)
        # text lines never add classes: a text file has none
        figures = self._figures(table.records.records, table.records.combinations, table.persons,
                                table.classes.figures(kinds))
        if self.sketches and figures.persons.value:
            figures = dataclasses.replace(figures, persons_registers=table.persons.registers())
        return figures

    def restore(self, figures: Exposure) -> None:
        """Count in the run's figures a table that was not read again (``--state``), from its figures as
        :meth:`finish` gave them in an earlier run keyed alike (:meth:`for_state`): records and combinations
        add up; its persons join the run's through their registers, so the run's count is then estimated."""
        self._records += figures.records
        unrecorded = figures.records - figures.records_with_personal_data
        for mask, count in [(0, unrecorded), *((self.bits.mask(c.entities), c.records) for c in figures.combinations)]:
            if count:
                self._combinations[mask] = self._combinations.get(mask, 0) + count
        if figures.persons.value:
            if figures.persons_registers is None:
                raise ValueError("the figures have no persons registers (not made for the state)")
            self.persons.merge(DistinctCounter.from_registers(figures.persons_registers, self.exact_bound))

    def _settle(self, table: _Table) -> None:
        """Count the records and persons that waited for column decisions, as decided."""
        for columns, entry in table.waiting.items():
            decided = tuple(key for key in columns if key in table.decided)
            # a set of more than four columns was counted as if all held NIRs, or none
            count = (entry.with_nirs.get(decided) or entry.with_nirs[columns]) if decided else entry.without_nirs
            table.records.count(count.combinations)
            table.classes.merge(count.classes)
            table.quasi_kinds |= count.kinds
        for key, counter in table.held_persons.items():
            if key in table.decided:
                table.persons.merge(counter)
                self.persons.merge(counter)

    def summary(self) -> Exposure:
        """The figures of the whole run: every finished table (call :meth:`finish` for each first)."""
        return self._figures(self._records, self._combinations, self.persons, None)

    def _figures(self, records: int, combinations: dict[int, int], persons: DistinctCounter,
                 k_anonymity: KAnonymity | None) -> Exposure:
        by_entity: dict[str, int] = {}
        breach = self.bits.mask(BREACH_PROFILE)
        ranked = sorted(((mask, count) for mask, count in combinations.items() if mask),
                        key=lambda item: (-item[1], -item[0].bit_count(), item[0]))
        for mask, count in ranked:
            for entity in self.bits.entities(mask):
                by_entity[entity] = by_entity.get(entity, 0) + count
        ordered = {entity: by_entity[entity] for entity in self.bits.entities(self.bits.mask(by_entity))}
        return Exposure(
            records=records,
            records_with_personal_data=records - combinations.get(0, 0),
            by_entity=ordered,
            breach_profile_records=sum(count for mask, count in ranked if mask & breach == breach),
            combinations=tuple(Combination(tuple(self.bits.entities(mask)), count) for mask, count in ranked),
            persons=persons.count(),
            k_anonymity=k_anonymity,
        )
