"""The detector: a chunk of cells in, findings out, without a Python loop over every cell.

For each column of a chunk:

1. **Cell text.** Strings are used as they are, binary cells where they are UTF-8; integers (and decimals of
   scale 0) become their decimal string (a NIR stored as int64); dates become ISO ``YYYY-MM-DD`` and are
   only looked at in a column whose name says "birth date" (:mod:`leakguard.sources.celltext`).
2. **Dictionary dedup.** The column is dictionary-encoded: each distinct value is examined once, and
   findings are mapped back to every row that holds it (``numpy`` index arithmetic, no Python per row).
3. **Vectorised whole-cell NIR check.** Distinct values that are one written NIR and nothing else are
   checked in Arrow (structure and key, :func:`recognizers.nir.is_valid_array`).
4. **RE2 pre-filter.** For every other entity, one ``pyarrow.compute`` regex pass over the distinct values
   keeps the few that may hold it (:attr:`recognizers.spec.EntitySpec.prefilter`).
5. **Recognizers on candidates only.** The entity's Python expression and validation run on those
   candidates; context words and the column-name hint (:mod:`leakguard.detect.hints`) set the score.
6. **Column profiling.** NIR findings without context are kept only in columns that hold NIRs rather than
   numbers passing the key by chance (:mod:`leakguard.detect.profile`).
7. **NER** (French spaCy, :mod:`leakguard.detect.ner`) on free-text columns and text lines only, on the
   distinct texts with a capitalised word inside a sentence; names in ``nom``/``prenom`` columns come from
   the hint instead.
8. **Names again.** The other mentions, alone, of the words of the names found in a text; in a text file,
   across its lines (one batch of them).

Overlapping findings in one cell are resolved by score, then by entity priority (checkable identifiers
first). Raw values never leave this module unless ``show_values`` is set: findings carry masked previews.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import recognizers
from leakguard.detect import escaped
from leakguard.detect.hints import FREE_TEXT, Hint, hint_for, names_a_year
from leakguard.detect.joined import Joined, find_many
from leakguard.detect.key_columns import hints_with_bodies
from leakguard.detect.ner import PERSON_SCORE, unexplained
from leakguard.detect.ner import PREFILTER as NER_PREFILTER
from leakguard.detect.pool import RegexPool
from leakguard.detect.profile import NirProfile, nir_ids
from leakguard.detect.textlines import line_findings, merged
from leakguard.findings import TABLE_SCHEMA
from leakguard.preview import mask_array
from leakguard.sources.base import CellColumn, Chunk
from leakguard.sources.celltext import decode_binary, is_binary, is_integral_decimal
from recognizers import date_of_birth, insurer, nir, person
from recognizers.spec import EntitySpec, fold

#: Entities in the order overlaps are settled when scores tie (each record's ``priority``): checkable
#: identifiers first.
PRIORITY = tuple(r.name for r in sorted(recognizers.all_records(), key=lambda r: r.priority))
_RANK = {entity: i for i, entity in enumerate(PRIORITY)}
#: Internal entity of a NIR found without context, until the column profile says whether to keep it.
UNPROVEN_NIR = "FR_NIR?"
#: Internal entity of a whole cell with a NIR's structure and a wrong key in a column not named for NIRs: a
#: typo, kept only where the profile says the column is NIRs with few wrong keys (:meth:`NirProfile.holds_typos`).
UNPROVEN_TYPO = "FR_NIR??"
#: The entities that wait for their column's decision.
UNPROVEN = (UNPROVEN_NIR, UNPROVEN_TYPO)
_RANK[UNPROVEN_NIR] = _RANK[UNPROVEN_TYPO] = _RANK["FR_NIR"]


def unproven(entities: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Which of ``entities`` wait for their column's decision (:data:`UNPROVEN`)."""
    return pc.is_in(entities, value_set=pa.array(UNPROVEN, pa.string()))

#: Score of a whole cell reported only because of its column name (a ``nom`` column, a ``mutuelle`` column).
HINTED_CELL_SCORE = 0.8
HINTED_DATE_SCORE = 0.9
#: Score of the 13 characters of a NIR without its key, in a column named for NIRs (structure checked, no key).
NIR_BODY_SCORE = 0.8
#: A cell that is one of leakguard's own pseudonyms (``NIR_k3x7…``, ``EMAIL_…@example.invalid``): it holds no
#: entity, and a name column of tokens is not a column of names (see leakguard.pseudonymise.operators).
PSEUDONYM_CELL_RE2 = r"^\s*[A-Z][A-Z_]*_[a-z2-7]{12,}(?:@example\.invalid)?\s*$"
#: Most distinct words of names whose other mentions are looked for across the lines of a text file (a log of
#: thousands of people is no story told by first names).
MAX_WORDS_ACROSS = 256
#: Free text by content: share of distinct values with a space, and mean length.
_FREE_TEXT_SPACE_SHARE = 0.5
_FREE_TEXT_MEAN_LENGTH = 25
#: How many distinct values of a column that free-text rule looks at.
FREE_TEXT_SAMPLE = 2_000



@dataclass(frozen=True)
class DetectOptions:
    """What to look for and how to report it."""

    ner: bool = True
    entities: frozenset[str] | None = None  # None: every entity
    exclude_entities: frozenset[str] = frozenset()
    min_score: float = 0.0
    column_hints: dict[str, str] | None = None  # column -> entity (or "FREE_TEXT", or "" for no hint)
    show_values: bool = False
    #: masked previews of the findings; a pseudonymiser, which never shows them, turns them off (empty strings)
    previews: bool = True

    def wants(self, entity: str) -> bool:
        return (self.entities is None or entity in self.entities) and entity not in self.exclude_entities


#: Columns with at most this many distinct values share their RE2 passes (:mod:`leakguard.detect.pool`), in
#: chunks of at least ``POOLED_COLUMNS`` such columns: RE2 compiles a pattern on every call (up to 8 ms for the
#: insurer and name lists), which in a file of a few hundred rows costs more than the matching itself.
POOLED_DISTINCT = 4096
POOLED_COLUMNS = 2


class _Prepared(NamedTuple):
    """One column, ready for the passes: its hint, kind of text, distinct values, each cell's value index,
    and its part of the chunk's regex pool (None: matched on its own)."""

    hint: Hint | None
    kind: str
    distinct: pa.Array
    index: np.ndarray
    part: int | None


@dataclass
class _Block:
    """Findings on distinct values of one column: ``u`` indexes the distinct values; numpy arrays."""

    u: np.ndarray
    start: np.ndarray
    end: np.ndarray
    entity: list[str]
    score: np.ndarray
    value: list[str] | pa.Array  # raw spans: an Arrow string array for whole-cell blocks


