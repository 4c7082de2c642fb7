"""Masked previews: enough of a value to recognise its kind and check a report, never the value.

A preview keeps the separators and the few leading characters that carry no identity on their own (the sex,
year and month of a NIR, ``1 85 05 •• ••• ••• ••``; the country of an IBAN; the first letter of a name or of an
e-mail) and replaces every other letter or digit with ``•``. Separators written with no-break or other
Unicode spaces (``1\u00a085\u00a005…``, as word processors and French typography write them) show as a plain
space: a preview is for reading, and a terminal would print such a space as an escape. Previews are what
reports, baselines and error messages show; raw values appear only when the user asks for them
(``--show-values``).
"""

from __future__ import annotations

import re
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers import all_records

MASK = "•"

#: How many leading letters/digits a preview keeps, per entity (its record's ``preview_keep``; others:
#: ``DEFAULT_KEEP``).
KEEP = {record.name: record.preview_keep for record in all_records()}
DEFAULT_KEEP = 1
#: Previews are cut to this many characters (long free-text spans).
MAX_LENGTH = 40


_HEADS = {keep: re.compile(rf"(?:[\W_]*[^\W_]){{0,{keep}}}") for keep in {*KEEP.values(), DEFAULT_KEEP} if keep}
_ASCII_MASK = str.maketrans(dict.fromkeys("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", MASK))
#: Unicode spaces beyond ASCII (no-break, narrow no-break, thin, figure, ideographic...) -> a plain space.
_PLAIN_SPACES = str.maketrans(dict.fromkeys([chr(c) for c in range(0x80, 0x3001) if chr(c).isspace()], " "))


def mask(entity: str, value: str) -> str:
    """The masked preview of ``value``, a span found as ``entity``.

    >>> mask("FR_NIR", "1 85 05 78 006 084 91")
    '1 85 05 •• ••• ••• ••'
    >>> mask("EMAIL_ADDRESS", "jean.dupont@example.fr")
    'j•••.••••••@•••••••.••'
    >>> mask("PERSON", "Élodie")
    'É•••••'
    >>> mask("FR_NIR", "1\u00a085\u00a005\u00a078\u00a0006\u00a0084\u00a091")
    '1 85 05 •• ••• ••• ••'
    """
    cut = value[:MAX_LENGTH]
    head = _HEADS.get(KEEP.get(entity, DEFAULT_KEEP))
    split = head.match(cut).end() if head is not None else 0
    rest = cut[split:]
    if rest.isascii():
        tail = rest.translate(_ASCII_MASK)
    else:
        tail = "".join(MASK if char.isalnum() else char for char in rest).translate(_PLAIN_SPACES)
    return cut[:split].translate(_PLAIN_SPACES) + tail + ("…" if len(value) > MAX_LENGTH else "")


_ASCII_ALNUM = np.zeros(256, dtype=bool)
for _char in b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
    _ASCII_ALNUM[_char] = True
_MASK_BYTES = np.frombuffer(MASK.encode(), dtype=np.uint8)
_ELLIPSIS_BYTES = np.frombuffer("…".encode(), dtype=np.uint8)


#: Bytes of text masked in one numpy pass: the pass holds about ten integer arrays of that many elements, so
#: a column of values is masked in slices (a few MB at once instead of a hundred for 65,536 e-mails).
SLICE_BYTES = 64 * 1024


def mask_array(entity: str, values: pa.Array) -> pa.Array:
    """Vectorised :func:`mask` of a string array of one entity (same result, string for string).

    ASCII strings are masked in numpy on Arrow's UTF-8 buffer; others (accents, no-break spaces) go through
    :func:`mask`. Nulls stay null. Arrays of more than :data:`SLICE_BYTES` of text are masked slice by slice.
    """
    values = values.cast(pa.string()) if values.type != pa.string() else values
    n = len(values)
    if n == 0:
        return pa.array([], pa.string())
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset : values.offset + n + 1]
    if offsets[-1] - offsets[0] <= SLICE_BYTES:
        return _mask_slice(entity, values)
    cuts = np.unique(np.searchsorted(offsets, np.arange(offsets[0] + SLICE_BYTES, offsets[-1], SLICE_BYTES)))
    edges = [0, *cuts[(cuts > 0) & (cuts < n)].tolist(), n]
    return pa.concat_arrays([_mask_slice(entity, values.slice(a, b - a)) for a, b in pairwise(edges)])


def _mask_slice(entity: str, values: pa.Array) -> pa.Array:
    """:func:`mask_array` of one slice, in one numpy pass."""
    n = len(values)
    keep = KEEP.get(entity, DEFAULT_KEEP)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset : values.offset + n + 1]
    data_buffer = values.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    start, stop = int(offsets[0]), int(offsets[-1])
    data = data[start:stop]
    offsets = offsets - start
    lengths = np.diff(offsets)
    non_ascii = np.concatenate([[0], np.cumsum(data >= 0x80)])
    ascii_string = (non_ascii[offsets[1:]] - non_ascii[offsets[:-1]]) == 0
    # bytes of ASCII strings: byte index == character index
    owner = np.repeat(np.arange(n), lengths)
    position = np.arange(len(data)) - offsets[:-1][owner]
    alnum = _ASCII_ALNUM[data]
    seen = np.cumsum(alnum)
    before = np.concatenate([[0], seen])[offsets[:-1]]
    rank = seen - before[owner]  # alnum characters up to and including this one
    within = position < MAX_LENGTH
    masked = alnum & (rank > keep) & within
    out_length = within.astype(np.int64)
    out_length[masked] = len(_MASK_BYTES)
    cut = lengths > MAX_LENGTH
    last = offsets[:-1][cut] + MAX_LENGTH - 1  # the last kept byte of each cut string
    out_length[last] += len(_ELLIPSIS_BYTES)
    ends = np.cumsum(out_length)
    begins = ends - out_length
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    plain = within & ~masked
    out[begins[plain]] = data[plain]
    at = begins[masked]
    for i, byte in enumerate(_MASK_BYTES):
        out[at + i] = byte
    tail = begins[last] + np.where(masked[last], len(_MASK_BYTES), 1)
    for i, byte in enumerate(_ELLIPSIS_BYTES):
        out[tail + i] = byte
    new_offsets = np.concatenate([[0], ends])[offsets].astype(np.int32)
    fast = pa.StringArray.from_buffers(n, pa.py_buffer(new_offsets), pa.py_buffer(out))
    if values.null_count:
        fast = pc.if_else(pc.is_null(values), pa.scalar(None, pa.string()), fast)
    if ascii_string.all():
        return fast
    others = pa.array(~ascii_string)  # only these strings become Python strings
    slow = [None if text is None else mask(entity, text) for text in values.filter(others).to_pylist()]
    return pc.replace_with_mask(fast, others, pa.array(slow, pa.string()))
