"""A Parquet file's names and metadata pseudonymised: column names, key-value metadata, field metadata.

A column named ``col_185057800608491`` or a metadata entry ``"export": "patient 1850…"`` leaks like a cell.
:func:`rewrite_schema` finds the identifiers in every field name (nested struct fields included), in every
key and value of the file's key-value metadata and of each field's metadata (:mod:`leakguard.detect.names`:
the names of the file profiled together), and replaces them with the policy's operators, spans inside a
name as spans inside a text. One value gets one replacement everywhere: the column ``col_1850…`` and the
mention of that name in the ``pandas`` metadata both become ``col_NIR_…``, so pandas still finds its columns.

A name must stay a name: a whole name replaced by nothing (``redact``) becomes ``[REDACTED]``, and two
columns that would end with the same name stop the run (:class:`DuplicateNames`). ``ARROW:schema``, the
writer's serialised copy of the schema, is dropped: the writer makes a new one from the rewritten schema.
:func:`conform` gives a batch the rewritten names of its nested fields (a zero-copy view).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.names import index
from leakguard.pseudonymise.operators import REDACTED, OperatorProblem
from leakguard.pseudonymise.operators.base import is_text
from leakguard.pseudonymise.rewrite import ChunkEdits, Rewriter
from leakguard.sources import record_indices
from leakguard.sources.base import CellColumn, Chunk
from leakguard.sources.structure import SKIPPED_METADATA

_NAMES = "\x00names"


class DuplicateNames(OperatorProblem):
    """Two fields of one struct (or the file) would get the same name after pseudonymisation."""


def rewrite_schema(schema: pa.Schema, rewriter: Rewriter) -> tuple[pa.Schema, ChunkEdits]:
    """``schema`` with the identifiers in its names and metadata replaced, and what was replaced."""
    texts = list(dict.fromkeys(_texts(schema)))
    new, edits = rewrite_texts(texts, rewriter)
    if not edits.columns:
        return _without_arrow_schema(schema), edits
    replaced = dict(zip(texts, new, strict=True))
    fields = _fields(list(schema), replaced, "the file")
    return pa.schema(fields, metadata=_metadata(schema.metadata, replaced)), edits


def rewrite_texts(texts: list[str], rewriter: Rewriter) -> tuple[list[str], ChunkEdits]:
    """Each text with the identifiers found in it (as a name) replaced by the rewriter's policy."""
    if not texts:
        return texts, ChunkEdits()
    findings = index().findings([(_NAMES, text) for text in texts], rewriter.detector.options, rows=True)
    rows = record_indices(0, len(texts))
    chunk = Chunk([CellColumn(_NAMES, pa.array(texts, pa.string()), rows)], rows)
    edits = rewriter.apply(chunk, findings)
    edit = edits.columns.get(_NAMES)
    if edit is None:
        return texts, edits
    new = [text or REDACTED for text in edit.values.to_pylist()]
    return new, edits


def _texts(schema: pa.Schema) -> Iterator[str]:
    yield from _metadata_texts(schema.metadata)
    for field in schema:
        yield from _field_texts(field)


def _metadata_texts(metadata: dict[bytes, bytes] | None) -> Iterator[str]:
    for key, value in (metadata or {}).items():
        if key in SKIPPED_METADATA:
            continue
        for data in (key, value):
            text = _text(data)
            if text is not None:
                yield text


def _field_texts(field: pa.Field) -> Iterator[str]:
    yield field.name
    yield from _metadata_texts(field.metadata)
    for child in _child_fields(field.type):
        yield from _field_texts(child)


def _child_fields(kind: pa.DataType) -> list[pa.Field]:
    if pa.types.is_struct(kind):
        return list(kind)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return _child_fields(kind.value_type)
    return []


def _fields(fields: list[pa.Field], replaced: dict[str, str], owner: str) -> list[pa.Field]:
    out = [field.with_name(replaced.get(field.name, field.name)).with_type(_type(field.type, replaced, field.name))
           .with_metadata(_metadata(field.metadata, replaced)) for field in fields]
    names = [field.name for field in out]
    if len(set(names)) < len(names):
        raise DuplicateNames(f"two columns of {owner} would have the same name once pseudonymised; "
                             "rename them first")
    return out


def _type(kind: pa.DataType, replaced: dict[str, str], owner: str) -> pa.DataType:
    if pa.types.is_struct(kind):
        return pa.struct(_fields(list(kind), replaced, f"column {owner}"))
    if pa.types.is_list(kind):
        return pa.list_(kind.value_field.with_type(_type(kind.value_type, replaced, owner)))
    if pa.types.is_large_list(kind):
        return pa.large_list(kind.value_field.with_type(_type(kind.value_type, replaced, owner)))
    if pa.types.is_fixed_size_list(kind):
        return pa.list_(kind.value_field.with_type(_type(kind.value_type, replaced, owner)), kind.list_size)
    return kind


def _metadata(metadata: dict[bytes, bytes] | None, replaced: dict[str, str]) -> dict[bytes, bytes] | None:
    if not metadata:
        return metadata
    out: dict[bytes, bytes] = {}
    for key, value in metadata.items():
        if key in SKIPPED_METADATA:
            continue
        key_text, value_text = _text(key), _text(value)
        new_key = key if key_text is None else replaced.get(key_text, key_text).encode("utf-8")
        out[new_key] = value if value_text is None else replaced.get(value_text, value_text).encode("utf-8")
    return out


def _without_arrow_schema(schema: pa.Schema) -> pa.Schema:
    metadata = schema.metadata
    if metadata and any(key in SKIPPED_METADATA for key in metadata):
        return schema.with_metadata({k: v for k, v in metadata.items() if k not in SKIPPED_METADATA})
    return schema


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` under ``schema`` (same types but for field names): nested names renamed by a zero-copy view;
    cells ``redact`` emptied (nulls) in a column that allows none are empty strings."""
    columns = [_non_null(column, field) if column.null_count and not field.nullable else column
               for column, field in zip(batch.columns, schema, strict=True)]
    columns = [column if column.type == field.type else column.view(field.type)
               for column, field in zip(columns, schema, strict=True)]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _non_null(column: pa.Array, field: pa.Field) -> pa.Array:
    """``column`` with its nulls (cells ``redact`` emptied) as empty strings; a column of another type that
    allows no null cannot be emptied."""
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if not is_text(kind):
        raise OperatorProblem(f"redact cannot empty the column {field.name!r} ({field.type}, no null allowed); "
                              "choose token, hmac or fpe for its entity")
    return pc.fill_null(column, "")


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
