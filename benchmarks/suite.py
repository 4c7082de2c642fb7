"""The suite: which measurements a run makes, on which data, and the numbers derived from them.

:func:`plan` lists the measurements of a :class:`Config`; :func:`run` generates (or finds in the cache) the
data, runs each measurement in a fresh process (:mod:`benchmarks.isolate`), then derives per measurement:
cells/s and MB/s (Arrow bytes in memory), rows/s, the ratio of its cells/s to Presidio's without NLP and
with spaCy (set-up ``nir+stock``), the ratio of its time to the limit's time on the same file, the peak
memory (the process, plus its workers' peaks for several jobs), and the growth of its time from the
smallest to the largest size. :mod:`benchmarks.targets` then checks the targets of ``DESIGN.md``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import datasets, targets
from benchmarks.isolate import run_isolated
from benchmarks.machine import load, machine_info
from benchmarks.presidio_baseline import NLPS, SETUPS

OUT = Path(__file__).resolve().parent / "out"


@dataclass
class Config:
    rows: list[int] = field(default_factory=lambda: [100_000, 1_000_000])
    jobs: list[int] = field(default_factory=lambda: [1, 2])
    ner_jobs: list[int] | None = None  # job counts of the NER scans (None: the same as ``jobs``)
    presidio_sample: int = 2_000
    presidio_setups: list[str] = field(default_factory=lambda: list(SETUPS))
    log_lines: int = 100_000
    ner: bool = True
    ner_max_rows: int | None = None
    pseudonymise: bool = True
    isolate: bool = True  # each measurement in a fresh process (its own peak RSS); False: in this process
    big: bool = False
    big_only: bool = False  # only the memory target (implies ``big``)
    big_rows: int = 10_000_000
    repeat: int = 1
    timeout: float | None = 3 * 3600
    cache: Path = OUT / "cache"
    out: Path = OUT / "results.json"
    quick: bool = False

    @classmethod
    def quick_config(cls, **overrides: Any) -> Config:
        base = {
            "rows": [2_000],
            "jobs": [1, 2],
            "ner_jobs": [1],
            "presidio_sample": 40,
            "presidio_setups": ["nir+stock"],
            "log_lines": 2_000,
            "big": False,
            "quick": True,
        }
        base.update(overrides)
        return cls(**base)


@dataclass
class Measurement:
    """One line of the results table."""

    id: str
    kind: str  # limit, scan, log, presidio, profile, pseudonymise, big
    label: str
    rows: int
    task: dict[str, Any]
    dataset: dict[str, Any] | None = None
    ner: bool | None = None
    jobs: int | None = None
    result: dict[str, Any] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)


def plan(
    config: Config,
    tables: dict[int, datasets.Dataset],
    log: datasets.Dataset | None,
    big: datasets.Dataset | None,
) -> list[Measurement]:
    """The measurements of a run, in the order they are made."""
    out: list[Measurement] = []
    if not tables:
        return _big(big) if big is not None else []
    smallest = min(tables)
    sample = tables[smallest]
    for setup in config.presidio_setups:
        for nlp in NLPS:
            out.append(
                Measurement(
                    f"presidio:{setup}:{nlp}",
                    "presidio",
                    f"Presidio BatchAnalyzer, {setup}, {'spaCy fr' if nlp == 'spacy' else 'no NLP'}",
                    min(config.presidio_sample, sample.rows),
                    {
                        "kind": "presidio",
                        "path": sample.path,
                        "truth": sample.truth,
                        "rows": min(config.presidio_sample, sample.rows),
                        "setup": setup,
                        "nlp": nlp,
                        "repeat": config.repeat,
                    },
                    dataset=sample.to_json(),
                    ner=nlp == "spacy",
                )
            )
    for rows in sorted(tables):
        data = tables[rows]
        base = {"path": data.path, "repeat": config.repeat}
        out.append(
            Measurement(
                f"limit@{rows}",
                "limit",
                "limit: pyarrow read + 1 regex pass",
                rows,
                {"kind": "limit", **base},
                dataset=data.to_json(),
            )
        )
        ner_modes = [False]
        if config.ner and (config.ner_max_rows is None or rows <= config.ner_max_rows):
            ner_modes.append(True)
        for ner in ner_modes:
            for jobs in (config.ner_jobs or config.jobs) if ner else config.jobs:
                truth = data.truth if rows == smallest and jobs == 1 else None
                out.append(
                    Measurement(
                        f"scan:{'ner' if ner else 'noner'}:j{jobs}@{rows}",
                        "scan",
                        f"leakguard scan, {'NER' if ner else 'no NER'}, {jobs} job{'s' if jobs > 1 else ''}",
                        rows,
                        {"kind": "scan", **base, "ner": ner, "jobs": jobs, "truth": truth},
                        dataset=data.to_json(),
                        ner=ner,
                        jobs=jobs,
                    )
                )
        out.append(
            Measurement(
                f"profile@{rows}",
                "profile",
                "leakguard profile pass (column NIR counts, read before a rewrite), 1 job",
                rows,
                {"kind": "profile", **base},
                dataset=data.to_json(),
                ner=False,
                jobs=1,
            )
        )
        if config.pseudonymise:
            for jobs in config.jobs:
                out.append(
                    Measurement(
                        f"pseudonymise:j{jobs}@{rows}",
                        "pseudonymise",
                        f"leakguard pseudonymise, default policy, no NER, {jobs} job{'s' if jobs > 1 else ''}",
                        rows,
                        {"kind": "pseudonymise", **base, "jobs": jobs},
                        dataset=data.to_json(),
                        ner=False,
                        jobs=jobs,
                    )
                )
    if log is not None:
        for ner in [False, True] if config.ner else [False]:
            out.append(
                Measurement(
                    f"log:{'ner' if ner else 'noner'}@{log.rows}",
                    "log",
                    f"leakguard scan of a gateway log, {'NER' if ner else 'no NER'}",
                    log.rows,
                    {
                        "kind": "scan",
                        "path": log.path,
                        "repeat": config.repeat,
                        "ner": ner,
                        "jobs": 1,
                        "truth": log.truth,
                    },
                    dataset=log.to_json(),
                    ner=ner,
                    jobs=1,
                )
            )
    if big is not None:
        out.extend(_big(big))
    return out


def _big(big: datasets.Dataset) -> list[Measurement]:
    return [
        Measurement(
            f"big@{big.rows}",
            "big",
            "leakguard scan of the big file, no NER, 1 job",
            big.rows,
            {"kind": "scan", "path": big.path, "repeat": 1, "ner": False, "jobs": 1},
            dataset=big.to_json(),
            ner=False,
            jobs=1,
        )
    ]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_data(
    config: Config,
) -> tuple[dict[int, datasets.Dataset], datasets.Dataset | None, datasets.Dataset | None]:
    config.cache.mkdir(parents=True, exist_ok=True)
    tables = {}
    for rows in [] if config.big_only else config.rows:
        started = time.perf_counter()
        tables[rows] = datasets.beneficiary_parquet(config.cache, rows)
        _say(f"data: {rows:,} rows -> {tables[rows].path} ({time.perf_counter() - started:.1f} s)")
    log = (
        datasets.gateway_log(config.cache, config.log_lines)
        if config.log_lines and not config.big_only
        else None
    )
    big = None
    if config.big or config.big_only:
        started = time.perf_counter()
        big = datasets.big_parquet(config.cache, config.big_rows)
        _say(f"data: big file {config.big_rows:,} rows ({time.perf_counter() - started:.1f} s)")
    return tables, log, big


def _in_process(task: dict[str, Any]) -> dict[str, Any]:
    """Run a task here (``--skip-memory``): quicker, but no peak memory of its own."""
    from benchmarks.child import run_task

    try:
        result = {"ok": True, **run_task(task)}
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    result["rss_mib"] = None
    result["workers_rss_mib"] = []
    return result


def derive(measurements: list[Measurement]) -> None:
    """Fill ``derived`` of every measurement that succeeded (see the module docstring)."""
    by_id = {m.id: m for m in measurements}
    limits = {m.rows: m for m in measurements if m.kind == "limit" and m.result.get("ok")}
    presidio = {nlp: by_id.get(f"presidio:nir+stock:{nlp}") for nlp in NLPS}
    for m in measurements:
        r = m.result
        if not r.get("ok"):
            continue
        seconds = min(r["seconds"])
        data = m.dataset or {}
        cells = r.get("cells") or m.rows * int(data.get("columns", 1))
        mbytes = (r.get("arrow_bytes") or data.get("arrow_bytes") or 0) / 1e6
        d = m.derived
        d["seconds"] = round(seconds, 4)
        d["cells"] = cells
        d["cells_per_s"] = round(cells / seconds, 1) if seconds else None
        d["rows_per_s"] = round(m.rows / seconds, 1) if seconds else None
        d["mb_per_s"] = round(mbytes / seconds, 2) if seconds and mbytes else None
        peak = r.get("rss_mib")
        workers = r.get("workers_rss_mib") or []
        d["peak_rss_mib"] = round((peak or 0) + sum(workers), 1) if peak is not None else None
        d["process_rss_mib"] = peak
        d["workers_rss_mib"] = workers
    for m in measurements:
        d = m.derived
        if not d or d.get("cells_per_s") is None:
            continue
        for nlp, anchor in presidio.items():
            if anchor is not None and anchor.derived.get("cells_per_s"):
                d[f"x_presidio_{nlp}"] = round(d["cells_per_s"] / anchor.derived["cells_per_s"], 1)
        limit = limits.get(m.rows)
        timed = m.kind in ("scan", "pseudonymise", "profile", "limit")
        if timed and limit is not None and limit.derived.get("seconds"):
            d["x_limit_time"] = round(d["seconds"] / limit.derived["seconds"], 2)
    # growth from the smallest to the largest size, per measurement of several sizes
    groups: dict[str, list[Measurement]] = {}
    for m in measurements:
        if m.kind in ("limit", "scan", "pseudonymise", "profile") and m.derived.get("seconds"):
            groups.setdefault(m.id.split("@")[0], []).append(m)
    for group in groups.values():
        if len(group) < 2:
            continue
        small, large = min(group, key=lambda m: m.rows), max(group, key=lambda m: m.rows)
        ratio = large.derived["seconds"] / small.derived["seconds"]
        large.derived["growth"] = {
            "from_rows": small.rows,
            "to_rows": large.rows,
            "time_ratio": round(ratio, 2),
            "rows_ratio": round(large.rows / small.rows, 2),
        }


def run(config: Config) -> dict[str, Any]:
    """Run the suite; returns the results document (also written to ``config.out``)."""
    info = machine_info()
    tables, log, big = prepare_data(config)
    measurements = plan(config, tables, log, big)
    for i, m in enumerate(measurements, 1):
        _say(f"[{i}/{len(measurements)}] {m.label} @ {m.rows:,} rows (load {load()[:1]}) ...")
        started = time.perf_counter()
        m.result = run_isolated(m.task, timeout=config.timeout) if config.isolate else _in_process(m.task)
        state = "ok" if m.result.get("ok") else f"FAILED: {m.result.get('error')}"
        _say(f"    {time.perf_counter() - started:.1f} s wall, {state}")
    derive(measurements)
    info["load_end"] = load()
    quality = {m.id: m.result["quality"] for m in measurements if m.result.get("quality")}
    document = {
        "machine": info,
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "datasets": [d.to_json() for d in [*tables.values(), log, big] if d is not None],
        "measurements": [
            {
                "id": m.id,
                "kind": m.kind,
                "label": m.label,
                "rows": m.rows,
                "ner": m.ner,
                "jobs": m.jobs,
                "ok": bool(m.result.get("ok")),
                "error": m.result.get("error"),
                "raw": {
                    k: v for k, v in m.result.items() if k not in ("quality", "traceback", "ok", "error")
                },
                **m.derived,
            }
            for m in measurements
        ],
        "quality": quality,
        "targets": targets.check(measurements),
    }
    return document
