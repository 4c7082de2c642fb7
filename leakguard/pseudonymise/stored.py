"""Replacements written back in a column's own type: binary, fixed-size binary and decimals of scale 0.

The detector reads these columns as text or integers (:mod:`leakguard.sources.celltext`); the rewriter
computes replacements on that text, and this module puts them back without changing the column's type:

* **binary** and **large binary** cells get the UTF-8 bytes of their new text; cells without findings, and
  cells that are not UTF-8, keep their bytes;
* **fixed-size binary** ``[w]`` cells keep their width ``w``: a shorter replacement is padded with spaces
  (the ``CHAR(w)`` convention of the databases that write such columns), a longer one is cut at ``w`` bytes
  (at a character boundary, then padded). A cut keyed token stays a keyed token: in a ``fixed_size_binary[15]``
  NIR column the ``token`` or ``hmac`` token keeps ``NIR_`` and 11 of its 16 base32 characters (55 bits; among
  ``n`` people about ``n²/2^56`` colliding pairs: 0.001 for 10^7), and is the start of the token the same
  person gets in a string column, so joins remain possible;
* **decimals of scale 0** ``decimal(p, 0)``: ``token`` and ``hmac`` write a numeric token of ``min(p, 18)``
  digits starting with 9 (never a NIR, see :mod:`leakguard.pseudonymise.operators`); ``fpe`` another NIR (15
  digits); ``redact`` nulls. An operator whose output does not fit ``decimal(p, 0)`` is refused with one line.
"""

from __future__ import annotations

import decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.pseudonymise.operators import MAX_NUMERIC_DIGITS, Operator, OperatorProblem
from leakguard.sources.celltext import is_integral_decimal

#: What pads a replacement shorter than its fixed-size binary cell.
PAD = b" "


def apply_whole(op: Operator, cells: pa.Array) -> pa.Array:
    """``op`` applied to whole cells, of the cells' own type (decimals included)."""
    if is_integral_decimal(cells.type):
        return _decimals(op, cells)
    out = op.apply_array(cells)
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks()
    return out if out.type == cells.type else out.cast(cells.type)


def _decimals(op: Operator, cells: pa.Array) -> pa.Array:
    kind = cells.type
    numeric = getattr(op, "apply_numeric", None)  # token, hmac: numeric tokens of the column's width
    if numeric is not None:
        encoded = cells.cast(pa.string()).dictionary_encode()
        tokens = numeric(encoded.dictionary.to_pylist(), min(kind.precision, MAX_NUMERIC_DIGITS))
        return pa.array([decimal.Decimal(token) for token in tokens], kind).take(encoded.indices)
    try:
        out = op.apply_array(cells.cast(pa.int64()))
        if isinstance(out, pa.ChunkedArray):
            out = out.combine_chunks()
        return out.cast(pa.decimal128(19, 0)).cast(kind)
    except (pa.ArrowInvalid, OperatorProblem):
        raise OperatorProblem(
            f"{op.name} cannot fill a {kind} column of {op.entity}; choose token, hmac, fpe or redact for it"
        ) from None


def encode_text(original: pa.Array, text: pa.Array, changed: np.ndarray) -> pa.Array:
    """``original`` (binary) with the cells at ``changed`` replaced by the UTF-8 bytes of ``text`` at the same
    positions, fitted to the width of a fixed-size binary column; every other cell keeps its bytes."""
    if not len(changed):
        return original
    kind = original.type
    replacement = text.take(pa.array(changed))
    if pa.types.is_fixed_size_binary(kind):
        width = kind.byte_width
        encoded = pa.array([None if t is None else fit(t, width) for t in replacement.to_pylist()], kind)
    else:
        encoded = replacement.cast(kind)
    mask = np.zeros(len(original), dtype=bool)
    mask[changed] = True
    return pc.replace_with_mask(original, pa.array(mask), encoded)


def fit(text: str, width: int) -> bytes:
    """The UTF-8 bytes of ``text`` in exactly ``width`` bytes: padded with spaces, or cut at a character
    boundary and padded.

    >>> fit("NIR_abcdefghijklmnop", 15), fit("NIR_ab", 8), fit("été", 4)
    (b'NIR_abcdefghijk', b'NIR_ab  ', b'\\xc3\\xa9t ')
    """
    data = text.encode("utf-8")
    if len(data) > width:
        data = data[:width].decode("utf-8", "ignore").encode("utf-8")
    return data + PAD * (width - len(data))
