"""One measurement in a fresh process: ``python -m benchmarks.child TASK_JSON RESULT_PATH``.

A fresh process per measurement gives each its own peak memory (``VmHWM``) and keeps one measurement's
caches, models and garbage out of the next. The task says what to run (``kind``: ``limit``, ``scan``,
``profile``, ``presidio``, ``pseudonymise``, ``exposure``) and on which file; the result (seconds per repeat,
rows, findings, peak memory, and the quality table when the task has a ``truth``) is written as JSON to
``RESULT_PATH``. Quality is scored after the peak memory is read, so loading the truth does not count in it.
leakguard's tasks run with the Arrow memory pool of the ``leakguard`` command (:mod:`leakguard.memorypool`);
the others (the limit, Presidio) with pyarrow's default pool.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

#: Task kinds that run leakguard, as its command does.
LEAKGUARD_KINDS = frozenset({"scan", "profile", "exposure", "pseudonymise"})


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    kind = task["kind"]
    if kind in LEAKGUARD_KINDS:
        from leakguard.memorypool import use_returning_pool

        use_returning_pool()
    if kind == "limit":
        from benchmarks.limit import read_and_match
        from benchmarks.memory import high_water_mib

        read_and_match(task["path"])  # page cache and imports, as every other measurement gets
        seconds, matches = [], 0
        for _ in range(task.get("repeat", 1)):
            elapsed, matches = read_and_match(task["path"])
            seconds.append(elapsed)
        result: dict[str, Any] = {
            "seconds": seconds,
            "matches": matches,
            "rss_mib": high_water_mib(),
            "workers_rss_mib": [],
        }
    elif kind == "scan":
        from benchmarks.leakguard_scan import scan

        result = scan(
            task["path"],
            ner=task["ner"],
            jobs=task.get("jobs", 1),
            repeat=task.get("repeat", 1),
            keep=bool(task.get("truth")),
        )
    elif kind == "profile":
        from benchmarks.leakguard_scan import profile

        result = profile(task["path"], repeat=task.get("repeat", 1))
    elif kind == "presidio":
        from benchmarks.presidio_baseline import run

        result = run(
            task["path"],
            rows=task["rows"],
            setup=task["setup"],
            nlp=task["nlp"],
            repeat=task.get("repeat", 1),
        )
    elif kind == "exposure":
        from benchmarks.exposure import scan_once

        result = scan_once(task["path"], task["exposure"])
    elif kind == "pseudonymise":
        from benchmarks.pseudonymisation import run as run_pseudonymise

        result = run_pseudonymise(task["path"], repeat=task.get("repeat", 1), jobs=task.get("jobs", 1))
    else:
        raise ValueError(f"unknown task kind {kind!r}")
    kept = result.pop("kept", None)
    if task.get("truth") and kept is not None:
        import pyarrow.parquet as pq

        from benchmarks.quality import score

        truth = pq.read_table(task["truth"])
        max_row = task.get("rows") if kind == "presidio" else None
        result["quality"] = score(kept, truth, entities=result.pop("entities", None), max_row=max_row)
    result.pop("entities", None)
    return result


def main(argv: list[str]) -> int:
    task = json.loads(argv[1])
    out = argv[2]
    try:
        result = {"ok": True, **run_task(task)}
    except Exception as error:  # report the failure to the suite, which goes on with the others
        result = {
            "ok": False,
            "error": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(),
        }
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(tmp, out)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