def _block(rows: list[tuple[int, int, int, str, float, str]]) -> _Block:
    u, start, end, entity, score, value = zip(*rows)
    return _Block(np.array(u, np.int64), np.array(start, np.int32), np.array(end, np.int32), list(entity),
                  np.array(score, np.float64), list(value))


#: A span found in one distinct value: start, end, entity, score.
_Span = tuple[int, int, str, float]


@dataclass
class _ColumnScan:
    """One column's state through the passes of :meth:`Detector._scan_distinct`."""

    distinct: pa.Array
    #: what the column's name says it holds (an entity, ``FREE_TEXT``), or ``None``
    hinted: str | None
    kind: str
    #: only the NIR counts of the column profile are wanted, no findings
    counts_only: bool
    #: the distinct values a pass has settled: later passes do not look at them
    done: np.ndarray
    #: the recognizers that apply to the column
    specs: list[EntitySpec] = field(default_factory=list)
    #: findings on whole cells, in Arrow, in the order they are reported
    blocks: list[_Block] = field(default_factory=list)
    #: the whole cells that are valid NIRs, reported after the other whole cells
    whole_nirs: _Block | None = None
    #: spans in text per distinct value, before overlaps are resolved
    per_value: dict[int, list[_Span]] = field(default_factory=dict)
    #: NIRs in text: value index, start, end, score, value, with context
    nir_spans: list[tuple[int, int, int, float, str, bool]] = field(default_factory=list)
    #: identities (:func:`nir_ids`) of the NIR-shaped whole cells and of those whose key is right (their places
    #: aside: :func:`recognizers.nir.keyed_and_valid_array`), for the profile
    shaped_ids: list[np.ndarray] = field(default_factory=list)
    keyed_ids: list[np.ndarray] = field(default_factory=list)
    #: the NIR-shaped spans in text, and those whose key is right
    span_shaped: list[str] = field(default_factory=list)
    span_keyed: list[str] = field(default_factory=list)
    #: the open values each pre-filter matched (two specs of one entity may share one: a single RE2 pass)
    prefiltered: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: the spans each written form was last found at in the joined candidates (:func:`find_many`)
    searched: dict[object, tuple[str, np.ndarray]] = field(default_factory=dict)
    texts: _Texts = field(init=False)

    def __post_init__(self) -> None:
        self.texts = _Texts(self.distinct)

    @property
    def profiled(self) -> bool:
        """Whether the column's NIRs are counted (a column named for NIRs needs no decision)."""
        return self.hinted != "FR_NIR"


def _strings(values: pa.Array, hint: Hint | None) -> tuple[pa.Array, str] | None:
    """The cell text of ``values`` and its kind ("string", "integer", "date"), or ``None`` to skip it."""
    kind = values.type
    if is_binary(kind.value_type if pa.types.is_dictionary(kind) else kind):
        return decode_binary(values).text, "string"  # UTF-8 cells; the others are null (not scanned)
    if pa.types.is_dictionary(kind):
        if not (pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)):
            return None
        return values, "string"
    if is_integral_decimal(kind):
        return pc.cast(values, pa.string()), "integer"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return values, "string"
    if pa.types.is_integer(kind):
        return pc.cast(values, pa.string()), "integer"
    if pa.types.is_floating(kind):
        # a NIR column with missing values, gone through pandas, comes back as float64: whole numbers are
        # read as the integers they are (exact below 2**53, which every NIR is)
        present = values.drop_null()
        if len(present) == 0 or not pc.all(pc.equal(pc.floor(present), present)).as_py():
            return None
        if pc.max(pc.abs(present)).as_py() >= 2**53:
            return None
        return pc.cast(pc.cast(values, pa.int64()), pa.string()), "integer"
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        if hint is None or hint.entity != "DATE_OF_BIRTH":
            return None
        if pa.types.is_timestamp(kind):
            return pc.strftime(values, format="%Y-%m-%d"), "date"
        return pc.cast(values, pa.string()), "date"
    return None


