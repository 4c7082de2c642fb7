"""Allowlisted values: identifiers known to be safe, such as the synthetic NIRs of a test suite.

The ``allow`` list of the configuration holds values as people write them (``"1 85 05 78 006 084 91"``,
``"Test.User@Example.org"``). A finding is allowed when its value, in the normal form of the entity found,
equals the normal form of one listed value (the normalisers of :mod:`leakguard.pseudonymise.normalise`: a NIR
without separators, an e-mail in lower case, a phone in E.164, a name folded): so one entry covers every
spelling of the value, and an entry never allows a different value of another entity by accident.

Matching runs on the distinct ``(entity, value)`` pairs of a findings table, not once per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _normaliser(entity: str) -> Callable[[str], str]:
    from leakguard.pseudonymise.normalise import normaliser

    return normaliser(entity)


def distinct_pairs(findings: pa.Table) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The distinct ``(entity, value)`` pairs of ``findings`` (which has a ``value`` column) and, per row,
    the index of its pair."""
    joined = pc.binary_join_element_wise(findings["entity"], findings["value"], "\x00")
    encoded = pc.dictionary_encode(joined).combine_chunks()
    pairs = [tuple(text.split("\x00", 1)) for text in encoded.dictionary.to_pylist()]
    return pairs, encoded.indices.to_numpy(zero_copy_only=False)  # type: ignore[return-value]


class Allowlist:
    """Values never reported, compared in each entity's normal form."""

    def __init__(self, values: Iterable[str]):
        self.values = tuple(value for value in values if value.strip())
        self._forms: dict[str, frozenset[str]] = {}

    def __bool__(self) -> bool:
        return bool(self.values)

    def _forms_of(self, entity: str) -> frozenset[str]:
        forms = self._forms.get(entity)
        if forms is None:
            normalise = _normaliser(entity)
            forms = self._forms[entity] = frozenset(normalise(value) for value in self.values)
        return forms

    def allows(self, entity: str, value: str) -> bool:
        """Whether ``value``, found as ``entity``, is allowlisted."""
        return bool(self.values) and _normaliser(entity)(value) in self._forms_of(entity)

    def mask(self, findings: pa.Table) -> np.ndarray:
        """Per finding, whether it is allowed (``findings`` must have the raw ``value`` column)."""
        if not self.values or findings.num_rows == 0:
            return np.zeros(findings.num_rows, dtype=bool)
        pairs, index = distinct_pairs(findings)
        allowed = np.array([self.allows(entity, value) for entity, value in pairs], dtype=bool)
        return allowed[index]


__all__ = ["Allowlist", "distinct_pairs"]
