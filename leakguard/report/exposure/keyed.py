"""Keyed 64-bit identifiers of short values, a whole array at once: what exposure counts instead of values.

Distinct people are counted by their NIRs and re-identification risk by classes of quasi-identifiers, but
neither a value nor a plain hash of it may be kept (the space of NIRs is small enough to enumerate: a
SHA-256 of a NIR is reversed in minutes). Each value is therefore packed into one 16-byte block and
encrypted with AES-256 under a sub-key of the run's key (HKDF, :func:`leakguard.pseudonymise.keys.derive`,
purpose ``exposure ids``); the first 8 bytes of the cipher block are the identifier. AES is a pseudo-random
permutation: distinct blocks give distinct cipher blocks, so two values share an identifier only when 64 of
128 random-looking bits collide (about 1 in 10^10 for 10^5 values), and nobody without the key can tell
which value an identifier stands for. The identifiers are uniform, as a HyperLogLog sketch and the sampling
of equivalence classes need.

The key is the one given (``leakguard.report.exposure(..., key=...)``), else 32 random bytes made for the run and
never written anywhere: identifiers of two runs cannot be compared, and nothing outlives the process but
counts. With ``leakguard scan --state`` the key is the state's, and the state keeps each table's HyperLogLog
registers of its NIR identifiers (:mod:`.distinct`: one small rank per bucket, no identifier), so that a later
run counts the persons of the tables it does not read again. All blocks of an array go through one call of
the ``cryptography`` library (OpenSSL, AES-NI), so 10^6 values take milliseconds.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from leakguard.pseudonymise.keys import derive, generate_key

#: Size of a block: one AES block.
BLOCK = 16
#: Last byte of a block: which kind of value it holds, so that equal bytes of two kinds never meet.
DOMAIN_BYTE = BLOCK - 1


class KeyedIds:
    """64-bit keyed identifiers of 16-byte blocks (``uint8`` arrays of shape ``(n, 16)``).

    >>> ids = KeyedIds(bytes(32))
    >>> blocks = np.zeros((3, BLOCK), np.uint8)
    >>> blocks[1, 0] = 1
    >>> out = ids.of(blocks)
    >>> out.dtype, bool(out[0] == out[2]), bool(out[0] == out[1])
    (dtype('uint64'), True, False)
    """

    def __init__(self, key: bytes | None = None):
        self._cipher = Cipher(algorithms.AES(derive(key or generate_key(), "exposure ids")), modes.ECB())

    def of(self, blocks: np.ndarray) -> np.ndarray:
        """The identifier of each block, in order."""
        if blocks.ndim != 2 or blocks.shape[1] != BLOCK or blocks.dtype != np.uint8:
            raise ValueError(f"blocks must be a uint8 array of shape (n, {BLOCK})")
        if len(blocks) == 0:
            return np.zeros(0, np.uint64)
        encryptor = self._cipher.encryptor()
        data = encryptor.update(np.ascontiguousarray(blocks).tobytes()) + encryptor.finalize()
        return np.frombuffer(data, dtype="<u8")[0::2].astype(np.uint64)


def blocks(count: int, domain: int) -> np.ndarray:
    """``count`` empty blocks of one ``domain`` (1..255), to be filled in."""
    out = np.zeros((count, BLOCK), np.uint8)
    out[:, DOMAIN_BYTE] = domain
    return out


def text_bytes(texts: pa.Array, width: int) -> np.ndarray:
    """The first ``width`` UTF-8 bytes of each text, zero-padded, as a ``uint8`` array of shape ``(n, width)``
    (a null is all zeros); one vectorised gather over the Arrow buffers."""
    n = len(texts)
    texts = pc.fill_null(texts.cast(pa.string()), "")
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if n == 0:
        return np.zeros((0, width), np.uint8)
    offsets = np.frombuffer(texts.buffers()[1], np.int32)[texts.offset: texts.offset + n + 1]
    if offsets[-1] == offsets[0]:
        return np.zeros((n, width), np.uint8)  # every text is empty
    data = np.frombuffer(texts.buffers()[2], np.uint8)
    lengths = np.diff(offsets)
    if bool(np.all(lengths == width)):
        return data[offsets[0]: offsets[-1]].reshape(n, width).copy()
    columns = np.arange(width)
    index = offsets[:-1, None] + columns[None, :]
    inside = columns[None, :] < np.minimum(lengths, width)[:, None]
    return np.where(inside, data[np.minimum(index, len(data) - 1)], 0).astype(np.uint8)


def put_text(out: np.ndarray, offset: int, width: int, texts: pa.Array) -> None:
    """Write the first ``width`` UTF-8 bytes of each text (:func:`text_bytes`) into the blocks ``out`` at byte
    ``offset``."""
    out[:, offset: offset + width] = text_bytes(texts, width)
