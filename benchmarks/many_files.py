"""Many small files on every core: ``leakguard scan DIR`` with 1 job and with 2, as a user runs it.

``python -m benchmarks.many_files`` generates (once, in the cache) a directory of ``--files`` small Parquet
files of ``--rows`` rows each, slices of the 17-column beneficiary table of :mod:`synthetic.tables`, then
runs the command ``python -m leakguard scan DIR --no-ner --no-config --format json`` ``--runs`` times with
``--jobs 1`` and as many with ``--jobs 2``, alternating (1, 2, 1, 2, ...) so that both see the same load.
Each run is a fresh process timed from outside (wall clock: imports, the workers' start-up and the report
included), and every run's report must give the same findings. The CPU time of the run's processes (the
command and its workers, read from ``/proc`` every 0.25 s) divided by its wall time gives the cores it got:
on a loaded machine, the ratio of times says as much about the other processes as about leakguard. The
target of ``DESIGN.md`` ("many small files use every core") is checked as the ratio of the medians: 1 job /
2 jobs >= :data:`TARGET`.

The load average is printed before and after: on a shared machine, other processes take CPU from the
2-job runs most (2 cores: a load above 2 means the workers wait).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

from benchmarks.machine import load, machine_info
from benchmarks.memory import descendants

#: 1-job time / 2-job time the target asks for.
TARGET = 1.7
OUT = Path(__file__).resolve().parent / "out"
#: How often the CPU time of the scan's processes is read.
SAMPLE_SECONDS = 0.25
TICKS = os.sysconf("SC_CLK_TCK")


def small_files(cache: Path, files: int, rows: int, seed: int = 2026) -> Path:
    """``files`` Parquet files of ``rows`` rows each (cached)."""
    from synthetic import files as writers
    from synthetic.tables import beneficiary_table

    directory = cache.resolve() / f"files-{files}x{rows}"
    done = directory.parent / f"{directory.name}.complete"  # beside it: everything inside is scanned
    if done.exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    table, _ = beneficiary_table(files * rows, seed)
    for i in range(files):
        writers.write_parquet(table.slice(i * rows, rows), directory / f"part-{i:05d}.parquet")
    done.write_text("")
    return directory


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process (``/proc/PID/stat``), or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def scan_once(directory: Path, jobs: int, fmt: str = "json") -> tuple[float, float, dict[str, object]]:
    """Wall seconds of one ``leakguard scan --format FMT``, the CPU seconds of its processes (itself, its
    workers, sampled every :data:`SAMPLE_SECONDS`), and its summary (without its times). ``json`` computes
    the exposure figures (as ``jsonl`` and ``html`` do), ``sarif`` does not."""
    with tempfile.TemporaryDirectory(prefix="leakguard-bench-") as scratch:
        report = Path(scratch) / f"report.{fmt}"
        command = [sys.executable, "-m", "leakguard", "scan", str(directory), "--no-ner", "--no-config",
                   "--format", fmt, "--output", str(report), "--jobs", str(jobs)]
        cpu: dict[int, float] = {}
        started = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
            while process.poll() is None:
                for pid in [process.pid, *descendants(process.pid)]:
                    seconds = _cpu_seconds(pid)
                    if seconds is not None:
                        cpu[pid] = seconds
                time.sleep(SAMPLE_SECONDS)
            stderr = process.stderr.read() if process.stderr else ""
        elapsed = time.perf_counter() - started
        if process.returncode not in (0, 1):
            raise RuntimeError(f"leakguard scan failed ({process.returncode}): {stderr.strip()[-500:]}")
        document = json.loads(report.read_text())
        summary = document["summary"] if fmt == "json" else document["runs"][0]["properties"]["summary"]
    summary.pop("seconds", None)
    return elapsed, sum(cpu.values()), summary


def measure(directory: Path, runs: int, fmt: str = "json") -> dict[str, object]:
    """``runs`` alternated runs of 1 and 2 jobs; their times, medians and ratio."""
    seconds: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    summaries = []
    loads = [load()]
    for run in range(runs):
        for jobs in (1, 2):
            elapsed, used, summary = scan_once(directory, jobs, fmt)
            seconds[jobs].append(round(elapsed, 3))
            cpu[jobs].append(round(used, 2))
            summaries.append(summary)
            print(f"run {run + 1}/{runs}, {jobs} job{'s' if jobs > 1 else ''}: {elapsed:.2f} s, "
                  f"{used:.1f} CPU s (load {load()[0]:.2f})", file=sys.stderr, flush=True)
        loads.append(load())
    if any(summary != summaries[0] for summary in summaries):
        raise RuntimeError("the runs did not all report the same findings")
    medians = {jobs: statistics.median(times) for jobs, times in seconds.items()}
    return {
        "seconds": {f"jobs_{jobs}": times for jobs, times in seconds.items()},
        "median_seconds": {f"jobs_{jobs}": round(median, 3) for jobs, median in medians.items()},
        "cpu_seconds": {f"jobs_{jobs}": times for jobs, times in cpu.items()},
        "median_cores_used": {f"jobs_{jobs}": round(statistics.median(c / s for c, s in zip(cpu[jobs], times,
                                                                                            strict=True)), 2)
                              for jobs, times in seconds.items()},
        "ratio_of_medians": round(medians[1] / medians[2], 2),
        "target": TARGET,
        "status": "PASS" if medians[1] / medians[2] >= TARGET else "MISS",
        "load_average": loads,
        "findings": summaries[0]["findings"],
        "records": summaries[0]["records"],
    }


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--files", type=click.IntRange(2), default=200, show_default=True, help="Small files to scan.")
@click.option("--rows", type=click.IntRange(1), default=500, show_default=True, help="Rows of each file.")
@click.option("--runs", type=click.IntRange(1), default=5, show_default=True, help="Runs of each job count.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=OUT / "cache",
              show_default=True, help="Where the generated files are kept between runs.")
@click.option("--format", "fmt", type=click.Choice(["json", "sarif"]), default="json", show_default=True,
              help="The report written: json computes the exposure figures, sarif does not.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=OUT / "many_files.json",
              show_default=True, help="The JSON results.")
def main(files: int, rows: int, runs: int, cache_dir: Path, fmt: str, out: Path) -> None:
    """Scan many small files with 1 job and with 2; print the medians and their ratio."""
    directory = small_files(cache_dir, files, rows)
    size = sum(path.stat().st_size for path in directory.glob("*.parquet"))
    print(f"data: {files} Parquet files x {rows} rows, {size / 1e6:.1f} MB in {directory}", file=sys.stderr)
    result = {"machine": machine_info(), "files": files, "rows_per_file": rows, "bytes": size, "format": fmt,
              **measure(directory, runs, fmt)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    medians = result["median_seconds"]
    cores = result["median_cores_used"]
    print(f"{files} files x {rows} rows, --format {fmt}, {runs} runs each: "
          f"median {medians['jobs_1']:.2f} s with 1 job, "  # type: ignore[index]
          f"{medians['jobs_2']:.2f} s with 2 jobs: {result['ratio_of_medians']}x "  # type: ignore[index]
          f"(target >= {TARGET}x: {result['status']}); cores used {cores['jobs_1']} and {cores['jobs_2']}; "  # type: ignore[index]
          f"load average {result['load_average'][0]} -> {result['load_average'][-1]}")
    print(f"results: {out}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
