"""The operators by name: parse ``--operator ENTITY=OP[:ARG]``, check it, make the operator."""

from __future__ import annotations

from leakguard.findings import ENTITIES
from leakguard.pseudonymise.operators.base import Operator, OperatorProblem
from leakguard.pseudonymise.operators.fpe import FpeOperator
from leakguard.pseudonymise.operators.generalise import GeneraliseOperator
from leakguard.pseudonymise.operators.hmac import HmacOperator
from leakguard.pseudonymise.operators.keep import KeepOperator
from leakguard.pseudonymise.operators.mask import MaskOperator
from leakguard.pseudonymise.operators.redact import RedactOperator
from leakguard.pseudonymise.operators.token import TokenOperator

#: The entity names of the contract (DESIGN.md); ``--operator`` accepts these.
KNOWN_ENTITIES = ENTITIES

#: The operators by ``--operator`` name.
OPERATORS: dict[str, type[Operator]] = {
    op.name: op
    for op in (TokenOperator, HmacOperator, FpeOperator, MaskOperator, RedactOperator, GeneraliseOperator,
               KeepOperator)
}


def split_spec(spec: str) -> tuple[str, str | None]:
    """``"generalise:month"`` -> ``("generalise", "month")``; ``"token"`` -> ``("token", None)``."""
    name, colon, arg = spec.partition(":")
    return name.strip().lower(), (arg.strip() or None) if colon else None


def operator_class(entity: str, spec: str) -> tuple[type[Operator], str | None]:
    """The class and argument of ``spec`` (``NAME`` or ``NAME:ARG``) for ``entity``, both checked.

    Raises :class:`OperatorProblem` for an unknown name, an entity the operator does not serve, or an argument
    it does not take.
    """
    name, arg = split_spec(spec)
    op = OPERATORS.get(name)
    if op is None:
        allowed = ", ".join(OPERATORS)
        raise OperatorProblem(f"unknown operator {name!r} for {entity}; allowed: {allowed}")
    if op.entities and entity not in op.entities:
        raise OperatorProblem(f"{name} applies to {', '.join(op.entities)} only, not {entity}")
    op.check_arg(arg)
    return op, arg


def check_operator(entity: str, spec: str) -> None:
    """Raise :class:`OperatorProblem` unless ``spec`` (``NAME`` or ``NAME:ARG``) suits ``entity``."""
    operator_class(entity, spec)


def create_operator(entity: str, spec: str, key: bytes | None) -> Operator:
    """The operator ``spec`` for ``entity`` under the master ``key``.

    >>> create_operator("PHONE_NUMBER", "mask:2", None).apply_one("06 12 34 56 78")
    '** ** ** ** 78'
    """
    op, arg = operator_class(entity, spec)
    return op(entity, key, arg)


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
    name, arg = split_spec(spec)
    return entity, name if arg is None else f"{name}:{arg}"
