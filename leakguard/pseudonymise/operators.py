"""What ``leakguard pseudonymise`` writes in place of each entity: keyed operators, one per entity.

An *operator* turns the values of one entity into their replacements. Every operator has the same interface
(:class:`Operator`): ``apply_one(value)``, ``apply(values)`` on a list (each distinct value is computed once:
dumps repeat the same NIR, name or insurer many times), ``apply_span(values)`` for spans found inside a
longer text, and ``apply_array(array)`` on an Arrow array, which works on the array's distinct values only
(dictionary encoding) and keeps the array's type, so a table keeps its schema.

Operators (``--operator ENTITY=NAME[:ARG]``):

``hmac``
    A typed token, ``NIR_`` + 16 base32 characters: HMAC-SHA256 of the entity and the normalised value under a
    key derived from the master key. E-mails stay e-mail-shaped (``EMAIL_…@example.invalid``); integer columns
    get a fixed-width decimal that is never a NIR (:meth:`HmacOperator.numeric`). Not reversible.
``fpe[:sex=random]``
    ``FR_NIR`` only: another valid NIR in the same written form, FF1-encrypted
    (:mod:`leakguard.pseudonymise.fpe`); ``sex=random`` hides the sex digit too. Reversible with the key:
    ``leakguard reidentify``.
``mask[:N]``
    The last N letters/digits kept (default 4), the others ``*``, separators kept.
``redact``
    Whole cells: the empty string (``null`` in Arrow arrays, whatever their type). Spans inside a text:
    ``[REDACTED]``, so the text still reads.
``generalise[:year|month]``
    ``DATE_OF_BIRTH`` only: the date cut to its year (default) or month and written in the same form, day
    and month set to 01 (``12/05/1985`` -> ``01/01/1985``), so a date column stays a parseable date column;
    Arrow dates and timestamps -> the first day of the year or month.
``keep``
    The value unchanged. Insurer names and guarantees are not personal data on their own: they are kept by
    default, and the policy says so.

The HMAC tokens
---------------
``HMAC-SHA256(K_hmac, entity || 0x00 || normalise(entity, value))``, where ``K_hmac`` is derived from the
master key with HKDF (purpose ``hmac``) and :mod:`leakguard.pseudonymise.normalise` gives the normal form, so
one person's value written differently gets one token, in every file pseudonymised with the same key: joins
survive. The entity is part of the message, so the same digits as a NIR and as an AMC number give unrelated
tokens. A plain hash would not do: the NIR space (about 10^13 bodies) can be enumerated, a keyed hash cannot
without the key.

Token width: the first 80 bits of the MAC, written as 16 lower-case base32 characters (RFC 4648 alphabet, no
padding), after an upper-case prefix naming the entity (:data:`TOKEN_PREFIXES`). Birthday bound: among ``n``
distinct values the probability that two share a token is at most ``n(n-1)/2 / 2^80``; for ``n = 10^8`` people
that is ``5·10^15 / 1.2·10^24 ≈ 4·10^-9``. Tokens are never a valid NIR, IBAN or phone number, so scanning a
pseudonymised file does not find them again; e-mail tokens use the reserved ``.invalid`` top-level domain
(RFC 2606, RFC 6761), which no real address can have: the detector and ``--verify`` should ignore it
(:data:`PSEUDONYM_RE` recognises every token).

Numeric tokens (integer columns, e.g. NIRs stored as int64): ``9`` followed by ``digits - 1`` decimal digits
of the MAC (128 bits reduced modulo ``10^(digits-1)``). The leading ``9`` is no sex digit, so a numeric token
is never a valid NIR or NIA and is never detected again, and fits int64 up to 18 digits. The space is smaller
than the string tokens': with ``d - 1`` free digits the expected number of colliding pairs among ``n``
distinct values is ``n²/(2·10^(d-1))``. Integer columns get 18 digits (:data:`INTEGER_COLUMN_DIGITS`): 0.05
pairs for 10^8 NIRs; 15 digits (a NIR's width, :meth:`HmacOperator.numeric`'s default) would give 50.

Sources: RFC 2104 (HMAC), RFC 5869 (HKDF), RFC 4648 (base32), RFC 2606 / RFC 6761 (``.invalid``),
NIST SP 800-38G (FF1), CNIL and EDPB guidance on pseudonymisation (a keyed function, key kept apart).
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.findings import ENTITIES
from leakguard.pseudonymise import keys
from leakguard.pseudonymise.dates import parse_date
from leakguard.pseudonymise.fpe import NirCipher, NotANir, fpe_choices, sex_choice
from leakguard.pseudonymise.normalise import normaliser

#: The entity names of the contract (DESIGN.md); ``--operator`` accepts these.
KNOWN_ENTITIES = ENTITIES

#: Token prefixes; an entity not listed here uses its own name and ``_``.
TOKEN_PREFIXES = {
    "FR_NIR": "NIR_",
    "FR_AMC": "AMC_",
    "FR_MUTUELLE_MEMBER_ID": "ADH_",
    "FR_HEALTH_INSURER": "INSURER_",
    "FR_HEALTH_GUARANTEE": "GUARANTEE_",
    "DATE_OF_BIRTH": "DOB_",
    "PERSON": "PERSON_",
    "EMAIL_ADDRESS": "EMAIL_",
    "PHONE_NUMBER": "TEL_",
    "IBAN_CODE": "IBAN_",
}
#: The domain of e-mail tokens (reserved top-level domain, RFC 6761).
EMAIL_TOKEN_DOMAIN = "@example.invalid"
#: Bits of the MAC in a token, and the token's base32 length.
TOKEN_BITS = 80
TOKEN_CHARS = TOKEN_BITS // 5
#: Every token :class:`HmacOperator` writes (string form), for ``--verify`` and the detector's allowlist.
PSEUDONYM_RE = re.compile(rf"\b[A-Z][A-Z_]*_[a-z2-7]{{{TOKEN_CHARS}}}(?:{re.escape(EMAIL_TOKEN_DOMAIN)})?(?![a-z2-7])")

#: The replacement of a redacted span inside a longer text.
REDACTED = "[REDACTED]"
#: The largest width of a numeric token that fits int64 (9 followed by 17 digits < 2^63).
MAX_NUMERIC_DIGITS = 18
#: The width of the numeric tokens written into integer columns (an int64 NIR column).
INTEGER_COLUMN_DIGITS = MAX_NUMERIC_DIGITS


_BASE32_ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", np.uint8)
_BASE32_WEIGHTS = np.array([16, 8, 4, 2, 1], np.uint8)


def _base32_lower(truncated: bytes) -> list[str]:
    """Lower-case RFC 4648 base32 of each 10-byte slice of ``truncated``: 16 characters each, no padding.

    The same as ``base64.b32encode(slice).decode().lower()`` per slice, in one numpy pass (Python 3.11's
    ``b32encode`` is pure Python).
    """
    if not truncated:
        return []
    blocks = np.frombuffer(truncated, np.uint8).reshape(-1, TOKEN_BITS // 8)
    quintets = np.unpackbits(blocks, axis=1).reshape(len(blocks), TOKEN_CHARS, 5)
    text = _BASE32_ALPHABET[(quintets * _BASE32_WEIGHTS).sum(axis=2)].tobytes().decode("ascii")
    return [text[i : i + TOKEN_CHARS] for i in range(0, len(text), TOKEN_CHARS)]


class _HmacSha256:
    """HMAC-SHA256 (RFC 2104) with the padded-key hash states computed once.

    The same MACs as ``hmac.new(key, msg, "sha256")``, twice as fast on short messages: two C-level hash
    copies per message instead of the Python wrapper of :mod:`hmac`. ``key`` is at most 64 bytes.
    """

    def __init__(self, key: bytes):
        block = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


class OperatorProblem(ValueError):
    """A bad operator choice (``--operator``) or an operator applied to a column type it cannot write."""


def _is_text(type_: pa.DataType) -> bool:
    return pa.types.is_string(type_) or pa.types.is_large_string(type_)


class Operator(ABC):
    """What replaces the values of one entity.

    ``entity`` is the entity the operator serves, ``key`` the master key (only keyed operators read it),
    ``arg`` the optional argument written after a colon in ``--operator ENTITY=OP:ARG``.
    """

    #: the name used in ``--operator ENTITY=NAME``
    name: ClassVar[str]
    #: whether ``leakguard reidentify`` can turn outputs back into inputs
    reversible: ClassVar[bool] = False
    #: the only entities the operator applies to (empty: any)
    entities: ClassVar[tuple[str, ...]] = ()
    #: whether the operator reads the master key
    keyed: ClassVar[bool] = False

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        if self.entities and entity not in self.entities:
            raise OperatorProblem(f"{self.name} applies to {', '.join(self.entities)} only, not {entity}")
        if self.keyed and key is None:
            raise keys.KeyProblem(f"no key: pass --key-file FILE or set {keys.ENV_VAR}")
        self.check_arg(arg)
        self.entity = entity
        self.arg = arg

    @classmethod
    def check_arg(cls, arg: str | None) -> None:
        """Raise :class:`OperatorProblem` when ``arg`` is not an argument this operator takes."""
        if arg is not None:
            raise OperatorProblem(f"{cls.name} takes no argument (got {cls.name}:{arg})")

    @abstractmethod
    def apply_one(self, value: str) -> str:
        """The replacement of one whole-cell ``value``."""

    @abstractmethod
    def describe(self) -> str:
        """What the operator writes, in a few words, for the command output."""

    def apply(self, values: Sequence[str | None]) -> list[str | None]:
        """The replacement of each whole-cell value (``None`` stays ``None``), each distinct value once."""
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        table = dict(zip(distinct, self._apply_distinct(distinct), strict=True))
        return [None if v is None else table[v] for v in values]

    def _apply_distinct(self, values: list[str]) -> list[str]:
        """The replacements of distinct, non-null values; overridden where a batch is faster."""
        return [self.apply_one(v) for v in values]

    def apply_span(self, values: Sequence[str]) -> list[str]:
        """The replacement of each span found inside a longer text (same as whole cells, but for redact)."""
        return [v if v is not None else "" for v in self.apply(values)]

    def apply_array(self, array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """The replacement of every whole-cell value of ``array``, of the same type and length, nulls kept.

        String arrays (plain or dictionary-encoded) are dictionary-encoded so each distinct value is
        computed once; other types go to :meth:`_apply_typed`, which raises :class:`OperatorProblem` for a
        type the operator cannot write.
        """
        if isinstance(array, pa.ChunkedArray):
            return pa.chunked_array([self.apply_array(chunk) for chunk in array.chunks], type=array.type)
        if pa.types.is_dictionary(array.type):
            if not _is_text(array.type.value_type):
                return self._apply_typed(array.dictionary_decode()).dictionary_encode()
            dictionary = pa.array(self.apply(array.dictionary.to_pylist()), array.type.value_type)
            return pa.DictionaryArray.from_arrays(array.indices, dictionary, ordered=array.type.ordered)
        if _is_text(array.type):
            encoded = array.dictionary_encode()
            # a dictionary made by dictionary_encode holds distinct, non-null values: no dedup needed
            dictionary = pa.array(self._apply_distinct(encoded.dictionary.to_pylist()), array.type)
            return dictionary.take(encoded.indices)
        return self._apply_typed(array)

    def _apply_typed(self, array: pa.Array) -> pa.Array:
        raise OperatorProblem(
            f"{self.name} writes text and cannot fill a {array.type} column of {self.entity}; "
            "cast the column to string or choose another operator"
        )

    def _apply_via_text(self, array: pa.Array) -> pa.Array:
        """Integers (and whole floats) as their decimal text through :meth:`apply`, back to the array's type."""
        if pa.types.is_floating(array.type):
            return self._apply_via_text(_whole_floats(array, self)).cast(array.type)
        if not pa.types.is_integer(array.type):
            return Operator._apply_typed(self, array)
        text = self.apply_array(array.cast(pa.string()))
        return text.cast(array.type)


