"""Detection in worker processes gives exactly the findings of one process."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.parquet as pq

from leakguard.detect.engine import DetectOptions
from leakguard.parallel import ParallelDetector
from leakguard.scan import scan_path
from recognizers import nir
from tests.strategies import make_nir


def _table(n: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    people = []
    while len(people) < 500:
        number = make_nir(rng.choice("12"), rng.randint(0, 99), rng.randint(1, 12), f"{rng.randint(1, 95):02d}"
                          f"{rng.randint(1, 999):03d}", rng.randint(1, 999))
        if nir.is_valid(number):
            people.append(number)
    return pa.table({
        "c0": [nir.format(people[i % 500]) if i % 2 else people[i % 500] for i in range(n)],
        "ref": [str(rng.randrange(10**14, 10**15)) for _ in range(n)],
        "note": [f"rappel {rng.randrange(10**14, 10**15)} pour {people[i % 500]}" if i % 7 == 0 else "ras"
                 for i in range(n)],
    })


def test_two_workers_find_exactly_what_one_process_finds(tmp_path):
    path = tmp_path / "dump.parquet"
    pq.write_table(_table(6_000, 1), path, row_group_size=1_000)
    options = DetectOptions(ner=False)
    sequential = [t for item in scan_path(str(path), options=options, batch_rows=1_000)
                  if isinstance(item, tuple) for t in [item[1]]]
    with ParallelDetector(options, 2) as parallel:
        concurrent = [t for item in scan_path(str(path), options=options, batch_rows=1_000, parallel=parallel)
                      if isinstance(item, tuple) for t in [item[1]]]
    assert len(sequential) == len(concurrent) == 6
    for one, two in zip(sequential, concurrent):
        assert one.equals(two)
    assert sum(t.num_rows for t in sequential) > 6_000
