"""``redact``: whole cells emptied, spans inside a text replaced with a marker so the text still reads."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from leakguard.pseudonymise.operators.base import Operator

#: The replacement of a redacted span inside a longer text.
REDACTED = "[REDACTED]"


class RedactOperator(Operator):
    """``redact``: whole cells emptied (``""``; ``null`` in Arrow arrays); spans in text -> ``[REDACTED]``.

    >>> op = RedactOperator("PERSON")
    >>> op.apply(["Jean Dupont"]), op.apply_span(["Jean Dupont"])
    ([''], ['[REDACTED]'])
    """

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
