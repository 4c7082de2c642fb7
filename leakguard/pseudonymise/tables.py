"""Pseudonymisation of Arrow data in memory: one table, or a stream of record batches (the ETL entry point).

* :func:`pseudonymise_table` — a ``pyarrow.Table`` or ``RecordBatch`` in, a ``pyarrow.Table`` out;
* :func:`pseudonymise_batches` — an iterable of record batches in, an iterator of record batches out, one
  batch at a time, so memory stays bounded by a batch on data larger than RAM.

What comes out has the input's schema (names, order, types, nullability, field and schema metadata) and row
count; a column without findings is the very same Arrow array. Whole cells are replaced (an int64 NIR column
gets int64 tokens, a ``date32`` birth date stays a ``date32``), spans inside free text are replaced with the
rest of the text kept, nested struct and list leaves are rebuilt in place (``beneficiary.nir``,
``ayants_droit.0.nir``). See :mod:`leakguard.pseudonymise.rewrite` for the rules and
:mod:`leakguard.pseudonymise.operators` for what each operator writes.

Which NIR-shaped numbers are NIRs is decided per column on the counts of all its values
(:mod:`leakguard.detect.profile`): :func:`pseudonymise_table` sees the whole table. The streaming form writes
each batch as soon as nothing in it waits for such a decision; from the first batch holding a NIR-shaped
number that passes the key without context (in a column not named for NIRs) to the end of the stream, batches
are detected, counted and set aside on disk with their findings (:mod:`leakguard.pseudonymise.spill`), then
rewritten with the final counts: no batch is detected twice.
A stream of named columns only goes through batch by batch; one with a column of invoice numbers or of NIRs
under a meaningless name is given back once it has been read whole (memory: one batch; disk: the held part).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyarrow as pa

from leakguard.detect.profile import NirProfile
from leakguard.frames import ArrowData, as_batches, as_table, like
from leakguard.pseudonymise.operators import Policy
from leakguard.pseudonymise.parallel import ParallelRewriter
from leakguard.pseudonymise.rewrite import ChunkEdits, ChunkRewriter, Rewriter
from leakguard.pseudonymise.spill import Spill
from leakguard.sources import flatten_batch, rebuild_batch, record_indices, table_to_columns
from leakguard.sources.base import Chunk
from leakguard.sources.flatten import check_paths

__all__ = ["pseudonymise_batches", "pseudonymise_table"]


def _policy(key: bytes | Policy, operators: Mapping[str, str] | None) -> Policy:
    if isinstance(key, Policy):
        if operators:
            raise ValueError("give either a Policy or a key with operators, not both")
        return key
    return Policy(key, operators)


def pseudonymise_table(table_or_batch: ArrowData, key: bytes | Policy, *,
                       operators: Mapping[str, str] | None = None, ner: bool = True) -> pa.Table | Any:
    """``table_or_batch`` with every entity found replaced by its operator's output; same schema and rows.

    A ``pyarrow.Table`` or ``RecordBatch`` gives a ``pyarrow.Table``; a pandas or polars DataFrame gives a
    DataFrame of the same library; any other object exporting Arrow data (a DuckDB relation, a record batch
    reader) gives a ``pyarrow.Table`` (:mod:`leakguard.frames`).

    ``key`` is the master key (at least 32 bytes; :func:`leakguard.pseudonymise.load_key`), or a ready
    :class:`~leakguard.pseudonymise.Policy`. ``operators`` overrides the default policy per entity
    (``{"FR_NIR": "fpe", "DATE_OF_BIRTH": "generalise:month"}``). ``ner=False`` skips the NER model (names in
    free text are then found only in name columns and ``nom=...`` pairs).
    """
    policy = _policy(key, operators)
    table = as_table(table_or_batch, what="pseudonymise_table's input")
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if table.num_rows == 0:
        return like(table_or_batch, table)
    rows = record_indices(0, table.num_rows)
    edits = Rewriter(policy, ner=ner).edits(Chunk(columns=table_to_columns(table), rows=rows))
    return like(table_or_batch, apply_to_table(table, edits))


def apply_to_table(table: pa.Table, edits: ChunkEdits) -> pa.Table:
    """``table`` with the edits of its flattened columns put back; untouched columns kept as they are."""
    if not edits.columns:
        return table
    names = table.schema.names
    touched: dict[int, dict[str, pa.Array]] = {}
    check_paths(table.schema, edits.replacements())
    for path, values in edits.replacements().items():
        touched.setdefault(_top_level(path, names), {})[path] = values
    for i, replacements in sorted(touched.items()):
        field = table.schema.field(i)
        column = table.column(i).combine_chunks()
        single = pa.RecordBatch.from_arrays([column], schema=pa.schema([field]))
        rebuilt = rebuild_batch(single, replacements).column(0)
        if rebuilt.type != field.type:
            rebuilt = rebuilt.cast(field.type)
        table = table.set_column(i, field, rebuilt)
    return table


def _top_level(path: str, names: list[str]) -> int:
    """Index of the top-level column a flattened ``path`` belongs to (the longest name that prefixes it)."""
    best = -1
    for i, name in enumerate(names):
        if (path == name or path.startswith(name + ".")) and (best < 0 or len(name) > len(names[best])):
            best = i
    if best < 0:
        raise KeyError(f"no column for the path {path!r}")
    return best


def pseudonymise_batches(batches: Iterable[pa.RecordBatch | pa.Table] | ArrowData, key: bytes | Policy, *,
                         operators: Mapping[str, str] | None = None, ner: bool = True,
                         rewriter: Rewriter | None = None, jobs: int = 1) -> Iterator[pa.RecordBatch]:
    """Each batch of a stream pseudonymised, in order, with one detector for the whole stream.

    Same arguments as :func:`pseudonymise_table`; ``batches`` is an iterable of record batches (tables in it
    are taken batch by batch) or any object exporting Arrow data, read batch by batch. Each output
    batch has the schema and length of its input batch, and untouched columns are the same arrays. Pass a
    ``rewriter`` to read its counts (``rewriter.detector``) or share it between calls. ``jobs`` > 1 runs
    detection and operators in that many worker processes (:mod:`leakguard.pseudonymise.parallel`), with the
    same output; worth it for streams of several batches of tens of thousands of rows.
    """
    batches = as_batches(batches, what="pseudonymise_batches' input")
    if jobs > 1 and rewriter is None:
        with ParallelRewriter(_policy(key, operators), ner=ner, jobs=jobs) as parallel:
            yield from rewrite_batches(parallel, batches)
        return
    yield from rewrite_batches(rewriter or Rewriter(_policy(key, operators), ner=ner), batches)


def rewrite_batches(rewriter: ChunkRewriter, batches: Iterable[pa.RecordBatch | pa.Table]) -> Iterator[pa.RecordBatch]:
    """The batches of a stream rewritten by ``rewriter`` (a :class:`Rewriter`, or a running
    :class:`~leakguard.pseudonymise.parallel.ParallelRewriter` kept for several streams), in order.

    Batches are written as they come until one holds a number waiting for its column's decision; from there
    they are spilled with their findings, and rewritten once the stream has ended (module docstring).
    """
    profile = NirProfile()
    with contextlib.ExitStack() as stack:
        spill: Spill | None = None
        held_from = 0
        for chunk, edits, counts, raw in rewriter.tentative_each(_chunks(batches)):
            assert chunk.batch is not None
            profile.merge(counts)
            if edits is not None:
                yield rebuild_batch(chunk.batch, edits.replacements())
                continue
            if spill is None:
                spill = stack.enter_context(Spill())
                held_from = chunk.rows[0].as_py() if len(chunk.rows) else 0
            spill.put(chunk.batch, raw)
        if spill is not None:
            for chunk, edits in rewriter.replay_each(_held_chunks(spill, held_from), profile):
                assert chunk.batch is not None
                yield rebuild_batch(chunk.batch, edits.replacements())


def _held_chunks(spill: Spill, offset: int) -> Iterator[tuple[Chunk, pa.Table | None]]:
    """The chunks of the batches held in ``spill`` (the first one's rows start at ``offset``), each with the
    findings detected in it before the decision (or ``None``)."""
    for batch, raw in spill.batches():
        (chunk,) = _chunks([batch], offset)
        offset += batch.num_rows
        yield chunk, raw


def _chunks(batches: Iterable[pa.RecordBatch | pa.Table], offset: int = 0) -> Iterator[Chunk]:
    for item in batches:
        for batch in item.to_batches() if isinstance(item, pa.Table) else (item,):
            rows = record_indices(offset, batch.num_rows)
            offset += batch.num_rows
            # an empty batch goes through as a chunk without columns (nothing to detect)
            yield Chunk(columns=flatten_batch(batch, rows) if batch.num_rows else [], rows=rows, batch=batch)
