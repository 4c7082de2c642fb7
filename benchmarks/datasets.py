"""The benchmark data: generated once per size, cached on disk, described by a small manifest.

Every measurement of a run reads the same files, so the numbers compare like with like:

* ``table-<rows>.parquet`` — :func:`synthetic.tables.beneficiary_table` (17 columns, seed fixed), zstd,
  row groups of 65,536 rows (the size :func:`leakguard.scan.scan_path` reads and ``ParallelDetector``
  sends to a worker), with its ground truth ``table-<rows>.truth.parquet``;
* ``gateway-<rows>.log`` — :func:`synthetic.logs.gateway_log`, one record per line, and its truth;
* ``big-<rows>.parquet`` — the memory test (``--big``): written in slices of 10**6 rows, each a
  beneficiary table of its own seed, so generating it never holds more than one slice; no ground truth.

Beside each file, ``<name>.json`` records its rows, columns, string columns, bytes on disk and bytes in
memory (``pyarrow.Table.nbytes``: the uncompressed Arrow data, the denominator of every MB/s). A file is
regenerated when its manifest is missing or was made by another version of this module (``VERSION``).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

#: Bump to regenerate every cached file.
VERSION = 1
SEED = 2026
ROW_GROUP_ROWS = 65_536
BIG_SLICE_ROWS = 1_000_000


@dataclass(frozen=True)
class Dataset:
    """One cached file and what the measurements need to know about it."""

    kind: str  # "table", "log" or "big"
    path: str
    truth: str | None
    rows: int
    columns: int
    string_columns: list[str]
    file_bytes: int
    arrow_bytes: int
    version: int = VERSION

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _load(path: Path) -> Dataset | None:
    manifest = _manifest_path(path)
    if not (path.exists() and manifest.exists()):
        return None
    data = json.loads(manifest.read_text())
    if data.get("version") != VERSION:
        return None
    data["path"] = str(path.resolve())  # where the file is now, wherever the cache was made
    if data.get("truth"):
        truth = path.with_name(Path(data["truth"]).name).resolve()
        if not truth.exists():
            return None
        data["truth"] = str(truth)
    return Dataset(**data)


def _save(dataset: Dataset) -> Dataset:
    manifest = _manifest_path(Path(dataset.path))
    tmp = manifest.with_name(manifest.name + ".tmp")
    tmp.write_text(json.dumps(dataset.to_json(), indent=1))
    os.replace(tmp, manifest)
    return dataset


def _string_columns(schema: pa.Schema) -> list[str]:
    return [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]


def beneficiary_parquet(cache: Path, rows: int, seed: int = SEED) -> Dataset:
    """The 17-column beneficiary table of ``rows`` rows as Parquet, and its truth (cached)."""
    from synthetic import files
    from synthetic.tables import beneficiary_table

    path = cache.resolve() / f"table-{rows}.parquet"
    cached = _load(path)
    if cached is not None:
        return cached
    table, truth = beneficiary_table(rows, seed)
    files.write_parquet(table, path, row_group_size=ROW_GROUP_ROWS)
    truth_path = files.truth_path(path)
    files.write_truth(truth, truth_path)
    return _save(
        Dataset(
            "table",
            str(path),
            str(truth_path),
            rows,
            table.num_columns,
            _string_columns(table.schema),
            path.stat().st_size,
            table.nbytes,
        )
    )


def gateway_log(cache: Path, lines: int, seed: int = SEED) -> Dataset:
    """A gateway log of ``lines`` lines and its truth (cached)."""
    from synthetic import files, logs

    path = cache.resolve() / f"gateway-{lines}.log"
    cached = _load(path)
    if cached is not None:
        return cached
    text, truth = logs.gateway_log(lines, seed)
    files.write_lines(text, path)
    truth_path = files.truth_path(path)
    files.write_truth(truth, truth_path)
    size = path.stat().st_size
    return _save(Dataset("log", str(path), str(truth_path), lines, 1, ["line"], size, size))


def big_parquet(cache: Path, rows: int, seed: int = SEED) -> Dataset:
    """A beneficiary table of ``rows`` rows written slice by slice (bounded memory), without truth."""
    from synthetic.tables import beneficiary_table

    path = cache.resolve() / f"big-{rows}.parquet"
    cached = _load(path)
    if cached is not None:
        return cached
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    writer: pq.ParquetWriter | None = None
    arrow_bytes = 0
    schema: pa.Schema | None = None
    try:
        done = 0
        part = 0
        while done < rows:
            n = min(BIG_SLICE_ROWS, rows - done)
            table, _truth = beneficiary_table(n, seed + part)
            del _truth
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(tmp, schema, compression="zstd")
            writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
            arrow_bytes += table.nbytes
            done += n
            part += 1
    except BaseException:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)
        raise
    assert writer is not None
    writer.close()
    os.replace(tmp, path)
    assert schema is not None
    return _save(
        Dataset(
            "big",
            str(path),
            None,
            rows,
            len(schema),
            _string_columns(schema),
            path.stat().st_size,
            arrow_bytes,
        )
    )
