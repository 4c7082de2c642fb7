"""``python -m benchmarks.exposure``: what record-level exposure adds to a scan, and how big the HTML report is.

On the cached beneficiary table of the suite (:mod:`benchmarks.datasets`, 17 columns, zstd Parquet in
65,536-row row groups; 10^6 rows by default), without NER and on one core, each in a fresh process
(:mod:`benchmarks.isolate`, as the suite's measurements):

* the scan alone — :func:`leakguard.scan.scan_path`, findings counted, as the suite's scan measurement;
* the same scan feeding an :class:`leakguard.report.exposure.ExposureTracker` with every chunk and its
  findings, as ``leakguard scan`` does, then taking the file's figures; the time spent inside the tracker is
  summed apart.

Imports and compiled patterns are warmed up before the clock. The two alternate (scan, scan + exposure, then
scan + exposure, scan...) ``--repeat`` times, so that a change of load on a shared machine weighs on both.
Reported: the best and median wall time of each, and their CPU time (of the process, every thread: what a
shared machine's load changes least); the overhead (best with / best without - 1) in wall and in CPU time,
the DESIGN.md target being at most 10 %; the tracker's own time as a share of the rest of the scan (both
measured in the same process); and each process's peak memory. The target is met when the CPU overhead and
the tracker's share are both within it (the wall overhead is shown, but on a loaded machine it mostly
measures the load). Then one
``scan_files`` run writes the HTML report of the file and its size is reported (aggregates only: it does not
grow with the records). Results also go to ``benchmarks/out/exposure.json``.

    python -m benchmarks.exposure                      # 10^6 rows, 3 rounds (about half an hour here)
    python -m benchmarks.exposure --rows 2000 --repeat 1 --out /tmp/exposure.json   # smoke run
"""

from __future__ import annotations

import io
import json
import statistics
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from benchmarks.isolate import run_isolated
from benchmarks.machine import load, machine_info
from benchmarks.memory import high_water_mib
from benchmarks.suite import OUT

BATCH_ROWS = 65_536
TARGET = 0.10


def scan_once(path: str, with_exposure: bool) -> dict[str, Any]:
    """One timed scan of ``path``, with or without exposure (the task of a fresh process)."""
    import pyarrow.parquet as pq

    from leakguard.detect.engine import DetectOptions
    from leakguard.report.exposure import ExposureTracker
    from leakguard.scan import DECIDED, scan_path, scan_table
    from leakguard.sources.base import Problem

    scan_table(next(pq.ParquetFile(path).iter_batches(batch_size=1_000)), ner=False)  # imports, patterns
    tracker = ExposureTracker() if with_exposure else None
    inside = 0.0
    findings = rows = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    held: list = []  # each chunk's NIRs waiting for their column's decision
    for item in scan_path(path, options=DetectOptions(ner=False), batch_rows=BATCH_ROWS,
                          on_held=held.append if tracker is not None else None):
        if isinstance(item, Problem):
            continue
        chunk, table = item
        rows += len(chunk.rows)
        findings += table.num_rows
        if tracker is not None:
            before = time.perf_counter()
            if chunk is DECIDED:
                tracker.decide(path, table)
            else:
                tracker.add(path, chunk, table, held=held.pop() if held else None)
            inside += time.perf_counter() - before
    figures = None
    if tracker is not None:
        before = time.perf_counter()
        figures = tracker.finish(path).to_dict()
        inside += time.perf_counter() - before
    return {"exposure": with_exposure, "seconds": [time.perf_counter() - started],
            "cpu_seconds": time.process_time() - cpu_started, "exposure_seconds": inside,
            "rows": rows, "findings": findings, "figures": figures, "rss_mib": high_water_mib(),
            "workers_rss_mib": []}


def _report_size(path: str) -> dict[str, Any]:
    from leakguard.detect.engine import DetectOptions
    from leakguard.report import make_reporter
    from leakguard.report.exposure import ExposureTracker
    from leakguard.scan import scan_files

    out = io.StringIO()
    reporter = make_reporter("html", out)
    tracker = ExposureTracker()
    started = time.perf_counter()
    scan_files([path], reporter, options=DetectOptions(ner=False), batch_rows=BATCH_ROWS, exposure=tracker)
    reporter.exposure(tracker.summary())
    reporter.close()
    return {"bytes": len(out.getvalue().encode("utf-8")), "seconds": time.perf_counter() - started}


