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

Memory per table: the counts of its entity combinations, up to 100,000 NIR identifiers (then a 16 kB
sketch), up to 10^6 classes (then a sample); one table is open at a time in ``leakguard scan``, and what is
kept of a finished table is its figures.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.report.exposure.cells import span_texts
from leakguard.report.exposure.distinct import EXACT_BOUND, DistinctCounter, sorted_unique
from leakguard.report.exposure.figures import Combination, Exposure
from leakguard.report.exposure.kanonymity import CLASS_BOUND, EquivalenceClasses, KAnonymity
from leakguard.report.exposure.keyed import KeyedIds, blocks
from leakguard.report.exposure.nirs import normal_forms
from leakguard.report.exposure.quasi import ORDER, birth_dates_of, quasi_identifiers
from leakguard.report.exposure.records import BREACH_PROFILE, EntityBits, RecordEntities, record_positions
from leakguard.sources.base import Chunk, LinePart
from recognizers import date_of_birth, nir

_NIR_DOMAIN = 1
_NIR_ENTITY = nir.ENTITY
_BIRTH_ENTITY = date_of_birth.ENTITY
#: The fields of a finding that locate its span.
_SPAN = ["row", "column", "start", "end"]


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


class _Table:
    """The accumulators of one table."""

    def __init__(self, bits: EntityBits, exact_bound: int, class_bound: int):
        self.records = RecordEntities(bits)
        self.persons = DistinctCounter(exact_bound)
        self.classes = EquivalenceClasses(class_bound)
        self.quasi_kinds: set[str] = set()


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

    def _table(self, path: str) -> _Table:
        table = self._tables.get(path)
        if table is None:
            table = self._tables[path] = _Table(self.bits, self.exact_bound, self.class_bound)
        return table

    def add(self, path: str, chunk: Chunk, findings: pa.Table) -> None:
        """Count the records of ``chunk`` of table ``path``, given the findings kept for them.

        Findings in names and metadata (``row`` -1) are in no record: they are not counted. The windows of a
        long line (``chunk.part``) are one record, counted at the last window.
        """
        table = self._table(path)
        chunk_rows = chunk.rows.to_numpy()
        if chunk.part is not None:
            findings = _in_cell(findings, chunk.part)
        rows = findings.column("row").to_numpy()
        codes, entities = _entity_codes(findings)
        in_records = rows >= 0  # row -1: a name, not a record
        here = in_records & _in_chunk(rows, chunk_rows) if chunk.part is None else np.zeros(len(rows), bool)
        table.records.hold(rows[in_records & ~here], codes[in_records & ~here], entities)
        masks = table.records.add(chunk_rows if chunk.part is None else chunk_rows[:0], rows[here], codes[here],
                                  entities)
        if chunk.part is not None and chunk.part.last:
            table.records.close(int(chunk.columns[0].rows[0].as_py()))
        nir_records, forms = self._nirs(chunk, findings, np.flatnonzero(_is(codes, entities, _NIR_ENTITY)
                                                                         & in_records))
        if len(forms):
            ids = sorted_unique(self.ids.of(self._nir_blocks(forms)))
            table.persons.add(ids)
            self.persons.add(ids)
        if chunk.text or not len(chunk_rows):
            return
        births = findings.select(_SPAN).take(np.flatnonzero(_is(codes, entities, _BIRTH_ENTITY) & here))
        birth_at, dates = birth_dates_of(chunk, births)
        birth_records = record_positions(chunk_rows, births.column("row").to_numpy()[birth_at])
        nir_here = _in_chunk(nir_records, chunk_rows)
        quasi = quasi_identifiers(chunk, chunk_rows, (birth_records, dates),
                                  (record_positions(chunk_rows, nir_records[nir_here]), forms[nir_here]))
        counted = quasi.present & (masks != 0)  # records about someone: holding personal data
        if counted.any():
            table.quasi_kinds |= quasi.kinds(counted)
            table.classes.add(self.ids.of(quasi.blocks[counted]))

    @staticmethod
    def _nirs(chunk: Chunk, findings: pa.Table, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The records (indices) and normal forms of the NIR findings at ``positions``, read from the chunk."""
        nirs = findings.select(_SPAN).take(positions)
        at, texts = span_texts(chunk, nirs)
        forms = normal_forms(texts)
        whole = forms[:, -1] != 0 if len(forms) else np.zeros(0, bool)  # all 13 characters: a NIR's body
        return nirs.column("row").to_numpy()[at][whole], forms[whole]

    @staticmethod
    def _nir_blocks(forms: np.ndarray) -> np.ndarray:
        out = blocks(len(forms), _NIR_DOMAIN)
        out[:, : forms.shape[1]] = forms
        return out

    def finish(self, path: str) -> Exposure:
        """The figures of table ``path`` (zero records if nothing was added); its state is dropped."""
        table = self._tables.pop(path, None) or _Table(self.bits, self.exact_bound, self.class_bound)
        table.records.close_all()
        self._records += table.records.records
        for mask, count in table.records.combinations.items():
            self._combinations[mask] = self._combinations.get(mask, 0) + count
        kinds = tuple(kind for kind in ORDER if kind in table.quasi_kinds)
        # text lines never add classes: a text file has none
        return self._figures(table.records.records, table.records.combinations, table.persons,
                             table.classes.figures(kinds))

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
