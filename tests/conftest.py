"""Fixtures shared by several test modules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthetic import bulk

MILLION = 1_000_000


@dataclass(frozen=True)
class DecisionTable:
    """A table whose NIR decisions need the whole column, its Parquet file, and where the typos are.

    ``num_facture``: random 15-digit invoice numbers (int64); ``c0``: NIRs under a meaningless name, 5% of them
    mistyped; ``c1``: the same with 20% mistyped (strings, compact or grouped).
    """

    table: pa.Table
    path: Path
    typos: dict[str, np.ndarray]

    @property
    def valid(self) -> dict[str, int]:
        """Cells holding a valid NIR, per column."""
        return {name: int((~mask).sum()) for name, mask in self.typos.items()}


def decision_table(rows: int, seed: int) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """The table of :class:`DecisionTable` (generated identifiers only; no Corsican NIRs, which have no int)."""
    gen = np.random.default_rng(seed)
    columns: dict[str, pa.Array] = {"num_facture": pa.array(bulk.invoice_numbers(gen, rows), pa.int64())}
    typos = {}
    for name, share in (("c0", 0.05), ("c1", 0.20)):
        female = gen.random(rows) < 0.5
        birth = np.datetime64("1930-01-01") + gen.integers(0, 34_000, rows).astype("timedelta64[D]")
        values = np.zeros(0, np.int64)
        while len(values) < rows:  # Corsican NIRs aside (no integer form)
            _, drawn = bulk.nirs(gen, female, birth)
            values = np.concatenate([values, drawn[drawn > 0]])
        values, typos[name] = bulk.nir_typos(gen, values[:rows], share)
        compact = pa.array(values).cast(pa.string())
        columns[name] = bulk.nir_written(compact, np.where(gen.random(rows) < 0.5, 0, 1))
    return pa.table(columns), typos


@pytest.fixture(scope="session")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> DecisionTable:
    """10^6 rows: invoice numbers and NIR columns with typos, also as Parquet (row groups of 65,536 rows)."""
    table, typos = decision_table(MILLION, 2026)
    path = tmp_path_factory.mktemp("decisions") / "million.parquet"
    pq.write_table(table, path, row_group_size=65_536)
    return DecisionTable(table, path, typos)
