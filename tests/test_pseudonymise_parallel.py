"""Pseudonymisation in worker processes writes exactly what one process writes."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leakguard import pseudonymise_batches
from leakguard.pseudonymise import files as pseudonymise_files
from leakguard.pseudonymise import pseudonymise_file
from leakguard.pseudonymise.operators import OperatorProblem, Policy
from leakguard.pseudonymise.parallel import ParallelRewriter
from leakguard.pseudonymise.tables import rewrite_batches
from synthetic import beneficiary_table
from synthetic import files as synthetic_files
from tests.strategies import nir_stream_table

KEY = bytes(range(32))


def _batches(table: pa.Table, rows: int) -> list[pa.RecordBatch]:
    return table.to_batches(max_chunksize=rows)


@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_write_exactly_what_one_process_writes(jobs):
    table = nir_stream_table(3_000, 2, people=300, note_every=5)
    batches = _batches(table, 700) + _batches(beneficiary_table(3_000, 5)[0], 700)
    one = list(pseudonymise_batches(batches, KEY, ner=False))
    several = list(pseudonymise_batches(batches, KEY, ner=False, jobs=jobs))
    assert len(one) == len(several) == len(batches)
    for a, b in zip(one, several):
        assert a.equals(b)
    replaced = pa.Table.from_batches(several[:5])
    # the meaningless NIR column was decided a NIR column, the references were left alone
    assert all(v.startswith("NIR_") for v in replaced["c0"].drop_null().to_pylist())
    assert replaced["ref"].drop_null().to_pylist() == table["ref"].drop_null().to_pylist()


def test_an_empty_batch_and_an_empty_stream_pass_through():
    table = nir_stream_table(50, 3)
    batches = [pa.RecordBatch.from_pylist([], schema=table.schema), *_batches(table, 25)]
    out = list(pseudonymise_batches(batches, KEY, ner=False, jobs=2))
    assert [b.num_rows for b in out] == [0, 25, 25]
    assert list(pseudonymise_batches([], KEY, ner=False, jobs=2)) == []


def test_an_operator_error_in_a_worker_is_raised_in_the_caller_with_its_type():
    # token writes 18-digit numbers: an int32 column of AMC numbers cannot hold them
    table = pa.table({"num_amc": pa.array([31203478, 41203479] * 50, pa.int32())})
    with pytest.raises(OperatorProblem, match="int32"):
        list(pseudonymise_batches(_batches(table, 30), KEY, ner=False, jobs=2))


def test_the_workers_stop_when_the_caller_stops_early():
    table = nir_stream_table(2_000, 4)
    with ParallelRewriter(Policy(KEY), ner=False, jobs=2) as parallel:
        workers = [w.process for w in parallel._workers]
        stream = rewrite_batches(parallel, _batches(table, 400))
        next(stream)
        stream.close()
    for process in workers:
        assert not process.is_alive()


@pytest.mark.parametrize("kind", ["parquet", "csv", "log"])
def test_files_pseudonymised_by_workers_are_the_same_bytes(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(pseudonymise_files, "MIN_PARALLEL_BYTES", 0)
    table, _ = beneficiary_table(2_500, 9)
    source = tmp_path / {"parquet": "in.parquet", "csv": "in.csv", "log": "in.log"}[kind]
    if kind == "parquet":
        pq.write_table(table, source, row_group_size=500)
    elif kind == "csv":
        synthetic_files.write_csv(synthetic_files.csv_view(table)[0], source)
    else:
        synthetic_files.write_lines([f"INFO droits nir={r['nir']} mail={r['email']} note={r['commentaire']}"
                                     for r in table.to_pylist()], source)
    one = pseudonymise_file(source, tmp_path / f"one-{source.name}", KEY, ner=False, batch_rows=1_000)
    two = pseudonymise_file(source, tmp_path / f"two-{source.name}", KEY, ner=False, batch_rows=1_000, jobs=2)
    assert (tmp_path / f"one-{source.name}").read_bytes() == (tmp_path / f"two-{source.name}").read_bytes()
    assert one.replaced == two.replaced and sum(two.replaced.values()) > 2_500
