"""Nested Arrow data as flat cell columns, and back.

The detector sees every value of a table as a :class:`CellColumn`: a column of primitive values (strings,
dictionary-encoded strings, integers, floats, booleans, dates, timestamps) with the record index of each
value. Nested data is flattened by path:

* a struct field is ``parent.child`` (``beneficiary.nir``); a null struct makes its fields null;
* a list (also large, fixed-size lists and maps, whose elements are ``key``/``value`` structs) gives one
  column per position present, ``phones.0``, ``phones.1``, ``ayants_droit.0.nir``; the values at position
  *k* are those of the lists longer than *k*, and their ``rows`` repeat the index of the record they belong
  to; null and empty lists give nothing;
* columns of the ``null`` type hold nothing and give no column.

Flattening is vectorised (``StructArray.flatten``, list offsets through numpy, ``take``): no Python loop runs
per cell, only per column and per list position.

:func:`rebuild_batch` is the inverse writers need: given replacement arrays for some flattened paths, it
rebuilds the batch with the same schema (or the replacement's type for a whole top-level or struct leaf), and
every column or struct field that was not replaced is the very same array object. A path that names two
leaves (a column name given twice, or a dotted name that is also a nested field's path: ``a.b`` beside a
struct ``a`` with a field ``b``) flattens their cells into one column, which cannot be put back: it raises
:class:`SharedPath` rather than write one leaf's values into the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from leakguard.sources.base import CellColumn


def record_indices(start: int, count: int) -> pa.Array:
    """int64 record indices ``start, start + 1, ..., start + count - 1``."""
    return pa.array(np.arange(start, start + count, dtype=np.int64))


def table_to_columns(table_or_batch: pa.Table | pa.RecordBatch, row_offset: int = 0) -> list[CellColumn]:
    """Every cell of an in-memory table or batch, flattened; record indices start at ``row_offset``."""
    if isinstance(table_or_batch, pa.RecordBatch):
        return flatten_batch(table_or_batch, record_indices(row_offset, table_or_batch.num_rows))
    table = table_or_batch
    batches = table.to_batches()
    if not batches:
        schema = table.schema
        empty = pa.RecordBatch.from_arrays([pa.array([], type=f.type) for f in schema], schema=schema)
        return flatten_batch(empty, record_indices(row_offset, 0))
    merged: dict[str, list[CellColumn]] = {}
    start = row_offset
    for batch in batches:
        for column in flatten_batch(batch, record_indices(start, batch.num_rows)):
            merged.setdefault(column.name, []).append(column)
        start += batch.num_rows
    return [
        parts[0]
        if len(parts) == 1
        else CellColumn(
            name,
            pa.concat_arrays([p.values for p in parts]),
            pa.concat_arrays([p.rows for p in parts]),
        )
        for name, parts in merged.items()
    ]


def flatten_batch(batch: pa.RecordBatch, rows: pa.Array) -> list[CellColumn]:
    """The cell columns of ``batch``, whose row *i* is record ``rows[i]`` (int64)."""
    if len(rows) != batch.num_rows:
        raise ValueError(f"rows has {len(rows)} values for a batch of {batch.num_rows} rows")
    out: list[CellColumn] = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        flatten_array(name, column, rows, out)
    return out


def flatten_array(name: str, array: pa.Array, rows: pa.Array, out: list[CellColumn]) -> None:
    """Append the cell columns of ``array`` (named ``name``, row *i* in record ``rows[i]``) to ``out``."""
    kind = array.type
    if pa.types.is_struct(kind):
        for field, child in zip(kind, array.flatten(), strict=True):
            flatten_array(f"{name}.{field.name}", child, rows, out)
    elif _is_list(kind):
        layout = ListLayout.of(array)
        for position, index, parent in layout.positions():
            flatten_array(
                f"{name}.{position}",
                layout.values.take(pa.array(index)),
                rows.take(pa.array(parent)),
                out,
            )
    elif not pa.types.is_null(kind):
        out.append(CellColumn(name, array, rows))


def _is_list(kind: pa.DataType) -> bool:
    return (
        pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_fixed_size_list(kind)
        or pa.types.is_map(kind)
    )


@dataclass
class ListLayout:
    """Where the elements of a list array are: its child values and, for each live element, its place."""

    #: the child values covering the array's lists (values under null lists included, but never live)
    values: pa.Array
    #: offsets into ``values``, one per list plus one, from 0
    offsets: np.ndarray
    #: positions in ``values`` of the elements of non-null lists
    index: np.ndarray
    #: for each of them, the list (row) it belongs to, and its position in that list
    parent: np.ndarray
    position: np.ndarray

    @classmethod
    def of(cls, array: pa.Array) -> ListLayout:
        count = len(array)
        if pa.types.is_fixed_size_list(array.type):
            size = array.type.list_size
            values = array.values.slice(array.offset * size, count * size)
            offsets = np.arange(count + 1, dtype=np.int64) * size
        else:
            absolute = np.asarray(array.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
            values = array.values.slice(int(absolute[0]), int(absolute[-1] - absolute[0]))
            offsets = absolute - absolute[0]
        lengths = np.diff(offsets)
        parent = np.repeat(np.arange(count, dtype=np.int64), lengths)
        position = np.arange(len(values), dtype=np.int64) - np.repeat(offsets[:-1], lengths)
        index = np.arange(len(values), dtype=np.int64)
        if array.null_count:
            live = np.repeat(np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool), lengths)
            index, parent, position = index[live], parent[live], position[live]
        return cls(values, offsets, index, parent, position)

    def positions(self) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """For each list position *k* present: *k*, the value indices and the parent rows, in row order."""
        if not len(self.position):
            return
        order = np.argsort(self.position, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(self.position))])
        for position in range(len(bounds) - 1):
            chosen = order[bounds[position] : bounds[position + 1]]
            yield position, self.index[chosen], self.parent[chosen]


class SharedPath(ValueError):
    """A replaced path names two leaves of the batch (see the module docstring)."""


def rebuild_batch(batch: pa.RecordBatch, replacements: Mapping[str, pa.Array]) -> pa.RecordBatch:
    """``batch`` with the leaves at the flattened paths of ``replacements`` replaced.

    A replacement has the length of the :class:`CellColumn` of its path (the batch's length for a top-level
    column or a struct field, the number of lists long enough for a list position). Columns and struct
    fields not on a replaced path are the very same arrays; the schema keeps its metadata. A whole column
    or struct field may change type; a list element must keep its type (the replacement is cast to it).
    """
    if not replacements:
        return batch
    check_paths(batch.schema, replacements)
    names = batch.schema.names
    groups = _group_by_name(names, replacements)
    arrays = list(batch.columns)
    schema = batch.schema
    for i, name in enumerate(names):
        if name in groups:
            arrays[i] = _rebuild(arrays[i], groups.pop(name), name)
            if arrays[i].type != schema.field(i).type:
                schema = schema.set(i, schema.field(i).with_type(arrays[i].type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def check_paths(schema: pa.Schema, paths: Iterable[str]) -> None:
    """Raise :class:`SharedPath` if one of the flattened ``paths`` names two leaves of ``schema``."""
    fields = [(field.name, field.type) for field in schema]
    if any(_leaves_at(path, fields) > 1 for path in paths):
        raise SharedPath(
            "two columns or fields have one flattened path (a column name given twice, or a dotted "
            "name that is also a nested field's path), so their values cannot be told apart; "
            "rename one of them"
        )


def _leaves_at(path: str, fields: Iterable[tuple[str, pa.DataType]]) -> int:
    """How many of the leaves under ``fields`` (name, type) the flattened ``path`` may designate."""
    count = 0
    for name, kind in fields:
        if path == name:
            count += 1
        elif path.startswith(name + "."):
            count += _leaves_within(path[len(name) + 1 :], kind)
    return count


def _leaves_within(path: str, kind: pa.DataType) -> int:
    """How many leaves of a value of type ``kind`` the flattened ``path`` below it may designate."""
    if pa.types.is_struct(kind):
        return _leaves_at(path, [(field.name, field.type) for field in kind])
    if not _is_list(kind):
        return 0
    position, _, inner = path.partition(".")
    if not position.isdigit():
        return 0
    if not inner:
        return 1
    element = pa.struct([kind.key_field, kind.item_field]) if pa.types.is_map(kind) else kind.value_type
    return _leaves_within(inner, element)


def _group_by_name(names: Iterable[str], paths: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """Split each path into the longest matching ``name`` and the rest (``""`` for the name itself)."""
    known = sorted(set(names), key=len, reverse=True)
    groups: dict[str, dict[str, object]] = {}
    for path, value in paths.items():
        for name in known:
            if path == name or path.startswith(name + "."):
                groups.setdefault(name, {})[path[len(name) + 1 :]] = value
                break
        else:
            raise KeyError(f"no column or field for the path {path!r}")
    return groups


def _rebuild(array: pa.Array, replacements: Mapping[str, object], where: str) -> pa.Array:
    if "" in replacements:
        if len(replacements) > 1:
            raise ValueError(f"{where}: a column and one of its fields cannot both be replaced")
        new = replacements[""]
        if isinstance(new, pa.ChunkedArray):
            new = new.combine_chunks()
        if not isinstance(new, pa.Array):
            raise TypeError(f"{where}: the replacement must be a pyarrow Array")
        if len(new) != len(array):
            raise ValueError(f"{where}: the replacement has {len(new)} values instead of {len(array)}")
        return new
    kind = array.type
    if pa.types.is_struct(kind):
        groups = _group_by_name([f.name for f in kind], replacements)
        children, fields = [], []
        for i, field in enumerate(kind):
            child = array.field(i)
            if field.name in groups:
                child = _rebuild(child, groups[field.name], f"{where}.{field.name}")
                if child.type != field.type:
                    field = field.with_type(child.type)
            children.append(child)
            fields.append(field)
        return pa.StructArray.from_arrays(children, fields=fields, mask=_null_mask(array))
    if _is_list(kind):
        return _rebuild_list(array, replacements, where)
    raise KeyError(f"{where}: no nested field {next(iter(replacements))!r} in a {kind} column")


def _null_mask(array: pa.Array) -> pa.Array | None:
    return array.is_null() if array.null_count else None


def _rebuild_list(array: pa.Array, replacements: Mapping[str, object], where: str) -> pa.Array:
    by_position: dict[int, dict[str, object]] = {}
    for path, value in replacements.items():
        head, _, rest = path.partition(".")
        if not head.isdigit():
            raise KeyError(f"{where}: {path!r} does not start with a list position")
        by_position.setdefault(int(head), {})[rest] = value
    layout = ListLayout.of(array)
    present = {position: index for position, index, _ in layout.positions()}
    values = layout.values
    for position, sub in sorted(by_position.items()):
        index = present.get(position, np.empty(0, dtype=np.int64))
        part = values.take(pa.array(index, type=pa.int64()))
        new_part = _rebuild(part, sub, f"{where}.{position}")
        values = _scatter(values, index, new_part, sub.keys())
    kind = array.type
    if values.type != layout.values.type:
        raise TypeError(f"{where}: list elements must keep their type {layout.values.type}")
    mask = _null_mask(array)
    if pa.types.is_fixed_size_list(kind):
        return pa.FixedSizeListArray.from_arrays(values, type=kind, mask=mask)
    if pa.types.is_map(kind):
        offsets = pa.array(layout.offsets, type=pa.int32())
        return pa.MapArray.from_arrays(offsets, values.field(0), values.field(1), type=kind, mask=mask)
    if pa.types.is_large_list(kind):
        offsets = pa.array(layout.offsets, type=pa.int64())
        return pa.LargeListArray.from_arrays(offsets, values, type=kind, mask=mask)
    return pa.ListArray.from_arrays(pa.array(layout.offsets, type=pa.int32()), values, type=kind, mask=mask)


def _scatter(base: pa.Array, index: np.ndarray, patch: pa.Array, paths: Iterable[str]) -> pa.Array:
    """``base`` with ``base[index[j]] = patch[j]``, rewriting only the struct fields on ``paths``."""
    paths = list(paths)
    if "" in paths or not pa.types.is_struct(base.type):
        return _scatter_leaf(base, index, patch)
    groups = _group_by_name([f.name for f in base.type], dict.fromkeys(paths))
    children = []
    for i, field in enumerate(base.type):
        child = base.field(i)
        if field.name in groups:
            child = _scatter(child, index, patch.field(i), groups[field.name].keys())
        children.append(child)
    return pa.StructArray.from_arrays(children, fields=list(base.type), mask=_null_mask(base))


def _scatter_leaf(base: pa.Array, index: np.ndarray, patch: pa.Array) -> pa.Array:
    if patch.type != base.type:
        try:
            patch = patch.cast(base.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise TypeError(f"list elements must keep their type {base.type}, got {patch.type}") from error
    if not len(index):
        return base
    take = np.arange(len(base), dtype=np.int64)
    take[index] = len(base) + np.arange(len(index), dtype=np.int64)
    return pa.concat_arrays([base, patch]).take(pa.array(take))
