"""Detection in worker processes gives exactly the findings of one process."""

from __future__ import annotations

import pyarrow.parquet as pq

from leakguard.detect.engine import DetectOptions
from leakguard.parallel import ParallelDetector
from leakguard.scan import scan_path
from tests.strategies import nir_stream_table


def test_two_workers_find_exactly_what_one_process_finds(tmp_path):
    path = tmp_path / "dump.parquet"
    pq.write_table(nir_stream_table(6_000, 1), path, row_group_size=1_000)
    options = DetectOptions(ner=False)
    sequential = [t for item in scan_path(str(path), options=options, batch_rows=1_000)
                  if isinstance(item, tuple) for t in [item[1]]]
    with ParallelDetector(options, 2) as parallel:
        concurrent = [t for item in scan_path(str(path), options=options, batch_rows=1_000, parallel=parallel)
                      if isinstance(item, tuple) for t in [item[1]]]
    # six chunks, then the NIRs of the meaningless column, held until its decision (on the whole file)
    assert len(sequential) == len(concurrent) == 7
    for one, two in zip(sequential, concurrent):
        assert one.equals(two)
    assert sum(t.num_rows for t in sequential) > 6_000
    assert set(sequential[-1]["column"].to_pylist()) >= {"c0"}