class KeepOperator(Operator):
    """``keep``: the value unchanged."""

    name = "keep"

    def apply_one(self, value: str) -> str:
        return value

    def apply(self, values: Sequence[str | None]) -> list[str | None]:
        return list(values)

    def apply_array(self, array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        return array

    def describe(self) -> str:
        return "keep (not pseudonymised)"


class RedactOperator(Operator):
    """``redact``: whole cells emptied (``""``; ``null`` in Arrow arrays); spans in text -> ``[REDACTED]``."""

    name = "redact"

    def apply_one(self, value: str) -> str:
        return ""

    def apply_span(self, values: Sequence[str]) -> list[str]:
        return [REDACTED] * len(values)

    def apply_array(self, array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        if isinstance(array, pa.ChunkedArray):
            return pa.chunked_array([self.apply_array(chunk) for chunk in array.chunks], type=array.type)
        return pa.nulls(len(array), array.type)

    def describe(self) -> str:
        return f"redact (whole cells emptied, spans in text replaced with {REDACTED})"


class MaskOperator(Operator):
    """``mask[:N]``: the last N letters/digits kept (default 4), the others ``*``, separators kept.

    A value of N letters/digits or fewer is kept whole: choose N for the shortest values of the entity.

    >>> MaskOperator("PHONE_NUMBER").apply_one("06 12 34 56 78")
    '** ** ** 56 78'
    """

    name = "mask"
    MASK = "*"
    DEFAULT_KEEP = 4

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        super().__init__(entity, key, arg)
        self.keep = int(arg) if arg is not None else self.DEFAULT_KEEP

    @classmethod
    def check_arg(cls, arg: str | None) -> None:
        if arg is not None and not (arg.isdigit() and int(arg) <= 64):
            raise OperatorProblem(f"mask takes the number of characters to keep, 0 to 64 (got mask:{arg})")

    def apply_one(self, value: str) -> str:
        total = sum(1 for char in value if char.isalnum())
        seen = 0
        out = []
        for char in value:
            if char.isalnum():
                seen += 1
                out.append(char if seen > total - self.keep else self.MASK)
            else:
                out.append(char)
        return "".join(out)

    def describe(self) -> str:
        return f"mask (last {self.keep} letters/digits kept, others {self.MASK})"


class GeneraliseOperator(Operator):
    """``generalise[:year|month]`` for ``DATE_OF_BIRTH``: the date cut to its year (default) or month.

    A string keeps its written form with day (and month) set to 01; a string that is no date of a known form
    keeps only its year if it holds one (``né en 1985`` -> ``1985``), else becomes empty. Arrow dates and
    timestamps are cut to the first day of the year or month.

    >>> GeneraliseOperator("DATE_OF_BIRTH").apply(["12/05/1985", "1985-05-12", "12 mai 1985", "vers 1985"])
    ['01/01/1985', '1985-01-01', '01 janvier 1985', '1985']
    """

    name = "generalise"
    entities = ("DATE_OF_BIRTH",)
    GRANULARITIES = ("year", "month")
    _YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        super().__init__(entity, key, arg)
        self.granularity = arg or "year"

    @classmethod
    def check_arg(cls, arg: str | None) -> None:
        if arg is not None and arg not in cls.GRANULARITIES:
            raise OperatorProblem(f"generalise takes year or month (got generalise:{arg})")

    def apply_one(self, value: str) -> str:
        written = parse_date(value)
        if written is None:
            year = self._YEAR_RE.search(value)
            return year.group(0) if year else ""
        date = written.date.replace(day=1)
        if self.granularity == "year":
            date = date.replace(month=1)
        return written.render(date)

    def _apply_typed(self, array: pa.Array) -> pa.Array:
        if pa.types.is_date(array.type) or pa.types.is_timestamp(array.type):
            return pc.floor_temporal(array, unit=self.granularity)
        return super()._apply_typed(array)

    def describe(self) -> str:
        if self.granularity == "year":
            return "generalise (to the year: day and month set to 01, written form kept)"
        return "generalise (to the month: day set to 01, written form kept)"


class HmacOperator(Operator):
    """``hmac``: a keyed, typed token (``NIR_`` + 16 base32 characters); integers -> numeric tokens.

    >>> op = HmacOperator("EMAIL_ADDRESS", bytes(32))
    >>> op.apply_one("Jean.Dupont@example.fr") == op.apply_one(" jean.dupont@EXAMPLE.fr")
    True
    >>> op.apply_one("jean.dupont@example.fr").endswith("@example.invalid")
    True
    """

    name = "hmac"
    keyed = True

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        super().__init__(entity, key, arg)
        assert key is not None
        self._mac = _HmacSha256(keys.derive(key, "hmac"))
        self._label = entity.encode("utf-8") + b"\x00"
        self._normalise = normaliser(entity)
        self.prefix = TOKEN_PREFIXES.get(entity, entity + "_")
        self.suffix = EMAIL_TOKEN_DOMAIN if entity == "EMAIL_ADDRESS" else ""

    def digest(self, value: str) -> bytes:
        """The full MAC of the normalised ``value``."""
        return self._mac.digest(self._label + self._normalise(value).encode("utf-8"))

    def apply_one(self, value: str) -> str:
        return self._apply_distinct([value])[0]

    def _apply_distinct(self, values: list[str]) -> list[str]:
        # Distinct written forms may share a normal form: MAC each normal form once, then base32 all the
        # truncated MACs in one vectorised pass.
        forms = list(map(self._normalise, values))
        distinct = list(dict.fromkeys(forms))
        digest, label, size = self._mac.digest, self._label, TOKEN_BITS // 8
        parts = [digest(label + form.encode("utf-8"))[:size] for form in distinct]
        prefix, suffix = self.prefix, self.suffix
        tokens = [prefix + text + suffix for text in _base32_lower(b"".join(parts))]
        if len(distinct) == len(forms):
            return tokens
        token = dict(zip(distinct, tokens, strict=True))
        return [token[form] for form in forms]

    def numeric(self, value: str, digits: int = 15) -> str:
        """A decimal token of ``digits`` digits (2-18) that starts with 9: never a valid NIR, fits int64."""
        return self.apply_numeric([value], digits)[0]

    def apply_numeric(self, values: Sequence[str], digits: int = 15) -> list[str]:
        """:meth:`numeric` of each value."""
        if not 2 <= digits <= MAX_NUMERIC_DIGITS:
            raise OperatorProblem(f"a numeric token has 2 to {MAX_NUMERIC_DIGITS} digits (got {digits})")
        modulus = 10 ** (digits - 1)
        cache: dict[str, str] = {}
        out = []
        for value in values:
            token = cache.get(value)
            if token is None:
                number = int.from_bytes(self.digest(value)[:16], "big") % modulus
                token = cache[value] = f"9{number:0{digits - 1}d}"
            out.append(token)
        return out

    def _apply_typed(self, array: pa.Array) -> pa.Array:
        if pa.types.is_floating(array.type):
            # float64 holds integers exactly up to 2**53: 15-digit tokens (collisions: see the module docstring)
            encoded = _whole_floats(array, self).cast(pa.string()).dictionary_encode()
            numbers = pa.array([float(t) for t in self.apply_numeric(encoded.dictionary.to_pylist(), 15)])
            return numbers.take(encoded.indices).cast(array.type)
        if not pa.types.is_integer(array.type):
            return super()._apply_typed(array)
        if array.type.bit_width < 64:
            raise OperatorProblem(
                f"hmac writes {INTEGER_COLUMN_DIGITS}-digit numbers and cannot fill a {array.type} column of "
                f"{self.entity}; "
                "cast it to int64 or string"
            )
        # 18 digits, the widest that fits int64: collisions stay negligible at 10^8 people
        encoded = array.cast(pa.string()).dictionary_encode()
        values = encoded.dictionary.to_pylist()
        numbers = pa.array([int(t) for t in self.apply_numeric(values, INTEGER_COLUMN_DIGITS)], pa.int64())
        return numbers.take(encoded.indices).cast(array.type)

    def describe(self) -> str:
        shape = f"{self.prefix}<{TOKEN_CHARS} base32>{self.suffix}"
        return f"hmac (keyed token {shape}, same value -> same token, not reversible)"


def _whole_floats(array: pa.Array, operator: Operator) -> pa.Array:
    """A float column of whole numbers (a NIR column gone through pandas) as int64; an error otherwise."""
    present = array.drop_null()
    if len(present) and not (pc.all(pc.equal(pc.floor(present), present)).as_py()
                             and pc.max(pc.abs(present)).as_py() < 2**53):
        raise OperatorProblem(
            f"{operator.name} cannot fill a {array.type} column of {operator.entity} holding fractions; "
            "cast the column to string or choose another operator"
        )
    return array.cast(pa.int64())


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
        width = sum(1 for char in value if char.isalnum())
        if width == 0:
            return value
        token = self._fallback.numeric(value, min(max(width, 2), MAX_NUMERIC_DIGITS))
        out, position = [], 0
        for char in value:
            if char.isalnum() and position < len(token):
                out.append(token[position])
                position += 1
            elif not char.isalnum():
                out.append(char)
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


#: The operators by ``--operator`` name.
OPERATORS: dict[str, type[Operator]] = {
    op.name: op for op in (HmacOperator, FpeOperator, MaskOperator, RedactOperator, GeneraliseOperator, KeepOperator)
}

#: What each entity gets when no ``--operator`` says otherwise.
DEFAULT_POLICY: dict[str, str] = {
    "FR_NIR": "hmac",
    "FR_AMC": "hmac",
    "FR_MUTUELLE_MEMBER_ID": "hmac",
    "EMAIL_ADDRESS": "hmac",
    "PHONE_NUMBER": "hmac",
    "IBAN_CODE": "hmac",
    "PERSON": "hmac",
    "DATE_OF_BIRTH": "generalise",
    "FR_HEALTH_INSURER": "keep",
    "FR_HEALTH_GUARANTEE": "keep",
}
#: The operator of an entity that has no default (an entity added after this table): keyed tokens.
FALLBACK_OPERATOR = "hmac"


def _split(spec: str) -> tuple[str, str | None]:
    name, _, arg = spec.partition(":")
    return name.strip().lower(), (arg.strip() or None) if _ else None


def check_operator(entity: str, spec: str) -> None:
    """Raise :class:`OperatorProblem` unless ``spec`` (``NAME`` or ``NAME:ARG``) suits ``entity``."""
    name, arg = _split(spec)
    op = OPERATORS.get(name)
    if op is None:
        allowed = ", ".join(OPERATORS)
        raise OperatorProblem(f"unknown operator {name!r} for {entity}; allowed: {allowed}")
    if op.entities and entity not in op.entities:
        raise OperatorProblem(f"{name} applies to {', '.join(op.entities)} only, not {entity}")
    op.check_arg(arg)


def parse_operator_option(text: str) -> tuple[str, str]:
    """``"FR_NIR=fpe"`` -> ``("FR_NIR", "fpe")``; ``"DATE_OF_BIRTH=generalise:month"`` keeps the argument.

    The entity is upper-cased and must be one of :data:`KNOWN_ENTITIES`; the operator is lower-cased and must
    be one of :data:`OPERATORS` and apply to the entity. Raises :class:`OperatorProblem` with one line naming
    the allowed values.
    """
    entity, equals, spec = text.partition("=")
    entity = entity.strip().upper()
    if not equals or not entity or not spec.strip():
        raise OperatorProblem(f"expected ENTITY=OP (e.g. FR_NIR=fpe), got {text!r}")
    if entity not in KNOWN_ENTITIES:
        raise OperatorProblem(f"unknown entity {entity!r}; known: {', '.join(KNOWN_ENTITIES)}")
    check_operator(entity, spec)
    name, arg = _split(spec)
    return entity, name if arg is None else f"{name}:{arg}"


class Policy:
    """The configured operator of every entity: defaults, overridden by ``--operator`` choices.

    >>> policy = Policy(bytes(32), {"FR_NIR": "fpe"})
    >>> policy["FR_NIR"].name, policy["FR_HEALTH_INSURER"].name
    ('fpe', 'keep')
    """

    def __init__(
        self,
        key: bytes,
        overrides: Mapping[str, str] | None = None,
        *,
        defaults: Mapping[str, str] = DEFAULT_POLICY,
    ):
        self._key = key
        self.fingerprint = keys.fingerprint(key)
        self.choices: dict[str, str] = dict(defaults)
        for entity, spec in (overrides or {}).items():
            check_operator(entity, spec)
            self.choices[entity] = spec
        self.operators: dict[str, Operator] = {}
        for entity in self.choices:
            self.operator(entity)

    def operator(self, entity: str) -> Operator:
        """The operator of ``entity``; an entity with no choice gets :data:`FALLBACK_OPERATOR`."""
        op = self.operators.get(entity)
        if op is None:
            name, arg = _split(self.choices.get(entity, FALLBACK_OPERATOR))
            op = self.operators[entity] = OPERATORS[name](entity, self._key, arg)
        return op

    __getitem__ = operator

    def __reduce__(self) -> tuple[type[Policy], tuple[bytes, dict[str, str]]]:
        """Rebuilt from the key and the choices (worker processes of :mod:`leakguard.pseudonymise.parallel`);
        the operators' keyed states are derived again on the other side."""
        return Policy, (self._key, dict(self.choices))

    def __repr__(self) -> str:
        return f"Policy(key fingerprint {self.fingerprint}, {self.choices!r})"

    def describe(self) -> list[str]:
        """One line per entity: ``"FR_HEALTH_INSURER: keep (not pseudonymised)"``."""
        return [f"{entity}: {self.operator(entity).describe()}" for entity in self.choices]
