"""``fpe`` for ``FR_NIR``: another valid NIR in the same written form, FF1-encrypted, reversible with the key.

The cipher is :mod:`leakguard.pseudonymise.fpe` (FF1 with cycle-walking onto plausible NIRs); ``leakguard
reidentify`` decrypts with :meth:`FpeOperator.decrypt_array`. The argument (``fpe:sex=random``,
``fpe:format=1``) is read by :func:`leakguard.pseudonymise.fpe.fpe_choices`: ``sex=random`` hides the sex
digit too, ``format=1`` is the first format of pseudonyms (reidentify reads it from Parquet metadata).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from leakguard.pseudonymise import keys
from leakguard.pseudonymise.fpe import NirCipher, NotANir, fpe_choices, sex_choice
from leakguard.pseudonymise.operators.base import Operator, OperatorProblem
from leakguard.pseudonymise.operators.hmac import HmacOperator
from leakguard.pseudonymise.operators.keyed import MAX_NUMERIC_DIGITS
from recognizers import nir


class FpeOperator(Operator):
    """``fpe`` for ``FR_NIR``: another valid NIR in the same written form; reversible with the key.

    Values that are not valid NIRs (a typo in a NIR column) cannot be encrypted to a valid NIR and back: they
    get a numeric HMAC token in their own written form instead (``9`` followed by digits, so never a valid
    NIR, and left alone by :meth:`decrypt`). Each distinct value is encrypted once per call, and the last
    ``cache_size`` results are kept between calls (streams of batches repeat NIRs).
    """

    name = "fpe"
    entities = ("FR_NIR",)
    reversible = True
    keyed = True

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None, *, cache_size: int = 1 << 20):
        super().__init__(entity, key, arg)
        assert key is not None
        sex, version = fpe_choices(arg)
        self.cipher = NirCipher(keys.derive(key, f"ff1 {entity}"), sex=sex, version=version)
        self._fallback = HmacOperator(entity, key)
        self._cache: dict[str, str] = {}
        self._cache_size = cache_size

    def apply_one(self, value: str) -> str:
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        try:
            out = self.cipher.encrypt(value)
        except NotANir:
            out = self._numeric_fallback(value)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[value] = out
        return out

    def _numeric_fallback(self, value: str) -> str:
        positions = nir.number_positions(value)  # the digits: not the words of a key given apart
        if not positions:
            return value
        token = self._fallback.numeric(value, min(max(len(positions), 2), MAX_NUMERIC_DIGITS))
        out = list(value)
        for i, position in enumerate(positions):
            out[position] = token[i] if i < len(token) else ""
        return "".join(out)

    def decrypt_one(self, value: str) -> str:
        """The original of one output; values that are not valid NIRs (fallback tokens) are returned as is."""
        try:
            return self.cipher.decrypt(value)
        except NotANir:
            return value

    def decrypt(self, values: Sequence[str | None]) -> list[str | None]:
        """:meth:`decrypt_one` of each value, distinct values once, ``None`` kept."""
        distinct = {v: self.decrypt_one(v) for v in dict.fromkeys(v for v in values if v is not None)}
        return [None if v is None else distinct[v] for v in values]

    def decrypt_array(self, array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """:meth:`decrypt` over an Arrow string or integer array, type and nulls kept."""
        inverse = _Inverse(self)
        return inverse.apply_array(array)

    @classmethod
    def check_arg(cls, arg: str | None) -> None:
        try:
            sex_choice(arg)
        except ValueError as problem:
            raise OperatorProblem(str(problem)) from None

    def _apply_typed(self, array: pa.Array) -> pa.Array:
        return self._apply_via_text(array)

    def describe(self) -> str:
        sex = "sex digit randomised" if self.cipher.sex == "random" else "sex digit kept"
        return f"fpe (FF1 encryption to another valid NIR, written form kept, {sex}, reversible with the key)"


class _Inverse(Operator):
    """The decryption of an :class:`FpeOperator` as an operator, to reuse the Arrow plumbing."""

    name = "fpe-decrypt"

    def __init__(self, fpe: FpeOperator):
        super().__init__(fpe.entity)
        self._fpe = fpe

    def apply_one(self, value: str) -> str:
        return self._fpe.decrypt_one(value)

    def _apply_typed(self, array: pa.Array) -> pa.Array:
        return self._apply_via_text(array)

    def describe(self) -> str:
        return "fpe decryption"
