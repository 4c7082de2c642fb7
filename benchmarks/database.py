"""A PostgreSQL table scanned beside the same data as Parquet: cells/s and peak memory of each.

``python -m benchmarks.database`` (from the repository root, test extras installed, PostgreSQL's server
programs on the machine) writes the 17-column beneficiary table of :mod:`benchmarks.datasets` (10**6 rows by
default, cached) as Parquet, loads the same rows into a throw-away PostgreSQL cluster
(:mod:`tests.pgcluster`, through the ADBC driver), and times, each in a fresh process:

* **Parquet**: :func:`leakguard.scan.scan_path` on the file (:func:`benchmarks.leakguard_scan.scan`, 1 job);
* **PostgreSQL**: :func:`leakguard.scan_database` on ``postgresql://127.0.0.1:PORT/bench`` over TCP with a
  password (``PGPASSWORD``), as a user runs ``leakguard scan postgresql://…`` (binary COPY into Arrow batches
  of 65,536 rows).

Both without NER, imports and compiled patterns warmed before the clock, findings counted, not kept. Reported:
seconds, cells/s (rows x 17 columns), peak RSS (``VmHWM`` of the measuring process) and the ratio of the
database's cells/s to Parquet's. Targets (``DESIGN.md``): the ratio at least 0.5, peak RSS under 1 GiB.
Results go to ``benchmarks/out/database.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from benchmarks import datasets
from benchmarks.machine import load, machine_info

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.5
TARGET_PEAK_MIB = 1024
WARM_ROWS = 1_000


def _scan_postgres(uri: str, warm: str) -> dict[str, Any]:
    """Time ``scan_database`` on ``uri`` (in the measuring process)."""
    import pyarrow.parquet as pq

    import leakguard
    from benchmarks.memory import high_water_mib

    leakguard.scan_table(next(pq.ParquetFile(warm).iter_batches(batch_size=WARM_ROWS)), ner=False)
    started = time.perf_counter()
    findings = 0
    for table in leakguard.scan_database(uri, ner=False):
        findings += table.num_rows
    seconds = time.perf_counter() - started
    return {"seconds": [seconds], "rows": _rows(uri), "findings": findings, "rss_mib": high_water_mib()}


def _rows(uri: str) -> int:
    import adbc_driver_postgresql.dbapi as dbapi

    with dbapi.connect(uri) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.beneficiaires")
        (count,) = cursor.fetchone()
        connection.rollback()
    return int(count)


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    if task["kind"] == "parquet":
        from benchmarks.leakguard_scan import scan

        return scan(task["path"], ner=False, jobs=1)
    return _scan_postgres(task["uri"], task["path"])


def _isolated(task: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """``task`` run by ``python -m benchmarks.database --child`` in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="leakguard-bench-") as tmp:
        out = Path(tmp) / "result.json"
        subprocess.run([sys.executable, "-m", "benchmarks.database", "--child", json.dumps(task), str(out)],
                       cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


def _load_postgres(server: Any, data: datasets.Dataset) -> str:
    """The rows of ``data`` in ``public.beneficiaires`` of a new database ``bench``; its URI for the reader."""
    import adbc_driver_postgresql.dbapi as dbapi
    import pyarrow.parquet as pq

    server.create_database("bench")
    with dbapi.connect(server.superuser_uri("bench")) as connection, connection.cursor() as cursor:
        cursor.adbc_ingest("beneficiaires", pq.ParquetFile(data.path).iter_batches(65_536), mode="create")
        connection.commit()
    server.sql(f"GRANT SELECT ON public.beneficiaires TO {server.reader}; VACUUM ANALYZE public.beneficiaires",
               "bench")
    return server.uri("bench")  # the password goes in PGPASSWORD, not on a command line


def measure(rows: int, cache: Path) -> dict[str, Any]:
    """Both scans on ``rows`` rows; the results and the derived ratio."""
    import os

    from tests.pgcluster import throwaway_cluster

    data = datasets.beneficiary_parquet(cache, rows)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    with throwaway_cluster() as server:
        env["PGPASSWORD"] = server.password
        started = time.perf_counter()
        uri = _load_postgres(server, data)
        print(f"loaded {rows:,} rows into PostgreSQL in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        load_before = load()
        parquet = _isolated({"kind": "parquet", "path": data.path}, env)
        database = _isolated({"kind": "postgresql", "uri": uri, "path": data.path}, env)
        load_after = load()
    cells = rows * data.columns
    results = {"parquet": parquet, "postgresql": database}
    for result in results.values():
        result["cells_per_s"] = round(cells / min(result["seconds"]), 1)
    ratio = results["postgresql"]["cells_per_s"] / results["parquet"]["cells_per_s"]
    return {
        "machine": machine_info(),
        "load": {"before": load_before, "after": load_after},
        "rows": rows,
        "columns": data.columns,
        "results": results,
        "ratio": round(ratio, 3),
        "targets": {
            "ratio_at_least": TARGET_RATIO,
            "ratio_ok": ratio >= TARGET_RATIO,
            "peak_mib_under": TARGET_PEAK_MIB,
            "peak_ok": (database.get("rss_mib") or 0) < TARGET_PEAK_MIB,
        },
    }


def report(summary: dict[str, Any]) -> str:
    lines = ["| scan | rows | seconds | cells/s | peak RSS MiB | findings |", "|---|---:|---:|---:|---:|---:|"]
    for name, result in summary["results"].items():
        lines.append(f"| {name} | {result['rows']:,} | {min(result['seconds']):.1f} | {result['cells_per_s']:,.0f} | "
                     f"{result['rss_mib']:,.0f} | {result['findings']:,} |")
    targets = summary["targets"]
    lines.append("")
    lines.append(f"PostgreSQL / Parquet cells/s: {summary['ratio']:.2f} (target >= {TARGET_RATIO}: "
                 f"{'PASS' if targets['ratio_ok'] else 'MISS'}); PostgreSQL peak RSS "
                 f"{summary['results']['postgresql']['rss_mib']:,.0f} MiB (target < {TARGET_PEAK_MIB}: "
                 f"{'PASS' if targets['peak_ok'] else 'MISS'})")
    return "\n".join(lines)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rows", type=click.IntRange(1), default=1_000_000, show_default=True)
@click.option("--cache", type=click.Path(path_type=Path), default=OUT / "cache", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=OUT / "database.json", show_default=True)
@click.option("--child", nargs=2, hidden=True)
def main(rows: int, cache: Path, out: Path, child: tuple[str, str] | None) -> None:
    """Scan a PostgreSQL table and the same data as Parquet; compare cells/s and peak memory."""
    if child:
        task, result = child
        Path(result).write_text(json.dumps(run_task(json.loads(task))))
        return
    cache.mkdir(parents=True, exist_ok=True)
    summary = measure(rows, cache)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=1))
    click.echo(report(summary))


if __name__ == "__main__":
    main()
