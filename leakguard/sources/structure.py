"""What a file says outside its records: its column names and, for Parquet, its key-value and field metadata.

:func:`named_texts` lists them as ``(column, text)`` pairs, the ``column`` being the location a finding in
``text`` reports (:mod:`leakguard.detect.names`): the column for a column name (a nested field's dotted
path, its text being the field's own name), ``<metadata:KEY>`` / ``<metadata key>`` for the file's key-value
metadata, and the same after the column's name for a field's metadata. Parquet names and metadata come from
the schema (so a file without rows has them too); the other formats' column names are those of the chunks
read (a CSV header, JSON keys).

``ARROW:schema`` is skipped: it is the Arrow schema serialised by the writer (the names and metadata listed
here, again) and is written anew with every file. Metadata that is not UTF-8 text is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa

from leakguard.detect.names import metadata_location
from leakguard.sources.base import SourceInfo

#: Key-value metadata that is not scanned: the writer's serialised copy of the schema.
SKIPPED_METADATA = (b"ARROW:schema",)


def named_texts(info: SourceInfo, columns: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``(column, text)`` for every name and metadata text of the file ``info`` describes."""
    if info.schema is not None:
        out = list(metadata_texts(info.schema.metadata))
        for field in info.schema:
            out.extend(_field_texts(field, field.name))
        return out
    return [(name, name) for name in columns]


def metadata_texts(metadata: dict[bytes, bytes] | None, column: str | None = None) -> Iterator[tuple[str, str]]:
    """``(location, text)`` of each key and value of key-value ``metadata`` (of ``column``'s field, if given)."""
    for raw_key, raw_value in (metadata or {}).items():
        if raw_key in SKIPPED_METADATA:
            continue
        key = _text(raw_key)
        if key is None:
            continue
        yield metadata_location(None, column), key
        value = _text(raw_value)
        if value is not None:
            yield metadata_location(key, column), value


def _field_texts(field: pa.Field, path: str) -> Iterator[tuple[str, str]]:
    yield path, field.name  # a nested field's own name: offsets are in it
    yield from metadata_texts(field.metadata, path)
    yield from _children(field.type, path)


def _children(kind: pa.DataType, path: str) -> Iterator[tuple[str, str]]:
    """The named fields inside a struct, or inside the elements of a list (``path.*.child``)."""
    if pa.types.is_struct(kind):
        for child in kind:
            yield from _field_texts(child, f"{path}.{child.name}")
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        yield from _children(kind.value_type, f"{path}.*")


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
