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
* **Spans** inside a longer text are replaced with ``Operator.apply_span`` (per entity, the distinct span
  values once, expanded to every span with ``take``), in one left-to-right pass per cell (linear in its
  spans, however many), and every character outside the spans is kept.
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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.decisions import needs_decision
from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.key_columns import nir_key_columns
from leakguard.detect.profile import NirProfile
from leakguard.preview import mask as masked
from leakguard.pseudonymise.operators import EMAIL_TOKEN_DOMAIN, PSEUDONYM_RE, TOKEN_CHARS, Operator
from leakguard.pseudonymise.rekey import rekey
from leakguard.pseudonymise.stored import apply_whole, encode_text
from leakguard.sources.base import CellColumn, Chunk, LinePart
from leakguard.sources.celltext import decode_binary, is_binary, undecodable_cells
from leakguard.sources.windows import clip_findings

#: Times the cells rewritten inside are scanned again for what replacing made visible (:meth:`Rewriter.apply`).
RESCANS = 2
#: Operators whose output may be a value of their entity (:meth:`Rewriter.apply` does not look for it again).
WRITES_ITS_ENTITY = ("keep", "mask", "generalise", "fpe", "fpe-decrypt")
#: Operators that rewrite the key column of NIR bodies with the bodies (fpe and reidentify's inverse of it).
REKEYING_OPERATORS = ("fpe", "fpe-decrypt")
#: RE2 form of :data:`~leakguard.pseudonymise.operators.PSEUDONYM_RE` anchored on a whole span.
TOKEN_RE2 = rf"^[A-Z][A-Z_]*_[a-z2-7]{{{TOKEN_CHARS}}}(?:{EMAIL_TOKEN_DOMAIN.replace('.', '[.]')})?$"


