"""The limit: what reading the file and one vectorised regex pass cost, with nothing else done.

No scanner can beat reading its input. This measurement reads the same Parquet file the way leakguard does
(``ParquetFile.iter_batches`` of 65,536 rows, Arrow's reader threads on) and runs one
``pyarrow.compute.match_substring_regex`` over every string column of every batch with a NIR-like pattern
(:data:`recognizers.nir.RE2_PREFILTER`: 13 digits, each maybe after one separator). Integer and date
columns are read but not searched. "Ratio to the limit" in the results is a scan's time divided by this time
on the same file: 1.0 would mean detection costs nothing beyond one regex pass.
"""

from __future__ import annotations

import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from recognizers.nir import RE2_PREFILTER

BATCH_ROWS = 65_536


def read_and_match(path: str, pattern: str = RE2_PREFILTER) -> tuple[float, int]:
    """Seconds to read ``path`` and match ``pattern`` over its string columns, and the number of matches."""
    started = time.perf_counter()
    matches = 0
    file = pq.ParquetFile(path)
    for batch in file.iter_batches(batch_size=BATCH_ROWS, use_threads=True):
        for field, column in zip(batch.schema, batch.columns):
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                matches += pc.sum(pc.match_substring_regex(column, pattern)).as_py() or 0
    return time.perf_counter() - started, matches
