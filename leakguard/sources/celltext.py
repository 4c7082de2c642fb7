"""Text and integers stored in other Arrow types: binary columns and decimals of scale 0.

Two kinds of columns hold identifiers without saying so in their type:

* **binary** (``binary``, ``large_binary``, ``binary_view``, ``fixed_size_binary[w]``): Hive and Impala write
  strings as Parquet ``BYTE_ARRAY`` without the ``UTF8`` annotation, and fixed-width exports write
  ``CHAR(15)`` NIRs as ``FIXED_LEN_BYTE_ARRAY(15)``. A cell is read as text when its bytes are UTF-8; a cell
  that is not (an image, a hash, a UUID, text in another encoding) is not scanned, and counted;
* **decimals of scale 0** (``decimal128(15, 0)``: Oracle ``NUMBER(15)`` exports): read as integers, written
  as their decimal string like int64 cells.

:func:`decode_binary` works on distinct values (dictionary encoding): a column where every distinct value is
UTF-8 is converted by one Arrow cast; only columns holding non-UTF-8 cells are decoded value by value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


def is_binary(kind: pa.DataType) -> bool:
    """Whether ``kind`` is a binary type (variable or fixed width), not a string type."""
    return (pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind)
            or pa.types.is_fixed_size_binary(kind))


def is_integral_decimal(kind: pa.DataType) -> bool:
    """Whether ``kind`` is a decimal of scale 0 (its values are integers)."""
    return pa.types.is_decimal(kind) and kind.scale == 0


@dataclass(frozen=True)
class DecodedBinary:
    """The UTF-8 text of binary cells: ``text`` (a string array, null where a cell is null or not UTF-8) and
    the number of non-null cells that are not UTF-8 (``undecodable``)."""

    text: pa.Array
    undecodable: int


def decode_binary(values: pa.Array) -> DecodedBinary:
    """The text of each cell of a binary array (plain or dictionary-encoded), where it is UTF-8."""
    if pa.types.is_dictionary(values.type):
        encoded = values
    else:
        if pa.types.is_binary_view(values.type):
            values = values.cast(pa.binary())
        encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary
    if pa.types.is_binary_view(distinct.type):
        distinct = distinct.cast(pa.binary())
    try:
        text = distinct.cast(pa.string())  # validates UTF-8: one pass when every value decodes
    except pa.ArrowInvalid:
        text = pa.array([_utf8(value) for value in distinct.to_pylist()], pa.string())
    undecodable = text.null_count
    decoded = text.take(encoded.indices)
    if undecodable:
        undecodable = decoded.null_count - encoded.null_count
    return DecodedBinary(decoded, undecodable)


def _utf8(value: bytes) -> str | None:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def undecodable_cells(values: pa.Array) -> int:
    """The non-null cells of ``values`` that are binary and not UTF-8 (0 for any other type)."""
    kind = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
    if not is_binary(kind):
        return 0
    return decode_binary(values).undecodable


def blank_cells(values: pa.Array) -> int:
    """The non-null cells of ``values`` that hold no text: empty, or only whitespace (text and binary types;
    0 for any other type). A CSV reads a missing value as an empty string where Parquet has a null: the
    reports' shares are of the other cells, the same base for both."""
    encoded = values if pa.types.is_dictionary(values.type) else None
    distinct = encoded.dictionary if encoded is not None else values
    kind = distinct.type
    text = pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    if not (text or is_binary(kind)):
        return 0
    if pa.types.is_string_view(kind) or pa.types.is_binary_view(kind):
        distinct = distinct.cast(pa.large_string() if text else pa.large_binary())
    blank = pc.equal(pc.binary_length(distinct), 0)
    if text:
        blank = pc.or_(blank, pc.utf8_is_space(distinct))
    if encoded is not None:
        blank = blank.take(encoded.indices)
    return pc.sum(pc.fill_null(blank, False).cast(pa.int64())).as_py() or 0
