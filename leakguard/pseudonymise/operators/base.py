"""The interface every operator has: one value, a list, spans in text, an Arrow array."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from leakguard.pseudonymise import keys


class OperatorProblem(ValueError):
    """A bad operator choice (``--operator``) or an operator applied to a column type it cannot write."""


def is_text(type_: pa.DataType) -> bool:
    """Whether ``type_`` is an Arrow string type (plain or large)."""
    return pa.types.is_string(type_) or pa.types.is_large_string(type_)


class Operator(ABC):
    """What replaces the values of one entity.

    ``entity`` is the entity the operator serves, ``key`` the master key (only keyed operators read it),
    ``arg`` the optional argument written after a colon in ``--operator ENTITY=OP:ARG``.

    Subclasses give :meth:`apply_one` and :meth:`describe`; where a whole batch is cheaper than one value at a
    time they override :meth:`_apply_distinct` (a list) or :meth:`_replace_distinct` (an Arrow array).
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

    def _replace_distinct(self, values: pa.Array) -> pa.Array:
        """The replacements of an Arrow string array of distinct, non-null values, of the same type."""
        return pa.array(self._apply_distinct(values.to_pylist()), values.type)

    def apply_span(self, values: Sequence[str]) -> list[str]:
        """The replacement of each span found inside a longer text (same as whole cells, but for redact)."""
        return [v if v is not None else "" for v in self.apply(values)]

    def apply_array(self, array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """The replacement of every whole-cell value of ``array``, of the same type and length, nulls kept.

        String arrays (plain or dictionary-encoded) are dictionary-encoded so each distinct value is
        computed once and expanded with ``take``; other types go to :meth:`_apply_typed`, which raises
        :class:`OperatorProblem` for a type the operator cannot write.
        """
        if isinstance(array, pa.ChunkedArray):
            return pa.chunked_array([self.apply_array(chunk) for chunk in array.chunks], type=array.type)
        if pa.types.is_dictionary(array.type):
            if not is_text(array.type.value_type):
                return self._apply_typed(array.dictionary_decode()).dictionary_encode()
            dictionary = pa.array(self.apply(array.dictionary.to_pylist()), array.type.value_type)
            return pa.DictionaryArray.from_arrays(array.indices, dictionary, ordered=array.type.ordered)
        if is_text(array.type):
            encoded = array.dictionary_encode()
            # a dictionary made by dictionary_encode holds distinct, non-null values: no dedup needed
            dictionary = self._replace_distinct(encoded.dictionary)
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
            return self._apply_via_text(whole_floats(array, self)).cast(array.type)
        if not pa.types.is_integer(array.type):
            return Operator._apply_typed(self, array)
        text = self.apply_array(array.cast(pa.string()))
        return text.cast(array.type)


def whole_floats(array: pa.Array, operator: Operator) -> pa.Array:
    """A float column of whole numbers (a NIR column gone through pandas) as int64; an error otherwise."""
    present = array.drop_null()
    if len(present) and not (pc.all(pc.equal(pc.floor(present), present)).as_py()
                             and pc.max(pc.abs(present)).as_py() < 2**53):
        raise OperatorProblem(
            f"{operator.name} cannot fill a {array.type} column of {operator.entity} holding fractions; "
            "cast the column to string or choose another operator"
        )
    return array.cast(pa.int64())
