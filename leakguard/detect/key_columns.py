"""NIRs split over two columns — 13 characters in one, the key in the next — found by content, not only by name.

Exports often write the NIR without its key (``nir13``, ``nirsanscle``, ``NIR sans clé``) and the 2-digit key
in a column of its own (``cle``, ``Clé``). A column *name* says so only sometimes; the *content* always does:
a key column holds, on (nearly) every row, the key computed from the body column's value on that row
(:func:`recognizers.nir.body_key_array`). A random 2-digit value equals that key once in 97, so a column pair
matching on at least :data:`MIN_SHARE` of its rows, and on at least :data:`MIN_ROWS` rows, holds NIRs: the
chance of 3 matches out of 3 random rows is 10^-6, of 90% of 100 rows astronomically small.

:func:`nir_key_columns` finds such pairs in a chunk; the detector treats each body column as named for NIRs
(its 13-character cells are then reported as ``FR_NIR``), and the format-preserving pseudonymiser rewrites
the key column to the new bodies' keys (:mod:`leakguard.pseudonymise.rekey`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.sources.base import CellColumn
from recognizers import nir

#: Share of the rows with a body and a key where the key must match the body's.
MIN_SHARE = 0.9
#: Rows that must match at least.
MIN_ROWS = 3
#: A key cell: one or two digits, white space around allowed.
KEY_CELL_RE2 = r"^\s*\d{1,2}\s*$"
#: How many cells are looked at first, before a column is examined whole.
_SAMPLE = 64


def key_values(values: pa.Array) -> np.ndarray | None:
    """The key written in each cell (1-97), ``-1`` where none is; ``None`` when the column holds no keys.

    A column holds keys when at least :data:`MIN_SHARE` of its non-empty cells are one or two digits (string
    columns) or integers of 0-99 (integer columns).
    """
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_integer(values.type):
        head = values.slice(0, _SAMPLE)
        if not _mostly(pc.and_(pc.greater_equal(head, 0), pc.less_equal(head, 99)), pc.is_valid(head)):
            return None
        numbers = pc.fill_null(values.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
        present = ~np.asarray(values.is_null().to_numpy(zero_copy_only=False))
        shaped = present & (numbers >= 0) & (numbers <= 99)
    elif pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        head = pc.utf8_trim_whitespace(values.slice(0, _SAMPLE))
        present_head = pc.not_equal(head, "")
        # keys are one or two characters: most columns of a wide table stop here, before any regex pass
        if not _mostly(pc.less_equal(pc.utf8_length(head), 2), present_head) or \
                not _mostly(pc.match_substring_regex(head, KEY_CELL_RE2), present_head):
            return None
        shaped_array = pc.fill_null(pc.match_substring_regex(values, KEY_CELL_RE2), False)
        present = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(values), ""), False).to_numpy(
            zero_copy_only=False)
        shaped = shaped_array.to_numpy(zero_copy_only=False)
        text = pc.if_else(shaped_array, pc.utf8_trim_whitespace(values), "-1")
        numbers = pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)
    else:
        return None
    if present.sum() == 0 or shaped.sum() < MIN_SHARE * present.sum():
        return None
    return np.where(shaped & (numbers >= 1) & (numbers <= 97), numbers, -1)


def _mostly(matches: pa.Array, present: pa.Array) -> bool:
    hits = pc.sum(pc.cast(pc.fill_null(matches, False), pa.int64())).as_py() or 0
    total = pc.sum(pc.cast(pc.fill_null(present, False), pa.int64())).as_py() or 0
    return total > 0 and hits >= MIN_SHARE * total


def body_keys(values: pa.Array) -> np.ndarray | None:
    """The key of each cell that is a NIR body of 13 characters, ``-1`` elsewhere; ``None`` when none is."""
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
            or pa.types.is_integer(values.type)):
        return None
    if not pc.any(pc.match_substring_regex(values.slice(0, _SAMPLE).cast(pa.string()), nir.BODY_RE2)).as_py():
        return None
    keys = pc.fill_null(nir.body_key_array(values.cast(pa.string())), -1).to_numpy(zero_copy_only=False)
    return keys if (keys > 0).any() else None


def nir_key_columns(columns: Sequence[CellColumn]) -> dict[str, str]:
    """``{body column: key column}`` for the column pairs of a chunk that hold NIRs split in two.

    Both columns must cover the same records (a table, a CSV file; in nested JSON, fields of one level).
    """
    keyed = {c.name: k for c in columns if (k := key_values(c.values)) is not None}
    if not keyed:
        return {}
    by_name = {c.name: c for c in columns}
    pairs: dict[str, str] = {}
    for column in columns:
        if column.name in keyed:
            continue
        bodies = body_keys(column.values)
        if bodies is None:
            continue
        best, best_share = None, 0.0
        for name, keys in keyed.items():
            other = by_name[name]
            if len(other.values) != len(column.values) or not other.rows.equals(column.rows):
                continue
            both = (bodies > 0) & (keys > 0)
            matches = int((both & (bodies == keys)).sum())
            share = matches / max(int(both.sum()), 1)
            if matches >= MIN_ROWS and share >= MIN_SHARE and share > best_share:
                best, best_share = name, share
        if best is not None:
            pairs[column.name] = best
    return pairs


def hints_with_bodies(columns: Sequence[CellColumn], hints: dict[str, str] | None) -> dict[str, str] | None:
    """Column hints (configured ones first) plus ``FR_NIR`` for the body column of each pair found."""
    pairs = nir_key_columns(columns)
    if not pairs:
        return hints
    return {**dict.fromkeys(pairs, "FR_NIR"), **(hints or {})}


__all__ = ["MIN_ROWS", "MIN_SHARE", "body_keys", "hints_with_bodies", "key_values", "nir_key_columns"]
