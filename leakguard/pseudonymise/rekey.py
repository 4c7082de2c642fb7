"""The key column of a NIR split in two, rewritten with its body by ``fpe``: reversible, byte for byte.

When ``fpe`` encrypts a NIR written without its key (13 characters in ``nir13``) whose key sits in a column
of its own (``cle``, found by :mod:`leakguard.detect.key_columns`), the old key no longer fits the new body:
it would break the checks of downstream systems, show which rows were rewritten, and keep a residue of the
real NIR modulo 97. So the key column is rewritten with its body, row by row::

    new key = ((key - key(old body) + key(new body) - 1) mod 97) + 1

for every key of 1-97 on a row whose body was encrypted. A key that matched its body matches the new body; a
key that did not (a typo) keeps its distance to the right one. For a given row this is a permutation of
1..97, and ``leakguard reidentify`` applies the same formula with the bodies the other way round, so the
original key comes back. Other cells (empty, ``0``, ``98``, ``99``, not a number) are left as they are.

Written form: integer columns keep their type. Text cells keep the white space around the digits and the
column's style: two digits (``07``), unless the column writes the keys below 10 with one digit (``7``) and
never with a leading zero. The style is read from the cells of the chunk, so a column written with one-digit
keys whose chunk of output happens to hold no key below 10 (a chance of (88/97)^n for n rows: 5% at 30 rows,
none to speak of at 200) comes back from ``reidentify`` with leading zeros.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers import nir

_KEY_CELL = re.compile(r"(\s*)(\d{1,2})(\s*)")
_BODY = re.compile(r"[1-478]\d{4}(?:\d\d|2[AB])\d{6}")


def body_key(written: str | None) -> int | None:
    """The key (1-97) of the NIR body written in ``written`` (13 characters, or a whole NIR), else ``None``."""
    if written is None:
        return None
    compact = nir.compact(written)
    body = compact[:13] if len(compact) in (13, 15) else ""
    if not _BODY.fullmatch(body):
        return None
    return int(nir.calc_check_digits(body))


def shift(key: int, old: int, new: int) -> int:
    """``key`` moved by ``new - old`` within 1..97 (the permutation of the module docstring)."""
    return (key - old + new - 1) % 97 + 1


def rekey(keys: pa.Array, cells: np.ndarray, old: list[str | None],
          new: list[str | None]) -> tuple[pa.Array, np.ndarray] | None:
    """``keys`` (a key column) with the cells at ``cells`` moved from the keys of the ``old`` bodies to the keys
    of the ``new`` ones, and the positions changed; ``None`` when no cell changes."""
    kind = keys.type
    if pa.types.is_dictionary(kind):
        out = rekey(keys.dictionary_decode(), cells, old, new)
        return None if out is None else (out[0].dictionary_encode().cast(kind), out[1])
    integers = pa.types.is_integer(kind)
    current = keys.take(pa.array(cells)).to_pylist()
    two_digits = integers or _two_digit_style(keys)
    replaced: dict[int, object] = {}
    for cell, value, before, after in zip(cells.tolist(), current, old, new):
        old_key, new_key = body_key(before), body_key(after)
        if value is None or old_key is None or new_key is None or old_key == new_key:
            continue
        if integers:
            if 1 <= value <= 97:
                replaced[cell] = shift(value, old_key, new_key)
            continue
        match = _KEY_CELL.fullmatch(value)
        if match is None or not 1 <= int(match[2]) <= 97:
            continue
        moved = shift(int(match[2]), old_key, new_key)
        replaced[cell] = match[1] + (f"{moved:02d}" if two_digits else str(moved)) + match[3]
    if not replaced:
        return None
    order = sorted(replaced)
    mask = np.zeros(len(keys), dtype=bool)
    mask[order] = True
    values = pc.replace_with_mask(keys, pa.array(mask), pa.array([replaced[cell] for cell in order], kind))
    return values, np.array(order, dtype=np.int64)


def _two_digit_style(keys: pa.Array) -> bool:
    """Whether a text key column writes keys below 10 with a leading zero (the default when it shows none)."""
    one_digit = pc.any(pc.match_substring_regex(keys, r"^\s*[1-9]\s*$")).as_py()
    padded = pc.any(pc.match_substring_regex(keys, r"^\s*0[1-9]\s*$")).as_py()
    return bool(padded or not one_digit)
