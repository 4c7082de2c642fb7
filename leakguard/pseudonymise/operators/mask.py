"""``mask[:N]``: the last N letters/digits kept (default 4), the others ``*``, separators kept."""

from __future__ import annotations

from leakguard.pseudonymise.normalise import own_positions
from leakguard.pseudonymise.operators.base import Operator, OperatorProblem


class MaskOperator(Operator):
    """``mask[:N]``: the last N letters/digits kept (default 4), the others ``*``, separators kept (and the
    words of a NIR's key given apart, :func:`~leakguard.pseudonymise.normalise.own_positions`).

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
        positions = own_positions(self.entity, value)
        out = list(value)
        for i in positions[: max(len(positions) - self.keep, 0)]:
            out[i] = self.MASK
        return "".join(out)

    def describe(self) -> str:
        return f"mask (last {self.keep} letters/digits kept, others {self.MASK})"
