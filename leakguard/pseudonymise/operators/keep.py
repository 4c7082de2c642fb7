"""``keep``: the value unchanged (insurer names and guarantees, which are not personal data on their own)."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from leakguard.pseudonymise.operators.base import Operator


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
