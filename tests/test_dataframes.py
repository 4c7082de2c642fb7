"""The library meets data frames: pandas, polars, DuckDB relations and record batch readers, through the Arrow
PyCapsule stream protocol (``__arrow_c_stream__``), give the findings of the same Arrow table."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import leakguard
from synthetic.tables import beneficiary_table

KEY = bytes(range(32))


@pytest.fixture(scope="module")
def table() -> pa.Table:
    """A generated beneficiary table: 17 columns, NIRs in every written form, dates of birth as date32."""
    generated, _ = beneficiary_table(300, seed=16)
    return generated


def _duckdb(table: pa.Table) -> duckdb.DuckDBPyRelation:
    connection = duckdb.connect()
    connection.register("beneficiaires", table)
    return connection.sql("SELECT * FROM beneficiaires")


FRAMES: dict[str, Callable[[pa.Table], object]] = {
    "pandas": lambda t: t.to_pandas(),
    "polars": pl.from_arrow,
    "duckdb": _duckdb,
    "record batch reader": lambda t: pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=64)),
}


def _located(findings: pa.Table) -> list[tuple]:
    return sorted(findings.select(["row", "column", "start", "end", "entity", "preview"]).to_pylist(),
                  key=lambda f: tuple(str(v) for v in f.values()))


@pytest.mark.parametrize("kind", FRAMES)
def test_scan_table_takes_any_object_exporting_arrow(table, kind):
    expected = _located(leakguard.scan_table(table, ner=False))
    assert expected  # the table holds personal data in most columns
    assert _located(leakguard.scan_table(FRAMES[kind](table), ner=False)) == expected


@pytest.mark.parametrize("kind", FRAMES)
def test_scan_batches_reads_an_arrow_stream_batch_by_batch(table, kind):
    expected = _located(leakguard.scan_table(table, ner=False))
    findings = list(leakguard.scan_batches(FRAMES[kind](table), ner=False))
    assert _located(pa.concat_tables(findings)) == expected


def test_pseudonymise_table_gives_pandas_back_for_pandas(table):
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(1000, 1000 + len(frame))  # an index of the user's own is kept
    out = leakguard.pseudonymise_table(frame, KEY, ner=False)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == list(frame.index) and list(out.columns) == list(frame.columns)
    assert (out.dtypes == frame.dtypes).all()
    expected = leakguard.pseudonymise_table(table, KEY, ner=False)
    assert out["nir"].tolist() == expected["nir"].to_pylist() != frame["nir"].tolist()


def test_pseudonymise_table_gives_polars_back_for_polars(table):
    frame = pl.from_arrow(table)
    out = leakguard.pseudonymise_table(frame, KEY, ner=False)
    assert isinstance(out, pl.DataFrame) and out.schema == frame.schema
    expected = leakguard.pseudonymise_table(table, KEY, ner=False)
    assert out["nir"].to_list() == expected["nir"].to_pylist() != frame["nir"].to_list()


@pytest.mark.parametrize("kind", ["duckdb", "record batch reader"])
def test_pseudonymise_table_gives_an_arrow_table_for_other_exporters(table, kind):
    out = leakguard.pseudonymise_table(FRAMES[kind](table), KEY, ner=False)
    assert isinstance(out, pa.Table)
    assert out.column("nir").to_pylist() == leakguard.pseudonymise_table(table, KEY, ner=False)["nir"].to_pylist()


@pytest.mark.parametrize("kind", FRAMES)
def test_pseudonymise_batches_reads_an_arrow_stream(table, kind):
    expected = leakguard.pseudonymise_table(table, KEY, ner=False)
    batches = list(leakguard.pseudonymise_batches(FRAMES[kind](table), KEY, ner=False))
    assert sum(batch.num_rows for batch in batches) == table.num_rows
    assert pa.Table.from_batches(batches).column("email").to_pylist() == expected["email"].to_pylist()


@pytest.mark.parametrize("call", [
    lambda: leakguard.scan_table({"nir": ["x"]}, ner=False),
    lambda: list(leakguard.scan_batches(42, ner=False)),
    lambda: leakguard.pseudonymise_table("dump.parquet", KEY, ner=False),
])
def test_anything_else_is_a_type_error_that_says_what_is_accepted(call):
    with pytest.raises(TypeError, match="__arrow_c_stream__: pandas, polars, DuckDB"):
        call()