class ChunkRewriter(Protocol):
    """What a writer needs: the edits of each chunk of a stream, in order (one process or several)."""

    def edits_each(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """Edits with the rewriter's profile: a frozen one (counted beforehand), or for one whole table."""
        ...

    def tentative_each(self, chunks: Iterable[Chunk]) -> Iterator[Tentative]:
        """For a stream: each chunk's edits, or ``None`` from the first chunk holding a number that waits for
        its column's decision on; each chunk's NIR counts; and a held chunk's findings before the decision
        when the rewriter can give them (else ``None``: :meth:`replay_each` detects again)."""
        ...

    def replay_each(self, held: Iterable[tuple[Chunk, pa.Table | None]], profile: NirProfile
                    ) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """Edits with ``profile``, the final counts of the stream, of each held chunk with the findings
        :meth:`tentative_each` gave for it (``None``: detected again)."""
        ...


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
    #: spans replaced per entity (whole cells included), for the per-column summary
    entities: Counter[str] = field(default_factory=Counter)
    #: for each entity, the cells that are a number whose integer part alone was found (``185057800608491.0``,
    #: a NIR column gone through a float): JSON numbers are replaced as numbers there too
    integral: dict[str, np.ndarray] = field(default_factory=dict)

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
    #: the chunk's records are lines read as text (a text file, records that could not be parsed)
    text: bool = False
    #: set when the chunk is a window of a long line (its edits are part of that one line's)
    part: LinePart | None = None

    def replacements(self) -> dict[str, pa.Array]:
        """``{path: new values}`` for :func:`leakguard.sources.rebuild_batch`."""
        return {path: edit.values for path, edit in self.columns.items()}


#: What :meth:`ChunkRewriter.tentative_each` gives for each chunk of a stream: the chunk, its edits (``None``
#: while held), its NIR counts, and its findings before the column decision when held (or ``None``).
Tentative = tuple[Chunk, ChunkEdits | None, NirProfile, pa.Table | None]


def detect_options(ner: bool, column_hints: Mapping[str, str] | None = None) -> DetectOptions:
    """The detector options of pseudonymisation: every entity, any score, raw spans included (they are
    replaced); ``column_hints`` as a scan takes them (``column_hints`` of the project configuration)."""
    return DetectOptions(ner=ner, show_values=True, previews=False,
                         column_hints=dict(column_hints) if column_hints else None)


class Rewriter:
    """Detects and replaces, chunk after chunk of one stream.

    With ``profile`` (the final NIR counts of the data, from a profile pass), every chunk is decided at once;
    without, :meth:`edits` decides on the counts seen so far (right for one whole table) and streams go
    through :meth:`tentative_each` and :meth:`replay_each` (:func:`leakguard.pseudonymise.tables.rewrite_batches`).
    """

    def __init__(self, policy: OperatorSource, *, ner: bool = True, detector: Detector | None = None,
                 profile: NirProfile | None = None):
        self.policy = policy
        if detector is None:
            detector = Detector(detect_options(ner), profile=profile, frozen_profile=profile is not None)
        elif profile is not None:
            raise ValueError("give the profile to the detector")
        self.detector = detector
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

    def tentative_each(self, chunks: Iterable[Chunk]) -> Iterator[Tentative]:
        """See :class:`ChunkRewriter`. Every chunk is detected once: a held chunk's findings before the
        decision are given back, to be held with it and decided at the end."""
        waiting = False
        for chunk in chunks:
            raw, counts = self.detector.detect_raw(chunk)
            waiting = waiting or (not self.detector.frozen_profile and needs_decision(raw))
            if waiting:
                yield chunk, None, counts, raw
            else:
                yield chunk, self.apply(chunk, Detector.resolve(raw, self.detector.profile)), counts, None

    def replay_each(self, held: Iterable[tuple[Chunk, pa.Table | None]], profile: NirProfile
                    ) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """See :class:`ChunkRewriter`."""
        for chunk, raw in held:
            if raw is None:
                raw, _ = self.detector.detect_raw(chunk)
            yield chunk, self.apply(chunk, Detector.resolve(raw, profile), profile)

    def apply(self, chunk: Chunk, findings: pa.Table, profile: NirProfile | None = None) -> ChunkEdits:
        """Replacements of the ``findings`` (with their ``value`` column) of ``chunk``.

        Then, when the NER model takes part, the cells rewritten inside (spans in free text) are scanned again,
        up to :data:`RESCANS` times, and what a fresh scan finds there outside the pseudonyms is replaced too: a
        first name left beside the token of a surname the model took alone, ``Appel de Claudine NAME_…``.
        Entities whose operator writes a value of the entity (:data:`WRITES_ITS_ENTITY`) are not looked for
        again. ``profile`` decides NIRs found on the way (default: the detector's). The rules alone leave
        nothing a second pass finds (no output changed on the generated table nor on the third-party texts)
        and the pass cost a third of the time: without the model there is none.
        """
        out = self._apply(chunk, findings)
        for _ in range(RESCANS if self.detector.options.ner else 0):
            if not self._rescan(chunk, out, self.detector.profile if profile is None else profile):
                break
        self._rekey(chunk, out)
        return out

    def _apply(self, chunk: Chunk, findings: pa.Table) -> ChunkEdits:
        out = ChunkEdits(text=chunk.text, part=chunk.part)
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
        return out

    def _rescan(self, chunk: Chunk, out: ChunkEdits, profile: NirProfile) -> bool:
        """Replace what a fresh scan finds in the cells rewritten inside; whether anything was."""
        by_name = {column.name: column for column in chunk.columns}
        columns: list[CellColumn] = []
        cells: dict[str, np.ndarray] = {}
        for path, edit in out.columns.items():
            whole = np.concatenate([np.asarray(c) for c in edit.whole.values()]) if edit.whole else np.zeros(0, int)
            inside = np.setdiff1d(edit.changed, whole)
            if len(inside) == 0 or not _is_text(edit.values.type):
                continue
            index = pa.array(inside)
            columns.append(CellColumn(path, _plain(edit.values).take(index), by_name[path].rows.take(index)))
            cells[path] = inside
        if not columns:
            return False
        rows = pc.unique(pa.concat_arrays([c.rows for c in columns])).sort()
        again = Chunk(columns=columns, rows=rows, text=chunk.text, part=chunk.part)  # a window: its text only
        raw, _ = self.detector.detect_raw(again)
        found = Detector.resolve(raw, profile)
        # what an operator writes on purpose (a value kept or masked, a generalised date, an fpe NIR) would be
        # found again: those entities are not looked for again
        written = [e for e in pc.unique(found["entity"]).to_pylist()
                   if self.policy.operator(e).name in WRITES_ITS_ENTITY]
        if written:
            found = found.filter(pc.invert(pc.is_in(found["entity"], pa.array(written, pa.string()))))
        found = outside_tokens(found, cell_texts(again, found))
        if found.num_rows == 0:
            return False
        more = self._apply(again, found)
        for path, edit in more.columns.items():
            target = out.columns[path]
            inside = cells[path]
            target.values = _put(target.values, inside, edit.values)
            target.positions = np.concatenate([target.positions, inside[edit.positions]])
            target.entities.update(edit.entities)
        out.replaced.update(more.replaced)
        return bool(more.columns)
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
        per_entity = Counter(dict(_counts(findings)))
        counts.update(per_entity)
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
        integral = _integral_parts(values, positions, starts, ends, entities) if pa.types.is_string(values.type) \
            else {}
        new = self._without_fractions(new, integral)
        if pa.types.is_dictionary(kind):
            new = new.dictionary_encode().cast(kind)
        return ColumnEdit(column.name, new, positions, whole, per_entity, integral)

    def _without_fractions(self, new: pa.Array, integral: dict[str, np.ndarray]) -> pa.Array:
        """``new`` where the number of an ``integral`` cell was replaced by a pseudonym that is no number: its zero
        fraction dropped (``NIR_….0`` would not join with the ``NIR_…`` of the same NIR written as an integer);
        ``fpe`` keeps it, to stay the number it was."""
        for entity, cells in integral.items():
            if self.policy.operator(entity).name in ("fpe", "keep"):
                continue
            mask = np.zeros(len(new), dtype=bool)
            mask[cells] = True
            stripped = pc.replace_substring_regex(new.take(pa.array(cells)), r"\.0+$", "")
            new = pc.replace_with_mask(new, pa.array(mask), stripped)
        return new

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
            span_values = findings["value"].take(pa.array(picked)).combine_chunks()
            tokens = self._span_tokens(span_values, codes[picked], names)
            new = self._replace_spans(new, positions[picked], starts[picked], ends[picked], span_values, tokens)
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

    def _span_tokens(self, values: pa.Array, codes: np.ndarray, names: list[str]) -> pa.Array:
        """The replacement of each span: per entity, its distinct values once, expanded with ``take``."""
        parts, order = [], []
        for code in np.unique(codes).tolist():
            members = np.flatnonzero(codes == code)
            encoded = values.take(pa.array(members)).dictionary_encode()
            distinct = self.policy.operator(names[code]).apply_span(encoded.dictionary.to_pylist())
            parts.append(pa.array(distinct, pa.string()).take(encoded.indices))
            order.append(members)
        return pa.concat_arrays(parts).take(pa.array(np.argsort(np.concatenate(order))))

    @staticmethod
    def _replace_spans(new: pa.Array, positions: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                       span_values: pa.Array, tokens: pa.Array) -> pa.Array:
        """Spans replaced inside their cells, in one pass per cell; the text around them kept as it is."""
        order = np.lexsort((starts, positions))  # by cell, then left to right
        cells, first = np.unique(positions[order], return_index=True)
        texts = new.take(pa.array(cells)).to_pylist()
        bounds = [*first.tolist(), len(order)]
        starts_, ends_ = starts.tolist(), ends.tolist()
        values, replacements = span_values.to_pylist(), tokens.to_pylist()
        for j, cell in enumerate(texts):
            # one pass over the cell: the pieces between spans and the tokens, joined once
            pieces: list[str] = []
            at = 0
            for i in order[bounds[j] : bounds[j + 1]].tolist():
                start, end = starts_[i], ends_[i]
                if start < at:
                    continue  # overlaps the span before (the detector settles overlaps: not met)
                token = replacements[i]
                if not token.isdigit() and values[i].isdigit() and _bare_json_number(cell, start, end):
                    token = json.dumps(token)  # "nir": 1850578... in a JSON payload stays valid JSON
                pieces += (cell[at:start], token)
                at = end
            pieces.append(cell[at:])
            texts[j] = "".join(pieces)
        mask = np.zeros(len(new), dtype=bool)
        mask[cells] = True
        return pc.replace_with_mask(new, pa.array(mask), pa.array(texts, new.type))


def outside_tokens(findings: pa.Table, texts: list[str | None]) -> pa.Table:
    """``findings`` trimmed to what lies outside pseudonyms in their cells (``texts``, one per finding).

    A finding inside a token (``PERSON`` in ``nom=PERSON_k3x7…``), or around nothing but tokens, blanks,
    punctuation and a civility (``Mme PERSON_k3x7…``), is no identifier and is dropped; one that covers a
    token and a word (``Claudine PERSON_k3x7…``) keeps the word. ``value`` (and ``preview``) follow.
    """
    if findings.num_rows == 0:
        return findings
    civility = pc.match_substring_regex(pc.utf8_trim_whitespace(findings["value"]), _CIVILITY_RE2)
    tokens = [text is not None and PSEUDONYM_RE.search(text) is not None for text in texts]
    if not any(tokens) and not pc.any(civility).as_py():
        return findings
    out = []
    for finding, text, has_tokens, alone in zip(findings.to_pylist(), texts, tokens, civility.to_pylist()):
        if not has_tokens:
            if not alone:
                out.append(finding)
            continue
        assert text is not None
        for start, end in _pieces(text, finding["start"], finding["end"]):
            piece = dict(finding, start=start, end=end)
            if "value" in piece:
                piece["value"] = text[start:end]
            if piece.get("preview"):
                piece["preview"] = masked(piece["entity"], text[start:end])
            out.append(piece)
    return pa.Table.from_pylist(out, schema=findings.schema)


def cell_texts(chunk: Chunk, findings: pa.Table) -> list[str | None]:
    """The text of the cell of each finding (``None`` where ``chunk`` does not hold it: late findings)."""
    out: list[str | None] = [None] * findings.num_rows
    if findings.num_rows == 0 or not chunk.columns:
        return out
    by_name = {column.name: column for column in chunk.columns}
    names = findings["column"].to_pylist()
    for name in set(names):
        column = chunk.columns[0] if name is None else by_name.get(name)
        if column is None or not _is_text(column.values.type):
            continue
        which = np.array([i for i, n in enumerate(names) if n == name])
        positions = _positions(column.rows, findings["row"].take(pa.array(which)))
        for i, text in zip(which.tolist(), _plain(column.values).take(pa.array(positions)).to_pylist()):
            out[i] = text
    return out


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of ``text[start:end]`` outside pseudonyms that hold a letter or a digit and are not a civility."""
    tokens = [m.span() for m in PSEUDONYM_RE.finditer(text) if m.start() < end and start < m.end()]
    bounds, position = [], start
    for token_start, token_end in tokens:
        if token_start > position:
            bounds.append((position, token_start))
        position = max(position, token_end)
    if position < end:
        bounds.append((position, end))
    out = []
    for a, b in bounds:
        piece = text[a:b]
        left = len(piece) - len(piece.lstrip(_EDGE))
        right = len(piece.rstrip(_EDGE))
        word = piece[left:right]
        if word and any(c.isalnum() for c in word) and not _CIVILITY.match(word):
            out.append((a + left, a + right))
    return out


#: What a piece of a finding is trimmed of: blanks and punctuation.
_EDGE = " \t\n\u00a0,;:.!?()[]{}\"'«»-–—/"
#: A civility or title alone, which is no name (``Mme``, ``M.``, ``Dr``).
_CIVILITIES = "m|mme|mmes|mlle|mlles|mr|mrs|ms|dr|pr|me|monsieur|madame|mademoiselle|docteur|professeur"
_CIVILITY = re.compile(rf"(?i)(?:{_CIVILITIES})\.?$")
_CIVILITY_RE2 = rf"^(?i:{_CIVILITIES})\.?$"


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def _plain(values: pa.Array) -> pa.Array:
    """A text array as plain strings (dictionaries decoded, views cast)."""
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_string_view(values.type):
        values = values.cast(pa.string())
    return values


def _put(values: pa.Array, positions: np.ndarray, new: pa.Array) -> pa.Array:
    """``values`` with the cells at ``positions`` replaced by ``new`` (text), in ``values``' own type."""
    plain = _plain(values)
    mask = np.zeros(len(plain), dtype=bool)
    mask[positions] = True
    merged = pc.replace_with_mask(plain, pa.array(mask), new.cast(plain.type))
    if pa.types.is_dictionary(values.type):
        return merged.dictionary_encode().cast(values.type)
    return merged if merged.type == values.type else merged.cast(values.type)
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


def _integral_parts(values: pa.Array, positions: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                    entities: pa.DictionaryArray) -> dict[str, np.ndarray]:
    """Per entity, the cells (of ``positions``) written as a number with a zero fraction whose integer part is
    the finding: ``185057800608491.0``."""
    opening = np.flatnonzero(starts == 0)
    if not len(opening):
        return {}
    cells = values.take(pa.array(positions[opening]))
    shaped = pc.fill_null(pc.match_substring_regex(cells, r"^[0-9]+\.0+$"), False).to_numpy(zero_copy_only=False)
    dots = pc.fill_null(pc.find_substring(cells, "."), -1).to_numpy(zero_copy_only=False)
    picked = opening[shaped & (ends[opening] == dots)]
    if not len(picked):
        return {}
    codes = entities.indices.to_numpy(zero_copy_only=False)[picked]
    names = entities.dictionary.to_pylist()
    return {names[code]: np.unique(positions[picked][codes == code]) for code in np.unique(codes).tolist()}