def measure(path: str, repeat: int, report: bool = True) -> dict[str, Any]:
    """The runs and what they say (see the module docstring)."""
    runs = []
    for round_ in range(repeat):
        for with_exposure in ((False, True) if round_ % 2 == 0 else (True, False)):
            run = run_isolated({"kind": "exposure", "path": path, "exposure": with_exposure})
            if not run.get("ok"):
                raise RuntimeError(f"the measurement failed: {run.get('error')}")
            run["seconds"] = run["seconds"][0]
            runs.append(run)
            print(f"  round {round_ + 1}, {'scan + exposure' if with_exposure else 'scan alone'}: "
                  f"{run['seconds']:.1f} s, peak {run['rss_mib']:.0f} MiB (load {load()[0]})", flush=True)
    alone = [r for r in runs if not r["exposure"]]
    both = [r for r in runs if r["exposure"]]
    result: dict[str, Any] = {"rows": runs[0]["rows"], "findings": runs[0]["findings"]}
    for key, group in (("scan_seconds", alone), ("scan_exposure_seconds", both)):
        for name, field in ((key, "seconds"), (f"{key}_cpu", "cpu_seconds")):
            times = [r[field] for r in group]
            result[name] = {"best": min(times), "median": statistics.median(times), "all": times}
    inside = [r["exposure_seconds"] for r in both]
    result["tracker_seconds"] = {"best": min(inside), "median": statistics.median(inside), "all": inside}
    result["peak_rss_mib"] = {"scan": max(r["rss_mib"] for r in alone),
                              "scan_exposure": max(r["rss_mib"] for r in both)}
    result["figures"] = both[-1]["figures"]
    result["overhead"] = result["scan_exposure_seconds"]["best"] / result["scan_seconds"]["best"] - 1
    result["overhead_cpu"] = result["scan_exposure_seconds_cpu"]["best"] / result["scan_seconds_cpu"]["best"] - 1
    result["tracker_share"] = statistics.median(r["exposure_seconds"] / (r["seconds"] - r["exposure_seconds"])
                                                for r in both)
    result["target"] = {"max_overhead": TARGET,
                        "met": result["overhead_cpu"] <= TARGET and result["tracker_share"] <= TARGET}
    if report:
        result["html_report"] = _report_size(path)
    return result


def print_result(result: dict[str, Any], console: Console) -> None:
    table = Table(title=f"Exposure on {result['rows']:,} rows ({result['findings']:,} findings), no NER, 1 job")
    for name in ("measurement", "best s", "median s", "best CPU s", "median CPU s"):
        table.add_column(name, justify="left" if name == "measurement" else "right")
    for label, key in (("scan alone", "scan_seconds"), ("scan + exposure", "scan_exposure_seconds"),
                       ("inside the tracker", "tracker_seconds")):
        cpu = result.get(f"{key}_cpu")
        table.add_row(label, f"{result[key]['best']:.2f}", f"{result[key]['median']:.2f}",
                      f"{cpu['best']:.2f}" if cpu else "", f"{cpu['median']:.2f}" if cpu else "")
    console.print(table)
    console.print(f"overhead (best / best): wall {100 * result['overhead']:+.1f} %, CPU "
                  f"{100 * result['overhead_cpu']:+.1f} %; tracker time / scan time (median): "
                  f"{100 * result['tracker_share']:.1f} %; target <= {100 * TARGET:.0f} % (CPU and tracker): "
                  f"{'met' if result['target']['met'] else 'NOT met'}")
    peaks = result["peak_rss_mib"]
    console.print(f"peak memory: {peaks['scan']:.0f} MiB alone, {peaks['scan_exposure']:.0f} MiB with exposure")
    if "html_report" in result:
        console.print(f"HTML report of the file: {result['html_report']['bytes']:,} bytes")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rows", type=click.IntRange(1), default=1_000_000, show_default=True)
@click.option("--repeat", type=click.IntRange(1), default=3, show_default=True,
              help="Rounds of (scan alone, scan + exposure).")
@click.option("--no-report", is_flag=True, help="Skip the HTML report size (one more scan).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=OUT / "cache",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=OUT / "exposure.json",
              show_default=True)
def main(rows: int, repeat: int, no_report: bool, cache_dir: Path, out: Path) -> None:
    """What record-level exposure adds to a scan (target: at most 10 %)."""
    from benchmarks.datasets import beneficiary_parquet

    cache_dir.mkdir(parents=True, exist_ok=True)
    data = beneficiary_parquet(cache_dir, rows)
    document = {"machine": machine_info(), "dataset": data.to_json(),
                "result": measure(data.path, repeat, report=not no_report)}
    document["machine"]["load_end"] = load()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1) + "\n")
    print_result(document["result"], Console())


if __name__ == "__main__":
    main()
