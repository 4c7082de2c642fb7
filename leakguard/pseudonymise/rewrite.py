"""From findings to replaced cells: the step between the detector and every writer.

The detector (:mod:`leakguard.detect.engine`) says *where* personal data sits in a chunk of cells: one finding
per span, ``(row, column, start, end, entity)``, with the raw span (``show_values``). This module decides
*what* goes there, with the operator the :class:`~leakguard.pseudonymise.operators.Policy` gives each entity,
and returns, for each cell column that changes, a replacement array of the same type and length
(:class:`ColumnEdit`). Writers put those arrays back: :func:`leakguard.sources.rebuild_batch` for Arrow
batches (Parquet, CSV, in-memory tables), the raw line for JSON lines and text.

Rules:

* **Whole cells** (a finding from offset 0 to the cell's length) are replaced with ``Operator.apply_array``
  on the cells that hold one, so each distinct value is computed once and the column keeps its Arrow type: an
  int64 NIR column gets int64 tokens, a ``date32`` birth-date column stays ``date32``; binary, fixed-size
  binary and ``decimal(p, 0)`` columns keep their type too (:mod:`leakguard.pseudonymise.stored`).
* **Spans** inside a longer text are replaced with ``Operator.apply_span`` (distinct span values once, per
  entity), in one left-to-right pass per cell (linear in its spans, however many), and every character
  outside the spans is kept.
* Entities whose operator is ``keep`` are counted and left alone.
* Under ``fpe``, NIR bodies of 13 characters whose key has a column of its own take that column with them:
  it is rewritten to the new bodies' keys (:mod:`leakguard.pseudonymise.rekey`), and back by ``reidentify``.
* Values that are already pseudonyms (:data:`~leakguard.pseudonymise.operators.PSEUDONYM_RE`: ``NIR_…``,
  ``EMAIL_…@example.invalid``) are left alone, so pseudonymising a pseudonymised file changes nothing.

Nothing here loops over every cell in Python: cells with findings are picked with numpy and Arrow ``take``;
only cells holding spans inside free text are rebuilt one by one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.key_columns import nir_key_columns
from leakguard.pseudonymise.operators import EMAIL_TOKEN_DOMAIN, TOKEN_CHARS, Operator
from leakguard.pseudonymise.rekey import rekey
from leakguard.pseudonymise.stored import apply_whole, encode_text
from leakguard.sources.base import CellColumn, Chunk
from leakguard.sources.celltext import decode_binary, is_binary, undecodable_cells
from leakguard.sources.windows import clip_findings

#: Operators that rewrite the key column of NIR bodies with the bodies (fpe and reidentify's inverse of it).
REKEYING_OPERATORS = ("fpe", "fpe-decrypt")
#: RE2 form of :data:`~leakguard.pseudonymise.operators.PSEUDONYM_RE` anchored on a whole span.
TOKEN_RE2 = rf"^[A-Z][A-Z_]*_[a-z2-7]{{{TOKEN_CHARS}}}(?:{EMAIL_TOKEN_DOMAIN.replace('.', '[.]')})?$"


class ChunkRewriter(Protocol):
    """What a writer needs: the edits of each chunk of a stream, in order (one process or several)."""

    def edits_each(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, ChunkEdits]]: ...


class OperatorSource(Protocol):
    """What the rewriter needs of a policy: the operator of each entity."""

    def operator(self, entity: str) -> Operator: ...


@dataclass
class ColumnEdit:
    """The new values of one cell column: ``values`` has the column's type and length."""

    path: str
    values: pa.Array
    #: positions (in the cell column) of the findings replaced, one per finding
    positions: np.ndarray
    #: for each entity replaced as whole cells, the positions of those cells (JSON numbers need them)
    whole: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def changed(self) -> np.ndarray:
        """Positions (in the cell column) whose value was replaced, ascending, each once."""
        return np.unique(self.positions)


