"""The policy: which operator each entity gets, by default and as chosen with ``--operator``."""

from __future__ import annotations

from collections.abc import Mapping

from leakguard.pseudonymise import keys
from leakguard.pseudonymise.operators.base import Operator
from leakguard.pseudonymise.operators.factory import check_operator, create_operator
from recognizers import all_records

#: What each entity gets when no ``--operator`` says otherwise (its record's ``default_operator``).
DEFAULT_POLICY: dict[str, str] = {record.name: record.default_operator for record in all_records()}
#: The operator of an entity that has no default (an entity added after this table): keyed tokens.
FALLBACK_OPERATOR = "token"


class Policy:
    """The configured operator of every entity: defaults, overridden by ``--operator`` choices.

    >>> policy = Policy(bytes(32), {"FR_NIR": "fpe"})
    >>> policy["FR_NIR"].name, policy["PERSON"].name, policy["FR_HEALTH_INSURER"].name
    ('fpe', 'token', 'keep')
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
            op = self.operators[entity] = create_operator(entity, self.choices.get(entity, FALLBACK_OPERATOR),
                                                          self._key)
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
