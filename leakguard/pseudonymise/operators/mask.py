"""``mask[:N]``: the last N letters/digits kept (default 4), never more than half of them, the others ``*``."""

from __future__ import annotations

from leakguard.pseudonymise.normalise import own_positions
from leakguard.pseudonymise.operators.base import Operator, OperatorProblem


class MaskOperator(Operator):
    """``mask[:N]``: the last N letters/digits kept (default 4), the others ``*``, separators kept (and the
    words of a NIR's key given apart, :func:`~leakguard.pseudonymise.normalise.own_positions`).

    Never more than half of a value's letters and digits are kept, so a short value is never left whole (a
    first name of four letters keeps two).

    >>> MaskOperator("PHONE_NUMBER").apply_one("06 12 34 56 78"), MaskOperator("PERSON").apply_one("Léa")
    ('** ** ** 56 78', '**a')
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
        for i in positions[: len(positions) - min(self.keep, len(positions) // 2)]:
            out[i] = self.MASK
        return "".join(out)

    def describe(self) -> str:
        return f"mask (last {self.keep} letters/digits kept, at most half of them, others {self.MASK})"