def _dictionary(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Distinct values (as a plain string array) and, per cell, the index of its value (-1 for null)."""
    if not pa.types.is_dictionary(values.type):
        values = pc.dictionary_encode(values)
    distinct = values.dictionary
    if not pa.types.is_string(distinct.type):
        distinct = distinct.cast(pa.string())
    indices = values.indices
    index = indices.to_numpy(zero_copy_only=False) if indices.null_count == 0 else pc.fill_null(
        indices, -1
    ).to_numpy(zero_copy_only=False)
    return distinct, index.astype(np.int64, copy=False)


def _true_positions(mask: pa.Array) -> np.ndarray:
    """Positions where a boolean array is true (nulls are false)."""
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


#: A name, then another in brackets (an acronym and its expansion, or the reverse).
_NAME_THEN_BRACKET = re.compile(r"(?P<head>[^()]*[^()\s])\s*\((?P<inner>[^()]+)\)")


class Detector:
    """Finds entities in chunks of cells.

    :meth:`detect` decides NIRs without context on the column counts seen so far: right for one whole table,
    or with a ``profile`` counted beforehand (``frozen_profile``). For files and streams, drivers use
    :meth:`detect_raw` and decide once the counts are final (:mod:`leakguard.detect.decisions`).

    >>> import pyarrow as pa
    >>> from leakguard.sources.base import CellColumn, Chunk
    >>> rows = pa.array([0, 1], pa.int64())
    >>> column = CellColumn("c0", pa.array(["1 85 05 78 006 084 91", "rien"]), rows)
    >>> Detector(options=DetectOptions(ner=False)).detect(Chunk([column], rows)).column("preview").to_pylist()
    ['1 85 05 •• ••• ••• ••']
    """

    def __init__(self, options: DetectOptions | None = None, *, profile: NirProfile | None = None,
                 frozen_profile: bool = False):
        self.options = options or DetectOptions()
        #: NIR counts per column, accumulated over every chunk :meth:`detect` saw (or given, final, and frozen)
        self.profile = profile if profile is not None else NirProfile()
        self.frozen_profile = frozen_profile
        self.specs = [s for s in recognizers.all_specs() if self.options.wants(s.entity)]
        self._names = None
        self._insurer_spec = next((s for s in recognizers.all_specs() if s.entity == "FR_HEALTH_INSURER"), None)
        #: during detect_raw: the prepared columns, the chunk's regex pool, and the pool part being scanned
        self._prepared: dict[int, _Prepared] = {}
        self._pool: RegexPool | None = None
        self._part: int | None = None
        self._openers: list[str] | None = None

    # -- public --------------------------------------------------------------------------------------------

    def detect(self, chunk: Chunk) -> pa.Table:
        """Findings of one chunk (``leakguard.findings.TABLE_SCHEMA``, plus ``value`` with ``show_values``).

        The chunk's NIR counts are added to :attr:`profile` (unless it is frozen) before deciding.
        """
        raw, counts = self.detect_raw(chunk)
        if not self.frozen_profile:
            self.profile.merge(counts)
        return self.resolve(raw, self.profile)

    def detect_raw(self, chunk: Chunk, *, decoded: bool = True) -> tuple[pa.Table, NirProfile]:
        """Findings before the column decision, and the chunk's NIR counts.

        NIRs found without context carry the entity ``UNPROVEN_NIR``; :meth:`resolve` keeps them (as
        ``FR_NIR``) in columns that the merged profile says hold NIRs. Workers and Spark partitions run this
        part; the merge and the decision happen once, where all the counts are. ``decoded``: cells holding
        percent escapes are read decoded too (:mod:`leakguard.detect.escaped`).
        """
        counts = NirProfile()
        self._prepared, self._pool = self._prepare(chunk, self._hints(chunk))
        try:
            tables = [self._column(column, counts, text=chunk.text) for column in chunk.columns]
        finally:
            self._prepared, self._pool, self._part = {}, None, None
        tables = [t for t in tables if t is not None and t.num_rows]
        alone = pa.concat_tables(tables) if tables else None
        extras = [t for t in line_findings(self, chunk, alone) if t.num_rows]
        in_escapes = escaped.decoded_findings(self, chunk, counts) if decoded else None
        if in_escapes is not None:
            # spans of the text as written that take in a colour code's characters, or that an escape cuts short,
            # give way to the decoded ones
            written = escaped.written_giving_way([*tables, *extras], chunk, in_escapes)
            tables, extras = written[: len(tables)], [*written[len(tables) :], in_escapes]
            alone = pa.concat_tables(tables) if tables else None
        if extras:
            tables = [merged(alone if alone is not None else self._empty(), pa.concat_tables(extras).combine_chunks())]
        if not tables:
            return self._empty(), counts
        return _sorted_findings(tables, self.options.min_score), counts

    def count(self, chunk: Chunk, *, decoded: bool = True) -> NirProfile:
        """The chunk's NIR counts alone, as :meth:`detect_raw` counts them, at a fraction of its cost.

        The profile pass of files and Spark runs this with the options of the detection to come (NER aside,
        which counts nothing): the same cells are NIR-shaped for both.
        """
        counts = NirProfile()
        self._prepared, self._pool = self._prepare(chunk, self._hints(chunk))
        try:
            for column in chunk.columns:
                self._column(column, counts, text=chunk.text, counts_only=True)
        finally:
            self._prepared, self._pool, self._part = {}, None, None
        in_escapes = escaped.decoded_counts(self, chunk) if decoded else None
        if in_escapes is not None:
            counts.merge(in_escapes)
        return counts

    def _hints(self, chunk: Chunk) -> dict[str, str] | None:
        """The column hints of a chunk: the configured ones, and the NIR bodies its key columns reveal."""
        return self.options.column_hints if chunk.text else hints_with_bodies(chunk.columns, self.options.column_hints)

    @staticmethod
    def resolve(raw: pa.Table, profile: NirProfile) -> pa.Table:
        """Keep unproven NIRs only in columns that hold NIRs, and their typos only in columns whose wrong keys are
        typos (the order, by row and offset, is kept)."""
        waiting = unproven(raw["entity"])
        if pc.any(waiting).as_py():
            columns = pc.unique(raw.filter(waiting)["column"]).to_pylist()
            proven = [c for c in columns if profile.holds_nirs(c)]
            typos = pc.equal(raw["entity"], UNPROVEN_TYPO)
            keep_proven = pc.and_(_in_columns(raw, proven), pc.or_(
                pc.invert(typos), _in_columns(raw, [c for c in proven if profile.holds_typos(c)])))
            raw = raw.filter(pc.or_(pc.invert(waiting), keep_proven))
            entity = pc.if_else(unproven(raw["entity"]), "FR_NIR", raw["entity"])
            index = raw.schema.get_field_index("entity")
            raw = raw.set_column(index, raw.schema.field(index), entity)
        return raw

    def hinted_cells(self, column: CellColumn, counts: NirProfile) -> pa.Table | None:
        """Findings of cells read under a column name (key-value text lines), NIRs without context left out."""
        self._prepared, self._pool = self._prepare(Chunk([column], column.rows), self.options.column_hints)
        try:
            found = self._column(column, counts, text=False)
        finally:
            self._prepared, self._pool, self._part = {}, None, None
        if found is None:
            return None
        return found.filter(pc.invert(unproven(found["entity"])))

    # -- one column ----------------------------------------------------------------------------------------

    def _prepare(self, chunk: Chunk, hints: dict[str, str] | None) -> tuple[dict[int, _Prepared], RegexPool | None]:
        """Each column's cell text and distinct values, and the pool of the narrow columns' distinct values
        (:mod:`leakguard.detect.pool`: each pattern then compiles once per chunk, not once per column)."""
        prepared: dict[int, _Prepared] = {}
        narrow: list[pa.Array] = []
        for column in chunk.columns:
            hint = hint_for(None if chunk.text else column.name, hints)
            converted = _strings(column.values, hint) if len(column.values) else None
            if converted is None:
                continue
            distinct, index = _dictionary(converted[0])
            part = None
            if converted[1] != "date" and 0 < len(distinct) <= POOLED_DISTINCT:
                part, _ = len(narrow), narrow.append(distinct)
            prepared[id(column)] = _Prepared(hint, converted[1], distinct, index, part)
        return prepared, (RegexPool(narrow) if len(narrow) >= POOLED_COLUMNS else None)

    def _opening_patterns(self) -> list[str]:
        """Every pattern one of which a value must match for a pass of :meth:`_scan_distinct` to find
        anything in a column without a hint (a pass added there adds its opening pattern here)."""
        if self._openers is None:
            patterns = [nir._WHOLE_CELL_RE2] if self.options.wants("FR_NIR") else []
            for spec in self.specs:
                patterns.append(spec.prefilter)
                if spec.whole_re2 is not None and spec.entity != "FR_NIR":
                    patterns.append(rf"^\s*(?:{spec.whole_re2})\s*$")
            if self.options.wants("PERSON"):
                patterns += [*person.PREFILTERS, NER_PREFILTER] if self.options.ner else [*person.PREFILTERS]
            self._openers = patterns
        return self._openers

    def _match(self, distinct: pa.Array, positions: np.ndarray | None, pattern: str) -> np.ndarray:
        """Whether ``pattern`` (RE2) matches each of ``distinct`` (at ``positions``, or all) of the column being
        scanned, as numpy booleans (nulls do not match)."""
        if self._pool is not None and self._part is not None:
            return self._pool.match(self._part, positions, pattern)
        values = distinct if positions is None else distinct.take(pa.array(positions))
        return pc.fill_null(pc.match_substring_regex(values, pattern), False).to_numpy(zero_copy_only=False)

    def _looks_like_free_text(self, distinct: pa.Array) -> bool:
        if self._pool is not None and self._part is not None:
            return is_free_text(*self._pool.text_shape(self._part, FREE_TEXT_SAMPLE))
        return _looks_like_free_text(distinct)

    def _column(self, column: CellColumn, counts: NirProfile, *, text: bool,
                counts_only: bool = False) -> pa.Table | None:
        """Findings of one prepared column (``counts_only``: its NIR counts into ``counts``, no findings)."""
        prepared = self._prepared.get(id(column))
        if prepared is None:
            return None
        hint, kind, distinct, index, self._part = prepared
        if len(distinct) == 0:
            return None
        if hint is None and self._pool is not None and self._part is not None and \
                not self._pool.any_match(self._part, self._opening_patterns()):
            return None  # no pass can start: nothing to find here, nothing to count
        if counts_only and (kind == "date" or (hint is not None and hint.entity == "FR_NIR")):
            return None  # no NIR counts: a date column, a column named for NIRs (it needs no decision)
        if kind == "date":
            blocks = self._hinted_dates(distinct)
        else:
            blocks = self._scan_distinct(distinct, hint, kind, counts, text=text, column=column.name,
                                         counts_only=counts_only)
        blocks = [b for b in blocks if len(b.u)]
        if not blocks:
            return None
        return self._expand(blocks, index, column.rows, None if text else column.name)

    def _scan_distinct(self, distinct: pa.Array, hint: Hint | None, kind: str, counts: NirProfile, *,
                       text: bool, column: str, counts_only: bool = False) -> list[_Block]:
        """Findings on the distinct values of one column: named passes over its :class:`_ColumnScan`, in the
        order of precedence (a value one pass settles, no later pass looks at; see the module docstring)."""
        scan = _ColumnScan(distinct, hint.entity if hint is not None else None, kind, counts_only,
                           done=self._match(distinct, None, PSEUDONYM_CELL_RE2).copy())  # pseudonyms hold nothing
        self._whole_cell_nirs(scan)
        self._nir_bodies(scan)
        scan.specs = self._specs_for(scan)
        self._whole_cells(scan)
        self._birth_years(scan, column)
        self._candidates(scan)
        self._count_nirs(scan, counts, None if text else column)
        if counts_only:
            return []
        self._nir_spans(scan)
        self._hinted_names(scan)
        if self._is_free_text(scan, text):
            self._rule_names(scan)
            if self.options.ner:
                self._ner(scan)
            self._names_again(scan, across=text)
        return self._resolved(scan)

    # -- the passes, in their order ------------------------------------------------------------------------

    def _whole_cell_nirs(self, scan: _ColumnScan) -> None:
        """3. Cells that are one NIR-shaped value, vectorised: settled here, valid or not, and counted for the
        column profile; the valid ones are reported (as unproven NIRs unless the column is named for NIRs)."""
        if not self.options.wants("FR_NIR"):
            return
        shaped = np.flatnonzero(self._match(scan.distinct, None, nir._WHOLE_CELL_RE2))
        shaped = shaped[~scan.done[shaped]]
        if len(shaped) == 0:
            return
        scan.done[shaped] = True
        cells = scan.distinct.take(pa.array(shaped))
        keyed, is_valid = (_true_positions(checked) for checked in nir.keyed_and_valid_array(cells))
        if scan.profiled:
            ids = nir_ids(cells)
            scan.shaped_ids.append(ids)
            scan.keyed_ids.append(ids[keyed])
        valid = shaped[is_valid]
        if scan.counts_only:
            return
        # a typo does not anonymise: a wrong key under a NIR name, or in a column of NIRs (decided later)
        typos = self._typo_nirs(scan.distinct, shaped, is_valid) if scan.hinted in (None, "FR_NIR") else shaped[:0]
        if len(valid) or len(typos):
            scan.whole_nirs = self._whole_nir_block(scan.distinct, valid, scan.hinted == "FR_NIR", typos)

    @staticmethod
    def _typo_nirs(distinct: pa.Array, shaped: np.ndarray, is_valid: np.ndarray) -> np.ndarray:
        """The NIR-shaped cells of ``shaped`` whose key is wrong but whose structure a typo explains
        (:data:`recognizers.nir.UNKEYED_SPEC`)."""
        wrong = np.delete(shaped, is_valid)
        if len(wrong) == 0:
            return wrong
        return wrong[_true_positions(nir.is_typo_array(distinct.take(pa.array(wrong))))]

    def _nir_bodies(self, scan: _ColumnScan) -> None:
        """In a column named for NIRs (or found to be a key column's body), cells that are a NIR without its
        key (the key in a column of its own)."""
        if scan.hinted != "FR_NIR" or not self.options.wants("FR_NIR") or scan.counts_only:
            return
        open_positions, values = _unsettled(scan.distinct, scan.done)
        if len(open_positions) == 0:
            return
        found = _true_positions(nir.is_valid_body_array(values))
        if len(found) == 0:
            return
        positions = open_positions[found]
        scan.done[positions] = True
        scan.blocks.append(_cells_block(positions, values.take(pa.array(found)), "FR_NIR", NIR_BODY_SCORE))

    def _specs_for(self, scan: _ColumnScan) -> list[EntitySpec]:
        """The recognizers that apply to the column."""
        if scan.kind == "integer":
            # integers hold a NIR, or (with a hint) an AMC / member number; nothing else is written as one
            return [s for s in self.specs if s.entity == scan.hinted and s.entity != "FR_NIR"]
        return [s for s in self.specs if scan.hinted not in s.not_under]

    def _whole_cells(self, scan: _ColumnScan) -> None:
        """4a. Cells that are one value of an entity with a whole-cell form (e-mail, phone, IBAN...)."""
        for spec in scan.specs:
            if spec.entity != "FR_NIR" and spec.whole_re2 is not None:
                block = self._whole_cell_block(spec, scan.distinct, scan.done, scan.hinted == spec.entity,
                                               settle_only=scan.counts_only)
                if block is not None:
                    scan.blocks.append(block)

    def _birth_years(self, scan: _ColumnScan, column: str) -> None:
        """4a'. Cells that are a year alone in a column named for birth years (``annee_naissance``: 1970)."""
        if scan.hinted != date_of_birth.ENTITY or scan.counts_only or not names_a_year(column):
            return
        open_positions = np.flatnonzero(~scan.done)
        positions = open_positions[self._match(scan.distinct, open_positions, date_of_birth.YEAR_CELL_RE2)]
        if len(positions) == 0:
            return
        scan.done[positions] = True
        cells = scan.distinct.take(pa.array(positions))
        past = date_of_birth.past_years(cells)
        scan.blocks.append(_cells_block(positions[past], cells.filter(pa.array(past)), date_of_birth.ENTITY,
                                        HINTED_DATE_SCORE))

    def _candidates(self, scan: _ColumnScan) -> None:
        """4b-5. For each entity, the RE2 pre-filter keeps the open values that may hold it; its Python
        recognizer runs on those candidates only (NIRs alone when counting)."""
        for spec in scan.specs:
            if scan.counts_only and spec is not nir.SPEC:
                continue
            open_positions = np.flatnonzero(~scan.done)
            if len(open_positions) == 0:
                break
            candidates = self._prefiltered(scan, spec, open_positions)
            if len(candidates) == 0:
                continue
            scan.texts.fetch(candidates)
            if spec is nir.SPEC:
                self._find_nirs(scan, spec, candidates)
            else:
                self._recognize(scan, spec, candidates)

    def _prefiltered(self, scan: _ColumnScan, spec: EntitySpec, open_positions: np.ndarray) -> np.ndarray:
        """The open values that may hold ``spec``'s entity."""
        seen = scan.prefiltered.get(spec.prefilter)
        if seen is not None and np.array_equal(seen[0], open_positions):
            matches = seen[1].copy()
        else:
            matches = self._match(scan.distinct, open_positions, spec.prefilter)
            scan.prefiltered[spec.prefilter] = (open_positions, matches.copy())
        if spec.needs_context and scan.hinted != spec.entity:
            # without a column hint, only texts with one of its context words can hold this entity
            matches &= self._match(scan.distinct, open_positions, spec.context_re2())
            if spec.reportable_re2 is not None and matches.any():
                matches[matches] = self._match(scan.distinct, open_positions[matches], spec.reportable_re2)
        candidates = open_positions[matches]
        if spec is nir.SPEC and len(candidates):
            # a cell of digits alone holds a NIR only as the whole cell, settled above
            candidates = candidates[~self._match(scan.distinct, candidates, r"^\s*\d+\s*$")]
        return candidates

    def _recognize(self, scan: _ColumnScan, spec: EntitySpec, candidates: np.ndarray) -> None:
        """``spec``'s spans in each candidate text, into ``per_value``: the candidates searched as one string
        (:mod:`leakguard.detect.joined`), or one by one for entities whose rules are a ``finder``."""
        in_context = scan.hinted == spec.entity
        per_value, entity = scan.per_value, spec.entity
        positions = candidates.tolist()
        if spec.finder is None:
            texts = [scan.texts.text(u) for u in positions]
            for owner, start, end, score in find_many(spec, texts, context=in_context, searched=scan.searched):
                per_value.setdefault(positions[owner], []).append((start, end, entity, score))
            return
        folds = not in_context and bool(spec.context or spec.negative_context)
        for u in positions:
            folded = scan.texts.folded(u) if folds else None
            for start, end, score in spec.find(scan.texts.text(u), context=in_context, folded=folded):
                per_value.setdefault(u, []).append((start, end, entity, score))

    def _find_nirs(self, scan: _ColumnScan, spec: EntitySpec, candidates: np.ndarray) -> None:
        """NIR spans of the candidate texts (searched as one string) into ``nir_spans`` (not when counting);
        every NIR-shaped span into ``span_shaped``, those whose key is right into ``span_keyed``. The keys of all the
        spans are checked at once (:func:`recognizers.nir.are_keyed_and_valid`)."""
        positions = candidates.tolist()
        joined = Joined([scan.texts.text(u) for u in positions])
        found: list[tuple[int, Joined, int, re.Match[str]]] = []
        for owner, _, _, match in joined.spans(spec.span_regex):
            if match is not None:
                found.append((positions[owner], joined, owner, match))
                continue
            alone = Joined([joined.texts[owner]])  # a match ran over two texts: this one is searched alone
            found.extend((positions[owner], alone, 0, own) for _, _, _, own in alone.spans(spec.span_regex)
                         if own is not None)
        if not found:
            return
        values = [match.group(0) for _, _, _, match in found]
        scan.span_shaped.extend(values)
        keyed, valid = nir.are_keyed_and_valid(values)
        scan.span_keyed.extend(value for value, ok in zip(values, keyed.tolist(), strict=True) if ok)
        if scan.counts_only:
            return
        for i in np.flatnonzero(valid).tolist():
            self._nir_in(scan, spec, *found[i])

    def _nir_in(self, scan: _ColumnScan, spec: EntitySpec, u: int, joined: Joined, owner: int,
                match: re.Match[str]) -> None:
        """One valid NIR span of text ``owner`` of ``joined``, kept with its score (or dropped after a word
        that says it is another number)."""
        value = match.group(0)
        offset, (start, end) = int(joined.starts[owner]), match.span()
        context = scan.hinted == spec.entity
        if not context:
            context = spec.in_context(joined.folded, start, end, text_start=offset, text=joined.text)
            if not context and spec.has_negative_context(joined.folded, start, offset):
                return  # "facture n° 2850…": an invoice number passing the key by chance
        score = max(spec.base_score(value), spec.context_score) if context else spec.base_score(value)
        scan.nir_spans.append((u, start - offset, end - offset, score, value, context))

    def _count_nirs(self, scan: _ColumnScan, counts: NirProfile, key: str | None) -> None:
        """6. The column's NIR-shaped and valid values into ``counts``: NIRs without context are decided per
        column, once the counts are final (:meth:`resolve`)."""
        if scan.span_shaped and scan.profiled:
            scan.shaped_ids.append(nir_ids(pa.array(scan.span_shaped, pa.string())))
            scan.keyed_ids.append(nir_ids(pa.array(scan.span_keyed, pa.string())))
        if scan.shaped_ids:
            counts.add(key, np.concatenate(scan.shaped_ids), np.concatenate(scan.keyed_ids))

    def _nir_spans(self, scan: _ColumnScan) -> None:
        """The whole-cell NIRs after the other whole cells; NIRs in text with the other spans of their value."""
        if scan.whole_nirs is not None:
            scan.blocks.append(scan.whole_nirs)
        for u, start, end, score, _value, context in scan.nir_spans:
            scan.per_value.setdefault(u, []).append((start, end, "FR_NIR" if context else UNPROVEN_NIR, score))

    def _hinted_names(self, scan: _ColumnScan) -> None:
        """Whole cells of a column named for people (or insurers) that hold letters and no finding yet."""
        entity = scan.hinted
        if entity not in ("PERSON", "FR_HEALTH_INSURER") or not self.options.wants(entity) or scan.kind != "string":
            return
        letters = np.flatnonzero(self._match(scan.distinct, None, r"\p{L}.*\p{L}"))
        if len(letters) == 0:
            return
        letters = letters[~scan.done[letters]]
        texts = scan.distinct.take(pa.array(letters)).to_pylist()
        for u, value in zip(letters.tolist(), texts):
            if u in scan.per_value:
                continue
            if not (person.is_name_cell(value) if entity == "PERSON" else insurer.is_name_cell(value)):
                continue  # digits, another key ("Nom : .... Prénom : ...."), a form's blanks, a sentence
            start = len(value) - len(value.lstrip())
            end = len(value.rstrip())
            if end <= start:
                continue
            if entity == "PERSON" and (insurers := self._insurer_names(value, start, end)):
                if self.options.wants("FR_HEALTH_INSURER"):  # {"nom": "MGEN", "siren": …}: a list of insurers
                    scan.per_value[u] = [(s, e, "FR_HEALTH_INSURER", 0.6) for s, e in insurers]
                continue
            scan.per_value[u] = [(start, end, entity, HINTED_CELL_SCORE if entity == "PERSON" else 0.6)]

    def _is_free_text(self, scan: _ColumnScan, text: bool) -> bool:
        """7. Whether names are looked for in the column's text: text lines, a column named or shaped as prose."""
        if scan.kind != "string" or not self.options.wants("PERSON"):
            return False
        return text or scan.hinted == FREE_TEXT or (scan.hinted is None and self._looks_like_free_text(scan.distinct))

    def _rule_names(self, scan: _ColumnScan) -> None:
        """Names the French writing rules find (titles, SURNAME and first name, initials, ``Nom :``)."""
        candidates = np.flatnonzero(np.logical_or.reduce(
            [self._match(scan.distinct, None, pattern) for pattern in person.PREFILTERS]))
        if len(candidates) == 0:
            return
        values = scan.distinct.take(pa.array(candidates))
        kept = person.may_hold_names(values)  # the rules' cues and first names, over the whole column at once
        for u, value in zip(candidates[kept].tolist(), values.filter(pa.array(kept)).to_pylist()):
            for start, end, score in person.find(value):
                scan.per_value.setdefault(u, []).append((start, end, "PERSON", score))

    def _ner(self, scan: _ColumnScan) -> None:
        """Names the NER model finds, where no checkable finding overlaps them."""
        candidates = np.flatnonzero(self._match(scan.distinct, None, NER_PREFILTER))
        if len(candidates) == 0:
            return
        per_value = scan.per_value
        texts = scan.distinct.take(pa.array(candidates)).to_pylist()
        asked = [unexplained(text, [(s, e) for s, e, _, _ in per_value.get(u, ())])
                 for u, text in zip(candidates.tolist(), texts)]
        candidates = candidates[asked]
        texts = [text for text, ask in zip(texts, asked) if ask]
        if len(candidates) == 0:
            return
        if self._names is None:
            from leakguard.detect.ner import NameFinder

            self._names = NameFinder()
        for u, text, spans in zip(candidates.tolist(), texts, self._names.find(texts)):
            existing = per_value.get(u, [])
            for start, end in spans:
                if any(s < end and start < e and entity != "PERSON" for s, e, entity, _ in existing):
                    continue  # a checkable finding (insurer, e-mail...) wins over the model's guess
                if self._is_insurer(text[start:end]):
                    continue
                per_value.setdefault(u, []).append((start, end, "PERSON", PERSON_SCORE))
            if u in per_value:
                names = person.merge(self._person_spans(per_value[u]))
                others = [f for f in per_value[u] if f[2] != "PERSON"]
                per_value[u] = others + [(s, e, "PERSON", score) for s, e, score in names] + (
                    self._births_after(text, names, others) if spans else [])

    def _names_again(self, scan: _ColumnScan, *, across: bool) -> None:
        """8. The other mentions of the names found in a text, alone (``Rufus … Rufus sifflerait``); ``across``:
        the lines of a text file are one text (up to :data:`MAX_WORDS_ACROSS` words of names)."""
        per_value = scan.per_value
        named = [u for u, found in per_value.items() if any(entity == "PERSON" for _, _, entity, _ in found)]
        if not named:
            return
        texts = dict(zip(named, scan.distinct.take(pa.array(named)).to_pylist()))
        spans = {u: self._person_spans(per_value[u]) for u in named}
        words = None
        if across:
            words = {w for u in named for w in person.name_words(texts[u], spans[u])}
            if len(words) > MAX_WORDS_ACROSS:
                words = None
            else:
                words = {w for u in named for w in person.source_words(texts[u], spans[u])}
            if words:
                more = np.flatnonzero(self._match(scan.distinct, None, person.words_re2(words)))
                more = [u for u in more.tolist() if u not in texts]
                texts.update(zip(more, scan.distinct.take(pa.array(more, pa.int64())).to_pylist()))
        for u, text in texts.items():
            again = person.mentioned_again(text, spans.get(u, []), words)
            if again:
                per_value.setdefault(u, []).extend((s, e, "PERSON", score) for s, e, score in again)

    @staticmethod
    def _person_spans(found: Iterable[_Span]) -> list[tuple[int, int, float]]:
        return [(s, e, score) for s, e, entity, score in found if entity == "PERSON"]

    def _births_after(self, text: str, names: list[tuple[int, int, float]],
                      found: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
        """Dates of birth right after the names of ``text`` the model found, where nothing was found."""
        if not self.options.wants(date_of_birth.ENTITY):
            return []
        births = date_of_birth.births_after(text, names, [(start, end) for start, end, _, _ in found])
        return [(start, end, date_of_birth.ENTITY, score) for start, end, score in births]

    def _is_insurer(self, value: str) -> bool:
        return self._insurer_spec is not None and next(iter(self._insurer_spec.find(value)), None) is not None

    def _insurer_names(self, value: str, start: int, end: int) -> list[tuple[int, int]]:
        """The spans of the listed names of insurers (that are no words) that make ``value[start:end]`` an
        insurer's name: the whole of it, or its head and the insurer's name in brackets after it (``MGEN (Mutuelle
        Générale de l'Éducation Nationale)``, ``MACSF (Mutuelle d'Assurance du Corps de Santé Français)``)."""
        if self._insurer_spec is None:
            return []
        found = [(s, e) for s, e, _ in self._insurer_spec.find(value)]
        if (start, end) in found:
            return [(start, end)]
        bracket = _NAME_THEN_BRACKET.fullmatch(value, start, end)
        if bracket is None or bracket.span("head") not in found or bracket.span("inner") not in found:
            return []  # "MGEN (Girard)": a person named beside an insurer
        return [bracket.span("head"), bracket.span("inner")]

    def _resolved(self, scan: _ColumnScan) -> list[_Block]:
        """The column's blocks, then the spans of each value without the overlaps a better span wins."""
        rows: list[tuple[int, int, int, str, float, str]] = []
        if scan.per_value:
            positions = sorted(scan.per_value)
            texts = scan.distinct.take(pa.array(positions)).to_pylist()
            for u, value in zip(positions, texts):
                for start, end, entity, score in _resolve(scan.per_value[u]):
                    rows.append((u, start, end, entity, score, value[start:end]))
        return [*scan.blocks, _block(rows)] if rows else scan.blocks

    # -- helpers of the passes -----------------------------------------------------------------------------

    def _whole_nir_block(self, distinct: pa.Array, valid: np.ndarray, hinted: bool, typos: np.ndarray) -> _Block:
        """The whole-cell NIRs at ``valid`` and the typos at ``typos`` (positions in ``distinct``)."""
        positions = np.sort(np.concatenate([valid, typos])) if len(typos) else valid
        values = distinct.take(pa.array(positions))
        starts, ends, trimmed = _trimmed(values)
        is_typo = np.isin(positions, typos)
        if hinted:
            scores = np.where(is_typo, nir.UNKEYED_SCORE, nir.CONTEXT_SCORE)
            entities = ["FR_NIR"] * len(positions)
        else:
            temporary = pc.is_in(pc.utf8_slice_codeunits(trimmed, 0, 1), pa.array(list(nir.TEMPORARY_SEX_DIGITS)))
            scores = np.where(is_typo, nir.UNKEYED_SCORE,
                              np.where(temporary.to_numpy(zero_copy_only=False), nir.TEMPORARY_SCORE, nir.SCORE))
            entities = np.where(is_typo, UNPROVEN_TYPO, UNPROVEN_NIR).tolist()
        return _Block(positions.astype(np.int64), starts, ends, entities, scores.astype(np.float64), trimmed)

    def _whole_cell_block(self, spec: EntitySpec, distinct: pa.Array, done: np.ndarray, hinted: bool, *,
                     settle_only: bool = False) -> _Block | None:
        """Distinct values that are exactly one ``spec`` value (surrounding spaces aside), in Arrow.

        Values matching the whole-cell form are settled here, valid or not (they are marked ``done`` for every
        later recognizer); only entities that need context are skipped unless the column name gives it.
        ``settle_only``: mark them, find nothing (the profile pass needs only what later recognizers see).
        """
        if spec.needs_context and not hinted:
            return None
        open_positions = np.flatnonzero(~done)
        if len(open_positions) == 0:
            return None
        form = spec.whole_re2 if not (hinted and spec.hinted_whole_re2) else f"{spec.whole_re2}|{spec.hinted_whole_re2}"
        matched = np.flatnonzero(self._match(distinct, open_positions, rf"^\s*(?:{form})\s*$"))
        if spec.whole_bounds is not None and len(matched):
            matched = matched[spec.whole_bounds(distinct.take(pa.array(open_positions[matched])))]
        if len(matched) == 0:
            return None
        done[open_positions[matched]] = True
        if settle_only:
            return None
        cells = distinct.take(pa.array(open_positions[matched]))
        if spec.validate_array is not None:
            ok = _true_positions(spec.validate_array(cells))
            matched, cells = matched[ok], cells.take(pa.array(ok))
            if len(matched) == 0:
                return None
        starts, ends, trimmed = _trimmed(cells)
        if hinted:
            scores = np.full(len(matched), max(spec.score, spec.context_score))
        elif spec.score_array is not None:
            scores = spec.score_array(trimmed)
        elif spec.score_of is not None:
            scores = np.array([spec.score_of(text) for text in trimmed.to_pylist()], np.float64)
        else:
            scores = np.full(len(matched), spec.score)
        return _Block(open_positions[matched].astype(np.int64), starts, ends,
                      [spec.entity] * len(matched), scores, trimmed)

    def _hinted_dates(self, distinct: pa.Array) -> list[_Block]:
        """Every date of a column named for birth dates (date32/timestamp cells, as ISO text)."""
        if not self.options.wants("DATE_OF_BIRTH"):
            return []
        lengths = pc.utf8_length(distinct).to_numpy(zero_copy_only=False)
        positions = np.flatnonzero(lengths > 0)
        return [_Block(positions.astype(np.int64), np.zeros(len(positions), np.int32),
                       lengths[positions].astype(np.int32), ["DATE_OF_BIRTH"] * len(positions),
                       np.full(len(positions), HINTED_DATE_SCORE), distinct.take(pa.array(positions)))]

    # -- back to rows --------------------------------------------------------------------------------------

    def _expand(self, blocks: list[_Block], index: np.ndarray, rows: pa.Array, column: str | None) -> pa.Table:
        """Map findings on distinct values to every cell holding the value (numpy index arithmetic)."""
        u = np.concatenate([b.u for b in blocks])
        entities = pa.concat_arrays([_entities(b) for b in blocks])
        values = pa.concat_arrays([b.value if isinstance(b.value, pa.Array) else pa.array(b.value, pa.string())
                                   for b in blocks])
        if self.options.previews:
            previews = pa.concat_arrays([_previews(b) for b in blocks])
        else:
            previews = pa.array([""] * len(u), pa.string())
        n_distinct = int(u.max()) + 1
        counts = np.bincount(u, minlength=n_distinct)
        order = np.argsort(u, kind="stable")
        offsets = np.concatenate([[0], np.cumsum(counts)])
        valid = (index >= 0) & (index < n_distinct)
        per_cell = np.where(valid, counts[np.where(valid, index, 0)], 0)
        cells = np.flatnonzero(per_cell)
        repeat = per_cell[cells]
        total = int(repeat.sum())
        first = np.repeat(offsets[index[cells]], repeat)
        within = np.arange(total) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        pick = pa.array(order[first + within])
        arrays = {
            "row": pc.take(rows, pa.array(np.repeat(cells, repeat))).cast(pa.int64()),
            "column": pa.repeat(pa.scalar(column, pa.string()), total),
            "start": pa.array(np.concatenate([b.start for b in blocks])).take(pick),
            "end": pa.array(np.concatenate([b.end for b in blocks])).take(pick),
            "entity": entities.take(pick),
            "score": pa.array(np.concatenate([b.score for b in blocks])).take(pick),
            "preview": previews.take(pick),
        }
        table = pa.Table.from_pydict(arrays, schema=TABLE_SCHEMA)
        if self.options.show_values:
            table = table.append_column("value", values.take(pick))
        return table

    def _empty(self) -> pa.Table:
        table = TABLE_SCHEMA.empty_table()
        if self.options.show_values:
            table = table.append_column("value", pa.array([], pa.string()))
        return table


class _Texts:
    """Distinct values as Python strings, and their folded forms, each made once for all the recognizers."""

    def __init__(self, distinct: pa.Array):
        self._distinct = distinct
        self._text: dict[int, str] = {}
        self._folded: dict[int, str] = {}

    def fetch(self, positions: np.ndarray) -> None:
        """Convert the values at ``positions`` not converted yet, in one Arrow call."""
        missing = [u for u in positions.tolist() if u not in self._text]
        if missing:
            self._text.update(zip(missing, self._distinct.take(pa.array(missing, pa.int64())).to_pylist()))

    def text(self, u: int) -> str:
        """The value at ``u`` (fetched before)."""
        return self._text[u]

    def folded(self, u: int) -> str:
        folded = self._folded.get(u)
        if folded is None:
            folded = self._folded[u] = fold(self.text(u))
        return folded


def _sorted_findings(tables: list[pa.Table], min_score: float) -> pa.Table:
    """The findings of ``tables`` scored ``min_score`` or more, by row and offset (a stable sort); empties
    ``tables``.

    The sorted table is built column by column, each column of the input released before it is copied: a
    chunk's findings (80 MB for 65,536 rows of 17 columns) are not held twice. (``take`` would concatenate a
    column's chunks anyway: they are concatenated first, and the chunks released.)
    """
    table = pa.concat_tables(tables)
    tables.clear()
    if min_score > 0:
        table = table.filter(pc.greater_equal(table["score"], min_score))
    order = pc.sort_indices(table, sort_keys=[("row", "ascending"), ("start", "ascending")])
    schema, columns = table.schema, []
    for name in schema.names:
        column = table[name].combine_chunks()
        table = table.drop_columns([name])
        columns.append(column.take(order))
    return pa.Table.from_arrays(columns, schema=schema)


def _unsettled(distinct: pa.Array, done: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Positions of the distinct values no recognizer has settled yet, and those values."""
    positions = np.flatnonzero(~done)
    return positions, distinct if len(positions) == len(distinct) else distinct.take(pa.array(positions))


def _cells_block(positions: np.ndarray, cells: pa.Array, entity: str, score: float) -> _Block:
    """The whole ``cells`` (at ``positions`` of the distinct values) found as one ``entity`` at one ``score``,
    each without its surrounding white space."""
    starts, ends, trimmed = _trimmed(cells)
    return _Block(positions.astype(np.int64), starts, ends, [entity] * len(positions),
                  np.full(len(positions), score, np.float64), trimmed)


def _trimmed(cells: pa.Array) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Each cell without its surrounding white space, and where that text starts and ends in the cell."""
    stripped = pc.utf8_ltrim_whitespace(cells)
    starts = pc.subtract(pc.utf8_length(cells), pc.utf8_length(stripped)).to_numpy(zero_copy_only=False)
    trimmed = pc.utf8_rtrim_whitespace(stripped)
    ends = starts + pc.utf8_length(trimmed).to_numpy(zero_copy_only=False)
    return starts.astype(np.int32), ends.astype(np.int32), trimmed


def _entities(block: _Block) -> pa.Array:
    """The entity of each finding of a block (one repeated value for whole-cell blocks)."""
    first = block.entity[0]
    if block.entity.count(first) == len(block.entity):
        return pa.repeat(pa.scalar(first, pa.string()), len(block.entity))
    return pa.array(block.entity, pa.string())


def _in_columns(raw: pa.Table, columns: list[str | None]) -> pa.Array:
    """Which findings of ``raw`` are in one of ``columns`` (``None``: the lines of a text)."""
    inside = pc.is_in(raw["column"], pa.array([c for c in columns if c is not None], pa.string()))
    if None in columns:
        inside = pc.or_(inside, pc.is_null(raw["column"]))
    return pc.fill_null(inside, False)


def _previews(block: _Block) -> pa.Array:
    """Masked previews of a block's values, vectorised per entity (:func:`leakguard.preview.mask_array`)."""
    values = block.value if isinstance(block.value, pa.Array) else pa.array(block.value, pa.string())
    entities = _entities(block).dictionary_encode()
    names = ["FR_NIR" if e in UNPROVEN else e for e in entities.dictionary.to_pylist()]
    if len(names) == 1:
        return mask_array(names[0], values)
    codes = entities.indices.to_numpy(zero_copy_only=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    parts = [mask_array(name, values.take(pa.array(order[bounds[i] : bounds[i + 1]])))
             for i, name in enumerate(names)]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(parts).take(pa.array(inverse))


def _looks_like_free_text(distinct: pa.Array) -> bool:
    """Prose rather than codes: most distinct values have a space, and they are long on average."""
    sample = distinct.slice(0, FREE_TEXT_SAMPLE)
    if len(sample) == 0:
        return False
    spaced = pc.mean(pc.cast(pc.match_substring(sample, " "), pa.float64())).as_py() or 0.0
    mean_length = pc.mean(pc.utf8_length(sample)).as_py() or 0.0
    return is_free_text(spaced, mean_length)


def is_free_text(spaced: float, mean_length: float) -> bool:
    """The free-text rule on a sample: its share of values with a space, and its mean length."""
    return spaced >= _FREE_TEXT_SPACE_SHARE and mean_length >= _FREE_TEXT_MEAN_LENGTH


def _resolve(spans: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """Drop findings that overlap a better one (higher score, then entity priority, then longer).

    Only spans that overlap, directly or through others, can remove one another, so the spans are cut into
    such groups in one sweep by start and each group is settled on its own: the cost grows with the spans of
    a cell, not with their square (a one-cell file of 100,000 findings).
    """
    if len(spans) == 1:
        return spans
    kept: list[tuple[int, int, str, float]] = []
    group: list[tuple[int, int, str, float]] = []
    reach = 0
    for span in sorted(set(spans)):
        if group and span[0] >= reach:
            kept.extend(_settle(group))
            group = []
        reach = span[1] if not group else max(reach, span[1])
        group.append(span)
    kept.extend(_settle(group))
    return kept


def _settle(group: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """The spans of one overlapping group that no better span overlaps, by start."""
    if len(group) == 1:
        return group
    ranked = sorted(group, key=lambda s: (-s[3], _RANK.get(s[2], len(_RANK)), -(s[1] - s[0]), s[0]))
    kept: list[tuple[int, int, str, float]] = []
    for span in ranked:
        if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s[0])