@dataclass
class ChunkEdits:
    """Everything that changes in one chunk, and the counts for the report."""

    columns: dict[str, ColumnEdit] = field(default_factory=dict)
    #: spans (whole cells included) replaced, per entity
    replaced: Counter[str] = field(default_factory=Counter)
    #: spans left as they are because the entity's operator is ``keep``, per entity
    kept: Counter[str] = field(default_factory=Counter)
    #: spans that already were pseudonyms
    tokens: int = 0
    #: binary cells that are not UTF-8 text (not scanned, kept as they are), per column
    not_text: Counter[str] = field(default_factory=Counter)

    def replacements(self) -> dict[str, pa.Array]:
        """``{path: new values}`` for :func:`leakguard.sources.rebuild_batch`."""
        return {path: edit.values for path, edit in self.columns.items()}


def detect_options(ner: bool) -> DetectOptions:
    """The detector options of pseudonymisation: every entity, raw spans included (they are replaced)."""
    return DetectOptions(ner=ner, show_values=True, previews=False)


class Rewriter:
    """Detects and replaces, chunk after chunk of one stream (one detector: its NIR profile spans the stream)."""

    def __init__(self, policy: OperatorSource, *, ner: bool = True, detector: Detector | None = None):
        self.policy = policy
        self.detector = detector or Detector(detect_options(ner))
        if not self.detector.options.show_values:
            raise ValueError("the rewriter's detector must report values (DetectOptions(show_values=True))")

    def edits(self, chunk: Chunk) -> ChunkEdits:
        """Detect the entities of ``chunk`` and compute their replacements."""
        return self.apply(chunk, self.detector.detect(chunk))

    def edits_each(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """``(chunk, edits)`` for each chunk of a stream, in order (the interface of
        :class:`~leakguard.pseudonymise.parallel.ParallelRewriter`)."""
        for chunk in chunks:
            yield chunk, self.edits(chunk)

    def apply(self, chunk: Chunk, findings: pa.Table) -> ChunkEdits:
        """Replacements of the ``findings`` (with their ``value`` column) of ``chunk``."""
        out = ChunkEdits()
        for column in chunk.columns:
            skipped = undecodable_cells(column.values)
            if skipped:
                out.not_text[column.name] += skipped
        findings = clip_findings(findings, chunk.part, shift=False)  # a window: its own text only
        if findings.num_rows == 0:
            return out
        entities = pc.unique(findings["entity"]).to_pylist()
        kept = [e for e in entities if self.policy.operator(e).name == "keep"]
        if kept:
            is_kept = pc.is_in(findings["entity"], pa.array(kept, pa.string()))
            for entity, count in _counts(findings.filter(is_kept)):
                out.kept[entity] += count
            findings = findings.filter(pc.invert(is_kept))
        is_token = pc.match_substring_regex(findings["value"], TOKEN_RE2)
        out.tokens = pc.sum(pc.cast(is_token, pa.int64())).as_py() or 0
        if out.tokens:
            findings = findings.filter(pc.invert(is_token))
        if findings.num_rows == 0:
            return out
        by_name = {column.name: column for column in chunk.columns}
        for name in pc.unique(findings["column"]).to_pylist():
            if name is None:  # text lines: the one column of the chunk
                column = chunk.columns[0]
                part = findings.filter(pc.is_null(findings["column"]))
            else:
                column = by_name[name]
                part = findings.filter(pc.equal(findings["column"], name))
            edit = self._column(column, part, out.replaced)
            out.columns[column.name] = edit
        self._rekey(chunk, out)
        return out

    def _rekey(self, chunk: Chunk, out: ChunkEdits) -> None:
        """After ``fpe`` (or its inverse) rewrote NIR bodies whose key has a column of its own, that column
        (:mod:`leakguard.pseudonymise.rekey`)."""
        if self.policy.operator("FR_NIR").name not in REKEYING_OPERATORS:
            return
        edited = [name for name, edit in out.columns.items() if "FR_NIR" in edit.whole]
        if not edited:
            return
        pairs = nir_key_columns(chunk.columns)
        by_name = {column.name: column for column in chunk.columns}
        for body in edited:
            key = pairs.get(body)
            if key is None or key in out.columns:
                continue
            cells = out.columns[body].whole["FR_NIR"]
            index = pa.array(cells)
            old = _as_text(by_name[body].values.take(index))
            new = _as_text(out.columns[body].values.take(index))
            rekeyed = rekey(by_name[key].values, cells, old, new)
            if rekeyed is not None:
                out.columns[key] = ColumnEdit(key, *rekeyed)

    def _column(self, column: CellColumn, findings: pa.Table, counts: Counter[str]) -> ColumnEdit:
        positions = _positions(column.rows, findings["row"])
        starts = findings["start"].to_numpy()
        ends = findings["end"].to_numpy()
        entities = findings["entity"].combine_chunks().dictionary_encode()
        for entity, count in _counts(findings):
            counts[entity] += count
        kind = column.values.type
        values = column.values.dictionary_decode() if pa.types.is_dictionary(kind) else column.values
        if is_binary(values.type):
            # the detector read the UTF-8 cells as text: replace in the text, write the bytes back
            text = decode_binary(values).text
            new_text, whole = self._values(text, positions, starts, ends, entities, findings)
            new = encode_text(values, new_text, np.unique(positions))
        elif pa.types.is_string_view(values.type):
            new, whole = self._values(values.cast(pa.string()), positions, starts, ends, entities, findings)
            new = new.cast(values.type)
        else:
            new, whole = self._values(values, positions, starts, ends, entities, findings)
        if pa.types.is_dictionary(kind):
            new = new.dictionary_encode().cast(kind)
        return ColumnEdit(column.name, new, positions, whole)

    def _values(self, values: pa.Array, positions: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                entities: pa.DictionaryArray, findings: pa.Table) -> tuple[pa.Array, dict[str, np.ndarray]]:
        text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        if text:
            # each cell's length once (a cell of 100,000 findings is not taken 100,000 times)
            cells, inverse = np.unique(positions, return_inverse=True)
            lengths = pc.utf8_length(values.take(pa.array(cells))).to_numpy(zero_copy_only=False)[inverse]
            is_whole = (starts == 0) & (ends == lengths)
        else:  # integers, decimals and dates: the detector reports whole cells only
            is_whole = np.ones(len(positions), dtype=bool)
        new = values
        whole: dict[str, np.ndarray] = {}
        codes = entities.indices.to_numpy(zero_copy_only=False)
        names = entities.dictionary.to_pylist()
        if is_whole.any():
            for code, entity in enumerate(names):
                cells = positions[is_whole & (codes == code)]
                if not len(cells):
                    continue
                if len(cells) > 1 and not (np.diff(cells) > 0).all():
                    cells = np.unique(cells)
                whole[entity] = cells
                new = self._replace_whole(new, values, cells, self.policy.operator(entity))
        if not is_whole.all():
            picked = np.flatnonzero(~is_whole)
            index = pa.array(picked)
            span_values = findings["value"].take(index).to_pylist()
            span_entities = [names[c] for c in codes[picked].tolist()]
            new = self._replace_spans(new, positions[picked], starts[picked], ends[picked], span_entities,
                                      span_values)
        return new, whole

    @staticmethod
    def _replace_whole(new: pa.Array, values: pa.Array, cells: np.ndarray, op: Operator) -> pa.Array:
        """``new`` with the cells at ``cells`` (sorted, distinct) replaced by ``op`` applied to ``values``."""
        if len(cells) == len(values) - values.null_count and new is values:
            # every non-null cell: the whole column at once (nulls stay null)
            live = values.is_valid().to_numpy(zero_copy_only=False)
            if live[cells].all():
                return apply_whole(op, values)
        replacement = apply_whole(op, values.take(pa.array(cells)))
        mask = np.zeros(len(values), dtype=bool)
        mask[cells] = True
        return pc.replace_with_mask(new, pa.array(mask), replacement)

    def _replace_spans(self, new: pa.Array, positions: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                       entities: list[str], span_values: list[str]) -> pa.Array:
        """Spans replaced inside their cells, in one pass per cell; the text around them kept as it is."""
        replacement: dict[tuple[str, str], str] = {}
        for entity in set(entities):
            distinct = list(dict.fromkeys(v for e, v in zip(entities, span_values) if e == entity))
            replacement.update(zip(((entity, v) for v in distinct),
                                   self.policy.operator(entity).apply_span(distinct), strict=True))
        order = np.lexsort((starts, positions))  # by cell, then left to right
        cells, first = np.unique(positions[order], return_index=True)
        texts = new.take(pa.array(cells)).to_pylist()
        bounds = [*first.tolist(), len(order)]
        starts_, ends_ = starts.tolist(), ends.tolist()
        for j, cell in enumerate(texts):
            # one pass over the cell: the pieces between spans and the tokens, joined once
            pieces: list[str] = []
            at = 0
            for i in order[bounds[j] : bounds[j + 1]].tolist():
                start, end = starts_[i], ends_[i]
                if start < at:
                    continue  # overlaps the span before (the detector settles overlaps: not met)
                token = replacement[(entities[i], span_values[i])]
                if not token.isdigit() and span_values[i].isdigit() and _bare_json_number(cell, start, end):
                    token = json.dumps(token)  # "nir": 1850578... in a JSON payload stays valid JSON
                pieces += (cell[at:start], token)
                at = end
            pieces.append(cell[at:])
            texts[j] = "".join(pieces)
        mask = np.zeros(len(new), dtype=bool)
        mask[cells] = True
        return pc.replace_with_mask(new, pa.array(mask), pa.array(texts, new.type))


def _as_text(values: pa.Array) -> list[str | None]:
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    return values.cast(pa.string()).to_pylist()


def _bare_json_number(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands as a JSON number value (``"nir": 185…,``) in a payload or document.

    The value must follow a quoted key and its colon (``N° SS : 185…`` in plain text is not JSON) and be
    followed by what may follow a value (a comma, a closing bracket, or the end of a pretty-printed line).
    Only the white space around the value is looked at, so the cost does not grow with the text.
    """
    after = _NEXT_CHARACTER.match(text, end).group(1)  # type: ignore[union-attr]
    if after not in ("", ",", "}", "]"):
        return False
    before = start
    while before > 0 and text[before - 1].isspace():
        before -= 1
    if before == 0 or text[before - 1] != ":":
        return False
    before -= 1
    while before > 0 and text[before - 1].isspace():
        before -= 1
    return before > 0 and text[before - 1] == '"'


#: The first character after white space (empty at the end of the text).
_NEXT_CHARACTER = re.compile(r"\s*(.?)", re.DOTALL)


def _positions(rows: pa.Array, finding_rows: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Positions in a cell column of the records ``finding_rows`` (``rows`` ascending, one cell per record)."""
    wanted = np.asarray(finding_rows.to_numpy(), dtype=np.int64)
    if len(rows) == 0:
        return wanted[:0]
    first = rows[0].as_py()
    if rows[len(rows) - 1].as_py() - first == len(rows) - 1:  # contiguous: a table or a flat file
        return wanted - first
    return np.searchsorted(np.asarray(rows.to_numpy(zero_copy_only=False), dtype=np.int64), wanted)


def _counts(findings: pa.Table) -> list[tuple[str, int]]:
    grouped = findings.group_by("entity").aggregate([("entity", "count")])
    return list(zip(grouped["entity"].to_pylist(), grouped["entity_count"].to_pylist()))
