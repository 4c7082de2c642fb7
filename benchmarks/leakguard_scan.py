"""leakguard's scan of a file, timed the way a user runs it: :func:`leakguard.scan.scan_path`.

One job: a :class:`~leakguard.detect.engine.Detector` in this process. Several jobs: a
:class:`~leakguard.parallel.ParallelDetector` (worker processes, each chunk of 65,536 rows to a worker, the
column decisions merged in the parent), called directly: ``scan_files`` only starts workers for files of
at least 64 MB, and the benchmark wants the 2-job number at every size.

Not timed: imports, loading the NER model (done once before the clock starts, as Presidio's engine is
built before its clock starts) and, for several jobs, starting the workers — they are warmed up with a few
small chunks of the same file first, which also makes each load the NER model if it will need it.
Timed: reading the file, detecting, deciding, producing the findings tables (counted, not written).

With ``keep`` the findings' locations (row, column, start, end, entity) are kept for the quality table:
a few tens of MB at 10**5 rows, held only in the runs that score quality.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.memory import high_water_mib, workers_high_water_mib
from benchmarks.quality import LOCATION

BATCH_ROWS = 65_536
WARM_ROWS = 1_000


def _warm_chunks(path: str, count: int) -> Iterator[object]:
    """``count`` small chunks from the start of the file (Parquet), for warming up workers."""
    from leakguard.sources import table_to_columns
    from leakguard.sources.base import Chunk

    batch = next(pq.ParquetFile(path).iter_batches(batch_size=WARM_ROWS))
    rows = pa.array(range(batch.num_rows), pa.int64())
    for _ in range(count):
        yield Chunk(columns=table_to_columns(batch, row_offset=0), rows=rows)


def _warm_table(path: str) -> pa.Table:
    if path.endswith(".parquet"):
        return pa.Table.from_batches([next(pq.ParquetFile(path).iter_batches(batch_size=WARM_ROWS))])
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for _, line in zip(range(WARM_ROWS), f)]
    return pa.table({"line": lines})


def scan(path: str, *, ner: bool, jobs: int = 1, repeat: int = 1, keep: bool = False) -> dict[str, object]:
    """Time the scan of ``path``; returns seconds per repeat, findings, rows, peaks (and findings kept)."""
    from leakguard.detect.engine import DetectOptions
    from leakguard.scan import scan_path, scan_table
    from leakguard.sources.base import Problem

    options = DetectOptions(ner=ner)
    scan_table(_warm_table(path), options=options)  # imports, compiled patterns
    if ner:
        from leakguard.detect.ner import load_model

        load_model()
    parallel = None
    if jobs > 1:
        from leakguard.parallel import ParallelDetector

        parallel = ParallelDetector(options, jobs)
        if path.endswith(".parquet"):
            for _ in parallel.detect_raw_each(_warm_chunks(path, 2 * jobs)):  # type: ignore[arg-type]
                pass
    seconds: list[float] = []
    findings = rows = problems = 0
    kept: list[pa.Table] = []
    workers: list[float] = []
    try:
        for attempt in range(repeat):
            findings = rows = problems = 0
            kept = []
            started = time.perf_counter()
            for item in scan_path(path, options=options, batch_rows=BATCH_ROWS, parallel=parallel):
                if isinstance(item, Problem):
                    problems += 1
                    continue
                chunk, table = item
                rows += len(chunk.rows)
                findings += table.num_rows
                if keep and attempt == repeat - 1:
                    kept.append(table.select(LOCATION))
            seconds.append(time.perf_counter() - started)
        if parallel is not None:
            workers = workers_high_water_mib()
    finally:
        if parallel is not None:
            parallel.__exit__(None, None, None)
    result: dict[str, object] = {
        "seconds": seconds,
        "rows": rows,
        "findings": findings,
        "problems": problems,
        "rss_mib": high_water_mib(),
        "workers_rss_mib": workers,
    }
    if keep:
        result["kept"] = pa.concat_tables(kept) if kept else None
    return result


def profile(path: str, *, repeat: int = 1) -> dict[str, object]:
    """Time the profile pass of ``path`` (:func:`leakguard.scan.profile_path`: every column's NIR counts, what
    ``pseudonymise`` reads the file for before it writes anything), one process, no NER."""
    from leakguard.detect.engine import DetectOptions, Detector
    from leakguard.scan import profile_path
    from leakguard.sources import table_to_columns
    from leakguard.sources.base import Chunk

    warm = _warm_table(path)  # imports, compiled patterns
    Detector(DetectOptions(ner=False)).count(Chunk(table_to_columns(warm), pa.array(range(warm.num_rows), pa.int64())))
    seconds: list[float] = []
    columns = 0
    for _ in range(repeat):
        started = time.perf_counter()
        columns = len(profile_path(path, DetectOptions(ner=False), batch_rows=BATCH_ROWS).counts)
        seconds.append(time.perf_counter() - started)
    return {"seconds": seconds, "rows": None, "findings": None, "profiled_columns": columns,
            "rss_mib": high_water_mib(), "workers_rss_mib": []}
