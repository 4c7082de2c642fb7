"""Keyed tokens: the format shared by ``token`` (AES-CMAC) and ``hmac`` (HMAC-SHA256).

A keyed token is a pseudorandom function of the entity and the normalised value (:mod:`~leakguard.
pseudonymise.normalise`) under a sub-key derived from the master key: one person's value written differently
gets one token, in every file pseudonymised with the same key, so joins survive. The message is
``entity || 0x00 || normal form``: the same digits as a NIR and as an AMC number give unrelated tokens. A
plain hash would not do: the NIR space (about 10^13 bodies) can be enumerated, a keyed function cannot without
the key. The two operators differ only in the function (:meth:`KeyedTokenOperator._digests`); everything
else (normalisation, the written forms below, the Arrow plumbing) lives here, so their outputs have the same
shape and the rest of leakguard (``--verify``, the detector's skip of its own tokens) treats them alike.

Written forms:

* text: an upper-case prefix naming the entity (:data:`TOKEN_PREFIXES`) and the first 80 bits of the MAC as
  16 lower-case base32 characters (RFC 4648 alphabet, no padding): ``NIR_k3x7…``. Birthday bound: among ``n``
  distinct values the probability that two share a token is at most ``n(n-1)/2 / 2^80``; for ``n = 10^8``
  people that is ``5·10^15 / 1.2·10^24 ≈ 4·10^-9``. Tokens are never a valid NIR, IBAN or phone number;
  e-mail tokens use the reserved ``.invalid`` top-level domain (RFC 2606, RFC 6761):
  ``EMAIL_…@example.invalid``. :data:`PSEUDONYM_RE` recognises every token.
* numbers (integer columns, e.g. NIRs stored as int64): ``9`` followed by ``digits - 1`` decimal digits of the
  MAC (its first 128 bits reduced modulo ``10^(digits-1)``). The leading ``9`` is no sex digit, so a numeric
  token is never a valid NIR or NIA, and it fits int64 up to 18 digits. With ``d - 1`` free digits the
  expected number of colliding pairs among ``n`` distinct values is ``n²/(2·10^(d-1))``: integer columns get
  18 digits (:data:`INTEGER_COLUMN_DIGITS`), 0.05 pairs for 10^8 NIRs; 15 digits (a NIR's width,
  :meth:`KeyedTokenOperator.numeric`'s default) would give 50.

Every step after normalisation works on whole arrays: the distinct normal forms are MACed as one batch, the
base32 text and the decimal reduction are numpy passes, and the tokens go back to the cells with ``take``.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from leakguard.pseudonymise.normalise import normaliser
from leakguard.pseudonymise.normalise_arrays import normal_forms
from leakguard.pseudonymise.operators.base import Operator, OperatorProblem, whole_floats
from recognizers import all_records

#: Token prefixes, from each entity's record; an entity without a record uses its own name and ``_``.
TOKEN_PREFIXES = {record.name: record.token_prefix for record in all_records()}
#: The domain of e-mail tokens (reserved top-level domain, RFC 6761).
EMAIL_TOKEN_DOMAIN = "@example.invalid"
#: Bits of the MAC in a token, and the token's base32 length.
TOKEN_BITS = 80
TOKEN_CHARS = TOKEN_BITS // 5
#: Every keyed token (string form), for ``--verify`` and the detector's allowlist.
PSEUDONYM_RE = re.compile(rf"\b[A-Z][A-Z_]*_[a-z2-7]{{{TOKEN_CHARS}}}(?:{re.escape(EMAIL_TOKEN_DOMAIN)})?(?![a-z2-7])")
#: The largest width of a numeric token that fits int64 (9 followed by 17 digits < 2^63).
MAX_NUMERIC_DIGITS = 18
#: The width of the numeric tokens written into integer columns (an int64 NIR column).
INTEGER_COLUMN_DIGITS = MAX_NUMERIC_DIGITS

_BASE32_ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", np.uint8)
#: The two base32 characters of every 10-bit number, as they lie in memory (two bytes).
_BASE32_PAIRS = np.ascontiguousarray(
    np.stack([_BASE32_ALPHABET[np.arange(1024) >> 5], _BASE32_ALPHABET[np.arange(1024) & 31]], axis=1)
).view(np.uint16)[:, 0]
_PAIR_SHIFTS = np.array([30, 20, 10, 0], np.uint64)


def base32_matrix(blocks: np.ndarray) -> np.ndarray:
    """Lower-case RFC 4648 base32 of each row of an ``(n, 10)`` byte matrix: an ``(n, 16)`` byte matrix.

    Each 5-byte half is read as a 40-bit big-endian integer, cut into four 10-bit numbers, and each number
    looked up as its two characters.
    """
    count = len(blocks)
    halves = np.zeros((count, 2, 8), np.uint8)
    halves[:, :, 3:] = blocks.reshape(count, 2, 5)
    numbers = halves.view(">u8")[:, :, 0]
    pairs = (numbers[:, :, None] >> _PAIR_SHIFTS) & np.uint64(1023)
    return _BASE32_PAIRS[pairs.reshape(count, TOKEN_CHARS // 2)].view(np.uint8)


def _base32_lower(truncated: bytes) -> list[str]:
    """Lower-case base32 of each 10-byte slice of ``truncated``: 16 characters each, no padding.

    The same as ``base64.b32encode(slice).decode().lower()`` per slice, in one numpy pass.
    """
    blocks = np.frombuffer(truncated, np.uint8).reshape(-1, TOKEN_BITS // 8)
    text = base32_matrix(blocks).tobytes().decode("ascii")
    return [text[i : i + TOKEN_CHARS] for i in range(0, len(text), TOKEN_CHARS)]


def numeric_tokens(digests: np.ndarray, digits: int) -> np.ndarray:
    """``9`` followed by the first 128 bits of each MAC modulo ``10^(digits-1)``, as int64.

    ``10^k = 5^k · 2^k`` with the factors coprime: the 128-bit big-endian number is reduced modulo ``5^k``
    (below ``2^40``) 16 bits at a time by Horner's rule, which never leaves uint64, its residue modulo
    ``2^k`` is its last ``k`` bits, and the Chinese remainder theorem joins the two.
    """
    if not 2 <= digits <= MAX_NUMERIC_DIGITS:
        raise OperatorProblem(f"a numeric token has 2 to {MAX_NUMERIC_DIGITS} digits (got {digits})")
    power = digits - 1
    odd, mask = 5**power, np.uint64((1 << power) - 1)
    limbs = np.ascontiguousarray(digests[:, :16]).view(">u2").astype(np.uint64)
    rest = np.zeros(len(digests), np.uint64)
    for limb in limbs.T:
        rest = ((rest << np.uint64(16)) | limb) % np.uint64(odd)
    low = ((limbs[:, 6] << np.uint64(16)) | limbs[:, 7]) & mask
    lift = ((low - rest) * np.uint64(pow(odd, -1, 1 << power))) & mask  # uint64 wraps: exact modulo 2^k
    return (rest + np.uint64(odd) * lift + np.uint64(9 * 10**power)).astype(np.int64)


class KeyedTokenOperator(Operator):
    """A keyed, typed token (``NIR_`` + 16 base32 characters); integer columns get numeric tokens.

    Subclasses give the keyed function: :meth:`_digests`, at least 16 bytes per message.
    """

    keyed = True

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        super().__init__(entity, key, arg)
        self._label = entity.encode("utf-8") + b"\x00"
        self._normalise = normaliser(entity)
        self.prefix = TOKEN_PREFIXES.get(entity, entity + "_")
        self.suffix = EMAIL_TOKEN_DOMAIN if entity == "EMAIL_ADDRESS" else ""

    @abstractmethod
    def _digests(self, forms: pa.Array) -> np.ndarray:
        """The MACs of ``entity || 0x00 || form`` for each normal form of ``forms`` (a string array without
        nulls), one row of at least 16 bytes per form."""

    def digest(self, value: str) -> bytes:
        """The full MAC of the normalised ``value``."""
        return self._digests(pa.array([self._normalise(value)], pa.string()))[0].tobytes()

    def _forms(self, values: pa.Array) -> tuple[pa.Array, np.ndarray]:
        """The distinct normal forms of ``values`` (no nulls) and, for each value, the position of its form.

        Distinct written forms may share a normal form (``1 85 05…`` and ``185…``): each form is MACed once.
        """
        forms = normal_forms(self.entity, values)
        if forms is values:  # already in normal form (compact NIRs): one form per value
            return values, np.arange(len(values))
        encoded = forms.dictionary_encode()
        return encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)

    def _text_tokens(self, digests: np.ndarray) -> pa.Array:
        """``prefix + base32(first 80 bits) + suffix`` of each MAC, as one Arrow string array."""
        prefix, suffix = self.prefix.encode("utf-8"), self.suffix.encode("utf-8")
        body = slice(len(prefix), len(prefix) + TOKEN_CHARS)
        width, count = body.stop + len(suffix), len(digests)
        matrix = np.empty((count, width), np.uint8)
        matrix[:, : body.start] = np.frombuffer(prefix, np.uint8)
        matrix[:, body] = base32_matrix(np.ascontiguousarray(digests[:, : TOKEN_BITS // 8]))
        matrix[:, body.stop :] = np.frombuffer(suffix, np.uint8)
        large = count * width >= 2**31
        offsets = np.arange(count + 1, dtype=np.int64 if large else np.int32) * width
        kind = pa.large_string() if large else pa.string()
        return pa.Array.from_buffers(kind, count, [None, pa.py_buffer(offsets), pa.py_buffer(matrix)])

    def _replace_distinct(self, values: pa.Array) -> pa.Array:
        forms, index = self._forms(values)
        tokens = self._text_tokens(self._digests(forms))
        return tokens.take(pa.array(index)).cast(values.type)

    def _apply_distinct(self, values: list[str]) -> list[str]:
        return self._replace_distinct(pa.array(values, pa.string())).to_pylist()

    def apply_one(self, value: str) -> str:
        return self._apply_distinct([value])[0]

    def _numbers(self, values: pa.Array, digits: int) -> np.ndarray:
        """The numeric tokens of ``values`` (a string array without nulls) as int64."""
        forms, index = self._forms(values)
        return numeric_tokens(self._digests(forms), digits)[index]

    def numeric(self, value: str, digits: int = 15) -> str:
        """A decimal token of ``digits`` digits (2-18) that starts with 9: never a valid NIR, fits int64."""
        return self.apply_numeric([value], digits)[0]

    def apply_numeric(self, values: Sequence[str], digits: int = 15) -> list[str]:
        """:meth:`numeric` of each value."""
        numbers = self._numbers(pa.array(values, pa.string()), digits)
        return pa.array(numbers, pa.int64()).cast(pa.string()).to_pylist()

    def _apply_typed(self, array: pa.Array) -> pa.Array:
        if pa.types.is_floating(array.type):
            # float64 holds integers exactly up to 2**53: 15-digit tokens (collisions: see the module docstring)
            encoded = whole_floats(array, self).cast(pa.string()).dictionary_encode()
            numbers = pa.array(self._numbers(encoded.dictionary, 15).astype(np.float64))
            return numbers.take(encoded.indices).cast(array.type)
        if not pa.types.is_integer(array.type):
            return super()._apply_typed(array)
        if array.type.bit_width < 64:
            raise OperatorProblem(
                f"{self.name} writes {INTEGER_COLUMN_DIGITS}-digit numbers and cannot fill a {array.type} column "
                f"of {self.entity}; cast it to int64 or string"
            )
        # 18 digits, the widest that fits int64: collisions stay negligible at 10^8 people
        encoded = array.cast(pa.string()).dictionary_encode()
        numbers = pa.array(self._numbers(encoded.dictionary, INTEGER_COLUMN_DIGITS), pa.int64())
        return numbers.take(encoded.indices).cast(array.type)

    def describe(self) -> str:
        shape = f"{self.prefix}<{TOKEN_CHARS} base32>{self.suffix}"
        return f"{self.name} (keyed token {shape}, same value -> same token, not reversible)"
