"""Where a scan's time goes: ``python -m benchmarks.profiling [--rows 100000] [--ner] [--top 25]``.

Scans the cached beneficiary table of ``--rows`` rows once with the detector's per-column method wrapped in a
timer, and once under ``cProfile``, then prints the seconds per column (with the column's distinct values)
and the functions that take the most time. It reaches into the detector's internals
(``Detector._column``) to time columns: a diagnostic for engine work, not part of the suite's numbers.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections import defaultdict
from pathlib import Path

import click
import pyarrow.compute as pc

from benchmarks import datasets
from benchmarks.suite import OUT


def column_seconds(path: str, ner: bool) -> tuple[dict[str, float], dict[str, int], float]:
    """Seconds spent per column (summed over chunks), distinct values per column, and the total."""
    from leakguard.detect import engine
    from leakguard.scan import scan_path

    spent: dict[str, float] = defaultdict(float)
    distinct: dict[str, int] = defaultdict(int)
    original = engine.Detector._column

    def timed(self, column, counts, *, text):  # type: ignore[no-untyped-def]
        distinct[column.name] += pc.count_distinct(column.values).as_py()
        started = time.perf_counter()
        try:
            return original(self, column, counts, text=text)
        finally:
            spent[column.name] += time.perf_counter() - started

    engine.Detector._column = timed  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        for _ in scan_path(path, options=engine.DetectOptions(ner=ner)):
            pass
        total = time.perf_counter() - started  # includes counting distinct values (not the engine's time)
    finally:
        engine.Detector._column = original  # type: ignore[method-assign]
    return dict(spent), dict(distinct), total


@click.command()
@click.option("--rows", type=click.IntRange(1), default=100_000, show_default=True)
@click.option("--ner", is_flag=True, help="Profile the scan with NER on free text.")
@click.option("--top", type=click.IntRange(1), default=25, show_default=True)
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=OUT / "cache")
def main(rows: int, ner: bool, top: int, cache_dir: Path) -> None:
    """Seconds per column and the costliest functions of one leakguard scan."""
    from leakguard.detect.engine import DetectOptions
    from leakguard.scan import scan_path, scan_table

    data = datasets.beneficiary_parquet(cache_dir, rows)
    scan_table(_warm_table(data.path), options=DetectOptions(ner=ner))
    spent, distinct, total = column_seconds(data.path, ner)
    click.echo(f"scan of {rows:,} rows, NER {'on' if ner else 'off'}: {total:.2f} s (column timers on)")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        click.echo(
            f"  {name:<16} {seconds:7.2f} s  {100 * seconds / total:5.1f}%  {distinct[name]:>9,} distinct"
        )
    click.echo(
        f"  {'(other)':<16} {total - sum(spent.values()):7.2f} s  (reading, deciding, counting distinct)"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in scan_path(data.path, options=DetectOptions(ner=ner)):
        pass
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    click.echo(stream.getvalue())


def _warm_table(path: str):  # type: ignore[no-untyped-def]
    """The first rows of the file, to warm imports before timing."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pa.Table.from_batches([next(pq.ParquetFile(path).iter_batches(batch_size=500))])


if __name__ == "__main__":
    main()
