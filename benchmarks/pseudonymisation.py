"""Pseudonymisation throughput: the default policy, no NER, over the batches of the Parquet file.

Timed: reading the file batch by batch (65,536 rows), :func:`leakguard.pseudonymise_batches` with the default
operators, and materialising every output batch (not writing it: writing Parquet is the same for any tool).
The key is a fixed 32-byte synthetic key derived from a label, never a real one. A short warm-up on the
first rows (imports, key derivation, compiled patterns) runs before the clock.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.memory import high_water_mib, workers_high_water_mib

BATCH_ROWS = 65_536
KEY = hashlib.sha256(b"leakguard benchmarks: synthetic key, not a secret").digest()


def entry_points() -> tuple[Callable[..., pa.Table], Callable[..., Iterator[pa.RecordBatch]]] | None:
    """``(pseudonymise_table, pseudonymise_batches)``, or ``None`` while they are not available."""
    try:
        from leakguard import pseudonymise_batches, pseudonymise_table  # type: ignore[attr-defined]
    except ImportError:
        try:
            from leakguard.pseudonymise.tables import pseudonymise_batches, pseudonymise_table
        except ImportError:
            return None
    return pseudonymise_table, pseudonymise_batches


def run(path: str, *, repeat: int = 1, jobs: int = 1) -> dict[str, Any]:
    """Time the pseudonymisation of every batch of ``path`` (``jobs`` > 1: in that many worker processes,
    started before the clock and warmed up on the first rows, as the scan's workers are)."""
    found = entry_points()
    if found is None:
        raise RuntimeError("leakguard.pseudonymise_table / pseudonymise_batches are not importable")
    pseudonymise_table, pseudonymise_batches = found
    file = pq.ParquetFile(path)
    warm = pa.Table.from_batches([next(file.iter_batches(batch_size=500))])
    pseudonymise_table(warm, KEY, ner=False)
    seconds: list[float] = []
    rows = 0
    workers: list[float] = []
    with contextlib.ExitStack() as stack:
        rewriter = None
        if jobs > 1:
            from leakguard.pseudonymise.operators import Policy
            from leakguard.pseudonymise.parallel import ParallelRewriter
            from leakguard.pseudonymise.tables import rewrite_batches

            rewriter = stack.enter_context(ParallelRewriter(Policy(KEY), ner=False, jobs=jobs))
            warm_chunks = pq.ParquetFile(path).iter_batches(batch_size=500)
            for _ in rewrite_batches(rewriter, [next(warm_chunks) for _ in range(jobs)]):
                pass
        for _ in range(repeat):
            rows = 0
            started = time.perf_counter()
            batches = pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, use_threads=True)
            if rewriter is None:
                stream = pseudonymise_batches(batches, KEY, ner=False)
            else:  # the running workers, not new ones per call
                stream = rewrite_batches(rewriter, batches)
            for batch in stream:
                rows += batch.num_rows
            seconds.append(time.perf_counter() - started)
        if rewriter is not None:
            workers = workers_high_water_mib()
    return {
        "seconds": seconds,
        "rows": rows,
        "findings": None,
        "rss_mib": high_water_mib(),
        "workers_rss_mib": workers,
    }

